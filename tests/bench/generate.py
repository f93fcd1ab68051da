"""Deterministic bench inputs: contact CSV files and a store of 1,000,000 contacts.

Everything derives from a contact's integer identity `ident`, so the same person gets the
same phone, email and name in the files and in the store: identities below
STORE_CONTACTS already exist in the store, the others are new. Generation is vectorized
(NumPy for the random choices, Polars for the strings) and seeded; the outputs are reused
while their stamp (generator version, parameters, and for the store the migrations) matches.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl

GENERATOR_VERSION = 2
GENERATED = Path(__file__).resolve().parent / "generated"
STORE_CONTACTS = 1_000_000
CAMPAIGN_ID = 1
HEADER = (
    "Phone Number",
    "First Name",
    "Last Name",
    "Email",
    "Company",
    "Job Title",
    "Appointment Date",
    "Notes",
)

# A bijection ident -> 10-digit NANP number: x = ident * P mod M, split into area code,
# exchange and line (each area/exchange in 200..999). P is odd and not a multiple of 5, so
# it is coprime with M = 800 * 800 * 10_000 and distinct identities get distinct numbers.
_M = 800 * 800 * 10_000
_P = 2_654_435_761

FIRST_NAMES = (
    "Ada Grace Alan Edsger Barbara Donald Margaret Ken Dennis Linus Guido Bjarne James Anders "
    "Frances Katherine Dorothy Mary Radia Sophie Hedy Joan Lynn Adele Jean Betty Kathleen "
    "Ruth Marlyn Ida John Tim Vint Bob Whitfield Martin Leslie Niklaus Tony Robin Fran Shafi "
    "Silvio Judea Yann Geoffrey Yoshua Andrew Fei-Fei Daphne Cynthia Ronald Adi Len Ralph "
    "Jon Steve Larry Sergey Mark Susan Marissa Sheryl Ginni Ursula Carly Meg Safra Indra "
    "Renée José Zoë Chloé Søren Jürgen Łukasz Ángel Mónica Nuño François Björn Åsa Ewa"
).split()
LAST_NAMES = (
    "Lovelace Hopper Turing Dijkstra Liskov Knuth Hamilton Thompson Ritchie Torvalds Rossum "
    "Stroustrup Gosling Hejlsberg Allen Johnson Vaughan Jackson Perlman Wilson Lamarr Clarke "
    "Conway Goldberg Bartik Holberton Antonelli Teitelbaum Wescoff Rhoads McCarthy Berners-Lee "
    "Cerf Kahn Diffie Hellman Lamport Wirth Hoare Milner Allen Goldwasser Micali Pearl LeCun "
    "Hinton Bengio Ng Li Koller Dwork Rivest Shamir Adleman Merkle Postel Jobs Page Brin "
    "O'Brien D'Angelo García Núñez Müller Schröder Østergaard Sørensen Łęcki Dvořák Kovač "
    "Smith Jones Brown Taylor Williams Davies Evans Thomas Roberts Walker Wright Robinson"
).split()
COMPANIES = (
    ("Analytical Engines", "analytical-engines.com"),
    ("Navy Labs", "navylabs.org"),
    ("Acme Corp", "acme.com"),
    ("Globex", "globex.com"),
    ("Initech", "initech.com"),
    ("Umbrella Corp", "umbrella.co"),
    ("Hooli", "hooli.com"),
    ("Pied Piper", "piedpiper.com"),
    ("Stark Industries", "stark.io"),
    ("Wayne Enterprises", "wayne-ent.com"),
    ("Wonka Industries", "wonka.co.uk"),
    ("Tyrell Corp", "tyrell.com"),
    ("Cyberdyne Systems", "cyberdyne.net"),
    ("Soylent, Inc.", "soylent.com"),
    ("Vandelay Industries", "vandelay.com"),
    ("Dunder Mifflin", "dundermifflin.com"),
    ("Gringotts", "gringotts.co.uk"),
    ("Müller & Söhne GmbH", "mueller-soehne.de"),
    ("Café Lumière", "cafe-lumiere.fr"),
    ("Oceanic Airlines", "oceanic.aero"),
)
JOB_TITLES = (
    "CEO",
    "CTO",
    "Head of Sales",
    "Account Executive",
    "Sales Manager",
    "Marketing Manager",
    "Software Engineer",
    "Senior Software Engineer",
    "Data Engineer",
    "Product Manager",
    "Office Manager",
    "Recruiter",
    "VP, Operations",
    "Customer Success Manager",
    "",
)
NOTES = (
    "",
    "",
    "",
    "",
    "called back, wants a demo",
    'prefers "morning" calls',
    "left voicemail",
    "VIP; handle with care",
    "no answer twice, try email",
    '=HYPERLINK("http://example.com")',
    "follow up after Q1",
    "referral from the conference",
)
BAD_PHONES = ("555-0100", "12345", "call me", "5.55123E+09", "+1 555 12", "", "N/A")
BAD_EMAILS = (
    "{first}.{last}@",
    "{first}.{last}.example.com",
    "{first}@@example.com",
    "{first} {last}@example.com",
    "mailto:{first}",
)


@dataclass(frozen=True)
class FileSpec:
    """The parameters of one generated CSV file (all shares are fractions of the rows)."""

    rows: int
    seed: int
    existing_share: float = 0.10  # rows whose contact is already in the store
    duplicate_share: float = 0.03  # rows repeating the key of an earlier row of the file
    bad_phone_share: float = 0.02  # invalid or missing phone (rejected: the key)
    bad_email_share: float = 0.02  # invalid email (a warning on the row)
    missing_email_share: float = 0.03

    @property
    def name(self) -> str:
        return f"contacts_{self.rows}.csv"


SMALL = FileSpec(rows=50_000, seed=50_000)
LARGE = FileSpec(rows=5_000_000, seed=5_000_000)


# --- identities to cells ------------------------------------------------------------------


def _gather(table: pl.Series, index: pl.Expr) -> pl.Expr:
    """`table[index % len(table)]`, one vectorized lookup (no Python per row)."""
    return (index % table.len()).replace_strict(
        old=list(range(table.len())), new=table.to_list(), return_dtype=pl.String
    )


def identity_columns(ident: pl.Expr) -> list[pl.Expr]:
    """Columns every copy of a contact shares: digits of its number, names, company."""
    x = (ident * _P) % _M
    return [
        (200 + x // 8_000_000).cast(pl.String).alias("area"),
        (200 + (x // 10_000) % 800).cast(pl.String).alias("exchange"),
        (x % 10_000).cast(pl.String).str.zfill(4).alias("line"),
        _gather(pl.Series(FIRST_NAMES), ident * 7_919).alias("first"),
        _gather(pl.Series(LAST_NAMES), ident * 104_729 // 7).alias("last"),
        _gather(pl.Series([c for c, _ in COMPANIES]), ident // 3).alias("company"),
        _gather(pl.Series([d for _, d in COMPANIES]), ident // 3).alias("domain"),
    ]


def _local_part(first: pl.Expr, last: pl.Expr, ident: pl.Expr) -> pl.Expr:
    """`first.last<ident>`, ASCII only (the names' accents and apostrophes dropped)."""
    plain = pl.concat_str([first, pl.lit("."), last]).str.replace_all(r"[^A-Za-z.\-]", "")
    return pl.concat_str([plain, ident.cast(pl.String)])


def store_contacts(count: int) -> pl.DataFrame:
    """The store's contacts: identities 0..count-1 as contact ids 1..count, normalized."""
    frame = pl.DataFrame({"ident": pl.int_range(0, count, dtype=pl.Int64, eager=True)})
    frame = frame.with_columns(identity_columns(pl.col("ident")))
    local = _local_part(pl.col("first"), pl.col("last"), pl.col("ident"))
    return frame.select(
        (pl.col("ident") + 1).alias("contact_id"),
        pl.concat_str([pl.lit("+1"), "area", "exchange", "line"]).alias("phone_number"),
        pl.concat_str([local, pl.lit("@"), "domain"]).str.to_lowercase().alias("email"),
        pl.concat_str(["first", "last"], separator=" ").alias("name"),
        pl.col("first").alias("first_name"),
        pl.col("last").alias("last_name"),
        pl.col("company"),
    )


def _identities(spec: FileSpec, rng: np.random.Generator) -> np.ndarray:
    """The identity of each row: some existing, most new, some repeating an earlier row."""
    n = spec.rows
    ident = STORE_CONTACTS + np.arange(n, dtype=np.int64)
    existing = rng.random(n) < spec.existing_share
    ident[existing] = rng.choice(STORE_CONTACTS, size=int(existing.sum()), replace=False)
    # Duplicates copy the identity of an earlier row that is not itself a duplicate.
    duplicate = rng.random(n) < spec.duplicate_share
    duplicate[0] = False
    targets = np.flatnonzero(duplicate)
    sources = np.flatnonzero(~duplicate)
    before = np.searchsorted(sources, targets)  # how many non-duplicate rows come earlier
    chosen = sources[(rng.random(targets.size) * before).astype(np.int64)]
    ident[targets] = ident[chosen]
    return ident


def file_frame(spec: FileSpec) -> pl.DataFrame:
    """The rows of one CSV file, as strings, with the header of HEADER."""
    rng = np.random.default_rng(spec.seed)
    n = spec.rows
    columns = {
        "ident": _identities(spec, rng),
        "phone_format": rng.integers(0, 6, n),
        "bad_phone": rng.random(n) < spec.bad_phone_share,
        "bad_phone_kind": rng.integers(0, len(BAD_PHONES), n),
        "email_kind": rng.random(n),
        "bad_email_kind": rng.integers(0, len(BAD_EMAILS), n),
        "capitalized": rng.random(n) < 0.3,
        "title": rng.integers(0, len(JOB_TITLES), n),
        "minutes": rng.integers(0, 90 * 24 * 4, n) * 15,
        "note": rng.integers(0, len(NOTES), n),
    }
    frame = pl.DataFrame(columns).with_columns(identity_columns(pl.col("ident")))
    area, exchange, line = pl.col("area"), pl.col("exchange"), pl.col("line")
    fmt = pl.col("phone_format")
    phone = (
        pl.when(fmt == 0)
        .then(pl.concat_str([area, exchange, line]))
        .when(fmt == 1)
        .then(pl.concat_str([pl.lit("("), area, pl.lit(") "), exchange, pl.lit("-"), line]))
        .when(fmt == 2)
        .then(pl.concat_str([area, exchange, line], separator="-"))
        .when(fmt == 3)
        .then(pl.concat_str([pl.lit("+1"), area, exchange, line], separator=" "))
        .when(fmt == 4)
        .then(pl.concat_str([pl.lit("1"), area, exchange, line], separator="-"))
        .otherwise(pl.concat_str([area, exchange, line], separator="."))
    )
    phone = (
        pl.when(pl.col("bad_phone"))
        .then(_gather(pl.Series(BAD_PHONES), pl.col("bad_phone_kind")))
        .otherwise(phone)
    )
    local = _local_part(pl.col("first"), pl.col("last"), pl.col("ident"))
    good_email = pl.concat_str([local, pl.lit("@"), pl.col("domain")])
    good_email = (
        pl.when(pl.col("capitalized")).then(good_email).otherwise(good_email.str.to_lowercase())
    )
    plain_first = pl.col("first").str.replace_all(r"[^A-Za-z]", "").str.to_lowercase()
    plain_last = pl.col("last").str.replace_all(r"[^A-Za-z]", "").str.to_lowercase()
    bad_email = _gather(pl.Series(BAD_EMAILS), pl.col("bad_email_kind"))
    bad_email = bad_email.str.replace("{first}", plain_first, literal=True).str.replace(
        "{last}", plain_last, literal=True
    )
    kind = pl.col("email_kind")
    email = (
        pl.when(kind < spec.bad_email_share)
        .then(bad_email)
        .when(kind < spec.bad_email_share + spec.missing_email_share)
        .then(pl.lit(""))
        .otherwise(good_email)
    )
    appointment = (
        pl.lit(datetime(2026, 12, 1)) + pl.duration(minutes=pl.col("minutes"))
    ).dt.strftime("%Y-%m-%d %H:%M")
    cells = frame.select(
        phone.alias(HEADER[0]),
        pl.col("first").alias(HEADER[1]),
        pl.col("last").alias(HEADER[2]),
        email.alias(HEADER[3]),
        pl.col("company").alias(HEADER[4]),
        _gather(pl.Series(JOB_TITLES), pl.col("title")).alias(HEADER[5]),
        appointment.alias(HEADER[6]),
        _gather(pl.Series(NOTES), pl.col("note")).alias(HEADER[7]),
    )
    # Empty cells are written as nothing (`a,,b`), as exporters do, not as `""`.
    return cells.with_columns(pl.when(pl.all() != "").then(pl.all()).name.keep())


# --- files on disk, reused while their stamp matches --------------------------------------


def _stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".stamp")


