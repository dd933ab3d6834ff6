"""`pharmwatch extract` on the CSV files analysts have: columns mapped to a record, rows out
as a formula-safe spreadsheet, bad rows reported by line number and nothing else lost."""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from nlp.cli import extract_command
from nlp.exceptions import InputRecordError
from nlp.tabular import OUT_COLUMNS, parse_columns, read_csv_records

ROOT = Path(__file__).resolve().parents[1]
# An export the way a market dataset comes (Agora's columns), hostile cells included.
_EXPORT = ('listing_id,vendor,product,ship_from,ship_to,date\r\n'
           'A1,BenzoKing,"Xanax 2mg x 100\n$120",Germany,EU,2017-07-15\r\n'
           'A2,=cmd|\' /C calc\'!A0,Oxycodone 30mg x 10 $300,USA,USA,2017-07-15\r\n'
           'A3,x,,USA,USA,\r\n'
           'A4,"@SUM(1+1)","<b>Ketamine</b> 5g £110 +44 7911 123456",UK,"Worldwide, except USA",\r\n')
_MAP = "id=listing_id,text=product,seller=vendor,ships_from=ship_from,ships_to=ship_to"


def _args(tmp_path: Path, out: str = "out.csv", **extra: str) -> argparse.Namespace:
    src = tmp_path / "export.csv"
    src.write_text(_EXPORT, encoding="utf-8", newline="")
    return argparse.Namespace(input=str(src), output=str(tmp_path / out), model=None,
                              input_format="auto", output_format="auto", columns=_MAP, **extra)


def test_a_csv_export_in_and_a_spreadsheet_out(tmp_path, capsys):
    assert extract_command(_args(tmp_path)) == 1  # one row had no text: reported, not fatal
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["id"] for r in rows] == ["A1", "A2", "A4"] and list(rows[0]) == list(OUT_COLUMNS)
    a1, a2, a4 = rows
    assert (a1["drugs"], a1["seller"], a1["ship_from"], a1["ship_to"]) == (
        "alprazolam", "BenzoKing", "DE", "EU")
    assert (a1["price"], a1["currency"], a1["quantity"], a1["is_drug_listing"]) == (
        "120.0", "USD", "100 unit", "true")
    assert a1["schedules"] == "alprazolam: UN 1971-IV, US IV"
    # scraped text that a spreadsheet would run is a quoted string, never a formula
    assert a2["seller"].startswith("'=cmd") and a4["seller"] == "'@SUM(1+1)"
    assert (a4["ship_to"], a4["ship_to_exclusions"]) == ("WW", "US")
    assert a4["contacts"] == "phone: +447911123456"
    err = [json.loads(l) for l in capsys.readouterr().err.splitlines() if l.startswith("{")]
    assert [e["line"] for e in err] == [5]  # A1's quoted cell spans lines 2-3


def test_csv_in_json_lines_out_keeps_every_detail(tmp_path):
    assert extract_command(_args(tmp_path, out="out.jsonl")) == 1
    recs = [json.loads(l) for l in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert recs[0]["drugs"][0]["schedule_un"] == "1971-IV" and recs[0]["price_usd"] == 120.0


def test_columns_named_like_a_record_need_no_mapping():
    text = "id,title,text,ships_from,notes\r\nx1,Valium 10mg x 28,£35,United Kingdom,=1+1\r\n"
    [(line, rec)] = list(read_csv_records(io.StringIO(text, newline="")))
    assert line == 2 and rec == {"id": "x1", "text": "£35",
                                 "fields": {"title": "Valium 10mg x 28", "ships_from": "United Kingdom"}}


def test_several_columns_make_one_text_and_a_row_without_id_is_numbered():
    text = "title,description\r\nXanax 2mg,Ships from: Germany\r\n"
    [(line, rec)] = list(read_csv_records(io.StringIO(text), {"text": ["title", "description"]}))
    assert rec == {"id": "line:2", "text": "Xanax 2mg\nShips from: Germany",
                   "fields": {"title": "Xanax 2mg"}}


def test_bad_mappings_and_rows_are_clear():
    with pytest.raises(InputRecordError, match="no column 'product'"):
        list(read_csv_records(io.StringIO("id,text\r\n1,x\r\n"), {"text": ["product"]}))
    with pytest.raises(InputRecordError, match="KEY=COLUMN"):
        parse_columns("text")
    with pytest.raises(InputRecordError, match="KEY=COLUMN"):
        parse_columns("colour=red")
    rows = list(read_csv_records(io.StringIO("id,text\r\n1,x,extra\r\n2,y\r\n")))
    assert rows[0][0] == 2 and "beyond the header" in str(rows[0][1])
    assert rows[1] == (3, {"id": "2", "text": "y"})


def test_the_command_reads_csv_from_a_file_and_writes_csv_to_stdout(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("id,text\r\nk1,Ketamine 5g £110\r\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pharmwatch.cli", "extract", "--input", str(src),
                           "--output-format", "csv", "--columns", "bogus"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 2 and "KEY=COLUMN" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "pharmwatch.cli", "extract", "--input", str(src),
                           "--output-format", "csv"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    [row] = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert (row["id"], row["drugs"], row["price"], row["currency"]) == ("k1", "ketamine", "110.0", "GBP")
