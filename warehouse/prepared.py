"""Prepared partitions: a staged partition parsed, typed and checked into Parquet, off the writer.

The warehouse file has one writer. Parsing the staged JSON lines, typing and checking them is
half of a load's time (at 1M observations ~10 of ~22 s) and needs no warehouse at all, so each
partition can be prepared by its own process beside its extract (an Airflow task per market)
into `prepared/market=M/date=D/`: the rows each raw table and the quarantine would receive, as
Parquet, and a manifest. The load registers those files as the partition's rows, read in place
(warehouse.partition_files; the quarantine's rows it inserts).

Preparing runs the load's own code (`_load_batch`) on an in-memory DuckDB with the same
migrations, so rows, quarantine reasons, line numbers and source names are those a direct load
gives. It also runs the incremental models' SELECTs (`models.INCREMENTAL`, rows that belong to
one partition: superseded_line, page, listing_observation) on those rows, so the load registers
them too instead of computing them. A prepared partition is used only while it is current: its
manifest records the size and modification time of every staged file it read, the staged-file
specs, the migrations that shape the raw tables, the models, seeds and rates, and the country
codes the checks used.
Any difference, or a missing or unreadable file, and the load reads the staged files itself, as
it always did.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import multiprocessing
import os
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pharmwatch.paths import Layout
from warehouse.db import connect, discover, insertion_order_free, parquet_scan, sql_list, sql_literal
from warehouse.exceptions import LoadError
from warehouse import models, partition_files
from warehouse.partition_files import PartFile, file_sha256
from warehouse.staged import has_glob

MANIFEST = "manifest.json"
# Bump when what a prepared file holds changes in a way the specs, migrations and typing
# code (all in the digest) do not show.
FORMAT_VERSION = 1


def directory(layout: Layout, market: str, date: str) -> Path:
    return layout.root / "prepared" / f"market={market}" / f"date={date}"


def _stat(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return [st.st_size, st.st_mtime_ns]


@functools.lru_cache(maxsize=1)
def _code_digest() -> str:
    """What shapes a prepared row besides the staged files: the specs, the migrations and the
    typing and checking code itself, so a change to any of them retires old prepared files."""
    from warehouse import load, staged, staged_batch  # load imports this module

    h = hashlib.sha256(f"format {FORMAT_VERSION}\n".encode())
    for spec in load.SPECS:
        h.update(repr(spec).encode())
    for mig in discover():
        h.update(f"{mig.label} {mig.sha256}\n".encode())
    for module in (load, staged, staged_batch):
        h.update(Path(module.__file__).read_bytes())
    h.update(models.code_digest().encode())
    return h.hexdigest()


def fingerprint(layout: Layout, market: str, date: str, countries: list[str]) -> dict:
    """Everything a prepared partition depends on, cheap to recompute (stat calls, no reads)."""
    from warehouse.load import SPECS, source_path

    paths = [source_path(layout, spec, market, date) for spec in SPECS]
    return {
        "code": _code_digest(),
        "countries": hashlib.sha256(",".join(countries).encode()).hexdigest(),
        "files": {str(p.relative_to(layout.root)): _stat(p) for p in paths},
    }


def _scratch_warehouse() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the raw tables and quarantine of the warehouse, and the seeds
    and staging views the incremental models read."""
    con = connect(":memory:")
    for mig in discover():
        con.execute(mig.path.read_text(encoding="utf-8"))
    for name in models.INCREMENTAL_INPUTS:
        con.execute(models.model_sql(name))
    return con


def _write(con: duckdb.DuckDBPyConnection, query: str, out: Path) -> int:
    """COPY the query's rows to `out`; the row count. No file is kept for no rows."""
    n = con.execute(f"COPY ({query}) TO {sql_literal(str(out))} (FORMAT parquet)").fetchall()[0][0]
    if not n:
        out.unlink(missing_ok=True)
    return n


