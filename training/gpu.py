"""One-shot GPU recipe: ``python -m training gpu --lang pl lt ro``.

For the rare session that is lent a GPU (minutes of device time): every language runs in
parallel, each step a subprocess, so one GPU and its CPU cores are kept busy.

Per language:

1. ``restore`` the shipped tokenizer, MWT, lemmatizer and vectors into the work folder (they
   are not what holds the scores back) and ``prepare`` the recipe's NER data (the project's
   own annotations and the actor-name convention included, see :mod:`training.recipes`);
2. forward and backward character LMs at once (Stanza ``charlm``, ``charlm_hidden_dim`` units,
   the raw text capped at ``charlm_chars`` characters, which bounds the time of an epoch);
3. two NER candidates at once: ``finetune`` continues the shipped tagger for
   ``finetune_steps`` on the recipe's data (same architecture, no character LM) and
   ``charlm`` trains a tagger reading the new character LMs from scratch for
   ``scratch_steps``;
4. each candidate is shipped to ``<work>/gpu/candidates/<name>/<lang>`` and scored with
   ``python -m training.evaluate`` on the language's main dev set (raw text in, through
   ``analysis.ner.tag_texts``, exactly as the pipeline runs);
5. the best candidate replaces the shipped model only when its pipeline micro F1 beats the
   shipped model's on that dev set by at least ``min_gain`` points (the ship rule: every
   re-shipped NER stays in git history forever).

``<work>/gpu/report.json`` records every step's wall time, the scores and the decision;
``--out DIR`` copies the report (and, with ``--copy-candidates``, the winning model folders)
there, e.g. the device tool's ``$OUT``.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from training.paths import REPO_ROOT, shipped_dir

logger = logging.getLogger(__name__)

#: The dev set whose pipeline micro F1 decides shipping, per language.
MAIN_DEV_SET = {"pl": "nkjp-heldout", "lt": "lt_ner-dev.bio", "ro": "ronec-v2-valid-odd"}


@dataclass(frozen=True)
class GpuPlan:
    """Sizes of one GPU session (defaults not yet measured on a GPU: the first lease measured
    0.13–0.16 s per NER batch of 32 on an H200, no faster than 2 CPU cores, so the NER steps
    alone would take ~30 minutes; see :mod:`training.gpu_bundle`).

    Attributes
    ----------
    charlm_hidden_dim : int
        Units of each character LM (512: a 5 MB file, under the 16 MiB a shipped file may
        have; Stanza's default 1024 makes ~18 MB).
    charlm_chars : int
        Characters of raw training text per character LM (one epoch over them).
    finetune_steps, scratch_steps : int
        NER steps of the two candidates.
    eval_interval : int
        NER dev evaluation interval (the best checkpoint is kept).
    min_gain : float
        Points of pipeline micro F1 a candidate must gain over the shipped model.
    finetune_lr : float
        Starting learning rate of the fine-tuned candidate.
    cpu : bool
        Force the CPU (the smoke test); a GPU is used whenever torch sees one otherwise.
    """

    charlm_hidden_dim: int = 512
    charlm_chars: int = 40_000_000
    finetune_steps: int = 8000
    scratch_steps: int = 12000
    eval_interval: int = 1000
    min_gain: float = 1.0
    finetune_lr: float = 0.02
    cpu: bool = False


def _python(args: Sequence[str], log: Path) -> float:
    """Run ``python <args>`` from the repository root, output to ``log``; return seconds."""
    start = time.monotonic()
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(f"$ python {' '.join(map(str, args))}\n")
        handle.flush()
        subprocess.run([sys.executable, *map(str, args)], cwd=REPO_ROOT, stdout=handle,
                       stderr=subprocess.STDOUT, check=True)
    return round(time.monotonic() - start, 1)


def _parallel(jobs: dict[str, Any]) -> dict[str, Any]:
    """Run callables at once (threads around subprocesses); results by name."""
    with ThreadPoolExecutor(max_workers=max(1, len(jobs))) as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        return {name: f.result() for name, f in futures.items()}


def _score(lang: str, model_dir: Path, corpora: Path, log: Path) -> dict[str, float]:
    """Pipeline scores of ``model_dir`` (or the shipped models) on the main dev set, under
    the actor-name convention where the set has one (ro)."""
    from training.evaluate import ACTOR_NAME_SUFFIX

    out = log.with_suffix(f".{model_dir.name}.json")
    args = ["-m", "training.evaluate", "--lang", lang, "--no-ud", "--corpora", corpora,
            "--sets", MAIN_DEV_SET[lang], "--json-out", out]
    if model_dir != shipped_dir(lang).parent:
        args += ["--model-dir", model_dir]
    _python(args, log)
    scores = json.loads(out.read_text(encoding="utf-8"))[lang]
    key = f"ner_{MAIN_DEV_SET[lang]}"
    # Romanian's headline score is the actor-name convention (training.evaluate)
    block = scores.get(key + ACTOR_NAME_SUFFIX, scores[key])["micro"]
    return {k: round(float(block[k]), 2) for k in ("p", "r", "f1") if k in block}


def run_language(lang: str, plan: GpuPlan, *, corpora: Path, work: Path,
                 ship: bool = True) -> dict[str, Any]:
    """Steps 1–5 of the module docstring for one language; a report dict."""
    from training.charlm import charlm_path

    log = work / "gpu" / "logs" / f"{lang}.log"
    wd = ["--corpora", corpora, "--workdir", work, "--lang", lang]
    report: dict[str, Any] = {"lang": lang, "seconds": {}}
    secs = report["seconds"]
    secs["restore+prepare"] = _python(["-m", "training", "restore", *wd], log)
    secs["restore+prepare"] += _python(["-m", "training", "prepare", *wd], log)
    charlm_args = ["--hidden-dim", plan.charlm_hidden_dim, "--max-chars", plan.charlm_chars,
                   *(["--cpu"] if plan.cpu else [])]
    secs["charlm_text"] = _python(["-m", "training.gpu", "charlm-text", *wd,
                                   "--max-chars", plan.charlm_chars], log)
    secs.update(_parallel({
        f"charlm_{d}": lambda d=d: _python(["-m", "training.gpu", "charlm", *wd,
                                            "--direction", d, *charlm_args], log)
        for d in ("forward", "backward")}))
    forward, backward = (charlm_path(lang, d, workdir=work) for d in ("forward", "backward"))
    cand_root = work / "gpu" / "candidates"
    ner = {
        "finetune": ["--steps", plan.finetune_steps, "--lr", plan.finetune_lr,
                     "--start-model", shipped_dir(lang) / "ner.pt"],
        "charlm": ["--steps", plan.scratch_steps, "--charlm", forward, backward],
    }
    secs.update(_parallel({
        f"ner_{name}": lambda name=name, extra=extra: _python(
            ["-m", "training.gpu", "ner", *wd, "--name", name, "--eval-interval",
             plan.eval_interval, "--ship-dir", cand_root / name, *extra], log)
        for name, extra in ner.items()}))
    scored = _parallel({
        "shipped": lambda: _score(lang, shipped_dir(lang).parent, corpora, log),
        **{name: lambda name=name: _score(lang, cand_root / name, corpora, log) for name in ner},
    })
    report["scores"] = scored
    best, gain = best_candidate(scored)
    report.update(best=best, gain=gain, shipped=False)
    if ship and gain >= plan.min_gain:
        _install(cand_root / best / lang, shipped_dir(lang))
        report["shipped"] = True
    logger.info("%s: %s", lang, json.dumps(report, sort_keys=True))
    return report


def best_candidate(scores: dict[str, dict[str, float]]) -> tuple[str, float]:
    """The candidate with the highest micro F1 and its gain in points over ``"shipped"``.

    >>> best_candidate({"shipped": {"f1": 70.0}, "a": {"f1": 71.5}, "b": {"f1": 69.0}})
    ('a', 1.5)
    """
    candidates = [name for name in scores if name != "shipped"]
    best = max(candidates, key=lambda n: scores[n].get("f1", 0.0))
    return best, round(scores[best].get("f1", 0.0) - scores["shipped"].get("f1", 0.0), 2)


def _install(src: Path, dest: Path) -> None:
    """Replace the shipped models of one language by a candidate folder (model.json last)."""
    for path in sorted(src.iterdir()):
        if path.name != "model.json" and path.is_file():
            shutil.copyfile(path, dest / path.name)
    shutil.copyfile(src / "model.json", dest / "model.json")


def run(langs: Sequence[str], plan: GpuPlan, *, corpora: Path, work: Path, ship: bool = True,
        out: Path | None = None, copy_candidates: bool = False) -> dict[str, Any]:
    """The whole recipe for ``langs`` in parallel; writes and returns the report."""
    start = time.monotonic()
    reports = _parallel({lang: lambda lang=lang: run_language(
        lang, plan, corpora=corpora, work=work, ship=ship) for lang in langs})
    report = {"plan": asdict(plan), "languages": reports,
              "seconds": round(time.monotonic() - start, 1)}
    path = work / "gpu" / "report.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, out / "report.json")
        shutil.copytree(work / "gpu" / "logs", out / "logs", dirs_exist_ok=True)
        for lang, rep in reports.items():
            if copy_candidates and rep["gain"] >= plan.min_gain:
                shutil.copytree(work / "gpu" / "candidates" / rep["best"] / lang,
                                out / "models" / lang, dirs_exist_ok=True)
    return report


# ------------------------------------------------------------------ subprocess entry points
def _charlm_text(args) -> None:
    from training.charlm import write_charlm_text

    write_charlm_text(args.lang[0], corpora=args.corpora, workdir=args.workdir,
                      max_chars=args.max_chars)


def _charlm(args) -> None:
    from training.charlm import train_charlm

    train_charlm(args.lang[0], args.direction, hidden_dim=args.hidden_dim, epochs=1,
                 eval_steps=500, workdir=args.workdir, cpu=args.cpu)


def _fit_size(model: Path, max_delta: int | None) -> tuple[Path, int | None]:
    """The NER file, compacted (:mod:`training.compact`) until it fits the shipped size limit.

    A model trained from scratch keeps a delta row for every training word (the lt data made
    here pushes it past 16 MiB). Starts from the recipe's ``ner_max_delta`` (else 25,000
    rows) and halves until the file fits; returns the file and the rows kept (None = as
    trained).
    """
    from training.compact import compact_ner
    from training.ship import MAX_FILE_BYTES

    if model.stat().st_size <= MAX_FILE_BYTES:
        return model, None
    rows = max_delta or 25_000
    while True:
        out = model.with_name(f"{model.stem}_compact.pt")
        info = compact_ner(model, out, max_delta=rows)
        if info["bytes_after"] <= MAX_FILE_BYTES or rows < 1000:
            return out, rows
        rows //= 2


def _ner(args) -> None:
    """One NER candidate, shipped (with the language's other shipped files) to ``--ship-dir``."""
    from training import steps
    from training.__main__ import work_files
    from training.recipes import RECIPES
    from training.ship import ship

    lang, work = args.lang[0], Path(args.workdir)
    files = work_files(lang, work)
    model = steps.train_ner(
        lang, workdir=work, max_steps=args.steps, eval_interval=args.eval_interval,
        pretrain=None if args.charlm else files["pretrain"],
        save_name=f"{lang}_ner_gpu_{args.name}.pt",
        continue_from=Path(args.start_model) if args.start_model else None, lr=args.lr,
        charlm=tuple(Path(p) for p in args.charlm) if args.charlm else None,
        extra=RECIPES[lang].ner_extra)
    models: dict[str, Path | None] = dict(files)
    models["ner"], compacted = _fit_size(model, RECIPES[lang].ner_max_delta)
    if args.charlm:
        models["forward_charlm"], models["backward_charlm"] = map(Path, args.charlm)
        models["pretrain"] = None
    models["common_words"] = shipped_dir(lang) / "common_words.txt"
    ship(lang, models, trained_on={"recipe": f"training.gpu {args.name}",
                                   "ner_steps": args.steps, "ner_delta_rows": compacted},
         dest=Path(args.ship_dir) / lang)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m training.gpu charlm-text|charlm|ner ...`` (steps run by :func:`run`)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m training.gpu")
    parser.add_argument("step", choices=("charlm-text", "charlm", "ner"))
    parser.add_argument("--lang", nargs=1, required=True)
    parser.add_argument("--corpora", type=Path, required=True)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--max-chars", type=int, default=None)
    parser.add_argument("--direction", choices=("forward", "backward"))
    parser.add_argument("--hidden-dim", type=int, default=1024)
    parser.add_argument("--cpu", action="store_true")
    parser.add_argument("--name", default="candidate")
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--eval-interval", type=int, default=500)
    parser.add_argument("--lr", type=float, default=None)
    parser.add_argument("--start-model", default=None)
    parser.add_argument("--charlm", nargs=2, default=None)
    parser.add_argument("--ship-dir", default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    {"charlm-text": _charlm_text, "charlm": _charlm, "ner": _ner}[args.step](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
