"""A GPU lease in two commands: a bundle that travels, and the candidates that come back.

:mod:`training.gpu` runs everything on one machine that has the repository and the corpora.
A lent device machine often has neither: only a limited folder travels (64 MiB on this
project's device tool, less than the repository with its models), Stanza is not installed
there and minutes are few. So:

1. ``python -m training gpu-bundle --lang ro lt --out .gpu`` (here, on the CPU): restores and
   prepares each language's NER data, and writes to ``.gpu`` the xz-compressed train/dev
   files, the shipped tagger (``start.pt``) and vectors, ro_news articles and the ro tokenizer
   for the throughput probe, Stanza's wheels (``pip download``), ``bundle.json`` (the jobs)
   and the standalone driver ``run.py`` (:mod:`training.gpu_device`);
2. on the device: ``pip install --target /tmp/site .gpu/whl/*.whl`` and
   ``python3 .gpu/run.py --deadline 400 --throughput 60 --out "$OUT"``;
3. ``python -m training gpu-collect --from <returned folder> --lang ro lt`` (here): builds a
   candidate model folder per returned tagger, scores it and the shipped models on the main
   dev set through the pipeline (:func:`training.gpu._score`) and reports the gain; with
   ``--ship`` it installs the best candidate of a language only at ``>= min_gain`` points.

Measured on the first lease (2026-12-04, one H200, four fine-tuning jobs at once, batch 32 and
Stanza's default 800-word batch cap): 0.13–0.16 s per batch, no faster than the 2-core CPU
here (0.13 s), so a GPU only buys parallel runs at that batch size; three jobs alone gave
0.09 s per batch whatever ``batch_size`` (32, 128, 512) because the word cap bounded every
batch. The default jobs therefore pair the measured setting with a large-batch one that
raises the cap.
"""

from __future__ import annotations

import json
import logging
import lzma
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from training.paths import NER_SHORTNAMES, REPO_ROOT, shipped_dir
from training.recipes import RECIPES

logger = logging.getLogger(__name__)

#: Packages Stanza needs that the device image lacks (its image has torch, numpy, regex,
#: requests, networkx, protobuf, tqdm): wheels put into the bundle.
DEVICE_WHEELS = ("emoji", "orjson", "platformdirs", "udtools", "udapi", "termcolor")

#: What the device tool lets travel (working tree + carried folders).
TRAVEL_LIMIT = 64 * 1024 * 1024


