"""Risk flags: rules + weights in a versioned YAML file, scoring in models/flag.sql.

`apply_rules` puts the YAML's rules into the `risk_rule` table (the rules in effect) and
re-scores every listing in one transaction; each flag keeps the version that scored it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import yaml

from warehouse.db import connect, migrate_connection
from warehouse.exceptions import WarehouseError
from warehouse.models import rebuild

RULES_PATH = Path(__file__).parent / "rules" / "risk_rules.yaml"
# The rules flag.sql implements; a YAML rule outside this set would silently do nothing.
KNOWN_RULES = frozenset({
    "controlled_schedule_high", "controlled_other", "rx_without_prescription",
    "no_prescription_claim", "crypto_only_payment", "stealth_shipping", "cross_border",
    "bulk_quantity", "counterfeit_price", "multi_market_seller", "new_seller",
})
DRUG_RULES = frozenset({"controlled_schedule_high", "controlled_other", "rx_without_prescription"})


class RulesError(WarehouseError):
    """The risk rules file is missing, malformed, or changed without a new version."""


@dataclass(frozen=True)
class Rule:
    rule_id: str
    weight: int
    label: str
    params: dict[str, Any]


@dataclass(frozen=True)
class RuleSet:
    version: str
    rules: tuple[Rule, ...]
    alerts: dict[str, Any]
    sha256: str
    source: str

    def rows(self) -> list[tuple[str, str, int, str, str]]:
        return [(r.rule_id, self.version, r.weight, r.label, json.dumps(r.params, sort_keys=True))
                for r in self.rules]


def _check_rule(rule_id: str, spec: Any) -> Rule:
    where = f"rule {rule_id!r}"
    if rule_id not in KNOWN_RULES:
        raise RulesError(f"{where} is not implemented in models/flag.sql (known: {sorted(KNOWN_RULES)})")
    if not isinstance(spec, dict):
        raise RulesError(f"{where} must be a mapping with weight and label")
    weight = spec.get("weight")
    if not isinstance(weight, int) or isinstance(weight, bool) or not 0 <= weight <= 100:
        raise RulesError(f"{where}: weight must be an integer 0..100, got {weight!r}")
    label = spec.get("label")
    if not isinstance(label, str) or not label.strip():
        raise RulesError(f"{where}: label must be a non-empty string")
    params = spec.get("params") or {}
    if not isinstance(params, dict):
        raise RulesError(f"{where}: params must be a mapping")
    for key, value in params.items():
        if isinstance(value, str) and key in ("pattern", "crypto", "other", "prescription_checked"):
            try:
                re.compile(value)
            except re.error as exc:
                raise RulesError(f"{where}: params.{key} is not a valid regular expression: {exc}") from None
    return Rule(rule_id, weight, label.strip(), params)


def load_rules(path: Path | str = RULES_PATH) -> RuleSet:
    """Read and validate the rules file; every problem is a RulesError naming the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        doc = yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise RulesError(f"cannot read risk rules {path}: {exc}") from None
    if not isinstance(doc, dict):
        raise RulesError(f"{path}: expected a mapping with version and rules")
    version = doc.get("version")
    if not isinstance(version, str) or not version.strip():
        raise RulesError(f"{path}: version must be a non-empty string (quote it: \"2026.2\")")
    rules = doc.get("rules")
    if not isinstance(rules, dict) or not rules:
        raise RulesError(f"{path}: rules must be a non-empty mapping of rule id -> spec")
    try:
        checked = tuple(_check_rule(str(k), v) for k, v in rules.items())
    except RulesError as exc:
        raise RulesError(f"{path}: {exc}") from None
    if not DRUG_RULES & {r.rule_id for r in checked}:
        raise RulesError(f"{path}: at least one drug rule ({sorted(DRUG_RULES)}) is needed to flag anything")
    alerts = doc.get("alerts") or {}
    if not isinstance(alerts, dict):
        raise RulesError(f"{path}: alerts must be a mapping")
    return RuleSet(version.strip(), checked, alerts, hashlib.sha256(text.encode()).hexdigest(), str(path))


def _in_effect(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int, str, str]]:
    rows = con.execute("SELECT rule_id, version, weight, label, params FROM risk_rule ORDER BY rule_id").fetchall()
    return [(r[0], r[1], r[2], r[3], json.dumps(json.loads(r[4] or "{}"), sort_keys=True)) for r in rows]


def sync_rules(con: duckdb.DuckDBPyConnection, rules: RuleSet) -> bool:
    """Make `rules` the rules in effect (in the caller's transaction); True when they changed.

    Changing a weight or parameter without a new version is refused: two flags with the same
    rule_version must have been scored by the same rules.
    """
    current = _in_effect(con)
    wanted = sorted(rules.rows())
    if current == wanted:
        return False
    if current and current[0][1] == rules.version:
        raise RulesError(f"{rules.source}: the rules changed but version is still {rules.version!r}; "
                         "bump `version` so flags scored by the old rules stay distinguishable")
    con.execute("DELETE FROM risk_rule")
    con.executemany("INSERT INTO risk_rule VALUES (?, ?, ?, ?, ?)", wanted)
    con.execute("INSERT INTO risk_rule_set VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [rules.version, rules.sha256, dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
                 rules.source])
    return True


def apply_rules(con: duckdb.DuckDBPyConnection, rules: RuleSet | None = None, force: bool = False) -> bool:
    """Sync the rules and re-score every listing when they changed (or `force`), atomically."""
    rules = rules or load_rules()
    con.execute("BEGIN TRANSACTION")
    try:
        changed = sync_rules(con, rules)
        if changed or force:
            rebuild(con, ("flag",))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return changed


def compute_flags(db_path: Path | str, rules_path: Path | str | None = None) -> int:
    """Re-score every listing with the rules file (default warehouse/rules/risk_rules.yaml);
    return the number of flagged listings."""
    rules = load_rules(rules_path or RULES_PATH)
    con = connect(db_path)
    try:
        migrate_connection(con)
        apply_rules(con, rules, force=True)
        return int(con.execute("SELECT count(*) FROM flag").fetchall()[0][0])
    finally:
        con.close()
