"""Shared fixtures. Airflow reads AIRFLOW_HOME at import, so it is set before anything imports it."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="pharmwatch-airflow-"))
# One home per pytest process: removed when it exits so test runs do not pile up in /tmp.
atexit.register(shutil.rmtree, _AIRFLOW_HOME, ignore_errors=True)
os.environ["AIRFLOW_HOME"] = str(_AIRFLOW_HOME)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(ROOT / "dags")
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "False"
os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """A real Airflow metadata database (SQLite) for dag.test()."""
    airflow = Path(sys.executable).parent / "airflow"
    subprocess.run([str(airflow), "db", "migrate"], check=True, capture_output=True,
                   env=os.environ.copy(), timeout=300)
    return _AIRFLOW_HOME


@pytest.fixture(scope="session")
def staged_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., tuple[Path, Path]]:
    """Build a warehouse from staged files: `build(name, write)` makes a fresh directory `name`,
    lets `write(root)` put a staged (and extracted) world in it, loads every partition with the
    real loader (warehouse.load.load_all) into root/w.duckdb and returns (root, db). Each call
    builds its own warehouse; module-scoped fixtures call it once per test file."""
    from pharmwatch.paths import Layout
    from warehouse.load import load_all

    def build(name: str, write: Callable[[Path], object]) -> tuple[Path, Path]:
        root = tmp_path_factory.mktemp(name)
        write(root)
        db = root / "w.duckdb"
        load_all(db, Layout(root))
        return root, db

    return build


@pytest.fixture()
def sandbox_server() -> Iterator[object]:
    """A small sandbox world served on a free loopback port."""
    from sandbox.server import serve_in_thread
    from sandbox.world import World

    server = serve_in_thread(World(seed=11, listings=150, day=0), host="127.0.0.1", port=0)
    try:
        yield server
    finally:
        server.stop()


class SmtpInbox:
    """A real SMTP server (aiosmtpd) on a loopback port, keeping what it receives."""

    def __init__(self) -> None:
        import socket

        from aiosmtpd.controller import Controller
        from aiosmtpd.handlers import Message

        inbox = self

        class _Handler(Message):
            def handle_message(self, message) -> None:
                inbox.messages.append(message)

        with socket.socket() as s:  # aiosmtpd cannot bind port 0: it probes the port it is given
            s.bind(("127.0.0.1", 0))
            self.port: int = s.getsockname()[1]
        self.messages: list = []
        self._controller = Controller(_Handler(), hostname="127.0.0.1", port=self.port)

    @property
    def settings(self):
        from reports.deliver import SmtpSettings

        return SmtpSettings(host="127.0.0.1", port=self.port, sender="pharmwatch@example.invalid")

    def parsed(self, i: int = 0):
        import email
        import email.policy

        return email.message_from_bytes(self.messages[i].as_bytes(), policy=email.policy.default)


@pytest.fixture()
def smtp_inbox() -> Iterator[SmtpInbox]:
    box = SmtpInbox()
    box._controller.start()
    try:
        yield box
    finally:
        box._controller.stop()


@pytest.fixture(scope="session")
def extractor():
    """One loaded extraction pipeline for every NLP test module (loading costs seconds)."""
    from nlp.extract import Extractor

    return Extractor()
