"""`extract_many` (batched nlp.pipe, cached lookups, guarded regexes) gives exactly what
`extract` gives record by record: the speed work of issue #4 item 11 changes no output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp import evaluate
from nlp.exceptions import InputRecordError
from nlp.extract import error_record
from nlp.fastre import Prechecked, folded, guarded, min_width

FIXTURES = Path(__file__).parent / "fixtures" / "nlp"

_PGP = ("-----BEGIN PGP PUBLIC KEY BLOCK-----\nVersion: GnuPG v2\n\n"
        "mQENBFd7Z0oBCADQ0JcYyQyIbWdbUkAPjA0aLGcA3hSxtyiQc9xw8S7cLhqyRRQ8\n=abcd\n"
        "-----END PGP PUBLIC KEY BLOCK-----")
_EDGE = [
    {"id": "e:1", "text": "Xanax 2mg bars x100. Vendor: xanaxking. Ships from: Germany. "
                          "Ships to: Worldwide except US, AU. Price: USD 120.00"},
    {"id": "e:2", "text": "\x00\x01 binary \ufffd garbage, Oxycodone 30mg \x7f", "date": "2019-03-01"},
    {"id": "e:3", "html": "<html><head><title>MDMA 84% 10g</title></head><body><p>Sold by: "
                          "dutchdirect</p><p>Versand aus: Niederlande</p><p>Preis: 45,00 €</p>"
                          "</body></html>", "text": "Lieferung nach: EU"},
    {"id": "e:4", "text": f"Contact telegram: @pillshop_eu or wickr: pillshop, WhatsApp +44 7911 "
                          f"123456, mail pills@example.org\nBTC 1BoatSLRHtKNngkdXEeobR76b53LETtpyT\n"
                          f"{_PGP}", "fields": {"title": "Valium 10mg x 50"}},
    {"id": "e:5", "text": "Netflix lifetime account, 1 month. Tags: cocaine, mdma, xanax"},
    {"id": "e:6", "text": "Custom order for jimbo\n5g cocaine 90%\nShips from: Netherlands"},
    {"id": "e:7", "text": "Кокаин 1г чистый\nОтправка из: Россия\nЦена: 100 USD"},
    {"id": "e:8", "text": "Envío desde: España\nPrecio: 30 EUR\nmetanfetamina 5 gramos",
     "fields": {"seller": "  el  vendedor ", "ships_to": ["EU", "GB"], "price": "€30.00"}},
    {"id": "e:9", "text": "   "},
    {"id": "", "text": "no id"},
    ["not", "a", "record"],
    {"id": "e:10", "text": 42},
]


def _records(limit_each: int = 80) -> list:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ is scripts, not installed
    from bench.nlp import texts

    records: list = texts(11, 300)[:limit_each * 2]
    records += evaluate.sandbox_gold(5, 120)[0][:limit_each]
    data = evaluate.DEFAULT_DATA_DIR
    if (data / "pages_dev_gold.jsonl").is_file():
        records += evaluate.pages_gold(data)[0]
        records += evaluate.agora_gold(data, limit=limit_each * 2)[0]
        records += evaluate.dream_gold(data)[0][:limit_each]
    for line in (FIXTURES / "listings.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    records += _EDGE
    # Interleave sources so every batch mixes text, html, hinted and broken records.
    return records[::2] + records[1::2]


@pytest.fixture(scope="module")
def records() -> list:
    return _records()


@pytest.fixture(scope="module")
def one_by_one(extractor, records) -> list:
    out = []
    for n, record in enumerate(records):
        try:
            out.append(extractor.extract(record))
        except InputRecordError as exc:
            out.append(error_record(record, n, str(exc)))
    return out


@pytest.mark.parametrize("batch_size", [7, 64, 256])
def test_extract_many_equals_extract(extractor, records, one_by_one, batch_size):
    gold = (evaluate.DEFAULT_DATA_DIR / "pages_dev_gold.jsonl").is_file()
    assert len(records) >= (300 if gold else 250)
    batched = list(extractor.extract_many(records, batch_size=batch_size))
    assert len(batched) == len(one_by_one)
    for record, got, want in zip(records, batched, one_by_one):
        assert got == want, record if not isinstance(record, dict) else record.get("id")
    # The set is not trivial: drug listings, places, sellers, prices, errors all occur.
    assert sum(r["is_drug_listing"] for r in batched) > 50
    assert sum(r["error"] is not None for r in batched) >= 4
    assert all(any(r[k] for r in batched) for k in
               ("ship_from", "ship_to", "seller", "price", "contacts", "strength", "quantity"))


def test_edge_records_give_their_values(extractor):
    out = {r["id"]: r for r in extractor.extract_many(_EDGE)}
    assert out["e:1"]["ship_to_exclusions"] == ["US", "AU"]
    assert [c["kind"] for c in out["e:4"]["contacts"]] == ["telegram", "wickr", "whatsapp", "email"]
    assert out["e:4"]["crypto_addresses"][0]["address"] == "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"
    assert len(out["e:4"]["pgp_fingerprints"]) == 1
    assert out["e:8"]["seller"] == "el vendedor" and out["e:8"]["ship_to"] == ["EU", "GB"]


def test_guarded_regex_is_equivalent():
    import re

    from nlp import cues, fields, listing

    text = ("Ships from: Germany. SHIPS TO worldwide. price 20$ / €18, sold by @bob, "
            "Vendor: ſeller, Tags: xanax. 12 USD. Custom order. e-book pdf, verkäufer: x")
    for pattern in (cues.SHIP_FROM, cues.SHIP_TO, cues.PRICE, cues.SELLER, fields._MONEY,
                    fields._SOLD_BY.regex, fields._LABEL.regex, listing._NOT_DRUG,
                    listing._TAGS.regex):
        plain = re.compile(pattern.pattern.split("])", 1)[1], pattern.flags) \
            if pattern.pattern.startswith("(?=[") else pattern
        assert [m.span() for m in pattern.finditer(text)] == \
            [m.span() for m in plain.finditer(text)]
    # Patterns that may start anywhere (or match empty) are left alone.
    for source in (r"a*b", r"(?m)^x", r"[^a]b", r"(?i:a)b", r""):
        assert guarded(re.compile(source)).pattern == source
    assert guarded(re.compile(r"\b(?:foo|bar)\d")).pattern == r"(?=[bf])(?:\b(?:foo|bar)\d)"
    # A top-level alternation is guarded as a whole, not just its first alternative, also
    # where the parser factors a common start out of it ("\bfoo|\bbar" parses as one branch).
    assert guarded(re.compile(r"foo\d|bar")).pattern == r"(?=[bf])(?:foo\d|bar)"
    assert guarded(re.compile(r"\bfoo|\bbar")).pattern == r"(?=[bf])(?:\bfoo|\bbar)"


def _prechecked() -> list[Prechecked]:
    from nlp import fields, identity, listing

    found = [v for module in (fields, identity, listing) for v in vars(module).values()
             if isinstance(v, Prechecked)]
    return found + list(identity._HANDLE_CUES.values())


def test_folding_keeps_every_ignorecase_match():
    """Prechecked's soundness, for every code point: wherever re (IGNORECASE) matches a
    character of a pre-check string, `folded` puts exactly that character."""
    import re

    every = "".join(map(chr, range(0x110000)))
    low = folded(every)
    assert len(low) == len(every)  # offsets kept: "\u0130".lower() alone is two characters
    chars = {c for p in _prechecked() for x in p.strings for c in x}
    assert len(chars) > 20
    for c in chars:
        matched = {m.start() for m in re.finditer(re.escape(c), every, re.IGNORECASE)}
        assert matched <= {m.start() for m in re.finditer(re.escape(c), low)}, c


def test_prechecked_strings_come_from_the_pattern():
    import re

    def strings(source: str, flags: int = re.IGNORECASE) -> tuple[str, ...]:
        return Prechecked(re.compile(source, flags)).strings

    assert strings(r"(?:\btelegram|\btg)\b[ \t]*:(?P<h>\w+)|\bt\.me/(?P<h2>\w+)") == \
        ("t.me/", "telegram", "tg")
    assert strings(r"\bexp[ée]di[ée]e?s?\s+vers") == ("expedie", "expedié", "expédie", "expédié")
    assert strings(r"\bsold\s+by|\bVENDOR\b") == ("sold", "vendor")
    assert strings(r"\d+\s?(?:mg|g)\b") == ("g",)  # "mg" contains "g": one check does
    assert strings(r"[a-z]+\d", 0) == ()  # nothing required: always run
    assert strings(r"a*b|c?") == ()  # an alternative can match "": always run
    always = Prechecked(re.compile(r"\w+"))
    assert always.possible("") and always.search("x", "x") is not None


def test_prechecks_never_skip_a_match():
    import random

    texts_ = [r["text"] for r in _records()
              if isinstance(r, dict) and isinstance(r.get("text"), str)]
    rng = random.Random(4)
    pieces = [x for p in _prechecked() for x in p.strings] + [
        "ſold by: x", "SOLD BY: Bob", "İD", "K", "telegram: @abcd", "Tags: a", "(97%)",
        "Vendor: ab", "t.me/abcd", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "\u0130", " ",
        "\n"]
    texts_ += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(3000)]
    texts_ += [t.upper() for t in texts_[:500]]
    for p in _prechecked():
        for text in texts_:
            if p.regex.search(text):
                assert p.possible(folded(text)), (p.regex.pattern, text)


def test_min_width_is_the_shortest_match():
    import re

    from nlp import identity

    assert min_width(re.compile(r"(?<![a-z])[13][a-z]{25,34}(?![a-z])")) == 26
    assert min_width(re.compile(r"ab(?:cd)?|x{3}")) == 2
    assert min_width(re.compile(r"a*")) == 0
    # the crypto scans' length gates: the shortest addresses their patterns accept
    assert identity._BTC_LEGACY.fullmatch("1" + "a" * (identity._LEGACY_MIN - 1))
    assert not identity._BTC_LEGACY.fullmatch("1" + "a" * (identity._LEGACY_MIN - 2))
    assert identity._XMR.fullmatch("4" + "a" * (identity._XMR_MIN - 1))
    assert not identity._XMR.fullmatch("4" + "a" * (identity._XMR_MIN - 2))


def test_char_wb_analyzer_is_sklearns():
    """The classifier's cached char n-grams give sklearn's char_wb matrix, bit for bit (the
    model was trained on sklearn's)."""
    import random

    from sklearn.feature_extraction.text import HashingVectorizer

    from nlp.classifier import N_FEATURES, vectorizers

    rng = random.Random(3)
    alphabet = "ab AZ\u00c9\u0130\u03a3\u1e9e\t\n\u00a0\u2028x1-."
    texts_ = [r["text"] for r in _records()
              if isinstance(r, dict) and isinstance(r.get("text"), str)]
    texts_ += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
               for _ in range(3000)] + ["", " ", "a", "ab", "abc", "abcd", "ab  cd\t\tef"]
    sklearn_s = HashingVectorizer(n_features=N_FEATURES, alternate_sign=False,
                                  analyzer="char_wb", ngram_range=(3, 5)).transform(texts_)
    ours = vectorizers()[1].transform(texts_)
    for attr in ("indptr", "indices", "data"):
        assert (getattr(sklearn_s, attr) == getattr(ours, attr)).all(), attr
