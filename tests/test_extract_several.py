"""Several investors' amounts in one sentence (guideline §7) and investments told in tranches.

Table-driven: every sentence was written for these tests with made-up firms (Acme, Borealis, Cobalt Cloud,
Dynamo Capital, Ember Labs), given to the extractor as extra gazetteer entries. Each row states by hand the
USD deal claims a reader finds: (payer, payee, low, high) in USD, one claim per party when the text gives
each amount.
"""

from __future__ import annotations

import pytest

from dealweb.extract.gazetteer import GazEntry
from dealweb.extract.ingest import ingest_text
from dealweb.extract.mentions import EntityIndex

FIRMS = (
    GazEntry("acme", "company", "Acme", "艾克米", "艾克米"),
    GazEntry("borealis", "company", "Borealis", "博瑞斯", "博瑞斯"),
    GazEntry("cobalt", "company", "Cobalt Cloud", "鈷雲", "钴云", sells=frozenset({"compute_contract"})),
    GazEntry("dynamo", "fund", "Dynamo Capital", "迪納摩資本", "迪纳摩资本"),
    GazEntry("ember", "company", "Ember Labs", "恩博實驗室", "恩博实验室"),
)
INDEX = EntityIndex(extra=FIRMS)
B = 1e9
ROUND_EN = "Ember Labs closed a $12 billion funding round on Monday. "
ROUND_HANT = "恩博實驗室完成120億美元融資。"
ROUND_HANS = "恩博实验室完成120亿美元融资。"


def usd_deals(text: str) -> set[tuple[str, str, float, float | None]]:
    """(payer, payee, usd_low, usd_high) of every USD deal claim proposed for ``text``."""
    out = set()
    for c in ingest_text(text, index=INDEX):
        if c["kind"] == "deal" and c["amount"] and c["amount"]["currency"] == "USD":
            hi = c["amount"]["usd_high"]
            out.add((c["from"]["id"], c["to"]["id"], c["amount"]["usd_low"], None if hi == float("inf") else hi))
    return out


def _round(total: float) -> tuple[str, str, float, float]:
    """The round's own total, which these tests do not judge (read by the ordinary rules)."""
    return ("", "ember", total, total)


