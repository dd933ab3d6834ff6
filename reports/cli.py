"""`pharmwatch report`: argument setup and a command returning an exit code."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pharmwatch.exceptions import PharmwatchError
from pharmwatch.paths import Layout
from reports.weekly import render_report


def configure_report_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=None, help="warehouse file (default DATA/warehouse.duckdb)")
    parser.add_argument("--out", type=Path, default=None, help="output directory (default DATA/reports)")
    parser.add_argument("--week", default=None, help="ISO week, e.g. 2026-W47 (default: all data)")


def report_command(args: argparse.Namespace) -> int:
    layout = Layout.default()
    db = args.db or layout.warehouse()
    out = args.out or layout.reports()
    try:
        path = render_report(db, out, getattr(args, "week", None))
    except PharmwatchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"report written to {path}")
    return 0
