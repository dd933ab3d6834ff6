"""JavaScript rendering: the jsbazaar sandbox market shows its listings only after its scripts
ran. Real crawl through scrapy-playwright and Debian's chromium, compared with the truth; the
same market without rendering yields nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from warcio.archiveiterator import ArchiveIterator

from crawlers.config import MARKETS_DIR
from crawlers.evidence import count_pages
from crawlers.run import run_crawl
from crawlers.verify import verify
from pharmwatch.paths import Layout
from sandbox import jsmarket
from sandbox.server import serve_in_thread
from sandbox.world import World

DATE = "2025-05-01"
FAST = {"AUTOTHROTTLE_ENABLED": False}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def records(path: Path) -> dict[str, dict]:
    """WARC records by record id, with their offset and payload."""
    out = {}
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh)
        for rec in it:
            body = rec.content_stream().read()  # before get_record_offset(), which ends the read
            out[rec.rec_headers.get_header("WARC-Record-ID")] = {
                "type": rec.rec_type, "offset": it.get_record_offset(),
                "url": rec.rec_headers.get_header("WARC-Target-URI"),
                "refers_to": rec.rec_headers.get_header("WARC-Refers-To"),
                "concurrent_to": rec.rec_headers.get_header("WARC-Concurrent-To"),
                "body": body}
    return out


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict:
    world = World(seed=13, listings=120)
    truth = {t["listing_id"]: t for t in jsmarket.truth(world)}
    tmp = tmp_path_factory.mktemp("js")
    # Same market without a browser; three listing URLs given directly, since no link to them
    # exists in the HTML.
    raw = yaml.safe_load((MARKETS_DIR / "jsbazaar.yaml").read_text(encoding="utf-8"))
    raw["access"]["render_js"] = False
    direct = sorted(truth)[:3]
    raw["start_urls"] += [f"{{base_url}}/jsbazaar/listing/{i}" for i in direct]
    plain_dir = tmp / "markets"
    plain_dir.mkdir()
    (plain_dir / "jsbazaar.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    with serve_in_thread(world) as server:
        stats = run_crawl("jsbazaar", server.base_url, DATE, tmp / "js", timeout=400,
                          extra_settings=FAST)
        js_hits = dict(server.hits)
    with serve_in_thread(world) as server:
        plain = run_crawl("jsbazaar", server.base_url, DATE, tmp / "plain", timeout=200,
                          extra_settings={**FAST, "PHARMWATCH_MARKETS_DIR": str(plain_dir)})
        plain_hits = dict(server.hits)
    return {"truth": truth, "tmp": tmp, "stats": stats, "plain": plain, "direct": direct,
            "js_hits": js_hits, "plain_hits": plain_hits,
            "listings": read_jsonl(Layout(tmp / "js").staging("jsbazaar", DATE) / "listings.jsonl"),
            "plain_listings": read_jsonl(Layout(tmp / "plain").staging("jsbazaar", DATE)
                                         / "listings.jsonl")}


def test_rendered_crawl_finds_every_listing_with_its_fields(crawled: dict) -> None:
    truth, listings = crawled["truth"], crawled["listings"]
    assert len(truth) >= 10
    assert sorted(r["listing_id"] for r in listings) == sorted(truth)
    for item in listings:
        t, f = truth[item["listing_id"]], item["fields"]
        assert f["title"] == t["title"]
        assert f["seller"] == t["seller"]
        assert f["ships_from"] == t["ship_from"]
        assert f["ships_to"] == ", ".join(t["ship_to"])
        amount, currency = f["price"].split()
        assert (float(amount), currency) == (t["price"], t["currency"])
    assert crawled["stats"]["finish_reason"] == "finished" and crawled["stats"]["errors"] == 0


def test_without_rendering_there_is_nothing(crawled: dict) -> None:
    plain = crawled["plain_listings"]
    # The index's links are built by script: only the three URLs given by hand were reached...
    assert sorted(r["listing_id"] for r in plain) == crawled["direct"]
    # ...and their HTML holds no listing data at all.
    for item in plain:
        assert all(item["fields"][k] is None for k in ("title", "seller", "ships_from", "price"))
    assert not any("/api/" in p for p in crawled["plain_hits"])
    assert sum("/api/listing/" in p for p in crawled["js_hits"]) == len(crawled["truth"])


def test_warc_keeps_raw_response_and_rendered_conversion(crawled: dict) -> None:
    data = crawled["tmp"] / "js"
    warc = data / crawled["stats"]["warc_file"]
    recs = records(warc)
    by_offset = {r["offset"]: r for r in recs.values()}
    for item in crawled["listings"]:
        conv = by_offset[item["warc_record_offset"]]
        assert conv["type"] == "conversion" and conv["url"] == item["url"]
        assert crawled["truth"][item["listing_id"]]["seller"].encode() in conv["body"]
        raw = recs[conv["refers_to"]]
        assert raw["type"] == "response" and raw["url"] == item["url"]
        assert b"<script>" in raw["body"] and b'<main id="app"></main>' in raw["body"]
        api = [r for r in recs.values() if r["type"] == "response"
               and r["url"].endswith(f"/api/listing/{item['listing_id']}.json")]
        assert len(api) == 1 and json.loads(api[0]["body"])["title"] == item["fields"]["title"]
    report = verify(data)
    assert report.ok, report.problems
    assert crawled["stats"]["pages"] == count_pages(warc)[0]
