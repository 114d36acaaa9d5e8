"""Command line: ``python -m training <step> --lang pl [--lang lt ...]``.

Steps (each reads only the corpora folder and writes under ``.train/``):

``prepare``   UD layout + NER BIO/JSON files
``tokenize``  tokenizer + sentence splitter (Stanza ``run_tokenizer``)
``mwt``       multi-word-token expander (pl only; others have no MWTs)
``lemma``     lemmatizer (``run_lemma --no_charlm --no_pos``, gold lemmas)
``vectors``   word2vec on the language's raw text → Stanza pretrain ``.pt``
``charlm``    forward + backward character LMs on raw text (only where the recipe has one)
``ner``       NER tagger (``stanza.models.ner_tagger``)
``ship``      copy the models into ``analysis/models/<lang>/`` and write ``model.json``
``all``       every step above, in order
``card``      (re)write ``MODEL_CARD.md`` from ``model.json`` (run after the evaluation)
``gpu``       the one-shot GPU recipe (:mod:`training.gpu`): character LMs and two NER
              candidates per language in parallel, scored on dev, shipped only when they
              gain >= 1 point (``--no-ship`` to only measure, ``--out DIR`` for the report)
``gpu-bundle`` what travels to a lent GPU machine that has neither the repository's models
              nor the corpora (:mod:`training.gpu_bundle`; ``--out .gpu``)
``gpu-collect`` score the taggers that came back (``--from DIR``; ``--ship`` installs a
              candidate gaining >= 1 point)
``restore``   copy the shipped tokenizer, MWT, lemmatizer and vectors back into the work
              folder, so that ``ner --from-run N --start-model analysis/models/<lang>/ner.pt``
              and ``ship`` can continue a recipe without re-training the earlier steps

Afterwards ``python -m training.evaluate --update-model-json`` measures the shipped
models and records the dev scores in ``model.json``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from training import steps
from training.paths import (
    LANGS,
    NER_SHORTNAMES,
    REPO_ROOT,
    SHORTNAMES,
    corpora_dir,
    work_dir,
)
from training.recipes import RECIPES, ner_save_names

STEPS = ("prepare", "tokenize", "mwt", "lemma", "vectors", "charlm", "ner", "ship")
#: Steps run only when named (not part of ``all``).
EXTRA_STEPS = ("restore", "card", "gpu", "gpu-bundle", "gpu-collect")

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
                       f"SlavicNER sentences with entities per language of "
                       f"{'/'.join(recipe.ner_transfer_langs)} (cross-lingual transfer)")
    if recipe.ner_own_data:
        ner_source += (f"; + {recipe.ner_own_copies} x the project's own data "
                       f"({', '.join(recipe.ner_own_data)}: "
                       "data/annotations/*/gold.jsonl) in the last run(s)")
    if recipe.ner_actor_names:
        ner_source += "; all NER data re-tagged by the actor-name convention"
    dev_file = f"{ner_short}.dev.bio"
    if recipe.ner_adapt_steps:
        ner_source += (f"; last runs: + {recipe.ner_adapt_copies} copies of the even-id half of "
                       "RONEC v2 valid (adaptation), selected on the odd-id half")
        dev_file = f"{ner_short}.adapt.dev.bio"
    return {
        "ud_train": steps.UD_SPLITS[lang]["train"],
        "ud_dev": steps.UD_SPLITS[lang]["dev"],
        "ud_train_sentences": _count_sentences(ud_dir) if ud_dir else 0,
        "ner_train": ner_source,
        "ner_train_sentences": _count_sentences(work / "data" / "ner" / f"{ner_short}.train.bio"),
        "ner_dev_sentences": _count_sentences(work / "data" / "ner" / dev_file),
        "word_vectors": "word2vec skip-gram on the language's raw corpus text"
        if recipe.ner_vectors else None,
        "character_lm": (f"forward + backward {recipe.charlm_hidden_dim}-unit LSTM, "
                         f"{recipe.charlm_epochs} epoch(s) over ro_news (title, description, "
                         "text; every 100th article held out for dev perplexity)")
        if recipe.charlm_hidden_dim else None,
    }


def work_files(lang: str, work: Path) -> dict[str, Path | None]:
    """Where the steps leave each model of ``lang`` in the work folder.

    Parameters
    ----------
    lang : str
        Language.
    work : Path
        Work folder.

    Returns
    -------
    dict
        ``tokenize``, ``mwt``, ``lemma``, ``ner`` (the recipe's last NER run, before
        compaction), ``pretrain``, ``forward_charlm`` and ``backward_charlm`` paths; None
        for a model the recipe does not make.
    """
    from training.charlm import charlm_path

    recipe = RECIPES[lang]
    saved = work / "saved_models"
    short = SHORTNAMES[lang]
    charlm = {
        f"{d}_charlm": charlm_path(lang, d, workdir=work) if recipe.charlm_hidden_dim else None
        for d in ("forward", "backward")
    }
    return {
        "tokenize": saved / "tokenize" / f"{short}_tokenizer.pt",
        "mwt": saved / "mwt" / f"{short}_mwt_expander.pt" if lang in steps.MWT_LANGS else None,
        "lemma": saved / "lemma" / f"{short}_nocharlm_lemmatizer.pt",
        "ner": saved / "ner" / ner_save_names(lang, recipe)[-1],
        "pretrain": work / "vectors" / f"{lang}_w2v.pt" if recipe.ner_vectors else None,
        **charlm,
    }


def ner_runs(lang: str, saved: Path) -> list[dict[str, Any]]:
    """The NER runs of ``lang``'s recipe, in order, as keyword arguments of ``train_ner``.

    A first run from scratch, then (when the recipe says so) runs that each continue from
    the best model of the run before with a fresh optimizer, and last adaptation runs on
    the adaptation files (ro: + half of RONEC v2 valid), chained the same way.

    Parameters
    ----------
    lang : str
        Language.
    saved : Path
        The work folder's ``saved_models``.

    Returns
    -------
    list of dict
        ``max_steps``, ``save_name``, ``continue_from``, ``lr``, ``dataset`` per run.
    """
    recipe = RECIPES[lang]
    names = ner_save_names(lang, recipe)
    runs = [dict(max_steps=recipe.ner_steps, save_name=names[0], continue_from=None, lr=None,
                 dataset="")]
    later = [(n, lr, "") for n, lr in zip(recipe.ner_continue_steps, recipe.continue_rates(),
                                          strict=True)]
    later += [(n, lr, "adapt") for n, lr in zip(recipe.ner_adapt_steps, recipe.adapt_rates(),
                                                  strict=True)]
    for i, (n_steps, lr, dataset) in enumerate(later, start=1):
        runs.append(dict(max_steps=n_steps, save_name=names[i],
                         continue_from=saved / "ner" / names[i - 1], lr=lr, dataset=dataset))
    return runs


def run_step(step: str, lang: str, corpora: Path, work: Path, *, from_run: int = 1,
             start_model: Path | None = None, ship_dir: Path | None = None) -> None:
    """Run one training step for one language.

    Parameters
    ----------
    step : str
        One of :data:`STEPS`.
    lang : str
        Language.
    corpora, work : Path
        Corpora root and work folder.
    from_run : int
        ``ner`` only: skip the recipe's NER runs before this one (1-based); the run
        continues from the saved output of the run before, or from ``start_model``.
    start_model : Path, optional
        ``ner`` only: the model the first run executed continues from (e.g. the shipped
        ``ner.pt`` of the run before, when the work folder no longer has it).
    ship_dir : Path, optional
        ``ship`` only: install into ``ship_dir/<lang>`` (a candidate to evaluate with
        ``python -m training.evaluate --model-dir``) instead of ``analysis/models/<lang>``.
    """
    recipe = RECIPES[lang]
    if step == "prepare":
        steps.prepare_ud(lang, corpora=corpora, workdir=work)
        steps.prepare_ner(lang, corpora=corpora, workdir=work, max_train=recipe.ner_max_train,
                          repeat=recipe.ner_train_repeat, transfer=recipe.ner_transfer,
                          transfer_langs=recipe.ner_transfer_langs,
                          adapt_copies=recipe.ner_adapt_copies if recipe.ner_adapt_steps else 0,
                          own_data=[REPO_ROOT / "data" / "annotations" / name / "gold.jsonl"
                                    for name in recipe.ner_own_data],
                          own_copies=recipe.ner_own_copies, actor_names=recipe.ner_actor_names)
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
    elif step == "charlm":
        if recipe.charlm_hidden_dim:
            from training.charlm import train_charlm, write_charlm_text

            write_charlm_text(lang, corpora=corpora, workdir=work)
            for direction in ("forward", "backward"):
                train_charlm(lang, direction, hidden_dim=recipe.charlm_hidden_dim,
                             epochs=recipe.charlm_epochs, workdir=work)
    elif step == "ner":
        runs = ner_runs(lang, work / "saved_models")
        if not 1 <= from_run <= len(runs):
            raise ValueError(f"{lang} has NER runs 1..{len(runs)}, not {from_run}")
        runs = runs[from_run - 1:]
        if start_model is not None:
            if runs[0]["continue_from"] is None:
                raise ValueError("the first NER run starts from scratch; it takes no start model")
            runs[0]["continue_from"] = Path(start_model)
        files = work_files(lang, work)
        charlm = files["forward_charlm"], files["backward_charlm"]
        for run in runs:
            steps.train_ner(
                lang,
                workdir=work,
                eval_interval=recipe.ner_eval_interval,
                pretrain=files["pretrain"],
                charlm=charlm if all(charlm) else None,
                extra=recipe.ner_extra,
                **run,
            )
    elif step == "restore":
        from training.ship import restore

        restore(lang, work_files(lang, work))
    elif step == "ship":
        from training.lexicon import write_common_words
        from training.ship import ship

        models: dict[str, Path | None] = dict(work_files(lang, work))
        if recipe.ner_max_delta is not None and models["ner"] is not None:
            from training.compact import compact_ner

            compacted = work / "compact" / models["ner"].name
            compact_ner(models["ner"], compacted, max_delta=recipe.ner_max_delta)
            models["ner"] = compacted
        models["common_words"] = write_common_words(
            lang, work / f"{lang}_common_words.txt", corpora=corpora, workdir=work)
        ship(lang, models, trained_on=trained_on(lang, work),
             dest=ship_dir / lang if ship_dir is not None else None)
    else:
        raise ValueError(f"unknown step {step!r}")


def _gpu_lease(args, parser, corpora: Path, work: Path) -> int:
    """``gpu-bundle`` and ``gpu-collect`` (:mod:`training.gpu_bundle`)."""
    from training import gpu_bundle

    if args.step == "gpu-bundle":
        if not args.out:
            parser.error("gpu-bundle needs --out (e.g. .gpu, ignored by git)")
        meta = gpu_bundle.make_bundle(args.lang, corpora=corpora, work=work, out=Path(args.out))
        logger.info("bundle: %.1f MiB, jobs %s", meta["bytes"] / 2**20,
                    [job["name"] for job in meta["jobs"]])
        return 0
    if not args.returned or not Path(args.returned).is_dir():
        parser.error("gpu-collect needs --from DIR (the folder the device's files came back to)")
    report = gpu_bundle.collect(Path(args.returned), args.lang, corpora=corpora, work=work,
                                ship=args.ship)
    return 0 if any(e["best"] for e in report["languages"].values()) else 1


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
    parser.add_argument("step", choices=(*STEPS, "all", *EXTRA_STEPS))
    parser.add_argument("--lang", nargs="+", default=list(LANGS), choices=LANGS)
    parser.add_argument("--corpora", default=None,
                        help="corpora root (default $ACTOR_NETWORKS_CORPORA or ../shared/corpora)")
    parser.add_argument("--workdir", default=None,
                        help="work folder (default $ACTOR_NETWORKS_TRAIN_DIR or .train)")
    parser.add_argument("--from-run", type=int, default=1,
                        help="ner: start at this NER run of the recipe (1-based)")
    parser.add_argument("--start-model", default=None,
                        help="ner: model file the first run executed continues from")
    parser.add_argument("--ship-dir", default=None,
                        help="ship: install into DIR/<lang> instead of analysis/models/<lang>")
    parser.add_argument("--out", default=None, help="gpu: copy the report (and logs) here")
    parser.add_argument("--no-ship", action="store_true",
                        help="gpu: score the candidates, never replace the shipped models")
    parser.add_argument("--from", dest="returned", default=None,
                        help="gpu-collect: the folder the device run's files came back to")
    parser.add_argument("--ship", action="store_true",
                        help="gpu-collect: install a candidate that gains >= 1 point of dev F1")
    parser.add_argument("--copy-candidates", action="store_true",
                        help="gpu: also copy winning candidates to --out/models/<lang>")
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
    if args.step in ("gpu-bundle", "gpu-collect"):
        return _gpu_lease(args, parser, corpora, work)
    if args.step == "gpu":
        from training.gpu import GpuPlan
        from training.gpu import run as run_gpu

        report = run_gpu(args.lang, GpuPlan(), corpora=corpora, work=work,
                         ship=not args.no_ship, out=Path(args.out) if args.out else None,
                         copy_candidates=args.copy_candidates)
        logger.info("gpu recipe done in %.0f s", report["seconds"])
        return 0
    todo = STEPS if args.step == "all" else (args.step,)
    for lang in args.lang:
        for step in todo:
            logger.info("== %s %s", step, lang)
            run_step(step, lang, corpora, work, from_run=args.from_run,
                     start_model=args.start_model,
                     ship_dir=Path(args.ship_dir) if args.ship_dir else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
