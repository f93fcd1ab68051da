"""run(file, options) -> ImportResult: the steps of one import, in order (SPEC section 3)."""

from __future__ import annotations

import logging
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import polars as pl

from etl import columns, dedupe, detect, extract, interrupt, report, store, transform
from etl.errors import (
    CampaignNotFound,
    EtlError,
    ImportFailed,
    InvalidArgument,
    NoKeyColumn,
    StoreBusy,
    first_line,
    printable,
)
from etl.mapping import load_mapping
from etl.memo import OracleMemo
from etl.options import ImportOptions
from etl.store import StoreSession

log = logging.getLogger("etl")


@dataclass
class ImportResult:
    """The outcome of one file: its summary (as in summary.json) and its exit code."""

    summary: dict[str, Any]
    exit_code: int
    decided: pl.DataFrame | None = field(default=None, repr=False)


def parse_import_id(value: str | None) -> str:
    """The given UUID in canonical form, or a new UUID4."""
    if value is None:
        return str(uuid.uuid4())
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise InvalidArgument(f"--import-id must be a UUID, not {value!r}") from exc


def choose_key(plan: columns.ColumnPlan, key: str) -> str:
    """phone | email, per --key; NO_KEY_COLUMN when the key field has no column."""
    has_phone = bool(plan.candidates("phone_number"))
    has_email = bool(plan.candidates("email"))
    if key == "auto":
        if not (has_phone or has_email):
            raise NoKeyColumn(
                "No phone column detected (and no email column); name one with --mapping",
                step="columns",
            )
        return "phone" if has_phone else "email"
    if key == "phone" and not has_phone:
        raise NoKeyColumn("No phone column detected; name it with --mapping", step="columns")
    if key == "email" and not has_email:
        raise NoKeyColumn("No email column detected; name it with --mapping", step="columns")
    return key


def _delimiter_hint(table: extract.RawTable) -> str:
    """For a file read with the wrong delimiter: its header is one column holding another."""
    if len(table.headers) != 1:
        return ""
    others = [d for d in extract.AUTO_DELIMITERS if d != table.delimiter and d in table.headers[0]]
    if not others:
        return ""
    shown = "tab" if others[0] == "\t" else repr(others[0])
    return (
        f"; the header is one column holding {shown}: if that is the delimiter, use "
        f"--delimiter {shown} (or auto)"
    )


def base_summary(path: Path, import_id: str, opts: ImportOptions) -> dict[str, Any]:
    return {
        "success": False,
        "message": "",
        "import_id": import_id,
        "campaign_id": opts.campaign_id,
        "file_name": printable(path.name),
        "file_sha256": None,
        "import_date": store.iso_utc(store.utc_now()),
        "dry_run": opts.dry_run,
        "key": None if opts.key == "auto" else opts.key,
        "total_rows": 0,
        "counts": {name: 0 for name in dedupe.OUTCOMES},
        "contacts": {"created": 0, "existing": 0},
        "imported_count": 0,
        "total_contacts": None,
        "columns": {},
        "resolution": {},
        "warnings": [],
        "errors": [],
        "error": None,
        "duration_s": 0.0,
    }


def _row_warnings(decided: pl.DataFrame) -> list[str]:
    """One line per warning reason on rows that were not rejected."""
    kept = decided.select(pl.col("reasons").filter(pl.col("outcome") != "rejected").explode())
    counted = kept.drop_nulls().group_by("reasons").len().sort("reasons")
    return [f"{n} rows: {code} (the field was left empty)" for code, n in counted.iter_rows()]


def _message(summary: dict[str, Any]) -> str:
    c = summary["counts"]
    where = (
        f"campaign {summary['campaign_id']}" if summary["campaign_id"] is not None else "the store"
    )
    verb = "Would import" if summary["dry_run"] else "Imported"
    return (
        f"{verb} {summary['imported_count']} of {summary['total_rows']} rows into {where}: "
        f"{c['added']} added, {c['updated']} updated, {c['skipped_existing']} already there, "
        f"{c['duplicate_in_file']} duplicates in the file, {c['rejected']} rejected"
    )


def _write_flags(decided: pl.DataFrame, opts: ImportOptions) -> pl.DataFrame:
    """What each decided row writes to the store (`store.WRITE_FLAGS`)."""
    campaign = pl.lit(opts.campaign_id is not None)
    adds_entry = (pl.col("outcome") == "added") & campaign
    return decided.select(
        "creates",
        (pl.col("writes_fields") & pl.col("existing_id").is_not_null()).alias("updates_contact"),
        adds_entry.alias("adds_entry"),
        adds_entry.cast(pl.Int64).cum_sum().alias("entry_no"),
        ((pl.col("outcome") == "updated") & campaign).alias("updates_entry"),
    )


