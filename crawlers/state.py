"""Crawl state kept between runs in SQLite (stdlib): what each page looked like last time, and
a per-(market, date) journal of the frontier so a killed crawl resumes where it stopped.

Every write is its own autocommitted statement: a SIGKILL loses at most the statement in
flight (the OS keeps what was written), never the whole frontier as Scrapy's JOBDIR would.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from pharmwatch.paths import Layout


_LOCK_WAIT = 30.0  # seconds a connection waits for another process's lock


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, isolation_level=None, timeout=_LOCK_WAIT, check_same_thread=False)
    _set_wal(con)
    con.execute("PRAGMA synchronous=NORMAL")
    return con


def _set_wal(con: sqlite3.Connection) -> None:
    """Switch to WAL, waiting out other processes doing the same. Changing the journal mode
    needs an exclusive lock, and SQLite answers "database is locked" at once, without its busy
    timeout, when two crawl workers open a new state file together (seen on a loaded machine)."""
    deadline = time.monotonic() + _LOCK_WAIT
    while True:
        try:
            con.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def state_dir(layout: Layout, market: str) -> Path:
    return layout.root / "state" / f"market={market}"


class PageState:
    """Last fetch of every listing/seller page of a market: validators, item, live/delisted."""

    def __init__(self, layout: Layout, market: str):
        self.con = _connect(state_dir(layout, market) / "pages.sqlite")
        self.con.execute("""CREATE TABLE IF NOT EXISTS page (
            url TEXT PRIMARY KEY, kind TEXT, listing_id TEXT, etag TEXT, last_modified TEXT,
            fetched_epoch REAL, item TEXT, delisted INTEGER DEFAULT 0)""")

    def get(self, url: str) -> dict[str, Any] | None:
        row = self.con.execute("SELECT kind, listing_id, etag, last_modified, fetched_epoch, item, "
                               "delisted FROM page WHERE url = ?", (url,)).fetchone()
        if row is None:
            return None
        keys = ("kind", "listing_id", "etag", "last_modified", "fetched_epoch", "item", "delisted")
        out = dict(zip(keys, row))
        out["item"] = json.loads(out["item"]) if out["item"] else None
        return out

    def remember(self, url: str, kind: str, listing_id: str, item: dict[str, Any],
                 etag: str | None, last_modified: str | None) -> None:
        self.con.execute(
            "INSERT OR REPLACE INTO page VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
            (url, kind, listing_id, etag, last_modified, time.time(),
             json.dumps(item, ensure_ascii=False)))

    def touch(self, url: str) -> None:
        self.con.execute("UPDATE page SET fetched_epoch = ?, delisted = 0 WHERE url = ?",
                         (time.time(), url))

    def mark_delisted(self, url: str) -> None:
        self.con.execute("UPDATE page SET delisted = 1 WHERE url = ?", (url,))

    def live_listings(self) -> dict[str, str]:
        rows = self.con.execute("SELECT url, listing_id FROM page WHERE kind = 'listing' "
                                "AND delisted = 0").fetchall()
        return dict(rows)

    def close(self) -> None:
        self.con.close()


class Journal:
    """Frontier of one (market, date) crawl: pending and done URLs, and the run they belong to."""

    def __init__(self, path: Path):
        self.path = path
        self.con = _connect(path)
        self.con.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        self.con.execute("CREATE TABLE IF NOT EXISTS url (url TEXT PRIMARY KEY, done INTEGER, "
                         "meta TEXT)")

    @classmethod
    def for_partition(cls, layout: Layout, market: str, date: str) -> "Journal":
        return cls(state_dir(layout, market) / f"date={date}" / "journal.sqlite")

    def get(self, key: str) -> str | None:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def reset(self, run_id: str, base_url: str) -> None:
        self.con.execute("DELETE FROM url")
        self.con.execute("DELETE FROM meta")
        self.put("run_id", run_id)
        self.put("base_url", base_url)
        self.put("status", "running")
        self.put("segments", "0")

    def add(self, url: str, meta: dict[str, Any]) -> None:
        self.con.execute("INSERT OR IGNORE INTO url VALUES (?, 0, ?)", (url, json.dumps(meta)))

    def done(self, url: str) -> None:
        self.con.execute("UPDATE url SET done = 1 WHERE url = ?", (url,))

    def pending(self) -> list[tuple[str, dict[str, Any]]]:
        rows = self.con.execute("SELECT url, meta FROM url WHERE done = 0").fetchall()
        return [(u, json.loads(m)) for u, m in rows]

    def all_urls(self) -> set[str]:
        return {u for (u,) in self.con.execute("SELECT url FROM url")}

    def count_done(self) -> int:
        return self.con.execute("SELECT count(*) FROM url WHERE done = 1").fetchone()[0]

    def close(self) -> None:
        self.con.close()


def unfinished_run(layout: Layout, market: str, date: str, base_url: str) -> str | None:
    """Run id of an interrupted crawl of this partition at this base URL (to resume), if any."""
    path = state_dir(layout, market) / f"date={date}" / "journal.sqlite"
    if not path.exists():
        return None
    journal = Journal(path)
    try:
        same = journal.get("base_url") == base_url.rstrip("/")
        return journal.get("run_id") if same and journal.get("status") == "running" else None
    finally:
        journal.close()
