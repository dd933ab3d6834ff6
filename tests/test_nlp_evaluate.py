"""score() on hand-built predictions; values worked out by hand in the comments."""

from __future__ import annotations

import pytest

from nlp.evaluate import format_scores, score

TRUTH = [
    {"id": "a", "drugs": ["alprazolam"], "seller": "x", "ship_from": "DE", "ship_to": ["EU", "DE"],
     "price": 100.0, "currency": "USD", "is_drug_listing": True},
    {"id": "b", "drugs": [], "seller": "y", "ship_from": None, "ship_to": [],
     "price": 5.0, "currency": "EUR", "is_drug_listing": False},
    {"id": "c", "drugs": ["cocaine", "mdma"], "seller": "z", "ship_from": "NL", "ship_to": ["WW"],
     "price": None, "currency": None, "is_drug_listing": True},
]
PREDS = [
    {"id": "a", "drugs": [{"inn": "alprazolam"}, {"inn": "diazepam"}], "seller": "x",
     "ship_from": "DE", "ship_to": ["EU"], "price": 100.5, "currency": "USD",
     "is_drug_listing": True},
    {"id": "b", "drugs": [], "seller": "Y", "ship_from": "GB", "ship_to": [], "price": 6.0,
     "currency": "EUR", "is_drug_listing": True},
    {"id": "zzz", "drugs": [{"inn": "heroin"}], "seller": "q", "is_drug_listing": True},
]


@pytest.fixture(scope="module")
def s():
    return score(PREDS, TRUTH)


def test_counts(s):
    assert (s["n"], s["missing"]) == (3, 1)  # 'c' has no prediction, 'zzz' is not gold


def test_drugs(s):
    # tp alprazolam; fp diazepam; fn cocaine, mdma -> P 1/2, R 1/3, F1 0.4
    assert (s["drugs"]["tp"], s["drugs"]["fp"], s["drugs"]["fn"]) == (1, 1, 2)
    assert s["drugs"]["precision"] == pytest.approx(0.5)
    assert s["drugs"]["recall"] == pytest.approx(1 / 3)
    assert s["drugs"]["f1"] == pytest.approx(0.4)


def test_seller_is_exact_case_sensitive(s):
    # x correct; "Y" != "y" (fp+fn); z missed -> tp1 fp1 fn2
    assert (s["seller"]["tp"], s["seller"]["fp"], s["seller"]["fn"]) == (1, 1, 2)


def test_places(s):
    # ship_from: DE ok, GB wrong (fp), NL missed (fn)
    assert (s["ship_from"]["tp"], s["ship_from"]["fp"], s["ship_from"]["fn"]) == (1, 1, 1)
    # ship_to: EU ok; DE and WW missed -> P 1, R 1/3, F1 0.5
    assert s["ship_to"]["precision"] == 1.0 and s["ship_to"]["f1"] == pytest.approx(0.5)


def test_price_tolerance_and_currency(s):
    # 100.5 within 1% of 100; 6.0 not within 1% of 5.0
    assert (s["price"]["tp"], s["price"]["fp"], s["price"]["fn"]) == (1, 1, 1)
    assert (s["currency"]["tp"], s["currency"]["fp"], s["currency"]["fn"]) == (2, 0, 0)


def test_is_drug_listing(s):
    # a TP, b FP, c FN -> P 0.5 R 0.5
    assert (s["is_drug_listing"]["precision"], s["is_drug_listing"]["recall"]) == (0.5, 0.5)


def test_format(s):
    text = format_scores(s)
    assert "drugs" in text and "0.500" in text and "n=3 missing=1" in text
