"""Stress scenarios for the web app: the simulation room's bundled scenarios, run as background jobs.

The app computes nothing itself: it runs :func:`dealweb.sim.stress` (with its sensitivity table) with a
progress callback the page polls, and returns the room's own summary, the same tables as the report
(:func:`dealweb.report.rooms.stress_tables`: who fails, what moves it, capital groups, capex, contracts as
simulated) and the quantile bands the report's fan charts draw.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dealweb.model import Ledger

__all__ = ["fan_charts", "runner", "scenarios"]

_FAN_TITLES = {"capital_needed_usd": "outside capital needed per quarter",
               "unmet_gap_usd": "funding gap left unmet per quarter"}


def fan_charts(periods: list[str], fans: dict[str, Any], label: str) -> list[dict[str, str]]:
    """``[{name, title, svg}]``: every quantile series of a result drawn as the report draws it.

    Generic over the series a result has (``{name: {p05: [...], ...}}``): a new series is drawn with a
    title made from its name; amounts in ``*_usd`` series are US dollars.
    """
    from dealweb.report.svg import fan_svg

    out = []
    for name, bands in fans.items():
        if not isinstance(bands, dict) or not bands:
            continue
        title = f"{label}: " + _FAN_TITLES.get(name, name.removesuffix("_usd").replace("_", " "))
        unit = "USD" if name.endswith("_usd") else ""
        out.append({"name": name, "title": title, "svg": fan_svg(periods, bands, title, unit or "USD")})
    return out


def scenarios() -> list[dict[str, Any]]:
    """``[{name, title, runs, seed}]`` of the scenarios bundled with :mod:`dealweb.sim`.

    Runs and seed are the scenario's, which are dealweb's one default unless the file sets its own.
    """
    from dealweb.sim import bundled_scenarios, load_scenario

    out = []
    for name, path in bundled_scenarios().items():
        sc = load_scenario(path)
        out.append({"name": name, "title": f"{name}: {sc.description}" if sc.description else name,
                    "runs": sc.runs, "seed": sc.seed})
    return out


def runner(ledger: Ledger, scenario: str, draws: int | None = None, seed: int | None = None,
           sensitivity: bool = True) -> Callable[[Callable[[int, int], None]], Any]:
    """A function that runs ``scenario`` ``draws`` times from ``seed``, then its sensitivity table.

    ``None`` for either: the scenario's, the same default as the CLI and the report. Progress is reported as
    steps done out of all steps (the runs, then one step per bumped assumption).
    """

    def run(progress: Callable[[int, int], None]) -> Any:
        from dealweb.report.rooms import fan_bands, stress_tables
        from dealweb.sim import bundled_scenarios, load_scenario, stress

        sc = load_scenario(bundled_scenarios()[scenario])
        runs = sc.runs if draws is None else draws
        done = 0
        extra = 0
        progress(0, runs)

        def step(n: int) -> None:
            nonlocal done
            done += int(n)
            progress(done, runs + extra)

        def bumped(k: int, total: int) -> None:
            nonlocal extra
            extra = total
            progress(runs + k, runs + total)

        res = stress(sc, ledger, runs=runs, seed=seed, progress=step, sensitivity=sensitivity,
                     sensitivity_progress=bumped)
        progress(runs + extra, runs + extra)
        r = res.runs
        names = {e.id: e.name for e in ledger.entities.values()}
        summary = res.summary(top=10)
        tables = [{"title": t.title, "columns": list(t.columns), "rows": list(t.rows), "note": t.note}
                  for t in stress_tables(summary, names)]
        periods = list(res.model.grid.labels())
        fans = {"capital_needed_usd": fan_bands(r.raised + r.unmet), "unmet_gap_usd": fan_bands(r.unmet)}
        return {"scenario": scenario, "runs": runs, "seed": res.seed, "runs_label": summary["runs_label"],
                "summary": summary, "tables": tables, "periods": periods, "fans": fans,
                "fan_charts": fan_charts(periods, fans, f"{scenario} ({summary['runs_label']})")}

    return run
