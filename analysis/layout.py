"""Node positions for drawing actor networks.

Positions are computed once, on the whole-period graph, and handed to the plotting functions as
a table, so that a network drawn per period keeps every actor in the same place.

Tables
------
positions
    ``entity_id, x, y`` — one row per actor, coordinates in ``[-1, 1]``.
label_positions
    ``entity_id, text, x, y, half_width, half_height`` — permanent node labels placed so that
    no two text boxes overlap (:func:`place_labels`).
"""

from __future__ import annotations

import logging

import networkx as nx
import numpy as np
import pandas as pd

from analysis import schemas
from analysis.plotdata import resolve_level

log = logging.getLogger(__name__)

POSITIONS_SCHEMA: dict[str, str] = schemas.SCHEMAS["positions"]


def empty_positions() -> pd.DataFrame:
    """Return an empty ``positions`` table with its columns and dtypes."""
    return schemas.empty("positions")


def spring_positions(
    nodes: pd.DataFrame,
    comentions: pd.DataFrame,
    *,
    level: str | None = None,
    weight: str = "n",
    seed: int = 0,
    iterations: int = 100,
    k: float | None = None,
    decimals: int = 6,
) -> pd.DataFrame:
    """Place actors with the networkx spring (Fruchterman-Reingold) layout.

    The graph holds every actor of ``nodes`` and every co-mention of one ``level`` between two
    of them; edges attract in proportion to ``weight`` (negative or missing weights count as
    zero and such edges are left out). Nodes and edges are added in sorted order and the
    layout is seeded, so the same tables and ``seed`` give the same positions. Does not mutate
    its inputs.

    Parameters
    ----------
    nodes
        ``nodes`` or ``entities``: needs ``entity_id``.
    comentions
        Needs ``level, source, target`` and ``weight``.
    level
        Co-mention level; ``None`` picks the finest present.
    weight
        Edge attraction column (``n`` by default).
    seed
        Random seed of the initial positions.
    iterations
        Spring layout iterations.
    k
        Optimal distance between nodes (networkx default ``1/sqrt(n)`` when ``None``).
    decimals
        Coordinates are rounded to this many decimals so that reruns match byte for byte.

    Returns
    -------
    DataFrame
        ``entity_id, x, y`` sorted by ``entity_id``; coordinates scaled into ``[-1, 1]``.
    """
    schemas.require(nodes, ["entity_id"], where="spring_positions")
    schemas.require(comentions, ["level", "source", "target", weight], where="spring_positions")
    ids = sorted(set(nodes["entity_id"].dropna().astype(str)))
    if not ids:
        return empty_positions()
    level = resolve_level(comentions, level)
    edges = comentions.loc[
        (comentions["level"] == level)
        & comentions["source"].isin(ids)
        & comentions["target"].isin(ids),
        ["source", "target", weight],
    ]
    edges = edges.assign(w=pd.to_numeric(edges[weight], errors="coerce").astype("float64"))
    edges = edges.loc[edges["w"].notna() & (edges["w"] > 0)].sort_values(["source", "target"])
    graph = nx.Graph()
    graph.add_nodes_from(ids)
    graph.add_weighted_edges_from(
        zip(edges["source"].astype(str), edges["target"].astype(str), edges["w"], strict=True)
    )
    if len(ids) == 1:
        pos = {ids[0]: np.array([0.0, 0.0])}
    else:
        pos = nx.spring_layout(graph, weight="weight", seed=seed, iterations=iterations, k=k)
    coords = np.array([pos[i] for i in ids], dtype="float64")
    out = pd.DataFrame(
        {
            "entity_id": ids,
            "x": np.round(coords[:, 0], decimals) + 0.0,
            "y": np.round(coords[:, 1], decimals) + 0.0,
        }
    )
    return out.astype(POSITIONS_SCHEMA)


