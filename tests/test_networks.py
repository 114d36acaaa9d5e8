"""Graph building, node metrics, communities and GEXF time spells."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from analysis import schemas
from analysis.networks import betweenness, build_graph, node_table


@pytest.fixture()
def entities():
    return pd.DataFrame({
        "entity_id": ["A", "B", "C", "D", "E"], "name": ["Ann", "Bob", "Cid", "Dan", "Eve"],
        "label": ["PER"] * 5, "n_mentions": [5, 4, 3, 2, 1], "n_docs": [3, 2, 2, 1, 1],
        "languages": ["pl"] * 5,
    })


@pytest.fixture()
def comentions():
    return pd.DataFrame({
        "level": ["document"] * 4 + ["sentence"],
        "source": ["A", "A", "B", "C", "A"], "target": ["B", "C", "C", "D", "B"],
        "n": [3, 1, 1, 2, 1], "npmi": [0.5, 0.1, 0.1, 0.9, 0.2],
    })


def test_build_graph_keeps_isolates_and_filters(entities, comentions):
    graph = build_graph(entities, comentions)
    assert sorted(graph.nodes) == ["A", "B", "C", "D", "E"]
    assert graph.number_of_edges() == 4
    assert graph.edges["A", "B"]["weight"] == 3
    light = build_graph(entities, comentions, weight="npmi", min_weight=0.5)
    assert sorted(light.edges) == [("A", "B"), ("C", "D")]


def test_node_table_metrics(entities, comentions):
    nodes = node_table(build_graph(entities, comentions), seed=1)
    assert list(nodes.columns) == schemas.columns("nodes")
    a = nodes.set_index("entity_id").loc["A"]
    assert a.degree == 2 and a.weighted_degree == 4
    assert nodes["entity_id"].iloc[0] == "A"  # highest weighted degree first
    assert nodes.set_index("entity_id").loc["E", "eigenvector"] == 0
    c = nodes.set_index("entity_id").loc["C"]
    assert c.betweenness > 0  # C bridges D to the rest


def test_node_table_is_seed_deterministic(entities, comentions):
    graph = build_graph(entities, comentions)
    pd.testing.assert_frame_equal(node_table(graph, seed=3), node_table(graph, seed=3))


def test_empty_graph_keeps_schema():
    assert list(node_table(nx.Graph()).columns) == schemas.columns("nodes")


def test_missing_column_named(entities, comentions):
    with pytest.raises(KeyError, match="languages"):
        build_graph(entities.drop(columns="languages"), comentions)


def _weighted_graph(n: int, seed: int) -> nx.Graph:
    graph = nx.connected_watts_strogatz_graph(n, 6, 0.2, seed=seed)
    for i, (u, v) in enumerate(sorted(graph.edges)):
        graph.edges[u, v]["weight"] = float(1 + i % 5)
    return graph


def test_betweenness_exact_up_to_the_source_limit():
    graph = _weighted_graph(60, seed=1)
    exact = betweenness(graph, sources=None)
    assert betweenness(graph, sources=60) == exact
    assert betweenness(graph, sources=59, seed=3) != exact


def test_sampled_betweenness_is_seeded_and_keeps_the_ranking():
    graph = _weighted_graph(400, seed=2)
    exact = pd.Series(betweenness(graph, sources=None))
    sampled = pd.Series(betweenness(graph, sources=150, seed=7))
    assert sampled.equals(pd.Series(betweenness(graph, sources=150, seed=7)))
    assert sampled.corr(exact, method="spearman") > 0.8
    top = set(exact.nlargest(20).index)
    assert len(top & set(sampled.nlargest(20).index)) >= 12


def test_exact_betweenness_is_networkx_where_no_path_lengths_tie():
    graph = _weighted_graph(80, seed=4)
    rng = __import__("random").Random(0)
    for u, v in graph.edges:  # irrational-ish weights: no two paths of equal length
        graph.edges[u, v]["weight"] = 1.0 + rng.random()
    graph.add_edge(0, 40, weight=0.0)  # weight 0: no path through it, in both
    reference = graph.copy()
    reference.remove_edge(0, 40)
    nx.set_edge_attributes(reference, {e: 1.0 / w for e, w in
                                       nx.get_edge_attributes(reference, "weight").items()},
                           "distance")
    expected = nx.betweenness_centrality(reference, weight="distance", normalized=True)
    got = betweenness(graph, sources=None)
    assert got.keys() == expected.keys()
    assert max(abs(got[v] - expected[v]) for v in got) < 1e-12
    assert max(expected.values()) > 0.05


def test_sampled_sources_shrink_as_edges_grow():
    from analysis.networks import BETWEENNESS_MIN_SOURCES, BETWEENNESS_WORK, sampled_sources

    assert sampled_sources(1000, BETWEENNESS_WORK // 1000) is None  # within budget: exact
    ks = [sampled_sources(20_000, m) for m in (100_000, 400_000, 1_600_000)]
    assert ks == sorted(ks, reverse=True) and ks[0] == BETWEENNESS_WORK // 100_000
    assert sampled_sources(50_000, 10**9) == BETWEENNESS_MIN_SOURCES
    assert sampled_sources(90, 10**7) is None  # fewer nodes than the minimum sample


def test_betweenness_on_tiny_graphs_is_zero():
    assert betweenness(nx.path_graph(2)) == {0: 0.0, 1: 0.0}
    assert betweenness(nx.Graph()) == {}
