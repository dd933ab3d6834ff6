"""The one generic spider. It routes pages and guards the crawl; page objects do the parsing."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from twisted.internet.error import TCPTimedOutError, TimeoutError as TxTimeoutError
from twisted.python.failure import Failure

from pharmwatch.paths import Layout

from crawlers import gate
from crawlers.config import MarketConfig, load_market
from crawlers.evidence import META_KEY
from crawlers.exceptions import CrawlerError
from crawlers.items import DelistedItem, ListingItem, SellerItem, as_record
from crawlers.login import LoginMixin
from crawlers.middlewares import FAILURES_KEY
from crawlers.pages import (
    Evidence, RunContext, follow_links, missing_required, parse_listing, parse_seller, utc_now,
)
from crawlers.parsing import html_defects
from crawlers.runinfo import check_date, check_run_id, data_dir_from
from crawlers.session import load_cookies
from crawlers.state import Journal, PageState
from crawlers.traps import canonical, page_number, trap_reason

logger = logging.getLogger(__name__)
# Error pages reach the callback (so they become error rows) while 3xx still redirect.
ERROR_STATUSES = [304, *range(400, 600)]
MAX_INTERSTITIALS = 3
HALT_REASONS = ("captcha", "login_failed", "logged_out")


class MarketSpider(LoginMixin, scrapy.Spider):
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
        self.linked_listings: set[str] = set()
        self.waiting_for_login: list[str] = []
        self.started = False
        self.capped = False
        self.revisited = False
        self.halt_reason: str | None = None
        self.halt_message = ""
        self.cookies_sent = False
        self.pending_items: list[Any] = []
        self.proxy_url = self.config.access.proxy_url()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> "MarketSpider":
        kwargs.setdefault("markets_dir", crawler.settings.get("PHARMWATCH_MARKETS_DIR"))
        spider = super().from_crawler(crawler, *args, **kwargs)
        # Settings are still mutable here (frozen after the spider is built); -s still wins.
        crawler.settings.setdict(spider.config.scrapy_settings(), priority="spider")
        if spider.config.access.render_js:
            from crawlers.js import playwright_settings

            crawler.settings.setdict(playwright_settings(), priority="spider")
        spider.setup(crawler.settings)
        if spider.frontier is not None:
            crawler.signals.connect(spider.on_opened_shared, signal=signals.spider_opened)
            crawler.signals.connect(spider.on_busy, signal=signals.request_reached_downloader)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.on_closed, signal=signals.spider_closed)
        return spider

    def setup(self, settings: Any) -> None:
        self.layout = Layout(data_dir_from(settings))
        self.worker = settings.get("PHARMWATCH_WORKER") or ""
        self.state = PageState(self.layout, self.market_name)
        self.journal: Journal | None = None
        self.frontier: Any = None
        self.resuming = False
        segment = 0
        if settings.get("PHARMWATCH_FRONTIER"):  # a shared (Redis) frontier replaces the journal
            from crawlers.frontier import WorkerState

            if not self.worker or not settings.get("PHARMWATCH_FRONTIER_KEY"):
                raise CrawlerError("a shared frontier needs PHARMWATCH_WORKER and "
                                   "PHARMWATCH_FRONTIER_KEY (crawlers/frontier.py sets both)")
            self.frontier = WorkerState(settings["PHARMWATCH_FRONTIER"],
                                        settings["PHARMWATCH_FRONTIER_KEY"], self.worker)
        else:
            self.journal = Journal.for_partition(self.layout, self.market_name, self.crawl_date)
            if self.journal.get("run_id") == self.run_id and self.journal.get("status") == "running":
                self.resuming = True
                segment = int(self.journal.get("segments") or 0) + 1
                self.journal.put("segments", str(segment))
            else:
                self.journal.reset(self.run_id, self.config.base_url)
        self.segment = segment
        suffix = f".{self.worker}" if self.worker else f".resume-{segment}" if segment else ""
        self.warc_name = f"{self.run_id}{suffix}.warc.gz"
        self.part_suffix = f".{self.worker}" if self.worker else ""
        self.cookies = load_cookies(self.layout.root, self.market_name) if self.config.login else {}

    # ---- scheduling ------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        if self.resuming and self.journal is not None:
            logger.info("resuming run %s: %d URLs already done", self.run_id,
                        self.journal.count_done())
            self.started = True
            self.scheduled = self.journal.all_urls()
            self.linked_listings = {u for u in self.scheduled
                                    if (f := self.config.page_type(u)) and f[0].name == "listing"}
            for url, meta in self.journal.pending():
                yield self._make_request(url, meta)
            return
        if self.config.login is not None and not self.cookies:
            yield self.login_request()
            return
        for request in self.first_requests():
            yield request

    def first_requests(self) -> list[Any]:
        self.started = True
        out = []
        for url in self.config.start_urls:
            out.extend(self._schedule(canonical(url, self.config.traps.drop_params)))
        return out

    def _schedule(self, url: str, revisit: bool = False) -> list[Any]:
        """Requests/items for one discovered URL: a Request, a reused item, a trap error, or []."""
        if url in self.scheduled or not self.config.allows(url):
            return []
        trap = trap_reason(url, self.config.traps, self.crawl_date)
        if trap is not None:
            self.scheduled.add(url)
            self.crawler.stats.inc_value("pharmwatch/traps")
            return [self.ctx.error(url, "trap", None, trap, 0)]
        if len(self.scheduled) >= self.config.max_pages:
            self.capped = True
            self.crawler.stats.inc_value("pharmwatch/max_pages_skipped")
            return []
        self.scheduled.add(url)
        found = self.config.page_type(url)
        kind = found[0].name if found else ""
        if kind == "listing":
            self.linked_listings.add(url)
        reused = None if revisit else self._reuse_fresh(url, kind)
        if reused is not None:
            return [reused]
        meta = {"revisit": revisit}
        if self.journal is not None:
            self.journal.add(url, meta)
        return [self._make_request(url, meta)]

    def _make_request(self, url: str, meta: dict[str, Any]) -> scrapy.Request:
        headers = {}
        found = self.config.page_type(url)
        previous = self.state.get(url) if found and found[0].name in ("listing", "seller") else None
        if previous and self.config.recrawl.conditional and previous["item"]:
            if previous["etag"]:
                headers["If-None-Match"] = previous["etag"]
            if previous["last_modified"]:
                headers["If-Modified-Since"] = previous["last_modified"]
        request_meta = {"handle_httpstatus_list": ERROR_STATUSES, **meta}
        # Saved cookies go on requests until a page came back through the session: afterwards
        # the jar holds them, and a cookie set on a request would overwrite a fresher one.
        cookies = None if self.cookies_sent else [  # path "/": else scoped to this URL's folder
            {"name": k, "value": v, "path": "/"} for k, v in self.cookies.items()]
        if self.config.access.render_js:
            from crawlers.js import js_meta

            request_meta.update(js_meta())
        return scrapy.Request(url, callback=self.parse, errback=self.on_error, headers=headers,
                              meta=request_meta, cookies=cookies or None)

    def refetch(self, url: str, meta: dict[str, Any] | None = None) -> scrapy.Request:
        request = self._make_request(url, meta or {})
        return request.replace(dont_filter=True)

    def _reuse_fresh(self, url: str, kind: str) -> Any:
        max_age = self.config.recrawl.max_age_hours
        if kind not in ("listing", "seller") or max_age <= 0:
            return None
        previous = self.state.get(url)
        if (previous is None or previous["delisted"] or not previous["item"]
                or time.time() - previous["fetched_epoch"] > max_age * 3600):
            return None
        self.crawler.stats.inc_value("pharmwatch/reused_fresh")
        return self._reused_item(previous["item"], kind, "fresh")

    def _reused_item(self, stored: dict[str, Any], kind: str, how: str) -> Any:
        cls = ListingItem if kind == "listing" else SellerItem
        item = cls(**stored)
        return replace(item, run_id=self.run_id, crawl_date=self.crawl_date, reused=how)

    # ---- responses -------------------------------------------------------------------------
    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        out = list(self._parse(response))
        # Pages with a new item are marked done by the pipeline once the item is on disk;
        # a gate page (CAPTCHA, login, interstitial) is not done: its URL is fetched again.
        mark_done = not response.meta.get("pharmwatch_gated") and not any(
            isinstance(o, (ListingItem, SellerItem)) and o.reused is None for o in out)
        yield from out
        if mark_done and self.journal is not None:
            self.journal.done(response.request.url if response.request else response.url)

    def _parse(self, response: Response) -> Iterator[Any]:
        attempts = response.meta.get("retry_times", 0) + 1
        failures = response.meta.get(FAILURES_KEY, [])
        if failures and response.status < 400:
            yield self.ctx.error(response.url, "transient", response.status,
                                 "recovered after: " + "; ".join(failures), attempts)
        found = self.config.page_type(response.url)
        kind = found[0].name if found else ""
        if response.status == 304:
            yield from self._not_modified(response, kind)
            return
        if response.status >= 400:
            yield from self._http_error(response, kind, attempts, failures)
            return
        if not isinstance(response, TextResponse) or not self.config.allows(response.url):
            return
        page = gate.classify(response.body, self.config.detect)
        if page != gate.OK:
            yield from self._gated(response, page)
            return
        self.cookies_sent = True
        if self._charset_wrong(response):
            response = response.replace(encoding="utf-8")
            yield self.ctx.error(response.url, "charset_mismatch", response.status,
                                 "declared charset is not the page's (UTF-8): decoded as UTF-8", attempts)
        if kind == "listing" and gate.is_not_found(response.body, self.config.detect):
            yield from self._delisted(response.url, "not_found_page")
            return
        items = list(self._items(response, attempts))
        yield from self._links(response, attempts)
        yield from items

    def _not_modified(self, response: Response, kind: str) -> Iterator[Any]:
        previous = self.state.get(response.url)
        if previous is None or not previous["item"]:
            yield self.ctx.error(response.url, "http_error", 304, "304 for a page never stored", 1)
            return
        self.state.touch(response.url)
        self.crawler.stats.inc_value("pharmwatch/not_modified")
        yield self._reused_item(previous["item"], kind or previous["kind"], "not_modified")

    def _http_error(self, response: Response, kind: str, attempts: int,
                    failures: list[str]) -> Iterator[Any]:
        if response.status in (404, 410) and kind == "listing" and self.state.get(response.url):
            yield from self._delisted(response.url, f"http_{response.status}")
            return
        reason = f"HTTP {response.status}"
        if failures:
            reason += " after: " + "; ".join(failures)
        yield self.ctx.error(response.url, "http_error", response.status, reason, attempts)

    def _delisted(self, url: str, reason: str) -> Iterator[Any]:
        found = self.config.page_type(url)
        listing_id = (found[1].groupdict().get("id") if found else None) or url
        self.state.mark_delisted(url)
        self.crawler.stats.inc_value("pharmwatch/delisted")
        yield DelistedItem(self.market_name, self.run_id, self.crawl_date, listing_id, url,
                           reason, utc_now())

    def _gated(self, response: Response, page: str) -> Iterator[Any]:
        response.meta["pharmwatch_gated"] = True
        url = response.request.url if response.request else response.url
        if page == gate.CAPTCHA:
            yield from self.halt(url, "captcha", "the market shows a CAPTCHA")
        elif page == gate.LOGGED_OUT:
            yield from self.on_logged_out(url)
        else:  # anti-DDoS interstitial: wait and ask again, a few times
            seen = response.meta.get("interstitials", 0) + 1
            if seen > MAX_INTERSTITIALS:
                yield self.ctx.error(url, "anti_ddos", response.status,
                                     f"anti-DDoS page {seen - 1} times in a row", seen)
                return
            self.crawler.stats.inc_value("pharmwatch/anti_ddos_waits")
            request = self.refetch(url, {"revisit": response.meta.get("revisit", False)})
            request.meta["interstitials"] = seen
            request.meta["pharmwatch_retry_delay"] = min(5.0, 0.5 * seen)
            yield request

    def halt(self, url: str, reason: str, message: str) -> Iterator[Any]:
        """Stop this market's crawl cleanly: the partition is not replaced; the journal stays."""
        hint = {"captcha": f"solve it in a browser, then run `pharmwatch session set-cookie "
                           f"{self.market_name} --cookie NAME=VALUE` and crawl again (it resumes)"}
        self.halt_reason = reason
        self.halt_message = f"{message} at {url}" + (f": {hint[reason]}" if reason in hint else "")
        logger.error("%s: %s", self.market_name, self.halt_message)
        yield self.ctx.error(url, reason, None, self.halt_message, 1)
        raise CloseSpider(reason)

    @staticmethod
    def _charset_wrong(response: TextResponse) -> bool:
        declared = (response.encoding or "").lower().replace("_", "-")
        if declared in ("utf-8", "utf8") or response.body.isascii():
            return False
        try:
            response.body.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True  # valid multi-byte UTF-8 is almost never meant as Latin-1

    def _items(self, response: TextResponse, attempts: int) -> Iterator[Any]:
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
        key = item.listing_id if isinstance(item, ListingItem) else item.handle
        self.state.remember(response.url, page.name, key,
                            as_record(item), _header(response, b"ETag"),
                            _header(response, b"Last-Modified"))
        yield item
        defects = html_defects(response.body)
        if defects:  # kept as a listing, and recorded: its fields come from a repaired tree
            yield self.ctx.error(response.url, "malformed_html", response.status,
                                 "; ".join(defects), attempts)
        missing = missing_required(item.fields, page)
        if missing:
            yield self.ctx.error(response.url, "parse_error", response.status,
                                 f"required field(s) empty: {', '.join(missing)}", attempts)

    def _links(self, response: TextResponse, attempts: int) -> Iterator[Any]:
        try:
            plain = [r for r in self.config.follow if not r.pagination]
            nexts = [r for r in self.config.follow if r.pagination]
            links = follow_links(response.selector, tuple(plain), response.url)
            next_links = follow_links(response.selector, tuple(nexts), response.url)
        except Exception as exc:  # one bad page must never stop the crawl
            yield self.ctx.error(response.url, "parse_error", response.status,
                                 f"links: {type(exc).__name__}: {exc}", attempts)
            return
        drop = self.config.traps.drop_params
        links = [canonical(u, drop) for u in links]
        next_links = [canonical(u, drop) for u in next_links]
        if next_links and not links and (page_number(response.url) or 1) > 1:
            # A page past the end that still offers "next": an infinite-pagination trap.
            yield self.ctx.error(response.url, "trap", response.status,
                                 "empty page with a next link (pagination trap)", attempts)
            next_links = []
        for link in links + next_links:
            yield from self._schedule(link)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        if failure.check(IgnoreRequest):
            return  # robots.txt disallow or offsite: a decision, not a failure
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        attempts = (request.meta.get("retry_times", 0) + 1) if request is not None else 1
        exc = failure.value
        text = f"{type(exc).__name__}: {exc}".strip()
        kind = "network_error"
        if failure.check(TxTimeoutError, TCPTimedOutError) or "timeout" in text.lower():
            kind = "timeout"
        elif "max size" in text.lower() or "maxsize" in text.lower():
            kind = "too_large"
        history = request.meta.get(FAILURES_KEY, []) if request is not None else []
        if history:
            text += " after: " + "; ".join(history[:-1] or history)
        yield self.ctx.error(url, kind, None, text, attempts)
        if self.journal is not None and request is not None:
            self.journal.done(url)  # recorded: a resumed run does not try it again

    # ---- shared frontier ------------------------------------------------------------------
    def on_opened_shared(self, spider: Any) -> None:
        # The engine re-asks an idle scheduler every heartbeat (5 s by default); a waiting worker
        # should pick up URLs another worker just pushed sooner than that.
        self.crawler.engine._SLOT_HEARTBEAT_INTERVAL = 0.25

    def on_busy(self, request: Any, spider: Any) -> None:
        from crawlers.frontier import BUSY

        self.frontier.set(BUSY)

    # ---- end of crawl ----------------------------------------------------------------------
    def on_idle(self, spider: Any) -> None:
        if self.frontier is not None:
            # Queue empty and nothing in flight here; others may still push URLs. Revisiting
            # unlinked listings is skipped: no worker knows the whole index (docs/crawling.md).
            if not self.halt_reason and self.frontier.should_wait():
                raise DontCloseSpider
            return
        if self.revisited or self.capped or self.halt_reason or not self.started:
            return
        self.revisited = True
        unlinked = {u: i for u, i in self.state.live_listings().items()
                    if u not in self.linked_listings and self.config.allows(u)}
        if not unlinked:
            return
        logger.info("%d known listings are gone from the index", len(unlinked))
        for url in sorted(unlinked):
            if self.config.recrawl.revisit_unlinked:  # fetch to learn why: 404, "not found", alive
                self.scheduled.discard(url)
                for out in self._schedule(url, revisit=True):
                    if isinstance(out, scrapy.Request):
                        self.crawler.engine.crawl(out)
            else:
                self.pending_items.extend(self._delisted(url, "gone_from_index"))
        if self.pending_items:  # items can only enter the pipeline from a callback
            start = self.config.start_urls[0]
            self.crawler.engine.crawl(scrapy.Request(start, callback=self.emit_pending,
                                                     dont_filter=True, errback=self.on_error))
        raise DontCloseSpider

    def emit_pending(self, response: Response) -> Iterator[Any]:
        items, self.pending_items = self.pending_items, []
        yield from items

    def on_closed(self, spider: Any, reason: str) -> None:
        if self.frontier is not None:
            self.frontier.close()
        if self.config.login is not None and self.halt_reason is None:
            self.save_session("crawl")
        self.state.close()


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
