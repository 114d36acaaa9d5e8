"""Hand-made pipeline tables for the chart, layout and report tests.

A tiny corpus about Putin and Lukashenko in Polish, Lithuanian and Romanian over three months
(2022-12, 2023-02, 2023-04), plus one undated and one unsupported document. One Romanian
document carries HTML/JS in its title and in an evidence sentence, to test escaping.

Import the fixtures from ``tests/conftest.py`` (``from tests.fixtures_tables import *``) or
use :func:`make_result` directly.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import schemas
from analysis.result import RunResult

#: Article-derived text that would run script if it reached the HTML unescaped.
ATTACK = (
    "</script><script>document.documentElement.setAttribute('data-pwned','1')</script>"
    "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned','2')\">"
)


def make_documents() -> pd.DataFrame:
    rows = [
        # doc_id, title, lang, published_at, status, processed, n_mentions
        ("ro1", f"Putin la Minsk {ATTACK}", "ro", "2022-12-19", "ok", True, 3),
        ("pl1", "Putin spotka się z Łukaszenką", "pl", "2023-02-15", "ok", True, 5),
        ("pl2", "Rozmowy w Moskwie", "pl", "2023-04-04", "ok", True, 4),
        ("lt1", "Putinas ir Lukašenka", "lt", "2023-04-06", "ok", True, 3),
        ("pl3", "Bez daty", "pl", None, "ok", True, 2),
        ("xx1", "English text", "und", None, "unsupported_language", False, 0),
    ]
    frame = pd.DataFrame(
        rows,
        columns=["doc_id", "title", "lang", "published_at", "status", "processed", "n_mentions"],
    ).assign(
        source=lambda d: d["doc_id"] + ".txt",
        date_precision=lambda d: d["published_at"].map(lambda v: "day" if v else None),
        message=lambda d: d["status"].map(lambda s: None if s == "ok" else schemas.STATUSES[s]),
    )
    return schemas.conform(frame, "documents")


def make_entities() -> pd.DataFrame:
    rows = [
        ("putin", "Vladimir Putin", "PER", 7, 5, "lt,pl,ro", "Putin | Putinas | Władimir Putin"),
        ("lukashenko", "Alexander Lukashenko", "PER", 5, 4, "lt,pl,ro", "Łukaszenka | Lukašenka"),
        ("minsk", "Minsk", "LOC", 2, 1, "ro", "Minsk"),
        ("peskov", "Dmitry Peskov", "PER", 2, 2, "pl", "Pieskow"),
        ("moscow", "Moscow", "LOC", 1, 1, "pl", "Moskwie"),
    ]
    frame = pd.DataFrame(
        rows, columns=["entity_id", "name", "label", "n_mentions", "n_docs", "languages", "aliases"]
    ).assign(source="registry")
    return schemas.conform(frame, "entities")


def make_mentions() -> pd.DataFrame:
    rows = [
        # doc_id, lang, paragraph_idx, sentence_idx, text, entity_id, label
        ("ro1", "ro", 0, 0, "Putin", "putin", "PER"),
        ("ro1", "ro", 0, 0, "Minsk", "minsk", "LOC"),
        ("ro1", "ro", 1, 1, "Minsk", "minsk", "LOC"),
        ("ro1", "ro", 1, 1, "Lukașenko", "lukashenko", "PER"),
        ("pl1", "pl", 0, 0, "Pieskow", "peskov", "PER"),
        ("pl1", "pl", 0, 0, "Władimir Putin", "putin", "PER"),
        ("pl1", "pl", 0, 0, "Łukaszenką", "lukashenko", "PER"),
        ("pl1", "pl", 1, 1, "Putin", "putin", "PER"),
        ("pl1", "pl", 1, 2, "Łukaszenka", "lukashenko", "PER"),
        ("pl2", "pl", 0, 0, "Putin", "putin", "PER"),
        ("pl2", "pl", 0, 0, "Łukaszenka", "lukashenko", "PER"),
        ("pl2", "pl", 0, 1, "Moskwie", "moscow", "LOC"),
        ("pl2", "pl", 0, 1, "Pieskow", "peskov", "PER"),
        ("lt1", "lt", 0, 0, "Putinas", "putin", "PER"),
        ("lt1", "lt", 0, 0, "Lukašenka", "lukashenko", "PER"),
        ("lt1", "lt", 0, 1, "Putinas", "putin", "PER"),
        ("pl3", "pl", 0, 0, "Putin", "putin", "PER"),
        ("pl3", "pl", 0, 0, "Unresolved", None, "ORG"),
    ]
    frame = pd.DataFrame(
        rows,
        columns=["doc_id", "lang", "paragraph_idx", "sentence_idx", "text", "entity_id", "label"],
    ).assign(
        base_form=lambda d: d["text"], lemma=lambda d: d["text"], label_native=lambda d: d["label"]
    )
    return schemas.conform(frame, "mentions")


def make_sentences() -> pd.DataFrame:
    """One sentence row per (document, sentence) of the mentions, plus one without actors."""
    ment = make_mentions()
    keys = ment[["doc_id", "paragraph_idx", "sentence_idx"]].drop_duplicates()
    extra = pd.DataFrame({"doc_id": ["pl1"], "paragraph_idx": [2], "sentence_idx": [3]})
    frame = pd.concat([keys, extra], ignore_index=True).astype(
        {"paragraph_idx": "int64", "sentence_idx": "int64"}
    )
    frame = frame.assign(
        token_start=frame["sentence_idx"] * 10,
        token_end=frame["sentence_idx"] * 10 + 10,
        text=lambda d: "Sentence " + d["sentence_idx"].astype(str) + " of " + d["doc_id"],
    ).sort_values(["doc_id", "sentence_idx"])
    return schemas.conform(frame, "sentences")


def make_comentions() -> pd.DataFrame:
    rows = [
        # level, source, target, n, npmi, evidence_doc_id, evidence_text
        ("sentence", "lukashenko", "putin", 4, 0.6, "pl1", "Putin spotka się z Łukaszenką."),
        ("sentence", "lukashenko", "peskov", 1, 0.3, "pl1", "Pieskow: Putin i Łukaszenka."),
        ("sentence", "peskov", "putin", 1, 0.2, "pl1", "Pieskow: Putin i Łukaszenka."),
        ("sentence", "minsk", "putin", 1, 0.5, "ro1", f"Putin la Minsk {ATTACK}"),
        ("sentence", "lukashenko", "minsk", 1, 0.5, "ro1", "Minsk, Lukașenko."),
        ("sentence", "moscow", "peskov", 1, 0.9, "pl2", "Pieskow w Moskwie."),
        ("document", "lukashenko", "putin", 5, 0.1, "pl1", "Putin spotka się z Łukaszenką."),
        ("document", "minsk", "putin", 1, 0.4, "ro1", f"Putin la Minsk {ATTACK}"),
    ]
    frame = pd.DataFrame(
        rows,
        columns=["level", "source", "target", "n", "npmi", "evidence_doc_id", "evidence_text"],
    ).assign(n_units=20)
    return schemas.conform(frame, "comentions")


def make_nodes() -> pd.DataFrame:
    ent = make_entities()
    extra = pd.DataFrame(
        {
            "entity_id": ["putin", "lukashenko", "minsk", "peskov", "moscow"],
            "degree": [3, 3, 2, 3, 1],
            "weighted_degree": [6.0, 6.0, 2.0, 3.0, 1.0],
            "community": [0, 0, 0, 1, 1],
        }
    )
    return schemas.conform(ent.merge(extra, on="entity_id"), "nodes")


def make_result(**overrides) -> RunResult:
    """Return a :class:`RunResult` of the hand-made tables (``overrides`` replace fields)."""
    tables = {
        "documents": make_documents(),
        "mentions": make_mentions(),
        "sentences": make_sentences(),
        "entities": make_entities(),
        "comentions": make_comentions(),
        "nodes": make_nodes(),
        "manifest": {
            "package_version": "0.1.0",
            "models": {"pl": "test-pl-1", "lt": "test-lt-1", "ro": "test-ro-1"},
            "parameters": {"network_level": "sentence", "network_weight": "n", "freq": "MS"},
        },
    }
    tables.update(overrides)
    return RunResult(**tables)


# ---------------------------------------------------------------- pytest fixtures (plots/report)
@pytest.fixture
def plot_documents() -> pd.DataFrame:
    return make_documents()


@pytest.fixture
def plot_mentions() -> pd.DataFrame:
    return make_mentions()


@pytest.fixture
def plot_entities() -> pd.DataFrame:
    return make_entities()


@pytest.fixture
def plot_comentions() -> pd.DataFrame:
    return make_comentions()


@pytest.fixture
def plot_sentences() -> pd.DataFrame:
    return make_sentences()


@pytest.fixture
def plot_nodes() -> pd.DataFrame:
    return make_nodes()


@pytest.fixture
def plot_result() -> RunResult:
    return make_result()


# ------------------------------------------------------------------ a synthetic 50-actor network
_FIRST = ("Vladimir", "Alexander", "Dmitry", "Sergei", "Josep", "Ursula", "Emmanuel", "Olaf",
          "Andrzej", "Gitanas", "Klaus", "Maia", "Viktor", "Mateusz", "Ingrida")
_LAST = ("Putin", "Lukashenko", "Peskov", "Lavrov", "Borrell", "von der Leyen", "Macron",
         "Scholz", "Duda", "Nausėda", "Iohannis", "Sandu", "Orbán", "Morawiecki", "Šimonytė")
_PLACES = ("Moscow", "Minsk", "Kyiv", "Warsaw", "Vilnius", "Bucharest", "Chișinău", "Brussels",
           "Kaliningrad", "Donetsk", "Bakhmut", "Sochi", "Riga", "Tallinn", "Berlin", "Paris",
           "Washington", "Beijing", "Pyongyang", "Tbilisi")
_ORGS = ("NATO", "European Union", "Kremlin", "United Nations Security Council", "OSCE",
         'The "Russian NATO" & Co', "Collective Security Treaty Organization", "Wagner Group",
         "Gazprom", "Interfax", "TASS", "Reuters", "Council of the European Union",
         "Ministry of Foreign Affairs", "IMF")


def make_network(n: int = 50, *, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A seeded synthetic network: ``nodes`` (``n`` actors, four communities, long names, a
    name with quotes and ``&``) and its sentence-level ``comentions`` (dense inside
    communities, sparse between them)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    people = [f"{f} {last}" for f, last in zip(_FIRST, _LAST, strict=True)]
    pool = [(p, "PER") for p in people] + [(p, "LOC") for p in _PLACES] + [
        (o, "ORG") for o in _ORGS]
    names = pool[:n]
    ids = [f"a{i:02d}" for i in range(len(names))]
    community = [i % 4 for i in range(len(names))]
    rows = []
    for i in range(len(ids)):
        for j in range(i + 1, len(ids)):
            same = community[i] == community[j]
            if rng.random() < (0.35 if same else 0.03):
                rows.append(("sentence", ids[i], ids[j], int(rng.integers(1, 9))))
    com = pd.DataFrame(rows, columns=["level", "source", "target", "n"]).assign(n_units=100)
    deg = pd.concat([com[["source", "n"]].rename(columns={"source": "entity_id"}),
                     com[["target", "n"]].rename(columns={"target": "entity_id"})])
    wdeg = deg.groupby("entity_id")["n"].sum()
    nodes = pd.DataFrame({
        "entity_id": ids, "name": [nm for nm, _ in names], "label": [lb for _, lb in names],
        "n_mentions": [int(v) for v in rng.integers(1, 60, len(ids))], "n_docs": 3,
        "languages": "lt,pl,ro", "degree": 1,
        "weighted_degree": [float(wdeg.get(e, 0)) for e in ids], "community": community,
    })  # fmt: skip
    return schemas.conform(nodes, "nodes"), schemas.conform(com, "comentions")


def label_boxes(fig) -> list[tuple[str, tuple[float, float, float, float]]]:
    """The permanent labels of a network figure as ``(text, (x, y, half_w, half_h))`` boxes in
    plot coordinates, recomputed from the figure alone: label positions, font size, character
    count, the figure's size, margins and axis ranges."""
    from analysis.layout import text_box_px

    labels = [t for t in fig.data if t.meta == "labels"]
    if not labels:
        return []
    (trace,) = labels
    lay = fig.layout
    width = lay.width - lay.margin.l - lay.margin.r
    height = lay.height - lay.margin.t - lay.margin.b
    sx = width / (lay.xaxis.range[1] - lay.xaxis.range[0])
    sy = height / (lay.yaxis.range[1] - lay.yaxis.range[0])
    out = []
    for x, y, text in zip(trace.x, trace.y, trace.text, strict=True):
        w, h = text_box_px(text, font_size=trace.textfont.size)
        out.append((text, (x, y, w / 2 / sx, h / 2 / sy)))
    return out


def overlapping_labels(fig) -> list[tuple[str, str]]:
    """Pairs of permanent labels whose text boxes overlap, and labels leaving the plot."""
    from analysis.layout import boxes_overlap

    boxes = label_boxes(fig)
    bad = [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
           if boxes_overlap(a[1], b[1])]
    xr, yr = fig.layout.xaxis.range, fig.layout.yaxis.range
    bad += [(t, "outside") for t, (x, y, hw, hh) in boxes
            if x - hw < xr[0] or x + hw > xr[1] or y - hh < yr[0] or y + hh > yr[1]]
    return bad
