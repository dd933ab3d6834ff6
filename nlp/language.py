"""A cheap language guess for listing text: stopword counts for en/de/fr/es/nl/ru."""

from __future__ import annotations

import re

_STOP = {
    "en": "the and for with you your this from are our all will not have ship shipping to of is".split(),
    "de": "und der die das mit für nicht ist ein eine wir versand sie auf bei von nach".split(),
    "fr": "le la les et des pour avec vous est une nous pas livraison du en sur".split(),
    "es": "el la los las y para con usted es una nosotros envío del por que".split(),
    "nl": "de het een en van voor met niet wij is verzending zijn ook naar uit bij wordt".split(),
    "ru": "и в не на с по для мы из что это все доставка от как или".split(),
}
_SETS = {lang: frozenset(words) for lang, words in _STOP.items()}
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
# word -> the languages whose stopword list has it (one dict lookup per word).
_LANGS_OF: dict[str, tuple[str, ...]] = {}
for _lang, _words in _SETS.items():
    for _word in _words:
        _LANGS_OF[_word] = _LANGS_OF.get(_word, ()) + (_lang,)


def detect_language(text: str, min_hits: int = 2) -> str | None:
    """ISO 639-1 code of the best-scoring language, or None when too little evidence."""
    counts = {lang: 0 for lang in _SETS}
    langs_of = _LANGS_OF
    for word in _WORDS.findall(text.lower()[:5000]):
        for lang in langs_of.get(word, ()):
            counts[lang] += 1
    best = max(counts, key=lambda lang: counts[lang])
    return best if counts[best] >= min_hits else None
