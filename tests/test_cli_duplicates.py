"""SPEC section 7 through the CLI: keys, --on-duplicate, email_in_use, --replace-pending, counts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from etl import store
from tests.conftest import Cli, write_csv

HEADER = "phone,email,name,company,appt,room\n"
# Ann as she is first imported, and the same person in a later file: a new name, no company
# (missing: must not erase the stored one), a new appt and no room (the entry keeps room).
SEED = HEADER + "+15550100001,ann@example.com,Ann,Acme,mon,1\n"
AGAIN = HEADER + "+15550100001,ann@example.com,Ann Lovelace,,tue,\n"
KEYS = ["phone", "email"]
CONTACT_SQL = "SELECT contact_id, phone_number, email, name, company FROM contacts ORDER BY 1"
ANN = ("+15550100001", "ann@example.com", "Ann", "Acme")
ANN_UPDATED = ("+15550100001", "ann@example.com", "Ann Lovelace", "Acme")


def run(cli: Cli, folder: Path, text: str, *args: str, name: str = "input.csv") -> dict[str, Any]:
    """Import `text` with --json; exit 0 expected; the summary.json of the import."""
    result = cli.run_import(str(write_csv(folder, text, name)), "--json", *args)
    assert result.exit_code == 0, result.output
    return cli.summary(result)


def outcomes(cli: Cli, summary: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(outcome, reasons) of every row of rows.parquet, in file order."""
    rows = cli.rows(summary).sort("row")
    return list(zip(rows["outcome"].to_list(), rows["reasons"].to_list(), strict=True))


def contacts(cli: Cli) -> list[tuple[Any, ...]]:
    """(phone, email, name, company) of every contact, by id."""
    return [row[1:] for row in cli.query(CONTACT_SQL)]


def entries(cli: Cli, campaign: int) -> list[tuple[int, str, dict[str, str]]]:
    """(contact_id, status, variables) of the campaign's entries, by entry id."""
    rows = cli.query(
        "SELECT contact_id, status, variables FROM campaign_contacts "
        f"WHERE campaign_id = {campaign} ORDER BY entry_id"
    )
    return [(cid, status, json.loads(variables)) for cid, status, variables in rows]


def warned(summary: dict[str, Any], code: str) -> list[str]:
    """The summary's warning lines about `code` (one line per code, with its row count)."""
    return [w for w in summary["warnings"] if code in w]


def counts(**given: int) -> dict[str, int]:
    return {name: given.get(name, 0) for name in store.COUNT_NAMES}


# --- SPEC section 7, one test per cell, for each key ----------------------------------------


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("action", ["skip", "update", "create_new"])
def test_no_existing_contact_is_added(cli: Cli, tmp_path: Path, key: str, action: str) -> None:
    campaign = cli.campaign()
    summary = run(
        cli, tmp_path, SEED, "--campaign", str(campaign), "--key", key, "--on-duplicate", action
    )
    assert summary["key"] == key
    assert outcomes(cli, summary) == [("added", [])]
    assert summary["counts"] == counts(added=1)
    assert summary["contacts"] == {"created": 1, "existing": 0}
    assert (summary["imported_count"], summary["total_contacts"]) == (1, 1)
    assert contacts(cli) == [ANN]
    assert entries(cli, campaign) == [(1, "pending", {"appt": "mon", "room": "1"})]


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("action", ["skip", "update"])
def test_no_campaign_new_contact_is_added(cli: Cli, tmp_path: Path, key: str, action: str) -> None:
    summary = run(cli, tmp_path, SEED, "--key", key, "--on-duplicate", action)
    assert outcomes(cli, summary) == [("added", [])]
    assert summary["contacts"] == {"created": 1, "existing": 0}
    assert (summary["imported_count"], summary["total_contacts"]) == (1, None)
    assert contacts(cli) == [ANN]
    assert cli.query("SELECT count(*) FROM campaign_contacts") == [(0,)]


