"""What every pharmwatch DAG shares: pools, assets, default arguments, market schedules.

Imported by the files in dags/ at parse time, so it stays cheap: stdlib, pendulum, the Airflow
SDK and the market YAMLs only (the scheduler re-parses DAG files every few seconds).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pendulum  # Airflow's own date library, loaded with airflow.sdk anyway
from airflow.sdk import Asset

log = logging.getLogger(__name__)

# DuckDB has one writer per file: every task touching the warehouse takes this pool's only slot.
WAREHOUSE_POOL = "pharmwatch_warehouse"
WAREHOUSE_ASSET = Asset(name="pharmwatch_warehouse", uri="file:///pharmwatch/warehouse.duckdb")
# Crawl pools (one per proxy) get this many slots unless the operator resizes them.
CRAWL_POOL_SLOTS = 2
SMTP_CONN_ID = "smtp_pharmwatch"
OWNER = "pharmwatch-ops"
DEFAULT_RETRY_DELAY_S = 120
START_DATE = pendulum.datetime(2026, 1, 1, tz="UTC")


def crawl_dag_id(market: str) -> str:
    return f"crawl_{market}"


def staging_asset(market: str) -> Asset:
    """One Asset per market's staging area; each event's `extra` names the partition written."""
    return Asset(name=f"pharmwatch_staging_{market}",
                 uri=f"file:///pharmwatch/staging/market={market}")


def retry_delay() -> timedelta:
    # Tests and impatient operators shorten the first retry delay; backoff doubles it each try.
    return timedelta(seconds=int(os.environ.get("PHARMWATCH_RETRY_DELAY_SECONDS",
                                                DEFAULT_RETRY_DELAY_S)))


def default_args(owner: str = OWNER, retries: int = 2) -> dict[str, Any]:
    from pharmwatch.ops.notify import task_failed

    return {
        "owner": owner,
        "retries": max(retries, 2),
        "retry_delay": retry_delay(),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(hours=1),
        "on_failure_callback": task_failed,
    }


def dag_args(dag_id: str, *, schedule: Any, tags: list[str], doc_md: str | None,
             owner: str = OWNER, retries: int = 2, is_paused_upon_creation: bool | None = False,
             **extra: Any) -> dict[str, Any]:
    """Keyword arguments for `@dag(...)` / `DAG(...)` that every pharmwatch DAG shares: one start
    date, no catch-up, one run at a time, default_args (owner, retries, backoff, failure mail),
    unpaused on creation unless told otherwise. `extra` (params, ...) is passed through."""
    return {
        "dag_id": dag_id,
        "schedule": schedule,
        "start_date": START_DATE,
        "catchup": False,
        "max_active_runs": 1,
        "default_args": default_args(owner, retries),
        "tags": tags,
        "is_paused_upon_creation": is_paused_upon_creation,
        "doc_md": doc_md,
        **extra,
    }


@dataclass(frozen=True)
class MarketSchedule:
    """The `schedule:` section of a market YAML (same fields and defaults as
    crawlers.config.Schedule; tests/test_dag_integrity.py checks they agree)."""

    cron: str = "0 3 * * *"
    owner: str = "pharmwatch"
    tags: tuple[str, ...] = ()
    retries: int = 3
    timeout_minutes: int = 120
    pool: str = "crawl_default"
    paused: bool = False
    enabled: bool = True  # the YAML's top-level `enabled_by_default`


def markets_dir() -> Path:
    chosen = os.environ.get("PHARMWATCH_MARKETS_DIR")
    return Path(chosen) if chosen else Path(__file__).resolve().parents[2] / "crawlers" / "markets"


def market_schedules() -> dict[str, MarketSchedule]:
    """{market: schedule} for every market YAML, read with PyYAML only.

    crawlers.config validates whole market files but imports lxml/parsel (most of a second),
    too slow for a file the scheduler re-parses all day. A YAML whose schedule is unusable drops
    only its own DAG (logged); the crawler's config tests fail on it in CI.
    """
    import yaml

    out: dict[str, MarketSchedule] = {}
    for path in sorted(markets_dir().glob("*.yaml")):
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            raw = dict(doc.get("schedule") or {})
            if "tags" in raw:
                raw["tags"] = tuple(raw["tags"])
            out[path.stem] = MarketSchedule(**raw, enabled=doc.get("enabled_by_default", True)
                                            is not False)
        except (OSError, yaml.YAMLError, TypeError, AttributeError) as exc:
            log.error("market %s: no DAG, schedule unreadable: %s", path.stem, exc)
    return out


def pools() -> dict[str, int]:
    """Every pool the DAGs use, with its default size (`pharmwatch airflow up` creates them)."""
    found = {WAREHOUSE_POOL: 1}
    for sched in market_schedules().values():
        found.setdefault(sched.pool, CRAWL_POOL_SLOTS)
    return found


def task_params(context: dict[str, Any]) -> dict[str, Any]:
    """The DAG params plus the run's partition date (logical date, else the run's own time)."""
    params = {k: v for k, v in context["params"].items() if k != "market"}
    date = context.get("ds")
    if not date:  # Airflow 3 manual runs may have no logical date
        date = context["dag_run"].run_after.date().isoformat()
    return {**params, "date": date}


def sandbox_params() -> dict[str, Any]:
    """Params every crawling DAG accepts in its run conf (null base_url: own sandbox)."""
    from airflow.sdk import Param

    return {
        "data_dir": Param(None, type=["null", "string"],
                          description="data directory (default: the worker's $PHARMWATCH_DATA)"),
        "base_url": Param(None, type=["null", "string"],
                          description="crawl this server; null starts a sandbox in the task"),
        # A demo or test stack shrinks its sandbox via env; scheduled runs then match manual ones.
        "sandbox_listings": Param(int(os.environ.get("PHARMWATCH_SANDBOX_LISTINGS", 600)),
                                  type="integer", minimum=100, maximum=100_000),
        "sandbox_seed": Param(7, type="integer"),
        "sandbox_day": Param(0, type="integer", minimum=0),
    }
