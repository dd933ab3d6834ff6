"""The weekly alert report: HTML (Jinja2, autoescaped) + the same as PDF + CSV attachments.

`render_report` refreshes flags and alerts (a short writer step), then reads everything from
saved queries on one read-only connection and writes report.html, report.pdf, flagged.csv and
alerts.csv into one directory. The week is read once: its listings (report_week) and their
flagged subset with route and page (report_week_flagged) go into temp tables that every section
reads. The HTML/PDF take the top flagged rows; DuckDB writes every row to flagged.csv (no Python
round trip).
`weekly_job` is what the Monday DAG task calls: render, e-mail once, record the send so a rerun
of the same week sends nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib
import json
import os
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
import jinja2

from reports.charts import build_matrix, trend_svg
from reports.countries import country_name
from reports.csv_export import copy_csv
from reports.exceptions import ReportError
from warehouse.alerts import iso_week, latest_week, refresh
from warehouse.alerts import week_bounds as _week_bounds
from warehouse.db import connect
from warehouse.exceptions import WarehouseError
from warehouse.query import bind_saved, fetch_saved

TEMPLATES_DIR = Path(__file__).parent / "templates"
MAX_LISTING_ROWS = 60  # keeps the e-mail short; flagged.csv has every row
# WeasyPrint lays out ~0.4-1 s a page on a busy machine, so the PDF carries shorter tables
# (the CSV has every row): the top listings and the top drugs of each destination.
MAX_PDF_LISTING_ROWS = 10
MAX_PDF_DRUGS_PER_DESTINATION = 3
EVIDENCE_SHOWN, PDF_EVIDENCE_SHOWN = 3, 1  # listings shown per alert (alerts.csv has up to 10)
TOP_N = 10
TREND_WEEKS = 8
REPORT_TO_ENV = "PHARMWATCH_REPORT_TO"
_SECTIONS = ("flag_matrix", "flagged_by_country", "errors_by_market", "quarantine_by_market",
             "top_drugs", "top_sellers", "weekly_trend")
# Temp tables of the read-only session, made once, in this order (each reads the one before).
_WEEK_TABLES = (("report_week", "report_week"), ("report_week_flagged", "report_week_flagged"),
                ("report_alert_rows", "report_alerts"))
_FLAGGED_QUERY = "report_flagged_listings"


def week_bounds(week: str) -> tuple[dt.date, dt.date]:
    try:
        return _week_bounds(week)
    except WarehouseError as exc:
        raise ReportError(str(exc)) from None


def previous_week(day: dt.date | dt.datetime) -> str:
    """The last complete ISO week before `day`: what a Monday-morning run reports on."""
    day = day.date() if isinstance(day, dt.datetime) else day
    return iso_week(day - dt.timedelta(days=7))


def _materialise(con: Any, table: str, query: str, params: dict[str, Any]) -> None:
    """Run a saved query once into a temp table (allowed on a read-only connection)."""
    sql, used = bind_saved(query, params)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {sql.strip().rstrip(';')}", used)
    except duckdb.Error as exc:
        raise WarehouseError(f"report query {query} failed: {exc}") from exc


def _params(week: str) -> dict[str, Any]:
    start, end = week_bounds(week)
    return {"start": start.isoformat(), "end": end.isoformat(), "week": week,
            "previous_week": iso_week(start - dt.timedelta(days=7)),
            "top_n": TOP_N, "trend_weeks": TREND_WEEKS}


def _fetch(con: Any, week: str) -> dict[str, Any]:
    params = _params(week)
    for table, query in _WEEK_TABLES:
        _materialise(con, table, query, params)
    data = {name: fetch_saved(con, f"report_{name}", params) for name in _SECTIONS}
    sql, used = bind_saved(_FLAGGED_QUERY, {"max_rows": MAX_LISTING_ROWS})
    data["flagged_listings"] = _rows(con, f"SELECT * FROM ({sql.strip().rstrip(';')}) ORDER BY rank", used)
    data["flagged_total"] = con.execute("SELECT count(*) FROM report_week_flagged").fetchall()[0][0]
    data["alerts"] = _rows(con, "SELECT * FROM report_alert_rows")
    # One query, both weeks: the report week from report_week, the week before read once.
    periods = {row.pop("period"): row for row in fetch_saved(con, "report_headline", params)}
    data["headline"], data["previous"] = periods["week"], periods["previous"]
    for alert in data["alerts"]:
        alert["reasons"] = json.loads(alert["reasons"])
        alert["evidence"] = json.loads(alert["evidence"] or "[]")
    return data


def _rows(con: Any, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or {})
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]


def resolve_week(db_path: Path) -> str:
    """The latest ISO week the warehouse holds (this week when it holds nothing)."""
    try:
        con = connect(db_path, read_only=True)
    except WarehouseError as exc:
        raise ReportError(str(exc)) from exc
    try:
        return latest_week(con) or iso_week(dt.date.today())
    finally:
        con.close()


@contextlib.contextmanager
def _session(db_path: Path) -> Iterator[Any]:
    """The report's read-only connection; warehouse errors become ReportError."""
    try:
        con = connect(db_path, read_only=True)
    except WarehouseError as exc:
        raise ReportError(str(exc)) from exc
    try:
        yield con
    except WarehouseError as exc:
        raise ReportError(f"report query failed: {exc}") from exc
    finally:
        con.close()


