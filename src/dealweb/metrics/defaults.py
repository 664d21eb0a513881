"""Default inputs for each metric, taken from the ledger alone: its ``analyses`` section, facts and deals.

What each test looks at is data: the ledger's ``analyses`` section (:mod:`dealweb.ledger.analyses`,
``docs/metrics.md``) names the firms, deals, reference values and assumptions. For every input a metric
needs, :func:`defaults_for` returns a :class:`Default`: the value, its unit and its
:class:`~dealweb.metrics.common.Source` (``ledger``: the fact or deal id and the quote of its claim;
``assumption``: the ledger's labelled assumption and its reasoning). An input the ledger does not give has
the value ``None`` and a source of kind ``missing`` whose note says "not assessed: needs X" and how to add X;
a test with no record at all raises :class:`~dealweb.metrics.common.NotAssessed`. Nothing is ever filled
from built-in figures or another ledger.

Lookups by fact metric (the ledger's vocabulary; the names tried are in :data:`LOOKUPS`):

========================  ==========================================================================
metric input              where it comes from (first found wins)
========================  ==========================================================================
capacity ratios           the deals of ``analyses.capacity``: ``per_gw`` quantity / capacity_gw;
                          ``price`` amount / quantity (low and high over the deals named)
breakeven                 ``analyses.breakeven`` capex, life (an interval: its middle), margin,
                          required_return, revenue; else the ``entity``'s revenue_monthly x 12 or revenue
backlog                   ``analyses.backlog`` rpo, else ``<entity>``/rpo; the path: ``<entity>``'s facts of
                          ``path_metric`` (default revenue_guidance) by fiscal year; the customer's main
                          contract with it (:func:`main_contract`) and ``<customer>``/revenue (yearly)
funding gap               ``analyses.funding_gap`` figures, else ``<payer>``/annual_commitment,
                          ``<payee>``/``<payer>_contract_revenue_annual``, the main contract / its years;
                          ``<payer>``/revenue (yearly); ``<payer>``/funding_raised
amplification             the record's deal amount and term; change, else ``<entity>``/market_cap_change
cap table                 every ``analyses.cap_table`` record: from, to, valuation, shares
bubble                    ``analyses.bubble``: reference_pe; per firm its pe_forward* facts and the capex,
                          revenue and free cash flow (or deficit) of the record's ``period``
========================  ==========================================================================

Yearly flows (revenue) are never read from a quarter's or a month's fact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from dealweb.errors import InputError
from dealweb.i18n import Msg, Verbatim
from dealweb.metrics.common import ASSUMPTION, LEDGER, NotAssessed, Source
from dealweb.model import Analysis, Claim, Deal, Fact, Figure, Ledger
from dealweb.money import Amount, Qualifier

__all__ = ["LOOKUPS", "METRICS", "MISSING", "Commitment", "Default", "bubble_firms", "cap_table_records", "deal_value",
           "defaults_for", "fact_value", "figure_value", "main_contract", "payer_commitments"]

#: The metrics that have defaults.
METRICS = ("bubble", "breakeven", "capacity", "backlog", "funding-gap", "amplification", "cap-table")

#: Fact metric names tried, in order, for each kind of figure (the ledger's vocabulary is free).
LOOKUPS: dict[str, tuple[str, ...]] = {
    "rpo": ("rpo", "remaining_performance_obligations"),
    "revenue": ("revenue", "annual_revenue", "revenue_annual"),
    "revenue_monthly": ("revenue_monthly", "monthly_revenue"),
    "annual_commitment": ("annual_commitment", "annual_payment", "commitment_per_year"),
    "funding_raised": ("funding_raised", "funding_round", "equity_raised", "capital_raised"),
    "market_cap_change": ("market_cap_change",),
    "market_cap": ("market_cap",),
    "share_price_change": ("share_price_change",),
    "valuation": ("valuation",),
    "capex": ("capex", "capital_expenditure"),
    "free_cash_flow": ("free_cash_flow", "fcf"),
    "free_cash_flow_deficit": ("free_cash_flow_deficit",),
    "depreciation_life": ("depreciation_life_years", "depreciation_life"),
    "breakeven_revenue": ("breakeven_revenue", "revenue_needed"),
}


@dataclass(frozen=True)
class Default:
    """One default input: its value, unit and where it came from."""

    name: str
    value: float | None
    unit: str
    source: Source

    def as_dict(self) -> dict[str, object]:
        """Stable keys: name, value, unit, source."""
        return {"name": self.name, "value": self.value, "unit": self.unit, "source": self.source.as_dict()}


def _claim_for(claims: Sequence[Claim], fields: Sequence[str]) -> Claim | None:
    """The first unflagged claim about one of ``fields`` (else the first unflagged claim, else None)."""
    ok = [c for c in claims if not c.flag]
    for c in ok:
        if c.field in fields:
            return c
    return ok[0] if ok else None


def _nominal(amount: Amount) -> float:
    """The figure as written: the nominal value, else the bound an ``up to`` / ``at least`` names.

    "最高1000億" and "不超過20%" name their upper bound, "超過200萬" its lower bound: those bounds are the
    figures as written, whatever nominal a mapping such as ``{low: 0, high: 20, qualifier: up_to}`` was
    given (the middle of its interval, 10, is not what the text says).
    """
    if amount.qualifier is Qualifier.UP_TO and amount.high is not None:
        return amount.high
    if amount.qualifier is Qualifier.AT_LEAST:
        return amount.low
    return amount.point


def _number(amount: Amount | None, unit: str) -> float | None:
    """The nominal value of ``amount`` in ``unit`` terms: US dollars, a count, or a fraction for ``%``."""
    if amount is None:
        return None
    if unit in ("usd", "usd_per_year"):
        return _nominal(amount) if amount.unit == "USD" else amount.usd("nominal")
    if unit == "fraction":
        return _nominal(amount) / 100.0 if amount.unit == "%" else _nominal(amount)
    return _nominal(amount)


def _fact_source(f: Fact) -> Source:
    c = _claim_for(f.claims, ("value",))
    where = f"{f.entity}/{f.metric}" + (f" {f.period}" if f.period else "")
    return Source(kind=LEDGER, ref=f.id, quote=c.quote if c else "", document=c.document if c else "",
                  note=where + (f" ({f.value.text or f.value.label()})" if f.value is not None else ""))


def _facts(ledger: Ledger, entity: str, kind: str, period: str | None = None) -> list[Fact]:
    out: list[Fact] = []
    for metric in LOOKUPS.get(kind, (kind,)):
        cands = [f for f in ledger.facts_for(entity, metric) if period is None or f.period == period]
        if cands:
            out = cands
            break
    clean = [f for f in out if any(not c.flag for c in f.claims) or not f.claims]
    return clean or out


def _is_sub_year(period: str | None) -> bool:
    """Whether a period label names less than a year (``FY2026 Q1``, ``2025-Q3``, ``2025-08``)."""
    if not period:
        return False
    p = period.upper()
    return "Q" in p or "H1" in p or "H2" in p or (len(p) == 7 and p[4] == "-" and p[5:].isdigit())


def fact_value(ledger: Ledger | None, entity: str, kind: str, unit: str,
               period: str | None = None, annual: bool = False) -> tuple[float, Source] | None:
    """The value (in ``unit`` terms) and source of the latest fact of ``entity`` for ``kind``, if any.

    ``kind`` is a key of :data:`LOOKUPS` (or a metric name). Among several facts the one with the latest
    ``as_of`` wins (then the latest period label, then the id). ``annual`` skips facts of a quarter, a
    half or a month (a yearly flow must not be read from a quarter's figure).
    """
    if ledger is None:
        return None
    facts = _facts(ledger, entity, kind, period)
    facts = [f for f in facts if _number(f.value, unit) is not None and not (annual and _is_sub_year(f.period))]
    if not facts:
        return None
    best = max(facts, key=lambda f: (f.as_of.isoformat() if f.as_of else "", f.period or "", f.id))
    return float(_number(best.value, unit)), _fact_source(best)  # type: ignore[arg-type]


def _deal(ledger: Ledger | None, deal_id: str) -> Deal | None:
    if ledger is None:
        return None
    return ledger.deals.get(deal_id)


def deal_value(ledger: Ledger | None, deal_id: str, field: str, unit: str) -> tuple[float, Source] | None:
    """A deal's ``amount``, ``quantity``, ``capacity_gw`` or ``term_years`` with the claim behind it."""
    d = _deal(ledger, deal_id)
    if d is None:
        return None
    raw = getattr(d, field, None)
    if raw is None:
        return None
    value = _number(raw, unit) if isinstance(raw, Amount) else float(raw)
    if value is None:
        return None
    claim_field = {"term_years": "term"}.get(field, field)
    c = _claim_for(d.claims, (claim_field,))
    if c is not None and c.field != claim_field:
        c = next((c2 for e in d.events for c2 in e.claims if c2.field == claim_field and not c2.flag), c)
    return value, Source(kind=LEDGER, ref=d.id, quote=c.quote if c else "", document=c.document if c else "",
                         note=f"deal {d.id} {field}" + (f" ({raw.text or raw.label()})" if isinstance(raw, Amount)
                                                         else ""))


Resolver = Callable[[Ledger | None], tuple[float, Source] | None]

#: Source kind of an input the ledger does not give: the test is not assessed until it is added.
MISSING = "missing"


def _first(ledger: Ledger | None, name: str, unit: str, resolvers: Sequence[Resolver], missing: Default) -> Default:
    for r in resolvers:
        hit = r(ledger)
        if hit is not None:
            return Default(name, hit[0], unit, hit[1])
    return missing


def _ratio(a: tuple[float, Source] | None, b: tuple[float, Source] | None, note: str) -> tuple[float, Source] | None:
    if a is None or b is None or b[0] == 0:
        return None
    src = Source(kind=LEDGER, ref=f"{a[1].ref} / {b[1].ref}" if a[1].ref != b[1].ref else a[1].ref,
                 quote=" / ".join(dict.fromkeys(q for q in (a[1].quote, b[1].quote) if q)),
                 document=a[1].document, note=note)
    return a[0] / b[0], src


def _v(text: str) -> Verbatim:
    """A ledger key, id, flag or YAML snippet inside a message: written as it is (the user types it)."""
    return Verbatim(text)


def _na(key: str, **args: object) -> Msg:
    """A "not assessed" message (catalogue ``metrics.na.<key>``): English as before, Chinese on the faces."""
    return Msg(f"metrics.na.{key}", **args)


def _missing(name: str, unit: str, needs: str, how: str, flag: str = "") -> Default:
    """An input the ledger does not give: value ``None``, source kind ``missing`` saying how to add it.

    The note is a :class:`~dealweb.i18n.Msg` ``metrics.na.note`` whose ``need`` field
    (``needs X (how, or pass --flag)``) is what :func:`dealweb.metrics.presets.all_results` lists.
    """
    if not isinstance(needs, Msg):
        needs = _v(needs)
    full = _na("or_pass", how=how, flag=_v(flag)) if flag else how
    return Default(name, None, unit, Source(kind=MISSING, ref=needs, note=_na(
        "note", need=_na("need", needs=needs, how=full))))


def _record(ledger: Ledger | None, test: str, role: str = "", wanted: str | None = None) -> Analysis | None:
    """The ledger's ``analyses.<test>`` record whose ``role`` is ``wanted`` (the first record when not given)."""
    if ledger is None or ledger.analyses is None:
        return None
    recs = ledger.analyses.records(test)
    if wanted is None or not role:
        return recs[0] if recs else None
    return next((r for r in recs if r.entities.get(role) == wanted), None)


def figure_value(ledger: Ledger | None, test: str, name: str, fig: Figure | None, unit: str,
                 middle: bool = False) -> tuple[float, Source] | None:
    """The value (in ``unit`` terms) and source of one figure of the ``analyses`` section.

    A fact or deal figure is read from that record (its claim is the source); an assumption keeps its
    reasoning as the note. ``middle`` reads an interval (3-5 years) as its middle (4).
    """
    if ledger is None or fig is None:
        return None
    if fig.kind == "fact":
        f = ledger.facts.get(fig.ref)
        if f is None or f.value is None:
            return None
        if middle and f.value.high is not None and f.value.high != f.value.low:
            src = _fact_source(f)
            note = Msg("assume.note.middle", low=f"{f.value.low:g}", high=f"{f.value.high:g}", fact=f.id)
            return (f.value.low + f.value.high) / 2.0, Source(kind=LEDGER, ref=f.id, quote=src.quote,
                                                               document=src.document, note=note)
        v = _number(f.value, unit)
        return None if v is None else (float(v), _fact_source(f))
    if fig.kind == "deal":
        return deal_value(ledger, fig.ref, fig.field, unit)
    v = _number(fig.value, unit)
    if v is None:
        return None
    return float(v), Source(kind=ASSUMPTION, ref=f"analyses.{test}.{name}", note=fig.note)


def _fig(ledger: Ledger | None, rec: Analysis | None, test: str, key: str, unit: str,
         middle: bool = False) -> Resolver:
    fig = rec.figures.get(key) if rec is not None else None
    return lambda lg: figure_value(lg, test, key, fig, unit, middle)


_HOW = _na("add")


def _then_add(what: str | Msg) -> Msg:
    """``what; add it to the ledger's analyses section (docs/metrics.md)``."""
    return _na("then_add", what=what)


def _per_unit(ledger: Ledger | None, deal_ids: Sequence[str], num: str, den: str, unit: str,
              note: str) -> tuple[float, float, Source] | None:
    """(low, high, source) of ``num / den`` over the named deals (``num``/``den``: quantity, amount, capacity_gw)."""
    if ledger is None:
        return None
    lows: list[float] = []
    highs: list[float] = []
    srcs: list[Source] = []
    for d_id in deal_ids:
        d = ledger.deals.get(d_id)
        if d is None:
            continue

        def ends(field: str, d: Deal = d) -> tuple[float, float] | None:
            raw = getattr(d, field, None)
            if raw is None:
                return None
            if isinstance(raw, Amount):
                if field == "amount":
                    v = _number(raw, "usd")
                    return None if v is None else (v, v)
                if raw.qualifier in (Qualifier.ABOUT, Qualifier.EXACT):
                    return _nominal(raw), _nominal(raw)  # "about 400,000" is the figure as written
                hi = raw.high if raw.high is not None else raw.low
                return raw.low, hi
            return float(raw), float(raw)

        n, m = ends(num), ends(den)
        if n is None or m is None or not m[0] or not m[1]:
            continue
        lows.append(n[0] / m[1] if num == "amount" else n[0] / m[0])
        highs.append(n[1] / m[0] if num == "amount" else n[1] / m[1])
        hit = deal_value(ledger, d_id, num, unit)
        c = hit[1] if hit is not None else Source(kind=LEDGER, ref=d_id)
        srcs.append(Source(kind=LEDGER, ref=d_id, quote=c.quote, document=c.document, note=f"deal {d_id}: {note}"))
    if not lows:
        return None
    src = Source(kind=LEDGER, ref=", ".join(s.ref for s in srcs), quote=" / ".join(dict.fromkeys(
        s.quote for s in srcs if s.quote)), document=srcs[0].document, note="; ".join(s.note for s in srcs))
    return min(lows), max(highs), src


def _capacity(ledger: Ledger | None) -> dict[str, Default]:
    rec = _record(ledger, "capacity")
    out: dict[str, Default] = {}
    per_gw = _per_unit(ledger, rec.deals.get("per_gw", ()) if rec else (), "quantity", "capacity_gw",
                       "accelerators", "quantity / capacity_gw")
    price = _per_unit(ledger, rec.deals.get("price", ()) if rec else (), "amount", "quantity", "usd",
                      "amount / quantity")
    for end, i in (("low", 0), ("high", 1)):
        k = f"accelerators_per_gw_{end}"
        out[k] = (Default(k, per_gw[i], "accelerators_per_gw", per_gw[2]) if per_gw is not None else _missing(
            k, "accelerators_per_gw", "analyses.capacity.per_gw",
            _then_add(_na("what.per_gw", f=_v("capacity_gw"))), f"--per-gw-{end}"))
        k = f"usd_per_accelerator_{end}"
        out[k] = (Default(k, price[i], "usd_per_accelerator", price[2]) if price is not None else _missing(
            k, "usd_per_accelerator", "analyses.capacity.price",
            _then_add(_na("what.price")), f"--price-{end}"))
    gw = _fig(ledger, rec, "capacity", "gw", "gw")(ledger)
    if gw is None and rec is not None:
        for d_id in rec.deals.get("per_gw", ()):
            hit = deal_value(ledger, d_id, "capacity_gw", "gw")
            if hit is not None:
                gw = hit
                break
    out["gw"] = (Default("gw", gw[0], "gw", gw[1]) if gw is not None else
                 _missing("gw", "gw", "analyses.capacity.gw", _na("how.gw", f=_v("capacity_gw"),
                                                                 rec=_v("analyses.capacity.per_gw")), "--gw"))
    return out


def _breakeven(ledger: Ledger | None) -> dict[str, Default]:
    rec = _record(ledger, "breakeven")
    entity = rec.entities.get("entity") if rec is not None else None

    def monthly(lg: Ledger | None) -> tuple[float, Source] | None:
        hit = fact_value(lg, entity, "revenue_monthly", "usd") if entity else None
        return None if hit is None else (hit[0] * 12.0, hit[1])

    def yearly(lg: Ledger | None) -> tuple[float, Source] | None:
        return fact_value(lg, entity, "revenue", "usd", annual=True) if entity else None

    def need(name: str, unit: str, key: str, what: Msg, flag: str) -> Default:
        return _missing(name, unit, f"analyses.breakeven.{key}", _then_add(what), flag)

    return {
        "capex": _first(ledger, "capex", "usd", [_fig(ledger, rec, "breakeven", "capex", "usd")],
                        need("capex", "usd", "capex", _na("what.capex"), "--capex")),
        "life_years": _first(ledger, "life_years", "years",
                             [_fig(ledger, rec, "breakeven", "life", "years", middle=True)],
                             need("life_years", "years", "life", _na("what.life"), "--life")),
        "margin": _first(ledger, "margin", "fraction", [_fig(ledger, rec, "breakeven", "margin", "fraction")],
                         need("margin", "fraction", "margin", _na("what.margin"),
                              "--margin")),
        "required_return": _first(ledger, "required_return", "fraction_per_year",
                                  [_fig(ledger, rec, "breakeven", "required_return", "fraction")],
                                  Default("required_return", 0.0, "fraction_per_year", Source(
                                      kind=ASSUMPTION, ref="breakeven", note=Msg("assume.note.no_return")))),
        "revenue_per_year": _first(ledger, "revenue_per_year", "usd_per_year",
                                   [_fig(ledger, rec, "breakeven", "revenue", "usd"), monthly, yearly],
                                   need("revenue_per_year", "usd_per_year", "entity",
                                        _na("what.revenue_entity", a=_v("revenue"),
                                            b=_v("revenue_monthly")), "--revenue")),
    }


def main_contract(ledger: Ledger | None, payer: str, payee: str | None = None) -> Deal | None:
    """The payer's largest live, firm services contract (to ``payee`` when given) with a US-dollar amount.

    Read from the flows table (:func:`dealweb.flows.build_flows`, policy ``mid``): contracts with a term come
    first, then the larger amount, then the id: the contract a yearly commitment can be read from.
    Conditional money ("up to", letters of intent, tranches, rumours) is not a main contract.
    """
    if ledger is None:
        return None
    from dealweb.flows import build_flows

    fl = build_flows(ledger)
    if payer not in fl.entities:
        return None
    rows = fl.firm & (fl.kind == fl.code("kind", "services")) & (fl.payer == fl.entity_index(payer))
    if payee is not None:
        rows &= fl.payee == (fl.entity_index(payee) if payee in fl.entities else -1)
    g = fl.by_flow(rows)
    totals: dict[str, float] = {}
    for k in range(len(g["deal"])):
        d_id = fl.deals[g["deal"][k]]
        totals[d_id] = totals.get(d_id, 0.0) + float(g["value"][k])
    cands = [(ledger.deals[d].term_years is not None, v, d) for d, v in totals.items() if d in ledger.deals]
    if not cands:
        return None
    return ledger.deals[max(cands)[2]]


def _schedule(ledger: Ledger | None, entity: str, metric: str) -> Default:
    """The entity's revenue path: its facts of ``metric`` by fiscal year (two years or more)."""
    if ledger is not None:
        facts = [f for f in _facts(ledger, entity, metric) if f.period and f.period.startswith("FY")
                 and "Q" not in f.period and _number(f.value, "usd") is not None]
        by_period: dict[str, Fact] = {}
        for f in sorted(facts, key=lambda f: (f.as_of.isoformat() if f.as_of else "", f.id)):
            by_period[f.period] = f  # type: ignore[index]
        if len(by_period) >= 2:
            periods = sorted(by_period)
            values = tuple((p, float(_number(by_period[p].value, "usd"))) for p in periods)  # type: ignore[arg-type]
            srcs = [_fact_source(by_period[p]) for p in periods]
            src = Source(kind=LEDGER, ref=", ".join(s.ref for s in srcs),
                         quote=" / ".join(dict.fromkeys(s.quote for s in srcs if s.quote)),
                         document=srcs[0].document, note=f"{entity} revenue path {periods[0]}-{periods[-1]}")
            return Default("schedule", values, "usd_per_year", src)  # type: ignore[arg-type]
    return _missing("schedule", "usd_per_year", _na("needs.schedule", entity=_v(str(entity))),
                    _na("how.schedule", entity=_v(str(entity)), metric=_v(repr(metric)),
                        rec=_v("analyses.backlog path_metric")), "--schedule")


def _backlog(ledger: Ledger | None, entity: str | None = None, customer: str | None = None) -> dict[str, Default]:
    rec = _record(ledger, "backlog", "entity", entity)
    entity = entity or (rec.entities.get("entity") if rec else None)
    if entity is None:
        raise NotAssessed("backlog", (_v("analyses.backlog"),),
                          _na("how.backlog", yaml=_v("analyses: {backlog: [{entity: ID, customer: ID}]}"),
                              flag=_v("--entity")))
    if customer is None and rec is not None:
        customer = rec.entities.get("customer")
    deal = main_contract(ledger, customer, entity) if customer else None
    contract = deal.id if deal is not None else ""
    metric = rec.texts.get("path_metric", "revenue_guidance") if rec is not None else "revenue_guidance"
    growth = _fig(ledger, rec, "backlog", "customer_growth", "fraction")(ledger)
    out = {
        "rpo": _first(ledger, "rpo", "usd", [_fig(ledger, rec, "backlog", "rpo", "usd"),
                                             lambda lg: fact_value(lg, entity, "rpo", "usd")],
                      _missing("rpo", "usd", _na("needs.rpo", entity=_v(entity)),
                               _na("how.fact_or", entity=_v(entity), metric=_v("'rpo'"),
                                   rec=_v("analyses.backlog rpo")), "--rpo")),
        "schedule": _schedule(ledger, entity, metric),
        "customer_revenue_growth": Default("customer_revenue_growth", growth[0], "fraction_per_year", growth[1])
        if growth is not None else Default("customer_revenue_growth", 0.0, "fraction_per_year", Source(
            kind=ASSUMPTION, ref="flat revenue", note=Msg("assume.note.no_growth_customer"))),
    }
    if customer:
        out["customer_commitment"] = _first(
            ledger, "customer_commitment", "usd", [lambda lg: deal_value(lg, contract, "amount", "usd")],
            _missing("customer_commitment", "usd", _na("needs.contract", customer=_v(customer), entity=_v(entity)),
                     _na("how.services_usd"), "--commitment"))
        out["customer_years"] = _first(
            ledger, "customer_years", "years", [lambda lg: deal_value(lg, contract, "term_years", "years")],
            _missing("customer_years", "years", _na("needs.contract_term", customer=_v(customer)),
                     _na("how.term", yaml=_v("term: {years: N}")), "--customer-years"))
        out["customer_revenue_per_year"] = _first(
            ledger, "customer_revenue_per_year", "usd_per_year",
            [lambda lg: fact_value(lg, customer, "revenue", "usd", annual=True)],  # type: ignore[arg-type]
            _missing("customer_revenue_per_year", "usd_per_year", _na("needs.revenue", entity=_v(customer)),
                     _na("how.fact", entity=_v(customer), metric=_v("'revenue_annual'")), "--customer-revenue"))
    out["customer"] = Default("customer", customer, "id", Source(kind=LEDGER, ref="analyses.backlog")
                              if customer else Source(kind=ASSUMPTION, ref="no customer",
                                                      note=Msg("assume.note.no_customer")))
    out["entity"] = Default("entity", entity, "id", Source(kind=LEDGER, ref="analyses.backlog"))
    return out


def _funding_gap(ledger: Ledger | None, payer: str | None = None) -> dict[str, Default]:
    rec = _record(ledger, "funding_gap", "payer", payer)
    payer = payer or (rec.entities.get("payer") if rec else None)
    if payer is None:
        raise NotAssessed("funding-gap", (_v("analyses.funding_gap"),),
                          _na("how.funding_gap", yaml=_v("analyses: {funding_gap: [{payer: ID}]}"),
                              flag=_v("--payer")))
    deal = main_contract(ledger, payer)
    contract = deal.id if deal is not None else ""
    payee = deal.payee if deal is not None else ""

    def counterparty(lg: Ledger | None) -> tuple[float, Source] | None:
        # the payee's fact of what this payer pays it a year: <payee>/<payer>_contract_revenue_annual
        return fact_value(lg, payee, f"{payer}_contract_revenue_annual", "usd") if payee else None

    def per_year(lg: Ledger | None) -> tuple[float, Source] | None:
        return _ratio(deal_value(lg, contract, "amount", "usd"), deal_value(lg, contract, "term_years", "years"),
                      f"deal {contract}: amount / term years")

    return {
        "commitments_per_year": _first(
            ledger, "commitments_per_year", "usd_per_year",
            [_fig(ledger, rec, "funding_gap", "commitments", "usd"),
             lambda lg: fact_value(lg, payer, "annual_commitment", "usd"), counterparty, per_year],
            _missing("commitments_per_year", "usd_per_year", _na("needs.commitments", entity=_v(payer)),
                     _na("how.commitments", rec=_v("analyses.funding_gap commitments")), "--commitments")),
        "revenue_per_year": _first(
            ledger, "revenue_per_year", "usd_per_year",
            [_fig(ledger, rec, "funding_gap", "revenue", "usd"),
             lambda lg: fact_value(lg, payer, "revenue", "usd", annual=True)],
            _missing("revenue_per_year", "usd_per_year", _na("needs.revenue", entity=_v(payer)),
                     _na("how.fact", entity=_v(payer), metric=_v("'revenue_annual'")), "--revenue")),
        "years": _first(ledger, "years", "years",
                        [_fig(ledger, rec, "funding_gap", "years", "years"),
                         lambda lg: deal_value(lg, contract, "term_years", "years")],
                        _missing("years", "years", _na("needs.commit_term", entity=_v(payer)),
                                 _na("how.commit_term", yaml=_v("term: {years: N}"),
                                     rec=_v("analyses.funding_gap years")), "--years")),
        "revenue_growth": _first(ledger, "revenue_growth", "fraction_per_year",
                                 [_fig(ledger, rec, "funding_gap", "revenue_growth", "fraction")],
                                 Default("revenue_growth", 0.0, "fraction_per_year", Source(
                                     kind=ASSUMPTION, ref="flat revenue",
                                     note=Msg("assume.note.no_growth")))),
        "share_available": Default("share_available", 1.0, "fraction", Source(
            kind=ASSUMPTION, ref="all revenue", note=Msg("assume.note.all_revenue"))),
        "cash_available": _first(ledger, "cash_available", "usd",
                                 [_fig(ledger, rec, "funding_gap", "cash", "usd"),
                                  lambda lg: fact_value(lg, payer, "funding_raised", "usd")],
                                 Default("cash_available", 0.0, "usd", Source(
                                     kind=ASSUMPTION, ref="no cash", note=Msg("assume.note.no_raise", payer=payer)))),
        "payer": Default("payer", payer, "id", Source(kind=LEDGER, ref="analyses.funding_gap")),
    }


def _amplification(ledger: Ledger | None, entity: str | None = None) -> dict[str, Default]:
    rec = _record(ledger, "amplification", "entity", entity)
    if rec is None:
        known = [r.entities.get("entity", "") for r in ledger.analyses.records("amplification")] \
            if ledger is not None and ledger.analyses is not None else []
        how = _na("how.amplification", yaml=_v("analyses: {amplification: [{entity: ID, deal: DEAL-ID}]}"),
                  f1=_v("--deal"), f2=_v("--change"))
        if entity:
            how = _na("no_deal_for", entity=_v(repr(entity)), how=how)
        if known:
            how = _na("recorded", how=how, ids=_v(", ".join(known)))
        raise NotAssessed("amplification", (_v("analyses.amplification"),), how)
    entity = rec.entities["entity"]
    deal_id = rec.deals["deal"][0]
    d = _deal(ledger, deal_id)
    out = {
        "deal_size": _first(ledger, "deal_size", "usd", [lambda lg: deal_value(lg, deal_id, "amount", "usd")],
                            _missing("deal_size", "usd", _na("needs.deal_amount", deal=_v(deal_id)),
                                     _na("how.deal_amount", f=_v("amount")), "--deal")),
        "market_cap_change": _first(ledger, "market_cap_change", "usd",
                                    [_fig(ledger, rec, "amplification", "change", "usd"),
                                     lambda lg: fact_value(lg, entity, "market_cap_change", "usd")],
                                    _missing("market_cap_change", "usd", _na("needs.cap_change", entity=_v(entity)),
                                             _na("how.fact", entity=_v(entity), metric=_v("'market_cap_change'")),
                                             "--change")),
        "entity": Default("entity", entity, "id", Source(kind=LEDGER, ref="analyses.amplification")),
    }
    # the same day's market value and share-price move, when the ledger has both: a check on the change
    if ledger is not None:
        change_facts = _facts(ledger, entity, "market_cap_change")
        day = max((f.as_of for f in change_facts if f.as_of is not None), default=None)
        if day is not None:
            caps = [f for f in _facts(ledger, entity, "market_cap") if f.as_of == day]
            moves = [f for f in _facts(ledger, entity, "share_price_change") if f.as_of == day]
            if caps and moves and _number(caps[0].value, "usd") is not None:
                out["market_cap_after"] = Default("market_cap_after", _number(caps[0].value, "usd"), "usd",
                                                  _fact_source(caps[0]))
                out["price_change"] = Default("price_change", _number(moves[0].value, "fraction"), "fraction",
                                              _fact_source(moves[0]))
    if d is not None and d.term_years is not None and d.kind in ("services", "hardware"):
        out["deal_years"] = _first(ledger, "deal_years", "years",
                                   [lambda lg: deal_value(lg, deal_id, "term_years", "years")],
                                   Default("deal_years", None, "years", Source(kind=ASSUMPTION, ref=deal_id)))
    else:
        out["deal_years"] = Default("deal_years", None, "years",
                                    Source(kind=ASSUMPTION, ref=deal_id, note=Msg("assume.note.no_term")))
    return out


def cap_table_records(ledger: Ledger | None) -> tuple[Analysis, ...]:
    """Every restructuring the ledger records (``analyses.cap_table``), in file order."""
    if ledger is None or ledger.analyses is None:
        return ()
    return ledger.analyses.records("cap_table")


def _cap_table(ledger: Ledger | None, holder: str | None = None) -> dict[str, Default]:
    rec = _record(ledger, "cap_table", "holder", holder)
    if rec is None:
        raise NotAssessed("cap-table", (_v("analyses.cap_table"),),
                          _na("how.cap_table", yaml=_v("analyses: {cap_table: [{holder: ID, from: FIGURE, to: FIGURE, "
                                                       "valuation: FIGURE}]}"),
                              f1=_v("--from"), f2=_v("--to"), f3=_v("--valuation")))
    return {
        "from_stake": _first(ledger, "from_stake", "fraction", [_fig(ledger, rec, "cap_table", "from", "fraction")],
                             _missing("from_stake", "fraction", "analyses.cap_table from", _HOW, "--from")),
        "to_stake": _first(ledger, "to_stake", "fraction", [_fig(ledger, rec, "cap_table", "to", "fraction")],
                           _missing("to_stake", "fraction", "analyses.cap_table to", _HOW, "--to")),
        "valuation": _first(ledger, "valuation", "usd", [_fig(ledger, rec, "cap_table", "valuation", "usd")],
                            _missing("valuation", "usd", "analyses.cap_table valuation",
                                     _then_add(_na("what.valuation")), "--valuation")),
        "shares_outstanding": _first(ledger, "shares_outstanding", "shares",
                                     [_fig(ledger, rec, "cap_table", "shares", "shares")],
                                     Default("shares_outstanding", 1.0e9, "shares", Source(
                                         kind=ASSUMPTION, ref="illustrative shares",
                                         note=Msg("assume.note.shares_before")))),
        "holder": Default("holder", rec.entities["holder"], "id", Source(kind=LEDGER, ref="analyses.cap_table")),
        "company": Default("company", rec.entities.get("company"), "id",
                           Source(kind=LEDGER, ref="analyses.cap_table")),
    }


def bubble_firms(ledger: Ledger | None) -> list[dict[str, object]]:
    """The firms the ledger's bubble test looks at, each with the facts that stand for its figures.

    For each firm of ``analyses.bubble.firms``: one row per forward-P/E fact (``pe_forward*``: the firm's id,
    then ``<id>-<rest of the metric>`` for variants), and the capex, revenue and free cash flow of the
    record's ``period`` (a ``free_cash_flow_deficit`` is a negative free cash flow). Returns dicts with
    ``entity`` and ``figures`` (name -> :class:`Default`).
    """
    rec = _record(ledger, "bubble")
    if rec is None or ledger is None:
        return []
    period = rec.texts.get("period") or None
    out: list[dict[str, object]] = []
    for firm in rec.entity_lists.get("firms", ()):
        pes = sorted((f for f in ledger.facts.values() if f.entity == firm and f.metric.startswith("pe_forward")
                      and _number(f.value, "x") is not None), key=lambda f: (len(f.metric), f.metric))
        base = pes[0].metric if pes else ""
        for f in pes:
            name = firm if f.metric == base else f"{firm}-{f.metric.removeprefix(base).strip('_').replace('_', '-')}"
            out.append({"entity": name, "figures": {"forward_pe": Default("forward_pe", _number(f.value, "x"), "x",
                                                                          _fact_source(f))}})
        figs: dict[str, Default] = {}
        for key, kind in (("capex", "capex"), ("revenue", "revenue"), ("free_cash_flow", "free_cash_flow")):
            hit = fact_value(ledger, firm, kind, "usd", period)
            if hit is not None:
                figs[key] = Default(key, hit[0], "usd", hit[1])
        deficit = fact_value(ledger, firm, "free_cash_flow_deficit", "usd", period)
        if deficit is not None and "free_cash_flow" not in figs:
            # a deficit is written as a size (stored as a positive amount of metric free_cash_flow_deficit)
            figs["free_cash_flow"] = Default("free_cash_flow", -abs(deficit[0]), "usd", deficit[1])
        if figs:
            out.append({"entity": firm, "figures": figs})
    return out


def _bubble(ledger: Ledger | None) -> dict[str, Default]:
    rec = _record(ledger, "bubble")
    if rec is None:
        raise NotAssessed("bubble", (_v("analyses.bubble"),),
                          _na("how.bubble", yaml=_v("analyses: {bubble: {firms: [ID, ...], reference_pe: "
                                                    "{value: 50, unit: x, assumption: why}}}"), flag=_v("--entity")))
    return {
        "reference_pe": _first(ledger, "reference_pe", "x", [_fig(ledger, rec, "bubble", "reference_pe", "x")],
                               _missing("reference_pe", "x", "analyses.bubble reference_pe",
                                        _then_add(_na("what.reference_pe")),
                                        "--reference-pe")),
    }


#: Deal kinds that commit a payer to pay for something over time.
COMMITMENT_KINDS = ("services", "hardware")


@dataclass(frozen=True)
class Commitment:
    """One deal committing ``payer`` to pay ``payee``, annualised over its term when the ledger gives one.

    ``included`` is false (and ``reason`` says why) when the deal has no US-dollar amount or no term: such a
    deal cannot be spread over years, and is listed rather than guessed.
    """

    deal: str
    payee: str
    amount: float | None
    years: float | None
    per_year: float | None
    included: bool
    reason: str
    source: Source

    def as_dict(self) -> dict[str, object]:
        """Stable keys: deal, payee, amount (usd), years, per_year (usd_per_year), included, reason, source."""
        return {"deal": self.deal, "payee": self.payee, "amount": self.amount, "years": self.years,
                "per_year": self.per_year, "included": self.included, "reason": self.reason,
                "source": self.source.as_dict()}


def payer_commitments(ledger: Ledger, payer: str, on: date | None = None, policy: str = "mid"
                      ) -> tuple[Commitment, ...]:
    """Every live services or hardware deal ``payer`` pays for, annualised as amount / term years.

    Read from the flows table (:func:`dealweb.flows.build_flows`, the one bridge from deals to money): the
    amount is the flow's value under ``policy`` (``mid``: :attr:`dealweb.money.Amount.mid`, one definition
    for every command). Conditional money ("up to", letters of intent, tranches, rumours) is listed, not
    counted; deals without a US-dollar amount are listed from the table's skipped flows.

    Args:
        ledger: the ledger to read.
        payer: the entity id of the payer.
        on: read the ledger as known on this date (everything it records when ``None``).
        policy: ``low``, ``mid`` or ``high``.

    Returns:
        One :class:`Commitment` per deal, in deal-id order; those without an amount or a term, or that are
        conditional, are listed with ``included=False`` and the reason.
    """
    from dealweb.flows import build_flows

    fl = build_flows(ledger, as_of=on, policy=policy)
    kinds = {fl.code("kind", k) for k in COMMITMENT_KINDS}
    cond = {fl.code("status", "conditional"), fl.code("status", "rumoured")}
    live = fl.live & np.isin(fl.kind, list(kinds))
    if payer in fl.entities:
        live &= fl.payer == fl.entity_index(payer)
    else:
        live &= False
    g = fl.by_flow(live)
    by_deal: dict[str, dict[str, object]] = {}
    for k in range(len(g["deal"])):
        d_id = fl.deals[g["deal"][k]]
        row = by_deal.setdefault(d_id, {"payee": fl.entities[g["payee"][k]], "value": 0.0, "conditional": False,
                                        "years": g["term_years"][k]})
        row["value"] = float(row["value"]) + float(g["value"][k])  # type: ignore[arg-type]
        row["conditional"] = bool(row["conditional"]) or int(g["status"][k]) in cond
    for sk in fl.skipped:
        deal = ledger.deals.get(sk.deal)
        if sk.payer == payer and deal is not None and deal.kind in COMMITMENT_KINDS and sk.deal not in by_deal:
            by_deal[sk.deal] = {"payee": sk.payee, "value": None, "conditional": False, "years": deal.term_years}
    out: list[Commitment] = []
    for d_id in sorted(by_deal):
        row = by_deal[d_id]
        amount = row["value"]
        years = row["years"]
        years = None if years is None or (isinstance(years, float) and np.isnan(years)) else float(years)
        hit = deal_value(ledger, d_id, "amount", "usd")
        src = hit[1] if hit is not None else Source(kind=LEDGER, ref=d_id, note=f"deal {d_id}: no amount")
        if amount is None:
            reason = "no US-dollar amount in the ledger"
        elif row["conditional"]:
            reason = "conditional money ('up to', letter of intent, tranche or rumour): not a commitment yet"
        elif not years:
            reason = "no term in the ledger: cannot be spread over years"
        else:
            reason = ""
        per_year = float(amount) / years if amount is not None and years and not reason else None  # type: ignore[arg-type]
        out.append(Commitment(d_id, str(row["payee"]), None if amount is None else float(amount), years,  # type: ignore[arg-type]
                              per_year, per_year is not None, reason, src))
    return tuple(out)


def defaults_for(metric: str, ledger: Ledger | None = None, **context: str | None) -> dict[str, Default]:
    """Default inputs of ``metric`` (one of :data:`METRICS`), from ``ledger`` alone.

    Args:
        metric: ``bubble``, ``breakeven``, ``capacity``, ``backlog``, ``funding-gap``, ``amplification`` or
            ``cap-table``.
        ledger: the ledger to read (``None``: no defaults; every input is missing).
        **context: ``entity``/``customer`` for backlog and amplification, ``payer`` for funding-gap,
            ``holder`` for cap-table (default: the ledger's first record of that test).

    Returns:
        Input name -> :class:`Default` (value, unit, source); a missing input has value ``None``.

    Raises:
        NotAssessed: the ledger names no record for a test that needs one (backlog, funding-gap,
            amplification, cap-table, bubble), with how to add it.
        InputError: an unknown metric.
    """
    table: dict[str, Callable[..., dict[str, Default]]] = {
        "capacity": _capacity, "breakeven": _breakeven, "backlog": _backlog, "funding-gap": _funding_gap,
        "amplification": _amplification, "cap-table": _cap_table, "bubble": _bubble,
    }
    if metric not in table:
        raise InputError(f"unknown metric {metric!r}", f"use one of {', '.join(METRICS)}")
    return table[metric](ledger, **{k: v for k, v in context.items() if v is not None})
