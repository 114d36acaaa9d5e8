"""Small derived tables that the charts draw.

Every function here is pure: tables in, a new table out, inputs never mutated, output sorted
deterministically with a reset index. The plotting functions in :mod:`analysis.plots` only
select and format; anything they need that is not in a pipeline table comes from here.

Tables
------
mentions_per_period
    ``period, entity_id, name, lang, n_mentions, n_docs`` — mentions of each actor per calendar
    period and language (see :func:`mentions_per_period`).
period_nodes
    ``period, entity_id, name, label, n_mentions, n_docs, languages`` — actors per period.
comention_matrix
    ``row_rank, row_id, row_name, col_rank, col_id, col_name, value, n`` — a square, long
    table of the top actors.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from analysis import schemas

log = logging.getLogger(__name__)

#: Finest level first: the level used when a function is given ``level=None``.
LEVEL_PREFERENCE: tuple[str, ...] = ("sentence", "window", "paragraph", "document")

#: Plot-data tables live in :data:`analysis.schemas.SCHEMAS` with every other table.
PLOTDATA_TABLES: tuple[str, ...] = ("mentions_per_period", "period_nodes", "comention_matrix")

#: Offset aliases (as ``analysis.run(freq=...)`` takes them) → period aliases.
_PERIOD_ALIASES: dict[str, str] = {"MS": "M", "ME": "M", "QS": "Q", "QE": "Q", "YS": "Y",
                                   "YE": "Y", "AS": "Y", "W": "W-SUN"}  # fmt: skip


def _conform(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """Cast ``table`` to the plot-data schema ``name`` (:func:`analysis.schemas.conform`)."""
    return schemas.conform(table, name)


def columns_of(name: str) -> list[str]:
    """Return the column names of plot-data table ``name``."""
    return schemas.columns(name)


def empty(name: str) -> pd.DataFrame:
    """Return an empty plot-data table ``name`` with its columns and dtypes."""
    return schemas.empty(name)


def resolve_level(comentions: pd.DataFrame, level: str | None) -> str | None:
    """Return the co-mention level to use.

    ``level`` is returned unchanged when given. With ``None``, the finest level present in
    ``comentions`` (sentence, window, paragraph, document) is returned, or ``None`` when the
    table is empty.
    """
    if level is not None:
        return level
    schemas.require(comentions, ["level"], where="resolve_level")
    present = set(comentions["level"].dropna().astype(str))
    for candidate in LEVEL_PREFERENCE:
        if candidate in present:
            return candidate
    return sorted(present)[0] if present else None


def to_period(published_at: pd.Series, *, freq: str = "MS") -> pd.Series:
    """Return the start of the calendar period of each timestamp.

    ``freq`` is a pandas offset alias as :func:`analysis.run` takes it (``"MS"`` month,
    ``"W-MON"``, ``"QS"``, ``"YS"``, ``"D"``) or a period alias (``"M"``, ``"Q"``...).
    """
    stamps = pd.to_datetime(published_at)
    alias = _PERIOD_ALIASES.get(freq, freq)
    return stamps.dt.to_period(alias).dt.start_time.astype(schemas.T)


def _dated_mentions(
    mentions: pd.DataFrame, documents: pd.DataFrame, *, freq: str, where: str
) -> pd.DataFrame:
    """Mentions with an ``entity_id``, joined to their document's period (undated dropped)."""
    schemas.require(mentions, ["doc_id", "entity_id", "lang"], where=where)
    schemas.require(documents, ["doc_id", "published_at"], where=where)
    dated = documents.loc[documents["published_at"].notna(), ["doc_id", "published_at"]]
    dated = dated.drop_duplicates("doc_id").assign(
        period=lambda d: to_period(d["published_at"], freq=freq)
    )
    ment = mentions.loc[mentions["entity_id"].notna()]
    joined = ment.merge(dated[["doc_id", "period"]], on="doc_id", how="inner")
    n_dropped = len(ment) - len(joined)
    if n_dropped:
        log.info("%s: %d mention(s) in undated documents left out", where, n_dropped)
    return joined


