"""`pharmwatch session ...` and `pharmwatch evidence verify` (registered via EXTRA_COMMANDS)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pharmwatch.paths import Layout


def _data(value: str | None) -> Path:
    return Path(value).resolve() if value else Layout.default().root


def register(sub: argparse._SubParsersAction) -> None:
    session = sub.add_parser("session", help="hand over / inspect a market's login session")
    ssub = session.add_subparsers(dest="session_command", required=True)
    p = ssub.add_parser("set-cookie", help="store session cookies solved by hand (CAPTCHA)")
    p.add_argument("market")
    p.add_argument("--cookie", action="append", default=[], metavar="NAME=VALUE",
                   help="cookie to store (repeatable); omit to read NAME=VALUE lines from stdin")
    p.add_argument("--data", help="data directory (default $PHARMWATCH_DATA or ./data)")
    p.set_defaults(handler=_set_cookie)
    p = ssub.add_parser("show", help="list stored cookie names (values are never printed)")
    p.add_argument("market")
    p.add_argument("--data")
    p.set_defaults(handler=_show)
    p = ssub.add_parser("clear", help="forget a market's stored session")
    p.add_argument("market")
    p.add_argument("--data")
    p.set_defaults(handler=_clear)
    ev = sub.add_parser("evidence", help="check WARC evidence")
    esub = ev.add_subparsers(dest="evidence_command", required=True)
    p = esub.add_parser("verify", help="recompute every hash against the warehouse or staging")
    p.add_argument("--data", help="data directory (default $PHARMWATCH_DATA or ./data)")
    p.add_argument("--db", help="warehouse DuckDB file (default: check against staged items)")
    p.set_defaults(handler=_verify)


def _set_cookie(args: argparse.Namespace) -> int:
    from crawlers.config import load_market
    from crawlers.session import save_cookies

    load_market(args.market)  # a typo in the market name fails here, not at the next crawl
    pairs = args.cookie or [line.strip() for line in sys.stdin if line.strip()]
    cookies = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip():
            print(f"error: expected NAME=VALUE, got {pair.split('=')[0]!r}=...", file=sys.stderr)
            return 2
        cookies[name.strip()] = value.strip()
    path = save_cookies(_data(args.data), args.market, cookies, "operator")
    print(f"stored {len(cookies)} cookie(s) ({', '.join(sorted(cookies))}) for {args.market} in {path}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from crawlers.session import load_cookies

    names = sorted(load_cookies(_data(args.data), args.market))
    print(", ".join(names) if names else f"no stored session for {args.market}")
    return 0


def _clear(args: argparse.Namespace) -> int:
    from crawlers.session import clear_cookies

    print("cleared" if clear_cookies(_data(args.data), args.market) else "nothing stored")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from crawlers.verify import verify

    report = verify(_data(args.data), Path(args.db).resolve() if args.db else None)
    for problem in report.problems:
        print(f"MISMATCH {problem}")
    files = f", {report.checked_files} partition files" if args.db else ""
    print(f"{report.checked_records} WARC records and {report.checked_refs} recorded hashes{files} "
          f"checked: {'OK' if report.ok else f'{len(report.problems)} problem(s)'}")
    return 0 if report.ok else 1
