"""Extraction time of hostile records as they grow: is it linear in the record's length?

    .venv/bin/python bench/hostile_text.py [--sizes 12500 25000 50000 100000]
                                           [--against CHECKOUT --against-max 20000]

Each record is one run repeated to N characters (a long run of digits, of punctuation, of
emoji...). The baseline, in the same run and process, is ordinary listing text (sandbox
listings joined) cut to the same N. Printed per run and size: seconds, x the baseline, and the
growth from the previous size (x2 in length: ~2 is linear, ~4 quadratic). With --against,
the same records through another checkout (e.g. a `git worktree` of an older commit, run with
this venv), only up to --against-max characters (25,000): a quadratic run of 100,000 characters takes
that code many minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, the repository comes first, not bench/; --against runs this file again with
# BENCH_CODE set to the other checkout, which it then imports instead.
CODE = Path(os.environ.get("BENCH_CODE", ROOT))
sys.path[0] = str(CODE)


def runs() -> dict[str, str]:
    rnd = random.Random(4)
    return {"digits": "1", "digits, commas": "1,", "digit groups": "111 ", "parentheses": "(",
            "emoji": "💊", "quotes": '"', "random punctuation":
            "".join(rnd.choice("([\"'💊!?*)]{}<>$.") for _ in range(1000)),
            "letters, colons": "a:",
            # the shapes of session 16's patterns: grouped amounts, e-mails written out
            "dotted digits": "1.", "grouped euros": "1.234,5 ", "written-out e-mails": "a[at]b[dot]",
            "routes": "ships worldwide from ",
            # session 17's: tiered prices, unit prices, bare "To:" labels, "ships X only"
            "tiered prices": "1 for $1 ", "unit prices": "$1/g ", "to labels": "\nto: a",
            "ships ... only": "ships a b c d e f g h i j k l m n o p q r s t "}


def _listing_text() -> str:
    from bench.nlp import texts

    return "\n".join(f"{r['fields']['title']}\n{r['text']}" for r in texts(7, 300))


def measure(sizes: list[int]) -> list[tuple[str, int, float]]:
    """(run, size, seconds) for the baseline and every run, in this process."""
    from nlp.extract import Extractor

    extractor = Extractor()
    cases = {"baseline: listing text": _listing_text(), **runs()}
    list(extractor.extract_many([{"id": "warm-up", "text": cases["baseline: listing text"]}]))
    out = []
    for name, unit in cases.items():
        for size in sizes:
            text = (unit * (size // len(unit) + 1))[:size]
            t0 = time.perf_counter()
            list(extractor.extract_many([{"id": name, "text": text}]))
            out.append((name, size, time.perf_counter() - t0))
    return out


def show(label: str, rows: list[tuple[str, int, float]]) -> None:
    base = {size: t for name, size, t in rows if name.startswith("baseline")}
    print(f"{label}\n{'run':24s} {'chars':>7s} {'seconds':>8s} {'x base':>7s} {'growth':>7s}")
    last: dict[str, float] = {}
    for name, size, t in rows:
        growth = f"{t / last[name]:7.1f}" if name in last else " " * 7
        print(f"{name:24s} {size:7d} {t:8.3f} {t / base[size]:7.1f} {growth}")
        last[name] = t


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[12_500, 25_000, 50_000, 100_000])
    parser.add_argument("--against", type=Path, help="another checkout, timed in the same run")
    parser.add_argument("--against-max", type=int, default=25_000)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # for --against
    args = parser.parse_args()
    rows = measure(args.sizes)
    if args.json:
        print(json.dumps(rows))
        return 0
    show(f"this code ({CODE})", rows)
    if args.against:
        sizes = [s for s in args.sizes if s <= args.against_max]
        script = str(Path(__file__).resolve())
        proc = subprocess.run([sys.executable, script, "--json", "--sizes", *map(str, sizes)],
                              cwd=args.against, capture_output=True, text=True, check=True,
                              env={**os.environ, "BENCH_CODE": str(args.against.resolve())})
        show(f"\n{args.against}", [tuple(r) for r in json.loads(proc.stdout)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
