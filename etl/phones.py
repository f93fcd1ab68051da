"""Phone normalization on distinct (value, region) pairs: E.164 or null (SPEC section 5).

Two paths. The fast path is Polars expressions over the whole batch; it decides a value
only when it can prove, step by step against `phonenumbers.parse`, that the oracle gives the
same answer. Every other distinct pair goes once to `oracle_e164` (the SPEC definition).

What the fast path proves (see `parse` in phonenumbers/phonenumberutil.py):
- shape: an optional leading `'`, an optional `+`, then only ASCII digits and ` -.()/`,
  ending with a digit, at most 250 characters in all. For this shape
  `_extract_possible_number` only drops the leading junk, the number is viable when it has
  >= 3 digits, and `_normalize` keeps exactly its ASCII digits. Undecided values are read
  a second time without an extension (`x`, `ext`, `ext.`, `#`, then 1-6 digits): at that
  spot `_EXTN_PATTERN` matches exactly that suffix, and E.164 drops it.
- country code: with `+`, the first 1-3 digit prefix that is a known calling code (no
  retry path: an unknown code falls back). Without `+`, a single-literal IDD of the region
  (00, 011, 810) not followed by 0 is stripped and the number goes the `+` way; any other
  IDD match falls back. Digits starting with the region's own code are only decided when
  that length is TOO_LONG for the region (then the code is always split off); otherwise
  the region's code applies.
- national prefix: a literal trunk prefix (0, 8, ...) without transform rule is modelled
  like `_maybe_strip_national_prefix_carrier_code` + step 11 of `parse`, with the region's
  general pattern as a full-match regex (only whether it matches counts, so Python's and
  Polars' engines agree). Any other prefix pattern that could match falls back.
- acceptance: IS_POSSIBLE depends only on the national number's length, so the accepted
  lengths per calling code come from `is_possible_number_with_reason` itself.
`check='valid'` is modelled for the numbers the fast path parsed and found possible, by
calling code (etl/validity.py); every other pair goes to the oracle.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import phonenumbers
import polars as pl
from phonenumbers import NumberParseException, PhoneMetadata, PhoneNumber, PhoneNumberFormat
from phonenumbers.phonenumberutil import (
    COUNTRY_CODE_TO_REGION_CODE,
    ValidationResult,
    _test_number_length,
    region_code_for_country_code,
)

from etl import validity
from etl.memo import OracleMemo

# Excel's scientific notation (`5.55123E+09`): the digits are already lost.
SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")

# ASCII-only twin of SCIENTIFIC for the fast path (non-ASCII digits go to the oracle).
_SCIENTIFIC_ASCII = r"^[+-]?[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+$"
# The shapes the fast path decides; `[0-9]`, never `\d` (Rust's `\d` is Unicode).
# `(?-u)`: byte classes, a little faster, same answers for the ASCII-only classes here.
_CORE = r"(?-u)^'?\+?[0-9 ()./-]*[0-9]$"
# A core-shaped number followed by an extension phonenumbers' _EXTN_PATTERN recognises
# at exactly that spot (and whose digits it drops from E.164).
_WITH_EXTENSION = r"^('?\+?[0-9 ()./-]*[0-9])[ ]*(?:[xX]|[eE][xX][tT]\.?|#)[ ]*[0-9]{1,6}$"
# What `_normalize` drops from a core-shaped value (the `+` is kept as a marker).
_DROPPED = ["'", " ", "-", ".", "(", ")", "/"]
# phonenumbers rejects inputs longer than this before looking at them.
_MAX_INPUT = 250
# Lengths >= this behave alike in `_test_number_length` (no region has a longer one).
_LENGTH_CAP = 18
# Metadata regexes the fast path evaluates in Polars: digits, classes, groups,
# alternation, quantifiers, `$`. Anything else counts as "always matches" (fallback).
_SAFE_PATTERN = re.compile(r"(?:[0-9()?:|\[\]{},*+$-]|\\d)+")
# A pattern made of plain digit alternatives is tested with starts_with (cheaper).
_LITERALS = re.compile(r"[0-9]+(?:\|[0-9]+)*")
# Every distinct national-prefix pattern among the `+` numbers of a batch costs one pass
# over them; beyond this many, the rest fall back (metadata 9.0 has 24 in all).
_MAX_PATTERNS = 32


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


# ---------------------------------------------------------------- metadata facts


@dataclass(frozen=True)
class RegionFacts:
    """What the fast path needs about one region, read from phonenumbers' metadata."""

    cc: str  # the region's calling code
    idd: str | None  # international_prefix ("" = not evaluable: always counts as a match)
    npfp: str | None  # the region's national_prefix_for_parsing (same convention)
    npfp_cc: str | None  # national_prefix_for_parsing of the calling code's main region
    too_long: frozenset[int]  # digit counts that are TOO_LONG for the region (< _LENGTH_CAP)
    too_long_from_cap: bool  # whether counts >= _LENGTH_CAP are TOO_LONG too
    accept: frozenset[int]  # national lengths IS_POSSIBLE for the calling code
    # National prefix stripping, modelled when the prefix is literal digits (first of the
    # alternatives), there is no transform rule and the general pattern is evaluable:
    strip: str | None = None  # the literal prefix phonenumbers may strip
    other_prefixes: tuple[str, ...] = ()  # later alternatives (values starting so fall back)
    general: str | None = None  # general_desc.national_number_pattern (full match)
    usable_after_strip: frozenset[int] = frozenset()  # lengths step 11 keeps once stripped


