"""A single self-contained, reproducible HTML report of one pipeline run.

:func:`build_report` turns a :class:`~analysis.result.RunResult` into one HTML page that opens
offline: plotly.js is embedded once in the page head, every figure gets a stable ``div`` id, and
nothing depends on the wall clock, so two runs on the same input give byte-identical files.

Three parts: :func:`report_figures` (the Plotly figures, from the result's tables),
:func:`report_sections` (figures and tables per page section, as plain data) and the Jinja2
template ``templates/report.html.j2`` with autoescape, so every string from an article
(titles, names, evidence sentences, messages) is escaped by the template. JSON embedded by
Plotly escapes ``<`` as ``\\u003c``, so ``</script>`` in an article cannot close a script.
:func:`write_report` writes through :mod:`analysis.output`, the one writer of outputs.
"""

from __future__ import annotations

import functools
import importlib
import json
import logging
import math
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly
import plotly.graph_objects as go
import plotly.offline

import analysis
from analysis import layout, plotdata, schemas
from analysis.comention import DEFAULT_WINDOW, comentions_over_time
from analysis.corpus import corpus_fingerprint
from analysis.output import MANIFEST_FILE, REPORT_FILE, manifest_json, write_text
from analysis.plots import (
    plot_actor_network,
    plot_actor_timeline,
    plot_comention_matrix,
    plot_network_over_time,
)
from analysis.result import RunResult, dated_note

log = logging.getLogger(__name__)

