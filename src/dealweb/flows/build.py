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

import math
from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np

from dealweb.flows.known import known_from, ledger_window
from dealweb.flows.table import KINDS, POLICIES, Flows, Skipped
from dealweb.ledger.schedules import schedule_problems
from dealweb.model import FLOW_KIND, Deal, Ledger, Status
from dealweb.money import Amount, Qualifier

__all__ = ["build_flows", "expand_schedules"]

_EPOCH_M = np.datetime64("1970-01", "M")
_MODE = {"undated": 0, "flat": 1, "ramp": 2, "point": 3}
_CONDITIONAL_TRIGGERS = {"per_gw": "paid as each GW is deployed", "milestone": "paid on a milestone",
                         "share_price": "vests when the share price reaches the threshold"}
_SOURCE_FIELDS = ("amount", "term", "tranches", "schedule", "flows")


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


def expand_schedules(mode: np.ndarray, start: np.ndarray, years: np.ndarray, months: int = 3
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Spread figures over a calendar grid: one row per (figure, period it touches).

    Args:
        mode: per figure, 0 undated (one row), 1 flat over the term, 2 ramp over the term, 3 all in the
            period containing ``start``.
        start: per figure, the start date (``datetime64[D]``; NaT allowed for mode 0).
        years: per figure, the term in years (used by modes 1 and 2; > 0).
        months: the grid's period length in months (3: calendar quarters; must divide 12).

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
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(x) >= scale:
            return f"${x / scale:,.2f}".rstrip("0").rstrip(".") + suffix
    return f"${x:,.0f}"


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
    done = [e.date for e in deal.events if e.status is Status.COMPLETED]
    if done:
        return max(done)
    if deal.term_start and deal.term_years:
        return date.fromordinal(deal.term_start.toordinal() + int(round(deal.term_years * 365.25)))
    return deal.announced


def _status(deal: Deal, st: Status, window: tuple[date | None, date | None] | None) -> tuple[str, str]:
    """(row status, trigger) of a deal whose ledger status on the date is ``st``."""
    if st is Status.CANCELLED:
        return "cancelled", ""
    if st is Status.COMPLETED:
        if window is not None and window[0] is not None:
            done = _completed_on(deal)
            if done is not None and done < window[0]:
                return "history", ""
        return "paid", ""
    if st is Status.RUMOURED:
        return "rumoured", "a rumour: not confirmed by the parties"
    if st is Status.LETTER_OF_INTENT:
        return "conditional", "a letter of intent: not yet a binding contract"
    return "firm", ""


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
            "ramp", "term_start": date, "term_years": 5, "exclude": True}}``.
        period_months: the grid's period in months (3: calendar quarters).

    Returns:
        The :class:`~dealweb.flows.table.Flows` table.

    Raises:
        ValueError: an unknown policy, a period that does not divide the year, an unknown scenario key.
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown valuation policy {policy!r}: use low, mid or high")
    if 12 % period_months:
        raise ValueError(f"a period of {period_months} months does not divide the year: use 1, 2, 3, 4, 6 or 12")
    scenario = scenario or {}
    for did, ov in scenario.items():
        unknown = set(ov) - {"schedule", "term_start", "term_years", "exclude"}
        if unknown:
            raise ValueError(f"scenario for {did!r}: unknown key(s) {sorted(unknown)}; use schedule, term_start, "
                             "term_years, exclude")
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
        "payer", "payee", "deal", "kind", "status", "basis", "shape", "mode", "start", "years", "term", "low",
        "mid", "high", "open", "cash", "trigger", "source", "assumed", "known")}
    assumptions: dict[str, list[str]] = {}
    unknown_date: list[str] = []
    not_yet: list[str] = []
    skipped: list[Skipped] = []
    problems = []
    doc_cache: dict[str, date | None] = {}
    documents = ledger.documents
    any_vague = False

    def ent(x: str) -> int:
        i = ent_index.get(x)
        if i is None:
            i = ent_index[x] = len(entities)
            entities.append(x)
        return i

    for deal in ledger.deals.values():
        ov = scenario.get(deal.id, {})
        if ov.get("exclude"):
            assumptions.setdefault(deal.id, []).append("scenario: left out")
            continue
        if deal.kind == "none" and not deal.flows:
            continue
        kf = known_from(deal, documents, doc_cache)
        st = deal.status_on(as_of)
        if as_of is not None:
            if kf is None:
                unknown_date.append(deal.id)
                continue
            if kf > as_of or st is None:
                not_yet.append(deal.id)
                continue
        if st is None:
            continue
        flows = deal.pairwise_flows()
        if not flows:
            continue
        probs = schedule_problems(deal, ledger.root or "")
        if probs:
            problems.extend(probs)
            for f in flows:
                skipped.append(Skipped(deal.id, f.payer, f.payee, "schedule cannot be built (see the problem)"))
            continue
        row_status, trigger = _status(deal, st, window)
        shape = str(ov.get("schedule", deal.schedule or "flat"))
        term_start = ov.get("term_start", deal.term_start)
        term_years = ov.get("term_years", deal.term_years)
        notes: list[str] = [f"scenario: {k} = {v}" for k, v in ov.items()]
        source = texts(_sources(deal))
        d_index = len(deal_ids)
        deal_ids.append(deal.id)
        known = kf
        on = as_of or deal.announced
        # the figures: (amount, basis, shape, trigger, tranche date)
        priced_tranches = [t for t in deal.tranches if t.amount is not None]
        for f in flows:
            if f.payer == f.payee:
                skipped.append(Skipped(deal.id, f.payer, f.payee, "self-flow (payer is payee)"))
                continue
            kind = f.kind if f.kind in kind_code else FLOW_KIND.get(f.kind, "none")
            if kind not in kind_code:
                continue
            figures: list[tuple[Amount, str, str, str, date | None]] = []
            if priced_tranches and (f.amount is None or len(flows) == 1):
                for t in priced_tranches:
                    amt = t.amount
                    if t.trigger == "per_gw" and deal.capacity_gw:
                        amt = amt.scaled(float(deal.capacity_gw))  # type: ignore[union-attr]
                    tshape = t.trigger if t.trigger in shape_code else "milestone"
                    ttrig = _CONDITIONAL_TRIGGERS.get(t.trigger, "")
                    if t.trigger == "share_price" and t.threshold is not None:
                        ttrig = f"vests when the share price reaches {t.threshold:g}"
                    figures.append((amt, "tranche", tshape, ttrig, t.date))  # type: ignore[arg-type]
            elif f.amount is not None:
                fshape = shape
                ftrig = ""
                if shape == "tranches":
                    trig = {t.trigger for t in deal.tranches}
                    fshape = next((x for x in ("per_gw", "milestone", "share_price", "date") if x in trig), "milestone")
                    ftrig = _CONDITIONAL_TRIGGERS.get(fshape, "")
                    if fshape == "per_gw" and deal.capacity_gw:
                        ftrig += f" ({deal.capacity_gw:g} GW in all)"
                figures.append((f.amount, "contract", fshape, ftrig, None))
            else:
                skipped.append(Skipped(deal.id, f.payer, f.payee, "no amount"))
                continue
            for amt, basis, fshape, ftrig, tdate in figures:
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
                status = row_status
                trig = trigger
                live_firm = status in ("firm", "paid")
                parts = [trig] if trig else []
                if status in ("firm", "conditional") and amt.qualifier is Qualifier.UP_TO:
                    status = "conditional"
                    parts.append(f"a ceiling: up to {_fmt_usd(pts[2])}, how much is paid is not stated")
                tranche_shape = fshape in ("per_gw", "milestone", "share_price")
                if ftrig and tranche_shape and (live_firm or status == "conditional"):
                    status = "conditional" if status != "rumoured" else status
                    parts.append(ftrig)
                trig = "; ".join(parts)
                said: list[str] = list(notes)
                # timing
                if fshape == "date" and tdate is not None:
                    mode, start, yrs = "point", tdate, math.nan
                elif fshape == "upfront":
                    start = term_start or deal.announced
                    if start is None:
                        mode, yrs = "undated", math.nan
                    else:
                        mode, yrs = "point", math.nan
                        if term_start is None:
                            said.append(f"paid on the announcement date {start.isoformat()} (no start stated)")
                elif term_start is not None and term_years:
                    yrs = float(term_years)
                    start = term_start
                    if fshape == "ramp":
                        mode = "ramp"
                    else:
                        mode = "flat"
                        if fshape == "on_delivery":
                            said.append("deliveries assumed evenly spread over the term")
                        elif fshape == "per_gw":
                            said.append("deployment assumed linear over the term (paid as each GW is deployed)")
                        elif fshape in ("milestone", "share_price"):
                            mode = "undated"
                else:
                    mode, start, yrs = "undated", term_start, math.nan
                assumed = "; ".join(said)
                if said:
                    lst = assumptions.setdefault(deal.id, [])
                    lst.extend(x for x in said if x not in lst)
                cols["payer"].append(ent(f.payer))
                cols["payee"].append(ent(f.payee))
                cols["deal"].append(d_index)
                cols["kind"].append(kind_code[kind])
                cols["status"].append(status_code[status])
                cols["basis"].append(basis_code[basis])
                cols["shape"].append(shape_code.get(fshape, 0))
                cols["mode"].append(_MODE[mode])
                cols["start"].append(start)
                cols["years"].append(yrs)
                cols["term"].append(float(term_years) if term_years else math.nan)
                cols["low"].append(pts[0])
                cols["mid"].append(pts[1])
                cols["high"].append(pts[2])
                cols["open"].append(pts[3])
                cols["cash"].append(kind != "warrant")
                cols["trigger"].append(texts(trig))
                cols["source"].append(source)
                cols["assumed"].append(texts(assumed))
                cols["known"].append(known)
    notes = [f"policy {policy}: every amount is read at the {policy} point of its interval "
             "(mid: the middle; for vague words such as 數百億 the geometric middle)"]
    if window is not None:
        notes.append("window " + " .. ".join(d.isoformat() if d else "open" for d in window)
                     + ": deals completed before it are history, not live flows")
    if as_of is not None and unknown_date:
        notes.append(f"{len(unknown_date)} deal(s) have only undated sources: their known date is unknown, so "
                     f"they are left out as of {as_of.isoformat()} and listed apart")
    if any_vague:
        notes.append("vague amounts (數百億, several billion) have their mid at the geometric middle of the interval")
    return _assemble(cols, entities, deal_ids, texts.items, policy, as_of, window, period_months,
                     {k: tuple(v) for k, v in assumptions.items()}, tuple(unknown_date), tuple(not_yet),
                     tuple(skipped), tuple(problems), tuple(notes))


