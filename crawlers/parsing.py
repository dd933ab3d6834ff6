"""Pure HTML parsing helpers: field specs, visible text, JSON-LD, URL canonicalisation.

Nothing here touches the network or Scrapy's engine, so every function can be tested on
saved pages. lxml (through parsel) is lenient: malformed HTML still yields a tree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin

from cssselect import SelectorError
from lxml import etree
from parsel import Selector
from parsel.csstranslator import HTMLTranslator
from w3lib.url import canonicalize_url as _w3_canonicalize

from crawlers.exceptions import FieldSpecError
from pharmwatch.jsonld import first_product, parse_block

_SOURCES = ("css", "xpath", "jsonld")
_OPTIONS = {"text": bool, "all": bool, "join": str, "re": str, "absolute": bool}
# Content of these elements is never shown to a reader, so it must not reach `text`.
_HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title"})
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead "
    "tr ul option select button label".split()
)
_WS = re.compile(r"\s+")
_css = HTMLTranslator()
_NAMESPACES = dict(Selector._default_namespaces)  # re:, set: as parsel registers them


@dataclass(frozen=True)
class FieldSpec:
    """One field extraction rule from a market YAML (see docs/contracts.md)."""

    source: str  # css | xpath | jsonld
    expr: str
    text: bool = False
    all: bool = False
    join: str | None = None
    re: str | None = None
    # Field names ending in `_url` are made absolute unless `absolute: false`.
    absolute: bool | None = None

    @classmethod
    def from_dict(cls, name: str, raw: Any) -> "FieldSpec":
        """Validate a YAML mapping; raises FieldSpecError naming the field and the problem."""
        if not isinstance(raw, Mapping):
            raise FieldSpecError(f"field {name!r}: expected a mapping, got {type(raw).__name__}")
        sources = [k for k in _SOURCES if k in raw]
        if len(sources) != 1:
            raise FieldSpecError(f"field {name!r}: needs exactly one of css/xpath/jsonld")
        unknown = set(raw) - set(_SOURCES) - set(_OPTIONS)
        if unknown:
            raise FieldSpecError(f"field {name!r}: unknown key(s) {sorted(unknown)}")
        for key, typ in _OPTIONS.items():
            if key in raw and not isinstance(raw[key], typ):
                raise FieldSpecError(f"field {name!r}: {key!r} must be {typ.__name__}")
        source = sources[0]
        expr = raw[source]
        if not isinstance(expr, str) or not expr.strip():
            raise FieldSpecError(f"field {name!r}: {source} must be a non-empty string")
        spec = cls(source, expr, raw.get("text", False), raw.get("all", False),
                   raw.get("join"), raw.get("re"), raw.get("absolute"))
        spec.check(name)
        return spec

    def check(self, name: str) -> None:
        """Compile selector and regex now, so a typo fails at config load, not mid-crawl."""
        try:
            if self.source == "css":
                _css.css_to_xpath(self.expr)
            elif self.source == "xpath":
                etree.XPath(self.expr)
            if self.re is not None:
                re.compile(self.re)
        except (SelectorError, etree.XPathError, re.error, ValueError) as exc:
            raise FieldSpecError(f"field {name!r}: invalid {self.source} or re: {exc}") from exc


def normalise_ws(value: str) -> str:
    return _WS.sub(" ", value).strip()


def as_selector(source: Selector | str | bytes, base_url: str | None = None) -> Selector:
    """Accept a parsel Selector, or raw HTML as str/bytes (bytes decoded leniently)."""
    if isinstance(source, Selector):
        return source
    if isinstance(source, bytes):
        source = source.decode("utf-8", errors="replace")
    if not isinstance(source, str):
        raise TypeError(f"expected Selector, str or bytes, got {type(source).__name__}")
    # lxml refuses an empty document; an empty page is just a page with no fields.
    return Selector(text=source or "<html></html>", base_url=base_url or "")


@lru_cache(maxsize=1024)  # a market has a few dozen expressions, run on every page
def _compiled(source: str, expr: str) -> etree.XPath:
    query = _css.css_to_xpath(expr) if source == "css" else expr
    try:
        return etree.XPath(query, smart_strings=False,
                           namespaces={p: u for p, u in _NAMESPACES.items() if f"{p}:" in query})
    except etree.XPathError as exc:
        raise ValueError(f"XPath error: {exc} in {query}") from exc


def select(sel: Selector, source: str, expr: str) -> list[Any]:
    """Raw lxml results (elements, strings) of a css/xpath expression, in document order.

    The same query parsel runs, without a Selector object around every match: building those
    was about half of the per-page cost of links and fields (bench/crawl.py profile)."""
    root = sel.root
    if sel.type != "html" or not isinstance(root, etree._Element):  # unusual: parsel's path
        return [n.root for n in (sel.css(expr) if source == "css" else sel.xpath(expr))]
    try:
        result = _compiled(source, expr)(root)
    except etree.XPathError as exc:
        raise ValueError(f"XPath error: {exc} in {expr}") from exc
    return result if isinstance(result, list) else [result]


def serialize(result: Any) -> str:
    """A result of `select` as parsel's `.get()` serialises it (HTML for elements)."""
    if isinstance(result, str):
        return result
    if isinstance(result, etree._Element):
        return etree.tostring(result, method="html", encoding="unicode", with_tail=False)
    if result is True or result is False:
        return "1" if result else "0"
    return str(result)


