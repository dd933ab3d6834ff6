"""`pharmwatch_details`: strength, quantity, unit price, USD price, seller identifiers."""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp import identity
from nlp.fastre import contains_any, guarded
from nlp.extensions import DocAttrs, folded_of, register_extensions, text_of
from nlp.fields import said_per_unit
from nlp.rates import parse_day, to_usd

_NUM = r"(?P<n>\d{1,6}(?:[.,]\d{1,3})?)"
# A dose per pill or per patch, the units that tell a medicine's strength (not ml, not %):
# what makes a misspelt short word a drug name (nlp/drugs.py) and a title a drug offer
# (nlp/listing.py).
DOSE_PER_UNIT = r"mg|mcg|µg|ug"
# Cyrillic units too: "50 мкг/ч", "2 мг", "10 мл" (Russian listings).
_DOSE_UNITS = r"mg|mcg|µg|μg|ug|ml|iu|мкг|мг|мл"
# "10 mgs", "30 milligrams", "100 micrograms": the same units written out or in the plural
_DOSE_WORDS = r"mgs|mcgs|milligrams?|milligramm|milligrammes?|micrograms?|mikrogramm"
_MASS_UNITS = r"kg|kilos?|g|gr|grams?|gramm|gramos|grammes?|gram|oz|ounces?|lbs?|г|гр"
_STRENGTH = re.compile(_NUM + rf"[ \t]?(?P<u>{_DOSE_WORDS}|{_DOSE_UNITS})\b", re.I)
# Not a purity: "100% positive feedback", "10% off", "100% reship", "10% EXTRA", "20% of
# balance" ("94% FE" is a purity, then "finalize early").
# The trade's terms beside a percentage, after it or before it.
_TERMS_WORDS = (r"positive|feedback|reship\w*|refund\w*|discount\w*|cashback|finali[sz]e\w*|escrow|"
                r"bonus|rabatt|remise|descuento|korting|скидк\w*|sconto")
_PURITY = re.compile(_NUM + rf"[ \t]?%(?![ \t]*(?:{_TERMS_WORDS}|ratings?|satisf\w*|success\w*|"
                     r"money|off|upfront|deposit|extra|guarantee\w*|of)\b)"
                     r"[ \t]*(?:pure|purity|rein|pura|pur|zuiver|thc|чист)?", re.I)
# The same words before the percentage: "Reship 50%", "Refund: 100%", "FE 20%" ("94% FE" after
# it stays a purity, "finalize early").
_NOT_PURITY_BEFORE = re.compile(rf"\b(?:{_TERMS_WORDS}|save|fe|rating)[ \t]*[:=]?[ \t]*"
                                r"(?:of|at|is|up[ \t]+to)?[ \t]*\Z", re.I)
_MASS = re.compile(r"(?<![\w.,/])" + _NUM + rf"[ \t]?(?P<u>{_MASS_UNITS})\b", re.I)
# "1/8 oz" (an eighth), "1/2 g", "½ oz": a fraction of the unit; "1/8 oz" read as 8 oz was 64
# times the weight sold.
_FRACTION_MASS = re.compile(r"(?<![\w.,/])(?:(?P<a>[1-9])[ \t]?/[ \t]?(?P<b>[1-9]\d?)|"
                            rf"(?P<v>[½¼¾⅛]))[ \t]?(?P<u>{_MASS_UNITS})\b", re.I)
_VULGAR = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅛": 0.125}
_PACK_WORDS = (r"pills?|tabs?|tablets?|bars?|pens?|strips?|films?|sachets?|count|ct|tabletten|tbls?|caps(?:ules)?|blotters?|hits|"
               r"pcs|pieces|st(?:ück|uks)?|stc?k|comprim[ée]s|comprimidos|compresse|tabletas|"
               r"tabletki|tabletek|kapseln?|cpr|g[ée]lules|capsule|pastillas|c[áa]psulas|secantes|trips|buvards|"
               r"ampoules?|amps?|ampollas|fiale|pillen|ampullen|vials?|patch(?:es|s)?|parches|"
               r"pflaster|pleisters|cerotti|adesivos|пластыр\w*|таблеток|табл|шт|капсул|марок|марки")
