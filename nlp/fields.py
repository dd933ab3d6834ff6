"""`pharmwatch_places`, `pharmwatch_seller`, `pharmwatch_price`: hints first, then cues."""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from price_parser import Price
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from nlp import cues
from nlp.fastre import Prechecked, contains_any, folded, guarded
from nlp.extensions import DocAttrs, folded_of, hint, register_extensions, text_of
from nlp.places import REGIONS, WORLDWIDE, country_names, exclusions, names_a_group, parse_places

# ---------------------------------------------------------------- places


class PlaceTagger:
    """LOCATION spans for country names; doc._.ship_from / doc._.ship_to from cues."""

    def __init__(self, nlp: Language, name: str) -> None:
        register_extensions()
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        names = [n for n in country_names() if len(n) > 3]
        self.matcher.add("LOCATION", list(nlp.tokenizer.pipe(names)))

    def __call__(self, doc: Doc) -> Doc:
        u = DocAttrs(doc)  # not doc._: spaCy builds a new proxy per access
        doc.spans["places"] = self.matcher(doc, as_spans=True)  # labelled LOCATION
        from_hint, to_hint = hint(doc, "ships_from"), hint(doc, "ships_to")
        if from_hint is not None:
            u.ship_from = _hinted_origin(from_hint)
        to_places: list[str] = []
        route_excluded: list[str] = []
        text = text_of(doc)
        if from_hint is None:
            u.ship_from, to_places, route_excluded = self._page_origin(u, text, folded_of(doc))
        if to_hint is not None:
            u.ship_to, u.ship_to_exclusions = _hinted_destinations(to_hint)
        else:
            found, excluded, origin = _destinations(text)
            if not (found or to_places):
                # no cue names a destination: "Fast UK & EU delivery", "shipping worldwide except US"
                found, excluded = _delivery_places(text, folded_of(doc), excluded)
            if not (found or to_places) and _turkish(folded_of(doc)):
                found = _turkish_places(_TURKISH_TO, text)
            if not (found or to_places) and " only" in folded_of(doc):
                found = _only_places(text)
            u.ship_to = found or to_places
            u.ship_to_exclusions = excluded + [c for c in route_excluded if c not in excluded]
            if u.ship_from is None and from_hint is None:
                u.ship_from = origin
        if u.ship_from is None and from_hint is None and contains_any(folded_of(doc), _AD_MARKS):
            u.ship_from = _ad_location(text, folded_of(doc))
        if u.ship_from is None and from_hint is None and len(u.ship_to) == 1:
            u.ship_from = _within(text, folded_of(doc), u.ship_to[0])
        if not u.ship_to and from_hint is None and to_hint is None:
            if u.ship_from is None:
                local = _dead_drop_place(text, folded_of(doc))
                if local is not None:
                    u.ship_from, u.ship_to = local, [local]
            elif u.ship_from not in REGIONS and _drops_offered(text, folded_of(doc)):
                # a dead-drop shop's city ("Город: Москва"): it sells where it hides the drops
                u.ship_to = [u.ship_from]
        if not u.ship_to and (_DOMESTIC.possible(folded_of(doc))
                              or (to_hint and _DOMESTIC.regex.search(to_hint))):
            self._domestic(u, text if to_hint is None else f"{to_hint}\n{text}", from_hint)
        if u.ship_to_exclusions and u.ship_to:
            # "USA (excluding Alaska, Hawaii)": a part of a destination is left out, not all of it
            u.ship_to_exclusions = [c for c in u.ship_to_exclusions if c not in u.ship_to]
        return doc

    @staticmethod
    def _page_origin(u: DocAttrs, text: str, low: str) -> tuple[str | None, list[str], list[str]]:
        """On a page, the origin its listing's own heading is followed by, before one a
        "Featured" box or a sidebar shows above it ("0.1350 BTC - ships from NL" over the
        listing's "Ships from: United Kingdom"); else the text's first."""
        end = _heading_end(u, text)
        if end:
            found = _origin(text[(u.title_end or 0) + end:])
            if found[0] is not None:
                return found
        return _origin(text, low)

    @staticmethod
    def _domestic(u: DocAttrs, text: str, from_hint: str | None) -> None:
        """"DOMESTIC USA", "1g USA domestic", "Ships to: Domestic only": the route stays in the
        origin's country (the country beside the word, when the text names no origin)."""
        for m in _DOMESTIC.regex.finditer(text):
            if _NOT_BEFORE.search(text, max(0, m.start() - 8), m.start()):
                continue
            lo, hi = _on_its_line(text, m, _BESIDE)
            beside = parse_places(text[lo:m.start()] + " , " + text[m.end():hi], demonyms=False)
            if u.ship_from is None and from_hint is None and len(beside) == 1:
                u.ship_from = beside[0]
            if u.ship_from is not None and u.ship_from not in REGIONS:
                u.ship_to = [u.ship_from]
                return


# Where a classified ad is, when no cue says where it ships from: its location field ("Location:
# Hackney, London", "Localisation" over "Marseille 13003", "Город: Москва") or where the seller
# hands it over ("Pickup at Computer Village, Ikeja", "Ophalen in Utrecht", "Remise en main
# propre sur Marseille").
_AD_LABEL = Prechecked(re.compile(
    r"^[ \t]*(?:item[ \t]+|ad[ \t]+)?(?:location|located[ \t]+in|standort|artikelstandort|locatie|"
    r"localisation|ubicaci[oó]n|localizaci[oó]n|localit[àa]|lokalizacja|lokalita|город|"
    r"расположение|местоположение)[ \t]*:?[ \t]*\n?[ \t]*(?P<v>[^\n]{2,80})",
    re.IGNORECASE | re.MULTILINE))
_PICKUP = Prechecked(re.compile(
    r"\b(?:pick[ \t-]?up|collection|abholung|ophalen|remise[ \t]+en[ \t]+main[ \t]+propre|"
    r"recogida|ritiro|самовывоз|odbi[oó]r[ \t]+osobisty)[ \t]+(?:is[ \t]+)?(?:possible[ \t]+)?"
    r"(?:at|in|from|im|bij|à|a|sur|en|из|с|w)[ \t]+(?P<v>[^\n.;!?]{2,60})", re.IGNORECASE))
_AD_MARKS = ("locat", "standort", "locali", "ubica", "город", "располож", "местополож", "pick",
             "collection", "abholung", "ophalen", "main propre", "recogida", "ritiro",
             "самовывоз", "odbi")


# "Versand nur innerhalb Deutschlands", "ship within Canada": the parcel never leaves the country.
_WITHIN = re.compile(r"\b(?:within|innerhalb|dentro[ \t]+de|binnen|na[ \t]+terenie|solo[ \t]+in|"
                     r"solo[ \t]+en|nur[ \t]+in|uniquement[ \t]+en)[ \t]+(?:the[ \t]+)?"
                     r"(?P<v>[^\W\d_][^\n,.;()]{1,30})", re.IGNORECASE)
_WITHIN_MARKS = ("within", "innerhalb", "dentro", "binnen", "terenie", "solo in", "solo en",
                 "nur in", "uniquement")


def _within(text: str, low: str, destination: str) -> str | None:
    """The one destination, as the origin too, when the text ships only within it."""
    if destination in REGIONS or not contains_any(low, _WITHIN_MARKS):
        return None
    for m in _WITHIN.finditer(text):
        if parse_places(m.group("v")) == [destination]:
            return destination
    return None


def _ad_location(text: str, low: str) -> str | None:
    """The one country of an ad's location field, else of its pickup place."""
    for pattern in (_AD_LABEL, _PICKUP):
        for m in pattern.finditer(text, low):
            places = [c for c in parse_places(m.group("v")) if c not in REGIONS]
            if len(places) == 1:
                return places[0]
    return None


# "domestic", "inland" (German "Inland", "nur Inlandsversand"): not after "no", "non-", "not".
# "to all states", "all 50 states", "all provinces", "countrywide": all over the origin's country.
_DOMESTIC = Prechecked(re.compile(r"\b(?:domestic(?:ally)?|inland(?:sversand)?|nationwide|"
                                  r"country[ \t-]?wide|all[ \t]+(?:50[ \t]+)?states|"
                                  r"all[ \t]+(?:the[ \t]+)?provinces)\b", re.IGNORECASE))
_NOT_BEFORE = re.compile(r"(?:\bno|\bnot|\bnon)[ \t-]*\Z", re.IGNORECASE)
_BESIDE = 16  # characters either side of "domestic" where its country is named


def _on_its_line(text: str, m: re.Match[str], reach: int) -> tuple[int, int]:
    """Bounds of the text around match `m`: `reach` characters either side, on its line."""
    line_start = text.rfind("\n", 0, m.start()) + 1
    line_end = len(text) if (e := text.find("\n", m.end())) < 0 else e
    return max(line_start, m.start() - reach), min(line_end, m.end() + reach)


# A crawler's field is mostly a bare value ("Germany", "EU, US"), but a market may show its
# route as a sentence in one element, which a config then gives as both fields ("We ship
# worldwide from India"): a field with cue words is read by the cue rules, like the text.
def _hinted_origin(value: str) -> str | None:
    origin, _, _ = _origin(value)
    if origin is not None:
        return origin
    found = parse_places(value)
    return found[0] if found else None


def _hinted_destinations(value: str) -> tuple[list[str], list[str]]:
    found, excluded, _ = _destinations(value)
    if not found:
        origin, tail, _ = _origin(value)
        # With an origin cue, only what follows the origin ("Ships from Germany to EU") or
        # precedes a delivery word ("Fast UK & EU delivery from the United Kingdom") is a
        # destination; without one the value is the destination list.
        found = (tail or _destinations_before(value, folded(value)) if origin is not None
                 else parse_places(value))
    return found, excluded + [c for c in exclusions(value) if c not in excluded]


