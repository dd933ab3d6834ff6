"""Market YAML loading/validation and the Scrapy settings the crawler runs with."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.extensions.remote_control import RemoteControl
from scrapy.extension import ExtensionManager
from scrapy.settings import Settings
from scrapy.utils.misc import build_from_crawler

from crawlers import settings as project_settings
from crawlers.config import list_markets, load_market, parse_market
from crawlers.exceptions import MarketConfigError
from crawlers.spiders.market import MarketSpider

FAKE = Path(__file__).resolve().parent / "fixtures" / "crawler" / "markets"
BASE = "http://127.0.0.1:8123"


def fake_raw() -> dict:
    return yaml.safe_load((FAKE / "fakemart.yaml").read_text())


def test_sandbox_markets_load_and_fill_base_url() -> None:
    names = list_markets()
    assert {"nightbazaar", "pillstore", "boardex"} <= set(names)
    for name in names:
        cfg = load_market(name, BASE + "/")
        assert cfg.name == name
        assert all(u.startswith(BASE + "/") for u in cfg.start_urls + cfg.allowed_prefixes)
        assert "{base_url}" not in "".join(cfg.start_urls)
        assert "listing" in cfg.pages


def test_page_type_routing() -> None:
    cfg = load_market("fakemart", BASE, FAKE)
    page, match = cfg.page_type(BASE + "/fakemart/listing/L001")
    assert page.name == "listing" and match["id"] == "L001"
    assert cfg.page_type(BASE + "/fakemart/vendor/bob")[0].name == "seller"
    assert cfg.page_type(BASE + "/fakemart/listing/L001/extra") is None
    assert cfg.allows(BASE + "/fakemart/x") and not cfg.allows(BASE + "/other/")


def mutate(path: str, value: object) -> dict:
    raw = copy.deepcopy(fake_raw())
    *parents, last = path.split(".")
    node = raw
    for key in parents:
        node = node[key]
    if value is KeyError:
        del node[last]
    else:
        node[last] = value
    return raw


@pytest.mark.parametrize("path, value, message", [
    ("kind", "forum", "kind: must be one of"),
    ("name", "Fake Mart!", "invalid market name"),
    ("name", "othermart", "does not match file name"),
    ("start_urls", [], "non-empty list"),
    ("start_urls", ["http://elsewhere.example/"], "outside allowed_prefixes"),
    ("pages", KeyError, "missing required key 'pages'"),
    ("max_pages", 0, "max_pages: must be a positive integer"),
    ("politeness.concurrency", 1000, "politeness.concurrency"),
    ("politeness.download_delay", -1, "politeness.download_delay"),
    ("politeness.obey_robots", "yes", "politeness.obey_robots"),
    ("politeness.speed", 3, "unknown key"),
    ("folow", [], "unknown key(s) ['folow']"),
    ("follow", [{"jsonld": "x"}], "only css or xpath"),
    ("pages.listing.url_regex", "(?P<id>[A-Z", "invalid regex"),
    ("pages.listing.text_css", "main[[", "invalid CSS"),
    ("pages.listing.fields.title", {"css": "h1", "xpath": "//h1"}, "pages.listing.fields"),
    ("pages.listing.required", ["nonexistent"], "required"),
])
def test_bad_configs_give_clear_errors(path: str, value: object, message: str) -> None:
    with pytest.raises(MarketConfigError, match=re.escape(message)):
        parse_market(mutate(path, value), BASE, expected_name="fakemart")


def test_file_level_errors(tmp_path: Path) -> None:
    with pytest.raises(MarketConfigError, match="no market config"):
        load_market("absent", BASE, tmp_path)
    with pytest.raises(MarketConfigError, match="invalid market name"):
        load_market("../etc/passwd", BASE, tmp_path)
    (tmp_path / "broken.yaml").write_text("name: [unclosed\n")
    with pytest.raises(MarketConfigError, match=r"broken\.yaml: cannot read YAML"):
        load_market("broken", BASE, tmp_path)
    (tmp_path / "listy.yaml").write_text("- a\n- b\n")
    with pytest.raises(MarketConfigError, match="top level must be a mapping"):
        load_market("listy", BASE, tmp_path)
    with pytest.raises(MarketConfigError, match="base_url"):
        load_market("fakemart", "127.0.0.1:80", FAKE)


def project_crawler(**spider_kwargs: str) -> Crawler:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.set("PHARMWATCH_MARKETS_DIR", str(FAKE), priority="cmdline")
    return Crawler(MarketSpider, settings)


def test_remote_control_and_telnet_are_disabled() -> None:
    crawler = project_crawler()
    s = crawler.settings
    assert s.getbool("TELNETCONSOLE_ENABLED") is False
    assert s.getbool("REMOTE_CONTROL_ENABLED") is False
    names = ExtensionManager._get_mwlist_from_settings(s)
    assert "scrapy.extensions.remote_control.RemoteControl" not in names
    assert "scrapy.extensions.telnet.TelnetConsole" not in names
    assert "crawlers.pipelines.RunFinalizer" in names
    with pytest.raises(NotConfigured):
        build_from_crawler(RemoteControl, crawler)


def test_polite_defaults() -> None:
    s = project_crawler().settings
    assert s.getbool("ROBOTSTXT_OBEY") and s.getbool("AUTOTHROTTLE_ENABLED")
    assert "pharmwatch" in s.get("USER_AGENT") and "Scrapy" not in s.get("USER_AGENT")
    assert 0 < s.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 4
    assert 500 in s.getlist("RETRY_HTTP_CODES") and 404 not in s.getlist("RETRY_HTTP_CODES")
    assert 0 < s.getint("RETRY_TIMES") <= 5
    assert 0 < s.getfloat("DOWNLOAD_TIMEOUT") <= 60
    assert 0 < s.getint("DOWNLOAD_MAXSIZE") <= 50 * 1024 * 1024


def test_market_politeness_applied_to_crawler_settings() -> None:
    crawler = project_crawler()
    MarketSpider.from_crawler(crawler, market="fakemart", base_url=BASE, date="2025-01-02",
                              run_id="r1")
    s = crawler.settings
    assert s.getfloat("DOWNLOAD_DELAY") == 0.0  # project default is 1.0; YAML says 0.0
    assert s.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 4
    assert s.getbool("AUTOTHROTTLE_ENABLED") is False


def test_schedule_section_is_validated() -> None:
    from crawlers.config import Schedule, _schedule

    assert _schedule({}) == Schedule()
    got = _schedule({"cron": "*/5 * * * *", "tags": ["x"], "retries": 4, "pool": "tor"})
    assert (got.cron, got.tags, got.retries, got.pool) == ("*/5 * * * *", ("x",), 4, "tor")
    for bad in ({"cron": "daily"}, {"retries": -1}, {"tags": "x"}, {"paused": "no"},
                {"timeout_minutes": 0}, {"owner": ""}, {"whatever": 1}):
        with pytest.raises(MarketConfigError):
            _schedule(bad)
