"""Partition files: a prepared partition's Parquet files are linked beside the warehouse,
registered in the load's transaction and read in place through the raw and incremental views."""

from __future__ import annotations

import shutil
import stat
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "warehouse"))
from db_snapshot import PARTITIONED, snapshot  # noqa: E402
from staged_world import write_partition, write_world  # noqa: E402

from crawlers.verify import Report, check_file, partition_files  # noqa: E402
from pharmwatch.paths import Layout  # noqa: E402
from warehouse import models, prepared  # noqa: E402
from warehouse.db import discover, migrate  # noqa: E402
from warehouse.exceptions import WarehouseError  # noqa: E402
from warehouse.load import all_partitions, load_all, load_partition  # noqa: E402
from warehouse.partition_files import RAW, file_sha256, refresh_views  # noqa: E402
from warehouse.publish import readable  # noqa: E402

DAY1, DAY2 = "2026-11-16", "2026-11-17"


def _registry(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT tbl, market, crawl_date::VARCHAR, path, rows, sha256 "
                           "FROM partition_file ORDER BY ALL").fetchall()


def _prepared_world(root: Path, n: int = 6):
    """(layout, world): two days of three markets, every partition prepared."""
    world = write_world(root, dates=(DAY1, DAY2), n=n)
    layout = Layout(root)
    prepared.prepare_partitions(layout, all_partitions(layout))
    return layout, world


def test_prepared_rows_are_linked_registered_and_read_in_place(tmp_path: Path) -> None:
    layout, _ = _prepared_world(tmp_path)
    db = tmp_path / "w.duckdb"
    counts = load_all(db, layout)
    assert all(c.get("prepared") for c in counts.values())
    rows = _registry(db)
    assert {"raw_listing", "raw_extracted", "page", "listing_observation"} <= {r[0] for r in rows}
    assert {(r[0], r[1], r[2]) for r in rows if r[0] in ("raw_listing", "page")} == \
        {(t, m, d) for t in ("raw_listing", "page") for m, d in all_partitions(layout)}
    for table, market, date, path, n, sha in rows:
        linked = tmp_path / path
        assert linked.is_relative_to(tmp_path / "w.parts" / table / f"market={market}" / f"date={date}")
        source = prepared.directory(layout, market, date) / linked.name
        assert linked.stat().st_ino == source.stat().st_ino  # a hard link: no bytes copied
        assert file_sha256(linked) == sha and n > 0
    with duckdb.connect(str(db), read_only=True) as con:
        for table in PARTITIONED:  # nothing was copied into the file: every row is in a file
            assert con.execute(f"SELECT count(*) FROM store.{table}").fetchone()[0] == 0
        registered = dict(con.execute("SELECT tbl, sum(rows) FROM partition_file GROUP BY 1").fetchall())
        for table, n in registered.items():
            assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == n
    shutil.rmtree(tmp_path / "prepared")
    load_all(tmp_path / "staged.duckdb", layout)  # the same partitions loaded from staged files
    assert snapshot(db) == snapshot(tmp_path / "staged.duckdb")
    assert _registry(tmp_path / "staged.duckdb") == []


def test_the_warehouse_and_its_snapshot_keep_reading_once_prepared_is_gone(tmp_path: Path) -> None:
    layout, _ = _prepared_world(tmp_path)
    db = tmp_path / "w.duckdb"
    load_all(db, layout)
    before = snapshot(db)
    shutil.rmtree(tmp_path / "prepared")
    assert snapshot(db) == before
    published = readable(db)
    assert published != db
    with duckdb.connect(str(published), read_only=True) as con:  # as an analyst opens it
        assert con.execute("SELECT count(*) FROM listing_observation").fetchone()[0] == \
            len(before["listing_observation"]) > 0
        assert con.execute("SELECT count(*) FROM raw_listing").fetchone()[0] == len(before["raw_listing"])


