"""Writes this case's input (binary or huge: generated, not stored)."""

from pathlib import Path


def generate(folder: Path) -> Path:
    import random

    path = folder / "input.csv"
    path.write_bytes(random.Random(7).randbytes(4096))
    return path
