"""General rules for pages of markets the project has no config for, found with synthetic pages
in the layouts of Silk Road, Evolution, Torrez, ASAP, Kingdom, Flugsvamp, a phpBB forum, a
Telegram channel and Russian, French and Dutch shops (session 20; the whole pages are in
tests/fixtures/nlp/generic_pages). Each case was extracted wrongly before its rule; the controls
beside each rule show what it must leave alone."""

from __future__ import annotations

import pytest

from nlp.fields import money_in
from nlp.html import parse_page


def _page(extractor, html: str) -> dict:
    return extractor.extract({"id": "p:1", "html": html})


_NAV = ("<div class='nav'><ul><li>Cannabis (412)</li><li>Herbe (260)</li><li>Résine (152)</li>"
        "<li>Dissociatives (840)</li><li>Steroids (1 005)</li></ul></div>")


@pytest.mark.parametrize("body,seller", [
    # a category list with counts is no seller's rating line, and a labelled seller beats a
    # lone "Name (58)" line ("Avis (58)": reviews)
    (_NAV + "<h1>Cocaïne 1g</h1><p>Vendeur : <a href='/vendeur/PetitPrince_FR'>PetitPrince_FR</a>"
            "</p><p>75,00 €</p><h2>Avis (58)</h2>", "PetitPrince_FR"),
    (_NAV + "<h1>Meth 1g</h1><p>Vendor: OzShardLord</p><p>AUD 320.00</p>", "OzShardLord"),
    # controls: a rating line alone still names the seller
    ("<h1>Xanax 2mg x 10</h1><p>pillking (97%)</p><p>$45</p>", "pillking"),
    ("<h1>Xanax 2mg x 10</h1><p>pillking (1203)</p><p>$45</p>", "pillking"),
])
def test_menu_counts_are_no_rating_line(extractor, body, seller):
    assert _page(extractor, f"<html><body>{body}</body></html>")["seller"] == seller


def test_a_profile_link_names_the_seller_as_the_page_writes_it(extractor):
    html = ("<html><body><h1>Мефедрон кристалл 1г</h1><a href='/shop/zefirka'>Магазин ZEFIRKA</a>"
            "<p>2 500 ₽</p></body></html>")
    assert _page(extractor, html)["seller"] == "ZEFIRKA"


def test_a_telegram_channel_is_its_seller(extractor):
    html = ("<html><head><title>Dutch Candy Shop NL – Telegram</title></head><body>"
            "<div>Telegram</div><a href='https://t.me/dutchcandyshop'>@dutchcandyshop</a>"
            "<div>Cocaine 1g €60 | MDMA 5g €40</div><div>🔐 Backup Threema: 9ZH4TX2M</div>"
            "<a href='https://t.me/dutchcandyshop'>Dutch Candy Shop NL</a>"
            "<a href='https://t.me/dutchcandyshop/112'>18:12</a></body></html>")
    rec = _page(extractor, html)
    assert (rec["seller"], rec["title"]) == ("dutchcandyshop", "Dutch Candy Shop NL")


@pytest.mark.parametrize("html,title", [
    # a short <title> the header line begins with is the site's name: the <h2> names the listing
    ("<title>Silk Road</title><body><div>Silk Road anonymous marketplace</div>"
     "<div>Featured: 5g Afghan #1 heroin ฿4.90</div><h2>7g Cheese Skunk - top shelf UK canabis</h2>"
     "<p>sold by BritishBud</p></body>", "7g Cheese Skunk - top shelf UK canabis"),
    # an <h1> that is the header and ends the <title>: the heading the <title> holds
    ("<title>[WTS] Mephedrone 5g - Vendor Shops - EuroChem Vendor Forum</title><body>"
     "<h1>EuroChem Vendor Forum</h1><h2 class='topic-title'>[WTS] Mephedrone 5g</h2><p>by x</p>"
     "</body>", "[WTS] Mephedrone 5g"),
    # a <title> cut short: the heading that goes on after it
    ("<title>ASAP Market - 10 x Oxycodone 30mg M-Box</title><body><div>ASAP</div>"
     "<h2>10 x Oxycodone 30mg M-Box | Pharma Grade | AU Domestic</h2></body>",
     "10 x Oxycodone 30mg M-Box | Pharma Grade | AU Domestic"),
    # an emoji before the header's site name; an en dash between the <title>'s parts
    ("<title>Flugsvamp 3.0 – Tjack 5g</title><body><div>🍄 Flugsvamp 3.0</div><p>Tjack 5g</p></body>",
     "Tjack 5g"),
    # controls: a page that opens with its product heading keeps it; a product <title> before
    # the shop's name keeps the product
    ("<title>Versus Project</title><body><h1>Ketamine Needles 5g</h1><p>€ 28.00</p></body>",
     "Ketamine Needles 5g"),
    ("<title>Alprazolam 2mg – Farmacia Online</title><body><h1>Alprazolam 2mg</h1></body>",
     "Alprazolam 2mg"),
])
def test_titles_that_are_the_site(html, title):
    assert parse_page(f"<html>{html}</html>").title == title


