"""Fast tests of the training data converters and the evaluation scoring (no Stanza runs)."""

from __future__ import annotations

import json

import pytest

from training import data
from training.evaluate import (
    GoldSet,
    _ud_text,
    actor_name_gold,
    actor_name_span,
    gold_from_sentences,
    gold_label,
    load_gold,
    prf,
    score_actor_names,
    score_spans,
)
from training.labels import ACTOR_LABELS, LABEL_MAPS, to_actor
from training.paths import corpora_dir
from training.vectors import simple_tokens

NKJP_SAMPLE = """-DOCSTART CONFIG FEATURES orth base ctag
-DOCSTART FILE ./doc-1
Jan\tJan\tsubst:sg:nom:m1\tB-persName#B-persName-forename
Kowalski\tKowalski\tsubst:sg:nom:m1\tI-persName#B-persName-surname
z\tz\tprep:gen\tO
Urzędu\turząd\tsubst:sg:gen:m3\tB-orgName
Miasta\tmiasto\tsubst:sg:gen:n\tI-orgName
Krakowa\tKraków\tsubst:sg:gen:m3\tI-orgName#B-placeName-settlement
.\t.\tinterp:\tO

-DOCSTART FILE ./doc-2
W\tw\tprep:loc\tO
Polsce\tPolska\tsubst:sg:loc:f\tB-placeName-country
"""


def test_flatten_nkjp_tag_keeps_outermost_type():
    assert data.flatten_nkjp_tag("B-persName#B-persName-forename") == "B-persName"
    assert data.flatten_nkjp_tag("I-orgName#B-placeName-settlement") == "I-orgName"
    assert data.flatten_nkjp_tag("B-placeName-country") == "B-placeName"
    assert data.flatten_nkjp_tag("I-persName-surname") == "I-persName"
    assert data.flatten_nkjp_tag("O") == "O"
    assert data.flatten_nkjp_tag("") == "O"


def test_read_nkjp_iob_sentences_docs_and_spacing():
    sents = data.read_nkjp_iob(NKJP_SAMPLE.splitlines(keepends=True))
    assert [doc for doc, _ in sents] == ["./doc-1", "./doc-2"]
    first = sents[0][1]
    assert [t.form for t in first][:2] == ["Jan", "Kowalski"]
    flat = [data.flatten_nkjp_tag(t.tag) for t in first]
    assert flat == ["B-persName", "I-persName", "O", "B-orgName", "I-orgName", "I-orgName", "O"]
    # no space before the full stop
    assert first[-2].space_after is False
    text, _ = data.detokenize(first)
    assert text == "Jan Kowalski z Urzędu Miasta Krakowa."


def test_repair_bio_and_spans():
    tags = ["I-PER", "I-PER", "O", "I-ORG", "B-ORG", "I-LOC"]
    assert data.repair_bio(tags) == ["B-PER", "I-PER", "O", "B-ORG", "B-ORG", "B-LOC"]
    assert data.bio_to_spans(tags) == [(0, 2, "PER"), (3, 4, "ORG"), (4, 5, "ORG"), (5, 6, "LOC")]
    assert data.bio_to_spans([]) == []
    assert data.bio_to_spans(["B-PER"]) == [(0, 1, "PER")]


def test_read_bio_with_sent_ids():
    lines = "# sent_id = hse:1\nVilnius\tB-LOC\nyra\tO\n.\tO\n\n# sent_id = hse:2\nNATO\tB-ORG\n"
    sents = data.read_bio(lines.splitlines(keepends=True))
    assert [sid for sid, _ in sents] == ["hse:1", "hse:2"]
    assert [t.tag for t in sents[0][1]] == ["B-LOC", "O", "O"]
    assert data.detokenize(sents[0][1])[0] == "Vilnius yra."


def test_read_ronec_conllup_renames_v1_labels_and_spacing():
    rows = [
        "# sent_id = 7",
        "1\tBanca\tbancă\tNOUN\t_\t_\t0\troot\t_\t_\tB-ORGANIZATION",
        "2\tTransilvania\tTransilvania\tPROPN\t_\t_\t1\tnmod\t_\tSpaceAfter=No\tI-ORGANIZATION",
        "3\t,\t,\tPUNCT\t_\t_\t1\tpunct\t_\t_\tO",
        "4\t3\t3\tNUM\t_\t_\t1\tnummod\t_\t_\tB-NUMERIC_VALUE",
        "",
    ]
    sents = data.read_ronec_conllup([r + "\n" for r in rows])
    assert len(sents) == 1
    sid, toks = sents[0]
    assert sid == "7"
    assert [t.tag for t in toks] == ["B-ORG", "I-ORG", "O", "B-NUMERIC"]
    assert data.detokenize(toks)[0] == "Banca Transilvania, 3"


