"""The HTML report: numbers match independent counts from the staged files; text is inert."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb
import lxml.html
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "warehouse"))
from staged_world import HOSTILE_DESCRIPTION, HOSTILE_TITLE, write_world  # noqa: E402

import reports.pdf  # noqa: E402
from reports.cli import report_command  # noqa: E402
from reports.exceptions import ReportError  # noqa: E402
from reports.weekly import render_report  # noqa: E402

DATES = ("2026-11-16", "2026-11-17")  # ISO week 2026-W47

# Independent of the warehouse: read the staged entities directly, keep each listing's latest
# extraction, flag it if it is a drug listing offering a controlled or prescription-only drug.
FLAGGED_SQL = """
WITH e AS (
    SELECT * FROM read_json($glob, format='newline_delimited', hive_partitioning=true,
        columns={'id': 'VARCHAR', 'ship_from': 'VARCHAR', 'ship_to': 'VARCHAR[]',
                 'is_drug_listing': 'BOOLEAN',
                 'drugs': 'STRUCT(controlled BOOLEAN, rx_only BOOLEAN)[]'})
    QUALIFY row_number() OVER (PARTITION BY id ORDER BY date DESC) = 1
)
SELECT id, ship_from, ship_to FROM e
WHERE is_drug_listing AND len(list_filter(drugs, lambda d: d.controlled OR d.rx_only)) > 0
"""


@pytest.fixture(scope="module")
def report(staged_warehouse):
    root, db = staged_warehouse("report", lambda r: write_world(r, dates=DATES, n=20, hostile=True))
    path = render_report(db, root / "out")
    con = duckdb.connect()
    flagged = con.execute(FLAGGED_SQL, {"glob": str(root / "extracted" / "*" / "*" / "entities.jsonl")}).fetchall()
    con.close()
    return root, db, path, lxml.html.parse(str(path)).getroot(), path.read_text(encoding="utf-8"), flagged


def test_matrix_cells_equal_independent_counts(report) -> None:
    *_, tree, _, flagged = report
    expected: dict[tuple[str, str], int] = {}
    for _, src, dests in flagged:
        for dest in dests or [None]:
            key = (src or "", dest or "")
            expected[key] = expected.get(key, 0) + 1
    shown = {}
    for cell in tree.xpath('//table[@id="matrix"]//td[@class="cell"]'):
        text = cell.text_content().strip()
        if text:
            shown[(cell.get("data-from"), cell.get("data-to"))] = int(text)
    assert shown == expected
    assert len(expected) > 5


def test_headline_and_country_table_match_independent_counts(report) -> None:
    *_, tree, _, flagged = report
    head = {td.get("data-key"): int(td.text_content()) for td in tree.xpath('//table[@id="headline"]//td')}
    assert head["flagged_listings"] == len(flagged)
    assert head["listings"] == 3 * 20 and head["markets"] == 3
    assert head["crawl_errors"] == 3 * len(DATES)
    by_country: dict[str, int] = {}
    for _, src, _ in flagged:
        by_country[src or ""] = by_country.get(src or "", 0) + 1
    rows = tree.xpath('//table[@id="by-country"]//tr[td]')
    shown = {r.xpath("./td")[0].get("data-code"): int(r.xpath('./td[@class="count"]')[0].text_content())
             for r in rows}
    assert shown == by_country
    germany = [r for r in rows if r.xpath("./td")[0].get("data-code") == "DE"]
    assert not germany or "Germany" in germany[0].text_content()


def test_flagged_table_lists_every_flagged_listing_with_evidence(report) -> None:
    _, db, _, tree, _, flagged = report
    keys = {tr.get("data-listing") for tr in tree.xpath('//table[@id="flagged"]//tr[@class="listing"]')}
    assert keys == {f[0] for f in flagged}
    con = duckdb.connect(str(db), read_only=True)
    sha = con.execute("SELECT page_sha256 FROM listing WHERE listing_key = ?", [flagged[0][0]]).fetchall()[0][0]
    con.close()
    row = tree.xpath(f'//tr[@data-listing="{flagged[0][0]}"]')[0]
    assert sha in row.text_content() and len(sha) == 64
    assert not tree.xpath('//table[@id="flagged"]//a')  # URLs are text, never links


def test_hostile_text_is_inert(report) -> None:
    *_, tree, html, _ = report
    assert not tree.xpath("//script")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    titles = [s.text_content() for s in tree.xpath('//span[@class="title"]')]
    assert HOSTILE_TITLE in titles
    descriptions = [s.text_content() for s in tree.xpath('//span[@class="description"]')]
    assert HOSTILE_DESCRIPTION in descriptions


def test_report_is_self_contained(report) -> None:
    *_, tree, html, _ = report
    assert not tree.xpath("//link | //img | //iframe | //*[@src]")
    assert "http://" not in " ".join(tree.xpath("//@href | //@style"))
    cells = tree.xpath('//td[@class="cell"]')
    filled = [c for c in cells if c.text_content().strip()]
    assert all("rgba(" in c.get("style") for c in filled)


def test_week_filter_and_errors(report, tmp_path: Path) -> None:
    _, db, *_ = report
    same = lxml.html.parse(str(render_report(db, tmp_path / "w47", week="2026-W47"))).getroot()
    empty = lxml.html.parse(str(render_report(db, tmp_path / "w01", week="2026-W01"))).getroot()
    count = lambda t, k: int(t.xpath(f'//td[@data-key="{k}"]')[0].text_content())  # noqa: E731
    *_, tree, _, flagged = report
    assert count(same, "flagged_listings") == len(flagged)
    assert count(empty, "flagged_listings") == 0 and count(empty, "listings") == 0
    with pytest.raises(ReportError, match="ISO week"):
        render_report(db, tmp_path / "bad", week="last week")
    with pytest.raises(ReportError):
        render_report(tmp_path / "absent.duckdb", tmp_path / "none")


def test_report_command(report, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    _, db, *_ = report
    assert report_command(argparse.Namespace(db=db, out=tmp_path / "r", week=None)) == 0
    assert (tmp_path / "r" / "report.html").is_file()
    assert report_command(argparse.Namespace(db=tmp_path / "x.duckdb", out=tmp_path / "r2", week=None)) == 1
    assert "error" in capsys.readouterr().err


def test_long_listing_tables_are_capped(report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import reports.weekly as weekly

    _, db, *_, flagged = report
    monkeypatch.setattr(weekly, "MAX_LISTING_ROWS", 5)
    tree = lxml.html.parse(str(render_report(db, tmp_path / "cap"))).getroot()
    scores = [int(td.text_content()) for td in tree.xpath('//table[@id="flagged"]//td[@class="score"]')]
    assert len(scores) == 5 and scores == sorted(scores, reverse=True)
    assert f"of {len(flagged)} flagged" in tree.xpath('//p[@id="truncated"]')[0].text_content()


def test_a_pdf_failure_fails_the_report_after_the_csvs(report, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDF is laid out in the background while the CSVs are written: its error still
    reaches the caller (no report silently without its PDF)."""
    def broken(target, html):
        raise ReportError("PDF layout failed: out of fonts")

    monkeypatch.setattr(reports.pdf, "render_pdf", broken)
    _, db, *_ = report
    with pytest.raises(ReportError, match="out of fonts"):
        render_report(db, tmp_path / "r", refresh_alerts=False)
    assert (tmp_path / "r" / "flagged.csv").is_file() and not (tmp_path / "r" / "report.pdf").exists()


