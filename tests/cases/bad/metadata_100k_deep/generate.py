"""Writes this case's input (binary or huge: generated, not stored)."""

from pathlib import Path


def generate(folder: Path) -> Path:
    path = folder / "input.csv"
    path.write_text("phone,metadata\n5551230001," + "[" * 100_000 + "\n5551230002," + "{" * 60_000 + "\n")
    return path
