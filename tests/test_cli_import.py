"""`contacts-etl import` options and reports, through the CLI (SPEC sections 2-5, 9, 10)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

from tests.conftest import Cli, write_csv


def _run(cli: Cli, path: Path, *args: str) -> tuple[int, dict, list[dict]]:
    result = cli.run_import(str(path), "--json", *args)
    summary = cli.summary(result)
    return result.exit_code, summary, cli.rows(summary).to_dicts()


def test_mapping_inline_wins_over_aliases_and_drops_columns(cli: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Tel,Phone,Who,Junk\n5551230001,5551239999,Ann,x\n")
    mapping = json.dumps(
        {"Tel": "phone_number", "Phone": "backup", "Who": "name", "Junk": None, "Nope": "tag"}
    )
    code, summary, rows = _run(cli, path, "--mapping", mapping)
    assert code == 0
    assert rows[0]["phone_number"] == "+15551230001"
    assert json.loads(rows[0]["variables"]) == {"backup": "5551239999"}
    assert rows[0]["name"] == "Ann"
    assert summary["columns"] == {
        "Tel": "phone_number",
        "Phone": "backup",
        "Who": "name",
        "Junk": None,
    }
    assert summary["resolution"] == {"Tel": "mapping", "Who": "mapping"}
    assert "mapping key 'Nope' is not in the header" in summary["warnings"]


def test_variables_json_in_report_and_store_plain_and_escaped(cli: Cli, tmp_path: Path) -> None:
    """Variable columns whose cells need JSON escaping (quotes, backslashes, tabs, line
    breaks in a quoted cell) beside plain ones (non-ASCII included) and empty cells."""
    campaign = cli.campaign()
    rows_in = [
        ["phone", "Note", "City", 'Ünï "code"'],
        ["5551230001", 'said "hi"\tthen\nleft', "Zürich", "a\\b"],
        ["5551230002", "", "Köln", ""],
        ["5551230003", "plain", "", "x"],
    ]
    path = tmp_path / "vars.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out, lineterminator="\n").writerows(rows_in)
    mapping = json.dumps({"City": 'the "city"'})  # a key to escape, on plain values
    code, _, rows = _run(cli, path, "--campaign", str(campaign), "--mapping", mapping)
    assert code == 0
    expected = [
        {"note": 'said "hi"\tthen\nleft', 'the "city"': "Zürich", "ünï_code": "a\\b"},
        {'the "city"': "Köln"},
        {"note": "plain", "ünï_code": "x"},
    ]
    assert [json.loads(row["variables"]) for row in rows] == expected
    stored = cli.query("SELECT CAST(variables AS VARCHAR) FROM campaign_contacts ORDER BY entry_id")
    assert [json.loads(text) for (text,) in stored] == expected


def test_mapping_from_a_json_file(cli: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Numero,Nom\n+33 1 23 45 67 89,Jean\n")
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"Numero": "phone_number", "Nom": ""}))
    code, summary, rows = _run(cli, path, "--mapping", str(mapping))
    assert code == 0
    assert rows[0]["phone_number"] == "+33123456789"
    assert summary["columns"]["Nom"] is None
    assert json.loads(rows[0]["variables"]) == {}


@pytest.mark.parametrize("mapping", ["{not json", "[1, 2]", "/no/such/mapping.json", '{"a": 5}'])
def test_bad_mapping_is_invalid_argument(cli: Cli, tmp_path: Path, mapping: str) -> None:
    path = write_csv(tmp_path, "phone\n5551230001\n")
    before = cli.snapshot()
    result = cli.run_import(str(path), "--mapping", mapping, "--json")
    assert result.exit_code == 65
    summary = cli.summary(result)
    assert summary["success"] is False
    assert summary["error"]["code"] == "INVALID_ARGUMENT"
    assert "--mapping" in result.stderr
    after = cli.snapshot()
    assert (
        after["contacts"] == before["contacts"]
        and after["campaign_contacts"] == before["campaign_contacts"]
    )


def test_several_phone_columns_each_row_takes_the_first_accepted(cli: Cli, tmp_path: Path) -> None:
    text = (
        "Phone,Mobile,Name\n"
        "5551230001,5551230002,both valid: mobile first\n"
        "5551230003,12,mobile invalid: phone used\n"
        ",,neither\n"
        "abc,,only garbage\n"
    )
    code, summary, rows = _run(cli, write_csv(tmp_path, text))
    assert code == 0
    assert [r["phone_number"] for r in rows] == ["+15551230002", "+15551230003", None, None]
    assert [r["outcome"] for r in rows] == ["added", "added", "rejected", "rejected"]
    assert rows[2]["reasons"] == ["missing_key"]
    assert rows[3]["reasons"] == ["invalid_phone"]
    # the candidate a row did not use is kept among its variables, named by its header
    assert json.loads(rows[0]["variables"]) == {"phone": "5551230001"}
    assert json.loads(rows[1]["variables"]) == {"mobile": "12"}
    assert summary["columns"]["Phone"] == summary["columns"]["Mobile"] == "phone_number"


def test_mapped_candidate_comes_before_mobile(cli: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Mobile,Office\n5551230002,5551230009\n")
    code, _, rows = _run(cli, path, "--mapping", '{"Office": "phone_number"}')
    assert code == 0
    assert rows[0]["phone_number"] == "+15551230009"


def test_region_option_and_per_row_country(cli: Cli, tmp_path: Path) -> None:
    text = "phone,country\n030 1234567,DE\n020 7946 0958,\n020 7946 0958,gb\n"
    code, _, rows = _run(cli, write_csv(tmp_path, text), "--region", "GB")
    assert code == 0
    assert [r["phone_number"] for r in rows] == ["+49301234567", "+442079460958", "+442079460958"]
    assert [r["outcome"] for r in rows] == ["added", "added", "duplicate_in_file"]
    assert [r["country"] for r in rows] == ["DE", None, "GB"]


def test_invalid_country_is_a_warning_and_the_default_region_is_used(
    cli: Cli, tmp_path: Path
) -> None:
    code, _, rows = _run(cli, write_csv(tmp_path, "phone,country\n5551230001,Atlantis\n"))
    assert code == 0
    assert rows[0]["outcome"] == "added"
    assert rows[0]["reasons"] == ["invalid_country"]
    assert rows[0]["country"] is None and rows[0]["phone_number"] == "+15551230001"


def test_phone_check_valid_is_stricter(cli: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "phone\n5551234567\n2025550123\n")
    _, _, possible = _run(cli, path)
    assert [r["outcome"] for r in possible] == ["added", "added"]
    cli2 = Cli(tmp_path / "other.duckdb", tmp_path / "reports2")
    _, _, valid = _run(cli2, path, "--phone-check", "valid")
    assert [r["outcome"] for r in valid] == ["rejected", "added"]
    assert valid[0]["reasons"] == ["invalid_phone"]


def test_scientific_notation_is_invalid_phone(cli: Cli, tmp_path: Path) -> None:
    _, _, rows = _run(cli, write_csv(tmp_path, "phone\n5.55123E+09\n"))
    assert rows[0]["outcome"] == "rejected" and rows[0]["reasons"] == ["invalid_phone"]


def test_invalid_non_key_fields_are_dropped_or_rejected_with_strict(
    cli: Cli, tmp_path: Path
) -> None:
    text = 'phone,email,metadata\n5551230001,not-an-email,"[1,2]"\n5551230002,ok@example.com,{}\n'
    path = write_csv(tmp_path, text)
    _, _, lenient = _run(cli, path, "--dry-run")
    assert [r["outcome"] for r in lenient] == ["added", "added"]
    assert lenient[0]["reasons"] == ["invalid_email", "invalid_metadata"]
    assert lenient[0]["email"] is None and lenient[0]["metadata"] is None
    _, _, strict = _run(cli, path, "--strict", "--dry-run")
    assert [r["outcome"] for r in strict] == ["rejected", "added"]
    assert strict[0]["reasons"] == ["invalid_email", "invalid_metadata"]


def test_name_from_first_and_last(cli: Cli, tmp_path: Path) -> None:
    text = (
        "phone,first_name,last_name,name\n"
        "5551230001,Ann,Lee,\n5551230002,,Solo,\n5551230003,A,B,Given  Name\n"
    )
    _, _, rows = _run(cli, write_csv(tmp_path, text))
    assert [r["name"] for r in rows] == ["Ann Lee", "Solo", "Given Name"]


def test_duplicates_in_file_first_occurrence_wins(cli: Cli, tmp_path: Path) -> None:
    text = "phone,name\n555-123-0001,First\n(555) 123-0001,Second\n+1 555 123 0001,Third\n"
    _, summary, rows = _run(cli, write_csv(tmp_path, text))
    assert [r["outcome"] for r in rows] == ["added", "duplicate_in_file", "duplicate_in_file"]
    assert cli.query("SELECT name FROM contacts") == [("First",)]
    assert summary["counts"]["duplicate_in_file"] == 2


def test_dry_run_writes_reports_but_not_the_store(cli: Cli, tmp_path: Path) -> None:
    campaign = cli.campaign()
    before = cli.snapshot()
    path = write_csv(tmp_path, "phone\n5551230001\n5551230002\n")
    code, summary, rows = _run(cli, path, "--campaign", str(campaign), "--dry-run")
    assert code == 0
    assert summary["dry_run"] is True and summary["success"] is True
    assert summary["counts"]["added"] == 2 and summary["total_contacts"] == 2
    assert len(rows) == 2
    assert cli.snapshot() == before


def test_dry_run_without_a_store_does_not_create_it(cli: Cli, tmp_path: Path) -> None:
    code, summary, _ = _run(cli, write_csv(tmp_path, "phone\n5551230001\n"), "--dry-run")
    assert code == 0 and summary["counts"]["added"] == 1
    assert not cli.db.exists()


def test_report_dir_and_report_files(cli: Cli, tmp_path: Path) -> None:
    reports = tmp_path / "elsewhere"
    path = write_csv(
        tmp_path, "phone,note\n=cmd|' /C calc'!A0,x\n5551230001,y\n+not a phone,@SUM(1)\n"
    )
    result = cli("import", str(path), "--json", "--report-dir", str(reports))
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    folder = reports / summary["import_id"]
    assert sorted(p.name for p in folder.iterdir()) == [
        "errors.csv",
        "rows.parquet",
        "summary.json",
    ]
    assert json.loads((folder / "summary.json").read_text()) == summary
    with open(folder / "errors.csv", newline="") as f:
        errors = list(csv.reader(f))
    assert errors[0] == ["phone", "note", "errors"]
    assert errors[1] == ["'=cmd|' /C calc'!A0", "x", "invalid_phone"]
    assert errors[2] == ["'+not a phone", "'@SUM(1)", "invalid_phone"]
    rows = pl.read_parquet(folder / "rows.parquet")
    assert rows.columns == [
        "row",
        "outcome",
        "reasons",
        "contact_id",
        "phone_number",
        "email",
        "name",
        "first_name",
        "last_name",
        "company",
        "job_title",
        "linkedin_profile",
        "locale",
        "timezone",
        "tag",
        "country",
        "metadata",
        "variables",
        "raw",
    ]
    assert json.loads(rows.row(0, named=True)["raw"]) == {
        "phone": "=cmd|' /C calc'!A0",
        "note": "x",
    }

    # plain Parquet types (no Arrow string views): any reader takes it, DuckDB included
    assert "view" not in str(pq.read_schema(folder / "rows.parquet"))
    read_back = duckdb.sql(f"SELECT row, outcome FROM '{folder / 'rows.parquet'}' ORDER BY row")
    assert read_back.fetchall() == [(1, "rejected"), (2, "added"), (3, "rejected")]


def test_raw_holds_every_cell_as_text_empty_ones_as_empty_strings(cli: Cli, tmp_path: Path) -> None:
    """`raw`: the cells untrimmed; empty ones `""` whether quoted, unquoted or left out by a
    short row (Polars reads an unquoted empty cell as null: it used to show as null)."""
    path = write_csv(tmp_path, 'phone,a,b,c\n5551230001,, "",\n5551230002," x "\n')
    rows = cli.rows(cli.summary(cli.run_import(str(path), "--json")))
    raw = [json.loads(value) for value in rows.get_column("raw")]
    assert raw == [
        {"phone": "5551230001", "a": "", "b": ' ""', "c": ""},
        {"phone": "5551230002", "a": " x ", "b": "", "c": ""},
    ]


def test_errors_csv_imported_again_keeps_one_errors_column(cli: Cli, tmp_path: Path) -> None:
    """errors.csv, fixed or not, imports again: its own `errors` column is replaced by the
    new reasons in the next errors.csv (a second `errors` column was a duplicate header)."""
    first = cli.summary(
        cli.run_import(str(write_csv(tmp_path, "phone,name\nbad,Ann\n5551230001,Bo\n")), "--json")
    )
    errors_csv = cli.report_file(first, "errors.csv")
    assert errors_csv.read_text() == "phone,name,errors\nbad,Ann,invalid_phone\n"

    again = cli.run_import(str(errors_csv), "--json")
    assert again.exit_code == 0, again.output
    second = cli.summary(again)
    assert second["counts"]["rejected"] == 1
    assert cli.report_file(second, "errors.csv").read_text() == errors_csv.read_text()

    fixed = write_csv(tmp_path, errors_csv.read_text().replace("bad", "5551230002"), "fixed.csv")
    third = cli.summary(cli.run_import(str(fixed), "--json"))
    assert third["counts"]["added"] == 1 and third["counts"]["rejected"] == 0
    assert cli.report_file(third, "errors.csv").read_text() == "phone,name,errors\n"


def test_summary_fields_and_first_fifty_errors(cli: Cli, tmp_path: Path) -> None:
    lines = ["phone"] + ["bad"] * 60 + ["5551230001"]
    code, summary, _ = _run(cli, write_csv(tmp_path, "\n".join(lines) + "\n"))
    assert code == 0
    assert set(summary) == {
        "success",
        "message",
        "import_id",
        "campaign_id",
        "file_name",
        "file_sha256",
        "import_date",
        "dry_run",
        "key",
        "total_rows",
        "counts",
        "contacts",
        "imported_count",
        "total_contacts",
        "columns",
        "resolution",
        "warnings",
        "errors",
        "error",
        "duration_s",
    }
    assert summary["total_rows"] == 61 == sum(summary["counts"].values())
    assert len(summary["errors"]) == 50
    assert summary["errors"][0] == {"row": 1, "reasons": ["invalid_phone"], "value": "bad"}
    assert summary["file_name"] == "input.csv"
    assert len(summary["file_sha256"]) == 64
    assert summary["import_date"].endswith(("Z", "+00:00"))
    assert summary["campaign_id"] is None and summary["total_contacts"] is None
    assert summary["error"] is None and summary["duration_s"] > 0


def test_human_summary(cli: Cli, tmp_path: Path) -> None:
    result = cli.run_import(str(write_csv(tmp_path, "phone\n5551230001\nbad\n")))
    assert result.exit_code == 0
    assert "input.csv: Imported 1 of 2 rows into the store: 1 added" in result.stdout
    assert "row 2: invalid_phone ('bad')" in result.stdout
    assert "errors.csv" in result.stdout


def test_missing_file_exit_66(cli: Cli, tmp_path: Path) -> None:
    result = cli.run_import(str(tmp_path / "nope.csv"), "--json")
    assert result.exit_code == 66
    assert result.stderr.startswith("Error: nope.csv: File not found")
    summary = cli.summary(result)
    assert summary["error"]["code"] == "FILE_NOT_FOUND" and summary["success"] is False
    assert cli.query("SELECT status, error_code FROM imports") == [("failed", "FILE_NOT_FOUND")]


def test_unknown_campaign_exit_67(cli: Cli, tmp_path: Path) -> None:
    result = cli.run_import(
        str(write_csv(tmp_path, "phone\n5551230001\n")), "--campaign", "999", "--json"
    )
    assert result.exit_code == 67
    assert "Campaign 999 not found" in result.stderr
    assert cli.summary(result)["error"]["code"] == "CAMPAIGN_NOT_FOUND"
    assert cli.query("SELECT count(*) FROM contacts") == [(0,)]


@pytest.mark.parametrize("content", [None, 'phone\n"5551230001\n', "phone\n"])
def test_store_errors_come_before_the_files_own(
    cli: Cli, tmp_path: Path, content: str | None
) -> None:
    # The file is read in a second thread while the store is checked: a file that is
    # missing, broken or empty still reports the store's error, as when checked first.
    path = tmp_path / "input.csv"
    if content is not None:
        path.write_text(content)
    result = cli.run_import(str(path), "--campaign", "999", "--json")
    assert result.exit_code == 67
    assert result.stderr == "Error: input.csv: Campaign 999 not found\n"
    assert cli.summary(result)["error"]["code"] == "CAMPAIGN_NOT_FOUND"
    assert cli.query("SELECT status, error_code FROM imports") == [("failed", "CAMPAIGN_NOT_FOUND")]
    assert cli.query("SELECT count(*) FROM contacts") == [(0,)]


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("auto", "No phone column detected"),
        ("phone", "No phone column detected"),
        ("email", "No email column detected"),
    ],
)
def test_no_key_column_exit_65(cli: Cli, tmp_path: Path, key: str, message: str) -> None:
    result = cli.run_import(
        str(write_csv(tmp_path, "Name,Company\nAnn,Acme\n")), "--key", key, "--json"
    )
    assert result.exit_code == 65
    assert message in result.stderr
    summary = cli.summary(result)
    assert summary["error"]["code"] == "NO_KEY_COLUMN"
    assert summary["counts"] == {k: 0 for k in summary["counts"]}
    assert cli.query("SELECT count(*) FROM contacts") == [(0,)]
    assert "delimiter" not in result.stderr  # no hint: the header has two columns


@pytest.mark.parametrize(
    ("text", "args", "hint"),
    [
        (
            "Phone;Name\n5551230001;Ann\n",
            [],
            "holding ';': if that is the delimiter, use --delimiter ';'",
        ),
        (
            "Phone\tName\n5551230001\tAnn\n",
            [],
            "holding tab: if that is the delimiter, use --delimiter tab",
        ),
        ("Phone,Name\n5551230001,Ann\n", ["--delimiter", ";"], "holding ',': if that is"),
    ],
)
def test_no_key_column_of_a_file_read_with_another_delimiter_says_so(
    cli: Cli, tmp_path: Path, text: str, args: list[str], hint: str
) -> None:
    """A one-column header holding another delimiter: the error says which option to use."""
    before = cli.snapshot()
    result = cli.run_import(str(write_csv(tmp_path, text)), "--json", *args)
    assert result.exit_code == 65
    assert len(result.stderr.splitlines()) == 1
    assert "No phone column detected" in result.stderr and hint in result.stderr
    assert cli.summary(result)["error"]["code"] == "NO_KEY_COLUMN"
    assert {k: v for k, v in cli.snapshot().items() if k != "imports"} == {
        k: v for k, v in before.items() if k != "imports"
    }
    fixed = cli.run_import(str(write_csv(tmp_path, text)), "--json", "--delimiter", "auto")
    assert fixed.exit_code == 0, fixed.output


@pytest.mark.parametrize(
    "args",
    [
        ["--replace-pending"],
        ["--on-duplicate", "create_new"],
        ["--key", "fax"],
        ["--on-duplicate", "merge"],
        ["--max-rows", "-1"],
    ],
)
def test_usage_errors_exit_2(cli: Cli, tmp_path: Path, args: list[str]) -> None:
    result = cli.run_import(str(write_csv(tmp_path, "phone\n5551230001\n")), *args)
    assert result.exit_code == 2
    assert not cli.db.exists()


def test_failed_schema_check_is_an_internal_error_and_writes_nothing(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from etl import phones

    def broken(pairs: pl.DataFrame, check: str, memo: object) -> pl.DataFrame:
        return (
            pairs.select("value", "region").unique().with_columns(pl.lit("not e164").alias("e164"))
        )

    monkeypatch.setattr(phones, "normalize_pairs", broken)
    campaign = cli.campaign()
    result = cli.run_import(
        str(write_csv(tmp_path, "phone\n5551230001\n")), "--campaign", str(campaign), "--json"
    )
    assert result.exit_code == 70
    assert "Internal check of the clean rows failed" in result.stderr
    assert "Traceback" not in result.output
    assert cli.summary(result)["error"]["code"] == "IMPORT_FAILED"
    assert cli.query("SELECT count(*) FROM contacts") == [(0,)]
    assert cli.query("SELECT count(*) FROM campaign_contacts") == [(0,)]
    assert cli.query("SELECT status, error_code FROM imports") == [("failed", "IMPORT_FAILED")]