@pytest.mark.parametrize("body,price,currency", [
    # a featured box before the listing: the price line after the listing's own heading
    ("<div>Featured:</div><div>10 tabs LSD 200ug</div><div>฿1.12</div><h2>7g Cheese Skunk UK</h2>"
     "<div>sold by BritishBud</div><div>฿0.93</div>", 0.93, "BTC"),
    # a coin amount over its fiat one in brackets
    ("<h1>20 x Xanax 2mg Bars</h1><div>0.26310000 BTC</div><div>($97.35)</div>", 97.35, "USD"),
    # a per-unit price after a cue gives way to the listing's price line
    ("<h1>XTC pillen 200mg - 50 stuks</h1><div>€ 125,00</div><div>Prijs per pil: € 2,50</div>",
     125.0, "EUR"),
    # which dollars
    ("<h1>Klonopin 1mg x 30</h1><div class='price'>$150.00 CAD</div>", 150.0, "CAD"),
])
def test_the_listings_own_price(extractor, body, price, currency):
    rec = _page(extractor, f"<html><body>{body}</body></html>")
    assert (rec["price"], rec["currency"]) == (price, currency)


@pytest.mark.parametrize("text,price,currency", [
    # crowns, told apart by the listing's origin
    ("Ships from: Sweden\nXanor 1mg x 20\n250 kr", 250.0, "SEK"),
    ("Ships from: Norway\nSpeed 10g 1500,- kr", 1500.0, "NOK"),
    ("Ships from: Denmark\nKokain 1g 600 kr.", 600.0, "DKK"),
    ("Ships from: Sweden\nKokain 1g 900:-", 900.0, "SEK"),
    # a shipping fee in crowns is no price
    ("Skickas från: Sverige\nTjack 5g\nFrakt: 79 kr\nPris: 1 000 kr", 1000.0, "SEK"),
    # control: crowns of no known country are no price
    ("Ships from: Germany\nSpeed 10g 50 kr", None, None),
])
def test_crowns(extractor, text, price, currency):
    rec = extractor.extract({"id": "t:1", "text": text})
    assert (rec["price"], rec["currency"]) == (price, currency)


@pytest.mark.parametrize("text,dest,excluded", [
    # a buyer's question names no destination
    ("Shipping from Poland to all EU.\nReply: Do you ship to the UK after Brexit? Got a festival "
     "in Croatia", ["EU"], []),
    # exclusions after the origin
    ("We ship worldwide from India (except UAE and Saudi Arabia due to customs).", ["WW"], ["AE", "SA"]),
    # a dead-drop shop's city: it sells where it hides the drops
    ("Мефедрон 1г\nГород: Москва\nТип клада: магнит", ["RU"], []),
    # controls
    ("We ship to UK, EU. Questions? PM me. Xanax 2mg", ["GB", "EU"], []),
    ("Ships from: Russia\nКупить мефедрон", [], []),
    ("Гашиш 5г, отправка из Германии, без кладов", [], []),
    ("Shipping from Germany, no dead drops. Hash 5g", [], []),
])
def test_destinations(extractor, text, dest, excluded):
    rec = extractor.extract({"id": "t:1", "text": text})
    assert (rec["ship_to"], rec["ship_to_exclusions"]) == (dest, excluded)


@pytest.mark.parametrize("text,handle", [
    ("Operator: @zefir_operator\n(Telegram)", "zefir_operator"),
    ("Contact @benzo_uk [TG] for prices", "benzo_uk"),
])
def test_a_handle_with_its_messenger_after_it(extractor, text, handle):
    contacts = extractor.extract({"id": "t:1", "text": text})["contacts"]
    assert {"kind": "telegram", "value": handle} in contacts


