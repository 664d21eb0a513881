"""Backlog conversion: remaining performance obligations (RPO) into a revenue schedule, and the customer's means.

The argument (芯智訊, "甲骨文預計未來4年營收將增長8倍"): Oracle's RPO rose 359% to $455B ("同比激增359%至4550億美元"),
and management set the cloud-infrastructure (OCI) revenue path at $18B for FY2026 ("2026財年該類股收入預計達180億美元")
then "320億、730億、1140億和1440億美元" — eight times in four years. The $300B OpenAI contract is most of that RPO,
and OpenAI's revenue is about $10B a year (深潮 TechFlow).

Schedule. Revenue of each year of the path is taken as drawn from the backlog (no new bookings), so

    cumulative_k = revenue_1 + ... + revenue_k
    backlog_remaining_k = max(rpo - cumulative_k, 0)
    rpo_beyond_path = rpo - cumulative_n          (may be negative: the path needs new bookings)
    years_beyond_path = rpo_beyond_path / revenue_n   (at the last year's run rate)
    growth_multiple = revenue_n / revenue_1; cagr = growth_multiple^(1/(n-1)) - 1

Customer. For one customer's contract inside the backlog:

    share_of_rpo = commitment / rpo
    commitment_per_year = commitment / years
    customer_revenue_over_term = sum of the customer's revenue over the years (constant growth)
    means_gap = commitment - customer_revenue_over_term        (what must come from elsewhere)
    means_coverage = customer_revenue_over_term / commitment
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
    require_nonnegative,
    require_years,
    source_of,
)

__all__ = [
    "DEFAULT_BACKLOG_SOURCES",
    "BacklogInputs",
    "BacklogResult",
    "BacklogYear",
    "CustomerMeans",
    "backlog",
]

DEFAULT_BACKLOG_SOURCES: dict[str, Source] = {
    "customer_revenue_growth": Source(kind=ASSUMPTION, ref="flat revenue",
                                      note=Msg("assume.note.flat_revenue_customer")),
}


@dataclass(frozen=True)
class BacklogInputs:
    """Inputs of the backlog conversion.

    Attributes:
        entity: whose backlog, e.g. ``oracle``.
        rpo: remaining performance obligations, US dollars.
        schedule: (period label, revenue in US dollars) for each year of the revenue path, in order.
        customer: the customer whose contract is checked against its means (``None``: no customer part).
        customer_commitment: the customer's total commitment in the backlog, US dollars.
        customer_years: the commitment's term, years.
        customer_revenue_per_year: the customer's revenue in the first year, US dollars per year.
        customer_revenue_growth: yearly growth of the customer's revenue, fraction (> -1).
        sources: where each input came from, by field name.
    """

    rpo: float
    schedule: tuple[tuple[str, float], ...]
    entity: str = "entity"
    customer: str | None = None
    customer_commitment: float | None = None
    customer_years: float | None = None
    customer_revenue_per_year: float | None = None
    customer_revenue_growth: float = 0.0
    sources: dict[str, Source] = field(default_factory=dict)


@dataclass(frozen=True)
class BacklogYear:
    """One year of the revenue path drawn against the backlog, US dollars."""

    period: str
    revenue: float
    cumulative: float
    backlog_remaining: float
    share_converted: float

    def as_dict(self) -> dict[str, object]:
        """Stable keys: period, revenue, cumulative, backlog_remaining (usd), share_converted (fraction)."""
        return {"period": self.period, "revenue": self.revenue, "cumulative": self.cumulative,
                "backlog_remaining": self.backlog_remaining, "share_converted": self.share_converted}


@dataclass(frozen=True)
class CustomerMeans:
    """One customer's commitment inside the backlog against its own revenue, US dollars."""

    customer: str
    commitment: float
    years: float
    share_of_rpo: float
    commitment_per_year: float
    revenue_over_term: float
    means_gap: float
    means_coverage: float

    def as_dict(self) -> dict[str, object]:
        """Stable keys: customer plus each figure as {value, unit}."""
        return {
            "customer": self.customer,
            "commitment": quantity(self.commitment, "usd"),
            "years": quantity(self.years, "years"),
            "share_of_rpo": quantity(self.share_of_rpo, "fraction"),
            "commitment_per_year": quantity(self.commitment_per_year, "usd_per_year"),
            "revenue_over_term": quantity(self.revenue_over_term, "usd"),
            "means_gap": quantity(self.means_gap, "usd"),
            "means_coverage": quantity(self.means_coverage, "fraction"),
        }


