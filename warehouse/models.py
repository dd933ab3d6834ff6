"""Modelled tables, rebuilt from the raw tables by SQL files in `models/`.

Each model is `CREATE OR REPLACE TABLE name AS SELECT ... FROM raw_*`: rebuilding is
idempotent and runs inside the caller's transaction, so readers never see half a rebuild.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.exceptions import WarehouseError

MODELS_DIR = Path(__file__).parent / "models"
# Dependency order: seller counts listings, listing_drug joins listing, flag reads both.
MODEL_ORDER = ("market", "crawl_run", "page", "listing", "seller", "listing_drug",
               "crawl_error", "flag")


def model_sql(name: str) -> str:
    path = MODELS_DIR / f"{name}.sql"
    if not path.is_file():
        raise WarehouseError(f"model {name} has no SQL file {path}")
    return path.read_text(encoding="utf-8")


def rebuild(con: duckdb.DuckDBPyConnection, names: tuple[str, ...] = MODEL_ORDER) -> None:
    """Rebuild the named models in order, in the current transaction."""
    for name in names:
        try:
            con.execute(model_sql(name))
        except duckdb.Error as exc:
            raise WarehouseError(f"model {name} failed: {exc}") from exc


def rebuild_in_transaction(con: duckdb.DuckDBPyConnection, names: tuple[str, ...] = MODEL_ORDER) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        rebuild(con, names)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
