"""A cheap language guess for listing text: stopword counts for en/de/fr/es/nl/ru, and
it/pt/pl/sv/fi/no/da/tr; Ukrainian told from Russian by its own letters.

Words shared by several languages ("de", "en", "la") count for each of them, so only
distinctive words decide between those languages. Market software (menus, feature tables,
footers) is nearly always English while vendors write titles and descriptions in their own
language, so substantial non-English evidence beats a larger English count.
"""

from __future__ import annotations

import re

_STOP = {
    "en": "the and for with you your this from are our all will not have ship shipping to of is "
          "we only per before after".split(),
    "de": "und der die das mit für nicht ist ein eine wir versand sie auf bei von nach aus ich zu "
          "oder auch bitte kein keine nur pro qualität lieferung bestellung bestellungen dem im "
          "ohne rezept werktagen diskrete diskreter versenden verkaufe habe zuerst preis stück "
          "stk verkäufer anbieter pillen".split(),
    "fr": "le la les et des pour avec vous est une nous pas livraison du en sur de au aux par sans "
          "dans qualité commande envoi expédition uniquement votre vos lot vends depuis vers "
          "ordonnance jours prix expédié expédiée expédiés vendeur".split(),
    "es": "el la los las y para con usted es una nosotros envío del por que de en sin pedido calidad "
          "entrega enviamos desde solo todo toda al estás vendo tengo receta días precio "
          "vendedor".split(),
    "nl": "de het een en van voor met niet wij verzending zijn ook naar uit bij wordt vanuit geen je "
          "alleen bestelling bestellingen levering binnen dezelfde graag kwaliteit verzenden "
          "verzonden te op werkdagen nodig zonder recept kopen verkoop heb dagen prijs verkoper "
          "pillen".split(),
    "ru": "и в не на с по для мы из что это все доставка от как или отправка цена за без только "
          "при вы наличии качество заказ заказы таблеток до дней всей всему продаю продам".split(),
    # Not among the six the issue names, but markets carry them and our cues read them:
    # listed after the six, so that a tie goes to one of the six. No word of one or two
    # letters, nor one English text uses ("I", "do", "to", "per", "non"): only what tells.
    "it": "il che è una sono del della delle dei gli alla dalla spedizione spediamo spedito "
          "prezzo consegna qualità ordine ordini senza ricetta giorni tutto tutta tutti vendo "
          "venditore ogni anche molto questo nostro dall contatto "
          # words Spanish shares count for both, so that Italian's own words decide
          "la con una solo al verso spedizioni prodotto carrello descrizione disponibile "
          "disponibilità quantità aggiungi recensioni siamo abbiamo niente".split(),
    "pt": "não uma dos das para com sem receita envio entrega preço qualidade pedido pedidos "
          "dias você nós enviamos enviado também muito vendedor nosso".split(),
    "pl": "nie jest się że dla jak wysyłka wysyłamy cena jakość zamówienie zamówienia bez "
          "recepty dni tylko sprzedam mam sprzedawca dostawa tabletek".split(),
    # Czech (Czech and Slovak markets)
    "cs": "je jsme že pro nebo také jen bez při zasíláme odesíláme doručení cena prodejce popis "
          "hodnocení kvalita objednávky objednávka dnů týž vždy přesná balíme".split(),
    # Swedish and Finnish (Flugsvamp, Silkkitie, Valhalla)
    "sv": "och från till skickas skickar pris säljare inte är för med leverans hela sverige "
          "kvalitet beställning dagar recept utan".split(),
    "fi": "myyjä hinta toimitus lähetetään maasta lähtömaa koko suomeen suomi laatu tilaus "
          "kanssa päivää ilman reseptiä tuote".split(),
    # Norwegian and Danish (Valhalla's vendors, "Sendes fra Norge"): "og" tells them from
    # English and Swedish, and a few spellings tell them apart
    "no": "og fra sendes selger pris ikke med levering hele norge kvalitet bestilling dager "
          "uten resept også jeg selger tabletter".split(),
    "da": "og fra sendes sælger pris ikke med levering hele danmark kvalitet bestilling dage "
          "uden recept også jeg sælger tabletter".split(),
    # Turkish (counterfeit medicines' listings and shops)
    "tr": "ve bir için ile değil teslimat kargo fiyat satılık sipariş gün reçetesiz ürün kalite "
          "tüm gönderim adet orijinal hızlı".split(),
}
_SETS = {lang: frozenset(words) for lang, words in _STOP.items()}
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
# Non-English wins over English when it has at least this many hits and this share of them.
_FOREIGN_MIN_HITS, _FOREIGN_SHARE = 4, 0.4
# word -> the languages whose stopword list has it (one dict lookup per word).
_LANGS_OF: dict[str, tuple[str, ...]] = {}
for _lang, _words in _SETS.items():
    for _word in _words:
        _LANGS_OF[_word] = _LANGS_OF.get(_word, ()) + (_lang,)
# `_stopwords` counts a whole chunk as one word: sound only for words of letters alone.
if not all(_word.isalpha() for _word in _LANGS_OF):
    raise ValueError("language stopwords must be letters only")


def language_counts(text: str) -> dict[str, int]:
    """Stopword hits per language in the first 5000 characters."""
    counts = dict.fromkeys(_SETS, 0)
    for word in _stopwords(text.lower()[:5000]):
        for lang in _LANGS_OF[word]:
            counts[lang] += 1
    return counts


def _stopwords(text: str) -> list[str]:
    """The stopwords among _WORDS.findall(text), in order of hits per chunk. A word never
    spans whitespace, and a chunk of letters only is one word: the regex runs only on the
    other chunks ("prix:", "2g", "(de")."""
    chunks = text.split()
    hits = [w for w in chunks if w in _LANGS_OF]
    other = [w for w in chunks if not w.isalpha()]
    if other:
        hits += [w for w in _WORDS.findall(" ".join(other)) if w in _LANGS_OF]
    return hits


_CYRILLIC = re.compile("[\u0400-\u04ff]")
# Letters Ukrainian writes and Russian does not: "доставка по Україні", "ціна"
_UKRAINIAN = re.compile("[іїєґІЇЄҐ]")
_UKRAINIAN_MIN = 3  # a Ukrainian place name alone ("Київ") in a Russian text is not enough


def _ukrainian(text: str) -> bool:
    return len(_UKRAINIAN.findall(text, 0, 2000)) >= _UKRAINIAN_MIN
_LETTER = re.compile(r"[^\W\d_]")


def detect_language(text: str, min_hits: int = 2) -> str | None:
    """ISO 639-1 code of the best-scoring language, or None when too little evidence. Too
    few stopwords in a text written mostly in Cyrillic ("Кокаин 1г", a bare title) is Russian,
    the one Cyrillic language of the six."""
    counts = language_counts(text)
    best = max(counts, key=counts.get)
    if best == "ru" and counts[best] >= min_hits and _ukrainian(text):
        return "uk"
    if best == "en":
        other = max((lang for lang in counts if lang != "en"), key=counts.get)
        if counts[other] >= _FOREIGN_MIN_HITS and counts[other] >= _FOREIGN_SHARE * counts["en"]:
            best = other
    if counts[best] >= min_hits:
        return best
    head = text[:500]
    cyrillic = len(_CYRILLIC.findall(head))
    if cyrillic and 2 * cyrillic > len(_LETTER.findall(head)):
        return "uk" if _ukrainian(text) else "ru"
    return None
