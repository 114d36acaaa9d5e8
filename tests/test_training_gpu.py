"""The one-shot GPU recipe, end to end on the CPU with tiny sizes (slow: trains Stanza)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from training import gpu
from training.paths import corpora_dir

pytestmark = pytest.mark.slow


def test_gpu_recipe_smoke_on_cpu(tmp_path):
    corpora = corpora_dir(None)
    if not (corpora / "lt_ner").is_dir():
        pytest.skip("needs ../shared/corpora")
    plan = gpu.GpuPlan(charlm_hidden_dim=16, charlm_chars=20_000, finetune_steps=20,
                       scratch_steps=20, eval_interval=10, cpu=True)
    report = gpu.run(["lt"], plan, corpora=corpora, work=tmp_path / "work", ship=False,
                     out=tmp_path / "out")
    lt = report["languages"]["lt"]
    assert set(lt["scores"]) == {"shipped", "finetune", "charlm"}
    assert all(0 <= s["f1"] <= 100 for s in lt["scores"].values())
    assert lt["best"] in ("finetune", "charlm") and lt["shipped"] is False
    for step in ("restore+prepare", "charlm_forward", "charlm_backward", "ner_finetune",
                 "ner_charlm"):
        assert lt["seconds"][step] >= 0
    for name in ("finetune", "charlm"):
        meta = json.loads((tmp_path / "work" / "gpu" / "candidates" / name / "lt" /
                           "model.json").read_text(encoding="utf-8"))
        assert meta["files"]["ner"]
    assert json.loads((tmp_path / "out" / "report.json").read_text())["plan"]["cpu"] is True


def test_gpu_bundle_round_trip_on_cpu(tmp_path):
    """Bundle (no wheels) -> the standalone device driver on the CPU -> collect."""
    from training import gpu_bundle, gpu_device

    corpora = corpora_dir(None)
    if not (corpora / "lt_ner").is_dir():
        pytest.skip("needs ../shared/corpora")
    jobs = [dict(job, max_steps=10, eval_interval=5, batch_size=8, max_batch_words=800)
            for job in gpu_bundle.default_jobs("lt")]
    bundle = tmp_path / "bundle"
    meta = gpu_bundle.make_bundle(["lt"], corpora=corpora, work=tmp_path / "work", out=bundle,
                                  wheels=False, jobs=jobs)
    assert {p.name for p in (bundle / "lt").iterdir()} == {
        "train.json.xz", "dev.json.xz", "start.pt", "pretrain.pt"}
    assert (bundle / "run.py").read_text() == Path(gpu_device.__file__).read_text()
    assert 0 < meta["bytes"] < gpu_bundle.TRAVEL_LIMIT

    returned = tmp_path / "returned"
    done = subprocess.run([sys.executable, str(bundle / "run.py"), "--out", str(returned),
                           "--deadline", "600", "--work", str(tmp_path / "device"), "--cpu"],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:]
    summary = json.loads((returned / "summary.json").read_text())
    for job in jobs:
        row = summary["jobs"][job["name"]]
        assert row["model"] == f"{job['name']}.pt" and row["exit"] == 0
        assert set(row["dev"]) == {"5", "10"}
    report = gpu_bundle.collect(returned, ["lt"], corpora=corpora, work=tmp_path / "work")
    lt = report["languages"]["lt"]
    assert set(lt["scores"]) == {"shipped", "lt_b32", "lt_b256"}
    assert lt["best"] in ("lt_b32", "lt_b256") and lt["shipped"] is False
    assert lt["gain"] == round(lt["scores"][lt["best"]]["f1"] - lt["scores"]["shipped"]["f1"], 2)
