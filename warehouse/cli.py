"""`pharmwatch load`, `pharmwatch query` and `pharmwatch export`: arguments and commands."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import duckdb

from pharmwatch.paths import Layout
from warehouse.alerts import latest_week
from warehouse.db import connect
from warehouse.exceptions import QueryError, WarehouseError
from warehouse.load import all_partitions, load_all, load_partition
from warehouse.prepared import prepare_partitions
from warehouse.publish import readable
from warehouse.query import (analyst_query_names, bind_saved, format_table, needed_params,
                             report_internal, run_query, run_query_arrow, saved_query, write_csv,
                             write_json)

FORMATS = ("table", "csv", "json", "parquet")
_WEEK = re.compile(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$")


def _add_partition_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=None, help="data directory (default PHARMWATCH_DATA)")
    parser.add_argument("--market", default=None)
    parser.add_argument("--date", default=None, help="crawl date YYYY-MM-DD")


def configure_load_parser(parser: argparse.ArgumentParser) -> None:
    _add_partition_args(parser)
    parser.add_argument("--db", type=Path, default=None, help="warehouse file (default DATA/warehouse.duckdb)")


def configure_prepare_parser(parser: argparse.ArgumentParser) -> None:
    _add_partition_args(parser)
    parser.add_argument("--workers", type=int, default=1,
                        help="partitions prepared at once, one process each (default 1)")


def _one_or_all(args: argparse.Namespace, verb: str) -> bool:
    """--market and --date name one partition; neither means all. One without the other is an error."""
    if (args.market is None) != (args.date is None):
        print(f"error: give both --market and --date, or neither to {verb} every partition", file=sys.stderr)
        return False
    return True


def _print_counts(done: str, counts: dict[str, dict], layout: Layout) -> None:
    for partition, c in counts.items():
        print(f"{done} {partition}: " + ", ".join(f"{k}={v}" for k, v in sorted(c.items())))
    if not counts:
        print(f"no partitions found under {layout.root}")


def prepare_command(args: argparse.Namespace) -> int:
    """Parse, type and check staged partitions into prepared/ Parquet, without the warehouse."""
    layout = _layout(args)
    if not _one_or_all(args, "prepare"):
        return 2
    partitions = [(args.market, args.date)] if args.market else all_partitions(layout)
    try:
        manifests = prepare_partitions(layout, partitions, workers=max(1, args.workers))
    except WarehouseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    _print_counts("prepared", {f"{m['market']}/{m['date']}": m["counts"] for m in manifests}, layout)
    return 0


def configure_query_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=None, help="warehouse file (default DATA/warehouse.duckdb)")
    parser.add_argument("sql", nargs="?", help="free SQL (read-only); or use --saved NAME")
    parser.add_argument("--saved", help="saved query: " + ", ".join(analyst_query_names()))
    parser.add_argument("--week", help="ISO week for saved queries, e.g. 2026-W47 (default: the newest crawled)")
    parser.add_argument("--handle", help="seller handle for --saved seller")
    parser.add_argument("--listing", help="listing key market:listing_id for --saved price-history")
    parser.add_argument("--min-score", dest="min_score", help="for --saved flagged")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="bind $NAME in the query (repeatable)")
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("--csv", action="store_true", help="same as --format csv (formula-safe)")
    parser.add_argument("--output", type=Path, help="write here instead of stdout (required for parquet)")
    parser.add_argument("--live", action="store_true",
                        help="read the working file instead of the published snapshot")


def _layout(args: argparse.Namespace) -> Layout:
    data = getattr(args, "data", None)
    return Layout(Path(data).resolve()) if data else Layout.default()


def load_command(args: argparse.Namespace) -> int:
    layout = _layout(args)
    db = args.db or layout.warehouse()
    if not _one_or_all(args, "load"):
        return 2
    try:
        if args.market:
            counts = {f"{args.market}/{args.date}": load_partition(db, layout, args.market, args.date)}
        else:
            counts = load_all(db, layout)
    except WarehouseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    _print_counts("loaded", counts, layout)
    return 0


def _params(args: argparse.Namespace) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in getattr(args, "param", None) or []:
        name, sep, value = item.partition("=")
        if not sep or not re.match(r"^[a-z_][a-z0-9_]*$", name):
            raise QueryError(f"--param {item!r}: expected NAME=VALUE")
        params[name] = value
    for name in ("week", "handle", "listing", "min_score"):
        if getattr(args, name, None) is not None:
            params[name] = getattr(args, name)
    if "week" in params and not _WEEK.match(params["week"]):
        raise QueryError(f"invalid ISO week {params['week']!r}: expected YYYY-Www, e.g. 2026-W47")
    return params


def _newest_week(source: Path) -> str | None:
    con = connect(source, read_only=True)
    try:
        return latest_week(con)
    except duckdb.Error as exc:
        raise QueryError(f"cannot read the newest week from {source}: {exc}") from exc
    finally:
        con.close()


def _statement(args: argparse.Namespace, source: Path) -> tuple[str, dict[str, str]]:
    params = _params(args)
    if getattr(args, "saved", None):
        if args.sql:
            raise QueryError("give either SQL or --saved NAME, not both")
        if report_internal(args.saved):
            raise QueryError(f"saved query {args.saved!r} is a section of the weekly report (it reads the "
                             "report's temp tables): run `pharmwatch report` instead")
        if "week" not in params and "week" in needed_params(saved_query(args.saved)):
            # Without --week, the week an analyst most often wants: the newest one crawled.
            week = _newest_week(source)
            if week is None:
                raise QueryError(f"saved query {args.saved!r} needs --week (the warehouse holds no crawl yet)")
            params["week"] = week
            print(f"week: {week} (the newest crawled; --week WEEK for another)", file=sys.stderr)
        return bind_saved(args.saved, params)
    if not args.sql:
        raise QueryError("give SQL or --saved NAME")
    return args.sql, params


def query_command(args: argparse.Namespace) -> int:
    db = args.db or Layout.default().warehouse()
    source = db if getattr(args, "live", False) else readable(db)
    fmt = "csv" if getattr(args, "csv", False) else getattr(args, "format", "table")
    output = getattr(args, "output", None)
    try:
        sql, params = _statement(args, source)
        if fmt == "parquet":
            if output is None:
                raise QueryError("--format parquet needs --output FILE")
            import pyarrow.parquet as pq

            pq.write_table(run_query_arrow(source, sql, params), output)
            return 0
        columns, rows = run_query(source, sql, params)
    except WarehouseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    stream = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        if fmt == "csv":
            write_csv(columns, rows, stream)
        elif fmt == "json":
            write_json(columns, rows, stream)
        else:
            print(format_table(columns, rows), file=stream)
    finally:
        if output:
            stream.close()
    return 0


def configure_export_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, required=True, help="warehouse file")
    parser.add_argument("--out", type=Path, required=True, help="directory for the Parquet dataset")
    parser.add_argument("--live", action="store_true", help="export the working file, not the snapshot")


def export_command(args: argparse.Namespace) -> int:
    from warehouse.export import export_marts

    source = args.db if args.live else readable(args.db)
    try:
        counts = export_marts(source, args.out)
    except WarehouseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for table, n in counts.items():
        print(f"exported {table}: {n} rows")
    return 0


def prune_command(args: argparse.Namespace) -> int:
    from warehouse.prune import prune_parts

    try:
        report = prune_parts(args.db, dry_run=args.dry_run)
    except WarehouseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    verb = "would remove" if args.dry_run else "removed"
    for path in report.removed:
        print(f"{verb} {path}")
    print(f"{verb} {len(report.removed)} unregistered partition files ({report.bytes_removed / 2**20:,.1f} MiB); "
          f"kept {report.kept} registered by the warehouse or its {report.snapshots} published snapshots")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Extra subcommands (pharmwatch/cli.py EXTRA_COMMANDS)."""
    p = sub.add_parser("export", help="write the warehouse marts as Hive-partitioned Parquet")
    configure_export_parser(p)
    p.set_defaults(handler=export_command)
    p = sub.add_parser("prune-parts", help="remove partition files that neither the warehouse nor "
                                           "a kept snapshot registers (run when no load runs)")
    p.add_argument("--db", required=True, help="the warehouse file (its <stem>.parts folder is pruned)")
    p.add_argument("--dry-run", action="store_true", help="list what would be removed, remove nothing")
    p.set_defaults(handler=prune_command)
