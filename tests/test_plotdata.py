"""Tests for analysis.plotdata: the small derived tables the charts draw."""

from __future__ import annotations

import pandas as pd
import pytest
from fixtures_tables import (
    make_comentions,
    make_documents,
    make_entities,
    make_mentions,
    make_nodes,
)

from analysis import plotdata

TS = pd.Timestamp


# ------------------------------------------------------------------------------- helpers
def test_resolve_level_prefers_finest_present():
    com = make_comentions()
    assert plotdata.resolve_level(com, None) == "sentence"
    assert plotdata.resolve_level(com.loc[com["level"] == "document"], None) == "document"
    assert plotdata.resolve_level(com, "document") == "document"
    assert plotdata.resolve_level(com.iloc[0:0], None) is None


def test_to_period_accepts_offset_and_period_aliases():
    stamps = pd.Series(pd.to_datetime(["2023-04-06", "2022-12-19", None]))
    month = plotdata.to_period(stamps, freq="MS")
    assert month.tolist()[:2] == [TS("2023-04-01"), TS("2022-12-01")]
    assert month.isna().tolist() == [False, False, True]
    assert month.dtype == "datetime64[ns]"
    assert plotdata.to_period(stamps, freq="M").tolist()[:2] == month.tolist()[:2]
    assert plotdata.to_period(stamps, freq="QS").tolist()[:2] == [
        TS("2023-04-01"),
        TS("2022-10-01"),
    ]


# --------------------------------------------------------------------- mentions_per_period
def test_mentions_per_period_exact():
    out = plotdata.mentions_per_period(make_mentions(), make_documents(), make_entities())
    assert list(out.columns) == plotdata.columns_of("mentions_per_period")
    putin = out.loc[out["entity_id"] == "putin"]
    assert putin[["period", "lang", "n_mentions", "n_docs"]].values.tolist() == [
        [TS("2022-12-01"), "ro", 1, 1],
        [TS("2023-02-01"), "pl", 2, 1],
        [TS("2023-04-01"), "lt", 2, 1],
        [TS("2023-04-01"), "pl", 1, 1],
    ]  # pl3 is undated: its Putin mention is left out
    assert putin["name"].unique().tolist() == ["Vladimir Putin"]
    # actors ranked by dated mentions (ties by name): Peskov 2 before Minsk 2
    ranked = out.drop_duplicates("entity_id")["entity_id"].tolist()
    assert ranked == ["putin", "lukashenko", "peskov", "minsk", "moscow"]
    assert out.index.equals(pd.RangeIndex(len(out)))


def test_mentions_per_period_top_n_and_freq():
    out = plotdata.mentions_per_period(
        make_mentions(), make_documents(), make_entities(), top_n=2, freq="QS"
    )
    assert set(out["entity_id"]) == {"putin", "lukashenko"}
    assert sorted(set(out["period"])) == [TS("2022-10-01"), TS("2023-01-01"), TS("2023-04-01")]


def test_mentions_per_period_does_not_mutate():
    ment, docs, ent = make_mentions(), make_documents(), make_entities()
    before = (ment.copy(), docs.copy(), ent.copy())
    plotdata.mentions_per_period(ment, docs, ent)
    for frame, copy in zip((ment, docs, ent), before, strict=True):
        pd.testing.assert_frame_equal(frame, copy)


def test_mentions_per_period_empty_keeps_schema():
    out = plotdata.mentions_per_period(make_mentions().iloc[0:0], make_documents(), make_entities())
    pd.testing.assert_frame_equal(out, plotdata.empty("mentions_per_period"))


def test_mentions_per_period_missing_column_is_named():
    with pytest.raises(KeyError, match="entity_id"):
        plotdata.mentions_per_period(
            make_mentions().drop(columns="entity_id"), make_documents(), make_entities()
        )
    with pytest.raises(KeyError, match="published_at"):
        plotdata.mentions_per_period(
            make_mentions(), make_documents().drop(columns="published_at"), make_entities()
        )


# ---------------------------------------------------------------------------- period_nodes
def test_period_nodes_exact():
    out = plotdata.period_nodes(make_mentions(), make_documents(), make_entities())
    assert list(out.columns) == plotdata.columns_of("period_nodes")
    april = out.loc[out["period"] == TS("2023-04-01")]
    assert april[["entity_id", "n_mentions", "n_docs", "languages"]].values.tolist() == [
        ["lukashenko", 2, 2, "lt,pl"],
        ["moscow", 1, 1, "pl"],
        ["peskov", 1, 1, "pl"],
        ["putin", 3, 2, "lt,pl"],
    ]
    assert sorted(set(out["period"])) == [TS("2022-12-01"), TS("2023-02-01"), TS("2023-04-01")]
    assert out.loc[out["entity_id"] == "minsk", "label"].tolist() == ["LOC"]


def test_period_nodes_empty_and_missing():
    out = plotdata.period_nodes(make_mentions().iloc[0:0], make_documents(), make_entities())
    pd.testing.assert_frame_equal(out, plotdata.empty("period_nodes"))
    with pytest.raises(KeyError, match="label"):
        plotdata.period_nodes(
            make_mentions(), make_documents(), make_entities().drop(columns="label")
        )


# ---------------------------------------------------------------------------- select_edges
def test_select_edges_filters_and_orders():
    com = make_comentions()
    out = plotdata.select_edges(com)
    assert set(out["level"]) == {"sentence"}
    assert out[["source", "target", "n"]].values.tolist()[:2] == [
        ["lukashenko", "putin", 4],
        ["lukashenko", "minsk", 1],
    ]
    assert len(plotdata.select_edges(com, min_weight=2)) == 1
    assert len(plotdata.select_edges(com, top_n=2)) == 2
    top_npmi = plotdata.select_edges(com, weight="npmi", top_n=1)
    assert top_npmi[["source", "target"]].values.tolist() == [["moscow", "peskov"]]
    only = plotdata.select_edges(com, entity_ids=["putin", "lukashenko", "minsk"])
    assert len(only) == 3
    doc = plotdata.select_edges(com, level="document")
    assert doc["level"].tolist() == ["document", "document"]
    pd.testing.assert_frame_equal(com, make_comentions())  # not mutated


