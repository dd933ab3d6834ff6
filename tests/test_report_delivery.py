"""Report delivery over a real SMTP server (aiosmtpd on a free loopback port)."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest

from reports.deliver import SmtpSettings, send_report
from reports.exceptions import ReportError


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def smtp_server(smtp_inbox):
    return smtp_inbox, smtp_inbox


def _report_dir(tmp_path: Path) -> Path:
    d = tmp_path / "2026-W47"
    d.mkdir()
    (d / "report.html").write_text(
        "<html><body><h1>Weekly report</h1><p>&lt;script&gt;alert(1)&lt;/script&gt;</p></body></html>")
    (d / "report.pdf").write_bytes(b"%PDF-1.7\n% not a real pdf, only bytes to carry\n")
    (d / "flagged.csv").write_text("title\n'=HYPERLINK(\"http://example.invalid\",\"x\")\n")
    (d / "notes.tmp").write_text("must not be attached")
    return d


def test_report_arrives_with_html_body_and_attachments(smtp_server, tmp_path) -> None:
    controller, inbox = smtp_server
    smtp = SmtpSettings(host="127.0.0.1", port=controller.port, sender="pw@example.invalid")
    report = _report_dir(tmp_path)
    send_report(report, ["analyst@example.invalid", "chief@example.invalid"], smtp)
    assert len(inbox.messages) == 1
    raw = inbox.messages[0].as_bytes()
    received = email.message_from_bytes(raw, policy=email.policy.default)
    assert received["To"] == "analyst@example.invalid, chief@example.invalid"
    assert "2026-W47" in received["Subject"]
    html = received.get_body(preferencelist=("html",)).get_content()
    assert "<h1>Weekly report</h1>" in html and "<script>" not in html
    attachments = {p.get_filename(): p.get_content() for p in received.iter_attachments()}
    assert set(attachments) == {"report.pdf", "flagged.csv"}
    assert attachments["report.pdf"] == (report / "report.pdf").read_bytes()
    assert "HYPERLINK" in attachments["flagged.csv"]


def test_smtp_url_parsing_keeps_password_out_of_repr() -> None:
    s = SmtpSettings.from_url("smtp://ops%40x.org:s3cr%3At@mail.local:2525?starttls=1&from=a@b.c")
    assert (s.host, s.port, s.user, s.password, s.starttls, s.sender) == (
        "mail.local", 2525, "ops@x.org", "s3cr:t", True, "a@b.c")
    assert "s3cr" not in repr(s)
    with pytest.raises(ReportError):
        SmtpSettings.from_url("http://mail.local")


def test_dead_smtp_server_gives_clear_error_without_password(tmp_path) -> None:
    port = _free_port()  # free a moment ago: nothing listens there
    smtp = SmtpSettings(host="127.0.0.1", port=port, user="u", password="hunter2", timeout=5)
    with pytest.raises(ReportError) as err:
        send_report(_report_dir(tmp_path), ["a@example.invalid"], smtp)
    assert f"127.0.0.1:{port}" in str(err.value) and "hunter2" not in str(err.value)


def test_missing_report_or_recipients_is_refused(smtp_server, tmp_path) -> None:
    controller, inbox = smtp_server
    smtp = SmtpSettings(host="127.0.0.1", port=controller.port)
    with pytest.raises(ReportError, match="does not exist"):
        send_report(tmp_path, ["a@example.invalid"], smtp)
    with pytest.raises(ReportError, match="recipients"):
        send_report(_report_dir(tmp_path), [], smtp)
    assert inbox.messages == []
