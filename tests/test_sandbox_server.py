"""The sandbox over real HTTP: routes, robots, faults, loopback-only, and pages matching the truth."""

from __future__ import annotations

import http.client
import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import parsel
import pytest
import yaml

from sandbox.catalog import COUNTRY_EN
from sandbox.exceptions import UnsafeBindError
from sandbox.server import SandboxServer, serve_in_thread
from sandbox.world import World

ROOT = Path(__file__).resolve().parent.parent
NAME_TO_CODE = {name: code for code, name in COUNTRY_EN.items()}


@pytest.fixture(scope="module")
def world() -> World:
    return World(seed=21, listings=300)


@pytest.fixture(scope="module")
def server(world: World):
    with serve_in_thread(world) as srv:
        yield srv


@pytest.fixture(scope="module")
def truth(world: World) -> list[dict]:
    return list(world.truth())


def fetch(server: SandboxServer, path: str, method: str = "GET") -> tuple[int, dict, bytes]:
    req = urllib.request.Request(server.base_url + path, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def field(sel: parsel.Selector, spec: dict) -> object:
    """Minimal reading of the contracts.md field spec, enough to check our selectors."""
    if "jsonld" in spec:
        for raw in sel.css('script[type="application/ld+json"]::text').getall():
            node = json.loads(raw)
            if node.get("@type") == "Product":
                for key in spec["jsonld"].split("."):
                    node = node.get(key) if isinstance(node, dict) else None
                return node
        return None
    found = sel.css(spec["css"]) if "css" in spec else sel.xpath(spec["xpath"])
    values = [" ".join(" ".join(n.xpath(".//text()").getall()).split()) for n in found] if spec.get("text") \
        else [v.strip() for v in found.getall()]
    values = [v for v in values if v]
    value: object = spec["join"].join(values) if "join" in spec else (values if spec.get("all") else
                                                                       (values[0] if values else None))
    if "re" in spec and isinstance(value, str):
        m = re.search(spec["re"], value)
        value = m.group(1) if m else None
    return value


def config(market: str) -> dict:
    return yaml.safe_load((ROOT / "crawlers" / "markets" / f"{market}.yaml").read_text(encoding="utf-8"))


def test_binds_loopback_with_free_port(server: SandboxServer) -> None:
    assert server.base_url == f"http://127.0.0.1:{server.port}" and server.port > 0


@pytest.mark.parametrize("host", ["0.0.0.0", "8.8.8.8"])
def test_refuses_non_loopback(world: World, host: str) -> None:
    with pytest.raises(UnsafeBindError):
        SandboxServer(world, host=host)


def test_landing_robots_and_404(server: SandboxServer) -> None:
    status, headers, body = fetch(server, "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    links = parsel.Selector(body.decode()).css("ul.markets a::attr(href)").getall()
    assert links == ["/nightbazaar/", "/pillstore/", "/boardex/"]
    status, headers, body = fetch(server, "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert "Disallow: /nightbazaar/cart" in body.decode() and "Disallow: /boardex/post/new" in body.decode()
    for path in ("/nope", "/nightbazaar/listing/NB999999", "/nightbazaar/category/nothing",
                 "/nightbazaar/category/benzos?page=999", "/boardex/post/../../etc/passwd"):
        assert fetch(server, path)[0] == 404, path
    assert fetch(server, "/boardex/?page=abc")[0] == 400


def test_head_has_headers_but_no_body(server: SandboxServer, truth: list[dict]) -> None:
    path = next(r["url_path"] for r in truth if r["fault"] is None)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("HEAD", path)
    resp = conn.getresponse()
    assert resp.status == 200 and int(resp.getheader("Content-Length")) > 500 and resp.read() == b""
    conn.close()


def test_disallowed_links_exist_on_pages(server: SandboxServer, truth: list[dict]) -> None:
    nb = next(r for r in truth if r["market"] == "nightbazaar" and r["fault"] is None)
    page = parsel.Selector(fetch(server, nb["url_path"])[2].decode())
    assert page.css("a.add-to-cart::attr(href)").get().startswith("/nightbazaar/cart")
    board = parsel.Selector(fetch(server, "/boardex/")[2].decode())
    assert board.css("a.post-new::attr(href)").get() == "/boardex/post/new"


def test_faults_answer_as_declared(server: SandboxServer, truth: list[dict]) -> None:
    faulty = [r for r in truth if r["fault"]]
    assert {r["fault"] for r in faulty} == {"broken_html", "http_500"}
    for rec in faulty:
        status, _, body = fetch(server, rec["url_path"])
        if rec["fault"] == "http_500":
            assert status == 500
            assert fetch(server, rec["url_path"])[0] == 500   # always, not just once
        else:
            text = body.decode()
            assert status == 200 and "</html>" not in text and "</td>" not in text
            assert rec["title"] in parsel.Selector(text).css("h1::text").get()


def _check_listing(market: str, rec: dict, html: str) -> None:
    fields = {k: field(parsel.Selector(html), spec) for k, spec in config(market)["pages"]["listing"]["fields"].items()}
    assert fields["title"] == rec["title"]
    if market == "nightbazaar":
        assert fields["seller"] == rec["seller"]
        assert NAME_TO_CODE[fields["ships_from"]] == rec["ship_from"]
        assert [NAME_TO_CODE[n] for n in fields["ships_to"].split(", ")] == rec["ship_to"]
        parts = fields["price"].split()   # "USD 120.00" or "0.0042 BTC"
        number, currency = parts if parts[1] == "BTC" else parts[::-1]
        assert float(number) == rec["price"] and currency == rec["currency"]
        assert fields["category"] == rec["category"]
    elif market == "pillstore":
        assert float(fields["price"]) == rec["price"] and fields["currency"] == rec["currency"]
        assert fields["seller"] == rec["seller"]
    else:
        assert fields["seller"] == rec["seller"]
        if rec["price"] is not None:
            assert float(re.match(r"\d+", fields["price"]).group()) == rec["price"]
    url_regex = config(market)["pages"]["listing"]["url_regex"]
    assert re.search(url_regex, rec["url_path"]).group("id") == rec["listing_id"]


@pytest.mark.parametrize("market", ["nightbazaar", "pillstore", "boardex"])
def test_pages_show_what_truth_says(server: SandboxServer, truth: list[dict], market: str) -> None:
    records = [r for r in truth if r["market"] == market and r["fault"] != "http_500"]
    for rec in records[::7]:
        status, _, body = fetch(server, rec["url_path"])
        assert status == 200
        _check_listing(market, rec, body.decode("utf-8"))


def test_vendor_page_has_pgp_and_alias_shares_key(server: SandboxServer, truth: list[dict]) -> None:
    nb = [r for r in truth if r["market"] == "nightbazaar"]
    spec = config("nightbazaar")["pages"]["seller"]["fields"]
    keys: dict[str, set[str]] = {}
    for rec in nb:
        page = parsel.Selector(fetch(server, rec["seller_url_path"])[2].decode())
        assert field(page, spec["handle"]) == rec["seller"]
        pgp = field(page, spec["pgp_key"])
        assert pgp.startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----") and pgp.endswith("-----END PGP PUBLIC KEY BLOCK-----")
        keys.setdefault(pgp, set()).add(rec["seller"])
    by_seller_key: dict[str, set[str]] = {}
    for rec in nb:
        by_seller_key.setdefault(rec["seller_key"], set()).add(rec["seller"])
    # Different handles of one real-world seller show the same PGP key, and only then.
    assert sorted(map(sorted, keys.values())) == sorted(map(sorted, by_seller_key.values()))


def _crawl_index(server: SandboxServer, start: str, link_css: str) -> set[str]:
    seen, url = set(), start
    while url:
        page = parsel.Selector(fetch(server, url)[2].decode())
        seen.update(page.css(link_css).getall())
        url = page.css("a.next::attr(href)").get()
    return seen


def test_indexes_reach_every_live_listing(server: SandboxServer, truth: list[dict]) -> None:
    home = parsel.Selector(fetch(server, "/nightbazaar/")[2].decode())
    nb: set[str] = set()
    for cat in home.css("ul.categories a::attr(href)").getall():
        nb |= _crawl_index(server, cat, ".listing-card a.title::attr(href)")
    assert nb == {r["url_path"] for r in truth if r["market"] == "nightbazaar"}
    ps = _crawl_index(server, "/pillstore/catalog", "a.product-link::attr(href)")
    assert ps == {r["url_path"] for r in truth if r["market"] == "pillstore"}
    bx = _crawl_index(server, "/boardex/", "a.post-link::attr(href)")
    assert bx == {r["url_path"] for r in truth if r["market"] == "boardex"}


def test_hostile_text_is_escaped(truth: list[dict]) -> None:
    big = World(seed=21, listings=3000)
    rec = next(r for r in big.truth() if r["hostile"] and r["fault"] is None)
    with serve_in_thread(big) as srv:
        html = fetch(srv, rec["url_path"])[2].decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    text = " ".join(parsel.Selector(html).css("main ::text").getall())
    assert any(s in text for s in ("<script>", "DROP TABLE", "=HYPERLINK", "<img src=x"))


def test_jsbazaar_html_holds_no_data_and_its_api_matches_truth() -> None:
    from sandbox import jsmarket

    world = World(seed=13, listings=120)
    truth = jsmarket.truth(world)
    assert len(truth) >= 10 and all(t["market"] == "jsbazaar" for t in truth)
    first = truth[0]
    with serve_in_thread(world) as server:
        def get(path: str) -> tuple[int, str, bytes]:
            try:
                with urllib.request.urlopen(server.base_url + path, timeout=10) as resp:
                    return resp.status, resp.headers["Content-Type"], resp.read()
            except urllib.error.HTTPError as exc:
                return exc.code, exc.headers["Content-Type"], exc.read()

        status, ctype, page = get(first["url_path"])
        assert status == 200 and ctype.startswith("text/html")
        assert first["title"].encode() not in page and first["seller"].encode() not in page
        assert b'<main id="app"></main>' in page and b"/jsbazaar/api/listing/" in page
        status, ctype, body = get(f"/jsbazaar/api/listing/{first['listing_id']}.json")
        data = json.loads(body)
        assert ctype.startswith("application/json")
        assert (data["title"], data["vendor"], data["ships_from"], data["price"]) == \
            (first["title"], first["seller"], first["ship_from"], first["price"])
        index = json.loads(get("/jsbazaar/api/index.json?page=1")[2])
        assert [i["id"] for i in index["items"]] == [t["listing_id"] for t in truth][:jsmarket.PAGE]
        assert get("/jsbazaar/api/listing/JB999999.json")[0] == 404
        assert get("/jsbazaar/api/index.json?page=99")[0] == 404
