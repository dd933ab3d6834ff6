"""What links a seller across markets: contact handles, PGP key fingerprints, crypto addresses."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from functools import lru_cache
from typing import Any

import base58
import bech32m
import phonenumbers
from Crypto.Hash import keccak

from nlp import whose
from nlp.fastre import Prechecked, contains_any, folded, guarded, min_width

_EMAIL = re.compile(r"\b[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9.\-]{1,190}\.[A-Za-z]{2,24}\b")
_PHONE = re.compile(r"(?<![\w+])\+\s?\d[\d \t().\-]{6,20}\d")
# Same patterns, with a first-character guard (nlp/fastre.py): they run on every listing.
_PHONE = guarded(_PHONE)
# Each cue runs only on texts containing a word its matches need ("telegram", "wickr"...).
_HANDLE_CUES: dict[str, Prechecked] = {kind: Prechecked(guarded(pattern)) for kind, pattern in {
    # also Russian: "оператор в телеге @x", "телеграм: @x", "тг @x"
    # Polish and Czech cases too ("Napisz na Telegramie: @x"); a label's value may stand on the
    # next line, as a table shows it ("Telegram:" / "@Cindy_Fengyi")
    "telegram": re.compile(r"(?:\btelegram(?:ie|u|em)?|\btg|"
                           r"(?<![^\W\d_])(?:телег\w*|телеграм\w*|тг))(?![^\W\d_])"
                           r"[ \t]*(?:id|me)?[ \t]*(?::[ \t]*(?:\n[ \t]*)?@?|-[ \t]*@?|@|[ \t]@)"
                           # not a link's scheme: "Telegram: https://t.me/x" is x, not "https"
                           r"(?P<h>[A-Za-z][\w]{3,31})(?!\w*:/)|\bt\.me/(?P<h2>[A-Za-z][\w]{3,31})|"
                           # "DM @pillman on telegram"
                           r"(?<![\w@.])@(?P<h3>[A-Za-z][\w]{3,31})(?:[ \t]+(?:on|via|at|over)[ \t]+|"
                           # "@zefir_operator (Telegram)", "@pillman [TG]"
                           r"[ \t]*\n?[ \t]*[(\[][ \t]*(?=(?:telegram|tg)[ \t]*[)\]]))"
                           r"(?:telegram|tg)\b", re.I),
    "wickr": re.compile(r"\bwickr(?:[ \t]*me)?[ \t]*(?:id)?[ \t]*"
                        r"(?::[ \t]*(?:\n[ \t]*)?@?|-[ \t]*@?|[ \t]?@|[ \t]+is[ \t]+|"
                        # "wickr pharmaking_uk", "Wickr PohjolanApteekki": a bare word only when
                        # it looks like a handle (a digit, an underscore, a capital inside)
                        r"[ \t]+(?=[A-Za-z][\w.\-]*[\d_]|(?-i:[A-Za-z][a-z]+[A-Z]\w*)))"
                        r"(?P<h>[A-Za-z][\w.\-]{2,31})", re.I),
    # a Session id is 66 hex digits from "05": distinctive enough without a colon
    "session": re.compile(r"\bsession[ \t]*(?:id)?[ \t]*:?[ \t]*(?P<h>05[0-9a-f]{64})\b|"
                          # alone ("hit me up on Session for bulk:" / "05a5c9..."): 66 hex
                          # digits from 05 are no hash (64) nor a compressed key (02, 03)
                          r"(?<![0-9a-z])(?P<h2>05[0-9a-f]{64})(?![0-9a-z])", re.I),
    # Matrix ids name their server: "@pillman:matrix.org" (distinctive without a cue word)
    "matrix": re.compile(r"(?<![\w@.])(?P<h>@[a-z0-9._=\-/]{1,64}:[a-z0-9\-]{1,63}(?:\.[a-z0-9\-]{1,63})*"
                         r"\.[a-z]{2,24})(?![\w.])", re.I),
    # "Wire: @pharmaking": only with a colon or an "@" ("wire transfer" is a payment)
    "wire": re.compile(r"\bwire\b[ \t]*(?:id|me)?[ \t]*(?::[ \t]*@?|[ \t]?@)(?P<h>[a-z0-9_.\-]{2,64})", re.I),
    # a Tox id is 76 hex digits (public key, nospam, checksum)
    "tox": re.compile(r"\btox[ \t]*(?:id)?[ \t]*:?[ \t]*(?P<h>[0-9a-f]{76})\b", re.I),
    # the colon may be left out when the id has a digit ("Threema 4HZ7MXKP")
    "threema": re.compile(r"\bthreema[ \t]*(?:id)?[ \t]*(?::[ \t]*|(?=[A-Z*]*\d))(?P<h>[A-Z0-9*]{8})\b", re.I),
    # Classifieds and street sellers: "snap: bluesman416", "IG: @pharma.uk", "kik me @x",
    # "Discord: pillman#1234". Only with a colon or an "@": "snap" and "ig" are words too.
    "snapchat": re.compile(r"\b(?:snapchat|snap)\b[ \t]*(?:id|me)?[ \t]*(?::[ \t]*@?|[ \t]?@)"
                           r"(?P<h>[A-Za-z][\w.\-]{2,14})(?![\w.\-]*@)", re.I),
    "instagram": re.compile(r"\b(?:instagram|insta|ig)\b[ \t]*(?::[ \t]*@?|[ \t]?@)"
                            r"(?P<h>[A-Za-z0-9_][\w.]{0,29})(?![\w.]*@)", re.I),
    "kik": re.compile(r"\bkik(?:[ \t]*me)?\b[ \t]*(?::[ \t]*@?|[ \t]?@)"
                      r"(?P<h>[A-Za-z][\w.]{3,19})", re.I),
    "discord": re.compile(r"\bdiscord\b[ \t]*(?:id|tag)?[ \t]*(?::[ \t]*@?|[ \t]?@)"
                          r"(?P<h>[\w.]{2,32}(?:#\d{4})?)", re.I),
}.items()}
_PHONE_APPS = re.compile(r"\b(whats\s?app|signal|viber|phone|tel|call|sms)\b", re.I)
# A number written the national way ("07911 123456") counts only right after one of these
# words, read in the country the listing ships from: digits alone are prices and order ids.
_NATIONAL_CUE = guarded(re.compile(
    r"\b(?:whats\s?app|signal|viber|phone|tel|telephone|mobile|mob|call(?: me)?|text(?: me)?|"
    r"sms|ring|handy|telefon|t[ée]l[ée]phone|tel[ée]fono|móvil|телефон|тел|"
    # a classified's button, the number under it ("Show contact" / "0803 555 0142")
    r"show[ \t]+(?:contact|number|phone)(?=[ \t]*\n))\b\.?\s*(?::[ \t]*)?"
    # "WhatsApp only: 0907...", "WhatsApp au 07 55...", "WhatsApp op 06..."
    r"(?:(?:on|at|or|only|au|op|al|unter)[ \t]*:?[ \t]+)?(?:(?P<n>\(?[08][\d \t().\-]{6,16}\d)|"
    # North America dials no trunk prefix: "text 647-555-0142", "(212) 555 0199"
    r"(?P<nanp>\(?[2-9]\d{2}\)?[ \t.\-]?\d{3}[ \t.\-]?\d{4})(?!\d)|"
    # countries that dial no trunk prefix either ("Tel. 512 347 908" in Poland, "333 1234567")
    r"(?P<bare>[1-9][\d \t.\-]{7,14}\d)(?!\d))", re.I))
# The regions of country code +1 (the US, Canada, the Caribbean), whose numbers "nanp" reads.
_NANP = frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1])
_WORDS_NOT_HANDLES = frozenset({"only", "me", "us", "here", "contact", "please", "and", "or"})
# "benzo[at]protonmail[dot]com", "benzo (at) mail.ru": an address written so that scrapers
# miss it (the brackets make the words unambiguous; a bare " at " is English).
_AT_WORD = r"[ \t]?[\[({][ \t]?at[ \t]?[\])}][ \t]?"
_DOT_WORD = r"(?:[ \t]?[\[({][ \t]?dot[ \t]?[\])}][ \t]?|\.)"
_OBFUSCATED_EMAIL = re.compile(rf"(?<![\w.%+\-])(?P<u>[A-Za-z0-9][A-Za-z0-9._%+\-]{{0,63}}){_AT_WORD}"
                               rf"(?P<d>[A-Za-z0-9\-]{{1,63}}(?:{_DOT_WORD}[A-Za-z0-9\-]{{1,63}}){{0,4}})"
                               rf"{_DOT_WORD}(?P<t>[A-Za-z]{{2,24}})\b", re.I)
_DOTS = re.compile(_DOT_WORD, re.I)
_AT_MARKS = ("at]", "at)", "at}", "at ]", "at )", "at }")  # C-speed: most texts have none


def contacts(text: str, low: str | None = None, region: str | None = None,
             seller: str | None = None) -> list[dict[str, str]]:
    """[{kind, value}] in order of first appearance, deduplicated; phones in E.164.
    `low`: fastre.folded(text), when the caller already has it. `region`: the ISO country
    the listing ships from, to read national numbers after a phone word. `seller`: the
    listing's seller, when known: a site's own address ("support@jiji.ng" under "© Jiji.ng")
    is then not theirs."""
    low = folded(text) if low is None else low
    found: list[tuple[int, str, str]] = []
    if "@" in text:
        for m in _EMAIL.finditer(text):
            found.append((m.start(), "email", m.group(0).lower()))
    if contains_any(low, _AT_MARKS):
        for m in _OBFUSCATED_EMAIL.finditer(text):
            domain = _DOTS.sub(".", m.group("d"))
            found.append((m.start(), "email", f"{m.group('u')}@{domain}.{m.group('t')}".lower()))
    for kind, cue in _HANDLE_CUES.items():
        for m in cue.finditer(text, low):
            handle = m.group("h") or m.groupdict().get("h2") or m.groupdict().get("h3") or ""
            handle = handle.rstrip(".-")  # "Wickr: benzoboss88." ends a sentence
            if handle and handle.lower() not in _WORDS_NOT_HANDLES:
                found.append((m.start(), kind, handle.lower() if kind != "threema" else handle))
    for m in _PHONE.finditer(text) if "+" in text else ():
        e164 = _e164(m.group(0))
        if e164:
            app = _PHONE_APPS.search(text[max(0, m.start() - 25):m.start()])
            kind = _phone_kind(app.group(1)) if app else "phone"
            found.append((m.start(), kind, e164))
    if region and len(region) == 2 and region not in ("EU", "WW"):
        found += _national_phones(text, region)
    elif "00" in text:
        found += _national_phones(text, None)
    out, seen = [], set()
    posts = whose.posts(text, low, seller) if found else []
    for at, kind, value in sorted(found):
        if (kind, value) in seen or whose.someone_elses(text, at, kind, value, seller, posts):
            continue
        seen.add((kind, value))
        out.append({"kind": kind, "value": value})
    return out


def _national_phones(text: str, region: str | None) -> list[tuple[int, str, str]]:
    """Numbers after a phone word: national ones read in `region`, and "00" ones ("0049 151
    ...": the international prefix most of the world dials) wherever the listing ships from."""
    found = []
    for m in _NATIONAL_CUE.finditer(text):
        raw = m.group("n") or m.group("nanp") or m.group("bare")
        if m.group("nanp") and region not in _NANP:
            continue  # ten digits are an order number or a tracking id outside North America
        if m.group("bare") and (region is None or region in _NANP):
            continue
        if raw.startswith("00"):
            e164 = _e164("+" + raw[2:])
        elif region is not None:
            e164 = _e164(raw, region)
        else:
            continue
        if e164:
            app = _PHONE_APPS.search(m.group(0))
            at = m.start(next(g for g in ("n", "nanp", "bare") if m.group(g)))
            found.append((at, _phone_kind(app.group(1)) if app else "phone", e164))
    return found


def _phone_kind(word: str) -> str:
    word = word.lower().replace(" ", "")
    return word if word in ("whatsapp", "signal", "viber") else "phone"


@lru_cache(maxsize=50_000)
def _e164(raw: str, region: str | None = None) -> str | None:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# ---------------------------------------------------------------- PGP

_ARMOR = re.compile(r"-----BEGIN PGP PUBLIC KEY BLOCK-----(?P<body>.*?)-----END PGP PUBLIC KEY BLOCK-----",
                    re.S)
# Header lines; with line breaks lost, a header ends where the first long base64 run starts.
_HEADER = re.compile(r"\b(?:Version|Comment|Hash|Charset|MessageID)\s*:.*?"
                     r"(?=\n|\s[A-Za-z0-9+/]{12,}={0,2}(?:\s|$)|$)", re.I)
_CRC = re.compile(r"(?:^|\s)=[A-Za-z0-9+/]{4}\s*$")


def pgp_fingerprints(text: str) -> list[dict[str, str]]:
    """Fingerprints of armoured public keys: a real OpenPGP v4/v6 fingerprint when the
    primary key packet parses (`fingerprint_kind` "openpgp_v4"/"openpgp_v6"), else a stable
    SHA-256 of the normalised armour body ("armor_sha256"). Tolerates lost line breaks."""
    out: list[dict[str, str]] = []
    if "-----BEGIN PGP PUBLIC KEY BLOCK-----" not in text:
        return out
    for m in _ARMOR.finditer(text):
        body = _CRC.sub("", _HEADER.sub(" ", m.group("body")))
        b64 = "".join(body.split())
        fpr, kind = _openpgp_fingerprint(b64)
        if fpr is None:
            fpr, kind = hashlib.sha256(b64.encode("ascii", "replace")).hexdigest().upper(), "armor_sha256"
        item = {"fingerprint": fpr, "fingerprint_kind": kind}
        if item not in out:
            out.append(item)
    return out


def _openpgp_fingerprint(b64: str) -> tuple[str | None, str]:
    try:
        data = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        return None, ""
    packet = _first_packet(data)
    if packet is None:
        return None, ""
    tag, body = packet
    if tag != 6 or not body:
        return None, ""
    if body[0] == 4:
        return hashlib.sha1(b"\x99" + len(body).to_bytes(2, "big") + body).hexdigest().upper(), "openpgp_v4"
    if body[0] == 6:
        return hashlib.sha256(b"\x9b" + len(body).to_bytes(4, "big") + body).hexdigest().upper(), "openpgp_v6"
    return None, ""


def _first_packet(data: bytes) -> tuple[int, bytes] | None:
    """(tag, body) of the first packet (RFC 4880 4.2, old and new formats)."""
    if len(data) < 2 or not data[0] & 0x80:
        return None
    if data[0] & 0x40:  # new format
        tag, first = data[0] & 0x3F, data[1]
        if first < 192:
            start, length = 2, first
        elif first < 224 and len(data) > 2:
            start, length = 3, ((first - 192) << 8) + data[2] + 192
        elif first == 255 and len(data) > 5:
            start, length = 6, int.from_bytes(data[2:6], "big")
        else:
            return None
    else:
        tag, ltype = (data[0] >> 2) & 0x0F, data[0] & 0x03
        size = {0: 1, 1: 2, 2: 4}.get(ltype)
        if size is None:
            return None
        start, length = 1 + size, int.from_bytes(data[1:1 + size], "big")
    body = data[start:start + length]
    return (tag, body) if len(body) == length else None


# ---------------------------------------------------------------- crypto addresses

# Base58check addresses of the coins dark markets and Telegram shops take: BTC (1..., 3...),
# LTC (L..., M...) and TRON (T...: where USDT-TRC20, the shops' stablecoin, is paid).
_BTC_LEGACY = re.compile(r"(?<![A-Za-z0-9])[13LMT][1-9A-HJ-NP-Za-km-z]{25,34}(?![A-Za-z0-9])")
_BASE58_VERSIONS = {0x00: ("BTC", "p2pkh"), 0x05: ("BTC", "p2sh"), 0x30: ("LTC", "p2pkh"),
                    0x32: ("LTC", "p2sh"), 0x41: ("TRX", "tron")}
# Ethereum and the chains that share its addresses (USDT-ERC20, BNB Smart Chain): 40 hex digits.
_EVM = re.compile(r"(?<![A-Za-z0-9])0x[0-9a-fA-F]{40}(?![A-Za-z0-9])")
_BTC_BECH32 = re.compile(r"(?<![A-Za-z0-9])bc1[ac-hj-np-z02-9]{8,87}(?![A-Za-z0-9])", re.I)
_XMR = re.compile(r"(?<![A-Za-z0-9])[48][1-9A-HJ-NP-Za-km-z]{94}(?:[1-9A-HJ-NP-Za-km-z]{11})?"
                  r"(?![A-Za-z0-9])")
# Same patterns, with a first-character guard (nlp/fastre.py): they run on every listing.
_BTC_LEGACY = guarded(_BTC_LEGACY)
_BTC_BECH32 = Prechecked(guarded(_BTC_BECH32))  # only on texts containing "bc1"
_XMR = guarded(_XMR)
# Their classes hold no whitespace, so a match lies inside one whitespace-free chunk of the
# text at least as long as the pattern's shortest match: texts without one skip the scan.
_LEGACY_MIN, _XMR_MIN = min_width(_BTC_LEGACY), min_width(_XMR)


def crypto_addresses(text: str, low: str | None = None) -> list[dict[str, Any]]:
    """BTC (base58check or bech32/bech32m), LTC and TRON (base58check), XMR (Monero base58,
    Keccak-256) addresses, each with its checksum verified: a run of letters that only looks
    like one is dropped; and Ethereum-style (EVM) addresses, verified where their letters'
    case carries the EIP-55 checksum (a lower-case one carries none: `checksum_verified` false).
    `low`: fastre.folded(text), when the caller already has it."""
    low = folded(text) if low is None else low
    longest = max(map(len, text.split()), default=0)
    out: list[dict[str, Any]] = []
    for m in _BTC_LEGACY.finditer(text) if longest >= _LEGACY_MIN else ():
        try:
            decoded = base58.b58decode_check(m.group(0))
        except ValueError:
            continue
        currency, kind = _BASE58_VERSIONS.get(decoded[0], (None, None))
        if currency is not None and len(decoded) == 21:
            out.append({"currency": currency, "address": m.group(0), "kind": kind,
                        "checksum_verified": True})
    for m in _BTC_BECH32.finditer(text, low):
        address = m.group(0).lower()
        try:
            # BIP350: witness v0 needs a bech32 checksum, v1+ (taproot "bc1p...") bech32m
            version = bech32m.decode("bc", address).witver
        except ValueError:  # bech32m.DecodeError: checksum, length or version wrong
            continue
        out.append({"currency": "BTC", "address": address,
                    "kind": "bech32" if version == 0 else "bech32m", "checksum_verified": True})
    for m in _XMR.finditer(text) if longest >= _XMR_MIN else ():
        kind = _monero_kind(m.group(0))
        if kind is not None:
            out.append({"currency": "XMR", "address": m.group(0), "kind": kind,
                        "checksum_verified": True})
    for m in _EVM.finditer(text) if "0x" in text else ():
        verified = _eip55(m.group(0)[2:])
        if verified is not False:
            out.append({"currency": "ETH", "address": m.group(0).lower(), "kind": "evm",
                        "checksum_verified": bool(verified)})
    return out


def _eip55(digits: str) -> bool | None:
    """EIP-55: a mixed-case address spells its checksum in the case of its letters (True when
    it holds, False when not: a typo); an all-lower or all-upper one carries none (None)."""
    if digits.islower() or digits.isupper() or digits.isdigit():
        return None
    mask = keccak.new(digest_bits=256, data=digits.lower().encode()).hexdigest()
    return all(c.isdigit() or c.isupper() == (int(h, 16) >= 8) for c, h in zip(digits, mask))


# Monero's base58 works on blocks: 8 bytes are 11 characters, a last shorter block of n bytes
# takes _XMR_BLOCK[n] characters. An address is a network byte, the keys, and the first 4
# bytes of the Keccak-256 of all that. Main-net network bytes: 18 standard, 19 integrated
# (with a payment id), 42 subaddress.
_XMR_BLOCK = (0, 2, 3, 5, 6, 7, 9, 10, 11)
_XMR_DIGIT = {c: i for i, c in enumerate(base58.BITCOIN_ALPHABET.decode())}  # the same 58 letters
_XMR_KINDS = {(18, 69): "standard", (19, 77): "integrated", (42, 69): "subaddress"}


def _monero_kind(address: str) -> str | None:
    """The address's kind when its checksum and network byte are Monero main net's, else None
    (a random run of base58 letters, a typo, another network)."""
    data = bytearray()
    for i in range(0, len(address), 11):
        block = address[i:i + 11]
        value = 0
        for ch in block:
            value = value * 58 + _XMR_DIGIT[ch]
        size = _XMR_BLOCK.index(len(block)) if len(block) in _XMR_BLOCK else -1
        if size < 0 or value >> (8 * size):
            return None  # a block whose value does not fit its bytes: not Monero's base58
        data += value.to_bytes(size, "big")
    body, checksum = bytes(data[:-4]), bytes(data[-4:])
    if keccak.new(digest_bits=256, data=body).digest()[:4] != checksum:
        return None
    return _XMR_KINDS.get((data[0], len(data)))
