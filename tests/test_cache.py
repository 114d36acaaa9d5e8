"""The NER cache: one SQLite file, batch lookups, keyed by model identity."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest

from analysis.cache import CACHE_FILE, NerCache

MENTIONS = pd.DataFrame({"start_char": [0], "text": ["Łukaszenka"], "label": ["PER"]})
SENTENCES = pd.DataFrame({"sentence_idx": [0], "text": ["Łukaszenka mówi."]})


def test_round_trip_and_counts(tmp_path):
    cache = NerCache(tmp_path, "model1")
    assert cache.get("ab" * 20) is None
    cache.put("ab" * 20, MENTIONS, SENTENCES)
    got = cache.get("ab" * 20)
    pd.testing.assert_frame_equal(got[0], MENTIONS)
    pd.testing.assert_frame_equal(got[1], SENTENCES)
    assert (cache.hits, cache.misses) == (1, 1)
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".sqlite3"] == [CACHE_FILE]
    assert NerCache(tmp_path, "model2").get("ab" * 20) is None  # other model, other entry


def test_batches_are_one_query_and_one_transaction(tmp_path, monkeypatch):
    cache = NerCache(tmp_path, "m")
    shas = [f"{i:040x}" for i in range(2000)]  # more than one chunk of bound parameters
    empty = pd.DataFrame()
    cache.put_many([(sha, MENTIONS, SENTENCES) for sha in shas[:1500]] + [(shas[1500], empty,
                                                                           empty)])
    found = cache.get_many(shas)
    assert sorted(found) == shas[:1501]
    assert (cache.hits, cache.misses) == (1501, 499)
    pd.testing.assert_frame_equal(found[shas[7]][1], SENTENCES)
    assert found[shas[1500]][0].empty
    with sqlite3.connect(tmp_path / CACHE_FILE) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM ner").fetchone()[0] == 1501


def test_disabled_cache_never_hits(tmp_path):
    cache = NerCache(None, "m")
    cache.put("cd" * 20, pd.DataFrame(), pd.DataFrame())
    assert cache.get("cd" * 20) is None
    assert not list(tmp_path.iterdir())


def test_old_json_cache_folders_are_ignored(tmp_path):
    old = tmp_path / "ner-v1" / "m" / "ab" / f"{'ab' * 20}.json"
    old.parent.mkdir(parents=True)
    old.write_text('{"mentions": [], "sentences": []}')
    assert NerCache(tmp_path, "m").get("ab" * 20) is None
    assert old.exists()


@pytest.mark.parametrize("bad", [b"", b"not zlib", "text", 1])
def test_an_unusable_entry_is_a_miss_and_is_replaced(tmp_path, bad, caplog):
    cache = NerCache(tmp_path, "m")
    cache.put("ab" * 20, MENTIONS, SENTENCES)
    with sqlite3.connect(tmp_path / CACHE_FILE) as conn:
        conn.execute("UPDATE ner SET payload = ?", (bad,))
    with caplog.at_level("WARNING"):
        assert cache.get("ab" * 20) is None
    assert "unusable" in caplog.text
    cache.put("ab" * 20, MENTIONS, SENTENCES)
    pd.testing.assert_frame_equal(cache.get("ab" * 20)[0], MENTIONS)


@pytest.mark.parametrize("blocker", ["folder", "garbage"])
def test_an_unopenable_cache_file_warns_once(tmp_path, blocker, caplog):
    path = tmp_path / CACHE_FILE
    if blocker == "folder":
        path.mkdir()
    else:
        path.write_bytes(b"this is not a database" * 100)
    cache = NerCache(tmp_path, "m")
    with caplog.at_level("WARNING"):
        assert cache.get_many(["ab" * 20, "cd" * 20]) == {}
        cache.put("ab" * 20, MENTIONS, SENTENCES)
        assert cache.get("ab" * 20) is None
    assert caplog.text.count("going on without it") == 1
    assert cache.misses == 3


def test_concurrent_readers_and_a_writer(tmp_path):
    NerCache(tmp_path, "m").put("ab" * 20, MENTIONS, SENTENCES)
    reader = sqlite3.connect(tmp_path / CACHE_FILE)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM ner").fetchone()  # an open read transaction
    other = NerCache(tmp_path, "m")
    other.put("cd" * 20, MENTIONS, SENTENCES)  # WAL: the writer is not blocked
    assert set(NerCache(tmp_path, "m").get_many(["ab" * 20, "cd" * 20])) == {"ab" * 20,
                                                                              "cd" * 20}
    reader.close()


def test_cache_key_follows_the_mention_rules(monkeypatch):
    from analysis import ner
    from analysis.models import resolve_models
    from analysis.pipeline import ner_cache_key

    spec = resolve_models("lt")
    key = ner_cache_key(spec)
    assert key.startswith(spec.identity)
    monkeypatch.setattr(ner, "RULES_VERSION", ner.RULES_VERSION + 1)
    assert ner_cache_key(spec) != key  # new rules: cached results are not reused


def test_get_tables_is_one_long_table_per_part(tmp_path):
    cache = NerCache(tmp_path, "m")
    empty = pd.DataFrame()
    cache.put_many([("ab" * 20, MENTIONS, SENTENCES), ("cd" * 20, empty, empty)])
    mentions, sentences, found = cache.get_tables(["ab" * 20, "cd" * 20, "ef" * 20])
    assert found == {"ab" * 20, "cd" * 20}  # a text without rows is found all the same
    pd.testing.assert_frame_equal(mentions.drop(columns="text_sha1"), MENTIONS)
    assert mentions["text_sha1"].tolist() == ["ab" * 20] and len(sentences) == 1
    assert (cache.hits, cache.misses) == (2, 1)
    mentions, sentences, found = NerCache(tmp_path, "other").get_tables(["ab" * 20])
    assert found == set() and mentions.empty and list(sentences.columns) == ["text_sha1"]
