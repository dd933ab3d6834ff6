"""Listings and pages laid out the way other markets, shops and classifieds write them: each
case here was extracted wrongly before the rule it names (found by probing, session 17)."""

from __future__ import annotations

import pytest

from nlp.details import quantity
from nlp.html import parse_page

_TABLE_PAGE = """<html><body>
<div class="navbar"><a href="/">Home</a> <a href="/messages">Messages (0)</a>
<a href="/cart">Cart (2)</a> Balance: 0.0000 BTC</div>
<h1>10x Oxycodone 30mg M-Box (Pressed)</h1>
<table><tr><td>Sold by</td><td><a href="/user.php?id=painfreeRx">painfreeRx</a> (1423)</td></tr>
<tr><td>Origin country</td><td>United States</td></tr>
<tr><td>Ships to</td><td>United States, Canada</td></tr></table>
<p class="price">USD 185.00</p></body></html>"""


def test_menu_counters_are_not_the_seller(extractor):
    rec = extractor.extract({"id": "ab:1", "html": _TABLE_PAGE})
    assert rec["seller"] == "painfreeRx"  # was "Messages", read as "Name (count)"
    assert (rec["ship_from"], rec["ship_to"]) == ("US", ["US", "CA"])


@pytest.mark.parametrize("counter", ["Messages (0)", "Cart (2)", "Orders (3)", "Reviews (12)",
                                     "Notifications (5)", "Wishlist (1)"])
def test_a_counter_line_names_nobody(extractor, counter):
    rec = extractor.extract({"id": "x:1", "text": f"{counter}\nXanax 2mg x 10\n$50"})
    assert rec["seller"] is None


def test_a_profile_script_with_a_bare_id_is_a_profile_link():
    page = parse_page('<p><a href="/user.php?id=painfreeRx">see</a> '
                      '<a href="/vendor.php?lang=en&amp;id=BenzoKing">x</a>'
                      '<a href="/listing.php?id=abc123">item</a></p>')
    assert page.profile_handles == ["painfreeRx", "BenzoKing"]  # a listing's id is not one


@pytest.mark.parametrize("text,count", [
    ("LSD-25 blotters 150ug x 10", 10.0),  # "25" is the drug's name, not 25 blotters
    ("2C-B 20mg 20 pills", 20.0),
    ("Alprazolam (Xanax) 1Mg Mylan A-1 X 40", 40.0),  # Agora: "A-1" is the imprint
    ("Adderall XR 30mg capsules - 30 count", 30.0), ("BD syringe 10 count", 10.0),
    ("100ct Oxycodone 10mg", 100.0),
])
def test_counts_next_to_drug_codes_and_count_words(text, count):
    assert quantity(text) == {"value": count, "unit": "unit"}


@pytest.mark.parametrize("title,count", [
    ("100 Tramadol 225mg", 100.0), ("30 Adderall XR 20mg", 30.0), ("50 Xanax bars", 50.0),
    ("24 hour delivery Xanax 2mg", None), ("2019 Pfizer Xanax 2mg", None),  # no count there
])
def test_a_count_opening_the_title_before_a_drug_name(extractor, title, count):
    rec = extractor.extract({"id": "t:1", "text": "", "fields": {"title": title}})
    assert (rec["quantity"] or {}).get("value") == count


@pytest.mark.parametrize("lines,origin,dest", [
    ("Shipping: USPS Priority from USA to USA only", "US", ["US"]),
    ("Shipping: Royal Mail 1st class from UK to UK & EU", "GB", ["GB", "EU"]),
    ("From: Canada | To: Canada, USA", "CA", ["CA", "US"]),
    ("From: Canada\nTo: Canada, USA", "CA", ["CA", "US"]),
    ("Message from: admin\nTo: all vendors", None, []),  # labels, but no places
])
def test_routes_in_carrier_fields_and_bare_from_to_labels(extractor, lines, origin, dest):
    rec = extractor.extract({"id": "x:1", "text": "Xanax 2mg x 10\n" + lines + "\n$50"})
    assert (rec["ship_from"], rec["ship_to"]) == (origin, dest)


