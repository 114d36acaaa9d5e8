"""A single self-contained, reproducible HTML report of one pipeline run.

:func:`build_report` turns a :class:`~analysis.result.RunResult` into one HTML page that opens
offline: plotly.js is embedded once in the page head, every figure gets a stable ``div`` id, and
nothing depends on the wall clock, so two runs on the same input give byte-identical files.
:func:`write_report` writes ``report.html`` and ``manifest.json`` atomically.

Every string that comes from an article (titles, names, aliases, evidence sentences, messages)
is HTML-escaped in tables and in figures; JSON embedded by Plotly escapes ``<`` as ``\\u003c``,
so ``</script>`` in an article cannot close a script element.
"""

from __future__ import annotations

import importlib
import json
import logging
import math
import os
import tempfile
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
from analysis.plots import (
    plot_actor_network,
    plot_actor_timeline,
    plot_comention_matrix,
    plot_network_over_time,
)
from analysis.plots._style import esc
from analysis.result import RunResult

log = logging.getLogger(__name__)

REPORT_FILE = "report.html"
MANIFEST_FILE = "manifest.json"
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
.note{color:#666;font-size:.85rem}
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


def report_manifest(
    result: RunResult, *, params: Mapping[str, Any] | None = None, options: Mapping | None = None
) -> dict[str, Any]:
    """Return the report's manifest: versions, corpus fingerprint, parameters, date range.

    Holds no wall-clock time, so the same run gives the same manifest.

    Parameters
    ----------
    result
        The pipeline result; ``result.manifest`` is copied under ``"run"`` (model versions
        are lifted to ``"models"`` when the run manifest has them).
    params
        Caller's parameters to record (e.g. the CLI arguments).
    options
        The report's own options (level, weight, seed...).
    """
    docs = result.documents
    run = dict(result.manifest or {})
    return {
        "generator": "analysis.report",
        "package_version": analysis.__version__,
        "plotly_version": plotly.__version__,
        "models": run.get("models", run.get("model_versions")),
        "parameters": dict(params or {}),
        "report_options": dict(options or {}),
        "corpus": {
            "n_documents": len(docs),
            "documents_sha1": corpus_fingerprint(docs) if "doc_id" in docs.columns else None,
            "corpus_hash": (run.get("corpus") or {}).get("fingerprint")
            if isinstance(run.get("corpus"), dict)
            else run.get("corpus_hash"),
            "date_range": _date_range(docs),
            "languages": _counts(docs["lang"]) if "lang" in docs.columns else {},
            "statuses": _counts(docs["status"]) if "status" in docs.columns else {},
        },
        "run": run,
    }


# ------------------------------------------------------------------------------------ HTML bits
def _cell(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "<td></td>"
    if isinstance(value, (bool, np.bool_)):
        return f"<td>{'yes' if value else 'no'}</td>"
    if isinstance(value, (int, np.integer)):
        return f'<td class="num">{int(value)}</td>'
    if isinstance(value, (float, np.floating)):
        return f'<td class="num">{float(value):.3g}</td>'
    if isinstance(value, pd.Timestamp):
        return f"<td>{value.date().isoformat()}</td>"
    return f"<td>{esc(value)}</td>"


def html_table(
    table: pd.DataFrame,
    columns: Sequence[str],
    *,
    headers: Sequence[str] | None = None,
    max_rows: int | None = None,
    table_id: str | None = None,
    row_class: Callable[[pd.Series], str] | None = None,
) -> str:
    """Render selected columns of ``table`` as an escaped HTML table (missing columns blank)."""
    heads = headers or columns
    shown = table if max_rows is None else table.head(max_rows)
    id_attr = f' id="{esc(table_id)}"' if table_id else ""
    parts = [f'<div class="scroll"><table{id_attr}><thead><tr>']
    parts += [f"<th>{esc(h)}</th>" for h in heads]
    parts.append("</tr></thead><tbody>")
    for _, row in shown.iterrows():
        cls = f' class="{esc(row_class(row))}"' if row_class else ""
        cells = "".join(_cell(row[c] if c in row.index else None) for c in columns)
        parts.append(f"<tr{cls}>{cells}</tr>")
    parts.append("</tbody></table></div>")
    if max_rows is not None and len(table) > max_rows:
        parts.append(f'<p class="note">{len(table) - max_rows} more row(s) not shown.</p>')
    return "".join(parts)


def _figure_div(fig: go.Figure, div_id: str) -> str:
    return fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        config=_PLOTLY_CONFIG,
        auto_play=False,
        validate=False,
    )


def _section(sec_id: str, heading: str, body: str, *, note: str = "") -> str:
    note_html = f'<p class="note">{note}</p>' if note else ""
    return f'<section id="{sec_id}"><h2>{esc(heading)}</h2>{note_html}{body}</section>'


def _documents_table(docs: pd.DataFrame, *, max_rows: int) -> str:
    table = docs.sort_values(["published_at", "doc_id"], na_position="last")
    return html_table(
        table,
        ["doc_id", "title", "lang", "published_at", "status", "n_mentions", "message"],
        headers=["document", "title", "language", "published", "status", "mentions", "message"],
        max_rows=max_rows,
        table_id="table-documents",
        row_class=lambda r: "status-ok" if str(r.get("status")) == "ok" else "status-bad",
    )


def _edges_table(comentions: pd.DataFrame, names: Mapping[str, str], **kw: Any) -> str:
    edges = plotdata.select_edges(comentions, **kw).assign(
        source_name=lambda d: d["source"].map(lambda e: names.get(str(e), e)),
        target_name=lambda d: d["target"].map(lambda e: names.get(str(e), e)),
    )
    return html_table(
        edges,
        ["source_name", "target_name", "level", "n", "npmi", "llr", "evidence_doc_id",
         "evidence_text"],
        headers=["actor", "actor", "level", "co-mentions", "npmi", "llr", "evidence document",
                 "evidence sentence"],
        table_id="table-edges",
    )  # fmt: skip


def _topic_section(result: RunResult) -> str:
    """Topic charts and table; empty string when the run has no topics."""
    if result.topics.empty and result.topics_over_time.empty and result.doc_map.empty:
        return ""
    parts: list[str] = []
    try:
        topic_plots = importlib.import_module("analysis.plots.topics")
    except ImportError as err:  # the topics module is built separately
        log.warning("report: topic charts unavailable (%s)", err)
        topic_plots = None
    calls = [
        ("fig-topic-share", "plot_topic_share", (result.topics_over_time, result.topics)),
        ("fig-topic-terms", "plot_topic_terms", (result.topic_terms, result.topics)),
        ("fig-topic-map", "plot_topic_map", (result.doc_map, result.topics)),
    ]
    for div_id, name, args in calls:
        func = getattr(topic_plots, name, None) if topic_plots is not None else None
        if func is None:
            parts.append(f'<p class="note">Topic chart {esc(name)} is not available.</p>')
            continue
        try:
            parts.append(_figure_div(func(*args), div_id))
        except Exception as err:  # a broken chart must not lose the rest of the report
            log.exception("report: %s failed", name)
            parts.append(
                f'<p class="note">Topic chart {esc(name)} failed: {esc(type(err).__name__)}.</p>'
            )
    parts.append(
        html_table(
            result.topics.sort_values("topic_id"),
            ["topic_id", "label", "n_docs", "top_terms", "top_actors"],
            headers=["topic", "label", "documents", "top terms", "top actors"],
            table_id="table-topics",
        )
    )
    return _section("topics", "Topics", "".join(parts))


# ---------------------------------------------------------------------------------- the report
def render_report(
    result: RunResult,
    *,
    title: str = "Actor networks report",
    params: Mapping[str, Any] | None = None,
    level: str | None = None,
    weight: str | None = None,
    min_weight: float | None = None,
    freq: str | None = None,
    top_n_actors: int = 60,
    top_n_edges: int = 150,
    top_n_matrix: int = 15,
    top_n_timeline: int = 9,
    top_n_table: int = 30,
    max_document_rows: int = 1000,
    seed: int = 0,
) -> tuple[str, dict[str, Any]]:
    """Return the HTML report of ``result`` and its manifest.

    Use :func:`build_report` for the HTML alone and :func:`write_report` for files.

    The page holds: a summary, the actor network, the network over time (slider and play
    button), mentions per period by language, the co-mention matrix, the topics when the run
    has them (charts from :mod:`analysis.plots.topics`), the documents with their status, the
    top actors and co-mentions, and the manifest (see :func:`report_manifest`). plotly.js is
    embedded once; figure ``div`` ids are :data:`FIGURE_IDS`. The output depends only on the
    inputs, so equal inputs give identical strings. Does not mutate ``result``.

    Parameters
    ----------
    result
        A pipeline :class:`~analysis.result.RunResult`.
    title
        Page title.
    params
        Run parameters to record in the manifest (e.g. the CLI arguments).
    level, weight, min_weight
        Co-mention level, edge weight column and minimum weight. ``None`` takes the run's
        ``network_level`` / ``network_weight`` parameters from ``result.manifest`` (the
        finest level present and ``"n"`` when the manifest lacks them).
    freq
        Calendar bins of the time charts (``"MS"`` month...); ``None`` takes the run's
        ``freq`` parameter, else ``"MS"``.
    top_n_actors, top_n_edges, top_n_matrix, top_n_timeline, top_n_table
        How many actors/edges the network, matrix, timeline and tables show.
    max_document_rows
        Documents listed in the documents table (all statuses are summarised anyway).
    seed
        Seed of the network layout.

    Returns
    -------
    tuple of (str, dict)
        The page and the manifest embedded in it (what ``manifest.json`` holds).
    """
    docs, comentions = result.documents, result.comentions
    nodes = result.nodes if not result.nodes.empty else schemas.conform(result.entities, "nodes")
    run_params = dict((result.manifest or {}).get("parameters") or {})
    present = set(comentions["level"].dropna().astype(str))
    if level is None and run_params.get("network_level") in present:
        level = str(run_params["network_level"])  # the level the run's node metrics used
    level = plotdata.resolve_level(comentions, level) if present else level
    weight = weight or str(run_params.get("network_weight", "n"))
    freq = freq or str(run_params.get("freq", "MS"))
    options = {
        "title": title, "level": level, "weight": weight, "min_weight": min_weight, "freq": freq,
        "top_n_actors": top_n_actors, "top_n_edges": top_n_edges, "top_n_matrix": top_n_matrix,
        "top_n_timeline": top_n_timeline, "seed": seed,
    }  # fmt: skip
    manifest = report_manifest(result, params=params, options=options)
    names = dict(zip(nodes["entity_id"].astype(str), nodes["name"].astype(str), strict=True))

    # Figures (the report is where derived tables are computed and wired to the plots).
    positions = layout.spring_positions(nodes, comentions, level=level, weight=weight, seed=seed)
    color_by = "community" if nodes["community"].notna().any() else "label"
    fig_network = plot_actor_network(
        nodes, comentions, positions, level=level, weight=weight, min_weight=min_weight,
        top_n_edges=top_n_edges, top_n_nodes=top_n_actors, color_by=color_by, documents=docs,
        title=None,
    )  # fmt: skip
    keep = plotdata.top_actors(nodes, top_n=top_n_actors)["entity_id"].astype(str)
    pnodes = plotdata.period_nodes(result.mentions, docs, result.entities, freq=freq)
    pedges = comentions_over_time(
        result.mentions,
        result.sentences,
        docs,
        freq=freq,
        levels=(level,) if level else (),
        window=int(run_params.get("window", DEFAULT_WINDOW)),
    )
    pnodes = pnodes.loc[pnodes["entity_id"].isin(keep)]
    pedges = pedges.loc[pedges["source"].isin(keep) & pedges["target"].isin(keep)]
    fig_time = plot_network_over_time(pnodes, pedges, positions, title=None)
    mpp = plotdata.mentions_per_period(
        result.mentions, docs, result.entities, freq=freq, top_n=top_n_timeline
    )
    fig_timeline = plot_actor_timeline(mpp, title=None)
    matrix = plotdata.comention_matrix(
        comentions, nodes, level=level, weight=weight, top_n=top_n_matrix
    )
    fig_matrix = plot_comention_matrix(matrix, value_label=weight, title=None)

    dates = manifest["corpus"]["date_range"]
    n_ok = int(docs["processed"].fillna(False).sum()) if "processed" in docs.columns else 0
    summary_rows = pd.DataFrame(
        {
            "what": ["documents", "processed", "date range", "languages", "actors",
                     f"co-mention pairs ({level})"],
            "value": [
                str(len(docs)), str(n_ok), f"{dates['first'] or '–'} … {dates['last'] or '–'}",
                ", ".join(f"{k}: {v}" for k, v in manifest["corpus"]["languages"].items()),
                str(len(nodes)),
                str(int((comentions["level"] == level).sum()) if level else 0),
            ],
        }
    )  # fmt: skip
    statuses = pd.DataFrame(
        {
            "status": list(manifest["corpus"]["statuses"]),
            "n": list(manifest["corpus"]["statuses"].values()),
            "meaning": [schemas.STATUSES.get(s, "") for s in manifest["corpus"]["statuses"]],
        }
    )
    level_txt = esc(level or "–")
    sections = [
        _section(
            "summary",
            "Summary",
            html_table(summary_rows, ["what", "value"], headers=["", ""], table_id="table-summary")
            + html_table(statuses, ["status", "n", "meaning"], table_id="table-statuses"),
        ),
        _section(
            "network",
            "Actor network",
            _figure_div(fig_network, "fig-network"),
            note=f"Co-mentions at {level_txt} level; edge width: {esc(weight)}; node size: "
            f"mentions; colour: {esc(color_by)}. Hover an edge's midpoint for its evidence.",
        ),
        _section(
            "network-time",
            "Actor network over time",
            _figure_div(fig_time, "fig-network-time"),
            note=f"One frame per period ({esc(freq)}); co-mentions at {level_txt} level. "
            "Positions are those of the whole-period network.",
        ),
        _section("timeline", "Mentions per period and language", _figure_div(fig_timeline,
                 "fig-timeline")),
        _section("matrix", "Co-mention matrix", _figure_div(fig_matrix, "fig-matrix"),
                 note=f"{top_n_matrix} most mentioned actors; value: {esc(weight)}."),
    ]  # fmt: skip
    topic_html = _topic_section(result)
    if topic_html:
        sections.append(topic_html)
    top_entities = plotdata.top_actors(result.entities, top_n=top_n_table)
    sections += [
        _section("documents", "Documents", _documents_table(docs, max_rows=max_document_rows)),
        _section(
            "actors",
            "Top actors",
            html_table(
                top_entities,
                ["name", "label", "n_mentions", "n_docs", "languages", "wikidata_qid", "aliases"],
                headers=["actor", "label", "mentions", "documents", "languages", "Wikidata",
                         "aliases"],
                table_id="table-actors",
            ),
        ),
        _section(
            "edges",
            "Top co-mentions",
            _edges_table(comentions, names, level=level, weight=weight, min_weight=min_weight,
                         top_n=top_n_table)
            if level else "<p class=\"note\">No co-mentions.</p>",
        ),
        _section("manifest", "Manifest",
                 f'<pre id="manifest-json">{esc(_dumps(manifest))}</pre>'),
    ]  # fmt: skip
    nav = " ".join(
        f'<a href="#{sid}">{esc(label)}</a>'
        for sid, label in [
            ("summary", "Summary"), ("network", "Network"), ("network-time", "Over time"),
            ("timeline", "Timeline"), ("matrix", "Matrix"), *([("topics", "Topics")] if
            topic_html else []), ("documents", "Documents"), ("actors", "Actors"),
            ("edges", "Co-mentions"), ("manifest", "Manifest"),
        ]
    )  # fmt: skip
    page = "".join(
        [
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            '<meta name="generator" content="analysis.report ',
            esc(analysis.__version__),
            '">\n<title>',
            esc(title),
            "</title>\n<style>",
            _CSS,
            '</style>\n<script type="text/javascript">',
            plotly.offline.get_plotlyjs(),
            "</script>\n</head>\n<body>\n<header><h1>",
            esc(title),
            '</h1><p class="note">analysis ',
            esc(analysis.__version__),
            f" · corpus {esc(manifest['corpus']['documents_sha1'] or '')[:12]} · ",
            f"{esc(dates['first'] or '–')} … {esc(dates['last'] or '–')}</p>",
            f"<nav>{nav}</nav></header>\n<main>\n",
            "\n".join(sections),
            '\n</main>\n<footer><p class="note">Generated by analysis.report; see the manifest '
            "for versions and parameters.</p></footer>\n</body>\n</html>\n",
        ]
    )
    return page, manifest


def build_report(
    result: RunResult,
    *,
    title: str = "Actor networks report",
    params: Mapping[str, Any] | None = None,
    **options: Any,
) -> str:
    """Return the HTML report of ``result`` as one self-contained page (a string).

    ``options`` are those of :func:`render_report` (level, weight, min_weight, freq, top_n_*,
    seed...). Equal inputs give identical strings. Does not mutate ``result``.
    """
    return render_report(result, title=title, params=params, **options)[0]


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_report(result: RunResult, out_dir: str | os.PathLike, **kwargs: Any) -> Path:
    """Write ``report.html`` and ``manifest.json`` into ``out_dir`` (created if needed).

    Each file is written to a temporary file in ``out_dir`` and moved into place, so a reader
    never sees half a report. ``kwargs`` go to :func:`render_report`.

    Returns
    -------
    pathlib.Path
        The path of ``report.html``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    html_text, manifest = render_report(result, **kwargs)
    _atomic_write(out / MANIFEST_FILE, _dumps(manifest) + "\n")
    path = out / REPORT_FILE
    _atomic_write(path, html_text)
    log.info("report written to %s", path)
    return path