# ---------------------------------------------------------------------------- node labels
#: Average character width of the figure font, in ems (a little above the measured ~0.55
#: of Open Sans / Arial for mixed-case names, so that estimates err on the wide side).
CHAR_WIDTH_EM = 0.62
#: Line height of one label, in ems.
LINE_HEIGHT_EM = 1.3

# Candidate places of a label around its node, tried in this order: above, below, right,
# left, then the four corners. (dx, dy) are signs of the offset from the node centre.
_SPOTS: tuple[tuple[int, int], ...] = (
    (0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (-1, 1), (1, -1), (-1, -1),
)  # fmt: skip


def text_box_px(text: str, *, font_size: float) -> tuple[float, float]:
    """Estimated width and height in pixels of one line of ``text`` at ``font_size``."""
    return (CHAR_WIDTH_EM * font_size * len(text) + 4.0, LINE_HEIGHT_EM * font_size)


def boxes_overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float],
                  ) -> bool:
    """Whether two boxes ``(x, y, half_width, half_height)`` (centre and half sizes) overlap."""
    return abs(a[0] - b[0]) < a[2] + b[2] and abs(a[1] - b[1]) < a[3] + b[3]


def place_labels(
    candidates: pd.DataFrame,
    *,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    width_px: float,
    height_px: float,
    font_size: float = 11.0,
    gap_px: float = 2.0,
    leader_px: float = 26.0,
    clear_px: float = 8.0,
    max_labels: int | None = None,
) -> pd.DataFrame:
    """Place node labels so that no two text boxes overlap and none leaves the plot.

    Labels are placed greedily in the order of ``candidates`` (most important first). Each
    label's text box is estimated from its character count and ``font_size``
    (:func:`text_box_px`) and converted to plot coordinates with the plot area's size
    (``width_px`` × ``height_px`` for ``x_range`` × ``y_range``). It is tried above, below,
    right and left of its node, then at the corners; the first spot whose box stays inside
    the ranges and overlaps neither a placed label nor the marker of any candidate node is
    taken; a spot next to the node must also keep ``clear_px`` from every other node, so that
    the label reads as its own node's. When no spot next to the node is free, the same eight
    spots are tried 1, 2 and 3 times ``leader_px`` further out, and such a label is marked
    ``leader`` (the figure joins it to its node with a thin line). A label with no free spot
    is dropped (the node keeps its hover). Deterministic: no randomness, same input same
    output. Does not mutate its input.

    Parameters
    ----------
    candidates
        ``entity_id, text, x, y, marker_px`` (marker diameter in pixels), in priority order.
    x_range, y_range
        Axis ranges of the plot, in plot coordinates.
    width_px, height_px
        Size of the plot area (inside the margins) in pixels.
    font_size
        Label font size in pixels.
    gap_px
        Free space between a marker and its label.
    leader_px
        Distance between the rings of spots further out (labels with a leader line).
    clear_px
        Least distance between a label next to its node and any other node's marker.
    max_labels
        Stop after this many labels; ``None`` tries every candidate.

    Returns
    -------
    DataFrame
        ``label_positions``: ``entity_id, text, x, y, half_width, half_height`` (box centre
        and half sizes in plot coordinates), ``node_x, node_y, leader``, in placing order.
    """
    schemas.require(candidates, ["entity_id", "text", "x", "y", "marker_px"],
                    where="place_labels")  # fmt: skip
    if candidates.empty:
        return schemas.empty("label_positions")
    sx = width_px / max(x_range[1] - x_range[0], 1e-12)  # pixels per plot unit
    sy = height_px / max(y_range[1] - y_range[0], 1e-12)
    rows = list(candidates[["entity_id", "text", "x", "y", "marker_px"]].itertuples(index=False))
    markers = [(float(x), float(y), float(m) / 2 / sx, float(m) / 2 / sy)
               for _e, _t, x, y, m in rows]  # fmt: skip
    placed: list[dict] = []
    boxes: list[tuple[float, float, float, float]] = []
    for i, (eid, text, x, y, m) in enumerate(rows):
        if max_labels is not None and len(placed) >= max_labels:
            break
        text = str(text)
        if not text:
            continue
        w_px, h_px = text_box_px(text, font_size=font_size)
        hw, hh = w_px / 2 / sx, h_px / 2 / sy
        spots = [(dx, dy, ring * leader_px) for ring in range(4) for dx, dy in _SPOTS]
        for dx, dy, extra in spots:
            r = float(m) / 2 + gap_px + extra
            lean = 0.7 if dx and dy else 1.0  # a corner spot hugs the marker's diagonal
            cx = float(x) + dx * (lean * r / sx + hw)
            cy = float(y) + dy * (lean * r / sy + hh)
            box = (cx, cy, hw, hh)
            inside = (cx - hw >= x_range[0] and cx + hw <= x_range[1]
                      and cy - hh >= y_range[0] and cy + hh <= y_range[1])  # fmt: skip
            if not inside or any(boxes_overlap(box, b) for b in boxes):
                continue
            # next to its node, a label keeps clear_px from every other node, so that it is
            # read as that node's; a label on a leader line is joined to its node anyway
            clear = (0.0, 0.0) if extra else (clear_px / sx, clear_px / sy)
            wide = (cx, cy, hw + clear[0], hh + clear[1])
            if any(boxes_overlap(wide, mk) for j, mk in enumerate(markers) if j != i):
                continue
            boxes.append(box)
            placed.append({"entity_id": str(eid), "text": text, "x": cx, "y": cy,
                           "half_width": hw, "half_height": hh, "node_x": float(x),
                           "node_y": float(y), "leader": extra > 0})
            break
        else:
            log.debug("place_labels: no free spot for %r", text)
    if not placed:
        return schemas.empty("label_positions")
    return schemas.conform(pd.DataFrame(placed), "label_positions")


