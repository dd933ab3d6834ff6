"""Monday's DAG end to end: real Airflow (dag.test), a real warehouse, a real SMTP server."""

from __future__ import annotations

import email
import email.policy
import sys
from pathlib import Path

import pendulum
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "warehouse"))
from staged_world import write_world  # noqa: E402

from pharmwatch.paths import Layout  # noqa: E402
from warehouse.load import load_all  # noqa: E402

pytestmark = pytest.mark.e2e


def test_weekly_dag_mails_the_report_once(airflow_db, tmp_path, monkeypatch, smtp_inbox) -> None:
    from airflow.dag_processing.dagbag import DagBag

    write_world(tmp_path, dates=("2026-11-16", "2026-11-18"), n=20, hostile=True)  # 2026-W47
    load_all(tmp_path / "warehouse.duckdb", Layout(tmp_path))
    inbox = smtp_inbox
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_PHARMWATCH",
                       f"smtp://127.0.0.1:{inbox.port}?disable_tls=true&disable_ssl=true"
                       "&from_email=pharmwatch%40example.invalid")
    monkeypatch.setenv("PHARMWATCH_REPORT_TO", "desk-a@example.invalid,desk-b@example.invalid")
    monkeypatch.delenv("PHARMWATCH_SMTP_URL", raising=False)
    dag = DagBag(dag_folder=str(Path(__file__).parents[1] / "dags")).dags[
        "pharmwatch_weekly_report"]
    monday = pendulum.datetime(2026, 11, 23, 6, tz="UTC")  # reports on 2026-W47
    for _ in range(2):  # the second run re-renders but must not send again
        run = dag.test(logical_date=monday, run_conf={"data_dir": str(tmp_path)})
        assert run.state == "success"
    assert len(inbox.messages) == 1
    msg = email.message_from_bytes(inbox.messages[0].as_bytes(), policy=email.policy.default)
    assert "2026-W47" in msg["Subject"]
    assert msg["To"] == "desk-a@example.invalid, desk-b@example.invalid"
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert "2026-W47" in html and "<script>alert(1)</script>" not in html
    names = {p.get_filename() for p in msg.iter_attachments()}
    assert {"report.pdf", "flagged.csv"} <= names
    week_dir = tmp_path / "reports" / "2026-W47"
    assert (week_dir / "report.html").is_file() and (week_dir / "report.pdf").is_file()
