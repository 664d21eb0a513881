"""Relations: which figures are deals (who pays whom, which type) and which are facts about one entity.

The rules read one sentence at a time, and inside it one clause at a time (clauses end at , ， : ： and the
sentence's own end). For every amount they decide, from the cue words nearest to it:

* a **fact** when a metric cue is at hand (营收/revenue, RPO/剩余履约义务, 资本支出/capex, 市值/market cap,
  估值/valuation, 每股收益/EPS, 股价 + 涨/跌, 持股/stake...): the entity is the nearest one before the figure
  in the sentence, else the sentence's subject, else the previous sentence's subject;
* a **deal** when a deal cue is at hand and two entities can be placed around it: the type from the cue
  (table :data:`TYPE_CUES`), the direction from the sentence's structure: ``X 向/对/给 Y <cue>`` and
  ``X <cue> Y`` make X the payer; receiving words (获得, received, from) and providing words (提供,
  supply, sell) turn it round; a symmetric ``X 与 Y 签署`` is oriented by who usually sells that type
  (:attr:`GazEntry.sells`).

One sentence can hold several deals (the chain "OpenAI 投资 Oracle...; Oracle 投资辉达...; 辉达投资 OpenAI"):
each clause is read on its own, and a clause with no subject takes the previous clause's. A capacity
(GW) in the same sentence as a deal between the same parties is attached to it as ``capacity_gw``. The
known limits are listed in ``docs/extraction.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dealweb.extract.mentions import (
    AmountMention,
    EntityIndex,
    EntityMention,
    PeriodMention,
    iter_sentences,
)
from dealweb.extract.normalise import NormText
from dealweb.money import Amount

__all__ = ["FACT_CUES", "TYPE_CUES", "Proposal", "propose"]


@dataclass
class Proposal:
    """A proposed claim with spans in the *normalised* text (the caller maps them to the original).

    ``spans`` maps each field (``from``, ``to``, ``type``, ``amount``, ``capacity_gw``, ``entity``,
    ``metric``, ``value``, ``period``) to ``(start, end)`` in :attr:`NormText.text`.
    """

    kind: str
    sentence: tuple[int, int]
    confidence: float
    payer: EntityMention | None = None
    payee: EntityMention | None = None
    type: str | None = None
    amount: Amount | None = None
    capacity_gw: float | None = None
    quantity: Amount | None = None
    entity: EntityMention | None = None
    metric: str | None = None
    value: Amount | None = None
    period: str | None = None
    flag: str | None = None
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)


def _cues(words: str) -> list[str]:
    return [w for w in words.split("|") if w]


#: Deal-type cue words (folded: Simplified, lower case), by the category they signal.
TYPE_CUES: dict[str, list[str]] = {
    "warrant": _cues("认股权证|认股权|warrants|warrant"),
    "custom_chip_partnership": _cues("定制芯片|定制晶片|定制化芯片|深度定制|定製晶片|custom chips|custom chip|"
                                     "custom accelerators|custom accelerator|asic"),
    "joint_venture": _cues("共同投资|共同出资|合资|joint venture|jointly invest|co-invest"),
    "chip_words": _cues("芯片|晶片|gpu|显卡|显示卡|加速器|instinct|gb200|h100|h200|blackwell|chips|chip|"
                        "accelerators|运算系统|计算系统|superchips"),
    "compute_words": _cues("云端运算|云计算|云端|云服务|算力|计算能力|运算能力|计算资源|云合同|cloud computing|"
                           "cloud services|cloud contract|compute capacity|computing power|compute|cloud|"
                           "运算服务"),
    "buy": _cues("购买|采购|订购|购入|买|订单|部署|order|orders|buy|buys|bought|purchase|purchases|purchased|"
                 "deploy|deploys|spend|spends|pay|pays|paid|支付|付钱|花"),
    "contract": _cues("合同|合约|协议|协定|签署|签下|签订|contract|agreement|deal|signed|signs"),
    "lease": _cues("租赁|租用|承租|lease|leases|leased|rent|rents"),
    "hosting": _cues("托管|代管|hosting|colocation|host"),
    "datacentre": _cues("资料中心|数据中心|data center|data centre|data centers|data centres"),
    "debt": _cues("贷款|借款|债务融资|债务|债券|信贷|loan|loans|debt|credit facility|bonds|lend|lends|lent"),
    "stake": _cues("股份|持股|股权|收购|买下|stake|acquire|acquires|acquired|acquisition|buy out"),
    "equity": _cues("股权投资|投资|入股|注资|投入|领投|参投|invest|invests|invested|investment|equity"),
}

#: Words that make the grammatical subject the *seller* or *recipient* (the payee).
_PROVIDE = _cues("提供|供应|供货|出售|卖给|出租|租给|交付|授予|supply|supplies|provide|provides|sell|sells|"
                 "sold|deliver|delivers|rent out")
_RECEIVE = _cues("获得|获|接受|收到|拿到|得到|received|receives|receive|gets|got|raised|raises|secured|from")
_PREP = _cues("向|对|给|与|和|跟|同|with|and|to|in|into")

#: Metric cue words (folded) -> metric name. Order matters only for overlapping words (longest wins).
FACT_CUES: dict[str, str] = {
    **dict.fromkeys(_cues("剩余履约义务|未确认履约义务|履约义务|rpo|remaining performance obligations|"
                          "remaining performance obligation|backlog|合约总价值|合同总价值|未来合约总价值"), "rpo"),
    **dict.fromkeys(_cues("营收|收入|revenue|revenues|sales|销售额|营业额"), "revenue"),
    **dict.fromkeys(_cues("资本支出|资本开支|capex|capital expenditure|capital expenditures|capital spending"),
                    "capex"),
    **dict.fromkeys(_cues("市值|market cap|market capitalisation|market capitalization|market value"),
                    "market_cap"),
    **dict.fromkeys(_cues("估值|valuation|valued at"), "valuation"),
    **dict.fromkeys(_cues("每股收益|每股盈余|每股盈利|eps|earnings per share"), "eps"),
    **dict.fromkeys(_cues("营运利润|营业利润|经营利润|operating income|operating profit"), "operating_income"),
    **dict.fromkeys(_cues("净利润|净利|net income|net profit"), "net_income"),
    **dict.fromkeys(_cues("经营现金流|operating cash flow"), "operating_cash_flow"),
    **dict.fromkeys(_cues("自由现金流|free cash flow"), "free_cash_flow"),
    **dict.fromkeys(_cues("股息|dividend|dividends"), "dividend"),
    **dict.fromkeys(_cues("回购|buyback|buybacks|repurchase|repurchased"), "buyback"),
    **dict.fromkeys(_cues("资产管理规模|管理的总资产|管理资产|assets under management|aum"), "aum"),
    **dict.fromkeys(_cues("使用者|用户|users|weekly users"), "users"),
    **dict.fromkeys(_cues("市盈率|p/e|price-to-earnings|price/earnings"), "pe_forward"),
}
_GUIDANCE = _cues("预计|预期|目标|指引|将达到|将达|guidance|forecast|expects|expected|projected|target|outlook")
_CHANGE_BEFORE = _cues("增长|增加|成长|上涨|下降|下跌|减少|高出|低|增|年增|同比|环比|增速|growth|grew|increase|"
                       "increased|decrease|decreased|up|down|rose|fell|higher|lower|beat|miss")
_PRICE_MOVE = _cues("涨|跌|飙升|上扬|下挫|暴涨|大涨|收涨|跳涨|surge|surged|soared|jumped|rose|fell|dropped|"
                    "plunged|gained|climbed")
_SHARE_WORDS = _cues("股价|股票|shares|stock|share price")
_CONDITIONAL = re.compile(r"如果|假如|假设|倘若|若是|要是|\bif\b|\bwould be worth\b")
_JOKE = re.compile(r"段子|玩笑|笑话|脑筋急转弯|梗图|戏言|\bjoke\b|\bjoking\b|\bmeme\b|\bin jest\b|tongue-in-cheek")
_PRONOUN = re.compile(r"他们|它们|该公司|公司|其|\bthey\b|\bit\b|\bthe company\b|\bthe firm\b")
_PER_SHARE_BEFORE = re.compile(r"(?:每股|/股|per share|a share)\s*(?:的)?\s*$")
_PER_SHARE_AFTER = re.compile(r"^\s*(?:/股|每股|per share|a share)")
_CLAUSE_BREAK = re.compile(r"[,，:：;；]|(?<=[a-z])\s+(?:while|whereas|but)\s+")


def _pattern(words: list[str]) -> re.Pattern[str]:
    alt = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return re.compile(rf"(?<![a-z])(?:{alt})(?![a-z])")


_TYPE_RE = {k: _pattern(v) for k, v in TYPE_CUES.items()}
_FACT_RE = _pattern(list(FACT_CUES))
_GUIDE_RE = _pattern(_GUIDANCE)
_PROVIDE_RE = _pattern(_PROVIDE)
_RECEIVE_RE = _pattern(_RECEIVE)
_PREP_RE = _pattern(_PREP)
_MOVE_RE = _pattern(_PRICE_MOVE)
_SHARE_RE = _pattern(_SHARE_WORDS)
_CHANGE_RE = re.compile(
    r"(?:" + "|".join(re.escape(w) for w in sorted(_CHANGE_BEFORE, key=len, reverse=True)) + r")\s*(?:了|近|约|超过|达)?\s*$"
)
_TO_LEVEL = re.compile(r"(?:至|到|为|達|达|to|at)\s*(?:约|近|超过|高达)?\s*$")


@dataclass
class _Sentence:
    start: int
    end: int
    folded: str
    ents: list[EntityMention]
    amts: list[AmountMention]
    periods: list[PeriodMention]
    clauses: list[tuple[int, int]]


def _find(regex: re.Pattern[str], s: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    return [(m.start() + lo, m.end() + lo, m.group(0)) for m in regex.finditer(s[lo:hi])]


def _clause_of(sent: _Sentence, pos: int) -> tuple[int, int]:
    for s, e in sent.clauses:
        if s <= pos < e:
            return s, e
    return sent.start, sent.end


def _deal_type(folded: str, lo: int, hi: int, sells: set[str]) -> tuple[str, int, int] | None:
    """The deal type signalled in ``folded[lo:hi]``, with the span of the deciding cue."""
    found = {k: _find(r, folded, lo, hi) for k, r in _TYPE_RE.items()}

    def first(*keys: str) -> tuple[int, int] | None:
        hits = [h for k in keys for h in found[k]]
        return (min(h[0] for h in hits), max(h[1] for h in hits if h[0] == min(x[0] for x in hits))) if hits \
            else None

    for typ, keys in (("warrant", ("warrant",)), ("custom_chip_partnership", ("custom_chip_partnership",)),
                      ("joint_venture", ("joint_venture",))):
        sp = first(*keys)
        if sp:
            return typ, *sp
    buying = found["buy"] or found["contract"]
    if found["chip_words"] and buying:
        sp = first("chip_words")
        return "chip_purchase", *sp  # type: ignore[misc]
    if found["compute_words"] and (buying or not found["equity"]):
        sp = first("compute_words")
        return "compute_contract", *sp  # type: ignore[misc]
    if found["lease"]:
        return "lease", *first("lease")  # type: ignore[misc]
    if found["hosting"]:
        return "data_hosting", *first("hosting")  # type: ignore[misc]
    if found["debt"]:
        return "debt_financing", *first("debt")  # type: ignore[misc]
    if found["equity"] and any(h[2] in ("股权投资", "equity") for h in found["equity"]):
        return "equity_investment", *first("equity")  # type: ignore[misc]
    if found["stake"]:
        return "acquisition_stake", *first("stake")  # type: ignore[misc]
    if found["equity"]:
        return "equity_investment", *first("equity")  # type: ignore[misc]
    if found["chip_words"]:
        return "chip_purchase", *first("chip_words")  # type: ignore[misc]
    if found["datacentre"] and buying:
        return "data_hosting", *first("datacentre")  # type: ignore[misc]
    if found["contract"] and sells:
        kind = "compute_contract" if "compute_contract" in sells else "chip_purchase"
        return kind, *first("contract")  # type: ignore[misc]
    return None


def _fact_metric(sent: _Sentence, a: AmountMention, clause: tuple[int, int]) -> tuple[str, int, int] | None:
    """The metric a figure states, from the cue nearest to it in its clause (before, or just after)."""
    f = sent.folded
    unit = a.amount.unit
    cs, ce = clause
    before = f[cs:a.start]
    after = f[a.end:min(ce, a.end + 8)]
    if unit == "%":
        if _CHANGE_RE.search(before[-6:]) and not _MOVE_RE.search(before[-6:]):
            return None
        moves = _find(_MOVE_RE, f, max(cs, a.start - 12), a.start) + _find(_MOVE_RE, f, a.end, min(ce, a.end + 4))
        if moves and not re.search(r"同比|环比|年增|增速|year over year|year-on-year", before[-12:]):
            mkt = _find(_pattern(["市值", "market cap", "market value"]), f, max(cs, a.start - 12), a.start)
            m = moves[-1]
            return ("market_cap_change" if mkt else "share_price_change"), m[0], m[1]
        stake = _find(_pattern(["持股", "持有", "股份", "股权", "stake", "own", "owns", "holds"]), f, cs, ce)
        if stake:
            return "stake", stake[0][0], stake[0][1]
        return None
    if unit == "x":
        return None
    if _PER_SHARE_AFTER.search(f[a.end:a.end + 8]) and re.search(r"收于|收报|股价|closed at|share price",
                                                                   f[max(cs, a.start - 10):a.start]):
        return "share_price", a.start, a.end
    if _CHANGE_RE.search(before[-6:]) and not _TO_LEVEL.search(before[-4:]):
        return None
    # "2,500 億美元市值上漲", "1,700 億美元的上漲": a change in market value
    if re.match(r"\s*(?:的)?\s*(?:市值)?\s*(?:上涨|涨幅|增长|蒸发|下跌)", after):
        return "market_cap_change", a.end, a.end + len(after.rstrip())
    cues = _find(_FACT_RE, f, cs, a.start)
    follow = _find(_FACT_RE, f, a.end, min(ce, a.end + 6))
    if follow and re.match(r"\s*(?:的)?\s*$", f[a.end:follow[0][0]]):
        word = follow[0]
    elif cues:
        word = cues[-1]
    else:
        return None
    metric = FACT_CUES[word[2]]
    if metric in ("revenue", "capex", "rpo", "eps") and _GUIDE_RE.search(f[cs:a.start]):
        metric = f"{metric}_guidance" if metric != "rpo" else metric
    if metric == "users" and unit is not None:
        return None
    if metric not in ("users",) and unit is None and metric not in ("pe_forward",):
        return None
    return metric, word[0], word[1]


def _sentence_subject(sent: _Sentence) -> EntityMention | None:
    return sent.ents[0] if sent.ents else None


def _orient(sent: _Sentence, left: EntityMention, right: EntityMention, typ: str, index: EntityIndex,
            symmetric: bool) -> tuple[EntityMention, EntityMention]:
    """``(payer, payee)`` for a subject ``left`` and an object ``right`` of a clause whose deal is ``typ``."""
    f = sent.folded
    between = f[left.end:right.start] if left.start < right.start else ""
    if symmetric:
        ls, rs = typ in index.sells.get(left.id, ()), typ in index.sells.get(right.id, ())
        if ls and not rs:
            return right, left
        return left, right
    if typ in ("equity_investment", "acquisition_stake", "joint_venture", "debt_financing", "warrant"):
        if _RECEIVE_RE.search(between) and not re.search(r"向|对|给|\bin\b|\binto\b", between):
            return right, left
        return left, right
    if _PROVIDE_RE.search(between) or _PROVIDE_RE.search(f[right.end:min(sent.end, right.end + 6)]):
        return right, left
    if _RECEIVE_RE.search(between) and not re.search(r"向|从|\bfrom\b", between):
        return right, left
    return left, right


def _parties(sent: _Sentence, clause: tuple[int, int], cue: tuple[int, int], typ: str, index: EntityIndex,
             topic: EntityMention | None) -> tuple[EntityMention, EntityMention] | None:
    f = sent.folded
    cs, ce = clause
    in_clause = [e for e in sent.ents if cs <= e.start < ce]
    if len({e.id for e in in_clause}) < 2:
        # the clause lacks a party: the subject comes from earlier in the sentence, or from the topic
        before = [e for e in sent.ents if e.start < cs]
        subj = before[0] if before else None
        if subj is None and topic is not None and (
            _PRONOUN.search(f[sent.start:cs + 1] if cs > sent.start else f[cs:cue[0]])
            or not [e for e in sent.ents if e.start < cue[0]]
        ):
            subj = topic
        objs = [e for e in in_clause if subj is None or e.id != subj.id]
        if subj is None and len(in_clause) >= 1:
            before_all = [e for e in sent.ents if e.start < in_clause[0].start and e.id != in_clause[0].id]
            subj = before_all[0] if before_all else None
            objs = in_clause
        if subj is None or not objs:
            return None
        left, right = subj, objs[0]
        symmetric = bool(re.search(r"与|和|跟|同|\bwith\b", f[cs:cue[0]])) and not re.search(r"向|对|给", f[cs:cue[0]])
        return _orient(sent, left, right, typ, index, symmetric)
    # two or more named in the clause: a prepositional pair "X 向 Y <cue>", else subject before the cue
    ids_before = [e for e in in_clause if e.start < cue[0]]
    ids_after = [e for e in in_clause if e.start >= cue[0]]
    symmetric = False
    if len(ids_before) >= 2:
        a, b = ids_before[-2], ids_before[-1]
        if a.id == b.id:
            return None
        between = f[a.end:b.start]
        symmetric = bool(re.search(r"^\s*(?:与|和|跟|同|and|with)\s*$", between)) or bool(
            re.search(r"与|和|跟|同|\bwith\b", between)) and not re.search(r"向|对|给|\bto\b|\bin\b", between)
        if not symmetric and not _PREP_RE.search(between) and ids_after:
            a, b = ids_before[-1], ids_after[0]
        left, right = a, b
    elif ids_before and ids_after:
        left, right = ids_before[-1], next((e for e in ids_after if e.id != ids_before[-1].id), ids_after[0])
    else:
        distinct = list({e.id: e for e in in_clause}.values())
        left, right = distinct[0], distinct[1]
    if left.id == right.id:
        return None
    return _orient(sent, left, right, typ, index, symmetric)


def _sentences(norm: NormText, ents: list[EntityMention], amts: list[AmountMention],
               periods: list[PeriodMention]) -> list[_Sentence]:
    out = []
    ei = ai = pi = 0
    for s, e in iter_sentences(norm.text):
        while ei < len(ents) and ents[ei].start < s:
            ei += 1
        while ai < len(amts) and amts[ai].start < s:
            ai += 1
        while pi < len(periods) and periods[pi].start < s:
            pi += 1
        se = [x for x in ents[ei:ei + 64] if x.end <= e]
        sa = [x for x in amts[ai:ai + 64] if x.end <= e]
        sp = [x for x in periods[pi:pi + 16] if x.end <= e]
        clauses = []
        last = s
        for m in _CLAUSE_BREAK.finditer(norm.folded, s, e):
            clauses.append((last, m.end()))
            last = m.end()
        clauses.append((last, e))
        out.append(_Sentence(s, e, norm.folded, se, sa, sp, clauses))
    return out


def _near_period(sent: _Sentence, pos: int) -> PeriodMention | None:
    before = [p for p in sent.periods if p.start <= pos]
    if before:
        return before[-1]
    return sent.periods[0] if sent.periods else None


def propose(norm: NormText, ents: list[EntityMention], amts: list[AmountMention],
            periods: list[PeriodMention], index: EntityIndex) -> list[Proposal]:
    """Deal and fact proposals for a normalised text, in text order.

    Args:
        norm: the normalised text.
        ents, amts, periods: its mentions (sorted by start).
        index: the entity index (for who sells what).

    Returns:
        Proposals with spans into ``norm.text``; confidence in [0, 1] says how many rules agreed.
    """
    sents = _sentences(norm, ents, amts, periods)
    out: list[Proposal] = []
    topic: EntityMention | None = None
    line_start = -1
    joke_until = -1
    for k, sent in enumerate(sents):
        f = sent.folded
        nl = f.rfind("\n", 0, sent.start + 1)
        if nl != line_start:
            line_start, topic = nl, topic if nl == -1 else None
        if _JOKE.search(f, sent.start, sent.end):
            joke_until = sents[min(k + 1, len(sents) - 1)].end
            for p in out:
                prev = sents[k - 1] if k else sent
                if p.sentence[0] >= prev.start and p.kind == "deal":
                    p.flag = "joke"
        if sent.amts:
            out.extend(_read_sentence(sent, index, topic, joke=sent.start < joke_until))
        subj = _sentence_subject(sent)
        if subj is not None:
            topic = subj
    return out


def _read_sentence(sent: _Sentence, index: EntityIndex, topic: EntityMention | None,
                   joke: bool) -> list[Proposal]:
    f = sent.folded
    conditional = bool(_CONDITIONAL.search(f, sent.start, sent.end))
    deals: list[Proposal] = []
    facts: list[Proposal] = []
    gws: list[AmountMention] = []
    seen_pairs: set[tuple[str, str]] = set()
    for a in sent.amts:
        unit = a.amount.unit
        if _PER_SHARE_BEFORE.search(f[max(sent.start, a.start - 6):a.start]) and unit != "shares":
            if not re.search(r"每股收益|每股盈|eps|股息|dividend", f[max(sent.start, a.start - 10):a.start]):
                continue
        clause = _clause_of(sent, a.start)
        if conditional:
            continue
        if unit in ("GW", "MW"):
            gws.append(a)
            continue
        metric = _fact_metric(sent, a, clause)
        deal = None
        if metric is None and unit not in ("%", "x"):
            deal = _deal_for(sent, a, clause, index, topic)
        if deal is not None:
            key = (deal.payer.id, deal.payee.id)  # type: ignore[union-attr]
            if key in seen_pairs or key[::-1] in seen_pairs:
                continue
            seen_pairs.add(key)
            deal.flag = "joke" if joke else None
            deals.append(deal)
        elif metric is not None:
            fact = _fact_for(sent, a, metric, topic)
            if fact is not None:
                facts.append(fact)
    for g in gws:
        gw = g.amount.point if g.amount.unit == "GW" else g.amount.point / 1000
        host = next((d for d in deals if d.capacity_gw is None), None)
        if host is not None:
            host.capacity_gw = gw
            host.spans["capacity_gw"] = (g.start, g.end)
            continue
        clause = _clause_of(sent, g.start)
        deal = _deal_for(sent, g, clause, index, topic)
        if deal is not None and (deal.payer.id, deal.payee.id) not in seen_pairs:  # type: ignore[union-attr]
            deal.amount = None
            deal.spans.pop("amount", None)
            deal.capacity_gw = gw
            deal.spans["capacity_gw"] = (g.start, g.end)
            deal.flag = "joke" if joke else None
            deals.append(deal)
        elif deal is None:
            subj = _nearest_entity_before(sent, g.start) or topic
            if subj is not None and re.search(r"容量|规划|capacity|建设|build", f[sent.start:sent.end]):
                facts.append(Proposal("fact", (sent.start, sent.end), 0.5, entity=subj, metric="capacity_gw",
                                      value=g.amount, spans={"entity": (subj.start, subj.end),
                                                             "value": (g.start, g.end)}))
    return deals + facts


def _nearest_entity_before(sent: _Sentence, pos: int) -> EntityMention | None:
    before = [e for e in sent.ents if e.end <= pos]
    return before[-1] if before else None


def _deal_for(sent: _Sentence, a: AmountMention, clause: tuple[int, int], index: EntityIndex,
              topic: EntityMention | None) -> Proposal | None:
    f = sent.folded
    cs, ce = clause
    ids = {e.id for e in sent.ents}
    sells: set[str] = set()
    for i in ids:
        sells |= set(index.sells.get(i, ()))
    found = _deal_type(f, cs, ce, sells)
    where = "clause"
    if found is None:
        found = _deal_type(f, sent.start, sent.end, sells)
        where = "sentence"
    if found is None:
        return None
    typ, cue_s, cue_e = found
    cue = (cue_s, cue_e)
    # the cue that governs the parties is the verb nearest the figure: look from the clause start
    pair = _parties(sent, clause, (min(cue_s, a.start), cue_e), typ, index, topic)
    if pair is None:
        return None
    payer, payee = pair
    if payer.id == payee.id:
        return None
    conf = 0.55 + (0.2 if where == "clause" else 0.0)
    in_clause = {e.id for e in sent.ents if cs <= e.start < ce}
    conf += 0.15 if {payer.id, payee.id} <= in_clause else 0.0
    p = Proposal("deal", (sent.start, sent.end), round(min(conf, 0.95), 2), payer=payer, payee=payee, type=typ,
                 amount=a.amount if a.amount.unit not in ("GW", "MW") else None)
    p.spans = {"from": (payer.start, payer.end), "to": (payee.start, payee.end), "type": cue}
    if p.amount is not None:
        p.spans["amount"] = (a.start, a.end)
    if a.amount.unit in ("units", "shares") and typ not in ("warrant", "acquisition_stake"):
        p.quantity, p.amount = a.amount, None
        p.spans["quantity"] = p.spans.pop("amount")
    return p


def _fact_for(sent: _Sentence, a: AmountMention, metric: tuple[str, int, int],
              topic: EntityMention | None) -> Proposal | None:
    name, ms, me = metric
    ent = _nearest_entity_before(sent, min(ms, a.start))
    if ent is None:
        ent = _sentence_subject(sent) or topic
    if ent is None:
        return None
    conf = 0.8 if _nearest_entity_before(sent, a.start) is not None else 0.6
    p = Proposal("fact", (sent.start, sent.end), conf, entity=ent, metric=name, value=a.amount)
    p.spans = {"entity": (ent.start, ent.end), "metric": (ms, me), "value": (a.start, a.end)}
    per = _near_period(sent, a.start)
    if per is not None:
        p.period = per.label
        p.spans["period"] = (per.start, per.end)
    return p
