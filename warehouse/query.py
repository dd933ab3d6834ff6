"""Read-only queries, saved queries (queries/*.sql) and safe text / CSV output."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import duckdb

from pharmwatch.csvsafe import cell_text, neutralise, write_csv  # noqa: F401 - re-exported
from warehouse.db import connect
from warehouse.exceptions import QueryError

QUERIES_DIR = Path(__file__).parent / "queries"
_QUERY_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

Rows = list[tuple[Any, ...]]


def saved_query(name: str) -> str:
    """The text of warehouse/queries/NAME.sql (`cross-country` names cross_country.sql)."""
    name = name.replace("-", "_")
    if not _QUERY_NAME.match(name):
        raise QueryError(f"invalid saved query name {name!r}")
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise QueryError(f"no saved query {name!r} in {QUERIES_DIR}")
    return path.read_text(encoding="utf-8")


def execute(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None
            ) -> tuple[list[str], Rows]:
    try:
        result = con.execute(sql, params or {})
        rows = result.fetchall()
        columns = [d[0] for d in result.description or []]
    except duckdb.Error as exc:
        raise QueryError(f"query failed: {exc}") from exc
    return columns, rows


def saved_query_names() -> list[str]:
    return sorted(p.stem.replace("_", "-") for p in QUERIES_DIR.glob("*.sql"))


# Report sections that read the weekly report's temp tables (report_week, report_week_flagged)
# only run inside `reports.weekly`; on the analyst's command line they would fail to bind.
_REPORT_TEMP = re.compile(r"\b(FROM|JOIN)\s+report_week(_flagged)?\b", re.IGNORECASE)


def report_internal(name: str) -> bool:
    return bool(_REPORT_TEMP.search(saved_query(name)))


def analyst_query_names() -> list[str]:
    """Saved queries an analyst can run with `pharmwatch query --saved NAME`."""
    return [n for n in saved_query_names() if not report_internal(n)]


def needed_params(sql: str) -> set[str]:
    """The $names a query binds."""
    return set(re.findall(r"\$([a-z_][a-z0-9_]*)", sql))


def bind_saved(name: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The saved query's SQL and the parameters it uses; a parameter it needs but lacks is an error."""
    sql = saved_query(name)
    needed = needed_params(sql)
    missing = sorted(needed - set(params))
    if missing:
        raise QueryError(f"saved query {name!r} needs " + ", ".join(f"--{m.replace('_', '-')}" for m in missing))
    return sql, {k: v for k, v in params.items() if k in needed}


def run_query_arrow(db_path: Path, sql: str, params: dict[str, Any] | None = None) -> Any:
    """Like run_query, as a pyarrow Table (for Parquet output)."""
    con = connect(db_path, read_only=True)
    try:
        return con.sql(sql, params=params or None).to_arrow_table()
    except duckdb.Error as exc:
        raise QueryError(f"query failed: {exc}") from exc
    finally:
        con.close()


def run_query(db_path: Path, sql: str, params: dict[str, Any] | None = None) -> tuple[list[str], Rows]:
    """Run `sql` on a read-only connection: analysts' queries can never change the warehouse."""
    con = connect(db_path, read_only=True)
    try:
        return execute(con, sql, params)
    finally:
        con.close()


def fetch_saved(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None
                ) -> list[dict[str, Any]]:
    """Run a saved query on an open connection and return rows as dicts."""
    sql = saved_query(name)
    used = {k: v for k, v in (params or {}).items() if f"${k}" in sql}
    columns, rows = execute(con, sql, used)
    return [dict(zip(columns, row)) for row in rows]


def write_json(columns: Sequence[str], rows: Rows, stream: TextIO) -> None:
    """One JSON array of objects; dates and decimals as text."""
    json.dump([dict(zip(columns, row)) for row in rows], stream, default=str, ensure_ascii=False)
    stream.write("\n")


def float_text(value: float) -> str:
    """A float for reading, not for computing (CSV, JSON and Parquet keep every digit): two
    decimals from 1 up ("2.62", not "2.62281023"), four significant digits below ("0.004321
    BTC" must not read 0.00)."""
    if value != value or value in (float("inf"), float("-inf")) or value == 0:
        return str(value) if value else "0"
    return f"{value:.2f}" if abs(value) >= 1 else f"{value:.4g}"


def format_table(columns: Sequence[str], rows: Rows, max_width: int = 60) -> str:
    """A plain-text table for the terminal; control characters in data are shown escaped."""
    def show(value: Any) -> str:
        if isinstance(value, float):
            return float_text(value)
        text = cell_text(value).encode("unicode_escape").decode("ascii")
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    body = [[show(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in body]) for i, c in enumerate(columns)]
    lines = [" | ".join(c.ljust(w) for c, w in zip(columns, widths)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(v.ljust(w) for v, w in zip(r, widths)) for r in body]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)
