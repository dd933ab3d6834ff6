"""Per-market listing builders: titles, descriptions, prices and shipping as each market shows them."""

from __future__ import annotations

import random

from sandbox.catalog import COUNTRY_EN, NB_CATEGORIES
from sandbox.keys import fmt_num, stream
from sandbox.listings import Core, Listing, base_usd, display_price, drug_name, emoji, from_phrase, local_money, \
    listing_id, pick_quantity, price_multiplier, purity_text, qty_text, ship_to_for, short_place, to_phrase
from sandbox.people import Seller
from sandbox.phrases import BOARD_CONTACT, BOARD_NOPRICE, BOARD_OPEN, BOARD_PRICE, BOARD_SHIP, BOARD_TITLE, \
    DESC_DARK, HOSTILE, PHARMACY_DESC, PHARMACY_TITLE, TAG_SPAM, TITLE_BULK, TITLE_UNIT, UNIT_WORD

STORE_NAME = "RxPillStore24"
PHARMACY_CATEGORY = {"benzos": "Anxiety & Sleep", "opioids": "Pain Relief", "stimulants": "ADHD & Focus",
                     "prescription": "General Health"}
MEN = {"sildenafil": "Men's Health", "tadalafil": "Men's Health", "finasteride": "Men's Health",
       "isotretinoin": "Skin Care", "amoxicillin": "Antibiotics"}


def _fill(template: str, **kw: str) -> str:
    kw["NAME"] = kw.get("name", "").upper()
    return " ".join(template.format(**kw).split()).replace(" ,", ",").replace(" .", ".")


def _hostile(rng: random.Random, paragraphs: list[str]) -> bool:
    if rng.random() < 0.01:
        paragraphs.append("Note from vendor: " + rng.choice(HOSTILE))
        return True
    return False


def _dark_text(rng: random.Random, lang: str, ctx: dict[str, str]) -> list[str]:
    return [_fill(rng.choice(group), **ctx) for group in DESC_DARK[lang]]


def build_nightbazaar(seed: int, index: int, core: Core, seller: Seller, day: int) -> Listing:
    rng = stream(seed, "nightbazaar", index, "body")
    lang = seller.language
    origin = seller.origin if rng.random() < 0.92 else rng.choice(("NL", "DE", "GB", "US"))
    if lang != "en":
        origin = seller.origin
    ship_to = ship_to_for(rng, origin, lang, multi=lang == "en")
    currency = rng.choices(("USD", "EUR", "BTC"), weights=(55, 30, 15))[0]
    drug = core.drug
    ctx = {"src": short_place(origin), "dst": short_place(ship_to[0]), "e": emoji(rng),
           "src_name": COUNTRY_EN[origin], "dst_name": ", ".join(COUNTRY_EN[c] for c in ship_to),
           "src_l": from_phrase(lang, origin), "dst_l": to_phrase(lang, ship_to[0])}
    tags: tuple[str, ...] = ()
    if drug is not None:
        dose, qty, unit = pick_quantity(rng, drug)
        name = drug_name(rng, drug, lang, allow_typos=lang == "en")
        ctx.update(name=name, dose=dose, q=fmt_num(qty), unit=UNIT_WORD[drug.form][lang],
                   purity=purity_text(rng, drug, lang), qty=qty_text(qty, unit, lang, drug.form))
        table = TITLE_BULK if drug.form in ("powder", "weed") else TITLE_UNIT
        title = _fill(rng.choice(table[lang]), **ctx)
        usd = base_usd(rng, drug, dose, qty)
        paragraphs = _dark_text(rng, lang, ctx)
        category = drug.category
        if rng.random() < 0.12:
            tags = tuple(rng.sample(TAG_SPAM, rng.randint(6, 12)))
    else:
        lang = "en"
        core_title, category, usd = core.nondrug
        title, dose, qty, unit = core_title, None, None, None
        paragraphs = [f"{core_title}. Instant delivery after payment, escrow accepted.",
                      "Works worldwide. Read the terms before ordering, no refunds on digital goods."]
        usd *= rng.uniform(0.8, 1.3)
    usd *= price_multiplier(seed, "nightbazaar", index, core, day)
    price, price_text = display_price(usd, currency)
    hostile = _hostile(rng, paragraphs)
    return Listing("nightbazaar", index, listing_id("nightbazaar", index), title, lang, drug, seller, origin,
                   ship_to, price, currency, price_text, NB_CATEGORIES[category], dose or None, qty, unit,
                   tuple(paragraphs), core, tags=tags, hostile=hostile)