# "Ships from Germany to EU", "X To: Y", "NL > EU": the origin value carries destinations.
_TO_SPLIT = re.compile(r"\s(?:to|nach|vers|hacia|naar|till|til|по|->|>|→)\s*:?\s", re.IGNORECASE)


# "Ships from Germany, Netherlands" lists origins: only an unpunctuated tail is a destination.
_LIST_MARK = re.compile(r"[,/;|(&+]")


# "Envío desde España a España", "Spedito dall'Italia a Italia", "de la France à la Belgique":
# the Romance "to" is a one-letter word, so it splits only when places stand either side.
_TO_SPLIT_SHORT = re.compile(r"\s(?:a|à|al|para)\s", re.IGNORECASE)


def _split_route(value: str) -> tuple[str, list[str]]:
    head, *rest = _TO_SPLIT.split(value, maxsplit=1)
    if not rest:
        short_head, *short_rest = _TO_SPLIT_SHORT.split(value, maxsplit=1)
        if short_rest and parse_places(short_head) and parse_places(short_rest[0]):
            return short_head, short_rest
    return head, rest


def _origin(text: str, low: str | None = None) -> tuple[str | None, list[str], list[str]]:
    """(origin, destinations the origin's value carries, places that value excludes): "Ships
    from Spain to all of Europe except the UK" -> ES, [EU], [GB]. `low`: folded(text) when the
    caller has it."""
    origin: str | None = None
    for _, value in cues.values_after(cues.SHIP_FROM, text):
        head, rest = _split_route(value)
        if rest and _SENTENCE_END.search(head):
            # a later sentence's "to": "Envoi depuis Marseille en France, discret et rapide.
            # Pas d'envoi vers la Suisse" ships nothing to Switzerland
            rest = []
        found = parse_places(head)
        if not found or origin not in (None, found[0]):
            continue
        origin = found[0]
        to_places = parse_places(rest[0]) if rest else _region_tail(head, found)
        if to_places:
            # only where the value names destinations: "from NL, not from China" excludes nothing
            return origin, to_places, exclusions(rest[0] if rest else head)
        # else a later mention of the same origin may give the route: a title's "- shipping
        # from NL" above the description's "Shipping from NL to all of Europe"
    if origin is not None:
        return origin, [], []
    origin, to_places = _route(text)
    low = folded(text) if low is None else low
    if origin is None and _turkish(low):
        origin = _turkish_origin(text)
    if origin is None:
        origin = _bare_origin(text, low)
    return origin, to_places, []


# A route drawn with an arrow and no cue word: "🇳🇱 ➡️ 🇪🇺", "Shipping: DE -> EU", "UK → WW".
_ARROWS = ("->", "=>", "→", "⇒", "⟶", "➡", "➜", "➔", "➝", "⮕")
_ARROW = re.compile(r"[ \t]*(?:" + "|".join(map(re.escape, _ARROWS)) + r")\ufe0f?[ \t]*")
_ROUTE_SIDE = 40  # characters read either side of the arrow


# The trade's shorthand for a route, with no cue word: "UK to UK only", "from US to US only",
# "UK>UK", "EU2EU". Only right after a place: "Welcome to ..." or "x2" name no route.
_SHORT_ROUTE = re.compile(r"(?<=[^\W\d_.])(?:[ \t]+to[ \t]+(?!:)|[ \t]*>[ \t]*|"
                          r"(?-i:(?<=\b[A-Z]{2})2(?=[A-Z]{2}\b)))", re.IGNORECASE)
_SHORT_ROUTE_MARKS = (" to ", " TO ", " To ", ">", "2")
# Before the shorthand, only the place itself: after a "from", a dash, a bar, a colon...
_ROUTE_HEAD = re.compile(r"(?:.*(?:\bfrom\b|[-–|:(•,\[])|^)[ \t]*", re.IGNORECASE | re.DOTALL)
_ROUTE_HEAD_WORDS = 3
# Capitals that are ISO codes but mostly something else before "to": "CC To US Bank Account"
# (a credit card), "ID to ...", "IT to ...".
_NOT_ROUTE_HEADS = frozenset("CC ID TV AI AM PM ME MY SO DO GO NO IT IS BE AT BY AS AD".split())


def _route(text: str) -> tuple[str | None, list[str]]:
    """(origin, destinations) of the first arrow with one place before it and places after
    it on its line, else of the first shorthand ("UK to UK only", "UK>UK") right after a place;
    (None, []) when there is none. Demonyms are not trusted here."""
    if contains_any(text, _ARROWS):
        found = _route_at(text, _ARROW, short=False)
        if found[0] is not None:
            return found
    if contains_any(text, _SHORT_ROUTE_MARKS):
        return _route_at(text, _SHORT_ROUTE, short=True)
    return None, []


def _route_at(text: str, connector: re.Pattern[str], short: bool) -> tuple[str | None, list[str]]:
    for m in connector.finditer(text):
        # line ends looked for within reach only: on a long line, a search to the line's end
        # at every match cost time quadratic in it
        side_start = max(0, m.start() - _ROUTE_SIDE)
        side_end = min(len(text), m.end() + _ROUTE_SIDE)
        line_start = text.rfind("\n", side_start, m.start()) + 1
        line_end = text.find("\n", m.end(), side_end)
        before = text[max(line_start, side_start):m.start()]
        after = text[m.end():side_end if line_end < 0 else line_end]
        if short:
            before = before[_ROUTE_HEAD.match(before).end():]
            if len(before.split()) > _ROUTE_HEAD_WORDS:
                before = _place_tail(before)
            if not before or before.strip() in _NOT_ROUTE_HEADS or any(
                    w.lower() in _TAIL_NOT_BEFORE for w in before.split()):
                continue
        origins = parse_places(before.split(":")[-1], demonyms=False)
        destinations = parse_places(connector.split(after)[0].split(". ")[0], demonyms=False)
        if len(origins) == 1 and destinations:
            return origins[0], destinations
    return None, []


# After a product's words, only the place itself ends them: "Tapentadol 100mg 200 tabs India to
# USA", "Ambien 10mg x 90 $270 USA to USA". Not "Welcome to UK", nor capitals that are mostly
# words ("AVAILABLE IN to ...").
_TAIL_NOT_BEFORE = frozenset("welcome back return returned moved moving compare compared convert "
                             "converted travel travelling traveling flight flights trip".split())
_TAIL_CODES = frozenset("UK US USA EU WW NL DE CA AU".split())


def _place_tail(before: str) -> str | None:
    """The last one to three words of `before` when they are one place and nothing else."""
    words = before.split()
    for k in range(1, min(3, len(words) - 1) + 1):
        tail = " ".join(words[-k:])
        if words[-k - 1].lower() in _TAIL_NOT_BEFORE:
            return None
        if not _place_words(words[-k:]):
            continue  # "NEED TO BE ABLE TO CHECK IF IT IS": "BE" is no Belgium here
        if len(parse_places(tail, demonyms=False)) == 1:
            return tail
    return None


# "Ketamine 5g, from NL", "XTC pills | from Germany": a clause that is "from" and one place,
# the listing's origin when no cue names one. Only as its own clause: "Cocaine from Colombia"
# and "Hash from Morocco" tell where the drug was made, not where the parcel leaves.
# A clause's start (a line's, or after a comma, bar, bracket, slash or spaced dash) and a short
# phrase that may be a place.
_CLAUSE = r"(?:^|(?<=[,|;•(/])|(?<=[,|;•(/] )|(?<=\s[-–—] ))[ \t]*"
_PHRASE = r"(?P<p>[^\W\d_][^\n,.;|)!?]{0,28}?)"
_BARE_FROM = Prechecked(re.compile(
    _CLAUSE + r"(?:from|desde|depuis|из)[ \t]+" + _PHRASE + r"[ \t]*(?=$|[,.;|)!?]|[-–—][ \t])",
    re.IGNORECASE | re.MULTILINE))


# Turkish puts the case after the place: "Türkiye'den kargo" (from Turkey), "Avrupa'ya
# gönderim" (to Europe), "Türkiye geneli" (all over Turkey).
_TURKISH_MARKS = ("kargo", "gönder", "gonder", "sevk", "teslim", "geneli")
# Words of at most 30 letters, from a word's start: a long run of letters costs one pass.
_TR_PLACE = r"(?<![^\W\d_])(?P<p>(?:[^\W\d_]{1,30}[ \t]){0,2}?[^\W\d_]{1,30}?)"
_TURKISH_FROM = re.compile(_TR_PLACE + r"['’]?(?:den|dan|ten|tan)[ \t]+"
                           r"(?:kargo|g[öo]nder|sevk|postal|ç?[ıi]k)", re.IGNORECASE)
_TURKISH_TO = re.compile(_TR_PLACE + r"(?:['’]?(?:ye|ya|e|a)[ \t]+(?:kargo|g[öo]nder|sevk|teslim)|"
                         r"[ \t]+geneli(?:ne)?\b)", re.IGNORECASE)


def _turkish(low: str) -> bool:
    """Whether a text has a Turkish shipping word (`low` = folded(text)): then its routes are
    looked for."""
    return contains_any(low, _TURKISH_MARKS)


