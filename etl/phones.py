"""Phone normalization on distinct (value, region) pairs: E.164 or null (SPEC section 5).

Two paths. The fast path is Polars expressions over the whole batch; it decides a value
only when it can prove, step by step against `phonenumbers.parse`, that the oracle gives the
same answer. Every other distinct pair goes once to `oracle_e164` (the SPEC definition).

What the fast path proves (see `parse` in phonenumbers/phonenumberutil.py):
- shape: an optional leading `'`, an optional `+`, then only ASCII digits and ` -.()/`,
  ending with a digit, optionally followed by an extension (`x`, `ext`, `ext.`, `#` and
  1-6 digits). For this shape `_extract_possible_number` only drops the leading junk, the
  extension regex matches exactly the suffix, the rest is viable when it has >= 3 digits,
  and `_normalize` keeps exactly its ASCII digits.
- country code: with `+`, the first 1-3 digit prefix that is a known calling code (no
  retry path: an unknown code falls back). Without `+`, the region's IDD must not match
  (else fallback); digits starting with the region's own code are only decided when that
  length is TOO_LONG for the region (then the code is always split off); otherwise the
  region's code applies.
- national prefix: whenever `national_prefix_for_parsing` could match at the start of the
  national number, the value falls back (we never model prefix stripping).
- acceptance: IS_POSSIBLE depends only on the national number's length, so the accepted
  lengths per calling code come from `is_possible_number_with_reason` itself.
`check='valid'` is not modelled: every pair goes to the oracle.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers
import polars as pl
from phonenumbers import NumberParseException, PhoneMetadata, PhoneNumber, PhoneNumberFormat
from phonenumbers.phonenumberutil import (
    COUNTRY_CODE_TO_REGION_CODE,
    ValidationResult,
    _test_number_length,
    region_code_for_country_code,
)

# Excel's scientific notation (`5.55123E+09`): the digits are already lost.
SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")

# ASCII-only twin of SCIENTIFIC for the fast path (non-ASCII digits go to the oracle).
_SCIENTIFIC_ASCII = r"^[+-]?[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+$"
# The shapes the fast path decides; `[0-9]`, never `\d` (Rust's `\d` is Unicode).
_SHAPE = (
    r"^'?(?P<plus>\+)?(?P<body>[0-9 ()./-]*[0-9])"
    r"(?:[ ]*(?:[xX]|[eE][xX][tT]\.?|#)[ ]*[0-9]{1,6})?$"
)
# phonenumbers rejects inputs longer than this before looking at them.
_MAX_INPUT = 250
# Lengths >= this behave alike in `_test_number_length` (no region has a longer one).
_LENGTH_CAP = 18
# Metadata regexes the fast path evaluates in Polars: digits, classes, groups,
# alternation, quantifiers. Anything else makes the pattern "always matches" (fallback).
_SAFE_PATTERN = re.compile(r"(?:[0-9()?:|\[\]{},*+-]|\\d)+")
# A pattern made of plain digit alternatives is tested with starts_with (cheaper).
_LITERALS = re.compile(r"[0-9]+(?:\|[0-9]+)*")
# Beyond this many distinct prefix patterns in one batch, the rare ones fall back:
# every pattern costs one pass over the batch.
_MAX_PATTERNS = 24


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


# ---------------------------------------------------------------- metadata tables


@dataclass(frozen=True)
class _Tables:
    """Facts read from phonenumbers' metadata once per process."""

    regions: pl.DataFrame  # region, region_cc, idd, npfp_region, too_long
    codes: pl.DataFrame  # cc, npfp_cc, accept
    code_prefixes: tuple[list[str], list[str], list[str]]  # known codes by length 1, 2, 3


def _bits(flags: Iterable[bool]) -> str:
    """Lengths 0.._LENGTH_CAP as a '0'/'1' string, indexable with str.slice in Polars."""
    return "".join("1" if flag else "0" for flag in flags)


def _usable(pattern: str | None) -> str | None:
    """The pattern if the fast path can evaluate it; "" (matches everything) otherwise."""
    if pattern is None or pattern == "":
        return None
    return pattern if _SAFE_PATTERN.fullmatch(pattern) else ""


