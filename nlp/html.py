"""HTML -> visible text, tolerant of malformed markup, never executing anything."""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import chain

import lxml.html
from lxml import etree

from nlp.exceptions import InputRecordError
from nlp.structured import price_table_hints, product_hints

# Elements whose text a reader never sees as listing content; <select>/<option> are
# search forms listing every country on earth, which would swamp place extraction.
# Struck-out text is a price the shop no longer asks ("<del>$300.00</del> <ins>$250.00</ins>").
_INVISIBLE = ("script", "style", "noscript", "template", "select", "option", "datalist", "head",
              "del", "s", "strike")
# The same price struck out by its class: OpenCart's "price-old", Magento's "old-price",
# Shopify's "price--compare" / "compare-at-price", "was-price", and any class word that ends in
# "old", "was" or "strike" ("bb-was", "strike", "old"); or by an inline "line-through".
_OLD_PRICE_CLASSES = ("price-old", "old-price", "price--compare", "compare-at", "was-price",
                      "price-was", "tachado", "product-discount")  # PrestaShop's regular price
_OLD_CLASS_WORD = (r"(?:^|\s)(?:[\w-]*[-_])?(?:old|was|strike|strikethrough|crossed|line-through)"
                   r"(?:[-_]price)?(?:\s|$)")
_OLD_CLASS = re.compile(_OLD_CLASS_WORD, re.IGNORECASE)  # the same, for the streaming parser
_OLD_PRICES = etree.XPath(
    "//*[" + " or ".join(f"contains(@class, '{c}')" for c in _OLD_PRICE_CLASSES)
    + f" or re:test(@class, '{_OLD_CLASS_WORD}', 'i')"
    + " or contains(translate(@style, ' ', ''), 'line-through')]",
    namespaces={"re": "http://exslt.org/regular-expressions"})
# Classes the page's own stylesheet strikes through (".old{text-decoration:line-through}",
# ".product-discount .regular-price{...}"): the class of the compound selector a rule ends with.
_STRUCK_RULE = re.compile(r"([^{}]*)\{[^{}]*line-through[^{}]*\}", re.IGNORECASE)
_CSS_CLASS = re.compile(r"\.([\w-]+)")


def struck_classes(css: str) -> frozenset[str]:
    """Class names that a stylesheet's rules draw struck through."""
    if "line-through" not in css:
        return frozenset()
    found = set()
    for m in _STRUCK_RULE.finditer(css):
        for selector in m.group(1).split(","):
            compounds = selector.split()
            found.update(_CSS_CLASS.findall(compounds[-1]) if compounds else ())
    return frozenset(found)


_BLOCK = ("p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
          "dt", "dd", "section", "article", "header", "footer", "table", "ul", "ol", "pre",
          "label", "span", "a", "b", "strong")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_ALL_SPACES = re.compile(r"\s+")
_NEWLINES = re.compile(r"\s*\n\s*")
_MAX_ALT = 40  # characters: a flag's or an icon's alt text, not a photo's caption
_TITLE_SPLIT = re.compile(r"(\s+(?:-|–|—|::|\|)\s+)")


def _parse(html: str) -> etree._Element:
    return _parse_checked(html)[0]


def _parse_checked(html: str) -> tuple[etree._Element, bool]:
    """(tree, complete): not complete when libxml2 stopped at its nesting limit and dropped
    what lies deeper. `huge_tree` raises that limit from 256 to 2048 elements: a market's
    template that leaves a <div> open per item in a loop passes 256 on a long page."""
    if not isinstance(html, str):
        raise InputRecordError(f"html must be a string, got {type(html).__name__}")
    if not html.strip():
        raise InputRecordError("html is empty")
    parser = lxml.html.HTMLParser(huge_tree=True)  # per call: a parser keeps its error log
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputRecordError(f"unparseable html: {exc}") from exc
    too_deep = any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)
    return root, not too_deep


