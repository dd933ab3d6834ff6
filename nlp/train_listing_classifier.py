"""Train the listing classifier on agora2014_dev.csv and write nlp/data/listing_classifier.npz.

    .venv/bin/python -m nlp.train_listing_classifier [--data-dir ../shared/data] [--folds 5]

Reports a vendor-grouped cross-validation first (no vendor in both train and test folds:
the honest estimate for unseen vendors), then fits on all rows. Labels are `gold_class`,
with `none` for the non-drug rows.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import numpy as np
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import GroupKFold

from nlp.classifier import ARTEFACT, NONE, ListingClassifier, features

EIGHT = ("opioid", "benzodiazepine", "stimulant", "cannabis", "entactogen", "psychedelic",
         "dissociative", "steroid")
ALPHA = 1e-5


def load_rows(data_dir: Path) -> tuple[list[str], np.ndarray, list[str]]:
    with (data_dir / "agora2014_dev.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return ([r["product"] for r in rows], np.array([r["gold_class"] or NONE for r in rows]),
            [r["vendor"] for r in rows])


def _model() -> SGDClassifier:
    return SGDClassifier(loss="log_loss", alpha=ALPHA, max_iter=50, tol=None, random_state=0)


def metrics(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    drug, said = y != NONE, pred != NONE
    eight = np.isin(y, EIGHT)
    return {"drug_recall": float((drug & said).sum() / drug.sum()),
            "nondrug_fp_rate": float((~drug & said).sum() / (~drug).sum()),
            "class_agreement_8": float((pred[eight] == y[eight]).mean())}


def grouped_cv(texts: list[str], y: np.ndarray, groups: list[str], folds: int) -> dict[str, float]:
    x = features(texts)
    pred = np.empty(len(y), dtype=object)
    for train, test in GroupKFold(folds).split(x, y, groups):
        pred[test] = _model().fit(x[train], y[train]).predict(x[test])
    return metrics(y, pred.astype(str))


def fit(texts: list[str], y: np.ndarray, meta: dict) -> ListingClassifier:
    x = features(texts)
    model = _model().fit(x, y)
    columns = np.unique(x.indices)  # weights of never-seen features stay 0: drop them
    return ListingClassifier(list(model.classes_), columns.astype(np.int32),
                             model.coef_[:, columns].T.copy(), model.intercept_.copy(), meta)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="train_listing_classifier")
    parser.add_argument("--data-dir", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ARTEFACT)
    args = parser.parse_args(argv)
    texts, y, groups = load_rows(args.data_dir)
    cv = grouped_cv(texts, y, groups, args.folds) if args.folds > 1 else {}
    print("vendor-grouped CV:", json.dumps(cv))
    meta = {"trained_on": "agora2014_dev.csv", "rows": len(texts), "alpha": ALPHA,
            "vendor_grouped_cv": cv}
    clf = fit(texts, y, meta)
    clf.save(args.out)
    print("full-dev (train = test):", json.dumps(metrics(y, np.array(
        [c for c, _ in clf.predict(texts)]))))
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
