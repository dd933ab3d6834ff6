"""BoardEx: a classifieds board; sellers and contacts appear only in the free text."""

from __future__ import annotations

from sandbox.html_common import esc, index_main, paragraphs, shell
from sandbox.keys import day_date
from sandbox.listings import Listing

PAGE_SIZE = 25


def _frame(title: str, main: str, lang: str = "en") -> str:
    top = ('<header><a class="logo" href="/boardex/">BoardEx classifieds</a> '
           '<a class="post-new" href="/boardex/post/new">Post a free ad</a> '
           '<a class="search" href="/boardex/search?q=">Search</a></header>')
    foot = "<footer><p>BoardEx - free classifieds. Meet in public places. Never pay in advance.</p></footer>"
    return shell(f"{title} - BoardEx", f"{top}\n{main}\n{foot}", lang)


def index(cards: list[Listing], total: list[int], page: int) -> str:
    main = index_main(cards, total, page, "/boardex/", main_class="board", heading="Latest ads",
                      box="table", box_class="posts", row=_post_row, size=PAGE_SIZE)
    return _frame("Latest ads", main)


def _post_row(item: Listing) -> str:
    return (f'<tr><td class="section">{esc(item.category)}</td><td><a class="post-link" href="{esc(item.url_path)}">'
            f'{esc(item.title)}</a></td><td class="posted">{day_date(item.core.first_day).isoformat()}</td></tr>')


def post(item: Listing) -> str:
    main = (f'<main class="post">\n<h1 class="post-title">{esc(item.title)}</h1>\n'
            f'<p class="meta">Posted by {esc(item.seller.handle)} in {esc(item.category)} on '
            f'{day_date(item.core.first_day).isoformat()}</p>\n'
            f'<div class="post-body">\n{paragraphs(item.description)}\n</div>\n'
            f'<p class="actions"><a class="reply" href="/boardex/post/new?reply={item.listing_id}">Reply</a></p>\n'
            "</main>")
    return _frame(item.title, main, item.language)


def new_post_form() -> str:
    return _frame("Post a free ad", '<main><h1>Post a free ad</h1><form method="post"></form></main>')
