"""How operators run the job (cron, Makefiles, by hand): output that goes nowhere, a full
disk, file names that are not UTF-8, a signal just after the commit. Whatever happens, a
committed import has its summary.json, the store is whole, and errors are one line.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from etl import interrupt, report, store
from tests.conftest import ROOT, Cli, write_csv

NO_SPACE = OSError(28, "No space left on device")


def _records(cli: Cli) -> list[tuple[Any, ...]]:
    return cli.query("SELECT file_name, status, error_code FROM imports ORDER BY started_at")


def _command(cli: Cli, *args: str) -> list[str]:
    return [sys.executable, "-m", "etl", "--db", str(cli.db), *args]


# --- summary.json and the commit -----------------------------------------------------------


def _after_the_commit(monkeypatch: pytest.MonkeyPatch) -> dict[str, bool]:
    """Marks when `store.write_import` has committed."""
    state = {"committed": False}
    original = store.write_import

    def write_import(*args: Any, **kwargs: Any) -> None:
        original(*args, **kwargs)
        state["committed"] = True

    monkeypatch.setattr(store, "write_import", write_import)
    return state


def test_disk_full_after_the_commit_keeps_the_summary_written_before_it(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """summary.json is written inside the transaction, before the commit: a disk that fills
    up after the commit leaves it in place (it was written after the commit only: exit 70,
    'rolled back', an import that had committed and an empty or missing summary.json)."""
    state = _after_the_commit(monkeypatch)
    original = report.write_summary

    def write_summary(folder: Path, summary: dict[str, Any]) -> None:
        if state["committed"]:
            raise NO_SPACE
        original(folder, summary)

    monkeypatch.setattr(report, "write_summary", write_summary)
    path = write_csv(tmp_path, "phone,name\n5550000001,One\nnot a phone,Bad\n")
    result = cli.run_import(str(path), "--json")

    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    summary = cli.summary(result)
    assert summary["success"] is True and summary["error"] is None
    assert summary["counts"] == printed["counts"] == {**printed["counts"], "added": 1}
    assert (cli.reports / summary["import_id"] / "rows.parquet").exists()
    assert _records(cli) == [("input.csv", "completed", None)]
    assert cli.query("SELECT count(*) FROM contacts") == [(1,)]


def test_summary_that_cannot_be_written_rolls_the_import_back(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def write_summary(folder: Path, summary: dict[str, Any]) -> None:
        raise NO_SPACE

    monkeypatch.setattr(report, "write_summary", write_summary)
    path = write_csv(tmp_path, "phone\n5550000001\n")
    result = cli.run_import(str(path))
    assert result.exit_code == 70, result.output
    assert result.stderr.splitlines() == [
        "Error: input.csv: OSError: [Errno 28] No space left on device"
    ]
    assert cli.query("SELECT count(*) FROM contacts") == [(0,)]
    assert _records(cli) == [("input.csv", "failed", "IMPORT_FAILED")]


def test_summary_json_is_never_left_cut(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write that fails leaves the summary.json that was there (it used to be emptied)."""
    report.write_summary(tmp_path, {"success": True})
    real_write = Path.write_text

    def full(self: Path, *args: Any, **kwargs: Any) -> int:
        real_write(self, "{")  # part of it made it to the disk
        raise NO_SPACE

    monkeypatch.setattr(Path, "write_text", full)
    with pytest.raises(OSError):
        report.write_summary(tmp_path, {"success": False})
    assert json.loads((tmp_path / "summary.json").read_text()) == {"success": True}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]


