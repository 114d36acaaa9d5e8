"""Dates from metadata, headers and text; years are never invented silently."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.dates import find_text_date, parse_date_string, resolve_dates


@pytest.mark.parametrize(
    ("text", "lang", "expected", "inferred"),
    [
        ("Rozmowy w środę 5 kwietnia w Moskwie.", "pl", "2023-04-05", True),
        ("Spotkanie 17 lutego 2022 r. w Moskwie.", "pl", "2022-02-17", False),
        ("Balandžio 6 d. (UPI) — prezidentas", "lt", "2023-04-06", True),
        ("2021 m. gegužės 3 d. Vilniuje", "lt", "2021-05-03", False),
        ("Vizita a avut loc pe 19 decembrie 2022.", "ro", "2022-12-19", False),
        ("Publicat 2020-03-01, actualizat", "ro", "2020-03-01", False),
    ],
)
def test_find_text_date(text, lang, expected, inferred):
    found = find_text_date(text, lang, reference_year=2023)
    assert found["published_at"] == pd.Timestamp(expected)
    assert found["year_inferred"] is inferred
    assert found["date_precision"] == "day"


def test_weekday_picks_the_year():
    # 5 April was a Wednesday in 2023, not in 2024 or 2022
    found = find_text_date("w środę 5 kwietnia", "pl", reference_year=2024)
    assert found["published_at"] == pd.Timestamp("2023-04-05")
    assert "weekday" in found["message"]


def test_no_reference_year_means_no_date():
    found = find_text_date("w środę 5 kwietnia", "pl", reference_year=None)
    assert found["published_at"] is pd.NaT
    assert "no year" in found["message"]


def test_weekday_alone_is_not_a_date():
    assert find_text_date("Putin a vizitat luni Minsk.", "ro", reference_year=2023) is None


def test_parse_date_string_precision():
    assert parse_date_string("2023-02")["date_precision"] == "month"
    assert parse_date_string("2023-02")["published_at"] == pd.Timestamp("2023-02-01")
    assert parse_date_string("5 kwietnia 2023", "pl")["date_precision"] == "day"
    assert parse_date_string("nonsense") is None
    assert parse_date_string("5 kwietnia", "pl") is None  # no year: not guessed


def _docs(**cols):
    base = {"doc_id": ["a", "b", "c"], "lang": ["pl", "pl", "ro"],
            "text": ["w piątek 17 lutego spotkanie", "bez daty", "fără dată"],
            "date_text": [pd.NA, "2023-02", "yesterday-ish"],
            "date_source": [pd.NA, "header", "metadata"], "message": [pd.NA] * 3}
    base.update(cols)
    return pd.DataFrame(base)


def test_resolve_dates_sources_and_reference_year():
    docs = _docs()
    before = docs.copy()
    out = resolve_dates(docs)
    pd.testing.assert_frame_equal(docs, before)  # no mutation
    assert list(out["date_source"]) == ["text", "header", "none"]
    assert out["published_at"].iloc[0] == pd.Timestamp("2023-02-17")  # corpus year 2023
    assert bool(out["year_inferred"].iloc[0]) is True
    assert out["date_precision"].iloc[1] == "month"
    assert "unparseable metadata date" in out["message"].iloc[2]


def test_resolve_dates_missing_column_named():
    with pytest.raises(KeyError, match="date_text"):
        resolve_dates(_docs().drop(columns="date_text"))


def test_epoch_placeholder_is_not_a_date():
    from analysis.dates import parse_date_string

    assert parse_date_string("1970-01-01T00:00:00") is None
    assert parse_date_string("1971-01-01")["published_at"] == pd.Timestamp("1971-01-01")


ISO_CASES = ["2013-01-31T01:30:00+03:00", "2013-01-31T23:30:00-05:00", "2013-01-31",
             "2013-01-31T01:30:00Z", "2013-01-31 01:30", "2013-01-31T01:30:00.123+0300",
             "2013-02-30", "2013-02-30T10:00:00", "2013-01-31T25:00:00", "1970-01-01",
             "1970-01-01T00:00:00Z", "2024-02-29", "2023-02-29", "2013-13-01",
             "2013-01-31T10:00:00+03", "2013-1-31"]


@pytest.mark.parametrize("value", ISO_CASES)
def test_iso_fast_path_reads_what_dateparser_reads(value, monkeypatch):
    import analysis.dates as dates

    fast = parse_date_string(value, "ro")
    monkeypatch.setattr(dates, "_iso_day", lambda _value: None)  # dateparser alone
    assert fast == parse_date_string(value, "ro")


def test_iso_fast_path_skips_dateparser(monkeypatch):
    import analysis.dates as dates

    monkeypatch.setattr(dates, "_parse_once", lambda *a: pytest.fail("dateparser called"))
    assert parse_date_string("2013-01-31T19:57:37+03:00", "ro")["published_at"] == \
        pd.Timestamp("2013-01-31")