@dataclass(frozen=True)
class Page:
    text: str
    title: str | None
    profile_handles: list[str]
    category: str | None = None  # the breadcrumb path ("Home > Drugs > Benzos"), if any
    hints: dict[str, str] = field(default_factory=dict)  # seller/price from schema.org markup


def parse_page(html: str) -> Page:
    """Visible text, title, profile-link handles and breadcrumb from one parse of the page."""
    root, complete = _parse_checked(html)
    # Title, links and breadcrumb first: building the visible text rewrites the tree.
    raw = _title(root)
    # the headings and elements marked as the title, read once for every title rule below
    h1 = [t for t in map(_element_text, root.iter("h1")) if 3 <= len(t) <= 200]
    named = [t for t in map(_element_text, _TITLE_ELEMENTS(root)) if 3 <= len(t) <= 200]
    title, handles = _heading_title(root, raw, h1, named), _profile_handles(root)
    subheadings = _subheadings(root) if title else []
    headings = [*h1, *named, *subheadings] if title else []
    if title and title == raw:
        title = _heading_in_title(raw, headings)
    category = _breadcrumb(html, root)
    hints = product_hints(html, root)
    if "price" not in hints and ("<table" in html or "<TABLE" in html):
        hints = {**price_table_hints(root), **hints}
    text = _text(root, complete, html)
    if title:
        title = _not_the_site(title, raw, subheadings, _head(text))
    whole = title is not None and title == raw  # the <title> itself, no heading chosen
    title = _drop_site_name(title, text)
    if whole and headings:
        title = _heading_going_on(title, headings)
        if title and len(title) > _SEO_TITLE:
            title = _heading_of_seo_title(title, headings)
    return Page(text, title, handles, category, hints)


_SEO_TITLE = 120  # characters: a <title> this long is written for search engines


def _heading_of_seo_title(title: str, headings: list[str]) -> str:
    """A search engine's <title> ("Tramadol 225mg Tamol-X Tablets in Ikeja - Vitamins &
    Supplements, Kingsley Pharma Ventures | Jiji.ng for sale in Ikeja | Buy ...") gives way to
    the longest heading that opens with its first three words."""
    words = _WORD.findall(title.lower())[:3]
    opening = [h for h in headings if len(words) == 3 and _WORD.findall(h.lower())[:3] == words]
    return max(opening, key=len) if opening else title


def _heading_going_on(title: str, headings: list[str]) -> str:
    """A <title> cut short gives way to the heading that goes on after it ("ASAP Market - 10 x
    Oxycodone 30mg M-Box" over "... M-Box | Pharma Grade | AU Domestic"; "DrugHub | Xannax 2mg
    Bars x100" over "... x100 (R039 press)", once the site's name is dropped)."""
    low = _norm(title)
    return next((h for h in headings if len(low) < len(h) <= 200 and _norm(h).startswith(low)), title)


_SEP_AFTER = re.compile(r"\s*(?:-|–|—|::|:|\||·|•|»)\s")
_SEP_BEFORE = re.compile(r"\s(?:-|–|—|::|:|\||·|•|»)\s*$")
_TRAILING_MARKS = re.compile(r"[\s\-–—:|·•»]+$")


def _norm(text: str) -> str:
    """Lower case, en and em dashes as hyphens: a <title> and its heading write them apart."""
    return text.lower().replace("–", "-").replace("—", "-")


