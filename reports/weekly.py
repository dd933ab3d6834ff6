"""The weekly HTML report: runs warehouse saved queries, renders one self-contained file."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import jinja2

from reports.countries import country_name
from reports.exceptions import ReportError
from warehouse.db import connect
from warehouse.exceptions import WarehouseError
from warehouse.query import fetch_saved

TEMPLATES_DIR = Path(__file__).parent / "templates"
MAX_LISTING_ROWS = 1000  # keeps the e-mailed file small; the rest belongs in a CSV export
_ALL_TIME = (dt.date(1, 1, 1), dt.date(9999, 12, 31))


def week_bounds(week: str | None) -> tuple[dt.date, dt.date]:
    """[monday, next monday) of an ISO week such as 2026-W47; everything when None."""
    if week is None:
        return _ALL_TIME
    try:
        year, num = week.split("-W")
        start = dt.date.fromisocalendar(int(year), int(num), 1)
    except ValueError as exc:
        raise ReportError(f"invalid ISO week {week!r}: expected YYYY-Www, e.g. 2026-W47") from exc
    return start, start + dt.timedelta(days=7)


def collect(db_path: Path, week: str | None) -> dict[str, Any]:
    """Everything the template shows, from saved queries on a read-only connection."""
    start, end = week_bounds(week)
    params = {"start": start.isoformat(), "end": end.isoformat()}
    try:
        con = connect(db_path, read_only=True)
    except WarehouseError as exc:
        raise ReportError(str(exc)) from exc
    try:
        data = {name: fetch_saved(con, f"report_{name}", params) for name in
                ("headline", "flagged_by_country", "flag_matrix", "flagged_listings", "errors_by_market")}
    except WarehouseError as exc:
        raise ReportError(f"report query failed: {exc}") from exc
    finally:
        con.close()
    data["headline"] = data["headline"][0]
    return data


def heat_style(count: int, peak: int) -> str:
    """Inline CSS only: mail clients strip <style> blocks and scripts."""
    if count <= 0 or peak <= 0:
        return "background-color:#ffffff;color:#999999"
    alpha = 0.15 + 0.85 * count / peak
    text = "#ffffff" if alpha > 0.55 else "#000000"
    return f"background-color:rgba(190,20,20,{alpha:.2f});color:{text}"


def build_matrix(cells: list[dict[str, Any]]) -> dict[str, Any]:
    """Rows = ship-from, columns = ship-to, both by descending total; cells with counts and style."""
    counts = {(c["ship_from"], c["ship_to"]): int(c["flagged"]) for c in cells}
    def order(axis: int) -> list[str | None]:
        totals: dict[str | None, int] = {}
        for key, n in counts.items():
            totals[key[axis]] = totals.get(key[axis], 0) + n
        return sorted(totals, key=lambda k: (-totals[k], k is None, k or ""))
    peak = max(counts.values(), default=0)
    rows, cols = order(0), order(1)
    grid = [{"code": r, "name": country_name(r),
             "cells": [{"to": c, "count": counts.get((r, c), 0),
                        "style": heat_style(counts.get((r, c), 0), peak)} for c in cols]}
            for r in rows]
    return {"columns": [{"code": c, "name": country_name(c)} for c in cols], "rows": grid}


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["country"] = country_name
    return env


def render_html(data: dict[str, Any], week: str | None, generated_at: dt.datetime) -> str:
    template = _environment().get_template("report.html.j2")
    return template.render(
        week=week, generated_at=generated_at.strftime("%Y-%m-%d %H:%M UTC"),
        headline=data["headline"], by_country=data["flagged_by_country"],
        matrix=build_matrix(data["flag_matrix"]), flagged=data["flagged_listings"][:MAX_LISTING_ROWS],
        flagged_total=len(data["flagged_listings"]),
        errors=data["errors_by_market"],
    )


def render_report(db_path: Path, out_dir: Path, week: str | None = None) -> Path:
    """Write out_dir/report.html (atomically) and return its path."""
    data = collect(Path(db_path), week)
    html = render_html(data, week, dt.datetime.now(dt.timezone.utc))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "report.html"
    part = out_dir / "report.html.part"
    part.write_text(html, encoding="utf-8")
    os.replace(part, target)
    return target
