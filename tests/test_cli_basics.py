"""Global options, campaigns, start-up cost and documentation of every command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from etl import __version__
from etl.cli import main
from tests.conftest import ROOT, Cli, write_csv


def test_version(cli: Cli) -> None:
    result = cli("--version")
    assert result.exit_code == 0
    assert __version__ in result.stdout


def test_python_dash_m_and_no_heavy_imports_at_cli_import() -> None:
    heavy = "('polars', 'duckdb', 'pandera')"
    code = f"import sys, etl.cli; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "[]"
    version = subprocess.run(
        [sys.executable, "-m", "etl", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert __version__ in version.stdout


def test_the_schema_check_loads_neither_pandas_nor_hypothesis() -> None:
    """Both are installed in the dev venv (baseline, property tests); pandera would import
    them on load although validating Polars frames needs neither (~0.5 s of every start)."""
    code = (
        "import sys; from schemas.contacts import warm_up; warm_up(); "
        "print(sorted(m for m in ('pandas', 'hypothesis', 'pandera') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "['pandera']"


def test_the_process_exit_keeps_output_codes_and_the_store(tmp_path: Path) -> None:
    """`entry` ends the process without interpreter teardown: the output must be complete,
    the exit code exact and the store closed (readable by the next process)."""
    db, rows = tmp_path / "store.duckdb", "".join(f"55500{i:05d},N{i}\n" for i in range(2000))
    csv = tmp_path / "in.csv"
    csv.write_text("phone,name\n" + rows)
    command = [sys.executable, "-m", "etl", "--db", str(db), "import", "--json"]
    reports = ["--report-dir", str(tmp_path / "r")]
    done = subprocess.run(command + [str(csv), *reports], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["counts"]["added"] == 2000 and summary["success"] is True
    missing = subprocess.run(
        command + [str(tmp_path / "missing.csv"), *reports], capture_output=True, text=True
    )
    assert missing.returncode == 66
    assert missing.stderr.startswith("Error: missing.csv: File not found")
    listed = subprocess.run(
        [sys.executable, "-m", "etl", "--db", str(db), "imports", "list", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    records = [json.loads(line) for line in listed.stdout.splitlines()]
    assert listed.returncode == 0
    assert sorted(r["status"] for r in records) == ["completed", "failed"]


def test_verbose_logs_the_steps_on_stderr_and_default_logs_nothing(tmp_path: Path) -> None:
    """-v: what was read, the key and columns, when the import was written (one line each,
    stderr); stdout keeps the summary alone. Without -v a good import prints nothing there."""
    csv = write_csv(tmp_path, "Phone;Name\n5551230001;Ann\n")
    base = [sys.executable, "-m", "etl", "--db", str(tmp_path / "s.duckdb")]
    args = ["import", str(csv), "--delimiter", ";", "--json", "--report-dir", str(tmp_path / "r")]
    quiet = subprocess.run(base + args, capture_output=True, text=True, cwd=ROOT)
    loud = subprocess.run([*base, "-v", *args], capture_output=True, text=True, cwd=ROOT)
    assert quiet.returncode == loud.returncode == 0, loud.stderr
    assert quiet.stderr == ""
    lines = loud.stderr.splitlines()
    assert len(lines) == 3 and all(line.startswith("INFO input.csv: ") for line in lines)
    assert "1 rows read in" in lines[0] and "delimiter ';', header on line 1" in lines[0]
    assert "key phone; columns {'Phone': 'phone_number', 'Name': 'name'}" in lines[1]
    assert "store and reports written at" in lines[2]
    assert json.loads(loud.stdout)["success"] is True


def test_campaign_create_prints_only_the_id(cli: Cli) -> None:
    first = cli("campaign", "create", "Spring")
    assert first.exit_code == 0 and first.stdout == "1\n"
    chosen = cli("campaign", "create", "Summer", "--id", "42")
    assert chosen.exit_code == 0 and chosen.stdout == "42\n"
    assert cli("campaign", "create", "Autumn").stdout == "43\n"


def test_campaign_create_existing_id_exit_65(cli: Cli) -> None:
    cli("campaign", "create", "A", "--id", "7")
    before = cli.snapshot()
    result = cli("campaign", "create", "B", "--id", "7")
    assert result.exit_code == 65
    assert result.stderr == "Error: Campaign 7 already exists\n"
    assert result.stdout == ""
    assert cli.snapshot() == before


@pytest.mark.parametrize("value", ["99999999999999999999", "-9223372036854775809"])
def test_campaign_id_outside_bigint_is_a_usage_error(cli: Cli, value: str) -> None:
    """Ids are BIGINTs: a number outside is refused by Click (exit 2) before the store is
    opened (20 digits used to reach DuckDB: exit 70 and its multi-line error); inside it, an
    id of no campaign stays CAMPAIGN_NOT_FOUND (exit 67, SPEC section 2)."""
    before = cli.snapshot()
    for args in (
        ["campaign", "create", "A", "--id", value],
        ["imports", "list", "--campaign", value],
    ):
        result = cli(*args)
        assert result.exit_code == 2, result.output
        assert f"Invalid value for '--{args[-2].lstrip('-')}'" in result.stderr
        assert "Traceback" not in result.output
    assert cli.snapshot() == before
    path = write_csv(cli.db.parent, "phone\n5551230001\n")
    for unknown in ("0", "-3", "9223372036854775807"):
        result = cli.run_import(str(path), "--campaign", unknown)
        assert result.exit_code == 67, result.output
        assert f"Campaign {unknown} not found" in result.stderr


def test_region_is_checked_and_taken_in_any_case(cli: Cli, tmp_path: Path) -> None:
    """`--region` is an ISO code phonenumbers knows, in any case (like `country` cells); an
    unknown one used to turn every number written without + into invalid_phone, exit 0."""
    path = write_csv(tmp_path, "phone\n020 7946 0018\n")
    wrong = cli.run_import(str(path), "--region", "XX")
    assert wrong.exit_code == 2
    assert "Invalid value for '--region': 'XX' is not a region phonenumbers knows" in wrong.stderr
    assert not cli.db.exists() and not cli.reports.exists()
    assert cli("inspect", str(path), "--region", "uk").exit_code == 2  # GB is the code
    lower = cli.run_import(str(path), "--region", "gb", "--json")
    assert lower.exit_code == 0, lower.output
    assert cli.query("SELECT phone_number FROM contacts") == [("+442079460018",)]


def test_campaign_list_json(cli: Cli, tmp_path: Path) -> None:
    campaign = cli.campaign("Calls")
    path = tmp_path / "in.csv"
    path.write_text("phone\n5551230001\n5551230002\n")
    cli.run_import(str(path), "--campaign", str(campaign))
    result = cli("campaign", "list", "--json")
    assert result.exit_code == 0
    item = json.loads(result.stdout.strip())
    assert item["campaign_id"] == campaign and item["name"] == "Calls"
    assert item["entries"] == {"pending": 2, "skipped": 0, "completed": 0, "failed": 0}
    assert item["created_at"].endswith("Z")
    human = cli("campaign", "list")
    assert "Calls" in human.stdout and "pending=2" in human.stdout


def test_db_from_environment(tmp_path: Path) -> None:
    db = tmp_path / "env.duckdb"
    env = {**os.environ, "CONTACTS_ETL_DB": str(db)}
    out = subprocess.run(
        [sys.executable, "-m", "etl", "campaign", "create", "Env"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert out.returncode == 0 and out.stdout == "1\n"
    assert db.exists()


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, command in group.commands.items():
        full = f"{prefix}{name}"
        if isinstance(command, click.Group):
            names += _commands(command, full + " ")
        else:
            names.append(full)
    return names


def test_every_command_and_import_option_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for command in _commands(main):
        assert f"contacts-etl {command}" in readme, command
    import_command = main.commands["import"]
    for param in import_command.params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--"):
                assert f"`{opt}" in readme, opt
