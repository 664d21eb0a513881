"""Chinese recall by general mechanisms (issue 13, session 8): bounds, hedged sizes, revenue, ventures, names.

Table-driven: every sentence was written for these tests with made-up firms (Longhua 龍華科技/龙华科技, Acme
艾克米 that raises money, Tiancheng 天成半導體 that sells chips, Borealis 北極雲 that sells compute, Dynamo Capital
迪納摩資本, the venture Orion 獵戶座合資項目), in both scripts, given to the extractor as extra gazetteer entries.
Each row states by hand the USD deal claims a reader finds: (payer, payee, low, high) in USD, ``None`` for an
open upper bound.
"""

from __future__ import annotations

import functools
import json
import re

import pytest

from dealweb.extract.gazetteer import BUILTIN_FILE, NAMES_FILE, GazEntry, load_names
from dealweb.extract.mentions import EntityIndex
from dealweb.extract.normalise import fold
from dealweb.money import parse_amount
from usd_claims import usd_deal_set

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
    return usd_deal_set(text, INDEX)


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
JOINT = ("acme+longhua", "orion-jv", 3 * B, 3 * B)
INTO = ("acme", "orion-jv", 0.9 * 2 * B, 1.1 * 2 * B)  # 約20億: [0.9x, 1.1x], guideline section 3
OUT = ("orion-jv", "longhua", 1 * B, 1 * B)
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
    # a joint venture (guideline section 2): partners paying together into it, one partner's cash into it, and the
    # venture's payment to a partner; partners are never payer and payee of each other here
    ("龍華科技宣布與艾克米成立合資企業，共同出資30億美元，用於開發獵戶座資料中心。", {JOINT}),
    ("龙华科技宣布与艾克米成立合资企业，共同出资30亿美元，用于开发猎户座数据中心。", {JOINT}),
    ("獵戶座合資項目由龍華科技與艾克米組建。根據協議，艾克米將持有合資企業80%的股權，並注入約20億美元現金，"
     "而龍華科技則保留20%的股權，並獲得了10億美元的一次性支付。", {INTO, OUT}),
    ("猎户座合资项目由龙华科技与艾克米组建。根据协议，艾克米将持有合资企业80%的股权，并注入约20亿美元现金，"
     "而龙华科技则保留20%的股权，并获得了10亿美元的一次性支付。", {INTO, OUT}),
    # a payment to a firm named as the object, with a venture in view, is that firm's
    ("龍華科技與艾克米成立合資企業獵戶座。龍華科技還向天成半導體注資10億美元。", {("longhua", "tiancheng", B, B)}),
    ("龙华科技与艾克米成立合资企业猎户座。龙华科技还向天成半导体注资10亿美元。", {("longhua", "tiancheng", B, B)}),
    # 由 marks the one who pays, a description of it (and a gloss after its name) between; 由於 is "because"
    ("龍華科技的第一支基金就是由沙烏地的迪納摩資本（Dynamo）出資30億美元設立。", {("dynamo", "longhua", 3 * B, 3 * B)}),
    ("龙华科技的第一支基金就是由沙特的迪纳摩资本（Dynamo）出资30亿美元设立。", {("dynamo", "longhua", 3 * B, 3 * B)}),
    ("艾克米表示，由於龍華科技向其投資20億美元，公司將擴大研發。", {("longhua", "acme", 2 * B, 2 * B)}),
    ("艾克米表示，由于龙华科技向其投资20亿美元，公司将扩大研发。", {("longhua", "acme", 2 * B, 2 * B)}),
    # a deal in view named by a demonstrative, its value and its noun ("這筆價值N的投資"), and its total ("總額達到")
    ("迪納摩資本將取得艾克米一成股份。這筆價值30億美元的投資將由其自有資金提供。艾克米表示，加上其他資金，"
     "這筆投資總額達到50億美元。", {("dynamo", "acme", 3 * B, 3 * B), ("dynamo", "acme", 5 * B, 5 * B)}),
    ("迪纳摩资本将取得艾克米一成股份。这笔价值30亿美元的投资将由其自有资金提供。艾克米表示，加上其他资金，"
     "这笔投资总额达到50亿美元。", {("dynamo", "acme", 3 * B, 3 * B), ("dynamo", "acme", 5 * B, 5 * B)}),
    # a pair's deal told without a figure, then one party paying with no payee named: it pays the other party
    ("龍華科技宣布與天成半導體達成技術授權協議。雖然雙方未提及財務細節，不過，據報導，龍華科技將支付約20億美元。",
     {("longhua", "tiancheng", 1.8 * B, 2.2 * B)}),
    ("龙华科技宣布与天成半导体达成技术授权协议。虽然双方未提及财务细节，不过，据报道，龙华科技将支付约20亿美元。",
     {("longhua", "tiancheng", 1.8 * B, 2.2 * B)}),
    ("龙华科技宣布与天成半导体达成技术授权协议。龙华科技将支付员工奖金20亿美元。", set()),  # paid to someone else
    # a customer's share of a seller's contracts or backlog ("其中N來自X", guideline section 4 backlog); a share of
    # revenue is no deal
    ("北極雲公布財報，合同金額大增。分析師指出，其中300億美元來自艾克米，且未履約收入並非已兌現的收入。",
     {("acme", "borealis", 30 * B, 30 * B)}),
    ("北极云公布财报，合同金额大增。分析师指出，其中300亿美元来自艾克米，且未履约收入并非已兑现的收入。",
     {("acme", "borealis", 30 * B, 30 * B)}),
    ("北极云公布财报，营收大增。分析师指出，其中300亿美元来自艾克米。", set()),
    # three firms announcing a purchase together: the buyer pays the others as one group (guideline section 7)
    ("龍華科技、北極雲和迪納摩資本共同宣布達成五年期算力協議，將在北歐建設AI基礎設施，協議價值可達60億美元。",
     {("longhua", "borealis+dynamo", 0, 6 * B)}),
    ("龙华科技、北极云和迪纳摩资本共同宣布达成五年期算力协议，将在北欧建设AI基础设施，协议价值可达60亿美元。",
     {("longhua", "borealis+dynamo", 0, 6 * B)}),
    ("龙华科技和北极云共同宣布达成五年期算力协议，将在北欧建设AI基础设施，协议价值可达60亿美元。",
     {("longhua", "borealis", 0, 6 * B)}),
    # one payer's sum over a list of counterparties with no split: one claim to the list as a group (section 7)
    ("龍華科技為加速去化現金已大舉投資新創，包括北極雲、天成半導體以及艾克米，總金額達50億美元。",
     {("longhua", "acme+borealis+tiancheng", 5 * B, 5 * B)}),
    ("龙华科技为加速去化现金已大举投资新创，包括北极云、天成半导体以及艾克米，总金额达50亿美元。",
     {("longhua", "acme+borealis+tiancheng", 5 * B, 5 * B)}),
    ("龙华科技已大举投资新创，包括北极云、天成半导体以及艾克米，其中对艾克米投资50亿美元。",
     {("longhua", "acme", 5 * B, 5 * B)}),  # a figure of one of them: that one's
    # a deal in view by a demonstrative, its figure and noun, in a sentence naming an earlier deal's two firms (not
    # the last deal told); a condition on it landing is its status (guideline section 6: proposed), not a supposition
    ("迪納摩資本正與艾克米洽談追加高達30億美元的投資。龍華科技還以10億美元收購了天成半導體。"
     "若此次30億美元投資最終落地，迪納摩資本在艾克米的話語權將進一步提升。",
     {("dynamo", "acme", 0, 3 * B), ("longhua", "tiancheng", B, B), ("dynamo", "acme", 3 * B, 3 * B)}),
    ("迪纳摩资本正与艾克米洽谈追加高达30亿美元的投资。龙华科技还以10亿美元收购了天成半导体。"
     "若此次30亿美元投资最终落地，迪纳摩资本在艾克米的话语权将进一步提升。",
     {("dynamo", "acme", 0, 3 * B), ("longhua", "tiancheng", B, B), ("dynamo", "acme", 3 * B, 3 * B)}),
    # a deal valued (交易估值) is the deal's value; a firm valued (艾克米估值) is a valuation, no deal (section 5)
    ("迪納摩資本旗下基礎設施基金正在就收購資料中心公司艾克米進行深入談判，交易估值接近400億美元。",
     {("dynamo", "acme", 36 * B, 44 * B)}),
    ("迪纳摩资本旗下基础设施基金正在就收购数据中心公司艾克米进行深入谈判，交易估值接近400亿美元。",
     {("dynamo", "acme", 36 * B, 44 * B)}),
    ("迪纳摩资本向艾克米投资10亿美元，艾克米估值接近400亿美元。", {("dynamo", "acme", B, B)}),
    # a purchase whose clause names only the buyer: the seller is the one other firm of the sentence, if it sells that
    ("儘管艾克米承諾未來將租用價值約300億美元的伺服器資源，但其尚未盈利，讓外界對北極雲能否如期收回投資存在疑問。",
     {("acme", "borealis", 27 * B, 33 * B)}),
    ("尽管艾克米承诺未来将租用价值约300亿美元的服务器资源，但其尚未盈利，让外界对北极云能否如期收回投资存在疑问。",
     {("acme", "borealis", 27 * B, 33 * B)}),
    ("尽管艾克米承诺未来将租用价值约300亿美元的服务器资源，但其尚未盈利，让外界对迪纳摩资本能否如期收回投资存在疑问。",
     set()),  # the other firm sells no compute: no seller to name
    # partners spending on what they build together: the project's cost, no payment between them (section 5)
    ("龍華科技與艾克米合作，斥資270億美元建設人工智慧資料中心項目。", set()),
    ("龙华科技与艾克米合作，斥资270亿美元建设人工智能数据中心项目。", set()),
    ("龙华科技与艾克米合作多年，龙华科技宣布斥资20亿美元收购艾克米。", {("longhua", "acme", 2 * B, 2 * B)}),
    # a payment said outright (向Y支付), in instalments (分期, 首期; guideline section 4 tranche): the tranche keeps
    # the deal's pair and direction
    ("根據協議，艾克米將分三期向龍華科技支付總計60億美元，首期20億美元將於明年支付。",
     {("acme", "longhua", 6 * B, 6 * B), ("acme", "longhua", 2 * B, 2 * B)}),
    ("根据协议，艾克米将分三期向龙华科技支付总计60亿美元，首期20亿美元将于明年支付。",
     {("acme", "longhua", 6 * B, 6 * B), ("acme", "longhua", 2 * B, 2 * B)}),
    ("艾克米宣布，龍華科技將向其投資最多50億美元，其中首筆20億美元已到位。",
     {("longhua", "acme", 0, 5 * B), ("longhua", "acme", 2 * B, 2 * B)}),
    ("艾克米宣布，龙华科技将向其投资最多50亿美元，其中首笔20亿美元已到位。",
     {("longhua", "acme", 0, 5 * B), ("longhua", "acme", 2 * B, 2 * B)}),
    # several investors with one figure and no split: one claim whose payer is the group (guideline section 7); with
    # the split (分別), one claim each
    ("艾克米獲得龍華科技和迪納摩資本共計50億美元的投資。", {("dynamo+longhua", "acme", 5 * B, 5 * B)}),
    ("艾克米获得龙华科技和迪纳摩资本共计50亿美元的投资。", {("dynamo+longhua", "acme", 5 * B, 5 * B)}),
    ("龍華科技和迪納摩資本分別向艾克米投資20億美元和30億美元。",
     {("longhua", "acme", 2 * B, 2 * B), ("dynamo", "acme", 3 * B, 3 * B)}),
    # denying a report of trouble with a deal affirms the deal; denying the deal is a denial (section 6)
    ("龍華科技執行長否認其50億美元對艾克米投資陷入停滯的報道。", {("longhua", "acme", 5 * B, 5 * B)}),
    ("龙华科技执行长否认其50亿美元对艾克米投资陷入停滞的报道。", {("longhua", "acme", 5 * B, 5 * B)}),
    ("龍華科技否認向艾克米投資50億美元。", set()),
    ("龙华科技否认向艾克米投资50亿美元。", set()),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_chinese_mechanisms(text: str, expected: set[tuple[str, str, float, float | None]]) -> None:
    assert usd_deals(text) == expected


