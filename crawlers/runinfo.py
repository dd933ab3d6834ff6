"""Identity and file locations of one crawl run, shared by middleware, pipelines and stats."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date as _date
from pathlib import Path
from typing import Any

from pharmwatch.paths import Layout

from crawlers.exceptions import CrawlerError

_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def check_date(value: str) -> str:
    try:
        _date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise CrawlerError(f"date must be YYYY-MM-DD, got {value!r}") from exc
    if len(value) != 10:
        raise CrawlerError(f"date must be YYYY-MM-DD, got {value!r}")
    return value


def check_run_id(value: str) -> str:
    # The run id becomes a file name, so it must not carry path separators.
    if not isinstance(value, str) or not _RUN_ID.match(value) or ".." in value:
        raise CrawlerError(f"run_id must match {_RUN_ID.pattern}, got {value!r}")
    return value


def data_dir_from(settings: Any) -> Path:
    raw = settings.get("PHARMWATCH_DATA") or os.environ.get("PHARMWATCH_DATA") or "data"
    return Path(raw).resolve()


@dataclass(frozen=True)
class RunInfo:
    market: str
    crawl_date: str
    run_id: str
    layout: Layout
    warc_name: str = ""    # RUN_ID.warc.gz, or RUN_ID.resume-N / RUN_ID.WORKER for later segments
    part_suffix: str = ""  # ".WORKER" when several processes share one run

    @classmethod
    def from_spider(cls, spider: Any, settings: Any) -> "RunInfo":
        return cls(spider.market_name, spider.crawl_date, spider.run_id,
                   Layout(data_dir_from(settings)), getattr(spider, "warc_name", ""),
                   getattr(spider, "part_suffix", ""))

    @property
    def staging_dir(self) -> Path:
        return self.layout.staging(self.market, self.crawl_date)

    @property
    def warc_path(self) -> Path:
        name = self.warc_name or f"{self.run_id}.warc.gz"
        return self.layout.evidence(self.market, self.crawl_date) / name

    @property
    def warc_relative(self) -> str:
        return self.warc_path.relative_to(self.layout.root).as_posix()