def _turkish_places(pattern: re.Pattern[str], text: str) -> list[str]:
    for m in pattern.finditer(text):
        words = m.group("p").split()
        for k in range(len(words)):
            found = parse_places(" ".join(words[k:]), demonyms=False)
            if found:
                return found
    return []


def _turkish_origin(text: str) -> str | None:
    found = _turkish_places(_TURKISH_FROM, text)
    return found[0] if len(found) == 1 else None


# "$200 shipped - USA only -", "Xanax bars | UK & EU only": a clause that is places and "only"
# names the destinations, when no cue does.
_PLACE_ONLY = re.compile(_CLAUSE + _PHRASE + r"[ \t]+only\b", re.IGNORECASE | re.MULTILINE)
_CONNECTORS = frozenset({"&", "and", "+", "/", "und", "et", "y"})


def _place_words(words: list[str]) -> bool:
    """Capitalised words, and a short capital only when it is a code the trade writes ("CC
    Info Only" is no Cocos Islands)."""
    return all(w[0].isupper() and not (len(w) <= 3 and w.isupper() and w not in _TAIL_CODES)
               for w in words)


def _only_places(text: str) -> list[str]:
    for m in _PLACE_ONLY.finditer(text):
        words = [w for w in m.group("p").split() if w.lower() not in _CONNECTORS]
        if 0 < len(words) <= 4 and _place_words(words):
            found = parse_places(" ".join(words), demonyms=False)
            if found:
                return found
    return []


# Dead-drop shops (Russian-language markets and Telegram shops) sell in a city: "закладка
# Москва", "клад в Санкт-Петербурге", "Купить кокаин в Киеве". The goods never cross a border:
# the city's country is the origin and the one destination.
_DROP_WORDS = (r"закладк\w*|(?<![^\W\d_])клад(?:ы|ом|ов|а|у|е)?(?![^\W\d_])|тайник\w*|"
               r"dead[ \t-]?drops?")
_DEAD_DROP_WORD = Prechecked(re.compile(_DROP_WORDS, re.IGNORECASE))
# "Купить кокаин в Киеве": a city after "buy" on its line is where the drops are, too
_DEAD_DROP = Prechecked(re.compile(_DROP_WORDS + r"|купить", re.IGNORECASE))
_DROP_REACH = 60  # characters either side of the word, on its line


# "клады не делаем", "без кладов", "no dead drops": a shop that posts, not one that hides
_NO_DROPS_BEFORE = re.compile(r"(?:\b(?:no|not|never|без|не|нет)\b)[ \t]*\Z", re.IGNORECASE)
_NO_DROPS_AFTER = re.compile(r"[ \t,]*(?:не|нет)\b", re.IGNORECASE)


def _drops_offered(text: str, low: str) -> bool:
    return any(not _NO_DROPS_BEFORE.search(text, max(0, m.start() - 12), m.start())
               and not _NO_DROPS_AFTER.match(text, m.end())
               for m in _DEAD_DROP_WORD.finditer(text, low))


def _dead_drop_place(text: str, low: str) -> str | None:
    for m in _DEAD_DROP.finditer(text, low):
        lo, hi = _on_its_line(text, m, _DROP_REACH)
        found = [c for c in parse_places(text[lo:hi]) if c not in REGIONS]
        if len(found) == 1:
            return found[0]
    return None


_ARTICLES = frozenset("the la le el los les de der den het".split())


# "UK stock", "EU warehouse", "Dutch stock": where the goods wait to be sent.
_STOCK = Prechecked(re.compile(r"(?<![\w-])(?P<p>(?:[^\W\d_][\w.]*[ \t]){0,2}[^\W\d_][\w.]*)[ \t]+"
                               r"(?:stock|warehouse|lager)\b", re.IGNORECASE))


def _bare_origin(text: str, low: str) -> str | None:
    for m in _STOCK.finditer(text, low):
        words = m.group("p").split()
        for k in range(len(words)):  # "Best UK stock": the place is the last words
            tail = words[k:]
            found = parse_places(" ".join(tail)) if _place_words(tail) else []
            if len(found) == 1 and found[0] != WORLDWIDE:
                return found[0]
    for m in _BARE_FROM.finditer(text, low):
        words = [w for w in m.group("p").split() if w.lower() not in _ARTICLES]
        if not 0 < len(words) <= 3 or not _place_words(words):
            continue  # "from my iPhone", "from Germany with love"
        found = parse_places(" ".join(words), demonyms=False)
        if len(found) == 1 and found[0] not in REGIONS:
            return found[0]
    return None


def _region_tail(head: str, found: list[str]) -> list[str]:
    """"Shipping from United Kingdom worldwide", "Expédition depuis la Belgique dans le monde
    entier": a region after a country origin, with no list mark between, is where it goes."""
    if found[0] in REGIONS or _LIST_MARK.search(head):
        return []
    return [p for p in found[1:] if p in REGIONS]


# "Fast UK & EU delivery", "worldwide shipping", "EU-Versand": destinations named just before
# the delivery word. A sentence end, a line break or a dash cuts the words looked at
# ("Ketamine - fast shipping"; "Отправка из: Россия" above "Доставка: ..." is the origin);
# demonyms are not trusted there ("Dutch shipping" says nothing of a route).
_DELIVERY = Prechecked(re.compile(
    r"(?<![^\W\d_])(?:delivery|shipping|versand|lieferung|livraison|env[ií]os?|verzending|"
    r"доставка)(?!\w)", re.IGNORECASE))
_WORDS_BEFORE = re.compile(
    r"(?<![\w.'-])(?:(?:(?:[^\W\d_]\.){2,}|[^\W\d_][\w'-]*)"  # a word, or "U.K."
    r"(?:[ \t]*[&,/][ \t]*|[ \t]+(?:and|und|et|y|en|и)[ \t]+|[ \t]+|-)){1,4}$", re.IGNORECASE)
_LOOKBACK = 48  # characters before the delivery word: a few place names at most
# Shouted titles ("2mg IN ESCROW Free Shipping", "PILLS AND FREE SHIPPING") are full of words
# that are also ISO codes (IN, AND, CAN, PER): here only names count (UK, EU, USA...), and "US".
_SHOUTED = re.compile(r"\b(?!(?:US|USA|UK|EU|WW|UAE)\b)[A-Z]{2,3}\b")


def _destinations_before(text: str, low: str) -> list[str]:
    """Places in the few words before a delivery word, for listings with no destination cue
    (`low` = folded(text), for the pre-check)."""
    return _around_delivery(text, low)[0]


# "Ships from Netherlands, worldwide shipping": the place right after "from" is the origin,
# not where the delivery goes.
_FROM_WORD = re.compile(r"\b(?:from|aus|von|depuis|desde|uit|vanuit|из)\b", re.IGNORECASE)


def _places_before(text: str, at: int) -> list[str]:
    before = _WORDS_BEFORE.search(text, max(0, at - _LOOKBACK), at)
    if before is None:
        return []
    words = _SHOUTED.sub(" ", before.group(0))
    origin = None
    for origin in _FROM_WORD.finditer(words):
        pass
    if origin is None:
        return parse_places(words, demonyms=False)
    return parse_places(words[origin.end():], demonyms=False)[1:]


# "Shipping worldwide except the US": a delivery word, then where it goes; read only when no
# cue names a destination ("FREE SHIPPING WORLDWIDE" in a title loses to a "Ship to:" field).
_WORLDWIDE_AFTER = re.compile(  # also as a label's value: "shipping: worldwide"
    r"[ \t]*:?[ \t]+(?:world[ \t-]?wide|internationally|globally|weltweit|wereldwijd|dans[ \t]+le[ \t]+monde|"
    r"(?:a|en|por)[ \t]+todo[ \t]+el[ \t]+mundo|in[ \t]+tutto[ \t]+il[ \t]+mondo|по[ \t]+всему[ \t]+миру)"
    r"(?!\w)[^\n.!?]*", re.IGNORECASE)


def _around_delivery(text: str, low: str) -> tuple[list[str], str | None]:
    """(places named before any delivery word, the "worldwide ..." words after the first
    delivery word they follow), in one pass over the delivery words."""
    worldwide = None
    for m in _DELIVERY.finditer(text, low):
        found = _places_before(text, m.start())
        if found:
            return found, worldwide
        if worldwide is None:
            after = _WORLDWIDE_AFTER.match(text, m.end())
            worldwide = after.group(0) if after else None
    return [], worldwide


def _delivery_places(text: str, low: str, excluded: list[str]) -> tuple[list[str], list[str]]:
    """(destinations, exclusions) from the words around a delivery word, for listings whose
    cues name no destination; `excluded`: what the cues excluded so far."""
    found, worldwide = _around_delivery(text, low)
    if found:
        return found, excluded
    if worldwide is not None:
        return [WORLDWIDE], excluded + [c for c in exclusions(worldwide) if c not in excluded]
    return [], excluded


_LIST_LINES = 12  # countries listed one a line under a destination label
_SENTENCE_END = re.compile(r"(?<!\b[A-Z])[.!?;](?:\s|$)")  # not "U.S. or Australia"
_DASH_CLAUSE = re.compile(r"\s[—–]\s")
_QUESTION = re.compile(r"[^.!?\n]{0,80}\?")
# "ships worldwide from India": the origin part of a destination value is not a destination.
_FROM_SPLIT = re.compile(r"\s(?:from|aus|depuis|desde|vanuit|uit|из)\s", re.IGNORECASE)


