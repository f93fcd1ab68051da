"""The four sample files in data/ import with the expected outcome on every row."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import DATA, Cli

NO_COUNTS = {"added": 0, "updated": 0, "skipped_existing": 0, "duplicate_in_file": 0, "rejected": 0}


def _import(cli: Cli, name: str, *args: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    campaign = cli.campaign()
    result = cli.run_import(str(DATA / name), "--campaign", str(campaign), "--json", *args)
    assert result.exit_code == 0, result.output
    summary = cli.summary(result)
    assert json.loads(result.stdout) == summary  # --json prints exactly the summary
    return summary, cli.rows(summary).to_dicts()


def test_appointments_phone_formats_become_e164(cli: Cli) -> None:
    summary, rows = _import(cli, "appointments.csv")
    assert summary["key"] == "phone"
    assert [r["phone_number"] for r in rows] == [
        "+15551234567",
        "+15551234568",
        "+15551234569",
        "+15551234570",
        None,
    ]
    assert [r["outcome"] for r in rows] == ["added"] * 4 + ["rejected"]
    assert [r["reasons"] for r in rows] == [[], [], [], [], ["invalid_phone"]]
    assert [r["name"] for r in rows][:2] == ["Ada Lovelace", "Grace Hopper"]
    assert rows[0]["company"] == "Analytical Engines"
    assert json.loads(rows[0]["variables"]) == {"appointment_date": "2026-12-01 09:00"}
    assert summary["counts"] == {**NO_COUNTS, "added": 4, "rejected": 1}
    assert summary["contacts"] == {"created": 4, "existing": 0}
    assert summary["imported_count"] == 4
    assert summary["total_contacts"] == 4
    assert summary["errors"] == [{"row": 5, "reasons": ["invalid_phone"], "value": "555-0100"}]
    assert summary["columns"] == {
        "Phone Number": "phone_number",
        "Customer Name": "name",
        "Company": "company",
        "Appointment Date": "appointment_date",
    }
    assert summary["resolution"] == {
        "Phone Number": "alias",
        "Customer Name": "alias",
        "Company": "alias",
    }
    stored = cli.query("SELECT phone_number, name FROM contacts ORDER BY contact_id")
    assert stored[0] == ("+15551234567", "Ada Lovelace")
    assert len(stored) == 4
    entries = cli.query(
        "SELECT status, CAST(variables AS VARCHAR) FROM campaign_contacts ORDER BY entry_id"
    )
    assert [e[0] for e in entries] == ["pending"] * 4
    assert json.loads(entries[3][1]) == {"appointment_date": "2026-12-03 11:15"}


def test_leads_keyed_by_email_with_a_custom_column(cli: Cli) -> None:
    summary, rows = _import(cli, "leads.csv")
    assert summary["key"] == "email"
    assert [r["email"] for r in rows] == [
        "ada@example.com",
        "grace.hopper@example.com",
        None,
        "katherine@nasa.gov",
    ]
    assert [r["outcome"] for r in rows] == ["added", "added", "rejected", "added"]
    assert rows[2]["reasons"] == ["invalid_email"]
    assert [r["name"] for r in rows] == [
        "Ada Lovelace",
        "Grace Hopper",
        "Alan Turing",
        "Katherine Johnson",
    ]
    assert rows[0]["job_title"] == "Mathematician"
    assert json.loads(rows[1]["variables"]) == {"favorite_color": "blue"}
    assert json.loads(rows[3]["variables"]) == {}  # empty cells are dropped
    assert summary["columns"]["firstName"] == "first_name"
    assert summary["columns"]["companyName"] == "company"
    assert summary["columns"]["Favorite Color"] == "favorite_color"
    assert summary["errors"] == [
        {"row": 3, "reasons": ["invalid_email"], "value": "alan.turing@bletchley"}
    ]


def test_contacts_with_json_metadata(cli: Cli) -> None:
    summary, rows = _import(cli, "contacts.csv")
    assert summary["key"] == "email"
    assert [r["outcome"] for r in rows] == ["added", "added", "added"]
    assert rows[0]["name"] == "Ada Lovelace"  # whitespace collapsed
    assert json.loads(rows[0]["metadata"]) == {"source": "conference", "score": 42}
    assert json.loads(rows[1]["metadata"]) == {"tags": ["cobol", "compilers"]}
    assert rows[2]["metadata"] is None
    assert rows[2]["reasons"] == ["invalid_metadata"]  # a warning: the row is still added
    assert rows[0]["linkedin_profile"] == "https://www.linkedin.com/in/ada"
    assert rows[0]["locale"] == "en-GB" and rows[0]["timezone"] == "Europe/London"
    assert "1 rows: invalid_metadata (the field was left empty)" in summary["warnings"]
    stored = cli.query(
        "SELECT CAST(metadata AS VARCHAR) FROM contacts WHERE email = 'ada@example.com'"
    )
    assert json.loads(stored[0][0]) == {"source": "conference", "score": 42}


def test_contact_center_indian_numbers_with_country(cli: Cli) -> None:
    summary, rows = _import(cli, "contact_center.csv")
    assert summary["key"] == "phone"
    assert [r["phone_number"] for r in rows] == [
        "+919876543210",
        "+919876543211",
        "+919876543212",
        "+14155550132",
    ]
    assert [r["country"] for r in rows] == ["IN", "IN", "IN", "US"]
    assert [r["outcome"] for r in rows] == ["added"] * 4
    assert rows[2]["email"] is None
    assert rows[0]["tag"] == "vip"
    assert cli.query("SELECT count(*) FROM contacts WHERE country = 'IN'") == [(3,)]


def test_make_run_sample_imports_into_a_demo_campaign_twice_without_adding(cli: Cli) -> None:
    campaign = cli.campaign("Demo")
    first = cli.run_import(str(DATA / "appointments.csv"), "--campaign", str(campaign), "--json")
    second = cli.run_import(str(DATA / "appointments.csv"), "--campaign", str(campaign), "--json")
    assert first.exit_code == second.exit_code == 0
    counts = json.loads(second.stdout)["counts"]
    assert counts == {**NO_COUNTS, "skipped_existing": 4, "rejected": 1}
    assert cli.query("SELECT count(*) FROM campaign_contacts") == [(4,)]