def run(
    path: Path, opts: ImportOptions, session: StoreSession, memo: OracleMemo | None = None
) -> ImportResult:
    """Import one file; file-level failures are reported in the result, never raised.
    `memo`: the oracles' answers, shared by the files of one command."""
    started, clock = store.utc_now(), time.perf_counter()
    try:
        import_id = parse_import_id(opts.import_id)
        folder_id = import_id
    except InvalidArgument as exc:
        folder_id = str(uuid.uuid4())
        return _fail(path, opts, session, folder_id, exc, started, clock, record=False)
    summary = base_summary(path, import_id, opts)
    table = None
    try:
        mapping = load_mapping(opts.mapping)
        table = _read_beside_store_checks(path, opts, session, import_id)
        _note_read(table, summary)
        log.info(
            "%s: %d rows read in %.3fs (%s, delimiter %r, header on line %d)",
            path.name,
            table.total_rows,
            time.perf_counter() - clock,
            table.encoding,
            table.delimiter,
            table.header_line,
        )
        plan, key, clean = resolve_and_normalize(table, mapping, opts, summary, memo)
        log.info(
            "%s: key %s; columns %s; normalized at %.3fs",
            path.name,
            key,
            summary["columns"],
            time.perf_counter() - clock,
        )
        fields = transform.CellFields(table, plan)
        folder = report.report_folder(opts.report_dir, import_id)
        decided = _decide_and_write(
            clean,
            key,
            fields,
            opts,
            session,
            summary,
            import_id,
            started,
            folder=folder,
            clock=clock,
        )
    except EtlError as exc:
        if exc.step == "import_id":  # that id's report folder belongs to the other import
            import_id = str(uuid.uuid4())
        return _fail(
            path, opts, session, import_id, exc, started, clock, summary=summary, table=table
        )
    except (Exception, interrupt.Interrupted) as exc:  # noqa: BLE001 - reported as such
        if interrupt.requested() and _committed(opts, session, summary):
            # The signal came just after the commit: the import stands, as its summary.json
            # (written before the commit) says; the command stops once it is reported.
            return ImportResult(summary, 0)
        result = _fail(
            path,
            opts,
            session,
            import_id,
            _internal_failure(exc),
            started,
            clock,
            summary=summary,
            table=table,
        )
        if interrupt.requested():  # Ctrl-C, SIGTERM: recorded and reported, then the command stops
            raise interrupt.Interrupted from exc
        return result
    # summary.json was written before the commit; again now, with the whole duration. When
    # this write fails (disk full), the one written before the commit stands.
    summary["duration_s"] = round(time.perf_counter() - clock, 4)
    try:
        report.write_summary(folder, summary)
    except OSError as exc:
        log.warning("%s: summary.json keeps the duration before the commit: %s", path.name, exc)
    log.info("%s: store and reports written at %.3fs: %s", path.name, summary["duration_s"], folder)
    return ImportResult(summary, 0, decided)


def _committed(opts: ImportOptions, session: StoreSession, summary: dict[str, Any]) -> bool:
    """Whether this import's transaction committed. `success` is set just before the commit,
    once its import id was found free; only this command, holding the store, can have used
    it since."""
    if opts.dry_run or not summary["success"]:
        return False
    try:
        con = session.reader()
        return con is not None and store.import_id_used(con, summary["import_id"])
    except Exception:  # noqa: BLE001 - then it is reported as failed, as before
        return False


def _internal_failure(exc: BaseException) -> ImportFailed:
    """Any other failure, as IMPORT_FAILED: its type and first line. A Ctrl-C or SIGTERM as such
    (DuckDB turns one during a query into an error of its own)."""
    if interrupt.requested():
        message = f"Interrupted ({interrupt.what()}); the import was rolled back"
    else:
        message = f"{type(exc).__name__}: {first_line(exc)}"
    failure = ImportFailed(message, step="import")
    failure.__cause__ = exc
    return failure


def read(path: Path, opts: ImportOptions, summary: dict[str, Any]) -> extract.RawTable:
    """Step 1: check and parse the file (fills `file_sha256` and `total_rows`)."""
    table = _parse(path, opts)
    _note_read(table, summary)
    return table