# Not a drug's code: "LSD-25 blotters", "2C-B 20 pills" ("2C-B" is no count either); "10x30mg"
# is ten; "20x extract" is a potency.
# A count may group its thousands: "1,000 pills", "x 2,500", "1.000 Stück" (was 1 and 2).
_CNT = r"(?:[1-9]\d{0,2}(?:[.,]\d{3})+(?![.,]?\d)|\d{1,6})"
_COUNT = re.compile(rf"(?<![\w.,])(?<![^\W\d_]-)(?:x[ \t]?(?P<a>{_CNT})\b|"
                    rf"(?P<b>{_CNT})[ \t]?x(?:\b|(?=\d))(?![ \t]*(?:extract|strength|stronger|potency|concentrat))|"
                    rf"(?<!/)(?P<c>{_CNT})[ \t]?(?:{_PACK_WORDS})\b)", re.I)
_PACK_WORD = re.compile(rf"[ \t]?(?:{_PACK_WORDS})\b", re.I)
# A number after "x" that is not a dose or a mass ("x 100", "x 100 pills", not "x 2mg"), nor a
# drug's code ("100 x 25i-NBOMe", "20 x 2-CB"), nor a dose with a plus ("2 x 200+mg").
_BARE_COUNT = re.compile(rf"[ \t]?({_CNT})(?![\d.,+\-/]|[^\W\d_]|"
                         rf"[ \t]?\+?(?:{_DOSE_UNITS}|{_MASS_UNITS}|%)\b)", re.I)
# A count opening the text right before a drug's name: "100 Tramadol 225mg", "30 Adderall XR".
# Only before a name: "24 hour delivery", "2019 Pfizer Xanax" are no counts.
_LEADING_COUNT = re.compile(r"[ \t]*(?P<c>[1-9]\d{0,4})[ \t]+")
# "10 blisters of 10", "3 strips of 10 tablets": packs of a count.
_PACKS_OF = guarded(re.compile(
    r"(?<![\w.,])(?P<n>[1-9]\d{0,3})[ \t]*(?:blisters?|strips?|packs?|boxes|box|sheets?|bottles?|"
    r"schachteln|plaquettes?|bo[iî]tes?)[ \t]+(?:of|à|a|mit|de|van|zu|по)[ \t]+"
    r"(?P<m>[1-9]\d{0,3})\b", re.I))
# "box of 5", "pack of 10 pills", "Packung mit 20", "boîte de 30": one pack of a count (not
# "bag of 3.5g", a mass, nor "bottle of 100ml").
_PACK_OF = guarded(re.compile(
    r"(?<![\w.,])(?:box|pack|packet|bottle|blister|strip|sheet|tub|jar|pouch|sachet|packung|schachtel|"
    r"dose|bo[iî]te|caja|frasco|confezione|doosje|doos|упаковка)s?[ \t]+"
    r"(?:of|mit|de|van|con|à|из|по)[ \t]+(?P<m>[1-9]\d{0,4})(?![\d.,])"
    rf"(?![ \t]?(?:{_DOSE_UNITS}|{_MASS_UNITS}|%)\b)", re.I))
# A count under its label: "Quantity: 50", "Menge: 20 Stück", "Количество: 10". Not "Quantity
# available: 25" or "In stock: 500" (stock), nor "Quantity: 5 grams" (a mass, read as such).
_QUANTITY_LABEL = guarded(re.compile(
    r"(?m)^[ \t]*(?:quantity|qty|pack(?:age)?[ \t]+size|menge|anzahl|packungsgr[öo]ße|"
    r"quantit[ée]|quantit[àa]|cantidad|quantidade|aantal|hoeveelheid|ilo[śs][ćc]|количество|"
    r"кол-во|antal|m[äa][äa]r[äa])[ \t]*[:=][ \t]*(?P<n>[1-9]\d{0,5})(?![\d.,])"
    rf"(?=[ \t]*(?:(?:{_PACK_WORDS})\b[^\n]*)?(?:$|[ \t]*[(\[|,;/]))", re.I))