def _destinations(text: str) -> tuple[list[str], list[str], str | None]:
    """(destinations of the first destination cue naming a place, places any cue excludes,
    the one place after "from" in a destination value: "ships worldwide except US from NL")."""
    found: list[str] = []
    excluded: list[str] = []
    origin: str | None = None
    found_cues: Iterable[tuple[int, str]] = cues.values_after(cues.SHIP_TO, text,
                                                              list_lines=_LIST_LINES)
    if contains_any(text, cues.TO_LABEL_MARKS):
        found_cues = heapq.merge(found_cues, cues.values_after(cues.SHIP_TO_LABEL, text,
                                                               list_lines=_LIST_LINES))
    for cue_end, value in found_cues:
        if _QUESTION.match(value):
            continue  # "Do you ship to the UK after Brexit?": a buyer asks, nobody ships there
        # the sentence the cue opens: "worldwide. We dont ship to U.S. or Australia." is WW
        value = _SENTENCE_END.split(value, 1)[0]
        value, *tail = _FROM_SPLIT.split(value, maxsplit=1)
        if (_NEGATED.search(text, max(0, cue_end - _NEGATION_REACH), cue_end)
                or _negated_above(text, cue_end)):
            # "We DO NOT ship to: CANADA, AUSTRALIA": every place named is excluded, up to the
            # clause's end ("the USA or Australia — customs too strict, sorry. Canada OK.")
            value = _DASH_CLAUSE.split(value, 1)[0]
            excluded += [c for c in parse_places(value) if c not in excluded]
            continue
        places = parse_places(value)
        # "worldwide from India (except UAE and Saudi Arabia)": the exclusions may follow the origin
        tail_excluded = exclusions(tail[0]) if tail else []
        if len(places) > 1 and names_a_group(value):
            # "Scandinavia except Norway": the region without the country it leaves out
            places = [c for c in places if c not in exclusions(value)]
        if places and not found:
            found = places
            origins = [c for c in parse_places(tail[0]) if c not in tail_excluded] if tail else []
            origin = origins[0] if len(origins) == 1 else None
        excluded += [c for c in [*exclusions(value), *tail_excluded] if c not in excluded]
    if contains_any(text, _RU_NOT_SENT_MARKS):
        excluded += [c for c in _russian_not_sent(text) if c not in excluded]
    if contains_any(text, _EXCLUDED_MARKS):
        excluded += [c for m in _EXCLUDED_LABEL.finditer(text) for c in parse_places(m.group("v"))
                     if c not in excluded]
    return found, excluded, origin


# A market's own field for what a listing leaves out, its value beside it or on the next line
# ("Excluded:" / "United States, Australia"; "Not shipping to: SE, FI").
_EXCLUDED_LABEL = re.compile(r"^[ \t]*(?:exclude[sd](?:[ \t]+(?:countries|destinations))?|"
                             r"not[ \t]+shipping[ \t]+to|ausgeschlossen|exclus|excluidos?)[ \t]*:"
                             r"[ \t]*\n?[ \t]*(?P<v>[^\n]{2,200})", re.IGNORECASE | re.MULTILINE)
_EXCLUDED_MARKS = ("xclude", "XCLUDE", "hipping to:", "usgeschlossen", "xclus", "xcluido")


# Russian puts the place before the negated verb: "В Украину не отправляем", "в Крым не доставляем".
_RU_NOT_SENT = re.compile(r"(?<![^\W\d_])[вВ][ \t]+(?P<v>[^\n.,;!?]{2,40}?)[ \t]+не[ \t]+"
                          r"(?:отправляем|доставляем|высылаем|отправляю|высылаю|шл[её]м)")
_RU_NOT_SENT_MARKS = ("не отправ", "не достав", "не высыла", "не шл")


def _russian_not_sent(text: str) -> list[str]:
    return [c for m in _RU_NOT_SENT.finditer(text) for c in parse_places(m.group("v"))]


# A destination cue right after a negation, on the same clause ("do not ship to", "we don't
# deliver to", "no shipping to"): its places are where the listing does not go.
_NEGATED = re.compile(r"(?:\b(?:not|no|never|nicht|kein\w*|pas|niet|geen|nunca|не|"
                      r"dont|doesnt|cant|wont|unable|cannot)|n't)\b"
                      r"[^\n.,;!?]{0,20}$", re.IGNORECASE)
_NEGATION_REACH = 32  # characters before the cue's end: the negation and the cue words
# A bold "NO" opening a sentence at the end of the line above the cue ("EU + UK. NO" / "shipping
# to SE / FI / NO"): the page set the word in its own element.
_NEGATION_ABOVE = re.compile(r"(?:^|[.!?][ \t]+)(?:no|not|kein|pas|niet|geen)[ \t]*\n[ \t]*$",
                             re.IGNORECASE | re.MULTILINE)


def _negated_above(text: str, cue_end: int) -> bool:
    line_start = text.rfind("\n", 0, cue_end) + 1
    if line_start == 0 or cue_end - line_start > _NEGATION_REACH:
        return False
    above = text.rfind("\n", 0, line_start - 1) + 1
    return _NEGATION_ABOVE.search(text, above, line_start) is not None


@Language.factory("pharmwatch_places", default_config={})
def make_place_tagger(nlp: Language, name: str) -> PlaceTagger:
    return PlaceTagger(nlp, name)


# ---------------------------------------------------------------- seller

# A handle: any letters (Russian shops name themselves in Cyrillic: "Продавец: ХимикМСК"), after
# an "@", a quote or up to three emoji ("Vendor: 💊PillKing💊").
_H = (r"(?:@|['\"“‘«]|[\u2600-\u27bf\U0001f300-\U0001faff]{1,3}[ \t]?)?"
      r"(?P<h>[^\W_][\w.\-]{1,39})")
_NOT_HANDLE = frozenset(
    "add level since info information profile rating ratings contact me us the is a an "
    "and or of on for to in at by with trust trusted verified page shop store feedback "
    "none n/a na no yes name seller vendor here now via only please message block list "
    "positive negative neutral payment status statistics stats "
    # "Contact me on WhatsApp": the messenger, not the seller
    "whatsapp telegram signal wickr threema session email e-mail mail phone icq jabber xmpp "
    "discord skype snapchat instagram kik wechat viber line protonmail wire matrix element tox "
    "briar simplex "
    # carriers: "by DHL" ends a shipping line
    "dhl ups usps fedex post ems tnt gls dpd hermes royal "
    "проверенный надежный надёжный нет да магазин продавец оператор "
    # A market's menu counters, "Messages (0)", "Cart (2)", "Reviews (12)": read as a rating
    # line, they named the visitor's inbox as the seller.
    "messages inbox cart basket orders notifications alerts wishlist favorites favourites "
    "tickets disputes support balance wallet account listings items products reviews sales "
    "followers following comments replies views votes likes "
    # the same counters in the listings' other languages
    "avis commentaires ventes bewertungen rezensionen verkäufe opiniones reseñas valoraciones "
    "ventas beoordelingen recensies verkopen recensioni vendite отзывы отзывов продажи "
    "nachrichten berichten mensajes messaggi wiadomości сообщения powiadomienia koszyk "
    "obserwowane opinie opinii members users "
    # a menu's drug classes with their counts ("Opiates (6)")
    "opiates opioids benzos benzodiazepines stimulants psychedelics dissociatives steroids "
    "cannabis ecstasy prescription pharmacy drugs".split())
# Strongest first: an explicit "sold by", a "Name (97%)" rating line, a "Vendor: X" label.
_SOLD_BY = re.compile(r"\b(?:sold\s+by|offered\s+by|listed\s+by|posted\s+by|vendu\s+par|verkauft\s+von|"
                      r"vendido\s+por|verkocht\s+door|aangeboden\s+door|продавец|продает|"
                      # a forum post's author: "Verfasst von", "posté par", "geplaatst door"
                      r"verfasst\s+von|post[ée]\s+par|publi[ée]\s+par|publicado\s+por|"
                      r"pubblicato\s+da|geplaatst\s+door)"
                      r"[ \t]*[:\-]?[ \t]*(?:/?u/)?" + _H, re.IGNORECASE)  # "posted by u/name"
# A card's line "by X | 4.9 stars | 2,340 sales": "by" opening its line, the handle ending it or
# a separator after it ("Xanax 2mg by Pfizer, 100 pills" names the maker, not the seller).
_BY_LINE = re.compile(r"(?m)^[ \t]*by[ \t]+" + _H + r"(?=[ \t]*(?:[|(\[•·]|$))", re.IGNORECASE)
_RATING = re.compile(r"(?m)^[ \t]*(?P<h>[A-Za-z0-9][\w.\-]{1,39})[ \t]*\(\d{1,3}(?:\.\d+)?%\)")
# "Name (123)": a count may be a rating, or a menu's entry ("Reviews (58)", "Herbe (260)"): it
# gives way to a labelled seller.
_RATING_COUNT = re.compile(r"(?m)^[ \t]*(?P<h>[A-Za-z0-9][\w.\-]{1,39})[ \t]*\(\d{1,6}\)")
_LABEL = re.compile(cues.SELLER.pattern
                    + r"(?:[ \t]+(?:name|handle|id|info|information|details))?[ \t]*:[ \t]*"
                    r"(?:\n[ \t]*){0,2}" + _H + r"(?![ \t]*:)", re.IGNORECASE)
# "Vendor - X" opening its line, X ending it or a rating after X ("Vendor – X (98%)", "Vendor -
# X [Level 5]"): "Top vendor - fast shipping", "Best vendor - Germany" name nobody.
_LABEL_DASH = re.compile(r"^[ \t]*" + cues.SELLER.pattern + r"[ \t]*[-–—][ \t]*" + _H
                         + r"[ \t]*(?:$|[\[(]|(?<=[ \t])[-–—|][ \t])", re.IGNORECASE | re.MULTILINE)