def _seed_other_campaign(cli: Cli, tmp_path: Path, key: str) -> int:
    """Ann exists, with an entry in another campaign; returns a fresh campaign's id."""
    other = cli.campaign("Other")
    run(cli, tmp_path, SEED, "--campaign", str(other), "--key", key, name="seed.csv")
    return cli.campaign("Target")


@pytest.mark.parametrize("key", KEYS)
def test_existing_not_in_campaign_skip_adds_entry_contact_unchanged(
    cli: Cli, tmp_path: Path, key: str
) -> None:
    campaign = _seed_other_campaign(cli, tmp_path, key)
    summary = run(cli, tmp_path, AGAIN, "--campaign", str(campaign), "--key", key)
    assert outcomes(cli, summary) == [("added", [])]
    assert summary["counts"] == counts(added=1)
    assert summary["contacts"] == {"created": 0, "existing": 1}
    assert (summary["imported_count"], summary["total_contacts"]) == (1, 1)
    assert contacts(cli) == [ANN]
    assert entries(cli, campaign) == [(1, "pending", {"appt": "tue"})]


@pytest.mark.parametrize("key", KEYS)
def test_existing_not_in_campaign_update_adds_entry_and_overwrites_contact(
    cli: Cli, tmp_path: Path, key: str
) -> None:
    campaign = _seed_other_campaign(cli, tmp_path, key)
    summary = run(
        cli, tmp_path, AGAIN, "--campaign", str(campaign), "--key", key, "--on-duplicate", "update"
    )
    assert outcomes(cli, summary) == [("added", [])]
    assert summary["counts"] == counts(added=1)
    assert summary["contacts"] == {"created": 0, "existing": 1}
    assert (summary["imported_count"], summary["total_contacts"]) == (1, 1)
    assert contacts(cli) == [ANN_UPDATED]  # the row's missing company kept the stored one
    assert entries(cli, campaign) == [(1, "pending", {"appt": "tue"})]
    # The entry in the other campaign is not touched by an update in this one.
    assert entries(cli, campaign - 1) == [(1, "pending", {"appt": "mon", "room": "1"})]


@pytest.mark.parametrize("key", KEYS)
def test_existing_not_in_campaign_create_new_adds_entry(cli: Cli, tmp_path: Path, key: str) -> None:
    campaign = _seed_other_campaign(cli, tmp_path, key)
    summary = run(
        cli,
        tmp_path,
        AGAIN,
        "--campaign",
        str(campaign),
        "--key",
        key,
        "--on-duplicate",
        "create_new",
    )
    assert outcomes(cli, summary) == [("added", [])]
    assert summary["contacts"] == {"created": 0, "existing": 1}
    assert (summary["imported_count"], summary["total_contacts"]) == (1, 1)
    assert contacts(cli) == [ANN]
    assert entries(cli, campaign) == [(1, "pending", {"appt": "tue"})]


def _seed_campaign(cli: Cli, tmp_path: Path, key: str) -> int:
    """Ann exists and has an entry in the returned campaign."""
    campaign = cli.campaign()
    run(cli, tmp_path, SEED, "--campaign", str(campaign), "--key", key, name="seed.csv")
    return campaign


@pytest.mark.parametrize("key", KEYS)
def test_existing_in_campaign_skip_is_skipped_existing(cli: Cli, tmp_path: Path, key: str) -> None:
    campaign = _seed_campaign(cli, tmp_path, key)
    before = cli.snapshot()
    summary = run(cli, tmp_path, AGAIN, "--campaign", str(campaign), "--key", key)
    assert outcomes(cli, summary) == [("skipped_existing", [])]
    assert summary["counts"] == counts(skipped_existing=1)
    assert summary["contacts"] == {"created": 0, "existing": 1}
    assert (summary["imported_count"], summary["total_contacts"]) == (0, 1)
    after = cli.snapshot()
    for table in ("contacts", "campaign_contacts", "campaigns"):
        assert after[table] == before[table]


