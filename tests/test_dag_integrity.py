"""Every DAG in dags/ imports cleanly, parses fast and carries what operators rely on."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

DAGS = Path(__file__).resolve().parent.parent / "dags"
PARSE_BUDGET_S = 1.0


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def test_every_dag_file_imports(dagbag) -> None:
    assert dagbag.import_errors == {}
    assert len(dagbag.dags) >= 1


def test_dags_have_owner_tags_and_retries(dagbag) -> None:
    for dag_id, dag in dagbag.dags.items():
        assert dag.tags, f"{dag_id} has no tags"
        for t in dag.tasks:
            assert t.owner and t.owner != "airflow", f"{dag_id}.{t.task_id} has no owner"
            assert t.retries >= 2, f"{dag_id}.{t.task_id} retries={t.retries}"
            assert t.retry_exponential_backoff, f"{dag_id}.{t.task_id}: no backoff"
            assert t.on_failure_callback, f"{dag_id}.{t.task_id}: nobody hears of failures"


def test_a_crawl_dag_per_market_from_its_yaml(dagbag) -> None:
    from crawlers.config import list_markets, load_market

    from pharmwatch.ops.dagspec import WAREHOUSE_POOL, staging_asset

    markets = list_markets(include_disabled=True)
    assert markets
    for market in markets:
        sched = load_market(market).schedule
        dag = dagbag.dags[f"crawl_{market}"]
        assert dag.timetable.expression == sched.cron
        assert dag.max_active_runs == 1 and not dag.catchup
        assert set(sched.tags) <= set(dag.tags) and market in dag.tags
        crawl = dag.get_task("crawl")
        assert crawl.owner == sched.owner
        assert crawl.retries == max(sched.retries, 2)
        assert crawl.pool == sched.pool
        assert crawl.execution_timeout == timedelta(minutes=sched.timeout_minutes)
        assert [o.uri for o in crawl.outlets] == [staging_asset(market).uri]
        assert dag.get_task("check_volume").pool == WAREHOUSE_POOL
        assert "check_volume" in crawl.downstream_task_ids
        assert dag.params["market"] == market
        if sched.paused or market not in list_markets():
            assert dag.is_paused_upon_creation is True


def test_dag_schedules_match_the_crawler_config() -> None:
    """dagspec reads `schedule:` without crawlers.config (parse speed): both must agree."""
    from dataclasses import asdict

    from crawlers.config import list_markets, load_market

    from pharmwatch.ops.dagspec import market_schedules

    light = market_schedules()
    assert set(light) == set(list_markets(include_disabled=True))
    for market, sched in light.items():
        mine = asdict(sched)
        assert mine.pop("enabled") == (market in list_markets()), market
        assert mine == asdict(load_market(market).schedule), market


def test_extract_load_is_scheduled_on_every_staging_asset(dagbag) -> None:
    from crawlers.config import list_markets

    from pharmwatch.ops.dagspec import WAREHOUSE_POOL, staging_asset

    dag = dagbag.dags["pharmwatch_extract_load"]
    condition = dag.timetable.asset_condition
    assert type(condition).__name__ == "AssetAny"  # any market's new partition starts a run
    uris = {a.uri for a in condition.objects}
    assert uris == {staging_asset(m).uri for m in list_markets(include_disabled=True)}
    # Each partition is typed and checked off the single writer before the load.
    assert "prepare" in dag.get_task("extract").downstream_task_ids
    assert "load" in dag.get_task("prepare").downstream_task_ids
    assert dag.get_task("prepare").pool != WAREHOUSE_POOL
    assert dag.get_task("load").pool == WAREHOUSE_POOL


def test_every_warehouse_writer_shares_the_single_slot_pool(dagbag) -> None:
    from pharmwatch.ops.dagspec import WAREHOUSE_POOL, pools

    assert pools()[WAREHOUSE_POOL] == 1
    for dag_id, task_id in [("pharmwatch_extract_load", "load"),
                            ("pharmwatch_weekly_report", "report"),
                            ("pharmwatch_pipeline", "load"), ("pharmwatch_pipeline", "report")]:
        assert dagbag.dags[dag_id].get_task(task_id).pool == WAREHOUSE_POOL


def test_weekly_report_runs_monday_0600_utc(dagbag) -> None:
    from croniter import croniter
    from datetime import datetime, timezone

    tt = dagbag.dags["pharmwatch_weekly_report"].timetable
    assert str(tt.timezone) in ("UTC", "Timezone('UTC')")
    nxt = croniter(tt.expression, datetime(2026, 11, 24, 12, tzinfo=timezone.utc)).get_next(datetime)
    assert (nxt.isoformat(), nxt.weekday()) == ("2026-11-30T06:00:00+00:00", 0)  # a Monday


@pytest.mark.parametrize("path", sorted(DAGS.glob("*.py")), ids=lambda p: p.name)
def test_dag_file_parses_in_under_a_second(path: Path) -> None:
    """Time the file alone in a fresh interpreter, after Airflow itself is imported (the
    DAG processor has Airflow loaded already): heavy imports at module level show up here.
    CPU time, not wall time: other processes on a shared machine must not fail this test."""
    code = (
        "import sys, time, runpy, airflow.sdk\n"
        "t = time.process_time()\n"
        f"runpy.run_path({str(path)!r})\n"
        "print(time.process_time() - t)\n"
        "print(sorted(m for m in ('scrapy', 'spacy', 'duckdb', 'pandas', 'parsel') "
        "if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=os.environ.copy(), timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    seconds, heavy = out.stdout.strip().splitlines()[-2:]
    assert float(seconds) < PARSE_BUDGET_S, f"{path.name} took {float(seconds):.2f}s to parse"
    assert heavy == "[]", f"{path.name} imports {heavy} at parse time"