def build_pillstore(seed: int, index: int, core: Core, seller: Seller, day: int) -> Listing:
    rng = stream(seed, "pillstore", index, "body")
    lang = rng.choices(("en", "de", "fr", "es", "nl", "ru"), weights=(84, 4, 4, 4, 2, 2))[0]
    origin = rng.choices(("IN", "SG", "GB"), weights=(75, 15, 10))[0]
    if lang != "en":
        origin = "IN"
    ship_to = ("GB", "EU") if origin == "GB" else ("WW",)
    currency = "EUR" if lang != "en" or rng.random() < 0.2 else "USD"
    drug = core.drug
    brand = None
    if drug is not None:
        dose, qty, unit = pick_quantity(rng, drug)
        brand, generic = drug.names[0], drug.inn.capitalize()
        name = brand if brand.lower() == drug.inn else f"{brand} ({generic})"
        title = _title(rng, PHARMACY_TITLE, lang, brand=brand, generic=generic, dose=dose,
                       q=fmt_num(qty)).replace(f"{brand} ({generic})", name)
        usd = base_usd(rng, drug, dose, qty) * 1.6
        category = MEN.get(drug.inn) or PHARMACY_CATEGORY.get(drug.category, "General Health")
    else:
        lang, currency = "en", ("EUR" if currency == "EUR" else "USD")
        title, category, usd = core.nondrug
        name, dose, qty, unit = title, None, None, None
    src_l = {"de": "aus Indien", "fr": "depuis l'Inde", "es": "desde la India", "nl": "vanuit India",
             "ru": "из Индии"}.get(lang, "")
    paragraphs = [_fill(t, name=name, dose=dose or "", src_name=COUNTRY_EN[origin], src_l=src_l)
                  for t in PHARMACY_DESC[lang]]
    if origin != "IN" and lang == "en":
        paragraphs[2] = f"Dispatched from our warehouse in {COUNTRY_EN[origin]}. Delivery in 3-7 days."
    usd *= price_multiplier(seed, "pillstore", index, core, day)
    value = round(usd * (0.92 if currency == "EUR" else 1.0)) + 0.99 if usd > 2 else round(usd, 2)
    symbol = "€" if currency == "EUR" else "$"
    hostile = _hostile(rng, paragraphs)
    return Listing("pillstore", index, listing_id("pillstore", index), title, lang, drug, seller, origin,
                   ship_to, float(f"{value:.2f}"), currency, local_money(value, symbol, lang), category, dose,
                   qty, unit,
                   tuple(paragraphs), core, brand=brand, hostile=hostile)


def _title(rng: random.Random, templates: dict[str, tuple[str, ...]], lang: str, **values: str) -> str:
    """One of the language's title templates (the market's table in sandbox.phrases), filled in."""
    return rng.choice(templates[lang]).format(**values)


def _contacts(rng: random.Random, seller: Seller) -> list[str]:
    actor = seller.actor
    pool = [f"Telegram: @{actor.telegram}", f"t.me/{actor.telegram}", f"Email: {actor.email}",
            f"Wickr: {actor.wickr}", f"WhatsApp: {actor.phone}"]
    # Telegram always appears so the same person is linkable across markets by it.
    chosen = [pool[rng.randrange(2)]] + rng.sample(pool[2:], rng.randint(0, 2))
    return chosen


def build_boardex(seed: int, index: int, core: Core, seller: Seller, day: int) -> Listing:
    rng = stream(seed, "boardex", index, "body")
    drug = core.drug
    lang = seller.language if drug is not None else "en"
    origin = seller.origin
    ship_to = ship_to_for(rng, origin, lang, multi=False)
    currency = "USD" if origin in ("US", "CA", "AU") else "EUR"
    src_l, dst_l = (from_phrase(lang, origin) if lang != "en" else ""), to_phrase(lang, ship_to[0])
    lines: list[str] = []
    if drug is not None:
        dose, qty, unit = pick_quantity(rng, drug)
        name = drug_name(rng, drug, lang, allow_typos=lang == "en")
        qt = qty_text(qty, unit, lang, drug.form)
        title = " ".join(_title(rng, BOARD_TITLE, lang, name=name, dose=dose, qt=qt).split())
        lines.append(_fill(rng.choice(BOARD_OPEN[lang]), name=name, dose=dose, qty=qt))
        usd = base_usd(rng, drug, dose, qty)
        section = "Health & Beauty"
    else:
        title, section, usd = core.nondrug
        dose, qty, unit, qt = None, None, None, "it"
        lines.append(f"Selling: {title}. Good condition, serious buyers only.")
        usd *= rng.uniform(0.8, 1.2)
    lines.append(_fill(BOARD_SHIP[lang], src_name=COUNTRY_EN[origin], src_l=src_l, dst_l=dst_l))
    usd *= price_multiplier(seed, "boardex", index, core, day)
    price, cur, price_text = None, None, ""
    if rng.random() < 0.88:
        value = max(5, int(round(usd * (0.92 if currency == "EUR" else 1.0) / 5.0)) * 5)
        price, cur = float(value), currency
        price_text = _fill(rng.choice(BOARD_PRICE[lang]), price=str(value), cur=currency,
                           sym="€" if currency == "EUR" else "$", qty=qt)
        lines.append(price_text)
    else:
        lines.append(BOARD_NOPRICE[lang])
    lines.append(f"{BOARD_CONTACT[lang]}: " + " / ".join(_contacts(rng, seller)))
    hostile = _hostile(rng, lines)
    return Listing("boardex", index, listing_id("boardex", index), title, lang, drug, seller, origin, ship_to,
                   price, cur, price_text, section.capitalize() if drug is None else section, dose or None, qty, unit,
                   tuple(lines), core, hostile=hostile)