def test_signal_just_after_the_commit_keeps_the_import(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM (or Ctrl-C) landing between the commit and the end of the file: the import
    stands and its summary says so (it said 'rolled back' with `success: false`, beside a
    `completed` record and the rows in the store); the command then stops."""
    original = store.write_import

    def write_import(*args: Any, **kwargs: Any) -> None:
        original(*args, **kwargs)
        monkeypatch.setattr(interrupt, "_received", 15)
        raise interrupt.Interrupted

    monkeypatch.setattr(store, "write_import", write_import)
    first = write_csv(tmp_path, "phone\n5550000001\n5550000002\n", "first.csv")
    second = write_csv(tmp_path, "phone\n5550000003\n", "second.csv")
    with pytest.raises(interrupt.Interrupted, match="stopped after first.csv"):
        cli.run_import(str(first), str(second), "--json")

    (folder,) = cli.reports.iterdir()
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["success"] is True and summary["counts"]["added"] == 2
    assert _records(cli) == [("first.csv", "completed", None)]
    assert cli.query("SELECT count(*) FROM contacts") == [(2,)]


# --- file names that are not UTF-8 ---------------------------------------------------------

LATIN1_NAME = os.fsdecode(b"caf\xe9.csv")  # a file named on a Latin-1 system


def test_file_name_that_is_not_utf8_imports_and_the_next_file_too(cli: Cli, tmp_path: Path) -> None:
    """Its bytes that are not UTF-8 are shown as \\xNN in the summary, the import record and
    the messages (it was exit 70 'UnicodeEncodeError', no summary.json, no import record,
    and the files after it never imported)."""
    odd = write_csv(tmp_path, "phone\n5550000001\n", LATIN1_NAME)
    good = write_csv(tmp_path, "phone\n5550000002\n", "good.csv")
    missing = tmp_path / os.fsdecode(b"gon\xe9.csv")
    result = cli.run_import(str(odd), str(missing), str(good), "--json")

    assert result.exit_code == 66, result.output
    assert result.stderr.splitlines() == [
        f"Error: gon\\xe9.csv: File not found: {tmp_path}/gon\\xe9.csv"
    ]
    summaries = [json.loads(line) for line in result.stdout.splitlines()]
    assert [s["file_name"] for s in summaries] == ["caf\\xe9.csv", "gon\\xe9.csv", "good.csv"]
    assert [s["success"] for s in summaries] == [True, False, True]
    for summary in summaries:
        on_disk = json.loads((cli.reports / summary["import_id"] / "summary.json").read_text())
        assert on_disk["file_name"] == summary["file_name"]
    assert _records(cli) == [
        ("caf\\xe9.csv", "completed", None),
        ("gon\\xe9.csv", "failed", "FILE_NOT_FOUND"),
        ("good.csv", "completed", None),
    ]
    inspected = cli("inspect", str(odd), "--json")
    assert inspected.exit_code == 0 and json.loads(inspected.stdout)["file_name"] == "caf\\xe9.csv"


def test_report_dir_and_db_that_are_not_utf8(cli: Cli, tmp_path: Path) -> None:
    """A --report-dir that is not UTF-8 takes the reports (pyarrow refused its name: exit
    70); a --db that is not UTF-8 is one line, exit 65 (it was 'RuntimeError: std::bad_cast',
    exit 70): DuckDB opens no such path."""
    path = write_csv(tmp_path, "phone\n5550000001\n")
    reports = tmp_path / os.fsdecode(b"rapports-\xe9t\xe9")
    result = cli("import", str(path), "--report-dir", str(reports), "--json")
    assert result.exit_code == 0, result.output
    import_id = json.loads(result.stdout)["import_id"]
    rows = (reports / import_id / "rows.parquet").read_bytes()  # (polars takes no such path)
    assert pl.read_parquet(io.BytesIO(rows)).height == 1
    (report_dir,) = cli.query("SELECT report_dir FROM imports")[0]
    assert report_dir == str(reports / import_id).replace(reports.name, "rapports-\\xe9t\\xe9")

    db = tmp_path / os.fsdecode(b"magasin-\xe9.duckdb")
    result = Cli(db, cli.reports)("campaign", "list")
    assert result.exit_code == 65
    assert result.stderr.splitlines() == [
        f"Error: The store {tmp_path}/magasin-\\xe9.duckdb cannot be used: DuckDB opens no "
        "path that is not valid UTF-8 (--db or CONTACTS_ETL_DB)"
    ]


# --- stdout and stderr that go nowhere ------------------------------------------------------

needs_dev_full = pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")


@needs_dev_full
def test_stdout_on_a_full_disk_is_one_line_and_exit_74_and_every_file_imports(
    cli: Cli, tmp_path: Path
) -> None:
    """`import a b > log` with the log's disk full: both files imported (each has its
    summary.json), one line on stderr, exit 74. It was exit 70 'rolled back' for a file
    that had committed, and the second file was never imported."""
    files = [write_csv(tmp_path, f"phone\n555000000{i}\n", f"f{i}.csv") for i in range(2)]
    command = _command(cli, "import", *map(str, files), "--report-dir", str(cli.reports))
    with open("/dev/full", "w") as full:
        run = subprocess.run(command, cwd=ROOT, stdout=full, stderr=subprocess.PIPE, text=True)
    assert run.returncode == 74, run.stderr
    assert run.stderr.splitlines() == [
        "Error: cannot write to stdout: No space left on device; the imports go on, each "
        "file's summary.json is in its report folder"
    ]
    assert _records(cli) == [("f0.csv", "completed", None), ("f1.csv", "completed", None)]
    summaries = [json.loads(p.read_text()) for p in cli.reports.glob("*/summary.json")]
    assert sorted(s["file_name"] for s in summaries if s["success"]) == ["f0.csv", "f1.csv"]


@needs_dev_full
@pytest.mark.parametrize(
    "args",
    [["campaign", "create", "A"], ["campaign", "list"], ["--version"]],
)
def test_reading_commands_on_a_full_stdout_are_one_line(cli: Cli, args: list[str]) -> None:
    """It was a traceback and exit 1 (exit 70 'rolled back' for `campaign create`, whose
    campaign was created)."""
    assert cli("campaign", "create", "Seed").exit_code == 0
    with open("/dev/full", "w") as full:
        run = subprocess.run(
            _command(cli, *args), cwd=ROOT, stdout=full, stderr=subprocess.PIPE, text=True
        )
    assert run.returncode == 74, run.stderr
    assert run.stderr.splitlines() == ["Error: cannot write to stdout: No space left on device"]


@pytest.mark.parametrize("closed", [1, 2])
def test_closed_stdout_or_stderr_changes_no_exit_code(
    cli: Cli, tmp_path: Path, closed: int
) -> None:
    """`>&-` or `2>&-` in a crontab: the exit code is the import's (it was 1, with a
    traceback about a None stream, after the import had committed)."""
    good = write_csv(tmp_path, "phone\n5550000001\n", "good.csv")
    for files, expected in (([good], 0), ([tmp_path / "missing.csv"], 66)):
        command = _command(cli, "import", *map(str, files), "--report-dir", str(cli.reports))
        run = subprocess.run(
            command, cwd=ROOT, capture_output=True, preexec_fn=lambda: os.close(closed)
        )
        assert run.returncode == expected, run.stderr
        assert b"Traceback" not in run.stderr
    assert _records(cli) == [
        ("good.csv", "completed", None),
        ("missing.csv", "failed", "FILE_NOT_FOUND"),
    ]


# --- signals ------------------------------------------------------------------------------


def test_ctrl_c_ignored_at_start_stays_ignored(cli: Cli, tmp_path: Path) -> None:
    """`nohup`, or `contacts-etl import ... &` in a script: the shell starts the job ignoring
    SIGINT, so that Ctrl-C at the terminal stops the script's foreground command, not the
    job. The job's own handler used to replace that and roll the import back (exit 130)."""
    path = write_csv(tmp_path, "phone\n" + "".join(f"555{i:07d}\n" for i in range(20_000)))
    command = _command(cli, "-v", "import", str(path), "--report-dir", str(cli.reports))
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    assert proc.stderr is not None
    for line in proc.stderr:
        if "rows read" in line:  # the import is under way
            proc.send_signal(signal.SIGINT)
            break
    proc.communicate(timeout=120)
    assert proc.returncode == 0
    assert _records(cli) == [("input.csv", "completed", None)]


