"""The gazetteer is built once and read back from the cache folder afterwards."""

from __future__ import annotations

import logging

import pytest

from analysis import names


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    monkeypatch.setenv("ACTOR_NETWORKS_CACHE", str(tmp_path))
    names._load_gazetteer.cache_clear()
    yield tmp_path
    names._load_gazetteer.cache_clear()


def test_built_once_then_read_back(fresh, monkeypatch):
    built = names._load_gazetteer()
    [saved] = fresh.glob("gazetteer-*.json")
    assert saved.stat().st_mode & 0o444 == 0o444

    def no_build():
        raise AssertionError("rebuilt although a saved gazetteer exists")

    monkeypatch.setattr(names, "_build_gazetteer", no_build)
    names._load_gazetteer.cache_clear()
    assert names._load_gazetteer() == built
    assert names.gazetteer_lookup("Warszawa") == built[0]["warszawa"]


def test_unusable_file_is_rebuilt(fresh, caplog):
    built = names._load_gazetteer()
    [saved] = fresh.glob("gazetteer-*.json")
    saved.write_text("[{", encoding="utf-8")
    names._load_gazetteer.cache_clear()
    with caplog.at_level(logging.WARNING, logger="analysis.names"):
        assert names._load_gazetteer() == built
    assert "rebuilding" in caplog.text
    names._load_gazetteer.cache_clear()
    assert names._read_gazetteer(saved) == built  # rewritten whole


def test_unwritable_cache_folder_still_works(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ACTOR_NETWORKS_CACHE", str(blocker / "cache"))
    names._load_gazetteer.cache_clear()
    try:
        index, exact = names._load_gazetteer()
        assert "warszawa" in index and exact
    finally:
        names._load_gazetteer.cache_clear()
