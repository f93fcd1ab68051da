"""Import history through the CLI: --import-id, `imports list/show`, `campaign list`, export."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.conftest import Cli, write_csv

HEADER = "phone,email,name,metadata,appt\n"
ROWS = (
    '+15550100001,ann@example.com,Ann,"{""vip"": true, ""n"": [1, 2]}",mon\n'
    "+15550100002,bob@example.com,Bob,,tue\n"
    "555-0100,bad@example.com,Bad,,wed\n"
)
SHOW_FIELDS = {
    "import_id",
    "campaign_id",
    "file_name",
    "file_sha256",
    "status",
    "key",
    "total_rows",
    "counts",
    "error",
    "started_at",
    "finished_at",
    "report_dir",
}
COUNT_FIELDS = {"added", "updated", "skipped_existing", "duplicate_in_file", "rejected"}


def run(cli: Cli, folder: Path, text: str, *args: str, name: str = "input.csv") -> dict[str, Any]:
    result = cli.run_import(str(write_csv(folder, text, name)), "--json", *args)
    assert result.exit_code == 0, result.output
    return cli.summary(result)


def listed(cli: Cli, *args: str) -> list[dict[str, Any]]:
    result = cli("imports", "list", "--json", *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def show(cli: Cli, import_id: str) -> dict[str, Any]:
    result = cli("imports", "show", import_id, "--json")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 1
    return json.loads(result.stdout)


def utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    offset = moment.utcoffset()
    assert offset is not None and offset.total_seconds() == 0
    return moment


# --- --import-id -----------------------------------------------------------------------------


def test_import_id_names_the_import(cli: Cli, tmp_path: Path) -> None:
    wanted = "6F9619FF-8B86-D011-B42D-00CF4FC964FF"  # upper case: stored in canonical form
    summary = run(cli, tmp_path, HEADER + ROWS, "--import-id", wanted)
    canonical = str(uuid.UUID(wanted))
    assert summary["import_id"] == canonical
    assert (cli.reports / canonical / "summary.json").exists()
    assert show(cli, wanted)["import_id"] == canonical
    assert cli.query("SELECT DISTINCT CAST(import_id AS VARCHAR) FROM contacts") == [(canonical,)]


def test_reused_import_id_is_refused_and_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    campaign = cli.campaign()
    wanted = str(uuid.uuid4())
    run(cli, tmp_path, HEADER + ROWS, "--campaign", str(campaign), "--import-id", wanted)
    original = (cli.reports / wanted / "summary.json").read_text()
    before = cli.snapshot()
    other = HEADER + "+15550100009,zed@example.com,Zed,,thu\n"
    path = write_csv(tmp_path, other, "other.csv")
    result = cli.run_import(
        str(path), "--campaign", str(campaign), "--import-id", wanted.upper(), "--json"
    )
    assert result.exit_code == 65
    assert f"--import-id {wanted} was already used by another import" in result.stderr
    assert cli.snapshot() == before
    # The first import's report is not overwritten; the refusal has a report of its own.
    assert (cli.reports / wanted / "summary.json").read_text() == original
    refused = cli.summary(result)
    assert refused["import_id"] != wanted
    assert refused["success"] is False
    assert refused["error"]["code"] == "INVALID_ARGUMENT"


def test_malformed_import_id_is_refused(cli: Cli, tmp_path: Path) -> None:
    cli.campaign()
    before = cli.snapshot()
    result = cli.run_import(str(write_csv(tmp_path, HEADER + ROWS)), "--import-id", "nightly-1")
    assert result.exit_code == 65
    assert "--import-id must be a UUID, not 'nightly-1'" in result.stderr
    assert cli.snapshot() == before


def test_other_failure_with_an_import_id_is_recorded_under_it(cli: Cli, tmp_path: Path) -> None:
    """Only a reused id goes unrecorded: any other failure keeps the id the user gave."""
    wanted = str(uuid.uuid4())
    path = write_csv(tmp_path, HEADER + ROWS)
    result = cli.run_import(str(path), "--import-id", wanted, "--mapping", "[1, 2]", "--json")
    assert result.exit_code == 65
    item = show(cli, wanted)
    assert item["status"] == "failed"
    assert item["error"]["code"] == "INVALID_ARGUMENT"
    assert cli.summary(result)["import_id"] == wanted


def test_dry_run_keeps_no_record_so_its_id_stays_free(cli: Cli, tmp_path: Path) -> None:
    wanted = str(uuid.uuid4())
    cli.campaign()
    run(cli, tmp_path, HEADER + ROWS, "--import-id", wanted, "--dry-run")
    assert cli.query("SELECT count(*) FROM imports") == [(0,)]
    summary = run(cli, tmp_path, HEADER + ROWS, "--import-id", wanted)
    assert show(cli, wanted)["counts"] == summary["counts"]


# --- imports list / show ---------------------------------------------------------------------


def _history(cli: Cli, tmp_path: Path) -> tuple[int, int, list[dict[str, Any]]]:
    """Three imports into two campaigns, one of them failed; summaries oldest first."""
    first, second = cli.campaign("A"), cli.campaign("B")
    a = run(cli, tmp_path, HEADER + ROWS, "--campaign", str(first), name="a.csv")
    b = run(cli, tmp_path, HEADER + ROWS, "--campaign", str(second), name="b.csv")
    no_key = write_csv(tmp_path, "name,company\nAnn,Acme\nBob,Bobco\n", "nokey.csv")
    result = cli.run_import(str(no_key), "--campaign", str(first), "--json")
    assert result.exit_code == 65
    assert "No phone column detected" in result.stderr
    c = cli.summary(result)
    return first, second, [a, b, c]


def test_imports_list_newest_first_and_by_campaign(cli: Cli, tmp_path: Path) -> None:
    first, second, (a, b, c) = _history(cli, tmp_path)
    items = listed(cli)
    assert [i["import_id"] for i in items] == [c["import_id"], b["import_id"], a["import_id"]]
    assert [i["status"] for i in items] == ["failed", "completed", "completed"]
    assert all(set(i) == SHOW_FIELDS for i in items)
    started = [utc(i["started_at"]) for i in items]
    assert started == sorted(started, reverse=True)
    assert [i["import_id"] for i in listed(cli, "--campaign", str(first))] == [
        c["import_id"],
        a["import_id"],
    ]
    assert [i["import_id"] for i in listed(cli, "--campaign", str(second))] == [b["import_id"]]
    assert listed(cli, "--campaign", "99") == []
    human = cli("imports", "list")
    assert human.exit_code == 0
    lines = human.stdout.splitlines()
    assert len(lines) == 3 and lines[0].startswith(c["import_id"])
    assert "NO_KEY_COLUMN" in lines[0]


def test_imports_list_shows_an_import_without_campaign_as_a_dash(cli: Cli, tmp_path: Path) -> None:
    run(cli, tmp_path, HEADER + ROWS)
    line = cli("imports", "list").stdout
    assert "  campaign=-  input.csv  rows=3 " in line
    assert "None" not in line


def test_imports_show_completed(cli: Cli, tmp_path: Path) -> None:
    first, _, (a, _, _) = _history(cli, tmp_path)
    item = show(cli, a["import_id"])
    assert set(item) == SHOW_FIELDS
    assert item["import_id"] == a["import_id"]
    assert item["campaign_id"] == first
    assert item["file_name"] == "a.csv"
    assert item["file_sha256"] == a["file_sha256"] and len(item["file_sha256"]) == 64
    assert (item["status"], item["key"], item["total_rows"]) == ("completed", "phone", 3)
    assert set(item["counts"]) == COUNT_FIELDS
    assert (
        item["counts"]
        == a["counts"]
        == {
            "added": 2,
            "updated": 0,
            "skipped_existing": 0,
            "duplicate_in_file": 0,
            "rejected": 1,
        }
    )
    assert item["error"] is None
    started, finished = utc(item["started_at"]), utc(item["finished_at"])
    assert started <= finished <= datetime.now(UTC)
    assert Path(item["report_dir"]) == cli.reports / a["import_id"]
    assert (Path(item["report_dir"]) / "summary.json").exists()
    human = cli("imports", "show", a["import_id"])
    assert human.exit_code == 0 and json.loads(human.stdout) == item


def test_imports_show_failed(cli: Cli, tmp_path: Path) -> None:
    first, _, (_, _, c) = _history(cli, tmp_path)
    item = show(cli, c["import_id"])
    assert set(item) == SHOW_FIELDS
    assert item["status"] == "failed"
    assert item["campaign_id"] == first
    assert item["file_name"] == "nokey.csv"
    assert item["file_sha256"] == c["file_sha256"] is not None
    assert item["key"] is None
    assert item["total_rows"] == 2
    assert item["counts"] == dict.fromkeys(COUNT_FIELDS, 0)
    assert item["error"] == {"code": "NO_KEY_COLUMN", "message": c["error"]["message"]}
    assert "No phone column detected" in item["error"]["message"]
    assert utc(item["started_at"]) <= utc(item["finished_at"])
    assert Path(item["report_dir"]) == cli.reports / c["import_id"]


def test_failed_write_is_recorded_as_failed(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from etl import store

    def broken(*args: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "_insert_contacts", broken)
    result = cli.run_import(str(write_csv(tmp_path, HEADER + ROWS)), "--json")
    assert result.exit_code == 70
    item = listed(cli)[0]
    assert item["status"] == "failed"
    assert item["error"]["code"] == "IMPORT_FAILED"
    assert "disk on fire" in item["error"]["message"]
    assert cli.query("SELECT count(*) FROM contacts") == [(0,)]


@pytest.mark.parametrize(
    ("wanted", "code", "message"),
    [
        (str(uuid.uuid4()), 66, "not found"),
        ("not-a-uuid", 65, "Not an import id (a UUID): 'not-a-uuid'"),
    ],
)
def test_imports_show_unknown(
    cli: Cli, tmp_path: Path, wanted: str, code: int, message: str
) -> None:
    run(cli, tmp_path, HEADER + ROWS)
    before = cli.snapshot()
    result = cli("imports", "show", wanted)
    assert result.exit_code == code
    assert message in result.stderr
    assert result.stdout == ""
    assert cli.snapshot() == before


# --- campaign list -------------------------------------------------------------------------


def test_campaign_list_counts_entries_by_status(cli: Cli, tmp_path: Path) -> None:
    first, second = cli.campaign("Spring"), cli.campaign("Empty")
    run(cli, tmp_path, HEADER + ROWS, "--campaign", str(first))
    result = cli("campaign", "list", "--json")
    assert result.exit_code == 0
    items = [json.loads(line) for line in result.stdout.splitlines()]
    assert [set(i) for i in items] == [{"campaign_id", "name", "created_at", "entries"}] * 2
    assert [(i["campaign_id"], i["name"]) for i in items] == [(first, "Spring"), (second, "Empty")]
    assert items[0]["entries"] == {"pending": 2, "skipped": 0, "completed": 0, "failed": 0}
    assert items[1]["entries"] == {"pending": 0, "skipped": 0, "completed": 0, "failed": 0}
    utc(items[0]["created_at"])


@pytest.mark.parametrize("name", ["", "  "])
def test_campaign_create_needs_a_name(cli: Cli, name: str) -> None:
    """`campaign create "$NAME"` with NAME unset in a cron script."""
    result = cli("campaign", "create", name)
    assert result.exit_code == 2
    assert "Invalid value for NAME: a campaign needs a name" in result.stderr
    assert result.stdout == ""
    assert cli.query("SELECT count(*) FROM campaigns") in ([], [(0,)])


def test_campaign_create_after_the_highest_bigint(cli: Cli) -> None:
    highest = str(2**63 - 1)
    assert cli("campaign", "create", "Top", "--id", highest).stdout == highest + "\n"
    result = cli("campaign", "create", "Next")
    assert result.exit_code == 65
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: Campaign {highest} exists, no id above it: pick one with --id\n"
    )
    assert cli("campaign", "create", "Next", "--id", "7").stdout == "7\n"


# --- contacts export -----------------------------------------------------------------------


def _export(cli: Cli, out: Path, *args: str) -> pl.DataFrame:
    result = cli("contacts", "export", "--out", str(out), *args)
    assert result.exit_code == 0, result.output
    if out.suffix == ".csv":
        return pl.read_csv(out, infer_schema=False)
    return pl.read_parquet(out)


def _export_setup(cli: Cli, tmp_path: Path) -> tuple[int, dict[str, Any]]:
    campaign, other = cli.campaign("Target"), cli.campaign("Other")
    summary = run(cli, tmp_path, HEADER + ROWS, "--campaign", str(campaign), name="a.csv")
    outsider = HEADER + "+15550100003,cy@example.com,Cy,,thu\n"
    run(cli, tmp_path, outsider, "--campaign", str(other), name="b.csv")
    run(cli, tmp_path, HEADER + "+15550100004,dee@example.com,Dee,,fri\n", name="c.csv")
    return campaign, summary


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_export_campaign_one_row_per_entry(cli: Cli, tmp_path: Path, suffix: str) -> None:
    campaign, summary = _export_setup(cli, tmp_path)
    frame = _export(cli, tmp_path / f"out{suffix}", "--campaign", str(campaign))
    assert frame["phone_number"].to_list() == ["+15550100001", "+15550100002"]  # no Cy, no Dee
    for column in (
        "contact_id",
        "email",
        "name",
        "metadata",
        "import_id",
        "entry_id",
        "status",
        "variables",
    ):
        assert column in frame.columns
    assert frame["status"].to_list() == ["pending", "pending"]
    assert [json.loads(v) for v in frame["variables"]] == [{"appt": "mon"}, {"appt": "tue"}]
    assert json.loads(frame["metadata"][0]) == {"vip": True, "n": [1, 2]}
    assert frame["metadata"][1] is None
    assert frame["import_id"].to_list() == [summary["import_id"]] * 2
    if suffix == ".parquet":
        assert frame.schema["import_id"] == pl.String
        assert frame.schema["variables"] == pl.String
        assert frame.schema["entry_id"] == pl.Int64


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_export_all_contacts(cli: Cli, tmp_path: Path, suffix: str) -> None:
    _export_setup(cli, tmp_path)
    frame = _export(cli, tmp_path / f"all{suffix}")
    assert frame["name"].to_list() == ["Ann", "Bob", "Cy", "Dee"]
    assert "entry_id" not in frame.columns
    assert all(uuid.UUID(value) for value in frame["import_id"])


def test_export_timestamps_are_utc(cli: Cli, tmp_path: Path) -> None:
    """The store keeps UTC without a zone: the file says so, or a warehouse loading it
    takes the times for its own local time."""
    _export_setup(cli, tmp_path)
    parquet = _export(cli, tmp_path / "all.parquet")
    assert parquet.schema["created_at"] == pl.Datetime("us", "UTC")
    assert parquet.schema["updated_at"] == pl.Datetime("us", "UTC")
    csv = _export(cli, tmp_path / "all.csv")
    assert all(value.endswith("Z") for value in csv["created_at"])
    assert [utc(v) for v in csv["updated_at"]] == parquet["updated_at"].to_list()


def test_export_create_new_gives_a_row_per_entry(cli: Cli, tmp_path: Path) -> None:
    campaign = cli.campaign()
    run(cli, tmp_path, HEADER + ROWS, "--campaign", str(campaign), name="a.csv")
    run(
        cli,
        tmp_path,
        HEADER + ROWS,
        "--campaign",
        str(campaign),
        "--on-duplicate",
        "create_new",
        name="b.csv",
    )
    frame = _export(cli, tmp_path / "out.parquet", "--campaign", str(campaign))
    assert frame["name"].to_list() == ["Ann", "Bob", "Ann", "Bob"]
    assert frame["entry_id"].n_unique() == 4


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--out", "x.json"], 2, "the file must end in .parquet or .csv"),
        (["--out", "x.csv", "--campaign", "42"], 67, "Campaign 42 not found"),
    ],
)
def test_export_bad_arguments(
    cli: Cli, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    run(cli, tmp_path, HEADER + ROWS)
    out = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    result = cli("contacts", "export", *out)
    assert result.exit_code == code
    assert message in result.stderr
    assert not any(tmp_path.glob("x.*"))


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_export_to_a_path_that_cannot_be_written(cli: Cli, tmp_path: Path, suffix: str) -> None:
    run(cli, tmp_path, HEADER + ROWS)
    (tmp_path / "afile").write_text("not a folder")
    out = tmp_path / "afile" / f"x{suffix}"
    result = cli("contacts", "export", "--out", str(out))
    assert result.exit_code == 65
    assert result.stdout == ""
    assert result.stderr == f"Error: Cannot write {out}: Not a directory (--out)\n"


def test_failed_export_leaves_the_previous_file(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk that fills up half way must not leave a truncated file where yesterday's
    good export was: the new file replaces it only once complete."""
    run(cli, tmp_path, HEADER + ROWS)
    out = tmp_path / "exports" / "contacts.parquet"
    previous = _export(cli, out)

    def disk_full(self: pl.DataFrame, target: Any, *args: Any, **kwargs: Any) -> None:
        half = b"PAR1 half a file"
        if isinstance(target, str | Path):
            Path(target).write_bytes(half)
        else:
            target.write(half)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pl.DataFrame, "write_parquet", disk_full)
    result = cli("contacts", "export", "--out", str(out))
    assert result.exit_code == 65
    assert result.stderr == f"Error: Cannot write {out}: No space left on device (--out)\n"
    monkeypatch.undo()
    assert pl.read_parquet(out).equals(previous)
    assert [p.name for p in out.parent.iterdir()] == ["contacts.parquet"]  # no leftovers


def test_reading_commands_on_a_missing_store_create_it_empty(cli: Cli) -> None:
    """SPEC section 2: the store is created with its schema on first use, reading included:
    before the first import the reading commands answer from an empty store."""
    assert cli("campaign", "list").output == ""
    assert cli.db.exists()
    assert cli("imports", "list", "--json").output == ""
    missing = cli("imports", "show", "6f1c2b8e-0d5e-4a8e-9d7c-1a2b3c4d5e6f")
    assert missing.exit_code != 0 and "not found" in missing.stderr
    assert cli.query("SELECT count(*) FROM contacts") == [(0,)]


def test_report_dir_is_recorded_absolute(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relative --report-dir (cron jobs often run from the project folder) is stored as
    the absolute folder, so `imports show` points at it from any directory."""
    monkeypatch.chdir(tmp_path)
    path = write_csv(tmp_path, "phone\n5550000001\n")
    result = cli("import", str(path), "--json", "--report-dir", "out/reports")
    assert result.exit_code == 0, result.output
    import_id = json.loads(result.stdout)["import_id"]
    item = show(cli, import_id)
    assert item["report_dir"] == str(tmp_path / "out" / "reports" / import_id)
    assert Path(item["report_dir"]).is_absolute()
