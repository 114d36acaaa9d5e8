"""Node positions for drawing actor networks.

Positions are computed once, on the whole-period graph, and handed to the plotting functions as
a table, so that a network drawn per period keeps every actor in the same place.

Tables
------
positions
    ``entity_id, x, y`` — one row per actor, coordinates in ``[-1, 1]``.
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
