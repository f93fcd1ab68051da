"""Phone normalization: the vectorized fast path must agree with phonenumbers, value by value."""

from __future__ import annotations

import random

import phonenumbers
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

from etl import phones, validity
from etl.phones import fast_path, normalize_pairs, oracle_e164

COMMON_REGIONS = ["US", "CA", "GB", "DE", "IN", "FR", "AU", "BR", "IT", "RU", "AR", "MX", "JP"]
ALL_REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)
CODES = sorted(str(code) for code in COUNTRY_CODE_TO_REGION_CODE)
CHECKS = ["possible", "valid"]


def _pairs(rows: list[tuple[str, str]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"value": pl.String, "region": pl.String}, orient="row")


def _assert_matches_oracle(rows: list[tuple[str, str]], check: str) -> pl.DataFrame:
    """normalize_pairs on the batch equals oracle_e164 on every distinct pair."""
    out = normalize_pairs(_pairs(rows), check)
    assert out.columns == ["value", "region", "e164"]
    assert out.schema["e164"] == pl.String
    assert out.height == len(set(rows)) == out.select("value", "region").n_unique()
    mismatches = [
        (value, region, e164, oracle_e164(value, region, check))
        for value, region, e164 in out.iter_rows()
        if e164 != oracle_e164(value, region, check)
    ]
    assert mismatches == []
    return out


# ---------------------------------------------------------------- generators

digit_groups = st.lists(st.text("0123456789", min_size=1, max_size=5), min_size=1, max_size=5)
separators = st.sampled_from(["", " ", "-", ".", "/", "  ", " - ", ") ", "(", ")"])
prefixes = st.one_of(
    st.sampled_from(["", "", "+", "+1 ", "1-", "1 ", "1", "00", "011 ", "0", "01", "'", "'+"]),
    st.sampled_from(["+0", "++", "+ ", "+(1) ", "8 ", "810 ", "0011 ", "(0)", "+44 (0)"]),
    st.builds(lambda code, sep: f"+{code}{sep}", st.sampled_from(CODES), separators),
    st.builds(lambda code, sep: f"00{code}{sep}", st.sampled_from(CODES), separators),
)
extensions = st.sampled_from(
    [
        "",
        "",
        "",
        " x12",
        "x1",
        " X 123",
        " ext. 123",
        " EXT 45",
        "ext.6",
        "#7",
        " # 99",
        " x1234567",
        " x1234567890",
        " ext 123456789012345678901",
        " x",
        ";ext=12",
        " x12#",
        " - 503#",
        ",,12",
        " ext: 12",
        " / x12",
        " int 12",
        " extension 12",
    ]
)
leading_junk = st.sampled_from(["", "", "", "'", "tel: ", "(", "Tel.", "=", '"', "\u00a0"])
trailing_junk = st.sampled_from(["", "", "", ")", ".", " ", "#", "-", "'", " (mobile)"])


@st.composite
def phone_like(draw: st.DrawFn) -> str:
    """Digits in groups with punctuation, optional +/IDD/code, extensions, junk."""
    groups = draw(digit_groups)
    separator = draw(separators)
    if len(groups) > 1 and draw(st.booleans()):
        body = f"({groups[0]}) " + separator.join(groups[1:])
    else:
        body = separator.join(groups)
    return draw(leading_junk) + draw(prefixes) + body + draw(extensions) + draw(trailing_junk)


@st.composite
def nanp_like(draw: st.DrawFn) -> str:
    """US/CA-style numbers: 7, 10 or 11 digits, area codes with any first digit."""
    area = draw(st.text("0123456789", min_size=3, max_size=3))
    exchange = draw(st.text("0123456789", min_size=3, max_size=3))
    line = draw(st.text("0123456789", min_size=4, max_size=4))
    template = draw(
        st.sampled_from(
            [
                "{a}{b}{c}",
                "({a}) {b}-{c}",
                "{a}-{b}-{c}",
                "+1 {a} {b} {c}",
                "1-{a}-{b}-{c}",
                "{a}.{b}.{c}",
                "{b}-{c}",
                "1{a}{b}{c}",
                "+1{a}{b}{c}",
                "'+1 {a} {b} {c}",
                "+1 ({a}) {b}-{c}",
                "1 ({a}) {b}-{c}",
                "{a}/{b}-{c}",
                "{a} {b} {c} x{c}",
                "+{a}{b}{c}",
                "11{a}{b}{c}",
                "{a}{b}{c}{c}",
            ]
        )
    )
    return template.format(a=area, b=exchange, c=line)


