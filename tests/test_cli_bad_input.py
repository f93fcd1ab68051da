"""Every bad or unusual input file in tests/cases/bad/ through the CLI (SPEC sections 3, 5, 9, 10).

Each case folder holds the input (or a `generate.py` for binary and huge inputs) and a
`case.json`: CLI args, exit code, error code, a stderr substring, and where the file is
parsed the expected counts and rows. Every case runs against a store that already holds a
campaign and one import, and checks the store afterwards: a failed file leaves contacts,
entries and campaigns exactly as they were and adds one `failed` import record (none for a
bad or reused --import-id); a file that imports adds exactly one `completed` record and
never touches the contacts that were there.
"""

from __future__ import annotations

import hashlib
import json
import runpy
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from tests.conftest import CASES, ROOT, Cli, write_csv

BAD = CASES / "bad"
CASE_DIRS = sorted(p for p in BAD.iterdir() if (p / "case.json").exists())
SEED_IMPORT_ID = "00000000-0000-4000-8000-000000000001"
STORE_TABLES = ("campaigns", "contacts", "campaign_contacts")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Cli, int]:
    """A store with a campaign and one completed import, built once and copied per case."""
    folder = tmp_path_factory.mktemp("template")
    cli = Cli(folder / "store.duckdb", folder / "reports")
    campaign = cli.campaign("Seed")
    text = "phone,name\n5559990001,Seed One\n5559990002,Seed Two\n"
    seed_file = write_csv(folder, text, "seed.csv")
    args = ["--campaign", str(campaign), "--import-id", SEED_IMPORT_ID]
    result = cli.run_import(str(seed_file), *args)
    assert result.exit_code == 0, result.output
    return cli, campaign


def seed(cli: Cli, template: tuple[Cli, int]) -> int:
    """Copy the template store and its report folder into this test's folder."""
    source, campaign = template
    for path in source.db.parent.glob(source.db.name + "*"):
        shutil.copy(path, cli.db.parent / path.name.replace(source.db.name, cli.db.name))
    shutil.copytree(source.reports, cli.reports)
    return campaign


def state(cli: Cli) -> tuple[dict[str, list[str]], dict[str, tuple[Any, ...]]]:
    """Every store table (sorted rows) and the import records by id, in one connection."""
    con = duckdb.connect(str(cli.db), read_only=True)
    try:
        tables = {
            t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) for t in STORE_TABLES
        }
        rows = con.execute(
            "SELECT import_id::VARCHAR, status, error_code, total_rows FROM imports"
        ).fetchall()
    finally:
        con.close()
    return tables, {row[0]: row[1:] for row in rows}


def case_input(folder: Path, spec: dict[str, Any], tmp_path: Path) -> Path:
    generator = folder / "generate.py"
    if generator.exists():
        made = tmp_path / "generated"
        made.mkdir()
        path: Path = runpy.run_path(str(generator))["generate"](made)
        return path
    return folder / spec["input"]


def case_args(spec: dict[str, Any], folder: Path, campaign: int) -> list[str]:
    values = {
        "{campaign}": str(campaign),
        "{case}": str(folder),
        "{seed_import_id}": SEED_IMPORT_ID,
    }
    args = []
    for arg in spec["args"]:
        for placeholder, value in values.items():
            arg = arg.replace(placeholder, value)
        args.append(arg)
    return args


def check_rows(rows: pl.DataFrame, expected: list[dict[str, Any]]) -> None:
    by_row = {r["row"]: r for r in rows.to_dicts()}
    for want in expected:
        got = by_row[want["row"]]
        for name, value in want.items():
            got_value = list(got[name]) if name == "reasons" else got[name]
            assert got_value == value, f"row {want['row']} {name}: {got_value!r} != {value!r}"


