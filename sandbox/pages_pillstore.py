"""PillStore: a rogue online pharmacy storefront with schema.org Product JSON-LD."""

from __future__ import annotations

from sandbox.builders import STORE_NAME
from sandbox.html_common import esc, index_main, json_ld, paragraphs, shell
from sandbox.listings import Listing

PAGE_SIZE = 24
CSS = ".price{color:#c00;font-size:1.4em} .rx-note{color:green}"
SHIPPING = {"IN": "We ship worldwide from India", "SG": "We ship worldwide from Singapore",
            "GB": "Fast UK & EU delivery from the United Kingdom"}


def _frame(title: str, main: str, lang: str = "en", head_extra: str = "") -> str:
    top = (f'<header class="store-header"><a class="logo" href="/pillstore/">{STORE_NAME}</a> '
           '<span class="slogan">Your trusted online pharmacy - No prescription needed!</span> '
           '<a href="/pillstore/catalog">All products</a> <a class="cart" href="/pillstore/cart">Cart</a></header>')
    foot = (f'<footer><p>&copy; 2025 {STORE_NAME}. Licensed pharmacy partners. 24/7 support: '
            'support@rxpillstore24.example</p></footer>')
    return shell(f"{title} | {STORE_NAME}", f"{head_extra}\n{top}\n{main}\n{foot}", lang, CSS)


def home(total: int) -> str:
    main = (f'<main class="home"><h1>Cheap meds online - {total} products</h1>\n'
            '<p>Viagra, Cialis, Tramadol, Xanax and more. Discreet worldwide shipping, no prescription needed.</p>\n'
            '<p><a class="catalog-link" href="/pillstore/catalog">Browse the catalogue</a></p></main>')
    return _frame("Online Pharmacy", main)


def catalog(cards: list[Listing], total: list[int], page: int) -> str:
    main = index_main(cards, total, page, "/pillstore/catalog", main_class="catalog", heading="Catalogue",
                      box="div", box_class="product-grid", row=_product_card, size=PAGE_SIZE)
    return _frame("Catalogue", main)


def _product_card(item: Listing) -> str:
    return (f'<div class="product-card"><a class="product-link" href="{esc(item.url_path)}">'
            f'<h2 class="name">{esc(item.title)}</h2></a> <span class="price">{esc(item.price_text)}</span></div>')


def product(item: Listing) -> str:
    data = {"@context": "https://schema.org", "@type": "Product", "name": item.title, "sku": item.listing_id,
            "category": item.category,
            "offers": {"@type": "Offer", "price": f"{item.price:.2f}", "priceCurrency": item.currency,
                       "availability": "https://schema.org/InStock",
                       "seller": {"@type": "Organization", "name": STORE_NAME}}}
    if item.brand:
        data["brand"] = {"@type": "Brand", "name": item.brand}
    generic = f'<p class="generic">Generic name: {esc(item.drug.inn.capitalize())}</p>' if item.drug else ""
    main = (
        f'<main class="product">\n<div class="breadcrumb"><a href="/pillstore/catalog">Catalogue</a> &gt; '
        f'<span class="category">{esc(item.category)}</span></div>\n'
        f'<h1 class="product-title">{esc(item.title)}</h1>\n{generic}\n'
        f'<div class="price-box"><span class="price">{esc(item.price_text)}</span> '
        f'<span class="pack">{esc(_pack(item))}</span></div>\n'
        f'<p class="rx-note">No prescription needed</p>\n'
        f'<div class="shipping">{esc(SHIPPING[item.ship_from])}</div>\n'
        f'<div class="seller">Sold by <span class="store">{STORE_NAME}</span></div>\n'
        f'<div class="description">\n{paragraphs(item.description)}\n</div>\n'
        f'<a class="add-to-cart" href="/pillstore/cart?add={item.listing_id}">Add to cart</a>\n</main>')
    return _frame(item.title, main, item.language, json_ld(data))


def _pack(item: Listing) -> str:
    if item.quantity is None:
        return "1 unit"
    return f"{item.quantity:g} {item.unit} per pack"


def cart() -> str:
    return shell("Cart", '<main class="cart"><h1>Your cart is empty</h1></main>')
