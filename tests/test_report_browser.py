"""The report as a person sees it: headless Debian chromium renders it, we look for trouble."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "warehouse"))
from staged_world import HOSTILE_TITLE, write_world  # noqa: E402

from pharmwatch.paths import Layout  # noqa: E402
from reports.screenshot import check_report  # noqa: E402
from reports.weekly import render_report  # noqa: E402
from warehouse.load import load_all  # noqa: E402


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("browser")
    write_world(root, dates=("2026-11-16",), n=20, hostile=True)
    db = root / "w.duckdb"
    load_all(db, Layout(root))
    html = render_report(db, root / "out")
    return html, check_report(html, root / "out" / "report.png")


def test_report_renders_without_console_errors_and_shows_heatmap(rendered) -> None:
    html, check = rendered
    assert check.console_errors == [] and check.page_errors == []
    assert check.heatmap_box is not None
    assert check.heatmap_box["width"] > 100 and check.heatmap_box["height"] > 40
    png = check.screenshot.read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000


def test_hostile_title_does_not_run_in_the_browser(rendered) -> None:
    html, check = rendered
    assert "<script>" in HOSTILE_TITLE
    assert check.dialogs == []  # alert(1) would have opened a dialog
    assert HOSTILE_TITLE not in html.read_text(encoding="utf-8")  # only its escaped form is there
