"""The `metadata` field: a JSON object, at most 64 KiB, nested at most 32 levels."""

from __future__ import annotations

import json
import math

import polars as pl

MAX_BYTES = 64 * 1024
MAX_DEPTH = 32


def _depth(text: str) -> int:
    """Deepest nesting of objects/arrays, counted outside strings (no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "}]":
            depth -= 1
    return deepest


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} overflows a double")
    return number


def canonical_metadata(text: str) -> str | None:
    """The metadata as compact JSON, or None when it is not an acceptable JSON object.

    Strict RFC 8259: Python's `NaN` / `Infinity` extensions and numbers that overflow to
    infinity (`1e400`) are refused, and so are escapes of lone surrogates (`"\\ud800"`),
    which no UTF-8 text (nor the store) can hold."""
    if len(text.encode("utf-8")) > MAX_BYTES or _depth(text) > MAX_DEPTH:
        return None
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
        canonical = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        canonical.encode("utf-8")
    except (ValueError, RecursionError):  # UnicodeEncodeError is a ValueError
        return None
    return canonical if isinstance(value, dict) else None


def check_values(values: pl.DataFrame) -> pl.DataFrame:
    """Distinct `value` -> the same frame with `metadata` (null when invalid)."""
    distinct = values.select("value").unique()
    checked = [canonical_metadata(v) for v in distinct.get_column("value")]
    return distinct.with_columns(pl.Series("metadata", checked, dtype=pl.String))