@st.composite
def national_like(draw: st.DrawFn) -> str:
    """National formats with trunk prefixes (0, 8, 180020, the own code) and odd lengths."""
    prefix = draw(st.sampled_from(["0", "0", "8", "00", "01", "07", "180020", "44", "49", "7"]))
    digits = draw(st.text("0123456789", min_size=1, max_size=17))
    separator = draw(st.sampled_from(["", " ", "-", " (0) "]))
    return prefix + separator + digits


# Area codes of every calling-code-1 region (their leading digits), US/CA ones (valid,
# toll-free, premium, fictional 555, unassigned) and odd ones (0/1 first, N11).
NANP_AREAS = ["268", "264", "684", "246", "441", "242", "767", "809", "829", "849", "473"]
NANP_AREAS += ["671", "658", "876", "869", "345", "758", "670", "664", "787", "939", "721"]
NANP_AREAS += ["649", "868", "784", "284", "340", "212", "415", "416", "604", "514", "867"]
NANP_AREAS += ["800", "833", "888", "900", "555", "521", "533", "999", "011", "123", "411"]


@st.composite
def nanp_numbers(draw: st.DrawFn) -> str:
    """+1 numbers across the regions of calling code 1, so that `is_valid_number` chooses
    among all of them (leading digits, then the number types of US and CA)."""
    area = draw(
        st.one_of(st.sampled_from(NANP_AREAS), st.text("0123456789", min_size=3, max_size=3))
    )
    exchange = draw(
        st.one_of(st.text("23456789", min_size=1, max_size=1), st.just("0"), st.just("1"))
    )
    exchange += draw(st.text("0123456789", min_size=2, max_size=2))
    line = draw(st.text("0123456789", min_size=4, max_size=4))
    template = draw(st.sampled_from(["+1 {a} {b} {c}", "({a}) {b}-{c}", "1{a}{b}{c}", "{a}{b}{c}"]))
    return template.format(a=area, b=exchange, c=line)


STRIP_REGIONS = ["GB", "DE", "FR", "RU", "IN", "NL", "AT", "CH", "SE", "PL", "TR", "ZA"]

unicode_digits = "0123456789\uff10\uff11\uff12\u0660\u0661\u0662\u06f1\u0967"
garbage = st.one_of(
    st.text(max_size=20),
    st.text(alphabet="0123456789+-() .x#'/", max_size=25),
    st.text(alphabet=unicode_digits + " -+\uff0b", min_size=1, max_size=16),
    st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabc-+ ", max_size=20),
    st.sampled_from(
        ["1-800-FLOWERS", "N/A", "n/a", "none", "-", "+", "++1", "tel:+1-212-555-0100"]
    ),
)
scientific = st.builds(
    lambda mantissa, sign, exponent, lower: f"{mantissa}{'e' if lower else 'E'}{sign}{exponent}",
    st.sampled_from(["5.55123", "5,55123", "1", "-4.4", "+7.1"]),
    st.sampled_from(["+", "-", ""]),
    st.integers(0, 15),
    st.booleans(),
)
long_digits = st.builds(
    lambda plus, digits: plus + digits,
    st.sampled_from(["", "+", "+1", "00"]),
    st.text("0123456789", min_size=12, max_size=260),
)
values = st.one_of(
    phone_like(),
    phone_like(),
    nanp_like(),
    nanp_like(),
    national_like(),
    garbage,
    scientific,
    long_digits,
)
regions = st.one_of(st.sampled_from(COMMON_REGIONS), st.sampled_from(ALL_REGIONS))


@st.composite
def batches(draw: st.DrawFn) -> list[tuple[str, str]]:
    """Up to 50 (value, region) pairs: one region for the batch (like a file) or mixed."""
    size = draw(st.integers(1, 50))
    if draw(st.booleans()):
        region = draw(regions)
        return [(draw(values), region) for _ in range(size)]
    return [(draw(values), draw(regions)) for _ in range(size)]


