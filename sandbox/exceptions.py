"""Errors raised by the sandbox package."""

from pharmwatch.exceptions import PharmwatchError


class SandboxError(PharmwatchError):
    """Base class for sandbox failures."""


class WorldConfigError(SandboxError, ValueError):
    """World parameters out of range (seed, size, day)."""


class UnsafeBindError(SandboxError):
    """Refused to bind a non-loopback address without an explicit force flag."""


class UnknownListingError(SandboxError, KeyError):
    """A listing or seller id that does not exist in this world."""
