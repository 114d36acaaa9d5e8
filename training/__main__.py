"""Command line: ``python -m training <step> --lang pl [--lang lt ...]``.

Steps (each reads only the corpora folder and writes under ``.train/``):

``prepare``   UD layout + NER BIO/JSON files
``tokenize``  tokenizer + sentence splitter (Stanza ``run_tokenizer``)
``mwt``       multi-word-token expander (pl only; others have no MWTs)
``lemma``     lemmatizer (``run_lemma --no_charlm --no_pos``, gold lemmas)
``vectors``   word2vec on the language's raw text → Stanza pretrain ``.pt``
``ner``       NER tagger (``stanza.models.ner_tagger``)
``ship``      copy the models into ``analysis/models/<lang>/`` and write ``model.json``
``all``       every step above, in order
``card``      (re)write ``MODEL_CARD.md`` from ``model.json`` (run after the evaluation)

Afterwards ``python -m training.evaluate --update-model-json`` measures the shipped
models and records the dev scores in ``model.json``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from training import steps
from training.paths import LANGS, NER_SHORTNAMES, SHORTNAMES, corpora_dir, work_dir
from training.recipes import RECIPES, ner_save_names

STEPS = ("prepare", "tokenize", "mwt", "lemma", "vectors", "ner", "ship")

logger = logging.getLogger("training")


def _count_sentences(path: Path) -> int:
    if not path.is_file():
        return 0
    n, in_sent = 0, False
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                in_sent = True
            elif in_sent:
                n += 1
                in_sent = False
    return n + int(in_sent)


def trained_on(lang: str, work: Path) -> dict[str, object]:
    """Describe the training data of ``lang`` for ``model.json``.

    Parameters
    ----------
    lang : str
        Language.
    work : Path
        Work folder with the prepared files.

    Returns
    -------
    dict
        Corpus files and sentence counts per model.
    """
    tb = work / "extern_data" / "ud2"
    short = SHORTNAMES[lang]
    ner_short = NER_SHORTNAMES[lang]
    ud_dir = next(tb.glob(f"*/{short}-ud-train.conllu"), None)
    ner_sources = {
        "pl": "NKJP-1M NER (pl_nkjp/nkjp-nested-simplified-v2), outermost label, "
              f"every {steps.NKJP_DEV_EVERY}th document held out for dev",
        "lt": "lt_ner train (ALKSNIS + HSE sentences)",
        "ro": "RONEC v1 minus v2 test (v1 names renamed to v2)",
    }
    recipe = RECIPES[lang]
    ner_source = ner_sources[lang]
    if recipe.ner_transfer:
        ner_source += (f", {recipe.ner_train_repeat} copies, plus {recipe.ner_transfer} "
                       "SlavicNER Polish sentences with entities (cross-lingual transfer)")
    return {
        "ud_train": steps.UD_SPLITS[lang]["train"],
        "ud_dev": steps.UD_SPLITS[lang]["dev"],
        "ud_train_sentences": _count_sentences(ud_dir) if ud_dir else 0,
        "ner_train": ner_source,
        "ner_train_sentences": _count_sentences(work / "data" / "ner" / f"{ner_short}.train.bio"),
        "ner_dev_sentences": _count_sentences(work / "data" / "ner" / f"{ner_short}.dev.bio"),
        "word_vectors": "word2vec skip-gram on the language's raw corpus text"
        if recipe.ner_vectors else None,
    }


def run_step(step: str, lang: str, corpora: Path, work: Path) -> None:
    """Run one training step for one language.

    Parameters
    ----------
    step : str
        One of :data:`STEPS`.
    lang : str
        Language.
    corpora, work : Path
        Corpora root and work folder.
    """
    recipe = RECIPES[lang]
    saved = work / "saved_models"
    pretrain = work / "vectors" / f"{lang}_w2v.pt"
    if step == "prepare":
        steps.prepare_ud(lang, corpora=corpora, workdir=work)
        steps.prepare_ner(lang, corpora=corpora, workdir=work, max_train=recipe.ner_max_train,
                          repeat=recipe.ner_train_repeat, transfer=recipe.ner_transfer)
    elif step == "tokenize":
        steps.train_tokenizer(lang, steps=recipe.tokenizer_steps, workdir=work)
    elif step == "mwt":
        steps.train_mwt(lang, workdir=work, epochs=recipe.mwt_epochs)
    elif step == "lemma":
        steps.train_lemma(lang, workdir=work, epochs=recipe.lemma_epochs)
    elif step == "vectors":
        if recipe.ner_vectors:
            from training.vectors import train_vectors

            train_vectors(lang, corpora=corpora, workdir=work)
    elif step == "ner":
        # A first run from scratch, then (when the recipe says so) runs that each continue
        # from the best model of the run before, with a fresh optimizer.
        names = ner_save_names(lang, recipe)
        runs = [(recipe.ner_steps, names[0], None)]
        for i, n_steps in enumerate(recipe.ner_continue_steps, start=1):
            runs.append((n_steps, names[i], saved / "ner" / names[i - 1]))
        for max_steps, save_name, continue_from in runs:
            steps.train_ner(
                lang,
                workdir=work,
                max_steps=max_steps,
                eval_interval=recipe.ner_eval_interval,
                pretrain=pretrain if recipe.ner_vectors else None,
                save_name=save_name,
                extra=recipe.ner_extra,
                continue_from=continue_from,
            )
    elif step == "ship":
        from training.lexicon import write_common_words
        from training.ship import ship

        short = SHORTNAMES[lang]
        mwt = saved / "mwt" / f"{short}_mwt_expander.pt"
        ner = saved / "ner" / ner_save_names(lang, recipe)[-1]
        if recipe.ner_max_delta is not None:
            from training.compact import compact_ner

            compacted = work / "compact" / ner.name
            compact_ner(ner, compacted, max_delta=recipe.ner_max_delta)
            ner = compacted
        models = {
            "tokenize": saved / "tokenize" / f"{short}_tokenizer.pt",
            "mwt": mwt if lang in steps.MWT_LANGS else None,
            "lemma": saved / "lemma" / f"{short}_nocharlm_lemmatizer.pt",
            "ner": ner,
            "pretrain": pretrain if recipe.ner_vectors else None,
            "common_words": write_common_words(
                lang, work / f"{lang}_common_words.txt", corpora=corpora, workdir=work),
        }
        ship(lang, models, trained_on=trained_on(lang, work))
    else:
        raise ValueError(f"unknown step {step!r}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m training``.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status.
    """
    parser = argparse.ArgumentParser(
        prog="python -m training", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("step", choices=(*STEPS, "all", "card"))
    parser.add_argument("--lang", nargs="+", default=list(LANGS), choices=LANGS)
    parser.add_argument("--corpora", default=None,
                        help="corpora root (default $ACTOR_NETWORKS_CORPORA or ../shared/corpora)")
    parser.add_argument("--workdir", default=None,
                        help="work folder (default $ACTOR_NETWORKS_TRAIN_DIR or .train)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    corpora = corpora_dir(args.corpora)
    if not corpora.is_dir():
        parser.error(f"corpora folder {corpora} does not exist (use --corpora)")
    work = work_dir(args.workdir)
    if args.step == "card":
        from training.cards import write_card

        for lang in args.lang:
            logger.info("wrote %s", write_card(lang))
        return 0
    todo = STEPS if args.step == "all" else (args.step,)
    for lang in args.lang:
        for step in todo:
            logger.info("== %s %s", step, lang)
            run_step(step, lang, corpora, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
