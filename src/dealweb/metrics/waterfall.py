"""The analyses analysts build by hand, from the flows table: an obligations waterfall and a counterparty haircut.

Both are pure functions of :class:`dealweb.flows.Flows` (the one bridge from deals to money,
``docs/flows.md``) and the ledger's recorded revenue; they know no dataset.

Obligations waterfall (:func:`waterfall`), per firm and calendar year, US dollars::

    paid         rows of status paid the firm pays (completed in the ledger's window)
    firm         rows of status firm the firm pays (contracted, not yet paid)
    conditional  rows of status conditional or rumoured the firm pays ("up to", letters of intent, tranches)
    income       the firm's revenue recorded for that calendar year (facts ``revenue``/``revenue_annual`` of
                 period ``YYYY``), else what the web owes it that year (services, revenue and hardware rows it
                 is paid, paid + firm): ``income_basis`` says which
    funding      investment and debt rows paid to the firm (paid + firm)
    gap          paid + firm - income - funding   (> 0: the year's firm obligations are not covered)
    gap_with_conditional = gap + conditional

Rows without a date (a whole-contract figure with no term) fall in the year ``undated``. Each firm-year is
also split by counterparty (``by_counterparty``).

Counterparty haircut (:func:`haircut`): "X pays k% of what it committed", followed round by round. For
each k, every flow X has still to pay (firm, conditional and rumoured rows; money already paid stays paid)
is scaled by k. Round 0: per firm X pays, its backlog (firm + conditional money owed to it over the whole
table, as now received), its income path by year, its total funding gap (sum of the yearly gaps above,
positive years only, with its own obligations owed in full) and whether it then fails: a gap larger than
the cash it has on record (:func:`dealweb.flows.recorded_cash`; none recorded counts as 0) and, since no new
money is assumed, no way to close it. Round r + 1: each firm that failed pays, of what it still owes, the
share its resources cover, ``1 - (funding gap - cash) / unpaid firm obligations`` (its shortfall spread pro
rata over its creditors, as in the clearing of Eisenberg and Noe, *Management Science* 47(2), 2001,
doi:10.1287/mnsc.47.2.236.9835, read over the whole horizon); its creditors are added to the firms followed,
and every firm is judged again. The cascade stops when a round brings no new failure and no failed firm's
share moves. A firm that fails even when X pays everything (k = 100%) is marked ``fails_without_haircut``:
the haircut did not cause it, and its payments are not cut.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dealweb.errors import InputError
from dealweb.i18n import Msg
from dealweb.model import Ledger

__all__ = ["BridgeYear", "FirmYear", "HaircutRow", "Waterfall", "cascade_summary", "csv_bytes", "debt_service",
           "funding_bridge",
           "haircut",
           "parse_percentages", "table_rows",
           "waterfall", "xlsx_bytes"]

UNDATED = "undated"
_OUT_KINDS = ("services", "revenue", "hardware", "investment", "warrant", "debt")
_INCOME_KINDS = ("services", "revenue", "hardware")
_FUNDING_KINDS = ("investment", "debt")


@dataclass(frozen=True)
class FirmYear:
    """One firm's year: obligations by status, income and funding, and the gap (US dollars)."""

    firm: str
    year: str
    paid: float
    firm_owed: float
    conditional: float
    income: float
    income_basis: str
    funding: float
    revenue_source: str = ""

    @property
    def gap(self) -> float:
        """The year's shortfall: paid + firm - income - funding (> 0: not covered)."""
        return self.paid + self.firm_owed - self.income - self.funding

    def as_dict(self) -> dict[str, object]:
        """Stable keys (usd unless said): firm, year, paid, firm_owed, conditional, income, income_basis, funding, gap.

        Also gap_with_conditional, and revenue_source (the fact id of recorded revenue, else "").
        """
        return {"firm": self.firm, "year": self.year, "paid": float(self.paid), "firm_owed": float(self.firm_owed),
                "conditional": float(self.conditional), "income": float(self.income),
                "income_basis": self.income_basis, "funding": float(self.funding), "gap": float(self.gap),
                "gap_with_conditional": float(self.gap + self.conditional), "revenue_source": self.revenue_source}


