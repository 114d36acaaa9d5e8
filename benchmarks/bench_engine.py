"""NER in this process vs on 1 and N Dask workers, side by side (prints speedups).

    python benchmarks/bench_engine.py [--articles 60] [--workers 2] [--corpora ../shared/corpora]

Takes the first ``--articles`` ro_news articles of at least 1,000 characters (title +
text), annotates them with the shipped ro models through :func:`analysis.engine.annotate` in
this process, then on a local Dask cluster of 1 and of ``--workers`` workers (each started,
warmed up with the models loaded, then timed), checks that the tables are identical, and
prints the speedup of N workers over 1 (the issue's goal: >= 0.8 N on a machine with N free
cores).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import pandas as pd

from analysis.engine import annotate, connect, load_on_workers, make_engine
from analysis.models import resolve_models


def _articles(corpora: Path, n: int) -> list[str]:
    files = sorted((corpora / "ro_news" / "datasets").glob("*.parquet"))
    table = pd.concat(pd.read_parquet(p, columns=["title", "article_text"]) for p in files[:4])
    table = table.dropna()
    table = table[table["article_text"].str.len() >= 1000].iloc[:n]  # articles, not quotes
    return [f"{t}\n\n{a}".strip() for t, a in zip(table["title"], table["article_text"],
                                                    strict=True)]


def _timed(texts, spec, client) -> tuple[float, tuple[pd.DataFrame, pd.DataFrame]]:
    if client is None:
        annotate(texts[:1], spec)  # warm-up: the models load
    else:
        load_on_workers(client, spec)
    start = time.perf_counter()
    tables = annotate(texts, spec, client=client)
    return time.perf_counter() - start, tables


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--corpora", type=Path,
                        default=Path(__file__).resolve().parents[1].parent / "shared" / "corpora")
    args = parser.parse_args()
    texts = _articles(args.corpora, args.articles)
    spec = resolve_models("ro")
    print(f"{len(texts)} ro_news articles, {sum(map(len, texts)):,} characters, "
          f"{os.cpu_count()} CPU cores")
    t_local, local = _timed(texts, spec, None)
    print(f"this process: {t_local:.1f} s")
    times = {}
    for workers in sorted({1, args.workers}):
        with connect(make_engine("dask", workers=workers)) as client:
            times[workers], tables = _timed(texts, spec, client)
        same = all(a.equals(b) for a, b in zip(local, tables, strict=True))
        print(f"dask, {workers} worker(s): {times[workers]:.1f} s "
              f"(tables identical to this process: {same})")
    if args.workers > 1:
        speedup = times[1] / times[args.workers]
        print(f"speedup {args.workers} workers vs 1: {speedup:.2f}x "
              f"(goal >= {0.8 * args.workers:.1f}x); 1 worker vs this process: "
              f"{times[1] / t_local:.2f}")


if __name__ == "__main__":
    main()