def test_no_messenger_after_it_is_no_contact(extractor):
    assert extractor.extract({"id": "t:1", "text": "@someone (telegraph)"})["contacts"] == []


@pytest.mark.parametrize("text,expected", [
    ("$150 AUD", (150.0, "AUD")),
    ("$150", (150.0, "USD")),
    ("$150 USD", (150.0, "USD")),
])
def test_a_code_after_a_dollar_amount(text, expected):
    found = money_in(text)
    assert (found.amount, found.currency) == expected


@pytest.mark.parametrize("html,title", [
    # the <title> adds the site, a section or a city before or after what a heading shows
    ("<title>[US-US] Pressed M30s – tested : BlueSkyRx</title><body><div>dread</div>"
     "<h2>[US-US] Pressed M30s – tested</h2></body>", "[US-US] Pressed M30s – tested"),
    ("<title>Vice City :: 10x OxyContin 80mg OP</title><body><div>Vice</div>"
     "<h2>10x OxyContin 80mg OP</h2></body>", "10x OxyContin 80mg OP"),
    ("<title>Ozempic pens 1mg – no prescription - health &amp; beauty - Toronto | Hub.ca</title>"
     "<body><div>CH</div><h1>Ozempic pens 1mg – no prescription <span>$250</span></h1></body>",
     "Ozempic pens 1mg – no prescription"),
    ("<title>[Verkauf] Tesla Pillen 250mg - Marktplatz - DiDW Forum</title><body>"
     "<h1>Deutschland im Deep Web</h1><h3>[Verkauf] Tesla Pillen 250mg</h3></body>",
     "[Verkauf] Tesla Pillen 250mg"),
    # no heading at all: the longest of Bootstrap's card headers
    ("<title>Wall Street Market</title><body><div class='card-header'>Categories</div>"
     "<div class='card-header'>10x 50€ Banknotes - Grade A+ Counterfeit</div>"
     "<div class='card-header'>Vendor's other items</div></body>",
     "10x 50€ Banknotes - Grade A+ Counterfeit"),
    # control: a heading that only starts like the <title>, no separator after it, keeps the
    # whole <title>
    ("<title>Xanax 2mg Pfizer x 30</title><body><div>Shop</div><h2>Xanax 2mg</h2></body>",
     "Xanax 2mg Pfizer x 30"),
])
def test_titles_that_add_the_site(html, title):
    assert parse_page(f"<html>{html}</html>").title == title


def test_a_forum_posts_author_is_the_seller(extractor):
    html = ("<html><body><h1>DiDW</h1><h3>[Verkauf] Tesla Pillen 250mg</h3><p>Verfasst von "
            "XTC_Kurier</p><p>Threema: K8P4TX2N</p><p>Preis: 10 Stück 50 €</p></body></html>")
    assert _page(extractor, html)["seller"] == "XTC_Kurier"


@pytest.mark.parametrize("body,price,currency", [
    # a struck-out price marked by its class
    ("<h1>Tapentadol 100mg</h1><ul><li><span class='price-old'>$159.00</span></li>"
     "<li>$129.00</li></ul>", 129.0, "USD"),
    # a sidebar of bestsellers under a menu that names the product: the price after its heading
    ("<ul><li>Tapentadol 100mg (Aspadol)</li></ul><div>Bestsellers</div><div>Tramadol 100mg</div>"
     "<div>$99.00</div><h1>Tapentadol 100mg (Aspadol)</h1><div>$129.00</div>", 129.0, "USD"),
    # a symbol's amount followed by its code is a price line
    ("<div>More: 7g Haze</div><div>£70.00</div><h1>3.5g Gelato 41 Kush</h1><div>£45.00 GBP</div>",
     45.0, "GBP"),
    ("<h1>10x OxyContin 80mg OP</h1><div>$ 650.00 USD</div><div>3.9140 XMR</div>", 650.0, "USD"),
    # the visitor's wallet and the market's exchange rates are no price
    ("<div>Wallet: 0.0127 BTC</div><h1>Speed Paste 65% Amfetamine (Uncut)</h1>"
     "<div>1 g — 0.0041 BTC</div>", 0.0041, "BTC"),
    ("<div>XMR Price</div><div>1 XMR = 178.27 USD</div><h1>10 x 200ug LSD Tabs</h1>"
     "<div>Price</div><div>0.5183 XMR</div><div>(92.40 USD)</div>", 92.4, "USD"),
])
def test_more_of_the_listings_own_price(extractor, body, price, currency):
    rec = _page(extractor, f"<html><body>{body}</body></html>")
    assert (rec["price"], rec["currency"]) == (price, currency)


