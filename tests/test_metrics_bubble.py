"""Bubble check: Goldman Sachs' three-part test as reported by 遠川投資評論."""

import math
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealweb.errors import InputError
from dealweb.metrics.bubble import BubbleEntity, BubbleInputs, bubble, decompose_return, peg_ratio


def test_mag7_is_half_the_late_1990s() -> None:
    # "當下"七巨頭"的24個月遠期市盈率中位數為27倍,如果排除特斯拉...則為26倍,僅是1990年代末最大7家公司等效估值的一半"
    # the reference is 2 x 26 = 52x (the article's "half"); 26 / 52 = 0.5, 27 / 52 = 0.519
    r = bubble(BubbleInputs(entities=(BubbleEntity("mag7-ex-tesla", forward_pe=26.0),
                                      BubbleEntity("mag7", forward_pe=27.0)), reference_pe=52.0))
    v = r.verdict("mag7-ex-tesla")
    val = v.parts[1]
    assert val.name == "overvaluation" and val.status == "no_sign"
    assert val.numbers["pe_to_reference"]["value"] == pytest.approx(0.5)
    assert r.verdict("mag7").parts[1].numbers["pe_to_reference"]["value"] == pytest.approx(27 / 52)
    assert "0.50 of the reference 52.0x" in val.reason


def test_median_without_one_member() -> None:
    # a group of seven where one member's P/E is far above the rest moves the median by one step
    pes = {"a": 22.0, "b": 25.0, "c": 26.0, "d": 27.0, "e": 28.0, "f": 30.0, "tsla": 170.0}
    all7 = bubble(BubbleInputs(entities=tuple(BubbleEntity(k, forward_pe=v) for k, v in pes.items())))
    ex = bubble(BubbleInputs(entities=tuple(BubbleEntity(k, forward_pe=v) for k, v in pes.items() if k != "tsla")))
    assert all7.median_forward_pe == statistics.median(pes.values()) == 27.0
    assert ex.median_forward_pe == 26.5  # (26 + 27) / 2


def test_decomposition_by_hand() -> None:
    # price +50%, EPS +20% -> P/E 1.5 / 1.2 - 1 = +25%
    # logs: ln 1.2 = 0.1823216, ln 1.25 = 0.2231436, ln 1.5 = 0.4054651
    # earnings 0.5 x 0.1823216 / 0.4054651 = 0.5 x 0.4496603 = 0.2248301;
    # valuation 0.5 x 0.2231436 / 0.4054651 = 0.5 x 0.5503397 = 0.2751699
    d = decompose_return(0.5, 0.2, 0.02)
    assert d.pe_change == pytest.approx(0.25)
    assert d.earnings_contribution == pytest.approx(0.2248301, abs=1e-6)
    assert d.valuation_contribution == pytest.approx(0.2751699, abs=1e-6)
    assert d.total_return == pytest.approx(0.52)


def test_earnings_driven_rise_is_no_sign_and_valuation_driven_is() -> None:
    # Goldman: tech prices have tracked EPS; the 2000 peak was driven by valuation
    today = BubbleEntity("us-tech-today", price_return=0.60, eps_growth=0.55)
    y2000 = BubbleEntity("telecom-2000", price_return=1.00, eps_growth=0.10)
    r = bubble(BubbleInputs(entities=(today, y2000)))
    assert r.verdict("us-tech-today").parts[0].status == "no_sign"
    p = r.verdict("telecom-2000").parts[0]
    assert p.status == "sign"
    # valuation share = ln(2/1.1) / ln 2 = 0.862
    assert p.numbers["valuation_share"]["value"] == pytest.approx(math.log(2 / 1.1) / math.log(2))


def test_oracle_capex_above_cash_flow_is_a_leverage_sign() -> None:
    # Alpha Engineer: "季度總收入為149億美元"; "本季度經營現金流為81億美元,自由現金流為負3.62億美元(資本支出為85億美元)"
    # FCF -0.362 + capex 8.5 = operating cash flow 8.138 ("81億" rounded); capex / sales = 8.5 / 14.9 = 57.0%
    e = BubbleEntity("oracle", capex=8.5e9, revenue=14.9e9, free_cash_flow=-0.362e9)
    v = bubble(BubbleInputs(entities=(e,))).verdict("oracle")
    lev = v.parts[2]
    assert lev.status == "sign"
    assert lev.numbers["operating_cash_flow"]["value"] == pytest.approx(8.138e9)
    assert round(lev.numbers["operating_cash_flow"]["value"] / 1e9, 1) == 8.1
    assert lev.numbers["capex_to_sales"]["value"] == pytest.approx(8.5 / 14.9)
    assert v.signs == 1 and v.assessed == 1
    assert "1 of 1" in v.verdict and "free cash flow -$0.36B" in v.verdict


