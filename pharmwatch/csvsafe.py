"""CSV cells a spreadsheet opens safely: scraped text never runs as a formula (CSV injection).

Shared by the warehouse's query exports and `pharmwatch extract --output x.csv`; the report's
DuckDB COPY follows the same rule in SQL (reports/csv_export.py).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

# A spreadsheet treats a cell starting with these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(cell_text(v) for v in value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with a single quote."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value  # numbers we produced, not scraped text; -5 stays a number
    text = cell_text(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]], stream: TextIO) -> None:
    # excel dialect (CRLF) so a field holding a bare \r or \n is always quoted.
    writer = csv.writer(stream)
    writer.writerow([neutralise(c) for c in columns])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
