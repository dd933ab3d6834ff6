"""Per-field precision/recall/F1 of extract records against gold, joined on `id`."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nlp.exceptions import NlpError

FIELDS = ("drugs", "seller", "ship_from", "ship_to", "price", "currency", "is_drug_listing")
# ../shared/data relative to the repository: where the project keeps its gold files
# (PHARMWATCH_GOLD_DIR points elsewhere, e.g. when the repository is cloned on its own).
DEFAULT_DATA_DIR = Path(os.environ.get("PHARMWATCH_GOLD_DIR")
                        or Path(__file__).resolve().parents[2] / "shared" / "data")
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
    """Agora rows as text records (`Ships from/to` lines + product); truth as in the CSV."""
    records, truth = [], []
    with (data_dir / "agora2014_dev.csv").open(newline="", encoding="utf-8") as fh:
        for n, row in enumerate(csv.DictReader(fh)):
            if limit is not None and n >= limit:
                break
            rid = f"agora:{row['listing_id']}:{n}"
            text = f"Ships from: {row['ship_from']}\nShips to: {row['ship_to']}\n{row['product']}"
            records.append({"id": rid, "text": text, "date": row["date"]})
            truth.append({"id": rid, "ship_from": row["gold_ship_from"] or None,
                          "is_drug_listing": row["gold_is_drug"] == "True",
                          "gold_class": row["gold_class"] or None, "vendor": row["vendor"]})
    return records, truth


def dream_gold(data_dir: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Dream cocaine rows as text records: the title and the market's `ships_from_to` line,
    with the category a crawler of the market scrapes (every row is from its "Cocaine" shelf)."""
    records, truth = [], []
    with (data_dir / "dream2017_cocaine.csv").open(newline="", encoding="utf-8") as fh:
        for n, row in enumerate(csv.DictReader(fh)):
            rid = f"dream:{n}"
            text = f"{row['product_title']}\nShips from: {row['ships_from_to']}"
            records.append({"id": rid, "text": text, "date": "2017-07-01",
                            "fields": {"category": "Cocaine"}})
            truth.append({"id": rid, "ship_from": row["ships_from"] or None, "drugs": ["cocaine"],
                          "seller": row["vendor_name"], "is_drug_listing": True})
    return records, truth