# A key-value table read as lines: the label alone on its line, the handle alone on the next.
# The handle may carry its sales or level in brackets: "DutchDelight [120 sales]".
_LABEL_LINE = re.compile(r"^[ \t]*" + cues.SELLER.pattern + r"(?:[ \t]+(?:name|handle|id))?[ \t]*\n[ \t]*"
                         + _H + r"[ \t]*(?:[\[(][^\n\[\]()]{0,40}[\])])?[ \t]*$",
                         re.IGNORECASE | re.MULTILINE)
# A shop's name as a labelled field ("Shop: PharmaDirect", "Anbieter: X", "Магазин: X"); only
# with its colon ("Shop" alone on a line is a menu entry) and never "Store:" (how to keep pills),
# nor inside a Matrix id ("@dealer:matrix.org").
_SHOP_WORDS = ("shop", "merchant", "dealer", "anbieter", "boutique", "tienda", "winkel", "магазин")
_SHOP_LABEL = re.compile(r"(?<![@.])\b(?:" + "|".join(_SHOP_WORDS) + ")"
                         r"(?:[ \t]+(?:owner|name))?[ \t]*:[ \t]*" + _H
                         + r"(?![\w.\-]|[ \t]*[:>/»])", re.IGNORECASE)  # not a path
# The same label with a name of two or three words filling its line ("Магазин: Лунный Кот",
# "Shop: GreenWay SPB").
_SHOP_LABEL_LINE = re.compile(
    r"(?m)^[ \t]*(?:" + "|".join(_SHOP_WORDS) + r")[ \t]*:[ \t]*"
    r"(?P<h>[^\W_][\w.\-]*(?:[ \t][^\W_][\w.\-]*){1,2})[ \t]*$", re.IGNORECASE)
# "Telegram: https://t.me/benzoplug": the handle is the link's path, not "https" or "t.me".
_CONTACT_CUE = re.compile(cues.CONTACT.pattern + r"[ \t]*(?:me|us)?[ \t]*(?:on|at|:|-)[ \t]*"
                          r"(?:(?:https?://)?(?:www\.)?t(?:elegram)?\.me/)?" + _H + r"(?![\w.\-]*:?/)",
                          re.IGNORECASE)
# Menu items such as "Become a vendor" or "Contact seller" are not seller labels.
# So are "Other listings from this vendor: ..." and "More from the same seller:".
_MENU_BEFORE = re.compile(r"(become\s+an?|contact(?:\s+the)?|add|message|favou?rite|report|"
                          # "Also available in my shop: Netflix UHD": the seller's own words
                          r"verified|trusted|this|that|same|other|more\s+from|my|our)[ \t]*\Z",
                          re.IGNORECASE)
_AT_HANDLE = re.compile(r"(?<![\w.@/])@(?P<h>[A-Za-z0-9_]{3,32})\b")
# An e-mail's user part ("benzo@...", "benzo[at]..."), not a handle.
_AT_NEXT = re.compile(r"[ \t]?(?:@|[\[({][ \t]?at[ \t]?[\])}])", re.IGNORECASE)
# The visitor's own name shown by the market is never the seller.
_SELF = re.compile(r"\b(?:logged\s+in\s+as|my\s+profile|welcome,?|angemeldet\s+als|connect[ée]\s+en\s+tant\s+que)"
                   r"[ \t]*:?[ \t]*\n?[ \t]*" + _H, re.IGNORECASE)
# A Russian shop names itself on a line of its own, without a colon: "Магазин Питерский
# Кристалл", "Магазин ZEFIRKA" (one to three words).
_SHOP_LINE = re.compile(r"(?m)^[ \t]*магазин[ \t]+[«\"]?"
                        r"(?P<h>[^\W_][\w.\-]*(?:[ \t][^\W_][\w.\-]*){0,2})[»\"]?[ \t]*$", re.IGNORECASE)
# A supplier's name alone on its line, as trade directories show it ("Wuhan Xinrunde Biotech
# Co., Ltd.", "Shree Ganesh Pharma Exports"): after every label and profile link, before
# contact handles. A maker's name ("Sun Pharmaceuticals", "Centurion Laboratories") is no seller.
_COMPANY_LINE = re.compile(r"(?m)^[ \t]*(?:(?:Other|More)[ \t]+Products[ \t]+(?:of|from)[ \t]+)?"
                           r"(?P<h>[A-Z][\w&'.-]*(?:[ \t]+[\w&'.-]+){0,6}?,?[ \t]+"
                           r"(?:Co\.?,?[ \t]*Ltd\.?|Ltd\.?|Limited|Pvt\.?[ \t]+Ltd\.?|LLC|Inc\.|GmbH|"
                           r"Exports?|Exporters?|Trading|Overseas))[ \t]*$")
# Classified ads name their seller without a label: "Other ads by Jay", "Autres annonces de
# Karim.13"; the name over the seller's kind ("Dennis" / "Privater Nutzer", "Справки Москва 24"
# / "Компания") or over the stars of their reviews ("Truffelboer030" / "★★★★★ (27 reviews)").
_OTHER_ADS = re.compile(r"\b(?:(?:other|more)[ \t]+(?:ads|listings|items|offers)[ \t]+(?:by|from)|"
                        r"autres[ \t]+annonces[ \t]+de|weitere[ \t]+anzeigen[ \t]+von|"
                        r"m[aá]s[ \t]+anuncios[ \t]+de|altri[ \t]+annunci[ \t]+di|"
                        r"andere[ \t]+advertenties[ \t]+van)[ \t]*:?[ \t]*"
                        r"(?!(?:this|the|our|my|that|same|ce|cet|cette|diesem|dieser|este|esta|"
                        r"questo|deze)\b)" + _H, re.IGNORECASE)
_NAME_LINE = r"^[ \t]*(?P<h>[^\W_][\w.\-]*(?:[ \t][\w.\-&]+){0,3})[ \t]*\n[ \t]*"
_SELLER_KIND = re.compile(
    _NAME_LINE + r"(?:private[ \t]+(?:seller|user|advertiser)|privater[ \t]+nutzer|"
    r"gewerblicher[ \t]+(?:nutzer|anbieter)|particulier|professionnel|particular|"
    r"particuliere[ \t]+adverteerder|zakelijke[ \t]+verkoper|trade[ \t]+seller|"
    r"business[ \t]+seller|частное[ \t]+лицо|компания|privato|azienda)\b",
    re.IGNORECASE | re.MULTILINE)
# One word only, with the count of reviews: a product's name has its stars too ("Factory Supply"
# / "★★★★☆ 4.6 (17 reviews)"), and so has each reviewer ("Mark T." / "★★★★★ “Arrived...").
_STARS_LINE = re.compile(r"^[ \t]*" + _H + r"[ \t]*\n[ \t]*(?:[★☆]{3,5}|\d(?:[.,]\d)?[ \t]*★)"
                         r"[^\n]{0,12}\d+[ \t]*(?:reviews?|ratings?|avis|bewertungen|beoordelingen|"
                         r"recensies|reseñas|valoraciones|recensioni|opinie|отзыв)",
                         re.MULTILINE | re.IGNORECASE)
# Same patterns, with a first-character guard (nlp/fastre.py): they run on every listing,
# and only on listings that contain a string every match needs ("sold", "(", "@"...).
_SOLD_BY = Prechecked(guarded(_SOLD_BY))
_RATING = Prechecked(_RATING)
_RATING_COUNT = Prechecked(_RATING_COUNT)
_LABEL = Prechecked(guarded(_LABEL))
_LABEL_LINE = Prechecked(_LABEL_LINE)
_LABEL_DASH = Prechecked(_LABEL_DASH)
_BY_LINE = Prechecked(guarded(_BY_LINE))
_SHOP_LABEL = Prechecked(guarded(_SHOP_LABEL))
_SHOP_LABEL_LINE = Prechecked(_SHOP_LABEL_LINE, _SHOP_WORDS)
_CONTACT_CUE = Prechecked(guarded(_CONTACT_CUE))
_AT_HANDLE = Prechecked(guarded(_AT_HANDLE))
_SELF = Prechecked(guarded(_SELF))
_COMPANY_LINE = Prechecked(_COMPANY_LINE)
_SHOP_LINE = Prechecked(_SHOP_LINE)
_OTHER_ADS = Prechecked(guarded(_OTHER_ADS), (
    "ads by", "ads from", "listings by", "listings from", "items by", "items from", "offers by",
    "offers from", "annonces de", "anzeigen von", "anuncios de", "annunci di", "advertenties van"))
_SLUG = re.compile(r"[-_]")
_SELLER_KIND = Prechecked(_SELLER_KIND, (
    "private", "privater", "gewerblich", "particul", "professionnel", "zakelijke", "trade seller",
    "business seller", "частное", "компания", "privato", "azienda"))
_STARS_LINE = Prechecked(_STARS_LINE, ("★",))
_COMPANY_MARKS = ("Ltd", "Limited", "LLC", "Inc.", "GmbH", "Export", "Trading", "Overseas")


# A menu's entry with its count: "Herbe (260)" under "Cannabis (412)". One such line beside
# another is a category list, not a seller's rating line.
_COUNT_LINE = re.compile(r"[ \t]*[^\n()]{1,40}\(\d[\d.,  \u202f]{0,8}\)[ \t]*(?:\n|$)")


