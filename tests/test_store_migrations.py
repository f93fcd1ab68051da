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
