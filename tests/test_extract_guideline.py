"""The annotation guideline's examples (docs/annotation-guideline.md) as table-driven extraction cases.

Every sentence here was written for the guideline; the firms are made up (Acme, Borealis, Cobalt Cloud,
Dynamo Capital and their Chinese names) and are given to the extractor as extra gazetteer entries, so no
made-up name enters ``src/``. Each row says, by hand, which USD deal claims a reader finds: payer, payee and
the amount interval in USD (``None`` for an open upper bound), or none at all for a hard negative.
"""

from __future__ import annotations

import pytest

from dealweb.extract.gazetteer import GazEntry
from dealweb.extract.ingest import ingest_text
from dealweb.extract.mentions import EntityIndex

_CHIPS = frozenset({"chip_purchase"})
_CLOUD = frozenset({"compute_contract", "lease"})
FIRMS = (
    GazEntry("acme", "company", "Acme", "艾克米", "艾克米"),
    GazEntry("borealis", "company", "Borealis", "博瑞斯", "博瑞斯", sells=_CHIPS),
    GazEntry("cobalt", "company", "Cobalt Cloud", "鈷雲", "钴云", sells=_CLOUD),
    GazEntry("dynamo", "fund", "Dynamo Capital", "迪納摩資本", "迪纳摩资本"),
)
INDEX = EntityIndex(extra=FIRMS)
B = 1e9


def usd_deals(text: str) -> list[tuple[str, str, float | None, float | None]]:
    """(payer, payee, usd_low, usd_high) of every USD deal claim proposed for ``text``."""
    out = []
    for c in ingest_text(text, index=INDEX):
        if c["kind"] == "deal" and c["amount"] and c["amount"]["currency"] == "USD":
            hi = c["amount"]["usd_high"]
            out.append((c["from"]["id"], c["to"]["id"], c["amount"]["usd_low"], None if hi == float("inf") else hi))
    return out


