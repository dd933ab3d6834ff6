"""Operator features against real local servers: proxy, login + CAPTCHA hand-over, chaos,
SIGKILL resume, recrawl/delisting, evidence verification. Real Scrapy subprocesses throughout."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "crawler"))
from proxy import ForwardProxy  # noqa: E402

from crawlers.exceptions import HumanNeeded, MarketConfigError  # noqa: E402
from crawlers.config import MARKETS_DIR, parse_market  # noqa: E402
from crawlers.run import run_crawl, start_crawl  # noqa: E402
from crawlers.state import Journal  # noqa: E402
from crawlers.evidence import count_pages  # noqa: E402
from pharmwatch.cli import main as pharmwatch_main  # noqa: E402
from pharmwatch.paths import Layout  # noqa: E402
from sandbox import silkgate  # noqa: E402
from sandbox.server import serve_in_thread  # noqa: E402
from sandbox.world import World  # noqa: E402

DATE = "2025-03-01"
FAST = {"AUTOTHROTTLE_ENABLED": False, "PHARMWATCH_RETRY_BACKOFF": 0.05}


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def staged(data: Path, market: str, name: str, date: str = DATE) -> list[dict]:
    return read_jsonl(Layout(data).staging(market, date) / name)


def market_dir(tmp: Path, market: str, **changes: object) -> Path:
    raw = yaml.safe_load((MARKETS_DIR / f"{market}.yaml").read_text())
    raw.update(changes)
    out = tmp / "markets"
    out.mkdir(exist_ok=True)
    (out / f"{market}.yaml").write_text(yaml.safe_dump(raw))
    return out


def served_ids(world: World, market: str) -> set[str]:
    return {t["listing_id"] for t in world.truth() if t["market"] == market and t["fault"] != "http_500"}


def test_robots_override_needs_a_written_reason() -> None:
    raw = yaml.safe_load((MARKETS_DIR / "nightbazaar.yaml").read_text())
    raw["politeness"] = {"obey_robots": False}
    with pytest.raises(MarketConfigError, match="robots_override_reason"):
        parse_market(raw, "http://127.0.0.1:1")
    raw["politeness"]["robots_override_reason"] = "court order 2025/17: full mirror needed"
    assert parse_market(raw, "http://127.0.0.1:1").politeness.obey_robots is False


def test_every_request_goes_through_the_configured_proxy(tmp_path: Path) -> None:
    world = World(seed=3, listings=60)
    with serve_in_thread(world) as server, ForwardProxy() as proxy:
        markets = market_dir(tmp_path, "pillstore", access={"proxy": proxy.url, "user_agent": "UA-test/1"})
        stats = run_crawl("pillstore", server.base_url, DATE, tmp_path / "data", timeout=180,
                          extra_settings={**FAST, "PHARMWATCH_MARKETS_DIR": str(markets)})
        hits = Counter(server.hits)
    assert stats["listings"] == len(served_ids(world, "pillstore")) > 0
    assert Counter(proxy.forwarded) == hits  # nothing reached the market around the proxy
    assert "/robots.txt" in proxy.forwarded


def test_sandbox_and_crawler_bind_loopback_only(tmp_path: Path) -> None:
    from sandbox.exceptions import UnsafeBindError

    with serve_in_thread(World(seed=3, listings=30)) as server:
        assert server._httpd.socket.getsockname()[0] == "127.0.0.1"
    with pytest.raises(UnsafeBindError):
        serve_in_thread(World(seed=3, listings=30), host="0.0.0.0")


def test_login_captcha_handover_and_resume(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHARMWATCH_SILKGATE_USERNAME", "analyst")
    monkeypatch.setenv("PHARMWATCH_SILKGATE_PASSWORD", silkgate.SANDBOX_PASSWORD)
    world = World(seed=11, listings=150)
    data = tmp_path / "data"
    expected = {t["listing_id"] for t in silkgate.truth(world)}
    with serve_in_thread(world, captcha_every=9) as server:
        with pytest.raises(HumanNeeded, match="CAPTCHA.*pharmwatch session set-cookie silkgate"):
            run_crawl("silkgate", server.base_url, DATE, data, timeout=180, extra_settings=FAST)
        assert not (Layout(data).staging("silkgate", DATE) / "listings.jsonl").exists()
        # The operator logs in with a browser, reads the CAPTCHA, and hands the session over.
        token = _browser_login(server.base_url)
        _post(server.base_url + "/silkgate/captcha",
              {"answer": server.silkgate.captcha_answer(token)}, token)
        assert pharmwatch_main(["session", "set-cookie", "silkgate", "--cookie",
                                f"sg_session={token}", "--data", str(data)]) == 0
        stats = run_crawl("silkgate", server.base_url, DATE, data, timeout=180, extra_settings=FAST)
    listings = staged(data, "silkgate", "listings.jsonl")
    ids = [r["listing_id"] for r in listings]
    assert set(ids) == expected and len(ids) == len(set(ids))
    assert stats["finish_reason"] == "finished"
    sellers = staged(data, "silkgate", "sellers.jsonl")
    assert sellers and all("BEGIN PGP" in s["fields"]["pgp_key"] for s in sellers)
    session_file = data / "sessions" / "silkgate.json"
    assert stat.S_IMODE(session_file.stat().st_mode) == 0o600
    for warc in (data / "evidence").rglob("*.warc.gz"):  # the password never reaches evidence
        import gzip
        assert silkgate.SANDBOX_PASSWORD.encode() not in gzip.decompress(warc.read_bytes())


def _browser_login(base: str) -> str:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())
    body = urllib.parse.urlencode({"username": "analyst", "password": silkgate.SANDBOX_PASSWORD}).encode()
    try:
        opener.open(base + "/silkgate/login", data=body, timeout=10)
    except urllib.error.HTTPError as exc:
        cookie = exc.headers["Set-Cookie"]
        return cookie.split(";")[0].split("=", 1)[1]
    raise AssertionError("login did not redirect")


def _post(url: str, form: dict, token: str) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())
    req = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(),
                                 headers={"Cookie": f"sg_session={token}"})
    try:
        opener.open(req, timeout=10)
    except urllib.error.HTTPError as exc:
        assert exc.code == 303


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def test_chaos_crawl_records_every_failure_and_loses_nothing(tmp_path: Path) -> None:
    world = World(seed=5, listings=200)
    data = tmp_path / "data"
    with serve_in_thread(world, chaos=0.25) as server:
        server.chaos.slow_seconds = 3.0
        markets = market_dir(tmp_path, "nightbazaar", access={"timeout": 1.5, "retries": 2})
        stats = run_crawl("nightbazaar", server.base_url, DATE, data, timeout=300,
                          extra_settings={**FAST, "PHARMWATCH_MARKETS_DIR": str(markets)})
        log = list(server.chaos.log)
    listings = staged(data, "nightbazaar", "listings.jsonl")
    errors = staged(data, "nightbazaar", "errors.jsonl")
    assert {r["listing_id"] for r in listings} == served_ids(world, "nightbazaar")
    assert stats["finish_reason"] == "finished"
    by_path: dict[str, list[dict]] = {}
    for e in errors:
        parts = urllib.parse.urlsplit(e["url"])
        by_path.setdefault(parts.path + (f"?{parts.query}" if parts.query else ""), []).append(e)
    kinds = Counter(fault for _, fault, _ in log)
    assert {"http_500", "http_503", "http_429", "slow", "truncated"} <= set(kinds), kinds
    for path, fault, attempt in log:
        if fault == "wrong_charset" or (fault == "malformed" and "/listing/" not in path):
            continue  # an ASCII-only page decodes right under any declaration: checked below
        rows = by_path.get(path)
        assert rows, f"{fault} on {path} not recorded"
        expected_kind = {"malformed": "malformed_html", "wrong_charset": "charset_mismatch"}
        if fault in expected_kind:
            assert expected_kind[fault] in {r["kind"] for r in rows}
        else:
            assert any(r["kind"] == "transient" and r["attempts"] > attempt for r in rows), rows
    titles = {t["listing_id"]: t["title"] for t in world.truth() if t["market"] == "nightbazaar"}
    wrong = {p.rsplit("/", 1)[1] for p, f, _ in log if f == "wrong_charset" and "/listing/" in p}
    assert wrong
    for r in listings:  # every page, those served under a wrong charset too, reads as served
        if r["fields"]["title"] is not None:
            assert r["fields"]["title"] == titles[r["listing_id"]]
    assert {r["listing_id"] for r in listings} >= wrong


def test_sigkill_then_resume_completes_without_duplicates(tmp_path: Path) -> None:
    world = World(seed=9, listings=500)
    data = tmp_path / "data"
    with serve_in_thread(world) as server:
        slow = {**FAST, "DOWNLOAD_DELAY": 0.02}
        proc = start_crawl("nightbazaar", server.base_url, DATE, data, "killed-run", slow)
        journal_path = Layout(data).root / "state" / "market=nightbazaar" / f"date={DATE}" / "journal.sqlite"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if journal_path.exists() and Journal(journal_path).count_done() >= 60:
                break
            time.sleep(0.2)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        staging = Layout(data).staging("nightbazaar", DATE)
        before = {r["listing_id"] for p in staging.glob("listings.jsonl.*.part")
                  for r in read_jsonl(p)}
        assert before, "the crawl was killed before writing anything"
        hits_before = Counter(server.hits)
        stats = run_crawl("nightbazaar", server.base_url, DATE, data, timeout=300, extra_settings=FAST)
        hits_after = Counter(server.hits) - hits_before
    ids = [r["listing_id"] for r in staged(data, "nightbazaar", "listings.jsonl")]
    assert len(ids) == len(set(ids))
    assert set(ids) == served_ids(world, "nightbazaar")
    assert stats["run_id"] == "killed-run"
    refetched = {p.rsplit("/", 1)[1] for p in hits_after if "/listing/" in p}
    assert not refetched & before  # what was already staged was not fetched again
    # pages/bytes add up over both segments (the killed process never wrote its counters)
    warcs = sorted(Layout(data).evidence("nightbazaar", DATE).glob("killed-run*.warc.gz"))
    assert [w.name for w in warcs] == ["killed-run.resume-1.warc.gz", "killed-run.warc.gz"]
    segments = [count_pages(w) for w in warcs]
    assert all(n > 0 for n, _ in segments)
    assert stats["pages"] == sum(n for n, _ in segments)
    assert stats["bytes"] == sum(b for _, b in segments)
    assert stats["pages"] >= sum(hits_after.values())


def test_recrawl_conditional_and_delisted(tmp_path: Path) -> None:
    data = tmp_path / "data"
    day0, day1 = World(seed=4, listings=200, day=0), World(seed=4, listings=200, day=80)
    with serve_in_thread(day0) as server:
        run_crawl("pillstore", server.base_url, "2025-03-01", data, timeout=180, extra_settings=FAST)
        again = run_crawl("pillstore", server.base_url, "2025-03-01", data, timeout=180,
                          extra_settings=FAST)
        port = server.port
    assert again["not_modified"] == again["listings"] > 0  # 304s, items kept in the partition
    assert {r["listing_id"] for r in staged(data, "pillstore", "listings.jsonl")} == served_ids(day0, "pillstore")
    with serve_in_thread(day1, port=port) as server:  # same URLs as before: a new day
        run_crawl("pillstore", server.base_url, "2025-03-02", data, timeout=180, extra_settings=FAST)
    gone = served_ids(day0, "pillstore") - served_ids(day1, "pillstore")
    delisted = staged(data, "pillstore", "delisted.jsonl", "2025-03-02")
    assert gone and {d["listing_id"] for d in delisted} == gone
    assert {d["reason"] for d in delisted} == {"http_404"}


def test_evidence_verify_detects_one_altered_byte(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with serve_in_thread(World(seed=2, listings=60)) as server:
        run_crawl("pillstore", server.base_url, DATE, data, timeout=180, extra_settings=FAST)
    cli = [sys.executable, "-m", "pharmwatch.cli", "evidence", "verify", "--data", str(data)]
    ok = subprocess.run(cli, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    warc = next((data / "evidence").rglob("*.warc.gz"))
    assert stat.S_IMODE(warc.stat().st_mode) == 0o444  # never rewritten
    raw = bytearray(warc.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    warc.chmod(0o644)
    warc.write_bytes(bytes(raw))
    bad = subprocess.run(cli, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1
    assert "MISMATCH" in bad.stdout
