"""The package as most people install it: a wheel in a fresh virtual environment.

Builds the wheel of this checkout, installs it (without dependencies: those come from this
interpreter's site-packages, appended after the venv's own, so the checkout's editable install
is not seen), and runs the main command from a temporary folder outside the checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    # setuptools stages files in <checkout>/build and never deletes stale ones there
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    try:
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                        "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)], check=True,
                       capture_output=True)
    finally:
        shutil.rmtree(ROOT / "build", ignore_errors=True)
    (path,) = dist.glob("actor_networks-*.whl")
    return path


@pytest.fixture(scope="module")
def env_python(wheel, tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("venv")
    venv.create(home, with_pip=False)
    python = home / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                              "['purelib'])"], check=True, capture_output=True,
                             text=True).stdout.strip()
    # the interpreter's packages (torch, stanza, pandas…) after the venv's own, no .pth run
    Path(purelib, "zz_system_site.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(purelib)  # what pip does for a pure-Python wheel
    return python


def test_wheel_ships_models_sample_registry_and_template(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for lang in ("pl", "lt", "ro"):
        for part in ("ner.pt", "tokenize.pt", "lemma.pt", "model.json", "MODEL_CARD.md"):
            assert f"analysis/_data/models/{lang}/{part}" in names
    assert "analysis/_data/actors.csv" in names
    assert sum(n.startswith("analysis/_data/sample/") and n.endswith(".txt") for n in names) == 5
    assert "analysis/templates/report.html.j2" in names
    assert "analysis/py.typed" in names
    assert not any(n.startswith(("training/", "evaluation/", "tests/")) for n in names)


def test_installed_wheel_runs_the_report_from_anywhere(env_python, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env["ACTOR_NETWORKS_CACHE"] = str(tmp_path / "cache")
    where = subprocess.run([str(env_python), "-c", "import analysis; print(analysis.__file__)"],
                           cwd=tmp_path, env=env, check=True, capture_output=True, text=True)
    assert not where.stdout.strip().startswith(str(ROOT))  # the wheel, not the checkout
    proc = subprocess.run([str(env_python), "-m", "analysis", "report", "--out", "out",
                           "--quiet"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert "documents: 5 (ok: 5)" in proc.stdout
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "Vladimir Putin" in page and "Alexander Lukashenko" in page
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["models"]) == {"pl", "lt", "ro"}
    assert (tmp_path / "out" / "report.html").stat().st_mode & 0o044 == 0o044
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = subprocess.run([str(env_python), "-m", "analysis", "run", "empty", "--out", "out2",
                           "--quiet"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 1 and "no document was processed" in proc.stderr


def test_installed_wheel_has_no_training_package_and_clones_topic_model(env_python, tmp_path):
    code = ("import importlib.util, sklearn.base, analysis.topics\n"
            "assert importlib.util.find_spec('training') is None\n"
            "sklearn.base.clone(analysis.topics.TopicModel())\n"
            "print('ok')")
    proc = subprocess.run([str(env_python), "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr
