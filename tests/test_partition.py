"""Per-document tables as parquet datasets partitioned by language and month (issue #16).

The pipeline runs once on the sample corpus, as in ``test_pipeline.py``, with its NER cache in
pytest's cache folder (``.pytest_cache/d/partition-ner``): the first session annotates the five
sample documents with Stanza (10-30 s here), later sessions read the cache and load no model
(under ``-p no:cacheprovider`` every session annotates). The other tests
rewrite the outputs of that result with :func:`analysis.output.write_outputs`.
"""

from __future__ import annotations

import doctest
import json
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import cli, output, partition, schemas
from analysis.errors import OptionError
from analysis.output import write_outputs
from analysis.partition import PARTITIONED_TABLES, UNDATED, read_partitioned
from analysis.pipeline import run

LAYOUT = re.compile(r"(\w+)/lang=([a-z]+)/month=(\d{4}-\d{2}|undated)/part-0\.parquet")


@pytest.fixture(scope="module")
def cache_dir(request, tmp_path_factory) -> Path:
    cache = getattr(request.config, "cache", None)  # None under -p no:cacheprovider
    return (cache.mkdir("partition-ner") if cache is not None
            else tmp_path_factory.mktemp("partition-ner"))


@pytest.fixture(scope="module")
def written(tmp_path_factory, cache_dir):
    """(result, output folder) of one run on the sample corpus with ``partition=True``."""
    out = tmp_path_factory.mktemp("partitioned")
    return run(registry="none", cache_dir=cache_dir, progress=False, out=out,
               partition=True), out


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _sorted(table: pd.DataFrame, name: str) -> pd.DataFrame:
    keys = list(PARTITIONED_TABLES[name])
    return table.sort_values(keys + [c for c in table.columns if c not in keys],
                             kind="stable").reset_index(drop=True)


def _single(out: Path, name: str) -> pd.DataFrame:
    return schemas.conform(pd.read_parquet(out / f"{name}.parquet"), name)


def _keys(result) -> pd.DataFrame:
    """doc_id → (lang, month), from the documents table, independently of the package."""
    docs = result.documents
    month = docs["published_at"].dt.strftime("%Y-%m").astype(object).where(
        docs["published_at"].notna(), UNDATED)
    return pd.DataFrame({"doc_id": docs["doc_id"].astype(str), "key_lang": docs["lang"],
                         "key_month": month.to_numpy()})


def _files(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for name in PARTITIONED_TABLES
                  for p in (out / name).rglob("*") if p.is_file())


def test_the_sample_corpus_has_the_cases_to_test(written):
    result, _ = written
    docs = result.documents
    assert set(docs["lang"]) == {"pl", "lt", "ro"}
    assert docs["published_at"].isna().sum() == 1  # the ro document
    assert docs["published_at"].dt.strftime("%Y-%m").nunique() == 3
    assert not result.doc_topics.empty and not result.doc_map.empty


def test_layout_is_lang_then_month_one_file_each(written):
    result, out = written
    files = _files(out)
    assert files and all(LAYOUT.fullmatch(f) for f in files), files
    keys = _keys(result)
    expected = {f"lang={lang}/month={month}" for lang, month in
                zip(keys["key_lang"], keys["key_month"], strict=True)}
    for name in PARTITIONED_TABLES:
        found = {f.split("/", 1)[1].rsplit("/", 1)[0] for f in files if f.startswith(name + "/")}
        assert found == expected, name
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary folders


@pytest.mark.parametrize("name", list(PARTITIONED_TABLES))
def test_union_of_the_partitions_is_the_single_file_table(written, name):
    result, out = written
    back = read_partitioned(out, name)
    schemas.validate(back, name)
    pd.testing.assert_frame_equal(back, _sorted(_single(out, name), name))
    pd.testing.assert_frame_equal(back, _sorted(result.tables()[name], name))
    assert len(back) > 0


@pytest.mark.parametrize(("lang", "months"), [
    ("pl", None), (None, "2023-04"), ("pl", "2023-04"), (["lt", "ro"], None),
    (None, [UNDATED]), ("pl", ["2023-02", "2023-09"]), ("ro", "2023-04"), ([], None),
])
@pytest.mark.parametrize("name", ["documents", "sentences", "mentions"])
def test_filters_return_exactly_the_matching_rows(written, name, lang, months):
    result, out = written
    langs = [lang] if isinstance(lang, str) else lang
    wanted = [months] if isinstance(months, str) else months
    single = _single(out, name)
    keyed = single.assign(doc_id=single["doc_id"].astype(str)).merge(
        _keys(result).drop_duplicates("doc_id"), on="doc_id", how="left", validate="m:1")
    keep = pd.Series(True, index=keyed.index)
    if langs is not None:
        keep &= keyed["key_lang"].isin(langs)
    if wanted is not None:
        keep &= keyed["key_month"].isin(wanted)
    expected = _sorted(single[keep.to_numpy()].reset_index(drop=True), name)
    back = read_partitioned(out, name, lang=lang, months=months)
    pd.testing.assert_frame_equal(back, expected)
    if lang == "ro" and months == "2023-04":  # nothing matches: an empty table, same schema
        assert back.empty and list(back.dtypes) == list(schemas.empty(name).dtypes)


