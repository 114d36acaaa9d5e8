"""Score the shipped models on dev material through the package's public NER function.

NER is scored on raw text: gold sentences are detokenized with their known spacing
(``space_after``; a punctuation heuristic where the corpus has none), gold entity
spans become character offsets, the text goes through :func:`analysis.ner.tag_texts`
and predicted actor spans are compared with gold ones (exact start, end and label).
Token F1 and lemma accuracy come from a Stanza pipeline built from the same model
files, scored with Stanza's CoNLL 2018 UD scorer on the UD dev files.

Usage::

    python -m training.evaluate                      # all languages, default dev sets
    python -m training.evaluate --lang ro
    python -m training.evaluate --lang lt --gold my.bio --format bio
    python -m training.evaluate --model-dir .train/candidates/x --json-out scores.json
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from training import data
from training.data import actor_name_span
from training.labels import ACTOR_LABELS, LABEL_MAPS
from training.paths import LANGS, corpora_dir

logger = logging.getLogger(__name__)

Span = tuple[int, int, int, str]  # text index, start, end, actor label


@dataclass
class GoldSet:
    """Raw texts with gold actor spans (character offsets into each text)."""

    name: str
    texts: list[str]
    spans: set[Span] = field(default_factory=set)


# ------------------------------------------------------------------ gold


def gold_label(lang: str, native: str) -> str | None:
    """Map a gold-file label to an actor label.

    Accepts actor labels, the native labels of ``lang`` (see
    :data:`training.labels.LABEL_MAPS`), RONEC v1 names and KPWr ``nam_*`` types.

    Parameters
    ----------
    lang : str
        Language of the gold file.
    native : str
        Label from the gold file (without B-/I-).

    Returns
    -------
    str or None
        Actor label or None.
    """
    if native in ACTOR_LABELS:
        return native
    if native.startswith("nam_"):
        return data.kpwr_to_actor(native)
    native = data.RONEC_V1_TO_V2.get(native, native)
    if lang == "pl":
        native = data.flatten_nkjp_tag("B-" + native)[2:]
    return LABEL_MAPS.get(lang, {}).get(native)


def gold_from_sentences(
    name: str, lang: str, sentences: Sequence[Sequence[data.Token]]
) -> GoldSet:
    """Detokenize sentences (one text each) and collect gold actor spans.

    Parameters
    ----------
    name : str
        Name of the dev set.
    lang : str
        Language.
    sentences : sequence of sequence of Token
        Gold sentences with BIO tags and ``space_after``.

    Returns
    -------
    GoldSet
        One text per sentence.
    """
    gold = GoldSet(name, [])
    for sent in sentences:
        if not sent:
            continue
        text, offsets = data.detokenize(sent)
        idx = len(gold.texts)
        gold.texts.append(text)
        # NKJP / KPWr tags are nested ("B-persName#B-persName-forename"): spans come from the
        # outermost entity, as in training; plain BIO tags pass through unchanged.
        tags = [data.flatten_nkjp_tag(t.tag) if lang == "pl" else t.tag for t in sent]
        for start, end, label in data.bio_to_spans(tags):
            actor = gold_label(lang, label)
            if actor is not None:
                gold.spans.add((idx, offsets[start][0], offsets[end - 1][1], actor))
    return gold


def gold_from_slavicner(root: Path, lang: str = "pl") -> GoldSet:
    """Read SlavicNER raw documents and their span annotations.

    Parameters
    ----------
    root : Path
        The ``slavicner`` folder.
    lang : str
        Language subfolder.

    Returns
    -------
    GoldSet
        One text per document. Annotations whose offsets do not match the mention
        text are skipped.
    """
    gold = GoldSet(f"slavicner-{lang}", [])
    for _name, text, spans in data.slavicner_documents(root, lang):
        idx = len(gold.texts)
        gold.texts.append(text)
        gold.spans.update((idx, start, end, label) for start, end, label in spans
                          if label in ACTOR_LABELS)
    return gold


def load_gold(path: Path, fmt: str, lang: str) -> GoldSet:
    """Load a gold file in one of the supported formats.

    Parameters
    ----------
    path : Path
        File (``.gz`` allowed) or, for ``slavicner``, the corpus folder.
    fmt : {"bio", "iob", "ud", "ronec-json", "ronec-conllup", "slavicner"}
        ``bio``: token TAB tag; ``iob``: NKJP/KPWr 4-column IOB; ``ud``: CoNLL-U with
        BIO in the last column (RONEC v1 style) and ``SpaceAfter=No``;
        ``ronec-json``: RONEC v2 JSON.
    lang : str
        Language.

    Returns
    -------
    GoldSet
        The gold set.
    """
    if fmt == "slavicner":
        return gold_from_slavicner(path, lang)
    if fmt == "ronec-json":
        sents = [s for _, s in data.read_ronec_json(data.load_json(path))]
    else:
        with data.open_text(path) as fh:
            if fmt == "bio":
                sents = [s for _, s in data.read_bio(fh)]
            elif fmt == "iob":
                sents = [s for _, s in data.read_nkjp_iob(fh)]
            elif fmt in ("ud", "ronec-conllup"):
                sents = [s for _, s in data.read_ronec_conllup(fh)]
            else:
                raise ValueError(f"unknown gold format {fmt!r}")
    return gold_from_sentences(path.name, lang, sents)


def default_gold_sets(lang: str, corpora: Path, work: Path | None = None) -> list[GoldSet]:
    """The dev sets used for each language's model card.

    pl: KPWr n82 test (independent of training), the SlavicNER Polish documents
    and the NKJP held-out documents (every 20th document, see
    :data:`training.steps.NKJP_DEV_EVERY`). lt: ``lt_ner-dev.bio``. ro: the odd-id half
    of RONEC v2 valid (:func:`training.data.ronec_valid_halves`; the other half is
    adaptation training data).

    Parameters
    ----------
    lang : str
        Language.
    corpora : Path
        Corpora root.
    work : Path, optional
        Unused; kept for symmetry with the training steps.

    Returns
    -------
    list of GoldSet
        Dev sets.
    """
    if lang == "pl":
        from training.steps import NKJP_DEV_EVERY

        sets = [load_gold(corpora / "pl_nkjp" / "kpwr-ner-n82-test.iob", "iob", "pl")]
        sets[0].name = "kpwr-n82"
        with data.open_text(corpora / "pl_nkjp" / "nkjp-nested-simplified-v2.iob.gz") as fh:
            sents = data.read_nkjp_iob(fh)
        docs = list(dict.fromkeys(doc for doc, _ in sents))
        dev_docs = set(docs[::NKJP_DEV_EVERY])
        sets.append(
            gold_from_sentences("nkjp-heldout", "pl", [s for d, s in sents if d in dev_docs])
        )
        sets.append(gold_from_slavicner(corpora / "slavicner", "pl"))
        return sets
    if lang == "lt":
        return [load_gold(corpora / "lt_ner" / "lt_ner-dev.bio", "bio", "lt")]
    if lang == "ro":
        # The even-id half of valid is adaptation training data (training.recipes).
        valid = data.load_json(corpora / "ro_ronec" / "v2" / "valid.json.gz")
        _, dev = data.ronec_valid_halves(valid)
        return [gold_from_sentences("ronec-v2-valid-odd", "ro", dev)]
    raise ValueError(f"unknown language {lang!r}")


# ------------------------------------------------------------------ scoring


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    """Precision, recall and F1 in percent.

    Parameters
    ----------
    tp, n_pred, n_gold : int
        True positives, predictions, gold items.

    Returns
    -------
    dict
        ``{"p", "r", "f1", "n_gold", "n_pred"}``.
    """
    p = 100.0 * tp / n_pred if n_pred else 0.0
    r = 100.0 * tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 2), "r": round(r, 2), "f1": round(f, 2), "n_gold": n_gold,
            "n_pred": n_pred}


def score_spans(gold: set[Span], pred: set[Span]) -> dict[str, dict[str, float]]:
    """Entity-level exact-match scores per actor label and micro-averaged.

    Parameters
    ----------
    gold, pred : set of tuple
        ``(text_idx, start, end, label)`` spans.

    Returns
    -------
    dict
        Label (and ``"micro"``) → :func:`prf` dict.
    """
    out: dict[str, dict[str, float]] = {}
    for label in ACTOR_LABELS:
        g = {s for s in gold if s[3] == label}
        p = {s for s in pred if s[3] == label}
        out[label] = prf(len(g & p), len(p), len(g))
    out["micro"] = prf(len(gold & pred), len(pred), len(gold))
    return out


#: Suffix of the second score block: every span the model tags with an actor label, lower-case
#: ones included (NKJP tags relational adjectives such as "moskiewskich" as placeName, RONEC
#: tags descriptions such as "președintele" as PERSON; the pipeline keeps only names).
ALL_SPANS_SUFFIX = "+lowercase"
#: Suffix of the third score block: the pipeline's actor mentions against the gold spans
#: that are written with a capital letter or a digit (gold descriptions such as
#: "liderilor" left out; sentence-initial ones such as "Președintele" stay in).
NAMES_SUFFIX = "+capitalised-gold"


#: Suffix of the fourth score block (ro only, the headline ro number): gold spans under the
#: actor-name convention of :func:`actor_name_span` (RONEC v2 tags titles, descriptions and
#: appositions into a person's span; an actor network wants the name alone).
ACTOR_NAME_SUFFIX = "+actor-names"

#: Languages scored under the actor-name convention.
ACTOR_NAME_LANGS = frozenset({"ro"})

def actor_name_gold(gold: GoldSet) -> tuple[set[Span], set[Span]]:
    """Gold spans of ``gold`` under :func:`actor_name_span`.

    Returns
    -------
    spans : set of tuple
        The converted spans.
    neutral : set of tuple
        The original spans without a capitalised word: neither found nor missed, and a
        prediction that overlaps one is not counted at all.
    """
    spans: set[Span] = set()
    neutral: set[Span] = set()
    for span in gold.spans:
        idx, start, end, label = span
        new = actor_name_span(gold.texts[idx], start, end, label)
        if new is None:
            neutral.add(span)
        else:
            spans.add((idx, *new, label))
    return spans, neutral


def score_actor_names(gold: GoldSet, pred: set[Span]) -> dict[str, dict[str, float]]:
    """Score ``pred`` against ``gold`` under the actor-name convention.

    Predictions that overlap a neutral gold span (:func:`actor_name_gold`) and match no
    converted gold span are left out.

    Returns
    -------
    dict
        As :func:`score_spans`.
    """
    spans, neutral = actor_name_gold(gold)
    by_text: dict[int, list[Span]] = {}
    for span in neutral:
        by_text.setdefault(span[0], []).append(span)
    kept = {p for p in pred if p in spans or not any(
        p[1] < n[2] and n[1] < p[2] for n in by_text.get(p[0], ()))}
    return score_spans(spans, kept)


def score_ner(gold: GoldSet, lang: str, model_dir: str | None = None
              ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any] | None]:
    """Tag the gold texts with :func:`analysis.ner.tag_texts` and score actor spans.

    Parameters
    ----------
    gold : GoldSet
        Texts and gold spans.
    lang : str
        Language.
    model_dir : str, optional
        Model folder in the shipped layout (default: the shipped models).

    Returns
    -------
    names : dict
        Per-label and micro scores of the actor mentions the pipeline keeps (names).
    all_spans : dict
        The same over every span with an actor label in the model's label map, lower-case
        spans included (the corpus' own convention).
    capitalised_gold : dict
        The pipeline's actor mentions against the gold spans written with a capital letter
        or a digit.
    actor_names : dict or None
        For the languages in :data:`ACTOR_NAME_LANGS`, the pipeline's actor mentions under
        the actor-name convention (:func:`score_actor_names`); None for the others.
    """
    from analysis.models import resolve_models
    from analysis.ner import tag_texts

    mentions = tag_texts(gold.texts, lang, model_dir=model_dir)
    actors = mentions[mentions["label"].notna()]
    pred = {
        (int(r.text_idx), int(r.start_char), int(r.end_char), str(r.label))
        for r in actors.itertuples(index=False)
    }
    label_map = resolve_models(lang, model_dir=model_dir).labels
    pred_all = {
        (int(r.text_idx), int(r.start_char), int(r.end_char), label_map[r.label_native])
        for r in mentions.itertuples(index=False) if label_map.get(r.label_native)
    }
    capitalised = {
        span for span in gold.spans
        if any(ch.isupper() or ch.isdigit() for ch in gold.texts[span[0]][span[1]:span[2]])
    }
    actor_names = score_actor_names(gold, pred) if lang in ACTOR_NAME_LANGS else None
    return (score_spans(gold.spans, pred), score_spans(gold.spans, pred_all),
            score_spans(capitalised, pred), actor_names)


def _ud_text(conllu: str) -> str:
    """Raw text of a CoNLL-U file: sentences joined by spaces, paragraphs by blank lines."""
    paras: list[list[str]] = [[]]
    for block in data.read_conllu_sentences(io.StringIO(conllu)):
        lines = block.split("\n")
        if any(x.startswith(("# newdoc", "# newpar")) for x in lines) and paras[-1]:
            paras.append([])
        text = next((x.split("=", 1)[1].strip() for x in lines if x.startswith("# text")), None)
        if text is None:
            text = " ".join(x.split("\t")[1] for x in lines if x and x.split("\t")[0].isdigit())
        paras[-1].append(text)
    return "\n\n".join(" ".join(p) for p in paras if p)


def score_ud(lang: str, corpora: Path, model_dir: str | None = None) -> dict[str, float]:
    """Token / sentence / word F1 and lemma accuracy on the UD dev files.

    Parameters
    ----------
    lang : str
        Language.
    corpora : Path
        Corpora root.
    model_dir : str, optional
        Model folder (default shipped).

    Returns
    -------
    dict
        ``tokens_f1``, ``sentences_f1``, ``words_f1``, ``lemma_f1`` (end to end) and
        ``lemma_acc`` (accuracy over aligned words), in percent.
    """
    import stanza
    from stanza.models.common.utils import ud_scores

    from analysis.models import offline_resources_dir, resolve_models
    from training.steps import UD_SPLITS

    spec = resolve_models(lang, model_dir=model_dir)
    paths = spec.paths
    procs = [p for p in ("tokenize", "mwt", "lemma") if p in paths]
    nlp = stanza.Pipeline(
        lang=lang, dir=offline_resources_dir(), processors=",".join(procs), download_method=None,
        use_gpu=False, logging_level="WARN", lemma_pos=False,
        **{f"{p}_model_path": paths[p] for p in procs},
    )
    gold_parts = []
    for rel in UD_SPLITS[lang]["dev"]:
        with data.open_text(corpora / "ud" / rel) as fh:
            gold_parts.append(fh.read())
    gold_text = "\n".join(gold_parts)
    doc = nlp(_ud_text(gold_text))
    sys_conllu = f"{doc:C}".rstrip("\n") + "\n\n"  # the scorer wants a final blank line
    ev = ud_scores(io.StringIO(gold_text), io.StringIO(sys_conllu))
    return {
        "tokens_f1": round(100 * ev["Tokens"].f1, 2),
        "sentences_f1": round(100 * ev["Sentences"].f1, 2),
        "words_f1": round(100 * ev["Words"].f1, 2),
        "lemma_f1": round(100 * ev["Lemmas"].f1, 2),
        "lemma_acc": round(100 * ev["Lemmas"].aligned_accuracy, 2),
    }


# ------------------------------------------------------------------ CLI


def _table(lang: str, name: str, scores: dict[str, dict[str, float]]) -> str:
    rows = [f"{lang} NER on {name}", f"{'label':<6} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} "
            f"{'pred':>6}"]
    for label in (*ACTOR_LABELS, "micro"):
        s = scores[label]
        rows.append(f"{label:<6} {s['p']:>6.2f} {s['r']:>6.2f} {s['f1']:>6.2f} "
                    f"{s['n_gold']:>6} {s['n_pred']:>6}")
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point (see the module docstring).

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status.
    """
    parser = argparse.ArgumentParser(prog="python -m training.evaluate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", nargs="+", default=list(LANGS), choices=LANGS)
    parser.add_argument("--gold", type=Path, help="score this gold file instead of the dev sets")
    parser.add_argument("--format", default="bio",
                        choices=["bio", "iob", "ud", "ronec-json", "ronec-conllup", "slavicner"])
    parser.add_argument("--model-dir", default=None,
                        help="model folder in the shipped layout (default: analysis/models)")
    parser.add_argument("--corpora", default=None, help="corpora root (default ../shared/corpora)")
    parser.add_argument("--no-ud", action="store_true", help="skip token / lemma scores")
    parser.add_argument("--sets", nargs="*", default=None,
                        help="only these default dev sets (e.g. kpwr-n82 nkjp-heldout)")
    parser.add_argument("--json-out", type=Path, default=None, help="write all scores here")
    parser.add_argument("--update-model-json", action="store_true",
                        help="merge the scores into dev_scores of each model.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    corpora = corpora_dir(args.corpora)
    if args.gold is not None and len(args.lang) != 1:
        parser.error("--gold needs exactly one --lang")
    results: dict[str, dict[str, Any]] = {}
    for lang in args.lang:
        res: dict[str, Any] = {}
        if args.gold is not None:
            sets = [load_gold(args.gold, args.format, lang)]
        else:
            sets = default_gold_sets(lang, corpora)
            if args.sets:
                sets = [s for s in sets if s.name in args.sets]
        for gold in sets:
            scores, all_spans, names, actor_names = score_ner(gold, lang, args.model_dir)
            if actor_names is not None:
                res[f"ner_{gold.name}{ACTOR_NAME_SUFFIX}"] = actor_names
                print(_table(lang, f"{gold.name}, actor names (headline)", actor_names),
                      flush=True)
                print(flush=True)
            res[f"ner_{gold.name}"] = scores
            res[f"ner_{gold.name}{ALL_SPANS_SUFFIX}"] = all_spans
            res[f"ner_{gold.name}{NAMES_SUFFIX}"] = names
            print(_table(lang, gold.name, scores), flush=True)
            print(f"(lower-case spans included: micro F1 {all_spans['micro']['f1']:.2f}; "
                  f"against capitalised gold spans only: {names['micro']['f1']:.2f})",
                  flush=True)
            print(flush=True)
        if not args.no_ud and args.gold is None:
            ud = score_ud(lang, corpora, args.model_dir)
            res["ud_dev"] = ud
            print(f"{lang} UD dev: " + "  ".join(f"{k}={v:.2f}" for k, v in ud.items()))
            print(flush=True)
        results[lang] = res
        if args.update_model_json:
            from training.ship import update_scores

            dest = Path(args.model_dir) / lang if args.model_dir else None
            if dest is not None and not (dest / "model.json").is_file():
                dest = Path(args.model_dir)
            update_scores(lang, res, dest=dest)
    if args.json_out:
        args.json_out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
