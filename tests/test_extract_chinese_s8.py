"""Chinese recall by general mechanisms (issue 13, session 8): bounds, hedged sizes, revenue, ventures, names.

Table-driven: every sentence was written for these tests with made-up firms (Longhua 龍華科技/龙华科技, Acme
艾克米 that raises money, Tiancheng 天成半導體 that sells chips, Borealis 北極雲 that sells compute, Dynamo Capital
迪納摩資本, the venture Orion 獵戶座合資項目), in both scripts, given to the extractor as extra gazetteer entries.
Each row states by hand the USD deal claims a reader finds: (payer, payee, low, high) in USD, ``None`` for an
open upper bound.
"""

from __future__ import annotations

import pytest

from dealweb.extract.gazetteer import GazEntry
from dealweb.extract.ingest import ingest_text
from dealweb.extract.mentions import EntityIndex
from dealweb.money import parse_amount

FIRMS = (
    GazEntry("longhua", "company", "Longhua", "龍華科技", "龙华科技", aliases=("龍華", "龙华")),
    GazEntry("acme", "company", "Acme", "艾克米", "艾克米", sells=frozenset({"equity_investment"})),
    GazEntry("tiancheng", "company", "Tiancheng", "天成半導體", "天成半导体", aliases=("天成",),
             sells=frozenset({"chip_purchase"})),
    GazEntry("borealis", "company", "Borealis", "北極雲", "北极云", sells=frozenset({"compute_contract", "lease"})),
    GazEntry("dynamo", "fund", "Dynamo Capital", "迪納摩資本", "迪纳摩资本"),
    GazEntry("orion-jv", "project", "Orion JV", "獵戶座合資項目", "猎户座合资项目", aliases=("獵戶座", "猎户座")),
)
INDEX = EntityIndex(extra=FIRMS)
B = 1e9


def usd_deals(text: str) -> set[tuple[str, str, float, float | None]]:
    """(payer, payee, usd_low, usd_high) of every USD deal claim proposed for ``text``."""
    out = set()
    for c in ingest_text(text, index=INDEX):
        if c["kind"] == "deal" and c["amount"] and c["amount"]["currency"] == "USD":
            hi = c["amount"]["usd_high"]
            out.add((c["from"]["id"], c["to"]["id"], round(c["amount"]["usd_low"]),
                     None if hi is None or hi == float("inf") else round(hi)))
    return out


# Bounds said before a figure (guideline section 3), read by dealweb.money: (text, low, high), by hand.
BOUNDS = [
    ("高達數十億美元", 0, 9 * B),  # a ceiling on a vague figure: [0, the vague figure's top]
    ("高达数十亿美元", 0, 9 * B),
    ("up to several billion dollars", 0, 9 * B),
    ("逾數十億美元", 2 * B, None),  # a floor on a vague figure: [its bottom, open)
    ("逾数十亿美元", 2 * B, None),
    ("數十億美元", 2 * B, 9 * B),  # no bound: the vague interval itself
    ("可達62億美元", 0, 6.2 * B),
    ("可达62亿美元", 0, 6.2 * B),
    ("最高達50億美元", 0, 5 * B),
    ("最高达50亿美元", 0, 5 * B),
    ("不足100億美元", 0, 10 * B),
    ("不足100亿美元", 0, 10 * B),
    ("低於20億美元", 0, 2 * B),
    ("低于20亿美元", 0, 2 * B),
    ("超逾300億美元", 30 * B, None),
    ("不低於10億美元", 1 * B, None),
    ("不低于10亿美元", 1 * B, None),
    ("最少20億美元", 2 * B, None),
    ("最少20亿美元", 2 * B, None),
]


@pytest.mark.parametrize(("text", "low", "high"), BOUNDS)
def test_bounds_before_a_figure(text: str, low: float, high: float | None) -> None:
    a = parse_amount(text)
    assert (round(a.low), None if a.high is None else round(a.high)) == \
        (round(low), None if high is None else round(high))


CLOUD = ("acme", "borealis", 3 * B, 3 * B)
CHIPS = ("borealis", "tiancheng", 1 * B, 1 * B)
CASES = [
    # a ceiling on a vague figure, in a sentence that names both parties
    ("龍華科技正在洽談對艾克米進行一筆高達數十億美元的投資。", {("longhua", "acme", 0, 9 * B)}),
    ("龙华科技正在洽谈对艾克米进行一笔高达数十亿美元的投资。", {("longhua", "acme", 0, 9 * B)}),
    # the size of one investor's share said by a noun, hedged, its investee left out: the firm raising the round
    ("艾克米宣布啟動新一輪融資。龍華科技已進行洽談，投資額可能高達500億美元。", {("longhua", "acme", 0, 50 * B)}),
    ("艾克米宣布启动新一轮融资。龙华科技已进行洽谈，投资额可能高达500亿美元。", {("longhua", "acme", 0, 50 * B)}),
    # ... or the payee of the investment just told (another investor's)
    ("天成半導體計劃向艾克米投資20億美元。龍華科技雖然擬投資額不到10億美元，但關係最深。",
     {("tiancheng", "acme", 2 * B, 2 * B), ("longhua", "acme", 0, 1 * B)}),
    ("天成半导体计划向艾克米投资20亿美元。龙华科技虽然拟投资额不到10亿美元，但关系最深。",
     {("tiancheng", "acme", 2 * B, 2 * B), ("longhua", "acme", 0, 1 * B)}),
    # a firm's own yearly spending said by a size noun: no investee left out
    ("艾克米宣布啟動新一輪融資。龍華科技每年的投資額約為50億美元。", set()),
    ("艾克米宣布启动新一轮融资。龙华科技每年的投资额约为50亿美元。", set()),
    # a hedge on the size of a deal in view keeps it; a hedge on what goods are worth is no deal
    ("龍華科技表示，天成半導體的晶片價值可能達150億美元。", set()),
    ("龙华科技表示，天成半导体的芯片价值可能达150亿美元。", set()),
    # revenue a contract brings its seller, hedged or not, after the seller's own purchase: the contract is the one
    # the earner sells in (the customer's yearly payment, guideline section 4 per_year), not the purchase just told
    ("艾克米與北極雲簽署一份30億美元的算力合約。北極雲還向天成半導體採購了10億美元晶片。北極雲執行長表示，"
     "一旦這份合約完全履行，預計每年可能帶來6億美元的收入。", {CLOUD, CHIPS, ("acme", "borealis", 0.6 * B, 0.6 * B)}),
    ("艾克米与北极云签署一份30亿美元的算力合约。北极云还向天成半导体采购了10亿美元芯片。北极云表示，"
     "这份合约预计每年将带来6亿美元的收入。", {CLOUD, CHIPS, ("acme", "borealis", 0.6 * B, 0.6 * B)}),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_chinese_mechanisms(text: str, expected: set[tuple[str, str, float, float | None]]) -> None:
    assert usd_deals(text) == expected
