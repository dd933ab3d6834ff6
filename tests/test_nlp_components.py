"""Pipeline components on small blank pipelines, plus the saved-pipeline round trip."""

from __future__ import annotations

import spacy
import pytest

import nlp.pipeline  # noqa: F401  (registers factories)
from nlp.exceptions import LexiconError
from nlp.places import parse_place, parse_places


def _small(*names: str, drugs_cfg: dict | None = None):
    pipe = spacy.blank("en")
    for name in names:
        cfg = drugs_cfg if name == "pharmwatch_drugs" else None
        pipe.add_pipe(name, config=cfg or {})
    pipe.initialize()
    return pipe


@pytest.fixture(scope="module")
def drug_pipe():
    return _small("pharmwatch_drugs", drugs_cfg={"use_package_lexicon": False})


@pytest.mark.parametrize("text,inn", [
    ("Xanax 2mg", "alprazolam"), ("ROXIES 30mg", "oxycodone"), ("percs", "oxycodone"),
    ("Molly crystals", "mdma"), ("kokain 1g", "cocaine"), ("Adderall XR", "amphetamine"),
    ("Ritalin", "methylphenidate"), ("soma 350", "carisoprodol"), ("Cenforce 100", "sildenafil"),
    ("cialis", "tadalafil"), ("Subutex 8mg", "buprenorphine"), ("Klonopin", "clonazepam"),
    ("Rivotril", "clonazepam"), ("ambien", "zolpidem"), ("hash", "cannabis"),
    ("Etinax 3mg", "etizolam"), ("isotonitazene", "isotonitazene"),
])
def test_street_names_and_brands_map_to_inn(drug_pipe, text, inn):
    doc = drug_pipe(text)
    assert [d["inn"] for d in doc._.drugs] == [inn]
    d = doc._.drugs[0]
    assert text[d["start"]:d["end"]].lower() == d["name"].lower()


def test_schedule_fields_come_from_curated_table(drug_pipe):
    d = drug_pipe("fentanyl patches")._.drugs[0]
    assert (d["class"], d["schedule_un"], d["schedule_us"]) == ("opioid", "1961-I", "II")
    assert d["controlled"] and d["rx_only"]
    v = drug_pipe("viagra")._.drugs[0]
    assert v["controlled"] is False and v["rx_only"] is True


def test_ambiguous_alias_needs_context(drug_pipe):
    assert drug_pipe("1oz gold bars, shiny")._.drugs == []
    assert [d["inn"] for d in drug_pipe("yellow bars 2mg")._.drugs] == ["alprazolam"]
    assert drug_pipe("fast speed delivery")._.drugs == []
    assert [d["inn"] for d in drug_pipe("speed paste 100g")._.drugs] == ["amphetamine"]


def test_package_lexicon_adds_brand_names():
    pipe = _small("pharmwatch_drugs")
    inns = {d["inn"] for d in pipe("Lipitor 20mg and Zoloft")._.drugs}
    assert inns == {"atorvastatin", "sertraline"}


def test_component_used_before_initialize_fails_clearly():
    pipe = spacy.blank("en")
    pipe.add_pipe("pharmwatch_drugs")
    with pytest.raises(LexiconError, match="initialize"):
        pipe("xanax")


def test_bad_lexicon_file_is_reported(tmp_path):
    bad = tmp_path / "subs.csv"
    bad.write_text("inn,class,schedule_un,schedule_us,rx_only,source\nfoo,x,1961-IX,,true,src\n")
    with pytest.raises(LexiconError, match="subs.csv:2"):
        _small("pharmwatch_drugs", drugs_cfg={"use_package_lexicon": False,
                                              "substances_path": str(bad)})


def test_bad_weak_flag_in_aliases_is_reported(tmp_path):
    from nlp.lexicon import load_aliases, load_substances
    bad = tmp_path / "aliases.csv"
    bad.write_text("alias,inn,context,weak\nxans,alprazolam,,true\nbars,alprazolam,,yes\n")
    with pytest.raises(LexiconError, match="aliases.csv:3: weak must be true or false"):
        load_aliases(bad, load_substances())
    bad.write_text("alias,inn,context\nxans,alprazolam,\n")  # the column is optional
    assert [a.weak for a in load_aliases(bad, load_substances())] == [False]


