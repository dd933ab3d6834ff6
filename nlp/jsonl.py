"""JSON Lines reading with line numbers, and atomic writing (`*.part` then os.replace)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from nlp.exceptions import InputLineError


def read_records(stream: IO[str]) -> Iterator[tuple[int, dict[str, Any] | InputLineError]]:
    """(line number, record or the error for that line); blank lines are skipped."""
    for n, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            yield n, InputLineError(n, f"invalid JSON: {exc}")
            continue
        if not isinstance(obj, dict):
            yield n, InputLineError(n, f"expected a JSON object, got {type(obj).__name__}")
            continue
        yield n, obj


def write_atomic(path: Path, records: Iterable[dict[str, Any]]) -> int:
    """Write JSON Lines to `path.part`, then replace `path`; returns the record count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    count = 0
    try:
        with part.open("w", encoding="utf-8") as fh:
            for rec in records:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                count += 1
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    return count
