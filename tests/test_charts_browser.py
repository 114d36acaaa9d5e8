"""Charts a reader can read: the figures rendered in headless Chromium.

Each figure is written to its own page (plotly.js inline, the figure's own size) and
screenshotted into ``tests/artifacts/`` (git-ignored) for a person to look at. Two checks do
not need eyes:

* from the figure data, no two permanent node labels overlap and no label leaves the plot
  (text boxes from positions, font size and character count: ``fixtures_tables.label_boxes``),
  and no label holds an HTML entity;
* in the browser, the labels as Chromium drew them (their SVG bounding boxes) do not overlap
  either, so the estimate behind the placement holds for the real font.

Needs Chromium (see ``test_report_browser.py``); slow: the sample run uses the Stanza models.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import plotly.graph_objects as go
import plotly.offline
import pytest
from fixtures_tables import make_network, overlapping_labels
from test_report_browser import ARTIFACTS, _chromium_args, find_chromium, needs_chromium

from analysis import layout, report
from analysis.plots import plot_actor_network

pytestmark = [pytest.mark.slow, needs_chromium]

ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")

#: Reports the drawn label boxes of every figure on the page, after rendering.
PROBE = """<script>
window.addEventListener("load", function () {
  setTimeout(function () {
    var out = {};
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
      var traces = gd.querySelectorAll(".scatterlayer .trace");
      var boxes = [];
      gd.data.forEach(function (trace, i) {
        if (trace.meta !== "labels" || !traces[i]) { return; }
        traces[i].querySelectorAll(".textpoint text").forEach(function (t) {
          var r = t.getBoundingClientRect();
          boxes.push([t.textContent, r.left, r.top, r.right, r.bottom]);
        });
      });
      var fl = gd._fullLayout, g = gd.getBoundingClientRect(), xa = fl.xaxis, ya = fl.yaxis;
      out[gd.id] = {labels: boxes, plot: xa && ya ? [
        g.left + xa._offset, g.top + ya._offset,
        g.left + xa._offset + xa._length, g.top + ya._offset + ya._length] : null};
    });
    var pre = document.createElement("pre");
    pre.id = "__probe";
    pre.style.display = "none";  // kept out of the screenshot
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }, 500);
});
</script>
"""


def _page(fig: go.Figure, div_id: str, path: Path) -> Path:
    body = fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                       config={"displaylogo": False}, auto_play=False)
    path.write_text("<!DOCTYPE html>\n<html><head><meta charset='utf-8'>\n" + PROBE
                    + "<script>" + plotly.offline.get_plotlyjs() + "</script></head>"
                    "<body style='margin:0;background:white'>" + body + "</body></html>",
                    encoding="utf-8")
    return path


def _render(fig: go.Figure, name: str, workdir: Path) -> dict:
    """Screenshot ``fig`` to ``tests/artifacts/<name>.png``; return the drawn label boxes."""
    binary = find_chromium()
    page = _page(fig, name, workdir / f"{name}.html")
    width = int(fig.layout.width or 1100) + 20
    height = int(fig.layout.height or 500) + 20
    png = workdir / f"{name}.png"
    subprocess.run([*_chromium_args(binary, workdir / f"profile-shot-{name}"),
                    f"--window-size={width},{height}", f"--screenshot={png}", page.as_uri()],
                   capture_output=True, text=True, timeout=180, check=False)  # fmt: skip
    assert png.exists() and png.stat().st_size > 10_000, f"no screenshot of {name}"
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(png, ARTIFACTS / png.name)
    proc = subprocess.run([*_chromium_args(binary, workdir / f"profile-dom-{name}"),
                           f"--window-size={width},{height}", "--dump-dom", page.as_uri()],
                          capture_output=True, text=True, timeout=180, check=False)  # fmt: skip
    match = re.search(r'<pre id="__probe"[^>]*>(.*?)</pre>', proc.stdout, re.S)
    assert match, f"probe did not report (rc={proc.returncode}): {proc.stderr[-2000:]}"
    return json.loads(html.unescape(match.group(1)))[name]


def _drawn_overlaps(drawn: dict, *, slack: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of labels whose drawn boxes overlap by more than ``slack`` pixels, and labels
    drawn outside the plot area."""
    boxes = drawn["labels"]
    bad = []
    for i, (ta, l1, t1, r1, b1) in enumerate(boxes):
        for tb, l2, t2, r2, b2 in boxes[i + 1:]:
            if min(r1, r2) - max(l1, l2) > slack and min(b1, b2) - max(t1, t2) > slack:
                bad.append((ta, tb))
    if drawn["plot"]:
        left, top, right, bottom = drawn["plot"]
        bad += [(t, "outside") for t, a, b, c, d in boxes
                if a < left - slack or c > right + slack or b < top - slack or d > bottom + slack]
    return bad


