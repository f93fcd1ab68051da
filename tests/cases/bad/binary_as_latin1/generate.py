"""Writes this case's input (binary or huge: generated, not stored)."""

from pathlib import Path


def generate(folder: Path) -> Path:
    import random

    path = folder / "input.csv"
    path.write_bytes(b"phone,name\n" + random.Random(8).randbytes(4096))
    return path
