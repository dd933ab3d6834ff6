"""Per-field precision/recall/F1 of extract records against gold, joined on `id`."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nlp.exceptions import NlpError

FIELDS = ("drugs", "seller", "ship_from", "ship_to", "price", "currency", "is_drug_listing")
DEFAULT_DATA_DIR = Path("/work/shared/data")
PRICE_TOLERANCE = 0.01  # relative: displayed prices are rounded differently across tabs


def _items(field: str, rec: dict[str, Any] | None) -> set[Any]:
    """The facts a record asserts for one field, as a set (empty = asserts nothing)."""
    if rec is None:
        return set()
    value = rec.get(field)
    if field == "drugs":
        return {(d["inn"] if isinstance(d, dict) else str(d)).lower() for d in value or []}
    if field == "ship_to":
        return set(value or [])
    if field == "is_drug_listing":
        return {True} if value is True else set()
    if value is None or value == "":
        return set()
    if field == "price":
        return {float(value)}
    return {value}


def _match(field: str, pred: set[Any], gold: set[Any]) -> int:
    if field != "price":
        return len(pred & gold)
    return sum(1 for p in pred if any(abs(p - g) <= PRICE_TOLERANCE * max(abs(g), 1.0)
                                      for g in gold))


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}


def score(predictions: Iterable[dict[str, Any]], truth: Iterable[dict[str, Any]],
          fields: Iterable[str] = FIELDS) -> dict[str, Any]:
    """Micro P/R/F1 per field over the gold ids; a missing prediction counts as empty.

    Every fact is a (listing, value) pair: drugs by INN, ship_to by code, seller, ship_from,
    price (1% relative tolerance), currency exact, is_drug_listing with True as positive.
    """
    preds = {p["id"]: p for p in predictions}
    gold = {t["id"]: t for t in truth}
    out: dict[str, Any] = {"n": len(gold), "missing": sum(1 for i in gold if i not in preds)}
    for field in fields:
        tp = fp = fn = 0
        for gid, g in gold.items():
            ps, gs = _items(field, preds.get(gid)), _items(field, g)
            hit = _match(field, ps, gs)
            tp, fp, fn = tp + hit, fp + len(ps) - hit, fn + len(gs) - hit
        out[field] = _prf(tp, fp, fn)
    return out


def format_scores(scores: dict[str, Any]) -> str:
    lines = [f"n={scores['n']} missing={scores.get('missing', 0)}",
             f"{'field':<16}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}"]
    for field, s in scores.items():
        if isinstance(s, dict):
            lines.append(f"{field:<16}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}"
                         f"{s['tp']:>6}{s['fp']:>6}{s['fn']:>6}")
    return "\n".join(lines)


def pages_gold(data_dir: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(input records with html, truth) for pages_dev_gold.jsonl, tab re-saves dropped."""
    records, truth = [], []
    for line in (data_dir / "pages_dev_gold.jsonl").read_text(encoding="utf-8").splitlines():
        g = json.loads(line)
        if g.get("duplicate_of"):
            continue
        html = (data_dir / g["path"]).read_text(encoding="utf-8", errors="replace")
        records.append({"id": g["path"], "html": html})
        truth.append({**g, "id": g["path"]})
    return records, truth


def agora_gold(data_dir: Path, limit: int | None = None,
               ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Agora rows as text records; truth has ship_from and is_drug_listing only."""
    records, truth = [], []
    with (data_dir / "agora2014_dev.csv").open(newline="", encoding="utf-8") as fh:
        for n, row in enumerate(csv.DictReader(fh)):
            if limit is not None and n >= limit:
                break
            rid = f"agora:{row['listing_id']}:{n}"
            text = f"Ships from: {row['ship_from']}\nShips to: {row['ship_to']}\n{row['product']}"
            records.append({"id": rid, "text": text})
            truth.append({"id": rid, "ship_from": row["gold_ship_from"] or None,
                          "is_drug_listing": row["gold_is_drug"] == "True"})
    return records, truth


def evaluate_gold(data_dir: Path = DEFAULT_DATA_DIR, extractor: Any = None,
                  agora_limit: int | None = None) -> dict[str, dict[str, Any]]:
    """Scores on the pages gold and the Agora dev CSV; prints them as tables."""
    from nlp.extract import Extractor  # heavy: only when evaluating

    if not (data_dir / "pages_dev_gold.jsonl").is_file():
        raise NlpError(f"no gold data in {data_dir}")
    extractor = extractor or Extractor()
    results: dict[str, dict[str, Any]] = {}
    recs, truth = pages_gold(data_dir)
    results["pages"] = score(extractor.extract_many(recs), truth)
    recs, truth = agora_gold(data_dir, agora_limit)
    results["agora"] = score(extractor.extract_many(recs), truth,
                             fields=("ship_from", "is_drug_listing"))
    for name, s in results.items():
        print(f"== {name}\n{format_scores(s)}")
    return results


if __name__ == "__main__":
    evaluate_gold()