@pytest.mark.parametrize("folder", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_bad_input_case(cli: Cli, tmp_path: Path, folder: Path, template: tuple[Cli, int]) -> None:
    spec = json.loads((folder / "case.json").read_text())
    campaign = seed(cli, template)
    before_tables, before_imports = state(cli)
    before_reports = {p.name for p in cli.reports.iterdir()}
    before_tmp = {p.name for p in tmp_path.iterdir()}
    path = case_input(folder, spec, tmp_path)

    result = cli.run_import(str(path), "--json", *case_args(spec, folder, campaign))

    # exit code, and one clear line on stderr (nothing when the file imported)
    assert result.exit_code == spec["exit_code"], result.output
    if spec["exit_code"] == 0:
        assert result.stderr == ""
    else:
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert result.stderr.startswith(f"Error: {path.name}: ")
        assert spec["stderr"] in result.stderr
        assert "Traceback" not in result.output

    # the summary printed is the summary.json of a folder named by a UUID, inside report-dir
    printed = json.loads(result.stdout.strip().splitlines()[-1])
    new_reports = {p.name for p in cli.reports.iterdir()} - before_reports
    assert new_reports == {printed["import_id"]}
    assert str(uuid.UUID(printed["import_id"])) == printed["import_id"]
    assert {p.name for p in tmp_path.iterdir()} - before_tmp <= {"generated"}
    summary = cli.summary(result)
    assert summary == printed
    assert summary["success"] is (spec["exit_code"] == 0)
    if spec["error_code"] is None:
        assert summary["error"] is None
    else:
        assert summary["error"]["code"] == spec["error_code"]
        assert spec["stderr"] in summary["error"]["message"]
        assert summary["message"] == summary["error"]["message"]
        assert set(summary["counts"].values()) == {0}
    # a file whose bytes were read is named by their hash, failures of the file included
    read_codes = {None, "EMPTY_FILE", "TOO_MANY_ROWS", "INVALID_ENCODING", "INVALID_CSV"}
    if spec["parsed"] or spec["error_code"] in read_codes:
        assert summary["file_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    if "counts" in spec:
        assert summary["counts"] == spec["counts"]
        assert sum(summary["counts"].values()) == summary["total_rows"]
    for warning in spec.get("warnings", []):
        assert any(warning in w for w in summary["warnings"]), summary["warnings"]

    # rows.parquet and errors.csv whenever the file was parsed, never otherwise
    folder_out = cli.report_file(summary, "")
    assert (folder_out / "rows.parquet").exists() is spec["parsed"]
    assert (folder_out / "errors.csv").exists() is spec["parsed"]
    if spec["parsed"]:
        rows = cli.rows(summary)
        assert rows.height == summary["total_rows"]
        assert rows.get_column("row").to_list() == list(range(1, rows.height + 1))
        check_rows(rows, spec.get("rows", []))
        errors_csv = (folder_out / "errors.csv").read_bytes().decode("utf-8")
        if "errors_csv" in spec:
            assert errors_csv == spec["errors_csv"]
        else:
            assert errors_csv.count("\n") >= 1 + summary["counts"]["rejected"]

    # the store: untouched but for the import record (SPEC section 3 step 5, section 6)
    after_tables, after_imports = state(cli)
    added_records = {k: v for k, v in after_imports.items() if k not in before_imports}
    assert {k: after_imports[k] for k in before_imports} == before_imports
    if spec["record"] is None:
        assert added_records == {}
    else:
        assert list(added_records) == [summary["import_id"]]
        status, error_code, total_rows = added_records[summary["import_id"]]
        assert (status, error_code) == (spec["record"], spec["error_code"])
        assert total_rows == summary["total_rows"]
    if spec["exit_code"] != 0 or "--dry-run" in spec["args"]:
        assert after_tables == before_tables
    else:
        assert after_tables["campaigns"] == before_tables["campaigns"]
        assert set(before_tables["contacts"]) <= set(after_tables["contacts"])
        assert set(before_tables["campaign_contacts"]) <= set(after_tables["campaign_contacts"])
        created = len(after_tables["contacts"]) - len(before_tables["contacts"])
        assert created == summary["contacts"]["created"]


def test_corpus_is_large_enough() -> None:
    failing = [p for p in CASE_DIRS if json.loads((p / "case.json").read_text())["exit_code"]]
    assert len(CASE_DIRS) >= 30 and len(failing) >= 30


SUBPROCESS_CASES = [
    "unterminated_quote",
    "xlsx_renamed",
    "invalid_utf8",
    "no_key_column",
    "missing_file",
    "import_id_path_traversal",
]


@pytest.mark.parametrize("name", SUBPROCESS_CASES)
def test_errors_are_one_line_without_traceback(tmp_path: Path, name: str) -> None:
    """As a real process (`python -m etl`): stderr is exactly one line, no traceback."""
    folder = BAD / name
    spec = json.loads((folder / "case.json").read_text())
    path = case_input(folder, spec, tmp_path)
    args = [a.replace("{case}", str(folder)) for a in spec["args"]]
    command = [sys.executable, "-m", "etl", "--db", str(tmp_path / "store.duckdb"), "import"]
    command += [str(path), "--report-dir", str(tmp_path / "reports"), *args]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == spec["exit_code"]
    assert done.stderr.count("\n") == 1 and done.stderr.endswith("\n"), done.stderr
    assert done.stderr.startswith(f"Error: {path.name}: ") and spec["stderr"] in done.stderr
    assert done.stdout == ""