def _fresh(target: Path, stamp: str) -> bool:
    stamp_file = _stamp_path(target)
    return target.exists() and stamp_file.exists() and stamp_file.read_text() == stamp


def _write_stamp(target: Path, stamp: str) -> None:
    """Write the stamp beside `target` through a new file (never rewriting a linked one)."""
    partial = target.with_name(target.name + ".stamp.partial")
    partial.write_text(stamp)
    partial.replace(_stamp_path(target))


def _file_stamp(spec: FileSpec) -> str:
    return json.dumps({"version": GENERATOR_VERSION, **asdict(spec)}, sort_keys=True)


def ensure_csv(spec: FileSpec, log: Callable[[str], None] = print) -> Path:
    """The CSV file of `spec` in GENERATED, written unless an up-to-date one is there."""
    target = GENERATED / spec.name
    stamp = _file_stamp(spec)
    if _fresh(target, stamp):
        return target
    GENERATED.mkdir(parents=True, exist_ok=True)
    clock = time.perf_counter()
    partial = target.with_name(target.name + ".partial")
    file_frame(spec).write_csv(partial, line_terminator="\n")
    partial.replace(target)
    _write_stamp(target, stamp)
    size = target.stat().st_size / 1e6
    log(
        f"generated {target.name}: {spec.rows:,} rows, {size:.0f} MB, "
        f"{time.perf_counter() - clock:.1f}s"
    )
    return target


