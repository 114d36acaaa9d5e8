"""Shared formatting for the figure functions: escaping, wrapping, colours, sizes.

Plotly draws titles, tick labels, legend entries and hover text as a small subset of HTML, so
every string taken from an article passes through :func:`esc` before it reaches a figure.
"""

from __future__ import annotations

import html
import math
import textwrap

import pandas as pd
import plotly.graph_objects as go

#: Language colours used by every chart (pl, lt, ro; anything else grey).
LANG_COLORS: dict[str, str] = {"pl": "#d62728", "lt": "#2ca02c", "ro": "#1f77b4"}
OTHER_COLOR = "#7f7f7f"
#: Qualitative palette for communities and labels.
PALETTE: tuple[str, ...] = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#bcbd22", "#17becf", "#7f7f7f",
)  # fmt: skip
TEMPLATE = "plotly_white"


def esc(value: object) -> str:
    """Return ``value`` as text safe to show in Plotly hover text, titles and annotations.

    Missing values become an empty string; ``<``, ``>``, ``&`` and quotes are escaped, quotes
    as numeric references (``&#34;``, ``&#x27;``): Plotly decodes those and ``&lt; &gt;
    &amp;``, but shows ``&quot;`` as written.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True).replace("&quot;", "&#34;")


def plain(value: object) -> str:
    """Return ``value`` as plain one-line text for Plotly ``text`` labels: no HTML entities.

    Whitespace is collapsed; ``<`` and ``>`` become ``‹`` and ``›`` so that Plotly's small
    HTML subset cannot read a tag into a name (Plotly's JSON escaping already keeps a page's
    scripts safe); ``&`` is kept as written.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return " ".join(str(value).split()).replace("<", "‹").replace(">", "›")


def wrap(value: object, *, width: int = 70, max_chars: int = 300) -> str:
    """Escape ``value``, shorten it to ``max_chars`` and break it into ``<br>``-joined lines."""
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    text = " ".join(text.split())
    if len(text) > max_chars:
        text = text[: max_chars - 1].rstrip() + "…"
    return "<br>".join(esc(line) for line in textwrap.wrap(text, width=width)) or ""


def fmt_num(value: object) -> str:
    """Format a count or weight for hover text (integers plain, floats with 3 significant)."""
    if value is None or pd.isna(value):
        return "–"
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return f"{number:.3g}"


def color_for(index: int) -> str:
    """Return the palette colour for the ``index``-th group."""
    return PALETTE[index % len(PALETTE)]


def marker_sizes(
    values: pd.Series, *, vmax: float | None = None, smin: float = 10.0, smax: float = 42.0
) -> list[float]:
    """Map counts to marker diameters (area proportional to the count), rounded to 0.01."""
    nums = pd.to_numeric(values, errors="coerce").fillna(0).clip(lower=0).astype("float64")
    top = float(vmax if vmax is not None else (nums.max() if len(nums) else 0.0))
    if top <= 0:
        return [smin] * len(nums)
    return [round(smin + (smax - smin) * math.sqrt(v / top), 2) for v in nums]


def empty_figure(message: str, *, title: str | None = None, height: int = 400) -> go.Figure:
    """A figure with no data and a centred, escaped ``message`` (axes hidden)."""
    fig = go.Figure()
    fig.add_annotation(text=esc(message), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    hidden = {"visible": False, "showgrid": False, "zeroline": False}
    fig.update_layout(title=title, template=TEMPLATE, height=height, xaxis=hidden, yaxis=hidden)
    return fig
