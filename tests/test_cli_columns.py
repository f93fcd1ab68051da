"""Which column a field takes and how variables are named, through the CLI (SPEC 4, 4.1.3):
the mapping wins wherever the mapped column stands, variable names are distinct keys, and
a row's unused candidate values are kept as variables whether or not one was accepted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, write_csv


def _strict_json(text: str) -> dict[str, Any]:
    """A JSON object, failing on a repeated key (`json.loads` would keep the last one)."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in items]
        assert len(keys) == len(set(keys)), f"repeated key in {text}"
        return dict(items)

    value = json.loads(text, object_pairs_hook=pairs)
    assert isinstance(value, dict)
    return value


def _import(cli: Cli, path: Path, *args: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    result = cli.run_import(str(path), "--json", *args)
    assert result.exit_code == 0, result.output
    summary = cli.summary(result)
    return summary, cli.rows(summary).to_dicts()


def _stored_variables(cli: Cli) -> list[dict[str, Any]]:
    stored = cli.query("SELECT CAST(variables AS VARCHAR) FROM campaign_contacts ORDER BY entry_id")
    return [_strict_json(text) for (text,) in stored]


@pytest.mark.parametrize(
    ("alias_header", "mapped_header", "field"),
    [
        ("Name", "Who", "name"),
        ("Company", "Employer", "company"),
        ("Job Title", "Role", "job_title"),
        ("First Name", "Given", "first_name"),
        ("Country", "Land", "country"),
    ],
)
@pytest.mark.parametrize("mapped_first", [False, True], ids=["mapped-after", "mapped-before"])
def test_the_mapped_column_wins_wherever_it_stands(
    cli: Cli, tmp_path: Path, alias_header: str, mapped_header: str, field: str, mapped_first: bool
) -> None:
    alias_value, mapped_value = ("FR", "DE") if field == "country" else ("Alias", "Mapped")
    cells = [(alias_header, alias_value), (mapped_header, mapped_value)]
    if mapped_first:
        cells.reverse()
    headers = ",".join(h for h, _ in cells)
    values = ",".join(v for _, v in cells)
    path = write_csv(tmp_path, f"{headers},Phone\n{values},2025550001\n")
    campaign = cli.campaign()
    mapping = json.dumps({mapped_header: field})
    summary, rows = _import(cli, path, "--campaign", str(campaign), "--mapping", mapping)
    variable = alias_header.lower().replace(" ", "_")
    assert summary["resolution"][mapped_header] == "mapping"
    assert summary["columns"] == {
        mapped_header: field,
        alias_header: variable,
        "Phone": "phone_number",
    }
    assert f"kept as variable {variable!r}" in summary["warnings"][0]
    assert rows[0][field] == mapped_value
    assert _strict_json(rows[0]["variables"]) == {variable: alias_value}
    assert cli.query(f"SELECT {field} FROM contacts") == [(mapped_value,)]
    assert _stored_variables(cli) == [{variable: alias_value}]


HEADER = "Phone,Cell,Extra,Who\n2025550100,2025550101,x,w\n"


@pytest.mark.parametrize(
    ("mapping", "columns", "variables"),
    [
        # a mapped name beside an unused candidate's header name
        (
            {"Extra": "phone"},
            {"Extra": "phone", "Who": "who"},
            {"phone": "x", "who": "w", "phone_2": "2025550100"},
        ),
        # a mapped name beside a variable header's name, the header after it ...
        (
            {"Extra": "who"},
            {"Extra": "who", "Who": "who_2"},
            {"who": "x", "who_2": "w", "phone": "2025550100"},
        ),
        # ... and before it
        (
            {"Who": "extra"},
            {"Extra": "extra_2", "Who": "extra"},
            {"extra_2": "x", "extra": "w", "phone": "2025550100"},
        ),
        # two mappings to one name: the first in file order keeps it
        (
            {"Who": "v", "Extra": "v"},
            {"Extra": "v", "Who": "v_2"},
            {"v": "x", "v_2": "w", "phone": "2025550100"},
        ),
    ],
)
def test_variable_names_are_distinct_and_mapped_names_win(
    cli: Cli,
    tmp_path: Path,
    mapping: dict[str, str],
    columns: dict[str, str],
    variables: dict[str, str],
) -> None:
    path = write_csv(tmp_path, HEADER)
    campaign = cli.campaign()
    summary, rows = _import(
        cli, path, "--campaign", str(campaign), "--mapping", json.dumps(mapping)
    )
    assert summary["columns"] == {"Phone": "phone_number", "Cell": "phone_number", **columns}
    assert rows[0]["phone_number"] == "+12025550101"  # the cell candidate comes first
    assert _strict_json(rows[0]["variables"]) == variables
    assert _stored_variables(cli) == [variables]


def test_headers_with_one_snake_case_name_get_suffixes(cli: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Phone,Appt Date,appt_date,apptDate\n2025550100,a,b,c\n")
    summary, rows = _import(cli, path)
    assert list(summary["columns"].values()) == [
        "phone_number",
        "appt_date",
        "appt_date_2",
        "appt_date_3",
    ]
    assert _strict_json(rows[0]["variables"]) == {
        "appt_date": "a",
        "appt_date_2": "b",
        "appt_date_3": "c",
    }


def test_unused_candidates_are_kept_when_none_is_accepted(cli: Cli, tmp_path: Path) -> None:
    """No accepted candidate: the row's value is its first filled candidate (the cell its
    reason and `errors[].value` are about); the other filled candidates are unused."""
    text = (
        "Phone,Email,Work Email,Other Email\n"
        "2025550001,bad,bad2,bad3\n"
        "2025550002,bad,,ok@x.com\n"
        "2025550003,,x2,bad4\n"
        "2025550004,,,only\n"
    )
    campaign = cli.campaign()
    summary, rows = _import(
        cli, write_csv(tmp_path, text), "--key", "email", "--campaign", str(campaign)
    )
    invalid = ["invalid_email"]
    assert [r["reasons"] for r in rows] == [invalid, [], invalid, invalid]
    assert [_strict_json(r["variables"]) for r in rows] == [
        {"work_email": "bad2", "other_email": "bad3"},
        {"email": "bad"},
        {"other_email": "bad4"},
        {},
    ]
    assert [e["value"] for e in summary["errors"]] == ["bad", "x2", "only"]
    assert _stored_variables(cli) == [{"email": "bad"}]


def test_unused_phone_candidate_kept_when_none_is_accepted(cli: Cli, tmp_path: Path) -> None:
    """The first filled candidate in the order rows try them: Mobile before Phone."""
    path = write_csv(tmp_path, "Phone,Mobile,Email\nabc,12,a@x.com\n,,b@x.com\n")
    summary, rows = _import(cli, path, "--key", "email")
    assert [r["reasons"] for r in rows] == [["invalid_phone"], []]
    assert [_strict_json(r["variables"]) for r in rows] == [{"phone": "abc"}, {}]
    path = write_csv(tmp_path, "Phone,Mobile\nabc,12\n", name="phones.csv")
    summary, rows = _import(cli, path)
    assert summary["errors"] == [{"row": 1, "reasons": ["invalid_phone"], "value": "12"}]
    assert _strict_json(rows[0]["variables"]) == {"phone": "abc"}