def test_read_ronec_json_and_gold_spans():
    recs = [{"id": 1, "tokens": ["Ion", "Popescu", "(", "PSD", ")", "."],
             "ner_tags": ["B-PERSON", "I-PERSON", "O", "B-ORG", "O", "O"],
             "space_after": [True, True, False, False, False, False]}]
    sents = [s for _, s in data.read_ronec_json(recs)]
    gold = gold_from_sentences("x", "ro", sents)
    assert gold.texts == ["Ion Popescu (PSD)."]
    assert gold.spans == {(0, 0, 11, "PER"), (0, 13, 16, "ORG")}


def test_nested_nkjp_gold_is_one_outer_span():
    lines = ["-DOCSTART FILE d1", "Halina\th\tsubst\tB-persName#B-persName-forename",
             "Auderska\ta\tsubst\tI-persName#B-persName-surname", "pisze\tp\tfin\tO",
             "w\tw\tprep\tO", "Krakowie\tk\tsubst\tB-placeName-settlement", ""]
    sents = [s for _, s in data.read_nkjp_iob(lines)]
    gold = gold_from_sentences("x", "pl", sents)
    assert gold.texts == ["Halina Auderska pisze w Krakowie"]
    assert gold.spans == {(0, 0, 15, "PER"), (0, 24, 32, "LOC")}


def test_heuristic_space_after():
    forms = ["Powiedział", ":", '"', "Tak", '"', "(", "raz", ")", "."]
    text, offs = data.detokenize(
        [data.Token(f, "O", s) for f, s in zip(forms, data.heuristic_space_after(forms),
                                                 strict=True)]
    )
    assert text == 'Powiedział: "Tak" (raz).'
    assert all(text[a:b] == f for (a, b), f in zip(offs, forms, strict=True))


def test_kpwr_mapping():
    assert data.kpwr_to_actor("nam_liv_person") == "PER"
    assert data.kpwr_to_actor("nam_org_company") == "ORG"
    assert data.kpwr_to_actor("nam_loc_gpe_city") == "LOC"
    assert data.kpwr_to_actor("nam_fac_road") == "LOC"
    assert data.kpwr_to_actor("nam_eve_human_sport") == "EVT"
    assert data.kpwr_to_actor("nam_pro_title_document") == "PRO"
    assert data.kpwr_to_actor("nam_adj_country") is None
    assert data.kpwr_to_actor("nam_liv_god") is None
    assert data.kpwr_to_actor("nam_oth_currency") is None


def test_gold_label_covers_all_formats():
    assert gold_label("pl", "persName") == "PER"
    assert gold_label("pl", "placeName-country") == "LOC"
    assert gold_label("pl", "date") is None
    assert gold_label("pl", "nam_org_institution") == "ORG"
    assert gold_label("ro", "ORGANIZATION") == "ORG"
    assert gold_label("ro", "NAT_REL_POL") is None
    assert gold_label("lt", "EVT") == "EVT"


def test_label_maps_only_use_actor_labels():
    for lang, mapping in LABEL_MAPS.items():
        assert set(mapping.values()) - {None} <= set(ACTOR_LABELS), lang
    assert to_actor("ro", "FACILITY") == "LOC"
    assert to_actor("pl", "time") is None


def test_write_bio_repairs_and_replaces_spaces(tmp_path):
    path = tmp_path / "x.bio"
    n = data.write_bio([[data.Token("New York", "I-LOC"), data.Token("x", "O")]], path)
    assert n == 1
    assert path.read_text(encoding="utf-8") == "New_York\tB-LOC\nx\tO\n\n"


