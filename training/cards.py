"""Render ``analysis/_data/models/<lang>/MODEL_CARD.md`` from ``model.json`` and the experiment log.

Every number in a card comes from ``model.json`` (``dev_scores``, written by
``python -m training.evaluate --update-model-json``) or from
:data:`training.experiments.EXPERIMENTS` (dev scores read from the training logs).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from training.evaluate import ACTOR_NAME_SUFFIX, ALL_SPANS_SUFFIX, NAMES_SUFFIX
from training.experiments import EXPERIMENTS, NOTES
from training.labels import ACTOR_LABELS
from training.paths import shipped_dir
from training.recipes import RECIPES

LANG_NAMES = {"pl": "Polish", "lt": "Lithuanian", "ro": "Romanian"}

DEV_SET_NOTES = {
    "ner_kpwr-n82": "KPWr n82 test (pl_nkjp/kpwr-ner-n82-test.iob), 77 fine types mapped "
    "(nam_liv_person→PER, nam_org_*→ORG, nam_loc_*/nam_fac_*→LOC, nam_eve_*→EVT, "
    "nam_pro_*→PRO, rest→none); independent of training; spacing guessed",
    "ner_nkjp-heldout": "NKJP documents held out of training (every 20th document); "
    "spacing guessed",
    "ner_slavicner-pl": "SlavicNER Polish documents, full raw texts with gold character "
    "spans (their raw text was also part of the word2vec corpus, unlabelled)",
    "ner_lt_ner-dev.bio": "lt_ner dev (HSE sentences not in training)",
    "ner_ronec-v2-valid-odd": "RONEC v2 valid, the 653 sentences with odd ids (with their "
    "own space_after); the even-id half is adaptation training data",
}


def _ner_table(scores: dict[str, dict[str, float]]) -> list[str]:
    rows = ["| label | P | R | F1 | gold | pred |", "|---|---:|---:|---:|---:|---:|"]
    for label in (*ACTOR_LABELS, "micro"):
        s = scores.get(label)
        if s is None:
            continue
        name = "**micro**" if label == "micro" else label
        rows.append(f"| {name} | {s['p']:.2f} | {s['r']:.2f} | {s['f1']:.2f} | "
                    f"{s['n_gold']} | {s['n_pred']} |")
    return rows


def render_card(lang: str, dest: Path | None = None) -> str:
    """Build the model card text for ``lang``.

    Parameters
    ----------
    lang : str
        pl, lt or ro.
    dest : Path, optional
        Model folder (default ``analysis/_data/models/<lang>``).

    Returns
    -------
    str
        Markdown.
    """
    dest = dest or shipped_dir(lang)
    meta: dict[str, Any] = json.loads((dest / "model.json").read_text(encoding="utf-8"))
    recipe = RECIPES[lang]
    out: list[str] = [f"# Stanza models for {LANG_NAMES[lang]} ({lang}) — version "
                      f"{meta['version']}", ""]
    out += [
        "Trained here with Stanza's own trainers (Stanza "
        f"{meta['stanza_version']}, torch {meta['torch_version']}, "
        + ("CPU and a lent GPU, " if meta.get("finishing_runs") else "CPU only, ")
        + ("own character LM, " if meta["files"].get("forward_charlm") else "no charLM, ")
        + "no downloads). Loaded by `analysis.models` with `download_method=None`.", "",
        "## Files", "", "| key | file | size |", "|---|---|---:|",
    ]
    for key, name in meta["files"].items():
        if name:
            size = (dest / name).stat().st_size / 2**20
            out.append(f"| {key} | `{name}` | {size:.2f} MiB |")
    out += ["", "## Training data", ""]
    for key, value in meta["trained_on"].items():
        out.append(f"- **{key}**: {value}")
    out += ["", "## NER label mapping (native → actor label)", "",
            "| native label | actor label |", "|---|---|"]
    for native, actor in meta["label_map"].items():
        out.append(f"| {native} | {actor or '— (not an actor)'} |")
    out += [
        "", "## How it was trained", "",
        "```",
        f"python -m training all --lang {lang}    # = the steps below",
        f"python -m training prepare --lang {lang}",
        f"python -m training tokenize --lang {lang}   # {recipe.tokenizer_steps} steps",
    ]
    if meta["files"].get("mwt"):
        out.append(f"python -m training mwt --lang {lang}        # {recipe.mwt_epochs} epochs")
    out += [
        f"python -m training lemma --lang {lang}      # {recipe.lemma_epochs} epochs",
        f"python -m training vectors --lang {lang}" if recipe.ner_vectors else
        "# (no word vectors)",
        *([f"python -m training charlm --lang {lang}     # forward + backward, "
           f"{recipe.charlm_hidden_dim} units, {recipe.charlm_epochs} epoch(s)"]
          if recipe.charlm_hidden_dim else []),
        f"python -m training ner --lang {lang}        # {recipe.ner_steps} steps, batch 32, "
        f"dev every {recipe.ner_eval_interval}",
        *([f"#   training data: {recipe.ner_train_repeat} copies of the {lang} sentences + "
           f"{recipe.ner_transfer} SlavicNER sentences per language of "
           f"{'/'.join(recipe.ner_transfer_langs)} (transfer; see prepare)"]
          if recipe.ner_transfer else []),
        *[f"#   then {n} more steps from the best model so far (--finetune"
          + (f", learning rate {lr}" if lr is not None else "") + ")"
          for n, lr in zip(recipe.ner_continue_steps, recipe.continue_rates(), strict=True)],
        *[f"#   then {n} steps of adaptation from the best model so far (--finetune"
          + (f", learning rate {lr}" if lr is not None else "") + "): training data + "
          f"{recipe.ner_adapt_copies} copies of the even-id half of RONEC v2 valid, "
          "selected on the odd-id half"
          for n, lr in zip(recipe.ner_adapt_steps, recipe.adapt_rates(), strict=True)],
        # runs outside the recipe that produced the shipped tagger (model.json)
        *[f"#   then {run}" for run in meta.get("finishing_runs", [])],
        *([f"#   ship keeps {recipe.ner_max_delta} delta-embedding rows (training.compact)"]
          if recipe.ner_max_delta else []),
        f"python -m training ship --lang {lang}",
        "# (to add a run to a shipped chain without re-training the earlier steps: "
        f"python -m training restore --lang {lang}, then python -m training ner --lang "
        f"{lang} --from-run N --start-model analysis/_data/models/{lang}/ner.pt, then ship)",
        f"python -m training.evaluate --lang {lang} --update-model-json",
        f"python -m training card --lang {lang}",
        "```",
    ]
    if recipe.ner_extra:
        out.append(f"NER extra arguments: `{' '.join(recipe.ner_extra)}`.")
    out += ["", "## Dev scores (measured on the shipped files)", "",
            "NER is scored through `analysis.ner.tag_texts` on raw text (gold sentences "
            "detokenized), entity-level exact match on character offsets, actor labels only "
            "(`python -m training.evaluate`).", ""]
    scores = meta.get("dev_scores", {})
    for key, value in scores.items():
        if key.startswith("ner_") and not key.endswith(
                (ALL_SPANS_SUFFIX, NAMES_SUFFIX, ACTOR_NAME_SUFFIX)):
            out += [f"### NER — {DEV_SET_NOTES.get(key, key[4:])}", ""]
            out += _ner_table(value)
            out.append("")
            lower = scores.get(key + ALL_SPANS_SUFFIX)
            if lower:
                m = lower["micro"]
                out += ["Counting lower-case spans too (the corpus' convention; the pipeline "
                        "keeps only capitalised names as actors): micro "
                        f"P {m['p']:.2f} / R {m['r']:.2f} / F1 {m['f1']:.2f}.", ""]
            names = scores.get(key + NAMES_SUFFIX)
            if names:
                m = names["micro"]
                out += ["The pipeline's actor mentions against the gold spans written with a "
                        "capital letter or a digit only (gold descriptions such as "
                        "lower-case *liderilor* left out): micro "
                        f"P {m['p']:.2f} / R {m['r']:.2f} / F1 {m['f1']:.2f}.", ""]
            actor = scores.get(key + ACTOR_NAME_SUFFIX)
            if actor:
                m = actor["micro"]
                out += ["Under the actor-name convention (gold spans cut to their capitalised "
                        "name: titles, appositions and quote marks dropped; spans without a "
                        "capitalised word neutral; the headline number): micro "
                        f"P {m['p']:.2f} / R {m['r']:.2f} / F1 {m['f1']:.2f}.", ""]
    if "ud_dev" in scores:
        ud = scores["ud_dev"]
        out += ["### Tokenizer and lemmatizer — UD dev, raw text, CoNLL 2018 scorer", "",
                "| tokens F1 | sentences F1 | words F1 | lemma accuracy (aligned words) | "
                "lemma F1 (end to end) |", "|---:|---:|---:|---:|---:|",
                f"| {ud['tokens_f1']:.2f} | {ud['sentences_f1']:.2f} | {ud['words_f1']:.2f} | "
                f"{ud['lemma_acc']:.2f} | {ud['lemma_f1']:.2f} |", ""]
    if not scores:
        out += ["(not measured yet)", ""]
    exps = EXPERIMENTS.get(lang, [])
    if exps:
        out += ["## What the quality choices bought (dev)", "",
                "| setting | dev set | measure | score |", "|---|---|---|---:|"]
        for exp in exps:
            out.append(f"| {exp['setting']} | {exp['dev']} | {exp['measure']} | "
                       f"{exp['score']} |")
        out.append("")
    if NOTES.get(lang):
        out += ["## Notes and limitations", "", NOTES[lang], ""]
    return "\n".join(out)


def write_card(lang: str, dest: Path | None = None) -> Path:
    """Write ``MODEL_CARD.md`` next to ``model.json``.

    Parameters
    ----------
    lang : str
        pl, lt or ro.
    dest : Path, optional
        Model folder.

    Returns
    -------
    Path
        The card.
    """
    dest = dest or shipped_dir(lang)
    path = dest / "MODEL_CARD.md"
    path.write_text(render_card(lang, dest), encoding="utf-8")
    return path