def _parse(path: Path, opts: ImportOptions) -> extract.RawTable:
    return extract.read_table(
        path,
        encoding=opts.encoding,
        delimiter=opts.delimiter,
        max_bytes=opts.max_bytes,
        max_rows=opts.max_rows,
    )


def _note_read(table: extract.RawTable, summary: dict[str, Any]) -> None:
    summary["file_sha256"] = table.file_sha256
    summary["total_rows"] = table.total_rows


def _read_beside_store_checks(
    path: Path, opts: ImportOptions, session: StoreSession, import_id: str
) -> extract.RawTable:
    """Step 1 in a second thread while this one opens and checks the store (and reads the
    columns the comparison will scan into DuckDB's buffers). The store's and the report
    folder's errors come first, as when checked before the file; the file's next."""
    reader = ThreadPoolExecutor(max_workers=1)
    try:
        parsing = reader.submit(_parse, path, opts)
        _check_arguments(opts, session, import_id)
        _check_report_dir(opts.report_dir, import_id)
        con = session.reader()
        if con is not None:
            store.warm_up(con)
        return parsing.result()
    finally:
        reader.shutdown(wait=False)  # after a failed check, the command need not wait for the file


def resolve_and_normalize(
    table: extract.RawTable,
    mapping: dict[str, str | None],
    opts: ImportOptions,
    summary: dict[str, Any],
    memo: OracleMemo | None = None,
) -> tuple[columns.ColumnPlan, str, pl.DataFrame]:
    """Steps 2-3, writing nothing: resolve the columns (header rules, then content), choose
    the key, normalize every row (fills `columns`, `resolution`, `warnings`, `key`).
    Detection's sample and the rows ask the oracles through one `memo`: once per value."""
    plan = columns.resolve(table.headers, mapping)
    memo = memo or OracleMemo()
    plan = detect.detect_content(
        table, plan, region=opts.region, phone_check=opts.phone_check, memo=memo
    )
    summary["columns"], summary["resolution"] = plan.summary_columns(), plan.resolution()
    summary["warnings"] = [*table.warnings, *plan.warnings]
    try:
        key = choose_key(plan, opts.key)
    except NoKeyColumn as exc:
        exc.message += _delimiter_hint(table)
        raise
    summary["key"] = key
    clean = transform.normalize_rows(
        table,
        plan,
        key,
        region=opts.region,
        phone_check=opts.phone_check,
        strict=opts.strict,
        memo=memo,
    )
    return plan, key, clean


# The columns of the written slices: the report's (but `raw`) and what the store needs.
OUTPUT_COLUMNS = (*report.ROWS_COLUMNS[:-1], *store.WRITE_FLAGS)


def dry_run(
    clean: pl.DataFrame,
    key: str,
    fields: transform.CellFields,
    opts: ImportOptions,
    session: StoreSession,
    summary: dict[str, Any],
) -> pl.DataFrame:
    """Steps 4-5 without writing: outcomes and counts against the store as it is (inspect)."""
    dry = replace(opts, dry_run=True)
    return _decide_and_write(clean, key, fields, dry, session, summary, summary["import_id"], None)


def _check_report_dir(report_dir: Path, import_id: str) -> None:
    """Made before the store is touched: a committed import must never lack its report."""
    try:
        report.report_folder(report_dir, import_id)
    except OSError as exc:
        raise InvalidArgument(
            f"Cannot create the report folder {report_dir / import_id}: {exc.strerror} "
            "(--report-dir)"
        ) from exc


def check_campaign(opts: ImportOptions, session: StoreSession) -> None:
    """An unknown --campaign is CAMPAIGN_NOT_FOUND (import and inspect alike)."""
    if opts.campaign_id is None:
        return
    con = session.reader()
    if con is None or not store.campaign_exists(con, opts.campaign_id):
        raise CampaignNotFound(f"Campaign {opts.campaign_id} not found", step="store")


def _check_arguments(opts: ImportOptions, session: StoreSession, import_id: str) -> None:
    check_campaign(opts, session)
    con = session.reader()
    if opts.import_id is not None and con is not None and store.import_id_used(con, import_id):
        raise InvalidArgument(
            f"--import-id {import_id} was already used by another import", step="import_id"
        )