def test_score_spans_exact_match():
    gold = {(0, 0, 5, "PER"), (0, 10, 15, "ORG"), (1, 0, 3, "LOC")}
    pred = {(0, 0, 5, "PER"), (0, 10, 14, "ORG"), (1, 0, 3, "ORG")}
    scores = score_spans(gold, pred)
    assert scores["PER"]["f1"] == 100.0
    assert scores["ORG"]["p"] == 0.0
    assert scores["micro"] == prf(1, 3, 3)
    assert scores["micro"]["f1"] == pytest.approx(33.33, abs=0.01)


def test_load_gold_ronec_json(tmp_path):
    path = tmp_path / "valid.json"
    path.write_text(json.dumps([{"tokens": ["Guvernul", "României"],
                                 "ner_tags": ["B-ORG", "I-ORG"],
                                 "space_after": [True, False]}]), encoding="utf-8")
    gold = load_gold(path, "ronec-json", "ro")
    assert gold.texts == ["Guvernul României"]
    assert gold.spans == {(0, 0, 17, "ORG")}


def test_ud_text_joins_sentences_and_paragraphs():
    conllu = (
        "# newdoc id = a\n# text = Ala ma kota.\n1\tAla\t_\n\n"
        "# text = Kot ma Alę.\n1\tKot\t_\n\n"
        "# newpar\n# text = Nowy akapit.\n1\tNowy\t_\n\n"
    )
    assert _ud_text(conllu) == "Ala ma kota. Kot ma Alę.\n\nNowy akapit."


def test_simple_tokens_lowercases():
    assert simple_tokens("Wilno, NATO.") == ["wilno", ",", "nato", "."]


def test_real_corpora_readable_if_present():
    root = corpora_dir()
    bio = root / "lt_ner" / "lt_ner-dev.bio"
    if not bio.is_file():
        pytest.skip(f"corpora not found at {root}")
    with data.open_text(bio) as fh:
        sents = data.read_bio(fh)
    assert len(sents) > 50
    tags = {t.tag[2:] for _, s in sents for t in s if t.tag != "O"}
    assert tags <= set(ACTOR_LABELS)


def test_common_words_skip_words_that_start_names():
    from training.lexicon import common_words

    sents = [[("Mam", "O"), ("nowy", "O"), ("dom", "O"), ("wczoraj", "O")]] * 5
    sents += [[("Byłem", "O"), ("w", "O"), ("Nowy", "B-LOC"), ("Jork", "I-LOC")]]
    sents += [[("Wczoraj", "O"), ("Putin", "B-PER")]]  # sentence-initial capitals don't count
    assert common_words(sents) == ["dom", "wczoraj"]


def test_read_slavicner_tags_whole_tokens(tmp_path):
    (tmp_path / "raw" / "t" / "pl").mkdir(parents=True)
    (tmp_path / "ner" / "t" / "pl").mkdir(parents=True)
    text = "Nigel Farage był w UE. Potem Brexit!\nNowa linia"
    (tmp_path / "raw" / "t" / "pl" / "d_1.txt").write_text(text, encoding="utf-8")
    rows = ["0\t12\tNigel Farage\tNigel Farage\tPER\tPER-Nigel-Farage",
            "19\t21\tUE\tUE\tORG\tORG-EU",
            "29\t35\tBrexit\tBrexit\tEVT\tEVT-Brexit",
            "30\t35\trexit\trexit\tEVT\tx",  # not whole tokens: left out
            "0\t5\tWrong\tWrong\tPER\tx"]  # text does not match: left out
    (tmp_path / "ner" / "t" / "pl" / "d_1.tsv").write_text("\n".join(rows), encoding="utf-8")
    sents = data.read_slavicner(tmp_path, "pl")
    assert [[t.form for t in s] for _, s in sents] == [
        ["Nigel", "Farage", "był", "w", "UE", "."], ["Potem", "Brexit", "!"], ["Nowa", "linia"]]
    assert [t.tag for t in sents[0][1]] == ["B-PER", "I-PER", "O", "O", "B-ORG", "O"]
    assert [t.tag for t in sents[1][1]] == ["O", "B-EVT", "O"]
    assert data.detokenize(sents[0][1])[0] == "Nigel Farage był w UE."


