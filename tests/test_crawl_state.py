"""The crawl state file under concurrent workers: opening a new one together never fails."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from crawlers.state import _connect

WORKERS, ROUNDS = 6, 12


def _open(path: str, barrier) -> None:
    barrier.wait()  # every worker opens the new file at the same moment, as `--workers N` does
    con = _connect(Path(path))
    con.execute("CREATE TABLE IF NOT EXISTS page (url TEXT PRIMARY KEY)")
    con.execute("INSERT OR IGNORE INTO page VALUES ('u')")
    con.close()


def test_workers_opening_a_new_state_file_together_all_get_it(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    for n in range(ROUNDS):
        path = tmp_path / f"pages-{n}.sqlite"
        barrier = ctx.Barrier(WORKERS)
        procs = [ctx.Process(target=_open, args=(str(path), barrier)) for _ in range(WORKERS)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(timeout=120)
        assert [p.exitcode for p in procs] == [0] * WORKERS, f"round {n}"
        con = _connect(path)
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert con.execute("SELECT count(*) FROM page").fetchone()[0] == 1
        con.close()
