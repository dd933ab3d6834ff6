"""Keyed random streams: every generated thing draws from its own stream.

Seeding `random.Random` with a string hashes it with SHA-512, so streams do not depend on
PYTHONHASHSEED and one listing never shifts another when sizes or days change.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

BASE_DATE = date(2025, 1, 6)   # calendar date of simulated day 0 (shown on pages only)


def stream(*parts: object) -> random.Random:
    return random.Random(":".join(str(p) for p in parts))


def day_date(day: int) -> date:
    return BASE_DATE + timedelta(days=day)


def fmt_num(value: float) -> str:
    """3.5 -> '3.5', 28.0 -> '28' (how quantities are written in titles)."""
    return f"{value:g}"
