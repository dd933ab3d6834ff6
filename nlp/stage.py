"""Staging partition (crawler listings.jsonl) -> extracted partition (entities.jsonl)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pharmwatch.paths import Layout

from nlp.exceptions import InputLineError, NlpError
from nlp.extract import Extractor
from nlp.jsonl import read_records, write_atomic

_HINTS = ("title", "seller", "ships_from", "ships_to", "price", "description", "category")


def _inputs(path, market: str) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for n, item in read_records(fh):
            if isinstance(item, InputLineError):
                raise NlpError(f"{path}: {item}")
            if not item.get("listing_id"):
                raise NlpError(f"{path}: line {n}: listing item has no listing_id")
            fields = item.get("fields") or {}
            yield {"id": f"{market}:{item['listing_id']}", "url": item.get("url"),
                   "text": item.get("text") or "",
                   "fields": {k: fields.get(k) for k in _HINTS if k in fields}}


def extract_partition(layout: Layout, market: str, date: str,
                      extractor: Extractor | None = None) -> int:
    """Replace extracted/market=M/date=D/entities.jsonl; returns the number of records."""
    src = layout.staging(market, date) / "listings.jsonl"
    if not src.is_file():
        raise NlpError(f"no staged listings for {market} {date}: {src} is missing")
    extractor = extractor or Extractor()
    out = layout.extracted(market, date) / "entities.jsonl"
    return write_atomic(out, extractor.extract_many(_inputs(src, market)))