def _heading_in_title(raw: str, headings: list[str]) -> str:
    """The part of a <title> that a heading shows: the <title> adds the site, its section or
    city before or after it ("[US-US] Pressed M30s : BlueSkyRx", "Vice City :: 10x OxyContin
    80mg", "Ozempic pens 1mg - health & beauty - Toronto | Classifieds" over a heading that
    goes on with the price). Whole parts only, of three words or more."""
    low, best = _norm(raw), ""
    tails = [low[m.end():] for m in _SEP_AFTER.finditer(low)]  # what follows each separator
    for heading in headings:
        h = _norm(heading)
        if h == low and heading.lower() != raw.lower():
            return heading  # the same words, the <title> writing a hyphen for the heading's dash
        if len(h) < len(low) and low.endswith(h) and _SEP_BEFORE.search(raw[:len(raw) - len(h)]):
            part = raw[len(raw) - len(h):]
        elif any(len(_WORD.findall(t)) >= 3 and h.startswith(t) for t in tails):
            part = heading  # "Dark0de Reborn :: 20x $50 Bills - Grade AAA" over the heading's
            # "20x $50 Bills – Grade AAA (UV & Pen Pass)": the site before, the heading goes on
        else:
            n = len(os.path.commonprefix([low, h]))
            part = _TRAILING_MARKS.sub("", raw[:n])
            if len(part) == len(raw) or not _SEP_AFTER.match(raw, len(part)):
                continue
        if len(_WORD.findall(part)) >= 3 and len(part) > len(best):
            best = part
    return best or raw


def _subheadings(root: etree._Element) -> list[str]:
    """<h2>s then <h3>s of several words: where a page names its product when its <h1> or its
    <title> is the site's name."""
    return [t for tag in ("h2", "h3") for t in map(_element_text, root.iter(tag))
            if 3 <= len(t) <= 200 and len(_WORD.findall(t)) > 1]


_LEAD = re.compile(r"^[\W_]+")


def _head(text: str) -> str:
    """The page's first visible line, lower-cased, without the emoji or marks before it: the
    site's header ("🍄 Flugsvamp 3.0" reads "flugsvamp 3.0")."""
    return _LEAD.sub("", text[:200].lstrip().split("\n", 1)[0].strip().lower())


def _not_the_site(title: str, raw: str | None, subheadings: list[str], head: str) -> str:
    """The listing's name where the chosen title is the site's: an <h1> that is the page's
    header and ends the <title> ("EuroChem Vendor Forum" in "[WTS] Mephedrone ... - Vendor
    Shops - EuroChem Vendor Forum") gives way to the heading the <title> holds, else to the
    <title>, and so does one that starts the <title> when the <title> holds another heading
    ("Lucky Charm Pharmacy – Oxycodone 30mg (A215) x 50" over an <h2> of the product); a short <title> that the header begins with and goes on after ("Silk Road" over
    "Silk Road anonymous marketplace") gives way to a heading sharing no word with it."""
    low = title.lower()
    core = _LEAD.sub("", low)  # "🍀 Lucky Charm Pharmacy" is the header "lucky charm pharmacy"
    if raw and title != raw and core == head:
        raw_low = raw.lower()
        held = [h for h in subheadings if h.lower() in raw_low and h.lower() != head]
        if raw_low.endswith(core):
            return max(held, key=len) if held else raw
        if raw_low.startswith(core) and held:  # a shop's name first: "Lucky Charm Pharmacy – Oxy..."
            return max(held, key=len)
    if len(head) > len(low) and head.startswith(low) and len(_WORD.findall(low)) <= _MAX_SITE_WORDS:
        words = set(_WORD.findall(low))
        return next((h for h in subheadings if not words & set(_WORD.findall(h.lower()))), title)
    return title


# The common breadcrumb markups: class "breadcrumb(s)" (Bootstrap's ol.breadcrumb, ul.breadcrumbs,
# div.breadcrumb) and ARIA's nav[aria-label=breadcrumb]. A plain `contains` finds the few
# candidates, and the first one is nearly always it: stopping there costs a tenth of a
# page's parse, where a normalize-space/concat test of every element cost 15%.
_CANDIDATE = ("descendant::*[contains(@class, 'readcrumb') or contains(@aria-label, 'readcrumb')"
              " or contains(@aria-label, 'READCRUMB')]")
_FIRST_CANDIDATE = etree.XPath(_CANDIDATE + "[1]")
_CANDIDATES = etree.XPath(_CANDIDATE)
_CRUMB_NAMES = frozenset({"breadcrumb", "breadcrumbs"})
_MAX_CRUMBS = 300  # characters: a path of a few category names


