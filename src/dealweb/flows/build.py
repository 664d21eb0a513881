"""Build the flows table from a ledger: statuses, schedules by shape, known dates, the valuation policy.

The steps, for every deal (in ledger order) and every pairwise flow of it:

1. **Known?** With ``as_of=D``, a deal is in the table only when its earliest dated source is on or before
   ``D`` (:func:`dealweb.flows.known.known_from`) and its status on ``D`` is known; deals whose sources are
   all undated are listed in ``Flows.unknown_date`` and left out, deals known later in
   ``Flows.not_yet_known``.
2. **Status** on ``as_of`` (the latest event on or before it): ``cancelled``; ``history`` (completed before
   the ledger's window); ``paid`` (completed); ``rumoured``; ``conditional`` (a letter of intent, an "up to"
   ceiling, per-GW / milestone / share-price tranches); ``firm`` otherwise.
3. **Figure**: the flow's amount; when the deal's tranches carry amounts, one figure per tranche (basis
   ``tranche``; a ``per_gw`` tranche's amount times the deal's ``capacity_gw``). In US dollars (the FX table
   of the ledger converts other currencies), read at ``low``, :attr:`~dealweb.money.Amount.mid` and
   ``high``.
4. **Schedule** on the calendar grid (quarters by default), by shape: ``flat`` (equal per day over the
   term), ``ramp`` (payments growing linearly from zero over the term: the share paid by time ``t`` of a
   term ``T`` is ``(t / T)^2``), ``upfront`` (all in the period of the start), ``on_delivery`` and ``per_gw``
   (spread evenly over the term, as deliveries or deployments; an assumption, listed), ``date`` tranches on
   their date. Money is conserved: a deal's rows add up to its figure exactly (the last period takes the
   rounding). Where the term is not known the figure is ONE undated whole-contract row (its
   ``period_start`` is the start when known) and nothing is guessed.

Schedules that cannot be built (:mod:`dealweb.ledger.schedules`) are problems (file:line, hint) and
their deals make no row.
"""

from __future__ import annotations

import gc
import itertools
import math
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import numpy as np

from dealweb.flows.known import deal_as_of, document_date, known_from, ledger_window, resolver
from dealweb.flows.table import KINDS, POLICIES, Flows, Skipped
from dealweb.ledger.schedules import schedule_problems
from dealweb.model import FLOW_KIND, Deal, Ledger, Status
from dealweb.money import Amount, Qualifier
from dealweb.periods import add_months

__all__ = ["build_flows", "expand_schedules"]

_EPOCH_M = np.datetime64("1970-01", "M")
_MODE = {"undated": 0, "flat": 1, "ramp": 2, "point": 3}
_CONDITIONAL_TRIGGERS = {"per_gw": "paid as each GW is deployed", "milestone": "paid on a milestone",
                         "share_price": "vests when the share price reaches the threshold"}
_SOURCE_FIELDS = ("amount", "term", "tranches", "schedule", "flows", "consideration")
#: What a deal's ``consideration`` makes of its rows, in words (listed with the deal's assumptions).
_CONSIDERATION_WORDS = {
    "stock": "paid in shares (consideration: stock): value, not money (cash=False)",
    "mixed": "paid in cash and shares, the split not stated (consideration: mixed): the whole figure is counted "
             "as money (cash=True), an upper bound on the cash",
}


