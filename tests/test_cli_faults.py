"""Faults around the store (SPEC sections 3, 6, 10): the store is never half-written.

A failure inside the write transaction rolls everything back and leaves one `failed`
import record; a process killed mid-import leaves the store as before or with the whole
import; a second process holding the store makes `import` wait and then give up with
STORE_BUSY; several files in one run are independent imports.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from etl import store
from tests.conftest import ROOT, Cli, write_csv

STORE_TABLES = ("campaigns", "contacts", "campaign_contacts")


def tables(cli: Cli) -> dict[str, list[str]]:
    return {t: sorted(map(repr, cli.query(f"SELECT * FROM {t}"))) for t in STORE_TABLES}


def import_records(cli: Cli) -> list[tuple[Any, ...]]:
    return cli.query(
        "SELECT import_id::VARCHAR, status, error_code FROM imports ORDER BY started_at"
    )


def seeded(cli: Cli, tmp_path: Path) -> int:
    """A campaign with a pending entry (replaced by the next file) and a completed one (its
    variables merged by the next file)."""
    campaign = cli.campaign("Faults")
    seed = write_csv(
        tmp_path, "phone,name,slot\n5550000001,Old One,a\n5550000002,Old Two,b\n", "seed.csv"
    )
    assert cli.run_import(str(seed), "--campaign", str(campaign)).exit_code == 0
    con = duckdb.connect(str(cli.db))
    try:
        con.execute(
            "UPDATE campaign_contacts SET status = 'completed' WHERE contact_id = "
            "(SELECT contact_id FROM contacts WHERE phone_number = '+15550000002')"
        ).fetchall()
    finally:
        con.close()
    return campaign


# --- a failure inside the one write transaction ------------------------------------------


def _raise_on_completed(original: Callable[..., None]) -> Callable[..., None]:
    """insert_import_record fails for the completed record only: the failed one must land."""

    def insert(con: duckdb.DuckDBPyConnection, record: store.ImportRecord) -> None:
        if record.status == "completed":
            raise duckdb.ConstraintException("injected: the import record cannot be written")
        original(con, record)

    return insert


@pytest.mark.parametrize(
    "target",
    [
        "_insert_contacts",
        "_update_contacts",
        "_insert_entries",
        "_merge_entry_variables",
        "insert_import_record",
    ],
)
def test_failure_inside_write_rolls_everything_back(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    campaign = seeded(cli, tmp_path)
    before, records_before = tables(cli), import_records(cli)
    calls: list[str] = []
    original = getattr(store, target)

    def failing(*args: Any, **kwargs: Any) -> None:
        calls.append(target)
        if target == "insert_import_record":
            _raise_on_completed(original)(*args, **kwargs)
            return
        original(*args, **kwargs)  # do the work first: the rollback must undo it
        raise RuntimeError(f"injected failure in {target}")

    monkeypatch.setattr(store, target, failing)
    # existing contacts (updated, a completed entry merged), new ones, pending ones replaced
    path = write_csv(
        tmp_path,
        "phone,name,slot\n5550000001,New One,c\n5550000003,Three,d\n5550000004,Four,e\n"
        "5550000002,Two,f\n",
    )
    args = ["--campaign", str(campaign), "--on-duplicate", "update", "--replace-pending"]
    result = cli.run_import(str(path), "--json", *args)

    assert calls, f"{target} was never called: the test would prove nothing"
    assert result.exit_code == 70, result.output
    assert len(result.stderr.splitlines()) == 1
    assert "injected" in result.stderr and "Traceback" not in result.output
    summary = cli.summary(result)
    assert summary["success"] is False
    assert summary["error"]["code"] == "IMPORT_FAILED"
    assert set(summary["counts"].values()) == {0}
    assert cli.rows(summary).height == 4  # the file was parsed: its rows are reported
    assert cli.report_file(summary, "errors.csv").read_text() == "phone,name,slot,errors\n"
    assert tables(cli) == before
    records = import_records(cli)
    assert records[: len(records_before)] == records_before
    assert records[len(records_before) :] == [(summary["import_id"], "failed", "IMPORT_FAILED")]

    monkeypatch.undo()  # the same file imports fine afterwards
    again = cli.run_import(str(path), "--json", *args)
    assert again.exit_code == 0, again.output
    counts = cli.summary(again)["counts"]
    assert (counts["added"], counts["updated"]) == (3, 1)  # the pending entry was replaced
    assert cli.query("SELECT count(*), count(DISTINCT phone_number) FROM contacts") == [(4, 4)]


INJECTED = textwrap.dedent(
    """
    import sys
    from etl import store
    def boom(*args, **kwargs):
        raise RuntimeError("injected failure")
    store._insert_entries = boom
    from etl.cli import main
    main(sys.argv[1:], prog_name="contacts-etl")
    """
)


@pytest.mark.parametrize("verbose", [False, True])
def test_internal_failure_traceback_only_with_verbose(tmp_path: Path, verbose: bool) -> None:
    """As a real process: one line on stderr; with -v also the traceback of the cause."""
    db, reports = tmp_path / "store.duckdb", tmp_path / "reports"
    path = write_csv(tmp_path, "phone\n5550000009\n")
    command = [sys.executable, "-c", INJECTED, *(["-v"] if verbose else []), "--db", str(db)]
    done = subprocess.run(command + ["campaign", "create", "X"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    command += ["import", str(path), "--campaign", "1", "--report-dir", str(reports)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 70
    last = "Error: input.csv: RuntimeError: injected failure\n"
    assert done.stderr.endswith(last)
    if verbose:
        assert "Traceback (most recent call last)" in done.stderr and "boom" in done.stderr
    else:
        assert done.stderr == last


def test_internal_failure_of_a_reading_command_is_one_line(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB puts hints on further lines ('Did you mean ...?'): only the first is shown."""
    cli.campaign()

    def hinted(con: duckdb.DuckDBPyConnection) -> None:
        raise duckdb.CatalogException(
            'Catalog Error: Table with name campaigns does not exist!\nDid you mean "pg_class"?'
        )

    monkeypatch.setattr(store, "list_campaigns", hinted)
    result = cli("campaign", "list")
    assert result.exit_code == 70
    assert result.stderr == (
        "Error: CatalogException: Catalog Error: Table with name campaigns does not exist!\n"
    )