def _in_a_list_of_counts(text: str, start: int, end: int) -> bool:
    line_end = text.find("\n", end)
    after = _COUNT_LINE.match(text, line_end + 1) if line_end >= 0 else None
    prev_start = text.rfind("\n", 0, max(0, start - 1)) + 1
    before = _COUNT_LINE.match(text, prev_start) if start > 0 else None
    return after is not None or (before is not None and before.end() <= start + 1)


def _ok(handle: str) -> bool:
    low = handle.lower()
    return (len(handle) > 1 and low not in _NOT_HANDLE and not handle.isdigit()
            and (" " not in low or not _NOT_HANDLE.intersection(low.split())))


class SellerTagger:
    """SELLER span and doc._.seller: hint, else the best-ranked cue in text or page links."""

    def __init__(self, nlp: Language, name: str) -> None:
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        u = DocAttrs(doc)  # not doc._: spaCy builds a new proxy per access
        from_hint = hint(doc, "seller")
        if from_hint is not None:
            doc.spans["sellers"] = []
            u.seller = " ".join(from_hint.split())
            return doc
        found = self._find(doc)
        u.seller = found[0] if found else None
        span = None
        if found and found[1] is not None:
            span = doc.char_span(found[1], found[1] + len(found[0]), label="SELLER",
                                 alignment_mode="expand")
        doc.spans["sellers"] = [span] if span is not None else []
        return doc

    @staticmethod
    def _find(doc: Doc) -> tuple[str, int | None] | None:
        text, low = text_of(doc), folded_of(doc)
        me = {m.group("h").lower() for m in _SELF.finditer(text, low)}
        # nor a drug named in the text: "Cocaine(85%) 1 Gram" is no "Name (97%)" rating line
        me |= {d["name"].lower() for d in DocAttrs(doc).drugs or ()}
        for pattern in (_SOLD_BY, _RATING, _LABEL, _LABEL_LINE, _LABEL_DASH, _SHOP_LABEL_LINE,
                        _SHOP_LABEL, _BY_LINE,
                        _OTHER_ADS, _SELLER_KIND, _STARS_LINE, _RATING_COUNT):
            for m in pattern.finditer(text, low):
                if _MENU_BEFORE.search(text[max(0, m.start() - 20):m.start()]):
                    continue
                if pattern is _RATING_COUNT and _in_a_list_of_counts(text, m.start(), m.end()):
                    continue
                handle = m.group("h").rstrip(".-")
                if _ok(handle) and handle.lower() not in me:
                    return handle, m.start("h")
        for handle in (DocAttrs(doc).page or {}).get("profile_handles", []):
            if _ok(handle) and handle.lower() not in me:
                at = text.find(handle)
                if at < 0:
                    # the link's path in lower case ("/shop/zefirka"), the page's "ZEFIRKA";
                    # a slug ("/shop/kingsley-pharma-ventures"), the page's "Kingsley Pharma
                    # Ventures"
                    shown = handle.lower()
                    if low.find(shown) < 0:
                        shown = _SLUG.sub(" ", shown)
                    at = low.find(shown)
                    handle = text[at:at + len(shown)] if at >= 0 else handle
                return handle, at if at >= 0 else None
        m = _SHOP_LINE.search(text, low)
        if m is not None and _ok(m.group("h")) and m.group("h").lower() not in me:
            return m.group("h"), m.start("h")
        m = _COMPANY_LINE.search(text, low) if contains_any(text, _COMPANY_MARKS) else None
        if m is not None and m.group("h").lower() not in me:
            return m.group("h"), m.start("h")
        for pattern in (_CONTACT_CUE, _AT_HANDLE):
            for m in pattern.finditer(text, low):
                handle = m.group("h").rstrip(".-")
                if _ok(handle) and handle.lower() not in me and not _AT_NEXT.match(text, m.end()):
                    return handle, m.start("h")
        return None


@Language.factory("pharmwatch_seller", default_config={})
def make_seller_tagger(nlp: Language, name: str) -> SellerTagger:
    return SellerTagger(nlp, name)


# ---------------------------------------------------------------- price

_SYMBOLS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "eur": "EUR", "usd": "USD",
            "gbp": "GBP", "btc": "BTC", "xbt": "BTC", "฿": "BTC", "xmr": "XMR", "ltc": "LTC",
            "cad": "CAD", "aud": "AUD", "chf": "CHF", "ca$": "CAD", "au$": "AUD", "a$": "AUD",
            "c$": "CAD", "bch": "BCH", "chf": "CHF",
            # Russian and Eastern European listings: rouble, hryvnia, zloty
            "rub": "RUB", "rur": "RUB", "₽": "RUB", "руб": "RUB", "uah": "UAH", "₴": "UAH",
            "грн": "UAH", "pln": "PLN", "zł": "PLN",
            # Brazilian reais (Portuguese listings): "R$ 300" is not dollars
            "r$": "BRL", "brl": "BRL",
            # dollars that are not US ones ("AU$ 50" was read as 50 US dollars), slang
            "nz$": "NZD", "nzd": "NZD", "bucks": "USD",
            # Nordic, Czech and Indian prices (Indian pharmacies: "Rs. 2000", "₹2000")
            "sek": "SEK", "nok": "NOK", "dkk": "DKK", "czk": "CZK", "kč": "CZK", "inr": "INR",
            "₹": "INR", "rs": "INR", "rs.": "INR",
            # millibitcoins, as 2014 markets priced: "10 mBTC" is 0.01 BTC, never 10 BTC
            "mbtc": "BTC",
            # dollar stablecoins, as Telegram shops price: "80 USDT / gram" is 80 dollars
            "usdt": "USD", "usdc": "USD",
            # Turkish lira (a source of counterfeit medicines), yen, rand, dirham, Hong Kong
            # dollars, pesos, ether; "¥" (yen or yuan) and "R" (rand, or a pill's imprint "R039")
            # are left out
            "try": "TRY", "tl": "TRY", "₺": "TRY", "jpy": "JPY", "zar": "ZAR", "aed": "AED",
            "hkd": "HKD", "hk$": "HKD", "mxn": "MXN", "mx$": "MXN", "eth": "ETH",
            # Colombian pesos ("1g 20.000 COP"), in capitals only: "no cops" is English
            "cop": "COP",
            # Nigerian naira: classifieds selling tramadol and codeine syrup ("₦ 45,000");
            # Malaysian ringgit, before its amount ("RM45.00", Shopee and Lazada)
            "₦": "NGN", "ngn": "NGN", "rm": "MYR", "myr": "MYR"}
# Units that are a fraction of their currency.
_SCALE = {"mbtc": Decimal("0.001")}
_CUR = (r"R\$|USD[TC]?|EUR|GBP|(?<!m)BTC|XMR|LTC|BCH|CAD|AUD|CHF|RUB|RUR|руб|"
        r"UAH|грн|PLN|zł|BRL|[$€£฿₽₴₹]")
# Rarer currencies, read only in texts that name one (_WIDE_MARKS): their letters (m, n, s, d,
# k, i) start so many words that in the main pattern they cost every listing ~25 us. Rupees
# only before their amount: "Rs. 2000", never "Calibre 36 RS".
_CUR_WIDE = (r"US\$|CA\$|AU\$|NZ\$|A\$|C\$|" + _CUR
             + r"|mBTC|NZD|SEK|NOK|DKK|CZK|Kč|INR|(?<![^\W\d_])Rs\.?(?=[ \t]?\d)|bucks\b"
             # whole words ("7.5g Mazar 100%" is no rand price); "TRY"/"TL" only in capitals
             # ("try 2 for $50" is English)
             + r"|₺|₦|(?<![^\W\d_])(?:(?-i:TRY|TL|COP)|JPY|ZAR|AED|HKD|MXN|NGN|MYR|ETH)\b|(?<![^\W\d_])(?:HK|MX)\$"
             + r"|(?<![^\W\d_])(?-i:RM)(?=[ \t]?\d)")
# Looked for in " " + text.lower(), so that "rs" counts only at a word's start.
_WIDE_MARKS = ("a$", "c$", "s$", "u$", "z$", "mbtc", "nzd", "sek", "nok", "dkk", "czk", "kč", "inr",
               " rs", "\nrs", "(rs", "bucks", "₺", "jpy", "zar", "aed", "k$", "x$", "hkd", "mxn",
               "₦", "ngn", "myr", " rm", "\nrm")
# Looked for in the text as written: capitals only, "try" and "eth" being parts of many words.
_WIDE_CAPS = ("TRY", "TL", "ETH", "COP")
# The whole number, however the listing's language groups it: "1,234.56", "1.234,56" (German,
# Spanish, Dutch), "1 234,56" (French, Russian: a space, no-break or narrow no-break), "1'234.50"
# (Swiss); price_parser then tells the decimal mark from the thousands mark. A number cut at its
# first mark read "1.234,56 €" as 234.56. Spaces group only before the currency ("2 500 руб"):
# after it, "$20 100mg" is a price and a dose. An amount starts where a number starts and has
# at most 6 groups: tried at every digit of a long run of digits ("1111...", "111 111 ...") with
# no currency after it, the pattern cost time quadratic in the run (minutes for one listing).
_GROUPED = r"\d{{1,3}}(?:{sep}\d{{3}}(?!\d)){{1,6}}(?:[.,]\d{{1,2}}(?!\d))?"
_PLAIN = r"\d+(?:[.,]\d+)?"
_AMT_AFTER = "(?:" + _GROUPED.format(sep="[.,']") + "|" + _PLAIN + ")"
# "50,- €", "50.- CHF": whole euros or francs, the cents written as a dash. A count glued to
# its "x" groups with nothing: "x5 500€" is five for 500 euros, not 5,500.
_AMT = (r"(?<![\d.,'])(?:(?<![xX×])" + _GROUPED.format(sep="[.,' \u00a0\u202f]") + "|"
        + _AMT_AFTER + r")(?:[.,][-–])?")
