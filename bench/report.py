"""Report benchmark: the weekly report end to end on a warehouse of N listing observations.

    .venv/bin/python bench/report.py [--observations 10000000] [--weeks 25] [--work DIR] [--reuse]

`--reuse` (with --work): keep the built warehouse as DIR/built-<observations>x<weeks>.duckdb and,
when it is already there, skip the build (2 min at 10M) and time the report on a fresh copy of it
(the report writes flags and alerts, so every run starts from the same untouched warehouse).

Builds the warehouse marts straight in DuckDB (migrated schema; listings observed once a week
for `weeks` weeks; weighted countries and classes; 40% flagged with reasons; a spike seeded in
the last week), then times `reports.weekly.render_report` (apply rules, raise alerts, every
report query, HTML, flagged.csv, PDF) on the last week. listing_observation is stored in the order its model writes it (market, crawl
date, listing), so week filters skip old row groups as they do in a real warehouse. Same-run baseline: one full scan
(`SELECT count(*), sum(price_usd) FROM listing_observation`), so the ratio says how many
scans the report costs on this machine. Peak memory = max RSS of the report (the warehouse is
built in a child process so its memory does not count).
"""

from __future__ import annotations

import argparse
import os
import shutil
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reports.weekly import render_report  # noqa: E402
from warehouse.db import connect, migrate  # noqa: E402

COUNTRIES = "['US','GB','DE','NL','FR','CA','AU','IN','CN','ES','PL','SE','WW','EU']"
CLASSES = "['opioid','benzodiazepine','stimulant','cannabis','pde5_inhibitor','sedative']"
INNS = "['oxycodone','alprazolam','amphetamine','cannabis','sildenafil','zolpidem']"


