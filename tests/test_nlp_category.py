"""The market's category (`fields.category`, or a page's breadcrumb) as drug evidence: a
fallback for listings whose own text names no drug."""

from __future__ import annotations

import spacy
import pytest

import nlp.pipeline  # noqa: F401  (registers factories)
from nlp.extensions import DocAttrs
from nlp.html import parse_page


@pytest.fixture(scope="module")
def no_model():
    """Drugs and the listing judge without the classifier: the judge's own rule, alone."""
    pipe = spacy.blank("en")
    pipe.add_pipe("pharmwatch_drugs", config={"use_package_lexicon": False})
    pipe.add_pipe("pharmwatch_listing", config={"use_classifier": False})
    pipe.initialize()
    return pipe


def _judged(pipe, text: str, category: str | None):
    doc = pipe.make_doc(text)
    DocAttrs(doc).hints = {"category": category} if category else {}
    return pipe(doc)


def _inns(record: dict) -> list[tuple[str, str | None]]:
    return [(d["inn"], d.get("source")) for d in record["drugs"]]


def test_category_names_the_drug_when_the_text_names_none(extractor):
    record = {"id": "d:232", "text": "10 grams uncut 90% purity\nShips from: ES  → WW"}
    assert extractor.extract(record)["drugs"] == []
    out = extractor.extract({**record, "fields": {"category": "Drugs > Stimulants > Cocaine"}})
    assert _inns(out) == [("cocaine", "category")] and out["is_drug_listing"] is True
    d = out["drugs"][0]
    # a full entry (schedules for the flags), but no offsets: the name is not in the text
    assert (d["name"], d["class"], d["schedule_un"], d["controlled"]) == \
        ("Cocaine", "stimulant", "1961-I", True)
    assert d["start"] is None and d["end"] is None
    assert out["drug_class"] == "stimulant"


def test_category_is_ignored_when_the_text_names_a_drug(extractor):
    out = extractor.extract({"id": "x:1", "text": "Xanax 2mg x 10",
                             "fields": {"category": "Cocaine"}})
    assert _inns(out) == [("alprazolam", None)]  # text drugs carry no `source` key
    assert "source" not in out["drugs"][0]
    # ... but the shelf is still reported: a benzo on the cocaine shelf is worth knowing
    assert out["shelf_drugs"] == ["cocaine"]


def test_shelf_drugs_are_the_category_s_whatever_the_text_names(extractor):
    base = {"id": "s:1", "text": "[LIMITED]50GR AMPHETAMIN-SULFAT * 91% ECLab result"}
    assert extractor.extract(base)["shelf_drugs"] == []  # no category, no shelf
    out = extractor.extract({**base, "fields": {"category": "Drugs > Stimulants > Cocaine"}})
    assert _inns(out) == [("amphetamine", None)] and out["shelf_drugs"] == ["cocaine"]
    same = extractor.extract({**base, "fields": {"category": "Stimulants > Amphetamine"}})
    assert same["shelf_drugs"] == ["amphetamine"]
    assert extractor.extract({**base, "fields": {"category": "Other"}})["shelf_drugs"] == []
    # entries taken from the shelf are each listing's own: changing one leaves the next alone
    first = extractor.extract({"id": "s:2", "text": "10 grams uncut", "fields": {"category": "Cocaine"}})
    first["drugs"][0]["name"] = "changed"
    again = extractor.extract({"id": "s:3", "text": "10 grams uncut", "fields": {"category": "Cocaine"}})
    assert again["drugs"][0]["name"] == "Cocaine"


@pytest.mark.parametrize("title", ["Glass pipe 10cm", "Grinder 4 pcs, 63mm", "Bong 500ml"])
def test_non_drug_goods_on_a_drug_shelf_stay_non_drug(extractor, no_model, title):
    out = extractor.extract({"id": "p:1", "text": title, "fields": {"category": "Cannabis"}})
    assert out["is_drug_listing"] is False and out["drugs"] == []
    doc = _judged(no_model, title, "Cannabis")
    assert doc._.is_drug_listing is False and doc._.drugs == []


@pytest.mark.parametrize("title,category,inn", [
    ("Lemon Tree 5g", "Drugs > Cannabis > Weed", "cannabis"),
    # strains the lexicon does not know (it knows Blue Dream, Wedding Cake: tests/test_nlp_fields.py)
    ("Tangie 1/4 oz", "Cannabis", "cannabis"),
    ("Do-Si-Dos, 10 gr", "Cannabis", "cannabis"),
    ("Uncut - 90% purity", "Cocaine", "cocaine"),
    ("Pure: 84, fresh batch", "Cocaine", "cocaine"),
])
def test_trade_wording_lets_the_shelf_name_the_drug(no_model, title, category, inn):
    """Without the classifier only the text's trade wording can make the shelf count."""
    doc = _judged(no_model, title, category)
    assert doc._.is_drug_listing is True
    assert [(d["inn"], d["source"]) for d in doc._.drugs] == [(inn, "category")]
    assert _judged(no_model, title, None)._.is_drug_listing is False


def test_a_count_of_pills_is_an_offer_the_shelf_names(no_model):
    """A title counting pills offers a drug with or without a shelf; the shelf names which."""
    # a nickname the lexicon does not know ("Blue footballs" is alprazolam's since session 20)
    title = "Blue dolphins x 50 pills"
    shelved = _judged(no_model, title, "Benzodiazepines > Xanax")
    assert shelved._.is_drug_listing is True
    assert [(d["inn"], d["source"]) for d in shelved._.drugs] == [("alprazolam", "category")]
    bare = _judged(no_model, title, None)
    assert bare._.is_drug_listing is True and bare._.drugs == []


