"""Part files of the staging area: naming, crash repair, de-duplicating commit, atomic JSON."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# Lines of these files are one record per key; a resumed or multi-worker run may repeat one.
_KEYS = {"listings.jsonl": ("listing_id",), "sellers.jsonl": ("handle",),
         "delisted.jsonl": ("listing_id",)}


def part_path(final: Path, run_id: str, suffix: str = "") -> Path:
    return final.with_name(f"{final.name}.{run_id}{suffix}.part")


def repair_tail(path: Path) -> None:
    """Cut a half-written last line (left by a killed process) so appending stays valid JSONL."""
    if not path.exists():
        return
    with open(path, "rb+") as fh:
        data = fh.read()
        end = data.rfind(b"\n") + 1
        if end != len(data):
            fh.truncate(end)


def _records(path: Path) -> Iterable[str]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.endswith("\n") and line.strip():
                yield line


def commit_parts(directory: Path, run_id: str, suffixes: list[str], names: Iterable[str]) -> None:
    """Merge the parts of every suffix into each final file (first record per key wins)."""
    for name in names:
        final = directory / name
        parts = [part_path(final, run_id, s) for s in suffixes]
        parts = [p for p in parts if p.exists()]
        if not parts:
            continue
        keys = _KEYS.get(name)
        seen: set[tuple[Any, ...]] = set()
        merged = part_path(final, run_id, ".merge")
        with open(merged, "w", encoding="utf-8") as out:
            for part in parts:
                for line in _records(part):
                    if keys is not None:
                        record = json.loads(line)
                        key = tuple(record.get(k) for k in keys)
                        if key in seen:
                            continue
                        seen.add(key)
                    out.write(line)
            out.flush()
            os.fsync(out.fileno())
        os.replace(merged, final)
        for part in parts:
            part.unlink()


def count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with open(path, "rb") as fh:
        return sum(1 for line in fh if line.strip())


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    part = path.with_name(path.name + f".{os.getpid()}.tmp")
    part.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(part, path)