@pytest.mark.parametrize("text,origin,dest", [
    ("Ships from: United Kingdom\nShips to: United Kingdom , Europe", "GB", ["GB", "EU"]),
    ("Versand aus: Deutschland\nVersand nach: Österreich, Schweiz", "DE", ["AT", "CH"]),
    ("Expédié de: Allemagne. Livraison: France", "DE", ["FR"]),
    ("Envío desde: España\nEnvío a: mundial", "ES", ["WW"]),
    ("Origin Country : Holland\nShip to :\nWorld Wide , USA", "NL", ["WW", "US"]),
    ("Ships from: Torland\nShips to: Internet", None, []),
    ("Ships from: Undeclared", None, []),
])
def test_multilingual_ship_cues(text, origin, dest):
    doc = _small("pharmwatch_places")(text)
    assert doc._.ship_from == origin
    assert doc._.ship_to == dest


def test_place_parser_rejects_lowercase_codes_and_nonsense():
    assert parse_places("in the US and to DE") == ["US", "DE"]
    assert parse_places("Worldwide except USA") == ["WW"]
    assert parse_place("Internet") is None
    assert parse_places("European Union, UK") == ["EU", "GB"]


@pytest.mark.parametrize("text,seller", [
    ("Vendor: xanaxking\nrest", "xanaxking"), ("Sold by TheProffessa -", "TheProffessa"),
    ("Verkäufer: BerlinBenz.", "BerlinBenz"), ("vendeur : LeMarchand", "LeMarchand"),
    ("vendedor: ElJefe", "ElJefe"), ("Telegram: @RoxyRick", "RoxyRick"),
    ("Wickr: plugz", "plugz"), ("no cue at all here", None),
])
def test_seller_cues(text, seller):
    assert _small("pharmwatch_seller")(text)._.seller == seller


def test_hints_win_over_text():
    pipe = _small("pharmwatch_places", "pharmwatch_seller", "pharmwatch_price")
    doc = pipe.make_doc("Vendor: textguy Ships from: France Price: 10 EUR")
    doc._.hints = {"seller": "  hint   guy ", "ships_from": "Spain", "ships_to": ["EU", "UK"],
                   "price": "USD 120.00"}
    doc = pipe(doc)
    assert (doc._.seller, doc._.ship_from, doc._.ship_to) == ("hint guy", "ES", ["EU", "GB"])
    assert (doc._.price, doc._.currency) == (120.0, "USD")


@pytest.mark.parametrize("text,price,cur", [
    ("Price: USD 120.00", 120.0, "USD"), ("0.0042 BTC", 0.0042, "BTC"),
    ("only 150 EUR", 150.0, "EUR"), ("€45", 45.0, "EUR"), ("$30 each", 30.0, "USD"),
    ("Preis: 1,200.50 £", 1200.5, "GBP"), ("no money", None, None),
])
def test_prices(text, price, cur):
    doc = _small("pharmwatch_price")(text)
    assert (doc._.price, doc._.currency) == (price, cur)


def test_save_and_reload_pipeline(tmp_path):
    from nlp.pipeline import build_pipeline
    pipe = build_pipeline(overrides={"components.pharmwatch_drugs.use_package_lexicon": False})
    pipe.to_disk(tmp_path / "model")
    again = spacy.load(tmp_path / "model")
    assert again.pipe_names == pipe.pipe_names
    text = "Valium 10mg. Vendor: benzoboss. Ships from: Netherlands. Ships to: EU. Price: 30 EUR"
    a, b = pipe(text), again(text)
    assert a._.drugs == b._.drugs and a._.drugs[0]["inn"] == "diazepam"
    assert [(e.text, e.label_) for e in a.ents] == [(e.text, e.label_) for e in b.ents]
    assert {e.label_ for e in b.ents} == {"DRUG", "SELLER", "LOCATION"}
    # weak aliases stay weak: blotters carry the etizolam, they do not add LSD
    assert again.get_pipe("pharmwatch_drugs").weak == pipe.get_pipe("pharmwatch_drugs").weak != set()
    assert [d["inn"] for d in again("Etizolam 1mg x 100 blotters")._.drugs] == ["etizolam"]


