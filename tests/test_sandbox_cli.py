"""CLI commands and the saved fixtures staying in step with the generator."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from sandbox.cli import add_arguments
from sandbox.snapshot import save_fixtures
from sandbox.world import World

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "sandbox"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


def test_truth_command_writes_the_day(tmp_path: Path) -> None:
    out = tmp_path / "truth.jsonl"
    args = parse(["truth", "--listings", "120", "--seed", "4", "--day", "3", "--out", str(out)])
    assert args.func(args) == 0
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert lines == list(World(4, 120, day=3).truth())


def test_serve_refuses_public_host_with_clear_error(capsys) -> None:
    args = parse(["serve", "--host", "0.0.0.0", "--listings", "50"])
    assert args.func(args) == 2
    assert "loopback" in capsys.readouterr().err


def test_serve_prints_url_and_stops_on_sigterm(tmp_path: Path) -> None:
    code = "import sys; from sandbox.cli import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.Popen([sys.executable, "-c", code, "serve", "--listings", "60", "--truth",
                             str(tmp_path / "t.jsonl")], stdout=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url + "/robots.txt", timeout=10) as resp:
            assert b"Disallow" in resp.read()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert (tmp_path / "t.jsonl").stat().st_size > 0


def test_saved_fixtures_match_the_generator(tmp_path: Path) -> None:
    written = save_fixtures(tmp_path)
    for path in written + [tmp_path / "fixtures.json"]:
        assert (FIXTURES / path.name).read_bytes() == path.read_bytes(), \
            f"{path.name} is stale: run `python -m sandbox.snapshot` from the repo root"
