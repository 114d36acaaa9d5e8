"""Language identification: supported languages detected, others recorded, metadata wins."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.langid import detect_language, detect_languages


@pytest.mark.parametrize(("text", "lang"), [
    ("Prezydent Rosji Władimir Putin spotkał się w Moskwie z Aleksandrem Łukaszenką.", "pl"),
    ("Rusijos prezidentas Vladimiras Putinas susitiko su Aleksandru Lukašenka Kremliuje.", "lt"),
    ("Președintele rus Vladimir Putin a vizitat Minsk pentru discuții cu Lukașenko.", "ro"),
    ("The Russian president met his Belarusian counterpart in Moscow on Wednesday.", "en"),
])
def test_detect_language(text, lang):
    assert detect_language(text)[0] == lang


def test_detect_languages_statuses():
    docs = pd.DataFrame({
        "text": ["The Russian president met his Belarusian counterpart in Moscow.",
                 "Putin spotkał się z Łukaszenką w Moskwie w środę.", "", "ok?"],
        "lang": [pd.NA, "lt", pd.NA, pd.NA],
        "status": ["ok", "ok", "empty", "ok"],
        "message": [pd.NA] * 4,
    })
    before = docs.copy()
    out = detect_languages(docs)
    pd.testing.assert_frame_equal(docs, before)
    assert list(out["lang"]) == ["en", "lt", "und", "und"]
    assert list(out["lang_source"]) == ["detected", "metadata", "none", "none"]
    assert list(out["status"]) == ["unsupported_language", "ok", "empty",
                                   "unsupported_language"]
    assert "not supported" in out["message"].iloc[0]


def test_missing_column_named():
    with pytest.raises(KeyError, match="status"):
        detect_languages(pd.DataFrame({"text": [], "lang": [], "message": []}))