def _decide_and_write(
    clean: pl.DataFrame,
    key: str,
    fields: transform.CellFields,
    opts: ImportOptions,
    session: StoreSession,
    summary: dict[str, Any],
    import_id: str,
    started: Any,
    folder: Path | None = None,
    clock: float = 0.0,
) -> pl.DataFrame:
    """Steps 4-6: compare with the store, check, write the store and the reports (in
    `folder`; none without; summary.json's `duration_s` counts from `clock`). A second
    thread works beside the store: it computes the fields taken from the cells (which need
    no decision) while the rows are compared and decided, then checks the decided rows and
    writes the reports while the store takes the rows (DuckDB and Polars both let go of
    the GIL)."""
    con = session.reader()
    with ThreadPoolExecutor(max_workers=1) as side:
        writes_rows = folder is not None or not opts.dry_run  # (inspect writes none)
        cell_fields = fields.computed(clean, side if writes_rows else None)
        matches = (
            dedupe.StoreMatches.empty()
            if con is None
            else store.lookup(
                con,
                clean,
                key=key,
                campaign_id=opts.campaign_id,
                replace_pending=opts.replace_pending,
            )
        )
        decided = decide(clean, matches, key, opts)
        rows = report.rows_frame(decided)
        summarize(decided, fields, key, summary)
        record = _import_record(summary, opts, started)

        def finish() -> None:
            # The summary's last fields and summary.json; for an import, inside its
            # transaction before the commit: a committed import never lacks its summary.
            summary["total_contacts"] = _total_contacts(session, opts, summary["counts"])
            summary["success"] = True
            summary["message"] = _message(summary)
            if folder is not None:
                summary["duration_s"] = round(time.perf_counter() - clock, 4)
                report.write_summary(folder, summary)

        _write_rows(decided, rows, fields, cell_fields, opts, session, record, folder, side, finish)
    return decided


def decide(
    clean: pl.DataFrame, matches: dedupe.StoreMatches, key: str, opts: ImportOptions
) -> pl.DataFrame:
    """Step 4: every row's outcome and contact, from the clean rows and the store's matches."""
    return dedupe.decide(
        clean,
        matches,
        key=key,
        on_duplicate=opts.on_duplicate,
        has_campaign=opts.campaign_id is not None,
    )


def _check_rows(rows: pl.DataFrame) -> None:
    """The Pandera check of the decided rows: a failure is a bug in the job, never the
    data's fault."""
    from schemas.contacts import validate_report_rows

    try:
        validate_report_rows(rows)
    except Exception as exc:
        raise ImportFailed(
            f"Internal check of the clean rows failed: {' '.join(str(exc).split())[:300]}"
        ) from exc


def summarize(
    decided: pl.DataFrame, fields: transform.CellFields, key: str, summary: dict[str, Any]
) -> None:
    """Fills the summary's `counts`, `contacts`, `imported_count`, `errors` and the rows'
    warnings from the decided rows."""
    counts = dedupe.counts(decided)
    summary["counts"] = counts
    summary["contacts"] = dedupe.contact_counts(decided)
    summary["imported_count"] = counts["added"] + counts["updated"]
    summary["errors"] = report.first_errors(decided, fields, key)
    summary["warnings"] += _row_warnings(decided)


def _write_rows(
    decided: pl.DataFrame,
    rows: pl.DataFrame,
    fields: transform.CellFields,
    cell_fields: Iterator[pl.DataFrame],
    opts: ImportOptions,
    session: StoreSession,
    record: store.ImportRecord,
    folder: Path | None,
    pool: ThreadPoolExecutor,
    finish: Callable[[], None],
) -> None:
    """Step 6: the rows, a slice at a time, to the store (unless a dry run) and to the
    report (when there is a folder; `pool`'s thread appends each slice while the store
    takes it). `cell_fields`: `fields.computed` of each slice. The store commits only
    once the report is complete: a committed import never lacks its report, and a report
    that cannot be written rolls the import back. So does a failed Pandera check of the
    rows: made by `pool`'s thread while the store takes them (queued behind errors.csv,
    which the first slice waits for, and before the slices' reports), it is waited for
    before the commit. `finish` runs once the reports are written (before the commit)."""
    flags = _write_flags(decided, opts)
    slices = fields.slices(rows.hstack(flags.get_columns()), OUTPUT_COLUMNS, cell_fields)
    writer = report.RowsWriter(folder, fields.table) if folder is not None else None
    reports: list[Future[None]] = []
    if folder is not None:
        reports.append(pool.submit(report.write_errors_csv, folder, fields.table, decided))
    checked = pool.submit(_check_rows, rows)

    def reported(offset: int, part: pl.DataFrame) -> pl.DataFrame:
        if writer is not None:
            wait(reports)  # one slice waits for the report at a time, not the whole file
            for done in reports:
                done.result()  # a failed report stops the import now, not at the end
            reports.append(pool.submit(writer.write, offset, part))
        return part

    def reports_written() -> None:
        wait(reports)
        if writer is not None:
            writer.close()
        for done in reports:
            done.result()  # raises what a report write raised
        checked.result()

    def completed() -> None:
        reports_written()
        finish()

    batches = (reported(offset, part) for offset, part in slices)
    try:
        if opts.dry_run:
            deque(batches if writer is not None else (), maxlen=0)
        else:
            writes = store.StoreWrites(
                batches, opts.campaign_id, opts.replace_pending, record.import_id
            )
            store.write_import(session.writer(), writes, record, before_commit=completed)
    finally:
        wait(reports)  # never leave a report half-written behind a store failure
        if writer is not None:
            writer.close()
    if opts.dry_run:
        completed()