def _bits(flags: Iterable[bool]) -> str:
    """Lengths 0.._LENGTH_CAP as a '0'/'1' string, indexable with str.slice in Polars."""
    return "".join("1" if flag else "0" for flag in flags)


def _usable(pattern: str | None) -> str | None:
    """The pattern if the fast path can evaluate it; "" (matches everything) otherwise."""
    if pattern is None or pattern == "":
        return None
    return pattern if _SAFE_PATTERN.fullmatch(pattern) else ""


# Facts are read lazily, per region and per calling code: loading all of phonenumbers'
# metadata costs ~80 ms, more than a whole 50,000-row batch.


@functools.cache
def accepted_lengths(cc: int) -> frozenset[int]:
    """National lengths for which `is_possible_number_with_reason` says IS_POSSIBLE."""
    return frozenset(
        n
        for n in range(2, _LENGTH_CAP)
        if phonenumbers.is_possible_number_with_reason(
            PhoneNumber(country_code=cc, national_number=int("1" * n))
        )
        == ValidationResult.IS_POSSIBLE
    )


def _main_metadata(cc: int) -> PhoneMetadata | None:
    return PhoneMetadata.metadata_for_region_or_calling_code(cc, region_code_for_country_code(cc))


def _strip_facts(meta: PhoneMetadata) -> dict[str, Any]:
    """The RegionFacts fields for modelling `_maybe_strip_national_prefix_carrier_code`."""
    npfp = meta.national_prefix_for_parsing
    general = meta.general_desc.national_number_pattern if meta.general_desc else None
    if (
        not npfp
        or not _LITERALS.fullmatch(npfp)
        or meta.national_prefix_transform_rule
        or not general
        or _usable(general) in (None, "")
        or not validity.polars_compiles(general)
        or npfp.split("|")[0].startswith(str(meta.country_code))  # own-code rows fall back
    ):
        return {}
    kept = {
        n
        for n in range(_LENGTH_CAP + 1)
        if _test_number_length("0" * n, meta)
        not in (
            ValidationResult.TOO_SHORT,
            ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
            ValidationResult.INVALID_LENGTH,
        )
    }
    first, *others = npfp.split("|")
    return {
        "strip": first,
        "other_prefixes": tuple(others),
        "general": general,
        "usable_after_strip": frozenset(kept),
    }


@functools.cache
def region_facts(region: str) -> RegionFacts | None:
    """The facts for a region phonenumbers supports (exact code, e.g. "US"), else None."""
    if region not in phonenumbers.SUPPORTED_REGIONS:
        return None
    meta = PhoneMetadata.metadata_for_region(region)
    if meta is None or meta.country_code is None:
        return None
    main = _main_metadata(meta.country_code)
    too_long = {
        n
        for n in range(_LENGTH_CAP + 1)
        if _test_number_length("0" * n, meta) == ValidationResult.TOO_LONG
    }
    return RegionFacts(
        **_strip_facts(meta),
        cc=str(meta.country_code),
        idd=_usable(meta.international_prefix),
        npfp=_usable(meta.national_prefix_for_parsing),
        npfp_cc=_usable(main.national_prefix_for_parsing) if main else "",
        too_long=frozenset(n for n in too_long if n < _LENGTH_CAP),
        too_long_from_cap=_LENGTH_CAP in too_long,
        accept=accepted_lengths(meta.country_code),
    )