def visible_text(node: Selector | str | bytes | None) -> str:
    """Whitespace-normalised text a reader would see: no script/style/comments."""
    if node is None:
        return ""
    return visible_text_of(as_selector(node).root)


def visible_text_of(root: Any) -> str:
    """`visible_text` of a parsed node (an lxml element, or a string result of a query)."""
    if not isinstance(root, etree._Element):
        return normalise_ws(str(root))
    parts: list[str] = []
    # Explicit stack instead of recursion: hostile pages can nest thousands of levels.
    stack: list[tuple[etree._Element, bool]] = [(root, False)]
    while stack:
        el, closing = stack.pop()
        name = el.tag.lower() if isinstance(el.tag, str) else None
        if closing:
            parts.append(" " if name in _BLOCK_TAGS else "")
            # The tail follows the element, so it is visible even after a <script>.
            parts.append(el.tail or "" if el is not root else "")
            continue
        if name is None or name in _HIDDEN_TAGS:  # comment, PI or hidden element
            if el is not root:
                parts.append(el.tail or "")
            continue
        parts.append(" " if name in _BLOCK_TAGS else "")
        parts.append(el.text or "")
        stack.append((el, True))
        stack.extend((child, False) for child in reversed(el))
    return normalise_ws("".join(parts))


def jsonld_product(sel: Selector) -> Mapping[str, Any] | None:
    """The page's first schema.org Product, read as the extractor reads it
    (`pharmwatch.jsonld`): broken blocks skipped, lists, "@graph" and nesting walked."""
    for raw in sel.xpath("//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]"
                         "/text()").getall():
        product = first_product(parse_block(raw))
        if product is not None:
            return product
    return None


def _dig(obj: Any, path: str) -> Any:
    for key in path.split("."):
        if isinstance(obj, list):
            obj = obj[0] if obj else None
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(key)
    return obj


def _raw_values(sel: Selector, spec: FieldSpec) -> list[str]:
    if spec.source == "jsonld":
        product = jsonld_product(sel)
        value = _dig(product, spec.expr) if product is not None else None
        if value is None or isinstance(value, (Mapping,)):
            return []
        values = value if isinstance(value, list) else [value]
        return [str(v) for v in values if v is not None and not isinstance(v, Mapping)]
    nodes = select(sel, spec.source, spec.expr)
    if spec.text:
        return [visible_text_of(n) for n in nodes]
    return [normalise_ws(serialize(n)) for n in nodes]


def _apply_re(values: list[str], pattern: str) -> list[str]:
    out = []
    for value in values:
        m = re.search(pattern, value)
        if m:
            out.append(normalise_ws(m.group(1) if m.groups() else m.group(0)))
    return out


def extract_field(sel: Selector, name: str, spec: FieldSpec, base_url: str | None = None) -> Any:
    """Apply one spec: first non-empty value, a list (`all`), or a joined string (`join`)."""
    values = [v for v in _raw_values(sel, spec) if v]
    if spec.re:
        values = [v for v in _apply_re(values, spec.re) if v]
    absolute = spec.absolute if spec.absolute is not None else name.endswith("_url")
    if absolute and base_url:
        values = [urljoin(base_url, v) for v in values]
    if spec.join is not None:
        return spec.join.join(values) if values else None
    if spec.all:
        return values
    return values[0] if values else None


def compile_specs(specs: Mapping[str, FieldSpec | Mapping[str, Any]]) -> dict[str, FieldSpec]:
    return {n: s if isinstance(s, FieldSpec) else FieldSpec.from_dict(n, s) for n, s in specs.items()}


def extract_fields(
    source: Selector | str | bytes,
    field_specs: Mapping[str, FieldSpec | Mapping[str, Any]],
    base_url: str | None = None,
) -> dict[str, Any]:
    """Extract every field; a field that matches nothing is None (or [] with `all`)."""
    sel = as_selector(source, base_url)
    specs = compile_specs(field_specs)
    return {name: extract_field(sel, name, spec, base_url) for name, spec in specs.items()}


@lru_cache(maxsize=65536)  # the same links recur on every index page; w3lib is costly (bench/)
def canonicalize_url(url: str) -> str:
    """Drop the fragment and sort the query so one page has one URL."""
    return _w3_canonicalize(url, keep_fragments=False)


# libxml2 complaints that real, working pages raise all the time: HTML5 tags it does not know,
# duplicate ids. They say nothing about whether the page arrived whole and well-formed.
_BENIGN_HTML_ERRORS = frozenset({"HTML_UNKNOWN_TAG", "DTD_ID_REDEFINED"})
_HTML_END = re.compile(rb"</html\s*>\s*\Z", re.IGNORECASE)


def html_defects(body: bytes, limit: int = 3) -> list[str]:
    """What is wrong with a page's markup: truncation and tag errors libxml2 had to repair.

    The page is still parsed (lxml recovers); the defects are reported so an analyst knows the
    fields of that page came from a repaired tree.
    """
    defects: list[str] = []
    if body.strip() and not _HTML_END.search(body[-512:]):
        defects.append("truncated: document does not end with </html>")
    parser = etree.HTMLParser(recover=True)
    try:
        etree.fromstring(body, parser)
    except (etree.ParserError, ValueError) as exc:
        return defects + [f"unparseable: {exc}"]
    for err in parser.error_log:
        if err.type_name not in _BENIGN_HTML_ERRORS and len(defects) < limit:
            defects.append(f"line {err.line}: {err.message.strip()}")
    return defects
