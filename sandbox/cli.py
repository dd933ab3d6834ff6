"""`pharmwatch sandbox serve|truth` (the lead wires these into the pharmwatch CLI)."""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType

from sandbox.exceptions import SandboxError
from sandbox.server import SandboxServer
from sandbox.world import World


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Adds `serve` and `truth` subcommands; each sets `func` to its command."""
    sub = parser.add_subparsers(dest="sandbox_command", required=True)
    serve = sub.add_parser("serve", help="serve the sandbox markets over HTTP on loopback")
    _world_args(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=0, help="0 picks a free port")
    serve.add_argument("--truth", default=None, help="also write the day's ground truth here (JSON Lines)")
    serve.add_argument("--force-bind", action="store_true", help="allow a non-loopback address (unsafe)")
    serve.add_argument("--chaos", type=_rate, default=0.0, metavar="RATE",
                       help="share of paths (0..1) with injected faults: 5xx, 429, slow, truncated")
    serve.add_argument("--captcha-every", type=_count, default=0, metavar="N",
                       help="a silkgate session meets a CAPTCHA after N requests (0: never)")
    serve.set_defaults(func=serve_command)
    truth = sub.add_parser("truth", help="write the ground truth of a simulated day as JSON Lines")
    _world_args(truth)
    truth.add_argument("--out", required=True)
    truth.set_defaults(func=truth_command)


def _world_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--listings", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--day", type=int, default=0)


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in 0..1, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in 0..1, got {text!r}")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return value


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt   # SIGTERM ends serve_forever the same way Ctrl-C does


def serve_command(args: argparse.Namespace) -> int:
    try:
        world = World(args.seed, args.listings, args.day)
        if args.truth:
            world.write_truth(args.truth)
        server = SandboxServer(world, args.host, args.port, force=getattr(args, "force_bind", False),
                               chaos=getattr(args, "chaos", 0.0),
                               captcha_every=getattr(args, "captcha_every", 0))
    except (SandboxError, OSError) as exc:
        print(f"sandbox: {exc}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _stop)
    print(server.base_url, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def truth_command(args: argparse.Namespace) -> int:
    try:
        path = World(args.seed, args.listings, args.day).write_truth(args.out)
    except (SandboxError, OSError) as exc:
        print(f"sandbox: {exc}", file=sys.stderr)
        return 2
    print(path)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox.cli")
    add_arguments(parser)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
