"""CSV files written by DuckDB COPY (reports.csv_export): formula-safe, read back intact."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from reports.csv_export import copy_csv
from reports.exceptions import ReportError

HOSTILE = ["=HYPERLINK(\"http://example.invalid\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "plain", "a,\"b\"\nc"]


def test_copy_csv_neutralises_formulas_and_keeps_numbers(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE t (i INTEGER, txt VARCHAR, price DOUBLE, tags VARCHAR[], "
                "reasons STRUCT(rule VARCHAR, points INTEGER)[], seen_at TIMESTAMP)")
    con.executemany("INSERT INTO t VALUES (?, ?, -5.5, ?, [{'rule': 'x', 'points': 1}], TIMESTAMP '2026-11-16 06:00:00')",
                    [(n, text, [text, "ok"]) for n, text in enumerate(HOSTILE)])
    con.execute("INSERT INTO t VALUES (99, NULL, NULL, NULL, NULL, NULL)")
    con.close()
    con = duckdb.connect(str(db), read_only=True)  # the report writes CSVs from a read-only session
    out = copy_csv(con, "t", ("i", "txt", "price", "tags", "reasons", "seen_at"), tmp_path / "t.csv")
    with pytest.raises(ReportError, match="no column"):
        copy_csv(con, "t", ("i", "absent"), tmp_path / "bad.csv")
    con.close()
    assert not (tmp_path / "t.csv.part").exists() and not (tmp_path / "bad.csv").exists()
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(HOSTILE) + 1
    for row, text in zip(rows, HOSTILE):
        risky = text[0] in "=+-@\t\r"
        assert row["txt"] == ("'" + text if risky else text)  # quotes, commas, newlines survive
        assert row["tags"] == ("'" if risky else "") + text + "; ok"
        assert row["price"] == "-5.5"  # our numbers stay numbers
        assert row["reasons"] == '[{"rule":"x","points":1}]'
        assert row["seen_at"] == "2026-11-16 06:00:00"
    assert rows[-1]["txt"] == "" and rows[-1]["i"] == "99"
