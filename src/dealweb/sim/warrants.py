"""Warrants: share-price paths per issuer and the quarter each warrant tranche vests, per run.

A warrant moves shares, not cash: when a tranche vests, its holder gets ``shares`` shares for a strike of
``strike`` USD each, so value ``shares x (price - strike)`` passes from the issuer's existing shareholders to
the holder (dilution). It never enters the cash clearing, so money conservation is untouched; it is
reported on its own (``docs/simulation.md``, "Warrants").

Rules:

* **Share price**: geometric Brownian motion on the period grid (Black & Scholes 1973; Hull, *Options,
  Futures and Other Derivatives*, ch. 14), one path per issuer and run. With ``dt`` the period in years,
  drift ``g`` (expected growth per year) and volatility ``sigma`` (per year),
  ``S_{t+1} = S_t exp((ln(1 + g) - sigma^2 / 2) dt + sigma sqrt(dt) Z_t)``, ``Z_t`` standard normal, so
  ``E[S_t] = S_0 (1 + g)^(t dt)``. ``price[t]`` is the closing price of period ``t`` (after ``t + 1``
  steps). ``S_0``: the latest ledger fact ``share_price`` of the issuer (on or before the start when there
  is one), else the scenario's ``shares.<id>.price``.
* **Conditions**: ``share_price`` tranches need ``price >= threshold``; ``per_gw`` tranches need a
  deployment milestone. A tranche vests in the first period whose close meets all its conditions.
* **Deployment** of a ``per_gw`` tranche follows the per-GW contract line between the issuer and the holder
  (either direction) if the ledger has one, with the pace drawn for the run and its cuts and cancellations;
  else the warrant's own term at the same pace (an assumption, labelled). The milestone is
  ``threshold / capacity_gw`` of that deployment when both are stated, else the ``k``-th of ``m`` per-GW
  tranches vests at ``k / m`` of it (labelled).
* **Strike**: the ledger's structured ``strike`` field (USD per share), the tranche's first, else the
  deal's; none: 0 (labelled). Nothing is read from prose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from dealweb.model import Deal, Ledger, Status, Tranche
from dealweb.sim.scenario import DEFAULT_SHARE_DRIFT, DEFAULT_SHARE_VOLATILITY, Param, Scenario
from dealweb.sim.schedules import FlowLine, Grid, ScheduleSettings

__all__ = [
    "Issuer",
    "WarrantTranche",
    "deployment_done",
    "first_vesting",
    "share_price_paths",
    "warrant_plan",
]

@dataclass(frozen=True)
class Issuer:
    """An entity whose share price is simulated: starting price (USD per share) and where it comes from."""

    id: str
    price: Param
    price_source: str
    drift: Param
    volatility: Param
    assumptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class WarrantTranche:
    """One tranche of a warrant deal as the simulation vests it.

    ``issuer`` is an index into the plan's issuers. ``price_threshold`` (USD per share) and
    ``deploy_fraction`` (share of a deployment, 0..1) are the conditions (None: not a condition).
    ``deploy_line`` is the index of the per-GW contract line whose deployment counts (None: the warrant's own
    term, ``deploy_start``/``deploy_periods`` at pace 1).
    """

    deal: str
    issuer: int
    holder: str
    trigger: str
    shares: float
    strike: float
    strike_source: str
    price_threshold: float | None = None
    deploy_fraction: float | None = None
    deploy_line: int | None = None
    deploy_start: float = 0.0
    deploy_periods: float = 0.0
    deployment: str = ""
    assumptions: tuple[str, ...] = ()


def _strike(deal: Deal, tranche: Tranche) -> tuple[float, str]:
    """The exercise price (USD per share): the tranche's ``strike`` field, else the deal's, else 0 (labelled).

    Structured fields of the ledger (``docs/ledger-format.md``, "Payment terms"), read once: nothing here
    parses prose.
    """
    for where, amount in (("tranche", getattr(tranche, "strike", None)), ("deal", getattr(deal, "strike", None))):
        if amount is None:
            continue
        usd = amount.pick("mid") if amount.unit == "USD" else (amount.usd_low if amount.usd_low is not None else None)
        if usd is not None:
            return float(usd), f"ledger: the {where}'s strike ({amount.label()})"
    return 0.0, "strike 0 assumed (the ledger states no exercise price)"


def _start_price(ledger: Ledger, scenario: Scenario, eid: str) -> tuple[Param, str] | None:
    facts = [f for f in ledger.facts_for(eid, "share_price") if f.value.unit == "USD"]
    before = [f for f in facts if f.as_of is None or f.as_of <= scenario.start]
    pool = before or facts
    if pool:
        f = max(pool, key=lambda f: f.as_of or date.min)
        when = f.as_of.isoformat() if f.as_of else "undated"
        return Param.fixed(f.value.pick("mid")), f"fact: {f.id} ({f.value.label()}, {when})"
    sh = scenario.shares.get(eid)
    if sh is not None and sh.price is not None:
        return sh.price, f"scenario: shares.{eid}.price ({sh.price.where or scenario.source})"
    return None


def _term(deal: Deal, grid: Grid, settings: ScheduleSettings) -> tuple[float, float, list[str]]:
    """Start (in periods) and length (periods) of a deal's term, with what had to be assumed."""
    assumed = []
    start = deal.term_start or deal.announced
    if start is None:
        start = grid.start
        assumed.append(f"start {grid.start.isoformat()} assumed")
    years = deal.term_years
    if years is None:
        years = settings.default_term_years.get(deal.kind, 1.0)
        assumed.append(f"term {years:g} years assumed for kind {deal.kind}")
    return grid.position(start), years * 12 / grid.months, assumed


