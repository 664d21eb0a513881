"""Schedules: each deal of a ledger as dated cash flows on a period grid (quarters by default).

A deal's amount is an interval (``dealweb.money.Amount``); a schedule says *when* it is paid, as weights over
the grid that add up to the share of the deal that falls inside the horizon. Rules, by the deal's
``schedule`` field (``docs/simulation.md`` has the details and the defaults):

* ``flat``: equal payments over the term (``term.start`` .. ``term.start + term.years``);
* ``ramp``: payments growing linearly over the term (weights 1, 2, 3, ... per period);
* ``upfront``: everything in the period of ``term.start`` (or the announcement);
* ``on_delivery``: hardware paid as delivered, flat over the term after a delivery lag;
* ``tranches``: ``per_gw`` tranches are paid as capacity is deployed (linear deployment over the term, its
  pace a scenario parameter), ``date`` tranches on their date, ``milestone`` tranches spread over the term;
  ``share_price`` tranches (warrants) vest on a share price the simulation does not model: they are listed
  as non-cash lines and never paid.

Warrants move shares, not cash: their lines have ``cash = False`` and are kept out of clearing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from dealweb.model import Deal, Ledger, Status
from dealweb.money import Amount, Qualifier
from dealweb.periods import add_months

__all__ = [
    "DEFAULT_TERM_YEARS",
    "FlowLine",
    "Grid",
    "ScheduleSettings",
    "Skipped",
    "draw_amounts",
    "schedule_ledger",
]

#: Term assumed when a deal states none, by flow kind (years). Labelled as assumptions in every output.
DEFAULT_TERM_YEARS: dict[str, float] = {
    "services": 5.0,
    "hardware": 2.0,
    "investment": 3.0,
    "debt": 1.0,
    "warrant": 4.0,
    "revenue": 1.0,
}


@dataclass(frozen=True)
class Grid:
    """A grid of ``periods`` consecutive periods of ``months`` months from ``start`` (a period's first day)."""

    start: date
    periods: int
    months: int = 3

    def bounds(self, t: int) -> tuple[date, date]:
        """First day of period ``t`` and first day of the next one."""
        return add_months(self.start, self.months * t), add_months(self.start, self.months * (t + 1))

    def position(self, when: date) -> float:
        """Where ``when`` falls on the grid, in periods from ``start`` (fractional, may be negative)."""
        months = (when.year - self.start.year) * 12 + (when.month - self.start.month)
        t0 = months // self.months
        first, nxt = self.bounds(t0)
        frac = (when - first).days / max(1, (nxt - first).days)
        return t0 + frac

    def index(self, when: date) -> int:
        """The period containing ``when`` (may be < 0 or >= ``periods``)."""
        return int(np.floor(self.position(when)))

    def labels(self) -> list[str]:
        """``2026-Q1``-style labels for quarters, ``2026-01`` style otherwise."""
        out = []
        for t in range(self.periods):
            first, _ = self.bounds(t)
            if self.months == 3 and first.month in (1, 4, 7, 10) and first.day == 1:
                out.append(f"{first.year}-Q{(first.month - 1) // 3 + 1}")
            else:
                out.append(first.isoformat())
        return out


@dataclass(frozen=True)
class ScheduleSettings:
    """Assumptions a scenario may change: default terms, delivery lag (periods)."""

    default_term_years: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_TERM_YEARS))
    delivery_lag: int = 1


@dataclass(frozen=True)
class FlowLine:
    """One stream of money from ``payer`` to ``payee`` for one deal, with its timing.

    ``profile[t]`` is the fraction of the line's amount paid in period ``t`` (the sum is the share of the
    deal inside the horizon). ``deploy`` lines (per-GW tranches) have their profile recomputed per run
    from a deployment pace: ``deploy_start``/``deploy_periods`` say when and how fast at pace 1.
    ``assumptions`` lists what the schedule had to assume (a default term, a start date).
    """

    deal: str
    payer: str
    payee: str
    kind: str
    rule: str
    amount: Amount
    usd_low: float
    usd_high: float | None
    profile: np.ndarray
    cash: bool = True
    deploy_start: float | None = None
    deploy_periods: float | None = None
    assumptions: tuple[str, ...] = ()
    status: str = ""
    start: date | None = None
    years: float | None = None
    terms: tuple[tuple[str, str, str], ...] = ()  # (term, value, "ledger: <document>: <quote>" or "assumed: ...")
    draw_with: int | None = None  # share the amount's uniform draw with this line (debt service: its principal)

    def deployment_profile(self, pace: np.ndarray, periods: int) -> np.ndarray:
        """(runs, periods) profile of a per-GW line for deployment paces ``pace`` (1 = over its term)."""
        if self.deploy_start is None or self.deploy_periods is None:
            return np.broadcast_to(self.profile, (pace.size, periods))
        edges = np.arange(periods + 1, dtype=float)
        done = np.clip((edges[None, :] - self.deploy_start) * pace[:, None] / self.deploy_periods, 0.0, 1.0)
        return np.diff(done, axis=1)


