"""Sellers and the real-world actors behind them (for cross-market linking in ground truth)."""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass
from functools import cached_property
from datetime import date, timedelta

from sandbox.catalog import ORIGINS_BY_LANG
from sandbox.keys import day_date, stream
from sandbox.phrases import HANDLE_A, HANDLE_B

PHONE_FORMATS = {
    "GB": "+44 7700 9{d3} {d3}", "US": "+1 555 01{d2} {d4}", "DE": "+49 151 {d4}{d3}", "AT": "+43 660 {d4}{d3}",
    "CH": "+41 79 {d3} {d2} {d2}", "NL": "+31 6 {d4} {d4}", "FR": "+33 6 {d2} {d2} {d2} {d2}",
    "BE": "+32 470 {d2} {d2} {d2}", "ES": "+34 6{d2} {d3} {d3}", "CA": "+1 555 02{d2} {d4}",
    "AU": "+61 4{d2} {d3} {d3}", "PL": "+48 5{d2} {d3} {d3}", "CZ": "+420 7{d2} {d3} {d3}", "SE": "+46 70 {d3} {d2} {d2}",
}


@dataclass(frozen=True)
class Actor:
    """One real-world seller; several market accounts may share it."""

    key: str
    telegram: str
    email: str
    wickr: str
    phone: str
    pgp_seed: str

    @cached_property
    def pgp_key(self) -> str:
        # Built on first use: most sellers' profile pages are never requested.
        return fake_pgp_block(stream(self.pgp_seed, "pgp"))


@dataclass(frozen=True)
class Seller:
    market: str
    index: int
    handle: str
    join_day: int
    joined: date
    origin: str
    language: str
    actor: Actor

    @property
    def seller_key(self) -> str:
        return self.actor.key


def _crc24_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
        table.append(crc & 0xFFFFFF)
    return table


_CRC24 = _crc24_table()


def crc24(data: bytes) -> int:
    """OpenPGP armour checksum (RFC 4880 6.1), so the fake blocks look like real ones."""
    crc = 0xB704CE
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFF) ^ _CRC24[((crc >> 16) ^ byte) & 0xFF]
    return crc


def fake_pgp_block(rng: random.Random) -> str:
    body = b"\x99\x02\x0d\x04" + rng.randbytes(rng.randint(520, 700))
    text = base64.b64encode(body).decode("ascii")
    lines = [text[i:i + 64] for i in range(0, len(text), 64)]
    check = base64.b64encode(crc24(body).to_bytes(3, "big")).decode("ascii")
    return "\n".join(["-----BEGIN PGP PUBLIC KEY BLOCK-----", "Version: GnuPG v2", "", *lines,
                      "=" + check, "-----END PGP PUBLIC KEY BLOCK-----"])


def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(n))


def make_actor(seed: int, key: str, origin: str) -> Actor:
    rng = stream(seed, "actor", key)
    word = rng.choice(HANDLE_A) + rng.choice(HANDLE_B)
    tag = word + _digits(rng, 2)
    fmt = PHONE_FORMATS.get(origin, PHONE_FORMATS["NL"])
    phone = fmt.format(d2=_digits(rng, 2), d3=_digits(rng, 3), d4=_digits(rng, 4))
    domain = rng.choice(("protonmail.com", "tutanota.com", "cock.li", "mail.example"))
    return Actor(key=key, telegram=tag, email=f"{tag}@{domain}", wickr=word + "_" + _digits(rng, 3),
                 phone=phone, pgp_seed=f"{seed}:{key}")


# Cumulative seller-language shares; the rest write English (~80% of listings with
# non-drug goods and the pharmacy, which are mostly English).
LANGUAGE_SHARES = (("de", 0.06), ("fr", 0.11), ("es", 0.16), ("nl", 0.21), ("ru", 0.26))


def pick_language(rng: random.Random) -> str:
    roll = rng.random()
    for lang, upto in LANGUAGE_SHARES:
        if roll < upto:
            return lang
    return "en"


def make_handle(rng: random.Random, used: set[str], index: int) -> str:
    a, b = rng.choice(HANDLE_A), rng.choice(HANDLE_B)
    style = rng.randrange(4)
    handle = (a + b, a.capitalize() + b.capitalize(), f"{a}_{b}", f"{a}{b}{rng.randrange(10, 99)}")[style]
    if handle in used:
        handle = f"{handle}{index}"
    used.add(handle)
    return handle


def joined_date(rng: random.Random, join_day: int) -> date:
    back = rng.randint(20, 900) if join_day == 0 else 0
    return day_date(join_day) - timedelta(days=back)


def new_seller(seed: int, market: str, index: int, join_day: int, used: set[str],
               linked: Seller | None = None, alias_of: Seller | None = None) -> Seller:
    """A market account; `linked`/`alias_of` share the actor (same person, other account)."""
    rng = stream(seed, market, "seller", index)
    handle = make_handle(rng, used, index)
    base = linked or alias_of
    if base is not None:
        if linked is not None and rng.random() < 0.5 and base.handle not in used:
            used.add(base.handle)
            handle = base.handle   # same person reuses their name on another market
        return Seller(market, index, handle, join_day, joined_date(rng, join_day), base.origin, base.language,
                      base.actor)
    language = pick_language(rng)
    origin = rng.choice(ORIGINS_BY_LANG[language])
    actor = make_actor(seed, f"{market}-{index:06d}", origin)
    return Seller(market, index, handle, join_day, joined_date(rng, join_day), origin, language, actor)