@pytest.mark.parametrize("text,lang", [
    ("Cocaina purissima 1g\nVenditore: NapoliCoke\nSpedizione da: Italia\nPrezzo: 90 €", "it"),
    ("Cocaína 1g\nVendedor: BrasilFlow\nEnviado de: Brasil\nEnvio para: Portugal, Espanha", "pt"),
    ("Amfetamina 10g\nSprzedawca: PolskiSpeed\nWysyłka z: Polska\nCena: 200 zł", "pl"),
    ("Éxtasis MDMA cristal 5g\nEnvío desde: España\nPrecio: 120 €\nVendedor: ElQuimico", "es"),
    # English words that are short words of those languages ("I", "do", "to", "per", "a")
    ("I do ship to EU. Xanax 2mg, $2 per pill, a 10 pack, no questions", "en"),
])
def test_italian_portuguese_and_polish_listings_are_told(extractor, text, lang):
    assert extractor.extract({"id": "l:1", "text": text})["language"] == lang


@pytest.mark.parametrize("line,origin,dest", [
    ("ships 🇺🇸➡️🌍", "US", ["WW"]), ("🇳🇱 ➡️ 🌎", "NL", ["WW"]),
    ("Ships to: 🌏", None, ["WW"]),
    ("🌐 pillshop.example ➡️ order", None, []),  # a web link's icon, not the world
])
def test_a_globe_is_the_world(extractor, line, origin, dest):
    rec = extractor.extract({"id": "g:1", "text": f"Xanax 2mg x 50 {line} $150"})
    assert (rec["ship_from"], rec["ship_to"]) == (origin, dest)


@pytest.mark.parametrize("text,price,unit_price", [
    ("14G($65/g) UNCUT PERUVIAN FISHSCALE COCAINE !!81%!", 65.0, 65.0),  # Dream: was 4.64 a g
    ("Afghani Hashish 10g -- (£4.40/Gram)", 4.4, 4.4),                    # Agora: was 0.44
    ("Adderall IR 30mg [Barr] ***$12.50/Pill***", 12.5, 12.5),           # no pack size at all
    ("Ketamine 10g\nPrice 0.012 BTC per gram", 0.012, 0.012),
    ("Coke 5g $20 a gram", 20.0, 20.0), ("Joints! 10$ each, 1.1g or more", 10.0, 10.0),
    ("Xanax 2mg x 100\n$300", 300.0, 3.0),                                # a pack's price
    ("Coke 5g $100 ($20 per 100mg sample)", 100.0, 20.0),                 # "per 100mg": no unit
])
def test_a_price_of_one_unit_is_the_unit_price(extractor, text, price, unit_price):
    rec = extractor.extract({"id": "u:1", "text": text})
    assert (rec["price"], rec["unit_price"]) == (pytest.approx(price), pytest.approx(unit_price))


@pytest.mark.parametrize("text,price", [
    ("Xanax 2mg x 100 $300", 300.0),  # was 100: "100 $" read as an amount and its currency
    ("1.2G #4 $175", 175.0),          # Agora: was 4
    ("60 tabs Generic Phentermine 37,5 $125,00 K-25", 125.0),  # Agora: was 37.5
    ("Prix : 27,99 $", 27.99),        # a currency after the amount still is one
])
def test_a_symbol_before_a_digit_belongs_to_the_next_amount(extractor, text, price):
    assert extractor.extract({"id": "u:2", "text": text})["price"] == pytest.approx(price)


@pytest.mark.parametrize("text,origin,dest", [
    ("5G MDMA **DOMESTIC USA* FULL ESCROW\n$100", "US", ["US"]),           # Agora titles
    ("1g USA domestic amber/clear Methylone", "US", ["US"]),
    ("Ships from: Ireland\nShips to: domestic only due to fe.\n0.2 cocaine", "IE", ["IE"]),
    ("Ships from: Germany\nNur Inlandsversand\nSpeed 10g 50€", "DE", ["DE"]),
    # negated; ", from Canada" is a clause of its own: the origin
    ("Xanax 2mg x 10 - no domestic shipping, from Canada", "CA", []),
    ("Ships from: Europe\nShips to: domestic\nXanax 2mg x 10", "EU", []),  # a region: no country
])
def test_domestic_keeps_the_route_in_the_origin(extractor, text, origin, dest):
    rec = extractor.extract({"id": "d:1", "text": text})
    assert (rec["ship_from"], rec["ship_to"]) == (origin, dest)


