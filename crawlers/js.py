"""Opt-in JavaScript rendering (market YAML `access.render_js: true`) with scrapy-playwright.

Drives Debian's chromium (/usr/bin/chromium, or $PHARMWATCH_CHROMIUM): no browser download.
Only requests of markets that ask for it carry `playwright: True`; robots.txt and every other
market stay plain HTTP.

Evidence: the spider parses the rendered DOM, but the WARC must also hold what the server
sent. A page-init callback listens to every network response of the page (the document and
the JSON its scripts fetch) and a final page method collects their raw bodies; the WARC
middleware writes them as `response` records next to a `conversion` record of the DOM.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

CHROMIUM = os.environ.get("PHARMWATCH_CHROMIUM", "/usr/bin/chromium")
HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
RAW_ATTR = "_pharmwatch_raw"
# Chromium runs as root in CI containers (no user namespaces), hence --no-sandbox; the rest
# keep it from calling home (updates, sync, field trials) and from QUIC/GPU surprises.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--disable-extensions"]


def playwright_settings() -> dict[str, Any]:
    return {
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": CHROMIUM, "headless": True,
                                      "args": ARGS},
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 4,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": 30_000,
    }


def js_meta() -> dict[str, Any]:
    """Request meta for a rendered page: wait until the page's own scripts have run."""
    from scrapy_playwright.page import PageMethod

    return {"playwright": True,
            "playwright_page_goto_kwargs": {"wait_until": "networkidle"},
            "playwright_page_init_callback": "crawlers.js.capture_raw",
            "playwright_page_methods": [PageMethod(collect_raw)]}


async def capture_raw(page: Any, request: Any) -> None:
    """Before navigation: remember every response the page receives (body read later)."""
    tasks: list[asyncio.Future[dict[str, Any] | None]] = []
    setattr(page, RAW_ATTR, tasks)
    page.on("response", lambda resp: tasks.append(asyncio.ensure_future(_grab(resp))))


async def _grab(resp: Any) -> dict[str, Any] | None:
    try:
        body = await resp.body()
        headers = await resp.all_headers()
    except Exception:  # redirects and aborted loads have no body: nothing to archive
        return None
    return {"url": resp.url, "status": resp.status, "headers": headers, "body": body,
            "navigation": resp.request.is_navigation_request(),
            "resource_type": resp.request.resource_type}


async def collect_raw(page: Any) -> list[dict[str, Any]]:
    """After the page settled: the raw responses, document first (PageMethod result)."""
    tasks = getattr(page, RAW_ATTR, [])
    done = await asyncio.gather(*tasks, return_exceptions=True)
    got = [r for r in done if isinstance(r, dict)]
    return sorted(got, key=lambda r: not r["navigation"])


def raw_exchanges(meta: dict[str, Any]) -> list[dict[str, Any]]:
    """The raw responses collected for a rendered page (empty when none were captured)."""
    for method in meta.get("playwright_page_methods") or ():
        if getattr(method, "method", None) is collect_raw and isinstance(method.result, list):
            return method.result
    return []
