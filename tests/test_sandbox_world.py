"""World: determinism, sizes, simulated days, truth format, faults, cross-market sellers, laziness."""

from __future__ import annotations

import json
import re
import tracemalloc

import pytest

from sandbox.exceptions import UnknownListingError, WorldConfigError
from sandbox.site import Site
from sandbox.world import World

CODE = re.compile(r"^(?:[A-Z]{2})$")
KEYS = {"id", "market", "listing_id", "url_path", "title", "language", "is_drug_listing", "drugs", "seller",
        "ship_from", "ship_to", "price", "currency", "fault"}


@pytest.fixture(scope="module")
def world() -> World:
    return World(seed=11, listings=600)


@pytest.fixture(scope="module")
def truth(world: World) -> list[dict]:
    return list(world.truth())


def test_same_seed_gives_identical_pages_and_truth(world: World, truth: list[dict]) -> None:
    again = World(seed=11, listings=600)
    assert list(again.truth()) == truth
    a, b = Site(world), Site(again)
    for rec in truth[::37]:
        assert a.handle(rec["url_path"]).body == b.handle(rec["url_path"]).body


def test_other_seed_gives_other_world(truth: list[dict]) -> None:
    other = list(World(seed=12, listings=600).truth())
    assert [r["title"] for r in other] != [r["title"] for r in truth]


def test_day_zero_has_all_listings_split_across_markets(world: World, truth: list[dict]) -> None:
    assert len(truth) == 600
    per_market = {m: sum(r["market"] == m for r in truth) for m in world.market_names()}
    assert set(per_market) == {"nightbazaar", "pillstore", "boardex"}
    assert all(n >= 60 for n in per_market.values())
    assert len({r["id"] for r in truth}) == len(truth)


def test_truth_records_follow_the_contract(truth: list[dict]) -> None:
    for rec in truth:
        assert KEYS <= rec.keys()
        assert rec["id"] == f'{rec["market"]}:{rec["listing_id"]}'
        assert rec["url_path"].startswith(f'/{rec["market"]}/')
        assert CODE.match(rec["ship_from"]) or rec["ship_from"] in ("EU", "WW")
        assert rec["ship_to"] and all(CODE.match(c) for c in rec["ship_to"])
        assert rec["is_drug_listing"] == bool(rec["drugs"])
        assert all(d == d.lower() and d for d in rec["drugs"])
        assert rec["currency"] in ("USD", "EUR", "BTC", None)
        assert (rec["price"] is None) == (rec["currency"] is None)
        assert rec["fault"] in (None, "broken_html", "http_500")
    json.dumps(truth)   # serialisable as-is


def test_mix_of_languages_drugs_and_non_drugs(truth: list[dict]) -> None:
    foreign = sum(r["language"] != "en" for r in truth) / len(truth)
    assert 0.04 <= foreign <= 0.3
    non_drug = sum(not r["is_drug_listing"] for r in truth if r["market"] == "nightbazaar")
    nb = sum(r["market"] == "nightbazaar" for r in truth)
    assert 0.08 <= non_drug / nb <= 0.3
    drugs = {d for r in truth for d in r["drugs"]}
    assert {"alprazolam", "cocaine", "sildenafil", "tramadol"} <= drugs


def test_every_market_of_30_plus_has_a_fault(world: World, truth: list[dict]) -> None:
    for market in world.market_names():
        kinds = {r["fault"] for r in truth if r["market"] == market} - {None}
        assert kinds, market
    assert sum(r["fault"] is not None for r in truth) / len(truth) < 0.05


def test_some_sellers_appear_on_two_markets_under_one_key(truth: list[dict]) -> None:
    markets_by_key: dict[str, set[str]] = {}
    handles_by_key: dict[str, set[str]] = {}
    for rec in truth:
        markets_by_key.setdefault(rec["seller_key"], set()).add(rec["market"])
        handles_by_key.setdefault(rec["seller_key"], set()).add(rec["seller"])
    assert any(len(m) > 1 for m in markets_by_key.values())
    assert any(len(h) > 1 for h in handles_by_key.values())


def test_days_move_listings_and_prices() -> None:
    day0 = {r["id"]: r for r in World(5, 400, day=0).truth()}
    day20 = {r["id"]: r for r in World(5, 400, day=20).truth()}
    gone, new = day0.keys() - day20.keys(), day20.keys() - day0.keys()
    assert gone and new
    assert all(day20[i]["first_day"] > 0 for i in new)
    assert all(day0[i]["last_day"] is not None and day0[i]["last_day"] < 20 for i in gone)
    both = day0.keys() & day20.keys()
    changed = [i for i in both if day0[i]["price"] != day20[i]["price"]]
    assert changed and len(changed) < len(both)
    for i in both:
        assert day0[i]["title"] == day20[i]["title"] and day0[i]["seller"] == day20[i]["seller"]


def test_gone_listing_answers_404_on_later_day() -> None:
    day0 = {r["id"]: r for r in World(5, 400, day=0).truth()}
    later = World(5, 400, day=30)
    live_later = {r["id"] for r in later.truth()}
    gone = next(r for i, r in day0.items() if i not in live_later)
    assert Site(later).handle(gone["url_path"]).status == 404


def test_new_sellers_join_on_later_days() -> None:
    day0 = {r["seller"] for r in World(5, 400).truth()}
    day30 = {r["seller"] for r in World(5, 400, day=30).truth()}
    assert day30 - day0


@pytest.mark.parametrize("args", [(1, 2, 0), (1, 10**7, 0), (1, 100, -1), ("1", 100, 0)])
def test_bad_parameters_are_refused(args: tuple) -> None:
    with pytest.raises(WorldConfigError):
        World(*args)


def test_unknown_ids_raise(world: World) -> None:
    for bad in ("NB999999", "XX000001", "NB1", "../etc"):
        with pytest.raises(UnknownListingError):
            world.listing_by_id("nightbazaar", bad)


def test_large_world_is_lazy() -> None:
    tracemalloc.start()
    big = World(seed=3, listings=100_000)
    item = big.listing_by_id("nightbazaar", "NB012345")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert big.base_size("nightbazaar") + big.base_size("pillstore") + big.base_size("boardex") == 100_000
    assert item.listing_id == "NB012345"
    # Only what that one page needed was generated: a handful of cores, not 100,000.
    assert big.core.cache_info().currsize < 10
    assert big.listing.cache_info().currsize == 1
    assert peak < 30 * 1024 * 1024


def test_write_truth_is_json_lines(tmp_path, world: World, truth: list[dict]) -> None:
    path = world.write_truth(tmp_path / "sub" / "truth.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == truth
    assert not list(tmp_path.rglob("*.part"))
