"""The stress test front door: a scenario and a ledger in, probabilities, shortfalls and drivers out.

>>> # from dealweb.sim import load_scenario, stress
>>> # result = stress(load_scenario("capital-drought.yaml"), ledger, runs=1000, seed=7)
>>> # result.summary()["entities"][0]["default_probability"]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from dealweb.model import Ledger
from dealweb.sim.engines import run_model
from dealweb.sim.montecarlo import ChunkResult, Model, build_model
from dealweb.sim.scenario import Scenario

__all__ = ["StressResult", "stress"]

_Q = (0.05, 0.5, 0.95)


@dataclass(frozen=True)
class StressResult:
    """Per-run results of a stress test with the model that produced them."""

    model: Model
    runs: ChunkResult
    seed: int
    engine: str

    def summary(self, top: int = 10) -> dict[str, Any]:
        """Summary with stable keys (USD amounts; periods as grid labels). See ``docs/simulation.md``."""
        m, r = self.model, self.runs
        sc = m.scenario
        labels = m.grid.labels()
        n_runs = r.first_default.shape[0]
        entities = []
        for i, eid in enumerate(m.ids):
            fd = r.first_default[:, i]
            hit = fd >= 0
            sf = r.shortfall[:, i]
            entities.append({
                "id": eid,
                "assumed": "scenario" if m.listed[i] else f"others: {sc.others}",
                "default_probability": float(hit.mean()),
                "default_period_median": labels[int(np.median(fd[hit]))] if hit.any() else None,
                "default_period_first": labels[int(fd[hit].min())] if hit.any() else None,
                "shortfall_usd": _quantiles(sf),
                "outside_capital_usd_mean": float(r.raised_by_entity[:, i].mean()),
                "equity_distress_mean": float(r.equity_distress[:, i].mean()),
            })
        entities.sort(key=lambda x: (-x["default_probability"], -x["shortfall_usd"]["mean"], x["id"]))
        periods = []
        for t, label in enumerate(labels):
            need = r.raised[:, t] + r.unmet[:, t]
            periods.append({
                "period": label,
                "outside_capital_usd_mean": float(r.raised[:, t].mean()),
                "outside_capital_usd_p95": float(np.quantile(r.raised[:, t], 0.95)),
                "capital_needed_usd_mean": float(need.mean()),
                "unmet_gap_usd_mean": float(r.unmet[:, t].mean()),
                "unmet_gap_usd_p95": float(np.quantile(r.unmet[:, t], 0.95)),
                "entities_in_default_mean": float(r.defaults[:, t].mean()),
                "appetite_mean": float(r.appetite[:, t].mean()),
            })
        # who pays over time: outside capital raised per quarter by the entities that raise the most
        by_entity = r.raised_sum.sum(0) / n_runs  # (n, T) mean USD per run
        order = np.argsort(-by_entity.sum(1), kind="stable")
        who_pays = [{"entity": m.ids[int(i)], "assumed": "scenario" if m.listed[int(i)] else f"others: {sc.others}",
                     "outside_capital_usd_mean": [float(x) for x in by_entity[int(i)]]}
                    for i in order[:top] if by_entity[int(i)].sum() > 0]
        loss_mean = r.loss_by_line.mean(0)
        backlog_mean = r.backlog_lost.mean(0)
        payee_loss: dict[str, float] = {}
        for k, ln in enumerate(m.lines):
            payee_loss[ln.payee] = payee_loss.get(ln.payee, 0.0) + loss_mean[k]
        drivers = []
        for k in np.argsort(-(loss_mean + backlog_mean), kind="stable"):
            ln = m.lines[int(k)]
            if loss_mean[k] + backlog_mean[k] <= 0:
                break
            drivers.append({
                "deal": ln.deal, "payer": ln.payer, "payee": ln.payee, "kind": ln.kind,
                "loss_usd_mean": float(loss_mean[k]),
                "backlog_written_down_usd_mean": float(backlog_mean[k]),
                "loss_probability": float((r.loss_by_line[:, k] + r.backlog_lost[:, k] > 1.0).mean()),
                "share_of_payee_loss": float(loss_mean[k] / payee_loss[ln.payee]) if payee_loss[ln.payee] else 0.0,
            })
            if len(drivers) >= top:
                break
        return {
            "scenario": sc.name,
            "description": sc.description,
            "source": sc.source,
            "seed": self.seed,
            "runs": n_runs,
            "engine": self.engine,
            "start": sc.start.isoformat(),
            "quarters": sc.quarters,
            "currency": "USD",
            "clearing": {"model": sc.model, "alpha": sc.alpha, "beta": sc.beta,
                         "outside_seniority": sc.outside_seniority},
            "entities": entities,
            "periods": periods,
            "loss_drivers": drivers,
            "who_pays": {"periods": labels, "entities": who_pays},
            "default_costs_usd_mean": float(r.default_costs.mean()),
            "debtrank": {"mean": float(r.debtrank.mean()), "p95": float(np.quantile(r.debtrank, 0.95)),
                         "modelled": bool(any(s.equity.mean() > 0 for s in sc.entities.values())),
                         "initial_distress": "1 for every entity that defaulted in the run",
                         "exposures": "investment paid in over the horizon",
                         "value": "share of the equity the scenario gives"},
            "conservation": {"max_error_usd": float(r.conservation_error.max(initial=0.0)),
                             "checked_periods": int(n_runs * sc.quarters)},
            "assumptions": {
                "others": sc.others,
                "cut_after_periods": sc.cut_after,
                "at_least_cap": sc.at_least_cap,
                "up_to_floor": sc.up_to_floor,
                "default_term_years": dict(sc.default_term_years),
                "lines": [{"deal": ln.deal, "payer": ln.payer, "payee": ln.payee, "rule": ln.rule,
                           "amount": ln.amount.label(), "assumed": list(ln.assumptions)} for ln in m.lines],
                "not_simulated": [{"deal": s.deal, "reason": s.reason} for s in m.skipped],
            },
        }


def _quantiles(x: np.ndarray) -> dict[str, float]:
    qs = np.quantile(x, _Q)
    return {"mean": float(x.mean()), "p05": float(qs[0]), "p50": float(qs[1]), "p95": float(qs[2])}


def stress(
    scenario: Scenario,
    ledger: Ledger,
    *,
    runs: int | None = None,
    seed: int | None = None,
    engine: str = "local",
    chunk_size: int = 500,
    address: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> StressResult:
    """Run a scenario against a ledger (``runs``/``seed`` override the scenario's)."""
    if seed is not None:
        scenario = replace(scenario, seed=int(seed))
    if runs is not None:
        scenario = replace(scenario, runs=int(runs))
    model = build_model(scenario, ledger)
    result = run_model(model, scenario.runs, engine=engine, chunk_size=chunk_size, address=address,
                       progress=progress)
    return StressResult(model, result, scenario.seed, engine)