# "$\n189.00": shop themes (WooCommerce) wrap the symbol in its own element, a line of its own;
# only a symbol, never a code: "BTC/USD\n9257.78" is a rate widget
# Between amount and currency, a space may be a no-break one: French typography puts one
# there ("27,99\u00a0€"), and shops write "&nbsp;€".
_GAP = "[ \t\u00a0\u202f]"
# Pages that mark the amount and the currency up apart ("<span>85.00</span> <span>EUR</span>")
# read as two lines: a currency code alone on its line goes with the amount beside it.
_CODES = ("USD", "EUR", "GBP", "BTC", "XMR", "LTC", "BCH", "CAD", "AUD", "CHF", "RUB", "PLN", "BRL",
          "UAH")
_CODE_LINE = "|".join(f"(?<=\n{code})" for code in _CODES)
_MONEY_FORM = (
    r"(?:(?P<c1>{cur})(?:{gap}|(?<=[$€£])\n|(?:{code_line})\n)?(?P<a1>{amt_after}))|"
    # a currency right before a digit starts the next amount: "x 100 $300" is 300 dollars; a
    # count after its "x" has no currency code after it ("x 30 CAD 180" is 180 Canadian
    # dollars), while a symbol after it makes an amount ("100 x Xanax 2 mg x 210$")
    r"(?:(?:(?<!\b[xX][ \t])(?<!\b[xX])(?<!×[ \t])(?<!×)|(?=[\d.,]+[ \t]?[$€£]))"
    r"(?P<a2>{amt})(?:{gap}?|\n(?=(?:{codes})[ \t]*(?:\n|$)))(?P<c2>{cur})(?!\d))")
_MONEY, _MONEY_WIDE = (
    # Same patterns, with a first-character guard (nlp/fastre.py): they run on every listing.
    guarded(re.compile(_MONEY_FORM.format(cur=cur, gap=_GAP, code_line=_CODE_LINE, amt=_AMT,
                                          amt_after=_AMT_AFTER, codes="|".join(_CODES)),
                       re.IGNORECASE))
    for cur in (_CUR, _CUR_WIDE))
# Two listings in three name no price cue ("price", "prix", "цена"...): skip their scan.
_PRICE_CUE = Prechecked(cues.PRICE)


def _unnamed(pattern: str) -> str:
    """A pattern's groups without their names, to use it twice in one pattern."""
    if "(?P=" in pattern:
        raise ValueError("a pattern with back-references keeps its names")
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


# A line that is nothing but an amount ("USD 22.71", "€45.00 / 0.0021 BTC"): how markets
# display the price of the listing, as opposed to amounts inside titles or prose.
# A coin amount with its fiat one in brackets or after "≈" is one too, on its line or the next:
# "0.0123 BTC (≈ $450)", "0.0021 BTC ≈ €58.70", "0.26310000 BTC" / "($97.35)", "0.7460 XMR" /
# "≈ $122.63". A symbol's amount may be followed by its code: "£45.00 GBP", "$ 650.00 USD".
_PRICE_LINE, _PRICE_LINE_WIDE = (
    # the code after the amount ("£45.00 GBP"), or a classified's "or nearest offer" ("12 € VB")
    re.compile(rf"(?m)^[ \t]*(?:{money.pattern})(?:[ \t\u00a0]+(?:[A-Z]{{3}}|VB|FP|ONO|OBO|"
               rf"(?i:negotiable|neg\.?|o\.?n\.?o\.?|o\.?b\.?o\.?|festpreis|[àa] d[ée]battre|"
               # Shopware's footnote mark: "89,00 € *" (tax included, shipping apart)
               rf"negociable|bespreekbaar|торг)))?[ \t]*\*{{0,2}}[ \t]*(?:/.*|\(.*|[≈~].*)?"
               rf"(?:\n[ \t]*(?:\([ \t]*(?:{again})[ \t]*\)|[≈~][ \t]*(?:{again}))[ \t]*)?$",
               re.IGNORECASE)
    for money, again in ((m, _unnamed(m.pattern)) for m in (_MONEY, _MONEY_WIDE)))


_CRYPTO = frozenset({"BTC", "XMR", "LTC", "BCH", "ETH"})

# "14G ($65/g)", "£4.40/Gram", "$12.50/Pill", "80€/g", "$3 each": the price of one unit, not
# of the pack; divided by the pack's 14 g it made cocaine look 14 times too cheap.
_UNIT_WORDS = (r"(?:(?:/|per\b|a\b|pro\b|par\b|por\b|за)[ \t]*(?:1[ \t]*)?"
               r"(?:g|gr|grams?|gramm|gramos?|grammes?|pills?|tabs?|tablets?|pieces?|units?|caps?|"
               r"capsules?|blotters?|hits?|stück|stk|st|шт|г|pil|pillen|stuk|tabletten|comprim[ée]s?|"
               r"pilules?|pastillas?|pastiglia|pastiglie|таблетк[ау])|each|ea)(?!\w)")
_UNIT_AFTER = re.compile(r"[ \t]*" + _UNIT_WORDS, re.IGNORECASE)
# The same marker looked for on its own, for a price shown bare and said per unit elsewhere
# ("$25.00" in a field, "$25 each" in the text).
_UNIT_MARK = guarded(re.compile(_UNIT_WORDS, re.IGNORECASE))
_MONEY_REACH = 32  # characters before a unit marker where its amount is written


def said_per_unit(text: str, price: float, currency: str) -> bool:
    """Whether `text` gives `price` as the price of one unit somewhere ("$25 each")."""
    for mark in _UNIT_MARK.finditer(text):
        window = text[max(0, mark.start() - _MONEY_REACH):mark.start()].rstrip(" \t")
        last = None
        for last in _MONEY.finditer(window):
            pass
        if last is not None and last.end() == len(window) and parse_money(last.group(0)) == (
                price, currency):
            return True
    return False


# "10 for $250 | 50 for $1000", "100 for £40": a count, then what that many cost.
_COUNT_BEFORE = re.compile(
    r"(?<![\w.,])([1-9]\d{0,4})[ \t]*(?:for|für|pour|por|voor|per|за)[ \t]+\Z", re.IGNORECASE)
_COUNT_REACH = 12  # characters before an amount: "100 for "
_K_SUFFIX = re.compile(r"k(?![^\W\d_])", re.IGNORECASE)


class Money(NamedTuple):
    amount: float | None
    currency: str | None
    per_unit: bool = False  # "$65/g": the price of one unit
    count: int | None = None  # "10 for $250": how many the amount buys


_NO_MONEY = Money(None, None)


def parse_money(text: str | None, prefer_fiat: bool = False) -> tuple[float | None, str | None]:
    """(amount, ISO/crypto currency) from a price string; (None, None) when not a price
    (`money_in` tells the rest)."""
    found = money_in(text, prefer_fiat)
    return found.amount, found.currency


def wide_currencies(text: str) -> bool:
    """Whether `text` may name one of the rarer currencies (then `money_in` reads them too)."""
    return contains_any(" " + text.lower(), _WIDE_MARKS) or contains_any(text, _WIDE_CAPS)


def money_in(text: str | None, prefer_fiat: bool = False, wide: bool | None = None) -> Money:
    """The price in a price string: amount, ISO/crypto currency, whether it is the price of
    one unit, and the count it buys; no amount when not a price.
    Zero amounts are wallet balances or placeholders, never prices. With `prefer_fiat`, a
    fiat amount shown beside a crypto one ("฿0.10293 (EUR 245.00)") is the price: markets
    fix the fiat price and let the coin amount follow the exchange rate. An amount after "was",
    "RRP", "statt", "shipping"... is the price only when no other amount follows it."""
    if not text:
        return _NO_MONEY
    first = aside = _NO_MONEY
    wide = wide_currencies(text) if wide is None else wide
    money = _MONEY_WIDE if wide else _MONEY
    rates = [r.span() for r in _RATE.finditer(text)] if "=" in text or "≈" in text else []
    for m in money.finditer(text):
        symbol = (m.group("c1") or m.group("c2") or "").lower()
        currency = _SYMBOLS.get(symbol)
        if currency is None:
            continue
        if symbol == "$" and m.group("a1"):
            code = _DOLLAR_CODE.match(text, m.end())  # "$150.00 CAD": which dollars
            currency = _SYMBOLS[code.group(1).lower()] if code else currency
        amount = _amount(m.group(0), currency in _CRYPTO)
        if amount is None or amount <= 0:
            continue
        if symbol in _SCALE:
            amount *= _SCALE[symbol]
        if ((currency not in _CRYPTO and _RATE_BEFORE.search(text, max(0, m.start() - 12), m.start()))
                or any(a <= m.start() < b for a, b in rates)):
            continue  # "1 XMR = 178.27 USD", "BTC $ 47,230.11": an exchange rate
        if _ASIDE.search(text, max(0, m.start() - _ASIDE_REACH), m.start()):
            # a price before a reduction, a shipping fee: the price only when no other follows
            aside = _money(text, m, float(amount), currency) if aside.amount is None else aside
            continue
        if m.group("a1") and _K_SUFFIX.match(text, m.end()):
            amount *= 1000  # "$28k": a kilo's price, not 28 dollars
        if not prefer_fiat or currency not in _CRYPTO:
            return _money(text, m, float(amount), currency)
        if first.amount is None:
            first = _money(text, m, float(amount), currency)
    return first if first.amount is not None else aside


