"""Scale-out: two crawler processes on one scrapy-redis frontier (real Redis on 127.0.0.1:6379)
against one process alone, on the same sandbox world."""

from __future__ import annotations

import json
import os
import secrets
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawlers.exceptions import CrawlError
from crawlers.frontier import key_prefix
from crawlers.run import run_crawl
from pharmwatch.paths import Layout
from sandbox.server import serve_in_thread
from sandbox.world import World

DATE = "2025-04-01"
REDIS = "redis://127.0.0.1:6379/0"
# A small delay: one worker alone would otherwise finish before the second one has started
# (process start-up takes seconds on a loaded CI machine), and "both did work" is asserted.
FAST = {"AUTOTHROTTLE_ENABLED": False, "PHARMWATCH_RETRY_BACKOFF": 0.05, "DOWNLOAD_DELAY": 0.03}


def redis_client():
    import redis

    client = redis.Redis.from_url(REDIS, decode_responses=True, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis must run on 127.0.0.1:6379 in CI: {exc}")
        pytest.skip(f"no Redis on 127.0.0.1:6379: {exc}")
    return client


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def warc_paths(paths: list[Path]) -> Counter[str]:
    urls: Counter[str] = Counter()
    for path in paths:
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type == "response":
                    parts = urlsplit(rec.rec_headers.get_header("WARC-Target-URI"))
                    urls[parts.path + (f"?{parts.query}" if parts.query else "")] += 1
    return urls


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory) -> dict:
    client = redis_client()
    world = World(seed=5, listings=400)
    tmp = tmp_path_factory.mktemp("frontier")
    run_id = f"frontier-{secrets.token_hex(4)}"
    with serve_in_thread(world) as alone_server:
        alone = run_crawl("nightbazaar", alone_server.base_url, DATE, tmp / "alone", timeout=300,
                          extra_settings=FAST)
        alone_hits = Counter(alone_server.hits)
    with serve_in_thread(world) as shared_server:
        shared = run_crawl("nightbazaar", shared_server.base_url, DATE, tmp / "shared",
                           run_id=run_id, timeout=300, extra_settings=FAST, workers=2,
                           frontier=REDIS)
        shared_hits = Counter(shared_server.hits)
    leftover = list(client.scan_iter(match=key_prefix("nightbazaar", DATE, run_id) + "*"))
    for key in leftover:  # never leave keys behind, even when the assertion below fails
        client.delete(key)
    client.close()
    return {"alone": alone, "shared": shared, "alone_hits": alone_hits,
            "shared_hits": shared_hits, "tmp": tmp, "alone_base": alone_server.base_url,
            "shared_base": shared_server.base_url, "leftover": leftover, "world": world}


def fields(record: dict, base: str) -> str:
    return json.dumps(record["fields"], sort_keys=True).replace(base, "BASE")  # ports differ


def staged(data: Path, name: str) -> list[dict]:
    return read_jsonl(Layout(data).staging("nightbazaar", DATE) / name)


def test_two_workers_collect_exactly_what_one_collects(crawls: dict) -> None:
    alone = staged(crawls["tmp"] / "alone", "listings.jsonl")
    shared = staged(crawls["tmp"] / "shared", "listings.jsonl")
    shared_ids = [r["listing_id"] for r in shared]
    assert len(shared_ids) == len(set(shared_ids)), "merged staging has duplicate listings"
    assert set(shared_ids) == {r["listing_id"] for r in alone}
    assert len(alone) > 150
    by_id = {r["listing_id"]: fields(r, crawls["alone_base"]) for r in alone}
    assert all(by_id[r["listing_id"]] == fields(r, crawls["shared_base"]) for r in shared)
    sellers = [r["handle"] for r in staged(crawls["tmp"] / "shared", "sellers.jsonl")]
    assert len(sellers) == len(set(sellers))
    assert set(sellers) == {r["handle"] for r in staged(crawls["tmp"] / "alone", "sellers.jsonl")}
    stats = crawls["shared"]
    assert stats["listings"] == len(shared) and stats["finish_reason"] == "finished"
    assert all(w["pages"] > 0 for w in stats["workers"].values()), stats["workers"]
    assert stats["pages"] == sum(w["pages"] for w in stats["workers"].values())


def test_no_url_fetched_twice_across_workers(crawls: dict) -> None:
    alone, shared = crawls["alone_hits"], crawls["shared_hits"]
    # robots.txt is read by each process for itself (politeness is per process).
    assert shared.pop("/robots.txt") == 2 and alone.pop("/robots.txt") == 1
    assert shared == alone  # same paths, same counts (a 500 page is retried the same way)
    retried = {p for p, n in alone.items() if n > 1}
    assert retried <= {t["url_path"] for t in crawls["world"].truth() if t["fault"] == "http_500"}
    evidence = Layout(crawls["tmp"] / "shared").evidence("nightbazaar", DATE)
    warcs = sorted(evidence.glob("*.warc.gz"))
    assert [p.name.split(".")[1] for p in warcs] == ["w1", "w2"]
    archived = warc_paths(warcs)
    assert archived.pop("/robots.txt") == 2
    assert archived == shared  # every fetch archived once, in exactly one worker's WARC


def test_frontier_keys_are_deleted_after_the_run(crawls: dict) -> None:
    assert crawls["leftover"] == []


def test_unreachable_frontier_is_a_clear_error(tmp_path: Path) -> None:
    with serve_in_thread(World(seed=5, listings=30)) as server:
        with pytest.raises(CrawlError, match="unreachable"):
            run_crawl("nightbazaar", server.base_url, DATE, tmp_path, workers=2,
                      frontier="redis://127.0.0.1:1/0", timeout=60)
        assert sum(server.hits.values()) == 0
    assert not Layout(tmp_path).staging("nightbazaar", DATE).exists()
