"""Drug lexicon: curated substances table, street-name aliases and the package dictionary.

Sources: `data/controlled_substances.csv` (schedules with their legal source per row),
`data/aliases.csv` (street names/brands -> INN, optional context regex for ambiguous
names, optional `weak` for forms a drug comes in) and the dictionary shipped in the PyPI
package `drug-named-entity-recognition` (DrugBank/MedlinePlus/MeSH names and brands ->
canonical generic name).
"""

from __future__ import annotations

import bz2
import csv
import importlib.util
import pickle
import re
from dataclasses import dataclass
from pathlib import Path

from nlp.exceptions import LexiconError

DATA_DIR = Path(__file__).parent / "data"
SUBSTANCES_CSV = DATA_DIR / "controlled_substances.csv"
ALIASES_CSV = DATA_DIR / "aliases.csv"
STOPLIST_TXT = DATA_DIR / "lexicon_stoplist.txt"
NOT_MEDICINES_TXT = DATA_DIR / "not_medicines.txt"
_SUBSTANCE_COLUMNS = ("inn", "class", "schedule_un", "schedule_us", "rx_only", "source")
_UN = re.compile(r"^(1961-(I|II|III|IV)|1971-(I|II|III|IV))?$")
_US = re.compile(r"^(I|II|III|IV|V)?$")


@dataclass(frozen=True)
class Substance:
    inn: str
    drug_class: str | None
    schedule_un: str | None
    schedule_us: str | None
    rx_only: bool

    @property
    def controlled(self) -> bool:
        return bool(self.schedule_un or self.schedule_us)


@dataclass(frozen=True)
class Alias:
    alias: str
    inn: str
    context: re.Pattern[str] | None  # required nearby text for ambiguous street names
    # A form the drug comes in ("blotters", "bars"): names it only when the listing names no
    # other drug ("Etizolam 1mg x 100 blotters" is etizolam on blotter paper, not LSD).
    weak: bool = False


def _read_csv(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = set(columns) - set(reader.fieldnames or [])
            if missing:
                raise LexiconError(f"{path}: missing columns {sorted(missing)}")
            return list(reader)
    except OSError as exc:
        raise LexiconError(f"cannot read lexicon {path}: {exc}") from exc


def load_substances(path: Path = SUBSTANCES_CSV) -> dict[str, Substance]:
    out: dict[str, Substance] = {}
    for n, row in enumerate(_read_csv(path, _SUBSTANCE_COLUMNS), start=2):
        inn = (row["inn"] or "").strip().lower()
        un, us = (row["schedule_un"] or "").strip(), (row["schedule_us"] or "").strip()
        rx = (row["rx_only"] or "").strip().lower()
        if not inn or not _UN.match(un) or not _US.match(us) or rx not in ("true", "false"):
            raise LexiconError(f"{path}:{n}: bad row {row}")
        if not (row["source"] or "").strip():
            raise LexiconError(f"{path}:{n}: row for {inn!r} has no source")
        out[inn] = Substance(inn, (row["class"] or "").strip() or None, un or None, us or None,
                             rx == "true")
    return out


def load_aliases(path: Path = ALIASES_CSV, substances: dict[str, Substance] | None = None,
                 ) -> list[Alias]:
    out: list[Alias] = []
    for n, row in enumerate(_read_csv(path, ("alias", "inn", "context")), start=2):
        alias, inn = (row["alias"] or "").strip().lower(), (row["inn"] or "").strip().lower()
        if not alias or not inn or (substances is not None and inn not in substances):
            raise LexiconError(f"{path}:{n}: alias row {row} names no known substance")
        try:
            ctx = re.compile(row["context"], re.IGNORECASE) if row["context"] else None
        except re.error as exc:
            raise LexiconError(f"{path}:{n}: bad context regex: {exc}") from exc
        weak = (row.get("weak") or "").strip().lower()
        if weak not in ("", "true", "false"):
            raise LexiconError(f"{path}:{n}: weak must be true or false, not {weak!r}")
        out.append(Alias(alias, inn, ctx, weak == "true"))
    return out


def load_stoplist(path: Path = STOPLIST_TXT) -> frozenset[str]:
    """Package variants that are ordinary words in market text (one per line, # comments)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise LexiconError(f"cannot read stoplist {path}: {exc}") from exc
    return frozenset(l.strip().lower() for l in lines if l.strip() and not l.startswith("#"))


def load_not_medicines(path: Path = NOT_MEDICINES_TXT) -> frozenset[str]:
    """Package canonical names that are supplements, foods or cosmetic bases, not medicines."""
    return load_stoplist(path)


def load_package_variants(min_length: int = 5, max_words: int = 3) -> dict[str, str]:
    """Brand/synonym -> canonical generic name from `drug-named-entity-recognition`.

    Read from the package's data file rather than importing it: its import touches the
    home directory (OMOP cache) which a pipeline worker should not depend on. Only
    variants of real medicines (DrugBank or MedlinePlus id) are kept; MeSH-only chemical
    names and short acronyms collide with everyday words in listing text.
    """
    spec = importlib.util.find_spec("drug_named_entity_recognition")
    if spec is None or not spec.submodule_search_locations:
        raise LexiconError("package drug-named-entity-recognition is not installed")
    path = Path(list(spec.submodule_search_locations)[0]) / "drug_ner_dictionary.pkl.bz2"
    try:
        with bz2.open(path, "rb") as fh:
            # Trusted: a data file inside an installed, pinned dependency.
            data = pickle.load(fh)  # noqa: S301
    except (OSError, pickle.UnpicklingError, EOFError) as exc:
        raise LexiconError(f"cannot read {path}: {exc}") from exc
    canon_data = data["drug_canonical_to_data"]
    not_medicines = load_not_medicines()
    out: dict[str, str] = {}
    for variant, canonicals in data["drug_variant_to_canonical"].items():
        if len(canonicals) != 1 or len(variant) < min_length or len(variant.split()) > max_words:
            continue
        if _JUNK_VARIANT.search(variant):
            continue
        info = canon_data.get(canonicals[0], {})
        if canonicals[0].lower() in not_medicines:
            continue
        if "drugbank_id" in info or "medline_plus_id" in info:
            out[variant.lower()] = _plain_name(canonicals[0].lower())
    return out


# Variants a listing would match by accident: a word "x" ("orange x" is limonene, so "Addy
# 30mg orange x 20" named it) and wiki markup left in the package's data ("volume = 19").
_JUNK_VARIANT = re.compile(r"(?:^|\s)x(?:\s|$)|&(?:lt|gt|quot|amp);|\{\{|=", re.IGNORECASE)
_QUALIFIER = re.compile(r"\s*\([^)]*\)")
_FORMS = frozenset({"patch", "patches", "tablet", "tablets", "capsule", "capsules", "injection",
                    "cream", "gel", "spray", "solution", "syrup", "drops", "transdermal", "topical"})


def _plain_name(canonical: str) -> str:
    """The substance in a package entry named for a product or a use: "fentanyl patch" ->
    fentanyl, "propranolol (cardiovascular)" -> propranolol, "medical cannabis" -> cannabis
    (so the curated class and schedules apply)."""
    words = _QUALIFIER.sub("", canonical).split()
    while len(words) > 1 and words[-1] in _FORMS:
        words.pop()
    if len(words) > 1 and words[0] == "medical":
        words.pop(0)
    return " ".join(words) or canonical