_DOLLAR_CODE = re.compile(r"[ \t\u00a0]?(CAD|AUD|NZD|USD|HKD|MXN)\b")


def _money(text: str, m: re.Match[str], amount: float, currency: str) -> Money:
    before = _COUNT_BEFORE.search(text, max(0, m.start() - _COUNT_REACH), m.start())
    return Money(amount, currency, _UNIT_AFTER.match(text, m.end()) is not None,
                 int(before.group(1)) if before else None)


# Amounts that are not the price: one before a reduction ("Was: £45.00 Now: £35.00", "RRP $60",
# "statt 45 €") and a shipping fee ("Shipping $10, item $50", "$20.00 (+$5 shipping)").
_ASIDE = re.compile(r"(?:\b(?:was|old\s+price|regular\s+price|rrp|msrp|list\s+price|statt|vorher|"
                  r"avant|antes|было|prima|shipping|postage|porto|versand|envío|envio|livraison|"
                  r"verzending|frakt|fragt|доставка|"
                  # the visitor's money, shown by the market: "Wallet: 0.0127 BTC"
                  r"wallet|balance|guthaben|solde|saldo|баланс)|\bUVP|\+)[ \t]*:?[ \t]*\Z", re.IGNORECASE)
_ASIDE_REACH = 16
_RATE = re.compile(r"(?<![\d.,])1[ \t]*(?:BTC|XMR|LTC|ETH|BCH)[ \t]*[=≈][^\n]*", re.IGNORECASE)
# a coin's code right before a fiat amount, no coin amount before it: a rate widget's line
# ("BTC $ 47,230.11", "XMR: €148.03"), not "0.0021 BTC ≈ €58.70"
_RATE_BEFORE = re.compile(r"(?:(?<![\d.,])(?<![\d.,][ \t])\b(?:BTC|XMR|LTC|ETH|BCH)|฿)[ \t]*:?[ \t]*\Z",
                          re.IGNORECASE)


# "1,500 mBTC" is 1.5 BTC: a thousands comma where millibitcoins run to thousands.
_MILLI_THOUSANDS = re.compile(r"[1-9]\d{0,2},\d{3}(?!\d).*mbtc", re.IGNORECASE | re.DOTALL)


@lru_cache(maxsize=100_000)
def _amount(money: str, crypto: bool):  # noqa: ANN202 - price_parser's Decimal or None
    """price_parser's amount for one money match (cached: amounts repeat across listings).
    Coin amounts always use a decimal point: price_parser would read "0.125 BTC" as 125."""
    if crypto and money.count(",") == 1 and "." not in money and not _MILLI_THOUSANDS.search(money):
        # "0,05 BTC", "3,5 XMR": a coin amount with a decimal comma (European listings); read
        # as a thousands mark it was 100 or 10 times the price
        return Price.fromstring(money.replace(",", "."), decimal_separator=".").amount
    if crypto or money.lstrip("$€£฿₽₴ \t\n\u00a0\u202f").startswith("0."):
        return Price.fromstring(money, decimal_separator=".").amount
    return Price.fromstring(money).amount


class PriceTagger:
    """doc._.price / doc._.currency: hint, else a price cue, else a price line of the page,
    else the first amount in the body, else one in the title."""

    def __init__(self, nlp: Language, name: str) -> None:
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        u = DocAttrs(doc)  # not doc._: spaCy builds a new proxy per access
        found = money_in(hint(doc, "price"))
        text, title_end = text_of(doc), u.title_end or 0
        body = text[title_end:]
        # where a page's own heading of the listing is looked for (menus and sidebars around it)
        anchor = title_end if (u.page or {}).get("html") else 0
        low = folded_of(doc)
        # once for the listing, not per value read; not at all when the crawler gave the price
        wide = found.amount is None and wide_currencies(text)
        # the body from the page's own heading of the listing on, read by each rule
        end = _heading_end(u, text) if found.amount is None else 0
        focus = body[end:] if end else body
        if found.amount is None and _PRICE_CUE.possible(low, title_end):
            for cue_end, value in cues.values_after(cues.PRICE, body):
                if _NOT_ITS_PRICE.search(body, max(0, cue_end - 24), cue_end):
                    continue  # "Market price: ₦ 38,000 ~ ₦ 52,000": the site's estimate
                found = money_in(value, prefer_fiat=True, wide=wide)
                if found.currency in _CRYPTO:
                    found = _fiat_below(body, body.find(value, cue_end) + len(value), wide) or found
                if found.amount is not None:
                    # "Price per gram: $80", "Preis pro Stück", "US$ 1.2 per tablet"
                    if _UNIT_AFTER.match(value) or found.per_unit:
                        # the listing's own price line wins: "€ 125,00" / "Prijs per pil: € 2,50"
                        whole = _price_line(focus, body, wide)
                        found = whole if whole.amount is not None else found._replace(per_unit=True)
                    break
        if found.amount is None:
            found = _price_line(focus, body, wide)
        if found.amount is None:
            found = money_in(focus, wide=wide)
            if found.amount is None and focus is not body:
                found = money_in(body, wide=wide)
        if found.amount is None and u.ship_from in _KRONA and ("kr" in low or ":-" in text):
            # "1 000 kr", "900:-": Swedish, Norwegian or Danish crowns, told apart by where the
            # listing is
            crowns = _KR.sub(" " + _KRONA[u.ship_from], body)
            crowns_focus = _focus(crowns, anchor, text)
            found = _price_line(crowns_focus, crowns, True)
            if found.amount is None:
                found = money_in(crowns_focus, wide=True)
        if found.amount is None:
            found = money_in(text[:title_end], wide=wide)
        u.price, u.currency = found.amount, found.currency
        u.price_per_unit, u.price_count = found.per_unit, found.count
        return doc


# Prices that are not what the listing asks: a classifieds site's estimate, a street or list price
# or the lowest price of the last 30 days that EU shops must show beside a reduced one
# ("Najniższa cena z 30 dni przed obniżką: 269,00 zł", "Niedrigster Preis der letzten 30 Tage")
_NOT_ITS_PRICE = re.compile(
    r"\b(?:(?:market|average|retail|street|list|regular|original|lowest)[ \t]+price|"
    r"najni[żz]sza[ \t]+cena|niedrigster[ \t]+preis)\Z", re.IGNORECASE)
# "Price" / "0.5183 XMR" / "(92.40 USD)": the fiat amount on the next line, in brackets
_FIAT_BELOW = re.compile(r"[ \t]*\n[ \t]*[(\[](?P<m>[^\n()\[\]]{2,30})[)\]][ \t]*(?:\n|$)")


def _fiat_below(body: str, at: int, wide: bool) -> Money | None:
    m = _FIAT_BELOW.match(body, at)
    found = money_in(m.group("m"), wide=wide) if m else None
    fiat = found is not None and found.amount is not None and found.currency not in _CRYPTO
    return found if fiat else None


_KRONA = {"SE": "SEK", "NO": "NOK", "DK": "DKK"}
_KR = re.compile(r"(?:(?<=\d)|(?<=\d[.,]-))[ \t\u00a0]?(?:kr\.?|:-)(?![^\W\d_])", re.IGNORECASE)


def _heading_end(u: DocAttrs, text: str) -> int:
    """Where a page's own heading of the listing ends, counted in the body (the text after the
    title); 0 for a text record or a page without one. Found once per listing, kept with the
    page's evidence: the place rules and the price rules both read it."""
    page, title_end = u.page, u.title_end or 0
    if not page or not page.get("html") or not title_end:
        return 0
    if "heading_end" not in page:
        page["heading_end"] = _heading_end_in(text[title_end:], title_end, text)
    return page["heading_end"]


def _focus(body: str, title_end: int, text: str) -> str:
    """The body from the page's own heading of the listing on (the whole body without one)."""
    end = _heading_end_in(body, title_end, text)
    return body[end:] if end else body


def _heading_end_in(body: str, title_end: int, text: str) -> int:
    """Where the page's own heading of the listing ends in `body` (0: none): a market's
    "Featured" box, a menu or a sidebar of bestsellers may come before the listing ("5g heroin /
    ฿4.90"). The heading is the last line that starts with the title, else with its first words
    (a menu or a breadcrumb names the product before it; "Also from this vendor" may list the
    same product in another size after it); its words may wrap over lines."""
    if not title_end:
        return 0
    title = text[:title_end]
    end = -1
    for key in (title, title[:_TITLE_KEY]):  # the whole title, else its first words
        at = body.rfind("\n" + key)
        if at >= 0:
            end = at + 1 + len(key)
        elif len(key.split()) > 1:
            for m in re.finditer(r"\n" + r"\s+".join(map(re.escape, key.split())), body):
                end = m.end()
        if end > 0:
            break
    return max(end, 0)


_TITLE_KEY = 30  # characters


def _price_line(focus: str, body: str, wide: bool) -> Money:
    """The first price line after the page's own heading of the listing (`focus`, from
    `_focus`), else the first one of the body."""
    lines = _PRICE_LINE_WIDE if wide else _PRICE_LINE
    for part in ((focus, body) if focus is not body else (body,)):
        for m in lines.finditer(part):
            found = money_in(m.group(0), prefer_fiat=True, wide=wide)
            if found.amount is not None:
                return found
    return money_in("")


@Language.factory("pharmwatch_price", default_config={})
def make_price_tagger(nlp: Language, name: str) -> PriceTagger:
    return PriceTagger(nlp, name)