# ---------------------------------------------------------------- properties


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=batches())
def test_possible_matches_oracle_on_generated_batches(batch: list[tuple[str, str]]) -> None:
    _assert_matches_oracle(batch, "possible")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=batches())
def test_valid_matches_oracle_on_generated_batches(batch: list[tuple[str, str]]) -> None:
    _assert_matches_oracle(batch, "valid")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    batch=st.lists(
        st.tuples(nanp_numbers(), st.sampled_from(["US", "CA", "JM", "PR", "BS", "GB"])),
        min_size=1,
        max_size=50,
    )
)
def test_valid_matches_oracle_on_numbers_of_every_nanp_region(batch: list[tuple[str, str]]) -> None:
    _assert_matches_oracle(batch, "valid")


EXAMPLE_TYPES = [
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.TOLL_FREE,
    phonenumbers.PhoneNumberType.VOIP,
]


def _examples() -> list[tuple[str, str]]:
    """phonenumbers' example numbers of every region (fixed line, mobile, toll free, VoIP),
    international and national, plus each with its last digit changed and one digit more
    or fewer: valid and invalid numbers of every calling code, shared ones included."""
    rows = []
    for region in ALL_REGIONS:
        for kind in EXAMPLE_TYPES:
            number = phonenumbers.example_number_for_type(region, kind)
            if number is None:
                continue
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
            last = str((int(e164[-1]) + 3) % 10)
            for text in (e164, e164[:-1] + last, e164 + "5", e164[:-1]):
                rows.append((text, region))
            rows.append((national, region))
    return rows


def test_valid_matches_oracle_on_example_numbers_of_every_region() -> None:
    out = _assert_matches_oracle(_examples(), "valid")
    assert out["e164"].null_count() > 0 and out["e164"].drop_nulls().len() > 1000


def test_valid_matches_oracle_on_shared_calling_codes() -> None:
    """The calling codes several regions share (7, 39, 44, 47, 61, 212, 262, 290, 358, 590,
    599): seeded numbers starting like each region's leading digits or example numbers,
    of every length around theirs, so that the region chain picks each of them."""
    rng = random.Random(5)
    rows = []
    for cc, shared in COUNTRY_CODE_TO_REGION_CODE.items():
        if len(shared) < 2 or cc == 1:
            continue
        starts = []
        for region in shared:
            for kind in EXAMPLE_TYPES:
                number = phonenumbers.example_number_for_type(region, kind)
                if number is not None:
                    starts.append(str(number.national_number))
        for _ in range(300):
            start = rng.choice(starts)[: rng.randint(1, 5)]
            length = rng.choice([7, 8, 9, 10, 11])
            tail = "".join(rng.choice("0123456789") for _ in range(length))
            rows.append((f"+{cc} {(start + tail)[:length]}", rng.choice(shared)))
    out = _assert_matches_oracle(rows, "valid")
    assert out["e164"].drop_nulls().len() > 300  # valid ones in many regions, not only none


def test_valid_matches_oracle_on_every_nanp_area() -> None:
    """Every area code of NANP_AREAS with 60 seeded exchanges and lines: the region chain
    is exercised (numbers valid in a dozen Caribbean regions, in CA, in none)."""
    rng = random.Random(1)
    rows = [
        (f"+1 {area} {rng.randint(200, 999)} {rng.randint(0, 9999):04d}", "US")
        for area in NANP_AREAS
        for _ in range(60)
    ]
    out = _assert_matches_oracle(rows, "valid")
    valid_areas = {e[2:5] for e in out["e164"].drop_nulls()}
    assert len(valid_areas & set(NANP_AREAS[:22])) >= 12  # Caribbean regions
    assert {"416", "604"} <= valid_areas and out["e164"].null_count() > 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(st.tuples(st.one_of(phone_like(), nanp_like()), regions), max_size=50))
