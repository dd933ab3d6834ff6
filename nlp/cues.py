"""Cue phrases (en/de/fr/es/nl/ru, and it/pt/pl/sv/fi/no/da) that introduce a seller, an origin, destinations or a price."""

from __future__ import annotations

import re
from collections.abc import Iterator

from nlp.fastre import guarded

_F = re.IGNORECASE | re.UNICODE

SHIP_FROM = re.compile(
    r"\b(ships?\s+from|shipping\s+from|shipped\s+from|sent\s+from|send(?:ing)?\s+from|dispatch(?:ed)?\s+from|"
    r"origin\s+country|country\s+of\s+origin|origin|versand\s+(?:aus|von)|versendet\s+aus|"
    r"herkunft(?:sland)?|exp[ée]di[ée]e?s?\s+(?:de(?:puis)?|des|du)|exp[ée]dition\s+(?:depuis|des?|du)|"
    r"envoi\s+depuis|"
    r"envoy[ée]e?s?\s+(?:de(?:puis)?|des|du)|"
    r"pays\s+d'origine|"
    r"env[ií]os?(?:\s+(?:discretos?|r[áa]pidos?|gratis|urgentes?|express|certificados?))?\s+desde|enviado\s+desde|pa[ií]s\s+de\s+origen|origen|"
    r"ships?\s+(?:\w+\s+){1,3}from|shipping\s+(?:\w+\s+){1,2}from|we\s+ship\s+from|deliver(?:y|ed)\s+from|"
    # a shipping field naming its carrier first: "Shipping: USPS Priority from USA to USA only"
    r"shipping[ \t]*:[ \t]*(?:[\w.]+[ \t]+){1,4}from|"
    # a carrier, or how it is sent, before "from": "Royal Mail from UK", "Sent 1st class
    # recorded from the UK", "posted tracked from Germany"
    r"(?:royal\s+mail|usps|ups|fedex|dhl|dpd|postnl|gls|hermes|evri|parcelforce|"
    r"canada\s+post|australia\s+post|la\s+poste|correos|deutsche\s+post|postnord|posti)"
    r"(?:\s+[\w.]+){0,3}\s+from|"
    r"(?:sent|posted|dispatched|mailed)\s+(?:[\w.]+\s+){1,3}from|"
    # a bare "From:" label only beside a "To:" one: "From: Canada | To: Canada, USA"
    r"from(?=[ \t]*:[ \t]*\n?[^\n]{1,60}(?:\n[ \t]*)?\bto[ \t]*:)|"
    r"verzonden\s+(?:uit|vanuit)|verzend(?:ing|en)\s+(?:uit|vanuit)|land\s+van\s+herkomst|"
    # first person, where a word or two may come first ("Wir versenden weltweit aus Indien",
    # "Enviamos a todo el mundo desde la India", "Nous expédions depuis la Suisse")
    r"(?:versenden|verschicken)\s+(?:\w+\s+){0,2}(?:aus|von)|"
    r"(?:exp[ée]dions|envoyons)\s+(?:\w+\s+){0,3}(?:de(?:puis)?|des|du)|"
    r"(?:enviamos|mandamos)\s+(?:\w+\s+){0,4}desde|(?:verzenden|versturen)\s+(?:\w+\s+){0,2}(?:uit|vanuit)|"
    r"отправка\s+из|доставка\s+из|отправляем\s+из|страна\s+отправки|из\s+страны|"
    # "Der Versand erfolgt aus unserem Lager in den Niederlanden"
    r"versand\s+erfolgt\s+aus|"
    # Italian, Portuguese, Polish
    r"spedizione\s+da(?:l|lla)?|spedit[oa]\s+da(?:l|lla)?|spediamo\s+da(?:l|lla)?|provenienza|"
    r"paese\s+di\s+origine|"
    r"enviado\s+de|envio\s+de|pa[ií]s\s+de\s+origem|origem|wysy[lł]ka\s+z|wysy[lł]amy\s+z|"
    r"kraj\s+pochodzenia|"
    # Czech and Ukrainian ("Odesíláme z: Česká republika", "Доставка з: Україна")
    r"odes[íi]l[áa]me\s+z|odesl[áa]no\s+z|zas[íi]l[áa]me\s+z|odes[íi]l[áa]\s+se\s+z|"
    r"země\s+původu|доставка\s+з|відправка\s+з|надсилаємо\s+з|відправляємо\s+з|"
    # Swedish, Finnish, Norwegian, Danish (Flugsvamp, Silkkitie, Valhalla)
    r"skickas\s+(?:fr[åa]n|ifr[åa]n)|skickat\s+fr[åa]n|avs[äa]ndarland|l[äa]hetet[äa][äa]n\s+maasta|"
    r"l[äa]ht[öo]maa|l[äa]hetys\s+maasta|(?:sendes|sendt|afsendes)\s+fra|afsenderland|"
    # where the seller is: "Located in Toronto", "We are based in the UK"
    r"(?:located|based)\s+in(?:\s+the)?|"
    # classifieds: where the seller is ("Location: Lagos, Nigeria"), only as a labelled field
    r"(?:location|standort|localisation|ubicaci[oó]n|locatie|местоположение|"
    r"city|stadt|ville|ciudad|stad|город)(?=[ \t]*:))(?!\w)"
    # the article elided onto the country: "Expédié d'Espagne", "spedito dall'Italia"
    r"|\b(?:exp[ée]di[ée]e?s?|exp[ée]dition|exp[ée]dions|envoy[ée]e?s?|envoyons|envoi|spedit[oa]|"
    r"spedizione|spediamo)"
    r"\s+d(?:all)?['’](?=[^\W\d_])", _F)
