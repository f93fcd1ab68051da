"""Writes this case's input (binary or huge: generated, not stored)."""

from pathlib import Path


def generate(folder: Path) -> Path:
    import gzip

    path = folder / "contacts.csv"
    path.write_bytes(gzip.compress(b"phone,name\n5551230001,Ann\n", mtime=0))
    return path
