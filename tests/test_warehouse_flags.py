"""Flags: which listings, which reasons with which evidence, how scores add up, reruns agree."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "warehouse"))
from staged_world import write_world  # noqa: E402

from pharmwatch.paths import Layout  # noqa: E402
from warehouse.flags import compute_flags, load_rules  # noqa: E402
from warehouse.load import load_all  # noqa: E402

RULES = {r.rule_id: r for r in load_rules().rules}
HIGH_US, HIGH_UN = set(RULES["controlled_schedule_high"].params["us"]), set(RULES["controlled_schedule_high"].params["un"])


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


def _drug_rule(d: dict) -> str | None:
    if d["controlled"]:
        high = d["schedule_us"] in HIGH_US or d["schedule_un"] in HIGH_UN
        return "controlled_schedule_high" if high else "controlled_other"
    return "rx_without_prescription" if d["rx_only"] else None  # fixture text never asks for an Rx


def _expected(world) -> dict[str, dict]:
    """From the generator's own records: which rules must fire for each flagged listing."""
    out = {}
    for e in world.entities:
        hits = {r for r in map(_drug_rule, e["drugs"]) if r}
        if not (e["is_drug_listing"] and hits):
            continue
        if e["ship_from"] and any(t != e["ship_from"] for t in e["ship_to"]):
            hits.add("cross_border")
        out[e["id"]] = {"rules": hits, "drugs": e["drugs"]}
    return out


def test_flagged_listings_are_exactly_those_a_drug_rule_fires_on(loaded) -> None:
    world, _, flags = loaded
    assert set(flags) == set(_expected(world))
    assert 10 < len(flags) < 60


def test_score_is_the_sum_of_the_rules_that_fired(loaded) -> None:
    world, _, flags = loaded
    for key, exp in _expected(world).items():
        score, reasons, _ = flags[key]
        fired = {r["rule"] for r in reasons}
        assert exp["rules"] <= fired, key
        assert score == min(100, sum(RULES[r].weight for r in fired))
        assert sum(r["points"] for r in reasons) == sum(RULES[r].weight for r in fired)
        assert 0 <= score <= 100


def test_each_reason_points_at_its_evidence(loaded) -> None:
    world, _, flags = loaded
    for key, exp in _expected(world).items():
        reasons = flags[key][1]
        for d in exp["drugs"]:
            rule = _drug_rule(d)
            if rule is None:
                continue
            r = next(x for x in reasons if x["rule"] == rule and d["inn"] in x["detail"])
            assert r["field"] == "drugs" and r["evidence"] == d["name"]
            assert (r["start"], r["end"]) == (d["start"], d["end"])
            if d["controlled"] and d["schedule_us"]:
                assert f"US CSA {d['schedule_us']}" in r["detail"]
        for r in reasons:
            if r["rule"] == "cross_border":
                entity = next(e for e in world.entities if e["id"] == key)
                assert r["field"] == "ship_to" and r["evidence"].startswith(entity["ship_from"] + " -> ")


def test_text_rules_give_the_span_found(tmp_path: Path) -> None:
    """A listing saying "no prescription" and "stealth": both reasons, with exact offsets."""
    root = tmp_path
    world = write_world(root, n=5)
    import json

    for f in (root / "staging").rglob("listings.jsonl"):
        rows = [json.loads(x) for x in f.read_text().splitlines()]
        rows[0]["fields"]["description"] = "Top quality. No prescription needed, stealth shipping."
        f.write_text("".join(json.dumps(r) + "\n" for r in rows))
    for f in (root / "extracted").rglob("entities.jsonl"):
        rows = [json.loads(x) for x in f.read_text().splitlines()]
        rows[0]["drugs"] = [{"name": "Xanax", "inn": "alprazolam", "class": "benzodiazepine",
                             "schedule_un": "1971-IV", "schedule_us": "IV", "controlled": True, "rx_only": True}]
        rows[0]["is_drug_listing"] = True
        f.write_text("".join(json.dumps(r) + "\n" for r in rows))
    db = root / "w.duckdb"
    load_all(db, Layout(root))
    key = world.entities[0]["id"].split(":")[0] + ":" + world.listings[0]["listing_id"]
    con = duckdb.connect(str(db), read_only=True)
    reasons, description = con.execute("SELECT f.reasons, l.description FROM flag f JOIN listing l USING (listing_key) "
                                       "WHERE listing_key = ?", [key]).fetchone()
    con.close()
    by_rule = {r["rule"]: r for r in reasons}
    for rule, word in (("no_prescription_claim", "No prescription needed"), ("stealth_shipping", "stealth")):
        r = by_rule[rule]
        assert r["field"] == "description" and r["evidence"] == word
        assert description[r["start"]:r["end"]] == word


