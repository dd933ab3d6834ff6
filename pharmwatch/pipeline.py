"""The main job, once, end to end: sandbox -> crawl -> extract -> load + flag -> report.

This is the embedded path (`pharmwatch run`); Airflow's DAGs call the same stage functions
task by task. Stages hand over files in the data directory, so any stage can be rerun alone.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pharmwatch.paths import Layout

log = logging.getLogger(__name__)

# Each crawl is its own Scrapy process; two at a time keeps a 2-core machine busy, not swamped.
CRAWL_WORKERS = 2


@dataclass(frozen=True)
class RunConfig:
    db: Path
    out: Path
    data: Path
    listings: int = 600
    seed: int = 7
    day: int = 0
    date: str = "2026-01-01"
    base_url: str | None = None
    markets: tuple[str, ...] = ()


@dataclass
class RunResult:
    db: Path
    report: Path | None = None
    crawl_stats: dict[str, dict] = field(default_factory=dict)
    extracted: dict[str, int] = field(default_factory=dict)
    load_stats: dict = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures and self.report is not None

    def summary(self) -> str:
        lines = []
        for market, stats in sorted(self.crawl_stats.items()):
            lines.append(
                f"crawl   {market:<12} listings={stats.get('listings', 0):>6} "
                f"sellers={stats.get('sellers', 0):>5} errors={stats.get('errors', 0):>4} "
                f"pages={stats.get('pages', 0):>6}"
            )
        for market, n in sorted(self.extracted.items()):
            lines.append(f"extract {market:<12} records={n:>6}")
        lines.extend(f"FAILED  {f}" for f in self.failures)
        lines.append(f"warehouse: {self.db}")
        lines.append(f"report:    {self.report if self.report else '(not written)'}")
        return "\n".join(lines)


@contextlib.contextmanager
def sandbox_or_given(cfg: RunConfig) -> Iterator[str]:
    """Yield the base URL to crawl: the configured one, or a sandbox on a free loopback port."""
    if cfg.base_url:
        yield cfg.base_url.rstrip("/")
        return
    from sandbox.server import serve_in_thread
    from sandbox.world import World

    world = World(seed=cfg.seed, listings=cfg.listings, day=cfg.day)
    server = serve_in_thread(world, host="127.0.0.1", port=0)
    log.info("sandbox: %d listings (seed %d, day %d) at %s", cfg.listings, cfg.seed, cfg.day,
             server.base_url)
    try:
        yield server.base_url
    finally:
        server.stop()


def crawl_all(markets: list[str], base_url: str, date: str, data: Path,
              result: RunResult) -> list[str]:
    """Crawl every market (subprocesses, a few at a time); return the markets that succeeded."""
    from crawlers.run import run_crawl

    def one(market: str) -> tuple[str, dict | None, str | None]:
        try:
            return market, run_crawl(market, base_url, date, data), None
        except Exception as exc:  # one market down must not stop the others
            return market, None, f"crawl {market}: {exc}"

    done: list[str] = []
    with ThreadPoolExecutor(max_workers=CRAWL_WORKERS) as pool:
        for market, stats, failure in pool.map(one, markets):
            if failure:
                result.failures.append(failure)
                continue
            result.crawl_stats[market] = stats or {}
            done.append(market)
    return done


def run_all(cfg: RunConfig) -> RunResult:
    from crawlers.run import list_markets
    from nlp.extract import Extractor
    from nlp.stage import extract_partition
    from reports.weekly import render_report
    from warehouse.db import migrate
    from warehouse.load import load_partition

    layout = Layout(cfg.data)
    cfg.data.mkdir(parents=True, exist_ok=True)
    cfg.out.mkdir(parents=True, exist_ok=True)
    cfg.db.parent.mkdir(parents=True, exist_ok=True)
    result = RunResult(db=cfg.db)
    markets = list(cfg.markets) or list_markets()

    with sandbox_or_given(cfg) as base_url:
        crawled = crawl_all(markets, base_url, cfg.date, cfg.data, result)

    migrate(cfg.db)
    extractor = Extractor()  # building the drug matcher takes seconds: once per run
    for market in crawled:
        result.extracted[market] = extract_partition(layout, market, cfg.date, extractor=extractor)
        load_partition(cfg.db, layout, market, cfg.date)
    result.report = render_report(cfg.db, cfg.out)
    return result


# --- Task-sized steps (Airflow calls these one per task; all take the DAG's params) ---------

def _layout(data_dir: str | None) -> Layout:
    return Layout(Path(data_dir).resolve()) if data_dir else Layout.default()


def crawl_market(market: str, *, date: str, data_dir: str | None = None,
                 base_url: str | None = None, sandbox_listings: int = 600,
                 sandbox_seed: int = 7, sandbox_day: int = 0) -> dict:
    """Crawl one market into its staging partition.

    Without a base URL the task serves its own sandbox: the sandbox is deterministic, so every
    task that starts one with the same seed, size and day serves identical markets.
    """
    from crawlers.run import run_crawl

    layout = _layout(data_dir)
    cfg = RunConfig(db=layout.warehouse(), out=layout.reports(), data=layout.root,
                    listings=sandbox_listings, seed=sandbox_seed, day=sandbox_day,
                    date=date, base_url=base_url)
    with sandbox_or_given(cfg) as url:
        return run_crawl(market, url, date, layout.root)


def extract_market(market: str, *, date: str, data_dir: str | None = None, **_: object) -> int:
    from nlp.stage import extract_partition

    return extract_partition(_layout(data_dir), market, date)


def load_markets(markets: list[str], *, date: str, data_dir: str | None = None,
                 **_: object) -> dict:
    from warehouse.db import migrate
    from warehouse.load import load_partition

    layout = _layout(data_dir)
    migrate(layout.warehouse())
    return {m: load_partition(layout.warehouse(), layout, m, date) for m in markets}


def report_for(*, date: str, data_dir: str | None = None, **_: object) -> Path:
    from reports.weekly import render_report

    layout = _layout(data_dir)
    return render_report(layout.warehouse(), layout.reports() / date)
