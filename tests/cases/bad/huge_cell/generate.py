"""Writes this case's input (binary or huge: generated, not stored)."""

from pathlib import Path


def generate(folder: Path) -> Path:
    path = folder / "input.csv"
    path.write_bytes(b"phone,name,note\n5551230001,Ann," + b"x" * 10_000_000 + b"\n5551230002,Ben,y\n")
    return path
