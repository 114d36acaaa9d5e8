"""Corpus loading: formats, headers, and a status for every bad input."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis import schemas
from analysis.corpus import corpus_fingerprint, load_corpus, parse_header
from analysis.errors import OptionError


def test_parse_header_keys_and_inline_date():
    meta, body = parse_header("id: a1\ntitle: Hello\ndate 2023-02 First line\nSecond")
    assert meta == {"doc_id": "a1", "title": "Hello", "date_text": "2023-02"}
    assert body == "First line\nSecond"


def test_parse_header_stops_at_first_text_line():
    meta, body = parse_header("Datele arată\ndate: 2020-01-01")
    assert meta == {}
    assert body.startswith("Datele arată")


def test_sample_corpus_loads_five_documents():
    docs = load_corpus()
    assert list(docs.columns) == [*schemas.columns("documents"), "text"]
    assert len(docs) == 5
    assert set(docs["status"]) == {"ok"}
    assert docs.loc[docs["doc_id"] == "004_7d77b2168a4c383f", "date_text"].item() == "2023-02"


def test_bad_inputs_each_get_a_status(tmp_path):
    (tmp_path / "a_empty.txt").write_text("   \n")
    (tmp_path / "b_binary.txt").write_bytes(b"\x89PNG\x00\x00\x01\x02" * 50)
    (tmp_path / "c_latin2.txt").write_bytes("Łukaszenka".encode("iso8859_2"))
    (tmp_path / "d_big.txt").write_text("słowo " * 100)
    (tmp_path / "e_dup.txt").write_text("id: same\nTekst pierwszy.")
    (tmp_path / "f_dup.txt").write_text("id: same\nTekst drugi.")
    (tmp_path / "g.pdf").write_bytes(b"%PDF-1.4")
    docs = load_corpus(tmp_path, max_chars=100)
    status = dict(zip(docs["source"], docs["status"], strict=True))
    assert status == {
        "a_empty.txt": "empty",
        "b_binary.txt": "undecodable",
        "c_latin2.txt": "undecodable",
        "d_big.txt": "truncated",
        "e_dup.txt": "ok",
        "f_dup.txt": "duplicate_id",
        "g.pdf": "unsupported_format",
    }
    assert docs.loc[docs["status"] != "ok", "message"].notna().all()
    assert docs.loc[docs["source"] == "d_big.txt", "n_chars"].item() <= 100


def test_explicit_encoding_decodes(tmp_path):
    (tmp_path / "x.txt").write_bytes("Łukaszenka".encode("iso8859_2"))
    docs = load_corpus(tmp_path, encoding="iso8859_2")
    assert docs["text"].item() == "Łukaszenka"


def test_table_inputs_keep_id_language_and_date(tmp_path):
    rows = [{"id": "x1", "text": "Ala ma kota.", "lang": "pl", "date": "2023-04-05",
             "title": "T"}, {"id": "x2", "text": None, "lang": "ro"}]
    pd.DataFrame(rows).to_csv(tmp_path / "c.csv", index=False)
    (tmp_path / "j.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    pd.DataFrame(rows).to_parquet(tmp_path / "p.parquet")
    for name in ("c.csv", "j.jsonl", "p.parquet"):
        docs = load_corpus(tmp_path / name)
        assert list(docs["doc_id"]) == ["x1", "x2"]
        assert list(docs["lang"]) == ["pl", "ro"]
        assert list(docs["lang_source"]) == ["metadata", "metadata"]
        assert docs["date_text"].iloc[0].startswith("2023-04-05")
        assert list(docs["status"]) == ["ok", "empty"]


def test_missing_text_column_is_named(tmp_path):
    pd.DataFrame({"body": ["x"]}).to_csv(tmp_path / "c.csv", index=False)
    with pytest.raises(OptionError, match="'text'") as err:
        load_corpus(tmp_path / "c.csv")
    assert err.value.option == "text_column"


def test_missing_path_and_bad_type(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_corpus(tmp_path / "nope")
    (tmp_path / "x.docx").write_text("x")
    with pytest.raises(OptionError, match="unsupported"):
        load_corpus(tmp_path / "x.docx")


def test_empty_folder_keeps_schema(tmp_path):
    docs = load_corpus(tmp_path)
    assert docs.empty
    assert list(docs.columns) == [*schemas.columns("documents"), "text"]


def test_fingerprint_ignores_row_order():
    docs = load_corpus()
    assert corpus_fingerprint(docs) == corpus_fingerprint(docs.iloc[::-1])
