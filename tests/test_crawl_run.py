"""Real crawls (subprocess, real Scrapy engine) of a fake market on a local HTTP server."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "crawler"))
from fakemarket import MARKETS, SITE, FakeMarketServer  # noqa: E402
from crawlers.exceptions import CrawlError  # noqa: E402
from crawlers.run import run_crawl  # noqa: E402
from pharmwatch.paths import Layout  # noqa: E402

DATE = "2025-01-02"
EXTRA = {"PHARMWATCH_MARKETS_DIR": str(MARKETS)}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def warc_responses(path: Path) -> list[dict]:
    out = []
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh)
        for rec in it:
            if rec.rec_type != "response":
                continue
            body = rec.content_stream().read()
            out.append({"url": rec.rec_headers.get_header("WARC-Target-URI"),
                        "offset": it.get_record_offset(),
                        "status": int(rec.http_headers.get_statuscode()),
                        "digest": rec.rec_headers.get_header("WARC-Payload-Digest"),
                        "sha256": hashlib.sha256(body).hexdigest(), "body": body})
    return out


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    data = tmp_path_factory.mktemp("crawl")
    with FakeMarketServer() as server:
        server.probe_arg = "run_id=run-one"
        stats = run_crawl("fakemart", server.base_url, DATE, data, run_id="run-one",
                          timeout=120, extra_settings=EXTRA)
        hits = list(server.hits)
        probes = list(server.probes)
    staging = Layout(data).staging("fakemart", DATE)
    return {"data": data, "stats": stats, "hits": hits, "probes": probes,
            "base": server.base_url, "staging": staging,
            "listings": read_jsonl(staging / "listings.jsonl"),
            "sellers": read_jsonl(staging / "sellers.jsonl"),
            "errors": read_jsonl(staging / "errors.jsonl")}


def test_listings_and_fields(first_run: dict) -> None:
    listings = {r["listing_id"]: r for r in first_run["listings"]}
    # Every listing page the site serves with 200, once each (L001 is linked twice).
    served = {p.stem for p in (SITE / "fakemart" / "listing").glob("*.html")}
    assert set(listings) == served
    assert len(first_run["listings"]) == len(served)
    l001 = listings["L001"]
    assert l001["fields"]["title"] == "Xanax 2mg bars"
    assert l001["fields"]["seller"] == "xanaxking"
    assert l001["fields"]["seller_url"] == first_run["base"] + "/fakemart/vendor/xanaxking"
    assert l001["fields"]["ships_from"] == "Germany"
    assert l001["fields"]["price"] == "120.00" and l001["fields"]["currency"] == "USD"
    assert l001["fields"]["category"] == "Home > Benzos"
    assert "should-not-appear" not in l001["text"] and "color: red" not in l001["text"]
    assert l001["text"].startswith("Xanax 2mg bars Sold by xanaxking")
    assert l001["run_id"] == "run-one" and l001["crawl_date"] == DATE
    assert l001["url"] == first_run["base"] + "/fakemart/listing/L001"


def test_hostile_and_broken_pages_keep_their_text(first_run: dict) -> None:
    listings = {r["listing_id"]: r for r in first_run["listings"]}
    l002 = listings["L002"]
    assert "alert" not in l002["text"]
    assert "'; DROP TABLE listing; --" in l002["fields"]["description"]
    assert '=HYPERLINK("http://evil","x")' in l002["text"]
    l003 = listings["L003"]  # malformed HTML and invalid UTF-8 still parse
    assert l003["fields"]["title"] == "Oxycodone 30mg"
    assert l003["fields"]["seller"] == "oxyqueen"
    assert "Roxicodone" in l003["text"]


def test_sellers(first_run: dict) -> None:
    sellers = {s["handle"]: s for s in first_run["sellers"]}
    assert set(sellers) == {"xanaxking", "oxyqueen"}
    assert "BEGIN PGP PUBLIC KEY BLOCK" in sellers["xanaxking"]["fields"]["pgp_key"]


def test_errors_recorded_with_kind_status_attempts(first_run: dict) -> None:
    errors = {e["url"].rsplit("/", 1)[1]: e for e in first_run["errors"]}
    assert errors["E500"]["kind"] == "http_error"
    assert errors["E500"]["status"] == 500 and errors["E500"]["attempts"] == 3
    assert errors["G404"]["status"] == 404 and errors["G404"]["attempts"] == 1
    assert errors["DROP"]["kind"] == "network_error"
    assert errors["DROP"]["status"] is None and errors["DROP"]["attempts"] == 3
    assert errors["L004"]["kind"] == "parse_error" and "title" in errors["L004"]["reason"]
    assert errors["L003"]["kind"] == "malformed_html"  # kept as a listing too (see above)
    assert len(first_run["errors"]) == 5
    assert first_run["hits"].count("/fakemart/listing/E500") == 3


def test_robots_prefixes_and_canonical_urls(first_run: dict) -> None:
    hits = first_run["hits"]
    assert not [h for h in hits if h.startswith("/fakemart/private/")]
    assert not [h for h in hits if h.startswith("/elsewhere/")]
    assert hits.count("/fakemart/listing/L001") == 1
    # Query reordered and fragment dropped: the page-2 URL is fetched once, sorted.
    assert hits.count("/fakemart/category/benzos?page=2&sort=new") == 1
    assert first_run["stats"]["robots_forbidden"] >= 1


def test_warc_matches_items(first_run: dict) -> None:
    stats = first_run["stats"]
    warc = first_run["data"] / stats["warc_file"]
    records = warc_responses(warc)
    assert len(records) == stats["pages"] == len(first_run["hits"]) - 3  # 3 dropped connections
    by_offset = {r["offset"]: r for r in records}
    for item in first_run["listings"] + first_run["sellers"]:
        assert item["warc_file"] == stats["warc_file"]
        rec = by_offset[item["warc_record_offset"]]
        assert rec["url"] == item["url"]
        assert rec["sha256"] == item["page_sha256"]
        expected = "sha256:" + base64.b32encode(bytes.fromhex(item["page_sha256"])).decode()
        assert rec["digest"] == expected
    # The served bytes themselves, including L003's invalid UTF-8, are what was archived.
    l003 = next(r for r in first_run["listings"] if r["listing_id"] == "L003")
    raw = (SITE / "fakemart" / "listing" / "L003.html").read_bytes()
    assert by_offset[l003["warc_record_offset"]]["body"] == raw
    assert [r["status"] for r in records if r["url"].endswith("/E500")] == [500, 500, 500]
    assert any(r["url"].endswith("/robots.txt") for r in records)
    # warcio's own validator recomputes every WARC-Payload-Digest.
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(warc)],
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr


def test_stats(first_run: dict) -> None:
    stats = first_run["stats"]
    assert stats["finish_reason"] == "finished"
    assert stats["listings"] == len(first_run["listings"])
    assert stats["sellers"] == len(first_run["sellers"])
    assert stats["errors"] == len(first_run["errors"])
    warc_bodies = sum(len(r["body"]) for r in warc_responses(first_run["data"] / stats["warc_file"]))
    assert stats["bytes"] == warc_bodies
    assert stats["started_at"] <= stats["finished_at"]
    on_disk = json.loads((first_run["staging"] / "stats.json").read_text())
    assert on_disk == stats
    assert not list(first_run["staging"].glob("*.part"))


def test_crawler_process_listens_on_no_port(first_run: dict) -> None:
    # Probed by the server while the crawler was fetching the index page.
    assert first_run["probes"], "the crawler process was not found during the crawl"
    assert all(listening == set() for _pid, listening in first_run["probes"])


def test_rerun_replaces_partition_and_keeps_old_warc(first_run: dict, tmp_path: Path) -> None:
    data = first_run["data"]
    first_warc = data / first_run["stats"]["warc_file"]
    before = hashlib.sha256(first_warc.read_bytes()).hexdigest()
    with FakeMarketServer() as server:
        stats = run_crawl("fakemart", server.base_url, DATE, data, run_id="run-two",
                          timeout=120, extra_settings=EXTRA)
    staging = first_run["staging"]
    listings = read_jsonl(staging / "listings.jsonl")
    assert len(listings) == len(first_run["listings"])
    assert {r["run_id"] for r in listings} == {"run-two"}
    assert len(read_jsonl(staging / "errors.jsonl")) == len(first_run["errors"])
    assert stats["warc_file"] != first_run["stats"]["warc_file"]
    assert hashlib.sha256(first_warc.read_bytes()).hexdigest() == before
    assert len(list(first_warc.parent.glob("*.warc.gz"))) == 2
    # Reusing a run id would rewrite evidence: refused, partition left as it was.
    with FakeMarketServer() as server, pytest.raises(CrawlError, match="already exists"):
        run_crawl("fakemart", server.base_url, DATE, data, run_id="run-two",
                  timeout=120, extra_settings=EXTRA)
    assert {r["run_id"] for r in read_jsonl(staging / "listings.jsonl")} == {"run-two"}


def test_bad_arguments_fail_before_starting(tmp_path: Path) -> None:
    with pytest.raises(CrawlError, match="no market config"):
        run_crawl("nosuchmarket", "http://127.0.0.1:9", DATE, tmp_path, extra_settings=EXTRA)
    with pytest.raises(CrawlError, match="YYYY-MM-DD"):
        run_crawl("fakemart", "http://127.0.0.1:9", "02/01/2025", tmp_path, extra_settings=EXTRA)
    with pytest.raises(CrawlError, match="run_id"):
        run_crawl("fakemart", "http://127.0.0.1:9", DATE, tmp_path, run_id="../x",
                  extra_settings=EXTRA)
    with pytest.raises(CrawlError, match="base_url"):
        run_crawl("fakemart", "ftp://127.0.0.1", DATE, tmp_path, extra_settings=EXTRA)
    assert not (tmp_path / "staging").exists()


def test_timeout_raises_and_leaves_no_partition(tmp_path: Path) -> None:
    with FakeMarketServer() as server:
        slow = {**EXTRA, "DOWNLOAD_DELAY": 5, "AUTOTHROTTLE_ENABLED": False}
        with pytest.raises(CrawlError, match="timed out"):
            run_crawl("fakemart", server.base_url, DATE, tmp_path, timeout=4,
                      extra_settings=slow)
    staging = Layout(tmp_path).staging("fakemart", DATE)
    assert not (staging / "listings.jsonl").exists()
    assert not (staging / "stats.json").exists()
