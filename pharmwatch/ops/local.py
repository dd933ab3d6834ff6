"""`pharmwatch airflow up|down|status`: Airflow on this machine, loopback only.

`airflow standalone` binds 0.0.0.0 and opens log servers on every interface, so the components
are started one by one instead: api-server on 127.0.0.1, scheduler, dag-processor, triggerer
(and a Celery worker with `--executor celery`), each without a log server (every component
runs here and reads task logs from AIRFLOW_HOME/logs). AIRFLOW_HOME defaults to
DATA/airflow. The same command starts the laptop stack (SQLite + LocalExecutor) or a Celery
stack (PostgreSQL metadata DB + Redis broker) that further machines can join with workers.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pharmwatch.exceptions import PharmwatchError
from pharmwatch.paths import Layout

REPO_ROOT = Path(__file__).resolve().parents[2]
STATE_FILE = "pharmwatch-stack.json"
SECRETS_FILE = "pharmwatch-secrets.json"
PASSWORDS_FILE = "simple_auth_manager_passwords.json.generated"
ADMIN_USER = "admin"
# SQLite's own default is to wait 5 s for a write lock. The laptop stack has four processes
# writing one file; on a loaded machine the API's PATCH lost that race ("Database error", HTTP
# 500) while the dag-processor wrote serialized DAGs. Airflow imports this dict by path.
SQLITE_CONNECT_ARGS: dict[str, object] = {"timeout": 120}


class StackError(PharmwatchError):
    """The local Airflow stack could not be started, stopped or reached."""


@dataclass
class StackConfig:
    home: Path
    data: Path
    port: int = 8080
    executor: str = "local"  # local | celery
    db_url: str | None = None  # None: SQLite in AIRFLOW_HOME
    broker_url: str = "redis://127.0.0.1:6379/0"
    queue: str = "pharmwatch"
    parallelism: int = 2
    paused: bool = False  # DAGs paused at creation (tests unpause what they run)
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _airflow_bin() -> str:
    return str(Path(sys.executable).parent / "airflow")


def _sqlalchemy_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg2://" + url.removeprefix("postgresql://")
    return url


def _secrets(home: Path) -> dict[str, str]:
    """Keys every component must share (JWTs for task tokens, fernet for connections);
    generated once per AIRFLOW_HOME and kept there, readable only by the owner."""
    path = home / SECRETS_FILE
    if path.exists():
        return json.loads(path.read_text())
    import base64

    values = {"jwt_secret": secrets.token_urlsafe(32), "api_secret": secrets.token_urlsafe(32),
              "fernet_key": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}
    path.touch(mode=0o600)
    path.write_text(json.dumps(values))
    return values


def stack_env(cfg: StackConfig) -> dict[str, str]:
    """Environment for every component: loopback URLs, modest parallelism, shared keys."""
    keys = _secrets(cfg.home)
    db_url = _sqlalchemy_url(cfg.db_url) if cfg.db_url else f"sqlite:///{cfg.home / 'airflow.db'}"
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(cfg.home),
        "PHARMWATCH_DATA": str(cfg.data),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": str(cfg.paused),
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor" if cfg.executor == "celery" else "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": str(cfg.parallelism),
        "AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG": str(cfg.parallelism),
        "AIRFLOW__CORE__FERNET_KEY": keys["fernet_key"],
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN_USER}:admin",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{cfg.url}/execution/",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": db_url,
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(cfg.port),
        "AIRFLOW__API__BASE_URL": cfg.url,
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__API__SECRET_KEY": keys["api_secret"],
        "AIRFLOW__API_AUTH__JWT_SECRET": keys["jwt_secret"],
        "AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES": "1",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "30",
        "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",  # its health server would listen
    }
    if not cfg.db_url:
        args = "pharmwatch.ops.local.SQLITE_CONNECT_ARGS"
        env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS"] = args
        env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS_ASYNC"] = args
    if cfg.executor == "celery":
        env.update({
            "AIRFLOW__CELERY__BROKER_URL": cfg.broker_url,
            # explicit driver: SQLAlchemy's default for postgresql:// is psycopg 3 here
            "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + _sqlalchemy_url(cfg.db_url or ""),
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(cfg.parallelism),
            "AIRFLOW__OPERATORS__DEFAULT_QUEUE": cfg.queue,
        })
    env.update(cfg.extra_env)
    return env


def components(cfg: StackConfig) -> dict[str, list[str]]:
    af = _airflow_bin()
    procs = {
        "api-server": [af, "api-server", "--host", "127.0.0.1", "--port", str(cfg.port)],
        "scheduler": [af, "scheduler", "--skip-serve-logs"],
        "dag-processor": [af, "dag-processor"],
        "triggerer": [af, "triggerer", "--skip-serve-logs"],
    }
    if cfg.executor == "celery":
        procs["celery-worker"] = worker_command(cfg)
    return procs


def worker_command(cfg: StackConfig) -> list[str]:
    """A Celery worker for this stack's queue (the same command joins from another machine)."""
    return [_airflow_bin(), "celery", "worker", "--skip-serve-logs", "--queues", cfg.queue,
            "--concurrency", str(cfg.parallelism)]


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _run_setup(cfg: StackConfig, env: dict[str, str]) -> None:
    log = cfg.home / "logs" / "setup.log"
    with log.open("a") as out:
        for cmd in ([_airflow_bin(), "db", "migrate"],
                    [sys.executable, "-c", "from pharmwatch.ops.local import ensure_pools; "
                                           "ensure_pools()"]):
            code = subprocess.run(cmd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, timeout=600).returncode
            if code != 0:
                raise StackError(f"{' '.join(cmd[1:3])} failed (exit {code}); see {log}")


