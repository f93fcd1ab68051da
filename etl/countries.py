"""Country cells to ISO 3166 alpha-2 codes that phonenumbers knows (SPEC section 5)."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
import polars as pl


@lru_cache(maxsize=4096)
def resolve_country(value: str) -> str | None:
    """`de`, `DEU`, `Germany` -> `DE`; None when it names no region phonenumbers supports."""
    text = value.strip()
    code = text.upper()
    if len(code) == 2:
        return code if code in phonenumbers.SUPPORTED_REGIONS else None
    import pycountry

    country = None
    if len(code) == 3 and code.isalpha():
        country = pycountry.countries.get(alpha_3=code)
    if country is None:
        try:
            country = pycountry.countries.lookup(text)
        except LookupError:
            country = None
    alpha2 = getattr(country, "alpha_2", None)
    return alpha2 if alpha2 in phonenumbers.SUPPORTED_REGIONS else None


def resolve_values(values: pl.DataFrame) -> pl.DataFrame:
    """Distinct `value` -> the same frame with `country` (null when unresolved)."""
    distinct = values.select("value").unique()
    codes = [resolve_country(v) for v in distinct.get_column("value")]
    return distinct.with_columns(pl.Series("country", codes, dtype=pl.String))
