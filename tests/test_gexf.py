"""network.gexf: streamed GEXF 1.2 with time spells that networkx (and Gephi) read back."""

from __future__ import annotations

import io
from xml.etree import ElementTree

import networkx as nx
import pandas as pd
import pytest

from analysis.gexf import gexf_lines, time_spells, write_gexf_to
from analysis.networks import build_graph


@pytest.fixture()
def graph():
    entities = pd.DataFrame({
        "entity_id": ["PER:a", "ORG:b", "LOC:c"],
        "name": ["Ana <&> \"Pop\"", "Bănci\x0bSA", "Cluj"],
        "label": ["PER", "ORG", "LOC"], "n_mentions": [5, 4, 3], "n_docs": [3, 2, 2],
        "languages": ["ro"] * 3,
    })
    comentions = pd.DataFrame({
        "level": ["document", "document"], "source": ["PER:a", "ORG:b"],
        "target": ["ORG:b", "LOC:c"], "n": [3, 1], "npmi": [0.5, float("nan")],
        "evidence_text": ["= a < b & \x00c", None],
    })
    return build_graph(entities, comentions)


@pytest.fixture()
def by_period():
    return pd.DataFrame({
        "period": pd.to_datetime(["2023-01-01", "2023-02-01", "2023-02-01", "2023-03-01"]),
        "level": ["document", "document", "document", "sentence"],
        "source": ["PER:a", "PER:a", "ORG:b", "PER:a"],
        "target": ["ORG:b", "ORG:b", "LOC:c", "ORG:b"], "n": [2, 1, 1, 7],
    })


def _read(graph, by_period, tmp_path):
    path = tmp_path / "g.gexf"
    with open(path, "w", encoding="utf-8") as handle:
        write_gexf_to(handle, graph, by_period)
    return path, nx.read_gexf(path)


def test_spells_follow_the_periods_of_the_graph_level(graph, by_period):
    nodes, edges = time_spells(graph, by_period)
    assert edges[("PER:a", "ORG:b")] == [("2023-01-01", "2023-01-31", 2.0),
                                         ("2023-02-01", "2023-02-28", 1.0)]
    assert nodes["ORG:b"] == [("2023-01-01", "2023-01-31"), ("2023-02-01", "2023-02-28")]
    assert nodes["LOC:c"] == [("2023-02-01", "2023-02-28")]


def test_networkx_reads_it_back(graph, by_period, tmp_path):
    _, back = _read(graph, by_period, tmp_path)
    assert sorted(back.nodes) == sorted(graph.nodes)
    assert back.nodes["PER:a"]["label"] == 'Ana <&> "Pop"'  # GEXF label = actor name
    assert back.nodes["ORG:b"]["label"] == "Bănci SA"  # control character dropped
    assert back.nodes["PER:a"]["type"] == "PER"
    assert back.nodes["PER:a"]["n_mentions"] == 5
    edge = back.edges["PER:a", "ORG:b"]
    assert edge["npmi"] == 0.5 and edge["evidence_text"] == "= a < b &  c"
    assert edge["weight"] == 3.0  # static weight: the whole corpus
    assert edge["spells"] == [("2023-01-01", "2023-01-31"), ("2023-02-01", "2023-02-28")]
    assert "npmi" not in back.edges["ORG:b", "LOC:c"]  # missing values are left out


def test_dynamic_weight_per_month(graph, by_period, tmp_path):
    path, _ = _read(graph, by_period, tmp_path)
    ns = {"g": "http://www.gexf.net/1.2draft"}
    edge = next(e for e in ElementTree.parse(path).iterfind(".//g:edge", ns)
                if {e.get("source"), e.get("target")} == {"PER:a", "ORG:b"})
    dynamic = [(v.get("value"), v.get("start"), v.get("end"))
               for v in edge.findall("g:attvalues/g:attvalue[@for='weight']", ns)]
    assert dynamic == [("2.0", "2023-01-01", "2023-01-31"), ("1.0", "2023-02-01", "2023-02-28")]


def test_static_weight_and_spells_in_the_file(graph, by_period, tmp_path):
    path, _ = _read(graph, by_period, tmp_path)
    text = path.read_text(encoding="utf-8")
    assert 'weight="3.0"' in text and 'mode="dynamic"' in text
    assert text.count("<spell ") == (2 + 1) + (2 + 2 + 1)  # edges a-b, b-c; nodes a, b, c
    assert "\x00" not in text and "\x0b" not in text


def test_identical_for_identical_input(graph, by_period):
    assert list(gexf_lines(graph, by_period)) == list(gexf_lines(graph.copy(), by_period))


def test_empty_graph_is_a_valid_file(by_period, tmp_path):
    path, back = _read(nx.Graph(), by_period.iloc[:0], tmp_path)
    assert back.number_of_nodes() == 0


def test_missing_columns_named(graph, by_period):
    with pytest.raises(KeyError, match="period"):
        list(gexf_lines(graph, by_period.drop(columns="period")))


def test_lines_stream(graph, by_period):
    buffer = io.StringIO()
    write_gexf_to(buffer, graph, by_period)
    assert buffer.getvalue().endswith("</gexf>\n")
