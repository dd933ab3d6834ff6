"""Incremental models: a load rebuilds listing_observation for the partitions it loaded only,
from rows its prepared partitions computed ahead where there are some, and the result is always
what one load of everything gives."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "warehouse"))
from db_snapshot import snapshot  # noqa: E402
from staged_world import MARKETS, write_partition, write_world  # noqa: E402

from pharmwatch.paths import Layout  # noqa: E402
from warehouse import models, prepared  # noqa: E402
from warehouse.db import connect, migrate  # noqa: E402
from warehouse.load import all_partitions, load_all, load_partitions  # noqa: E402
from warehouse.partition_files import PartFile  # noqa: E402

DAYS = ("2026-11-16", "2026-11-17", "2026-11-18")


def state(db: Path) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT digest, applied_at FROM model_state WHERE model = 'listing_observation'").fetchone()
    finally:
        con.close()


def day(date: str) -> list[tuple[str, str]]:
    return [(m, date) for m in MARKETS]


def test_daily_loads_and_a_rerun_crawl_give_what_one_load_of_everything_gives(tmp_path: Path) -> None:
    world = write_world(tmp_path, dates=DAYS, n=12)
    layout, db = Layout(tmp_path), tmp_path / "daily.duckdb"
    load_partitions(db, layout, day(DAYS[0]))
    built = state(db)
    load_partitions(db, layout, day(DAYS[1]))
    load_partitions(db, layout, day(DAYS[2]))
    # The first day of one market crawled again: fewer listings, others changed.
    write_partition(world, "boardex", DAYS[0], n=5, seed=77)
    load_partitions(db, layout, [("boardex", DAYS[0])])
    assert state(db) == built  # no full build after the first: every later load was incremental
    fresh = tmp_path / "fresh.duckdb"
    load_all(fresh, layout)
    daily, once = snapshot(db), snapshot(fresh)
    assert daily.keys() == once.keys()
    for table in once:
        assert daily[table] == once[table], table
    con = duckdb.connect(str(db), read_only=True)
    counts = dict(con.execute(
        "SELECT market || '/' || crawl_date, count(*) FROM listing_observation GROUP BY ALL").fetchall())
    con.close()
    assert counts[f"boardex/{DAYS[0]}"] == 5 and counts[f"pillstore/{DAYS[0]}"] == 12 and len(counts) == 9


def test_a_load_leaves_other_partitions_alone_unless_the_model_code_changed(tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.INFO, logger="warehouse.models")
    write_world(tmp_path, dates=DAYS[:2], n=8)
    layout, db = Layout(tmp_path), tmp_path / "w.duckdb"
    load_all(db, layout)
    assert "listing_observation: built whole (the load replaces every partition it holds)" in caplog.messages
    assert "page: built whole (the load replaces every partition it holds)" in caplog.messages
    con = connect(db)
    con.execute("UPDATE store.listing_observation SET title = 'marked' WHERE crawl_date = ?", [DAYS[0]])
    con.close()
    caplog.clear()
    load_partitions(db, layout, [("pillstore", DAYS[1])])
    assert caplog.messages == ["superseded_line: rows of 1 loaded partitions replaced (0 computed ahead)",
                               "page: rows of 1 loaded partitions replaced (0 computed ahead)",
                               "listing_observation: rows of 1 loaded partitions replaced (0 computed ahead)"]
    con = connect(db)
    marked = con.execute("SELECT count(*) FROM listing_observation WHERE title = 'marked'").fetchone()[0]
    assert marked == 3 * 8  # the loaded partition was rebuilt; the other day's rows were left as they were
    # The model's code (or seeds, or rates) changed since it was built: the next load builds it whole.
    con.execute("UPDATE model_state SET digest = 'older code' WHERE model = 'listing_observation'")
    con.close()
    caplog.clear()
    load_partitions(db, layout, [("pillstore", DAYS[1])])
    assert caplog.messages == ["superseded_line: rows of 1 loaded partitions replaced (0 computed ahead)",
                               "page: rows of 1 loaded partitions replaced (0 computed ahead)",
                               "listing_observation: built whole (not built yet by the current models, seeds and rates)"]
    con = connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM listing_observation WHERE title = 'marked'").fetchone()[0] == 0
    assert con.execute("SELECT DISTINCT digest FROM model_state").fetchall() == [(models.code_digest(),)]
    con.close()
    fresh = tmp_path / "fresh.duckdb"
    load_all(fresh, layout)
    assert snapshot(db) == snapshot(fresh)


def test_prepared_partitions_carry_their_listing_observation_rows_and_the_load_inserts_them(tmp_path: Path) -> None:
    write_world(tmp_path, dates=DAYS[:2], n=7)
    layout = Layout(tmp_path)
    direct = tmp_path / "direct.duckdb"
    load_all(direct, layout)
    manifests = {(m["market"], m["date"]): m for m in
                 (prepared.prepare_partition(layout, mk, d) for mk, d in all_partitions(layout))}
    assert all(m["rows"]["listing_observation"] == 7 for m in manifests.values())
    # every listing page and every seller profile page of the partition
    assert all(m["rows"]["page"] == 7 + m["rows"]["raw_seller"] > 7 for m in manifests.values())
    bulk = tmp_path / "bulk.duckdb"
    load_all(bulk, layout)
    assert snapshot(bulk) == snapshot(direct)
    # The load reads those rows rather than computing them: rows altered in one file (same
    # count, so the file still passes its footer check) are what the next load holds.
    m = manifests[("nightbazaar", DAYS[1])]
    path = prepared.directory(layout, "nightbazaar", DAYS[1]) / f"listing_observation-{m['token']}.parquet"
    table = pq.read_table(path)
    titles = table.column_names.index("title")
    pq.write_table(table.set_column(titles, "title", [["from the prepared file"] * table.num_rows]), path)
    load_partitions(bulk, layout, [("nightbazaar", DAYS[1])])
    con = duckdb.connect(str(bulk), read_only=True)
    assert con.execute("SELECT count(*) FROM listing_observation WHERE title = 'from the prepared file'"
                       ).fetchone()[0] == 7
    con.close()


def test_a_prepared_partition_missing_its_model_rows_is_loaded_from_the_staged_files(tmp_path: Path) -> None:
    write_world(tmp_path, dates=DAYS[:1], n=6)
    layout = Layout(tmp_path)
    direct = tmp_path / "direct.duckdb"
    load_all(direct, layout)
    m = prepared.prepare_partition(layout, "boardex", DAYS[0])
    (prepared.directory(layout, "boardex", DAYS[0]) / f"listing_observation-{m['token']}.parquet").unlink()
    db = tmp_path / "w.duckdb"
    counts = load_all(db, layout)
    assert "prepared" not in counts[f"boardex/{DAYS[0]}"]
    assert snapshot(db) == snapshot(direct)


_BULK = """
INSERT INTO store.raw_listing BY NAME
SELECT $market AS market, $date::DATE AS crawl_date, 'r' AS run_id, (i + 1)::INTEGER AS line_no,
       'L' || i AS listing_id, 'http://127.0.0.1/l/' || i AS url, $date::TIMESTAMP AS fetched_at,
       200 AS http_status, sha256(i::VARCHAR || $date) AS page_sha256, 'x.warc.gz' AS warc_file,
       i AS warc_record_offset, 'oxycodone 10mg' AS text, '{"title": "oxy", "seller": "s1"}'::JSON AS fields
