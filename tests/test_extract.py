"""Unit tests of the file checks and the scan in etl/extract.py (no store, no CLI)."""

from __future__ import annotations

import codecs
import csv
import io
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl import extract
from etl.errors import (
    EmptyFile,
    InvalidArgument,
    InvalidCsv,
    InvalidEncoding,
    TooManyRows,
)


def read(tmp_path: Path, data: bytes, **kwargs: object) -> extract.RawTable:
    path = tmp_path / "input.csv"
    path.write_bytes(data)
    options: dict = {"encoding": "utf-8", "delimiter": ",", "max_bytes": 0, "max_rows": 0}
    options.update(kwargs)
    return extract.read_table(path, **options)


def cells(table: extract.RawTable) -> list[list[str | None]]:
    names = [extract.RawTable.cell(i) for i in range(len(table.headers))]
    return [list(row) for row in table.frame.select(names).iter_rows()]


def test_a_few_nul_bytes_are_text_many_are_binary() -> None:
    text = b"phone,name\n5551230001,An\x00n\n" * 50
    assert not extract._looks_binary(text)
    assert extract._looks_binary(random.Random(1).randbytes(2048))
    assert extract._looks_binary(b"\x00" * 40)
    assert not extract._looks_binary(b"\x00" * 31)  # too few to call it binary
    assert not extract._looks_binary(b'a,"line\x0bbreak"\n' * 100)  # VT: a cell's line break


def test_clean_text_turns_cr_into_lf_only_when_there_is_no_lf() -> None:
    assert extract.clean_text(b"a\rb\r") == (b"a\nb\n", [])
    assert extract.clean_text(b'a\r\n"b\rc"\r\n') == (b'a\r\n"b\rc"\r\n', [])
    assert extract.clean_text(b"a\x00b\x00\n") == (
        b"ab\n",
        ["2 NUL bytes removed from the file's text"],
    )


def test_trailing_empty_fields_do_not_make_the_header_a_preamble() -> None:
    records = [(1, 2, ["phone", "name"]), (2, 3, ["1", "a", ""]), (3, 4, ["2", "b", ""])]
    assert extract.find_header(records) == 0
    preamble = [(1, 2, ["Notes:"]), (2, 3, ["phone", "name"]), (3, 4, ["1", "a"])]
    assert extract.find_header(preamble) == 1
    # rows with one field too many (an unquoted comma) do not make the header a preamble
    malformed = [(1, 2, ["phone", "name"]), (2, 3, ["1", "a", "b"]), (3, 4, ["2", "c", "d"])]
    assert extract.find_header(malformed) == 0


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        ("utf-8", codecs.BOM_UTF8 + "phone,name\n1,Zoë\n".encode()),
        ("utf-16", "phone,name\n1,Zoë\n".encode("utf-16")),
        ("utf-16", codecs.BOM_UTF16_BE + "phone,name\n1,Zoë\n".encode("utf-16-be")),
        ("utf-16", "phone,name\n1,Zoë\n".encode("utf-16-le")),  # no BOM: little endian
        ("cp1252", "phone,name\n1,Zoë\n".encode("cp1252")),
        ("latin-1", "phone,name\n1,Zoë\n".encode("latin-1")),
    ],
)
def test_encodings_decode_to_the_same_cells(tmp_path: Path, encoding: str, data: bytes) -> None:
    table = read(tmp_path, data, encoding=encoding)
    assert table.headers == ["phone", "name"]
    assert cells(table) == [["1", "Zoë"]]


def test_invalid_bytes_name_the_line(tmp_path: Path) -> None:
    with pytest.raises(InvalidEncoding, match=r"^Line 3: bytes that are not valid utf-8"):
        read(tmp_path, b"phone\n1\n\xff\n")


def test_unknown_encoding_and_bad_delimiter_are_arguments(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match="Unknown encoding"):
        read(tmp_path, b"phone\n1\n", encoding="nope")
    with pytest.raises(InvalidArgument, match="--delimiter cannot be"):
        read(tmp_path, b"phone\n1\n", delimiter='"')


def test_unterminated_quote_names_the_line(tmp_path: Path) -> None:
    data = b'phone,name\n1,a\n2,b\n3,"c\n4,d\n'
    with pytest.raises(InvalidCsv, match=r"^Line 4: a quoted field is not closed properly"):
        read(tmp_path, data)


def test_max_rows_counts_data_rows_only(tmp_path: Path) -> None:
    data = b"\nphone\n\n1\n,\n2\n\n3\n"
    assert read(tmp_path, data, max_rows=3).total_rows == 3
    with pytest.raises(TooManyRows, match="more than 2 data rows"):
        read(tmp_path, data, max_rows=2)


def test_all_empty_records_are_not_rows(tmp_path: Path) -> None:
    table = read(tmp_path, b"phone,name\n1,a\n,\n \t, \n2,b\n")
    assert cells(table) == [["1", "a"], ["2", "b"]]
    assert table.frame.get_column("row").to_list() == [1, 2]
    with pytest.raises(EmptyFile):
        read(tmp_path, b"phone,name\n,\n\n")


