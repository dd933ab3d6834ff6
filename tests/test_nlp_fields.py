"""New extract fields (product details, identifiers, exclusions) and bad input, on the full pipeline."""

from __future__ import annotations

import base64
from pathlib import Path
import hashlib

import pytest

from nlp.extract import Extractor
from nlp.fields import parse_money
from nlp.identity import crypto_addresses, pgp_fingerprints


def _xanax_with(extractor: Extractor, lines: str) -> dict:
    """The record of a plain Xanax listing whose body is `lines`."""
    return extractor.extract({"id": "x:1", "text": "Xanax 2mg x 10\n" + lines})


def test_product_details_and_usd(extractor):
    rec = extractor.extract({"id": "p:1", "date": "2017-07-15",
                             "text": "Ships from: Germany\nPrice: 0.05 BTC",
                             "fields": {"title": "100x Xanax 2mg bars"}})
    assert rec["strength"] == {"value": 2.0, "unit": "mg"}
    assert rec["quantity"] == {"value": 100.0, "unit": "unit"}
    assert rec["unit_price"] == pytest.approx(0.0005)
    assert rec["price_usd"] == pytest.approx(0.05 * 2500)  # 2017-07 row of the rates table
    assert rec["drug_class"] == "benzodiazepine" and rec["error"] is None


@pytest.mark.parametrize("title,count", [
    ("Percs 10/325 x 20", 20.0), ("Norco 10/325 x 100 pills", 100.0),  # 325: half a strength
    ("Suboxone 8mg/2mg x 7", 7.0), ("100 x 10mg", 100.0),
])
def test_pack_count_after_a_combination_strength(extractor, title, count):
    rec = extractor.extract({"id": "q:1", "text": "", "fields": {"title": title}})
    assert rec["quantity"] == {"value": count, "unit": "unit"}


def test_contacts_normalised(extractor):
    rec = extractor.extract({"id": "c:1", "text": "Cocaine 1g. Telegram: @PlugDE, Wickr: plugz99, "
                             "WhatsApp: +49 151 23456789, mail plug@example.org"})
    got = {(c["kind"], c["value"]) for c in rec["contacts"]}
    assert {("telegram", "plugde"), ("wickr", "plugz99"), ("whatsapp", "+4915123456789"),
            ("email", "plug@example.org")} <= got


def test_pgp_v4_fingerprint_survives_lost_line_breaks():
    # A minimal v4 public-key packet (tag 6, new format): version, time, algo, then MPIs.
    body = bytes([4, 0x5F, 0, 0, 0, 1, 0, 8, 0xAB, 0, 8, 0x03])
    packet = bytes([0xC6, len(body)]) + body
    b64 = base64.b64encode(packet).decode()
    armour = f"-----BEGIN PGP PUBLIC KEY BLOCK----- Version: GnuPG v2 {b64} =abcd -----END PGP PUBLIC KEY BLOCK-----"
    want = hashlib.sha1(b"\x99" + len(body).to_bytes(2, "big") + body).hexdigest().upper()
    assert pgp_fingerprints(armour) == [{"fingerprint": want, "fingerprint_kind": "openpgp_v4"}]
    fake = "-----BEGIN PGP PUBLIC KEY BLOCK-----\nbm90IGEga2V5\n-----END PGP PUBLIC KEY BLOCK-----"
    assert pgp_fingerprints(fake)[0]["fingerprint_kind"] == "armor_sha256"


def test_crypto_addresses_checksum():
    text = ("pay 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 or bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq "
            "not 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3")
    got = [(a["currency"], a["kind"]) for a in crypto_addresses(text)]
    assert got == [("BTC", "p2pkh"), ("BTC", "bech32")]


@pytest.mark.parametrize("address,kind", [
    # BIP350's test vectors: taproot and later witness versions use bech32m
    ("bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297", "bech32m"),
    ("bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y", "bech32m"),
    ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "bech32"),
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", None),  # v1, bech32 sum
    ("BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL", None),  # v16, bech32 sum
    ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdx", None),                      # one letter off
])
def test_taproot_addresses_need_the_bech32m_checksum(address, kind):
    got = [a["kind"] for a in crypto_addresses(f"BTC: {address}")]
    assert got == ([kind] if kind else [])


_XMR_DONATE = ("44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2"
               "wfn3RVGQBEP3A")  # the Monero project's donation address


@pytest.mark.parametrize("address,kind", [
    (_XMR_DONATE, "standard"),
    # the examples of Monero's documentation
    ("888tNkZrPN6JsEgekjMnABU4TBzc2Dt29EPAvkRxbANsAnjyPbb3iQ1YBRk1UXcdRsiKc9dhwMVgN5S9cQUiyoogDav"
     "up3H", "subaddress"),
    ("4LL9oSLmtpccfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2bY"
     "XZKKQePHES9khPK", "integrated"),
    (_XMR_DONATE[:-1] + "B", None),  # one letter off: the Keccak checksum fails
    ("4" + "z" * 94, None),          # base58 letters of the right length, not an address
])
def test_monero_addresses_need_their_keccak_checksum(address, kind):
    got = [(a["currency"], a["kind"], a["checksum_verified"])
           for a in crypto_addresses(f"XMR: {address}.")]
    assert got == ([("XMR", kind, True)] if kind else [])


def test_ship_to_exclusions_and_reversed_cue(extractor):
    rec = extractor.extract({"id": "s:1", "text": "Valium 10mg. We ship worldwide from India.\n"
                                                   "Ships to: Worldwide except USA, Australia"})
    assert rec["ship_from"] == "IN"
    assert rec["ship_to"] == ["WW"] and rec["ship_to_exclusions"] == ["US", "AU"]
    assert extractor.extract({"id": "s:2", "text": "Ketamine 5g. DM for prices. Ships from: NL"}
                             )["ship_from"] == "NL"


@pytest.mark.parametrize(("text", "ship_from", "ship_to"), [
    # a region after the origin, no list mark between: where it goes
    ("Ketamine shards 5g. Shipping from United Kingdom worldwide.", "GB", ["WW"]),
    ("Vends Sildenafil 50mg. Expédition depuis la Belgique dans le monde entier.", "BE", ["WW"]),
    # two origins, not an origin and a destination
    ("Valium 10mg. Ships from: Germany, Europe", "DE", []),
    # places just before the delivery word, when no cue names a destination
    ("Buy Lyrica 300mg. Fast UK & EU delivery from the United Kingdom", "GB", ["GB", "EU"]),
    ("20g pure MXE with FREE worldwide shipping", None, ["WW"]),
    ("Diazepam 10mg, EU-Versand in 2 Tagen", None, ["EU"]),
    # shouted words that are ISO codes, a dash, a sentence end, a demonym: no destination
    ("Xanax 25 x 2mg IN ESCROW Free Shipping", None, []),
    ("Selling Ketamine shards - fast shipping", None, []),
    ("Sent from United Kingdom. Delivery in 3-7 days.", "GB", []),
    ("Dutch MDMA 10 pills, Dutch shipping", None, []),
    # an explicit destination cue wins over the words before "shipping"
    ("Cocaine 1g, worldwide shipping. Ships to: Germany", None, ["DE"]),
])
def test_destinations_without_a_destination_cue(extractor, text, ship_from, ship_to):
    rec = extractor.extract({"id": "d:1", "text": text})
    assert (rec["ship_from"], rec["ship_to"]) == (ship_from, ship_to)


@pytest.mark.parametrize(("text", "ship_to", "excluded"), [
    ("Gold bar 1oz. * We DO NOT ship to: CANADA, AUSTRALIA\nShips to\nWorld Wide", ["WW"], ["CA", "AU"]),
    ("Ships from: Netherlands\nShips to: We do not ship to USA / Canada / Australia", [], ["US", "CA", "AU"]),
    ("We do not ship to:\nCanada\nShips to: Europe", ["EU"], ["CA"]),
    # a negation in an earlier clause or line is not the cue's
    ("No minimum order, ships to EU", ["EU"], []),
    ("No tracking\nShips to:\nGermany", ["DE"], []),
    # continents are not destinations, Antarctica included
    ("Ships to\nWorld Wide, United States, Asia, Africa, Antarctica(c)", ["WW", "US"], []),
])
def test_negated_destination_cue_excludes(extractor, text, ship_to, excluded):
    rec = extractor.extract({"id": "n:1", "text": text})
    assert (rec["ship_to"], rec["ship_to_exclusions"]) == (ship_to, excluded)


