"""Partition files: rows of one (market, crawl_date) partition kept as immutable Parquet beside
the warehouse and read in place, not copied into it.

A prepared partition (warehouse.prepared) already holds its raw rows, and the rows of the
incremental models, as typed and checked Parquet. Copying them into the warehouse file cost the
single writer more than a third of a load (the inserts and the checkpoint that compresses them
again), and made every published snapshot, a full copy of the file, as large as all history.
Instead the load links each file into `<warehouse stem>.parts/<table>/market=M/date=D/` (a hard
link: no bytes copied; a copy where links are impossible) and records it in `partition_file`,
in the load's transaction. Each partitioned table is then a view: its `store.<table>` (rows
loaded from staged files, model rows computed by the writer) UNION ALL its registered files.
A rolled-back or killed load leaves at most unregistered files, which the rerun links again.

Registered files are never changed or deleted by the warehouse: a published snapshot an analyst
holds open may still read them, and the raw rows are evidence. A reloaded partition registers
its new file; the old one stays on disk, unregistered (see docs/warehouse.md for pruning).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.db import parquet_scan, sql_list
from warehouse.exceptions import LoadError

STORE = "store"


@dataclass(frozen=True)
class PartFile:
    """A partition's rows of one table, as a Parquet file (sha256 None: hash it when linked)."""

    path: Path
    rows: int
    sha256: str | None = None

# Tables whose rows belong to one partition and may live in partition files (the raw layer;
# the incremental models add themselves, warehouse.models.INCREMENTAL).
RAW = ("raw_listing", "raw_seller", "raw_crawl_error", "raw_crawl_stats", "raw_extracted",
       "raw_delisted")


def stored(table: str) -> str:
    """The physical table holding a partitioned table's rows that are not in files."""
    return f"{STORE}.{table}"


def parts_dir(con: duckdb.DuckDBPyConnection) -> Path | None:
    """<warehouse folder>/<stem>.parts, or None for an in-memory database."""
    path = con.execute("SELECT path FROM duckdb_databases() "
                       "WHERE database_name = current_database()").fetchall()[0][0]
    if not path:
        return None
    path = Path(path).resolve()
    return path.with_name(f"{path.stem}.parts")


def file_sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _link(source: Path, target: Path) -> None:
    """`target` becomes `source`'s bytes: a hard link, else a copy renamed into place."""
    if target.exists():
        if target.stat().st_size == source.stat().st_size:
            return  # linked by an earlier attempt of this load (file names are unique per prepare)
        raise LoadError(f"{target} exists with other contents; it is a registered partition file")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed: copy
        tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        shutil.copyfile(source, tmp)
        tmp.chmod(0o444)
        os.replace(tmp, target)


def forget(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...] | list[str],
           partitions: list[tuple[str, str]] | None) -> None:
    """Unregister the tables' files of these partitions (None: of every partition)."""
    where = "" if partitions is None else \
        " AND list_contains($keys, market || '/' || crawl_date::VARCHAR)"
    params = {"tables": list(tables)}
    if partitions is not None:
        params["keys"] = [f"{m}/{d}" for m, d in partitions]
    con.execute(f"DELETE FROM partition_file WHERE list_contains($tables, tbl){where}", params)


def partitions(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...] | list[str]) -> set[tuple[str, str]]:
    """The (market, 'YYYY-MM-DD') partitions holding rows of any of these tables: from the
    registry and the store tables, not by scanning every registered file."""
    union = " UNION ALL ".join(
        [f"SELECT market, crawl_date FROM partition_file WHERE list_contains({sql_list(tables)}, tbl)"]
        + [f"SELECT market, crawl_date FROM {stored(t)}" for t in tables])
    return set(con.execute(f"SELECT DISTINCT market, crawl_date::VARCHAR FROM ({union})").fetchall())


