"""Locations used by the training recipes.

The recipes read only the shared corpora folder and write every derived file
under an ignored work folder (``/.train/`` at the repository root).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
"""Repository root (the folder that holds ``training/`` and ``analysis/``)."""

CORPORA_ENV = "ACTOR_NETWORKS_CORPORA"
WORKDIR_ENV = "ACTOR_NETWORKS_TRAIN_DIR"

LANGS: tuple[str, ...] = ("pl", "lt", "ro")

# UD treebank folder names used for the Stanza data layout, per language.
TREEBANKS: dict[str, str] = {
    "pl": "UD_Polish-PDB",
    "lt": "UD_Lithuanian-ALKSNIS",
    "ro": "UD_Romanian-RRT",
}
SHORTNAMES: dict[str, str] = {"pl": "pl_pdb", "lt": "lt_alksnis", "ro": "ro_rrt"}
NER_SHORTNAMES: dict[str, str] = {"pl": "pl_nkjp", "lt": "lt_ltner", "ro": "ro_ronec"}


def corpora_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Return the shared corpora folder.

    Parameters
    ----------
    override : str or PathLike, optional
        Explicit folder (e.g. from ``--corpora``). Wins over the environment.

    Returns
    -------
    Path
        ``override``, else ``$ACTOR_NETWORKS_CORPORA``, else ``../shared/corpora``
        relative to the repository root.
    """
    if override is not None:
        return Path(override).resolve()
    env = os.environ.get(CORPORA_ENV)
    if env:
        return Path(env).resolve()
    return (REPO_ROOT.parent / "shared" / "corpora").resolve()


def work_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Return (and create) the ignored work folder for derived files.

    Parameters
    ----------
    override : str or PathLike, optional
        Explicit folder. Wins over ``$ACTOR_NETWORKS_TRAIN_DIR``.

    Returns
    -------
    Path
        The work folder, ``<repo>/.train`` by default.
    """
    if override is not None:
        path = Path(override)
    else:
        path = Path(os.environ.get(WORKDIR_ENV, REPO_ROOT / ".train"))
    path = path.resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def shipped_dir(lang: str) -> Path:
    """Return the folder of the shipped models for ``lang``.

    Parameters
    ----------
    lang : str
        Language code (pl, lt, ro).

    Returns
    -------
    Path
        ``<repo>/analysis/_data/models/<lang>``.
    """
    return REPO_ROOT / "analysis" / "_data" / "models" / lang
