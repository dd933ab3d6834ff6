"""The one generic spider. It only routes: page objects in `crawlers.pages` do the parsing."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawlers.config import MarketConfig, load_market
from crawlers.evidence import META_KEY
from crawlers.pages import (
    Evidence, RunContext, follow_links, missing_required, parse_listing, parse_seller, utc_now,
)
from crawlers.parsing import canonicalize_url, html_defects
from crawlers.runinfo import check_date, check_run_id

# Error pages reach the callback (so they become error rows) while 3xx still redirect.
ERROR_STATUSES = list(range(400, 600))


class MarketSpider(scrapy.Spider):
    name = "market"

    def __init__(self, market: str, base_url: str, date: str, run_id: str | None = None,
                 markets_dir: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if not run_id:
            from crawlers.run import new_run_id  # local: run.py imports nothing from here

            run_id = new_run_id()
        self.config: MarketConfig = load_market(market, base_url, markets_dir)
        self.market_name = market
        self.crawl_date = check_date(date)
        self.run_id = check_run_id(run_id)
        self.ctx = RunContext(market, self.run_id, self.crawl_date)
        self.scheduled: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> "MarketSpider":
        kwargs.setdefault("markets_dir", crawler.settings.get("PHARMWATCH_MARKETS_DIR"))
        spider = super().from_crawler(crawler, *args, **kwargs)
        # Settings are still mutable here (frozen after the spider is built); -s still wins.
        crawler.settings.setdict(spider.config.politeness.scrapy_settings(), priority="spider")
        return spider

    async def start(self) -> AsyncIterator[Any]:
        for url in self.config.start_urls:
            request = self._request(canonicalize_url(url))
            if request is not None:
                yield request

    def _request(self, url: str) -> scrapy.Request | None:
        if url in self.scheduled or not self.config.allows(url):
            return None
        if len(self.scheduled) >= self.config.max_pages:
            self.crawler.stats.inc_value("pharmwatch/max_pages_skipped")
            return None
        self.scheduled.add(url)
        return scrapy.Request(url, callback=self.parse, errback=self.on_error,
                              meta={"handle_httpstatus_list": ERROR_STATUSES})

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        attempts = response.meta.get("retry_times", 0) + 1
        if response.status >= 400:
            yield self.ctx.error(response.url, "http_error", response.status,
                                 f"HTTP {response.status}", attempts)
            return
        if not isinstance(response, TextResponse) or not self.config.allows(response.url):
            return
        try:
            yield from self._items(response)
        except Exception as exc:  # one bad page must never stop the crawl
            yield self.ctx.error(response.url, "parse_error", response.status,
                                 f"{type(exc).__name__}: {exc}", attempts)
        try:
            links = follow_links(response.selector, self.config.follow, response.url)
        except Exception as exc:
            yield self.ctx.error(response.url, "parse_error", response.status,
                                 f"links: {type(exc).__name__}: {exc}", attempts)
            return
        for link in links:
            request = self._request(link)
            if request is not None:
                yield request

    def _items(self, response: TextResponse) -> Iterator[Any]:
        found = self.config.page_type(response.url)
        if found is None or found[0].name not in ("listing", "seller"):
            return
        page, match = found
        ev = response.meta.get(META_KEY) or Evidence(utc_now(), "", "", -1)
        sel = response.selector
        if page.name == "listing":
            item: Any = parse_listing(sel, response.url, response.status, page, match, self.ctx, ev)
        else:
            item = parse_seller(sel, response.url, page, match, self.ctx, ev)
        yield item
        defects = html_defects(response.body)
        if defects:  # kept as a listing, and recorded: its fields come from a repaired tree
            yield self.ctx.error(response.url, "malformed_html", response.status,
                                 "; ".join(defects), response.meta.get("retry_times", 0) + 1)
        missing = missing_required(item.fields, page)
        if missing:
            yield self.ctx.error(response.url, "parse_error", response.status,
                                 f"required field(s) empty: {', '.join(missing)}",
                                 response.meta.get("retry_times", 0) + 1)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        if failure.check(IgnoreRequest):
            return  # robots.txt disallow or offsite: a decision, not a failure
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        attempts = (request.meta.get("retry_times", 0) + 1) if request is not None else 1
        exc = failure.value
        yield self.ctx.error(url, "network_error", None,
                             f"{type(exc).__name__}: {exc}".strip(), attempts)