@functools.cache
def code_facts(cc: str) -> tuple[str | None, str]:
    """(national_prefix_for_parsing of the code's main region, accepted-length bits)."""
    meta = _main_metadata(int(cc))
    if meta is None:  # not evaluable: the `+` numbers with this code fall back
        return "", _bits(False for _ in range(_LENGTH_CAP + 1))
    accept = accepted_lengths(int(cc))
    return _usable(meta.national_prefix_for_parsing), _bits(
        n in accept for n in range(_LENGTH_CAP + 1)
    )


@functools.cache
def code_prefixes() -> tuple[list[str], list[str], list[str]]:
    """Known calling codes by length 1, 2, 3 (no metadata needed)."""
    codes = sorted(str(cc) for cc in COUNTRY_CODE_TO_REGION_CODE)
    return tuple([c for c in codes if len(c) == size] for size in (1, 2, 3))  # type: ignore[return-value]


# ---------------------------------------------------------------- fast-path expressions


def is_scientific(value: pl.Expr) -> pl.Expr:
    """Excel scientific notation written with ASCII digits (always rejected)."""
    return value.str.contains(_SCIENTIFIC_ASCII)


def has_core_shape(number: pl.Expr) -> pl.Expr:
    """Optional `'`, optional `+`, then ASCII digits and ` -.()/`, a digit last."""
    return number.str.contains(_CORE)


def short_enough(value: pl.Expr) -> pl.Expr:
    """phonenumbers refuses the whole input (extension included) beyond 250 characters."""
    # bytes == characters here: the fast path only decides ASCII values
    return value.str.len_bytes() <= _MAX_INPUT


def plus_and_digits(value: pl.Expr) -> pl.Expr:
    """For core-shaped values: `+` (when present) followed by the ASCII digits."""
    return value.str.replace_many(_DROPPED, [""] * len(_DROPPED))


def extension_stripped(value: pl.Expr) -> pl.Expr:
    """The number before a recognised extension (`x12`, `ext. 12`, `#12`), else null."""
    return value.str.extract(_WITH_EXTENSION, 1)


def starts_with_pattern(text: pl.Expr, pattern: str | None, skip: str = "") -> pl.Expr:
    """Whether text starts with `skip` and then `re.match(pattern, rest)` finds a match.

    Only the existence of a match matters, so Python's and Polars' engines agree. A null
    pattern never matches; "" (not evaluable) always does.
    """
    if pattern is None:
        return pl.lit(False)
    if pattern == "" or not validity.polars_compiles(pattern):
        return pl.lit(True)
    if _LITERALS.fullmatch(pattern):
        return pl.any_horizontal([text.str.starts_with(skip + alt) for alt in pattern.split("|")])
    return text.str.contains(f"^{skip}(?:{pattern})")


def leading_country_code(
    digits: pl.Expr, prefixes: tuple[list[str], list[str], list[str]]
) -> pl.Expr:
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


def length_flag(bits: pl.Expr, length: pl.Expr) -> pl.Expr:
    """Whether `bits` (see `_bits`) is set for length (lengths >= the cap: never)."""
    return (length < _LENGTH_CAP) & (bits.str.slice(length, 1) == "1")


def _length_in(length: pl.Expr, lengths: frozenset[int], *, up_from_cap: bool) -> pl.Expr:
    """length in `lengths` (or >= _LENGTH_CAP when `up_from_cap`), as cheap comparisons."""
    members = sorted(lengths)
    if up_from_cap:
        if not members or members != list(range(members[0], _LENGTH_CAP)):
            return length.is_in(members) | (length >= _LENGTH_CAP)
        return length >= members[0] if members else length >= _LENGTH_CAP
    if len(members) == 1:
        return length == members[0]
    if members and members == list(range(members[0], members[-1] + 1)):
        return length.is_between(members[0], members[-1])
    return length.is_in(members)


