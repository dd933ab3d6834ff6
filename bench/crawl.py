"""Crawler throughput: the full crawler (items + WARC + staging + journal) against a plain
Scrapy spider that only fetches the same pages, on the same sandbox, in the same run.

    .venv/bin/python bench/crawl.py [--listings 4000]

Prints pages/s of both and the ratio. pages/s is measured over the crawl itself (first to last
request the sandbox served); process start-up and shut-down (Python, Scrapy, reactor, opening
state files) are reported separately as `*_overhead_s`, since they do not grow with the crawl.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawlers.run import REPO_ROOT, _env, run_crawl  # noqa: E402
from sandbox.server import serve_in_thread  # noqa: E402
from sandbox.world import World  # noqa: E402

PLAIN = '''
import scrapy
class Plain(scrapy.Spider):
    name = "plain"
    custom_settings = {"CONCURRENT_REQUESTS": 8, "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
                       "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "ROBOTSTXT_OBEY": True,
                       "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False,
                       "COMPRESSION_ENABLED": False}
    def __init__(self, base, **kw):
        super().__init__(**kw); self.base = base; self.start_urls = [base + "/nightbazaar/"]
    def parse(self, response):
        self.crawler.stats.inc_value("plain/pages")
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if url.startswith(self.base + "/nightbazaar/") and "/cart" not in url:
                yield scrapy.Request(url)
'''
# Same load on the server as the plain spider: 8 concurrent, no delay, no AutoThrottle.
FULL = {"AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 8,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "DOWNLOAD_DELAY": 0, "LOG_LEVEL": "WARNING"}


def cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


class Window:
    """First and last time the sandbox served a request (wraps the server's hit counter)."""

    def __init__(self, server) -> None:  # type: ignore[no-untyped-def]
        self.first = self.last = 0.0
        self.hits = 0
        httpd = server._httpd
        record = httpd.record

        def timed(path: str, status: int) -> None:
            now = time.perf_counter()
            self.first = self.first or now
            self.last = now
            self.hits += 1
            record(path, status)

        httpd.record = timed

    def reset(self) -> None:
        self.first = self.last = 0.0
        self.hits = 0

    @property
    def seconds(self) -> float:
        return self.last - self.first


def plain(base: str, tmp: Path) -> tuple[int, float]:
    script = tmp / "plain.py"
    script.write_text(PLAIN)
    out = tmp / "plain.json"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "scrapy", "runspider", str(script), "-a", f"base={base}",
                    "-s", "STATS_DUMP=True", "-O", str(out) + ":jsonlines"],
                   cwd=REPO_ROOT, env={**_env(), "SCRAPY_SETTINGS_MODULE": ""}, check=True,
                   capture_output=True, text=True)
    return 0, time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--listings", type=int, default=4000)
    args = ap.parse_args()
    world = World(seed=1, listings=args.listings)
    # Build every listing (and its seller) before timing: the World is lazy, so otherwise the
    # first spider (plain) pays the sandbox's generation and the second one does not.
    for _ in world.live_listings("nightbazaar"):
        pass
    with tempfile.TemporaryDirectory() as tmp, serve_in_thread(world) as server:
        t = Path(tmp)
        window = Window(server)
        before = cpu(resource.RUSAGE_CHILDREN), cpu(resource.RUSAGE_SELF)
        _, plain_wall = plain(server.base_url, t)
        plain_pages, plain_s = window.hits, window.seconds
        middle = cpu(resource.RUSAGE_CHILDREN), cpu(resource.RUSAGE_SELF)
        window.reset()
        start = time.perf_counter()
        stats = run_crawl("nightbazaar", server.base_url, "2025-01-01", t / "data", extra_settings=FULL)
        full_wall = time.perf_counter() - start
        full_pages, full_s = window.hits, window.seconds
        after = cpu(resource.RUSAGE_CHILDREN), cpu(resource.RUSAGE_SELF)
    plain_rate, full_rate = plain_pages / plain_s, full_pages / full_s
    print(json.dumps({"plain_pages": plain_pages, "plain_s": round(plain_s, 2),
                      "plain_pages_per_s": round(plain_rate, 1),
                      "plain_overhead_s": round(plain_wall - plain_s, 2),
                      "full_pages": full_pages, "full_staged_pages": stats["pages"],
                      "full_s": round(full_s, 2), "full_pages_per_s": round(full_rate, 1),
                      "full_overhead_s": round(full_wall - full_s, 2),
                      "ratio": round(full_rate / plain_rate, 3),
                      # CPU per page, start-up included: on a shared machine these move less
                      # than pages/s. "server" is this process (the sandbox's threads).
                      "plain_cpu_ms_per_page": _ms(middle[0] - before[0], plain_pages),
                      "full_cpu_ms_per_page": _ms(after[0] - middle[0], full_pages),
                      "server_cpu_ms_per_page": [_ms(middle[1] - before[1], plain_pages),
                                                 _ms(after[1] - middle[1], full_pages)]}))


def _ms(seconds: float, pages: int) -> float:
    return round(1000 * seconds / max(pages, 1), 2)


if __name__ == "__main__":
    main()