# "Destination(s)", "destino", "destinazione" only as labels: "reaches its destination, every
# PACKAGE IS SENT" is prose, and its capitals read as ISO codes (IS, BE, ST).
SHIP_TO = re.compile(
    r"\b(ships?\s+to|ships?(?=\s+(?:world\s?wide|internationally|globally))|"
    r"(?:versenden|verschicken|verzenden|versturen)(?=\s+(?:weltweit|wereldwijd|international))|"
    # "Ships USA only", "ship UK & EU only": the places between the verb and "only"
    r"ships?(?=[ \t]+(?!to\b|from\b)[^\n.!?]{2,30}?[ \t]only\b)|"
    # "Can ship Canada wide", "shipping Australia-wide": the country the parcels stay in
    r"(?:ships?|shipping|deliver(?:y|s)?)(?=[ \t]+[^\W\d_]+(?:[ \t][^\W\d_]+)?[ \t-]wide\b)|"
    r"(?:exp[ée]dions|envoyons)(?=\s+(?:dans\s+le\s+monde|partout|à\s+l'international))|entrega\s+a|"
    r"we\s+ship(?=\s+to)|shipping\s+to|export(?:s|ing)?\s+to|"
    # "shipped via EMS to USA", "ships by DHL to EU": a carrier between the verb and "to"
    r"(?:ships?|shipped|shipping)\s+(?:via|by|with)\s+[\w.\-]+(?:\s+[\w.\-]+)?\s+to|"
    r"deliver(?:s|y)?\s+to|destinations?(?:[ \t]+countr(?:y|ies))?(?=[ \t]*(?:[:\-–|]|\n|$))|versand\s+nach|"
    r"(?:main\s+)?export\s+markets?(?:\s*\(s\))?(?=[ \t]*(?::|\n))|"
    r"lieferung\s+(?:nach|in)|liefergebiet|livraison(?:\s+(?:en|à|a|vers|dans))?|exp[ée]di[ée]e?s?\s+vers|envois?\s+vers|"
    r"env[ií]os?\s+a|enviamos\s+a|destino(?=[ \t]*(?:[:\-–|]|\n|$))|verzending\s+naar|levering\s+naar|verzenden\s+naar|"
    r"доставка\s+(?:в|по)|доставка(?=[ \t]*:)|deliver(?:y|ies)(?=[ \t]*:)|отправ(?:ка|ляем)\s+(?:в|по)|доставляем\s+(?:в|по)|"
    r"spedizione\s+(?:in|verso)|spediamo\s+in|destinazione(?=[ \t]*(?:[:\-–|]|\n|$))|consegna\s+in|"
    r"envio\s+para|enviamos\s+para|entrega\s+(?:em|para)|wysy[lł]ka\s+do|dostawa\s+do|"
    r"wysy[lł]amy\s+do|"
    # Czech and Ukrainian ("Doručení: EU", "zasíláme do", "Доставка: по всій Україні")
    r"doru[čc]en[íi](?=[ \t]*:)|doru[čc]ujeme\s+do|zas[íi]l[áa]me\s+do|odes[íi]l[áa]me\s+do|"
    r"доставка\s+(?:в|до)|відправка\s+(?:в|до|по)|"
    r"skickas\s+till|leverans\s+till|levereras\s+till|toimitus(?:maat?)?|toimitetaan|"
    r"(?:sendes|leveres)\s+til|levering\s+til|"
    # "Ships only to UK", "Versand nur nach Deutschland", "Envíos solo a España"
    r"ships?\s+only\s+(?:to|within)|shipping\s+only\s+(?:to|within)|deliver(?:s|y)?\s+only\s+to|"
    # "ship within US", "Versand innerhalb Deutschland", "envío dentro de España"; not a time,
    # "Shipping within 24h", "ships within a day", "innerhalb von 2 Tagen"
    r"(?:(?:ships?|shipping|deliver(?:s|y)?)\s+within|(?:versand|lieferung)\s+innerhalb|"
    r"env[ií]os?\s+dentro\s+de)(?=\s+(?:the\s+)?[^\W\d_])(?!\s+(?:the\s+)?(?:a|an|one|two|three|few|"
    r"hours?|days?|weeks?|same|next|von|de|\w+\s+(?:hours?|days?|weeks?|tagen?|d[ií]as?))\b)|"
    r"(?:versand|lieferung)\s+nur(?:\s+(?:nach|in|innerhalb))?|env[ií]os?\s+s[oó]lo\s+a|"
    # "Wir liefern nach Deutschland", "KEIN Versand in die Schweiz", "Spedisco solo in Italia",
    # "Dostawa tylko na terenie Polski", "Can ship anywhere in the US"
    r"liefern\s+nach|versand\s+in(?=\s+(?:die|den|das|alle)\b)|"
    r"sped(?:isco|iamo)\s+(?:solo\s+)?in|dostarczamy\s+(?:na\s+terenie|do)|"
    r"dostawa\s+(?:tylko\s+)?na\s+terenie|(?:ships?|deliver|send)\s+anywhere\s+in|"
    r"verzending\s+alleen\s+(?:naar|binnen)|доставка\s+только\s+(?:по|в))(?!\w)", _F)
