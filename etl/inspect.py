"""`contacts-etl inspect`: what an import of one file would do, writing nothing (SPEC 4.2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from etl import detect, pipeline, transform
from etl.columns import ColumnPlan, canonical
from etl.extract import RawTable
from etl.mapping import load_mapping
from etl.memo import OracleMemo
from etl.normalize import trimmed
from etl.options import ImportOptions
from etl.store import StoreSession, write_whole_file
from schemas.aliases import CANDIDATE_FIELDS, STANDARD_FIELDS

SAMPLES = 3
_STANDARD = {canonical(f) for f in STANDARD_FIELDS}


def inspect_file(path: Path, opts: ImportOptions, session: StoreSession) -> dict[str, Any]:
    """Read and resolve the file as `import` would, and decide its rows against the store
    as it is (read-only, and only when it exists). File-level problems raise EtlError."""
    summary = pipeline.base_summary(path, "", opts)
    summary["dry_run"] = True
    mapping = load_mapping(opts.mapping)
    # Before the file is read, as import: counts against a campaign that is not there
    # would preview an import that cannot run.
    pipeline.check_campaign(opts, session)
    table = pipeline.read(path, opts, summary)
    plan, key, clean = pipeline.resolve_and_normalize(table, mapping, opts, summary)
    pipeline.dry_run(clean, key, transform.CellFields(table, plan), opts, session, summary)
    return {
        "file_name": path.name,
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "header_line": table.header_line,
        "total_rows": table.total_rows,
        "key": key,
        "columns": summary["columns"],
        "resolution": summary["resolution"],
        "candidates": {f: [c.header for c in plan.candidates(f)] for f in CANDIDATE_FIELDS},
        "notes": {c.header: c.note for c in plan.columns if c.header and c.note},
        "samples": samples(table, plan),
        "valid_share": valid_share(table, plan, opts),
        "campaign_id": opts.campaign_id,
        "counts": summary["counts"],
        "contacts": summary["contacts"],
        "imported_count": summary["imported_count"],
        "total_contacts": summary["total_contacts"],
        "warnings": summary["warnings"],
        "errors": summary["errors"][:10],
        "message": summary["message"],
        "mapping": saved_mapping(plan),
    }


def samples(table: RawTable, plan: ColumnPlan) -> dict[str, list[str]]:
    """Header -> its first distinct non-empty values (up to SAMPLES), in one pass."""
    named = [c for c in plan.columns if c.header]
    if not named:
        return {}
    exprs = [
        trimmed(RawTable.cell(c.index))
        .drop_nulls()
        .head(50)
        .unique(maintain_order=True)
        .head(SAMPLES)
        .implode()
        .alias(str(c.index))
        for c in named
    ]
    row = table.frame.select(exprs).row(0, named=True)
    return {c.header: list(row[str(c.index)]) for c in named}


def valid_share(table: RawTable, plan: ColumnPlan, opts: ImportOptions) -> dict[str, float | None]:
    """Phone/email candidate header -> share of its non-empty cells (a sample of up to
    1,000) that hold an accepted value; None for a column without values."""
    country, memo = plan.field_column("country"), OracleMemo()
    shares: dict[str, float | None] = {}
    for field_name in CANDIDATE_FIELDS:
        for column in plan.candidates(field_name):
            sample = detect.sample_values(table.frame, column, country)
            share = detect.accepted_share(
                sample, field_name, region=opts.region, phone_check=opts.phone_check, memo=memo
            )
            shares[column.header] = None if share is None else round(share, 4)
    return shares


def saved_mapping(plan: ColumnPlan) -> dict[str, str | None]:
    """The resolved columns as a `--mapping` that reproduces this resolution.

    Mapped candidates are tried in file order (SPEC 4.1, point 3), so only the candidates
    whose order is already file order are written (the longest such start of the list);
    the rest are left to the header rules, which put them after those, in the same order
    as now. A variable whose name is a standard field's cannot be written as one; it is
    left out too (the same rules keep it a variable).
    """
    written: set[int] = set()
    for field_name in CANDIDATE_FIELDS:
        last = -1
        for column in plan.candidates(field_name):
            if column.index < last:
                break
            written.add(column.index)
            last = column.index
    mapping: dict[str, str | None] = {}
    for column in plan.columns:
        if not column.header:
            continue
        if column.target in CANDIDATE_FIELDS and column.how is not None:
            if column.index in written:
                mapping[column.header] = column.target
        elif column.target is None or column.how is not None:
            mapping[column.header] = column.target
        elif canonical(column.target) not in _STANDARD:
            mapping[column.header] = column.target
    return mapping


def write_mapping(path: Path, report: dict[str, Any]) -> None:
    """Save the mapping for `import --mapping PATH` (all or nothing: a nightly import may
    be reading the one it replaces)."""
    text = json.dumps(report["mapping"], ensure_ascii=False, indent=2) + "\n"
    write_whole_file(path, lambda handle: handle.write(text.encode("utf-8")), "--write-mapping")


def _delimiter_name(delimiter: str) -> str:
    return {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(
        delimiter, repr(delimiter)
    )


def render(report: dict[str, Any]) -> str:
    """The human-readable report."""
    lines = [
        f"file:        {report['file_name']}",
        f"encoding:    {report['encoding']}",
        f"delimiter:   {_delimiter_name(report['delimiter'])}",
        f"header line: {report['header_line']}",
        f"data rows:   {report['total_rows']}",
        f"key:         {report['key']}",
        "",
        "columns:",
    ]
    order = {
        header: f"{field_name} #{n}"
        for field_name, headers in report["candidates"].items()
        for n, header in enumerate(headers, 1)
    }
    width = max((len(h) for h in report["columns"]), default=0)
    for header, target in report["columns"].items():
        how = report["resolution"].get(header)
        if target is None:
            where = "(dropped)"
        elif how is None:
            where = f"variable {target}"
        else:
            where = f"{order.get(header, target)} ({how})"
        valid = ""
        if header in report["valid_share"]:
            share = report["valid_share"][header]
            valid = "  (empty)" if share is None else f"  {share:.0%} valid"
        note = report["notes"].get(header)
        why = f"  [not a field: {note}]" if note else ""
        shown = ", ".join(repr(v) for v in report["samples"].get(header, []))
        lines.append(f"  {header:<{width}}  -> {where}{valid}{why}")
        if shown:
            lines.append(f"  {'':<{width}}     e.g. {shown}")
    for field_name, headers in report["candidates"].items():
        if headers:
            lines.append(
                f"{field_name} candidates, in the order rows try them: {', '.join(headers)}"
            )
    for warning in report["warnings"]:
        lines.append(f"warning: {warning}")
    c = report["counts"]
    into = "" if report["campaign_id"] is None else f" into campaign {report['campaign_id']}"
    lines += [
        "",
        f"a dry run{into} would give: {c['added']} added, {c['updated']} updated, "
        f"{c['skipped_existing']} already there, {c['duplicate_in_file']} duplicates in the "
        f"file, {c['rejected']} rejected",
    ]
    for error in report["errors"][:5]:
        lines.append(f"  row {error['row']}: {', '.join(error['reasons'])} ({error['value']!r})")
    return "\n".join(lines)
