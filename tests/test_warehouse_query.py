"""Queries are read-only; CSV output cannot smuggle spreadsheet formulas; CLI exit codes."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "warehouse"))
from staged_world import HOSTILE_DESCRIPTION, HOSTILE_TITLE, write_world  # noqa: E402

from warehouse.cli import _statement, load_command, query_command  # noqa: E402
from warehouse.exceptions import QueryError  # noqa: E402
from warehouse.query import analyst_query_names, report_internal, saved_query_names  # noqa: E402
from warehouse.query import float_text, format_table, run_query, write_csv  # noqa: E402


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("query")
    write_world(root, n=6, hostile=True)
    path = root / "w.duckdb"
    args = argparse.Namespace(data=root, db=path, market=None, date=None)
    assert load_command(args) == 0
    return path


def test_csv_neutralises_formulas_from_scraped_text(db: Path) -> None:
    columns, rows = run_query(db, "SELECT title, description FROM listing WHERE title = $t",
                              {"t": HOSTILE_TITLE})
    assert rows == [(HOSTILE_TITLE, HOSTILE_DESCRIPTION)]
    out = io.StringIO()
    write_csv(columns, rows, out)
    parsed = list(csv.reader(io.StringIO(out.getvalue())))
    assert parsed[1] == [HOSTILE_TITLE, "'" + HOSTILE_DESCRIPTION]


@pytest.mark.parametrize("text", ["+1+2", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "=1"])
def test_every_formula_prefix_is_neutralised(text: str) -> None:
    out = io.StringIO()
    write_csv(["a", "n"], [(text, -5)], out)
    row = list(csv.reader(io.StringIO(out.getvalue(), newline="")))[1]
    assert row[0] == "'" + text
    assert row[1] == "-5"  # a number we computed is not scraped text


def test_queries_cannot_write(db: Path) -> None:
    with pytest.raises(QueryError):
        run_query(db, "DROP TABLE listing")
    columns, rows = run_query(db, "SELECT count(*) AS n FROM listing")
    assert columns == ["n"] and rows[0][0] == 18


def test_format_table_shows_rows_and_escapes_control_characters() -> None:
    text = format_table(["a", "b"], [("x\x1b[31m", None), ("y", 3)])
    lines = text.splitlines()
    assert lines[0].split("|")[0].strip() == "a"
    assert "\x1b" not in text and "\\x1b" in text
    assert lines[-1] == "(2 rows)"


def test_query_command_prints_csv_and_reports_errors(db: Path, capsys: pytest.CaptureFixture) -> None:
    args = argparse.Namespace(db=db, sql="SELECT description FROM listing WHERE description LIKE '=%'", csv=True)
    assert query_command(args) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out, newline="")))
    assert rows == [["description"], ["'" + HOSTILE_DESCRIPTION]]
    bad = argparse.Namespace(db=db, sql="SELECT * FROM no_such_table", csv=False)
    assert query_command(bad) == 1
    assert "no_such_table" in capsys.readouterr().err


def test_load_command_rejects_half_a_partition(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    args = argparse.Namespace(data=tmp_path, db=tmp_path / "w.duckdb", market="boardex", date=None)
    assert load_command(args) == 2
    assert "--market and --date" in capsys.readouterr().err
    missing = argparse.Namespace(db=tmp_path / "absent.duckdb", sql="SELECT 1", csv=False)
    assert query_command(missing) == 1
    assert not (tmp_path / "absent.duckdb").exists()


def test_report_sections_reading_the_report_temp_tables_are_not_offered_to_analysts() -> None:
    names = analyst_query_names()
    assert "cross-country" in names and "report-alerts" in names
    assert "report-flag-matrix" in saved_query_names() and "report-flag-matrix" not in names
    assert report_internal("report-week-flagged") and not report_internal("flagged")
    # ... and asking for one on the command line says why instead of a binder error.
    args = argparse.Namespace(db=Path("unused.duckdb"), sql=None, saved="report-flag-matrix", csv=False)
    with pytest.raises(QueryError, match="weekly report"):
        _statement(args, Path("unused.duckdb"))


def test_a_saved_query_without_week_runs_on_the_newest_crawled(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture) -> None:
    write_world(tmp_path, dates=("2026-11-16", "2026-11-24"), n=6)  # ISO weeks 47 and 48
    db = tmp_path / "w.duckdb"
    assert load_command(argparse.Namespace(data=tmp_path, db=db, market=None, date=None)) == 0
    capsys.readouterr()

    def weeks(week: str | None) -> tuple[set[str], str]:
        args = argparse.Namespace(db=db, sql=None, saved="cross-country", week=week, csv=True)
        assert query_command(args) == 0
        out = capsys.readouterr()
        return {row[0] for row in list(csv.reader(io.StringIO(out.out)))[1:]}, out.err

    default, note = weeks(None)
    assert default == {"2026-W48"} and "2026-W48" in note
    assert weeks("2026-W47")[0] == {"2026-W47"}
    # an empty warehouse has no newest week: the error says what to give
    empty = tmp_path / "empty.duckdb"
    assert load_command(argparse.Namespace(data=tmp_path / "none", db=empty, market=None, date=None)) == 0
    assert query_command(argparse.Namespace(db=empty, sql=None, saved="cross-country", week=None, csv=True)) == 1
    assert "needs --week" in capsys.readouterr().err


@pytest.mark.parametrize("value,shown", [
    (2.62281023, "2.62"), (1234.5678, "1234.57"), (-2.5, "-2.50"), (0.004321, "0.004321"),
    (0.0, "0"), (float("nan"), "nan"),
])
def test_table_floats_are_for_reading(value: float, shown: str) -> None:
    assert float_text(value) == shown
    assert format_table(["v"], [(value,)]).splitlines()[2].strip() == shown
