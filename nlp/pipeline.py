"""Build the extraction pipeline from nlp/pipeline.cfg (or load a saved one)."""

from __future__ import annotations

from pathlib import Path
from collections.abc import Callable
from typing import Any

import spacy
from spacy.attrs import ORTH
from spacy.language import Language

# Importing registers the @Language.factory components.
from nlp import details, drugs, fields, listing  # noqa: F401
from nlp.exceptions import NlpError

CONFIG_PATH = Path(__file__).parent / "pipeline.cfg"
# Listing titles glue words to numbers and quotes: "COCAINE-92%", 'PERUVIAN"UNCUT"COCAINE',
# "50gCocaine", "5xFentanyl", "heroin#3", "#xanax#valium", "xanax;valium", "Cocaine(85%)",
# "Xanax[2mg]". Splitting there lets
# the lexicon see the drug name as its own token.
_EXTRA_INFIXES = (r'(?<=[^\W\d_])[-–/"*+|~#;(\[](?=\w)', r'(?<=\d)[-–/"*+|~](?=[^\W\d_])',
                  r'(?<=\d[gGxX])(?=[A-Z][a-z])')


# spaCy's base exceptions make single whitespace chunks special cases that tokenize exactly as
# without them (one token, same text). A special-case hit disables the tokenizer's chunk cache
# for the REST OF THE DOC (spacy/tokenizer.pyx `_save_cached`, "#1250"), so the "\n" after every
# title meant description chunks were re-split by the affix regexes every time. "\xa0" stays:
# its special case sets a NORM.
_NOOP_SPECIALS = ("\n", "\t", " ")


# A dash glued to the end of a word before a space: "DIMETHYLONE- FREE shipping", "a-PVP- 10g".
_EXTRA_SUFFIXES = (r"(?<=[^\W\d_])[-–]",)


def _add_infixes(nlp: Language) -> None:
    infixes = list(nlp.Defaults.infixes or []) + list(_EXTRA_INFIXES)
    nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer


def _add_suffixes(nlp: Language) -> None:
    suffixes = list(nlp.Defaults.suffixes or []) + list(_EXTRA_SUFFIXES)
    nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search


def _drop_noop_specials(nlp: Language) -> None:
    rules = nlp.tokenizer.rules
    nlp.tokenizer.rules = {k: v for k, v in rules.items()
                           if not (k in _NOOP_SPECIALS and v == [{ORTH: k}])}


@spacy.registry.callbacks("pharmwatch_tokenizer.v1")
def make_tokenizer_callback() -> Callable[[Language], Language]:
    """Kept so that pipelines saved with the v1 config still load."""
    def add_infixes(nlp: Language) -> Language:
        _add_infixes(nlp)
        return nlp
    return add_infixes


@spacy.registry.callbacks("pharmwatch_tokenizer.v2")
def make_tokenizer_callback_v2(max_cache_size: int = 500_000) -> Callable[[Language], Language]:
    """v1 plus a chunk cache that works: no-op whitespace special cases dropped, and a cache
    large enough for a partition's vocabulary (spaCy's 10,000 fills early and never evicts).
    The size lives in the config, so nlp.to_disk keeps it; the rules are saved by the tokenizer."""
    def setup(nlp: Language) -> Language:
        _add_infixes(nlp)
        _add_suffixes(nlp)
        _drop_noop_specials(nlp)
        nlp.tokenizer.max_cache_size = max_cache_size
        return nlp
    return setup


def build_pipeline(config_path: Path = CONFIG_PATH,
                   overrides: dict[str, Any] | None = None) -> Language:
    """A ready pipeline: created from the config, then `initialize()` loads the lexicons."""
    try:
        config = spacy.util.load_config(config_path, overrides=overrides or {}, interpolate=True)
        nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    except (OSError, ValueError) as exc:
        raise NlpError(f"cannot build pipeline from {config_path}: {exc}") from exc
    nlp.initialize()
    return nlp


def load_pipeline(path: Path | None = None) -> Language:
    """A saved pipeline directory (nlp.to_disk) or, by default, a fresh build."""
    if path is None:
        return build_pipeline()
    return spacy.load(path)
