"""Loading staged partitions: counts, idempotence, rollback, quarantine, odd files."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "warehouse"))
from db_snapshot import snapshot  # noqa: E402
from staged_world import MARKETS, write_partition, write_world, World  # noqa: E402

from nlp.rates import to_usd  # noqa: E402
from pharmwatch.paths import Layout  # noqa: E402
from warehouse.db import migrate  # noqa: E402
from warehouse.exceptions import LoadError  # noqa: E402
from warehouse.load import load_all, load_partition  # noqa: E402
from warehouse.models import rebuild_in_transaction  # noqa: E402

DAY1, DAY2 = "2026-11-16", "2026-11-17"


def scalar(db: Path, sql: str, params: list | None = None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()[0][0]
    finally:
        con.close()


def test_load_partition_counts_match_staged_files(tmp_path: Path) -> None:
    world = write_world(tmp_path, n=20)
    db = tmp_path / "w.duckdb"
    counts = load_partition(db, Layout(tmp_path), "pillstore", DAY1)
    assert counts["raw_listing"] == 20 and counts["raw_extracted"] == 20
    assert counts["raw_crawl_error"] == 1 and counts["raw_crawl_stats"] == 1
    assert counts["quarantined"] == 0
    sellers = {r["fields"]["seller"] for r in world.listings if r["market"] == "pillstore"}
    assert counts["raw_seller"] == len(sellers)
    assert scalar(db, "SELECT count(*) FROM listing") == 20
    assert scalar(db, "SELECT count(DISTINCT market) FROM raw_listing") == 1
    assert scalar(db, "SELECT run_id FROM raw_extracted LIMIT 1") == f"run-pillstore-{DAY1}"


def test_loading_the_same_partition_twice_leaves_identical_contents(tmp_path: Path) -> None:
    write_world(tmp_path, dates=(DAY1, DAY2), n=15)
    db = tmp_path / "w.duckdb"
    load_all(db, Layout(tmp_path))
    first = snapshot(db)
    load_partition(db, Layout(tmp_path), "nightbazaar", DAY2)
    load_partition(db, Layout(tmp_path), "nightbazaar", DAY2)
    assert snapshot(db) == first
    assert len(first["raw_listing"]) == 3 * 2 * 15


def test_reload_replaces_rows_instead_of_appending(tmp_path: Path) -> None:
    world = write_world(tmp_path, n=20)
    db = tmp_path / "w.duckdb"
    load_all(db, Layout(tmp_path))
    write_partition(world, "boardex", DAY1, n=7, seed=99)  # the crawl was rerun: fewer listings
    load_partition(db, Layout(tmp_path), "boardex", DAY1)
    assert scalar(db, "SELECT count(*) FROM raw_listing WHERE market = 'boardex'") == 7
    assert scalar(db, "SELECT count(*) FROM listing WHERE market = 'boardex'") == 7
    assert scalar(db, "SELECT count(*) FROM listing") == 20 + 20 + 7


def test_failure_after_delete_rolls_back_to_previous_state(tmp_path: Path) -> None:
    world = write_world(tmp_path, n=10)
    db = tmp_path / "w.duckdb"
    load_all(db, Layout(tmp_path))
    before = snapshot(db)
    # New listings would replace the old ones, but entities.jsonl (read after the delete and
    # after listings are inserted) is not UTF-8: the whole load must be undone.
    write_partition(world, "nightbazaar", DAY1, n=3, seed=7)
    bad = tmp_path / "extracted" / "market=nightbazaar" / f"date={DAY1}" / "entities.jsonl"
    bad.write_bytes(b'{"id": "nightbazaar:X1"}\n\xff\xfe\xfa garbage\n')
    with pytest.raises(LoadError, match="entities.jsonl"):
        load_partition(db, Layout(tmp_path), "nightbazaar", DAY1)
    assert snapshot(db) == before
    assert scalar(db, "SELECT count(*) FROM raw_listing WHERE market = 'nightbazaar'") == 10


def test_malformed_lines_are_quarantined_with_reason_and_line(tmp_path: Path) -> None:
    write_world(tmp_path, n=5)
    listings = tmp_path / "staging" / "market=boardex" / f"date={DAY1}" / "listings.jsonl"
    good = listings.read_text().splitlines()
    other_market = json.loads(good[0]) | {"market": "pillstore", "listing_id": "OTHER1"}
    bad_lines = [
        '{"listing_id": "BO9", "url": ',                                  # truncated JSON
        '["not", "an", "object"]',
        json.dumps(json.loads(good[1]) | {"http_status": "two hundred", "listing_id": "BADTYPE"}),
        json.dumps({k: v for k, v in json.loads(good[2]).items() if k != "listing_id"}),
        json.dumps(other_market),
        json.dumps(json.loads(good[3]) | {"listing_id": "X'); DROP TABLE listing; --"}),
    ]
    listings.write_text("\n".join(good + bad_lines) + "\n\n")
    db = tmp_path / "w.duckdb"
    counts = load_partition(db, Layout(tmp_path), "boardex", DAY1)
    assert counts["raw_listing"] == 6  # 5 good + the SQL-looking id, stored as plain text
    assert counts["quarantined"] == 5
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT line_no, reason, raw_line, source_file FROM quarantine ORDER BY line_no").fetchall()
    con.close()
    assert [r[0] for r in rows] == [6, 7, 8, 9, 10]
    reasons = [r[1] for r in rows]
    assert reasons[0] == "invalid JSON" and reasons[1] == "not a JSON object"
    assert "http_status" in reasons[2] and "listing_id" in reasons[3]
    assert "does not match partition" in reasons[4]
    assert [r[2] for r in rows] == bad_lines[:5]
    assert rows[0][3] == f"staging/market=boardex/date={DAY1}/listings.jsonl"
    assert scalar(db, "SELECT count(*) FROM listing WHERE listing_id LIKE 'X''); DROP%'") == 1


def test_missing_and_empty_files_are_fine(tmp_path: Path) -> None:
    write_world(tmp_path, n=4)
    stage = tmp_path / "staging" / "market=pillstore" / f"date={DAY1}"
    (stage / "sellers.jsonl").unlink()
    (stage / "errors.jsonl").write_text("")
    (stage / "stats.json").unlink()
    counts = load_partition(tmp_path / "w.duckdb", Layout(tmp_path), "pillstore", DAY1)
    assert counts["raw_seller"] == 0 and counts["raw_crawl_error"] == 0
    assert counts["raw_crawl_stats"] == 0 and counts["raw_listing"] == 4
    # Sellers still appear from their listings, without a crawled profile.
    assert scalar(tmp_path / "w.duckdb", "SELECT count(*) FROM seller WHERE profile_crawled") == 0
    assert scalar(tmp_path / "w.duckdb", "SELECT count(*) FROM seller") >= 1


def test_extracted_only_partition_and_no_staging(tmp_path: Path) -> None:
    world = World(tmp_path)
    write_partition(world, "boardex", DAY1, n=3)
    import shutil
    shutil.rmtree(tmp_path / "staging")
    counts = load_all(tmp_path / "w.duckdb", Layout(tmp_path))
    assert counts[f"boardex/{DAY1}"]["raw_extracted"] == 3
    assert scalar(tmp_path / "w.duckdb", "SELECT count(*) FROM listing") == 0  # nothing crawled


def test_two_days_give_first_and_last_seen_and_utc_offsets(tmp_path: Path) -> None:
    write_world(tmp_path, dates=(DAY1, DAY2), n=3)
    listings = tmp_path / "staging" / "market=boardex" / f"date={DAY2}" / "listings.jsonl"
    rows = [json.loads(line) for line in listings.read_text().splitlines()]
    rows[0]["fetched_at"] = f"{DAY2}T12:00:00+02:00"  # 10:00 UTC
    listings.write_text("".join(json.dumps(r) + "\n" for r in rows))
    db = tmp_path / "w.duckdb"
    load_all(db, Layout(tmp_path))
    con = duckdb.connect(str(db), read_only=True)
    first, last, days = con.execute(
        "SELECT first_seen, last_seen, crawl_days FROM listing WHERE listing_id = ?", [rows[0]["listing_id"]]
    ).fetchall()[0]
    con.close()
    assert str(first) == f"{DAY1} 10:00:00" and str(last) == f"{DAY2} 10:00:00" and days == 2
    assert scalar(db, "SELECT count(*) FROM crawl_run") == len(MARKETS) * 2


def test_bad_partition_names_are_refused(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="crawl date"):
        load_partition(tmp_path / "w.duckdb", Layout(tmp_path), "boardex", "16/11/2026")
    with pytest.raises(LoadError, match="market"):
        load_partition(tmp_path / "w.duckdb", Layout(tmp_path), "../etc", DAY1)


def test_malformed_stats_file_is_quarantined_whole(tmp_path: Path) -> None:
    write_world(tmp_path, n=3)
    stats = tmp_path / "staging" / "market=boardex" / f"date={DAY1}" / "stats.json"
    stats.write_text('{"market": "boardex", "pages": ')
    db = tmp_path / "w.duckdb"
    counts = load_partition(db, Layout(tmp_path), "boardex", DAY1)
    assert counts["raw_crawl_stats"] == 0 and counts["quarantined"] == 1 and counts["raw_listing"] == 3
    con = duckdb.connect(str(db), read_only=True)
    row = con.execute("SELECT source_file, line_no, reason, raw_line FROM quarantine").fetchall()
    con.close()
    assert row == [(f"staging/market=boardex/date={DAY1}/stats.json", None, "invalid JSON",
                    '{"market": "boardex", "pages": ')]


def test_prices_the_nlp_stage_left_unconverted_use_its_rate_on_the_crawl_date(tmp_path: Path) -> None:
    """One dated rates table for both stages: the warehouse's fallback equals nlp.rates.to_usd."""
    db = tmp_path / "fx.duckdb"
    migrate(db)
    con = duckdb.connect(str(db))
    rows = [("2015-03-02", "EUR", 100.0), ("2024-06-03", "EUR", 100.0), ("2024-06-03", "btc", 0.01),
            ("2024-06-03", "ZZZ", 5.0)]
    for n, (day, cur, price) in enumerate(rows):
        con.execute("INSERT INTO store.raw_extracted (market, crawl_date, line_no, id, listing_id, price, currency) "
                    "VALUES ('m', ?, ?, ?, ?, ?, ?)", [day, n + 1, f"m:L{n}", f"L{n}", price, cur])
    rebuild_in_transaction(con)
    got = dict(con.execute("SELECT listing_id, price_usd FROM stg_extracted").fetchall())
    con.close()
    for n, (day, cur, price) in enumerate(rows):
        want = to_usd(price, cur, dt.date.fromisoformat(day))
        assert got[f"L{n}"] == pytest.approx(want, abs=0.005) if want is not None else got[f"L{n}"] is None
    assert got["L0"] != got["L1"]  # the rate moved between the two crawl dates


