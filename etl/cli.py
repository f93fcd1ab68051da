"""Click commands only: parse options, call the library, print, exit (SPEC section 2).

Polars, DuckDB and Pandera are imported inside the commands: `--help` and cron start fast.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from etl import __version__, interrupt
from etl.errors import EtlError, first_line, printable

if TYPE_CHECKING:
    import duckdb

log = logging.getLogger("etl")


class Context:
    """Global options, shared by the sub-commands."""

    def __init__(self, db: Path, verbosity: int) -> None:
        self.db = db
        self.verbosity = verbosity


OUTPUT_FAILED = 74  # EX_IOERR: stdout cannot be written (disk full); not in SPEC


def tell(line: str) -> None:
    """One line on stderr. A stderr that cannot take it (closed, or a log file on a full
    disk) is let be: the exit code still tells, and the command goes on."""
    try:
        click.echo(line, err=True)
    except (OSError, ValueError):
        pass


def fail(exc: BaseException, verbose: bool) -> None:
    """The one place that maps errors to a line on stderr and an exit code (SPEC section 10)."""
    if verbose:
        import traceback

        try:
            traceback.print_exception(exc, file=sys.stderr)
        except (OSError, ValueError, AttributeError):  # no usable stderr
            pass
    if isinstance(exc, EtlError):
        tell(f"Error: {printable(exc.message)}")
        sys.exit(exc.exit_code)
    tell(f"Error: {type(exc).__name__}: {printable(first_line(exc))}")
    sys.exit(70)


@contextmanager
def handled(ctx: Context) -> Iterator[None]:
    try:
        yield
    except (click.exceptions.Exit, click.ClickException, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001 - turned into one line and an exit code
        if interrupt.requested():  # what a Ctrl-C or SIGTERM broke (a module being imported)
            raise interrupt.Interrupted from exc
        fail(exc, ctx.verbosity > 0)


@contextmanager
def store_connection(
    ctx: Context, lock_timeout: float, reads_only: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    from etl import store

    opened = store.opened(ctx.db, lock_timeout=lock_timeout, reads_only=reads_only)
    with handled(ctx), opened as con:
        yield con


pass_ctx = click.make_pass_decorator(Context)
# campaigns.campaign_id is a BIGINT: a number outside it is a usage error, one inside it
# that names no campaign is CAMPAIGN_NOT_FOUND (exit 67, SPEC section 2), 0 included.
CAMPAIGN_ID = click.IntRange(min=-(2**63), max=2**63 - 1)
lock_timeout_option = click.option(  # every command that opens the store
    "--lock-timeout",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="Seconds to wait for another process that holds the store.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="CONTACTS_ETL_DB",
    default=Path("data/contacts.duckdb"),
    show_default=True,
    help="The DuckDB store; created with its schema on first use.",
)
@click.option("-v", "--verbose", count=True, help="More logging on stderr (tracebacks on errors).")
@click.option("-q", "--quiet", count=True, help="Less logging on stderr.")
@click.version_option(__version__, prog_name="contacts-etl")
@click.pass_context
def main(click_ctx: click.Context, db: Path, verbose: int, quiet: int) -> None:
    """Import contact CSV files into outreach campaigns."""
    level = logging.WARNING - 10 * verbose + 10 * quiet
    logging.basicConfig(
        level=max(level, logging.DEBUG), format="%(levelname)s %(message)s", stream=sys.stderr
    )
    click_ctx.obj = Context(db, verbose - quiet)


# --- campaigns ----------------------------------------------------------------------------


@main.group()
def campaign() -> None:
    """Create and list campaigns."""


@campaign.command("create")
@click.argument("name")
@click.option(
    "--id",
    "campaign_id",
    type=CAMPAIGN_ID,
    help="The campaign id (default: the next free one).",
)
@lock_timeout_option
@pass_ctx
def campaign_create(ctx: Context, name: str, campaign_id: int | None, lock_timeout: float) -> None:
    """Create a campaign and print its id."""
    from etl import store

    if not name.strip():  # `campaign create "$NAME"` with NAME unset
        raise click.BadParameter("a campaign needs a name", param_hint="NAME")
    with store_connection(ctx, lock_timeout, reads_only=False) as con:
        created = store.create_campaign(con, name, campaign_id)
    click.echo(created)  # a stdout that cannot take it is not a failure of the store (70)


@campaign.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@lock_timeout_option
@pass_ctx
def campaign_list(ctx: Context, as_json: bool, lock_timeout: float) -> None:
    """Campaigns with their entry counts by status."""
    from etl import store

    with store_connection(ctx, lock_timeout) as con:
        campaigns = store.list_campaigns(con)
    for item in campaigns:
        if as_json:
            click.echo(json.dumps(item))
        else:
            e = item["entries"]
            click.echo(
                f"{item['campaign_id']}\t{item['name']}\t{item['created_at']}\t"
                + " ".join(f"{status}={count}" for status, count in e.items())
            )


# --- import -------------------------------------------------------------------------------


def _region(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """`--region` in any case, checked like a Choice: a region phonenumbers does not know
    would silently turn every number written without + into invalid_phone."""
    import phonenumbers

    region = value.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise click.BadParameter(
            f"{value!r} is not a region phonenumbers knows (ISO 3166 alpha-2: US, GB, DE, ...)"
        )
    return region


def _import_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options `import` and `inspect` share (reading and resolving a file)."""
    options = [
        click.option(
            "--key",
            type=click.Choice(["phone", "email", "auto"]),
            default="auto",
            show_default=True,
            help="The identity key.",
        ),
        click.option(
            "--mapping", help='Column mapping: JSON object {"CSV column": "field"} or a .json file.'
        ),
        click.option(
            "--region",
            default="US",
            show_default=True,
            callback=_region,
            help="Default ISO 3166 region for numbers written without +.",
        ),
        click.option(
            "--phone-check",
            type=click.Choice(["possible", "valid"]),
            default="possible",
            show_default=True,
            help="How strict phone acceptance is.",
        ),
        click.option(
            "--delimiter",
            default=",",
            show_default=True,
            help="Field delimiter; 'auto' sniffs , ; tab | from the header line.",
        ),
        click.option(
            "--encoding", default="utf-8", show_default=True, help="The file's text encoding."
        ),
        click.option(
            "--max-rows",
            type=click.IntRange(min=0),
            default=50_000,
            show_default=True,
            help="Refuse files with more data rows (0: no limit).",
        ),
        click.option(
            "--max-bytes",
            type=click.IntRange(min=0),
            default=52_428_800,
            show_default=True,
            help="Refuse larger files before parsing (0: no limit).",
        ),
        click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _delimiter(value: str) -> str:
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    return named.get(value.lower(), value) if value != "auto" else value


def _decision_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options `import` and `inspect` share that decide the rows' outcomes (SPEC section 7):
    `inspect` takes them too, so that its counts are those of the import it previews."""
    options = [
        click.option(
            "--campaign", "campaign_id", type=CAMPAIGN_ID, help="Campaign to add the contacts to."
        ),
        click.option(
            "--on-duplicate",
            type=click.Choice(["skip", "update", "create_new"]),
            default="skip",
            show_default=True,
            help="What to do with a row whose key already exists.",
        ),
        click.option(
            "--replace-pending",
            is_flag=True,
            help="First delete the campaign's pending and skipped entries (needs --campaign).",
        ),
        click.option(
            "--strict",
            is_flag=True,
            help="Reject a row when any field is invalid, not only its key.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _check_decision_options(kwargs: dict[str, Any]) -> None:
    if kwargs["replace_pending"] and kwargs["campaign_id"] is None:
        raise click.UsageError("--replace-pending needs --campaign")
    if kwargs["on_duplicate"] == "create_new" and kwargs["campaign_id"] is None:
        raise click.UsageError("--on-duplicate create_new needs --campaign")


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(readable=False, path_type=Path))
@_import_options
@_decision_options
@click.option("--import-id", help="The import (cohort) id, a UUID (default: a new UUID4).")
@click.option("--dry-run", is_flag=True, help="Do everything but write to the store.")
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data/reports"),
    show_default=True,
    help="Where report folders go.",
)
@lock_timeout_option
@pass_ctx
def import_(ctx: Context, files: tuple[Path, ...], as_json: bool, **kwargs: Any) -> None:
    """Import contact CSV files (each its own import, transaction and report)."""
    _check_decision_options(kwargs)
    if kwargs["import_id"] is not None and len(files) > 1:
        raise click.UsageError("--import-id names one import: give exactly one FILE")
    kwargs["delimiter"] = _delimiter(kwargs["delimiter"])
    with handled(ctx):
        from etl import pipeline
        from etl.memo import OracleMemo
        from etl.options import ImportOptions
        from etl.store import StoreSession
        from schemas.contacts import warm_up

        warm_up()
        options = ImportOptions(db=ctx.db, **kwargs)
        session = StoreSession(ctx.db, lock_timeout=options.lock_timeout, dry_run=options.dry_run)
        memo = OracleMemo()  # the oracles' answers, for every file of the command
        worst = 0
        try:
            for path in files:
                result = pipeline.run(path, options, session, memo)
                printed = _print_result(result.summary, options.report_dir, as_json)
                worst = max(worst, result.exit_code, 0 if printed else OUTPUT_FAILED)
                if interrupt.requested():  # it came after the file's commit: stop here
                    raise interrupt.Interrupted(f"stopped after {result.summary['file_name']}")
        finally:
            session.close()
    sys.exit(worst)


def _print_result(summary: dict[str, Any], report_dir: Path, as_json: bool) -> bool:
    """The file's summary on stdout (its error on stderr); False when stdout failed."""
    if not summary["success"]:
        tell(f"Error: {summary['file_name']}: {summary['message']}")
    lines = [json.dumps(summary, ensure_ascii=False)] if as_json else []
    if summary["success"] and not as_json:
        lines = _human_summary(summary, Path(printable(str(report_dir))) / summary["import_id"])
    try:
        for line in lines:
            click.echo(line)
    except OSError as exc:
        # The rest of stdout goes nowhere, and the files after this one are still imported,
        # each with its report and import record. A reader that went away (`| head`) is
        # normal; a stdout that cannot be written (a log on a full disk) is told once and
        # makes the exit code 74: the summaries it lost are in the report folders.
        if not isinstance(exc, BrokenPipeError):
            tell(
                f"Error: cannot write to stdout: {exc.strerror or exc}; the imports go on, "
                "each file's summary.json is in its report folder"
            )
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return isinstance(exc, BrokenPipeError)
    return True


def _human_summary(summary: dict[str, Any], folder: Path) -> list[str]:
    lines = [
        f"{summary['file_name']}: {summary['message']}",
        f"  import {summary['import_id']}  key={summary['key']}  {summary['duration_s']:.3f}s",
    ]
    lines += [f"  warning: {warning}" for warning in summary["warnings"]]
    lines += [
        f"  row {error['row']}: {', '.join(error['reasons'])} ({error['value']!r})"
        for error in summary["errors"][:5]
    ]
    if summary["counts"]["rejected"]:
        lines.append(f"  rejected rows, ready to fix and re-import: {folder / 'errors.csv'}")
    return [*lines, f"  report: {folder}"]


@main.command("inspect")
@click.argument("file", type=click.Path(readable=False, path_type=Path))
@_import_options
@_decision_options
@click.option(
    "--write-mapping",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Save the resolved columns as a JSON mapping for import --mapping.",
)
@lock_timeout_option
@pass_ctx
def inspect_(
    ctx: Context, file: Path, as_json: bool, write_mapping: Path | None, **kwargs: Any
) -> None:
    """Show what an import of FILE would do, writing nothing."""
    _check_decision_options(kwargs)
    kwargs["delimiter"] = _delimiter(kwargs["delimiter"])
    with handled(ctx):
        from etl import inspect
        from etl.options import ImportOptions
        from etl.store import StoreSession

        options = ImportOptions(db=ctx.db, dry_run=True, **kwargs)
        session = StoreSession(ctx.db, lock_timeout=options.lock_timeout, dry_run=True)
        try:
            report = inspect.inspect_file(file, options, session)
        except EtlError as exc:
            tell(f"Error: {printable(file.name)}: {printable(exc.message)}")
            sys.exit(exc.exit_code)
        finally:
            session.close()
        if write_mapping is not None:
            inspect.write_mapping(write_mapping, report)
        report["file_name"] = printable(report["file_name"])
        text = json.dumps(report, ensure_ascii=False) if as_json else inspect.render(report)
    # Printed as the other reading commands print: a reader that went away (`| head -1`) is
    # Click's quiet exit 1, not an internal failure (70).
    click.echo(text)


# --- history and export -------------------------------------------------------------------


@main.group()
def imports() -> None:
    """The import records."""


def _print_import(item: dict[str, Any]) -> None:
    c = item["counts"]
    error = f"  {item['error']['code']}: {item['error']['message']}" if item["error"] else ""
    campaign = "-" if item["campaign_id"] is None else item["campaign_id"]
    click.echo(
        f"{item['import_id']}  {item['started_at']}  {item['status']:<9}  "
        f"campaign={campaign}  {item['file_name']}  rows={item['total_rows']} "
        f"added={c['added']} updated={c['updated']} skipped={c['skipped_existing']} "
        f"dup={c['duplicate_in_file']} rejected={c['rejected']}{error}"
    )


@imports.command("list")
@click.option(
    "--campaign", "campaign_id", type=CAMPAIGN_ID, help="Only the imports of this campaign."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@lock_timeout_option
@pass_ctx
def imports_list(ctx: Context, campaign_id: int | None, as_json: bool, lock_timeout: float) -> None:
    """Import records, newest first."""
    from etl import store

    with store_connection(ctx, lock_timeout) as con:
        items = store.list_imports(con, campaign_id)
    for item in items:
        click.echo(json.dumps(item)) if as_json else _print_import(item)


@imports.command("show")
@click.argument("import_id")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@lock_timeout_option
@pass_ctx
def imports_show(ctx: Context, import_id: str, as_json: bool, lock_timeout: float) -> None:
    """One import record."""
    import uuid

    from etl import store
    from etl.errors import InvalidArgument, NotFound

    with store_connection(ctx, lock_timeout) as con:
        try:
            wanted = str(uuid.UUID(import_id))
        except ValueError:
            raise InvalidArgument(f"Not an import id (a UUID): {import_id!r}") from None
        item = store.get_import(con, wanted)
        if item is None:
            raise NotFound(f"Import {import_id} not found")
    if as_json:
        click.echo(json.dumps(item))
    else:
        click.echo(json.dumps(item, indent=2))


@main.group()
def contacts() -> None:
    """The contacts in the store."""


@contacts.command("export")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file: .parquet or .csv.",
)
@click.option(
    "--campaign", "campaign_id", type=CAMPAIGN_ID, help="One row per entry of this campaign."
)
@lock_timeout_option
@pass_ctx
def contacts_export(ctx: Context, out: Path, campaign_id: int | None, lock_timeout: float) -> None:
    """Write contacts to Parquet or CSV (by the file's extension)."""
    from etl import store
    from etl.errors import CampaignNotFound

    if out.suffix.lower() not in (".parquet", ".csv"):
        raise click.BadParameter("the file must end in .parquet or .csv", param_hint="--out")
    with store_connection(ctx, lock_timeout) as con:
        if campaign_id is not None and not store.campaign_exists(con, campaign_id):
            raise CampaignNotFound(f"Campaign {campaign_id} not found")
        frame = store.export_contacts(con, campaign_id)
    with handled(ctx):  # the store is let go before the file is written
        store.write_export(frame, out)
    tell(f"{frame.height} rows written to {printable(str(out))}")


def _open_standard_streams() -> None:
    """A closed stdout or stderr (`>&-`, `2>&-` in a crontab) is /dev/null from here on: else
    the next file opened (the store, a report) would take its number, and anything a library
    writes there would land in that file."""
    for fd in (1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_WRONLY)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def _flush(stream: Any) -> None:
    try:
        if stream is not None:
            stream.flush()
    except (OSError, ValueError):
        pass  # what could not be written was told (or could not be: the exit code tells)


def entry() -> None:
    """The console script (and `python -m etl`): `main`, then an exit that skips tearing
    the interpreter down. By then every file is written and closed and the store is closed
    (checkpointed); what is left is freeing Polars' and DuckDB's memory and modules one by
    one, 0.1-0.2 s of every run. Output streams and logging are flushed first.

    Ctrl-C (SIGINT) exits 130 and SIGTERM 143, as shells report them, with one line on stderr:
    the transaction of an unfinished import rolls back; the files already reported stand.
    A stdout that cannot be written (disk full) is one line and exit 74."""
    _open_standard_streams()
    interrupt.install()
    code: int | str | None
    try:
        returned = main(standalone_mode=False)
        code = returned if isinstance(returned, int) else 0  # --help, --version
    except SystemExit as exc:
        code = exc.code
    except click.ClickException as exc:  # usage errors, as Click itself shows them
        exc.show()
        code = exc.exit_code
    except (interrupt.Interrupted, click.Abort, KeyboardInterrupt) as exc:
        stopped = "Terminated (SIGTERM)" if interrupt.what() == "SIGTERM" else "Interrupted"
        tell(f"{stopped}: {str(exc) or 'an unfinished import was rolled back'}")
        code = interrupt.exit_code()
    except OSError as exc:  # writing stdout: the rest runs inside `handled`
        tell(f"Error: cannot write to stdout: {exc.strerror or exc}")
        code = OUTPUT_FAILED
    if not isinstance(code, int):  # sys.exit("message") or sys.exit(None)
        if code is not None:
            tell(str(code))
        code = 0 if code is None else 1
    logging.shutdown()
    _flush(sys.stdout)
    _flush(sys.stderr)
    os._exit(code)