def collect(db_path: Path, week: str | None, csv_dir: Path | None = None) -> tuple[str, dict[str, Any]]:
    """Everything the template shows, from saved queries on a read-only connection; with
    `csv_dir`, flagged.csv and alerts.csv are written there from the same session."""
    if week is not None:
        week_bounds(week)
    with _session(db_path) as con:
        week = week or latest_week(con) or iso_week(dt.date.today())
        data = _fetch(con, week)
        if csv_dir is not None:
            write_csvs(con, csv_dir)
        return week, data


# Coin prices are fractions of a coin: two decimals showed "0.0043 BTC" as "0.00 BTC".
_COINS = frozenset({"BTC", "XMR", "LTC", "BCH", "ETH", "DASH", "ZEC"})


def money(amount: float | None, currency: str | None) -> str:
    """A price as the report shows it: fiat to the cent, coins to the satoshi (zeros trimmed)."""
    if amount is None:
        return ""
    code = (currency or "").upper()
    if code in _COINS:
        digits = f"{amount:.8f}".rstrip("0")
        whole, _, frac = digits.partition(".")
        text = f"{whole}.{frac.ljust(2, '0')}"
    else:
        text = f"{amount:,.2f}"
    return f"{text} {currency}" if currency else text


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["country"] = country_name
    env.filters["money"] = money
    return env


def _delta(now: int, before: int) -> str:
    diff = int(now) - int(before)
    return "no change" if diff == 0 else f"{diff:+d}"


