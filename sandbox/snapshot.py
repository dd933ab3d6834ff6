"""Save one page of each type per market (plus truth) as parser fixtures for other packages' tests."""

from __future__ import annotations

import json
from pathlib import Path

from sandbox.site import Site
from sandbox.world import World

FIXTURE_SEED, FIXTURE_LISTINGS = 7, 400


def _pick(world: World, market: str, **want: object) -> dict:
    for record in world.truth():
        if record["market"] == market and all(record.get(k) == v for k, v in want.items()):
            return record
    raise LookupError(f"no {market} listing with {want}")


def save_fixtures(out_dir: Path, seed: int = FIXTURE_SEED, listings: int = FIXTURE_LISTINGS) -> list[Path]:
    world = World(seed, listings)
    site = Site(world)
    out_dir.mkdir(parents=True, exist_ok=True)
    nb = _pick(world, "nightbazaar", fault=None, is_drug_listing=True, language="en")
    nb_broken = _pick(world, "nightbazaar", fault="broken_html")
    ps = _pick(world, "pillstore", fault=None, is_drug_listing=True, language="en")
    bx = _pick(world, "boardex", fault=None, is_drug_listing=True, language="en")
    bx_de = _pick(world, "boardex", fault=None, is_drug_listing=True, language="de")
    pages = {
        "nightbazaar_home": "/nightbazaar/", "nightbazaar_index": "/nightbazaar/category/benzos?page=1",
        "nightbazaar_listing": nb["url_path"], "nightbazaar_listing_broken": nb_broken["url_path"],
        "nightbazaar_vendor": nb["seller_url_path"], "pillstore_index": "/pillstore/catalog?page=1",
        "pillstore_product": ps["url_path"], "boardex_index": "/boardex/?page=1", "boardex_post": bx["url_path"],
        "boardex_post_de": bx_de["url_path"], "landing": "/", "robots": "/robots.txt",
    }
    written = []
    for name, path in pages.items():
        response = site.handle(path)
        target = out_dir / (f"{name}.txt" if name == "robots" else f"{name}.html")
        target.write_bytes(response.body)
        written.append(target)
    truth = {name: rec for name, rec in (("nightbazaar_listing", nb), ("nightbazaar_listing_broken", nb_broken),
                                          ("pillstore_product", ps), ("boardex_post", bx),
                                          ("boardex_post_de", bx_de))}
    meta = {"seed": seed, "listings": listings, "day": 0, "pages": pages, "truth": truth}
    (out_dir / "fixtures.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                           encoding="utf-8")
    return written


if __name__ == "__main__":
    for p in save_fixtures(Path("tests/fixtures/sandbox")):
        print(p)
