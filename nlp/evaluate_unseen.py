"""Agora scored as the held-out split will be: on vendors the listing classifier never saw.

The held-out Agora split shares no vendor with agora2014_dev.csv, so the full-dev figures of
`pharmwatch evaluate` (classifier trained on every dev row) flatter the model. Here the rows
are split into vendor-grouped folds; each fold is extracted by the whole pipeline with a
classifier trained on the other folds only (the lexicons and rules stay as shipped: they were
written with the dev set in view, so even these figures lean optimistic).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from sklearn.model_selection import GroupKFold

from nlp.evaluate import agora_gold, score_agora
from nlp.pipeline import build_pipeline
from nlp.train_listing_classifier import fit, load_rows


def evaluate_agora_unseen(data_dir: Path, folds: int = 5, limit: int | None = None) -> dict[str, Any]:
    """The Agora figures of `evaluate_agora`, each row extracted with a model that never saw
    its vendor (`limit`: the first rows only)."""
    from nlp.extract import Extractor  # heavy: only when evaluating

    texts, labels, vendors = (part[:limit] for part in load_rows(data_dir))
    records, truth = agora_gold(data_dir, limit)
    preds: list[Any] = [None] * len(records)
    with tempfile.TemporaryDirectory(prefix="pharmwatch-cv-") as tmp:
        for k, (train, test) in enumerate(GroupKFold(folds).split(texts, labels, vendors)):
            model = fit([texts[i] for i in train], labels[train], {"fold": k, "folds": folds})
            path = Path(tmp) / f"fold{k}.npz"
            model.save(path)
            nlp = build_pipeline(overrides={"components.pharmwatch_listing.classifier_path": str(path)})
            for i, pred in zip(test, Extractor(nlp).extract_many([records[i] for i in test])):
                preds[i] = pred
    return score_agora(preds, truth)
