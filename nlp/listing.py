"""`pharmwatch_language` and `pharmwatch_listing`: language, drug-listing decision, ents.

The listing decision combines entity evidence (drugs named in the title, or dosed in the
body) with the trained listing classifier (`nlp/classifier.py`), which knows strain
names, pill press names and non-drug goods that no lexicon lists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans, minibatch

from nlp import cues
from nlp.classifier import ARTEFACT, NONE, ListingClassifier
from nlp.details import DOSE_PER_UNIT
from nlp.exceptions import LexiconError
from nlp.fastre import Prechecked, guarded
from nlp.extensions import DocAttrs, folded_of, register_extensions, text_of
from nlp.language import detect_language

# The trade's equipment and packaging, not its drugs: "Pill press TDP-5 with xanax bar die",
# "Cocaine cutting agent", "Fake Pfizer xanax boxes (empty packaging)".
_TRADE_GEAR = (r"(?:pill|tablet|rotary)\s+press(?:es)?|tdp[- ]?\d+|(?:bar|pill|press)\s+(?:dies?|"
               r"molds?|moulds?)|cutting\s+agents?|empty\s+(?:packaging|boxes|blisters?|capsules?|gel\s+caps|"
               r"vape\s+pens?|cart(?:ridge)?s?)|blank\s+blotters?|blotter\s+paper|"
               # scales: "Digital pocket scale 0.01g", "Feinwaage", "balance de précision"
               r"(?:digital|pocket|precision|jewel(?:le)?ry|mini|lab)\s+(?:\w+\s+)?scales?|"
               r"\w*waage|balance\s+de\s+pr[ée]cision|b[áa]scula|weegschaal|весы")
# Words that mark a listing as something other than a drug offer (fraud, digital goods,
# counterfeits, books, drug-checking kits): such listings often carry drug names as search-tag
# spam, or name the drug a test kit is for. "Reagent tested" is a drug offer's quality claim.
_NOT_DRUG = re.compile(
    r"\b(accounts?|fullz|ssn|dob|cvv\d?|dumps?|paypal|bank\s?drops?|logins?|links|guides?|"
    r"tutorials?|e-?books?|pdf|counterfeit|fake\s?ids?|gold\s?bars?|silver\s+bars?|bullion|iphone|"
    # a watch, not the ecstasy pill of that press ("Ecstasy Pillen Rolex", "Rolex XTC pills")
    r"(?<!pillen\s)(?<!pills\s)(?<!pill\s)(?<!xtc\s)(?<!mdma\s)rolex(?!\s+(?:pills?|pillen|xtc|mdma|ecstasy))|"
    r"samsung|software|hacking|hacked|carding|netflix|hbo\w*|spotify|subscriptions?|selfies|"
    r"templates?|scans?|passports?|licen[cs]e|gift\s?cards?|cashout|porn|method|"
    r"bitcoin\s+mixer|vpn|socks5?|rdp|botnet|malware|ransomware|lifetime|synt(?:h)?esis|"
    r"diar(?:y|ies)|lexi[ck]on|encyclop(?:a)?edia|visa|mastercard|\d+\s?[gt]b|"
    r"manufacture|horticulture|handbook|bible|urine\s+test|drug\s+test|test\s?kits?|"
    r"test\s?strips?|reagent\s+tests?|harm\s+reduction|"
    # drug-checking reagents by name ("Ehrlich reagent - LSD test 5ml")
    r"(?:ehrlich|marquis|mecke|mandelin|froehde|liebermann|simon'?s)\s+(?:reagents?|tests?|kits?)"
    r"(?![ \t]*tested)|"
    + _TRADE_GEAR + r")\b", re.IGNORECASE)
# A vendor's terms name the drugs they refund or reship, and offer none. Apart from _NOT_DRUG
# and run only on texts that hold one of these words: their first letters (t, r, p, f) start
# most words, and _NOT_DRUG's first-letter guard let every one in (~1.1x the listing judge).
_TERMS = Prechecked(re.compile(r"\b(?:terms|refunds?|reships?|polic(?:y|ies)|faq)\b", re.IGNORECASE))
# The trade's equipment and packaging, and merchandise: they block a drug named beside them
# however many are named ("Cocaine cutting agent Levamisole 100g" names two, levamisole being a
# medicine too; "Breaking Bad t-shirt (blue meth)"), unless a dose stands beside a name.
_EQUIPMENT = re.compile(r"\b(?:" + _TRADE_GEAR + r"|t-?shirts?|tees|hoodies?|posters?|stickers?|"
                        r"mugs?|keychains?|phone\s+cases?)\b", re.IGNORECASE)
# Goods whose titles look like drug offers to the model ("[AAA+]" grades weed, and watches):
# they stop a listing that names no drug, not one that does ("xanax pfizer replicas" are pills).
# Smoking gear and ammunition too ("3x High Quality Glass Ice Pipe", ".177cal Super Points"):
# a pipe "packed with" a strain that is not named still loses, a pipe with its drug named wins.
_NOT_DRUG_UNNAMED = re.compile(r"\b(replicas?|watch(?:es)?|chronograph|hublot|patek|heuer|breitling|"
                               r"tobacco|pipes?|bubblers?|bongs?|grinders?|ammo|ammunition|"
                               r"nicotine|e-?liquids?|vape\s+juice|"
                               # jewellery by weight ("Gold chain 18k 50cm - 25g"), a shipping add-on
                               r"chains?|necklaces?|bracelets?|earrings?|jewel(?:le)?ry|"
                               r"shipping\s+upgrade|postage\s+upgrade|"
                               r"calib(?:er|re))\b|(?<![\w.])\.\d{2,3}\s?cal\b", re.IGNORECASE)
# Supplements and cosmetics (nlp/data/not_medicines.txt keeps their names out of the drug
# lexicon): a title naming one and no drug is not a drug offer, whatever its dose looks like
# to the classifier ("Omega-3 Fish Oil 1000mg").
_SUPPLEMENT = re.compile(
    r"\b(multi-?vitamins?|vitamins?|omega[- ]?3|fish\s+oil|cod\s+liver\s+oil|collagen|biotin|"
    r"whey|protein\s+powder|probiotics?|dietary\s+supplements?|supplements?|"
    r"hyaluronic|glucosamine|creatine|ashwagandha|spirulina|moisturi[sz]er|shampoo|"
    # functional mushrooms: "Turkey Tail mushroom extract" is no psilocybin
    r"lion['’]?s\s+mane|reishi|chaga|cordyceps|turkey\s+tail|shiitake|maitake|"
    r"nahrungserg[äa]nzung\w*|compl[ée]ments?\s+alimentaires?|suplementos?)\b", re.IGNORECASE)
# An amount by weight or by the dose unit: "1G", "100GR.", "10 x 2mg", "50 pills".
_AMOUNT = r"\b\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|ug|g|gr|grams?|kg|oz|tabs?|pills?|caps(?:ules)?|blotters?"
_DOSE = re.compile(_AMOUNT + r"|ml|pcs|x)\b", re.IGNORECASE)
# A dose per unit in the title ("Superman 210MG+", "Silver Liquid @ 200ug", "MSContin 30 MG ER"):
# on a market, such a title offers a drug even when its name is in no lexicon (a pill press, a
# local brand). Not one of Agora's 1,617 non-drug rows has one; ml and % are left out (perfume,
# e-liquid, purity of anything). "25mgx100", "120 mgs" and "100+mg" still count.
_TITLE_DOSE = re.compile(rf"(?<![\w.])\d+(?:[.,]\d+)?\+?\s?(?:{DOSE_PER_UNIT})s?(?![^\W\d_xX])|"
                         # ... or a count of pills ("20 X WHITE GOING POSTAL PILLS", "300 Audemars
                         # Piguet (very heavy pills)"): Agora's non-drug titles name pills only
                         # without a count ("Stash for Pills", "Beats Pill Speaker")
                         r"(?<![\w.])\d+\s?(?:x\b)?[^\n\d]{0,40}?\b(?:pills|pillen|tabs|tablets)\b",
                         re.IGNORECASE)
# A strength per unit, the evidence that lifts a non-drug word's block on a named drug.
_STRENGTH_NEAR = re.compile(rf"(?<![\w.])\d+(?:[.,]\d+)?\s?(?:{DOSE_PER_UNIT})s?\b", re.IGNORECASE)
# Drugs after a "Tags:" label are search spam, not what the listing offers.
_TAGS = re.compile(r"\b(tags?|product\s+tags|keywords?|search\s+terms|schlagw[öo]rter|"
                   r"mots[- ]cl[ée]s|etiquetas|trefwoorden|теги|ключевые\s+слова)\s*:",
                   re.IGNORECASE)
_CUSTOM = re.compile(r"\bcustom\s+(?:order|listing)\b", re.IGNORECASE)
# What makes a listing a drug trade beyond the shelf it is on: an amount by weight or by the
# dose unit, a purity or a price per gram. Unlike _DOSE, no volumes ("500ml") or piece counts
# ("4 pcs"): with lengths ("10cm") they are what pipes and grinders come in.
_TRADE = re.compile(
    _AMOUNT + r")\b|\d\s?%\s?(?:pure|purity|thc|cbd)\b|\b(?:purity|pure)\s?:?\s?\d|"
    r"\b(?:per|/)\s?(?:g|gram)\b", re.IGNORECASE)
# Same patterns, with a first-character guard (nlp/fastre.py): they run on every listing;
# "Tags:" and "custom order" only on the few texts with a word their matches need.
_NOT_DRUG = guarded(_NOT_DRUG)
_EQUIPMENT = guarded(_EQUIPMENT)
_TAGS = Prechecked(guarded(_TAGS))
_CUSTOM = Prechecked(guarded(_CUSTOM))
_GUESS_CACHE = 200_000  # classifier texts remembered (a title is ~60 characters)
# Letter-spaced words ("X A N A X"), joined for the classifier: its character n-grams never
# saw one letter between spaces, and guessed "psychedelic" for S O C K S P R O X I E S.
_SPACED_WORD = re.compile(r"(?<![^\W\d_])(?:[^\W\d_] ){3,}[^\W\d_](?![^\W\d_])")
_CUE_LINE = re.compile(rf"^\s*(?:{cues.SHIP_FROM.pattern}|{cues.SHIP_TO.pattern})", re.IGNORECASE)


class LanguageGuesser:
    def __init__(self, nlp: Language, name: str, default: str) -> None:
        register_extensions()
        self.default = default or None

    def __call__(self, doc: Doc) -> Doc:
        DocAttrs(doc).language = detect_language(text_of(doc)) or self.default
        return doc


@Language.factory("pharmwatch_language", default_config={"default": "en"})
def make_language_guesser(nlp: Language, name: str, default: str) -> LanguageGuesser:
    return LanguageGuesser(nlp, name, default)


def classifier_text(doc: Doc) -> str:
    """What the classifier reads: the title, else the text without ship-cue lines; words
    spelt out letter by letter are joined."""
    title_end, text = DocAttrs(doc).title_end or 0, text_of(doc)
    if title_end and not _CUSTOM.search(text[:title_end], folded_of(doc)):
        return despaced(text[:title_end])
    lines = [l for l in text[:2000].splitlines() if not _CUE_LINE.match(l)]
    return despaced("\n".join(lines)[:500])


def _heading(doc: Doc) -> str:
    """The title, else the first line that is not a ship cue (Agora's product line)."""
    title_end, text = DocAttrs(doc).title_end or 0, text_of(doc)
    if title_end:
        return text[:title_end]
    return next((l for l in text[:2000].splitlines() if l.strip() and not _CUE_LINE.match(l)), "")


def despaced(text: str) -> str:
    """ "X A N A X 2mg" -> "XANAX 2mg": runs of four or more letters, one space apart."""
    if text.count(" ") < 3:
        return text
    return _SPACED_WORD.sub(lambda m: m.group().replace(" ", ""), text)


def _blockers(text: str, mentions: dict[str, list[tuple[int, int]]], low: str) -> int:
    """Non-drug words in `text`, except where the word is itself a drug's mention: "DOB" is
    a date of birth in "Fullz DOB+SSN" but the psychedelic in "1.5mg DOB tabs". `low`:
    folded(text), or of a longer text that holds it at the same offsets."""
    spans = {span for found in mentions.values() for span in found}
    terms = sum(1 for m in _TERMS.finditer(text, low[:len(text)]) if m.span() not in spans)
    return terms + sum(1 for m in _NOT_DRUG.finditer(text) if m.span() not in spans)


class ListingJudge:
    """doc._.is_drug_listing and doc._.drug_class; keeps only the drugs the listing offers."""

    def __init__(self, nlp: Language, name: str, dose_window: int, use_classifier: bool,
                 classifier_path: str, threshold: float, veto: float) -> None:
        register_extensions()
        self.name, self.dose_window = name, dose_window
        self.use_classifier, self.path = use_classifier, classifier_path
        self.threshold, self.veto = threshold, veto
        self.model: ListingClassifier | None = None
        self._guesses: dict[str, tuple[str, float]] = {}

    def initialize(self, get_examples: Callable[[], Iterable[Any]] | None = None, *,
                   nlp: Language | None = None) -> None:
        if self.use_classifier:
            self.model = ListingClassifier.load(Path(self.path) if self.path else ARTEFACT)
            self._guesses = {}  # guesses of the previous model

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        if self.use_classifier and self.model is None:
            raise LexiconError(f"component {self.name!r} used before nlp.initialize()")
        for batch in minibatch(docs, batch_size):
            guesses = (self._predict([classifier_text(d) for d in batch])
                       if self.model is not None else [(None, 0.0)] * len(batch))
            for doc, guess in zip(batch, guesses):
                yield self._judge(doc, *guess)

    def _predict(self, texts: list[str]) -> list[tuple[str, float]]:
        """The model's guesses, cached per text: titles repeat across a market's listings (one
        seller's variants, mirrors). A text's guess does not depend on the rest of its batch."""
        if len(self._guesses) > _GUESS_CACHE:
            self._guesses.clear()
        todo = list(dict.fromkeys(t for t in texts if t not in self._guesses))
        if todo:
            self._guesses.update(zip(todo, self.model.predict(todo)))
        return [self._guesses[t] for t in texts]

    def _judge(self, doc: Doc, guess: str | None, p: float) -> Doc:
        u = DocAttrs(doc)  # not doc._: spaCy builds a new proxy per access
        title_end = u.title_end or 0
        text, low = text_of(doc), folded_of(doc)  # the title is the text's start: `low` does
        tags = _TAGS.search(text, low, title_end)
        cut = tags.start() if tags else len(text)
        named = u.drugs or []
        # Drugs of the market's category (nlp/drugs.py: only when the text names none) have no
        # place in the text; they are offered only on the trade evidence below.
        shelf = named if named and named[0].get("source") == "category" else []
        named = [] if shelf else named
        drugs = [d for d in named if d["end"] <= title_end or d["start"] < cut]
        in_title = [d for d in drugs if d["end"] <= title_end]
        mentions = u.drug_mentions or {}
        dosed_body = [d for d in drugs if d not in in_title
                      and self._dosed(text, mentions.get(d["inn"]) or [(d["start"], d["end"])], cut)]
        custom = bool(title_end and _CUSTOM.search(text[:title_end], low))
        if custom:
            # "Custom order for X" titles name a buyer, not the goods: the body says what.
            offered = dosed_body or in_title
            blocked = False
        elif title_end:
            offered = in_title or dosed_body
            # A dose beside a drug named in the title outweighs a non-drug word there: "60 x
            # 20 mg Adderall IR tablets (Monthly Subscription)" sells pills, not a subscription.
            blocked = (_blockers(text[:title_end], mentions, low) > 0
                       and not self._any_dosed(text, in_title, mentions, title_end))
        else:
            offered = drugs
            blocked = (_blockers(text[:cut], mentions, low) >= max(1, len(drugs))
                       and not self._any_dosed(text, drugs, mentions, cut))
        if not blocked and offered and _EQUIPMENT.search(text, 0, title_end or cut):
            blocked = not self._any_dosed(text, offered, mentions, title_end or cut)
        model_says = guess is not None and guess != NONE and p >= self.threshold
        # A confident "not a drug" from the model vetoes drug names in a book or guide title,
        # but not a dose or weight beside a mention of the drug: the model reads only the title,
        # and a short one ("Verkoop wiet") says little the body ("wiet, 1g") does not settle.
        vetoed = (guess == NONE and p >= self.veto and not custom and not dosed_body
                  and not any(self._dosed(text, mentions.get(d["inn"]) or [], cut) for d in in_title))
        # A pipe in "Cannabis" is not cannabis: the shelf names the drug of a listing that the
        # model already takes for a drug offer, or whose own words trade by weight or dose.
        if shelf and (model_says or self._traded(text, title_end, cut)):
            offered = shelf
        # With no drug named: other goods ("Omega-3 1000mg", watches) are no offer; a dose or
        # a pill count in the heading is one.
        heading = "" if offered else _heading(doc)
        other_goods = not offered and (_SUPPLEMENT.search(text[:title_end or cut]) is not None
                                       or _NOT_DRUG_UNNAMED.search(heading) is not None)
        dosed_title = not offered and _TITLE_DOSE.search(heading) is not None
        is_drug = (not blocked and not other_goods
                   and ((not vetoed and (bool(offered) or model_says)) or dosed_title))
        u.is_drug_listing = is_drug
        u.drugs = offered if is_drug else []
        u.drug_class = (offered[0]["class"] if offered else (guess if guess != NONE else None)
                        ) if is_drug else None
        u.class_source = (("category" if shelf else "lexicon") if offered else "classifier"
                          ) if is_drug else None
        groups = [doc.spans[k] for k in ("drugs", "sellers", "places") if k in doc.spans]
        # set_ents, not `doc.ents =`: the setter rebuilds every Span it is given.
        doc.set_ents(filter_spans([s for g in groups for s in g]), default="outside")
        return doc

    @staticmethod
    def _traded(text: str, title_end: int, cut: int) -> bool:
        """Drug-trade wording in the title (the text before any "Tags:" when there is none)."""
        return _TRADE.search(text[:title_end] if title_end else text[:cut]) is not None

    def _any_dosed(self, text: str, drugs: list[dict], mentions: dict, cut: int) -> bool:
        """A strength per unit ("20 mg", not "1oz": gold bars weigh too) right beside a mention
        of any of `drugs`, all of it before `cut`."""
        head = text[:cut]
        return any(self._dosed(head, mentions.get(d["inn"]) or [(d["start"], d["end"])], cut,
                               _STRENGTH_NEAR) for d in drugs)

    def _dosed(self, text: str, mentions: list[tuple[int, int]], cut: int,
               evidence: re.Pattern = _DOSE) -> bool:
        """Strong evidence in the body: a dose or quantity right next to a mention of the drug
        before any tag list. Any mention: the first is often a menu entry or a seller's name
        ("NDD-DMT"), and the offer ("0.5g DMT") comes later."""
        for start, end in mentions:
            if start >= cut:
                break
            if evidence.search(text[max(0, start - self.dose_window):end + self.dose_window]):
                return True
        return False

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.model is not None:
            self.model.save(path / "listing_classifier.npz")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "ListingJudge":
        saved = Path(path) / "listing_classifier.npz"
        if self.use_classifier:
            self.model = ListingClassifier.load(saved)
            self._guesses = {}
        return self


@Language.factory("pharmwatch_listing",
                  default_config={"dose_window": 25, "use_classifier": True, "classifier_path": "",
                                  "threshold": 0.5, "veto": 0.9})
def make_listing_judge(nlp: Language, name: str, dose_window: int, use_classifier: bool,
                       classifier_path: str, threshold: float, veto: float) -> ListingJudge:
    return ListingJudge(nlp, name, dose_window, use_classifier, classifier_path, threshold, veto)
