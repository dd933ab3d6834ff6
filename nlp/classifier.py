"""The listing classifier: hashed word + character n-grams -> drug class or `none`.

A linear model (scikit-learn `SGDClassifier`, log loss) trained offline by
`nlp/train_listing_classifier.py`. The artefact keeps only the weight columns that
training ever touched, so it stays small and loads without pickle.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import HashingVectorizer

from nlp.exceptions import LexiconError

ARTEFACT = Path(__file__).parent / "data" / "listing_classifier.npz"
N_FEATURES = 2 ** 18
NONE = "none"


def vectorizers() -> tuple[HashingVectorizer, HashingVectorizer]:
    """Stateless feature maps shared by training and prediction (must never diverge)."""
    words = HashingVectorizer(n_features=N_FEATURES, alternate_sign=False, ngram_range=(1, 2),
                              token_pattern=r"(?u)\b\w+\b")
    chars = HashingVectorizer(n_features=N_FEATURES, alternate_sign=False, analyzer=char_wb)
    return words, chars


def char_wb(text: str) -> list[str]:
    """scikit-learn's analyzer="char_wb", ngram_range=(3, 5): the same n-grams (lower-cased,
    within whitespace-separated words padded with one space), from a cache per word: words
    repeat across titles, and sklearn slices every word again."""
    return [gram for word in text.lower().split() for gram in _word_grams(word)]


@lru_cache(maxsize=200_000)
def _word_grams(word: str) -> tuple[str, ...]:
    padded = f" {word} "
    grams: list[str] = []
    for n in range(3, 6):
        grams += [padded[i:i + n] for i in range(max(1, len(padded) - n + 1))]
        if len(padded) <= n:  # as sklearn: a word this short gave its one n-gram, stop
            break
    return tuple(grams)


def features(texts: list[str]) -> csr_matrix:
    words, chars = vectorizers()
    return hstack([words.transform(texts), chars.transform(texts)]).tocsr()


@dataclass
class ListingClassifier:
    classes: list[str]
    columns: np.ndarray      # feature indices kept
    weights: np.ndarray      # (len(columns), n_classes)
    intercept: np.ndarray    # (n_classes,)
    meta: dict

    @classmethod
    def load(cls, path: Path = ARTEFACT) -> "ListingClassifier":
        try:
            with np.load(path, allow_pickle=False) as data:
                return cls([str(c) for c in data["classes"]], data["columns"],
                           data["weights"].astype(np.float32), data["intercept"],
                           json.loads(str(data["meta"])))
        except (OSError, KeyError, ValueError) as exc:
            raise LexiconError(f"cannot load listing classifier {path}: {exc}") from exc

    def save(self, path: Path = ARTEFACT) -> None:
        np.savez_compressed(path, classes=np.array(self.classes), columns=self.columns,
                            weights=self.weights.astype(np.float16), intercept=self.intercept,
                            meta=np.array(json.dumps(self.meta)))

    def proba(self, texts: list[str]) -> np.ndarray:
        """(n_texts, n_classes) class probabilities (softmax of the linear scores)."""
        if not texts:
            return np.zeros((0, len(self.classes)))
        x = features(texts)[:, self.columns]
        scores = np.asarray(x @ self.weights) + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, texts: list[str]) -> list[tuple[str, float]]:
        """(best class, its probability) per text."""
        p = self.proba(texts)
        best = p.argmax(axis=1) if len(texts) else []
        return [(self.classes[i], float(p[n, i])) for n, i in enumerate(best)]
