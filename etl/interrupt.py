"""Ctrl-C, told apart from the failures it causes.

DuckDB answers SIGINT during a query by interrupting the query, which then fails with an
ordinary error ("Query interrupted"); the job would report that as an internal failure of
the file and go on with the next one. The console script's SIGINT handler records the
signal and raises `Interrupted`, so a failure that follows it can be recognised as the
interrupt it is and stop the command. `Interrupted` is not a KeyboardInterrupt: Click
would turn that into a blank line and `Aborted!` with exit 1.
"""

from __future__ import annotations

import signal
from types import FrameType

_requested = False


class Interrupted(BaseException):  # noqa: N818 - named for what happened, like KeyboardInterrupt
    """Ctrl-C: the command stops; an unfinished import's transaction rolls back."""


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    global _requested
    _requested = True
    raise Interrupted


def install() -> None:
    """Record every Ctrl-C from now on (the console script calls this first)."""
    signal.signal(signal.SIGINT, _on_sigint)


def requested() -> bool:
    """Whether Ctrl-C was pressed since `install`."""
    return _requested