@pytest.mark.parametrize("text,expected", [
    ("BTC $ 47,230.11", (None, None)),
    ("1 BTC = $370.02 USD · €291.55 EUR\nXanax $45", (45.0, "USD")),
    ("Cocaine 1g = $80", (80.0, "USD")),
])
def test_exchange_rates_are_no_price(text, expected):
    found = money_in(text, prefer_fiat=True)
    assert (found.amount, found.currency) == expected


@pytest.mark.parametrize("text,dest,excluded", [
    # exclusions in more languages; a region without the country it leaves out
    ("Spedizione verso: Europa (esclusa Svezia)\nCocaina 1g", ["EU"], ["SE"]),
    ("Envio para: Europa, exceto Portugal\nMDMA 1g", ["EU"], ["PT"]),
    ("Skickas till: Norden utom Finland\nTjack 5g", ["DK", "IS", "NO", "SE"], ["FI"]),
    ("Ships to: Scandinavia except Norway\nMDMA 1g", ["DK", "SE"], ["NO"]),
    # a list that goes on over lines, each but the last ending with a comma
    ("Shipping To\nItaly, Germany, France, Spain, Austria, Belgium,\nNetherlands, Switzerland,\n"
     "United Kingdom\nshow all", ["IT", "DE", "FR", "ES", "AT", "BE", "NL", "CH", "GB"], []),
    # controls
    ("Ships to: USA (excluding Alaska, Hawaii)\nXanax", ["US"], []),
    ("Ships to: Germany, Austria\nDescription: the best in town, fast", ["DE", "AT"], []),
])
def test_more_destinations(extractor, text, dest, excluded):
    rec = extractor.extract({"id": "t:1", "text": text})
    assert (rec["ship_to"], rec["ship_to_exclusions"]) == (dest, excluded)


def test_italian_is_not_spanish(extractor):
    text = ("Cocaina 1g 90% Peruviana\nVenditore: NapoliConnection\nSpedizione da: Italia\n"
            "Spedizione verso: Europa\nPrezzo: € 70,00\nDescrizione\nRoccia peruviana, non tagliata, "
            "solo con Poste Italiane, una busta anonima al giorno.")
    assert extractor.extract({"id": "t:1", "text": text})["language"] == "it"


def test_a_session_id_alone(extractor):
    sid = "05a5c99d74f3b82f97e2fd2c389a1a9d7025d5bf8b186121b7aafc60113d08bda7"
    rec = extractor.extract({"id": "t:1", "text": f"Hit me up on Session for bulk:\n{sid}"})
    assert rec["contacts"] == [{"kind": "session", "value": sid}]
    # 64 hex digits (a hash) or a compressed key (02, 03) are none
    assert extractor.extract({"id": "t:2", "text": "tx 02" + sid[2:]})["contacts"] == []


@pytest.mark.parametrize("body,price,currency", [
    # a coin price with its fiat value after "≈" on the same line; a rate widget before it
    ("<div>Exchange rate</div><div>1 BTC = €27,952.38</div><h1>10g Amphetamin Paste 65%</h1>"
     "<div>0.0021 BTC ≈ €58.70</div>", 58.7, "EUR"),
    # a price per tablet after a cue gives way to the listing's price line (rupees read wide)
    ("<h1>Tramadol Hydrochloride Tablets 225mg</h1><div>₹ 950</div><div>/ Strip</div>"
     "<div>Get Latest Price</div><div>Export price: US$ 1.2 per tablet (FOB Mumbai)</div>",
     950.0, "INR"),
])
def test_prices_of_traders(extractor, body, price, currency):
    rec = _page(extractor, f"<html><body>{body}</body></html>")
    assert (rec["price"], rec["currency"]) == (price, currency)