# A bare "To:" label opening its line or after a "|" ("From: Canada | To: Canada, USA"), or
# ending its line after the origin's value (inline labels read as lines: "From:" / "Canada
# To:" / "Worldwide"). Apart from SHIP_TO: "t" starts too many words for SHIP_TO's guard, and
# the label is looked for only in texts with a "to:" (TO_LABEL_MARKS).
SHIP_TO_LABEL = re.compile(r"(?:(?<![^\n])|(?<=[|;])|(?<=[|;][ \t]))to(?=[ \t]*:)|"
                           r"(?<=[^\W\d_][ \t])to(?=[ \t]*:[ \t]*\n)", _F)
TO_LABEL_MARKS = ("to:", "To:", "TO:", "to :", "To :", "TO :")
PRICE = re.compile(
    r"\b(purchase\s+price|sale\s+price|price|preis|prix|precio|prijs|kosten|cost|цена|стоимость|"
    r"prezzo|pre[çc]o|cena|pris|hinta)(?!\w)", _F)
SELLER = re.compile(
    r"\b(vendor|seller|sold\s+by|verk[äa]ufer|h[äa]ndler|vendeur|vendu\s+par|vendedor|"
    r"vendido\s+por|verkoper|продавец|venditore|venduto\s+da|sprzedawca|sprzedaj[aą]cy|"
    r"s[äa]ljare|myyj[äa]|selger|s[æa]lger|prodejce|prod[áa]vaj[íi]c[íi]|продавець)(?!\w)", _F)
