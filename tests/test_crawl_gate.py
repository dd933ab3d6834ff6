"""crawlers/gate.py on real saved market pages (../shared/data/html): gate pages are recognised,
ordinary listing pages are not mistaken for one."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawlers import gate
from crawlers.options import Detect
from sandbox.silkgate import captcha_page, ddos_page, login_page

HTML = Path("/work/shared/data/html")
SPECIAL = HTML / "empire" / "special"
EXPECTED = {
    # Empire's login form carries a CAPTCHA: a human must solve it.
    "login_page_saved_empire_login_page_0.html": (gate.CAPTCHA, False),
    "login_page_saved_empire_login_page_1.html": (gate.CAPTCHA, False),
    "login_page_saved_empire_login_page_2.html": (gate.CAPTCHA, False),
    # Tiny meta-refresh interstitials: these point at /index/login (session gone), so they are
    # "logged out", not a wait-and-retry anti-DDoS stub (tested below with the sandbox stub).
    "meta_refresh_saved_empire_meta_refresh_0.html": (gate.LOGGED_OUT, False),
    "meta_refresh_saved_empire_meta_refresh_1.html": (gate.LOGGED_OUT, False),
    # Apollon's custom 404 answers 200: a normal page that says the item is gone.
    "custom_server_errors_apollon_404_0.html": (gate.OK, True),
}


@pytest.fixture(scope="module")
def detect() -> Detect:
    if not SPECIAL.is_dir():
        pytest.fail(f"saved pages missing: {SPECIAL}")
    return Detect()


def test_the_six_special_pages_are_classified(detect: Detect) -> None:
    assert sorted(p.name for p in SPECIAL.iterdir()) == sorted(EXPECTED)
    got = {name: (gate.classify((SPECIAL / name).read_bytes(), detect),
                  gate.is_not_found((SPECIAL / name).read_bytes(), detect)) for name in EXPECTED}
    assert got == EXPECTED


def test_ordinary_listing_pages_are_normal(detect: Detect) -> None:
    pages = sorted(p for market in ("empire", "apollon", "hansa")
                   for p in (HTML / market).glob("*.html"))
    assert len(pages) >= 50
    wrong = {p.relative_to(HTML).as_posix(): gate.classify(p.read_bytes(), detect)
             for p in pages if gate.classify(p.read_bytes(), detect) != gate.OK
             or gate.is_not_found(p.read_bytes(), detect)}
    # Apollon listings hold a password-type PIN box in their order form: not a login page.
    assert wrong == {}


def test_sandbox_gate_pages(detect: Detect) -> None:
    assert gate.classify(ddos_page("/silkgate/listing/SG000003").encode(), detect) == gate.ANTI_DDOS
    assert gate.classify(login_page(False).encode(), detect) == gate.LOGGED_OUT
    assert gate.classify(captcha_page().encode(), detect) == gate.CAPTCHA