def test_tokenizer_cache_setup_survives_save_and_changes_no_token(tmp_path):
    """pharmwatch_tokenizer.v2 drops the whitespace special cases (they stopped spaCy caching
    chunks for the rest of a doc) and enlarges the cache: same tokens as the stock rules."""
    from spacy.attrs import NORM, ORTH, SPACY
    from nlp.pipeline import build_pipeline
    pipe = build_pipeline(overrides={"components.pharmwatch_drugs.use_package_lexicon": False})
    assert pipe.tokenizer.max_cache_size == 500_000
    assert not {"\n", "\t", " "} & set(pipe.tokenizer.rules) and "\xa0" in pipe.tokenizer.rules
    pipe.to_disk(tmp_path / "model")
    again = spacy.load(tmp_path / "model")
    assert again.tokenizer.max_cache_size == 500_000
    assert set(again.tokenizer.rules) == set(pipe.tokenizer.rules)
    stock = spacy.blank("en").tokenizer
    stock.infix_finditer = pipe.tokenizer.infix_finditer
    texts = ["Xanax 2mg\nVendor: x\n\nShips  to:\tEU \n", "\n", " a\t\tb\xa0c  ", "e.g. 2pm don't\n"]
    for text in texts * 2:  # twice: the second pass reads the chunk cache
        for tok in (pipe.tokenizer, again.tokenizer):
            assert (tok(text).to_array([ORTH, NORM, SPACY]).tolist()
                    == stock(text).to_array([ORTH, NORM, SPACY]).tolist()), text


def test_doc_attrs_share_storage_with_underscore():
    """DocAttrs reads and writes where spaCy keeps doc._ values (its key format is internal)."""
    from nlp.extensions import DocAttrs, register_extensions
    register_extensions()
    doc = spacy.blank("en")("Valium 10mg")
    doc._.seller = "benzoboss"
    attrs = DocAttrs(doc)
    assert attrs.seller == "benzoboss" and attrs.drugs is None and attrs.title_end == 0
    attrs.price = 30.0
    assert doc._.price == 30.0
    with pytest.raises(AttributeError):
        attrs.not_an_attribute = 1


def test_menu_items_are_not_seller_labels():
    text = "BECOME A VENDOR\nBALANCE\nContact Seller Add\nSold by theproffessa"
    assert _small("pharmwatch_seller")(text)._.seller == "theproffessa"
    assert _small("pharmwatch_seller")("Become a seller\nInbox\nDutchTopBoy (97%) Seller Level 2"
                                       )._.seller == "DutchTopBoy"


def test_china_white_is_fentanyl_unless_sold_as_heroin(drug_pipe) -> None:
    # A fentanyl alert goes out at once: "China White Heroin" must not raise one.
    assert [d["inn"] for d in drug_pipe("China White Heroin 3.5g")._.drugs] == ["heroin"]
    assert [d["inn"] for d in drug_pipe("China White, 100 pressed tabs")._.drugs] == ["fentanyl"]


def test_lexicon_patterns_without_docs_equal_tokenizer_patterns(extractor):
    """Plain terms enter the phrase matcher as string ids, not Docs: every term's pattern must
    be what the tokenizer gives it (symbols such as "root" have ids that are not hashes)."""
    from spacy.attrs import LOWER

    from nlp.drugs import plain_word

    nlp = extractor.nlp
    drugs = nlp.get_pipe("pharmwatch_drugs")
    terms = set(drugs.substances) | set(drugs.aliases) | set(drugs.variants)
    built = {tuple(map(int, k)) for k in drugs.matcher.__reduce__()[1][1]["DRUG"]}
    plain = [t for t in terms if all(map(plain_word, t.split(" ")))]
    assert len(plain) > 30_000 and {"dong quai root", "budesónida", "baci im"} <= set(plain)
    tokenized = {tuple(map(int, nlp.make_doc(t).to_array(LOWER))) for t in terms}
    assert built == tokenized
