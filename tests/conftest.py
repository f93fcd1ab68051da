"""Shared fixtures: a temporary store and report folder, and a `cli` runner through Click."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner, Result

from etl.cli import main

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
CASES = Path(__file__).resolve().parent / "cases"


@dataclass
class Cli:
    """Runs `contacts-etl` in-process against a temporary store and report folder."""

    db: Path
    reports: Path

    def __call__(self, *args: str, input: str | None = None) -> Result:
        runner = CliRunner()
        return runner.invoke(
            main, ["--db", str(self.db), *map(str, args)], input=input, catch_exceptions=False
        )

    def run_import(self, *args: str) -> Result:
        return self("import", *args, "--report-dir", str(self.reports))

    def campaign(self, name: str = "Test") -> int:
        result = self("campaign", "create", name)
        assert result.exit_code == 0, result.output
        return int(result.stdout.strip())

    def summary(self, result: Result) -> dict[str, Any]:
        """The summary.json of the (single) import a --json run printed."""
        line = [ln for ln in result.stdout.splitlines() if ln.startswith("{")][-1]
        import_id = json.loads(line)["import_id"]
        return json.loads((self.reports / import_id / "summary.json").read_text())

    def rows(self, summary: dict[str, Any]) -> pl.DataFrame:
        return pl.read_parquet(self.reports / summary["import_id"] / "rows.parquet")

    def report_file(self, summary: dict[str, Any], name: str) -> Path:
        return self.reports / summary["import_id"] / name

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if not self.db.exists():
            return []
        con = duckdb.connect(str(self.db), read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every table's contents, for 'the store did not change' assertions."""
        tables = ("campaigns", "contacts", "campaign_contacts", "imports")
        if not self.db.exists():
            return {t: [] for t in tables}
        return {t: sorted(map(repr, self.query(f"SELECT * FROM {t}"))) for t in tables}


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "store.duckdb", tmp_path / "reports")


def write_csv(folder: Path, text: str, name: str = "input.csv", encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path