@pytest.mark.parametrize("key", KEYS)
def test_existing_in_campaign_update_overwrites_and_merges_variables(
    cli: Cli, tmp_path: Path, key: str
) -> None:
    campaign = _seed_campaign(cli, tmp_path, key)
    summary = run(
        cli, tmp_path, AGAIN, "--campaign", str(campaign), "--key", key, "--on-duplicate", "update"
    )
    assert outcomes(cli, summary) == [("updated", [])]
    assert summary["counts"] == counts(updated=1)
    assert summary["contacts"] == {"created": 0, "existing": 1}
    assert (summary["imported_count"], summary["total_contacts"]) == (1, 1)
    assert contacts(cli) == [ANN_UPDATED]
    # Row wins for appt; room (absent from the row) is kept.
    assert entries(cli, campaign) == [(1, "pending", {"appt": "tue", "room": "1"})]
    updated = cli.query("SELECT created_at < updated_at FROM contacts")
    assert updated == [(True,)]


@pytest.mark.parametrize("key", KEYS)
def test_existing_in_campaign_create_new_adds_second_entry(
    cli: Cli, tmp_path: Path, key: str
) -> None:
    campaign = _seed_campaign(cli, tmp_path, key)
    summary = run(
        cli,
        tmp_path,
        AGAIN,
        "--campaign",
        str(campaign),
        "--key",
        key,
        "--on-duplicate",
        "create_new",
    )
    assert outcomes(cli, summary) == [("added", [])]
    assert summary["counts"] == counts(added=1)
    assert summary["contacts"] == {"created": 0, "existing": 1}
    assert (summary["imported_count"], summary["total_contacts"]) == (1, 2)
    assert contacts(cli) == [ANN]
    assert entries(cli, campaign) == [
        (1, "pending", {"appt": "mon", "room": "1"}),
        (1, "pending", {"appt": "tue"}),
    ]


@pytest.mark.parametrize("key", KEYS)
def test_no_campaign_existing_skip_is_skipped_existing(cli: Cli, tmp_path: Path, key: str) -> None:
    run(cli, tmp_path, SEED, "--key", key, name="seed.csv")
    summary = run(cli, tmp_path, AGAIN, "--key", key)
    assert outcomes(cli, summary) == [("skipped_existing", [])]
    assert summary["counts"] == counts(skipped_existing=1)
    assert summary["contacts"] == {"created": 0, "existing": 1}
    assert (summary["imported_count"], summary["total_contacts"]) == (0, None)
    assert contacts(cli) == [ANN]


@pytest.mark.parametrize("key", KEYS)
def test_no_campaign_existing_update_is_updated(cli: Cli, tmp_path: Path, key: str) -> None:
    run(cli, tmp_path, SEED, "--key", key, name="seed.csv")
    summary = run(cli, tmp_path, AGAIN, "--key", key, "--on-duplicate", "update")
    assert outcomes(cli, summary) == [("updated", [])]
    assert summary["counts"] == counts(updated=1)
    assert summary["contacts"] == {"created": 0, "existing": 1}
    assert (summary["imported_count"], summary["total_contacts"]) == (1, None)
    assert contacts(cli) == [ANN_UPDATED]
    assert cli.query("SELECT count(*) FROM campaign_contacts") == [(0,)]


@pytest.mark.parametrize("key", KEYS)
def test_no_campaign_create_new_is_a_usage_error(cli: Cli, tmp_path: Path, key: str) -> None:
    run(cli, tmp_path, SEED, "--key", key, name="seed.csv")
    before = cli.snapshot()
    path = write_csv(tmp_path, AGAIN)
    result = cli.run_import(str(path), "--key", key, "--on-duplicate", "create_new")
    assert result.exit_code == 2
    assert "--on-duplicate create_new needs --campaign" in result.stderr
    assert cli.snapshot() == before


# --- in-file duplicates -------------------------------------------------------------------


