"""Prepared partitions: typed off the writer, loaded in bulk, identical to a direct load, and
never used once they no longer match the staged files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "warehouse"))
from db_snapshot import snapshot  # noqa: E402
from staged_world import write_partition, write_world  # noqa: E402

from pharmwatch.paths import Layout  # noqa: E402
from warehouse import prepared  # noqa: E402
from warehouse.exceptions import LoadError  # noqa: E402
from warehouse.load import all_partitions, load_all, load_partition  # noqa: E402

DAY1, DAY2 = "2026-11-16", "2026-11-17"
ROOT = Path(__file__).resolve().parents[1]


def _messy_world(root: Path) -> None:
    """Two days of three markets, one partition with lines for the quarantine and a blank line."""
    write_world(root, dates=(DAY1, DAY2), n=12)
    listings = root / "staging" / "market=boardex" / f"date={DAY1}" / "listings.jsonl"
    good = listings.read_text(encoding="utf-8").splitlines()
    bad = ['{"listing_id": "BO9", "url": ',
           json.dumps(json.loads(good[1]) | {"http_status": "two hundred", "listing_id": "BADTYPE"}),
           json.dumps(json.loads(good[2]) | {"listing_id": "=HYPERLINK(\"http://x\")"})]
    listings.write_text("\n".join(good + bad) + "\n\n", encoding="utf-8")
    entities = root / "extracted" / "market=pillstore" / f"date={DAY2}" / "entities.jsonl"
    first = json.loads(entities.read_text(encoding="utf-8").splitlines()[0])
    with entities.open("a", encoding="utf-8") as f:
        f.write(json.dumps(first | {"id": "pillstore:ZZ1", "ship_from": "XX"}) + "\n")
        f.write(json.dumps(first | {"id": "pillstore:ZZ2", "price": -3}) + "\n")


def _prepare_all(root: Path) -> list[dict]:
    layout = Layout(root)
    return [prepared.prepare_partition(layout, m, d) for m, d in all_partitions(layout)]


def test_a_load_from_prepared_partitions_equals_a_load_from_the_staged_files(tmp_path: Path) -> None:
    _messy_world(tmp_path)
    direct = load_all(tmp_path / "direct.duckdb", Layout(tmp_path))
    manifests = _prepare_all(tmp_path)
    bulk = load_all(tmp_path / "bulk.duckdb", Layout(tmp_path))
    assert all(c.get("prepared") for c in bulk.values())
    assert {k: {n: v for n, v in c.items() if n != "prepared"} for k, c in bulk.items()} == direct
    assert direct[f"boardex/{DAY1}"]["quarantined"] == 2 and direct[f"pillstore/{DAY2}"]["quarantined"] == 2
    assert sum(m["rows"]["quarantine"] for m in manifests) == 4
    a, b = snapshot(tmp_path / "direct.duckdb"), snapshot(tmp_path / "bulk.duckdb")
    assert a.keys() == b.keys() and len(a["quarantine"]) == 4 and len(a["raw_listing"]) == 3 * 2 * 12 + 1
    for table in a:
        assert a[table] == b[table], table


def test_loading_prepared_partitions_twice_changes_nothing(tmp_path: Path) -> None:
    write_world(tmp_path, dates=(DAY1, DAY2), n=10)
    _prepare_all(tmp_path)
    db = tmp_path / "w.duckdb"
    load_all(db, Layout(tmp_path))
    first = snapshot(db)
    assert load_partition(db, Layout(tmp_path), "nightbazaar", DAY2)["prepared"]
    assert snapshot(db) == first


def test_a_staged_file_rewritten_after_preparing_is_loaded_from_the_file(tmp_path: Path) -> None:
    world = write_world(tmp_path, n=10)
    _prepare_all(tmp_path)
    write_partition(world, "boardex", DAY1, n=4, seed=99)  # the crawl was rerun after preparing
    db = tmp_path / "w.duckdb"
    counts = load_all(db, Layout(tmp_path))
    assert "prepared" not in counts[f"boardex/{DAY1}"] and counts[f"pillstore/{DAY1}"]["prepared"]
    assert counts[f"boardex/{DAY1}"]["raw_listing"] == 4
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM listing WHERE market = 'boardex'").fetchone()[0] == 4
    con.close()


def test_other_country_codes_or_an_edited_stats_file_make_a_prepared_partition_stale(tmp_path: Path) -> None:
    write_world(tmp_path, n=3)
    layout = Layout(tmp_path)
    manifest = prepared.prepare_partition(layout, "pillstore", DAY1)
    codes = json.loads(json.dumps(manifest))  # plain copy of what was recorded
    con = duckdb.connect()
    con.execute("CREATE TABLE country AS SELECT * FROM read_csv($p, header = true)",
                {"p": str(ROOT / "warehouse" / "seeds" / "country.csv")})
    countries = con.execute("SELECT list(code ORDER BY code) FROM country").fetchone()[0]
    con.close()
    assert prepared.current(layout, "pillstore", DAY1, countries) is not None
    assert prepared.current(layout, "pillstore", DAY1, countries[:-1]) is None
    stats = layout.staging("pillstore", DAY1) / "stats.json"
    stats.write_text(stats.read_text(encoding="utf-8") + " ", encoding="utf-8")
    assert prepared.current(layout, "pillstore", DAY1, countries) is None
    assert codes["fingerprint"]["files"][f"staging/market=pillstore/date={DAY1}/stats.json"]


@pytest.mark.parametrize("damage", ["deleted", "truncated"])
def test_a_missing_or_damaged_prepared_file_falls_back_to_the_staged_files(tmp_path: Path, damage: str) -> None:
    write_world(tmp_path, n=8)
    direct = tmp_path / "direct.duckdb"
    load_all(direct, Layout(tmp_path))
    manifest = prepared.prepare_partition(Layout(tmp_path), "nightbazaar", DAY1)
    path = prepared.directory(Layout(tmp_path), "nightbazaar", DAY1) / f"raw_listing-{manifest['token']}.parquet"
    if damage == "deleted":
        path.unlink()
    else:
        path.write_bytes(path.read_bytes()[:200])
    db = tmp_path / "w.duckdb"
    counts = load_all(db, Layout(tmp_path))
    assert "prepared" not in counts[f"nightbazaar/{DAY1}"]
    assert snapshot(db) == snapshot(direct)


def test_prepared_rows_that_cannot_be_inserted_undo_the_whole_load(tmp_path: Path) -> None:
    world = write_world(tmp_path, n=6)
    db = tmp_path / "w.duckdb"
    load_all(db, Layout(tmp_path))
    before = snapshot(db)
    write_partition(world, "boardex", DAY1, n=3, seed=5)
    manifest = prepared.prepare_partition(Layout(tmp_path), "boardex", DAY1)
    # Same row count, so the footer check passes; a required column is missing, so the insert fails.
    path = prepared.directory(Layout(tmp_path), "boardex", DAY1) / f"raw_listing-{manifest['token']}.parquet"
    con = duckdb.connect()
    con.execute(f"COPY (SELECT * EXCLUDE (listing_id) FROM read_parquet('{path}')) TO '{path}.x' (FORMAT parquet)")
    con.close()
    os.replace(f"{path}.x", path)
    with pytest.raises(LoadError, match="prepared rows of raw_listing"):
        load_partition(db, Layout(tmp_path), "boardex", DAY1)
    assert snapshot(db) == before


def test_preparing_again_keeps_two_generations_of_files(tmp_path: Path) -> None:
    write_world(tmp_path, n=4)
    layout = Layout(tmp_path)
    tokens = [prepared.prepare_partition(layout, "boardex", DAY1)["token"] for _ in range(3)]
    left = {p.stem.rsplit("-", 1)[1] for p in prepared.directory(layout, "boardex", DAY1).glob("*.parquet")}
    assert left == set(tokens[1:])


def test_bad_partition_names_are_refused(tmp_path: Path) -> None:
    with pytest.raises(LoadError):
        prepared.prepare_partition(Layout(tmp_path), "../etc", DAY1)
    with pytest.raises(LoadError):
        prepared.prepare_partition(Layout(tmp_path), "boardex", "tomorrow")


def test_prepare_and_load_from_the_command_line(tmp_path: Path) -> None:
    write_world(tmp_path, dates=(DAY1, DAY2), n=5)
    cli = [str(Path(sys.executable).parent / "pharmwatch")]
    prep = subprocess.run(cli + ["prepare", "--data", str(tmp_path), "--workers", "2"],
                          capture_output=True, text=True, timeout=300)
    assert prep.returncode == 0, prep.stderr
    assert prep.stdout.count("prepared ") == 6 and "raw_listing=5" in prep.stdout
    load = subprocess.run(cli + ["load", "--data", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert load.returncode == 0, load.stderr
    assert load.stdout.count("prepared=True") == 6


KILLED_PREPARE = """
import sys, time
from pathlib import Path
import warehouse.prepared as prepared
from pharmwatch.paths import Layout