@functools.cache
def _tables() -> _Tables:
    region_rows = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        meta = PhoneMetadata.metadata_for_region(region)
        too_long = (
            _test_number_length("0" * n, meta) == ValidationResult.TOO_LONG
            for n in range(_LENGTH_CAP + 1)
        )
        region_rows.append(
            {
                "region": region,
                "region_cc": str(meta.country_code),
                "idd": _usable(meta.international_prefix),
                "npfp_region": _usable(meta.national_prefix_for_parsing),
                "too_long": _bits(too_long),
            }
        )
    code_rows = []
    for cc in sorted(COUNTRY_CODE_TO_REGION_CODE):
        meta = PhoneMetadata.metadata_for_region_or_calling_code(
            cc, region_code_for_country_code(cc)
        )
        if meta is None:
            continue
        accept = (
            2 <= n <= 17
            and phonenumbers.is_possible_number_with_reason(
                PhoneNumber(country_code=cc, national_number=int("1" * n))
            )
            == ValidationResult.IS_POSSIBLE
            for n in range(_LENGTH_CAP + 1)
        )
        code_rows.append(
            {
                "cc": str(cc),
                "npfp_cc": _usable(meta.national_prefix_for_parsing),
                "accept": _bits(accept),
            }
        )
    codes = pl.DataFrame(code_rows, schema={"cc": pl.String, "npfp_cc": pl.String, "accept": pl.String})
    known = [c["cc"] for c in code_rows]
    prefixes = ([c for c in known if len(c) == 1], [c for c in known if len(c) == 2], [c for c in known if len(c) == 3])
    regions = pl.DataFrame(
        region_rows,
        schema={
            "region": pl.String,
            "region_cc": pl.String,
            "idd": pl.String,
            "npfp_region": pl.String,
            "too_long": pl.String,
        },
    )
    return _Tables(regions=regions, codes=codes, code_prefixes=prefixes)


# ---------------------------------------------------------------- fast-path expressions


def is_scientific(value: pl.Expr) -> pl.Expr:
    """Excel scientific notation written with ASCII digits (always rejected)."""
    return value.str.contains(_SCIENTIFIC_ASCII)


def shape(value: pl.Expr) -> pl.Expr:
    """Struct `plus`, `body` for the decidable shapes; both fields null otherwise."""
    return value.str.extract_groups(_SHAPE)


def ascii_digits(text: pl.Expr) -> pl.Expr:
    """The ASCII digits of text, in order."""
    return text.str.replace_all("[^0-9]", "")


def leading_country_code(digits: pl.Expr, prefixes: tuple[list[str], list[str], list[str]]) -> pl.Expr:
    """The calling code phonenumbers reads after a `+`: the first 1-3 digit prefix it knows."""
    one, two, three = (digits.str.head(n) for n in (1, 2, 3))
    return (
        pl.when(one.is_in(prefixes[0]))
        .then(one)
        .when(two.is_in(prefixes[1]))
        .then(two)
        .when(three.is_in(prefixes[2]))
        .then(three)
    )


def length_flag(bits: pl.Expr, text: pl.Expr) -> pl.Expr:
    """Whether `bits` (see `_bits`) is set for the length of text."""
    length = pl.min_horizontal(text.str.len_bytes(), pl.lit(_LENGTH_CAP, dtype=pl.UInt32))
    return bits.str.slice(length, 1) == "1"


def starts_with_pattern(text: pl.Expr, pattern: str) -> pl.Expr:
    """Whether `re.match(pattern, text)` finds a match (existence only, so any engine agrees)."""
    if pattern == "":
        return pl.lit(True)
    if _LITERALS.fullmatch(pattern):
        hits = [text.str.starts_with(literal) for literal in pattern.split("|")]
        return pl.any_horizontal(hits)
    return text.str.contains(f"^(?:{pattern})")


def prefix_hit(text: pl.Expr, pattern_col: str, patterns: list[str]) -> pl.Expr:
    """Per row, whether the row's pattern (column `pattern_col`) matches at the start of text.

    `patterns` are the distinct patterns present; rows whose pattern is not among them count
    as a hit (they fall back). Null pattern: no national prefix / no IDD, never a hit.
    """
    column = pl.col(pattern_col)
    expr: pl.Expr = pl.when(column.is_null()).then(pl.lit(False))
    for pattern in patterns:
        expr = expr.when(column == pattern).then(starts_with_pattern(text, pattern))
    return expr.otherwise(pl.lit(True))


def _present_patterns(frame: pl.DataFrame, column: str, mask: str) -> list[str]:
    """The most frequent distinct patterns of `column` among rows where `mask` holds."""
    counts = (
        frame.lazy()
        .filter(pl.col(mask) & pl.col(column).is_not_null())
        .group_by(column)
        .len()
        .sort("len", descending=True)
        .head(_MAX_PATTERNS)
        .collect()
    )
    return counts[column].to_list()