CONTACT = re.compile(
    r"\b(telegram|wickr(?:\s*me)?|whatsapp|signal|threema|session|contact(?:\s+me)?|kontakt)\b", _F)
# Same patterns, with a first-character guard (nlp/fastre.py): they run on every listing.
SHIP_FROM = guarded(SHIP_FROM)
SHIP_TO = guarded(SHIP_TO)
PRICE = guarded(PRICE)
SELLER = guarded(SELLER)
CONTACT = guarded(CONTACT)
# A following label ("Payment :") ends a value that shares its line with it.
_NEXT_LABEL = re.compile(r"\s(?:[A-Z][A-Za-z]+(?:\s[A-Za-z]+)?)\s?:\s.*$", re.DOTALL)
_SEP = re.compile(r"[ \t:\-–—>=|]*")


_LIST_ITEM = 40  # characters: a longer line is prose, not a list item
# The next field's label, alone on its line, ends a list: in a <dl> read as lines, "Ships To"
# / "Worldwide" is followed by "Price" / "£95.00" / "Stock" / "12".
_FIELD_LABEL = re.compile(
    r"[ \t]*(?:price|prix|preis|precio|prijs|prezzo|цена|stock|in\s+stock|quantity|qty|"
    r"vendor|seller|sold\s+by|verk[äa]ufer|vendeur|vendedor|verkoper|продавец|payment|escrow|"
    r"category|class|rating|description|ships?\s+from|origin|shipping\s+options?|views|sales|"
    r"availability|delivery\s+time)[ \t]*$", _F)


def _continued(text: str, value: str, end: int, max_len: int) -> str:
    """A list that goes on over lines, each but the last ending with a comma ("Italy, Germany,
    ... Belgium," / "Netherlands, Switzerland, ... United Kingdom")."""
    while value.rstrip().endswith(",") and end < len(text) and len(value) < max_len:
        nxt = text.find("\n", end + 1)
        nxt = len(text) if nxt < 0 else nxt
        line = text[end + 1:nxt]
        if not line.strip() or ":" in line or _FIELD_LABEL.match(line):
            break
        value, end = value.rstrip() + " " + line.strip(), nxt
    return value


def values_after(cue: re.Pattern[str], text: str, max_len: int = 160,
                 list_lines: int = 0) -> Iterator[tuple[int, str]]:
    """(end of the cue words, value) for each cue occurrence: the value is the rest of its
    line, or the next line. When the cue ends its line, up to `list_lines` more short lines
    without a label join the value, comma-separated: a list under its label ("Ships to:"
    then one country per <li>)."""
    for m in cue.finditer(text):
        start = m.end()
        lead = _SEP.match(text, start)
        start = lead.end() if lead else start
        line_end = text.find("\n", start)
        line_end = len(text) if line_end < 0 else line_end
        value, end = text[start:line_end], line_end
        if not value.strip() and line_end < len(text):
            lines = text[line_end + 1:line_end + 1 + max_len].split("\n")
            value, end = lines[0], line_end + 1 + len(lines[0])
            for line in lines[1:list_lines + 1]:
                if (not line.strip() or len(line) > _LIST_ITEM or ":" in line
                        or _FIELD_LABEL.match(line)):
                    break
                value += ", " + line
        if list_lines and value.rstrip().endswith(","):
            value = _continued(text, value, end, max_len)
        value = _NEXT_LABEL.sub("", value[:max_len])
        if value.strip():
            yield m.end(), value