# --- a process killed in the middle of a large import ------------------------------------

# Over DuckDB's row group size (122,880): the insert then writes row groups into the database
# file before COMMIT, the case where a kill could leave something behind if anything could.
KILL_ROWS = 150_000


def _big_file(folder: Path) -> Path:
    path = folder / "big.csv"
    lines = "".join(f"2{i:09d},Person {i},v{i % 13}\n" for i in range(KILL_ROWS))
    path.write_text("phone,name,visit\n" + lines)
    return path


def _store_files(db: Path) -> tuple[tuple[str, int, int], ...]:
    found = [p for p in (db, db.with_name(db.name + ".wal")) if p.exists()]
    return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in found)


def _kill_during_import(command: list[str], db: Path, delay: float) -> str:
    """Start the import and SIGKILL it `delay` seconds after it starts writing the store.

    The write is seen as a change of the store's files (DuckDB writes large inserts to the
    database file before COMMIT); `killed` means the process died inside that write.
    """
    start_files = _store_files(db)
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while proc.poll() is None and _store_files(db) == start_files:
            time.sleep(0.002)
        time.sleep(delay)
        if proc.poll() is not None:
            return "finished"
        os.kill(proc.pid, signal.SIGKILL)
        return "killed"
    finally:
        proc.wait(timeout=300)


def _check_invariants(cli: Cli, campaign: int) -> int:
    """The store opens and is consistent; returns how many big imports it holds."""
    completed = cli.query(
        "SELECT import_id::VARCHAR, added FROM imports "
        f"WHERE status = 'completed' AND total_rows = {KILL_ROWS}"
    )
    assert cli.query("SELECT count(*) FROM imports WHERE status = 'processing'") == [(0,)]
    contacts = cli.query("SELECT count(*), count(DISTINCT phone_number) FROM contacts")[0]
    assert contacts[0] == contacts[1]  # no duplicates, ever
    orphans = cli.query(
        "SELECT count(*) FROM contacts c WHERE NOT EXISTS "
        "(SELECT 1 FROM campaign_contacts e WHERE e.contact_id = c.contact_id)"
    )
    assert orphans == [(0,)]  # every contact has its entry (all imports here use --campaign)
    dangling = cli.query(
        "SELECT count(*) FROM campaign_contacts e WHERE NOT EXISTS "
        "(SELECT 1 FROM contacts c WHERE c.contact_id = e.contact_id)"
    )
    assert dangling == [(0,)]
    by_import = dict(
        cli.query("SELECT import_id::VARCHAR, count(*) FROM campaign_contacts GROUP BY 1")
    )
    for import_id, added in completed:
        # all of it or (a re-run after a committed import) nothing, never a part
        assert by_import.get(import_id, 0) == added and added in (0, KILL_ROWS)
    whole = [import_id for import_id, added in completed if added == KILL_ROWS]
    assert len(whole) <= 1
    expected = 2 + KILL_ROWS * len(whole)
    assert sum(by_import.values()) == expected
    in_campaign = f"SELECT count(*) FROM campaign_contacts WHERE campaign_id = {campaign}"
    assert cli.query(in_campaign) == [(expected,)]
    assert cli.query("SELECT count(*) FROM contacts") == [(expected,)]
    return len(whole)


