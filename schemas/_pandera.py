"""Pandera's Polars API, loaded without pandas and hypothesis.

pandera imports pandas and hypothesis whenever they are installed (they are, in the dev
venv: pandas for the benchmark's baseline, hypothesis for the property tests), although
validating Polars frames needs neither; those imports alone cost ~0.5 s of every run's
start. Hiding them while pandera loads and first validates keeps cron runs fast; a
process that imported them already is left as it is.
"""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.machinery import ModuleSpec
from types import ModuleType

_HIDDEN = ("pandas", "hypothesis")


class _HideOptional(importlib.abc.MetaPathFinder):
    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name.partition(".")[0] in _HIDDEN:
            # the exact message pandera treats as "not installed"
            raise ModuleNotFoundError(f"No module named '{name}'", name=name)
        return None


@contextmanager
def without_optional_imports() -> Iterator[None]:
    """Imports of pandas and hypothesis fail inside the block (unless already loaded)."""
    finder = _HideOptional()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


with without_optional_imports():
    import pandera.polars as pa  # noqa: E402

__all__ = ["pa", "without_optional_imports"]