@dataclass(frozen=True)
class Skipped:
    """A deal (or flow) that makes no cash flow in the simulation, and why."""

    deal: str
    reason: str


def _window(grid: Grid, start: float, length: float) -> np.ndarray:
    """Fraction of the interval ``[start, start + length)`` (in periods) that falls in each period."""
    edges = np.arange(grid.periods + 1, dtype=float)
    if length <= 0:
        out = np.zeros(grid.periods)
        t = int(np.floor(start))
        if 0 <= t < grid.periods:
            out[t] = 1.0
        return out
    covered = np.clip(edges, start, start + length)
    return np.diff(covered) / length


def _ramp(grid: Grid, start: float, length: float) -> np.ndarray:
    """Linearly growing payments over ``[start, start + length)``: density proportional to elapsed time."""
    edges = np.arange(grid.periods + 1, dtype=float)
    if length <= 0:
        return _window(grid, start, 0.0)
    x = np.clip((edges - start) / length, 0.0, 1.0)
    return np.diff(x**2)


def _usd(amount: Amount) -> tuple[float, float | None] | None:
    if amount.unit == "USD":
        return amount.low, amount.high
    if amount.usd_low is not None:
        return amount.usd_low, amount.usd_high
    return None


def _source(deal: Deal, fields: tuple[str, ...], fallback: str) -> str:
    """``ledger: <document>: <quote>`` of the deal's first unflagged claim on one of ``fields``, else ``fallback``."""
    for c in deal.claims:
        if c.field in fields and c.flag is None:
            return f"ledger: {c.document}: {c.quote}"
    return fallback


def line_terms(deal: Deal, rule: str, start_date: date, years: float) -> tuple[tuple[str, str, str], ...]:
    """The terms a line is scheduled with, each with where it comes from: the ledger (a quote) or assumed.

    Returns ``(term, value, source)`` for shape, start, years, status and amount; ``source`` is
    ``ledger: <document>: <quote>``, ``ledger: <field> (no quote)`` or ``assumed: <why>``.
    """
    status = deal.status_on(None) or deal.status
    shape = _source(deal, ("schedule", "payments", "payment_terms"),
                    f"assumed: {rule} (no source states how the payments are spread)")
    if deal.term_start is not None:
        start = _source(deal, ("term", "term_start"), "ledger: term.start (no quote)")
    elif deal.announced is not None:
        start = "assumed: payments start at the announcement (the deal states no start)"
    else:
        start = "assumed: the simulation's start (the deal states no date)"
    length = (_source(deal, ("term", "term_years"), "ledger: term.years (no quote)") if deal.term_years is not None
              else f"assumed: default term for kind {deal.kind}")
    return (
        ("shape", rule, shape),
        ("start", start_date.isoformat(), start),
        ("years", f"{years:g}", length),
        ("status", status.value, _source(deal, ("status",), "ledger: status (no quote)")),
        ("amount", deal.amount.label() if deal.amount is not None else "-",
         _source(deal, ("amount",), "ledger: amount (no quote)")),
    )


def _live(deal: Deal) -> bool:
    return deal.status is not Status.CANCELLED and deal.status_on(None) is not Status.CANCELLED