def national_decision(digits: pl.Expr, facts: RegionFacts) -> tuple[pl.Expr, pl.Expr]:
    """(undecidable, e164) for `+`-less digits parsed with the region of `facts`.

    Mirrors `_maybe_extract_country_code` (IDD, then the region's own code) and the
    national-prefix step of `parse`; any case that would need their regexes falls back.
    """
    count = digits.str.len_bytes()
    own_code = digits.str.starts_with(facts.cc)
    split = own_code & _length_in(count, facts.too_long, up_from_cap=facts.too_long_from_cap)
    # phonenumbers then always splits the code off
    national_length = count - split.cast(pl.UInt32) * len(facts.cc)
    npfp_hit = (
        pl.when(split)
        .then(starts_with_pattern(digits, facts.npfp, skip=facts.cc))
        .otherwise(starts_with_pattern(digits, facts.npfp))
    )
    if facts.npfp_cc != facts.npfp:  # after the split, the code's main region strips too
        npfp_hit = npfp_hit | (split & starts_with_pattern(digits, facts.npfp_cc, skip=facts.cc))
    undecidable = (
        (count < 3) | starts_with_pattern(digits, facts.idd) | (own_code & ~split) | npfp_hit
    )
    prefix = pl.when(split).then(pl.lit("+")).otherwise(pl.lit("+" + facts.cc))
    national = digits
    if facts.strip is not None and facts.general is not None:
        strip, national_length, national, npfp_hit = _national_prefix(
            digits, count, facts.strip, facts.other_prefixes, facts.general, facts
        )
        national_length = pl.when(split).then(count - len(facts.cc)).otherwise(national_length)
        national = pl.when(split).then(digits).otherwise(national)
        npfp_hit = (
            pl.when(split)
            .then(starts_with_pattern(digits, facts.npfp, skip=facts.cc))
            .otherwise(npfp_hit)
        )
        if facts.npfp_cc != facts.npfp:
            npfp_hit = npfp_hit | (
                split & starts_with_pattern(digits, facts.npfp_cc, skip=facts.cc)
            )
        undecidable = (
            (count < 3) | starts_with_pattern(digits, facts.idd) | (own_code & ~split) | npfp_hit
        )
    accepted = _length_in(national_length, facts.accept, up_from_cap=False)
    return undecidable, pl.when(accepted).then(pl.concat_str(prefix, national))


def _national_prefix(
    digits: pl.Expr,
    count: pl.Expr,
    prefix: str,
    others: tuple[str, ...],
    general: str,
    facts: RegionFacts,
) -> tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """(stripped?, national length, national number, fallback?) for the step of `parse`
    that strips a literal national prefix: phonenumbers strips it unless the whole number
    fits the general pattern and the rest does not, and keeps the result only when its
    length is not TOO_SHORT, LOCAL_ONLY or INVALID_LENGTH for the region."""
    rest = digits.str.slice(len(prefix))
    fits = f"^(?:{general})$"
    starts = digits.str.starts_with(prefix)
    keep_whole = digits.str.contains(fits) & ~rest.str.contains(fits)
    stripped = (
        starts
        & ~keep_whole
        & _length_in(count - len(prefix), facts.usable_after_strip, up_from_cap=False)
    )
    other = pl.any_horizontal([digits.str.starts_with(alt) for alt in others]) if others else None
    fallback = (other & ~starts) if other is not None else pl.lit(False)
    length = pl.when(stripped).then(count - len(prefix)).otherwise(count)
    return stripped, length, pl.when(stripped).then(rest).otherwise(digits), fallback


def _present(frame: pl.DataFrame, column: str, limit: int | None = _MAX_PATTERNS) -> list[str]:
    """The distinct non-null values of `column` (at most `limit`, in a fixed order)."""
    return sorted(frame[column].drop_nulls().unique().to_list())[:limit]


def pattern_hit(text: pl.Expr, pattern_col: str, patterns: list[str]) -> pl.Expr:
    """Per row, whether the row's own pattern (column `pattern_col`) matches at text's start.

    Rows whose pattern is not in `patterns` count as a hit (they fall back).
    """
    column = pl.col(pattern_col)
    hit: pl.Expr = pl.lit(True)
    for pattern in reversed(patterns):
        hit = pl.when(column == pattern).then(starts_with_pattern(text, pattern)).otherwise(hit)
    return pl.when(column.is_null()).then(pl.lit(False)).otherwise(hit)


