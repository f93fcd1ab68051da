"""Writes this case's input (binary or huge: generated, not stored)."""

from pathlib import Path


def generate(folder: Path) -> Path:
    path = folder / "input.csv"
    cell = b"x" * 10_000_000
    path.write_bytes(b"phone,name,note\n5551230001,Ann," + cell + b"\n5551230002,Ben,y\n")
    return path
