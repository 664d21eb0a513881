"""Which payment schedules a ledger's deals allow: the checks behind "a schedule that cannot be built".

A deal's ``schedule`` says how its money is spread over time (``docs/flows.md``). Some shapes need facts
the deal must state; without them the schedule cannot be built and guessing would put invented money on
dated periods, so these are errors at the deal's line, with a hint:

* ``ramp`` and ``on_delivery`` need the term's length (``term: {years: N}`` or ``start`` and ``end``):
  a ramp or a delivery stream has no shape without it.
* ``tranches`` need at least one tranche.
* tranches whose amounts add up to more than the deal's amount (its upper end): the parts exceed the
  whole. A ``per_gw`` tranche's amount counts once per GW of the deal's ``capacity_gw``.
* a ``per_gw`` tranche with an amount needs the deal's ``capacity_gw`` (how many GW it is paid for).

What may be left open (the flows table then has one undated whole-contract row, and says so): the term
of a ``flat`` or ``upfront`` deal, the start of any deal.

These checks read only the :class:`~dealweb.model.Ledger`; the loader and ``dealweb check`` report them
with the other problems, and :func:`dealweb.flows.build_flows` refuses the deals they name.
"""

from __future__ import annotations

from dealweb.errors import Problem
from dealweb.model import Deal, Ledger, Pos

__all__ = ["check_schedules", "schedule_problems"]

#: Relative tolerance when adding tranche amounts up against the deal's amount.
RTOL = 1e-9


def _usd_high(a: object) -> float | None:
    high = getattr(a, "usd_high", None)
    if high is None and getattr(a, "unit", None) == "USD":
        high = a.high  # type: ignore[attr-defined]
    return high


def _usd_low(a: object) -> float | None:
    low = getattr(a, "usd_low", None)
    if low is None and getattr(a, "unit", None) == "USD":
        low = a.low  # type: ignore[attr-defined]
    return low


def schedule_problems(deal: Deal, file: str = "") -> list[Problem]:
    """Problems that make ``deal``'s schedule impossible to build (see the module docstring).

    Args:
        deal: the deal.
        file: file name used when the deal carries no position.

    Returns:
        One :class:`~dealweb.errors.Problem` per problem (severity ``error``, field ``schedule`` or
        ``tranches``), empty when the schedule can be built.
    """
    pos = deal.pos or Pos(file or "<ledger>", 1, 1)
    out: list[Problem] = []

    def err(message: str, hint: str, fld: str) -> None:
        out.append(Problem(pos.file, pos.line, pos.col, message, hint, "error", fld))

    shape = deal.schedule or "flat"
    has_money = deal.amount is not None or any(f.amount is not None for f in deal.flows)
    if shape in ("ramp", "on_delivery") and has_money and not deal.term_years:
        err(f"deal {deal.id!r} has schedule {shape!r} but no term length: a {shape} cannot be built without it",
            "add term: {start: YYYY-MM-DD, years: N} (or start and end) from a source, or write schedule: flat "
            "to keep the whole amount as one undated row", "schedule")
    if shape == "tranches" and not deal.tranches:
        err(f"deal {deal.id!r} has schedule 'tranches' but lists no tranche",
            "add tranches: [{trigger: per_gw | milestone | date | share_price, ...}], or another schedule",
            "tranches")
    total = 0.0
    priced = False
    for t in deal.tranches:
        if t.amount is None:
            continue
        low = _usd_low(t.amount)
        if low is None:
            continue
        times = 1.0
        if t.trigger == "per_gw":
            if not deal.capacity_gw:
                err(f"deal {deal.id!r} has a per_gw tranche of {t.amount.label()} but no capacity_gw",
                    "add capacity_gw: N (the GW the tranche is paid for), or give the tranche's total amount "
                    "with trigger: milestone", "tranches")
                continue
            times = float(deal.capacity_gw)
        total += low * times
        priced = True
    high = _usd_high(deal.amount) if deal.amount is not None else None
    if priced and high is not None and total > high * (1 + RTOL):
        err(f"deal {deal.id!r}: its tranches add up to ${total:,.0f}, more than the deal's amount "
            f"({deal.amount.label()})",  # type: ignore[union-attr]
            "correct the tranche amounts or the deal's amount so the parts do not exceed the whole (a per_gw "
            "tranche counts once per GW of capacity_gw)", "tranches")
    return out


def check_schedules(ledger: Ledger) -> list[Problem]:
    """Every deal's schedule problems (:func:`schedule_problems`), in deal order.

    >>> from dealweb.model import Deal, Ledger
    >>> bad = Deal(id="x", type="compute_contract", payer="a", payee="b", schedule="ramp",
    ...            amount=__import__("dealweb.money", fromlist=["parse_amount"]).parse_amount("$5B"))
    >>> [p.field for p in check_schedules(Ledger(deals={"x": bad}))]
    ['schedule']
    """
    out: list[Problem] = []
    for d in ledger.deals.values():
        out.extend(schedule_problems(d, ledger.root or ""))
    return out
