"""Errors raised by the nlp package; each carries a message meant for the operator."""

from pharmwatch.exceptions import PharmwatchError


class NlpError(PharmwatchError):
    """Base class for extraction failures."""


class LexiconError(NlpError):
    """A lexicon file is missing or malformed (names the file and row)."""


class InputRecordError(NlpError):
    """An input record cannot be extracted (not an object, no text/html, bad types)."""


class InputLineError(InputRecordError):
    """A JSON Lines input line is not valid; carries the 1-based line number."""

    def __init__(self, line_no: int, reason: str) -> None:
        super().__init__(f"line {line_no}: {reason}")
        self.line_no = line_no
        self.reason = reason
