"""Fiscal periods: hand-checked calendars of real companies, and grid properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealweb.periods import PeriodError, add_months, fiscal_period, fiscal_year_bounds, quarter_grid

ORACLE = (5, 31)   # Oracle's fiscal year ends 31 May (Form 10-K)
NVIDIA = (1, 31)   # Nvidia's ends on the last Sunday of January; approximated by 31 January
MSFT = (6, 30)     # Microsoft's ends 30 June

CASES = [
    # Oracle FY2026 Q1 = the quarter ended 2025-08-31 (Oracle's FY26 Q1 results release, 9 Sep 2025)
    ("FY2026 Q1", ORACLE, date(2025, 6, 1), date(2025, 8, 31)),
    ("FY26 Q1", ORACLE, date(2025, 6, 1), date(2025, 8, 31)),
    ("26財年Q1", ORACLE, date(2025, 6, 1), date(2025, 8, 31)),
    ("2026財年第一季", ORACLE, date(2025, 6, 1), date(2025, 8, 31)),
    ("Q1 FY2026", ORACLE, date(2025, 6, 1), date(2025, 8, 31)),
    ("FY2026 Q2", ORACLE, date(2025, 9, 1), date(2025, 11, 30)),
    ("FY2026 Q4", ORACLE, date(2026, 3, 1), date(2026, 5, 31)),
    ("FY2026", ORACLE, date(2025, 6, 1), date(2026, 5, 31)),
    ("FY2026 H2", ORACLE, date(2025, 12, 1), date(2026, 5, 31)),
    ("FY2026 Q3", NVIDIA, date(2025, 8, 1), date(2025, 10, 31)),  # Nvidia Q3 FY26 ended late Oct 2025
    ("FY2026 Q1", MSFT, date(2025, 7, 1), date(2025, 9, 30)),      # Microsoft Q1 FY26: Jul-Sep 2025
    ("FY2026 Q1", (12, 31), date(2026, 1, 1), date(2026, 3, 31)),  # a calendar-year company
    ("FY2024", (2, 28), date(2023, 3, 1), date(2024, 2, 29)),      # a leap year ends on 29 Feb
    ("2025-Q3", ORACLE, date(2025, 7, 1), date(2025, 9, 30)),      # calendar labels ignore the fiscal year
    ("Q3 2025", (12, 31), date(2025, 7, 1), date(2025, 9, 30)),
    ("2025年第三季", (12, 31), date(2025, 7, 1), date(2025, 9, 30)),
    ("2025", ORACLE, date(2025, 1, 1), date(2025, 12, 31)),
    ("2025年", (12, 31), date(2025, 1, 1), date(2025, 12, 31)),
    ("2025-08", (12, 31), date(2025, 8, 1), date(2025, 8, 31)),
    ("2024-02", (12, 31), date(2024, 2, 1), date(2024, 2, 29)),
    ("2025年8月", (12, 31), date(2025, 8, 1), date(2025, 8, 31)),
    ("2025-H1", (12, 31), date(2025, 1, 1), date(2025, 6, 30)),
    ("２０２５-Q3", (12, 31), date(2025, 7, 1), date(2025, 9, 30)),  # full-width digits
]


@pytest.mark.parametrize("label,fye,start,end", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_fiscal_period(label: str, fye: tuple[int, int], start: date, end: date) -> None:
    assert fiscal_period(label, fiscal_year_end=fye) == (start, end)


@pytest.mark.parametrize("label", ["FY2026 Q5", "2025-13", "sometime", "", "FY", "2025-Q0"])
def test_bad_labels(label: str) -> None:
    with pytest.raises(PeriodError) as exc:
        fiscal_period(label)
    assert exc.value.hint


def test_bad_fiscal_year_end() -> None:
    with pytest.raises(PeriodError):
        fiscal_period("FY2026", fiscal_year_end=(2, 30))


def test_quarter_grid_calendar_and_fiscal() -> None:
    assert quarter_grid(date(2025, 8, 15), date(2026, 1, 1)) == [
        (date(2025, 7, 1), date(2025, 9, 30)), (date(2025, 10, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 3, 31))]
    # Oracle's fiscal quarters: Jun-Aug, Sep-Nov, Dec-Feb
    assert quarter_grid(date(2025, 8, 15), date(2025, 12, 1), ORACLE) == [
        (date(2025, 6, 1), date(2025, 8, 31)), (date(2025, 9, 1), date(2025, 11, 30)),
        (date(2025, 12, 1), date(2026, 2, 28))]
    with pytest.raises(PeriodError):
        quarter_grid(date(2026, 1, 1), date(2025, 1, 1))


_FYES = st.sampled_from([(12, 31), (5, 31), (1, 31), (6, 30), (9, 30), (2, 28), (3, 31)])


@given(st.dates(date(2000, 1, 1), date(2090, 1, 1)), st.integers(0, 2000), _FYES)
def test_grid_tiles_the_span(start: date, days: int, fye: tuple[int, int]) -> None:
    end = start + timedelta(days=days)
    grid = quarter_grid(start, end, fye)
    assert grid[0][0] <= start <= grid[0][1]
    assert grid[-1][0] <= end <= grid[-1][1]
    for (_a0, a1), (b0, _) in zip(grid, grid[1:], strict=False):
        assert a1 + timedelta(days=1) == b0  # no gap, no overlap
    for q0, q1 in grid:
        assert 88 <= (q1 - q0).days + 1 <= 92  # a quarter is three months


@given(st.integers(2001, 2090), _FYES)
def test_four_quarters_make_the_year(fy: int, fye: tuple[int, int]) -> None:
    quarters = [fiscal_period(f"FY{fy} Q{q}", fye) for q in range(1, 5)]
    year = fiscal_year_bounds(fy, fye)
    assert quarters[0][0] == year[0] and quarters[-1][1] == year[1]
    assert fiscal_period(f"FY{fy}", fye) == year
    for (_, a1), (b0, _) in zip(quarters, quarters[1:], strict=False):
        assert a1 + timedelta(days=1) == b0
    assert 365 <= (year[1] - year[0]).days + 1 <= 366


@given(st.dates(date(2000, 1, 1), date(2090, 1, 1)), st.integers(-240, 240))
def test_add_months_inverse_on_short_days(d: date, k: int) -> None:
    d = d.replace(day=min(d.day, 28))
    assert add_months(add_months(d, k), -k) == d


def test_docstring_examples() -> None:
    import doctest

    import dealweb.ledger.checks
    import dealweb.periods

    for module in (dealweb.periods, dealweb.ledger.checks):
        failed, attempted = doctest.testmod(module)
        assert attempted > 0 and failed == 0, module.__name__
