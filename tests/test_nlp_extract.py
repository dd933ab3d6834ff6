"""Extractor, stage and CLI on the full pipeline (built once per session: tests/conftest.py)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from nlp.cli import extract_command
from nlp.exceptions import InputRecordError, NlpError
from nlp.listing import despaced
from nlp.stage import extract_partition
from pharmwatch.paths import Layout

FIXTURES = Path(__file__).parent / "fixtures" / "nlp"
KEYS = {"id", "url", "drugs", "seller", "ship_from", "ship_to", "price", "currency",
        "is_drug_listing", "language", "nlp_version",
        # added by issue #4
        "title", "drug_class", "ship_to_exclusions", "strength", "quantity", "unit_price",
        "price_usd", "contacts", "pgp_fingerprints", "crypto_addresses", "shelf_drugs", "error"}
DRUG_KEYS = {"name", "inn", "class", "schedule_un", "schedule_us", "controlled", "rx_only",
             "start", "end"}


def test_contract_record_from_text(extractor):
    rec = extractor.extract({"id": "m:1", "url": "http://127.0.0.1/m/1",
                             "text": "Xanax 2mg bars. Vendor: xanaxking. Ships from: Germany. "
                                     "Ships to: Europe. Price: USD 120.00"})
    assert set(rec) == KEYS and set(rec["drugs"][0]) == DRUG_KEYS
    assert [d["inn"] for d in rec["drugs"]] == ["alprazolam"]
    assert (rec["seller"], rec["ship_from"], rec["ship_to"]) == ("xanaxking", "DE", ["EU"])
    assert (rec["price"], rec["currency"], rec["is_drug_listing"]) == (120.0, "USD", True)
    assert rec["url"] == "http://127.0.0.1/m/1" and rec["language"] == "en"


def test_html_input_ignores_script_and_keeps_hostile_text(extractor):
    html = ("<html><head><title>Valium 10mg</title><style>.x{}</style></head><body>"
            "<script>var drug='cocaine'; alert(1)</script><main><h1>Valium 10mg</h1>"
            "<p>'); DROP TABLE listing;-- =cmd|' /C calc'!A0</p><p>Sold by <b>Benzo&amp;Co</b>"
            "</p><div>Ships from: <span>France</span></div></main></body></html>")
    rec = extractor.extract({"id": "h:1", "html": html})
    assert [d["inn"] for d in rec["drugs"]] == ["diazepam"]  # 'cocaine' was only in <script>
    assert rec["seller"] == "Benzo"  # the handle charset stops at '&'
    assert rec["ship_from"] == "FR"


def test_malformed_html_does_not_crash(extractor):
    rec = extractor.extract({"id": "b:1", "html": "<div><p>Ketamine 5g <b>Ships from: NL<td></div"})
    assert [d["inn"] for d in rec["drugs"]] == ["ketamine"] and rec["ship_from"] == "NL"


@pytest.mark.parametrize("depth", [300, 3000, 200_000])
def test_deeply_nested_page_loses_no_text(extractor, depth):
    """libxml2 drops whatever lies deeper than 256 elements (2048 with huge_tree): a template
    leaving one <div> open per item passes that. Past 2048 the text comes from a streaming
    parser that keeps no tree (200,000 open elements: a 1 MB page, read in about a second)."""
    body = ("<h1>Xanax 2mg</h1><script>var x = 'cocaine'</script><p>Ships from: Germany<br>"
            "Ships to: EU</p><select><option>France<option>Spain</select><p>Price: 40 EUR</p>")
    html = f"<html><head><title>Shop</title></head><body>{'<div>' * depth}{body}</body></html>"
    rec = extractor.extract({"id": f"deep:{depth}", "html": html})
    assert [d["inn"] for d in rec["drugs"]] == ["alprazolam"]
    assert (rec["ship_from"], rec["ship_to"], rec["price"]) == ("DE", ["EU"], 40.0)


def test_streaming_text_follows_the_tree_rules():
    """The fallback for pages nested too deep gives the same text as the tree on real layouts."""
    from nlp.html import flat_text, html_to_text

    pages = [*FIXTURES.glob("generic_pages/*.html"), FIXTURES / "unknown_market_listing.html",
             *(FIXTURES.parent / "sandbox").glob("*.html")]
    assert len(pages) > 15
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert flat_text(html) == html_to_text(html), page.name


def test_non_drug_listing_with_tag_spam(extractor):
    rec = extractor.extract({"id": "g:1", "text": "Tags: xanax oxy cocaine mdma",
                             "fields": {"title": "1oz PAMP Counterfeit Gold Bar"}})
    assert rec["is_drug_listing"] is False and rec["drugs"] == []


@pytest.mark.parametrize("title,is_drug", [
    ("Marquis Reagent Test Kit - Best home test for MDMA", False),  # harm reduction, no offer
    ("Fentanyl test strips x 10", False),
    ("Harm reduction: test kits for MDMA", False),
    ("3.5 GRAMS MDMA CRYSTALS - REAGENT TESTED", True),  # a quality claim of a drug offer
])
def test_drug_checking_kits_are_not_drug_offers(extractor, title, is_drug):
    rec = extractor.extract({"id": "k:1", "text": "", "fields": {"title": title}})
    assert rec["is_drug_listing"] is is_drug and bool(rec["drugs"]) is is_drug


def test_title_drug_wins_over_body_mentions(extractor):
    rec = extractor.extract({"id": "c:1", "text": "Also in my shop: ketamine, lsd, weed.",
                             "fields": {"title": "Pure Colombian Coke 1g"}})
    assert [d["inn"] for d in rec["drugs"]] == ["cocaine"]
    assert rec["drugs"][0]["name"] == "Coke" and rec["drugs"][0]["start"] == 15


@pytest.mark.parametrize("title,is_drug,inns", [
    # the classifier reads spelt-out words joined: it vetoed "M D M A" titles before
    ("Selling M D M A - fast shipping", True, ["mdma"]),
    ("*** 7 gm SE to SE C O C A I N E ***", True, ["cocaine"]),
    ("S O C K S P R O X I E S 1000 pcs", False, []),
])
def test_letter_spaced_titles(extractor, title, is_drug, inns):
    rec = extractor.extract({"id": "s:1", "text": "Fast and discreet.", "fields": {"title": title}})
    assert rec["is_drug_listing"] is is_drug and [d["inn"] for d in rec["drugs"]] == inns


def test_classifier_reads_spelt_out_words_joined():
    assert despaced("X A N A X 2mg bars") == "XANAX 2mg bars"
    assert despaced("We sell C O C A I N E. Pure") == "We sell COCAINE. Pure"
    assert despaced("Pick a b c or Sizes S M L") == "Pick a b c or Sizes S M L"  # under four


def test_bad_record_is_rejected_clearly(extractor):
    with pytest.raises(InputRecordError, match="needs 'text' or 'html'"):
        extractor.extract({"id": "x"})
    with pytest.raises(InputRecordError, match="no string 'id'"):
        extractor.extract({"text": "xanax"})


def test_cli_skips_bad_lines_and_loses_nothing(tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    args = argparse.Namespace(input=str(FIXTURES / "listings.jsonl"), output=str(out), model=None)
    assert extract_command(args) == 1
    recs = [json.loads(l) for l in out.read_text().splitlines()]
    assert [r["id"] for r in recs] == ["t:1", "t:2", "t:3", "t:4"]
    err = [json.loads(l) for l in capsys.readouterr().err.splitlines() if l.startswith("{")]
    assert [e["line"] for e in err] == [3, 5]
    by_id = {r["id"]: r for r in recs}
    assert [d["inn"] for d in by_id["t:2"]["drugs"]] == ["sildenafil"]
    assert (by_id["t:2"]["ship_from"], by_id["t:2"]["ship_to"]) == ("DE", ["AT", "CH"])
    assert (by_id["t:2"]["price"], by_id["t:2"]["currency"], by_id["t:2"]["language"]) == (
        45.0, "EUR", "de")
    hostile = by_id["t:3"]
    assert [d["inn"] for d in hostile["drugs"]] == ["oxycodone"]
    assert (hostile["seller"], hostile["ship_from"], hostile["ship_to"]) == ("RoxyRick", "ES", ["WW"])
    assert (by_id["t:4"]["ship_from"], by_id["t:4"]["ship_to"]) == (None, [])
    assert by_id["t:4"]["is_drug_listing"] is False


def test_cli_batches_keep_order_line_numbers_and_failed_records(tmp_path, capsys):
    """Records go through the pipeline 256 at a time: across batch edges, output keeps input
    order, each bad line is reported with its own line number, and a record whose extraction
    raises is written with its `error` (the rest of its batch extracted), exit status 1."""
    import io

    from spacy.language import Language

    from nlp.cli import run
    from nlp.extract import Extractor
    from nlp.extensions import text_of

    @Language.component("test_boom_on_marker")
    def boom(doc):
        if "BOOM" in text_of(doc):
            raise RuntimeError("component failed")
        return doc

    extractor = Extractor()
    extractor.nlp.add_pipe("test_boom_on_marker", first=True)
    try:
        lines, bad_lines = [], []
        for n in range(1, 601):
            if n in (2, 256, 257, 513):
                lines.append("{broken" if n % 2 else json.dumps({"id": f"r{n}"}))  # no text
                bad_lines.append(n)
            else:
                text = "BOOM Xanax 2mg" if n == 300 else f"Xanax 2mg x{n}. Ships from: Germany"
                lines.append(json.dumps({"id": f"r{n}", "text": text}))
        out = io.StringIO()
        bad, failed = run(extractor, io.StringIO("\n".join(lines) + "\n"), out, batch_size=256)
    finally:
        extractor.nlp.remove_pipe("test_boom_on_marker")
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in records] == [f"r{n}" for n in range(1, 601) if n not in bad_lines]
    assert (bad, failed) == (4, 1)
    errors = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [e["line"] for e in errors] == bad_lines
    by_id = {r["id"]: r for r in records}
    assert "component failed" in by_id["r300"]["error"] and by_id["r300"]["drugs"] == []
    assert by_id["r299"]["error"] is None and by_id["r301"]["error"] is None
    assert [d["inn"] for d in by_id["r301"]["drugs"]] == ["alprazolam"]
    assert all(r["ship_from"] == "DE" for r in records if r["id"] != "r300")


def test_stage_writes_partition_atomically(tmp_path, extractor):
    layout = Layout(tmp_path)
    staging = layout.staging("nightbazaar", "2025-01-02")
    staging.mkdir(parents=True)
    items = [{"market": "nightbazaar", "listing_id": "NB1", "url": "http://127.0.0.1/nb/1",
              "text": "Oxycodone 30mg x10 Ships from: Canada",
              "fields": {"title": "Oxycodone 30mg", "seller": "oxyqueen", "ships_from": "Canada",
                         "ships_to": "United States, Canada", "price": "USD 300.00"}},
             {"market": "nightbazaar", "listing_id": "NB2", "url": "u2", "text": "LSD tabs",
              "fields": {"title": None}}]
    (staging / "listings.jsonl").write_text("".join(json.dumps(i) + "\n" for i in items))
    for _ in range(2):  # rerun replaces, never appends
        assert extract_partition(layout, "nightbazaar", "2025-01-02", extractor) == 2
    out = layout.extracted("nightbazaar", "2025-01-02")
    recs = [json.loads(l) for l in (out / "entities.jsonl").read_text().splitlines()]
    assert [r["id"] for r in recs] == ["nightbazaar:NB1", "nightbazaar:NB2"]
    assert (recs[0]["seller"], recs[0]["ship_to"], recs[0]["price"]) == ("oxyqueen", ["US", "CA"], 300.0)
    assert [d["inn"] for d in recs[1]["drugs"]] == ["lsd"]
    assert not list(out.glob("*.part"))


def test_stage_missing_partition(tmp_path, extractor):
    with pytest.raises(NlpError, match="listings.jsonl is missing"):
        extract_partition(Layout(tmp_path), "nope", "2025-01-01", extractor)


_SHOP = """<html><head><title>Buy Tramadol 100mg Online | MedsExpress</title>
<script type="application/ld+json">{json}</script></head><body><nav>Home | Shop | Contact</nav>
<h1>Tramadol 100mg</h1><div>Buy without prescription. Fast delivery.</div>
<div class="price-box"><span>from 79,00 €</span></div></body></html>"""


@pytest.mark.parametrize("markup,seller,price", [
    # WooCommerce: the offer names the shop that sells and the price
    ('{"@context":"https://schema.org","@type":"Product","name":"Tramadol 100mg","offers":'
     '{"@type":"Offer","price":"89.00","priceCurrency":"EUR","seller":{"@type":"Organization",'
     '"name":"MedsExpress"}}}', "MedsExpress", (89.0, "EUR")),
    # Yoast's @graph, a list of offers, a price of 1.234 (a decimal point, not a thousands group)
    ('{"@graph":[{"@type":"WebPage"},{"@type":["Product"],"offers":[{"@type":"Offer",'
     '"price":1.234,"priceCurrency":"USD","seller":"Pharma  Direct"}]}]}', "Pharma Direct",
     (1.234, "USD")),
    # broken markup, or no offer: the visible text decides, as on any page
    ('{"@type":"Product","offers":{"price":"89.00",', None, (79.0, "EUR")),
    ('{"@type":"Product","name":"Tramadol"}', None, (79.0, "EUR")),
    ('{"@type":"Product","offers":{"price":"-5","priceCurrency":"EUR"}}', None, (79.0, "EUR")),
])
def test_a_shops_product_markup_gives_seller_and_price(extractor, markup, seller, price):
    rec = extractor.extract({"id": "s:1", "html": _SHOP.replace("{json}", markup)})
    assert rec["error"] is None and rec["title"] == "Tramadol 100mg"
    assert (rec["seller"], (rec["price"], rec["currency"])) == (seller, price)


def test_the_crawlers_fields_win_over_product_markup(extractor):
    markup = ('{"@type":"Product","offers":{"price":"89.00","priceCurrency":"EUR",'
              '"seller":{"name":"MedsExpress"}}}')
    rec = extractor.extract({"id": "s:2", "html": _SHOP.replace("{json}", markup),
                             "fields": {"seller": "configured_shop", "price": "USD 99"}})
    assert (rec["seller"], rec["price"], rec["currency"]) == ("configured_shop", 99.0, "USD")