def test_more_fields_set_the_sentinel_fewer_are_empty(tmp_path: Path) -> None:
    table = read(tmp_path, b"a,b,c\n1,2,3,4\n1\n1,2,3,\n1,2,\n")
    extra = table.frame.get_column(extract.EXTRA).to_list()
    assert extra == ["4", None, extract.MARK, None]  # `1,2,3,` has an empty 4th field
    assert cells(table)[1] == ["1", None, None]
    assert cells(table)[2:] == [["1", "2", "3"], ["1", "2", None]]


def test_a_field_after_empty_extra_fields_sets_the_sentinel(tmp_path: Path) -> None:
    many = b"," * 30 + b"x"
    data = b"a,b\n1,2,,x\n3,4,,\n5,6" + many + b'\n7,"8,,",\n9\n'
    table = read(tmp_path, data)
    mark = extract.MARK
    assert table.frame.get_column(extract.EXTRA).to_list() == ["x", mark, "x", mark, None]
    assert cells(table) == [["1", "2"], ["3", "4"], ["5", "6"], ["7", "8,,"], ["9", None]]


@pytest.mark.parametrize(
    "data",
    [
        b"a,b\r\n1,2,\r\n3,4\r\n5,6,",  # CRLF, the last line without a line end
        b"a,b\n1,2,\n3,4\n5,6,\r\n",
        b'a,b\n"1",2,\n3,"4"\n5,"6",,\n',
    ],
)
def test_empty_fields_past_the_header_set_the_sentinel(tmp_path: Path, data: bytes) -> None:
    table = read(tmp_path, data)
    assert table.frame.get_column(extract.EXTRA).to_list() == [extract.MARK, None, extract.MARK]
    assert cells(table) == [["1", "2"], ["3", "4"], ["5", "6"]]


def test_the_mark_changes_no_cell_nor_which_rows_are_blank(tmp_path: Path) -> None:
    # a quoted cell holding a delimiter at a line end; rows of empty fields, some past the
    # header, stay blank (ignored)
    data = b'a,b\n"x,\ny,\n",z\n,,\n,\n1,2,\n,,,\n3,4\n'
    table = read(tmp_path, data)
    assert cells(table) == [["x,\ny,\n", "z"], ["1", "2"], ["3", "4"]]
    assert table.frame.get_column(extract.EXTRA).to_list() == [None, extract.MARK, None]
    assert table.frame.get_column("row").to_list() == [1, 2, 3]


def test_fields_past_the_sentinel_limit_are_ignored(tmp_path: Path) -> None:
    far = b"," * (extract._MAX_SENTINELS + 5) + b"x"
    table = read(tmp_path, b"a,b\n1,2" + far + b"\n3,4,,y\n5,6\n7,8\n")
    assert table.frame.get_column(extract.EXTRA).to_list() == [None, "y", None, None]


def test_crlf_never_leaks_into_the_last_column(tmp_path: Path) -> None:
    table = read(tmp_path, b'a,b\r\n1,x\r\n2,"y\r\nz"\r\n3,\r\n')
    assert cells(table) == [["1", "x"], ["2", "y\r\nz"], ["3", None]]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_auto_delimiter(tmp_path: Path, delimiter: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerows([["phone", "name", "city"], ["1", "Ann, Lee", "Rome; IT"]])
    text = buffer.getvalue()
    table = read(tmp_path, text.encode(), delimiter="auto")
    assert table.delimiter == delimiter
    assert cells(table) == [["1", "Ann, Lee", "Rome; IT"]]


# No NUL (removed on purpose), no lone CR (a file without LF is read as CR-only line ends),
# no \x1c-\x1f (Python's str.strip calls them whitespace, Polars does not).
cell_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",), blacklist_characters="\x00\r\x1c\x1d\x1e\x1f"
    ),
    max_size=12,
)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(cell_text, min_size=3, max_size=3), min_size=1, max_size=8))
def test_csv_written_by_python_reads_back_cell_for_cell(rows: list[list[str]]) -> None:
    """Whatever the csv module writes (quotes, commas, line breaks), the scan reads back."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["h1", "h2", "h3"])
    writer.writerows(rows)
    kept = [r for r in rows if any(c.strip() for c in r)]  # all-empty records are not rows
    utf8 = buffer.getvalue().encode()
    if not kept:
        return
    frame = extract.scan(utf8, ",", 1, 3).collect()
    got = [[c or "" for c in row] for row in frame.select("c0", "c1", "c2").iter_rows()]
    assert got == kept


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(cell_text, min_size=1, max_size=6), min_size=1, max_size=8),
    st.sampled_from(["\n", "\r\n"]),
)
def test_more_fields_than_the_header_agrees_with_the_csv_module(
    rows: list[list[str]], line_end: str
) -> None:
    """Rows of 1-6 fields (empty ones too, quoted or not) under a 3-column header: `EXTRA`
    is set exactly on the rows the csv module reads with more than 3 fields."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=line_end)
    writer.writerow(["h1", "h2", "h3"])
    writer.writerows(rows)
    kept = [r for r in rows if any(c.strip() for c in r)]  # all-empty records are not rows
    if not kept:
        return
    frame = extract._collect_rows(buffer.getvalue().encode(), ",", 1, 3, 0)
    more = frame.get_column(extract.EXTRA).is_not_null().to_list()
    assert more == [len(r) > 3 for r in kept]
    got = [[c or "" for c in row] for row in frame.select("c0", "c1", "c2").iter_rows()]
    assert got == [(r + ["", ""])[:3] for r in kept]
