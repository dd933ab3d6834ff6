"""Risk flags: the rules live in models/flag.sql; this module reruns them on their own."""

from __future__ import annotations

from pathlib import Path

from warehouse.db import connect, migrate_connection
from warehouse.models import rebuild_in_transaction

RULE_VERSION = "0.1"  # must match the literal in models/flag.sql (a test checks it)


def compute_flags(db_path: Path) -> int:
    """Recompute the `flag` table from `listing` and `listing_drug`; return flagged listings."""
    con = connect(db_path)
    try:
        migrate_connection(con)
        rebuild_in_transaction(con, ("flag",))
        return int(con.execute("SELECT count(*) FROM flag").fetchall()[0][0])
    finally:
        con.close()
