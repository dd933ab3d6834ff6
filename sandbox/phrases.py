"""Title and description templates in English, German, French, Spanish, Dutch and Russian.

Wording follows real Empire/Apollon/Hansa/Agora/Dream listings: counts before names
("10x Xanax 2mg bars"), purity claims, shouting intro offers, stealth and escrow notes.
"""

from __future__ import annotations

UNIT_WORD: dict[str, dict[str, str]] = {
    "pill": {"en": "pills", "de": "Tabletten", "fr": "comprimés", "es": "pastillas", "nl": "pillen",
             "ru": "таблеток"},
    "blotter": {"en": "tabs", "de": "Trips", "fr": "buvards", "es": "secantes", "nl": "trips", "ru": "марок"},
    "vial": {"en": "vials", "de": "Ampullen", "fr": "flacons", "es": "viales", "nl": "ampullen", "ru": "ампул"},
    "patch": {"en": "patches", "de": "Pflaster", "fr": "patchs", "es": "parches", "nl": "pleisters",
              "ru": "пластырей"},
    "powder": {"en": "g", "de": "g", "fr": "g", "es": "g", "nl": "g", "ru": "г"},
    "weed": {"en": "g", "de": "g", "fr": "g", "es": "g", "nl": "g", "ru": "г"},
}
QUANTITIES: dict[str, tuple[float, ...]] = {
    "pill": (10, 20, 28, 30, 50, 60, 100, 200),
    "blotter": (1, 5, 10, 25, 50, 100),
    "vial": (1, 2, 5, 10),
    "patch": (5, 10),
    "powder": (0.5, 1, 2, 3.5, 5, 7, 14, 28),
    "weed": (1, 3.5, 7, 10, 14, 28, 56),
}
EMOJI = ("🔥", "💊", "❄️", "🍁", "⭐", "✅", "🚀", "💎")

TITLE_UNIT: dict[str, tuple[str, ...]] = {
    "en": (
        "{q}x {name} {dose} {unit}",
        "{q} x {name} {dose} - {src} to {dst}",
        "** {q} {name} {dose} ** FREE SHIPPING",
        "{name} {dose} x{q} | Top quality | Escrow",
        "{e} {q}x {name} {dose} {e}",
        "!!! INTRO OFFER !!! {q} {NAME} {dose}",
    ),
    "de": ("{q}x {name} {dose} {unit} - Versand {src_l}", "{name} {dose} - {q} {unit} - Top Qualität"),
    "fr": ("{q}x {name} {dose} {unit} - livraison discrète", "{name} {dose} - lot de {q} {unit}"),
    "es": ("{q}x {name} {dose} {unit} - envío {src_l}", "{name} {dose} - {q} {unit} calidad farmacéutica"),
    "nl": ("{q}x {name} {dose} {unit} - verzending {src_l}", "{name} {dose} - {q} {unit} - topkwaliteit"),
    "ru": ("{name} {dose} - {q} {unit} - доставка {src_l}", "{q} шт {name} {dose} | лучшее качество | гарант"),
}
TITLE_BULK: dict[str, tuple[str, ...]] = {
    "en": (
        "{q}g {name} {purity}",
        "{q} Gram {name} - {purity} - stealth shipping",
        "!!!!INTRO OFFER!!!! {q}GR {NAME} {purity}",
        "{e} {q}g {name} {e} {src} to {dst}",
        "*** {q} gm {src} to {dst} {name} ***",
    ),
    "de": ("{q}g {name} {purity} - Versand {src_l}", "{q} Gramm {name} Top Qualität {purity}"),
    "fr": ("{q}g {name} {purity} - envoi rapide", "{q} grammes de {name} {purity}"),
    "es": ("{q}g {name} {purity} - envío {src_l}", "{q} gramos de {name} {purity}"),
    "nl": ("{q}g {name} {purity} - verzending {src_l}", "{q} gram {name} topkwaliteit {purity}"),
    "ru": ("{name} {q}г {purity} - отправка {src_l}", "{q} гр {name} | {purity} | лучшее качество"),
}
PURITY_WORD = {"en": "{p}% pure", "de": "{p}% rein", "fr": "pure à {p}%", "es": "{p}% pura", "nl": "{p}% puur",
               "ru": "чистота {p}%"}