# The trade's own weights: a zip is an ounce, an eighth 1/8 oz, a QP a quarter pound. A zip only
# after a count or before "of" ("zip code", "Zips, Pipes"), no "quad" ("Quad Dose").
_SLANG_MASS = re.compile(r"(?<![\w.])(?:(?P<n>[1-9]\d?)[ \t]?)?(?P<w>qps?|(?<=\d)[ \t]?zips?|"
                         r"zips?(?=[ \t]+of\b)|eighths?|8ths?(?![ \t]+edition)|"
                         r"quarter[ \t]+(?:oz|ounce)|half[ \t]+(?:an?[ \t]+)?(?:oz|ounce|o)|"
                         # an eight-ball is an eighth; "half a gram" half of one
                         r"(?:8|eight)[ \t-]?balls?(?![ \t]+kush)|half[ \t]+(?:a[ \t]+)?gram)\b", re.I)
_SLANG_MARKS = ("qp", "zip", "eighth", "8th", "quarter", "half", "ball")
_SLANG_GRAMS = {"qp": 113.398, "zip": 28.3495, "eighth": 3.5437, "8th": 3.5437,
                "quarter": 7.0874, "half": 14.1747, "half gram": 0.5}
_GRAMS = {"kg": 1000.0, "kilo": 1000.0, "kilos": 1000.0, "oz": 28.3495, "ounce": 28.3495,
          "ounces": 28.3495, "lb": 453.592, "lbs": 453.592}
# Ounces of a syrup are fluid ounces: "Lean 16oz" is a pint (473 ml), not 454 g of powder.
_OUNCES = frozenset({"oz", "ounce", "ounces"})
_LIQUID = re.compile(r"\b(?:syrups?|sirup|lean|wock\w*|actavis|tussionex|sizzurp|drank|"
                     r"liquid|fl|fluid|promethazine|linctus|elixir)\b", re.I)
_FLUID_OUNCES = re.compile(r"(?<![\w.,/])" + _NUM + r"[ \t]?(?:fl\.?[ \t]?oz|fluid[ \t]+ounces?)\b", re.I)
_FLUID_OUNCE_ML = 29.5735
_FL_MARKS = ("fl", "Fl", "FL", "fluid", "Fluid", "FLUID")
# A volume, not a concentration ("250mg/ml") nor a dose per volume ("5ml/day").
_VOLUME = re.compile(r"(?<![\w.,/])" + _NUM + r"[ \t]?(?P<u>ml|мл|cl|l|litres?|liters?|литр(?:а|ов)?)\b(?![ \t]?/)",
                     re.I)
_ML = {"cl": 10.0, "l": 1000.0, "litre": 1000.0, "litres": 1000.0, "liter": 1000.0,
       "liters": 1000.0, "литр": 1000.0, "литра": 1000.0, "литров": 1000.0}
_MICRO = {"µg": "mcg", "μg": "mcg", "ug": "mcg", "мкг": "mcg", "мг": "mg", "мл": "ml", "mgs": "mg",
          "mcgs": "mcg", "milligram": "mg", "milligrams": "mg", "milligramm": "mg",
          "milligramme": "mg", "milligrammes": "mg", "microgram": "mcg", "micrograms": "mcg",
          "mikrogramm": "mcg"}


def _grouped(text: str) -> float:
    """A count, its thousands grouped or not ("1,000", "1.000", "100")."""
    return float(text.replace(",", "").replace(".", ""))


def _num(text: str) -> float:
    return float(text.replace(",", "."))


# "1.000 mg" (German), "1,000mg" (English): a thousands mark, not three decimals; a dose is
# never written 1.000 mg, and "0.125 mg" (a leading zero) stays a fraction.
_THOUSANDS = re.compile(r"[1-9]\d{0,2}[.,]\d{3}")


def _dose(text: str) -> float:
    if _THOUSANDS.fullmatch(text):
        return float(text.replace(".", "").replace(",", ""))
    return _num(text)


# "250mg/ml", "10 mg / 1 ml": a concentration, the strength of a vial, an ampoule or a syrup.
_PER_ML = re.compile(r"[ \t]?/[ \t]?(?:1[ \t]?)?(?:ml|мл)\b", re.I)
# A combination's strength: "Suboxone 8/2mg" (buprenorphine/naloxone), "Percocet 10/325mg"
# (oxycodone/paracetamol). The controlled ingredient comes first; the unit after the second
# number is both numbers' ("1/2 mg" is half a milligram, not a combination).
_COMBO_HEAD = re.compile(r"(?<![\w.,/$€£])(?P<n>\d{1,4}(?:[.,]\d{1,3})?)[ \t]?/[ \t]?\Z")
_COMBO_REACH = 12
# The opioid and paracetamol pairs the trade writes without a unit: "Norco 10/325",
# "Vicodin 5/500", "Hydrocodone 7.5/750". Only these second numbers: "24/7" and "1/2" are none.
_APAP_PAIR = re.compile(r"(?<![\w.,/$€£])(?P<n>\d{1,2}(?:\.5)?)[ \t]?/[ \t]?(?:300|325|500|650|660|750)"
                        r"(?![\d.,/]|[ \t]?(?:mg|mcg|µg|ug|ml|%))", re.I)