def spread_positions(
    positions: pd.DataFrame, *, min_distance: float = 0.08, iterations: int = 200,
    decimals: int = 6,
) -> pd.DataFrame:
    """Push apart actors closer than ``min_distance``, keeping the picture's shape.

    A few rounds of pairwise repulsion (each too-close pair moves apart along the line
    joining it, half the missing distance each; coincident pairs along a fixed direction
    given by their order), then the coordinates are scaled back into ``[-1, 1]``.
    Deterministic; does not mutate its input.

    Parameters
    ----------
    positions
        ``entity_id, x, y``.
    min_distance
        Wanted least distance between two actors, in plot units (the layout spans 2).
    iterations
        Most rounds of repulsion.
    decimals
        Coordinates are rounded to this many decimals.

    Returns
    -------
    DataFrame
        ``positions``, same actors and order.
    """
    schemas.require(positions, ["entity_id", "x", "y"], where="spread_positions")
    if len(positions) < 2:
        return schemas.conform(positions, "positions")
    xy = positions[["x", "y"]].to_numpy(dtype="float64").copy()
    n = len(xy)
    fallback = np.stack([np.cos(np.arange(n) * 2.399963), np.sin(np.arange(n) * 2.399963)], 1)
    for _ in range(iterations):
        diff = xy[:, None, :] - xy[None, :, :]
        dist = np.sqrt((diff**2).sum(-1))
        np.fill_diagonal(dist, np.inf)
        close = dist < min_distance
        if not close.any():
            break
        unit = np.where(dist[..., None] > 1e-9, diff / np.maximum(dist, 1e-9)[..., None],
                        (fallback[:, None, :] - fallback[None, :, :]))
        push = np.where(close, (min_distance - np.minimum(dist, min_distance)) / 2, 0.0)
        xy += (unit * push[..., None]).sum(axis=1) * 0.5
    span = np.abs(xy).max()
    if span > 0:
        xy = xy / span
    out = positions.assign(x=np.round(xy[:, 0], decimals) + 0.0,
                           y=np.round(xy[:, 1], decimals) + 0.0)
    return schemas.conform(out, "positions")
