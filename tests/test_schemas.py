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


def test_every_table_has_value_checks():
    assert set(schemas.CHECKS) == set(schemas.SCHEMAS)


def test_validate_accepts_fixture_tables_and_names_broken_rules():
    from fixtures_tables import make_result

    result = make_result()
    for name in ("documents", "mentions", "entities", "comentions", "nodes", "sentences"):
        schemas.validate(getattr(result, name), name)
    bad = result.comentions.assign(
        jaccard=result.comentions["jaccard"].where(result.comentions.index != 0, 1.5))
    with pytest.raises(schemas.SchemaError, match="0 <= jaccard <= 1"):
        schemas.validate(bad, "comentions")
    with pytest.raises(schemas.SchemaError, match="entity_id.*unique"):
        schemas.validate(pd.concat([result.entities, result.entities], ignore_index=True),
                         "entities")
    with pytest.raises(schemas.SchemaError, match="label in"):
        schemas.validate(result.mentions.assign(label="MISC"), "mentions")
    with pytest.raises(schemas.SchemaError, match="dtype"):
        schemas.validate(result.nodes.assign(degree=result.nodes["degree"].astype("float64")),
                         "nodes")


@pytest.mark.parametrize("name", sorted(schemas.SCHEMAS))
def test_empty_tables_are_valid(name):
    schemas.validate(schemas.empty(name), name)
