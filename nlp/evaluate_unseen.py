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
    extractor = Extractor(build_pipeline())  # built once; each fold swaps the judge's model
    judge = extractor.nlp.get_pipe("pharmwatch_listing")
    with tempfile.TemporaryDirectory(prefix="pharmwatch-cv-") as tmp:
        for k, (train, test) in enumerate(GroupKFold(folds).split(texts, labels, vendors)):
            model = fit([texts[i] for i in train], labels[train], {"fold": k, "folds": folds})
            judge.path = str(Path(tmp) / f"fold{k}.npz")
            model.save(Path(judge.path))
            judge.initialize()  # loads the fold's model, forgets the last model's guesses
            for i, pred in zip(test, extractor.extract_many([records[i] for i in test])):
                preds[i] = pred
    return score_agora(preds, truth)
