"""Country cells (SPEC 4.1.6 and 5): codes and English or exporter-language names."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.countries import resolve_country
from tests.conftest import Cli, write_csv


@pytest.mark.parametrize(
    ("value", "code"),
    [
        # codes
        ("de", "DE"),
        ("DEU", "DE"),
        ("usa", "US"),
        ("276", "DE"),
        # ISO 3166 names, the exporters' languages
        ("United States", "US"),
        ("Germany", "DE"),
        ("Deutschland", "DE"),
        ("Türkiye", "TR"),
        ("Czechia", "CZ"),
        ("North Macedonia", "MK"),
        ("Eswatini", "SZ"),
        ("Myanmar", "MM"),
        ("Republic of the Congo", "CG"),
        ("Congo", "CG"),
        # common English names that are not ISO 3166's
        ("Turkey", "TR"),
        ("Democratic Republic of the Congo", "CD"),
        ("DR Congo", "CD"),
        ("Congo-Kinshasa", "CD"),
        ("Congo-Brazzaville", "CG"),
        ("Holy See", "VA"),
        ("Vatican", "VA"),
        ("Vatican City", "VA"),
        ("Saint Helena", "SH"),
        ("St. Helena", "SH"),
        ("Ivory Coast", "CI"),
        ("Côte d’Ivoire", "CI"),
        ("Cote d'Ivoire", "CI"),
        ("Russia", "RU"),
        ("South Korea", "KR"),
        ("North Korea", "KP"),
        ("Iran", "IR"),
        ("Syria", "SY"),
        ("Vietnam", "VN"),
        ("Laos", "LA"),
        ("Bolivia", "BO"),
        ("Venezuela", "VE"),
        ("Tanzania", "TZ"),
        ("Moldova", "MD"),
        ("Macedonia", "MK"),
        ("Czech Republic", "CZ"),
        ("Cape Verde", "CV"),
        ("Swaziland", "SZ"),
        ("Burma", "MM"),
        ("Palestine", "PS"),
        ("Micronesia", "FM"),
        ("Brunei", "BN"),
        ("Taiwan", "TW"),
        ("UK", "GB"),
        ("u.k.", "GB"),
        ("Great Britain", "GB"),
        ("England", "GB"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("The Netherlands", "NL"),
        ("Holland", "NL"),
        ("The Bahamas", "BS"),
        ("St. Kitts & Nevis", "KN"),
        ("Reunion", "RE"),
        ("Curacao", "CW"),
        ("UAE", "AE"),
        # list order (`Korea, South`, `Netherlands, The`), Spanish and Portuguese abbreviations
        ("Korea, South", "KR"),
        ("Korea (South)", "KR"),
        ("Netherlands, The", "NL"),
        ("Gambia, The", "GM"),
        ("EE. UU.", "US"),
        ("EE.UU.", "US"),
        ("EEUU", "US"),
        ("EUA", "US"),
        # exporter-language names (localized Outlook exports)
        ("España", "ES"),
        ("México", "MX"),
        ("Brasil", "BR"),
        ("Italia", "IT"),
        ("Svizzera", "CH"),
        ("België", "BE"),
        ("Belgique", "BE"),
        ("Royaume-Uni", "GB"),
        ("Estados Unidos", "US"),
        # common short names there, which the ISO translations lack
        ("Russland", "RU"),
        ("Russie", "RU"),
        ("Rusia", "RU"),
        ("Großbritannien", "GB"),
        ("Grande-Bretagne", "GB"),
        ("Inghilterra", "GB"),
        ("Holanda", "NL"),
        ("Olanda", "NL"),
        ("Elfenbeinküste", "CI"),
        ("Weißrussland", "BY"),
        ("República Tcheca", "CZ"),
        # regions phonenumbers supports outside ISO 3166
        ("Kosovo", "XK"),
        ("Ascension Island", "AC"),
        ("Tristan da Cunha", "TA"),
    ],
)
def test_country_names_resolve(value: str, code: str) -> None:
    assert resolve_country(value) == code


@pytest.mark.parametrize(
    "value",
    ["Atlantis", "Europe", "Mars", "Korea", "n/a", "-", "The", "ZZ", "XXX", "AQ", "Antarctica"],
)
def test_names_of_no_supported_region_resolve_to_none(value: str) -> None:
    # Antarctica (AQ) is a country code phonenumbers has no region for
    assert resolve_country(value) is None


def test_country_names_through_the_cli(cli: Cli, tmp_path: Path) -> None:
    names = ["Turkey", "Ivory Coast", "Kosovo", "Vatican City", "UK", "Atlantis", "Europe"]
    text = "phone,country\n" + "".join(f"+1555123{i:04d},{name}\n" for i, name in enumerate(names))
    result = cli.run_import(str(write_csv(tmp_path, text)), "--json")
    assert result.exit_code == 0, result.output
    rows = cli.rows(cli.summary(result)).to_dicts()
    assert [r["country"] for r in rows] == ["TR", "CI", "XK", "VA", "GB", None, None]
    assert [r["reasons"] for r in rows] == [[]] * 5 + [["invalid_country"]] * 2
    assert [r["outcome"] for r in rows] == ["added"] * 7
    assert cli.query("SELECT country FROM contacts ORDER BY phone_number") == [
        ("TR",),
        ("CI",),
        ("XK",),
        ("VA",),
        ("GB",),
        (None,),
        (None,),
    ]
