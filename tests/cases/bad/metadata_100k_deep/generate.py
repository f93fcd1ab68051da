"""Writes this case's input (binary or huge: generated, not stored)."""

from pathlib import Path


def generate(folder: Path) -> Path:
    path = folder / "input.csv"
    rows = ["5551230001," + "[" * 100_000, "5551230002," + "{" * 60_000]
    path.write_text("phone,metadata\n" + "\n".join(rows) + "\n")
    return path