TWICE = HEADER + (
    "+15550100001,ann@example.com,Ann,Acme,mon,1\n"
    "+15550100002,bob@example.com,Bob,,tue,2\n"
    "+15550100001,ann@example.com,Ann again,,wed,3\n"
)


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("action", ["skip", "update"])
def test_in_file_duplicates_first_occurrence_wins(
    cli: Cli, tmp_path: Path, key: str, action: str
) -> None:
    campaign = cli.campaign()
    summary = run(
        cli, tmp_path, TWICE, "--campaign", str(campaign), "--key", key, "--on-duplicate", action
    )
    assert [o for o, _ in outcomes(cli, summary)] == ["added", "added", "duplicate_in_file"]
    assert summary["contacts"] == {"created": 2, "existing": 0}
    assert [r[2] for r in contacts(cli)] == ["Ann", "Bob"]
    assert [e[2]["appt"] for e in entries(cli, campaign)] == ["mon", "tue"]
    rows = cli.rows(summary).sort("row")
    assert rows["contact_id"].to_list() == [1, 2, 1]


@pytest.mark.parametrize("key", KEYS)
def test_create_new_dedupes_nothing_in_the_file(cli: Cli, tmp_path: Path, key: str) -> None:
    campaign = cli.campaign()
    summary = run(
        cli,
        tmp_path,
        TWICE,
        "--campaign",
        str(campaign),
        "--key",
        key,
        "--on-duplicate",
        "create_new",
    )
    assert [o for o, _ in outcomes(cli, summary)] == ["added"] * 3
    assert summary["counts"] == counts(added=3)
    assert summary["contacts"] == {"created": 2, "existing": 0}
    assert summary["total_contacts"] == 3
    assert [r[2] for r in contacts(cli)] == ["Ann", "Bob"]  # the first row made Ann
    assert [(e[0], e[2]["appt"]) for e in entries(cli, campaign)] == [
        (1, "mon"),
        (2, "tue"),
        (1, "wed"),
    ]


def test_rejected_row_with_a_key_does_not_make_a_later_row_a_duplicate(
    cli: Cli, tmp_path: Path
) -> None:
    text = HEADER + (
        "+15550100001,not-an-email,Ann,,mon,\n"  # --strict rejects it on its invalid email
        "+15550100001,ann@example.com,Ann,,mon,\n"
        "+15550100002,bob@example.com,Bob,,tue,,surplus\n"  # malformed: one field too many
        "+15550100002,bob@example.com,Bob,,tue,\n"
    )
    summary = run(cli, tmp_path, text, "--strict")
    assert [o for o, _ in outcomes(cli, summary)] == ["rejected", "added", "rejected", "added"]
    assert summary["contacts"] == {"created": 2, "existing": 0}
    assert [r[0] for r in contacts(cli)] == ["+15550100001", "+15550100002"]


# --- keys -----------------------------------------------------------------------------------


def test_auto_key_is_phone_when_a_phone_column_resolves(cli: Cli, tmp_path: Path) -> None:
    summary = run(cli, tmp_path, SEED)
    assert summary["key"] == "phone"


def test_auto_key_is_email_without_a_phone_column(cli: Cli, tmp_path: Path) -> None:
    summary = run(cli, tmp_path, "email,name\nann@example.com,Ann\n")
    assert summary["key"] == "email"


def test_contacts_are_global_across_campaigns(cli: Cli, tmp_path: Path) -> None:
    """A contact is found by its key whatever campaign brought it in."""
    first, second = cli.campaign("A"), cli.campaign("B")
    run(cli, tmp_path, SEED, "--campaign", str(first), name="a.csv")
    text = "email,name\nANN@Example.com,Ann\n"  # the email key finds the phone-keyed contact
    summary = run(cli, tmp_path, text, "--campaign", str(second), name="b.csv")
    assert summary["key"] == "email"
    assert summary["contacts"] == {"created": 0, "existing": 1}
    assert cli.query("SELECT count(*) FROM contacts") == [(1,)]
    assert [e[0] for e in entries(cli, second)] == [1]


