"""Export the marts as Hive-partitioned Parquet (DIR/<table>/week=.../market=.../*.parquet).

DuckDB, Spark and Trino read the result as it is. Each table is written to a scratch
directory and swapped in, so a re-export replaces a table instead of mixing old and new files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from warehouse.db import connect
from warehouse.exceptions import WarehouseError

# table -> (SELECT producing it, partition columns)
_WEEK = "strftime(crawl_date, '%G-W%V') AS week"
EXPORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "listing_observation": ("SELECT * FROM listing_observation", ("week", "market")),
    "page": (f"SELECT *, {_WEEK} FROM page", ("week", "market")),
    "crawl_run": (f"SELECT *, {_WEEK} FROM crawl_run", ("week", "market")),
    "crawl_error": (f"SELECT *, {_WEEK} FROM crawl_error", ("week", "market")),
    "listing": ("SELECT *, strftime(first_crawl_date, '%G-W%V') AS week FROM listing", ("week", "market")),
    "seller": ("SELECT * FROM seller", ("market",)),
    "listing_drug": ("SELECT * FROM listing_drug", ("market",)),
    "listing_route": ("SELECT * FROM listing_route", ("market",)),
    "flag": ("SELECT * FROM flag", ("market",)),
    "seller_identifier": ("SELECT * FROM seller_identifier", ("market",)),
    "seller_link": ("SELECT * FROM seller_link", ()),
    "seller_identity": ("SELECT * FROM seller_identity", ()),
    "seller_identity_member": ("SELECT * FROM seller_identity_member", ()),
    "market": ("SELECT * FROM market", ()),
    "drug": ("SELECT * FROM drug", ()),
    "country": ("SELECT * FROM country", ()),
}


def _copy(con: duckdb.DuckDBPyConnection, select: str, partition: tuple[str, ...], target: Path) -> None:
    options = "FORMAT parquet, COMPRESSION zstd"
    if partition:
        options += f", PARTITION_BY ({', '.join(partition)})"
        con.execute(f"COPY ({select}) TO '{target}' ({options})")
    else:
        target.mkdir(parents=True)
        con.execute(f"COPY ({select}) TO '{target / 'data.parquet'}' ({options})")


def _swap(scratch: Path, final: Path) -> None:
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    scratch.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def export_marts(db_path: Path, out_dir: Path) -> dict[str, int]:
    """Write every mart under out_dir; return rows per table."""
    out_dir = Path(out_dir)
    if "'" in str(out_dir):
        raise WarehouseError(f"export directory {out_dir} must not contain a quote")
    out_dir.mkdir(parents=True, exist_ok=True)
    con = connect(db_path, read_only=True)
    counts: dict[str, int] = {}
    try:
        for table, (select, partition) in EXPORTS.items():
            scratch = out_dir / f".{table}.part"
            shutil.rmtree(scratch, ignore_errors=True)
            try:
                _copy(con, select, partition, scratch.resolve())
            except duckdb.Error as exc:
                shutil.rmtree(scratch, ignore_errors=True)
                raise WarehouseError(f"export of {table} failed: {exc}") from exc
            _swap(scratch, out_dir / table)
            counts[table] = int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        con.close()
    return counts
