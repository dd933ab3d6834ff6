"""Read one staged JSON file into a raw table with DuckDB, quarantining bad lines.

Each line is parsed and type-checked in SQL (bulk, no Python loop over rows). A line that is
not JSON, not an object, has a field of the wrong type, lacks a required field or belongs to
another partition goes to `quarantine` with the reason and its text: nothing is dropped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from warehouse.db import sql_literal
from warehouse.exceptions import LoadError
from warehouse.partition_files import stored

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


def _field(name: str) -> str:
    """The field's JSON value from the one parse of the line (`_v`); SQL NULL if absent or null."""
    return f'_v."{name}"'


def _kind(name: str) -> str:
    return f'"_k:{name}"'


def _value_sql(name: str, typ: str) -> str:
    f = _field(name)
    if typ == "TIMESTAMP":
        # Offsets such as +02:00 are honoured: parse as TIMESTAMPTZ, store as naive UTC.
        return f"TRY_CAST(json_extract_string({f}, '$') AS TIMESTAMPTZ)::TIMESTAMP"
    if typ == "VARCHAR[]":
        return f"TRY_CAST({f} AS VARCHAR[])"
    if typ.startswith("JSON"):
        return f  # the value as minified JSON text, as json_extract gives it
    if typ == "VARCHAR":
        return f"json_extract_string({f}, '$')"
    # Numbers and booleans: the minified JSON text is the literal; wrong kinds are rejected below.
    return f"TRY_CAST({f}::VARCHAR AS {typ})"


def _bad_sql(name: str, typ: str) -> str:
    if typ == "JSON":
        return "false"
    kind = _kind(name)
    accepted = ", ".join(f"'{t}'" for t in _ACCEPTS[typ])
    return f"({kind} NOT IN ('NULL', {accepted}) OR ({kind} <> 'NULL' AND \"{name}\" IS NULL))"


def _kind_sql(name: str) -> str:
    """json_type of the field; strings, objects and arrays told by the first character of the
    minified JSON text (no parse), numbers and booleans by json_type. 'NULL' if absent/null."""
    f = _field(name)
    return (f"CASE WHEN {f} IS NULL THEN 'NULL' WHEN starts_with({f}, '\"') THEN 'VARCHAR' "
            f"WHEN starts_with({f}, '{{') THEN 'OBJECT' WHEN starts_with({f}, '[') THEN 'ARRAY' "
            f"ELSE json_type({f}) END")


def _shape(spec: StagedFile) -> str:
    """json_transform target: every column as raw JSON, so each line is parsed once."""
    return sql_literal(json.dumps({name: "JSON" for name in spec.columns}))


def _parse_lines(spec: StagedFile, source: str) -> str:
    """(_line_no, _line, _kind, _v) from (_line_no, _line): json_valid + json_type decide JSON /
    object; for objects json_transform splits the line into its fields (as JSON) in one parse."""
    return f"""
        SELECT _line_no, _line, _kind,
               CASE WHEN _kind = 'OBJECT' THEN json_transform(_line, {_shape(spec)}) END AS _v
        FROM (SELECT _line_no, _line,
                     CASE WHEN NOT json_valid(_line) THEN NULL
                          WHEN starts_with(_line, '{{') THEN 'OBJECT'
                          ELSE json_type(_line) END AS _kind
              FROM {source})
        -- blank and whitespace-only lines are not records: skipped, not quarantined
        WHERE _kind IS NOT NULL OR trim(_line) <> ''"""


def typed_select(spec: StagedFile, parsed: str, carry: tuple[str, ...] = ()) -> str:
    """One set-based statement: type every field, name the reject reason.

    `parsed` yields (_line_no, _line, _kind, _v) with _v a struct of the fields as JSON; the
    typed values and the type checks look only at those small field values, each computed once.
    `carry`: more columns of `parsed` passed through as they are.
    """
    values = ", ".join(f"{_value_sql(n, t)} AS \"{n}\"" for n, t in spec.columns.items())
    kinds = ", ".join(f"{_kind_sql(n)} AS {_kind(n)}" for n, t in spec.columns.items() if t != "JSON")
    bad_names = ", ".join(f"CASE WHEN {_bad_sql(n, t)} THEN '{n}' END" for n, t in spec.columns.items())
    missing = ", ".join(["NULL::VARCHAR"] + [f"CASE WHEN \"{n}\" IS NULL THEN '{n}' END" for n in spec.required])
    checks = " ".join(f"WHEN {cond} THEN {reason}" for cond, reason in spec.checks)
    kind_cols = ", ".join(_kind(n) for n, t in spec.columns.items() if t != "JSON")
    carried = "".join(f", {c}" for c in carry)
    return f"""
    SELECT * EXCLUDE (_kind, _bad, _missing),
        CASE WHEN _kind IS NULL THEN 'invalid JSON'
             WHEN _kind <> 'OBJECT' THEN 'not a JSON object'
             WHEN _bad <> '' THEN 'wrong type for field(s): ' || _bad
             WHEN _missing <> '' THEN 'missing required field(s): ' || _missing
             {checks}
        END AS _reject
    FROM (
        SELECT * EXCLUDE ({kind_cols}),
               concat_ws(', ', {bad_names}) AS _bad, concat_ws(', ', {missing}) AS _missing
        FROM (
            SELECT _line_no, _line, _kind{carried}, {values}, {kinds}
            FROM ({parsed})
        )
    )"""


