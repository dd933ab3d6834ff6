"""Analyst views are documented, the documentation's examples run, `pharmwatch query --saved`
binds parameters and writes every format, and `pharmwatch export` reads back as Hive Parquet."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "warehouse"))
from sandbox_staged import write_day  # noqa: E402

from pharmwatch.cli import main  # noqa: E402
from pharmwatch.paths import Layout  # noqa: E402
from warehouse.load import load_all  # noqa: E402
from warehouse.models import MODELS_DIR, analyst_views  # noqa: E402
from warehouse.partition_files import RAW  # noqa: E402

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "warehouse.md"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("views")
    for day in range(3):
        write_day(root, 6, 300, day)
    path = root / "w.duckdb"
    load_all(path, Layout(root))
    return path


def _documented() -> dict[str, list[str]]:
    """### name sections of the guide's 'Analyst views' chapter -> their ```sql examples."""
    chapter = GUIDE.read_text().split("## Analyst views", 1)[1]
    sections = re.split(r"^### ", chapter, flags=re.M)[1:]
    return {s.split("\n", 1)[0].strip(): re.findall(r"```sql\n(.*?)```", s, flags=re.S) for s in sections}


def test_every_view_is_documented_and_every_documented_view_exists(db: Path) -> None:
    documented = _documented()
    con = duckdb.connect(str(db), read_only=True)
    # Models built as views (staging, intermediate), and the views their files create on the
    # way (stg_listing_line, ...), are documented as layers.
    models = {p.stem for p in MODELS_DIR.glob("*.sql")} | {
        m.group(1) for p in MODELS_DIR.glob("*.sql")
        for m in re.finditer(r"CREATE OR REPLACE VIEW (\w+)", p.read_text(encoding="utf-8"))}
    views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    con.close()
    assert {"stg_listing", "int_listing_latest"} <= views & models
    # The raw tables are views over their partition files (documented as the raw layer).
    assert set(RAW) <= views
    assert set(documented) == set(analyst_views()) == views - models - set(RAW)
    assert len(views) >= 6


def test_every_documented_example_runs_and_uses_its_view(db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    for name, examples in _documented().items():
        assert examples, f"{name} has no example query"
        for sql in examples:
            assert name in sql
            con.execute(sql.replace("nightbazaar:NB000123", "nightbazaar:NB000001")).fetchall()
    con.close()


def test_cross_country_flows_match_observations(db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    flows = con.execute("SELECT sum(listings) FROM cross_country_flows WHERE week = '2026-W47'").fetchone()[0]
    # independent count: (listing, destination, class) triples observed that week
    direct = con.execute("""
        SELECT count(*) FROM (SELECT DISTINCT o.listing_key, o.dest, d.class, o.ship_from
            FROM (SELECT *, unnest(CASE WHEN len(ship_to) = 0 THEN [NULL] ELSE ship_to END) AS dest
                  FROM listing_observation WHERE week = '2026-W47') o
            JOIN listing_drug d ON d.listing_key = o.listing_key)""").fetchone()[0]
    con.close()
    assert flows == direct and flows > 100


def _query(capsys, *args: str) -> str:
    assert main(["query", *args]) == 0
    return capsys.readouterr().out


def test_saved_query_with_bound_week_in_every_format(db: Path, tmp_path: Path, capsys) -> None:
    base = ["--db", str(db), "--saved", "cross-country", "--week", "2026-W47"]
    rows = json.loads(_query(capsys, *base, "--format", "json"))
    assert rows and {r["week"] for r in rows} == {"2026-W47"}
    parsed = list(csv.DictReader(io.StringIO(_query(capsys, *base, "--format", "csv"))))
    assert len(parsed) == len(rows) and parsed[0]["ship_from"] == (rows[0]["ship_from"] or "")
    assert _query(capsys, *base).strip().endswith(f"({len(rows)} rows)")
    out = tmp_path / "flows.parquet"
    assert main(["query", *base, "--format", "parquet", "--output", str(out)]) == 0
    assert pq.read_table(out).num_rows == len(rows)
    empty = json.loads(_query(capsys, "--db", str(db), "--saved", "cross-country", "--week", "2020-W01",
                              "--format", "json"))
    assert empty == []


def test_saved_query_errors_are_clear(db: Path, capsys) -> None:
    assert main(["query", "--db", str(db), "--saved", "seller"]) == 1
    assert "--handle" in capsys.readouterr().err  # --week alone has a default: the newest week
    assert main(["query", "--db", str(db), "--saved", "cross-country", "--week", "47"]) == 1
    assert "ISO week" in capsys.readouterr().err
    assert main(["query", "--db", str(db), "--saved", "no-such"]) == 1


def test_free_sql_with_param_and_csv_neutralised(db: Path, capsys) -> None:
    out = _query(capsys, "--db", str(db), "--format", "csv", "--param", "m=boardex",
                 "SELECT '=1+1' AS f, '@x' AS a, count(*) AS n FROM listing WHERE market = $m")
    row = list(csv.reader(io.StringIO(out)))[1]
    assert row[0] == "'=1+1" and row[1] == "'@x" and int(row[2]) > 0


def test_export_reads_back_with_hive_partitioning(db: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "export"
    for _ in range(2):  # a re-export replaces, never duplicates
        assert main(["export", "--db", str(db), "--out", str(out)]) == 0
    con = duckdb.connect(str(db), read_only=True)
    for table, parts in (("listing_observation", "*/*/*"), ("listing", "*/*/*"), ("seller", "*/*"),
                         ("seller_identity", "*")):
        expected = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        got = con.execute(f"SELECT count(*) FROM read_parquet('{out}/{table}/{parts}.parquet', "
                          "hive_partitioning = true)").fetchone()[0]
        assert got == expected > 0, table
    by_part = con.execute(f"""SELECT week, market, count(*) FROM read_parquet(
        '{out}/listing_observation/*/*/*.parquet', hive_partitioning = true) GROUP BY ALL ORDER BY ALL""").fetchall()
    direct = con.execute("SELECT week, market, count(*) FROM listing_observation GROUP BY ALL ORDER BY ALL").fetchall()
    con.close()
    assert by_part == direct
    assert (out / "listing_observation" / "week=2026-W47" / "market=boardex").is_dir()
