"""The report as PDF: the same HTML, laid out for print by WeasyPrint (no browser needed)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from reports.exceptions import ReportError

# WeasyPrint logs every CSS property it ignores; those warnings are noise for operators.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def render_pdf(html_path: Path, pdf_path: Path | None = None, html: str | None = None) -> Path:
    """Write `report.pdf` next to `report.html` (atomically) and return its path.

    `html`: the text to lay out instead of the file's (the report passes a shorter version)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    pdf_path = pdf_path or html_path.with_suffix(".pdf")
    tmp = pdf_path.with_name(pdf_path.name + ".part")
    try:
        # The report is self-contained: only inline data: URLs load, so no URL that came from
        # scraped text is ever fetched while rendering.
        fetcher = URLFetcher(allowed_protocols=("data",), allow_redirects=False)
        text = html if html is not None else html_path.read_text(encoding="utf-8")
        HTML(string=text, url_fetcher=fetcher).write_pdf(str(tmp))
    except (OSError, ValueError) as exc:
        tmp.unlink(missing_ok=True)
        raise ReportError(f"PDF rendering of {html_path} failed: {exc}") from exc
    os.replace(tmp, pdf_path)
    return pdf_path
