"""Integration: crawl all three sandbox markets (real server, real Scrapy subprocess)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from crawlers.run import run_crawl
from pharmwatch.paths import Layout

sandbox_world = pytest.importorskip("sandbox.world")
sandbox_server = pytest.importorskip("sandbox.server")

DATE = "2025-03-01"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict:
    world = sandbox_world.World(seed=11, listings=150)
    truth: dict[str, list[dict]] = defaultdict(list)
    for record in world.truth():
        truth[record["market"]].append(record)
    data = tmp_path_factory.mktemp("sandbox-crawl")
    stats = {}
    with sandbox_server.serve_in_thread(world) as server:
        for market in world.market_names():
            stats[market] = run_crawl(market, server.base_url, DATE, data, timeout=240,
                                      extra_settings={"AUTOTHROTTLE_ENABLED": False})
        hits = dict(server.hits)
    return {"world": world, "truth": truth, "data": data, "stats": stats, "hits": hits,
            "base": server.base_url}


@pytest.mark.parametrize("market", ["nightbazaar", "pillstore", "boardex"])
def test_crawled_listings_equal_ground_truth(crawled: dict, market: str) -> None:
    truth = crawled["truth"][market]
    assert truth, f"world has no {market} listings"
    staging = Layout(crawled["data"]).staging(market, DATE)
    listings = read_jsonl(staging / "listings.jsonl")
    errors = read_jsonl(staging / "errors.jsonl")
    got = {r["listing_id"] for r in listings}
    served = {t["listing_id"] for t in truth if t["fault"] != "http_500"}
    failing = {t["listing_id"] for t in truth if t["fault"] == "http_500"}
    assert got == served
    assert len(listings) == len(got)
    error_ids = {e["url"].rsplit("/", 1)[-1] for e in errors
                 if e["kind"] == "http_error" and e["status"] == 500}
    assert failing <= error_ids
    stats = crawled["stats"][market]
    assert stats["listings"] == len(listings) and stats["finish_reason"] == "finished"


@pytest.mark.parametrize("market", ["nightbazaar", "pillstore", "boardex"])
def test_titles_and_sellers_match_truth(crawled: dict, market: str) -> None:
    truth = {t["listing_id"]: t for t in crawled["truth"][market] if t["fault"] is None}
    listings = read_jsonl(Layout(crawled["data"]).staging(market, DATE) / "listings.jsonl")
    checked = 0
    for item in listings:
        t = truth.get(item["listing_id"])
        if t is None:
            continue
        assert item["fields"]["title"] == t["title"], item["url"]
        assert item["url"] == crawled["base"] + t["url_path"]
        assert item["text"]
        checked += 1
    assert checked >= 0.8 * len(truth)


def test_robots_disallowed_paths_never_fetched(crawled: dict) -> None:
    robots = sandbox_server_robots(crawled)
    disallowed = [line.split(":", 1)[1].strip() for line in robots.splitlines()
                  if line.lower().startswith("disallow:") and line.split(":", 1)[1].strip()]
    assert disallowed
    fetched = [p for p in crawled["hits"] if any(p.startswith(d) for d in disallowed)]
    assert fetched == []


def sandbox_server_robots(crawled: dict) -> str:
    import urllib.request

    with sandbox_server.serve_in_thread(crawled["world"]) as server:
        with urllib.request.urlopen(server.base_url + "/robots.txt", timeout=10) as resp:
            return resp.read().decode()


def test_faults_exercised_and_robots_links_skipped(crawled: dict) -> None:
    faults = [t["fault"] for records in crawled["truth"].values() for t in records]
    assert "http_500" in faults  # otherwise the error check above would prove nothing
    assert crawled["stats"]["nightbazaar"]["robots_forbidden"] > 0
    assert crawled["stats"]["nightbazaar"]["errors"] >= faults.count("http_500")