@functools.cache
def _international_code() -> pl.Expr:
    return leading_country_code(pl.col("_digits").str.slice(1), code_prefixes()).alias("cc")


def _code_fact_columns(codes: list[str]) -> list[pl.Expr]:
    """`npfp_cc` and `accept` for the calling codes present in a batch."""
    facts = {cc: code_facts(cc) for cc in codes}
    npfp = {cc: fact[0] for cc, fact in facts.items()}
    accept = {cc: fact[1] for cc, fact in facts.items()}
    cc = pl.col("cc")
    return [
        cc.replace_strict(npfp, default=None, return_dtype=pl.String).alias("npfp_cc"),
        cc.replace_strict(accept, default=None, return_dtype=pl.String).alias("accept"),
    ]


@functools.cache
def _international_outputs(patterns: tuple[str, ...]) -> tuple[pl.Expr, ...]:
    digits = pl.col("_digits").str.slice(1)
    national = digits.str.slice(pl.col("cc").str.len_bytes())
    undecidable = (
        (digits.str.len_bytes() < 3)
        | pl.col("cc").is_null()
        | pattern_hit(national, "npfp_cc", list(patterns))
    )
    accepted = length_flag(pl.col("accept"), national.str.len_bytes())
    return (
        pl.col("value"),
        pl.col("region"),
        ~undecidable.fill_null(True).alias("decided"),
        pl.when(accepted.fill_null(False)).then(pl.col("_digits")).alias("e164"),
    )


def _decide_international(part: pl.DataFrame) -> pl.DataFrame:
    """`+` numbers: the region plays no part (no IDD, code from the number)."""
    staged = part.with_columns(_international_code())
    staged = staged.with_columns(_code_fact_columns(_present(staged, "cc", limit=None)))
    return staged.select(_international_outputs(tuple(_present(staged, "npfp_cc"))))


@functools.cache
def _national_outputs(facts: RegionFacts) -> tuple[pl.Expr, ...]:
    undecidable, e164 = national_decision(pl.col("_digits"), facts)
    return (
        pl.col("value"),
        pl.col("region"),
        ~undecidable.fill_null(True).alias("decided"),
        e164.alias("e164"),
    )


def _decide_national(part: pl.DataFrame, facts: RegionFacts) -> pl.DataFrame:
    return part.select(_national_outputs(facts))


def _undecided(part: pl.DataFrame) -> pl.DataFrame:
    return part.select(
        "value",
        "region",
        pl.lit(False).alias("decided"),
        pl.lit(None, dtype=pl.String).alias("e164"),
    )


@functools.cache
def _stage_columns() -> tuple[pl.Expr, ...]:
    number = pl.col("_number")
    return (
        plus_and_digits(number).alias("_digits"),
        (has_core_shape(number) & short_enough(pl.col("value"))).fill_null(False).alias("_core"),
    )


