"""Phone normalization on distinct (value, region) pairs: E.164 or null (SPEC section 5)."""

from __future__ import annotations

import re

import phonenumbers
import polars as pl
from phonenumbers import NumberParseException, PhoneNumberFormat
from phonenumbers.phonenumberutil import ValidationResult

# Excel's scientific notation (`5.55123E+09`): the digits are already lost.
SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")


def oracle_e164(value: str, region: str, check: str = "possible") -> str | None:
    """The SPEC definition, value by value: what `phonenumbers` accepts, as E.164."""
    if SCIENTIFIC.match(value):
        return None
    try:
        number = phonenumbers.parse(value, region)
    except NumberParseException:
        return None
    if check == "valid":
        accepted = phonenumbers.is_valid_number(number)
    else:
        reason = phonenumbers.is_possible_number_with_reason(number)
        accepted = reason == ValidationResult.IS_POSSIBLE
    if not accepted:
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def normalize_pairs(pairs: pl.DataFrame, check: str) -> pl.DataFrame:
    """Distinct `value`, `region` pairs -> the same frame with `e164` (null when rejected)."""
    distinct = pairs.select("value", "region").unique()
    e164 = [oracle_e164(v, r, check) for v, r in distinct.iter_rows()]
    return distinct.with_columns(pl.Series("e164", e164, dtype=pl.String))