def test_shelf_does_not_beat_not_drug_words(no_model):
    assert _judged(no_model, "Uncut 1g", "Cocaine")._.is_drug_listing is True
    doc = _judged(no_model, "Uncut 1g: the ebook guide", "Cocaine")
    assert doc._.is_drug_listing is False and doc._.drugs == []


def test_category_follows_the_lexicon_rules(extractor):
    # ambiguous street names need their context in the category itself
    out = extractor.extract({"id": "s:1", "text": "Pink 100g", "fields": {"category": "Speed"}})
    assert out["drugs"] == []
    # separators the tokenizer keeps inside a word are breadcrumb separators
    out = extractor.extract({"id": "s:2", "text": "Pink 100g",
                             "fields": {"category": "Stimulants›Amphetamine"}})
    assert _inns(out) == [("amphetamine", "category")]


def test_stage_passes_the_crawler_category(tmp_path, extractor):
    import json

    from nlp.stage import extract_partition
    from pharmwatch.paths import Layout

    layout = Layout(tmp_path)
    staging = layout.staging("nightbazaar", "2025-01-02")
    staging.mkdir(parents=True)
    item = {"market": "nightbazaar", "listing_id": "NB9", "url": "u", "text": "Uncut 5g",
            "fields": {"title": "Uncut 5g", "category": "Cocaine", "category_path": "Ketamine"}}
    (staging / "listings.jsonl").write_text(json.dumps(item) + "\n")
    assert extract_partition(layout, "nightbazaar", "2025-01-02", extractor) == 1
    out = layout.extracted("nightbazaar", "2025-01-02") / "entities.jsonl"
    assert _inns(json.loads(out.read_text())) == [("cocaine", "category")]


def test_each_listing_gets_its_own_entries(extractor):
    a, b = (extractor.extract({"id": f"c:{n}", "text": "Uncut 5g",
                               "fields": {"category": "Cocaine"}}) for n in (1, 2))
    assert a["drugs"] == b["drugs"] and a["drugs"][0] is not b["drugs"][0]


_PAGE = ('<html><head><title>Uncut 1g 90%</title></head><body>{crumb}'
         '<p>Price: 80 EUR</p></body></html>')


@pytest.mark.parametrize("crumb,category", [
    ('<ol class="breadcrumb"><li><a href="/">Home</a></li><li><a href="/c/1">Drugs</a></li>'
     '<li><a href="/c/2">Cocaine</a></li><li class="active">Uncut 1g 90%</li></ol>',
     "Home > Drugs > Cocaine"),
    ('<nav aria-label="Breadcrumb"><ul><li><a href="/">Shop</a></li>'
     '<li aria-current="page">Uncut 1g 90%</li></ul></nav>', "Shop"),
    ('<div class="breadcrumb-wrap"><ul class="breadcrumbs"><li>Home</li><li>Benzos</li></ul></div>',
     "Home > Benzos"),
    ('<div class="breadcrumb"><a href="/">Catalogue</a> &gt; <span>Pain Relief</span></div>',
     "Catalogue > Pain Relief"),
    ('<div class="crumbs">Home</div>', None),
])
def test_page_breadcrumb_is_read(crumb, category):
    assert parse_page(_PAGE.format(crumb=crumb)).category == category


def test_page_breadcrumb_is_the_category_of_a_page_without_one(extractor):
    # "Drugs›Cocaine" is one word to the tokenizer: the text names no drug, the path does
    page = _PAGE.format(crumb='<nav aria-label="breadcrumb">Drugs›Cocaine</nav>')
    out = extractor.extract({"id": "h:1", "html": page})
    assert _inns(out) == [("cocaine", "category")] and out["is_drug_listing"] is True
    # a crawler's category wins over the page's breadcrumb
    out = extractor.extract({"id": "h:2", "html": page, "fields": {"category": "Ketamine"}})
    assert _inns(out) == [("ketamine", "category")]


def test_warehouse_loads_and_flags_category_drugs(tmp_path, extractor):
    """A category drug (null offsets, extra `source` key) is loaded and flagged like any other;
    its flag evidence is the name without a span."""
    import json
    import sys
    from pathlib import Path

    import duckdb

    sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "warehouse"))
    from staged_world import write_world

    from pharmwatch.paths import Layout
    from warehouse.load import load_all

    world = write_world(tmp_path, n=5)
    entity = extractor.extract({"id": "x", "text": "Uncut 5g", "fields": {"category": "Cocaine"}})
    for f in (tmp_path / "extracted").rglob("entities.jsonl"):
        rows = [json.loads(x) for x in f.read_text().splitlines()]
        rows[0]["drugs"], rows[0]["is_drug_listing"] = entity["drugs"], True
        f.write_text("".join(json.dumps(r) + "\n" for r in rows))
    db = tmp_path / "w.duckdb"
    load_all(db, Layout(tmp_path))
    key = world.entities[0]["id"].split(":")[0] + ":" + world.listings[0]["listing_id"]
    con = duckdb.connect(str(db), read_only=True)
    drugs = con.execute("SELECT inn, name_found, controlled FROM listing_drug "
                        "WHERE listing_key = ?", [key]).fetchall()
    reasons = con.execute("SELECT reasons FROM flag WHERE listing_key = ?", [key]).fetchone()[0]
    con.close()
    assert drugs == [("cocaine", "Cocaine", True)]
    hit = next(r for r in reasons if r["rule"] == "controlled_schedule_high")
    assert (hit["evidence"], hit["start"], hit["end"]) == ("Cocaine", None, None)
