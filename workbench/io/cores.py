"""How many processes a read should use: the cores that other running work leaves free.

Forking a second scanner pays only when a core is idle: on a busy machine two workers share
one core, pay for the pickling between them and finish later than one would (measured on the
shared 2-core machine: pinned to one core, the genome scan was faster under load).
"""
from __future__ import annotations

import os


def idle_cores(loadavg: str | None = None) -> int:
    """Cores available to this process minus the other processes running right now (at least 1).

    ``loadavg`` is the text of /proc/loadavg (read when not given); its fourth field counts the
    runnable processes, this one included.

    >>> import os; cores = len(os.sched_getaffinity(0))
    >>> idle_cores("0.10 0.20 0.30 1/180 4242") == cores   # only this process runs
    True
    >>> idle_cores(f"5.0 5.0 5.0 {cores + 3}/300 4242")      # everything busy: one worker
    1
    """
    cores = len(os.sched_getaffinity(0))
    try:
        if loadavg is None:
            with open("/proc/loadavg") as fh:
                loadavg = fh.read()
        running = int(loadavg.split()[3].split("/")[0])
    except (OSError, IndexError, ValueError):  # not Linux: trust the core count
        return cores
    return max(1, min(cores, cores - (running - 1)))
