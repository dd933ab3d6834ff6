"""Cheaper regex passes, derived from the parsed patterns so they cannot drift from them.

`guarded(pattern)`: the same regex, with a lookahead on the characters a match can start with.
Python's `re` tries every alternative of `\\b(ships?\\s+from|origin|...)` at every position of
the text; a leading `(?=[sSoO...])` class rejects almost all positions at C speed first.

`Needs(pattern)`: the strings one of which every match contains, checked with `in` (C speed)
on `folded(text)` before the pattern runs at all: most listings have no "sold by", no
"Tags:", no messenger handle, and the regex pass over them is skipped.

Any construct a derivation does not understand leaves things as they are (never wrong, only
not faster).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

try:  # the parser is internal to `re`: without it, patterns are simply left as they are
    from re import _constants as _c, _parser as _p
    from re._casefix import _EXTRA_CASES
except ImportError:  # pragma: no cover - other Python versions
    _c = _p = None  # type: ignore[assignment]
    _EXTRA_CASES = {}

_CATEGORIES = {"CATEGORY_DIGIT": r"\d", "CATEGORY_WORD": r"\w", "CATEGORY_SPACE": r"\s"}


def _first(seq) -> set[str] | None:  # noqa: ANN001 - a parsed subpattern
    """Class fragments for the first character any match of `seq` consumes, or None."""
    for op, av in seq:
        name = str(op)
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue  # zero-width: the first consumed character comes later
        if name == "LITERAL":
            return {re.escape(chr(av))}
        if name == "SUBPATTERN":
            _group, add_flags, del_flags, sub = av
            return _first(sub) if not add_flags and not del_flags else None
        if name == "IN":
            out: set[str] = set()
            for iop, iav in av:
                iname = str(iop)
                if iname == "LITERAL":
                    out.add(re.escape(chr(iav)))
                elif iname == "RANGE":
                    out.add(f"{re.escape(chr(iav[0]))}-{re.escape(chr(iav[1]))}")
                elif iname == "CATEGORY" and str(iav) in _CATEGORIES:
                    out.add(_CATEGORIES[str(iav)])
                else:
                    return None  # negated classes and the rest
            return out
        if name == "BRANCH":
            out = set()
            for alt in av[1]:
                first = _first(alt)
                if first is None:
                    return None
                out |= first
            return out
        return None  # repeats (possibly empty), backreferences, ...
    return None  # the pattern can match the empty string


def guarded(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """An equivalent compiled pattern that skips impossible start positions quickly."""
    if _p is None or pattern.flags & re.VERBOSE:
        return pattern
    try:
        first = _first(_p.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 - any surprise: keep the original
        return pattern
    if not first:
        return pattern
    # Always in a group: a top-level alternation would have its first branch guarded only, and
    # it is not always visible in the parse (r"\bA|\bB" parses as r"\b(?:A|B)").
    source = f"(?:{pattern.pattern})"
    try:
        return re.compile("(?=[" + "".join(sorted(first)) + "])" + source, pattern.flags)
    except re.error:  # e.g. inline global flags, which must stay first
        return pattern


def min_width(pattern: re.Pattern[str]) -> int:
    """The fewest characters a match of `pattern` spans (0 when not derivable: never wrong)."""
    if _p is None:
        return 0
    try:
        return _p.parse(pattern.pattern, pattern.flags).getwidth()[0]
    except Exception:  # noqa: BLE001 - any surprise: no bound
        return 0


# ---------------------------------------------------------------- required strings

# re's IGNORECASE matches characters whose simple lower-case forms are equal, and also the
# members of a few extra classes (i/ı, s/ſ, в/ᲀ, µ/μ...: re/_casefix.py). `folded` maps each
# character to one representative of its class, one character for one, so a match of a
# literal in `text` is the same literal, folded, at the same offset of `folded(text)`.
# tests/test_nlp_batch_equivalence.py checks this against re for every code point.
_FOLD = {other: min(lo, *others) for lo, others in _EXTRA_CASES.items()
         for other in (lo, *others) if other != min(lo, *others)}
_NEEDS_FOLD = re.compile("[" + "".join(re.escape(chr(c)) for c in _FOLD) + "]") if _FOLD else None
_DOTTED_I = "\u0130"  # the one character whose str.lower() is two characters ("i" + U+0307)


def folded(text: str) -> str:
    """`text` lower-cased and case-class folded, same length, offsets kept."""
    if text.isascii():
        return text.lower()
    low = text.replace(_DOTTED_I, "i").lower()
    return low.translate(_FOLD) if _NEEDS_FOLD is not None and _NEEDS_FOLD.search(low) else low


_MAX_STRINGS = 64  # an alternation spelled out beyond this is not worth the `in` checks


def _exact(seq) -> set[str] | None:  # noqa: ANN001 - a parsed subpattern
    """Every string `seq` can match, when that is a small finite set (zero-width items
    match ""), else None."""
    out = {""}
    for op, av in seq:
        item = _exact_item(str(op), av)
        if item is None or len(out) * len(item) > _MAX_STRINGS:
            return None
        out = {a + b for a in out for b in item}
    return out


def _exact_item(name: str, av) -> set[str] | None:  # noqa: ANN001
    if name == "LITERAL":
        return {chr(av)}
    if name in ("AT", "ASSERT", "ASSERT_NOT"):
        return {""}  # they consume nothing
    if name == "IN" and all(str(iop) == "LITERAL" for iop, _ in av):
        return {chr(iav) for _, iav in av}
    if name == "SUBPATTERN":
        return _exact(av[3])
    if name == "BRANCH":
        alts = [_exact(alt) for alt in av[1]]
        return None if any(a is None for a in alts) else set().union(*alts)
    if name == "MAX_REPEAT" and av[0] == 0 and av[1] == 1:  # x?
        sub = _exact(av[2])
        return None if sub is None else sub | {""}
    return None


def _prefixes(seq) -> set[str]:  # noqa: ANN001 - a parsed subpattern
    """Strings one of which every match of `seq` starts with ({""}: nothing known)."""
    out = {""}
    for op, av in seq:
        item = _exact_item(str(op), av)
        last = item is None
        if last:
            item = _prefixes_item(str(op), av)
        if len(out) * len(item) > _MAX_STRINGS:
            return out
        out = {a + b for a in out for b in item}
        if last:
            return out
    return out


def _prefixes_item(name: str, av) -> set[str]:  # noqa: ANN001
    if name == "SUBPATTERN":
        return _prefixes(av[3])
    if name == "BRANCH":
        return set().union(*(_prefixes(alt) for alt in av[1]))
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
        return _prefixes(av[2])
    return {""}


def _needed(seq) -> set[str] | None:  # noqa: ANN001 - a parsed subpattern
    """Strings one of which every match of `seq` contains, or None. Runs of items whose
    matches are a small finite set are spelled out, with the strings the next item starts
    with; the most selective candidate wins (longest shortest string, then fewest)."""
    candidates: list[set[str]] = []
    run: list = []
    for op, av in [*seq, (None, None)]:
        if op is not None and _exact_item(str(op), av) is not None:
            run.append((op, av))
            continue
        spelled = _exact(run) or {""}
        if op is not None:
            after = _prefixes_item(str(op), av)
            if len(spelled) * len(after) <= _MAX_STRINGS:
                spelled = {a + b for a in spelled for b in after}
            candidates.append(_needed_item(str(op), av) or set())
        candidates.append(spelled)
        run = []
    useful = [c for c in candidates if c and "" not in c]
    return max(useful, key=lambda c: (min(map(len, c)), -len(c))) if useful else None


def _needed_item(name: str, av) -> set[str] | None:  # noqa: ANN001
    if name in ("SUBPATTERN", "ATOMIC_GROUP"):
        return _needed(av[3] if name == "SUBPATTERN" else av)
    if name == "BRANCH":
        alts = [_needed(alt) for alt in av[1]]
        return None if any(a is None for a in alts) else set().union(*alts)
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
        return _needed(av[2])
    return None


def contains_any(text: str, marks: tuple[str, ...]) -> bool:
    """Whether `text` contains one of `marks` (a loop of `in`: twice as fast as any() over a
    generator, and these checks run on every listing)."""
    for mark in marks:
        if mark in text:
            return True
    return False


class Prechecked:
    """A pattern run only on texts that contain one of the strings every match contains
    (derived from the parsed pattern; none derived: it always runs). The caller passes the
    text and `folded(text)`, computed once for all its patterns; the folded form of a longer
    text that holds `text` at the same offsets also does (a weaker check, still sound)."""

    def __init__(self, pattern: re.Pattern[str], strings: tuple[str, ...] | None = None) -> None:
        """`strings`: given by hand where the parse derives none (a top-level alternation)."""
        self.regex = pattern
        found = {folded(x) for x in (_needed_strings(pattern) if strings is None else strings)}
        # A string that contains another one adds nothing to the `in` checks.
        self.strings: tuple[str, ...] = tuple(sorted(
            x for x in found if not any(y != x and y in x for y in found)))

    def possible(self, low: str, pos: int = 0) -> bool:
        """False only when the pattern cannot match text[pos:] (`low` = folded(text))."""
        if not self.strings:
            return True
        if pos:
            low = low[pos:]
        for x in self.strings:  # a loop of `in`: twice as fast as any() over a generator
            if x in low:
                return True
        return False

    def search(self, text: str, low: str, pos: int = 0) -> re.Match[str] | None:
        return self.regex.search(text, pos) if self.possible(low, pos) else None

    def finditer(self, text: str, low: str) -> Iterator[re.Match[str]]:
        return self.regex.finditer(text) if self.possible(low) else iter(())


def _needed_strings(pattern: re.Pattern[str]) -> set[str]:
    if _p is None or pattern.flags & re.VERBOSE or not _EXTRA_CASES:
        return set()
    try:
        return _needed(_p.parse(pattern.pattern, pattern.flags).data) or set()
    except Exception:  # noqa: BLE001 - any surprise: no pre-check
        return set()
