"""Cap-table restructuring: 100% to 20% by transfer or by issuance (the TikTok US question)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealweb.errors import InputError
from dealweb.metrics.cap_table import CapTableInputs, cap_table

#: The articles' figures (the metrics know none: a ledger or the caller gives them):
#: ByteDance 100% -> 20% of TikTok US at an illustrative $100B.
ARTICLE = dict(from_stake=1.0, to_stake=0.2, valuation=1.0e11)


def _inputs(**kw: object) -> CapTableInputs:
    return CapTableInputs(**{**ARTICLE, **kw})  # type: ignore[arg-type]


def test_tiktok_hundred_to_twenty_percent() -> None:
    # 虎嗅APP: "字節跳動目前持有TikTok的100%的股份,如何把它的股份從100%降到20%"
    # valuation V = $100B pre-money, 1e9 shares -> $100 a share.
    # transfer: the holder sells 80% = 800M shares x $100 = $80B to the holder; the company gets nothing.
    # issuance: the holder keeps 1e9 shares = 20% of the total -> total 5e9 shares, 4e9 new x $100
    #   = $400B into the company; post-money 5e9 x $100 = $500B; dilution 1 - 1/5 = 80%.
    r = cap_table(_inputs(from_stake=1.0, to_stake=0.2, valuation=100e9, shares_outstanding=1e9))
    t, i = r.route("transfer"), r.route("issuance")
    assert t.holder_receives == pytest.approx(80e9)
    assert t.company_receives == 0
    assert t.shares_transferred == pytest.approx(8e8)
    assert t.dilution == 0
    assert t.post_money_valuation == pytest.approx(100e9)
    assert i.company_receives == pytest.approx(400e9)
    assert i.holder_receives == 0
    assert i.shares_issued == pytest.approx(4e9)
    assert i.post_money_valuation == pytest.approx(500e9)
    assert i.dilution == pytest.approx(0.8)
    assert t.price_per_share == i.price_per_share == pytest.approx(100.0)
    # the holder ends with $100B of value either way: 80 cash + 20% x 100, or 20% x 500
    assert t.holder_value_after == pytest.approx(100e9)
    assert i.holder_value_after == pytest.approx(100e9)


def test_mixed_route() -> None:
    # sell 100% -> 40% (holder gets 60% x $100B = $60B), then issue 40% -> 20% (total doubles: $100B new money)
    r = cap_table(_inputs(from_stake=1.0, to_stake=0.2, valuation=100e9, via=0.4))
    m = r.route("mixed")
    assert m.holder_receives == pytest.approx(60e9)
    assert m.company_receives == pytest.approx(100e9)
    assert m.holder_stake == pytest.approx(0.2)
    assert m.new_investors_stake == pytest.approx(0.8)


def test_other_existing_holders_are_diluted_too() -> None:
    # holder 60% -> 30% by issuance: total doubles; the other 40% becomes 20%; new investors 50%
    r = cap_table(_inputs(from_stake=0.6, to_stake=0.3, valuation=10e9))
    i = r.route("issuance")
    assert (i.holder_stake, i.other_existing_stake, i.new_investors_stake) == pytest.approx((0.3, 0.2, 0.5))
    assert i.company_receives == pytest.approx(10e9)  # V (f/t - 1) = 10 x (2 - 1)


@pytest.mark.parametrize("kwargs, words", [
    ({"from_stake": 0.2, "to_stake": 1.0}, "above the stake before"),
    ({"from_stake": 1.5}, "fraction"),
    ({"to_stake": 0.0}, "fraction"),
    ({"valuation": -1.0}, "greater than 0"),
    ({"via": 0.1}, "between"),
])
def test_bad_inputs(kwargs: dict, words: str) -> None:
    with pytest.raises(InputError, match=words):
        cap_table(_inputs(**kwargs))


stakes = st.tuples(st.floats(0.01, 1.0), st.floats(0.01, 1.0), st.floats(0.0, 1.0)).map(
    lambda x: (max(x[0], x[1]), min(x[0], x[1]), x[2]))


@given(stakes, st.floats(1e3, 1e13), st.floats(1.0, 1e10))
def test_money_is_conserved_and_shares_sum_to_one(s: tuple, valuation: float, shares: float) -> None:
    f, t, w = s
    via = min(max(t + w * (f - t), t), f)  # t + 1.0 * (f - t) can round past f
    r = cap_table(_inputs(from_stake=f, to_stake=t, valuation=valuation, shares_outstanding=shares,
                                 via=via))
    for route in r.routes:
        assert route.investors_pay == pytest.approx(route.holder_receives + route.company_receives)
        total = route.holder_stake + route.other_existing_stake + route.new_investors_stake
        assert total == pytest.approx(1.0)
        assert route.holder_stake == pytest.approx(t)
        # no one is richer or poorer at the same price: holder keeps f x V of value
        assert route.holder_value_after == pytest.approx(f * valuation, rel=1e-9)
        # the new investors get shares worth what they paid
        assert route.new_investors_stake * route.post_money_valuation == pytest.approx(
            route.investors_pay, rel=1e-9, abs=1e-6 * valuation)
        # the other holders' value is unchanged
        assert route.other_existing_stake * route.post_money_valuation == pytest.approx(
            (1 - f) * valuation, rel=1e-9, abs=1e-6 * valuation)
