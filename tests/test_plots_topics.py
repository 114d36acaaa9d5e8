"""Tests for analysis.plots.topics: figure structure (traces, frames, slider), never pixels."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from analysis import schemas
from analysis.plots.topics import plot_topic_map, plot_topic_share, plot_topic_terms
from analysis.topics import topics_over_time

TOPICS = schemas.conform(pd.DataFrame({
    "topic_id": [0, 1], "label": ["0: Putin, <b>Minsk</b>", "1: Trump, election"],
    "n_docs": [3, 2], "top_terms": ["pl: mińsk", "pl: wybory"], "top_actors": ["Putin", "Trump"],
}), "topics")  # fmt: skip

DOC_TOPICS = schemas.conform(pd.DataFrame({
    "doc_id": list("abcde"), "topic_id": [0, 1, 0, 0, 1], "probability": 1.0,
    "published_at": pd.to_datetime(["2023-01-03", "2023-01-20", "2023-03-02", None,
                                    "2023-03-30"]),
    "lang": ["pl", "pl", "lt", "ro", "pl"],
}), "doc_topics")  # fmt: skip

DOC_MAP = schemas.conform(DOC_TOPICS.assign(
    x=[0.0, 1.0, 0.2, -0.1, 0.9], y=[0.0, 0.5, 0.1, 0.0, 0.6],
    title=["Putin <script>", None, "Putinas", "Putin", "Trump"]), "doc_map")

TERMS = schemas.conform(pd.DataFrame({
    "topic_id": [0, 0, 0, 1, 1, 0],
    "lang": ["pl", "pl", "lt", "pl", "xx", "xx"],
    "term": ["mińsk", "spotkanie", "minskas", "wybory", "Q_trump", "Q_putin"],
    "weight": [0.5, 0.3, 0.4, 0.6, 0.7, 0.8], "rank": [1, 2, 1, 1, 1, 1],
}), "topic_terms")  # fmt: skip

ACTORS = schemas.conform(pd.DataFrame({
    "topic_id": [0, 1], "entity_id": ["Q_putin", "Q_trump"], "name": ["Putin", "Trump"],
    "weight": [0.8, 0.7], "rank": [1, 1],
}), "topic_actors")  # fmt: skip


def _copies():
    return {name: t.copy() for name, t in
            {"topics": TOPICS, "map": DOC_MAP, "terms": TERMS, "actors": ACTORS}.items()}


@pytest.mark.parametrize("kind", ["bars", "lines"])
def test_topic_share_traces(kind):
    tot = topics_over_time(DOC_TOPICS)
    fig = plot_topic_share(tot, TOPICS, kind=kind)
    assert isinstance(fig, go.Figure)
    assert [t.name for t in fig.data] == ["0: Putin, &lt;b&gt;Minsk&lt;/b&gt;",
                                          "1: Trump, election", "documents in the period"]
    assert list(fig.data[2].y) == [2, 0, 2]  # documents per month, bar panel below
    assert fig.data[2].type == "bar" and fig.data[2].yaxis == "y2"
    for trace, expected in zip(fig.data[:2], ([0.5, None, 0.5], [0.5, None, 0.5]), strict=True):
        assert len(trace.x) == 3  # January, February (no documents), March
        got = [None if pd.isna(v) else v for v in trace.y]
        assert got == expected  # February is a gap, not a zero
    assert {t.type for t in fig.data[:2]} == ({"bar"} if kind == "bars" else {"scatter"})
    assert len(plot_topic_share(tot, TOPICS, kind=kind, show_counts=False).data) == 2
    assert fig.layout.yaxis.tickformat == ".0%"
    # the month without documents is shaded and says so
    (band,) = fig.layout.shapes
    assert pd.Timestamp(band.x0) < pd.Timestamp("2023-02-01") < pd.Timestamp(band.x1)
    assert [a.text for a in fig.layout.annotations] == ["no documents"]


def test_topic_share_area_breaks_at_gaps():
    tot = topics_over_time(DOC_TOPICS)
    fig = plot_topic_share(tot, TOPICS, kind="area", show_counts=False)
    # one stacked area per topic and run of months with documents: January, then March
    assert [(t.name[:2], t.stackgroup, len(t.x), t.showlegend) for t in fig.data] == [
        ("0:", "share-0", 1, True), ("0:", "share-2", 1, False),
        ("1:", "share-0", 1, True), ("1:", "share-2", 1, False)]
    assert all(None not in t.y and 0 not in t.y for t in fig.data)  # no zero drawn
    assert not plot_topic_share(tot, TOPICS, show_gaps=False).layout.shapes


def test_topic_share_group_and_errors():
    tot = topics_over_time(DOC_TOPICS, by="lang")
    fig = plot_topic_share(tot, TOPICS, group="lt", show_counts=False)
    assert len(fig.data) == 2
    # every group spans the same months; Lithuanian has one document, in March
    assert [None if pd.isna(v) else v for v in fig.data[0].y] == [None, None, 1.0]
    assert "(lt)" in fig.layout.title.text
    with pytest.raises(ValueError, match="kind"):
        plot_topic_share(tot, TOPICS, kind="pie")
    with pytest.raises(KeyError, match="'share'"):
        plot_topic_share(tot.drop(columns="share"), TOPICS)


def test_topic_terms_panels():
    fig = plot_topic_terms(TERMS, TOPICS, topic_actors=ACTORS)
    assert isinstance(fig, go.Figure)
    # panels (topic, column): (0, lt), (0, pl), (0, actors), (1, pl), (1, actors)
    assert [t.name for t in fig.data] == ["0 lt", "0 pl", "0 xx", "1 pl", "1 xx"]
    assert list(fig.data[1].y) == ["spotkanie", "mińsk"]  # rank 1 drawn on top
    assert list(fig.data[2].y) == ["Putin"]  # actor names, not ids
    titles = [a.text for a in fig.layout.annotations]
    assert titles[:3] == ["topic 0 · Lithuanian", "topic 0 · Polish",
                          "topic 0 · actors, all languages"]
    # topic 1 has no Lithuanian terms: the panel says so instead of staying blank
    assert titles[-1] == "no Lithuanian terms"
    # without topic_actors, the ids of the "xx" rows, without a label prefix
    assert list(plot_topic_terms(TERMS, TOPICS).data[2].y) == ["Q putin"]
    labelled = TERMS.assign(term=TERMS["term"].replace({"Q_putin": "PER:vladimir_putin"}))
    assert list(plot_topic_terms(labelled, TOPICS).data[2].y) == ["vladimir putin"]
    assert len(plot_topic_terms(TERMS, TOPICS, top_n=1).data[1].y) == 1
    # with doc_topics, the reason: no Lithuanian document in topic 1
    with_docs = plot_topic_terms(TERMS, TOPICS, doc_topics=DOC_TOPICS)  # adds a Romanian column
    whys = [a.text for a in with_docs.layout.annotations][8:]
    assert whys == ["1 Romanian document,<br>but no word stands out<br>from the other topics",
                    "no Lithuanian documents<br>in this topic",
                    "no Romanian documents<br>in this topic"]
    # long terms are shortened; the whole term stays in the hover
    long = TERMS.assign(term=TERMS["term"].replace({"wybory": "Organizacja Układu o "
                                                    "Bezpieczeństwie Zbiorowym"}))
    bar = plot_topic_terms(long, TOPICS).data[3]
    assert bar.y[0].endswith("…") and len(bar.y[0]) == 24
    assert bar.customdata[0] == "Organizacja Układu o Bezpieczeństwie Zbiorowym"


def test_topic_map_frames_and_slider():
    fig = plot_topic_map(DOC_MAP, TOPICS)
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == 2  # one trace per topic
    assert [len(t.x) for t in fig.data] == [3, 2]
    # "all", then each month with documents (February has none; "d" is undated)
    assert [f.name for f in fig.frames] == ["all", "2023-01", "2023-03"]
    assert [[len(t.x) for t in f.data] for f in fig.frames] == [[3, 2], [1, 1], [1, 1]]
    slider = fig.layout.sliders[0]
    assert [s.label for s in slider.steps] == ["all", "2023-01", "2023-03"]
    assert list(slider.steps[1].args[0]) == ["2023-01"]
    hover = " ".join(fig.data[0].text)
    assert "&lt;script&gt;" in hover and "<script>" not in hover


def test_topic_map_max_points():
    fig = plot_topic_map(DOC_MAP, TOPICS, max_points=3)
    assert sum(len(t.x) for t in fig.data) == 3
    assert "3 of 5 documents shown" in fig.layout.title.text
    again = plot_topic_map(DOC_MAP, TOPICS, max_points=3)
    assert [list(t.x) for t in fig.data] == [list(t.x) for t in again.data]
    assert sum(len(t.x) for t in plot_topic_map(DOC_MAP, TOPICS, max_points=None).data) == 5


def test_empty_inputs_and_no_mutation():
    before = _copies()
    assert len(plot_topic_share(schemas.empty("topics_over_time"), TOPICS).data) == 0
    assert len(plot_topic_terms(schemas.empty("topic_terms"), TOPICS).data) == 0
    assert len(plot_topic_map(schemas.empty("doc_map"), TOPICS).data) == 0
    plot_topic_map(DOC_MAP, TOPICS)
    plot_topic_terms(TERMS, TOPICS, topic_actors=ACTORS)
    for name, table in {"topics": TOPICS, "map": DOC_MAP, "terms": TERMS,
                        "actors": ACTORS}.items():  # fmt: skip
        pd.testing.assert_frame_equal(table, before[name])
    with pytest.raises(KeyError, match="'x'"):
        plot_topic_map(DOC_MAP.drop(columns="x"), TOPICS)


def test_report_topic_section_with_real_tables():
    """The report's topic section draws these figures from real topic_tables output."""
    from analysis import report
    from analysis.result import RunResult
    from analysis.topics import topic_tables

    docs = pd.DataFrame({
        "doc_id": [f"d{i}" for i in range(12)], "lang": ["pl"] * 6 + ["lt"] * 6,
        "text": ["mecz bramka liga puchar"] * 3 + ["podatek budżet bank inflacja"] * 3
        + ["rungtynės įvartis lyga taurė"] * 3 + ["mokestis biudžetas bankas infliacija"] * 3,
        "published_at": pd.to_datetime(["2023-01-05", "2023-02-05", "2023-03-05"] * 4),
        "status": "ok",
    })  # fmt: skip
    tables = topic_tables(docs, n_topics=2, seed=0)
    result = RunResult(documents=schemas.conform(docs, "documents"), **tables)
    page = report.build_report(result)
    for div in ("fig-topic-share", "fig-topic-terms", "fig-topic-map"):
        assert f'id="{div}"' in page
    assert 'id="table-topics"' in page
    assert page == report.build_report(result)  # stable: identical reruns
