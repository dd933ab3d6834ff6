"""Fentanyl-class alerts at once, through the real path: sandbox HTTP server -> Scrapy crawl ->
spaCy extraction -> warehouse load -> `immediate_alerts` -> a real SMTP server (aiosmtpd).

The sandbox truth says which listings offer fentanyl, an analogue or a nitazene; each must raise
exactly one alert carrying its URL and the SHA-256 of the page as served, e-mailed once.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import json
import re
import urllib.request
from pathlib import Path

import duckdb
import pytest

from crawlers.run import list_markets
from nlp.extract import Extractor
from nlp.stage import extract_partition
from pharmwatch.paths import Layout
from pharmwatch.pipeline import RunResult, crawl_all
from sandbox.server import serve_in_thread
from sandbox.world import World
from warehouse.alerts import immediate_alerts
from warehouse.db import migrate
from warehouse.flags import load_rules
from warehouse.load import load_partition

# Seed 2 with 30 listings holds one fentanyl listing (nightbazaar:NB000011) and no listing the
# extractor is known to misread as fentanyl (see "Fentanyl read from the text" in docs/report.md).
SEED, LISTINGS, DATE = 2, 30, "2026-11-23"


@pytest.fixture()
def smtp(smtp_inbox):
    return smtp_inbox.settings, smtp_inbox


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory):
    """Crawl, extract and load the sandbox; the server stays up so pages can be fetched again."""
    root = tmp_path_factory.mktemp("fentanyl")
    world = World(SEED, LISTINGS)
    pattern = re.compile(load_rules().alerts["immediate"]["inn_pattern"])
    truth = {r["id"]: r for r in world.truth() if any(pattern.search(d) for d in r["drugs"])}
    assert truth, "the chosen sandbox world must hold a fentanyl-class listing"
    db, layout = root / "w.duckdb", Layout(root)
    with serve_in_thread(world) as server:
        result = RunResult(db=db)
        markets = crawl_all(list_markets(), server.base_url, DATE, root, result)
        assert not result.failures and set(markets) == set(world.market_names())
        migrate(db)
        extractor = Extractor()
        for market in markets:
            extract_partition(layout, market, DATE, extractor=extractor)
            load_partition(db, layout, market, DATE)
        yield db, truth, server.base_url


def _alerts(db: Path) -> list[dict]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT alert_key, subject, evidence FROM alert WHERE kind = 'fentanyl'").fetchall()
        sent = con.execute("SELECT count(*) FROM alert_delivery WHERE channel = 'immediate'").fetchone()[0]
    finally:
        con.close()
    return [{"key": k, "subject": s, "evidence": json.loads(e), "sent": sent} for k, s, e in rows]


def test_every_fentanyl_listing_alerts_once_with_evidence_and_one_email(crawled, smtp) -> None:
    db, truth, base_url = crawled
    settings, inbox = smtp
    sent = immediate_alerts(db, ["duty@example.invalid"], settings)
    assert sorted(sent) == sorted(f"fentanyl:{lid}" for lid in truth)
    alerts = _alerts(db)
    assert sorted(a["subject"] for a in alerts) == sorted(truth)  # one alert per listing, no other
    for alert in alerts:
        [evidence] = alert["evidence"]
        url = base_url + truth[alert["subject"]]["url_path"]
        assert evidence["url"] == url
        with urllib.request.urlopen(url, timeout=30) as resp:  # the page as the server sends it
            assert evidence["page_sha256"] == hashlib.sha256(resp.read()).hexdigest()
    assert len(inbox.messages) == 1
    msg = email.message_from_bytes(inbox.messages[0].as_bytes(), policy=email.policy.default)
    assert "fentanyl" in msg["Subject"].lower() and msg["To"] == "duty@example.invalid"
    html = msg.get_body(preferencelist=("html",)).get_content()
    for alert in alerts:
        assert alert["evidence"][0]["url"] in html and alert["evidence"][0]["page_sha256"] in html
    assert alerts[0]["sent"] == len(truth)

    assert immediate_alerts(db, ["duty@example.invalid"], settings) == []  # after the next load
    assert len(inbox.messages) == 1 and len(_alerts(db)) == len(truth)
