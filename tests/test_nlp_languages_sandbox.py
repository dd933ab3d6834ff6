"""Extraction on sandbox listings in every language the sandbox writes (en/de/fr/es/nl/ru).

Pages come from the sandbox's own renderer (`Site.handle`, no server); each is extracted from
its HTML alone, as a market without crawler config would be, and compared with the truth.
"""

from __future__ import annotations

import pytest

from nlp.extract import Extractor
from sandbox.site import Site
from sandbox.world import World

LANGS = ("en", "de", "fr", "es", "nl", "ru")
FIELDS = ("drugs", "ship_from", "price", "language")
MIN_SHARE = 0.9


def _inns(out: dict) -> set[str]:
    return {d["inn"] for d in out["drugs"]}


def _same_price(got: float | None, want: float | None) -> bool:
    if got is None or want is None:
        return got is None and want is None
    return abs(got - want) < 1e-6


@pytest.fixture(scope="module")
def table() -> dict[str, dict[str, float]]:
    world = World(5, 1500)
    site = Site(world)
    extractor = Extractor()
    records = [r for r in world.truth() if r["fault"] is None and r["is_drug_listing"]]
    english = [r for r in records if r["language"] == "en"][::6]  # enough, and fast
    chosen = english + [r for r in records if r["language"] != "en"]
    hits: dict[str, dict[str, int]] = {lang: dict.fromkeys(FIELDS + ("n",), 0) for lang in LANGS}
    for rec in chosen:
        out = extractor.extract({"id": rec["id"], "html": site.handle(rec["url_path"]).body.decode("utf-8")})
        row = hits[rec["language"]]
        row["n"] += 1
        row["drugs"] += _inns(out) == set(rec["drugs"])
        row["ship_from"] += out["ship_from"] == rec["ship_from"]
        row["price"] += _same_price(out["price"], rec["price"])
        row["language"] += out["language"] == rec["language"]
    shares = {lang: {f: row[f] / row["n"] for f in FIELDS} | {"n": row["n"]}
              for lang, row in hits.items() if row["n"]}
    print("\nlang    n  drugs  ship_from  price  language")
    for lang, row in shares.items():
        print(f"{lang:<4}{row['n']:>5}  " + "  ".join(f"{row[f]:>5.2f}" for f in FIELDS))
    return shares


def test_every_language_is_in_the_world(table):
    assert set(table) == set(LANGS)
    assert all(table[lang]["n"] >= 15 for lang in LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_extraction_matches_truth_per_language(table, lang):
    row = table[lang]
    for field in FIELDS:
        assert row[field] >= MIN_SHARE, (lang, field, row)


def test_non_drug_and_english_pages_stay_english():
    world = World(5, 300)
    site = Site(world)
    extractor = Extractor()
    english = [r for r in world.truth() if r["fault"] is None and r["language"] == "en"][::3]
    wrong = [r["id"] for r in english if extractor.extract(
        {"id": r["id"], "html": site.handle(r["url_path"]).body.decode("utf-8")})["language"] != "en"]
    assert len(wrong) <= 0.02 * len(english), wrong


def test_dutch_and_russian_wording():
    from nlp.places import parse_places

    ex = Extractor()
    nl = ex.extract({"id": "nl:1", "text": "Verkoop XTC pillen 200mg, 50 pillen.\nVerzending vanuit Nederland "
                                          "naar heel Europa.\nPrijs: 95€ voor 50 pillen."})
    assert (nl["language"], nl["ship_from"], nl["ship_to"], nl["price"]) == ("nl", "NL", ["EU"], 95.0)
    ru = ex.extract({"id": "ru:1", "text": "Продаю Кокаин, 5 гр.\nОтправка из Чехии по всей Европе.\n"
                                          "Цена: 390€ за 5 гр."})
    assert (ru["language"], ru["ship_from"], ru["ship_to"], ru["price"]) == ("ru", "CZ", ["EU"], 390.0)
    assert {d["inn"] for d in ru["drugs"]} == {"cocaine"}
    assert parse_places("из Германии") == ["DE"] and parse_places("по Польше") == ["PL"]


def test_shops_write_prices_the_way_their_language_does():
    from nlp.fields import parse_money
    from sandbox.listings import local_money

    world = World(5, 1500)
    shown = [it for it in world.live_listings("pillstore") if it.language != "en"]
    assert len(shown) >= 20 and all("," in it.price_text for it in shown)  # a decimal comma
    assert [parse_money(it.price_text) for it in shown] == [(it.price, it.currency) for it in shown]
    # the thousands marks a bigger pack shows: "12.345,99 €", "12 345,99 €", "€ 12.345,99"
    for lang in ("de", "fr", "es", "nl", "ru"):
        assert parse_money(local_money(12345.99, "€", lang)) == (12345.99, "EUR"), lang
