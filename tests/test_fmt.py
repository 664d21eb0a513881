"""The one formatter: real figures from the bundled ledger printed with their unit and the text's qualifier.

The expected strings are written by hand from the articles' words (the quote beside each case); the
issue's wrong renderings are named so that a regression reads as what it was.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealweb import fmt
from dealweb.ledger import load_ledger
from dealweb.money import parse_amount


@pytest.fixture(scope="module")
def facts():  # noqa: ANN201
    led = load_ledger("ai-capex-2025").ledger
    return led.facts


# fact id -> (what a reader must see, what the issue saw, the words of the article)
LEDGER_CASES = {
    "oracle-founded": ("1977", "1.98K year", "1977年,拉里·埃裡森、鮑勃·邁納與埃德·奧茨3人"),
    "oracle-q2-fx-eps-effect": ("$0.03", "at least $0.03", "匯率預計對每股收益(EPS)帶來3美分正向影響"),
    "mag7-pe-vs-late-1990s": ("0.5x", "at least 0.5x", "僅是1990年代末最大7家公司等效估值的一半"),
    "broadcom-market-cap": ("$1.5T", "at least $1.5T", "1.5兆"),
    "ellison-rich-list-rank-2025-09": ("rank 1", "at least 1 rank", "世界首富"),
    "oracle-multicloud-dcs-live": ("34 data centres", "34 data_centres", "已在Azure、GCP、AWS部署34個多雲資料中心"),
    "oracle-close-2025-09-10": ("$328.33", None, "收於328.33美元/股"),
}


@pytest.mark.parametrize("fact_id", sorted(LEDGER_CASES))
def test_bundled_facts_print_with_unit_and_the_texts_qualifier(facts, fact_id: str) -> None:  # noqa: ANN001
    want, wrong, _quote = LEDGER_CASES[fact_id]
    shown = facts[fact_id].value.label()
    assert shown == want
    assert shown != wrong


@pytest.mark.parametrize(("written", "want"), [
    ("最高1000億美元", "up to $100B"),              # Nvidia's pledge: a ceiling
    ("約400億美元", "about $40B"),                  # Oracle's GB200 order
    ("超過200萬塊", "at least 2M units"),
    ("突破 4.46 兆美元", "at least $4.46T"),        # two decimals: 4.46, not 4.5
    ("3200 億美元至 4800 億美元", "$320B–$480B"),
    ("數百億美元", "$20B–$90B (vague)"),
    ("10兆日元（約650億美元）", "¥10T"),             # the currency is kept, not silently converted
    ("1.6億股", "160M shares"),
    ("6 吉瓦", "6 GW"),
    ("約16%", "about 16%"),
    ("70%以上", "at least 70%"),
    ("26倍", "26x"),
    ("$100,000-$100,000", "$100K"),                 # a range of equal ends is one figure
])
def test_written_amounts(written: str, want: str) -> None:
    assert fmt.amount(parse_amount(written)) == want


def test_capacity_assumption_states_one_price_once() -> None:
    from dealweb.metrics.capacity import CapacityInputs, capacity

    text = " ".join(capacity(CapacityInputs(gw=1.0, accelerators_per_gw_low=4e5, accelerators_per_gw_high=5e5,
                                            usd_per_accelerator_low=1e5, usd_per_accelerator_high=1e5)).assumptions)
    assert "$100K per accelerator" in text and "$100,000-$100,000" not in text


def test_metric_values_in_their_units() -> None:
    cases = [
        (6e10, "usd_per_year", "$60B a year"), (4.5e6, "accelerators", "4.5M accelerators"),
        (0.25, "fraction", "25%"), (0.1234, "fraction_per_year", "12.3% a year"),
        (26.0, "x", "26x"), (0.52, "x", "0.52x"), (5.0, "years", "5 years"), (1.0, "years", "1 year"),
        (2025, "year", "2025"), (1.6e8, "shares", "160M shares"), (10.0, "gw", "10 GW"),
        (4.5e5, "accelerators_per_gw", "450K accelerators per GW"), (1e5, "usd_per_accelerator",
                                                                     "$100K per accelerator"),
        (-2.5e9, "usd", "-$2.5B"), (None, "usd", "n/a"), (float("nan"), "usd", "n/a"),
        (1e13, "JPY", "¥10T"), (1.2e9, "KRW", "1.2B KRW"),
    ]
    for x, unit, want in cases:
        assert fmt.value(x, unit) == want, (x, unit)
    assert fmt.date(date(2025, 10, 1)) == "2025-10-01"
    assert fmt.interval(2e10, None, "USD") == "at least $20B"


def test_only_when_the_text_says_only() -> None:
    from dealweb.money import Amount

    assert fmt.amount(Amount(0.5, 0.5, unit="x", text="僅是…一半")) == "only 0.5x"
    assert fmt.amount(Amount(0.5, 0.5, unit="x", text="一半")) == "0.5x"


def test_report_inputs_have_no_empty_rows() -> None:
    # "Entities n/a :" was an input the bubble test takes only when passed: no value, no source
    from dealweb.report import analysis_of

    an = analysis_of(load_ledger("ai-capex-2025").ledger, stress=False)
    for table in an.metrics:
        for row in table.rows:
            assert not (row.get("Value") == "n/a" and row.get("Source", "x").strip(" :") == ""), (table.title, row)
            assert not str(row.get("Source", "")).startswith(":"), (table.title, row)


@given(st.integers(min_value=1000, max_value=9999))
def test_years_are_never_scaled(y: int) -> None:
    assert fmt.year(y) == str(y) == fmt.value(y, "year") == fmt.amount(parse_amount(f"{y}", "year"))


@given(st.floats(min_value=1.0, max_value=9e14, allow_nan=False))
def test_money_reads_back_within_its_rounding(x: float) -> None:
    # An independent check of the rounding: the printed figure, read back by the parser, is within
    # half a unit of the last printed digit (two decimals of the K/M/B/T mantissa).
    shown = fmt.money(x)
    m = re.fullmatch(r"\$([\d,]+(?:\.\d{1,2})?)([KMBT]?)", shown)
    assert m, shown
    scale = {"": 1, "K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}[m.group(2)]
    mantissa = float(m.group(1).replace(",", ""))
    assert m.group(2) == "T" or mantissa < 1000
    assert abs(parse_amount(shown).low - x) <= 0.005 * scale + 1e-9 * x


def test_money_below_half_a_cent_is_zero() -> None:
    # float noise from the simulation's clearing printed as "$9.55e-07" in stress tables (analyst finding 9)
    assert fmt.money(9.55e-07) == fmt.money(-3e-09) == fmt.money(0.0049) == "$0"
    assert fmt.money(0.01) == "$0.01" and fmt.money(-0.5) == "-$0.5"
    assert fmt.money(1.88e-07, lang="zh-Hant") == fmt.money(0, lang="zh-Hant")
