"""Tests for analysis.topics: features, the topic model, calendar shares, the pipeline hook.

Small hand-written or seeded synthetic corpora only (no Stanza); the whole file runs in a few
seconds.
"""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.metrics import adjusted_rand_score

import analysis.topics as topics_module
from analysis import schemas
from analysis.topics import (
    TopicModel,
    auto_n_topics,
    document_features,
    term_key,
    topic_tables,
    topics_over_time,
)

# Two topics, written with disjoint words in Polish and Czech: only the actor ids (shared
# across languages, as the identity step makes them) say which Polish topic is which Czech one.
_WORDS = {
    ("sport", "pl"): "mecz bramka piłkarz napastnik kibice sędzia boisko drużyna puchar liga",
    ("sport", "cs"): "zápas branka hráč útočník fanoušci rozhodčí hřiště mužstvo pohár soutěž",
    ("money", "pl"): "podatek budżet inflacja kredyt pieniądz dochód bank giełda akcje waluta",
    ("money", "cs"): "daň rozpočet zdražování úvěr peníze příjem spořitelna burza cenné měna",
}
_ACTORS = {"sport": ["Q_lewandowski", "Q_uefa", "Q_fifa"],
           "money": ["Q_ecb", "Q_imf", "Q_lagarde"]}  # fmt: skip


