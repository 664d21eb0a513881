"""Schedules: the flows table's live flows as lines on the simulation's period grid (quarters by default).

The flows table (:func:`dealweb.flows.build_flows`) is the one bridge from the ledger to numbers: it says
which flows are live, their amounts as intervals and their dated rows by shape (flat, ramp, upfront,
on_delivery, per-GW and dated tranches, per-year rates). :func:`schedule_ledger` turns each live pairwise
flow into a :class:`FlowLine`: its amount interval (drawn per run by :func:`draw_amounts`) and its
``profile``, the share of the amount paid in each period (summing to the share inside the horizon).

What the simulation adds, each listed as an assumption of the line (``docs/simulation.md``, "Schedules"):
a start and default term for flows the table leaves undated, the delivery lag of ``on_delivery`` flows, and
the per-run deployment pace of ``per_gw`` flows. Warrants move shares, not cash: they are left to
:mod:`dealweb.sim.warrants` and never enter the clearing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from dealweb.i18n import Msg, Verbatim, catalogue
from dealweb.model import Deal, Ledger
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
    money: str = "firm"  # the flows table's status class: firm (paid or firm), conditional or rumoured
    scheduled: bool = True  # False: no date in the ledger, on no quarter (listed with the money left out)

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


def _quoted(source: str) -> Msg:
    """``ledger: <document>: <quote>`` of the flows table's source (the quote as written, the frame in words)."""
    return Msg("sim.src.ledger_quote", quote=Verbatim(source))


def _from_rows(source: str) -> Msg:
    """The flows table's quote of a tranche, else ``ledger: the deal's tranches``."""
    return _quoted(source) if source else Msg("sim.src.tranches")


def no_quote(field: str) -> Msg:
    """``ledger: <field> (no quote)``: a term the ledger gives with no quote behind it."""
    return Msg("sim.src.ledger_no_quote", field=Verbatim(field))


def _source(deal: Deal, fields: tuple[str, ...], fallback: str) -> str:
    """``ledger: <document>: <quote>`` of the deal's first unflagged claim on one of ``fields``, else ``fallback``."""
    for c in deal.claims:
        if c.field in fields and c.flag is None:
            return Msg("sim.src.ledger_quote", quote=Verbatim(f"{c.document}: {c.quote}"))
    return fallback


