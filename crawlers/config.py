"""Load and validate market YAML files (`crawlers/markets/<market>.yaml`).

Validation is strict (unknown keys are errors) so that a typo in a selector file fails
before a crawl starts instead of silently producing empty fields.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from crawlers.exceptions import FieldSpecError, MarketConfigError
from crawlers.options import (
    Access, Detect, Login, Recrawl, Traps, parse_access, parse_detect, parse_login, parse_recrawl,
    parse_traps,
)
from crawlers.parsing import FieldSpec, _css  # noqa: PLC2701 (shared translator instance)

MARKETS_DIR = Path(__file__).resolve().parent / "markets"
KINDS = ("darknet", "pharmacy", "classifieds")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_TOP_KEYS = {"name", "kind", "start_urls", "allowed_prefixes", "politeness", "max_pages",
             "follow", "pages", "description", "schedule", "access", "login", "recrawl", "traps",
             "canonical", "detect", "max_depth", "enabled_by_default"}
_SCHEDULE_KEYS = {"cron", "owner", "tags", "retries", "timeout_minutes", "pool", "paused"}
_POLITE_KEYS = {"download_delay", "concurrency", "obey_robots", "autothrottle",
                "robots_override_reason"}
_PAGE_KEYS = {"url_regex", "text_css", "fields", "required"}


@dataclass(frozen=True)
class Politeness:
    download_delay: float = 1.0
    concurrency: int = 2
    obey_robots: bool = True
    autothrottle: bool = True
    robots_override_reason: str = ""

    def scrapy_settings(self) -> dict[str, Any]:
        """Scrapy settings for this market (applied at spider priority)."""
        return {
            "DOWNLOAD_DELAY": self.download_delay,
            "CONCURRENT_REQUESTS": self.concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": self.concurrency,
            "ROBOTSTXT_OBEY": self.obey_robots,
            "AUTOTHROTTLE_ENABLED": self.autothrottle,
            # Start throttling from the market's own delay, not Scrapy's 5 s default.
            "AUTOTHROTTLE_START_DELAY": max(self.download_delay, 0.1),
        }


@dataclass(frozen=True)
class Schedule:
    """How Airflow runs this market's crawl (read by the DAG factory in dags/)."""

    cron: str = "0 3 * * *"
    owner: str = "pharmwatch"
    tags: tuple[str, ...] = ()
    retries: int = 3
    timeout_minutes: int = 120
    pool: str = "crawl_default"  # one pool per proxy bounds concurrent crawls through it
    paused: bool = False


@dataclass(frozen=True)
class FollowRule:
    source: str  # css | xpath
    expr: str
    pagination: bool = False  # a "next page" link: not followed from a page that added nothing


@dataclass(frozen=True)
class PageType:
    name: str
    url_regex: re.Pattern[str]
    fields: dict[str, FieldSpec]
    text_css: str | None = None
    required: tuple[str, ...] = ()

    def match(self, url: str) -> re.Match[str] | None:
        return self.url_regex.search(url)


@dataclass(frozen=True)
class MarketConfig:
    name: str
    kind: str
    start_urls: tuple[str, ...]
    allowed_prefixes: tuple[str, ...]
    politeness: Politeness
    max_pages: int
    follow: tuple[FollowRule, ...]
    pages: dict[str, PageType] = field(default_factory=dict)
    base_url: str = ""
    schedule: Schedule = field(default_factory=Schedule)
    access: Access = field(default_factory=Access)
    login: Login | None = None
    recrawl: Recrawl = field(default_factory=Recrawl)
    traps: Traps = field(default_factory=Traps)
    detect: Detect = field(default_factory=Detect)
    max_depth: int = 0  # 0: unlimited
    enabled_by_default: bool = True  # False: crawled only when named (not by `pharmwatch run`)

    def scrapy_settings(self) -> dict[str, Any]:
        return {**self.politeness.scrapy_settings(), **self.access.scrapy_settings(),
                "DEPTH_LIMIT": self.max_depth}

    def allows(self, url: str) -> bool:
        return any(url.startswith(p) for p in self.allowed_prefixes)

    @cached_property  # page_type runs several times per page and per discovered link
    def _pages_in_order(self) -> tuple[PageType, ...]:
        return tuple(sorted(self.pages.values(), key=lambda p: p.name not in ("listing", "seller")))

    def page_type(self, url: str) -> tuple[PageType, re.Match[str]] | None:
        """First page type whose url_regex matches; listing/seller are tried first."""
        for page in self._pages_in_order:
            m = page.match(url)
            if m:
                return page, m
        return None


def markets_dir(override: str | Path | None = None) -> Path:
    """Directory of market YAMLs: argument, then env PHARMWATCH_MARKETS_DIR, then the package."""
    chosen = override or os.environ.get("PHARMWATCH_MARKETS_DIR")
    return Path(chosen) if chosen else MARKETS_DIR


def list_markets(directory: str | Path | None = None, include_disabled: bool = False) -> list[str]:
    """Configured markets; those with `enabled_by_default: false` only with include_disabled."""
    d = markets_dir(directory)
    names = sorted(p.stem for p in d.glob("*.yaml")) if d.is_dir() else []
    return names if include_disabled else [n for n in names if _enabled(d / f"{n}.yaml")]