#: ``div`` ids of the figures, in page order (stable across runs).
FIGURE_IDS: tuple[str, ...] = (
    "fig-network",
    "fig-network-time",
    "fig-timeline",
    "fig-matrix",
    "fig-topic-share",
    "fig-topic-terms",
    "fig-topic-map",
)
_PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;
background:#fafafa}
header,main,footer{max-width:1200px;margin:0 auto;padding:0 1.5rem}
header{padding-top:1.5rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;margin:2rem 0 .5rem;
border-bottom:1px solid #ddd;padding-bottom:.3rem}
nav a{margin-right:1rem}
section{background:#fff;border:1px solid #e5e5e5;border-radius:6px;padding:.5rem 1rem 1rem;
margin:1rem 0}
table{border-collapse:collapse;font-size:.85rem;width:100%}
th,td{border-bottom:1px solid #eee;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#f3f3f3;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{max-height:28rem;overflow:auto}
.note{color:#666;font-size:.85rem}.fig-note{margin-top:0}
.status-ok{color:#2a7a2a}.status-bad{color:#b03030}
pre{background:#f6f6f6;padding:.75rem;overflow:auto;font-size:.8rem}
""".strip()


# ------------------------------------------------------------------------------ JSON manifest
def _json_default(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (set, frozenset)):
        return sorted(map(str, value))
    if isinstance(value, Path):
        return value.as_posix()
    if value is pd.NA or value is pd.NaT:
        return None
    return str(value)


def _dumps(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False, default=_json_default)


def _date_range(documents: pd.DataFrame) -> dict[str, str | None]:
    if "published_at" not in documents.columns:
        return {"first": None, "last": None}
    dates = pd.to_datetime(documents["published_at"]).dropna()
    if dates.empty:
        return {"first": None, "last": None}
    return {"first": dates.min().date().isoformat(), "last": dates.max().date().isoformat()}


def _counts(series: pd.Series) -> dict[str, int]:
    values = series.astype("string").fillna("NA")
    return {str(k): int(v) for k, v in sorted(values.value_counts().items())}


# ---------------------------------------------------------------------------- tables as data
def _cell(value: Any) -> dict[str, Any]:
    """One table cell as text (escaped later by the template) and whether it is a number."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return {"text": "", "num": False}
    if isinstance(value, (bool, np.bool_)):
        return {"text": "yes" if value else "no", "num": False}
    if isinstance(value, (int, np.integer)):
        return {"text": str(int(value)), "num": True}
    if isinstance(value, (float, np.floating)):
        return {"text": f"{float(value):.3g}", "num": True}
    if isinstance(value, pd.Timestamp):
        return {"text": value.date().isoformat(), "num": False}
    return {"text": str(value), "num": False}


def table_data(
    table: pd.DataFrame,
    columns: Sequence[str],
    *,
    headers: Sequence[str] | None = None,
    max_rows: int | None = None,
    table_id: str | None = None,
    row_class: Callable[[pd.Series], str] | None = None,
) -> dict[str, Any]:
    """Selected columns of ``table`` as plain data for the template (missing columns blank)."""
    shown = table if max_rows is None else table.head(max_rows)
    rows = [{"cls": row_class(row) if row_class else "",
             "cells": [_cell(row[c] if c in row.index else None) for c in columns]}
            for _, row in shown.iterrows()]
    hidden = len(table) - max_rows if max_rows is not None and len(table) > max_rows else 0
    return {"id": table_id, "headers": list(headers or columns), "rows": rows, "hidden": hidden}


def _figure_div(fig: go.Figure, div_id: str) -> str:
    return fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        config=_PLOTLY_CONFIG,
        auto_play=False,
        validate=False,
    )


def _figure(fig: go.Figure, div_id: str, note: str = "") -> dict[str, str]:
    return {"kind": "figure", "html": _figure_div(fig, div_id), "note": note}


def _table(**kw: Any) -> dict[str, Any]:
    return {"kind": "table", "table": table_data(**kw)}


def _note(text: str) -> dict[str, str]:
    return {"kind": "note", "text": text}


def _section(sec_id: str, nav: str, heading: str, parts: list[dict], note: str = "") -> dict:
    return {"id": sec_id, "nav": nav, "heading": heading, "parts": parts, "note": note}


# --------------------------------------------------------------------------------- options
def report_options(result: RunResult, **options: Any) -> dict[str, Any]:
    """The report's options: given ones, else the run's (level, weight, freq), else defaults."""
    run = dict(result.options or (result.manifest or {}).get("parameters") or {})
    comentions = result.comentions
    present = set(comentions["level"].dropna().astype(str))
    level = options.get("level")
    if level is None and run.get("network_level") in present:
        level = str(run["network_level"])  # the level the run's node metrics used
    level = plotdata.resolve_level(comentions, level) if present else level
    out = {
        "title": "Actor networks report", "level": level,
        "weight": options.get("weight") or str(run.get("network_weight", "n")),
        "min_weight": None, "freq": options.get("freq") or str(run.get("freq", "MS")),
        "window": int(run.get("window", DEFAULT_WINDOW)), "top_n_actors": 60,
        "top_n_edges": 150, "top_n_matrix": 15, "top_n_timeline": 9, "top_n_table": 30,
        "top_n_labels": 25, "min_node_distance": 0.26, "max_document_rows": 1000, "seed": 0,
    }  # fmt: skip
    unknown = set(options) - set(out)
    if unknown:
        raise TypeError(f"unknown report option(s): {', '.join(sorted(unknown))}")
    out.update({k: v for k, v in options.items() if k not in ("level", "weight", "freq")})
    return out


# --------------------------------------------------------------------------------- figures
def report_figures(result: RunResult, opts: Mapping[str, Any]) -> dict[str, go.Figure]:
    """The actor figures of the report, keyed by their ``div`` id (see :data:`FIGURE_IDS`)."""
    docs, comentions = result.documents, result.comentions
    nodes = _nodes(result)
    level, weight, freq = opts["level"], opts["weight"], opts["freq"]
    positions = layout.spread_positions(
        layout.spring_positions(nodes, comentions, level=level, weight=weight, seed=opts["seed"]),
        min_distance=opts["min_node_distance"])
    color_by = "community" if nodes["community"].notna().any() else "label"
    figs = {"fig-network": plot_actor_network(
        nodes, comentions, positions, level=level, weight=weight, min_weight=opts["min_weight"],
        top_n_edges=opts["top_n_edges"], top_n=opts["top_n_actors"], color_by=color_by,
        top_n_labels=opts["top_n_labels"], documents=docs,
        language_names=plotdata.language_names(result.mentions), title=None)}  # fmt: skip
    keep = plotdata.top_actors(nodes, top_n=opts["top_n_actors"])["entity_id"].astype(str)
    pnodes = plotdata.period_nodes(result.mentions, docs, result.entities, freq=freq)
    pedges = _period_edges(result, level, freq, opts["window"])
    pnodes = pnodes.loc[pnodes["entity_id"].isin(keep)]
    pedges = pedges.loc[pedges["source"].isin(keep) & pedges["target"].isin(keep)]
    figs["fig-network-time"] = plot_network_over_time(pnodes, pedges, positions, title=None,
                                                      top_n_labels=opts["top_n_labels"])
    mpp = plotdata.mentions_per_period(result.mentions, docs, result.entities, freq=freq,
                                       top_n=opts["top_n_timeline"])
    figs["fig-timeline"] = plot_actor_timeline(mpp, title=None)
    matrix = plotdata.comention_matrix(comentions, nodes, level=level, weight=weight,
                                       top_n=opts["top_n_matrix"])
    figs["fig-matrix"] = plot_comention_matrix(matrix, value_label=weight, title=None)
    return figs


def _nodes(result: RunResult) -> pd.DataFrame:
    return result.nodes if not result.nodes.empty else schemas.conform(result.entities, "nodes")


def _period_edges(result: RunResult, level: str | None, freq: str, window: int) -> pd.DataFrame:
    """Co-mentions per period: the run's own table when it matches, else computed here."""
    run = result.options or {}
    if (level == run.get("network_level") and freq == run.get("freq")
            and not result.comentions_by_period.empty):
        return result.comentions_by_period
    return comentions_over_time(result.mentions, result.sentences, result.documents, freq=freq,
                                levels=(level,) if level else (), window=window)


def _topic_parts(result: RunResult) -> list[dict]:
    """Topic charts and table; empty when the run has no topics."""
    if result.topics.empty and result.topics_over_time.empty and result.doc_map.empty:
        return []
    parts: list[dict] = []
    topic_plots = importlib.import_module("analysis.plots.topics")
    dated = dated_note(result.documents)  # under every figure over time
    calls = [
        ("fig-topic-share", "plot_topic_share", (result.topics_over_time, result.topics), {},
         dated),
        ("fig-topic-terms", "plot_topic_terms", (result.topic_terms, result.topics),
         {"topic_actors": result.topic_actors, "doc_topics": result.doc_topics}, ""),
        ("fig-topic-map", "plot_topic_map", (result.doc_map, result.topics), {}, dated),
    ]  # fmt: skip
    for div_id, name, args, kwargs, note in calls:
        try:
            parts.append(_figure(getattr(topic_plots, name)(*args, **kwargs), div_id, note=note))
        except Exception as err:  # a broken chart must not lose the rest of the report
            log.exception("report: %s failed", name)
            parts.append(_note(f"Topic chart {name} failed: {type(err).__name__}."))
    parts.append(_table(
        table=result.topics.sort_values("topic_id"),
        columns=["topic_id", "label", "n_docs", "top_terms", "top_actors"],
        headers=["topic", "label", "documents", "top terms", "top actors"],
        table_id="table-topics"))
    return parts


# --------------------------------------------------------------------------------- sections
def report_sections(result: RunResult, opts: Mapping[str, Any]) -> list[dict]:
    """The page's sections in order, each a heading with figure, table and note parts."""
    docs, comentions = result.documents, result.comentions
    nodes = _nodes(result)
    level, weight = opts["level"], opts["weight"]
    figs = report_figures(result, opts)
    level_txt = level or "–"
    dated = dated_note(docs)
    sections = [
        _section("summary", "Summary", "Summary", _summary_parts(result, opts)),
        _section("network", "Network", "Actor network", [_figure(figs["fig-network"],
                 "fig-network")], note=f"Co-mentions at {level_txt} level; edge width: "
                 f"{weight}; node size: mentions. The {opts['top_n_labels']} most central actors "
                 "are labelled where there is room; hover a node for its names in each "
                 "language, an edge's midpoint for its evidence; the slider hides weaker "
                 "edges."),
        _section("network-time", "Over time", "Actor network over time", [_figure(
            figs["fig-network-time"], "fig-network-time", note=dated)],
            note=f"One frame per period ({opts['freq']}); co-mentions at {level_txt} level. "
            "Positions are those of the whole-period network."),
        _section("timeline", "Timeline", "Mentions per period and language",
                 [_figure(figs["fig-timeline"], "fig-timeline", note=dated)]),
        _section("matrix", "Matrix", "Co-mention matrix", [_figure(figs["fig-matrix"],
                 "fig-matrix")], note=f"{opts['top_n_matrix']} most mentioned actors; value: "
                 f"{weight}."),
    ]  # fmt: skip
    topic_parts = _topic_parts(result)
    if topic_parts:
        sections.append(_section("topics", "Topics", "Topics", topic_parts))
    names = dict(zip(nodes["entity_id"].astype(str), nodes["name"].astype(str), strict=True))
    sections += [
        _section("documents", "Documents", "Documents", [_documents_table(
            docs, max_rows=opts["max_document_rows"])]),
        _section("actors", "Actors", "Top actors", [_table(
            table=plotdata.top_actors(result.entities, top_n=opts["top_n_table"]),
            columns=["name", "label", "n_mentions", "n_docs", "languages", "wikidata_qid",
                     "aliases"],
            headers=["actor", "label", "mentions", "documents", "languages", "Wikidata",
                     "aliases"], table_id="table-actors")]),
        _section("edges", "Co-mentions", "Top co-mentions", [
            _edges_table(comentions, names, level=level, weight=weight,
                         min_weight=opts["min_weight"], top_n=opts["top_n_table"])
            if level else _note("No co-mentions.")]),
    ]  # fmt: skip
    return sections


def _summary_parts(result: RunResult, opts: Mapping[str, Any]) -> list[dict]:
    docs, level = result.documents, opts["level"]
    dates = _date_range(docs)
    langs = _counts(docs["lang"]) if "lang" in docs.columns else {}
    statuses = _counts(docs["status"]) if "status" in docs.columns else {}
    rows = pd.DataFrame({
        "what": ["documents", "processed", "dates", "date range", "languages", "actors",
                 f"co-mention pairs ({level})"],
        "value": [str(len(docs)), str(result.n_processed), dated_note(docs),
                  f"{dates['first'] or '–'} … {dates['last'] or '–'}",
                  ", ".join(f"{k}: {v}" for k, v in langs.items()), str(len(_nodes(result))),
                  str(int((result.comentions["level"] == level).sum()) if level else 0)],
    })  # fmt: skip
    status_rows = pd.DataFrame({"status": list(statuses), "n": list(statuses.values()),
                                "meaning": [schemas.STATUSES.get(s, "") for s in statuses]})
    return [_table(table=rows, columns=["what", "value"], headers=["", ""],
                   table_id="table-summary"),
            _table(table=status_rows, columns=["status", "n", "meaning"],
                   table_id="table-statuses")]


def _documents_table(docs: pd.DataFrame, *, max_rows: int) -> dict:
    return _table(
        table=docs.sort_values(["published_at", "doc_id"], na_position="last"),
        columns=["doc_id", "title", "lang", "published_at", "status", "n_mentions", "message"],
        headers=["document", "title", "language", "published", "status", "mentions", "message"],
        max_rows=max_rows, table_id="table-documents",
        row_class=lambda r: "status-ok" if str(r.get("status")) == "ok" else "status-bad")


def _edges_table(comentions: pd.DataFrame, names: Mapping[str, str], **kw: Any) -> dict:
    edges = plotdata.select_edges(comentions, **kw).assign(
        source_name=lambda d: d["source"].map(lambda e: names.get(str(e), e)),
        target_name=lambda d: d["target"].map(lambda e: names.get(str(e), e)),
    )
    return _table(
        table=edges,
        columns=["source_name", "target_name", "level", "n", "npmi", "llr", "evidence_doc_id",
                 "evidence_text"],
        headers=["actor", "actor", "level", "co-mentions", "npmi", "llr", "evidence document",
                 "evidence sentence"],
        table_id="table-edges")  # fmt: skip


# ---------------------------------------------------------------------------------- the page
@functools.cache
def _template():
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("analysis", "templates"),
                             autoescape=True, keep_trailing_newline=True)
    return env.get_template("report.html.j2")


def build_report(result: RunResult, **options: Any) -> str:
    """Return the HTML report of ``result`` as one self-contained page (a string).

    The page holds: a summary, the actor network, the network over time (slider and play
    button), mentions per period by language, the co-mention matrix, the topics when the run
    has them (charts from :mod:`analysis.plots.topics`), the documents with their status, the
    top actors and co-mentions, the report options and the run manifest. plotly.js is
    embedded once; figure ``div`` ids are :data:`FIGURE_IDS`. Equal inputs give identical
    strings. Does not mutate ``result``.

    Parameters
    ----------
    result
        A pipeline :class:`~analysis.result.RunResult`.
    **options
        ``title``; ``level``, ``weight``, ``min_weight`` (co-mention level, edge weight
        column and minimum weight; default the run's ``network_level``/``network_weight``);
        ``freq`` (calendar bins; default the run's); ``top_n_actors``, ``top_n_edges``,
        ``top_n_matrix``, ``top_n_timeline``, ``top_n_table``; ``max_document_rows``;
        ``seed`` (network layout). See :func:`report_options`.
    """
    opts = report_options(result, **options)
    dates = _date_range(result.documents)
    docs = result.documents
    corpus_id = corpus_fingerprint(docs)[:12] if "doc_id" in docs.columns else ""
    return _template().render(
        title=opts["title"], version=analysis.__version__, css=_CSS,
        plotlyjs=plotly.offline.get_plotlyjs(), corpus_id=corpus_id,
        first=dates["first"] or "–", last=dates["last"] or "–",
        sections=report_sections(result, opts), options_json=_dumps(opts),
        manifest_json=_dumps(result.manifest or {}),
    )  # fmt: skip


def write_report(result: RunResult, out_dir: str | os.PathLike, **options: Any) -> Path:
    """Write ``report.html`` and the run's ``manifest.json`` into ``out_dir``.

    Both go through :mod:`analysis.output` (atomic, world-readable). ``options`` are those
    of :func:`build_report`.

    Returns
    -------
    pathlib.Path
        The path of ``report.html``.
    """
    out = Path(out_dir)
    path = write_text(out / REPORT_FILE, build_report(result, **options))
    write_text(out / MANIFEST_FILE, manifest_json(result.manifest or {}))
    log.info("report written to %s", path)
    return path
