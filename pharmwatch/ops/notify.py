"""E-mail alerts through an Airflow SMTP connection (`smtp_pharmwatch`).

`task_failed` is every pharmwatch task's `on_failure_callback`: a crawl that errors, times out
or returns far fewer listings than its recent runs (the volume check fails the run on purpose)
all reach the operator the same way, with the market, the reason and a link to the task log.
SMTP host and credentials live only in the Airflow connection (or its AIRFLOW_CONN_* env var).
"""

from __future__ import annotations

import html
import logging
import os
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_TO = "pharmwatch-ops@localhost"
_REASON_CHARS = 4000  # a crawl failure carries the child's last log lines; keep mails readable


def recipients() -> str:
    """Comma-separated recipients: env PHARMWATCH_ALERT_TO, else Variable pharmwatch_alert_to."""
    if os.environ.get("PHARMWATCH_ALERT_TO"):
        return os.environ["PHARMWATCH_ALERT_TO"]
    try:
        from airflow.sdk import Variable

        return Variable.get("pharmwatch_alert_to", default=DEFAULT_TO)
    except Exception:  # no Variable backend reachable (e.g. outside a task): default address
        return DEFAULT_TO


def build_alert(*, market: str, reason: str, log_url: str, dag_id: str, task_id: str,
                run_id: str) -> tuple[str, str]:
    """Subject and HTML body of one alert (reason and names escaped: they carry page text)."""
    first_line = (reason.strip().splitlines() or ["(no reason given)"])[0][:160]
    subject = f"[pharmwatch] {market}: {dag_id}.{task_id} failed: {first_line}"
    e = html.escape
    body = (
        f"<h3>pharmwatch: {e(dag_id)}.{e(task_id)} failed</h3>"
        f"<p><b>Market:</b> {e(market)}<br><b>Run:</b> {e(run_id)}</p>"
        f"<p><b>Reason:</b></p><pre>{e(reason[:_REASON_CHARS])}</pre>"
        f'<p><b>Log:</b> <a href="{e(log_url, quote=True)}">{e(log_url)}</a></p>'
    )
    return subject, body


def market_of(context: dict[str, Any]) -> str:
    params = context.get("params") or {}
    if params.get("market"):
        return str(params["market"])
    ti = context.get("ti")
    task_id = getattr(ti, "task_id", "")
    return "all markets" if not task_id else f"(see {task_id})"


def task_failed(context: dict[str, Any]) -> None:
    """on_failure_callback: mail the operators. Never raises (a broken mailer must not hide
    the task's own failure); a send failure is logged in the task log instead."""
    try:
        from airflow.providers.smtp.notifications.smtp import SmtpNotifier

        from pharmwatch.ops.dagspec import SMTP_CONN_ID

        ti = context["ti"]
        subject, body = build_alert(
            market=market_of(context), reason=str(context.get("exception") or "unknown"),
            log_url=ti.log_url, dag_id=ti.dag_id, task_id=ti.task_id, run_id=ti.run_id)
        SmtpNotifier(to=recipients(), from_email=os.environ.get(
                         "PHARMWATCH_ALERT_FROM", "pharmwatch@localhost"),
                     subject=subject, html_content=body,
                     smtp_conn_id=SMTP_CONN_ID).notify(context)
        log.info("alert sent for %s.%s", ti.dag_id, ti.task_id)
    except Exception:
        log.exception("could not send the failure alert")
