"""Writing the per-document tables as single parquet files vs partitioned datasets.

    python benchmarks/bench_partition.py [--copies 1 5200] [--repeat 3] [--cache-dir DIR]

Runs the pipeline on the sample corpus (NER through the cache), then, for each ``--copies``
N, makes a corpus of N copies of its per-document tables (new doc_ids; copy k moved k mod 36
months later, so the copies spread over three years like a news corpus; the undated document
stays undated; 5,200 copies are 26,000 documents, the size of ro_news) and times, median of
``--repeat``:

* single: ``<table>.parquet`` of the five tables of
  :data:`analysis.partition.PARTITIONED_TABLES`, as :func:`analysis.output.write_outputs`
  writes them (atomic, pandas ``to_parquet``);
* partitioned: :func:`analysis.output.write_partitioned` (``--partition``), and again into
  the same folder (a rerun, which also deletes the earlier dataset);
* reading one month of mentions back: ``read_parquet`` of the single file and a filter, vs
  :func:`analysis.partition.read_partitioned` with ``months=``.

Each write but the rerun goes into a new folder. It prints seconds, bytes on disk and numbers
of files. Copies of five documents compress better than 26,000 different articles would, so
the sizes say more as ratios than as megabytes.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from analysis.output import atomic_write, write_partitioned
from analysis.partition import PARTITIONED_TABLES, read_partitioned
from analysis.pipeline import run
from analysis.result import RunResult


def _copies(result: RunResult, n: int) -> RunResult:
    """``n`` copies of the per-document tables; copy k: ids ``<id>~k``, dates + k mod 36 months."""
    if n == 1:
        return result
    tables = {}
    for name in PARTITIONED_TABLES:
        table = getattr(result, name)
        parts = []
        for k in range(n):
            part = table.assign(doc_id=table["doc_id"] + f"~{k}")
            if "published_at" in part.columns:
                part = part.assign(published_at=part["published_at"] + pd.DateOffset(months=k % 36))
            parts.append(part)
        tables[name] = pd.concat(parts, ignore_index=True)
    return dataclasses.replace(result, **tables)


def _size(paths: list[Path]) -> tuple[int, int]:
    files = [f for p in paths for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file()]
    return sum(f.stat().st_size for f in files), len(files)


def _median_time(function, repeat: int, root: Path | None = None) -> float:
    """Median seconds of ``function()``, or of ``function(folder)`` in a new folder each time."""
    times = []
    for i in range(repeat):
        if root is None:
            start = time.perf_counter()
            function()
        else:
            folder = root / f"run-{i}"
            folder.mkdir(parents=True)
            start = time.perf_counter()
            function(folder)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _single(result: RunResult, out: Path) -> list[Path]:
    tables = result.tables()
    return [atomic_write(out / f"{name}.parquet",
                         lambda p, t=tables[name]: t.to_parquet(p, index=False))
            for name in PARTITIONED_TABLES]


def bench(result: RunResult, copies: int, repeat: int) -> None:
    corpus = _copies(result, copies)
    month = corpus.documents["published_at"].dropna().dt.strftime("%Y-%m").mode().iloc[0]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        out.mkdir()
        fresh = Path(tmp) / "fresh"
        fresh.mkdir()
        t_single = _median_time(lambda folder: _single(corpus, folder), repeat, fresh / "s")
        t_part = _median_time(lambda folder: write_partitioned(corpus, folder), repeat,
                              fresh / "p")
        _single(corpus, out)
        write_partitioned(corpus, out)
        t_rerun = _median_time(lambda: write_partitioned(corpus, out), repeat)
        single = _size([out / f"{name}.parquet" for name in PARTITIONED_TABLES])
        part = _size([out / name for name in PARTITIONED_TABLES])

        def read_single() -> pd.DataFrame:
            mentions = pd.read_parquet(out / "mentions.parquet")
            docs = pd.read_parquet(out / "documents.parquet", columns=["doc_id", "published_at"])
            ids = docs.loc[docs["published_at"].dt.strftime("%Y-%m") == month, "doc_id"]
            return mentions[mentions["doc_id"].isin(ids)]

        r_single = _median_time(read_single, repeat)
        r_part = _median_time(lambda: read_partitioned(out, "mentions", months=month), repeat)
        n_month = len(read_partitioned(out, "mentions", months=month))
    print(f"{copies} cop{'y' if copies == 1 else 'ies'}: {len(corpus.documents):,} documents, "
          f"{len(corpus.sentences):,} sentences, {len(corpus.mentions):,} mentions, "
          f"{corpus.documents['published_at'].dt.strftime('%Y-%m').nunique()} months")
    print(f"  write single files  {t_single:7.3f} s  {single[0] / 1e6:8.2f} MB  {single[1]} files")
    print(f"  write partitioned   {t_part:7.3f} s  {part[0] / 1e6:8.2f} MB  {part[1]} files"
          f"  ({t_part / t_single:.1f}x time, {part[0] / single[0]:.1f}x bytes)")
    print(f"  rewrite partitioned {t_rerun:7.3f} s  (a rerun: replaces the earlier dataset)")
    print(f"  read mentions of {month} ({n_month:,} rows): single file + filter "
          f"{r_single:.3f} s, read_partitioned {r_part:.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 5200])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cache-dir", default="default")
    args = parser.parse_args()
    result = run(registry="none", cache_dir=args.cache_dir, progress=False)
    for copies in args.copies:
        bench(result, copies, args.repeat)


if __name__ == "__main__":
    main()