@pytest.mark.parametrize("text,seller", [
    # a supplier's name alone on its line, as trade directories show it
    ("Protonitazene powder 99%\nWuhan Xinrunde Biotech Co., Ltd.\nCN · 3 yrs · Verified Supplier\n"
     "Contact: linda_xrd", "Wuhan Xinrunde Biotech Co., Ltd."),
    ("Tramadol 225mg\nShree Ganesh Pharma Exports\n📍 Andheri East, Mumbai", "Shree Ganesh Pharma Exports"),
    # a labelled seller comes first; a maker's name is no seller
    ("Tramadol 225mg\nVendor: pillking\nAcme Trading Co., Ltd.", "pillking"),
    ("Xanax 2mg\nSun Pharmaceuticals\n$50", None),
])
def test_a_suppliers_name(extractor, text, seller):
    assert extractor.extract({"id": "t:1", "text": text})["seller"] == seller


def test_export_to_names_destinations(extractor):
    text = "Tapal 225\n✔ Export to: USA, UK, Australia, Nigeria, Ghana"
    assert extractor.extract({"id": "t:1", "text": text})["ship_to"] == ["US", "GB", "AU", "NG", "GH"]


@pytest.mark.parametrize("text,expected", [
    ("0.0021 BTC ≈ €58.70", (58.7, "EUR")),
    ("XMR: €148.03", (None, None)),
    ("0.5 BTC $20000", (20000.0, "USD")),
])
def test_a_coin_amount_before_its_fiat_value_is_no_rate(text, expected):
    found = money_in(text, prefer_fiat=True)
    assert (found.amount, found.currency) == expected


def test_a_vendors_link_before_the_visitors(extractor):
    html = ("<html><body><a href='/user/cryptoNomad88'>cryptoNomad88</a> | Wallet: 0.003 BTC"
            "<h1>20x $50 Counterfeit Bills</h1><a href='/vendor/PrintKingCA'>PrintKingCA</a>"
            "<div>Vendor Level 5</div><div>USD 180.00</div></body></html>")
    assert _page(extractor, html)["seller"] == "PrintKingCA"


@pytest.mark.parametrize("html,title", [
    # the site before a separator, and a heading that goes on after the rest (dashes written apart)
    ("<title>Dark0de Reborn :: 20x $50 USD Counterfeit Bills - Grade AAA</title><body><div>Dark0de</div>"
     "<h1>20x $50 USD Counterfeit Bills – Grade AAA (UV &amp; Pen Pass)</h1></body>",
     "20x $50 USD Counterfeit Bills – Grade AAA (UV & Pen Pass)"),
    # the site's name dropped first, then the heading that goes on after the rest
    ("<title>DrugHub | Xannax 2mg Yellow School Bus Bars x100</title><body><div>DrugHub</div>"
     "<h1>Xannax 2mg Yellow School Bus Bars x100 (R039 press)</h1></body>",
     "Xannax 2mg Yellow School Bus Bars x100 (R039 press)"),
])
def test_more_titles_that_add_the_site(html, title):
    assert parse_page(f"<html>{html}</html>").title == title


@pytest.mark.parametrize("body,price,currency", [
    # the vendor's other sizes of the same product after the listing: its own heading is the
    # line that starts with the whole title
    ("<h1>Xannax 2mg Bars x100</h1><div>$185.00</div><div>1.1254 XMR</div><h3>Also from X</h3>"
     "<div>Xannax 2mg Bars x500</div><div>$720.00</div>", 185.0, "USD"),
    # a coin price over its fiat value after "≈" on the next line
    ("<h2>Champagne MDMA Crystals 86% - 3.5g</h2><div>0.7460 XMR</div><div>≈ $122.63</div>",
     122.63, "USD"),
])
def test_the_listings_price_among_its_siblings(extractor, body, price, currency):
    rec = _page(extractor, f"<html><body>{body}</body></html>")
    assert (rec["price"], rec["currency"]) == (price, currency)


@pytest.mark.parametrize("text,dest,excluded", [
    # an "Excluded" label under the destination
    ("Destination\nWorldwide\nExcluded\nUnited States, Australia", ["WW"], ["US", "AU"]),
    # a negated cue's places end with its clause; a cue's value with its sentence
    ("Ships to: Worldwide\nWe don't ship to the USA or Australia — customs too strict, sorry. "
     "Canada OK.", ["WW"], ["US", "AU"]),
    ("Ships worldwide. We dont ship to U.S. or Australia. Canada OK. MDMA 1g", ["WW"], ["US", "AU"]),
    # control: a hyphen does not end the value
    ("Ships to: Worldwide - Excluding USA\n1oz Master Kush", ["WW"], ["US"]),
])
def test_exclusions_in_their_clause(extractor, text, dest, excluded):
    rec = extractor.extract({"id": "t:1", "text": text})
    assert (rec["ship_to"], rec["ship_to_exclusions"]) == (dest, excluded)


