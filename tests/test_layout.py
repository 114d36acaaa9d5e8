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
