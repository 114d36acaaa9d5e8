"""Actor networks with networkx: graph building, node metrics, communities, dynamic graphs."""

from __future__ import annotations

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

#: Above this many nodes, betweenness is estimated from this many seeded source nodes
#: (exact betweenness grows as nodes x edges: 83 s of a 136 s run at 1,089 nodes).
BETWEENNESS_SOURCES = 300


def sampled_sources(n_nodes: int, sources: int | None = BETWEENNESS_SOURCES) -> int | None:
    """How many source nodes :func:`betweenness` samples on ``n_nodes`` nodes (None: exact)."""
    return sources if sources is not None and n_nodes > sources else None


def betweenness(graph: nx.Graph, *, sources: int | None = BETWEENNESS_SOURCES,
                seed: int = 0) -> dict:
    """Normalised betweenness on ``1/weight`` distances; sampled past ``sources`` nodes.

    Parameters
    ----------
    graph
        Weighted graph (edge attribute ``weight``; 0 means no path through that edge).
    sources
        Exact up to this many nodes; above it, the shortest paths from ``sources`` source
        nodes drawn with ``seed`` (networkx's ``k``). None: always exact.
    seed
        Seed of the source sample.

    Returns
    -------
    dict
        Node -> betweenness.
    """
    distance = {e: 1.0 / d["weight"] if d["weight"] else float("inf")
                for e, d in ((e, graph.edges[e]) for e in graph.edges)}
    nx.set_edge_attributes(graph_copy := graph.copy(), distance, "distance")
    k = sampled_sources(graph.number_of_nodes(), sources)
    return nx.betweenness_centrality(graph_copy, k=k, weight="distance", normalized=True,
                                     seed=seed if k else None)


def node_table(graph: nx.Graph, *, seed: int = 0, resolution: float = 1.0,
               betweenness_sources: int | None = BETWEENNESS_SOURCES) -> pd.DataFrame:
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
        Betweenness is exact up to this many nodes and estimated from this many seeded
        source nodes above it (None: always exact); see :func:`betweenness`.

    Returns
    -------
    DataFrame
        The ``nodes`` schema: ``entity_id``, ``name``, ``label``, ``n_mentions``, ``n_docs``,
        ``languages``, ``degree``, ``weighted_degree``, ``betweenness`` (normalised, on
        ``1/weight`` distances; estimated past ``betweenness_sources`` nodes),
        ``eigenvector`` (weighted; 0 for isolated nodes), ``community`` (0 = largest
        community; ties broken by smallest entity id). Sorted by descending weighted
        degree, then entity id.
    """
    if graph.number_of_nodes() == 0:
        return schemas.empty("nodes")
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


def dynamic_graph(
    graph: nx.Graph,
    comentions_by_period: pd.DataFrame,
    *,
    freq: str = "MS",
) -> nx.Graph:
    """A copy of ``graph`` with GEXF time spells for Gephi's timeline.

    Parameters
    ----------
    graph
        From :func:`build_graph` (whole corpus).
    comentions_by_period
        From :func:`analysis.comention.comentions_over_time` at the graph's level.
    freq
        The bins used for ``comentions_by_period``; each spell runs from a period's start
        to the day before the next period starts.

    Returns
    -------
    networkx.Graph
        ``mode="dynamic"``; edges carry ``spells`` and a dynamic ``weight``; nodes carry the
        spells of the periods where they have an edge.
    """
    schemas.require(comentions_by_period, ["period", "level", "source", "target", "n"],
                    where="dynamic_graph")
    out = graph.copy()
    out.graph.update(mode="dynamic", timeformat="date")
    level = graph.graph.get("level", "document")
    rows = comentions_by_period[comentions_by_period["level"] == level]
    node_spells: dict[str, set] = {}
    edge_spells: dict[tuple[str, str], list] = {}
    offset = pd.tseries.frequencies.to_offset(freq)
    for row in rows.sort_values(["period", "source", "target"]).to_dict("records"):
        start = pd.Timestamp(row["period"])
        end = start + offset - pd.Timedelta(days=1)
        spell = (start.date().isoformat(), end.date().isoformat())
        edge_spells.setdefault((row["source"], row["target"]), []).append((spell, row["n"]))
        for node in (row["source"], row["target"]):
            node_spells.setdefault(node, set()).add(spell)
    for (s, t), items in edge_spells.items():
        if out.has_edge(s, t):
            out.edges[s, t]["spells"] = [spell for spell, _ in items]
            out.edges[s, t]["weight"] = [(float(n), a, b) for (a, b), n in items]
    for node, spells in node_spells.items():
        if node in out:
            out.nodes[node]["spells"] = sorted(spells)
    for _, _, data in out.edges(data=True):  # GEXF wants simple attribute values
        for key, value in list(data.items()):
            if value is None:
                del data[key]
    return out