def _check_labels(fig: go.Figure, drawn: dict) -> None:
    texts = [t for tr in fig.data if tr.meta == "labels" for t in tr.text]
    assert texts, "no permanent labels"
    assert not [t for t in texts if ENTITY.search(t)], "a label shows an HTML entity"
    assert overlapping_labels(fig) == []  # from the figure data
    assert len(drawn["labels"]) == len(texts)
    assert _drawn_overlaps(drawn) == []  # as Chromium drew them


def test_synthetic_50_actor_network_labels(tmp_path):
    nodes, com = make_network(50, seed=0)
    pos = layout.spread_positions(layout.spring_positions(nodes, com, seed=0), min_distance=0.2)
    fig = plot_actor_network(nodes, com, pos, top_n_labels=30, title="Synthetic network")
    drawn = _render(fig, "network_synthetic50", tmp_path)
    _check_labels(fig, drawn)


@pytest.fixture(scope="module")
def sample_figures():
    import analysis

    result = analysis.run(progress=False)
    opts = report.report_options(result)
    figs = report.report_figures(result, opts)
    from analysis.plots.topics import plot_topic_share, plot_topic_terms

    figs["fig-topic-share"] = plot_topic_share(result.topics_over_time, result.topics)
    figs["fig-topic-terms"] = plot_topic_terms(result.topic_terms, result.topics,
                                               topic_actors=result.topic_actors,
                                               doc_topics=result.doc_topics)
    return result, figs


def test_sample_network_labels(tmp_path, sample_figures):
    result, figs = sample_figures
    fig = figs["fig-network"]
    _check_labels(fig, _render(fig, "fig-network", tmp_path))
    # the most central actors are named in plain text, in English
    texts = [t for tr in fig.data if tr.meta == "labels" for t in tr.text]
    assert {"Vladimir Putin", "Alexander Lukashenko", "Russia", "Belarus"} <= set(texts)
    # communities are named by their most central actors (which ones depends on the models)
    legend = [tr.name for tr in fig.data if tr.meta == "nodes"]
    assert legend and all(" · " in name and "community" not in name for name in legend)
    shown = [t for name in legend for t in name.split(" · ")]
    assert {"Russia", "Belarus"} <= set(shown)


def test_sample_network_over_time_labels_and_slider(tmp_path, sample_figures):
    _, figs = sample_figures
    fig = figs["fig-network-time"]
    _check_labels(fig, _render(fig, "fig-network-time", tmp_path))


def test_sample_over_time_and_topic_figures(tmp_path, sample_figures):
    result, figs = sample_figures
    for name in ("fig-timeline", "fig-matrix", "fig-topic-share", "fig-topic-terms"):
        _render(figs[name], name, tmp_path)
    share = figs["fig-topic-share"]
    # months without documents are gaps with a "no documents" band, never zeros
    topic_traces = [t for t in share.data if t.name != "documents in the period"]
    empty = set(result.topics_over_time.loc[result.topics_over_time["n_docs_period"] == 0,
                                            "period"])
    for trace in topic_traces:
        for x, y in zip(trace.x, trace.y, strict=True):
            if x in empty:
                assert y is None
    assert len(share.layout.shapes) == len({str(p) for p in empty})
    terms = [y for t in figs["fig-topic-terms"].data for y in t.y]
    assert not [t for t in terms if ":" in t and "_" in t]  # never a raw id like PER:kim_dzong_un
