"""Honest exits: setup errors before any NER (exit 2, one line naming the option), runs that
processed nothing (exit 1), and the command line's own options."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from analysis import cli, pipeline
from analysis.corpus import default_corpus, load_corpus, sniff_delimiter


@pytest.fixture
def no_ner(monkeypatch):
    """Fail the test if models are loaded or NER is reached."""
    def boom(*_a, **_k):
        raise AssertionError("NER ran before the setup error")

    monkeypatch.setattr(pipeline, "_annotate", boom)
    monkeypatch.setattr(pipeline, "_load_models", boom)


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize(("extra", "option", "words"), [
    (["--freq", "fortnightly"], "--freq", "unknown calendar frequency"),
    (["--n-topics", "1"], "--n-topics", "n_topics must be"),
    (["--encoding", "no-such-codec"], "--encoding", "unknown encoding"),
    (["--network-level", "chapter"], "--network-level", "network level must be"),
    (["--display-language", "de"], "--display-language", "display language must be"),
    (["--registry", "missing.csv"], "--registry", "actor registry not found"),
    (["--model-dir", "no/such/folder"], "--model-dir", "model folder not found"),
])
def test_bad_option_exits_2_before_ner(tmp_path, capsys, no_ner, extra, option, words):
    code, _, err = _run(capsys, "run", str(default_corpus()), "--out", str(tmp_path / "o"),
                        "--quiet", *extra)
    line = _one_line(err)
    assert code == 2
    assert line.startswith(f"error: {option}: ") and words in line


def test_out_on_a_file_exits_2_before_ner(tmp_path, capsys, no_ner):
    target = tmp_path / "file.txt"
    target.write_text("x")
    code, _, err = _run(capsys, "run", "--out", str(target), "--quiet")
    assert code == 2 and _one_line(err).startswith("error: --out: ")


def test_model_dir_without_models_exits_2_before_ner(tmp_path, capsys, no_ner):
    (tmp_path / "models").mkdir()
    code, _, err = _run(capsys, "run", "--out", str(tmp_path / "o"), "--model-dir",
                        str(tmp_path / "models"), "--quiet")
    line = _one_line(err)
    assert code == 2 and "model.json does not exist" in line


def test_broken_model_file_is_a_setup_error_not_failed_documents(tmp_path, capsys):
    """A poisoned model folder stops the run before any document is marked failed."""
    shipped = default_corpus().parent / "models" / "lt"
    models = tmp_path / "models" / "lt"
    models.mkdir(parents=True)
    shutil.copy(shipped / "model.json", models / "model.json")
    for name in ("tokenize.pt", "lemma.pt", "ner.pt", "pretrain.pt", "common_words.txt"):
        (models / name).write_bytes(b"not a model")
    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy(next(default_corpus().glob("001_*.txt")), corpus)
    code, _, err = _run(capsys, "run", str(corpus), "--out", str(tmp_path / "o"),
                        "--model-dir", str(tmp_path / "models"), "--no-cache", "--quiet")
    line = _one_line(err)
    assert code == 2 and line.startswith("error: --model-dir: cannot load the lt models")
    assert not (tmp_path / "o" / "documents.csv").exists()


def test_empty_corpus_exits_1(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    code, _, err = _run(capsys, "run", str(tmp_path / "empty"), "--out", str(tmp_path / "o"),
                        "--quiet")
    assert code == 1
    assert "no document was processed (the corpus has no documents)" in _one_line(err)


def test_only_unsupported_documents_exit_1_without_report(tmp_path, capsys, no_ner):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "en.txt").write_text("The president met his counterpart in Washington today.")
    code, _, err = _run(capsys, "report", str(corpus), "--out", str(tmp_path / "o"), "--quiet")
    assert code == 1 and "1 unsupported_language" in _one_line(err)
    assert (tmp_path / "o" / "documents.csv").is_file()  # the statuses are still written
    assert not (tmp_path / "o" / "report.html").exists()


def test_every_document_failed_exits_1(tmp_path, capsys, monkeypatch):
    def fail(*_a, **_k):
        raise RuntimeError("tokenizer exploded")

    monkeypatch.setattr(pipeline, "_annotate", fail)
    monkeypatch.setattr(pipeline, "_load_models", lambda *_a, **_k: None)
    code, _, err = _run(capsys, "run", "--out", str(tmp_path / "o"), "--no-cache", "--quiet",
                        "--no-topics")
    line = _one_line(err)
    assert code == 1 and "5 failed" in line and "tokenizer exploded" in line


def test_cuda_without_a_gpu_exits_2_before_ner(tmp_path, capsys, no_ner, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    code, _, err = _run(capsys, "run", "--out", str(tmp_path / "o"), "--no-cache", "--quiet",
                        "--device", "cuda")
    line = _one_line(err)
    assert code == 2 and line.startswith("error: --device: ") and "no GPU" in line
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())
    with pytest.raises(SystemExit):  # not one of auto, cpu, cuda: argparse says so
        cli.main(["run", "--device", "tpu"])
    assert "invalid choice: 'tpu'" in capsys.readouterr().err
    with pytest.raises(pipeline.OptionError, match="device must be one of"):
        pipeline.run(device="gpu", cache_dir=None, progress=False)


def test_cuda_with_dask_workers_is_an_option_error(no_ner):
    pytest.importorskip("distributed")
    with pytest.raises(pipeline.OptionError, match="needs engine local") as err:
        pipeline.run(engine="dask", device="cuda", cache_dir=None, progress=False)
    assert err.value.option == "device"


@pytest.mark.parametrize(("device", "gpu", "used"), [
    (None, True, "cpu"),  # the default stays cpu, GPU or not
    ("auto", False, "cpu"), ("auto", True, "cuda"), ("cuda", True, "cuda"),
])
def test_the_device_reaches_stanza_and_the_manifest(monkeypatch, device, gpu, used):
    import pandas as pd
    import torch

    seen = set()

    def annotate(texts, spec, batch_size, progress, client=None, device="cpu"):
        seen.add(device)
        return (pd.DataFrame({"text_idx": pd.Series(dtype="int64")}),
                pd.DataFrame({"text_idx": pd.Series(dtype="int64")}))

    monkeypatch.setattr(torch.cuda, "is_available", lambda: gpu)
    monkeypatch.setattr(pipeline, "_annotate", annotate)
    monkeypatch.setattr(pipeline, "_load_models",
                        lambda spec, client=None, device="cpu": seen.add(device))
    options = {} if device is None else {"device": device}
    result = pipeline.run(cache_dir=None, progress=False, topics=False, registry="none",
                          **options)
    assert seen == {used} and result.manifest["device"] == used
    assert result.options["device"] == (device or "cpu")


def test_version_and_program_name(capsys, monkeypatch):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == "python -m analysis 0.1.0"
    monkeypatch.setattr(sys, "argv", ["/usr/local/bin/actor-networks", "--help"])
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert capsys.readouterr().out.startswith("usage: actor-networks ")


def test_semicolon_csv_is_sniffed(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text("id;date;text\na1;2023-04-05;Putin spotkał się z Łukaszenką w Moskwie.\n",
                    encoding="utf-8")
    assert sniff_delimiter(path) == ";"
    docs = load_corpus(path)
    assert list(docs["doc_id"]) == ["a1"] and docs["text"].iloc[0].startswith("Putin")


def test_encoding_option_reads_legacy_files(tmp_path):
    (tmp_path / "a.txt").write_bytes("Łukaszenka i Putin w Mińsku.".encode("cp1250"))
    assert load_corpus(tmp_path)["status"].iloc[0] == "undecodable"
    assert load_corpus(tmp_path, encoding="cp1250")["text"].iloc[0].startswith("Łukaszenka")


@pytest.mark.slow
def test_outputs_are_readable_by_others_and_quiet_is_quiet(tmp_path):
    env = {**os.environ, "ACTOR_NETWORKS_CACHE": str(tmp_path / "cache")}
    proc = subprocess.run([sys.executable, "-m", "analysis", "run", "--out", str(tmp_path / "o"),
                           "--quiet", "--no-topics"], capture_output=True, text=True, env=env,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no Stanza warnings, no log lines, no progress bar
    for path in (tmp_path / "o").iterdir():
        assert path.stat().st_mode & 0o044 == 0o044, path  # group and others may read
