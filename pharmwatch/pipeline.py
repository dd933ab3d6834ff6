"""The main job, once, end to end: sandbox -> crawl -> extract -> load + flag -> report.

This is the embedded path (`pharmwatch run`); Airflow's DAGs call the same stage functions
task by task. Stages hand over files in the data directory, so any stage can be rerun alone.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pharmwatch.exceptions import PharmwatchError
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
    alerts: dict = field(default_factory=dict)
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
        for partition, c in sorted(self.load_stats.items()):
            lines.append(f"load    {partition.split('/', 1)[0]:<12} listings={c.get('raw_listing', 0):>6} "
                         f"quarantined={c.get('quarantined', 0):>4}"
                         + ("  (prepared)" if c.get("prepared") else ""))
        if self.alerts:
            counts = ", ".join(f"{k}={v}" for k, v in self.alerts.items() if isinstance(v, int))
            lines.append(f"alerts  week {self.alerts.get('week')}: {counts}")
        lines.extend(f"FAILED  {f}" for f in self.failures)
        lines.append(f"warehouse: {self.db}")
        if self.report is None:
            lines.append("report:    (not written)")
        else:
            for f in ("report.html", "report.pdf", "flagged.csv", "alerts.csv"):
                if (self.report.parent / f).exists():
                    lines.append(f"report:    {self.report.parent / f}")
        return "\n".join(lines)


@contextlib.contextmanager
def sandbox_or_given(cfg: RunConfig) -> Iterator[str]:
    """Yield the base URL to crawl: the configured one, or a sandbox on a free loopback port."""
    if cfg.base_url:
        yield cfg.base_url.rstrip("/")
        return
    import os

    from sandbox.server import serve_in_thread
    from sandbox.silkgate import SANDBOX_ENV
    from sandbox.world import World

    for key, value in SANDBOX_ENV.items():  # the sandbox's login market takes a fixed password
        os.environ.setdefault(key, value)
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
    from warehouse.load import load_partitions
    from warehouse.prepared import prepare_partitions

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
    # As the DAGs do: each partition typed and checked off the writer, then one bulk load.
    partitions = [(m, cfg.date) for m in crawled]
    prepare_partitions(layout, partitions, workers=min(2, len(crawled)))
    result.load_stats = load_partitions(cfg.db, layout, partitions)
    result.alerts = raise_alerts(str(cfg.db))
    result.report = render_report(cfg.db, cfg.out)
    return result


# --- Alerts and the weekly report: e-mailed only when recipients and SMTP are configured ----

def report_recipients() -> list[str]:
    from reports.weekly import recipients_from_env

    return recipients_from_env()


def _smtp_settings():
    """SMTP from the Airflow connection inside Airflow, else from PHARMWATCH_SMTP_URL."""
    from reports.deliver import SMTP_URL_ENV, SmtpSettings

    if os.environ.get(SMTP_URL_ENV):
        return SmtpSettings.from_env()
    from pharmwatch.ops.dagspec import SMTP_CONN_ID

    return SmtpSettings.from_airflow(SMTP_CONN_ID)


def raise_alerts(db: str, **_: object) -> dict:
    """Score with the current rules, store this week's and immediate (fentanyl-class) alerts,
    and e-mail the immediate ones never sent before when recipients are configured."""
    from warehouse.alerts import immediate_alerts, refresh

    week, counts = refresh(db)
    out = {"week": week, **counts, "sent": []}
    recipients = report_recipients()
    if recipients:
        out["sent"] = immediate_alerts(db, recipients, _smtp_settings())
    return out


def weekly_report(*, date: str, data_dir: str | None = None, **_: object) -> dict:
    """Monday's job: the previous ISO week's report (HTML, PDF, CSV), e-mailed once."""
    import datetime as dt

    from reports.weekly import previous_week, render_report, weekly_job

    layout = _layout(data_dir)
    week = previous_week(dt.date.fromisoformat(date[:10]))
    recipients = report_recipients()
    if not recipients:
        log.warning("PHARMWATCH_REPORT_TO is not set: the report is written but not e-mailed")
        html = render_report(layout.warehouse(), layout.reports() / week, week)
        return {"week": week, "html": str(html), "sent": False}
    res = weekly_job(layout.warehouse(), layout.reports(), week, recipients, _smtp_settings())
    return {"week": res["week"], "html": str(res["html"]), "sent": bool(res["sent"])}


# --- Task-sized steps (Airflow calls these one per task; all take the DAG's params) ---------

def _layout(data_dir: str | None) -> Layout:
    return Layout(Path(data_dir).resolve()) if data_dir else Layout.default()


def crawl_market(market: str, *, date: str, data_dir: str | None = None,
                 base_url: str | None = None, sandbox_listings: int = 600,
                 sandbox_seed: int = 7, sandbox_day: int = 0, **_: object) -> dict:
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


def prepare_market(market: str, *, date: str, data_dir: str | None = None, **_: object) -> dict:
    """Type and check a partition into prepared Parquet, so the single-writer load only inserts."""
    from warehouse.prepared import prepare_partition

    manifest = prepare_partition(_layout(data_dir), market, date)
    return {"market": market, "date": date, **manifest["counts"]}


def report_for(*, date: str, data_dir: str | None = None, **_: object) -> Path:
    from reports.weekly import render_report

    layout = _layout(data_dir)
    return render_report(layout.warehouse(), layout.reports() / date)


# --- Airflow-only helpers: crawl statistics, volume check, partition loads ------------------

# Market logins are the crawler's business (crawlers/session.py: env vars or the Airflow
# connection pharmwatch_<market>, handed to the Scrapy child through its environment).

def crawl_summary(stats: dict) -> dict:
    """The small, JSON-safe slice of stats.json that goes to XCom (no URLs, no secrets)."""
    from datetime import datetime

    duration = None
    try:
        duration = round((datetime.fromisoformat(stats["finished_at"])
                          - datetime.fromisoformat(stats["started_at"])).total_seconds(), 3)
    except (KeyError, TypeError, ValueError):
        pass
    keys = ("market", "run_id", "crawl_date", "pages", "listings", "sellers", "errors",
            "bytes", "finish_reason")
    return {**{k: stats.get(k) for k in keys}, "duration_s": duration}


class LowVolumeError(PharmwatchError):
    """A crawl returned far fewer listings than the market's recent runs."""


