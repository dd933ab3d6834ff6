"""Modelled layers, rebuilt from the raw tables by SQL files, dbt-style: one file per model.

raw_* tables (staged files, loaded per partition) -> stg_* views (renames, casts) -> int_* views
(intermediate) -> marts (tables) -> analyst views (`views/`). Each model is `CREATE OR REPLACE
...`, or, for the incremental ones, a SELECT whose loaded partitions are replaced: rebuilding
is idempotent and runs inside the caller's transaction, so readers never see half a rebuild.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Mapping
from pathlib import Path

import duckdb

from warehouse import partition_files
from warehouse.db import insertion_order_free, sql_literal
from warehouse.exceptions import WarehouseError
from warehouse.partition_files import STORE, PartFile, stored

MODELS_DIR = Path(__file__).parent / "models"
VIEWS_DIR = Path(__file__).parent / "views"
SEEDS_DIR = Path(__file__).parent / "seeds"
# One dated table of exchange rates serves both stages: the NLP stage converts prices with it
# (nlp/rates.py) and the warehouse converts what the NLP stage could not, at the crawl date.
RATES_CSV = Path(__file__).parents[1] / "nlp" / "data" / "rates.csv"
log = logging.getLogger(__name__)
# Dependency order: seeds, staging views, then marts in the order they read each other.
MODEL_ORDER = (
    "country", "fx_rate", "superseded_line",
    "stg_listing", "stg_extracted", "stg_seller", "stg_crawl",
    "market", "crawl_run", "page", "listing_observation",
    "int_listing_latest", "int_extracted_latest", "listing", "seller",
    "seller_identifier", "seller_link", "seller_identity",
    "listing_drug", "drug", "listing_route", "crawl_error", "flag",
)


def analyst_views() -> list[str]:
    """Names of the documented analyst views (views/NAME.sql), sorted."""
    return sorted(p.stem for p in VIEWS_DIR.glob("*.sql"))


def model_sql(name: str, directory: Path = MODELS_DIR) -> str:
    path = directory / f"{name}.sql"
    if not path.is_file():
        raise WarehouseError(f"model {name} has no SQL file {path}")
    # Seeds are read from the package; the path is ours, never user input.
    return (path.read_text(encoding="utf-8").replace("{{seeds}}", sql_literal(str(SEEDS_DIR)))
            .replace("{{rates}}", sql_literal(str(RATES_CSV))))


# {{rule:RULE_ID.PARAM}}: a parameter of a rule in effect, inlined as a constant. DuckDB
# compiles a regular expression once per query only when the pattern is a constant; read from
# the risk_rule table per row it recompiled each pattern for every row (46 s of 63 at 300k).
_RULE_PARAM = re.compile(r"\{\{rule:(\w+)\.(\w+)\}\}")


def _render_rule_params(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """Inline the rule parameters the SQL names; NULL when the rule or parameter is absent."""
    if "{{rule:" not in sql:
        return sql
    values = dict(((r, k), v) for r, k, v in con.execute(
        "SELECT rule_id, k.key, params ->> k.key FROM risk_rule, "
        "LATERAL (SELECT unnest(json_keys(params)) AS key) k").fetchall())

    def literal(m: re.Match) -> str:
        value = values.get((m.group(1), m.group(2)))
        return "NULL::VARCHAR" if value is None else sql_literal(value)

    return _RULE_PARAM.sub(literal, sql)


def _run(con: duckdb.DuckDBPyConnection, name: str, directory: Path) -> None:
    try:
        con.execute(_render_rule_params(con, model_sql(name, directory)))
    except duckdb.Error as exc:
        raise WarehouseError(f"model {name} failed: {exc}") from exc


# Intermediate views that several marts read. A rebuild computes each once, right after its
# view, into a temp table of the same name: DuckDB resolves temp objects before main ones, so the
# marts read the table; it is dropped before the analyst views are created, which thus bind to
# the view. They hold one row per listing (its latest page, its latest extraction); the marts
# used to read temp copies of the whole staging layer (one row per observation), a sixth of a
# load at 1M observations. A temp table is also written without compression.
MATERIALISED = ("int_listing_latest", "int_extracted_latest")

# Models whose rows belong to one (market, crawl_date) partition, as the raw rows they come from:
# a load replaces only the partitions it loaded. Their SQL file is a SELECT with {{partitions}}
# where the partition filter goes. A full build recreates the table from every partition: when
# no partitions are given, and whenever the models' code differs from what model_state recorded.
INCREMENTAL = ("superseded_line", "page", "listing_observation")
# What their SQL reads besides the raw tables and earlier incremental models: a prepared
# partition runs these, then the incremental SELECTs in order, on its own rows (warehouse.prepared).
INCREMENTAL_INPUTS = ("country", "fx_rate", "stg_listing", "stg_extracted")

Partitions = list[tuple[str, str]] | None
# Rows of incremental models computed ahead for some partitions: {(market, date): {model: file}},
# None for a model computed ahead that has no rows there.
Ready = Mapping[tuple[str, str], Mapping[str, PartFile | None]]


@functools.cache
def code_digest() -> str:
    """SHA-256 of everything an incremental model's rows depend on besides the raw rows: every
    model file (they read each other), the seeds and the rates table."""
    h = hashlib.sha256()
    for path in sorted([*MODELS_DIR.glob("*.sql"), *SEEDS_DIR.iterdir(), RATES_CSV]):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def partition_filter(partitions: list[tuple[str, str]]) -> str:
    """A filter on market and crawl_date that DuckDB pushes into the raw scans (IN lists of
    constants), made exact by the pairs."""
    if not partitions:
        return "false"
    markets = ", ".join(sorted({sql_literal(m) for m, _ in partitions}))
    dates = ", ".join(sorted({f"DATE {sql_literal(d)}" for _, d in partitions}))
    pairs = ", ".join(sql_literal(f"{m}/{d}") for m, d in partitions)
    return (f"(market IN ({markets}) AND crawl_date IN ({dates}) "
            f"AND market || '/' || crawl_date::VARCHAR IN ({pairs}))")


def incremental_select(name: str, partitions: list[tuple[str, str]] | None) -> str:
    """The model's SELECT for these partitions (None: every partition)."""
    where = "true" if partitions is None else partition_filter(partitions)
    return model_sql(name).replace("{{partitions}}", where)