def test_domestic_in_a_crawler_field(extractor):
    rec = extractor.extract({"id": "d:2", "text": "Speed 10g",
                             "fields": {"ships_from": "USA", "ships_to": "DOMESTIC ONLY"}})
    assert (rec["ship_from"], rec["ship_to"]) == ("US", ["US"])


@pytest.mark.parametrize("text,dest", [
    ("Roxy 30s\n📦 Ships USA only 🇺🇸", ["US"]), ("Xanax 2mg x 10. We ship UK & EU only.", ["GB", "EU"]),
    ("Xanax 2mg x 10. Ships same day only.", []),
])
def test_ships_places_only(extractor, text, dest):
    assert extractor.extract({"id": "s:1", "text": text})["ship_to"] == dest


@pytest.mark.parametrize("text,price,currency,count", [
    ("Roxy 30s\n10 for $250 | 50 for $1000 | 100 for $1800", 250.0, "USD", 10.0),
    ("Diazepam 10mg – 100 for £40\nZopiclone 7.5mg – 28 for £20", 40.0, "GBP", 100.0),
    ("Heroin #3 brown 5g\n0.0123 BTC (≈ $450)", 450.0, "USD", None),  # fiat beside the coin
    ("Cocaine 1kg brick 90% pure - $28k - ships from Colombia", 28000.0, "USD", None),
])
def test_tiered_prices_brackets_and_thousands(extractor, text, price, currency, count):
    rec = extractor.extract({"id": "p:1", "text": text})
    assert (rec["price"], rec["currency"]) == (price, currency)
    if count is not None:
        assert rec["quantity"] == {"value": count, "unit": "unit"}


@pytest.mark.parametrize("text,kind,value", [
    ("blues $25 each. text or snap: bluesman416. no lowballers", "snapchat", "bluesman416"),
    ("IG: @pharma.uk", "instagram", "pharma.uk"), ("kik me @pillman99", "kik", "pillman99"),
    ("Discord: pillman#1234", "discord", "pillman#1234"),
])
def test_classified_messengers(extractor, text, kind, value):
    rec = extractor.extract({"id": "c:1", "text": "Percs 30s for sale\n" + text})
    assert {"kind": kind, "value": value} in rec["contacts"]


@pytest.mark.parametrize("text", ["insta-ship today, Xanax 2mg", "snapchat me at x@gmail.com"])
def test_messenger_words_without_a_handle(extractor, text):
    kinds = {c["kind"] for c in extractor.extract({"id": "c:2", "text": text})["contacts"]}
    assert not kinds & {"snapchat", "instagram"}


def test_a_definition_list_ends_a_destination_list_at_the_next_label(extractor):
    html = ("<h2 class='listing-name'>Ketamine HCl shards 5g</h2><dl>"
            "<dt>Vendor</dt><dd><a href='/vendors/k_hole_king'>k_hole_king</a></dd>"
            "<dt>Ships From</dt><dd>United Kingdom</dd><dt>Ships To</dt><dd>Worldwide</dd>"
            "<dt>Price</dt><dd>£95.00</dd><dt>Stock</dt><dd>12</dd></dl>"
            "<p>Lab tested. Next day UK delivery.</p>")
    rec = extractor.extract({"id": "dl:1", "html": html})
    assert (rec["seller"], rec["ship_from"], rec["ship_to"]) == ("k_hole_king", "GB", ["WW"])
    assert (rec["price"], rec["currency"]) == (95.0, "GBP")


@pytest.mark.parametrize("text,grams", [
    ("1/8 oz OG Kush - top shelf", 3.5437), ("1/8oz.GuavaChemDawg", 3.5437),  # was 8 oz
    ("½ oz kush", 14.1747), ("1/4g (250mg) RAW UNCUT #4", 0.25), ("3.5g (1/8 oz)", 3.5),
])
def test_fractions_of_a_unit_of_mass(text, grams):
    assert quantity(text) == {"value": grams, "unit": "g"}


def test_a_short_site_title_gives_way_to_the_product_heading(extractor):
    html = ("<html><head><title>Silk Road 2.0</title></head><body>"
            "<div class='item_title'>1/8 oz OG Kush - top shelf</div><div>$55.00</div></body></html>")
    assert extractor.extract({"id": "sr:1", "html": html})["title"] == "1/8 oz OG Kush - top shelf"