def check_crawl_volume(market: str, listings: int, *, date: str, data_dir: str | None = None,
                       window: int = 5, min_ratio: float = 0.5, min_history: int = 3,
                       **_: object) -> dict:
    """Compare a crawl's listing count with the median of the market's last `window`
    finished runs on other dates (warehouse `crawl_run`). Raises LowVolumeError below
    `min_ratio` x median; with fewer than `min_history` past runs there is nothing to judge."""
    import statistics

    from warehouse.db import connect  # WarehouseInUseError, not a bare lock error, mid-load

    db = _layout(data_dir).warehouse()
    history: list[int] = []
    if db.exists():
        con = connect(db, read_only=True)
        try:
            if con.execute("SELECT count(*) FROM information_schema.tables "
                           "WHERE table_name = 'crawl_run'").fetchone()[0]:
                history = [r[0] for r in con.execute(
                    "SELECT listings FROM crawl_run WHERE market = ? AND crawl_date <> ?::DATE "
                    "AND finish_reason = 'finished' AND listings IS NOT NULL "
                    "ORDER BY crawl_date DESC, finished_at DESC LIMIT ?",
                    [market, date, window]).fetchall()]
        finally:
            con.close()
    result = {"market": market, "date": date, "listings": listings, "history": history,
              "median": statistics.median(history) if history else None, "ok": True}
    if len(history) >= min_history and listings < min_ratio * result["median"]:
        result["ok"] = False
        raise LowVolumeError(
            f"crawl of {market} on {date} returned {listings} listings, below "
            f"{min_ratio:.0%} of the median {result['median']:g} of its last {len(history)} "
            f"runs {history}: selectors broken, market down or logged out?")
    return result


def partitions_from_events(events: list[dict]) -> list[dict]:
    """Distinct (market, date, data_dir) partitions named by staging-asset event extras.

    Events missing a market or date are bad input: fail loudly rather than load nothing."""
    seen: dict[tuple, dict] = {}
    for extra in events:
        if not extra.get("market") or not extra.get("date"):
            raise PharmwatchError(f"staging asset event without market/date: {extra!r}")
        part = {"market": extra["market"], "date": extra["date"],
                "data_dir": extra.get("data_dir")}
        seen[(part["market"], part["date"], part["data_dir"])] = part
    return sorted(seen.values(), key=lambda p: (p["market"], p["date"]))


def load_partition_list(partitions: list[dict]) -> dict:
    """Load exactly these partitions (one transaction per data directory); models rebuilt."""
    from warehouse.load import load_partitions

    by_dir: dict[str | None, list[tuple[str, str]]] = {}
    for p in partitions:
        by_dir.setdefault(p.get("data_dir"), []).append((p["market"], p["date"]))
    out: dict = {}
    for data_dir, parts in by_dir.items():
        layout = _layout(data_dir)
        out.update(load_partitions(layout.warehouse(), layout, parts))
    return out


def resolve_data_dir(data_dir: str | None) -> str:
    """Absolute data directory, so downstream DAGs on any worker read the same partition."""
    return str(_layout(data_dir).root)


def alerts_for_partitions(partitions: list[dict]) -> dict:
    """After a load: raise (and e-mail, once) alerts in every warehouse the partitions went to."""
    dirs = sorted({p.get("data_dir") or "" for p in partitions})
    return {d or "default": raise_alerts(str(_layout(d or None).warehouse())) for d in dirs}