def _pdf_words(pdf: Path) -> list[tuple[int, float, float, list[tuple[float, float, float, float, str]]]]:
    """(page number, width, height, words as (x0, y0, x1, y1, text)) from poppler's pdftotext."""
    import subprocess

    import lxml.etree

    xhtml = "{http://www.w3.org/1999/xhtml}"
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout
    pages = []
    for n, page in enumerate(lxml.etree.fromstring(out).iter(f"{xhtml}page"), start=1):
        words = [(float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")),
                  w.text or "") for w in page.iter(f"{xhtml}word")]
        pages.append((n, float(page.get("width")), float(page.get("height")), words))
    return pages


def test_pdf_text_stays_on_the_page_and_never_overlaps(report) -> None:
    """What a recipient prints: no word runs off the paper (the crawl time of each flagged
    listing once did) and no two words overprint (a long price ran into the route column)."""
    pages = _pdf_words(report[2].with_suffix(".pdf"))
    assert pages and any(w[4] == "Flagged" for *_, words in pages for w in words)
    for n, width, height, words in pages:
        off = [w[4] for w in words if w[0] < -0.5 or w[2] > width + 0.5 or w[3] > height + 0.5]
        assert not off, f"page {n}: off the paper: {off[:5]}"
        words.sort(key=lambda w: w[1])
        for i, a in enumerate(words):
            for b in words[i + 1:]:
                if b[1] >= a[3] - 1:
                    break
                overlap_x = min(a[2], b[2]) - max(a[0], b[0])
                assert overlap_x <= 1, f"page {n}: {a[4]!r} overprints {b[4]!r}"