# --- a store this user may only read --------------------------------------------------------


def _unwritable(db: Path, monkeypatch: pytest.MonkeyPatch, reason: str) -> None:
    """The store as a user who may only read it sees it (root ignores chmod: the refusal is
    made for this path)."""
    import duckdb

    real_attach, real_access = store._attach, os.access

    def attach(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
        if path == db and not read_only:
            raise duckdb.IOException(f'IO Error: Cannot open file "{path}": {reason}')
        return real_attach(path, read_only=read_only)

    monkeypatch.setattr(store, "_attach", attach)

    def access(path: Any, mode: int, **kwargs: Any) -> bool:
        if Path(path) == db and mode & os.W_OK:
            return False
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)


@pytest.mark.parametrize("reason", ["Permission denied", "Read-only file system"])
def test_a_store_that_cannot_be_written_is_read_by_the_reading_commands(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reason: str
) -> None:
    """The nightly job's store (owned by its user, mode 644) or a read-only mount: `campaign
    list`, `imports list/show` and `contacts export` read it (they refused it, exit 65, as
    they open it to create or migrate it); what writes is refused as before."""
    campaign = cli.campaign("Night")
    path = write_csv(tmp_path, "phone\n5550000001\n")
    imported = cli.run_import(str(path), "--campaign", str(campaign), "--json")
    import_id = json.loads(imported.stdout)["import_id"]
    _unwritable(cli.db, monkeypatch, reason)

    listed = cli("campaign", "list", "--json")
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.stdout)["entries"]["pending"] == 1
    assert cli("imports", "list").stdout.startswith(import_id)
    assert cli("imports", "show", import_id).exit_code == 0
    exported = cli("contacts", "export", "--out", str(tmp_path / "out.csv"))
    assert exported.exit_code == 0, exported.output
    refused = cli("campaign", "create", "Day")
    assert refused.exit_code == 65
    assert refused.stderr.rstrip().endswith(f"{reason} (--db or CONTACTS_ETL_DB)")
    assert cli.run_import(str(path)).exit_code == 65


