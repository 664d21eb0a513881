"""Coreference and parties told elsewhere (issue 13, session 7): descriptions, 前者/後者, deals in view, leases.

Table-driven: every sentence was written for these tests with made-up firms (Longhua 龍華科技/龙华科技, Acme
艾克米, Tiancheng 天成半導體 that sells chips, Borealis 北極雲 that sells compute and leases, Dynamo Capital
迪納摩資本; Zentrix and Quorra are in no list: they are found by where they stand), in both scripts, given to
the extractor as extra gazetteer entries. Each row states by hand the USD deal claims a reader finds:
(payer, payee, low, high) in USD.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dealweb.errors import InputError
from dealweb.extract.coref import load_descriptions, resolve_descriptions
from dealweb.extract.gazetteer import GazEntry
from dealweb.extract.mentions import EntityIndex
from dealweb.extract.normalise import normalise
from usd_claims import usd_deal_set

FIRMS = (
    GazEntry("longhua", "company", "Longhua", "龍華科技", "龙华科技", aliases=("龍華", "龙华")),
    GazEntry("acme", "company", "Acme", "艾克米", "艾克米", sells=frozenset({"equity_investment"})),
    GazEntry("tiancheng", "company", "Tiancheng", "天成半導體", "天成半导体", aliases=("天成",),
             sells=frozenset({"chip_purchase"})),
    GazEntry("borealis", "company", "Borealis", "北極雲", "北极云", sells=frozenset({"compute_contract", "lease"})),
    GazEntry("dynamo", "fund", "Dynamo Capital", "迪納摩資本", "迪纳摩资本"),
    GazEntry("kite", "person", "Kite Lin", "林凱", "林凯"),
)
INDEX = EntityIndex(extra=FIRMS)
B = 1e9


def usd_deals(text: str) -> set[tuple[str, str, float, float | None]]:
    """(payer, payee, usd_low, usd_high) of every USD deal claim proposed for ``text``."""
    return usd_deal_set(text, INDEX)


TWO = ("longhua", "acme", 2 * B, 2 * B)  # 20億美元: exactly 2e9, by hand
CASES = [
    # 前者/後者 in the sentence after the pair: the first and second of the two firms named
    ("龙华科技与艾克米签署协议。前者将向后者投资20亿美元。", {TWO}),
    ("龍華科技與艾克米簽署協議。前者將向後者投資20億美元。", {TWO}),
    ("艾克米与龙华科技达成合作。后者将向前者投资20亿美元。", {TWO}),
    # a description with a kind word: the chip maker of the sentence before (the description is the object, the
    # clause's subject is elided: the sentence's, which it cannot stand for)
    ("天成半导体是全球最大的芯片商之一。艾克米周二宣布，将向这家芯片巨头采购30亿美元芯片。",
     {("acme", "tiancheng", 3 * B, 3 * B)}),
    ("天成半導體是全球最大的晶片商之一。艾克米週二宣布，將向這家晶片巨頭採購30億美元晶片。",
     {("acme", "tiancheng", 3 * B, 3 * B)}),
    # the description is an object; the only other firm is in the sentence before
    ("艾克米周二宣布完成新一轮融资。龙华科技的投资部门表示，已向该公司投资20亿美元。", {TWO}),
    # terms of a deal told without a figure, in the next sentence naming one side
    ("艾克米与天成半导体签署芯片采购协议。根据协议，艾克米将采购价值30亿美元的芯片。",
     {("acme", "tiancheng", 3 * B, 3 * B)}),
    ("天成半導體與艾克米簽署晶片採購協議。根據協議，後者將採購價值30億美元的晶片。",
     {("acme", "tiancheng", 3 * B, 3 * B)}),
    # "该笔投资": a demonstrative, a classifier and a deal noun refer to the deal told just before
    ("龙华科技周二宣布投资艾克米。该笔投资金额为20亿美元。", {TWO}),
    ("龍華科技週二宣布投資艾克米。此次投資金額為20億美元。", {TWO}),
    # a lease with the landlord as the subject (出租): the tenant pays the landlord
    ("北极云将向艾克米出租数据中心，租约总值30亿美元。", {("acme", "borealis", 3 * B, 3 * B)}),
    ("北極雲將把資料中心出租給艾克米，為期十年，總值30億美元。", {("acme", "borealis", 3 * B, 3 * B)}),
    # a firm in no list, its Latin name before a Chinese word for a firm, at the sentence's start
    ("Zentrix公司获得龙华科技20亿美元投资。", {("longhua", "zentrix", 2 * B, 2 * B)}),
    ("據悉，Quorra集團獲得迪納摩資本20億美元投資。", {("dynamo", "quorra", 2 * B, 2 * B)}),
    # a capitalised "AI" after a firm's name is part of it (the id is the whole name's)
    ("龙华科技宣布向初创公司Zentrix AI投资20亿美元。", {("longhua", "zentrix-ai", 2 * B, 2 * B)}),
    ("Longhua will invest $2 billion in startup Zentrix AI.", {("longhua", "zentrix-ai", 2 * B, 2 * B)}),
    # a deal, or its financing, that fell through: no claim
    ("據報導，龍華科技向艾克米投資20億美元的計劃宣告泡湯。", set()),
    ("据报道，龙华科技向艾克米提供20亿美元融资的计划遇阻。", set()),
    # a firm's own spending, by the year or on a field or facility, is no investment in the firm the text is about
    ("艾克米正在洽谈新一轮融资。龙华科技年度AI投资上看650亿美元。", set()),
    ("艾克米正在洽談新一輪融資。龍華科技宣布將投入650億美元於AI相關項目。", set()),
    ("龍華科技與迪納摩資本達成投資協議。同時，龍華科技也宣布對德州的資料中心投資15億美元。", set()),
    # ...while a lone investor in an article about a round still invests in the firm raising it
    ("艾克米正在洽谈新一轮融资。龙华科技此次投资金额为20亿美元。", {TWO}),
    ("艾克米正在洽谈新一轮融资。龙华科技今年将投资20亿美元。", {TWO}),
    # a clause of time telling an earlier event names a firm that is no party of the main clause ("或超": more than
    # 30e9, no upper bound)
    ("此次清倉天成半導體後，龍華科技不僅將兌現承諾，還計劃向艾克米注入更多資金，總投資規模或超300億美元。",
     {("longhua", "acme", 30 * B, None)}),
    ("此次清仓天成半导体后，龙华科技还计划向艾克米注入更多资金，总投资规模或超300亿美元。",
     {("longhua", "acme", 30 * B, None)}),
    # ...unless the main clause points back to it
    ("艾克米完成融资后，龙华科技向其投资20亿美元。", {TWO}),
    ("在天成半導體與艾克米達成協議後，龍華科技立即宣布向該公司投資20億美元。", {TWO}),
    # a hedge on the size of a deal in view ("此筆潛在投資金額可能超過N") keeps the claim, hedged (guideline §6)
    ("龙华科技正在洽谈对艾克米进行一笔投资。消息人士指出，此笔潜在投资金额可能超过30亿美元。",
     {("longhua", "acme", 3 * B, None)}),
    ("龍華科技正在洽談對艾克米進行一筆投資。消息人士指出，此筆潛在投資金額可能超過30億美元。",
     {("longhua", "acme", 3 * B, None)}),
    # ...not a hedge on a valuation
    ("龙华科技正在洽谈对艾克米进行一笔投资。分析师认为，艾克米的估值可能超过300亿美元。", set()),
    # 由 marks the agent: the firm after it pays, though named second
    ("艾克米的第一支基金就是由迪納摩資本出資450億美元設立。", {("dynamo", "acme", 45 * B, 45 * B)}),
    ("艾克米的新基金由迪纳摩资本出资45亿美元设立。", {("dynamo", "acme", 4.5 * B, 4.5 * B)}),
    # "也" after an investor: the firm that invested in the clause before is a fellow investor, not the payee; the
    # payee is the firm raising money, named in the clause of its raise word
    ("龍華科技早在8月便宣布入股約一成，迪納摩資本9月也投資20億美元，加上積極出售資產，顯示艾克米正全力籌資。",
     {("dynamo", "acme", 2 * B, 2 * B)}),
    ("艾克米正全力筹资。龙华科技早在8月便宣布入股约一成，迪纳摩资本9月也投资20亿美元。",
     {("dynamo", "acme", 2 * B, 2 * B)}),
    # not deals: the description holds no firm to resolve to, or the figure is not a payment
    ("该公司市值达到5000亿美元。", set()),
    ("龙华科技是一家芯片公司。该公司斥资200亿美元在德州建设工厂。", set()),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_parties_told_elsewhere(text: str, expected: set[tuple[str, str, float, float | None]]) -> None:
    assert usd_deals(text) == expected


def _resolved(text: str) -> list[tuple[str, str]]:
    norm = normalise(text)
    return [(m.id, norm.text[m.start:m.end]) for m in resolve_descriptions(norm, INDEX.find(norm), INDEX)]


@pytest.mark.parametrize(("text", "expected"), [
    # the only firm before: the description stands for it
    ("艾克米宣布完成融资。龙华科技向该公司投资。", [("acme", "该公司")]),
    # its own clause names 龍華: not 龍華, the firm of the sentence before
    ("艾克米宣布完成融資。龍華科技向該公司投資。", [("acme", "該公司")]),
    # two firms before and no kind word: too many to tell, left alone
    ("艾克米与龙华科技签署协议。该公司表示满意。", []),
    # a kind word narrows two firms to one: the chip seller
    ("艾克米与天成半导体签署协议。这家芯片商表示满意。", [("tiancheng", "这家芯片商")]),
    # the subject of its clause may be the sentence's subject ("同时该公司": after two characters, no object marker)
    ("龙华科技周二发布财报，同时该公司宣布裁员。", [("longhua", "该公司")]),
    # a person is not a firm a description of a firm stands for
    ("林凯周二发言。该公司宣布裁员。", []),
    # 前者/后者 of the last two firms named (three named: the last two)
    ("龙华科技表示，艾克米与天成半导体签署协议。后者表示满意，前者也表示满意。",
     [("tiancheng", "后者"), ("acme", "前者")]),
    # 应该: 该 inside another word is no determiner
    ("艾克米宣布完成融资。龙华科技应该公司要求投资。", []),
])
def test_resolve_descriptions(text: str, expected: list[tuple[str, str]]) -> None:
    assert _resolved(text) == expected


def test_descriptions_file_errors(tmp_path: Path) -> None:
    assert load_descriptions(tmp_path / "missing.json") is None
    bad = tmp_path / "bad.json"
    bad.write_text('{"zh": {"determiners": 3, "nouns": ["公司"]}}', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_descriptions(bad)
    assert "bad.json" in str(exc.value)
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"about": "no words"}), encoding="utf-8")
    assert load_descriptions(empty) is None


def test_own_words_resolve() -> None:
    """A user's own descriptions file (another language's words) is read the same way."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "words.json"
        p.write_text(json.dumps({"en": {"determiners": ["the "], "nouns": ["chip seller"],
                                        "kinds": {"chip": {"sells": "chip_purchase"}}}}), encoding="utf-8")
        words = load_descriptions(p)
    text = "Acme met Tiancheng. Acme said the chip seller agreed."
    norm = normalise(text)
    got = resolve_descriptions(norm, INDEX.find(norm), INDEX, words)
    assert [(m.id, norm.text[m.start:m.end]) for m in got] == [("tiancheng", "the chip seller")]
