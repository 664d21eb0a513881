"""Breakeven revenue for capex (Kupperman's argument as reported by 遠川投資評論)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealweb.errors import InputError
from dealweb.metrics.breakeven import BreakevenInputs, breakeven, capital_recovery_factor, sensitivity_grid

#: The articles' figures (the metrics know none: a ledger or the caller gives them):
#: Kupperman's $400B, 3-5 years (middle 4), 25% margin; about $1B of AI revenue a month.
ARTICLE = dict(capex=4.0e11, life_years=4.0, margin=0.25, revenue_per_year=1.2e10)


def _inputs(**kw: object) -> BreakevenInputs:
    return BreakevenInputs(**{**ARTICLE, **kw})  # type: ignore[arg-type]

# The article's inputs it does not print (documented assumptions): capex $400B, margin 25%.
CAPEX_2025 = 400e9
MARGIN = 0.25


def test_article_range_320_to_480() -> None:
    # 遠川投資評論: "折舊曲線將加快到三到五年的範圍" ...
    # "接近 3200 億美元至 4800 億美元範圍的收入範圍來實現今年資本支出的收支平衡"
    # by hand: 400 / 5 = 80 a year of depreciation; 80 / 0.25 = 320.
    low = breakeven(_inputs(capex=CAPEX_2025, life_years=5, margin=MARGIN))
    assert low.revenue_needed_per_year == pytest.approx(320e9)
    # the top, 480, is Kupperman's 10-year figure (400 / 10 / 0.25 = 160) times 3, i.e. a life of 10/3 years
    high = breakeven(_inputs(capex=CAPEX_2025, life_years=10 / 3, margin=MARGIN))
    assert high.revenue_needed_per_year == pytest.approx(480e9)
    ten = breakeven(_inputs(capex=CAPEX_2025, life_years=10, margin=MARGIN))
    assert ten.revenue_needed_per_year == pytest.approx(160e9)
    # at exactly 3 years the same formula gives 400 / 3 / 0.25 = 533.3: the article's 480 is not a 3-year figure
    three = breakeven(_inputs(capex=CAPEX_2025, life_years=3, margin=MARGIN))
    assert three.revenue_needed_per_year == pytest.approx(1600e9 / 3)


def test_against_one_billion_a_month() -> None:
    # "而目前人工智慧每月產生的收入僅僅為10億美元左右": $12B a year
    r = breakeven(_inputs(capex=CAPEX_2025, life_years=5, margin=MARGIN, revenue_per_year=12e9))
    assert r.revenue_gap_per_year == pytest.approx(308e9)
    assert r.coverage == pytest.approx(12 / 320)


def test_one_trillion_for_the_2026_build() -> None:
    # "對於收入水平的要求將高達1兆美元才能達到收支平衡": 2025's $400B plus an assumed $600B in 2026 (inside the
    # article's "數千億"), life 4 years (middle of 3-5): (400 + 600) / 4 / 0.25 = 1000.
    r = breakeven(_inputs(capex=CAPEX_2025 + 600e9, life_years=4, margin=MARGIN))
    assert r.revenue_needed_per_year == pytest.approx(1e12)


def test_required_return_uses_the_annuity_factor() -> None:
    # CRF(10%, 4) = 0.1 / (1 - 1.1^-4) = 0.1 / (1 - 0.683013) = 0.315471
    assert capital_recovery_factor(0.10, 4) == pytest.approx(0.315471, rel=1e-5)
    r = breakeven(_inputs(capex=400e9, life_years=4, margin=0.25, required_return=0.10))
    assert r.revenue_needed_per_year == pytest.approx(400e9 * 0.315471 / 0.25, rel=1e-5)


def test_annuity_repays_the_capital_with_its_return() -> None:
    # a second method: discount the level charge at r over n years; it must equal the capex
    r, n, capex = 0.08, 5, 100.0
    charge = capex * capital_recovery_factor(r, n)
    assert sum(charge / (1 + r) ** t for t in range(1, n + 1)) == pytest.approx(capex)


def test_sensitivity_table_is_the_full_grid() -> None:
    r = breakeven(_inputs(capex=400e9, lives=(3.0, 5.0), margins=(0.2, 0.25)))
    lives, margins, rows = sensitivity_grid(r)
    # by hand: 400/3/0.2 = 666.7, 400/3/0.25 = 533.3, 400/5/0.2 = 400, 400/5/0.25 = 320
    assert (list(lives), list(margins)) == ([3.0, 5.0], [0.2, 0.25])
    assert rows[0] == pytest.approx([400e9 / 3 / 0.2, 400e9 / 3 / 0.25])
    assert rows[1] == pytest.approx([80e9 / 0.2, 80e9 / 0.25])


@pytest.mark.parametrize("kwargs, words", [
    ({"capex": -1.0}, "negative"),
    ({"life_years": 0}, "greater than 0"),
    ({"margin": 0.0}, "fraction"),
    ({"margin": 1.5}, "fraction"),
    ({"required_return": -0.1}, "negative"),
    ({"revenue_per_year": math.nan}, "finite"),
])
def test_bad_inputs(kwargs: dict, words: str) -> None:
    with pytest.raises(InputError, match=words):
        breakeven(_inputs(**kwargs))


@given(st.floats(1e6, 1e13), st.floats(0.5, 30), st.floats(0.5, 30), st.floats(0.01, 1), st.floats(0, 0.3))
def test_monotone_in_life(capex: float, a: float, b: float, margin: float, rate: float) -> None:
    short, long_ = min(a, b), max(a, b)
    r_short = breakeven(_inputs(capex=capex, life_years=short, margin=margin, required_return=rate))
    r_long = breakeven(_inputs(capex=capex, life_years=long_, margin=margin, required_return=rate))
    assert r_long.revenue_needed_per_year <= r_short.revenue_needed_per_year * (1 + 1e-12)


@given(st.floats(1e6, 1e13), st.floats(0.5, 30), st.floats(0.01, 1), st.floats(0.01, 1))
def test_monotone_in_margin(capex: float, life: float, a: float, b: float) -> None:
    lo, hi = min(a, b), max(a, b)
    r_lo = breakeven(_inputs(capex=capex, life_years=life, margin=lo))
    r_hi = breakeven(_inputs(capex=capex, life_years=life, margin=hi))
    assert r_hi.revenue_needed_per_year <= r_lo.revenue_needed_per_year * (1 + 1e-12)
    # revenue x margin pays exactly the capital charge
    assert r_hi.revenue_needed_per_year * hi == pytest.approx(capex / life)


def test_a_changed_input_is_never_reported_under_the_defaults_source() -> None:
    data = breakeven(_inputs(capex=1e9)).as_dict()
    assert data["inputs"]["capex"]["source"]["kind"] == "caller"  # changed, no source recorded
    assert data["inputs"]["margin"]["source"]["kind"] == "caller"  # given by the caller: no borrowed source
    assert data["inputs"]["required_return"]["source"]["kind"] == "assumption"  # left at the documented 0
