"""Shared HTML helpers: escaping, page shell, pagination, fault rendering."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from html import escape
from typing import TypeVar

PAGE_SIZE = 20
T = TypeVar("T")


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def shell(title: str, body: str, lang: str = "en", css: str = "") -> str:
    style = f"<style>{css}</style>" if css else ""
    return (f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{esc(title)}</title>\n{style}</head>\n<body>\n{body}\n</body>\n</html>\n")


def paginate(items: list, page: int, size: int = PAGE_SIZE) -> tuple[list, int]:
    """Slice for a 1-based page; raises LookupError past the last page."""
    pages = max(1, -(-len(items) // size))
    if page < 1 or page > pages:
        raise LookupError(f"page {page} out of range 1..{pages}")
    return items[(page - 1) * size: page * size], pages


def pager(base: str, page: int, pages: int) -> str:
    sep = "&" if "?" in base else "?"
    parts = [f'<div class="pagination"><span class="page-info">Page {page} of {pages}</span>']
    if page > 1:
        parts.append(f'<a class="prev" href="{esc(base)}{sep}page={page - 1}">&laquo; Previous</a>')
    if page < pages:
        parts.append(f'<a class="next" href="{esc(base)}{sep}page={page + 1}">Next &raquo;</a>')
    parts.append("</div>")
    return " ".join(parts)


def index_main(cards: Iterable[T], total: list, page: int, base: str, *, main_class: str, heading: str,
               box: str, box_class: str, row: Callable[[T], str], size: int = PAGE_SIZE) -> str:
    """The <main> of a paginated index page: heading, one `row(card)` per card inside
    <box class=box_class>, then the pager. Raises LookupError past the last page of `total`."""
    _, pages = paginate(total, page, size)
    rows = "\n".join(row(item) for item in cards)
    return (f'<main class="{main_class}"><h1>{esc(heading)}</h1>\n<{box} class="{box_class}">\n{rows}\n'
            f'</{box}>\n{pager(base, page, pages)}</main>')


def paragraphs(lines: tuple[str, ...] | list[str]) -> str:
    return "\n".join(f"<p>{esc(line)}</p>" for line in lines)


def json_ld(data: dict) -> str:
    # "</" inside a script element would end it early; JSON allows the escaped form.
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def break_html(page: str) -> str:
    """Malformed but data-bearing markup: optional end tags dropped, document cut inside the footer."""
    for tag in ("</td>", "</tr>", "</p>", "</li>", "</th>"):
        page = page.replace(tag, "")
    cut = page.find("<footer")
    if cut != -1:
        page = page[:cut] + '<footer><div class="links"><a href="/sta'
    return page


def error_page(status: int, reason: str) -> str:
    return shell(f"{status} {reason}", f"<h1>{status} {esc(reason)}</h1>\n<p>{esc(reason)}</p>")
