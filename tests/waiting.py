"""Waiting in tests for a condition, never for a fixed time.

A fixed sleep or a fixed number of polls assumes how fast a machine is; on a loaded 2-core CI machine a
thread or a job can take many times longer than on a quiet one. :func:`wait_until` polls until the
condition holds (returning at once when it does, so a quiet machine pays nothing) and gives up only after
a bound far beyond any healthy run, leaving the test's own assertion to fail.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: The longest a test waits for something that takes milliseconds to seconds when healthy (seconds).
WAIT_S = 300.0


def wait_until(condition: Callable[[], object], seconds: float = WAIT_S, every: float = 0.01) -> bool:
    """Poll ``condition`` every ``every`` seconds until it is true or ``seconds`` have passed; its last value."""
    end = time.monotonic() + seconds
    while True:
        if condition():
            return True
        if time.monotonic() > end:
            return bool(condition())
        time.sleep(every)
