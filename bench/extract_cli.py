"""`pharmwatch extract` as an analyst runs it: process start, then records through the CLI.

    .venv/bin/python bench/extract_cli.py [--listings 5000] [--seed 7] [--repeat 3]
                                          [--against CHECKOUT]

Same run, fresh processes each time, medians of --repeat:
- start: `pharmwatch extract` of an empty file (imports, then the pipeline built), against
  the floor of any spaCy process (`spacy.blank("en")`), as a ratio;
- the CLI over N sandbox listings (JSON Lines file in, file out), against the same records
  through `Extractor().extract_many` in one process (its start excluded), as a ratio: what the
  command costs beyond the library;
- with --against, the same two CLI runs of another checkout of pharmwatch (e.g. a `git
  worktree` of an older commit, run with this venv), and this code's times over its times.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # run as a script: the repository, not bench/, comes first

from bench.nlp import texts  # noqa: E402

FLOOR = "import spacy; spacy.blank('en')"
LIBRARY = """
import json, sys, time
from nlp.extract import Extractor
records = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
extractor = Extractor()
t0 = time.perf_counter()
n = sum(1 for _ in extractor.extract_many(records, batch_size=256))
print(time.perf_counter() - t0, n)
"""


def _timed(args: list[str], code: Path = ROOT) -> float:
    t0 = time.perf_counter()
    subprocess.run(args, cwd=code, check=True, capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(code)})
    return time.perf_counter() - t0


# `pharmwatch` of the checkout _timed runs it in (its PYTHONPATH): the installed script would
# always be this checkout's.
CLI = [sys.executable, "-c", "import sys; from pharmwatch.cli import main; sys.exit(main())"]


def _extract(src: Path, dst: Path, code: Path = ROOT) -> float:
    """Seconds of one `pharmwatch extract --input src --output dst` of the checkout `code`."""
    return _timed([*CLI, "extract", "--input", str(src), "--output", str(dst)], code)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--listings", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--against", type=Path, help="another checkout, timed in the same run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src, dst, old_dst = (Path(tmp) / name for name in ("in.jsonl", "out.jsonl", "old.jsonl"))
        empty = Path(tmp) / "empty.jsonl"
        empty.touch()
        records = texts(args.seed, args.listings)
        src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        floor, start, cli, library, old_start, old_cli = [], [], [], [], [], []
        for _ in range(args.repeat):  # interleaved: a slow spell of the machine hits them all
            floor.append(_timed([sys.executable, "-c", FLOOR]))
            start.append(_extract(empty, dst))
            cli.append(_extract(src, dst))
            if args.against:
                old_start.append(_extract(empty, old_dst, args.against))
                old_cli.append(_extract(src, old_dst, args.against))
            out = subprocess.run([sys.executable, "-c", LIBRARY, str(src)], cwd=ROOT, check=True,
                                 capture_output=True, text=True).stdout.split()
            library.append(float(out[0]))
        written = sum(1 for _ in dst.open(encoding="utf-8"))
    f, s, c, lib = (statistics.median(x) for x in (floor, start, cli, library))
    print(f"listings={len(records)} written={written} (medians of {args.repeat})")
    print(f"start: spacy.blank {f:.2f} s, pharmwatch extract of nothing {s:.2f} s, "
          f"ratio {s / f:.2f}")
    print(f"CLI end to end {c:.2f} s = start + {c - s:.2f} s of records "
          f"({len(records) / (c - s):,.0f} records/s)")
    print(f"extract_many in one process {lib:.2f} s; CLI records / library ratio {(c - s) / lib:.2f}")
    if args.against:
        os_, oc = statistics.median(old_start), statistics.median(old_cli)
        print(f"{args.against}: start {os_:.2f} s, CLI end to end {oc:.2f} s; this code / that: "
              f"start {s / os_:.2f}, CLI {c / oc:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