def _combination(text: str, at: int) -> float | None:
    head = _COMBO_HEAD.search(text, max(0, at - _COMBO_REACH), at)
    if head is None or head.group("n") in ("0", "1"):
        return None
    return _dose(head.group("n"))


def strength(text: str, rated: str | None = None) -> dict[str, Any] | None:
    """First dose per unit ("2mg", "100 µg", "10ml", "250mg/ml"), else a purity percentage;
    not the rating beside the seller's handle `rated` ("KetKing (98.7%)")."""
    m = _STRENGTH.search(text)
    pair = _APAP_PAIR.search(text, 0, m.start() if m else len(text)) if "/" in text else None
    if pair:
        return {"value": _num(pair.group("n")), "unit": "mg"}
    if m:
        unit = m.group("u").lower()
        unit = _MICRO.get(unit, unit)
        if unit != "ml" and _PER_ML.match(text, m.end()):
            unit += "/ml"
        first = _combination(text, m.start()) if unit != "ml" else None
        return {"value": _dose(m.group("n")) if first is None else first, "unit": unit}
    for m in _PURITY.finditer(text):
        if _NOT_PURITY_BEFORE.search(text, max(0, m.start() - 24), m.start()):
            continue  # "Reship 50%", "refund 100%", "discount 10%"
        if rated and text[max(0, m.start() - len(rated) - 3):m.start()].rstrip(" \t(").endswith(rated):
            continue
        if 0 < _num(m.group("n")) <= 100:
            return {"value": _num(m.group("n")), "unit": "%"}
        break
    return None


# "**20 bars minimum**", "min. order 10 pills", "at least 5 grams": an order's floor, not the pack.
_MIN_AFTER = re.compile(r"[ \t*]*(?:minimum|min\b)", re.IGNORECASE)
_MIN_BEFORE = re.compile(r"(?:\bmin(?:imum)?\.?|\bat[ \t]+least)[ \t]*(?:order|qty|quantity)?"
                         r"[ \t:]*\Z", re.IGNORECASE)
_MIN_REACH = 24


def _minimum(text: str, m: re.Match[str]) -> bool:
    return (_MIN_AFTER.match(text, m.end()) is not None
            or _MIN_BEFORE.search(text, max(0, m.start() - _MIN_REACH), m.start()) is not None)