def _import_record(
    summary: dict[str, Any], opts: ImportOptions, started: Any
) -> store.ImportRecord:
    """The `imports` row of this import, from its summary: `failed` when it carries an error."""
    error = summary["error"]
    return store.ImportRecord(
        summary["import_id"],
        summary["campaign_id"],
        summary["file_name"],
        summary["file_sha256"],
        "completed" if error is None else "failed",
        summary["key"],
        summary["total_rows"],
        summary["counts"],
        summary["contacts"],
        None if error is None else error["code"],
        None if error is None else error["message"],
        started,
        store.utc_now(),
        printable(str(_absolute(opts.report_dir / summary["import_id"]))),  # from any directory
    )


def _absolute(path: Path) -> Path:
    """`path` from the root; as given when the working directory was deleted under the
    command (a cron job's), which has none."""
    try:
        return path.absolute()
    except OSError:
        return path


def _total_contacts(
    session: StoreSession, opts: ImportOptions, counts: dict[str, int]
) -> int | None:
    if opts.campaign_id is None:
        return None
    con = session.reader()
    now = store.campaign_entry_count(con, opts.campaign_id) if con is not None else 0
    if not opts.dry_run:
        return now
    removed = (
        store.replaceable_entry_count(con, opts.campaign_id)
        if (con and opts.replace_pending)
        else 0
    )
    return now - removed + counts["added"]


def _fail(
    path: Path,
    opts: ImportOptions,
    session: StoreSession,
    import_id: str,
    exc: EtlError,
    started: Any,
    clock: float,
    *,
    record: bool = True,
    summary: dict[str, Any] | None = None,
    table: extract.RawTable | None = None,
) -> ImportResult:
    """Report a file-level failure: summary with counts zero, import record `failed`."""
    if exc.__cause__ is not None:  # the traceback of an internal failure, shown with -v
        log.info("%s: %s", path.name, exc.message, exc_info=exc.__cause__)
    summary = summary or base_summary(path, import_id, opts)
    summary["file_sha256"] = summary["file_sha256"] or exc.file_sha256
    exc.message = printable(exc.message)  # it may name the file
    summary.update(
        success=False,
        message=exc.message,
        import_id=import_id,
        counts={name: 0 for name in dedupe.OUTCOMES},
        contacts={"created": 0, "existing": 0},
        imported_count=0,
        total_contacts=None,
        errors=[],
        error={"code": exc.code, "message": exc.message},
    )
    keep_record = record and not opts.dry_run and not isinstance(exc, StoreBusy)
    if keep_record and exc.step != "import_id":
        # Interrupted while waiting for the store: Ctrl-C means now, not after --lock-timeout.
        failed = _import_record(summary, opts, started)
        session.record_failure(failed, wait=not interrupt.requested())
    summary["duration_s"] = round(time.perf_counter() - clock, 4)
    try:
        folder = report.report_folder(opts.report_dir, import_id)
        if table is not None:
            report.write_parsed_only(folder, table)
        summary["duration_s"] = round(time.perf_counter() - clock, 4)
        report.write_summary(folder, summary)
    except Exception as report_error:  # noqa: BLE001 - the next files must still be imported
        # an unwritable --report-dir: the error line and the import record still tell
        log.info("%s: no report: %s", printable(path.name), report_error)
        # nor may the summary.json written before a commit that then failed say success
        with suppress(OSError):
            (opts.report_dir / import_id / "summary.json").unlink(missing_ok=True)
    return ImportResult(summary, exc.exit_code)
