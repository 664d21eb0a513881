"""Chinese deal sentences read by structure (issue 13, session 5): lists, 分別/各, glued names, bounds.

Table-driven: every sentence was written for these tests with made-up firms (Longhua 龍華/龙华, Tiancheng 天成,
Acme, Quix, Zentrix 贊特/赞特, Dynamo 迪納摩/迪纳摩), in both scripts, given to the extractor as extra gazetteer
entries (Quix is in no list: it is found by where it stands). Each row states by hand the USD deal claims a reader
finds: (payer, payee, low, high) in USD.
"""

from __future__ import annotations

import pytest

from dealweb.extract.gazetteer import GazEntry
from dealweb.extract.mentions import EntityIndex
from usd_claims import usd_deal_set

FIRMS = (
    GazEntry("longhua", "company", "Longhua", "龍華", "龙华"),
    GazEntry("tiancheng", "company", "Tiancheng", "天成", "天成"),
    GazEntry("acme", "company", "Acme"),
    GazEntry("zentrix", "company", "Zentrix", "贊特", "赞特"),
    GazEntry("dynamo", "company", "Dynamo", "迪納摩", "迪纳摩"),
    GazEntry("borealis", "company", "Borealis", "博瑞斯", "博瑞斯", sells=frozenset({"chip_purchase"})),
)
INDEX = EntityIndex(extra=FIRMS)
B = 1e9
OPEN_60 = {("longhua", "acme", 60 * B, None)}  # 600億美元至逾1000億美元: from 600億, no upper bound
ABOUT_19 = {("longhua", "tiancheng", 1_710_000_000, 2_090_000_000)}  # 約19億美元: [0.9x, 1.1x], by hand


def usd_deals(text: str) -> set[tuple[str, str, float, float | None]]:
    """(payer, payee, usd_low, usd_high) of every USD deal claim proposed for ``text``."""
    return usd_deal_set(text, INDEX)


