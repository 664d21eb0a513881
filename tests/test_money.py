"""Amounts parsed from real phrasings (the seed articles), with hand-computed intervals, and properties."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealweb.money import (
    Amount,
    AmountError,
    FxRate,
    FxTable,
    Qualifier,
    find_amounts,
    format_amount,
    normalise_width,
    parse_amount,
)

E, A, U, L, R, V = (Qualifier.EXACT, Qualifier.ABOUT, Qualifier.UP_TO, Qualifier.AT_LEAST, Qualifier.RANGE,
                    Qualifier.VAGUE)

# (written, low, high, qualifier, unit) -- each expected value computed by hand in the comment.
TABLE = [
    ("1,000 億美元", 1e11, 1e11, E, "USD"),            # 1000 x 1e8
    ("1000億美元", 1e11, 1e11, E, "USD"),
    ("1,000 億美金", 1e11, 1e11, E, "USD"),            # 美金 is USD too
    ("１，０００億美元", 1e11, 1e11, E, "USD"),          # full-width digits and comma
    ("1.5兆", 1.5e12, 1.5e12, E, None),                # 兆 = 1e12; no currency written
    ("2萬億美元", 2e12, 2e12, E, "USD"),               # 萬億 = 1e4 x 1e8
    ("兩千億美元", 2e11, 2e11, E, "USD"),              # 兩千 = 2000, x 1e8
    ("10兆日元（約650億美元）", 1e13, 1e13, E, "JPY"),    # 10 x 1e12 yen
    ("數百億美元", 2e10, 9e10, V, "USD"),              # several (2..9) x 百億 (1e10)
    ("數千億美元", 2e11, 9e11, V, "USD"),              # 2..9 x 千億 (1e11)
    ("幾十億美元", 2e9, 9e9, V, "USD"),                # 2..9 x 十億 (1e9)
    ("最高1000億", 0.0, 1e11, U, None),                # up to 1000 x 1e8
    ("最多1.6億股", 0.0, 1.6e8, U, "shares"),
    ("超過200萬塊", 2e6, None, L, "units"),             # more than 200 x 1e4 (chips)
    ("超過2,500億美元", 2.5e11, None, L, "USD"),
    ("$40 billion", 4e10, 4e10, E, "USD"),
    ("$1.2 trillion", 1.2e12, 1.2e12, E, "USD"),
    ("up to $100B", 0.0, 1e11, U, "USD"),
    ("about $40B", 3.6e10, 4.4e10, A, "USD"),          # +-10 %: 0.9 x 4e10, 1.1 x 4e10
    ("約400億美元", 3.6e10, 4.4e10, A, "USD"),
    ("1.6億股", 1.6e8, 1.6e8, E, "shares"),             # 1.6 x 1e8 shares
    ("3200 億美元至 4800 億美元", 3.2e11, 4.8e11, R, "USD"),
    ("320–480億美元", 3.2e10, 4.8e10, R, "USD"),        # the scale written once applies to both ends
    ("6 吉瓦", 6.0, 6.0, E, "GW"),
    ("4.5 GW", 4.5, 4.5, E, "GW"),
    ("400,000顆", 4e5, 4e5, E, "units"),
    ("3000億人民幣", 3e11, 3e11, E, "CNY"),
    ("近36%", 32.4, 39.6, A, "%"),                       # about 36: 0.9 x 36, 1.1 x 36
    ("8倍", 8.0, 8.0, E, "x"),
    ("NT$1,000億", 1e11, 1e11, E, "TWD"),
    ("more than 2M units", 2e6, None, L, "units"),
    ("several hundred billion dollars", 2e11, 9e11, V, "USD"),
]


@pytest.mark.parametrize("written,low,high,qual,unit", TABLE, ids=[t[0] for t in TABLE])
def test_parse_table(written: str, low: float, high: float | None, qual: Qualifier, unit: str | None) -> None:
    a = parse_amount(written)
    assert math.isclose(a.low, low, rel_tol=1e-12, abs_tol=1e-9)
    if high is None:
        assert a.high is None
    else:
        assert a.high is not None and math.isclose(a.high, high, rel_tol=1e-12)
    assert a.qualifier is qual
    assert a.unit == unit
    assert a.text == written


def test_stated_conversion_is_a_rate() -> None:
    a = parse_amount("10兆日元（約650億美元）")
    # 650億 = 6.5e10 USD for 1e13 JPY: 0.0065 USD per yen
    assert a.usd_rate is not None and math.isclose(a.usd_rate, 0.0065)
    assert a.usd_source == "stated"
    assert math.isclose(a.usd_low or 0, 6.5e10)


def test_default_unit_for_bare_figures() -> None:
    assert parse_amount("最高1000億", default_unit="USD").unit == "USD"
    assert parse_amount("1000億美元", default_unit="JPY").unit == "USD"  # the written unit wins


@pytest.mark.parametrize("bad", ["", "abc", "-5億美元", "億美元", "5 apples and pears"])
def test_parse_errors_have_hints(bad: str) -> None:
    with pytest.raises(AmountError) as exc:
        parse_amount(bad)
    assert exc.value.hint


def test_find_amounts_offsets_point_into_original_text() -> None:
    text = "OpenAI承諾部署6 吉瓦的GPU,最多１.６億股,價值數百億美元。"
    found = list(find_amounts(text))
    assert [f.amount.text for f in found] == ["6 吉瓦", "最多１.６億股", "數百億美元"]
    for f in found:
        assert text[f.start:f.end] == f.amount.text


def test_fx_table_uses_latest_rate_on_or_before() -> None:
    fx = FxTable((FxRate("JPY", 0.0070, date(2025, 1, 1)), FxRate("JPY", 0.0065, date(2025, 10, 1))))
    a = parse_amount("10兆日元")
    assert math.isclose(fx.to_usd(a, date(2025, 6, 1)).usd_low or 0, 7e10)   # 1e13 x 0.0070
    assert math.isclose(fx.to_usd(a, date(2025, 10, 2)).usd_low or 0, 6.5e10)  # 1e13 x 0.0065
    assert fx.to_usd(parse_amount("10兆日元（約650億美元）"), date(2025, 6, 1)).usd_source == "stated"
    assert fx.to_usd(parse_amount("100億歐元"), date(2025, 6, 1)).usd_low is None  # no EUR rate: none


# --- properties -------------------------------------------------------------------------------------------
_SCALES = [1e3, 1e6, 1e9, 1e12]
_UNITS = ["USD", "EUR", "GBP", "JPY", "shares", "units", "GW"]


@st.composite
def amounts(draw: st.DrawFn) -> Amount:
    scale = draw(st.sampled_from(_SCALES))
    unit = draw(st.sampled_from(_UNITS))
    m1 = draw(st.integers(1, 999))
    if draw(st.booleans()):  # two decimals, as in 4.46 兆美元
        m1 = draw(st.integers(100, 99_899)) / 100
    qual = draw(st.sampled_from([E, A, U, L, R]))
    x = m1 * scale
    if qual is R:
        m2 = draw(st.integers(int(m1) + 1, 1000))
        y = min(m2, 999) * scale
        if y <= x:
            return Amount(x, x, E, unit, nominal=x)
        return Amount(x, y, R, unit, nominal=(x + y) / 2)
    if qual is A:
        return Amount(0.9 * x, 1.1 * x, A, unit, nominal=x)
    if qual is U:
        return Amount(0.0, x, U, unit, nominal=x)
    if qual is L:
        return Amount(x, None, L, unit, nominal=x)
    return Amount(x, x, E, unit, nominal=x)


@given(amounts())
def test_format_then_parse_round_trips(a: Amount) -> None:
    b = parse_amount(format_amount(a))
    assert b.qualifier is a.qualifier
    assert b.unit == a.unit
    assert math.isclose(b.low, a.low, rel_tol=1e-9, abs_tol=1e-9)
    assert (b.high is None) == (a.high is None)
    if a.high is not None and b.high is not None:
        assert math.isclose(b.high, a.high, rel_tol=1e-9)
    assert math.isclose(b.point, a.point, rel_tol=1e-9)


@given(amounts())
def test_low_never_above_high(a: Amount) -> None:
    b = parse_amount(format_amount(a))
    assert b.high is None or b.low <= b.high
    assert b.low <= b.point and (b.high is None or b.point <= b.high)


@given(st.integers(1, 99_999), st.sampled_from([("萬", 1e4), ("億", 1e8), ("兆", 1e12)]))
def test_chinese_scales_multiply(n: int, scale: tuple[str, float]) -> None:
    word, factor = scale
    a = parse_amount(f"{n}{word}美元")
    assert math.isclose(a.low, n * factor, rel_tol=1e-12)
    # thousands separators and full-width forms do not change the value
    wide = str.maketrans("0123456789,", "０１２３４５６７８９，")
    b = parse_amount(f"{n:,}{word}美元".translate(wide))
    assert normalise_width(f"{n:,}".translate(wide)) == f"{n:,}"
    assert math.isclose(b.low, a.low, rel_tol=1e-12)


@given(amounts(), st.floats(0.0, 10.0, allow_nan=False))
def test_scaling_scales_both_ends_and_usd(a: Amount, k: float) -> None:
    a = FxTable((FxRate("EUR", 1.1, date(2025, 1, 1)), FxRate("JPY", 0.0065, date(2025, 1, 1)),
                 FxRate("GBP", 1.3, date(2025, 1, 1)))).to_usd(a, date(2025, 6, 1))
    b = a.scaled(k)
    assert math.isclose(b.low, a.low * k, rel_tol=1e-12, abs_tol=1e-9)
    assert (b.high is None) == (a.high is None)
    if a.usd_low is not None:
        assert b.usd_low is not None and math.isclose(b.usd_low, a.usd_low * k, rel_tol=1e-12, abs_tol=1e-6)
