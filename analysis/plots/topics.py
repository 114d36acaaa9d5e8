"""Topic figures: topic share over time, top terms and actors, and a map of documents.

Tables in (from :func:`analysis.topics.topic_tables`), ``plotly.graph_objects.Figure`` out.
The functions only select and format; every number comes from the tables. Strings from
articles are HTML-escaped.
"""

from __future__ import annotations

import logging
from typing import Literal

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis import schemas
from analysis.plots._style import TEMPLATE, color_for, empty_figure, esc, fmt_num, wrap

log = logging.getLogger(__name__)

__all__ = ["plot_topic_map", "plot_topic_share", "plot_topic_terms"]

_LANG_NAMES = {"xx": "actors"}



def _labels(topics: pd.DataFrame) -> dict[int, str]:
    schemas.require(topics, ["topic_id", "label"], where="topic plots")
    return {int(t): esc(lab if isinstance(lab, str) else f"topic {t}")
            for t, lab in zip(topics["topic_id"], topics["label"], strict=True)}  # fmt: skip


def _runs(has_docs: list[bool]) -> list[list[int]]:
    """Index runs of consecutive ``True`` values: ``[T, T, F, T]`` → ``[[0, 1], [3]]``."""
    runs: list[list[int]] = []
    for i, ok in enumerate(has_docs):
        if not ok:
            continue
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def plot_topic_share(
    topics_over_time: pd.DataFrame,
    topics: pd.DataFrame,
    *,
    kind: Literal["bars", "area", "lines"] = "bars",
    group: str | None = None,
    show_counts: bool = True,
    show_gaps: bool = True,
    title: str | None = "Share of the period's documents per topic",
    height: int = 520,
) -> go.Figure:
    """Draw each topic's share of the period's documents over time.

    Periods without documents are gaps, never zeros: no bar, a break in the line or area,
    and (``show_gaps``) a light band marked "no documents". Does not mutate its inputs.

    Parameters
    ----------
    topics_over_time
        :func:`analysis.topics.topics_over_time` output (``period, topic_id, group, n_docs,
        n_docs_period, share``).
    topics
        ``topic_id, label``; gives the legend names.
    kind
        ``"bars"``: stacked bars, one per period (shares add up to 100 %); ``"area"``:
        stacked areas, one area per run of consecutive periods with documents (a lone
        period is drawn as markers); ``"lines"``: one line per topic, broken at gaps.
    group
        Which ``group`` to draw; default ``"all"`` when present, else the first group.
    show_counts
        Add a bar panel below with the number of documents of each period (``n_docs_period``),
        so that a 100 % share of a one-document month reads as what it is.
    show_gaps
        Shade the periods without documents and mark them "no documents".
    title, height
        Figure title and height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
        Topic traces in topic order (``"bars"``, ``"lines"``: one per topic; ``"area"``: one
        per topic and run, ``legendgroup`` = topic id, legend on the first), then, with
        ``show_counts``, one bar trace of documents per period.
    """
    schemas.require(topics_over_time,
                    ["period", "topic_id", "group", "n_docs", "n_docs_period", "share"],
                    where="plot_topic_share")  # fmt: skip
    if kind not in ("bars", "area", "lines"):
        raise ValueError(
            f"plot_topic_share: kind must be 'bars', 'area' or 'lines', not {kind!r}")
    labels = _labels(topics)
    if topics_over_time.empty:
        return empty_figure("No dated documents to show", title=title, height=300)
    groups = sorted(topics_over_time["group"].astype(str).unique())
    chosen = group if group is not None else ("all" if "all" in groups else groups[0])
    table = topics_over_time[topics_over_time["group"].astype(str) == chosen]
    if table.empty:
        return empty_figure(f"No rows for group {chosen}", title=title, height=300)
    fig = (make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.78, 0.22],
                         vertical_spacing=0.04) if show_counts else go.Figure())  # fmt: skip
    where = {"row": 1, "col": 1} if show_counts else {}
    per_period = table.drop_duplicates("period").sort_values("period")
    periods = pd.to_datetime(per_period["period"]).tolist()
    has_docs = (per_period["n_docs_period"] > 0).tolist()
    for topic, rows in table.sort_values(["topic_id", "period"]).groupby("topic_id", sort=True):
        name = labels.get(int(topic), f"topic {topic}")
        rows = rows.set_index(pd.to_datetime(rows["period"])).reindex(periods)
        share = rows["share"].astype("float64").where(pd.Series(has_docs, index=rows.index))
        custom = [[fmt_num(a), fmt_num(b)] for a, b in
                  zip(rows["n_docs"], rows["n_docs_period"], strict=True)]  # fmt: skip
        hover = ("%{x|%Y-%m-%d}<br>share: %{y:.1%}<br>documents: %{customdata[0]} of "
                 "%{customdata[1]}<extra>" + name[:60] + "</extra>")
        color = color_for(int(topic))
        if kind == "bars":
            fig.add_trace(go.Bar(
                x=periods, y=[None if pd.isna(v) else v for v in share], name=name,
                marker_color=color, customdata=custom, hovertemplate=hover,
                legendgroup=str(topic),
            ), **where)  # fmt: skip
        elif kind == "lines":
            fig.add_trace(go.Scatter(
                x=periods, y=[None if pd.isna(v) else v for v in share], name=name,
                mode="lines+markers", connectgaps=False, line={"color": color, "width": 2},
                customdata=custom, hovertemplate=hover, legendgroup=str(topic),
            ), **where)  # fmt: skip
        else:
            for k, run in enumerate(_runs(has_docs)):
                fig.add_trace(go.Scatter(
                    x=[periods[i] for i in run], y=[float(share.iloc[i]) for i in run],
                    name=name, mode="lines" if len(run) > 1 else "markers",
                    stackgroup=f"share-{run[0]}", legendgroup=str(topic), showlegend=k == 0,
                    line={"color": color, "width": 1}, marker={"color": color, "size": 9},
                    customdata=[custom[i] for i in run], hovertemplate=hover,
                ), **where)  # fmt: skip
    if show_gaps:
        steps = [b - a for a, b in zip(periods, periods[1:], strict=False)]
        step = min(steps) if steps else pd.Timedelta(days=30)
        empty = [p for p, ok in zip(periods, has_docs, strict=True) if not ok]
        for p in empty:
            half = step / 2
            fig.add_vrect(x0=p - half, x1=p + half, fillcolor="#eeeeee", opacity=0.6,
                          line_width=0, layer="below",
                          annotation_text="no documents" if len(empty) <= 12 else None,
                          annotation_position="top", annotation_font_size=10,
                          annotation_textangle=-90 if len(empty) > 4 else 0)  # fmt: skip
    if show_counts:
        fig.add_trace(go.Bar(
            x=periods, y=per_period["n_docs_period"].astype("int64").tolist(),
            name="documents in the period", marker_color="#9e9e9e", showlegend=False,
            hovertemplate="%{x|%Y-%m-%d}: %{y} documents<extra></extra>",
        ), row=2, col=1)  # fmt: skip
        fig.update_yaxes(title_text="documents", rangemode="tozero", row=2, col=1)
    fig.update_layout(
        title=title if chosen == "all" or title is None else f"{title} ({esc(chosen)})",
        template=TEMPLATE, height=height, hovermode="closest",
        barmode="stack", bargap=0.15,
        legend={"title": {"text": "topic"}},
        margin={"l": 60, "r": 10, "t": 60, "b": 40},
    )  # fmt: skip
    fig.update_yaxes(tickformat=".0%", title_text="share of the period's documents",
                     range=[0, 1] if kind != "lines" else None, **where)  # fmt: skip
    return fig


