"""Flags: which listings, which reasons, how scores order, and that reruns agree."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "warehouse"))
from staged_world import write_world  # noqa: E402

from pharmwatch.paths import Layout  # noqa: E402
from warehouse.flags import RULE_VERSION, compute_flags  # noqa: E402
from warehouse.load import load_all  # noqa: E402
from warehouse.models import MODELS_DIR  # noqa: E402


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("flags")
    world = write_world(root, n=20)
    db = root / "w.duckdb"
    load_all(db, Layout(root))
    con = duckdb.connect(str(db), read_only=True)
    flags = {r[0]: (r[1], r[2], r[3]) for r in con.execute(
        "SELECT listing_key, score, reasons, rule_version FROM flag").fetchall()}
    con.close()
    return world, db, flags


def _expected_flagged(world) -> dict[str, list[dict]]:
    """From the generator's own records: drug listings with a controlled or Rx drug."""
    out = {}
    for e in world.entities:
        risky = [d for d in e["drugs"] if d["controlled"] or d["rx_only"]]
        if e["is_drug_listing"] and risky:
            out[e["id"]] = risky
    return out


def test_flagged_listings_are_exactly_those_offering_rx_or_controlled_drugs(loaded) -> None:
    world, _, flags = loaded
    expected = _expected_flagged(world)
    assert set(flags) == set(expected)
    assert 10 < len(flags) < 60  # the fixture has both flagged and clean listings


def test_reasons_name_each_drug_and_its_schedule(loaded) -> None:
    world, _, flags = loaded
    for key, drugs in _expected_flagged(world).items():
        reasons = flags[key][1]
        assert len(reasons) == len(drugs)
        for d in drugs:
            if d["controlled"]:
                text = next(r for r in reasons if d["inn"] in r)
                assert text.startswith(f"controlled substance: {d['inn']} (")
                if d["schedule_us"]:
                    assert f"US CSA {d['schedule_us']}" in text
            else:
                assert f"prescription-only: {d['inn']}" in reasons


def test_scores_rank_schedule_ii_over_other_controlled_over_rx_only(loaded) -> None:
    world, _, flags = loaded
    by_kind: dict[str, set[int]] = {"II": set(), "other": set(), "rx": set()}
    for key, drugs in _expected_flagged(world).items():
        if len(drugs) != 1:
            continue
        d = drugs[0]
        kind = "II" if d["schedule_us"] == "II" else "other" if d["controlled"] else "rx"
        by_kind[kind].add(flags[key][0])
    assert all(by_kind.values()), by_kind
    assert min(by_kind["II"]) > max(by_kind["other"]) > 0
    assert min(by_kind["other"]) > max(by_kind["rx"])
    assert all(0 <= s <= 100 for s, _, _ in flags.values())
    multi = [k for k, d in _expected_flagged(world).items() if len(d) > 1]
    single_max = max(by_kind["II"])
    assert any(flags[k][0] >= single_max for k in multi)  # a second drug never lowers a score


def test_rule_version_matches_sql(loaded) -> None:
    _, _, flags = loaded
    assert {v for _, _, v in flags.values()} == {RULE_VERSION}
    sql = (MODELS_DIR / "flag.sql").read_text()
    assert re.search(rf"'{re.escape(RULE_VERSION)}' AS rule_version", sql)


def test_compute_flags_alone_reproduces_the_table(loaded) -> None:
    _, db, flags = loaded
    con = duckdb.connect(str(db), read_only=True)
    before = con.execute("SELECT * FROM flag ORDER BY ALL").fetchall()
    con.close()
    assert compute_flags(db) == len(flags)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT * FROM flag ORDER BY ALL").fetchall() == before
    con.close()
