"""`pharmwatch extract [--input FILE] [--output FILE]`: JSON Lines (or CSV) in and out."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from nlp.exceptions import InputLineError, InputRecordError
from nlp.jsonl import read_records
from nlp.tabular import parse_columns, read_csv_records, write_csv_records

if TYPE_CHECKING:  # spaCy's import (~2 s) only for the commands that extract, not every one
    from nlp.extract import Extractor

BATCH_SIZE = 256  # records per nlp.pipe batch (the pipeline config's batch_size)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", default="-", help="JSON Lines or CSV file (default: stdin)")
    parser.add_argument("--output", default="-", help="JSON Lines or CSV file (default: stdout)")
    parser.add_argument("--model", default=None, help="saved pipeline directory (nlp.to_disk)")
    for side in ("input", "output"):
        parser.add_argument(f"--{side}-format", choices=("auto", "jsonl", "csv"), default="auto",
                            help=f"{side} format (auto: csv for a .csv file, else JSON Lines)")
    parser.add_argument("--columns", default=None, metavar="KEY=COL[+COL],...",
                        help="CSV input: which columns are a record's keys or fields, e.g. "
                             "text=product+description,seller=vendor,ships_from=origin "
                             "(columns already named so need no mapping)")


def _format(given: str, path: str) -> str:
    return given if given != "auto" else ("csv" if path.lower().endswith(".csv") else "jsonl")


def _report(err: InputRecordError, line_no: int) -> None:
    # One JSON error object per bad line on stderr: nothing is lost, good lines still flow.
    reason = err.reason if isinstance(err, InputLineError) else str(err)
    sys.stderr.write(json.dumps({"error": "bad_input", "line": line_no, "reason": reason}) + "\n")


def run(extractor: Extractor, src: IO[str], dst: IO[str], batch_size: int = BATCH_SIZE,
        reader: Callable[[IO[str]], Iterator[tuple[int, Any]]] = read_records,
        csv_out: bool = False) -> tuple[int, int]:
    """Extract every good line, in batches (the listing classifier scores a batch at once);
    returns (bad lines skipped, records written with an extraction `error`). Output keeps the
    input's order and is written a batch at a time; `reader` reads JSON Lines or CSV rows."""
    bad = failed = 0
    line_of: list[int] = []  # position among the parsed records -> input line number

    def records() -> Iterator[dict]:
        nonlocal bad
        for line_no, item in reader(src):
            if isinstance(item, InputLineError):
                bad += 1
                _report(item, line_no)
                continue
            line_of.append(line_no)
            yield item

    def reject(position: int, _record: object, exc: InputRecordError) -> None:
        nonlocal bad
        bad += 1
        _report(exc, line_of[position])

    def outputs() -> Iterator[dict]:
        nonlocal failed
        for out in extractor.extract_many(records(), batch_size=batch_size, rejects=reject):
            failed += out["error"] is not None  # written all the same, with its `error`
            yield out

    if csv_out:
        write_csv_records(outputs(), dst)
    else:
        for out in outputs():
            dst.write(json.dumps(out, ensure_ascii=False) + "\n")
    return bad, failed


def extract_command(args: argparse.Namespace) -> int:
    """Exit 0 when every line was extracted, 1 when some lines were bad or some records failed
    (written with their `error`), 2 on I/O error."""
    csv_in = _format(getattr(args, "input_format", "auto"), args.input) == "csv"
    csv_out = _format(getattr(args, "output_format", "auto"), args.output) == "csv"
    try:
        columns = parse_columns(getattr(args, "columns", None))
    except InputRecordError as exc:
        sys.stderr.write(f"pharmwatch extract: {exc}\n")
        return 2
    reader = (lambda stream: read_csv_records(stream, columns)) if csv_in else read_records
    try:
        # newline="": the csv module reads and writes line ends inside quoted cells itself
        src = sys.stdin if args.input == "-" else open(args.input, encoding="utf-8", newline="")
        dst = (sys.stdout if args.output == "-"
               else open(args.output, "w", encoding="utf-8", newline="" if csv_out else None))
    except OSError as exc:
        sys.stderr.write(f"pharmwatch extract: {exc}\n")
        return 2
    from nlp.extract import Extractor

    try:
        bad, failed = run(Extractor(model_path=getattr(args, "model", None)), src, dst,
                          reader=reader, csv_out=csv_out)
    except InputRecordError as exc:  # a CSV header without a mapped column
        sys.stderr.write(f"pharmwatch extract: {exc}\n")
        return 2
    finally:
        for fh in (src, dst):
            if fh not in (sys.stdin, sys.stdout):
                fh.close()
    if bad:
        sys.stderr.write(f"pharmwatch extract: {bad} bad input line(s) skipped\n")
    if failed:
        sys.stderr.write(f"pharmwatch extract: {failed} record(s) failed, written with their "
                         f"`error`\n")
    return 1 if bad or failed else 0


def evaluate_command(args: argparse.Namespace) -> int:
    """Print per-field P/R/F1 on every gold set, plus the drug class confusion."""
    from nlp.evaluate import evaluate_all
    from nlp.extract import Extractor

    sandbox = None if args.no_sandbox else (args.seed, args.listings)
    evaluate_all(Path(args.data_dir), Extractor(model_path=args.model), sandbox=sandbox,
                 agora_limit=args.agora_limit, unseen_folds=args.unseen_vendors)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """`pharmwatch evaluate` (wired through pharmwatch.cli.EXTRA_COMMANDS)."""
    from nlp.evaluate import DEFAULT_DATA_DIR

    p = sub.add_parser("evaluate", help="score extraction against the gold files and a sandbox world")
    p.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR),
                   help="folder with pages_dev_gold.jsonl, agora2014_dev.csv, dream2017_cocaine.csv")
    p.add_argument("--seed", type=int, default=7, help="sandbox world seed")
    p.add_argument("--listings", type=int, default=300, help="sandbox world size")
    p.add_argument("--no-sandbox", action="store_true", help="skip the sandbox world")
    p.add_argument("--agora-limit", type=int, default=None, help="first N Agora rows only")
    p.add_argument("--model", default=None, help="saved pipeline directory (nlp.to_disk)")
    p.add_argument("--unseen-vendors", type=int, default=None, metavar="FOLDS",
                   help="also score Agora with a classifier that never saw the row's vendor "
                        "(FOLDS vendor-grouped folds, as the held-out split will be)")
    p.set_defaults(handler=evaluate_command)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pharmwatch extract")
    add_arguments(parser)
    return extract_command(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