FROM_PREP: dict[str, dict[str, str]] = {
    "de": {"DE": "aus Deutschland", "AT": "aus Österreich", "CH": "aus der Schweiz", "NL": "aus den Niederlanden"},
    "fr": {"FR": "depuis la France", "BE": "depuis la Belgique", "CH": "depuis la Suisse",
           "NL": "depuis les Pays-Bas"},
    "es": {"ES": "desde España", "NL": "desde los Países Bajos", "FR": "desde Francia"},
    "nl": {"NL": "vanuit Nederland", "BE": "vanuit België", "DE": "vanuit Duitsland"},
    "ru": {"DE": "из Германии", "NL": "из Нидерландов", "PL": "из Польши", "CZ": "из Чехии"},
}
TO_PREP: dict[str, dict[str, str]] = {
    "en": {"EU": "to all of Europe", "WW": "worldwide"},
    "de": {"EU": "nach ganz Europa", "WW": "weltweit", "DE": "nach Deutschland", "AT": "nach Österreich",
           "CH": "in die Schweiz", "NL": "in die Niederlande"},
    "fr": {"EU": "vers toute l'Europe", "WW": "dans le monde entier", "FR": "vers la France",
           "BE": "vers la Belgique", "CH": "vers la Suisse", "NL": "vers les Pays-Bas"},
    "es": {"EU": "a toda Europa", "WW": "a todo el mundo", "ES": "a España", "NL": "a los Países Bajos",
           "FR": "a Francia"},
    "nl": {"EU": "naar heel Europa", "WW": "wereldwijd", "NL": "naar Nederland", "BE": "naar België",
           "DE": "naar Duitsland"},
    "ru": {"EU": "по всей Европе", "WW": "по всему миру", "DE": "по Германии", "NL": "по Нидерландам",
           "PL": "по Польше", "CZ": "по Чехии"},
}

DESC_DARK: dict[str, tuple[tuple[str, ...], ...]] = {
    "en": (
        ("You are buying {qty} of {name} {dose}. Same batch our regulars love, lab tested.",
         "Top shelf {name} {dose}, {qty} per order. What you see is what you get.",
         "{name} {dose} - {qty}. Pharma grade, no fakes, no pressed junk."),
        ("Ships from {src_name} to {dst_name}. Orders before 2pm are dispatched same day.",
         "We ship from {src_name}. Delivery to {dst_name} usually 2-5 working days.",
         "Shipping: {src_name} -> {dst_name}. Tracking available on request."),
        ("Vacuum sealed, MBB, odour proof. Professional stealth, letterbox friendly.",
         "Triple vacuum sealed and hidden in a DVD case. Stealth is our priority.",
         "Every order is carefully packaged with best stealth methods."),
        ("Escrow only. FE for trusted buyers with 10+ deals.",
         "No FE, escrow protects both of us. Please finalize when you receive.",
         "Reship 50% if lost, no refund on seized packages. Contact us before leaving negative feedback."),
    ),
    "de": (
        ("Du kaufst hier {qty} {name} {dose}. Beste Qualität, getestet.",
         "{name} {dose}, {qty} pro Bestellung. Keine Fakes."),
        ("Versand {src_l} {dst_l}. Bestellungen vor 14 Uhr gehen am selben Tag raus.",
         "Wir versenden {src_l}. Lieferung {dst_l} in 1-3 Werktagen."),
        ("Geruchsdicht vakuumiert, diskreter Versand als Brief.",
         "Professionelles Stealth, dreifach vakuumiert."),
        ("Nur Escrow, kein FE. Bei Problemen bitte zuerst schreiben.",
         "Kein Reship bei Beschlagnahmung. Bitte nach Erhalt finalisieren."),
    ),
    "fr": (
        ("Vous achetez {qty} de {name} {dose}. Qualité pharmaceutique.",
         "{name} {dose}, {qty} par commande. Aucun faux."),
        ("Expédition {src_l} {dst_l}. Envoi sous 24h.",
         "Nous expédions {src_l}. Livraison {dst_l} en 2 à 5 jours ouvrés."),
        ("Emballage sous vide, discret, sans odeur.", "Furtivité professionnelle, triple emballage sous vide."),
        ("Escrow uniquement, pas de FE.", "Pas de remboursement en cas de saisie. Contactez-nous avant tout avis."),
    ),
    "es": (
        ("Estás comprando {qty} de {name} {dose}. Calidad farmacéutica.",
         "{name} {dose}, {qty} por pedido. Sin falsificaciones."),
        ("Envío {src_l} {dst_l}. Enviamos en 24 horas.",
         "Enviamos {src_l}. Entrega {dst_l} en 2-5 días laborables."),
        ("Envasado al vacío, envío discreto y sin olor.", "Sigilo profesional, triple envasado al vacío."),
        ("Solo escrow, sin FE.", "No hay reenvío si el paquete es incautado. Contáctanos antes de dejar feedback."),
    ),
    "nl": (
        ("Je koopt hier {qty} {name} {dose}. Beste kwaliteit, getest.",
         "{name} {dose}, {qty} per bestelling. Geen nep, geen troep."),
        ("Verzending {src_l} {dst_l}. Bestellingen voor 14:00 gaan dezelfde dag de deur uit.",
         "Wij verzenden {src_l}. Levering {dst_l} binnen 1-3 werkdagen."),
        ("Vacuüm geseald en geurdicht, discreet verzonden als brievenbuspost.",
         "Professionele stealth, drie keer vacuüm verpakt."),
        ("Alleen escrow, geen FE. Bij problemen eerst een bericht sturen.",
         "Geen reship bij inbeslagname. Graag finaliseren na ontvangst."),
    ),
    "ru": (
        ("Вы покупаете {qty} {name} {dose}. Лучшее качество, проверено.",
         "{name} {dose}, {qty} в одном заказе. Никаких подделок."),
        ("Доставка {src_l} {dst_l}. Заказы до 14:00 отправляем в тот же день.",
         "Отправка {src_l}. Доставка {dst_l} за 2-5 рабочих дней."),
        ("Вакуумная упаковка, без запаха, отправка письмом.",
         "Профессиональный стелс, тройной вакуум."),
        ("Только через гарант (escrow), без FE. При проблемах сначала пишите в ЛС.",
         "Перезаклад при изъятии не делаем. Пожалуйста, подтверждайте заказ после получения."),
    ),
}

