"""The listing classifier: hashed word + character n-grams -> drug class or `none`.

A linear model (scikit-learn `SGDClassifier`, log loss) trained offline by
`nlp/train_listing_classifier.py`. The artefact keeps only the weight columns that
training ever touched, so it stays small and loads without pickle.

Training hashes its features with scikit-learn's `HashingVectorizer` (`features`). Prediction
computes the same features with `mmh3`, the MurmurHash3 scikit-learn uses (`hashed`): importing
scikit-learn and SciPy cost ~4 s of every extraction process's start, for a few hashes per
title. tests/test_nlp_classifier_features.py holds the two maps equal.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import mmh3
import numpy as np

from nlp.exceptions import LexiconError

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import HashingVectorizer

ARTEFACT = Path(__file__).parent / "data" / "listing_classifier.npz"
N_FEATURES = 2 ** 18
NONE = "none"
_TOKEN = re.compile(r"(?u)\b\w+\b")  # HashingVectorizer's default token_pattern, as below
# scikit-learn's index for the one hash whose abs() overflows int32 (sklearn/feature_extraction/
# _hashing_fast.pyx).
_INT_MIN = -2 ** 31
_INT_MIN_INDEX = (2 ** 31 - 1 - (N_FEATURES - 1)) % N_FEATURES


def vectorizers() -> tuple[HashingVectorizer, HashingVectorizer]:
    """Stateless feature maps of training (must never diverge from `hashed`)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    words = HashingVectorizer(n_features=N_FEATURES, alternate_sign=False, ngram_range=(1, 2),
                              token_pattern=_TOKEN.pattern)
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
    """Training's feature matrix: word 1-2-grams, then char_wb 3-5-grams, each block l2-normed."""
    from scipy.sparse import hstack

    words, chars = vectorizers()
    return hstack([words.transform(texts), chars.transform(texts)]).tocsr()


def _index(gram: str) -> int:
    """scikit-learn's FeatureHasher column of one string feature (signed MurmurHash3, seed 0,
    of its UTF-8 bytes)."""
    h = mmh3.hash(gram.encode("utf-8"))
    return _INT_MIN_INDEX if h == _INT_MIN else abs(h) % N_FEATURES


@lru_cache(maxsize=200_000)
def _word_indices(word: str) -> tuple[int, ...]:
    return tuple(_index(g) for g in _word_grams(word))


def hashed(text: str) -> list[int]:
    """The columns of `features([text])`, once per occurrence: word 1-2-grams, then char_wb
    3-5-grams offset by N_FEATURES (a feature's count is how often its column appears)."""
    low = text.lower()
    tokens = _TOKEN.findall(low)
    columns = [_index(g) for g in tokens]
    columns += [_index(f"{a} {b}") for a, b in zip(tokens, tokens[1:])]
    columns += [N_FEATURES + i for w in low.split() for i in _word_indices(w)]
    return columns


@dataclass
class ListingClassifier:
    classes: list[str]
    columns: np.ndarray      # feature indices kept
    weights: np.ndarray      # (len(columns), n_classes)
    intercept: np.ndarray    # (n_classes,)
    meta: dict
    _row_of: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # column -> its weight row, -1 for the columns training never saw (2 MB of int32)
        self._row_of = np.full(2 * N_FEATURES, -1, dtype=np.int32)
        self._row_of[np.asarray(self.columns, dtype=np.int64)] = np.arange(len(self.columns))

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
        """(n_texts, n_classes) class probabilities (softmax of the linear scores), for a
        batch at once."""
        scores = np.tile(np.asarray(self.intercept, dtype=np.float64), (len(texts), 1))
        text, column, value = _normed_counts([hashed(t) for t in texts])
        rows = self._row_of[column]
        kept = rows >= 0  # a feature training never saw weighs nothing
        text, contrib = text[kept], value[kept, None] * self.weights[rows[kept]]
        if len(text):  # sorted by text, so each text's features are one run: sum the runs
            starts = np.flatnonzero(np.r_[True, text[1:] != text[:-1]])
            scores[text[starts]] += np.add.reduceat(contrib, starts, axis=0)
        return _softmax(scores)

    def predict(self, texts: list[str]) -> list[tuple[str, float]]:
        """(best class, its probability) per text."""
        p = self.proba(texts)
        best = p.argmax(axis=1) if len(texts) else []
        return [(self.classes[i], float(p[n, i])) for n, i in enumerate(best)]


def _normed_counts(columns: list[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(text, column, value) of each distinct feature of a batch, sorted by text then column:
    its count in the text over the l2 norm of its block (words, chars) in that text."""
    if not any(columns):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    owner = np.repeat(np.arange(len(columns), dtype=np.int64), [len(c) for c in columns])
    keys, counts = np.unique(owner * (2 * N_FEATURES) + np.concatenate(
        [np.asarray(c, dtype=np.int64) for c in columns]), return_counts=True)
    text, column = np.divmod(keys, 2 * N_FEATURES)
    block = text * 2 + (column >= N_FEATURES)
    counts = counts.astype(np.float64)
    norms = np.sqrt(np.bincount(block, weights=counts * counts, minlength=2 * len(columns)))
    return text, column, counts / norms[block]


def _softmax(scores: np.ndarray) -> np.ndarray:
    scores = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(scores)
    return exp / exp.sum(axis=1, keepdims=True)
