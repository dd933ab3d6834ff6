"""The report as a person sees it: headless Debian chromium renders the seeded-scenario report
(spike, new route, fentanyl, two-market seller, hostile listing) and we look for trouble."""

from __future__ import annotations


import pytest

from reports.screenshot import check_report
from reports.weekly import render_report
from sandbox.scenarios import HOSTILE_TITLE, AlertScenario

SCENARIO = AlertScenario(listings=120)


@pytest.fixture(scope="module")
def rendered(staged_warehouse):
    root, db = staged_warehouse("browser", SCENARIO.write_staged)
    html = render_report(db, root / "out", SCENARIO.iso_week(SCENARIO.weeks - 1), pdf=False)
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
    text = html.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # it is in the page, as text
    assert check.dialogs == []  # alert(1) would have opened a dialog
    assert HOSTILE_TITLE not in text
