"""Actor-network figures: the whole-period network and the network month by month.

Both take node positions as a table (see :func:`analysis.layout.spring_positions`) so that the
figures only select and format; neither computes a layout, nor writes files.
"""

from __future__ import annotations

import logging
from typing import Literal

import pandas as pd
import plotly.graph_objects as go

from analysis import schemas
from analysis.plotdata import resolve_level, select_edges, top_actors
from analysis.plots._style import (
    OTHER_COLOR,
    TEMPLATE,
    color_for,
    empty_figure,
    esc,
    fmt_num,
    marker_sizes,
    wrap,
)

log = logging.getLogger(__name__)

_N_WIDTHS = 6  # edge widths are drawn in this many classes (one trace each)


def _axis() -> dict:
    return {"visible": False, "showgrid": False, "zeroline": False}



def _pos_lookup(positions: pd.DataFrame, *, where: str) -> dict[str, tuple[float, float]]:
    schemas.require(positions, ["entity_id", "x", "y"], where=where)
    return {
        str(e): (float(x), float(y))
        for e, x, y in positions[["entity_id", "x", "y"]].itertuples(index=False)
    }


def _edge_hover(row: pd.Series, names: dict[str, str], weight: str, titles: dict) -> str:
    src, tgt = str(row["source"]), str(row["target"])
    lines = [
        f"<b>{esc(names.get(src, src))} – {esc(names.get(tgt, tgt))}</b>",
        f"co-mentions ({esc(row['level'])}): {fmt_num(row['n'])}",
    ]
    if weight != "n":
        lines.append(f"{esc(weight)}: {fmt_num(row[weight])}")
    doc = row.get("evidence_doc_id")
    if doc is not None and not pd.isna(doc):
        title, lang = titles.get(str(doc), ("", ""))
        where = esc(doc) + (f" [{esc(lang)}]" if lang else "")
        lines.append(f"evidence: {where}" + (f" {wrap(title, max_chars=80)}" if title else ""))
    text = row.get("evidence_text")
    if text is not None and not pd.isna(text):
        lines.append(f"<i>{wrap(text)}</i>")
    return "<br>".join(lines)


def _node_hover(row: pd.Series, *, extra: str = "") -> str:
    parts = [
        f"<b>{esc(row['name'])}</b> ({esc(row.get('label'))})",
        f"mentions: {fmt_num(row.get('n_mentions'))}; documents: {fmt_num(row.get('n_docs'))}",
        f"languages: {esc(row.get('languages'))}",
    ]
    if extra:
        parts.append(extra)
    return "<br>".join(parts)


