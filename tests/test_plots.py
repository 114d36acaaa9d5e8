"""Tests for analysis.plots: figure structure (traces, frames, hover), never pixels."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import pytest
from fixtures_tables import (
    ATTACK,
    label_boxes,
    make_comentions,
    make_documents,
    make_entities,
    make_mentions,
    make_network,
    make_nodes,
    make_sentences,
    overlapping_labels,
)

from analysis import layout, plotdata
from analysis.comention import comentions_over_time
from analysis.plots import (
    plot_actor_network,
    plot_actor_timeline,
    plot_comention_matrix,
    plot_network_over_time,
)


@pytest.fixture
def positions():
    return layout.spring_positions(make_nodes(), make_comentions(), seed=0)


def _strings(fig: go.Figure) -> list[str]:
    """Every text the figure shows: hover, labels, names, titles, annotations, ticks."""
    out: list[str] = []
    traces = list(fig.data) + [t for fr in fig.frames for t in fr.data]
    for trace in traces:
        for attr in ("hovertext", "text", "name", "x", "y"):
            value = getattr(trace, attr, None)
            if isinstance(value, str):
                out.append(value)
            elif value is not None:
                for item in value:
                    if isinstance(item, str):
                        out.append(item)
                    elif isinstance(item, (list, tuple)):
                        out.extend(v for v in item if isinstance(v, str))
    out += [a.text for a in fig.layout.annotations if a.text]
    return out


def _edge_hover(fig: go.Figure) -> dict:
    """The edge hover markers of all width classes as one trace-like dict (lists)."""
    traces = [t for t in fig.data if t.meta == "edge_hover"]
    return {attr: [v for t in traces for v in (getattr(t, attr) or ())]
            for attr in ("x", "hovertext", "customdata")}  # fmt: skip


def _assert_escaped(fig: go.Figure) -> None:
    texts = _strings(fig)
    assert not [t for t in texts if "<script" in t or "<img" in t or "</script" in t]


# --------------------------------------------------------------------------- actor network
def test_actor_network_structure(positions):
    fig = plot_actor_network(make_nodes(), make_comentions(), positions, documents=make_documents())
    metas = [t.meta for t in fig.data]
    assert metas[-4:] == ["nodes", "nodes", "label_leaders", "labels"]  # communities 0 and 1
    # communities are named by their most central actors (persons by surname)
    assert [t.name for t in fig.data if t.meta == "nodes"] == [
        "Putin · Lukashenko · Minsk", "Peskov · Moscow"]
    hover = _edge_hover(fig)
    assert len(hover["x"]) == 6  # the six sentence-level co-mentions
    assert ["lukashenko", "putin"] in [list(c) for c in hover["customdata"]]
    assert metas.count("edges") == metas.count("edge_hover")  # one of each per width class
    labels = fig.data[-1]
    assert set(labels.customdata) == set(make_nodes()["entity_id"])  # five actors, room for all
    assert all("&" not in t for t in labels.text)
    ids = [i for t in fig.data if t.meta == "nodes" for i in t.customdata]
    assert sorted(ids) == sorted(make_nodes()["entity_id"])
    # heaviest edge in the widest class; each edge is one segment (3 points) of a line trace
    edge_traces = [t for t in fig.data if t.meta == "edges"]
    assert sum(len(t.x) for t in edge_traces) == 6 * 3
    assert max(edge_traces, key=lambda t: t.line.width).x[:2] == (
        positions.set_index("entity_id").loc["lukashenko", "x"],
        positions.set_index("entity_id").loc["putin", "x"],
    )
    # node size follows mentions: Putin (7) larger than Moscow (1)
    sizes = {i: s for t in fig.data if t.meta == "nodes"
             for i, s in zip(t.customdata, t.marker.size, strict=True)}  # fmt: skip
    assert sizes["putin"] > sizes["lukashenko"] > sizes["moscow"]


def test_actor_network_hover_contents(positions):
    fig = plot_actor_network(make_nodes(), make_comentions(), positions, documents=make_documents())
    node_hover = {i: h for t in fig.data if t.meta == "nodes"
                  for i, h in zip(t.customdata, t.hovertext, strict=True)}  # fmt: skip
    assert "Vladimir Putin" in node_hover["putin"]
    assert "languages: lt,pl,ro" in node_hover["putin"]
    assert "mentions: 7" in node_hover["putin"]
    hover = _edge_hover(fig)
    first = next(h for h in hover["hovertext"] if "Lukashenko – Vladimir Putin" in h)
    assert "Alexander Lukashenko – Vladimir Putin" in first
    assert "co-mentions (sentence): 4" in first
    assert "Putin spotka się z Łukaszenką." in first
    assert "pl1 [pl]" in first


def test_actor_network_filters(positions):
    nodes, com = make_nodes(), make_comentions()
    def n_edges(fig):
        return len(_edge_hover(fig)["x"])

    assert n_edges(plot_actor_network(nodes, com, positions, min_weight=2)) == 1
    assert n_edges(plot_actor_network(nodes, com, positions, top_n_edges=2)) == 2
    assert n_edges(plot_actor_network(nodes, com, positions, level="document")) == 2
    small = plot_actor_network(nodes, com, positions, top_n=2)
    assert sorted(i for t in small.data if t.meta == "nodes" for i in t.customdata) == [
        "lukashenko",
        "putin",
    ]
    assert n_edges(small) == 1
    iso = plot_actor_network(nodes, com, positions, level="document", hide_isolated=True)
    assert sorted(i for t in iso.data if t.meta == "nodes" for i in t.customdata) == [
        "lukashenko",
        "minsk",
        "putin",
    ]
    by_label = plot_actor_network(nodes, com, positions, color_by="label")
    assert [t.name for t in by_label.data if t.meta == "nodes"] == ["label LOC", "label PER"]
    npmi = plot_actor_network(nodes, com, positions, weight="npmi", top_n_edges=1)
    assert "npmi: 0.9" in _edge_hover(npmi)["hovertext"][0]


def test_actor_network_escapes_article_text(positions):
    nodes = make_nodes().assign(
        name=lambda d: d["name"].where(d["entity_id"] != "minsk", "Minsk<script>x</script>")
    )
    fig = plot_actor_network(nodes, make_comentions(), positions, documents=make_documents())
    _assert_escaped(fig)
    joined = " ".join(_strings(fig))
    assert "&lt;script&gt;" in joined and "Minsk&lt;script&gt;x&lt;/script&gt;" in joined
    labels = [t for t in fig.data if t.meta == "labels"][0]
    assert "Minsk‹script›x‹/script›" in labels.text  # plain text: no entities in labels


def test_actor_network_50_actors_labels_never_overlap():
    nodes, com = make_network(50, seed=0)
    pos = layout.spread_positions(layout.spring_positions(nodes, com, seed=0), min_distance=0.2)
    fig = plot_actor_network(nodes, com, pos, top_n_labels=30)
    boxes = label_boxes(fig)
    assert 15 <= len(boxes) <= 30
    assert overlapping_labels(fig) == []  # no two text boxes overlap, none leaves the plot
    texts = [t for t, _ in boxes]
    assert not [t for t in texts if re.search(r"&(#\d+|#x[0-9a-f]+|[a-z]+);", t)]
    # the most central actors are labelled
    central = plotdata.centrality_order(nodes)["name"].head(5).tolist()
    assert set(central) <= set(texts)
    labels = fig.data[-1]
    assert labels.meta == "labels" and labels.mode == "text"
    # every community is named by its most central actors, with a middle dot
    assert all(" · " in t.name for t in fig.data if t.meta == "nodes")
    # the same tables give the same figure
    assert fig.to_json() == plot_actor_network(nodes, com, pos, top_n_labels=30).to_json()
    # top_n_labels=0 and show_names=False: no labels
    assert not label_boxes(plot_actor_network(nodes, com, pos, top_n_labels=0))
    assert not label_boxes(plot_actor_network(nodes, com, pos, show_names=False))


def test_actor_network_labels_plain_text():
    nodes = make_nodes().assign(
        name=lambda d: d["name"].where(d["entity_id"] != "minsk", '"Rosyjskie NATO" & Co'))
    pos = layout.spring_positions(nodes, make_comentions(), seed=0)
    fig = plot_actor_network(nodes, make_comentions(), pos)
    assert '"Rosyjskie NATO" & Co' in fig.data[-1].text  # as written: no &quot; shown
    hover = [h for t in fig.data if t.meta == "nodes" for h in t.hovertext]
    assert not [h for h in hover if "&quot;" in h]  # Plotly would show &quot; as written
    assert any("&#34;Rosyjskie NATO&#34; &amp; Co" in h for h in hover)


def test_actor_network_edge_weight_slider(positions):
    fig = plot_actor_network(make_nodes(), make_comentions(), positions)
    (slider,) = fig.layout.sliders
    # sentence-level weights are 1 and 4: two width classes, two steps
    assert [s.label for s in slider.steps] == ["≥ 1", "≥ 4"]
    edge_idx = [i for i, t in enumerate(fig.data) if t.meta in ("edges", "edge_hover")]
    for step in slider.steps:
        assert step.method == "restyle" and list(step.args[1]) == edge_idx
    assert list(slider.steps[1].args[0]["visible"]) == [False, True, False, True]
    assert not plot_actor_network(make_nodes(), make_comentions(), positions,
                                  edge_filter=False).layout.sliders


def test_actor_network_does_not_mutate(positions):
    nodes, com, docs = make_nodes(), make_comentions(), make_documents()
    pos = positions.copy()
    plot_actor_network(nodes, com, positions, documents=docs, min_weight=1, top_n_edges=3)
    pd.testing.assert_frame_equal(nodes, make_nodes())
    pd.testing.assert_frame_equal(com, make_comentions())
    pd.testing.assert_frame_equal(docs, make_documents())
    pd.testing.assert_frame_equal(positions, pos)


def test_actor_network_empty_and_missing(positions):
    fig = plot_actor_network(make_nodes().iloc[0:0], make_comentions(), positions)
    assert isinstance(fig, go.Figure) and len(fig.data) == 0
    assert fig.layout.annotations[0].text == "No actors to show"
    no_edges = plot_actor_network(make_nodes(), make_comentions().iloc[0:0], positions)
    assert [t.meta for t in no_edges.data].count("nodes") == 2
    with pytest.raises(KeyError, match="'x'"):
        plot_actor_network(make_nodes(), make_comentions(), positions.drop(columns="x"))
    with pytest.raises(KeyError, match="community"):
        plot_actor_network(make_nodes().drop(columns="community"), make_comentions(), positions)


# ------------------------------------------------------------------------ network over time
@pytest.fixture
def over_time():
    pnodes = plotdata.period_nodes(make_mentions(), make_documents(), make_entities())
    pedges = comentions_over_time(
        make_mentions(), make_sentences(), make_documents(), freq="MS", levels=("sentence",)
    )
    return pnodes, pedges


def test_network_over_time_frames_and_slider(over_time, positions):
    pnodes, pedges = over_time
    fig = plot_network_over_time(pnodes, pedges, positions)
    assert [t.meta for t in fig.data] == ["background", "edges", "edge_hover", "nodes",
                                          "label_leaders", "labels"]
    names = [f.name for f in fig.frames]
    assert names == ["2022-12", "2023-02", "2023-04"]
    assert all(tuple(f.traces) == (1, 2, 3) for f in fig.frames)
    steps = fig.layout.sliders[0].steps
    assert [s.label for s in steps] == names
    assert [list(s.args[0]) for s in steps] == [[n] for n in names]
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == ["Play", "Pause"]
    frame_nodes = {f.name: list(f.data[2].customdata) for f in fig.frames}
    assert frame_nodes["2022-12"] == ["lukashenko", "minsk", "putin"]
    assert frame_nodes["2023-04"] == ["lukashenko", "moscow", "peskov", "putin"]
    april_edges, april_hover = fig.frames[2].data[0], fig.frames[2].data[1]
    assert len(april_edges.x) == 2 * 3  # Lukashenko–Putin and Moscow–Peskov
    assert "co-mentions this period: 2" in april_hover.hovertext[0]
    assert "Alexander Lukashenko – Vladimir Putin" in april_hover.hovertext[0]
    # positions are stable: Putin is drawn at the same place in every frame
    where = positions.set_index("entity_id").loc["putin", ["x", "y"]].tolist()
    for frame in fig.frames:
        idx = list(frame.data[2].customdata).index("putin")
        assert [frame.data[2].x[idx], frame.data[2].y[idx]] == where
    assert fig.layout.xaxis.autorange is False  # fixed ranges: frames do not rescale


def test_network_over_time_options(over_time, positions):
    pnodes, pedges = over_time
    fig = plot_network_over_time(pnodes, pedges, positions, min_weight=2)
    assert [len(f.data[0].x) for f in fig.frames] == [0, 0, 3]
    yearly = pnodes.assign(period=pnodes["period"].dt.to_period("Y").dt.start_time)
    fig = plot_network_over_time(yearly, pedges.iloc[0:0], positions, period_format="%Y")
    assert [f.name for f in fig.frames] == ["2022", "2023"]
    doc = pedges.loc[pedges["source"] == "lukashenko"].assign(level="document")
    fig = plot_network_over_time(pnodes, pd.concat([pedges, doc]), positions, level="document")
    assert [len(f.data[1].x) for f in fig.frames] == [1, 2, 1]


def test_network_over_time_empty_missing_no_mutation(over_time, positions):
    pnodes, pedges = over_time
    copies = (pnodes.copy(), pedges.copy())
    plot_network_over_time(pnodes, pedges, positions)
    pd.testing.assert_frame_equal(pnodes, copies[0])
    pd.testing.assert_frame_equal(pedges, copies[1])
    empty = plot_network_over_time(pnodes.iloc[0:0], pedges.iloc[0:0], positions)
    assert len(empty.frames) == 0 and empty.layout.annotations[0].text
    with pytest.raises(KeyError, match="period"):
        plot_network_over_time(pnodes.drop(columns="period"), pedges, positions)


def test_network_over_time_escapes(over_time, positions):
    pnodes, pedges = over_time
    evil = pnodes.assign(name=pnodes["name"] + ATTACK)
    _assert_escaped(plot_network_over_time(evil, pedges, positions))


# --------------------------------------------------------------------------- actor timeline
def test_actor_timeline_structure():
    mpp = plotdata.mentions_per_period(make_mentions(), make_documents(), make_entities())
    fig = plot_actor_timeline(mpp)
    reading = sorted(fig.layout.annotations, key=lambda a: (-a.y, a.x))
    panels = [a.text for a in reading]
    assert panels == ["Vladimir Putin", "Alexander Lukashenko", "Dmitry Peskov", "Minsk", "Moscow"]
    assert {t.name for t in fig.data} == {"pl", "lt", "ro"}
    assert {t.marker.color for t in fig.data if t.name == "pl"} == {"#d62728"}
    total = sum(sum(t.y) for t in fig.data)
    assert total == mpp["n_mentions"].sum() == 16
    assert fig.layout.barmode == "stack"
    assert list(fig.layout.xaxis.ticktext) == ["2022-12", "2023-02", "2023-04"]


def test_actor_timeline_escapes_and_edge_cases():
    mpp = plotdata.mentions_per_period(make_mentions(), make_documents(), make_entities())
    evil = mpp.assign(name=mpp["name"].where(mpp["entity_id"] != "minsk", "<b onclick=x>M"))
    fig = plot_actor_timeline(evil)
    assert "&lt;b onclick=x&gt;M" in [a.text for a in fig.layout.annotations]
    same = mpp.assign(name="Same")  # duplicate names stay separate panels
    assert len(plot_actor_timeline(same).layout.annotations) == 5
    empty = plot_actor_timeline(plotdata.empty("mentions_per_period"))
    assert len(empty.data) == 0
    with pytest.raises(KeyError, match="lang"):
        plot_actor_timeline(mpp.drop(columns="lang"))
    copy = mpp.copy()
    plot_actor_timeline(mpp)
    pd.testing.assert_frame_equal(mpp, copy)


# --------------------------------------------------------------------------- matrix heatmap
def test_comention_matrix_heatmap():
    matrix = plotdata.comention_matrix(make_comentions(), make_nodes(), top_n=3)
    fig = plot_comention_matrix(matrix)
    (heat,) = fig.data
    assert list(heat.x) == list(heat.y) == ["Vladimir Putin", "Alexander Lukashenko",
                                            "Dmitry Peskov"]  # fmt: skip
    z = [list(r) for r in heat.z]
    assert z == [[None, 4.0, 1.0], [4.0, None, 1.0], [1.0, 1.0, None]]
    assert "co-mentions: 4" in heat.text[0][1]
    assert fig.layout.yaxis.autorange == "reversed"


def test_comention_matrix_heatmap_escapes_empty_missing():
    matrix = plotdata.comention_matrix(make_comentions(), make_nodes(), top_n=3)
    evil = matrix.assign(row_name=matrix["row_name"] + "<script>", col_name="x")
    fig = plot_comention_matrix(evil)
    assert all("<script" not in v for v in fig.data[0].y)
    assert len(plot_comention_matrix(matrix.iloc[0:0]).data) == 0
    with pytest.raises(KeyError, match="row_rank"):
        plot_comention_matrix(matrix.drop(columns="row_rank"))