def test_email_key_rejects_a_row_without_email(cli: Cli, tmp_path: Path) -> None:
    text = HEADER + "+15550100001,,Ann,,mon,\n+15550100002,bob@example.com,Bob,,tue,\n"
    summary = run(cli, tmp_path, text, "--key", "email")
    assert outcomes(cli, summary) == [("rejected", ["missing_key"]), ("added", [])]


# --- email_in_use / phone_in_use -----------------------------------------------------------


def test_email_in_use_by_a_stored_contact_is_dropped(cli: Cli, tmp_path: Path) -> None:
    run(cli, tmp_path, SEED, name="seed.csv")
    text = HEADER + "+15550100002,ann@example.com,Bob,Bobco,tue,\n"
    summary = run(cli, tmp_path, text)
    assert outcomes(cli, summary) == [("added", ["email_in_use"])]
    assert cli.rows(summary)["email"].to_list() == [None]
    assert summary["contacts"] == {"created": 1, "existing": 0}
    assert warned(summary, "email_in_use") == ["1 rows: email_in_use (the field was left empty)"]
    assert contacts(cli) == [ANN, ("+15550100002", None, "Bob", "Bobco")]


def test_email_in_use_by_an_earlier_row_of_the_file_is_dropped(cli: Cli, tmp_path: Path) -> None:
    text = HEADER + (
        "+15550100001,shared@example.com,Ann,,mon,\n"
        "+15550100002,Shared@Example.com,Bob,,tue,\n"
        "+15550100003,cy@example.com,Cy,,wed,\n"
    )
    summary = run(cli, tmp_path, text)
    assert outcomes(cli, summary) == [("added", []), ("added", ["email_in_use"]), ("added", [])]
    assert [r[1] for r in contacts(cli)] == ["shared@example.com", None, "cy@example.com"]


def test_phone_in_use_when_the_key_is_email(cli: Cli, tmp_path: Path) -> None:
    run(cli, tmp_path, SEED, "--key", "email", name="seed.csv")
    text = HEADER + (
        "+15550100001,bob@example.com,Bob,,tue,\n"  # Ann's phone: in the store
        "+15550100003,cy@example.com,Cy,,wed,\n"
        "(555) 010-0003,dee@example.com,Dee,,thu,\n"  # Cy's phone: earlier in the file
    )
    summary = run(cli, tmp_path, text, "--key", "email")
    assert outcomes(cli, summary) == [
        ("added", ["phone_in_use"]),
        ("added", []),
        ("added", ["phone_in_use"]),
    ]
    assert warned(summary, "phone_in_use") == ["2 rows: phone_in_use (the field was left empty)"]
    assert [r[:2] for r in contacts(cli)] == [
        ("+15550100001", "ann@example.com"),
        (None, "bob@example.com"),
        ("+15550100003", "cy@example.com"),
        (None, "dee@example.com"),
    ]


def test_update_never_takes_another_contacts_email(cli: Cli, tmp_path: Path) -> None:
    seed = HEADER + ("+15550100001,ann@example.com,Ann,,,\n+15550100002,bob@example.com,Bob,,,\n")
    run(cli, tmp_path, seed, name="seed.csv")
    text = HEADER + (
        "+15550100001,bob@example.com,Ann L,,,\n"  # Bob's email: stays Bob's
        "+15550100002,new@example.com,Bob B,,,\n"  # Bob changes his own email: fine
        "+15550100003,new@example.com,Cy,,,\n"  # taken by Bob's row just before
    )
    summary = run(cli, tmp_path, text, "--on-duplicate", "update")
    assert outcomes(cli, summary) == [
        ("updated", ["email_in_use"]),
        ("updated", []),
        ("added", ["email_in_use"]),
    ]
    assert [r[:3] for r in contacts(cli)] == [
        ("+15550100001", "ann@example.com", "Ann L"),
        ("+15550100002", "new@example.com", "Bob B"),
        ("+15550100003", None, "Cy"),
    ]


