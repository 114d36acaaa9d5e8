"""The precision rules of :mod:`analysis.ner` (issue #14), on hand-made tokens (no Stanza)."""

from __future__ import annotations

import pytest

from analysis.ner import (
    _caps_heading,
    _common_initial,
    _ends_sentence,
    _extend_lt_name,
    _is_title,
    _late_rules,
    _rule_entities,
    _split_at_name,
    _title_cut,
    credit_spans,
    first_names,
    is_demonym,
)


class _Word:
    def __init__(self, lemma):
        self.lemma = lemma


class _Tok:
    """A token with its text, offsets and one word carrying a lemma."""

    def __init__(self, text, start=0, lemma=None):
        self.text = text
        self.start_char, self.end_char = start, start + len(text)
        self.words = [_Word(lemma if lemma is not None else text)]


def _toks(sentence: str, lemmas: dict[str, str] | None = None) -> list[_Tok]:
    out, pos = [], 0
    for word in sentence.split():
        pos = sentence.index(word, pos)
        out.append(_Tok(word, pos, (lemmas or {}).get(word)))
        pos += len(word)
    return out


# credits

@pytest.mark.parametrize(("text", "credits"), [
    ("Foto: Reuters", ["Foto: Reuters"]),
    ("Prezydent mówił w Sejmie. Fot. PAP/Radek Pietruszka", ["Fot. PAP/Radek Pietruszka"]),
    ("Putin na Kremlu. Kremlin Pool/EPA-EFE", ["Kremlin Pool/EPA-EFE"]),
    ("Klimentyev/Sputnik/ Putin w Moskwie", ["Klimentyev/Sputnik/"]),
    ("Źródło: Wikimedia Commons", ["Źródło: Wikimedia Commons"]),
    ("VILNIUS (ELTA). Prezidentas Gitanas Nausėda", ["(ELTA)"]),
    ("Nuotr.: Scanpix/AP", ["Nuotr.: Scanpix/AP"]),
    ("Sursa foto: Inquam Photos/Octav Ganea", ["Sursa foto: Inquam Photos/Octav Ganea"]),
    ("Foto: Reuters. Prezydent Duda powiedział", ["Foto: Reuters."]),
    ("PSD/ALDE a votat legea", []),  # slash-joined party names, no agency
    ("Jako wysłannik Associated Press (AP) fotografował", []),  # an acronym introduced
    ("Vilniaus universitetas", []),
])
def test_credit_spans(text, credits):
    found = [text[s:e] for s, e in credit_spans(text)]
    for credit in credits:
        assert credit in found
    assert all(any(f in c or c in f for c in credits) for f in found), found


def _row(text_idx, start, end, text, label="PER", initial=False):
    return {"text_idx": text_idx, "start_char": start, "end_char": end, "text": text,
            "lemma": text, "label": label, "_initial": initial}


def test_late_rules_drop_mentions_inside_credits():
    text = "Donald Tusk w Brukseli. Fot. PAP/Radek Pietruszka"
    rows = [_row(0, 0, 11, "Donald Tusk"), _row(0, 34, 49, "Radek Pietruszka"),
            _row(0, 29, 32, "PAP", "ORG")]
    kept = _late_rules(rows, [text], "pl", frozenset(), {}, frozenset({"credits"}))
    assert [r["text"] for r in kept] == ["Donald Tusk"]
    assert len(_late_rules(rows, [text], "pl", frozenset(), {}, frozenset())) == 3


# ALL-CAPS headings

@pytest.mark.parametrize(("sentence", "mention", "dropped"), [
    ("ŚLADAMI NOBLISTÓW POLSKICH W PARYŻU", "POLSKICH", True),
    ("ŚLADAMI NOBLISTÓW POLSKICH W PARYŻU", "NOBLISTÓW POLSKICH", True),
    ("SZCZYT NATO W WILNIE ZAKOŃCZONY", "NATO", False),  # an acronym stays
    ("Szczyt w WILNIE zakończony dziś", "WILNIE", False),  # no heading
    ("SZCZYT W Wilnie ZAKOŃCZONY DZIŚ", "Wilnie", False),  # not ALL-CAPS itself
])
def test_caps_heading(sentence, mention, dropped):
    sent = _toks(sentence)
    words = mention.split()
    first = next(i for i, t in enumerate(sent) if t.text == words[0])
    assert _caps_heading(sent[first:first + len(words)], sent) is dropped


# spans that run across two names

