"""`pharmwatch_drugs`: PhraseMatcher (attr LOWER) over the drug lexicon -> DRUG spans."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import OSA
from spacy.language import Language
from spacy.attrs import IDX, IS_ALPHA, LENGTH
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from nlp import lexicon
from nlp.details import DOSE_PER_UNIT
from nlp.exceptions import LexiconError
from nlp.extensions import DocAttrs, hint, register_extensions, text_of
from nlp.fancy import plain
from nlp.places import fold

_WINDOW = 60  # characters either side searched for an ambiguous alias's context
_ATTRS = [IDX, LENGTH, IS_ALPHA]
# Letter-spaced words ("X A N A X"): vendors space letters out to dodge keyword filters.
_SPACED_MIN_RUN = 4   # letters in a run: lists ("a b c") and initials ("J R R") stay below
_SPACED_MIN_PART = 5  # a name found inside a longer run: shorter ones hide in any letter soup
_SPACED_MAX_RUN = 64  # a longer run is letter soup, not spaced words: not searched
_NOT_LETTERS = re.compile(r"[ \-]")  # what a lexicon term loses when its letters are joined
# Any run of 4 spaced letters has two inner letters with a space either side (" A N "): a
# C-speed scan that lets normal text (a few runs in 20,000 listings) skip the token loop.
# [^\W\d_] accepts every character str.isalpha() does, so it never hides a run.
_SPACED_GATE = re.compile(r" [^\W\d_] [^\W\d_] ")
# Market categories: a handful per market, looked up once each.
_CATEGORY_CACHE = 10_000
_MAX_CATEGORY = 300  # characters: a category is a short path, never a page
_CRUMB = re.compile(r"\s*[>»›]\s*")  # "Drugs>Cocaine": separators the tokenizer keeps in a word
# A strength right after a word ("Xanex 2mg", "Valum 10 mg"): what lets a 5-letter word be read
# as a misspelt drug name. Five-letter words are too many ("value", "venus") to match on spelling
# alone; a strength after one is a product name's place.
_SHORT_FUZZY_LENGTH = 5
_STRENGTH_AFTER = re.compile(rf"[ \t]{{0,2}}\d{{1,4}}(?:[.,]\d{{1,3}})?[ \t]?(?:{DOSE_PER_UNIT})\b", re.IGNORECASE)
# "<drug>-free" (English, German, French, Spanish, Dutch): the product is without it; not
# "Valium-free shipping", a dash lost between the drug and the shipping offer.
_FREE_OF = re.compile(r"-(?:free|frei|vrij|sans|libre)\b(?!\s*(?:ship|deliver|post|versand|"
                      r"lieferung|livraison|env[íi]o|verzend))", re.IGNORECASE)
# A name the listing says is absent or only tested for, never offered: "no fentanyl", "not
# meth", "tested negative for fentanyl and levamisole", "fentanyl free", "fentanyl test
# strips", "sin fentanilo". Counted as drugs, such claims set off fentanyl alerts on heroin
# and pills that say they hold none. Only the words right beside the name: "Not your average
# Xanax" offers Xanax.
_NEGATED_BEFORE = re.compile(
    r"(?:\b(?:no|not|non|without|zero|free[ \t]+of|negative[ \t]+for|absence[ \t]+of|ohne|kein(?:e|en)?|"
    r"sans|sin|zonder|geen|senza|без)|(?<![\d.,])0[ \t]?%)[ \t-]*(?:any[ \t]+)?\Z", re.IGNORECASE)
_TESTED_AFTER = re.compile(r"[ \t-]*(?:test(?:ing)?|reagent)[ \t]*(?:strips?|kits?|tests?|papers?)\b",
                           re.IGNORECASE)
# "fentanyl free" says the product holds none, but "1/2g Marijuana FREE!" gives weed away: only
# the adulterants and cuts a listing vouches against are "free" of.
_FREE_AFTER = re.compile(r"[ \t]+(?:free|frei|vrij)\b", re.IGNORECASE)
_CUTS = frozenset({"xylazine", "levamisole", "methamphetamine", "phenacetin", "benzocaine", "lidocaine",
                   "procaine", "medetomidine", "caffeine"})
_CUT_ENDINGS = ("fentanyl", "fentanil", "nitazene", "nitazepyne")
# A name listed after a negated one ("no fentanyl, no xylazine", "negative for fentanyl and
# levamisole") is negated too.
_LISTED_AFTER = re.compile(r"[ \t]*(?:,|/|\band\b|\bor\b|&|\bnor\b)[ \t]*(?:no[ \t]+)?\Z", re.IGNORECASE)
_NEGATION_REACH = 24


def _pattern(nlp: Language, term: str) -> Doc | tuple[int, ...]:
    """A PhraseMatcher (attr LOWER) pattern for a lexicon term. Lower-case words of letters
    only, one space apart, need no Doc: the tokenizer splits them at the spaces and nowhere
    else (its prefix, suffix and infix rules all need a character that is not a letter), and
    each token's LOWER is the word's own string id (`StringStore.add`: a hash, or a symbol's
    id for words such as "root"), so the pattern is those ids, the form PhraseMatcher keeps
    and unpickles. A Doc per term cost ~30 us of Doc and lexeme construction, ~1 s of every
    start for the lexicon's ~33,000 such terms."""
    words = term.split(" ")
    if all(plain_word(w) and w not in nlp.tokenizer.rules for w in words):
        return tuple(map(nlp.vocab.strings.add, words))
    # Digits, hyphens, commas ("5-fluorouracil", "gaba, 3-isobutyl"), or a special case that
    # splits a word ("im" -> "i", "m"): only the tokenizer knows how.
    return nlp.make_doc(term)


