"""A small client for Airflow's REST API v2 (JWT from /auth/token), for scripts and tests."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from pharmwatch.exceptions import PharmwatchError

TERMINAL = {"success", "failed"}


IDEMPOTENT = frozenset({"GET", "PATCH", "PUT", "DELETE"})
RETRIES = 4
RETRY_DELAY = 2.0  # seconds, times the attempt number
TIMEOUT = 30.0  # seconds for one answer


class ApiError(PharmwatchError):
    """The Airflow API answered with an error or not at all."""


class _ServerError(Exception):
    """HTTP 5xx or no answer in time: worth one more try for an idempotent request."""


class AirflowClient:
    def __init__(self, url: str, username: str, password: str) -> None:
        self.url = url.rstrip("/")
        self._auth = {"username": username, "password": password}
        self._token: str | None = None

    @classmethod
    def for_home(cls, url: str, home: Path, username: str = "admin") -> "AirflowClient":
        """Log in with the password the simple auth manager generated in AIRFLOW_HOME."""
        from pharmwatch.ops.local import PASSWORDS_FILE

        passwords = json.loads((Path(home) / PASSWORDS_FILE).read_text())
        return cls(url, username, passwords[username])

    def _request(self, method: str, path: str, body: Any = None, auth: bool = True) -> Any:
        # An idempotent request that met a server error is sent again: on the SQLite laptop
        # stack a write can lose a lock race ("Database error", HTTP 500) and succeed a
        # moment later. POSTs are never repeated (a trigger or a clear could run twice).
        attempts = RETRIES if method in IDEMPOTENT else 1
        for attempt in range(1, attempts + 1):
            try:
                return self._send(method, path, body, auth)
            except _ServerError as exc:
                if attempt == attempts:
                    raise ApiError(str(exc)) from exc
                time.sleep(RETRY_DELAY * attempt)
        raise AssertionError("unreachable")

    def _send(self, method: str, path: str, body: Any, auth: bool) -> Any:
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {self.token()}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT) as r:
                raw = r.read()
        except urllib.error.HTTPError as exc:
            message = f"{method} {path}: HTTP {exc.code}: {exc.read()[:500]!r}"
            if exc.code >= 500:
                raise _ServerError(message) from exc
            raise ApiError(message) from exc
        except (TimeoutError, urllib.error.URLError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(exc, TimeoutError) or isinstance(reason, TimeoutError):
                # A write queued behind SQLite's lock answers late; repeating it is safe.
                raise _ServerError(f"{method} {path}: timed out") from exc
            raise ApiError(f"{method} {path}: {exc}") from exc
        except OSError as exc:
            raise ApiError(f"{method} {path}: {exc}") from exc
        return json.loads(raw) if raw else None

    def token(self) -> str:
        if self._token is None:
            self._token = self._request("POST", "/auth/token", self._auth, auth=False)[
                "access_token"]
        return self._token

    def get(self, path: str) -> Any:
        return self._request("GET", path)

    def post(self, path: str, body: Any) -> Any:
        return self._request("POST", path, body)

    def patch(self, path: str, body: Any) -> Any:
        return self._request("PATCH", path, body)

    def dag_ids(self) -> list[str]:
        return sorted(d["dag_id"] for d in self.get("/api/v2/dags?limit=1000")["dags"])

    def unpause(self, dag_id: str) -> None:
        self.patch(f"/api/v2/dags/{dag_id}", {"is_paused": False})

    def trigger(self, dag_id: str, run_id: str, logical_date: str, conf: dict) -> dict:
        return self.post(f"/api/v2/dags/{dag_id}/dagRuns",
                         {"dag_run_id": run_id, "logical_date": logical_date, "conf": conf})

    def runs(self, dag_id: str) -> list[dict]:
        return self.get(f"/api/v2/dags/{dag_id}/dagRuns?limit=100")["dag_runs"]

    def wait_run(self, dag_id: str, run_id: str, timeout: float = 300) -> dict:
        deadline = time.monotonic() + timeout
        run: dict = {}
        while time.monotonic() < deadline:
            run = self.get(f"/api/v2/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id)}")
            if run["state"] in TERMINAL:
                return run
            time.sleep(3)
        raise ApiError(f"{dag_id} run {run_id} still {run.get('state')} after {timeout:.0f}s")

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        return self.get(f"/api/v2/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id)}"
                        "/taskInstances")["task_instances"]

    def xcom(self, dag_id: str, run_id: str, task_id: str, key: str = "return_value") -> Any:
        return self.get(f"/api/v2/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id)}"
                        f"/taskInstances/{task_id}/xcomEntries/{key}")["value"]

    def clear(self, dag_id: str, run_id: str) -> Any:
        """Clear every task of a run (the UI's "Clear"): the scheduler runs them again."""
        return self.post(f"/api/v2/dags/{dag_id}/clearTaskInstances",
                         {"dag_run_id": run_id, "dry_run": False, "only_failed": False,
                          "reset_dag_runs": True})
