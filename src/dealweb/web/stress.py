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

__all__ = ["fan_charts", "job_fan", "runner", "scenarios"]

_FAN_KEYS = {"capital_needed_usd": ("capital", "stress.fan.capital_needed"),
             "unmet_gap_usd": ("gap", "stress.fan.unmet_gap")}


def _fan_title(name: str, scenario: str, runs: Any) -> Any:
    """A fan chart's title as a message (a series the catalogues do not name: its name in words)."""
    from dealweb.i18n import Msg

    if name in _FAN_KEYS:
        return Msg(_FAN_KEYS[name][1], scenario=scenario, runs=runs)
    return f"{scenario}: " + name.removesuffix("_usd").replace("_", " ")


def fan_charts(periods: list[str], fans: dict[str, Any], label: Any, lang: str = "en",
               scenario: str | None = None) -> list[dict[str, str]]:
    """``[{name, file, title, svg}]``: every quantile series of a result drawn as the report draws it, in ``lang``.

    Generic over the series a result has (``{name: {p05: [...], ...}}``): a new series is drawn with a
    title made from its name; amounts in ``*_usd`` series are US dollars. ``label`` is the runs label
    (``2,000 runs, seed 20251015``; a :class:`~dealweb.i18n.Msg` is said in ``lang``); ``file`` is the stem of
    the chart's download (``capital``, ``gap``).
    """
    from dealweb.i18n import say
    from dealweb.report.svg import fan_svg

    out = []
    for name, bands in fans.items():
        if not isinstance(bands, dict) or not bands:
            continue
        title = say(_fan_title(name, scenario or "", label), lang) if scenario is not None else (
            f"{say(label, lang)}: " + name.removesuffix("_usd").replace("_", " "))
        unit = "USD" if name.endswith("_usd") else ""
        out.append({"name": name, "file": _FAN_KEYS.get(name, (name.replace("_", "-"),))[0], "title": title,
                    "svg": fan_svg(periods, bands, title, unit or "USD", lang=lang)})
    return out


def job_fan(result: dict[str, Any], file: str) -> Any:
    """The :class:`~dealweb.report.analysis.FanChart` of a finished job's series ``file`` (``capital``, ``gap``)."""
    from dealweb.i18n import Msg
    from dealweb.report.analysis import FanChart

    for name, bands in (result.get("fans") or {}).items():
        if _FAN_KEYS.get(name, (name.replace("_", "-"),))[0] == file and isinstance(bands, dict):
            from dealweb.report.rooms import runs_msg

            summary = result.get("summary")
            runs = runs_msg(summary) if isinstance(summary, dict) and "runs" in summary else Msg(
                "stress.runs", runs=f"{int(result['runs']):,}", seed=result["seed"])
            if "include" in result and not (isinstance(summary, dict) and "money" in summary):
                inc = result["include"]  # the money the run counted, beside the runs and seed
                money = "conditional" if "conditional" in inc else "rumoured" if "rumoured" in inc else "firm"
                runs = Msg("stress.runs_money", runs=runs, money=Msg(f"stress.money.{money}"))
            return FanChart(_fan_title(name, str(result.get("scenario", "")), runs),
                            tuple(result.get("periods") or ()), {k: tuple(v) for k, v in bands.items()})
    return None


def scenarios(ledger: Ledger | None = None) -> list[dict[str, Any]]:
    """``[{name, title, runs, seed, ledger, fits}]`` of the scenarios bundled with :mod:`dealweb.sim`.

    Runs and seed are the scenario's, which are dealweb's one default unless the file sets its own.
    ``ledger`` is the ledger the scenario's firm inputs were written for; ``fits`` says whether it may run on
    ``ledger`` (written for it, or naming no ledger, and naming only firms it holds); ``True`` when no
    ledger is given.
    """
    from dealweb.sim import bundled_scenarios, load_scenario
    from dealweb.sim.stress import ledger_warning

    out = []
    for name, path in bundled_scenarios(ledger.name if ledger is not None else None).items():
        sc = load_scenario(path)
        fits = True
        if ledger is not None:
            fits = ledger_warning(name, sc.ledger, ledger.name) is None and all(
                e in ledger.entities for e in _scenario_firms(sc))
        out.append({"name": name, "title": f"{name}: {sc.description}" if sc.description else name,
                    "runs": sc.runs, "seed": sc.seed, "ledger": sc.ledger, "fits": fits})
    return out


def _scenario_firms(sc: Any) -> list[str]:
    """The entity ids a scenario sets inputs for (empty when the scenario does not say)."""
    firms = getattr(sc, "entities", None) or getattr(sc, "firms", None) or {}
    return [str(k) for k in (firms.keys() if isinstance(firms, dict) else firms)]


def runner(ledger: Ledger, scenario: str, draws: int | None = None, seed: int | None = None,
           sensitivity: bool = True, lang: str = "en", include: tuple[str, ...] = ()
           ) -> Callable[[Callable[[int, int], None]], Any]:
    """A function that runs ``scenario`` ``draws`` times from ``seed``, then its sensitivity table.

    ``None`` for either: the scenario's, the same default as the CLI and the report. ``include``: money
    simulated besides firm money (``conditional``, ``rumoured``), as ``dealweb stress --include``; by default
    firm money only, and every title says which. Progress is reported as
    steps done out of all steps (the runs, then one step per bumped assumption). Tables and chart titles
    are in ``lang`` (firm names in its script, amounts in 億/兆 in Chinese); the summary keeps stable keys.
    """

    def run(progress: Callable[[int, int], None]) -> Any:
        from dealweb.i18n import name_of, say
        from dealweb.report.rooms import fan_bands, runs_msg, stress_tables
        from dealweb.sim import bundled_scenarios, load_scenario, stress

        sc = load_scenario(bundled_scenarios(ledger.name)[scenario])
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
                     sensitivity_progress=bumped, include=include)
        progress(runs + extra, runs + extra)
        r = res.runs
        names = {e.id: name_of(e) for e in ledger.entities.values()}
        summary = res.summary(top=10)
        tables = [{"title": say(t.title, lang), "columns": [say(c, lang) for c in t.columns],
                   "rows": [{say(c, lang): say(row.get(c, ""), lang) for c in t.columns} for row in t.rows],
                   "note": say(t.note, lang)}
                  for t in stress_tables(summary, names)]
        periods = list(res.model.grid.labels())
        fans = {"capital_needed_usd": fan_bands(r.raised + r.unmet), "unmet_gap_usd": fan_bands(r.unmet)}
        return {"scenario": scenario, "runs": runs, "seed": res.seed, "runs_label": summary["runs_label"],
                "include": summary["money"]["include"], "money_label": summary["money_label"], "lang": lang,
                "summary": summary, "tables": tables, "periods": periods, "fans": fans,
                "fan_charts": fan_charts(periods, fans, runs_msg(summary), lang, scenario)}

    return run
