"""Generic extraction on listing pages laid out like markets the project has no config for
(synthetic pages, tests/fixtures/nlp/generic_pages/README.md): every field a reader records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


PAGES = Path(__file__).parent / "fixtures" / "nlp" / "generic_pages"
EXPECTED = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))
# Fields a page's reader records that the extraction still gets wrong, with why (README.md):
# checked to be wrong, so that a fix shows up here and the entry goes.
KNOWN_MISSES = json.loads((PAGES / "known_misses.json").read_text(encoding="utf-8"))
FIELDS = ("title", "seller", "ship_from", "ship_to", "ship_to_exclusions", "price", "currency",
          "is_drug_listing", "language", "contacts", "drugs")


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_a_page_from_an_unknown_market(extractor, page):
    html = (PAGES / page).read_text(encoding="utf-8")
    rec = extractor.extract({"id": page, "html": html})
    want = EXPECTED[page]
    got = {f: rec[f] for f in FIELDS if f != "drugs"} | {"drugs": [d["inn"] for d in rec["drugs"]]}
    missed = KNOWN_MISSES.get(page, {})
    assert {f: got[f] for f in FIELDS if f not in missed} == {f: want[f] for f in FIELDS if f not in missed}
    for field in missed:
        assert got[field] != want[field], f"{page}: {field} is right now; drop it from known_misses.json"


def test_every_page_has_its_expectation():
    assert sorted(p.name for p in PAGES.glob("*.html")) == sorted(EXPECTED)
    assert set(KNOWN_MISSES) <= set(EXPECTED)
    for page, misses in KNOWN_MISSES.items():
        assert set(misses) <= set(FIELDS) and all(isinstance(why, str) and why for why in misses.values())
