"""Tests for analysis.report: one self-contained, escaped, byte-reproducible HTML page."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import sys
import types
from html.parser import HTMLParser

import pandas as pd
import plotly.graph_objects as go
import plotly.offline
import pytest
from fixtures_tables import ATTACK, make_result

from analysis import report
from analysis.result import RunResult

ACTOR_FIGS = ["fig-network", "fig-network-time", "fig-timeline", "fig-matrix"]


class _Tags(HTMLParser):
    """Collect start tags and script bodies the way a browser tokenises them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    return parser


def _div_ids(page: str) -> list[str]:
    return [a["id"] for t, a in _parse(page).tags if t == "div" and "plotly-graph-div" in
            a.get("class", "")]  # fmt: skip


def _embedded_manifest(page: str) -> dict:
    match = re.search(r'<pre id="manifest-json">(.*?)</pre>', page, re.S)
    assert match
    return json.loads(html.unescape(match.group(1)))


@pytest.fixture(scope="module")
def page() -> str:
    return report.build_report(make_result(), title="Test report")


# ------------------------------------------------------------------------------ structure
def test_page_is_self_contained_with_plotly_once(page):
    assert page.startswith("<!DOCTYPE html>")
    js = plotly.offline.get_plotlyjs()
    assert page.count(js[:400]) == 1  # plotly.js embedded exactly once
    parsed = _parse(page)
    scripts = [a for t, a in parsed.tags if t == "script"]
    assert all("src" not in a for a in scripts)  # nothing loaded from the network
    assert len(scripts) == 1 + len(ACTOR_FIGS)
    assert "cdn.plot.ly" not in page.replace(js, "")
    assert _div_ids(page) == ACTOR_FIGS
    assert page.count("Plotly.newPlot(") == len(ACTOR_FIGS)
    assert "<title>Test report</title>" in page


def test_key_tables_present(page):
    ids = [a.get("id") for t, a in _parse(page).tags if t == "table"]
    assert ids == ["table-summary", "table-statuses", "table-documents", "table-actors",
                   "table-edges"]  # fmt: skip
    docs_table = page[page.index('id="table-documents"') : page.index('id="table-actors"')]
    for doc_id in ("ro1", "pl1", "pl2", "lt1", "pl3", "xx1"):
        assert f"<td>{doc_id}</td>" in docs_table
    assert "unsupported_language" in docs_table
    assert "not processed; language is not pl, lt or ro" in docs_table
    actors = page[page.index('id="table-actors"') : page.index('id="table-edges"')]
    assert actors.index("Vladimir Putin") < actors.index("Alexander Lukashenko")
    edges = page[page.index('id="table-edges"') :]
    assert "Putin spotka się z Łukaszenką." in edges


def _report_options(page: str) -> dict:
    match = re.search(r'<pre id="report-options">(.*?)</pre>', page, re.S)
    assert match
    return json.loads(html.unescape(match.group(1)))


def test_manifest_is_the_runs_own(page):
    assert _embedded_manifest(page) == make_result().manifest  # one manifest, not a second one
    options = _report_options(page)
    assert options["level"] == "sentence"  # from the run's network_level
    assert options["freq"] == "MS"
    assert options["title"] == "Test report"
    summary = page[page.index('id="table-summary"'):page.index('id="table-statuses"')]
    assert "2022-12-19 … 2023-04-06" in summary
    assert "4 of 5 processed documents dated; 1 undated" in summary


def test_no_wall_clock_time(page):
    today = dt.date.today()
    for day in (today, today - dt.timedelta(days=1)):
        assert day.isoformat() not in page
    assert "generated_at" not in page and "created_at" not in page


# ------------------------------------------------------------------------------- escaping
def test_article_text_is_escaped_everywhere(page):
    parsed = _parse(page)
    tags = [t for t, _ in parsed.tags]
    assert "img" not in tags
    assert len([t for t in tags if t == "script"]) == 1 + len(ACTOR_FIGS)
    assert "data-pwned" not in "".join(str(a) for _, a in parsed.tags)
    for body in parsed.scripts:
        assert "setAttribute('data-pwned'" not in body  # not executable anywhere
    assert ATTACK not in page
    assert "&lt;/script&gt;&lt;script&gt;document.documentElement" in page  # shown as text


def test_script_close_inside_figure_json_is_neutralised():
    fig = go.Figure(go.Scatter(x=[1], y=[1], hovertext=["</script><script>alert(1)</script>"]))
    div = report._figure_div(fig, "fig-x")
    assert div.count("</script>") == 1  # only the figure's own closing tag
    assert "\\u003c\\u002fscript\\u003e" in div


