"""The vectorised co-mention counts against a plain pairwise loop, on seeded random tables."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from analysis import schemas
from analysis.comention import association_weights, comention_table, comentions_over_time


def _tables(seed: int, *, n_docs: int = 40, n_actors: int = 25):
    """Documents of 3-10 sentences (2 per paragraph, 4-15 tokens each) and 0-40 mentions
    drawn from a few actors, in shuffled order (the order decides which actors a capped
    unit keeps)."""
    rng = np.random.default_rng(seed)
    sentence_rows, mention_rows = [], []
    for d in range(n_docs):
        token = 0
        for k in range(int(rng.integers(3, 11))):
            length = int(rng.integers(4, 16))
            sentence_rows.append((f"d{d:02d}", k // 2, k, token, token + length,
                                  f"Sentence {k} of d{d:02d}."))
            for _ in range(int(rng.poisson(2))):
                start = token + int(rng.integers(0, length))
                end = min(start + int(rng.integers(1, 3)), token + length)
                actor = f"A{int(rng.zipf(1.6)) % n_actors:02d}"
                mention_rows.append((f"d{d:02d}", k // 2, k, start, end, actor))
            token += length
    sentences = pd.DataFrame(sentence_rows, columns=["doc_id", "paragraph_idx", "sentence_idx",
                                                     "token_start", "token_end", "text"])
    mentions = pd.DataFrame(mention_rows, columns=["doc_id", "paragraph_idx", "sentence_idx",
                                                   "token_start", "token_end", "entity_id"])
    mentions = mentions.sample(frac=1, random_state=seed).reset_index(drop=True)
    mentions.loc[mentions.index % 17 == 3, "entity_id"] = None  # unlinked mentions
    documents = pd.DataFrame({
        "doc_id": [f"d{d:02d}" for d in range(n_docs)] + ["unprocessed"],
        "processed": [True] * n_docs + [False],
        "published_at": pd.to_datetime("2023-01-01") + pd.to_timedelta(
            rng.integers(0, 120, n_docs + 1), unit="D"),
    })
    return mentions, sentences, documents


def _reference(mentions, sentences, documents, level, window, cap):
    """{(source, target): (n, n_source, n_target, n_units)} by a loop over units and pairs."""
    stride = max(window // 2, 1)
    n_tokens = sentences.groupby("doc_id")["token_end"].max().to_dict()
    last = {d: max(0, -(-(n - window) // stride)) for d, n in n_tokens.items()}
    units: dict = {}
    for m in mentions.itertuples():
        if pd.isna(m.entity_id):
            continue
        if level == "document":
            keys = [m.doc_id]
        elif level == "paragraph":
            keys = [(m.doc_id, m.paragraph_idx)]
        elif level == "sentence":
            keys = [(m.doc_id, m.sentence_idx)]
        else:  # every window [k*stride, k*stride + window) the mention overlaps
            keys = [(m.doc_id, k) for k in range(last.get(m.doc_id, 0) + 1)
                    if k * stride < m.token_end and m.token_start < k * stride + window]
        for key in keys:
            units.setdefault(key, {}).setdefault(m.entity_id, None)  # first-mention order
    pairs, marginal = Counter(), Counter()
    for actors in units.values():
        kept = list(actors)[:cap] if cap is not None else list(actors)
        marginal.update(kept)
        pairs.update(itertools.combinations(sorted(kept), 2))
    n_units = {"document": int(documents["processed"].sum()),
               "paragraph": len(sentences[["doc_id", "paragraph_idx"]].drop_duplicates()),
               "sentence": len(sentences),
               "window": sum(k + 1 for k in last.values())}[level]
    return {(s, t): (n, marginal[s], marginal[t], n_units) for (s, t), n in pairs.items()}


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(("window", "cap"), [(6, None), (4, 3), (1, 2), (20, 5)])
def test_counts_match_a_pairwise_loop(seed, window, cap):
    mentions, sentences, documents = _tables(seed)
    out = comention_table(mentions, sentences, documents, window=window, max_unit_actors=cap)
    assert list(out.columns) == schemas.columns("comentions")
    assert list(out.dtypes) == list(schemas.empty("comentions").dtypes)
    for level in schemas.COMENTION_LEVELS:
        expected = _reference(mentions, sentences, documents, level, window, cap)
        part = out[out["level"] == level]
        got = {(r.source, r.target): (r.n, r.n_source, r.n_target, r.n_units)
               for r in part.itertuples()}
        assert got == expected, level
        order = part.sort_values(["n", "source", "target"], ascending=[False, True, True])
        assert part.index.equals(order.index)
        weights = association_weights(part["n"], part["n_source"], part["n_target"],
                                      part["n_units"])
        np.testing.assert_allclose(part["llr"], weights["llr"])
    if cap is None:  # a capped sentence may hide the one sentence naming both
        assert out["evidence_text"].notna().all()


def test_same_seed_same_table_and_inputs_untouched():
    mentions, sentences, documents = _tables(5)
    before = [t.copy() for t in (mentions, sentences, documents)]
    first = comention_table(mentions, sentences, documents, window=4, max_unit_actors=3)
    for table, copy in zip((mentions, sentences, documents), before, strict=True):
        pd.testing.assert_frame_equal(table, copy)
    pd.testing.assert_frame_equal(
        first, comention_table(mentions, sentences, documents, window=4, max_unit_actors=3))


@pytest.mark.parametrize(("freq", "cap"), [("MS", None), ("W-MON", 2)])
def test_over_time_equals_one_table_per_period(freq, cap):
    mentions, sentences, documents = _tables(3)
    documents.loc[documents.index % 9 == 4, "published_at"] = pd.NaT  # undated: left out
    levels = schemas.COMENTION_LEVELS
    out = comentions_over_time(mentions, sentences, documents, freq=freq, levels=levels,
                               window=6, max_unit_actors=cap)
    dated = documents[documents["published_at"].notna()]
    alias = {"MS": "M"}.get(freq, freq)
    periods = dated["published_at"].dt.to_period(alias).dt.start_time
    frames = []
    for period in sorted(periods.unique()):
        ids = set(dated.loc[periods == period, "doc_id"])
        frames.append(comention_table(
            mentions[mentions["doc_id"].isin(ids)], sentences[sentences["doc_id"].isin(ids)],
            documents[documents["doc_id"].isin(ids)], levels=levels, window=6,
            max_unit_actors=cap).assign(period=period))
    expected = pd.concat(frames, ignore_index=True)
    expected = expected.assign(period=expected["period"].astype("datetime64[ns]"))[
        schemas.columns("comentions_by_period")]
    pd.testing.assert_frame_equal(out, expected, check_exact=True)


def test_without_evidence_only_the_evidence_columns_differ():
    mentions, sentences, documents = _tables(4)
    full = comention_table(mentions, sentences, documents, window=4)
    bare = comention_table(mentions, sentences, documents, window=4, evidence=False)
    evidence = ["evidence_doc_id", "evidence_text"]
    pd.testing.assert_frame_equal(bare.drop(columns=evidence), full.drop(columns=evidence))
    assert bare[evidence].isna().all().all()
    assert list(bare.dtypes) == list(full.dtypes)


def test_no_levels_gives_empty_tables():
    tables = _tables(6)
    assert comention_table(*tables, levels=()).equals(schemas.empty("comentions"))
    assert comentions_over_time(*tables, levels=()).equals(schemas.empty("comentions_by_period"))


def test_evidence_windows_at_once_equal_one_at_a_time():
    from analysis.comention import _evidence_windows, evidence_window

    rng = np.random.default_rng(0)
    base = "".join(rng.choice(list("abcdefgh "), 400))
    texts = np.array([base[:n] for n in rng.integers(0, 400, 500).tolist()], dtype=object)
    lo = rng.integers(-5, 420, 500).astype(float)
    hi = lo + rng.integers(-3, 200, 500)
    has_span = rng.random(500) < 0.8
    got = _evidence_windows(texts, lo, hi, has_span, limit=148)
    expected = [evidence_window(t, [(int(a), int(b))] if s else [], limit=148)
                for t, a, b, s in zip(texts, lo, hi, has_span, strict=True)]
    assert got.tolist() == expected