def test_every_fast_path_decision_is_the_oracle_answer(batch: list[tuple[str, str]]) -> None:
    """Stronger than the end result: each value the fast path decides is the oracle's."""
    decided = fast_path(_pairs(batch).unique()).filter(pl.col("decided"))
    for value, region, _, e164 in decided.iter_rows():
        assert e164 == oracle_e164(value, region), (value, region)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    region=st.one_of(st.sampled_from(STRIP_REGIONS), st.sampled_from(ALL_REGIONS)),
    numbers=st.lists(national_like(), min_size=1, max_size=50),
)
def test_national_prefixes_match_oracle(region: str, numbers: list[str]) -> None:
    """Trunk-prefix stripping (modelled with the region's general pattern) agrees."""
    _assert_matches_oracle([(number, region) for number in numbers], "possible")


# ---------------------------------------------------------------- hand-picked edge cases

EDGE_CASES = [
    # US formats found in real files
    ("5551234567", "US", "+15551234567"),
    ("(555) 123-4567", "US", "+15551234567"),
    ("555-123-4567", "US", "+15551234567"),
    ("+1 555 123 4567", "US", "+15551234567"),
    ("1-555-123-4567", "US", "+15551234567"),
    ("555.123.4567", "US", "+15551234567"),
    ("555/123-4567", "US", "+15551234567"),
    ("'+1 415 555 0100", "US", "+14155550100"),  # Apollo's text-forcing quote
    ("(415) 555-0100", "CA", "+14155550100"),
    ("1 416 555 0100", "CA", "+14165550100"),
    ("+1 416 555 0100", "GB", "+14165550100"),  # `+` ignores the region
    # 7-digit locals are IS_POSSIBLE_LOCAL_ONLY, not accepted
    ("555-1234", "US", None),
    ("555-1234", "CA", None),
    # lengths
    ("555123456", "US", None),
    ("+1 212 555 12345", "US", None),
    ("12125551234567", "US", None),
    ("1" * 40, "US", None),
    ("555" + " " * 240 + "1234567", "US", "+15551234567"),
    ("555" + " " * 240 + "1234567 x1234", "US", None),  # over 250 characters in all
    ("000-000-0000", "US", "+10000000000"),
    ("12", "US", None),
    # leading 0/1 after the code in NANP: possible (length only), not valid
    ("0551234567", "US", "+10551234567"),
    ("+1 055 123 4567", "US", "+10551234567"),
    ("1055123456", "US", "+11055123456"),  # stripping the 1 would leave too few digits
    # extensions are dropped
    ("212-555-1234 ext. 55", "US", "+12125551234"),
    ("2125551234 x12", "US", "+12125551234"),
    ("212 555 1234 #7", "US", "+12125551234"),
    ("(212) 555-1234 X 123456", "US", "+12125551234"),
    ("212-555-1234 x1234567890", "US", None),  # too long for an extension: digits join
    # international prefixes
    ("+44 20 7946 0958", "US", "+442079460958"),
    ("011 44 20 7946 0958", "US", "+442079460958"),
    ("00 44 20 7946 0958", "DE", "+442079460958"),
    ("011 0 44 20 7946 0958", "US", None),  # a 0 after the IDD: the IDD is not stripped
    ("00 999 123456", "DE", None),  # unknown code after the IDD
    ("810 44 20 7946 0958", "RU", "+442079460958"),
    ("011 1 212 555 0100", "US", "+12125550100"),
    ("0044 (0) 20 7946 0958", "FR", "+442079460958"),  # GB's national prefix after +44
    ("011 39 06 1234 5678", "CA", "+390612345678"),
    ("+0 123 456", "US", None),
    ("+999 123 456", "US", None),
    # national prefix 0
    ("020 7946 0958", "GB", "+442079460958"),
    ("030 123456", "DE", "+4930123456"),
    ("01 23 45 67 89", "FR", "+33123456789"),
    ("+33 1 23 45 67 89", "FR", "+33123456789"),
    ("098765 43210", "IN", "+919876543210"),
    ("06 1234 5678", "IT", "+390612345678"),  # Italian leading zero is kept
    ("+39 06 1234 5678", "US", "+390612345678"),
    ("(02) 9876 5432", "AU", "+61298765432"),
    # vanity letters, garbage, Excel
    ("1-800-FLOWERS", "US", "+18003569377"),
    ("N/A", "US", None),
    ("", "US", None),
    ("0X0", "US", None),
    ("call me", "US", None),
    ("5.55123E+09", "US", None),
    ("5,55123e+09", "US", None),
    ("\uff15\uff15\uff15\uff11\uff12\uff13\uff14\uff15\uff16\uff17", "US", "+15551234567"),
    ("\u0665\u0665\u0665\u0661\u0662\u0663\u0664\u0665\u0666\u0667", "US", "+15551234567"),
]