@pytest.mark.parametrize(("text", "expected"), [
    # a list of figures, each with its source: every source pays the firm raising the round
    (ROUND_EN + "The round includes $3 billion from Acme, $4 billion from Borealis and $5 billion from Dynamo Capital.",
     {("acme", "ember", 3 * B, 3 * B), ("borealis", "ember", 4 * B, 4 * B), ("dynamo", "ember", 5 * B, 5 * B)}),
    (ROUND_HANS + "此轮融资包括来自艾克米的30亿美元投资、来自博瑞斯的40亿美元和来自迪纳摩资本的50亿美元承诺。",
     {("acme", "ember", 3 * B, 3 * B), ("borealis", "ember", 4 * B, 4 * B), ("dynamo", "ember", 5 * B, 5 * B)}),
    (ROUND_HANT + "本輪融資包括來自艾克米的30億美元、來自博瑞斯的40億美元。",
     {("acme", "ember", 3 * B, 3 * B), ("borealis", "ember", 4 * B, 4 * B)}),
    # "respectively", 分別: the n-th firm with the n-th figure
    (ROUND_EN + "The round drew money from Acme, Borealis and Dynamo Capital, with investments of $5 billion, "
                "$4 billion and $3 billion respectively.",
     {("acme", "ember", 5 * B, 5 * B), ("borealis", "ember", 4 * B, 4 * B), ("dynamo", "ember", 3 * B, 3 * B)}),
    (ROUND_HANS + "艾克米、博瑞斯的投资分别为50亿美元、40亿美元。",
     {("acme", "ember", 5 * B, 5 * B), ("borealis", "ember", 4 * B, 4 * B)}),
    # "each", 各自: every firm pays the one figure
    ("Acme and Borealis each invested $2 billion in Ember Labs.",
     {("acme", "ember", 2 * B, 2 * B), ("borealis", "ember", 2 * B, 2 * B)}),
    (ROUND_HANS + "据恩博实验室公布，艾克米及博瑞斯各自投资了20亿美元。",
     {("acme", "ember", 2 * B, 2 * B), ("borealis", "ember", 2 * B, 2 * B)}),
    # tranches: one investor, a first payment and the rest, all paid to the firm raising the round
    (ROUND_EN + "The Acme investment will begin with $1 billion, followed by another $4 billion once "
                "milestones are met, the companies said.",
     {("acme", "ember", 1 * B, 1 * B), ("acme", "ember", 4 * B, 4 * B)}),
    (ROUND_HANS + "恩博实验室表示，艾克米将先承诺10亿美元，随后在达成某些条件后再投入40亿美元。",
     {("acme", "ember", 1 * B, 1 * B), ("acme", "ember", 4 * B, 4 * B)}),
    (ROUND_HANS + "其中，艾克米将首先向该公司投资10亿美元，剩余40亿美元将在满足条件后完成注资。",
     {("acme", "ember", 1 * B, 1 * B), ("acme", "ember", 4 * B, 4 * B)}),
    ("Acme will first invest $1 billion in Ember Labs, then $4 billion next year.",
     {("acme", "ember", 1 * B, 1 * B), ("acme", "ember", 4 * B, 4 * B)}),
    # parallel clauses, each with its own investor, the investee left out: the firm raising the round
    (ROUND_HANT + "艾克米已洽談最高50億美元的投資方案，博瑞斯則商議最高30億美元的注資計畫。",
     {("acme", "ember", 0.0, 5 * B), ("borealis", "ember", 0.0, 3 * B)}),
    # one investor and its figure in an article about a round: it invests in the firm raising it
    (ROUND_EN + "Dynamo Capital's $3 billion investment is part of its broader strategy.",
     {("dynamo", "ember", 3 * B, 3 * B)}),
    (ROUND_HANS + "艾克米在这轮融资中投入了20亿美元，是其至今最大的一笔投资。", {("acme", "ember", 2 * B, 2 * B)}),
])
def test_several_investors(text: str, expected: set[tuple[str, str, float, float | None]]) -> None:
    got = {d for d in usd_deals(text) if not (d[1] == "ember" and d[2] == 12 * B)}  # the round total: not judged
    assert got == expected


@pytest.mark.parametrize("text", [
    # a list of prices, not of investors
    "Acme sells its boards at $3,000 from Borealis and $4,000 from Dynamo Capital.",
    # "each" with a purchase: left to the purchase rules, and here no seller is named
    "Acme and Borealis each spent $2 billion on data centres.",
    # one investor and no round or investment in view: no payee to give it
    "Dynamo Capital's $3 billion investment is part of its broader strategy.",
    "艾克米投入了20亿美元建设数据中心。",
])
def test_not_several(text: str) -> None:
    assert not usd_deals(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("$3 billion and $5 billion", [(3 * B, 3 * B), (5 * B, 5 * B)]),  # a list of two figures
    ("$5 billion, $4 billion and $3 billion", [(5 * B, 5 * B), (4 * B, 4 * B), (3 * B, 3 * B)]),
    ("between $3 billion and $5 billion", [(3 * B, 5 * B)]),  # "between": one range
    ("$115 billion to $135 billion", [(115 * B, 135 * B)]),
])
def test_and_joins_a_range_only_after_between(text: str, expected: list[tuple[float, float]]) -> None:
    from dealweb.money import find_amounts

    assert [(f.amount.low, f.amount.high) for f in find_amounts(text)] == expected


CHIPS = EntityIndex(extra=(*FIRMS, GazEntry("foundry", "company", "Foundry One", "晶鑄", "晶铸",
                                            sells=frozenset({"chip_purchase"}))))


def chip_deals(text: str) -> set[tuple[str, str, float, float | None]]:
    out = set()
    for c in ingest_text(text, index=CHIPS):
        if c["kind"] == "deal" and c["amount"] and c["amount"]["currency"] == "USD":
            hi = c["amount"]["usd_high"]
            out.add((c["from"]["id"], c["to"]["id"], c["amount"]["usd_low"], None if hi == float("inf") else hi))
    return out