def plain_word(word: str) -> bool:
    """Letters only, already lower-case (and not empty: two spaces in a row are not plain)."""
    return word.isalpha() and word.lower() == word


def _negated(text: str, start: int, end: int, negated_end: int) -> bool:
    """Whether the name at [start, end) is said to be absent ("no fentanyl", "fentanyl free",
    "fentanyl test strips"), or listed right after a name that is ("no fentanyl, xylazine")."""
    if _NEGATED_BEFORE.search(text, max(0, start - _NEGATION_REACH), start):
        return True
    if 0 <= negated_end <= start and start - negated_end <= _NEGATION_REACH and _LISTED_AFTER.fullmatch(
            text, negated_end, start):
        return True
    return _TESTED_AFTER.match(text, end) is not None


def _vouched_against(text: str, end: int, inn: str) -> bool:
    """"fentanyl free", "xylazine-frei": the listing vouches its drug holds none of `inn`."""
    return (inn in _CUTS or inn.endswith(_CUT_ENDINGS)) and _FREE_AFTER.match(text, end) is not None


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def _has_context(text: str, start_char: int, end_char: int, context: re.Pattern[str]) -> bool:
    around = (text[max(0, start_char - _WINDOW):start_char] + " \u2022 "
              + text[end_char:end_char + _WINDOW])
    return context.search(around) is not None


def _spaced_runs(idx: list[int], length: list[int], alpha: list[int],
                 text: str) -> list[list[int]]:
    """Token indices of each run of >= 4 one-letter alphabetic tokens, each one space after
    the previous one ("C O C A I N E"). Costs one regex scan on text without such runs."""
    if _SPACED_GATE.search(text) is None:
        return []
    letters = [i for i, n in enumerate(length) if n == 1 and alpha[i]]
    if len(letters) < _SPACED_MIN_RUN - 1:  # a run's last letter may be a token "E."
        return []
    runs: list[list[int]] = []
    run = letters[:1]
    for i in letters[1:]:
        if _spaced_next(run[-1], i, idx, text):
            run.append(i)
            continue
        _close_run(run, runs, idx, length, text)
        run = [i]
    _close_run(run, runs, idx, length, text)
    return runs


def _spaced_next(prev: int, i: int, idx: list[int], text: str) -> bool:
    """Token i follows token prev one space after it (the two are two characters apart)."""
    return i == prev + 1 and idx[i] == idx[prev] + 2 and text[idx[prev] + 1] == " "


