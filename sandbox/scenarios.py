"""Seeded alert scenarios: several weeks of sandbox days with known events in the last week.

`AlertScenario` takes `World(seed, listings, day)` for one crawl day a week and adds, in the
last week only: a spike of one drug class to one destination, a route never seen before, a
fentanyl listing, a seller with accounts on two markets (same PGP key) and the hostile listing
(title `<script>alert(1)</script>`, description `=HYPERLINK(...)`). A control destination keeps
its volume. `write_staged` writes the partitions the crawler + NLP stage would write for those
days (truth-derived, so weeks of history take seconds instead of five real crawls); `extra()`
gives the injected listings as records for a real sandbox server to serve.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from sandbox.world import World

START = dt.date(2026, 10, 19)  # Monday of ISO week 2026-W43; week 5 is 2026-W47
HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_DESCRIPTION = '=HYPERLINK("http://example.invalid","x")'
TWIN_PGP = ("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBGTwinSellerKeyForScenarioOnlyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
            "QmFzZTY0Qm9keU9mVGhlVHdpblNlbGxlcnNLZXlCbG9ja1RoYXRJc0xvbmdFbm91Z2g=\n=AbCd\n"
            "-----END PGP PUBLIC KEY BLOCK-----")
_CSV = Path(__file__).resolve().parents[1] / "nlp" / "data" / "controlled_substances.csv"


def _drug_table() -> dict[str, dict]:
    rows = {}
    with _CSV.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            rows[r["inn"]] = {"class": r["class"], "schedule_un": r["schedule_un"] or None,
                              "schedule_us": r["schedule_us"] or None,
                              "controlled": bool(r["schedule_un"] or r["schedule_us"]),
                              "rx_only": r["rx_only"] == "true"}
    return rows


@dataclass(frozen=True)
class Injection:
    market: str
    listing_id: str
    seller: str
    inn: str
    title: str
    description: str
    ship_from: str
    ship_to: tuple[str, ...]
    price: float
    quantity: float
    pgp: str | None = None
    currency: str = "USD"


class AlertScenario:
    """`weeks` weekly crawls of a sandbox world; the events are injected into the last one."""

    def __init__(self, seed: int = 11, listings: int = 240, weeks: int = 5,
                 spike_class_inn: str = "alprazolam", spike_to: str = "GB", spike_n: int = 14,
                 control_to: str = "CA", new_route: tuple[str, str, str] = ("MX", "IE", "tramadol")) -> None:
        self.seed, self.listings, self.weeks = seed, listings, weeks
        self.spike_inn, self.spike_to, self.spike_n = spike_class_inn, spike_to, spike_n
        self.control_to, self.new_route = control_to, new_route
        self.drugs = _drug_table()

    def crawl_date(self, week: int) -> str:
        return (START + dt.timedelta(days=7 * week)).isoformat()

    def iso_week(self, week: int) -> str:
        y, w, _ = (START + dt.timedelta(days=7 * week)).isocalendar()
        return f"{y}-W{w:02d}"

    def world(self, week: int) -> World:
        return World(self.seed, self.listings, 7 * week)

    def extra(self, week: int) -> list[Injection]:
        """The injected listings crawled in `week` (only the last week has any)."""
        if week != self.weeks - 1:
            return []
        out = [Injection("nightbazaar", f"NB9{i:05d}", "aussiebenzos", self.spike_inn,
                         f"Xanax 2mg bars x{50 + i} - UK next day",
                         "Stealth shipping to the UK, vacuum sealed. BTC only.",
                         "NL", (self.spike_to,), 90.0 + i, 50.0 + i) for i in range(self.spike_n)]
        src, dst, inn = self.new_route
        out.append(Injection("boardex", "BX900001", "mexirx", inn, "Tramadol 225mg x500 shipped from Mexico to Ireland",
                             "No prescription needed. Discreet packaging.", src, (dst,), 150.0, 500.0))
        out.append(Injection("boardex", "BX900002", "patchman", "fentanyl", "Fentanyl patches 100mcg/h x10",
                             "Durogesic patches, no prescription. Ships from Germany.", "DE", ("EU",), 400.0, 10.0))
        out.append(Injection("nightbazaar", "NB900100", "twinpharma", "oxycodone", "Oxycodone 30mg x100 (M30)",
                             "Same vendor as on boardex. Stealth shipping.", "US", ("US", "CA"), 1500.0, 100.0,
                             pgp=TWIN_PGP))
        out.append(Injection("boardex", "BX900003", "twin_rx", "oxycodone", "Oxycodone 30mg for sale",
                             "Message me. Same vendor as twinpharma.", "US", ("US",), 40.0, 2.0, pgp=TWIN_PGP))
        out.append(Injection("nightbazaar", "NB900200", "hostilevendor", "oxycodone", HOSTILE_TITLE,
                             HOSTILE_DESCRIPTION, "NL", ("WW",), 0.05, 500.0, currency="BTC"))
        return out

    # ---- staged files, as the crawler and the NLP stage would write them -----------------
    def _entity_drug(self, inn: str, text: str) -> dict:
        meta = self.drugs.get(inn, {"class": None, "schedule_un": None, "schedule_us": None,
                                    "controlled": False, "rx_only": False})
        m = re.search(re.escape(inn), text, re.IGNORECASE)
        start = m.start() if m else None
        return {"name": m.group(0) if m else inn, "inn": inn, **meta, "start": start,
                "end": m.end() if m else None}

    def _records(self, week: int) -> dict[str, list[tuple[dict, dict, dict | None]]]:
        """market -> [(listing item, entity, seller row or None)]."""
        date = self.crawl_date(week)
        world = self.world(week)
        out: dict[str, list] = {m: [] for m in ("nightbazaar", "pillstore", "boardex")}
        for r in world.truth():
            if r["fault"] == "http_500":
                continue
            item = world.listing_by_id(r["market"], r["listing_id"])
            desc = " ".join(item.description)
            pgp = item.seller.actor.pgp_key if r["market"] == "nightbazaar" else None
            out[r["market"]].append(self._pack(date, r["market"], r["listing_id"], r["seller"], r["title"],
                                               desc, r["drugs"], r["ship_from"], r["ship_to"], r["price"],
                                               r["currency"], r["quantity"], r["is_drug_listing"], pgp))
        for x in self.extra(week):
            out[x.market].append(self._pack(date, x.market, x.listing_id, x.seller, x.title, x.description,
                                            [x.inn], x.ship_from, list(x.ship_to), x.price, x.currency,
                                            x.quantity, True, x.pgp))
        return out

    def _pack(self, date: str, market: str, lid: str, seller: str, title: str, desc: str,
              drugs: list[str], ship_from: str | None, ship_to: list[str], price: float | None,
              currency: str | None, quantity: float | None, is_drug: bool, pgp: str | None):
        text = f"{title}\n{desc}"
        url = f"http://127.0.0.1:8800/{market}/listing/{lid}"
        item = {"market": market, "run_id": f"scenario-{market}-{date}", "crawl_date": date,
                "listing_id": lid, "url": url, "fetched_at": f"{date}T06:00:00Z", "http_status": 200,
                "page_sha256": hashlib.sha256(f"{date}:{market}:{lid}:{text}".encode()).hexdigest(),
                "warc_file": f"evidence/market={market}/date={date}/scenario.warc.gz",
                "warc_record_offset": 0, "text": text,
                "fields": {"title": title, "seller": seller, "description": desc,
                           "price": None if price is None else str(price)}}
        entity = {"id": f"{market}:{lid}", "url": url,
                  "drugs": [self._entity_drug(d, text) for d in drugs], "seller": seller,
                  "ship_from": ship_from, "ship_to": ship_to, "price": price, "currency": currency,
                  "quantity": quantity, "is_drug_listing": is_drug, "language": "en",
                  "nlp_version": "scenario", "title": title}
        seller_row = None
        if pgp:
            seller_row = {"market": market, "run_id": item["run_id"], "crawl_date": date, "handle": seller,
                          "url": f"http://127.0.0.1:8800/{market}/vendor/{seller}",
                          "fetched_at": f"{date}T06:30:00Z",
                          "page_sha256": hashlib.sha256(f"{seller}:{pgp}".encode()).hexdigest(),
                          "warc_file": item["warc_file"], "warc_record_offset": 1,
                          "fields": {"handle": seller, "pgp_key": pgp}}
        return item, entity, seller_row

    def write_staged(self, root: Path, weeks: range | None = None) -> list[tuple[str, str]]:
        """Write staging + extracted partitions for the given weeks; return (market, date) pairs."""
        root = Path(root)
        parts = []
        for week in weeks or range(self.weeks):
            date = self.crawl_date(week)
            for market, rows in self._records(week).items():
                stage = root / "staging" / f"market={market}" / f"date={date}"
                sellers = {s["handle"]: s for _, _, s in rows if s}
                _lines(stage / "listings.jsonl", [r[0] for r in rows])
                _lines(stage / "sellers.jsonl", list(sellers.values()))
                _lines(stage / "errors.jsonl", [])
                stats = {"market": market, "run_id": f"scenario-{market}-{date}", "crawl_date": date,
                         "started_at": f"{date}T05:59:00Z", "finished_at": f"{date}T07:00:00Z",
                         "pages": len(rows), "listings": len(rows), "sellers": len(sellers), "errors": 0,
                         "bytes": 0, "finish_reason": "finished"}
                (stage / "stats.json").write_text(json.dumps(stats), encoding="utf-8")
                _lines(root / "extracted" / f"market={market}" / f"date={date}" / "entities.jsonl",
                       [r[1] for r in rows])
                parts.append((market, date))
        return parts


def _lines(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    part.replace(path)