@pytest.mark.parametrize(("value", "region", "expected"), EDGE_CASES)
def test_edge_cases(value: str, region: str, expected: str | None) -> None:
    assert oracle_e164(value, region) == expected  # the table itself is right
    out = normalize_pairs(_pairs([(value, region)]), "possible")
    assert out.rows() == [(value, region, expected)]


def test_edge_cases_in_one_batch() -> None:
    """The same table as one batch: partitions by region and `+` must not mix rows up."""
    out = normalize_pairs(_pairs([(v, r) for v, r, _ in EDGE_CASES]), "possible")
    got = {(v, r): e for v, r, e in out.iter_rows()}
    assert got == {(v, r): e for v, r, e in EDGE_CASES}


@pytest.mark.parametrize(
    ("value", "region", "expected"),
    [
        ("(415) 555-0100", "US", "+14155550100"),
        ("0551234567", "US", None),  # possible but not valid
        ("+44 20 7946 0958", "US", "+442079460958"),
        ("+44 20 1234", "US", None),
    ],
)
def test_valid_check(value: str, region: str, expected: str | None) -> None:
    assert oracle_e164(value, region, "valid") == expected
    assert normalize_pairs(_pairs([(value, region)]), "valid").rows() == [(value, region, expected)]


# ---------------------------------------------------------------- who computes what


