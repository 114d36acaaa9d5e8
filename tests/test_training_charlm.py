"""Character LMs in the training recipe: raw text split, NER arguments, ship and restore."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import training.__main__ as cli
from training import charlm, steps
from training.recipes import RECIPES, Recipe


@pytest.fixture
def ro_charlm_recipe(monkeypatch):
    recipe = Recipe(ner_steps=100, ner_adapt_steps=(50,), charlm_hidden_dim=64)
    monkeypatch.setitem(RECIPES, "ro", recipe)
    return recipe


def _fake_ro_news(root, n):
    folder = root / "ro_news" / "datasets"
    folder.mkdir(parents=True)
    rows = {"title": [f"Titlu {i}" for i in range(n)],
            "description": [None] * n,
            "article_text": [f"Text {i}." for i in range(n)]}
    rows["title"][5] = rows["article_text"][5] = ""  # an empty article is skipped
    pq.write_table(pa.table(rows), folder / "part-0.parquet")


def test_charlm_text_holds_out_every_hundredth_article(tmp_path):
    _fake_ro_news(tmp_path / "corpora", 203)
    train_dir, dev = charlm.write_charlm_text("ro", corpora=tmp_path / "corpora",
                                              workdir=tmp_path / "work")
    train = (train_dir / "ro_raw.txt").read_text(encoding="utf-8").splitlines()
    held = dev.read_text(encoding="utf-8").splitlines()
    # 202 non-empty articles, indices 0..201 after the skip: 0, 100, 200 go to dev
    assert held == ["Titlu 0", "Text 0.", "Titlu 101", "Text 101.", "Titlu 201", "Text 201."]
    assert len(train) == 2 * (202 - 3) and "Titlu 5" not in train and "Text 5." not in train
    with pytest.raises(ValueError, match="xx"):
        charlm.write_charlm_text("xx", corpora=tmp_path / "corpora", workdir=tmp_path / "w")
    train_dir, _ = charlm.write_charlm_text("ro", corpora=tmp_path / "corpora",
                                            workdir=tmp_path / "capped", max_chars=100)
    capped = (train_dir / "ro_raw.txt").read_text(encoding="utf-8")
    assert 100 <= len(capped) < 130  # stops at the first unit past the budget


def test_charlm_text_of_lt_is_cased_sentences(tmp_path):
    folder = tmp_path / "corpora" / "lt_ner"
    folder.mkdir(parents=True)
    (folder / "lt_ner-train.bio").write_text(
        "# sent_id = a:1\nVilniaus\tB-LOC\nuniversitetas\tO\n.\tO\n\n", encoding="utf-8")
    (tmp_path / "corpora" / "ud").mkdir()
    train_dir, dev = charlm.write_charlm_text("lt", corpora=tmp_path / "corpora",
                                              workdir=tmp_path / "work")
    assert dev.read_text(encoding="utf-8").startswith("Vilniaus universitetas.")


def test_train_charlm_runs_stanza_charlm_with_the_recipe_size(tmp_path, monkeypatch):
    seen: list[list[str]] = []
    monkeypatch.setattr(charlm, "run_stanza", lambda args, workdir: seen.append(list(args)))
    (tmp_path / "charlm" / "ro").mkdir(parents=True)
    (tmp_path / "charlm" / "ro" / "dev.txt").write_text("x" * 12_000, encoding="utf-8")
    model = charlm.train_charlm("ro", "backward", hidden_dim=64, epochs=2, workdir=tmp_path)
    args = seen[0]
    assert args[args.index("--batch_size") + 1] == "24"  # the small dev text fills 2 batches
    assert "--cpu" in args
    assert args[:2] == ["-m", "stanza.models.charlm"]
    assert args[args.index("--direction") + 1] == "backward"
    assert args[args.index("--char_hidden_dim") + 1] == "64"
    assert args[args.index("--epochs") + 1] == "2"
    assert model == charlm.charlm_path("ro", "backward", workdir=tmp_path)


def test_every_ner_run_reads_the_charlm_of_the_recipe(ro_charlm_recipe, tmp_path, monkeypatch):
    seen: list[dict] = []
    monkeypatch.setattr(steps, "train_ner", lambda lang, **kw: seen.append(kw))
    cli.run_step("ner", "ro", tmp_path, tmp_path)
    forward, backward = (charlm.charlm_path("ro", d, workdir=tmp_path)
                         for d in ("forward", "backward"))
    assert [kw["charlm"] for kw in seen] == [(forward, backward)] * 2
    monkeypatch.setitem(RECIPES, "ro", Recipe(ner_steps=100))
    seen.clear()
    cli.run_step("ner", "ro", tmp_path, tmp_path)
    assert [kw["charlm"] for kw in seen] == [None]


def test_train_ner_passes_the_charlm_files(tmp_path, monkeypatch):
    seen: list[list[str]] = []
    monkeypatch.setattr(steps, "run_stanza", lambda args, workdir: seen.append(list(args)))
    steps.train_ner("ro", workdir=tmp_path, max_steps=10,
                    charlm=(tmp_path / "f.pt", tmp_path / "b.pt"))
    steps.train_ner("ro", workdir=tmp_path, max_steps=10)
    with_lm, without = seen
    assert "--charlm" in with_lm and "--charlm" not in without
    assert with_lm[with_lm.index("--charlm_forward_file") + 1] == str(tmp_path / "f.pt")
    assert with_lm[with_lm.index("--charlm_backward_file") + 1] == str(tmp_path / "b.pt")


def test_ship_and_restore_carry_the_charlm_files(ro_charlm_recipe, tmp_path):
    from training.ship import restore, ship

    src = tmp_path / "src"
    src.mkdir()
    models = {}
    for key in ("tokenize", "lemma", "ner", "pretrain", "forward_charlm", "backward_charlm"):
        models[key] = src / f"{key}.bin"
        models[key].write_bytes(key.encode())
    dest = tmp_path / "models" / "ro"
    meta = json.loads(ship("ro", models, trained_on={}, dest=dest).read_text(encoding="utf-8"))
    assert meta["files"]["forward_charlm"] == "forward_charlm.pt"
    assert meta["files"]["backward_charlm"] == "backward_charlm.pt"
    assert (dest / "backward_charlm.pt").read_bytes() == b"backward_charlm"
    targets = cli.work_files("ro", tmp_path / "work")
    restore("ro", targets, src=dest)
    assert targets["forward_charlm"].read_bytes() == b"forward_charlm"