def quantity(text: str, names_at: frozenset[int] = frozenset(),
             names_end: frozenset[int] = frozenset()) -> dict[str, Any] | None:
    """Units in the pack (x100, 100 pills), mass in grams (10 g, 1 oz, 1kg), else a count
    opening the text right before a drug's name (`names_at`: where drug names start;
    `names_end`: where they end)."""
    packs = _PACKS_OF.search(text)
    m = next((c for c in _COUNT.finditer(text) if not _minimum(text, c)), None)
    if packs and (m is None or packs.start() <= m.start()):
        return {"value": float(int(packs.group("n")) * int(packs.group("m"))), "unit": "unit"}
    pack = _PACK_OF.search(text)
    if pack and (m is None or pack.start() < m.start()):
        return {"value": float(pack.group("m")), "unit": "unit"}
    if m:
        count = _grouped(m.group("a") or m.group("b") or m.group("c"))
        after = _BARE_COUNT.match(text, m.end()) if m.group("b") else None
        if after and m.start("b") and text[m.start("b") - 1] == "/":
            # "Percs 10/325 x 20": 325 is half of a combination strength; the count follows x
            count = _grouped(after.group(1))
        elif after and _PACK_WORD.match(text, after.end()):
            count *= _grouped(after.group(1))  # "3x10 tabs", "2 x 28 tablets": packs of a count
        elif after and len(text[:m.start("b")].rstrip(" \t")) in names_end:
            # "Roxy 30 x 10", "Vyvanse 70 x 28": a number right after the drug's name is its
            # strength written without its unit; the count follows the x
            count = _grouped(after.group(1))
        # else "2 x 200 Dutch XTC" (two pills of a strength written without its unit): the
        # first number is kept
        return {"value": count, "unit": "unit"}
    m = _QUANTITY_LABEL.search(text) if ":" in text or "=" in text else None
    if m:
        return {"value": float(m.group("n")), "unit": "unit"}
    m = _MASS.search(text)
    f = _FRACTION_MASS.search(text) if "/" in text or not text.isascii() else None
    if f and (m is None or f.start() < m.start()):
        share = _VULGAR[f.group("v")] if f.group("v") else int(f.group("a")) / int(f.group("b"))
        return {"value": round(share * _GRAMS.get(f.group("u").lower(), 1.0), 4), "unit": "g"}
    if m:
        unit = m.group("u").lower()
        if unit in _OUNCES and _LIQUID.search(text):
            return {"value": round(_num(m.group("n")) * _FLUID_OUNCE_ML, 4), "unit": "ml"}
        return {"value": round(_num(m.group("n")) * _GRAMS.get(unit, 1.0), 4), "unit": "g"}
    m = _FLUID_OUNCES.search(text) if contains_any(text, _FL_MARKS) else None
    if m:
        return {"value": round(_num(m.group("n")) * _FLUID_OUNCE_ML, 4), "unit": "ml"}
    m = _VOLUME.search(text)
    if m:  # "GHB 500ml", "GBL 1L", "10ml vial": a liquid sold by volume
        unit = m.group("u").lower()
        return {"value": round(_num(m.group("n")) * _ML.get(unit, 1.0), 4), "unit": "ml"}
    m = _SLANG_MASS.search(text) if contains_any(text.lower(), _SLANG_MARKS) else None
    if m:
        w = m.group("w").lower()
        word = "eighth" if "ball" in w else "half gram" if "gram" in w else w.split()[0].rstrip("s")
        grams = _SLANG_GRAMS[word] * int(m.group("n") or 1)
        return {"value": round(grams, 4), "unit": "g"}
    m = _LEADING_COUNT.match(text)
    return {"value": float(m.group("c")), "unit": "unit"} if m and m.end() in names_at else None


class DetailTagger:
    """Fills the product and identity fields; reads the title first, then the body."""

    def __init__(self, nlp: Language, name: str, max_chars: int) -> None:
        register_extensions()
        self.max_chars = max_chars

    def __call__(self, doc: Doc) -> Doc:
        u = DocAttrs(doc)  # not doc._: spaCy builds a new proxy per access
        text = text_of(doc)[:self.max_chars]
        title = text[:u.title_end or 0]
        u.strength = strength(title, u.seller) or strength(text, u.seller)
        names_at = frozenset(d["start"] for d in u.drugs or ())
        names_end = frozenset(d["end"] for d in u.drugs or ())
        u.quantity = quantity(title, names_at, names_end) or quantity(text, names_at, names_end)
        if u.quantity is None and u.price_count:
            u.quantity = {"value": float(u.price_count), "unit": "unit"}
        q = u.quantity
        if u.price is not None and (u.price_per_unit or (
                q is None and said_per_unit(text, u.price, u.currency))):
            u.unit_price = u.price
        else:
            u.unit_price = (round(u.price / q["value"], 6)
                            if u.price is not None and q and q["value"] else None)
        day = parse_day(u.listing_date)
        # A date given but unreadable: no USD figure rather than today's rate for an old listing
        # (a 2014 BTC price at a 2026 rate is off by a factor of a hundred).
        unreadable = day is None and u.listing_date not in (None, "")
        u.price_usd = None if unreadable else to_usd(u.price, u.currency, day)
        low = folded_of(doc)[:self.max_chars]
        u.contacts = identity.contacts(text, low, u.ship_from, u.seller)
        u.pgp_fingerprints = identity.pgp_fingerprints(text)
        u.crypto_addresses = identity.crypto_addresses(text, low)
        return doc


@Language.factory("pharmwatch_details", default_config={"max_chars": 200_000})
def make_detail_tagger(nlp: Language, name: str, max_chars: int) -> DetailTagger:
    return DetailTagger(nlp, name, max_chars)