def test_select_edges_empty_and_missing():
    com = make_comentions()
    out = plotdata.select_edges(com.iloc[0:0])
    assert list(out.columns) == list(com.columns) and out.empty
    with pytest.raises(KeyError, match="llr_typo"):
        plotdata.select_edges(com, weight="llr_typo")


# ------------------------------------------------------------------------ comention_matrix
def test_comention_matrix_exact():
    out = plotdata.comention_matrix(make_comentions(), make_nodes(), top_n=3)
    assert list(out.columns) == plotdata.columns_of("comention_matrix")
    assert len(out) == 9
    assert out["row_id"].drop_duplicates().tolist() == ["putin", "lukashenko", "peskov"]
    cell = {(r, c): (v, n) for r, c, v, n in out[["row_id", "col_id", "value", "n"]].values}
    assert cell[("putin", "lukashenko")] == (4.0, 4) == cell[("lukashenko", "putin")]
    assert cell[("peskov", "putin")] == (1.0, 1)
    assert pd.isna(cell[("putin", "putin")][0]) and cell[("putin", "putin")][1] == 0
    npmi = plotdata.comention_matrix(make_comentions(), make_nodes(), top_n=2, weight="npmi")
    assert npmi.loc[(npmi["row_id"] == "putin") & (npmi["col_id"] == "lukashenko"),
                    "value"].tolist() == [0.6]  # fmt: skip


def test_comention_matrix_no_mutation_empty_missing():
    com, nodes = make_comentions(), make_nodes()
    plotdata.comention_matrix(com, nodes)
    pd.testing.assert_frame_equal(com, make_comentions())
    pd.testing.assert_frame_equal(nodes, make_nodes())
    pd.testing.assert_frame_equal(
        plotdata.comention_matrix(com, nodes.iloc[0:0]), plotdata.empty("comention_matrix")
    )
    with pytest.raises(KeyError, match="n_mentions"):
        plotdata.comention_matrix(com, nodes.drop(columns="n_mentions"))


def test_top_actors_order():
    out = plotdata.top_actors(make_nodes(), top_n=3)
    assert out["entity_id"].tolist() == ["putin", "lukashenko", "peskov"]
    assert out.index.equals(pd.RangeIndex(3))


# ------------------------------------------------------------------------- community names
def test_community_names_hand_case():
    nodes = pd.DataFrame({
        "entity_id": ["putin", "lukashenko", "kremlin", "minsk", "nato", "eu", "x"],
        "name": ["Vladimir Putin", "Alexander Lukashenko", "Kremlin", "Minsk", "NATO",
                 "European Union", "Kim Jong Un"],
        "label": ["PER", "PER", "ORG", "LOC", "ORG", "ORG", "PER"],
        "n_mentions": [9, 8, 5, 2, 4, 3, 1],
        "weighted_degree": [10.0, 9.0, 7.0, 1.0, 5.0, 5.0, None],
        "community": pd.array([0, 0, 0, 0, 1, 1, 2], dtype="Int64"),
    })  # fmt: skip
    before = nodes.copy()
    out = plotdata.community_names(nodes)
    assert list(out.columns) == plotdata.columns_of("community_names")
    # ties in weighted degree go to mentions; a short last word ("Un") keeps the whole name
    assert out["name"].tolist() == ["Putin · Lukashenko · Kremlin", "NATO · European Union",
                                    "Kim Jong Un"]
    assert out["n_actors"].tolist() == [4, 2, 1]
    pd.testing.assert_frame_equal(nodes, before)
    full = plotdata.community_names(nodes, n_names=2, short=False, separator=" / ")
    assert full["name"].iloc[0] == "Vladimir Putin / Alexander Lukashenko"
    # two communities with the same leading actors still get different names
    twin = nodes.assign(name=["A"] * 7, label="ORG")
    assert plotdata.community_names(twin)["name"].tolist() == ["A", "A (2)", "A (3)"]
    assert plotdata.community_names(nodes.iloc[0:0]).empty
    with pytest.raises(KeyError, match="community"):
        plotdata.community_names(nodes.drop(columns="community"))


def test_centrality_order_without_metrics_uses_mentions():
    nodes = pd.DataFrame({"entity_id": ["a", "b"], "name": ["A", "B"], "n_mentions": [1, 5]})
    assert plotdata.centrality_order(nodes)["entity_id"].tolist() == ["b", "a"]


def test_language_names():
    mentions = pd.DataFrame({
        "entity_id": ["putin"] * 5 + [None],
        "lang": ["pl", "pl", "pl", "lt", "ro", "pl"],
        "base_form": ["Władimir Putin", "Władimir Putin", "Putin", "Vladimiras Putinas",
                      "Vladimir Putin", "Nikt"],
    })  # fmt: skip
    out = plotdata.language_names(mentions)
    assert list(out.columns) == plotdata.columns_of("language_names")
    assert out[["lang", "name", "n_mentions"]].values.tolist() == [
        ["lt", "Vladimiras Putinas", 1], ["pl", "Władimir Putin", 3], ["ro", "Vladimir Putin", 1]]
    assert plotdata.names_by_language(out) == {
        "putin": "lt: Vladimiras Putinas · pl: Władimir Putin · ro: Vladimir Putin"}
    assert plotdata.language_names(mentions.iloc[0:0]).empty
