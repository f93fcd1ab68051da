"""Unit tests of the pure expressions in etl/normalize.py."""

from __future__ import annotations

import json
import re

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.normalize import (
    collapse_spaces,
    formula_escaped,
    full_name,
    json_object,
    raw_json,
    reasons,
    trimmed,
)


def test_trimmed_makes_empty_cells_missing() -> None:
    frame = pl.DataFrame({"c": ["  a ", "", "   ", None, "\tb\n"]})
    assert frame.select(trimmed("c")).to_series().to_list() == ["a", None, None, None, "b"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab \t\n\u00a0\u2003\r"), max_size=12)))
def test_collapse_spaces_is_every_whitespace_run_made_one_space(values: list[str]) -> None:
    """The pattern that skips single spaces gives what replacing every `\\s+` gives."""
    frame = pl.DataFrame({"c": values}, schema={"c": pl.String})
    got = frame.select(collapse_spaces(pl.col("c"))).to_series().to_list()
    assert got == [re.sub(r"\s+", " ", v) for v in values]


def test_full_name_collapses_and_derives() -> None:
    frame = pl.DataFrame(
        {
            "name": ["Ada   King", None, None, None],
            "first": ["x", "Grace", None, None],
            "last": ["y", "Hopper", "Turing", None],
        }
    )
    out = frame.select(full_name(pl.col("name"), pl.col("first"), pl.col("last")))
    assert out.to_series().to_list() == ["Ada King", "Grace Hopper", "Turing", None]


def test_formula_escaping() -> None:
    cells = ["=1+1", "+49", "-5", "@x", "\tx", "\rx", "plain", None, "a=b"]
    out = pl.DataFrame({"c": cells}).select(formula_escaped(pl.col("c"))).to_series().to_list()
    assert out == ["'=1+1", "'+49", "'-5", "'@x", "'\tx", "'\rx", "plain", None, "a=b"]


def test_reasons_in_order_and_null_safe() -> None:
    frame = pl.DataFrame({"a": [True, False, None], "b": [True, True, False]})
    out = frame.select(reasons([("first", pl.col("a")), ("second", pl.col("b"))]))
    assert out.to_series().to_list() == [["first", "second"], ["second"], []]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(max_size=20), st.one_of(st.none(), st.text(max_size=30))), max_size=5
    )
)
def test_json_object_round_trips_any_text(pairs: list[tuple[str, str | None]]) -> None:
    keys = [f"k{i}_{key}" for i, (key, _) in enumerate(pairs)]
    frame = pl.DataFrame(
        {f"v{i}": [value] for i, (_, value) in enumerate(pairs)},
        schema={f"v{i}": pl.String for i in range(len(pairs))},
    )
    members = [(key, pl.col(f"v{i}")) for i, key in enumerate(keys)]
    text = (frame if pairs else pl.DataFrame({"x": [1]})).select(json_object(members)).item()
    expected = {
        key: value for key, (_, value) in zip(keys, pairs, strict=True) if value is not None
    }
    assert json.loads(text) == expected


def test_raw_json_keeps_spaces_and_empty_cells_as_empty_strings() -> None:
    frame = pl.DataFrame({"c0": [" a "], "c1": [None], "c2": [""]})
    text = frame.select(raw_json([("Phone", "c0"), ("Name", "c1"), ("Note", "c2")])).item()
    assert json.loads(text) == {"Phone": " a ", "Name": "", "Note": ""}