def test_a_working_directory_deleted_under_the_job(cli: Cli, tmp_path: Path) -> None:
    """A cron job whose directory was removed: the default, relative report folder cannot be
    made: one line, exit 65, a failed import record (it was exit 70 'FileNotFoundError', no
    record: the record's absolute report_dir asked for the working directory)."""
    path = write_csv(tmp_path, "phone\n5550000001\n")
    gone = tmp_path / "gone"
    gone.mkdir()
    run = subprocess.run(
        _command(cli, "import", str(path)),
        cwd=gone,
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.rmdir(gone),  # after the child moved into it
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == 65, run.stderr
    (line,) = run.stderr.splitlines()
    assert line.startswith("Error: input.csv: Cannot create the report folder data/reports/")
    assert line.endswith(": No such file or directory (--report-dir)")
    assert _records(cli) == [("input.csv", "failed", "INVALID_ARGUMENT")]


def test_signal_that_breaks_the_start_up_is_an_interrupt(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM while the command still imports its modules: Python wraps the interrupt in
    the error of what it broke ('RuntimeError: Error calling __set_name__ ...', exit 70);
    it is the interrupt (exit 143 from the console script)."""
    import schemas.contacts

    def broken() -> None:
        monkeypatch.setattr(interrupt, "_received", signal.SIGTERM)
        raise RuntimeError("Error calling __set_name__ on 'FieldInfo' instance 'row'")

    monkeypatch.setattr(schemas.contacts, "warm_up", broken)
    path = write_csv(tmp_path, "phone\n5550000001\n")
    with pytest.raises(interrupt.Interrupted):
        cli.run_import(str(path))
    assert interrupt.exit_code() == 143


def test_reading_commands_read_beside_a_read_only_reader(cli: Cli, tmp_path: Path) -> None:
    """Another process reading the store (a dashboard, `duckdb -readonly`): the reading
    commands read beside it (they waited for it and exited 75 STORE_BUSY: they opened the
    store to write, to create or migrate it); a command that writes still waits."""
    assert cli("campaign", "create", "Seen").exit_code == 0
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, duckdb; con = duckdb.connect(sys.argv[1], read_only=True); "
            "print('reading', flush=True); time.sleep(300)",
            str(cli.db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "reading"
        listed = cli("campaign", "list", "--lock-timeout", "0.2")
        assert listed.exit_code == 0, listed.output
        assert "Seen" in listed.stdout
        assert cli("imports", "list", "--lock-timeout", "0.2").exit_code == 0
        assert cli("campaign", "create", "New", "--lock-timeout", "0.2").exit_code == 75
    finally:
        reader.kill()
        reader.wait()


def test_commit_that_fails_leaves_no_summary_saying_success(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """summary.json is written before the commit: when the commit then fails and the disk
    takes no failure summary either, the one saying success is removed."""
    import duckdb

    original = store.write_import

    def write_import(con: Any, writes: Any, record: Any, before_commit: Any) -> None:
        def then_the_commit_fails() -> None:
            before_commit()  # the reports, summary.json included
            monkeypatch.setattr(report, "write_summary", failing)
            raise duckdb.IOException("IO Error: Could not write file: No space left on device")

        original(con, writes, record, before_commit=then_the_commit_fails)

    def failing(folder: Path, summary: dict[str, Any]) -> None:
        raise NO_SPACE

    monkeypatch.setattr(store, "write_import", write_import)
    path = write_csv(tmp_path, "phone\n5550000001\n")
    result = cli.run_import(str(path), "--json")
    assert result.exit_code == 70, result.output
    assert json.loads(result.stdout)["success"] is False
    assert list(cli.reports.glob("*/summary.json")) == []
    assert _records(cli) == [("input.csv", "failed", "IMPORT_FAILED")]
    assert cli.query("SELECT count(*) FROM contacts") == [(0,)]
