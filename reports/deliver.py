"""Deliver a written report by email: HTML body, PDF and CSV attachments, over SMTP.

SMTP settings come from an Airflow Connection (when running inside Airflow) or from the
environment (`PHARMWATCH_SMTP_URL`, e.g. `smtp://user:password@mail.example:587?starttls=1`);
never from config files, and the password is never logged.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from reports.exceptions import ReportError

log = logging.getLogger(__name__)

SMTP_URL_ENV = "PHARMWATCH_SMTP_URL"
# Attachments a recipient can open without our tools; anything else in the folder stays home.
ATTACH_SUFFIXES = (".pdf", ".csv")


def _truthy(value: object) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    user: str | None = None
    password: str | None = field(default=None, repr=False)  # keep it out of logs and reprs
    starttls: bool = False
    ssl: bool = False
    sender: str = "pharmwatch@localhost"
    timeout: float = 30.0

    @classmethod
    def from_url(cls, url: str) -> "SmtpSettings":
        """`smtp://[user[:password]@]host[:port][?starttls=1&from=addr]` (`smtps://` for SSL)."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ReportError("SMTP URL must look like smtp://[user:password@]host[:port]")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        secure = parts.scheme == "smtps"
        return cls(
            host=parts.hostname, port=parts.port or (465 if secure else 25),
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            starttls=query.get("starttls", "0") in ("1", "true", "yes"), ssl=secure,
            sender=query.get("from", cls.sender),
        )

    @classmethod
    def from_airflow(cls, conn_id: str = "smtp_default") -> "SmtpSettings":
        """Settings from an Airflow SMTP Connection (host, port, login, password, extras)."""
        from airflow.sdk import BaseHook

        conn = BaseHook.get_connection(conn_id)
        extra = conn.extra_dejson or {}
        return cls(
            host=conn.host or "localhost", port=int(conn.port or 25), user=conn.login or None,
            password=conn.password or None,
            # The SMTP provider's extras: TLS/SSL are on unless disabled (values may be strings).
            starttls=not _truthy(extra.get("disable_tls", False)),
            ssl=not _truthy(extra.get("disable_ssl", True)),
            sender=extra.get("from_email") or cls.sender,
        )

    @classmethod
    def from_env(cls) -> "SmtpSettings":
        url = os.environ.get(SMTP_URL_ENV)
        if not url:
            raise ReportError(f"no SMTP settings: set {SMTP_URL_ENV} or an Airflow SMTP connection")
        return cls.from_url(url)


def build_message(report_dir: Path, recipients: Sequence[str], subject: str,
                  sender: str) -> EmailMessage:
    """The report's HTML as the body (with a plain-text part), PDF/CSV files attached."""
    html_path = report_dir / "report.html"
    if not html_path.is_file():
        raise ReportError(f"no report to send: {html_path} does not exist")
    if not recipients:
        raise ReportError("no recipients configured for the report")
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = make_msgid(domain="pharmwatch.local")
    msg.set_content(
        f"{subject}\n\nThis message is best read as HTML. The flagged listings are attached "
        "as CSV and the full report as PDF.\n"
    )
    msg.add_alternative(html_path.read_text(encoding="utf-8"), subtype="html")
    for path in sorted(report_dir.iterdir()):
        if path.suffix in ATTACH_SUFFIXES and path.is_file():
            ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            maintype, subtype = ctype.split("/", 1)
            msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype,
                               filename=path.name)
    return msg


def send_message(msg: EmailMessage, smtp: SmtpSettings) -> None:
    """Send over SMTP; failures raise ReportError naming the server, never the password."""
    context = ssl.create_default_context()
    try:
        client_cls = smtplib.SMTP_SSL if smtp.ssl else smtplib.SMTP
        kwargs = {"context": context} if smtp.ssl else {}
        with client_cls(smtp.host, smtp.port, timeout=smtp.timeout, **kwargs) as client:
            if smtp.starttls:
                client.starttls(context=context)
            if smtp.user:
                client.login(smtp.user, smtp.password or "")
            refused = client.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        reason = f"{type(exc).__name__}: {exc}"
        if smtp.password:
            reason = reason.replace(smtp.password, "***")
        raise ReportError(f"sending the report via {smtp.host}:{smtp.port} failed: {reason}") from None
    if refused:
        raise ReportError(f"recipients refused by {smtp.host}: {sorted(refused)}")
    log.info("report sent to %d recipient(s) via %s:%d", len(msg["To"].split(",")),
             smtp.host, smtp.port)


def send_report(report_dir: Path, recipients: Sequence[str], smtp: SmtpSettings,
                subject: str | None = None) -> EmailMessage:
    subject = subject or f"pharmwatch weekly report: {report_dir.name}"
    msg = build_message(report_dir, recipients, subject, smtp.sender)
    send_message(msg, smtp)
    return msg
