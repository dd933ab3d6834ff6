"""Generic extraction on listing pages laid out like markets the project has no config for
(synthetic pages, tests/fixtures/nlp/generic_pages/README.md): every field a reader records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


PAGES = Path(__file__).parent / "fixtures" / "nlp" / "generic_pages"
EXPECTED = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))
FIELDS = ("title", "seller", "ship_from", "ship_to", "ship_to_exclusions", "price", "currency",
          "is_drug_listing", "language", "contacts")


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_a_page_from_an_unknown_market(extractor, page):
    html = (PAGES / page).read_text(encoding="utf-8")
    rec = extractor.extract({"id": page, "html": html})
    want = EXPECTED[page]
    got = {f: rec[f] for f in FIELDS} | {"drugs": [d["inn"] for d in rec["drugs"]]}
    assert got == want


def test_every_page_has_its_expectation():
    assert sorted(p.name for p in PAGES.glob("*.html")) == sorted(EXPECTED)