@dataclass(frozen=True)
class Waterfall:
    """The waterfall: one :class:`FirmYear` per firm and year, and the by-counterparty split."""

    years: tuple[FirmYear, ...]
    by_counterparty: tuple[dict[str, object], ...]
    policy: str
    assumptions: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        """Stable keys: analysis, policy, unit, years[], by_counterparty[], assumptions[]."""
        return {"analysis": "waterfall", "policy": self.policy, "unit": "usd",
                "years": [y.as_dict() for y in self.years], "by_counterparty": list(self.by_counterparty),
                "assumptions": list(self.assumptions)}

    def tables(self) -> dict[str, list[dict[str, object]]]:
        """Flat tables (for CSV and Excel): ``waterfall`` and ``by_counterparty``."""
        return {"waterfall": [y.as_dict() for y in self.years], "by_counterparty": list(self.by_counterparty)}


def _year_of(fl: Any) -> np.ndarray:
    """Calendar year of each row as text (``undated`` when the row has no period)."""
    start = fl.period_start
    out = np.full(len(start), UNDATED, dtype=object)
    ok = ~np.isnat(start)
    if ok.any():
        out[ok] = [str(int(y) + 1970) for y in start[ok].astype("datetime64[Y]").astype(int)]
    return out


def _revenue_by_year(ledger: Ledger | None, firm: str) -> dict[str, tuple[float, str]]:
    """The firm's recorded revenue per calendar year (facts of period ``YYYY``): value and fact id."""
    if ledger is None:
        return {}
    out: dict[str, tuple[float, str]] = {}
    for f in ledger.facts.values():
        if f.entity != firm or f.metric not in ("revenue", "revenue_annual") or f.value is None:
            continue
        if not (f.period and len(f.period) == 4 and f.period.isdigit()):
            continue
        usd = f.value.usd("nominal") if f.value.unit != "USD" else f.value.point
        if usd is not None:
            out[f.period] = (float(usd), f.id)
    return out