def warrant_plan(
    ledger: Ledger,
    scenario: Scenario,
    grid: Grid,
    settings: ScheduleSettings,
    lines: list[FlowLine] | tuple[FlowLine, ...],
    left_out: list[FlowLine] | tuple[FlowLine, ...] = (),
) -> tuple[list[Issuer], list[WarrantTranche], list[tuple[str, str]]]:
    """The issuers to simulate, the warrant tranches to vest, and ``(deal, reason)`` for those left out.

    Args:
        ledger: the ledger; warrant deals are those of kind ``warrant`` (issuer = payer, holder = payee).
        scenario: share-price inputs (``shares``) and the start date.
        grid: the period grid.
        settings: default terms (a warrant's own term when no per-GW contract paces its deployment).
        lines: the simulation's cash lines (per-GW lines pace ``per_gw`` tranches).
        left_out: live lines whose money the run does not count (conditional money without ``--include``):
            a per-GW one still paces the pair's tranches (deployment is not money), at the run's pace, without
            the cut a default of its payer would bring.
    """
    issuers: dict[str, Issuer] = {}
    tranches: list[WarrantTranche] = []
    skipped: list[tuple[str, str]] = []
    for deal in sorted(ledger.deals.values(), key=lambda d: d.id):
        if deal.kind != "warrant":
            continue
        if deal.status is Status.CANCELLED or deal.status_on(None) in (Status.CANCELLED, Status.COMPLETED):
            skipped.append((deal.id, f"warrant {deal.status_on(None).value}: not vested in the simulation"))
            continue
        if not deal.payer or not deal.payee:
            skipped.append((deal.id, "warrant without one issuer (from) and one holder (to)"))
            continue
        usable = [t for t in deal.tranches if t.trigger in ("share_price", "per_gw")]
        if not usable:
            skipped.append((deal.id, "warrant with no share_price or per_gw tranche"))
            continue
        eid = deal.payer
        if eid not in issuers:
            start = _start_price(ledger, scenario, eid)
            if start is None:
                skipped.append((deal.id, f"no starting share price for {eid}: add a share_price fact to the "
                                         f"ledger or set shares.{eid}.price in the scenario"))
                continue
            sh = scenario.shares.get(eid)
            assumed = []
            drift = sh.drift if sh is not None else Param.fixed(DEFAULT_SHARE_DRIFT)
            vol = sh.volatility if sh is not None else Param.fixed(DEFAULT_SHARE_VOLATILITY)
            if sh is None or not sh.drift.where:
                assumed.append(f"drift {DEFAULT_SHARE_DRIFT:g} a year assumed (default)")
            if sh is None or not sh.volatility.where:
                assumed.append(f"volatility {DEFAULT_SHARE_VOLATILITY:g} a year assumed (default)")
            issuers[eid] = Issuer(eid, start[0], start[1], drift, vol, tuple(assumed))
        index = list(issuers).index(eid)
        per_gw = [t for t in usable if t.trigger == "per_gw"]
        pair = {deal.payer, deal.payee}
        pace_line = next((k for k, ln in enumerate(lines)
                          if ln.deploy_start is not None and {ln.payer, ln.payee} == pair), None)
        pace_out = None if pace_line is not None else next(
            (ln for ln in left_out if ln.deploy_start is not None and {ln.payer, ln.payee} == pair), None)
        n_gw = 0  # per-GW tranches seen so far (equal tranches are distinct milestones)
        for t in usable:
            assumed: list[str] = []
            qty = t.quantity
            if qty is None and len(usable) == 1 and deal.quantity is not None:
                qty = deal.quantity
                assumed.append("shares: the deal's quantity")
            if qty is None or qty.is_money:
                skipped.append((deal.id, f"{t.trigger} tranche with no share quantity"))
                continue
            shares = qty.pick("mid")
            if qty.high is not None and qty.high != qty.low:
                assumed.append(f"shares: midpoint {shares:,.0f} of {qty.label()}")
            strike, strike_source = _strike(deal, t)
            if strike_source.startswith("strike 0"):
                assumed.append(strike_source)
            price_threshold = deploy_fraction = None
            deploy_line = None
            d_start = d_len = 0.0
            deployment = ""
            if t.trigger == "share_price":
                if t.threshold is None:
                    skipped.append((deal.id, "share_price tranche with no threshold"))
                    continue
                price_threshold = float(t.threshold)
            else:
                n_gw += 1
                capacity = deal.capacity_gw
                if pace_line is not None:
                    deploy_line = pace_line
                    src = ledger.deals.get(lines[pace_line].deal)
                    capacity = src.capacity_gw if src is not None and src.capacity_gw else capacity
                    deployment = f"per-GW deal {lines[pace_line].deal} at the run's deployment pace"
                elif pace_out is not None and pace_out.deploy_periods is not None:
                    src = ledger.deals.get(pace_out.deal)
                    capacity = src.capacity_gw if src is not None and src.capacity_gw else capacity
                    d_start, d_len = float(pace_out.deploy_start), float(pace_out.deploy_periods)
                    deployment = (f"per-GW deal {pace_out.deal} at the run's deployment pace (its money is "
                                  "conditional and left out of this run; its deployment still paces the warrant)")
                    assumed.append(deployment)
                else:
                    d_start, d_len, term_assumed = _term(deal, grid, settings)
                    assumed.extend(term_assumed)
                    deployment = "the warrant's own term at the run's deployment pace (no per-GW deal for the pair)"
                    assumed.append(deployment)
                if t.threshold is not None and capacity:
                    deploy_fraction = min(1.0, float(t.threshold) / capacity)
                else:
                    k = n_gw
                    deploy_fraction = k / len(per_gw)
                    assumed.append(f"milestone {k}/{len(per_gw)} of the deployment assumed")
            tranches.append(WarrantTranche(
                deal=deal.id, issuer=index, holder=deal.payee, trigger=t.trigger, shares=shares, strike=strike,
                strike_source=strike_source, price_threshold=price_threshold, deploy_fraction=deploy_fraction,
                deploy_line=deploy_line, deploy_start=d_start, deploy_periods=d_len, deployment=deployment,
                assumptions=tuple(assumed),
            ))
    return list(issuers.values()), tranches, skipped