def fast_path(distinct: pl.DataFrame) -> pl.DataFrame:
    """`value`, `region`, `decided` (bool), `e164` for distinct pairs; e164 is only meaningful
    where `decided`."""
    tables = _tables()
    value = pl.col("value")
    parts = shape(value)
    digits = ascii_digits(parts.struct.field("body"))
    staged = (
        distinct.lazy()
        .with_columns(
            parts.struct.field("plus").is_not_null().alias("_plus"),
            digits.alias("_digits"),
            (parts.struct.field("body").is_not_null() & (value.str.len_chars() <= _MAX_INPUT)).alias(
                "_shaped"
            ),
        )
        .join(tables.regions.lazy(), on="region", how="left")
        .with_columns(
            leading_country_code(pl.col("_digits"), tables.code_prefixes).alias("_plus_cc"),
            pl.col("_digits").str.starts_with(pl.col("region_cc")).fill_null(False).alias("_own_cc"),
        )
        .with_columns(
            # Without `+`, digits starting with the region's code lose it only when the
            # whole is TOO_LONG for the region; other lengths depend on pattern matching.
            (
                ~pl.col("_plus")
                & pl.col("_own_cc")
                & length_flag(pl.col("too_long"), pl.col("_digits")).fill_null(False)
            ).alias("_split_own"),
        )
        .with_columns(
            pl.when(pl.col("_plus"))
            .then(pl.col("_plus_cc"))
            .otherwise(pl.col("region_cc"))
            .alias("cc"),
            (pl.col("_plus") | pl.col("_split_own")).alias("_cc_from_number"),
        )
        .with_columns(
            pl.when(pl.col("_cc_from_number"))
            .then(pl.col("_digits").str.slice(pl.col("cc").str.len_bytes()))
            .otherwise(pl.col("_digits"))
            .alias("_national")
        )
        .join(tables.codes.lazy(), on="cc", how="left")
        .with_columns(
            (pl.col("_shaped") & ~pl.col("_plus") & pl.col("region_cc").is_not_null()).alias(
                "_national_form"
            ),
        )
        .collect()
    )
    idd = _present_patterns(staged, "idd", "_national_form")
    npfp_region = _present_patterns(staged, "npfp_region", "_national_form")
    npfp_cc = _present_patterns(staged, "npfp_cc", "_cc_from_number")

    digits_col, national = pl.col("_digits"), pl.col("_national")
    no_plus = ~pl.col("_plus")
    undecidable = (
        ~pl.col("_shaped")
        | (digits_col.str.len_bytes() < 3)
        | (pl.col("_plus") & pl.col("cc").is_null())
        | (no_plus & pl.col("region_cc").is_null())
        | (no_plus & prefix_hit(digits_col, "idd", idd))
        | (no_plus & pl.col("_own_cc") & ~pl.col("_split_own"))
        | (no_plus & prefix_hit(national, "npfp_region", npfp_region))
        | (pl.col("_cc_from_number") & prefix_hit(national, "npfp_cc", npfp_cc))
    ).fill_null(True)
    accepted = length_flag(pl.col("accept"), national).fill_null(False)
    e164 = pl.when(accepted).then(pl.concat_str(pl.lit("+"), pl.col("cc"), national))
    rejected_early = value.is_null() | is_scientific(value)
    return staged.select(
        "value",
        "region",
        (rejected_early | ~undecidable).alias("decided"),
        pl.when(rejected_early).then(pl.lit(None, dtype=pl.String)).otherwise(e164).alias("e164"),
    )


# ---------------------------------------------------------------- entry point


def normalize_pairs(pairs: pl.DataFrame, check: str) -> pl.DataFrame:
    """Distinct `value`, `region` pairs -> the same frame with `e164` (null when rejected).

    The fast path decides what it can prove; each remaining distinct pair is computed once
    by the oracle. No pair is computed by both.
    """
    distinct = pairs.select(pl.col("value").cast(pl.String), pl.col("region").cast(pl.String)).unique()
    if check == "possible":
        fast = fast_path(distinct)
        decided = fast.filter(pl.col("decided")).select("value", "region", "e164")
        rest = fast.filter(~pl.col("decided")).select("value", "region")
    else:
        decided = distinct.clear().with_columns(pl.lit(None, dtype=pl.String).alias("e164"))
        rest = distinct
    e164 = [oracle_e164(v, r, check) for v, r in rest.iter_rows()]
    slow = rest.with_columns(pl.Series("e164", e164, dtype=pl.String))
    return pl.concat([decided, slow])