def mentions_per_period(
    mentions: pd.DataFrame,
    documents: pd.DataFrame,
    entities: pd.DataFrame,
    *,
    freq: str = "MS",
    top_n: int | None = 10,
) -> pd.DataFrame:
    """Count each actor's mentions per calendar period and language.

    Does not mutate its inputs. Mentions without an ``entity_id`` and mentions in documents
    without ``published_at`` are left out (the latter logged at INFO).

    Parameters
    ----------
    mentions
        Needs ``doc_id, entity_id, lang``.
    documents
        Needs ``doc_id, published_at``.
    entities
        Needs ``entity_id, name``.
    freq
        Calendar bins: ``"MS"`` month (default), ``"W-MON"``, ``"QS"``, ``"YS"``, ``"D"``.
    top_n
        Keep the ``top_n`` actors with most dated mentions (ties: name, then id); ``None``
        keeps all.

    Returns
    -------
    DataFrame
        ``period`` (start of the period), ``entity_id``, ``name``, ``lang``, ``n_mentions``,
        ``n_docs`` (documents of that language and period mentioning the actor); sorted by
        actor rank (most mentioned first), then period, then lang.
    """
    schemas.require(entities, ["entity_id", "name"], where="mentions_per_period")
    joined = _dated_mentions(mentions, documents, freq=freq, where="mentions_per_period")
    if joined.empty:
        return empty("mentions_per_period")
    counts = (
        joined.groupby(["entity_id", "period", "lang"], dropna=False)
        .agg(n_mentions=("doc_id", "size"), n_docs=("doc_id", "nunique"))
        .reset_index()
    )
    names = entities[["entity_id", "name"]].drop_duplicates("entity_id")
    counts = counts.merge(names, on="entity_id", how="left").assign(
        name=lambda d: d["name"].fillna(d["entity_id"])
    )
    totals = (
        counts.groupby(["entity_id", "name"])["n_mentions"]
        .sum()
        .reset_index()
        .sort_values(["n_mentions", "name", "entity_id"], ascending=[False, True, True])
        .reset_index(drop=True)
        .assign(_rank=lambda d: np.arange(len(d)))
    )
    if top_n is not None:
        totals = totals.head(top_n)
    out = counts.merge(totals[["entity_id", "_rank"]], on="entity_id", how="inner")
    out = out.sort_values(["_rank", "period", "lang"]).reset_index(drop=True)
    return _conform(out, "mentions_per_period")


def period_nodes(
    mentions: pd.DataFrame,
    documents: pd.DataFrame,
    entities: pd.DataFrame,
    *,
    freq: str = "MS",
) -> pd.DataFrame:
    """Summarise each actor per calendar period.

    Does not mutate its inputs.

    Parameters
    ----------
    mentions
        Needs ``doc_id, entity_id, lang``.
    documents
        Needs ``doc_id, published_at``.
    entities
        Needs ``entity_id, name, label``.
    freq
        Calendar bins (``"MS"`` month by default; see :func:`to_period`).

    Returns
    -------
    DataFrame
        ``period, entity_id, name, label, n_mentions, n_docs, languages`` (sorted,
        comma-separated ISO codes of that period's mentions); sorted by period, entity_id.
    """
    schemas.require(entities, ["entity_id", "name", "label"], where="period_nodes")
    joined = _dated_mentions(mentions, documents, freq=freq, where="period_nodes")
    if joined.empty:
        return empty("period_nodes")
    out = (
        joined.groupby(["period", "entity_id"])
        .agg(
            n_mentions=("doc_id", "size"),
            n_docs=("doc_id", "nunique"),
            languages=("lang", lambda s: ",".join(sorted(set(s.dropna().astype(str))))),
        )
        .reset_index()
        .merge(
            entities[["entity_id", "name", "label"]].drop_duplicates("entity_id"),
            on="entity_id",
            how="left",
        )
        .assign(name=lambda d: d["name"].fillna(d["entity_id"]))
        .sort_values(["period", "entity_id"])
    )
    return _conform(out, "period_nodes")


