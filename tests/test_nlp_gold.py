"""The Done-when proof: `pharmwatch evaluate` on the real development gold in ../shared/data."""

from __future__ import annotations


import pytest

from nlp.evaluate import DEFAULT_DATA_DIR, evaluate_agora, evaluate_dream, evaluate_pages

import os

_GOLD = (DEFAULT_DATA_DIR / "pages_dev_gold.jsonl").is_file()
if not _GOLD and os.environ.get("CI") == "true":  # CI lays shared/ beside the clone: must be there
    raise RuntimeError(f"development gold missing at {DEFAULT_DATA_DIR} (set PHARMWATCH_GOLD_DIR)")
pytestmark = pytest.mark.skipif(not _GOLD, reason="development gold not present")


def test_pages_dev_gold(extractor):
    r = evaluate_pages(extractor, DEFAULT_DATA_DIR)
    assert r["n"] == 27  # listing pages without the Hansa tab re-saves
    assert r["ship_from_accuracy"]["accuracy"] >= 0.95
    assert r["seller_exact"]["accuracy"] >= 0.95
    assert r["drugs"]["f1"] >= 0.95


def test_agora2014_dev(extractor):
    r = evaluate_agora(extractor, DEFAULT_DATA_DIR)
    assert r["is_drug_listing"]["recall"] >= 0.95
    assert r["nondrug_fp_rate"] <= 0.02
    assert r["ship_from_accuracy"]["accuracy"] >= 0.95 and r["ship_from_accuracy"]["n"] > 6000
    assert r["class_agreement"]["accuracy"] >= 0.85


def test_dream2017_cocaine(extractor):
    r = evaluate_dream(extractor, DEFAULT_DATA_DIR)
    # With the market's category ("Cocaine") as a crawler scrapes it, every row but one is
    # found as cocaine: "AMPHETAMIN-SULFAT" is amphetamine, mis-shelved by its vendor (the
    # gold says cocaine). "10 grams uncut 90% purity" names no drug, and "PURESPEEDPASTE" is
    # speed: both come from the category. See docs/extraction.md.
    assert r["cocaine_found"]["n"] == 1504 and r["cocaine_found"]["hits"] >= 1503
    # Every row is on the cocaine shelf, and the one whose text names another drug is listed.
    assert r["cocaine_found_or_shelved"]["hits"] == 1504
    assert [(o["title"][:31], o["drugs"]) for o in r["cocaine_shelf_named_other"]] == \
        [("[LIMITED]50GR AMPHETAMIN-SULFAT", ["amphetamine"])]
    # The text alone: the letter-spaced "C O L O M B I A N C O C A I N E" is found (1,501/1,504).
    assert r["cocaine_found_text_only"]["hits"] >= 1501
    assert r["ship_from_accuracy"]["accuracy"] >= 0.95


def test_evaluate_command_prints_every_set(capsys):
    from pharmwatch.cli import main

    assert main(["evaluate", "--data-dir", str(DEFAULT_DATA_DIR), "--agora-limit", "300",
                 "--listings", "60"]) == 0
    out = capsys.readouterr().out
    for name in ("pages_dev_gold", "agora2014_dev", "dream2017_cocaine", "sandbox",
                 "drug class confusion", "seller_exact"):
        assert name in out


def test_agora_on_vendors_the_model_never_saw():
    """The held-out Agora split shares no vendor with the dev set: the issue's thresholds must
    hold with a classifier that never saw the row's vendor, not only with the shipped one
    (trained on every dev row). Before this test: recall 0.934 and non-drug FP 3.0% here."""
    from nlp.evaluate_unseen import evaluate_agora_unseen

    r = evaluate_agora_unseen(DEFAULT_DATA_DIR, folds=5)
    assert r["n"] == 8308 and r["missing"] == 0
    assert r["is_drug_listing"]["recall"] >= 0.95
    assert r["nondrug_fp_rate"] <= 0.02
    assert r["class_agreement"]["accuracy"] >= 0.85
