"""Timing in tests by this process's CPU time, the least of a few runs.

Wall time measures the machine's load as much as the code: on a loaded 2-core CI machine it stretches many
times over. CPU time (``time.process_time``: every thread of this process, user and system) does not count
the time other processes run, but still wobbles with caches and frequency; the least of a few runs is the
code's cost without that noise (noise only adds), which is what a test comparing two sizes needs.
"""

from __future__ import annotations

import time
from collections.abc import Callable


def best_cpu_seconds(fn: Callable[[], object], runs: int = 3) -> float:
    """The least CPU time (seconds) of ``runs`` calls of ``fn``."""
    best = float("inf")
    for _ in range(runs):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best
