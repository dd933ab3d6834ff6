"""Staging output: items -> `*.RUN_ID.part` files; committed atomically when the run ends.

`StagingPipeline` writes the part files. `RunFinalizer` (an extension on `spider_closed`,
which Scrapy fires after pipelines are closed and with the finish reason) moves them into
place with `os.replace` and writes `stats.json`. A rerun of a partition therefore replaces
its files, and an aborted run (SIGTERM, timeout) leaves the previous partition untouched.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import IO, Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawlers.items import ErrorItem, ListingItem, SellerItem
from crawlers.pages import utc_now
from crawlers.runinfo import RunInfo

logger = logging.getLogger(__name__)
OUTPUTS = {ListingItem: "listings.jsonl", SellerItem: "sellers.jsonl", ErrorItem: "errors.jsonl"}
STAT_KEYS = {ListingItem: "listings", SellerItem: "sellers", ErrorItem: "errors"}
# Finish reasons after which the partition is complete enough to publish.
COMMIT_REASONS = ("finished", "closespider_pagecount", "closespider_itemcount",
                  "closespider_timeout")


def part_path(final: Path, run_id: str) -> Path:
    return final.with_name(f"{final.name}.{run_id}.part")


def dump_line(item: Any) -> str:
    # ensure_ascii=False keeps non-English listings readable; json escapes control chars.
    return json.dumps(ItemAdapter(item).asdict(), ensure_ascii=False, sort_keys=False) + "\n"


class StagingPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.files: dict[type, IO[str]] = {}
        self.seen: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "StagingPipeline":
        return cls(crawler)

    def open_spider(self) -> None:
        info = RunInfo.from_spider(self.crawler.spider, self.crawler.settings)
        info.staging_dir.mkdir(parents=True, exist_ok=True)
        for cls, name in OUTPUTS.items():
            self.files[cls] = open(  # noqa: SIM115 (closed in close_spider)
                part_path(info.staging_dir / name, info.run_id), "w", encoding="utf-8")

    def process_item(self, item: Any) -> Any:
        cls = type(item)
        if cls not in self.files:
            raise DropItem(f"unexpected item type {cls.__name__}")
        key = _identity(item)
        if key is not None:
            if key in self.seen:
                raise DropItem(f"duplicate {key[0]} {key[1]!r}")
            self.seen.add(key)
        self.files[cls].write(dump_line(item))
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"pharmwatch/{STAT_KEYS[cls]}")
        return item

    def close_spider(self) -> None:
        for fh in self.files.values():
            fh.flush()
            os.fsync(fh.fileno())
            fh.close()


def _identity(item: Any) -> tuple[str, str] | None:
    if isinstance(item, ListingItem):
        return ("listing", item.listing_id)
    if isinstance(item, SellerItem):
        return ("seller", item.handle)
    return None


class RunFinalizer:
    """Commit the staging part files and write stats.json once the spider has closed."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.started_at = utc_now()
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RunFinalizer":
        return cls(crawler)

    def spider_opened(self, spider: Any) -> None:
        self.started_at = utc_now()

    def spider_closed(self, spider: Any, reason: str) -> None:
        info = RunInfo.from_spider(spider, self.crawler.settings)
        if reason not in COMMIT_REASONS:
            logger.warning("crawl ended with %r: partition not replaced; parts left in %s",
                           reason, info.staging_dir)
            return
        for name in OUTPUTS.values():
            final = info.staging_dir / name
            part = part_path(final, info.run_id)
            if part.exists():
                os.replace(part, final)
        stats = self.build_stats(info, reason)
        write_json_atomic(info.staging_dir / "stats.json", stats, info.run_id)
        logger.info("crawl stats: %s", json.dumps(stats))

    def build_stats(self, info: RunInfo, reason: str) -> dict[str, Any]:
        get = self.crawler.stats.get_value if self.crawler.stats else (lambda k, d=None: d)
        return {
            "market": info.market, "run_id": info.run_id, "crawl_date": info.crawl_date,
            "started_at": self.started_at, "finished_at": utc_now(),
            "pages": get("pharmwatch/pages", 0), "listings": get("pharmwatch/listings", 0),
            "sellers": get("pharmwatch/sellers", 0), "errors": get("pharmwatch/errors", 0),
            "bytes": get("pharmwatch/bytes", 0), "finish_reason": reason,
            # Extensions to the contract (added fields only):
            "warc_file": info.warc_relative,
            "robots_forbidden": get("robotstxt/forbidden", 0),
            "retries": get("retry/count", 0),
        }


def write_json_atomic(path: Path, data: dict[str, Any], run_id: str) -> None:
    part = part_path(path, run_id)
    part.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(part, path)
