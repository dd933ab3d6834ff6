"""Extraction throughput: the full pipeline vs the tokenizer alone, same texts, same run.

    .venv/bin/python bench/nlp.py [--listings 100000] [--seed 7] [--ladder]

Texts are sandbox listings as a market shows them (title, description lines, price), all
three markets, every language. Prints words/s for both passes and their time ratio.
Targets (issue #4): full >= 50,000 words/s and full time <= 3x tokenizer time.
--ladder also times `extract_many` with no component, then with the components added one by
one, each in tokenizer-times: where the time goes, without a profiler's overhead.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name would shadow the
# `nlp` package: put the repository root first instead.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from nlp.extract import Extractor  # noqa: E402
from sandbox.world import World  # noqa: E402


def texts(seed: int, listings: int) -> list[dict]:
    world = World(seed, listings)
    out = []
    for market in world.market_names():
        for item in world.live_listings(market):
            body = "\n".join(item.description)
            out.append({"id": f"{market}:{item.listing_id}",
                        "text": f"{body}\n{item.price_text}", "fields": {"title": item.title}})
    return out


def tokenizer_pass(docs_text: list[str]) -> float:
    # Each pass gets a freshly loaded pipeline: the tokenizer's chunk cache and the vocab start
    # cold in both, so neither pass is timed on caches the other one filled with the same texts.
    tokenizer = Extractor().nlp.tokenizer  # the pipeline's own tokenizer, its config included
    t0 = time.perf_counter()
    for _ in tokenizer.pipe(docs_text, batch_size=256):
        pass
    return time.perf_counter() - t0


def ladder(records: list[dict], tok: float) -> None:
    """Where the time goes: `extract_many` with no component (tokenizer + record in and out),
    then with the components added one by one in pipeline order, each in tokenizer-times."""
    names = Extractor().nlp.pipe_names
    for n in range(len(names) + 1):
        extractor = Extractor()
        for name in names[n:]:
            extractor.nlp.remove_pipe(name)
        t0 = time.perf_counter()
        for _ in extractor.extract_many(records, batch_size=256):
            pass
        took = time.perf_counter() - t0
        label = "+ " + names[n - 1] if n else "no component (tokenizer, record in and out)"
        print(f"  {label:50s} {took:6.1f} s  {took / tok:5.2f} x tokenizer")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--ladder", action="store_true",
                        help="also time the pipeline with its components added one by one")
    args = parser.parse_args()
    records = texts(args.seed, args.listings)
    docs_text = [f"{r['fields']['title']}\n{r['text']}" for r in records]
    words = sum(len(t.split()) for t in docs_text)
    tok = tokenizer_pass(docs_text)
    extractor = Extractor()
    t0 = time.perf_counter()
    n = sum(1 for _ in extractor.extract_many(records, batch_size=256))
    full = time.perf_counter() - t0
    print(f"listings={n} words={words}")
    print(f"tokenizer only: {tok:.1f} s, {words / tok:,.0f} words/s")
    print(f"full extraction: {full:.1f} s, {words / full:,.0f} words/s")
    print(f"ratio full/tokenizer: {full / tok:.2f}  (target <= 3; full target >= 50,000 words/s)")
    if args.ladder:
        print("cumulative, components added in pipeline order:")
        ladder(records, tok)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
