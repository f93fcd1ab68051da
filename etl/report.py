"""The report folder of one import: summary.json, rows.parquet, errors.csv (SPEC section 9)."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from etl.columns import ColumnPlan
from etl.extract import RawTable
from etl.normalize import formula_escaped, raw_json
from etl.transform import REPORT_FIELDS, CellFields

ROWS_COLUMNS = ("row", "outcome", "reasons", "contact_id", *REPORT_FIELDS, "variables", "raw")
MAX_ERRORS_LISTED = 50
JOB_FIELDS = ("phone_number", "email", "country", "metadata")  # decided by the job


def report_folder(report_dir: Path, import_id: str) -> Path:
    """`<report-dir>/<import_id>/`, created."""
    folder = report_dir / import_id
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_summary(folder: Path, summary: dict[str, Any]) -> None:
    """summary.json, whole or not at all: written beside it and renamed over it, so a write
    that fails (disk full) never leaves an empty or cut file where a summary stood."""
    part = folder / ".summary.json.part"
    try:
        text = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
        part.write_text(text, encoding="utf-8")
        part.replace(folder / "summary.json")
    finally:
        part.unlink(missing_ok=True)


def rows_frame(decided: pl.DataFrame) -> pl.DataFrame:
    """The report's rows as decided: every input row with its outcome, reasons, contact and
    the fields the job computed (`write_rows` adds the ones taken from the cells)."""
    return decided.select(
        pl.col("row").cast(pl.Int64),
        "outcome",
        "reasons",
        pl.col("contact_id").cast(pl.Int64),
        *JOB_FIELDS,
        "phone_number_cand",
        "email_cand",
    )


def raw_cells(table: RawTable) -> pl.Expr:
    """`raw`: a row's original cells (untrimmed) as a JSON object keyed by header."""
    named = [(header, RawTable.cell(i)) for i, header in enumerate(table.headers) if header]
    return raw_json(named).alias("raw")


class RowsWriter:
    """rows.parquet, written a slice of rows at a time (a row group each): the slice's
    columns as given, `raw` made from the slice's cells as it is written. The JSON of every
    row of a big file never sits in memory at once."""

    def __init__(self, folder: Path, table: RawTable) -> None:
        self.path = folder / "rows.parquet"
        self.table = table
        self._writer: Any = None
        self._sink: Any = None

    def write(self, offset: int, rows: pl.DataFrame) -> None:
        """`rows`: ROWS_COLUMNS but `raw`, for the table's rows from `offset` on."""
        cells = self.table.frame.slice(offset, rows.height)
        raw = cells.select(raw_cells(self.table)).to_series()
        part = rows.select(ROWS_COLUMNS[:-1]).hstack([raw])
        arrow = part.to_arrow(compat_level=pl.CompatLevel.newest())  # no copy
        if self._writer is None:
            # Opened by bytes: pyarrow takes no path that is not UTF-8 as text (a
            # --report-dir named on a Latin-1 system).
            self._sink = pa.OSFile(os.fsencode(self.path), "wb")
            # Without the Arrow schema in the file: readers see plain Parquet strings, not
            # the string views the slices are held in (which older readers do not know).
            self._writer = pq.ParquetWriter(
                self._sink,
                arrow.schema,
                compression="lz4",
                write_statistics=False,
                store_schema=False,
            )
        self._writer.write_table(arrow)

    def close(self) -> None:
        writer, self._writer = self._writer, None
        sink, self._sink = self._sink, None
        try:
            if writer is not None:
                writer.close()
        finally:
            if sink is not None:
                sink.close()


def first_errors(decided: pl.DataFrame, fields: CellFields, key: str) -> list[dict[str, Any]]:
    """SPEC `summary.errors`: the first 50 rejected rows with their raw key cell."""
    rejected = decided.filter(pl.col("outcome") == "rejected").head(MAX_ERRORS_LISTED)
    rows = rejected.get_column("row")
    cells = fields.table.frame.filter(pl.col("row").is_in(rows.implode()))
    key_cells = cells.select("row", fields.key_cell(key).alias("value"))
    listed = rejected.select("row", "reasons").join(key_cells, on="row", maintain_order="left")
    return [
        {"row": row, "reasons": list(reasons), "value": value if value is not None else ""}
        for row, reasons, value in listed.iter_rows()
    ]


def write_errors_csv(folder: Path, table: RawTable, decided: pl.DataFrame) -> None:
    """The rejected rows as in the input, plus an `errors` column; formula cells escaped.
    An `errors` column of the input (an errors.csv fixed and imported again) is left out:
    the new one replaces it, and the file stays importable (no duplicate header)."""
    kept = [i for i, header in enumerate(table.headers) if header != "errors"]
    cells = [RawTable.cell(i) for i in kept]
    rejected = decided.filter(pl.col("outcome") == "rejected").select("row", "reasons")
    body = (
        table.frame.join(rejected, on="row", how="inner")
        .sort("row")
        .select(
            *[formula_escaped(pl.col(c)).alias(c) for c in cells],
            pl.col("reasons").list.join(";").alias("errors"),
        )
    )
    header = io.StringIO()
    csv.writer(header, delimiter=table.delimiter, lineterminator="\n").writerow(
        [*(table.header_cells[i] for i in kept), "errors"]
    )
    with open(folder / "errors.csv", "w", encoding="utf-8", newline="") as out:
        out.write(header.getvalue())
        if body.height:
            out.write(
                body.write_csv(
                    include_header=False, separator=table.delimiter, line_terminator="\n"
                )
            )


def write_parsed_only(folder: Path, table: RawTable) -> None:
    """Reports of a parsed file that failed as a whole: rows without outcome, no rejected rows."""
    rows = table.frame.select(
        pl.col("row").cast(pl.Int64),
        pl.lit(None, dtype=pl.String).alias("outcome"),
        pl.lit([], dtype=pl.List(pl.String)).alias("reasons"),
        pl.lit(None, dtype=pl.Int64).alias("contact_id"),
        *[pl.lit(None, dtype=pl.String).alias(name) for name in JOB_FIELDS],
    )
    fields = CellFields(table, ColumnPlan([]))  # no plan: the cell fields are empty
    writer = RowsWriter(folder, table)
    try:
        for offset, part in fields.slices(rows, ROWS_COLUMNS[:-1]):
            writer.write(offset, part)
    finally:
        writer.close()
    nothing = pl.DataFrame(
        schema={"row": pl.Int64, "outcome": pl.String, "reasons": pl.List(pl.String)}
    )
    write_errors_csv(folder, table, nothing)
