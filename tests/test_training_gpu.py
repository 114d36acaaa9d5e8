"""The one-shot GPU recipe, end to end on the CPU with tiny sizes (slow: trains Stanza)."""

from __future__ import annotations

import json

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
