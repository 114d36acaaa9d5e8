"""Identity resolution at scale: the faster linking gives the tables the slower one gave.

``resolve_actors`` was made faster (rows read from lists, name keys memoised, surname
similarities scored per block with ``rapidfuzz.process.cdist``; see
``benchmarks/bench_identity.py``). These tests hold it to the tables it produced before, on
seeded synthetic mentions with inflected pl/lt/ro person names, partial names, organisations
and places.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from analysis import identity
from analysis.identity import resolve_actors

#: sha256 of the three tables of ``resolve_actors(synthetic_mentions())``, recorded with the
#: per-pair linking of commit d6358c7 (before the speed-up). A deliberate change of linking
#: behaviour changes it: record the new digest with ``_digest`` after checking the tables.
RECORDED = {
    "mentions": "758f7344b972949db7372dcddc680791b3ca1cd4e4d397dec6a1d75c98ae7061",
    "entities": "6597a75bfb45ba21e4d4324146f8e1bfd713f7a95e52ebb2e6db5b78baa6cdd2",
    "merges": "626a0f6bd473e56a3b718a79fc06c8db4faf0665f6ace94d4d78311b56a17848",
}

_FIRST = (("Władimir", "Vladimiras", "Vladimir"), ("Aleksander", "Aleksandras", "Alexandru"),
          ("Piotr", "Petras", "Petru"), ("Jan", "Jonas", "Ion"),
          ("Siergiej", "Sergejus", "Serghei"), ("Maria", "Marija", "Maria"))
_SYLLABLES = (("ba", "ba", "ba"), ("szo", "šo", "șo"), ("cze", "če", "ce"), ("wa", "va", "va"),
              ("pie", "pe", "pe"), ("łu", "lu", "lu"), ("ko", "ko", "co"), ("ra", "ra", "ra"))
_CODAS = (("w", "v", "v"), ("k", "k", "c"), ("n", "n", "n"), ("sz", "š", "ș"))
_LANGS = ("pl", "lt", "ro")


def synthetic_mentions(n_mentions: int = 4000, n_actors: int = 300, *,
                       seed: int = 0) -> pd.DataFrame:
    """Seeded mentions (``doc_id, lang, text, label``): persons in full, inflected, by
    surname alone and by initial and surname; organisations; places. Near-identical surname
    roots are common on purpose, so that fuzzy linking has work to do."""
    rng = np.random.default_rng(seed)
    actors = []
    for a in range(n_actors):
        parts = [_SYLLABLES[i] for i in rng.integers(len(_SYLLABLES), size=2)]
        parts.append(_CODAS[int(rng.integers(len(_CODAS)))])
        root = ["".join(p[k] for p in parts).capitalize() for k in range(3)]
        kind = ("PER", "PER", "ORG", "LOC")[a % 4]
        forms = {}
        for k, lang in enumerate(_LANGS):
            if kind == "PER":
                first = _FIRST[int(rng.integers(len(_FIRST)))][k]
                end = {"pl": ("", "a"), "lt": ("as", "o"), "ro": ("", "ului")}[lang]
                forms[lang] = [f"{first} {root[k]}{end[0]}", f"{first} {root[k]}{end[1]}",
                               f"{root[k]}{end[1]}", f"{first[0]}. {root[k]}{end[0]}"]
            elif kind == "ORG":
                head = {"pl": "Partia", "lt": "partija", "ro": "Partidul"}[lang]
                forms[lang] = ([f"{root[k]} {head}"] if lang == "lt"
                               else [f"{head} {root[k]}"]) + [root[k].upper()[:3]]
            else:
                forms[lang] = [root[k], root[k] + {"pl": "u", "lt": "e", "ro": "ul"}[lang]]
        actors.append((kind, forms))
    weights = 1.0 / np.arange(1, n_actors + 1)
    weights /= weights.sum()
    per_doc = 30
    doc_lang = rng.integers(3, size=n_mentions // per_doc + 1)
    picks = rng.choice(n_actors, size=n_mentions, p=weights)
    which = rng.random(n_mentions)
    rows = []
    for i, (actor, r) in enumerate(zip(picks, which, strict=True)):
        doc = i // per_doc
        lang = _LANGS[doc_lang[doc]]
        kind, forms = actors[actor]
        own = forms[lang]
        rows.append((f"d{doc:04d}", lang, own[int(r * len(own))], kind))
    return pd.DataFrame(rows, columns=["doc_id", "lang", "text", "label"]).astype("string")


def _digest(tables: tuple[pd.DataFrame, ...]) -> dict[str, str]:
    return {name: hashlib.sha256(t.to_csv(index=False).encode()).hexdigest()
            for name, t in zip(("mentions", "entities", "merges"), tables, strict=True)}


def _link_surnames_pairwise(units, uf, blocks):
    """The per-pair surname linking of commit d6358c7, kept as the reference."""
    sim, jw = identity._sim, identity.SURNAME_JW
    shorts = sorted((u for u in units.values() if u.group == "PER" and u.kind == "surname"),
                    key=lambda u: u.uid)
    out = []
    for u in shorts:
        initial = u.key.split(". ")[0] if ". " in u.key else ""
        cands = [c for c in blocks.get(u.surname[:2], ())
                 if (not initial or c.first[:1] == initial) and sim(u.surname, c.surname) >= jw]
        if not cands:
            continue
        best = max(cands, key=lambda c: (sim(u.surname, c.surname), len(c.rows), c.uid))
        if len({uf.find(c.uid) for c in cands}) == 1:
            score = sim(u.surname, best.surname)
            out += identity._join(units, uf, best.uid, u.uid, round(score * 0.9, 3),
                                  f"surname {score:.2f}")
    short_blocks = defaultdict(list)
    for u in shorts:
        short_blocks[u.surname[:2]].append(u)
    for block in short_blocks.values():
        for i, a in enumerate(block):
            for b in block[i + 1:]:
                ia = a.key.split(". ")[0] if ". " in a.key else ""
                ib = b.key.split(". ")[0] if ". " in b.key else ""
                if ia and ib and ia != ib:
                    continue
                score = sim(a.surname, b.surname)
                if score >= jw:
                    out += identity._join(units, uf, a.uid, b.uid, round(score * 0.9, 3),
                                          f"surname {score:.2f}")
    return out


@pytest.fixture(scope="module")
def synthetic() -> pd.DataFrame:
    return synthetic_mentions()


@pytest.fixture(scope="module")
def resolved(synthetic) -> tuple[pd.DataFrame, ...]:
    return resolve_actors(synthetic)


def test_synthetic_mentions_exercise_fuzzy_linking(resolved):
    reasons = resolved[2]["reason"].str.split(" ").str[0].value_counts()
    assert reasons.get("surname", 0) >= 50
    assert reasons.get("translit+fuzzy", 0) >= 10
    assert reasons.get("in-document", 0) >= 10


def test_tables_equal_the_recorded_ones(resolved):
    assert _digest(resolved) == RECORDED


@pytest.mark.parametrize("seed", [1, 2])
def test_block_scoring_equals_pairwise_reference(monkeypatch, seed):
    mentions = synthetic_mentions(3000, 400, seed=seed)
    fast = resolve_actors(mentions)
    monkeypatch.setattr(identity, "_link_surnames", _link_surnames_pairwise)
    slow = resolve_actors(mentions)
    for got, want in zip(fast, slow, strict=True):
        pd.testing.assert_frame_equal(got, want)


def test_result_does_not_depend_on_memos(synthetic, resolved):
    for memo in (identity._key, identity._person_parts, identity._lookup_place):
        memo.cache_clear()
    shuffled = synthetic.sample(frac=1.0, random_state=3)
    again = resolve_actors(shuffled)
    back = again[0].set_axis(shuffled.index).sort_index()
    pd.testing.assert_frame_equal(back, resolved[0])
    pd.testing.assert_frame_equal(again[1], resolved[1])
    pd.testing.assert_frame_equal(again[2], resolved[2])