def sandbox_gold(seed: int, listings: int, day: int = 0,
                 ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Sandbox listing pages as html-only records (no crawler hints) and World truth."""
    from sandbox.site import Site
    from sandbox.world import World

    world = World(seed, listings, day)
    site = Site(world)
    records, truth = [], []
    for t in world.truth():
        if t["fault"]:
            continue
        page = site.handle(t["url_path"])
        records.append({"id": t["id"], "html": page.body.decode("utf-8")})
        truth.append(t)
    return records, truth


GOLD_CLASSES = ("opioid", "benzodiazepine", "stimulant", "cannabis", "entactogen",
                "psychedelic", "dissociative", "steroid")
# Our classes onto Agora's subcategory classes (only where the two schemes differ).
CLASS_MAP = {"pde5_inhibitor": "prescription", "gabapentinoid": "prescription",
             "muscle_relaxant": "prescription", "sedative": "prescription",
             "antibiotic": "prescription", "antidepressant": "prescription",
             "antipsychotic": "prescription", "synthetic_cannabinoid": "cannabis",
             "hormone": "steroid"}


def accuracy(preds: list[dict[str, Any]], truth: list[dict[str, Any]], field: str,
             where: Any = None) -> dict[str, float | int]:
    """Exact-match share of `field` over the gold records (optionally those `where` holds)."""
    by_id = {p["id"]: p for p in preds}
    rows = [t for t in truth if where is None or where(t)]
    hits = sum(1 for t in rows if (by_id.get(t["id"]) or {}).get(field) == t.get(field))
    return {"accuracy": hits / len(rows) if rows else 0.0, "n": len(rows), "hits": hits}


def class_confusion(preds: list[dict[str, Any]], truth: list[dict[str, Any]],
                    ) -> tuple[dict[tuple[str, str], int], float, int]:
    """((gold, predicted) -> count, agreement, n) on rows whose gold class is one of eight."""
    by_id = {p["id"]: p for p in preds}
    confusion: dict[tuple[str, str], int] = {}
    hits = n = 0
    for t in truth:
        if t.get("gold_class") not in GOLD_CLASSES:
            continue
        pc = (by_id.get(t["id"]) or {}).get("drug_class")
        pc = CLASS_MAP.get(pc, pc) or "-"
        confusion[(t["gold_class"], pc)] = confusion.get((t["gold_class"], pc), 0) + 1
        hits, n = hits + (pc == t["gold_class"]), n + 1
    return confusion, (hits / n if n else 0.0), n


def format_confusion(confusion: dict[tuple[str, str], int]) -> str:
    cols = sorted({p for _, p in confusion})
    lines = [f"{'gold/predicted':<16}" + "".join(f"{c[:8]:>9}" for c in cols)]
    for g in GOLD_CLASSES:
        lines.append(f"{g:<16}" + "".join(f"{confusion.get((g, c), 0):>9}" for c in cols))
    return "\n".join(lines)


def _fp_rate(preds: list[dict[str, Any]], truth: list[dict[str, Any]]) -> float:
    by_id = {p["id"]: p for p in preds}
    neg = [t for t in truth if not t["is_drug_listing"]]
    fp = sum(1 for t in neg if (by_id.get(t["id"]) or {}).get("is_drug_listing"))
    return fp / len(neg) if neg else 0.0


def evaluate_pages(extractor: Any, data_dir: Path) -> dict[str, Any]:
    recs, truth = pages_gold(data_dir)
    preds = list(extractor.extract_many(recs))
    out = score(preds, truth, FIELDS + ("title",))
    out["ship_from_accuracy"] = accuracy(preds, truth, "ship_from")
    out["seller_exact"] = accuracy(preds, truth, "seller")
    return out


def evaluate_agora(extractor: Any, data_dir: Path, limit: int | None = None) -> dict[str, Any]:
    recs, truth = agora_gold(data_dir, limit)
    return score_agora(list(extractor.extract_many(recs)), truth)


def score_agora(preds: list[dict[str, Any]], truth: list[dict[str, Any]]) -> dict[str, Any]:
    """The Agora figures the issue sets thresholds on, plus the class confusion."""
    out = score(preds, truth, fields=("ship_from", "is_drug_listing"))
    out["ship_from_accuracy"] = accuracy(preds, truth, "ship_from", lambda t: t["ship_from"])
    out["nondrug_fp_rate"] = _fp_rate(preds, truth)
    confusion, agreement, n = class_confusion(preds, truth)
    out["class_agreement"] = {"accuracy": agreement, "n": n}
    out["confusion"] = confusion
    return out


def _share_with_cocaine(preds: list[dict[str, Any]]) -> dict[str, float | int]:
    hits = sum(1 for p in preds if "cocaine" in {d["inn"] for d in p["drugs"]})
    return {"accuracy": hits / len(preds) if preds else 0.0, "n": len(preds), "hits": hits}


def evaluate_dream(extractor: Any, data_dir: Path) -> dict[str, Any]:
    """Scores with the category hint; `cocaine_found_text_only` is what the text alone gives
    (the same records without `fields`)."""
    recs, truth = dream_gold(data_dir)
    preds = list(extractor.extract_many(recs))
    out = score(preds, truth, fields=("drugs", "ship_from", "is_drug_listing"))
    out["ship_from_accuracy"] = accuracy(preds, truth, "ship_from")
    out["cocaine_found"] = _share_with_cocaine(preds)
    # A listing on the cocaine shelf whose text names another drug is that drug, mis-shelved
    # by its vendor: listed by name so a reader of the scores can judge the gold.
    shelved = [p for p in preds if "cocaine" in p["shelf_drugs"]]
    first_line = {r["id"]: r["text"].split("\n", 1)[0] for r in recs}
    out["cocaine_shelf_named_other"] = [
        {"id": p["id"], "title": first_line[p["id"]], "drugs": [d["inn"] for d in p["drugs"]]}
        for p in shelved if "cocaine" not in {d["inn"] for d in p["drugs"]}]
    out["cocaine_found_or_shelved"] = {"accuracy": len(shelved) / len(preds) if preds else 0.0,
                                       "n": len(preds), "hits": len(shelved)}
    text_only = [{k: v for k, v in r.items() if k != "fields"} for r in recs]
    out["cocaine_found_text_only"] = _share_with_cocaine(list(extractor.extract_many(text_only)))
    return out


def evaluate_sandbox(extractor: Any, seed: int, listings: int, day: int = 0) -> dict[str, Any]:
    recs, truth = sandbox_gold(seed, listings, day)
    preds = list(extractor.extract_many(recs))
    out = score(preds, truth, FIELDS + ("title", "language"))
    out["ship_from_accuracy"] = accuracy(preds, truth, "ship_from")
    out["seller_exact"] = accuracy(preds, truth, "seller")
    return out


def print_results(name: str, result: dict[str, Any]) -> None:
    print(f"== {name}")
    print(format_scores({k: v for k, v in result.items() if k in ("n", "missing") or
                         (isinstance(v, dict) and "f1" in v)}))
    for key, value in result.items():
        if isinstance(value, dict) and "accuracy" in value:
            print(f"{key:<24}{value['accuracy']:>7.3f}  (n={value['n']})")
        elif isinstance(value, float):
            print(f"{key:<24}{value:>7.3f}")
        elif key.endswith("_named_other"):
            for row in value:
                print(f"{key}: {row['id']} {row['title']!r} names {', '.join(row['drugs'])}")
    if "confusion" in result:
        print("drug class confusion (rows with one of the eight gold classes):")
        print(format_confusion(result["confusion"]))


def evaluate_all(data_dir: Path = DEFAULT_DATA_DIR, extractor: Any = None,
                 sandbox: tuple[int, int] | None = (7, 300), agora_limit: int | None = None,
                 unseen_folds: int | None = None) -> dict[str, dict[str, Any]]:
    """Every gold set available; prints each as tables and returns the numbers."""
    from nlp.extract import Extractor  # heavy: only when evaluating

    if not (data_dir / "pages_dev_gold.jsonl").is_file():
        raise NlpError(f"no gold data in {data_dir} (pages_dev_gold.jsonl missing)")
    extractor = extractor or Extractor()
    results = {"pages_dev_gold": evaluate_pages(extractor, data_dir),
               "agora2014_dev": evaluate_agora(extractor, data_dir, agora_limit),
               "dream2017_cocaine": evaluate_dream(extractor, data_dir)}
    if unseen_folds:
        from nlp.evaluate_unseen import evaluate_agora_unseen

        results[f"agora2014_dev, vendors unseen by the model ({unseen_folds}-fold, grouped by vendor)"] = \
            evaluate_agora_unseen(data_dir, unseen_folds)
    if sandbox is not None:
        results["sandbox"] = evaluate_sandbox(extractor, *sandbox)
    for name, result in results.items():
        print_results(name, result)
    return results


evaluate_gold = evaluate_all  # the walking skeleton's name


if __name__ == "__main__":
    evaluate_all()
