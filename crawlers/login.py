"""Form login, re-login after a session expires, and persisting the session cookies (spider mixin)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.http import FormRequest, Response

from crawlers import gate
from crawlers.session import credentials, save_cookies

logger = logging.getLogger(__name__)
MAX_RELOGINS = 3
from crawlers.evidence import REDACT_KEY  # noqa: E402  (WARC keeps the request, not the password)


class LoginMixin:
    """Needs: config, ctx, layout, market_name, crawler, halt(), start_requests_list()."""

    relogins = 0
    waiting_for_login: list[str]

    def login_request(self) -> scrapy.Request:
        login = self.config.login  # type: ignore[attr-defined]
        return scrapy.Request(login.url, callback=self.login_form, errback=self.on_error,  # type: ignore[attr-defined]
                              dont_filter=True, meta={"handle_httpstatus_list": list(range(400, 600))})

    def login_form(self, response: Response) -> Iterator[Any]:
        login = self.config.login  # type: ignore[attr-defined]
        if gate.classify(response.body, self.config.detect) == gate.CAPTCHA:  # type: ignore[attr-defined]
            yield from self.halt(response.url, "captcha", "the login form asks for a CAPTCHA")  # type: ignore[attr-defined]
            return
        found = credentials(login)
        if found is None:
            yield from self.halt(response.url, "login_failed",  # type: ignore[attr-defined]
                                 f"no credentials: set {login.env_prefix}_USERNAME and "
                                 f"{login.env_prefix}_PASSWORD or Airflow connection "
                                 f"{login.airflow_conn_id!r}")
            return
        try:
            request = FormRequest.from_response(
                response, formcss=login.form_css, callback=self.after_login,
                errback=self.on_error, dont_filter=True,  # type: ignore[attr-defined]
                formdata={login.username_field: found[0], login.password_field: found[1]},
                meta={REDACT_KEY: True, "handle_httpstatus_list": list(range(400, 600))})
        except ValueError as exc:
            yield from self.halt(response.url, "login_failed", f"no login form: {exc}")  # type: ignore[attr-defined]
            return
        yield request

    def after_login(self, response: Response) -> Iterator[Any]:
        kind = gate.classify(response.body, self.config.detect)  # type: ignore[attr-defined]
        if kind == gate.CAPTCHA:
            yield from self.halt(response.url, "captcha", "CAPTCHA after login")  # type: ignore[attr-defined]
            return
        if kind == gate.LOGGED_OUT or response.status >= 400:
            yield from self.halt(response.url, "login_failed",  # type: ignore[attr-defined]
                                 f"login rejected (HTTP {response.status}); check the credentials")
            return
        logger.info("logged in to %s", self.market_name)  # type: ignore[attr-defined]
        self.save_session("login")
        retry, self.waiting_for_login = self.waiting_for_login, []
        for url in retry:
            yield self.refetch(url)  # type: ignore[attr-defined]
        if not self.started:  # type: ignore[attr-defined]
            for request in self.first_requests():  # type: ignore[attr-defined]
                yield request

    def on_logged_out(self, url: str) -> Iterator[Any]:
        """Session expired mid-crawl: log in again (a few times per run), then refetch `url`."""
        if self.config.login is None or self.relogins >= MAX_RELOGINS:  # type: ignore[attr-defined]
            yield from self.halt(url, "logged_out", "the market logged the crawler out")  # type: ignore[attr-defined]
            return
        first = not self.waiting_for_login
        self.waiting_for_login.append(url)
        if first:
            self.relogins += 1
            self.clear_jar()  # a stale session cookie would shadow the fresh one
            self.cookies = {}  # type: ignore[attr-defined]
            yield self.login_request()

    def _cookie_mws(self) -> list[CookiesMiddleware]:
        engine = getattr(self.crawler, "engine", None)  # type: ignore[attr-defined]
        mws = engine.downloader.middleware.middlewares if engine else []
        return [mw for mw in mws if isinstance(mw, CookiesMiddleware)]

    def clear_jar(self) -> None:
        for mw in self._cookie_mws():
            mw.jars.clear()

    def jar_cookies(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for mw in self._cookie_mws():
            for jar in mw.jars.values():
                out.update({c.name: c.value for c in jar.jar if c.value is not None})
        return out

    def save_session(self, source: str) -> None:
        cookies = self.jar_cookies()
        if cookies:
            save_cookies(self.layout.root, self.market_name, cookies, source)  # type: ignore[attr-defined]