def test_a_later_dosed_mention_makes_the_offer(extractor):
    # The first "DMT" is the seller's name; the offer, with its dose, comes further down.
    body = ("Seller: NDD-DMT (77%)\nSeller Level 4\nTrust Level 5\nOrigin Country : United Kingdom\n"
            "Ship to : Europe\nDescription\n0.5g Jungle Spice + 0.5g DMT + 4 x capsules")
    rec = extractor.extract({"id": "c:1", "text": body, "fields": {"title": "Custom Listing for SWNAG69"}})
    assert rec["is_drug_listing"] and [d["inn"] for d in rec["drugs"]] == ["dmt"]
    assert rec["drugs"][0]["start"] == body.index("DMT") + len("Custom Listing for SWNAG69\n")
    # The seller's name alone is no offer.
    wallet = body.split("Description")[0] + "Description\nHand-made leather wallet, four colours"
    rec = extractor.extract({"id": "c:2", "text": wallet, "fields": {"title": "Custom Listing for SWNAG69"}})
    assert not rec["is_drug_listing"] and rec["drugs"] == []


def test_misspelling_and_slang(extractor):
    rec = extractor.extract({"id": "m:1", "text": "", "fields": {"title": "10x Alprazolan 2mg + Cocaïne 1g"}})
    assert {d["inn"] for d in rec["drugs"]} == {"alprazolam", "cocaine"}
    assert [d["inn"] for d in extractor.extract(
        {"id": "m:2", "text": "", "fields": {"title": "Ketamine shards 5g"}})["drugs"]] == ["ketamine"]
    for title, inn in (("Black tar 3.5g", "heroin"), ("Flake 1g uncut", "cocaine")):
        assert [d["inn"] for d in extractor.extract(
            {"id": "m:4", "text": "", "fields": {"title": title}})["drugs"]] == [inn]


@pytest.mark.parametrize("title,inn,cls,un,us", [
    # isomers are their own INN in the package: each needs its row in the curated table, or it
    # carries no class and no schedule and no flag fires ("S-KETAMINE" had none)
    ("5GR S-KETAMINE 90% pure", "esketamine", "dissociative", None, "III"),
    ("Dextroamphetamine 10mg x 30", "dexamfetamine", "stimulant", "1971-II", "II"),
    ("Focalin XR 20mg", "dexmethylphenidate", "stimulant", None, "II"),
    # a designer benzodiazepine is not diazepam one edit away
    ("Diclazepam 1mg pellets x 100", "diclazepam", "benzodiazepine", "1971-IV", "I"),
    ("4-FA 1g crystals", "4-fluoroamphetamine", "stimulant", "1971-II", None),
    ("Xylazine (tranq) 10g", "xylazine", "sedative", None, None),
    # anabolic steroids (21 CFR 1300.01) and their esters: controlled as the steroid is
    ("Anadrol 50mg x 50 tabs", "oxymetholone", "steroid", None, "III"),
    ("UGL Testosterone Propionate 100mg/mL (10mL)", "testosterone propionate", "steroid", None, "III"),
    ("MASTERON (DROSTANOLONE PROPIONATE) 100mg/ml", "drostanolone propionate", "steroid", None, "III"),
    ("Methadone HCl 10mg", "methadone", "opioid", "1961-I", "II"),
    # more of the Green and Yellow Lists: without a row these carried no class and no schedule
    ("20 Stck. Bromazepam 6,0mg org. Blister", "bromazepam", "benzodiazepine", "1971-IV", "IV"),
    ("5x Rohypnol 1mg", "flunitrazepam", "benzodiazepine", "1971-III", "IV"),
    ("Halcion 0.25mg x 40", "triazolam", "benzodiazepine", "1971-IV", "IV"),
    ("1 gr. Phenazepam powder", "phenazepam", "benzodiazepine", "1971-IV", None),
    ("Darvocet 65 mg x 200", "dextropropoxyphene", "opioid", "1961-II", "IV"),
    ("100x 1.5mg DOB Tabs", "dob", "psychedelic", "1971-I", "I"),
    # the package names a product or a use, not the substance: the curated row applies
    ("Fentanyl Patch 75mcg 1A Pharma", "fentanyl", "opioid", "1961-I", "II"),
    ("Medical cannabis 1g", "cannabis", "cannabis", "1961-I", "I"),
    # a precursor of its own, not ephedrine with a word before it
    ("Pseudo-ephedrine 60mg x 100", "pseudoephedrine", "stimulant", None, None),
    ("pseudo ephedrine tabs", "pseudoephedrine", "stimulant", None, None),
])
def test_isomers_and_new_substances_have_schedules(extractor, title, inn, cls, un, us):
    rec = extractor.extract({"id": "i:1", "text": "", "fields": {"title": title}})
    (d,) = rec["drugs"]
    assert (d["inn"], d["class"], d["schedule_un"], d["schedule_us"]) == (inn, cls, un, us)


@pytest.mark.parametrize("title,inns", [
    ("Girl Scout Cookies for sale", ["cannabis"]), ("7 Grams of Green Crack", ["cannabis"]),
    ("Jack Herer 28g indoor", ["cannabis"]), ("Pineapple Express 3.5g", ["cannabis"]),
    ("Wedding cake for 20 guests", []),  # an ambiguous strain name needs cannabis words near it
    ("3.5 grammes de herbe Top Shelf", ["cannabis"]), ("Herbe 3,5g indoor", ["cannabis"]),
    ("Tisane herbe de Provence", []),  # French "grass" is weed only by a weight or a strain word
])
def test_cannabis_strains(extractor, title, inns):
    rec = extractor.extract({"id": "s:1", "text": "", "fields": {"title": title}})
    assert [d["inn"] for d in rec["drugs"]] == inns


@pytest.mark.parametrize("title,inns", [
    ("Melatonin-free Sleep Tea", []), ("Hemp tea, THC-frei", []),
    ("Valium-free shipping 10mg x 50", ["diazepam"]),  # a lost dash, not "without valium"
])
def test_drug_free_is_not_the_drug(extractor, title, inns):
    rec = extractor.extract({"id": "f:1", "text": "", "fields": {"title": title}})
    assert [d["inn"] for d in rec["drugs"]] == inns


@pytest.mark.parametrize("title,name,inn", [
    # two neighbouring letters swapped: one slip (Levenshtein counts two, too many for 7 letters)
    ("28 x Codiene 60mg", "Codiene", "codeine"), ("7g Herion 92% pure", "Herion", "heroin"),
    ("Valuim 10mg x 100", "Valuim", "diazepam"), ("VIGARA 100mg 20 pills", "VIGARA", "sildenafil"),
])
def test_swapped_letters(extractor, title, name, inn):
    rec = extractor.extract({"id": "m:3", "text": "", "fields": {"title": title}})
    assert [(d["name"], d["inn"]) for d in rec["drugs"]] == [(name, inn)] and rec["is_drug_listing"]


@pytest.mark.parametrize("title,found", [
    # five-letter slips, and brands shorter than the fuzzy minimum, read when a strength follows
    ("28x Xanex 0.5mg pills", [("Xanex", "alprazolam")]),
    ("60 VALUM 10mg", [("VALUM", "diazepam")]),
    ("Xannax 1mg", [("Xannax", "alprazolam")]),
    ("Zanax 2mg x 30", [("Zanax", "alprazolam")]),  # the common spelling with a Z: an alias
    # no strength after them: five-letter words are too many to match on spelling alone
    ("Xanex and more", []), ("Value pack 10mg", []),
    # only medicine names are targets: "Stack" is one letter from the slang "smack" (heroin)
    ("Tren Stack 150mg", [("Tren", "trenbolone")]),
])
def test_short_misspellings_need_a_strength(extractor, title, found):
    rec = extractor.extract({"id": "m:5", "text": "", "fields": {"title": title}})
    assert [(d["name"], d["inn"]) for d in rec["drugs"]] == found