def waterfall(fl: Any, ledger: Ledger | None = None, firms: tuple[str, ...] = (),
              scale: dict[str, float] | None = None) -> Waterfall:
    """The obligations waterfall of ``firms`` (every payer in the table when empty), per calendar year.

    Args:
        fl: a :class:`dealweb.flows.Flows` table (its ``value`` column: the policy's figure).
        ledger: the ledger, for recorded revenue (``None``: income is what the web owes each firm).
        firms: the firms to show (entity ids).
        scale: payer id -> share of what it still owes (firm, conditional, rumoured rows) it pays (the haircut;
            1.0 when absent). It changes what the payees receive; the payer's own rows stay what it owes.

    Returns:
        A :class:`Waterfall`.
    """
    ent = fl.entities
    kinds = fl.column("kind")
    status = fl.column("status")
    year = _year_of(fl)
    value = fl.value.astype(float)
    paid = status == "paid"
    received = _scaled(fl, value, paid, scale)
    cash = fl.cash
    firm_s = status == "firm"
    cond = (status == "conditional") | (status == "rumoured")
    out_rows = np.isin(kinds, _OUT_KINDS) & cash & (paid | firm_s | cond)
    wanted = set(firms) if firms else {ent[i] for i in np.unique(fl.payer[out_rows])}
    acc: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    cp: dict[tuple[str, str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for i in np.flatnonzero(out_rows):
        payer, payee = ent[fl.payer[i]], ent[fl.payee[i]]
        key = "paid" if paid[i] else "firm" if firm_s[i] else "conditional"
        if payer in wanted:
            acc[(payer, year[i])][key] += value[i]
            cp[(payer, year[i], payee)][key] += value[i]
        if payee in wanted and (paid[i] or firm_s[i]):
            if kinds[i] in _INCOME_KINDS:
                acc[(payee, year[i])]["web_income"] += received[i]
                acc[(payee, year[i])]["web_lost"] += value[i] - received[i]
            elif kinds[i] in _FUNDING_KINDS:
                acc[(payee, year[i])]["funding"] += received[i]
    rows: list[FirmYear] = []
    revenue = {f: _revenue_by_year(ledger, f) for f in wanted}
    for (f, y), a in sorted(acc.items(), key=lambda kv: (kv[0][0], kv[0][1] == UNDATED, kv[0][1])):
        rec = revenue[f].get(y)
        if rec:  # recorded revenue, less what a haircut takes from the web's payments to the firm
            income, basis, src = rec[0] - a["web_lost"], "recorded revenue", rec[1]
        else:
            income, basis, src = a["web_income"], "owed by the web", ""
        rows.append(FirmYear(f, y, a["paid"], a["firm"], a["conditional"], income, basis, a["funding"], src))
    split = tuple({"firm": f, "year": y, "counterparty": c, "paid": float(a["paid"]), "firm_owed": float(a["firm"]),
                   "conditional": float(a["conditional"])}
                  for (f, y, c), a in sorted(cp.items(), key=lambda kv: (kv[0][0], kv[0][1] == UNDATED, kv[0][1],
                                                                          kv[0][2])))
    assumptions = (
        Msg("assume.waterfall.policy", policy=Msg(f"assume.policy.{fl.policy}")),
        Msg("assume.waterfall.income"),
        Msg("assume.waterfall.gap"),
    )
    return Waterfall(tuple(rows), split, fl.policy, assumptions)


def _scaled(fl: Any, value: np.ndarray, paid: np.ndarray, scale: dict[str, float] | None) -> np.ndarray:
    """``value`` with each scaled payer's rows not yet paid multiplied by its share (what the payees receive)."""
    if not scale:
        return value
    ent = fl.entities
    factor = np.ones(len(value))
    for payer, k in scale.items():
        if payer in ent:
            factor[(fl.payer == ent.index(payer)) & ~paid] = k
    return value * factor


@dataclass(frozen=True)
class HaircutRow:
    """One firm at one haircut ``k`` in one round of the cascade: backlog, income, funding gap, failure.

    ``round`` is the cascade's round (0: the payer's cut alone); ``failed_in`` the round the haircut made the
    firm fail (``None``: it does not, or it fails even without the haircut: ``fails_without_haircut``);
    ``pays`` the share of what it still owes that the firm pays in this round (1.0 until its failure is
    passed on, one round after it fails).
    """

    k: float
    firm: str
    backlog: float
    income_by_year: dict[str, float]
    funding_gap: float
    cash: float
    fails: bool
    round: int = 0
    failed_in: int | None = None
    pays: float = 1.0
    fails_without_haircut: bool = False

    def as_dict(self) -> dict[str, object]:
        """Stable keys: k (fraction paid), round, firm, backlog, income_by_year, funding_gap, cash (usd), fails.

        Also failed_in (round or null), pays (fraction of what the firm still owes that it pays) and
        fails_without_haircut.
        """
        return {"k": self.k, "round": self.round, "firm": self.firm, "backlog": self.backlog,
                "income_by_year": self.income_by_year, "funding_gap": self.funding_gap, "cash": self.cash,
                "fails": self.fails, "failed_in": self.failed_in, "pays": self.pays,
                "fails_without_haircut": self.fails_without_haircut}


def parse_percentages(text: str, option: str = "--k") -> tuple[float, ...]:
    """``"100,50,0"`` -> (1.0, 0.5, 0.0); :class:`InputError` naming ``option`` outside 0-100%."""
    out: list[float] = []
    for part in (p.strip().rstrip("%") for p in text.split(",")):
        if not part:
            continue
        try:
            x = float(part)
        except ValueError:
            raise InputError(f"{option} {text!r}: {part!r} is not a number",
                             f"{option} takes percentages paid from 0 to 100, e.g. 100,75,50,0") from None
        if not 0.0 <= x <= 100.0 or x != x:
            raise InputError(f"{option} {part}% is outside 0-100%",
                             f"{option} takes percentages paid from 0 to 100, e.g. 100,75,50,0")
        out.append(x / 100.0)
    if not out:
        raise InputError(f"{option} gives no percentage", f"{option} takes e.g. 100,75,50,0")
    return tuple(out)


#: The cascade stops after this many rounds even if shares still move (a loop converging slowly).
MAX_ROUNDS = 50


def haircut(fl: Any, ledger: Ledger | None, payer: str, ks: tuple[float, ...] = (1.0, 0.75, 0.5, 0.25, 0.0),
            cash: dict[str, float] | None = None) -> list[HaircutRow]:
    """"``payer`` pays k of what it committed", for each k: the cascade of failures it sets off, round by round.

    Args:
        fl: the flows table.
        ledger: the ledger, for recorded revenue.
        payer: the entity id that pays less.
        ks: fractions paid (1.0 = all).
        cash: firm id -> cash on record (US dollars; 0 when absent).

    Returns:
        Per k and per round (see the module docstring), one :class:`HaircutRow` per firm reached so far (the
        payer's payees, then the creditors of each firm that failed). The last round of each k is the
        outcome: no new failure after it.

    Raises:
        InputError: ``payer`` is not a payer in the table, or a k outside 0..1.

    A three-firm example is worked by hand in ``tests/test_metrics_waterfall.py``.
    """
    ent = fl.entities
    if payer not in ent or not (fl.payer == ent.index(payer)).any():
        payers = sorted({ent[i] for i in np.unique(fl.payer)})
        raise InputError(f"{payer!r} pays nothing in this ledger's flows",
                         "--payer takes a firm that pays, e.g. " + ", ".join(payers[:5]))
    for k in ks:
        if not 0.0 <= k <= 1.0:
            raise InputError(f"haircut k={k:g} is outside 0-100%", "k is the share paid, from 0 to 1")
    cash = cash or {}
    kinds = fl.column("kind")
    status = fl.column("status")
    value = fl.value.astype(float)
    paid = status == "paid"
    owed = np.isin(status, ("firm", "conditional", "rumoured")) & fl.cash & np.isin(kinds, _INCOME_KINDS)

    def payees_of(firm: str) -> set[str]:
        rows = fl.payer == ent.index(firm)
        return {ent[i] for i in np.unique(fl.payee[rows])} - {payer}

    def state(scale: dict[str, float], firms: set[str]) -> dict[str, tuple[float, dict[str, float], float, float]]:
        """Firm -> (backlog, income by year, funding gap, unpaid firm obligations) under ``scale``."""
        wf = waterfall(fl, ledger, tuple(sorted(firms)), scale=scale)
        got = _scaled(fl, value, paid, scale)
        out = {}
        for f in firms:
            mine = [y for y in wf.years if y.firm == f]
            backlog = float(got[owed & (fl.payee == ent.index(f))].sum())
            out[f] = (backlog, {y.year: float(y.income) for y in mine}, float(sum(max(y.gap, 0.0) for y in mine)),
                      float(sum(y.firm_owed for y in mine)))
        return out

    def short(gap: float, f: str) -> float:
        return gap - float(cash.get(f, 0.0))

    first = payees_of(payer)
    out: list[HaircutRow] = []
    for k in ks:
        reached = set(first)
        base: dict[str, bool] = {}
        failed: dict[str, int] = {}
        pays: dict[str, float] = {}
        for rnd in range(MAX_ROUNDS):
            st = state({payer: k, **pays}, reached)
            missing = reached - set(base)
            if missing:  # judged without the haircut too: a failure it did not cause is not passed on
                for f, (_, _, gap, _) in state({}, missing).items():
                    base[f] = short(gap, f) > _EPS
            new = sorted(f for f in reached if f not in failed and not base[f] and short(st[f][2], f) > _EPS)
            for f in new:
                failed[f] = rnd
            for f in sorted(reached):
                b, inc, gap, _ = st[f]
                out.append(HaircutRow(k, f, b, inc, gap, float(cash.get(f, 0.0)), short(gap, f) > _EPS, rnd,
                                      failed.get(f), pays.get(f, 1.0), base[f]))
            shares = {f: (max(0.0, 1.0 - short(st[f][2], f) / st[f][3]) if st[f][3] > 0 else 1.0) for f in failed}
            if not new and all(abs(shares[f] - pays.get(f, 1.0)) < 1e-9 for f in failed):
                break
            pays = shares
            for f in new:
                reached |= payees_of(f)
    return out


_EPS = 1.0  # one US dollar: a gap this small is rounding, not a failure


def cascade_summary(rows: list[HaircutRow]) -> list[dict[str, object]]:
    """Per k: the rounds run and the firms the haircut made fail in each round (stable keys).

    Keys: k, rounds (number of rounds), failed_by_round (list of lists of firm ids, one per round),
    failed (every firm it made fail), fails_without_haircut (firms failing even at k = 100%).
    """
    out = []
    for k in dict.fromkeys(r.k for r in rows):
        mine = [r for r in rows if r.k == k]
        last = max(r.round for r in mine)
        by_round: list[list[str]] = [[] for _ in range(last + 1)]
        for r in mine:
            if r.failed_in is not None and r.failed_in == r.round:
                by_round[r.round].append(r.firm)
        out.append({"k": k, "rounds": last + 1, "failed_by_round": by_round,
                    "failed": [f for rnd in by_round for f in rnd],
                    "fails_without_haircut": sorted({r.firm for r in mine if r.fails_without_haircut})})
    return out


def table_rows(rows: list[HaircutRow]) -> list[dict[str, object]]:
    """Haircut rows flattened for CSV and Excel (one income column per year)."""
    years = sorted({y for r in rows for y in r.income_by_year}, key=lambda y: (y == UNDATED, y))
    out = []
    for r in rows:
        d = {"k": r.k, "round": r.round, "firm": r.firm, "backlog": r.backlog, "funding_gap": r.funding_gap,
             "cash": r.cash, "fails": r.fails, "failed_in": r.failed_in, "pays": r.pays,
             "fails_without_haircut": r.fails_without_haircut}
        d.update({f"income_{y}": r.income_by_year.get(y, 0.0) for y in years})
        out.append(d)
    return out


def csv_bytes(rows: list[dict[str, object]]) -> bytes:
    """One table as CSV (UTF-8, header from the first row's keys; amounts in US dollars)."""
    import csv
    import io

    buf = io.StringIO()
    if rows:
        w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: (v if not isinstance(v, dict) else str(v)) for k, v in r.items()})
    return buf.getvalue().encode("utf-8")


