"""Language identification per document with lingua.

The detector knows the three supported languages plus the languages most likely to show up in
a Central/Eastern European news feed, so an English or Russian article is recorded as such
(status ``unsupported_language``) instead of being forced into pl/lt/ro.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import pandas as pd

from analysis import schemas

#: ISO 639-1 codes the detector distinguishes.
CANDIDATE_LANGS = ("pl", "lt", "ro", "en", "de", "fr", "es", "it", "ru", "uk", "be", "cs",
                   "sk", "lv", "et", "hu", "bg", "sr", "hr", "sl", "nl", "pt", "sv", "fi")
_MIN_CHARS = 20  # shorter texts are too short to tell
_LETTER_WINDOW = 200_000  # characters searched for a letter (the longest text NER reads)


@functools.lru_cache(maxsize=1)
def _detector():
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in CANDIDATE_LANGS]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def _fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=1)
def _language_names() -> dict[str, str]:
    """Folded language names → ISO 639-1 code: each candidate language's name in English,
    in itself and in pl/lt/ro (Unicode CLDR through Babel), plus "język polski"-like forms."""
    from babel import Locale

    names: dict[str, str] = {}
    for code in CANDIDATE_LANGS:
        for locale in {"en", code, *schemas.SUPPORTED_LANGS}:
            name = Locale.parse(locale).languages.get(code)
            if name:
                names[_fold(name)] = code
    names.update({"jezyk polski": "pl", "lietuviu kalba": "lt", "limba romana": "ro",
                  "moldovan": "ro", "moldavian": "ro"})
    return names


def language_code(value: object) -> str | None:
    """The ISO 639-1 code of a language written in metadata; ``None`` when empty.

    Accepts ISO 639-1 (``pl``), 639-2/B and 639-3 codes (``pol``, ``lit``, ``ron``, ``rum``),
    language tags (``pl-PL``, ``ro_RO``) and names in English or in the language itself, with
    or without diacritics (``Polish``, ``polski``, ``lietuvių``, ``română``, ``Romana``). A
    value it cannot map is returned lower-cased (and is then an unsupported language).

    Examples
    --------
    >>> [language_code(v) for v in ("pol", "rum", "Lithuanian", "română", "ro-RO")]
    ['pl', 'ro', 'lt', 'ro', 'ro']
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    if not text:
        return None
    import pycountry

    key = _fold(text)
    if key in _language_names():
        return _language_names()[key]
    primary = re.split(r"[-_]", key, maxsplit=1)[0]
    if re.fullmatch(r"[a-z]{2,3}", primary):  # a code or a tag: pl, pol, rum, pl-PL
        language = (pycountry.languages.get(alpha_2=primary) if len(primary) == 2 else
                    pycountry.languages.get(alpha_3=primary)
                    or pycountry.languages.get(bibliographic=primary))
        return getattr(language, "alpha_2", None) or primary
    try:
        language = pycountry.languages.lookup(text)
    except LookupError:
        return key
    return getattr(language, "alpha_2", None) or key


def detect_language(text: str) -> tuple[str, float]:
    """Return ``(iso_code, confidence)`` for ``text`` (confidence to 4 decimals);
    ``("und", 0.0)`` when undetermined
    (shorter than 20 characters, or no letter at all: emoji and symbols are no language)."""
    sample = text[:5000]
    if not any(ch.isalpha() for ch in sample):
        return "und", 0.0
    if len(sample.strip()) < _MIN_CHARS:
        return "und", 0.0
    values = _detector().compute_language_confidence_values(sample)
    if not values:
        return "und", 0.0
    best = values[0]
    # lingua's last digits differ between calls on the same text: rounded, reruns are identical
    return best.language.iso_code_639_1.name.lower(), round(float(best.value), 4)


def detect_languages(documents: pd.DataFrame) -> pd.DataFrame:
    """Fill ``lang``, ``lang_source`` and ``lang_confidence``; mark unsupported languages.

    Parameters
    ----------
    documents
        Needs ``text``, ``lang`` (a language given by metadata wins over detection; codes and
        names are read by :func:`language_code`), ``status`` and ``message``.

    Returns
    -------
    DataFrame
        A copy; documents whose language is not pl/lt/ro, or whose text has no letter at all
        (message "no letters"), and whose status was ``ok`` or ``truncated`` get status
        ``unsupported_language``. Does not mutate ``documents``.
    """
    schemas.require(documents, ["text", "lang", "status", "message"], where="detect_languages")
    langs, sources, confidences, statuses, messages = [], [], [], [], []
    for text, lang, status, message in zip(documents["text"], documents["lang"],
                                           documents["status"], documents["message"],
                                           strict=True):
        lang = language_code(lang) if isinstance(lang, str) else None
        letterless = status in ("ok", "truncated") and not any(
            ch.isalpha() for ch in str(text)[:_LETTER_WINDOW])
        if lang:
            source, confidence = "metadata", float("nan")
        elif status in ("ok", "truncated"):
            lang, confidence = detect_language(text)
            source = "detected" if lang != "und" else "none"
        else:
            lang, source, confidence = "und", "none", float("nan")
        if letterless or (status in ("ok", "truncated")
                          and lang not in schemas.SUPPORTED_LANGS):
            note = ("no letters" if letterless
                    else f"language {lang!r} is not supported (pl, lt, ro)" if lang != "und"
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
