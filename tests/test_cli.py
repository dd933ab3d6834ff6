"""The `pharmwatch` entry point as a user runs it: a real subprocess per command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXE = str(Path(sys.executable).parent / "pharmwatch")


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *args], input=stdin, capture_output=True, text=True, timeout=300)


def test_help_lists_every_stage() -> None:
    out = _run("--help").stdout
    for command in ("sandbox", "crawl", "extract", "load", "query", "report", "run"):
        assert command in out


def test_extract_reads_stdin_and_keeps_going_after_a_bad_line() -> None:
    lines = [
        {"id": "a", "text": "Ships from: Germany\nShips to: Worldwide\n10x Xanax 2mg bars USD 50"},
        "{not json",
        {"id": "b", "html": "<html><body><h1>Vintage oak table</h1><p>Pickup only, Berlin."
                            "<script>alert(1)</script></p></body></html>"},
    ]
    text = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    proc = _run("extract", stdin=text)
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["id"] for r in records] == ["a", "b"]
    a, b = records
    assert [d["inn"] for d in a["drugs"]] == ["alprazolam"]
    assert a["ship_from"] == "DE" and a["ship_to"] == ["WW"] and a["is_drug_listing"] is True
    assert b["drugs"] == [] and b["is_drug_listing"] is False
    assert proc.returncode != 0
    # stderr is the bad-line reports, one JSON object a line, then the summary: no log lines
    # from building the pipeline (spaCy's, printed twice over by two handlers).
    err = proc.stderr.splitlines()
    assert [json.loads(line)["line"] for line in err if line.startswith("{")] == [2]
    assert [line for line in err if not line.startswith("{")] == [
        "pharmwatch extract: 1 bad input line(s) skipped"]


def test_sandbox_truth_then_query_errors_are_clear(tmp_path: Path) -> None:
    truth = tmp_path / "truth.jsonl"
    assert _run("sandbox", "truth", "--listings", "120", "--seed", "3", "--out", str(truth)).returncode == 0
    rows = [json.loads(line) for line in truth.read_text().splitlines()]
    assert len({r["market"] for r in rows}) == 3 and len(rows) >= 100
    missing = _run("query", "--db", str(tmp_path / "nope.duckdb"), "SELECT 1")
    assert missing.returncode != 0 and "nope.duckdb" in missing.stderr


def test_commands_that_do_not_extract_start_without_spacy() -> None:
    """Building the parser (every command does) must not import spaCy (~2 s) or the extractor:
    `pharmwatch query` or `load` should not pay for the pipeline."""
    code = ("import sys; from pharmwatch.cli import build_parser; build_parser(); "
            "print(sorted(m for m in ('spacy', 'nlp.extract', 'sklearn') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