def xlsx_bytes(tables: dict[str, list[dict[str, object]]]) -> bytes:
    """Tables as an Excel workbook, one sheet each (needs openpyxl: ``pip install 'dealweb[excel]'``)."""
    import io

    try:
        from openpyxl import Workbook
    except ImportError:
        raise InputError("writing Excel needs openpyxl", "pip install 'dealweb[excel]', or use --csv") from None
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in tables.items():
        ws = wb.create_sheet(name[:31])
        if rows:
            ws.append(list(rows[0]))
            for r in rows:
                ws.append([v if isinstance(v, str | int | float | bool) or v is None else str(v) for v in r.values()])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@dataclass(frozen=True)
class BridgeYear:
    """One firm's funding bridge for one calendar year, US dollars (``None``: not recorded).

    ``debt_terms`` lists, per loan the firm services that year, the deal, its principal, the year's service
    and the terms used with where each comes from (the deal's own terms, or ``assumed: ...``).
    """

    firm: str
    year: str
    operating_cash_flow: float | None
    capex: float | None
    in_web_purchases: float
    debt_service: float
    need: float | None
    debt_before: float
    leverage_after: float | None
    sources: dict[str, str]
    debt_terms: tuple[dict[str, object], ...] = ()

    def as_dict(self) -> dict[str, object]:
        """Stable keys: firm, year, the figures (usd), leverage_after (x), sources (fact ids), debt_terms.

        Figures: operating_cash_flow, capex, in_web_purchases, debt_service, need, debt_before. ``debt_terms``:
        per loan, deal, principal and service (usd), interest_rate, rate_source, maturity, maturity_source,
        shape.
        """
        return {"firm": self.firm, "year": self.year, "operating_cash_flow": self.operating_cash_flow,
                "capex": self.capex, "in_web_purchases": self.in_web_purchases, "debt_service": self.debt_service,
                "need": self.need, "debt_before": self.debt_before, "leverage_after": self.leverage_after,
                "sources": dict(self.sources), "debt_terms": [dict(t) for t in self.debt_terms]}


