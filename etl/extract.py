"""File checks (size, encoding, header) and the lazy Polars scan."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import statistics
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from etl.errors import (
    EmptyFile,
    FileNotFound,
    FileTooLarge,
    InvalidArgument,
    InvalidCsv,
    InvalidEncoding,
    TooManyRows,
)

EXTRA = "__extra"  # sentinel column: non-null when a row has more fields than the header
ROW = "row"
AUTO_DELIMITERS = (",", ";", "\t", "|")
_HEAD_BYTES = 256 * 1024
_HEAD_RECORDS = 100

# Magic numbers of files people rename to .csv by mistake.
_BINARY_MAGIC = {
    b"PK\x03\x04": "an Excel workbook (.xlsx) or another zip archive",
    b"\xd0\xcf\x11\xe0": "an Excel 97-2003 workbook (.xls)",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"SQLite format 3": "an SQLite database",
    b"PAR1": "a Parquet file",
}


@dataclass
class RawTable:
    """A parsed file: cells as strings in columns c0..cN-1, plus what was learned reading it."""

    frame: pl.DataFrame
    headers: list[str]
    header_line: int
    delimiter: str
    encoding: str
    file_sha256: str
    header_cells: list[str] = field(default_factory=list)  # the header record as written
    warnings: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return self.frame.height

    @staticmethod
    def cell(index: int) -> str:
        """Internal name of the column at `index` (headers are never used as identifiers)."""
        return f"c{index}"


def read_file_bytes(path: Path, max_bytes: int) -> tuple[bytes, str]:
    """The file's bytes and SHA-256, after the existence and size checks."""
    if not path.exists():
        raise FileNotFound(f"File not found: {path}", step="extract")
    if not path.is_file() or not os.access(path, os.R_OK):
        raise FileNotFound(f"File is not a readable file: {path}", step="extract")
    size = path.stat().st_size
    if max_bytes and size > max_bytes:
        raise FileTooLarge(
            f"File is {size} bytes, over the limit of {max_bytes} (--max-bytes)", step="extract"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileNotFound(f"File is not readable: {path}: {exc.strerror}", step="extract") from exc
    return data, hashlib.sha256(data).hexdigest()


def _check_not_binary(data: bytes) -> None:
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise InvalidCsv(
                f"This file is {what}, not a CSV file; export it as CSV (File > Save As > CSV)",
                step="extract",
            )


def to_utf8(data: bytes, encoding: str) -> tuple[bytes, str]:
    """The file as UTF-8 bytes without BOM, and the canonical encoding name."""
    try:
        codec = codecs.lookup(encoding).name
    except LookupError as exc:
        raise InvalidArgument(f"Unknown encoding: {encoding!r} (--encoding)") from exc
    if codec == "utf-16" and data[:2] not in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        codec = "utf-16-le"
    try:
        text = data.decode("utf-8-sig" if codec == "utf-8" else codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidEncoding(
            f"Line {line}: bytes that are not valid {codec} (try --encoding cp1252 or latin-1)",
            step="extract",
        ) from exc
    if codec == "utf-8":
        return (data[3:] if data.startswith(codecs.BOM_UTF8) else data), codec
    return text.lstrip("\ufeff").encode("utf-8"), codec


def _is_blank(record: list[str]) -> bool:
    return all(not cell.strip() for cell in record)


def _head_records(head: str, delimiter: str) -> list[tuple[int, int, list[str]]]:
    """(first line, line after, cells) of the first non-blank records of the head text."""
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
    records = []
    start = 1
    try:
        for record in reader:
            if not _is_blank(record):
                records.append((start, reader.line_num + 1, record))
            start = reader.line_num + 1
            if len(records) >= _HEAD_RECORDS:
                break
    except csv.Error:
        pass
    return records


def find_header(records: list[tuple[int, int, list[str]]]) -> int:
    """Index of the header: the first record with at least the median field count of the
    records after it (lines before it, such as LinkedIn's `Notes:` block, are a preamble)."""
    for index, (_, _, cells) in enumerate(records):
        rest = [len(r[2]) for r in records[index + 1 :]]
        if not rest or len(cells) >= statistics.median_low(rest):
            return index
    return 0


def sniff(head: str, delimiter: str) -> tuple[str, list[tuple[int, int, list[str]]], int]:
    """The delimiter (resolving `auto`), the head records and the header's index among them."""
    choices = AUTO_DELIMITERS if delimiter == "auto" else (delimiter,)
    best: tuple[str, list, int] | None = None
    for choice in choices:
        records = _head_records(head, choice)
        if not records:
            continue
        index = find_header(records)
        if best is None or len(records[index][2]) > len(best[1][best[2]][2]):
            best = (choice, records, index)
    if best is None:
        raise EmptyFile("The file is empty: no header row", step="extract")
    return best


def _check_headers(cells: list[str]) -> tuple[list[str], list[str]]:
    headers = [cell.strip() for cell in cells]
    warnings = [
        f"column {i + 1} has an empty header and is ignored" for i, h in enumerate(headers) if not h
    ]
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        if header and header in seen:
            raise InvalidCsv(
                f"Duplicate column name {header!r} (columns {seen[header] + 1} and {index + 1})",
                step="extract",
            )
        seen.setdefault(header, index)
    if not any(headers):
        raise EmptyFile("The header row has no column names", step="extract")
    return headers, warnings


def scan(utf8: bytes, delimiter: str, skip_lines: int, width: int) -> pl.LazyFrame:
    """Lazy scan of the data rows: every column a string, one sentinel column past the header."""
    schema = {RawTable.cell(i): pl.String for i in range(width)} | {EXTRA: pl.String}
    cells = [pl.col(name) for name in schema]
    blank = pl.all_horizontal([c.is_null() | (c.str.strip_chars() == "") for c in cells])
    return (
        pl.scan_csv(
            utf8,
            has_header=False,
            separator=delimiter,
            skip_lines=skip_lines,
            schema=schema,
            infer_schema=False,
            truncate_ragged_lines=True,
            missing_columns="insert",
            extra_columns="ignore",
            raise_if_empty=False,
        )
        .filter(~blank)
        .with_row_index(ROW, offset=1)
        .with_columns(pl.col(ROW).cast(pl.Int64))
    )


def read_table(
    path: Path, *, encoding: str, delimiter: str, max_bytes: int, max_rows: int
) -> RawTable:
    """Check and parse one file (SPEC section 3, step 1)."""
    data, sha = read_file_bytes(path, max_bytes)
    _check_not_binary(data)
    utf8, codec = to_utf8(data, encoding)
    del data
    head = utf8[:_HEAD_BYTES].decode("utf-8", errors="ignore")
    if len(delimiter) != 1 and delimiter != "auto":
        raise InvalidArgument(f"--delimiter must be one character or 'auto', not {delimiter!r}")
    delim, records, index = sniff(head, delimiter)
    header_line, after_header, cells = records[index]
    headers, warnings = _check_headers(cells)
    try:
        frame = scan(utf8, delim, after_header - 1, len(headers)).collect()
    except pl.exceptions.PolarsError as exc:
        raise InvalidCsv(
            f"The file cannot be parsed as CSV: {exc}".splitlines()[0], step="extract"
        ) from exc
    if frame.height == 0:
        raise EmptyFile("The file has a header but no data rows", step="extract")
    if max_rows and frame.height > max_rows:
        raise TooManyRows(
            f"The file has {frame.height} data rows, over the limit of {max_rows} (--max-rows)",
            step="extract",
        )
    return RawTable(frame, headers, header_line, delim, codec, sha, list(cells), warnings)
