"""Training data made here: marks, agreement, adjudication merge, mojibake, tokens."""

from __future__ import annotations

import pytest

from training.annotation import (
    Item,
    agreement,
    check_file,
    cleaned,
    disagreements,
    final_spans,
    parse_marked,
    read_items,
    render_marked,
    repair_mojibake,
    tokens_with_tags,
    write_items,
)


def test_parse_and_render_marks_round_trip():
    line = "Premierul [[PER Ludovic Orban]] a vizitat [[LOC Berlinul]]."
    text, spans = parse_marked(line)
    assert text == "Premierul Ludovic Orban a vizitat Berlinul."
    assert [text[a:b] for a, b, _ in spans] == ["Ludovic Orban", "Berlinul"]
    assert render_marked(text, spans) == line
    with pytest.raises(ValueError, match="malformed"):
        parse_marked("[[XYZ Orban]] a vizitat")
    with pytest.raises(ValueError, match="space inside"):
        parse_marked("[[PER Orban ]] a vizitat")


def test_agreement_and_disagreements():
    a = {"1": parse_marked("[[PER Ana]] la [[LOC Cluj]]"), "2": parse_marked("[[ORG BNR]] a")}
    b = {"1": parse_marked("[[PER Ana]] la [[ORG Cluj]]"), "2": parse_marked("[[ORG BNR]] a")}
    score = agreement(a, b)
    assert (score["agreed"], score["spans_a"], score["spans_b"]) == (2, 3, 3)
    assert score["f1"] == pytest.approx(66.67)
    lines = disagreements(a, b)
    assert len(lines) == 1 and lines[0].startswith("1\tA: [[PER Ana]] la [[LOC Cluj]]")
    adjudicated = {"1": parse_marked("[[PER Ana]] la [[LOC Cluj]]")}
    final = final_spans(a, b, adjudicated)
    assert final["1"][2] == "adjudicated" and final["2"][2] == "agreed"
    assert final_spans(a, b, {}).keys() == {"2"}  # not adjudicated yet: left out


def test_mojibake_repair_and_cleaning_move_spans():
    assert repair_mojibake("inflaЕЈia din RoВӯmГўВӯnia") == "inflaţia din Ro\u00adm\u00e2\u00adnia"
    assert repair_mojibake("Путин и Лукашенко") == "Путин и Лукашенко"  # real Cyrillic stays
    text, spans = cleaned("BNR sДғ  vândă RomГўnia", [(0, 3, "ORG"), (15, 23, "LOC")])
    assert text == "BNR să vândă România"
    assert [text[a:b] for a, b, _ in spans] == ["BNR", "România"]


def test_tokens_with_tags_split_at_span_edges():
    toks = tokens_with_tags("Acțiunile SIF2-ului urcă.", [(10, 14, "ORG")])
    assert toks == [("Acțiunile", "O", True), ("SIF2", "B-ORG", False), ("-ului", "O", True),
                    ("urcă", "O", False), (".", "O", False)]
    with pytest.raises(ValueError, match="token edges"):
        tokens_with_tags("Ab cd", [(2, 4, "PER")])


def test_check_file_reports_changed_text_and_missing_items(tmp_path):
    items = [Item("ro:1", "ro", "Ana merge la Cluj.", "c", "f", "d", 0),
             Item("ro:2", "ro", "Nimic aici.", "c", "f", "d", 1)]
    write_items(items, tmp_path / "items.jsonl")
    assert read_items(tmp_path / "items.jsonl") == items
    batch = tmp_path / "batch.txt"
    batch.write_text("ro:1\tAna merge la Cluj.\nro:2\tNimic aici.\n", encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text("ro:1\t[[PER Ana]] merge la [[LOC Cluj]].\nro:2\tNimic aici.\n",
                    encoding="utf-8")
    assert check_file(good, tmp_path / "items.jsonl", batch=batch) == []
    bad = tmp_path / "bad.txt"
    bad.write_text("ro:1\t[[PER Ana]] merge la Clui.\n", encoding="utf-8")
    problems = check_file(bad, tmp_path / "items.jsonl", batch=batch)
    assert any("differs" in p for p in problems) and "missing: ro:2" in problems