CASES = [
    # one investor, a list of investees each with its figure: every figure is the investor's
    ("龍華今年的投資還包括：入股Acme10億美元，投資天成50億美元，投資迪納摩 100億美元。",
     {("longhua", "acme", 1 * B, 1 * B), ("longhua", "tiancheng", 5 * B, 5 * B),
      ("longhua", "dynamo", 10 * B, 10 * B)}),
    ("龙华今年的投资还包括:入股Acme10亿美元,投资天成50亿美元,投资迪纳摩 100亿美元。",
     {("longhua", "acme", 1 * B, 1 * B), ("longhua", "tiancheng", 5 * B, 5 * B),
      ("longhua", "dynamo", 10 * B, 10 * B)}),
    # the investor named in the sentence before; a bare item ("Zentrix（贊特）50億美元") follows a marked one
    ("龍華宣布了新的投資計畫。此外，還包括對 Acme 投資 10 億美元、Zentrix（贊特）50 億美元，"
     "以及對新創公司迪納摩投資 20 億美元。",
     {("longhua", "acme", 1 * B, 1 * B), ("longhua", "zentrix", 5 * B, 5 * B), ("longhua", "dynamo", 2 * B, 2 * B)}),
    ("龙华宣布了新的投资计划。此外,还包括对 Acme 投资 10 亿美元、Zentrix(赞特)50 亿美元。",
     {("longhua", "acme", 1 * B, 1 * B), ("longhua", "zentrix", 5 * B, 5 * B)}),
    # a firm in no list, glued to its figure, is still a firm and the figure still a figure
    ("龍華今年的投資包括：入股Quix10億美元，投資天成50億美元。",
     {("longhua", "quix", 1 * B, 1 * B), ("longhua", "tiancheng", 5 * B, 5 * B)}),
    # 分別 with the object run: one payer, the n-th investee with the n-th figure
    ("龍華今年向Acme和天成分別投資10億美元和20億美元。",
     {("longhua", "acme", 1 * B, 1 * B), ("longhua", "tiancheng", 2 * B, 2 * B)}),
    ("龙华今年向Acme和天成分别投资10亿美元和20亿美元。",
     {("longhua", "acme", 1 * B, 1 * B), ("longhua", "tiancheng", 2 * B, 2 * B)}),
    # 分別 with the payer run: the n-th investor with the n-th figure
    ("龍華和天成分別向Acme投資10億美元和20億美元。",
     {("longhua", "acme", 1 * B, 1 * B), ("tiancheng", "acme", 2 * B, 2 * B)}),
    ("龙华和天成分别向Acme投资10亿美元和20亿美元。",
     {("longhua", "acme", 1 * B, 1 * B), ("tiancheng", "acme", 2 * B, 2 * B)}),
    # 各 with the object run: the one payer pays each investee the figure
    ("龍華向Acme和天成各注資30億美元。", {("longhua", "acme", 3 * B, 3 * B), ("longhua", "tiancheng", 3 * B, 3 * B)}),
    ("龙华向Acme和天成各注资30亿美元。", {("longhua", "acme", 3 * B, 3 * B), ("longhua", "tiancheng", 3 * B, 3 * B)}),
    # 各 with the payer run: every investor pays the figure
    ("龍華與天成各投資Acme 30億美元。", {("longhua", "acme", 3 * B, 3 * B), ("tiancheng", "acme", 3 * B, 3 * B)}),
    # a hedge right before the payer's own payment verb: a reported deal, hedge kept
    ("龍華可能以200億美元現金收購Acme。", {("longhua", "acme", 20 * B, 20 * B)}),
    ("龙华可能以200亿美元现金收购Acme。", {("longhua", "acme", 20 * B, 20 * B)}),
    # a supposition about a figure is not a deal (no buyer of the debt either)
    ("分析師估計，龍華可能需要發行約650億美元的債務。", set()),
    # the revenue a deal brings its seller is the buyer's payment; 與X的交易 names the buyer
    ("天成執行長表示，此次與龍華的交易每年將產生約19億美元的收入。", ABOUT_19),
    ("天成执行长表示,此次与龙华的交易每年将产生约19亿美元的收入。", ABOUT_19),
    # ... or who sells is who usually sells that kind of deal (博瑞斯 sells chips)
    ("博瑞斯與龍華達成協議，將向其供應晶片，預計帶來270億美元收入。", {("longhua", "borealis", 27 * B, 27 * B)}),
    ("博瑞斯与龙华达成协议,将向其供应芯片,预计带来270亿美元收入。", {("longhua", "borealis", 27 * B, 27 * B)}),
    # hard negatives: a cash pile, assets under management, sale proceeds, a warrant's value (guideline §5, §2)
    ("龍華帳上現金超過600億美元，正加速投資新創。", set()),
    ("龙华账上现金超过600亿美元,正加速投资新创。", set()),
    ("龙华正就收购天成进行谈判，旨在获取其管理的超千亿美元数据中心资产。", set()),
    ("龍華正就收購天成進行談判，旨在獲取其管理的超千億美元資料中心資產。", set()),
    ("龍華清空所持天成全部股份（套現約58億美元）。", set()),
    ("龙华清空所持天成全部股份(套现约58亿美元)。", set()),
    ("龙华将授予天成价值约50亿美元的认股权证。", set()),
    ("龍華將授予天成價值約50億美元的認股權證。", set()),
    # the subject of an earlier clause carries on; a firm mentioned inside a clause ("宣布Acme投資的一週前") is not it
    ("就在宣布千億級Acme投資的一週前，龍華剛向昔日對手天成承諾50億美元注資，此前還宣布向新創公司迪納摩投資5億美元。",
     {("longhua", "tiancheng", 5 * B, 5 * B), ("longhua", "dynamo", 0.5 * B, 0.5 * B)}),
    ("就在宣布千亿级Acme投资的一周前,龙华刚向昔日对手天成承诺50亿美元注资,此前还宣布向初创公司迪纳摩投资5亿美元。",
     {("longhua", "tiancheng", 5 * B, 5 * B), ("longhua", "dynamo", 0.5 * B, 0.5 * B)}),
    # the investee marked (對X…投資) in a later clause with no figure of its own
    ("有知情人士透露，龍華計劃投資200億美元，這將是龍華對Acme有史以來規模最大的單筆投資。",
     {("longhua", "acme", 20 * B, 20 * B)}),
    ("有知情人士透露,龙华计划投资200亿美元,这将是龙华对Acme有史以来规模最大的单笔投资。",
     {("longhua", "acme", 20 * B, 20 * B)}),
    # 取得 Y 的資產/股份 is buying from Y, not receiving money
    ("龍華以約200億美元的規模，取得晶片新創Acme的關鍵技術資產與核心人才。", {("longhua", "acme", 18 * B, 22 * B)}),
    ("龙华砸200亿美元现金，进行其史上最大规模的交易，取得新创Acme的部分资产。", {("longhua", "acme", 20 * B, 20 * B)}),
    # 以N的整體估值收購: the price of the whole firm is the deal's value
    ("龍華將以約40億美元的整體估值，收購美國基礎設施投資巨頭天成。", {("longhua", "tiancheng", 3.6 * B, 4.4 * B)}),
    ("龙华将以约40亿美元的整体估值,收购美国基础设施投资巨头天成。", {("longhua", "tiancheng", 3.6 * B, 4.4 * B)}),
    # a subsidiary the buyer acts through is not a party
    ("龍華透過子公司Zentrix正式完成對天成的收購，交易金額為65億美元。", {("longhua", "tiancheng", 6.5 * B, 6.5 * B)}),
    ("龙华通过子公司Zentrix正式完成对天成的收购,交易金额为65亿美元。", {("longhua", "tiancheng", 6.5 * B, 6.5 * B)}),
    # a firm in no list after X企 (礦企, 車企)
    ("龍華豪擲37億美元投資加密礦企Quix。", {("longhua", "quix", 3.7 * B, 3.7 * B)}),
    ("龙华豪掷37亿美元投资加密矿企Quix。", {("longhua", "quix", 3.7 * B, 3.7 * B)}),
    # talks broken off, a deal said not to be an acquisition, a guarantee: no claim (guideline §5, §6)
    ("龍華與Acme千億美元投資談判破局。", set()),
    ("龙华与Acme千亿美元投资谈判破局。", set()),
    ("龍華表示，本次交易並非收購天成公司本身，對砸下200億美元一事不予置評。", set()),
    ("迪納摩為Acme向天成支付的20億美元租金提供擔保。", set()),
    ("迪纳摩为Acme向天成支付的20亿美元租金提供担保。", set()),
    # buying a firm's shares pays that firm, even when the stake word comes after it
    ("龍華目前最大筆的投資計畫，是承諾以1,000億美元購買Acme股票。", {("longhua", "acme", 100 * B, 100 * B)}),
    ("龙华目前最大笔的投资计划,是承诺以1,000亿美元购买Acme股票。", {("longhua", "acme", 100 * B, 100 * B)}),
    # 轉向X尋求資金: X is asked for the money; 與X洽談，計畫籌集: X would invest
    ("在天成已經投資130億美元的情況下，Acme仍轉向龍華尋求百億美元資金。",
     {("tiancheng", "acme", 13 * B, 13 * B), ("longhua", "acme", 10 * B, 10 * B)}),
    ("Acme正與龍華展開洽談談判，計畫籌集高達100億美元的額外資金。", {("longhua", "acme", 0.0, 10 * B)}),
    ("Acme正与龙华展开洽谈谈判,计划筹集高达100亿美元的额外资金。", {("longhua", "acme", 0.0, 10 * B)}),
    # 投向X的N: X is paid; the payer is the firm the text is about
    ("龍華宣布向天成投資30億美元。相比之下，投向迪納摩的10億美元就少得多。",
     {("longhua", "tiancheng", 3 * B, 3 * B), ("longhua", "dynamo", 1 * B, 1 * B)}),
    # the last tranche of the investment told earlier in the sentence
    ("龍華已兌現對Acme投資400億美元的承諾，在上週支付最後一筆220億美元至225億美元。",
     {("longhua", "acme", 40 * B, 40 * B), ("longhua", "acme", 22 * B, 22.5 * B)}),
    # a headline's two clauses split by a space: the round's investor pays the raiser
    ("Acme完成1100亿美元融资 龙华承诺出资500亿美元", {("longhua", "acme", 50 * B, 50 * B)}),
    # an order received from X: X pays
    ("Acme還獲得了天成超過2億美元的訂單。", {("tiancheng", "acme", 0.2 * B, None)}),
    ("Acme还获得了天成超过2亿美元的订单。", {("tiancheng", "acme", 0.2 * B, None)}),
    # the contract's revenue to the firm that signed with X: X pays
    ("天成已與基礎設施提供商Acme簽署了為期10年的租賃協議，合同收入總額約37億美元。",
     {("acme", "tiancheng", 3.33 * B, 4.07 * B)}),
    # sale proceeds (回籠資金) are not a deal
    ("龍華已出售所持天成全部股份，回籠資金約58億美元。", set()),
    ("龙华已出售所持天成全部股份,回笼资金约58亿美元。", set()),
    # a Chinese name glossed by a Latin one (or the other way round) names that firm in the whole article
    ("星火科技（Sparkle）是一家新創。龍華向星火科技注資10億美元。", {("longhua", "sparkle", 1 * B, 1 * B)}),
    ("星火科技(Sparkle)是一家初创。龙华向星火科技注资10亿美元。", {("longhua", "sparkle", 1 * B, 1 * B)}),
    ("Acme（艾可美）成立於2020年。龍華向艾可美注資10億美元。", {("longhua", "acme", 1 * B, 1 * B)}),
    ("Acme(艾可美)成立于2020年。龙华向艾可美注资10亿美元。", {("longhua", "acme", 1 * B, 1 * B)}),
    # a known firm's own abbreviation in parentheses is that firm, not a new one
    ("龍華集團（LHG）宣布向Acme投資10億美元。", {("longhua", "acme", 1 * B, 1 * B)}),
    # a range whose upper end has its own bound: [600億, open)
    ("龍華與Acme達成一項晶片採購協議，交易總價值預計在600億美元至逾1000億美元之間。", OPEN_60),
    ("龙华与Acme达成一项芯片采购协议,交易总价值预计在600亿美元至逾1000亿美元之间。", OPEN_60),
    # another currency with its US dollars stated: the dollars are the claim's figure
    ("龍華向Acme投入5億英鎊（約6.677億美元）。", {("longhua", "acme", 0.9 * 667_700_000, 1.1 * 667_700_000)}),
    ("龙华向Acme投入5亿英镑(约6.677亿美元)。", {("longhua", "acme", 0.9 * 667_700_000, 1.1 * 667_700_000)}),
    # a payee named in an earlier sentence and described here (這家新創, 該公司)
    ("Acme是一家AI新創。龍華將向這家新創投資20億美元。", {("longhua", "acme", 2 * B, 2 * B)}),
    ("Acme是一家AI新创。龙华将向这家新创投资20亿美元。", {("longhua", "acme", 2 * B, 2 * B)}),
    ("Acme宣布完成新一輪融資。該公司獲得龍華50億美元投資。", {("longhua", "acme", 5 * B, 5 * B)}),
    # money into a venture named nowhere as a party: not a payment to the other partner
    ("龍華與天成成立合資公司星河科技，龍華向合資公司注資30億美元。", set()),
    ("龙华与天成成立合资公司星河科技,龙华向合资公司注资30亿美元。", set()),
    # vague amounts (guideline §3): 數百億 [20B, 90B], 數十億 [2B, 9B]
    ("龍華將向Acme投資數百億美元。", {("longhua", "acme", 20 * B, 90 * B)}),
    ("龙华将向Acme投资数十亿美元。", {("longhua", "acme", 2 * B, 9 * B)}),
    # per-year figures are claims of the pair (kind per_year)
    ("龍華與博瑞斯簽署晶片採購協議，平均每年600億美元。", {("longhua", "borealis", 60 * B, 60 * B)}),
    ("龙华与博瑞斯签署芯片采购协议,每年超过300亿美元。", {("longhua", "borealis", 30 * B, None)}),
    # a partner named by 與 and "together" (共同/聯合): the two pay the firm after the figure as one group
    ("龍華近期宣佈與天成共同投資10億美元到天成旗下Quix Energy。", {("longhua+tiancheng", "quix-energy", 1 * B, 1 * B)}),
    ("龙华近期宣布与天成集团(代号:99)联合向Acme投资10亿美元。", {("longhua+tiancheng", "acme", 1 * B, 1 * B)}),
    # 各自…注入, 各投資…支持X: every firm of the run pays X the figure
    ("龍華和天成將各自向Acme注入5億美元。",
     {("longhua", "acme", 0.5 * B, 0.5 * B), ("tiancheng", "acme", 0.5 * B, 0.5 * B)}),
    ("龙华和天成将各投资5亿美元支持Acme作为数据中心开发商。",
     {("longhua", "acme", 0.5 * B, 0.5 * B), ("tiancheng", "acme", 0.5 * B, 0.5 * B)}),
    # a backlog's share from a named customer (N來自X): the customer's commitment to the seller in view
    ("天成公布財報。分析師認為該公司高達4550億美元的未履約收入（RPO）中，有3000億美元來自Acme。",
     {("acme", "tiancheng", 300 * B, 300 * B)}),
    # denied in the sentence: not acquired, no such deal, not binding
    ("龍華執行長說，龍華並未收購Acme，對200億美元交易不予置評。", set()),
    ("知情人士透露，龍華以200億美元收購Acme的交易目前並不存在。", set()),
    ("报道指出，这项千亿美元的投资承诺并非具有约束力的最终协议。", set()),
    # a citation mark before Chinese text ends the sentence: the next item's firm is not this figure's party
    ("龍華宣布下一財年將投入1000億美元建設資料中心 [6] Acme公司業務與戰略。", set()),
    # 至多, 上看: upper bounds
    ("龍華將在新系統落地過程中向Acme投資至多1000億美元。", {("longhua", "acme", 0.0, 100 * B)}),
    ("龙华将向Acme投资上看500亿美元。", {("longhua", "acme", 0.0, 50 * B)}),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_chinese_deal_structures(text: str, expected: set[tuple[str, str, float, float | None]]) -> None:
    assert usd_deals(text) == {(p, q, round(lo), None if hi is None else round(hi)) for p, q, lo, hi in expected}


# Session 6: mechanisms a reader states in one sentence, each in both scripts. The firms are made up; what each
# usually sells is given as the gazetteer gives it for real firms (a cloud sells compute and leases, a landlord of
# data centres leases, an AI lab sells its shares: it is the one that raises money).
FIRMS6 = (
    *FIRMS,
    GazEntry("cobalt", "company", "Cobalt Cloud", "鈷雲", "钴云",
             sells=frozenset({"compute_contract", "lease", "data_hosting"})),
    GazEntry("terra", "company", "Terra Racks", "泰拉", "泰拉", sells=frozenset({"lease", "data_hosting"})),
    GazEntry("nova", "company", "Nova Labs", "諾瓦", "诺瓦", sells=frozenset({"equity_investment"})),
    GazEntry("orbit-dc", "company", "Orbital Data Centers", sells=frozenset({"lease", "data_hosting"})),
)
INDEX6 = EntityIndex(extra=FIRMS6)


def usd_deals6(text: str) -> set[tuple[str, str, float, float | None]]:
    """(payer, payee, usd_low, usd_high) of every USD deal claim, read with the session-6 firms."""
    return usd_deal_set(text, INDEX6)


CASES6 = [
    # talks about an investment with no direction word: the firm that raises money is the investee
    ("龍華正與諾瓦就一項潛在超100億美元的投資協議進行談判。", {("longhua", "nova", 10 * B, None)}),
    ("诺瓦正与科技巨头龙华就一项潜在超100亿美元的投资协议进行深入谈判。", {("longhua", "nova", 10 * B, None)}),
    # ... but a direction word, when there is one, decides
    ("諾瓦向龍華投資20億美元。", {("nova", "longhua", 2 * B, 2 * B)}),
    # a firm described as an energy company sells its power, even to a cloud
    ("鈷雲與能源巨頭龍華簽署了一份價值100億美元的協議。", {("cobalt", "longhua", 10 * B, 10 * B)}),
    ("钴云与能源巨头龙华签署了一份价值100亿美元的协议。", {("cobalt", "longhua", 10 * B, 10 * B)}),
    # a cloud and a landlord of data centres in a lease: the landlord lets the space
    ("泰拉與鈷雲簽署為期15年、價值55億美元的租賃協議。", {("cobalt", "terra", 5.5 * B, 5.5 * B)}),
    ("泰拉与钴云签署为期15年、价值55亿美元的租赁协议。", {("cobalt", "terra", 5.5 * B, 5.5 * B)}),
    # what a plant costs is not a payment between the firms that finance it
    ("龍華去年與天成合作，為愛爾蘭一座110億美元晶片工廠融資。", set()),
    ("龙华去年与天成合作,为爱尔兰一座110亿美元芯片工厂融资。", set()),
    # a deal voted down moves no money
    ("天成股東否決了龍華以90億美元收購天成的提議。", set()),
    ("天成股东否决了龙华以90亿美元收购天成的提议。", set()),
    # a figure that is the means (以N資金) of the next clause's verb: the price of what is bought there
    ("龍華29日同意以40億美元資金，收購資料中心投資公司天成。", {("longhua", "tiancheng", 4 * B, 4 * B)}),
    ("龙华同意以约40亿美元的价格,买下天成。", {("longhua", "tiancheng", 3.6 * B, 4.4 * B)}),
    # 在X投資N後: the time told by what X did; X is the investor
    ("諾瓦上週才剛在龍華追加投資40億美元後，宣布將採用龍華的晶片。", {("longhua", "nova", 4 * B, 4 * B)}),
    ("诺瓦上周才刚在龙华追加投资40亿美元后,宣布将采用龙华的芯片。", {("longhua", "nova", 4 * B, 4 * B)}),
    # 由Y供給: Y supplies what the buyer ordered; a ceiling in parentheses is a claim of its own
    ("龍華5年期基礎設施大單：總額174億美元（按需可增至194億美元），由鈷雲位於新澤西的新資料中心供給。",
     {("longhua", "cobalt", 17.4 * B, 17.4 * B), ("longhua", "cobalt", 19.4 * B, 19.4 * B)}),
    ("龙华签下5年期基础设施大单,总额174亿美元,由钴云提供。", {("longhua", "cobalt", 17.4 * B, 17.4 * B)}),
    # a clause with no subject of its own: the nearest run of firms before it pays, not the first of the sentence
    ("諾瓦完成300億美元融資。天成和迪納摩聯合領投，龍華和Acme也參與其中，投入了此前承諾的150億美元中的一部分。",
     {("acme+longhua", "nova", 15 * B, 15 * B)}),
    ("诺瓦完成300亿美元融资。天成和迪纳摩联合领投,龙华和Acme也参与其中,投入了此前承诺的150亿美元中的一部分。",
     {("acme+longhua", "nova", 15 * B, 15 * B)}),
    # assets a fund manages are no payment (guideline §5)
    ("領投方為龍華，這家管理超過 7,000 億美元資產的機構此前已投資諾瓦。", set()),
    ("领投方为龙华,这家管理超过 7,000 亿美元资产的机构此前已投资诺瓦。", set()),
    # the owner named before 旗下 only says whose firm acts
    ("消息稱，天成旗下火箭公司龍華將向諾瓦投資20億美元。", {("longhua", "nova", 2 * B, 2 * B)}),
    ("消息称,天成旗下火箭公司龙华将向诺瓦投资20亿美元。", {("longhua", "nova", 2 * B, 2 * B)}),
    # a bracketed headline section ends a clause; 輸血 (a transfusion) is money put into a firm
    ("【天成公司組團升級】龍華向諾瓦輸血20億美元", {("longhua", "nova", 2 * B, 2 * B)}),
    ("【天成公司组团升级】龙华向诺瓦输血20亿美元", {("longhua", "nova", 2 * B, 2 * B)}),
    # 入主 (taking control of a firm) is buying it
    ("龍華2022年才砸下440億美元入主天成。", {("longhua", "tiancheng", 44 * B, 44 * B)}),
    ("龙华2022年才砸下440亿美元入主天成。", {("longhua", "tiancheng", 44 * B, 44 * B)}),
    # an offer turned down, a figure corrected by the one said to pay it: no claim (guideline §6)
    ("諾瓦正式拒絕龍華領導的財團提出的974億美元收購提案。", set()),
    ("诺瓦正式拒绝龙华领导的财团提出的974亿美元收购提案。", set()),
    ("龍華傳將巨額投資諾瓦 龍華執行長澄清規模未達千億美元", set()),
    ("龙华传将巨额投资诺瓦 龙华执行长澄清规模未达千亿美元", set()),
    # another deal of the same kind, told without its parties, continues the pair told just before
    ("龍華將從鈷雲租賃1萬台伺服器，總價值13億美元。另外還達成1筆8000台伺服器租賃交易，價值達2億美元。",
     {("longhua", "cobalt", 1.3 * B, 1.3 * B), ("longhua", "cobalt", 0.2 * B, 0.2 * B)}),
    ("龙华将从钴云租赁1万台服务器,总价值13亿美元。另外还达成1笔8000台服务器租赁交易,价值达2亿美元。",
     {("longhua", "cobalt", 1.3 * B, 1.3 * B), ("longhua", "cobalt", 0.2 * B, 0.2 * B)}),
    # 該公司 is the nearest firm named before its clause, other than the one that acts
    ("在天成與諾瓦達成協議後，龍華立即宣佈向該公司投資數十億美元。", {("longhua", "nova", 2 * B, 9 * B)}),
    ("在天成与诺瓦达成协议后,龙华立即宣布向该公司投资数十亿美元。", {("longhua", "nova", 2 * B, 9 * B)}),
    # 豪賭 (a big bet on a firm) is money put into it
    ("龍華24億美元豪賭諾瓦：戰略押注資料中心未來", {("longhua", "nova", 2.4 * B, 2.4 * B)}),
    ("龙华24亿美元豪赌诺瓦:战略押注数据中心未来", {("longhua", "nova", 2.4 * B, 2.4 * B)}),
    # the parts of an investment told just before (分為三部分, the last tranche): each a claim of the same pair
    ("龍華宣布向Acme投資400億美元，將分批投入資金。據知情人士透露，投資分為三部分：約100億美元用於支持Acme的營運；"
     "約80億美元為直接股權投資；220億美元為最後一筆注資。",
     {("longhua", "acme", 40 * B, 40 * B), ("longhua", "acme", 9 * B, 11 * B), ("longhua", "acme", 7.2 * B, 8.8 * B),
      ("longhua", "acme", 22 * B, 22 * B)}),
    ("龙华宣布向Acme投资400亿美元,将分批投入资金。据知情人士透露,投资分为三部分:约100亿美元用于支持Acme的运营;"
     "约80亿美元为直接股权投资;220亿美元为最后一笔注资。",
     {("longhua", "acme", 40 * B, 40 * B), ("longhua", "acme", 9 * B, 11 * B), ("longhua", "acme", 7.2 * B, 8.8 * B),
      ("longhua", "acme", 22 * B, 22 * B)}),
    # a consortium named by its members (由A、B和C等組建的財團; X與A、B合作收購): they pay together
    ("由龍華、天成和迪納摩等聯合組建的投資財團，將以約400億美元的價格收購資料中心營運商諾瓦。",
     {("dynamo+longhua+tiancheng", "nova", 36 * B, 44 * B)}),
    ("由龙华、天成和迪纳摩等联合组建的投资财团,将以约400亿美元的价格收购数据中心运营商诺瓦。",
     {("dynamo+longhua+tiancheng", "nova", 36 * B, 44 * B)}),
    ("鈷雲股價大漲。消息顯示其與龍華(LH)、天成正合作洽談收購諾瓦，交易規模約400億美元。",
     {("cobalt+longhua+tiancheng", "nova", 36 * B, 44 * B)}),
    ("钴云股价大涨。消息显示其与龙华(LH)、天成正合作洽谈收购诺瓦,交易规模约400亿美元。",
     {("cobalt+longhua+tiancheng", "nova", 36 * B, 44 * B)}),
    # a firm named by the first word of a known firm's longer name is that firm
    ("龍華將以20億美元收購資料中心營運商Orbital。", {("longhua", "orbit-dc", 2 * B, 2 * B)}),
    ("龙华将以20亿美元收购数据中心运营商Orbital。", {("longhua", "orbit-dc", 2 * B, 2 * B)}),
    # spending with no payee: firms named only generically, a unit price and an estimate's cost, firms that lead a
    # total or each spend their own (guideline §5)
    ("龍華與天成達成協議。對天成而言，這筆投資恰逢大型科技公司競相斥資數十億美元建設資料中心之際。", set()),
    ("龙华与天成达成协议。对天成而言,这笔投资恰逢大型科技公司竞相斥资数十亿美元建设数据中心之际。", set()),
    ("報導引述分析師估計指出，博瑞斯的晶片平均每顆售價16,061美元，意味100萬顆晶片將耗資超過160億美元，龍華正在採購。",
     set()),
    ("报道引述分析师估计指出,博瑞斯的芯片平均每颗售价16,061美元,意味100万颗芯片将耗资超过160亿美元,龙华正在采购。",
     set()),
    ("【龍華與天成領跑 帶動資料中心租賃承諾突破8500億美元】龍華和天成在各自最近的財季中，分別承諾了數百億美元的支出。",
     set()),
    ("【龙华与天成领跑 带动数据中心租赁承诺突破8500亿美元】龙华和天成在各自最近的财季中,分别承诺了数百亿美元的支出。",
     set()),
    # a clause that goes on with the same subject (又再出資…投資Y) names the object both figures share
    ("龍華之前曾透過銀行聯貸方式提供100億美元資金，又再出資80億美元投資諾瓦。",
     {("longhua", "nova", 10 * B, 10 * B), ("longhua", "nova", 8 * B, 8 * B)}),
    ("龙华之前曾通过银行联贷方式提供100亿美元资金,又再出资80亿美元投资诺瓦。",
     {("longhua", "nova", 10 * B, 10 * B), ("longhua", "nova", 8 * B, 8 * B)}),
    # an enumerated item with no subject of its own: the firm the text is about; 力挺 (backing) is money put in
    ("龍華執行長接連拋出兩枚震撼彈：一是對天成注資50億美元；二是豪擲1,000億美元力挺諾瓦。",
     {("longhua", "tiancheng", 5 * B, 5 * B), ("longhua", "nova", 100 * B, 100 * B)}),
    ("龙华执行长接连抛出两枚震撼弹:一是对天成注资50亿美元;二是豪掷1,000亿美元力挺诺瓦。",
     {("longhua", "tiancheng", 5 * B, 5 * B), ("longhua", "nova", 100 * B, 100 * B)}),
    # the firm right after 租/採購 with its goods is the seller
    ("龍華簽數十億美元協議 租鈷雲晶片開發AI模型", {("longhua", "cobalt", 2 * B, 9 * B)}),
    ("龙华签数十亿美元协议 租钴云芯片开发AI模型", {("longhua", "cobalt", 2 * B, 9 * B)}),
    # ... but a figure that opens a sentence about money elsewhere is not a part of it
    ("龍華宣布向Acme投資400億美元。約80億美元為天成的研發預算。", {("longhua", "acme", 40 * B, 40 * B)}),
]


@pytest.mark.parametrize(("text", "expected"), CASES6)
def test_chinese_session6_mechanisms(text: str, expected: set[tuple[str, str, float, float | None]]) -> None:
    assert usd_deals6(text) == {(p, q, round(lo), None if hi is None else round(hi)) for p, q, lo, hi in expected}
