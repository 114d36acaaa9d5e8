"""The schema helpers every table function relies on."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import schemas


@pytest.mark.parametrize("name", sorted(schemas.SCHEMAS))
def test_empty_has_columns_and_dtypes(name):
    table = schemas.empty(name)
    assert list(table.columns) == schemas.columns(name)
    assert {c: str(d) for c, d in table.dtypes.items()} == {
        c: str(pd.Series(dtype=d).dtype) for c, d in schemas.SCHEMAS[name].items()}


def test_conform_orders_adds_and_casts():
    table = pd.DataFrame({"n": [1], "target": ["b"], "source": ["a"], "junk": [0]})
    out = schemas.conform(table, "comentions")
    assert list(out.columns) == schemas.columns("comentions")
    assert out["n"].dtype == "Int64" and out["jaccard"].isna().all()
    assert "junk" in table.columns  # input untouched


def test_conform_keeps_extra_columns():
    out = schemas.conform(pd.DataFrame({"doc_id": ["a"], "text": ["x"]}), "documents",
                          extra=["text"])
    assert out.columns[-1] == "text"


def test_require_names_missing_column():
    with pytest.raises(KeyError, match="'b'.*where_i_am|where_i_am.*'b'"):
        schemas.require(pd.DataFrame({"a": []}), ["a", "b"], where="where_i_am")
