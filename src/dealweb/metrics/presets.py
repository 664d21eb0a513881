"""Every metric run on its defaults: the inputs the ledger gives, for reports and dashboards.

:func:`inputs_from_defaults` builds a metric's typed inputs from :func:`dealweb.metrics.defaults.defaults_for`
(each input keeps its source); :func:`result_from_defaults` runs the metric on them; :func:`all_results`
runs all seven. A metric whose inputs the ledger does not give is not assessed: :func:`all_results` holds
a :class:`~dealweb.metrics.common.NotAssessed` for it (``as_dict()``: metric, assessed false, needs, how),
never a figure from elsewhere. The faces (report, web) show ``result.as_dict()``; keys in ``docs/metrics.md``.
"""

from __future__ import annotations

from typing import Any

from dealweb.i18n import Join, Msg, Verbatim
from dealweb.metrics.amplification import AmplificationInputs, amplification
from dealweb.metrics.backlog import BacklogInputs, backlog
from dealweb.metrics.breakeven import BreakevenInputs, breakeven
from dealweb.metrics.bubble import BubbleEntity, BubbleInputs, bubble
from dealweb.metrics.cap_table import CapTableInputs, cap_table
from dealweb.metrics.capacity import CapacityInputs, capacity
from dealweb.metrics.common import NotAssessed, Source
from dealweb.metrics.defaults import METRICS, Default, bubble_firms, defaults_for
from dealweb.metrics.funding_gap import FundingGapInputs, funding_gap
from dealweb.model import Ledger

__all__ = ["all_results", "default_bubble_entities", "inputs_from_defaults", "result_from_defaults"]


def _need(note: str) -> str:
    """``needs X (how)`` of a missing input's note (a :class:`Msg` ``metrics.na.note`` keeps its languages)."""
    if isinstance(note, Msg) and note.key == "metrics.na.note":
        return note.args["need"]
    return note.removeprefix("not assessed: ")


def _vals(metric: str, d: dict[str, Default], names: tuple[str, ...],
          optional: tuple[str, ...] = ()) -> tuple[dict[str, Any], dict[str, Source]]:
    """Values and sources of ``names``; :class:`NotAssessed` naming every required input that is missing."""
    missing = [d[n] for n in names if n in d and d[n].value is None and n not in optional]
    if missing:
        raise NotAssessed(metric, tuple(dict.fromkeys(m.source.ref or m.name for m in missing)),
                          Join(dict.fromkeys(_need(m.source.note) for m in missing), "; "))
    return {n: d[n].value for n in names if n in d}, {n: d[n].source for n in names if n in d}


def inputs_from_defaults(metric: str, ledger: Ledger | None = None, **context: str | None) -> Any:
    """The typed inputs of ``metric`` built from the ledger's records (facts, deals, analyses section).

    Args:
        metric: one of :data:`dealweb.metrics.defaults.METRICS`.
        ledger: the ledger to read.
        **context: ``entity``/``customer`` (backlog, amplification), ``payer`` (funding-gap), ``holder``
            (cap-table).

    Returns:
        The metric's inputs dataclass, every input with its source.

    Raises:
        NotAssessed: the ledger lacks an input the metric needs (it says which and how to add it).
    """
    d = defaults_for(metric, ledger, **context)
    if metric == "capacity":
        v, s = _vals(metric, d, ("gw", "accelerators_per_gw_low", "accelerators_per_gw_high",
                                 "usd_per_accelerator_low", "usd_per_accelerator_high"))
        return CapacityInputs(sources=s, **v)
    if metric == "breakeven":
        v, s = _vals(metric, d, ("capex", "life_years", "margin", "required_return", "revenue_per_year"))
        return BreakevenInputs(sources=s, **v)
    if metric == "backlog":
        v, s = _vals(metric, d, ("rpo", "schedule", "customer_commitment", "customer_years",
                                 "customer_revenue_per_year", "customer_revenue_growth"))
        v.setdefault("customer_commitment", None)
        v.setdefault("customer_years", None)
        v.setdefault("customer_revenue_per_year", None)
        return BacklogInputs(entity=d["entity"].value, customer=d["customer"].value, sources=s,  # type: ignore[arg-type]
                             **v)
    if metric == "funding-gap":
        v, s = _vals(metric, d, ("commitments_per_year", "revenue_per_year", "years", "revenue_growth",
                                 "share_available", "cash_available"))
        v["years"] = int(v["years"])
        return FundingGapInputs(payer=d["payer"].value, sources=s, **v)  # type: ignore[arg-type]
    if metric == "amplification":
        names = tuple(n for n in ("deal_size", "market_cap_change", "market_cap_after", "price_change",
                                  "deal_years") if n in d)
        v, s = _vals(metric, d, names, optional=("deal_years",))
        return AmplificationInputs(entity=d["entity"].value, sources=s, **v)  # type: ignore[arg-type]
    if metric == "cap-table":
        v, s = _vals(metric, d, ("from_stake", "to_stake", "valuation", "shares_outstanding"))
        return CapTableInputs(sources=s, **v)
    # bubble
    ents = default_bubble_entities(ledger)
    if not ents:
        raise NotAssessed("bubble", (Msg("metrics.na.needs.bubble_figures", rec=Verbatim("analyses.bubble")),),
                          Msg("metrics.na.how.bubble_figures", a=Verbatim("pe_forward*"), b=Verbatim("capex"),
                              c=Verbatim("revenue"), d=Verbatim("free_cash_flow")))
    ref = d["reference_pe"]
    if ref.value is None:
        # the overvaluation part needs a reference; the others are still assessed
        return BubbleInputs(entities=ents, reference_pe=None, sources={"reference_pe": ref.source})
    return BubbleInputs(entities=ents, reference_pe=ref.value, sources={"reference_pe": ref.source})


def default_bubble_entities(ledger: Ledger | None) -> tuple[BubbleEntity, ...]:
    """The entities the ledger's bubble test looks at (``analyses.bubble.firms``), every figure sourced."""
    out = []
    for row in bubble_firms(ledger):
        figs: dict[str, Default] = row["figures"]  # type: ignore[assignment]
        out.append(BubbleEntity(str(row["entity"]), **{k: f.value for k, f in figs.items()},
                                sources={k: f.source for k, f in figs.items()}))
    return tuple(out)


_FUNCTIONS = {"capacity": capacity, "breakeven": breakeven, "backlog": backlog, "funding-gap": funding_gap,
              "amplification": amplification, "cap-table": cap_table, "bubble": bubble}


def result_from_defaults(metric: str, ledger: Ledger | None = None, **context: str | None) -> Any:
    """``metric`` run on :func:`inputs_from_defaults`; the result has ``as_dict()``. Raises NotAssessed."""
    return _FUNCTIONS[metric](inputs_from_defaults(metric, ledger, **context))


def all_results(ledger: Ledger | None = None) -> dict[str, Any]:
    """Every metric on the ledger's records, keyed by command name; a :class:`NotAssessed` where inputs lack.

    Amplification and backlog take the ledger's first record of their test.
    """
    out: dict[str, Any] = {}
    for m in METRICS:
        try:
            out[m] = result_from_defaults(m, ledger)
        except NotAssessed as exc:
            out[m] = exc
    return out

