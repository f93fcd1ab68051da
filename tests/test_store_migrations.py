"""Migrations: a store made by an older version is brought up to date on open."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from etl import store
from tests.conftest import Cli


def test_imports_error_column_is_backfilled_for_older_stores(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(store, "MIGRATIONS", store.MIGRATIONS[:2])  # the store before `error`
        cli.campaign()
    con = duckdb.connect(str(cli.db))
    con.execute(
        "INSERT INTO imports (import_id, file_name, status, error_code, error_message, "
        "started_at) VALUES (uuid(), 'old.csv', 'failed', 'FILE_NOT_FOUND', "
        "'File not found: old.csv', now())"
    ).fetchall()
    con.close()
    assert cli.query("SELECT max(version) FROM schema_migrations") == [(2,)]
    listed = cli("imports", "list", "--json")  # opening with every migration applies 3
    assert listed.exit_code == 0
    assert cli.query("SELECT max(version) FROM schema_migrations") == [(len(store.MIGRATIONS),)]
    (error,) = cli.query("SELECT CAST(error AS VARCHAR) FROM imports")[0]
    assert json.loads(error) == json.loads(listed.stdout)["error"]
    assert json.loads(error) == {"code": "FILE_NOT_FOUND", "message": "File not found: old.csv"}


def test_imports_table_has_the_spec_columns(cli: Cli) -> None:
    cli.campaign()
    names = {
        row[0]
        for row in cli.query(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'imports'"
        )
    }
    spec = {
        "import_id",
        "campaign_id",
        "file_name",
        "file_sha256",
        "status",
        "key",
        "total_rows",
        "added",
        "updated",
        "skipped_existing",
        "duplicate_in_file",
        "rejected",
        "error",
        "started_at",
        "finished_at",
        "report_dir",
    }
    assert spec <= names


def test_a_store_of_a_newer_version_is_refused_and_left_alone(cli: Cli, tmp_path: Path) -> None:
    """A newer contacts-etl migrated the store (a rollback of the deployment, an old copy
    on another host): writing to a schema this code does not know could break it."""
    cli.campaign()
    newer = store.MIGRATIONS[-1][0] + 1
    con = duckdb.connect(str(cli.db))
    con.execute("INSERT INTO schema_migrations VALUES (?, now())", [newer]).fetchall()
    con.close()
    before = cli.db.read_bytes()
    path = tmp_path / "input.csv"
    path.write_text("phone\n5550000009\n")
    commands = [
        ["campaign", "list"],
        ["imports", "list"],
        ["inspect", str(path)],
        ["import", str(path), "--campaign", "1", "--report-dir", str(cli.reports)],
        ["import", str(path), "--dry-run", "--report-dir", str(cli.reports)],
    ]
    for command in commands:
        result = cli(*command)
        assert result.exit_code == 65, (command, result.output)
        (line,) = result.stderr.splitlines()
        assert line.endswith(
            f"The store {cli.db} cannot be used: its schema is version {newer}, newer than "
            f"this contacts-etl knows ({newer - 1}); use a newer contacts-etl "
            "(--db or CONTACTS_ETL_DB)"
        ), line
    assert cli.db.read_bytes() == before
