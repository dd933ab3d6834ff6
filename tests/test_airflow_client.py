"""The REST client and the laptop stack's settings, without starting Airflow's services."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pharmwatch.ops import api
from pharmwatch.ops.api import AirflowClient, ApiError
from pharmwatch.ops.local import StackConfig, stack_env


class _Flaky(BaseHTTPRequestHandler):
    """Answers HTTP 500 to the first `failures` requests, then 200 with a JSON body."""

    failures = 1
    slow = False  # fail by answering too late instead of with a 500
    calls: list[str] = []

    def _answer(self) -> None:
        type(self).calls.append(self.command)
        ok = len(type(self).calls) > type(self).failures
        if not ok and type(self).slow:
            time.sleep(0.5)
            ok = True  # the late answer goes nowhere: the client has given up
        body = b'{"ok": true}' if ok else b'{"detail": {"reason": "Database error"}}'
        self.send_response(200 if ok else 500)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PATCH = do_POST = _answer

    def log_message(self, *args) -> None:  # keep test output clean
        pass


@pytest.fixture()
def flaky(monkeypatch):
    monkeypatch.setattr(api, "RETRY_DELAY", 0.01)  # the real delay is seconds; the logic is not
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Flaky.calls, _Flaky.failures, _Flaky.slow = [], 1, False
    client = AirflowClient(f"http://127.0.0.1:{server.server_address[1]}", "u", "p")
    client._token = "t"  # no login round trip
    yield client
    server.shutdown()


def test_an_idempotent_request_is_sent_again_after_a_server_error(flaky):
    assert flaky.patch("/api/v2/dags/x", {"is_paused": False}) == {"ok": True}
    assert _Flaky.calls == ["PATCH", "PATCH"]


def test_an_idempotent_request_is_sent_again_after_no_answer_in_time(flaky, monkeypatch):
    monkeypatch.setattr(api, "TIMEOUT", 0.2)
    _Flaky.slow = True
    assert flaky.get("/api/v2/dags") == {"ok": True}
    assert _Flaky.calls == ["GET", "GET"]


def test_a_post_is_never_repeated(flaky):
    with pytest.raises(ApiError, match="HTTP 500"):
        flaky.post("/api/v2/dags/x/dagRuns", {})
    assert _Flaky.calls == ["POST"]


def test_retries_end_with_the_servers_error(flaky):
    _Flaky.failures = 99
    with pytest.raises(ApiError, match="Database error"):
        flaky.get("/api/v2/dags")
    assert _Flaky.calls == ["GET"] * api.RETRIES


@pytest.mark.parametrize("db_url,waits", [(None, True),
                                          ("postgresql://postgres@127.0.0.1:5432/x", False)])
def test_sqlite_stack_components_wait_for_the_write_lock(tmp_path, db_url, waits):
    """Every component of a SQLite stack gets connect args Airflow resolves to a long lock
    wait (SQLite's own 5 s lost API writes on a busy machine); a PostgreSQL stack none."""
    (tmp_path / "home").mkdir()
    env = stack_env(StackConfig(home=tmp_path / "home", data=tmp_path / "data", db_url=db_url))
    code = ("import json; from airflow.settings import _get_connect_args; "
            "print(json.dumps([_get_connect_args('sync'), _get_connect_args('async')]))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    sync, async_ = json.loads(out.stdout.strip().splitlines()[-1])
    if waits:
        assert sync["timeout"] >= 60 and async_["timeout"] >= 60
    else:
        assert "timeout" not in sync and "timeout" not in async_
