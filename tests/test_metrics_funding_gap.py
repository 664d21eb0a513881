"""Funding gap: OpenAI's commitments to Oracle against its revenue."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealweb.errors import InputError
from dealweb.metrics.funding_gap import FundingGapInputs, funding_gap

#: The articles' figures (the metrics know none: a ledger or the caller gives them):
#: OpenAI: about $60B a year to Oracle, about $10B revenue, $40B raised.
ARTICLE = dict(payer="openai", commitments_per_year=6.0e10, revenue_per_year=1.0e10, years=5, cash_available=4.0e10)


def _inputs(**kw: object) -> FundingGapInputs:
    return FundingGapInputs(**{**ARTICLE, **kw})  # type: ignore[arg-type]


def test_openai_sixty_against_ten() -> None:
    # 深潮 TechFlow: "每年要向 Oracle 支付約 600 億美元,相當於該公司目前年營收的 6 倍";
    # "OpenAI 目前年營收約 100 億美元"; "4 月份,OpenAI 完成 400 億美元的融資"
    r = funding_gap(_inputs(commitments_per_year=60e9, revenue_per_year=10e9, years=5,
                                     cash_available=40e9))
    assert r.commitment_multiple == pytest.approx(6.0)  # the article's "6 倍"
    # by hand: gap 60 - 10 = 50 a year; 5 x 50 = 250 over the contract; less the 40 raised = 210;
    # the 40 covers 40 / 50 = 0.8 of the first year's gap
    assert r.gap_first_year == pytest.approx(50e9)
    assert r.total_gap == pytest.approx(250e9)
    assert r.outside_capital_needed == pytest.approx(210e9)
    assert r.runway_years == pytest.approx(0.8)
    assert r.total_commitments == pytest.approx(300e9)  # "5 年 3,000 億美元"


def test_growth_and_share_available() -> None:
    # revenue 10, doubling, 3 years: 10, 20, 40; half available: 5, 10, 20; commitment 30:
    # gaps 25, 20, 10 = 55; cash 30 covers year 1 (25) and 5/20 of year 2 -> runway 1.25
    r = funding_gap(_inputs(commitments_per_year=30.0, revenue_per_year=10.0, years=3,
                                     revenue_growth=1.0, share_available=0.5, cash_available=30.0))
    assert [y.gap for y in r.schedule] == pytest.approx([25.0, 20.0, 10.0])
    assert r.total_gap == pytest.approx(55.0)
    assert r.outside_capital_needed == pytest.approx(25.0)
    assert r.runway_years == pytest.approx(1.25)


def test_no_gap() -> None:
    r = funding_gap(_inputs(commitments_per_year=5.0, revenue_per_year=10.0, years=2, cash_available=0))
    assert r.total_gap == 0 and r.outside_capital_needed == 0 and r.runway_years is None


@pytest.mark.parametrize("kwargs, words", [
    ({"commitments_per_year": -1.0}, "negative"),
    ({"years": 0}, "greater than 0"),
    ({"years": 2.5}, "whole"),
    ({"revenue_growth": -1.0}, "above -1"),
    ({"share_available": 2.0}, "fraction"),
])
def test_bad_inputs(kwargs: dict, words: str) -> None:
    with pytest.raises(InputError, match=words):
        funding_gap(_inputs(**kwargs))


@given(st.floats(0, 1e12), st.floats(0, 1e12), st.integers(1, 20), st.floats(-0.5, 2), st.floats(0, 1e12))
def test_gap_accounting(commit: float, revenue: float, years: int, growth: float, cash: float) -> None:
    r = funding_gap(_inputs(commitments_per_year=commit, revenue_per_year=revenue, years=years,
                                     revenue_growth=growth, cash_available=cash))
    # every year: available + gap >= commitment, and the gap is never negative
    for y in r.schedule:
        assert y.gap >= 0
        assert y.available + y.gap >= y.commitment * (1 - 1e-12)
    assert r.total_gap == pytest.approx(sum(y.gap for y in r.schedule))
    assert r.outside_capital_needed == pytest.approx(max(r.total_gap - cash, 0.0), abs=1e-3)
