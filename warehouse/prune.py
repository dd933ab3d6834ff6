"""Partition files no one reads any more, removed on an operator's request, never by a load.

A reloaded partition registers its new files and leaves the old ones on disk: a published
snapshot an analyst holds open may still read them (warehouse.partition_files). Re-crawls,
re-prepared partitions and full rebuilds of the incremental models after a code change thus
leave unregistered files behind. `prune_parts` removes every file under `<stem>.parts` that
neither the warehouse nor any snapshot kept in `published/` registers. It holds the
warehouse's write lock meanwhile, so no load can register a file behind its back, and it never
touches a registered file, the staged files, the prepared partitions or the WARC evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from warehouse.db import connect
from warehouse.exceptions import WarehouseError
from warehouse.partition_files import parts_dir, registered
from warehouse.publish import snapshots


@dataclass
class PruneReport:
    """What a prune found: files still registered somewhere, and those removed (or, on a dry
    run, that would be)."""

    kept: int = 0
    removed: list[Path] = field(default_factory=list)
    bytes_removed: int = 0
    snapshots: int = 0


def _in_snapshots(db_path: Path) -> tuple[set[Path], int]:
    """Files the kept snapshots register (paths are relative to the working file's folder: a
    snapshot is a copy of its registry)."""
    found: set[Path] = set()
    kept = snapshots(db_path)
    for snap in kept:
        try:
            with duckdb.connect(str(snap), read_only=True) as con:
                found |= {path for path, _ in registered(con, db_path.parent)}
        except duckdb.Error as exc:
            # An unreadable snapshot may be what an analyst reads: keep everything.
            raise WarehouseError(f"cannot read snapshot {snap} ({exc}); nothing removed") from exc
    return found, len(kept)


def prune_parts(db_path: Path | str, dry_run: bool = False) -> PruneReport:
    """Remove the partition files no kept state of the warehouse registers; report them."""
    db_path = Path(db_path).resolve()
    if not db_path.exists():
        raise WarehouseError(f"warehouse {db_path} does not exist")
    con = connect(db_path)  # WarehouseInUseError while a load holds it
    try:
        root = parts_dir(con)
        keep = {path for path, _ in registered(con, db_path.parent)}
        in_snapshots, n_snapshots = _in_snapshots(db_path)
        keep |= in_snapshots
        report = PruneReport(snapshots=n_snapshots)
        if root is None or not root.is_dir():
            return report
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            if path.resolve() in keep:
                report.kept += 1
                continue
            report.removed.append(path)
            report.bytes_removed += path.stat().st_size
            if not dry_run:
                path.unlink()
        if not dry_run:
            _remove_empty_dirs(root)
        return report
    finally:
        con.close()


def _remove_empty_dirs(root: Path) -> None:
    for folder in sorted((d for d in root.rglob("*") if d.is_dir()), key=lambda d: len(d.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