# Names as data: every firm with a Chinese name has it in both scripts (review offers a firm's names in each script).
_CJK = re.compile("[\u4e00-\u9fff]")


@functools.cache
def _to_traditional() -> tuple[object, ...]:
    import opencc

    return tuple(opencc.OpenCC(c) for c in ("s2t", "s2tw", "s2hk"))


def _script_problems(g: GazEntry) -> list[str]:
    """What is wrong with ``g``'s Chinese names: a script missing, or a name in the other script's characters.

    Simplified: folding (OpenCC t2s, character by character) leaves it as it is. Traditional: a second method, OpenCC's
    s2t in one of its regional forms (Taiwan, Hong Kong, general) leaves it as it is (台 stays 台 in Taiwan usage).
    """
    if not any(_CJK.search(n) for n in g.names()):
        return []
    if not g.zh_hant or not g.zh_hans:
        return [f"{g.id}: a Chinese name but zh_hant={g.zh_hant!r}, zh_hans={g.zh_hans!r}"]
    out = []
    cjk_only = "".join(c for c in g.zh_hans if _CJK.match(c))
    if fold(cjk_only) != cjk_only:
        out.append(f"{g.id}: zh_hans {g.zh_hans!r} holds Traditional characters")
    if all(c.convert(g.zh_hant) != g.zh_hant for c in _to_traditional()):
        out.append(f"{g.id}: zh_hant {g.zh_hant!r} holds Simplified characters")
    return out


