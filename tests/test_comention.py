"""Co-mention counts, association weights and evidence on a hand-checked case."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from analysis import schemas
from analysis.comention import association_weights, comention_table, comentions_over_time


@pytest.fixture()
def tables():
    sentences = pd.DataFrame({
        "doc_id": ["d1", "d1", "d2"], "paragraph_idx": [0, 1, 0], "sentence_idx": [0, 1, 0],
        "token_start": [0, 10, 0], "token_end": [10, 20, 5],
        "text": ["A met B.", "A called C.", "A and B."],
    })
    mentions = pd.DataFrame({
        "doc_id": ["d1", "d1", "d1", "d1", "d2", "d2"],
        "paragraph_idx": [0, 0, 1, 1, 0, 0], "sentence_idx": [0, 0, 1, 1, 0, 0],
        "token_start": [0, 5, 12, 15, 0, 2], "token_end": [1, 6, 13, 16, 1, 3],
        "entity_id": ["A", "B", "A", "C", "A", "B"],
    })
    documents = pd.DataFrame({"doc_id": ["d1", "d2", "d3"], "processed": [True, True, False],
                              "published_at": pd.to_datetime(["2023-01-05", "2023-02-01",
                                                               None])})
    return mentions, sentences, documents


def _row(table, level, s, t):
    return table[(table["level"] == level) & (table["source"] == s)
                 & (table["target"] == t)].iloc[0]


def test_counts_per_level(tables):
    out = comention_table(*tables, window=4)
    counts = {(r.level, r.source, r.target): r.n for r in out.itertuples()}
    assert counts == {
        ("document", "A", "B"): 2, ("document", "A", "C"): 1, ("document", "B", "C"): 1,
        ("paragraph", "A", "B"): 2, ("paragraph", "A", "C"): 1,
        ("sentence", "A", "B"): 2, ("sentence", "A", "C"): 1,
        ("window", "A", "B"): 1, ("window", "A", "C"): 1,
    }
    assert _row(out, "document", "A", "B").n_units == 2
    assert _row(out, "sentence", "A", "B").n_units == 3
    assert _row(out, "window", "A", "B").n_units == 11  # 9 windows in d1, 2 in d2


def test_weights_exact(tables):
    out = comention_table(*tables)
    ac = _row(out, "document", "A", "C")
    assert ac.jaccard == pytest.approx(0.5)
    assert ac.dice == pytest.approx(2 / 3)
    assert ac.pmi == pytest.approx(0.0)
    ab = _row(out, "sentence", "A", "B")
    assert ab.jaccard == pytest.approx(2 / 3)
    assert ab.npmi == pytest.approx(0.0)
    assert _row(out, "document", "A", "B").npmi == pytest.approx(1.0)


def test_llr_matches_scipy_g_test():
    n, ns, nt, big = 7, 10, 12, 100
    weights = association_weights(np.array([n]), np.array([ns]), np.array([nt]),
                                  np.array([big]))
    table = [[n, ns - n], [nt - n, big - ns - nt + n]]
    g, *_ = chi2_contingency(table, correction=False, lambda_="log-likelihood")
    assert weights["llr"][0] == pytest.approx(g)
    assert weights["pmi"][0] == pytest.approx(math.log2(7 * 100 / 120))


def test_evidence_sentence(tables):
    out = comention_table(*tables)
    ab = _row(out, "document", "A", "B")
    assert (ab.evidence_doc_id, ab.evidence_text) == ("d1", "A met B.")
    bc = _row(out, "document", "B", "C")  # never in one sentence: both first sentences
    assert bc.evidence_text == "A met B. … A called C."


def test_schema_order_and_no_mutation(tables):
    before = [t.copy() for t in tables]
    out = comention_table(*tables)
    for t, b in zip(tables, before, strict=True):
        pd.testing.assert_frame_equal(t, b)
    assert list(out.columns) == schemas.columns("comentions")
    assert list(out["level"].unique()) == list(schemas.COMENTION_LEVELS)
    assert out.index.equals(pd.RangeIndex(len(out)))


def test_empty_input_keeps_schema(tables):
    mentions, sentences, documents = tables
    out = comention_table(mentions.iloc[0:0], sentences, documents)
    assert out.empty and list(out.columns) == schemas.columns("comentions")


def test_missing_column_named(tables):
    mentions, sentences, documents = tables
    with pytest.raises(KeyError, match="entity_id"):
        comention_table(mentions.drop(columns="entity_id"), sentences, documents)


def test_over_time_uses_calendar_months(tables):
    out = comentions_over_time(*tables, levels=("document",))
    assert list(out["period"].unique()) == [pd.Timestamp("2023-01-01"),
                                            pd.Timestamp("2023-02-01")]
    feb = out[out["period"] == pd.Timestamp("2023-02-01")]
    assert list(zip(feb["source"], feb["target"], feb["n"], strict=True)) == [("A", "B", 1)]
    assert feb["n_units"].item() == 1
