"""Monte Carlo cash-flow simulation of a deal web: schedules, funding, clearing each period, feedback.

Every run is a path through ``quarters`` periods; all runs of a chunk move together as ``(runs, entities)``
arrays. Run ``r`` draws its random inputs from its own generator, seeded by
``numpy.random.SeedSequence(seed, spawn_key=(r,))`` — the ``r``-th child that ``SeedSequence(seed).spawn``
would give — so a run's result does not depend on how runs are split into chunks or engines.

Per period (the multi-period rules; ``docs/simulation.md`` explains each and why):

1. **Due inside the web**: each live contract line's scheduled payment plus its arrears (unpaid amounts of
   earlier periods are carried forward, without interest).
2. **Outside obligations**: operating costs (``opex_ratio`` x outside revenue), outside capex, interest on
   outside debt, plus unpaid outside obligations carried forward.
3. **Funding gap** = what is due out (inside + outside) - cash - outside revenue - what is due in. It is
   closed by outside capital (equity and debt, ``debt_share`` of it debt) up to
   ``capacity x appetite`` for the period. Entities not in the scenario (``others: in_full``) raise whatever
   they need: they always pay (an assumption, labelled in outputs).
4. **Clearing**: Eisenberg–Noe or Rogers–Veraart greatest clearing vector of the period's inside liabilities
   with outside obligations ranked by ``outside_seniority``; external assets = cash + revenue + raised.
5. **Cash** = external assets + received - paid. Money conservation is checked every period: the change
   of all cash equals outside revenue + outside capital raised - paid to outside creditors.
6. **Default and cuts**: an entity that pays less than it owes is in default for the period. After
   ``cut_after`` consecutive periods in default its contracts as payer are cut: their arrears are written
   off (a loss to the payee) and their remaining schedule is dropped (backlog written down); it raises no
   more outside capital.
7. **Feedback**: appetite moves toward the scenario's target path at rate ``recovery`` and falls by
   ``sensitivity`` x (missed payments / payments due) of the period, kept in [0, 1].
8. **Warrants** (``dealweb.sim.warrants``): each warrant issuer's share price follows a geometric Brownian
   motion drawn from the run's generator after its uniforms; a tranche vests in the first period whose
   close meets its conditions (price threshold, deployment milestone) and transfers
   ``shares x (price - strike)`` of value to the holder. Not cash: it never enters the clearing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import scipy.sparse as sp

from dealweb.model import Ledger
from dealweb.sim.clearing import LiabilityEdges, clear
from dealweb.sim.debt import debt_service_lines
from dealweb.sim.debtrank import ExposureEdges, debtrank_result
from dealweb.sim.inputs import FIELDS, Input, entity_inputs
from dealweb.sim.scenario import CapitalGroup, Param, Scenario, counted_statuses
from dealweb.sim.schedules import FlowLine, Grid, ScheduleSettings, Skipped, draw_amounts, schedule_ledger
from dealweb.sim.warrants import (
    Issuer,
    WarrantTranche,
    deployment_done,
    first_vesting,
    share_price_paths,
    warrant_plan,
)

__all__ = ["DEFAULT_CAUSES", "ChunkResult", "ConservationError", "Model", "build_model", "run_chunk", "run_draws",
           "run_uniforms"]

#: Why a firm first defaulted (``ChunkResult.default_cause``): index -> name.
#: ``market``: it sought outside capital that quarter and got less than it sought; ``counterparty``: it
#: raised all it sought, but firms in the web paid it less than they owed; ``shock``: the scenario's
#: ``default`` shock; ``other``: arrears carried from earlier quarters.
DEFAULT_CAUSES = ("none", "market", "counterparty", "shock", "other")


class ConservationError(RuntimeError):
    """A simulation step created or lost money that no flow explains (a bug, never bad input)."""


@dataclass(frozen=True)
class Model:
    """Everything a chunk of runs needs, as plain arrays (picklable, sent to dask/ray workers)."""

    scenario: Scenario
    grid: Grid
    ids: tuple[str, ...]
    lines: tuple[FlowLine, ...]
    skipped: tuple[Skipped, ...]
    payer: np.ndarray
    payee: np.ndarray
    profile: np.ndarray  # (K, T)
    deploy: tuple[int, ...]  # lines paid per GW deployed (profile depends on the drawn pace)
    listed: np.ndarray  # (n,) bool: entity has scenario settings
    params: tuple[tuple[str, Param], ...]
    fixed: dict[str, float] = field(default_factory=dict)
    issuers: tuple[Issuer, ...] = ()  # warrant issuers whose share price is simulated, in this order
    warrants: tuple[WarrantTranche, ...] = ()  # warrant tranches vested by the simulation
    warrants_skipped: tuple[tuple[str, str], ...] = ()  # (deal, reason) of warrants left out
    groups: tuple[CapitalGroup, ...] = ()  # capital groups (declared, then one per firm in none)
    group_index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # (n,) group of each
    inputs: dict[str, dict[str, Input]] = field(default_factory=dict)  # per listed firm: input -> value, source
    capex_line: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # (K,) in-web capex lines
    columns: np.ndarray | None = None  # (K,) uniform column of each line (None: line k uses column k)
    line_draws: int | None = None  # uniform columns kept for lines, counted or not (None: len(lines))
    left_out: tuple[FlowLine, ...] = ()  # live lines not simulated: money the run does not count (--include)
    counted: tuple[str, ...] = ("firm", "conditional", "rumoured")  # flows statuses the lines carry

    @property
    def normals(self) -> int:
        """Standard normal draws per run (after the uniforms): one per issuer and period, issuer-major."""
        return len(self.issuers) * self.grid.periods

    @property
    def n(self) -> int:
        """Number of entities."""
        return len(self.ids)

    @property
    def draws(self) -> int:
        """Uniform draws per run: one per live contract line (counted or left out), then one per random parameter."""
        return self.line_columns + len(self.params)

    @property
    def line_columns(self) -> int:
        """Uniform columns taken by contract lines (live lines, whether the run counts them or not)."""
        return len(self.lines) if self.line_draws is None else self.line_draws


def build_model(scenario: Scenario, ledger: Ledger) -> Model:
    """Schedule the ledger's deals on the scenario's grid and index the entities.

    Raises:
        ScenarioError: a scenario names an entity or deal the ledger does not have.
    """
    from dealweb.errors import Problem
    from dealweb.sim.scenario import ScenarioError

    grid = Grid(scenario.start, scenario.quarters)
    settings = ScheduleSettings(dict(scenario.default_term_years), scenario.delivery_lag)
    try:
        lines, skipped = schedule_ledger(ledger, grid, settings, overrides=scenario.schedule_overrides)
    except ValueError as exc:  # a schedule choice the flows table cannot apply (e.g. no such yearly rate)
        from dealweb.errors import Problem
        from dealweb.sim.scenario import ScenarioError

        did = next((d for d in scenario.schedule_overrides if repr(d) in str(exc)), None)
        where = scenario.deal_where.get(did or "", f"{scenario.source}:1")
        file, _, line = where.rpartition(":")
        raise ScenarioError([Problem(file, int(line) if line.isdigit() else 1, 1, str(exc),
                                     "see the deal's per_year rates with 'dealweb show'", "error",
                                     "contracts.schedules")]) from None
    lines = [ln for ln in lines if ln.cash and ln.payer != ln.payee]
    service, not_serviced = debt_service_lines(ledger, grid, lines, scenario.interest_rate,
                                               scenario.debt_maturity_years, scenario.schedule_overrides,
                                               scenario.deal_where)
    lines += [ln for ln in service if ln.payer != ln.payee]
    skipped += not_serviced
    # Firm money always; conditional and rumoured money only when the run includes it (--include). Every
    # live line keeps its uniform column (its position among all live lines) whichever are counted, so
    # adding or leaving out conditional money changes nothing else a run draws (common random numbers).
    try:
        counted = counted_statuses(scenario.include)
    except ValueError as exc:
        raise ScenarioError([Problem(scenario.source or "scenario", 1, 1, str(exc),
                                     "use --include conditional (or rumoured)", "error", "include")]) from None
    # A conditional flow with no date is on no quarter: it takes no column (the draws of every other line
    # are unchanged) and is always listed with the money left out, its reason in its assumptions.
    unscheduled = tuple(ln for ln in lines if not ln.scheduled)
    every = [ln for ln in lines if ln.scheduled]
    kept = [k for k, ln in enumerate(every) if ln.money in counted]
    left_out = tuple(ln for ln in every if ln.money not in counted) + unscheduled
    lines = [every[k] for k in kept]
    problems = []

    def unknown(kind: str, key: str, where: str) -> None:
        file, _, line = where.rpartition(":")
        problems.append(Problem(file or scenario.source, int(line) if line.isdigit() else 1, 1,
                                f"{kind} {key!r} is not in ledger {ledger.name!r}",
                                f"use an id from the ledger's {kind} list ('dealweb show')", "error", kind))

    for eid, where in scenario.entity_where.items():
        if eid not in ledger.entities:
            unknown("entity", eid, where)
    for g in scenario.groups:
        for m in g.members:
            if m not in ledger.entities:
                unknown("entity", m, g.where)
    for did in scenario.schedule_overrides:
        if did not in ledger.deals:
            unknown("deal", did, scenario.deal_where.get(did, f"{scenario.source}:1"))
    for sh in scenario.shocks:
        if sh.entity and sh.entity not in ledger.entities:
            unknown("entity", sh.entity, sh.where)
        if sh.deal and sh.deal not in ledger.deals:
            unknown("deal", sh.deal, sh.where)
    if problems:
        raise ScenarioError(problems)
    # firms on left-out lines stay in the model (with no flows), so a run with and one without conditional
    # money have the same entities in the same order
    ids = sorted({x for ln in (*every, *unscheduled) for x in (ln.payer, ln.payee)} | set(scenario.entities))
    index = {e: i for i, e in enumerate(ids)}
    profile = np.array([ln.profile for ln in lines]).reshape(len(lines), grid.periods)
    issuers, warrants, warrants_skipped = warrant_plan(ledger, scenario, grid, settings, lines, left_out)
    groups = tuple(scenario.group_of(ids))
    gidx = {m: k for k, g in enumerate(groups) for m in g.members}
    inputs = entity_inputs(scenario, ledger, ids)
    return Model(
        scenario=scenario, grid=grid, ids=tuple(ids), lines=tuple(lines), skipped=tuple(skipped),
        payer=np.array([index[ln.payer] for ln in lines], dtype=np.int64),
        payee=np.array([index[ln.payee] for ln in lines], dtype=np.int64),
        profile=profile, deploy=tuple(k for k, ln in enumerate(lines) if ln.deploy_start is not None),
        listed=np.array([e in scenario.entities for e in ids]), params=tuple(scenario.params()),
        issuers=tuple(issuers), warrants=tuple(warrants), warrants_skipped=tuple(warrants_skipped),
        groups=groups, group_index=np.array([gidx[e] for e in ids], dtype=np.int64),
        inputs=inputs, capex_line=np.array([_carved(ln, inputs, scenario) for ln in lines], dtype=bool),
        columns=np.array(kept, dtype=np.int64), line_draws=len(every), left_out=left_out, counted=counted,
    )


def _carved(line: FlowLine, inputs: dict[str, dict[str, Input]], scenario: Scenario) -> bool:
    """Whether ``line``'s payments are part of its payer's capex figure (carved out, not spent twice).

    A capex figure read from a ledger fact with ``includes`` carves out exactly those deals; otherwise the
    lines of the kinds in ``contracts.capex_kinds`` are carved out.
    """
    if line.kind == "debt_service":
        return False
    capex = inputs.get(line.payer, {}).get("capex")
    if capex is not None and capex.includes is not None:
        return line.deal in capex.includes
    return line.kind in scenario.capex_kinds


def run_uniforms(seed: int, start: int, stop: int, draws: int) -> np.ndarray:
    """Uniform draws for runs ``start..stop-1``: run ``r`` uses ``SeedSequence(seed, spawn_key=(r,))``."""
    return run_draws(seed, start, stop, draws, 0)[0]


def run_draws(seed: int, start: int, stop: int, draws: int, normals: int) -> tuple[np.ndarray, np.ndarray]:
    """Uniforms ``(runs, draws)`` then standard normals ``(runs, normals)`` for runs ``start..stop-1``.

    Run ``r`` uses one generator, ``PCG64(SeedSequence(seed, spawn_key=(r,)))``: first ``draws`` uniforms,
    then ``normals`` standard normals from the same stream, so adding normals never changes the uniforms.
    """
    u = np.empty((stop - start, draws))
    z = np.empty((stop - start, normals))
    for k, r in enumerate(range(start, stop)):
        gen = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(r,))))
        u[k] = gen.random(draws)
        if normals:
            z[k] = gen.standard_normal(normals)
    return u, z


@dataclass
class ChunkResult:
    """Per-run results of a chunk of runs (first axis = runs, in run order; ``raised_sum``: one row per chunk).

    Units: USD for money; periods are indices into the grid; ``first_default`` is -1 for no default.
    """

    start: int
    first_default: np.ndarray  # (R, n) int
    shortfall: np.ndarray  # (R, n) USD never paid by each: written off at cuts + still unpaid at the horizon
    raised: np.ndarray  # (R, T) USD outside capital raised, all entities
    raised_by_entity: np.ndarray  # (R, n)
    unmet: np.ndarray  # (R, T) USD funding gap that outside capital did not close
    appetite: np.ndarray  # (R, T) capital-market appetite at the start of each period
    defaults: np.ndarray  # (R, T) number of entities in default
    loss_by_line: np.ndarray  # (R, K) USD written off + still unpaid at the horizon, per contract line
    backlog_lost: np.ndarray  # (R, K) USD of schedule dropped when contracts were cut
    conservation_error: np.ndarray  # (R,) largest |money created or lost| in any period, USD
    default_costs: np.ndarray  # (R,) USD lost to default costs (Rogers–Veraart alpha, beta < 1)
    equity_distress: np.ndarray  # (R, n) DebtRank relative equity loss at the horizon (0 where not modelled)
    debtrank: np.ndarray  # (R,) DebtRank R of the defaults through investment stakes
    raised_sum: np.ndarray  # (1, n, T) per chunk: outside capital raised, summed over the chunk's runs
    warrant_vest: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))  # (R, W) -1: never
    warrant_value: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (R, W) USD transferred on vesting
    share_price_end: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (R, I) USD/share at the horizon
    first_cannot_raise: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))  # (R, n) -1: never
    default_cause: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))  # (R, n) DEFAULT_CAUSES
    capex_outside: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (R, n) USD capex paid outside
    capex_carved: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (R, n) USD capex bought in the web
    debt_service_due: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (R, n) USD outside debt service
    appetite_group: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0)))  # (R, G, T) per capital group
    cash_end: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (R, n) USD cash at the horizon

    @staticmethod
    def concat(parts: list[ChunkResult]) -> ChunkResult:
        """Join chunks in run order."""
        parts = sorted(parts, key=lambda p: p.start)
        names = [f for f in ChunkResult.__dataclass_fields__ if f != "start"]
        return ChunkResult(parts[0].start, *(np.concatenate([getattr(p, f) for p in parts]) for f in names))


def _period_target(model: Model, t: int, path: tuple[tuple[date, float], ...] | None = None) -> float | None:
    """The appetite target in force at the start of period ``t`` on ``path`` (default: the scenario's)."""
    target = None
    first, _ = model.grid.bounds(t)
    for when, value in (model.scenario.appetite_path if path is None else path):
        if when <= first:
            target = value
    return target


def _shock_period(grid: Grid, when: date) -> int:
    return max(0, grid.index(when))


def run_chunk(model: Model, start: int, stop: int, variants: tuple[Model, ...] | None = None) -> ChunkResult:
    """Simulate runs ``start..stop-1`` of the model's scenario. Deterministic given the scenario seed.

    ``variants``: models of the same structure as ``model`` (same entities, lines and schedules, capital
    groups and shocks) that differ only in their inputs, group parameters, deployment pace or contract
    amounts (a sensitivity table's bumps). Each runs ``start..stop-1`` with the same uniforms (common
    random numbers); the results hold ``len(variants)`` blocks of ``stop - start`` runs, in order, each
    equal to what ``run_chunk(variant, start, stop)`` gives.
    """
    sc = model.scenario
    base_runs, n, T, K = stop - start, model.n, model.grid.periods, len(model.lines)
    models = tuple(variants) if variants else (model,)
    runs = base_runs * len(models)
    per_year = 12 // model.grid.months
    u, z = run_draws(sc.seed, start, stop, model.draws, model.normals)
    if len(models) > 1:
        z = np.tile(z, (len(models), 1))
    # Each random parameter keeps its own uniform column (by name), and is sampled from the Param in force:
    # a bumped parameter (sensitivity) uses the same uniforms as the original (common random numbers).
    C = model.line_columns
    columns = {name: u[:, C + j] for j, (name, _) in enumerate(model.params)}

    def sample(name: str | None, p: Param) -> np.ndarray:
        if p.random and name in columns:
            return p.sample(columns[name])
        return np.full(base_runs, p.args[0] if not p.random else p.mean())

    def each(fn: Callable[[Model], np.ndarray]) -> np.ndarray:
        """``fn`` of every variant, stacked along the runs."""
        return np.concatenate([fn(m) for m in models], axis=0)

    def param(name: str | None, p: Param) -> np.ndarray:  # a parameter the variants share (warrants)
        return np.tile(sample(name, p), len(models))

    amounts = each(lambda m: draw_amounts(list(m.lines), u[:, :C], sc.at_least_cap, sc.up_to_floor, m.columns))
    pace = each(lambda m: sample("contracts.deployment_pace", m.scenario.deployment_pace))
    groups = model.groups or tuple(sc.group_of(model.ids))
    gi = model.group_index if model.group_index.size == n else np.array(
        [next(k for k, g in enumerate(groups) if e in g.members) for e in model.ids], dtype=np.int64)
    G = len(groups)

    def gparam(m: Model, what: str) -> np.ndarray:
        gs = m.groups or groups
        return np.stack([sample(f"capital.groups.{g.name}.{what}" if g.declared else f"capital.{what}",
                                getattr(g, what)) for g in gs], axis=1)

    appetite = np.clip(each(lambda m: gparam(m, "appetite")), 0.0, 1.0)  # (R, G)
    appetite0 = appetite.copy()
    sensitivity = each(lambda m: gparam(m, "sensitivity"))
    recovery = np.array([g.recovery for g in groups])
    member = np.zeros((n, G))
    member[np.arange(n), gi] = 1.0

    def entity_values(m: Model) -> np.ndarray:
        inputs = m.inputs or entity_inputs(m.scenario, None, m.ids)
        out = np.zeros((len(FIELDS), base_runs, n))
        for i, eid in enumerate(m.ids):
            row = inputs.get(eid)
            if row is None:
                continue
            for j, f in enumerate(FIELDS):
                out[j, :, i] = sample(row[f].name, row[f].param)
        return out

    stacked = np.concatenate([entity_values(m) for m in models], axis=1)
    ent = {f: stacked[j] for j, f in enumerate(FIELDS)}
    cash, debt = ent["cash"].copy(), ent["debt"].copy()
    # Debt recorded at the start (ledger fact or scenario): interest each quarter, principal repaid in equal
    # quarterly parts over capital.debt_maturity_years (refinanced, if at all, by raising new capital).
    amort = ent["debt"] / max(1.0, sc.debt_maturity_years * per_year)
    amort_until = int(round(sc.debt_maturity_years * per_year))
    index = {e: i for i, e in enumerate(model.ids)}
    # shocks as (R, n, T) multipliers / masks, cheap at these sizes
    revenue_mult = np.ones((runs, n, T))
    frozen_from = np.full(n, T)  # period from which an entity cannot pay from its own assets
    cancel_from = np.full(K, T)
    for k, sh in enumerate(sc.shocks):
        t0 = _shock_period(model.grid, sh.date)
        frac = each(lambda m, k=k: sample(f"shocks[{k}].fraction", m.scenario.shocks[k].fraction))
        if sh.type == "revenue_miss" and sh.entity in index:
            t1 = T if sh.quarters == 0 else min(T, t0 + sh.quarters)
            revenue_mult[:, index[sh.entity], t0:t1] *= np.clip(1.0 - frac, 0.0, None)[:, None]
        elif sh.type == "default" and sh.entity in index:
            frozen_from[index[sh.entity]] = min(frozen_from[index[sh.entity]], t0)
        elif sh.type == "cancel":
            for j, ln in enumerate(model.lines):
                if ln.deal == sh.deal:
                    cancel_from[j] = min(cancel_from[j], t0)
    # Schedules: static lines share one (K, T) profile; per-GW lines get one per run from the drawn pace.
    live_from = np.arange(T)[None, :] < cancel_from[:, None]  # (K, T): not cancelled yet
    static = model.profile * live_from
    remaining = np.cumsum(static[:, ::-1], axis=1)[:, ::-1] - static  # (K, T): share due after period t
    deploy = list(model.deploy)
    dprof = np.zeros((runs, len(deploy), T))
    for j, k in enumerate(deploy):
        dprof[:, j, :] = model.lines[k].deployment_profile(pace, T) * live_from[k]
    dremaining = np.cumsum(dprof[:, :, ::-1], axis=2)[:, :, ::-1] - dprof
    by_payer = sp.csc_matrix((np.ones(K), (np.arange(K), model.payer)), shape=(K, n))
    by_payee = sp.csc_matrix((np.ones(K), (np.arange(K), model.payee)), shape=(K, n))
    capex_line = model.capex_line if model.capex_line.size == K else np.zeros(K, dtype=bool)
    # a line's payer and payee groups, for each group's exposure (payments due by or to its members)
    g_payer, g_payee = gi[model.payer], gi[model.payee]
    cross_in = sp.csc_matrix((np.ones(int((g_payer != g_payee).sum())),
                              (np.flatnonzero(g_payer != g_payee), g_payee[g_payer != g_payee])), shape=(K, G))
    alive = np.ones((runs, K), dtype=bool)
    failed = np.zeros((runs, n), dtype=bool)
    frozen = np.zeros((runs, n))
    arrears = np.zeros((runs, K))
    out_arrears = np.zeros((runs, n))
    consecutive = np.zeros((runs, n), dtype=np.int64)
    deploy_alive = np.zeros((runs, len(deploy), T), dtype=bool)  # per-GW line still live in period t
    res = ChunkResult(
        start, np.full((runs, n), -1, dtype=np.int64), np.zeros((runs, n)), np.zeros((runs, T)),
        np.zeros((runs, n)), np.zeros((runs, T)), np.zeros((runs, T)), np.zeros((runs, T), dtype=np.int64),
        np.zeros((runs, K)), np.zeros((runs, K)), np.zeros(runs), np.zeros(runs), np.zeros((runs, n)),
        np.zeros(runs), np.zeros((1, n, T)),
        first_cannot_raise=np.full((runs, n), -1, dtype=np.int64),
        default_cause=np.zeros((runs, n), dtype=np.int64), capex_outside=np.zeros((runs, n)),
        capex_carved=np.zeros((runs, n)), debt_service_due=np.zeros((runs, n)),
        appetite_group=np.zeros((runs, G, T)), cash_end=np.zeros((runs, n)),
    )
    invest = np.array([ln.kind == "investment" for ln in model.lines], dtype=bool)
    invested = np.zeros((runs, int(invest.sum())))  # USD paid into each investment line so far
    others_unlimited = sc.others == "in_full"
    capex_cum = np.zeros((runs, n))  # this year's capex figure so far (USD)
    inweb_cum = np.zeros((runs, n))  # this year's capex bought inside the web so far (USD)
    outside_cum = np.zeros((runs, n))  # this year's capex paid outside so far (USD)
    for t in range(T):
        res.appetite_group[:, :, t] = appetite
        res.appetite[:, t] = appetite.mean(1)
        years = t / per_year
        revenue = ent["revenue"] / per_year * (1.0 + ent["growth"]) ** years * revenue_mult[:, :, t]
        is_frozen = frozen_from <= t  # (n,)
        if is_frozen.any():
            # A defaulting entity's own assets become unavailable: moved aside, still counted as money.
            frozen[:, is_frozen] += cash[:, is_frozen]
            cash[:, is_frozen] = 0.0
            revenue[:, is_frozen] = 0.0
        deploy_alive[:, :, t] = alive[:, deploy]
        sched_t = amounts * static[:, t]
        if deploy:
            sched_t[:, deploy] = amounts[:, deploy] * dprof[:, :, t]
        sched_t = np.where(alive, sched_t, 0.0)
        # Capex is one figure per firm a year; what it buys inside the web that year is part of it
        # (carved out): outside capex_t = max(0, capex so far - in-web so far - outside so far), this year.
        if t % per_year == 0:
            capex_cum[:] = inweb_cum[:] = outside_cum[:] = 0.0
        capex_cum += ent["capex"] / per_year * (1.0 + ent["capex_growth"]) ** years
        inweb = np.asarray(np.where(capex_line[None, :], sched_t, 0.0) @ by_payer)
        inweb_cum += inweb
        capex = np.maximum(0.0, capex_cum - inweb_cum - outside_cum)
        outside_cum += capex
        res.capex_outside += capex
        res.capex_carved += np.minimum(inweb, ent["capex"] / per_year * (1.0 + ent["capex_growth"]) ** years)
        opex = ent["opex_ratio"] * revenue
        interest = sc.interest_rate / per_year * debt
        principal = amort if t < amort_until else np.zeros_like(amort)
        debt = np.maximum(debt - principal, 0.0)
        res.debt_service_due += interest + principal
        outside_due = opex + capex + interest + principal + out_arrears
        due = sched_t + arrears  # (R, K) USD due per line this period
        owe_in = np.asarray(due @ by_payer)
        get_in = np.asarray(due @ by_payee)
        # What a firm seeks from outside capital: what it cannot pay from cash, revenue and what it is owed
        # this quarter, plus what restores its minimum cash.
        seek = np.maximum(0.0, owe_in + outside_due + ent["min_cash"] - cash - revenue - get_in)
        room = ent["capacity"] / per_year * appetite[:, gi]
        room = np.where(failed | is_frozen[None, :], 0.0, room)
        if others_unlimited:
            room = np.where(model.listed[None, :], room, np.inf)
            room = np.where(is_frozen[None, :], 0.0, room)
        raised = np.minimum(seek, room)
        short_raised = (seek - raised > 1e-9 * np.maximum(1.0, seek)) & (seek > 0)
        debt += sc.debt_share * np.where(model.listed[None, :], raised, 0.0)  # others: no debt
        e = cash + revenue + raised
        cl = clear(LiabilityEdges(n, model.payer, model.payee, due), e, outside_liabilities=outside_due,
                   alpha=sc.alpha, beta=sc.beta, outside_seniority=sc.outside_seniority)  # type: ignore[arg-type]
        paid = cl.payments
        out_paid = cl.outside_paid
        in_paid = paid - out_paid
        frac = np.divide(in_paid, owe_in, out=np.ones_like(owe_in), where=owe_in > 0)
        frac = np.clip(frac, 0.0, 1.0)
        paid_line = due * frac[:, model.payer]
        received = np.asarray(paid_line @ by_payee)
        invested += paid_line[:, invest]
        left = e + received - paid
        # A defaulter keeps nothing; under Rogers–Veraart what it did not realise is lost (default costs).
        default_cost = np.where(cl.defaulted, np.maximum(left, 0.0), 0.0)
        new_cash = np.where(cl.defaulted, 0.0, np.maximum(left, 0.0))
        res.default_costs += default_cost.sum(1)
        # money conservation: change in all cash = outside revenue + raised - paid outside - default costs
        created = (new_cash.sum(1) - cash.sum(1)) - (
            revenue.sum(1) + raised.sum(1) - out_paid.sum(1) - default_cost.sum(1))
        scale = np.maximum(1.0, np.abs(e).sum(1) + due.sum(1))
        err = np.abs(created)
        if (err > 1e-9 * scale).any():
            r = int(np.argmax(err / scale))
            raise ConservationError(
                f"period {t}: {created[r]:.6g} USD created in run {start + r} with no flow explaining it"
            )
        res.conservation_error = np.maximum(res.conservation_error, err)
        cash = new_cash
        arrears = np.maximum(due - paid_line, 0.0)
        out_arrears = np.maximum(outside_due - out_paid, 0.0)
        owed = owe_in + outside_due
        # Default: a quarter's shortfall after every source of funding (cash, revenue, what the web paid
        # it, outside capital raised up to its market's appetite).
        missed = paid < owed * (1 - 1e-12) - 1e-6
        first = missed & (res.first_default < 0)
        cause = np.where(is_frozen[None, :], 3, np.where(short_raised, 1, np.where(
            received < get_in * (1 - 1e-12) - 1e-6, 2, 4)))
        res.default_cause = np.where(first, cause, res.default_cause)
        res.first_default = np.where(first, t, res.first_default)
        # Cannot raise: it sought outside capital and its market gave less (whether or not it then defaulted).
        res.first_cannot_raise = np.where(short_raised & model.listed[None, :] & (res.first_cannot_raise < 0)
                                          & ~is_frozen[None, :], t, res.first_cannot_raise)
        res.defaults[:, t] = missed.sum(1)
        res.raised[:, t] = raised.sum(1)
        res.raised_by_entity += raised
        res.raised_sum[0, :, t] = raised.sum(0)
        res.unmet[:, t] = np.where(np.isfinite(room), seek - raised, 0.0).sum(1)
        consecutive = np.where(missed, consecutive + 1, 0)
        newly = (consecutive >= sc.cut_after) & ~failed
        if newly.any():
            failed |= newly
            cut = newly[:, model.payer] & alive  # (R, K)
            res.loss_by_line += np.where(cut, arrears, 0.0)
            rest = amounts * remaining[:, t]
            if deploy:
                rest[:, deploy] = amounts[:, deploy] * dremaining[:, :, t]
            res.backlog_lost += np.where(cut, rest, 0.0)
            arrears = np.where(cut, 0.0, arrears)
            alive &= ~cut
        # Each group's appetite reacts to the payments due by or to its members that were missed.
        line_missed = (due - paid_line).clip(0)
        out_missed = (outside_due - out_paid).clip(0)
        miss_g = (np.asarray(line_missed @ by_payer) + out_missed) @ member + np.asarray(line_missed @ cross_in)
        owed_g = owed @ member + np.asarray(due @ cross_in)
        miss_ratio = np.divide(miss_g, owed_g, out=np.zeros((runs, G)), where=owed_g > 0)
        target = appetite0.copy()
        for k, g in enumerate(groups):
            fixed_target = _period_target(model, t + 1, g.path)
            if fixed_target is not None:
                target[:, k] = fixed_target
        appetite = np.clip(appetite + recovery * (target - appetite) - sensitivity * miss_ratio, 0.0, 1.0)
    res.cash_end = cash.copy()
    res.loss_by_line += arrears
    res.shortfall += np.asarray(res.loss_by_line @ by_payer)
    equity = ent["equity"]
    if invest.any() and (equity > 0).any():
        # Equity losses through investment stakes (Battiston et al. 2012): a defaulter's equity is wiped
        # (h = 1); investors lose in proportion to what they have paid in relative to their equity.
        # Entities with no equity in the scenario are not modelled (infinite equity: no impact on them).
        stakes = ExposureEdges(n, model.payer[invest], model.payee[invest], invested)
        h0 = (res.first_default >= 0).astype(float)
        # R weighs entities by their share of the modelled equity (their "relative economic value").
        mean_equity = equity.mean(0)
        dr = debtrank_result(stakes, np.where(equity > 0, equity, np.inf), h0, value=mean_equity / mean_equity.sum())
        res.equity_distress = np.asarray(dr.distress)
        res.debtrank = np.asarray(dr.rank)
    res.shortfall += out_arrears
    _vest_warrants(model, res, z, param, pace, dprof * deploy_alive)
    return res


def _vest_warrants(model: Model, res: ChunkResult, z: np.ndarray, param: Callable[[str, Param], np.ndarray],
                   pace: np.ndarray, deployed_per_period: np.ndarray) -> None:
    """Share-price paths, vesting period and value of every warrant tranche (``docs/simulation.md``)."""
    runs, T = z.shape[0], model.grid.periods
    prices = np.zeros((runs, len(model.issuers), T))
    dt = model.grid.months / 12.0
    for i, iss in enumerate(model.issuers):
        if iss.price_source.startswith("fact"):
            s0 = np.full(runs, iss.price.args[0])
        else:
            s0 = param(f"shares.{iss.id}.price", iss.price)
        drift = param(f"shares.{iss.id}.drift", iss.drift)
        vol = param(f"shares.{iss.id}.volatility", iss.volatility)
        prices[:, i, :] = share_price_paths(s0, np.maximum(drift, -1.0 + 1e-12), np.maximum(vol, 0.0),
                                            z[:, i * T:(i + 1) * T], dt)
    res.share_price_end = prices[:, :, -1] if T else np.zeros((runs, len(model.issuers)))
    W = len(model.warrants)
    res.warrant_vest = np.full((runs, W), -1, dtype=np.int64)
    res.warrant_value = np.zeros((runs, W))
    deploy_pos = {k: j for j, k in enumerate(model.deploy)}
    for w, tr in enumerate(model.warrants):
        price = prices[:, tr.issuer, :]
        ok = np.ones((runs, T), dtype=bool)
        if tr.price_threshold is not None:
            ok &= price >= tr.price_threshold
        if tr.deploy_fraction is not None:
            if tr.deploy_line is not None:
                done = np.cumsum(deployed_per_period[:, deploy_pos[tr.deploy_line], :], axis=1)
            else:
                done = deployment_done(tr.deploy_start, tr.deploy_periods, pace, T)
            ok &= done >= tr.deploy_fraction - 1e-12
        vest = first_vesting(ok)
        res.warrant_vest[:, w] = vest
        at = price[np.arange(runs), np.maximum(vest, 0)]
        res.warrant_value[:, w] = np.where(vest >= 0, tr.shares * np.maximum(at - tr.strike, 0.0), 0.0)
