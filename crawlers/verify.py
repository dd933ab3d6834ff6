"""`pharmwatch evidence verify`: recompute every archived payload hash and compare it with what
the warehouse (table `page`) or, without a warehouse, the staged items recorded; with a
warehouse, also the hash of every Parquet file it reads raw rows from (`partition_file`)."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed


@dataclass
class Report:
    checked_records: int = 0
    checked_refs: int = 0
    checked_files: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _b32(hex_digest: str) -> str:
    return "sha256:" + base64.b32encode(bytes.fromhex(hex_digest)).decode("ascii")


def check_warc(path: Path, report: Report) -> None:
    """Read a whole WARC: every record decompresses and matches its WARC-Payload-Digest."""
    try:
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh, check_digests=False):
                body = record.content_stream().read()
                declared = record.rec_headers.get_header("WARC-Payload-Digest")
                report.checked_records += 1
                if declared and declared.startswith("sha256:") and \
                        declared != _b32(hashlib.sha256(body).hexdigest()):
                    report.problems.append(f"{path}: record {record.rec_headers.get_header('WARC-Target-URI')}"
                                           f" payload does not match its WARC-Payload-Digest")
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        report.problems.append(f"{path}: unreadable WARC ({type(exc).__name__}: {exc})")
    except Exception as exc:  # zlib/gzip errors from a flipped byte come in several types
        report.problems.append(f"{path}: corrupt WARC ({type(exc).__name__}: {exc})")


def check_ref(data: Path, sha256: str, url: str, warc_file: str, offset: int, report: Report) -> None:
    """The record at (warc_file, offset) is the response for `url` and hashes to `sha256`."""
    report.checked_refs += 1
    path = data / warc_file
    where = f"{warc_file}@{offset} ({url})"
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            record = next(iter(ArchiveIterator(fh)))
            body = record.content_stream().read()
    except StopIteration:
        report.problems.append(f"{where}: no WARC record at this offset")
        return
    except Exception as exc:  # missing file, gzip damage: all reported, none fatal
        report.problems.append(f"{where}: cannot read record ({type(exc).__name__}: {exc})")
        return
    actual = hashlib.sha256(body).hexdigest()
    if record.rec_headers.get_header("WARC-Target-URI") != url:
        report.problems.append(f"{where}: record is for {record.rec_headers.get_header('WARC-Target-URI')}")
    if actual != sha256:
        report.problems.append(f"{where}: payload SHA-256 {actual} != recorded {sha256}")
    if record.rec_headers.get_header("WARC-Payload-Digest") != _b32(sha256):
        report.problems.append(f"{where}: WARC-Payload-Digest differs from the recorded hash")


def refs_from_db(db: Path) -> Iterator[tuple[str, str, str, int]]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT sha256, url, warc_file, warc_record_offset FROM page "
                           "WHERE warc_file IS NOT NULL AND warc_record_offset >= 0").fetchall()
    finally:
        con.close()
    yield from ((str(a), str(b), str(c), int(d)) for a, b, c, d in rows)


def refs_from_staging(data: Path) -> Iterator[tuple[str, str, str, int]]:
    for name in ("listings.jsonl", "sellers.jsonl"):
        for path in sorted((data / "staging").glob(f"market=*/date=*/{name}")):
            for line in path.read_text(encoding="utf-8").splitlines():
                item = json.loads(line)
                if item.get("warc_file") and item.get("warc_record_offset", -1) >= 0:
                    yield (item["page_sha256"], item["url"], item["warc_file"],
                           int(item["warc_record_offset"]))


def verify(data: Path, db: Path | None = None) -> Report:
    data = Path(data).resolve()
    report = Report()
    for warc in sorted((data / "evidence").glob("market=*/date=*/*.warc.gz")):
        check_warc(warc, report)
    refs = refs_from_db(db) if db is not None else refs_from_staging(data)
    for sha, url, warc_file, offset in refs:
        check_ref(data, sha, url, warc_file, offset, report)
    if db is not None:
        for path, sha in partition_files(db):
            check_file(path, sha, report)
    return report


def partition_files(db: Path) -> list[tuple[Path, str]]:
    """The Parquet files the warehouse reads raw rows from in place, with their recorded hash
    (table partition_file, paths relative to the warehouse's folder)."""
    import duckdb

    from warehouse.partition_files import registered

    with duckdb.connect(str(db), read_only=True) as con:
        return registered(con, Path(db).resolve().parent)


def check_file(path: Path, sha256: str, report: Report) -> None:
    from warehouse.partition_files import file_sha256

    report.checked_files += 1
    try:
        actual = file_sha256(path)
    except OSError as exc:
        report.problems.append(f"{path}: partition file unreadable ({type(exc).__name__}: {exc})")
        return
    if actual != sha256:
        report.problems.append(f"{path}: partition file SHA-256 {actual} != recorded {sha256}")
