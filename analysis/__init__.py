"""Actor co-mention networks from Polish, Lithuanian and Romanian news.

Quick start::

    import analysis
    result = analysis.run()              # the sample corpus in data/sample
    result.entities.head()

Heavy dependencies (stanza, torch) load only when NER runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from analysis.result import RunResult


def run(*args: Any, **kwargs: Any) -> RunResult:
    """Run the main job; see :func:`analysis.pipeline.run`."""
    from analysis.pipeline import run as _run

    return _run(*args, **kwargs)


def load_corpus(*args: Any, **kwargs: Any):
    """Read a corpus; see :func:`analysis.corpus.load_corpus`."""
    from analysis.corpus import load_corpus as _load

    return _load(*args, **kwargs)


__all__ = ["__version__", "run", "load_corpus"]
