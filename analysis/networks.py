"""Actor networks with networkx: graph building, node metrics and communities (the GEXF
file with time spells: :mod:`analysis.gexf`)."""

from __future__ import annotations

import random

import networkx as nx
import pandas as pd

from analysis import schemas


def build_graph(
    entities: pd.DataFrame,
    comentions: pd.DataFrame,
    *,
    level: str = "document",
    weight: str = "n",
    min_weight: float | None = None,
) -> nx.Graph:
    """An undirected weighted graph of actors for one co-mention level.

    Parameters
    ----------
    entities
        Needs ``entity_id``, ``name``, ``label``, ``n_mentions``, ``n_docs``, ``languages``;
        every entity becomes a node (isolated actors included).
    comentions
        The ``comentions`` table; rows of ``level`` become edges.
    weight
        Column copied to each edge's ``weight`` attribute (all other measures are kept too).
    min_weight
        Drop edges whose ``weight`` is below this.

    Returns
    -------
    networkx.Graph
        Node attributes: name, label, n_mentions, n_docs, languages. Edge attributes: the
        comentions columns, plus ``weight``.
    """
    schemas.require(entities, ["entity_id", "name", "label", "n_mentions", "n_docs", "languages"],
                    where="build_graph")
    schemas.require(comentions, ["level", "source", "target", weight], where="build_graph")
    graph = nx.Graph(level=level, weight=weight)
    for row in entities.sort_values("entity_id").to_dict("records"):
        graph.add_node(row["entity_id"], name=row["name"], label=row["label"],
                       n_mentions=int(row["n_mentions"]), n_docs=int(row["n_docs"]),
                       languages=row["languages"])
    edges = comentions[comentions["level"] == level]
    if min_weight is not None:
        edges = edges[edges[weight] >= min_weight]
    for row in edges.sort_values(["source", "target"]).to_dict("records"):
        attrs = {k: (None if pd.isna(v) else v) for k, v in row.items()
                 if k not in ("source", "target", "level")}
        graph.add_edge(row["source"], row["target"], **attrs, weight=float(row[weight]))
    return graph


#: Decimals kept of centralities, so reruns give byte-identical tables.
CENTRALITY_DIGITS = 10

#: Betweenness work budget, in source nodes x edges: exact while nodes x edges stays under
#: it, else estimated from ``budget / edges`` seeded source nodes. igraph computes exact
#: betweenness of 3,356 nodes x 65,850 edges (2.2e8; the document network of 2,000 ro_news
#: articles) in 5.7 s here, so the step costs a few seconds at any corpus size.
BETWEENNESS_WORK = 250_000_000
#: Fewest sampled source nodes, however large the graph.
BETWEENNESS_MIN_SOURCES = 100


