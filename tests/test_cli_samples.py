"""The four sample files in data/ import with the expected outcome on every row."""

from __future__ import annotations

from tests.conftest import DATA, Cli


def _import(cli: Cli, name: str, *args: str) -> tuple[dict, list[dict]]:
    campaign = cli.campaign()
    result = cli.run_import(str(DATA / name), "--campaign", str(campaign), "--json", *args)
    assert result.exit_code == 0, result.output
    summary = cli.summary(result)
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
    assert rows[4]["reasons"] == ["invalid_phone"]
    assert rows[0]["name"] == "Ada Lovelace"
    assert rows[0]["variables"] == '{"appointment_date":"2026-12-01 09:00"}'
    assert summary["counts"] == {
        "added": 4, "updated": 0, "skipped_existing": 0, "duplicate_in_file": 0, "rejected": 1,
    }
    assert summary["errors"] == [{"row": 5, "reasons": ["invalid_phone"], "value": "555-0100"}]
    assert cli.query("SELECT count(*) FROM contacts") == [(4,)]
    assert cli.query("SELECT count(*) FROM campaign_contacts WHERE status = 'pending'") == [(4,)]
