"""Operator options of a market YAML: access (proxy, UA, limits), login, recrawl, traps, detectors.

Each section is a frozen dataclass built from a mapping with strict key and type checks, so a
typo fails when the YAML is loaded, not in the middle of a crawl behind Tor.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any
from urllib.parse import urlsplit

from crawlers.exceptions import MarketConfigError

# Query parameters that carry a session or a tracker, never content (dropped from every URL).
DEFAULT_DROP_PARAMS = ("sid", "sessionid", "session_id", "phpsessid", "jsessionid", "utm_source",
                       "utm_medium", "utm_campaign", "utm_term", "utm_content", "fbclid", "gclid",
                       "ref", "affid")


def _check(raw: Any, where: str, spec: dict[str, tuple[type, ...]]) -> dict[str, Any]:
    """Validate a mapping against {key: accepted types}; returns only the given keys."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise MarketConfigError(f"{where}: must be a mapping")
    unknown = set(raw) - set(spec)
    if unknown:
        raise MarketConfigError(f"{where}: unknown key(s) {sorted(map(str, unknown))}")
    out = {}
    for key, value in raw.items():
        types = spec[key]
        if isinstance(value, bool) and bool not in types:
            raise MarketConfigError(f"{where}.{key}: must be {_names(types)}, got {value!r}")
        if not isinstance(value, types):
            raise MarketConfigError(f"{where}.{key}: must be {_names(types)}, got {value!r}")
        out[key] = value
    return out


def _names(types: tuple[type, ...]) -> str:
    return " or ".join(t.__name__ for t in types)


def _range(value: float, lo: float, hi: float, where: str) -> None:
    if not lo <= value <= hi:
        raise MarketConfigError(f"{where}: must be in {lo}..{hi}, got {value!r}")


@dataclass(frozen=True)
class Access:
    """How the crawler reaches the market."""

    proxy: str | None = None            # http://host:port, or env:VAR holding it
    user_agent: str | None = None
    timeout: float = 30.0               # seconds per download
    retries: int = 2
    max_page_bytes: int = 10 * 1024 * 1024
    render_js: bool = False             # scrapy-playwright + Debian chromium

    def proxy_url(self) -> str | None:
        """The proxy URL; `env:VAR` keeps credentials of an authenticated proxy out of YAML."""
        if self.proxy is None or not self.proxy.startswith("env:"):
            return self.proxy
        value = os.environ.get(self.proxy[4:], "").strip()
        if not value:
            raise MarketConfigError(f"access.proxy: environment variable {self.proxy[4:]} is empty")
        return check_proxy(value, "access.proxy")

    def scrapy_settings(self) -> dict[str, Any]:
        out: dict[str, Any] = {"DOWNLOAD_TIMEOUT": self.timeout, "RETRY_TIMES": self.retries,
                               "DOWNLOAD_MAXSIZE": self.max_page_bytes,
                               "DOWNLOAD_WARNSIZE": min(self.max_page_bytes, 2 * 1024 * 1024)}
        if self.user_agent:
            out["USER_AGENT"] = self.user_agent
        return out