def select_edges(
    comentions: pd.DataFrame,
    *,
    level: str | None = None,
    weight: str = "n",
    min_weight: float | None = None,
    top_n: int | None = None,
    entity_ids: list[str] | None = None,
) -> pd.DataFrame:
    """Keep the co-mentions of one level, optionally filtered by weight, rank and actors.

    Does not mutate its input.

    Parameters
    ----------
    comentions
        The ``comentions`` table (needs ``level, source, target`` and ``weight``).
    level
        Level to keep; ``None`` picks the finest present (see :func:`resolve_level`).
    weight
        Column ranking the edges (``n``, ``jaccard``, ``dice``, ``pmi``, ``npmi``, ``llr``).
    min_weight
        Drop edges whose weight is below this (missing weights are dropped too).
    top_n
        Keep the ``top_n`` heaviest edges (ties: source, target).
    entity_ids
        When given, keep only edges whose both ends are in this list.

    Returns
    -------
    DataFrame
        Rows of ``comentions`` (schema ``comentions``), heaviest first, then source, target.
    """
    schemas.require(comentions, ["level", "source", "target", weight], where="select_edges")
    level = resolve_level(comentions, level)
    edges = comentions.loc[comentions["level"] == level] if level is not None else comentions
    if entity_ids is not None:
        keep = set(entity_ids)
        edges = edges.loc[edges["source"].isin(keep) & edges["target"].isin(keep)]
    if min_weight is not None:
        edges = edges.loc[edges[weight].notna() & (edges[weight] >= min_weight)]
    edges = edges.sort_values(
        [weight, "source", "target"], ascending=[False, True, True], na_position="last"
    )
    if top_n is not None:
        edges = edges.head(top_n)
    return schemas.conform(edges, "comentions")


def top_actors(nodes: pd.DataFrame, *, top_n: int | None = None) -> pd.DataFrame:
    """Return the ``top_n`` most mentioned actors of ``nodes`` (or ``entities``).

    Sorted by ``n_mentions`` descending, then ``name``, then ``entity_id``; index reset. Does
    not mutate its input. Needs ``entity_id, name, n_mentions``.
    """
    schemas.require(nodes, ["entity_id", "name", "n_mentions"], where="top_actors")
    out = nodes.sort_values(
        ["n_mentions", "name", "entity_id"], ascending=[False, True, True], na_position="last"
    )
    if top_n is not None:
        out = out.head(top_n)
    return out.reset_index(drop=True)


def comention_matrix(
    comentions: pd.DataFrame,
    nodes: pd.DataFrame,
    *,
    level: str | None = None,
    weight: str = "n",
    top_n: int = 15,
) -> pd.DataFrame:
    """Build the square co-mention matrix of the most mentioned actors, as a long table.

    Does not mutate its inputs.

    Parameters
    ----------
    comentions
        Needs ``level, source, target, n`` and ``weight``.
    nodes
        ``nodes`` or ``entities``: needs ``entity_id, name, n_mentions``.
    level
        Co-mention level; ``None`` picks the finest present.
    weight
        Column shown as ``value``.
    top_n
        Number of actors (rows and columns).

    Returns
    -------
    DataFrame
        One row per ordered pair of top actors (``top_n ** 2`` rows at most), symmetric:
        ``row_rank, row_id, row_name, col_rank, col_id, col_name, value, n``. Pairs never
        co-mentioned have ``n = 0`` and ``value`` missing; the diagonal too. Sorted by
        ``row_rank, col_rank`` (rank 0 = most mentioned).
    """
    schemas.require(
        comentions, ["level", "source", "target", "n", weight], where="comention_matrix"
    )
    actors = top_actors(nodes, top_n=top_n)[["entity_id", "name"]]
    if actors.empty:
        return empty("comention_matrix")
    actors = actors.assign(rank=np.arange(len(actors)))
    edges = select_edges(
        comentions, level=level, weight=weight, entity_ids=actors["entity_id"].tolist()
    )
    edges = edges.assign(value=edges[weight].astype("float64"))[["source", "target", "value", "n"]]
    both = pd.concat(
        [
            edges.rename(columns={"source": "row_id", "target": "col_id"}),
            edges.rename(columns={"target": "row_id", "source": "col_id"}),
        ],
        ignore_index=True,
    )
    rows = actors.rename(columns={"entity_id": "row_id", "name": "row_name", "rank": "row_rank"})
    cols = actors.rename(columns={"entity_id": "col_id", "name": "col_name", "rank": "col_rank"})
    grid = rows.merge(cols, how="cross").merge(both, on=["row_id", "col_id"], how="left")
    grid = grid.assign(n=grid["n"].fillna(0)).sort_values(["row_rank", "col_rank"])
    return _conform(grid, "comention_matrix")
