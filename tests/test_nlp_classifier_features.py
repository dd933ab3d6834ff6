"""The classifier predicts with `mmh3` features that must be scikit-learn's, which it was
trained on (nlp/classifier.py): same columns, same counts, same probabilities."""

from __future__ import annotations

import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from nlp.classifier import N_FEATURES, ListingClassifier, features, hashed

ROOT = Path(__file__).resolve().parents[1]


def _texts() -> list[str]:
    sys.path.insert(0, str(ROOT))  # bench/ is scripts, not installed
    from bench.nlp import texts

    rng = random.Random(5)
    alphabet = "ab AZ\u00c9\u0130\u03a3\u1e9e\u01c5\t\n\u00a0\u2028x1-._'\u00df\u65e5\U0001f48a"
    out = [r["fields"]["title"] for r in texts(3, 400)]
    out += [f"{r['fields']['title']}\n{r['text']}" for r in texts(4, 60)]
    out += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(2000)]
    out += ["", " ", "a", "ab abc", "X A N A X 2mg", "=cmd|' /C calc'!A0", "<script>x</script>",
            "100x Xanax 2mg bars — 50€", "Кокаин 1г, доставка", "a" * 5000]
    return out


def test_hashed_columns_and_counts_are_sklearns() -> None:
    texts = _texts()
    ours = [Counter(hashed(t)) for t in texts]
    theirs = features(texts)
    for n, counts in enumerate(ours):
        row = theirs.getrow(n)
        assert sorted(counts) == sorted(row.indices.tolist()), texts[n]
        # sklearn's values are the counts over each block's l2 norm: compare the ratios
        for lo, hi in ((0, N_FEATURES), (N_FEATURES, 2 * N_FEATURES)):
            block = {int(i): v for i, v in zip(row.indices, row.data) if lo <= i < hi}
            mine = {i: c for i, c in counts.items() if lo <= i < hi}
            if mine:
                norm = np.sqrt(sum(c * c for c in mine.values()))
                assert max(abs(block[i] - c / norm) for i, c in mine.items()) < 1e-12


@pytest.mark.parametrize("batch", [1, 7, 256])
def test_probabilities_are_those_of_the_sklearn_features(batch: int) -> None:
    texts = _texts()
    model = ListingClassifier.load()
    x = features(texts)[:, model.columns]
    scores = np.asarray(x @ model.weights) + model.intercept
    exp = np.exp(scores - scores.max(axis=1, keepdims=True))
    expected = exp / exp.sum(axis=1, keepdims=True)
    got = np.concatenate([model.proba(texts[i:i + batch]) for i in range(0, len(texts), batch)])
    assert got.shape == expected.shape
    assert np.abs(got - expected).max() < 1e-12
    assert (got.argmax(axis=1) == expected.argmax(axis=1)).all()
    assert model.proba([]).shape == (0, len(model.classes))


def test_extraction_starts_without_scikit_learn_or_scipy() -> None:
    """Their imports cost ~4 s of every extraction process's start (Airflow task, CLI)."""
    code = ("import sys; from nlp.extract import Extractor; Extractor(); "
            "print(sorted(m for m in ('sklearn', 'scipy', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, timeout=300, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
