"""HTML -> visible text, tolerant of malformed markup, never executing anything."""

from __future__ import annotations

import re

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
_TITLE_SPLIT = re.compile(r"\s+(?:-|::|\|)\s+")


def _parse(html: str) -> etree._Element:
    if not isinstance(html, str):
        raise InputRecordError(f"html must be a string, got {type(html).__name__}")
    if not html.strip():
        raise InputRecordError("html is empty")
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise InputRecordError(f"unparseable html: {exc}") from exc


def html_title(html: str) -> str | None:
    """The page <title> without the market's name (e.g. 'Empire Market - X' -> 'X')."""
    root = _parse(html)
    titles = root.xpath("//title")
    if not titles:
        return None
    text = _SPACES.sub(" ", titles[0].text_content()).strip()
    parts = [p for p in _TITLE_SPLIT.split(text) if "market" not in p.lower()]
    return " - ".join(parts).strip() or None


def html_to_text(html: str) -> str:
    """Visible text, one line per block element, whitespace runs collapsed."""
    root = _parse(html)
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
