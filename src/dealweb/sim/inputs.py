"""Each simulated firm's inputs and where each comes from: the scenario file, a ledger fact, or assumed.

A scenario states what it assumes about a firm (``entities.<id>.cash``...). Where it leaves a figure out,
the ledger's own record is used when it has one (the latest fact known at the scenario's start):

=========  ===============================================  =======================================
input      ledger fact metrics (first found wins)            read as
=========  ===============================================  =======================================
cash       ``cash``, ``cash_and_equivalents``, ``cash_on_hand``  USD at the start
debt       ``debt``, ``total_debt``, ``debt_outstanding``       USD outstanding at the start
capex      ``capex_guidance``, ``capex`` (whole-year periods)   USD per year, the firm's total capex
=========  ===============================================  =======================================

Anything else is 0 and labelled ``assumed``. A capex fact's ``includes`` (the deals whose payments are part
of the figure) says which of the firm's contracts are carved out of it; without it, the contracts of the
kinds in the scenario's ``contracts.capex_kinds`` (default: hardware) are. The metric names are the
ledger format's vocabulary (``docs/ledger-format.md``), not any dataset's: a ledger without such facts
gets the scenario's figures or zeros, never another ledger's numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dealweb import fmt
from dealweb.i18n import Fig, Msg, Place, Verbatim
from dealweb.model import Fact, Ledger
from dealweb.sim.scenario import Param, Scenario

__all__ = ["FACT_METRICS", "FIELDS", "MONEY_FIELDS", "Input", "entity_inputs"]

#: The per-firm inputs of the simulation, in the order of the scenario's ``entities`` keys.
FIELDS = ("cash", "revenue", "growth", "opex_ratio", "capex", "capex_growth", "capacity", "debt", "equity",
          "min_cash")

#: The inputs that are money (USD, a year for flows); the others are rates or shares (pure numbers).
MONEY_FIELDS: frozenset[str] = frozenset({"cash", "revenue", "capex", "capacity", "debt", "min_cash"})

#: Ledger fact metrics read for an input the scenario leaves out (first metric found wins).
FACT_METRICS: dict[str, tuple[str, ...]] = {
    "cash": ("cash", "cash_and_equivalents", "cash_on_hand"),
    "debt": ("debt", "total_debt", "debt_outstanding"),
    "capex": ("capex_guidance", "capex"),
}

_PART_YEAR = re.compile(r"\b(Q[1-4]|H[12])\b|-Q[1-4]\b|\bTTM\b", re.IGNORECASE)


@dataclass(frozen=True)
class Input:
    """One input of one firm: its value (fixed or a distribution) and where it comes from.

    ``name`` is the scenario parameter name whose draw it uses (None: a fixed value from the ledger or a
    default); ``source`` is ``scenario: file:line``, ``ledger: fact <id> (<quote>)`` or ``assumed: ...``.
    """

    param: Param
    source: str
    name: str | None = None
    includes: tuple[str, ...] | None = None  # capex from a fact: the deals its figure includes (fact ``includes``)


def _usd(f: Fact) -> float | None:
    v = f.value
    if v.unit == "USD":
        return v.pick("mid")
    if v.usd_low is not None:
        hi = v.usd_high if v.usd_high is not None else v.usd_low
        return (v.usd_low + hi) / 2.0
    return None


def _fact(ledger: Ledger, eid: str, field: str, start: date) -> tuple[float, Fact] | None:
    for metric in FACT_METRICS.get(field, ()):
        pool = []
        for f in ledger.facts_for(eid, metric):
            value = _usd(f)
            if value is None or (f.as_of is not None and f.as_of > start):
                continue
            if field == "capex" and f.period and _PART_YEAR.search(f.period):
                continue  # a quarter's capex is not the year's figure
            pool.append((value, f))
        if pool:
            return max(pool, key=lambda vf: (vf[1].as_of or date.min, vf[1].period or ""))
    return None


def _quote(f: Fact) -> str:
    c = next((c for c in f.claims if c.flag is None), None)
    if c is None:
        return Msg("sim.src.fact_bare", fact=f.id)
    return Msg("sim.src.fact", fact=f.id, quote=Verbatim(f"{c.document}: {c.quote}"))


def entity_inputs(scenario: Scenario, ledger: Ledger | None, ids: tuple[str, ...] | list[str]
                  ) -> dict[str, dict[str, Input]]:
    """Every input of every firm in ``ids`` that the scenario lists, with its source (see the module doc).

    Firms the scenario does not list follow its ``others`` rule and get no inputs here.
    """
    out: dict[str, dict[str, Input]] = {}
    for eid in ids:
        s = scenario.entities.get(eid)
        if s is None:
            continue
        row: dict[str, Input] = {}
        for field in FIELDS:
            p: Param = getattr(s, field)
            if field in s.given:
                row[field] = Input(p, Msg("sim.src.scenario", where=Place(str(p.where or s.where))),
                                   f"entities.{eid}.{field}")
                continue
            found = _fact(ledger, eid, field, scenario.start) if ledger is not None else None
            if found is not None:
                row[field] = Input(Param.fixed(found[0]), _quote(found[1]),
                                   includes=tuple(getattr(found[1], "includes", ()) or ()) or None)
            else:
                shown = Fig(fmt.money(p.args[0]), "money", p.args[0]) if field in MONEY_FIELDS else f"{p.args[0]:g}"
                said = Msg("sim.src.assumed_debt" if field == "debt" else "sim.src.assumed_input", value=shown)
                row[field] = Input(p, said, f"entities.{eid}.{field}")
        out[eid] = row
    return out