def test_bad_input_never_stops_the_batch(extractor):
    records = [{"id": "e:1", "text": ""}, {"id": "e:2", "text": "xanax 2mg " * 600_000},
               {"id": "e:3", "text": bytes(range(256)).decode("latin-1") * 50},
               {"id": "e:4", "text": b"\xff\xfe oxycodone 30mg \xc3".decode("utf-8", "replace")},
               {"id": "e:5", "html": "<script>" * 2000 + "cocaine" + "</script>" * 10},
               "not an object", {"id": "e:7", "text": "Valium 10mg"}]
    out = list(extractor.extract_many(records))
    assert [r["id"] for r in out] == ["e:1", "e:2", "e:3", "e:4", "e:5", "#5", "e:7"]
    assert out[0]["error"] and out[5]["error"]
    assert out[1]["error"] is None and out[1]["drugs"][0]["inn"] == "alprazolam"
    assert out[3]["drugs"][0]["inn"] == "oxycodone"
    assert out[4]["drugs"] == []  # script text is never read
    assert out[6]["drugs"][0]["inn"] == "diazepam"


def test_hostile_runs_take_linear_time(extractor):
    """Runs that made one record take minutes: long chunks of punctuation or emoji (spaCy strips
    affixes one at a time, each step costing the chunk's length) and long runs of digits (the
    amount pattern tried at every digit). Each record is 100,000 characters (MAX_CHARS); the
    bound is ~50x what all of them take now, and one of them took ~15 min before."""
    import random
    import time

    from nlp.extract import MAX_CHARS

    rnd = random.Random(4)
    runs = ["1", "1,", "111 ", "(", "💊", '"', "a:", "'s", "1.", "1.234,5 ", "a[at]b[dot]",
            "ships worldwide from ", "1 for $1 ", "$1/g ", "\nto: a", "shipping: a ",
            "a to b ", "x>y ", "Royal Mail from ", "10 bars minimum ", "from a, shipping ",
            # session 21: ad locations, pickups, "within", classifieds' sellers, bare phone
            # numbers, quoted reviews, post authors, Russian negated routes, "Excluded:" fields
            "Location\nBerlin ", "pickup at ", "Ships to: Germany. within ", "Other ads by ",
            "Dennis Foo Bar\nPrivater Nutzer\n", "Truffel\n★★★★★ (27 reviews)\n", "Tel. 1 ",
            '"wickr: abc ', '"a" - ', "/u/abc\nWickr: x_1\n", "В Украину ", "Excluded:\nUnited States, ",
            "EU. NO\nshipping to SE\n",
            "".join(rnd.choice("([\"'💊!?*)]{}<>$.") for _ in range(1000))]
    records = [{"id": f"h:{n}", "text": (run * MAX_CHARS)[:MAX_CHARS]}
               for n, run in enumerate(runs)]
    records.append({"id": "h:ok", "text": "Valium 10mg\nPrice: 1 000 000 RUB"})
    started = time.perf_counter()
    out = list(extractor.extract_many(records))
    took = time.perf_counter() - started
    assert [r["error"] for r in out] == [None] * len(records)
    assert out[-1]["drugs"][0]["inn"] == "diazepam" and out[-1]["price"] == 1_000_000
    assert took < 60, f"{took:.0f} s for {len(records)} hostile records"


def test_long_chunks_are_broken_at_a_mark_and_keep_offsets(extractor):
    from nlp.extract import MAX_CHUNK, _break_long_chunks

    names = ["alprazolam", "diazepam", "oxycodone", "tramadol", "clonazepam", "lorazepam",
             "zolpidem", "modafinil", "methylphenidate", "buprenorphine", "codeine", "morphine",
             "fentanyl", "ketamine", "sildenafil", "tadalafil", "pregabalin", "gabapentin",
             "carisoprodol", "temazepam", "midazolam", "nitrazepam"]
    stock = ",".join(names)  # 230 characters, no space: a cut at 200 would halve "temazepam"
    text = f"Pharmacy stock\n{stock}\nPrice: 90 EUR"
    broken = _break_long_chunks(text)
    assert len(broken) == len(text) and max(map(len, broken.split())) <= MAX_CHUNK
    assert {text[i] for i in range(len(text)) if broken[i] != text[i]} == {","}
    assert _break_long_chunks("Xanax 2mg " * 100) == "Xanax 2mg " * 100
    blob = "QUJD" * 400  # no mark at all (base64): cut every MAX_CHUNK characters
    assert [len(c) for c in _break_long_chunks(blob).split(" ")] == [200] * 7 + [193]
    rec = extractor.extract({"id": "c:1", "text": text})
    assert sorted(d["inn"] for d in rec["drugs"]) == sorted(names)
    assert rec["title"] is None and (rec["price"], rec["currency"]) == (90.0, "EUR")


@pytest.mark.parametrize("text,lang,origin,dest,seller,inn", [
    ("XTC pillen 200mg - 50 stuks\nVerkoper: DutchDelight\nVerzonden uit: Nederland\n"
     "Verzending naar: heel Europa\nPrijs: 95 EUR", "nl", "NL", ["EU"], "DutchDelight", "mdma"),
    ("Кокаин 1г 90% чистый\nПродавец: SnegMoskva\nОтправка из: Германия\n"
     "Доставка в: Россия\nЦена: 0.002 BTC", "ru", "DE", ["RU"], "SnegMoskva", "cocaine"),
    ("Xanax 2mg Tabletten\nVerkäufer: BerlinBenz\nVersand aus: Deutschland\n"
     "Versand nach: Österreich, Schweiz", "de", "DE", ["AT", "CH"], "BerlinBenz", "alprazolam"),
])
def test_languages(extractor, text, lang, origin, dest, seller, inn):
    rec = extractor.extract({"id": "l:1", "text": text})
    assert rec["language"] == lang
    assert (rec["ship_from"], rec["ship_to"], rec["seller"]) == (origin, dest, seller)
    assert inn in {d["inn"] for d in rec["drugs"]}


def test_russian_listing_priced_in_roubles(extractor):
    # "Доставка:" names destinations; the origin line above it is not one; "2 500 руб." is
    # 2,500 roubles (thousands grouped by a space), converted at the listing's date.
    rec = extractor.extract({"id": "l:2", "date": "2024-05-01", "text":
                             "Мефедрон кристаллы 1г\nПродавец: magazin24\nОтправка из: Россия\n"
                             "Доставка: по всему миру\nЦена: 2 500 руб."})
    assert (rec["ship_from"], rec["ship_to"], rec["seller"]) == ("RU", ["WW"], "magazin24")
    assert (rec["price"], rec["currency"]) == (2500.0, "RUB")
    assert 20 < rec["price_usd"] < 35  # ~92.6 roubles a dollar in 2024


@pytest.mark.parametrize("text,amount,currency", [
    ("2500 ₽", 2500.0, "RUB"), ("RUB 2500", 2500.0, "RUB"), ("1 200 грн", 1200.0, "UAH"),
    ("45,50 zł", 45.5, "PLN"), ("120 PLN", 120.0, "PLN"), ("1,200.50 USD", 1200.5, "USD"),
    ("10 pills 500 RUB", 500.0, "RUB"),  # a count is not a thousands group
    ("R$ 300", 300.0, "BRL"), ("Preço: R$ 1.250,00", 1250.0, "BRL"),  # reais, not dollars
])
def test_more_currencies(text, amount, currency):
    assert parse_money(text) == (amount, currency)


@pytest.mark.parametrize("text,amount,currency", [
    ("0.125 BTC", 0.125, "BTC"), ("12.040 XMR", 12.04, "XMR"),  # coins: always a decimal point
    ("฿0.812", 0.812, "BTC"), ("1.250 €", 1250.0, "EUR"),      # fiat: still a thousands group
    ("$\n189.00", 189.0, "USD"),                              # symbol in its own element
    ("BTC/USD\n9257.78", None, None),                         # a rate widget, not a price
])
def test_coin_decimals_and_split_symbols(text, amount, currency):
    assert parse_money(text) == (amount, currency)


