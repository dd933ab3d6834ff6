"""The fast path (DuckDB's JSON reader, all partitions of a batch in one statement) loads exactly
what the exact line-by-line path loads, and a file it cannot take goes to the exact path alone."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "warehouse"))
from staged_world import write_world  # noqa: E402

import warehouse.staged_batch as staged_batch  # noqa: E402
from pharmwatch.paths import Layout  # noqa: E402
from warehouse.load import RAW_TABLES, load_all  # noqa: E402


def _raw(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) for t in RAW_TABLES}
    finally:
        con.close()


def test_fast_and_exact_paths_load_the_same_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_world(tmp_path, n=12)
    fast = tmp_path / "fast.duckdb"
    load_all(fast, Layout(tmp_path))
    monkeypatch.setattr(staged_batch, "_parse", lambda *a: None)  # every file takes the exact path
    exact = tmp_path / "exact.duckdb"
    load_all(exact, Layout(tmp_path))
    got, want = _raw(fast), _raw(exact)
    assert got["raw_listing"] and got["raw_extracted"]
    assert got == want


def test_a_file_with_a_bad_line_goes_the_exact_way_and_the_others_stay_fast(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_world(tmp_path, n=8)
    layout = Layout(tmp_path)
    entities = sorted(tmp_path.glob("extracted/*/*/entities.jsonl"))
    assert len(entities) >= 2
    lines = entities[0].read_text().splitlines()
    bad = json.loads(lines[1])
    bad["price"] = "cheap"  # wrong type
    entities[0].write_text("\n".join([lines[0], json.dumps(bad), "{not json", *lines[2:]]) + "\n")
    exact_files: list[Path] = []
    real_load_file = staged_batch.load_file

    def spy(con, spec, path, *args):
        exact_files.append(path)
        return real_load_file(con, spec, path, *args)

    monkeypatch.setattr(staged_batch, "load_file", spy)
    db = tmp_path / "w.duckdb"
    load_all(db, layout)
    assert entities[0] in exact_files and not set(entities[1:]) & set(exact_files)
    con = duckdb.connect(str(db), read_only=True)
    bad_rows = con.execute("SELECT line_no, reason, raw_line FROM quarantine ORDER BY line_no").fetchall()
    loaded = con.execute("SELECT count(*) FROM raw_extracted").fetchall()[0][0]
    con.close()
    assert [(n, r.split(":")[0]) for n, r, _ in bad_rows] == [(2, "wrong type for field(s)"), (3, "invalid JSON")]
    assert bad_rows[1][2] == "{not json"
    total = sum(len(p.read_text().splitlines()) for p in entities)
    assert loaded == total - 2  # every other line loaded, none lost
