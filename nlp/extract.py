"""`Extractor`: input record (text/html + crawler hints) -> the `pharmwatch extract` record."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp.version import NLP_VERSION
from nlp.exceptions import InputRecordError
from nlp.html import html_title, html_to_text
from nlp.pipeline import load_pipeline

MAX_CHARS = 100_000  # longer pages are cut: listings never need more, spaCy memory does


def _text_and_title(record: dict[str, Any]) -> tuple[str, str | None]:
    if not isinstance(record, dict):
        raise InputRecordError(f"record must be a JSON object, got {type(record).__name__}")
    if not isinstance(record.get("id"), str) or not record["id"]:
        raise InputRecordError("record has no string 'id'")
    fields = record.get("fields") or {}
    if not isinstance(fields, dict):
        raise InputRecordError(f"record {record['id']}: 'fields' must be an object")
    text, html = record.get("text"), record.get("html")
    if text is not None and not isinstance(text, str):
        raise InputRecordError(f"record {record['id']}: 'text' must be a string")
    title = fields.get("title") if isinstance(fields.get("title"), str) else None
    if html:
        body = html_to_text(html)
        title = title or html_title(html)
        text = f"{text}\n{body}" if text else body
    if not text and not title:
        raise InputRecordError(f"record {record['id']}: needs 'text' or 'html'")
    return (text or "")[:MAX_CHARS], title


class Extractor:
    """Loads the spaCy pipeline once; extracts one record or a stream of them."""

    def __init__(self, nlp: Language | None = None, model_path: Path | None = None) -> None:
        self.nlp = nlp if nlp is not None else load_pipeline(model_path)

    def _doc(self, record: dict[str, Any]) -> Doc:
        text, title = _text_and_title(record)
        title = " ".join(title.split()) if title else None
        # The title goes first so title drugs are known; offsets refer to this text.
        full = text if not title or text.startswith(title) else f"{title}\n{text}"
        doc = self.nlp.make_doc(full)
        doc._.hints = record.get("fields") or {}
        doc._.title_end = len(title) if title else 0
        return doc

    def extract(self, record: dict[str, Any]) -> dict[str, Any]:
        return self._record(record, self.nlp(self._doc(record)))

    def extract_many(self, records: Iterable[dict[str, Any]],
                     batch_size: int = 64) -> Iterator[dict[str, Any]]:
        """Records in input order; a bad record raises InputRecordError naming its id."""
        batch: list[tuple[dict[str, Any], Doc]] = []
        for record in records:
            batch.append((record, self._doc(record)))
            if len(batch) >= batch_size:
                yield from self._run(batch)
                batch = []
        yield from self._run(batch)

    def _run(self, batch: list[tuple[dict[str, Any], Doc]]) -> Iterator[dict[str, Any]]:
        docs = self.nlp.pipe([d for _, d in batch])
        for (record, _), doc in zip(batch, docs):
            yield self._record(record, doc)

    @staticmethod
    def _record(record: dict[str, Any], doc: Doc) -> dict[str, Any]:
        return {"id": record["id"], "url": record.get("url"), "drugs": doc._.drugs or [],
                "seller": doc._.seller, "ship_from": doc._.ship_from,
                "ship_to": doc._.ship_to or [], "price": doc._.price,
                "currency": doc._.currency, "is_drug_listing": bool(doc._.is_drug_listing),
                "language": doc._.language, "nlp_version": NLP_VERSION}