def test_sample_slavicner_draws_per_language_only_sentences_with_entities(tmp_path):
    import random

    for lang, text, row in (
        ("pl", "Tusk był w Brukseli. Padało.", "0\t4\tTusk\tTusk\tPER\tPER-Tusk"),
        ("cs", "Babiš jel do Prahy. Pršelo. Zeman mlčel.",
         "0\t5\tBabiš\tBabiš\tPER\tPER-Babis\n28\t33\tZeman\tZeman\tPER\tPER-Zeman"),
    ):
        (tmp_path / "raw" / "t" / lang).mkdir(parents=True)
        (tmp_path / "ner" / "t" / lang).mkdir(parents=True)
        (tmp_path / "raw" / "t" / lang / "d.txt").write_text(text, encoding="utf-8")
        (tmp_path / "ner" / "t" / lang / "d.tsv").write_text(row, encoding="utf-8")
    drawn = data.sample_slavicner(tmp_path, ["pl", "cs"], 5, random.Random(0))
    firsts = [s[0].form for s in drawn]
    assert firsts[0] == "Tusk" and sorted(firsts[1:]) == ["Babiš", "Zeman"]
    assert all(any(t.tag != "O" for t in s) for s in drawn)  # "Padało." is never drawn
    one = data.sample_slavicner(tmp_path, ["cs"], 1, random.Random(0))
    assert len(one) == 1 and one[0][0].tag == "B-PER"


def test_continued_ner_run_starts_at_the_given_learning_rate(tmp_path, monkeypatch):
    torch = pytest.importorskip("torch")
    from training import steps

    start = tmp_path / "start.pt"
    torch.save({"config": {"lr": 0.1, "optim": "sgd"}, "model": {}}, start)
    seen: list[list[str]] = []
    monkeypatch.setattr(steps, "run_stanza", lambda args, workdir: seen.append(list(args)))

    steps.train_ner("ro", workdir=tmp_path, continue_from=start, lr=0.02, save_name="x.pt")
    args = seen[-1]
    loaded = args[args.index("--finetune_load_name") + 1]
    assert loaded != str(start)
    assert torch.load(loaded, weights_only=True)["config"]["lr"] == 0.02
    assert torch.load(start, weights_only=True)["config"]["lr"] == 0.1  # input untouched
    assert "--lr" not in args  # ner_tagger ignores it when fine-tuning

    steps.train_ner("ro", workdir=tmp_path, lr=0.05, save_name="y.pt")
    assert seen[-1][seen[-1].index("--lr") + 1] == "0.05"


def test_ronec_valid_halves_split_by_id_parity():
    records = [{"id": i, "tokens": [f"W{i}"], "ner_tags": ["B-PERSON"], "space_after": [False]}
               for i in (5, 2, 8, 11, 4)]
    train, dev = data.ronec_valid_halves(records)
    assert [s[0].form for s in train] == ["W2", "W8", "W4"]
    assert [s[0].form for s in dev] == ["W5", "W11"]


@pytest.mark.parametrize(("text", "span", "label", "name"), [
    ("A vorbit deputatul Hans-Peter Kemper ieri.", "deputatul Hans-Peter Kemper", "PER",
     "Hans-Peter Kemper"),
    ("Marius Popovici, vicepreședinte CJ, a spus", "Marius Popovici, vicepreședinte CJ",
     "PER", "Marius Popovici"),
    ("Ion Pop (PSD) a votat", "Ion Pop (PSD)", "PER", "Ion Pop"),
    ("Dan Zaharescu, Director", "Dan Zaharescu, Director", "PER", "Dan Zaharescu"),
    ("Ana, „directoarea” școlii", "Ana, „directoarea”", "ORG", "Ana"),
    # other labels: a capitalised word after a comma or bracket is more of the name
    ("la Ministerul Agriculturii, Pădurilor și Dezvoltării Rurale",
     "Ministerul Agriculturii, Pădurilor și Dezvoltării Rurale", "ORG",
     "Ministerul Agriculturii, Pădurilor și Dezvoltării Rurale"),
    ("Ministerul Finanțelor Publice (MFP) a anunțat", "Ministerul Finanțelor Publice (MFP)",
     "ORG", "Ministerul Finanțelor Publice (MFP)"),
    ("Tora (povestea Exodului)", "Tora (povestea Exodului)", "PRO", "Tora"),
    ("ziarul „Adevărul” scrie", "„Adevărul”", "ORG", "Adevărul"),
    ("ziarul „Adevărul” scrie", "ziarul „Adevărul”", "ORG", "Adevărul"),
    ("Banca Transilvania a anunțat", "Banca Transilvania", "ORG", "Banca Transilvania"),
    ("compania eMAG crește", "compania eMAG", "ORG", "eMAG"),
    ("președintele a spus", "președintele", "PER", None),
    ("liderii din 1989 au", "liderii din 1989", "PER", None),
])
def test_actor_name_span(text, span, label, name):
    start = text.index(span)
    got = actor_name_span(text, start, start + len(span), label)
    assert (text[got[0]:got[1]] if got else None) == name


