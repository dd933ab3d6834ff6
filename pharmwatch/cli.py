"""The `pharmwatch` command: one entry point for every stage.

Each subcommand parses its arguments here and hands over to one function of the package
that owns the stage; the packages are imported lazily so `pharmwatch --help` stays fast and
a broken optional stage does not stop the others.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pharmwatch.exceptions import PharmwatchError
from pharmwatch.paths import Layout

Handler = Callable[[argparse.Namespace], int]


def _data_dir(value: str | None) -> Path:
    return Path(value).resolve() if value else Layout.default().root


def _add_sandbox(sub: argparse._SubParsersAction) -> None:
    from sandbox import cli as sandbox_cli

    p = sub.add_parser("sandbox", help="serve the sandbox marketplaces or write their ground truth")
    sandbox_cli.add_arguments(p)  # adds `serve` and `truth`, each setting `func`


def _crawl_command(args: argparse.Namespace) -> int:
    from crawlers.run import list_markets, run_crawl

    markets = args.market or list_markets()
    for market in markets:
        stats = run_crawl(market, args.base_url, args.date, _data_dir(args.data),
                          workers=args.workers, frontier=args.frontier)
        print(f"{market}: {stats.get('listings', 0)} listings, {stats.get('sellers', 0)} sellers, "
              f"{stats.get('errors', 0)} errors, {stats.get('pages', 0)} pages")
    return 0


def _add_crawl(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("crawl", help="crawl markets into the staging area (Scrapy, own process)")
    p.add_argument("--market", action="append", help="market name (repeatable; default: all configured)")
    p.add_argument("--base-url", required=True, help="base URL substituted into the market config")
    p.add_argument("--date", default=_today(), help="crawl date YYYY-MM-DD (UTC; default today)")
    p.add_argument("--data", help="data directory (default $PHARMWATCH_DATA or ./data)")
    p.add_argument("--workers", type=int, default=1,
                   help="crawler processes sharing one Redis frontier (scrapy-redis)")
    p.add_argument("--frontier", help="Redis URL of the shared frontier "
                                      "(default redis://127.0.0.1:6379/0)")
    p.set_defaults(handler=_crawl_command)


# (command, help, module, function adding its arguments, function running it)
_DELEGATED = (
    ("extract", "extract drugs, sellers, places, prices from JSON Lines records",
     "nlp.cli", "add_arguments", "extract_command"),
    ("load", "load staged + extracted partitions into the DuckDB warehouse",
     "warehouse.cli", "configure_load_parser", "load_command"),
    ("prepare", "parse, type and check staged partitions into Parquet the load inserts in bulk",
     "warehouse.cli", "configure_prepare_parser", "prepare_command"),
    ("query", "run SQL on the warehouse (read-only)",
     "warehouse.cli", "configure_query_parser", "query_command"),
    ("report", "write the HTML report from the warehouse",
     "reports.cli", "configure_report_parser", "report_command"),
)


def _add_delegated(sub: argparse._SubParsersAction) -> None:
    """Commands whose arguments and behaviour live entirely in their stage package."""
    import importlib

    for name, help_text, module_name, configure, command in _DELEGATED:
        module = importlib.import_module(module_name)
        p = sub.add_parser(name, help=help_text)
        getattr(module, configure)(p)
        p.set_defaults(handler=getattr(module, command))


def _run_command(args: argparse.Namespace) -> int:
    from pharmwatch.pipeline import RunConfig, run_all

    result = run_all(RunConfig(
        db=Path(args.db).resolve(), out=Path(args.out).resolve(),
        data=Path(args.data).resolve() if args.data else Path(args.db).resolve().parent / "data",
        listings=args.listings, seed=args.seed, day=args.day, date=args.date,
        base_url=args.base_url,
    ))
    print(result.summary())
    return 0 if result.ok else 1


def _add_run(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="run every stage once against a sandbox started on a free port")
    p.add_argument("--db", required=True, help="DuckDB file to create or update")
    p.add_argument("--out", required=True, help="directory for the report")
    p.add_argument("--data", help="data directory for staging/evidence (default: next to --db, 'data')")
    p.add_argument("--listings", type=int, default=600, help="sandbox size (listings)")
    p.add_argument("--seed", type=int, default=7, help="sandbox seed")
    p.add_argument("--day", type=int, default=0, help="sandbox simulated day")
    p.add_argument("--date", default=_today(), help="crawl date YYYY-MM-DD (default today, UTC)")
    p.add_argument("--base-url", help="crawl this server instead of starting a sandbox")
    p.set_defaults(handler=_run_command)


def _today() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).date().isoformat()


# Further subcommands, as "module:function" taking the subparsers object. Each stage package
# registers its own commands here with one line, so packages grow without editing this file.
EXTRA_COMMANDS: tuple[str, ...] = (
    "nlp.cli:register",
    "pharmwatch.ops.local:register",
    "warehouse.cli:register",
    "crawlers.cli:register",
)


def _register_extra(sub: argparse._SubParsersAction) -> None:
    import importlib

    for spec in EXTRA_COMMANDS:
        module, func = spec.split(":")
        getattr(importlib.import_module(module), func)(sub)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pharmwatch",
        description="Watch online marketplaces for illicit pharmaceutical trade.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (_add_sandbox, _add_crawl, _add_delegated, _add_run):
        add(sub)
    _register_extra(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # spaCy logs to its own handler, and through the root one too: each line twice. Its INFO
    # lines ("Created vocabulary") say nothing to a user and would be mixed into the JSON
    # reports `pharmwatch extract` writes on stderr.
    spacy_log = logging.getLogger("spacy")
    spacy_log.setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    spacy_log.propagate = False
    handler: Handler = getattr(args, "handler", None) or args.func
    try:
        return handler(args)
    except PharmwatchError as exc:
        print(f"pharmwatch: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