def _is_breadcrumb(el: etree._Element) -> bool:
    if _CRUMB_NAMES & set((el.get("class") or "").split()):
        return True
    return el.tag == "nav" and (el.get("aria-label") or "").strip().lower() in _CRUMB_NAMES


def _breadcrumb(html: str, root: etree._Element) -> str | None:
    """The page's first breadcrumb as "A > B > C". Items marked as the current page (`active`,
    aria-current) are left out: that is the listing's own title, not a category."""
    if "readcrumb" not in html and "READCRUMB" not in html:  # C-speed: most pages have none
        return None
    first = _FIRST_CANDIDATE(root)
    if not first:
        return None
    crumb = first[0] if _is_breadcrumb(first[0]) else next(
        (el for el in _CANDIDATES(root) if _is_breadcrumb(el)), None)  # "breadcrumb-wrap" first
    if crumb is None:
        return None
    items = [li for li in crumb.iter("li")
             if "active" not in (li.get("class") or "").split() and li.get("aria-current") is None]
    if items:
        parts = [_SPACES.sub(" ", li.text_content()).strip(" >/»›\n") for li in items]
        text = " > ".join(p for p in parts if p)
    else:
        text = _SPACES.sub(" ", crumb.text_content().replace("\n", " ")).strip()
    return text[:_MAX_CRUMBS] or None


def _drop_site_name(title: str | None, text: str) -> str | None:
    """'Shop - Item' -> 'Item' when 'Shop' is how the page's visible text begins (its
    header): the site's name, not the listing's."""
    if not title:
        return title
    head = _head(text)
    parts = _TITLE_SPLIT.split(title)
    if len(parts) < 3 or not head or head.startswith(title.lower()):
        return title  # the page opens with the title itself: "MDMA 84% - 5g" is all title
    if parts[0].strip().lower() and head.startswith(parts[0].strip().lower()):
        first, rest = parts[0].strip(), "".join(parts[2:]).strip()
        if (rest and rest.lower() not in text.lower()
                and len(_WORD.findall(first)) > len(_WORD.findall(rest))):
            # The page opens with the title's longer first part and never shows the rest:
            # the first part is the listing ("Cocaína 1g 90% pureza | Mercado"), the rest the
            # site. A short first part is a site name ("PillHub - Valium 10mg").
            return first
        return rest or title
    if parts[-1].strip().lower() and head.startswith(parts[-1].strip().lower()):
        return "".join(parts[:-2]).strip() or title
    return title


# Links to a user's page: /u/NAME, /vendor/NAME/, user.php?u_id=NAME, ?seller=NAME, t.me/NAME ...
_PROFILE_PATH = re.compile(r"/(?:u|usr|user|users|vendor|vendors|seller|sellers|member|members|"
                           r"store|shop|profile|v|"
                           # a Telegram channel or account: "https://t.me/dutchcandyshop"
                           r"t\.me|t\.me/s|telegram\.me)/(?P<h>[\w.\-]{2,40})/?(?:[?#].*)?$", re.I)
_PROFILE_QUERY = re.compile(r"[?&](?:u_id|uid|user|username|vendor|seller|vendor_id|seller_id|"
                            r"member)=(?P<h>[\w.\-]{2,40})(?:&|$)|"
                            # "user.php?id=NAME": a bare id only on a user page's script
                            r"/(?:user|vendor|seller|member|profile)s?\.php\?(?:[^#]*&)?"
                            r"(?:id|u|name)=(?P<h2>[\w.\-]{2,40})(?:&|$)", re.I)
_NOT_PROFILE = re.compile(r"^(?:settab|blocklist|favou?rite\w*|add\w*|edit\w*|settings?|"
                          r"p_feedback|feedback|orders?|messages?|index|home|login|logout|"
                          r"register|search|messenger|chat|inbox|\d+|"
                          # a site's user id, not a name ("5c1b2f0e-7a3d", "9a1f3c0b72e5")
                          r"(?=[0-9a-f-]*\d)(?:[0-9a-f]{4,}(?:-[0-9a-f]{2,})+|[0-9a-f]{12,}))$", re.I)