def hang(path, data):  # every Parquet file of the new generation written, the manifest not yet
    print("midway", flush=True)
    time.sleep(600)
prepared._write_json_atomic = hang
prepared.prepare_partition(Layout(Path(sys.argv[1])), "boardex", sys.argv[2])
"""


def test_a_prepare_killed_before_its_manifest_leaves_the_previous_one_in_force(tmp_path: Path) -> None:
    import signal

    write_world(tmp_path, n=9)
    layout = Layout(tmp_path)
    first = prepared.prepare_partition(layout, "boardex", DAY1)
    child = subprocess.Popen([sys.executable, "-c", KILLED_PREPARE, str(tmp_path), DAY1],
                             stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert child.stdout is not None and child.stdout.readline().strip() == "midway"
    child.send_signal(signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL
    folder = prepared.directory(layout, "boardex", DAY1)
    tokens = {p.stem.rsplit("-", 1)[1] for p in folder.glob("*.parquet")}
    assert len(tokens) == 2 and first["token"] in tokens  # the killed run's files are orphans
    counts = load_all(tmp_path / "w.duckdb", layout)
    assert counts[f"boardex/{DAY1}"]["prepared"]
    again = prepared.prepare_partition(layout, "boardex", DAY1)  # the orphans go, the previous stays
    assert {p.stem.rsplit("-", 1)[1] for p in folder.glob("*.parquet")} == {first["token"], again["token"]}
    shutil.rmtree(tmp_path / "prepared")
    load_all(tmp_path / "staged.duckdb", layout)
    assert snapshot(tmp_path / "w.duckdb") == snapshot(tmp_path / "staged.duckdb")


def test_a_change_to_the_typing_code_retires_prepared_partitions(tmp_path: Path, monkeypatch) -> None:
    write_world(tmp_path, n=3)
    layout = Layout(tmp_path)
    prepared.prepare_partition(layout, "pillstore", DAY1)
    before = prepared.fingerprint(layout, "pillstore", DAY1, ["DE"])["code"]
    monkeypatch.setattr(prepared, "FORMAT_VERSION", prepared.FORMAT_VERSION + 1)
    prepared._code_digest.cache_clear()
    try:
        assert prepared.fingerprint(layout, "pillstore", DAY1, ["DE"])["code"] != before
    finally:
        monkeypatch.undo()
        prepared._code_digest.cache_clear()
    assert prepared.fingerprint(layout, "pillstore", DAY1, ["DE"])["code"] == before


def test_a_partition_prepared_before_its_extraction_is_not_used_once_entities_appear(tmp_path: Path) -> None:
    write_world(tmp_path, n=5)
    layout = Layout(tmp_path)
    entities = layout.extracted("boardex", DAY1) / "entities.jsonl"
    saved = entities.read_bytes()
    entities.unlink()  # the NLP stage has not run yet
    early = prepared.prepare_partition(layout, "boardex", DAY1)
    assert early["rows"]["raw_extracted"] == 0 and early["rows"]["raw_listing"] == 5
    entities.write_bytes(saved)  # ... and now it has
    counts = load_all(tmp_path / "w.duckdb", layout)
    assert "prepared" not in counts[f"boardex/{DAY1}"] and counts[f"boardex/{DAY1}"]["raw_extracted"] == 5


def _repeat_lines(root: Path) -> None:
    """boardex/DAY2 saw listing BO000003 twice: the later line (new price, title, contact) wins;
    so does the later extraction."""
    base = root / "staging" / "market=boardex" / f"date={DAY2}" / "listings.jsonl"
    lines = base.read_text(encoding="utf-8").splitlines()
    item = json.loads(lines[3])
    again = item | {"fields": item["fields"] | {"title": "Repeated: later line", "price": "$1.50"},
                    "text": item["text"] + " telegram: @laterhandle"}
    base.write_text("\n".join([*lines, json.dumps(again)]) + "\n", encoding="utf-8")
    ents = root / "extracted" / "market=boardex" / f"date={DAY2}" / "entities.jsonl"
    rows = ents.read_text(encoding="utf-8").splitlines()
    first = next(json.loads(r) for r in rows if json.loads(r)["id"] == f"boardex:{item['listing_id']}")
    later = first | {"price": 1.5, "title": "Repeated: later line",
                     "contacts": [{"kind": "telegram", "value": "laterhandle"}]}
    earlier = first | {"contacts": [{"kind": "telegram", "value": "earlierhandle"}]}
    kept = [r for r in rows if json.loads(r)["id"] != first["id"]]
    ents.write_text("\n".join([*kept, json.dumps(earlier), json.dumps(later)]) + "\n", encoding="utf-8")


def test_a_listing_seen_twice_in_one_crawl_keeps_its_later_line_on_every_path(tmp_path: Path) -> None:
    write_world(tmp_path, dates=(DAY1, DAY2), n=6)
    _repeat_lines(tmp_path)
    layout = Layout(tmp_path)
    load_all(tmp_path / "direct.duckdb", layout)
    _prepare_all(tmp_path)
    assert all(c.get("prepared") for c in load_all(tmp_path / "bulk.duckdb", layout).values())
    # Daily loads: the repeat is found in its own partition, none of the other day is rescanned.
    daily = tmp_path / "daily.duckdb"
    load_partition(daily, layout, "boardex", DAY1)
    shutil.rmtree(tmp_path / "prepared")
    for market, date in all_partitions(layout):
        if (market, date) != ("boardex", DAY1):
            load_partition(daily, layout, market, date)
    with duckdb.connect(str(tmp_path / "direct.duckdb"), read_only=True) as con:
        assert con.execute("SELECT tbl, market, crawl_date::VARCHAR, listing_id, line_no "
                           "FROM superseded_line ORDER BY tbl").fetchall() == [
            ("raw_extracted", "boardex", DAY2, "BO000003", 7), ("raw_listing", "boardex", DAY2, "BO000003", 7)]
        obs = con.execute("SELECT title, price FROM listing_observation WHERE listing_key = 'boardex:BO000003' "
                          f"AND crawl_date = DATE '{DAY2}'").fetchall()
        assert obs == [("Repeated: later line", 1.5)]
        assert con.execute("SELECT title FROM listing WHERE listing_key = 'boardex:BO000003'").fetchall() == [
            ("Repeated: later line",)]
        handles = {v for (v,) in con.execute("SELECT value FROM seller_identifier WHERE kind = 'telegram'").fetchall()}
        assert "laterhandle" in handles and "earlierhandle" not in handles
    a = snapshot(tmp_path / "direct.duckdb")
    for other in ("bulk.duckdb", "daily.duckdb"):
        b = snapshot(tmp_path / other)
        assert a.keys() == b.keys()
        for table in a:
            assert a[table] == b[table], (other, table)
