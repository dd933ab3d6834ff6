"""Dated exchange rates (USD per unit) for fiat and crypto, from `data/rates.csv`.

The table is curated and approximate (quarterly/annual means, sources per row): good
enough to compare listings across markets and years, not for accounting.
"""

from __future__ import annotations

import bisect
import csv
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path

from nlp.exceptions import LexiconError

RATES_CSV = Path(__file__).parent / "data" / "rates.csv"


@lru_cache(maxsize=4)
def load_rates(path: Path = RATES_CSV) -> dict[str, tuple[list[date], list[float]]]:
    table: dict[str, list[tuple[date, float]]] = {}
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            for n, row in enumerate(csv.DictReader(fh), start=2):
                try:
                    if None in row:  # an unquoted comma in a source: the warehouse's reader fails
                        raise ValueError(f"{len(row) - 1 + len(row[None])} fields, 4 expected")
                    day, usd = date.fromisoformat(row["date"]), float(row["usd"])
                except (KeyError, TypeError, ValueError) as exc:
                    raise LexiconError(f"{path}:{n}: bad rate row {row}: {exc}") from exc
                table.setdefault(row["currency"].upper(), []).append((day, usd))
    except OSError as exc:
        raise LexiconError(f"cannot read rates {path}: {exc}") from exc
    return {cur: ([d for d, _ in sorted(rows)], [u for _, u in sorted(rows)])
            for cur, rows in table.items()}


def parse_day(value: object) -> date | None:
    """The day of a listing's date: a YYYY-MM-DD prefix (the contract's form, read at once),
    a Unix time in seconds or milliseconds, or a date as people and markets write it
    ("15.07.2017", "Jul 15, 2017", "15 juillet 2017", read by dateparser); None when there is
    none or it cannot be read. Relative dates ("3 days ago") are not read: relative to what?"""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return _epoch_day(float(value))
    if not isinstance(value, str) or not value.strip():
        return None
    if len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            pass
    return _written_day(value.strip()[:64])


def _epoch_day(seconds: float) -> date | None:
    if seconds > 1e11:  # milliseconds (JavaScript timestamps)
        seconds /= 1000
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc).date()
    except (OverflowError, OSError, ValueError):
        return None


@lru_cache(maxsize=10_000)
def _written_day(text: str) -> date | None:
    if text.isdigit():
        return _epoch_day(float(text)) if len(text) >= 9 else None
    import dateparser  # only for dates off the contract's form: its import costs ~0.3 s

    parsed = dateparser.parse(text, settings={
        "PARSERS": ["custom-formats", "absolute-time"], "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False})
    return parsed.date() if parsed is not None else None


def to_usd(amount: float | None, currency: str | None, on: date | None) -> float | None:
    """`amount` in USD at the rate in force on `on` (latest rate when `on` is None or
    later than the table; earliest when before it); None for an unknown currency."""
    if amount is None or not currency:
        return None
    rates = load_rates().get(currency.upper())
    if rates is None:
        return None
    days, values = rates
    i = len(days) - 1 if on is None else bisect.bisect_right(days, on) - 1
    return round(amount * values[max(i, 0)], 2)