def test_sigkill_mid_import_leaves_store_whole(cli: Cli, tmp_path: Path) -> None:
    campaign = seeded(cli, tmp_path)
    before = tables(cli)
    big = _big_file(tmp_path)
    command = [sys.executable, "-m", "etl", "--db", str(cli.db), "import", str(big)]
    command += ["--campaign", str(campaign), "--max-rows", "0", "--report-dir", str(cli.reports)]
    seed = random.randrange(1_000_000)
    # first right after the write began (a rollback), then at a random moment of the write
    delays = [0.0, random.Random(seed).uniform(0.0, 0.5)]
    outcomes = []
    for delay in delays:
        outcomes.append(_kill_during_import(command, cli.db, delay))
        held = _check_invariants(cli, campaign)
        if held == 0:
            assert tables(cli) == before, f"partial import after kill (seed {seed}, {delay})"
        else:
            break
    assert outcomes[0] == "killed", outcomes

    final = subprocess.run(
        command + ["--json"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert final.returncode == 0, final.stderr
    counts = json.loads(final.stdout.splitlines()[-1])["counts"]
    assert _check_invariants(cli, campaign) == 1  # the next run completes, duplicating nothing
    assert counts in (
        {**counts, "added": KILL_ROWS, "skipped_existing": 0},  # the killed run left nothing
        {**counts, "added": 0, "skipped_existing": KILL_ROWS},  # the killed run had committed
    )


@pytest.mark.parametrize(
    ("signum", "code", "line", "named"),
    [
        (signal.SIGINT, 130, "Interrupted", "Ctrl-C"),
        # what `timeout`, cron daemons and systemd send: it killed the process on the spot,
        # with no line, no import record and no summary.json
        (signal.SIGTERM, 143, "Terminated (SIGTERM)", "SIGTERM"),
    ],
)
def test_ctrl_c_or_sigterm_mid_import_rolls_back_and_reports(
    cli: Cli, tmp_path: Path, signum: int, code: int, line: str, named: str
) -> None:
    """SIGINT or SIGTERM while the store is being written: one line on stderr, exit 128 +
    the signal (as shells report it), the store as before (the transaction rolled back) but
    for the file's `failed` import record, and its summary.json with `success: false`."""
    campaign = seeded(cli, tmp_path)
    before, records_before = tables(cli), import_records(cli)
    big = _big_file(tmp_path)
    command = [sys.executable, "-m", "etl", "--db", str(cli.db), "import", str(big)]
    command += ["--campaign", str(campaign), "--max-rows", "0", "--report-dir", str(cli.reports)]
    start_files = _store_files(cli.db)
    proc = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    while proc.poll() is None and _store_files(cli.db) == start_files:
        time.sleep(0.002)  # the write has begun (the store's files change)
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=300)

    assert proc.returncode == code, stderr
    assert stderr.splitlines() == [f"{line}: an unfinished import was rolled back"]
    assert tables(cli) == before
    records = import_records(cli)
    assert records[: len(records_before)] == records_before
    (import_id, status, error_code), *more = records[len(records_before) :]
    assert (status, error_code, more) == ("failed", "IMPORT_FAILED", [])
    summary = json.loads((cli.reports / import_id / "summary.json").read_text())
    assert summary["success"] is False
    assert summary["error"] == {
        "code": "IMPORT_FAILED",
        "message": f"Interrupted ({named}); the import was rolled back",
    }


# --- another process holds the store ------------------------------------------------------

HOLDER = textwrap.dedent(
    """
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    con.execute("SELECT count(*) FROM contacts").fetchall()
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
    con.close()
    """
)


def _hold(db: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    return holder


def test_store_held_by_another_process_is_store_busy(cli: Cli, tmp_path: Path) -> None:
    campaign = seeded(cli, tmp_path)
    before, records_before = tables(cli), import_records(cli)
    path = write_csv(tmp_path, "phone\n5550000009\n")
    holder = _hold(cli.db, 60)
    try:
        result = cli.run_import(
            str(path), "--campaign", str(campaign), "--lock-timeout", "1", "--json"
        )
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 75, result.output
    assert len(result.stderr.splitlines()) == 1
    assert "held by another process" in result.stderr and "--lock-timeout" in result.stderr
    assert f"(PID {holder.pid}: " in result.stderr  # who to ask, or to kill
    printed = json.loads(result.stdout.splitlines()[-1])
    summary = json.loads((cli.reports / printed["import_id"] / "summary.json").read_text())
    assert summary["success"] is False and summary["error"]["code"] == "STORE_BUSY"
    assert tables(cli) == before
    assert import_records(cli) == records_before  # STORE_BUSY leaves no import record


def test_every_store_command_takes_lock_timeout(cli: Cli, tmp_path: Path) -> None:
    """The busy message names --lock-timeout: every command that opens the store has it."""
    seeded(cli, tmp_path)
    path = write_csv(tmp_path, "phone\n5550000009\n")
    commands = [
        ["campaign", "create", "B"],
        ["campaign", "list"],
        ["imports", "list"],
        ["contacts", "export", "--out", str(tmp_path / "out.csv")],
        ["inspect", str(path)],
    ]
    holder = _hold(cli.db, 60)
    try:
        results = [cli(*command, "--lock-timeout", "0.2") for command in commands]
    finally:
        holder.kill()
        holder.wait()
    for command, result in zip(commands, results, strict=True):
        assert result.exit_code == 75, (command, result.output)
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert "waited 0.2s (--lock-timeout)" in result.stderr


def test_store_let_go_within_lock_timeout_imports(cli: Cli, tmp_path: Path) -> None:
    campaign = seeded(cli, tmp_path)
    path = write_csv(tmp_path, "phone\n5550000009\n")
    holder = _hold(cli.db, 0.5)
    try:
        result = cli.run_import(str(path), "--campaign", str(campaign), "--lock-timeout", "60")
    finally:
        holder.wait(timeout=60)
    assert result.exit_code == 0, result.output
    assert cli.query("SELECT count(*) FROM contacts WHERE phone_number = '+15550000009'") == [(1,)]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signal_while_waiting_for_the_store_stops_at_once(
    cli: Cli, tmp_path: Path, signum: int
) -> None:
    """Ctrl-C (or SIGTERM) while `import` waits for a store another process holds: the
    command stops now, not after --lock-timeout (recording the failure waited for the store
    again, the whole --lock-timeout). No import record: the store was not reachable."""
    seeded(cli, tmp_path)
    before, records_before = tables(cli), import_records(cli)
    path = write_csv(tmp_path, "phone\n5550000009\n")
    command = [sys.executable, "-m", "etl", "-v", "--db", str(cli.db), "import", str(path)]
    command += ["--report-dir", str(cli.reports), "--lock-timeout", "120", "--json"]
    holder = _hold(cli.db, 300)
    proc = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stderr is not None
        for text in proc.stderr:  # -v: the first refusal of the lock is logged
            if "is held by another process" in text:
                break
        waiting = time.monotonic()
        proc.send_signal(signum)
        stdout, stderr = proc.communicate(timeout=60)
        stopped_after = time.monotonic() - waiting
    finally:
        proc.kill()
        proc.wait()
        holder.kill()
        holder.wait()
    assert proc.returncode == 128 + signum, stderr
    assert stopped_after < 20, stopped_after  # not the 120 s of --lock-timeout
    assert stderr.splitlines()[-1].endswith(": an unfinished import was rolled back")
    assert stdout == ""  # the command stopped before printing the file's summary
    summaries = [json.loads(p.read_text()) for p in cli.reports.glob("*/summary.json")]
    (summary,) = [s for s in summaries if s["file_name"] == "input.csv"]
    assert summary["success"] is False and summary["error"]["code"] == "IMPORT_FAILED"
    assert tables(cli) == before
    assert import_records(cli) == records_before


# --- several files in one run ------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "expected_exit"),
    [
        (["missing", "good"], 66),
        (["good", "missing"], 66),
        (["empty", "good"], 65),
        (["empty", "unknown_campaign"], 67),
        (["good", "good2"], 0),
    ],
)
def test_several_files_are_independent_imports(
    cli: Cli, tmp_path: Path, files: list[str], expected_exit: int
) -> None:
    campaign = seeded(cli, tmp_path)
    before = tables(cli)
    made = {
        "good": write_csv(tmp_path, "phone\n5550000011\n5550000012\n", "good.csv"),
        "good2": write_csv(tmp_path, "phone\n5550000013\n", "good2.csv"),
        "empty": write_csv(tmp_path, "phone\n", "empty.csv"),
        "missing": tmp_path / "missing.csv",
        "unknown_campaign": write_csv(tmp_path, "phone\n5550000014\n", "other.csv"),
    }
    # the campaign option is per run: an unknown campaign fails every file of the run
    campaign_arg = "999" if "unknown_campaign" in files else str(campaign)
    result = cli.run_import(*[str(made[f]) for f in files], "--campaign", campaign_arg, "--json")

    assert result.exit_code == expected_exit, result.output
    summaries = [json.loads(line) for line in result.stdout.splitlines()]
    assert [s["file_name"] for s in summaries] == [made[f].name for f in files]
    assert len({s["import_id"] for s in summaries}) == len(files)
    for name, summary in zip(files, summaries, strict=True):
        assert (cli.reports / summary["import_id"] / "summary.json").exists()
        good = name.startswith("good") and campaign_arg != "999"
        assert summary["success"] is good
    statuses = [s for _, s, _ in import_records(cli)[1:]]
    assert sorted(statuses) == sorted("completed" if s["success"] else "failed" for s in summaries)
    added = sum(s["counts"]["added"] for s in summaries)
    assert len(tables(cli)["contacts"]) == len(before["contacts"]) + added
    assert len(result.stderr.splitlines()) == sum(not s["success"] for s in summaries)


# --- a file that cannot be read ------------------------------------------------------------


def test_unreadable_file_is_file_not_found(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Permission denied on read (root ignores chmod, so the read itself is made to fail)."""
    seeded(cli, tmp_path)
    before = tables(cli)
    path = write_csv(tmp_path, "phone\n5550000009\n", "locked.csv")
    real_read = Path.read_bytes

    def denied(self: Path) -> bytes:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    result = cli.run_import(str(path), "--json")
    assert result.exit_code == 66
    assert (
        result.stderr.strip()
        == f"Error: locked.csv: File is not readable: {path}: Permission denied"
    )
    summary = cli.summary(result)
    assert summary["error"]["code"] == "FILE_NOT_FOUND"
    assert tables(cli) == before
    assert import_records(cli)[-1][1:] == ("failed", "FILE_NOT_FOUND")


@pytest.mark.parametrize("case", ["no_read_permission", "name_too_long", "parent_is_a_file"])
def test_file_that_cannot_be_reached_is_file_not_found_and_the_next_file_imports(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    """Exit 66 for each (SPEC 10: missing or unreadable), with its summary and failed record,
    and the file after it still imported (SPEC 2). Click's own `readable` check used to make
    an unreadable file a usage error (exit 2) that stopped the whole run; a stat refused
    (ENAMETOOLONG, EACCES on a folder) was an internal failure (exit 70)."""
    seeded(cli, tmp_path)
    before = tables(cli)
    good = write_csv(tmp_path, "phone\n5550000021\n", "good.csv")
    bad = {
        "no_read_permission": write_csv(tmp_path, "phone\n5550000022\n", "locked.csv"),
        "name_too_long": tmp_path / ("x" * 300 + ".csv"),
        "parent_is_a_file": good / "inside.csv",
    }[case]
    if case == "no_read_permission":  # root ignores chmod: access is refused for this path
        real_access = os.access
        monkeypatch.setattr(os, "access", lambda p, mode: Path(p) != bad and real_access(p, mode))

    result = cli.run_import(str(bad), str(good), "--json")

    assert result.exit_code == 66, result.output
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.output
    assert result.stderr.startswith(f"Error: {bad.name}: File ")
    failed, imported = (json.loads(line) for line in result.stdout.splitlines())
    assert failed["error"]["code"] == "FILE_NOT_FOUND" and failed["success"] is False
    assert (cli.reports / failed["import_id"] / "summary.json").exists()
    assert imported["success"] is True and imported["counts"]["added"] == 1
    assert [r[1:] for r in import_records(cli)[-2:]] == [
        ("failed", "FILE_NOT_FOUND"),
        ("completed", None),
    ]
    assert len(tables(cli)["contacts"]) == len(before["contacts"]) + 1


def test_closed_stdout_does_not_stop_the_next_files(cli: Cli, tmp_path: Path) -> None:
    """`contacts-etl import a b c | head -1`: the reader goes away after the first line; the
    remaining files are still imported, each with its record, and the run exits 0."""
    seeded(cli, tmp_path)
    files = [write_csv(tmp_path, f"phone\n555000003{i}\n", f"f{i}.csv") for i in range(3)]
    command = [sys.executable, "-m", "etl", "--db", str(cli.db), "import", *map(str, files)]
    command += ["--report-dir", str(cli.reports)]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert run.stdout is not None and run.stderr is not None
    run.stdout.close()  # before the first summary is printed
    stderr = run.stderr.read().decode()
    assert run.wait(timeout=120) == 0, stderr
    assert stderr == ""
    assert [r[1] for r in import_records(cli)[-3:]] == ["completed"] * 3
    assert cli.query("SELECT count(*) FROM contacts WHERE phone_number LIKE '+1555000003_'") == [
        (3,)
    ]


def test_report_dir_that_cannot_be_made_stops_before_the_store(cli: Cli, tmp_path: Path) -> None:
    """A committed import must always have its report: the folder is made first."""
    seeded(cli, tmp_path)
    before, records_before = tables(cli), import_records(cli)
    blocker = write_csv(tmp_path, "not a folder", "blocker")
    path = write_csv(tmp_path, "phone\n5550000009\n")
    result = cli("import", str(path), "--report-dir", str(blocker / "reports"), "--json")
    assert result.exit_code == 65, result.output
    assert result.stderr.startswith("Error: input.csv: Cannot create the report folder")
    assert result.stderr.rstrip().endswith("Not a directory (--report-dir)")
    assert len(result.stderr.splitlines()) == 1
    assert json.loads(result.stdout)["error"]["code"] == "INVALID_ARGUMENT"
    assert tables(cli) == before
    records = import_records(cli)
    assert records[: len(records_before)] == records_before
    assert [r[1:] for r in records[len(records_before) :]] == [("failed", "INVALID_ARGUMENT")]


@pytest.mark.parametrize("failing", ["rows", "errors"])
def test_report_that_cannot_be_written_rolls_the_import_back(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """The store commits only once the report is complete (disk full while writing
    rows.parquet or errors.csv): exit 70 and nothing imported, as for any write failure."""
    from etl import report

    campaign = seeded(cli, tmp_path)
    before, records_before = tables(cli), import_records(cli)

    def full_disk(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    target = "RowsWriter.write" if failing == "rows" else "write_errors_csv"
    if failing == "rows":
        monkeypatch.setattr(report.RowsWriter, "write", full_disk)
    else:
        monkeypatch.setattr(report, "write_errors_csv", full_disk)
    path = write_csv(tmp_path, "phone,name\n5550000003,Three\nnot a phone,Bad\n")
    result = cli.run_import(str(path), "--campaign", str(campaign))

    assert result.exit_code == 70, (target, result.output)
    assert result.stderr.splitlines() == [
        "Error: input.csv: OSError: [Errno 28] No space left on device"
    ]
    assert tables(cli) == before
    records = import_records(cli)
    assert records[: len(records_before)] == records_before
    assert [r[1:] for r in records[len(records_before) :]] == [("failed", "IMPORT_FAILED")]


def test_statement_failing_in_the_store_reports_its_own_error(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A statement DuckDB refuses aborts the transaction: the error shown is that
    statement's, not a later call's complaint about the aborted transaction."""
    campaign = seeded(cli, tmp_path)
    before = tables(cli)

    def refused(con: duckdb.DuckDBPyConnection, *args: Any) -> None:
        store._run(con, "INSERT INTO contacts (contact_id, created_at) VALUES (NULL, now())")

    monkeypatch.setattr(store, "_insert_contacts", refused)
    path = write_csv(tmp_path, "phone,name\n5550000003,Three\n")
    result = cli.run_import(str(path), "--campaign", str(campaign))
    assert result.exit_code == 70
    assert result.stderr.startswith("Error: input.csv: ConstraintException: "), result.stderr
    assert "aborted" not in result.stderr
    assert tables(cli) == before