def _store_stamp() -> str:
    from etl import store

    migrations = hashlib.sha256(repr(store.MIGRATIONS).encode()).hexdigest()
    return json.dumps(
        {"version": GENERATOR_VERSION, "contacts": STORE_CONTACTS, "migrations": migrations},
        sort_keys=True,
    )


def build_store(path: Path, contacts: int) -> None:
    """A store made by the project's own migrations, filled with `contacts` contacts and a
    campaign whose entries cover 40% of them (some completed, most pending)."""
    from etl import store

    path.unlink(missing_ok=True)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)
    con = store.connect(path, lock_timeout=0)
    try:
        store._run(con, "SET enable_progress_bar = false")
        store.create_campaign(con, "Bench campaign", CAMPAIGN_ID)
        frame = store_contacts(contacts)
        con.register("generated_contacts", frame)
        store._run(
            con,
            "INSERT INTO contacts (contact_id, phone_number, email, name, first_name, last_name, "
            "company, created_at, updated_at) "
            "SELECT contact_id, phone_number, email, name, first_name, last_name, company, "
            "TIMESTAMP '2026-01-01', TIMESTAMP '2026-01-01' FROM generated_contacts",
        )
        con.unregister("generated_contacts")
        store._run(
            con,
            "INSERT INTO campaign_contacts (entry_id, campaign_id, contact_id, status, variables, "
            "created_at) "
            "SELECT row_number() OVER (ORDER BY contact_id), $campaign, contact_id, "
            "CASE WHEN contact_id % 10 = 0 THEN 'completed' ELSE 'pending' END, "
            "'{\"source\":\"bench\"}', TIMESTAMP '2026-01-01' "
            "FROM contacts WHERE contact_id % 5 IN (1, 2)",
            {"campaign": CAMPAIGN_ID},
        )
        store._run(con, "CHECKPOINT")
    finally:
        con.close()


def ensure_store(log: Callable[[str], None] = print) -> Path:
    """The 1M-contact store in GENERATED, built unless an up-to-date one is there."""
    target = GENERATED / f"store_{STORE_CONTACTS}.duckdb"
    stamp = _store_stamp()
    if _fresh(target, stamp):
        return target
    GENERATED.mkdir(parents=True, exist_ok=True)
    clock = time.perf_counter()
    partial = target.with_name("partial_" + target.name)
    build_store(partial, STORE_CONTACTS)
    partial.replace(target)
    _write_stamp(target, stamp)
    size = target.stat().st_size / 1e6
    log(
        f"generated {target.name}: {STORE_CONTACTS:,} contacts, {size:.0f} MB, "
        f"{time.perf_counter() - clock:.1f}s"
    )
    return target


def copy_store(source: Path, target: Path) -> Path:
    """A private copy of the store, so every run starts from the same state."""
    target.with_name(target.name + ".wal").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target
