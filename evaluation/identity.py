"""Evaluate base forms and cross-lingual actor linking on the SlavicNER shared-task data.

Usage (from the repository root)::

    python -m evaluation.identity base-forms [--corpus PATH] [--topics ...] [--lemma]
    python -m evaluation.identity linking [--corpus PATH] [--topics ...] [--base gold|ours]
    python -m evaluation.identity seeds

``base-forms``
    Exact-match accuracy of :func:`analysis.normalize.add_base_forms` on the gold Polish
    mentions (``ner/<topic>/pl/*.tsv``: start, end, mention, base form, category, id). The
    whole Polish corpus is passed at once, as the pipeline passes a corpus. ``--lemma`` first
    gives each mention the lemmas of its words from the shipped Stanza lemmatizer (see
    :func:`add_lemmas`).
``linking``
    Pairwise precision/recall of :func:`analysis.identity.resolve_actors` (registry None) on
    the gold Polish and Czech mentions against the gold cross-lingual ids: over all mention
    pairs, over cross-lingual (pl-cs) mention pairs only, and over pairs of distinct names.
    ``--base gold`` links the gold base forms (isolates linking); ``--base ours`` uses our
    Polish base forms (Czech has no rules, so its gold base forms are used).
``seeds``
    The hand-made mentions of the five sample articles: every gold actor must be one entity
    and no entity may hold two gold actors.

Nothing here is imported by the package; it reads the corpus from disk and prints a report.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import pandas as pd

from analysis.identity import resolve_actors
from analysis.normalize import add_base_forms

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "slavicner"
logger = logging.getLogger("evaluation.identity")


def load_gold(corpus: Path, lang: str, topics: list[str] | None = None) -> pd.DataFrame:
    """Read the gold mentions of one language: one row per mention.

    Columns: topic, doc_id, lang, start_char, end_char, text, gold_base, label, gold_id.
    """
    rows = []
    for path in sorted((corpus / "ner").glob(f"*/{lang}/*.tsv")):
        topic = path.parts[-3]
        if topics and topic not in topics:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) < 6:
                continue
            rows.append({
                "topic": topic, "doc_id": f"{topic}/{lang}/{path.stem}", "lang": lang,
                "start_char": int(parts[0]), "end_char": int(parts[1]), "text": parts[2],
                "gold_base": parts[3], "label": parts[4], "gold_id": parts[5],
            })
    return pd.DataFrame(rows)


def add_lemmas(gold: pd.DataFrame, *, model_dir: Path | None = None,
               lemma_model: Path | None = None) -> pd.DataFrame:
    """Attach token lemmas from the shipped Stanza lemmatizer to the gold mentions.

    The shipped lemmatizer runs without POS tags (``lemma_pos=False`` in
    :func:`analysis.models.load_pipeline`), so a word's lemma does not depend on its context:
    each distinct whitespace-separated word of the mentions is lemmatized once (pretokenized)
    and the ``lemma`` of a mention is its words' lemmas joined by single spaces. This is the
    pipeline's ``lemma`` column except where Stanza's tokenizer splits a word further.
    """
    import stanza

    from analysis.models import offline_resources_dir, resolve_models

    lang = str(gold["lang"].iloc[0])
    if lemma_model is None:
        spec = resolve_models(lang, model_dir=model_dir)
        paths = spec.paths
        if "lemma" not in paths:
            raise SystemExit(f"no lemmatizer among the {lang} models in {spec.directory}")
        lemma_model = Path(paths["lemma"])
    words = sorted({w for text in gold["text"] for w in str(text).split()})
    nlp = stanza.Pipeline(
        lang=lang, dir=offline_resources_dir(), processors="tokenize,lemma",
        tokenize_pretokenized=True, lemma_pos=False, lemma_model_path=str(lemma_model),
        download_method=None, logging_level="WARN",
    )
    lemma_of: dict[str, str] = {}
    chunk = 2000
    for i in range(0, len(words), chunk):
        part = words[i:i + chunk]
        doc = nlp([[w] for w in part])
        for word, sentence in zip(part, doc.sentences, strict=True):
            lemma_of[word] = "".join(w.lemma or w.text for w in sentence.words)
    lemmas = [" ".join(lemma_of.get(w, w) for w in str(text).split()) for text in gold["text"]]
    return gold.assign(lemma=pd.array(lemmas, dtype="string"))


def evaluate_base_forms(gold: pd.DataFrame) -> dict:
    """Return accuracy numbers of add_base_forms against the gold base forms."""
    start = time.perf_counter()
    pred = add_base_forms(gold)
    seconds = time.perf_counter() - start
    ok = pred["base_form"] == pred["gold_base"]
    single = ~pred["text"].str.contains(" ")
    return {
        "n_mentions": int(len(pred)),
        "accuracy": float(ok.mean()),
        "accuracy_identity_baseline": float((pred["text"] == pred["gold_base"]).mean()),
        "accuracy_lemma_baseline": (
            float((pred["lemma"] == pred["gold_base"]).fillna(False).mean())
            if "lemma" in pred.columns else float("nan")),
        "accuracy_single_word": float(ok[single].mean()),
        "accuracy_multi_word": float(ok[~single].mean()),
        "by_label": {k: round(float(v), 4) for k, v in ok.groupby(pred["label"]).mean().items()},
        "by_topic": {k: round(float(v), 4) for k, v in ok.groupby(pred["topic"]).mean().items()},
        "seconds": round(seconds, 2),
        "errors": pred.loc[~ok, ["text", "base_form", "gold_base", "label"]]
        .value_counts().head(25),
    }


def _pairs(counts: pd.Series) -> int:
    return int((counts * (counts - 1) // 2).sum())


def pairwise_scores(pred: pd.Series, gold: pd.Series, lang: pd.Series) -> dict:
    """Pairwise precision/recall over all mention pairs and over cross-language pairs."""
    frame = pd.DataFrame({"p": pred.to_numpy(), "g": gold.to_numpy(), "l": lang.to_numpy()})
    tp = _pairs(frame.groupby(["p", "g"]).size())
    pp = _pairs(frame.groupby("p").size())
    gp = _pairs(frame.groupby("g").size())

    def cross(keys: list[str]) -> int:
        table = frame.groupby([*keys, "l"]).size().unstack("l", fill_value=0)
        if table.shape[1] < 2:
            return 0
        cols = list(table.columns)
        total = 0
        for i, a in enumerate(cols):
            for b in cols[i + 1:]:
                total += int((table[a] * table[b]).sum())
        return total

    ctp, cpp, cgp = cross(["p", "g"]), cross(["p"]), cross(["g"])
    return {
        "pairs_precision": tp / pp if pp else float("nan"),
        "pairs_recall": tp / gp if gp else float("nan"),
        "cross_precision": ctp / cpp if cpp else float("nan"),
        "cross_recall": ctp / cgp if cgp else float("nan"),
        "n_pairs_gold": gp, "n_pairs_pred": pp, "n_cross_gold": cgp, "n_cross_pred": cpp,
    }


def evaluate_linking(corpus: Path, topics: list[str] | None, base: str) -> dict:
    """Link gold pl+cs mentions and score them against the gold cross-lingual ids."""
    pl = load_gold(corpus, "pl", topics)
    cs = load_gold(corpus, "cs", topics)
    if base == "ours":
        pl = add_base_forms(pl)
    else:
        pl = pl.assign(base_form=pl["gold_base"])
    cs = cs.assign(base_form=cs["gold_base"])
    both = pd.concat([pl, cs], ignore_index=True)
    start = time.perf_counter()
    linked, entities, merges = resolve_actors(both)
    seconds = time.perf_counter() - start
    out = pairwise_scores(linked["entity_id"], both["gold_id"], both["lang"])
    # distinct names: one item per (lang, label, base form) with its majority gold id
    names = both.assign(entity_id=linked["entity_id"].to_numpy())
    names = (names.groupby(["lang", "label", "base_form"])
             .agg(entity_id=("entity_id", lambda s: s.mode().iloc[0]),
                  gold_id=("gold_id", lambda s: s.mode().iloc[0]))
             .reset_index())
    distinct = pairwise_scores(names["entity_id"], names["gold_id"], names["lang"])
    out.update({f"names_{k}": v for k, v in distinct.items()})
    out.update({"n_mentions": len(both), "n_entities": len(entities), "seconds": seconds,
                "n_gold_ids": int(both["gold_id"].nunique())})
    # a few wrong merges and missed cross-lingual merges, for the report
    wrong = (names.groupby("entity_id")["gold_id"].nunique().loc[lambda s: s > 1].index)
    out["wrong_merges"] = names[names["entity_id"].isin(wrong[:15])].sort_values("entity_id")
    return out


def evaluate_seeds() -> dict:
    """Check the hand-made sample mentions: one entity per actor, no shared ids."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from identity_seed_fixture import seed_mentions

    mentions = add_base_forms(seed_mentions())
    linked, entities, _ = resolve_actors(mentions)
    split = linked.groupby("gold_actor")["entity_id"].nunique()
    mixed = linked.groupby("entity_id")["gold_actor"].nunique()
    return {"n_mentions": len(linked), "n_entities": len(entities),
            "actors_split": split[split > 1].index.tolist(),
            "entities_mixed": mixed[mixed > 1].index.tolist(),
            "entities": entities[["entity_id", "name", "languages", "aliases"]]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.identity")
    parser.add_argument("task", choices=["base-forms", "linking", "seeds"])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--topics", default="", help="comma-separated topics (default all)")
    parser.add_argument("--lemma", action="store_true", help="use the shipped lemmatizer")
    parser.add_argument("--lemma-model", type=Path, default=None,
                        help="with --lemma: a lemmatizer .pt file instead of the shipped one")
    parser.add_argument("--base", choices=["gold", "ours"], default="gold")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    topics = [t for t in args.topics.split(",") if t] or None
    pd.set_option("display.width", 200)
    pd.set_option("display.max_colwidth", 80)
    if args.task == "base-forms":
        gold = load_gold(args.corpus, "pl", topics)
        if args.lemma:
            gold = add_lemmas(gold, lemma_model=args.lemma_model)
        result = evaluate_base_forms(gold)
    elif args.task == "linking":
        result = evaluate_linking(args.corpus, topics, args.base)
    else:
        result = evaluate_seeds()
    for key, value in result.items():
        if isinstance(value, pd.DataFrame | pd.Series):
            print(f"{key}:\n{value.to_string()}")
        elif isinstance(value, float):
            print(f"{key}: {value:.4f}")
        else:
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
