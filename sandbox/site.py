"""Routing: (path, query) -> Response. Pure functions of the World, so pages are byte-identical."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from sandbox import pages_boardex as bx
from sandbox import pages_nightbazaar as nb
from sandbox import pages_pillstore as ps
from sandbox.catalog import NB_CATEGORIES
from sandbox.exceptions import UnknownListingError
from sandbox.html_common import PAGE_SIZE, break_html, error_page, esc, shell
from sandbox.world import World

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
ROBOTS = ("User-agent: *\nDisallow: /nightbazaar/cart\nDisallow: /pillstore/cart\n"
          "Disallow: /boardex/post/new\nDisallow: /boardex/search\n")


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes


def html(text: str, status: int = 200) -> Response:
    return Response(status, HTML, text.encode("utf-8"))


def not_found(what: str) -> Response:
    return html(error_page(404, f"Not Found: {what}"), 404)


class Site:
    """All three markets of one World."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._cats: dict[str, list[int]] | None = None

    def handle(self, target: str) -> Response:
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        try:
            page = int(query.get("page", ["1"])[0])
        except ValueError:
            return html(error_page(400, "Bad Request: page must be an integer"), 400)
        try:
            return self._route(path, page)
        except (LookupError, UnknownListingError) as exc:
            return not_found(str(exc) or path)

    def _route(self, path: str, page: int) -> Response:
        if path == "/robots.txt":
            return Response(200, TEXT, ROBOTS.encode("utf-8"))
        if path == "/":
            return html(landing())
        for prefix, router in (("/nightbazaar/", self._nightbazaar), ("/pillstore/", self._pillstore),
                               ("/boardex/", self._boardex)):
            if path == prefix.rstrip("/"):
                return html(landing())
            if path.startswith(prefix):
                return router(path[len(prefix):], page)
        return not_found(path)

    # ---- nightbazaar ---------------------------------------------------------------------
    def _categories(self) -> dict[str, list[int]]:
        if self._cats is None:
            cats: dict[str, list[int]] = {slug: [] for slug in NB_CATEGORIES}
            for i in self.world.live_indices("nightbazaar"):
                core = self.world.core("nightbazaar", i)
                cats[core.drug.category if core.drug else core.nondrug[1]].append(i)
            self._cats = cats
        return self._cats

    def _nightbazaar(self, rest: str, page: int) -> Response:
        counts = {slug: len(ids) for slug, ids in self._categories().items()}
        day = self.world.day
        if rest == "":
            return html(nb.home(counts, day))
        if rest == "cart":
            return html(nb.cart())
        if m := re.fullmatch(r"category/([a-z]+)", rest):
            ids = self._categories().get(m.group(1))
            if ids is None:
                raise LookupError(f"no category {m.group(1)}")
            shown = ids[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
            cards = [self.world.listing("nightbazaar", i) for i in shown]
            return html(nb.category(m.group(1), cards, ids, page, counts, day))
        if m := re.fullmatch(r"listing/([A-Z0-9]+)", rest):
            item = self.world.listing_by_id("nightbazaar", m.group(1))
            return self._faulty(item, nb.listing(item, counts, day))
        if m := re.fullmatch(r"vendor/([A-Za-z0-9_]+)", rest):
            return html(nb.vendor(self.world.seller_by_handle("nightbazaar", m.group(1)), counts, day))
        raise LookupError(rest)

    # ---- pillstore -----------------------------------------------------------------------
    def _pillstore(self, rest: str, page: int) -> Response:
        ids = self.world.live_indices("pillstore")
        if rest == "":
            return html(ps.home(len(ids)))
        if rest == "cart":
            return html(ps.cart())
        if rest == "catalog":
            shown = ids[(page - 1) * ps.PAGE_SIZE: page * ps.PAGE_SIZE]
            return html(ps.catalog([self.world.listing("pillstore", i) for i in shown], ids, page))
        if m := re.fullmatch(r"product/([A-Z0-9]+)", rest):
            item = self.world.listing_by_id("pillstore", m.group(1))
            return self._faulty(item, ps.product(item))
        raise LookupError(rest)

    # ---- boardex -------------------------------------------------------------------------
    def _boardex(self, rest: str, page: int) -> Response:
        ids = self.world.live_indices("boardex")
        if rest == "":
            shown = ids[(page - 1) * bx.PAGE_SIZE: page * bx.PAGE_SIZE]
            return html(bx.index([self.world.listing("boardex", i) for i in shown], ids, page))
        if rest == "post/new" or rest == "search":
            return html(bx.new_post_form())
        if m := re.fullmatch(r"post/([A-Z0-9]+)", rest):
            item = self.world.listing_by_id("boardex", m.group(1))
            return self._faulty(item, bx.post(item))
        raise LookupError(rest)

    @staticmethod
    def _faulty(item, page: str) -> Response:
        if item.fault == "http_500":
            return html(error_page(500, "Internal Server Error"), 500)
        if item.fault == "broken_html":
            return html(break_html(page))
        return html(page)


def landing() -> str:
    links = "".join(f'<li><a href="/{m}/">{esc(label)}</a></li>' for m, label in (
        ("nightbazaar", "NightBazaar (darknet market)"), ("pillstore", "RxPillStore24 (online pharmacy)"),
        ("boardex", "BoardEx (classifieds)")))
    return shell("pharmwatch sandbox", f'<h1>pharmwatch sandbox markets</h1>\n<ul class="markets">{links}</ul>')
