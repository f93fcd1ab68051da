"""Big files are normalized and written a slice of rows at a time (`transform.SLICE_ROWS`).

Slicing must never change a result: the same file imported with slices of 2 rows and in one
slice leaves the same store and the same reports. And a value only the oracle can decide is
computed once per run, however many slices, files (and content detection) ask for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from etl import emails, phones, transform
from tests.conftest import Cli, write_csv

# Rows that cross slice borders in every way that matters: a key repeated in a later slice
# (duplicate), an existing contact (updated, entry merged), rejected rows, a second email
# candidate used in one slice and not the other, non-ASCII email (the oracle's) repeated.
SEED = "phone,email,name,slot\n5550000001,one@x.com,Old One,a\n5550000002,two@x.com,Old Two,b\n"
FILE = (
    "Phone,First Name,Last Name,E-mail,Email 2,Company,Slot\n"
    "555 000 0001,Ana,Uno,ana@x.com,,Acme,c\n"
    "(555) 000-0003,Bo,Tres,jörg@bücher.de,,Acme,d\n"
    "not a phone,Cy,Bad,cy@x.com,,,e\n"
    "5550000004,Di,Cuatro,,di@x.com,Beta,f\n"
    "555.000.0003,Bo,Again,bo@x.com,,,g\n"
    "5550000002,Ed,Dos,jörg@bücher.de,,Gamma,h\n"
    ",No,Key,nokey@x.com,,,i\n"
    "+1 555 000 0005,Fi,Cinco,fi@x.com,,Delta,j\n"
)


def _import(cli: Cli, tmp_path: Path, options: list[str]) -> tuple[dict[str, Any], pl.DataFrame]:
    campaign = cli.campaign("Slices")
    seed = write_csv(tmp_path, SEED, "seed.csv")
    assert cli.run_import(str(seed), "--campaign", str(campaign)).exit_code == 0
    path = write_csv(tmp_path, FILE)
    result = cli.run_import(str(path), "--campaign", str(campaign), "--json", *options)
    assert result.exit_code == 0, result.output
    summary = cli.summary(result)
    return summary, cli.rows(summary)


def _store(cli: Cli) -> dict[str, list[tuple[Any, ...]]]:
    return {
        "contacts": cli.query(
            "SELECT contact_id, phone_number, email, name, first_name, last_name, company "
            "FROM contacts ORDER BY contact_id"
        ),
        "entries": cli.query(
            "SELECT entry_id, contact_id, status, variables FROM campaign_contacts "
            "ORDER BY entry_id"
        ),
    }


@pytest.mark.parametrize(
    "options",
    [
        ["--on-duplicate", "update"],
        ["--on-duplicate", "create_new"],
        ["--replace-pending", "--strict"],
        ["--dry-run"],
    ],
)
def test_slices_of_two_rows_change_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: list[str]
) -> None:
    whole = Cli(tmp_path / "whole.duckdb", tmp_path / "whole")
    whole_summary, whole_rows = _import(whole, tmp_path, options)

    monkeypatch.setattr(transform, "SLICE_ROWS", 2)
    sliced = Cli(tmp_path / "sliced.duckdb", tmp_path / "sliced")
    sliced_summary, sliced_rows = _import(sliced, tmp_path, options)

    if options == ["--on-duplicate", "update"]:
        assert whole_summary["counts"] == {
            "added": 3,
            "updated": 2,
            "skipped_existing": 0,
            "duplicate_in_file": 1,
            "rejected": 2,
        }
    assert sliced_summary["counts"] == whole_summary["counts"]
    assert sliced_summary["total_contacts"] == whole_summary["total_contacts"]
    assert sliced_summary["errors"] == whole_summary["errors"]
    assert [e["value"] for e in sliced_summary["errors"]] == ["not a phone", ""]
    assert sliced_rows.equals(whole_rows)
    assert sliced_rows.get_column("row").to_list() == list(range(1, 9))
    assert _store(sliced) == _store(whole)
    # entries numbered in file order across the write batches
    entries = _store(sliced)["entries"]
    assert [e[0] for e in entries] == sorted(e[0] for e in entries)
    errors = (tmp_path / "sliced" / sliced_summary["import_id"] / "errors.csv").read_text()
    assert errors == (tmp_path / "whole" / whole_summary["import_id"] / "errors.csv").read_text()


def test_the_oracles_answer_each_value_once_per_run(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, ...]] = []
    real_email, real_phone = emails.oracle_email, phones.oracle_e164

    def email(value: str) -> str | None:
        asked.append(("email", value))
        return real_email(value)

    def phone(value: str, region: str, check: str = "possible") -> str | None:
        asked.append(("phone", value, region, check))
        return real_phone(value, region, check)

    monkeypatch.setattr(emails, "oracle_email", email)
    monkeypatch.setattr(phones, "oracle_e164", phone)
    monkeypatch.setattr(transform, "SLICE_ROWS", 2)
    # No header names the columns: content detection samples them first (asking the
    # oracles), then every slice normalizes its rows.
    rows = ["+1 555 000 0001 ext. 9 x,jörg@bücher.de"] * 6 + ["5550000002,ana@x.com"] * 2
    text = "a,b\n" + "\n".join(rows) + "\n"
    first, second = write_csv(tmp_path, text, "first.csv"), write_csv(tmp_path, text, "second.csv")
    result = cli.run_import(str(first), str(second), "--json", "--phone-check", "valid")
    assert result.exit_code == 0, result.output
    assert "resolved to email by its content" in " ".join(cli.summary(result)["warnings"])
    assert result.stdout.count('"success": true') == 2  # both files, one command
    assert ("email", "jörg@bücher.de") in asked
    assert len(asked) == len(set(asked)), f"asked twice: {asked}"


@pytest.mark.parametrize("slice_rows", [3, 1_000])
def test_the_clean_frame_is_one_chunk_per_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, slice_rows: int
) -> None:
    """Later steps would copy a chunked frame to line its chunks up, each time they touch it."""
    from etl import columns, extract

    monkeypatch.setattr(transform, "SLICE_ROWS", slice_rows)
    path = write_csv(tmp_path, FILE)
    table = extract.read_table(path, encoding="utf-8", delimiter=",", max_bytes=0, max_rows=0)
    plan = columns.resolve(table.headers, None)
    clean = transform.normalize_rows(
        table, plan, "phone", region="US", phone_check="possible", strict=False
    )
    assert clean.height == 8
    assert {name: clean.get_column(name).n_chunks() for name in clean.columns} == {
        name: 1 for name in clean.columns
    }