def test_skip_does_not_flag_an_email_it_does_not_write(cli: Cli, tmp_path: Path) -> None:
    """With skip an existing contact is left unchanged, so its row's email conflicts nothing."""
    seed = HEADER + "+15550100001,ann@example.com,Ann,,,\n+15550100002,bob@example.com,Bob,,,\n"
    run(cli, tmp_path, seed, name="seed.csv")
    summary = run(cli, tmp_path, HEADER + "+15550100001,bob@example.com,Ann,,,\n")
    assert outcomes(cli, summary) == [("skipped_existing", [])]
    assert [r[1] for r in contacts(cli)] == ["ann@example.com", "bob@example.com"]


# --- --replace-pending ----------------------------------------------------------------------

FOUR = HEADER + "".join(f"+1555010000{i},p{i}@example.com,P{i},,run1,\n" for i in range(1, 5))
FIVE = HEADER + "".join(f"+1555010000{i},p{i}@example.com,P{i},,run2,\n" for i in range(1, 6))
STATUSES = {1: "pending", 2: "skipped", 3: "completed", 4: "failed"}


def _set_statuses(db: Path, campaign: int) -> None:
    """What the dialer downstream does; the CLI never sets these."""
    con = duckdb.connect(str(db))
    try:
        for contact_id, status in STATUSES.items():
            con.execute(
                "UPDATE campaign_contacts SET status = ? WHERE campaign_id = ? AND contact_id = ?",
                [status, campaign, contact_id],
            ).fetchall()
    finally:
        con.close()


def _replace_setup(cli: Cli, tmp_path: Path) -> tuple[int, int]:
    campaign, other = cli.campaign("Target"), cli.campaign("Other")
    run(cli, tmp_path, FOUR, "--campaign", str(campaign), name="run1.csv")
    run(cli, tmp_path, FOUR, "--campaign", str(other), name="run1.csv")
    _set_statuses(cli.db, campaign)
    return campaign, other


def test_replace_pending_deletes_pending_and_skipped_only(cli: Cli, tmp_path: Path) -> None:
    campaign, other = _replace_setup(cli, tmp_path)
    summary = run(
        cli, tmp_path, FIVE, "--campaign", str(campaign), "--replace-pending", name="run2.csv"
    )
    assert [o for o, _ in outcomes(cli, summary)] == [
        "added",
        "added",
        "skipped_existing",
        "skipped_existing",
        "added",
    ]
    assert summary["counts"] == counts(added=3, skipped_existing=2)
    assert summary["contacts"] == {"created": 1, "existing": 4}
    assert (summary["imported_count"], summary["total_contacts"]) == (3, 5)
    assert sorted((cid, status, v["appt"]) for cid, status, v in entries(cli, campaign)) == [
        (1, "pending", "run2"),
        (2, "pending", "run2"),
        (3, "completed", "run1"),
        (4, "failed", "run1"),
        (5, "pending", "run2"),
    ]
    # The other campaign's pending entries are not this import's business.
    assert [status for _, status, _ in entries(cli, other)] == ["pending"] * 4
    listed = cli("campaign", "list", "--json")
    by_id = {c["campaign_id"]: c["entries"] for c in map(json.loads, listed.stdout.splitlines())}
    assert by_id[campaign] == {"pending": 3, "skipped": 0, "completed": 1, "failed": 1}
    assert by_id[other] == {"pending": 4, "skipped": 0, "completed": 0, "failed": 0}