def schedule_ledger(
    ledger: Ledger, grid: Grid, settings: ScheduleSettings | None = None
) -> tuple[list[FlowLine], list[Skipped]]:
    """Every deal's pairwise flows as :class:`FlowLine` s on ``grid``, and the deals that make none.

    Args:
        ledger: the ledger (deals cancelled by their latest event are left out).
        grid: the period grid of the simulation.
        settings: default terms and delivery lag (assumptions).

    Returns:
        ``(lines, skipped)``.
    """
    settings = settings or ScheduleSettings()
    lines: list[FlowLine] = []
    skipped: list[Skipped] = []
    per_year = 12 / grid.months
    for deal in sorted(ledger.deals.values(), key=lambda d: d.id):
        if not _live(deal):
            skipped.append(Skipped(deal.id, "cancelled"))
            continue
        if deal.status_on(None) is Status.COMPLETED:
            why = ("completed: drawn before the simulation (its service is simulated: see the debt_service lines)"
                   if deal.kind == "debt" else "completed: paid before the simulation")
            skipped.append(Skipped(deal.id, why))
            continue
        if deal.kind == "revenue":
            skipped.append(Skipped(deal.id, "outside revenue: set it as the payee's revenue in the scenario"))
            continue
        flows = deal.pairwise_flows()
        if not flows:
            skipped.append(Skipped(deal.id, f"no money moves (type {deal.type})"))
            continue
        assumptions: list[str] = []
        start_date = deal.term_start or deal.announced
        if start_date is None:
            start_date = grid.start
            assumptions.append(f"start {grid.start.isoformat()} assumed (the deal states no date)")
        years = deal.term_years
        kind = deal.kind
        if years is None:
            years = settings.default_term_years.get(kind, 1.0)
            assumptions.append(f"term {years:g} years assumed for kind {kind}")
        start = grid.position(start_date)
        length = years * per_year
        for flow in flows:
            amount = flow.amount
            tranche_amounts = [t for t in deal.tranches if t.amount is not None]
            if amount is None and tranche_amounts:
                amount = tranche_amounts[0].amount
            if amount is None or not amount.is_money:
                skipped.append(Skipped(deal.id, "no money amount stated"))
                continue
            usd = _usd(amount)
            if usd is None:
                skipped.append(Skipped(deal.id, f"amount in {amount.unit} with no stated USD conversion"))
                continue
            cash = flow.kind != "warrant" and kind != "warrant"
            rule = deal.schedule or "flat"
            deploy_start = deploy_periods = None
            triggers = {t.trigger for t in deal.tranches}
            if not cash:
                rule = "warrant"
                profile = _window(grid, start, length)
            elif rule == "ramp":
                profile = _ramp(grid, start, length)
            elif rule == "upfront":
                profile = _window(grid, start, 0.0)
            elif rule == "on_delivery":
                profile = _window(grid, start + settings.delivery_lag, length)
                assumptions.append(f"delivery lag {settings.delivery_lag} period(s) assumed")
            elif rule == "tranches" and "per_gw" in triggers:
                rule = "per_gw"
                deploy_start, deploy_periods = start, length
                profile = _window(grid, start, length)
            elif rule == "tranches" and triggers and triggers <= {"date"}:
                rule = "dated"
                profile = np.zeros(grid.periods)
                total = sum(t.amount.pick("mid") for t in deal.tranches if t.amount is not None) or 1.0
                for t in deal.tranches:
                    if t.date is not None and t.amount is not None:
                        profile += _window(grid, grid.position(t.date), 0.0) * (t.amount.pick("mid") / total)
            else:
                rule = "flat" if rule in ("flat", "tranches") else rule
                profile = _window(grid, start, length)
            lines.append(FlowLine(
                deal=deal.id, payer=flow.payer, payee=flow.payee, kind=flow.kind or kind, rule=rule,
                amount=amount, usd_low=usd[0], usd_high=usd[1], profile=profile, cash=cash,
                deploy_start=deploy_start, deploy_periods=deploy_periods, assumptions=tuple(assumptions),
                status=(deal.status_on(None) or deal.status).value, start=start_date, years=years,
                terms=line_terms(deal, rule, start_date, years),
            ))
    unique = list({(s.deal, s.reason): s for s in skipped}.values())
    return lines, unique


def draw_amounts(
    lines: list[FlowLine], uniforms: np.ndarray, at_least_cap: float = 1.5, up_to_floor: float = 0.0
) -> np.ndarray:
    """USD amounts of each line for each run, from its interval, given uniforms in [0, 1) (runs, lines).

    ``exact``: the figure; ``about``, ``range``, ``vague``: uniform on ``[low, high]``; ``up_to``: uniform
    on ``[up_to_floor * high, high]``; ``at_least`` (no upper bound): uniform on ``[low, at_least_cap * low]``.
    """
    runs = uniforms.shape[0]
    out = np.zeros((runs, len(lines)))
    for k, line in enumerate(lines):
        col = uniforms[:, k if line.draw_with is None else line.draw_with]
        lo, hi = line.usd_low, line.usd_high
        q = line.amount.qualifier
        if hi is None:
            hi = lo * at_least_cap
        if q is Qualifier.UP_TO:
            lo = max(lo, up_to_floor * hi)
        if q is Qualifier.EXACT or hi <= lo:
            out[:, k] = lo
        else:
            out[:, k] = lo + (hi - lo) * col
    return out