@dataclass(frozen=True)
class BacklogResult:
    """The backlog converted into a revenue schedule, and (optionally) one customer's means to pay.

    Attributes:
        schedule: one :class:`BacklogYear` per year of the path.
        path_total: sum of the path's revenue, US dollars.
        path_share_of_rpo: path_total / rpo, fraction (may exceed 1).
        rpo_beyond_path: rpo - path_total, US dollars (negative: the path needs new bookings).
        years_beyond_path: rpo_beyond_path / last year's revenue, years.
        growth_multiple: last year's revenue / first year's, x.
        cagr: compound yearly growth of the path, fraction per year.
        customer: the customer's means (``None`` when no customer was given).
    """

    schedule: tuple[BacklogYear, ...]
    path_total: float
    path_share_of_rpo: float | None
    rpo_beyond_path: float
    years_beyond_path: float | None
    growth_multiple: float | None
    cagr: float | None
    customer: CustomerMeans | None
    inputs: BacklogInputs
    assumptions: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        """Stable keys: metric, entity, inputs, assumptions, results, schedule, customer."""
        i = self.inputs
        s = effective_sources(i, DEFAULT_BACKLOG_SOURCES)
        inputs: dict[str, object] = {
            "rpo": input_entry(i.rpo, "usd", source_of(s, "rpo")),
            "schedule": input_entry([{"period": p, "revenue": r} for p, r in i.schedule], "usd_per_year",
                                    source_of(s, "schedule")),
            "customer_commitment": input_entry(i.customer_commitment, "usd", source_of(s, "customer_commitment")),
            "customer_years": input_entry(i.customer_years, "years", source_of(s, "customer_years")),
            "customer_revenue_per_year": input_entry(i.customer_revenue_per_year, "usd_per_year",
                                                     source_of(s, "customer_revenue_per_year")),
            "customer_revenue_growth": input_entry(i.customer_revenue_growth, "fraction_per_year",
                                                   source_of(s, "customer_revenue_growth")),
        }
        return {
            "metric": "backlog",
            "entity": i.entity,
            "inputs": inputs,
            "assumptions": list(self.assumptions),
            "results": {
                "path_total": quantity(self.path_total, "usd"),
                "path_share_of_rpo": quantity(self.path_share_of_rpo, "fraction"),
                "rpo_beyond_path": quantity(self.rpo_beyond_path, "usd"),
                "years_beyond_path": quantity(self.years_beyond_path, "years"),
                "growth_multiple": quantity(self.growth_multiple, "x"),
                "cagr": quantity(self.cagr, "fraction_per_year"),
            },
            "schedule": {"unit": "usd", "years": [y.as_dict() for y in self.schedule]},
            "customer": None if self.customer is None else self.customer.as_dict(),
        }


def _check(i: BacklogInputs) -> None:
    require_nonnegative("rpo", i.rpo, "remaining performance obligations in US dollars, e.g. --rpo 455e9")
    if not i.schedule:
        raise InputError("the revenue schedule is empty", "pass e.g. --schedule 18e9,32e9,73e9,114e9,144e9")
    for label, rev in i.schedule:
        require_nonnegative(f"schedule revenue for {label}", rev, "revenue in US dollars a year")
    if i.customer is not None and i.customer_commitment is not None:
        require_nonnegative("customer_commitment", i.customer_commitment, "US dollars, e.g. --commitment 300e9")
        if i.customer_years is None or i.customer_revenue_per_year is None:
            raise InputError("a customer commitment needs its years and the customer's revenue",
                             "pass --customer-years 5 --customer-revenue 10e9")
        require_years("customer_years", i.customer_years, "the commitment's term in years, e.g. 5")
        require_nonnegative("customer_revenue_per_year", i.customer_revenue_per_year, "US dollars a year")
        require_finite("customer_revenue_growth", i.customer_revenue_growth)
        if i.customer_revenue_growth <= -1:
            raise InputError(f"customer_revenue_growth must be above -1, got {i.customer_revenue_growth:g}",
                             "a yearly fraction, e.g. 0.5 for +50% a year")


def _revenue_over(first: float, growth: float, years: float) -> float:
    """Sum of ``first x (1 + growth)^(t-1)`` over whole years, plus a pro-rata part year."""
    whole = int(years)
    total = sum(first * compound(growth, t) for t in range(whole))
    if years > whole:
        total += (years - whole) * first * compound(growth, whole)
    return total


def backlog(inputs: BacklogInputs) -> BacklogResult:
    """Convert an RPO balance into a revenue schedule; check one customer's commitment against its means.

    Args:
        inputs: the RPO, the revenue path, and optionally one customer's commitment and revenue.

    Returns:
        A :class:`BacklogResult` (US dollars).

    Raises:
        InputError: negative money, an empty schedule, a customer commitment without years or revenue.

    >>> r = backlog(BacklogInputs())
    >>> r.path_total / 1e9, r.rpo_beyond_path / 1e9, r.growth_multiple
    (381.0, 74.0, 8.0)
    """
    _check(inputs)
    i = inputs
    rows: list[BacklogYear] = []
    cumulative = 0.0
    for label, rev in i.schedule:
        cumulative += rev
        rows.append(BacklogYear(label, rev, cumulative, max(i.rpo - cumulative, 0.0),
                                (min(cumulative, i.rpo) / i.rpo) if i.rpo else 0.0))
    first, last, n = i.schedule[0][1], i.schedule[-1][1], len(i.schedule)
    multiple = last / first if first > 0 else None
    cagr = multiple ** (1.0 / (n - 1)) - 1.0 if multiple is not None and n > 1 and multiple > 0 else None
    beyond = i.rpo - cumulative
    customer = None
    if i.customer is not None and i.customer_commitment is not None:
        years = float(i.customer_years)  # type: ignore[arg-type]
        over = _revenue_over(float(i.customer_revenue_per_year), i.customer_revenue_growth, years)  # type: ignore[arg-type]
        c = i.customer_commitment
        customer = CustomerMeans(
            customer=i.customer, commitment=c, years=years,
            share_of_rpo=(c / i.rpo) if i.rpo else float("nan"),
            commitment_per_year=c / years, revenue_over_term=over, means_gap=c - over,
            means_coverage=(over / c) if c else float("nan"),
        )
    assumptions = (
        Msg("assume.backlog.fastest"),
        Msg("assume.backlog.one_line"),
        Msg("assume.backlog.generous"),
    )
    return BacklogResult(
        schedule=tuple(rows),
        path_total=cumulative,
        path_share_of_rpo=(cumulative / i.rpo) if i.rpo else None,
        rpo_beyond_path=beyond,
        years_beyond_path=(beyond / last) if last > 0 else None,
        growth_multiple=multiple,
        cagr=cagr,
        customer=customer,
        inputs=inputs,
        assumptions=assumptions,
    )