def schedule_ledger(
    ledger: Ledger, grid: Grid, settings: ScheduleSettings | None = None,
    overrides: dict[str, dict[str, Any]] | None = None,
) -> tuple[list[FlowLine], list[Skipped]]:
    """Every live pairwise flow of the ledger as a :class:`FlowLine` on ``grid``, read from the flows table.

    A thin adapter over :func:`dealweb.flows.build_flows` (the one bridge from the ledger to numbers): the
    table says which flows are live (firm, conditional, rumoured), their amounts (low..high, USD), their
    dated rows and shapes, and what it assumed. The simulation adds only what it needs to put money on
    its grid, each listed as an assumption of the line:

    * a flow the table leaves undated (its term's start or length unknown) is scheduled with a start (its
      first stated date, else the deal's announcement, else the simulation's start) and the scenario's
      default term for its kind (``contracts.default_term_years``), passed to the table as overrides;
    * ``on_delivery`` flows are paid ``delivery_lag`` quarters after the table's rows;
    * ``per_gw`` flows keep the table's amount and term, and are paced per run (``deployment_pace``).

    A line's ``profile[t]`` is the share of its amount (by the table's mid values) falling in period ``t``;
    rows before the grid or after its end are outside the simulation. ``overrides`` are the scenario's own
    per-deal schedule choices (``contracts.schedules``: shape, start, years, per-year reading), passed on.

    Args:
        ledger: the ledger.
        grid: the period grid of the simulation (quarters; the table's calendar quarters are mapped onto it).
        settings: default terms and delivery lag (assumptions).
        overrides: per-deal schedule choices for the flows table (``dealweb.flows.build_flows``'s scenario).

    Returns:
        ``(lines, skipped)``: cash lines (warrants, which move shares, are left to :mod:`dealweb.sim.warrants`).
    """
    from dealweb.flows import build_flows

    settings = settings or ScheduleSettings()
    chosen = {k: dict(v) for k, v in (overrides or {}).items()}
    first = build_flows(ledger, scenario=chosen or None, period_months=grid.months)
    assumed: dict[str, tuple[str, ...]] = {}
    extra: dict[str, dict[str, Any]] = {}
    rows = list(first.records())
    for r in rows:
        did = r["deal"]
        if r["status"] not in _LIVE or not r["cash"] or r["kind"] == "revenue" or did in extra:
            continue
        if r["period_end"] is not None and r["period_start"] is not None:
            continue
        deal = ledger.deals.get(did)
        if deal is None or r["shape"] in ("milestone", "share_price"):
            continue
        ov = dict(chosen.get(did, {}))
        notes = []
        if r["period_start"] is not None:
            start = date.fromisoformat(r["period_start"])
        elif deal.term_start is not None:
            start = deal.term_start
        elif deal.announced is not None:
            start = deal.announced
            notes.append(Msg("sim.note.from_announcement", date=start.isoformat()))
        else:
            start = grid.start
            notes.append(Msg("sim.note.start", date=grid.start.isoformat()))
        years = r["term_years"] if r["term_years"] is not None and not math.isnan(r["term_years"]) else None
        if years is None:
            years = settings.default_term_years.get(r["kind"], 1.0)
            notes.append(Msg("sim.note.term", years=f"{years:g}", kind=Msg(f"sim.kind.{r['kind']}") if
                             f"sim.kind.{r['kind']}" in catalogue("en") else str(r["kind"])))
        ov.setdefault("term_start", start)
        ov.setdefault("term_years", years)
        extra[did] = ov
        assumed[did] = tuple(notes)
    table = build_flows(ledger, scenario={**chosen, **extra}, period_months=grid.months) if extra else first
    lines: list[FlowLine] = []
    skipped: list[Skipped] = []
    # One line per (deal, payer, payee, status): a deal with a firm tranche and a conditional one ($15B now,
    # $35B on milestones; $12B firm plus an option for up to $15B more) makes two lines, so a firm-only run
    # leaves its conditional part out (one line took the first row's status for the whole amount).
    groups: dict[tuple[str, str, str, str], list[dict[str, Any]]] = {}
    for r in table.records():
        groups.setdefault((r["deal"], r["payer"], r["payee"], r["status"]), []).append(r)
    for s_ in table.skipped:
        skipped.append(Skipped(s_.deal, s_.reason))
    for (did, payer, payee, _status), rs in sorted(groups.items()):
        r0 = rs[0]
        status, kind = r0["status"], r0["kind"]
        if status not in _LIVE:
            why = {"paid": "completed: paid before the simulation", "history": "history: completed before the "
                   "ledger's window", "cancelled": "cancelled"}.get(status, status)
            if kind == "debt" and status == "paid":
                why = "completed: drawn before the simulation (its service is simulated: see the debt_service lines)"
            skipped.append(Skipped(did, why))
            continue
        if kind == "revenue":
            skipped.append(Skipped(did, "outside revenue: set it as the payee's revenue in the scenario"))
            continue
        if not r0["cash"]:
            continue  # warrants move shares: dealweb.sim.warrants
        if payer == payee:
            continue
        dated = [r for r in rs if r["period_start"] is not None and r["period_end"] is not None]
        low = float(sum(r["low"] for r in rs))
        high = float(sum(r["high"] for r in rs))
        if not dated:
            if status in ("conditional", "rumoured"):  # listed with its amount, never silently dropped
                lines.append(_unscheduled_line(ledger.deals.get(did), did, payer, payee, rs, low, high, grid,
                                               table))
            else:
                skipped.append(Skipped(did, f"no dated payments ({r0['shape']}: {r0['trigger'] or 'no term stated'})"))
            continue
        use = "mid" if sum(r["mid"] for r in rs) > 0 else "high"
        whole = float(sum(r[use] for r in rs)) or 1.0
        shares = [r[use] / whole for r in dated]  # of the line's whole amount (undated rows are never paid)
        profile = np.zeros(grid.periods)
        starts = [date.fromisoformat(r["period_start"]) for r in dated]
        for when, share in zip(starts, shares, strict=True):
            t = grid.index(when)
            if 0 <= t < grid.periods:
                profile[t] += share
        shape = r0["shape"]
        rule = "flat" if shape == "flat" else shape
        notes = list(assumed.get(did, ())) + [a for a in table.assumptions.get(did, ())]
        deploy_start = deploy_periods = None
        if shape == "on_delivery" and settings.delivery_lag:
            lag = settings.delivery_lag
            profile = np.concatenate([np.zeros(lag), profile[:grid.periods - lag]]) if lag < grid.periods else \
                np.zeros(grid.periods)
            notes.append(f"delivery lag {lag} period(s) assumed")
        if shape == "per_gw":
            first_day = min(starts)
            last_day = max(date.fromisoformat(r["period_end"]) for r in dated)
            deploy_start = grid.position(first_day)
            deploy_periods = max(grid.position(last_day + timedelta(days=1)) - deploy_start, 1e-9)
        open_high = any(r["open_high"] for r in rs)
        qualifier = (Qualifier.AT_LEAST if open_high else Qualifier.EXACT if high <= low else
                     Qualifier.UP_TO if low == 0 else Qualifier.RANGE)
        deal = ledger.deals.get(did)
        amount = Amount(low, None if open_high else high, qualifier, "USD", _label(low, high),
                        nominal=high if qualifier is Qualifier.UP_TO else None)
        years = r0["term_years"] if r0["term_years"] is not None and not math.isnan(r0["term_years"]) else None
        years = years if years is not None else extra.get(did, {}).get("term_years")
        terms = _terms_of(deal, rule, min(starts), years, r0, notes, did in extra, table)
        lines.append(FlowLine(
            deal=did, payer=payer, payee=payee, kind=kind, rule=rule, amount=amount, usd_low=low,
            usd_high=None if open_high else high, profile=profile,
            deploy_start=deploy_start, deploy_periods=deploy_periods, assumptions=tuple(notes), status=status,
            start=min(starts), years=years, terms=terms, money=status,
        ))
    unique = list({(s.deal, s.reason): s for s in skipped}.values())
    return lines, unique


