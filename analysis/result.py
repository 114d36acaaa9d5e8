"""The tables one run of the pipeline produces, and its text summary."""

from __future__ import annotations

import io
from dataclasses import dataclass, field, fields
from typing import Any

import pandas as pd

from analysis import schemas

#: Attributes of :class:`RunResult` that are not tables.
NON_TABLES = ("manifest", "options", "graph", "comentions_by_period")


def _empty(name: str):
    return field(default_factory=lambda: schemas.empty(name))


@dataclass(frozen=True)
class RunResult:
    """Tables of one pipeline run; each table attribute follows :mod:`analysis.schemas`.

    ``documents`` never loses a row: every input document is there with its ``status``.
    ``comentions`` holds all levels (see its ``level`` column). Topic tables are empty when
    topics were not computed. Derived data the figures need is computed once, here:
    ``graph`` (the actor network of the run's ``network_level``, a ``networkx.Graph``) and
    ``comentions_by_period`` (that level's co-mentions per ``freq`` period). ``options`` are
    the run's validated options; ``manifest`` records them with versions and input hashes (no
    wall-clock time, so reruns compare equal).
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
    comentions_by_period: pd.DataFrame = _empty("comentions_by_period")
    graph: Any = None
    options: dict[str, Any] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Return the output tables by name (every attribute but :data:`NON_TABLES`)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in NON_TABLES}

    @property
    def n_processed(self) -> int:
        """How many documents went through NER."""
        if self.documents.empty:
            return 0
        return int(self.documents["processed"].fillna(False).astype(bool).sum())


def dated_note(documents: pd.DataFrame) -> str:
    """One line on dates: "3 of 5 processed documents dated; 2 undated, …"."""
    if documents.empty or "processed" not in documents.columns:
        return "no processed documents"
    done = documents[documents["processed"].fillna(False).astype(bool)]
    n_dated = int(done["published_at"].notna().sum())
    undated = len(done) - n_dated
    line = f"{n_dated} of {len(done)} processed documents dated"
    if undated:
        line += f"; {undated} undated, shown in the all-time views only"
    return line


def summary_text(result: RunResult) -> str:
    """A short human-readable summary of a run (also written as ``summary.txt``)."""
    docs = result.documents
    buf = io.StringIO()
    statuses = ", ".join(f"{k}: {v}" for k, v in result.manifest.get(
        "documents_per_status", {}).items())
    buf.write(f"documents: {len(docs)} ({statuses})\n")
    skipped = result.manifest.get("skipped", {})
    if any(skipped.values()):
        buf.write(f"skipped in the corpus folder: {skipped.get('hidden', 0)} hidden, "
                  f"{skipped.get('vcs', 0)} version-control folders (.git, .svn, .hg …)\n")
    crowded = result.manifest.get("crowded_units", {})
    if crowded:
        cap = result.options.get("max_unit_actors")
        buf.write(f"units naming more than {cap} actors (co-mentions count their first "
                  f"{cap}): " + ", ".join(f"{k} {v}" for k, v in crowded.items()) + "\n")
    langs = ", ".join(f"{k}: {v}" for k, v in docs["lang"].value_counts().sort_index().items())
    buf.write(f"languages: {langs}\n")
    corpus = result.manifest.get("corpus", {})
    buf.write(f"dates: {corpus.get('date_min')} to {corpus.get('date_max')} "
              f"({dated_note(docs)})\n")
    labels = ", ".join(f"{k}: {v}" for k, v in result.mentions["label"].value_counts()
                       .sort_index().items())
    buf.write(f"mentions: {len(result.mentions)} ({labels})\n")
    buf.write(f"actors: {len(result.entities)}\n")
    for level, n in result.comentions["level"].value_counts().sort_index().items():
        buf.write(f"co-mention pairs ({level}): {n}\n")
    top = result.entities.sort_values(["n_mentions", "entity_id"], ascending=[False, True])
    buf.write("top actors: " + "; ".join(
        f"{n} ({c})" for n, c in zip(top["name"].head(10), top["n_mentions"].head(10),
                                     strict=True)) + "\n")
    bad = docs[~docs["status"].isin(["ok"])]
    for row in bad.itertuples():
        buf.write(f"  {row.doc_id}: {row.status} — {row.message}\n")
    return buf.getvalue()
