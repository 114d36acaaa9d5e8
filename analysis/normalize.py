"""Base (nominative) forms of inflected named-entity mentions.

Polish, Lithuanian and Romanian inflect names: ``Władimira Putina`` is ``Władimir Putin``,
``Vladimiro Putino`` is ``Vladimiras Putinas``, ``lui Lukașenko`` is ``Lukașenko``. A general
lemmatizer mangles foreign surnames, and suffix rules alone cannot tell the genitive ``Putina``
from the nominative ``Anna``. :func:`add_base_forms` therefore combines three kinds of evidence
for every token of a mention:

1. name-aware suffix rules per language, each proposing a candidate nominative with a prior
   weight (``Putinowi`` -> ``Putin``, ``Moskwie`` -> ``Moskwa`` or ``Moskw``, ...);
2. the token lemma from the shipped Stanza lemmatizer, when the ``lemma`` column has one: a
   vote among the rule candidates, for lower-case words only (on capitalised names a general
   lemmatizer was measured to do harm);
3. consistency across the corpus: a candidate that is itself attested as a token of another
   mention (``Putin`` next to ``Putina``), or as a name in the gazetteer used for linking
   (Unicode CLDR / ISO 3166 country names, GeoNames city names), gets a bonus.

Multi-word names follow the head rules of each language: in Polish and Romanian the leading
adjectives, the head noun and the adjectives agreeing with it change, a genitive complement
does not (``Partii Niepodległości Wielkiej Brytanii`` -> ``Partia Niepodległości Wielkiej
Brytanii``); in Lithuanian the head is the last word and preceding genitives stay
(``Rusijos Federacijos`` -> ``Rusijos Federacija``). Person names change in every word.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable

import pandas as pd

from analysis import schemas

logger = logging.getLogger(__name__)

__all__ = ["add_base_forms", "base_form", "token_candidates"]

#: Weight added to a candidate that occurs as a token of another mention in the corpus.
ATTESTED_BONUS = 0.6
#: Weight added to a candidate equal to the lemmatizer's token lemma (lower-case words only).
LEMMA_BONUS = 0.2
#: Weight added to a candidate whose whole mention form is attested or in the gazetteer.
WHOLE_BONUS = 0.8
#: Weight added to a candidate that is a known place name when the word is not.
GAZETTEER_BONUS = 0.7
#: Extra weight for a gazetteer name that the corpus also uses (Warszawa over Warszaw).
GAZETTEER_CORPUS_BONUS = 0.1
#: Weight added to the oblique readings of a Romanian feminine noun phrase in agreement.
RO_AGREEMENT_BONUS = 0.3
#: Rule weight from which an oblique form counts as an occurrence of its base form.
STRONG_RULE = 0.6

# (suffix, replacement, weight). Every rule whose suffix matches proposes a candidate; the
# identity candidate gets the weight from the *_IDENTITY tables (default 0.5).
_PL_RULES: tuple[tuple[str, str, float], ...] = (
    # apostrophe inflection of foreign names: Farage'a, Blaira'owi
    ("'a", "", 1.2), ("'owi", "", 1.2), ("'em", "", 1.2), ("'u", "", 1.2), ("'ego", "", 1.2),
    ("'emu", "", 1.2), ("'m", "", 1.2), ("'ie", "", 1.2), ("'y", "", 1.2), ("'ów", "", 1.2),
    # unambiguous oblique endings: the rule beats the identity
    ("owi", "", 0.9), ("ą", "a", 0.9), ("ię", "ia", 0.85), ("ę", "a", 0.85),
    ("kiego", "ki", 0.8), ("giego", "gi", 0.8), ("ego", "y", 0.65), ("iego", "i", 0.65),
    ("kiemu", "ki", 0.7), ("emu", "y", 0.6), ("iemu", "i", 0.6),
    ("kiej", "ka", 0.75), ("giej", "ga", 0.75), ("ej", "a", 0.6), ("u", "", 0.6),
    ("żu", "ż", 0.6), ("em", "", 0.6), ("ym", "y", 0.6), ("im", "i", 0.6),
    ("ii", "ia", 0.75), ("ji", "ja", 0.75),
    # ambiguous endings: the rule needs corpus or gazetteer evidence to win
    ("owie", "ów", 0.45), ("owie", "", 0.2), ("iem", "", 0.45), ("em", "o", 0.2),
    ("iu", "", 0.45), ("owu", "ów", 0.45),
    ("ie", "", 0.4), ("ie", "a", 0.35), ("wie", "wo", 0.25), ("ie", "o", 0.15),
    ("dzie", "da", 0.4), ("dzie", "d", 0.4), ("cie", "ta", 0.4), ("cie", "t", 0.4),
    ("ce", "ka", 0.45), ("dze", "ga", 0.45), ("rze", "ra", 0.4), ("rze", "r", 0.4),
    ("le", "ła", 0.3), ("ście", "sta", 0.4), ("ście", "st", 0.4), ("śle", "sła", 0.4),
    ("źle", "zła", 0.4), ("ii", "ie", 0.25), ("ji", "je", 0.2),
    ("i", "a", 0.45), ("i", "ia", 0.3), ("si", "ś", 0.45), ("ci", "ć", 0.45),
    ("ni", "ń", 0.45), ("zi", "ź", 0.45), ("dzi", "dź", 0.45), ("ści", "ść", 0.45),
    # mobile e: no Polish word ends in -zk/-żk (Związku, Związkiem -> Związek)
    ("zku", "zek", 0.65), ("zka", "zek", 0.35), ("zkiem", "zek", 0.65),
    ("zkowi", "zek", 0.95), ("żku", "żek", 0.65), ("żka", "żek", 0.35),
    ("żkiem", "żek", 0.65), ("żkowi", "żek", 0.95),
    # soft masculine stems: Poznania, Poznaniu, Poznaniem -> Poznań
    ("nia", "ń", 0.3), ("niu", "ń", 0.3), ("niem", "ń", 0.3), ("cia", "ć", 0.2),
    ("sia", "ś", 0.2), ("zia", "ź", 0.2),
    ("y", "a", 0.45), ("y", "o", 0.1),
    ("a", "", 0.3), ("a", "o", 0.2), ("ka", "ek", 0.25), ("ła", "eł", 0.25),
    ("ńca", "niec", 0.3), ("ca", "ec", 0.2), ("owa", "ów", 0.3), ("ia", "", 0.3),
    ("ia", "ie", 0.2), ("ego", "e", 0.25), ("ym", "e", 0.25), ("im", "ie", 0.2),
    ("iej", "ia", 0.35), ("ę", "", 0.1), ("ą", "", 0.1),
    ("ych", "e", 0.35), ("ych", "y", 0.3), ("ich", "ie", 0.3), ("ich", "i", 0.3),
    ("ymi", "e", 0.35), ("imi", "ie", 0.3),
    ("ach", "y", 0.45), ("ach", "a", 0.2), ("ach", "e", 0.2), ("ach", "ie", 0.2),
    ("ami", "y", 0.4), ("ami", "e", 0.2), ("om", "y", 0.3), ("om", "e", 0.15),
    ("ów", "y", 0.3), ("ów", "i", 0.2), ("ów", "ie", 0.2), ("ów", "owie", 0.2),
    ("ków", "cy", 0.3), ("kami", "cy", 0.3), ("kom", "cy", 0.3), ("kach", "cy", 0.3),
    ("rów", "rzy", 0.2), ("tów", "ci", 0.2), ("ów", "owie", 0.2),
    # plurale tantum place names: Niemiec/Niemczech -> Niemcy, Chin -> Chiny, Węgier -> Węgry
    ("", "y", 0.15), ("iec", "cy", 0.3), ("ier", "ry", 0.3), ("szech", "chy", 0.45),
    ("rzech", "ry", 0.45), ("czech", "cy", 0.45), ("ech", "y", 0.2),
)
# nominative plural of masculine-personal nouns from the genitive plural (people, parties)
_PL_GROUP_RULES: tuple[tuple[str, str, float], ...] = (
    ("stów", "ści", 0.55), ("tów", "ci", 0.5), ("czyków", "czycy", 0.55), ("ków", "cy", 0.5),
    ("anów", "anie", 0.5), ("sów", "si", 0.45), ("rów", "rzy", 0.45), ("dów", "dzi", 0.4),
    ("nów", "ni", 0.35), ("lów", "le", 0.3), ("ów", "owie", 0.35), ("ów", "i", 0.3),
    ("ów", "y", 0.3),
)
# identity weight by ending (longest match wins); default 0.5
_PL_IDENTITY: tuple[tuple[str, float], ...] = (
    ("owi", 0.1), ("ego", 0.1), ("emu", 0.1), ("ą", 0.05), ("ę", 0.1), ("ej", 0.2),
    ("em", 0.3), ("ym", 0.3), ("im", 0.3), ("ii", 0.2), ("ji", 0.2), ("u", 0.35),
    ("ski", 0.9), ("cki", 0.9), ("dzki", 0.9), ("ska", 0.9), ("cka", 0.9), ("dzka", 0.9),
    ("anie", 0.7), ("owie", 0.5), ("cy", 0.55), ("rzy", 0.55),
    ("si", 0.45), ("ci", 0.45), ("zi", 0.45), ("ni", 0.45), ("dzi", 0.45), ("li", 0.45),
)

_LT_RULES: tuple[tuple[str, str, float], ...] = (
    ("o", "as", 0.6), ("io", "is", 0.35), ("io", "ys", 0.3), ("io", "ius", 0.3),
    ("aus", "us", 0.6), ("iaus", "ius", 0.65),
    ("ui", "as", 0.5), ("iui", "is", 0.3), ("iui", "ius", 0.3), ("iui", "ys", 0.25),
    ("ą", "as", 0.45), ("ą", "a", 0.45), ("ią", "is", 0.3), ("ią", "ys", 0.2),
    ("u", "as", 0.4), ("iu", "is", 0.3), ("iu", "ius", 0.3),
    ("e", "as", 0.35), ("yje", "is", 0.4), ("yje", "ys", 0.35), ("uje", "us", 0.5),
    ("oje", "a", 0.75), ("ėje", "ė", 0.75), ("iuje", "ius", 0.55),
    ("os", "a", 0.75), ("ės", "ė", 0.7), ("ai", "a", 0.5), ("ai", "as", 0.2),
    ("ei", "ė", 0.6), ("ę", "ė", 0.7), ("ų", "ai", 0.2), ("ų", "os", 0.2),
    ("ams", "ai", 0.3), ("oms", "os", 0.3), ("uose", "ai", 0.3), ("ose", "os", 0.3),
)
_LT_IDENTITY: tuple[tuple[str, float], ...] = (
    ("as", 0.8), ("is", 0.8), ("ys", 0.8), ("us", 0.8), ("ius", 0.85), ("aus", 0.2),
    ("a", 0.7), ("ė", 0.7), ("os", 0.3), ("ės", 0.3), ("ai", 0.3), ("o", 0.2), ("ą", 0.05),
    ("ę", 0.05), ("ui", 0.1), ("oje", 0.05), ("ėje", 0.05), ("uje", 0.05), ("yje", 0.05),
)

_RO_RULES: tuple[tuple[str, str, float], ...] = (
    ("unii", "unea", 0.4),  # Uniunii -> Uniunea, Națiunii -> Națiunea
    ("ului", "", 0.75), ("ul", "", 0.6), ("le", "", 0.2), ("lui", "", 0.3),
    ("ei", "a", 0.6), ("ii", "ia", 0.35), ("ii", "ea", 0.35), ("ice", "ică", 0.3),
    ("ene", "eană", 0.3), ("elor", "ele", 0.4), ("ilor", "ii", 0.3), ("e", "ă", 0.25),
)
_RO_IDENTITY: tuple[tuple[str, float], ...] = (
    ("ului", 0.1), ("ul", 0.35), ("ei", 0.3), ("ii", 0.4), ("elor", 0.2), ("ilor", 0.2),
)

_RULES = {"pl": _PL_RULES, "lt": _LT_RULES, "ro": _RO_RULES}
_IDENTITY = {"pl": _PL_IDENTITY, "lt": _LT_IDENTITY, "ro": _RO_IDENTITY}
# identity weights that differ for person names (first names ending in -ej, -ei, ...)
_PER_IDENTITY = {"pl": {"ej": 0.8, "u": 0.65}, "ro": {"ei": 0.8, "ii": 0.6}, "lt": {}}

#: Particles inside person names that never inflect.
_PARTICLES = frozenset(
    "de da di du del della der den van von vom zu la le el al bin ibn ben bint y e i of the"
    .split()
)
_ACRONYM_CASE = re.compile(
    r"^([A-ZĄĆĘŁŃÓŚŹŻ0-9&]{2,})[-–]?(u|em|owi|ie|a|ach|ów|y|ę|ą|i|ze|o|ui|ul|ului)$"
)
_PL_ADJ = ("ej", "ego", "emu", "ym", "im", "ych", "ich", "ymi", "imi", "ą", "ski", "cki",
           "ska", "cka", "na", "ny", "ne", "wa", "wy", "we", "ki", "ka", "kie")
_PL_ADJ_OBLIQUE = ("ej", "ego", "emu", "ym", "im", "ych", "ich", "ymi", "imi", "ą")
_RO_ADJ = ("ă", "ice", "ene", "ană", "eană", "ică")


def _identity_weight(token: str, lang: str, label: str) -> float:
    low = token.lower()
    per = _PER_IDENTITY.get(lang, {}) if label == "PER" else {}
    for suffix, weight in sorted(per.items(), key=lambda kv: -len(kv[0])):
        if low.endswith(suffix):
            return weight
    for suffix, weight in sorted(_IDENTITY.get(lang, ()), key=lambda kv: -len(kv[0])):
        if low.endswith(suffix):
            return weight
    return 0.5


def token_candidates(token: str, lang: str, label: str = "PER") -> dict[str, float]:
    """Return candidate base forms of one word with their prior weights.

    Parameters
    ----------
    token
        One whitespace-free word of a name as written (``Putina``).
    lang
        ISO 639-1 code; languages without rules give only the identity.
    label
        Entity label; person names allow more first-name endings.

    Returns
    -------
    dict
        candidate -> weight; always contains ``token`` itself.

    Examples
    --------
    >>> max(token_candidates("Putinowi", "pl").items(), key=lambda kv: kv[1])[0]
    'Putin'
    """
    out: dict[str, float] = {token: _identity_weight(token, lang, label)}
    rules = _RULES.get(lang, ())
    if label == "PER" and lang == "pl":
        rules = rules + (("a", "", 0.45),)  # masculine genitive/accusative of surnames
    if label in ("PER", "ORG") and lang == "pl" and token.endswith("ów"):
        # groups of people (torysów, Europejczyków, demokratów): genitive plural of a
        # masculine-personal noun, whose nominative plural never ends in -ów
        rules = _PL_GROUP_RULES + rules
        out[token] = 0.15
    match = _ACRONYM_CASE.match(token)
    if match and lang in _RULES:
        return {match.group(1): 1.2, token: 0.1}
    if not token or _is_frozen(token):
        out[token] = 1.0
        return out
    low = token.lower()
    for suffix, repl, weight in rules:
        if low.endswith(suffix) and len(low) - len(suffix) >= 2:
            stem = token[: len(token) - len(suffix)]
            if not repl and stem[-1:].lower() in "aeiouyąęó" and suffix in ("a", "ia", "u"):
                continue  # Asia is not the genitive of *Asi
            cand = stem + repl
            if cand and cand[-1] in "'’-":
                cand = cand[:-1]
            if len(cand) >= 2 and weight > out.get(cand, -1.0):
                out[cand] = weight
            if lang == "pl" and re.search(r"[^aeiouyąęó]o[dgbwzżr]$", cand):
                alt = cand[:-2] + "ó" + cand[-1]  # Zachodu -> Zachód, Krakowa -> Kraków
                # place names prefer -ów (Kraków, Charków), surnames keep -ow (Pieskow)
                delta = 0.05 if label == "LOC" else -0.05
                out[alt] = max(out.get(alt, 0.0), weight + delta)
    return out


def _is_frozen(token: str) -> bool:
    """Initials, abbreviations, acronyms, numbers, web names: never inflected."""
    if token.endswith(".") or "." in token.strip("."):
        return True
    letters = [c for c in token if c.isalpha()]
    if not letters:
        return True
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return True
    # camel case (iPhone, McDonald) is left alone except for apostrophe endings
    return any(c.isupper() for c in token[1:]) and "'" not in token


def _match_case(candidate: str, surface: str) -> str:
    if surface[:1].isupper() and candidate[:1].islower():
        return candidate[:1].upper() + candidate[1:]
    return candidate


Attest = Callable[[str, str], float]


def _scored(cands: dict[str, float], token: str, lemma: str | None, attest: Attest) -> dict:
    scored = dict(cands)
    if lemma and lemma.strip() and token[:1].islower():
        # a general lemmatizer mangles foreign names (Farage -> Faraga, Theresa -> Theres) and
        # turns plurals and feminine adjectives into masculine singulars (Wielka Brytania ->
        # Wielki Brytania): measured on SlavicNER it lowers accuracy on capitalised words, so
        # it votes only on lower-case words, and only among the forms the name rules allow
        if lemma in scored:
            scored[lemma] += LEMMA_BONUS
    for cand in list(scored):
        if cand != token and cand.casefold() != token.casefold():
            scored[cand] += attest(cand, token)
    return scored


def _ranked(scored: dict[str, float], token: str = "") -> list[str]:
    # stable choice: best score, then the word as written, then the longer form, then A-Z
    items = sorted(
        scored.items(),
        key=lambda kv: (-round(kv[1], 6), kv[0] != token, -len(kv[0]), kv[0]),
    )
    return [k for k, _ in items]


def _changes_mask(tokens: list[str], lang: str, label: str) -> list[bool]:
    """Which words of a multi-word name take part in inflection."""
    n = len(tokens)
    if label == "PER" or n == 1:
        return [t.lower() not in _PARTICLES for t in tokens]
    low = [t.lower() for t in tokens]
    if lang == "lt":
        mask = [False] * n
        mask[-1] = True
        return mask
    adj = _RO_ADJ if lang == "ro" else _PL_ADJ_OBLIQUE
    mask = [False] * n
    i = 0
    # leading adjectives and abbreviations (premodifiers) + the head noun
    while i < n:
        mask[i] = True
        frozen = _is_frozen(tokens[i])
        if not (frozen or (lang != "ro" and low[i].endswith(adj))) or i == n - 1:
            break
        i += 1
    # agreeing adjectives after the head (Romanian feminine oblique: Federației Ruse)
    after = _PL_ADJ_OBLIQUE
    if lang == "ro":
        after = adj + ("e",) if low[i].endswith(("ii", "ei")) else adj
    j = i + 1
    while j < n and low[j].endswith(after):
        mask[j] = True
        j += 1
    return mask


def base_form(
    text: str,
    lang: str,
    label: str = "PER",
    *,
    lemma: str | None = None,
    attested: Callable[[str], bool] | None = None,
    attested_whole: Callable[[str], bool] | None = None,
    attest: Attest | None = None,
    corpus_words: Callable[[str], bool] | None = None,
) -> str:
    """Return the nominative base form of one mention.

    Parameters
    ----------
    text
        The surface form (``Władimira Putina``).
    lang
        ISO 639-1 code (``pl``, ``lt``, ``ro``; others are returned as written, cleaned).
    label
        ``PER``, ``ORG``, ``LOC``, ``EVT`` or ``PRO``.
    lemma
        Token lemmas joined with the original spacing, or None.
    attested
        Predicate: is this word attested as a (nominative) word of another mention or in a
        gazetteer? Ignored when ``attest`` is given.
    attested_whole
        Predicate: is this whole name attested as another mention's form or a known name?
    attest
        ``attest(candidate, word) -> bonus``; a graded version of ``attested``.
    corpus_words
        Predicate: does this word occur (in any case form) in the mentions of the corpus?
        Used to tell feminine names (``Krystyna Janda`` next to ``Krystyny Jandy``) from
        masculine genitives (``Władimira Putina``).

    Examples
    --------
    >>> base_form("Władimira Putina", "pl", attested=lambda w: w in {"Władimir", "Putin"})
    'Władimir Putin'
    >>> base_form("lui Lukașenko", "ro")
    'Lukașenko'
    """
    if attest is None:
        pred = attested or (lambda _w: False)

        def attest(cand: str, _tok: str) -> float:
            return ATTESTED_BONUS if pred(cand) else 0.0

    attested_whole = attested_whole or (lambda _w: False)
    clean = " ".join(str(text).split())
    if not clean:
        return clean
    if lang == "ro":
        clean = re.sub(r"^(?:lui|lu|al|ale|ai)\s+(?=\S)", "", clean, flags=re.IGNORECASE)
    if lang not in _RULES:
        return clean
    tokens = clean.split(" ")
    lemmas: list[str | None] = [None] * len(tokens)
    if lemma is not None and isinstance(lemma, str) and lemma.strip():
        lem = " ".join(lemma.split()).split(" ")
        if lang == "ro" and len(lem) == len(tokens) + 1:
            lem = lem[1:]
        if len(lem) == len(tokens):
            lemmas = list(lem)
    mask = _changes_mask(tokens, lang, label)
    genitive_per = (
        lang == "pl" and label == "PER" and len(tokens) > 1
        and all(t.endswith("a") and not t.endswith(("ska", "cka", "dzka"))
                and not (t.endswith(("owa", "ewa")) and not (
                    corpus_words and corpus_words(t[:-1])))  # Zacharowa, unless Pieskow
                for t in tokens if not _is_frozen(t))
        and not (corpus_words and any(
            _a_stem_evidence(t, corpus_words) for t in tokens if not _is_frozen(t)))
    )
    # Romanian feminine genitive/dative phrase: head in -ii/-ei with an agreeing adjective in
    # -e (Uniunii Sovietice -> Uniunea Sovietică, Uniunii Europene -> Uniunea Europeană)
    ro_oblique = (
        lang == "ro" and label != "PER" and len(tokens) > 1 and mask[0]
        and tokens[0].lower().endswith(("ii", "ei"))
        and any(m and t.lower().endswith("e") for t, m in zip(tokens[1:], mask[1:], strict=True))
    )
    options: list[list[str]] = []
    for tok, lem, change in zip(tokens, lemmas, mask, strict=True):
        core, trail = tok, ""
        while core and core[-1] in ",;:!?\"”»)":
            core, trail = core[:-1], core[-1] + trail
        if not change or not core:
            options.append([tok])
            continue
        cands = token_candidates(core, lang, label)
        if genitive_per and core[:-1] in cands:
            cands[core[:-1]] = max(cands[core[:-1]], 0.55)  # Jewgienija Prigożyna
        if ro_oblique:
            cands = {c: w + (RO_AGREEMENT_BONUS if c != core else 0.0) for c, w in cands.items()}
        ranked = _ranked(_scored(cands, core, lem, attest), core)
        options.append([c + trail for c in ranked[:3]])
    if lang == "pl" and label != "PER" and len(tokens) > 1:
        # agreement: an adjective after the head changes only together with the head
        head = next((i for i, m in enumerate(mask) if m and not (
            _is_frozen(tokens[i]) or tokens[i].lower().endswith(_PL_ADJ_OBLIQUE))), None)
        if head is not None and options[head][0] == tokens[head]:
            for j in range(head + 1, len(tokens)):
                options[j] = [tokens[j]]
    best = " ".join(o[0] for o in options)
    if len(tokens) > 1 and best != clean:
        # whole-name consistency: prefer a variant attested as a whole name elsewhere
        for combo in itertools.islice(itertools.product(*options), 64):
            name = " ".join(combo)
            if name != clean and attested_whole(name):
                return name
    return best


def _a_stem_evidence(token: str, corpus_words: Callable[[str], bool]) -> bool:
    """Whether the corpus has a feminine-declension form of ``token`` (Krystyna: Krystyny)."""
    stem = token[:-1]
    endings = ("y", "ą", "ę") + (("i",) if stem[-1:] in ("k", "g", "l", "i") else ())
    return len(stem) >= 2 and any(corpus_words(stem + e) for e in endings)


def _corpus_evidence(
    texts: pd.Series, lang: str, label: str, gazetteer: Callable[[str], float] | None
) -> Attest:
    """Build the corpus-consistency evidence for the mentions of one language and label.

    A word counts as evidence for a candidate base form only when it is nominative-like in
    the corpus (it does not itself look like an oblique form of another attested word) and
    is not much rarer than the word being normalised. Pairs such as ``Kraków``/``Krakowie``
    are settled by the direction whose suffix rule is stronger.
    """
    counts = _word_counts(texts)
    words = sorted(w for w in counts if w)
    folded: Counter = Counter()
    for word, n in counts.items():
        folded[word.casefold()] += n
    # paradigm support: other words that are unambiguous oblique forms of a candidate
    # (koronawirusowi, koronawirusem -> koronawirus) count as occurrences of it
    contrib: dict[tuple[str, str], int] = {}
    support: Counter = Counter()
    for word in words:
        for cand, weight in token_candidates(word, lang, label).items():
            if cand != word and weight >= STRONG_RULE:
                key = (cand.casefold(), word.casefold())
                contrib[key] = contrib.get(key, 0) + counts[word]
                support[cand.casefold()] += counts[word]

    def make(nom: set[str]) -> Attest:
        def attest(cand: str, tok: str) -> float:
            low = cand.casefold()
            bonus = 0.0
            if low in nom:
                seen = folded.get(low, 0) + support.get(low, 0) - contrib.get(
                    (low, tok.casefold()), 0)
                ratio = 2.0 * seen / max(folded.get(tok.casefold(), 1), 1)
                bonus = ATTESTED_BONUS * max(0.3, min(1.0, ratio))
            if gazetteer is not None and gazetteer(cand) > gazetteer(tok):
                # a known place name; a little more when the corpus uses it too
                bonus = GAZETTEER_BONUS + (GAZETTEER_CORPUS_BONUS if bonus else 0.0)
            return bonus

        return attest

    attest_all = make({w.casefold() for w in words})
    oblique = set()
    for word in words:
        cands = token_candidates(word, lang, label)
        best = _ranked(_scored(cands, word, None, attest_all), word)[0]
        if best == word:
            continue
        back = token_candidates(best, lang, label).get(word)
        if back is not None and back > cands.get(best, 0.0):
            continue  # the pair goes the other way (Kraków <- Krakowie)
        oblique.add(word)
    return make({w.casefold() for w in words} - {w.casefold() for w in oblique})


def _word_counts(texts: Iterable[str]) -> Counter:
    counts: Counter = Counter()
    for text in texts:
        for word in str(text).split():
            counts[word.strip(",;:!?\"”»)(«„")] += 1
    return counts


def add_base_forms(
    mentions: pd.DataFrame,
    *,
    gazetteer: Callable[[str], float] | None = None,
) -> pd.DataFrame:
    """Return ``mentions`` with ``base_form`` filled: the nominative form of each whole name.

    Parameters
    ----------
    mentions
        Mentions table (see ``analysis.schemas`` "mentions"); needs ``doc_id``, ``lang``,
        ``text``, ``label``; uses ``lemma`` (token lemmas joined with the original spacing,
        may be NA) when present. Other columns are kept as they are.
    gazetteer
        Optional function telling how well known a name is as a place or country name (0 or
        False: unknown; a candidate better known than the word as written gains weight); by
        default the rank in the multilingual gazetteer of :mod:`analysis.identity` (CLDR, ISO 3166,
        GeoNames) is used for ``LOC`` mentions when it can be loaded.

    Returns
    -------
    DataFrame
        Same rows, same order, same columns, with ``base_form`` (string) filled. Does not
        mutate the input.

    Notes
    -----
    The corpus itself is evidence: a candidate base form that is attested as a word of any
    mention of the same language is preferred, so the result for one mention can depend on
    the other mentions passed in the same call (deterministically, not on row order).
    """
    schemas.require(mentions, ["doc_id", "lang", "text", "label"], where="add_base_forms")
    out = mentions.copy()
    if out.empty:
        out["base_form"] = pd.Series(dtype="string")
        return out
    if gazetteer is None:
        gazetteer = _default_gazetteer()
    langs = out["lang"].astype("string").fillna("und")
    labels = out["label"].astype("string").fillna("")
    texts = out["text"].astype("string").fillna("")
    lemmas = (
        out["lemma"].astype("string") if "lemma" in out.columns
        else pd.Series(pd.NA, index=out.index, dtype="string")
    )
    result = pd.Series("", index=out.index, dtype="string")
    for lang in sorted(langs.unique()):
        sel_lang = langs == lang
        wholes = {" ".join(str(t).split()) for t in texts[sel_lang]}
        lang_words = {w.casefold() for w in _word_counts(texts[sel_lang])}

        def corpus_words(word: str, _w=lang_words) -> bool:
            return word.casefold() in _w

        def attested_whole(name: str, _n=wholes) -> bool:
            return name in _n or bool(gazetteer and gazetteer(name))

        for label in sorted(labels[sel_lang].unique()):
            sel = sel_lang & (labels == label)
            attest = _corpus_evidence(
                texts[sel], str(lang), str(label), gazetteer if label == "LOC" else None
            )
            cache: dict[tuple, str] = {}
            for idx in out.index[sel]:
                text = str(texts[idx])
                lem = lemmas[idx]
                lem = None if pd.isna(lem) else str(lem)
                key = (text, lem)
                if key not in cache:
                    cache[key] = base_form(
                        text, str(lang), str(label), lemma=lem, attest=attest,
                        attested_whole=attested_whole, corpus_words=corpus_words,
                    )
                result[idx] = cache[key]
    out["base_form"] = _majority_casing(result, langs)
    return out


def _majority_casing(base: pd.Series, langs: pd.Series) -> pd.Series:
    """Capitalise each base form the way most mentions of it are (brexit -> Brexit)."""
    frame = pd.DataFrame({"base": base.astype("string"), "lang": langs.astype("string")})
    frame["fold"] = frame["base"].str[:1].str.casefold() + frame["base"].str[1:]
    counts = frame.groupby(["lang", "fold", "base"], sort=True).size().reset_index(name="n")
    counts["upper"] = counts["base"].str[:1].str.isupper()
    counts = counts.sort_values(["lang", "fold", "n", "upper", "base"],
                                ascending=[True, True, False, False, True])
    best = counts.drop_duplicates(["lang", "fold"]).set_index(["lang", "fold"])["base"]
    keys = pd.MultiIndex.from_arrays([frame["lang"], frame["fold"]])
    return pd.Series(best.reindex(keys).to_numpy(), index=base.index, dtype="string")


def _default_gazetteer() -> Callable[[str], float]:
    from analysis.names import gazetteer_rank

    return gazetteer_rank