def _top_per_destination(rows: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    seen: dict[Any, int] = {}
    kept = []
    for row in rows:  # already ordered by destination, then listings
        seen[row["ship_to"]] = seen.get(row["ship_to"], 0) + 1
        if seen[row["ship_to"]] <= n:
            kept.append(row)
    return kept


def render_html(data: dict[str, Any], week: str, generated_at: dt.datetime, *, for_pdf: bool = False) -> str:
    """The report page; `for_pdf` shortens the long tables (see MAX_PDF_*)."""
    start, end = week_bounds(week)
    top_drugs, max_rows, evidence_shown = data["top_drugs"], MAX_LISTING_ROWS, EVIDENCE_SHOWN
    if for_pdf:
        top_drugs = _top_per_destination(top_drugs, MAX_PDF_DRUGS_PER_DESTINATION)
        max_rows, evidence_shown = min(max_rows, MAX_PDF_LISTING_ROWS), PDF_EVIDENCE_SHOWN
    head, prev = data["headline"], data["previous"]
    new_routes = [a for a in data["alerts"] if a["kind"] == "new_route"]
    return _environment().get_template("report.html.j2").render(
        week=week, start=start, end=end - dt.timedelta(days=1),
        generated_at=generated_at.strftime("%Y-%m-%d %H:%M UTC"),
        headline=head, previous=prev,
        deltas={k: _delta(head[k], prev[k]) for k in head},
        by_country=data["flagged_by_country"], matrix=build_matrix(data["flag_matrix"]),
        trend=trend_svg(data["weekly_trend"]), top_drugs=top_drugs,
        top_sellers=data["top_sellers"], alerts=data["alerts"], new_routes=new_routes,
        flagged=data["flagged_listings"][:max_rows], evidence_shown=evidence_shown,
        flagged_total=data["flagged_total"], errors=data["errors_by_market"],
        quarantine=data["quarantine_by_market"],
    )


def _write_atomic(path: Path, writer: Any) -> None:
    part = path.with_name(path.name + ".part")
    with part.open("w", encoding="utf-8", newline="") as fh:
        writer(fh)
    os.replace(part, path)


FLAGGED_COLUMNS = ("listing_key", "market", "listing_id", "title", "description", "seller",
                   "identity_id", "drugs", "price", "currency", "price_usd", "ship_from", "ship_to",
                   "score", "reason_summary", "reasons", "rule_version", "flagged_at", "url",
                   "page_sha256", "crawled_at")
ALERT_COLUMNS = ("alert_key", "kind", "week", "subject", "headline", "reasons", "evidence",
                 "rule_version", "raised_at")


def write_csvs(con: Any, out_dir: Path) -> list[Path]:
    """flagged.csv (every flagged listing of the week, straight from the query: no 160k-row
    temp table) and alerts.csv, written by DuckDB from the temp tables `_fetch` made;
    formula-safe cells."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sql, params = bind_saved(_FLAGGED_QUERY, {"max_rows": None})
    flagged = copy_csv(con, f"({sql.strip().rstrip(';')})", FLAGGED_COLUMNS, out_dir / "flagged.csv",
                       params, order_by="rank")
    return [flagged, copy_csv(con, "report_alert_rows", ALERT_COLUMNS, out_dir / "alerts.csv")]


def render_report(db_path: Path, out_dir: Path, week: str | None = None, *,
                  refresh_alerts: bool = True, pdf: bool = True,
                  timings: dict[str, float] | None = None) -> Path:
    """Write report.html, report.pdf, flagged.csv, alerts.csv into out_dir; return the HTML path.

    `week` None = the latest ISO week the warehouse holds. With `refresh_alerts` the rules are
    applied and the week's alerts raised first (needs the warehouse writable for a moment).
    """
    if week is not None:
        week_bounds(week)
    clock = _Phases(timings)
    if pdf:
        # Importing WeasyPrint takes ~3 s of Python; do it while DuckDB (GIL released) queries.
        threading.Thread(target=_preload, args=("weasyprint",), daemon=True).start()
    if refresh_alerts:
        if not Path(db_path).exists():
            raise ReportError(f"warehouse {db_path} does not exist; run `pharmwatch load` first")
        try:
            week, _ = refresh(db_path, week)
        except WarehouseError as exc:
            raise ReportError(f"refreshing flags and alerts failed: {exc}") from exc
        clock.lap("rules_and_alerts")
    out_dir = Path(out_dir)
    with _session(Path(db_path)) as con, ThreadPoolExecutor(max_workers=1) as background:
        week = week or latest_week(con) or iso_week(dt.date.today())
        data = _fetch(con, week)
        clock.lap("queries")
        now = dt.datetime.now(dt.timezone.utc)
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / "report.html"
        _write_atomic(target, lambda fh: fh.write(render_html(data, week, now)))
        clock.lap("html")
        # While WeasyPrint (pure Python, one core) lays out the PDF, DuckDB writes the CSVs on
        # the other core only: with all cores the two fought and both slowed down.
        layout = None
        if pdf:
            layout = background.submit(_render_pdf, target, render_html(data, week, now, for_pdf=True))
            con.execute("SET threads = 1")
        write_csvs(con, out_dir)
        clock.lap("csv")
        if layout:
            layout.result()  # re-raises a layout error: no report silently without its PDF
            clock.lap("pdf (after the csv)")
    return target


def _render_pdf(target: Path, html: str) -> None:
    from reports.pdf import render_pdf  # WeasyPrint is heavy: imported only when a PDF is wanted

    render_pdf(target, html=html)  # the same report with shorter tables (flagged.csv has every row)


class _Phases:
    """Seconds per phase into the caller's dict (the benchmark prints them)."""

    def __init__(self, into: dict[str, float] | None) -> None:
        self.into, self.last = into, time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        if self.into is not None:
            self.into[name] = now - self.last
        self.last = now


def _preload(module: str) -> None:
    try:
        importlib.import_module(module)
    except ImportError:
        pass  # render_pdf imports it again and reports the error properly


def recipients_from_env() -> list[str]:
    """Recipients from PHARMWATCH_REPORT_TO (comma-separated), for DAGs without a config."""
    return [r.strip() for r in os.environ.get(REPORT_TO_ENV, "").split(",") if r.strip()]


def weekly_job(db_path: Path | str, out_root: Path | str, week: str | None,
               recipients: Sequence[str], smtp: Any) -> dict[str, Any]:
    """Render the week's report under out_root/<week>/ and e-mail it once.

    The send is recorded in `report_delivery` (and each alert in `alert_delivery`, channel
    'weekly') right after the SMTP server accepted it; a rerun re-renders but sends nothing.
    """
    from reports.deliver import send_report

    if not recipients:
        raise ReportError("no recipients configured for the weekly report")
    db_path = Path(db_path)
    if week is not None:
        week_bounds(week)
    if week is None:
        week = resolve_week(db_path)
    html = render_report(db_path, Path(out_root) / week, week)
    report_dir = html.parent
    result: dict[str, Any] = {"week": week, "dir": report_dir, "html": html,
                              "pdf": report_dir / "report.pdf", "csv": report_dir / "flagged.csv"}
    con = connect(db_path)
    try:
        sent = con.execute("SELECT sent_at, message_id FROM report_delivery WHERE week = ?", [week]).fetchall()
        if sent:
            return {**result, "sent": False, "already_sent_at": sent[0][0], "message_id": sent[0][1]}
        msg = send_report(report_dir, list(recipients), smtp,
                          subject=f"pharmwatch weekly report {week}")
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        digest = hashlib.sha256(html.read_bytes()).hexdigest()
        con.execute("BEGIN TRANSACTION")
        con.execute("INSERT INTO report_delivery VALUES (?, ?, ?, ?, ?)",
                    [week, ", ".join(recipients), msg["Message-ID"], digest, now])
        con.execute("INSERT OR IGNORE INTO alert_delivery SELECT alert_key, 'weekly', ?, ?, ? "
                    "FROM alert WHERE week = ?", [", ".join(recipients), msg["Message-ID"], now, week])
        con.execute("COMMIT")
        return {**result, "sent": True, "message_id": msg["Message-ID"]}
    finally:
        con.close()