def test_entry_ids_of_deleted_entries_are_never_issued_again(cli: Cli, tmp_path: Path) -> None:
    """--replace-pending deletes the top entries; the next entries, in this import and the
    ones after it, get ids above every id ever issued (a reused id pointed a dialer that
    kept it at another contact)."""
    campaign, _ = _replace_setup(cli, tmp_path)  # entries 1-4 here, 5-8 in the other
    issued = {row[0] for row in cli.query("SELECT entry_id FROM campaign_contacts")}
    con = duckdb.connect(str(cli.db))  # the other campaign's entries, all pending, go too
    con.execute("UPDATE campaign_contacts SET campaign_id = ? WHERE entry_id > 4", [campaign])
    con.close()
    nothing = HEADER + "+15550100001,p1@example.com,P1,,run2,\n"  # entry 1 is pending
    run(cli, tmp_path, nothing, "--campaign", str(campaign), "--replace-pending", name="a.csv")
    run(cli, tmp_path, FIVE, "--campaign", str(campaign), "--replace-pending", name="b.csv")
    now = {row[0] for row in cli.query("SELECT entry_id FROM campaign_contacts")}
    new = now - issued
    assert new and min(new) > max(issued), (sorted(issued), sorted(now))


def test_replace_pending_dry_run_counts_without_writing(cli: Cli, tmp_path: Path) -> None:
    campaign, _ = _replace_setup(cli, tmp_path)
    before = cli.snapshot()
    summary = run(
        cli,
        tmp_path,
        FIVE,
        "--campaign",
        str(campaign),
        "--replace-pending",
        "--dry-run",
        name="run2.csv",
    )
    assert summary["dry_run"] is True
    assert summary["counts"] == counts(added=3, skipped_existing=2)
    assert summary["contacts"] == {"created": 1, "existing": 4}
    assert (summary["imported_count"], summary["total_contacts"]) == (3, 5)
    assert cli.snapshot() == before


def test_replace_pending_with_update_and_create_new(cli: Cli, tmp_path: Path) -> None:
    campaign, _ = _replace_setup(cli, tmp_path)
    summary = run(
        cli,
        tmp_path,
        FIVE,
        "--campaign",
        str(campaign),
        "--replace-pending",
        "--on-duplicate",
        "update",
        name="run2.csv",
    )
    assert [o for o, _ in outcomes(cli, summary)] == [
        "added",
        "added",
        "updated",
        "updated",
        "added",
    ]
    assert summary["total_contacts"] == 5
    _set_statuses(cli.db, campaign)  # contacts 1, 2 get fresh pending/skipped entries again
    summary = run(
        cli,
        tmp_path,
        FIVE,
        "--campaign",
        str(campaign),
        "--replace-pending",
        "--on-duplicate",
        "create_new",
        name="run3.csv",
    )
    # 3 and 4 keep their completed/failed entries and get a second one each.
    assert summary["counts"] == counts(added=5)
    assert summary["total_contacts"] == 7
    statuses = sorted(status for _, status, _ in entries(cli, campaign))
    assert statuses == ["completed", "failed"] + ["pending"] * 5


def test_replace_pending_needs_a_campaign(cli: Cli, tmp_path: Path) -> None:
    run(cli, tmp_path, FOUR, name="run1.csv")
    before = cli.snapshot()
    result = cli.run_import(str(write_csv(tmp_path, FIVE)), "--replace-pending")
    assert result.exit_code == 2
    assert "--replace-pending needs --campaign" in result.stderr
    assert cli.snapshot() == before


def test_replace_pending_deletes_nothing_when_the_file_fails(cli: Cli, tmp_path: Path) -> None:
    campaign, _ = _replace_setup(cli, tmp_path)
    before = cli.snapshot()
    no_key = write_csv(tmp_path, "name,appt\nAnn,mon\n", "nokey.csv")
    result = cli.run_import(str(no_key), "--campaign", str(campaign), "--replace-pending")
    assert result.exit_code == 65
    assert "No phone column detected" in result.stderr
    after = cli.snapshot()
    for table in ("contacts", "campaign_contacts", "campaigns"):
        assert after[table] == before[table]


