"""Email validation on distinct values: the normalized, lower-cased address or null."""

from __future__ import annotations

import polars as pl
from email_validator import EmailNotValidError, validate_email


def strip_mailto(value: str) -> str:
    """`mailto:a@b.com` -> `a@b.com` (case-insensitive prefix)."""
    return value[7:] if value[:7].lower() == "mailto:" else value


def oracle_email(value: str) -> str | None:
    """The SPEC definition, value by value: email-validator's normalized form, lower-cased."""
    try:
        result = validate_email(strip_mailto(value), check_deliverability=False)
    except EmailNotValidError:
        return None
    return result.normalized.lower()


def normalize_values(values: pl.DataFrame) -> pl.DataFrame:
    """Distinct `value` -> the same frame with `email` (null when invalid)."""
    distinct = values.select("value").unique()
    emails = [oracle_email(v) for v in distinct.get_column("value")]
    return distinct.with_columns(pl.Series("email", emails, dtype=pl.String))