@pytest.mark.parametrize(("text", "expected"), [
    # §2 direction: the buyer pays the seller, whatever the grammar
    ("Acme will buy $3 billion of robot arms from Borealis.", [("acme", "borealis", 3 * B, 3 * B)]),
    ("Borealis won a $3 billion chip order from Acme.", [("acme", "borealis", 3 * B, 3 * B)]),
    ("艾克米將向博瑞斯採購價值20億美元的晶片。", [("acme", "borealis", 2 * B, 2 * B)]),
    ("艾克米将向博瑞斯采购价值20亿美元的芯片。", [("acme", "borealis", 2 * B, 2 * B)]),
    # the investor pays the investee
    ("Dynamo Capital invested $2 billion in Acme.", [("dynamo", "acme", 2 * B, 2 * B)]),
    ("艾克米將向博瑞斯投資最多50億美元。", [("acme", "borealis", 0.0, 5 * B)]),
    ("艾克米获得迪纳摩资本20亿美元的投资。", [("dynamo", "acme", 2 * B, 2 * B)]),
    ("迪納摩資本完成對艾克米的30億美元投資。", [("dynamo", "acme", 3 * B, 3 * B)]),
    # a cloud contract: the customer pays the cloud
    ("艾克米與鈷雲簽署一份價值300億美元的算力合約。", [("acme", "cobalt", 30 * B, 30 * B)]),
    ("Acme signed a $40 billion cloud contract with Cobalt Cloud.", [("acme", "cobalt", 40 * B, 40 * B)]),
    # a lender pays the borrower, whichever is the subject
    ("Dynamo Capital lent Acme $5 billion.", [("dynamo", "acme", 5 * B, 5 * B)]),
    ("Acme took a $5 billion loan from Dynamo Capital.", [("dynamo", "acme", 5 * B, 5 * B)]),
    ("艾克米向迪纳摩资本借款50亿美元。", [("dynamo", "acme", 5 * B, 5 * B)]),
    ("迪纳摩资本向艾克米提供50亿美元贷款。", [("dynamo", "acme", 5 * B, 5 * B)]),
    # the seller as subject, the buyer as object
    ("Borealis will supply Acme with chips worth $9 billion.", [("acme", "borealis", 9 * B, 9 * B)]),
    ("Acme is buying $9 billion of chips from Borealis.", [("acme", "borealis", 9 * B, 9 * B)]),
    ("博瑞斯向艾克米供应价值90亿美元的芯片。", [("acme", "borealis", 9 * B, 9 * B)]),
    ("鈷雲拿下艾克米300億美元的算力大單。", [("acme", "cobalt", 30 * B, 30 * B)]),
    # rounds
    ("Dynamo Capital led a $6 billion round in Acme.", [("dynamo", "acme", 6 * B, 6 * B)]),
    ("艾克米获得迪纳摩资本领投的60亿美元融资。", [("dynamo", "acme", 6 * B, 6 * B)]),
    # "the deal" in the next sentence takes the parties the sentence before named
    ("Acme signed a five-year cloud contract with Cobalt Cloud. The deal is worth $40 billion.",
     [("acme", "cobalt", 40 * B, 40 * B)]),
    ("艾克米與鈷雲簽署了一份五年期的算力合約。這份合同價值400億美元。", [("acme", "cobalt", 40 * B, 40 * B)]),
    # §4 a contract's yearly revenue to the seller is the buyer's yearly payment
    ("艾克米与钴云签署了算力合同。钴云表示,该合同每年将带来超过300亿美元的收入。", [("acme", "cobalt", 30 * B, None)]),
    ("Acme signed a cloud contract with Cobalt Cloud. The contract will bring in more than $30 billion in revenue a "
     "year.", [("acme", "cobalt", 30 * B, None)]),
    ("Cobalt Cloud's revenue rose to $30 billion a year.", []),
    # backlog owed by a named customer is a claim; a backlog with no customer is not
    ("钴云来自艾克米的剩余履约义务升至500亿美元。", [("acme", "cobalt", 50 * B, 50 * B)]),
    ("Cobalt Cloud's backlog from Acme rose to $50 billion.", [("acme", "cobalt", 50 * B, 50 * B)]),
    ("Cobalt Cloud's remaining performance obligations rose to $455 billion.", []),
    # "the $N investment" refers to the deal named just before; a headline's firm is not every figure's payer
    ("Acme invests in Borealis\nThe $5 billion investment will be paid in two tranches. Dynamo Capital's market "
     "value rose by $40 billion.", [("acme", "borealis", 5 * B, 5 * B)]),
    ("艾克米宣布入股博瑞斯。這筆50億美元的投資將分兩期支付。", [("acme", "borealis", 5 * B, 5 * B)]),
    ("Acme's big week\nThe company invested $2 billion in Borealis. Dynamo Capital lent $5 billion to Cobalt Cloud. "
     "It also committed $1 billion.", [("acme", "borealis", 2 * B, 2 * B), ("dynamo", "cobalt", 5 * B, 5 * B)]),
    # §3 intervals
    ("Acme will invest about $7 billion in Borealis.", [("acme", "borealis", 6.3 * B, 7.7 * B)]),
    ("艾克米将向博瑞斯投资超过30亿美元。", [("acme", "borealis", 3 * B, None)]),
    ("艾克米將向博瑞斯投資最高可達40億美元。", [("acme", "borealis", 0.0, 4 * B)]),
    # §5 hard negatives: no deal at all
    ("Acme's market value rose by $170 billion.", []),
    ("艾克米創辦人身價達1300億美元。", []),
    ("艾克米市值突破5兆美元。", []),
    ("Borealis granted Acme warrants at $0.01 a share, vesting up to a $600 target.", []),
    ("迪納摩資本以每股價格為23.28美元買進艾克米股票。", []),
    ("艾克米的估值达到3000亿美元。", []),
    # §6 denials
    ('"It was never a commitment," the Acme chief said of the $100 billion invested in Borealis.', []),
    ("艾克米執行長表示，我們從來沒有說要向博瑞斯投資1000億美元。", []),
    # §7 several parties: one claim per party when each amount is given, one aggregate otherwise
    ("Acme and Dynamo Capital will invest up to $15 billion in Borealis.",
     [("acme+dynamo", "borealis", 0.0, 15 * B)]),
    ("艾克米和迪纳摩资本将向博瑞斯投资150亿美元。", [("acme+dynamo", "borealis", 15 * B, 15 * B)]),
    ("艾克米與迪納摩資本宣布，將向博瑞斯投資高達150億美元。艾克米承諾投入最多100億美元，而迪納摩資本則計劃注資50億美元。",
     [("acme+dynamo", "borealis", 0.0, 15 * B), ("acme", "borealis", 0.0, 10 * B),
      ("dynamo", "borealis", 5 * B, 5 * B)]),
    # a round's total has no payer; a lone investor of the round invests in the firm raising it
    ("博瑞斯宣布完成50億美元融資。艾克米此次投資金額不超過20億美元。", [("acme", "borealis", 0.0, 2 * B)]),
    # a tranche of the investment told just before
    ("迪纳摩资本承诺向艾克米投资300亿美元。随后,迪纳摩资本支付了首笔75亿美元。",
     [("dynamo", "acme", 30 * B, 30 * B), ("dynamo", "acme", 7.5 * B, 7.5 * B)]),
    # the counterparty named in the next clause
    ("艾克米宣布了一项价值380亿美元的交易,将从钴云购买云服务。", [("acme", "cobalt", 38 * B, 38 * B)]),
    ("对艾克米的400亿美元投资是今年2月敲定的,迪纳摩资本计划分批投入资金。", [("dynamo", "acme", 40 * B, 40 * B)]),
    # a firm named as another's rival is not a party
    ("迪纳摩资本将向艾克米的竞争对手博瑞斯投资20亿美元。", [("dynamo", "borealis", 2 * B, 2 * B)]),
    ("迪纳摩资本此前已向艾克米竞争对手博瑞斯投入至少20亿美元。", [("dynamo", "borealis", 2 * B, None)]),
    # session 3 (issue 13, tuned on dev and dev2 only): a deal "valued at" is a deal's value, not a valuation
    ("Acme signed a five-year agreement with Cobalt Cloud for GPU capacity valued at $17 billion.",
     [("acme", "cobalt", 17 * B, 17 * B)]),
    ("Borealis, a startup valued at $5 billion, said it is hiring.", []),
    ("The agreement, valued at $30 billion, commits Acme to purchase cloud services from Cobalt Cloud.",
     [("acme", "cobalt", 30 * B, 30 * B)]),
    ("Acme signed an agreement with Cobalt Cloud to provide GPU infrastructure for $9 billion.",
     [("acme", "cobalt", 9 * B, 9 * B)]),
    # a described counterparty after 與/with is the object; a raise with no lender named is no deal
    ("艾克米已與雲端營運商鈷雲簽署一份價值高達97億美元的合約。", [("acme", "cobalt", 0.0, 9.7 * B)]),
    ("Borealis said it would raise $2 billion in debt to fund the Acme contract.", []),
    # a joint venture's total between its partners is no payment between them
    ("艾克米与迪纳摩资本成立合资企业,计划筹集约270亿美元。", []),
    # figures spelled out, and "$10B+"
    ("Acme agreed to purchase three hundred billion dollars worth of compute from Cobalt Cloud.",
     [("acme", "cobalt", 300 * B, 300 * B)]),
    ("Acme signed a $10B+ cloud contract with Cobalt Cloud.", [("acme", "cobalt", 10 * B, None)]),
    # "the contract" with one party named takes that party's earlier deal; a later condition cuts only its clause
    ("Acme signed a deal worth up to $20 billion with Cobalt Cloud. Rival Borealis rose 5%. Cobalt Cloud said the "
     "contract was worth $17 billion, but that it could grow if Acme asks.",
     [("acme", "cobalt", 0.0, 20 * B), ("acme", "cobalt", 17 * B, 17 * B)]),
    ("If Acme had invested $5 billion in Borealis, it would be rich.", []),
    # a person named as a founder is not a party
    ("迪納摩資本向2015年由馬斯克（Elon Musk）等人創立的艾克米投資 10億美元。", [("dynamo", "acme", 1 * B, 1 * B)]),
    # 如果算上 counts, it is no condition
    ("如果算上早已完成的投资,迪纳摩资本对艾克米的投资总额达到410亿美元。", [("dynamo", "acme", 41 * B, 41 * B)]),
])
def test_guideline_examples(text: str, expected: list[tuple[str, str, float | None, float | None]]) -> None:
    got = usd_deals(text)
    assert len(got) == len(expected), got
    for (p, q, lo, hi), (gp, gq, glo, ghi) in zip(expected, got, strict=True):
        assert (gp, gq) == (p, q)
        assert glo == pytest.approx(lo)
        assert (ghi is None) == (hi is None)
        if hi is not None:
            assert ghi == pytest.approx(hi)


def test_group_payer_lists_its_members() -> None:
    claims = ingest_text("Acme and Dynamo Capital will invest up to $15 billion in Borealis.", index=INDEX)
    deal = next(c for c in claims if c["kind"] == "deal")
    assert deal["from"]["members"] == ["acme", "dynamo"]
    text = "Acme and Dynamo Capital will invest up to $15 billion in Borealis."
    s, e = deal["spans"]["amount"]
    assert text[s:e] == "up to $15 billion"
