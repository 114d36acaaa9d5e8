"""Betweenness: exact vs sampled sources, measured side by side (prints ratios).

    python benchmarks/bench_networks.py [--nodes 1100] [--sources 300]

On a seeded small-world graph of the size of a 120-article ro_news network (about 1,100
actors, weights 1-5), times :func:`analysis.networks.betweenness` exact and with the
default source sample, and prints the time ratio, the Spearman rank correlation and the
overlap of the 20 most central actors.
"""

from __future__ import annotations

import argparse
import time

import networkx as nx
import pandas as pd

from analysis.networks import BETWEENNESS_SOURCES, betweenness


def _graph(n: int, seed: int) -> nx.Graph:
    graph = nx.connected_watts_strogatz_graph(n, 8, 0.3, seed=seed)
    for i, (u, v) in enumerate(sorted(graph.edges)):
        graph.edges[u, v]["weight"] = float(1 + i % 5)
    return graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=1100)
    parser.add_argument("--sources", type=int, default=BETWEENNESS_SOURCES)
    args = parser.parse_args()
    graph = _graph(args.nodes, seed=0)
    start = time.perf_counter()
    exact = pd.Series(betweenness(graph, sources=None))
    t_exact = time.perf_counter() - start
    start = time.perf_counter()
    sampled = pd.Series(betweenness(graph, sources=args.sources, seed=0))
    t_sampled = time.perf_counter() - start
    top = len(set(exact.nlargest(20).index) & set(sampled.nlargest(20).index))
    print(f"graph: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges")
    print(f"exact {t_exact:.2f} s, {args.sources} sources {t_sampled:.2f} s "
          f"(sampled/exact {t_sampled / t_exact:.2f})")
    print(f"Spearman rank correlation {sampled.corr(exact, method='spearman'):.3f}; "
          f"top-20 overlap {top}/20")


if __name__ == "__main__":
    main()
