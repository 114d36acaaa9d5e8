"""Measure the topic clusters of :mod:`analysis.topics` (issue 6, "Measure it").

Run from the repository root (corpora in ``../shared/corpora`` or ``$CORPORA``)::

    python -m evaluation.topics                 # everything (about 5 min on 2 cores)
    python -m evaluation.topics --part pl plcs  # only some parts

Parts
-----
pl
    The Polish shared-task articles (``slavicner/raw/<topic>/pl``, 5 folders, 903 articles):
    ARI and NMI of the clusters against the folders, with ``n_topics`` = number of folders
    and with the automatic choice, over several seeds.
pldated
    ``pl_dated_news`` (7 folders, 952 articles, with dates): ARI/NMI and the time of
    :func:`analysis.topics.topic_tables`.
plcs
    Polish + Czech together (1,679 articles): ARI/NMI and, per folder, the share of its
    Polish and of its Czech articles in the folder's majority cluster; ablations (no language
    centring, no spelling unification, whole words, gold cross-lingual actor ids from
    ``slavicner/ner``).
ro
    Time of the fit on the ~26k Romanian articles of ``ro_news``.

Prints plain text; the folder names are used only for scoring, never by the model.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import (
    adjusted_rand_score,
    homogeneity_score,
    normalized_mutual_info_score,
)

from analysis.topics import TopicModel, document_features, topic_tables

CORPORA = Path(os.environ.get("CORPORA", Path(__file__).resolve().parents[1].parent
                              / "shared" / "corpora"))  # fmt: skip


# ------------------------------------------------------------------------------------- loading
def load_slavicner(langs: tuple[str, ...] = ("pl",), *, root: Path | None = None) -> pd.DataFrame:
    """Return ``doc_id, lang, folder, text`` (+ ``gold_actors``) for ``slavicner/raw``."""
    root = root or CORPORA / "slavicner"
    rows = []
    for path in sorted((root / "raw").glob("*/*/*.txt")):
        folder, lang = path.parts[-3], path.parts[-2]
        if lang not in langs:
            continue
        ner = root / "ner" / folder / lang / (path.stem + ".tsv")
        gold = ""
        if ner.exists():
            ids = [line.split("\t")[5].strip() for line in ner.read_text("utf-8").splitlines()
                   if line.count("\t") >= 5]  # fmt: skip
            gold = " ".join(i.replace(" ", "_") for i in ids if i)
        rows.append({"doc_id": f"{folder}/{lang}/{path.stem}", "lang": lang, "folder": folder,
                     "text": path.read_text("utf-8", errors="replace"), "gold_actors": gold})
    return pd.DataFrame(rows)


def load_pl_dated(root: Path | None = None) -> pd.DataFrame:
    """Return ``pl_dated_news`` as documents: ``doc_id, lang, folder, published_at, url,
    title, text`` (positional header: id, lang, date, url, title; 1970-01-01 = unknown)."""
    root = root or CORPORA / "pl_dated_news"
    rows = []
    for path in sorted(root.glob("*/*.txt")):
        lines = path.read_text("utf-8-sig", errors="replace").split("\n")
        head = [line.strip() for line in lines[:5]] + [""] * 5
        date = pd.to_datetime(head[2], errors="coerce", format="%Y-%m-%d")
        if pd.notna(date) and date.year < 1990:
            date = pd.NaT
        rows.append({"doc_id": f"{path.parent.name}/{path.stem}", "lang": head[1] or "pl",
                     "folder": path.parent.name, "published_at": date, "url": head[3],
                     "title": head[4], "text": "\n".join(lines[5:]).strip()})
    return pd.DataFrame(rows)


def load_ro_news(root: Path | None = None) -> pd.DataFrame:
    """Return ``ro_news`` as documents: ``doc_id, lang, published_at, title, source, text``."""
    root = root or CORPORA / "ro_news" / "datasets"
    frames = [pd.read_parquet(p, columns=["href", "title", "date_published", "article_text"])
              .assign(source=p.stem.rsplit("_", 1)[0]) for p in sorted(root.glob("*.parquet"))]
    raw = pd.concat(frames, ignore_index=True)
    when = pd.to_datetime(raw["date_published"], utc=True, errors="coerce").dt.tz_localize(None)
    return pd.DataFrame({"doc_id": raw["href"].astype("string"), "lang": "ro",
                         "published_at": when, "title": raw["title"], "source": raw["source"],
                         "text": raw["article_text"].fillna("")})  # fmt: skip


# ------------------------------------------------------------------------------------- scoring
def scores(folders: pd.Series, labels: np.ndarray) -> dict[str, float]:
    """ARI, NMI and homogeneity of ``labels`` against ``folders``.

    Homogeneity is 1 when every cluster holds one folder only (finer clusters than folders
    can still score 1, while ARI punishes the split).
    """
    return {"ari": adjusted_rand_score(folders, labels),
            "nmi": normalized_mutual_info_score(folders, labels),
            "hom": homogeneity_score(folders, labels)}


def cross_language_agreement(docs: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    """Per folder: its majority cluster and the share of its articles of each language there.

    ``both`` is the share of all the folder's articles (both languages) in that cluster;
    ``min_lang`` the smaller of the per-language shares.
    """
    frame = docs[["folder", "lang"]].assign(cluster=labels)
    rows = []
    for folder, group in frame.groupby("folder"):
        major = group["cluster"].value_counts().sort_index().idxmax()
        row = {"folder": folder, "cluster": int(major),
               "both": float((group["cluster"] == major).mean())}
        for lang, sub in group.groupby("lang"):
            row[lang] = float((sub["cluster"] == major).mean())
        rows.append(row)
    out = pd.DataFrame(rows)
    langs = sorted(docs["lang"].unique())
    return out.assign(min_lang=out[langs].min(axis=1))


def _fit(features: pd.DataFrame, k: int | None, seed: int, **params) -> tuple[np.ndarray, float]:
    start = time.perf_counter()
    model = TopicModel(k, seed=seed, **params).fit(features)
    return model.labels_, time.perf_counter() - start


# --------------------------------------------------------------------------------------- parts
def part_pl(seeds: list[int]) -> None:
    docs = load_slavicner(("pl",))
    feats = document_features(docs)
    k = docs["folder"].nunique()
    print(f"\n== pl: slavicner raw pl, {len(docs)} articles, {k} folders")
    for n_topics in (k, None):
        res = []
        for seed in seeds:
            labels, secs = _fit(feats, n_topics, seed)
            res.append({**scores(docs["folder"], labels), "k": len(set(labels)), "s": secs})
        tab = pd.DataFrame(res)
        print(f"n_topics={n_topics!s:>4}: k={tab['k'].iloc[0]} ARI mean {tab['ari'].mean():.3f} "
              f"min {tab['ari'].min():.3f} | NMI mean {tab['nmi'].mean():.3f} "
              f"min {tab['nmi'].min():.3f} | homogeneity {tab['hom'].mean():.3f} | "
              f"fit {tab['s'].mean():.1f} s (seeds {seeds})")


def part_pldated(seeds: list[int]) -> None:
    docs = load_pl_dated()
    k = docs["folder"].nunique()
    print(f"\n== pldated: pl_dated_news, {len(docs)} articles, {k} folders, "
          f"{docs['published_at'].notna().sum()} dated")
    for n_topics in (k, None):
        res = []
        for seed in seeds:
            start = time.perf_counter()
            tables = topic_tables(docs, n_topics=n_topics, seed=seed)
            secs = time.perf_counter() - start
            dt = tables["doc_topics"].merge(docs[["doc_id", "folder"]], on="doc_id")
            res.append({**scores(dt["folder"], dt["topic_id"].to_numpy()),
                        "k": len(tables["topics"]), "s": secs})
        tab = pd.DataFrame(res)
        print(f"n_topics={n_topics!s:>4}: k={tab['k'].iloc[0]} ARI mean {tab['ari'].mean():.3f} "
              f"min {tab['ari'].min():.3f} | NMI mean {tab['nmi'].mean():.3f} "
              f"min {tab['nmi'].min():.3f} | homogeneity {tab['hom'].mean():.3f} | "
              f"topic_tables {tab['s'].mean():.1f} s")
    print(tables["topics"][["topic_id", "n_docs", "label"]].to_string(index=False))
    tot = tables["topics_over_time"]
    print(f"topics_over_time: {len(tot)} rows, {tot['period'].nunique()} months "
          f"{tot['period'].min():%Y-%m}..{tot['period'].max():%Y-%m}")


def part_plcs(seeds: list[int]) -> None:
    docs = load_slavicner(("pl", "cs"))
    k = docs["folder"].nunique()
    feats = document_features(docs)
    gold = feats.assign(actors=docs["gold_actors"].astype("string"))
    print(f"\n== plcs: slavicner raw pl+cs, {len(docs)} articles "
          f"({(docs['lang'] == 'pl').sum()} pl, {(docs['lang'] == 'cs').sum()} cs), {k} folders")
    variants = [
        ("default (words, centred)", feats, {}),
        ("n_topics=auto", feats, {"auto": True}),
        ("no language centring", feats, {"center_languages": False}),
        ("whole words (stem_len=None)", feats, {"stem_len": None}),
        ("stem_len=5", feats, {"stem_len": 5}),
        ("stem_len=7", feats, {"stem_len": 7}),
        ("+ gold cross-lingual actor ids", gold, {}),
        ("gold actor ids, no centring", gold, {"center_languages": False}),
    ]
    for name, table, params in variants:
        res = []
        params = dict(params)
        n_topics = None if params.pop("auto", False) else k
        for seed in seeds:
            labels, secs = _fit(table, n_topics, seed, **params)
            agree = cross_language_agreement(docs, labels)
            res.append({**scores(docs["folder"], labels), "both": agree["both"].mean(),
                        "min_lang": agree["min_lang"].min(), "s": secs, "agree": agree,
                        "k": len(set(labels)), "distinct": agree["cluster"].nunique()})
        tab = pd.DataFrame(res)
        print(f"{name:32s} k={tab['k'].iloc[0]:2d} ARI {tab['ari'].mean():.3f} "
              f"(min {tab['ari'].min():.3f}) NMI {tab['nmi'].mean():.3f} | same-cluster share: "
              f"mean over folders {tab['both'].mean():.3f}, worst folder+language "
              f"{tab['min_lang'].min():.3f} | folders with their own majority cluster: "
              f"min {tab['distinct'].min()}/{k} | fit {tab['s'].mean():.1f} s")
        if name.startswith("default"):
            print(res[0]["agree"].round(3).to_string(index=False))


def part_ro(seeds: list[int]) -> None:
    start = time.perf_counter()
    docs = load_ro_news()
    load_s = time.perf_counter() - start
    print(f"\n== ro: ro_news, {len(docs)} articles, "
          f"{docs['text'].str.len().sum() / 1e6:.1f} M chars (read {load_s:.1f} s)")
    start = time.perf_counter()
    feats = document_features(docs)
    feat_s = time.perf_counter() - start
    start = time.perf_counter()
    model = TopicModel(None, seed=seeds[0]).fit(feats)
    fit_s = time.perf_counter() - start
    print(f"features {feat_s:.1f} s, fit {fit_s:.1f} s, k={model.n_topics_}, "
          f"vocabulary {len(model.word_vectorizer_.vocabulary_)} keys")
    start = time.perf_counter()
    tables = topic_tables(docs, seed=seeds[0])
    print(f"topic_tables (features + fit + all tables) {time.perf_counter() - start:.1f} s")
    print(tables["topics"][["topic_id", "n_docs", "label"]].head(15).to_string(index=False))


PARTS = {"pl": part_pl, "pldated": part_pldated, "plcs": part_plcs, "ro": part_ro}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", nargs="+", choices=sorted(PARTS), default=list(PARTS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    print(f"corpora: {CORPORA}; threads: OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}")
    for part in args.part:
        PARTS[part](args.seeds)


if __name__ == "__main__":
    main()
