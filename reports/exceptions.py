"""Errors raised while building reports."""

from pharmwatch.exceptions import PharmwatchError


class ReportError(PharmwatchError):
    """A report could not be built (bad week, missing warehouse, template failure)."""
