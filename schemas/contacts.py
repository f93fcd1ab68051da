"""Pandera models: what a clean, decided frame must look like before anything is written."""

from __future__ import annotations

import functools

import polars as pl

from schemas._pandera import pa, without_optional_imports

# What `phonenumbers.format_number(..., E164)` gives: a 1-3 digit country code and a national
# number of up to 17 digits (its MAX_LENGTH_FOR_NSN) - more than the 15 digits of ITU E.164:
# `+49 30 1234567890123` is a possible German number, stored as phonenumbers writes it.
E164 = r"^\+[1-9]\d{1,19}$"
OUTCOMES = ["added", "updated", "skipped_existing", "duplicate_in_file", "rejected"]
REASONS = [
    "missing_key",
    "invalid_phone",
    "invalid_email",
    "invalid_metadata",
    "invalid_country",
    "malformed_row",
    "email_in_use",
    "phone_in_use",
]


class ReportRows(pa.DataFrameModel):
    """rows.parquet: one row per input data row (SPEC section 9), as decided. The fields
    taken from the cells (names, text fields, `variables`, `raw`) are added as the file is
    written (`report.write_rows`)."""

    row: pl.Int64 = pa.Field(ge=1, unique=True)
    outcome: pl.String = pa.Field(isin=OUTCOMES)
    contact_id: pl.Int64 = pa.Field(nullable=True, ge=1)
    phone_number: pl.String = pa.Field(nullable=True, str_matches=E164)
    email: pl.String = pa.Field(nullable=True, str_matches=r"^[^@\sA-Z]+@[^@\sA-Z]+$")
    country: pl.String = pa.Field(nullable=True, str_matches=r"^[A-Z]{2}$")

    @pa.dataframe_check
    @classmethod
    def rejected_rows_have_no_contact(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A contact id exactly on the rows that were not rejected."""
        rejected = pl.col("outcome") == "rejected"
        return data.lazyframe.select(rejected == pl.col("contact_id").is_null())

    class Config:
        strict = False


def validate_report_rows(rows: pl.DataFrame) -> pl.DataFrame:
    """Validate all of the frame's values, collecting every failure (lazy=True)."""
    with without_optional_imports():
        return ReportRows.validate(rows, lazy=True)


@functools.cache
def warm_up() -> None:
    """Pandera builds its check machinery on first use; do that outside the timed import."""
    empty = pl.DataFrame(
        {
            "row": [1],
            "outcome": ["added"],
            "contact_id": [1],
            "phone_number": ["+15551234567"],
            "email": ["a@b.co"],
            "country": ["US"],
        }
    )
    validate_report_rows(empty)
