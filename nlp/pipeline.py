"""Build the extraction pipeline from nlp/pipeline.cfg (or load a saved one)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

# Importing registers the @Language.factory components.
from nlp import drugs, fields, listing  # noqa: F401
from nlp.exceptions import NlpError

CONFIG_PATH = Path(__file__).parent / "pipeline.cfg"


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
