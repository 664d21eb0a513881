"""Breakeven revenue for capital spending: how much revenue a year pays for the capex.

The argument (Harris Kupperman, Praetorian Capital, "An AI Addendum", 2025-10-05, as reported by
遠川投資評論 "AI行情到了第幾層?"): data-centre equipment is worn out or obsolete in 3-5 years ("折舊曲線將加快
到三到五年的範圍"), so the industry needs "接近 3200 億美元至 4800 億美元" of revenue a year to break even on
this year's capex, against "每月...10億美元左右" of AI revenue; with the 2026 build the need reaches
"1兆美元", and that before any return on the capital.

Model. Each year the capital must be paid for by a capital charge ``C``: straight-line depreciation
``capex / life`` when the required return ``r`` is 0, otherwise the level annuity that repays the capex
with return ``r`` over ``life`` years (the capital recovery factor, ``CRF = r / (1 - (1 + r)^-life)``):

    C = capex * CRF(r, life)        (CRF(0, life) = 1 / life)
    revenue_needed = C / margin

``margin`` is the share of revenue left, after the cash costs of running the service, to pay for the
capital (Kupperman's 25% gross margin: a dollar of revenue leaves 25 cents for depreciation).

Reproducing the article (its inputs that it does not print are labelled assumptions): capex $400B for
2025 and margin 25% (Kupperman's first essay, August 2025: $400B of 2025 capex, 25% gross margin,
$160B needed at a 10-year life). Then life 5 years gives $320B, and life 10/3 years gives $480B: the top
of the article's range is Kupperman's 10-year figure times 3, i.e. a 3⅓-year life; at exactly 3 years the
same formula gives $533B. For 2026: with a further $600B of capex (an assumption inside the article's
"數千億", several hundred billion) and the middle life of 4 years, ($400B + $600B) / 4 / 0.25 = $1T.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from dealweb.errors import InputError
from dealweb.i18n import Msg
from dealweb.metrics.common import (
    ASSUMPTION,
    Source,
    effective_sources,
    input_entry,
    quantity,
    require_fraction,
    require_nonnegative,
    require_positive,
    source_of,
)

__all__ = [
    "DEFAULT_BREAKEVEN_SOURCES",
    "DEFAULT_LIVES",
    "DEFAULT_MARGINS",
    "BreakevenInputs",
    "BreakevenResult",
    "SensitivityCell",
    "breakeven",
    "capital_recovery_factor",
    "revenue_needed",
    "sensitivity_grid",
]

#: Depreciation lives of the sensitivity table, years (3 to 6, the range analysts asked for).
DEFAULT_LIVES: tuple[float, ...] = (3.0, 4.0, 5.0, 6.0)
DEFAULT_MARGINS: tuple[float, ...] = (0.20, 0.25, 0.30, 0.40)

DEFAULT_BREAKEVEN_SOURCES: dict[str, Source] = {
    "required_return": Source(kind=ASSUMPTION, ref="breakeven", note=Msg("assume.note.no_return")),
}


@dataclass(frozen=True)
class BreakevenInputs:
    """Inputs of the breakeven computation.

    Attributes:
        capex: capital spent, US dollars (sum of the vintages still being depreciated).
        life_years: depreciation life, years (> 0).
        margin: share of revenue available to pay for the capital, fraction in (0, 1].
        required_return: annual return required on the capital, fraction (0 for breakeven).
        revenue_per_year: revenue the industry has, US dollars per year (``None``: not compared).
        lives: depreciation lives for the sensitivity table, years.
        margins: margins for the sensitivity table, fractions.
        sources: where each input came from, by field name.
    """

    capex: float
    life_years: float
    margin: float
    required_return: float = 0.0
    revenue_per_year: float | None = None
    lives: tuple[float, ...] = DEFAULT_LIVES
    margins: tuple[float, ...] = DEFAULT_MARGINS
    sources: dict[str, Source] = field(default_factory=dict)


@dataclass(frozen=True)
class SensitivityCell:
    """One cell of the sensitivity table: revenue needed (USD per year) at one life and one margin."""

    life_years: float
    margin: float
    revenue_needed: float

    def as_dict(self) -> dict[str, float]:
        """Stable keys: life_years, margin, revenue_needed (usd_per_year)."""
        return {"life_years": self.life_years, "margin": self.margin, "revenue_needed": self.revenue_needed}


@dataclass(frozen=True)
class BreakevenResult:
    """Revenue needed a year to pay for the capex, against the revenue had, and its sensitivity.

    Attributes:
        capital_recovery_factor: share of capex to recover each year (1/life at zero return).
        capital_charge_per_year: depreciation plus required return, US dollars per year.
        depreciation_per_year: straight-line depreciation, US dollars per year.
        revenue_needed_per_year: revenue needed, US dollars per year.
        revenue_had_per_year: revenue had, US dollars per year (``None`` when not given).
        revenue_gap_per_year: needed minus had, US dollars per year (``None`` when not given).
        coverage: had / needed, fraction (``None`` when not given).
        sensitivity: revenue needed over ``lives`` x ``margins`` at the given return.
    """

    capital_recovery_factor: float
    capital_charge_per_year: float
    depreciation_per_year: float
    revenue_needed_per_year: float
    revenue_had_per_year: float | None
    revenue_gap_per_year: float | None
    coverage: float | None
    sensitivity: tuple[SensitivityCell, ...]
    inputs: BreakevenInputs
    assumptions: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        """Stable keys: metric, inputs, assumptions, results, sensitivity."""
        i = self.inputs
        s = effective_sources(i, DEFAULT_BREAKEVEN_SOURCES)
        inputs = {
            "capex": input_entry(i.capex, "usd", source_of(s, "capex")),
            "life_years": input_entry(i.life_years, "years", source_of(s, "life_years")),
            "margin": input_entry(i.margin, "fraction", source_of(s, "margin")),
            "required_return": input_entry(i.required_return, "fraction_per_year", source_of(s, "required_return")),
            "revenue_per_year": input_entry(i.revenue_per_year, "usd_per_year", source_of(s, "revenue_per_year")),
        }
        return {
            "metric": "breakeven",
            "inputs": inputs,
            "assumptions": list(self.assumptions),
            "results": {
                "capital_recovery_factor": quantity(self.capital_recovery_factor, "fraction_per_year"),
                "depreciation_per_year": quantity(self.depreciation_per_year, "usd_per_year"),
                "capital_charge_per_year": quantity(self.capital_charge_per_year, "usd_per_year"),
                "revenue_needed_per_year": quantity(self.revenue_needed_per_year, "usd_per_year"),
                "revenue_had_per_year": quantity(self.revenue_had_per_year, "usd_per_year"),
                "revenue_gap_per_year": quantity(self.revenue_gap_per_year, "usd_per_year"),
                "coverage": quantity(self.coverage, "fraction"),
            },
            "sensitivity": {"unit": "usd_per_year", "lives": list(i.lives), "margins": list(i.margins),
                            "cells": [c.as_dict() for c in self.sensitivity]},
        }


def capital_recovery_factor(rate: float, life_years: float) -> float:
    """Share of a capital sum to recover each year to repay it with return ``rate`` over ``life_years``.

    ``CRF = r / (1 - (1 + r)^-n)``; ``1 / n`` at ``r = 0`` (straight-line depreciation). Standard
    engineering-economics annuity factor (e.g. Grant, Ireson & Leavenworth, *Principles of Engineering
    Economy*).

    >>> capital_recovery_factor(0.0, 4.0)
    0.25
    >>> round(capital_recovery_factor(0.10, 4.0), 5)
    0.31547
    """
    denominator = -math.expm1(-life_years * math.log1p(rate))  # 1 - (1 + r)^-n, accurate for small r
    if rate == 0 or denominator == 0:
        return 1.0 / life_years
    return rate / denominator


def revenue_needed(capex: float, life_years: float, margin: float, required_return: float = 0.0) -> float:
    """Revenue a year (USD) whose ``margin`` pays ``capex`` back over ``life_years`` with ``required_return``.

    >>> revenue_needed(400e9, 5, 0.25) / 1e9
    320.0
    """
    return capex * capital_recovery_factor(required_return, life_years) / margin


def _check(i: BreakevenInputs) -> None:
    require_nonnegative("capex", i.capex, "capex is an amount spent, in US dollars, e.g. --capex 400e9")
    require_positive("life_years", i.life_years, "a depreciation life in years, e.g. --life 4")
    require_fraction("margin", i.margin, "the share of revenue left to pay for capital, e.g. --margin 0.25",
                     allow_zero=False)
    require_nonnegative("required_return", i.required_return, "a yearly rate, e.g. --return 0.10 for 10%")
    if i.revenue_per_year is not None:
        require_nonnegative("revenue_per_year", i.revenue_per_year, "US dollars a year, e.g. --revenue 12e9")
    for life in i.lives:
        require_positive("sensitivity life", life, "lives must be positive years")
    for m in i.margins:
        require_fraction("sensitivity margin", m, "margins are fractions in (0, 1]", allow_zero=False)
    if not i.lives or not i.margins:
        raise InputError("the sensitivity table needs at least one life and one margin",
                         "pass e.g. --lives 3,4,5 --margins 0.2,0.25")


def breakeven(inputs: BreakevenInputs) -> BreakevenResult:
    """Revenue needed a year to pay for ``capex``, its gap to the revenue had, and a sensitivity table.

    Args:
        inputs: capex, life, margin, required return, revenue had, and the sensitivity grid.

    Returns:
        A :class:`BreakevenResult` (US dollars per year).

    Raises:
        InputError: negative capex, life <= 0, margin outside (0, 1], negative return or revenue.

    >>> r = breakeven(BreakevenInputs(capex=400e9, life_years=5, margin=0.25, revenue_per_year=12e9))
    >>> r.revenue_needed_per_year / 1e9, round(r.coverage, 4)
    (320.0, 0.0375)
    """
    _check(inputs)
    crf = capital_recovery_factor(inputs.required_return, inputs.life_years)
    charge = inputs.capex * crf
    needed = charge / inputs.margin
    had = inputs.revenue_per_year
    gap = None if had is None else needed - had
    coverage = None if had is None or needed == 0 else had / needed
    cells = tuple(
        SensitivityCell(life, m, revenue_needed(inputs.capex, life, m, inputs.required_return))
        for life in inputs.lives for m in inputs.margins
    )
    assumptions = (
        Msg("assume.breakeven.charge"),
        Msg("assume.breakeven.needed"),
        Msg("assume.breakeven.no_terminal"),
        Msg("assume.breakeven.no_growth"),
    )
    return BreakevenResult(
        capital_recovery_factor=crf,
        capital_charge_per_year=charge,
        depreciation_per_year=inputs.capex / inputs.life_years,
        revenue_needed_per_year=needed,
        revenue_had_per_year=had,
        revenue_gap_per_year=gap,
        coverage=coverage,
        sensitivity=cells,
        inputs=inputs,
        assumptions=assumptions,
    )


def sensitivity_grid(result: BreakevenResult) -> tuple[Sequence[float], Sequence[float], list[list[float]]]:
    """The sensitivity table as (lives, margins, rows): ``rows[i][j]`` at ``lives[i]`` and ``margins[j]``."""
    lives, margins = result.inputs.lives, result.inputs.margins
    rows = [[0.0] * len(margins) for _ in lives]
    for k, c in enumerate(result.sensitivity):
        rows[k // len(margins)][k % len(margins)] = c.revenue_needed
    return lives, margins, rows