@pytest.mark.parametrize("html,price", [
    ("<h1>Cocaine 3.5g</h1><div><label>Price</label><span>฿0.10293 (EUR 245.00)</span></div>",
     (245.0, "EUR")),
    ("<h1>Oxycodone 30mg</h1><table><tr><th>Price</th><td>0.812 XMR (USD 180.00)</td></tr>"
     "</table>", (180.0, "USD")),
    ("<h1>MDMA 1g</h1><div class='price'>฿0.0571</div>", (0.0571, "BTC")),
    ("<h1 class='product_title'>Ambien 10mg</h1><p class='price'><span><span>$</span>189.00"
     "</span></p>", (189.0, "USD")),
])
def test_fiat_price_shown_beside_a_coin_amount_is_the_price(extractor, html, price):
    rec = extractor.extract({"id": "p:1", "html": f"<html>{html}</html>"})
    assert (rec["price"], rec["currency"]) == price


@pytest.mark.parametrize("body,title", [
    # the page opens with its heading: a dash inside it is the listing's, not a site name's
    ("<h2>MDMA Crystals 84% - 5g</h2><p>Seller: DutchQuality</p>", "MDMA Crystals 84% - 5g"),
    # no <title>, no heading: the element named as the title
    ("<div class='listing'><div class='title'>Oxycodone 30mg (Roxy) x 10</div>"
     "<div>Sold by: painfreeUSA</div></div>", "Oxycodone 30mg (Roxy) x 10"),
    ("<div><span itemprop='name'>Valium 10mg x 100</span></div>", "Valium 10mg x 100"),
    # a site name opening the page is still dropped from the <title>
    ("<head><title>PillHub - Valium 10mg x 100</title></head><header>PillHub</header>"
     "<h1>Valium 10mg x 100</h1>", "Valium 10mg x 100"),
    # a shop's SEO <title> decorating the product's <h1>
    ("<head><title>Buy Ambien Online Without Prescription | Cheap Zolpidem 10mg</title></head>"
     "<h1 class='product_title'>Ambien 10mg</h1>", "Ambien 10mg"),
    # a <title> that is only the site's name; the product title element names the listing
    ("<head><title>WHM</title></head><h3 class='product-title'>Oxycodone 30mg x 10</h3>",
     "Oxycodone 30mg x 10"),
    # the market's name before the listing's, the heading styled by a class
    ("<head><title>Silk Road 2.0 - 1g MDMA crystal 84%</title></head>"
     "<div id='header'>Silk Road anonymous market</div><div class='h1'>1g MDMA crystal 84%</div>",
     "1g MDMA crystal 84%"),
    # a listing-name class under a site-name <title>
    ("<head><title>Versus Project</title></head><h4 class='listing-name'>Ketamine 5g</h4>",
     "Ketamine 5g"),
    # the page opens with the title's first part and never shows the rest (the site's name)
    ("<head><title>Cocaína 1g 90% pureza | Mercado</title></head><h2>Cocaína 1g 90% pureza</h2>"
     "<p>Vendedor: ElPatron</p>", "Cocaína 1g 90% pureza"),
    # a vendor box's <h2> inside the title does not replace it
    ("<head><title>Xanax 2mg x 50 by Dutch Pharma</title></head><h2>Dutch Pharma</h2>",
     "Xanax 2mg x 50 by Dutch Pharma"),
])
def test_title_of_a_generic_page(extractor, body, title):
    assert extractor.extract({"id": "t:1", "html": f"<html>{body}</html>"})["title"] == title


@pytest.mark.parametrize("line,origin,dest", [
    ("Ships from: Amsterdam\nShips to: London, Paris, Berlin", "NL", ["GB", "FR", "DE"]),
    ("Location: Los Angeles, California", "US", []),  # classifieds: where the seller is
    ("Отправка из: Москва\nДоставка: Санкт-Петербург", "RU", ["RU"]),
    ("Versand aus: München", "DE", []),
    ("Ships from: Valencia", None, []),  # Spain's or Venezuela's: not a guess
    ("Ships from: Cali", "US", []),      # slang for California (a state), not Colombia's city
    ("Big sale in Berlin and Paris", None, []),  # cities count only after a cue
])
def test_major_cities(extractor, line, origin, dest):
    rec = _xanax_with(extractor, line)
    assert (rec["ship_from"], rec["ship_to"]) == (origin, dest)


@pytest.mark.parametrize("line,origin,dest", [
    ("Shipping: Czech Republic -> Czech Republic, European Union. Tracking on request.",
     "CZ", ["CZ", "EU"]),
    ("🇳🇱 ➡️ 🇪🇺 Fast shipping", "NL", ["EU"]),  # flags are ISO codes spelt in emoji
    ("UK → WW tracked", "GB", ["WW"]),
    ("Ships from 🇩🇪\nShips to: 🇬🇧 🇮🇪", "DE", ["GB", "IE"]),
    ("Price: 1g -> $80", None, []),  # an arrow between things that are not places
    ("Dutch -> EU", None, []),       # demonyms are not trusted outside a cue
])
def test_routes_drawn_with_arrows_and_flags(extractor, line, origin, dest):
    rec = _xanax_with(extractor, line)
    assert (rec["ship_from"], rec["ship_to"]) == (origin, dest)


def test_a_messenger_is_not_the_seller(extractor):
    text = ("Selling: Moving help with van.\nContact: Telegram: @nightshop28 / Wickr: nightshop_918\n"
            "Price: 65€")
    rec = extractor.extract({"id": "m:1", "text": text})
    assert rec["seller"] in ("nightshop28", "nightshop_918")  # a handle, not "Telegram"
    rec = extractor.extract({"id": "m:2", "text": "Oxycodone 30mg\nContact me on WhatsApp +44 7911 123456"})
    assert rec["seller"] is None and rec["contacts"] == [{"kind": "whatsapp", "value": "+447911123456"}]


def test_destinations_listed_under_their_label(extractor):
    html = ("<html><h1>Cocaine 90% Peru</h1><p>Sold by <b>PeruDirect</b></p>"
            "<p>Shipping from: Netherlands</p><p>Shipping to:</p>"
            "<ul><li>Germany</li><li>France</li><li>Belgium</li></ul>"
            "<p>Payment:</p><p>Escrow only, no finalize early for new buyers</p></html>")
    rec = extractor.extract({"id": "d:1", "html": html})
    assert (rec["ship_from"], rec["ship_to"]) == ("NL", ["DE", "FR", "BE"])


def test_seller_from_a_key_value_table(extractor):
    html = ("<html><table><tr><td>Product</td><td>Ketamine 5g</td></tr>"
            "<tr><td>Vendor</td><td>kwholesale</td></tr><tr><td>Price</td><td>EUR 150</td></tr>"
            "</table></html>")
    rec = extractor.extract({"id": "d:2", "html": html})
    assert rec["seller"] == "kwholesale" and (rec["price"], rec["currency"]) == (150.0, "EUR")
    # a label word inside prose is not a label line
    rec = extractor.extract({"id": "d:3", "text": "Ketamine 5g\nBecome a vendor\ntoday"})
    assert rec["seller"] is None


def test_page_from_a_market_without_config(extractor):
    html = (Path(__file__).parent / "fixtures" / "nlp" / "unknown_market_listing.html").read_text()
    rec = extractor.extract({"id": "u:1", "html": html})
    assert rec["title"] == "50x Roxicodone 30mg (M-Box) | EU NDD"
    assert rec["seller"] == "PainReliefNL"
    assert [d["inn"] for d in rec["drugs"]] == ["oxycodone"]  # not the tag spam or the script
    assert (rec["ship_from"], rec["ship_to"], rec["ship_to_exclusions"]) == ("NL", ["EU"], ["DE"])
    assert (rec["price"], rec["currency"]) == (640.0, "EUR")


