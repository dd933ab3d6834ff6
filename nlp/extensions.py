"""Custom Doc attributes shared by the pharmwatch components."""

from __future__ import annotations

from spacy.tokens import Doc

from nlp.fastre import folded

_DOC_ATTRS: dict[str, object] = {
    "hints": None,            # crawler `fields`; structured values win over text cues
    "title_end": 0,           # chars at the start of doc.text that are the listing title
    "drugs": None, "seller": None, "ship_from": None, "ship_to": None,
    "drug_mentions": None,    # INN -> [(start, end), ...] of every mention, for the listing judge
    "price": None, "currency": None, "language": None, "is_drug_listing": None,
    "price_per_unit": False,  # the price is of one unit ("$65/g"), not of the pack
    "price_count": None,      # the count the price buys, when said beside it ("10 for $250")
    "page": None,             # page-structure evidence from the HTML (profile-link handles)
    "listing_date": None,     # YYYY-MM-DD of the listing, for dated exchange rates
    "drug_class": None, "class_source": None, "ship_to_exclusions": None,
    "strength": None, "quantity": None, "unit_price": None, "price_usd": None,
    "contacts": None, "pgp_fingerprints": None, "crypto_addresses": None,
    "shelf_drugs": None,      # INNs the market's category names, whatever the text names
}


def register_extensions() -> None:
    """Idempotent: every component calls it, so any subset of the pipeline works."""
    for name, default in _DOC_ATTRS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


# Where spaCy keeps a Doc extension's value: doc.user_data[("._.", name, None, None)]
# (spacy/tokens/underscore.py `Underscore._get_key`; tests/test_nlp_components.py checks it).
_KEYS = {name: ("._.", name, None, None) for name in _DOC_ATTRS}
_HINTS_KEY = _KEYS["hints"]


class DocAttrs:
    """`doc._` for the pharmwatch attributes, read and written in doc.user_data directly.

    Every `doc._` builds a new Underscore proxy and each of its reads goes through a generic
    `__getattr__` (extension lookup, getter/method checks): ~30 reads and ~20 writes a listing
    made that a tenth of the extraction time. Same storage, so `doc._.x` sees the same values.
    One property per attribute (set below the class): a plain descriptor call, where a
    `__getattr__` fallback first pays for a failed attribute lookup.
    """

    __slots__ = ("_data",)

    def __init__(self, doc: "Doc") -> None:
        self._data = doc.user_data


def _property(name: str) -> property:
    key, default = _KEYS[name], _DOC_ATTRS[name]

    def get(self: DocAttrs) -> object:
        return self._data.get(key, default)

    def set_(self: DocAttrs, value: object) -> None:
        self._data[key] = value

    return property(get, set_, doc=f"doc._.{name}")


for _name in _DOC_ATTRS:
    setattr(DocAttrs, _name, _property(_name))


def hint(doc: "Doc", key: str) -> str | None:
    """A non-empty string hint from the crawler's fields, else None."""
    hints = doc.user_data.get(_HINTS_KEY)
    value = hints.get(key) if hints and isinstance(hints, dict) else None
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if v is not None)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return str(value)


TEXT_KEY = "pharmwatch_text"


def text_of(doc: "Doc") -> str:
    """doc.text, computed once: spaCy rebuilds it from the tokens on every access.
    `Extractor` seeds it with the string it tokenized (identical: the tokenizer is
    non-destructive)."""
    cached = doc.user_data.get(TEXT_KEY)
    if cached is None:
        cached = doc.user_data[TEXT_KEY] = doc.text
    return cached


FOLDED_KEY = "pharmwatch_folded"


def folded_of(doc: "Doc") -> str:
    """fastre.folded(doc.text), computed once for every component's regex pre-checks."""
    cached = doc.user_data.get(FOLDED_KEY)
    if cached is None:
        cached = doc.user_data[FOLDED_KEY] = folded(text_of(doc))
    return cached
