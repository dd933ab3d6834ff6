"""Errors the pharmwatch CLI turns into clear messages and exit codes."""


class PharmwatchError(Exception):
    """Base class: a failure with a message meant for the operator."""


class StageError(PharmwatchError):
    """A pipeline stage failed; the message says which and why."""