def registered(con: duckdb.DuckDBPyConnection, base: Path) -> list[tuple[Path, str]]:
    """Every registered file with its recorded SHA-256, its path resolved against `base`, the
    working warehouse's folder (a published snapshot holds a copy of its registry); none for a
    warehouse from before partition files."""
    try:
        rows = con.execute("SELECT path, sha256 FROM partition_file ORDER BY path").fetchall()
    except duckdb.CatalogException:
        return []
    return [((base / path).resolve(), sha) for path, sha in rows]


def register(con: duckdb.DuckDBPyConnection, files: list[tuple[str, str, str, PartFile]]) -> None:
    """Link each (table, market, date, file) into the warehouse's parts folder and record it as
    the partition's rows of `table` (after `forget`: one file per table and partition). One
    INSERT for them all: a statement per file cost ~0.2 s of a load of 30 partitions."""
    if not files:
        return
    root = parts_dir(con)
    if root is None:
        raise LoadError("partition files need a warehouse file, not an in-memory database")
    rows = []
    for table, market, date, part in files:
        target = root / table / f"market={market}" / f"date={date}" / part.path.name
        _link(part.path, target)
        rows.append((table, market, date, str(target.relative_to(root.parent)), part.rows,
                     part.sha256 or file_sha256(target)))
    tables, markets, dates, paths, counts, digests = (list(c) for c in zip(*rows))
    con.execute("INSERT INTO partition_file SELECT unnest($t), unnest($m), unnest($d)::DATE, "
                "unnest($p), unnest($n), unnest($s), now()::TIMESTAMP",
                {"t": tables, "m": markets, "d": dates, "p": paths, "n": counts, "s": digests})


def refresh_views(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...] | list[str]) -> None:
    """(Re)define each table's view: its store table UNION ALL its registered files, every
    column cast to the store table's type (Parquet keeps JSON as text). A column some files
    lack (added by a migration after they were registered) reads NULL from them."""
    root = parts_dir(con)
    for table in tables:
        files = [r[0] for r in con.execute(
            "SELECT path FROM partition_file WHERE tbl = ? ORDER BY market, crawl_date",
            [table]).fetchall()]
        sql = f"SELECT * FROM {stored(table)}"
        try:  # binding reads every file's schema: a missing or broken file fails here
            if files:
                if root is None:
                    raise LoadError(f"{table}: partition files registered in an in-memory database")
                sql += " UNION ALL " + _files_select(con, table, [root.parent / f for f in files])
            con.execute(f"CREATE OR REPLACE VIEW main.{table} AS {sql}")
        except duckdb.Error as exc:
            raise _unreadable(table, f"({exc})") from exc


def _unreadable(table: str, why: str) -> LoadError:
    return LoadError(f"prepared rows of {table} cannot be read in place {why}; delete the "
                     "partitions' prepared/ folders to load from the staged files")


def _files_select(con: duckdb.DuckDBPyConnection, table: str, paths: list[Path]) -> str:
    cols = con.execute(
        "SELECT column_name, data_type, is_nullable FROM duckdb_columns() WHERE schema_name = ? "
        "AND table_name = ? ORDER BY column_index", [STORE, table]).fetchall()
    found = dict(con.execute(f"SELECT name, count(DISTINCT file_name) FROM parquet_schema("
                             f"{sql_list(paths)}) GROUP BY name").fetchall())
    # Only a column that may be NULL can be missing: a file without a key column is broken.
    lost = [c for c, _, nullable in cols if not nullable and found.get(c) != len(paths)]
    if lost:
        raise _unreadable(table, f"(some files lack {', '.join(lost)})")
    cols = [(c, t) for c, t, _ in cols]
    select = ", ".join(f'"{c}"::{t} AS "{c}"' if c in found else f'NULL::{t} AS "{c}"'
                       for c, t in cols)
    if all(found.get(c) == len(paths) for c, _ in cols):
        return f"SELECT {select} FROM {parquet_scan(paths)}"
    # Files of several schema generations: each column by name, NULL where a file lacks it.
    return (f"SELECT {select} FROM read_parquet({sql_list(paths)}, hive_partitioning = false, "
            "union_by_name = true)")
