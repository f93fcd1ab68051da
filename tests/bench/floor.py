"""The floor under the 50k budget: the store's work of one import, timed alone.

Any import of the file must open the store, find the file's keys among the stored contacts
and insert the rows it adds, in one transaction. Here those DuckDB statements - the ones
`pipeline.run` issues, on the rows it decides - run with nothing else in the process: no
parsing, normalizing or reporting beside them. The lookup needs every normalized key and
the inserts need every decision, so no pipeline can hide these behind other work; what they
take is a floor under `duration_s` on this machine, before the file is even read.
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from etl import columns, pipeline, report, store, transform
from etl.options import ImportOptions
from etl.store import StoreSession
from tests.bench import generate

T = TypeVar("T")
PARTS = ("open_store", "read_keys", "lookup", "insert_and_commit")


def prepared_writes(csv: Path, opts: ImportOptions, db: Path) -> dict[str, Any]:
    """What the store is asked in one import of `csv`: the clean rows (for the lookup) and
    the batches written, decided against `db` as `pipeline.run` decides them."""
    summary = pipeline.base_summary(csv, str(uuid.uuid4()), opts)
    table = pipeline.read(csv, opts, summary)
    plan = columns.resolve(table.headers, None)
    key = pipeline.choose_key(plan, opts.key)
    clean = transform.normalize_rows(
        table, plan, key, region=opts.region, phone_check=opts.phone_check, strict=opts.strict
    )
    session = StoreSession(db, lock_timeout=30)
    try:
        matches = _lookup(session.writer(), clean, key, opts)
    finally:
        session.close()
    decided = pipeline.decide(clean, matches, key, opts)
    fields = transform.CellFields(table, plan)
    rows = report.rows_frame(decided).hstack(pipeline._write_flags(decided, opts).get_columns())
    batches = [part for _, part in fields.slices(rows, pipeline.OUTPUT_COLUMNS)]
    return {"clean": clean, "key": key, "batches": batches, "summary": summary}


def _lookup(con: Any, clean: pl.DataFrame, key: str, opts: ImportOptions) -> Any:
    return store.lookup(
        con, clean, key=key, campaign_id=opts.campaign_id, replace_pending=opts.replace_pending
    )


def store_work(prepared: dict[str, Any], opts: ImportOptions, db: Path) -> dict[str, Any]:
    """One import's DuckDB statements on `db`, each part timed (wall and CPU)."""
    times: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def timed(name: str, func: Callable[[], T]) -> T:
        clock, spent = time.perf_counter(), time.process_time()
        try:
            return func()
        finally:
            times[name] = time.perf_counter() - clock
            cpu[name] = time.process_time() - spent

    session = StoreSession(db, lock_timeout=30)
    try:
        con = timed("open_store", session.writer)
        timed("read_keys", lambda: store.warm_up(con))
        timed("lookup", lambda: _lookup(con, prepared["clean"], prepared["key"], opts))
        record = pipeline._import_record(prepared["summary"], opts, store.utc_now())
        writes = store.StoreWrites(
            prepared["batches"], opts.campaign_id, opts.replace_pending, record.import_id
        )
        timed("insert_and_commit", lambda: store.write_import(con, writes, record))
    finally:
        session.close()
    return {"times": times, "cpu": cpu}


def measure(csv: Path, source: Path, work: Path, runs: int, log: Callable[[str], None]) -> dict:
    """Medians of `runs` timings of the store's work alone, each on a fresh copy of `source`."""
    opts = ImportOptions(
        db=work / "floor.duckdb",
        campaign_id=generate.CAMPAIGN_ID,
        report_dir=work / "reports",
        max_rows=0,
        max_bytes=0,
    )
    prepared = prepared_writes(csv, opts, generate.copy_store(source, work / "floor.duckdb"))
    samples = []
    for index in range(runs + 1):  # the first run warms the process up, untimed
        db = generate.copy_store(source, work / "floor.duckdb")
        result = store_work(prepared, opts, db)
        total = sum(result["times"].values())
        log(f"  store alone run {index}{' (warm-up)' if not index else ''}: {total:.3f}s")
        if index:
            samples.append(result)
    written = pl.concat([batch.select("creates", "adds_entry") for batch in prepared["batches"]])
    return {
        "runs": runs,
        "parts_s": {part: statistics.median(s["times"][part] for s in samples) for part in PARTS},
        "parts_cpu_s": {part: statistics.median(s["cpu"][part] for s in samples) for part in PARTS},
        "contacts_inserted": int(written.get_column("creates").sum()),
        "entries_inserted": int(written.get_column("adds_entry").sum()),
    }