def _state_current(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    rows = con.execute("SELECT digest FROM model_state WHERE model = ?", [name]).fetchall()
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? "
                         "AND table_name = ? AND NOT temporary", [STORE, name]).fetchall()[0][0]
    return bool(exists) and bool(rows) and rows[0][0] == code_digest()


# Where incremental models find their partitions: every raw table they read rows from.
_SOURCES = ("raw_listing", "raw_seller", "raw_extracted")


def _full_build_reason(con: duckdb.DuckDBPyConnection, name: str, partitions: Partitions) -> str | None:
    """Why the model must be built whole, or None to replace the loaded partitions only: it was
    built by the current code and the warehouse holds partitions the load leaves alone. Otherwise
    a full build gives the same rows, cheaper (first load, reload of everything)."""
    if partitions is None:
        return "no partitions given"
    if not _state_current(con, name):
        return "not built yet by the current models, seeds and rates"
    # Other partitions of the raw rows, not of the model: a model may have no rows in some.
    others = partition_files.partitions(con, _SOURCES) - set(partitions)
    return None if others else "the load replaces every partition it holds"


def _run_incremental(con: duckdb.DuckDBPyConnection, name: str, partitions: Partitions,
                     ready: Ready | None = None) -> None:
    """Replace the rows of the loaded partitions, or build the table whole (first load, changed
    code, no partitions given). Rows computed ahead are registered as partition files; the
    others are computed into store.<name>. The model is the view over both."""
    ready = {p: files[name] for p, files in (ready or {}).items() if name in files}
    try:
        with insertion_order_free(con):
            _replace_or_build(con, name, partitions, ready)
        partition_files.refresh_views(con, [name])
    except duckdb.Error as exc:
        raise WarehouseError(f"model {name} failed: {exc}") from exc


def _replace_or_build(con: duckdb.DuckDBPyConnection, name: str, partitions: Partitions,
                      ready: Mapping[tuple[str, str], PartFile | None]) -> None:
    reason = _full_build_reason(con, name, partitions)
    if reason is None:
        log.info("%s: rows of %d loaded partitions replaced (%d computed ahead)", name,
                 len(partitions), sum(p in ready for p in partitions))
        con.execute(f"DELETE FROM {stored(name)} WHERE {partition_filter(partitions)}")
        partition_files.forget(con, [name], partitions)
        rest = sorted(p for p in partitions if p not in ready)
        if rest:
            con.execute(f"INSERT INTO {stored(name)} BY NAME {incremental_select(name, rest)}")
    else:
        log.info("%s: built whole (%s)", name, reason)
        # Files computed by other code may be registered: every partition not loaded now is
        # computed again. One statement: DuckDB 2.0.0 loses the rows of a large INSERT
        # (optimistically written row groups) into a table created by CREATE TABLE AS in the
        # same transaction; readers then see none of them, before and after COMMIT.
        partition_files.forget(con, [name], None)
        rest = None if not ready else sorted(partition_files.partitions(con, _SOURCES) - set(ready))
        con.execute(f"CREATE OR REPLACE TABLE {stored(name)} AS {incremental_select(name, rest)}")
        con.execute("INSERT OR REPLACE INTO model_state VALUES (?, ?, now()::TIMESTAMP)",
                    [name, code_digest()])
    partition_files.register(con, [(name, market, date, part)
                                   for (market, date), part in sorted(ready.items()) if part is not None])


def rebuild(con: duckdb.DuckDBPyConnection, names: tuple[str, ...] = MODEL_ORDER,
            partitions: Partitions = None, ready: Ready | None = None) -> None:
    """Rebuild the named models in order, then the analyst views, in the current transaction.
    `partitions`: the (market, date) partitions whose raw rows changed, the only ones the
    incremental models then rebuild; None rebuilds them whole. `ready`: their rows computed
    ahead (prepared partitions), valid for the current model code only (their manifests check it).

    On an error the temp tables stay: the caller's ROLLBACK undoes them with the rest."""
    for name in names:
        if name in INCREMENTAL:
            _run_incremental(con, name, partitions, ready)
        else:
            _run(con, name, MODELS_DIR)
        if name in MATERIALISED:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM main.{name}")
    for name in MATERIALISED:
        con.execute(f"DROP TABLE IF EXISTS temp.{name}")
    for name in analyst_views():
        _run(con, name, VIEWS_DIR)


def rebuild_in_transaction(con: duckdb.DuckDBPyConnection, names: tuple[str, ...] = MODEL_ORDER) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        rebuild(con, names)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