_LIVE = ("firm", "conditional", "rumoured")
#: The reason an undated conditional flow is on no quarter of the run (listed, never paid).
NOT_SCHEDULED = "no date: not scheduled"


def _unscheduled_line(deal: Deal | None, did: str, payer: str, payee: str, rs: list[dict[str, Any]], low: float,
                      high: float, grid: Grid, table: Any) -> FlowLine:
    """A conditional flow the ledger gives no date (a milestone tranche with no day): a line paying nothing.

    Its amount is kept, so it is listed with the money a run leaves out (with or without ``--include``),
    and ``scheduled`` is False with the reason in its assumptions: no payment date is invented for it.
    """
    r0 = rs[0]
    open_high = any(r["open_high"] for r in rs)
    qualifier = (Qualifier.AT_LEAST if open_high else Qualifier.EXACT if high <= low else
                 Qualifier.UP_TO if low == 0 else Qualifier.RANGE)
    amount = Amount(low, None if open_high else high, qualifier, "USD", _label(low, high),
                    nominal=high if qualifier is Qualifier.UP_TO else None)
    trigger = str(r0.get("trigger") or "")
    source = str(r0.get("source") or "")
    why = f"{NOT_SCHEDULED} (the ledger gives no date for this {r0['shape']} flow: the run pays none of it)"
    terms = (("shape", str(r0["shape"]), Msg("sim.src.tranches")),
             ("status", str(r0["status"]),
              _source(deal, ("status",), no_quote("status")) if deal else "ledger"),
             ("amount", amount.label(), _from_rows(source)),
             *((("trigger", trigger, _from_rows(source)),)
               if trigger else ()))
    return FlowLine(deal=did, payer=payer, payee=payee, kind=str(r0["kind"]), rule=str(r0["shape"]), amount=amount,
                    usd_low=low, usd_high=None if open_high else high, profile=np.zeros(grid.periods),
                    assumptions=(why, *table.assumptions.get(did, ())), status=str(r0["status"]),
                    terms=terms, money=str(r0["status"]), scheduled=False)