_PACKS = """<h1>Modafinil 200mg (Modvigil)</h1>
<table class="prices"><thead><tr><th>Package</th><th>{unit_head}</th><th>Price</th><th></th></tr></thead>
<tbody><tr><td>30 pills</td><td>$1.50</td><td>$45.00</td><td><button>Add to cart</button></td></tr>
<tr><td>60 pills</td><td>$1.25</td><td>$75.00</td><td><button>Add to cart</button></td></tr></tbody>
</table><p>Shipped from India by registered airmail.</p>"""


@pytest.mark.parametrize("unit_head", ["Per pill", "Price per pill", "Each", "Pill price"])
def test_a_pack_price_table_gives_the_first_packs_price(extractor, unit_head):
    rec = extractor.extract({"id": "rx:1", "html": _PACKS.format(unit_head=unit_head)})
    assert (rec["price"], rec["currency"], rec["quantity"]["value"]) == (45.0, "USD", 30.0)
    assert rec["unit_price"] == pytest.approx(1.5)  # the text's first amount was the per-pill one


def test_a_table_without_a_per_unit_column_is_read_as_text(extractor):
    html = _PACKS.format(unit_head="Savings").replace("$1.50", "10%").replace("$1.25", "15%")
    assert extractor.extract({"id": "rx:2", "html": html})["price"] == 45.0
    broken = "<table><tr><th>Per pill</th><th>Price</th></tr><tr><td>$1</td></tr></table>$9"
    assert extractor.extract({"id": "rx:3", "html": broken})["price"] == 1.0  # no price cell


@pytest.mark.parametrize("title,inn", [
    ("Mandy crystals 1g 84%", "mdma"), ("Hydros 10/325 x 30", "hydrocodone"),
    ("Oxynorm 20mg x 28", "oxycodone"), ("Targin 40/20 x 30", "oxycodone"),
    ("Actiq 800mcg lollipops x 3", "fentanyl"), ("Dexies 10mg x 50", "amphetamine"),
    ("Purple drank / sizzurp 8oz", "codeine"), ("Pilze 10g getrocknet", "psilocybin"),
    ("Champignons magiques 10g", "psilocybin"), ("Paddos 10g", "psilocybin"),
    ("Hasj 10g", "cannabis"), ("Hierba 10g indoor", "cannabis"), ("Perico 1g", "cocaine"),
    ("Coca 1g 90%", "cocaine"), ("Хмурый 1г", "heroin"), ("Соль альфа-PVP 1г", "alpha-pvp"),
    # newer substances and their street names
    ("Tranq dope 1g", "xylazine"), ("N-pyrrolidino etonitazene 1g", "etonitazepyne"),
    ("Etonitazene 100mg", "etonitazene"), ("28g / 1oz - Kratom (Green Malay)", "mitragynine"),
    ("O-DSMT 100mg pellets", "o-desmethyltramadol"), ("2-FDCK 5g", "2-fluorodeschloroketamine"),
    ("HHC vape 1ml", "hexahydrocannabinol"), ("Delta-8 gummies", "delta-8-thc"),
])
def test_brands_and_street_names_of_more_markets(extractor, title, inn):
    rec = extractor.extract({"id": "n:1", "text": "", "fields": {"title": title}})
    assert [d["inn"] for d in rec["drugs"]] == [inn] and rec["is_drug_listing"]


@pytest.mark.parametrize("title", ["Mandy Moore poster", "Coca-Cola glass bottle", "Pilze Kochbuch",
                                   "Hierba buena tea bags", "Tranquility tea 100g",
                                   "HHC Holdings annual report"])
def test_those_names_need_their_context(extractor, title):
    assert extractor.extract({"id": "n:2", "text": "", "fields": {"title": title}})["drugs"] == []


@pytest.mark.parametrize("lines,seller", [
    ("Other listings from this vendor: Ketamine 10g", None),   # a menu, not a label
    ("More from the same seller: BarsKing", None),
    ("Seller\nBarsKing (Level 5)", "BarsKing"),                # table cells read as lines
    ("Seller\nDutchDelight [120 sales]", "DutchDelight"),
])
def test_seller_labels_in_menus_and_table_cells(extractor, lines, seller):
    rec = extractor.extract({"id": "x:1", "text": "Xanax 2mg x 10\n" + lines})
    assert rec["seller"] == seller


