"""Connections and ordered, checksummed SQL migrations."""

from __future__ import annotations

import contextlib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.exceptions import MigrationError, WarehouseInUseError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")

_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL
)
"""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()

    @property
    def label(self) -> str:
        return f"{self.version:03d}_{self.name}"


def sql_literal(text: str) -> str:
    """A SQL string literal (quotes doubled), for values DuckDB cannot take as parameters
    (paths in COPY, file names in json_transform shapes, inlined rule parameters)."""
    return "'" + text.replace("'", "''") + "'"


def sql_list(values) -> str:
    """A SQL list literal of strings (file lists for DuckDB's readers)."""
    return "[" + ", ".join(sql_literal(str(v)) for v in values) + "]"


def parquet_scan(paths) -> str:
    """A FROM clause reading these Parquet files as they are: no Hive columns from their paths
    (prepared/market=M/date=D/ would add market and date columns of its own)."""
    return f"read_parquet({sql_list(paths)}, hive_partitioning = false)"


@contextlib.contextmanager
def insertion_order_free(con: duckdb.DuckDBPyConnection):
    """Bulk inserts of rows that carry their own partition and line number: their physical order
    means nothing, and keeping it serialises part of the scan (1.6 vs 0.8 s at 1M rows)."""
    con.execute("SET preserve_insertion_order = false")
    try:
        yield
    finally:
        with contextlib.suppress(duckdb.Error):  # an aborted transaction refuses even this
            con.execute("RESET preserve_insertion_order")


# Row groups the writer builds: 16,384 rows instead of DuckDB's 122,880. DuckDB writes a new
# table's full row groups to the file while CREATE TABLE AS runs, in parallel; the rows of a
# last, partial row group wait for COMMIT, which logs them to the WAL and compresses them again
# at the checkpoint, on one thread. The per-listing marts (listing, flag, listing_drug) held
# ~118k rows at 1M observations, just under one default row group: all of them took that slow
# way, ~0.8 s of COMMIT in a 5.5 s load (now ~0.02 s). Readers are unaffected: the size is
# stored with each row group, and smaller ones only refine the min/max skipping of scans.
WRITER_ROW_GROUP_SIZE = 16_384


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; every session works in UTC so timestamps never shift."""
    path = Path(path)
    if read_only and not path.exists():
        raise MigrationError(f"warehouse {path} does not exist; run `pharmwatch load` first")
    try:
        if read_only or str(path) == ":memory:":
            con = duckdb.connect(str(path), read_only=read_only)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            con = _attach_writer(path)
    except (duckdb.IOException, duckdb.ResourceInUseException) as exc:
        busy = in_use(path, exc)
        if busy is None:
            raise
        raise busy from exc
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")  # CLI output and Airflow logs stay clean
    # Partitioned tables read their registered Parquet files in place (partition_files): keep
    # their footers in memory instead of reading every file's footer for every query.
    con.execute("SET parquet_metadata_cache = true")
    return con


# DuckDB's words for a file another process has locked; its message names that process.
_LOCKED = re.compile(r"Could not set lock on file|Conflicting lock", re.IGNORECASE)
_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


def in_use(path: Path, exc: duckdb.Error) -> WarehouseInUseError | None:
    """The operator's message for a warehouse someone else holds, or None for other errors.
    DuckDB lets one process at a time open a file that is written, even to read it."""
    text = str(exc)
    if isinstance(exc, duckdb.ResourceInUseException):
        return WarehouseInUseError(
            f"warehouse {path} is in use: this process already has it open for writing; "
            f"close that connection first ({text})")
    if not _LOCKED.search(text):
        return None
    holder = _HOLDER.search(text)
    who = (f" (PID {holder['pid']}, {Path(holder['program']).name})" if holder else "")
    return WarehouseInUseError(
        f"warehouse {path} is in use by another process{who}: a load, a report or a "
        f"`query --live` holds it, and DuckDB lets one process at a time open a file that is "
        f"written. Try again when it has finished; meanwhile `pharmwatch query` without --live "
        f"reads the last published snapshot")


def _attach_writer(path: Path) -> duckdb.DuckDBPyConnection:
    """The file attached for writing, with the writer's row-group size, which only ATTACH can
    set. Its catalog is `warehouse` whatever the file's name (each connection is a DuckDB
    instance of its own, and nothing names the catalog: readers open the file under its stem).
    Unlike duckdb.connect(path), a second writer in the same process is refused while this one
    is open (DuckDB's ResourceInUseException) instead of sharing it."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {sql_literal(str(path))} AS warehouse (ROW_GROUP_SIZE {WRITER_ROW_GROUP_SIZE})")
        con.execute("USE warehouse")
    except BaseException:
        con.close()
        raise
    return con


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Migration files sorted by version; a malformed name or duplicate version is an error."""
    found: dict[int, Migration] = {}
    for path in sorted(directory.glob("*.sql")):
        m = _NAME.match(path.name)
        if not m:
            raise MigrationError(f"migration file {path.name} is not named NNN_name.sql")
        version = int(m.group(1))
        if version in found:
            raise MigrationError(f"two migrations share version {version:03d}")
        found[version] = Migration(version, m.group(2), path)
    return [found[v] for v in sorted(found)]


def _applied(con: duckdb.DuckDBPyConnection) -> dict[int, tuple[str, str]]:
    rows = con.execute("SELECT version, name, sha256 FROM schema_migrations").fetchall()
    return {v: (n, s) for v, n, s in rows}


def _check_applied(migrations: list[Migration], applied: dict[int, tuple[str, str]]) -> None:
    by_version = {m.version: m for m in migrations}
    for version, (name, sha) in sorted(applied.items()):
        mig = by_version.get(version)
        if mig is None:
            raise MigrationError(f"applied migration {version:03d}_{name} is missing from {MIGRATIONS_DIR}")
        if mig.sha256 != sha:
            raise MigrationError(
                f"checksum mismatch for applied migration {mig.label}: the file changed after it ran; "
                "add a new migration instead of editing an applied one"
            )


def _apply(con: duckdb.DuckDBPyConnection, mig: Migration) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(mig.path.read_text(encoding="utf-8"))
        if _has_table(con, "partition_file"):
            # A migration may have added a column to a raw store table: the views over the
            # table and its registered files are written again in the same transaction (files
            # lacking the column read NULL for it). Imported here: partition_files imports db.
            from warehouse import partition_files

            partition_files.refresh_views(con, partition_files.RAW)
        con.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, ?, now()::TIMESTAMP)",
            [mig.version, mig.name, mig.sha256],
        )
        con.execute("COMMIT")
    except BaseException as exc:
        con.execute("ROLLBACK")
        if isinstance(exc, duckdb.Error):
            raise MigrationError(f"migration {mig.label} failed: {exc}") from exc
        raise


def migrate_connection(con: duckdb.DuckDBPyConnection, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply pending migrations in order, each in its own transaction; return their labels."""
    con.execute(_LEDGER)
    migrations = discover(directory)
    applied = _applied(con)
    _check_applied(migrations, applied)
    done: list[str] = []
    for mig in migrations:
        if mig.version not in applied:
            _apply(con, mig)
            done.append(mig.label)
    if done or not _models_exist(con):
        # Imported here: models import db for connect(), avoid a cycle at import time.
        from warehouse.models import rebuild_in_transaction

        rebuild_in_transaction(con)
    return done


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    rows = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND schema_name = 'main'",
                       [name]).fetchall()
    return bool(rows[0][0])


def _models_exist(con: duckdb.DuckDBPyConnection) -> bool:
    return _has_table(con, "flag")


def migrate(path: Path | str, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Bring the warehouse at `path` up to date; returns the migrations applied now."""
    con = connect(path)
    try:
        return migrate_connection(con, directory)
    finally:
        con.close()
