"""Backlog conversion: Oracle's RPO against its OCI path, and OpenAI's means to pay."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealweb.errors import InputError
from dealweb.metrics.backlog import BacklogInputs, backlog

#: The articles' figures (the metrics know none: a ledger or the caller gives them):
#: Oracle's $455B RPO and OCI path; OpenAI's $300B over 5 years against about $10B a year.
ARTICLE = dict(entity="oracle", rpo=4.55e11, schedule=(("FY2026", 18e9), ("FY2027", 32e9), ("FY2028", 73e9),
               ("FY2029", 114e9), ("FY2030", 144e9)), customer="openai", customer_commitment=3.0e11,
               customer_years=5.0, customer_revenue_per_year=1.0e10)


def _inputs(**kw: object) -> BacklogInputs:
    return BacklogInputs(**{**ARTICLE, **kw})  # type: ignore[arg-type]

# 芯智訊: "同比激增359%至4550億美元"; "2026財年該類股收入預計達180億美元";
# "未來四年收入目標分別設定為320億、730億、1140億和1440億美元"
OCI = (("FY2026", 18e9), ("FY2027", 32e9), ("FY2028", 73e9), ("FY2029", 114e9), ("FY2030", 144e9))


def test_oracle_path_against_rpo() -> None:
    r = backlog(_inputs(rpo=455e9, schedule=OCI, customer=None))
    # by hand: 18 + 32 + 73 + 114 + 144 = 381; 455 - 381 = 74; 74 / 144 = 0.514 years at the FY2030 rate
    assert r.path_total == pytest.approx(381e9)
    assert r.rpo_beyond_path == pytest.approx(74e9)
    assert r.years_beyond_path == pytest.approx(74 / 144)
    assert r.path_share_of_rpo == pytest.approx(381 / 455)
    # the headline "未來4年營收將增長8倍": 144 / 18 = 8
    assert r.growth_multiple == pytest.approx(8.0)
    assert r.cagr == pytest.approx(8 ** 0.25 - 1)  # 68.2% a year
    rem = [y.backlog_remaining for y in r.schedule]
    assert rem == pytest.approx([437e9, 405e9, 332e9, 218e9, 74e9])
    assert r.customer is None


def test_fy2026_is_seventy_seven_percent_up_on_fy2025() -> None:
    # "較2025財年的103億美元增長77%": 10.3 x 1.77 = 18.23 -> "180億"
    assert 10.3e9 * 1.77 == pytest.approx(18e9, rel=0.02)


def test_openai_means_to_pay() -> None:
    # 深潮 TechFlow: "5 年 3,000 億美元的雲端運算協議"; "OpenAI 目前年營收約 100 億美元"
    r = backlog(_inputs(rpo=455e9, schedule=OCI, customer="openai", customer_commitment=300e9,
                              customer_years=5, customer_revenue_per_year=10e9))
    c = r.customer
    assert c is not None
    # by hand: 300 / 455 = 65.9% of the RPO; 300 / 5 = 60 a year; 5 x 10 = 50 of revenue over the term;
    # gap 300 - 50 = 250; coverage 50 / 300 = 1/6
    assert c.share_of_rpo == pytest.approx(300 / 455)
    assert c.commitment_per_year == pytest.approx(60e9)
    assert c.revenue_over_term == pytest.approx(50e9)
    assert c.means_gap == pytest.approx(250e9)
    assert c.means_coverage == pytest.approx(1 / 6)


def test_customer_revenue_growth() -> None:
    # 10 growing 100% a year for 3 years: 10 + 20 + 40 = 70
    r = backlog(_inputs(customer_commitment=90e9, customer_years=3, customer_revenue_per_year=10e9,
                              customer_revenue_growth=1.0))
    assert r.customer is not None
    assert r.customer.revenue_over_term == pytest.approx(70e9)
    assert r.customer.means_gap == pytest.approx(20e9)


def test_path_larger_than_rpo_needs_new_bookings() -> None:
    r = backlog(_inputs(rpo=100e9, schedule=(("Y1", 60e9), ("Y2", 60e9)), customer=None))
    assert r.rpo_beyond_path == pytest.approx(-20e9)
    assert [y.backlog_remaining for y in r.schedule] == pytest.approx([40e9, 0.0])
    assert r.schedule[-1].share_converted == pytest.approx(1.0)


@pytest.mark.parametrize("kwargs, words", [
    ({"rpo": -1.0}, "negative"),
    ({"schedule": ()}, "empty"),
    ({"customer_years": 0}, "greater than 0"),
    ({"customer_revenue_per_year": None}, "needs its years"),
])
def test_bad_inputs(kwargs: dict, words: str) -> None:
    with pytest.raises(InputError, match=words):
        backlog(_inputs(**kwargs))



@given(st.floats(0, 1e13), st.lists(st.floats(0, 1e12), min_size=1, max_size=8))
def test_schedule_accounting(rpo: float, path: list) -> None:
    r = backlog(_inputs(rpo=rpo, schedule=tuple((f"Y{k}", v) for k, v in enumerate(path)), customer=None))
    # a second method: running sums by hand
    total = 0.0
    for row, v in zip(r.schedule, path, strict=True):
        total += v
        assert row.cumulative == pytest.approx(total)
        assert row.backlog_remaining == pytest.approx(max(rpo - total, 0.0), abs=1e-3)
        assert 0.0 <= row.share_converted <= 1.0 + 1e-12
    assert r.rpo_beyond_path == pytest.approx(rpo - sum(path), abs=1e-3)