@pytest.mark.parametrize("text,inns", [
    ("Lyrica 150mg - 10 pills. Pharma grade, no fakes, no pressed junk.", ["pregabalin"]),
    ("Oxycodone 30mg (M30) x 10 Pressed Pills", ["oxycodone"]),  # pressed oxy, not ecstasy
    ("Blue Tesla pills 280mg", ["mdma"]),
])
def test_pressed_pills_are_not_ecstasy_by_themselves(extractor, text, inns):
    assert [d["inn"] for d in extractor.extract({"id": "q:1", "text": text})["drugs"]] == inns


def test_flag_images_give_the_route(extractor):
    html = ("<html><h1>LSD 250ug x 10 tabs</h1><div>Vendor: acidqueen</div><div class='ship'>"
            "<img src='/f/nl.png' alt='Netherlands'> &rarr; <img src='/f/eu.png' alt='Europe'>"
            "</div><img src='/p/1.jpg' alt='A very long caption of the product photo, not a place "
            "name: Germany'></html>")
    rec = extractor.extract({"id": "f:1", "html": html})
    assert (rec["ship_from"], rec["ship_to"]) == ("NL", ["EU"])


@pytest.mark.parametrize("line,origin", [
    ("Город: Москва", "RU"), ("City: Manchester", "GB"), ("Stadt: München", "DE"),
    ("Best city for parties", None),  # only a labelled field
])
def test_a_city_field_is_where_the_seller_is(extractor, line, origin):
    rec = _xanax_with(extractor, line)
    assert rec["ship_from"] == origin


@pytest.mark.parametrize("text,contacts", [
    # a national number after a phone word, read in the country the listing ships from
    ("Valium 10mg\nLocation: Manchester\nText me 07911 123456 or DM @pillman on telegram",
     [{"kind": "phone", "value": "+447911123456"}, {"kind": "telegram", "value": "pillman"}]),
    ("Ritalin 10mg\nVersand aus: Deutschland\nWhatsApp: 0176 12345678",
     [{"kind": "whatsapp", "value": "+4917612345678"}]),
    ("Мефедрон 1г\nГород: Москва\nТелефон: 8 912 345-67-89", [{"kind": "phone", "value": "+79123456789"}]),
    # digits without a phone word are order numbers; without an origin, no country to read in
    ("Valium 10mg\nShips from: UK\nOrder 07911123456 shipped", []),
    ("Valium 10mg\nText me 07911 123456", []),
])
def test_national_phone_numbers_and_handles_before_the_app(extractor, text, contacts):
    assert extractor.extract({"id": "n:1", "text": text})["contacts"] == contacts


@pytest.mark.parametrize("title,is_drug,inns", [
    ("25x 1.5mg DOB Tabs", True, ["dob"]),              # the psychedelic, by its dose and tabs
    ("RANDOM USA FULLZ DOB+SSN", False, []),            # a date of birth
    ("Full Info USA (SSN+DOB+DL+MMN) 10 pcs", False, []),
    ("Propranolol 40mg x 100", True, ["propranolol"]),  # not "propranolol (cardiovascular)"
])
def test_a_non_drug_word_that_is_the_drug_itself(extractor, title, is_drug, inns):
    rec = extractor.extract({"id": "w:1", "text": "", "fields": {"title": title}})
    assert (rec["is_drug_listing"], [d["inn"] for d in rec["drugs"]]) == (is_drug, inns)


@pytest.mark.parametrize("title", [
    "Vitamin D3 5000 IU softgels", "Biotin Hair Growth Gummies", "Hyaluronic Acid Serum 30ml",
    "Vitamin C 1000mg x 100", "Whey protein 2kg",
])
def test_supplements_are_not_drug_offers(extractor, title):
    rec = extractor.extract({"id": "s:1", "text": "", "fields": {"title": title}})
    assert (rec["is_drug_listing"], rec["drugs"]) == (False, [])


@pytest.mark.parametrize("title,inn", [("Melatonin 5mg x 60", "melatonin"),  # a medicine too
                                       ("Ibuprofen 400mg x 50", "ibuprofen")])
def test_medicines_sold_beside_supplements_still_count(extractor, title, inn):
    rec = extractor.extract({"id": "s:2", "text": "", "fields": {"title": title}})
    assert [d["inn"] for d in rec["drugs"]] == [inn]


@pytest.mark.parametrize("line,seller", [
    ("Shop: PharmaDirect", "PharmaDirect"), ("Anbieter: BerlinMeds", "BerlinMeds"),
    ("Магазин: ChemDealer", "ChemDealer"), ("Merchant: rx_world", "rx_world"),
    ("Store: in a cool dry place", None),   # how to keep the pills
    ("Shop: Drugs > Benzos", None),          # a category path
    ("Home\nShop\nCart", None),              # a menu
])
def test_a_shop_label_names_the_seller(extractor, line, seller):
    assert extractor.extract({"id": "h:1", "text": "Xanax 2mg x 100\n" + line})["seller"] == seller


@pytest.mark.parametrize("line,origin,dest", [
    ("Expédition depuis la Belgique vers toute l'Europe.", "BE", ["EU"]),  # l'Europe: elision
    ("Expédition depuis l'Allemagne", "DE", []),
    ("Ships from: Côte d'Ivoire", "CI", []),              # an apostrophe inside a name stays
    ("Sending from Spain to all EU countries", "ES", ["EU"]),
])
def test_french_elision_and_sending_from(extractor, line, origin, dest):
    rec = _xanax_with(extractor, line)
    assert (rec["ship_from"], rec["ship_to"]) == (origin, dest)


@pytest.mark.parametrize("line,dest,excluded", [
    ("Ships to: Scandinavia", ["DK", "NO", "SE"], []),
    ("Ships to: EU, North America", ["EU", "US", "CA"], []),
    ("Ships to: Benelux", ["BE", "NL", "LU"], []),
    ("Ships to: Worldwide except: Australia, USA, Scandinavia", ["WW"], ["AU", "US", "DK", "NO", "SE"]),
])
def test_regions_of_several_countries(extractor, line, dest, excluded):
    rec = _xanax_with(extractor, "Ships from: Germany\n" + line)
    assert (rec["ship_to"], rec["ship_to_exclusions"]) == (dest, excluded)


def test_a_site_name_opening_the_page_is_dropped_even_if_the_name_differs_on_the_page(extractor):
    html = ("<html><head><title>PillHub - Valium 10mg</title></head><header>PillHub</header>"
            "<div>Valium 10 mg, 100 tablets</div></html>")
    assert extractor.extract({"id": "t:2", "html": html})["title"] == "Valium 10mg"


@pytest.mark.parametrize("title,is_drug", [
    ("Omega-3 Fish Oil 1000mg", False),          # a dose-like amount, but a supplement
    ("Collagen Peptides Powder 300g", False),
    ("5x 240ug Liquid Dosed Gummies", True),     # LSD gummies: "gummies" is no supplement word
    ("Testosterone supplement 250mg/ml 10ml", True),  # a drug named: offered whatever the words
])
def test_a_supplement_title_is_no_drug_offer(extractor, title, is_drug):
    rec = extractor.extract({"id": "s:3", "text": "", "fields": {"title": title}})
    assert rec["is_drug_listing"] is is_drug


@pytest.mark.parametrize("text,seller,origin,dest,price", [
    ("Cocaina 1g\nVenditore: ItaloBoss\nSpedizione da: Italia\nSpedizione in: Europa\n"
     "Prezzo: 80 €", "ItaloBoss", "IT", ["EU"], (80.0, "EUR")),
    ("Cocaína 1g\nVendedor: BrasilFlow\nEnviado de: Brasil\nEnvio para: Portugal, Espanha",
     "BrasilFlow", "BR", ["PT", "ES"], (None, None)),
    ("Amfetamina 10g\nSprzedawca: PolskiSpeed\nWysyłka z: Polska\nWysyłka do: UE\nCena: 200 zł",
     "PolskiSpeed", "PL", ["EU"], (200.0, "PLN")),
])
def test_italian_portuguese_and_polish_cues(extractor, text, seller, origin, dest, price):
    rec = extractor.extract({"id": "l:9", "text": text})
    assert (rec["seller"], rec["ship_from"], rec["ship_to"]) == (seller, origin, dest)
    assert (rec["price"], rec["currency"]) == price