def test_score_actor_names_neutral_spans():
    gold = GoldSet("x", ["deputatul Ion Pop a spus", "președintele Franței a spus"])
    gold.spans = {(0, 0, 17, "PER"), (1, 0, 12, "PER"), (1, 13, 20, "LOC")}
    pred = {(0, 10, 17, "PER"),  # the name alone: found
            (1, 0, 20, "PER"),  # overlaps the neutral "președintele": not counted
            (1, 13, 20, "LOC")}
    spans, neutral = actor_name_gold(gold)
    assert spans == {(0, 10, 17, "PER"), (1, 13, 20, "LOC")}
    assert neutral == {(1, 0, 12, "PER")}
    micro = score_actor_names(gold, pred)["micro"]
    assert (micro["n_gold"], micro["n_pred"], micro["p"], micro["r"]) == (2, 2, 100.0, 100.0)
    # without the neutral rule the overlapping prediction is a false positive
    assert score_spans(spans, pred)["micro"]["p"] < 100.0


def test_to_actor_names_retags_training_sentences_like_the_gold():
    from training.data import to_actor_names

    sent = [data.Token(f, t) for f, t in [
        ("deputatul", "B-PER"), ("Hans-Peter", "I-PER"), ("Kemper", "I-PER"), (",", "O"),
        ("Marius", "B-PER"), ("Popovici", "I-PER"), (",", "I-PER"), ("vicepreședinte", "I-PER"),
        ("și", "O"), ("președintele", "B-PER"), ("„", "B-ORG"), ("Transgaz", "I-ORG"),
        ("”", "I-ORG"), ("Ministerul", "B-ORG"), ("Finanțelor", "I-ORG"), ("(", "I-ORG"),
        ("MFP", "I-ORG"), (")", "I-ORG")]]
    tags = [t.tag for t in to_actor_names(sent)]
    assert tags == ["O", "B-PER", "I-PER", "O", "B-PER", "I-PER", "O", "O", "O", "O", "O",
                    "B-ORG", "O", "B-ORG", "I-ORG", "I-ORG", "I-ORG", "I-ORG"]


def test_own_data_labels_are_native_labels_of_the_same_actor_label():
    """The project's own data joins each language's training data with that language's
    native labels (an actor label unknown to the tagger would be an unknown tag)."""
    from training.labels import LABEL_MAPS, NATIVE_OF_ACTOR, native_tag

    for lang, mapping in NATIVE_OF_ACTOR.items():
        for actor, native in mapping.items():
            if native is not None:
                assert LABEL_MAPS[lang][native] == actor, (lang, actor, native)
    assert native_tag("ro", "B-PER") == "B-PERSON"
    assert native_tag("ro", "I-PRO") == "I-WORK_OF_ART"
    assert native_tag("pl", "I-LOC") == "I-placeName"
    assert native_tag("pl", "B-PRO") == "O"
    assert native_tag("lt", "B-EVT") == "B-EVT"


def test_transfer_sentence_native_labels_without_nationality_words():
    from training.data import Token, transfer_sentence

    sent = [Token("Jan", "B-PER"), Token("Kowalski", "I-PER"), Token("w"),
            Token("Warszawie", "B-LOC"), Token("na"), Token("Euro", "B-EVT")]
    assert [t.tag for t in transfer_sentence(sent, "lt")] == [t.tag for t in sent]
    pytest.importorskip("morfeusz2")
    tags = [t.tag for t in transfer_sentence(sent, "pl")]
    assert tags == ["B-persName", "I-persName", "O", "B-placeName", "O", "O"]
    demonym = [Token("Polacy", "B-PER"), Token("i"), Token("Tusk", "B-PER")]
    assert [t.tag for t in transfer_sentence(demonym, "pl")] == ["O", "O", "B-persName"]
