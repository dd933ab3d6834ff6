"""Load staged partitions into the warehouse: one transaction per partition, idempotent."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb

from pharmwatch.paths import Layout
from warehouse.db import connect, migrate_connection
from warehouse import models, partition_files, prepared
from warehouse.exceptions import LoadError
from warehouse.publish import publish
from warehouse.partition_files import stored
from warehouse.staged import StagedFile
from warehouse.staged_batch import StagedInput, load_files

# The file's own market / crawl_date must agree with the partition directory it sits in.
_PARTITION_CHECKS = (
    ("market IS NOT NULL AND market <> $market", "'market ' || market || ' does not match partition'"),
    ("crawl_date IS NOT NULL AND crawl_date <> $crawl_date",
     "'crawl_date ' || crawl_date || ' does not match partition'"),
)
_COMMON = {"market": "VARCHAR", "run_id": "VARCHAR", "crawl_date": "VARCHAR"}
_EVIDENCE = {"url": "VARCHAR", "fetched_at": "TIMESTAMP", "page_sha256": "VARCHAR",
             "warc_file": "VARCHAR", "warc_record_offset": "BIGINT"}

LISTINGS = StagedFile(
    "listings.jsonl", "raw_listing",
    {**_COMMON, "listing_id": "VARCHAR", **_EVIDENCE, "http_status": "INTEGER",
     "text": "VARCHAR", "fields": "JSON_OBJECT"},
    required=("listing_id",), checks=_PARTITION_CHECKS,
)
SELLERS = StagedFile(
    "sellers.jsonl", "raw_seller",
    {**_COMMON, "handle": "VARCHAR", **_EVIDENCE, "fields": "JSON_OBJECT"},
    required=("handle",), checks=_PARTITION_CHECKS,
)
ERRORS = StagedFile(
    "errors.jsonl", "raw_crawl_error",
    {**_COMMON, "url": "VARCHAR", "kind": "VARCHAR", "status": "INTEGER", "reason": "VARCHAR",
     "attempts": "INTEGER", "at": "TIMESTAMP"},
    required=(), checks=_PARTITION_CHECKS,
)
STATS = StagedFile(
    "stats.json", "raw_crawl_stats",
    {**_COMMON, "started_at": "TIMESTAMP", "finished_at": "TIMESTAMP", "pages": "BIGINT",
     "listings": "BIGINT", "sellers": "BIGINT", "errors": "BIGINT", "bytes": "BIGINT",
     "finish_reason": "VARCHAR"},
    required=(), whole_file=True, checks=_PARTITION_CHECKS,
)
ENTITIES = StagedFile(
    "entities.jsonl", "raw_extracted",
    {"id": "VARCHAR", "url": "VARCHAR", "drugs": "JSON_ARRAY", "seller": "VARCHAR",
     "ship_from": "VARCHAR", "ship_to": "VARCHAR[]", "price": "DOUBLE", "currency": "VARCHAR",
     "is_drug_listing": "BOOLEAN", "language": "VARCHAR", "nlp_version": "VARCHAR",
     "title": "VARCHAR", "strength": "JSON", "quantity": "JSON", "unit_price": "DOUBLE",
     "price_usd": "DOUBLE", "contacts": "JSON", "pgp_fingerprints": "VARCHAR[]",
     "crypto_addresses": "VARCHAR[]", "ship_to_exclusions": "VARCHAR[]", "shelf_drugs": "VARCHAR[]"},
    required=("id",),
    checks=(("NOT starts_with(id, $market || ':') OR length(id) <= length($market) + 1",
             "'id ' || id || ' is not <market>:<listing_id> for this partition'"),
            # $countries: the codes of the seeded `country` table (ISO 3166-1 alpha-2 plus EU,
            # WW; seeds/country.csv), bound once per load as a constant list (a subquery here
            # would be re-evaluated per chunk: 4x slower).
            ("ship_from IS NOT NULL AND NOT list_contains($countries, ship_from)",
             "'unknown country code ' || ship_from"),
            # list_has_all against the 250-code constant list cost ~10 us a row; a
            # list_contains per element is 30x faster.
            ("len(list_filter(list_concat(coalesce(ship_to, []), coalesce(ship_to_exclusions, [])), "
             "lambda c: NOT list_contains($countries, c))) > 0",
             "'unknown country code in ship_to ' || list_concat(ship_to, ship_to_exclusions)::VARCHAR"),
            ("price < 0 OR price_usd < 0 OR unit_price < 0", "'negative price'")),
    derived={"listing_id": "substr(id, length($market) + 2)"},
)
DELISTED = StagedFile(
    "delisted.jsonl", "raw_delisted",
    {**_COMMON, "listing_id": "VARCHAR", "url": "VARCHAR", "reason": "VARCHAR", "detected_at": "TIMESTAMP"},
    required=("listing_id",), checks=_PARTITION_CHECKS,
)
STAGING_FILES = (LISTINGS, SELLERS, ERRORS, STATS, DELISTED)
SPECS = (*STAGING_FILES, ENTITIES)  # every file of a partition: the crawler's, then the NLP stage's
RAW_TABLES = ("raw_listing", "raw_seller", "raw_crawl_error", "raw_crawl_stats", "raw_extracted",
              "raw_delisted", "quarantine")


def _stats_run_id(layout: Layout, market: str, date: str) -> str | None:
    """The extract record carries no run id; the partition's stats.json names the crawl run."""
    path = layout.staging(market, date) / STATS.filename
    try:
        value = json.loads(path.read_text(encoding="utf-8")).get("run_id")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def source_path(layout: Layout, spec: StagedFile, market: str, date: str) -> Path:
    """Where a partition's file of this kind lies: the NLP stage's under extracted/, the rest
    under staging/."""
    folder = layout.extracted if spec is ENTITIES else layout.staging
    return folder(market, date) / spec.filename


