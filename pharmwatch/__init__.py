"""pharmwatch: watch online marketplaces for illicit pharmaceutical trade."""

__version__ = "0.1.0"