def test_an_undated_document_lands_in_month_undated(written):
    result, out = written
    undated = result.documents.loc[result.documents["published_at"].isna(), "doc_id"].item()
    for name in ("documents", "sentences", "mentions"):
        part = out / name / "lang=ro" / f"month={UNDATED}" / "part-0.parquet"
        assert set(pd.read_parquet(part)["doc_id"]) == {undated}, name
    back = read_partitioned(out, "mentions", months=UNDATED)
    assert set(back["doc_id"]) == {undated}
    assert len(back) == int((result.mentions["doc_id"] == undated).sum()) > 0


def test_pandas_reads_one_month_lazily(written):
    _, out = written  # the README's example
    april = pd.read_parquet(out / "mentions", filters=[("month", "==", "2023-04")])
    back = read_partitioned(out, "mentions", months="2023-04")
    assert len(april) == len(back) > 0
    assert set(april["month"].astype(str)) == {"2023-04"}


def test_a_rerun_replaces_the_dataset_without_stale_partitions(written, tmp_path):
    result, first = written
    out = tmp_path / "out"
    shutil.copytree(first, out)
    stale = out / "mentions" / "lang=pl" / "month=1999-01"
    stale.mkdir()
    shutil.copy(out / "mentions" / "lang=pl" / "month=2023-04" / "part-0.parquet", stale)
    (out / "sentences" / "lang=pl" / "month=2023-04" / "part-1.parquet").write_bytes(
        (out / "sentences" / "lang=pl" / "month=2023-04" / "part-0.parquet").read_bytes())
    # the rerun moves one document to another month: its old partition must go as well
    docs = result.documents
    moved = docs["lang"].eq("lt")
    later = type(result)(**{**{f: getattr(result, f) for f in result.__dataclass_fields__},
                            "documents": docs.assign(published_at=docs["published_at"].mask(
                                moved, pd.Timestamp("2024-01-15")))})
    write_outputs(later, out, partition=True)
    assert _files(out) == [f.replace("lang=lt/month=2023-04", "lang=lt/month=2024-01")
                           for f in _files(first)]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    pd.testing.assert_frame_equal(read_partitioned(out, "mentions"),
                                  read_partitioned(first, "mentions"))
    assert len(read_partitioned(out, "mentions", lang="lt", months="2024-01")) > 0
    # a rerun without partition removes the datasets: the folder never mixes two runs
    write_outputs(result, out)
    assert not any((out / name).exists() for name in PARTITIONED_TABLES)
    assert (out / "mentions.parquet").is_file()