def _close_run(run: list[int], runs: list[list[int]], idx: list[int], length: list[int],
               text: str) -> None:
    """Keep the run if long enough, with a last letter the tokenizer kept with a full stop
    ("C O C A I N E." ends in the token "E.", as an initial would)."""
    last = run[-1] + 1
    if (last < len(length) and length[last] == 2 and _spaced_next(run[-1], last, idx, text)
            and text[idx[last]].isalpha() and text[idx[last] + 1] == "."):
        run.append(last)
    if len(run) >= _SPACED_MIN_RUN:
        runs.append(run)


class SpacedIndex(NamedTuple):
    """Lexicon terms by their letters alone ("crystalmeth"), for letter-spaced runs."""
    whole: dict[str, str]  # a whole run: any unambiguous term, package brands included
    inner: dict[str, str]  # inside a longer run: curated substance names of >= 5 letters only
    longest: int           # of the `inner` keys


def spaced_index(subs: Iterable[str], aliases: dict[str, lexicon.Alias],
                 variants: Iterable[str], stop: frozenset[str]) -> SpacedIndex:
    """A run is bounded by spaces like a word, so any term may match all of it. A name inside
    a run has no word boundary: the package's 100k variants hide in ordinary words spelt out
    ("istin" in L I S T I N G, "ovide" in P R O V I D E D), and so do street names
    ("roxies" in S O C K S P R O X I E S), so only the curated substance names (INN and
    common names) are looked for there. Ambiguous aliases ("speed", "ice") are left out: their
    context rule is for words. Curated names win a letters-only collision; stoplist words
    never match."""
    curated = [*sorted(subs), *sorted(a for a, x in aliases.items() if x.context is None)]
    whole: dict[str, str] = {}
    for term in (*curated, *sorted(variants)):
        ambiguous = term in aliases and aliases[term].context is not None
        letters = _NOT_LETTERS.sub("", term)
        if (not ambiguous and term not in stop and len(letters) >= _SPACED_MIN_RUN
                and letters.isalpha()):
            whole.setdefault(letters, term)
    inner = {t: t for t in sorted(subs)
             if t.isalpha() and len(t) >= _SPACED_MIN_PART and t not in stop}
    return SpacedIndex(whole, inner, max(map(len, inner), default=0))


def _spaced_parts(joined: str, index: SpacedIndex) -> list[tuple[int, int, str]]:
    """(offset, length, term) of the lexicon terms in a run's joined letters: the whole run, else
    curated names inside it, longest first (then leftmost), never overlapping."""
    n = len(joined)
    if joined in index.whole:
        return [(0, n, index.whole[joined])]
    parts: list[tuple[int, int, str]] = []
    taken = [False] * n
    for size in range(min(n - 1, index.longest), _SPACED_MIN_PART - 1, -1):
        for at in range(n - size + 1):
            term = index.inner.get(joined[at:at + size])
            if term is not None and not any(taken[at:at + size]):
                parts.append((at, size, term))
                taken[at:at + size] = [True] * size
    return sorted(parts)


