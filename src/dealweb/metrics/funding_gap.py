"""Funding gap: a payer's commitments a year against the revenue it has, and the outside capital to close it.

The argument (深潮 TechFlow, "美股在玩一種新型的 AI 轉盤遊戲"): OpenAI "每年要向 Oracle 支付約 600 億美元,相當於該公司
目前年營收的 6 倍"; "OpenAI 目前年營收約 100 億美元 ... 這個巨大的缺口從那裡填補?答案藏在一輪又一輪的融資中。4 月份,
OpenAI 完成 400 億美元的融資".

Year by year, for ``t = 1 .. years``:

    commitment_t = commitments_per_year
    revenue_t    = revenue_per_year x (1 + growth)^(t - 1)
    available_t  = revenue_t x share_available
    gap_t        = max(commitment_t - available_t, 0)

    outside_capital_needed = max(sum(gap_t) - cash_available, 0)
    commitment_multiple    = commitment_1 / revenue_1          (x; the article's "6 倍")
    runway_years           = years of gaps the cash available covers

With the article's figures ($60B a year, $10B of revenue, flat, all revenue available, 5 years): the gap is
$50B a year, $250B over the contract, and the April raise of $40B covers 0.8 of a year of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dealweb.errors import InputError
from dealweb.i18n import Msg
from dealweb.metrics.common import (
    ASSUMPTION,
    Source,
    compound,
    effective_sources,
    input_entry,
    quantity,
    require_finite,
    require_fraction,
    require_nonnegative,
    require_years,
    source_of,
)

__all__ = ["DEFAULT_FUNDING_GAP_SOURCES", "FundingGapInputs", "FundingGapResult", "FundingYear", "funding_gap"]

DEFAULT_FUNDING_GAP_SOURCES: dict[str, Source] = {
    "revenue_growth": Source(kind=ASSUMPTION, ref="flat revenue", note=Msg("assume.note.flat_revenue")),
    "share_available": Source(kind=ASSUMPTION, ref="all revenue available",
                              note=Msg("assume.note.every_dollar")),
    "cash_available": Source(kind=ASSUMPTION, ref="no cash", note=Msg("assume.note.no_cash")),
}


@dataclass(frozen=True)
class FundingGapInputs:
    """Inputs of the funding gap of one payer.

    Attributes:
        payer: who owes the commitments, e.g. ``openai``.
        commitments_per_year: commitments due each year, US dollars per year.
        revenue_per_year: the payer's revenue in the first year, US dollars per year.
        years: number of years the commitments run (> 0, whole years).
        revenue_growth: yearly growth of revenue, fraction (> -1).
        share_available: share of revenue that can go to the commitments, fraction in [0, 1].
        cash_available: cash in hand or raised to pay with, US dollars.
        sources: where each input came from, by field name.
    """

    payer: str
    commitments_per_year: float
    revenue_per_year: float
    years: int
    revenue_growth: float = 0.0
    share_available: float = 1.0
    cash_available: float = 0.0
    sources: dict[str, Source] = field(default_factory=dict)


@dataclass(frozen=True)
class FundingYear:
    """One year of the schedule, US dollars."""

    year: int
    commitment: float
    revenue: float
    available: float
    gap: float
    cumulative_gap: float

    def as_dict(self) -> dict[str, float | int]:
        """Stable keys: year, commitment, revenue, available, gap, cumulative_gap (usd)."""
        return {"year": self.year, "commitment": self.commitment, "revenue": self.revenue,
                "available": self.available, "gap": self.gap, "cumulative_gap": self.cumulative_gap}


@dataclass(frozen=True)
class FundingGapResult:
    """The payer's gap year by year and the outside capital that must arrive to close it.

    Attributes:
        schedule: one :class:`FundingYear` per year.
        commitment_multiple: first-year commitment / first-year revenue, x.
        gap_first_year: first-year gap, US dollars per year.
        total_commitments: sum of commitments, US dollars.
        total_gap: sum of gaps, US dollars.
        outside_capital_needed: total gap less cash available, US dollars (>= 0).
        runway_years: years of the term the cash available carries (the whole term when it covers every
            gap; ``None`` when there is no gap).
    """

    schedule: tuple[FundingYear, ...]
    commitment_multiple: float | None
    gap_first_year: float
    total_commitments: float
    total_gap: float
    outside_capital_needed: float
    runway_years: float | None
    inputs: FundingGapInputs
    assumptions: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        """Stable keys: metric, payer, inputs, assumptions, results, schedule."""
        i = self.inputs
        s = effective_sources(i, DEFAULT_FUNDING_GAP_SOURCES)
        inputs = {
            "commitments_per_year": input_entry(i.commitments_per_year, "usd_per_year",
                                                source_of(s, "commitments_per_year")),
            "revenue_per_year": input_entry(i.revenue_per_year, "usd_per_year", source_of(s, "revenue_per_year")),
            "years": input_entry(i.years, "years", source_of(s, "years")),
            "revenue_growth": input_entry(i.revenue_growth, "fraction_per_year", source_of(s, "revenue_growth")),
            "share_available": input_entry(i.share_available, "fraction", source_of(s, "share_available")),
            "cash_available": input_entry(i.cash_available, "usd", source_of(s, "cash_available")),
        }
        return {
            "metric": "funding_gap",
            "payer": i.payer,
            "inputs": inputs,
            "assumptions": list(self.assumptions),
            "results": {
                "commitment_multiple": quantity(self.commitment_multiple, "x"),
                "gap_first_year": quantity(self.gap_first_year, "usd_per_year"),
                "total_commitments": quantity(self.total_commitments, "usd"),
                "total_gap": quantity(self.total_gap, "usd"),
                "outside_capital_needed": quantity(self.outside_capital_needed, "usd"),
                "runway_years": quantity(self.runway_years, "years"),
            },
            "schedule": {"unit": "usd", "years": [y.as_dict() for y in self.schedule]},
        }


def _check(i: FundingGapInputs) -> None:
    require_nonnegative("commitments_per_year", i.commitments_per_year, "US dollars a year, e.g. --commitments 60e9")
    require_nonnegative("revenue_per_year", i.revenue_per_year, "US dollars a year, e.g. --revenue 10e9")
    require_years("years", i.years, "a whole number of years, e.g. --years 5")
    if int(i.years) != i.years:
        raise InputError(f"years must be a whole number, got {i.years:g}", "e.g. --years 5")
    require_finite("revenue_growth", i.revenue_growth)
    if i.revenue_growth <= -1:
        raise InputError(f"revenue_growth must be above -1 (-100%), got {i.revenue_growth:g}",
                         "growth is a yearly fraction, e.g. --growth 0.5 for +50% a year")
    require_fraction("share_available", i.share_available, "a fraction, e.g. --share-available 1.0")
    require_nonnegative("cash_available", i.cash_available, "US dollars, e.g. --cash 40e9")


def funding_gap(inputs: FundingGapInputs) -> FundingGapResult:
    """The payer's yearly gap between commitments and available revenue, and the outside capital needed.

    Args:
        inputs: commitments, revenue and its growth, the share of revenue available, years, cash available.

    Returns:
        A :class:`FundingGapResult` (US dollars).

    Raises:
        InputError: negative money, years not a positive whole number, growth <= -100%, share outside [0, 1].

    >>> r = funding_gap(FundingGapInputs(commitments_per_year=60e9, revenue_per_year=10e9, years=5,
    ...                                  cash_available=40e9))
    >>> r.commitment_multiple, r.total_gap / 1e9, r.outside_capital_needed / 1e9, r.runway_years
    (6.0, 250.0, 210.0, 0.8)
    """
    _check(inputs)
    i = inputs
    rows: list[FundingYear] = []
    cumulative = 0.0
    for t in range(1, int(i.years) + 1):
        revenue = i.revenue_per_year * compound(i.revenue_growth, t - 1)
        available = revenue * i.share_available
        gap = max(i.commitments_per_year - available, 0.0)
        cumulative += gap
        rows.append(FundingYear(t, i.commitments_per_year, revenue, available, gap, cumulative))
    total_gap = cumulative
    runway: float | None = None
    if total_gap > 0:
        left, runway = i.cash_available, 0.0
        for row in rows:
            if row.gap == 0:
                runway += 1.0
                continue
            if left >= row.gap:
                left -= row.gap
                runway += 1.0
            else:
                runway += left / row.gap
                break
    assumptions = (
        Msg("assume.funding_gap.equal"),
        Msg("assume.funding_gap.growth"),
        Msg("assume.funding_gap.first"),
        Msg("assume.funding_gap.no_carry"),
    )
    return FundingGapResult(
        schedule=tuple(rows),
        commitment_multiple=(i.commitments_per_year / i.revenue_per_year) if i.revenue_per_year else None,
        gap_first_year=rows[0].gap,
        total_commitments=i.commitments_per_year * int(i.years),
        total_gap=total_gap,
        outside_capital_needed=max(total_gap - i.cash_available, 0.0),
        runway_years=runway,
        inputs=inputs,
        assumptions=assumptions,
    )