def ensure_pools() -> None:
    """Create the pools the DAGs use (warehouse: 1 slot; one per crawl proxy). Existing pools
    keep the size an operator gave them."""
    from airflow.models.pool import Pool

    from pharmwatch.ops.dagspec import pools

    for name, slots in pools().items():
        if Pool.get_pool(name) is None:
            Pool.create_or_update_pool(name, slots, f"pharmwatch: {name}", include_deferred=False)


def up(cfg: StackConfig, wait_s: float = 240) -> dict:
    cfg.home.mkdir(parents=True, exist_ok=True)
    (cfg.home / "logs").mkdir(exist_ok=True)
    cfg.data.mkdir(parents=True, exist_ok=True)
    if _read_state(cfg.home):
        raise StackError(f"a stack is already recorded in {cfg.home / STATE_FILE}: "
                         "run `pharmwatch airflow down` first")
    if not _port_free(cfg.port):
        raise StackError(f"port 127.0.0.1:{cfg.port} is in use: pick another with --port")
    env = stack_env(cfg)
    _run_setup(cfg, env)
    state: dict = {"config": {k: str(v) if isinstance(v, Path) else v
                              for k, v in asdict(cfg).items() if k != "extra_env"},
                   "url": cfg.url, "pids": {}}
    for name, cmd in components(cfg).items():
        out = (cfg.home / "logs" / f"{name}.out").open("ab")
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=REPO_ROOT,
                                start_new_session=True)  # own group: down stops its children
        state["pids"][name] = proc.pid
        _write_state(cfg.home, state)
    try:
        state["health"] = wait_healthy(cfg.url, wait_s)
    except StackError:
        down(cfg.home)
        raise
    _write_state(cfg.home, state)
    return state


