"""A shop page's markup as extraction hints: its schema.org Product (JSON-LD) for seller and
price, and its pack price table for the price.

WooCommerce, Shopify and most shop themes describe the product they sell in a
`<script type="application/ld+json">` block (Yoast wraps it in an "@graph"): its offer names
the price, its currency and the shop selling it. A rogue pharmacy rarely labels its seller
("Vendor: ...") in the visible text; its markup does. What the crawler's config gives wins.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from pharmwatch.jsonld import first_product, parse_block

_SCRIPTS = etree.XPath("//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]")


def product_hints(html: str, root: etree._Element) -> dict[str, str]:
    """{"seller", "price", "title"} from the first schema.org Product with an offer; {} when the page
    has none, or only markup that does not parse (never an error: it is a hint)."""
    if "ld+json" not in html and "LD+JSON" not in html:  # C-speed: most pages have none
        return {}
    for script in _SCRIPTS(root):
        product = first_product(parse_block(script.text))
        if product is not None:
            hints = _offer_hints(product)
            if hints:
                return hints
    return {}


def _offer_hints(product: dict[str, Any]) -> dict[str, str]:
    offers = product.get("offers")
    offer = offers[0] if isinstance(offers, list) and offers else offers
    if not isinstance(offer, dict):
        return {}
    hints: dict[str, str] = {}
    price = offer.get("price", offer.get("lowPrice"))
    currency = offer.get("priceCurrency")
    amount = _amount(price)
    if amount is not None and isinstance(currency, str) and currency.strip():
        hints["price"] = f"{currency.strip()} {amount}"
    seller = offer.get("seller")
    name = seller.get("name") if isinstance(seller, dict) else seller
    if isinstance(name, str) and 1 < len(name.strip()) <= 80:
        hints["seller"] = " ".join(name.split())
    # the product's own name: a shop's <title> and heading sell it ("Buy Xanax 2mg Online - Fast
    # Discreet Delivery" for "Xanax 2mg (Alprazolam) 60 tablets")
    title = product.get("name")
    if hints and isinstance(title, str) and 2 < len(title.strip()) <= 200:
        hints["title"] = " ".join(title.split())
    return hints


_THREE_DECIMALS = re.compile(r"\d{1,3}\.\d{3}")


def _amount(price: Any) -> str | None:
    """schema.org writes a price with a decimal point ("1234.50"): as text the price parser
    reads the same way ("1.234" gets a fourth decimal, or it would read a thousands group)."""
    if isinstance(price, bool) or not isinstance(price, (int, float, str)):
        return None
    try:
        value = Decimal(str(price).strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or value <= 0:
        return None
    text = format(value, "f")
    return text + "0" if _THREE_DECIMALS.fullmatch(text) else text


# A shop's price table, "Package | Per pill | Price | Order" (rogue pharmacies list a
# medicine's packs this way): read as text, the per-pill column's "$1.50" came before the
# pack's "$45.00" and was taken for the price. Only tables with a per-unit column are read.
_TABLES = etree.XPath("//table[.//tr]")
_ROWS = etree.XPath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
_PRICE_HEAD = re.compile(r"\b(?:price|total|preis|prix|precio|prijs|prezzo|цена|стоимость)\b", re.I)
_UNIT_HEAD = re.compile(r"\b(?:per|pro|par|por)\s+(?:pill|unit|tablet|tab|capsule|cap|dose|piece|"
                        r"tablette|stück|comprimé|pilule|pastilla|unidad|pil)|\beach\b|"
                        r"/\s*(?:pill|tab|unit)|\b(?:pill|unit)\s+price|за\s+(?:шт|таб)", re.I)
_MAX_TABLES = 20  # a product page has a few; a catalogue page's grid is not a pack table


def price_table_hints(root: etree._Element) -> dict[str, str]:
    """{"price": the first pack's price} from a table with a price column and a per-unit
    column; {} when the page has none."""
    for table in _TABLES(root)[:_MAX_TABLES]:
        rows = [[" ".join(c.text_content().split()) for c in row if c.tag in ("td", "th")]
                for row in _ROWS(table)]
        if len(rows) < 2:
            continue
        head = rows[0]
        price_col = next((i for i, h in enumerate(head)
                          if _PRICE_HEAD.search(h) and not _UNIT_HEAD.search(h)), None)
        if price_col is None or not any(_UNIT_HEAD.search(h) for h in head):
            continue
        for row in rows[1:]:
            if price_col < len(row) and any(ch.isdigit() for ch in row[price_col]):
                return {"price": row[price_col]}
    return {}