def test_a_reloaded_partition_registers_its_new_file_and_the_old_one_stays(tmp_path: Path) -> None:
    layout, world = _prepared_world(tmp_path)
    db = tmp_path / "w.duckdb"
    load_all(db, layout)
    old = {r[3] for r in _registry(db) if r[1] == "boardex" and r[2] == DAY1}
    write_partition(world, "boardex", DAY1, n=3, seed=5)  # a re-crawl: other listings
    prepared.prepare_partition(layout, "boardex", DAY1)
    load_partition(db, layout, "boardex", DAY1)
    new = {r[3] for r in _registry(db) if r[1] == "boardex" and r[2] == DAY1}
    assert new and not new & old
    assert all((tmp_path / p).is_file() for p in old)  # unregistered, kept for open snapshots
    shutil.rmtree(tmp_path / "prepared")
    load_all(tmp_path / "staged.duckdb", layout)
    assert snapshot(db) == snapshot(tmp_path / "staged.duckdb")


def test_loading_the_same_prepared_batch_twice_changes_nothing(tmp_path: Path) -> None:
    layout, _ = _prepared_world(tmp_path)
    db = tmp_path / "w.duckdb"
    load_all(db, layout)
    first, files = snapshot(db), _registry(db)
    load_all(db, layout)
    assert snapshot(db) == first and _registry(db) == files


def test_a_load_failing_after_it_registered_files_leaves_the_previous_state(tmp_path: Path,
                                                                             monkeypatch) -> None:
    layout, _ = _prepared_world(tmp_path)
    db = tmp_path / "w.duckdb"
    write_world(tmp_path / "day1", dates=(DAY1,), n=6)
    load_all(db, Layout(tmp_path / "day1"))  # an earlier state, loaded from staged files
    before, files = snapshot(db), _registry(db)

    def broken(*args, **kwargs):
        raise WarehouseError("model flag failed: disk full (simulated)")
    monkeypatch.setattr(models, "rebuild", broken)
    with pytest.raises(WarehouseError, match="simulated"):
        load_all(db, layout)  # the files are linked and registered when the models fail
    assert snapshot(db) == before and _registry(db) == files == []
    monkeypatch.undo()
    load_all(db, layout)  # the rerun links the same files again and completes
    assert _registry(db)
    shutil.rmtree(tmp_path / "prepared")
    load_all(tmp_path / "staged.duckdb", layout)
    assert snapshot(db) == snapshot(tmp_path / "staged.duckdb")


def test_migration_006_moves_the_raw_rows_of_an_older_warehouse_behind_views(tmp_path: Path) -> None:
    old = tmp_path / "migrations"
    old.mkdir()
    for mig in discover():
        if mig.version < 6:
            shutil.copy(mig.path, old / mig.path.name)
    write_world(tmp_path, dates=(DAY1,), n=5)
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    for mig in discover(old):  # a warehouse as session 10 left it: raw tables, nothing else
        con.execute(mig.path.read_text(encoding="utf-8"))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, "
                "sha256 VARCHAR, applied_at TIMESTAMP)")
    for mig in discover(old):
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?, now())", [mig.version, mig.name, mig.sha256])
    con.execute("INSERT INTO raw_listing (market, crawl_date, line_no, listing_id, text) "
                "VALUES ('boardex', DATE '2026-11-16', 1, 'OLD1', 'Xanax 2mg bars')")
    con.close()
    assert migrate(db) == [m.label for m in discover() if m.version >= 6]  # 006 and every later one
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT listing_id FROM raw_listing").fetchall() == [("OLD1",)]
        assert con.execute("SELECT listing_id FROM store.raw_listing").fetchall() == [("OLD1",)]
        kinds = dict(con.execute("SELECT table_name, table_type FROM information_schema.tables "
                                 "WHERE table_schema = 'main' AND table_name IN "
                                 "('raw_listing', 'page', 'listing_observation')").fetchall())
        assert kinds == {"raw_listing": "VIEW", "page": "VIEW", "listing_observation": "VIEW"}
        assert con.execute("SELECT count(*) FROM listing_observation").fetchone()[0] == 1
    load_all(db, Layout(tmp_path))  # and it loads like any warehouse


