"""The deterministic world: which listings exist on which day, their sellers, and ground truth."""

from __future__ import annotations

import json
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from sandbox.catalog import MARKETS
from sandbox.builders import STORE_NAME, build_boardex, build_nightbazaar, build_pillstore
from sandbox.exceptions import UnknownListingError, WorldConfigError
from sandbox.keys import stream
from sandbox.listings import PREFIX, Core, Listing, make_core
from sandbox.people import Actor, Seller, new_seller
from sandbox.keys import day_date

MIN_LISTINGS, MAX_LISTINGS, MAX_DAY = 3, 1_000_000, 3650
SHARE = {"nightbazaar": 0.5, "pillstore": 0.2}
BUILDERS = {"nightbazaar": build_nightbazaar, "pillstore": build_pillstore, "boardex": build_boardex}


class World:
    """`listings` listings live on day 0, split across markets; later days add and drop some."""

    def __init__(self, seed: int, listings: int, day: int = 0) -> None:
        if not isinstance(seed, int) or not isinstance(listings, int) or not isinstance(day, int):
            raise WorldConfigError("seed, listings and day must be integers")
        if not MIN_LISTINGS <= listings <= MAX_LISTINGS:
            raise WorldConfigError(f"listings must be in {MIN_LISTINGS}..{MAX_LISTINGS}, got {listings}")
        if not 0 <= day <= MAX_DAY:
            raise WorldConfigError(f"day must be in 0..{MAX_DAY}, got {day}")
        self.seed, self.listings, self.day = seed, listings, day
        nb = round(listings * SHARE["nightbazaar"])
        ps = round(listings * SHARE["pillstore"])
        self._base = {"nightbazaar": nb, "pillstore": ps, "boardex": listings - nb - ps}
        self._sellers: dict[str, list[Seller]] = {m: [] for m in MARKETS}
        self._used: dict[str, set[str]] = {m: set() for m in MARKETS}
        self._live: dict[str, list[int]] = {}
        # Sellers are made in index order (each draws a handle not yet `_used`); the server's
        # threads must not interleave that, or a page's seller depends on request timing.
        self._seller_lock = threading.RLock()
        self._forced = {m: self._forced_faults(m) for m in MARKETS}
        self.core = lru_cache(maxsize=200_000)(self._core)
        self.listing = lru_cache(maxsize=8192)(self._listing)

    # ---- sizes and lifecycle -------------------------------------------------------------
    def market_names(self) -> list[str]:
        return list(MARKETS)

    def base_size(self, market: str) -> int:
        return self._base[self._check_market(market)]

    def per_day(self, market: str) -> int:
        """New listings per simulated day (about 2% of the market)."""
        return max(1, self.base_size(market) // 50)

    def universe(self, market: str) -> int:
        """Listing indices that exist by this day: base ones plus those added on days 1..day."""
        return self.base_size(market) + self.day * self.per_day(market)

    def _forced_faults(self, market: str) -> dict[int, str]:
        n = self._base[market]
        if n < 30:
            return {}
        rng = stream(self.seed, market, "faults")
        first, second = rng.sample(range(n), 2)
        if n < 100:
            return {first: rng.choice(("broken_html", "http_500"))}
        return {first: "broken_html", second: "http_500"}

    def _core(self, market: str, index: int) -> Core:
        return make_core(self.seed, market, index, self.base_size(market), self.per_day(market),
                         self._forced[market].get(index))

    def live_indices(self, market: str) -> list[int]:
        """Indices of listings live on this day, ascending (computed once, cores only)."""
        if market not in self._live:
            self._live[market] = [i for i in range(self.universe(market)) if self.core(market, i).live(self.day)]
        return self._live[market]

    # ---- sellers -------------------------------------------------------------------------
    def seller_count(self, market: str, day: int) -> int:
        if market == "pillstore":
            return 1
        base = max(3, self.base_size(market) // (8 if market == "nightbazaar" else 3))
        return base + day * max(1, base // 50)

    def seller(self, market: str, index: int) -> Seller:
        table = self._sellers[self._check_market(market)]
        if index < len(table):
            return table[index]
        with self._seller_lock:
            while len(table) <= index:
                table.append(self._new_seller(market, len(table)))
        return table[index]

    def _new_seller(self, market: str, k: int) -> Seller:
        if market == "pillstore":
            actor = Actor("pillstore-store", "rxpillstore24", "orders@rxpillstore24.example", "rxpillstore",
                          "+91 22 5550 1234", f"{self.seed}:pillstore-store")
            return Seller(market, 0, STORE_NAME, 0, day_date(-400), "IN", "en", actor)
        join_day = self._join_day(market, k)
        rng = stream(self.seed, market, "link", k)
        used = self._used[market]
        if market == "nightbazaar" and k > 0 and rng.random() < 0.05:
            alias = self.seller(market, rng.randrange(k))
            return new_seller(self.seed, market, k, join_day, used, alias_of=alias)
        if market == "boardex" and rng.random() < 0.15:
            other = self.seller("nightbazaar", rng.randrange(self.seller_count("nightbazaar", 0)))
            return new_seller(self.seed, market, k, join_day, used, linked=other)
        return new_seller(self.seed, market, k, join_day, used)

    def _join_day(self, market: str, k: int) -> int:
        base = self.seller_count(market, 0)
        return 0 if k < base else 1 + (k - base) // max(1, base // 50)

    def seller_by_handle(self, market: str, handle: str) -> Seller:
        for k in range(self.seller_count(market, self.day)):
            if self.seller(market, k).handle == handle:
                return self.seller(market, k)
        raise UnknownListingError(f"no seller {handle!r} on {market}")

    def _seller_for(self, market: str, index: int, core: Core) -> Seller:
        rng = stream(self.seed, market, index, "seller")
        count = self.seller_count(market, core.first_day)
        if core.first_day > 0 and rng.random() < 0.4:
            newest = self.seller_count(market, core.first_day - 1)
            return self.seller(market, rng.randrange(newest, count) if count > newest else count - 1)
        return self.seller(market, rng.randrange(count))

    # ---- listings ------------------------------------------------------------------------
    def _listing(self, market: str, index: int) -> Listing:
        core = self.core(market, index)
        seller = self._seller_for(market, index, core)
        return BUILDERS[market](self.seed, index, core, seller, self.day)

    def listing_by_id(self, market: str, listing_id: str) -> Listing:
        """The live listing with this id, or UnknownListingError."""
        prefix = PREFIX[self._check_market(market)]
        digits = listing_id[len(prefix):]
        if not listing_id.startswith(prefix) or len(digits) != 6 or not digits.isdigit():
            raise UnknownListingError(listing_id)
        index = int(digits)
        if index >= self.universe(market) or not self.core(market, index).live(self.day):
            raise UnknownListingError(listing_id)
        return self.listing(market, index)

    def live_listings(self, market: str) -> Iterator[Listing]:
        for i in self.live_indices(market):
            yield self.listing(market, i)

    # ---- ground truth --------------------------------------------------------------------
    def truth(self) -> Iterator[dict]:
        for market in MARKETS:
            for item in self.live_listings(market):
                yield truth_record(item)

    def write_truth(self, path: str | os.PathLike[str]) -> Path:
        """JSON Lines, written to `path.part` then renamed, so readers never see half a file."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".part")
        with part.open("w", encoding="utf-8") as fh:
            for record in self.truth():
                fh.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        os.replace(part, target)
        return target

    def _check_market(self, market: str) -> str:
        if market not in MARKETS:
            raise UnknownListingError(f"unknown market {market!r}")
        return market


def truth_record(item: Listing) -> dict:
    drugs = [item.drug.inn_for(item.title)] if item.drug is not None else []
    seller_path = f"/nightbazaar/vendor/{item.seller.handle}" if item.market == "nightbazaar" else None
    return {
        "id": f"{item.market}:{item.listing_id}", "market": item.market, "listing_id": item.listing_id,
        "url_path": item.url_path, "title": item.title, "language": item.language,
        "is_drug_listing": item.drug is not None, "drugs": drugs, "seller": item.seller.handle,
        "ship_from": item.ship_from, "ship_to": list(item.ship_to), "price": item.price,
        "currency": item.currency, "fault": item.fault,
        "seller_key": item.seller.seller_key, "seller_url_path": seller_path,
        "first_day": item.core.first_day, "last_day": item.core.last_day, "category": item.category,
        "dose": item.dose, "quantity": item.quantity, "unit": item.unit, "hostile": item.hostile,
    }
