"""Shared crawl frontier on Redis (scrapy-redis): several crawler processes, one crawl.

Every worker uses scrapy-redis's scheduler and RFPDupeFilter on keys under one per-run prefix,
so a URL is queued (and fetched) once across all workers, on one machine or many. Each worker
writes its own staging parts (`*.RUN_ID.wN.part`) and WARC (`RUN_ID.wN.warc.gz`); `run_workers`
merges and de-duplicates them when every worker has exited.

Ending: a worker whose queue is empty closes only when no other worker is busy (a busy one
may still push URLs). States live in the hash `PREFIX:workers` as "STATE:EPOCH"; a busy worker
whose heartbeat is older than STALE_SECONDS counts as gone (crashed on another machine).
"""

from __future__ import annotations

import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from pharmwatch.paths import Layout

from crawlers.exceptions import CrawlError
from crawlers.staging import commit_parts, count_lines, part_path, write_json_atomic

logger = logging.getLogger("crawlers.frontier")
STALE_SECONDS = 120.0
BUSY, IDLE, GONE = "busy", "idle", "gone"
OUTPUT_NAMES = ("listings.jsonl", "sellers.jsonl", "errors.jsonl", "delisted.jsonl")
SUMMED = ("pages", "bytes", "robots_forbidden", "retries", "not_modified", "reused_fresh", "traps")


def key_prefix(market: str, date: str, run_id: str) -> str:
    return f"pharmwatch:frontier:{market}:{date}:{run_id}"


def frontier_settings(url: str, prefix: str, worker: str) -> dict[str, Any]:
    """Scrapy settings that put one worker process on the shared frontier."""
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        # Kept when a worker closes: the others still need the queue and the seen-set.
        # The launcher deletes the keys once every worker is done.
        "SCHEDULER_PERSIST": True,
        "REDIS_URL": url,
        "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
        "PHARMWATCH_FRONTIER": url,
        "PHARMWATCH_FRONTIER_KEY": prefix,
        "PHARMWATCH_WORKER": worker,
    }


def connect(url: str) -> Any:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=10, decode_responses=True)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise CrawlError(f"shared frontier {url} unreachable: {exc}") from exc
    return client


class WorkerState:
    """One worker's view of the others (used by the spider on idle)."""

    def __init__(self, url: str, prefix: str, worker: str):
        self.client = connect(url)
        self.key = f"{prefix}:workers"
        self.worker = worker
        self.state = ""
        self.last_beat = 0.0
        self.set(BUSY)

    def set(self, state: str) -> None:
        now = time.time()
        if state == self.state and now - self.last_beat < 5:
            return  # unchanged and fresh: spare a Redis round trip per response
        self.client.hset(self.key, self.worker, f"{state}:{now:.0f}")
        self.state, self.last_beat = state, now

    def others_busy(self) -> list[str]:
        now = time.time()
        busy = []
        for name, value in self.client.hgetall(self.key).items():
            state, _, epoch = value.partition(":")
            if name != self.worker and state == BUSY and now - float(epoch or 0) < STALE_SECONDS:
                busy.append(name)
        return busy

    def should_wait(self) -> bool:
        """Called with an empty queue and nothing in flight here: wait while others work."""
        self.set(IDLE)
        return bool(self.others_busy())

    def close(self) -> None:
        self.client.hset(self.key, self.worker, f"{GONE}:{time.time():.0f}")
        self.client.close()


def run_workers(market: str, base_url: str, date: str, data_dir: Path, run_id: str,
                timeout: float | None, extra: dict[str, Any], workers: int, frontier: str,
                env: dict[str, str]) -> dict:
    """Run `workers` crawl processes on one Redis frontier; merge their output; return stats."""
    from crawlers.run import _check_halt, _command, _failure, _run  # run.py imports us lazily

    if not 1 <= workers <= 64:
        raise CrawlError(f"workers must be 1..64, got {workers}")
    client = connect(frontier)
    prefix = key_prefix(market, date, run_id)
    names = [f"w{i + 1}" for i in range(workers)]
    # Registered before start: a fast worker then waits for slow starters instead of ending alone.
    now = f"{BUSY}:{time.time():.0f}"
    client.hset(f"{prefix}:workers", mapping={n: now for n in names})

    def one(name: str) -> tuple[int, list[str]]:
        cmd = _command(market, base_url, date, run_id, data_dir,
                       {**extra, **frontier_settings(frontier, prefix, name)})
        try:
            return _run(cmd, timeout, env)
        finally:  # exited, whatever the reason: the others must not wait for it
            client.hset(f"{prefix}:workers", name, f"{GONE}:{time.time():.0f}")

    try:
        logger.info("crawl %s run %s: %d workers on %s (%s)", market, run_id, workers,
                    frontier, prefix)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(one, names))
    finally:
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
        client.close()
    for name, (code, tail) in zip(names, results):
        if code != 0:
            raise CrawlError(_failure(f"worker {name} of {market} exited with code {code}", tail))
    _check_halt(data_dir, market, run_id)
    return merge_workers(Layout(data_dir), market, date, run_id, names)


def merge_workers(layout: Layout, market: str, date: str, run_id: str,
                  names: list[str]) -> dict:
    """Merge worker parts into the partition (first record per key wins) and sum their stats."""
    staging = layout.staging(market, date)
    parts = []
    for name in names:
        path = part_path(staging / "stats.json", run_id, f".{name}")
        try:
            parts.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise CrawlError(f"worker {name} left no readable stats ({path}): {exc}; "
                             f"partition not replaced") from exc
    commit_parts(staging, run_id, [f".{n}" for n in names], OUTPUT_NAMES)
    stats: dict[str, Any] = {
        "market": market, "run_id": run_id, "crawl_date": date,
        "started_at": min(p["started_at"] for p in parts),
        "finished_at": max(p["finished_at"] for p in parts),
        **{k: sum(int(p.get(k) or 0) for p in parts) for k in SUMMED},
        "listings": count_lines(staging / "listings.jsonl"),
        "sellers": count_lines(staging / "sellers.jsonl"),
        "errors": count_lines(staging / "errors.jsonl"),
        "delisted": count_lines(staging / "delisted.jsonl"),
        "finish_reason": "finished" if all(p["finish_reason"] == "finished" for p in parts)
        else ",".join(sorted({p["finish_reason"] for p in parts})),
        "warc_file": parts[0].get("warc_file"),
        "warc_files": [p.get("warc_file") for p in parts],
        "workers": {n: {"pages": p.get("pages", 0), "listings": p.get("listings", 0)}
                    for n, p in zip(names, parts)},
    }
    write_json_atomic(staging / "stats.json", stats)
    for name in names:
        part_path(staging / "stats.json", run_id, f".{name}").unlink(missing_ok=True)
    return stats
