"""Scale-out: the same DAGs under the CeleryExecutor, PostgreSQL as Airflow's metadata DB,
Redis as the broker, a real Celery worker; one market's chain (crawl -> extract -> load).

Needs PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres) and Redis on 127.0.0.1:6379:
skipped on a laptop without them, a failure in CI. A private database, Redis DB and queue
keep parallel test runs on a shared Redis from taking each other's tasks.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "airflow"))
from airflow_helpers import free_port, require_service  # noqa: E402

pytestmark = pytest.mark.e2e

MARKET, DATE = "boardex", "2026-11-23"


def _psql(sql: str) -> None:
    import psycopg2

    con = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    con.autocommit = True
    try:
        con.cursor().execute(sql)
    finally:
        con.close()


def _pharmwatch(*args: str, env: dict, timeout: float = 600):
    exe = Path(sys.executable).parent / "pharmwatch"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=env,
                          timeout=timeout)


@pytest.fixture(scope="module")
def celery_stack(tmp_path_factory):
    from pharmwatch.ops.api import AirflowClient

    require_service("127.0.0.1", 5432, "PostgreSQL")
    require_service("127.0.0.1", 6379, "Redis")
    tag = secrets.token_hex(4)
    db = f"pharmwatch_airflow_test_{tag}"
    _psql(f"CREATE DATABASE {db}")
    base = tmp_path_factory.mktemp("celery")
    home, data, port = base / "airflow", base / "data", free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update({"PHARMWATCH_RETRY_DELAY_SECONDS": "1", "PHARMWATCH_SANDBOX_LISTINGS": "100"})
    up = _pharmwatch("airflow", "up", "--home", str(home), "--data", str(data),
                     "--port", str(port), "--paused", "--executor", "celery",
                     "--db-url", f"postgresql://postgres@127.0.0.1:5432/{db}",
                     "--broker-url", f"redis://127.0.0.1:6379/{1 + secrets.randbelow(15)}",
                     "--queue", f"pharmwatch_test_{tag}", env=env)
    try:
        assert up.returncode == 0, up.stdout[-2000:] + up.stderr[-4000:]
        assert "celery worker" in up.stdout
        client = AirflowClient.for_home(f"http://127.0.0.1:{port}", home)
        yield {"client": client, "home": home, "data": data, "queue": f"pharmwatch_test_{tag}"}
    finally:
        _pharmwatch("airflow", "down", "--home", str(home), env=env, timeout=120)
        _psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


def test_one_market_chain_runs_on_celery_workers(celery_stack) -> None:
    client = celery_stack["client"]
    deadline = time.monotonic() + 120
    while f"crawl_{MARKET}" not in client.dag_ids():
        assert time.monotonic() < deadline, "DAGs never parsed"
        time.sleep(2)
    for dag_id in (f"crawl_{MARKET}", "pharmwatch_extract_load"):
        client.unpause(dag_id)
    client.trigger(f"crawl_{MARKET}", "celery-1", f"{DATE}T00:00:00Z", {"sandbox_seed": 5})
    run = client.wait_run(f"crawl_{MARKET}", "celery-1", timeout=400)
    assert run["state"] == "success", client.task_instances(f"crawl_{MARKET}", "celery-1")
    tis = client.task_instances(f"crawl_{MARKET}", "celery-1")
    assert {t["queue"] for t in tis} == {celery_stack["queue"]}  # routed through Celery
    assert all(t["hostname"] for t in tis)

    deadline, loaded = time.monotonic() + 400, None
    while loaded is None and time.monotonic() < deadline:
        for r in client.runs("pharmwatch_extract_load"):
            if r["state"] == "success":
                parts = client.xcom("pharmwatch_extract_load", r["dag_run_id"], "partitions")
                if any(p["market"] == MARKET and p["date"] == DATE for p in parts):
                    loaded = r
        time.sleep(3)
    assert loaded, "the staging Asset never triggered a successful extract_load"
    load_ti = next(t for t in client.task_instances("pharmwatch_extract_load",
                                                    loaded["dag_run_id"])
                   if t["task_id"] == "load")
    assert load_ti["queue"] == celery_stack["queue"] and load_ti["pool"] == "pharmwatch_warehouse"

    import duckdb

    for _ in range(30):  # a scheduled run's load may hold the write lock for a moment
        try:
            con = duckdb.connect(str(celery_stack["data"] / "warehouse.duckdb"), read_only=True)
            break
        except duckdb.IOException:
            time.sleep(2)
    try:
        n = con.execute("SELECT count(*) FROM crawl_run WHERE market = ? AND crawl_date = ?::DATE",
                        [MARKET, DATE]).fetchone()[0]
    finally:
        con.close()
    assert n == 1
