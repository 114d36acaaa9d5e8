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
from analysis.layout import place_labels
from analysis.plotdata import (
    centrality_order,
    community_names,
    names_by_language,
    resolve_level,
    select_edges,
    top_actors,
)
from analysis.plots._style import (
    OTHER_COLOR,
    TEMPLATE,
    color_for,
    empty_figure,
    esc,
    fmt_num,
    marker_sizes,
    plain,
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


def _node_hover(row: pd.Series, *, extra: str = "", names: str = "") -> str:
    parts = [
        f"<b>{esc(row['name'])}</b> ({esc(row.get('label'))})",
        f"mentions: {fmt_num(row.get('n_mentions'))}; documents: {fmt_num(row.get('n_docs'))}",
        f"languages: {esc(row.get('languages'))}",
    ]
    if names:
        parts.append(f"names: {esc(names)}")
    if extra:
        parts.append(extra)
    return "<br>".join(parts)


def _edge_classes(values: pd.Series) -> tuple[pd.Series, list[float]]:
    """Width class of each edge weight and each class's least weight.

    With at most :data:`_N_WIDTHS` distinct weights (counts, typically) every weight is its
    own class; else the range is cut into :data:`_N_WIDTHS` equal bins.
    """
    nums = pd.to_numeric(values, errors="coerce").astype("float64")
    distinct = sorted(set(nums.dropna()))
    if not distinct:
        return pd.Series(0, index=values.index, dtype="int64"), [float("nan")]
    if len(distinct) <= _N_WIDTHS:
        rank = {v: i for i, v in enumerate(distinct)}
        classes = nums.map(lambda v: rank.get(v, 0)).astype("int64")
        return classes, [float(v) for v in distinct]
    lo, hi = distinct[0], distinct[-1]
    classes = (((nums.fillna(lo) - lo) / (hi - lo)) * (_N_WIDTHS - 1)).round().astype("int64")
    lows = [float(nums[classes == c].min()) if (classes == c).any() else float("nan")
            for c in range(_N_WIDTHS)]  # fmt: skip
    return classes, lows


def _plot_area(width: int, height: int, margin: dict) -> tuple[float, float]:
    return (width - margin["l"] - margin["r"], height - margin["t"] - margin["b"])


def _ranges(pos: dict[str, tuple[float, float]], ids: list[str], pad: float = 0.06
            ) -> tuple[tuple[float, float], tuple[float, float]]:
    xs = [pos[e][0] for e in ids] or [0.0]
    ys = [pos[e][1] for e in ids] or [0.0]
    px = max(max(xs) - min(xs), 0.2) * pad
    py = max(max(ys) - min(ys), 0.2) * pad
    return (min(xs) - px, max(xs) + px), (min(ys) - py, max(ys) + py)


def _leader_trace(labels: pd.DataFrame) -> go.Scatter:
    """Thin lines from each far-placed label's box edge to its node."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for row in labels.loc[labels["leader"].fillna(False).astype(bool)].itertuples(index=False):
        dx, dy = row.node_x - row.x, row.node_y - row.y
        # leave the box where the line towards the node crosses its border
        t = min(row.half_width / abs(dx) if dx else float("inf"),
                row.half_height / abs(dy) if dy else float("inf"), 1.0)
        xs += [row.x + dx * t, row.node_x, None]
        ys += [row.y + dy * t, row.node_y, None]
    return go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                      line={"width": 0.8, "color": "#444"}, meta="label_leaders",
                      name="label leaders")  # fmt: skip


def _label_trace(labels: pd.DataFrame, *, font_size: float, color: str = "#222") -> go.Scatter:
    return go.Scatter(
        x=labels["x"].astype("float64").tolist(), y=labels["y"].astype("float64").tolist(),
        text=labels["text"].tolist(), mode="text", textposition="middle center",
        textfont={"size": font_size, "color": color}, hoverinfo="skip", showlegend=False,
        customdata=labels["entity_id"].tolist(), meta="labels", name="labels",
    )  # fmt: skip


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
    top_n_labels: int | None = 25,
    color_by: Literal["community", "label"] = "community",
    documents: pd.DataFrame | None = None,
    language_names: pd.DataFrame | None = None,
    hide_isolated: bool = False,
    show_names: bool = True,
    edge_filter: bool = True,
    label_font_size: int = 12,
    title: str | None = "Actor network",
    width: int = 1100,
    height: int = 700,
) -> go.Figure:
    """Draw the actor co-mention network.

    Nodes sit at ``positions``; their size follows ``n_mentions`` and their colour
    ``community`` (legend: each community named by its most central actors, see
    :func:`analysis.plotdata.community_names`) or ``label``. Edges are the co-mentions of one
    ``level`` among the shown actors; their width follows ``weight``, and a slider under the
    plot hides the edges below a chosen weight. The ``top_n_labels`` most central actors
    (weighted degree, see :func:`analysis.plotdata.centrality_order`) get a permanent
    plain-text label placed where it overlaps no other label and no labelled node
    (:func:`analysis.layout.place_labels`; labels with no free spot are dropped); every
    actor shows its name, label, counts, languages and per-language names on hover. Hovering
    the middle of an edge shows both names, the counts and the evidence sentence. Hover text
    is HTML-escaped; labels are plain text. The figure has a fixed ``width`` so that label
    boxes estimated in pixels hold. Does not mutate its inputs.

    Parameters
    ----------
    nodes
        ``nodes`` table: needs ``entity_id, name, label, n_mentions, n_docs, languages`` and
        the ``color_by`` column; ``degree`` and ``weighted_degree`` are used when present.
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
    top_n_labels
        Permanent labels for at most this many actors (most central first); ``None`` tries
        every actor, ``0`` labels none.
    color_by
        ``"community"`` or ``"label"``; one legend entry per value.
    documents
        Optional ``documents`` table (``doc_id, title, lang``) to name the evidence document.
    language_names
        Optional :func:`analysis.plotdata.language_names` table: each actor's name per
        language, shown on hover.
    hide_isolated
        Leave out actors without a shown edge.
    show_names
        Draw the permanent labels (names are always in the hover).
    edge_filter
        Add the minimum-weight slider (when the edges have more than one width class).
    label_font_size
        Font size of the permanent labels in pixels.
    title, width, height
        Figure title and size in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces, in order: one line trace per edge-width class (``meta="edges"``, lightest
        first), one marker trace per class at the edge midpoints carrying the edge hover
        (``meta="edge_hover"``), one marker trace per colour group (``meta="nodes"``,
        ``customdata`` = entity ids), then (with ``show_names``) one line trace of leader
        lines (``meta="label_leaders"``) and one text trace of permanent labels
        (``meta="labels"``, ``customdata`` = entity ids; box centres as ``x, y``).
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
    by_lang = names_by_language(language_names) if language_names is not None else {}
    margin = {"l": 10, "r": 300, "t": 60 if title else 30, "b": 90 if edge_filter else 20}
    xr, yr = _ranges(pos, shown["entity_id"].astype(str).tolist())

    fig = go.Figure()
    # Edges, in width classes (Plotly line width is per trace): lines, then hover markers.
    edges = edges.sort_values(["source", "target"]).reset_index(drop=True)
    classes, lows = _edge_classes(edges[weight])
    n_classes = len(lows)
    for cls in range(n_classes):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for src, tgt in edges.loc[classes == cls, ["source", "target"]].itertuples(index=False):
            (x0, y0), (x1, y1) = pos[str(src)], pos[str(tgt)]
            xs += [x0, x1, None]
            ys += [y0, y1, None]
        fig.add_trace(
            go.Scatter(
                x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False, meta="edges",
                name=f"edges {cls + 1}/{n_classes}",
                line={"width": round(1 + 7 * cls / max(n_classes - 1, 1), 2),
                      "color": "rgba(120,120,120,0.45)"},
            )
        )  # fmt: skip
    for cls in range(n_classes):
        part = edges.loc[classes == cls]
        fig.add_trace(
            go.Scatter(
                x=[(pos[str(s)][0] + pos[str(t)][0]) / 2 for s, t in
                   part[["source", "target"]].itertuples(index=False)],
                y=[(pos[str(s)][1] + pos[str(t)][1]) / 2 for s, t in
                   part[["source", "target"]].itertuples(index=False)],
                mode="markers",
                marker={"size": 8, "color": "rgba(120,120,120,0.2)"},
                hovertext=[_edge_hover(r, names, weight, titles) for _, r in part.iterrows()],
                hoverinfo="text",
                customdata=[[str(s), str(t)] for s, t in
                            part[["source", "target"]].itertuples(index=False)],
                showlegend=False,
                name=f"co-mentions {cls + 1}/{n_classes}",
                meta="edge_hover",
            )
        )  # fmt: skip
    # Nodes, one trace per colour group.
    groups = shown[color_by]
    keys = sorted(
        {None if pd.isna(v) else v for v in groups}, key=lambda v: (v is None, str(v).zfill(9))
    )
    group_names: dict = {}
    if color_by == "community":
        named = community_names(shown)
        group_names = dict(zip(named["community"], named["name"], strict=True))
    sizes = dict(zip(shown["entity_id"].astype(str),
                     marker_sizes(shown["n_mentions"], smin=8.0, smax=32.0), strict=True))
    for i, key in enumerate(keys):
        part = shown.loc[groups.isna()] if key is None else shown.loc[groups == key]
        part = part.sort_values("entity_id")
        ids = part["entity_id"].astype(str).tolist()
        degree = part["degree"] if "degree" in part.columns else pd.Series(pd.NA, index=part.index)
        if key is None:
            label = f"{color_by} –"
        elif key in group_names:
            label = esc(" · ".join(_shorten(part, 16) for part in group_names[key].split(" · ")))
        else:
            label = f"{color_by} {esc(key)}"
        fig.add_trace(
            go.Scatter(
                x=[pos[e][0] for e in ids],
                y=[pos[e][1] for e in ids],
                mode="markers",
                marker={
                    "size": [sizes[e] for e in ids],
                    "color": OTHER_COLOR if key is None else color_for(i),
                    "line": {"width": 1, "color": "white"},
                },
                hovertext=[
                    _node_hover(r, extra=f"degree: {fmt_num(d)}",
                                names=by_lang.get(str(r["entity_id"]), ""))
                    for (_, r), d in zip(part.iterrows(), degree, strict=True)
                ],
                hoverinfo="text",
                customdata=ids,
                name=label,
                meta="nodes",
            )
        )  # fmt: skip
    # Permanent labels: the most central actors, placed without overlap.
    pw, ph = _plot_area(width, height, margin)
    if show_names and top_n_labels != 0:
        ranked = centrality_order(shown)
        if top_n_labels is not None:
            ranked = ranked.head(top_n_labels)
        cand = pd.DataFrame({
            "entity_id": ranked["entity_id"].astype(str),
            "text": [plain(n) for n in ranked["name"]],
            "x": [pos[str(e)][0] for e in ranked["entity_id"]],
            "y": [pos[str(e)][1] for e in ranked["entity_id"]],
            "marker_px": [sizes[str(e)] for e in ranked["entity_id"]],
        })  # fmt: skip
        labels = place_labels(cand, x_range=xr, y_range=yr, width_px=pw, height_px=ph,
                              font_size=label_font_size)  # fmt: skip
        fig.add_trace(_leader_trace(labels))
        fig.add_trace(_label_trace(labels, font_size=label_font_size))
    fig.update_layout(
        title=title,
        template=TEMPLATE,
        width=width,
        height=height,
        hovermode="closest",
        xaxis={**_axis(), "range": list(xr), "autorange": False},
        yaxis={**_axis(), "range": list(yr), "autorange": False},
        legend={"title": {"text": "community: most central actors" if color_by == "community"
                          else color_by}, "x": 1.01, "xanchor": "left", "y": 1,
                "font": {"size": 11}},
        margin=margin,
    )  # fmt: skip
    if edge_filter and n_classes > 1:
        n_edge_traces = 2 * n_classes
        steps = []
        for j in range(n_classes):
            visible = [c >= j for c in range(n_classes)] * 2
            steps.append({"label": f"≥ {fmt_num(lows[j])}", "method": "restyle",
                          "args": [{"visible": visible}, list(range(n_edge_traces))]})
        fig.update_layout(sliders=[{
            "active": 0, "x": 0.0, "len": 0.9, "y": 0.0, "yanchor": "top",
            "pad": {"t": 30, "r": 20, "l": 10}, "steps": steps,
            "currentvalue": {"prefix": f"edges shown: {esc(weight)} ", "font": {"size": 12}},
        }])  # fmt: skip
    return fig


def _shorten(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def plot_network_over_time(
    period_nodes: pd.DataFrame,
    period_edges: pd.DataFrame,
    positions: pd.DataFrame,
    *,
    level: str | None = None,
    min_weight: int = 1,
    period_format: str = "%Y-%m",
    top_n_labels: int | None = 25,
    label_font_size: int = 11,
    title: str | None = "Actor network over time",
    width: int = 1100,
    height: int = 700,
    frame_ms: int = 1200,
) -> go.Figure:
    """Draw the actor network one period at a time, with a slider and a play button.

    Every actor keeps its place (``positions`` comes from the whole-period graph); a faint grey
    marker shows each actor in every frame, and the period's actors and co-mentions are drawn
    over it. Node size follows the period's mentions on one scale across frames. The
    ``top_n_labels`` actors with most dated mentions keep a permanent grey label, placed
    without overlap (:func:`analysis.layout.place_labels`); every actor is named on hover.
    Does not mutate its inputs; hover text is HTML-escaped, labels are plain text.

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
    top_n_labels
        Permanent labels for at most this many actors; ``0`` for none.
    label_font_size
        Font size of the permanent labels in pixels.
    title, width, height
        Figure title and size in pixels (fixed, so that label boxes hold).
    frame_ms
        Milliseconds per frame when playing.

    Returns
    -------
    plotly.graph_objects.Figure
        Six traces (background actors, edges, edge hover markers, the period's actors,
        label leader lines, permanent labels with ``meta="labels"``), one frame per period (named by
        ``period_format``) updating traces 1-3, a slider with one step per frame and Play /
        Pause buttons.
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
    xr, yr = _ranges(pos, all_ids)
    margin = {"l": 10, "r": 10, "t": 60 if title else 30, "b": 110}

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
                x=[pos[e][0] for e in ids], y=[pos[e][1] for e in ids], mode="markers",
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
        mode="markers",
        marker={"size": 8, "color": "rgba(180,180,180,0.5)"},
        hovertext=[esc(names[e]) for e in all_ids],
        hoverinfo="text",
        showlegend=False,
        meta="background",
        name="all actors",
    )
    totals = pnodes.groupby("entity_id")["n_mentions"].sum()
    biggest = pnodes.groupby("entity_id")["n_mentions"].max()  # largest marker of any frame
    ranked = sorted(all_ids, key=lambda e: (-float(totals.get(e, 0)), names[e], e))
    if top_n_labels is not None:
        ranked = ranked[:top_n_labels]
    pw, ph = _plot_area(width, height, margin)
    placed = place_labels(pd.DataFrame({
        "entity_id": ranked, "text": [plain(names[e]) for e in ranked],
        "x": [pos[e][0] for e in ranked], "y": [pos[e][1] for e in ranked],
        "marker_px": marker_sizes(pd.Series([biggest.get(e, 0) for e in ranked]), vmax=vmax),
    }), x_range=xr, y_range=yr, width_px=pw, height_px=ph, font_size=label_font_size)
    fig = go.Figure(data=[background, *period_traces(periods[0]), _leader_trace(placed),
                          _label_trace(placed, font_size=label_font_size, color="#333")])
    fig.frames = [
        go.Frame(name=lab, data=period_traces(p), traces=[1, 2, 3])
        for p, lab in zip(periods, labels, strict=True)
    ]
    step_args = {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
                 "transition": {"duration": 0}}  # fmt: skip
    fig.update_layout(
        title=title,
        template=TEMPLATE,
        width=width,
        height=height,
        hovermode="closest",
        xaxis={**_axis(), "range": list(xr), "autorange": False},
        yaxis={**_axis(), "range": list(yr), "autorange": False},
        margin=margin,
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
                "len": 0.86,
                "y": 0.0,
                "yanchor": "top",
                "pad": {"t": 40, "r": 40, "l": 10},  # room for the last tick's label
                "currentvalue": {"prefix": "Period: "},
                "steps": [
                    {"label": lab, "method": "animate", "args": [[lab], step_args]}
                    for lab in labels
                ],
            }
        ],
    )
    return fig
