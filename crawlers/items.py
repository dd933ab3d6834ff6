"""Typed items; field names are the staging contract in docs/contracts.md."""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass
class ErrorItem:
    market: str
    run_id: str
    crawl_date: str
    url: str
    kind: str  # http_error | parse_error | network_error | malformed_html
    status: int | None
    reason: str
    attempts: int
    at: str
