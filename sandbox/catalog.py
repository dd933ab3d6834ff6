"""Generator tables: drugs, non-drug goods, countries as markets display them.

Hand-written, modelled on what Empire/Apollon/Hansa/Agora/Dream listings actually sell.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Drug:
    inn: str                      # truth name: INN, or common name for recreational drugs
    category: str                 # nightbazaar category slug
    form: str                     # pill | powder | weed | blotter | vial | patch
    names: tuple[str, ...]        # how titles name it: brands, generic, street
    doses: tuple[str, ...]        # dose strings as displayed ("" for bulk powders)
    unit_usd: float               # price of one unit (pill, gram, tab)
    weight: int                   # relative frequency
    pharmacy: bool = False        # sold on the rogue pharmacy too
    misspellings: tuple[str, ...] = ()
    local: tuple[tuple[str, ...], ...] = ()   # (de, fr, es, nl, ru) name when it differs ("" = none)
    # A name that is another INN (an isomer): a title with it sells that INN ("S-Ketamine" is
    # esketamine, the INN the lexicon gives it), so the truth says so.
    isomers: tuple[tuple[str, str], ...] = ()

    def inn_for(self, title: str) -> str:
        low = title.lower()
        return next((inn for name, inn in self.isomers if name.lower() in low), self.inn)


DRUGS: tuple[Drug, ...] = (
    Drug("alprazolam", "benzos", "pill", ("Xanax", "Alprazolam", "Xanax bars", "Xanax Pfizer"),
         ("0.5mg", "1mg", "2mg"), 2.5, 10, True, ("Xanex", "Aprazolam", "Alprazolan"), (("", "", "", "", "Ксанакс"),)),
    Drug("diazepam", "benzos", "pill", ("Valium", "Diazepam", "Roche Valium"),
         ("5mg", "10mg"), 1.2, 6, True, ("Valum", "Diazapam")),
    Drug("clonazepam", "benzos", "pill", ("Klonopin", "Rivotril", "Clonazepam"),
         ("0.5mg", "1mg", "2mg"), 1.5, 4, True, ("Clonazepan",)),
    Drug("etizolam", "benzos", "pill", ("Etizolam", "Etilaam"), ("1mg", "2mg"), 0.8, 2),
    Drug("oxycodone", "opioids", "pill", ("Roxicodone", "OxyContin", "Oxycodone", "Percocet", "M30 Oxycodone"),
         ("10mg", "20mg", "30mg", "40mg", "80mg"), 18.0, 7, False, ("Oxycodon", "Oxycondone")),
    Drug("fentanyl", "opioids", "patch", ("Fentanyl", "Durogesic"), ("25mcg/h", "50mcg/h", "100mcg/h"),
         25.0, 1),
    Drug("tramadol", "opioids", "pill", ("Tramadol", "Ultram", "Tramal", "Tramadol HCL"),
         ("50mg", "100mg", "200mg", "225mg"), 1.1, 7, True, ("Tramadl", "Tramadole"), (("", "", "", "", "Трамадол"),)),
    Drug("codeine", "opioids", "pill", ("Codeine Phosphate", "Codeine"), ("15mg", "30mg", "60mg"),
         1.3, 3, True, ("Codiene",)),
    Drug("buprenorphine", "opioids", "pill", ("Subutex", "Buprenorphine"), ("2mg", "8mg"), 9.0, 3),
    Drug("morphine", "opioids", "pill", ("Morphine", "MST Continus", "Morphine Sulfate"),
         ("30mg", "60mg", "100mg"), 7.0, 2),
    Drug("heroin", "opioids", "powder", ("Heroin", "#4 Afghan Heroin", "Brown Heroin", "China White Heroin"),
         ("",), 70.0, 4, False, ("Herion",), (("Heroin", "héroïne", "heroína", "heroïne", "Героин"),)),
    Drug("methylphenidate", "stimulants", "pill", ("Ritalin", "Concerta", "Methylphenidate"),
         ("10mg", "18mg", "36mg", "54mg"), 3.5, 3, True, ("Ritalinn",)),
    Drug("amphetamine", "stimulants", "pill", ("Adderall", "Adderall XR", "Amphetamine sulphate"),
         ("10mg", "20mg", "30mg"), 4.0, 4, False, ("Aderall", "Adderal")),
    Drug("amphetamine", "stimulants", "powder", ("Speed paste", "Amphetamine", "Speed"), ("",), 12.0, 3, False,
         ("Amfetamine",), (("Speed", "amphétamine", "anfetamina", "speed", "Амфетамин"),)),
    Drug("methamphetamine", "stimulants", "powder", ("Crystal Meth", "Methamphetamine", "Ice"),
         ("",), 45.0, 3, False, ("Crystal Math",), (("Crystal Meth", "méthamphétamine", "metanfetamina", "crystal meth", "Метамфетамин"),)),
    Drug("cocaine", "stimulants", "powder", ("Cocaine", "Colombian Cocaine", "Peruvian Flake Cocaine", "Coke"),
         ("",), 80.0, 10, False, ("Cocain", "Cocaïne", "C O C A I N E"), (("Kokain", "cocaïne", "cocaína", "cocaïne", "Кокаин"),)),
    Drug("modafinil", "prescription", "pill", ("Modafinil", "Provigil", "Modalert"), ("100mg", "200mg"),
         0.9, 3, True),
    Drug("zolpidem", "prescription", "pill", ("Ambien", "Stilnox", "Zolpidem"), ("10mg",), 1.4, 3, True),
    Drug("carisoprodol", "prescription", "pill", ("Soma", "Carisoprodol"), ("350mg", "500mg"), 1.0, 2, True),
    Drug("pregabalin", "prescription", "pill", ("Lyrica", "Pregabalin"), ("75mg", "150mg", "300mg"),
         0.9, 3, True),
    Drug("sildenafil", "prescription", "pill", ("Viagra", "Kamagra", "Cenforce", "Sildenafil Citrate"),
         ("50mg", "100mg", "150mg"), 1.6, 6, True, ("Viagara",)),
    Drug("tadalafil", "prescription", "pill", ("Cialis", "Tadalafil", "Tadalis"), ("10mg", "20mg"), 1.8, 4, True),
    Drug("isotretinoin", "prescription", "pill", ("Accutane", "Roaccutane", "Isotretinoin"),
         ("10mg", "20mg"), 2.2, 2, True),
    Drug("finasteride", "prescription", "pill", ("Propecia", "Finasteride"), ("1mg", "5mg"), 0.7, 2, True),
    Drug("sertraline", "prescription", "pill", ("Zoloft", "Sertraline"), ("50mg", "100mg"), 0.6, 1, True),
    Drug("amoxicillin", "prescription", "pill", ("Amoxil", "Amoxicillin"), ("250mg", "500mg"), 0.5, 1, True),
    Drug("testosterone", "steroids", "vial", ("Testosterone Enanthate", "Sustanon 250", "Testosterone Cypionate"),
         ("250mg/ml",), 35.0, 2, False),
    Drug("mdma", "ecstasy", "powder", ("MDMA", "MDMA crystals", "Champagne MDMA", "XTC pills"),
         ("",), 30.0, 8, False, ("M D M A",), (("", "", "", "", "МДМА"),)),
    Drug("cannabis", "cannabis", "weed", ("Cannabis", "Amnesia Haze", "OG Kush", "Gorilla Glue #4", "Moroccan Hash",
                                          "Girl Scout Cookies", "Lemon Haze"),
         ("",), 9.0, 12, False, ("Cannibus", "Canabis"), (("Gras", "herbe", "marihuana", "wiet", "Шишки"),)),
    Drug("lsd", "psychedelics", "blotter", ("LSD", "LSD blotters", "Acid tabs"), ("100ug", "150ug", "250ug"),
         6.0, 5),
    Drug("ketamine", "dissociatives", "powder", ("Ketamine", "Ketamine shards", "S-Ketamine"), ("",), 25.0, 5,
         False, ("Ketamin",), (("Ketamin", "kétamine", "ketamina", "ketamine", "Кетамин"),),
         isomers=(("S-Ketamine", "esketamine"),)),
)

# Drugs a rogue pharmacy sells openly.
PHARMACY_DRUGS: tuple[Drug, ...] = tuple(d for d in DRUGS if d.pharmacy)

# Non-drug goods: (title core, category slug, usd price).
NONDRUG_DARK: tuple[tuple[str, str, float], ...] = (
    ("UK Loan Fraud Guide 2025 - step by step", "fraud", 25.0),
    ("Carding Tutorial for Beginners (PDF)", "guides", 15.0),
    ("Counterfeit 50 EUR notes x10 - UV pass", "counterfeit", 160.0),
    ("Rolex Submariner replica AAA grade", "counterfeit", 240.0),
    ("Netflix Premium account 12 months", "digital", 6.0),
    ("Verified PayPal account with balance", "fraud", 80.0),
    ("Fullz USA with SSN + DOB", "fraud", 12.0),
    ("Windows 11 Pro retail key", "digital", 5.0),
    ("Fake UK driving licence (scan template)", "counterfeit", 45.0),
    ("Spotify Family lifetime upgrade", "digital", 4.0),
    ("Hacking Wi-Fi WPA2 guide + tools", "guides", 10.0),
    ("Stealth packaging masterclass ebook", "guides", 8.0),
)
NONDRUG_PHARMACY: tuple[tuple[str, str, float], ...] = (
    ("Vitamin D3 5000 IU softgels", "Wellness", 14.0),
    ("Omega-3 Fish Oil 1000mg", "Wellness", 18.0),
    ("Hyaluronic Acid Serum 30ml", "Beauty", 22.0),
    ("Collagen Peptides Powder 300g", "Beauty", 29.0),
    ("Biotin Hair Growth Gummies", "Beauty", 16.0),
    ("Melatonin-free Sleep Tea", "Wellness", 9.0),
)
NONDRUG_BOARD: tuple[tuple[str, str, float], ...] = (
    ("iPhone 13 128GB", "electronics", 390.0),
    ("IKEA sofa, grey, 3 seats", "furniture", 120.0),
    ("Handyman services, fast and cheap", "services", 35.0),
    ("Mountain bike 29 inch", "sports", 250.0),
    ("PlayStation 5 with two controllers", "electronics", 420.0),
    ("Wooden dining table + 4 chairs", "furniture", 180.0),
    ("Moving help with van", "services", 60.0),
)

NB_CATEGORIES: dict[str, str] = {
    "benzos": "Benzos", "opioids": "Opioids", "stimulants": "Stimulants", "cannabis": "Cannabis & Hashish",
    "ecstasy": "Ecstasy", "psychedelics": "Psychedelics", "dissociatives": "Dissociatives",
    "prescription": "Prescription", "steroids": "Steroids", "fraud": "Fraud", "guides": "Guides & Tutorials",
    "counterfeit": "Counterfeit Items", "digital": "Digital Products",
}
NB_PARENT: dict[str, str] = {slug: ("Drugs & Chemicals" if slug in {
    "benzos", "opioids", "stimulants", "cannabis", "ecstasy", "psychedelics", "dissociatives",
    "prescription", "steroids"} else "Other Listings") for slug in NB_CATEGORIES}

# Country names as markets show them (English) plus names used in other-language prose.
COUNTRY_EN: dict[str, str] = {
    "GB": "United Kingdom", "US": "United States", "DE": "Germany", "NL": "Netherlands", "FR": "France",
    "ES": "Spain", "IT": "Italy", "BE": "Belgium", "CA": "Canada", "AU": "Australia", "IN": "India",
    "CN": "China", "PL": "Poland", "CZ": "Czech Republic", "AT": "Austria", "CH": "Switzerland",
    "SE": "Sweden", "SG": "Singapore", "EU": "European Union", "WW": "Worldwide",
}
COUNTRY_LOCAL: dict[str, dict[str, str]] = {
    "de": {"DE": "Deutschland", "AT": "Österreich", "CH": "der Schweiz", "NL": "den Niederlanden",
           "EU": "ganz Europa", "WW": "weltweit"},
    "fr": {"FR": "France", "BE": "Belgique", "CH": "Suisse", "NL": "Pays-Bas",
           "EU": "toute l'Europe", "WW": "le monde entier"},
    "es": {"ES": "España", "NL": "Países Bajos", "FR": "Francia",
           "EU": "toda Europa", "WW": "todo el mundo"},
    "nl": {"NL": "Nederland", "BE": "België", "DE": "Duitsland", "EU": "heel Europa", "WW": "wereldwijd"},
    "ru": {"DE": "Германия", "NL": "Нидерланды", "PL": "Польша", "CZ": "Чехия", "EU": "Европа",
           "WW": "весь мир"},
}
ORIGINS_BY_LANG: dict[str, tuple[str, ...]] = {
    "en": ("GB", "GB", "US", "US", "US", "NL", "DE", "CA", "AU", "PL", "CZ", "SE", "CN", "IN"),
    "de": ("DE", "DE", "AT", "CH", "NL"),
    "fr": ("FR", "FR", "BE", "CH", "NL"),
    "es": ("ES", "ES", "NL", "FR"),
    "nl": ("NL", "NL", "NL", "BE"),
    "ru": ("DE", "DE", "NL", "PL", "CZ"),   # Russian-speaking vendors shipping inside the EU
}
EU_MEMBERS = frozenset({"DE", "NL", "FR", "ES", "IT", "BE", "PL", "CZ", "AT", "SE"})
MARKETS: tuple[str, ...] = ("nightbazaar", "pillstore", "boardex")
