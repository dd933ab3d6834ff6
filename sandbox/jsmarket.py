"""JsBazaar: a market whose pages hold no listing data until their JavaScript runs.

Index and listing pages are an empty `<main id="app">` plus an inline script that fetches JSON
from `/jsbazaar/api/...` and builds the links and fields in the DOM. A crawler without a
browser sees no links and no fields. Its listings are a quarter of NightBazaar's (fault-free
ones), relisted with `JB` ids by the same vendors.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

from sandbox.html_common import paginate, shell
from sandbox.site import Response, error_page, html
from sandbox.world import World, truth_record

PAGE = 20
JSON = "application/json; charset=utf-8"

INDEX_JS = """
const page = new URLSearchParams(location.search).get("page") || "1";
fetch("/jsbazaar/api/index.json?page=" + page).then(r => r.json()).then(d => {
  const app = document.getElementById("app");
  const ul = document.createElement("ul");
  ul.className = "items";
  for (const it of d.items) {
    const a = document.createElement("a");
    a.className = "item"; a.href = "/jsbazaar/listing/" + it.id; a.textContent = it.title;
    const li = document.createElement("li"); li.appendChild(a); ul.appendChild(li);
  }
  app.appendChild(ul);
  if (d.next) {
    const n = document.createElement("a");
    n.className = "next"; n.href = "/jsbazaar/?page=" + d.next; n.textContent = "Next";
    app.appendChild(n);
  }
});
"""

LISTING_JS = """
const id = location.pathname.split("/").pop();
fetch("/jsbazaar/api/listing/" + id + ".json").then(r => r.json()).then(d => {
  const app = document.getElementById("app");
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  app.appendChild(el("h1", "title", d.title));
  const vendor = el("p", "vendor", "Vendor: ");
  vendor.appendChild(el("span", "handle", d.vendor));
  app.appendChild(vendor);
  const table = el("table", "shipping");
  for (const [label, cls, value] of [["Ships from", "ships-from", d.ships_from],
                                     ["Ships to", "ships-to", d.ships_to.join(", ")]]) {
    const tr = el("tr"); tr.appendChild(el("th", "", label)); tr.appendChild(el("td", cls, value));
    table.appendChild(tr);
  }
  app.appendChild(table);
  app.appendChild(el("p", "price", d.price === null ? "" : d.price + " " + d.currency));
  const desc = el("div", "description");
  for (const line of d.description) desc.appendChild(el("p", "", line));
  app.appendChild(desc);
});
"""


def listing_indices(world: World) -> list[int]:
    return [i for i in world.live_indices("nightbazaar")
            if i % 4 == 1 and world.core("nightbazaar", i).fault is None]


def js_id(index: int) -> str:
    return f"JB{index:06d}"


def truth(world: World) -> list[dict]:
    """Ground truth of jsbazaar (not in World.truth(): like silkgate, crawled only by name)."""
    out = []
    for i in listing_indices(world):
        rec = truth_record(world.listing("nightbazaar", i))
        rec.update(id=f"jsbazaar:{js_id(i)}", market="jsbazaar", listing_id=js_id(i),
                   url_path=f"/jsbazaar/listing/{js_id(i)}", seller_url_path=None)
        out.append(rec)
    return out


def _page(title: str, script: str) -> Response:
    # No listing data in the HTML: only an empty container and the script that fills it.
    return html(shell(title, f'<main id="app"></main>\n<script>{script}</script>'))


class JsBazaar:
    def __init__(self, world: World) -> None:
        self.world = world
        self._ids: list[int] | None = None

    def ids(self) -> list[int]:
        if self._ids is None:
            self._ids = listing_indices(self.world)
        return self._ids

    def handle(self, target: str) -> Response:
        parts = urlsplit(target)
        rest = parts.path[len("/jsbazaar/"):]
        if rest == "":
            return _page("JsBazaar", INDEX_JS)
        if re.fullmatch(r"listing/JB\d{6}", rest):
            return _page("JsBazaar listing", LISTING_JS)
        if rest == "api/index.json":
            try:
                page = int(parse_qs(parts.query).get("page", ["1"])[0])
                shown, pages = paginate(self.ids(), page, PAGE)
            except (ValueError, LookupError):
                return html(error_page(404, "Not Found"), 404)
            items = [{"id": js_id(i), "title": self.world.listing("nightbazaar", i).title}
                     for i in shown]
            return _json({"items": items, "next": page + 1 if page < pages else None})
        if m := re.fullmatch(r"api/listing/JB(\d{6})\.json", rest):
            index = int(m.group(1))
            if index not in set(self.ids()):
                return html(error_page(404, "Not Found"), 404)
            item = self.world.listing("nightbazaar", index)
            return _json({"id": js_id(index), "title": item.title, "vendor": item.seller.handle,
                          "ships_from": item.ship_from, "ships_to": list(item.ship_to),
                          "price": item.price, "currency": item.currency,
                          "description": list(item.description)})
        return html(error_page(404, "Not Found"), 404)


def _json(data: dict) -> Response:
    return Response(200, JSON, json.dumps(data, ensure_ascii=False).encode("utf-8"))