def test_oracle_sees_only_undecided_pairs_once(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [(v, r) for v, r, _ in EDGE_CASES] * 3  # every pair three times
    pairs = _pairs(rows).with_columns(pl.int_range(pl.len()).alias("row"))  # extra column
    fast = fast_path(_pairs(rows).unique())
    decided = {(v, r) for v, r, d, _ in fast.iter_rows() if d}
    undecided = {(v, r) for v, r, d, _ in fast.iter_rows() if not d}
    assert decided and undecided  # both paths are exercised
    assert ("(555) 123-4567", "US") in decided and ("1-800-FLOWERS", "US") in undecided

    calls: list[tuple[str, str, str]] = []
    real = phones.oracle_e164

    def counting(value: str, region: str, check: str = "possible") -> str | None:
        calls.append((value, region, check))
        return real(value, region, check)

    monkeypatch.setattr(phones, "oracle_e164", counting)
    out = normalize_pairs(pairs, "possible")
    assert len(calls) == len(set(calls))  # no pair twice
    assert {(v, r) for v, r, _ in calls} == undecided  # exactly the undecided ones
    assert out.height == len(decided) + len(undecided)

    calls.clear()
    normalize_pairs(pairs, "valid")  # modelled for the possible numbers of geographic codes
    modelled = {
        (v, r)
        for v, r, d, e in fast.iter_rows()
        if d and e and validity.modelled(phonenumbers.parse(e).country_code)
    }
    assert modelled and len(calls) == len(set(calls))
    assert {(v, r) for v, r, _ in calls} == set(rows) - modelled
    assert {c for _, _, c in calls} == {"valid"}


def test_valid_falls_back_to_the_oracle_when_the_metadata_is_not_modelled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A phonenumbers release whose patterns Polars cannot compile: all to the oracle."""
    monkeypatch.setattr(validity, "_regions", lambda cc: None)
    asked: list[str] = []
    real = phones.oracle_e164
    monkeypatch.setattr(phones, "oracle_e164", lambda v, r, c: asked.append(v) or real(v, r, c))
    rows = [("(415) 555-0100", "US"), ("(202) 555-0123", "US"), ("+44 20 7946 0958", "US")]
    _assert_matches_oracle(rows, "valid")
    assert sorted(asked) == sorted(v for v, _ in rows)


def test_empty_batch() -> None:
    out = normalize_pairs(_pairs([]), "possible")
    assert out.height == 0 and out.columns == ["value", "region", "e164"]


# ---------------------------------------------------------------- a realistic corpus

US_FORMATS = [
    "{a}{b}{c}",
    "({a}) {b}-{c}",
    "{a}-{b}-{c}",
    "+1 {a} {b} {c}",
    "1-{a}-{b}-{c}",
    "{a}.{b}.{c}",
    "+1 ({a}) {b}-{c}",
    "'+1 {a} {b} {c}",
]
OTHER = [
    ("GB", "0{a}{b} {c}"),
    ("GB", "+44 {a}{b}{c}"),
    ("DE", "0{a} {b}{c}"),
    ("DE", "+49 {a} {b}{c}"),
    ("FR", "0{a}{b}{c}"),
    ("IN", "+91 {a}{b}{c}"),
    ("AU", "+61 {a} {b} {c}"),
    ("BR", "+55 {a} {b}{c}"),
]
BAD = ["N/A", "unknown", "{b}-{c}", "5.55123E+09", "1-800-FLOWERS", "{a}{b}", "-", "TBD"]


def realistic_corpus(size: int, seed: int) -> list[tuple[str, str]]:
    """Deterministic mix: ~80% US formats, ~15% other countries, ~5% bad values."""
    rng = random.Random(seed)
    rows = []
    for _ in range(size):
        a = f"{rng.randint(2, 9)}{rng.randint(0, 9)}{rng.randint(0, 9)}"
        b = f"{rng.randint(2, 9)}{rng.randint(0, 9)}{rng.randint(0, 9)}"
        c = f"{rng.randint(0, 9999):04d}"
        ext = rng.choice(["", "", "", "", "", "", " x12", " ext. 305"])
        roll = rng.random()
        if roll < 0.80:
            region, template = rng.choice(["US", "US", "US", "CA"]), rng.choice(US_FORMATS) + ext
        elif roll < 0.95:
            region, template = rng.choice(OTHER)
        else:
            region, template = "US", rng.choice(BAD)
        rows.append((template.format(a=a, b=b, c=c), region))
    return rows


@pytest.mark.parametrize("check", CHECKS)
def test_realistic_corpus_matches_oracle(check: str) -> None:
    rows = realistic_corpus(20_000, seed=2026)
    _assert_matches_oracle(rows, check)


def test_fast_path_decides_almost_all_us_values() -> None:
    """The share the oracle still sees on US-style data (a count, not a timing)."""
    rows = [(v, r) for v, r in realistic_corpus(20_000, seed=7) if r in ("US", "CA")]
    fast = fast_path(_pairs(rows).unique())
    undecided = fast.filter(~pl.col("decided"))
    assert undecided.height / fast.height < 0.02
    assert set(undecided["value"].to_list()) <= {"1-800-FLOWERS", "N/A", "unknown", "TBD", "-"}


def test_valid_check_sends_little_of_a_us_file_to_the_oracle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With --phone-check valid, the +1 numbers are decided in Polars: the oracle sees the
    bad values and the other calling codes only (a count, not a timing)."""
    rows = [(v, r) for v, r in realistic_corpus(20_000, seed=7) if r in ("US", "CA")]
    asked: list[str] = []
    real = phones.oracle_e164
    monkeypatch.setattr(phones, "oracle_e164", lambda v, r, c: asked.append(v) or real(v, r, c))
    normalize_pairs(_pairs(rows), "valid")
    assert len(asked) / len(set(rows)) < 0.03


def test_fast_path_decides_almost_all_mixed_values() -> None:
    """GB/DE/FR national formats (trunk prefix 0) and `+` numbers stay on the fast path."""
    fast = fast_path(_pairs(realistic_corpus(20_000, seed=11)).unique())
    assert fast.filter(~pl.col("decided")).height / fast.height < 0.01


def test_facts_come_from_phonenumbers_metadata() -> None:
    us, ca, gb = (phones.region_facts(region) for region in ("US", "CA", "GB"))
    assert us is not None and ca is not None and gb is not None
    assert (us.cc, us.idd, us.npfp, us.accept) == ("1", "011", "1", frozenset({10}))
    assert ca.accept == us.accept  # is_possible uses the main region of +1
    assert (gb.cc, gb.idd) == ("44", "00")
    assert 11 in us.too_long and 10 not in us.too_long
    assert phones.region_facts("us") is None and phones.region_facts("ZZ") is None
    assert phones.code_facts("1") == ("1", "0" * 10 + "1" + "0" * 8)
