"""`contacts-etl inspect`: what an import would do, through the CLI, writing nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CASES, Cli, write_csv
from tests.test_cli_exports import EXPORTS, _expected

OUTLOOK = CASES / "exports" / "outlook_en" / "input.csv"
FIELD7 = CASES / "exports" / "generic_field7" / "input.csv"
REPORT_KEYS = {
    "file_name",
    "encoding",
    "delimiter",
    "header_line",
    "total_rows",
    "key",
    "columns",
    "resolution",
    "samples",
    "valid_share",
    "counts",
}


def test_human_report_names_every_decision(cli: Cli) -> None:
    result = cli("inspect", str(OUTLOOK))
    assert result.exit_code == 0, result.output
    out = result.stdout
    for line in (
        "file:        input.csv",
        "encoding:    utf-8",
        "delimiter:   comma",
        "header line: 1",
        "data rows:   5",
        "key:         phone",
        "a dry run would give: 4 added, 0 updated, 0 already there, 0 duplicates in the file, "
        "1 rejected",
    ):
        assert line in out.splitlines(), line
    lines = {ln.split("->")[0].strip(): ln for ln in out.splitlines() if "->" in ln}
    assert "phone_number #1 (words)  50% valid" in lines["Mobile Phone"]
    assert "phone_number #2 (words)  100% valid" in lines["Primary Phone"]
    assert "variable business_fax  [not a field: fax]" in lines["Business Fax"]
    assert "[not a field: somebody else's]" in lines["Assistant's Phone"]
    assert "variable title  [not a field: also resolves to job_title]" in lines["Title"]
    assert "e.g. 'Mr.', 'Ms.', 'Dr.'" in out
    assert (
        "phone_number candidates, in the order rows try them: Mobile Phone, Primary Phone, "
        "Business Phone," in out
    )
    assert "warning: not phone/email candidates: \"Assistant's Phone\" (somebody else's)" in out
    assert not cli.db.exists()


def test_json_report(cli: Cli) -> None:
    result = cli("inspect", str(FIELD7), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert REPORT_KEYS <= set(report)
    assert report["file_name"] == "input.csv"
    assert (report["encoding"], report["delimiter"], report["header_line"]) == ("utf-8", ",", 1)
    assert report["total_rows"] == 10
    assert report["key"] == "phone"
    assert report["columns"]["Field 7"] == "phone_number"
    assert report["resolution"] == {"Field 7": "content"}
    assert report["valid_share"] == {"Field 7": 0.9}
    assert report["samples"]["Field 7"] == ["(312) 555-0101", "312-555-0102", "+1 312 555 0103"]
    assert report["samples"]["Comment"] == ["met at expo"]
    assert all(len(v) <= 3 for v in report["samples"].values())
    assert report["counts"] == {
        "added": 9,
        "updated": 0,
        "skipped_existing": 0,
        "duplicate_in_file": 0,
        "rejected": 1,
    }
    assert any("'Field 7' resolved to phone_number by its content" in w for w in report["warnings"])


def test_json_report_of_an_empty_candidate_column(cli: Cli) -> None:
    result = cli("inspect", str(OUTLOOK), "--json")
    report = json.loads(result.stdout)
    assert report["valid_share"]["Car Phone"] is None  # no values: no share
    assert report["valid_share"]["E-mail Address"] == 1.0
    assert set(report["valid_share"]) == {
        *report["candidates"]["phone_number"],
        *report["candidates"]["email"],
    }


@pytest.mark.parametrize("input_csv", EXPORTS, ids=[p.parent.name for p in EXPORTS])
def test_written_mapping_reproduces_the_resolution(
    cli: Cli, tmp_path: Path, input_csv: Path
) -> None:
    args = _expected(input_csv).get("args", [])
    saved = tmp_path / "saved" / "mapping.json"
    result = cli("inspect", str(input_csv), "--write-mapping", str(saved), *args)
    assert result.exit_code == 0, result.output
    mapping = json.loads(saved.read_text(encoding="utf-8"))
    plain = cli.run_import(str(input_csv), "--json", "--dry-run", *args)
    mapped = cli.run_import(str(input_csv), "--json", "--dry-run", "--mapping", str(saved), *args)
    assert plain.exit_code == mapped.exit_code == 0, mapped.output
    before, after = cli.summary(plain), cli.summary(mapped)
    assert after["columns"] == before["columns"]
    assert after["key"] == before["key"]
    assert after["counts"] == before["counts"]
    for header, how in before["resolution"].items():
        assert after["resolution"][header] == ("mapping" if header in mapping else how), header
    columns = ["row", "outcome", "reasons", "phone_number", "email", "name", "country"]
    old, new = cli.rows(before), cli.rows(after)
    assert new.select(columns).to_dicts() == old.select(columns).to_dicts()
    assert [json.loads(v) for v in new["variables"]] == [json.loads(v) for v in old["variables"]]
    assert not cli.db.exists()


def test_written_mapping_keeps_mobile_first_by_leaving_later_columns_to_the_words(
    cli: Cli, tmp_path: Path
) -> None:
    saved = tmp_path / "m.json"
    assert cli("inspect", str(OUTLOOK), "--write-mapping", str(saved)).exit_code == 0
    mapping = json.loads(saved.read_text(encoding="utf-8"))
    phones = [h for h, t in mapping.items() if t == "phone_number"]
    assert phones == ["Mobile Phone", "Primary Phone"]  # Business Phone comes earlier in the file
    assert mapping["Title"] == "title"
    assert mapping["Job Title"] == "job_title"
    assert mapping["Business Fax"] == "business_fax"


def test_write_mapping_to_a_path_that_cannot_be_written(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("not a folder")
    saved = tmp_path / "afile" / "m.json"
    result = cli("inspect", str(OUTLOOK), "--write-mapping", str(saved))
    assert result.exit_code == 65
    assert result.stdout == ""
    assert result.stderr == f"Error: Cannot write {saved}: Not a directory (--write-mapping)\n"
    assert not cli.db.exists()


def test_a_reader_that_goes_away_is_no_internal_failure(tmp_path: Path) -> None:
    """`contacts-etl inspect FILE | head -1`: the pipe closes before the report is printed."""
    command = [sys.executable, "-m", "etl", "--db", str(tmp_path / "s.duckdb")]
    process = subprocess.Popen(
        [*command, "inspect", str(OUTLOOK)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # long before the file is read
    stderr = process.stderr.read().decode()
    assert process.wait() == 1  # as `imports list` and `campaign list`: Click's own EPIPE exit
    assert stderr == ""


def test_inspect_reads_an_existing_store_and_changes_nothing(cli: Cli, tmp_path: Path) -> None:
    campaign = cli.campaign()
    first = cli.run_import(str(OUTLOOK), "--campaign", str(campaign))
    assert first.exit_code == 0, first.output
    before = cli.snapshot()
    reports = sorted(p.name for p in cli.reports.iterdir())
    result = cli("inspect", str(OUTLOOK), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    # no --campaign: the contacts exist, so a dry run would skip them
    assert report["counts"]["skipped_existing"] == 4
    assert report["counts"]["rejected"] == 1
    assert cli.snapshot() == before
    assert sorted(p.name for p in cli.reports.iterdir()) == reports


def test_inspect_honours_mapping_and_key(cli: Cli, tmp_path: Path) -> None:
    mapping = json.dumps({"E-mail 2 Address": "email", "Notes": None})
    result = cli("inspect", str(OUTLOOK), "--json", "--key", "email", "--mapping", mapping)
    report = json.loads(result.stdout)
    assert report["key"] == "email"
    assert report["candidates"]["email"] == [
        "E-mail 2 Address",
        "E-mail Address",
        "E-mail 3 Address",
    ]
    assert report["resolution"]["E-mail 2 Address"] == "mapping"
    assert report["columns"]["Notes"] is None


@pytest.mark.parametrize(
    ("args", "text", "code", "message"),
    [
        ((), None, 66, "Error: missing.csv: File not found:"),
        ((), "Name,Notes\nAda,hi\n", 65, "Error: input.csv: No phone column detected"),
        (
            ("--key", "phone"),
            "Name,Email\nAda,a@b.co\n",
            65,
            "Error: input.csv: No phone column detected",
        ),
        (
            ("--mapping", "[1]"),
            "Phone\n5551234567\n",
            65,
            "Error: input.csv: --mapping is neither a JSON object",
        ),
        (
            ("--max-rows", "1"),
            "Phone\n5551234567\n5551234568\n",
            65,
            "Error: input.csv: The file has more than 1 data rows",
        ),
        ((), "Phone\n", 65, "Error: input.csv: The file has a header but no data rows"),
    ],
)
def test_file_level_errors_are_one_line_and_an_exit_code(
    cli: Cli, tmp_path: Path, args: tuple[str, ...], text: str | None, code: int, message: str
) -> None:
    path = tmp_path / "missing.csv" if text is None else write_csv(tmp_path, text)
    saved = tmp_path / "never.json"
    result = cli("inspect", str(path), *args, "--write-mapping", str(saved))
    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not saved.exists()
    assert not cli.db.exists()


def test_inspect_bad_encoding(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("Name,Phone\nJürgen,5551234567\n".encode("latin-1"))
    result = cli("inspect", str(path))
    assert result.exit_code == 65
    assert result.stderr.startswith("Error: latin.csv: Line 2: bytes that are not valid utf-8")
    ok = cli("inspect", str(path), "--encoding", "latin-1", "--json")
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["samples"]["Name"] == ["Jürgen"]


# --- the options that decide outcomes: inspect previews the import they describe -------------

DECIDING = (
    "Phone,Email,Name,Company\n"
    "+15550100001,ann@example.com,Ann,,\n"  # in the campaign (seeded below)
    "+15550100002,bob@example.com,Bob,Bobco\n"  # in the store, not in the campaign
    "+15550100003,cy@example.com,Cy,\n"  # new
    "+15550100003,cy2@example.com,Cy again,\n"  # duplicate in the file
    "+15550100004,,Dee,\n"  # new
    "+15550100005,not-an-email,Eve,\n"  # invalid email: a warning, rejected with --strict
    "555-0100,x@example.com,Bad,\n"  # invalid phone: rejected
)


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("--strict",),
        ("--on-duplicate", "update"),
        ("--campaign", "{c}"),
        ("--campaign", "{c}", "--strict"),
        ("--campaign", "{c}", "--on-duplicate", "update"),
        ("--campaign", "{c}", "--on-duplicate", "create_new"),
        ("--campaign", "{c}", "--replace-pending"),
        ("--campaign", "{c}", "--replace-pending", "--on-duplicate", "update", "--strict"),
    ],
    ids=lambda a: " ".join(a) or "defaults",
)
def test_counts_are_those_of_the_dry_run_with_the_same_options(
    cli: Cli, tmp_path: Path, args: tuple[str, ...]
) -> None:
    campaign, other = cli.campaign("c"), cli.campaign("other")
    seed = write_csv(tmp_path, "Phone\n+15550100001\n", name="seed1.csv")
    assert cli.run_import(str(seed), "--campaign", str(campaign)).exit_code == 0
    seed = write_csv(tmp_path, "Phone\n+15550100002\n", name="seed2.csv")
    assert cli.run_import(str(seed), "--campaign", str(other)).exit_code == 0
    path = write_csv(tmp_path, DECIDING)
    options = [a.format(c=campaign) for a in args]
    before = cli.snapshot()
    inspected = cli("inspect", str(path), "--json", *options)
    assert inspected.exit_code == 0, inspected.output
    report = json.loads(inspected.stdout)
    dry = cli.summary(cli.run_import(str(path), "--json", "--dry-run", *options))
    real = cli.summary(cli.run_import(str(path), "--json", *options))
    for name in ("counts", "contacts", "imported_count", "total_contacts", "warnings"):
        assert report[name] == dry[name] == real[name], name
    assert report["campaign_id"] == (campaign if "--campaign" in args else None)
    assert cli.snapshot()["contacts"] != before["contacts"]  # the real import wrote


def test_campaign_changes_the_preview(cli: Cli, tmp_path: Path) -> None:
    first = cli.campaign("first")
    assert cli.run_import(str(OUTLOOK), "--campaign", str(first)).exit_code == 0
    second = cli.campaign("second")
    result = cli("inspect", str(OUTLOOK), "--campaign", str(second))
    assert result.exit_code == 0, result.output
    # the contacts exist, but not in this campaign: the import would add them to it
    assert (
        "a dry run into campaign 2 would give: 4 added, 0 updated, 0 already there, "
        "0 duplicates in the file, 1 rejected" in result.stdout.splitlines()
    )


def test_unknown_campaign_is_not_found(cli: Cli) -> None:
    cli.campaign()
    before = cli.snapshot()
    result = cli("inspect", str(OUTLOOK), "--campaign", "99")
    assert result.exit_code == 67
    assert result.stdout == ""
    assert result.stderr == "Error: input.csv: Campaign 99 not found\n"
    assert cli.snapshot() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--replace-pending",), "--replace-pending needs --campaign"),
        (("--on-duplicate", "create_new"), "--on-duplicate create_new needs --campaign"),
    ],
)
def test_options_that_need_a_campaign(cli: Cli, args: tuple[str, ...], message: str) -> None:
    result = cli("inspect", str(OUTLOOK), *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not cli.db.exists()
