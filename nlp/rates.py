"""Dated exchange rates (USD per unit) for fiat and crypto, from `data/rates.csv`.

The table is curated and approximate (quarterly/annual means, sources per row): good
enough to compare listings across markets and years, not for accounting.
"""

from __future__ import annotations

import bisect
import csv
from datetime import date
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
                    day, usd = date.fromisoformat(row["date"]), float(row["usd"])
                except (KeyError, TypeError, ValueError) as exc:
                    raise LexiconError(f"{path}:{n}: bad rate row {row}: {exc}") from exc
                table.setdefault(row["currency"].upper(), []).append((day, usd))
    except OSError as exc:
        raise LexiconError(f"cannot read rates {path}: {exc}") from exc
    return {cur: ([d for d, _ in sorted(rows)], [u for _, u in sorted(rows)])
            for cur, rows in table.items()}


def parse_day(value: object) -> date | None:
    """A YYYY-MM-DD prefix of a date or timestamp string, else None."""
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


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