class _Texts:
    """Interned strings: text -> index."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {"": 0}
        self.items: list[str] = [""]

    def __call__(self, s: str) -> int:
        k = self.index.get(s)
        if k is None:
            k = self.index[s] = len(self.items)
            self.items.append(s)
        return k


def _to_days(d: date | None) -> np.datetime64:
    return np.datetime64("NaT", "D") if d is None else np.datetime64(d, "D")


def _positions(days: np.ndarray, months: int) -> np.ndarray:
    """Where each date falls on the period grid, in periods since 1970-01 (fractional)."""
    m = (days.astype("datetime64[M]") - _EPOCH_M).astype(np.int64)
    t = m // months
    first = (_EPOCH_M + t * months).astype("datetime64[D]")
    nxt = (_EPOCH_M + (t + 1) * months).astype("datetime64[D]")
    frac = (days - first).astype(np.int64) / (nxt - first).astype(np.int64)
    return t + frac


def expand_schedules(mode: np.ndarray, start: np.ndarray, years: np.ndarray, months: int = 3,
                     end: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Spread figures over a calendar grid: one row per (figure, period it touches).

    Args:
        mode: per figure, 0 undated (one row), 1 flat over the term, 2 ramp over the term, 3 all in the
            period containing ``start``.
        start: per figure, the start date (``datetime64[D]``; NaT allowed for mode 0).
        years: per figure, the term in years (used by modes 1 and 2; > 0).
        months: the grid's period length in months (3: calendar quarters; must divide 12).
        end: optional per figure, the first day after the term (``datetime64[D]``; NaT: use ``years``), so
            that a term of whole months ends exactly on a period boundary.

    Returns:
        ``(figure, weight, period_start, period_end)`` per row: the figure's index, the share of it that
        falls in the period (a figure's weights add up to exactly 1), and the period's first and last day
        (NaT for undated rows; an undated row with a known start has that start as ``period_start``).

    >>> mode = np.array([1]); start = np.array(["2027-01-01"], dtype="datetime64[D]")
    >>> fig, w, ps, pe = expand_schedules(mode, start, np.array([1.0]))
    >>> w.tolist(), str(ps[0]), str(pe[-1])
    ([0.25, 0.25, 0.25, 0.25], '2027-01-01', '2027-12-31')
    """
    if 12 % months:
        raise ValueError(f"a period of {months} months does not divide the year: use 1, 2, 3, 4, 6 or 12")
    s = mode.shape[0]
    dated = mode > 0
    pos = np.zeros(s)
    if dated.any():
        pos[dated] = _positions(start[dated], months)
    length = np.where((mode == 1) | (mode == 2), np.nan_to_num(years) * 12.0 / months, 0.0)
    if end is not None:
        has = ((mode == 1) | (mode == 2)) & ~np.isnat(end)
        if has.any():
            length[has] = np.maximum(_positions(end[has], months) - pos[has], 0.0)
    q0 = np.floor(pos).astype(np.int64)
    q1 = np.where(length > 0, np.ceil(pos + length - 1e-9).astype(np.int64) - 1, q0)
    q1 = np.maximum(q1, q0)
    n = np.where(dated, q1 - q0 + 1, 1)
    fig = np.repeat(np.arange(s), n)
    first_row = np.cumsum(n) - n
    off = np.arange(fig.size) - np.repeat(first_row, n)
    k = q0[fig] + off
    p, lf, md = pos[fig], length[fig], mode[fig]
    w = np.ones(fig.size)
    flat = md == 1
    if flat.any():
        a = np.maximum(k[flat], p[flat])
        b = np.minimum(k[flat] + 1, p[flat] + lf[flat])
        w[flat] = np.clip(b - a, 0.0, None) / lf[flat]
    ramp = md == 2
    if ramp.any():
        hi = np.clip((k[ramp] + 1 - p[ramp]) / lf[ramp], 0.0, 1.0)
        lo = np.clip((k[ramp] - p[ramp]) / lf[ramp], 0.0, 1.0)
        w[ramp] = hi * hi - lo * lo
    multi = n > 1
    if multi.any():
        # money is conserved exactly: the last period of each figure takes what rounding left over
        sums = np.add.reduceat(w, first_row)
        last = first_row + n - 1
        w[last[multi]] += 1.0 - sums[multi]
    ps = (_EPOCH_M + k * months).astype("datetime64[D]")
    pe = (_EPOCH_M + (k + 1) * months).astype("datetime64[D]") - np.timedelta64(1, "D")
    und = ~dated[fig]
    ps[und] = start[fig][und]
    pe[und] = np.datetime64("NaT", "D")
    return fig, w, ps, pe


def _fmt_usd(x: float) -> str:
    from dealweb.fmt import money

    return money(x)


def _usd_points(a: Amount, ledger: Ledger, on: date | None) -> tuple[float, float, float, bool] | None:
    """(low, mid, high, open_high) of ``a`` in USD; ``None`` when no conversion is known."""
    if a.unit != "USD" and a.usd_rate is None:
        a = ledger.fx.to_usd(a, on)
    lo, mi, hi = a.usd("low"), a.usd("mid"), a.usd("high")
    if lo is None or mi is None or hi is None:
        return None
    return float(lo), float(mi), float(hi), a.high is None


def _sources(deal: Deal) -> str:
    """The claims behind a deal's figure: ``doc-id: «quote»`` (unflagged amount/term claims first)."""
    claims = [c for c in deal.claims if not c.flag]
    pick = [c for c in claims if c.field in _SOURCE_FIELDS] or claims
    return " | ".join(f"{c.document}: «{c.quote}»" for c in pick[:3])


def _completed_on(deal: Deal) -> date | None:
    """The date a completed deal completed: its latest ``completed`` event (no event: unknown)."""
    done = [e.date for e in deal.events if e.status is Status.COMPLETED]
    return max(done) if done else None


def _is_history(ledger: Ledger, deal: Deal, window: tuple[date | None, date | None] | None) -> bool:
    if hasattr(ledger, "is_history") and getattr(ledger, "window", None) is not None:
        return bool(ledger.is_history(deal))  # type: ignore[attr-defined]
    if window is None or window[0] is None:
        return False
    done = _completed_on(deal)
    return done is not None and done < window[0]


def _status(ledger: Ledger, deal: Deal, st: Status, window: tuple[date | None, date | None] | None
            ) -> tuple[str, str]:
    """(row status, trigger) of a deal whose ledger status on the date is ``st``."""
    if st is Status.CANCELLED:
        return "cancelled", ""
    if st is Status.COMPLETED:
        return ("history", "") if _is_history(ledger, deal, window) else ("paid", "")
    if st is Status.RUMOURED:
        return "rumoured", "a rumour: not confirmed by the parties"
    if st is Status.LETTER_OF_INTENT:
        return "conditional", "a letter of intent: not yet a binding contract"
    return "firm", ""


def _known_state(deal: Deal, documents: Mapping[str, Any], as_of: date, cache: dict[str, Any]) -> str:
    """``known``, ``not_yet`` or ``unknown_date`` on ``as_of``, from the deal's sources (jokes excluded).

    Known when some source was published by ``as_of``; not yet when every source certainly was not (dated
    later, or bounded below by a later ``not_before``); otherwise (undated sources) the date is unknown.
    """
    states = []
    for c in [*deal.claims, *(c for e in deal.events for c in e.claims)]:
        if c.flag == "joke":
            continue
        key = (c.document, as_of)
        if key not in cache:
            doc = documents.get(c.document)
            if doc is None:
                cache[key] = None
            elif hasattr(doc, "known_on"):
                cache[key] = doc.known_on(as_of)
            else:
                cache[key] = None if doc.date is None else doc.date <= as_of
        states.append(cache[key])
    if any(x is True for x in states):
        return "known"
    if states and all(x is False for x in states):
        return "not_yet"
    return "unknown_date"