def sampled_sources(n_nodes: int, n_edges: int, *, work: float = BETWEENNESS_WORK
                    ) -> int | None:
    """How many source nodes betweenness samples on a graph of this size (None: exact).

    >>> sampled_sources(3356, 65850) is None, sampled_sources(20000, 500000)
    (True, 500)
    """
    if n_nodes * n_edges <= work:
        return None
    k = max(BETWEENNESS_MIN_SOURCES, int(work // max(n_edges, 1)))
    return k if k < n_nodes else None


def betweenness(graph: nx.Graph, *, sources: int | None = None, seed: int = 0) -> dict:
    """Normalised betweenness on ``1/weight`` distances, exact or from sampled sources.

    Computed by igraph (C; ~100x networkx on these graphs). Sampled, the estimate is Brandes
    and Pich's: the dependencies of ``sources`` seeded source nodes scaled up to all
    sources (a node that is itself a source is scaled by ``sources - 1``), as networkx's
    ``k`` does. Exact values can differ from networkx's in the last digits where two paths
    have equal length up to rounding (igraph compares path lengths with a tolerance, so it
    counts both).

    Parameters
    ----------
    graph
        Weighted graph (edge attribute ``weight``; 0 means no path through that edge).
    sources
        Number of source nodes drawn with ``seed``; None, or at least the number of nodes,
        means exact. :func:`sampled_sources` gives the default of :func:`node_table`.
    seed
        Seed of the source sample.

    Returns
    -------
    dict
        Node -> betweenness (0 on graphs of fewer than 3 nodes).
    """
    import igraph

    nodes = list(graph.nodes())
    n = len(nodes)
    if n < 3:
        return dict.fromkeys(nodes, 0.0)
    index = {node: i for i, node in enumerate(nodes)}
    edges, distance = [], []
    for u, v, w in graph.edges(data="weight"):
        if w:  # weight 0: no path through this edge
            edges.append((index[u], index[v]))
            distance.append(1.0 / w)
    shadow = igraph.Graph(n=n, edges=edges)
    if sources is None or sources >= n:
        raw = shadow.betweenness(directed=False, weights=distance)
        scale = [2.0 / ((n - 1) * (n - 2))] * n
    else:
        drawn = sorted(random.Random(seed).sample(range(n), sources))
        # igraph halves an undirected graph's sums: raw = 1/2 sum over drawn s of delta_s(v)
        raw = shadow.betweenness(directed=False, weights=distance, sources=drawn)
        scale = [2.0 / (sources * (n - 2))] * n
        for i in drawn:
            scale[i] = 2.0 / ((sources - 1) * (n - 2)) if sources > 1 else 0.0
    return {node: float(raw[i]) * scale[i] for i, node in enumerate(nodes)}


def node_table(graph: nx.Graph, *, seed: int = 0, resolution: float = 1.0,
               betweenness_sources: int | None | str = "auto") -> pd.DataFrame:
    """Node metrics and seeded Louvain communities.

    Parameters
    ----------
    graph
        From :func:`build_graph`.
    seed
        Seed of Louvain and of the betweenness source sample.
    resolution
        Louvain resolution.
    betweenness_sources
        Source nodes of the betweenness estimate; ``"auto"``: :func:`sampled_sources`
        (exact while nodes x edges stays under :data:`BETWEENNESS_WORK`); None: exact.

    Returns
    -------
    DataFrame
        The ``nodes`` schema: ``entity_id``, ``name``, ``label``, ``n_mentions``, ``n_docs``,
        ``languages``, ``degree``, ``weighted_degree``, ``betweenness`` (normalised, on
        ``1/weight`` distances; estimated on large graphs, see ``betweenness_sources``),
        ``eigenvector`` (weighted; 0 for isolated nodes), ``community`` (0 = largest
        community; ties broken by smallest entity id). Sorted by descending weighted
        degree, then entity id.
    """
    if graph.number_of_nodes() == 0:
        return schemas.empty("nodes")
    if betweenness_sources == "auto":
        betweenness_sources = sampled_sources(graph.number_of_nodes(), graph.number_of_edges())
    between = betweenness(graph, sources=betweenness_sources, seed=seed)
    eigen: dict = {}
    for component in nx.connected_components(graph):
        sub = graph.subgraph(component)
        if sub.number_of_edges() == 0:
            eigen.update(dict.fromkeys(component, 0.0))
            continue
        try:
            eigen.update(nx.eigenvector_centrality_numpy(sub, weight="weight"))
        except (nx.NetworkXException, ValueError, TypeError):
            eigen.update(nx.eigenvector_centrality(sub, weight="weight", max_iter=1000))
    communities = nx.community.louvain_communities(graph, weight="weight", seed=seed,
                                                   resolution=resolution)
    ordered = sorted(communities, key=lambda c: (-len(c), min(c)))
    community = {node: i for i, members in enumerate(ordered) for node in members}
    rows = [{
        "entity_id": node,
        **{k: data.get(k) for k in ("name", "label", "n_mentions", "n_docs", "languages")},
        "degree": graph.degree(node),
        "weighted_degree": float(graph.degree(node, weight="weight")),
        # rounded: eigensolvers differ in the last bits between runs (byte-identical outputs)
        "betweenness": round(float(between[node]), CENTRALITY_DIGITS),
        "eigenvector": round(abs(float(eigen.get(node, 0.0))), CENTRALITY_DIGITS),
        "community": community[node],
    } for node, data in graph.nodes(data=True)]
    table = pd.DataFrame(rows).sort_values(["weighted_degree", "entity_id"],
                                           ascending=[False, True])
    return schemas.conform(table, "nodes")