def _label(low: float, high: float) -> str:
    def b(x: float) -> str:
        return f"${x / 1e9:,.3g}B" if x >= 1e9 else f"${x:,.0f}"
    return b(low) if high <= low else f"{b(low)}–{b(high)}"


def _terms_of(deal: Deal | None, rule: str, start: date, years: float | None, row: dict[str, Any],
              notes: list[str], sim_assumed: bool, table: Any) -> tuple[tuple[str, str, str], ...]:
    """Each term of a line with its source: the table's quote, or the assumption in words."""
    flat_assumed = any("flat payments over the term assumed" in n for n in notes)
    shape_src = Msg("sim.src.assumed_flat") if flat_assumed \
        else (_source(deal, ("schedule", "payments", "payment_terms", "per_year"), no_quote("schedule"))
              if deal is not None else "ledger")
    start_note = next((n for n in notes if n.startswith(("start ", "payments from the announcement"))), None)
    years_note = next((n for n in notes if n.startswith("term ")), None)
    start_src = Msg("sim.src.assumed", note=start_note) if start_note else (
        _source(deal, ("term", "term_start"), no_quote("term.start")) if deal is not None else "ledger")
    years_src = Msg("sim.src.assumed", note=years_note) if years_note else (
        _source(deal, ("term", "term_years"), no_quote("term.years")) if deal is not None else "ledger")
    source = str(row.get("source") or "")
    trigger = str(row.get("trigger") or "")
    when = (("trigger", trigger, _from_rows(source)),) if trigger else ()
    return (
        ("shape", rule, shape_src),
        ("start", start.isoformat(), start_src),
        ("years", "-" if years is None else f"{years:g}", years_src),
        ("status", row["status"], _source(deal, ("status",), no_quote("status")) if deal else "ledger"),
        ("amount", deal.amount.label() if deal is not None and deal.amount is not None else "-",
         _quoted(source) if source else (_source(deal, ("amount",), no_quote("amount"))
                                              if deal else "ledger")),
        *when,
    )


def draw_amounts(
    lines: list[FlowLine], uniforms: np.ndarray, at_least_cap: float = 1.5, up_to_floor: float = 0.0,
    columns: np.ndarray | None = None,
) -> np.ndarray:
    """USD amounts of each line for each run, from its interval, given uniforms in [0, 1) (runs, columns).

    Line ``k`` uses column ``columns[k]`` (default ``k``); a line with ``draw_with`` uses that column instead
    (debt service shares its principal's draw). Columns are fixed per simulated flow whatever money a run
    counts, so a line keeps its draw when conditional money is added or left out (common random numbers).

    ``exact``: the figure; ``about``, ``range``, ``vague``: uniform on ``[low, high]``; ``up_to``: uniform
    on ``[up_to_floor * high, high]``; ``at_least`` (no upper bound): uniform on ``[low, at_least_cap * low]``.
    """
    runs = uniforms.shape[0]
    out = np.zeros((runs, len(lines)))
    for k, line in enumerate(lines):
        own = k if columns is None else int(columns[k])
        col = uniforms[:, own if line.draw_with is None else line.draw_with]
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
