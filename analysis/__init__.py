"""Actor co-mention networks from Polish, Lithuanian and Romanian news.

Quick start::

    import analysis
    result = analysis.run()              # the sample corpus shipped with the package
    result.entities.head()

Heavy dependencies (stanza, torch) load only when NER runs.
"""

from __future__ import annotations

__version__ = "0.1.0"

from analysis.corpus import load_corpus  # noqa: E402
from analysis.errors import NothingProcessedError, OptionError, SetupError  # noqa: E402
from analysis.partition import read_partitioned  # noqa: E402
from analysis.pipeline import run  # noqa: E402
from analysis.result import RunResult  # noqa: E402

__all__ = ["__version__", "run", "load_corpus", "read_partitioned", "RunResult", "SetupError",
           "OptionError", "NothingProcessedError"]
