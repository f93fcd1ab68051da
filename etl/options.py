"""The options of one import, as the CLI parsed them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ImportOptions:
    """Everything `contacts-etl import` takes besides the files (SPEC section 2)."""

    db: Path = Path("data/contacts.duckdb")
    campaign_id: int | None = None
    key: str = "auto"  # phone | email | auto
    mapping: str | None = None  # JSON object inline or a path, parsed per import
    region: str = "US"
    phone_check: str = "possible"  # possible | valid
    on_duplicate: str = "skip"  # skip | update | create_new
    replace_pending: bool = False
    import_id: str | None = None
    delimiter: str = ","
    encoding: str = "utf-8"
    max_rows: int = 50_000
    max_bytes: int = 52_428_800
    strict: bool = False
    dry_run: bool = False
    report_dir: Path = Path("data/reports")
    lock_timeout: float = 30.0