#: Column headings of the term panels.
LANGUAGE_NAMES: dict[str, str] = {"pl": "Polish", "lt": "Lithuanian", "ro": "Romanian",
                                  "cs": "Czech", "en": "English", "xx": "actors, all languages"}


def _actor_term(term: object) -> str:
    """An actor id shown without its label prefix: ``PER:kim_dzong_un`` → ``kim dzong un``."""
    text = str(term)
    head, sep, tail = text.partition(":")
    return (tail if sep and head.isupper() else text).replace("_", " ")


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def plot_topic_terms(
    topic_terms: pd.DataFrame,
    topics: pd.DataFrame,
    *,
    top_n: int = 10,
    topic_actors: pd.DataFrame | None = None,
    doc_topics: pd.DataFrame | None = None,
    top_n_topics: int = 20,
    max_term_chars: int = 24,
    title: str | None = "Top terms per topic and language",
    row_height: int = 240,
    width: int = 1100,
) -> go.Figure:
    """Draw each topic's top terms per language (and its top actors) as bar panels.

    One row of panels per topic, one column per language; the last column shows actors
    (``topic_actors`` names when given, else the ``xx`` rows of ``topic_terms`` without
    their label prefix), shared by every language. Panel titles are short ("topic 0 ·
    Polish"; the topic labels are in the topic-share legend and the topics table) and sit
    clear of the panel above; an empty panel says why: no documents of that language in the
    topic (known from ``doc_topics``), or no term standing out. Does not mutate its inputs.

    Parameters
    ----------
    topic_terms
        ``topic_id, lang, term, weight, rank`` (``lang == "xx"`` rows are actor ids).
    topics
        ``topic_id, label``.
    top_n
        Bars per panel (lowest ranks).
    topic_actors
        Optional ``topic_id, name, weight, rank``: actor names instead of ids.
    doc_topics
        Optional ``topic_id, lang``: tells an empty panel's reason.
    top_n_topics
        Topics shown (the first by ``topic_id``; topic 0 is the largest).
    max_term_chars
        Longer terms are shortened with "…" (the whole term is in the hover).
    title, row_height, width
        Figure title, pixels per topic row and figure width (fixed, so that the spacing
        between panels holds the term labels).

    Returns
    -------
    plotly.graph_objects.Figure
        One horizontal bar trace per non-empty (topic, column) panel; one annotation per
        empty panel after the panel titles.
    """
    schemas.require(topic_terms, ["topic_id", "lang", "term", "weight", "rank"],
                    where="plot_topic_terms")  # fmt: skip
    _labels(topics)
    terms = topic_terms[topic_terms["rank"] <= top_n]
    if topic_actors is not None:
        schemas.require(topic_actors, ["topic_id", "name", "weight", "rank"],
                        where="plot_topic_terms")  # fmt: skip
        acts = topic_actors[topic_actors["rank"] <= top_n]
        terms = pd.concat([terms[terms["lang"] != "xx"],
                           pd.DataFrame({"topic_id": acts["topic_id"], "lang": "xx",
                                         "term": acts["name"], "weight": acts["weight"],
                                         "rank": acts["rank"]})], ignore_index=True)
    else:
        terms = terms.assign(term=[_actor_term(t) if lang == "xx" else t
                                   for t, lang in zip(terms["term"], terms["lang"],
                                                      strict=True)])  # fmt: skip
    if terms.empty:
        return empty_figure("No topic terms to show", title=title, height=300)
    if doc_topics is not None:
        schemas.require(doc_topics, ["topic_id", "lang"], where="plot_topic_terms")
    topic_ids = sorted(int(t) for t in terms["topic_id"].unique())[:top_n_topics]
    langs = sorted(set(terms["lang"].astype(str)) - {"xx"}) + (
        ["xx"] if (terms["lang"] == "xx").any() else [])
    if doc_topics is not None:  # languages with documents but no terms get a column too
        langs = sorted(set(langs) - {"xx"} | set(doc_topics["lang"].dropna().astype(str))
                       - {"xx"}) + (["xx"] if "xx" in langs else [])  # fmt: skip
    n_rows, n_cols = len(topic_ids), len(langs)
    height = 90 + row_height * n_rows
    tick_px = 6.5 * max_term_chars + 20  # room for the next column's term labels
    fig = make_subplots(
        rows=n_rows, cols=n_cols,
        horizontal_spacing=min(0.3, tick_px / width) if n_cols > 1 else 0.0,
        vertical_spacing=min(0.3, 75 / height) if n_rows > 1 else 0.0,
        subplot_titles=[f"topic {t} · {LANGUAGE_NAMES.get(lang, lang)}"
                        for t in topic_ids for lang in langs],
    )  # fmt: skip
    fig.update_annotations(font_size=12)
    empty_notes: list[tuple[int, int, str]] = []
    for row, topic in enumerate(topic_ids, start=1):
        for col, lang in enumerate(langs, start=1):
            panel = terms[(terms["topic_id"] == topic) & (terms["lang"] == lang)]
            if panel.empty:
                lang_name = LANGUAGE_NAMES.get(lang, lang)
                n_docs = None if doc_topics is None or lang == "xx" else int(
                    ((doc_topics["topic_id"] == topic) & (doc_topics["lang"] == lang)).sum())
                if lang == "xx":
                    why = "no actors in this topic"
                elif n_docs == 0:
                    why = f"no {lang_name} documents<br>in this topic"
                elif n_docs is None:
                    why = f"no {lang_name} terms"
                else:
                    why = (f"{n_docs} {lang_name} document{'s' if n_docs > 1 else ''},"
                           "<br>but no word stands out<br>from the other topics")
                empty_notes.append((row, col, why))
                continue
            panel = panel.sort_values("rank", ascending=False)  # rank 1 on top
            full = [str(t) for t in panel["term"]]
            fig.add_trace(go.Bar(
                x=panel["weight"].astype("float64"),
                y=[esc(_short(t, max_term_chars)) for t in full],
                customdata=[esc(t) for t in full],
                orientation="h", marker_color=color_for(topic), showlegend=False,
                name=f"{topic} {lang}",
                hovertemplate="%{customdata}: %{x:.3f}<extra></extra>",
            ), row=row, col=col)  # fmt: skip
    for row, col, why in empty_notes:
        idx = (row - 1) * n_cols + col
        suffix = "" if idx == 1 else str(idx)
        xd = fig.layout[f"xaxis{suffix}"].domain
        yd = fig.layout[f"yaxis{suffix}"].domain
        fig.add_annotation(text=why, showarrow=False, xref="paper", yref="paper",
                           x=(xd[0] + xd[1]) / 2, y=(yd[0] + yd[1]) / 2,
                           font={"size": 11, "color": "#777"})  # fmt: skip
        fig.update_xaxes(visible=False, row=row, col=col)
        fig.update_yaxes(visible=False, row=row, col=col)
    fig.update_layout(title=title, template=TEMPLATE, height=height, width=width,
                      margin={"l": 10, "r": 10, "t": 80, "b": 30})  # fmt: skip
    return fig


