"""Bad extracted rows (unknown country, negative price, missing key) are quarantined with the
reason; the good rows load; reloading gives the same quarantine, never duplicates."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "warehouse"))
from staged_world import write_world  # noqa: E402

from pharmwatch.paths import Layout  # noqa: E402
from warehouse.load import load_partition  # noqa: E402

DAY = "2026-11-16"


def test_unknown_country_negative_price_and_missing_key_are_quarantined(tmp_path: Path) -> None:
    write_world(tmp_path, n=6)
    path = tmp_path / "extracted" / "market=pillstore" / f"date={DAY}" / "entities.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    rows[0]["ship_from"] = "XX"
    rows[1]["ship_to"] = ["DE", "ZZ"]
    rows[2]["price"] = -12.5
    del rows[3]["id"]
    rows[4]["ship_from"], rows[4]["price"] = "EU", 0.0  # EU and a zero price are fine
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    db = tmp_path / "w.duckdb"
    for _ in range(2):
        counts = load_partition(db, Layout(tmp_path), "pillstore", DAY)
        assert counts["raw_extracted"] == 2 and counts["quarantined"] == 4
    con = duckdb.connect(str(db), read_only=True)
    got = con.execute("SELECT line_no, reason FROM quarantine ORDER BY line_no").fetchall()
    ext = con.execute("SELECT count(*) FROM raw_extracted").fetchone()[0]
    con.close()
    assert got == [(1, "unknown country code XX"), (2, "unknown country code in ship_to [DE, ZZ]"),
                   (3, "negative price"), (4, "missing required field(s): id")]
    assert ext == 2


def _raw_and_quarantine(db: Path) -> tuple[list, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        raw = con.execute("SELECT line_no, id, ship_from, price, drugs FROM raw_extracted ORDER BY line_no").fetchall()
        bad = con.execute("SELECT line_no, reason, raw_line FROM quarantine ORDER BY line_no").fetchall()
        return raw, bad
    finally:
        con.close()


def test_line_numbers_survive_blank_lines_crlf_and_control_characters(tmp_path: Path) -> None:
    """The fast CSV line reader and the exact fallback (CRLF, raw control bytes) give the same
    physical line numbers; blank and whitespace-only lines are skipped, not quarantined."""
    write_world(tmp_path, n=4)
    path = tmp_path / "extracted" / "market=pillstore" / f"date={DAY}" / "entities.jsonl"
    good = path.read_text().splitlines()
    body = ["", good[0], "   ", good[1], "", '{"id": "pillstore:Z9", "price": "cheap"}', good[2], good[3], ""]
    results = []
    for variant, text in [("lf", "\n".join(body)),
                          ("crlf", "\r\n".join(body)),
                          ("control", "\n".join(body + ['{"id": "pillstore:\x01"']))]:
        root = tmp_path / variant
        shutil.copytree(tmp_path / "staging", root / "staging")
        shutil.copytree(tmp_path / "extracted", root / "extracted")
        (root / "extracted" / "market=pillstore" / f"date={DAY}" / "entities.jsonl").write_bytes(text.encode())
        counts = load_partition(root / "w.duckdb", Layout(root), "pillstore", DAY)
        assert counts["raw_extracted"] == 4
        raw, bad = _raw_and_quarantine(root / "w.duckdb")
        assert [r[0] for r in raw] == [2, 4, 7, 8]
        assert bad[0] == (6, "wrong type for field(s): price", '{"id": "pillstore:Z9", "price": "cheap"}')
        results.append((raw, bad[:1]))
        if variant == "control":
            assert bad[1][:2] == (10, "invalid JSON") and len(bad) == 2
        else:
            assert len(bad) == 1
    assert results[0] == results[1] == results[2]  # same rows and JSON text whichever reader ran


def test_wrong_json_kinds_are_refused_per_field(tmp_path: Path) -> None:
    """A number where text is expected, a fraction where an integer is, text where a list is:
    each is named; well-typed rows (integer price into a DOUBLE column) load."""
    write_world(tmp_path, n=5)
    stage = tmp_path / "staging" / "market=pillstore" / f"date={DAY}" / "listings.jsonl"
    rows = [json.loads(line) for line in stage.read_text().splitlines()]
    rows[0]["http_status"] = 200.5
    rows[1]["url"] = 42
    rows[2]["fields"] = ["not", "an", "object"]
    rows[3]["warc_record_offset"] = "12"
    stage.write_text("".join(json.dumps(r) + "\n" for r in rows))
    ext = tmp_path / "extracted" / "market=pillstore" / f"date={DAY}" / "entities.jsonl"
    erows = [json.loads(line) for line in ext.read_text().splitlines()]
    erows[0]["price"] = 12  # an integer is a fine DOUBLE
    erows[1]["ship_to"] = "DE"
    ext.write_text("".join(json.dumps(r) + "\n" for r in erows))
    db = tmp_path / "w.duckdb"
    counts = load_partition(db, Layout(tmp_path), "pillstore", DAY)
    assert counts["raw_listing"] == 1 and counts["raw_extracted"] == 4 and counts["quarantined"] == 5
    con = duckdb.connect(str(db), read_only=True)
    got = con.execute("SELECT source_file, line_no, reason FROM quarantine ORDER BY source_file, line_no").fetchall()
    price = con.execute("SELECT price FROM raw_extracted WHERE line_no = 1").fetchone()[0]
    con.close()
    assert [(r[1], r[2]) for r in got if r[0].endswith("listings.jsonl")] == [
        (1, "wrong type for field(s): http_status"), (2, "wrong type for field(s): url"),
        (3, "wrong type for field(s): fields"), (4, "wrong type for field(s): warc_record_offset")]
    assert [(r[1], r[2]) for r in got if r[0].endswith("entities.jsonl")] == [(2, "wrong type for field(s): ship_to")]
    assert price == 12.0
