"""Build the extraction pipeline from nlp/pipeline.cfg (or load a saved one)."""

from __future__ import annotations

from pathlib import Path
from collections.abc import Callable
from typing import Any

import spacy
from spacy.language import Language

# Importing registers the @Language.factory components.
from nlp import details, drugs, fields, listing  # noqa: F401
from nlp.exceptions import NlpError

CONFIG_PATH = Path(__file__).parent / "pipeline.cfg"
# Listing titles glue words to numbers and quotes: "COCAINE-92%", 'PERUVIAN"UNCUT"COCAINE',
# "50gCocaine". Splitting there lets the lexicon see the drug name as its own token.
_EXTRA_INFIXES = (r'(?<=[^\W\d_])[-–/"*+|~](?=\w)', r'(?<=\d)[-–/"*+|~](?=[^\W\d_])',
                  r'(?<=\d[gG])(?=[A-Z][a-z])')


@spacy.registry.callbacks("pharmwatch_tokenizer.v1")
def make_tokenizer_callback() -> Callable[[Language], Language]:
    def add_infixes(nlp: Language) -> Language:
        infixes = list(nlp.Defaults.infixes or []) + list(_EXTRA_INFIXES)
        nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
        return nlp
    return add_infixes


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