_OCF_YEAR = ("operating_cash_flow_ttm", "operating_cash_flow_annual")
_CAPEX_YEAR = ("capex_guidance", "capex")
#: The interest rate a loan that states none is assumed to bear, a year: the stress scenarios' default
#: ``capital.interest_rate`` (docs/scenario-format.md), so the bridge and the simulation assume alike.
DEFAULT_INTEREST_RATE = 0.06
#: Quarters the debt-service grid spans (40 years from the first loan): longer than any loan recorded.
_DEBT_QUARTERS = 160


def _latest_fact(ledger: Ledger, firm: str, metrics: tuple[str, ...], yearly_only: bool) -> Any:
    """The latest fact of ``firm`` among ``metrics`` (first metric first); yearly ones only when asked."""
    for m in metrics:
        cands = [f for f in ledger.facts.values() if f.entity == firm and f.metric == m and f.value is not None
                 and f.value.usd("mid") is not None
                 and not (yearly_only and f.period and ("Q" in f.period.upper() or "H" in f.period.upper()))]
        if cands:
            return max(cands, key=lambda f: (f.as_of.isoformat() if f.as_of else "", f.period or "", f.id))
    return None


def debt_service(fl: Any, ledger: Ledger, rate: float = DEFAULT_INTEREST_RATE,
                 maturity_years: float | None = None) -> dict[str, dict[str, list[dict[str, object]]]]:
    """Debt service per borrower and calendar year, from the ledger's debt deals, as the simulation services them.

    Each debt deal whose principal the flows table holds as paid or firm money (its ``value``: the table's
    policy figure) is serviced by :func:`dealweb.sim.debt.debt_service_lines` (interest ``rate / 4`` each
    quarter on what is outstanding, and the principal repaid in equal quarterly parts to maturity; the deal's
    own ``interest_rate`` and ``term`` when it states them, else ``rate`` and ``maturity_years``, labelled
    ``assumed``). The loan is taken as drawn at its term's start, else its announcement (assumed). Conditional
    loans ("up to", backstops) are not serviced here: they may never be drawn.

    Args:
        fl: the flows table.
        ledger: its ledger (the debt deals' terms).
        rate: interest a year for loans that state none (0.06 = 6%).
        maturity_years: years to maturity for loans that state no term (default: the simulation's, 5).

    Returns:
        borrower id -> year -> one entry per loan: deal, principal, service (US dollars that year) and the
        terms with their sources (interest_rate, rate_source, maturity, maturity_source, shape).
    """
    from datetime import date

    from dealweb.periods import add_months
    from dealweb.sim.debt import debt_service_lines, service_profile
    from dealweb.sim.scenario import DEFAULT_DEBT_MATURITY_YEARS
    from dealweb.sim.schedules import Grid

    years = DEFAULT_DEBT_MATURITY_YEARS if maturity_years is None else maturity_years
    kinds = fl.column("kind")
    status = fl.column("status")
    live = (kinds == "debt") & np.isin(status, ("paid", "firm"))
    if not live.any():
        return {}
    deal_ids = np.array(fl.deals, dtype=object)[fl.deal]
    known = np.array([str(x) for x in fl.column("known_from")], dtype=object)
    principal: dict[str, float] = defaultdict(float)
    for i in np.flatnonzero(live):
        principal[str(deal_ids[i])] += float(fl.value[i])
    starts = [d.term_start or d.announced for d in ledger.deals.values() if d.id in principal]
    first = min((s for s in starts if s is not None), default=None) or date.today()
    grid = Grid(date(first.year, 1, 1), _DEBT_QUARTERS, 3)
    lines, _ = debt_service_lines(ledger, grid, [], rate, years)
    out: dict[str, dict[str, list[dict[str, object]]]] = defaultdict(lambda: defaultdict(list))
    labels = grid.labels()
    for ln in lines:
        if ln.deal not in principal or principal[ln.deal] <= 0:
            continue
        terms = {name: (value, src) for name, value, src in ln.terms}
        # the simulation's own profile (service_profile), with the loan drawn in the quarter of its start
        # (the simulation takes a loan drawn before its horizon as drawn just before it)
        start = date.fromisoformat(str(terms["start"][0]))
        start_src = terms["start"][1]
        if "simulation's start" in start_src:  # the deal states no date: drawn when first reported, if known
            seen = sorted(str(k) for k in known[deal_ids == ln.deal] if k not in (None, "", "None", "NaT"))
            if seen:
                start = date.fromisoformat(seen[0][:10])
                start_src = Msg("sim.src.assumed_drawn_reported")
            else:
                start_src = Msg("sim.src.assumed_drawn_january")
        maturity = date.fromisoformat(str(terms["maturity"][0]))
        if str(terms["maturity"][1]).startswith("assumed") and start.isoformat() != str(terms["start"][0]):
            maturity = add_months(start, int(round(years * 12)))  # the assumed term runs from the start used
        drawn = np.zeros(grid.periods)
        drawn[max(0, grid.index(start))] = 1.0
        profile = service_profile(drawn, float(terms["interest_rate"][0]), grid.position(maturity), grid.periods)
        rate_src, mat_src = terms["interest_rate"][1], terms["maturity"][1]
        if rate_src.startswith("assumed"):
            rate_src = Msg("sim.src.assumed_rate_pct", rate=f"{100 * rate:.4g}")
        if mat_src.startswith("assumed"):
            mat_src = Msg("sim.src.assumed_maturity", years=f"{years:g}")
        per_year: dict[str, float] = defaultdict(float)
        for t, share in enumerate(profile):
            if share:
                per_year[labels[t][:4]] += float(share) * principal[ln.deal]
        for y, usd in sorted(per_year.items()):
            out[ln.payer][y].append({
                "deal": ln.deal, "principal": principal[ln.deal], "service": usd,
                "interest_rate": float(terms["interest_rate"][0]), "rate_source": rate_src,
                "maturity": maturity.isoformat(), "maturity_source": mat_src,
                "start": start.isoformat(), "start_source": start_src, "shape": terms["shape"][1]})
    return out


