"""Market-cap amplification: Oracle +$250B on $300B, Nvidia +$170B on $100B."""

import pytest

from dealweb.errors import InputError
from dealweb.metrics.amplification import AmplificationInputs, amplification

#: The articles' figures (the metrics know none: a ledger or the caller gives them):
#: Oracle +$250B on a $300B, 5-year contract.
ARTICLE = dict(entity="oracle", deal_size=3.0e11, market_cap_change=2.5e11, deal_years=5.0)


def _inputs(**kw: object) -> AmplificationInputs:
    return AmplificationInputs(**{**ARTICLE, **kw})  # type: ignore[arg-type]


def test_stated_changes() -> None:
    # 深潮 TechFlow: "3,000 億美元的長期合約帶來 Oracle 單日超過 2,500 億美元市值上漲,1,000 億美元的投資帶來輝達單日
    # 1,700 億美元的上漲"
    oracle = amplification(_inputs(entity="oracle", deal_size=300e9, market_cap_change=250e9,
                                               deal_years=5))
    assert oracle.amplification == pytest.approx(250 / 300)  # 0.83x
    # per year of the 5-year contract: 300 / 5 = 60 a year; 250 / 60 = 4.17x
    assert oracle.deal_per_year == pytest.approx(60e9)
    assert oracle.amplification_per_year == pytest.approx(250 / 60)
    nvidia = amplification(_inputs(entity="nvidia", deal_size=100e9, market_cap_change=170e9,
                                               deal_years=None))
    assert nvidia.amplification == pytest.approx(1.7)
    assert nvidia.amplification_per_year is None


def test_changes_derived_from_the_move_match_the_stated_ones() -> None:
    # "Oracle 股價暴漲 36%" and "公司市值飆升至 9,330 億美元": 933 - 933 / 1.36 = 246.97 ("超過 2,500 億" rounded)
    oracle = amplification(_inputs(deal_size=300e9, market_cap_change=None, market_cap_after=933e9,
                                               price_change=0.36))
    assert oracle.market_cap_change == pytest.approx(933e9 - 933e9 / 1.36)
    assert oracle.market_cap_change == pytest.approx(250e9, rel=0.02)
    # "輝達收漲近 4%,市值突破 4.46 兆美元": 4460 - 4460 / 1.04 = 171.5 ("1,700 億")
    nvidia = amplification(_inputs(deal_size=100e9, market_cap_change=None,
                                               market_cap_after=4.46e12, price_change=0.04))
    assert nvidia.market_cap_change == pytest.approx(4460e9 - 4460e9 / 1.04)
    assert nvidia.market_cap_change == pytest.approx(170e9, rel=0.01)


def test_stated_change_wins_but_derived_is_reported() -> None:
    r = amplification(_inputs(deal_size=100e9, market_cap_change=170e9, market_cap_after=4.46e12,
                                          price_change=0.04))
    assert r.market_cap_change == 170e9
    assert r.change_derived == pytest.approx(171.538e9, rel=1e-4)


@pytest.mark.parametrize("kwargs, words", [
    ({"deal_size": 0}, "greater than 0"),
    ({"deal_years": -5}, "greater than 0"),
    ({"market_cap_change": None}, "no market-value change"),
    ({"market_cap_after": 1e9}, "go together"),
    ({"market_cap_after": 1e9, "price_change": -1.0}, "above -1"),
])
def test_bad_inputs(kwargs: dict, words: str) -> None:
    with pytest.raises(InputError, match=words):
        amplification(_inputs(**kwargs))
