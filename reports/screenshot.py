"""Look at the report as a person would: Debian's chromium, headless, driven by Playwright.

Used by the tests (no console errors, heatmap visible) and to refresh the README screenshot:
`python -m reports.screenshot out/report/report.html docs/img/report.png`.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from reports.exceptions import ReportError

CHROMIUM = os.environ.get("PHARMWATCH_CHROMIUM", "/usr/bin/chromium")
# Without these, chromium reaches out to Google services at start and is refused here.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclass
class PageCheck:
    screenshot: Path
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    heatmap_box: dict | None = None
    dialogs: list[str] = field(default_factory=list)


def check_report(html_path: Path, screenshot: Path, width: int = 1280) -> PageCheck:
    """Open the report from disk, collect console/page errors and dialogs, take a full screenshot."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise ReportError(f"chromium not found at {CHROMIUM} (scripts/system-deps.sh installs it)")
    result = PageCheck(screenshot=screenshot)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.on("console", lambda m: m.type == "error" and result.console_errors.append(m.text))
            page.on("pageerror", lambda e: result.page_errors.append(str(e)))
            page.on("dialog", lambda d: (result.dialogs.append(d.message), d.dismiss()))
            page.goto(html_path.resolve().as_uri(), wait_until="load")
            heatmap = page.locator("#matrix")
            if heatmap.count() and heatmap.first.is_visible():
                result.heatmap_box = heatmap.first.bounding_box()
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
            browser.close()
    except PlaywrightError as exc:
        raise ReportError(f"headless chromium could not render {html_path}: {exc}") from exc
    return result


if __name__ == "__main__":
    check = check_report(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"screenshot: {check.screenshot}  console errors: {len(check.console_errors)}  "
          f"heatmap visible: {check.heatmap_box is not None}")
