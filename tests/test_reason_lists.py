"""`transform._reason_lists` (the bit-mask gather) gives what `normalize.reasons` gives."""

from __future__ import annotations

import itertools

import polars as pl

from etl.normalize import reasons
from etl.transform import _reason_lists

CODES = ["missing_key", "invalid_phone", "invalid_email", "invalid_country"]


def test_every_combination_of_flags_and_nulls() -> None:
    combos = list(itertools.product([True, False, None], repeat=len(CODES) + 1))
    frame = pl.DataFrame(
        {f"f{i}": [c[i] for c in combos] for i in range(len(CODES) + 1)},
        schema={f"f{i}": pl.Boolean for i in range(len(CODES) + 1)},
    )
    flags = [(code, pl.col(f"f{i}")) for i, code in enumerate(CODES)]
    malformed = pl.col(f"f{len(CODES)}").fill_null(False)
    expected = frame.select(
        pl.when(malformed).then(pl.lit(["malformed_row"])).otherwise(reasons(flags)).alias("r")
    )
    got = frame.select(_reason_lists(flags, malformed).alias("r"))
    assert got.equals(expected)
    assert got.height == 3 ** (len(CODES) + 1)
    assert ["missing_key", "invalid_email"] in got["r"].to_list()
