"""Custom Doc attributes shared by the pharmwatch components."""

from __future__ import annotations

from spacy.tokens import Doc

_DOC_ATTRS: dict[str, object] = {
    "hints": None,            # crawler `fields`; structured values win over text cues
    "title_end": 0,           # chars at the start of doc.text that are the listing title
    "drugs": None, "seller": None, "ship_from": None, "ship_to": None,
    "price": None, "currency": None, "language": None, "is_drug_listing": None,
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
