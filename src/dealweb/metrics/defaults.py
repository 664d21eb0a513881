"""Default inputs for each metric, taken from a ledger's facts and deals, each shown with its source.

For every input a metric needs, :func:`defaults_for` looks in the ledger (facts by entity id and metric,
deals by id and field) and returns a :class:`Default`: the value, its unit and its
:class:`~dealweb.metrics.common.Source` (``ledger``: the fact or deal id and the quote of the claim it
stands on). When the ledger lacks the figure, the default falls back to the seed article's own sentence
(source kind ``article``) or to a documented assumption (kind ``assumption``); never silently: the source
says which.

Lookups used (entity / metric of a fact, or deal id / field; metric names tried are in :data:`LOOKUPS`):

========================  ==========================================================================
metric input              ledger lookup (first found wins)
========================  ==========================================================================
capacity ratios           deal ``openai-nvidia-systems-10gw`` quantity / capacity_gw;
                          deal ``oracle-nvidia-gb200-40b`` amount / quantity
breakeven                 ``ai-industry``/``capex``; the middle of ``ai-industry``/
                          ``depreciation_life_years``; ``ai-industry``/``revenue_monthly`` x 12
backlog                   ``<entity>``/``rpo`` (latest); ``<entity>``/``oci_revenue_guidance`` by fiscal
                          year; the customer's main contract with it (:func:`main_contract`) amount
                          and term; ``<customer>``/revenue (yearly)
funding gap               ``<payee>``/``<payer>_contract_revenue_annual``, else the main contract / its
                          years; ``<payer>``/``revenue_annual``; ``<payer>``/``funding_round``
amplification             ``<entity>``/``market_cap_change``; the deal's amount and term
cap table                 ``bytedance``/``stake_in_tiktok`` and ``stake_in_tiktok_us_planned``
bubble                    ``magnificent-seven``/``pe_forward_24m_median`` (and ``_ex_tesla``) and
                          ``pe_ratio_vs_late_1990s_top7``; ``oracle``/``capex``, ``revenue``,
                          ``free_cash_flow_deficit`` for FY2026 Q1
========================  ==========================================================================

Yearly flows (revenue) are never read from a quarter's or a month's fact. The articles' figures are the
fall-back only for the entities they are about (Oracle, OpenAI, Nvidia); another entity's missing input
has the value ``None`` and a note naming the flag to pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from dealweb.errors import InputError
from dealweb.metrics.amplification import DEFAULT_AMPLIFICATION_SOURCES
from dealweb.metrics.backlog import DEFAULT_BACKLOG_SOURCES, DEFAULT_OCI_PATH
from dealweb.metrics.breakeven import DEFAULT_BREAKEVEN_SOURCES
from dealweb.metrics.bubble import DEFAULT_BUBBLE_SOURCES
from dealweb.metrics.cap_table import DEFAULT_CAP_TABLE_SOURCES
from dealweb.metrics.capacity import DEFAULT_CAPACITY_SOURCES
from dealweb.metrics.common import ASSUMPTION, LEDGER, Source
from dealweb.metrics.funding_gap import DEFAULT_FUNDING_GAP_SOURCES
from dealweb.metrics.quotes import QUOTES
from dealweb.model import Claim, Deal, Fact, Ledger
from dealweb.money import Amount, Qualifier

__all__ = ["LOOKUPS", "METRICS", "Commitment", "Default", "deal_value", "defaults_for", "fact_value",
           "main_contract", "payer_commitments"]

#: The metrics that have defaults.
METRICS = ("bubble", "breakeven", "capacity", "backlog", "funding-gap", "amplification", "cap-table")

#: Fact metric names tried, in order, for each kind of figure (the ledger's vocabulary is free).
LOOKUPS: dict[str, tuple[str, ...]] = {
    "rpo": ("rpo", "remaining_performance_obligations"),
    "revenue": ("revenue", "annual_revenue", "revenue_annual"),
    "revenue_monthly": ("revenue_monthly", "monthly_revenue"),
    "oci_path": ("oci_revenue_guidance", "oci_revenue", "cloud_infrastructure_revenue_guidance",
                 "revenue_guidance"),
    "annual_commitment": ("annual_commitment", "annual_payment", "commitment_per_year"),
    "funding_raised": ("funding_raised", "funding_round", "equity_raised", "capital_raised"),
    "market_cap_change": ("market_cap_change",),
    "market_cap": ("market_cap",),
    "share_price_change": ("share_price_change",),
    "valuation": ("valuation",),
    "capex": ("capex", "capital_expenditure"),
    "free_cash_flow": ("free_cash_flow", "fcf"),
    "free_cash_flow_deficit": ("free_cash_flow_deficit",),
    "pe_forward": ("pe_forward_24m_median", "pe_forward", "forward_pe"),
    "pe_forward_ex_tesla": ("pe_forward_24m_median_ex_tesla",),
    "pe_vs_reference": ("pe_ratio_vs_late_1990s_top7",),
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


def _first(ledger: Ledger | None, name: str, unit: str, resolvers: Sequence[Resolver], fallback: float | None,
           fallback_source: Source) -> Default:
    for r in resolvers:
        hit = r(ledger)
        if hit is not None:
            return Default(name, hit[0], unit, hit[1])
    return Default(name, fallback, unit, fallback_source)


def _ratio(a: tuple[float, Source] | None, b: tuple[float, Source] | None, note: str) -> tuple[float, Source] | None:
    if a is None or b is None or b[0] == 0:
        return None
    src = Source(kind=LEDGER, ref=f"{a[1].ref} / {b[1].ref}" if a[1].ref != b[1].ref else a[1].ref,
                 quote=" / ".join(dict.fromkeys(q for q in (a[1].quote, b[1].quote) if q)),
                 document=a[1].document, note=note)
    return a[0] / b[0], src


def _capacity(ledger: Ledger | None) -> dict[str, Default]:
    d = _deal(ledger, "openai-nvidia-systems-10gw")
    out: dict[str, Default] = {}
    lo_hi: tuple[float, float, Source] | None = None
    if d is not None and d.quantity is not None and d.capacity_gw:
        c = _claim_for(d.claims, ("quantity",))
        hi = d.quantity.high if d.quantity.high is not None else d.quantity.low
        lo_hi = (d.quantity.low / d.capacity_gw, hi / d.capacity_gw,
                 Source(kind=LEDGER, ref=d.id, quote=c.quote if c else "", document=c.document if c else "",
                        note=f"deal {d.id}: {d.quantity.label()} for {d.capacity_gw:g} GW"))
    if lo_hi is not None:
        out["accelerators_per_gw_low"] = Default("accelerators_per_gw_low", lo_hi[0], "accelerators_per_gw", lo_hi[2])
        out["accelerators_per_gw_high"] = Default("accelerators_per_gw_high", lo_hi[1], "accelerators_per_gw",
                                                  lo_hi[2])
    else:
        for k, v in (("accelerators_per_gw_low", 4.0e5), ("accelerators_per_gw_high", 5.0e5)):
            out[k] = Default(k, v, "accelerators_per_gw", DEFAULT_CAPACITY_SOURCES[k])
    price = _ratio(deal_value(ledger, "oracle-nvidia-gb200-40b", "amount", "usd"),
                   deal_value(ledger, "oracle-nvidia-gb200-40b", "quantity", "accelerators"),
                   "deal oracle-nvidia-gb200-40b: amount / quantity (nominal figures)")
    for k in ("usd_per_accelerator_low", "usd_per_accelerator_high"):
        out[k] = (Default(k, price[0], "usd_per_accelerator", price[1]) if price is not None
                  else Default(k, 1.0e5, "usd_per_accelerator", DEFAULT_CAPACITY_SOURCES[k]))
    return out


def _middle_life(ledger: Ledger | None) -> tuple[float, Source] | None:
    """The middle of the ledger's depreciation-life interval (3-5 years -> 4), with its source."""
    if ledger is None:
        return None
    facts = _facts(ledger, "ai-industry", "depreciation_life")
    if not facts:
        return None
    f = facts[0]
    hi = f.value.high if f.value.high is not None else f.value.low
    src = _fact_source(f)
    note = f"middle of {f.value.low:g}-{hi:g} years ({f.id})"
    return (f.value.low + hi) / 2.0, Source(kind=LEDGER, ref=f.id, quote=src.quote, document=src.document,
                                            note=note)


