"""Whose contact a page shows: the seller's, or the market staff's, a quoted buyer's, the
classifieds site's own, or another user's on a page of posts (nlp/identity.py reads them all)."""

from __future__ import annotations

import re

from nlp.fastre import contains_any

# The market's own staff, not the seller: "Market support: support_trd@...", "Support:
# torzon_support@... (market staff only)". A shop's "24/7 support: support@shop" is the seller's.
_MARKET_STAFF = re.compile(
    r"\bmarket(?:place)?[ \t]+(?:support|staff|admin\w*|team|moderators?)\b", re.I)
_STAFF_BEFORE, _STAFF_AFTER = 40, 60  # characters around a contact, on its line
# A site's role address: its help desk, not a person
_ROLE_ADDRESS = re.compile(r"(?:support|service|help|info|admin|contact|no-?reply|abuse|privacy|"
                           r"legal|press|careers|jobs|team)@(?P<site>[\w\-]+)\.", re.I)


def _site_address(email: str, text: str, seller: str) -> bool:
    """A role address at the domain of the site whose copyright line the page shows, when the
    seller is someone else: the classifieds site's help desk, not the seller."""
    m = _ROLE_ADDRESS.match(email)
    if m is None or m.group("site").lower() in seller.lower():
        return False
    site = m.group("site").lower()
    return any(site in line.lower() for line in text.splitlines() if "©" in line)


def someone_elses(text: str, at: int, kind: str, value: str, seller: str | None,
                  posts: list[tuple[int, str]]) -> bool:
    """The contact is the market's staff's, a quoted buyer's, the classifieds site's, or in
    another user's post or comment."""
    return (_market_staff(text, at) or _quoted(text, at)
            or bool(seller and kind == "email" and _site_address(value, text, seller))
            or _in_anothers_post(at, posts, seller))


# A post's or a comment's author on a forum or a Dread-style board: "Verfasst von X", "posted by
# X", a line "/u/X" over a comment.
_AUTHOR = re.compile(r"(?:\b(?:verfasst[ \t]+von|posted[ \t]+by|post[ée][ \t]+par|"
                     r"publi[ée][ \t]+par|publicado[ \t]+por|pubblicato[ \t]+da|geplaatst[ \t]+door)"
                     r"[ \t]*:?[ \t]*"
                     r"(?:/?u/)?|^[ \t]*/?u/)(?P<h>[\w.\-]{2,40})", re.IGNORECASE | re.MULTILINE)
_AUTHOR_MARKS = ("verfasst", "posted", "posté", "publi", "pubblicato", "geplaatst", "u/")


def posts(text: str, low: str, seller: str | None) -> list[tuple[int, str]]:
    """(start, author) of each post or comment, when the seller is one of the authors: a page
    of posts, whose other authors' contacts are theirs."""
    if not seller or not contains_any(low, _AUTHOR_MARKS):
        return []
    posts = [(m.start(), m.group("h").lower()) for m in _AUTHOR.finditer(text)]
    return posts if any(author == seller.lower() for _, author in posts) else []


def _in_anothers_post(at: int, posts: list[tuple[int, str]], seller: str | None) -> bool:
    author = next((a for start, a in reversed(posts) if start < at), None)
    return author is not None and seller is not None and author != seller.lower()


# A review quoted with its author after it: "“Dublin 4 days ... wickr: shardlad” — e***n, 1 week
# ago" is a buyer's word, and their contact.
_QUOTED_BY = re.compile(r"[\"“«„](?P<q>[^\"“”«»„\n]{2,400})[\"”»“][ \t]*[—–-][ \t]*\S")


def _quoted(text: str, at: int) -> bool:
    """The contact at `at` is inside a quotation that names its author after it."""
    start = text.rfind("\n", 0, at) + 1
    end = len(text) if (e := text.find("\n", at)) < 0 else e
    return any(m.start("q") <= at < m.end("q") for m in _QUOTED_BY.finditer(text, start, end))


def _market_staff(text: str, at: int) -> bool:
    """The contact at `at` is named as the market's staff on its line."""
    start = max(text.rfind("\n", 0, at) + 1, at - _STAFF_BEFORE)
    end = text.find("\n", at)
    end = at + _STAFF_AFTER if end < 0 else min(end, at + _STAFF_AFTER)
    return "arket" in text[start:end] and _MARKET_STAFF.search(text, start, end) is not None
