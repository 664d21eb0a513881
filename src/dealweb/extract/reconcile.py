"""Reconciliation: how a proposed claim stands against a ledger.

Each proposal gets a ``status``:

* ``new`` — the ledger has no deal between these parties (no fact of this entity, metric and period);
* ``matches`` — the ledger already holds this very claim (same document, overlapping span);
* ``adds_source`` — the ledger holds the record and agrees with the figure; this is one more source;
* ``conflicts`` — the ledger holds the record and disagrees; ``reason`` says how:
  ``unit_slip`` (the figures differ by a factor of 10, 100 or 1000: 18億 against 180億),
  ``value_mismatch`` (the intervals do not overlap), ``period`` (same figure, another quarter label),
  ``direction`` (the ledger has the money flowing the other way), ``joke`` (this source, or a source the
  ledger already flags, calls the claim a joke).

``record`` names the deal or fact the claim relates to (``None`` for ``new``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from dealweb.model import FLOW_KIND, Claim, Deal, Fact, Ledger
from dealweb.money import Amount

__all__ = ["Verdict", "metric_related", "reconcile_deal", "reconcile_fact", "slip_factor"]


@dataclass(frozen=True, slots=True)
class Verdict:
    """``status`` (new | matches | adds_source | conflicts), the ``record`` id, and the ``reason``."""

    status: str
    record: str | None = None
    reason: str = ""
    in_ledger: bool = False


def slip_factor(a: Amount, b: Amount) -> int | None:
    """10, 100 or 1000 when ``a`` and ``b`` differ by that factor (either way, within 2 %), else ``None``.

    >>> from dealweb.money import parse_amount
    >>> slip_factor(parse_amount("18億美元"), parse_amount("180億美元"))
    10
    """
    x, y = a.point, b.point
    if x <= 0 or y <= 0:
        return None
    r = max(x, y) / min(x, y)
    for f in (10, 100, 1000):
        if abs(math.log(r / f)) < 0.02:
            return f
    return None


def _same_unit(a: Amount, b: Amount) -> bool:
    return (a.unit or "USD") == (b.unit or "USD")


def _compare(a: Amount, b: Amount) -> str:
    """``agree``, ``unit_slip``, ``value_mismatch`` or ``incomparable``."""
    if not _same_unit(a, b):
        if a.usd_low is not None and b.unit == "USD":
            a = Amount(a.usd_low, a.usd_high, a.qualifier, "USD")
        elif b.usd_low is not None and a.unit == "USD":
            b = Amount(b.usd_low, b.usd_high, b.qualifier, "USD")
        else:
            return "incomparable"
    if a.overlaps(b) or math.isclose(a.point, b.point, rel_tol=0.01):
        return "agree"  # within 1 %: the same figure rounded (149億 and 149.3億美元)
    return "unit_slip" if slip_factor(a, b) else "value_mismatch"


def _already(claims: Iterable[Claim], document: str, start: int, end: int) -> bool:
    return any(c.document == document and c.start is not None and c.end is not None
               and c.start < end and start < c.end for c in claims)


def _deal_parties(d: Deal) -> set[str]:
    return set(d.entities())


def reconcile_deal(ledger: Ledger, payer: str, payee: str, typ: str | None, amount: Amount | None,
                   capacity_gw: float | None, document: str, start: int, end: int,
                   joke: bool = False) -> Verdict:
    """The verdict for a proposed deal claim ``payer -> payee`` whose sentence is ``[start, end)``."""
    cands = [d for d in ledger.deals.values() if {payer, payee} <= _deal_parties(d)
             or (typ == d.type == "joint_venture" and payer in _deal_parties(d)
                 and (d.id == payee or d.id.startswith(payee + "-")))]
    # a deal of another kind between the same firms (a loan beside an investment) is another deal
    kind = FLOW_KIND.get(typ or "", "none")
    cands = [d for d in cands if typ is None or FLOW_KIND.get(d.type, "none") == kind]
    if not cands:
        return Verdict("new")

    def rank(d: Deal) -> tuple[int, int, int]:
        ordered = d.payer == payer and d.payee == payee
        agree = 0
        if amount is not None:
            figs = [d.amount] + [c.amount for c in d.claims]
            agree = int(any(f is not None and _compare(amount, f) == "agree" for f in figs))
        return (int(d.type == typ), int(ordered), agree)

    d = max(cands, key=rank)
    claims = list(d.claims) + [c for e in d.events for c in e.claims]
    held = _already(claims, document, start, end)
    if d.payer == payee and d.payee == payer and d.type == typ:
        return Verdict("conflicts", d.id, "direction", in_ledger=held)
    if joke:
        return Verdict("conflicts", d.id, "joke", in_ledger=held)
    if amount is not None:
        figures = [(d.amount, None)] + [(c.amount, c) for c in claims if c.field in ("amount", "parties")]
        results = [(_compare(amount, f), c) for f, c in figures if f is not None]
        agreeing = [c for r, c in results if r == "agree"]
        if agreeing and all(c is not None and c.flag == "joke" for c in agreeing):
            return Verdict("conflicts", d.id, "joke", in_ledger=held)
        if not agreeing:
            kinds = [r for r, _ in results if r != "incomparable"]
            if "unit_slip" in kinds:
                return Verdict("conflicts", d.id, "unit_slip", in_ledger=held)
            if kinds:
                return Verdict("conflicts", d.id, "value_mismatch", in_ledger=held)
    if capacity_gw is not None and d.capacity_gw is not None and abs(capacity_gw - d.capacity_gw) > 1e-9:
        if amount is None:
            ratio = max(capacity_gw, d.capacity_gw) / max(min(capacity_gw, d.capacity_gw), 1e-12)
            slip = any(abs(math.log(ratio / f)) < 0.02 for f in (10, 100, 1000))
            return Verdict("conflicts", d.id, "unit_slip" if slip else "value_mismatch", in_ledger=held)
    if held:
        return Verdict("matches", d.id, in_ledger=True)
    return Verdict("adds_source", d.id)


def _period_key(label: str | None) -> str:
    return (label or "").replace(" ", "").upper()


_NOT_LEVEL = frozenset({"growth", "yoy", "qoq", "multiple", "cagr", "consensus", "above", "below", "ratio",
                        "decline", "effect", "target", "shortfall", "change", "cost", "count", "rank"})


def metric_related(claimed: str, recorded: str) -> bool:
    """Whether a ledger metric (``oci_revenue_guidance``) is a kind of the claimed one (``revenue``).

    The claimed metric's words must appear in the recorded one in order; a recorded metric that is a rate,
    a ratio or a change (``revenue_growth_yoy``) is not a kind of a level unless the claim is a change too.

    >>> metric_related("revenue", "oci_revenue_guidance"), metric_related("revenue", "revenue_growth_yoy")
    (True, False)
    """
    want = claimed.removesuffix("_guidance").split("_")
    have = recorded.split("_")
    extra = (set(have) - set(want)) & _NOT_LEVEL
    if extra:
        return False
    it = iter(have)
    return all(w in it for w in want)


#: :func:`metric_related` remembered per pair of metric names (a claim is compared with every fact of its entity).
_metric_related = lru_cache(maxsize=8192)(metric_related)


def reconcile_fact(ledger: Ledger, entity: str, metric: str, value: Amount, period: str | None,
                   document: str, start: int, end: int) -> Verdict:
    """The verdict for a proposed fact claim about ``entity`` whose sentence is ``[start, end)``.

    Facts of the entity whose metric is related (:func:`metric_related`) are compared: same period and an
    agreeing value -> ``matches`` (this very claim is there) or ``adds_source``; same period, a value off
    by 10/100/1000 -> ``conflicts``/``unit_slip``; same metric and period, another value ->
    ``conflicts``/``value_mismatch``; the value agrees with a fact of another period -> ``conflicts``/
    ``period`` (a quarter label that disagrees). A claim the ledger already holds gets ``in_ledger``.
    """
    cands: list[Fact] = [f for f in ledger.facts.values() if f.entity == entity and _metric_related(metric, f.metric)]
    if not cands:
        return Verdict("new")
    held = next((f for f in cands if _already(f.claims, document, start, end)), None)
    if period and period.startswith("--"):
        period = None  # a day without a year cannot be compared
    same_period = [f for f in cands if period and (_period_key(f.period) == _period_key(period) or (
        f.as_of is not None and f.as_of.isoformat() == period))]
    if not period:
        same_period = cands

    def agrees(f: Fact) -> bool:
        return _compare(value, f.value) == "agree" or any(
            c.amount is not None and not c.flag and _compare(value, c.amount) == "agree" for c in f.claims)

    agree = [f for f in same_period if agrees(f)]
    if agree:
        f = next((x for x in agree if x.metric == metric), agree[0])
        if _already(f.claims, document, start, end):
            return Verdict("matches", f.id, in_ledger=True)
        return Verdict("adds_source", f.id, in_ledger=held is not None)
    slips = [f for f in same_period if _compare(value, f.value) == "unit_slip"]
    if slips:
        return Verdict("conflicts", slips[0].id, "unit_slip", in_ledger=held is not None)
    other = [f for f in cands if f not in same_period and (f.metric == metric and agrees(f) or math.isclose(
        value.point, f.value.point, rel_tol=0.005))]
    if other and period:
        return Verdict("conflicts", other[0].id, "period", in_ledger=held is not None)
    exact = [f for f in same_period if f.metric == metric and _compare(value, f.value) == "value_mismatch"]
    if exact and period:
        return Verdict("conflicts", exact[0].id, "value_mismatch", in_ledger=held is not None)
    if held is not None:
        return Verdict("matches", held.id, in_ledger=True)
    return Verdict("new")