# ("t.me/x" is no "me")
_SELF_LINK = re.compile(r"(?<![\w.])(?:my|me|mine|logout|settings?)\b|tab=", re.I)


def _profile_handles(root: etree._Element) -> list[str]:
    """Handles in profile links, a vendor's or shop's link before a user's ("/vendor/X" over the
    visitor's "/user/Y" in the header), then most linked first; the visitor's own links left
    out."""
    counts: dict[str, int] = {}
    mine: set[str] = set()
    sellers: set[str] = set()
    for a in root.iter("a"):
        href = (a.get("href") or "").replace("&amp;", "&")
        m = _PROFILE_PATH.search(href) or _PROFILE_QUERY.search(href)
        handle = m and (m.group("h") or m.group("h2"))
        if not handle or _NOT_PROFILE.match(handle):
            continue
        if _SELF_LINK.search(a.text_content() or "") or _SELF_LINK.search(href):
            mine.add(handle)
        if _SELLER_LINK.search(href):
            sellers.add(handle)
        counts[handle] = counts.get(handle, 0) + 1
    return sorted((h for h in counts if h not in mine), key=lambda h: (h not in sellers, -counts[h]))


_SELLER_LINK = re.compile(r"/(?:vendors?|sellers?|store|shop|v)/|[?&](?:vendor|seller)(?:_id)?=",
                          re.I)


# Elements markets use for a product's name besides headings: class or id "title" /
# "product-name" ... (WooCommerce's "product_title"), Bootstrap's "h1" class, or
# schema.org's itemprop="name".
_TITLE_ELEMENTS = etree.XPath(
    "//*[@itemprop='name' or contains(concat(' ', translate(normalize-space(@class), "
    "'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), ' '), ' title ') or "
    "contains(concat(' ', normalize-space(@class), ' '), ' h1 ') or "
    "contains(concat(' ', normalize-space(@class), ' '), ' ttl ') or "
    + "".join(f"contains(@class, '{what}{sep}{part}') or "
              for what in ("product", "listing", "item", "offer", "card", "entry", "post")
              for sep in "-_"
              for part in ("title", "name"))
    + "@id='title' or @id='product-title' or @id='listing-title']")
_CARD_HEADERS = etree.XPath("//*[contains(concat(' ', normalize-space(@class), ' '), ' card-header ') or "
                            "contains(concat(' ', normalize-space(@class), ' '), ' panel-heading ')]")
_WORD = re.compile(r"\w+")
# A page type, not a product: what a market's <title> says on every listing page.
_GENERIC_TITLE = re.compile(
    r"(?:view[ \t]+)?(?:listing|product|item|offer|article|ad|advert)(?:[ \t]+(?:details?|page|view|info))?|"
    r"produkt(?:details)?|artikel|angebot|anzeige|producto|produit|annonce|prodotto|annuncio|"
    r"товар|объявление|лот", re.IGNORECASE)
# "WHM", "Dream Market", "Silk Road 2.0": a <title> this short naming nothing on the page
_MAX_SITE_WORDS = 4
_BUY = re.compile(r"(?:buy|order|purchase|comprar|acheter|kaufen|bestellen|купить|koop|kopen|"
                  r"compra|acquista|kup)\b|"
                  # or, anywhere, what only a shop's advertisement says
                  r".*\b(?:kaufen|bestellen|ohne[ \t]+rezept|bez[ \t]+recepty|sin[ \t]+receta|"
                  r"sans[ \t]+ordonnance|without[ \t]+(?:a[ \t]+)?prescription|no[ \t]+prescription|"
                  r"zonder[ \t]+recept|senza[ \t]+ricetta|sem[ \t]+receita|без[ \t]+рецепта)\b",
                  re.IGNORECASE)