# Fast line reader: the CSV scanner (parallel) with a delimiter, quote and escape that cannot
# occur in a valid JSON line. strict_mode makes it refuse anything it cannot split exactly like
# the file's physical lines (a CR, a control character, invalid UTF-8, an over-long line); then
# the file is split by _SPLIT_LINES instead, which handles (or reports) all of those.
_CSV_LINES = """
    SELECT ordinality::INTEGER AS _line_no, line AS _line
    FROM read_csv($path, columns = {'line': 'VARCHAR'}, delim = chr(1), quote = '', escape = '',
                  header = false, auto_detect = false, new_line = '\\n', strict_mode = true,
                  max_line_size = 16777216) WITH ORDINALITY
    WHERE line IS NOT NULL"""
# Line numbers are 1-based positions in the file, so quarantine rows point at the source.
_SPLIT_LINES = """
    SELECT _line_no::INTEGER AS _line_no, rtrim(_line, chr(13)) AS _line FROM (
        SELECT unnest(parts) AS _line, generate_subscripts(parts, 1) AS _line_no
        FROM (SELECT string_split(content, chr(10)) AS parts FROM read_text($path))
    ) WHERE _line <> ''"""
_WHOLE_FILE = "SELECT NULL::INTEGER AS _line_no, content AS _line FROM read_text($path)"


def _read_lines(con: duckdb.DuckDBPyConnection, path: Path, whole_file: bool):
    """The file's non-blank lines as an Arrow table (_line_no, _line).

    Read on a cursor (its own transaction): a reader error there does not abort the load's
    transaction, so the fast reader can fall back to the exact one.
    """
    cur = con.cursor()
    try:
        if not whole_file:
            try:
                return cur.sql(_CSV_LINES, params={"path": str(path)}).to_arrow_table()
            except duckdb.Error:
                pass  # not plain LF-separated UTF-8 lines: split the text exactly instead
        sql = _WHOLE_FILE if whole_file else _SPLIT_LINES
        return cur.sql(sql, params={"path": str(path)}).to_arrow_table()
    finally:
        cur.close()


def bound_params(sql: str, values: dict) -> dict:
    """DuckDB rejects named parameters a statement does not use, so pass only those it does."""
    return {k: v for k, v in values.items() if f"${k}" in sql}


def has_glob(path: Path) -> bool:
    """DuckDB's readers expand globs: such a path could read some other file."""
    return any(c in str(path) for c in "*?[")


def check_path(path: Path) -> bool:
    """True when the file is there to load; a path that is not a plain file is an error."""
    if not path.exists():
        return False
    if not path.is_file():
        raise LoadError(f"{path}: expected a file")
    if has_glob(path):
        raise LoadError(f"{path}: path contains a glob character (*, ? or [)")
    return True


def load_file(
    con: duckdb.DuckDBPyConnection,
    spec: StagedFile,
    path: Path,
    partition: dict,
    source_name: str,
) -> tuple[int, int]:
    """Insert the good lines of `path` into spec.table; return (loaded, quarantined)."""
    if not check_path(path):
        return 0, 0
    try:
        _stage_exact(con, spec, path, partition)
        loaded = insert_good(con, spec, partition)
        quarantined = _insert_bad(con, partition, source_name)
        con.execute("DROP TABLE _staged")
    except duckdb.Error as exc:
        # No cleanup here: the transaction is aborted and the caller rolls it back.
        raise LoadError(f"{path}: cannot load: {exc}") from exc
    return loaded, quarantined


def _stage_exact(con: duckdb.DuckDBPyConnection, spec: StagedFile, path: Path, partition: dict) -> None:
    """Stage the file line by line (in SQL): every line kept with its number and exact text."""
    try:
        lines = _read_lines(con, path, spec.whole_file)
    except duckdb.Error as exc:
        raise LoadError(f"{path}: cannot load: {exc}") from exc
    con.register("_lines", lines)
    try:
        parsed = _parse_lines(spec, "_lines")
        typed = f"CREATE OR REPLACE TEMP TABLE _staged AS {typed_select(spec, parsed)}"
        con.execute(typed, bound_params(typed, partition))
    finally:
        con.unregister("_lines")


def insert_good(con: duckdb.DuckDBPyConnection, spec: StagedFile, partition: dict,
                 per_row: Callable[[str], str] = lambda sql: sql, order: str = "_line_no") -> int:
    """Insert _staged's good rows; `per_row` rewrites partition parameters into column names
    when _staged holds many files (staged_batch)."""
    cols = [c for c in spec.columns if c not in ("market", "crawl_date", "run_id")]
    run_id = "run_id" if "run_id" in spec.columns else "$run_id"
    line_col = [] if spec.whole_file else ["line_no"]
    line_expr = [] if spec.whole_file else ["_line_no"]
    derived = list(spec.derived)
    names = ["market", "crawl_date", "run_id", *line_col, *cols, *derived]
    exprs = ["$market", "$crawl_date::DATE", run_id, *line_expr, *[f'"{c}"' for c in cols],
             *spec.derived.values()]
    quoted = ", ".join(f'"{n}"' for n in names)
    sql = (f"INSERT INTO {stored(spec.table)} ({quoted}) "
           f"SELECT {', '.join(exprs)} FROM _staged WHERE _reject IS NULL ORDER BY {order}")
    sql = per_row(sql)
    con.execute(sql, bound_params(sql, partition))
    return int(con.execute("SELECT count(*) FROM _staged WHERE _reject IS NULL").fetchall()[0][0])


def _insert_bad(con: duckdb.DuckDBPyConnection, partition: dict[str, str | None], source: str) -> int:
    con.execute(
        "INSERT INTO quarantine SELECT $market, $crawl_date::DATE, $source, _line_no, _reject, _line "
        "FROM _staged WHERE _reject IS NOT NULL ORDER BY _line_no",
        {"market": partition["market"], "crawl_date": partition["crawl_date"], "source": source},
    )
    return int(con.execute("SELECT count(*) FROM _staged WHERE _reject IS NOT NULL").fetchall()[0][0])
