"""Capacity conversions GW <-> accelerators <-> US dollars."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealweb.errors import InputError
from dealweb.metrics.capacity import CapacityInputs, capacity

#: The articles' figures (the metrics know none: a ledger or the caller gives them):
#: the articles' ratios: 4-5 million GPUs per 10 GW; about $40B for about 400,000 GB200.
ARTICLE = dict(accelerators_per_gw_low=4.0e5, accelerators_per_gw_high=5.0e5, usd_per_accelerator_low=1.0e5,
               usd_per_accelerator_high=1.0e5)


def _inputs(**kw: object) -> CapacityInputs:
    return CapacityInputs(**{**ARTICLE, **kw})  # type: ignore[arg-type]


def test_ten_gw_is_four_to_five_million_gpus() -> None:
    # 深潮 TechFlow, Jensen Huang: "10 吉瓦的資料中心容量相當於 400 萬到 500 萬塊 GPU"
    r = capacity(_inputs(gw=10))
    assert r.accelerators == (4_000_000, 5_000_000)
    # dollars: 4M x $100,000 = $400B; 5M x $100,000 = $500B (ratio from "約400,000顆GB200 ... 總價值約400億美元")
    assert r.usd == pytest.approx((400e9, 500e9))


def test_four_and_a_half_gw_needs_over_two_million() -> None:
    # 深潮 TechFlow: "4.5 吉瓦的算力需要超過 200 萬塊高端 GPU"
    # by hand: 4.5 x 400,000 = 1.8M; 4.5 x 500,000 = 2.25M -> the top of the interval is over 2 million,
    # and 2 million / 4.5 GW = 444,444 per GW lies inside Jensen's 400,000-500,000.
    r = capacity(_inputs(gw=4.5))
    assert r.accelerators == pytest.approx((1.8e6, 2.25e6))
    assert r.accelerators[1] > 2e6
    assert 4e5 <= 2e6 / 4.5 <= 5e5


def test_gb200_order_prices_at_forty_billion_and_sizes_at_about_one_gw() -> None:
    # 晶片行業: "訂購了約400,000顆GB200 AI晶片,總價值約400億美元"
    r = capacity(_inputs(accelerators=400_000))
    assert r.usd == pytest.approx((40e9, 40e9))
    # 400,000 / 500,000 = 0.8 GW; 400,000 / 400,000 = 1.0 GW
    assert r.gw == pytest.approx((0.8, 1.0))


def test_from_dollars() -> None:
    # $40B / $100,000 = 400,000 chips -> 0.8-1.0 GW
    r = capacity(_inputs(usd=40e9))
    assert r.accelerators == pytest.approx((4e5, 4e5))
    assert r.gw == pytest.approx((0.8, 1.0))


def test_usd_per_gw() -> None:
    # 400,000 x $100,000 = $40B per GW; 500,000 x $100,000 = $50B per GW
    assert capacity(_inputs(gw=1)).usd_per_gw == pytest.approx((40e9, 50e9))


@pytest.mark.parametrize("kwargs, words", [
    ({}, "exactly one"),
    ({"gw": 1, "usd": 2}, "exactly one"),
    ({"gw": -1}, "negative"),
    ({"gw": 1, "accelerators_per_gw_low": 0}, "greater than 0"),
    ({"gw": 1, "accelerators_per_gw_low": 6e5}, "above"),
])
def test_bad_inputs(kwargs: dict, words: str) -> None:
    with pytest.raises(InputError, match=words):
        capacity(_inputs(**kwargs))


ratios = st.tuples(st.floats(1e3, 1e7), st.floats(1.0, 3.0))
prices = st.tuples(st.floats(1e3, 1e6), st.floats(1.0, 3.0))


@given(st.floats(0.01, 1e3), ratios, prices)
def test_conversions_invert_each_other(gw: float, ratio: tuple, price: tuple) -> None:
    r_lo, r_hi = ratio[0], ratio[0] * ratio[1]
    p_lo, p_hi = price[0], price[0] * price[1]
    kw = dict(accelerators_per_gw_low=r_lo, accelerators_per_gw_high=r_hi,
              usd_per_accelerator_low=p_lo, usd_per_accelerator_high=p_hi)
    fwd = capacity(_inputs(gw=gw, **kw))
    # each end converted back lands inside an interval that contains the start
    for acc in fwd.accelerators:
        back = capacity(_inputs(accelerators=acc, **kw))
        assert back.gw[0] <= gw * (1 + 1e-9) and back.gw[1] >= gw * (1 - 1e-9)
    for usd in fwd.usd:
        back = capacity(_inputs(usd=usd, **kw))
        assert back.gw[0] <= gw * (1 + 1e-9) and back.gw[1] >= gw * (1 - 1e-9)


@given(st.floats(0.01, 1e3), st.floats(1e3, 1e7), st.floats(1e3, 1e6))
def test_point_ratios_round_trip_exactly(gw: float, r: float, p: float) -> None:
    kw = dict(accelerators_per_gw_low=r, accelerators_per_gw_high=r, usd_per_accelerator_low=p,
              usd_per_accelerator_high=p)
    usd = capacity(_inputs(gw=gw, **kw)).usd[0]
    assert capacity(_inputs(usd=usd, **kw)).gw == pytest.approx((gw, gw), rel=1e-9)


def test_uae_two_million_chips_fit_the_five_gw_campus_not_one_gw() -> None:
    # 晶片行業: "1吉瓦(GW)的叢集 ... 計畫使用超過200萬顆輝達GB200晶片 ... 預計將建成一個5吉瓦的資料中心"
    # 2,000,000 / 500,000 = 4 GW; 2,000,000 / 400,000 = 5 GW
    r = capacity(_inputs(accelerators=2e6))
    assert r.gw == pytest.approx((4.0, 5.0))
    assert not (r.gw[0] <= 1.0 <= r.gw[1])


def test_nvidia_investment_covers_a_fifth_to_a_quarter_of_the_chips() -> None:
    # "輝達計畫對 OpenAI 投資最高 1,000 億美元" for 10 GW; chips for 10 GW are $400B-$500B
    r = capacity(_inputs(gw=10))
    assert (100e9 / r.usd[1], 100e9 / r.usd[0]) == pytest.approx((0.20, 0.25))
