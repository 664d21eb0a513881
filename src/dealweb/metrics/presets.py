"""Every metric run on its defaults: the inputs a ledger (or the articles) give, for reports and dashboards.

:func:`inputs_from_defaults` builds a metric's typed inputs from :func:`dealweb.metrics.defaults.defaults_for`
(each input keeps its source); :func:`result_from_defaults` runs the metric on them; :func:`all_results`
runs all seven. The faces (report, web) show ``result.as_dict()``; the keys are listed in ``docs/metrics.md``.
"""

from __future__ import annotations

from typing import Any

from dealweb.metrics.amplification import AmplificationInputs, amplification
from dealweb.metrics.backlog import BacklogInputs, backlog
from dealweb.metrics.breakeven import BreakevenInputs, breakeven
from dealweb.metrics.bubble import DEFAULT_BUBBLE_SOURCES, BubbleEntity, BubbleInputs, bubble
from dealweb.metrics.cap_table import CapTableInputs, cap_table
from dealweb.metrics.capacity import CapacityInputs, capacity
from dealweb.metrics.common import ASSUMPTION, Source
from dealweb.metrics.defaults import METRICS, Default, defaults_for
from dealweb.metrics.funding_gap import FundingGapInputs, funding_gap
from dealweb.model import Ledger

__all__ = ["DEFAULT_CAPACITY_GW", "DEFAULT_VALUATION", "all_results", "default_bubble_entities", "inputs_from_defaults",
           "result_from_defaults"]

#: Capacity converted when none is given: the 10 GW of the Nvidia-OpenAI partnership.
DEFAULT_CAPACITY_GW = 10.0
#: Illustrative pre-money valuation for the cap table when none is given (the articles give none).
DEFAULT_VALUATION = 1.0e11

_GW_SOURCE = Source(kind=ASSUMPTION, ref="example: 10 GW",
                    note="the 10 GW of the Nvidia-OpenAI partnership, as an example to convert")
_VALUATION_SOURCE = Source(kind=ASSUMPTION, ref="illustrative valuation",
                           note="$100B for 100% of TikTok US, illustrative only: the articles give no valuation "
                                "(only ByteDance's whole, about $330B); pass your own")


def _vals(d: dict[str, Default], names: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, Source]]:
    return {n: d[n].value for n in names}, {n: d[n].source for n in names}


def inputs_from_defaults(metric: str, ledger: Ledger | None = None, **context: str) -> Any:
    """The typed inputs of ``metric`` built from its defaults (ledger facts, article quotes, assumptions).

    Args:
        metric: one of :data:`dealweb.metrics.defaults.METRICS`.
        ledger: the ledger to read, or ``None`` for the articles' figures and the assumptions.
        **context: ``entity``/``customer`` (backlog, amplification) or ``payer`` (funding-gap).

    Returns:
        The metric's inputs dataclass, every input with its source.
    """
    d = defaults_for(metric, ledger, **context)
    if metric == "capacity":
        names = ("accelerators_per_gw_low", "accelerators_per_gw_high", "usd_per_accelerator_low",
                 "usd_per_accelerator_high")
        v, s = _vals(d, names)
        return CapacityInputs(gw=DEFAULT_CAPACITY_GW, sources={**s, "gw": _GW_SOURCE}, **v)
    if metric == "breakeven":
        v, s = _vals(d, ("capex", "life_years", "margin", "required_return", "revenue_per_year"))
        return BreakevenInputs(sources=s, **v)
    if metric == "backlog":
        v, s = _vals(d, ("rpo", "schedule", "customer_commitment", "customer_years", "customer_revenue_per_year",
                         "customer_revenue_growth"))
        return BacklogInputs(entity=context.get("entity", "oracle"), customer=context.get("customer", "openai"),
                             sources=s, **v)
    if metric == "funding-gap":
        v, s = _vals(d, ("commitments_per_year", "revenue_per_year", "years", "revenue_growth",
                         "share_available", "cash_available"))
        v["years"] = int(v["years"])
        return FundingGapInputs(payer=context.get("payer", "openai"), sources=s, **v)
    if metric == "amplification":
        names = tuple(n for n in ("deal_size", "market_cap_change", "market_cap_after", "price_change",
                                  "deal_years") if n in d)
        v, s = _vals(d, names)
        return AmplificationInputs(entity=context.get("entity", "oracle"), sources=s, **v)
    if metric == "cap-table":
        v, s = _vals(d, ("from_stake", "to_stake", "valuation", "shares_outstanding"))
        if v["valuation"] is None:
            v["valuation"], s["valuation"] = DEFAULT_VALUATION, _VALUATION_SOURCE
        return CapTableInputs(sources=s, **v)
    # bubble
    sources = {**DEFAULT_BUBBLE_SOURCES, "reference_pe": d["reference_pe"].source}
    return BubbleInputs(entities=default_bubble_entities(d), reference_pe=d["reference_pe"].value, sources=sources)


def default_bubble_entities(d: dict[str, Any]) -> tuple[BubbleEntity, ...]:
    """The entities the bubble check looks at by default: the Magnificent Seven (with and without Tesla), Oracle.

    ``d`` is what ``defaults_for("bubble", ledger)`` returns; every figure keeps its source.
    """
    return (
        BubbleEntity("magnificent-7", forward_pe=d["mag7_forward_pe"].value,
                     sources={"forward_pe": d["mag7_forward_pe"].source}),
        BubbleEntity("magnificent-7-ex-tesla", forward_pe=d["mag7_ex_tesla_forward_pe"].value,
                     sources={"forward_pe": d["mag7_ex_tesla_forward_pe"].source}),
        BubbleEntity("oracle", capex=d["oracle_capex"].value, revenue=d["oracle_revenue"].value,
                     free_cash_flow=d["oracle_free_cash_flow"].value,
                     sources={"capex": d["oracle_capex"].source, "revenue": d["oracle_revenue"].source,
                              "free_cash_flow": d["oracle_free_cash_flow"].source}),
    )


_FUNCTIONS = {"capacity": capacity, "breakeven": breakeven, "backlog": backlog, "funding-gap": funding_gap,
              "amplification": amplification, "cap-table": cap_table, "bubble": bubble}


def result_from_defaults(metric: str, ledger: Ledger | None = None, **context: str) -> Any:
    """``metric`` run on :func:`inputs_from_defaults`; the result has ``as_dict()``."""
    return _FUNCTIONS[metric](inputs_from_defaults(metric, ledger, **context))


def all_results(ledger: Ledger | None = None) -> dict[str, Any]:
    """Every metric on its defaults, keyed by command name (amplification for Oracle, as the default)."""
    return {m: result_from_defaults(m, ledger) for m in METRICS}
