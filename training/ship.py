"""Copy trained models into ``analysis/models/<lang>/`` and write ``model.json``."""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
from pathlib import Path
from typing import Any

from training.labels import LABEL_MAPS
from training.paths import shipped_dir

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_TOTAL_BYTES = 120 * 1024 * 1024

SHIPPED_NAMES = {
    "tokenize": "tokenize.pt",
    "mwt": "mwt.pt",
    "lemma": "lemma.pt",
    "ner": "ner.pt",
    "pretrain": "pretrain.pt",
    "forward_charlm": "forward_charlm.pt",
    "backward_charlm": "backward_charlm.pt",
    "common_words": "common_words.txt",
}


def _copy_atomic(src: Path, dst: Path) -> None:
    """Copy ``src`` to a temporary name beside ``dst``, then rename it to ``dst``."""
    tmp = dst.with_name(dst.name + ".tmp")
    shutil.copyfile(src, tmp)
    tmp.replace(dst)


def ship(
    lang: str,
    models: dict[str, Path | None],
    *,
    trained_on: dict[str, Any],
    dev_scores: dict[str, Any] | None = None,
    version: str | None = None,
    dest: Path | None = None,
) -> Path:
    """Install model files for ``lang`` in the shipped layout.

    Files are copied to a temporary name and renamed, so readers polling the
    folder never see half-written files; ``model.json`` is written last.

    Parameters
    ----------
    lang : str
        pl, lt or ro.
    models : dict
        Paths by key (tokenize, mwt, lemma, ner, pretrain, forward_charlm, backward_charlm,
        common_words); None or missing = not used.
    trained_on : dict
        Corpus names and sizes for ``model.json``.
    dev_scores : dict, optional
        Measured dev scores for ``model.json``.
    version : str, optional
        Version string (default: today's date, ``YYYY.MM.DD``).
    dest : Path, optional
        Target folder (default ``analysis/models/<lang>``).

    Returns
    -------
    Path
        The written ``model.json``.

    Raises
    ------
    ValueError
        When a file exceeds 16 MiB.
    """
    import stanza
    import torch

    dest = dest or shipped_dir(lang)
    dest.mkdir(parents=True, exist_ok=True)
    files: dict[str, str | None] = {}
    for key, name in SHIPPED_NAMES.items():
        src = models.get(key)
        if src is None:
            files[key] = None
            stale = dest / name
            if stale.exists():
                stale.unlink()
            continue
        size = Path(src).stat().st_size
        if size > MAX_FILE_BYTES:
            raise ValueError(f"{src} is {size / 2**20:.1f} MiB, over the 16 MiB limit")
        _copy_atomic(Path(src), dest / name)
        files[key] = name
    meta = {
        "lang": lang,
        "version": version or dt.date.today().strftime("%Y.%m.%d"),
        "files": files,
        "label_map": LABEL_MAPS[lang],
        "trained_on": trained_on,
        "stanza_version": stanza.__version__,
        "torch_version": torch.__version__,
        "dev_scores": dev_scores or {},
    }
    out = dest / "model.json"
    tmp = dest / "model.json.tmp"
    tmp.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(out)
    total = sum(p.stat().st_size for p in dest.parent.rglob("*") if p.is_file())
    if total > MAX_TOTAL_BYTES:
        logger.warning("analysis/models holds %.1f MiB, over 120 MiB", total / 2**20)
    return out


def update_scores(lang: str, scores: dict[str, Any], *, dest: Path | None = None) -> None:
    """Merge measured scores into ``dev_scores`` of an installed ``model.json``.

    Parameters
    ----------
    lang : str
        pl, lt or ro.
    scores : dict
        Scores to merge (top-level keys replace existing ones).
    dest : Path, optional
        Model folder (default ``analysis/models/<lang>``).
    """
    path = (dest or shipped_dir(lang)) / "model.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta.setdefault("dev_scores", {}).update(scores)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def restore(lang: str, targets: dict[str, Path | None], *, src: Path | None = None) -> list[Path]:
    """Copy shipped model files back to where the training steps leave them.

    For continuing a recipe (e.g. one more NER run) in a work folder that no longer holds
    the earlier steps' output. The NER model is not restored: pass the shipped ``ner.pt``
    as the continued run's start model instead.

    Parameters
    ----------
    lang : str
        pl, lt or ro.
    targets : dict
        Work-folder path by key (``tokenize``, ``mwt``, ``lemma``, ``pretrain``,
        ``forward_charlm``, ``backward_charlm``; None or
        missing = skip; other keys are ignored).
    src : Path, optional
        Shipped folder (default ``analysis/models/<lang>``).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    FileNotFoundError
        When a shipped file for a wanted key is missing.
    """
    src = src or shipped_dir(lang)
    written = []
    for key in ("tokenize", "mwt", "lemma", "pretrain", "forward_charlm", "backward_charlm"):
        target = targets.get(key)
        if target is None:
            continue
        shipped = src / SHIPPED_NAMES[key]
        if not shipped.is_file():
            raise FileNotFoundError(f"{lang}: no shipped {key} model at {shipped}")
        target.parent.mkdir(parents=True, exist_ok=True)
        _copy_atomic(shipped, target)
        written.append(target)
        logger.info("restored %s -> %s", shipped, target)
    return written
