"""Debt recorded in the ledger, serviced quarter by quarter: interest, and the principal at maturity.

A deal of kind ``debt`` (``debt_financing``: lender -> borrower) makes two kinds of simulated flows:

* the **drawdown** (lender -> borrower), scheduled like any other deal while the loan is not yet drawn
  (status signed, announced...); a loan whose status is ``completed`` was drawn before the simulation;
* the **service** (borrower -> lender), a contract line of kind ``debt_service``: each quarter, interest
  ``rate / 4`` on the principal outstanding at its start, and the principal repaid in equal quarterly parts
  from the quarter after the drawdown to the quarter of maturity (a level-principal loan: the ledger's
  loans state no repayment schedule, and a bullet would put the whole refinancing in one quarter). The
  line's ``profile`` is in units of the principal, so the amount it multiplies is the principal drawn for
  the run (the same draw as the drawdown's).

``rate``: the deal's own interest rate when the ledger states one (``interest_rate`` field), else the
scenario's ``capital.interest_rate`` (an assumption, labelled). Maturity: ``term.start + term.years`` when
the deal states a term, else its start (or announcement) plus ``capital.debt_maturity_years`` (labelled).
A loan that matured before the simulation starts is left out ("repaid before the simulation"). The
principal is the loan's amount in the flows table (:func:`dealweb.flows.build_flows`; history and cancelled
loans are not there as live or paid money, and are not serviced).

This is the standard fixed-rate bullet loan of corporate credit analysis (e.g. Moody's, *Rating
Methodology for Corporate Debt*, debt service = interest + scheduled principal); amortising loans are
written as tranches in the ledger.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from dealweb.i18n import Msg
from dealweb.model import Deal, Ledger, Status
from dealweb.money import Amount, Qualifier
from dealweb.periods import add_months
from dealweb.sim.schedules import FlowLine, Grid, Skipped, _source, no_quote

__all__ = ["debt_service_lines", "service_profile"]


def service_profile(drawn: np.ndarray, rate: float, maturity: float, periods: int) -> np.ndarray:
    """Interest and level principal repayments per period, as a fraction of the principal.

    Args:
        drawn: ``(periods,)`` share of the principal drawn in each period.
        rate: interest per year (0.06 = 6 %), paid each quarter on the principal outstanding at its start.
        maturity: grid position (periods from the start) of the maturity date.
        periods: number of periods.

    Returns:
        ``(periods,)``: each quarter, interest ``rate / 4 x outstanding`` plus the principal repaid: what is
        drawn in period ``s`` is repaid in equal parts in the quarters ``s + 1 .. m`` (``m`` the quarter
        containing the maturity date; all of it in ``m`` when ``s >= m``).

    >>> service_profile(np.array([1.0, 0, 0, 0]), 0.08, 2.5, 4).round(4).tolist()
    [0.0, 0.52, 0.51, 0.0]
    """
    out = np.zeros(periods)
    t_mat = max(0, int(np.floor(maturity)))
    outstanding = np.zeros(periods + 1)  # at the start of each period
    for s, d in enumerate(drawn[:periods]):
        if d == 0.0:
            continue
        if s >= t_mat:
            if s < periods:
                out[s] += d  # drawn at or after maturity: repaid at once (bounded by the horizon)
            continue
        parts = t_mat - s
        for t in range(s + 1, t_mat + 1):
            left = d * (1.0 - (t - s - 1) / parts)  # outstanding from this draw at the start of t
            if t < periods:
                out[t] += d / parts
                outstanding[t] += left
    out += rate / 4.0 * outstanding[:periods]
    return out


def _maturity(deal: Deal, start: date, default_years: float) -> tuple[date, str]:
    if deal.term_years is not None:
        months = int(round(deal.term_years * 12))
        return add_months(start, months), _source(deal, ("term", "term_years"), no_quote("term.years"))
    months = int(round(default_years * 12))
    return add_months(start, months), Msg("sim.src.assumed_maturity", years=f"{default_years:g}")


def debt_service_lines(ledger: Ledger, grid: Grid, lines: list[FlowLine], rate: float,
                       maturity_years: float, overrides: dict[str, dict[str, Any]] | None = None,
                       where: dict[str, str] | None = None) -> tuple[list[FlowLine], list[Skipped]]:
    """The service lines (borrower -> lender) of every debt deal of ``ledger`` (see the module docstring).

    Args:
        ledger: the ledger.
        grid: the period grid.
        lines: the drawdown lines already scheduled (a not-yet-drawn loan is serviced on its drawdown).
        rate: the scenario's interest rate per year, for loans that state none.
        maturity_years: years to maturity for loans that state no term.
        overrides: the scenario's ``contracts.schedules`` (deal -> ``term_start``, ``term_years``): a loan's
            start and years there are the service's too (drawn then, repaid over those years), each term's
            source saying ``scenario: file:line``; other keys (shape, per-year reading) do not apply to a loan.
        where: deal -> ``file:line`` of its ``contracts.schedules`` entry (for the sources).
    """
    from dealweb.flows import build_flows

    # The principal of each loan, from the flows table (the one bridge from the ledger to numbers).
    principal: dict[str, list[float]] = {}
    live: dict[str, str] = {}
    for r in build_flows(ledger, period_months=grid.months).records():
        if r["kind"] != "debt" or r["status"] not in ("paid", "firm", "conditional", "rumoured"):
            continue
        got = principal.setdefault(r["deal"], [0.0, 0.0])
        got[0] += r["low"]
        got[1] += r["high"]
        live[r["deal"]] = r["status"]
    out: list[FlowLine] = []
    skipped: list[Skipped] = []
    for deal in sorted(ledger.deals.values(), key=lambda d: d.id):
        if deal.kind != "debt":
            continue
        status = deal.status_on(None) or deal.status
        if status is Status.CANCELLED or deal.status is Status.CANCELLED or (
                deal.id not in principal and deal.amount is not None and deal.amount.is_money):
            continue  # cancelled, or history (completed before the ledger's window)
        if not (deal.payer and deal.payee):
            skipped.append(Skipped(deal.id, "debt without one lender (from) and one borrower (to): not serviced"))
            continue
        if deal.id not in principal:
            skipped.append(Skipped(deal.id, "debt with no principal stated: not serviced"))
            continue
        usd = tuple(principal[deal.id])
        assumptions: list[str] = []
        chosen = (overrides or {}).get(deal.id, {})
        at = f"scenario: contracts.schedules ({(where or {}).get(deal.id, 'the scenario')})"
        start = deal.term_start or deal.announced
        start_src = _source(deal, ("term", "term_start"), no_quote("term.start"))
        if deal.term_start is None:
            start_src = Msg("sim.src.assumed_drawn_announced")
        if chosen.get("term_start") is not None:
            start, start_src = chosen["term_start"], at
            assumptions.append(f"drawn {start.isoformat()}: the scenario's choice")
        if start is None:
            start = grid.start
            start_src = Msg("sim.src.assumed_drawn_start")
            assumptions.append("drawn at the simulation's start assumed")
        if chosen.get("term_years") is not None:
            years = float(chosen["term_years"])
            when, mat_src = add_months(start, int(round(years * 12))), at
            assumptions.append(f"{years:g} years to maturity: the scenario's choice")
        else:
            when, mat_src = _maturity(deal, start, maturity_years)
        if mat_src.startswith("assumed"):
            assumptions.append(f"{maturity_years:g} years to maturity assumed")
        if when <= grid.start:
            skipped.append(Skipped(deal.id, f"debt matured {when.isoformat()}: repaid before the simulation"))
            continue
        own_rate = getattr(deal, "interest_rate", None)
        if isinstance(own_rate, int | float):
            r, rate_src = float(own_rate), _source(deal, ("interest_rate", "rate"),
                                                           Msg("sim.src.ledger_field", field="interest_rate"))
        else:
            r, rate_src = rate, Msg("sim.src.assumed_rate", rate=f"{rate:g}")
            assumptions.append(f"interest {rate:g} a year assumed")
        drawdown = next((k for k, ln in enumerate(lines) if ln.deal == deal.id and ln.payer == deal.payer
                         and ln.payee == deal.payee), None)
        mat = grid.position(when)
        if drawdown is None:  # drawn before the simulation, at ``start``: parts due before the grid are paid
            s0 = min(grid.position(start), -1e-9)
            pad = int(np.ceil(-s0)) if s0 < 0 else 0
            prof = np.zeros(grid.periods + pad)
            prof[max(0, int(np.floor(s0)) + pad)] = 1.0
            serv = service_profile(prof, r, mat + pad, grid.periods + pad)[pad:]
        else:
            serv = service_profile(lines[drawdown].profile, r, mat, grid.periods)
        terms = (
            ("shape", Msg("sim.debt_shape"), Msg("sim.src.assumed_level_principal")),
            ("start", start.isoformat(), start_src),
            ("maturity", when.isoformat(), mat_src),
            ("interest_rate", f"{r:g}", rate_src),
            ("status", status.value, _source(deal, ("status",), no_quote("status"))),
            ("amount", deal.amount.label() if deal.amount else "-",
             _source(deal, ("amount",), no_quote("amount"))),
        )
        qualifier = Qualifier.EXACT if usd[1] <= usd[0] else Qualifier.RANGE
        out.append(FlowLine(
            deal=deal.id, payer=deal.payee, payee=deal.payer, kind="debt_service", rule="interest+level_principal",
            amount=Amount(usd[0], usd[1], qualifier, "USD", deal.amount.text if deal.amount else ""),
            usd_low=usd[0], usd_high=usd[1], profile=serv, assumptions=tuple(assumptions),
            status=status.value, start=start, years=round((when - start).days / 365.25, 2), terms=terms,
            draw_with=drawdown, money="firm" if live[deal.id] == "paid" else live[deal.id],
        ))
    return out, skipped
