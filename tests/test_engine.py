"""Where NER runs (analysis.engine): partitions, validation, and Dask == local."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.engine import annotate, connect, make_engine, partition_bounds
from analysis.errors import SetupError


@pytest.mark.parametrize("lengths,parts", [([5] * 10, 3), ([1, 1000, 1, 1], 4), ([7], 5),
                                            ([3, 3], 1), (list(range(1, 50)), 8)])
def test_partitions_cover_every_text_once_in_order(lengths, parts):
    bounds = partition_bounds(lengths, parts)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(lengths)
    assert all(a < b for a, b in bounds)
    assert all(prev[1] == nxt[0] for prev, nxt in zip(bounds, bounds[1:], strict=False))
    assert len(bounds) <= parts


def test_partitions_balance_characters():
    bounds = partition_bounds([10] * 100, 4)
    assert [b - a for a, b in bounds] == [25, 25, 25, 25]
    assert partition_bounds([], 4) == []


def test_engine_options_are_checked():
    with pytest.raises(SetupError, match="unknown engine"):
        make_engine("spark")
    with pytest.raises(SetupError, match="at least 1"):
        make_engine("dask", workers=0)
    with pytest.raises(SetupError, match="needs engine='dask'"):
        make_engine("local", scheduler="tcp://127.0.0.1:8786")
    with connect(make_engine("local")) as client:
        assert client is None


@pytest.mark.slow
def test_dask_workers_give_the_local_tables():
    pytest.importorskip("distributed")
    from analysis.models import resolve_models
    from analysis.resources import sample_corpus_path

    texts = [p.read_text(encoding="utf-8") for p in sorted(sample_corpus_path().glob("*.txt"))]
    paragraphs = [p for text in texts for p in text.split("\n\n") if p.strip()][:24]
    spec = resolve_models("pl")
    local = annotate(paragraphs, spec, client=None)
    with connect(make_engine("dask", workers=2)) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        remote = annotate(paragraphs, spec, client=client)
    for a, b in zip(local, remote, strict=True):
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
    assert len(local[0]) > 0


def test_cli_rejects_bad_engine_options_before_any_work(tmp_path, capsys):
    from analysis.cli import EXIT_SETUP, main

    code = main(["run", "--engine", "dask", "--workers", "0", "--out", str(tmp_path / "o"),
                 "--no-cache", "--quiet"])
    assert code == EXIT_SETUP
    assert "error: --workers: workers must be at least 1" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


@pytest.fixture(scope="module")
def local_run():
    from analysis.pipeline import run

    return run(cache_dir=None, progress=False)


@pytest.mark.slow
def test_chunked_run_equals_one_chunk(local_run):
    from analysis.pipeline import run

    chunked = run(cache_dir=None, progress=False, chunk_docs=2)
    assert local_run.n_processed > 2
    for name, table in local_run.tables().items():
        pd.testing.assert_frame_equal(chunked.tables()[name], table, obj=name)


@pytest.mark.slow
def test_dask_engine_run_equals_single_process_run(tmp_path, local_run):
    """The issue's acceptance test: --engine dask --workers 2 == one process, every table."""
    pytest.importorskip("distributed")
    from analysis.cli import main

    local = local_run
    assert main(["run", "--engine", "dask", "--workers", "2", "--no-cache", "--quiet",
                 "--out", str(tmp_path / "dask")]) == 0
    compared = set()
    for name, table in local.tables().items():
        path = tmp_path / "dask" / f"{name}.parquet"
        if table.empty and not path.exists():
            continue
        pd.testing.assert_frame_equal(pd.read_parquet(path), table.reset_index(drop=True),
                                      check_dtype=False, obj=name)
        compared.add(name)
    assert {"documents", "mentions", "entities", "comentions", "nodes", "topics"} <= compared
    manifest = __import__("json").loads((tmp_path / "dask" / "manifest.json").read_text())
    assert manifest["engine"] == {"kind": "dask", "workers": 2, "scheduler": None}
    assert local.manifest["engine"]["kind"] == "local"
    assert local.n_processed > 0