@pytest.mark.parametrize("ships_from,ships_to,origin,destinations,excluded", [
    ("Germany", "EU, US", "DE", ["EU", "US"], []),  # bare values, as most configs give them
    ("United States", "Worldwide except USA, Canada", "US", ["WW"], ["US", "CA"]),
    ("Torland", "Internet", None, [], []),
    # one element holding the route sentence, given as both fields
    ("We ship worldwide from India", "We ship worldwide from India", "IN", ["WW"], []),
    ("Ships from Germany to EU", "Ships from Germany to EU", "DE", ["EU"], []),
    ("Fast UK & EU delivery from the United Kingdom",
     "Fast UK & EU delivery from the United Kingdom", "GB", ["GB", "EU"], []),
])
def test_crawler_route_fields(extractor, ships_from, ships_to, origin, destinations, excluded):
    rec = extractor.extract({"id": "h:1", "text": "Xanax 2mg x 30",
                             "fields": {"ships_from": ships_from, "ships_to": ships_to}})
    assert (rec["ship_from"], rec["ship_to"], rec["ship_to_exclusions"]) == (origin, destinations, excluded)


@pytest.mark.parametrize("text,origin,destinations", [
    ("Envío desde España a España.", "ES", ["ES"]),
    ("Envío desde los Países Bajos a los Países Bajos.", "NL", ["NL"]),
    ("Expédié de France à la Belgique", "FR", ["BE"]),
    ("Ships from Germany a day after payment", "DE", []),  # an English article, no place after it
])
def test_one_letter_to_between_places(extractor, text, origin, destinations):
    rec = extractor.extract({"id": "r:1", "text": f"Alprazolam 1mg x 10\n{text}"})
    assert (rec["ship_from"], rec["ship_to"]) == (origin, destinations)


def test_a_dose_by_the_drug_lifts_the_title_model_veto(extractor):
    """The model reads only the title; a short one ("Verkoop wiet") it takes for no drug at all,
    which vetoed the name. A weight beside a mention of the drug settles it."""
    title = "Verkoop wiet"
    dosed = extractor.extract({"id": "v:1", "fields": {"title": title},
                               "text": f"{title}\nVerkoop wiet, 1g. Verzending vanuit Nederland."})
    assert dosed["is_drug_listing"] and [d["inn"] for d in dosed["drugs"]] == ["cannabis"]
    bare = extractor.extract({"id": "v:2", "fields": {"title": title},
                              "text": f"{title}\nNeem contact op via Telegram."})
    assert not bare["is_drug_listing"] and bare["drugs"] == []


@pytest.mark.parametrize("title,inn,cls", [
    # what rogue pharmacies sell without a prescription: rows of their own, or no flag fires
    ("Amoxicillin 500mg x 21 capsules", "amoxicillin", "antibiotic"),
    ("Zoloft 50mg - no prescription", "sertraline", "antidepressant"),
    ("Propecia 1mg x 90", "finasteride", "prescription"),
    ("Ozempic 1mg pen", "semaglutide", "weight_loss"),
])
def test_prescription_only_medicines_carry_rx_only(extractor, title, inn, cls):
    (d,) = extractor.extract({"id": "rx:1", "text": "", "fields": {"title": title}})["drugs"]
    assert (d["inn"], d["class"], d["rx_only"], d["controlled"]) == (inn, cls, True, False)


@pytest.mark.parametrize("text,inns,strength,count", [
    # patches counted in the languages the sandbox and real shops use
    ("Durogesic 50mcg/h - 5 parches en venta", ["fentanyl"], (50.0, "mcg"), 5.0),
    ("Vends Fentanyl 100mcg/h\n10 patchs disponibles", ["fentanyl"], (100.0, "mcg"), 10.0),
    ("Fentanyl Pflaster 75µg/h, 5 Pflaster", ["fentanyl"], (75.0, "mcg"), 5.0),
    # Russian names (inflected forms one letter off) and Cyrillic units
    ("10 пластырей фентанила 50 мкг/ч", ["fentanyl"], (50.0, "mcg"), 10.0),
    ("Лирика 300 мг, 56 капсул", ["pregabalin"], (300.0, "mg"), 56.0),
    ("Феназепам 1мг x 50", ["phenazepam"], (1.0, "mg"), 50.0),
    ("Лирика Пушкина, сборник стихов", [], None, None),  # "lyric poetry": no dose, no drug
])
def test_patches_russian_names_and_cyrillic_units(extractor, text, inns, strength, count):
    rec = extractor.extract({"id": "ru:1", "text": text})
    assert [d["inn"] for d in rec["drugs"]] == inns
    got = rec["strength"]
    assert (got["value"], got["unit"]) == strength if got else strength is None
    assert (rec["quantity"] or {}).get("value") == count


@pytest.mark.parametrize("title,is_drug,inns", [
    # a dose per unit in the title offers a drug, named in no lexicon or not (pill presses)
    ("50x Superman 210MG+", True, []), ("Swiss Silver Liquid @ 200ug - 50 Drops", True, []),
    ("Parabolax 25mgx100kpl", True, []),
    ("300 Audemars Piguet (very heavy pills)", True, []),  # a count of pills: a press name
    ("BIC STASH LIGHTER - HIDE PILLS, CASH", False, []), ("Beats Pill Bluetooth Speaker", False, []),
    ("Omega-3 Fish Oil 1000mg", False, []), ("Chanel No 5 100ml", False, []),
    # goods the model takes for drugs stop a listing naming none, not one naming one
    ("TAG Heuer - Grand Carrera Calibre 36 RS [AAA+]", False, []),
    ("100x 2.5 mg xanax pfizer replicas", True, ["alprazolam"]),
    ("Jenna Haze Collection (72GB)", False, []),
    # two slips only towards medicine names: "Speedmaster" is a watch, not "speedpaste"
    ("Omega Speedmaster", False, []), ("Zoplicone 7.5mg x 28", True, ["zopiclone"]),
])
def test_title_evidence_for_unseen_vendors(extractor, title, is_drug, inns):
    rec = extractor.extract({"id": "t:1", "text": "", "fields": {"title": title}})
    assert (rec["is_drug_listing"], [d["inn"] for d in rec["drugs"]]) == (is_drug, inns)


@pytest.mark.parametrize("title,inn,cls,us", [
    # research chemicals as vendors write their codes (the hyphens come and go)
    ("25g AB-FUBINACA", "ab-fubinaca", "synthetic_cannabinoid", "I"),
    ("500g 5F-PB22", "5f-pb-22", "synthetic_cannabinoid", "I"),
    ("5 Grams 4-MEC", "4-mec", "stimulant", "I"),
    ("Pentylone 50g - Import Free Ship", "pentylone", "entactogen", "I"),
    ("1 gr 3-MMC crystals", "3-mmc", "stimulant", None),
    ("0.25g 2-DPMP", "desoxypipradrol", "stimulant", None),
    ("NaGHB powder form - 25g", "ghb", "sedative", "I"),
    ("Reines Kolumbanisches Koks 10g", "cocaine", "stimulant", "II"),
    ("250g Tampanensis Truffles", "psilocybin", "psychedelic", "I"),
])
def test_research_chemicals_and_slang(extractor, title, inn, cls, us):
    rec = extractor.extract({"id": "rc:1", "text": "", "fields": {"title": title}})
    assert [(d["inn"], d["class"], d["schedule_us"]) for d in rec["drugs"]] == [(inn, cls, us)]


@pytest.mark.parametrize("title", ["Chocolate truffles box", "Koks für den Grill", "MXP Automotive parts"])
def test_ambiguous_slang_needs_its_context(extractor, title):
    assert extractor.extract({"id": "rc:2", "text": "", "fields": {"title": title}})["drugs"] == []