@pytest.mark.parametrize("markup,price,currency", [
    ('<span class="amount">85.00</span> <span class="cur">EUR</span>', 85.0, "EUR"),
    ("<b>Price:</b><div><span>USD</span><span> 120</span></div>", 120.0, "USD"),
    ("<del>$300.00</del> <ins>$250.00</ins>", 250.0, "USD"),  # struck out: no longer asked
    ("<s>$300.00</s> $250.00 (Sale!)", 250.0, "USD"), ("<strike>€90</strike> €75", 75.0, "EUR"),
    ("<p>Was: £45.00 Now: £35.00</p>", 35.0, "GBP"), ("<p>RRP $60, ours $45</p>", 45.0, "USD"),
    ("<p>statt 45 € nur 39 €</p>", 39.0, "EUR"), ("<p>Was $20</p>", 20.0, "USD"),  # nothing after it
])
def test_prices_marked_up_apart_struck_out_or_reduced(extractor, markup, price, currency):
    rec = extractor.extract({"id": "m:1", "html": f"<h1>Cocaine 1g</h1><div>{markup}</div>"})
    assert (rec["price"], rec["currency"]) == (price, currency)


def test_inline_from_and_to_labels_read_as_lines(extractor):
    html = "<h1>LSD 10 tabs</h1><div><b>From:</b> Canada <b>To:</b> Worldwide</div><p>$120</p>"
    rec = extractor.extract({"id": "m:2", "html": html})
    assert (rec["ship_from"], rec["ship_to"]) == ("CA", ["WW"])


def test_quantity_and_usd_lines_are_not_one_price():
    from nlp.fields import parse_money
    assert parse_money("Qty\n10\nUSD 120") == (120.0, "USD")  # "USD" is not 10's currency
    assert parse_money("Stock: 10\nUSD price below") == (None, None)


@pytest.mark.parametrize("line,seller", [
    ("Продавец: ХимикМСК", "ХимикМСК"), ("Vendor: Владелец_Аптеки", "Владелец_Аптеки"),
    ("Vendor: 💊PillKing💊", "PillKing"), ("Vendor: ✅ BenzoBoss", "BenzoBoss"),
    ("Seller: 'BenzoBoss'", "BenzoBoss"), ("Vendor: «BenzoBoss»", "BenzoBoss"),
    ("Vendor:\n\nBenzoBoss", "BenzoBoss"),
    ("Продавец: проверенный", None),  # "verified": a word, not a name
])
def test_handles_in_other_scripts_quotes_and_emoji(extractor, line, seller):
    assert extractor.extract({"id": "s:1", "text": "Xanax 2mg x 10\n" + line})["seller"] == seller


@pytest.mark.parametrize("text,phone", [
    ("Percs 30s\nLocation: Toronto, ON\ntext 647-555-0142", "+16475550142"),
    ("Percs 30s\nLocation: Toronto, ON\ncall/text (647) 555-0142", "+16475550142"),
    ("Xanax bars\nShips from: USA\nText me at 212 555 0199", "+12125550199"),
    ("Xanax\nShips from: Germany\nCall 2125550199", None),  # no trunk prefix: not German
    ("Xanax\nShips from: USA\nOrder 2125550199 shipped", None),  # no phone word
])
def test_north_american_numbers_after_a_phone_word(extractor, text, phone):
    phones = [c["value"] for c in extractor.extract({"id": "p:1", "text": text})["contacts"]]
    assert phones == ([phone] if phone else [])


@pytest.mark.parametrize("date,usd", [
    ("2017-07-15", 125.0), ("15.07.2017", 125.0), ("Jul 15, 2017", 125.0),
    ("15 juillet 2017", 125.0), (1500100000, 125.0),  # a Unix time in July 2017
    ("3 days ago", None), ("garbage", None),  # given but unreadable: no USD at a wrong rate
])
def test_listing_dates_as_people_write_them(extractor, date, usd):
    rec = extractor.extract({"id": "d:1", "date": date, "text": "Xanax 2mg x 100\nPrice: 0.05 BTC"})
    assert rec["price_usd"] == (pytest.approx(usd) if usd else None)
    assert (rec["price"], rec["currency"]) == (0.05, "BTC")  # the price itself is kept


