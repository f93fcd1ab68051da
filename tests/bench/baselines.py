"""The two baselines of SPEC section 11, on the same file and the same 1M-contact store.

- row by row: the csv module, `phonenumbers.parse` and `email_validator` on every row, a
  Python set for in-file and store duplicates, `executemany` into DuckDB;
- pandas: `read_csv`, `.apply` of phonenumbers / email-validator, `drop_duplicates`, a
  `merge` anti-join against the store's contacts, one bulk insert.

Both do less than the job (no reports, no campaign entries, no column detection): they are
the code a careful engineer would write first, kept honest rather than crippled.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

import duckdb
import phonenumbers
from email_validator import EmailNotValidError, validate_email
from phonenumbers import NumberParseException, PhoneNumberFormat

PHONE, EMAIL = "Phone Number", "Email"
INSERT_SQL = (
    "INSERT INTO contacts (contact_id, phone_number, email, first_name, last_name, company, "
    "job_title, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, now(), now())"
)


def e164(value: str) -> str | None:
    """phonenumbers, one value: E.164 when the number is possible, else None."""
    try:
        number = phonenumbers.parse(value, "US")
    except NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def email(value: str) -> str | None:
    """email-validator, one value: the normalized address lower-cased, else None."""
    if not value:
        return None
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def row_by_row(path: Path, db: Path) -> dict[str, Any]:
    """The plain Python import; returns its wall time and how many contacts it inserted."""
    clock = time.perf_counter()
    con = duckdb.connect(str(db))
    try:
        existing = {row[0] for row in con.execute("SELECT phone_number FROM contacts").fetchall()}
        next_id = con.execute("SELECT max(contact_id) FROM contacts").fetchall()[0][0] + 1
        seen: set[str] = set()
        batch: list[tuple[Any, ...]] = []
        with open(path, newline="", encoding="utf-8") as handle:
            for record in csv.DictReader(handle):
                phone = e164(record[PHONE].strip())
                if phone is None or phone in seen:
                    continue
                seen.add(phone)
                address = email(record[EMAIL].strip())
                if phone in existing:
                    continue
                batch.append(
                    (
                        next_id + len(batch),
                        phone,
                        address,
                        record["First Name"],
                        record["Last Name"],
                        record["Company"],
                        record["Job Title"],
                    )
                )
        # Emails another contact already holds would break the UNIQUE constraint.
        taken = {
            r[0]
            for r in con.execute("SELECT email FROM contacts WHERE email IS NOT NULL").fetchall()
        }
        batch = [row if row[2] not in taken else (*row[:2], None, *row[3:]) for row in batch]
        emails_seen: set[str] = set()
        for index, row in enumerate(batch):
            if row[2] in emails_seen:
                batch[index] = (*row[:2], None, *row[3:])
            elif row[2] is not None:
                emails_seen.add(row[2])
        con.execute("BEGIN TRANSACTION")
        con.executemany(INSERT_SQL, batch)
        con.execute("COMMIT")
    finally:
        con.close()
    return {"seconds": time.perf_counter() - clock, "inserted": len(batch)}


def pandas_import(path: Path, db: Path) -> dict[str, Any]:
    """The pandas import; returns its wall time and how many contacts it inserted."""
    import pandas as pd

    clock = time.perf_counter()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["phone_number"] = frame[PHONE].str.strip().apply(e164)
    frame["email"] = frame[EMAIL].str.strip().apply(email)
    frame = frame[frame["phone_number"].notna()].drop_duplicates("phone_number")
    con = duckdb.connect(str(db))
    try:
        existing = con.sql("SELECT contact_id, phone_number, email AS taken FROM contacts").df()
        merged = frame.merge(
            existing[["phone_number"]], on="phone_number", how="left", indicator=True
        )
        new = merged[merged["_merge"] == "left_only"].drop(columns="_merge")
        new.loc[new["email"].isin(existing["taken"]), "email"] = None
        new.loc[new["email"].notna() & new["email"].duplicated(), "email"] = None
        new.insert(
            0,
            "contact_id",
            range(
                int(existing["contact_id"].max()) + 1,
                len(new) + int(existing["contact_id"].max()) + 1,
            ),
        )
        new = new.rename(
            columns={
                "First Name": "first_name",
                "Last Name": "last_name",
                "Company": "company",
                "Job Title": "job_title",
            }
        )[
            [
                "contact_id",
                "phone_number",
                "email",
                "first_name",
                "last_name",
                "company",
                "job_title",
            ]
        ]
        con.register("new_contacts", new)
        con.execute(
            "INSERT INTO contacts (contact_id, phone_number, email, first_name, last_name, "
            "company, job_title, created_at, updated_at) SELECT *, now(), now() FROM new_contacts"
        )
    finally:
        con.close()
    return {"seconds": time.perf_counter() - clock, "inserted": len(new)}
