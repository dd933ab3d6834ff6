"""Staging output: items -> `*.RUN_ID.part` files; committed atomically when the run ends.

`StagingPipeline` writes the part files (each line flushed, so a SIGKILL loses at most the
line being written). `RunFinalizer` (an extension on `spider_closed`, which Scrapy fires after
pipelines are closed and with the finish reason) de-duplicates the parts, moves them into
place with `os.replace` and writes `stats.json`. A rerun of a partition therefore replaces its
files; an aborted run leaves the previous partition untouched and its parts to be resumed.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import IO, Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawlers.evidence import count_pages
from crawlers.items import DelistedItem, ErrorItem, ListingItem, SellerItem, as_record
from crawlers.pages import utc_now
from crawlers.runinfo import RunInfo
from crawlers.staging import commit_parts, count_lines, part_path, repair_tail, write_json_atomic
from crawlers.state import state_dir

logger = logging.getLogger(__name__)
OUTPUTS = {ListingItem: "listings.jsonl", SellerItem: "sellers.jsonl", ErrorItem: "errors.jsonl",
           DelistedItem: "delisted.jsonl"}
STAT_KEYS = {ListingItem: "listings", SellerItem: "sellers", ErrorItem: "errors",
             DelistedItem: "delisted"}
# Finish reasons after which the partition is complete enough to publish.
COMMIT_REASONS = ("finished", "closespider_pagecount", "closespider_itemcount",
                  "closespider_timeout")


def dump_line(item: Any) -> str:
    # ensure_ascii=False keeps non-English listings readable; json escapes control chars.
    return json.dumps(as_record(item), ensure_ascii=False, sort_keys=False) + "\n"


class StagingPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.files: dict[type, IO[str]] = {}
        self.seen: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "StagingPipeline":
        return cls(crawler)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        info = RunInfo.from_spider(spider, self.crawler.settings)
        info.staging_dir.mkdir(parents=True, exist_ok=True)
        resuming = getattr(spider, "resuming", False)
        for cls, name in OUTPUTS.items():
            part = part_path(info.staging_dir / name, info.run_id, info.part_suffix)
            if resuming:
                repair_tail(part)  # a SIGKILL may have cut the last line
            self.files[cls] = open(part, "a" if resuming else "w", encoding="utf-8")  # noqa: SIM115

    def process_item(self, item: Any) -> Any:
        cls = type(item)
        if cls not in self.files:
            raise DropItem(f"unexpected item type {cls.__name__}")
        key = _identity(item)
        if key is not None:
            if key in self.seen:
                raise DropItem(f"duplicate {key[0]} {key[1]!r}")
            self.seen.add(key)
        fh = self.files[cls]
        fh.write(dump_line(item))
        fh.flush()  # in the OS before the journal says "done": survives SIGKILL
        journal = getattr(self.crawler.spider, "journal", None)
        if journal is not None and cls in (ListingItem, SellerItem) and item.reused is None:
            journal.done(item.url)
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
    if isinstance(item, DelistedItem):
        return ("delisted", item.listing_id)
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
        write_last_run(info, reason, getattr(spider, "halt_message", ""))
        if reason not in COMMIT_REASONS:
            logger.warning("crawl ended with %r: partition not replaced; parts left in %s",
                           reason, info.staging_dir)
            return
        if info.part_suffix:  # one worker of a shared frontier: the launcher merges the parts
            write_json_atomic(part_path(info.staging_dir / "stats.json", info.run_id,
                                        info.part_suffix), self.build_stats(info, reason))
            return
        commit_parts(info.staging_dir, info.run_id, [""], OUTPUTS.values())
        stats = self.build_stats(info, reason)
        write_json_atomic(info.staging_dir / "stats.json", stats)
        journal = getattr(spider, "journal", None)
        if journal is not None:
            journal.put("status", "finished")
            journal.close()
        logger.info("crawl stats: %s", json.dumps(stats))

    def build_stats(self, info: RunInfo, reason: str) -> dict[str, Any]:
        get = self.crawler.stats.get_value if self.crawler.stats else (lambda k, d=None: d)
        staged = {k: count_lines(info.staging_dir / n) for k, n in
                  (("listings", "listings.jsonl"), ("sellers", "sellers.jsonl"),
                   ("errors", "errors.jsonl"), ("delisted", "delisted.jsonl"))}
        if info.part_suffix:
            staged = {k: get(f"pharmwatch/{k}", 0) for k in staged}
        pages, size = get("pharmwatch/pages", 0), get("pharmwatch/bytes", 0)
        for earlier in previous_segments(info, getattr(self.crawler.spider, "segment", 0)):
            more_pages, more_bytes = count_pages(earlier)  # counters of a killed process are lost
            pages, size = pages + more_pages, size + more_bytes
        return {
            "market": info.market, "run_id": info.run_id, "crawl_date": info.crawl_date,
            "started_at": self.started_at, "finished_at": utc_now(),
            "pages": pages, **{k: staged[k] for k in ("listings", "sellers", "errors")},
            "bytes": size, "finish_reason": reason,
            # Extensions to the contract (added fields only):
            "warc_file": info.warc_relative,
            "robots_forbidden": get("robotstxt/forbidden", 0),
            "retries": get("retry/count", 0), "delisted": staged["delisted"],
            "not_modified": get("pharmwatch/not_modified", 0),
            "reused_fresh": get("pharmwatch/reused_fresh", 0),
            "traps": get("pharmwatch/traps", 0),
        }


def previous_segments(info: RunInfo, segment: int) -> list[Path]:
    """WARC files of the earlier segments of a resumed run (RUN_ID, RUN_ID.resume-1, ...)."""
    folder = info.layout.evidence(info.market, info.crawl_date)
    names = [f"{info.run_id}.warc.gz"] + [f"{info.run_id}.resume-{k}.warc.gz"
                                          for k in range(1, segment)]
    return [folder / n for n in names[:segment] if (folder / n).exists()]


def write_last_run(info: RunInfo, reason: str, message: str) -> None:
    """How the last run of this market ended (read by run_crawl to explain a halted crawl)."""
    path = state_dir(info.layout, info.market) / "last_run.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(path, {"run_id": info.run_id, "crawl_date": info.crawl_date,
                             "finish_reason": reason, "message": message, "at": utc_now()})
