"""pharmwatch NLP stage: spaCy extraction of drugs, sellers, places and prices."""

from nlp.version import NLP_VERSION

__version__ = NLP_VERSION