FROM range($n) t(i);
INSERT INTO store.raw_extracted BY NAME
SELECT $market AS market, $date::DATE AS crawl_date, 'r' AS run_id, (i + 1)::INTEGER AS line_no,
       $market || ':L' || i AS id, 'L' || i AS listing_id, 'oxy' AS title, 's1' AS seller,
       '[{"name": "oxycodone", "inn": "oxycodone", "controlled": true}]'::JSON AS drugs,
       'DE' AS ship_from, ['FR'] AS ship_to, 10.0 AS price, 'USD' AS currency, true AS is_drug_listing
FROM range($n) t(i);
"""


@pytest.mark.parametrize("ahead", [False, True], ids=["from-raw", "from-prepared-rows"])
def test_a_large_full_build_keeps_every_row(tmp_path: Path, ahead: bool) -> None:
    """More rows than a DuckDB row group (122,880), built whole in one transaction. DuckDB 2.0.0
    lost every row of such an INSERT into a table created empty earlier in the same transaction
    (readers saw none, before and after COMMIT); the model builds in one statement instead."""
    db = tmp_path / "w.duckdb"
    migrate(db)
    con = connect(db)
    parts = [("m1", "2026-11-16"), ("m1", "2026-11-17")]
    for market, date in parts:
        for stmt in _BULK.split(";"):
            if stmt.strip():
                con.execute(stmt, {"market": market, "date": date, "n": 70_000})
    ready = {}
    if ahead:
        for p in parts:
            out = tmp_path / f"lo-{p[1]}.parquet"
            con.execute(f"COPY ({models.incremental_select('listing_observation', [p])}) TO '{out}' (FORMAT parquet)")
            ready[p] = {"listing_observation": PartFile(out, 70_000)}
    con.execute("BEGIN TRANSACTION")
    models.rebuild(con, partitions=parts, ready=ready)
    con.execute("COMMIT")
    con.close()
    con = connect(db, read_only=True)
    assert con.execute("SELECT count(*), count(DISTINCT listing_key), min(crawl_date) FROM listing_observation"
                       ).fetchone() == (140_000, 70_000, dt.date(2026, 11, 16))
    assert con.execute("SELECT count(*) FROM listing").fetchone()[0] == 70_000
    assert con.execute("SELECT count(*) FROM flag WHERE flagged_at = TIMESTAMP '2026-11-16'").fetchone()[0] == 70_000
    con.close()
