"""The cash a ledger records for each entity: the only money "who pays" may call a firm's own funds.

A firm that pays out more than it takes in inside the web must find the rest somewhere. dealweb calls that
money the firm's *own funds* only up to the cash the ledger records for it; the remainder is *unfunded*
(no source in the ledger; still to be raised). Recorded cash of an entity, in US dollars, is

    latest cash on hand  +  one operating cash flow figure

* cash on hand: the latest fact (by ``as_of``, then period end) of metric :data:`CASH_ON_HAND`; a cash fact
  whose ``includes`` names a deal paying the entity itself is left out (its figure holds money the web
  already follows back as that deal's inflow, and the ledger cannot split it: counting it as own funds
  would count that money twice);
* operating cash flow: the latest fact of a trailing-twelve-month or yearly metric
  (:data:`OPERATING_CASH_FLOW_YEAR`), else the latest ``operating_cash_flow`` fact of any period. A figure is
  never projected forward (a quarter is not multiplied into a year): that would be an assumption.

With ``as_of``, only facts known on that date count (their earliest dated source; :mod:`.known`), at the value
their sources had reported by then (:func:`~dealweb.flows.known.fact_as_of`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dealweb.flows.known import fact_as_of, known_from
from dealweb.model import Fact, Ledger

__all__ = ["CASH_ON_HAND", "OPERATING_CASH_FLOW", "OPERATING_CASH_FLOW_YEAR", "RecordedCash", "recorded_cash"]

#: Fact metrics read as cash on hand.
CASH_ON_HAND: tuple[str, ...] = ("cash", "cash_on_hand", "cash_and_equivalents", "cash_and_short_term_investments")
#: Fact metrics read as a year of operating cash flow.
OPERATING_CASH_FLOW_YEAR: tuple[str, ...] = ("operating_cash_flow_ttm", "operating_cash_flow_annual")
#: Fact metrics read as operating cash flow of the fact's own period.
OPERATING_CASH_FLOW: tuple[str, ...] = ("operating_cash_flow",)


@dataclass(frozen=True, slots=True)
class RecordedCash:
    """Cash the ledger records for one entity: ``usd`` and the fact ids it adds up."""

    entity: str
    usd: float
    facts: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        """Stable keys: entity, usd, facts."""
        return {"entity": self.entity, "usd": self.usd, "facts": list(self.facts)}


def _when(f: Fact) -> str:
    return (f.as_of.isoformat() if f.as_of else "") + (f.period or "") + f.id


def _holds_inflow(ledger: Ledger, f: Fact) -> bool:
    """True when the fact ``includes`` a deal of the ledger with a flow paying the fact's entity."""
    for did in f.includes:
        deal = ledger.deals.get(did)
        if deal is not None and any(fl.payee == f.entity for fl in deal.pairwise_flows()):
            return True
    return False


def recorded_cash(ledger: Ledger, as_of: date | None = None, policy: str = "mid") -> dict[str, RecordedCash]:
    """Recorded cash per entity (only entities with such facts), in USD at ``policy``.

    A cash fact that ``includes`` a deal paying the entity is not own cash (see the module docstring).

    >>> from dealweb.model import Entity, Fact, Ledger
    >>> from dealweb.money import parse_amount
    >>> led = Ledger(facts={"c": Fact("c", "acme", "cash", parse_amount("$3B")),
    ...                     "o": Fact("o", "acme", "operating_cash_flow_ttm", parse_amount("$2B"))})
    >>> recorded_cash(led)["acme"].usd
    5000000000.0
    """
    by: dict[str, dict[str, list[Fact]]] = {}
    cache: dict[str, date | None] = {}
    published: dict[str, bool] = {}
    wanted = set(CASH_ON_HAND) | set(OPERATING_CASH_FLOW_YEAR) | set(OPERATING_CASH_FLOW)
    for f in ledger.facts.values():
        if f.metric not in wanted or f.value is None or f.value.usd(policy) is None:
            continue
        if f.metric in CASH_ON_HAND and _holds_inflow(ledger, f):
            continue
        if as_of is not None:
            k = known_from(f, ledger.documents, cache)
            if k is None or k > as_of:
                continue
            v, _ = fact_as_of(f, ledger.documents, as_of, published)
            if v is None or v.value is None or v.value.usd(policy) is None:
                continue
            f = v  # the value its sources had reported by as_of
        if f.metric in CASH_ON_HAND:
            group = "cash"
        elif f.metric in OPERATING_CASH_FLOW_YEAR:
            group = "ocf_year"
        else:
            group = "ocf"
        by.setdefault(f.entity, {}).setdefault(group, []).append(f)
    out: dict[str, RecordedCash] = {}
    for ent, groups in by.items():
        picked = []
        if groups.get("cash"):
            picked.append(max(groups["cash"], key=_when))
        ocf = groups.get("ocf_year") or groups.get("ocf")
        if ocf:
            picked.append(max(ocf, key=_when))
        usd = sum(float(f.value.usd(policy)) for f in picked)  # type: ignore[arg-type]
        out[ent] = RecordedCash(ent, usd, tuple(f.id for f in picked))
    return out
