"""Betweenness: networkx vs igraph, exact vs sampled, measured side by side (prints ratios).

    python benchmarks/bench_networks.py [--nodes 3400] [--degree 40] [--nx-sources 300]

On a seeded small-world graph the size of the document network of 2,000 ro_news articles
(3,356 actors, 65,850 edges; weights 1-5), times networkx's estimate from ``--nx-sources``
seeded sources (what :mod:`analysis.networks` ran before igraph), igraph's exact
betweenness and igraph at the default work budget (:func:`analysis.networks.sampled_sources`;
exact at this size), and prints the time ratios and how well each ranks actors against the
exact values (Spearman correlation, overlap of the 20 most central).
"""

from __future__ import annotations

import argparse
import time

import networkx as nx
import pandas as pd

from analysis.networks import betweenness, sampled_sources


def _graph(n: int, degree: int, seed: int) -> nx.Graph:
    graph = nx.connected_watts_strogatz_graph(n, degree, 0.3, seed=seed)
    for i, (u, v) in enumerate(sorted(graph.edges)):
        graph.edges[u, v]["weight"] = float(1 + i % 5)
    return graph


def _networkx(graph: nx.Graph, k: int, seed: int) -> dict:
    distance = {(u, v): 1.0 / w for u, v, w in graph.edges(data="weight")}
    copy = graph.copy()
    nx.set_edge_attributes(copy, distance, "distance")
    return nx.betweenness_centrality(copy, k=k, weight="distance", normalized=True, seed=seed)


def _timed(function) -> tuple[pd.Series, float]:
    start = time.perf_counter()
    values = pd.Series(function())
    return values, time.perf_counter() - start


def _agreement(values: pd.Series, exact: pd.Series) -> str:
    top = len(set(exact.nlargest(20).index) & set(values.nlargest(20).index))
    return f"Spearman {values.corr(exact, method='spearman'):.3f}, top-20 overlap {top}/20"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=3400)
    parser.add_argument("--degree", type=int, default=40)
    parser.add_argument("--nx-sources", type=int, default=300)
    args = parser.parse_args()
    graph = _graph(args.nodes, args.degree, seed=0)
    n, m = graph.number_of_nodes(), graph.number_of_edges()
    auto = sampled_sources(n, m)
    exact, t_exact = _timed(lambda: betweenness(graph, sources=None))
    default, t_default = _timed(lambda: betweenness(graph, sources=auto, seed=0))
    old, t_old = _timed(lambda: _networkx(graph, args.nx_sources, seed=0))
    print(f"graph: {n} nodes, {m} edges; default sources: {auto or 'all (exact)'}")
    print(f"networkx, {args.nx_sources} sources: {t_old:.2f} s; {_agreement(old, exact)}")
    print(f"igraph exact: {t_exact:.2f} s ({t_old / t_exact:.1f}x faster than networkx sampled)")
    print(f"igraph default: {t_default:.2f} s ({t_old / t_default:.1f}x); "
          f"{_agreement(default, exact)}")
    big = _graph(4 * args.nodes, args.degree, seed=1)
    k = sampled_sources(big.number_of_nodes(), big.number_of_edges())
    sampled, t_big = _timed(lambda: betweenness(big, sources=k, seed=0))
    print(f"4x the actors ({big.number_of_nodes()} nodes, {big.number_of_edges()} edges): "
          f"default {k} sources, {t_big:.2f} s ({t_big / t_default:.2f}x the first graph)")


if __name__ == "__main__":
    main()