@pytest.mark.parametrize("line,dest", [
    ("Ships only to UK", ["GB"]), ("Shipping only to EU countries", ["EU"]),
    ("Versand nur nach Deutschland", ["DE"]), ("Versand nur innerhalb Deutschlands", ["DE"]),
    ("Versand nur DACH", ["DE", "AT", "CH"]), ("Envíos solo a España", ["ES"]),
    ("Доставка только по Україна", ["UA"]), ("Versand nur mit DHL", []),
])
def test_only_to_and_more_place_names(extractor, line, dest):
    assert extractor.extract({"id": "o:1", "text": "Xanax 2mg x 10\n" + line})["ship_to"] == dest


def test_a_polish_route_with_genitive_names(extractor):
    rec = extractor.extract({"id": "o:2", "text": "Mefedron 4-MMC 10g — 450 zł — wysyłka z Polski "
                                                  "do całej UE"})
    assert (rec["ship_from"], rec["ship_to"], rec["price"], rec["currency"]) == ("PL", ["EU"], 450.0, "PLN")


@pytest.mark.parametrize("title", [
    "Pill press TDP-5 with xanax bar die", "Xanax bar mold/die for TDP",
    "Cocaine cutting agent (inositol) 1kg", "Fake Pfizer xanax boxes (empty packaging)",
    "Nicotine vape juice 50ml",
])
def test_the_trades_equipment_and_packaging_are_no_drug_offers(extractor, title):
    assert extractor.extract({"id": "e:1", "text": "", "fields": {"title": title}})["is_drug_listing"] is False


@pytest.mark.parametrize("title,inns", [
    ("CBD oil 10% 10ml", ["cannabidiol"]), ("CBD capsules 6 x 60mg sample", ["cannabidiol"]),
    ("High CBD Harlequin 4oz", ["cannabis"]),  # a strain high in CBD is still the plant
    ("Xanax 2mg Pfizer in original packaging x 30", ["alprazolam"]),
])
def test_cbd_products_are_not_the_controlled_plant(extractor, title, inns):
    rec = extractor.extract({"id": "e:2", "text": "", "fields": {"title": title}})
    assert [d["inn"] for d in rec["drugs"]] == inns and rec["is_drug_listing"]
    assert all(d["controlled"] is (d["inn"] == "cannabis") for d in rec["drugs"] if "cann" in d["inn"])


@pytest.mark.parametrize("text,value,unit", [
    ("Codeine 10x30mg |EU Pharma|", 10.0, "unit"), ("Tramadol 50mg 3x10 tabs", 30.0, "unit"),
    ("2 x 28 tablets", 56.0, "unit"), ("1 x 10 Tablet Blister Pack (10 Tabs)", 10.0, "unit"),
    ("100 x 25i-NBOME 1200ug Blotters", 100.0, "unit"),  # "25i" is the drug's name: no 2,500
    ("20 x 2-CB - Green Atari - 16mg", 20.0, "unit"), ("2x 200+mg Yellow Warner Bros", 2.0, "unit"),
    ("Alprazolam 2mg 10 blisters of 10", 100.0, "unit"), ("Codein 30mg 20 Tbl.", 20.0, "unit"),
    ("Testocyp 250 10 x 1 amp of 1ml", 10.0, "unit"),
    ("QP of Blue Dream", 113.398, "g"), ("1 Zip of loud", 28.3495, "g"), ("8th of Green Crack", 3.5437, "g"),
    ("half oz indoor organic", 14.1747, "g"),
])
def test_pack_arithmetic_and_the_trades_weights(text, value, unit):
    assert quantity(text) == {"value": value, "unit": unit}


@pytest.mark.parametrize("text", ["Fresh Dumps - zip code valid", "Cheeba Chew, Indica Quad Dose",
                                  "Secrets of Methamphetamine Manufacture 8th edition"])
def test_words_that_only_look_like_weights(text):
    assert quantity(text) is None


@pytest.mark.parametrize("text,value", [
    ("Paracetamol 1.000 mg", 1000.0), ("Metformin 1,000mg x 100", 1000.0),
    ("25i-NBOMe HCL Blotters (1,200ug)", 1200.0), ("Halcion 0.125 mg", 0.125), ("Xanax 0,5 mg", 0.5),
])
def test_a_dose_with_a_thousands_mark(text, value):
    from nlp.details import strength
    assert strength(text)["value"] == value


