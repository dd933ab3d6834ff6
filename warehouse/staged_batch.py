"""Load one kind of staged file for many partitions at once, through DuckDB's JSON reader.

The fast path: each file is split into its fields (as JSON) by DuckDB's parallel JSON reader,
the files of a batch are stacked into one Arrow table with their partition's market, date and
run id, then typed, checked and inserted by one statement each. Per-statement planning cost
~0.1 s a file when done file by file (30 partitions x 2 files: most of a small batch's load).

A file takes the exact path instead (staged.load_file: line by line, every bad line to the
quarantine with its text and line number) when the JSON reader refuses it (one malformed line
refuses the whole file), when it holds blank lines (the reader skips them, so its row numbers
would not be line numbers), or when any of its lines would be quarantined.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse.exceptions import LoadError
from warehouse.db import sql_literal
from warehouse.staged import StagedFile, bound_params, check_path, insert_good, load_file, typed_select

# Partition values as columns instead of statement parameters: one statement serves all files.
_PARTITION_COLUMNS = {"$market": "_market", "$crawl_date": "_crawl_date", "$run_id": "_run_id"}
_CARRY = ("_file", "_market", "_crawl_date", "_run_id")


@dataclass(frozen=True)
class StagedInput:
    """One staged file of one partition."""

    path: Path
    market: str
    crawl_date: str
    run_id: str | None
    source: str  # the path as recorded in the quarantine


def _per_row(sql: str) -> str:
    for param, column in _PARTITION_COLUMNS.items():
        sql = sql.replace(param, column)
    return sql


def _fast_json(spec: StagedFile) -> str:
    columns = ", ".join(f"{sql_literal(n)}: 'JSON'" for n in spec.columns)
    fields = ", ".join(f"{sql_literal(n)}: \"{n}\"" for n in spec.columns)
    # Hive partitioning off: the path's market=... would replace the file's own market field.
    return f"""
    SELECT ordinality::INTEGER AS _line_no, NULL::VARCHAR AS _line, 'OBJECT' AS _kind, {{{fields}}} AS _v
    FROM read_json($path, format = 'newline_delimited', columns = {{{columns}}},
                   maximum_object_size = 16777216, hive_partitioning = false) WITH ORDINALITY"""


def _physical_lines(path: Path) -> int:
    """Lines in the file as a reader of lines counts them (a last line may lack its newline)."""
    count, last = 0, b"\n"
    with path.open("rb") as f:
        while chunk := f.read(1 << 24):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def _parse(con: duckdb.DuckDBPyConnection, spec: StagedFile, path: Path, index: int) -> pa.Table | None:
    """The file's records as (_line_no, _line, _kind, _v, _file), or None for the exact path."""
    cur = con.cursor()  # own transaction: a reader error must not abort the load's
    try:
        table = cur.sql(_fast_json(spec), params={"path": str(path)}).to_arrow_table()
    except duckdb.Error:
        return None
    finally:
        cur.close()
    if table.num_rows != _physical_lines(path):
        return None
    return table.append_column("_file", pa.array([index] * table.num_rows, pa.int32()))


def _parsers(con: duckdb.DuckDBPyConnection) -> int:
    """As many concurrent file parses as DuckDB may use threads."""
    return max(1, int(con.execute("SELECT current_setting('threads')").fetchall()[0][0]))


def _files_table(inputs: list[StagedInput]) -> pa.Table:
    return pa.table({
        "_file": pa.array(range(len(inputs)), pa.int32()),
        "_market": [i.market for i in inputs],
        "_crawl_date": [i.crawl_date for i in inputs],
        "_run_id": pa.array([i.run_id for i in inputs], pa.string()),
    })


def _stage_all(con: duckdb.DuckDBPyConnection, spec: StagedFile, parsed: list[pa.Table],
               inputs: list[StagedInput], countries: list[str]) -> None:
    con.register("_parsed", pa.concat_tables(parsed))
    con.register("_files", _files_table(inputs))
    try:
        source = "SELECT p.*, f._market, f._crawl_date, f._run_id FROM _parsed p JOIN _files f USING (_file)"
        sql = _per_row(f"CREATE OR REPLACE TEMP TABLE _staged AS {typed_select(spec, source, _CARRY)}")
        con.execute(sql, bound_params(sql, {"countries": countries}))
    finally:
        con.unregister("_parsed")
        con.unregister("_files")


def load_files(con: duckdb.DuckDBPyConnection, spec: StagedFile, inputs: list[StagedInput],
               countries: list[str]) -> list[tuple[int, int]]:
    """Insert the good lines of every input into spec.table; (loaded, quarantined) per input."""
    counts = [(0, 0)] * len(inputs)
    present = [n for n, item in enumerate(inputs) if check_path(item.path)]  # absent: loads nothing
    if spec.whole_file:
        tables: list[pa.Table | None] = [None] * len(present)
    else:
        # DuckDB's JSON reader runs one thread per scan here: parse several files at once, each
        # on its own cursor (DuckDB releases the GIL while it runs).
        with ThreadPoolExecutor(max_workers=_parsers(con)) as pool:
            tables = list(pool.map(lambda n: _parse(con, spec, inputs[n].path, n), present))
    parsed = [t for t in tables if t is not None]
    exact = [n for n, t in zip(present, tables) if t is None]
    try:
        if parsed:
            exact += _insert_fast(con, spec, parsed, inputs, countries, counts)
        for n in sorted(exact):
            item = inputs[n]
            partition = {"market": item.market, "crawl_date": item.crawl_date, "run_id": item.run_id,
                         "countries": countries}
            counts[n] = load_file(con, spec, item.path, partition, item.source)
    except duckdb.Error as exc:
        # No cleanup here: the transaction is aborted and the caller rolls it back.
        raise LoadError(f"{spec.filename}: cannot load: {exc}") from exc
    return counts


def _insert_fast(con: duckdb.DuckDBPyConnection, spec: StagedFile, parsed: list[pa.Table],
                 inputs: list[StagedInput], countries: list[str], counts: list[tuple[int, int]]) -> list[int]:
    """Stage and insert the parsed files; return the files that need the exact path."""
    _stage_all(con, spec, parsed, inputs, countries)
    redo = [r[0] for r in con.execute(
        "SELECT DISTINCT _file FROM _staged WHERE _reject IS NOT NULL ORDER BY 1").fetchall()]
    if redo:
        con.execute("DELETE FROM _staged WHERE list_contains($redo, _file)", {"redo": redo})
    insert_good(con, spec, {}, per_row=_per_row, order="_file, _line_no")
    for n, loaded in con.execute("SELECT _file, count(*) FROM _staged GROUP BY _file").fetchall():
        counts[n] = (int(loaded), 0)
    con.execute("DROP TABLE _staged")
    return redo
