"""Stress scenarios for the web app: the simulation room's bundled scenarios, run as background jobs.

The app computes nothing itself: it runs :func:`dealweb.sim.stress` with a progress callback the page
polls, and returns the room's own summary plus the quantile bands the report's fan charts draw.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dealweb.model import Ledger

__all__ = ["runner", "scenarios"]


def scenarios() -> list[dict[str, Any]]:
    """``[{name, title}]`` of the scenarios bundled with :mod:`dealweb.sim`."""
    from dealweb.sim import bundled_scenarios, load_scenario

    out = []
    for name, path in bundled_scenarios().items():
        sc = load_scenario(path)
        out.append({"name": name, "title": f"{name}: {sc.description}" if sc.description else name,
                    "runs": sc.runs, "seed": sc.seed})
    return out


def runner(ledger: Ledger, scenario: str, draws: int, seed: int) -> Callable[[Callable[[int, int], None]], Any]:
    """A function that runs ``scenario`` ``draws`` times from ``seed``, reporting runs done out of ``draws``."""

    def run(progress: Callable[[int, int], None]) -> Any:
        from dealweb.report.rooms import fan_bands
        from dealweb.sim import bundled_scenarios, load_scenario, stress

        done = 0
        progress(0, draws)

        def step(n: int) -> None:
            nonlocal done
            done += int(n)
            progress(done, draws)

        res = stress(load_scenario(bundled_scenarios()[scenario]), ledger, runs=draws, seed=seed, progress=step)
        r = res.runs
        return {"scenario": scenario, "runs": draws, "seed": res.seed, "summary": res.summary(top=10),
                "periods": list(res.model.grid.labels()),
                "fans": {"capital_needed_usd": fan_bands(r.raised + r.unmet), "unmet_gap_usd": fan_bands(r.unmet)}}

    return run
