"""Page objects: turn one fetched page (selector + evidence) into typed items.

Pure functions of their inputs, so they are tested on saved HTML without a crawl.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from crawlers.config import FollowRule, PageType
from crawlers.items import ErrorItem, ListingItem, SellerItem
from crawlers.parsing import canonicalize_url, extract_fields, select, serialize, visible_text_of


@dataclass(frozen=True)
class RunContext:
    market: str
    run_id: str
    crawl_date: str

    def error(self, url: str, kind: str, status: int | None, reason: str,
              attempts: int) -> ErrorItem:
        return ErrorItem(self.market, self.run_id, self.crawl_date, url, kind, status,
                         reason[:2000], attempts, utc_now())


@dataclass(frozen=True)
class Evidence:
    """Where the response is archived; filled by the WARC middleware."""

    fetched_at: str
    sha256: str
    warc_file: str
    warc_record_offset: int


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def main_text(sel: Selector, text_css: str | None) -> str:
    """Visible text of the first `text_css` element, or of <body> when unset/missing."""
    nodes = select(sel, "css", text_css) if text_css else []
    if not nodes:
        nodes = select(sel, "css", "body") or [sel.root]
    return visible_text_of(nodes[0])


def parse_listing(sel: Selector, url: str, status: int, page: PageType, match: re.Match[str],
                  ctx: RunContext, ev: Evidence) -> ListingItem:
    listing_id = match.groupdict().get("id") or canonicalize_url(url)
    return ListingItem(
        market=ctx.market, run_id=ctx.run_id, crawl_date=ctx.crawl_date,
        listing_id=listing_id, url=url, fetched_at=ev.fetched_at, http_status=status,
        page_sha256=ev.sha256, warc_file=ev.warc_file, warc_record_offset=ev.warc_record_offset,
        text=main_text(sel, page.text_css),
        fields=extract_fields(sel, page.fields, base_url=url),
    )


def parse_seller(sel: Selector, url: str, page: PageType, match: re.Match[str],
                 ctx: RunContext, ev: Evidence) -> SellerItem:
    fields = extract_fields(sel, page.fields, base_url=url)
    handle = fields.get("handle") or match.groupdict().get("id") or canonicalize_url(url)
    return SellerItem(
        market=ctx.market, run_id=ctx.run_id, crawl_date=ctx.crawl_date, handle=str(handle),
        url=url, fetched_at=ev.fetched_at, page_sha256=ev.sha256, warc_file=ev.warc_file,
        warc_record_offset=ev.warc_record_offset, fields=fields,
    )


def missing_required(fields: dict[str, object], page: PageType) -> list[str]:
    return [name for name in page.required if fields.get(name) in (None, "", [])]


def follow_links(sel: Selector, rules: tuple[FollowRule, ...], page_url: str) -> list[str]:
    """Absolute, canonical link targets from every follow rule, in page order, de-duplicated."""
    seen: dict[str, None] = {}
    site = _site_root(page_url)
    for rule in rules:
        for found in select(sel, rule.source, rule.expr):
            href = serialize(found).strip()
            if not href or href.startswith(("javascript:", "mailto:", "data:")):
                continue
            if site and href.startswith("/") and not href.startswith("//"):
                seen.setdefault(_site_link(site, href), None)
            else:
                seen.setdefault(canonicalize_url(urljoin(page_url, href)), None)
    return list(seen)


def _site_root(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/" if parts.scheme in ("http", "https") and parts.netloc else None


@lru_cache(maxsize=65536)
def _site_link(site: str, href: str) -> str:
    # A path starting with "/" resolves against scheme://host alone (RFC 3986 5.2.2), so the
    # same href on every page of a site joins and canonicalises once (urljoin cost: bench/).
    return canonicalize_url(urljoin(site, href))