@pytest.mark.parametrize("amount,currency,shown", [
    (0.0043, "BTC", "0.0043 BTC"), (0.5, "XMR", "0.50 XMR"), (1.23456789123, "BTC", "1.23456789 BTC"),
    (1221.01, "USD", "1,221.01 USD"), (45.0, "EUR", "45.00 EUR"), (12.5, None, "12.50"), (None, "USD", ""),
])
def test_report_prices_keep_coin_fractions(amount, currency, shown) -> None:
    from reports.weekly import money

    assert money(amount, currency) == shown


def test_a_rule_found_twice_shows_its_points_once(report) -> None:
    tree = report[3]
    reasons = [d.text_content().strip() for d in tree.xpath('//table[@id="flagged"]//div[@class="reason"]')]
    assert reasons and not [r for r in reasons if r.startswith("+0 ")]


def _world_with_bad_lines(root: Path) -> None:
    import json

    write_world(root, dates=DATES, n=6)
    listings = root / "staging" / "market=boardex" / f"date={DATES[0]}" / "listings.jsonl"
    with listings.open("a", encoding="utf-8") as f:
        f.write('{"listing_id": "BO9", "url": \n')           # cut off mid-line
        f.write('["not", "an", "object"]\n')
    entities = root / "extracted" / "market=pillstore" / f"date={DATES[1]}" / "entities.jsonl"
    first = json.loads(entities.read_text(encoding="utf-8").splitlines()[0])
    with entities.open("a", encoding="utf-8") as f:
        for n, code in enumerate(("XX", "QQ", "ZZ")):
            f.write(json.dumps(first | {"id": f"pillstore:Q{n}", "ship_from": code}) + "\n")


def test_quarantined_lines_are_reported_per_market_and_problem(staged_warehouse, tmp_path) -> None:
    root, db = staged_warehouse("quarantine", _world_with_bad_lines)
    tree = lxml.html.parse(str(render_report(db, tmp_path / "out"))).getroot()
    rows = [[td.text_content().strip() for td in tr.xpath("./td")]
            for tr in tree.xpath('//table[@id="quarantine"]//tr[td]')]
    assert sorted(rows) == sorted([["boardex", "invalid JSON", "1", "1"],
                                   ["boardex", "not a JSON object", "1", "1"],
                                   ["pillstore", "unknown country code", "3", "1"]])


def test_a_week_without_quarantined_lines_says_so(report) -> None:
    *_, tree, _, _ = report
    cells = tree.xpath('//table[@id="quarantine"]//td')
    assert [c.text_content() for c in cells] == ["No staged line was quarantined."]
