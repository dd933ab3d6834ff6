"""Modelled layers, rebuilt from the raw tables by SQL files, dbt-style: one file per model.

raw_* tables (staged files, loaded per partition) -> stg_* views (renames, casts) -> marts
(tables) -> analyst views (`views/`). Each model is `CREATE OR REPLACE ...`: rebuilding is
idempotent and runs inside the caller's transaction, so readers never see half a rebuild.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from warehouse.db import sql_literal
from warehouse.exceptions import WarehouseError

MODELS_DIR = Path(__file__).parent / "models"
VIEWS_DIR = Path(__file__).parent / "views"
SEEDS_DIR = Path(__file__).parent / "seeds"
# One dated table of exchange rates serves both stages: the NLP stage converts prices with it
# (nlp/rates.py) and the warehouse converts what the NLP stage could not, at the crawl date.
RATES_CSV = Path(__file__).parents[1] / "nlp" / "data" / "rates.csv"
# Dependency order: seeds, staging views, then marts in the order they read each other.
MODEL_ORDER = (
    "country", "fx_rate",
    "stg_listing", "stg_extracted", "stg_seller", "stg_crawl",
    "market", "crawl_run", "page", "listing_observation", "listing", "seller",
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


# Staging views that several marts read. A rebuild computes each once, right after its view,
# into a temp table of the same name: DuckDB resolves temp objects before main ones, so the marts
# read the table; it is dropped before the analyst views are created, which thus bind to the
# view. As views the marts re-ran their de-duplication, JSON field extraction and currency
# look-up each time (a third of a rebuild at 1M observations); a temp table is also written
# without compression, ~5x cheaper than a persistent one.
MATERIALISED = ("stg_listing", "stg_extracted")


def rebuild(con: duckdb.DuckDBPyConnection, names: tuple[str, ...] = MODEL_ORDER) -> None:
    """Rebuild the named models in order, then the analyst views, in the current transaction.

    On an error the temp tables stay: the caller's ROLLBACK undoes them with the rest."""
    for name in names:
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
