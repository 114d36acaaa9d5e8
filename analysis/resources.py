"""Files shipped inside the package: models, the sample corpus, the default actor registry.

Everything lives below ``analysis/_data/`` and is reached through :mod:`importlib.resources`,
so a wheel installed anywhere finds it without a checkout::

    _data/models/<lang>/      Stanza models, model.json, MODEL_CARD.md (see analysis.models)
    _data/sample/*.txt        the five sample articles (described in _data/SAMPLE.md)
    _data/actors.csv          the default actor registry (docs/identity.md)
"""

from __future__ import annotations

import atexit
import contextlib
import functools
from importlib import resources
from pathlib import Path

__all__ = ["data_path", "default_registry_path", "models_root", "sample_corpus_path"]


@functools.cache
def _data_root() -> Path:
    """The ``_data`` folder as a real directory (extracted once if the package is zipped)."""
    ref = resources.files("analysis").joinpath("_data")
    if isinstance(ref, Path):
        return ref
    stack = contextlib.ExitStack()
    atexit.register(stack.close)
    return Path(stack.enter_context(resources.as_file(ref)))


def data_path(*parts: str) -> Path:
    """Path of a shipped file or folder below ``analysis/_data``."""
    return _data_root().joinpath(*parts)


def models_root() -> Path:
    """Folder of the shipped Stanza models (one subfolder per language)."""
    return data_path("models")


def sample_corpus_path() -> Path:
    """Folder of the sample corpus (five articles in pl, lt and ro)."""
    return data_path("sample")


def default_registry_path() -> Path:
    """The default actor registry CSV."""
    return data_path("actors.csv")
