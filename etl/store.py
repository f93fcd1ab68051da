"""Everything DuckDB: connect and lock, migrations, queries, and the one write transaction."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import duckdb
import polars as pl
import pyarrow as pa

from etl.dedupe import StoreMatches
from etl.errors import InvalidArgument, StoreBusy, first_line

log = logging.getLogger("etl")

CONTACT_FIELDS = (
    "phone_number",
    "email",
    "name",
    "first_name",
    "last_name",
    "company",
    "job_title",
    "linkedin_profile",
    "locale",
    "timezone",
    "tag",
    "country",
    "metadata",
)
CHECKPOINT_THRESHOLD = "1GB"
# Rows a row group of the store holds (DuckDB's default: 122,880). An insert of more rows
# than a few row groups writes them to the file's blocks as it goes ("optimistic writes")
# instead of into the write-ahead log at commit: with the default, a 50k-row import wrote
# 14 MB of log (~80 ms at commit) and then the same rows again at the checkpoint when the
# store was closed (~170 ms).
ROW_GROUP_SIZE = 16_384
BIGINT_MAX = 2**63 - 1
ENTRY_STATUSES = ("pending", "skipped", "completed", "failed")
COUNT_NAMES = ("added", "updated", "skipped_existing", "duplicate_in_file", "rejected")

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        """
        CREATE TABLE campaigns (
            campaign_id BIGINT PRIMARY KEY,
            name VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL
        );
        CREATE TABLE contacts (
            contact_id BIGINT PRIMARY KEY,
            phone_number VARCHAR UNIQUE,
            email VARCHAR UNIQUE,
            name VARCHAR, first_name VARCHAR, last_name VARCHAR, company VARCHAR,
            job_title VARCHAR, linkedin_profile VARCHAR, locale VARCHAR, timezone VARCHAR,
            tag VARCHAR, country VARCHAR, metadata JSON,
            created_at TIMESTAMP NOT NULL,
            updated_at TIMESTAMP NOT NULL,
            import_id UUID
        );
        CREATE TABLE campaign_contacts (
            entry_id BIGINT PRIMARY KEY,
            campaign_id BIGINT NOT NULL,
            contact_id BIGINT NOT NULL,
            status VARCHAR NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'skipped', 'completed', 'failed')),
            variables JSON,
            import_id UUID,
            created_at TIMESTAMP NOT NULL
        );
        CREATE TABLE imports (
            import_id UUID PRIMARY KEY,
            campaign_id BIGINT,
            file_name VARCHAR,
            file_sha256 VARCHAR,
            status VARCHAR NOT NULL CHECK (status IN ('processing', 'completed', 'failed')),
            key VARCHAR,
            total_rows BIGINT NOT NULL DEFAULT 0,
            added BIGINT NOT NULL DEFAULT 0,
            updated BIGINT NOT NULL DEFAULT 0,
            skipped_existing BIGINT NOT NULL DEFAULT 0,
            duplicate_in_file BIGINT NOT NULL DEFAULT 0,
            rejected BIGINT NOT NULL DEFAULT 0,
            contacts_created BIGINT NOT NULL DEFAULT 0,
            contacts_existing BIGINT NOT NULL DEFAULT 0,
            error_code VARCHAR,
            error_message VARCHAR,
            started_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP,
            report_dir VARCHAR
        );
        """,
    ),
    (
        # The UNIQUE constraints on phone_number and email cost more than the rest of a
        # 50k-row import against 1M contacts (ART maintenance on insert, index serialization
        # on every checkpoint) and never decide anything: the job enforces both itself,
        # holding the store's only write lock from lookup to commit (existing keys are
        # matched, in-file keys deduped, taken non-key values dropped as *_in_use);
        # tests/test_uniqueness.py proves it. DuckDB cannot drop a constraint: rebuild.
        # The two columns every import joins on stay uncompressed: scanning 1M of them for
        # the lookup costs half the CPU of decoding FSST, for ~30 MB more on disk.
        2,
        """
        CREATE TABLE contacts_v2 (
            contact_id BIGINT PRIMARY KEY,
            phone_number VARCHAR USING COMPRESSION uncompressed,
            email VARCHAR USING COMPRESSION uncompressed,
            name VARCHAR, first_name VARCHAR, last_name VARCHAR, company VARCHAR,
            job_title VARCHAR, linkedin_profile VARCHAR, locale VARCHAR, timezone VARCHAR,
            tag VARCHAR, country VARCHAR, metadata JSON,
            created_at TIMESTAMP NOT NULL,
            updated_at TIMESTAMP NOT NULL,
            import_id UUID
        );
        INSERT INTO contacts_v2 SELECT * FROM contacts;
        DROP TABLE contacts;
        ALTER TABLE contacts_v2 RENAME TO contacts;
        """,
    ),
    (
        # SPEC section 6 names the column `error`: {"code", "message"} or null, as
        # `imports show --json` prints it; error_code and error_message stay for queries.
        3,
        """
        ALTER TABLE imports ADD COLUMN error JSON;
        UPDATE imports SET error = json_object('code', error_code, 'message', error_message)
        WHERE error_code IS NOT NULL;
        """,
    ),
    (
        # Entry ids are never issued twice: `--replace-pending` deletes entries, and the
        # next ids were max(entry_id) + 1.., so a deleted entry's id came back for another
        # contact (a dialer that kept it would act on the wrong one). The highest id ever
        # issued is kept here when entries are deleted.
        4,
        """
        CREATE TABLE id_marks (name VARCHAR PRIMARY KEY, last_id BIGINT NOT NULL);
        INSERT INTO id_marks SELECT 'entry_id', coalesce(max(entry_id), 0) FROM campaign_contacts;
        """,
    ),
)


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    """Execute and fetch everything (DuckDB refuses new work while a result is pending)."""
    return con.execute(sql, params).fetchall()


def utc_now() -> datetime:
    """Now, UTC, naive (the store keeps UTC timestamps without zone)."""
    return datetime.now(UTC).replace(tzinfo=None)


def iso_utc(moment: datetime | None) -> str | None:
    """ISO-8601 with a `Z` suffix for a naive UTC timestamp."""
    return None if moment is None else moment.replace(tzinfo=None).isoformat() + "Z"


def _is_lock_error(exc: duckdb.Error) -> bool:
    # DuckDB's own words for another process's lock: other errors opening a file also say
    # "lock" ("block", as in a corrupt file's "invalid block count"), and waiting for those
    # would turn a broken store into STORE_BUSY, retried by cron night after night.
    return "could not set lock on file" in str(exc).lower()


STORE_OPTION = "--db or CONTACTS_ETL_DB"


def unusable_store(db: Path, reason: str) -> InvalidArgument:
    """A store this command cannot use, named as the option that chose it."""
    message = f"The store {db} cannot be used: {reason} ({STORE_OPTION})"
    return InvalidArgument(message, step="store")


def connect(db: Path, *, lock_timeout: float, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store, waiting up to `lock_timeout` seconds for another process to let go;
    a writer creates it and brings its schema up to date. A path that holds no DuckDB
    database, a database of something else or a newer schema: `unusable_store`."""
    try:
        str(db).encode("utf-8")
    except UnicodeEncodeError:  # DuckDB's own answer is 'std::bad_cast'
        raise unusable_store(db, "DuckDB opens no path that is not valid UTF-8") from None
    if not read_only:
        _make_folder(db)
    con = _attach_when_free(db, lock_timeout=lock_timeout, read_only=read_only)
    try:
        stored_version(con, db)
        if not read_only:
            # Commits are durable in the write-ahead log; folding it into the file (the
            # checkpoint) waits until the command closes the store instead of costing
            # every import's commit ~0.1 s.
            _run(con, f"SET checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
            migrate(con)
    except BaseException:
        con.close()
        raise
    return con


def _make_folder(db: Path) -> None:
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        # mkdir says "File exists" when a file stands where the folder should be.
        reason = "Not a directory" if isinstance(exc, FileExistsError) else exc.strerror
        raise unusable_store(db, f"cannot create its folder {db.parent}: {reason}") from exc


def _attach_when_free(
    db: Path, *, lock_timeout: float, read_only: bool
) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + max(lock_timeout, 0.0)
    pause = 0.02  # doubled up to 0.5 s: each attempt opens a database (~10 ms of CPU)
    told = False
    while True:
        try:
            return _attach(db, read_only=read_only)
        except duckdb.InterruptException:
            raise  # Ctrl-C, not the store's fault
        except duckdb.Error as exc:
            if not _is_lock_error(exc):
                raise unusable_store(db, first_line(exc).removeprefix("IO Error: ")) from exc
            if not told:  # -v shows it
                log.info("%s is held by another process%s; waiting", db, _lock_holder(exc))
                told = True
            if time.monotonic() >= deadline:
                raise StoreBusy(
                    f"The store {db} is held by another process{_lock_holder(exc)} (another "
                    f"import is running?); waited {lock_timeout:g}s (--lock-timeout). Retry later",
                    step="store",
                ) from exc
        time.sleep(min(pause, max(deadline - time.monotonic(), 0.0)))
        pause = min(pause * 2, 0.5)


def _lock_holder(exc: duckdb.Error) -> str:
    """' (PID 123: /usr/bin/python3)' from DuckDB's lock error, for `ps` or `kill` at 7 a.m.;
    empty when the message does not say (another platform, another DuckDB version)."""
    found = re.search(r"lock is held in (.+?) \(PID (\d+)\)", str(exc))
    return f" (PID {found[2]}: {found[1]})" if found else ""


def stored_version(con: duckdb.DuckDBPyConnection, db: Path) -> int:
    """The schema version of the store, 0 for a database that holds no table yet. Tables
    without a recorded version (another application's database) and a version newer than
    `MIGRATIONS` (a newer contacts-etl migrated it) are refused: writing to a schema this
    code does not know could break it, and reading it could mislead."""
    tables = {
        name
        for (name,) in _run(
            con, "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        )
    }
    version = 0
    if "schema_migrations" in tables:
        version = int(_run(con, "SELECT coalesce(max(version), 0) FROM schema_migrations")[0][0])
    others = sorted(tables - {"schema_migrations"})
    if not version and others:
        found = ", ".join(others[:5])
        raise unusable_store(db, f"a DuckDB database of something else (tables {found})")
    known = MIGRATIONS[-1][0]
    if version > known:
        raise unusable_store(
            db,
            f"its schema is version {version}, newer than this contacts-etl knows "
            f"({known}); use a newer contacts-etl",
        )
    return version


def _attach(db: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A connection whose default database is the store, attached with `ROW_GROUP_SIZE`
    (an option of ATTACH only); the in-memory database beside it holds nothing. Spilled
    data goes beside the store, as with a store opened directly (not to `.tmp` here)."""
    con = duckdb.connect(config={"temp_directory": f"{db}.tmp"})
    options = f"ROW_GROUP_SIZE {ROW_GROUP_SIZE}" + (", READ_ONLY" if read_only else "")
    path = str(db).replace("'", "''")
    try:
        _run(con, f"ATTACH '{path}' AS store ({options})")
        _run(con, "USE store")
    except BaseException:
        con.close()
        raise
    return con


def connect_to_read(db: Path, *, lock_timeout: float) -> duckdb.DuckDBPyConnection:
    """`connect`, for a command that only reads. A store of this version is opened read-only:
    beside other readers (a dashboard, `duckdb -readonly`), and a store this user may not
    write (the nightly job's, owned by its user; a read-only mount) is read as it is. One
    without the schema yet, or an older one, is opened to create or migrate it."""
    if db.is_file():
        con = connect(db, lock_timeout=lock_timeout, read_only=True)
        if stored_version(con, db) == MIGRATIONS[-1][0]:
            return con
        con.close()
    return connect(db, lock_timeout=lock_timeout)


@contextmanager
def opened(
    db: Path, *, lock_timeout: float, reads_only: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """`connect` (`connect_to_read` for `reads_only`) as a context manager that closes the
    connection."""
    open_store = connect_to_read if reads_only else connect
    con = open_store(db, lock_timeout=lock_timeout)
    try:
        yield con
    finally:
        con.close()


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Apply the migrations this store has not seen yet, each in its own transaction."""
    _run(
        con,
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, applied_at TIMESTAMP)",
    )
    done = {row[0] for row in _run(con, "SELECT version FROM schema_migrations")}
    for version, sql in MIGRATIONS:
        if version in done:
            continue
        _run(con, "BEGIN TRANSACTION")
        _run(con, sql)
        _run(con, "INSERT INTO schema_migrations VALUES (?, ?)", [version, utc_now()])
        _run(con, "COMMIT")


# --- campaigns ---------------------------------------------------------------------------


def create_campaign(con: duckdb.DuckDBPyConnection, name: str, campaign_id: int | None) -> int:
    """Insert a campaign; its id is `campaign_id` or the next free one."""
    if campaign_id is not None and campaign_exists(con, campaign_id):
        raise InvalidArgument(f"Campaign {campaign_id} already exists")
    if campaign_id is None:
        campaign_id = _next_campaign_id(con)
    _run(con, "INSERT INTO campaigns VALUES (?, ?, ?)", [campaign_id, name, utc_now()])
    return int(campaign_id)


def _next_campaign_id(con: duckdb.DuckDBPyConnection) -> int:
    """One above the highest id; none when a campaign holds the highest BIGINT (`--id`)."""
    highest = _run(con, "SELECT max(campaign_id) FROM campaigns")[0][0]
    if highest == BIGINT_MAX:
        raise InvalidArgument(f"Campaign {BIGINT_MAX} exists, no id above it: pick one with --id")
    return int(highest or 0) + 1


def campaign_exists(con: duckdb.DuckDBPyConnection, campaign_id: int) -> bool:
    return bool(_run(con, "SELECT 1 FROM campaigns WHERE campaign_id = ?", [campaign_id]))


def list_campaigns(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Campaigns with their entry counts by status, by id."""
    rows = _run(
        con,
        """
        SELECT c.campaign_id, c.name, c.created_at,
               count(e.entry_id) FILTER (WHERE e.status = 'pending'),
               count(e.entry_id) FILTER (WHERE e.status = 'skipped'),
               count(e.entry_id) FILTER (WHERE e.status = 'completed'),
               count(e.entry_id) FILTER (WHERE e.status = 'failed')
        FROM campaigns c LEFT JOIN campaign_contacts e USING (campaign_id)
        GROUP BY ALL ORDER BY c.campaign_id
        """,
    )
    return [
        {
            "campaign_id": r[0],
            "name": r[1],
            "created_at": iso_utc(r[2]),
            "entries": dict(zip(ENTRY_STATUSES, map(int, r[3:]), strict=True)),
        }
        for r in rows
    ]


def campaign_entry_count(con: duckdb.DuckDBPyConnection, campaign_id: int) -> int:
    row = _run(con, "SELECT count(*) FROM campaign_contacts WHERE campaign_id = ?", [campaign_id])[
        0
    ]
    return int(row[0])


# --- the import --------------------------------------------------------------------------


def _register(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """`frame` as a view for ONE statement to scan, in place.

    Handed over as Arrow with Polars' own string layout (string views), which DuckDB reads
    without a copy (plain Arrow strings would copy every text cell first). And as a stream
    that lets go of each batch once read: a view registered inside a transaction stays
    alive until the transaction ends, and holding the frames themselves kept every write
    batch of a 5M-row import in memory until the commit (+1.2 GB)."""
    table = frame.to_arrow(compat_level=pl.CompatLevel.newest())
    con.register(name, pa.RecordBatchReader.from_batches(table.schema, _drained(table)))


def _drained(table: Any) -> Iterator[Any]:
    """The table's record batches, each dropped once handed out."""
    batches = table.to_batches()
    del table
    while batches:
        yield batches.pop(0)


def warm_up(con: duckdb.DuckDBPyConnection) -> None:
    """Read the columns `lookup` scans into DuckDB's buffers: done while the file is being
    read, their first read from disk (~25 ms for 1M contacts) then costs no wall time."""
    _run(con, "SELECT max(length(phone_number)), max(length(email)) FROM contacts")


def import_id_used(con: duckdb.DuckDBPyConnection, import_id: str) -> bool:
    return bool(_run(con, "SELECT 1 FROM imports WHERE import_id = ?", [import_id]))


def lookup(
    con: duckdb.DuckDBPyConnection,
    clean: pl.DataFrame,
    *,
    key: str,
    campaign_id: int | None,
    replace_pending: bool,
) -> StoreMatches:
    """The existing contacts of the file's keys and non-key values, and their campaign entries."""
    key_col, other_col = ("phone_number", "email") if key == "phone" else ("email", "phone_number")
    keys = clean.select(pl.col("key_value").drop_nulls().unique())
    others = clean.select(pl.col(other_col).drop_nulls().unique().alias("other_value"))
    _register(con, "file_keys", keys)
    _register(con, "file_others", others)
    try:
        by_key = con.sql(
            f"SELECT c.{key_col} AS key_value, c.contact_id AS existing_id "
            "FROM contacts c JOIN file_keys k ON c." + key_col + " = k.key_value"
        ).pl()
        owners = con.sql(
            f"SELECT c.{other_col} AS other_value, c.contact_id AS owner_id "
            f"FROM contacts c JOIN file_others o ON c.{other_col} = o.other_value"
        ).pl()
        next_id = _run(con, "SELECT coalesce(max(contact_id), 0) + 1 FROM contacts")[0][0]
    finally:
        con.unregister("file_keys")
        con.unregister("file_others")
    in_campaign = pl.DataFrame(schema={"contact_id": pl.Int64})
    if campaign_id is not None and by_key.height:
        _register(con, "found", by_key.select("existing_id"))
        kept = "AND e.status IN ('completed', 'failed')" if replace_pending else ""
        in_campaign = con.sql(
            "SELECT DISTINCT e.contact_id FROM campaign_contacts e "
            "JOIN found f ON e.contact_id = f.existing_id "
            f"WHERE e.campaign_id = {int(campaign_id)} {kept}"
        ).pl()
        con.unregister("found")
    return StoreMatches(
        by_key.cast({"existing_id": pl.Int64}),
        owners.cast({"owner_id": pl.Int64}),
        in_campaign.cast({"contact_id": pl.Int64}),
        int(next_id),
    )


@dataclass(frozen=True)
class ImportRecord:
    """One row of `imports`."""

    import_id: str
    campaign_id: int | None
    file_name: str
    file_sha256: str | None
    status: str
    key: str | None
    total_rows: int
    counts: dict[str, int]
    contacts: dict[str, int]
    error_code: str | None
    error_message: str | None
    started_at: datetime
    finished_at: datetime | None
    report_dir: str


_RECORD_COLUMNS = (
    "import_id, campaign_id, file_name, file_sha256, status, key, total_rows, "
    + ", ".join(COUNT_NAMES)
    + ", contacts_created, contacts_existing, error_code, error_message, error, "
    "started_at, finished_at, report_dir"
)


def insert_import_record(con: duckdb.DuckDBPyConnection, record: ImportRecord) -> None:
    _run(
        con,
        f"INSERT INTO imports ({_RECORD_COLUMNS}) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            record.import_id,
            record.campaign_id,
            record.file_name,
            record.file_sha256,
            record.status,
            record.key,
            record.total_rows,
            *[record.counts.get(name, 0) for name in COUNT_NAMES],
            record.contacts.get("created", 0),
            record.contacts.get("existing", 0),
            record.error_code,
            record.error_message,
            None
            if record.error_code is None
            else json.dumps({"code": record.error_code, "message": record.error_message}),
            record.started_at,
            record.finished_at,
            record.report_dir,
        ],
    )


def record_failed_import(con: duckdb.DuckDBPyConnection, record: ImportRecord) -> None:
    """The import record of a failed import, in its own transaction."""
    _run(con, "BEGIN TRANSACTION")
    insert_import_record(con, record)
    _run(con, "COMMIT")


@dataclass(frozen=True)
class StoreWrites:
    """What one import writes: its decided rows, in batches (in file order).

    Each batch holds contact_id, CONTACT_FIELDS, variables and the `WRITE_FLAGS`: `creates`
    (a new contact), `updates_contact` (an existing contact's fields, null: keep),
    `adds_entry` (a new campaign entry; `entry_no` numbers them 1.. in file order across
    batches) and `updates_entry` (variables merged into the contact's entries). The store
    reads each batch in place, each statement taking the rows of its flag."""

    batches: Iterable[pl.DataFrame]
    campaign_id: int | None
    replace_pending: bool
    import_id: str


_FIELDS_SQL = ", ".join(CONTACT_FIELDS)
WRITE_FLAGS = ("creates", "updates_contact", "adds_entry", "entry_no", "updates_entry")


def write_import(
    con: duckdb.DuckDBPyConnection,
    writes: StoreWrites,
    record: ImportRecord,
    before_commit: Callable[[], None] = lambda: None,
) -> None:
    """Contacts, campaign entries and the import record in ONE transaction; `before_commit`
    runs last inside it (what it raises rolls everything back)."""
    now = utc_now()
    _run(con, "BEGIN TRANSACTION")
    try:
        last_entry = _run(
            con,
            "SELECT greatest(coalesce(max(entry_id), 0), "
            "(SELECT last_id FROM id_marks WHERE name = 'entry_id')) FROM campaign_contacts",
        )[0][0]
        if writes.replace_pending and writes.campaign_id is not None:
            _run(con, "UPDATE id_marks SET last_id = ? WHERE name = 'entry_id'", [last_entry])
            _run(
                con,
                "DELETE FROM campaign_contacts "
                "WHERE campaign_id = ? AND status IN ('pending', 'skipped')",
                [writes.campaign_id],
            )
        for batch in writes.batches:
            _write_batch(con, batch, writes, last_entry, now)
        insert_import_record(con, record)
        before_commit()
        _run(con, "COMMIT")
    except BaseException:
        _run(con, "ROLLBACK")
        raise


def _write_batch(
    con: duckdb.DuckDBPyConnection,
    batch: pl.DataFrame,
    writes: StoreWrites,
    last_entry: int,
    now: datetime,
) -> None:
    """The statements of one batch; a statement none of the batch's rows needs is not run
    (an UPDATE ... FROM would still scan the table)."""
    campaign = writes.campaign_id
    statements: dict[str, Callable[[], None]] = {
        "creates": lambda: _insert_contacts(con, writes.import_id, now),
        "updates_contact": lambda: _update_contacts(con, now),
    }
    if campaign is not None:
        statements["adds_entry"] = lambda: _insert_entries(
            con, campaign, last_entry, writes.import_id, now
        )
        statements["updates_entry"] = lambda: _merge_entry_variables(con, campaign)
    present = batch.select(pl.col(list(statements)).any()).row(0, named=True)
    for flag, statement in statements.items():
        if present[flag]:
            _register(con, "u", batch)  # a stream: scanned by one statement
            statement()
            # Not in a `finally`: after a failed statement the transaction only takes a
            # ROLLBACK (which drops the view); unregistering would fail and hide the error.
            con.unregister("u")


def _insert_contacts(con: duckdb.DuckDBPyConnection, import_id: str, now: datetime) -> None:
    _run(
        con,
        f"INSERT INTO contacts (contact_id, {_FIELDS_SQL}, created_at, updated_at, import_id) "
        f"SELECT contact_id, {_FIELDS_SQL}, $now, $now, $import_id FROM u WHERE creates",
        {"now": now, "import_id": import_id},
    )


def _update_contacts(con: duckdb.DuckDBPyConnection, now: datetime) -> None:
    sets = ", ".join(f"{f} = coalesce(u.{f}, contacts.{f})" for f in CONTACT_FIELDS)
    _run(
        con,
        f"UPDATE contacts SET {sets}, updated_at = $now FROM u "
        "WHERE u.updates_contact AND contacts.contact_id = u.contact_id",
        {"now": now},
    )


def _insert_entries(
    con: duckdb.DuckDBPyConnection, campaign_id: int, base: int, import_id: str, now: datetime
) -> None:
    _run(
        con,
        "INSERT INTO campaign_contacts "
        "(entry_id, campaign_id, contact_id, status, variables, import_id, created_at) "
        "SELECT $base + entry_no, $campaign, contact_id, 'pending', variables, $import_id, "
        "$now FROM u WHERE adds_entry",
        {"base": base, "campaign": campaign_id, "import_id": import_id, "now": now},
    )


def _merge_entry_variables(con: duckdb.DuckDBPyConnection, campaign_id: int) -> None:
    _run(
        con,
        "UPDATE campaign_contacts SET variables = "
        "json_merge_patch(coalesce(campaign_contacts.variables, '{}'), u.variables) "
        "FROM u WHERE u.updates_entry AND campaign_contacts.contact_id = u.contact_id "
        "AND campaign_contacts.campaign_id = $campaign",
        {"campaign": campaign_id},
    )


# --- history and export ------------------------------------------------------------------

_IMPORT_COLUMNS = (
    "import_id, campaign_id, file_name, file_sha256, status, key, total_rows, "
    + ", ".join(COUNT_NAMES)
    + ", error_code, error_message, started_at, finished_at, report_dir"
)


def _import_json(row: tuple[Any, ...]) -> dict[str, Any]:
    (import_id, campaign_id, file_name, sha, status, key, total, *rest) = row
    counts = dict(zip(COUNT_NAMES, rest[: len(COUNT_NAMES)], strict=True))
    code, message, started, finished, report_dir = rest[len(COUNT_NAMES) :]
    return {
        "import_id": str(import_id),
        "campaign_id": campaign_id,
        "file_name": file_name,
        "file_sha256": sha,
        "status": status,
        "key": key,
        "total_rows": total,
        "counts": counts,
        "error": None if code is None else {"code": code, "message": message},
        "started_at": iso_utc(started),
        "finished_at": iso_utc(finished),
        "report_dir": report_dir,
    }


def list_imports(con: duckdb.DuckDBPyConnection, campaign_id: int | None) -> list[dict[str, Any]]:
    """Import records, newest first."""
    where = "" if campaign_id is None else "WHERE campaign_id = ?"
    params = [] if campaign_id is None else [campaign_id]
    rows = _run(
        con,
        f"SELECT {_IMPORT_COLUMNS} FROM imports {where} ORDER BY started_at DESC, import_id",
        params,
    )
    return [_import_json(r) for r in rows]


def get_import(con: duckdb.DuckDBPyConnection, import_id: str) -> dict[str, Any] | None:
    rows = _run(con, f"SELECT {_IMPORT_COLUMNS} FROM imports WHERE import_id = ?", [import_id])
    return _import_json(rows[0]) if rows else None


def write_whole_file(out: Path, write: Callable[[BinaryIO], object], option: str) -> None:
    """`write` into a new file beside `out`, renamed over it once complete: a write that
    fails (disk full, interrupted) leaves `out` as it was, never a truncated file where
    yesterday's export or the mapping a nightly import reads used to be. A missing folder
    is created. An OSError is one line naming `option` (exit 65, as --report-dir)."""
    part = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        if not out.parent.exists():
            out.parent.mkdir(parents=True)
        with part.open("xb") as handle:
            write(handle)
        part.replace(out)
    except OSError as exc:
        # Polars' own errors carry no strerror: their text names the cause.
        raise InvalidArgument(f"Cannot write {out}: {exc.strerror or exc} ({option})") from exc
    finally:
        if part.exists():
            part.unlink()


EXPORT_TIMES = ("created_at", "updated_at")
CSV_UTC = "%Y-%m-%dT%H:%M:%S%.fZ"  # as `imports show` writes its timestamps


def export_contacts(con: duckdb.DuckDBPyConnection, campaign_id: int | None) -> pl.DataFrame:
    """Contacts, or with a campaign one row per entry with `entry_id`, `status`, `variables`."""
    fields = ", ".join("c." + f for f in CONTACT_FIELDS)
    contact_cols = f"c.contact_id, {fields}, c.created_at, c.updated_at, c.import_id"
    if campaign_id is None:
        sql = f"SELECT {contact_cols} FROM contacts c ORDER BY c.contact_id"
    else:
        sql = (
            f"SELECT {contact_cols}, e.entry_id, e.status, "
            "CAST(e.variables AS VARCHAR) AS variables "
            f"FROM campaign_contacts e JOIN contacts c USING (contact_id) "
            f"WHERE e.campaign_id = {int(campaign_id)} ORDER BY e.entry_id"
        )
    # The store keeps UTC without a zone; a warehouse reading the file must not take the
    # timestamps for its local time.
    return con.sql(sql).pl().with_columns(pl.col(EXPORT_TIMES).dt.replace_time_zone("UTC"))


def write_export(frame: pl.DataFrame, out: Path) -> None:
    """`frame` to `out`, as CSV or else Parquet by its extension, all or nothing."""
    if out.suffix.lower() == ".csv":
        write_whole_file(out, lambda f: frame.write_csv(f, datetime_format=CSV_UTC), "--out")
    else:
        write_whole_file(out, frame.write_parquet, "--out")


def replaceable_entry_count(con: duckdb.DuckDBPyConnection, campaign_id: int) -> int:
    """Entries --replace-pending would delete: status pending or skipped."""
    row = _run(
        con,
        "SELECT count(*) FROM campaign_contacts "
        "WHERE campaign_id = ? AND status IN ('pending', 'skipped')",
        [campaign_id],
    )[0]
    return int(row[0])


class StoreSession:
    """The store as one command uses it: opened on first need, held until `close`.

    A dry run never creates or writes the store: it reads it when it exists and holds the
    schema (a DuckDB file without tables reads as no store at all).
    """

    def __init__(self, db: Path, *, lock_timeout: float, dry_run: bool = False) -> None:
        self.db = db
        self.lock_timeout = lock_timeout
        self.dry_run = dry_run
        self._con: duckdb.DuckDBPyConnection | None = None

    def reader(self) -> duckdb.DuckDBPyConnection | None:
        """A connection to read from; None for a dry run on a store that does not exist."""
        if not self.dry_run:
            return self.writer()
        if self._con is None and self.db.exists():
            con = connect(self.db, lock_timeout=self.lock_timeout, read_only=True)
            if stored_version(con, self.db):
                self._con = con
            else:
                con.close()
        return self._con

    def writer(self) -> duckdb.DuckDBPyConnection:
        """A read-write connection (creating the store and its schema on first use)."""
        if self.dry_run:
            raise RuntimeError("a dry run never writes to the store")
        if self._con is None:
            self._con = connect(self.db, lock_timeout=self.lock_timeout)
        return self._con

    def record_failure(self, record: ImportRecord, *, wait: bool = True) -> None:
        """Best effort: a failure record the store cannot take must not hide the real error.
        Without `wait`, a store this command does not hold yet is not waited for."""
        if self.dry_run:
            return
        try:
            if self._con is None and not wait:
                self._con = connect(self.db, lock_timeout=0.0)
            record_failed_import(self.writer(), record)
        except Exception:  # noqa: BLE001 - the original error is what the user needs to see
            if self._con is not None:
                try:
                    _run(self._con, "ROLLBACK")
                except duckdb.Error:
                    pass

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
