"""The shelf a market put a listing on (entities.jsonl `shelf_drugs`) reaches the warehouse, and
a warehouse whose partition files predate the column migrates and loads on."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "warehouse"))
from db_snapshot import snapshot  # noqa: E402
from staged_world import write_world  # noqa: E402

from pharmwatch.paths import Layout  # noqa: E402
from warehouse import prepared  # noqa: E402
from warehouse.db import migrate  # noqa: E402
from warehouse.load import all_partitions, load_all  # noqa: E402
from warehouse.partition_files import refresh_views  # noqa: E402

DAY = "2026-11-16"
# The guide's query: listings on a shelf none of their drugs belongs to.
MIS_SHELVED = """
SELECT l.listing_key, l.shelf_drugs, list(d.inn ORDER BY d.inn) AS drugs
FROM listing l JOIN listing_drug d USING (listing_key)
WHERE len(l.shelf_drugs) > 0
GROUP BY ALL
HAVING NOT list_has_any(l.shelf_drugs, list(d.inn))
ORDER BY 1
"""


def _shelve(root: Path) -> tuple[str, str]:
    """Two drug listings of boardex get a shelf: one their own drug's, one another drug's."""
    path = root / "extracted" / "market=boardex" / f"date={DAY}" / "entities.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    drugs = [r for r in rows if r["drugs"]]
    own, other = drugs[0], drugs[1]
    own["shelf_drugs"] = [own["drugs"][0]["inn"]]
    other["shelf_drugs"] = ["cocaine" if other["drugs"][0]["inn"] != "cocaine" else "heroin"]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return own["id"], other["id"]


def test_shelf_drugs_reach_listing_and_the_mis_shelved_query_finds_them(tmp_path: Path) -> None:
    write_world(tmp_path, dates=(DAY,), n=10)
    own, other = _shelve(tmp_path)
    layout = Layout(tmp_path)
    load_all(tmp_path / "direct.duckdb", layout)
    for m, d in all_partitions(layout):
        prepared.prepare_partition(layout, m, d)
    load_all(tmp_path / "bulk.duckdb", layout)
    with duckdb.connect(str(tmp_path / "direct.duckdb"), read_only=True) as con:
        shelves = dict(con.execute("SELECT listing_key, shelf_drugs FROM listing").fetchall())
        assert shelves[own] and shelves[other] and sum(v is not None for v in shelves.values()) == 2
        found = con.execute(MIS_SHELVED).fetchall()
        assert [r[0] for r in found] == [other]
    a, b = snapshot(tmp_path / "direct.duckdb"), snapshot(tmp_path / "bulk.duckdb")
    for table in a:
        assert a[table] == b[table], table


def test_a_warehouse_whose_files_predate_a_raw_column_migrates_and_loads(tmp_path: Path) -> None:
    write_world(tmp_path, dates=(DAY,), n=10)
    _, other = _shelve(tmp_path)
    layout = Layout(tmp_path)
    for m, d in all_partitions(layout):
        prepared.prepare_partition(layout, m, d)
    db = tmp_path / "w.duckdb"
    load_all(db, layout)
    expected = snapshot(db)
    # As the warehouse was before migration 008: the store table without the column, the raw
    # views over it and the registered files (which hold it: the runner must not lose them).
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM schema_migrations WHERE version = 8")
    con.execute("ALTER TABLE store.raw_extracted DROP COLUMN shelf_drugs")
    refresh_views(con, ["raw_extracted"])
    n = con.execute("SELECT count(*) FROM raw_extracted").fetchone()[0]
    con.close()
    assert n > 0
    assert migrate(db) == ["008_shelf_drugs"]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*), count(shelf_drugs) FROM raw_extracted").fetchone() == (n, 2)
        assert con.execute(MIS_SHELVED).fetchall()[0][0] == other
    assert snapshot(db) == expected
    load_all(db, layout)  # and it loads on
    assert snapshot(db) == expected
