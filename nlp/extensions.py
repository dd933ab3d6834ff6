"""Custom Doc attributes shared by the pharmwatch components."""

from __future__ import annotations

from spacy.tokens import Doc

_DOC_ATTRS: dict[str, object] = {
    "hints": None,            # crawler `fields`; structured values win over text cues
    "title_end": 0,           # chars at the start of doc.text that are the listing title
    "drugs": None, "seller": None, "ship_from": None, "ship_to": None,
    "price": None, "currency": None, "language": None, "is_drug_listing": None,
    "page": None,             # page-structure evidence from the HTML (profile-link handles)
    "listing_date": None,     # YYYY-MM-DD of the listing, for dated exchange rates
    "drug_class": None, "class_source": None, "ship_to_exclusions": None,
    "strength": None, "quantity": None, "unit_price": None, "price_usd": None,
    "contacts": None, "pgp_fingerprints": None, "crypto_addresses": None,
}


def register_extensions() -> None:
    """Idempotent: every component calls it, so any subset of the pipeline works."""
    for name, default in _DOC_ATTRS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


def hint(doc: "Doc", key: str) -> str | None:
    """A non-empty string hint from the crawler's fields, else None."""
    hints = doc._.hints or {}
    value = hints.get(key) if isinstance(hints, dict) else None
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
