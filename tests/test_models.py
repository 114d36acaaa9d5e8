"""Model resolution: explicit dir → official (when asked) → shipped; clear errors, no download."""

from __future__ import annotations

import json

import pytest

from analysis.models import ModelNotFoundError, resolve_models, shipped_dir


def _layout(root, lang="lt", **overrides):
    root.mkdir(parents=True, exist_ok=True)
    files = {"tokenize": "tokenize.pt", "mwt": None, "lemma": "lemma.pt", "ner": "ner.pt",
             "pretrain": None, "forward_charlm": None, "backward_charlm": None}
    files.update(overrides)
    for name in files.values():
        if name:
            (root / name).write_bytes(b"x")
    (root / "model.json").write_text(json.dumps({
        "lang": lang, "version": "t1", "files": files,
        "label_map": {"PER": "PER", "DATE": None}}))
    return root


def test_explicit_dir_wins_and_accepts_a_root_of_languages(tmp_path):
    _layout(tmp_path / "lt")
    spec = resolve_models("lt", model_dir=tmp_path)
    assert spec.origin == "explicit" and spec.version == "t1"
    assert set(spec.paths) == {"tokenize", "lemma", "ner"}
    assert spec.labels == {"DATE": None, "PER": "PER"}
    assert len(spec.identity) == 16


def test_identity_changes_with_file_contents(tmp_path):
    a = resolve_models("lt", model_dir=_layout(tmp_path / "a"))
    b_dir = _layout(tmp_path / "b")
    (b_dir / "ner.pt").write_bytes(b"y")
    assert a.identity != resolve_models("lt", model_dir=b_dir).identity


def test_identity_changes_with_the_label_map(tmp_path):
    # Cached mentions carry actor labels: a new label map must not reuse them.
    a = resolve_models("lt", model_dir=_layout(tmp_path / "a"))
    b_dir = _layout(tmp_path / "b")
    meta = json.loads((b_dir / "model.json").read_text())
    meta["label_map"]["DATE"] = "EVT"
    (b_dir / "model.json").write_text(json.dumps(meta))
    assert a.identity != resolve_models("lt", model_dir=b_dir).identity


def test_missing_file_names_language_processor_and_path(tmp_path):
    root = _layout(tmp_path / "m")
    (root / "lemma.pt").unlink()
    with pytest.raises(ModelNotFoundError, match=r"lemma model for language 'lt'.*lemma\.pt"):
        resolve_models("lt", model_dir=root)


def test_missing_dir_is_clear(tmp_path):
    with pytest.raises(ModelNotFoundError, match="'ro'.*model.json"):
        resolve_models("ro", model_dir=tmp_path)


def test_official_without_install_is_clear(tmp_path):
    with pytest.raises(ModelNotFoundError, match="official Stanza"):
        resolve_models("pl", official=True, stanza_dir=tmp_path)


def test_official_lt_has_no_ner(tmp_path):
    (tmp_path / "resources.json").write_text(json.dumps(
        {"lt": {"default_processors": {"tokenize": "alksnis", "lemma": "alksnis"}}}))
    with pytest.raises(ModelNotFoundError, match="no default ner model for 'lt'"):
        resolve_models("lt", official=True, stanza_dir=tmp_path)


def test_unsupported_language():
    with pytest.raises(ValueError, match="not supported"):
        resolve_models("en")


@pytest.mark.parametrize("lang", ["pl", "lt", "ro"])
def test_shipped_models_resolve(lang):
    spec = resolve_models(lang)
    assert spec.origin == "shipped"
    assert spec.directory == str(shipped_dir() / lang)
    assert {"PER", "ORG", "LOC"} <= {v for v in spec.labels.values() if v}