def default_jobs(lang: str) -> list[dict[str, Any]]:
    """Two fine-tuning jobs of the shipped ``lang`` tagger: the setting measured on the
    first lease (batch 32, lr 0.02) and a large-batch one (256 sentences, cap raised).

    Examples
    --------
    >>> [job["name"] for job in default_jobs("ro")]
    ['ro_b32', 'ro_b256']
    """
    short = NER_SHORTNAMES[lang]
    interval = 250 if lang == "lt" else 500
    return [
        {"name": f"{lang}_b32", "lang": lang, "shorthand": short, "lr": 0.02,
         "batch_size": 32, "eval_interval": interval},
        {"name": f"{lang}_b256", "lang": lang, "shorthand": short, "lr": 0.05,
         "batch_size": 256, "max_batch_words": 12_800, "eval_interval": interval // 4},
    ]


def _ner_files(lang: str, work: Path) -> tuple[Path, Path]:
    """The prepared train and dev files the language's last NER runs use."""
    stem = NER_SHORTNAMES[lang] + (".adapt" if RECIPES[lang].ner_adapt_steps else "")
    folder = work / "data" / "ner"
    return folder / f"{stem}.train.json", folder / f"{stem}.dev.json"


def _xz(src: Path, dest: Path) -> None:
    with open(src, "rb") as fin, lzma.open(dest, "wb", preset=6) as fout:
        shutil.copyfileobj(fin, fout)


def _articles(corpora: Path, dest: Path, n: int) -> int:
    """The first ``n`` ro_news articles (title + text) as xz JSON lines; how many."""
    import pandas as pd

    files = sorted((corpora / "ro_news" / "datasets").glob("*.parquet"))
    if not files:
        raise FileNotFoundError(f"no ro_news parquet files under {corpora}")
    frames, total = [], 0
    for path in files:
        frame = pd.read_parquet(path, columns=["title", "article_text"]).dropna()
        frames.append(frame)
        total += len(frame)
        if total >= n:
            break
    table = pd.concat(frames).iloc[:n]
    with lzma.open(dest, "wt", encoding="utf-8") as handle:
        for title, text in zip(table["title"], table["article_text"], strict=True):
            handle.write(json.dumps(f"{title}\n\n{text}".strip(), ensure_ascii=False) + "\n")
    return len(table)


def _wheels(dest: Path) -> None:
    """Stanza (the version installed here) and :data:`DEVICE_WHEELS` for CPython 3.12."""
    import stanza

    platforms = [f"--platform={p}" for p in ("manylinux_2_28_x86_64", "manylinux_2_17_x86_64",
                                             "manylinux2014_x86_64", "any")]
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "--python-version", "3.12", "--implementation", "cp", *platforms, "-d", str(dest),
           f"stanza=={stanza.__version__}", *DEVICE_WHEELS]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def make_bundle(langs: Sequence[str], *, corpora: Path, work: Path, out: Path,
                articles: int = 3000, wheels: bool = True,
                jobs: Sequence[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Write the bundle of the module docstring to ``out``; returns its ``bundle.json``.

    Raises
    ------
    ValueError
        When the bundle is larger than :data:`TRAVEL_LIMIT`.
    """
    from training.gpu import _python

    out.mkdir(parents=True, exist_ok=True)
    log = out / "bundle.log"
    for lang in langs:
        wd = ["--corpora", corpora, "--workdir", work, "--lang", lang]
        _python(["-m", "training", "restore", *wd], log)
        _python(["-m", "training", "prepare", *wd], log)
        (out / lang).mkdir(exist_ok=True)
        for src, name in zip(_ner_files(lang, work), ("train", "dev"), strict=True):
            _xz(src, out / lang / f"{name}.json.xz")
        shutil.copyfile(shipped_dir(lang) / "ner.pt", out / lang / "start.pt")
        shutil.copyfile(shipped_dir(lang) / "pretrain.pt", out / lang / "pretrain.pt")
    meta: dict[str, Any] = {"langs": list(langs), "articles": 0,
                            "jobs": list(jobs) if jobs is not None else
                            [job for lang in langs for job in default_jobs(lang)]}
    if "ro" in langs and articles:
        meta["articles"] = _articles(corpora, out / "ro" / "articles.jsonl.xz", articles)
        shutil.copyfile(shipped_dir("ro") / "tokenize.pt", out / "ro" / "tokenize.pt")
    if wheels:
        _wheels(out / "whl")
    shutil.copyfile(Path(__file__).with_name("gpu_device.py"), out / "run.py")
    (out / "bundle.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    meta["bytes"], repo = size, repo_travel_bytes()
    if size + repo > TRAVEL_LIMIT:
        raise ValueError(f"bundle {out} ({size / 2**20:.1f} MiB) and the tracked files beside "
                         f"it ({repo / 2**20:.1f} MiB) are over the {TRAVEL_LIMIT / 2**20:.0f} "
                         "MiB that travel: bundle fewer languages")
    logger.info("bundle %s: %.1f MiB, %d jobs", out, size / 2**20, len(meta["jobs"]))
    return meta


def collect(returned: Path, langs: Sequence[str], *, corpora: Path, work: Path,
            min_gain: float = 1.0, ship: bool = False) -> dict[str, Any]:
    """Score the taggers the device returned against the shipped models.

    Each ``<job>.pt`` in ``returned`` becomes ``<work>/gpu/collected/<job>/<lang>`` (the
    shipped folder with that tagger); both are scored on the language's main dev set through
    the pipeline. With ``ship``, the best candidate of a language replaces the shipped tagger
    when it gains at least ``min_gain`` points of micro F1 (model card and experiments table
    are then to be updated by hand: ``training.evaluate --update-model-json``, ``training
    card``). Writes and returns ``<work>/gpu/collected/report.json``.
    """
    from training.gpu import _score, best_candidate

    root = work / "gpu" / "collected"
    summary_path = returned / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else {}
    report: dict[str, Any] = {"device": summary, "languages": {}}
    for lang in langs:
        log = root / "logs" / f"{lang}.log"
        scores = {"shipped": _score(lang, shipped_dir(lang).parent, corpora, log)}
        for model in sorted(returned.glob(f"{lang}_*.pt")):
            folder = root / model.stem / lang
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(shipped_dir(lang), folder)
            shutil.copyfile(model, folder / "ner.pt")
            scores[model.stem] = _score(lang, folder.parent, corpora, log)
        entry: dict[str, Any] = {"scores": scores, "best": None, "gain": None, "shipped": False}
        if len(scores) > 1:
            best, gain = best_candidate(scores)
            entry.update(best=best, gain=gain)
            if ship and gain >= min_gain:
                shutil.copyfile(root / best / lang / "ner.pt", shipped_dir(lang) / "ner.pt")
                entry["shipped"] = True
        report["languages"][lang] = entry
        logger.info("%s: %s", lang, json.dumps(entry, sort_keys=True))
    root.mkdir(parents=True, exist_ok=True)
    (root / "report.json").write_text(json.dumps(report, indent=1, sort_keys=True) + "\n",
                                      encoding="utf-8")
    return report


def repo_travel_bytes(exclude: Sequence[str] = ("analysis/_data/models", "data/annotations")
                      ) -> int:
    """Bytes of the tracked files outside ``exclude`` (what travels beside the bundle)."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=REPO_ROOT, check=True,
                           capture_output=True).stdout.decode().split("\0")
    return sum((REPO_ROOT / n).stat().st_size for n in names
               if n and not n.startswith(tuple(exclude)) and (REPO_ROOT / n).is_file())
