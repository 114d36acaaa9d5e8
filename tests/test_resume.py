"""A run killed mid-way resumes from the NER cache (issue #16: resume after a kill)."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time

import pandas as pd
import pytest

import analysis.ner
from analysis.cache import CACHE_FILE
from analysis.pipeline import run

pytestmark = pytest.mark.slow


def _cached(path) -> int:
    try:
        with sqlite3.connect(path, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM ner").fetchone()[0]
    except sqlite3.Error:  # not created yet, or being created
        return 0


def test_killed_run_resumes_from_its_last_chunk(tmp_path, monkeypatch):
    reference = run(cache_dir=None, progress=False)
    n_docs = reference.n_processed
    cache = tmp_path / "cache"
    job = subprocess.Popen([sys.executable, "-m", "analysis", "run", "--chunk-docs", "1",
                            "--cache-dir", str(cache), "--out", str(tmp_path / "killed"),
                            "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while _cached(cache / CACHE_FILE) < 1 and job.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    job.send_signal(signal.SIGKILL)
    job.wait()
    done = _cached(cache / CACHE_FILE)
    assert 1 <= done < n_docs, "the kill came before the first or after the last chunk"
    assert not (tmp_path / "killed" / "manifest.json").exists()

    annotated: list[int] = []
    real = analysis.ner.annotate_texts

    def counting(texts, lang, **kwargs):
        annotated.append(len(texts))
        return real(texts, lang, **kwargs)

    monkeypatch.setattr(analysis.ner, "annotate_texts", counting)
    resumed = run(cache_dir=cache, progress=False, chunk_docs=1, out=tmp_path / "resumed")
    assert sum(annotated) == n_docs - done  # only what the killed run had not cached
    for name, table in reference.tables().items():
        pd.testing.assert_frame_equal(resumed.tables()[name], table, obj=name)
    assert _cached(cache / CACHE_FILE) == n_docs