def test_rerun_writes_the_same_bytes(written, tmp_path):
    result, first = written
    write_outputs(result, tmp_path, partition=True)
    files = _files(first)
    assert files == _files(tmp_path)
    for name in files:
        assert (first / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_files_and_folders_are_world_readable(written, tmp_path, umask_022):
    result, _ = written
    write_outputs(result, tmp_path, partition=True)
    for name in PARTITIONED_TABLES:
        for path in [tmp_path / name, *(tmp_path / name).rglob("*")]:
            mode = path.stat().st_mode
            want = 0o055 if path.is_dir() else 0o044  # others may list folders, read files
            assert mode & want == want, (path, oct(mode))


def test_a_failed_write_keeps_the_earlier_dataset(written, tmp_path, monkeypatch):
    result, first = written
    shutil.copytree(first, tmp_path / "out")
    before = {f: (tmp_path / "out" / f).read_bytes() for f in _files(first)}

    def half_then_fail(table, folder, *, documents, name):
        (Path(folder) / "lang=pl").mkdir()
        raise OSError("disk full")

    monkeypatch.setattr(partition, "write_dataset", half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        write_outputs(result, tmp_path / "out", partition=True)
    assert {f: (tmp_path / "out" / f).read_bytes() for f in _files(tmp_path / "out")} == before
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]


def test_a_users_folder_is_never_replaced(written, tmp_path):
    result, _ = written
    mine = tmp_path / "mentions"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    for partitioned in (True, False):
        with pytest.raises(OptionError, match="not a partitioned dataset") as err:
            write_outputs(result, tmp_path, partition=partitioned)
        assert err.value.option == "out"
        assert (mine / "notes.txt").read_text() == "mine"
    assert not (tmp_path / "documents.parquet").exists()  # refused before writing anything


def test_bad_input_gives_a_clear_error(written, tmp_path):
    _, out = written
    with pytest.raises(ValueError, match="'entities' is not partitioned.*documents, sentences"):
        read_partitioned(out, "entities")
    with pytest.raises(ValueError, match="'nope' is not partitioned"):
        read_partitioned(out, "nope")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_partitioned(tmp_path / "missing", "mentions")
    (tmp_path / "mentions.parquet").touch()  # a run without --partition
    with pytest.raises(FileNotFoundError, match="not a partitioned dataset.*--partition"):
        read_partitioned(tmp_path, "mentions")
    with pytest.raises(ValueError, match="'YYYY-MM' or 'undated', not '2023-4'"):
        read_partitioned(out, "mentions", months=["2023-04", "2023-4"])
    with pytest.raises(TypeError, match="lang must be a string"):
        read_partitioned(out, "mentions", lang=[1])


def test_rows_of_no_document_or_another_language_are_refused(written, tmp_path):
    result, _ = written
    docs = result.documents
    orphan = result.mentions.assign(doc_id=result.mentions["doc_id"].mask(
        result.mentions.index == 3, "nowhere"))
    with pytest.raises(ValueError, match="1 row\\(s\\) have a doc_id that is not in documents, "
                                         "e.g. 'nowhere'"):
        partition.write_dataset(orphan, tmp_path / "a", documents=docs, name="mentions")
    wrong = result.mentions.assign(lang="pl")
    with pytest.raises(ValueError, match="lang other than their document's"):
        partition.write_dataset(wrong, tmp_path / "b", documents=docs, name="mentions")


def test_an_empty_table_reads_back_empty_with_its_schema(written, tmp_path):
    result, _ = written
    partition.write_dataset(schemas.empty("mentions"), tmp_path / "mentions",
                            documents=result.documents, name="mentions")
    back = read_partitioned(tmp_path, "mentions")
    assert back.empty and list(back.dtypes) == list(schemas.empty("mentions").dtypes)
    assert list(back.columns) == schemas.columns("mentions")


def test_keys_do_not_mutate_and_follow_duplicate_ids():
    docs = schemas.conform(pd.DataFrame({
        "doc_id": ["a", "b", "a"], "lang": ["pl", "lt", "ro"],
        "published_at": pd.to_datetime(["2023-04-05", None, "2021-01-01"]),
        "status": ["ok", "ok", "duplicate_id"]}), "documents")
    copy = docs.copy()
    keyed = partition.with_partition_keys(docs, docs, name="documents")
    assert list(keyed["month"]) == ["2023-04", UNDATED, "2021-01"]
    sentences = schemas.conform(pd.DataFrame({"doc_id": ["a", "b"], "sentence_idx": [0, 0]}),
                                "sentences")
    keyed = partition.with_partition_keys(sentences, docs, name="sentences")
    assert list(keyed["lang"]) == ["pl", "lt"] and list(keyed["month"]) == ["2023-04", UNDATED]
    pd.testing.assert_frame_equal(docs, copy)


def test_cli_partition_option(cache_dir, tmp_path, capsys):
    code = cli.main(["run", "--out", str(tmp_path), "--registry", "none", "--no-topics",
                     "--cache-dir", str(cache_dir), "--quiet", "--partition"])
    assert code == 0, capsys.readouterr().err
    assert all(LAYOUT.fullmatch(f) for f in _files(tmp_path))
    assert read_partitioned(tmp_path, "doc_topics").empty  # --no-topics: a dataset, no rows
    assert len(read_partitioned(tmp_path, "mentions", lang="lt")) > 0
    manifest = json.loads((tmp_path / output.MANIFEST_FILE).read_text())
    assert manifest["parameters"]["partition"] is True


def test_doctests_pass():
    result = doctest.testmod(partition, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


def test_a_partition_is_one_row_group_in_table_order(tmp_path):
    import pyarrow.parquet as pq

    n = 100_000  # interleaved over more input batches than the writer takes at once
    docs = schemas.conform(pd.DataFrame({"doc_id": ["a", "b"], "lang": ["pl", "lt"],
                                         "published_at": pd.to_datetime(["2023-04-05", None])}),
                           "documents")
    sentences = schemas.conform(pd.DataFrame({"doc_id": ["a", "b"] * (n // 2),
                                              "sentence_idx": range(n)}), "sentences")
    partition.write_dataset(sentences, tmp_path, documents=docs, name="sentences")
    files = sorted(tmp_path.rglob("*.parquet"))
    assert [f.relative_to(tmp_path).as_posix() for f in files] == [
        "lang=lt/month=undated/part-0.parquet", "lang=pl/month=2023-04/part-0.parquet"]
    for file in files:
        assert pq.ParquetFile(file).metadata.num_row_groups == 1
        order = pd.read_parquet(file)["sentence_idx"]
        assert len(order) == n // 2 and order.is_monotonic_increasing