def build(db: Path, observations: int, weeks: int) -> None:
    migrate(db)
    n = observations // weeks
    con = connect(db)
    con.execute(f"""
    CREATE TEMP TABLE l AS
    SELECT i, ['nightbazaar','pillstore','boardex'][1 + i % 3] AS market,
           'L' || lpad(i::VARCHAR, 8, '0') AS listing_id,
           {COUNTRIES}[1 + (hash(i) % 12)::INT] AS ship_from,
           [{COUNTRIES}[1 + (hash(i * 7) % 14)::INT]] AS ship_to,
           1 + (hash(i * 3) % 6)::INT AS k, (hash(i * 5) % 1000)::INT AS s
    FROM range({n}) t(i);
    INSERT INTO listing_observation BY NAME
    SELECT l.market || ':' || l.listing_id AS listing_key, l.market, l.listing_id,
           DATE '2026-11-16' - (7 * w)::INTEGER AS crawl_date, 'bench' AS run_id,
           (DATE '2026-11-16' - (7 * w)::INTEGER)::TIMESTAMP + INTERVAL 6 HOUR AS fetched_at,
           strftime(DATE '2026-11-16' - (7 * w)::INTEGER, '%G-W%V') AS week,
           'Listing ' || l.i AS title, 10.0 + l.i % 500 AS price, 'USD' AS currency,
           10.0 + l.i % 500 AS price_usd, 10.0 AS quantity, 1.0 + l.i % 50 AS unit_price_usd,
           'listed' AS availability, 'seller' || l.s AS seller, l.ship_from,
           CASE WHEN w = 0 AND l.i % 97 = 0 THEN ['GB'] ELSE l.ship_to END AS ship_to,
           true AS is_drug_listing, 200 AS http_status, sha256(l.i::VARCHAR || w) AS page_sha256
    FROM l, range({weeks}) t(w)
    ORDER BY market, crawl_date, listing_id;  -- the row order models/listing_observation.sql writes
    INSERT INTO listing BY NAME
    SELECT l.market || ':' || l.listing_id AS listing_key, l.market, l.listing_id, 'Listing ' || l.i AS title,
           'http://127.0.0.1/' || l.market || '/' || l.listing_id AS url,
           DATE '2026-11-16' - 7 * ({weeks} - 1)::INTEGER AS first_crawl_date, DATE '2026-11-16' AS last_crawl_date,
           (DATE '2026-11-16' - 7 * ({weeks} - 1)::INTEGER)::TIMESTAMP AS first_seen, TIMESTAMP '2026-11-16 06:00' AS last_seen,
           10.0 + l.i % 500 AS price, 'USD' AS currency, 10.0 + l.i % 500 AS price_usd,
           l.ship_from, l.ship_to, 'seller' || l.s AS seller, l.market || ':seller' || l.s AS seller_key,
           true AS is_drug_listing, sha256(l.i::VARCHAR) AS page_sha256, 'Description ' || l.i AS description
    FROM l;
    INSERT INTO listing_drug BY NAME
    SELECT l.market || ':' || l.listing_id AS listing_key, l.market, l.listing_id,
           {INNS}[l.k] AS inn, {CLASSES}[l.k] AS "class", l.k <= 3 AS controlled, true AS rx_only
    FROM l;
    INSERT INTO flag BY NAME
    SELECT l.market || ':' || l.listing_id AS listing_key, l.market, l.listing_id,
           (25 + l.i % 70)::INTEGER AS score,
           [{{'rule': 'controlled_other', 'points': 25, 'label': 'controlled substance',
              'detail': 'controlled substance: ' || {INNS}[l.k], 'field': 'drugs', 'evidence': {INNS}[l.k],
              'start': 0, 'end': 5, 'seller_key': NULL::VARCHAR}}] AS reasons,
           'controlled substance: ' || {INNS}[l.k] AS reason_summary,
           (SELECT max(version) FROM risk_rule) AS rule_version, TIMESTAMP '2026-06-01' AS flagged_at
    FROM l WHERE l.i % 5 < 2;
    INSERT INTO seller BY NAME
    SELECT DISTINCT market || ':seller' || s AS seller_key, market, 'seller' || s AS handle,
           TIMESTAMP '2026-06-01' AS first_seen FROM l;
    INSERT INTO seller_identity_member SELECT seller_key, 'SI:' || seller_key FROM seller;
    INSERT INTO seller_identity BY NAME
    SELECT 'SI:' || seller_key AS identity_id, 1 AS accounts, 1 AS markets, [seller_key] AS seller_keys,
           [handle] AS handles, [market] AS market_names, [] AS evidence FROM seller;
    """)
    con.execute("CHECKPOINT")
    con.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--observations", type=int, default=10_000_000)
    ap.add_argument("--weeks", type=int, default=25)
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--reuse", action="store_true",
                    help="keep the built warehouse in --work and reuse it when it is there")
    ap.add_argument("--build-only", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.reuse and not args.work:
        ap.error("--reuse needs --work DIR")
    if args.build_only:
        build(args.build_only, args.observations, args.weeks)
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-report-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "bench.duckdb"
    db.unlink(missing_ok=True)
    built = work / f"built-{args.observations}x{args.weeks}.duckdb" if args.reuse else db
    t = time.perf_counter()
    if built.exists():
        print(f"reusing {built}")
    else:
        subprocess.run([sys.executable, __file__, "--observations", str(args.observations),
                        "--weeks", str(args.weeks), "--build-only", str(built)], check=True)
        print(f"built {args.observations:,} observations in {time.perf_counter() - t:.1f} s ({built})")
    if built != db:
        shutil.copyfile(built, db)
    load_start = os.getloadavg()[0]
    con = connect(db, read_only=True)
    t = time.perf_counter()
    con.execute("SELECT count(*), sum(price_usd) FROM listing_observation").fetchall()
    scan = time.perf_counter() - t
    con.close()
    timings, phases = {}, {}
    # With PDF first: that run raises the week's alerts into an empty alert table, the full job.
    for pdf in (True, False):
        t = time.perf_counter()
        phases[pdf] = {}
        html = render_report(db, work / ("out-pdf" if pdf else "out"), "2026-W47", pdf=pdf,
                             timings=phases[pdf])
        timings[pdf] = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with (html.parent / "flagged.csv").open(encoding="utf-8") as fh:
        rows = sum(1 for _ in fh) - 1
    print(f"flagged.csv: {rows:,} rows")
    print(f"baseline full scan: {scan:.2f} s")
    for pdf in (True, False):
        print(f"  phases {'with' if pdf else 'without'} PDF: "
              + ", ".join(f"{k} {v:.2f} s" for k, v in phases[pdf].items()))
    print(f"report without PDF: {timings[False]:.2f} s ({timings[False] / scan:.1f} scans)")
    print(f"report end to end (HTML + CSV + PDF): {timings[True]:.2f} s  target < 10 s: "
          f"{'MET' if timings[True] < 10 else 'NOT MET'}")
    print(f"peak RSS: {rss:,.0f} MiB; report: {html}")
    print(f"load (1 min) at the start {load_start:.2f}, at the end {os.getloadavg()[0]:.2f}, "
          f"on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