def check_proxy(value: str, where: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise MarketConfigError(f"{where}: must be http(s)://host:port (privoxy or Tor's "
                                f"HTTPTunnelPort for .onion), got {value!r}")
    return value


def parse_access(raw: Any) -> Access:
    v = _check(raw, "access", {"proxy": (str,), "user_agent": (str,), "timeout": (int, float),
                               "retries": (int,), "max_page_bytes": (int,), "render_js": (bool,)})
    if "proxy" in v and not v["proxy"].startswith("env:"):
        check_proxy(v["proxy"], "access.proxy")
    _range(v.get("timeout", 30), 0.1, 600, "access.timeout")
    _range(v.get("retries", 2), 0, 10, "access.retries")
    _range(v.get("max_page_bytes", 1024), 1024, 1 << 30, "access.max_page_bytes")
    return Access(**v)


@dataclass(frozen=True)
class Login:
    """Form login. Credentials come from the environment or an Airflow Connection, never YAML."""

    url: str
    form_css: str = "form"
    username_field: str = "username"
    password_field: str = "password"
    env_prefix: str = ""                # default PHARMWATCH_<MARKET>
    airflow_conn_id: str = ""           # default pharmwatch_<market>
    session_cookie: str = ""            # name of the cookie that carries the session


def parse_login(raw: Any, market: str, fill: Any) -> Login | None:
    if raw is None:
        return None
    v = _check(raw, "login", {k.name: (str,) for k in fields(Login)})
    if not v.get("url"):
        raise MarketConfigError("login.url: required")
    v["url"] = fill(v["url"])
    v.setdefault("env_prefix", f"PHARMWATCH_{market.upper().replace('-', '_')}")
    v.setdefault("airflow_conn_id", f"pharmwatch_{market}")
    return Login(**v)


@dataclass(frozen=True)
class Recrawl:
    max_age_hours: float = 0.0          # 0: always refetch listing pages
    conditional: bool = True            # If-None-Match / If-Modified-Since
    revisit_unlinked: bool = True       # fetch known listings gone from the index to confirm


def parse_recrawl(raw: Any) -> Recrawl:
    v = _check(raw, "recrawl", {"max_age_hours": (int, float), "conditional": (bool,),
                                "revisit_unlinked": (bool,)})
    _range(v.get("max_age_hours", 0), 0, 24 * 365, "recrawl.max_age_hours")
    return Recrawl(**v)


@dataclass(frozen=True)
class Traps:
    max_page_number: int = 1000         # ?page=N beyond this is a pagination trap
    calendar_window_days: int = 62      # dates in URLs further than this from today: trap
    max_url_length: int = 2000
    max_repeated_segment: int = 3       # /a/b/a/b/a/b ...
    deny: tuple[re.Pattern[str], ...] = ()
    drop_params: tuple[str, ...] = DEFAULT_DROP_PARAMS


def parse_traps(raw: Any, canonical: Any) -> Traps:
    v = _check(raw, "traps", {"max_page_number": (int,), "calendar_window_days": (int,),
                              "max_url_length": (int,), "max_repeated_segment": (int,),
                              "deny": (list,)})
    c = _check(canonical, "canonical", {"drop_params": (list,)})
    try:
        deny = tuple(re.compile(p) for p in v.pop("deny", []))
    except (re.error, TypeError) as exc:
        raise MarketConfigError(f"traps.deny: invalid regex: {exc}") from exc
    extra = c.get("drop_params", [])
    if not all(isinstance(p, str) and p for p in extra):
        raise MarketConfigError("canonical.drop_params: must be a list of parameter names")
    for key in ("max_page_number", "calendar_window_days", "max_url_length", "max_repeated_segment"):
        if key in v:
            _range(v[key], 1, 10_000_000, f"traps.{key}")
    return Traps(**v, deny=deny,
                 drop_params=DEFAULT_DROP_PARAMS + tuple(p.lower() for p in extra))


@dataclass(frozen=True)
class Detect:
    """Regexes (on the raw HTML) recognising pages that are not what was asked for."""

    captcha: str = r"(?i)<(?:input|img)\b[^>]*captcha"
    # A password box only means "logged out" inside a login form: Apollon listings carry a
    # purchase form with a password-type PIN box on every page.
    logged_out: str = (r"(?i)<form\b[^>]*action=[\"']?[^\"'>]*(?:log-?in|sign-?in)[^>]*>"
                       r"[\s\S]{0,4000}?<input\b[^>]*type=[\"']?password"
                       r"|<input\b[^>]*name=[\"']?(?:user(?:_?name)?|login|email)\b[^>]*>"
                       r"[\s\S]{0,2000}?<input\b[^>]*type=[\"']?password")
    anti_ddos: str = r"(?i)ddos[ -]protection|checking your browser|anti-ddos"
    not_found: str = (r"(?i)(item|listing|product) (was )?(not found|removed|no longer available)"
                      r"|>\s*error 404\s*<")
    compiled: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for name in ("captcha", "logged_out", "anti_ddos", "not_found"):
            try:
                self.compiled[name] = re.compile(getattr(self, name))
            except re.error as exc:
                raise MarketConfigError(f"detect.{name}: invalid regex: {exc}") from exc


def parse_detect(raw: Any) -> Detect:
    return Detect(**_check(raw, "detect", {k: (str,) for k in
                                            ("captcha", "logged_out", "anti_ddos", "not_found")}))
