"""File-level errors: each carries the SPEC error code and the sysexits exit code."""

import os


def first_line(exc: BaseException) -> str:
    """The first line of an exception's text: errors are one line on stderr (DuckDB adds
    hints on more lines, 'Did you mean ...?')."""
    return (str(exc).strip().splitlines() or [""])[0]


def printable(text: str) -> str:
    """`text` (a path, or a message naming one) as UTF-8 can hold it: the bytes of a file name
    that are not UTF-8 (a file named on a Latin-1 or Windows system), which Python keeps as
    lone surrogates that no UTF-8 file, JSON or DuckDB string takes, as `\\xNN`."""
    return os.fsencode(text).decode("utf-8", "backslashreplace")


class EtlError(Exception):
    """A file-level failure; rejected rows are never exceptions."""

    code = "IMPORT_FAILED"
    exit_code = 70

    def __init__(self, message: str, step: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.step = step
        self.file_sha256: str | None = None  # set once the file's bytes were read


class FileNotFound(EtlError):
    """The input file is missing or unreadable."""

    code, exit_code = "FILE_NOT_FOUND", 66


class FileTooLarge(EtlError):
    """The file is larger than --max-bytes."""

    code, exit_code = "FILE_TOO_LARGE", 65


class EmptyFile(EtlError):
    """No header or no data row."""

    code, exit_code = "EMPTY_FILE", 65


class TooManyRows(EtlError):
    """More data rows than --max-rows."""

    code, exit_code = "TOO_MANY_ROWS", 65


class InvalidEncoding(EtlError):
    """Bytes that do not decode in --encoding."""

    code, exit_code = "INVALID_ENCODING", 65


class InvalidCsv(EtlError):
    """The file is not a CSV we can read (duplicate headers, bad quoting, binary)."""

    code, exit_code = "INVALID_CSV", 65


class NoKeyColumn(EtlError):
    """No column resolves to the key field."""

    code, exit_code = "NO_KEY_COLUMN", 65


class InvalidArgument(EtlError):
    """A bad --mapping or --import-id."""

    code, exit_code = "INVALID_ARGUMENT", 65


class CampaignNotFound(EtlError):
    """The --campaign id does not exist."""

    code, exit_code = "CAMPAIGN_NOT_FOUND", 67


class StoreBusy(EtlError):
    """Another process holds the store past --lock-timeout."""

    code, exit_code = "STORE_BUSY", 75


class ImportFailed(EtlError):
    """An internal failure; the transaction was rolled back."""

    code, exit_code = "IMPORT_FAILED", 70


class NotFound(EtlError):
    """A record asked for by id (import, campaign) does not exist."""

    code, exit_code = "NOT_FOUND", 66
