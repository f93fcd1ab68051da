"""The alias table of SPEC section 4, as data."""

# Standard fields in the order of the SPEC table; within a field, aliases are in
# priority order (the first alias wins when two columns resolve to one field).
ALIASES: dict[str, tuple[str, ...]] = {
    "phone_number": (
        "phone_number",
        "phone",
        "mobile",
        "mobile_number",
        "cell",
        "cell_phone",
        "telephone",
        "tel",
        "msisdn",
        "contact_number",
    ),
    "email": ("email", "email_address", "e_mail", "mail"),
    "name": ("name", "full_name", "contact_name", "customer_name"),
    "first_name": ("first_name", "firstname", "first", "given_name"),
    "last_name": ("last_name", "lastname", "last", "surname", "family_name"),
    "company": ("company", "organization", "organisation", "company_name", "org"),
    "job_title": ("job_title", "title", "position"),
    "linkedin_profile": ("linkedin_profile", "linkedin", "linkedin_url"),
    "locale": ("locale", "language"),
    "timezone": ("timezone", "time_zone", "tz"),
    "tag": ("tag", "tags"),
    "country": ("country", "country_code"),
    "metadata": ("metadata",),
}

STANDARD_FIELDS: tuple[str, ...] = tuple(ALIASES)

# Fields where every resolved column is a candidate and each row takes the first
# accepted value (SPEC section 4.1, point 3).
CANDIDATE_FIELDS: tuple[str, ...] = ("phone_number", "email")

# Aliases that name a mobile phone: they come first among phone candidates.
MOBILE_ALIASES: frozenset[str] = frozenset({"mobile", "mobile_number", "cell", "cell_phone"})
