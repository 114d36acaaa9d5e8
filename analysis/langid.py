"""Language identification per document with lingua.

The detector knows the three supported languages plus the languages most likely to show up in
a Central/Eastern European news feed, so an English or Russian article is recorded as such
(status ``unsupported_language``) instead of being forced into pl/lt/ro.
"""

from __future__ import annotations

import functools

import pandas as pd

from analysis import schemas

#: ISO 639-1 codes the detector distinguishes.
CANDIDATE_LANGS = ("pl", "lt", "ro", "en", "de", "fr", "es", "it", "ru", "uk", "be", "cs",
                   "sk", "lv", "et", "hu", "bg", "sr", "hr", "sl", "nl", "pt", "sv", "fi")
_MIN_CHARS = 20  # shorter texts are too short to tell


@functools.lru_cache(maxsize=1)
def _detector():
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in CANDIDATE_LANGS]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def detect_language(text: str) -> tuple[str, float]:
    """Return ``(iso_code, confidence)`` for ``text``; ``("und", 0.0)`` when undetermined."""
    sample = text[:5000]
    if len(sample.strip()) < _MIN_CHARS:
        return "und", 0.0
    values = _detector().compute_language_confidence_values(sample)
    if not values:
        return "und", 0.0
    best = values[0]
    return best.language.iso_code_639_1.name.lower(), float(best.value)


def detect_languages(documents: pd.DataFrame) -> pd.DataFrame:
    """Fill ``lang``, ``lang_source`` and ``lang_confidence``; mark unsupported languages.

    Parameters
    ----------
    documents
        Needs ``text``, ``lang`` (a language given by metadata wins over detection),
        ``status`` and ``message``.

    Returns
    -------
    DataFrame
        A copy; documents whose language is not pl/lt/ro and whose status was ``ok`` or
        ``truncated`` get status ``unsupported_language``. Does not mutate ``documents``.
    """
    schemas.require(documents, ["text", "lang", "status", "message"], where="detect_languages")
    langs, sources, confidences, statuses, messages = [], [], [], [], []
    for text, lang, status, message in zip(documents["text"], documents["lang"],
                                           documents["status"], documents["message"],
                                           strict=True):
        if isinstance(lang, str) and lang:
            source, confidence = "metadata", float("nan")
        elif status in ("ok", "truncated"):
            lang, confidence = detect_language(text)
            source = "detected" if lang != "und" else "none"
        else:
            lang, source, confidence = "und", "none", float("nan")
        if status in ("ok", "truncated") and lang not in schemas.SUPPORTED_LANGS:
            note = (f"language {lang!r} is not supported (pl, lt, ro)" if lang != "und"
                    else "language could not be determined (text too short?)")
            message = f"{message}; {note}" if isinstance(message, str) and message else note
            status = "unsupported_language"
        langs.append(lang)
        sources.append(source)
        confidences.append(confidence)
        statuses.append(status)
        messages.append(message)
    return documents.assign(
        lang=pd.array(langs, dtype="string"),
        lang_source=pd.array(sources, dtype="string"),
        lang_confidence=pd.array(confidences, dtype="float64"),
        status=pd.array(statuses, dtype="string"),
        message=pd.array(messages, dtype="string"),
    )
