"""Alerts: stored once, sent once.

Weekly kinds (raised for one ISO week): new flagged sellers, spikes of a drug class to a
destination (Poisson test, docs/report.md), new routes. Immediate kind: any fentanyl /
analogue / nitazene listing, raised and e-mailed after each load, not only on Mondays.
The candidate queries are SQL (warehouse/queries/report_alert_*.sql); alert keys are
deterministic, so raising again inserts nothing, and `alert_delivery` records every send.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from warehouse.db import connect, migrate_connection
from warehouse.exceptions import WarehouseError
from warehouse.flags import RuleSet, apply_rules, load_rules
from warehouse.query import saved_query

if TYPE_CHECKING:
    from reports.deliver import SmtpSettings

WEEKLY_QUERIES = {"new_flagged_seller": "report_alert_new_sellers", "spike": "report_alert_spikes",
                  "new_route": "report_alert_new_routes"}
IMMEDIATE_QUERY = "report_alert_immediate"
SPIKE_DEFAULTS = {"alpha": 0.01, "min_count": 5, "baseline_weeks": 4, "min_baseline": 0.5}
IMMEDIATE_DEFAULT = r"(?i)(fent[a]?n[iy]l|nitazene)"


def week_bounds(week: str) -> tuple[dt.date, dt.date]:
    """[monday, next monday) of an ISO week such as 2026-W47."""
    try:
        year, num = week.split("-W")
        start = dt.date.fromisocalendar(int(year), int(num), 1)
    except (ValueError, AttributeError) as exc:
        raise WarehouseError(f"invalid ISO week {week!r}: expected YYYY-Www, e.g. 2026-W47") from exc
    return start, start + dt.timedelta(days=7)


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def latest_week(con: duckdb.DuckDBPyConnection) -> str | None:
    """The ISO week of the latest crawl the warehouse holds (None when empty)."""
    day = con.execute("SELECT max(crawl_date) FROM listing_observation").fetchall()[0][0]
    return iso_week(day) if day else None


Candidates = tuple[list[str], list[tuple[Any, ...]]]


def _candidates(con: duckdb.DuckDBPyConnection, query: str, params: dict[str, Any]) -> Candidates:
    """The saved query's alert rows (few: alerts, not listings); runs on a read-only connection."""
    sql = saved_query(query).strip().rstrip(";")
    used = {k: v for k, v in params.items() if f"${k}" in sql}
    try:
        cur = con.execute(sql, used)
        return [c[0] for c in cur.description], cur.fetchall()
    except duckdb.Error as exc:
        raise WarehouseError(f"alert query {query} failed: {exc}") from exc


def _store(con: duckdb.DuckDBPyConnection, found: Candidates) -> int:
    """Insert candidate rows; keys already raised are ignored. Returns the number new."""
    columns, rows = found
    if not rows:
        return 0
    before = con.execute("SELECT count(*) FROM alert").fetchall()[0][0]
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    con.executemany(f"INSERT OR IGNORE INTO alert ({names}, raised_at) "
                    f"VALUES ({marks}, now()::TIMESTAMP)", rows)
    return con.execute("SELECT count(*) FROM alert").fetchall()[0][0] - before



def _rule_version(con: duckdb.DuckDBPyConnection) -> str | None:
    return con.execute("SELECT max(version) FROM risk_rule").fetchall()[0][0]


def _spike_params(rules: RuleSet) -> dict[str, Any]:
    spike = {**SPIKE_DEFAULTS, **(rules.alerts.get("spike") or {})}
    weeks = spike["baseline_weeks"]
    # The spike query keeps one bit per week in a BIGINT: at most 62 baseline weeks.
    if not isinstance(weeks, int) or isinstance(weeks, bool) or not 1 <= weeks <= 52:
        raise WarehouseError(f"{rules.source}: alerts.spike.baseline_weeks must be an integer 1..52, got {weeks!r}")
    return spike


def weekly_candidates(con: duckdb.DuckDBPyConnection, week: str, rules: RuleSet) -> dict[str, Candidates]:
    """The week's alert rows per kind, read only (not yet stored)."""
    start, end = week_bounds(week)
    params = {"start": start.isoformat(), "end": end.isoformat(), "week": week,
              "rule_version": _rule_version(con), **_spike_params(rules)}
    return {kind: _candidates(con, query, params) for kind, query in WEEKLY_QUERIES.items()}