def _breakeven(ledger: Ledger | None) -> dict[str, Default]:
    s = DEFAULT_BREAKEVEN_SOURCES

    def monthly(lg: Ledger | None) -> tuple[float, Source] | None:
        hit = fact_value(lg, "ai-industry", "revenue_monthly", "usd")
        return None if hit is None else (hit[0] * 12.0, hit[1])

    return {
        "capex": _first(ledger, "capex", "usd", [lambda lg: fact_value(lg, "ai-industry", "capex", "usd")],
                        4.0e11, s["capex"]),
        "life_years": _first(ledger, "life_years", "years", [_middle_life], 4.0, s["life_years"]),
        "margin": Default("margin", 0.25, "fraction", s["margin"]),
        "required_return": Default("required_return", 0.0, "fraction_per_year", s["required_return"]),
        "revenue_per_year": _first(ledger, "revenue_per_year", "usd_per_year",
                                   [monthly, lambda lg: fact_value(lg, "ai-industry", "revenue", "usd", annual=True)],
                                   1.2e10, s["revenue_per_year"]),
    }


def _missing(name: str, unit: str, what: str, flag: str) -> Default:
    """A default the ledger lacks and the articles do not give for this entity: ``None``, saying so."""
    return Default(name, None, unit, Source(kind=ASSUMPTION, ref="none",
                                            note=f"no {what} in the ledger or the articles: pass {flag}"))


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


