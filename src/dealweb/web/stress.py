"""Stress scenarios for the web app: what :mod:`dealweb.sim` offers, run as background jobs.

The app computes nothing itself: it lists the simulation room's bundled scenarios and runs one with the
room's Monte Carlo front function, passing a progress callback the page polls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dealweb.model import Ledger

__all__ = ["runner", "scenarios"]


def scenarios() -> list[dict[str, Any]]:
    """``[{name, title}]`` of the scenarios bundled with :mod:`dealweb.sim` (empty when it has none)."""
    try:
        from dealweb.sim import bundled_scenarios  # type: ignore[attr-defined]
    except ImportError:
        return []
    return [{"name": name, "title": title} for name, title in bundled_scenarios()]


def runner(ledger: Ledger, scenario: str, draws: int, seed: int) -> Callable[[Callable[[int, int], None]], Any]:
    """A function that runs ``scenario`` ``draws`` times from ``seed`` and reports progress."""

    def run(progress: Callable[[int, int], None]) -> Any:
        from dealweb.sim import run_bundled_scenario  # type: ignore[attr-defined]

        return run_bundled_scenario(ledger, scenario, runs=draws, seed=seed, progress=progress)

    return run
