"""NightBazaar: a darknet market in the style of Empire/Apollon (category index, listings, vendors)."""

from __future__ import annotations

from sandbox.catalog import COUNTRY_EN, NB_CATEGORIES, NB_PARENT
from sandbox.html_common import esc, index_main, paragraphs, shell
from sandbox.keys import day_date, stream
from sandbox.listings import Listing, display_price
from sandbox.people import Seller

CSS = "body{font-family:sans-serif} .price{font-weight:bold} pre.pgp{font-size:10px}"
SLUG_BY_NAME = {name: slug for slug, name in NB_CATEGORIES.items()}
HOME = "/nightbazaar/"


def _sidebar(counts: dict[str, int]) -> str:
    items = "".join(f'<li><a href="/nightbazaar/category/{slug}">{esc(name)}</a> '
                    f'<span class="count">{counts.get(slug, 0)}</span></li>'
                    for slug, name in NB_CATEGORIES.items())
    return f'<nav class="sidebar"><h3>Browse categories</h3>\n<ul class="categories">{items}</ul></nav>'


def _frame(title: str, main: str, counts: dict[str, int], day: int, lang: str = "en") -> str:
    top = (f'<header class="topbar"><a class="logo" href="{HOME}">NightBazaar</a> '
           f'<span class="rates">BTC/USD 60000.00 | EUR/USD 1.087</span> '
           f'<a class="cart" href="/nightbazaar/cart">Cart (0)</a> '
           f'<span class="date">{day_date(day).isoformat()}</span></header>')
    foot = ('<footer><p>NightBazaar &copy; 2025 &middot; Always use escrow. Never finalize early unless the '
            'vendor has 100+ sales. Encrypt your address with the vendor\'s PGP key.</p></footer>')
    return shell(f"NightBazaar - {title}", f"{top}\n{_sidebar(counts)}\n{main}\n{foot}", lang, CSS)


def home(counts: dict[str, int], day: int) -> str:
    main = ('<main class="home"><h1>Welcome to NightBazaar</h1>\n'
            '<p class="news">Escrow is mandatory for new vendors. Multisig coming soon.</p>\n'
            f'<p>{sum(counts.values())} listings live today.</p></main>')
    return _frame("Home", main, counts, day)


def category(slug: str, cards: list[Listing], total: list[int], page: int, counts: dict[str, int],
             day: int) -> str:
    main = index_main(cards, total, page, f"/nightbazaar/category/{slug}", main_class="category",
                      heading=NB_CATEGORIES[slug], box="div", box_class="listings", row=_listing_card)
    return _frame(NB_CATEGORIES[slug], main, counts, day)


def _listing_card(item: Listing) -> str:
    return (f'<div class="listing-card"><a class="title" href="{esc(item.url_path)}">{esc(item.title)}</a> '
            f'<span class="price">{esc(item.price_text)}</span> by '
            f'<a class="vendor-link" href="/nightbazaar/vendor/{esc(item.seller.handle)}">{esc(item.seller.handle)}</a>'
            f"</div>")


def _ship_rows(item: Listing) -> str:
    to = ", ".join(COUNTRY_EN[c] for c in item.ship_to)
    return (f"<tr><th>Product class</th><td>{'Physical package' if item.drug else 'Digital'}</td></tr>\n"
            f"<tr><th>Ships from</th><td>{esc(COUNTRY_EN[item.ship_from])}</td></tr>\n"
            f"<tr><th>Ships to</th><td>{esc(to)}</td></tr>\n"
            f"<tr><th>Quantity left</th><td>Unlimited</td></tr>\n<tr><th>Payment</th><td>Escrow</td></tr>")


def listing(item: Listing, counts: dict[str, int], day: int) -> str:
    rng = stream(item.index, item.listing_id, "decor")
    slug = SLUG_BY_NAME[item.category]
    alt = display_price(item.price * 60000.0, "USD")[1] if item.currency == "BTC" else \
        display_price(item.price / (0.92 if item.currency == "EUR" else 1.0), "BTC")[1]
    tags = f'<div class="tags">Tags: {esc(", ".join(item.tags))}</div>' if item.tags else ""
    main = (
        f'<main class="listing">\n<div class="breadcrumb"><a class="parent" href="{HOME}">'
        f'{esc(NB_PARENT[slug])}</a> &gt; <a class="cat" href="/nightbazaar/category/{slug}">'
        f'{esc(item.category)}</a></div>\n<h1 class="title">{esc(item.title)}</h1>\n'
        f'<div class="vendor">Sold by <a href="/nightbazaar/vendor/{esc(item.seller.handle)}">'
        f'{esc(item.seller.handle)}</a> - {rng.randint(3, 900)} sold since {item.seller.joined:%B %d, %Y}</div>\n'
        f'<table class="features">\n{_ship_rows(item)}\n</table>\n'
        f'<div class="purchase">Purchase price: <span class="price">{esc(item.price_text)}</span> '
        f'<span class="price-alt">{esc(alt)}</span> '
        f'<a class="add-to-cart" href="/nightbazaar/cart?add={item.listing_id}">Add to cart</a></div>\n'
        f'<h2>Description</h2>\n<div class="description">\n{paragraphs(item.description)}\n</div>\n{tags}\n'
        f'<div class="refund-policy"><h3>Refund policy</h3><p>Escrow is released 14 days after shipping. '
        f'Disputes are handled by staff.</p></div>\n</main>')
    return _frame(item.title, main, counts, day, item.language)


def vendor(seller: Seller, counts: dict[str, int], day: int) -> str:
    rng = stream(seller.market, seller.index, "profile")
    contact = (f'<p class="contact">Wickr: {esc(seller.actor.wickr)} | Telegram: @{esc(seller.actor.telegram)}</p>'
               if rng.random() < 0.5 else "")
    main = (
        f'<main class="vendor-profile">\n<h1 class="vendor-name">{esc(seller.handle)}</h1>\n'
        f'<table class="vendor-info">\n<tr><th>Member since</th><td class="joined">{seller.joined:%B %d, %Y}</td></tr>\n'
        f'<tr><th>Ships from</th><td class="ships-from">{esc(COUNTRY_EN[seller.origin])}</td></tr>\n'
        f'<tr><th>Trust level</th><td>{rng.randint(1, 5)}</td></tr>\n'
        f'<tr><th>Positive feedback</th><td>{rng.uniform(90, 100):.2f} %</td></tr>\n</table>\n'
        f'<div class="about"><h2>About</h2><p>Welcome to my shop. Same day dispatch, professional stealth. '
        f'Always encrypt your address with my PGP key.</p>{contact}</div>\n'
        f'<h2>PGP</h2>\n<pre class="pgp">{esc(seller.actor.pgp_key)}</pre>\n</main>')
    return _frame(seller.handle, main, counts, day)


def cart() -> str:
    return shell("NightBazaar - Cart", '<main class="cart"><h1>Your cart is empty</h1></main>')