def _schedule(ledger: Ledger | None, entity: str) -> Default:
    if ledger is not None:
        facts = [f for f in _facts(ledger, entity, "oci_path") if f.period and f.period.startswith("FY")
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
    if entity == "oracle":
        return Default("schedule", DEFAULT_OCI_PATH, "usd_per_year",  # type: ignore[arg-type]
                       DEFAULT_BACKLOG_SOURCES["schedule"])
    return _missing("schedule", "usd_per_year", f"revenue path for {entity}", "--schedule")


def _backlog(ledger: Ledger | None, entity: str = "oracle", customer: str = "openai") -> dict[str, Default]:
    s = DEFAULT_BACKLOG_SOURCES
    # the article's figures stand for Oracle's backlog and OpenAI's contract only
    ours, pair = entity == "oracle", entity == "oracle" and customer == "openai"
    deal = main_contract(ledger, customer, entity)
    contract = deal.id if deal is not None else ""

    def fallback(name: str, unit: str, value: float, ok: bool, what: str, flag: str) -> tuple[float | None, Source]:
        if ok:
            return value, s[name]
        m = _missing(name, unit, what, flag)
        return m.value, m.source

    rpo_v, rpo_s = fallback("rpo", "usd", 4.55e11, ours, f"RPO for {entity}", "--rpo")
    com_v, com_s = fallback("customer_commitment", "usd", 3.0e11, pair, f"contract of {customer} with {entity}",
                            "--commitment")
    yrs_v, yrs_s = fallback("customer_years", "years", 5.0, pair, f"term of {customer}'s contract",
                            "--customer-years")
    rev_v, rev_s = fallback("customer_revenue_per_year", "usd_per_year", 1.0e10, customer == "openai",
                            f"revenue of {customer}", "--customer-revenue")
    return {
        "rpo": _first(ledger, "rpo", "usd", [lambda lg: fact_value(lg, entity, "rpo", "usd")], rpo_v, rpo_s),
        "schedule": _schedule(ledger, entity),
        "customer_commitment": _first(ledger, "customer_commitment", "usd",
                                      [lambda lg: deal_value(lg, contract, "amount", "usd")], com_v, com_s),
        "customer_years": _first(ledger, "customer_years", "years",
                                 [lambda lg: deal_value(lg, contract, "term_years", "years")], yrs_v, yrs_s),
        "customer_revenue_per_year": _first(ledger, "customer_revenue_per_year", "usd_per_year",
                                            [lambda lg: fact_value(lg, customer, "revenue", "usd", annual=True)],
                                            rev_v, rev_s),
        "customer_revenue_growth": Default("customer_revenue_growth", 0.0, "fraction_per_year",
                                           s["customer_revenue_growth"]),
    }


def _funding_gap(ledger: Ledger | None, payer: str = "openai") -> dict[str, Default]:
    s = DEFAULT_FUNDING_GAP_SOURCES
    deal = main_contract(ledger, payer)
    contract = deal.id if deal is not None else ""
    payee = deal.payee if deal is not None else ""
    ours = payer == "openai"

    def counterparty(lg: Ledger | None) -> tuple[float, Source] | None:
        # the payee's fact of what this payer pays it a year, e.g. oracle/openai_contract_revenue_annual
        return fact_value(lg, payee, f"{payer}_contract_revenue_annual", "usd") if payee else None

    def per_year(lg: Ledger | None) -> tuple[float, Source] | None:
        return _ratio(deal_value(lg, contract, "amount", "usd"), deal_value(lg, contract, "term_years", "years"),
                      f"deal {contract}: amount / term years")

    def pick(name: str, unit: str, resolvers: list[Resolver], value: float, what: str, flag: str) -> Default:
        if ours:
            return _first(ledger, name, unit, resolvers, value, s[name])
        m = _missing(name, unit, what, flag)
        return _first(ledger, name, unit, resolvers, m.value, m.source)  # type: ignore[arg-type]

    return {
        "commitments_per_year": pick("commitments_per_year", "usd_per_year",
                                     [lambda lg: fact_value(lg, payer, "annual_commitment", "usd"), counterparty,
                                      per_year], 6.0e10, f"yearly commitments of {payer}", "--commitments"),
        "revenue_per_year": pick("revenue_per_year", "usd_per_year",
                                 [lambda lg: fact_value(lg, payer, "revenue", "usd", annual=True)], 1.0e10,
                                 f"revenue of {payer}", "--revenue"),
        "years": pick("years", "years", [lambda lg: deal_value(lg, contract, "term_years", "years")], 5.0,
                      f"term of {payer}'s commitments", "--years"),
        "revenue_growth": Default("revenue_growth", 0.0, "fraction_per_year", s["revenue_growth"]),
        "share_available": Default("share_available", 1.0, "fraction", s["share_available"]),
        "cash_available": _first(ledger, "cash_available", "usd",
                                 [lambda lg: fact_value(lg, payer, "funding_raised", "usd")],
                                 4.0e10 if ours else 0.0,
                                 s["cash_available"] if ours else Source(
                                     kind=ASSUMPTION, ref="no cash",
                                     note=f"no raise of {payer} known: 0; pass --cash")),
    }


#: The deal whose announcement each entity's market-value change is set against.
AMPLIFICATION_DEALS: dict[str, tuple[str, float, float | None]] = {
    # entity: (deal id, fallback deal size USD, fallback term years)
    "oracle": ("openai-oracle-cloud-300b", 3.0e11, 5.0),
    "nvidia": ("nvidia-openai-investment-100b", 1.0e11, None),
}
_AMPLIFICATION_CHANGE = {"oracle": 2.5e11, "nvidia": 1.7e11}


def _amplification(ledger: Ledger | None, entity: str = "oracle") -> dict[str, Default]:
    if entity not in AMPLIFICATION_DEALS:
        raise InputError(f"no default deal for amplification of {entity!r}",
                         f"use one of {', '.join(AMPLIFICATION_DEALS)} or pass --deal and --change")
    deal_id, size, years = AMPLIFICATION_DEALS[entity]
    s = DEFAULT_AMPLIFICATION_SOURCES

    def deal_size(lg: Ledger | None) -> tuple[float, Source] | None:
        d = _deal(lg, deal_id)
        if d is None or d.amount is None:
            return None
        # "up to $100B" is nominal 100B: the headline size the market reacted to
        return deal_value(lg, deal_id, "amount", "usd")

    out = {
        "deal_size": _first(ledger, "deal_size", "usd", [deal_size], size, s["deal_size"]),
        "market_cap_change": _first(ledger, "market_cap_change", "usd",
                                    [lambda lg: fact_value(lg, entity, "market_cap_change", "usd")],
                                    _AMPLIFICATION_CHANGE[entity], s["market_cap_change"]),
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
    if years is not None:
        out["deal_years"] = _first(ledger, "deal_years", "years",
                                   [lambda lg: deal_value(lg, deal_id, "term_years", "years")], years,
                                   s["deal_years"])
    else:
        out["deal_years"] = Default("deal_years", None, "years",
                                    Source(kind=ASSUMPTION, ref=deal_id, note="no term: not a yearly contract"))
    return out


def _cap_table(ledger: Ledger | None) -> dict[str, Default]:
    s = DEFAULT_CAP_TABLE_SOURCES
    return {
        "from_stake": _first(ledger, "from_stake", "fraction",
                             [lambda lg: fact_value(lg, "bytedance", "stake_in_tiktok", "fraction")], 1.0,
                             s["from_stake"]),
        "to_stake": _first(ledger, "to_stake", "fraction",
                           [lambda lg: fact_value(lg, "bytedance", "stake_in_tiktok_us_planned", "fraction")], 0.2,
                           s["to_stake"]),
        "valuation": Default("valuation", None, "usd", s["valuation"]),
        "shares_outstanding": Default("shares_outstanding", 1.0e9, "shares", s["shares_outstanding"]),
    }


def _bubble(ledger: Ledger | None) -> dict[str, Default]:
    s = DEFAULT_BUBBLE_SOURCES
    ex_tesla = _first(ledger, "mag7_ex_tesla_forward_pe", "x",
                      [lambda lg: fact_value(lg, "magnificent-seven", "pe_forward_ex_tesla", "x")], 26.0,
                      QUOTES["mag7_pe"])
    out = {
        "reference_pe": Default("reference_pe", 52.0, "x", s["reference_pe"]),
        "mag7_forward_pe": _first(ledger, "mag7_forward_pe", "x",
                                  [lambda lg: fact_value(lg, "magnificent-seven", "pe_forward", "x")], 27.0,
                                  QUOTES["mag7_pe"]),
        "mag7_ex_tesla_forward_pe": ex_tesla,
        "oracle_capex": _first(ledger, "oracle_capex", "usd",
                               [lambda lg: fact_value(lg, "oracle", "capex", "usd", "FY2026 Q1")], 8.5e9,
                               QUOTES["oracle_q1_fcf"]),
        "oracle_free_cash_flow": Default("oracle_free_cash_flow", -0.362e9, "usd", QUOTES["oracle_q1_fcf"]),
        "oracle_revenue": _first(ledger, "oracle_revenue", "usd",
                                 [lambda lg: fact_value(lg, "oracle", "revenue", "usd", "FY2026 Q1")], 14.9e9,
                                 QUOTES["oracle_q1_revenue"]),
    }
    half = fact_value(ledger, "magnificent-seven", "pe_vs_reference", "x")
    if half is not None and half[0] > 0 and ex_tesla.source.kind == LEDGER:
        # the reference is what today's 26x is "half" of: 26 / 0.5 = 52
        out["reference_pe"] = Default("reference_pe", ex_tesla.value / half[0], "x", Source(  # type: ignore[operator]
            kind=LEDGER, ref=f"{ex_tesla.source.ref} / {half[1].ref}", quote=half[1].quote,
            document=half[1].document, note=f"{ex_tesla.value:g}x / {half[0]:g}: the late-1990s top 7"))
    deficit = fact_value(ledger, "oracle", "free_cash_flow_deficit", "usd", "FY2026 Q1")
    fcf = fact_value(ledger, "oracle", "free_cash_flow", "usd", "FY2026 Q1")
    if deficit is not None:
        # a deficit is written as a size ("負3.62億美元" is stored as 3.62億美元 of metric free_cash_flow_deficit)
        out["oracle_free_cash_flow"] = Default("oracle_free_cash_flow", -abs(deficit[0]), "usd", deficit[1])
    elif fcf is not None:
        out["oracle_free_cash_flow"] = Default("oracle_free_cash_flow", fcf[0], "usd", fcf[1])
    return out


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


def defaults_for(metric: str, ledger: Ledger | None = None, **context: str) -> dict[str, Default]:
    """Default inputs of ``metric`` (one of :data:`METRICS`), from ``ledger`` where it has the figures.

    Args:
        metric: ``bubble``, ``breakeven``, ``capacity``, ``backlog``, ``funding-gap``, ``amplification`` or
            ``cap-table``.
        ledger: the ledger to read (``None``: the articles' figures and the documented assumptions).
        **context: ``entity``/``customer`` for backlog and amplification, ``payer`` for funding-gap.

    Returns:
        Input name -> :class:`Default` (value, unit, source).

    Raises:
        InputError: an unknown metric, or an entity with no default deal.
    """
    table: dict[str, Callable[..., dict[str, Default]]] = {
        "capacity": _capacity, "breakeven": _breakeven, "backlog": _backlog, "funding-gap": _funding_gap,
        "amplification": _amplification, "cap-table": _cap_table, "bubble": _bubble,
    }
    if metric not in table:
        raise InputError(f"unknown metric {metric!r}", f"use one of {', '.join(METRICS)}")
    return table[metric](ledger, **{k: v for k, v in context.items() if v is not None})
