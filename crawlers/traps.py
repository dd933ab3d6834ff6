"""URL canonicalisation and crawler-trap guards (session ids, trackers, calendars, pagination)."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url as _w3_canonicalize

from crawlers.options import DEFAULT_DROP_PARAMS, Traps

_PATH_PARAMS = re.compile(r";(?:jsessionid|sid|phpsessid)=[^/?#]*", re.IGNORECASE)
_DATES = re.compile(r"(?<!\d)(\d{4})[-/](\d{2})[-/](\d{2})(?!\d)")
_PAGE_KEYS = ("page", "p", "pg", "offset")


@lru_cache(maxsize=65536)  # pure, and called for every link of every page
def canonical(url: str, drop: tuple[str, ...] = DEFAULT_DROP_PARAMS) -> str:
    """One URL per page: no fragment, sorted query, no session ids, trackers or listed params."""
    url = _PATH_PARAMS.sub("", url)
    parts = urlsplit(url)
    if parts.query:
        dropped = {d.lower() for d in drop}
        kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                if k.lower() not in dropped and not k.lower().startswith("utm_")]
        url = urlunsplit(parts._replace(query=urlencode(kept)))
    return _w3_canonicalize(url, keep_fragments=False)


def page_number(url: str) -> int | None:
    for key, value in parse_qsl(urlsplit(url).query):
        if key.lower() in _PAGE_KEYS and value.isdigit():
            return int(value)
    return None


def trap_reason(url: str, traps: Traps, crawl_date: str) -> str | None:
    """Why this URL is a trap, or None. Checked before a URL is scheduled."""
    if len(url) > traps.max_url_length:
        return f"URL longer than {traps.max_url_length} characters"
    for pattern in traps.deny:
        if pattern.search(url):
            return f"URL matches deny pattern {pattern.pattern!r}"
    number = page_number(url)
    if number is not None and number > traps.max_page_number:
        return f"pagination beyond page {traps.max_page_number}"
    today = date.fromisoformat(crawl_date)
    for y, m, d in _DATES.findall(urlsplit(url).path + "?" + urlsplit(url).query):
        try:
            when = date(int(y), int(m), int(d))
        except ValueError:
            continue
        if abs((when - today).days) > traps.calendar_window_days:
            return f"calendar date {when} more than {traps.calendar_window_days} days from {today}"
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if segments and max(segments.count(s) for s in segments) > traps.max_repeated_segment:
        return f"path segment repeated more than {traps.max_repeated_segment} times"
    return None