SCRIPT_ROWS = [
    (GazEntry("x", "company", "X", "龍華科技", "龙华科技"), 0),
    (GazEntry("x", "company", "X", "台積電", "台积电"), 0),  # 台: Taiwan usage, a Traditional name
    (GazEntry("x", "company", "X", aliases=("Acme",)), 0),  # no Chinese name: nothing asked
    (GazEntry("x", "company", "X", aliases=("龍華",)), 1),  # a Chinese alias only: both scripts missing
    (GazEntry("x", "company", "X", "龍華科技", ""), 1),
    (GazEntry("x", "company", "X", "", "龙华科技"), 1),
    (GazEntry("x", "company", "X", "龍華科技", "龍華科技"), 1),  # the Simplified field in Traditional characters
    (GazEntry("x", "company", "X", "龙华科技", "龙华科技"), 1),  # the Traditional field in Simplified characters
]


@pytest.mark.parametrize(("entry", "problems"), SCRIPT_ROWS)
def test_script_check_finds_what_is_wrong(entry: GazEntry, problems: int) -> None:
    assert len(_script_problems(entry)) == problems


@pytest.mark.parametrize("path", [BUILTIN_FILE, NAMES_FILE], ids=["builtin", "firms"])
def test_every_chinese_named_firm_has_both_scripts(path: object) -> None:
    found = [p for g in load_names(path) for p in _script_problems(g)]
    # a names-file entry for a built-in id only adds aliases: the built-in entry's fields are the ones checked
    built_in = {g.id for g in load_names(BUILTIN_FILE)}
    found = [p for p in found if path == BUILTIN_FILE or p.split(":")[0] not in built_in]
    assert not found, "\n".join(found)


def test_names_file_is_plain_json_with_both_scripts_side_by_side() -> None:
    data = json.loads(NAMES_FILE.read_text(encoding="utf-8"))
    both = [e for e in data["entities"] if e.get("zh_hant") or e.get("zh_hans")]
    assert both and all(e.get("zh_hant") and e.get("zh_hans") for e in both)