def _enabled(path: Path) -> bool:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return True  # listed, so that crawling it reports the YAML error
    return not (isinstance(raw, Mapping) and raw.get("enabled_by_default") is False)


def load_market(name: str, base_url: str | None = None,
                directory: str | Path | None = None) -> MarketConfig:
    """Read `<dir>/<name>.yaml`; `{base_url}` placeholders are filled when base_url is given."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise MarketConfigError(f"invalid market name {name!r} (lower-case letters, digits, _ -)")
    path = markets_dir(directory) / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(list_markets(directory, include_disabled=True)) or "none"
        raise MarketConfigError(f"no market config {path} (known markets: {known})")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise MarketConfigError(f"{path}: cannot read YAML: {exc}") from exc
    try:
        return parse_market(raw, base_url, expected_name=name)
    except MarketConfigError as exc:
        raise type(exc)(f"{path}: {exc}") from exc


def check_base_url(base_url: str) -> str:
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise MarketConfigError(f"base_url must be an http(s) URL, got {base_url!r}")
    if parts.query or parts.fragment:
        raise MarketConfigError(f"base_url must not have a query or fragment: {base_url!r}")
    return base_url.rstrip("/")


def parse_market(raw: Any, base_url: str | None = None,
                 expected_name: str | None = None) -> MarketConfig:
    """Validate a parsed YAML document and build a MarketConfig."""
    if not isinstance(raw, Mapping):
        raise MarketConfigError("top level must be a mapping")
    _no_unknown(raw, _TOP_KEYS, "top level")
    for key in ("name", "kind", "start_urls", "allowed_prefixes", "pages"):
        if key not in raw:
            raise MarketConfigError(f"missing required key {key!r}")
    name = raw["name"]
    if not isinstance(name, str) or not _NAME.match(name):
        raise MarketConfigError(f"name: invalid market name {name!r}")
    if expected_name is not None and name != expected_name:
        raise MarketConfigError(f"name: {name!r} does not match file name {expected_name!r}")
    if raw["kind"] not in KINDS:
        raise MarketConfigError(f"kind: must be one of {KINDS}, got {raw['kind']!r}")
    base = check_base_url(base_url) if base_url is not None else None
    start = _url_list(raw["start_urls"], "start_urls", base)
    prefixes = _url_list(raw["allowed_prefixes"], "allowed_prefixes", base)
    for url in start:
        if not any(url.startswith(p) for p in prefixes):
            raise MarketConfigError(f"start_urls: {url!r} is outside allowed_prefixes")
    return MarketConfig(
        name=name, kind=raw["kind"], start_urls=start, allowed_prefixes=prefixes,
        politeness=_politeness(raw.get("politeness") or {}),
        max_pages=_positive_int(raw.get("max_pages", 20000), "max_pages"),
        follow=_follow(raw.get("follow") or []),
        pages=_pages(raw["pages"], base), base_url=base or "",
        schedule=_schedule(raw.get("schedule") or {}),
        access=parse_access(raw.get("access")),
        login=parse_login(raw.get("login"), name, lambda v: _fill(v, base)),
        recrawl=parse_recrawl(raw.get("recrawl")), traps=parse_traps(raw.get("traps"), raw.get("canonical")),
        detect=parse_detect(raw.get("detect")),
        max_depth=_nonneg_int(raw.get("max_depth", 0), "max_depth"),
        enabled_by_default=_bool(raw.get("enabled_by_default", True), "enabled_by_default"),
    )


def _nonneg_int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MarketConfigError(f"{where}: must be an integer >= 0, got {value!r}")
    return value


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise MarketConfigError(f"{where}: must be true or false, got {value!r}")
    return value


def _no_unknown(raw: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = set(raw) - allowed
    if unknown:
        raise MarketConfigError(f"{where}: unknown key(s) {sorted(map(str, unknown))}")


def _fill(value: str, base: str | None) -> str:
    return value.replace("{base_url}", base) if base is not None else value


def _url_list(value: Any, where: str, base: str | None) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise MarketConfigError(f"{where}: must be a non-empty list of strings")
    return tuple(_fill(v, base) for v in value)


def _positive_int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise MarketConfigError(f"{where}: must be a positive integer, got {value!r}")
    return value


def _politeness(raw: Any) -> Politeness:
    if not isinstance(raw, Mapping):
        raise MarketConfigError("politeness: must be a mapping")
    _no_unknown(raw, _POLITE_KEYS, "politeness")
    delay = raw.get("download_delay", Politeness.download_delay)
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or not 0 <= delay <= 600:
        raise MarketConfigError(f"politeness.download_delay: must be 0..600 seconds, got {delay!r}")
    conc = raw.get("concurrency", Politeness.concurrency)
    if isinstance(conc, bool) or not isinstance(conc, int) or not 1 <= conc <= 32:
        raise MarketConfigError(f"politeness.concurrency: must be an integer 1..32, got {conc!r}")
    flags = {}
    for key in ("obey_robots", "autothrottle"):
        val = raw.get(key, True)
        if not isinstance(val, bool):
            raise MarketConfigError(f"politeness.{key}: must be true or false, got {val!r}")
        flags[key] = val
    reason = raw.get("robots_override_reason", "")
    if not isinstance(reason, str):
        raise MarketConfigError("politeness.robots_override_reason: must be a string")
    if not flags["obey_robots"] and len(reason.strip()) < 10:
        raise MarketConfigError("politeness.obey_robots: false needs robots_override_reason: "
                                "a written reason (who decided, why) of at least 10 characters")
    return Politeness(float(delay), conc, **flags, robots_override_reason=reason.strip())


def _schedule(raw: Any) -> Schedule:
    if not isinstance(raw, Mapping):
        raise MarketConfigError("schedule: must be a mapping")
    _no_unknown(raw, _SCHEDULE_KEYS, "schedule")
    d = Schedule()
    cron = raw.get("cron", d.cron)
    if not isinstance(cron, str) or len(cron.split()) != 5:
        raise MarketConfigError(f"schedule.cron: must be a 5-field cron expression, got {cron!r}")
    tags = raw.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags):
        raise MarketConfigError("schedule.tags: must be a list of strings")
    for key in ("owner", "pool"):
        if not isinstance(raw.get(key, getattr(d, key)), str) or not raw.get(key, getattr(d, key)):
            raise MarketConfigError(f"schedule.{key}: must be a non-empty string")
    paused = raw.get("paused", d.paused)
    if not isinstance(paused, bool):
        raise MarketConfigError(f"schedule.paused: must be true or false, got {paused!r}")
    retries = raw.get("retries", d.retries)
    if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= 20:
        raise MarketConfigError(f"schedule.retries: must be an integer 0..20, got {retries!r}")
    return Schedule(
        cron=cron, owner=raw.get("owner", d.owner), tags=tuple(tags), retries=retries,
        timeout_minutes=_positive_int(raw.get("timeout_minutes", d.timeout_minutes),
                                      "schedule.timeout_minutes"),
        pool=raw.get("pool", d.pool), paused=paused,
    )


def _follow(raw: Any) -> tuple[FollowRule, ...]:
    if not isinstance(raw, list):
        raise MarketConfigError("follow: must be a list of {css: ...} or {xpath: ...}")
    rules = []
    for i, item in enumerate(raw):
        pagination = False
        if isinstance(item, Mapping) and "pagination" in item:
            item = dict(item)
            pagination = item.pop("pagination")
            if not isinstance(pagination, bool):
                raise MarketConfigError(f"follow[{i}].pagination: must be true or false")
        try:
            spec = FieldSpec.from_dict(f"follow[{i}]", item)
        except FieldSpecError as exc:
            raise MarketConfigError(f"follow[{i}]: {exc}") from exc
        if spec.source == "jsonld":
            raise MarketConfigError(f"follow[{i}]: only css or xpath can give links")
        rules.append(FollowRule(spec.source, spec.expr, pagination))
    return tuple(rules)


def _pages(raw: Any, base: str | None) -> dict[str, PageType]:
    if not isinstance(raw, Mapping) or not raw:
        raise MarketConfigError("pages: must be a non-empty mapping of page types")
    return {str(name): _page(str(name), spec, base) for name, spec in raw.items()}


def _page(name: str, raw: Any, base: str | None) -> PageType:
    where = f"pages.{name}"
    if not isinstance(raw, Mapping):
        raise MarketConfigError(f"{where}: must be a mapping")
    _no_unknown(raw, _PAGE_KEYS, where)
    pattern = raw.get("url_regex")
    if not isinstance(pattern, str) or not pattern:
        raise MarketConfigError(f"{where}.url_regex: required string")
    try:
        regex = re.compile(_fill(pattern, re.escape(base) if base else None))
    except re.error as exc:
        raise MarketConfigError(f"{where}.url_regex: invalid regex: {exc}") from exc
    fields_raw = raw.get("fields") or {}
    if not isinstance(fields_raw, Mapping):
        raise MarketConfigError(f"{where}.fields: must be a mapping")
    try:
        fields = {str(k): FieldSpec.from_dict(str(k), v) for k, v in fields_raw.items()}
    except FieldSpecError as exc:
        raise MarketConfigError(f"{where}.fields: {exc}") from exc
    text_css = raw.get("text_css")
    if text_css is not None:
        _check_css(text_css, f"{where}.text_css")
    required = raw.get("required") or []
    if not isinstance(required, list) or any(r not in fields for r in required):
        raise MarketConfigError(f"{where}.required: must list names defined in fields")
    return PageType(name, regex, fields, text_css, tuple(required))


def _check_css(expr: Any, where: str) -> None:
    if not isinstance(expr, str) or not expr:
        raise MarketConfigError(f"{where}: must be a CSS selector string")
    try:
        _css.css_to_xpath(expr)
    except Exception as exc:  # cssselect raises several unrelated types
        raise MarketConfigError(f"{where}: invalid CSS selector: {exc}") from exc