PHARMACY_DESC: dict[str, tuple[str, ...]] = {
    "en": ("Buy {name} {dose} online at the lowest price. No prescription needed.",
           "{name} is a trusted medication. Discreet packaging, fast delivery, 100% satisfaction guarantee.",
           "We ship worldwide from {src_name}. Delivery in 7-14 days, tracking number included."),
    "de": ("{name} {dose} online kaufen ohne Rezept. Kein Rezept erforderlich.",
           "Diskrete Verpackung, schnelle Lieferung.",
           "Wir versenden weltweit {src_l}. Lieferzeit 7-14 Tage."),
    "fr": ("Achetez {name} {dose} en ligne sans ordonnance.",
           "Emballage discret, livraison rapide.",
           "Nous expédions dans le monde entier {src_l}. Livraison en 7 à 14 jours."),
    "es": ("Compra {name} {dose} en línea sin receta.",
           "Embalaje discreto, entrega rápida.",
           "Enviamos a todo el mundo {src_l}. Entrega en 7-14 días."),
    "nl": ("{name} {dose} online kopen zonder recept. Geen recept nodig.",
           "Discrete verpakking, snelle levering.",
           "Wij verzenden wereldwijd {src_l}. Levertijd 7-14 dagen."),
    "ru": ("Купить {name} {dose} онлайн без рецепта.",
           "Анонимная упаковка, быстрая доставка.",
           "Отправка по всему миру {src_l}. Срок доставки 7-14 дней."),
}

PHARMACY_TITLE: dict[str, tuple[str, ...]] = {
    "en": ("{brand} ({generic}) {dose}", "Buy {brand} {dose} online", "Generic {brand} ({generic}) {dose} - {q} pills",
           "{generic} {dose} x {q} tablets"),
    "de": ("{brand} ({generic}) {dose} kaufen", "{generic} {dose} ohne Rezept - {q} Tabletten"),
    "fr": ("Acheter {brand} {dose} sans ordonnance", "{brand} ({generic}) {dose} - {q} comprimés"),
    "es": ("Comprar {brand} {dose} sin receta", "{brand} ({generic}) {dose} - {q} pastillas"),
    "nl": ("{brand} ({generic}) {dose} kopen", "{generic} {dose} zonder recept - {q} pillen"),
    "ru": ("Купить {brand} {dose} без рецепта", "{brand} ({generic}) {dose} - {q} таблеток"),
}

