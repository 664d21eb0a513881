"""Stress scenarios side by side, and a tornado of the inputs that move one firm's default probability most.

Pure reshaping of :meth:`dealweb.sim.stress.StressResult.summary` dictionaries (the simulation computes
everything; nothing is recomputed here): the CLI (``dealweb metrics scenarios``), the report and the web
app show the same rows. The tornado is the first scenario's sensitivity table (one-at-a-time bumps with
common random numbers, :mod:`dealweb.sim.sensitivity`), read for one firm and sorted by the size of the
change, largest first.

Which scenarios fit a ledger: a scenario names the ledger its firm inputs were written for
(``scenario.ledger``); :func:`fitting_scenarios` keeps the bundled ones written for this ledger, so a
ledger never borrows another web's revenue, cash or capex figures ("not assessed, never borrowed").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["NEEDS", "fitting_scenarios", "side_by_side", "top_firm"]

#: What a ledger needs for scenarios side by side, and how to add it (the not-assessed line).
NEEDS = ("two or more stress scenarios written for this ledger's firms",
         "write a scenario file whose 'scenario: ledger:' names this ledger (docs/scenario-format.md), then "
         "dealweb metrics scenarios base.yaml other.yaml")


def fitting_scenarios(ledger_name: str) -> dict[str, Path]:
    """The bundled scenarios whose firm inputs were written for ``ledger_name`` (name -> file), in order."""
    from dealweb.sim import bundled_scenarios, load_scenario
    from dealweb.sim.stress import ledger_warning

    out = {}
    for name, path in bundled_scenarios(ledger_name).items():
        sc = load_scenario(path)
        if sc.ledger and not ledger_warning(name, sc.ledger, ledger_name):
            out[name] = path
    return out


def top_firm(summary: dict[str, Any]) -> str | None:
    """The firm with the highest default probability in ``summary`` (ties: the first id), else None."""
    ents = [e for e in summary.get("entities", []) if e.get("default_probability", 0) > 0]
    if not ents:
        return None
    return sorted(ents, key=lambda e: (-e["default_probability"], e["id"]))[0]["id"]


def _money(summary: dict[str, Any]) -> str:
    """The money a run counted: ``firm``, ``conditional`` (firm + conditional) or ``rumoured`` (firm + rumours)."""
    include = (summary.get("money") or {}).get("include") or []
    return "conditional" if "conditional" in include else "rumoured" if "rumoured" in include else "firm"


def side_by_side(summaries: dict[str, dict[str, Any]], tornado: str | None = None) -> dict[str, Any]:
    """Scenarios' summaries as one table per firm, and the tornado of ``tornado``'s default probability.

    Args:
        summaries: scenario name -> its stress summary (:meth:`StressResult.summary`), in the order to show.
        tornado: a firm id (``None``: no tornado). The first scenario must have been run with its
            sensitivity table.

    Returns:
        Stable keys: ``scenarios`` (names), ``runs`` and ``seeds`` (per scenario), ``money`` (per scenario: the
        money it counted, ``firm`` or ``conditional``, as ``dealweb stress --include``), ``firms`` (one row per firm:
        ``firm`` and per scenario ``<name>_default_probability``, ``<name>_outside_capital_usd``), and
        ``tornado`` (``None``, or ``{firm, scenario, rows}`` with rows ``{assumption, base, side, bump,
        delta_pp}`` sorted by ``|delta_pp|``, largest first; ``rows`` empty when the sensitivity table does
        not report the firm).
    """
    names = list(summaries)
    per = {n: {e["id"]: e for e in s.get("entities", [])} for n, s in summaries.items()}
    rows = []
    for f in sorted({f for m in per.values() for f in m}):
        row: dict[str, Any] = {"firm": f}
        for n in names:
            e = per[n].get(f)
            row[f"{n}_default_probability"] = None if e is None else e["default_probability"]
            row[f"{n}_outside_capital_usd"] = None if e is None else e["outside_capital_usd_mean"]
        rows.append(row)
    out: dict[str, Any] = {"scenarios": names, "runs": {n: s.get("runs") for n, s in summaries.items()},
                           "seeds": {n: s.get("seed") for n, s in summaries.items()},
                           "money": {n: _money(s) for n, s in summaries.items()}, "firms": rows,
                           "tornado": None}
    if tornado is not None and names:
        sens = summaries[names[0]].get("sensitivity") or {}
        trows: list[dict[str, Any]] = []
        if tornado in sens.get("firms", []):
            for r in sens.get("rows", []):
                for side in ("down", "up"):
                    b = r.get(side)
                    if b is not None:
                        trows.append({"assumption": r["assumption"], "base": r["base"], "side": side,
                                      "bump": b["bump"], "delta_pp": b["delta_pp"][tornado]})
            trows.sort(key=lambda x: -abs(x["delta_pp"]))
        out["tornado"] = {"firm": tornado, "scenario": names[0], "rows": trows}
    return out
