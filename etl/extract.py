"""File checks (size, encoding, header) and the lazy Polars scan."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import stat
import statistics
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from etl.errors import (
    EmptyFile,
    EtlError,
    FileNotFound,
    FileTooLarge,
    InvalidArgument,
    InvalidCsv,
    InvalidEncoding,
    TooManyRows,
)

EXTRA = "__extra"  # sentinel column: non-null when a row has more fields than the header
# To see a non-empty field after empty ones (`a,b,,x`) the scan is retried with 4x the
# sentinel columns, up to this many.
_MAX_SENTINELS = 1024
# Polars reads an empty field and a missing one alike (null): `a,b,` would look like `a,b`.
# When some record has more fields than the header and a line ends with the delimiter, a
# second scan reads the text with this character after each such delimiter, and takes
# `EXTRA` from there.
MARK = "\x02"
RECORD = "__record"  # a record's index among all records after the header, blank ones too
# What Polars raises for a row longer than the schema (the first data row, other rows).
_TOO_MANY_FIELDS = ("column names not specified in schema", "more fields than defined")
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
    b"\x1f\x8b": "a gzip-compressed file (decompress it first)",
    b"{\\rtf": "an RTF document",
}
# Bytes that never appear in text: C0 controls but tab, LF, VT, FF, CR (FileMaker and old
# Mac Excel write VT for a line break inside a cell), and DEL. A text file with a few NUL
# bytes in a cell is still text; a file where they are 5% of the bytes is not.
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32), 127])
_BINARY_SAMPLE = 64 * 1024
_BINARY_MIN_CONTROLS = 32
_BINARY_SHARE = 0.05
_NOT_CSV_HINT = "not a CSV file; export it as CSV (File > Save As > CSV UTF-8)"


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
    try:
        status = path.stat()  # also refused here: a folder on the way not searchable, a name
    except FileNotFoundError as exc:  # too long (ENAMETOOLONG)
        raise FileNotFound(f"File not found: {path}", step="extract") from exc
    except OSError as exc:
        raise FileNotFound(f"File is not readable: {path}: {exc.strerror}", step="extract") from exc
    if not stat.S_ISREG(status.st_mode) or not os.access(path, os.R_OK):
        raise FileNotFound(f"File is not a readable file: {path}", step="extract")
    size = status.st_size
    if max_bytes and size > max_bytes:
        raise FileTooLarge(
            f"File is {size} bytes, over the limit of {max_bytes} (--max-bytes)", step="extract"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileNotFound(f"File is not readable: {path}: {exc.strerror}", step="extract") from exc
    return data, hashlib.sha256(data).hexdigest()


def _control_count(sample: bytes) -> int:
    return len(sample) - len(sample.translate(None, _CONTROL_BYTES))


def _looks_binary(sample: bytes) -> bool:
    controls = _control_count(sample)
    return controls >= _BINARY_MIN_CONTROLS and controls > _BINARY_SHARE * len(sample)


def _check_not_binary(data: bytes, codec: str) -> None:
    """Spreadsheets, archives and other binary files renamed .csv are refused with a hint."""
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise InvalidCsv(f"This file is {what}, {_NOT_CSV_HINT}", step="extract")
    if codec.startswith(("utf-16", "utf-32")):
        return  # NUL bytes are normal there; the decoded text is checked instead
    sample = data[:_BINARY_SAMPLE]
    if codec == "utf-8" and sample[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        raise InvalidEncoding(
            "Line 1: the file is UTF-16 text (it starts with a UTF-16 byte order mark); "
            "use --encoding utf-16",
            step="extract",
        )
    if not _looks_binary(sample):
        return
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) > 0.4 * (len(sample) / 2) and min(even, odd) < 0.05 * (len(sample) / 2):
        raise InvalidEncoding(
            "Line 1: the file looks like UTF-16 text without a byte order mark; "
            "use --encoding utf-16-le (or utf-16-be)",
            step="extract",
        )
    raise InvalidCsv(
        f"This file holds binary data (control bytes in its first {len(sample)} bytes), "
        f"{_NOT_CSV_HINT}",
        step="extract",
    )


def canonical_codec(encoding: str) -> str:
    """The codec name of --encoding; INVALID_ARGUMENT when Python does not know it."""
    try:
        return codecs.lookup(encoding).name
    except LookupError as exc:
        raise InvalidArgument(f"Unknown encoding: {encoding!r} (--encoding)") from exc


def to_utf8(data: bytes, encoding: str) -> tuple[bytes, str, list[str]]:
    """The file as UTF-8 bytes without BOM, the canonical encoding name, and a warning when
    a UTF-8 byte order mark starts a file read in an 8-bit encoding (dropped all the same)."""
    codec = canonical_codec(encoding)
    if codec == "utf-16" and data[:2] not in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        codec = "utf-16-le"
    if codec == "utf-8" and data.isascii():  # ASCII is valid UTF-8; checking is ~20x cheaper
        return data, codec, []
    warnings = []
    if not codec.startswith("utf") and data.startswith(codecs.BOM_UTF8):
        data = data[3:]
        warnings.append(
            f"the file starts with a UTF-8 byte order mark but was read as {codec} "
            "(--encoding); if accented letters look wrong, import it with --encoding utf-8"
        )
    try:
        text = data.decode("utf-8-sig" if codec == "utf-8" else codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidEncoding(
            f"Line {line}: bytes that are not valid {codec} ({_encoding_hint(data, codec)})",
            step="extract",
        ) from exc
    if codec == "utf-8":
        return (data[3:] if data.startswith(codecs.BOM_UTF8) else data), codec, warnings
    utf8 = text.lstrip("\ufeff").encode("utf-8")
    if codec.startswith(("utf-16", "utf-32")) and _looks_binary(utf8[:_BINARY_SAMPLE]):
        raise InvalidCsv(
            f"This file holds binary data (control characters in its first lines), {_NOT_CSV_HINT}",
            step="extract",
        )
    return utf8, codec, warnings


def _encoding_hint(data: bytes, codec: str) -> str:
    if codec != "utf-8":
        return "check --encoding: utf-8, cp1252, latin-1, utf-16, ..."
    if data.startswith(codecs.BOM_UTF8):  # marked as UTF-8: another encoding would garble it
        return "it starts with a UTF-8 byte order mark but mixes in other bytes: re-export as UTF-8"
    return "try --encoding cp1252 or latin-1"


def clean_text(utf8: bytes) -> tuple[bytes, list[str]]:
    """Old Mac line ends (CR only) become LF; NUL bytes are removed (with a warning).

    Polars splits records on LF only, and NUL bytes are never meant as text: they come from
    padded fixed-width exports and would reach the store and the dialer otherwise.
    """
    warnings: list[str] = []
    if b"\r" in utf8[:_HEAD_BYTES] and b"\n" not in utf8:
        utf8 = utf8.replace(b"\r", b"\n")
    nul = utf8.count(b"\x00")
    if nul:
        utf8 = utf8.replace(b"\x00", b"")
        warnings.append(f"{nul} NUL bytes removed from the file's text")
    return utf8, warnings


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


def _width(cells: list[str]) -> int:
    """Field count without trailing empty cells (many exporters end every row with `,`)."""
    width = len(cells)
    while width and not cells[width - 1].strip():
        width -= 1
    return width


def find_header(records: list[tuple[int, int, list[str]]]) -> int:
    """Index of the header: the first record with more than half the median field count of
    the records after it (lines before it, such as LinkedIn's `Notes:` block, are a preamble).

    Half, not all: rows with an unquoted comma (one field too many) must not make the real
    header look like a preamble; a preamble line has one or two fields against a wide header.
    """
    for index, (_, _, cells) in enumerate(records):
        rest = [_width(r[2]) for r in records[index + 1 :]]
        if not rest or 2 * _width(cells) > statistics.median_low(rest):
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


def _check_headers(cells: list[str], line: int) -> tuple[list[str], list[str]]:
    headers = [cell.strip() for cell in cells]
    broken = next((h for h in headers if "\n" in h or "\r" in h), None)
    if broken is not None:
        raise InvalidCsv(
            f"Line {line}: the header row has a quoted name that is not closed "
            f"(it starts with {_preview(broken)}); check the quotes in the header",
            step="extract",
        )
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


def _extras(sentinels: int) -> list[str]:
    return [f"{EXTRA}{i}" if i else EXTRA for i in range(sentinels)]


def _first_extra(extras: list[str]) -> pl.Expr:
    """`EXTRA`: the first non-empty of the sentinel columns (none when there are none)."""
    return (pl.coalesce(extras) if extras else pl.lit(None, dtype=pl.String)).alias(EXTRA)


def _records(
    utf8: bytes, delimiter: str, skip_lines: int, width: int, sentinels: int
) -> pl.LazyFrame:
    """Every record after `skip_lines`, numbered (`RECORD`, from 0, blank ones too): the
    cells as strings, then `sentinels` columns past the header. A record with more fields
    than that fails the scan, unless `sentinels` is the maximum: then fields past them are
    ignored."""
    schema = {RawTable.cell(i): pl.String for i in range(width)}
    last_try = sentinels >= _MAX_SENTINELS
    return pl.scan_csv(
        utf8,
        has_header=False,
        separator=delimiter,
        skip_lines=skip_lines,
        schema=schema | dict.fromkeys(_extras(sentinels), pl.String),
        infer_schema=False,
        truncate_ragged_lines=last_try,
        missing_columns="insert",
        extra_columns="ignore" if last_try else "raise",
        raise_if_empty=False,
    ).with_row_index(RECORD)


def scan(
    utf8: bytes, delimiter: str, skip_lines: int, width: int, sentinels: int = 1
) -> pl.LazyFrame:
    """Lazy scan of the data rows (records with a non-blank field), numbered (`ROW`, from
    1): the cells, and the sentinel columns folded into one, `EXTRA`: the row's first
    non-empty extra field."""
    extras = _extras(sentinels)
    cells = [pl.col(RawTable.cell(i)) for i in range(width)] + [pl.col(e) for e in extras]
    blank = pl.all_horizontal([c.is_null() | (c.str.strip_chars() == "") for c in cells])
    return (
        _records(utf8, delimiter, skip_lines, width, sentinels)
        .filter(~blank)
        .with_row_index(ROW, offset=1)
        .with_columns(pl.col(ROW).cast(pl.Int64), _first_extra(extras))
        .drop(extras[1:])
    )


def _collect_rows(
    utf8: bytes, delimiter: str, skip_lines: int, width: int, max_rows: int
) -> pl.DataFrame:
    """The data rows (one past `max_rows` at most: enough to refuse the file). `EXTRA`
    is set on every row with more fields than the header, empty ones too: when a line
    ends with the delimiter, from the sentinel columns of the `marked` text's records.
    A file without such rows (most) is scanned once."""
    frame, sentinels = _collect_sentinels(utf8, delimiter, skip_lines, width, max_rows)
    marked = _marked(utf8, delimiter) if sentinels else None
    if marked is not None and frame.height:
        records = frame.get_column(RECORD)
        extras = _records(marked, delimiter, skip_lines, width, sentinels).select(
            _first_extra(_extras(sentinels))
        )
        extra = extras.head(int(records.max()) + 1).collect().to_series()  # type: ignore[arg-type]
        frame = frame.with_columns(extra.gather(records))
    return frame.drop(RECORD)


def _marked(utf8: bytes, delimiter: str) -> bytes | None:
    """The text with `MARK` after every delimiter that ends a line (an empty last field
    becomes a non-empty one); None when no line ends with the delimiter."""
    end = delimiter.encode("utf-8")
    mark = MARK.encode("ascii")
    marked = utf8
    for line_end in (b"\n", b"\r\n") if b"\r" in utf8 else (b"\n",):
        if end + line_end in marked:
            # (not split and join: 30% faster, but it holds the text twice more at once)
            marked = marked.replace(end + line_end, end + mark + line_end)
    if marked.endswith(end) or marked.endswith(end + b"\r"):
        marked = marked.rstrip(b"\r") + mark
    return marked if marked is not utf8 else None


# Pushing the blank-row filter into the CSV reader grows with the square of the column
# count: a 300-column export took 0.9 s more, a 1,024-sentinel retry 12 s (0.03 and
# 0.05 s without); at 5M rows of 8 columns it saves ~0.2 s of ~2 s.
_NO_PUSHDOWN = pl.QueryOptFlags(predicate_pushdown=False)


def _collect_sentinels(
    utf8: bytes, delimiter: str, skip_lines: int, width: int, max_rows: int
) -> tuple[pl.DataFrame, int]:
    """The scanned rows, with as many sentinel columns as the longest row needs (and
    that number): none when no row has more fields than the header (Polars refuses even
    an empty extra field then)."""
    sentinels = 0
    while True:
        lazy = scan(utf8, delimiter, skip_lines, width, sentinels)
        try:
            rows = (lazy.head(max_rows + 1) if max_rows else lazy).collect(
                optimizations=_NO_PUSHDOWN
            )
            return rows, sentinels
        except (pl.exceptions.ComputeError, pl.exceptions.SchemaError) as exc:
            if not any(message in str(exc) for message in _TOO_MANY_FIELDS):
                raise
            sentinels = min(max(sentinels * 4, 1), _MAX_SENTINELS)


def _preview(text: str, size: int = 30) -> str:
    first = text.splitlines()[0] if text.splitlines() else text
    return repr(first[:size] + ("..." if len(first) > size or len(text) > len(first) else ""))


_UNPARSED = re.compile(r"could not parse `(.*?)` as dtype", re.DOTALL)


def _parse_error(exc: pl.exceptions.PolarsError, utf8: bytes, data_start: int) -> InvalidCsv:
    """A clear message for what Polars could not parse: in practice a broken quoted field."""
    match = _UNPARSED.search(str(exc))
    if match:
        snippet = match.group(1)[:60]
        at = utf8.find(snippet.encode("utf-8"), data_start)
        line = utf8.count(b"\n", 0, at) + 1
        where = f"Line {line}: " if at >= 0 else ""
        return InvalidCsv(
            f"{where}a quoted field is not closed properly (it starts with {_preview(snippet)}); "
            "check the quotes in that row, or export the file again",
            step="extract",
        )
    return InvalidCsv(
        f"The file cannot be parsed as CSV: {str(exc).splitlines()[0]}", step="extract"
    )


def _line_offset(utf8: bytes, lines: int) -> int:
    """Byte offset of the start of line `lines + 1`."""
    at = 0
    for _ in range(lines):
        nxt = utf8.find(b"\n", at)
        if nxt < 0:
            return len(utf8)
        at = nxt + 1
    return at


def read_table(
    path: Path, *, encoding: str, delimiter: str, max_bytes: int, max_rows: int
) -> RawTable:
    """Check and parse one file (SPEC section 3, step 1)."""
    if len(delimiter) != 1 and delimiter != "auto":
        raise InvalidArgument(f"--delimiter must be one character or 'auto', not {delimiter!r}")
    if delimiter in ('"', "\n", "\r"):
        raise InvalidArgument(f"--delimiter cannot be {delimiter!r}")
    codec = canonical_codec(encoding)
    data, sha = read_file_bytes(path, max_bytes)
    try:
        _check_not_binary(data, codec)
        utf8, codec, marked = to_utf8(data, encoding)
        del data
        utf8, warnings = clean_text(utf8)
        return _parse_text(utf8, marked + warnings, sha, codec, delimiter, max_rows)
    except EtlError as exc:  # a file that was read is named by its hash in the summary
        exc.file_sha256 = sha
        raise


def _parse_text(
    utf8: bytes, warnings: list[str], sha: str, codec: str, delimiter: str, max_rows: int
) -> RawTable:
    """The header and rows of the file's text (UTF-8, cleaned)."""
    head = utf8[:_HEAD_BYTES].decode("utf-8", errors="ignore")
    delim, records, index = sniff(head, delimiter)
    header_line, after_header, cells = records[index]
    headers, header_warnings = _check_headers(cells, header_line)
    try:
        frame = _collect_rows(utf8, delim, after_header - 1, len(headers), max_rows)
    except pl.exceptions.PolarsError as exc:
        raise _parse_error(exc, utf8, _line_offset(utf8, after_header - 1)) from exc
    if frame.height == 0:
        raise EmptyFile("The file has a header but no data rows", step="extract")
    if max_rows and frame.height > max_rows:
        raise TooManyRows(
            f"The file has more than {max_rows} data rows (--max-rows {max_rows}; "
            "0 means no limit)",
            step="extract",
        )
    warnings += _trailing_delimiter_warnings(frame, delim)
    return RawTable(
        frame, headers, header_line, delim, codec, sha, list(cells), header_warnings + warnings
    )


def _trailing_delimiter_warnings(frame: pl.DataFrame, delimiter: str) -> list[str]:
    """A hint for rows that are malformed only by empty fields past the header's last
    column: an exporter that ends every line with a delimiter but the header's."""
    count = int((frame.get_column(EXTRA) == MARK).sum())
    if not count:
        return []
    shown = "tab" if delimiter == "\t" else repr(delimiter)
    return [
        f"{count} {'row ends' if count == 1 else 'rows end'} with more delimiters than the "
        f"header has (empty fields past its last column), rejected as malformed_row; if the "
        f"export ends every line with {shown}, end the header line with one too"
    ]