def _synthetic(n_per: int = 12, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Return documents, mentions and the true topic of each document (doc order)."""
    rng = np.random.default_rng(seed)
    docs, ments, truth = [], [], []
    for topic in ("sport", "money"):
        for lang in ("pl", "cs"):
            vocab = _WORDS[(topic, lang)].split()
            for i in range(n_per):
                doc_id = f"{lang}-{topic}-{i:02d}"
                words = rng.choice(vocab, size=25).tolist()
                docs.append({"doc_id": doc_id, "lang": lang, "text": " ".join(words)})
                for j, actor in enumerate(rng.choice(_ACTORS[topic], size=3).tolist()):
                    ments.append({"doc_id": doc_id, "entity_id": actor, "start_char": j,
                                  "text": actor.removeprefix("Q_").title()})  # fmt: skip
                truth.append(topic)
    return pd.DataFrame(docs), pd.DataFrame(ments), truth


# ------------------------------------------------------------------------------------ features
def test_term_key_unifies_spellings():
    assert term_key("Łukaszenki") == term_key("Lukašenko") == "lukase"
    assert term_key("Prezydent", None) == term_key("prezident", None) == "prezident"
    assert term_key("Brexit", 4) == "brex"


def test_doctests_pass():
    result = doctest.testmod(topics_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def test_document_features_exact():
    docs = pd.DataFrame({"doc_id": ["b", "a"], "lang": ["pl", None],
                         "text": ["Putin spotkał Łukaszenkę, 2023!", "Ala ma kota"]})  # fmt: skip
    ments = pd.DataFrame({"doc_id": ["b", "b", "b", "a"], "entity_id": ["Q2", "Q1", None, "Q3"],
                          "start_char": [14, 0, 20, 0]})  # fmt: skip
    sents = pd.DataFrame({"doc_id": ["a", "a"], "sentence_idx": [1, 0],
                          "lemmas": ["mieć kot", "ala"]})  # fmt: skip
    out = document_features(docs, mentions=ments, sentences=sents)
    assert list(out.columns) == ["doc_id", "lang", "tokens", "actors"]
    assert out.to_dict("list") == {
        "doc_id": ["b", "a"],
        "lang": ["pl", "und"],
        "tokens": ["putin spotkał łukaszenkę", "ala mieć kot"],  # lemmas in sentence order
        "actors": ["Q1 Q2", "Q3"],  # text order, missing ids skipped
    }


def test_document_features_missing_column_named():
    with pytest.raises(KeyError, match="'doc_id'"):
        document_features(pd.DataFrame({"text": ["x"]}))
    with pytest.raises(KeyError, match="'text'"):
        document_features(pd.DataFrame({"doc_id": ["a"]}))
    with pytest.raises(KeyError, match="'entity_id'"):
        document_features(pd.DataFrame({"doc_id": ["a"], "text": ["x"]}),
                          mentions=pd.DataFrame({"doc_id": ["a"]}))


def test_auto_n_topics():
    assert [auto_n_topics(n) for n in (0, 1, 2, 5, 900, 26_000)] == [0, 1, 2, 2, 9, 40]


# --------------------------------------------------------------------------------------- model
def test_two_topics_two_languages_cluster_by_shared_actors():
    docs, ments, truth = _synthetic()
    feats = document_features(docs, mentions=ments)
    for seed in (0, 1, 2):  # without the actors, seeds 1 and 2 pair the languages wrongly
        labels = TopicModel(2, seed=seed).fit(feats).labels_
        assert adjusted_rand_score(truth, labels) == 1.0, seed
    model = TopicModel(2, seed=0).fit(feats)
    # each topic holds both languages
    frame = docs.assign(topic=model.labels_)
    assert frame.groupby("topic")["lang"].nunique().tolist() == [2, 2]
    # language centring learnt a mean for both languages (12 + 12 documents each)
    assert sorted(model.lang_means_) == ["cs", "pl"]


def test_fit_transform_seeded_and_deterministic():
    docs, ments, _ = _synthetic(n_per=8, seed=3)
    feats = document_features(docs, mentions=ments)
    a = TopicModel(3, seed=7).fit(feats)
    b = TopicModel(3, seed=7).fit(feats)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    pa, pb = a.transform(feats), b.transform(feats)
    np.testing.assert_allclose(pa, pb)
    assert pa.shape == (len(feats), 3)
    np.testing.assert_allclose(pa.sum(axis=1), 1.0)
    np.testing.assert_array_equal(a.predict(feats), pa.argmax(axis=1))
    np.testing.assert_allclose(a.fit_transform(feats), pa)
    # topic ids are ordered by size
    sizes = np.bincount(a.labels_)
    assert list(sizes) == sorted(sizes, reverse=True)


def test_transform_new_documents_and_unfitted():
    docs, ments, truth = _synthetic()
    feats = document_features(docs, mentions=ments)
    with pytest.raises(RuntimeError, match="not fitted"):
        TopicModel(2).transform(feats)
    model = TopicModel(2, seed=0).fit(feats)
    new = document_features(
        pd.DataFrame({"doc_id": ["n1", "n2"], "lang": ["pl", "cs"],
                      "text": ["mecz bramka kibice liga", "daň rozpočet burza měna"]}),
        mentions=pd.DataFrame({"doc_id": ["n1", "n2"], "entity_id": ["Q_uefa", "Q_ecb"]}))
    sport = model.labels_[truth.index("sport")]
    assert model.predict(new).tolist() == [sport, 1 - sport]
    assert model.transform(new.iloc[:0]).shape == (0, 2)


def test_model_does_not_mutate():
    docs, ments, _ = _synthetic(n_per=6)
    feats = document_features(docs, mentions=ments)
    before = feats.copy()
    TopicModel(2, seed=0).fit(feats).transform(feats)
    pd.testing.assert_frame_equal(feats, before)


def test_fit_empty_and_missing_column():
    with pytest.raises(ValueError, match="no documents"):
        TopicModel(2).fit(document_features(pd.DataFrame({"doc_id": [], "text": []})))
    with pytest.raises(KeyError, match="'tokens'"):
        TopicModel(2).fit(pd.DataFrame({"doc_id": ["a"], "lang": ["pl"]}))


def test_topic_terms_per_language_and_actors():
    docs, ments, truth = _synthetic()
    feats = document_features(docs, mentions=ments)
    model = TopicModel(2, seed=0).fit(feats)
    terms = model.topic_terms(feats, n_terms=3)
    assert list(terms.columns) == schemas.columns("topic_terms")
    sport = int(model.labels_[truth.index("sport")])
    top = terms[terms["topic_id"] == sport]
    assert sorted(top["lang"].unique()) == ["cs", "pl", "xx"]
    assert set(top.loc[top["lang"] == "xx", "term"]) == set(_ACTORS["sport"])
    assert set(top.loc[top["lang"] == "pl", "term"]) <= set(_WORDS[("sport", "pl")].split())
    assert set(top.loc[top["lang"] == "cs", "term"]) <= set(_WORDS[("sport", "cs")].split())
    assert top.groupby("lang")["rank"].apply(list).tolist() == [[1, 2, 3]] * 3


# ----------------------------------------------------------------------------------- over time
def _doc_topics(rows: list[tuple[str, int, str | None, str]]) -> pd.DataFrame:
    doc_id, topic, when, lang = zip(*rows, strict=True)
    table = pd.DataFrame({"doc_id": doc_id, "topic_id": topic, "probability": 1.0,
                          "published_at": pd.to_datetime(list(when), format="ISO8601"),
                          "lang": lang})  # fmt: skip
    return schemas.conform(table, "doc_topics")


DT = _doc_topics([
    ("a", 0, "2023-01-01", "pl"),
    ("b", 1, "2023-01-15", "pl"),
    ("c", 1, "2023-01-31 23:00", "lt"),
    ("d", 1, "2023-01-20", "pl"),
    ("e", 0, "2023-02-01", "lt"),  # next calendar month, although within 31 days of "a"
    ("f", 0, "2023-04-10", "pl"),
    ("g", 1, None, "pl"),  # undated: left out
])  # fmt: skip


def test_topics_over_time_calendar_month_share():
    out = topics_over_time(DT, freq="MS")
    assert list(out.columns) == schemas.columns("topics_over_time")
    assert out["period"].dt.strftime("%Y-%m-%d").tolist() == [
        "2023-01-01", "2023-01-01", "2023-02-01", "2023-02-01", "2023-03-01", "2023-03-01",
        "2023-04-01", "2023-04-01"]  # fmt: skip
    assert out["topic_id"].tolist() == [0, 1] * 4
    assert out["group"].unique().tolist() == ["all"]
    assert out["n_docs"].tolist() == [1, 3, 1, 0, 0, 0, 1, 0]
    assert out["n_docs_period"].tolist() == [4, 4, 1, 1, 0, 0, 1, 1]
    # share of the period's documents: 1 of 4 in January → 0.25 (not a per-topic share)
    assert out["share"].tolist()[:4] == [0.25, 0.75, 1.0, 0.0]
    assert out["share"].iloc[4:6].isna().all()  # empty month: no share
    assert out["share"].tolist()[6:] == [1.0, 0.0]
    assert out.groupby("period")["share"].sum().tolist() == [1.0, 1.0, 0.0, 1.0]
    assert out.index.tolist() == list(range(len(out)))


def test_topics_over_time_by_language():
    out = topics_over_time(DT, freq="month", by="lang")
    jan = out[out["period"] == "2023-01-01"].set_index(["group", "topic_id"])
    assert jan.loc[("pl", 0), ["n_docs", "n_docs_period", "share"]].tolist() == [1, 3, 1 / 3]
    assert jan.loc[("pl", 1), "share"] == pytest.approx(2 / 3)
    assert jan.loc[("lt", 1), ["n_docs", "n_docs_period", "share"]].tolist() == [1, 1, 1.0]
    assert jan.loc[("lt", 0), "share"] == 0.0
    assert out["group"].unique().tolist() == ["lt", "pl"]  # sorted by group, period, topic
    assert out.groupby("group")["n_docs"].sum().to_dict() == {"lt": 2, "pl": 4}


def test_topics_over_time_window():
    out = topics_over_time(DT, start="2023-01-15", end="2023-02-28")
    assert out["period"].dt.strftime("%Y-%m").unique().tolist() == ["2023-01", "2023-02"]
    assert out["n_docs"].tolist() == [0, 3, 1, 0]  # b, c, d in January; e in February
    assert out["n_docs_period"].tolist() == [3, 3, 1, 1]


def test_topics_over_time_weeks_and_days():
    weeks = topics_over_time(DT.iloc[:4], freq="W")
    # calendar weeks start on Monday: 2023-01-01 was a Sunday
    assert weeks["period"].min() == pd.Timestamp("2022-12-26")
    assert (weeks["period"].dt.day_of_week == 0).all()
    assert weeks["n_docs"].sum() == 4
    days = topics_over_time(DT.iloc[:2], freq="D")
    assert days["period"].nunique() == 15
    assert days["n_docs_period"].tolist()[:2] == [1, 1]


def test_topics_over_time_empty_and_errors():
    empty = topics_over_time(schemas.empty("doc_topics"))
    pd.testing.assert_frame_equal(empty, schemas.empty("topics_over_time"))
    assert topics_over_time(DT[DT["published_at"].isna()]).empty
    with pytest.raises(KeyError, match="'published_at'"):
        topics_over_time(DT.drop(columns="published_at"))
    with pytest.raises(KeyError, match="'source'"):
        topics_over_time(DT, by="source")
    with pytest.raises(ValueError, match="unknown freq"):
        topics_over_time(DT, freq="fortnight")


def test_topics_over_time_does_not_mutate():
    before = DT.copy()
    topics_over_time(DT, by="lang")
    pd.testing.assert_frame_equal(DT, before)


# ------------------------------------------------------------------------------ pipeline hook
_NAMES = ("topics", "doc_topics", "topic_terms", "topic_actors", "topics_over_time", "doc_map")


def _dated_synthetic():
    docs, ments, truth = _synthetic()
    months = pd.to_datetime([f"2023-{1 + i % 3:02d}-{1 + i % 27:02d}" for i in range(len(docs))])
    return docs.assign(published_at=months, title=docs["doc_id"]), ments, truth


def test_topic_tables_schemas_and_labels():
    docs, ments, truth = _dated_synthetic()
    tables = topic_tables(docs, mentions=ments, n_topics=2, seed=0, n_terms=4)
    assert set(tables) == set(_NAMES)
    for name in _NAMES:
        assert list(tables[name].columns) == schemas.columns(name), name
        assert tables[name].index.tolist() == list(range(len(tables[name])))
    dt = tables["doc_topics"]
    assert dt["doc_id"].tolist() == sorted(docs["doc_id"])
    assert adjusted_rand_score(docs.sort_values("doc_id").pipe(
        lambda d: [truth[i] for i in d.index]), dt["topic_id"]) == 1.0
    topics = tables["topics"]
    assert topics["n_docs"].tolist() == [24, 24]
    sport = int(dt.loc[dt["doc_id"] == "pl-sport-00", "topic_id"].iloc[0])
    row = topics.set_index("topic_id").loc[sport]
    assert row["label"].startswith(f"{sport}: ")
    assert any(name in row["top_actors"] for name in ("Lewandowski", "Uefa", "Fifa"))
    assert row["top_terms"].startswith("cs: ") and "; pl: " in row["top_terms"]
    actors = tables["topic_actors"]
    assert set(actors.loc[actors["topic_id"] == sport, "entity_id"]) == set(_ACTORS["sport"])
    tot = tables["topics_over_time"]
    assert tot["period"].dt.strftime("%Y-%m").unique().tolist() == ["2023-01", "2023-02",
                                                                     "2023-03"]
    assert tot.groupby("period")["n_docs"].sum().tolist() == [16, 16, 16]
    assert np.allclose(tot.groupby("period")["share"].sum(), 1.0)
    assert tables["doc_map"][["x", "y"]].notna().all().all()


def test_topic_tables_entity_names():
    docs, ments, _ = _dated_synthetic()
    entities = pd.DataFrame({"entity_id": ["Q_uefa", "Q_ecb"],
                             "name": ["UEFA", "European Central Bank"]})  # fmt: skip
    tables = topic_tables(docs, mentions=ments, entities=entities, n_topics=2, seed=0)
    names = dict(zip(tables["topic_actors"]["entity_id"], tables["topic_actors"]["name"],
                     strict=True))  # fmt: skip
    assert names["Q_uefa"] == "UEFA"  # canonical name from entities
    assert names["Q_ecb"] == "European Central Bank"
    assert names["Q_imf"] == "Imf"  # not in entities: most frequent mention text
    assert "European Central Bank" in " ".join(tables["topics"]["top_actors"])
    with pytest.raises(KeyError, match="'name'"):
        topic_tables(docs, mentions=ments, entities=entities[["entity_id"]], n_topics=2)


def test_topic_tables_seed_determinism_and_no_mutation():
    docs, ments, _ = _dated_synthetic()
    before_docs, before_ments = docs.copy(), ments.copy()
    a = topic_tables(docs, mentions=ments, n_topics=3, seed=1)
    b = topic_tables(docs, mentions=ments, n_topics=3, seed=1)
    for name in _NAMES:
        pd.testing.assert_frame_equal(a[name], b[name])
    pd.testing.assert_frame_equal(docs, before_docs)
    pd.testing.assert_frame_equal(ments, before_ments)


def test_topic_tables_only_processed_and_empty():
    docs, ments, _ = _dated_synthetic()
    flagged = docs.assign(processed=[i % 2 == 0 for i in range(len(docs))])
    tables = topic_tables(flagged, mentions=ments, n_topics=2)
    assert len(tables["doc_topics"]) == len(docs) // 2
    # with a status column (e.g. straight from load_corpus, processed still False) the status
    # decides: ok/truncated rows are modelled
    status = ["ok", "truncated", "empty", "unsupported_language"] * (len(docs) // 4)
    by_status = topic_tables(docs.assign(status=status, processed=False), n_topics=2)
    assert len(by_status["doc_topics"]) == len(docs) // 2
    assert by_status["doc_topics"]["doc_id"].tolist() == sorted(
        docs["doc_id"][[s in ("ok", "truncated") for s in status]])
    none = topic_tables(flagged.assign(processed=False), mentions=ments)
    for name in _NAMES:
        pd.testing.assert_frame_equal(none[name], schemas.empty(name))
    empty = topic_tables(pd.DataFrame({"doc_id": [], "text": []}))
    assert all(empty[name].empty for name in _NAMES)
    with pytest.raises(KeyError, match="'text'"):
        topic_tables(pd.DataFrame({"doc_id": ["a"]}))


def test_topic_tables_tiny_corpus():
    """Five documents (the sample corpus' size): still every table, two topics."""
    docs = pd.DataFrame({
        "doc_id": list("abcde"), "lang": ["pl", "pl", "pl", "lt", "ro"],
        "text": ["Putin spotkał Łukaszenkę w Mińsku", "Łukaszenka i Putin rozmawiali",
                 "Putin w Soczi", "Putinas susitiko su Lukašenka",
                 "Putin s-a întâlnit cu Lukașenko, care este pentru pace; bet"],
        "published_at": pd.to_datetime(["2022-12-19", "2023-02-17", "2023-09-15", "2023-06-01",
                                        None]),
    })  # fmt: skip
    tables = topic_tables(docs, seed=0)
    assert len(tables["topics"]) == 2
    # a language whose only document sits in one topic still gets its terms
    terms = tables["topic_terms"]
    assert set(terms["lang"]) == {"pl", "lt", "ro"}
    joined = " ".join(tables["topics"]["top_terms"])
    assert "lt: " in joined and "ro: " in joined
    ro_terms = set(terms.loc[terms["lang"] == "ro", "term"])
    assert "pace" in ro_terms and not ro_terms & {"care", "este", "pentru"}  # function words
    assert "bet" in ro_terms  # a Lithuanian function word, but not a Romanian one
    assert tables["doc_topics"]["topic_id"].notna().all()
    assert tables["topics_over_time"]["n_docs"].sum() == 4  # one undated document
    assert tables["topics_over_time"]["period"].nunique() == 10  # 2022-12 … 2023-09


def test_topic_model_is_a_sklearn_estimator_without_training_matrix():
    from sklearn.base import clone

    model = TopicModel(3, seed=4, stem_len=5)
    copy = clone(model)
    assert copy.get_params() == model.get_params() and copy is not model
    assert model.set_params(n_topics=2).n_topics == 2
    features = pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "lang": ["pl", "pl", "ro", "ro"],
                             "tokens": ["wojna rosja ukraina", "wojna ukraina rosja armia",
                                        "bursa acțiuni bancă", "bancă bursa dobândă"]})
    model.fit(features)
    assert not any(isinstance(v, np.ndarray | sparse.spmatrix) and v.shape[0] == len(features)
                   for k, v in vars(model).items() if k != "labels_")  # no training matrix
    assert model.embed(features).shape[0] == len(features)


def test_topic_terms_leave_actor_words_to_the_actors():
    docs, ments, _ = _dated_synthetic()
    ments = ments.assign(lang=ments["doc_id"].str[:2])
    plain = topic_tables(docs, mentions=ments, n_topics=2, seed=0)["topic_terms"]
    word = plain.loc[plain["lang"] == "pl", "term"].iloc[0]
    # the same word, written as an actor's name in one Polish document (as text and lemma)
    named = pd.concat([ments, pd.DataFrame({
        "doc_id": ["pl-sport-00"], "entity_id": ["Q_named"], "start_char": [99],
        "text": [word.title()], "lemma": [word], "lang": ["pl"]})], ignore_index=True)
    terms = topic_tables(docs, mentions=named, n_topics=2, seed=0)["topic_terms"]
    assert word not in set(terms.loc[terms["lang"] == "pl", "term"])
    assert set(terms.loc[terms["lang"] == "xx", "term"]) <= set(named["entity_id"])  # ids