def immediate_candidates(con: duckdb.DuckDBPyConnection, rules: RuleSet) -> Candidates:
    pattern = (rules.alerts.get("immediate") or {}).get("inn_pattern") or IMMEDIATE_DEFAULT
    return _candidates(con, IMMEDIATE_QUERY, {"inn_pattern": pattern, "rule_version": _rule_version(con)})


def raise_weekly(con: duckdb.DuckDBPyConnection, week: str, rules: RuleSet) -> dict[str, int]:
    """Insert the week's new alerts (in the caller's transaction); return new alerts per kind."""
    return {kind: _store(con, rows) for kind, rows in weekly_candidates(con, week, rules).items()}


def raise_immediate(con: duckdb.DuckDBPyConnection, rules: RuleSet) -> int:
    return _store(con, immediate_candidates(con, rules))


def refresh(db_path: Path | str, week: str | None = None, rules_path: Path | str | None = None
            ) -> tuple[str | None, dict[str, int]]:
    """Apply the rules (re-scoring when they changed), raise the week's and immediate alerts.

    `week` None = the latest week held. The writer connection is held only to migrate / apply
    the rules and, at the end, to store the new alerts in one short transaction; the alert
    queries themselves (seconds on a big warehouse) run on a read-only connection in between.
    Rerunning adds nothing (alert keys are deterministic).
    """
    rules = load_rules(rules_path) if rules_path else load_rules()
    if week is not None:
        week_bounds(week)  # bad input fails before anything is written
    _spike_params(rules)
    con = connect(db_path)
    try:
        migrate_connection(con)
        apply_rules(con, rules)
    finally:
        con.close()
    con = connect(db_path, read_only=True)
    try:
        week = week or latest_week(con)
        found = weekly_candidates(con, week, rules) if week else {}
        found["fentanyl"] = immediate_candidates(con, rules)
    finally:
        con.close()
    con = connect(db_path)
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            counts = {kind: _store(con, rows) for kind, rows in found.items()}
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.close()
    return week, counts


def pending(con: duckdb.DuckDBPyConnection, channel: str, kinds: Sequence[str]) -> list[dict[str, Any]]:
    """Alerts of these kinds not yet delivered on `channel`, oldest first."""
    marks = ", ".join("?" for _ in kinds)
    cur = con.execute(
        f"SELECT a.* FROM alert a WHERE a.kind IN ({marks}) AND NOT EXISTS ("
        "SELECT 1 FROM alert_delivery d WHERE d.alert_key = a.alert_key AND d.channel = ?) "
        "ORDER BY a.raised_at, a.alert_key", [*kinds, channel])
    cols = [c[0] for c in cur.description]
    rows = [dict(zip(cols, r)) for r in cur.fetchall()]
    for row in rows:
        row["reasons"], row["evidence"] = json.loads(row["reasons"]), json.loads(row["evidence"] or "[]")
    return rows


def record_delivery(con: duckdb.DuckDBPyConnection, keys: Sequence[str], channel: str,
                    recipients: Sequence[str], message_id: str | None) -> None:
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    con.executemany("INSERT OR IGNORE INTO alert_delivery VALUES (?, ?, ?, ?, ?)",
                    [(k, channel, ", ".join(recipients), message_id, now) for k in keys])


def immediate_alerts(db_path: Path | str, recipients: Sequence[str], smtp: "SmtpSettings",
                     rules_path: Path | str | None = None) -> list[str]:
    """Raise fentanyl-class alerts and e-mail the ones never sent; return their keys.

    Call it after every load (the DAG's load task, `pharmwatch run`). The send is recorded in
    the same connection right after the SMTP server accepted it, so a rerun sends nothing.
    """
    from reports.alert_mail import build_alert_message
    from reports.deliver import send_message

    if not recipients:
        raise WarehouseError("no recipients configured for immediate alerts")
    rules = load_rules(rules_path) if rules_path else load_rules()
    con = connect(db_path)
    try:
        migrate_connection(con)
        apply_rules(con, rules)
        raise_immediate(con, rules)
        alerts = pending(con, "immediate", ("fentanyl",))
        if not alerts:
            return []
        msg = build_alert_message(alerts, recipients, smtp.sender)
        send_message(msg, smtp)
        record_delivery(con, [a["alert_key"] for a in alerts], "immediate", recipients, msg["Message-ID"])
        return [a["alert_key"] for a in alerts]
    finally:
        con.close()
