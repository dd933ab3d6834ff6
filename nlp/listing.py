"""`pharmwatch_language` and `pharmwatch_listing`: language guess, drug-listing decision, ents."""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

from nlp.extensions import register_extensions
from nlp.language import detect_language

# Words that mark a listing as something other than a drug offer (fraud, digital goods,
# counterfeits): such listings often carry drug names as search-tag spam.
_NOT_DRUG = re.compile(
    r"\b(accounts?|fullz|ssn|dob|cvv\d?|dumps?|paypal|bank\s?drops?|logins?|links|guides?|"
    r"tutorials?|e-?books?|pdf|counterfeit|fake\s?ids?|gold\s?bars?|silver|rolex|iphone|"
    r"samsung|software|hacking|hacked|carding|netflix|hbo\w*|spotify|subscriptions?|selfies|"
    r"templates?|scans?|passports?|licen[cs]e|gift\s?cards?|cashout|porn|method|"
    r"bitcoin\s+mixer|vpn|socks5?|rdp|botnet|malware|ransomware|lifetime)\b", re.IGNORECASE)
_DOSE = re.compile(
    r"\b\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|ug|g|gr|grams?|kg|oz|ml|tabs?|pills?|caps(?:ules)?|"
    r"blotters?|pcs|x)\b", re.IGNORECASE)


# Drugs after a "Tags:" label are search spam, not what the listing offers.
_TAGS = re.compile(r"\b(tags?|keywords?|search\s+terms|schlagw[öo]rter|mots[- ]cl[ée]s|"
                   r"etiquetas)\s*:", re.IGNORECASE)


class LanguageGuesser:
    def __init__(self, nlp: Language, name: str, default: str) -> None:
        register_extensions()
        self.default = default or None

    def __call__(self, doc: Doc) -> Doc:
        doc._.language = detect_language(doc.text) or self.default
        return doc


@Language.factory("pharmwatch_language", default_config={"default": "en"})
def make_language_guesser(nlp: Language, name: str, default: str) -> LanguageGuesser:
    return LanguageGuesser(nlp, name, default)


class ListingClassifier:
    """doc._.is_drug_listing by rules; keeps only the drugs the listing itself offers."""

    def __init__(self, nlp: Language, name: str, dose_window: int) -> None:
        register_extensions()
        self.dose_window = dose_window

    def __call__(self, doc: Doc) -> Doc:
        title_end = doc._.title_end or 0
        tags = _TAGS.search(doc.text, title_end)
        cut = tags.start() if tags else len(doc.text)
        drugs = [d for d in doc._.drugs or [] if d["end"] <= title_end or d["start"] < cut]
        title = doc.text[:title_end]
        in_title = [d for d in drugs if d["end"] <= title_end]
        if title_end:
            offered = in_title or [d for d in drugs if self._dosed(doc.text, d)]
            blocked = _NOT_DRUG.search(title) is not None
        else:
            offered = drugs
            blocked = len(_NOT_DRUG.findall(doc.text)) >= max(1, len(drugs))
        doc._.is_drug_listing = bool(offered) and not blocked
        doc._.drugs = offered if doc._.is_drug_listing else []
        groups = [doc.spans[k] for k in ("drugs", "sellers", "places") if k in doc.spans]
        doc.ents = filter_spans([s for g in groups for s in g])
        return doc

    def _dosed(self, text: str, drug: dict) -> bool:
        """Strong evidence in the body: a dose or quantity right next to the drug name."""
        around = text[max(0, drug["start"] - self.dose_window):drug["end"] + self.dose_window]
        return _DOSE.search(around) is not None


@Language.factory("pharmwatch_listing", default_config={"dose_window": 25})
def make_listing_classifier(nlp: Language, name: str, dose_window: int) -> ListingClassifier:
    return ListingClassifier(nlp, name, dose_window)
