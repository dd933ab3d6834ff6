"""SilkGate: a login-only darknet market (session cookie, CAPTCHA now and then, anti-DDoS stub).

Its listings are a third of NightBazaar's, relisted; its vendors are the same real-world people
as the NightBazaar vendors (same PGP key, same `seller_key`) under other handles.
Sandbox credentials: any user name with password SANDBOX_PASSWORD.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from dataclasses import dataclass, replace
from urllib.parse import parse_qs

from sandbox.html_common import esc, pager, paginate, paragraphs, shell
from sandbox.keys import stream
from sandbox.people import Seller, make_handle
from sandbox.world import World, truth_record

SANDBOX_USER = "pharmwatch"
SANDBOX_PASSWORD = "sandbox-password"
COOKIE = "sg_session"
SANDBOX_ENV = {"PHARMWATCH_SILKGATE_USERNAME": SANDBOX_USER,
               "PHARMWATCH_SILKGATE_PASSWORD": SANDBOX_PASSWORD}
PAGE = 25


def listing_indices(world: World) -> list[int]:
    return [i for i in world.live_indices("nightbazaar") if i % 3 == 0]


def silk_id(index: int) -> str:
    return f"SG{index:06d}"


def silk_seller(world: World, seller: Seller) -> Seller:
    """The same actor under a SilkGate handle (never the NightBazaar one)."""
    handle = make_handle(stream(world.seed, "silkgate", seller.handle), set(), seller.index)
    if handle.lower() == seller.handle.lower():
        handle += "_sg"
    return replace(seller, market="silkgate", handle=handle)


def truth(world: World) -> list[dict]:
    out = []
    for i in listing_indices(world):
        item = world.listing("nightbazaar", i)
        rec = truth_record(item)
        seller = silk_seller(world, item.seller)
        rec.update(id=f"silkgate:{silk_id(i)}", market="silkgate", listing_id=silk_id(i),
                   url_path=f"/silkgate/listing/{silk_id(i)}", seller=seller.handle,
                   seller_url_path=f"/silkgate/vendor/{seller.handle}", fault=None)
        out.append(rec)
    return out


@dataclass
class _Session:
    requests: int = 0
    captcha: bool = False
    verified: bool = False


class SilkGate:
    def __init__(self, world: World, captcha_every: int = 0, ddos_rate: float = 0.05):
        self.world = world
        self.captcha_every = captcha_every
        self.ddos_rate = ddos_rate
        self.sessions: dict[str, _Session] = {}
        self.ddos_served: set[str] = set()
        self.logins = 0
        self._lock = threading.Lock()
        self._vendors: dict[str, Seller] | None = None

    def captcha_answer(self, token: str) -> str:
        """What the CAPTCHA image says (an operator reads it; tests ask the sandbox)."""
        return hashlib.sha256(f"captcha:{token}".encode()).hexdigest()[:6]

    def handle(self, method: str, path: str, cookie: str | None,
               form: dict[str, list[str]]) -> tuple[int, str, str | None]:
        """(status, html, Set-Cookie token or None)."""
        rest = path[len("/silkgate/"):]
        if rest == "login":
            return self._login(method, form)
        with self._lock:
            session = self.sessions.get(cookie or "")
            if session is None:
                return 200, login_page(False), None
            if rest == "captcha" and method == "POST":
                if form.get("answer", [""])[0] == self.captcha_answer(cookie or ""):
                    session.captcha, session.verified = False, True
                    return 303, "", None
                return 200, captcha_page(), None
            session.requests += 1
            if (self.captcha_every and not session.verified
                    and session.requests % self.captcha_every == 0):
                session.captcha = True
            if session.captcha:
                return 200, captcha_page(), None
            if path not in self.ddos_served and stream(self.world.seed, "ddos", path).random() < self.ddos_rate:
                self.ddos_served.add(path)
                return 200, ddos_page(path), None
        return self._page(rest)

    def _login(self, method: str, form: dict[str, list[str]]) -> tuple[int, str, str | None]:
        if method != "POST":
            return 200, login_page(False), None
        if form.get("password", [""])[0] != SANDBOX_PASSWORD or not form.get("username", [""])[0]:
            return 200, login_page(True), None
        token = secrets.token_hex(16)
        with self._lock:
            self.sessions[token] = _Session()
            self.logins += 1
        return 303, "", token

    def vendors(self) -> dict[str, Seller]:
        if self._vendors is None:
            found = {}
            for i in listing_indices(self.world):
                seller = silk_seller(self.world, self.world.listing("nightbazaar", i).seller)
                found[seller.handle] = seller
            self._vendors = found
        return self._vendors

    def _page(self, rest: str) -> tuple[int, str, str | None]:
        ids = listing_indices(self.world)
        if rest in ("", "index"):
            return 200, index_page([], ids, 1, self), None
        if m := re.fullmatch(r"page/(\d+)", rest):
            return 200, index_page([], ids, int(m.group(1)), self), None
        if m := re.fullmatch(r"listing/SG(\d{6})", rest):
            index = int(m.group(1))
            if index not in set(ids):
                return 404, shell("Not found", "<h1>Item not found</h1>"), None
            item = self.world.listing("nightbazaar", index)
            return 200, listing_page(item, silk_seller(self.world, item.seller)), None
        if m := re.fullmatch(r"vendor/([A-Za-z0-9_]+)", rest):
            seller = self.vendors().get(m.group(1))
            if seller is None:
                return 404, shell("Not found", "<h1>Vendor not found</h1>"), None
            return 200, vendor_page(seller), None
        return 404, shell("Not found", "<h1>Error 404</h1>"), None


def login_page(failed: bool) -> str:
    note = '<p class="error">Wrong username or password</p>' if failed else ""
    return shell("SilkGate - Login", f'<main class="login"><h1>Login</h1>{note}'
                 '<form action="/silkgate/login" method="post">'
                 '<input type="text" name="username" placeholder="Username">'
                 '<input type="password" name="password" placeholder="Password">'
                 '<input type="submit" value="Login"></form></main>')


def captcha_page() -> str:
    return shell("SilkGate - Security check", '<main class="captcha"><h1>Security check</h1>'
                 '<img src="/silkgate/captchaimg/challenge.jpg" alt="captcha">'
                 '<form action="/silkgate/captcha" method="post">'
                 '<input type="text" name="answer" placeholder="What\'s the captcha?">'
                 '<input type="submit" value="Continue"></form></main>')


def ddos_page(path: str) -> str:
    return ('<html><head><meta http-equiv="refresh" content="1; url=' + esc(path) + '"></head>'
            '<body><p>DDoS protection: please wait...</p></body></html>')


def index_page(_: list, ids: list[int], page: int, gate: SilkGate) -> str:
    shown, pages = paginate(ids, page, PAGE)
    rows = "\n".join(f'<li><a class="item" href="/silkgate/listing/{silk_id(i)}">'
                     f'{esc(gate.world.listing("nightbazaar", i).title)}</a></li>' for i in shown)
    nav = pager("/silkgate/index", page, pages).replace("/silkgate/index?page=", "/silkgate/page/")
    return shell("SilkGate", f'<main class="index"><h1>SilkGate listings</h1><ul>{rows}</ul>{nav}</main>')


def listing_page(item, seller: Seller) -> str:  # type: ignore[no-untyped-def]
    return shell(f"SilkGate - {item.title}", (
        f'<main class="listing"><h1 class="title">{esc(item.title)}</h1>'
        f'<p class="vendor">Vendor: <a href="/silkgate/vendor/{esc(seller.handle)}">{esc(seller.handle)}</a></p>'
        f'<p class="price">{esc(item.price_text)}</p>'
        f'<p class="ships">Ships from {esc(item.ship_from)} to {esc(", ".join(item.ship_to))}</p>'
        f'<div class="description">{paragraphs(item.description)}</div></main>'), item.language)


def vendor_page(seller: Seller) -> str:
    return shell(f"SilkGate - {seller.handle}", (
        f'<main class="vendor-profile"><h1 class="vendor-name">{esc(seller.handle)}</h1>'
        f'<pre class="pgp">{esc(seller.actor.pgp_key)}</pre></main>'))


def parse_form(body: bytes) -> dict[str, list[str]]:
    return parse_qs(body.decode("utf-8", "replace"))