def test_stable_capex_to_fcf_is_no_sign() -> None:
    # "資本支出與銷售額之比迅速攀升的同時,資本支出與自由現金流之比卻一直保持穩定"
    e = BubbleEntity("hyperscalers", capex_to_sales=(0.10, 0.20), capex_to_fcf=(0.8, 0.85))
    v = bubble(BubbleInputs(entities=(e,))).verdict("hyperscalers")
    assert v.parts[2].status == "no_sign"  # +6.25% < 25%
    e2 = BubbleEntity("late-90s-telecom", capex_to_sales=(0.15, 0.30), capex_to_fcf=(0.8, 1.6))
    assert bubble(BubbleInputs(entities=(e2,))).verdict("late-90s-telecom").parts[2].status == "sign"


def test_peg_judged_only_with_a_reference() -> None:
    # PEG = 30 / (20% x 100) = 1.5
    assert peg_ratio(30, 0.2) == 1.5
    e = BubbleEntity("x", forward_pe=30.0, expected_eps_growth=0.2)
    assert bubble(BubbleInputs(entities=(e,), reference_pe=52.0)).verdict("x").parts[1].status == "no_sign"
    with_peg = bubble(BubbleInputs(entities=(e,), reference_pe=52.0, reference_peg=1.2))
    assert with_peg.verdict("x").parts[1].status == "sign"


def test_nothing_given_is_not_assessed_and_says_so() -> None:
    v = bubble(BubbleInputs(entities=(BubbleEntity("empty"),))).verdict("empty")
    assert v.assessed == 0 and "not assessed" in v.verdict


@pytest.mark.parametrize("kwargs, words", [
    ({"entities": ()}, "no entity"),
    ({"entities": (BubbleEntity("a"), BubbleEntity("a"))}, "twice"),
    ({"entities": (BubbleEntity("a", forward_pe=-3.0),)}, "greater than 0"),
    ({"entities": (BubbleEntity("a", price_return=-1.5, eps_growth=0.1),)}, "above -1"),
    ({"entities": (BubbleEntity("a"),), "reference_pe": 0}, "greater than 0"),
])
def test_bad_inputs(kwargs: dict, words: str) -> None:
    with pytest.raises(InputError, match=words):
        bubble(BubbleInputs(**kwargs))


@given(st.floats(-0.9, 5), st.floats(-0.9, 5))
def test_decomposition_is_exact(r: float, g: float) -> None:
    d = decompose_return(r, g)
    assert (1 + d.eps_growth) * (1 + d.pe_change) == pytest.approx(1 + r)
    assert d.earnings_contribution + d.valuation_contribution == pytest.approx(r, abs=1e-12)


@given(st.permutations(["a", "b", "c", "d"]))
def test_verdicts_do_not_depend_on_order(order: list) -> None:
    figs = {"a": dict(forward_pe=20.0), "b": dict(forward_pe=60.0, price_return=1.0, eps_growth=0.1),
            "c": dict(capex=5.0, free_cash_flow=-1.0), "d": dict(forward_pe=30.0)}
    r = bubble(BubbleInputs(entities=tuple(BubbleEntity(k, **figs[k]) for k in order), reference_pe=52.0))
    assert {v.entity: v.signs for v in r.verdicts} == {"a": 0, "b": 2, "c": 1, "d": 0}
    assert r.median_forward_pe == 30.0  # median of 20, 30, 60


def test_no_reference_pe_leaves_overvaluation_not_assessed() -> None:
    # a reference comes from the ledger (a labelled assumption or a fact) or a flag, never from the code
    v = bubble(BubbleInputs(entities=(BubbleEntity("x", forward_pe=80.0),))).verdict("x")
    assert v.parts[1].status == "not_assessed" and "reference_pe" in v.parts[1].reason
    assert v.assessed == 0
