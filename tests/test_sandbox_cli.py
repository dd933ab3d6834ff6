"""CLI commands and the saved fixtures staying in step with the generator."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import urllib.error
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


def _serve(args: list[str]) -> tuple[subprocess.Popen, str]:
    code = "import sys; from sandbox.cli import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.Popen([sys.executable, "-c", code, "serve", *args], stdout=subprocess.PIPE,
                            text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return proc, proc.stdout.readline().strip()


def _status(url: str, data: bytes | None = None, cookie: str = "") -> tuple[int, bytes, str]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    req = urllib.request.Request(url, data=data, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.build_opener(NoRedirect).open(req, timeout=10) as resp:
            return resp.status, resp.read(), resp.headers.get("Set-Cookie") or ""
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers.get("Set-Cookie") or ""


def test_serve_chaos_and_captcha_flags_reach_the_server() -> None:
    from sandbox.chaos import Chaos

    world = World(3, 90)
    paths = [item.url_path for item in world.live_listings("nightbazaar")]
    plan = Chaos(3, 1.0)
    failing = next(p for p in paths if (plan.plan(p) or ("",))[0] in ("http_500", "http_503"))
    # Two servers: with chaos at 1.0 every silkgate page could be a fault too, which would
    # make the CAPTCHA check depend on which fault the plan picks.
    proc, url = _serve(["--listings", "90", "--seed", "3", "--chaos", "1.0"])
    try:
        assert _status(url + failing)[0] == int(plan.plan(failing)[0][5:])  # injected fault
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
    proc, url = _serve(["--listings", "90", "--seed", "3", "--captcha-every", "2"])
    try:
        status, _, cookie = _status(url + "/silkgate/login",
                                    b"username=u&password=sandbox-password")
        assert status == 303 and "sg_session=" in cookie
        token = cookie.split(";")[0]
        first = _status(url + "/silkgate/", cookie=token)[1]
        second = _status(url + "/silkgate/", cookie=token)[1]
        assert b"captcha" not in first and b'alt="captcha"' in second  # every 2nd request
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)


def test_serve_rejects_bad_chaos_and_captcha_values(capsys) -> None:
    import pytest

    for argv in (["serve", "--chaos", "1.5"], ["serve", "--chaos", "x"],
                 ["serve", "--captcha-every", "-1"]):
        with pytest.raises(SystemExit) as exc:
            parse(argv)
        assert exc.value.code == 2
        assert "expected" in capsys.readouterr().err
