"""CSV in and out for `pharmwatch extract`: the spreadsheets and exports analysts work with.

In: one listing a row. Columns named like a record's keys (`id`, `text`, `html`, `url`, `date`)
or a crawler's fields (`title`, `seller`, `ships_from`, `ships_to`, `price`, `category`) are
read as such; `--columns text=product+description,seller=vendor` maps others (several columns
joined into one, a line each). Out: one row a record, lists joined with "; ", every cell
formula-safe (scraped text never runs as a spreadsheet formula).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from nlp.exceptions import InputLineError, InputRecordError
from pharmwatch.csvsafe import write_csv

RECORD_KEYS = ("id", "text", "html", "url", "date")
FIELD_KEYS = ("title", "seller", "ships_from", "ships_to", "price", "category")
# Field sizes of a listing page's HTML pass the csv module's 128 KiB default.
csv.field_size_limit(8 * 1024 * 1024)


def parse_columns(spec: str | None) -> dict[str, list[str]]:
    """"text=product+description,seller=vendor" -> {"text": ["product", "description"], ...}."""
    out: dict[str, list[str]] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        key, sep, columns = part.partition("=")
        key = key.strip()
        if not sep or key not in RECORD_KEYS + FIELD_KEYS or not columns.strip():
            raise InputRecordError(
                f"--columns: {part.strip()!r} is not KEY=COLUMN[+COLUMN...] with KEY one of "
                f"{', '.join(RECORD_KEYS + FIELD_KEYS)}")
        out[key] = [c.strip() for c in columns.split("+") if c.strip()]
    return out


def read_csv_records(stream: IO[str], columns: dict[str, list[str]] | None = None,
                     ) -> Iterator[tuple[int, dict[str, Any] | InputLineError]]:
    """(line number, record or the error for that row), as `jsonl.read_records` yields them.
    A mapped column missing from the header is an error for the whole file."""
    reader = csv.DictReader(stream)
    header = reader.fieldnames or []
    mapping = {key: [key] for key in RECORD_KEYS + FIELD_KEYS if key in header}
    mapping.update(columns or {})
    missing = sorted({c for cols in mapping.values() for c in cols} - set(header))
    if missing:
        raise InputRecordError(f"CSV header has no column {', '.join(map(repr, missing))} "
                               f"(columns: {', '.join(header)})")
    if not header:
        return
    line_no = reader.line_num + 1
    for row in reader:
        yield line_no, _record(row, mapping, line_no)
        line_no = reader.line_num + 1


def _record(row: dict[str, Any], mapping: dict[str, list[str]],
            line_no: int) -> dict[str, Any] | InputLineError:
    if None in row:  # more cells than the header names
        return InputLineError(line_no, f"{len(row[None])} cell(s) beyond the header")
    values = {key: "\n".join(v for c in cols if (v := (row.get(c) or "").strip()))
              for key, cols in mapping.items()}
    record: dict[str, Any] = {k: values[k] for k in RECORD_KEYS if values.get(k)}
    record.setdefault("id", f"line:{line_no}")
    fields = {k: values[k] for k in FIELD_KEYS if values.get(k)}
    if fields:
        record["fields"] = fields
    return record


OUT_COLUMNS = ("id", "title", "is_drug_listing", "drugs", "drug_class", "schedules", "seller",
               "ship_from", "ship_to", "ship_to_exclusions", "price", "currency", "price_usd",
               "strength", "quantity", "unit_price", "language", "contacts",
               "pgp_fingerprints", "crypto_addresses", "url", "nlp_version", "error")


def write_csv_records(records: Iterable[dict[str, Any]], stream: IO[str]) -> None:
    """Records as flat CSV rows (OUT_COLUMNS); the JSON Lines output keeps every detail."""
    write_csv(OUT_COLUMNS, (_row(r) for r in records), stream)


def _row(rec: dict[str, Any]) -> list[Any]:
    drugs = rec.get("drugs") or []
    flat = {
        **rec,
        "drugs": [d.get("inn") for d in drugs],
        "schedules": [f"{d.get('inn')}: UN {d.get('schedule_un') or '-'}, US "
                      f"{d.get('schedule_us') or '-'}" for d in drugs],
        "strength": _amount(rec.get("strength")), "quantity": _amount(rec.get("quantity")),
        "contacts": [f"{c.get('kind')}: {c.get('value')}" for c in rec.get("contacts") or []],
        "pgp_fingerprints": [p.get("fingerprint") for p in rec.get("pgp_fingerprints") or []],
        "crypto_addresses": [f"{a.get('currency')}: {a.get('address')}"
                             for a in rec.get("crypto_addresses") or []],
        "is_drug_listing": "" if rec.get("is_drug_listing") is None
                           else str(bool(rec["is_drug_listing"])).lower(),
    }
    return [_cell(flat.get(column)) for column in OUT_COLUMNS]


def _amount(value: dict[str, Any] | None) -> str:
    return "" if not value else f"{value.get('value'):g} {value.get('unit')}"


def _cell(value: Any) -> Any:
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value
