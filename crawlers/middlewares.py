"""Downloader middlewares: market proxy on every request, and retries with backoff.

`MarketAccessMiddleware` runs before Scrapy's HttpProxyMiddleware (750) and puts the market's
proxy on *every* request, including the robots.txt request Scrapy builds itself, so that
nothing leaks around Tor. `BackoffRetryMiddleware` replaces Scrapy's RetryMiddleware: same
retry rules, plus exponential backoff, 429 Retry-After, and a per-request failure history
that the spider writes to errors.jsonl (URL, reason, attempts).
"""

from __future__ import annotations

import asyncio
import random
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone
from typing import Any

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares import cookies as _cookies
from tldextract import TLDExtract
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.utils.response import response_status_message

# Scrapy's cookie middleware builds a TLDExtract that downloads the Public Suffix List from the
# internet on first use; a crawler behind Tor must not do that. Use the list bundled with
# tldextract instead (no network at all).
_cookies._split_domain = TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)

FAILURES_KEY = "pharmwatch_failures"
DELAY_KEY = "pharmwatch_retry_delay"
MAX_RETRY_AFTER = 120.0


class MarketAccessMiddleware:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "MarketAccessMiddleware":
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        proxy = getattr(self.crawler.spider, "proxy_url", None)
        if proxy and "proxy" not in request.meta:
            request.meta["proxy"] = proxy


def retry_after(response: Response) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date), capped."""
    raw = response.headers.get(b"Retry-After")
    if not raw:
        return None
    text = raw.decode("latin-1").strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(text) - datetime.now(timezone.utc)).total_seconds()
        except (TypeError, ValueError):
            return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings: Any):
        super().__init__(settings)
        self.base = settings.getfloat("PHARMWATCH_RETRY_BACKOFF", 0.5)
        self.cap = settings.getfloat("PHARMWATCH_RETRY_BACKOFF_MAX", 30.0)

    def _backoff(self, request: Request) -> float:
        n = request.meta.get("retry_times", 0)
        return min(self.cap, self.base * (2 ** n)) * random.uniform(0.8, 1.2)

    async def process_request(self, request: Request) -> None:
        delay = request.meta.pop(DELAY_KEY, 0)
        if delay:
            await asyncio.sleep(delay)

    def process_response(self, request: Request, response: Response,
                         ) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        reason = response_status_message(response.status)
        wait = retry_after(response) if response.status in (429, 503) else None
        return self._retry_with(request, reason, wait) or response

    def process_exception(self, request: Request, exception: Exception,
                          ) -> Request | Response | None:
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        return self._retry_with(request, f"{type(exception).__name__}: {exception}", None)

    def _retry_with(self, request: Request, reason: str, wait: float | None) -> Request | None:
        history = [*request.meta.get(FAILURES_KEY, []), reason[:300]]
        request.meta[FAILURES_KEY] = history
        new = self._retry(request, reason)
        if new is not None:
            new.meta[FAILURES_KEY] = history
            new.meta[DELAY_KEY] = wait if wait is not None else self._backoff(request)
        return new
