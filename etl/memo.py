"""The per-value oracles' answers within one run: each distinct question asked once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


class OracleMemo:
    """Answers of `phonenumbers` / `email-validator` calls (the fast paths' fallbacks), kept
    for one command: content detection's sample, every slice of a file and every file of
    the run share them, so no value is computed twice. Keyed by the oracle function and
    its arguments."""

    def __init__(self) -> None:
        self._answers: dict[tuple[Any, ...], Any] = {}

    def answers(
        self, oracle: Callable[..., Any], questions: Iterable[tuple[Any, ...]]
    ) -> list[Any]:
        """`oracle(*question)` for each question, computing only the ones not asked before."""
        found = []
        for question in questions:
            key = (oracle, *question)
            if key not in self._answers:
                self._answers[key] = oracle(*question)
            found.append(self._answers[key])
        return found
