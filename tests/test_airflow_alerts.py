"""Crawl volume alerts: a crawl far below its market's recent runs fails the run and mails the
operators through the Airflow SMTP connection (real aiosmtpd server, real Scrapy crawl).

The history is five earlier crawl runs loaded into the warehouse from stats.json files, the
way the chain loads real ones; only their sizes are invented (10 000 listings each)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pendulum
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "airflow"))
from airflow_helpers import SmtpSink, body_text  # noqa: E402

MARKET = "pillstore"
HISTORY = ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"]


def _history(data: Path, listings: list[int]) -> None:
    from warehouse.load import load_partitions

    from pharmwatch.paths import Layout

    layout = Layout(data)
    for date, n in zip(HISTORY, listings):
        d = layout.staging(MARKET, date)
        d.mkdir(parents=True)
        for name in ("listings.jsonl", "sellers.jsonl", "errors.jsonl"):
            (d / name).write_text("")
        (d / "stats.json").write_text(json.dumps({
            "market": MARKET, "run_id": f"20261101T000000Z-{date[-2:]}0000", "crawl_date": date,
            "started_at": f"{date}T03:00:00+00:00", "finished_at": f"{date}T03:20:00+00:00",
            "pages": n + 50, "listings": n, "sellers": 40, "errors": 2, "bytes": n * 9000,
            "finish_reason": "finished"}))
    load_partitions(layout.warehouse(), layout, [(MARKET, d) for d in HISTORY[:len(listings)]])


def test_volume_check_passes_normal_and_flags_low_counts(tmp_path) -> None:
    from pharmwatch.pipeline import LowVolumeError, check_crawl_volume

    _history(tmp_path, [1000, 900, 1100, 1000, 950])
    ok = check_crawl_volume(MARKET, 800, date="2026-11-23", data_dir=str(tmp_path))
    assert ok["ok"] and ok["median"] == 1000 and len(ok["history"]) == 5
    with pytest.raises(LowVolumeError, match="below 50% of the median 1000"):
        check_crawl_volume(MARKET, 499, date="2026-11-23", data_dir=str(tmp_path))
    # the day being re-crawled is not its own history
    assert check_crawl_volume(MARKET, 10, date=HISTORY[0], data_dir=str(tmp_path),
                              min_history=5)["ok"]


def test_volume_check_needs_history(tmp_path) -> None:
    from pharmwatch.pipeline import check_crawl_volume

    assert check_crawl_volume(MARKET, 1, date="2026-11-23", data_dir=str(tmp_path))["ok"]
    _history(tmp_path, [1000, 1000])
    assert check_crawl_volume(MARKET, 1, date="2026-11-23", data_dir=str(tmp_path))["ok"]


@pytest.mark.e2e
def test_low_volume_crawl_mails_the_operators(airflow_db, tmp_path, monkeypatch) -> None:
    import secrets

    from airflow.dag_processing.dagbag import DagBag

    _history(tmp_path, [10_000] * 5)
    smtp = SmtpSink(login="alerts", password=f"smtp-{secrets.token_hex(8)}").start()
    try:
        for key, value in smtp.conn_env().items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("PHARMWATCH_ALERT_TO", "ops@pharmwatch.test")
        dag = DagBag(dag_folder=str(Path(__file__).parents[1] / "dags")).dags[f"crawl_{MARKET}"]
        run = dag.test(logical_date=pendulum.datetime(2026, 11, 23, tz="UTC"),
                       run_conf={"data_dir": str(tmp_path), "sandbox_listings": 150,
                                 "sandbox_seed": 5})
        assert run.state == "failed"
        states = {ti.task_id: ti.state for ti in run.get_task_instances()}
        assert states == {"crawl": "success", "check_volume": "failed"}
        mail = smtp.wait_for(lambda m: "check_volume" in m["subject"], timeout=30)[0]
    finally:
        smtp.stop()
    text = body_text(mail)
    assert MARKET in mail["subject"]
    assert "below 50% of the median 10000" in text and "logged out" in text
    assert "/dags/crawl_pillstore/runs/" in text and "/tasks/check_volume" in text
    assert ("alerts", True) in smtp.logins
