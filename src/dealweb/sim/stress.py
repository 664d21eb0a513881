"""The stress test front door: a scenario and a ledger in, probabilities, shortfalls and drivers out.

>>> # from dealweb.sim import load_scenario, stress
>>> # result = stress(load_scenario("capital-drought.yaml"), ledger, runs=1000, seed=7)
>>> # result.summary()["entities"][0]["default_probability"]
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from dealweb.errors import InputError
from dealweb.i18n import Fig, Join, Msg, Verbatim, catalogue
from dealweb.model import Ledger
from dealweb.sim.engines import run_model
from dealweb.sim.inputs import MONEY_FIELDS
from dealweb.sim.montecarlo import DEFAULT_CAUSES, ChunkResult, Model, build_model
from dealweb.sim.scenario import DEFAULT_RUNS, DEFAULT_SEED, Scenario
from dealweb.sim.schedules import NOT_SCHEDULED

__all__ = ["DEFINITIONS", "StressResult", "machine_memory_bytes", "money_block", "money_label", "result_bytes",
           "runs_label", "stress"]

_Q = (0.05, 0.5, 0.95)

#: What the two outcomes mean, in the words every face prints (CLI, report, web app, ``--json``).
DEFINITIONS = {
    "default": "a quarter in which a firm pays less than it owes (inside the web and outside) after every "
               "source of funding: its cash, its outside revenue, what firms in the web paid it, and the "
               "outside capital its market gave it",
    "cannot_raise": "a quarter in which a firm sought outside capital (to pay what is due and keep its minimum "
                    "cash) and its capital group's market gave less than it sought; it may still pay from cash",
    "capital_group": "firms that raise outside capital from one market: its appetite (0..1) scales each "
                     "member's capacity and falls with the share of payments due by or to its members that "
                     "were missed, so a firm with no exposure to a defaulter keeps its market",
    "capex": "one figure per firm a year (its total capex); what it buys inside the web that year (contract "
             "lines of the kinds in contracts.capex_kinds) is part of it and is not spent twice",
}


def ledger_warning(scenario: str, written_for: str | None, ledger: str) -> str | None:
    """A warning when a scenario whose firm inputs were written for one ledger is run on another (else None).

    ``written_for`` is the scenario's ``scenario.ledger`` (a bundled name or a path: its last part is compared
    with the ledger's name). A scenario that names no ledger gets no warning: nothing says what it was for.
    """
    if not written_for or not ledger:
        return None
    name = written_for.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    if name == ledger:
        return None
    return (f"scenario {scenario!r} was written for ledger {name!r} (its firms' revenue, cash, capex and capacity "
            f"are set for that web) but runs on {ledger!r}: the defaults may be artefacts of inputs that do not fit "
            f"this ledger's deals; run it with --ledger {name}, or write a scenario for {ledger}")


def runs_label(runs: int, seed: int) -> str:
    """``2,000 runs, seed 20251015`` (with ``(the default)`` when they are dealweb's defaults)."""
    both = runs == DEFAULT_RUNS and seed == DEFAULT_SEED
    return f"{runs:,} runs, seed {seed}" + (" (the default)" if both else "")


def money_label(include: tuple[str, ...] | list[str] = ()) -> str:
    """``firm money only`` or ``firm + conditional money``: what a stress test counts, beside every result."""
    if not include:
        return "firm money only (conditional money left out; --include conditional adds it)"
    if "conditional" in include:
        return "firm + conditional money (rumours included; --include conditional)"
    return "firm + rumoured money (--include rumoured)"


def _mid(line: Any) -> float:
    """A line's middle (USD): the middle of its interval (the low end when it has no upper bound)."""
    return (line.usd_low + (line.usd_high if line.usd_high is not None else line.usd_low)) / 2


def money_block(model: Model) -> dict[str, Any]:
    """The ``money`` key: what the run counts, and the conditional money it left out, per deal and per firm.

    Amounts are USD, the middle of each flow's interval (``in_horizon``: the part its schedule puts inside
    the simulated quarters; a per-GW flow at deployment pace 1).
    """
    sc = model.scenario
    deals = []
    firms: dict[str, dict[str, Any]] = {}
    for ln in model.left_out:
        whole = _mid(ln)
        inside = whole * float(ln.profile.sum())
        trigger = next((v for t, v, _ in ln.terms if t == "trigger"), None)
        deals.append({"deal": ln.deal, "payer": ln.payer, "payee": ln.payee, "kind": ln.kind, "status": ln.money,
                      "amount": Fig(ln.amount.label(), "amount", ln.amount), "usd_mid": whole,
                      "in_horizon_usd_mid": inside,
                      "shape": ln.rule, "start": ln.start.isoformat() if ln.start else None, "trigger": trigger,
                      "scheduled": ln.scheduled,
                      "not_scheduled": None if ln.scheduled else next(
                          (a for a in ln.assumptions if a.startswith(NOT_SCHEDULED)), NOT_SCHEDULED)})
        for eid, side in ((ln.payer, "owed_by_it"), (ln.payee, "owed_to_it")):
            f = firms.setdefault(eid, {"owed_to_it_usd": 0.0, "owed_by_it_usd": 0.0,
                                       "owed_to_it_in_horizon_usd": 0.0, "owed_by_it_in_horizon_usd": 0.0,
                                       "deals": []})
            f[f"{side}_usd"] += whole
            f[f"{side}_in_horizon_usd"] += inside
            if ln.deal not in f["deals"]:
                f["deals"].append(ln.deal)
    return {
        "include": list(sc.include),
        "counted": list(model.counted),
        "label": money_label(sc.include),
        "rule": "firm money (paid and firm flows of the flows table) is always simulated; conditional money "
                "('up to' ceilings, letters of intent, per-GW and milestone tranches) and rumoured flows only "
                "with --include, then paid on their triggers (per-GW tranches at the run's deployment pace)",
        "left_out_usd": sum(d["usd_mid"] for d in deals),
        "left_out_in_horizon_usd": sum(d["in_horizon_usd_mid"] for d in deals),
        "left_out": deals,
        "left_out_by_firm": dict(sorted(firms.items())),
    }


def _debt_source(source: str, loans: list[dict[str, Any]]) -> str:
    """The ``debt`` input's source, saying that the ledger's loans to the firm are serviced besides it.

    The ``debt`` input is debt outside the web at the start (a balance-sheet figure); loans the ledger records
    as deals are contract lines, serviced on their own (:mod:`dealweb.sim.debt`). Printing "debt $0" alone
    beside a run that services a $12.5B loan would hide the assumption actually used.
    """
    if not loans:
        return source
    from dealweb import fmt

    named = ", ".join(f"{x['deal']} ({fmt.money(x['principal_usd'])})" for x in loans)
    return f"{source}; besides it, the ledger's loans to the firm are serviced as contracts: {named}"


@dataclass(frozen=True)
class StressResult:
    """Per-run results of a stress test with the model that produced them."""

    model: Model
    runs: ChunkResult
    seed: int
    engine: str
    sensitivity: dict[str, Any] | None = None
    ledger_name: str = ""

    def summary(self, top: int = 10) -> dict[str, Any]:
        """Summary with stable keys (USD amounts; periods as grid labels). See ``docs/simulation.md``."""
        m, r = self.model, self.runs
        sc = m.scenario
        labels = m.grid.labels()
        n_runs = r.first_default.shape[0]
        entities = []
        movers = (self.sensitivity or {}).get("by_firm", {})
        groups = m.groups or tuple(sc.group_of(m.ids))
        left = money_block(m)["left_out_by_firm"]
        for i, eid in enumerate(m.ids):
            fd = r.first_default[:, i]
            hit = fd >= 0
            sf = r.shortfall[:, i]
            cr = r.first_cannot_raise[:, i] if r.first_cannot_raise.size else np.full(n_runs, -1)
            shut = cr >= 0
            cause = r.default_cause[:, i] if r.default_cause.size else np.zeros(n_runs, dtype=np.int64)
            inputs = m.inputs.get(eid, {})
            loans = [{"deal": ln.deal, "lender": ln.payee,
                      "principal_usd": (ln.usd_low + (ln.usd_high if ln.usd_high is not None else ln.usd_low)) / 2}
                     for ln in m.lines if ln.kind == "debt_service" and ln.payer == eid]
            entities.append({
                "id": eid,
                "assumed": "scenario" if m.listed[i] else f"others: {sc.others}",
                "group": groups[int(m.group_index[i])].name if m.group_index.size == m.n else eid,
                "default_probability": float(hit.mean()),
                "default_period_median": labels[int(np.median(fd[hit]))] if hit.any() else None,
                "default_period_first": labels[int(fd[hit].min())] if hit.any() else None,
                "default_causes": {name: float((hit & (cause == k)).mean())
                                   for k, name in enumerate(DEFAULT_CAUSES) if k > 0},
                "cannot_raise_probability": float(shut.mean()),
                "cannot_raise_period_first": labels[int(cr[shut].min())] if shut.any() else None,
                "cannot_raise_without_default_probability": float((shut & ~hit).mean()),
                "shortfall_usd": _quantiles(sf),
                "outside_capital_usd_mean": float(r.raised_by_entity[:, i].mean()),
                "equity_distress_mean": float(r.equity_distress[:, i].mean()),
                "capex": {
                    "figure_usd_per_year": inputs["capex"].param.mean() if "capex" in inputs else 0.0,
                    "source": inputs["capex"].source if "capex" in inputs else None,
                    "carved_out": (Msg("sim.capex.includes", deals=Verbatim(", ".join(inputs["capex"].includes)))
                                   if "capex" in inputs and inputs["capex"].includes is not None
                                   else Msg("sim.capex.kinds", kinds=Join([Msg(f"sim.kind.{k}") if f"sim.kind.{k}" in
                                                                            catalogue("en") else k
                                                                            for k in sc.capex_kinds], ", "))),
                    "paid_outside_usd_mean": float(r.capex_outside[:, i].mean()) if r.capex_outside.size else 0.0,
                    "bought_in_web_usd_mean": float(r.capex_carved[:, i].mean()) if r.capex_carved.size else 0.0,
                },
                "outside_debt_service_usd_mean": (float(r.debt_service_due[:, i].mean())
                                                  if r.debt_service_due.size else 0.0),
                "inputs": {f: {"value": inp.param.label("USD" if f in MONEY_FIELDS else None), "mean": inp.param.mean(),
                               "source": _debt_source(inp.source, loans) if f == "debt" else inp.source}
                           for f, inp in inputs.items()},
                "loans_in_web": loans,
                "moved_most_by": movers.get(eid),
                "conditional_left_out": left.get(eid),
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
        capital_groups = []
        for k, g in enumerate(groups):
            if not any(mbr in m.ids for mbr in g.members):
                continue
            ag = r.appetite_group[:, k, :] if r.appetite_group.size else np.zeros((n_runs, len(labels)))
            capital_groups.append({
                "name": g.name, "members": list(g.members), "declared": g.declared,
                "appetite": g.appetite.label(), "sensitivity": g.sensitivity.label(), "recovery": g.recovery,
                "path": [{"from": d.isoformat(), "target": v} for d, v in g.path],
                "source": f"scenario: {g.where}" if g.declared else "scenario: capital (a firm in no group)",
                "appetite_mean_by_period": [float(x) for x in ag.mean(0)],
            })
        return {
            "scenario": sc.name,
            "description": sc.description,
            "ledger": self.ledger_name,
            "scenario_ledger": sc.ledger,
            "ledger_warning": ledger_warning(sc.name, sc.ledger, self.ledger_name),
            "source": sc.source,
            "seed": self.seed,
            "runs": n_runs,
            "runs_label": runs_label(n_runs, self.seed),
            "money_label": money_label(sc.include),
            "money": money_block(m),
            "defaults": {"runs": DEFAULT_RUNS, "seed": DEFAULT_SEED},
            "definitions": dict(DEFINITIONS),
            "engine": self.engine,
            "start": sc.start.isoformat(),
            "quarters": sc.quarters,
            "currency": "USD",
            "clearing": {"model": sc.model, "alpha": sc.alpha, "beta": sc.beta,
                         "outside_seniority": sc.outside_seniority},
            "entities": entities,
            "capital_groups": capital_groups,
            "sensitivity": self.sensitivity,
            "periods": periods,
            "loss_drivers": drivers,
            "who_pays": {"periods": labels, "entities": who_pays},
            "warrants": self._warrants(labels),
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
                "debt_maturity_years": sc.debt_maturity_years,
                "interest_rate": sc.interest_rate,
                "capex_kinds": list(sc.capex_kinds),
                "lines": [{"deal": ln.deal, "payer": ln.payer, "payee": ln.payee, "kind": ln.kind, "rule": ln.rule,
                           "amount": Fig(ln.amount.label(), "amount", ln.amount), "status": ln.status,
                           "start": ln.start.isoformat() if ln.start else None, "years": ln.years,
                           "terms": [{"term": t, "value": v, "source": src} for t, v, src in ln.terms],
                           "assumed": list(ln.assumptions)} for ln in m.lines],
                "not_simulated": [{"deal": s.deal, "reason": s.reason} for s in m.skipped],
            },
        }


    def _warrants(self, labels: list[str]) -> dict[str, Any]:
        """The ``warrants`` block: share-price model, per-tranche vesting and value (USD). Never cash."""
        m, r = self.model, self.runs
        n_runs = r.first_default.shape[0]
        issuers = []
        for i, iss in enumerate(m.issuers):
            end = r.share_price_end[:, i]
            issuers.append({
                "entity": iss.id, "start_price_usd": iss.price.mean(), "start_price_source": iss.price_source,
                "drift_per_year": iss.drift.mean(), "volatility_per_year": iss.volatility.mean(),
                "price_usd_at_horizon": _quantiles(end), "assumed": list(iss.assumptions),
            })
        tranches = []
        for w, tr in enumerate(m.warrants):
            vest = r.warrant_vest[:, w]
            value = r.warrant_value[:, w]
            hit = vest >= 0
            by_period = [float((hit & (vest <= t)).mean()) for t in range(len(labels))]
            tranches.append({
                "deal": tr.deal, "issuer": m.issuers[tr.issuer].id, "holder": tr.holder, "trigger": tr.trigger,
                "price_threshold_usd": tr.price_threshold, "deployment_milestone": tr.deploy_fraction,
                "deployment": tr.deployment or None, "shares": tr.shares, "strike_usd": tr.strike,
                "strike_source": tr.strike_source,
                "vest_probability": float(hit.mean()),
                "vest_probability_by_period": by_period,
                "vest_period_first": labels[int(vest[hit].min())] if hit.any() else None,
                "vest_period_median": labels[int(np.median(vest[hit]))] if hit.any() else None,
                "value_usd": _quantiles(value),
                "value_usd_if_vested": _quantiles(value[hit]) if hit.any() else None,
                "assumed": list(tr.assumptions),
            })
        total = r.warrant_value.sum(1) if m.warrants else np.zeros(n_runs)
        return {
            "cash": False,
            "rule": "value transferred from the issuer's shareholders to the holder = shares x (price - strike) "
                    "at the close of the vesting quarter; not cash, kept out of the clearing",
            "price_model": "geometric Brownian motion per quarter: S' = S exp((ln(1+drift) - vol^2/2) dt "
                           "+ vol sqrt(dt) Z), dt = 0.25 year",
            "periods": labels,
            "issuers": issuers,
            "tranches": tranches,
            "value_usd_total": _quantiles(total),
            "not_simulated": [{"deal": d, "reason": why} for d, why in m.warrants_skipped],
        }


def _quantiles(x: np.ndarray) -> dict[str, float]:
    qs = np.quantile(x, _Q)
    return {"mean": float(x.mean()), "p05": float(qs[0]), "p50": float(qs[1]), "p95": float(qs[2])}


#: Copies of the per-run results alive at once: the chunks and their concatenation, then the summary's
#: sorted copies for quantiles.
_RESULT_COPIES = 3


def result_bytes(model: Model, runs: int) -> int:
    """Bytes the per-run results of ``runs`` runs of ``model`` take at their peak (an estimate, from above).

    Every run keeps (see :class:`~dealweb.sim.montecarlo.ChunkResult`) 8-byte values: 10 per entity
    (first default, shortfall, outside capital raised, equity distress, first cannot-raise, default cause,
    capex outside, capex in the web, debt service, cash at the horizon), 4 per quarter (raised, unmet gap,
    appetite, defaults), 1 per capital group and quarter, 2 per contract line (loss, backlog lost), 2 per
    warrant tranche, 1 per simulated share price and 3 scalars; they exist in :data:`_RESULT_COPIES`
    copies at the peak.
    """
    groups = len(model.groups) if model.groups else model.n
    per_run = 10 * model.n + 4 * model.grid.periods + 2 * len(model.lines) + 2 * len(model.warrants)
    per_run += len(model.issuers) + 3 + groups * model.grid.periods
    return int(runs) * per_run * 8 * _RESULT_COPIES


def machine_memory_bytes() -> int | None:
    """Physical memory of this machine in bytes (``None`` where the OS does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, OSError, ValueError):
        return None


def _check_memory(model: Model, runs: int) -> None:
    """Refuse up front (InputError) when the results would take more than half of the machine's memory."""
    need = result_bytes(model, runs)
    have = machine_memory_bytes()
    if have is None or need <= have // 2:
        return
    per_run = need / runs
    fit = max(1, int(have // 2 / per_run))
    raise InputError(
        f"{runs:,} runs would need about {need / 2**30:,.1f} GiB for their results ({model.n} entities, "
        f"{model.grid.periods} quarters, {len(model.lines)} contract lines), more than half of this "
        f"machine's {have / 2**30:,.1f} GiB",
        f"use --runs {fit:,} or fewer (the quantiles settle long before that); every run's results are kept "
        "in memory whatever the engine",
    )


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
    sensitivity: bool = False,
    sensitivity_progress: Callable[[int, int], None] | None = None,
    include: tuple[str, ...] | list[str] | None = None,
) -> StressResult:
    """Run a scenario against a ledger: per-run results, and the sensitivity table when asked.

    ``runs``/``seed`` override the scenario's, whose defaults are :data:`~dealweb.sim.scenario.DEFAULT_RUNS`
    and :data:`~dealweb.sim.scenario.DEFAULT_SEED`.

    With ``sensitivity``, the assumptions that move the firms' default probabilities most are found by
    one-at-a-time bumps with the same runs and seed (:func:`dealweb.sim.sensitivity.sensitivity_table`).

    ``include`` is the money simulated besides firm money (keys of
    :data:`~dealweb.sim.scenario.INCLUDABLE`: ``conditional``, ``rumoured``); ``None`` keeps the scenario's
    (firm money only unless set). Money left out is listed in the summary's ``money`` key, per firm.

    Raises:
        InputError: ``include`` names something else.
    """
    if include is not None:
        from dealweb.sim.scenario import INCLUDABLE

        bad = sorted(set(include) - set(INCLUDABLE))
        if bad:
            raise InputError(f"unknown money to include: {', '.join(bad)}",
                             f"use {' or '.join(INCLUDABLE)} (firm money is always simulated)")
        scenario = replace(scenario, include=tuple(x for x in INCLUDABLE if x in include))
    if seed is not None:
        scenario = replace(scenario, seed=int(seed))
    if runs is not None:
        scenario = replace(scenario, runs=int(runs))
    model = build_model(scenario, ledger)
    _check_memory(model, scenario.runs)
    result = run_model(model, scenario.runs, engine=engine, chunk_size=chunk_size, address=address,
                       progress=progress)
    table = None
    if sensitivity:
        from dealweb.sim.sensitivity import sensitivity_table

        base = (result.first_default >= 0).mean(0)
        table = sensitivity_table(model, ledger, scenario.runs, base=base,
                                  screen_runs=scenario.bumps.runs or 300, progress=sensitivity_progress)
    return StressResult(model, result, scenario.seed, engine, table, ledger_name=ledger.name)
