"""Market-cap amplification: how many dollars of market value a dollar of announced deal adds.

The argument (深潮 TechFlow, "美股在玩一種新型的 AI 轉盤遊戲"): "3,000 億美元的長期合約帶來 Oracle 單日超過 2,500
億美元市值上漲,1,000 億美元的投資帶來輝達單日 1,700 億美元的上漲" — promises become market value at a multiple.

    amplification = market-value change / deal size                      (x)
    amplification_per_year = market-value change / (deal size / years)  (x, for multi-year contracts)

When the market-value change is not stated, it is derived from the market value after the move and the
share-price change ``p`` (shares outstanding unchanged over the day):
``change = cap_after - cap_after / (1 + p) = cap_after x p / (1 + p)``. From the same article: Oracle
"暴漲 36%" to "9,330 億美元" gives 933 x 0.36 / 1.36 = $247B ("超過 2,500 億" rounded); Nvidia "收漲近 4%" to
"4.46 兆美元" gives 4460 x 0.04 / 1.04 = $171.5B ("1,700 億").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dealweb.errors import InputError
from dealweb.i18n import Msg
from dealweb.metrics.common import (
    Source,
    effective_sources,
    input_entry,
    quantity,
    require_finite,
    require_nonnegative,
    require_positive,
    source_of,
)

__all__ = [
    "DEFAULT_AMPLIFICATION_SOURCES",
    "AmplificationInputs",
    "AmplificationResult",
    "amplification",
    "market_cap_change_from_move",
]

#: Sources of inputs left at their defaults (none: every figure comes from the ledger or the caller).
DEFAULT_AMPLIFICATION_SOURCES: dict[str, Source] = {}


@dataclass(frozen=True)
class AmplificationInputs:
    """Inputs of the amplification ratio for one entity and one deal.

    Attributes:
        entity: who gained (or lost) market value, e.g. ``oracle``.
        deal_size: the deal's headline size, US dollars (> 0).
        market_cap_change: market-value change on the news, US dollars (may be negative).
        market_cap_after: market value after the move, US dollars (used with ``price_change``).
        price_change: share-price change on the news, fraction (0.36 for +36%; > -1).
        deal_years: the deal's term in years, for the per-year ratio (``None``: not computed).
        sources: where each input came from, by field name.
    """

    entity: str
    deal_size: float
    market_cap_change: float | None = None
    market_cap_after: float | None = None
    price_change: float | None = None
    deal_years: float | None = None
    sources: dict[str, Source] = field(default_factory=dict)


@dataclass(frozen=True)
class AmplificationResult:
    """Market-value change per dollar of deal.

    Attributes:
        market_cap_change: the change used, US dollars.
        change_derived: the change derived from cap after and price move, US dollars (``None`` if not given).
        amplification: change / deal size, x.
        deal_per_year: deal size / years, US dollars per year (``None`` without years).
        amplification_per_year: change / deal per year, x (``None`` without years).
    """

    market_cap_change: float
    change_derived: float | None
    amplification: float
    deal_per_year: float | None
    amplification_per_year: float | None
    inputs: AmplificationInputs
    assumptions: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        """Stable keys: metric, entity, inputs, assumptions, results."""
        i = self.inputs
        s = effective_sources(i, DEFAULT_AMPLIFICATION_SOURCES)
        inputs = {
            "deal_size": input_entry(i.deal_size, "usd", source_of(s, "deal_size")),
            "market_cap_change": input_entry(i.market_cap_change, "usd", source_of(s, "market_cap_change")),
            "market_cap_after": input_entry(i.market_cap_after, "usd", source_of(s, "market_cap_after")),
            "price_change": input_entry(i.price_change, "fraction", source_of(s, "price_change")),
            "deal_years": input_entry(i.deal_years, "years", source_of(s, "deal_years")),
        }
        return {
            "metric": "amplification",
            "entity": i.entity,
            "inputs": inputs,
            "assumptions": list(self.assumptions),
            "results": {
                "market_cap_change": quantity(self.market_cap_change, "usd"),
                "market_cap_change_derived": quantity(self.change_derived, "usd"),
                "amplification": quantity(self.amplification, "x"),
                "deal_per_year": quantity(self.deal_per_year, "usd_per_year"),
                "amplification_per_year": quantity(self.amplification_per_year, "x"),
            },
        }


def market_cap_change_from_move(market_cap_after: float, price_change: float) -> float:
    """Market-value change (USD) from the value after the move and the price change (a fraction).

    >>> round(market_cap_change_from_move(933e9, 0.36) / 1e9, 1)
    247.0
    """
    return market_cap_after * price_change / (1.0 + price_change)


def amplification(inputs: AmplificationInputs) -> AmplificationResult:
    """Market-value change over deal size, and over the deal's yearly amount.

    Args:
        inputs: the deal size and the market-value change (stated, or cap after plus price change).

    Returns:
        An :class:`AmplificationResult`; ``market_cap_change`` is the stated change when given, else the
        derived one.

    Raises:
        InputError: deal size <= 0, years <= 0, a price change <= -100%, or no way to know the change.

    >>> amplification(AmplificationInputs(deal_size=100e9, market_cap_change=170e9, deal_years=None)).amplification
    1.7
    """
    i = inputs
    require_positive("deal_size", i.deal_size, "the deal's headline size in US dollars, e.g. --deal 300e9")
    if i.deal_years is not None:
        require_positive("deal_years", i.deal_years, "the deal's term in years, e.g. --years 5")
    derived = None
    if i.market_cap_after is not None or i.price_change is not None:
        if i.market_cap_after is None or i.price_change is None:
            raise InputError("market_cap_after and price_change go together",
                             "pass both --cap-after and --price-change, or --change alone")
        require_nonnegative("market_cap_after", i.market_cap_after, "a market value in US dollars")
        require_finite("price_change", i.price_change)
        if i.price_change <= -1:
            raise InputError(f"price_change must be above -1 (-100%), got {i.price_change:g}",
                             "write a change as a fraction: 0.36 for +36%")
        derived = market_cap_change_from_move(i.market_cap_after, i.price_change)
    if i.market_cap_change is not None:
        require_finite("market_cap_change", i.market_cap_change)
        change = i.market_cap_change
    elif derived is not None:
        change = derived
    else:
        raise InputError("no market-value change given",
                         "pass --change, or --cap-after with --price-change")
    per_year = None if i.deal_years is None else i.deal_size / i.deal_years
    assumptions = (
        Msg("assume.amplification.attributed"),
        Msg("assume.amplification.derived"),
    )
    return AmplificationResult(
        market_cap_change=change,
        change_derived=derived,
        amplification=change / i.deal_size,
        deal_per_year=per_year,
        amplification_per_year=None if per_year is None else change / per_year,
        inputs=inputs,
        assumptions=assumptions,
    )
