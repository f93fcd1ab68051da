"""The store file: what a large import leaves in it, where DuckDB may spill, and a --db
that holds no store this code can use."""

from __future__ import annotations

import json
import random
from pathlib import Path

import duckdb
import pytest

from etl import store
from tests.conftest import Cli, write_csv

ROWS = 2 * store.ROW_GROUP_SIZE + 1_000


def test_a_large_import_is_whole_in_the_file_in_small_row_groups(cli: Cli, tmp_path: Path) -> None:
    campaign = cli.campaign()
    lines = "\n".join(f"+1202{2_000_000 + n},Person {n}" for n in range(ROWS))
    path = write_csv(tmp_path, f"phone,name\n{lines}\n")
    result = cli.run_import(path, "--campaign", campaign, "--json")
    assert result.exit_code == 0, result.output
    # opened as a plain DuckDB file after the command closed it
    assert cli.query("SELECT count(*), count(DISTINCT phone_number) FROM contacts") == [
        (ROWS, ROWS)
    ]
    assert cli.query("SELECT count(*) FROM campaign_contacts") == [(ROWS,)]
    groups = cli.query(
        "SELECT row_group_id, max(count) FROM pragma_storage_info('contacts') GROUP BY row_group_id"
    )
    assert len(groups) >= ROWS // store.ROW_GROUP_SIZE
    assert max(rows for _, rows in groups) <= store.ROW_GROUP_SIZE


def test_spilled_data_goes_beside_the_store(tmp_path: Path) -> None:
    db = tmp_path / "folder" / "store.duckdb"
    with store.opened(db, lock_timeout=1) as con:
        setting = con.execute("SELECT current_setting('temp_directory')").fetchall()
    assert setting == [(f"{db}.tmp",)]


# --- a --db that holds no store this code can use ----------------------------------------


def _not_a_store(kind: str, tmp_path: Path) -> Path:
    """A --db path of `kind`, made under `tmp_path`."""
    db = tmp_path / "store.duckdb"
    if kind == "csv text":
        db.write_text("phone,name\n5550000001,Ada\n")
    elif kind == "random bytes":
        db.write_bytes(random.Random(7).randbytes(5_000))
    elif kind == "empty file":
        db.write_bytes(b"")
    elif kind == "truncated store":
        whole = tmp_path / "whole.duckdb"
        with store.opened(whole, lock_timeout=1):
            pass
        db.write_bytes(whole.read_bytes()[:4096])
    elif kind == "another application's database":
        con = duckdb.connect(str(db))
        con.execute("CREATE TABLE contacts (id INTEGER, phone VARCHAR)").fetchall()
        con.close()
    elif kind == "folder that is a file":
        (tmp_path / "folder").write_text("a file, not a folder")
        db = tmp_path / "folder" / "store.duckdb"
    return db


NOT_A_STORE = [
    "csv text",
    "random bytes",
    "empty file",
    "truncated store",
    "another application's database",
    "folder that is a file",
]


def _bytes(db: Path) -> bytes | None:
    return db.read_bytes() if db.is_file() else None


@pytest.mark.parametrize("kind", NOT_A_STORE)
def test_a_db_that_holds_no_store_is_one_line_and_exit_65(tmp_path: Path, kind: str) -> None:
    db = _not_a_store(kind, tmp_path)
    before = _bytes(db)
    cli = Cli(db, tmp_path / "reports")
    path = write_csv(tmp_path, "phone\n5550000009\n")
    commands = [
        ["campaign", "create", "A"],
        ["campaign", "list"],
        ["imports", "list"],
        ["contacts", "export", "--out", str(tmp_path / "out.csv")],
        ["import", str(path), "--report-dir", str(cli.reports), "--json"],
    ]
    if kind != "folder that is a file":  # nothing to read there: inspect and dry runs go on
        commands += [
            ["inspect", str(path)],
            ["import", str(path), "--dry-run", "--report-dir", str(cli.reports), "--json"],
        ]
    for command in commands:
        result = cli(*command)
        assert result.exit_code == 65, (command, result.output)
        (line,) = result.stderr.splitlines()
        assert f"The store {db} cannot be used: " in line, line
        assert line.endswith("(--db or CONTACTS_ETL_DB)"), line
        if command[0] == "import":
            summary = json.loads(result.stdout)
            assert summary["success"] is False
            assert summary["error"]["code"] == "INVALID_ARGUMENT"
            assert (cli.reports / summary["import_id"] / "summary.json").exists()
    assert _bytes(db) == before  # never written, never turned into a store


def test_db_under_a_file_names_the_folder(cli: Cli, tmp_path: Path) -> None:
    db = _not_a_store("folder that is a file", tmp_path)
    result = Cli(db, cli.reports)("campaign", "list")
    assert result.stderr == (
        f"Error: The store {db} cannot be used: cannot create its folder {db.parent}: "
        "Not a directory (--db or CONTACTS_ETL_DB)\n"
    )


def test_an_empty_duckdb_database_is_a_store_not_created_yet(tmp_path: Path) -> None:
    """A DuckDB file without tables (`duckdb store.duckdb` and quit): inspect and a dry run
    read it as no store at all; the first writing command gives it the schema."""
    db = tmp_path / "store.duckdb"
    duckdb.connect(str(db)).close()
    before = db.read_bytes()
    cli = Cli(db, tmp_path / "reports")
    path = write_csv(tmp_path, "phone\n5550000009\n")
    assert cli("inspect", str(path)).exit_code == 0
    dry = cli.run_import(str(path), "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    assert db.read_bytes() == before
    assert cli.run_import(str(path)).exit_code == 0
    assert cli.query("SELECT phone_number FROM contacts") == [("+15550000009",)]


def test_a_failure_opening_the_store_is_not_mistaken_for_its_lock(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB's errors about a damaged file can say 'block': only another process's lock
    is waited for and reported as STORE_BUSY (75); the rest fail at once."""

    def damaged(db: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
        raise duckdb.IOException("IO Error: Corrupt database file: invalid block count 7")

    monkeypatch.setattr(store, "_attach", damaged)
    result = cli("campaign", "list", "--lock-timeout", "1")
    assert result.exit_code == 65, result.output
    assert result.stderr == (
        f"Error: The store {cli.db} cannot be used: Corrupt database file: invalid block "
        "count 7 (--db or CONTACTS_ETL_DB)\n"
    )


def test_db_option_wins_over_the_environment(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from etl.cli import main

    from_env, from_option = tmp_path / "env.duckdb", tmp_path / "option.duckdb"
    env = {"CONTACTS_ETL_DB": str(from_env)}
    runner = CliRunner()
    assert runner.invoke(main, ["campaign", "create", "E"], env=env).exit_code == 0
    result = runner.invoke(main, ["--db", str(from_option), "campaign", "create", "O"], env=env)
    assert result.exit_code == 0
    assert Cli(from_env, tmp_path).query("SELECT name FROM campaigns") == [("E",)]
    assert Cli(from_option, tmp_path).query("SELECT name FROM campaigns") == [("O",)]
