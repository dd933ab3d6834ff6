"""Migrations: applied in order, once, each recorded with its checksum; edits are refused."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from warehouse.db import MIGRATIONS_DIR, connect, discover, migrate
from warehouse.exceptions import MigrationError, WarehouseInUseError


def _copy_migrations(tmp_path: Path) -> Path:
    target = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, target)
    return target


def test_fresh_database_applies_every_migration_in_order(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    applied = migrate(db)
    files = sorted(p.name for p in MIGRATIONS_DIR.glob("*.sql"))
    assert applied == [f[:-4] for f in files]
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT version, name, sha256 FROM schema_migrations ORDER BY applied_at, version").fetchall()
    con.close()
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
    for (version, name, sha), fname in zip(rows, files):
        assert fname == f"{version:03d}_{name}.sql"
        assert sha == hashlib.sha256((MIGRATIONS_DIR / fname).read_bytes()).hexdigest()


def test_rerun_applies_nothing_and_keeps_the_ledger(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    migrate(db)
    con = duckdb.connect(str(db), read_only=True)
    before = con.execute("SELECT * FROM schema_migrations ORDER BY version").fetchall()
    con.close()
    assert migrate(db) == []
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT * FROM schema_migrations ORDER BY version").fetchall() == before
    con.close()


def test_model_tables_exist_after_migrate(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    migrate(db)
    con = connect(db, read_only=True)
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    con.close()
    assert {"market", "crawl_run", "page", "listing", "listing_observation", "seller", "listing_drug",
            "crawl_error", "flag", "quarantine", "raw_listing", "raw_extracted", "model_state"} <= tables
    assert {"stg_listing", "stg_extracted", "int_listing_latest", "int_extracted_latest"} <= views


def test_new_migration_is_applied_alone(tmp_path: Path) -> None:
    mig_dir = _copy_migrations(tmp_path)
    db = tmp_path / "w.duckdb"
    migrate(db, mig_dir)
    (mig_dir / "900_note.sql").write_text("CREATE TABLE note (x INTEGER);")
    assert migrate(db, mig_dir) == ["900_note"]
    assert migrate(db, mig_dir) == []


def test_changed_applied_migration_is_a_checksum_error(tmp_path: Path) -> None:
    mig_dir = _copy_migrations(tmp_path)
    db = tmp_path / "w.duckdb"
    migrate(db, mig_dir)
    first = discover(mig_dir)[0].path
    first.write_text(first.read_text() + "\n-- edited after it ran\n")
    with pytest.raises(MigrationError, match="checksum mismatch"):
        migrate(db, mig_dir)


def test_failing_migration_rolls_back_and_is_not_recorded(tmp_path: Path) -> None:
    mig_dir = _copy_migrations(tmp_path)
    (mig_dir / "901_broken.sql").write_text("CREATE TABLE half (x INTEGER); SELEC nonsense;")
    db = tmp_path / "w.duckdb"
    with pytest.raises(MigrationError, match="901_broken"):
        migrate(db, mig_dir)
    con = duckdb.connect(str(db), read_only=True)
    versions = [r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()]
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    con.close()
    assert 901 not in versions and "half" not in tables
    assert versions == [m.version for m in discover(MIGRATIONS_DIR)]


def test_badly_named_migration_is_refused(tmp_path: Path) -> None:
    mig_dir = _copy_migrations(tmp_path)
    (mig_dir / "7_oops.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="NNN_name"):
        migrate(tmp_path / "w.duckdb", mig_dir)


def test_the_writer_builds_small_row_groups_and_readers_see_the_rows(tmp_path: Path) -> None:
    """The writer's tables are cut into WRITER_ROW_GROUP_SIZE-row groups (so no mart of a
    hundred thousand rows waits for COMMIT to be written); a plain read-only reader, and files
    whose stems are catalog names DuckDB reserves or need quoting, work as before."""
    from warehouse.db import WRITER_ROW_GROUP_SIZE

    rows = 2 * WRITER_ROW_GROUP_SIZE + 5
    for name in ("w.duckdb", "memory.duckdb", 'odd "name".duckdb'):
        db = tmp_path / name
        con = connect(db)
        con.execute(f"CREATE TABLE t AS SELECT range AS i FROM range({rows})")
        groups = con.execute("SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('t')").fetchone()[0]
        con.close()
        if name != "memory.duckdb":  # its stem is DuckDB's name for the in-memory catalog
            assert groups == 3, (name, groups)
        reader = connect(db, read_only=True)
        assert reader.execute("SELECT count(*), sum(i) FROM t").fetchone() == (rows, rows * (rows - 1) // 2)
        reader.close()


def test_a_second_writer_in_one_process_is_refused_while_the_first_is_open(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    first = connect(db)
    try:
        with pytest.raises(WarehouseInUseError, match="this process already has it open"):
            connect(db)
    finally:
        first.close()
    connect(db).close()  # free again once the first is closed
