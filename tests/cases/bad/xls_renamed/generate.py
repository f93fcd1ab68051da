"""Writes this case's input (binary or huge: generated, not stored)."""

from pathlib import Path


def generate(folder: Path) -> Path:
    path = folder / "contacts.csv"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    return path