def _write_json_atomic(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def _previous_token(target: Path) -> str | None:
    try:
        return json.loads((target / MANIFEST).read_text(encoding="utf-8")).get("token")
    except (OSError, ValueError, AttributeError):
        return None


def _prune(target: Path, keep: set[str | None]) -> None:
    """Parquet files of older generations. The one before the newest stays: a load that read
    the previous manifest a moment ago may still be reading its files."""
    for path in target.glob("*.parquet"):
        if path.stem.rsplit("-", 1)[-1] not in keep:
            path.unlink(missing_ok=True)


def prepare_partition(layout: Layout, market: str, date: str) -> dict:
    """Parse, type and check one staged partition into prepared Parquet; return its manifest."""
    from warehouse.load import RAW_TABLES, _load_batch, country_codes, validate_partition

    validate_partition(market, date)
    target = directory(layout, market, date)
    if has_glob(target):
        raise LoadError(f"{target}: path contains a glob character (*, ? or [)")
    con = _scratch_warehouse()
    try:
        # Stat before reading: a file rewritten meanwhile then no longer matches the manifest.
        stamp = fingerprint(layout, market, date, country_codes(con))
        counts = _load_batch(con, layout, [(market, date)])[0][f"{market}/{date}"]
        target.mkdir(parents=True, exist_ok=True)
        token = uuid.uuid4().hex[:12]
        rows = {}
        for table in RAW_TABLES:
            rows[table] = _write(con, f"SELECT * FROM {table}", target / f"{table}-{token}.parquet")
        for name in models.INCREMENTAL:  # the scratch warehouse holds this partition only
            # Kept in the scratch warehouse too: a later model reads an earlier one (the staging
            # views read superseded_line).
            con.execute(f"CREATE OR REPLACE TABLE {partition_files.stored(name)} AS "
                        f"{models.incremental_select(name, None)}")
            rows[name] = _write(con, f"SELECT * FROM {partition_files.stored(name)}",
                                target / f"{name}-{token}.parquet")
    finally:
        con.close()
    # Hashed here, off the writer: the load records them with each registered file, which it
    # links, not copies. Read-only, like the WARC evidence: nothing may rewrite them.
    sha256 = {}
    for t, n in rows.items():
        if n:
            path = target / f"{t}-{token}.parquet"
            path.chmod(0o444)
            sha256[t] = file_sha256(path)
    previous = _previous_token(target)
    manifest = {"market": market, "date": date, "token": token, "fingerprint": stamp,
                "rows": rows, "sha256": sha256, "counts": counts,
                "prepared_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    _write_json_atomic(target / MANIFEST, manifest)
    _prune(target, {token, previous})
    return manifest


@dataclass(frozen=True)
class Prepared:
    """A current prepared partition: its Parquet file per raw table and incremental model (none
    for a table without rows), and the load counts."""

    market: str
    date: str
    files: dict[str, Path]
    rows: dict[str, int]
    counts: dict
    sha256: dict[str, str]

    def part(self, table: str) -> PartFile:
        return PartFile(self.files[table], self.rows[table], self.sha256.get(table))

    def computed(self, table: str) -> PartFile | None:
        """The partition's rows of an incremental model as prepared: its file, or None when
        prepare computed it and found no rows (no file is kept for none)."""
        return self.part(table) if table in self.files else None


def current(layout: Layout, market: str, date: str, countries: list[str]) -> Prepared | None:
    """The partition's prepared files if they match today's staged files and code, else None."""
    target = directory(layout, market, date)
    try:
        manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or has_glob(target):
        return None
    if manifest.get("fingerprint") != fingerprint(layout, market, date, countries):
        return None
    token, rows = manifest.get("token"), manifest.get("rows") or {}
    files = {t: target / f"{t}-{token}.parquet" for t, n in rows.items() if n}
    return Prepared(market, date, files, rows, manifest.get("counts") or {},
                    manifest.get("sha256") or {})


def readable_rows(con: duckdb.DuckDBPyConnection, prepared: Prepared) -> bool:
    """True when every file is there with the row count its manifest gives (footers only)."""
    if not prepared.files:
        return True
    cur = con.cursor()  # own transaction: a bad footer must not abort the load's
    try:
        found = dict(cur.execute(
            f"SELECT file_name, sum(num_rows) FROM parquet_file_metadata({sql_list(prepared.files.values())}) "
            "GROUP BY 1").fetchall())
    except duckdb.Error:
        return False
    finally:
        cur.close()
    return all(found.get(str(p)) == prepared.rows[t] for t, p in prepared.files.items())


def register(con: duckdb.DuckDBPyConnection, batch: list[Prepared], tables: tuple[str, ...]) -> None:
    """The batch's files of these tables become their partitions' rows, read in place
    (warehouse.partition_files); the caller refreshes the views."""
    partition_files.register(con, [(table, item.market, item.date, item.part(table))
                                   for item in batch for table in tables if table in item.files])


def insert(con: duckdb.DuckDBPyConnection, batch: list[Prepared], tables: tuple[str, ...]) -> None:
    """One bulk INSERT per table from the batch's prepared files (the quarantine, which is
    searched and exported as a table of its own)."""
    with insertion_order_free(con):
        for table in tables:
            paths = [p.files[table] for p in batch if table in p.files]
            if paths:
                _insert_files(con, table, paths)


def _insert_files(con: duckdb.DuckDBPyConnection, table: str, paths: list[Path]) -> None:
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {parquet_scan(paths)}")
    except duckdb.Error as exc:
        raise LoadError(f"prepared rows of {table} cannot be loaded ({exc}); delete the "
                        "partitions' prepared/ folders to load from the staged files") from exc


def _prepare_one(root: str, market: str, date: str) -> dict:
    return prepare_partition(Layout(Path(root)), market, date)


def prepare_partitions(layout: Layout, partitions: list[tuple[str, str]], workers: int = 1) -> list[dict]:
    """Prepare several partitions, `workers` processes at a time; manifests in input order."""
    partitions = list(dict.fromkeys(partitions))
    if workers <= 1 or len(partitions) <= 1:
        return [prepare_partition(layout, m, d) for m, d in partitions]
    # spawn, not fork: the caller may hold DuckDB threads, which a forked child would inherit locked.
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futures = [pool.submit(_prepare_one, str(layout.root), m, d) for m, d in partitions]
        return [f.result() for f in futures]
