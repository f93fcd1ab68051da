"""Pure Polars expressions for cell values: trimming, names, JSON objects, reasons."""

from __future__ import annotations

import polars as pl

MULTI_VALUE_SEPARATOR = " ::: "  # Google Contacts joins several values of one cell so


def trimmed(name: str) -> pl.Expr:
    """The cell trimmed; an empty cell is missing (null)."""
    value = pl.col(name).str.strip_chars()
    return pl.when(value.str.len_bytes() > 0).then(value)


def collapse_spaces(expr: pl.Expr) -> pl.Expr:
    """Runs of whitespace become one space. The pattern matches only the runs that are not
    already one space (a space followed by more whitespace, or any other whitespace): the
    result is that of replacing every `\\s+`, with fewer replacements to make."""
    return expr.str.replace_all(r" \s+|[\s&&[^ ]]\s*", " ")


def full_name(name: pl.Expr, first: pl.Expr, last: pl.Expr) -> pl.Expr:
    """`name` with whitespace collapsed; when missing, first and last joined by one space."""
    joined = pl.concat_str([first, last], separator=" ", ignore_nulls=True)
    derived = pl.when(first.is_not_null() | last.is_not_null()).then(joined)
    return collapse_spaces(pl.coalesce(name, derived))  # one regex pass, not one per branch


def json_member(key: str, value: pl.Expr) -> pl.Expr:
    """`"key":"value"` with JSON escaping, or null when the value is null."""
    encoded = pl.struct(value.alias(key)).struct.json_encode()
    member = encoded.str.strip_prefix("{").str.strip_suffix("}")
    return pl.when(value.is_not_null()).then(member)


def json_object(members: list[tuple[str, pl.Expr]]) -> pl.Expr:
    """A JSON object string of the non-null (key, value) pairs, in order."""
    if not members:
        return pl.lit("{}")
    body = pl.concat_str(
        [json_member(key, value) for key, value in members], separator=",", ignore_nulls=True
    )
    return pl.lit("{") + body.fill_null("") + pl.lit("}")


def raw_json(columns: list[tuple[str, str]]) -> pl.Expr:
    """The original cells (untrimmed) as a JSON object keyed by header. An empty cell is `""`
    whether it was quoted or not, and so is a cell a short row left out (read as empty)."""
    if not columns:
        return pl.lit("{}")
    cells = [pl.col(name).fill_null("").alias(header) for header, name in columns]
    return pl.struct(cells).struct.json_encode()


def reasons(flags: list[tuple[str, pl.Expr]]) -> pl.Expr:
    """The list of reason codes whose condition holds, in the given order."""
    if not flags:
        return pl.lit([], dtype=pl.List(pl.String))
    codes = [pl.when(cond.fill_null(False)).then(pl.lit(code)) for code, cond in flags]
    return pl.concat_list(codes).list.drop_nulls()


def split_values(expr: pl.Expr) -> pl.Expr:
    """A cell of several ` ::: `-joined values as a list of trimmed values."""
    return expr.str.split(MULTI_VALUE_SEPARATOR)


def formula_escaped(expr: pl.Expr) -> pl.Expr:
    """Cells starting with = + - @ tab or CR get a leading `'` (spreadsheet formula injection)."""
    risky = expr.str.contains(r"^[=+\-@\t\r]")
    return pl.when(risky.fill_null(False)).then(pl.lit("'") + expr).otherwise(expr)
