"""The PDF report: rendered by WeasyPrint from the same HTML, checked with poppler's pdftotext."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from reports.exceptions import ReportError
from reports.pdf import render_pdf


def _pdftotext(pdf: Path) -> str:
    exe = shutil.which("pdftotext")
    assert exe, "poppler-utils missing: scripts/system-deps.sh installs it"
    return subprocess.run([exe, "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_pdf_carries_the_text_and_keeps_hostile_text_inert(tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    html.write_text(
        "<html><head><style>@page{size:A4 landscape}</style></head><body><h1>Weekly report</h1>"
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
        "<p>=HYPERLINK(&quot;http://example.invalid&quot;,&quot;x&quot;)</p>"
        '<img src="http://example.invalid/track.png"></body></html>', encoding="utf-8")
    pdf = render_pdf(html)
    assert pdf == tmp_path / "report.pdf" and pdf.read_bytes().startswith(b"%PDF")
    text = _pdftotext(pdf)
    assert "Weekly report" in text
    assert "<script>alert(1)</script>" in text  # shown as text, not run: PDFs carry no JS here
    assert b"/JavaScript" not in pdf.read_bytes() and b"/URI (http://example.invalid" not in pdf.read_bytes()
    assert not list(tmp_path.glob("*.part"))


def test_unreadable_html_gives_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="missing.html"):
        render_pdf(tmp_path / "missing.html")
