"""Writes this case's input (binary or huge: generated, not stored)."""

from pathlib import Path


def generate(folder: Path) -> Path:
    path = folder / "input.csv"
    big = '"{""k"":""' + "v" * 70_000 + '""}"'
    path.write_text(f'phone,metadata\n5551230001,{big}\n5551230002,"{{""a"":1}}"\n')
    return path
