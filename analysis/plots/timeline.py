"""Time and matrix figures: the actor timeline and the co-mention matrix heatmap."""

from __future__ import annotations

import logging

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from analysis import schemas
from analysis.plots._style import LANG_COLORS, OTHER_COLOR, TEMPLATE, empty_figure, esc, fmt_num

log = logging.getLogger(__name__)



def plot_actor_timeline(
    mentions_per_period: pd.DataFrame,
    *,
    facet_wrap: int = 3,
    period_format: str = "%Y-%m",
    title: str | None = "Mentions per period and language",
    row_height: int = 220,
) -> go.Figure:
    """Draw each actor's mentions per period as bars stacked by language, one panel per actor.

    Panels follow the row order of the table (most mentioned actor first, as
    :func:`analysis.plotdata.mentions_per_period` returns it). Does not mutate its input.

    Parameters
    ----------
    mentions_per_period
        Needs ``period, entity_id, name, lang, n_mentions``; ``n_docs`` is shown when present.
    facet_wrap
        Panels per row.
    period_format
        ``strftime`` format of the period in the hover.
    title
        Figure title.
    row_height
        Pixels per row of panels.

    Returns
    -------
    plotly.graph_objects.Figure
        One bar trace per (language, actor) panel, coloured by language (pl, lt, ro fixed).
    """
    schemas.require(
        mentions_per_period,
        ["period", "entity_id", "name", "lang", "n_mentions"],
        where="plot_actor_timeline",
    )
    if mentions_per_period.empty:
        return empty_figure("No dated mentions to show", title=title, height=300)
    table = mentions_per_period
    # Display names: escaped, and made unique when two actors share a name.
    first = table.drop_duplicates("entity_id")
    dup = first["name"].duplicated(keep=False)
    display = {
        str(e): esc(n) + (f" ({esc(e)})" if d else "")
        for e, n, d in zip(first["entity_id"], first["name"], dup, strict=True)
    }
    order = [display[str(e)] for e in first["entity_id"]]
    langs = sorted(set(table["lang"].astype(str)), key=lambda v: (v not in LANG_COLORS, v))
    hover_docs = (
        table["n_docs"] if "n_docs" in table.columns else pd.Series(pd.NA, index=table.index)
    )
    data = pd.DataFrame(
        {
            "period": pd.to_datetime(table["period"]),
            "actor": [display[str(e)] for e in table["entity_id"]],
            "lang": table["lang"].astype(str).map(esc),
            "n_mentions": pd.to_numeric(table["n_mentions"]).astype("int64"),
            "documents": [fmt_num(v) for v in hover_docs],
            "period_label": pd.to_datetime(table["period"]).dt.strftime(period_format),
        }
    )
    wrap_n = max(1, min(facet_wrap, len(order)))
    n_rows = -(-len(order) // wrap_n)
    fig = px.bar(
        data,
        x="period",
        y="n_mentions",
        color="lang",
        facet_col="actor",
        facet_col_wrap=wrap_n,
        facet_row_spacing=min(0.12, 0.6 / max(n_rows, 1)),
        category_orders={"actor": order, "lang": langs},
        color_discrete_map={lg: LANG_COLORS.get(lg, OTHER_COLOR) for lg in langs},
        custom_data=["period_label", "documents"],
        labels={"n_mentions": "mentions", "period": "", "lang": "language"},
        template=TEMPLATE,
    )
    # Bar width and ticks from the distinct periods (a lone bar would otherwise be invisible).
    periods = sorted(set(data["period"]))
    gaps = [(b - a).total_seconds() for a, b in zip(periods, periods[1:], strict=False)]
    width_ms = 0.8 * 1000 * (min(gaps) if gaps else 28 * 86400)
    fig.update_traces(
        width=width_ms,
        hovertemplate="%{customdata[0]}<br>mentions: %{y}<br>documents: %{customdata[1]}"
        "<extra>%{fullData.name}</extra>",
    )
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=", 1)[-1]))
    if len(periods) <= 12:
        fig.update_xaxes(
            tickmode="array",
            tickvals=periods,
            ticktext=[p.strftime(period_format) for p in periods],
            showticklabels=True,
        )
    else:
        fig.update_xaxes(tickformat=period_format, showticklabels=True)
    fig.update_yaxes(rangemode="tozero", dtick=None)
    fig.update_layout(
        title=title, height=120 + row_height * n_rows, barmode="stack", bargap=0.15,
        margin={"l": 40, "r": 10, "t": 80, "b": 40},
    )  # fmt: skip
    return fig


def plot_comention_matrix(
    matrix: pd.DataFrame,
    *,
    value_label: str = "co-mentions",
    colorscale: str = "Blues",
    title: str | None = "Co-mentions of the most mentioned actors",
    height: int | None = None,
) -> go.Figure:
    """Draw the co-mention matrix of the top actors as a heatmap.

    Does not mutate its input.

    Parameters
    ----------
    matrix
        :func:`analysis.plotdata.comention_matrix` output (``row_rank, row_id, row_name,
        col_rank, col_id, col_name, value, n``).
    value_label
        Name of ``value`` in the colour bar and hover (e.g. ``"npmi"``).
    colorscale
        Plotly colour scale.
    title, height
        Figure title and height (default grows with the number of actors).

    Returns
    -------
    plotly.graph_objects.Figure
        One heatmap trace; rows top to bottom and columns left to right in rank order.
    """
    schemas.require(
        matrix,
        ["row_rank", "row_id", "row_name", "col_rank", "col_id", "col_name", "value", "n"],
        where="plot_comention_matrix",
    )
    if matrix.empty:
        return empty_figure("No actors to show", title=title, height=height or 300)
    actors = (
        matrix[["row_rank", "row_id", "row_name"]].drop_duplicates("row_id").sort_values("row_rank")
    )
    dup = actors["row_name"].duplicated(keep=False)
    labels = [
        esc(n) + (f" ({esc(e)})" if d else "")
        for e, n, d in zip(actors["row_id"], actors["row_name"], dup, strict=True)
    ]
    ids = actors["row_id"].astype(str).tolist()
    cell = {
        (str(r), str(c)): (v, n)
        for r, c, v, n in matrix[["row_id", "col_id", "value", "n"]].itertuples(index=False)
    }
    z = [[None if pd.isna(cell.get((r, c), (pd.NA,))[0]) else float(cell[(r, c)][0])
          for c in ids] for r in ids]  # fmt: skip
    text = [
        [f"{lr} – {lc}<br>{esc(value_label)}: {fmt_num(cell.get((r, c), (pd.NA, 0))[0])}"
         f"<br>co-mentions: {fmt_num(cell.get((r, c), (pd.NA, 0))[1])}"
         for c, lc in zip(ids, labels, strict=True)]
        for r, lr in zip(ids, labels, strict=True)
    ]  # fmt: skip
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=labels,
            y=labels,
            text=text,
            hoverinfo="text",
            colorscale=colorscale,
            colorbar={"title": {"text": esc(value_label)}},
            hoverongaps=False,
            xgap=1,
            ygap=1,
        )
    )
    size = len(ids)
    fig.update_layout(
        title=title,
        template=TEMPLATE,
        height=height or max(350, 160 + 32 * size),
        xaxis={"tickangle": -45, "side": "bottom"},
        yaxis={"autorange": "reversed"},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
    )
    return fig