def _days(a: date, b: date) -> float:
    return (b - a).days / 365.25


class _Figure:
    """One figure of a flow: USD points, basis, shape, trigger, timing, and what it assumed."""

    __slots__ = ("assumed", "basis", "end", "high", "low", "mid", "mode", "open", "shape", "source", "start",
                 "trigger", "years")

    def __init__(self, pts: tuple[float, float, float, bool], basis: str, shape: str, trigger: str, mode: str,
                 start: date | None, years: float, assumed: list[str], source: str | None = None) -> None:
        self.low, self.mid, self.high, self.open = pts
        self.basis, self.shape, self.trigger, self.mode = basis, shape, trigger, mode
        self.start, self.years, self.assumed, self.source = start, years, assumed, source
        self.end: date | None = _term_end(start, years) if mode in ("flat", "ramp") else None


def _quote(claims: Any) -> str:
    return " | ".join(f"{c.document}: «{c.quote}»" for c in claims if not c.flag)


def _years_between(a: date, b: date) -> float:
    """Years from ``a`` to ``b`` on the month grid (5 months = 5/12; a partial month by its days)."""
    pos = _positions(np.asarray([a, b], dtype="datetime64[D]"), 1)
    return float(pos[1] - pos[0]) / 12.0


def _term_end(start: date | None, years: float | None) -> date | None:
    """The first day after a term of ``years`` from ``start`` (whole months by the calendar)."""
    if start is None or not years:
        return None
    months = float(years) * 12.0
    whole = int(math.floor(months + 1e-9))
    end = add_months(start, whole)
    rest = months - whole
    return end if rest < 1e-9 else end + timedelta(days=int(round(rest * 30.4375)))


def _overlap(spans: list[tuple[date, date | None]]) -> bool:
    """Whether rates share days: two start together, or one's stated end runs past the next one's start."""
    spans = sorted(spans, key=lambda x: x[0])
    return any(a == c or (b is not None and b >= c) for (a, b), (c, _) in itertools.pairwise(spans))


def _per_year_figures(deal: Deal, rates: Any, ledger: Ledger, on: date | None, term_start: date | None,
                      term_end: date | None, choice: int | None,
                      contract: tuple[float, float, float, bool] | None = None) -> tuple[list[_Figure], str]:
    """Figures from per-year payment terms, or none and the reason.

    Rates that follow each other (each from its start to the next one's, or to its own end, or to the end of
    the term) are the schedule: one flat figure each, basis ``per_year``, money per year x years. Rates
    whose spans overlap are readings of the same contract that the sources do not reconcile: flows does not
    choose between them (the contract's total is scheduled instead, and the reason says so) unless the
    scenario picks one (``{"per_year": k}``: the k-th rate, 0-based, alone). Rates that add up, over the
    term, to a total outside the contract's own amount (``contract``: its USD low, mid, high) disagree
    with it the same way: the contract's total is scheduled, and the reason gives both figures.
    """
    rates = list(rates)
    if choice is not None:
        if not 0 <= choice < len(rates):
            raise ValueError(f"scenario for {deal.id!r}: per_year {choice} is not one of its {len(rates)} rates")
        rates = [rates[choice]]
    spans = [(r.start or term_start, r.end) for r in rates]
    if len(rates) > 1 and all(sp[0] is not None for sp in spans) and _overlap(
            [(a, b) for a, b in spans]):  # type: ignore[misc]
        words = "; ".join(f"{r.amount.label()} a year from {(r.start or term_start).isoformat()}"  # type: ignore[union-attr]
                          for r in rates)
        return [], (f"the sources' yearly figures do not agree ({words}): the contract's total is scheduled; "
                    "a scenario can pick one reading")
    order = sorted(range(len(rates)), key=lambda k: spans[k][0] or date.min)
    out: list[_Figure] = []
    for n, k in enumerate(order):
        r = rates[k]
        pts = _usd_points(r.amount, ledger, on)
        if pts is None:
            continue
        start = spans[k][0]
        nxt = spans[order[n + 1]][0] if n + 1 < len(order) else None
        end = (r.end + timedelta(days=1)) if r.end else (nxt or term_end)
        said = [f"scenario: the reading '{r.amount.label()} a year' alone"] if choice is not None else []
        if start is None or end is None or end <= start:
            said.append("a yearly figure with no end in the ledger: the row holds one year of it")
            out.append(_Figure(pts, "per_year", "flat", "", "undated", start, math.nan, said, _quote(r.claims)))
            continue
        yrs = _years_between(start, end)
        fig = _Figure((pts[0] * yrs, pts[1] * yrs, pts[2] * yrs, pts[3]), "per_year", "flat", "", "flat",
                      start, yrs, said, _quote(r.claims) or None)
        fig.end = end
        out.append(fig)
    if choice is None and contract is not None and out and all(f.mode == "flat" for f in out):
        lo, hi = sum(f.low for f in out), sum(f.high for f in out)
        c_lo, c_hi = contract[0], (math.inf if contract[3] else contract[2])
        if hi < c_lo * (1 - 1e-9) or lo > c_hi * (1 + 1e-9):
            return [], (f"the sources' yearly figures add up to {_fmt_usd(lo)}..{_fmt_usd(hi)} over the term, not the "
                        f"contract's {_fmt_usd(contract[1])}: the contract's total is scheduled; a scenario can pick "
                        "one yearly reading")
    return out, ""


