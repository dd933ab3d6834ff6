"""`pharmwatch_places`, `pharmwatch_seller`, `pharmwatch_price`: hints first, then cues."""

from __future__ import annotations

import re

from price_parser import Price
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from nlp import cues
from nlp.extensions import hint, register_extensions
from nlp.places import country_names, parse_places

# ---------------------------------------------------------------- places


class PlaceTagger:
    """LOCATION spans for country names; doc._.ship_from / doc._.ship_to from cues."""

    def __init__(self, nlp: Language, name: str) -> None:
        register_extensions()
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        names = [n for n in country_names() if len(n) > 3]
        self.matcher.add("LOCATION", list(nlp.tokenizer.pipe(names)))

    def __call__(self, doc: Doc) -> Doc:
        doc.spans["places"] = [Span(doc, s, e, label="LOCATION")
                               for _, s, e in self.matcher(doc)]
        from_hint, to_hint = hint(doc, "ships_from"), hint(doc, "ships_to")
        if from_hint is not None:
            found = parse_places(from_hint)
            doc._.ship_from = found[0] if found else None
        to_places: list[str] = []
        if from_hint is None:
            doc._.ship_from, to_places = _origin(doc.text)
        doc._.ship_to = (parse_places(to_hint) if to_hint is not None
                         else _first_places(cues.SHIP_TO, doc.text) or to_places)
        return doc


# "Ships from Germany to EU", "X To: Y", "NL > EU": the origin value carries destinations.
_TO_SPLIT = re.compile(r"\s(?:to|nach|vers|hacia|->|>|→)\s*:?\s", re.IGNORECASE)


def _origin(text: str) -> tuple[str | None, list[str]]:
    for _, value in cues.values_after(cues.SHIP_FROM, text):
        head, *rest = _TO_SPLIT.split(value, maxsplit=1)
        found = parse_places(head)
        if found:
            return found[0], parse_places(rest[0]) if rest else []
    return None, []


def _first_places(cue: re.Pattern[str], text: str) -> list[str] | None:
    for _, value in cues.values_after(cue, text):
        found = parse_places(value)
        if found:
            return found
    return None


@Language.factory("pharmwatch_places", default_config={})
def make_place_tagger(nlp: Language, name: str) -> PlaceTagger:
    return PlaceTagger(nlp, name)


# ---------------------------------------------------------------- seller

_HANDLE = r"@?(?P<h>[A-Za-z0-9][\w.\-]{1,39})"
_NOT_HANDLE = frozenset(
    "add level since info information profile rating ratings contact me us the is a an "
    "and or of on for to in at by with trust trusted verified page shop store feedback "
    "none n/a name seller vendor here now via only please message".split())
_SELLER_CUE = re.compile(cues.SELLER.pattern + r"\s*[:\-]?\s*" + _HANDLE, re.IGNORECASE)
_CONTACT_CUE = re.compile(cues.CONTACT.pattern + r"\s*(?:me|us)?\s*(?:on|at|:|-)?\s*" + _HANDLE,
                          re.IGNORECASE)
_RATING_CUE = re.compile(r"(?m)^(?P<h>[A-Za-z0-9][\w.\-]{1,39}) \(\d{1,3}(?:\.\d+)?%\)")
# Menu items such as "Become a vendor" or "Contact seller" are not seller labels.
_MENU_BEFORE = re.compile(r"(become\s+an?|contact(?:\s+the)?|add|message|favou?rite|report)[ \t]*\Z",
                          re.IGNORECASE)
_AT_HANDLE = re.compile(r"(?<![\w.@])@(?P<h>[A-Za-z0-9_]{3,32})\b")


class SellerTagger:
    """SELLER span and doc._.seller: hint, else vendor cue, else contact/handle cue."""

    def __init__(self, nlp: Language, name: str) -> None:
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        from_hint = hint(doc, "seller")
        if from_hint is not None:
            doc._.seller = " ".join(from_hint.split())
            doc.spans["sellers"] = []
            return doc
        doc._.seller, span = None, None
        for pattern in (_SELLER_CUE, _RATING_CUE, _CONTACT_CUE, _AT_HANDLE):
            for m in pattern.finditer(doc.text):
                if _MENU_BEFORE.search(doc.text[max(0, m.start() - 20):m.start()]):
                    continue
                handle = m.group("h").rstrip(".-")
                if handle.lower() not in _NOT_HANDLE and len(handle) > 1:
                    doc._.seller = handle
                    end = m.start("h") + len(handle)
                    span = doc.char_span(m.start("h"), end, label="SELLER",
                                         alignment_mode="expand")
                    break
            if doc._.seller:
                break
        doc.spans["sellers"] = [span] if span is not None else []
        return doc


@Language.factory("pharmwatch_seller", default_config={})
def make_seller_tagger(nlp: Language, name: str) -> SellerTagger:
    return SellerTagger(nlp, name)


# ---------------------------------------------------------------- price

_SYMBOLS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "eur": "EUR", "usd": "USD",
            "gbp": "GBP", "btc": "BTC", "xbt": "BTC", "฿": "BTC", "xmr": "XMR", "ltc": "LTC",
            "cad": "CAD", "aud": "AUD", "chf": "CHF", "ca$": "CAD", "au$": "AUD", "a$": "AUD",
            "c$": "CAD", "bch": "BCH"}
_MONEY = re.compile(
    r"(?:(?P<c1>USD|EUR|GBP|BTC|XMR|CAD|AUD|CHF|[$€£฿])\s?(?P<a1>\d[\d,]*(?:\.\d+)?))|"
    r"(?:(?P<a2>\d[\d,]*(?:\.\d+)?)\s?(?P<c2>USD|EUR|GBP|BTC|XMR|CAD|AUD|CHF|[$€£]))",
    re.IGNORECASE)


def parse_money(text: str | None) -> tuple[float | None, str | None]:
    """(amount, ISO/crypto currency) from a price string; (None, None) when not a price."""
    if not text:
        return None, None
    m = _MONEY.search(text)
    if m is None:
        return None, None
    snippet = m.group(0)
    parsed = Price.fromstring(snippet)
    currency = _SYMBOLS.get((m.group("c1") or m.group("c2") or "").lower())
    if parsed.amount is None or currency is None:
        return None, None
    return float(parsed.amount), currency


class PriceTagger:
    """doc._.price / doc._.currency: hint, else a price cue, else the first money amount."""

    def __init__(self, nlp: Language, name: str) -> None:
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        amount, currency = parse_money(hint(doc, "price"))
        if amount is None:
            for _, value in cues.values_after(cues.PRICE, doc.text):
                amount, currency = parse_money(value)
                if amount is not None:
                    break
        if amount is None:
            amount, currency = parse_money(doc.text)
        doc._.price, doc._.currency = amount, currency
        return doc


@Language.factory("pharmwatch_price", default_config={})
def make_price_tagger(nlp: Language, name: str) -> PriceTagger:
    return PriceTagger(nlp, name)
