"""The tables one run of the pipeline produces."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import pandas as pd

from analysis import schemas


def _empty(name: str):
    return field(default_factory=lambda: schemas.empty(name))


@dataclass(frozen=True)
class RunResult:
    """Tables of one pipeline run; each attribute follows :mod:`analysis.schemas`.

    ``documents`` never loses a row: every input document is there with its ``status``.
    ``comentions`` holds all levels (see its ``level`` column). Topic tables are empty when
    topics were not computed. ``manifest`` records parameters, versions and input hashes
    (no wall-clock time, so reruns compare equal).
    """

    documents: pd.DataFrame = _empty("documents")
    sentences: pd.DataFrame = _empty("sentences")
    mentions: pd.DataFrame = _empty("mentions")
    entities: pd.DataFrame = _empty("entities")
    merges: pd.DataFrame = _empty("merges")
    comentions: pd.DataFrame = _empty("comentions")
    nodes: pd.DataFrame = _empty("nodes")
    topics: pd.DataFrame = _empty("topics")
    doc_topics: pd.DataFrame = _empty("doc_topics")
    topic_terms: pd.DataFrame = _empty("topic_terms")
    topic_actors: pd.DataFrame = _empty("topic_actors")
    topics_over_time: pd.DataFrame = _empty("topics_over_time")
    doc_map: pd.DataFrame = _empty("doc_map")
    manifest: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Return the tables by name (every attribute except ``manifest``)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "manifest"}
