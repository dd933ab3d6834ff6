"""Errors raised by the warehouse; the CLI turns them into messages and exit codes."""

from pharmwatch.exceptions import PharmwatchError


class WarehouseError(PharmwatchError):
    """Base class for warehouse failures."""


class MigrationError(WarehouseError):
    """A migration failed, or an applied migration file changed since it ran."""


class LoadError(WarehouseError):
    """A staged partition could not be loaded; the previous contents are kept."""


class QueryError(WarehouseError):
    """A query failed or named an unknown saved query."""


class WarehouseInUseError(WarehouseError):
    """Another process (or another connection of this one) holds the warehouse file."""