def test_rule_version_is_the_yaml_version(loaded) -> None:
    _, _, flags = loaded
    assert {v for _, _, v in flags.values()} == {load_rules().version}


def test_compute_flags_alone_reproduces_the_table(loaded) -> None:
    _, db, flags = loaded
    con = duckdb.connect(str(db), read_only=True)
    before = con.execute("SELECT * EXCLUDE (reasons), reasons::VARCHAR FROM flag ORDER BY ALL").fetchall()
    con.close()
    assert compute_flags(db) == len(flags)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT * EXCLUDE (reasons), reasons::VARCHAR FROM flag ORDER BY ALL").fetchall() == before
    con.close()


def _with_entities(root: Path, changes: list[dict]) -> None:
    import json

    for f in (root / "extracted").rglob("entities.jsonl"):
        rows = [json.loads(x) for x in f.read_text().splitlines()]
        for row, change in zip(rows, changes):
            row.update(change)
        f.write_text("".join(json.dumps(r) + "\n" for r in rows))


CODEINE = {"name": "Lean", "inn": "codeine", "class": "opioid", "schedule_un": "1961-II",
           "schedule_us": "II", "controlled": True, "rx_only": True}
XANAX = {"name": "Xanax", "inn": "alprazolam", "class": "benzodiazepine", "schedule_un": "1971-IV",
         "schedule_us": "IV", "controlled": True, "rx_only": True}


def test_bulk_and_counterfeit_rules_read_the_quantity_unit(tmp_path: Path) -> None:
    """A pint of syrup (473 ml) is no bulk, a gallon (3785 ml) is; 10 pills of Xanax at 10 cents
    is a counterfeit price, 10 g of "Xanax" powder at 10 cents a gram is no pill price."""
    world = write_world(tmp_path, n=5)
    changes = [
        {"drugs": [CODEINE], "quantity": {"value": 473.176, "unit": "ml"}, "price": 400.0,
         "currency": "USD", "unit_price": None},
        {"drugs": [CODEINE], "quantity": {"value": 3785.41, "unit": "ml"}, "price": 2000.0,
         "currency": "USD", "unit_price": None},
        {"drugs": [XANAX], "quantity": {"value": 10.0, "unit": "unit"}, "price": 1.0,
         "currency": "USD", "unit_price": 0.1},
        {"drugs": [XANAX], "quantity": {"value": 10.0, "unit": "g"}, "price": 1.0,
         "currency": "USD", "unit_price": 0.1},
    ]
    _with_entities(tmp_path, [dict(c, is_drug_listing=True) for c in changes])
    db = tmp_path / "w.duckdb"
    load_all(db, Layout(tmp_path))
    keys = [e["id"].split(":")[0] + ":" + l["listing_id"] for e, l in zip(world.entities, world.listings)]
    con = duckdb.connect(str(db), read_only=True)
    fired = {k: {r["rule"]: r for r in reasons} for k, reasons in con.execute(
        "SELECT listing_key, reasons FROM flag").fetchall()}
    con.close()
    pint, gallon, pills, powder = (fired[k] for k in keys[:4])
    assert "bulk_quantity" not in pint
    assert gallon["bulk_quantity"]["evidence"] == "3785.41 ml"
    assert pills["counterfeit_price"]["evidence"] == "0.1 USD/unit"
    assert "counterfeit_price" not in powder
    assert RULES["bulk_quantity"].params["millilitres"] == 1000


def test_cross_country_medians_are_per_price_unit(tmp_path: Path) -> None:
    """Pills, grams and millilitres are never in one median: two pill packs and two gram packs
    on one route and class give one row per unit, each with its own median."""
    write_world(tmp_path, n=6)
    route = {"ship_from": "IS", "ship_to": ["MT"], "is_drug_listing": True, "drugs": [CODEINE],
             "currency": "USD", "unit_price": None}
    packs = [(10, "unit", 100.0), (20, "unit", 100.0), (1, "g", 50.0), (2, "g", 50.0)]
    _with_entities(tmp_path, [dict(route, quantity={"value": float(q), "unit": u}, price=p)
                              for q, u, p in packs])
    db = tmp_path / "w.duckdb"
    load_all(db, Layout(tmp_path))
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT price_unit, listings, median_unit_price_usd FROM cross_country_flows "
                       "WHERE ship_from = 'IS' AND ship_to = 'MT' ORDER BY price_unit").fetchall()
    units = con.execute("SELECT DISTINCT quantity_unit FROM listing_observation "
                        "WHERE ship_from = 'IS' ORDER BY 1").fetchall()
    con.close()
    files = len(list((tmp_path / "extracted").rglob("entities.jsonl")))  # the changes go in each
    assert rows == [("g", 2 * files, 37.5), ("unit", 2 * files, 7.5)]
    assert units == [("g",), ("unit",)]
