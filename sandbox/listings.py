"""One listing, generated from its own random streams (cheap, lazy, deterministic)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sandbox.catalog import COUNTRY_EN, DRUGS, EU_MEMBERS, NONDRUG_BOARD, NONDRUG_DARK, NONDRUG_PHARMACY, \
    PHARMACY_DRUGS, Drug
from sandbox.keys import fmt_num, stream
from sandbox.people import Seller
from sandbox.phrases import EMOJI, FROM_PREP, PURITY_WORD, QUANTITIES, TO_PREP, UNIT_WORD

PREFIX = {"nightbazaar": "NB", "pillstore": "PS", "boardex": "BX"}
DRUG_SHARE = {"nightbazaar": 0.82, "pillstore": 0.9, "boardex": 0.6}
BTC_USD = 60000.0
EUR_PER_USD = 0.92
LOCAL_LANGS = ("de", "fr", "es", "nl", "ru")   # order of Drug.local entries
PURE = frozenset({"cocaine", "mdma", "heroin", "methamphetamine", "ketamine", "amphetamine"})


@dataclass(frozen=True)
class Core:
    """What an index needs without generating the page: lifetime, product, price clock, fault."""

    first_day: int
    last_day: int | None
    drug: Drug | None
    nondrug: tuple[str, str, float] | None
    price_period: int
    price_phase: int
    fault: str | None

    def live(self, day: int) -> bool:
        return self.first_day <= day and (self.last_day is None or day <= self.last_day)


@dataclass(frozen=True)
class Listing:
    market: str
    index: int
    listing_id: str
    title: str
    language: str
    drug: Drug | None
    seller: Seller
    ship_from: str
    ship_to: tuple[str, ...]
    price: float | None
    currency: str | None
    price_text: str
    category: str
    dose: str | None
    quantity: float | None
    unit: str | None
    description: tuple[str, ...]
    core: Core
    brand: str | None = None
    tags: tuple[str, ...] = ()
    hostile: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def url_path(self) -> str:
        kind = {"nightbazaar": "listing", "pillstore": "product", "boardex": "post"}[self.market]
        return f"/{self.market}/{kind}/{self.listing_id}"

    @property
    def fault(self) -> str | None:
        return self.core.fault


def listing_id(market: str, index: int) -> str:
    return f"{PREFIX[market]}{index:06d}"


def _weighted_drug(rng: random.Random, pool: tuple[Drug, ...]) -> Drug:
    return rng.choices(pool, weights=[d.weight for d in pool])[0]


def make_core(seed: int, market: str, index: int, base_n: int, per_day: int,
              forced_fault: str | None) -> Core:
    rng = stream(seed, market, index, "core")
    if index < base_n:
        first = 0
        last = rng.randint(1, 60) if rng.random() < 0.25 else None
    else:
        first = 1 + (index - base_n) // per_day
        last = first + rng.randint(3, 40) if rng.random() < 0.3 else None
    drug, nondrug = None, None
    if rng.random() < DRUG_SHARE[market]:
        drug = _weighted_drug(rng, PHARMACY_DRUGS if market == "pillstore" else DRUGS)
    else:
        pool = {"nightbazaar": NONDRUG_DARK, "pillstore": NONDRUG_PHARMACY, "boardex": NONDRUG_BOARD}[market]
        nondrug = rng.choice(pool)
    period = rng.choice((0, 0, 0, 4, 6, 9))
    phase = rng.randrange(period) if period else 0
    fault = forced_fault
    if fault is None and rng.random() < 0.008:
        fault = rng.choice(("broken_html", "http_500"))
    if forced_fault is not None:
        last = None    # guaranteed faults stay live so every day has them
    return Core(first, last, drug, nondrug, period, phase, fault)


def price_multiplier(seed: int, market: str, index: int, core: Core, day: int) -> float:
    """Prices move in epochs of `price_period` days; epoch 0 (containing day 0) is the base price."""
    if not core.price_period:
        return 1.0
    epoch = (day + core.price_phase) // core.price_period - core.price_phase // core.price_period
    if epoch == 0:
        return 1.0
    return stream(seed, market, index, "price", epoch).uniform(0.8, 1.2)


# How a shop in each language writes an amount: (thousands mark, decimal mark, symbol first).
# French and Russian group with a narrow no-break space and put a no-break space before the
# symbol; German and Spanish group with a full stop; Dutch shops put the euro sign first.
_LOCAL_MONEY = {"de": (".", ",", False), "es": (".", ",", False), "nl": (".", ",", True),
                "fr": ("\u202f", ",", False), "ru": ("\u202f", ",", False)}


def local_money(value: float, symbol: str, lang: str) -> str:
    """'€1234.99' as a shop in `lang` shows it: '1.234,99 €', '1\u202f234,99\u00a0€', '€ 1.234,99'."""
    if lang not in _LOCAL_MONEY:
        return f"{symbol}{value:.2f}"
    thousands, decimal, first = _LOCAL_MONEY[lang]
    digits = f"{value:,.2f}".replace(",", "\0").replace(".", decimal).replace("\0", thousands)
    if first:
        return f"{symbol} {digits}"
    space = " " if thousands == "." else "\u00a0"
    return f"{digits}{space}{symbol}"


def display_price(usd: float, currency: str) -> tuple[float, str]:
    """Round as the page shows it; the truth is the number as displayed."""
    if currency == "BTC":
        value = usd / BTC_USD
        text = f"{value:.6f}" if value < 0.01 else f"{value:.4f}"
        return float(text), f"{text} BTC"
    value = usd * (EUR_PER_USD if currency == "EUR" else 1.0)
    text = f"{value:.2f}"
    return float(text), f"{currency} {text}"


def pick_quantity(rng: random.Random, drug: Drug) -> tuple[str, float, str]:
    dose = rng.choice(drug.doses)
    qty = float(rng.choice(QUANTITIES[drug.form]))
    unit = "g" if drug.form in ("powder", "weed") else UNIT_WORD[drug.form]["en"]
    return dose, qty, unit


def base_usd(rng: random.Random, drug: Drug, dose: str, qty: float) -> float:
    step = drug.doses.index(dose) if dose in drug.doses else 0
    bulk = qty ** 0.88
    return max(3.0, drug.unit_usd * (1 + 0.4 * step) * bulk * rng.uniform(0.8, 1.3))


def qty_text(qty: float, unit: str, lang: str, form: str) -> str:
    if unit == "g":
        return f"{fmt_num(qty)} гр" if lang == "ru" else f"{fmt_num(qty)}g"
    return f"{fmt_num(qty)} {UNIT_WORD[form][lang]}"


def drug_name(rng: random.Random, drug: Drug, lang: str, allow_typos: bool) -> str:
    local = drug.local[0][LOCAL_LANGS.index(lang)] if drug.local and lang in LOCAL_LANGS else ""
    if local and rng.random() < 0.6:
        return local
    if allow_typos and drug.misspellings and rng.random() < 0.08:
        return rng.choice(drug.misspellings)
    return rng.choice(drug.names)


def purity_text(rng: random.Random, drug: Drug, lang: str) -> str:
    if drug.inn in PURE:
        return PURITY_WORD[lang].format(p=rng.choice((75, 82, 87, 89, 90, 92, 95)))
    return rng.choice(("AAA+", "Top Shelf", "Premium", "Indoor")) if drug.form == "weed" else "lab tested"


def ship_to_for(rng: random.Random, origin: str, lang: str, multi: bool) -> tuple[str, ...]:
    if origin in ("CN", "IN"):
        return ("WW",)
    options: list[tuple[str, ...]] = [(origin,), ("WW",)]
    if origin in EU_MEMBERS or origin in ("GB", "CH"):
        options.append(("EU",))
        if multi:
            options.append((origin, "EU"))
    if multi and origin == "US":
        options.append(("US", "CA"))
    return rng.choice(options)


def short_place(code: str) -> str:
    return {"GB": "UK", "US": "USA"}.get(code, code)


def from_phrase(lang: str, code: str) -> str:
    return FROM_PREP[lang].get(code, "") if lang != "en" else f"from {COUNTRY_EN[code]}"


def to_phrase(lang: str, code: str) -> str:
    if code in TO_PREP[lang]:
        return TO_PREP[lang][code]
    return f"to {COUNTRY_EN[code]}"


def emoji(rng: random.Random) -> str:
    return rng.choice(EMOJI)
