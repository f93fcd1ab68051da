"""`--phone-check valid` as Polars expressions: `is_valid_number` of phonenumbers, for
numbers whose calling code and national significant number are known (the ones the fast
path parsed), modelled per calling code from phonenumbers' metadata.

What is modelled (see `is_valid_number` in phonenumbers/phonenumberutil.py): the region is
the calling code's only region or, when it has several (1: the US, Canada and the
Caribbean; 7, 44, 61, ...), `_region_code_for_number_from_list`: the first region, in
`COUNTRY_CODE_TO_REGION_CODE` order, whose `leading_digits` match the start of the national
significant number or, for a region without leading digits, whose number types match it.
The number is valid when `_number_type_helper` knows its type for that region: the general
description and one type description match (`_is_number_matching_desc`: one of the
description's possible lengths when it lists any, and a full match of its pattern). The
mobile description counts only when its pattern differs from the fixed-line one.

Not modelled (the caller asks the oracle): non-geographic calling codes (800, 808, 870,
...), and a calling code whose metadata has a pattern Polars cannot compile.
"""

from __future__ import annotations

import functools

import polars as pl
from phonenumbers import PhoneMetadata
from phonenumbers.phonemetadata import REGION_CODE_FOR_NON_GEO_ENTITY, PhoneNumberDesc
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

# The descriptions `_number_type_helper` tries after the general one.
_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
)


@functools.cache
def polars_compiles(pattern: str) -> bool:
    """Whether Polars' regex engine compiles the metadata pattern (else not evaluable)."""
    try:
        pl.select(pl.lit("0").str.contains(f"^(?:{pattern})$"))
    except pl.exceptions.PolarsError:
        return False
    return True


def _matches_desc(nsn: pl.Expr, desc: PhoneNumberDesc | None) -> pl.Expr:
    """`_is_number_matching_desc`."""
    if desc is None or not desc.national_number_pattern:
        return pl.lit(False)
    full = nsn.str.contains(f"^(?:{desc.national_number_pattern})$")
    if desc.possible_length:
        return nsn.str.len_bytes().is_in(list(desc.possible_length)) & full
    return full


def _type_known(nsn: pl.Expr, meta: PhoneMetadata) -> pl.Expr:
    """`_number_type_helper(nsn, meta) != UNKNOWN`."""
    kinds = [
        getattr(meta, kind)
        for kind in _TYPES
        if kind != "mobile" or not meta.same_mobile_and_fixed_line_pattern
    ]
    return _matches_desc(nsn, meta.general_desc) & pl.any_horizontal(
        [_matches_desc(nsn, desc) for desc in kinds]
    )


@functools.cache
def _regions(cc: int) -> tuple[tuple[pl.Expr | None, pl.Expr], ...] | None:
    """(leading digits matched or None, type known) per region of calling code `cc`, in
    phonenumbers' order, over `_nsn`; None when not modelled."""
    regions = COUNTRY_CODE_TO_REGION_CODE.get(cc, ())
    if not regions or REGION_CODE_FOR_NON_GEO_ENTITY in regions:
        return None
    nsn = pl.col("_nsn")
    steps = []
    for region in regions:
        meta = PhoneMetadata.metadata_for_region(region, None)
        if meta is None:
            continue
        descs = [meta.general_desc, *(getattr(meta, kind) for kind in _TYPES)]
        patterns = [d.national_number_pattern for d in descs if d and d.national_number_pattern]
        if meta.leading_digits is not None:
            patterns.append(meta.leading_digits)
        if not all(polars_compiles(p) for p in patterns):
            return None
        # A calling code's only region is taken without looking at its leading digits.
        leading = meta.leading_digits if len(regions) > 1 else None
        chosen = None if leading is None else nsn.str.contains(f"^(?:{leading})")
        steps.append((chosen, _type_known(nsn, meta)))
    return tuple(steps)


def modelled(cc: int) -> bool:
    """Whether `valid_national` can decide numbers of calling code `cc`."""
    return _regions(cc) is not None


def valid_national(numbers: pl.DataFrame, cc: int) -> pl.Series:
    """For `numbers["_nsn"]` (national significant numbers of calling code `cc`): whether
    `is_valid_number` holds, in `numbers`' order. Region by region: each takes the rows it
    is chosen for (by its leading digits: then valid when its types match; without: when
    its types match), the others go on; most rows of a US file stop at the first (the US)."""
    steps = _regions(cc)
    assert steps is not None, "check modelled(cc) first"
    rest = numbers.select(pl.int_range(pl.len()).alias("_at"), pl.col("_nsn"))
    decided = []
    for leading, known in steps:
        staged = rest.with_columns((known if leading is None else leading).alias("_chosen"))
        chosen = staged.filter(pl.col("_chosen"))
        decided.append(chosen.select("_at", known.alias("_valid")))
        rest = staged.filter(~pl.col("_chosen")).select("_at", "_nsn")
        if rest.height == 0:
            break
    decided.append(rest.select("_at", pl.lit(False).alias("_valid")))
    return pl.concat(decided).sort("_at").get_column("_valid")
