"""Ctrl-C and SIGTERM, told apart from the failures they cause.

DuckDB answers SIGINT during a query by interrupting the query, which then fails with an
ordinary error ("Query interrupted"); the job would report that as an internal failure of
the file and go on with the next one. The console script's handler records the signal and
raises `Interrupted`, so a failure that follows it can be recognised as the interrupt it
is and stop the command. SIGTERM (what `timeout`, cron daemons and systemd send to stop a
job) is handled the same way: its default action killed the process on the spot, with no
line on stderr, no import record and no summary.json. `Interrupted` is not a
KeyboardInterrupt: Click would turn that into a blank line and `Aborted!` with exit 1.
"""

from __future__ import annotations

import signal
from types import FrameType

_received: int | None = None


class Interrupted(BaseException):  # noqa: N818 - named for what happened, like KeyboardInterrupt
    """Ctrl-C or SIGTERM: the command stops; an unfinished import's transaction rolls back."""


def _on_signal(signum: int, frame: FrameType | None) -> None:
    global _received
    if _received is None:
        _received = signum
    raise Interrupted


def install() -> None:
    """Record every Ctrl-C and SIGTERM from now on (the console script calls this first).
    A signal the process was started ignoring stays ignored: `nohup`, and `cmd &` in a
    script, whose Ctrl-C at the terminal is meant for the script's foreground command."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _on_signal)


def requested() -> bool:
    """Whether Ctrl-C or SIGTERM came since `install`."""
    return _received is not None


def exit_code() -> int:
    """128 + the signal, as shells report it: 130 for Ctrl-C, 143 for SIGTERM."""
    return 128 + (_received or signal.SIGINT)


def what() -> str:
    """How the first signal is named in messages: 'Ctrl-C' or 'SIGTERM'."""
    return "SIGTERM" if _received == signal.SIGTERM else "Ctrl-C"