def _via_idd(part: pl.DataFrame, facts: RegionFacts) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows dialled with the region's IDD, rewritten as `+` numbers; the other rows).

    `_parse_prefix_as_idd` strips a matching IDD unless the next digit is 0, and then
    `parse` goes exactly the way it goes for a leading `+` (code from the number, the
    code's main region). Only single-literal IDDs ("00", "011", "810") are taken.
    """
    if facts.idd is None or not facts.idd.isdigit():
        return part.clear(), part
    digits, size = pl.col("_digits"), len(facts.idd)
    if not part["_digits"].str.starts_with(facts.idd).any():  # the usual case: skip 2 filters
        return part.clear(), part
    dialled = digits.str.starts_with(facts.idd) & ~digits.str.slice(size).str.starts_with("0")
    rewritten = part.filter(dialled).with_columns(
        pl.concat_str(pl.lit("+"), digits.str.slice(size)).alias("_digits")
    )
    return rewritten, part.filter(~dialled)


def _decide_shapes(frame: pl.DataFrame) -> pl.DataFrame:
    """`value`, `region`, `decided`, `e164` judging the text in `_number`.

    Rows are split by what decides them: `+` numbers together, the others by region, so
    every region's patterns are literals in its own expressions.
    """
    staged = frame.with_columns(_stage_columns())
    core, plus = pl.col("_core"), pl.col("_digits").str.starts_with("+")
    outcomes = [_undecided(staged.filter(~core | (~plus & pl.col("region").is_null())))]
    international = [staged.filter(core & plus)]
    national = staged.filter(core & ~plus & pl.col("region").is_not_null())
    regions = national["region"].unique().to_list()
    parts = national.partition_by("region", as_dict=True) if len(regions) > 1 else {}
    for region in regions:
        part = parts[(region,)] if parts else national
        facts = region_facts(region)
        if facts is None:
            outcomes.append(_undecided(part))
            continue
        dialled, part = _via_idd(part, facts)
        international.append(dialled)
        outcomes.append(_decide_national(part, facts))
    outcomes.append(_decide_international(pl.concat(international)))
    return pl.concat(outcomes)


def fast_path(distinct: pl.DataFrame) -> pl.DataFrame:
    """`value`, `region`, `decided`, `e164` for distinct pairs (`e164` only where decided).

    Core shapes first; what stays undecided is re-read once without its extension, and
    Excel's scientific notation is rejected outright.
    """
    value = pl.col("value")
    first = _decide_shapes(distinct.with_columns(value.alias("_number")))
    done = first.filter(pl.col("decided"))
    rest = first.filter(~pl.col("decided")).select("value", "region")
    rest = rest.with_columns(extension_stripped(value).alias("_number"))
    if rest["_number"].null_count() == rest.height:  # no extension: nothing to re-read
        second = _undecided(rest)
    else:
        second = _decide_shapes(rest)
    rejected = value.is_null() | is_scientific(value).fill_null(False)
    second = second.with_columns(
        (pl.col("decided") | rejected).alias("decided"),
        pl.when(~rejected).then(pl.col("e164")).alias("e164"),
    )
    return pl.concat([done, second])


def _valid_check(fast: pl.DataFrame) -> pl.DataFrame:
    """`fast_path`'s answers turned into check='valid' ones. A number it found possible
    has a known calling code and national significant number (E.164 is `+`, the code, the
    number): `validity.valid_national` decides it when its code is modelled. Every other
    pair is left to the oracle (a number that is not possible may still be valid)."""
    possible = (pl.col("decided") & pl.col("e164").is_not_null()).alias("_possible")
    staged = fast.with_columns(
        possible, leading_country_code(pl.col("e164").str.slice(1), code_prefixes()).alias("cc")
    )
    parts = [staged.filter(~pl.col("_possible")).with_columns(pl.lit(False).alias("decided"))]
    for (cc,), numbers in staged.filter("_possible").partition_by("cc", as_dict=True).items():
        if cc is None or not validity.modelled(int(cc)):
            parts.append(numbers.with_columns(pl.lit(False).alias("decided")))
            continue
        numbers = numbers.with_columns(pl.col("e164").str.slice(1 + len(cc)).alias("_nsn"))
        valid = validity.valid_national(numbers, int(cc))
        parts.append(numbers.with_columns(pl.when(valid).then(pl.col("e164")).alias("e164")))
    return pl.concat([part.select(fast.columns) for part in parts])


# ---------------------------------------------------------------- entry point


def normalize_pairs(
    pairs: pl.DataFrame, check: str, memo: OracleMemo | None = None
) -> pl.DataFrame:
    """Distinct `value`, `region` pairs -> the same frame with `e164` (null when rejected).

    The fast path decides what it can prove; each remaining distinct pair is computed once
    by the oracle. No pair is computed by both; `memo` keeps the
    oracle's answers across calls.
    """
    distinct = pairs.select(
        pl.col("value").cast(pl.String), pl.col("region").cast(pl.String)
    ).unique()
    fast = fast_path(distinct)
    if check == "valid":
        fast = _valid_check(fast)
    decided = fast.filter(pl.col("decided")).select("value", "region", "e164")
    rest = fast.filter(~pl.col("decided")).select("value", "region")
    questions = [(value, region, check) for value, region in rest.iter_rows()]
    e164 = (memo or OracleMemo()).answers(oracle_e164, questions)
    slow = rest.with_columns(pl.Series("e164", e164, dtype=pl.String))
    return pl.concat([decided, slow])