def wait_healthy(url: str, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/api/v2/monitor/health", timeout=5) as r:
                health = json.loads(r.read())
            last = health
            if all((health.get(k) or {}).get("status") == "healthy"
                   for k in ("metadatabase", "scheduler", "dag_processor", "triggerer")):
                return health
        except (OSError, urllib.error.URLError, ValueError) as exc:
            last = exc
        time.sleep(2)
    raise StackError(f"Airflow at {url} not healthy after {timeout:.0f}s: {last}")


def _read_state(home: Path) -> dict | None:
    path = home / STATE_FILE
    return json.loads(path.read_text()) if path.exists() else None


def _write_state(home: Path, state: dict) -> None:
    tmp = home / (STATE_FILE + ".part")
    tmp.write_text(json.dumps(state, indent=2))
    os.replace(tmp, home / STATE_FILE)


def _probe(kill: Callable[[int, int], None], ident: int) -> bool:
    """True while the process (os.kill) or process group (os.killpg) exists: signal 0 only checks."""
    try:
        kill(ident, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _alive(pid: int) -> bool:
    return _probe(os.kill, pid)


def _group_alive(pgid: int) -> bool:
    return _probe(os.killpg, pgid)


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass  # already gone


def _wait_gone(groups: Iterable[int], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(_group_alive(p) for p in groups):
        time.sleep(0.5)


def down(home: Path, grace_s: float = 30) -> list[str]:
    """Stop every process group `up` started (SIGTERM, then SIGKILL after the grace time)."""
    state = _read_state(home)
    if not state:
        return []
    groups = dict(state["pids"])
    for pid in groups.values():
        _signal_group(pid, signal.SIGTERM)
    _wait_gone(groups.values(), grace_s)
    for pid in groups.values():
        if _group_alive(pid):
            _signal_group(pid, signal.SIGKILL)
    # A killed process is gone only once the kernel has torn it down: `down` returns when
    # nothing it started is left (a caller checking right after saw a group still there).
    _wait_gone(groups.values(), 10)
    (home / STATE_FILE).unlink(missing_ok=True)
    return sorted(groups)


def status(home: Path) -> dict:
    state = _read_state(home)
    if not state:
        return {"running": False}
    procs = {name: _alive(pid) for name, pid in state["pids"].items()}
    try:
        health: object = wait_healthy(state["url"], 1)
    except StackError as exc:
        health = str(exc)
    return {"running": any(procs.values()), "url": state["url"], "processes": procs,
            "health": health}


# --- CLI ------------------------------------------------------------------------------------

def _home(args: argparse.Namespace) -> Path:
    if args.home:
        return Path(args.home).resolve()
    data = Path(args.data).resolve() if getattr(args, "data", None) else Layout.default().root
    return data / "airflow"


def _up_command(args: argparse.Namespace) -> int:
    data = Path(args.data).resolve() if args.data else Layout.default().root
    cfg = StackConfig(home=_home(args), data=data, port=args.port, executor=args.executor,
                      db_url=args.db_url, broker_url=args.broker_url, queue=args.queue,
                      parallelism=args.parallelism, paused=args.paused)
    if cfg.executor == "celery" and not cfg.db_url:
        raise StackError("--executor celery needs --db-url postgresql://... (SQLite cannot "
                         "be shared with workers)")
    state = up(cfg, wait_s=args.wait)
    print(f"Airflow is up: {cfg.url}  (API server, scheduler, dag-processor, triggerer"
          f"{', celery worker' if cfg.executor == 'celery' else ''}; 127.0.0.1 only)")
    print(f"login: {ADMIN_USER}, password in {cfg.home / PASSWORDS_FILE}")
    print(f"AIRFLOW_HOME={cfg.home}  data={cfg.data}  component logs: {cfg.home / 'logs'}")
    print(f"pids: {state['pids']}")
    print("stop with: pharmwatch airflow down" + (f" --home {cfg.home}" if args.home else ""))
    return 0


def _down_command(args: argparse.Namespace) -> int:
    stopped = down(_home(args))
    print("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))
    return 0


def _status_command(args: argparse.Namespace) -> int:
    st = status(_home(args))
    print(json.dumps(st, indent=2, default=str))
    return 0 if st.get("running") else 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("airflow", help="start, stop or inspect a local Airflow (127.0.0.1 only)")
    verbs = p.add_subparsers(dest="airflow_command", required=True)
    for name, handler, text in (("up", _up_command, "start Airflow's components"),
                                ("down", _down_command, "stop every process `up` started"),
                                ("status", _status_command, "processes and health")):
        v = verbs.add_parser(name, help=text)
        v.add_argument("--home", help="AIRFLOW_HOME (default DATA/airflow)")
        v.add_argument("--data", help="data directory (default $PHARMWATCH_DATA or ./data)")
        v.set_defaults(handler=handler)
        if name == "up":
            v.add_argument("--port", type=int, default=8080, help="API server port on 127.0.0.1")
            v.add_argument("--executor", choices=("local", "celery"), default="local")
            v.add_argument("--db-url", help="metadata DB, e.g. postgresql://postgres@127.0.0.1:5432/airflow"
                                            " (default SQLite in AIRFLOW_HOME)")
            v.add_argument("--broker-url", default="redis://127.0.0.1:6379/0",
                           help="Celery broker (celery executor)")
            v.add_argument("--queue", default="pharmwatch", help="Celery queue of this stack")
            v.add_argument("--parallelism", type=int, default=2, help="task slots (2-core laptop: 2)")
            v.add_argument("--paused", action="store_true", help="new DAGs start paused")
            v.add_argument("--wait", type=float, default=240, help="seconds to wait for health")