BOARD_TITLE: dict[str, tuple[str, ...]] = {
    "en": ("{name} {dose} for sale", "{qt} {name} {dose} available", "Selling {name} {dose} - fast shipping"),
    "de": ("Verkaufe {name} {dose}", "{name} {dose} - {qt} zu verkaufen"),
    "fr": ("Vends {name} {dose}", "{name} {dose} - {qt} à vendre"),
    "es": ("Vendo {name} {dose}", "{name} {dose} - {qt} en venta"),
    "nl": ("Verkoop {name} {dose}", "{name} {dose} - {qt} te koop"),
    "ru": ("Продам {name} {dose}", "{name} {dose} - {qt} в наличии"),
}
BOARD_OPEN: dict[str, tuple[str, ...]] = {
    "en": ("Selling {name} {dose}, {qty}.", "Got {name} {dose} available, {qty}.", "Have {qty} of {name} {dose}."),
    "de": ("Verkaufe {name} {dose}, {qty}.", "Habe {name} {dose} da, {qty}."),
    "fr": ("Vends {name} {dose}, {qty}.", "Dispo: {name} {dose}, {qty}."),
    "es": ("Vendo {name} {dose}, {qty}.", "Tengo {name} {dose}, {qty}."),
    "nl": ("Verkoop {name} {dose}, {qty}.", "Heb {name} {dose} op voorraad, {qty}."),
    "ru": ("Продаю {name} {dose}, {qty}.", "В наличии {name} {dose}, {qty}."),
}
BOARD_SHIP: dict[str, str] = {
    "en": "Shipping from {src_name} {dst_l}.",
    "de": "Versand {src_l} {dst_l}.",
    "fr": "Expédition {src_l} {dst_l}.",
    "es": "Envío {src_l} {dst_l}.",
    "nl": "Verzending {src_l} {dst_l}.",
    "ru": "Отправка {src_l} {dst_l}.",
}
BOARD_PRICE: dict[str, tuple[str, ...]] = {
    "en": ("{price} {cur} for {qty}.", "Price: {price}{sym} per {qty}."),
    "de": ("{price} {cur} für {qty}.", "Preis: {price}{sym} für {qty}."),
    "fr": ("{price} {cur} les {qty}.", "Prix : {price}{sym} pour {qty}."),
    "es": ("{price} {cur} por {qty}.", "Precio: {price}{sym} por {qty}."),
    "nl": ("{price} {cur} voor {qty}.", "Prijs: {price}{sym} voor {qty}."),
    "ru": ("{price} {cur} за {qty}.", "Цена: {price}{sym} за {qty}."),
}
BOARD_NOPRICE = {"en": "DM for prices.", "de": "Preise per PN.", "fr": "Prix en MP.", "es": "Precios por privado.",
                 "nl": "Prijzen via PB.", "ru": "Цены в ЛС."}
BOARD_CONTACT = {"en": "Contact", "de": "Kontakt", "fr": "Contact", "es": "Contacto", "nl": "Contact", "ru": "Связь"}

HOSTILE = (
    "<script>alert('pwned')</script>",
    "Robert'); DROP TABLE listing;--",
    "=HYPERLINK(\"http://evil.invalid\",\"click\")",
    "<img src=x onerror=alert(1)>",
)

TAG_SPAM = ("xanax", "valium", "oxy", "mdma", "cocaine", "ketamine", "lsd", "weed", "adderall", "percocet",
            "fentanyl", "roxy", "bars", "molly", "speed", "heroin", "tramadol")

HANDLE_A = ("xanax", "dutch", "euro", "dark", "silk", "green", "royal", "pharma", "ice", "happy", "mr", "the",
            "uk", "cali", "berlin", "snow", "crypto", "night", "lucky", "stealth", "top", "real", "benzo", "candy")
HANDLE_B = ("king", "bazaar", "labs", "shop", "direct", "doc", "pharmacy", "connect", "queen", "plug", "farmer",
            "chemist", "express", "store", "dealer", "market", "trader", "garden", "supply", "vendor")