def _longest_first(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """spacy.util.filter_spans on (start, end) pairs: same order, same ties (the first of
    equal spans wins), without a Span object per candidate."""
    if len(spans) < 2:
        return spans
    kept: list[tuple[int, int]] = []
    seen: set[int] = set()
    for start, end in sorted(spans, key=lambda s: (s[1] - s[0], -s[0]), reverse=True):
        # filter_spans checks only the boundaries (end - 1: inclusive)
        if start not in seen and end - 1 not in seen:
            kept.append((start, end))
            seen.update(range(start, end))
    return sorted(kept)


class DrugMatcher:
    """Tags DRUG spans and fills doc._.drugs (one entry per INN, first mention)."""

    def __init__(self, nlp: Language, name: str, use_package_lexicon: bool,
                 min_variant_length: int, substances_path: str, aliases_path: str,
                 stoplist_path: str, fuzzy: bool = True, fuzzy_min_length: int = 6) -> None:
        register_extensions()
        self.nlp, self.name = nlp, name
        self.fuzzy: FuzzyIndex | None = None
        self.fuzzy_short: FuzzyIndex | None = None
        self.use_fuzzy, self.fuzzy_min_length = fuzzy, fuzzy_min_length
        self.use_package_lexicon = use_package_lexicon
        self.min_variant_length = min_variant_length
        self.paths = {"substances": substances_path, "aliases": aliases_path,
                      "stoplist": stoplist_path}
        self.substances: dict[str, lexicon.Substance] = {}
        self.aliases: dict[str, lexicon.Alias] = {}
        self.variants: dict[str, str] = {}
        self.weak: frozenset[str] = frozenset()
        self.matcher: PhraseMatcher | None = None
        self.stop: frozenset[str] = frozenset()
        # Built on the first letter-spaced run (most batches have none).
        self._spaced: SpacedIndex | None = None
        self._categories: dict[str, list[dict[str, Any]]] = {}

    def initialize(self, get_examples: Callable[[], Iterable[Any]] | None = None, *,
                   nlp: Language | None = None) -> None:
        """Load the lexicon files (configured paths, or the ones shipped in nlp/data)."""
        p = {k: Path(v) if v else None for k, v in self.paths.items()}
        subs = lexicon.load_substances(p["substances"] or lexicon.SUBSTANCES_CSV)
        aliases = lexicon.load_aliases(p["aliases"] or lexicon.ALIASES_CSV, subs)
        stop = lexicon.load_stoplist(p["stoplist"] or lexicon.STOPLIST_TXT)
        self.stop = stop
        variants: dict[str, str] = {}
        if self.use_package_lexicon:
            variants = {v: c for v, c in
                        lexicon.load_package_variants(self.min_variant_length).items()
                        if v not in stop}
        self._set_data(subs, {a.alias: a for a in aliases}, variants)

    def _set_data(self, subs: dict[str, lexicon.Substance], aliases: dict[str, lexicon.Alias],
                  variants: dict[str, str]) -> None:
        self.substances, self.aliases, self.variants = subs, aliases, variants
        self.weak = frozenset(k for k, a in aliases.items() if a.weak)
        self._spaced, self._categories = None, {}
        terms = set(subs) | set(aliases) | set(variants)
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.matcher.add("DRUG", [_pattern(self.nlp, t) for t in sorted(terms)])
        # Fuzzy only against the curated names: the package's 100k+ variants include too many
        # near-words ("lotion", "tablet") to be safe targets for a one-letter slip.
        names = [t for t in set(subs) | set(aliases) if " " not in t and t.isalpha()]
        curated = [t for t in names if len(t) >= self.fuzzy_min_length]
        # Medicine names: the substances and the brands the package knows. Only they are
        # targets for two slips, and for shorter words (a strength after them required): a
        # slang alias ("smack", "speed") is too close to too many words ("Tren Stack 150mg").
        medicines = frozenset(t for t in names if t in subs or t in variants)
        short = [t for t in medicines if len(t) >= _SHORT_FUZZY_LENGTH]
        self.fuzzy = FuzzyIndex(curated, self.stop, medicines) if self.use_fuzzy else None
        self.fuzzy_short = FuzzyIndex(short, self.stop) if self.use_fuzzy else None

    def __call__(self, doc: Doc) -> Doc:
        if self.matcher is None:
            raise LexiconError(f"component {self.name!r} used before nlp.initialize()")
        text = text_of(doc)
        letters = plain(text)
        if letters is text:
            found, drugs, mentions = self._find(doc, text)
            spans = [Span(doc, start, end, label="DRUG") for start, end in found]
        else:
            spans, drugs, mentions = self._find_fancy(doc, text, letters)
        doc.spans["drugs"] = spans
        u = DocAttrs(doc)
        u.drug_mentions = mentions
        entries = list(drugs.values())
        category = hint(doc, "category")
        shelf = self.category_drugs(category) if category is not None else []
        # The shelf is reported apart (a vendor's amphetamine on the cocaine shelf is
        # amphetamine, but the mis-shelving is worth knowing); a drug the listing names beats
        # it: the category's drugs stand in only when the text names none.
        u.shelf_drugs = [d["inn"] for d in shelf]
        u.drugs = entries or [dict(d) for d in shelf]  # each listing changes its own entries
        return doc

    def _find_fancy(self, doc: Doc, text: str, letters: str) -> tuple[
            list[Span], dict[str, dict[str, Any]], dict[str, list[tuple[int, int]]]]:
        """_find on the text with look-alike letters made plain (nlp/fancy.py): same offsets,
        so spans map back by character; names are given as the listing wrote them."""
        alt = self.nlp.make_doc(letters)
        found, drugs, mentions = self._find(alt, letters)
        spans = []
        for start, end in found:
            span = doc.char_span(alt[start].idx, alt[end - 1].idx + len(alt[end - 1]),
                                 label="DRUG", alignment_mode="expand")
            if span is not None:
                spans.append(span)
        for entry in drugs.values():
            entry["name"] = text[entry["start"]:entry["end"]]
        return spans, drugs, mentions

    def _find(self, doc: Doc, text: str) -> tuple[
            list[tuple[int, int]], dict[str, dict[str, Any]], dict[str, list[tuple[int, int]]]]:
        """(DRUG spans as (start, end) token pairs, INN -> entry of its first mention,
        INN -> character offsets of every mention)."""
        # Candidates as (start, end) token pairs, not Spans: a Span builds Token objects for
        # its character offsets, and most candidates are overlaps or unresolved variants.
        candidates = [(s, e) for _, s, e in self.matcher(doc)]
        # Token offsets and attributes as one array (columns as lists: numpy element access
        # costs more than the list): no Python Token object per token.
        idx, length, alpha = doc.to_array(_ATTRS).T.tolist()
        fuzzy_terms = (self._fuzzy(idx, length, alpha, text, candidates)
                       if self.fuzzy is not None else {})
        runs = _spaced_runs(idx, length, alpha, text)
        spaced_terms = self._spaced_terms(runs, text, idx, candidates) if runs else {}
        found: list[tuple[int, int]] = []
        found_inns: list[str] = []
        strong: set[str] = set()
        drugs: dict[str, dict[str, Any]] = {}
        mentions: dict[str, list[tuple[int, int]]] = {}
        negated_end = -1  # where the last negated name ended
        for start, end in _longest_first(candidates):
            term = (fuzzy_terms.get(start) if end - start == 1
                    else spaced_terms.get((start, end)))
            # A spelt-out name is one letter a token (its last may carry a full stop).
            last = 1 if term is not None and end - start > 1 else length[end - 1]
            start_char, end_char = idx[start], idx[end - 1] + last
            if _FREE_OF.match(text, end_char):
                continue  # "THC-free", "melatonin-free": says the drug is not there
            name = text[start_char:end_char]
            key = term or _key(name)
            inn = self.resolve(key, text, start_char, end_char)
            if inn is None:
                continue
            if _negated(text, start_char, end_char, negated_end) or _vouched_against(text, end_char, inn):
                negated_end = end_char
                continue
            found.append((start, end))
            found_inns.append(inn)
            if key not in self.weak:
                if inn in drugs and inn not in strong:
                    # first seen as a form only ("tabs"): the drug's own name describes it
                    drugs[inn] = self.describe(name, inn, start_char, end_char)
                strong.add(inn)
            mentions.setdefault(inn, []).append((start_char, end_char))
            if inn not in drugs:
                drugs[inn] = self.describe(name, inn, start_char, end_char)
        weak = drugs.keys() - strong
        if weak and strong:
            # only forms name these ("blotters"), and another drug is named: that is what they carry
            found = [span for span, inn in zip(found, found_inns) if inn not in weak]
            for inn in weak:
                del drugs[inn], mentions[inn]
        # A brand and the ester it is ("MASTERON (DROSTANOLONE PROPIONATE)") are one drug: the
        # ester, the more exact name.
        if len(drugs) > 1:
            for inn in {_base_name(k) for k in drugs if _base_name(k) != k} & drugs.keys():
                del drugs[inn]
        return found, drugs, mentions

    def category_drugs(self, category: str) -> list[dict[str, Any]]:
        """Entries for the drugs a market category names ("Drugs > Stimulants > Cocaine"),
        found as in listing text (ambiguous names need their context in the category), marked
        `"source": "category"`, with null `start`/`end`: the name is not in the listing's text.
        Cached and shared between listings: copy an entry before changing it."""
        entries = self._categories.get(category)
        if entries is None:
            path = _CRUMB.sub(" > ", category[:_MAX_CATEGORY])
            doc = self.nlp.make_doc(path)
            _, drugs, _ = self._find(doc, path)
            entries = [{**d, "start": None, "end": None, "source": "category"}
                       for d in drugs.values()]
            if len(self._categories) >= _CATEGORY_CACHE:
                self._categories.clear()
            self._categories[category] = entries
        return entries

    def _fuzzy(self, idx: list[int], length: list[int], alpha: list[int], text: str,
               candidates: list[tuple[int, int]]) -> dict[int, str]:
        """Token index -> lexicon term for misspelt words outside the exact matches (appended
        to `candidates` as one-token pairs, in token order)."""
        covered = {i for s, e in candidates for i in range(s, e)}
        min_length, lookup = self.fuzzy_min_length, self.fuzzy.lookup
        short = _SHORT_FUZZY_LENGTH if self.fuzzy_short is not None else min_length
        words = [i for i, n in enumerate(length)
                 if n >= short and alpha[i] and i not in covered]
        terms: dict[int, str] = {}
        for i in words:
            # A token's LOWER is its text lower-cased, and its text sits at IDX in doc.text.
            start, end = idx[i], idx[i] + length[i]
            word = text[start:end].lower()
            term = lookup(word) if length[i] >= min_length else None
            if term is None and short < min_length and _STRENGTH_AFTER.match(text, end):
                term = self.fuzzy_short.lookup(word)
            if term is not None:
                terms[i] = term
                candidates.append((i, i + 1))
        return terms

    def _spaced_terms(self, runs: list[list[int]], text: str, idx: list[int],
                      candidates: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
        """(start, end) -> lexicon term for names spelt out in letter-spaced runs (appended to
        `candidates`). The span covers only the run's letters that spell the name: in
        "C O L O M B I A N C O C A I N E" the DRUG span is "C O C A I N E"."""
        if self._spaced is None:
            self._spaced = spaced_index(self.substances, self.aliases, self.variants, self.stop)
        terms: dict[tuple[int, int], str] = {}
        for run in runs:
            if len(run) > _SPACED_MAX_RUN:
                continue
            joined = "".join(text[idx[i]] for i in run).lower()
            for at, size, term in _spaced_parts(joined, self._spaced):
                span = (run[at], run[at + size - 1] + 1)
                terms[span] = term
                candidates.append(span)
        return terms

    def resolve(self, key: str, text: str, start_char: int, end_char: int) -> str | None:
        """INN for a matched name's `key` (or its fuzzy-matched lexicon term) at
        text[start_char:end_char], or None when an ambiguous alias lacks its context."""
        alias = self.aliases.get(key)
        if alias is not None:
            if alias.context is not None and not _has_context(text, start_char, end_char,
                                                               alias.context):
                return None
            return alias.inn
        if key in self.substances:
            return key
        canonical = self.variants.get(key)
        if canonical is None:
            return None
        # The package's canonical name may itself be a synonym we normalise further
        # (e.g. midomafetamine -> mdma per the gold conventions).
        remap = self.aliases.get(canonical)
        return remap.inn if remap is not None and remap.context is None else canonical

    def describe(self, name: str, inn: str, start_char: int, end_char: int) -> dict[str, Any]:
        sub = self.substances.get(inn) or self.substances.get(_base_name(inn))
        return {"name": name, "inn": inn,
                "class": sub.drug_class if sub else None,
                "schedule_un": sub.schedule_un if sub else None,
                "schedule_us": sub.schedule_us if sub else None,
                "controlled": sub.controlled if sub else False,
                "rx_only": sub.rx_only if sub else False,
                "start": start_char, "end": end_char}

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        subs = {k: [s.drug_class, s.schedule_un, s.schedule_us, s.rx_only]
                for k, s in self.substances.items()}
        aliases = {k: [a.inn, a.context.pattern if a.context else None, a.weak]
                   for k, a in self.aliases.items()}
        data = {"substances": subs, "aliases": aliases, "variants": self.variants,
                "stop": sorted(self.stop)}
        (path / "lexicon.json").write_text(json.dumps(data), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "DrugMatcher":
        try:
            data = json.loads((Path(path) / "lexicon.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise LexiconError(f"cannot load saved lexicon from {path}: {exc}") from exc
        subs = {k: lexicon.Substance(k, c, un, us, rx)
                for k, (c, un, us, rx) in data["substances"].items()}
        # [inn, context] in pipelines saved before weak aliases: not weak
        aliases = {k: lexicon.Alias(k, v[0], re.compile(v[1], re.IGNORECASE) if v[1] else None,
                                    bool(v[2:3] and v[2]))
                   for k, v in data["aliases"].items()}
        self.stop = frozenset(data.get("stop", []))
        self._set_data(subs, aliases, data["variants"])
        return self


# Salts and esters (INN modifiers): "testosterone propionate" is controlled as testosterone
# is (21 CFR 1300.01 covers a steroid's esters; the conventions cover salts and esters too).
_SALTS = frozenset({
    "acetate", "propionate", "dipropionate", "phenylpropionate", "phenpropionate", "enanthate",
    "cypionate", "decanoate", "undecanoate", "undecylenate", "isocaproate", "caproate",
    "valerate", "hydrochloride", "hcl", "sulfate", "sulphate", "citrate", "tartrate",
    "bitartrate", "phosphate", "maleate", "mesylate", "besylate", "succinate", "fumarate",
    "bromide", "hydrobromide", "sodium", "potassium", "calcium", "base"})


def _base_name(inn: str) -> str:
    """'testosterone propionate' -> 'testosterone'; other names unchanged."""
    words = inn.split()
    while len(words) > 1 and words[-1] in _SALTS:
        words.pop()
    return " ".join(words)


class FuzzyIndex:
    """Misspelt drug names -> lexicon term: accents folded, then at most one edit (two for
    words of 9+ letters, against medicine names only), same first letter, never a word on the
    stoplist. Cached per word. An edit may swap two neighbouring letters (optimal string
    alignment): "Codiene" is one slip from codeine, not the two Levenshtein counts. Two edits
    from a slang compound reach everyday words: "Speedmaster" (a watch) is two from
    "speedpaste", "Shattered" two from "shatter"."""

    def __init__(self, terms: list[str], stop: frozenset[str],
                 two_edit_terms: frozenset[str] | None = None) -> None:
        self.terms = sorted(set(terms))
        self.exact = set(self.terms)
        self.stop = stop
        self.two_edit = self.exact if two_edit_terms is None else two_edit_terms
        self.lookup = lru_cache(maxsize=200_000)(self._lookup)

    def _lookup(self, word: str) -> str | None:
        if word in self.stop:
            return None
        folded = fold(word)
        if folded in self.exact:
            return folded
        limit = 1 if len(folded) < 9 else 2
        pool = [t for t in self.terms if t[0] == folded[0] and abs(len(t) - len(folded)) <= limit]
        best = process.extractOne(folded, pool, scorer=OSA.distance, score_cutoff=1)
        if best is None and limit == 2:
            best = process.extractOne(folded, [t for t in pool if t in self.two_edit],
                                      scorer=OSA.distance, score_cutoff=2)
        return best[0] if best else None


@Language.factory(
    "pharmwatch_drugs",
    default_config={"use_package_lexicon": True, "min_variant_length": 5,
                    "substances_path": "", "aliases_path": "", "stoplist_path": "",
                    "fuzzy": True, "fuzzy_min_length": 6},
)
def make_drug_matcher(nlp: Language, name: str, use_package_lexicon: bool,
                      min_variant_length: int, substances_path: str, aliases_path: str,
                      stoplist_path: str, fuzzy: bool, fuzzy_min_length: int) -> DrugMatcher:
    return DrugMatcher(nlp, name, use_package_lexicon, min_variant_length, substances_path,
                       aliases_path, stoplist_path, fuzzy, fuzzy_min_length)