def _heading_title(root: etree._Element, title: str | None, h1: list[str],
                   named: list[str]) -> str | None:
    """The product's own name: the <title>, unless a heading names the product inside a
    <title> that decorates it ("Buy Ambien Online | Cheap Zolpidem 10mg" around an <h1>
    "Ambien 10mg") or a <title> that is only the site's name ("WHM"). `h1`, `named`: the page's
    <h1>s and elements marked as the title."""
    if title and _GENERIC_TITLE.fullmatch(title):
        title = None  # "Archetyp Market - Listing": the market's name for any listing page
    if not title:  # an <h2> (or <h3>) may name the product on a page that names nothing else
        h2, h3 = ([t for t in map(_element_text, root.iter(tag)) if 3 <= len(t) <= 200]
                  for tag in ("h2", "h3"))
        found = next(chain(h1, h2, named, h3), None)
        if found is None:  # Bootstrap's card and panel headers: the product's is the longest
            headers = [t for t in map(_element_text, _CARD_HEADERS(root))
                       if 3 <= len(t) <= 200 and len(_WORD.findall(t)) >= 3]
            found = max(headers, key=len, default=None)
        return found
    words = set(_WORD.findall(title.lower()))
    # <h2>s are left out here: a vendor box's "Dutch Pharma" inside "Xanax by Dutch Pharma"
    inside = [h for h in h1 + named if _inside(h, words) and len(h) < len(title)]
    if inside:
        return max(inside, key=len)
    if _BUY.match(title):
        # "Buy Viagra Online - Generic Viagra without Prescription | Canadian Pharmacy" is the
        # shop's advertisement; the <h1> "Generic Viagra (Sildenafil Citrate)" names the product
        plain = [h for h in h1 if not _BUY.match(h) and words & set(_WORD.findall(h.lower()))]
        if plain:
            return plain[0]
    several = [h for h in h1 + named if len(_WORD.findall(h)) > 1]
    if several and len(words) <= _MAX_SITE_WORDS and not any(
            words & set(_WORD.findall(h.lower())) for h in several):
        return several[0]
    return title


def _element_text(el: etree._Element) -> str:
    return _ALL_SPACES.sub(" ", el.text_content()).strip()  # a heading may wrap over lines


def _inside(heading: str, title_words: set[str]) -> bool:
    """Every word of a heading of two words or more appears in the <title>."""
    words = _WORD.findall(heading.lower())
    return len(words) > 1 and all(w in title_words for w in words)


def html_title(html: str) -> str | None:
    """The page <title> without the market's name (e.g. 'Empire Market - X' -> 'X')."""
    return _title(_parse(html))


def _title(root: etree._Element) -> str | None:
    titles = root.xpath("//title")
    if not titles:
        return None
    text = _ALL_SPACES.sub(" ", titles[0].text_content()).strip()
    # Drop the market-name part and its separator; keep the listing's own separators.
    parts = _TITLE_SPLIT.split(text)
    words, seps = parts[0::2], parts[1::2]
    keep = [i for i, w in enumerate(words) if "market" not in w.lower()]
    out = ""
    for n, i in enumerate(keep):
        out += (seps[i - 1] if n and i > 0 else "") + words[i]
    return out.strip() or None


# Elements whose end tag HTML lets a page leave out, and the starts that end them (as the tree
# builder reads them); void elements never have an end.
_ENDED_BY = {"td": {"td", "th", "tr"}, "th": {"td", "th", "tr"}, "tr": {"tr"}, "li": {"li"},
             "dt": {"dt", "dd"}, "dd": {"dt", "dd"}, "option": {"option"},
             "p": {"p", "div", "ul", "ol", "dl", "table", "pre", "section", "article", "header",
                   "footer", "h1", "h2", "h3", "h4", "h5", "h6"}}
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


