"""`guarded(pattern)`: the same regex, with a lookahead on the characters a match can start with.

Python's `re` tries every alternative of `\\b(ships?\\s+from|origin|...)` at every position of
the text; a leading `(?=[sSoO...])` class rejects almost all positions at C speed first. The
set is derived from the parsed pattern, so it cannot drift from the alternatives: any
construct the derivation does not understand leaves the pattern unchanged (never wrong,
only not faster).
"""

from __future__ import annotations

import re

try:  # the parser is internal to `re`: without it, patterns are simply left as they are
    from re import _constants as _c, _parser as _p
except ImportError:  # pragma: no cover - other Python versions
    _c = _p = None  # type: ignore[assignment]

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
    try:
        return re.compile("(?=[" + "".join(sorted(first)) + "])" + pattern.pattern, pattern.flags)
    except re.error:  # e.g. inline global flags, which must stay first
        return pattern