def test_manifest_strings_escaped():
    result = make_result(manifest={"parameters": {"corpus": "</pre><script>x()</script>"}})
    page = report.build_report(result)
    assert "<script>x()" not in page
    assert _embedded_manifest(page)["parameters"]["corpus"].startswith("</pre>")


# --------------------------------------------------------------------------- reproducible
def test_build_report_is_deterministic():
    assert report.build_report(make_result()) == report.build_report(make_result())


def test_write_report_byte_identical_and_atomic(tmp_path):
    a = report.write_report(make_result(), tmp_path / "a", seed=1)
    b = report.write_report(make_result(), tmp_path / "b", seed=1)
    assert a.name == "report.html"
    assert sorted(p.name for p in a.parent.iterdir()) == ["manifest.json", "report.html"]
    for name in ("report.html", "manifest.json"):
        assert (a.parent / name).read_bytes() == (b.parent / name).read_bytes()
    manifest = json.loads((a.parent / "manifest.json").read_text(encoding="utf-8"))
    assert manifest == _embedded_manifest(a.read_text(encoding="utf-8"))
    again = report.write_report(make_result(), tmp_path / "a", seed=1)  # overwrite
    assert again.read_bytes() == b.read_bytes()
    assert oct(a.stat().st_mode & 0o777) == oct(0o666 & ~_umask())  # not mkstemp's 0600


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_unknown_report_option_is_an_error():
    with pytest.raises(TypeError, match="top_n_nodes"):
        report.build_report(make_result(), top_n_nodes=3)


def test_does_not_mutate_result():
    result = make_result()
    before = {k: v.copy() for k, v in result.tables().items()}
    report.build_report(result)
    for name, table in result.tables().items():
        pd.testing.assert_frame_equal(table, before[name])


# ---------------------------------------------------------------------------- edge cases
def test_empty_result_still_builds():
    page = report.build_report(RunResult())
    assert _div_ids(page) == ACTOR_FIGS
    assert 'id="topics"' not in page


def test_options_change_the_figures():
    result = make_result()
    page = report.build_report(result, level="document", weight="npmi", freq="QS")
    options = _report_options(page)
    assert options["level"] == "document"
    assert options["weight"] == "npmi"
    assert '"2023-Q1"' not in page  # periods are labelled by month format
    assert "Co-mentions at document level" in page


# ------------------------------------------------------------------------------- topics
def _topic_result() -> RunResult:
    from analysis import schemas

    topics = pd.DataFrame(
        {"topic_id": [0, 1], "label": ["war", "<i>talks</i>"], "n_docs": [3, 2],
         "top_terms": ["a", "b"], "top_actors": ["x", "y"]}
    )  # fmt: skip

    return make_result(topics=schemas.conform(topics, "topics"))


def test_topics_section_with_topic_plots(monkeypatch):
    calls = []

    def fake(name):
        def plot(table, topics, **kwargs):
            calls.append((name, len(topics), sorted(kwargs)))
            return go.Figure(go.Bar(x=[1], y=[1]))

        return plot

    module = types.ModuleType("analysis.plots.topics")
    for name in ("plot_topic_share", "plot_topic_terms", "plot_topic_map"):
        setattr(module, name, fake(name))
    monkeypatch.setitem(sys.modules, "analysis.plots.topics", module)
    page = report.build_report(_topic_result())
    assert _div_ids(page) == [*ACTOR_FIGS, "fig-topic-share", "fig-topic-terms", "fig-topic-map"]
    assert [c[0] for c in calls] == ["plot_topic_share", "plot_topic_terms", "plot_topic_map"]
    assert calls[1][2] == ["doc_topics", "topic_actors"]  # actor names, empty-panel reasons
    assert 'id="table-topics"' in page and "&lt;i&gt;talks&lt;/i&gt;" in page
    # every figure over time says how many documents are dated
    notes = re.findall(r'<p class="note fig-note">([^<]*)</p>', page)
    assert len(notes) == 4 and all("documents dated" in n for n in notes)


def test_topics_section_survives_missing_or_failing_plots(monkeypatch):
    module = types.ModuleType("analysis.plots.topics")

    def boom(*_):
        raise RuntimeError("<script>no</script>")

    module.plot_topic_share = boom
    module.plot_topic_terms = lambda *_, **__: go.Figure()
    monkeypatch.setitem(sys.modules, "analysis.plots.topics", module)
    page = report.build_report(_topic_result())
    assert _div_ids(page) == [*ACTOR_FIGS, "fig-topic-terms"]
    assert "plot_topic_share failed: RuntimeError" in page
    assert "plot_topic_map failed: AttributeError" in page
    assert "<script>no" not in page