@pytest.mark.parametrize(("text", "expected"), [
    # an order routed through a firm pays that firm, whoever designed the chips
    ("Acme places $2 billion order for Ember Labs chips via Borealis.", {("acme", "borealis", 2 * B, 2 * B)}),
    # a seller that names its customer is paid by it
    ("晶鑄表示，先前提到的「20 億美元神秘客戶」正是艾克米，訂購內容為恩博實驗室的晶片。",
     {("acme", "foundry", 2 * B, 2 * B)}),
    # the firm whose investment it is ("Dynamo's $2 billion investment") pays
    ("Acme surges 10% on Dynamo Capital's $2 billion AI factory investment.", {("dynamo", "acme", 2 * B, 2 * B)}),
    ("Acme shares rose after Dynamo Capital announced a $2 billion equity investment in the cloud provider.",
     {("dynamo", "acme", 2 * B, 2 * B)}),
    # asked for money, or in talks to fund a raise: the firm asked pays
    ("艾克米轉向迪納摩資本尋求20億美元融資。", {("dynamo", "acme", 2 * B, 2 * B)}),
    ("艾克米正與迪納摩資本洽談額外20億美元融資。", {("dynamo", "acme", 2 * B, 2 * B)}),
    # a participant in "this round" is not the firm raising it
    (ROUND_HANS + "艾克米在这轮融资中投入了20亿美元。", {("acme", "ember", 2 * B, 2 * B)}),
])
def test_who_is_paid(text: str, expected: set[tuple[str, str, float, float | None]]) -> None:
    got = {d for d in chip_deals(text) if not (d[1] == "ember" and d[2] == 12 * B)}
    assert got == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Cobalt Cloud will provide GPU capacity to Acme in a deal valued at $17 billion with an option to spend up "
     "to $19 billion.", {("acme", "cobalt", 17 * B, 17 * B), ("acme", "cobalt", 0.0, 19 * B)}),
    ("Acme signed an agreement to buy GPU capacity from Cobalt Cloud valued at $5 billion, with options that could "
     "take the total to about $6 billion.", {("acme", "cobalt", 5 * B, 5 * B), ("acme", "cobalt", 5.4 * B, 6.6 * B)}),
    # a hedged figure with no deal told before it stays out
    ("Acme could spend up to $3 billion on compute next year.", set()),
])
def test_option_of_a_deal(text: str, expected: set[tuple[str, str, float, float | None]]) -> None:
    got = {(p, q, round(lo / 1e8) * 1e8, None if hi is None else round(hi / 1e8) * 1e8)
           for p, q, lo, hi in usd_deals(text)}
    assert got == expected


@pytest.mark.parametrize(("text", "expected"), [
    # the investor's clause leaves the investee out; the next clause opens on it
    ("在迪納摩資本已經投資13億美元的情況下，艾克米仍轉向其他投資者籌措資金。", {("dynamo", "acme", 1.3 * B, 1.3 * B)}),
    ("尽管迪纳摩资本累计投资超13亿美元,但艾克米如今可自由与第三方合作。", {("dynamo", "acme", 1.3 * B, None)}),
    # a further order by the same buyer goes to the seller of its last order
    ("艾克米向鈷雲下了20億美元的算力訂單。艾克米在最新一季又追加了10億美元訂單，總金額高達30億美元。",
     {("acme", "cobalt", 2 * B, 2 * B), ("acme", "cobalt", 1 * B, 1 * B), ("acme", "cobalt", 0.0, 3 * B)}),
])
def test_investee_or_seller_from_the_context(text: str, expected: set[tuple[str, str, float, float | None]]) -> None:
    assert usd_deals(text) == expected


def test_next_clause_subject_is_no_investee_without_a_frame() -> None:
    # "X invests $N, Y joins": two firms doing their own things, not X investing in Y
    got = usd_deals("Dynamo Capital invests up to $3 billion, Acme joins the fray.")
    assert ("dynamo", "acme", 0.0, 3 * B) not in got