def test_intermediates_computed_once_give_the_marts_the_views_give(tmp_path: Path, monkeypatch) -> None:
    """models.MATERIALISED: the temp tables shadow the intermediate views for the marts only."""
    import warehouse.models as models

    assert models.MATERIALISED == ("int_listing_latest", "int_extracted_latest")
    write_world(tmp_path, dates=(DAY1, DAY2), n=15)
    db = tmp_path / "w.duckdb"
    load_all(db, Layout(tmp_path))
    materialised = snapshot(db)
    con = duckdb.connect(str(db))
    rebuild_in_transaction(con)  # as a load rebuilds: nothing of the temp tables is left behind
    temp = con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchall()[0][0]
    kinds = dict(con.execute("SELECT table_name, table_type FROM information_schema.tables "
                             "WHERE table_name IN ('int_listing_latest', 'int_extracted_latest')").fetchall())
    monkeypatch.setattr(models, "MATERIALISED", ())
    rebuild_in_transaction(con)  # every mart reading the views themselves
    con.close()
    assert temp == 0 and kinds == {"int_listing_latest": "VIEW", "int_extracted_latest": "VIEW"}
    assert snapshot(db) == materialised
    assert len(materialised["flag"]) > 0 and len(materialised["listing_observation"]) == 3 * 2 * 15
