"""The NER cache: round trip, atomic files, keyed by model identity."""

from __future__ import annotations

import pandas as pd

from analysis.cache import NerCache


def test_round_trip_and_counts(tmp_path):
    cache = NerCache(tmp_path, "model1")
    mentions = pd.DataFrame({"start_char": [0], "text": ["Łukaszenka"], "label": ["PER"]})
    sentences = pd.DataFrame({"sentence_idx": [0], "text": ["Łukaszenka mówi."]})
    assert cache.get("ab" * 20) is None
    cache.put("ab" * 20, mentions, sentences)
    got = cache.get("ab" * 20)
    pd.testing.assert_frame_equal(got[0], mentions)
    pd.testing.assert_frame_equal(got[1], sentences)
    assert (cache.hits, cache.misses) == (1, 1)
    assert not list(tmp_path.rglob("*.tmp"))
    assert NerCache(tmp_path, "model2").get("ab" * 20) is None  # other model, other entry


def test_disabled_cache_never_hits(tmp_path):
    cache = NerCache(None, "m")
    cache.put("cd" * 20, pd.DataFrame(), pd.DataFrame())
    assert cache.get("cd" * 20) is None
    assert not list(tmp_path.iterdir())


def test_cache_key_follows_the_mention_rules(monkeypatch):
    from analysis import ner
    from analysis.models import resolve_models
    from analysis.pipeline import ner_cache_key

    spec = resolve_models("lt")
    key = ner_cache_key(spec)
    assert key.startswith(spec.identity)
    monkeypatch.setattr(ner, "RULES_VERSION", ner.RULES_VERSION + 1)
    assert ner_cache_key(spec) != key  # new rules: cached results are not reused