@pytest.mark.parametrize("text,price,currency", [
    ("mBTC 10", 0.01, "BTC"), ("Price: 25 mBTC", 0.025, "BTC"),  # was 10 and None: never 10 BTC
    ("AU$ 50", 50.0, "AUD"), ("NZ$ 40", 40.0, "NZD"), ("C$ 30", 30.0, "CAD"),  # were US dollars
    ("Preis: 50,- €", 50.0, "EUR"), ("CHF 50.-", 50.0, "CHF"), ("50 bucks", 50.0, "USD"),
    ("500 SEK", 500.0, "SEK"), ("1000 Kč", 1000.0, "CZK"), ("₹2000", 2000.0, "INR"),
    ("Rs. 2000", 2000.0, "INR"), ("Shipping $10, item $50", 50.0, "USD"),
    ("$20.00 (+$5 shipping)", 20.0, "USD"),
])
def test_more_currencies_and_ways_of_writing_them(text, price, currency):
    from nlp.fields import parse_money
    assert parse_money(text) == (pytest.approx(price), currency)


@pytest.mark.parametrize("text", ["TAG Heuer Grand Carrera Calibre 36 RS [AAA+]", "open 24 hours 7 days"])
def test_letters_that_only_look_like_a_currency(text):
    from nlp.fields import parse_money
    assert parse_money(text) == (None, None)


def test_new_currencies_convert_at_the_listings_date(extractor):
    rec = extractor.extract({"id": "c:1", "date": "2019-05-01", "text": "Modafinil 200mg\nRs. 2000"})
    assert (rec["price"], rec["currency"], rec["price_usd"]) == (2000.0, "INR", pytest.approx(28.4))


@pytest.mark.parametrize("line,origin,dest,excluded", [
    ("Ships from: Texas", "US", [], []), ("Ships from: Cali", "US", [], []),
    ("Ships from: Ontario\nShips to: Canada only", "CA", ["CA"], []),
    ("Ships from: Queensland", "AU", [], []),
    ("Ships from: West of the Mississippi", "US", [], []),  # Agora: the gold says US
    ("Ships from: Georgia", "GE", [], []),  # the country, not the state
    ("Ships from: Victoria", None, [], []),  # a name before it is a state
    ("Ships to: all countries except USA & Canada", None, ["WW"], ["US", "CA"]),
    ("Ships to: ALL Countries", None, ["WW"], []),
])
def test_states_provinces_and_all_countries(extractor, line, origin, dest, excluded):
    rec = extractor.extract({"id": "s:1", "text": "Xanax 2mg x 10\n" + line})
    assert (rec["ship_from"], rec["ship_to"], rec["ship_to_exclusions"]) == (origin, dest, excluded)


@pytest.mark.parametrize("text,lang,seller,origin,dest,price", [
    ("Subutex 8mg x 7\nMyyjä: SuomiPharma\nLähetetään maasta: Suomi\nToimitus: Suomi\nHinta: 280 €",
     "fi", "SuomiPharma", "FI", ["FI"], (280.0, "EUR")),
    ("Amfetamiini 10g\nMyyjä: SpeedFin\nLähtömaa: Suomi\nToimitus koko Suomeen\nHinta: 150 €",
     "fi", "SpeedFin", "FI", ["FI"], (150.0, "EUR")),
    ("Kokain 1g\nSäljare: StockholmSnow\nSkickas från: Sverige\nSkickas till: Sverige\nPris: 900 SEK",
     "sv", "StockholmSnow", "SE", ["SE"], (900.0, "SEK")),
    ("Hasch 10g\nSkickas från Sverige till hela Norden\nPris: 1200 SEK",
     "sv", None, "SE", ["DK", "FI", "IS", "NO", "SE"], (1200.0, "SEK")),
    ("Alprazolam 1mg x 20\nSendes fra: Norge\nPris: 500 NOK", None, None, "NO", [], (500.0, "NOK")),
])
def test_nordic_markets(extractor, text, lang, seller, origin, dest, price):
    rec = extractor.extract({"id": "n:1", "text": text})
    if lang:
        assert rec["language"] == lang
    assert (rec["seller"], rec["ship_from"], rec["ship_to"]) == (seller, origin, dest)
    assert (rec["price"], rec["currency"]) == price