def test_replace_pending_is_rolled_back_with_a_failed_write(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The delete is part of the import's one transaction: a later failure undoes it."""
    campaign, _ = _replace_setup(cli, tmp_path)
    before = cli.snapshot()

    def broken(*args: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "_insert_entries", broken)
    path = write_csv(tmp_path, FIVE, "run2.csv")
    result = cli.run_import(str(path), "--campaign", str(campaign), "--replace-pending", "--json")
    assert result.exit_code == 70
    assert "disk on fire" in result.stderr
    after = cli.snapshot()
    for table in ("contacts", "campaign_contacts", "campaigns"):
        assert after[table] == before[table]
    summary = cli.summary(result)
    failed = cli.query(
        f"SELECT status, error_code FROM imports WHERE import_id = '{summary['import_id']}'"
    )
    assert failed == [("failed", "IMPORT_FAILED")]


# --- counts and idempotent nightly runs -----------------------------------------------------

MIXED = HEADER + (
    "+15550100001,ann@example.com,Ann,,a,\n"  # exists in the store, not in the campaign
    "+15550100002,bob@example.com,Bob,,b,\n"  # new
    "+15550100002,bob@example.com,Bob,,c,\n"  # duplicate of the row above
    "555-0100,x@example.com,Bad,,d,\n"  # rejected: invalid phone
    "+15550100003,,Cy,,e,\n"  # new
    "+15550100001,,Ann,,f,\n"  # duplicate of an existing contact's row
)


@pytest.mark.parametrize("dry_run", [False, True])
def test_counts(cli: Cli, tmp_path: Path, dry_run: bool) -> None:
    run(cli, tmp_path, SEED, name="seed.csv")
    campaign = cli.campaign()
    before = cli.snapshot()
    extra = ["--dry-run"] if dry_run else []
    summary = run(cli, tmp_path, MIXED, "--campaign", str(campaign), *extra)
    assert summary["counts"] == counts(added=3, duplicate_in_file=2, rejected=1)
    assert sum(summary["counts"].values()) == summary["total_rows"] == 6
    assert summary["contacts"] == {"created": 2, "existing": 1}
    assert summary["imported_count"] == 3
    assert summary["total_contacts"] == 3
    if dry_run:
        assert cli.snapshot() == before
    else:
        assert cli.query("SELECT count(*) FROM contacts") == [(3,)]
        record = cli.query(
            "SELECT added, duplicate_in_file, rejected, contacts_created, contacts_existing "
            f"FROM imports WHERE import_id = '{summary['import_id']}'"
        )
        assert record == [(3, 2, 1, 2, 1)]


def test_total_contacts_counts_all_entries_of_the_campaign(cli: Cli, tmp_path: Path) -> None:
    campaign = cli.campaign()
    run(cli, tmp_path, FOUR, "--campaign", str(campaign), name="run1.csv")
    summary = run(cli, tmp_path, FIVE, "--campaign", str(campaign), name="run2.csv")
    assert summary["counts"] == counts(added=1, skipped_existing=4)
    assert summary["total_contacts"] == 5
    dry = run(
        cli,
        tmp_path,
        FIVE,
        "--campaign",
        str(campaign),
        "--on-duplicate",
        "create_new",
        "--dry-run",
        name="run3.csv",
    )
    assert dry["total_contacts"] == 10  # what the campaign would hold


@pytest.mark.parametrize("campaign_given", [True, False])
def test_same_file_twice_with_skip_adds_nothing(
    cli: Cli, tmp_path: Path, campaign_given: bool
) -> None:
    args = ["--campaign", str(cli.campaign())] if campaign_given else []
    first = run(cli, tmp_path, MIXED, *args)
    before = cli.snapshot()
    second = run(cli, tmp_path, MIXED, *args)
    assert first["counts"] == counts(added=3, duplicate_in_file=2, rejected=1)
    assert second["counts"] == counts(skipped_existing=3, duplicate_in_file=2, rejected=1)
    assert second["contacts"] == {"created": 0, "existing": 3}
    assert second["imported_count"] == 0
    after = cli.snapshot()
    for table in ("contacts", "campaign_contacts", "campaigns"):
        assert after[table] == before[table]
    assert len(after["imports"]) == len(before["imports"]) + 1