def _tranche_figures(deal: Deal, ledger: Ledger, on: date | None, term_start: date | None,
                     term_years: float | None) -> list[_Figure]:
    """One figure per priced tranche (per_gw: amount x count steps; pro rata per_gw: the deal's amount)."""
    out: list[_Figure] = []
    for t in deal.tranches:
        trig = t.trigger if t.trigger in ("per_gw", "milestone", "share_price", "date") else "milestone"
        words = _CONDITIONAL_TRIGGERS.get(trig, "")
        price = getattr(t, "price", None)
        if trig == "share_price":
            level = price.label() if price is not None else (f"{t.threshold:g}" if t.threshold is not None else "")
            words = f"vests when the share price reaches {level}".strip()
        elif trig == "milestone" and getattr(t, "milestone", ""):
            words = f"paid when {t.milestone}"
        elif trig == "per_gw":
            cap = deal.capacity_gw
            step = getattr(t, "gw", None) or 1.0
            words = ("paid as each GW is deployed" if step == 1 else f"paid as each {step:g} GW is deployed") + (
                f" ({cap:g} GW in all)" if cap else "")
        said: list[str] = []
        amt = t.amount
        if amt is None:
            if trig == "per_gw" and deal.amount is not None:
                amt = deal.amount
                said.append("per-GW payments not stated: the deal's amount paid pro rata as GW are deployed")
            else:
                continue
        elif trig == "per_gw":
            steps = getattr(t, "count", None) or (deal.capacity_gw / (getattr(t, "gw", None) or 1.0)
                                                  if deal.capacity_gw else None)
            if steps:
                amt = amt.scaled(float(steps))
        pts = _usd_points(amt, ledger, on)
        if pts is None:
            continue
        start = getattr(t, "start", None) or t.date or term_start
        if trig == "date" and t.date is not None:
            mode, yrs = "point", math.nan
        elif trig == "per_gw" and start is not None and term_years:
            mode, yrs = "flat", float(term_years)
            said.append("deployment assumed linear over the term (paid as each GW is deployed)")
        else:
            mode, yrs = "undated", math.nan
        out.append(_Figure(pts, "tranche", trig, words if trig != "date" else "", mode, start, yrs, said,
                           _quote(getattr(t, "claims", ())) or None))
    return out


_ORDINAL_1970 = date(1970, 1, 1).toordinal()


def _dates(seq: Any, n: int) -> np.ndarray:
    """``datetime64[D]`` of a sequence of dates or None (NaT), built from ordinals (fast for 10^6 items)."""
    o = np.fromiter((0 if d is None else d.toordinal() for d in seq), dtype=np.int64, count=n)
    out = (o - _ORDINAL_1970).astype("datetime64[D]")
    out[o == 0] = np.datetime64("NaT")
    return out


