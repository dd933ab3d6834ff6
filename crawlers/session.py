"""Login credentials and persisted session cookies, per market.

Credentials: env `<PREFIX>_USERNAME` / `<PREFIX>_PASSWORD` (PREFIX defaults to
PHARMWATCH_<MARKET>), else an Airflow Connection (`AIRFLOW_CONN_<ID>` URI/JSON in the env, or
the metadata DB when running inside an Airflow worker). Never YAML, never argv, never logged.
Cookies: `DATA/sessions/<market>.json`, mode 0600, rewritten atomically.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

from crawlers.exceptions import SessionError
from crawlers.options import Login


def credentials(login: Login) -> tuple[str, str] | None:
    user = os.environ.get(f"{login.env_prefix}_USERNAME")
    password = os.environ.get(f"{login.env_prefix}_PASSWORD")
    if user and password:
        return user, password
    return _airflow_env(login.airflow_conn_id) or _airflow_db(login.airflow_conn_id)


def _airflow_env(conn_id: str) -> tuple[str, str] | None:
    raw = os.environ.get(f"AIRFLOW_CONN_{conn_id.upper()}", "").strip()
    if not raw:
        return None
    if raw.startswith("{"):
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise SessionError(f"AIRFLOW_CONN_{conn_id.upper()} is not valid JSON") from exc
        user, password = data.get("login"), data.get("password")
    else:
        parts = urlsplit(raw)
        user = unquote(parts.username or "")
        password = unquote(parts.password or "")
    return (user, password) if user and password else None


def _airflow_db(conn_id: str) -> tuple[str, str] | None:
    if not os.environ.get("AIRFLOW_CTX_DAG_ID"):
        return None  # not inside an Airflow task: do not import Airflow for nothing
    try:
        from airflow.sdk import BaseHook

        conn = BaseHook.get_connection(conn_id)
    except Exception:  # no such connection, or no Airflow: the caller reports missing credentials
        return None
    return (conn.login, conn.password) if conn.login and conn.password else None


def child_env(login: Login | None) -> dict[str, str]:
    """Credentials for the crawl subprocess, passed through its environment (not argv)."""
    if login is None:
        return {}
    found = credentials(login)
    if found is None:
        return {}
    return {f"{login.env_prefix}_USERNAME": found[0], f"{login.env_prefix}_PASSWORD": found[1]}


def cookie_path(data_dir: Path, market: str) -> Path:
    return Path(data_dir) / "sessions" / f"{market}.json"


def load_cookies(data_dir: Path, market: str) -> dict[str, str]:
    path = cookie_path(data_dir, market)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        cookies = data["cookies"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SessionError(f"{path}: unreadable session file ({exc}); "
                           f"run `pharmwatch session clear {market}`") from exc
    if not isinstance(cookies, dict) or not all(isinstance(v, str) for v in cookies.values()):
        raise SessionError(f"{path}: 'cookies' must map names to strings")
    return cookies


def save_cookies(data_dir: Path, market: str, cookies: dict[str, str], source: str) -> Path:
    path = cookie_path(data_dir, market)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    part = path.with_name(path.name + ".part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"market": market, "source": source, "cookies": cookies,
                   "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}, fh)
    os.replace(part, path)
    return path


def clear_cookies(data_dir: Path, market: str) -> bool:
    path = cookie_path(data_dir, market)
    if path.exists():
        path.unlink()
        return True
    return False
