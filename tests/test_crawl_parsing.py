"""Pure parsing functions on saved pages: real Empire/Apollon HTML and sandbox fixtures."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pycountry
import pytest
from parsel import Selector

from crawlers.config import load_market
from crawlers.exceptions import FieldSpecError
from crawlers.pages import RunContext, Evidence, main_text, parse_listing
from crawlers.parsing import (
    FieldSpec, canonicalize_url, extract_fields, jsonld_product, visible_text,
)

DATA = Path("/work/shared/data")
SANDBOX_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sandbox"

# A YAML-like spec for Empire listing pages, written from the saved HTML.
EMPIRE_SPEC = {
    "title": {"css": "div.listDes h2::text"},
    "seller": {"xpath": "//p[starts-with(normalize-space(.), 'Sold by')]/b/a/text()"},
    "seller_url": {"xpath": "//p[starts-with(normalize-space(.), 'Sold by')]/b/a/@href"},
    "ships_from": {"xpath": "//td[b='Origin Country']/following-sibling::td[1]//text()",
                   "join": " "},
    "ships_to": {"xpath": "//td[b='Ships to']/following-sibling::td[1]//text()", "join": " "},
    "price": {"xpath": "//p[b='Purchase price:']/span/text()", "re": r"([0-9][0-9,]*(?:\.[0-9]+)?)"},
    "currency": {"xpath": "//p[b='Purchase price:']/span/text()", "re": r"^([A-Z]{3})"},
}


def empire_gold() -> list[dict]:
    path = DATA / "pages_dev_gold.jsonl"
    if not path.exists():
        pytest.skip("shared development data not available")
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    return [r for r in rows if r["market"] == "Empire"]


def to_code(place: str | None) -> str | None:
    if not place:
        return None
    if place.lower().replace(" ", "") in ("worldwide",):
        return "WW"
    return pycountry.countries.lookup(place).alpha_2


def test_empire_listings_match_gold() -> None:
    gold = empire_gold()
    assert len(gold) == 15
    for row in gold:
        html = (DATA / row["path"]).read_bytes()
        fields = extract_fields(html, EMPIRE_SPEC, base_url="http://empire.invalid/")
        assert re.sub(r"\s+", " ", fields["title"]) == row["title"], row["path"]
        assert fields["seller"] == row["seller"], row["path"]
        assert to_code(fields["ships_from"]) == row["ship_from"], row["path"]
        if row["price"] is not None:
            assert float(fields["price"].replace(",", "")) == pytest.approx(row["price"]), row["path"]
            assert fields["currency"] == row["currency"]
        assert fields["seller_url"].endswith("/u/" + row["seller"])


def test_empire_visible_text_with_injected_script_and_style() -> None:
    html = (DATA / "html/empire/saved_empire_listing_1.html").read_text(errors="replace")
    # Saved pages were stripped of scripts; put hostile ones back inside the listing block.
    hostile = html.replace('<p id="desc_prod">', '<script>steal("cookie")</script>'
                           '<style>.x{color:red}</style><p id="desc_prod">', 1)
    assert hostile != html
    text = main_text(Selector(text=hostile), "div.listDes")
    assert text.startswith("1oz PAMP Veriscan Counterfeit Gold Bar Brand New")
    assert "steal" not in text and "color:red" not in text
    assert "Sold by biggertreesinc" in text
    assert "  " not in text and "\n" not in text


def test_visible_text_rules() -> None:
    html = ("<main><h1>Xan<b>ax</b>\n 2mg</h1><!-- hidden -->after<script>alert(1)</script>"
            "tail<p>para</p>next<style>p{}</style><noscript>ns</noscript></main>")
    assert visible_text(Selector(text=html).css("main")[0]) == "Xanax 2mg aftertail para next"
    assert visible_text("") == ""
    assert visible_text(None) == ""


def test_field_options() -> None:
    html = """<div class=a> one </div><div class=a>two</div><div class=a> </div>
    <a href="/u/x">x</a><p class=p>Price: USD 12.50 each</p>"""
    specs = {
        "first": {"css": ".a::text"},
        "every": {"css": ".a::text", "all": True},
        "joined": {"css": ".a", "text": True, "join": "|"},
        "seller_url": {"css": "a::attr(href)"},
        "raw_href": {"css": "a::attr(href)", "absolute": False},
        "amount": {"css": ".p::text", "re": r"USD ([0-9.]+)"},
        "whole": {"css": ".p::text", "re": r"[0-9.]+"},
        "missing": {"css": ".nope::text"},
        "missing_all": {"css": ".nope::text", "all": True},
        "missing_joined": {"xpath": "//nope/text()", "join": ", "},
    }
    out = extract_fields(html, specs, base_url="http://h/p/q")
    assert out == {
        "first": "one", "every": ["one", "two"], "joined": "one|two",
        "seller_url": "http://h/u/x", "raw_href": "/u/x", "amount": "12.50", "whole": "12.50",
        "missing": None, "missing_all": [], "missing_joined": None,
    }


def test_jsonld_product_paths() -> None:
    html = """<script type="application/ld+json">{not json</script>
    <script type="application/ld+json">{"@graph": [{"@type": "Organization", "name": "Shop"},
      {"@type": ["Product", "Drug"], "name": "Tramadol 50mg",
       "offers": [{"price": 1.5, "priceCurrency": "EUR"}], "brand": {"name": "Ultram"}}]}</script>"""
    assert jsonld_product(Selector(text=html))["name"] == "Tramadol 50mg"
    out = extract_fields(html, {"name": {"jsonld": "name"}, "price": {"jsonld": "offers.price"},
                                "cur": {"jsonld": "offers.priceCurrency"},
                                "brand": {"jsonld": "brand.name"}, "nope": {"jsonld": "sku"}})
    assert out == {"name": "Tramadol 50mg", "price": "1.5", "cur": "EUR", "brand": "Ultram",
                   "nope": None}


@pytest.mark.parametrize("raw, message", [
    ({"css": "h1::text", "xpath": "//h1"}, "exactly one"),
    ({}, "exactly one"),
    ({"css": "h1::text", "joinn": " "}, "unknown key"),
    ({"css": "h1[[["}, "invalid css"),
    ({"xpath": "//h1[@"}, "invalid xpath"),
    ({"css": "h1", "re": "(unclosed"}, "invalid css or re"),
    ({"css": "h1", "all": "yes"}, "'all' must be bool"),
    ("h1::text", "expected a mapping"),
])
def test_bad_field_specs(raw: object, message: str) -> None:
    with pytest.raises(FieldSpecError, match=re.escape(message)):
        FieldSpec.from_dict("title", raw)


def test_malformed_and_hostile_html_still_parse() -> None:
    html = (b"<html><body><main><h1 class=t>Oxy <b>30mg<div>Sold by <a href=/v/q>q</a>"
            b"\xff\xfe<table><tr><td>=cmd|' /C calc'!A0<script>evil()</script></main")
    sel = Selector(text=html.decode("utf-8", errors="replace"))
    out = extract_fields(sel, {"title": {"css": "h1.t::text"}, "seller": {"css": "a::text"}})
    assert out == {"title": "Oxy", "seller": "q"}
    text = main_text(sel, "main")
    assert "evil" not in text and "=cmd|' /C calc'!A0" in text


def test_canonicalize_url() -> None:
    assert canonicalize_url("http://h/a?b=2&a=1#frag") == "http://h/a?a=1&b=2"
    assert canonicalize_url("http://h/a?a=1&b=2") == canonicalize_url("http://h/a?b=2&a=1")


def sandbox_case(key: str) -> tuple[str, dict, str]:
    meta_path = SANDBOX_FIXTURES / "fixtures.json"
    if not meta_path.exists():
        pytest.skip("sandbox fixtures not saved yet")
    meta = json.loads(meta_path.read_text())
    return (SANDBOX_FIXTURES / f"{key}.html").read_text(), meta["truth"][key], meta["pages"][key]


@pytest.mark.parametrize("key, market", [
    ("nightbazaar_listing", "nightbazaar"), ("nightbazaar_listing_broken", "nightbazaar"),
    ("pillstore_product", "pillstore"), ("boardex_post", "boardex"),
    ("boardex_post_de", "boardex"),
])
def test_sandbox_pages_with_market_yaml(key: str, market: str) -> None:
    html, truth, path = sandbox_case(key)
    base = "http://127.0.0.1:8000"
    cfg = load_market(market, base)
    url = base + path
    page, match = cfg.page_type(url)
    assert page.name == "listing"
    item = parse_listing(Selector(text=html), url, 200, page, match,
                         RunContext(market, "r", "2025-01-01"), Evidence("t", "h", "w", 0))
    assert item.listing_id == truth["listing_id"]
    assert item.fields["title"] == truth["title"]
    assert (item.fields["seller"] or "").lower() == truth["seller"].lower()
    assert truth["title"].split()[0] in item.text
    assert "<script" not in item.text


def test_html_defects_flags_truncation_and_tag_errors() -> None:
    from crawlers.parsing import html_defects

    sandbox_fixtures = Path(__file__).parent / "fixtures" / "sandbox"
    clean = (sandbox_fixtures / "nightbazaar_listing.html").read_bytes()
    broken = (sandbox_fixtures / "nightbazaar_listing_broken.html").read_bytes()
    assert html_defects(clean) == []
    assert any("truncated" in d for d in html_defects(broken))
    mismatched = b"<html><body><div><b>x</i></div></body></html>"
    assert any("Unexpected end tag" in d for d in html_defects(mismatched))
    # HTML5 tags libxml2 does not know are not defects
    assert html_defects(b"<html><body><main><nav>x</nav></main></body></html>") == []


def test_jsonld_product_reads_shop_markup_as_the_extractor_does() -> None:
    """The crawler's `jsonld` fields and the extractor's hints walk the same markup the same
    way (`pharmwatch.jsonld`): raw newlines in strings, schema URLs, nesting, type attribute case."""
    html = """<script type="Application/LD+JSON">{"@context": "https://schema.org",
      "mainEntity": {"@type": "http://schema.org/Product", "name": "Valium
 10mg", "offers": {"price": "35.00", "priceCurrency": "GBP"}}}</script>"""
    assert jsonld_product(Selector(text=html))["name"] == "Valium\n 10mg"
    out = extract_fields(html, {"price": {"jsonld": "offers.price"}})
    assert out == {"price": "35.00"}
    assert jsonld_product(Selector(text='<script type="application/ld+json">[1, "x"]</script>')) is None