def share_price_paths(start: np.ndarray, drift: np.ndarray, volatility: np.ndarray, z: np.ndarray,
                      dt: float = 0.25) -> np.ndarray:
    """Closing prices per period of a geometric Brownian motion, ``(runs, periods)``.

    Args:
        start: ``(runs,)`` price at the start (USD per share).
        drift: ``(runs,)`` expected growth per year ``g`` (``E[S_t] = S_0 (1 + g)^t``), > -1.
        volatility: ``(runs,)`` standard deviation of log returns per year.
        z: ``(runs, periods)`` standard normal draws.
        dt: period length in years (a quarter: 0.25).

    Returns:
        ``price[:, t] = S_0 exp(sum_{s <= t} ((ln(1 + g) - sigma^2/2) dt + sigma sqrt(dt) z_s))``.
    """
    mu = np.log1p(np.asarray(drift, dtype=float))[:, None]
    sig = np.asarray(volatility, dtype=float)[:, None]
    steps = (mu - 0.5 * sig**2) * dt + sig * math.sqrt(dt) * z
    return np.asarray(start, dtype=float)[:, None] * np.exp(np.cumsum(steps, axis=1))


def deployment_done(start: float, periods: float, pace: np.ndarray, horizon: int) -> np.ndarray:
    """Share of a deployment done at the close of each period, ``(runs, horizon)``: linear at ``pace``."""
    ends = np.arange(1, horizon + 1, dtype=float)
    if periods <= 0:
        return np.broadcast_to((ends > start).astype(float), (pace.size, horizon)).copy()
    return np.clip((ends[None, :] - start) * pace[:, None] / periods, 0.0, 1.0)


def first_vesting(conditions: np.ndarray) -> np.ndarray:
    """Index of the first period where ``conditions`` (runs, periods) holds, -1 where it never does."""
    hit = conditions.any(axis=1)
    return np.where(hit, conditions.argmax(axis=1), -1)
