"""Run one crawl in a subprocess (Twisted's reactor cannot restart inside Airflow's worker).

`run_crawl` validates its arguments up front, streams the child's log lines into this
process's logging, and returns the run's `stats.json` as a dict.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import subprocess
import sys
import threading
import time
from collections import deque
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from pharmwatch.paths import Layout

from crawlers import config
from crawlers.config import MarketConfig
from crawlers.exceptions import CrawlError, CrawlerError, HumanNeeded
from crawlers.runinfo import check_date, check_run_id
from crawlers.session import child_env
from crawlers.state import state_dir, unfinished_run

logger = logging.getLogger("crawlers.run")
REPO_ROOT = Path(__file__).resolve().parent.parent
_TAIL_LINES = 40
DEFAULT_FRONTIER = "redis://127.0.0.1:6379/0"
HALT_REASONS = ("captcha", "login_failed", "logged_out")


def new_run_id() -> str:
    """UTC timestamp plus a random suffix: sortable, and unique across parallel runs."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{secrets.token_hex(3)}"


def list_markets(include_disabled: bool = False) -> list[str]:
    return config.list_markets(include_disabled=include_disabled)


def load_market(name: str, base_url: str | None = None) -> MarketConfig:
    return config.load_market(name, base_url)


def run_crawl(market: str, base_url: str, date: str, data_dir: Path, run_id: str | None = None,
              timeout: float | None = None, extra_settings: dict | None = None,
              workers: int = 1, frontier: str | None = None) -> dict:
    """Crawl one market for one date; return stats.json. Raises CrawlError on any failure.

    An interrupted crawl of the same partition (killed, CAPTCHA) is resumed when `run_id` is
    None or equal to the interrupted one. `workers` > 1 runs that many processes on a shared
    Redis frontier (`frontier`, default redis://127.0.0.1:6379/0) and merges their output.
    """
    extra = dict(extra_settings or {})
    data_dir = Path(data_dir).resolve()
    try:
        check_date(date)
        cfg = config.load_market(market, base_url, extra.get("PHARMWATCH_MARKETS_DIR"))
        resumable = (unfinished_run(Layout(data_dir), market, date, cfg.base_url)
                     if workers == 1 else None)
        if resumable and run_id in (None, resumable):
            logger.info("resuming interrupted run %s of %s %s", resumable, market, date)
            run_id = resumable
        run_id = check_run_id(run_id or new_run_id())
        env = child_env(cfg.login)
    except CrawlerError as exc:
        raise CrawlError(f"cannot start crawl of {market!r}: {exc}") from exc
    if workers > 1:
        from crawlers.frontier import run_workers

        return run_workers(market, base_url, date, data_dir, run_id, timeout, extra, workers,
                           frontier or DEFAULT_FRONTIER, env)
    cmd = _command(market, base_url, date, run_id, data_dir, extra)
    logger.info("crawl %s run %s: %s", market, run_id, " ".join(cmd[1:]))
    code, tail = _run(cmd, timeout, env)
    stats_path = Layout(data_dir).staging(market, date) / "stats.json"
    if code != 0:
        raise CrawlError(_failure(f"crawl of {market} exited with code {code}", tail))
    _check_halt(data_dir, market, run_id)
    return _read_stats(stats_path, run_id, tail)


def start_crawl(market: str, base_url: str, date: str, data_dir: Path, run_id: str,
                extra_settings: dict | None = None) -> subprocess.Popen[str]:
    """Start a crawl process without waiting (tests kill it; `run_crawl` resumes it)."""
    cmd = _command(market, base_url, date, run_id, Path(data_dir).resolve(),
                   dict(extra_settings or {}))
    env = child_env(config.load_market(market, base_url,
                                       (extra_settings or {}).get("PHARMWATCH_MARKETS_DIR")).login)
    return subprocess.Popen(cmd, cwd=REPO_ROOT, env=_env(env), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)


def _check_halt(data_dir: Path, market: str, run_id: str) -> None:
    path = state_dir(Layout(data_dir), market) / "last_run.json"
    try:
        last = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if last.get("run_id") == run_id and last.get("finish_reason") in HALT_REASONS:
        raise HumanNeeded(f"crawl of {market} stopped ({last['finish_reason']}): "
                          f"{last.get('message', '')}")


def _command(market: str, base_url: str, date: str, run_id: str, data_dir: Path,
             extra: dict[str, Any]) -> list[str]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "market",
           "-a", f"market={market}", "-a", f"base_url={base_url}",
           "-a", f"date={date}", "-a", f"run_id={run_id}",
           "-s", f"PHARMWATCH_DATA={data_dir}"]
    for key, value in extra.items():
        if not isinstance(value, (str, int, float, bool)):
            value = json.dumps(value)  # Scrapy parses JSON for dict/list settings
        cmd += ["-s", f"{key}={value}"]
    return cmd


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, **(extra or {})}
    env["SCRAPY_SETTINGS_MODULE"] = "crawlers.settings"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _run(cmd: list[str], timeout: float | None,
         env: dict[str, str] | None = None) -> tuple[int, list[str]]:
    tail: deque[str] = deque(maxlen=_TAIL_LINES)
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=_env(env), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            text=True, encoding="utf-8", errors="replace")
    assert proc.stdout is not None
    reader = threading.Thread(target=_pump, args=(proc.stdout, tail), daemon=True)
    reader.start()
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(proc)
        reader.join(5)
        raise CrawlError(_failure(f"crawl timed out after {timeout}s", list(tail))) from None
    except BaseException:
        _stop(proc)
        raise
    reader.join(10)
    return code, list(tail)


def _pump(stream: IO[str], tail: deque[str]) -> None:
    for line in stream:
        line = line.rstrip("\n")
        tail.append(line)
        logger.log(_level_of(line), "%s", line)


def _level_of(line: str) -> int:
    for name in ("CRITICAL", "ERROR", "WARNING", "DEBUG"):
        if f"] {name}:" in line or line.startswith(name):
            return getattr(logging, name)
    return logging.INFO


def _stop(proc: subprocess.Popen[str]) -> None:
    # SIGTERM first: Scrapy shuts down gracefully and closes the WARC file.
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def _failure(message: str, tail: list[str]) -> str:
    return message + ("\n--- last log lines ---\n" + "\n".join(tail) if tail else "")


def _read_stats(path: Path, run_id: str, tail: list[str]) -> dict:
    deadline = time.monotonic() + 1.0
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        stats = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CrawlError(_failure(f"crawl finished without readable {path}: {exc}", tail)) from exc
    if stats.get("run_id") != run_id:
        raise CrawlError(_failure(f"{path} belongs to run {stats.get('run_id')!r}, "
                                  f"not {run_id!r}: the crawl did not complete", tail))
    return stats
