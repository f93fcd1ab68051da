"""Content detection (SPEC 4.1, point 2): columns whose values are phones or emails.

Only runs for a field no header rule gave a candidate. Cheap by design: a sample of up to
SAMPLE non-empty cells per column, a vectorized shape check first, and phonenumbers /
email-validator only on the distinct values of columns that pass it.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from etl import countries, emails, phones
from etl.columns import Column, ColumnPlan, match_words
from etl.extract import RawTable
from etl.memo import OracleMemo
from etl.normalize import split_values, trimmed

SAMPLE = 1_000
# The sample is taken from a column's first FILLED cells (not null; trimmed, some may be
# empty), so that a long or wide file is not trimmed whole: 195 columns of 50k rows took
# 0.28 s, 0.10 s this way.
FILLED = 2 * SAMPLE
THRESHOLD = 0.9
# A header that names a phone only when the column holds phones (`Particular`): at least
# this share of its sampled cells must look like one.
CONFIRM_THRESHOLD = 0.5

# A phone as people write it: digits and the usual punctuation, an optional extension,
# Apollo's leading `'`, a `tel:` URI; at least 7 digits; never a date.
_PHONE_SHAPE = r"(?i)^'?(?:tel:)?\+?[\d\s().\-/]+(?:\s*(?:x|ext\.?|extension|#)\s*\d{1,6})?$"
_DATE_SHAPE = r"^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})(?:[ T].*)?$"
_LINKEDIN_SHAPE = r"(?i)^(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/(?:in|pub)/"


def sample_values(frame: pl.DataFrame, column: Column, country: Column | None) -> pl.DataFrame:
    """Up to SAMPLE non-empty cells of a column among its first FILLED ones, one row per
    value of a ` ::: ` cell: `cell` (sample index), `value`, `country_value` (the row's
    country cell, or null)."""
    cell = trimmed(RawTable.cell(column.index))
    country_cell = (
        trimmed(RawTable.cell(country.index))
        if country is not None
        else pl.lit(None, dtype=pl.String)
    )
    return (
        frame.lazy()
        .filter(pl.col(RawTable.cell(column.index)).is_not_null())
        .head(FILLED)
        .select(cell.alias("value"), country_cell.alias("country_value"))
        .filter(pl.col("value").is_not_null())
        .head(SAMPLE)
        .with_row_index("cell")
        .with_columns(split_values(pl.col("value")).alias("value"))
        .explode("value")
        .with_columns(pl.col("value").str.strip_chars())
        .filter(pl.col("value").str.len_bytes() > 0)
        .collect()
    )


def _cell_share(sample: pl.DataFrame, accepted: pl.Expr) -> float | None:
    """Share of sampled cells with at least one value for which `accepted` holds."""
    if sample.height == 0:
        return None
    per_cell = sample.group_by("cell").agg(accepted.fill_null(False).any().alias("ok"))
    return float(per_cell.select(pl.col("ok").cast(pl.Float64).mean()).item() or 0.0)


def _looks(value: pl.Expr, field_name: str) -> pl.Expr:
    """Whether a value looks like the field: a cheap, vectorized check before any parsing."""
    if field_name == "phone_number":
        return (
            value.str.contains(_PHONE_SHAPE)
            & (value.str.count_matches(r"\d") >= 7)
            & ~value.str.contains(_DATE_SHAPE)
        )
    if field_name == "email":
        return value.str.contains(r"^\S+@\S+\.\S+$")
    return value.str.contains(_LINKEDIN_SHAPE)


def shape_shares(
    frame: pl.DataFrame, columns: list[Column], field_name: str
) -> dict[int, float | None]:
    """Column index -> share of its sampled cells (as `sample_values` takes them) holding
    a value that looks like the field (None when empty); all columns in one pass."""
    if not columns:
        return {}
    exprs = []
    for column in columns:
        filled = pl.col(RawTable.cell(column.index)).drop_nulls().head(FILLED).str.strip_chars()
        cells = filled.filter(filled.str.len_bytes() > 0).head(SAMPLE)
        value = pl.element().str.strip_chars()
        looks = split_values(cells).list.eval(_looks(value, field_name)).list.any()
        exprs.append(looks.cast(pl.Float64).mean().alias(str(column.index)))
    row = frame.select(exprs).row(0, named=True)
    return {column.index: row[str(column.index)] for column in columns}


def accepted_share(
    sample: pl.DataFrame, field_name: str, *, region: str, phone_check: str, memo: OracleMemo
) -> float | None:
    """Share of sampled cells the import would accept (None when the sample is empty).
    Only distinct values are parsed; phones in the row's country when it resolves, else
    in the default region, as import does."""
    if sample.height == 0:
        return None
    if field_name == "email":
        decided = emails.normalize_values(sample.select("value"), memo)
        joined = sample.join(decided, on="value", how="left")
        return _cell_share(joined, pl.col("email").is_not_null())
    sample = sample.with_columns(pl.lit(None, dtype=pl.String).alias("country"))
    present = sample.filter(pl.col("country_value").is_not_null())
    if present.height:
        resolved = countries.resolve_values(present.select(pl.col("country_value").alias("value")))
        sample = sample.drop("country").join(
            resolved.rename({"value": "country_value"}), on="country_value", how="left"
        )
    pairs = sample.with_columns(pl.coalesce("country", pl.lit(region)).alias("region"))
    decided = phones.normalize_pairs(pairs.select("value", "region"), phone_check, memo)
    joined = pairs.join(decided, on=["value", "region"], how="left")
    return _cell_share(joined, pl.col("e164").is_not_null())


def open_columns(plan: ColumnPlan) -> list[Column]:
    """Columns no header rule resolved and none excluded: the ones content may claim."""
    return [
        c
        for c in plan.columns
        if c.how is None
        and not c.mapped
        and c.note is None
        and c.header
        and match_words(c.header).content_ok
    ]


def confirm_headers(table: RawTable, plan: ColumnPlan) -> ColumnPlan:
    """Header-word candidates that count only if their values fit (Spanish Outlook's home
    phone `Particular`, which is Brazilian Outlook's private flag): a column whose sampled
    cells mostly do not look like the field is a variable again (an empty one stays)."""
    pending = [c for c in plan.columns if c.confirm and c.how == "words" and c.target]
    for field_name in {c.target for c in pending if c.target}:
        columns = [c for c in pending if c.target == field_name]
        shares = shape_shares(table.frame, columns, field_name)
        for column in columns:
            share = shares[column.index]
            if share is None or share >= CONFIRM_THRESHOLD:
                continue
            warnings = [
                *plan.warnings,
                f"column {column.header!r} holds no {field_name} values "
                f"({share:.0%} look like one); kept as variable {column.variable!r}",
            ]
            plan = plan.with_column(
                replace(
                    column,
                    target=column.variable,
                    how=None,
                    priority=0,
                    confirm=False,
                    note=f"holds no {field_name} values",
                )
            )
            plan.warnings = warnings
    return plan


def detect_content(
    table: RawTable,
    plan: ColumnPlan,
    *,
    region: str,
    phone_check: str,
    memo: OracleMemo | None = None,
) -> ColumnPlan:
    """Phone and email candidates by content, for a field without any header candidate;
    LinkedIn profile URLs too when no header named them. Each decision is a warning.
    Header-word candidates that need their values to fit are confirmed first."""
    plan = confirm_headers(table, plan)
    country, memo = plan.field_column("country"), memo or OracleMemo()
    for field_name in ("phone_number", "email", "linkedin_profile"):
        if field_name == "linkedin_profile":
            if plan.field_column(field_name) is not None:
                continue
        elif plan.candidates(field_name):
            continue
        shapes = shape_shares(table.frame, open_columns(plan), field_name)
        for column in open_columns(plan):
            if (shapes.get(column.index) or 0.0) < THRESHOLD:
                continue
            sample = sample_values(table.frame, column, country)
            share = (
                accepted_share(
                    sample, field_name, region=region, phone_check=phone_check, memo=memo
                )
                if field_name != "linkedin_profile"
                else shapes[column.index]
            ) or 0.0
            if share < THRESHOLD:
                continue
            warnings = [
                *plan.warnings,
                f"column {column.header!r} resolved to {field_name} by its content "
                f"({share:.0%} of {sample.get_column('cell').n_unique()} sampled values accepted)",
            ]
            plan = plan.with_column(replace(column, target=field_name, how="content", priority=3))
            plan.warnings = warnings
            if field_name == "linkedin_profile":
                break
    return plan
