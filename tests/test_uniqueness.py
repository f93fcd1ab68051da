"""Phone numbers and emails stay unique among contacts: the job enforces it (SPEC 6 and 7).

The store has no UNIQUE constraint on them (migration 2 dropped it for speed), so these
tests are what guards the guarantee: imports that try every way of creating a second
contact with a taken phone or email, then a look at the tables.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Cli, write_csv


def assert_unique(cli: Cli) -> None:
    for column in ("phone_number", "email", "contact_id"):
        dupes = cli.query(
            f"SELECT {column}, count(*) FROM contacts WHERE {column} IS NOT NULL "
            f"GROUP BY {column} HAVING count(*) > 1"
        )
        assert dupes == [], f"{column} not unique: {dupes}"
    assert (
        cli.query("SELECT entry_id FROM campaign_contacts GROUP BY entry_id HAVING count(*) > 1")
        == []
    )


def _import(cli: Cli, path: Path, *args: str) -> dict:
    result = cli.run_import(str(path), "--json", *args)
    assert result.exit_code == 0, result.output
    return cli.summary(result)


def test_taken_values_are_dropped_not_duplicated(cli: Cli, tmp_path: Path) -> None:
    campaign = str(cli.campaign())
    first = write_csv(
        tmp_path,
        "Phone,Email\n5551230001,a@example.com\n5551230002,b@example.com\n",
        "first.csv",
    )
    _import(cli, first, "--campaign", campaign)
    second = write_csv(
        tmp_path,
        "Phone,Email\n"
        "555-123-0003,a@example.com\n"  # new contact, email held by another contact
        "(555) 123-0001,b@example.com\n"  # existing contact takes another's email (update)
        "5551230004,new@example.com\n"
        "5551230005,NEW@example.com\n"  # same email as the row before, another contact
        "+1 555 123 0004,other@example.com\n",  # in-file duplicate of a new key
        "second.csv",
    )
    summary = _import(cli, second, "--campaign", campaign, "--on-duplicate", "update")
    assert summary["counts"]["duplicate_in_file"] == 1
    assert_unique(cli)
    assert cli.query("SELECT count(*) FROM contacts") == [(5,)]
    by_phone = dict(cli.query("SELECT phone_number, email FROM contacts"))
    assert by_phone["+15551230001"] == "a@example.com"
    assert by_phone["+15551230003"] is None
    assert by_phone["+15551230005"] is None
    by_email = write_csv(
        tmp_path,
        "Email,Phone\n"
        "c@example.com,5551230002\n"  # new contact keyed by email, phone held by another
        "d@example.com,5551230009\n"
        "e@example.com,555.123.0009\n",  # same phone as the row before, another contact
        "third.csv",
    )
    summary = _import(cli, by_email, "--campaign", campaign, "--key", "email")
    assert summary["counts"]["added"] == 3
    assert_unique(cli)
    assert dict(cli.query("SELECT email, phone_number FROM contacts"))["e@example.com"] is None


_PHONES = [f"555123{n:04d}" for n in range(6)]
_EMAILS = [f"user{n}@example.com" for n in range(6)]
_rows = st.lists(
    st.tuples(st.sampled_from([*_PHONES, ""]), st.sampled_from([*_EMAILS, ""])),
    min_size=1,
    max_size=8,
)
_imports = st.lists(
    st.tuples(
        _rows,
        st.sampled_from(["phone", "email"]),
        st.sampled_from(["skip", "update", "create_new"]),
    ),
    min_size=1,
    max_size=3,
)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(imports=_imports)
def test_no_sequence_of_imports_duplicates_a_phone_or_email(
    tmp_path_factory: object, imports: list
) -> None:
    folder: Path = tmp_path_factory.mktemp("unique")  # type: ignore[attr-defined]
    cli = Cli(folder / "store.duckdb", folder / "reports")
    campaign = str(cli.campaign())
    for index, (rows, key, on_duplicate) in enumerate(imports):
        text = "Phone,Email\n" + "".join(f"{p},{e}\n" for p, e in rows)
        path = write_csv(folder, text, f"file{index}.csv")
        result = cli.run_import(
            str(path), "--campaign", campaign, "--key", key, "--on-duplicate", on_duplicate
        )
        only_empty_rows = all(not p and not e for p, e in rows)  # ignored like blank lines
        assert result.exit_code == (65 if only_empty_rows else 0), result.output
        assert_unique(cli)