@pytest.mark.parametrize("text,seller,contacts", [
    # a Russian shop names itself on its own line; Russian names of Telegram before a handle
    ("Магазин Питерский Кристалл\nАльфа-PVP 0.5г\nоператор в телеге @PiterKristall_op",
     "Питерский Кристалл", [{"kind": "telegram", "value": "piterkristall_op"}]),
    ("Гашиш 2г\nтг @shop_msk", "shop_msk", [{"kind": "telegram", "value": "shop_msk"}]),
    # a Threema id without its colon when it has a digit; "threema contact" is none
    ("Kontakt poza rynkiem: Threema 4HZ7MXKP", None, [{"kind": "threema", "value": "4HZ7MXKP"}]),
    ("ask for my threema contact", None, []),
])
def test_shop_lines_and_messengers(extractor, text, seller, contacts):
    rec = extractor.extract({"id": "t:1", "text": text})
    assert (rec["seller"], rec["contacts"]) == (seller, contacts)


@pytest.mark.parametrize("text,origin,dest,seller,language", [
    # Czech and Ukrainian cues and seller labels
    ("Pervitin 1g\nOdesíláme z: Česká republika\nDoručení: EU\nProdejce: BohemiaKrystal\n"
     "Zasíláme po celé EU, do ČR a SK obvykle do 2 dnů. Cena 1 200 Kč, vždy přesná váha, balíme do vakua.",
     "CZ", ["EU"], "BohemiaKrystal", "cs"),
    ("Амфетамін 1г\nДоставка з: Україна\nДоставка: по всій Україні\nПродавець: KyivChem",
     "UA", ["UA"], "KyivChem", "uk"),
])
def test_czech_and_ukrainian(extractor, text, origin, dest, seller, language):
    rec = extractor.extract({"id": "t:1", "text": text})
    assert (rec["ship_from"], rec["ship_to"], rec["seller"], rec["language"]) == (origin, dest, seller, language)


def test_a_menu_class_with_its_count_is_no_seller(extractor):
    text = "OUR MENU\nOpiates (6)\nOxycodone 30mg (A215)\n$25/ea\nDilaudid 8mg\n$35/ea"
    assert extractor.extract({"id": "t:1", "text": text})["seller"] is None


def test_a_shops_product_name_from_its_markup(extractor):
    html = ("<html><head><title>Buy Xanax 2mg Online – Fast Discreet Delivery</title>"
            "<script type='application/ld+json'>{\"@context\": \"https://schema.org\", \"@type\": "
            "\"Product\", \"name\": \"Xanax 2mg (Alprazolam) 60 tablets\", \"offers\": {\"@type\": "
            "\"Offer\", \"price\": \"189.00\", \"priceCurrency\": \"USD\", \"seller\": {\"@type\": "
            "\"Organization\", \"name\": \"MedsExpressRx\"}}}</script></head><body>"
            "<h1>Buy Xanax 2mg Online – Fast Discreet Delivery</h1><p>$189.00</p></body></html>")
    rec = _page(extractor, html)
    assert (rec["title"], rec["seller"], rec["price"]) == ("Xanax 2mg (Alprazolam) 60 tablets", "MedsExpressRx", 189.0)


@pytest.mark.parametrize("struck", ["<span style='text-decoration: line-through'>$1,450 MXN</span>",
                                    "<span class='tachado'>$1,450 MXN</span>"])
def test_a_price_struck_out_by_its_style(extractor, struck):
    html = f"<html><body><h1>Tafil 2mg caja 30</h1><div>{struck}<br>$1,200 MXN</div></body></html>"
    rec = _page(extractor, html)
    assert (rec["price"], rec["currency"]) == (1200.0, "MXN")


def test_a_shops_name_that_starts_the_title(extractor):
    html = ("<html><head><title>Lucky Charm Pharmacy – Oxycodone 30mg (A215) x 50</title></head>"
            "<body><h1>🍀 Lucky Charm Pharmacy</h1><h2>Oxycodone 30mg (A215) x 50</h2><p>$1,250 CAD</p>"
            "</body></html>")
    assert _page(extractor, html)["title"] == "Oxycodone 30mg (A215) x 50"
