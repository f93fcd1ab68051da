"""Email validation on distinct values: the normalized, lower-cased address or null."""

from __future__ import annotations

import re

import email_validator
import polars as pl
from email_validator import EmailNotValidError, validate_email
from email_validator.rfc_constants import (
    ATEXT,
    DNS_LABEL_LENGTH_LIMIT,
    EMAIL_MAX_LENGTH,
)

from etl.memo import OracleMemo

# The fast path mirrors email-validator's (2.4) rules for plain ASCII input under the
# library's default options; the rules are read below from the library itself where it
# exposes them. Anything the fast path cannot prove goes to `oracle_email`.


def strip_mailto(value: str) -> str:
    """`mailto:a@b.com` -> `a@b.com` (case-insensitive prefix)."""
    return value[7:] if value[:7].lower() == "mailto:" else value


def oracle_email(value: str) -> str | None:
    """The SPEC definition, value by value: email-validator's normalized form, lower-cased."""
    try:
        result = validate_email(strip_mailto(value), check_deliverability=False)
    except EmailNotValidError:
        return None
    return result.normalized.lower()


def _rust_class(pattern: str) -> str:
    """The ASCII characters a Python regex character class body matches, as a Rust class.

    Every non-alphanumeric character is written as `\\x{..}` so no escaping rule of the
    Rust regex crate can differ from Python's.
    """
    chars = [chr(c) for c in range(128) if re.fullmatch(f"[{pattern}]", chr(c))]
    return f"[{_rust_literal(''.join(chars))}]"


def _rust_literal(text: str) -> str:
    """`text` as a Rust regex matching it literally (non-alphanumerics as `\\x{..}`)."""
    return "".join(c if c.isascii() and c.isalnum() else f"\\x{{{ord(c):X}}}" for c in text)


def _defaults_match_fast_path() -> bool:
    """The fast path assumes email-validator's default options; a caller that changed them
    (e.g. `email_validator.ALLOW_QUOTED_LOCAL = True`) sends every value to the oracle."""
    return (
        not email_validator.ALLOW_EMPTY_LOCAL
        and not email_validator.ALLOW_QUOTED_LOCAL
        and not email_validator.ALLOW_DOMAIN_LITERAL
        and not email_validator.ALLOW_DISPLAY_NAME
        and not email_validator.STRICT
        and email_validator.GLOBALLY_DELIVERABLE
        and not email_validator.TEST_ENVIRONMENT
    )


# The fast path works on the lower-cased address without its `mailto:` prefix, which for an
# ASCII value is exactly `strip_mailto(value).lower()`; the library's checks are all
# case-insensitive for ASCII (it lower-cases the domain; the local part's character set has
# both cases), so checking the lower-cased form decides the original.
#
# Local part: the dot-atom rule (RFC 5322 3.2.3) over the library's ATEXT. Its length is
# checked only in strict mode (off by default), so only the whole address is limited.
_ATOM = _rust_class(ATEXT) + "+"
_LOCAL = f"{_ATOM}(?:\\.{_ATOM})*"


def _label(last: str) -> str:
    """A domain label: letters, digits and inner hyphens, at most 63 characters, ending in
    `last`, and without hyphens in both positions 3 and 4 (RFC 5890's R-LDH rule, which the
    library applies to every label but Punycode `xn--` ones, which never reach this regex).
    """
    edge, inner = "[a-z0-9]", "[a-z0-9-]"
    rest = DNS_LABEL_LENGTH_LIMIT - 5  # after the two first, the two checked, the last
    return (
        f"(?:{last}|{edge}(?:{inner}{{0,2}}{last}"
        f"|{inner}(?:{edge}{inner}|-{edge}){inner}{{0,{rest}}}{last}))"
    )


# At least one dot, and the last character a letter ("all TLDs end with a letter").
_DOMAIN = f"(?:{_label('[a-z0-9]')}\\.)+{_label('[a-z]')}"
_SHAPE = f"^{_LOCAL}@{_DOMAIN}$"
# The whole address is limited to 254 characters, the domain to 253: with a non-empty local
# part and the `@`, an address within the first limit has a domain within the second (a test
# checks this relation of the library's constants), so only the first is checked.


def needs_oracle(value: pl.Expr) -> pl.Expr:
    """Values the fast path leaves to email-validator.

    Non-ASCII values (IDNA, Unicode normalization, Unicode local parts), quotes (quoted local
    parts, quoted display names), `<` (display names) and Punycode (`xn--` anywhere, in any
    case: the library decodes such domains with idna). Every other value is decided by
    `fast_email`.
    """
    if not _defaults_match_fast_path():
        return pl.lit(True)
    is_ascii = value.str.len_bytes() == value.str.len_chars()
    return ~is_ascii | value.str.contains_any(['"', "<", "xn--"], ascii_case_insensitive=True)


def lowered_address(value: pl.Expr) -> pl.Expr:
    """The value lower-cased, without its `mailto:` prefix (exact for ASCII values)."""
    return value.str.to_lowercase().str.strip_prefix("mailto:")


def has_valid_shape(address: pl.Expr) -> pl.Expr:
    """`dot-atom@hostname` in lower-case ASCII, labels and TLD as the library requires.

    Every address the library accepts among the values `needs_oracle` leaves to the fast
    path has this shape, so such an address that fails it is invalid: without quotes or `<`
    the library splits at the first `@` (a second `@` lands in the domain); the local part
    must then match its dot-atom regex and the domain, lower-cased, its hostname rules. A
    bracketed domain literal fails too, as the library rejects those by default.
    """
    return address.str.contains(_SHAPE)


def is_special_use(address: pl.Expr) -> pl.Expr:
    """The domain is a special-use name or a subdomain of one (`localhost`, `x.test`, ...).

    The names are the library's list, read when the expression is built, as the library
    reads it on every call.
    """
    names = "|".join(_rust_literal(name) for name in email_validator.SPECIAL_USE_DOMAIN_NAMES)
    return address.str.contains(f"[@.](?:{names})$")


def fast_email(address: pl.Expr) -> pl.Expr:
    """The stored form of a value `needs_oracle` leaves to the fast path (null when invalid),
    from its `lowered_address`.

    The library keeps a dot-atom local part as it is, lower-cases an ASCII domain and checks
    the length of the address (254) last; the SPEC lower-cases the result.
    """
    valid = (
        has_valid_shape(address)
        & ~is_special_use(address)
        & (address.str.len_bytes() <= EMAIL_MAX_LENGTH)
    )
    return pl.when(valid).then(address)


def normalize_values(values: pl.DataFrame, memo: OracleMemo | None = None) -> pl.DataFrame:
    """Distinct `value` -> the same frame with `email` (null when invalid).

    Each distinct value is decided once, by exactly one of the two paths: the fast path
    (expressions) or `oracle_email`, called only on the values `needs_oracle` selects
    (and not asked of `memo` before).
    """
    value = pl.col("value")
    distinct = (
        values.lazy()
        .select(value.cast(pl.String))
        .unique()
        .with_columns(needs_oracle(value).fill_null(False).alias("undecided"))
        .collect()
    )
    fast = (
        distinct.lazy()
        .filter(~pl.col("undecided"))
        .select(value, lowered_address(value).alias("email"))
        .with_columns(fast_email(pl.col("email")).alias("email"))
    )
    undecided = distinct.filter(pl.col("undecided")).get_column("value")
    slow = pl.DataFrame(
        {
            "value": undecided,
            "email": (memo or OracleMemo()).answers(oracle_email, ((v,) for v in undecided)),
        },
        schema={"value": pl.String, "email": pl.String},
    )
    return pl.concat([fast.collect(), slow])
