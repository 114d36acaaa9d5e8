"""Tests for analysis.layout: seeded, stable node positions."""

from __future__ import annotations

import pandas as pd
import pytest
from fixtures_tables import make_comentions, make_nodes

from analysis import layout


def test_spring_positions_shape_range_and_order():
    out = layout.spring_positions(make_nodes(), make_comentions())
    assert list(out.columns) == ["entity_id", "x", "y"]
    assert out["entity_id"].tolist() == sorted(make_nodes()["entity_id"])
    assert out[["x", "y"]].abs().max().max() <= 1.0 + 1e-9
    assert out.dtypes.to_dict() == layout.empty_positions().dtypes.to_dict()
    # the strongest pair sits closer together than the weakest
    pos = out.set_index("entity_id")
    dist = lambda a, b: ((pos.loc[a] - pos.loc[b]) ** 2).sum() ** 0.5  # noqa: E731
    assert dist("putin", "lukashenko") < dist("moscow", "minsk")


def test_spring_positions_seed_determinism():
    a = layout.spring_positions(make_nodes(), make_comentions(), seed=3)
    b = layout.spring_positions(make_nodes(), make_comentions(), seed=3)
    c = layout.spring_positions(make_nodes(), make_comentions(), seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_spring_positions_input_order_does_not_matter():
    nodes, com = make_nodes(), make_comentions()
    a = layout.spring_positions(nodes, com, seed=1)
    b = layout.spring_positions(nodes.iloc[::-1], com.iloc[::-1], seed=1)
    pd.testing.assert_frame_equal(a, b)


def test_spring_positions_does_not_mutate():
    nodes, com = make_nodes(), make_comentions()
    layout.spring_positions(nodes, com, level="document", weight="npmi")
    pd.testing.assert_frame_equal(nodes, make_nodes())
    pd.testing.assert_frame_equal(com, make_comentions())


def test_spring_positions_edge_cases():
    nodes, com = make_nodes(), make_comentions()
    pd.testing.assert_frame_equal(
        layout.spring_positions(nodes.iloc[0:0], com), layout.empty_positions()
    )
    one = layout.spring_positions(nodes.iloc[:1], com.iloc[0:0])
    assert one[["x", "y"]].values.tolist() == [[0.0, 0.0]]
    isolated = layout.spring_positions(nodes, com.iloc[0:0])  # no edges: all still placed
    assert len(isolated) == len(nodes)


def test_spring_positions_missing_column_is_named():
    with pytest.raises(KeyError, match="entity_id"):
        layout.spring_positions(make_nodes().drop(columns="entity_id"), make_comentions())
    with pytest.raises(KeyError, match="npmi"):
        layout.spring_positions(make_nodes(), make_comentions().drop(columns="npmi"), weight="npmi")


# ------------------------------------------------------------------------------ node labels
def _candidates(rows):
    return pd.DataFrame(rows, columns=["entity_id", "text", "x", "y", "marker_px"])


def test_place_labels_hand_case():
    # 100 px per unit; two 10 px markers 20 px apart. Above or below its node, either label
    # would come within clear_px (8 px) of the other node, so they go left and right.
    cand = _candidates([("a", "Alpha", 0.0, 0.0, 10), ("b", "Bravo", 0.2, 0.0, 10)])
    out = layout.place_labels(cand, x_range=(-1, 1), y_range=(-1, 1), width_px=200,
                              height_px=200, font_size=10)
    assert list(out.columns) == layout.schemas.columns("label_positions")
    a, b = out.set_index("entity_id").loc["a"], out.set_index("entity_id").loc["b"]
    w, h = layout.text_box_px("Alpha", font_size=10)
    assert a["half_width"] == pytest.approx(w / 2 / 100)
    assert a["half_height"] == pytest.approx(h / 2 / 100)
    # left of "a": its right edge 7 px (marker radius 5 + gap 2) from the node centre
    assert a["y"] == 0.0 and a["x"] + a["half_width"] == pytest.approx(-0.07)
    assert b["y"] == 0.0 and b["x"] - b["half_width"] == pytest.approx(0.27)
    assert not a["leader"] and not b["leader"]
    # far apart, both go above their nodes
    wide = layout.place_labels(cand.assign(x=[0.0, 0.6]), x_range=(-1, 1), y_range=(-1, 1),
                               width_px=200, height_px=200, font_size=10)
    assert (wide["y"] > 0).all() and (wide["x"] == [0.0, 0.6]).all()


def test_place_labels_inside_ranges_and_drops_what_does_not_fit():
    # a node at the top edge gets its label below; a label wider than the plot is dropped
    cand = _candidates([("top", "Top", 0.0, 0.99, 6), ("huge", "x" * 200, 0.0, 0.0, 6)])
    out = layout.place_labels(cand, x_range=(-1, 1), y_range=(-1, 1), width_px=300,
                              height_px=300)
    assert out["entity_id"].tolist() == ["top"]
    row = out.iloc[0]
    assert row["y"] + row["half_height"] <= 1 and row["y"] < 0.99


def test_place_labels_many_nodes_no_overlap_deterministic():
    import numpy as np

    rng = np.random.default_rng(1)
    cand = _candidates([(f"n{i}", f"Actor number {i}", float(x), float(y), 12)
                        for i, (x, y) in enumerate(rng.uniform(-1, 1, (60, 2)))])
    kw = {"x_range": (-1.1, 1.1), "y_range": (-1.1, 1.1), "width_px": 700, "height_px": 600}
    out = layout.place_labels(cand, **kw)
    assert 10 < len(out) <= 60
    boxes = list(out[["x", "y", "half_width", "half_height"]].itertuples(index=False, name=None))
    assert not [1 for i, a in enumerate(boxes) for b in boxes[i + 1:] if layout.boxes_overlap(a, b)]
    assert (out["x"] - out["half_width"] >= -1.1).all() and (out["y"] + out["half_height"]
                                                             <= 1.1).all()
    pd.testing.assert_frame_equal(out, layout.place_labels(cand, **kw))
    assert out["entity_id"].tolist()[:3] == ["n0", "n1", "n2"]  # in priority order
    assert len(layout.place_labels(cand, max_labels=5, **kw)) == 5
    assert layout.place_labels(cand.iloc[0:0], **kw).empty


def test_place_labels_missing_column_and_no_mutation():
    cand = _candidates([("a", "Alpha", 0.0, 0.0, 10)])
    before = cand.copy()
    layout.place_labels(cand, x_range=(-1, 1), y_range=(-1, 1), width_px=200, height_px=200)
    pd.testing.assert_frame_equal(cand, before)
    with pytest.raises(KeyError, match="marker_px"):
        layout.place_labels(cand.drop(columns="marker_px"), x_range=(-1, 1), y_range=(-1, 1),
                            width_px=200, height_px=200)


def test_spread_positions_keeps_actors_apart():
    pos = pd.DataFrame({"entity_id": ["a", "b", "c", "d"], "x": [0.0, 0.0, 0.01, 1.0],
                        "y": [0.0, 0.0, 0.0, 1.0]})
    out = layout.spread_positions(pos, min_distance=0.2)
    assert out["entity_id"].tolist() == ["a", "b", "c", "d"]
    xy = out[["x", "y"]].to_numpy()
    dists = [((xy[i] - xy[j]) ** 2).sum() ** 0.5 for i in range(4) for j in range(i + 1, 4)]
    assert min(dists) >= 0.2 * 0.7  # rescaled into [-1, 1], so a little under the target
    assert abs(xy).max() <= 1.0
    pd.testing.assert_frame_equal(out, layout.spread_positions(pos, min_distance=0.2))
