"""Loads are atomic against SIGKILL, and analysts read published snapshots while loads run.
Both tests use real processes: a loader (`pharmwatch load` or the load path in a child) and,
for the second, an analyst process holding a read-only connection open."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "warehouse"))
from db_snapshot import snapshot  # noqa: E402
from sandbox_staged import write_day  # noqa: E402

from pharmwatch.paths import Layout  # noqa: E402
from warehouse.load import all_partitions, load_all  # noqa: E402
from warehouse.prepared import prepare_partitions  # noqa: E402
from warehouse.publish import pointer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
STATE_SQL = ("SELECT (SELECT count(*) FROM raw_listing), (SELECT count(*) FROM listing_observation), "
             "(SELECT count(*) FROM listing), (SELECT count(*) FROM listing WHERE delisted_at IS NOT NULL), "
             "(SELECT max(crawl_date)::VARCHAR FROM listing_observation)")


def state(db: Path) -> list:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return list(con.execute(STATE_SQL).fetchone())
    finally:
        con.close()


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


KILLED_LOADER = """
import sys, time
from pathlib import Path
import warehouse.load as load
import warehouse.models as models
from pharmwatch.paths import Layout

real_rebuild = models.rebuild
def rebuild_then_hang(con, *args, **kwargs):
    real_rebuild(con, *args, **kwargs)   # raw rows replaced and every model rebuilt, not committed
    print("midway", flush=True)
    time.sleep(600)
models.rebuild = rebuild_then_hang
load.load_all(Path(sys.argv[1]), Layout(Path(sys.argv[2])))
"""


@pytest.mark.parametrize("from_prepared", [False, True], ids=["staged", "prepared"])
def test_sigkill_midway_keeps_previous_state_and_rerun_completes(tmp_path: Path, from_prepared: bool) -> None:
    data = tmp_path / "data"
    write_day(data, 4, 600, 0)
    db = tmp_path / "w.duckdb"
    load_all(db, Layout(data))
    before, published_before = snapshot(db), pointer(db).resolve()
    write_day(data, 4, 600, 1)
    if from_prepared:  # the DAGs' path: the new day typed off the writer, then bulk-inserted
        prepare_partitions(Layout(data), all_partitions(Layout(data)))
    child = subprocess.Popen([sys.executable, "-c", KILLED_LOADER, str(db), str(data)],
                             stdout=subprocess.PIPE, text=True, env=_env())
    assert child.stdout is not None and child.stdout.readline().strip() == "midway"
    child.send_signal(signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL
    assert snapshot(db) == before
    assert pointer(db).resolve() == published_before
    rerun = load_all(db, Layout(data))  # the rerun completes ...
    assert all(bool(c.get("prepared")) == from_prepared for c in rerun.values())
    fresh = tmp_path / "fresh.duckdb"
    load_all(fresh, Layout(data))
    assert snapshot(db) == snapshot(fresh)  # ... to exactly what a clean load gives
    assert snapshot(db) != before


ANALYST = """
import json, os, sys, time
import duckdb
link, stop, sql = sys.argv[1], sys.argv[2], sys.argv[3]
con, current = None, None
while not os.path.exists(stop):
    target = os.path.realpath(link)
    if target != current:   # a new snapshot was published: switch to it
        if con is not None:
            con.close()
        con, current = duckdb.connect(target, read_only=True), target
    print(json.dumps([os.path.basename(current)] + list(con.execute(sql).fetchone())), flush=True)
    time.sleep(0.02)
"""


def test_analyst_reads_old_then_new_state_while_a_load_runs(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_day(data, 5, 3000, 0)
    write_day(data, 5, 3000, 1)
    db = tmp_path / "w.duckdb"
    load_all(db, Layout(data))
    old = state(pointer(db))
    write_day(data, 5, 3000, 2)
    stop = tmp_path / "stop"
    errors = tmp_path / "analyst.err"   # a file, not a pipe: an unread stderr pipe could block the analyst
    with errors.open("w") as err_file:
        analyst = subprocess.Popen([sys.executable, "-c", ANALYST, str(pointer(db)), str(stop), STATE_SQL],
                                   stdout=subprocess.PIPE, stderr=err_file, text=True, env=_env())
    assert analyst.stdout is not None
    first = json.loads(analyst.stdout.readline())  # the analyst is connected and querying
    loader = subprocess.run([str(Path(sys.executable).parent / "pharmwatch"), "load", "--data", str(data),
                             "--db", str(db)], capture_output=True, text=True, env=_env(), timeout=600)
    # Keep reading until the analyst has queried the new snapshot (a fixed sleep is too short
    # on a loaded machine), then let it stop.
    rows = [first]
    deadline = time.monotonic() + 120
    while loader.returncode == 0 and rows[-1][0] == first[0] and time.monotonic() < deadline:
        line = analyst.stdout.readline()
        if not line:
            break
        rows.append(json.loads(line))
    stop.touch()
    # Read the rest through the same buffered stream: communicate() reads the raw pipe and
    # would miss, or split, lines readline() has already buffered.
    out = analyst.stdout.read()
    assert analyst.wait(timeout=60) == 0, errors.read_text()
    assert loader.returncode == 0, loader.stderr
    rows += [json.loads(line) for line in out.splitlines()]
    new = state(pointer(db))
    assert old != new and new[-1] > old[-1]
    seen = [r[1:] for r in rows]
    assert all(s in (old, new) for s in seen)  # never a half-loaded state
    switch = seen.index(new)
    assert switch > 1 and all(s == old for s in seen[:switch]) and all(s == new for s in seen[switch:])
    assert len({r[0] for r in rows}) == 2  # two snapshots: the one before, the one after


HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
sys.stdin.read()  # until the test closes our stdin
"""


def test_commands_say_the_warehouse_is_in_use_while_another_process_holds_it(tmp_path: Path) -> None:
    """DuckDB lets one process open a written file: a second load, a report, a live query get
    one clear line naming the holder, a failing exit status and no traceback; the warehouse is untouched."""
    db, data = tmp_path / "warehouse.duckdb", tmp_path / "data"
    write_day(data, 4, 120, 0)
    load_all(db, Layout(data))
    before = state(db)
    exe = str(Path(sys.executable).parent / "pharmwatch")
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        for args in (["load", "--data", str(data), "--db", str(db)],
                     ["report", "--db", str(db), "--out", str(tmp_path / "report")],
                     ["query", "--live", "--db", str(db), "SELECT count(*) FROM listing"],
                     ["prune-parts", "--db", str(db)]):
            proc = subprocess.run([exe, *args], capture_output=True, text=True, timeout=300,
                                  env=_env())
            assert proc.returncode != 0, (args, proc.stderr)
            assert "Traceback" not in proc.stderr, proc.stderr
            assert f"is in use by another process (PID {holder.pid}" in proc.stderr, proc.stderr
    finally:
        holder.communicate("", timeout=30)
    assert state(db) == before
