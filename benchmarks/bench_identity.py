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

from analysis.identity import resolve_actors
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


def _profile(mentions: pd.DataFrame, top: int = 12) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    resolve_actors(mentions)
    profiler.disable()
    buf = io.StringIO()
    pstats.Stats(profiler, stream=buf).sort_stats("cumulative").print_stats(
        r"identity\.py|names\.py|normalize\.py", top)
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mentions", type=int, default=200_000)
    parser.add_argument("--names", type=int, nargs="+", default=[1000, 4000, 16000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    measured = []
    largest = None
    for n_names in sorted(args.names):
        raw = synthetic_mentions(args.mentions, n_names, seed=args.seed)
        mentions = add_base_forms(raw)
        start = time.perf_counter()
        linked, entities, merges = resolve_actors(mentions)
        seconds = time.perf_counter() - start
        distinct = raw["text"].nunique()
        measured.append((distinct, seconds))
        largest = mentions
        print(f"{len(raw):,} mentions, {distinct:,} distinct names, "
              f"{raw['doc_id'].nunique():,} documents: resolve_actors {seconds:.2f} s -> "
              f"{len(entities):,} entities, {len(merges):,} merges")
    for (d0, t0), (d1, t1) in zip(measured, measured[1:], strict=False):
        exponent = math.log(t1 / t0) / math.log(d1 / d0)
        print(f"{d0:,} -> {d1:,} names (x{d1 / d0:.2f}): time x{t1 / t0:.2f}, "
              f"growth exponent {exponent:.2f} (1 linear, 2 quadratic)")
    if args.profile and largest is not None:
        print(_profile(largest))


if __name__ == "__main__":
    main()
