"""Hostile input and faults (#18): nothing lost, nothing invented, nothing leaked, nothing
stalled. The corpus is built by :mod:`tests.hostile_corpus`; the end-to-end test (slow) runs
it through :func:`analysis.run` with NER."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis import cli, pipeline, schemas
from analysis.cache import NerCache
from analysis.comention import EVIDENCE_CHARS, comention_table, crowded_units, evidence_window
from analysis.corpus import (
    MAX_RUN_CHARS,
    clean_text,
    clean_text_positions,
    count_long_runs,
    documents_from_table,
    load_corpus,
    read_corpus,
)
from analysis.dates import RelativeDateError, parse_date_string, resolve_dates
from analysis.errors import OptionError
from analysis.langid import detect_languages, language_code
from analysis.output import FORMULA_STARTS, csv_safe, write_outputs
from analysis.result import RunResult

sys.path.insert(0, str(Path(__file__).parent))
from hostile_corpus import SECRET, build_hostile_corpus  # noqa: E402


@pytest.fixture
def no_ner(monkeypatch):
    """Fail the test if models are loaded or NER is reached."""
    def boom(*_a, **_k):
        raise AssertionError("NER ran")

    monkeypatch.setattr(pipeline, "_annotate", boom)
    monkeypatch.setattr(pipeline, "_load_models", boom)


@pytest.fixture
def hostile(tmp_path):
    return build_hostile_corpus(tmp_path, big=False)


def _loaded(corpus, *, dates: bool = False):
    docs, skipped = read_corpus(corpus.root)
    docs = detect_languages(docs)
    return (resolve_dates(docs) if dates else docs), skipped


# ------------------------------------------------------------------------ corpus (items 1, 5, 9)
def test_every_input_has_its_status_id_and_message(hostile):
    docs, skipped = _loaded(hostile, dates=True)
    by_source = docs.set_index("source")
    assert dict(zip(docs["source"], docs["status"], strict=True)) == hostile.statuses
    for source, doc_id in hostile.ids.items():
        assert by_source.at[source, "doc_id"] == doc_id, source
    for source, words in hostile.messages.items():
        assert words in by_source.at[source, "message"], (source, by_source.at[source, "message"])
    assert skipped == hostile.skipped


def test_nothing_outside_the_corpus_or_in_version_control_is_read(hostile):
    docs, _ = _loaded(hostile)
    assert not docs["text"].str.contains(SECRET).any()
    assert not docs["source"].str.contains(r"\.git|\.svn|\.hidden").any()
    message = docs.loc[docs["source"] == "secret_link.txt", "message"].item()
    assert str(hostile.secret) not in message  # not even the private path


def test_ids_strip_only_the_file_extension(tmp_path):
    (tmp_path / "a.b").mkdir()
    (tmp_path / "a.b" / "c.d.txt").write_text("Tekst.")
    (tmp_path / "a.b" / "noext").write_text("Tekst.")
    assert list(load_corpus(tmp_path)["doc_id"]) == ["a.b/c.d", "a.b/noext"]


def test_only_the_users_own_ids_make_duplicates(tmp_path):
    pd.DataFrame({"id": ["x", "x"], "text": ["Jeden.", "Dwa."]}).to_csv(tmp_path / "a.csv",
                                                                         index=False)
    pd.DataFrame({"text": ["Trzy."]}).to_csv(tmp_path / "b.csv", index=False)
    docs = load_corpus(tmp_path)
    assert list(docs["doc_id"]) == ["x", "x", "b:0"]
    assert list(docs["status"]) == ["ok", "duplicate_id", "ok"]
    assert "already used by a.csv#0" in docs["message"].iloc[1]


def test_a_csv_line_with_wrong_fields_gets_its_own_row(tmp_path):
    (tmp_path / "c.csv").write_text("id,text\na,Pierwszy.\nb,Drugi,extra\nc,Trzeci.\n")
    docs = load_corpus(tmp_path / "c.csv")
    assert list(docs["status"]) == ["ok", "unreadable", "ok"]
    assert "c.csv line 3: 3 fields" in docs["message"].iloc[1]


def test_a_table_in_memory_without_text_names_the_column(no_ner):
    with pytest.raises(OptionError, match="'text'") as err:
        pipeline.run(pd.DataFrame({"body": ["Putin."]}), cache_dir=None, progress=False)
    assert err.value.option == "text_column"


def test_a_table_in_memory_is_read_like_a_file():
    docs = documents_from_table(pd.DataFrame({"id": ["a", "a"], "text": ["Jeden.", "Dwa."],
                                              "language": ["pol", "pol"]}))
    assert list(docs["status"]) == ["ok", "duplicate_id"]
    assert list(detect_languages(docs)["lang"]) == ["pl", "pl"]
    loaded = load_corpus()
    assert documents_from_table(loaded)["doc_id"].equals(loaded["doc_id"])
    twice = documents_from_table(pd.concat([loaded, loaded]))
    assert (twice["status"] == "duplicate_id").sum() == len(loaded)


# ------------------------------------------------------------------------------ languages (8)
@pytest.mark.parametrize(("value", "code"), [
    ("pol", "pl"), ("lit", "lt"), ("ron", "ro"), ("rum", "ro"), ("Polish", "pl"),
    ("polski", "pl"), ("lietuvių", "lt"), ("lietuviu", "lt"), ("română", "ro"),
    ("Romanian", "ro"), ("pl-PL", "pl"), ("PL", "pl"), ("ces", "cs"), ("klingon", "klingon"),
])
def test_language_codes_and_names(value, code):
    assert language_code(value) == code


def test_metadata_languages_of_the_hostile_feed(hostile):
    docs, _ = _loaded(hostile)
    langs = dict(zip(docs["doc_id"], docs["lang"], strict=True))
    assert {k: langs[k] for k in ("j-pol", "j-lit", "j-ron", "j-rum", "j-polish", "j-en",
                                  "j-nul")} == {"j-pol": "pl", "j-lit": "lt", "j-ron": "ro",
                                                "j-rum": "ro", "j-polish": "pl", "j-en": "pl",
                                                "j-nul": "ro"}


# ------------------------------------------------------------------------------------ dates (7)
@pytest.mark.parametrize(("value", "lang"), [("wczoraj", "pl"), ("vakar", "lt"), ("ieri", "ro"),
                                             ("2 dni temu", "pl"), ("yesterday", "pl"),
                                             ("10:00", "ro")])
def test_relative_dates_need_a_reference(value, lang):
    with pytest.raises(RelativeDateError, match="reference_date"):
        parse_date_string(value, lang)
    got = parse_date_string(value, lang, reference_date=dt.date(2023, 4, 13))
    assert got["published_at"] <= pd.Timestamp("2023-04-13")


def test_english_month_names_and_day_first_numbers():
    assert parse_date_string("April 12, 2023", "pl")["published_at"] == pd.Timestamp("2023-04-12")
    assert parse_date_string("12.04.2023", "pl")["published_at"] == pd.Timestamp("2023-04-12")
    assert parse_date_string("1680000000", "pl") is None  # seconds? milliseconds? no date


def test_hostile_dates(hostile):
    docs, _ = _loaded(hostile)
    for reference in (None, "2023-04-13"):
        dated = resolve_dates(docs, reference_date=reference).set_index("doc_id")
        assert dated.at["j-ron", "published_at"] == pd.Timestamp("2023-04-12")
        assert dated.at["pq-year", "published_at"] == pd.Timestamp("2023-01-01")
        assert dated.at["pq-year", "date_precision"] == "year"
        if reference is None:
            assert pd.isna(dated.at["j-pol", "published_at"])
            assert "relative date 'wczoraj'" in dated.at["j-pol", "message"]
        else:
            assert dated.at["j-pol", "published_at"] == pd.Timestamp("2023-04-12")
            assert dated.at["j-polish", "published_at"] == pd.Timestamp("2023-04-11")


# ------------------------------------------------------------------------------- cleaning (3)
def test_cleaning_keeps_length_and_offsets():
    text = ("<p><i>Alaksandr Łukaszenka</i></p>\x00\x07 Pu\u00adtin\u200b i "
            + "x" * 350 + "\tkoniec\n")
    cleaned, positions = clean_text_positions(text)
    assert len(cleaned) == len(text)
    assert "<" not in cleaned and "\x00" not in cleaned and "\x07" not in cleaned
    assert "Alaksandr Łukaszenka" in cleaned and "Putin" in cleaned
    assert text.index("Alaksandr") == cleaned.index("Alaksandr")
    assert max(len(run) for run in cleaned.split()) <= MAX_RUN_CHARS
    assert "\tkoniec\n" in cleaned
    start = cleaned.index("Putin")
    span = pd.DataFrame({"start_char": [start], "end_char": [start + 5]})
    mapped = pipeline._to_original(span, positions)
    assert text[mapped["start_char"].item():mapped["end_char"].item()] == "Pu\u00adtin"
    assert sorted(positions) == list(range(len(text)))  # a permutation: nothing lost


def test_cleaning_a_200kb_run_is_fast():
    text = "x" * 200_000
    start = time.perf_counter()
    cleaned = clean_text(text)
    assert time.perf_counter() - start < 2
    assert len(cleaned) == len(text) and not cleaned.strip()
    assert count_long_runs(text + " " + "y" * MAX_RUN_CHARS) == 1


# ------------------------------------------------------------------------- co-mentions (1, 2)
def _crowded_tables(n_names: int = 5000):
    sentence = ", ".join(f"N{i}" for i in range(n_names)) + "."
    starts = [sentence.index(f"N{i},") if i < n_names - 1 else sentence.rindex(f"N{i}")
              for i in range(n_names)]
    mentions = pd.DataFrame({
        "doc_id": "list", "paragraph_idx": 0, "sentence_idx": 0,
        "token_start": [2 * i for i in range(n_names)],
        "token_end": [2 * i + 1 for i in range(n_names)],
        "start_char": starts, "end_char": [s + len(f"N{i}") for i, s in enumerate(starts)],
        "entity_id": [f"e{i:05d}" for i in range(n_names)],
    })
    sentences = pd.DataFrame({"doc_id": ["list"], "paragraph_idx": [0], "sentence_idx": [0],
                              "token_start": [0], "token_end": [2 * n_names], "start_char": [0],
                              "end_char": [len(sentence)], "text": [sentence]})
    documents = pd.DataFrame({"doc_id": ["list"], "processed": [True]})
    return mentions, sentences, documents


def test_a_list_of_5000_names_gives_bounded_comentions():
    mentions, sentences, documents = _crowded_tables()
    start = time.perf_counter()
    out = comention_table(mentions, sentences, documents, max_unit_actors=50)
    assert time.perf_counter() - start < 30
    per_level = out.groupby("level").size()
    assert per_level.drop("window").max() <= 50 * 49 // 2
    # windows never hold more than `window` actors: their pairs grow with the text, not its square
    assert per_level["window"] <= 2 * 5000 // 10 * 20 * 19 // 2
    assert out["evidence_text"].str.len().max() <= EVIDENCE_CHARS
    assert out["evidence_text"].str.contains("…").all()
    buffer = io.StringIO()
    out.to_csv(buffer, index=False)
    assert len(buffer.getvalue()) < len(out) * (200 + EVIDENCE_CHARS)
    crowded = crowded_units(mentions, sentences, max_unit_actors=50)
    assert set(crowded["level"]) == {"document", "paragraph", "sentence"}
    assert (crowded["n_actors"] == 5000).all()
    noted = pipeline.note_crowded_units(
        pd.DataFrame({"doc_id": ["list"], "message": pd.array([pd.NA], dtype="string")}),
        crowded, 50)
    assert "5,000 actors" in noted["message"].item()


def test_evidence_is_a_string_even_for_repeated_sentences():
    mentions, sentences, documents = _crowded_tables(3)
    doubled = pd.concat([sentences, sentences], ignore_index=True)
    out = comention_table(mentions, doubled, documents)
    assert all(isinstance(t, str) and "dtype" not in t for t in out["evidence_text"])


def test_evidence_window_keeps_both_mentions():
    text = "a" * 500 + " Putin " + "b" * 500 + " Łukaszenka " + "c" * 500
    both = evidence_window(text, [(501, 506), (1008, 1018)])
    assert len(both) <= EVIDENCE_CHARS and "Putin" in both and "Łukaszenka" in both
    assert both.startswith("…") and both.endswith("…")


# --------------------------------------------------------------------------------- CSV (4)
def test_csv_cells_are_formula_safe_and_parquet_keeps_values(tmp_path):
    docs = schemas.conform(pd.DataFrame({
        "doc_id": ["=cmd", "b"], "source": ["s", "s"], "title": ["+1", "@x\x00y"],
        "status": ["empty", "empty"], "processed": [False, False],
        "message": ["-2", "\tz"]}), "documents")
    out = write_outputs(RunResult(documents=docs, options={"freq": "MS"}), tmp_path / "o")
    raw = (out / "documents.csv").read_bytes()
    assert b"\x00" not in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    assert [r["doc_id"] for r in rows] == ["'=cmd", "b"]
    assert [r["title"] for r in rows] == ["'+1", "'@x y"]
    assert pd.read_parquet(out / "documents.parquet")["doc_id"].tolist() == ["=cmd", "b"]
    assert csv_safe(pd.DataFrame({"pmi": [-1.5]}))["pmi"].item() == -1.5


# ------------------------------------------------------------------------------- cache (6)
@pytest.mark.parametrize("bad", ["{}", "[]", '{"mentions": 1, "sentences": []}',
                                 '{"mentions": [{"x": 1}], "sentences": []}', '{"mentions": [',
                                 "folder"])
def test_a_cache_entry_of_the_wrong_shape_is_a_miss(tmp_path, bad):
    import sqlite3
    import zlib

    from analysis.cache import CACHE_FILE

    cache = NerCache(tmp_path, "m")
    sha = "ab" * 20
    mentions = pd.DataFrame({"start_char": [0], "end_char": [5], "text": ["Putin"]})
    sentences = pd.DataFrame({"sentence_idx": [0], "text": ["Putin."]})
    if bad == "folder":  # a folder where the cache file should be
        (tmp_path / CACHE_FILE).mkdir()
    else:
        cache.put(sha, mentions, sentences)
        with sqlite3.connect(tmp_path / CACHE_FILE) as conn:
            conn.execute("UPDATE ner SET payload = ?", (zlib.compress(bad.encode()),))
    assert cache.get(sha) is None and cache.misses == 1
    cache.put(sha, mentions, sentences)  # rewritten, or (a folder) skipped with a warning
    if bad != "folder":
        pd.testing.assert_frame_equal(cache.get(sha)[0], mentions)


def test_an_unwritable_cache_warns_and_is_skipped(tmp_path, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with caplog.at_level("WARNING"):
        assert pipeline.open_cache(blocker / "cache") is None
    assert "running without a cache" in caplog.text


@pytest.mark.parametrize("where", ["file", "file/sub"])
def test_a_bad_out_folder_is_an_option_error_before_ner(tmp_path, no_ner, where):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OptionError) as err:
        pipeline.run(tmp_path, out=tmp_path / where, cache_dir=None, progress=False)
    assert err.value.option == "out"


# --------------------------------------------------------------------- setup errors (done when)
@pytest.mark.parametrize(("extra", "flag"), [
    (["--reference-date", "yesterday"], "--reference-date"),
    (["--max-unit-actors", "1"], "--max-unit-actors"),
])
def test_new_options_are_checked_before_ner(tmp_path, capsys, no_ner, extra, flag):
    code = cli.main(["run", str(tmp_path), "--out", str(tmp_path / "o"), "--quiet", *extra])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith(f"error: {flag}: ")


def test_table_without_text_column_exits_2_before_ner(tmp_path, capsys, no_ner):
    pd.DataFrame({"body": ["Putin."]}).to_csv(tmp_path / "t.csv", index=False)
    code = cli.main(["run", str(tmp_path / "t.csv"), "--out", str(tmp_path / "o"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: --text-column: ") and "'text'" in err


def test_missing_corpus_is_a_setup_error(tmp_path, no_ner):
    with pytest.raises(OptionError, match="corpus not found") as err:
        pipeline.run(tmp_path / "nope", cache_dir=None, progress=False)
    assert err.value.option == "corpus"


# ------------------------------------------------------------------------- end to end (slow)
def _cells(folder: Path):
    for path in sorted(folder.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                yield path.name, row


def _is_number(cell: str) -> bool:
    """A negative number in a numeric column is no formula (and must stay a number)."""
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.slow
def test_hostile_corpus_end_to_end(tmp_path):
    corpus = build_hostile_corpus(tmp_path / "in", n_names=1000)
    cache = tmp_path / "cache"
    start = time.perf_counter()
    result = pipeline.run(corpus.root, out=tmp_path / "a", cache_dir=cache, progress=False,
                          topics=True)
    first_run = time.perf_counter() - start
    docs = result.documents
    assert dict(zip(docs["source"], docs["status"], strict=True)) == corpus.statuses
    by_source = docs.set_index("source")
    for source, words in (corpus.messages | corpus.run_messages).items():
        assert words in by_source.at[source, "message"], source
    for name, table in result.tables().items():
        schemas.validate(table, name)
    # bounded: co-mentions per level, evidence, every output file
    per_level = result.comentions.groupby("level").size()
    assert per_level.drop("window").max() <= 50 * 49 // 2 + 50  # + pairs of other documents
    assert per_level["window"] <= 10 * 1000  # ~3 tokens a name: ~300 windows of ≤ 190 pairs
    assert result.comentions["evidence_text"].str.len().max() <= EVIDENCE_CHARS
    assert result.manifest["crowded_units"]["sentence"] >= 1
    assert result.manifest["skipped"] == corpus.skipped
    sizes = {p.name: p.stat().st_size for p in (tmp_path / "a").iterdir()}
    input_size = sum(p.stat().st_size for p in corpus.root.rglob("*") if p.is_file()
                     and not p.is_symlink() and not p.name.startswith("pipe"))
    assert sum(sizes.values()) < 6 * input_size + 5_000_000, sizes
    # HTML tags never reach actor names
    assert not result.entities["name"].str.contains("<|>").any()
    assert not result.mentions["text"].str.contains("<|>").any()
    # no CSV cell starts with a formula character; no NUL anywhere; nothing private
    for name, row in _cells(tmp_path / "a"):
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS) or _is_number(cell), (name, cell)
    for path in (tmp_path / "a").iterdir():
        raw = path.read_bytes()
        assert b"\x00" not in raw or path.suffix == ".parquet", path.name
        assert SECRET.encode() not in raw and str(corpus.secret).encode() not in raw, path.name
    # offsets point into the original text
    originals = load_corpus(corpus.root).set_index("doc_id")["text"]
    for row in result.mentions.itertuples():
        cleaned, moved = clean_text_positions(originals[row.doc_id])
        original = originals[row.doc_id][row.start_char:row.end_char]
        if moved is None:
            assert cleaned[row.start_char:row.end_char] == row.text, (row.doc_id, original)
        else:
            assert clean_text(original).replace(" ", "") == row.text.replace(" ", "")
    # a second run (from the cache) writes byte-identical files
    pipeline.run(corpus.root, out=tmp_path / "b", cache_dir=cache, progress=False, topics=True)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["documents_per_status"]["outside_corpus"] == 2
    assert first_run < 600
