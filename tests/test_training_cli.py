"""The training command's NER run chain, ``--from-run`` / ``--start-model`` and ``restore``."""

from __future__ import annotations

from pathlib import Path

import pytest

import training.__main__ as cli
from training import steps
from training.recipes import RECIPES, Recipe


@pytest.fixture
def ro_recipe(monkeypatch):
    recipe = Recipe(ner_steps=100, ner_continue_steps=(200, 300), ner_continue_lr=(None, 0.03),
                    ner_adapt_steps=(400, 500), ner_adapt_lr=(0.02, 0.01))
    monkeypatch.setitem(RECIPES, "ro", recipe)
    return recipe


def test_ner_runs_chain_each_run_to_the_one_before(ro_recipe, tmp_path):
    runs = cli.ner_runs("ro", tmp_path)
    assert [r["max_steps"] for r in runs] == [100, 200, 300, 400, 500]
    assert [r["save_name"] for r in runs] == [
        "ro_ner.pt", "ro_ner_continued.pt", "ro_ner_continued2.pt", "ro_ner_adapted.pt",
        "ro_ner_adapted2.pt"]
    assert runs[0]["continue_from"] is None
    assert [r["continue_from"].name for r in runs[1:]] == [
        "ro_ner.pt", "ro_ner_continued.pt", "ro_ner_continued2.pt", "ro_ner_adapted.pt"]
    assert [r["lr"] for r in runs] == [None, None, 0.03, 0.02, 0.01]
    assert [r["dataset"] for r in runs] == ["", "", "", "adapt", "adapt"]


def test_from_run_skips_earlier_runs_and_takes_the_start_model(ro_recipe, tmp_path, monkeypatch):
    seen: list[dict] = []
    monkeypatch.setattr(steps, "train_ner", lambda lang, **kw: seen.append(kw))
    start = tmp_path / "shipped_ner.pt"
    cli.run_step("ner", "ro", tmp_path, tmp_path, from_run=3, start_model=start)
    assert [kw["save_name"] for kw in seen] == [
        "ro_ner_continued2.pt", "ro_ner_adapted.pt", "ro_ner_adapted2.pt"]
    assert seen[0]["continue_from"] == start
    assert seen[1]["continue_from"].name == "ro_ner_continued2.pt"
    with pytest.raises(ValueError, match="runs 1..5"):
        cli.run_step("ner", "ro", tmp_path, tmp_path, from_run=6)
    with pytest.raises(ValueError, match="from scratch"):
        cli.run_step("ner", "ro", tmp_path, tmp_path, from_run=1, start_model=start)


def test_restore_copies_shipped_files_where_the_steps_leave_them(tmp_path):
    from training.ship import restore

    shipped = tmp_path / "shipped"
    shipped.mkdir()
    for name in ("tokenize.pt", "lemma.pt", "pretrain.pt", "ner.pt"):
        (shipped / name).write_bytes(name.encode())
    targets = cli.work_files("ro", tmp_path / "work")
    written = restore("ro", targets, src=shipped)
    assert sorted(p.name for p in written) == sorted(
        [targets["tokenize"].name, targets["lemma"].name, targets["pretrain"].name])
    assert targets["lemma"].read_bytes() == b"lemma.pt"
    assert not targets["ner"].exists()  # the NER model is passed as --start-model instead
    with pytest.raises(FileNotFoundError, match="mwt"):
        restore("pl", cli.work_files("pl", tmp_path / "w2"), src=shipped)


def test_work_files_name_what_ship_installs():
    files = cli.work_files("pl", Path("/w"))
    assert files["mwt"] is not None and cli.work_files("lt", Path("/w"))["mwt"] is None
    assert files["ner"].name == f"pl_ner_continued{len(RECIPES['pl'].ner_continue_steps)}.pt"