@pytest.mark.parametrize("title,inns", [
    ('5xOxycodon "OXYGESIC AKUT"', ["oxycodone"]),  # a count glued to the name is split off
    ("10x #4 Stamps", ["heroin"]), ("1.2G #4 $175", ["heroin"]),
    ("28g Gorilla Glue #4 AAA+", ["cannabis"]),  # a strain's number, not heroin No. 4
    ("Ticket #4 for the show", []),
    ("MSContin 30 MG ER X 5", ["morphine"]), ("Sealed pint of actavis", ["codeine"]),
    ("150gr Northern Light Special", ["cannabis"]), ("Top Red Lebanese x 1 gr", ["cannabis"]),
    ("Lebanese restaurant menu", []),
    # a '#' or ';' glued between words is split off: Agora's "Afghan heroin#3", tag lists
    ("Afghan heroin#3 average quality 3 grams", ["heroin"]),
    ("#xanax#valium#oxycodone", ["alprazolam", "diazepam", "oxycodone"]),
    ("xanax;valium 10mg", ["alprazolam", "diazepam"]),
])
def test_brands_strains_and_heroin_numbers(extractor, title, inns):
    rec = extractor.extract({"id": "b:1", "text": "", "fields": {"title": title}})
    assert [d["inn"] for d in rec["drugs"]] == inns


@pytest.mark.parametrize("title,inn,cls", [
    # what steroid shops sell beside steroids, and the slang and brands of unseen vendors
    ("HCG 5000IU UNITED BIOTECH", "chorionic gonadotrophin", "hormone"),
    ("Masteron 100", "drostanolone", "steroid"),
    # the brand and the ester it is, named together: one drug, the ester
    ("MASTERON (DROSTANOLONE PROPIONATE) 100mg/ml", "drostanolone propionate", "steroid"),
    ("100iu HGH kit", "somatropin", "hormone"), ("Deca 250", "nandrolone", "steroid"),
    ("Special offer - 15 X BOLDOJECT 5ml", "boldenone", "steroid"),
    ("7G Mike Vick $450 A1 Blow", "cocaine", "stimulant"),
    ("subutril-meridia-subutramine-500-pills", "sibutramine", "weight_loss"),
])
def test_hormones_and_vendor_slang(extractor, title, inn, cls):
    rec = extractor.extract({"id": "h:2", "text": "", "fields": {"title": title}})
    assert [(d["inn"], d["class"]) for d in rec["drugs"]] == [(inn, cls)]


@pytest.mark.parametrize("text,inns", [
    # research chemicals and synthetic cannabinoids of unseen vendors
    ("5000g AB-PINACA", ["ab-pinaca"]), ("50g 5F-SDB-006", ["5f-sdb-006"]), ("1g 2-FA", ["2-fluoroamphetamine"]),
    # DOx names count next to a dose (before or after it), vials, tabs or blotters only
    ("5 Vials DOC", ["doc"]), ("3x5mg DOM", ["dom"]), ("Doc Martens boots", []),
    ("HASCH SMAKPROV 0.2G", ["cannabis"]),
    ("BUDLIFE 30g A++ AK-47", ["cannabis"]), ("AK-47 rifle magazine, 30 rounds", []),
])
def test_unseen_vendors_chemicals_and_strains(extractor, text, inns):
    rec = extractor.extract({"id": "u:1", "text": text})
    assert [d["inn"] for d in rec["drugs"]] == inns


def test_a_dose_beside_a_named_drug_outweighs_a_non_drug_word(extractor):
    rec = extractor.extract({"id": "u:2", "text": "60 x 20 mg Adderall IR tablets (Monthly Subscription)"})
    assert rec["is_drug_listing"] and [d["inn"] for d in rec["drugs"]] == ["amphetamine"]
    rec = extractor.extract({"id": "u:3", "text": "Netflix subscription, 12 months, Adderall fans welcome"})
    assert not rec["is_drug_listing"] and rec["drugs"] == []


def test_fancy_text_letters_are_read_as_the_latin_ones_they_mimic(extractor):
    title = "★5★ gяαм σƒ συя яαω η ρυяє Cσcαιηє 90%+ ((єυ ℓιѕтιηg))"
    rec = extractor.extract({"id": "f:1", "text": "", "fields": {"title": title}})
    assert rec["is_drug_listing"]
    [drug] = rec["drugs"]
    assert drug["inn"] == "cocaine" and drug["name"] == "Cσcαιηє"  # as written: evidence
    assert title[drug["start"]:drug["end"]] == "Cσcαιηє"
    # Russian words are Cyrillic, not look-alikes: left as they are (and still found)
    rec = extractor.extract({"id": "f:2", "text": "Кокаин 1г, доставка по России"})
    assert [d["inn"] for d in rec["drugs"]] == ["cocaine"]


def test_plain_letters_keep_offsets_and_leave_single_script_words_alone():
    from nlp.fancy import plain

    text = "gяαм σƒ Cσcαιηє · Кокаин · Ωμέγα · Xanax"
    out = plain(text)
    assert len(out) == len(text)
    assert out.split(" · ") == ["gram of Cocaine", "Кокаин", "Ωμέγα", "Xanax"]
    assert plain("Xanax 2mg") == "Xanax 2mg"


@pytest.mark.parametrize("title,is_drug,inns", [
    ("3x High Quality Glass Ice Pipe", False, []), (".177cal Super Points", False, []),
    ("Handblown GLASS BUBBLER, AMAZING DEAL", False, []),
    ("MACHINE ELVES * 60mg Pre-loaded DMT DOME Pipe", True, ["dmt"]),  # the drug is named
    ("5 x 2ci pellets, 15mg", True, ["2c-i"]), ("2C-T-7 100mg", True, ["2c-t-7"]),
    ("2cc syringe, luer lock", False, []),
])
def test_smoking_gear_and_ammunition_name_no_drug(extractor, title, is_drug, inns):
    rec = extractor.extract({"id": "g:1", "text": "", "fields": {"title": title}})
    assert (rec["is_drug_listing"], [d["inn"] for d in rec["drugs"]]) == (is_drug, inns)


@pytest.mark.parametrize("text,amount,currency", [
    ("Prix : 1 234,56 €", 1234.56, "EUR"), ("1.234,56 EUR", 1234.56, "EUR"),
    ("12 345,00 €", 12345.0, "EUR"), ("1.234.567,89 €", 1234567.89, "EUR"),
    ("€1.234,56", 1234.56, "EUR"), ("€ 1.234,99", 1234.99, "EUR"),   # symbol first (Dutch shops)
    ("1\u202f234,99\u00a0€", 1234.99, "EUR"), ("27,99\u00a0€", 27.99, "EUR"),  # French typography
    ("€\u00a027,99", 27.99, "EUR"), ("1'234.50 CHF", 1234.5, "CHF"), ("CHF 1'234.50", 1234.5, "CHF"),
    ("$1,234,567.89", 1234567.89, "USD"), ("10 000,50 ₽", 10000.5, "RUB"),
    ("$20 100mg", 20.0, "USD"),  # after its currency, a space groups nothing: a price, a dose
    ("0.0021 BTC", 0.0021, "BTC"), ("1.2345 XMR", 1.2345, "XMR"),  # not groups of three
])
def test_amounts_grouped_the_way_each_language_writes_them(text, amount, currency):
    # A number cut at its first mark read "1.234,56 €" as 234.56 and "12 345,00 €" as 345.
    assert parse_money(text) == (amount, currency)


def test_a_european_price_reaches_the_record_whole(extractor):
    rec = _xanax_with(extractor, "Versand aus Deutschland\nPreis: 1.234,56 €")
    assert (rec["price"], rec["currency"]) == (1234.56, "EUR")
    assert rec["unit_price"] == pytest.approx(123.456)