def test_evidence_verify_rehashes_every_registered_file(tmp_path: Path) -> None:
    layout, _ = _prepared_world(tmp_path)
    db = tmp_path / "w.duckdb"
    load_all(db, layout)
    files = partition_files(db)
    assert len(files) == len(_registry(db)) > 0
    report = Report()
    for path, sha in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o444  # never rewritten
        check_file(path, sha, report)
    assert report.ok and report.checked_files == len(files)
    path = files[0][0]
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    path.chmod(0o644)
    path.write_bytes(bytes(raw))
    files[1][0].unlink()
    report = Report()
    for path, sha in files:
        check_file(path, sha, report)
    assert len(report.problems) == 2
    assert "SHA-256" in report.problems[0] and "unreadable" in report.problems[1]


def test_files_registered_before_a_column_was_added_read_null_for_it(tmp_path: Path) -> None:
    layout, _ = _prepared_world(tmp_path)
    db = tmp_path / "w.duckdb"
    load_all(db, layout)
    con = duckdb.connect(str(db))
    n = con.execute("SELECT count(*) FROM raw_extracted").fetchone()[0]
    # What a later migration adding a raw column does: the store table gets it, the files not.
    con.execute("ALTER TABLE store.raw_extracted ADD COLUMN reviewed BOOLEAN")
    con.execute("INSERT INTO store.raw_extracted (market, crawl_date, line_no, id, listing_id, reviewed) "
                "VALUES ('boardex', DATE '2026-12-01', 1, 'boardex:X1', 'X1', true)")
    refresh_views(con, ["raw_extracted"])
    assert con.execute("SELECT count(*), count(reviewed), count(*) FILTER (WHERE reviewed) "
                       "FROM raw_extracted").fetchone() == (n + 1, 1, 1)
    con.close()


def test_prune_removes_only_files_no_kept_state_registers(tmp_path: Path) -> None:
    from warehouse.publish import KEEP
    from warehouse.prune import prune_parts

    layout, world = _prepared_world(tmp_path)
    db = tmp_path / "w.duckdb"
    load_all(db, layout)
    old = {tmp_path / r[3] for r in _registry(db) if r[1] == "boardex" and r[2] == DAY1}
    write_partition(world, "boardex", DAY1, n=3, seed=5)  # a re-crawl, re-prepared and reloaded
    prepared.prepare_partition(layout, "boardex", DAY1)
    load_partition(db, layout, "boardex", DAY1)
    # The snapshot published before the reload still reads the old files: nothing goes.
    report = prune_parts(db)
    assert report.removed == [] and report.kept == len({r[3] for r in _registry(db)} | {str(p) for p in old})
    for _ in range(KEEP):  # later loads push that snapshot out of published/
        load_partition(db, layout, "pillstore", DAY2)
    before = snapshot(db)
    dry = prune_parts(db, dry_run=True)
    assert set(dry.removed) == old and all(p.is_file() for p in old) and dry.bytes_removed > 0
    report = prune_parts(db)
    assert set(report.removed) == old and not any(p.exists() for p in old)
    assert report.kept == len(_registry(db)) and report.snapshots == KEEP
    assert snapshot(db) == before  # the warehouse and its snapshot read everything they did
    with duckdb.connect(str(readable(db)), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw_listing").fetchone()[0] == len(before["raw_listing"])
    files = partition_files(db)
    report_v = Report()
    for path, sha in files:
        check_file(path, sha, report_v)
    assert report_v.ok and report_v.checked_files == len(files) > 0
    assert prune_parts(db).removed == []  # nothing left to remove


def test_prune_refuses_while_a_load_holds_the_warehouse(tmp_path: Path) -> None:
    import subprocess

    from warehouse.prune import prune_parts

    layout, _ = _prepared_world(tmp_path)
    db = tmp_path / "w.duckdb"
    load_all(db, layout)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('holding', flush=True); time.sleep(60)", str(db)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(WarehouseError, match="is in use"):
            prune_parts(db)
    finally:
        holder.kill()
        holder.wait()
    assert len(_registry(db)) == len(partition_files(db)) > 0  # nothing was touched
