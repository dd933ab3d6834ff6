"""Typed items; field names are the staging contract in docs/contracts.md."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any


@dataclass
class ListingItem:
    market: str
    run_id: str
    crawl_date: str
    listing_id: str
    url: str
    fetched_at: str
    http_status: int
    page_sha256: str
    warc_file: str
    warc_record_offset: int
    text: str
    fields: dict[str, Any] = field(default_factory=dict)
    # Not fetched again: "fresh" (fetched within recrawl.max_age_hours) or "not_modified" (304);
    # the evidence fields then point at the earlier fetch.
    reused: str | None = None


@dataclass
class SellerItem:
    market: str
    run_id: str
    crawl_date: str
    handle: str
    url: str
    fetched_at: str
    page_sha256: str
    warc_file: str
    warc_record_offset: int
    fields: dict[str, Any] = field(default_factory=dict)
    reused: str | None = None


@dataclass
class DelistedItem:
    market: str
    run_id: str
    crawl_date: str
    listing_id: str
    url: str
    reason: str  # http_404 | http_410 | not_found_page | gone_from_index
    detected_at: str


@dataclass
class ErrorItem:
    market: str
    run_id: str
    crawl_date: str
    url: str
    kind: str  # see docs/contracts.md (http_error, timeout, captcha, trap, transient, ...)
    status: int | None
    reason: str
    attempts: int
    at: str


@cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def as_record(item: Any) -> dict[str, Any]:
    """An item as a dict for JSON, fields in declaration order.

    Shallow: `json.dumps` walks the nested dicts and lists itself, so the line is the same as
    from a deep copy (dataclasses.asdict, ItemAdapter.asdict), which cost ~0.3 ms a page."""
    return {name: getattr(item, name) for name in _names(type(item))}
