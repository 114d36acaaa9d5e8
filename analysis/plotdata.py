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
community_names
    ``community, name, n_actors`` — each community named by its most central actors.
language_names
    ``entity_id, lang, name, n_mentions`` — each actor's most frequent base form per language.
"""

from __future__ import annotations

import logging
from collections import Counter

import numpy as np
import pandas as pd

from analysis import schemas

log = logging.getLogger(__name__)

#: Finest level first: the level used when a function is given ``level=None``.
LEVEL_PREFERENCE: tuple[str, ...] = ("sentence", "window", "paragraph", "document")

#: Plot-data tables live in :data:`analysis.schemas.SCHEMAS` with every other table.
PLOTDATA_TABLES: tuple[str, ...] = ("mentions_per_period", "period_nodes", "comention_matrix",
                                     "community_names", "language_names")

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


def centrality_order(nodes: pd.DataFrame) -> pd.DataFrame:
    """Return ``nodes`` most central first: by ``weighted_degree``, then ``n_mentions``.

    Missing ``weighted_degree`` (or no such column) counts as 0, so a table without network
    metrics is ordered by mentions. Ties: ``name``, then ``entity_id``. Index reset; does not
    mutate its input. Needs ``entity_id, name, n_mentions``.
    """
    schemas.require(nodes, ["entity_id", "name", "n_mentions"], where="centrality_order")
    wdeg = (pd.to_numeric(nodes["weighted_degree"], errors="coerce") if "weighted_degree"
            in nodes.columns else pd.Series(0.0, index=nodes.index)).astype("float64").fillna(0)
    ranked = nodes.assign(_wdeg=wdeg, _n=pd.to_numeric(nodes["n_mentions"]).fillna(0))
    ranked = ranked.sort_values(["_wdeg", "_n", "name", "entity_id"],
                                ascending=[False, False, True, True], kind="stable")
    return ranked.drop(columns=["_wdeg", "_n"]).reset_index(drop=True)


def short_name(name: object, label: object = None) -> str:
    """A short form of an actor's display name for legends: a person's surname.

    ``"Vladimir Putin"`` (PER) → ``"Putin"``; names of places and organisations, one-word
    names and names whose last word is shorter than three letters (``"Kim Jong Un"``) are
    kept whole.
    """
    text = " ".join(str(name).split()) if name is not None and not pd.isna(name) else ""
    words = text.split(" ")
    if str(label) == "PER" and len(words) > 1 and len(words[-1]) >= 3:
        return words[-1]
    return text


def community_names(
    nodes: pd.DataFrame, *, n_names: int = 3, separator: str = " · ", short: bool = True
) -> pd.DataFrame:
    """Name each community by its most central actors.

    The ``n_names`` actors of highest ``weighted_degree`` (then ``n_mentions``, see
    :func:`centrality_order`) name the community, joined by ``separator``:
    ``"Putin · Lukashenko · Kremlin"``. Does not mutate its input.

    Parameters
    ----------
    nodes
        ``nodes`` table: needs ``entity_id, name, n_mentions, community``; uses ``label``
        (persons by surname) and ``weighted_degree`` when present.
    n_names
        How many actors name a community.
    separator
        Text between the names.
    short
        Persons by their surname (:func:`short_name`); else display names as they are.

    Returns
    -------
    DataFrame
        ``community, name, n_actors`` sorted by ``community``; actors without a community
        are left out. Two communities never get the same name (the later one gets
        ``" (2)"``...).

    Examples
    --------
    >>> nodes = pd.DataFrame({"entity_id": ["a", "b", "c"], "n_mentions": [5, 9, 2],
    ...                       "name": ["Vladimir Putin", "Kremlin", "Minsk"],
    ...                       "label": ["PER", "ORG", "LOC"], "community": [0, 0, 1]})
    >>> community_names(nodes)["name"].tolist()
    ['Kremlin · Putin', 'Minsk']
    """
    schemas.require(nodes, ["entity_id", "name", "n_mentions", "community"],
                    where="community_names")  # fmt: skip
    ranked = centrality_order(nodes.loc[nodes["community"].notna()])
    if ranked.empty:
        return empty("community_names")
    labels = ranked["label"] if "label" in ranked.columns else pd.Series(None, index=ranked.index)
    ranked = ranked.assign(_short=[short_name(n, lab) if short else short_name(n)
                                   for n, lab in zip(ranked["name"], labels, strict=True)])
    rows, seen = [], Counter()
    for community, group in ranked.groupby("community", sort=True):
        names: list[str] = []
        for text in group["_short"]:
            if text and text not in names:
                names.append(text)
            if len(names) == n_names:
                break
        name = separator.join(names) or f"community {int(community)}"
        seen[name] += 1
        if seen[name] > 1:
            name = f"{name} ({seen[name]})"
        rows.append({"community": int(community), "name": name, "n_actors": len(group)})
    return _conform(pd.DataFrame(rows), "community_names")


def language_names(mentions: pd.DataFrame) -> pd.DataFrame:
    """Each actor's most frequent base form in each language.

    Does not mutate its input. Mentions without ``entity_id`` are left out; the form is
    ``base_form`` (the nominative the pipeline found), else ``text``.

    Parameters
    ----------
    mentions
        Needs ``entity_id, lang`` and ``base_form`` or ``text``.

    Returns
    -------
    DataFrame
        ``entity_id, lang, name, n_mentions`` (mentions of the actor in that language), one
        row per (actor, language), sorted by ``entity_id, lang``. Ties between forms: the
        longer form, then alphabetical.
    """
    schemas.require(mentions, ["entity_id", "lang"], where="language_names")
    col = "base_form" if "base_form" in mentions.columns else "text"
    schemas.require(mentions, [col], where="language_names")
    rows = mentions.loc[mentions["entity_id"].notna()]
    forms = rows[col].astype("string").fillna("").map(lambda t: " ".join(str(t).split()))
    table = pd.DataFrame({"entity_id": rows["entity_id"].astype(str).to_numpy(),
                          "lang": rows["lang"].astype("string").fillna("und").to_numpy(),
                          "name": forms.to_numpy()})
    table = table.loc[table["name"] != ""]
    if table.empty:
        return empty("language_names")
    counts = table.groupby(["entity_id", "lang", "name"]).size().rename("n").reset_index()
    counts = counts.assign(_len=counts["name"].str.len()).sort_values(
        ["entity_id", "lang", "n", "_len", "name"], ascending=[True, True, False, False, True])
    best = counts.drop_duplicates(["entity_id", "lang"])
    totals = counts.groupby(["entity_id", "lang"])["n"].sum().rename("n_mentions").reset_index()
    out = best[["entity_id", "lang", "name"]].merge(totals, on=["entity_id", "lang"])
    return _conform(out.sort_values(["entity_id", "lang"]), "language_names")


def names_by_language(language_table: pd.DataFrame, *, separator: str = " · ") -> dict[str, str]:
    """``entity_id`` → ``"lt: Vladimiras Putinas · pl: Władimir Putin"`` from
    :func:`language_names` output (languages in alphabetical order)."""
    schemas.require(language_table, ["entity_id", "lang", "name"], where="names_by_language")
    out: dict[str, list[str]] = {}
    for eid, lang, name in language_table.sort_values(["entity_id", "lang"])[
            ["entity_id", "lang", "name"]].itertuples(index=False):
        out.setdefault(str(eid), []).append(f"{lang}: {name}")
    return {k: separator.join(v) for k, v in out.items()}