def test_first_names_list_is_shipped():
    names = first_names()
    assert {"Anna", "Dmitrij", "Serhiy", "Vytautas", "Gheorghe"} <= names
    assert "Pan" not in names  # a pl common word


@pytest.mark.parametrize(("mention", "lemmas", "lang", "cut"), [
    ("Rosji Dmitrij Pieskow", {"Rosji": "Rosja"}, "pl", 1),
    ("Ucrainei Serhiy Nayev", {"Ucrainei": "Ucraina"}, "ro", 1),
    ("Toronto Maple Leafs", {}, "pl", None),  # a place in the nominative: one name
    ("Maria Anna Nowak", {}, "pl", None),  # first names in a row
    ("Rosji Dmitrij", {"Rosji": "Rosja"}, "pl", None),  # no full name after the place
])
def test_split_at_name(mention, lemmas, lang, cut):
    assert _split_at_name(_toks(mention, lemmas), lang) == cut


@pytest.mark.parametrize(("mention", "lang", "cut"), [
    ("Donald Tusk Premier", "pl", 2),
    ("Klaus Iohannis Președintele", "ro", 2),
    ("Gitanas Nausėda Prezidentas", "lt", 2),
    ("Jan Drzewiecki", "pl", None),  # "dr" is a title only written whole
    ("Angela Merkel", "lt", None),
])
def test_title_cut(mention, lang, cut):
    assert _title_cut(_toks(mention), lang) == cut


def test_is_title_any_case_form():
    assert _is_title("prezydenta", "pl") and _is_title("Dr.", "pl")
    assert not _is_title("Drzewiecki", "pl")


def test_rule_entities_split_and_relabel():
    labels = {"persName": "PER", "placeName": "LOC", "geogName": "LOC", "orgName": "ORG"}
    sent = _toks("Rzecznik Rosji Dmitrij Pieskow powiedział", {"Rosji": "Rosja"})
    out = _rule_entities([(sent[1:4], "persName")], sent, "pl", labels,
                         frozenset({"split_names"}))
    assert [(" ".join(t.text for t in toks), typ) for toks, typ in out] == [
        ("Rosji", "placeName"), ("Dmitrij Pieskow", "persName")]


# Lithuanian institutions and streets

@pytest.mark.parametrize(("sentence", "lemmas", "start", "n", "name", "label"), [
    ("Jis studijavo Vilniaus universitete .", {"universitete": "universitetas"}, 2, 1,
     "Vilniaus universitete", "ORG"),
    ("Sprendė Lietuvos banko valdyba .", {"banko": "bankas", "valdyba": "valdyba"}, 1, 1,
     "Lietuvos banko valdyba", "ORG"),
    ("Gyvena Gedimino prospekte .", {"prospekte": "prospektas"}, 1, 1,
     "Gedimino prospekte", "LOC"),
    # a lemma the lt lemmatizer gets wrong: the case form is in the list
    ("Gyvena Gedimino prospekte .", {"prospekte": "prospekti"}, 1, 1,
     "Gedimino prospekte", "LOC"),
    ("Dirba Lietuvos banke .", {"banke": "būti"}, 1, 1, "Lietuvos banke", "ORG"),
    ("Dirba Lietuvos banketas .", {"banketas": "banketas"}, 1, 1, "Lietuvos", None),
    ("Lėšos Kauno mokykloms .", {"mokykloms": "mokykla"}, 1, 1, "Kauno", None),  # plural
    ("Pritarė Haičio vyriausybė .", {"Haičio": "Haitis", "vyriausybė": "vyriausybė"}, 1, 1,
     "Haičio", None),  # a country's government: the country alone
    ("Sudarė Laikinąją vyriausybę .", {"vyriausybę": "vyriausybė"}, 1, 1,
     "Laikinąją vyriausybę", "ORG"),
    ("Gyvena Vilniaus mieste .", {"mieste": "miestas"}, 1, 1, "Vilniaus", None),
])
def test_extend_lt_name(sentence, lemmas, start, n, name, label):
    sent = _toks(sentence, lemmas)
    tokens, new = _extend_lt_name(sent[start:start + n], sent)
    assert (" ".join(t.text for t in tokens), new) == (name, label)


