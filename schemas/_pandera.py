"""Pandera's Polars API, loaded without pandas.

pandera imports pandas whenever it is installed (it is, in the dev venv, for the
benchmark's baseline), although its Polars backend does not need it; that import alone
costs ~0.4 s of every run's start. Hiding pandas while pandera loads and first validates
keeps cron runs fast; a process that imported pandas already is left as it is.
"""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.machinery import ModuleSpec
from types import ModuleType


class _HidePandas(importlib.abc.MetaPathFinder):
    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name.partition(".")[0] == "pandas":
            # the exact message pandera treats as "pandas is not installed"
            raise ModuleNotFoundError(f"No module named '{name}'", name=name)
        return None


@contextmanager
def without_pandas() -> Iterator[None]:
    """Imports of pandas fail inside the block (unless pandas is already loaded)."""
    finder = _HidePandas()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


with without_pandas():
    import pandera.polars as pa  # noqa: E402

__all__ = ["pa", "without_pandas"]
