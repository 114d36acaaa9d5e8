"""End to end on the sample corpus with the shipped models (marked slow: loads Stanza)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from analysis import schemas
from analysis.comention import comention_table
from analysis.corpus import default_corpus, load_corpus
from analysis.pipeline import extract_mentions, run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("ner-cache")


@pytest.fixture(scope="module")
def result(cache_dir):
    return run(registry="none", cache_dir=cache_dir, progress=False)


def _entity(result, *names):
    """The entity whose aliases include any of ``names``."""
    ents = result.entities
    hits = ents[ents["aliases"].fillna("").apply(
        lambda a: any(n in a.split(" | ") for n in names))]
    assert len(hits) == 1, f"{names}: {hits[['entity_id', 'aliases']].to_dict('records')}"
    return hits["entity_id"].item()


def test_every_table_follows_its_schema_and_value_rules(result):
    for name, table in result.tables().items():
        schemas.validate(table, name)
    schemas.validate(result.comentions_by_period, "comentions_by_period")
    assert result.graph.number_of_nodes() == len(result.nodes)


def test_mention_labels_are_the_actors_labels(result):
    labels = result.mentions.merge(result.entities[["entity_id", "label"]], on="entity_id",
                                   suffixes=("", "_actor"))
    assert (labels["label"] == labels["label_actor"]).all()
    assert labels["label_native"].notna().all()


def test_all_documents_processed_with_languages(result):
    docs = result.documents
    assert list(docs["status"]) == ["ok"] * 5
    assert sorted(docs["lang"]) == ["lt", "pl", "pl", "pl", "ro"]
    assert (docs["n_sentences"] > 5).all()


def test_mentions_in_all_three_languages(result):
    m = result.mentions
    for lang in ("pl", "lt", "ro"):
        labels = set(m.loc[m["lang"] == lang, "label"])
        assert {"PER", "LOC"} <= labels, (lang, labels)
    assert "ORG" in set(m["label"])
    text = result.documents.merge(load_corpus()[["doc_id", "text"]], on="doc_id")
    texts = dict(zip(text["doc_id"], text["text"], strict=True))
    for row in m.itertuples():  # offsets point at the surface form
        assert texts[row.doc_id][row.start_char:row.end_char] == row.text


def test_putin_and_lukashenko_co_mentioned_in_each_language(result):
    putin = _entity(result, "Putin", "Putinas", "Władimir Putin", "Vladimiras Putinas")
    luka = _entity(result, "Łukaszenka", "Lukašenka", "Lukașenko")
    m, s, d = result.mentions, result.sentences, result.documents
    for lang in ("pl", "lt", "ro"):
        ids = set(d.loc[d["lang"] == lang, "doc_id"])
        table = comention_table(m[m["doc_id"].isin(ids)], s[s["doc_id"].isin(ids)],
                                d[d["doc_id"].isin(ids)], levels=("document", "sentence"))
        pair = table[(table["source"] == min(putin, luka)) & (table["target"] == max(putin, luka))]
        assert set(pair["level"]) == {"document", "sentence"}, lang


def test_rerun_hits_the_cache(cache_dir, result):
    docs = load_corpus().assign(lang=lambda t: t["lang"].fillna(pd.NA))
    from analysis.langid import detect_languages

    docs = detect_languages(docs)
    _, mentions, _, info = extract_mentions(docs, cache_dir=cache_dir, progress=False)
    assert info["cache_hits"] == 5 and info["cache_misses"] == 0
    assert len(mentions[mentions["label"].notna()]) == len(result.mentions)


def test_bad_inputs_are_accounted_for(tmp_path, cache_dir):
    shutil.copy(next(default_corpus().glob("002_*.txt")), tmp_path / "ro.txt")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "english.txt").write_text(
        "The Russian president met his Belarusian counterpart in Moscow on Wednesday.")
    # "ro_dup.txt" sorts after "ro.txt", so it is the later document with the id "ro".
    (tmp_path / "ro_dup.txt").write_text("id: ro\nDin nou, președintele a vorbit la Moscova.")
    (tmp_path / "nodate.txt").write_text(
        "date: someday\nPreședintele Vladimir Putin a vorbit cu Alexander Lukașenko la Minsk "
        "despre războiul din Ucraina și despre relațiile dintre cele două țări.")
    out = run(tmp_path, registry="none", cache_dir=cache_dir, progress=False, topics=False)
    status = dict(zip(out.documents["source"], out.documents["status"], strict=True))
    assert status == {"binary.txt": "undecodable", "ro_dup.txt": "duplicate_id",
                      "empty.txt": "empty", "english.txt": "unsupported_language",
                      "nodate.txt": "ok", "ro.txt": "ok"}
    nodate = out.documents.set_index("source").loc["nodate.txt"]
    assert "unparseable" in nodate["message"]
    assert out.manifest["documents_per_status"]["ok"] == 2


def test_cli_writes_tables(tmp_path, cache_dir):
    env = {"ACTOR_NETWORKS_CACHE": str(cache_dir), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, "-m", "analysis", "run", "--out", str(tmp_path), "--registry", "none",
         "--no-topics", "--quiet"], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "documents: 5 (ok: 5)" in proc.stdout
    for name in ("documents", "mentions", "entities", "comentions", "nodes"):
        assert (tmp_path / f"{name}.parquet").is_file()
        assert (tmp_path / f"{name}.csv").is_file()
    assert "<gexf" in (tmp_path / "network.gexf").read_text()
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert set(manifest["models"]) == {"pl", "lt", "ro"}


def test_rerun_outputs_are_byte_identical(tmp_path, cache_dir):
    for name in ("a", "b"):
        run(out=tmp_path / name, report=True, cache_dir=cache_dir, progress=False)
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert "report.html" in files and "network.gexf" in files
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_cli_reports_missing_corpus(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "analysis", "run", str(tmp_path / "nope"),
                           "--out", str(tmp_path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "corpus not found" in proc.stderr


#: The actors of the sample that appear in two or three languages, each with surface forms
#: that the shipped NER finds in the articles (at least two languages per actor).
KEY_ACTOR_FORMS = {
    "Putin": ("Władimir Putin", "Vladimiras Putinas", "Vladimir Putin"),
    "Lukashenko": ("Łukaszenka", "Lukašenka", "Lukașenko"),
    "Peskov": ("Dmitrij Pieskow", "Peskovas", "Dmitri Peskov"),
    "Zelensky": ("Wołodymyr Zełenski", "Volodimir Zelenski"),
    "Shoigu": ("Siergiej Szojgu", "Serghei Şoigu"),
    "Kremlin": ("Kreml", "Kremliaus", "Kremliuje", "Kremlinul"),
    "NATO": ("NATO",),
    "Russia": ("Rosja", "Rusija", "Rusia"),
    "Belarus": ("Białoruś", "Baltarusija", "Belarus"),
    "Ukraine": ("Ukrainy", "Ukrainoje", "Ucraina"),
    "Moscow": ("Moskwa", "Maskva", "Moscova"),
    "Minsk": ("Mińska", "Minsk"),
    "Finland": ("Finlandii", "Suomija"),
    "China": ("Chin", "Kinijoje"),
    "USA": ("USA", "JAV", "SUA"),
    "Donetsk": ("Donecką", "Donețk"),
}


def test_key_actors_are_one_entity_each_without_registry(result):
    m = result.mentions
    ids = {}
    for actor, forms in KEY_ACTOR_FORMS.items():
        found = m[m["text"].isin(forms)]
        assert set(found["text"]) == set(forms), (actor, set(forms) - set(found["text"]))
        assert found["entity_id"].nunique() == 1, (actor, found[["text", "entity_id"]])
        ids[actor] = found["entity_id"].iloc[0]
        if actor != "NATO":
            assert found["lang"].nunique() >= 2, actor
    assert len(set(ids.values())) == len(ids), ids  # no two actors share an id
    # every mention of NATO, wherever the NER span ended, is the NATO entity
    nato = m[m["text"].str.startswith("NATO")]
    assert set(nato["entity_id"]) == {ids["NATO"]}


def test_entity_tables_display_language():
    from fixtures_tables import make_mentions

    from analysis.pipeline import entity_tables, read_registry

    registry = read_registry("default")
    names = {lang: dict(entity_tables(make_mentions(), registry, display_language=lang)[1][
        ["entity_id", "name"]].itertuples(index=False)) for lang in ("en", "pl")}
    assert names["en"]["putin"] == "Vladimir Putin" and names["en"]["moscow"] == "Moscow"
    assert names["pl"]["putin"] == "Władimir Putin" and names["pl"]["moscow"] == "Moskwa"
