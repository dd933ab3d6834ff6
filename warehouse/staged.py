"""Read one staged JSON file into a raw table with DuckDB, quarantining bad lines.

Each line is parsed and type-checked in SQL (bulk, no Python loop over rows). A line that is
not JSON, not an object, has a field of the wrong type, lacks a required field or belongs to
another partition goes to `quarantine` with the reason and its text: nothing is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from warehouse.exceptions import LoadError

# JSON value types DuckDB's json_type() reports that each column type accepts.
_ACCEPTS: dict[str, tuple[str, ...]] = {
    "VARCHAR": ("VARCHAR",),
    "INTEGER": ("BIGINT", "UBIGINT"),
    "BIGINT": ("BIGINT", "UBIGINT"),
    "DOUBLE": ("BIGINT", "UBIGINT", "DOUBLE"),
    "BOOLEAN": ("BOOLEAN",),
    "TIMESTAMP": ("VARCHAR",),
    "VARCHAR[]": ("ARRAY",),
    "JSON_ARRAY": ("ARRAY",),
    "JSON_OBJECT": ("OBJECT",),
}


@dataclass(frozen=True)
class StagedFile:
    """How one staged file maps onto its raw table."""

    filename: str
    table: str
    columns: dict[str, str]
    required: tuple[str, ...]
    whole_file: bool = False  # stats.json is one (possibly pretty-printed) object
    checks: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (bad-if SQL, reason)
    derived: dict[str, str] = field(default_factory=dict)  # extra raw column -> SQL expression


def _value_sql(name: str, typ: str) -> str:
    path = f"'$.\"{name}\"'"
    if typ == "TIMESTAMP":
        # Offsets such as +02:00 are honoured: parse as TIMESTAMPTZ, store as naive UTC.
        return f"TRY_CAST(json_extract_string(_j, {path}) AS TIMESTAMPTZ)::TIMESTAMP"
    if typ == "VARCHAR[]":
        return f"TRY_CAST(json_extract(_j, {path}) AS VARCHAR[])"
    if typ.startswith("JSON"):
        return f"CASE WHEN json_type(_j, {path}) <> 'NULL' THEN json_extract(_j, {path}) END"
    return f"TRY_CAST(json_extract_string(_j, {path}) AS {typ})"


def _bad_sql(name: str, typ: str) -> str:
    path = f"'$.\"{name}\"'"
    kind = f"coalesce(json_type(_j, {path}), 'NULL')"
    if typ == "JSON":
        return "false"
    accepted = ", ".join(f"'{t}'" for t in _ACCEPTS[typ])
    return f"({kind} NOT IN ('NULL', {accepted}) OR ({kind} <> 'NULL' AND \"{name}\" IS NULL))"


def _typed_select(spec: StagedFile) -> str:
    values = ", ".join(f"{_value_sql(n, t)} AS \"{n}\"" for n, t in spec.columns.items())
    bad_names = " , ".join(
        f"CASE WHEN {_bad_sql(n, t)} THEN '{n}' END" for n, t in spec.columns.items()
    )
    missing = ", ".join(["NULL::VARCHAR"] + [f"CASE WHEN \"{n}\" IS NULL THEN '{n}' END" for n in spec.required])
    checks = " ".join(f"WHEN {cond} THEN {reason}" for cond, reason in spec.checks)
    return f"""
    SELECT *,
        CASE WHEN _j IS NULL THEN 'invalid JSON'
             WHEN json_type(_j) <> 'OBJECT' THEN 'not a JSON object'
             WHEN concat_ws(', ', {bad_names}) <> ''
                 THEN 'wrong type for field(s): ' || concat_ws(', ', {bad_names})
             WHEN concat_ws(', ', {missing}) <> ''
                 THEN 'missing required field(s): ' || concat_ws(', ', {missing})
             {checks}
        END AS _reject
    FROM (
        SELECT _line_no, _line, _j, {values}
        FROM (SELECT _line_no, _line, CASE WHEN json_valid(_line) THEN json(_line) END AS _j FROM _lines)
    )"""


def _lines_sql(whole_file: bool) -> str:
    if whole_file:
        return "SELECT NULL::INTEGER AS _line_no, content AS _line FROM read_text($path)"
    # Line numbers are 1-based positions in the file, so quarantine rows point at the source.
    return """
    SELECT _line_no, rtrim(_line, chr(13)) AS _line FROM (
        SELECT unnest(parts) AS _line, generate_subscripts(parts, 1) AS _line_no
        FROM (SELECT string_split(content, chr(10)) AS parts FROM read_text($path))
    ) WHERE trim(_line) <> ''"""


def _params(sql: str, values: dict[str, str | None]) -> dict[str, str | None]:
    """DuckDB rejects named parameters a statement does not use, so pass only those it does."""
    return {k: v for k, v in values.items() if f"${k}" in sql}


def load_file(
    con: duckdb.DuckDBPyConnection,
    spec: StagedFile,
    path: Path,
    partition: dict[str, str | None],
    source_name: str,
) -> tuple[int, int]:
    """Insert the good lines of `path` into spec.table; return (loaded, quarantined)."""
    if not path.exists():
        return 0, 0
    if not path.is_file():
        raise LoadError(f"{path}: expected a file")
    if any(c in str(path) for c in "*?["):
        # read_text() expands globs; refuse rather than read some other file.
        raise LoadError(f"{path}: path contains a glob character (*, ? or [)")
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _lines AS {_lines_sql(spec.whole_file)}", {"path": str(path)})
        typed = f"CREATE OR REPLACE TEMP TABLE _staged AS {_typed_select(spec)}"
        con.execute(typed, _params(typed, partition))
        loaded = _insert_good(con, spec, partition)
        quarantined = _insert_bad(con, partition, source_name)
        con.execute("DROP TABLE _lines; DROP TABLE _staged")
    except duckdb.Error as exc:
        # No cleanup here: the transaction is aborted and the caller rolls it back.
        raise LoadError(f"{path}: cannot load: {exc}") from exc
    return loaded, quarantined


def _insert_good(con: duckdb.DuckDBPyConnection, spec: StagedFile, partition: dict[str, str | None]) -> int:
    cols = [c for c in spec.columns if c not in ("market", "crawl_date", "run_id")]
    run_id = "run_id" if "run_id" in spec.columns else "$run_id"
    line_col = [] if spec.whole_file else ["line_no"]
    line_expr = [] if spec.whole_file else ["_line_no"]
    derived = list(spec.derived)
    names = ["market", "crawl_date", "run_id", *line_col, *cols, *derived]
    exprs = ["$market", "$crawl_date::DATE", run_id, *line_expr, *[f'"{c}"' for c in cols],
             *spec.derived.values()]
    quoted = ", ".join(f'"{n}"' for n in names)
    sql = (f"INSERT INTO {spec.table} ({quoted}) "
           f"SELECT {', '.join(exprs)} FROM _staged WHERE _reject IS NULL ORDER BY _line_no")
    con.execute(sql, _params(sql, partition))
    return int(con.execute("SELECT count(*) FROM _staged WHERE _reject IS NULL").fetchall()[0][0])


def _insert_bad(con: duckdb.DuckDBPyConnection, partition: dict[str, str | None], source: str) -> int:
    con.execute(
        "INSERT INTO quarantine SELECT $market, $crawl_date::DATE, $source, _line_no, _reject, _line "
        "FROM _staged WHERE _reject IS NOT NULL ORDER BY _line_no",
        {"market": partition["market"], "crawl_date": partition["crawl_date"], "source": source},
    )
    return int(con.execute("SELECT count(*) FROM _staged WHERE _reject IS NOT NULL").fetchall()[0][0])
