"""Recognise pages that stand between the crawler and the content: CAPTCHA, login, anti-DDoS.

Heuristics were fitted on real saved pages (Empire login + CAPTCHA, Empire meta-refresh
interstitials, Apollon's custom 404) in ../shared/data/html/empire/special/.
"""

from __future__ import annotations

import re

from crawlers.options import Detect

_REFRESH = re.compile(rb"<meta\b[^>]*http-equiv=[\"']?refresh", re.IGNORECASE)
_REFRESH_URL = re.compile(rb"url=([^\"'>]+)", re.IGNORECASE)
_INTERSTITIAL_MAX = 4096  # bytes: a refresh page this small carries no content of its own

OK, CAPTCHA, LOGGED_OUT, ANTI_DDOS = "ok", "captcha", "logged_out", "anti_ddos"


def classify(body: bytes, detect: Detect) -> str:
    """One of OK, CAPTCHA, LOGGED_OUT, ANTI_DDOS for an HTML body."""
    text = body[:200_000].decode("utf-8", "replace")
    if detect.compiled["captcha"].search(text):
        return CAPTCHA  # a login form with a CAPTCHA also needs a human
    if len(body) <= _INTERSTITIAL_MAX and _REFRESH.search(body):
        target = _REFRESH_URL.search(body[_REFRESH.search(body).start():])  # type: ignore[union-attr]
        if target and b"login" in target.group(1).lower():
            return LOGGED_OUT  # Empire: expired session -> refresh to /index/login
        return ANTI_DDOS
    if detect.compiled["anti_ddos"].search(text):
        return ANTI_DDOS
    if detect.compiled["logged_out"].search(text):
        return LOGGED_OUT
    return OK


def is_not_found(body: bytes, detect: Detect) -> bool:
    return bool(detect.compiled["not_found"].search(body[:200_000].decode("utf-8", "replace")))
