"""Where every stage reads and writes: one layout, shared by all packages.

Stages hand over files, never in-memory objects. A partition is (market, crawl date);
rerunning a stage for a partition replaces that partition's files, it never appends.
Evidence (WARC) files are named by run id and are never rewritten.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = Path(os.environ.get("PHARMWATCH_DATA", "data"))


@dataclass(frozen=True)
class Layout:
    """Paths below one data directory."""

    root: Path

    @classmethod
    def default(cls) -> "Layout":
        return cls(Path(os.environ.get("PHARMWATCH_DATA", str(DEFAULT_DATA_DIR))).resolve())

    def staging(self, market: str, date: str) -> Path:
        """Crawler output: listings.jsonl, sellers.jsonl, errors.jsonl, stats.json."""
        return self.root / "staging" / f"market={market}" / f"date={date}"

    def extracted(self, market: str, date: str) -> Path:
        """NLP output: entities.jsonl (one `pharmwatch extract` record per listing)."""
        return self.root / "extracted" / f"market={market}" / f"date={date}"

    def evidence(self, market: str, date: str) -> Path:
        """WARC files, one per crawl run: RUN_ID.warc.gz."""
        return self.root / "evidence" / f"market={market}" / f"date={date}"

    def reports(self) -> Path:
        return self.root / "reports"

    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    def partitions(self, stage: str = "staging") -> list[tuple[str, str]]:
        """All (market, date) partitions present for a stage, sorted."""
        base = self.root / stage
        out: list[tuple[str, str]] = []
        if not base.is_dir():
            return out
        for m in sorted(base.glob("market=*")):
            for d in sorted(m.glob("date=*")):
                out.append((m.name.split("=", 1)[1], d.name.split("=", 1)[1]))
        return out
