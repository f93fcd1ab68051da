"""`python -m tests.bench.launch OUT COMMAND...`: run COMMAND (its stdout and stderr passed
through) and write `{"wall_s", "peak_rss_bytes", "returncode"}` of it to the file OUT.

The bench times its child processes through this small launcher because Linux records a
child's peak RSS (`ru_maxrss`) as at least the RSS of the process it was forked from: a
child of the bench itself, which holds generated data, would report the bench's memory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    out, command = argv[0], argv[1:]
    clock = time.perf_counter()
    child = subprocess.Popen(command)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - clock
    returncode = os.waitstatus_to_exitcode(status)
    with open(out, "w", encoding="utf-8") as file:
        json.dump(
            # ru_maxrss is in KiB on Linux
            {"wall_s": wall, "peak_rss_bytes": usage.ru_maxrss * 1024, "returncode": returncode},
            file,
        )
    return returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