def funding_bridge(fl: Any, ledger: Ledger, firms: tuple[str, ...] = (), rate: float = DEFAULT_INTEREST_RATE,
                   maturity_years: float | None = None) -> list[BridgeYear]:
    """Per firm and calendar year: operating cash flow against capex, in-web purchases and debt service.

    ``need = capex + in-web purchases not inside the capex figure + debt service - operating cash flow``
    (> 0: debt or equity still to raise); ``leverage_after = (debt received + need) / operating cash flow``.
    Operating cash flow is the latest yearly or trailing-twelve-month fact (``operating_cash_flow_ttm``,
    ``operating_cash_flow_annual``); capex the latest yearly ``capex_guidance``, else ``capex``; both held
    flat over the years (never projected). In-web purchases are the firm's firm and paid hardware and services
    rows of the year, less the deals the capex fact ``includes`` (not counted twice). Debt service: the
    firm's recorded loans (paid or firm debt deals it borrows), serviced as the simulation does
    (:func:`debt_service`: interest and level principal to maturity, from the deal's terms or labelled
    assumptions ``rate`` and ``maturity_years``; each row's ``debt_terms`` says which). A firm without an
    operating cash flow or capex fact has ``need = None`` (not assessed: add the fact).

    Args:
        fl: the flows table.
        ledger: its ledger (facts).
        firms: the firms (default: every firm with an operating cash flow or capex fact, in-web purchases or
            recorded loans).
        rate: interest a year for loans that state none (0.06 = 6%; an assumption, labelled).
        maturity_years: years to maturity for loans that state no term (default: the simulation's, 5).

    Returns:
        One :class:`BridgeYear` per firm and year of its in-web purchases or debt service (one row ``-``
        when it has neither).
    """
    ent = fl.entities
    kinds = fl.column("kind")
    status = fl.column("status")
    deals = np.array(fl.deals, dtype=object)[fl.deal] if len(fl.deal) else np.array([], dtype=object)
    year = _year_of(fl)
    buy = np.isin(kinds, ("hardware", "services")) & np.isin(status, ("paid", "firm")) & fl.cash
    debt_in = (kinds == "debt") & np.isin(status, ("paid", "firm"))
    service = debt_service(fl, ledger, rate, maturity_years)
    if not firms:
        with_facts = {f.entity for f in ledger.facts.values() if f.metric in _OCF_YEAR + _CAPEX_YEAR}
        firms = tuple(sorted(with_facts | {ent[i] for i in np.unique(fl.payer[buy])} | set(service)))
    out: list[BridgeYear] = []
    for firm in firms:
        ocf_f = _latest_fact(ledger, firm, _OCF_YEAR, yearly_only=False)
        capex_f = _latest_fact(ledger, firm, _CAPEX_YEAR, yearly_only=True)
        ocf = float(ocf_f.value.usd("mid")) if ocf_f is not None else None
        capex = float(capex_f.value.usd("mid")) if capex_f is not None else None
        inside = set(capex_f.includes) if capex_f is not None else set()
        idx = ent.index(firm) if firm in ent else -1
        mine = buy & (fl.payer == idx) & ~np.isin(deals, list(inside)) if len(deals) else buy & False
        debt = float(fl.value[debt_in & (fl.payee == idx)].sum())
        owed = service.get(firm, {})
        years = sorted({str(y) for y in year[mine]} | set(owed), key=lambda y: (y == UNDATED, y)) or ["-"]
        srcs = {k: f.id for k, f in (("operating_cash_flow", ocf_f), ("capex", capex_f)) if f is not None}
        for y in years:
            purchases = float(fl.value[mine & (year == y)].sum())
            terms = tuple(owed.get(y, ()))
            ds = float(sum(float(t["service"]) for t in terms))  # type: ignore[arg-type]
            need = None if ocf is None or capex is None else capex + purchases + ds - ocf
            lev = None if need is None or not ocf else (debt + max(need, 0.0)) / ocf
            out.append(BridgeYear(firm, y, ocf, capex, purchases, ds, need, debt, lev, srcs, terms))
    return out
