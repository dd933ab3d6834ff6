"""Listing history across three sandbox days: first/last seen, delisting, observed prices."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "warehouse"))
from sandbox_staged import crawl_date, write_day  # noqa: E402

from nlp.rates import to_usd  # noqa: E402
from pharmwatch.paths import Layout  # noqa: E402
from warehouse.load import load_all  # noqa: E402

SEED, LISTINGS = 3, 300


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("history")
    truths = [write_day(root, SEED, LISTINGS, day) for day in range(3)]
    db = root / "w.duckdb"
    load_all(db, Layout(root))
    con = duckdb.connect(str(db), read_only=True)
    listing = {r[0]: r[1:] for r in con.execute(
        "SELECT listing_key, first_crawl_date::VARCHAR, last_crawl_date::VARCHAR, delisted_at::VARCHAR, "
        "crawl_days, price FROM listing").fetchall()}
    obs = {(r[0], r[1]): r[2:] for r in con.execute(
        "SELECT listing_key, crawl_date::VARCHAR, price, currency, price_usd FROM listing_observation").fetchall()}
    con.close()
    return truths, listing, obs


def test_first_last_seen_and_delisting_follow_the_truth(history) -> None:
    truths, listing, _ = history
    days_seen: dict[str, list[int]] = {}
    for day, truth in enumerate(truths):
        for r in truth:
            days_seen.setdefault(r["id"], []).append(day)
    assert set(listing) == set(days_seen)
    delisted = [k for k, d in days_seen.items() if max(d) < 2]
    new = [k for k, d in days_seen.items() if min(d) > 0]
    assert delisted and new  # the three days really add and drop listings
    for key, days in days_seen.items():
        first, last, gone, crawl_days, _ = listing[key]
        assert (first, last, crawl_days) == (crawl_date(min(days)), crawl_date(max(days)), len(days)), key
        if max(days) < 2:  # the next day's complete crawl did not see it: delisted at its start
            assert gone == f"{crawl_date(max(days) + 1)} 09:59:00", key
        else:
            assert gone is None, key


def test_every_observation_carries_that_days_price(history) -> None:
    truths, listing, obs = history
    expected = {(r["id"], crawl_date(day)): (r["price"], r["currency"])
                for day, truth in enumerate(truths) for r in truth}
    assert {k: v[:2] for k, v in obs.items()} == expected
    changed = {k for (k, d) in expected if d == crawl_date(1)
               and (k, crawl_date(0)) in expected and expected[(k, crawl_date(0))][0] != expected[(k, crawl_date(1))][0]}
    assert len(changed) > 5  # prices really change from day to day
    for (key, day), (price, currency, usd) in obs.items():
        if currency == "USD" and price is not None:
            assert usd == pytest.approx(price)
        if currency == "EUR" and price is not None:  # at the rate in force on that crawl date
            assert usd == pytest.approx(to_usd(price, "EUR", dt.date.fromisoformat(str(day))), abs=0.005)
    # listing carries the latest observation's price
    for key, (first, last, _, _, price) in listing.items():
        assert price == obs[(key, last)][0]
