"""Read-only snapshots for analysts, published atomically after each load.

DuckDB lets one process write a file and keeps every other process out while it does, so
analysts never open the working file. After a load commits, the loader checkpoints, copies
the working file to `published/<stem>-<UTC timestamp>.duckdb` (while still holding the write
lock, so the copy is a committed state), and repoints the symlink `<stem>.current.duckdb` with
one `os.replace`. A reader resolving the symlink gets the old or the new snapshot, whole.
Snapshots older than the last KEEP are deleted; a reader that still has one open keeps reading
it (POSIX unlink semantics) until it reopens.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import duckdb

from warehouse.exceptions import WarehouseError

KEEP = 3


def pointer(db_path: Path) -> Path:
    """The symlink readers open: <dir>/<stem>.current.duckdb."""
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.stem}.current.duckdb")


def published_dir(db_path: Path) -> Path:
    return Path(db_path).parent / "published"


def publish(con: duckdb.DuckDBPyConnection, db_path: Path) -> Path:
    """Snapshot the committed state of db_path (open for writing on `con`); return the snapshot."""
    db_path = Path(db_path)
    con.execute("CHECKPOINT")  # everything committed is now in the main file, the WAL is empty
    target_dir = published_dir(db_path)
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    snapshot = target_dir / f"{db_path.stem}-{stamp}.duckdb"
    part = snapshot.with_name(snapshot.name + ".part")
    try:
        shutil.copyfile(db_path, part)
        os.replace(part, snapshot)
        link = pointer(db_path)
        tmp = link.with_name(link.name + ".tmp")
        tmp.unlink(missing_ok=True)
        os.symlink(os.path.relpath(snapshot, link.parent), tmp)
        os.replace(tmp, link)  # atomic: readers see the old or the new target, never neither
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise WarehouseError(f"cannot publish a snapshot of {db_path}: {exc}") from exc
    _prune(db_path, snapshot)
    return snapshot


def snapshots(db_path: Path) -> list[Path]:
    """The published snapshots of db_path kept on disk, oldest first."""
    return sorted(published_dir(db_path).glob(f"{Path(db_path).stem}-*.duckdb"))


def _prune(db_path: Path, current: Path) -> None:
    for old in snapshots(db_path)[:-KEEP]:
        if old != current:
            old.unlink(missing_ok=True)


def readable(db_path: Path) -> Path:
    """What an analyst should open: the published snapshot if there is one, else the file itself."""
    link = pointer(db_path)
    return link.resolve() if link.exists() else Path(db_path)
