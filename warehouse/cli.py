"""`pharmwatch load` and `pharmwatch query`: argument setup and commands returning exit codes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pharmwatch.paths import Layout
from warehouse.exceptions import WarehouseError
from warehouse.load import load_all, load_partition
from warehouse.query import format_table, run_query, write_csv


def configure_load_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=None, help="data directory (default PHARMWATCH_DATA)")
    parser.add_argument("--db", type=Path, default=None, help="warehouse file (default DATA/warehouse.duckdb)")
    parser.add_argument("--market", default=None)
    parser.add_argument("--date", default=None, help="crawl date YYYY-MM-DD")


def configure_query_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=None, help="warehouse file (default DATA/warehouse.duckdb)")
    parser.add_argument("sql")
    parser.add_argument("--csv", action="store_true", help="write CSV (formula-safe) instead of a table")


def _layout(args: argparse.Namespace) -> Layout:
    data = getattr(args, "data", None)
    return Layout(Path(data).resolve()) if data else Layout.default()


def load_command(args: argparse.Namespace) -> int:
    layout = _layout(args)
    db = args.db or layout.warehouse()
    if (args.market is None) != (args.date is None):
        print("error: give both --market and --date, or neither to load every partition", file=sys.stderr)
        return 2
    try:
        if args.market:
            counts = {f"{args.market}/{args.date}": load_partition(db, layout, args.market, args.date)}
        else:
            counts = load_all(db, layout)
    except WarehouseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for partition, c in counts.items():
        summary = ", ".join(f"{k}={v}" for k, v in sorted(c.items()))
        print(f"loaded {partition}: {summary}")
    if not counts:
        print(f"no partitions found under {layout.root}")
    return 0


def query_command(args: argparse.Namespace) -> int:
    db = args.db or Layout.default().warehouse()
    try:
        columns, rows = run_query(db, args.sql)
    except WarehouseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.csv:
        write_csv(columns, rows, sys.stdout)
    else:
        print(format_table(columns, rows))
    return 0
