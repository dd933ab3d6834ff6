"""Fancy text back to Latin letters: "gяαм σƒ ρυяє Cσcαιηє" -> "gram of pure Cocaine".

Vendors dress titles in look-alike Greek and Cyrillic letters (fancy-text generators), which
also hides drug names from keyword filters. Such generators substitute letters by their look,
including pairs Unicode's confusables table (TR39) does not list, such as я for R, η for n and
ц for u; hence this table and not a confusables skeleton. Only words that mix scripts are
rewritten, so Russian and Greek text stays as it is. One character always becomes one
character: offsets found in the plain text are offsets in the original.
"""

from __future__ import annotations

import re

_LOOKS_LIKE = {
    # Greek
    "α": "a", "β": "b", "γ": "y", "δ": "d", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v",
    "ο": "o", "ρ": "p", "σ": "o", "ς": "c", "τ": "t", "υ": "u", "χ": "x", "ω": "w",
    "Α": "A", "Β": "B", "Ε": "E", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Σ": "E", "Τ": "T", "Υ": "Y", "Χ": "X", "Δ": "A",
    # Cyrillic
    "а": "a", "в": "b", "с": "c", "д": "d", "е": "e", "є": "e", "ѕ": "s", "і": "i", "ј": "j",
    "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "т": "t", "у": "y", "х": "x", "я": "r",
    "ш": "w", "ц": "u", "п": "n", "ь": "b", "ѵ": "v", "ё": "e",
    "А": "A", "В": "B", "С": "C", "Е": "E", "Є": "E", "Ѕ": "S", "І": "I", "Ј": "J", "К": "K",
    "М": "M", "Н": "H", "О": "O", "Р": "P", "Т": "T", "Х": "X", "Я": "R", "Ш": "W", "Ц": "U",
    "П": "N", "Ь": "B",
    # Latin and letter-like symbols outside ASCII
    "ƒ": "f", "ℓ": "l", "ı": "i",
}
_TABLE = str.maketrans(_LOOKS_LIKE)
_NON_LATIN = re.compile(r"[\u0370-\u03ff\u0400-\u04ff]")
# A look-alike word touches a Latin letter, or mixes Greek with Cyrillic: checked on the whole
# text first, so Russian and Greek listings skip the word-by-word pass.
_LATIN_NEXT = re.compile(r"[A-Za-z\u0192\u2113\u0131][\u0370-\u04ff]|[\u0370-\u04ff][A-Za-z\u0192\u2113\u0131]")
_GREEK = re.compile(r"[\u0370-\u03ff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_WORD = re.compile(r"[^\W\d_]+")


def _scripts(word: str) -> int:
    """How many of Latin, Greek, Cyrillic the word's letters come from."""
    latin = greek = cyrillic = False
    for ch in word:
        o = ord(ch)
        if 0x0370 <= o <= 0x03FF:
            greek = True
        elif 0x0400 <= o <= 0x04FF:
            cyrillic = True
        else:
            latin = True
    return latin + greek + cyrillic


def plain(text: str) -> str:
    """`text` with its mixed-script words in Latin letters; `text` itself if it has none."""
    if _NON_LATIN.search(text) is None:
        return text
    if _LATIN_NEXT.search(text) is None and not (_GREEK.search(text) and _CYRILLIC.search(text)):
        return text
    changed = False

    def fix(m: re.Match) -> str:
        nonlocal changed
        word = m.group()
        if _scripts(word) < 2:
            return word
        new = word.translate(_TABLE)
        changed = changed or new != word
        return new

    out = _WORD.sub(fix, text)
    return out if changed else text
