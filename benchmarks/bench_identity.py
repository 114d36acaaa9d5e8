"""Identity resolution at scale, measured side by side in one run (prints ratios).

    python benchmarks/bench_identity.py [--mentions 200000] [--names 1000 4000 16000]
                                        [--seed 0] [--profile]

Builds seeded synthetic mention tables of ``--mentions`` mentions each over a growing number
of distinct names (surface forms): persons with inflected pl/lt/ro variants of one name
(``Baranowa``, ``Baranovo``, ``Baranov``), partial names (surname alone, initial and
surname), organisations and places, actors drawn with Zipf-like frequencies. Base forms are
filled by :func:`analysis.normalize.add_base_forms` (not timed); then
:func:`analysis.identity.resolve_actors` is timed per size, and each step's growth is printed
as the ratio of times against the ratio of distinct names (exponent 1: linear, 2:
quadratic). ``--profile`` adds the top functions of a cProfile of the largest size.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import math
import pstats
import time

import numpy as np
import pandas as pd

from analysis import identity
from analysis.normalize import add_base_forms

LANGS = ("pl", "lt", "ro")
#: Given names as (pl, lt, ro).
FIRST_NAMES = (
    ("Władimir", "Vladimiras", "Vladimir"), ("Aleksander", "Aleksandras", "Alexandru"),
    ("Piotr", "Petras", "Petru"), ("Jan", "Jonas", "Ion"), ("Andrzej", "Andrius", "Andrei"),
    ("Michał", "Mykolas", "Mihai"), ("Tomasz", "Tomas", "Toma"), ("Paweł", "Paulius", "Pavel"),
    ("Siergiej", "Sergejus", "Serghei"), ("Dmitrij", "Dmitrijus", "Dmitri"),
    ("Katarzyna", "Kotryna", "Ecaterina"), ("Maria", "Marija", "Maria"),
    ("Anna", "Ona", "Ana"), ("Elena", "Elena", "Elena"), ("Jerzy", "Jurgis", "Gheorghe"),
    ("Mikołaj", "Mikalojus", "Nicolae"), ("Wiktor", "Viktoras", "Victor"),
    ("Igor", "Igoris", "Igor"), ("Olga", "Olga", "Olga"), ("Natalia", "Natalija", "Natalia"),
)
#: Syllables of surname and place roots in Polish spelling, with their lt and ro spellings.
SYLLABLES = (
    ("ba", "ba", "ba"), ("ra", "ra", "ra"), ("no", "no", "no"), ("szo", "šo", "șo"),
    ("cze", "če", "ce"), ("ko", "ko", "co"), ("wa", "va", "va"), ("le", "le", "le"),
    ("mi", "mi", "mi"), ("do", "do", "do"), ("go", "go", "go"), ("ru", "ru", "ru"),
    ("sta", "sta", "sta"), ("pie", "pe", "pe"), ("tro", "tro", "tro"), ("ża", "ža", "ja"),
    ("łu", "lu", "lu"), ("ka", "ka", "ca"), ("wie", "ve", "ve"), ("sze", "še", "șe"),
    ("dra", "dra", "dra"), ("bro", "bro", "bro"), ("zi", "zi", "zi"), ("fe", "fe", "fe"),
)
CODAS = (("w", "v", "v"), ("k", "k", "c"), ("n", "n", "n"), ("r", "r", "r"), ("sz", "š", "ș"))
#: Case endings added to a person's surname root (the first is the nominative).
SURNAME_ENDINGS = {"pl": ("", "a", "owi", "em"), "lt": ("as", "o", "ui", "ą"),
                   "ro": ("", "", "ului", "")}
ORG_HEADS = {"pl": ("Partia", "Ministerstwo", "Fundacja", "Bank", "Związek"),
             "lt": ("partija", "ministerija", "fondas", "bankas", "sąjunga"),
             "ro": ("Partidul", "Ministerul", "Fundația", "Banca", "Uniunea")}
ORG_HEADS_GEN = {"pl": ("Partii", "Ministerstwa", "Fundacji", "Banku", "Związku"),
                 "lt": ("partijos", "ministerijos", "fondo", "banko", "sąjungos"),
                 "ro": ("Partidului", "Ministerului", "Fundației", "Băncii", "Uniunii")}
PLACE_ENDINGS = {"pl": ("", "u", "iem"), "lt": ("as", "e", "o"), "ro": ("", "ul", "ului")}
REAL_PLACES = (("Moskwa", "Maskva", "Moscova"), ("Moskwie", "Maskvoje", "Moscova"),
               ("Warszawa", "Varšuva", "Varșovia"), ("Kijów", "Kyjivas", "Kiev"),
               ("Białoruś", "Baltarusija", "Belarus"), ("Rosja", "Rusija", "Rusia"),
               ("Mińsk", "Minskas", "Minsk"), ("Wilno", "Vilnius", "Vilnius"))


def _root(rng: np.random.Generator) -> tuple[str, str, str]:
    """A random surname or place root in (pl, lt, ro) spelling."""
    parts = [SYLLABLES[i] for i in rng.integers(len(SYLLABLES), size=int(rng.integers(2, 4)))]
    parts.append(CODAS[int(rng.integers(len(CODAS)))])
    return tuple("".join(p[k] for p in parts).capitalize() for k in range(3))  # type: ignore[return-value]


def _actor_forms(kind: str, rng: np.random.Generator) -> list[tuple[str, str, str]]:
    """The (lang, text, label) surface forms of one synthetic actor."""
    forms: list[tuple[str, str, str]] = []
    root = _root(rng)
    if kind == "PER":
        first = FIRST_NAMES[int(rng.integers(len(FIRST_NAMES)))]
        for k, lang in enumerate(LANGS):
            endings = SURNAME_ENDINGS[lang]
            for e in sorted(set(endings[:2])):
                forms.append((lang, f"{first[k]} {root[k]}{e}", "PER"))
            forms.append((lang, f"{root[k]}{endings[2]}", "PER"))
            forms.append((lang, f"{first[k][0]}. {root[k]}{endings[0]}", "PER"))
    elif kind == "ORG":
        head = int(rng.integers(len(ORG_HEADS["pl"])))
        for k, lang in enumerate(LANGS):
            nom, gen = ORG_HEADS[lang][head], ORG_HEADS_GEN[lang][head]
            if lang == "lt":
                forms += [(lang, f"{root[k]} {nom}", "ORG"), (lang, f"{root[k]} {gen}", "ORG")]
            else:
                forms += [(lang, f"{nom} {root[k]}", "ORG"), (lang, f"{gen} {root[k]}", "ORG")]
    else:
        for k, lang in enumerate(LANGS):
            forms += [(lang, f"{root[k]}{e}", "LOC") for e in PLACE_ENDINGS[lang]]
    return forms


def synthetic_mentions(n_mentions: int, n_names: int, *, seed: int = 0,
                       per_doc: int = 40) -> pd.DataFrame:
    """Seeded synthetic mentions (``doc_id, lang, text, label``) over about ``n_names``
    distinct surface forms, actors drawn with Zipf-like (1/rank^0.8) frequencies."""
    rng = np.random.default_rng(seed)
    actors: list[list[tuple[str, str, str]]] = [
        [(lang, REAL_PLACES[i][k], "LOC") for k, lang in enumerate(LANGS)]
        for i in range(len(REAL_PLACES))
    ]
    n_forms = sum(len(a) for a in actors)
    while n_forms < n_names:
        kind = ("PER", "PER", "PER", "ORG", "LOC")[int(rng.integers(5))]
        actors.append(_actor_forms(kind, rng))
        n_forms += len(actors[-1])
    weights = 1.0 / np.arange(1, len(actors) + 1) ** 0.8
    weights /= weights.sum()
    n_docs = max(1, n_mentions // per_doc)
    doc_lang = rng.integers(len(LANGS), size=n_docs)
    row_doc = np.repeat(np.arange(n_docs), per_doc)[:n_mentions]
    if len(row_doc) < n_mentions:
        row_doc = np.concatenate([row_doc, np.full(n_mentions - len(row_doc), n_docs - 1)])
    row_actor = rng.choice(len(actors), size=n_mentions, p=weights)
    pick = rng.random(n_mentions)
    rows = []
    for doc, actor, r in zip(row_doc, row_actor, pick, strict=True):
        lang = LANGS[doc_lang[doc]]
        own = [f for f in actors[actor] if f[0] == lang]
        _lang, text, label = own[int(r * len(own))]
        rows.append((f"doc{doc:06d}", lang, text, label))
    return pd.DataFrame(rows, columns=["doc_id", "lang", "text", "label"]).astype("string")


#: Steps of :func:`resolve_actors` timed one by one (module functions, looked up per call).
STEPS = ("_vote_labels", "_build_units", "_link_full_names", "_link_surnames",
         "_link_other_names", "_link_acronyms", "_entities", "_with_aliases", "_merges_table")
#: Per-name memos of :mod:`analysis.identity`, emptied before each timing.
MEMOS = ("_key", "_person_parts", "_lookup_place", "_exact_places")


def _timed_run(mentions: pd.DataFrame) -> tuple[float, float, dict[str, float], tuple]:
    """Wall and CPU seconds of one ``resolve_actors`` call, seconds per step, the tables."""
    for name in MEMOS:
        memo = getattr(identity, name, None)
        if memo is not None and hasattr(memo, "cache_clear"):
            memo.cache_clear()
    steps: dict[str, float] = dict.fromkeys(STEPS, 0.0)
    originals = {name: getattr(identity, name) for name in STEPS if hasattr(identity, name)}

    def timed(name, fn):
        def run(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                steps[name] += time.perf_counter() - start
        return run

    for name, fn in originals.items():
        setattr(identity, name, timed(name, fn))
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        tables = identity.resolve_actors(mentions)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        for name, fn in originals.items():
            setattr(identity, name, fn)
    return wall, cpu, steps, tables


def _profile(mentions: pd.DataFrame, top: int = 12) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    identity.resolve_actors(mentions)
    profiler.disable()
    buf = io.StringIO()
    pstats.Stats(profiler, stream=buf).sort_stats("tottime").print_stats(top)
    return buf.getvalue()


def _exponent(x0: float, x1: float, t0: float, t1: float) -> float:
    return math.log(t1 / t0) / math.log(x1 / x0) if t0 > 0 and t1 > 0 else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mentions", type=int, default=200_000)
    parser.add_argument("--names", type=int, nargs="+", default=[1000, 4000, 16000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    identity.resolve_actors(add_base_forms(synthetic_mentions(200, 50, seed=args.seed)))
    measured = []
    largest = None
    for n_names in sorted(args.names):
        raw = synthetic_mentions(args.mentions, n_names, seed=args.seed)
        mentions = add_base_forms(raw)
        wall, cpu, steps, (_linked, entities, merges) = _timed_run(mentions)
        distinct = raw["text"].nunique()
        measured.append((distinct, wall, cpu, steps))
        largest = mentions
        print(f"{len(raw):,} mentions, {distinct:,} distinct names, "
              f"{raw['doc_id'].nunique():,} documents: resolve_actors {wall:.2f} s "
              f"(CPU {cpu:.2f} s) -> {len(entities):,} entities, {len(merges):,} merges")
    print("seconds per step: " + " | ".join(f"{d:,} names" for d, *_ in measured))
    for name in STEPS:
        print(f"  {name:<18} " + " | ".join(f"{m[3][name]:8.2f}" for m in measured))
    for (d0, w0, c0, _s0), (d1, w1, c1, _s1) in zip(measured, measured[1:], strict=False):
        print(f"{d0:,} -> {d1:,} names (x{d1 / d0:.2f}): time x{w1 / w0:.2f} (CPU "
              f"x{c1 / c0:.2f}), growth exponent {_exponent(d0, d1, w0, w1):.2f} "
              f"(1 linear, 2 quadratic, 0 flat: the mentions dominate)")
    if len(measured) > 1:
        (d0, *_, s0), (d1, *_, s1) = measured[0], measured[-1]
        grow = ", ".join(f"{name} {_exponent(d0, d1, s0[name], s1[name]):.2f}"
                         for name in STEPS if s0[name] > 0.01)
        print(f"growth exponent per step, {d0:,} -> {d1:,} names: {grow}")
    if args.profile and largest is not None:
        print(_profile(largest))


if __name__ == "__main__":
    main()