@pytest.mark.parametrize("text,origin,dest,excluded", [
    # a route with an exclusion, in four languages
    ("Ships from Spain to all of Europe except the UK.", "ES", ["EU"], ["GB"]),
    ("Envío desde España a toda Europa excepto Reino Unido.", "ES", ["EU"], ["GB"]),
    ("Versand aus Spanien in die ganze EU außer Großbritannien.", "ES", ["EU"], ["GB"]),
    ("Expédié d'Espagne vers toute l'Europe sauf le Royaume-Uni.", "ES", ["EU"], ["GB"]),
    # the article elided or merged onto the country
    ("Expédié des Pays-Bas vers la France.", "NL", ["FR"], []),
    ("Spedito dall'Italia in tutta Europa.", "IT", ["EU"], []),
    ("Spedito dalla Spagna.", "ES", [], []),
    # first person, a word or two before the origin
    ("Wir versenden aus der Schweiz. Lieferung weltweit in 1-3 Werktagen.", "CH", ["WW"], []),
    ("Wir versenden weltweit aus Indien. Lieferzeit 7-14 Tage.", "IN", ["WW"], []),
    ("Wir versenden aus den Niederlanden. Lieferung in die Niederlande in 1-3 Werktagen.",
     "NL", ["NL"], []),
    ("Nous expédions depuis la France. Livraison dans le monde entier.", "FR", ["WW"], []),
    ("Enviamos a todo el mundo desde la India. Entrega en 7-14 días.", "IN", ["WW"], []),
    ("Enviamos desde España. Entrega a toda Europa en 2-5 días.", "ES", ["EU"], []),
    ("Wij verzenden wereldwijd vanuit India. Levertijd 7-14 dagen.", "IN", ["WW"], []),
    # the origin after the destinations, and destinations with no cue but "shipping"
    ("Ships worldwide except USA and Australia from Netherlands", "NL", ["WW"], ["US", "AU"]),
    ("Shipping worldwide except USA. Dispatched from the Netherlands.", "NL", ["WW"], ["US"]),
    ("Delivery worldwide, except Australia and New Zealand.", None, ["WW"], ["AU", "NZ"]),
    # "not from China" is no destination: nothing excluded
    ("Shipped from the Netherlands, not from China.", "NL", [], []),
])
def test_routes_told_in_prose(extractor, text, origin, dest, excluded):
    rec = _xanax_with(extractor, text)
    assert (rec["ship_from"], rec["ship_to"], rec["ship_to_exclusions"]) == (origin, dest, excluded)


def test_a_later_mention_of_the_origin_gives_the_route(extractor):
    # the title names the origin only; the description, the route
    rec = extractor.extract({"id": "r:2", "text": "Verzending vanuit Nederland naar heel Europa.",
                             "fields": {"title": "100x LSD 150ug - verzending vanuit Nederland"}})
    assert (rec["ship_from"], rec["ship_to"]) == ("NL", ["EU"])


def test_a_labelled_destination_beats_free_shipping_in_the_title(extractor):
    rec = _xanax_with(extractor, "FREE SHIPPING WORLDWIDE\nShip to: United Kingdom, Australia")
    assert rec["ship_to"] == ["GB", "AU"]


@pytest.mark.parametrize("title,count", [
    ("Alprazolam 1,5mg 100 Stk.", 100.0), ("Rivotril 2 mg 10 Stck", 10.0),
    ("Tramadol 50 mg 30 comprimidos", 30.0), ("Valium 10mg 28 gélules", 28.0),
    ("Xanax 1mg 20 compresse", 20.0), ("Ketamin 10 ampoules", 10.0), ("Oxycodon 60 tabletki", 60.0),
])
def test_pack_words_of_more_languages(extractor, title, count):
    rec = extractor.extract({"id": "q:2", "text": "", "fields": {"title": title}})
    assert rec["quantity"] == {"value": count, "unit": "unit"}


@pytest.mark.parametrize("title,inns", [
    ("Etizolam 1mg x 100 blotters", ["etizolam"]),       # etizolam on blotter paper, not LSD
    ("25I-NBOMe 1000ug blotter", ["25i-nbome"]),
    ("Flualprazolam bars 2mg x 10", ["flualprazolam"]),  # bars of flualprazolam, not Xanax
    ("THC chocolate bar 100mg", ["cannabis"]),
    ("Psilocybin edibles 3g", ["psilocybin"]),
    ("Blotters x 10 250ug", ["lsd"]),                    # a form alone still names its drug
    ("Green bars 2mg x 50", ["alprazolam"]),
    ("MDMA pills and LSD blotters", ["mdma", "lsd"]),
])
def test_a_form_names_its_drug_only_when_no_other_drug_is_named(extractor, title, inns):
    rec = extractor.extract({"id": "w:1", "text": "", "fields": {"title": title}})
    assert [d["inn"] for d in rec["drugs"]] == inns


@pytest.mark.parametrize("title,inn,un,us", [
    ("4-AcO-DMT 20mg x 10 caps", "4-aco-dmt", None, None),  # psilacetin, not DMT
    ("4-HO-MET 15mg x 10", "4-ho-met", None, None),
    ("5-MeO-DMT 1g", "5-meo-dmt", None, "I"),               # its own row, not DMT's 1971-I
    ("1P-LSD 100ug blotters x 10", "1p-lsd", None, None),
    ("1P LSD 150mcg", "1p-lsd", None, None),
    ("ALD-52 100ug", "ald-52", None, None),
])
def test_analogues_are_not_their_parent_drug(extractor, title, inn, un, us):
    rec = extractor.extract({"id": "w:2", "text": "", "fields": {"title": title}})
    assert [(d["inn"], d["schedule_un"], d["schedule_us"]) for d in rec["drugs"]] == [(inn, un, us)]


@pytest.mark.parametrize("text,contacts", [
    ("Contact: benzo[at]protonmail[dot]com", [{"kind": "email", "value": "benzo@protonmail.com"}]),
    ("mail: benzo (at) mail (dot) ru", [{"kind": "email", "value": "benzo@mail.ru"}]),
    ("WhatsApp: 0049 151 23456789", [{"kind": "whatsapp", "value": "+4915123456789"}]),  # "00" = "+"
    ("Order 0012345678 shipped", []),                  # no phone word: an order number
    ("Wickr: benzoboss88. Email me.", [{"kind": "wickr", "value": "benzoboss88"}]),  # not "88."
    ("Add me on Session 05" + "a1b2c3d4" * 8, [{"kind": "session", "value": "05" + "a1b2c3d4" * 8}]),
    ("We meet at (at) noon", []),
])
def test_written_out_addresses_and_international_prefixes(extractor, text, contacts):
    rec = extractor.extract({"id": "c:9", "text": "Xanax 2mg x 100\n" + text})
    assert rec["contacts"] == contacts
    assert rec["seller"] != "benzo"  # an address's user part is no seller handle


@pytest.mark.parametrize("text,lang", [
    ("Кокаин 1г", "ru"),                                   # no stopword, but Cyrillic: Russian
    ("Xanax 2mg x 50\nExpédié de : Belgique\nPrix : 1 234,56 €", "fr"),  # cue words count
    ("Xanax 2mg x 50 Stk. Preis: 120 €", "de"),
    ("MDMA", "en"),                                       # nothing to go on: the default
    ("Кокаин 1г - Cocaine from Colombia, best quality for you", "en"),
])
def test_language_of_short_listings(extractor, text, lang):
    assert extractor.extract({"id": "l:1", "text": text})["language"] == lang


@pytest.mark.parametrize("title,strength", [
    ("Testosterone enanthate 250mg/ml 10ml vial x 2", {"value": 250.0, "unit": "mg/ml"}),
    ("Methadone 10 mg / 1 ml oral solution", {"value": 10.0, "unit": "mg/ml"}),
    ("Морфин 20 мг/мл", {"value": 20.0, "unit": "mg/ml"}),
    ("Codeine linctus 200ml", {"value": 200.0, "unit": "ml"}),  # a volume, not a concentration
    ("Xanax 2mg x 30", {"value": 2.0, "unit": "mg"}),
])
def test_a_concentration_is_per_ml(extractor, title, strength):
    rec = extractor.extract({"id": "m:1", "text": "", "fields": {"title": title}})
    assert rec["strength"] == strength


@pytest.mark.parametrize("line,seller", [
    ("Vendor - DrFeelgood [Level 5]", "DrFeelgood"), ("Vendor – PharmaKing (98%)", "PharmaKing"),
    ("Verkäufer - BenzoBande", "BenzoBande"),
    ("Top vendor - fast shipping", None), ("Best vendor - Germany", None),  # praise, not a label
])
def test_a_seller_label_with_a_dash(extractor, line, seller):
    assert _xanax_with(extractor, line)["seller"] == seller
