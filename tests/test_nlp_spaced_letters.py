"""Letter-spaced drug names ("X A N A X"): vendors space letters out to dodge keyword filters."""

from __future__ import annotations

import re

import spacy
import pytest

import nlp.pipeline  # noqa: F401  (registers factories)
from nlp.drugs import spaced_index
from nlp.lexicon import Alias


def _drug_pipe(package: bool):
    pipe = spacy.blank("en")
    pipe.add_pipe("pharmwatch_drugs", config={"use_package_lexicon": package})
    pipe.initialize()
    return pipe


@pytest.fixture(scope="module")
def curated():
    """Substances and street names only (fast to build)."""
    return _drug_pipe(False)


@pytest.fixture(scope="module")
def full():
    """With the package's 100k brand names: the ones that hide inside ordinary words."""
    return _drug_pipe(True)


def _found(pipe, text: str) -> list[tuple[str, str]]:
    return [(d["name"], d["inn"]) for d in pipe(text)._.drugs]


@pytest.mark.parametrize("text,name,inn", [
    ("X A N A X 2mg", "X A N A X", "alprazolam"),
    ("O X Y C O D O N E 30mg", "O X Y C O D O N E", "oxycodone"),
    ("m d m a crystals", "m d m a", "mdma"),  # a whole run may be a 4-letter name
    ("C R Y S T A L M E T H", "C R Y S T A L M E T H", "methamphetamine"),  # "crystal meth"
])
def test_spaced_name_is_found(curated, text, name, inn):
    assert _found(curated, text) == [(name, inn)]


def test_name_inside_a_longer_run_spans_only_its_letters(curated):
    text = "!1G! C O L O M B I A N C O C A I N E - 89% PURITY"
    doc = curated(text)
    assert _found(curated, text) == [("C O C A I N E", "cocaine")]
    d = doc._.drugs[0]
    assert text[d["start"]:d["end"]] == "C O C A I N E"
    assert [(s.text, s.label_) for s in doc.spans["drugs"]] == [("C O C A I N E", "DRUG")]


@pytest.mark.parametrize("text", ["We sell C O C A I N E. Pure", "C O C A I N E.", "C O K E."])
def test_last_letter_before_a_full_stop_counts(curated, text):
    # The tokenizer keeps a final "E." together, as it would an initial: the name still ends
    # at its last letter, without the stop.
    doc = curated(text)
    (d,) = doc._.drugs
    assert d["inn"] == "cocaine" and text[d["start"]:d["end"]] == d["name"]
    assert d["name"] in ("C O C A I N E", "C O K E")


def test_spaced_entry_looks_like_any_other(curated):
    spaced, plain = curated("X A N A X 2mg")._.drugs[0], curated("Xanax 2mg")._.drugs[0]
    assert spaced.keys() == plain.keys()
    assert {k: v for k, v in spaced.items() if k not in ("name", "start", "end")} == \
        {k: v for k, v in plain.items() if k not in ("name", "start", "end")}


def test_two_names_in_one_run(curated):
    assert _found(curated, "P U R E C O C A I N E A N D K E T A M I N E") == [
        ("C O C A I N E", "cocaine"), ("K E T A M I N E", "ketamine")]


@pytest.mark.parametrize("text", [
    "F R E E  S H I P P I N G", "T H E  B E S T", "T H E B E S T",
    "Pick one: a b c d e", "Sizes a b c d available",
    # package brands hide in spelt-out words: "istin" (amlodipine), "ovide" (malathion)
    "S A M P L E L I S T I N G", "T R A C K I N G P R O V I D E D",
    # ambiguous street names need context ("speed" near "paste", "100g"): never taken from a
    # run, whose letters have no word boundary to check that context against
    "S P E E D 100g", "F L A K E colombian",
    # street names and brands hide in spelt-out words too: "roxies" (oxycodone) in PROXIES
    "S O C K S P R O X I E S 1000 pcs",
])
def test_spaced_non_drugs_give_nothing(full, text):
    assert _found(full, text) == []


def test_runs_need_four_letters_one_space_apart(curated):
    assert _found(curated, "X A N") == []             # too short to be a spelt-out word
    assert _found(curated, "X  A  N  A  X") == []     # two spaces: separate letters
    assert _found(curated, "X\nA\nN\nA\nX") == []     # one letter a line: not a word
    assert _found(curated, "Answers: c, o, k, e") == []  # a list, not a word
    assert _found(curated, "c o k e") == [("c o k e", "cocaine")]


def test_spaced_index_respects_stoplist_and_ambiguity():
    aliases = {"coke": Alias("coke", "cocaine", None), "roxies": Alias("roxies", "oxycodone", None),
               "speed": Alias("speed", "amphetamine", re.compile("paste"))}
    index = spaced_index(["cocaine"], aliases, ["sulfate", "crystal meth"],
                         frozenset({"sulfate"}))
    assert index.whole == {"cocaine": "cocaine", "coke": "coke", "roxies": "roxies",
                           "crystalmeth": "crystal meth"}
    # inside a run: curated substance names of five letters or more only
    assert index.inner == {"cocaine": "cocaine"} and index.longest == 7
