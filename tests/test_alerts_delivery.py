"""Weekly job and immediate alerts, end to end against a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import duckdb
import pytest

from reports.exceptions import ReportError
from reports.weekly import previous_week, weekly_job
from sandbox.scenarios import HOSTILE_TITLE, AlertScenario
from warehouse.alerts import immediate_alerts

SCENARIO = AlertScenario(listings=120)
WEEK = SCENARIO.iso_week(SCENARIO.weeks - 1)


@pytest.fixture()
def smtp(smtp_inbox):
    return smtp_inbox.settings, smtp_inbox


@pytest.fixture(scope="module")
def db(staged_warehouse) -> Path:
    return staged_warehouse("deliver", SCENARIO.write_staged)[1]


def _parse(raw) -> email.message.EmailMessage:
    return email.message_from_bytes(raw.as_bytes(), policy=email.policy.default)


def test_weekly_job_sends_once_with_html_body_and_attachments(db, smtp, tmp_path) -> None:
    settings, inbox = smtp
    first = weekly_job(db, tmp_path / "reports", WEEK, ["chief@example.invalid"], settings)
    assert first["sent"] and len(inbox.messages) == 1
    msg = _parse(inbox.messages[0])
    assert WEEK in msg["Subject"] and msg["To"] == "chief@example.invalid"
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert 'id="matrix"' in html and "<script>" not in html and "&lt;script&gt;" in html
    files = {p.get_filename(): p.get_content() for p in msg.iter_attachments()}
    assert set(files) == {"report.pdf", "flagged.csv", "alerts.csv"}
    assert files["report.pdf"] == (tmp_path / "reports" / WEEK / "report.pdf").read_bytes()
    assert "nightbazaar:NB900100" in files["flagged.csv"] and "spike:" in files["alerts.csv"]
    again = weekly_job(db, tmp_path / "reports", WEEK, ["chief@example.invalid"], settings)
    assert again["sent"] is False and again["message_id"] == first["message_id"]
    assert len(inbox.messages) == 1  # a rerun of Monday's job sends nothing
    con = duckdb.connect(str(db), read_only=True)
    delivered = con.execute("SELECT count(*) FROM alert_delivery WHERE channel = 'weekly'").fetchone()[0]
    weekly = con.execute("SELECT count(*) FROM alert WHERE week = ?", [WEEK]).fetchone()[0]
    con.close()
    assert delivered == weekly > 0


def test_weekly_job_refuses_bad_input_without_sending(db, smtp, tmp_path) -> None:
    settings, inbox = smtp
    with pytest.raises(ReportError, match="recipients"):
        weekly_job(db, tmp_path, WEEK, [], settings)
    with pytest.raises(ReportError, match="ISO week"):
        weekly_job(db, tmp_path, "week 47", ["a@example.invalid"], settings)
    assert inbox.messages == []
    assert previous_week(__import__("datetime").date(2026, 11, 23)) == "2026-W47"


def test_immediate_fentanyl_alert_is_sent_once(db, smtp) -> None:
    settings, inbox = smtp
    sent = immediate_alerts(db, ["duty@example.invalid"], settings)
    assert "fentanyl:boardex:BX900002" in sent
    assert len(inbox.messages) == 1
    msg = _parse(inbox.messages[0])
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert "BX900002" in html and "fentanyl" in msg["Subject"]
    assert immediate_alerts(db, ["duty@example.invalid"], settings) == []
    assert len(inbox.messages) == 1
    assert HOSTILE_TITLE not in html
