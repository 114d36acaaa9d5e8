"""Open the HTML report in headless Chromium: graphs render, no console errors, slider moves.

Chromium is driven through its command line (``--dump-dom``, ``--screenshot``), with a probe
script injected into a copy of the report that records errors, counts the rendered Plotly
graphs and moves the time slider to its last frame. The screenshot is kept under
``tests/artifacts/`` (git-ignored).

Install Chromium on Debian/Ubuntu with::

    apt-get install -y --no-install-recommends chromium

Set ``CHROMIUM=/path/to/chrome`` to use another binary.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fixtures_tables import make_result

from analysis.report import write_report

ARTIFACTS = Path(__file__).parent / "artifacts"
INSTALL_HINT = "apt-get install -y --no-install-recommends chromium"

PROBE = """<script>
(function () {
  var errors = [];
  window.addEventListener("error", function (e) { errors.push("error: " + e.message); });
  window.addEventListener("unhandledrejection", function (e) {
    errors.push("unhandledrejection: " + e.reason);
  });
  ["error", "warn"].forEach(function (level) {
    var orig = console[level];
    console[level] = function () {
      errors.push("console." + level + ": " + Array.prototype.join.call(arguments, " "));
      return orig.apply(console, arguments);
    };
  });
  function done(time) {
    var graphs = Array.prototype.slice.call(document.querySelectorAll(".js-plotly-plot"));
    var out = {
      errors: errors,
      graphs: graphs.map(function (g) { return g.id; }),
      rendered: graphs.filter(function (g) {
        return g.querySelector("svg.main-svg") !== null;
      }).map(function (g) { return g.id; }),
      pwned: document.documentElement.getAttribute("data-pwned"),
      time: time
    };
    var pre = document.createElement("pre");
    pre.id = "__probe";
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }
  window.addEventListener("load", function () {
    setTimeout(function () {
      var gd = document.getElementById("fig-network-time");
      if (!gd || !gd._transitionData || !gd.layout.sliders) { done(null); return; }
      var frames = gd._transitionData._frames.map(function (f) { return f.name; });
      var before = gd.data[3].customdata;
      var first = gd._fullLayout.sliders[0].active;
      Plotly.animate(gd, [frames[frames.length - 1]], {
        mode: "immediate", frame: {duration: 0, redraw: true}, transition: {duration: 0}
      });
      var tries = 0;
      (function poll() {
        var active = gd._fullLayout.sliders[0].active;
        var moved = JSON.stringify(gd.data[3].customdata) !== JSON.stringify(before);
        if ((active === frames.length - 1 && moved) || tries++ > 50) {
          var label = gd.querySelector(".slider-currentvalue");
          done({frames: frames, active_before: first, active_after: active,
                nodes_before: before, nodes_after: gd.data[3].customdata,
                label: label ? label.textContent : null});
        } else { setTimeout(poll, 100); }
      })();
    }, 300);
  });
})();
</script>
"""


def find_chromium() -> str | None:
    """Return the Chromium/Chrome executable, or None."""
    env = os.environ.get("CHROMIUM")
    if env and shutil.which(env):
        return shutil.which(env)
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _chromium_args(binary: str, profile: Path) -> list[str]:
    return [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=15000",
    ]


def probe_report(report: Path, workdir: Path) -> tuple[dict, list[str]]:
    """Open a probed copy of ``report``; return the probe's findings and console log lines."""
    binary = find_chromium()
    assert binary is not None
    page = report.read_text(encoding="utf-8")
    assert page.count("<head>\n") == 1
    probed = workdir / "probed.html"
    probed.write_text(page.replace("<head>\n", "<head>\n" + PROBE, 1), encoding="utf-8")
    # Chromium has been seen to exit with rc=1 before the page loaded (once, in a CI run on
    # a loaded machine); a second start with a fresh profile tells that from a broken page.
    for attempt in range(2):
        proc = subprocess.run(
            [*_chromium_args(binary, workdir / f"profile-dom-{attempt}"),
             "--window-size=1280,4000", "--dump-dom", probed.as_uri()],
            capture_output=True, text=True, timeout=180, check=False,
        )  # fmt: skip
        match = re.search(r'<pre id="__probe">(.*?)</pre>', proc.stdout, re.S)
        if match:
            break
    assert match, f"probe did not report (rc={proc.returncode}): {proc.stderr[-2000:]}"
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return json.loads(html.unescape(match.group(1))), console


def screenshot(report: Path, out_png: Path, workdir: Path, *, height: int = 5200) -> Path:
    """Save a full-width screenshot of ``report`` to ``out_png`` (and return it)."""
    binary = find_chromium()
    assert binary is not None
    subprocess.run(
        [*_chromium_args(binary, workdir / "profile-shot"), f"--window-size=1280,{height}",
         f"--screenshot={out_png}", report.as_uri()],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert out_png.exists() and out_png.stat().st_size > 20_000, "no screenshot written"
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(out_png, ARTIFACTS / out_png.name)
    return out_png


needs_chromium = pytest.mark.skipif(
    find_chromium() is None,
    reason=f"Chromium not found (set CHROMIUM or install it: {INSTALL_HINT})",
)


def check_probe(found: dict, console: list[str], *, n_graphs: int) -> None:
    assert found["errors"] == [], found["errors"]
    assert [c for c in console if "Uncaught" in c or "rror" in c] == [], console
    assert len(found["graphs"]) == n_graphs, found["graphs"]
    assert found["rendered"] == found["graphs"], "some Plotly graphs have no svg"
    assert found["pwned"] is None, "article text ran as script"


@needs_chromium
def test_report_renders_in_chromium(tmp_path):
    report = write_report(make_result(), tmp_path / "out")
    found, console = probe_report(report, tmp_path)
    check_probe(found, console, n_graphs=4)
    assert found["graphs"] == ["fig-network", "fig-network-time", "fig-timeline", "fig-matrix"]
    time = found["time"]
    assert time["frames"] == ["2022-12", "2023-02", "2023-04"]
    assert time["active_before"] == 0 and time["active_after"] == 2
    assert time["nodes_before"] == ["lukashenko", "minsk", "putin"]
    assert time["nodes_after"] == ["lukashenko", "moscow", "peskov", "putin"]
    screenshot(report, tmp_path / "report_fixture.png", tmp_path)


@needs_chromium
@pytest.mark.slow
def test_sample_report_renders_in_chromium(tmp_path, sample_report):
    """The report of the real sample run renders; Putin and Lukashenko are joined."""
    found, console = probe_report(sample_report, tmp_path)
    check_probe(found, console, n_graphs=len(found["graphs"]))
    assert {"fig-network", "fig-network-time", "fig-timeline", "fig-matrix"} <= set(found["graphs"])
    assert len(found["time"]["frames"]) >= 2
    assert found["time"]["active_after"] == len(found["time"]["frames"]) - 1
    screenshot(sample_report, tmp_path / "report_sample.png", tmp_path, height=7000)


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    import analysis

    result = analysis.run()
    return write_report(result, tmp_path_factory.mktemp("sample_report"))