class _FlatText(HTMLParser):
    """Visible text by the stdlib's streaming parser, with a plain list for the open elements
    (no tree, so no depth limit): for pages nested past libxml2's limit, whose deeper text the
    tree lost. Same rules as `_visible_text`: invisible elements skipped, block ends as
    newlines (ends left out by the page included), short alt texts kept."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[str] = []
        # Tags of self.open, counted: a membership test of the list costs the depth, per tag.
        self.count: Counter[str] = Counter()
        self.hidden = 0  # open invisible elements
        self.hides: list[bool] = []  # per open element: whether it hides its text
        self.css: list[str] = []  # the page's <style> text so far
        self.struck: frozenset[str] = frozenset()  # the classes it strikes through

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        while self.open and tag in _ENDED_BY.get(self.open[-1], ()):
            self._close()
        if tag == "body":
            while self.count["head"]:
                self._close()
        if tag == "img" and not self.hidden:
            alt = _SPACES.sub(" ", dict(attrs).get("alt") or "").strip()
            if alt and len(alt) <= _MAX_ALT:
                self.parts.append(f" {alt} ")
        if tag in _VOID:
            if tag == "br" and not self.hidden:
                self.parts.append("\n")
            return
        self.open.append(tag)
        self.count[tag] += 1
        klass = dict(attrs).get("class") or ""
        style = (dict(attrs).get("style") or "").replace(" ", "")
        hides = (tag in _INVISIBLE or any(c in klass for c in _OLD_PRICE_CLASSES)
                 or _OLD_CLASS.search(klass) is not None or "line-through" in style
                 or not self.struck.isdisjoint(klass.split()))
        self.hides.append(hides)
        self.hidden += hides

    def handle_endtag(self, tag: str) -> None:
        if tag == "style" and self.css:
            self.struck = struck_classes("".join(self.css))
        if self.count[tag]:  # else a stray end tag: ignored, as the tree builder does
            while self.open[-1] != tag:
                self._close()
            self._close()

    def _close(self) -> None:
        tag = self.open.pop()
        self.count[tag] -= 1
        hid = self.hides.pop()
        self.hidden -= hid
        if tag in _BLOCK and not self.hidden and not hid:  # a dropped element ends no line
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1] == "style":
            self.css.append(data)
        elif not self.hidden:
            self.parts.append(data)


def flat_text(html: str) -> str:
    """`_visible_text` of a page without building its tree (see `_FlatText`)."""
    reader = _FlatText()
    reader.feed(html)
    if reader.rawdata.startswith("<"):  # a tag cut off by the end of the page: not text
        reader.rawdata = ""
    reader.close()
    return _tidy("".join(reader.parts))


def html_to_text(html: str) -> str:
    """Visible text, one line per block element, whitespace runs collapsed."""
    return _text(*_parse_checked(html), html)


def _text(root: etree._Element, complete: bool, html: str) -> str:
    """The page's visible text: from its tree, or, when the tree lost what lay too deep, from
    the markup read as a stream."""
    return _visible_text(root) if complete else flat_text(html)


def _visible_text(root: etree._Element) -> str:
    struck = struck_classes("".join(el.text or "" for el in root.iter("style")))
    # Materialise first: dropping while iterating skips siblings.
    for el in [*root.iter(*_INVISIBLE), *_OLD_PRICES(root), *_struck_by_css(root, struck)]:
        if el.getparent() is not None:
            el.drop_tree()
    for img in root.iter("img"):
        # Markets show ship-from and ship-to as flag images: their alt text is the country.
        alt = _SPACES.sub(" ", img.get("alt") or "").strip()
        if alt and len(alt) <= _MAX_ALT:
            img.tail = f" {alt} {img.tail or ''}"
    for el in root.iter(*_BLOCK):
        # Block ends become newlines so cue phrases and values stay on separate lines.
        el.tail = "\n" + (el.tail or "")
    return _tidy(root.text_content())


def _struck_by_css(root: etree._Element, struck: frozenset[str]) -> list[etree._Element]:
    if not struck:
        return []
    return [el for el in root.iter() if isinstance(el.tag, str)
            and not struck.isdisjoint((el.get("class") or "").split())]


def _tidy(text: str) -> str:
    """Whitespace runs collapsed in each line, blank lines dropped."""
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _NEWLINES.sub("\n", text).strip()