def country_codes(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The seeded country codes the checks accept, sorted."""
    return con.execute("SELECT coalesce(list(code ORDER BY code), []) FROM country").fetchall()[0][0]


def _source_name(layout: Layout, path: Path) -> str:
    return str(path.relative_to(layout.root)) if path.is_relative_to(layout.root) else str(path)


def _delete_partitions(con: duckdb.DuckDBPyConnection, partitions: list[tuple[str, str]]) -> None:
    """The partitions' raw rows and quarantine go: stored rows deleted, files unregistered."""
    keys = [f"{m}/{d}" for m, d in partitions]
    for table in RAW_TABLES:
        target = stored(table) if table in partition_files.RAW else table
        con.execute(f"DELETE FROM {target} WHERE list_contains($keys, market || '/' || crawl_date::VARCHAR)",
                    {"keys": keys})
    partition_files.forget(con, partition_files.RAW, partitions)


def _load_batch(con: duckdb.DuckDBPyConnection, layout: Layout, partitions: list[tuple[str, str]],
                use_prepared: bool = False) -> tuple[dict, models.Ready]:
    """Replace the partitions' raw rows: from their prepared Parquet where it is current, else
    each kind of staged file read for all the other partitions at once. Returns the counts and
    the incremental models' rows the prepared partitions computed ahead."""
    countries = country_codes(con)
    _delete_partitions(con, partitions)
    result = {f"{m}/{d}": {"quarantined": 0} for m, d in partitions}
    ready = _ready(con, layout, partitions, countries) if use_prepared else []
    if ready:
        prepared.insert(con, ready, ("quarantine",))
        prepared.register(con, ready, partition_files.RAW)
        for item in ready:
            result[f"{item.market}/{item.date}"] = {**item.counts, "prepared": True}
    partition_files.refresh_views(con, partition_files.RAW)
    done = {(item.market, item.date) for item in ready}
    _load_staged(con, layout, [p for p in partitions if p not in done], countries, result)
    ahead = {(item.market, item.date): {n: item.computed(n) for n in models.INCREMENTAL if n in item.rows}
             for item in ready}
    return result, ahead


def _ready(con: duckdb.DuckDBPyConnection, layout: Layout, partitions: list[tuple[str, str]],
           countries: list[str]) -> list[prepared.Prepared]:
    found = (prepared.current(layout, m, d, countries) for m, d in partitions)
    return [item for item in found if item is not None and prepared.readable_rows(con, item)]


def _load_staged(con: duckdb.DuckDBPyConnection, layout: Layout, partitions: list[tuple[str, str]],
                 countries: list[str], result: dict) -> None:
    run_ids = {(m, d): _stats_run_id(layout, m, d) for m, d in partitions}
    for spec in SPECS:
        paths = [source_path(layout, spec, m, d) for m, d in partitions]
        inputs = [StagedInput(path, m, d, run_ids[(m, d)], _source_name(layout, path))
                  for (m, d), path in zip(partitions, paths)]
        for (m, d), (loaded, bad) in zip(partitions, load_files(con, spec, inputs, countries)):
            counts = result[f"{m}/{d}"]
            counts[spec.table] = loaded
            counts["quarantined"] += bad


def validate_partition(market: str, date: str) -> None:
    if not market or "/" in market or "\\" in market:
        raise LoadError(f"invalid market name {market!r}")
    try:
        dt.date.fromisoformat(date)
    except ValueError as exc:
        raise LoadError(f"invalid crawl date {date!r}: expected YYYY-MM-DD") from exc


def load_partitions(db_path: Path, layout: Layout, partitions: list[tuple[str, str]],
                    publish_snapshot: bool = True) -> dict:
    """Load several partitions in one transaction, rebuild the models once, publish a snapshot."""
    partitions = list(dict.fromkeys(partitions))
    for market, date in partitions:
        validate_partition(market, date)
    con = connect(db_path)
    try:
        migrate_connection(con)
        con.execute("BEGIN TRANSACTION")
        try:
            result, ahead = _load_batch(con, layout, partitions, use_prepared=True)
            models.rebuild(con, partitions=partitions, ready=ahead)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        if publish_snapshot:
            publish(con, db_path)
    finally:
        con.close()
    return result


def load_partition(db_path: Path, layout: Layout, market: str, date: str) -> dict:
    """Replace one (market, date) partition's raw rows and rebuild models and flags.

    Returns per-table counts of rows loaded plus `quarantined`. On any error nothing changes.
    """
    return load_partitions(db_path, layout, [(market, date)])[f"{market}/{date}"]


def all_partitions(layout: Layout) -> list[tuple[str, str]]:
    """Partitions present in staging or extracted (the NLP stage may lag the crawler)."""
    return sorted(set(layout.partitions("staging")) | set(layout.partitions("extracted")))


def load_all(db_path: Path, layout: Layout) -> dict:
    """Load every partition present, in one transaction (all or nothing)."""
    return load_partitions(db_path, layout, all_partitions(layout))
