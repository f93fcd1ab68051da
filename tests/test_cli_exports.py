"""Real exports import without a mapping: one test per tests/cases/exports/<tool>/ folder.

Each folder holds the `input.csv` a tool writes (real header layout, fake contacts) and an
`expected.json` with what a person would pick: the key, the phone and email candidates in
the order rows try them, resolved columns, the outcome counts and selected row values.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CASES, Cli

EXPORTS = sorted((CASES / "exports").glob("*/input.csv"))


def _expected(input_csv: Path) -> dict[str, Any]:
    return json.loads((input_csv.parent / "expected.json").read_text(encoding="utf-8"))


def test_the_corpus_is_there() -> None:
    tools = {p.parent.name for p in EXPORTS}
    assert {"google_contacts", "outlook_en", "outlook_de", "salesforce_report", "hubspot"} <= tools
    assert {"apollo", "linkedin", "thunderbird", "generic_field7"} <= tools


@pytest.mark.parametrize("input_csv", EXPORTS, ids=[p.parent.name for p in EXPORTS])
def test_export_imports_without_a_mapping(cli: Cli, input_csv: Path) -> None:
    expected = _expected(input_csv)
    result = cli.run_import(str(input_csv), "--json", *expected.get("args", []))
    assert result.exit_code == 0, result.output
    summary = cli.summary(result)
    assert summary["success"] is True
    assert summary["key"] == expected["key"]
    assert summary["counts"] == expected["counts"]
    assert sum(summary["counts"].values()) == summary["total_rows"]
    for field_name, headers in expected["candidates"].items():
        resolved = {h for h, target in summary["columns"].items() if target == field_name}
        assert resolved == set(headers), field_name
    for header, target in expected["columns"].items():
        assert summary["columns"][header] == target, header
    for header, how in expected["resolution"].items():
        assert summary["resolution"][header] == how, header
    # every header resolved to a standard field says how; variables do not
    standard = {h for h, t in summary["columns"].items() if h and h in summary["resolution"]}
    assert standard == set(summary["resolution"])
    rows = {r["row"]: r for r in cli.rows(summary).to_dicts()}
    for number, want in expected["rows"].items():
        row = rows[int(number)]
        for name, value in want.items():
            if name == "variables":
                variables = json.loads(row["variables"])
                assert {k: variables.get(k) for k in value} == value, (number, name)
            else:
                assert row[name] == value, (number, name)


@pytest.mark.parametrize("input_csv", EXPORTS, ids=[p.parent.name for p in EXPORTS])
def test_inspect_shows_the_candidates_in_the_order_rows_try_them(cli: Cli, input_csv: Path) -> None:
    expected = _expected(input_csv)
    result = cli("inspect", str(input_csv), "--json", *expected.get("args", []))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["candidates"] == expected["candidates"]
    assert report["header_line"] == expected["header_line"]
    assert report["key"] == expected["key"]
    assert report["counts"] == expected["counts"]
    assert not cli.db.exists()  # inspect never creates the store