def plot_actor_network(
    nodes: pd.DataFrame,
    comentions: pd.DataFrame,
    positions: pd.DataFrame,
    *,
    level: str | None = None,
    weight: str = "n",
    min_weight: float | None = None,
    top_n_edges: int | None = 150,
    top_n: int | None = 60,
    color_by: Literal["community", "label"] = "community",
    documents: pd.DataFrame | None = None,
    hide_isolated: bool = False,
    show_names: bool = True,
    title: str | None = "Actor network",
    height: int = 650,
) -> go.Figure:
    """Draw the actor co-mention network.

    Nodes sit at ``positions``; their size follows ``n_mentions`` and their colour
    ``community`` or ``label``. Edges are the co-mentions of one ``level`` among the shown
    actors; their width follows ``weight``. Hovering a node shows its name, label, counts and
    languages; hovering the middle of an edge shows both names, the counts and the evidence
    sentence. All article-derived text is HTML-escaped. Does not mutate its inputs.

    Parameters
    ----------
    nodes
        ``nodes`` table: needs ``entity_id, name, label, n_mentions, n_docs, languages`` and
        the ``color_by`` column; ``degree`` is shown when present.
    comentions
        ``comentions`` table: needs ``level, source, target, n`` and ``weight``;
        ``evidence_doc_id, evidence_text`` are shown when present.
    positions
        ``entity_id, x, y`` (see :func:`analysis.layout.spring_positions`); actors without a
        position are left out.
    level
        Co-mention level; ``None`` picks the finest present.
    weight
        Column of ``comentions`` giving edge width and ranking (``n``, ``npmi``, ``llr``...).
    min_weight
        Hide edges whose ``weight`` is below this.
    top_n_edges
        Show at most this many edges (heaviest first); ``None`` for all.
    top_n
        Show at most this many actors (most mentioned first); ``None`` for all.
    color_by
        ``"community"`` or ``"label"``; one legend entry per value.
    documents
        Optional ``documents`` table (``doc_id, title, lang``) to name the evidence document.
    hide_isolated
        Leave out actors without a shown edge.
    show_names
        Write actor names next to the nodes (always in the hover).
    title, height
        Figure title and height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces, in order: one line trace per edge-width class (``meta="edges"``), one marker
        trace at edge midpoints carrying the edge hover (``meta="edge_hover"``), then one
        marker trace per colour group (``meta="nodes"``, ``customdata`` = entity ids).
    """
    where = "plot_actor_network"
    schemas.require(
        nodes,
        ["entity_id", "name", "label", "n_mentions", "n_docs", "languages", color_by],
        where=where,
    )
    schemas.require(comentions, ["level", "source", "target", "n", weight], where=where)
    pos = _pos_lookup(positions, where=where)
    shown = top_actors(nodes.loc[nodes["entity_id"].astype(str).isin(pos)], top_n=top_n)
    missing = int((~nodes["entity_id"].astype(str).isin(pos)).sum())
    if missing:
        log.warning("%s: %d actor(s) without a position left out", where, missing)
    if shown.empty:
        return empty_figure("No actors to show", title=title, height=height)
    level = resolve_level(comentions, level)
    edges = select_edges(
        comentions,
        level=level,
        weight=weight,
        min_weight=min_weight,
        top_n=top_n_edges,
        entity_ids=shown["entity_id"].astype(str).tolist(),
    )
    if hide_isolated:
        linked = set(edges["source"].astype(str)) | set(edges["target"].astype(str))
        shown = shown.loc[shown["entity_id"].astype(str).isin(linked)]
    names = dict(zip(shown["entity_id"].astype(str), shown["name"].astype(str), strict=True))
    titles: dict[str, tuple[str, str]] = {}
    if documents is not None:
        schemas.require(documents, ["doc_id", "title", "lang"], where=where)
        titles = {
            str(d): (t if isinstance(t, str) else "", lg if isinstance(lg, str) else "")
            for d, t, lg in documents[["doc_id", "title", "lang"]].itertuples(index=False)
        }

    fig = go.Figure()
    # Edges, grouped in width classes (Plotly line width is per trace).
    values = pd.to_numeric(edges[weight], errors="coerce").astype("float64")
    lo, hi = (values.min(), values.max()) if values.notna().any() else (0.0, 0.0)
    span = (hi - lo) if hi > lo else 1.0
    classes = (((values.fillna(lo) - lo) / span) * (_N_WIDTHS - 1)).round().astype(int)
    for cls in sorted(set(classes)):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for src, tgt in edges.loc[classes == cls, ["source", "target"]].itertuples(index=False):
            (x0, y0), (x1, y1) = pos[str(src)], pos[str(tgt)]
            xs += [x0, x1, None]
            ys += [y0, y1, None]
        fig.add_trace(
            go.Scatter(
                x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False, meta="edges",
                name=f"edges {cls + 1}/{_N_WIDTHS}",
                line={"width": 1 + 1.5 * cls, "color": "rgba(120,120,120,0.55)"},
            )
        )  # fmt: skip
    mids = [
        ((pos[str(s)][0] + pos[str(t)][0]) / 2, (pos[str(s)][1] + pos[str(t)][1]) / 2)
        for s, t in edges[["source", "target"]].itertuples(index=False)
    ]
    fig.add_trace(
        go.Scatter(
            x=[m[0] for m in mids],
            y=[m[1] for m in mids],
            mode="markers",
            marker={"size": 8, "color": "rgba(120,120,120,0.25)"},
            hovertext=[_edge_hover(r, names, weight, titles) for _, r in edges.iterrows()],
            hoverinfo="text",
            customdata=[[str(s), str(t)] for s, t in edges[["source", "target"]].itertuples(False)],
            showlegend=False,
            name="co-mentions",
            meta="edge_hover",
        )
    )
    # Nodes, one trace per colour group.
    groups = shown[color_by]
    keys = sorted(
        {None if pd.isna(v) else v for v in groups}, key=lambda v: (v is None, str(v).zfill(9))
    )
    sizes = dict(
        zip(shown["entity_id"].astype(str), marker_sizes(shown["n_mentions"]), strict=True)
    )
    for i, key in enumerate(keys):
        part = shown.loc[groups.isna()] if key is None else shown.loc[groups == key]
        part = part.sort_values("entity_id")
        ids = part["entity_id"].astype(str).tolist()
        degree = part["degree"] if "degree" in part.columns else pd.Series(pd.NA, index=part.index)
        label = f"{color_by} {esc(key)}" if key is not None else f"{color_by} –"
        fig.add_trace(
            go.Scatter(
                x=[pos[e][0] for e in ids],
                y=[pos[e][1] for e in ids],
                mode="markers+text" if show_names else "markers",
                text=[esc(n) for n in part["name"]] if show_names else None,
                textposition="top center",
                textfont={"size": 11},
                marker={
                    "size": [sizes[e] for e in ids],
                    "color": OTHER_COLOR if key is None else color_for(i),
                    "line": {"width": 1, "color": "white"},
                },
                hovertext=[
                    _node_hover(r, extra=f"degree: {fmt_num(d)}")
                    for (_, r), d in zip(part.iterrows(), degree, strict=True)
                ],
                hoverinfo="text",
                customdata=ids,
                name=label,
                meta="nodes",
            )
        )
    fig.update_layout(
        title=title,
        template=TEMPLATE,
        height=height,
        hovermode="closest",
        xaxis=_axis(),
        yaxis={**_axis(), "scaleanchor": "x", "scaleratio": 1},
        legend={"title": {"text": color_by}},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return fig


def plot_network_over_time(
    period_nodes: pd.DataFrame,
    period_edges: pd.DataFrame,
    positions: pd.DataFrame,
    *,
    level: str | None = None,
    min_weight: int = 1,
    period_format: str = "%Y-%m",
    title: str | None = "Actor network over time",
    height: int = 650,
    frame_ms: int = 1200,
) -> go.Figure:
    """Draw the actor network one period at a time, with a slider and a play button.

    Every actor keeps its place (``positions`` comes from the whole-period graph); a faint grey
    marker shows each actor in every frame, and the period's actors and co-mentions are drawn
    over it. Node size follows the period's mentions on one scale across frames. Does not
    mutate its inputs; all article-derived text is HTML-escaped.

    Parameters
    ----------
    period_nodes
        :func:`analysis.plotdata.period_nodes` output (``period, entity_id, name, label,
        n_mentions, n_docs, languages``).
    period_edges
        Co-mentions per period, as :func:`analysis.comention.comentions_over_time` returns
        them: needs ``period, source, target, n``; with a ``level`` column, one level is
        drawn.
    positions
        ``entity_id, x, y``.
    level
        Co-mention level to draw when ``period_edges`` has a ``level`` column; ``None`` picks
        the finest present.
    min_weight
        Hide co-mentions with ``n`` below this.
    period_format
        ``strftime`` format of the frame names and slider labels.
    title, height
        Figure title and height in pixels.
    frame_ms
        Milliseconds per frame when playing.

    Returns
    -------
    plotly.graph_objects.Figure
        Four traces (background actors, edges, edge hover markers, the period's actors), one
        frame per period (named by ``period_format``) updating traces 1-3, a slider with one
        step per frame and Play / Pause buttons.
    """
    where = "plot_network_over_time"
    schemas.require(
        period_nodes,
        ["period", "entity_id", "name", "label", "n_mentions", "n_docs", "languages"],
        where=where,
    )
    schemas.require(period_edges, ["period", "source", "target", "n"], where=where)
    pos = _pos_lookup(positions, where=where)
    pnodes = period_nodes.loc[period_nodes["entity_id"].astype(str).isin(pos)]
    if "level" in period_edges.columns:
        level = resolve_level(period_edges, level)
        period_edges = period_edges.loc[period_edges["level"] == level]
    pedges = period_edges.loc[
        period_edges["source"].astype(str).isin(pos)
        & period_edges["target"].astype(str).isin(pos)
        & (period_edges["n"] >= min_weight)
    ]
    periods = sorted(set(pnodes["period"].dropna()) | set(pedges["period"].dropna()))
    if not periods:
        return empty_figure("No dated mentions to show", title=title, height=height)
    first = pnodes.sort_values(["entity_id", "period"]).drop_duplicates("entity_id")
    names = dict(zip(first["entity_id"].astype(str), first["name"].astype(str), strict=True))
    vmax = float(pd.to_numeric(pnodes["n_mentions"]).max()) if len(pnodes) else 1.0
    emax = float(pd.to_numeric(pedges["n"]).max()) if len(pedges) else 1.0
    all_ids = sorted(names)
    xs_all = [p[0] for p in pos.values()]
    ys_all = [p[1] for p in pos.values()]
    pad = 0.15
    xr = [min(xs_all) - pad, max(xs_all) + pad]
    yr = [min(ys_all) - pad, max(ys_all) + pad]

    def period_traces(period) -> list[go.Scatter]:
        nd = pnodes.loc[pnodes["period"] == period].sort_values("entity_id")
        ed = pedges.loc[pedges["period"] == period].sort_values(["source", "target"])
        xs: list[float | None] = []
        ys: list[float | None] = []
        mx, my, mtext, msize = [], [], [], []
        for src, tgt, n in ed[["source", "target", "n"]].itertuples(index=False):
            (x0, y0), (x1, y1) = pos[str(src)], pos[str(tgt)]
            xs += [x0, x1, None]
            ys += [y0, y1, None]
            mx.append((x0 + x1) / 2)
            my.append((y0 + y1) / 2)
            msize.append(round(6 + 10 * float(n) / emax, 2))
            mtext.append(
                f"<b>{esc(names.get(str(src), src))} – {esc(names.get(str(tgt), tgt))}</b>"
                f"<br>co-mentions this period: {fmt_num(n)}"
            )
        ids = nd["entity_id"].astype(str).tolist()
        return [
            go.Scatter(
                x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False, meta="edges",
                line={"width": 2, "color": "rgba(120,120,120,0.6)"}, name="co-mentions",
            ),
            go.Scatter(
                x=mx, y=my, mode="markers", hovertext=mtext, hoverinfo="text", showlegend=False,
                marker={"size": msize, "color": "rgba(120,120,120,0.3)"}, meta="edge_hover",
                name="co-mention",
            ),
            go.Scatter(
                x=[pos[e][0] for e in ids], y=[pos[e][1] for e in ids], mode="markers+text",
                text=[esc(v) for v in nd["name"]], textposition="top center",
                marker={"size": marker_sizes(nd["n_mentions"], vmax=vmax), "color": "#1f77b4",
                        "line": {"width": 1, "color": "white"}},
                hovertext=[_node_hover(r) for _, r in nd.iterrows()], hoverinfo="text",
                customdata=ids, showlegend=False, meta="nodes", name="actors",
            ),
        ]  # fmt: skip

    labels = [pd.Timestamp(p).strftime(period_format) for p in periods]
    background = go.Scatter(
        x=[pos[e][0] for e in all_ids],
        y=[pos[e][1] for e in all_ids],
        mode="markers+text",
        marker={"size": 8, "color": "rgba(180,180,180,0.5)"},
        text=[esc(names[e]) for e in all_ids],
        textposition="top center",
        textfont={"color": "rgba(150,150,150,0.8)", "size": 10},
        hovertext=[esc(names[e]) for e in all_ids],
        hoverinfo="text",
        showlegend=False,
        meta="background",
        name="all actors",
    )
    fig = go.Figure(data=[background, *period_traces(periods[0])])
    fig.frames = [
        go.Frame(name=lab, data=period_traces(p), traces=[1, 2, 3])
        for p, lab in zip(periods, labels, strict=True)
    ]
    step_args = {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
                 "transition": {"duration": 0}}  # fmt: skip
    fig.update_layout(
        title=title,
        template=TEMPLATE,
        height=height,
        hovermode="closest",
        xaxis={**_axis(), "range": xr, "autorange": False},
        yaxis={**_axis(), "range": yr, "autorange": False},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": 0.0,
                "xanchor": "left",
                "yanchor": "top",
                "pad": {"t": 50, "r": 10},
                "showactive": False,
                "buttons": [
                    {
                        "label": "Play",
                        "method": "animate",
                        "args": [
                            None,
                            {
                                "frame": {"duration": frame_ms, "redraw": True},
                                "fromcurrent": True,
                                "transition": {"duration": 0},
                            },
                        ],
                    },
                    {"label": "Pause", "method": "animate", "args": [[None], step_args]},
                ],
            }
        ],  # fmt: skip
        sliders=[
            {
                "active": 0,
                "x": 0.12,
                "len": 0.88,
                "y": 0.0,
                "yanchor": "top",
                "pad": {"t": 40},
                "currentvalue": {"prefix": "Period: "},
                "steps": [
                    {"label": lab, "method": "animate", "args": [[lab], step_args]}
                    for lab in labels
                ],
            }
        ],
    )
    return fig
