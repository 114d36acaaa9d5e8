"""Co-mention tables: the package vs a pairwise loop over Python dicts (prints the ratio).

    python benchmarks/bench_comention.py [--mentions 1000000] [--docs 30000] [--actors 5000]
                                         [--seed 0] [--over-time]

On seeded synthetic tables shaped like a news corpus (tens of thousands of documents of
about 20 sentences, several thousand actors with Zipf-like frequencies, each document
naming a small pool of them repeatedly), times :func:`analysis.comention.comention_table`
at all four levels (evidence sentences included, then left out with ``evidence=False``)
and a straightforward loop that counts the same pairs with ``itertools.combinations`` per
unit over Python dicts (its input already turned into Python lists, untimed). Checks that
they give the same pair counts, then prints the times and ratios, wall and CPU (CPU time
is steadier on a shared machine). ``--over-time`` also times
:func:`analysis.comention.comentions_over_time` (monthly, document and sentence levels)
against one :func:`~analysis.comention.comention_table` per month (what it did before),
checks that both give the same table and prints the ratio.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections import Counter, defaultdict
from functools import partial

import numpy as np
import pandas as pd

from analysis import schemas
from analysis.comention import (
    DEFAULT_MAX_UNIT_ACTORS,
    DEFAULT_WINDOW,
    comention_table,
    comentions_over_time,
)

CHARS_PER_TOKEN = 6


def synthetic_tables(n_mentions: int = 1_000_000, n_docs: int = 30_000, n_actors: int = 5_000,
                     *, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Seeded ``mentions``, ``sentences`` and ``documents`` tables of a news-like corpus.

    Actor frequencies follow a Zipf-like law (weight ``1 / rank**1.1``); each document draws
    a pool of 3-30 actors and names them repeatedly, the first of its pool most often.
    """
    rng = np.random.default_rng(seed)
    doc_ids = np.array([f"d{i:06d}" for i in range(n_docs)], dtype=object)
    # sentences: 5-35 per document, 8-40 tokens each; 3 sentences per paragraph
    n_sent = rng.integers(5, 36, n_docs)
    sent_doc = np.repeat(np.arange(n_docs), n_sent)
    sent_idx = np.arange(len(sent_doc)) - np.repeat(np.cumsum(n_sent) - n_sent, n_sent)
    sent_len = rng.integers(8, 41, len(sent_doc))
    ends = np.cumsum(sent_len)
    doc_base = np.repeat(ends[np.cumsum(n_sent) - n_sent] - sent_len[np.cumsum(n_sent) - n_sent],
                         n_sent)
    tok_end = ends - doc_base
    tok_start = tok_end - sent_len
    letters = rng.choice(list("abcdefghijklmnopqrstuvwxyz      "), 50_000)
    base = "".join(letters)
    offsets = rng.integers(0, len(base) - 41 * CHARS_PER_TOKEN, len(sent_doc))
    text = [base[o:o + n * CHARS_PER_TOKEN] for o, n in zip(offsets, sent_len, strict=True)]
    sentences = pd.DataFrame({
        "doc_id": doc_ids[sent_doc], "paragraph_idx": sent_idx // 3, "sentence_idx": sent_idx,
        "token_start": tok_start, "token_end": tok_end,
        "start_char": tok_start * CHARS_PER_TOKEN, "end_char": tok_end * CHARS_PER_TOKEN,
        "text": text,
    })
    # mentions: documents get a share of n_mentions proportional to their sentences
    ment_doc = np.sort(rng.choice(np.arange(n_docs), n_mentions, p=n_sent / n_sent.sum()))
    first_sent = np.cumsum(n_sent) - n_sent
    ment_sent = first_sent[ment_doc] + (rng.random(n_mentions) * n_sent[ment_doc]).astype(int)
    length = rng.integers(1, 4, n_mentions)
    start = tok_start[ment_sent] + (rng.random(n_mentions)
                                    * (sent_len[ment_sent] - length + 1)).astype(int)
    weights = 1 / np.arange(1, n_actors + 1) ** 1.1
    pool_size = rng.integers(3, 31, n_docs)
    pools = rng.choice(n_actors, (n_docs, 30), p=weights / weights.sum())
    pick = (pool_size[ment_doc] * rng.random(n_mentions) ** 2).astype(int)
    actor = pools[ment_doc, pick]
    mentions = pd.DataFrame({
        "doc_id": doc_ids[ment_doc], "paragraph_idx": sent_idx[ment_sent] // 3,
        "sentence_idx": sent_idx[ment_sent], "token_start": start, "token_end": start + length,
        "start_char": start * CHARS_PER_TOKEN, "end_char": (start + length) * CHARS_PER_TOKEN,
        "entity_id": np.array([f"Q{i}" for i in range(n_actors)], dtype=object)[actor],
    }).sort_values(["doc_id", "token_start"], kind="stable", ignore_index=True)
    days = rng.integers(0, 730, n_docs)
    documents = pd.DataFrame({
        "doc_id": doc_ids, "processed": True,
        "published_at": pd.Timestamp("2022-01-01") + pd.to_timedelta(days, unit="D"),
    })
    return (schemas.conform(mentions, "mentions"), schemas.conform(sentences, "sentences"),
            documents)


