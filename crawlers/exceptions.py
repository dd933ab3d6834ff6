"""Errors raised by the crawler package; each carries a message meant for the operator."""

from __future__ import annotations

from pharmwatch.exceptions import PharmwatchError


class CrawlerError(PharmwatchError):
    """Base class for crawler failures."""


class MarketConfigError(CrawlerError):
    """A market YAML file is missing, unreadable or does not follow the schema."""


class FieldSpecError(MarketConfigError):
    """A field spec (css/xpath/jsonld + options) is invalid."""


class PageParseError(CrawlerError):
    """A page could not be turned into an item (recorded as a `parse_error`, never fatal)."""


class EvidenceError(CrawlerError):
    """The WARC evidence file could not be created (e.g. it already exists)."""


class CrawlError(CrawlerError):
    """A crawl run failed (subprocess exit, timeout, or missing statistics)."""


class SessionError(CrawlerError):
    """Credentials or a saved session cannot be used."""


class HumanNeeded(CrawlError):
    """The market showed a CAPTCHA (or rejected the login): an operator must act."""


class EvidenceMismatch(CrawlerError):
    """`pharmwatch evidence verify` found a record that does not match what was recorded."""