def test_rule_entities_relabel_lt_institution():
    labels = {x: x for x in ("PER", "LOC", "ORG", "EVT", "PRO")}
    sent = _toks("Jis studijavo Vilniaus universitete .", {"universitete": "universitetas"})
    out = _rule_entities([(sent[2:3], "LOC")], sent, "lt", labels,
                         frozenset({"lt_institutions"}))
    assert [(" ".join(t.text for t in toks), typ) for toks, typ in out] == [
        ("Vilniaus universitete", "ORG")]
    # a PER mention is not extended, nor is anything without the rule
    assert _rule_entities([(sent[2:3], "PER")], sent, "lt", labels,
                          frozenset({"lt_institutions"}))[0][0] == sent[2:3]
    assert _rule_entities([(sent[2:3], "LOC")], sent, "lt", labels, frozenset())[0][0] \
        == sent[2:3]


# sentence-initial common words

def test_ends_sentence():
    assert _ends_sentence(_toks("Putin przyjechał ."))
    assert not _ends_sentence(_toks("W"))  # a tokenizer split after a preposition
    assert not _ends_sentence(_toks("przy ul ."))  # after an abbreviation
    assert not _ends_sentence(_toks("Urzędu m. st."))


@pytest.mark.parametrize(("word", "lemma", "lang", "capitalised", "dropped"), [
    ("Soldații", "soldat", "ro", set(), True),
    ("Aukščiausiosios", "aukšti", "lt", set(), True),
    ("Soldații", "soldat", "ro", {"soldații"}, False),  # capitalised inside a sentence too
    ("Putin", "Putin", "ro", set(), False),  # the lemma keeps its capital: a proper noun
    ("Maria", "maria", "ro", set(), False),  # a first name
    ("Polsce", "Polska", "pl", set(), False),  # a country in a case form
    ("NATO", "NATO", "pl", set(), False),  # ALL-CAPS is no capitalised common word
])
def test_common_initial(word, lemma, lang, capitalised, dropped):
    pytest.importorskip("wordfreq")
    assert _common_initial(word, lemma, lang, frozenset(), capitalised) is dropped


def test_common_initial_uses_the_lexicon():
    assert _common_initial("Wczoraj", "wczoraj", "xx", frozenset({"wczoraj"}), set())
    assert not _common_initial("Wczoraj", "wczoraj", "xx", frozenset(), set())


# nationality words

@pytest.mark.parametrize(("word", "demonym"), [
    ("Polacy", True), ("Niemców", True), ("Rosjanie", True), ("Francuzów", True),
    ("Polska", False), ("Rosji", False), ("Kowalski", False), ("SdRP", False),
    ("polacy", False),
])
def test_is_demonym_pl(word, demonym):
    pytest.importorskip("morfeusz2")
    assert is_demonym(word, "pl") is demonym


def test_is_demonym_only_pl():
    assert not is_demonym("Lietuviai", "lt")
    assert not is_demonym("Românii", "ro")


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "text", "without", "with_rules"), [
    ("lt", "Jis dėsto Vilniaus universitete ir gyvena Gedimino prospekte.",
     {("Vilniaus", "LOC")}, {("Vilniaus universitete", "ORG"), ("Gedimino prospekte", "LOC")}),
    # The model's own spans differ between shipped models; the credit rule must drop
    # both credit names and keep the story's names.
    ("ro", "Marcel Ciolacu a sosit la Bruxelles. Foto: Inquam Photos / George Călin",
     {("Foto: Inquam Photos", "ORG"), ("George Călin", "PER")},
     {("Marcel Ciolacu", "PER"), ("Bruxelles", "LOC")}),
])
def test_rules_through_tag_texts(lang, text, without, with_rules):
    from analysis.ner import tag_texts

    plain = {(r.text, r.label) for r in tag_texts([text], lang, rules=()).itertuples()}
    ruled = {(r.text, r.label) for r in tag_texts([text], lang).itertuples()}
    # the spans without the rules are the model's: their labels may change between models
    assert {t for t, _ in without} <= {t for t, _ in plain}, plain
    dropped = {t for t, _ in without - with_rules}
    assert with_rules <= ruled and not dropped & {t for t, _ in ruled}, ruled


def test_select_first_names():
    from training.firstnames import select_names

    ranks = {
        "Anna": {"rank": {"PL": 1, "IT": 40}},
        "Jean-Claude": {"rank": {"FR": 300}},
        "Rare": {"rank": {"PL": 5000}},  # not frequent enough anywhere
        "Pan": {"rank": {"PL": 700}},  # a common word
        "Nobody": {"rank": {}},
        "J.": {"rank": {"US": 3}},  # not letters
        "mary": {"rank": {"US": 3}},  # not capitalised
    }
    assert select_names(ranks, {"pan"}) == ["Anna", "Jean-Claude"]