def _assemble(cols: dict[str, list[Any]], entities: list[str], deals: list[str], texts: list[str], policy: str,
              as_of: date | None, window: tuple[date | None, date | None] | None, months: int,
              assumptions: dict[str, tuple[str, ...]], unknown_date: tuple[str, ...], not_yet: tuple[str, ...],
              skipped: tuple[Skipped, ...], problems: tuple[Any, ...], notes: tuple[str, ...]) -> Flows:
    mode = np.asarray(cols["mode"], dtype=np.int8)
    start = np.asarray([_to_days(d) for d in cols["start"]], dtype="datetime64[D]") if cols["start"] \
        else np.zeros(0, dtype="datetime64[D]")
    years = np.asarray(cols["years"], dtype=np.float64)
    fig, w, ps, pe = expand_schedules(mode, start, years, months)
    known = np.asarray([_to_days(d) for d in cols["known"]], dtype="datetime64[D]") if cols["known"] \
        else np.zeros(0, dtype="datetime64[D]")

    def per(name: str, dtype: Any) -> np.ndarray:
        return np.asarray(cols[name], dtype=dtype)[fig]

    low, mid, high = per("low", np.float64) * w, per("mid", np.float64) * w, per("high", np.float64) * w
    return Flows(
        entities=tuple(entities), deals=tuple(deals), texts=tuple(texts),
        payer=per("payer", np.int32), payee=per("payee", np.int32), deal=per("deal", np.int32),
        kind=per("kind", np.int8), status=per("status", np.int8), basis=per("basis", np.int8),
        shape=per("shape", np.int8), period_start=ps, period_end=pe, low=low, mid=mid, high=high,
        open_high=per("open", bool), value={"low": low, "mid": mid, "high": high}[policy].copy(),
        term_years=per("term", np.float64), cash=per("cash", bool), trigger=per("trigger", np.int32),
        source=per("source", np.int32), assumed=per("assumed", np.int32), known_from=known[fig],
        policy=policy, as_of=as_of, window=window, period_months=months, assumptions=assumptions,
        unknown_date=unknown_date, not_yet_known=not_yet, skipped=skipped, problems=problems, notes=notes,
    )