def plot_topic_map(
    doc_map: pd.DataFrame,
    topics: pd.DataFrame,
    *,
    period_format: str = "%Y-%m",
    max_points: int | None = 5_000,
    title: str | None = "Documents by topic (2-D map); slider: month of publication",
    height: int = 620,
) -> go.Figure:
    """Draw the documents on their 2-D map, coloured by topic, with a month slider.

    The first slider step (``all``) shows every document; each further step shows the
    documents published in that calendar month (undated documents appear only under
    ``all``; months without documents get no step). Does not mutate its inputs.

    Parameters
    ----------
    doc_map
        ``doc_id, x, y, topic_id, published_at, lang, title``.
    topics
        ``topic_id, label``.
    period_format
        Label format of the slider steps.
    max_points
        Draw at most this many documents (a fixed random sample, ``random_state=0``, noted
        in the title), which keeps the figure small for large corpora; ``None`` draws all.
    title, height
        Figure title and height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
        One scatter trace per topic; one frame per slider step (``all`` + each month with
        documents, in order).
    """
    schemas.require(doc_map, ["doc_id", "x", "y", "topic_id", "published_at", "lang", "title"],
                    where="plot_topic_map")  # fmt: skip
    labels = _labels(topics)
    if doc_map.empty:
        return empty_figure("No documents to show", title=title, height=300)
    table = doc_map
    if max_points is not None and len(table) > max_points:
        table = table.sample(max_points, random_state=0)
        note = f"{fmt_num(max_points)} of {fmt_num(len(doc_map))} documents shown"
        title = note if title is None else f"{title} ({note})"
    table = table.sort_values(["topic_id", "doc_id"])
    when = pd.to_datetime(table["published_at"])
    month = when.dt.to_period("M")
    hover = [f"{wrap(t, width=60, max_chars=140) or esc(d)}<br>{esc(lang)} · "
             f"{'' if pd.isna(w) else w.strftime('%Y-%m-%d')}"
             for d, t, lang, w in zip(table["doc_id"], table["title"], table["lang"], when,
                                      strict=True)]  # fmt: skip
    table = table.assign(_hover=hover, _month=month)
    topic_ids = sorted(int(t) for t in table["topic_id"].unique())

    def traces(rows: pd.DataFrame) -> list[go.Scatter]:
        out = []
        for topic in topic_ids:
            sub = rows[rows["topic_id"] == topic]
            name = labels.get(topic, f"topic {topic}")
            out.append(go.Scatter(
                x=sub["x"].astype("float64"), y=sub["y"].astype("float64"), mode="markers",
                name=name, text=list(sub["_hover"]), hovertemplate="%{text}<extra>"
                + name[:60] + "</extra>",
                marker={"color": color_for(topic), "size": 7, "opacity": 0.75},
            ))  # fmt: skip
        return out

    months = sorted(month.dropna().unique())
    steps = [("all", table)] + [(m.strftime(period_format), table[table["_month"] == m])
                                for m in months]  # fmt: skip
    fig = go.Figure(data=traces(table),
                    frames=[go.Frame(data=traces(rows), name=name) for name, rows in steps])
    pad = 0.05 * max(float(table["x"].max() - table["x"].min()),
                     float(table["y"].max() - table["y"].min()), 1e-6)  # fmt: skip
    fig.update_layout(
        title=title, template=TEMPLATE, height=height,
        xaxis={"range": [float(table["x"].min()) - pad, float(table["x"].max()) + pad],
               "zeroline": False, "showticklabels": False},
        yaxis={"range": [float(table["y"].min()) - pad, float(table["y"].max()) + pad],
               "zeroline": False, "showticklabels": False},
        legend={"title": {"text": "topic"}},
        sliders=[{"active": 0, "currentvalue": {"prefix": "month: "},
                  "pad": {"t": 30, "r": 30},  # room for the last tick's label
                  "steps": [{"label": name, "method": "animate",
                             "args": [[name], {"mode": "immediate", "frame": {"duration": 0,
                                                                              "redraw": True},
                                               "transition": {"duration": 0}}]}
                            for name, _ in steps]}],
        updatemenus=[{"type": "buttons", "showactive": False, "x": 0, "y": 0, "xanchor": "right",
                      "yanchor": "top", "pad": {"t": 30, "r": 10},
                      "buttons": [{"label": "▶", "method": "animate",
                                   "args": [[name for name, _ in steps[1:]],
                                            {"frame": {"duration": 700, "redraw": True},
                                             "fromcurrent": True,
                                             "transition": {"duration": 0}}]}]}],
        margin={"l": 20, "r": 10, "t": 60, "b": 40},
    )  # fmt: skip
    return fig