def pairwise_counts(mentions: dict[str, list], sentences: dict[str, list], *,
                    window: int = DEFAULT_WINDOW,
                    max_unit_actors: int = DEFAULT_MAX_UNIT_ACTORS) -> dict[tuple, int]:
    """(level, source, target) → units holding both: a loop per mention and per pair.

    ``mentions`` and ``sentences`` map column names to lists.
    """
    stride = max(window // 2, 1)
    n_tokens: dict[str, int] = {}
    for doc, end in zip(sentences["doc_id"], sentences["token_end"], strict=True):
        n_tokens[doc] = max(n_tokens.get(doc, 0), int(end))
    last_window = {d: max(0, -(-(n - window) // stride)) for d, n in n_tokens.items()}
    units: dict[str, dict] = {level: defaultdict(dict) for level in schemas.COMENTION_LEVELS}
    for doc, par, sent, start, end, entity in zip(
            mentions["doc_id"], mentions["paragraph_idx"], mentions["sentence_idx"],
            mentions["token_start"], mentions["token_end"], mentions["entity_id"], strict=True):
        units["document"][doc].setdefault(entity, None)  # dicts keep first-mention order
        units["paragraph"][(doc, par)].setdefault(entity, None)
        units["sentence"][(doc, sent)].setdefault(entity, None)
        first = max(0, -(-(start - window + 1) // stride))
        for k in range(first, min((end - 1) // stride, last_window.get(doc, 0)) + 1):
            units["window"][(doc, k)].setdefault(entity, None)
    counts: Counter = Counter()
    for level, members in units.items():
        for actors in members.values():
            for s, t in itertools.combinations(sorted(list(actors)[:max_unit_actors]), 2):
                counts[(level, s, t)] += 1
    return dict(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--docs", type=int, default=30_000)
    parser.add_argument("--actors", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--over-time", action="store_true")
    args = parser.parse_args()
    mentions, sentences, documents = synthetic_tables(args.mentions, args.docs, args.actors,
                                                      seed=args.seed)
    print(f"tables: {len(mentions):,} mentions, {len(sentences):,} sentences, "
          f"{len(documents):,} documents, {mentions['entity_id'].nunique():,} actors")
    plain = {c: mentions[c].tolist() for c in ("doc_id", "paragraph_idx", "sentence_idx",
                                                "token_start", "token_end", "entity_id")}
    plain_sentences = {c: sentences[c].tolist() for c in ("doc_id", "token_end")}
    (loop, t_loop, cpu_loop) = _timed(pairwise_counts, plain, plain_sentences)
    (table, t_table, cpu_table) = _timed(comention_table, mentions, sentences, documents)
    (bare, t_bare, cpu_bare) = _timed(partial(comention_table, evidence=False), mentions,
                                      sentences, documents)
    package = dict(zip(zip(table["level"], table["source"], table["target"], strict=True),
                       table["n"].astype(int), strict=True))
    if package != loop:
        raise SystemExit(f"counts differ: {len(package):,} package pairs, {len(loop):,} loop")
    print(f"pairs: {table.groupby('level', sort=False).size().to_dict()} (counts agree)")
    if not bare.drop(columns=["evidence_doc_id", "evidence_text"]).equals(
            table.drop(columns=["evidence_doc_id", "evidence_text"])):
        raise SystemExit("comention_table(evidence=False) differs beyond the evidence")
    print(f"pairwise loop {t_loop:.2f} s (CPU {cpu_loop:.2f} s), comention_table "
          f"{t_table:.2f} s (CPU {cpu_table:.2f} s): loop/package {t_loop / t_table:.1f}x "
          f"(CPU {cpu_loop / cpu_table:.1f}x)")
    print(f"without evidence sentences (evidence=False) {t_bare:.2f} s (CPU {cpu_bare:.2f} s): "
          f"loop/package {t_loop / t_bare:.1f}x (CPU {cpu_loop / cpu_bare:.1f}x)")
    if args.over_time:
        by_period, t_once, cpu_once = _timed(comentions_over_time, mentions, sentences,
                                             documents)
        per_month, t_each, cpu_each = _timed(_table_per_month, mentions, sentences, documents)
        pd.testing.assert_frame_equal(by_period, per_month)
        print(f"over time, monthly ({len(by_period):,} rows, tables agree): one table per "
              f"month {t_each:.2f} s (CPU {cpu_each:.2f} s), comentions_over_time "
              f"{t_once:.2f} s (CPU {cpu_once:.2f} s): {t_each / t_once:.1f}x")


def _timed(function, *args):
    """``(result, wall seconds, CPU seconds)`` of one call (CPU time is steadier on a
    shared machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _table_per_month(mentions: pd.DataFrame, sentences: pd.DataFrame,
                     documents: pd.DataFrame) -> pd.DataFrame:
    """:func:`comentions_over_time` as it was: :func:`comention_table` once per month."""
    months = documents["published_at"].dt.to_period("M").dt.start_time
    frames = []
    for month in sorted(months.unique()):
        ids = set(documents.loc[months == month, "doc_id"])
        frames.append(comention_table(
            mentions[mentions["doc_id"].isin(ids)], sentences[sentences["doc_id"].isin(ids)],
            documents[documents["doc_id"].isin(ids)], levels=("document", "sentence"),
        ).assign(period=month))
    table = pd.concat(frames, ignore_index=True)
    return table.assign(period=table["period"].astype("datetime64[ns]"))[
        schemas.columns("comentions_by_period")]


if __name__ == "__main__":
    main()
