"""The store file: what a large import leaves in it, and where DuckDB may spill."""

from __future__ import annotations

from pathlib import Path

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
