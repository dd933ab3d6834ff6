"""`Extractor`: input record (text/html + crawler hints) -> the `pharmwatch extract` record.

A record that cannot be extracted (no id, no text, binary garbage...) still gets an output
record, with an `error` field and empty entities: a batch never stops on one bad record.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp.exceptions import InputRecordError
from nlp.extensions import TEXT_KEY, DocAttrs, register_extensions, text_of
from nlp.html import parse_page
from nlp.pipeline import load_pipeline
from nlp.version import NLP_VERSION

MAX_CHARS = 100_000  # longer pages are cut: listings never need more, spaCy memory does
MAX_HTML = 5_000_000  # markup beyond this is cut before parsing
_CONTROL = dict.fromkeys([c for c in range(32) if c not in (9, 10, 13)] + [0x7F, 0xFFFD], " ")
# The same characters as a class: a C-speed scan so clean text (nearly all) skips translate().
_HAS_CONTROL = re.compile("[" + "".join(re.escape(chr(c)) for c in _CONTROL) + "]")


def _clean(text: str) -> str:
    """Control characters and decode-error marks become spaces (binary garbage, bad UTF-8)."""
    return text.translate(_CONTROL) if _HAS_CONTROL.search(text) else text


# spaCy's tokenizer strips prefixes and suffixes one at a time, each step costing the length of
# what is left: a chunk (text between spaces) of punctuation or emoji takes time quadratic in
# its length ("((((" or "💊💊💊" x 20,000: 40 s; x 100,000: many minutes for one record). No
# word, handle, address or URL a listing needs is this long, so longer runs get a space.
MAX_CHUNK = 200
# Tried only where a run starts (the lookbehind): ordinary text costs ~1.5 us a listing.
_LONG_CHUNK = re.compile(r"(?<!\S)\S{%d,}" % (MAX_CHUNK + 1))
_MARK = re.compile(r"[\W_]")  # not a letter or digit


def _break_long_chunks(text: str) -> str:
    """Every run of more than MAX_CHUNK characters without whitespace gets a space at least every
    MAX_CHUNK characters: on the last punctuation mark or symbol of the window's second half
    ("USA,UK,...": a comma), else in place of the character that ends the window. A
    character replaced, none inserted: offsets into the text stay right."""
    runs = list(_LONG_CHUNK.finditer(text))
    if not runs:
        return text
    chars = list(text)
    for m in runs:
        start, end = m.span()
        while end - start > MAX_CHUNK:
            low, high = start + MAX_CHUNK // 2, start + MAX_CHUNK  # the cut goes in low..high
            mark = _MARK.search(text[low:high + 1][::-1])
            cut = high - mark.start() if mark else high
            chars[cut] = " "
            start = cut + 1
    return "".join(chars)


def _check(record: Any) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise InputRecordError(f"record must be a JSON object, got {type(record).__name__}")
    if not isinstance(record.get("id"), str) or not record["id"]:
        raise InputRecordError("record has no string 'id'")
    if not isinstance(record.get("fields") or {}, dict):
        raise InputRecordError(f"record {record['id']}: 'fields' must be an object")
    for key in ("text", "html"):
        if record.get(key) is not None and not isinstance(record[key], str):
            raise InputRecordError(f"record {record['id']}: '{key}' must be a string")
    return record


def _inputs(record: dict[str, Any]) -> tuple[str, str | None, list[str] | None, dict[str, Any]]:
    """(text, title, profile-link handles (None without a page), fields) of a checked record:
    the record's fields, with what its page tells where they are silent (breadcrumb category,
    schema.org seller and price)."""
    fields = record.get("fields") or {}
    text, html = _clean(record.get("text") or ""), record.get("html")
    title = fields.get("title") if isinstance(fields.get("title"), str) else None
    handles: list[str] | None = None
    if html and html.strip():
        page = parse_page(_clean(html[:MAX_HTML]))
        title, handles = title or page.hints.get("title") or page.title, page.profile_handles
        # Pages of markets without a crawler config: the breadcrumb is their category.
        found = {**page.hints, "category": page.category} if page.category else page.hints
        if found:
            fields = {**found, **{k: v for k, v in fields.items() if v not in (None, "")}}
        text = f"{text}\n{page.text}" if text.strip() else page.text
    title = " ".join(_clean(title).split()) if title else None
    if not text.strip() and not title:
        raise InputRecordError(f"record {record['id']}: needs 'text' or 'html'")
    return text[:MAX_CHARS], title or None, handles, fields


class Extractor:
    """Loads the spaCy pipeline once; extracts one record or a stream of them."""

    def __init__(self, nlp: Language | None = None, model_path: Path | None = None) -> None:
        self.nlp = nlp if nlp is not None else load_pipeline(model_path)
        register_extensions()

    def _doc(self, record: dict[str, Any]) -> Doc:
        text, title, handles, fields = _inputs(_check(record))
        # The title goes first so title drugs are known; offsets refer to this text.
        full = _break_long_chunks(text if not title or text.startswith(title)
                                  else f"{title}\n{text}")
        doc = self.nlp.make_doc(full)
        # spaCy's tokenizer is non-destructive (doc.text == full): seed the text cache that
        # the components read, so doc.text is never rebuilt from the tokens.
        doc.user_data[TEXT_KEY] = full
        underscore = DocAttrs(doc)  # not doc._: spaCy builds a new proxy per access
        underscore.hints = fields
        underscore.title_end = len(title) if title else 0
        # "html": a page's text, with a site's menus and sidebars around the listing
        underscore.page = {"profile_handles": handles or [], "html": handles is not None}
        underscore.listing_date = record.get("date") or fields.get("date")
        return doc

    def extract(self, record: dict[str, Any]) -> dict[str, Any]:
        """The output record; raises InputRecordError for a record that cannot be read."""
        return self._record(record, self.nlp(self._doc(record)))

    def extract_many(self, records: Iterable[Any], batch_size: int = 64,
                     rejects: Callable[[int, Any, InputRecordError], None] | None = None,
                     ) -> Iterator[dict[str, Any]]:
        """One output per input, in order; unreadable records give an `error` record, or,
        with `rejects`, are handed to it (position in `records`, record, error) and skipped."""
        batch: list[tuple[dict[str, Any], Doc]] = []
        for n, record in enumerate(records):
            try:
                batch.append((record, self._doc(record)))
            except InputRecordError as exc:
                if rejects is not None:
                    rejects(n, record, exc)
                    continue
                yield from self._run(batch)
                batch = []
                yield error_record(record, n, str(exc))
                continue
            if len(batch) >= batch_size:
                yield from self._run(batch)
                batch = []
        yield from self._run(batch)

    def _run(self, batch: list[tuple[dict[str, Any], Doc]]) -> Iterator[dict[str, Any]]:
        try:
            done = [self._record(r, d) for (r, _), d in
                    zip(batch, self.nlp.pipe([d for _, d in batch]))]
        except Exception:  # noqa: BLE001 - one bad record must not sink its batch
            done = [self._one(record, doc, n) for n, (record, doc) in enumerate(batch)]
        yield from done

    def _one(self, record: dict[str, Any], doc: Doc, n: int) -> dict[str, Any]:
        try:
            return self._record(record, self.nlp(doc))
        except Exception as exc:  # noqa: BLE001 - reported in the record, batch goes on
            return error_record(record, n, f"extraction failed: {type(exc).__name__}: {exc}")

    @staticmethod
    def _record(record: dict[str, Any], doc: Doc) -> dict[str, Any]:
        u = DocAttrs(doc)  # not doc._: spaCy builds a new proxy per access
        title_end = u.title_end or 0
        return {"id": record["id"], "url": record.get("url"), "drugs": u.drugs or [],
                "seller": u.seller, "ship_from": u.ship_from,
                "ship_to": u.ship_to or [], "price": u.price,
                "currency": u.currency, "is_drug_listing": bool(u.is_drug_listing),
                "language": u.language, "nlp_version": NLP_VERSION,
                "title": text_of(doc)[:title_end] if title_end else None,
                "drug_class": u.drug_class,
                "ship_to_exclusions": u.ship_to_exclusions or [],
                "strength": u.strength, "quantity": u.quantity,
                "unit_price": u.unit_price, "price_usd": u.price_usd,
                "contacts": u.contacts or [], "pgp_fingerprints": u.pgp_fingerprints or [],
                "crypto_addresses": u.crypto_addresses or [],
                "shelf_drugs": u.shelf_drugs or [], "error": None}


def error_record(record: Any, position: int, reason: str) -> dict[str, Any]:
    """The output for an unreadable record: its id (or its position) and the reason."""
    rid = record.get("id") if isinstance(record, dict) and isinstance(record.get("id"), str) \
        and record.get("id") else f"#{position}"
    url = record.get("url") if isinstance(record, dict) else None
    return {"id": rid, "url": url, "drugs": [], "seller": None, "ship_from": None, "ship_to": [],
            "price": None, "currency": None, "is_drug_listing": False, "language": None,
            "nlp_version": NLP_VERSION, "title": None, "drug_class": None,
            "ship_to_exclusions": [], "strength": None, "quantity": None, "unit_price": None,
            "price_usd": None, "contacts": [], "pgp_fingerprints": [], "crypto_addresses": [],
            "shelf_drugs": [], "error": reason}
