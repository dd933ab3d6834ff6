"""HTML -> visible text, tolerant of malformed markup, never executing anything."""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

from nlp.exceptions import InputRecordError

# Elements whose text a reader never sees as listing content; <select>/<option> are
# search forms listing every country on earth, which would swamp place extraction.
_INVISIBLE = ("script", "style", "noscript", "template", "select", "option", "datalist", "head")
_BLOCK = ("p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
          "dt", "dd", "section", "article", "header", "footer", "table", "ul", "ol", "pre",
          "label", "span", "a", "b", "strong")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_NEWLINES = re.compile(r"\s*\n\s*")
_TITLE_SPLIT = re.compile(r"(\s+(?:-|::|\|)\s+)")


def _parse(html: str) -> etree._Element:
    if not isinstance(html, str):
        raise InputRecordError(f"html must be a string, got {type(html).__name__}")
    if not html.strip():
        raise InputRecordError("html is empty")
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise InputRecordError(f"unparseable html: {exc}") from exc


@dataclass(frozen=True)
class Page:
    text: str
    title: str | None
    profile_handles: list[str]


def parse_page(html: str) -> Page:
    """Visible text, title and profile-link handles from one parse of the page."""
    root = _parse(html)
    # Title and links first: building the visible text rewrites the tree.
    title, handles = _heading_title(root, _title(root)), _profile_handles(root)
    text = _visible_text(root)
    return Page(text, _drop_site_name(title, text), handles)


def _drop_site_name(title: str | None, text: str) -> str | None:
    """'Shop - Item' -> 'Item' when 'Shop' is how the page's visible text begins (its
    header): the site's name, not the listing's."""
    if not title:
        return title
    head = text[:200].split("\n", 1)[0].strip().lower()
    parts = _TITLE_SPLIT.split(title)
    if len(parts) < 3 or not head:
        return title
    if parts[0].strip().lower() and head.startswith(parts[0].strip().lower()):
        return "".join(parts[2:]).strip() or title
    if parts[-1].strip().lower() and head.startswith(parts[-1].strip().lower()):
        return "".join(parts[:-2]).strip() or title
    return title


# Links to a user's page: /u/NAME, /vendor/NAME/, user.php?u_id=NAME, ?seller=NAME ...
_PROFILE_PATH = re.compile(r"/(?:u|user|users|vendor|vendors|seller|sellers|member|members|"
                           r"store|shop|profile|v)/(?P<h>[\w.\-]{2,40})/?(?:[?#].*)?$", re.I)
_PROFILE_QUERY = re.compile(r"[?&](?:u_id|uid|user|username|vendor|seller|vendor_id|seller_id|"
                            r"member)=(?P<h>[\w.\-]{2,40})(?:&|$)", re.I)
_NOT_PROFILE = re.compile(r"^(?:settab|blocklist|favou?rite\w*|add\w*|edit\w*|settings?|"
                          r"p_feedback|feedback|orders?|messages?|index|home|login|logout|"
                          r"register|search|\d+)$", re.I)
_SELF_LINK = re.compile(r"\b(?:my|me|mine|logout|settings?)\b|tab=", re.I)


def _profile_handles(root: etree._Element) -> list[str]:
    """Handles in profile links, most linked first; the visitor's own links left out."""
    counts: dict[str, int] = {}
    mine: set[str] = set()
    for a in root.iter("a"):
        href = (a.get("href") or "").replace("&amp;", "&")
        m = _PROFILE_PATH.search(href) or _PROFILE_QUERY.search(href)
        if m is None or _NOT_PROFILE.match(m.group("h")):
            continue
        handle = m.group("h")
        if _SELF_LINK.search(a.text_content() or "") or _SELF_LINK.search(href):
            mine.add(handle)
        counts[handle] = counts.get(handle, 0) + 1
    ranked = sorted((h for h in counts if h not in mine), key=lambda h: -counts[h])
    return ranked


def _heading_title(root: etree._Element, title: str | None) -> str | None:
    """The <title> when it is specific, else the first <h1>/<h2> (many markets title
    every page with their own name)."""
    if title:
        return title
    for el in root.iter("h1", "h2"):
        text = _SPACES.sub(" ", el.text_content()).strip()
        if 3 <= len(text) <= 200:
            return text
    return None


def html_title(html: str) -> str | None:
    """The page <title> without the market's name (e.g. 'Empire Market - X' -> 'X')."""
    return _title(_parse(html))


def _title(root: etree._Element) -> str | None:
    titles = root.xpath("//title")
    if not titles:
        return None
    text = _SPACES.sub(" ", titles[0].text_content()).strip()
    # Drop the market-name part and its separator; keep the listing's own separators.
    parts = _TITLE_SPLIT.split(text)
    words, seps = parts[0::2], parts[1::2]
    keep = [i for i, w in enumerate(words) if "market" not in w.lower()]
    out = ""
    for n, i in enumerate(keep):
        out += (seps[i - 1] if n and i > 0 else "") + words[i]
    return out.strip() or None


def html_to_text(html: str) -> str:
    """Visible text, one line per block element, whitespace runs collapsed."""
    return _visible_text(_parse(html))


def _visible_text(root: etree._Element) -> str:
    # Materialise first: dropping while iterating skips siblings.
    for el in list(root.iter(*_INVISIBLE)):
        if el.getparent() is not None:
            el.drop_tree()
    for el in root.iter(*_BLOCK):
        # Block ends become newlines so cue phrases and values stay on separate lines.
        el.tail = "\n" + (el.tail or "")
    text = root.text_content()
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _NEWLINES.sub("\n", text).strip()
