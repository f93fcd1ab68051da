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
    alpha2 = getattr(country, "alpha_2", None) or _localized_names().get(text.casefold())
    return alpha2 if alpha2 in phonenumbers.SUPPORTED_REGIONS else None


def resolve_values(values: pl.DataFrame) -> pl.DataFrame:
    """Distinct `value` -> the same frame with `country` (null when unresolved)."""
    distinct = values.select("value").unique()
    codes = [resolve_country(v) for v in distinct.get_column("value")]
    return distinct.with_columns(pl.Series("country", codes, dtype=pl.String))


# Exporters write country names in the user's language (German Outlook: `Deutschland`).
_NAME_LANGUAGES = ("de", "fr", "es", "pt", "it", "nl")


@lru_cache(maxsize=1)
def _localized_names() -> dict[str, str]:
    """Casefolded country names in the major exporters' languages -> alpha-2 (pycountry's
    own translations; built once, only when an English lookup failed)."""
    import gettext

    import pycountry

    names: dict[str, str] = {}
    for language in _NAME_LANGUAGES:
        try:
            translation = gettext.translation(
                "iso3166-1", pycountry.LOCALES_DIR, languages=[language]
            )
        except OSError:
            continue
        for country in pycountry.countries:
            for attr in ("name", "official_name", "common_name"):
                english = getattr(country, attr, None)
                if english:
                    names.setdefault(translation.gettext(english).casefold(), country.alpha_2)
    return names