def _term_end_vec(start: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Vectorised :func:`_term_end`: the first day after ``years`` from ``start`` by calendar months."""
    months = years * 12.0
    whole = np.floor(months + 1e-9).astype(np.int64)
    m0 = start.astype("datetime64[M]")
    day = (start - m0.astype("datetime64[D]")).astype(np.int64)
    em = m0 + whole
    month_len = ((em + 1).astype("datetime64[D]") - em.astype("datetime64[D]")).astype(np.int64)
    end = em.astype("datetime64[D]") + np.minimum(day, month_len - 1).astype("timedelta64[D]")
    rest = months - whole
    return end + np.round(np.where(rest < 1e-9, 0.0, rest) * 30.4375).astype(np.int64).astype("timedelta64[D]")


_FAST_SHAPES = frozenset({"flat", "ramp", "upfront"})


def _is_simple(d: Deal, scenario: Mapping[str, Any]) -> bool:
    """Whether a deal takes the vectorised path: one payer -> payee USD figure, no events, terms or tranches."""
    a = d.amount
    return (a is not None and a.unit == "USD" and not d.flows and not d.events and not d.tranches
            and d.payer is not None and d.payee is not None and d.payer != d.payee
            and FLOW_KIND.get(d.type, "none") in _KIND_SET and d.schedule in _FAST_SHAPES
            and not (d.schedule == "ramp" and not d.term_years) and not getattr(d, "per_year", ())
            and d.id not in scenario)


_KIND_SET = frozenset(KINDS)


def _uniformly_known(d: Deal, documents: Mapping[str, Any], as_of: date, published: dict[str, bool]) -> bool:
    """Whether every source of ``d`` (jokes aside) was published by ``as_of``, or none was.

    Such a deal reads on ``as_of`` as recorded (or not at all): it may take the vectorised path. A deal some
    of whose sources came later is read claim by claim (:func:`dealweb.flows.known.deal_as_of`).
    """
    seen_true = seen_false = False
    for c in d.claims:
        if c.flag == "joke":
            continue
        k = published.get(c.document)
        if k is None:
            doc = documents.get(c.document)
            k = published[c.document] = bool(doc is not None and doc.known_on(as_of) is True)
        if k:
            seen_true = True
        else:
            seen_false = True
        if seen_true and seen_false:
            return False
    return True


def _fast_columns(deals: list[Deal], ledger: Ledger, as_of: date | None, texts: _Texts, ent: Any,
                  first_index: int, documents: Mapping[str, Any]) -> tuple[dict[str, np.ndarray], list[str],
                                                                            list[str], list[str],
                                                                            dict[str, list[str]], bool]:
    """The figures of simple deals (:func:`_is_simple`) as arrays, computed column by column.

    The same rules as the general loop of :func:`build_flows`, written for whole columns at once so that a
    ledger of 10^6 deals is read in seconds. Returns (columns, deal ids, unknown-date ids, not-yet ids,
    assumptions, whether any amount is vague).
    """
    doc_date = {k: document_date(v) for k, v in documents.items()}
    doc_state: dict[str, bool | None] = {}
    if as_of is not None:
        for k, v in documents.items():
            doc_state[k] = v.known_on(as_of) if hasattr(v, "known_on") else (
                None if v.date is None else v.date <= as_of)

    def kf_of(d: Deal) -> date | None:
        best = None
        for c in d.claims:
            if c.flag == "joke":
                continue
            x = doc_date.get(c.document)
            if x is not None and (best is None or x < best):
                best = x
        return best

    def state_of(d: Deal) -> str:
        states = [doc_state.get(c.document) for c in d.claims if c.flag != "joke"]
        if any(x is True for x in states):
            return "known"
        if states and all(x is False for x in states):
            return "not_yet"
        return "unknown_date"

    unknown: list[str] = []
    later: list[str] = []
    if as_of is not None:
        keep = []
        for d in deals:
            stt = state_of(d)
            if stt == "unknown_date":
                unknown.append(d.id)
            elif stt == "not_yet" or (d.announced is not None and d.announced > as_of):
                later.append(d.id)
            else:
                keep.append(d)
        deals = keep
    n = len(deals)
    ids = [d.id for d in deals]
    status_map = {Status.CANCELLED: 4, Status.COMPLETED: 0, Status.RUMOURED: 3, Status.LETTER_OF_INTENT: 2}
    st = np.asarray([status_map.get(d.status, 1) for d in deals], dtype=np.int8)
    amounts = [d.amount for d in deals]
    low = np.asarray([a.low for a in amounts], dtype=np.float64)  # type: ignore[union-attr]
    opened = np.asarray([a.high is None for a in amounts], dtype=bool)  # type: ignore[union-attr]
    high = np.asarray([a.low if a.high is None else a.high for a in amounts], dtype=np.float64)  # type: ignore[union-attr]
    mid = np.asarray([a.mid for a in amounts], dtype=np.float64)  # type: ignore[union-attr]
    quals = [a.qualifier for a in amounts]  # type: ignore[union-attr]
    up_to = np.asarray([q is Qualifier.UP_TO for q in quals], dtype=bool)
    vague = any(q is Qualifier.VAGUE for q in quals)
    trig = np.zeros(n, dtype=np.int32)
    rum = texts("a rumour: not confirmed by the parties")
    loi = texts("a letter of intent: not yet a binding contract")
    trig[st == 3] = rum
    trig[st == 2] = loi
    for k in np.flatnonzero(up_to & ((st == 1) | (st == 2))).tolist():
        words = f"a ceiling: up to {_fmt_usd(high[k])}, how much is paid is not stated"
        trig[k] = texts(words if st[k] == 1 else f"a letter of intent: not yet a binding contract; {words}")
        st[k] = 2
    ts = _dates((d.term_start for d in deals), n)
    ty = np.asarray([d.term_years or np.nan for d in deals], dtype=np.float64)
    ann = _dates((d.announced for d in deals), n)
    shape_code = {"flat": 0, "ramp": 1, "upfront": 2}
    shp = np.asarray([shape_code[d.schedule] for d in deals], dtype=np.int8)
    has_term = ~np.isnat(ts) & np.isfinite(ty) & (ty > 0)
    mode = np.zeros(n, dtype=np.int8)
    start = ts.copy()
    mode[has_term & (shp == 0)] = _MODE["flat"]
    mode[has_term & (shp == 1)] = _MODE["ramp"]
    up = shp == 2
    start[up & np.isnat(ts)] = ann[up & np.isnat(ts)]
    mode[up & ~np.isnat(start)] = _MODE["point"]
    years = np.where((mode == 1) | (mode == 2), ty, np.nan)
    end = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    spread = (mode == 1) | (mode == 2)
    if spread.any():
        end[spread] = _term_end_vec(start[spread], years[spread])
    stated_end = _dates((getattr(d, "term_end", None) for d in deals), n)
    use_stated = spread & ~np.isnat(stated_end)
    end[use_stated] = stated_end[use_stated] + np.timedelta64(1, "D")
    assumed = np.zeros(n, dtype=np.int32)
    assumptions: dict[str, list[str]] = {}
    flat_words = "flat payments over the term assumed (the ledger states no schedule)"
    flat_code = texts(flat_words)
    unstated = np.asarray([not getattr(d, "schedule_stated", True) for d in deals], dtype=bool)
    for k in np.flatnonzero((mode == 1) & (shp == 0) & unstated).tolist():
        assumed[k] = flat_code
        assumptions[ids[k]] = [flat_words]
    for k in np.flatnonzero(up & np.isnat(ts) & ~np.isnat(start)).tolist():
        words = f"paid on the announcement date {start[k]} (no start stated)"
        assumed[k] = texts(words)
        assumptions[ids[k]] = [words]
    for k, d in enumerate(deals):
        words = _CONSIDERATION_WORDS.get(d.consideration)
        if words:
            assumed[k] = texts("; ".join(x for x in (texts.items[assumed[k]], words) if x))
            assumptions.setdefault(ids[k], []).append(words)
    src_cache: dict[int, int] = {}
    source = np.empty(n, dtype=np.int32)
    for k, d in enumerate(deals):
        key = id(d.claims)
        code = src_cache.get(key)
        if code is None:
            code = src_cache[key] = texts(_sources(d))
        source[k] = code
    kind_code = {k: i for i, k in enumerate(KINDS)}
    kinds = np.asarray([kind_code[FLOW_KIND[d.type]] for d in deals], dtype=np.int8)
    cols = {
        "payer": np.asarray([ent(d.payer) for d in deals], dtype=np.int32),
        "payee": np.asarray([ent(d.payee) for d in deals], dtype=np.int32),
        "deal": np.arange(first_index, first_index + n, dtype=np.int32),
        "kind": kinds, "status": st, "basis": np.zeros(n, dtype=np.int8),
        "shape": np.asarray([0, 1, 2], dtype=np.int8)[shp] if n else np.zeros(0, np.int8),
        "mode": mode, "start": start, "end": end, "years": years,
        "term": np.where(np.isfinite(ty), ty, np.nan), "low": low, "mid": mid, "high": high, "open": opened,
        "cash": (kinds != kind_code["warrant"]) & ~np.asarray([d.consideration == "stock" for d in deals], dtype=bool),
        "trigger": trig, "source": source, "assumed": assumed,
        "known": _dates((kf_of(d) for d in deals), n),
    }
    return cols, ids, unknown, later, assumptions, vague


def build_flows(
    ledger: Ledger,
    *,
    as_of: date | None = None,
    policy: str = "mid",
    scenario: Mapping[str, Mapping[str, Any]] | None = None,
    period_months: int = 3,
) -> Flows:
    """The dated flows table of ``ledger`` as known on ``as_of``, valued by ``policy``.

    Args:
        ledger: the ledger (read only).
        as_of: read the ledger as known on this date (no look-ahead); ``None``: everything it records.
        policy: ``low``, ``mid`` or ``high``: which point of each amount's interval ``value`` holds (the
            columns ``low``, ``mid``, ``high`` are always there). ``mid`` is :attr:`Amount.mid`.
        scenario: per-deal overrides, each listed as an assumption of the deal: ``{deal_id: {"schedule":
            "ramp", "term_start": date, "term_years": 5, "per_year": 1, "exclude": True}}`` (``per_year``: use
            the k-th per-year rate alone, when the sources' yearly figures disagree).
        period_months: the grid's period in months (3: calendar quarters).

    Returns:
        The :class:`~dealweb.flows.table.Flows` table.

    Raises:
        ValueError: an unknown policy, a period that does not divide the year, an unknown scenario key.
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown valuation policy {policy!r}: use low, mid or high")
    # the cyclic garbage collector would rescan the whole ledger (10^6 deals) many times while the table is
    # built from short-lived objects that hold no cycles: paused for the build, restored after
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(ledger, as_of, policy, scenario, period_months)
    finally:
        if enabled:
            gc.enable()


def _build(ledger: Ledger, as_of: date | None, policy: str, scenario: Mapping[str, Mapping[str, Any]] | None,
           period_months: int) -> Flows:
    if 12 % period_months:
        raise ValueError(f"a period of {period_months} months does not divide the year: use 1, 2, 3, 4, 6 or 12")
    scenario = scenario or {}
    for did, ov in scenario.items():
        unknown = set(ov) - {"schedule", "term_start", "term_years", "exclude", "per_year"}
        if unknown:
            raise ValueError(f"scenario for {did!r}: unknown key(s) {sorted(unknown)}; use schedule, term_start, "
                             "term_years, per_year, exclude")
    window = ledger_window(ledger)
    texts = _Texts()
    ent_index: dict[str, int] = {e: i for i, e in enumerate(ledger.entities)}
    entities = list(ledger.entities)
    deal_ids: list[str] = []
    kind_code = {k: i for i, k in enumerate(KINDS)}
    status_code = {s: i for i, s in enumerate(("paid", "firm", "conditional", "rumoured", "cancelled", "history"))}
    basis_code = {"contract": 0, "per_year": 1, "tranche": 2}
    shape_code = {s: i for i, s in enumerate(("flat", "ramp", "upfront", "on_delivery", "per_gw", "milestone",
                                              "share_price", "date"))}
    cols: dict[str, list[Any]] = {k: [] for k in (
        "payer", "payee", "deal", "kind", "status", "basis", "shape", "mode", "start", "end", "years", "term", "low",
        "mid", "high", "open", "cash", "trigger", "source", "assumed", "known")}
    assumptions: dict[str, list[str]] = {}
    unknown_date: list[str] = []
    not_yet: list[str] = []
    skipped: list[Skipped] = []
    problems = []
    doc_cache: dict[str, date | None] = {}
    state_cache: dict[Any, Any] = {}
    documents = ledger.documents
    any_vague = False
    published: dict[str, bool] = {}
    resolve = resolver(ledger)
    versions: dict[str, tuple[str, ...]] = {}

    def ent(x: str) -> int:
        i = ent_index.get(x)
        if i is None:
            i = ent_index[x] = len(entities)
            entities.append(x)
        return i

    simple = [d for d in ledger.deals.values() if _is_simple(d, scenario) and (
        as_of is None or _uniformly_known(d, documents, as_of, published))]
    simple_ids = {d.id for d in simple}
    for deal in ledger.deals.values():
        if deal.id in simple_ids:
            continue
        ov = scenario.get(deal.id, {})
        if ov.get("exclude"):
            assumptions.setdefault(deal.id, []).append("scenario: left out")
            continue
        if not deal.pairwise_flows():
            continue
        record = deal
        st = deal.status_on(as_of)
        version_source = ""
        if as_of is not None:
            state = _known_state(deal, documents, as_of, state_cache)
            if state == "unknown_date":
                unknown_date.append(deal.id)
                continue
            if state == "not_yet" or st is None:
                not_yet.append(deal.id)
                continue
            # the deal as its sources had reported it by as_of: figures, terms, status, parties (no look-ahead)
            v = deal_as_of(deal, documents, as_of, resolve=resolve, cache=published)
            if v.status is None:
                not_yet.append(deal.id)
                continue
            deal, st = v.deal, v.status
            if v.figures:
                versions[deal.id] = tuple(f.sentence() for f in v.figures)
                version_source = (f"as of {as_of.isoformat()}: " + "; ".join(
                    f"{f.field} from {f.document}" + (f" ({f.date.isoformat()})" if f.date else "")
                    for f in v.figures) + " | ")
        if st is None:
            continue
        flows = deal.pairwise_flows()
        if not flows:
            skipped.append(Skipped(deal.id, record.payer or "", record.payee or "",
                                   f"its flows were not yet reported on {as_of}"))
            continue
        kf = known_from(record, documents, doc_cache)
        probs = schedule_problems(record, ledger.root or "")
        if probs:
            problems.extend(probs)
            for f in flows:
                skipped.append(Skipped(deal.id, f.payer, f.payee, "schedule cannot be built (see the problem)"))
            continue
        row_status, trigger = _status(ledger, deal, st, window)
        shape = str(ov.get("schedule", deal.schedule or "flat"))
        stated_shape = bool(getattr(deal, "schedule_stated", True)) or "schedule" in ov
        term_start = ov.get("term_start", deal.term_start)
        term_years = ov.get("term_years", deal.term_years)
        term_end = getattr(deal, "term_end", None)
        term_end = term_end + timedelta(days=1) if term_end is not None else None  # first day after the term
        if term_start is not None and term_years and ("term_start" in ov or "term_years" in ov or term_end is None):
            term_end = _term_end(term_start, float(term_years))
        notes: list[str] = [f"scenario: {k} = {v}" for k, v in ov.items() if k not in ("exclude", "per_year")]
        if deal.consideration in _CONSIDERATION_WORDS:
            notes.append(_CONSIDERATION_WORDS[deal.consideration])
        source = version_source + _sources(deal)
        d_index = len(deal_ids)
        deal_ids.append(deal.id)
        on = as_of or deal.announced
        single = len(flows) == 1
        for f in flows:
            if f.payer == f.payee:
                skipped.append(Skipped(deal.id, f.payer, f.payee, "self-flow (payer is payee)"))
                continue
            kind = f.kind if f.kind in kind_code else FLOW_KIND.get(f.kind, "none")
            if kind not in kind_code:
                continue
            figures: list[_Figure] = []
            rates = getattr(deal, "per_year", ()) if single else ()
            rate_note = ""
            if rates and "schedule" not in ov:
                contract = _usd_points(f.amount, ledger, on) if f.amount is not None and f.amount.is_money else None
                figures, rate_note = _per_year_figures(deal, rates, ledger, on, term_start, term_end,
                                                       ov.get("per_year"), contract)
            if not figures and single and deal.tranches and any(
                    t.amount is not None or t.trigger == "per_gw" for t in deal.tranches):
                figures = _tranche_figures(deal, ledger, on, term_start, term_years)
            if not figures:
                amt = f.amount
                if amt is None:
                    skipped.append(Skipped(deal.id, f.payer, f.payee, "no amount"))
                    continue
                if not amt.is_money:
                    skipped.append(Skipped(deal.id, f.payer, f.payee,
                                           f"amount is in {amt.unit or 'no unit'}, not money"))
                    continue
                pts = _usd_points(amt, ledger, on)
                if pts is None:
                    skipped.append(Skipped(deal.id, f.payer, f.payee,
                                           f"no USD value for {amt.currency} (declare an fx rate in the ledger)"))
                    continue
                any_vague = any_vague or amt.qualifier is Qualifier.VAGUE
                said: list[str] = []
                fshape = shape if shape != "tranches" else "milestone"
                if fshape == "upfront":
                    start = term_start or deal.announced
                    mode, yrs = ("undated", math.nan) if start is None else ("point", math.nan)
                    if start is not None and term_start is None:
                        said.append(f"paid on the announcement date {start.isoformat()} (no start stated)")
                elif term_start is not None and term_years:
                    start, yrs = term_start, float(term_years)
                    mode = "ramp" if fshape == "ramp" else "flat"
                    if fshape == "on_delivery":
                        said.append("deliveries assumed evenly spread over the term")
                    elif fshape == "flat" and not stated_shape:
                        said.append("flat payments over the term assumed (the ledger states no schedule)")
                    elif fshape == "milestone":
                        mode = "undated"
                else:
                    mode, start, yrs = "undated", term_start, math.nan
                ceiling = amt.qualifier is Qualifier.UP_TO
                src = None
                if rate_note:
                    said.append(rate_note)
                    src = " | ".join(x for x in (source, *(_quote(r.claims) for r in rates)) if x)
                figures = [_Figure(pts, "contract", fshape, "", mode, start, yrs, said, src)]
                if mode in ("flat", "ramp") and term_end is not None and "term_years" not in ov:
                    figures[0].end = term_end
                if ceiling:
                    figures[0].trigger = f"a ceiling: up to {_fmt_usd(pts[2])}, how much is paid is not stated"
            for fig in figures:
                status = row_status
                parts = [trigger] if trigger else []
                if fig.basis != "per_year" and status in ("firm", "conditional") and (
                        fig.shape in ("per_gw", "milestone", "share_price") or fig.trigger.startswith("a ceiling")):
                    status = "conditional"
                    if fig.trigger:
                        parts.append(fig.trigger)
                # a dated tranche with its own stated (not "up to") amount is what the sources say is paid
                # on that date: the deal's "up to" ceiling covers the other tranches, not this one
                stated_tranche = fig.basis == "tranche" and fig.shape == "date" and fig.low > 0
                if deal.amount is not None and deal.amount.qualifier is Qualifier.UP_TO and status in (
                        "firm", "conditional") and not stated_tranche and not any(
                        p.startswith("a ceiling") for p in parts):
                    status = "conditional"
                    parts.append(f"a ceiling: {deal.amount.label()}, how much is paid is not stated")
                trig = "; ".join(dict.fromkeys(p for p in parts if p))
                said = [*notes, *fig.assumed]
                if said:
                    lst = assumptions.setdefault(deal.id, [])
                    lst.extend(x for x in said if x not in lst)
                cols["payer"].append(ent(f.payer))
                cols["payee"].append(ent(f.payee))
                cols["deal"].append(d_index)
                cols["kind"].append(kind_code[kind])
                cols["status"].append(status_code[status])
                cols["basis"].append(basis_code[fig.basis])
                cols["shape"].append(shape_code.get(fig.shape, 0))
                cols["mode"].append(_MODE[fig.mode])
                cols["start"].append(fig.start)
                cols["years"].append(fig.years)
                cols["end"].append(fig.end)
                cols["term"].append(float(term_years) if term_years else math.nan)
                cols["low"].append(fig.low)
                cols["mid"].append(fig.mid)
                cols["high"].append(fig.high)
                cols["open"].append(fig.open)
                cols["cash"].append(kind != "warrant" and deal.consideration != "stock")
                cols["trigger"].append(texts(trig))
                cols["source"].append(texts(fig.source or source))
                cols["assumed"].append(texts("; ".join(said)))
                cols["known"].append(kf)
    fast, fast_ids, fast_unknown, fast_later, fast_assumed, fast_vague = _fast_columns(
        simple, ledger, as_of, texts, ent, len(deal_ids), documents)
    deal_ids.extend(fast_ids)
    unknown_date.extend(fast_unknown)
    not_yet.extend(fast_later)
    for k, v in fast_assumed.items():
        assumptions[k] = v
    any_vague = any_vague or fast_vague
    notes = [f"policy {policy}: every amount is read at the {policy} point of its interval "
             "(mid: the middle; for vague words such as 數百億 the geometric middle)"]
    if window is not None:
        notes.append("window " + " .. ".join(d.isoformat() if d else "open" for d in window)
                     + ": deals completed before it are history, not live flows")
    if as_of is not None and unknown_date:
        notes.append(f"{len(unknown_date)} deal(s) have only undated sources: their known date is unknown, so "
                     f"they are left out as of {as_of.isoformat()} and listed apart")
    if versions:
        notes.append(f"as of {as_of.isoformat() if as_of else ''}, {len(versions)} deal(s) show the figures their "
                     "sources had reported by then, not the ledger's current ones: " + "; ".join(
                         f"{k}: {', '.join(v)}" for k, v in versions.items()))
    if any_vague:
        notes.append("vague amounts (數百億, several billion) have their mid at the geometric middle of the interval")
    return _assemble(cols, entities, deal_ids, texts.items, policy, as_of, window, period_months,
                     {k: tuple(v) for k, v in assumptions.items()}, tuple(unknown_date), tuple(not_yet),
                     tuple(skipped), tuple(problems), tuple(notes), fast, versions)


_DTYPES = {"payer": np.int32, "payee": np.int32, "deal": np.int32, "kind": np.int8, "status": np.int8,
           "basis": np.int8, "shape": np.int8, "mode": np.int8, "start": "datetime64[D]", "end": "datetime64[D]",
           "years": np.float64, "term": np.float64, "low": np.float64, "mid": np.float64, "high": np.float64,
           "open": bool, "cash": bool, "trigger": np.int32, "source": np.int32, "assumed": np.int32,
           "known": "datetime64[D]"}


def _assemble(cols: dict[str, list[Any]], entities: list[str], deals: list[str], texts: list[str], policy: str,
              as_of: date | None, window: tuple[date | None, date | None] | None, months: int,
              assumptions: dict[str, tuple[str, ...]], unknown_date: tuple[str, ...], not_yet: tuple[str, ...],
              skipped: tuple[Skipped, ...], problems: tuple[Any, ...], notes: tuple[str, ...],
              fast: dict[str, np.ndarray] | None = None, versions: dict[str, tuple[str, ...]] | None = None
              ) -> Flows:
    arr = {k: np.asarray(v, dtype=_DTYPES[k]) if len(v) else np.zeros(0, dtype=_DTYPES[k]) for k, v in cols.items()}
    if fast is not None:
        arr = {k: np.concatenate([arr[k], fast[k].astype(_DTYPES[k])]) for k in arr}
    fig, w, ps, pe = expand_schedules(arr["mode"], arr["start"], arr["years"], months, arr["end"])

    def per(name: str) -> np.ndarray:
        return arr[name][fig]

    low, mid, high = per("low") * w, per("mid") * w, per("high") * w
    return Flows(
        entities=tuple(entities), deals=tuple(deals), texts=tuple(texts),
        payer=per("payer"), payee=per("payee"), deal=per("deal"), kind=per("kind"), status=per("status"),
        basis=per("basis"), shape=per("shape"), period_start=ps, period_end=pe, low=low, mid=mid, high=high,
        open_high=per("open"), value={"low": low, "mid": mid, "high": high}[policy].copy(),
        term_years=per("term"), cash=per("cash"), trigger=per("trigger"), source=per("source"),
        assumed=per("assumed"), known_from=per("known"),
        policy=policy, as_of=as_of, window=window, period_months=months, assumptions=assumptions,
        unknown_date=unknown_date, not_yet_known=not_yet, skipped=skipped, problems=problems, notes=notes,
        versions=versions or {},
    )
