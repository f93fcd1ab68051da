"""The import of one file step by step, each step timed: `etl.pipeline.run` taken apart.

Keep this in step with `pipeline.run` / `pipeline._decide_and_write`. The steps run one
after the other here; a real run overlaps some of them on a second thread (the file is read
while the store is opened, the cell fields are computed while the store is compared, the
rows are checked and the reports written while the store takes the rows), so the sum of
the steps is more than the `duration_s` a real run reports (the bench prints both).
"""

from __future__ import annotations

import resource
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from etl import columns, extract, pipeline, report, store, transform
from etl.options import ImportOptions
from etl.store import StoreSession
from schemas.contacts import validate_report_rows

T = TypeVar("T")
STEPS = (
    "open_store",
    "read",
    "normalize",
    "compare",
    "dedupe",
    "validate",
    "write_store",
    "reports",
    "close_store",  # after duration_s (the CLI closes the store after the import), but waited for
)


class Timer:
    """Named timings in seconds: wall clock, and CPU time of the process (all threads), which
    a busy machine disturbs less than the wall clock."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.peak_rss: dict[str, int] = {}  # the process's peak RSS (bytes) after each step

    def move(self, nested: Timer, name: str, out_of: str) -> None:
        """Count `nested`'s `name` time under `name` here, taking it out of `out_of` (the
        step it was measured inside)."""
        for mine, theirs in ((self.times, nested.times), (self.cpu, nested.cpu)):
            spent = theirs.get(name, 0.0)
            mine[out_of] -= spent
            mine[name] = mine.get(name, 0.0) + spent

    def __call__(self, name: str, func: Callable[[], T]) -> T:
        clock, cpu = time.perf_counter(), time.process_time()
        try:
            return func()
        finally:
            self.times[name] = self.times.get(name, 0.0) + time.perf_counter() - clock
            self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - cpu
            self.peak_rss[name] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def import_steps(path: Path, opts: ImportOptions, session: StoreSession) -> dict[str, Any]:
    """Run one import like `pipeline.run` does, returning the time of each step and its counts."""
    timer = Timer()
    import_id = str(uuid.uuid4())
    started, clock = store.utc_now(), time.perf_counter()
    summary = pipeline.base_summary(path, import_id, opts)

    def open_store() -> None:
        pipeline._check_arguments(opts, session, import_id)

    timer("open_store", open_store)

    def read() -> tuple[extract.RawTable, columns.ColumnPlan, str]:
        table = pipeline.read(path, opts, summary)
        plan = columns.resolve(table.headers, None)
        return table, plan, pipeline.choose_key(plan, opts.key)

    table, plan, key = timer("read", read)
    fields = transform.CellFields(table, plan)
    summary["key"] = key
    clean = timer(
        "normalize",
        lambda: transform.normalize_rows(
            table, plan, key, region=opts.region, phone_check=opts.phone_check, strict=opts.strict
        ),
    )
    con = session.reader()
    assert con is not None
    matches = timer(
        "compare",
        lambda: store.lookup(
            con, clean, key=key, campaign_id=opts.campaign_id, replace_pending=opts.replace_pending
        ),
    )

    def decide() -> Any:
        decided = pipeline.decide(clean, matches, key, opts)
        pipeline.summarize(decided, fields, key, summary)
        return decided

    decided = timer("dedupe", decide)
    timer("validate", lambda: validate_report_rows(report.rows_frame(decided)))

    folder = report.report_folder(opts.report_dir, import_id)
    writer = report.RowsWriter(folder, table)
    in_write = Timer()  # the report's slice writes, made inside the store write

    def write_store() -> None:
        # Each slice (fields computed once) goes to the report once the store has taken it,
        # as a real run's report thread does, so no more than one slice is held; the time of
        # those report writes is moved from this step to `reports` below.
        record = pipeline._import_record(summary, opts, started)
        rows = report.rows_frame(decided)
        flags = pipeline._write_flags(decided, opts)

        def batches() -> Iterator[Any]:
            for offset, part in fields.slices(
                rows.hstack(flags.get_columns()), pipeline.OUTPUT_COLUMNS
            ):
                yield part  # the store takes it; then the report
                in_write("reports", lambda: writer.write(offset, part))  # noqa: B023

        writes = store.StoreWrites(batches(), opts.campaign_id, opts.replace_pending, import_id)
        store.write_import(session.writer(), writes, record)
        summary["total_contacts"] = pipeline._total_contacts(session, opts, summary["counts"])

    timer("write_store", write_store)
    timer.move(in_write, "reports", out_of="write_store")

    def reports() -> None:
        writer.close()
        report.write_errors_csv(folder, table, decided)
        summary["duration_s"] = round(time.perf_counter() - clock, 4)
        report.write_summary(folder, summary)

    timer("reports", reports)
    duration = time.perf_counter() - clock
    timer("close_store", session.close)
    total = time.perf_counter() - clock
    return {
        "steps": timer.times,
        "cpu": timer.cpu,
        "peak_rss": timer.peak_rss,
        "duration_s": duration,
        "total_s": total,
        "counts": summary["counts"],
    }
