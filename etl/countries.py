"""Country cells to ISO 3166 alpha-2 codes that phonenumbers knows (SPEC section 5)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers
import polars as pl


@lru_cache(maxsize=4096)
def resolve_country(value: str) -> str | None:
    """`de`, `DEU`, `Germany`, `UK` -> the alpha-2 code; None when it names no region
    phonenumbers supports."""
    text = value.strip()
    code = text.upper()
    if len(code) == 2 and code in phonenumbers.SUPPORTED_REGIONS:
        return code
    alpha2 = None
    if len(code) == 3 and code.isalpha():
        import pycountry

        alpha2 = getattr(pycountry.countries.get(alpha_3=code), "alpha_2", None)
    alpha2 = alpha2 or _names().get(_key(text))
    return alpha2 if alpha2 in phonenumbers.SUPPORTED_REGIONS else None


def resolve_values(values: pl.DataFrame) -> pl.DataFrame:
    """Distinct `value` -> the same frame with `country` (null when unresolved)."""
    distinct = values.select("value").unique()
    codes = [resolve_country(v) for v in distinct.get_column("value")]
    return distinct.with_columns(pl.Series("country", codes, dtype=pl.String))


# English names people write that are not ISO 3166's (`Turkey`, `Ivory Coast`, `UK`), and
# regions phonenumbers supports outside ISO 3166 (Kosovo, Ascension, Tristan da Cunha).
# Case, accents, dots, apostrophes, `&`/`and`, `St`/`Saint` and a leading `The` never matter.
# fmt: off
OTHER_ENGLISH_NAMES: dict[str, tuple[str, ...]] = {
    "AC": ("Ascension Island", "Ascension"),
    "AE": ("UAE",),
    "BA": ("Bosnia",),
    "BN": ("Brunei",),
    "BQ": ("Caribbean Netherlands", "Bonaire"),
    "CD": (
        "Democratic Republic of the Congo", "Democratic Republic of Congo", "DR Congo", "DRC",
        "Congo-Kinshasa", "Congo (Kinshasa)", "Congo, Democratic Republic of the",
    ),
    "CG": ("Republic of Congo", "Congo-Brazzaville", "Congo (Brazzaville)"),
    "CI": ("Ivory Coast",),
    "CV": ("Cape Verde",),
    "FK": ("Falkland Islands", "Falklands"),
    "FM": ("Micronesia",),
    "GB": (
        "UK", "Great Britain", "Britain", "England", "Scotland", "Wales", "Northern Ireland",
    ),
    "HK": ("Hong Kong SAR China", "Hong Kong SAR"),
    "KR": ("Republic of Korea", "Korea, South", "Korea (South)"),
    "MF": ("Saint Martin",),
    "MK": ("Macedonia",),
    "MM": ("Burma", "Myanmar (Burma)"),
    "MO": ("Macau", "Macao SAR China", "Macau SAR"),
    "NL": ("Holland",),
    "PS": ("Palestine", "Palestinian Territories", "Palestinian Territory"),
    "RU": ("Russia",),
    "SH": ("Saint Helena",),
    "SJ": ("Svalbard",),
    "SX": ("Sint Maarten",),
    "SZ": ("Swaziland",),
    "TA": ("Tristan da Cunha",),
    "TL": ("East Timor",),
    "TR": ("Turkey",),
    "US": ("U.S.", "U.S.A."),
    "VA": ("Holy See", "Vatican", "Vatican City", "Vatican City State"),
    "VC": ("Saint Vincent", "Saint Vincent and Grenadines"),
    "VI": ("US Virgin Islands", "United States Virgin Islands"),
    "XK": ("Kosovo",),
}
# What people write in the exporters' languages beside the ISO names that the translation
# tables hold: common short names (`Russland` for the Russian Federation), the counterparts
# of OTHER_ENGLISH_NAMES (`Großbritannien`, `Holanda`), abbreviations (`EE. UU.`).
OTHER_LOCAL_NAMES: dict[str, tuple[str, ...]] = {
    "BY": ("Weißrussland", "Weissrussland", "Biélorussie"),
    "CD": ("Demokratische Republik Kongo", "République démocratique du Congo", "RDC"),
    "CI": ("Elfenbeinküste",),
    "CZ": ("República Tcheca",),
    "GB": (
        "Großbritannien", "Grossbritannien", "Grande-Bretagne", "Gran Bretaña", "Grã-Bretanha",
        "Gran Bretagna", "Groot-Brittannië", "Angleterre", "Inglaterra", "Inghilterra",
        "Engeland", "Schottland", "Écosse", "Escocia", "Escócia", "Scozia", "Schotland",
    ),
    "MD": ("Moldawien",),
    "MM": ("Birma",),
    "NL": ("Holanda", "Hollande", "Olanda"),
    "PS": ("Palästina",),
    "RU": ("Russland", "Russie", "Rusia"),
    "US": ("EE. UU.", "EE.UU.", "EEUU", "EUA"),
    "VA": ("Vatikanstadt", "Vatikan", "Vaticano"),
}
# fmt: on

# Exporters write country names in the user's language (German Outlook: `Deutschland`).
_NAME_LANGUAGES = ("de", "fr", "es", "pt", "it", "nl")

_DROPPED = re.compile(r"[.'’‘`]")
_NOT_WORD = re.compile(r"[\W_]+")


def _key(name: str) -> str:
    """`The Bahamas` -> `bahamas`, `St. Kitts & Nevis` -> `saint kitts and nevis`,
    `Côte d’Ivoire` -> `cote divoire`."""
    plain = name.casefold()
    if not plain.isascii():
        decomposed = unicodedata.normalize("NFKD", plain)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = _NOT_WORD.sub(" ", _DROPPED.sub("", plain.replace("&", " and "))).split()
    if words[:1] == ["the"]:
        words = words[1:]
    elif words[-1:] == ["the"]:  # `Netherlands, The`, `Bahamas, The`
        words = words[:-1]
    return " ".join("saint" if w == "st" else w for w in words)


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """The one name table: name keys -> alpha-2, from OTHER_ENGLISH_NAMES, pycountry's
    English names and numeric codes, and pycountry's translations of its names into the
    major exporters' languages (built once, on the first cell that is not a code)."""
    import gettext

    import pycountry

    names: dict[str, str] = {}
    for alpha2, others in (*OTHER_ENGLISH_NAMES.items(), *OTHER_LOCAL_NAMES.items()):
        for name in others:
            names.setdefault(_key(name), alpha2)
    translations: list[gettext.NullTranslations] = [gettext.NullTranslations()]
    for language in _NAME_LANGUAGES:
        try:
            translations.append(
                gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
            )
        except OSError:
            continue
    for translation in translations:
        for country in pycountry.countries:
            for attr in ("name", "official_name", "common_name", "numeric"):
                english = getattr(country, attr, None)
                if english:
                    names.setdefault(_key(translation.gettext(english)), country.alpha_2)
    return names
