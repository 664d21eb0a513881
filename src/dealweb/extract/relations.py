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

One sentence can hold several deals (the chain "Acme 投资 Globex...; Globex 投资龙华...; 龙华投资 Acme"):
each clause is read on its own, and a clause with no subject takes the previous clause's. A capacity
(GW) in the same sentence as a deal between the same parties is attached to it as ``capacity_gw``. The
known limits are listed in ``docs/extraction.md``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from dealweb.extract.coref import _default as coref_words
from dealweb.extract.coref import _fits as coref_fits
from dealweb.extract.coref import bisect_left, bisect_right
from dealweb.extract.mentions import (
    AmountMention,
    DateMention,
    EntityIndex,
    EntityMention,
    PeriodMention,
    SplitScan,
    find_dates,
    iter_sentences,
    split_scan,
)
from dealweb.extract.normalise import NormText
from dealweb.money import Amount, find_amounts

__all__ = ["CONDITION_RE", "CUE_CATEGORIES", "DENIAL_RE", "FACT_CUES", "HEDGE_RE", "LIST_RE", "RAISE_RE", "TYPE_CUES",
           "TYPE_CUES_RE", "Proposal", "cue_in", "cues_in", "propose"]


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
    date: str | None = None
    term_years: float | None = None
    conditions: list[tuple[int, int]] = field(default_factory=list)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    by: str = "rules"  # who proposed it: the hand rules, or a trained model (``fallback``, ``learned``)

    def __init__(self, kind: str, sentence: tuple[int, int], confidence: float, payer: EntityMention | None = None,
                 payee: EntityMention | None = None, type: str | None = None, amount: Amount | None = None,  # noqa: A002
                 capacity_gw: float | None = None, quantity: Amount | None = None, entity: EntityMention | None = None,
                 metric: str | None = None, value: Amount | None = None, period: str | None = None,
                 flag: str | None = None, date: str | None = None, term_years: float | None = None,
                 conditions: list[tuple[int, int]] | None = None, spans: dict[str, tuple[int, int]] | None = None,
                 by: str = "rules") -> None:
        """The dataclass's own ``__init__``, written out (the same fields, order and defaults).

        The compiled build runs a generated dataclass ``__init__`` as interpreted Python (~7,500 instructions a
        proposal); this one is compiled. ``conditions`` and ``spans`` default to new empty containers.
        """
        self.kind = kind
        self.sentence = sentence
        self.confidence = confidence
        self.payer = payer
        self.payee = payee
        self.type = type
        self.amount = amount
        self.capacity_gw = capacity_gw
        self.quantity = quantity
        self.entity = entity
        self.metric = metric
        self.value = value
        self.period = period
        self.flag = flag
        self.date = date
        self.term_years = term_years
        self.conditions = [] if conditions is None else conditions
        self.spans = {} if spans is None else spans
        self.by = by

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:  # not type[...]: a field here is named "type"
        """Pickled and copied through the constructor (``ingest -j``, dask and ray send proposals to other processes).

        Compiled by mypyc, a class with its own ``__init__`` is created by calling it, so the default reduction
        (create empty, then set the fields) fails.
        """
        return Proposal, (self.kind, self.sentence, self.confidence, self.payer, self.payee, self.type, self.amount,
                          self.capacity_gw, self.quantity, self.entity, self.metric, self.value, self.period,
                          self.flag, self.date, self.term_years, self.conditions, self.spans, self.by)


#: The patterns compiled by :func:`_rx`, by their source.
_RX: Final[dict[str, re.Pattern[str]]] = {}


def _rx(pattern: str) -> re.Pattern[str]:
    """``re.compile(pattern)``, compiled once.

    ``_rx(p).search(s)`` is ``re.search(p, s)`` without the look-up in :mod:`re`'s own cache, which costs more
    than most of these searches on a few characters. A plain dict, not :func:`functools.cache`: the compiled build
    calls this function directly, where a ``functools`` wrapper costs a call through the interpreter (~1,300
    instructions each time).
    """
    got = _RX.get(pattern)
    if got is None:
        got = _RX[pattern] = re.compile(pattern)
    return got


def _cues(words: str) -> list[str]:
    return [w for w in words.split("|") if w]


#: Deal-type cue words (folded: Simplified, lower case), by the category they signal.
TYPE_CUES: Final[dict[str, list[str]]] = {
    "warrant": _cues("认股权证|认股权|warrants|warrant"),
    "custom_chip_partnership": _cues("定制芯片|定制晶片|定制化芯片|深度定制|定製晶片|custom chips|custom chip|"
                                     "custom accelerators|custom accelerator|asic|定制ai加速器|定制加速器|"
                                     "定制ai芯片|定制ai晶片|自研芯片|custom ai chips|custom ai accelerators|"
                                     "custom silicon"),
    "joint_venture": _cues("共同投资|共同出资|合资|joint venture|jointly invest|co-invest"),
    "chip_words": _cues("芯片|晶片|gpu|gpus|tpu|tpus|npu|显卡|显示卡|加速器|加速卡|instinct|gb200|h100|h200|h20|"
                        "blackwell|chips|chip|accelerators|运算系统|计算系统|superchips|processors|处理器|gb300|服务器|servers"),
    "compute_words": _cues("云端运算|云计算|云端|云服务|算力|计算能力|运算能力|计算资源|云合同|cloud computing|"
                           "cloud services|cloud contract|compute capacity|computing power|compute|cloud|"
                           "运算服务|gpu capacity|gpu cloud|gpu clusters|gpu cluster|gpu集群|gpu丛集|gpu云|"
                           "computing capacity|gpu infrastructure"),
    "buy": _cues("购买|采购|订购|购入|买|订单|大单|部署|"
                 "order|orders|buy|buys|bought|buying|purchase|purchases|purchased|"
                 "purchasing|ordering|ordered|spending|paying|"
                 "deploy|deploys|deployed|deploying|spend|spends|pay|pays|paid|支付|付钱|花|提供|供应|供货|出售|supply|supplies|斥资|砸下|豪掷|砸|"
                 "provide|provides|sell|sells|sold|selling|supplied|supplying"),
    "contract": _cues("合同|合约|协议|协定|签署|签下|签订|交易|contract|contracts|agreement|agreements|deal|deals|"
                      "signed|signs|signing|pact|pacts"),
    "lease": _cues("租赁|租用|承租|租给|租约|lease|leases|leased|rent|rents|rented|renting"),
    "hosting": _cues("托管|代管|hosting|colocation|host"),
    "datacentre": _cues("资料中心|数据中心|data center|data centre|data centers|data centres"),
    "debt": _cues("贷款|借款|债务融资|债务|债券|信贷|loan|loans|debt|credit facility|bonds|lend|lends|lent|"
                  "lending|"
                  "financing|private credit|credit line"),
    "stake": _cues("股份|持股|股权|收购|买下|入主|普通股|股票|并购|购并|技术资产|部分资产|核心资产|关键资产|资产交易|"
                   "stake|acquire|acquires|acquired|acquiring|acquisition|buy out|buyout|takeover|"
                   "common stock|common shares|shares in|shares of"),
    # the licensee pays the licensor (a purchase of rights: "X will license Y's technology for $N")
    "licence": _cues("license|licenses|licensed|licensing|licence|licences|licensing agreement"),
    "equity": _cues("股权投资|投资|入股|注资|投入|出资|领投|参投|重注|融资|invest|invests|invested|investing|"
                    "investment|equity|"
                    "raised|raises|funding round|funding|contribute|contributes|contributed|pledge|pledges|"
                    "pledged|poured|pours|pour|backed|backs|backing|round|co-led|infusion|投向|筹集|募集|资金|注入|输血|力挺|"
                    "豪赌|put|puts|pump|pumps|pumped|pumping|inject|injects|injected|injecting|sent|transferred|"
                    "transferring|wired"),
}

#: Words that make the grammatical subject the *seller* or *recipient* (the payee).
_PROVIDE: Final = _cues("提供|供应|供货|供给|出售|卖给|出租|租给|交付|授予|supply|supplies|provide|provides|sell|sells|"
                        "sold|deliver|delivers|rent out")
_RECEIVE: Final = _cues(
    "获得|获|取得|接受|收到|拿到|得到|从|借款|借入|received|receives|receive|gets|got|raised|raises|"
    "raising|secured|secures|borrow|borrows|borrowed|borrowing|from")
_PREP: Final = _cues("向|对|给|与|和|跟|同|with|and|to|in|into")

#: Metric cue words (folded) -> metric name. Order matters only for overlapping words (longest wins).
FACT_CUES: Final[dict[str, str]] = {
    **dict.fromkeys(_cues("剩余履约义务|未确认履约义务|履约义务|未履约收入|未履约合同|rpo|"
                          "remaining performance obligations|"
                          "remaining performance obligation|backlog|合约总价值|合同总价值|未来合约总价值"), "rpo"),
    **dict.fromkeys(_cues("营收|收入|revenue|revenues|sales|销售额|营业额"), "revenue"),
    **dict.fromkeys(_cues("资本支出|资本开支|capex|capital expenditure|capital expenditures|capital spending|"
                          "预算|budget"),
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
_GUIDANCE: Final = _cues(
    "预计|预期|目标|指引|将达到|将达|计划|guidance|forecast|expects|expected|projected|target|outlook|"
    "will|plans to|plan to")
_CHANGE_BEFORE: Final = _cues("增长|增加|成长|上涨|下降|下跌|减少|高出|低|增|年增|同比|环比|增速|growth|grew|increase|"
                              "increased|decrease|decreased|up|down|rose|fell|higher|lower|beat|miss")
_PRICE_MOVE: Final = _cues("涨|跌|飙升|上扬|下挫|暴涨|大涨|收涨|跳涨|surge|surged|soared|jumped|rose|fell|dropped|"
                           "plunged|gained|climbed")
_TOTAL: Final = re.compile(r"(?:总额|总计|合计|共计|\btotal of|\bin total)\s*(?:超过|约|达)?\s*$")
_CAUSE_AFTER: Final = re.compile(r"^\W{0,2}\w{0,6}?(?:带来|导致|推动|使得|brought|drove|sent)")
_QUESTION_WORD: Final = re.compile(r"如何|怎么|怎样|为什么|为何|是否|吗|呢|\bhow\b|\bwhy\b|\bwhether\b")
#: ``他们|它们|该公司|公司|其|\bthey\b|\bit\b|\bthe company\b|\bthe firm\b``, every alternative opening on a literal
#: (``\bit`` as ``i(?<!\wi)t``) so the engine skips to its first characters by a set test: the same matches.
_PRONOUN: Final = re.compile(r"他们|它们|该公司|公司|其|t(?<!\wt)(?:hey\b|he company\b|he firm\b)|i(?<!\wi)t\b")
#: A sentence opening on a description of a firm already named ("The company signed...", "The chipmaker said").
#: Any short description ending on a word for a firm: "The world's most valuable firm", "The ChatGPT maker".
_DESCRIPTION_START: Final = re.compile(
    r"\s*[\"“]?\s*the (?:[\w’'-]+ ){0,4}?(?:company|firm|startup|start-up|group|chipmaker|"
    r"chip maker|giant|maker|developer|provider|operator|designer|lab|manufacturer|"
    r"supplier|conglomerate|hyperscaler|asset manager|lender|investor|fund)\b(?!['’])")


def _once_per_sentence(slot: str) -> Callable[[Callable[[_Sentence], bool]], Callable[[_Sentence], bool]]:
    """A function of a sentence alone, computed at its first call and kept in the sentence's ``slot``."""
    def wrap(fn: Callable[[_Sentence], bool]) -> Callable[[_Sentence], bool]:
        @functools.wraps(fn)
        def once(sent: _Sentence) -> bool:
            got = getattr(sent, slot)
            if got is None:
                got = fn(sent)
                setattr(sent, slot, got)
            return got
        return once
    return wrap


def _starts_pronoun(sent: _Sentence) -> bool:
    """Whether ``sent`` opens on a pronoun or a description that points back to the topic (computed once).

    The sentence's ``_pronoun`` slot is read and written here directly: the compiled build reads a named slot in a
    few instructions, where :func:`_once_per_sentence`'s ``getattr`` by name and its wrapper cost thousands.
    """
    got = sent._pronoun
    if got is None:
        got = sent._pronoun = _opens_on_pronoun(sent)
    return got


def _opens_on_pronoun(sent: _Sentence) -> bool:
    """:func:`_starts_pronoun`, computed."""
    f = sent.folded
    # (every match of _DESCRIPTION_START holds "the ", of _OPENING_PHRASE ", ": looked for first, by C scans)
    if _PRONOUN.search(f, sent.start, min(sent.end, sent.start + 8)) or \
            f.find("the ", sent.start, sent.end) >= 0 and _DESCRIPTION_START.match(f, sent.start, sent.end):
        return True
    # "Days earlier, the company expanded...", "Last week, the Japanese company sent...": an opening phrase of time
    # or place, then the pronoun or description
    if f.find(", ", sent.start, min(sent.end, sent.start + 40)) < 0:
        return False
    m = _OPENING_PHRASE.match(f, sent.start, min(sent.end, sent.start + 40))
    if m is None or any(sent.start <= e.start < m.end() for e in sent.ents):
        return False
    return bool(_PRONOUN.match(f, m.end(), min(sent.end, m.end() + 8))
                or _DESCRIPTION_START.match(f, m.end(), sent.end))


_LATIN_START: Final = re.compile(r"\s*[\"“]?[A-Za-z]")
#: A short opening phrase set off by a comma ("Days earlier,", "In February,", "On Tuesday,"): English only.
_OPENING_PHRASE: Final = re.compile(r"\s*(?:[a-z0-9-]+ ){0,4}[a-z0-9-]+, ")


_PER_SHARE_BEFORE: Final = re.compile(
    r"(?:每股|/股|per share|a share)\s*(?:的)?\s*(?:价格|价|price)?\s*(?:为|是|of)?\s*$")
#: A metric per share ("每股收益", "dividend"): a figure after "per share" that is still read.
_PER_SHARE_METRIC: Final = re.compile(r"每股收益|每股盈|eps|股息|dividend")
#: A figure below this many currency units is a price per share or per unit, never a deal's value.
_TINY: Final = 1000.0
#: Two or more firms joined by "and": a group of payers when they invest together (guideline §7).
_COORD: Final = re.compile(
    r"^\s*[)）]?\s*(?:(?:corp(?:oration|\.)?|inc\.?|\([\w.: -]{1,20}\))\s*){0,2}\s*,?\s*(?:和|与|以及|及|、|&|and)\s*"
    r"(?:[^\s，,。;；()（）]{1,6}|(?:[\w-]+\s+){0,2})\s*$|^\s*[)）]?\s*(?:和|与|以及|及|、|&|and)\s*$")
#: The gate of :data:`_COORD`: every match holds one of these words.
_COORD_WORDS: Final = ("和", "与", "及", "、", "&", "and")
#: A firm named as another's rival ("Acme的競爭對手Hooli"): a modifier, not a party.
_RIVAL_AFTER: Final = re.compile(r"\s*(?:的|'s|’s)?\s*(?:主要|头号|最大的?)?\s*(?:竞争对手|对手|rivals?|competitors?)")
#: The object of a deal may stand a few words after its marker ("對人工智能巨頭Acme", "in AI startup Acme").
#: Its English forms open on a literal (``\b(?:in|into|to)`` as ``i(?<!\wi)n(?:to)?|t(?<!\wt)o``), so the engine skips
#: to their first characters by a set test (tests/test_extract_speed.py holds the plain forms): the same matches.
_OBJECT_FAR: Final = re.compile(r"(?:向|对|给)[^，,；;。:：!?从]{0,14}$|"
                                r"(?:i(?<!\wi)n(?:to)?|t(?<!\wt)o)\s+(?:[\w-]+\s+){0,4}$")
#: "在X的最新一輪募資中投資": X is the one raising money.
_ROUND_AFTER: Final = re.compile(r"\s*的?[^，,。;；]{0,10}(?:募资|融资|轮|funding round|round)")
_PER_SHARE_AFTER: Final = re.compile(r"^\s*(?:/股|每股|per share|a share)")
_PER_SHARE_WORDS: Final = ("股", "share")  # the gate of _PER_SHARE_BEFORE and _PER_SHARE_AFTER
#: One character set first (the engine skips to it with a set test), then which break it is: the same matches as
#: ``[，:：;；】]|,(?!\d{3})|(?<=[a-z])\s+(?:while|whereas|but)\s+`` (a bracketed headline section ends too).
#: Its parts: the marks that end a clause by themselves, and the words that open one after a space (English).
_BREAK_MARKS: Final = "，:：;；】"
_BREAK_WORDS: Final = ("while", "whereas", "but")
_CLAUSE_BREAK: Final = re.compile(rf"[{_BREAK_MARKS},\s](?:(?<=[{_BREAK_MARKS}])|(?<=,)(?!\d{{3}})|"
                                  rf"(?<=[a-z]\s)\s*(?:{'|'.join(_BREAK_WORDS)})\s+|"
                                  r"(?<=[\u4e00-\u9fff] )(?=[\u4e00-\u9fff]))")  # "Acme完成融資 龍華出資": two clauses
#: :data:`_CLAUSE_BREAK` without its forms that open on a space: the same matches in a sentence where neither of
#: those can be (:func:`_space_break_in`), found without trying them at every space of English prose. A new form of
#: break goes into both (tests/test_extract_speed.py compares them).
_MARK_BREAK: Final = re.compile(rf"[{_BREAK_MARKS},](?!(?<=,)\d{{3}})")
#: A wide character (as :func:`dealweb.extract.mentions.text_marks` counts them: CJK and the like).
_WIDE_CHAR: Final = re.compile("[\u2e80-\U0010ffff]")
#: A space between two ideographs (the last form of :data:`_CLAUSE_BREAK`), opening on the space (a literal).
_CJK_SPACE: Final = re.compile(r" (?<=[\u4e00-\u9fff] )(?=[\u4e00-\u9fff])")


def _space_break_in(f: str, s: int, e: int, wide: bool = True) -> bool:
    """Whether a break of :data:`_CLAUSE_BREAK` that opens on a space can lie in ``f[s:e]``.

    One holds a word of :data:`_BREAK_WORDS` or is a space before an ideograph (none in ASCII text): tested by
    ``in`` and one literal scan instead of trying the pattern's space forms at every space. ``wide``: whether a wide
    character (at or above U+2E80: every ideograph is one) may lie in the range (``False``: none does, so no space
    stands before an ideograph, and the range is not copied to be asked).
    """
    return _any_in(f, _BREAK_WORDS, s, e) or (wide and not f[s:e].isascii() and _CJK_SPACE.search(f, s, e) is not None)


def _any_in(f: str, words: tuple[str, ...], lo: int, hi: int) -> bool:
    """Whether one of ``words`` lies in ``f[lo:hi]`` (``str.find``: a C scan of a few instructions a character).

    The gate of a pattern every match of which holds one of ``words`` (tests/test_relations_speed.py checks each
    gate against its pattern): where none lies in the range, the pattern, tried at many characters, need not run.
    """
    for w in words:
        if f.find(w, lo, hi) >= 0:
            return True
    return False


def _holds_any(s: str, words: tuple[str, ...]) -> bool:
    """Whether one of ``words`` lies in the short string ``s`` (``in``: a C scan): the gate of a pattern tried on it."""
    for w in words:
        if w in s:
            return True
    return False


def _gated_search(rx: re.Pattern[str], words: tuple[str, ...], f: str, lo: int, hi: int) -> re.Match[str] | None:
    """``rx.search(f, lo, hi)``, not tried where no word of ``words`` lies in ``f[lo:hi]``.

    ``words`` is the gate of ``rx``: every match of ``rx`` holds one of them (tests/test_relations_speed.py).
    """
    return rx.search(f, lo, hi) if _any_in(f, words, lo, hi) else None


def _bounded(w: str) -> str:
    """``w`` as a regex; an ASCII word must not sit inside a longer ASCII word (Chinese has no spaces)."""
    out = re.escape(w)
    if w[:1].isascii() and w[:1].isalnum():
        out = r"(?<![a-z0-9])" + out
    if w[-1:].isascii() and w[-1:].isalnum():
        out += r"(?![a-z0-9])"
    return out


def _pattern(words: list[str]) -> re.Pattern[str]:
    """One trie-shaped regex for ``words``, longest first; an ASCII word not inside a longer ASCII word.

    The same matches as the flat alternation of :func:`_bounded` words (longest first), but the engine
    tests one character class per position instead of every word (the cue scans are the pipeline's
    hot spot on dense news).
    """
    trie: dict[str, dict] = {}
    for w in sorted(set(words)):
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {"ascii_end": {}} if w[-1:].isascii() and w[-1:].isalnum() else {}

    def build(node: dict[str, dict]) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            alts.append(r"(?![a-z0-9])" if "ascii_end" in node[""] else "")
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    roots = []
    for ch, child in sorted(trie.items()):
        # the first characters first (the engine then skips by a character set, or, in a trie of one root, by a
        # literal search for the words' common start), the left edge checked after them: a mid-word occurrence
        # fails on a literal before the look-behind is tried (the same matches: the look-behind reads the same
        # character before the word)
        head, node = ch, child
        edge = ""
        if ch.isascii() and ch.isalnum():
            while len(node) == 1 and "" not in node:
                nxt, node = next(iter(node.items()))
                head += nxt
            edge = "(?<![a-z0-9]" + re.escape(head) + ")"
        roots.append(re.escape(head) + edge + build(node))
    return re.compile("|".join(roots))


#: Whole-text scans of trie patterns (see :func:`_scan`), by the pattern's id: each in parts (see :class:`SplitScan`).
_SPLIT: Final[dict[int, SplitScan]] = {}


#: A cue trie whose words open on more first characters than this is scanned whole (see :func:`_scanned`).
_MAX_PARTS: Final = 4


#: Every cue trie read through :func:`_find` (registered by :func:`_scanned` and :func:`_near`), by its id: the trie
#: and its words. All of them are found in one pass of a text (see :class:`_Union`).
_LISTS: Final[dict[int, tuple[re.Pattern[str], list[str]]]] = {}


def _register(whole: re.Pattern[str], words: list[str]) -> None:
    """Add the trie ``whole`` of ``words`` to the lists scanned together (the union is built again at next use)."""
    _LISTS[id(whole)] = (whole, sorted(set(words)))
    _UNION.clear()


def _scanned(words: list[str], by: str = "auto") -> re.Pattern[str]:
    """:func:`_pattern` of ``words``, registered to be found by :func:`_find` (see :class:`_Union`).

    ``by`` says how the trie alone would be scanned in parts (:class:`SplitScan`, kept for tests and for a
    pattern scanned on its own): ``"auto"``: one part per first character when the words open on at most
    :data:`_MAX_PARTS` characters, else the whole trie in one scan.
    """
    if by == "auto":
        by = "branch" if len({w[:1] for w in words}) <= _MAX_PARTS else "whole"
    whole = _pattern(words)
    _SPLIT[id(whole)] = split_scan(whole, words, _pattern, by=by, edge=True)
    _register(whole, words)
    return whole


#: Patterns read only near a few figures (a percentage's price move, stake verb, market value), by id: the characters
#: of their words and their longest word. They are found with the other cue tries (:func:`_find_near`).
_NEAR: Final[dict[int, tuple[frozenset[str], int]]] = {}


def _near(regex: re.Pattern[str], words: list[str]) -> re.Pattern[str]:
    """Register ``regex`` (a trie of ``words``) for :func:`_find_near`."""
    _NEAR[id(regex)] = (frozenset("".join(words)), max(map(len, words)))
    _register(regex, words)
    return regex


def _edge_char(ch: str) -> bool:
    """Whether ``ch`` is in ``[a-z0-9]`` (the class of :func:`_pattern`'s left edge)."""
    return "a" <= ch <= "z" or "0" <= ch <= "9"


class _Union:
    """Every registered cue trie found in one pass of a text: exactly the hits of each trie's own whole-text scan.

    One trie of all the lists' words (in two parts, the words opening on an ASCII character and the others: the
    engine scans each faster than both together) is scanned. Where a list's trie matches at a place, its word
    lies in the text there, so the union's part holding that word matches there too, or the place lies inside
    an earlier match of that part (the union's match at a place is its longest word there, and a list's words
    are some of the union's). So the places a list can match are the union's hits and the places inside them
    where a word of the list can start (its characters agree with the rest of the hit). Each list's own scan
    (:meth:`re.Pattern.finditer`: left to right, on from the end of each match) is replayed on those places only,
    in order: a place where the union matched one of the list's own words gives that word (both tries match
    their longest word there), any other is tried with the list's trie (``match``, which sees the text before
    the place as ``finditer`` does). tests/test_extract_speed.py compares it with each trie's own scan.
    """

    __slots__ = ("lists", "parts", "splits", "starts", "tried")

    def __init__(self, lists: Mapping[int, tuple[re.Pattern[str], list[str]]]) -> None:
        self.lists: list[tuple[int, re.Pattern[str], frozenset[str]]] = [
            (key, rx, frozenset(words)) for key, (rx, words) in lists.items()]
        every = sorted({w for _, ws in lists.values() for w in ws})
        asc = [w for w in every if w[:1].isascii()]
        other = [w for w in every if not w[:1].isascii()]
        self.parts: list[re.Pattern[str]] = [_pattern(ws) for ws in (asc, other) if ws]
        # each part scanned as its finditer, from word starts and skipping CJK words in a text without wide
        # characters (:class:`SplitScan`, ``edge``: :func:`_pattern` checks an ASCII word's left edge)
        groups = [ws for ws in (asc, other) if ws]
        self.splits: list[SplitScan] = [split_scan(part, ws, _pattern, by="whole", edge=True)
                                        for part, ws in zip(self.parts, groups, strict=True)]
        # the lists' words by their first character, and what each union word a hit holds asks for (computed once)
        self.starts: dict[str, list[tuple[int, list[str]]]] = {}
        for k, (_, _, words) in enumerate(self.lists):
            by_first: dict[str, list[str]] = {}
            for w in sorted(words):
                by_first.setdefault(w[0], []).append(w)
            for ch, ws in by_first.items():
                self.starts.setdefault(ch, []).append((k, ws))
        self.tried: dict[str, list[tuple[int, int, bool]]] = {}

    def _places(self, hit: str) -> list[tuple[int, int, bool]]:
        """Where in a union hit a word of a list can start.

        ``(offset, list, own)`` for each such place in ``hit`` (``own``: at offset 0, ``hit`` is a word of that list).
        """
        got = self.tried.get(hit)
        if got is None:
            got = []
            for off in range(len(hit)):
                if off and _edge_char(hit[off - 1]) and _edge_char(hit[off]):
                    # a list's word opening on a letter or digit matches only where none stands before it
                    # (:func:`_pattern`'s left edge): never right after one inside the hit
                    continue
                rest = hit[off:]
                for k, ws in self.starts.get(rest[0], ()):
                    if any(w.startswith(rest) or rest.startswith(w) for w in ws):
                        got.append((off, k, off == 0 and hit in self.lists[k][2]))
            self.tried[hit] = got
        return got

    def scan(self, f: str, inside: bool = True) -> list[list[tuple[int, int, str]]]:
        """The hits of each list's trie in ``f``, in the order of :attr:`lists`.

        ``inside=False`` (for tests only) leaves out the places inside the union's hits: then a list's word lying
        inside another list's longer word is lost.
        """
        streams = [hs for hs in (split.hits(f) for split in self.splits) if hs]
        if len(streams) == 1:
            return self._replay(f, streams[0], inside)
        if len(streams) == 2:
            # the two parts' hits by start (no two start at one place: a word's first character picks its part);
            # when none overlaps another, their places come in text order as read too (see _replay)
            merged = streams[0] + streams[1]
            merged.sort()
            for x in range(1, len(merged)):
                if merged[x][0] < merged[x - 1][1]:
                    break
            else:
                return self._replay(f, merged, inside)
        places: list[tuple[int, int, bool, int, str]] = []
        for hs in streams:
            for s, _, hit in hs:
                for off, k, own in self._places(hit):
                    if inside or off == 0:
                        places.append((s + off, k, own, s, hit))
        places.sort()
        out: list[list[tuple[int, int, str]]] = [[] for _ in self.lists]
        done = [0] * len(self.lists)  # where each list's own scan goes on from
        for p, k, own, s, hit in places:
            if p < done[k]:
                continue  # inside the list's last match (or the same place again, matched)
            if own:
                out[k].append((s, s + len(hit), hit))
                done[k] = s + len(hit)
                continue
            self._match_at(f, k, p, out, done)
        return out

    def _match_at(self, f: str, k: int, p: int, out: list[list[tuple[int, int, str]]], done: list[int]) -> None:
        """List ``k``'s pattern tried at ``p``: a match goes to ``out[k]``, and ``done[k]`` moves past it.

        No match puts ``done[k]`` at ``p + 1`` (a later place of the same start need not be tried again).
        """
        got = self.lists[k][1].match(f, p)
        if got is not None:
            out[k].append((p, got.end(), got.group(0)))
            done[k] = got.end()
        else:
            done[k] = p + 1

    def _replay(self, f: str, hits: list[tuple[int, int, str]], inside: bool) -> list[list[tuple[int, int, str]]]:
        """:meth:`scan` of a text whose union hits ``hits`` are in text order and do not overlap.

        So it is for a text where one part alone matched (most texts: English ones have no wide character), and for
        one whose two parts' hits, merged, overlap nowhere. Each hit's places lie inside it in order: the places come
        in text order as they are read, so they are replayed at once, with no list of them sorted (a list's own word
        at a hit's start is kept as the hit's own tuple).
        """
        out: list[list[tuple[int, int, str]]] = [[] for _ in self.lists]
        done = [0] * len(self.lists)
        for h in hits:
            s = h[0]
            hit = h[2]
            for off, k, own in self._places(hit):
                p = s + off
                if p < done[k] or not inside and off:
                    continue
                if own:
                    out[k].append(h)
                    done[k] = h[1]
                    continue
                self._match_at(f, k, p, out, done)
        return out


#: The union of the registered lists, built at its first use (a list of one at most).
_UNION: Final[list[_Union]] = []


#: Sentence-level cue words as trie-shaped patterns, scanned once per text (see :func:`_find`).
_JOKE_P: Final = _scanned(["段子", "玩笑", "笑话", "脑筋急转弯", "梗图", "戏言", "joke", "joking", "meme", "in jest",
                           "tongue-in-cheek"])
_COND_P: Final = _scanned(["如果", "假如", "假设", "倘若", "若是", "要是", "每当", "if", "would be worth", "whenever",
                           "for every"])
_HEDGE_P: Final = _scanned(["可能", "或许", "也许", "或将", "might", "could", "may be"])
#: A hedge right before the payer's own payment verb ("龍華可能以200億美元收購", "可能投入最高200億美元"): a
#: reported deal, hedge kept (guideline §6), not a supposition about what a figure could become.
#: So is a hedge on the size of a deal already told ("the agreement could be worth more than $100 billion", "a deal
#: that could reach as much as $27 billion"): the deal's value, hedged, not a supposition.
_HEDGED_PAYMENT: Final = re.compile(
    r"(?:可能|或将)\s*(?:会|将|要)?\s*(?:以|斥资|投入|投资|注资|出资|收购|买下|购买|支付|带来|产生|创造|贡献)|"
    r"(?:额|规模|价值)\s*(?:可能|或将|或)\s*(?:会|将)?\s*(?:超过|达到|高达|突破|逾|超|多达|上看)|"
    r"\b(?:could|might|may)\s+(?:potentially\s+|eventually\s+|ultimately\s+)?"
    r"(?:be\s+worth|be\s+valued\s+at|reach|exceed|top|total)\b")
#: A denial whose object is a report of trouble with a deal ("否認其N投資陷入停滯的報道"): the deal stands.
_DENIED_TROUBLE: Final = re.compile(r"[^，,。；;]{0,30}?(?:陷入停滞|停滞|搁浅|生变|暂停|放缓|受阻|出现变数)"
                                    r"(?:的)?(?:报道|传闻|说法|消息)")
_LIST_P: Final = _scanned(["其中", "包括", "including", "of which"])
_DENIAL_P = _scanned(["never a commitment", "never a firm commitment", "never a binding commitment",
                      "not a binding", "not a legally binding", "nothing like that", "invited us to invest", "denied",
                      "denies", "从来没有说", "从没说过", "并非承诺", "不是承诺", "否认",
                      # talks that broke down, a deal said not to be what it is reported as, a pledge denied
                      "并没有说", "没有说要", "破局", "告吹", "喊停", "谈判破裂", "并非收购", "不是收购", "未曾承诺",
                      "并未承诺", "没有承诺", "并未收购", "并未投资", "并未签署", "并不存在", "并非具有约束力",
                      "不具约束力", "不具有约束力", "没有约束力",
                      # a party saying it never bound itself, or not confirming: no claim of that figure
                      "never committed", "never agreed", "never promised", "never pledged", "never signed",
                      "not officially confirmed", "has not confirmed", "did not confirm", "declined to confirm",
                      # a deal voted down: no money moves ("shareholders rejected the proposed merger", 股東否決)
                      "rejected the proposed", "voted against the", "shareholders reject", "股东否决", "否决",
                      "voted against a", "reject", "rejects", "rejected", "turned down",
                      # an offer turned down, a figure corrected by the party said to pay it
                      "正式拒绝", "拒绝了", "予以拒绝", "拒绝接受", "澄清",
                      # a deal or its financing that fell through or stalled
                      # (each new first character costs one more scan of every text: few words)
                      "泡汤", "遇阻", "破裂"])
_INVITE_P: Final = _scanned(["邀请"])
#: ", if confirmed,": a condition set off as an aside bears on the clause it interrupts, not on the figures after it
#: ("This deal, if confirmed, surpasses Acme's $7 billion acquisition of Borealis in 2019").
_ASIDE_IF: Final = re.compile(r"\s+(?:confirmed|approved|completed|true|accurate|finalized|finalised),")
#: "... could rise to $17.7 billion if all options are exercised": the ceiling of options a deal holds, a figure of
#: the deal (guideline: options and extensions), not a hypothetical.
_IF_EXERCISED: Final = re.compile(r"\s+(?:all |the |its |these |those |both |such )?(?:[\w-]+ ){0,2}?"
                                  r"(?:(?:are|is|were|was|get|gets) )?(?:fully )?exercised\b")
#: "如果算上...", "if you count...": a sum told, not a condition.
_COUNTING: Final = re.compile(r"\s*(?:算上|加上|计入|把|you count|we count|one counts|counting)")
_RAISE_P: Final = _scanned(
    ["募资", "融资", "募得", "筹资", "raise", "raised", "raising", "funding round", "fundraising"])


def _has(regex: re.Pattern[str], f: str, lo: int, hi: int) -> bool:
    """Whether a word of the trie ``regex`` lies in ``f[lo:hi]`` (one scan of the text for all ranges)."""
    got = _SCANS.get(id(regex))
    if got is None or got.text is not f:
        _scan(regex, f)
        got = _SCANS[id(regex)]
    starts = got.starts
    i = _lower(starts, lo, got.at)
    got.at = i
    j = _lower(starts, hi, i)
    return j > i + 1 or (j == i + 1 and got.hits[i][1] <= hi)


#: All type cues in one longest-first pattern, and the categories of each word: one scan per range.
_ALL_TYPE_RE: Final = _scanned([w for ws in TYPE_CUES.values() for w in ws], by="script")
_CUE_CATS: Final[dict[str, list[str]]] = {}
for _cat, _words in TYPE_CUES.items():
    for _w in _words:
        _CUE_CATS.setdefault(_w, []).append(_cat)
#: The categories of :data:`TYPE_CUES` by number (:func:`_cued_type` keeps each one's cues in a list at its number),
#: and the numbers of each cue word's categories.
_CATS: Final = tuple(TYPE_CUES)
_N_CATS: Final = len(_CATS)
_C_WARRANT: Final = _CATS.index("warrant")
_C_CUSTOM_CHIP: Final = _CATS.index("custom_chip_partnership")
_C_JOINT_VENTURE: Final = _CATS.index("joint_venture")
_C_CHIP_WORDS: Final = _CATS.index("chip_words")
_C_COMPUTE_WORDS: Final = _CATS.index("compute_words")
_C_BUY: Final = _CATS.index("buy")
_C_CONTRACT: Final = _CATS.index("contract")
_C_LEASE: Final = _CATS.index("lease")
_C_HOSTING: Final = _CATS.index("hosting")
_C_DATACENTRE: Final = _CATS.index("datacentre")
_C_DEBT: Final = _CATS.index("debt")
_C_STAKE: Final = _CATS.index("stake")
_C_LICENCE: Final = _CATS.index("licence")
_C_EQUITY: Final = _CATS.index("equity")
# categories that decide a deal's type by themselves, in this order: first those that win over every other cue,
# then (after chips, compute and buying are weighed) the places a firm pays to use
_FIRST_KINDS: Final[tuple[tuple[int, str], ...]] = (
    (_C_WARRANT, "warrant"), (_C_CUSTOM_CHIP, "custom_chip_partnership"), (_C_JOINT_VENTURE, "joint_venture"))
_PLACE_KINDS: Final[tuple[tuple[int, str], ...]] = ((_C_LEASE, "lease"), (_C_HOSTING, "data_hosting"))
_CUE_CAT_IDS: Final[dict[str, list[int]]] = {w: [_CATS.index(c) for c in cats] for w, cats in _CUE_CATS.items()}
_FACT_RE: Final = _near(_pattern(list(FACT_CUES)), list(FACT_CUES))
_GUIDE_RE: Final = _pattern(_GUIDANCE)
_PROVIDE_RE: Final = _pattern(_PROVIDE)
_RECEIVE_RE: Final = _pattern(_RECEIVE)
_PREP_RE: Final = _pattern(_PREP)
_MOVE_RE: Final = _near(_pattern(_PRICE_MOVE), _PRICE_MOVE)
_FALL_RE: Final = re.compile(r"跌|下挫|fell|dropped|plunged", re.IGNORECASE)
_CHANGE_RE: Final = re.compile(
    r"(?:" + "|".join(re.escape(w) for w in sorted(_CHANGE_BEFORE, key=len, reverse=True))
    + r")\s*(?:了|近|约|超过|达)?\s*$"
)
#: A deal noun shortly before "valued at": the figure is the deal's value (guideline §4), not a valuation.
_DEAL_NOUN_BEFORE: Final = re.compile(r"\b(?:agreements?|deals?|contracts?|pacts?|orders?|partnerships?|commitments?|"
                                      r"arrangements?|transactions?)\b(?:(?!\b(?:company|firm|startup)\b)[^.;])*$")
#: A deal noun right before 估值 ("交易估值", "收購估值"): the deal's value, not a firm's valuation.
_DEAL_WORD_BEFORE_ZH: Final = re.compile(r"(?:交易|收购|并购|合同|协议|订单)(?:的)?\s*$")
_TO_LEVEL: Final = re.compile(r"(?:至|到|为|達|达|to|at)\s*(?:约|近|超过|高达)?\s*$")


#: An empty mention list and an empty set of deal types, shared (most sentences name no period, many no firm:
#: a few thousand empty containers per megabyte of news would each be kept and traversed by the collector).
_NONE: Final[tuple] = ()
_NO_SELLS: Final[frozenset[str]] = frozenset()


class _Sentence:
    """One sentence of a text: its bounds, its mentions and clauses, and what is computed once per sentence.

    A plain class with its own ``__init__`` (not a dataclass): the compiled build runs a dataclass's generated
    ``__init__`` as interpreted Python, thousands of instructions per sentence.
    """

    def __init__(self, start: int, end: int, folded: str, ents: Sequence[EntityMention],
                 amts: Sequence[AmountMention], periods: Sequence[PeriodMention],
                 clauses: list[tuple[int, int]] | None,
                 dates: Sequence[DateMention] = _NONE, kinds: Mapping[str, str] | None = None,
                 wide_from: int = 0) -> None:
        self.start = start
        self.end = end
        self.folded = folded
        self.ents = ents
        self.amts = amts
        self.periods = periods
        self._clauses = clauses  # None: not split yet (see the property ``clauses``)
        self.dates = dates
        self.kinds: Mapping[str, str] = {} if kinds is None else kinds
        # where the first wide character (CJK, at or above U+2E80) at or after ``start`` lies in ``folded``
        # (``len(folded)``: none); 0 when not known. A pattern each match of which holds one is tried in
        # ``folded[lo:hi]`` (``lo >= start``) only when ``wide_from < hi``: a Chinese rule is not tried in English.
        self.wide_from = wide_from
        self._actors: list[EntityMention] | None = None
        self._starts: list[int] | None = None
        self._owners: list[Sequence[AmountMention]] | None = None
        self._types: dict[tuple[int, int, frozenset[str]], tuple[str, int, int] | None] | None = None
        self._extras: tuple[DateMention | None, tuple[float, tuple[int, int]] | None,
                            list[tuple[int, int]]] | None = None
        self._pronoun: bool | None = None  # what _starts_pronoun says (computed once)
        self._jv: bool | None = None  # what _jv_word says (computed once)
        self._infra: bool | None = None  # whether _INFRA lies in the sentence (see _own_capex; computed once)
        # the last _sells, its topic
        self._sells_for: tuple[EntityMention | None, EntityIndex, frozenset[str]] | None = None

    @property
    def clauses(self) -> list[tuple[int, int]]:
        """The sentence's clauses ``(start, end)``, in order, covering it: split at the first use.

        Most sentences name no figure and many are never read by clause: they are not split at all.
        """
        got = self._clauses
        if got is None:
            got = self._clauses = _clauses_of(self.folded, self.start, self.end, self.wide_from < self.end)
        return got


def _clauses_of(folded: str, s: int, e: int, wide: bool = True) -> list[tuple[int, int]]:
    """The clauses of the sentence ``folded[s:e]``: split at :data:`_CLAUSE_BREAK` outside parentheses.

    ``wide``: whether a wide character may lie in the sentence (else its marks are ASCII ones).
    """
    if _space_break_in(folded, s, e, wide):
        breaks = [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(folded, s, e)]
    else:
        breaks = [(p, p + 1) for p in _mark_breaks(folded, s, e, wide)]
    clauses = []
    last = s
    opened = folded.find("(", s, e)
    for bs, be in breaks:
        if 0 <= opened < bs and _inside_parens(folded, opened, bs, e):
            continue  # "Hooli (the parent of Acme, Borealis and Ember) signed...": a list inside an aside
        clauses.append((last, be))
        last = be
    clauses.append((last, e))
    return clauses


#: The marks :data:`_MARK_BREAK` breaks at, and those of them a sentence without wide characters can hold.
_MARKS: Final[tuple[str, ...]] = (*_BREAK_MARKS, ",")
_ASCII_MARKS: Final[tuple[str, ...]] = tuple(m for m in _MARKS if m.isascii())


def _mark_breaks(f: str, s: int, e: int, wide: bool) -> list[int]:
    """Where :data:`_MARK_BREAK` matches in ``f[s:e]`` (each match is one mark), in order.

    Found by C scans for each mark (``str.find``) instead of a class test at every character; a comma before three
    digits (``1,000``, the digits up to ``e``) is no break. ``wide``: whether a wide character may lie in the range
    (every mark but the ASCII ones is one). tests/test_relations_speed.py compares it with the pattern.
    """
    out: list[int] = []
    for mark in (_MARKS if wide else _ASCII_MARKS):
        p = f.find(mark, s, e)
        while p >= 0:
            if mark != "," or p + 4 > e or not f[p + 1:p + 4].isdecimal():
                out.append(p)
            p = f.find(mark, p + 1, e)
    out.sort()
    return out


def _type_in(sent: _Sentence, lo: int, hi: int, sells: frozenset[str]) -> tuple[str, int, int] | None:
    """:func:`_deal_type` of ``sent.folded[lo:hi]``, computed once per range of a sentence.

    A range holding no type cue (half of those asked) is answered at once, not kept: ``None``.
    """
    cues = _find(_ALL_TYPE_RE, sent.folded, lo, hi)
    if not cues:
        return None
    types = sent._types
    if types is None:
        types = sent._types = {}
    key = (lo, hi, sells)  # ``sells`` a frozenset (compared by its words, as ``frozenset(sells)`` was)
    if key in types:
        return types[key]
    got = _cued_type(sent.folded, lo, hi, sells, cues)
    types[key] = got
    return got


class _Scan:
    """Every match of a pattern in the whole text ``text``: ``hits`` ``(start, end, word)`` in order, their starts.

    ``at``: where in ``starts`` the last range asked began (see :func:`_lower`): the rules read a text's sentences in
    order, so the next range most often starts a few hits on, or at the same one.
    """

    __slots__ = ("at", "hits", "starts", "text")

    def __init__(self, text: str, starts: list[int], hits: list[tuple[int, int, str]]) -> None:
        self.text = text
        self.starts = starts
        self.hits = hits
        self.at = 0


_SCANS: Final[dict[int, _Scan]] = {}


def _lower(a: list[int], x: int, near: int) -> int:
    """``bisect_left(a, x)`` (``a`` sorted), looked for from ``near`` on: a few steps, else by bisection.

    ``near`` is where the last answer lay (a cursor): a rule reading one sentence after another asks for a place a
    few hits away from it, found in as many comparisons, not the bisection's dozen on a long text's hits.
    tests/test_relations_speed.py compares it with :func:`bisect.bisect_left`.
    """
    n = len(a)
    i = near if near < n else n
    if i < n and a[i] < x:  # on to the right: every one before ``i`` is below ``x`` too
        i += 1
        k = 0
        while i < n and a[i] < x:
            k += 1
            if k == 4:
                return bisect_left(a, x, i, n)
            i += 1
        return i
    k = 0  # ``i == n`` or ``a[i] >= x``: back to the left while the one before is at or above ``x``
    while i > 0 and a[i - 1] >= x:
        k += 1
        if k == 4:
            return bisect_left(a, x, 0, i)
        i -= 1
    return i


def _scan(regex: re.Pattern[str], s: str) -> _Scan:
    """Every match of ``regex`` in the whole text ``s``, scanned once per text."""
    got = _SCANS.get(id(regex))  # by id: a pattern's hash is computed from its whole code on every call
    if got is None or got.text is not s:
        if id(regex) in _LISTS:
            # every registered cue trie at once (one pass of the text: see _Union)
            if not _UNION:
                _UNION.append(_Union(_LISTS))
            union = _UNION[0]
            for (key, _, _), hits in zip(union.lists, union.scan(s), strict=True):
                _SCANS[key] = _Scan(s, [h[0] for h in hits], hits)
            got = _SCANS[id(regex)]
        else:
            hits = [(m.start(), m.end(), m.group(0)) for m in regex.finditer(s)]
            got = _Scan(s, [h[0] for h in hits], hits)
            _SCANS[id(regex)] = got
    return got


def _find(regex: re.Pattern[str], s: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """The matches of ``regex`` lying in ``s[lo:hi]`` (from one scan of the whole text: linear in all)."""
    got = _SCANS.get(id(regex))
    if got is None or got.text is not s:
        got = _scan(regex, s)
    starts = got.starts
    i = _lower(starts, lo, got.at)
    got.at = i
    if i == len(starts) or starts[i] >= hi:
        return []
    j = _lower(starts, hi, i)
    # hits are in text order and do not overlap (so their ends rise too): those starting in [lo, hi), kept when
    # they end by hi, which only the last one can fail
    hits = got.hits
    return hits[i:j] if hits[j - 1][1] <= hi else hits[i:j - 1]


def _find_near(regex: re.Pattern[str], f: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """:func:`_find` of a pattern registered by :func:`_near` (found with the other cue tries: :class:`_Union`)."""
    return _find(regex, f, lo, hi)


def _find_local(regex: re.Pattern[str], f: str, lo: int, hi: int, s_lo: int, s_hi: int) -> list[tuple[int, int, str]]:
    """:func:`_find` of a pattern registered by :func:`_near`, for ``[lo, hi)`` inside ``[s_lo, s_hi)`` (a sentence).

    The hits are those of the whole text's scan (:class:`_Union`); the sentence's bounds are not needed.
    """
    return _find(regex, f, lo, hi)


def _clause_of(sent: _Sentence, pos: int) -> tuple[int, int]:
    if sent._starts is None:
        sent._starts = [c[0] for c in sent.clauses]
    k = bisect_right(sent._starts, pos) - 1
    if k >= 0 and sent.clauses[k][0] <= pos < sent.clauses[k][1]:
        return sent.clauses[k]
    return sent.start, sent.end


_PURCHASE: Final = frozenset({"chip_purchase", "compute_contract", "data_hosting", "lease", "services",
                              "custom_chip_partnership"})
_STRONG_FIRST: Final = ("rpo", "market_cap", "valuation", "eps", "capex", "operating_income", "net_income",
                        "operating_cash_flow", "free_cash_flow", "dividend", "buyback", "aum", "pe_forward", "users",
                        "revenue")


#: After a chip word, what makes it a description of a firm or a field, not goods ("chip startup", "chip wars").
_CHIP_DESCRIBES: Final = re.compile(
    r"\s+(?:[\w-]+\s+){0,2}?(?:startups?|start-ups?|makers?|designers?|compan(?:y|ies)|"
    r"firms?|giants?|rivals?|developers?|suppliers?|stocks?|sector|industry|wars?|race|"
    r"leaders?|darling|king|titan|powerhouse|behemoth|juggernaut|heavyweight|champion)\b")
#: After "shares of"/"shares in": a firm, then a verb of a price moving ("Shares of Acme soared 60%").
_SHARES_MOVED: Final = re.compile(
    r"[^.;,]{0,40}?\b(?:soared|jumped|rose|fell|climbed|surged|dropped|plunged|gained|"
    r"tumbled|slid|sank|rallied|spiked|slumped|rocketed|skyrocketed|popped|were up|were down)\b")
_INVEST_NOUN: Final = re.compile(r"额|者|人|机构|银行|\s?(?:banks?|firms?)\b")
#: The characters an :data:`_INVEST_NOUN` match can open on (and any space): its gate.
_INVEST_NOUN_FIRST: Final = "额者人机银bf"


def _invest_noun(folded: str, p: int) -> bool:
    """Whether :data:`_INVEST_NOUN` matches at ``p`` (within 6 characters).

    Tried only where ``p`` holds one of the characters it opens on.
    """
    ch = folded[p:p + 1]
    return (ch in _INVEST_NOUN_FIRST or ch.isspace()) and ch != "" and \
        _INVEST_NOUN.match(folded, p, p + 6) is not None


_IN_KIND: Final = re.compile(r"in cash|to the (?:partnership|joint venture|venture|jv)")


def _first(typ: str, hits: list[tuple[int, int, str]]) -> tuple[str, int, int]:
    """``typ`` with the span of the earliest cue of ``hits`` (a category's cues, in text order, not none).

    A module-level function, not a closure in :func:`_cued_type`: the compiled build makes a closure's environment
    object at every call.
    """
    h = hits[0]
    return typ, h[0], h[1]


def _deal_type(folded: str, lo: int, hi: int, sells: frozenset[str]) -> tuple[str, int, int] | None:
    """The deal type signalled in ``folded[lo:hi]``, with the span of the deciding cue."""
    cues = _find(_ALL_TYPE_RE, folded, lo, hi)
    if not cues:
        return None  # every type below needs a cue
    return _cued_type(folded, lo, hi, sells, cues)


def _cued_type(folded: str, lo: int, hi: int, sells: frozenset[str],
               cues: list[tuple[int, int, str]]) -> tuple[str, int, int] | None:
    """:func:`_deal_type` of ``folded[lo:hi]``, whose type cues (not none) are ``cues``.

    The cues of each category are kept in a list by the category's number (:data:`_CUE_CAT_IDS`), not in a dict by
    its name: the compiled build reads a list's item in a few instructions, a dict's in a hundred or more.
    """
    found: list[list[tuple[int, int, str]] | None] = [None] * _N_CATS  # the cues of each category, in text order
    for h in cues:
        for c in _CUE_CAT_IDS[h[2]]:
            hs = found[c]
            if hs is None:
                found[c] = [h]
            else:
                hs.append(h)
    # 投資額/投資者/投資人/投資機構 are nouns (the amount, the investors), not the act of investing
    equity = found[_C_EQUITY]
    if equity is not None:
        equity = [h for h in equity if not _invest_noun(folded, h[1])
                  and not (h[2].startswith("contribut") and _IN_KIND.search(folded, h[1], h[1] + 60))
                  and not (h[2] in ("put", "puts") and not _PUT_INTO.match(folded, h[1]))]

    stake = found[_C_STAKE]
    if stake is not None and any(h[2] in ("shares of", "shares in") for h in stake):
        # "Shares of Acme soared after...": the price of a firm's shares, not a stake bought
        stake = [h for h in stake if h[2] not in ("shares of", "shares in")
                 or not _SHARES_MOVED.match(folded, h[1], hi)]

    for cat, first_kind in _FIRST_KINDS:
        hs = found[cat]
        if hs:
            return _first(first_kind, hs)
    buy = found[_C_BUY]
    contract = found[_C_CONTRACT]
    buying = bool(buy or contract)
    chips = found[_C_CHIP_WORDS]
    compute = found[_C_COMPUTE_WORDS]
    # "GPU capacity", "GPU集群": compute sold by the hour, not chips bought
    if chips and compute:
        chips = [h for h in chips if not any(c[0] <= h[0] < c[1] for c in compute)]
    if chips:
        # "AI chip startup Zentrix", "chip design software maker Zentrix", "the AI chip wars": a chip word that
        # describes a firm or a field names no goods
        chips = [h for h in chips if not _CHIP_DESCRIBES.match(folded, h[1])]
    licence = found[_C_LICENCE]
    if licence and not _rx(r"export\s*$").search(folded, max(lo, licence[0][0] - 8), licence[0][0]):
        return _first("services", licence)
    if chips and buying:
        return _first("chip_purchase", chips)
    if compute and (buying or not equity):
        return _first("compute_contract", compute)
    for cat, place_kind in _PLACE_KINDS:
        hs = found[cat]
        if hs:
            return _first(place_kind, hs)
    debt = found[_C_DEBT]
    if debt and not any(h[2] == "financing" and _rx(r"equity\s*$").search(folded, max(lo, h[0] - 8), h[0])
                        for h in debt):
        return _first("debt_financing", debt)
    if equity and any(h[2] in ("股权投资", "equity") for h in equity):
        return _first("equity_investment", equity)
    if stake:
        return _first("acquisition_stake", stake)
    if equity:
        return _first("equity_investment", equity)
    hs = found[_C_DATACENTRE]
    if hs and buying:
        return _first("data_hosting", hs)
    if buying:
        use = _gated_search(_PAY_TO_USE, _PAY_TO_USE_WORDS, folded, lo, hi)
        if use is not None:
            return ("services", use.start(), use.end())  # "pay $3 billion a year to integrate Acme's technology"
    orders = [h for h in buy if h[2] in ("订单", "大单")] if buy else []
    if orders and not sells:
        return ("services", orders[0][0], orders[0][1])  # "獲得X超過2億美元的訂單": an order for goods not named
    if (contract or buy) and sells:
        kind = "compute_contract" if "compute_contract" in sells else (
            "chip_purchase" if "chip_purchase" in sells else None)
        if kind:
            if contract:
                return _first(kind, contract)
            if buy:
                return _first(kind, buy)
    return None


#: Money paid or spent to use another firm's technology ("will spend $3 billion per year to deploy Acme's
#: solutions"): a purchase of services from that firm.
_PAY_TO_USE: Final = re.compile(
    r"\b(?:pay|pays|paid|paying|spend|spends|spent|spending)\b(?:[^.;]|\.(?=\d)){0,40}?\bto\s+"
    r"(?:integrate|deploy|use|adopt|utilize|utilise|access)\s")
_PAY_TO_USE_WORDS: Final = ("pay", "paid", "spen")  # its gate: every match holds one


#: "puts $1 billion behind Acme", "put $2 billion into Acme": money put into a firm is an investment ("put" alone
#: is no cue).
_PUT_INTO: Final = re.compile(r"(?:[^.;,]|[.,](?=\d)){0,40}?\b(?:into|behind)\s")


#: Deal kinds a clause names outright (a licence, a stake...), which a bare "deal" next to the figure yields to.
_NAMED_KINDS: Final = frozenset(
    {"services", "acquisition_stake", "warrant", "custom_chip_partnership", "joint_venture"})


#: The cue words of the generic verbs (buy, pay, contract), as one set (a hash look-up, not two list scans).
_WEAK_WORDS: Final = frozenset(TYPE_CUES["buy"]) | frozenset(TYPE_CUES["contract"])


def _weak(f: str, found: tuple[str, int, int]) -> bool:
    """Whether a type was read only from a generic verb (buy, pay, contract) and who sells what."""
    return f[found[1]:found[2]] in _WEAK_WORDS


_PART_OF: Final = re.compile(r"\s*(?:including|of which|among them|其中|包括|当中)")


#: "以40億美元資金" / "以約N的價格": a figure introduced as the means ("with N") of the verb that follows.
_MEANS_BEFORE: Final = re.compile(r"(?:以|用|斥资|耗资)\s*(?:约|近|逾|超过|高达)?\s*$")
_MEANS_AFTER: Final = re.compile(r"\s*(?:的)?\s*(?:资金|现金|价格|代价|对价|总价|估值)?\s*[，,]?\s*")
#: The verbs a means clause leads to ("，收購Y", "，入股Y"): buying and investing.
_MEANS_VERB: Final = re.compile(r"\s*(?:[^，,。;；]{0,6}?)(?:收购|买下|并购|入股|投资|注资|认购|购买)")


#: A unit price ("每顆售價16,061美元") or an estimate's cost ("估計…意味100萬顆晶片將耗資N"): no payment.
_UNIT_PRICE: Final = re.compile(r"每(?:颗|台|个|块|片|套|张|枚|单位)[^，,。;；]{0,6}?(?:售价|价格|单价|成本|要价)"
                                r"[为约达近]?\s*$")
_ESTIMATE: Final = re.compile(r"估计|估算|预估|推算|意味")
_COSTS: Final = re.compile(r"(?:耗资|花费|成本)(?:将)?(?:超过|逾|约|近|达)?\s*$")
#: Firms that lead or drive a total, or each spend their own ("領跑", "帶動", "分別承諾"): no payment between them.
_EACH_OWN: Final = re.compile(r"领跑|带动|推高|分别|各自")
#: Firms named by a generic noun that spend ("科技公司競相斥資"): nobody is paid.
_GENERIC_SPENDERS: Final = re.compile(r"(?:科技公司|科技巨头|科技企业|云端巨头|云厂商|企业|业者|巨头们|公司们)"
                                      r"[^，,。;；]{0,4}?"
                                      r"(?:竞相|纷纷|争相|都|均|正)?\s*(?:斥资|投入|投资|砸下?|花费|耗资)\s*$")


def _own_spending(sent: _Sentence, a: AmountMention, clause: tuple[int, int]) -> bool:
    """Whether figure ``a`` is spending with no payee (guideline §5: capex and cost estimates are hard negatives).

    By firms named only generically, a unit price, an estimate's cost, or firms that each spend their own.
    """
    if sent.wide_from >= sent.end:
        return False  # every pattern below is Chinese (each match holds a wide character) and read in the sentence
    f = sent.folded
    lo = max(clause[0], a.start - 24)
    if _UNIT_PRICE.search(f, lo, a.start) or _GENERIC_SPENDERS.search(f, lo, a.start):
        return True
    if _COSTS.search(f, max(clause[0], a.start - 8), a.start) and _ESTIMATE.search(f, sent.start, a.start):
        return True
    # "龍華與天成領跑，帶動數據中心租賃承諾突破N": the firms of the sentence are one coordinated subject, named in a
    # clause with no deal word, and the figure's clause names none of them
    if not [e for e in sent.ents if clause[0] <= e.start < clause[1]] and \
            _EACH_OWN.search(f, sent.start, sent.end):
        actors = _actors(sent)
        run = _coordinated(sent, actors, sent.end)
        if run and {e.id for e in actors} == {e.id for e in run}:
            rs, re_ = _clause_of(sent, run[0].start)
            if run[-1].end <= re_ and _type_in(sent, rs, re_, _NO_SELLS) is None:
                return True
    return False


def _by_means(sent: _Sentence, a: AmountMention, clause: tuple[int, int],
              sells: frozenset[str]) -> tuple[str, int, int, str] | None:
    """The type of the next clause's verb for a figure that is its means ("同意以40億美元資金，收購Y").

    Only when the figure ends its clause after 以/用 (and at most 資金/現金/價格), and the next clause opens on a
    buying or investing verb and holds no money figure of its own.
    """
    f = sent.folded
    if sent.wide_from >= a.start or not _MEANS_BEFORE.search(f, max(clause[0], a.start - 6), a.start) or \
            not _MEANS_AFTER.fullmatch(f, a.end, clause[1]):
        return None
    k = sent.clauses.index(clause) if clause in sent.clauses else -1
    if k < 0 or k + 1 >= len(sent.clauses):
        return None
    ns, ne = sent.clauses[k + 1]
    if not _MEANS_VERB.match(f, ns + 1 if f[ns:ns + 1] in "，," else ns) or \
            [b for b in sent.amts if ns <= b.start < ne and b.amount.currency is not None]:
        return None
    found = _type_in(sent, ns, ne, sells)
    return None if found is None else (*found, "sentence")


def _type_for(sent: _Sentence, a: AmountMention, clause: tuple[int, int],
              sells: frozenset[str]) -> tuple[str, int, int, str] | None:
    """Deal type for figure ``a``: the noun phrase around it, then its clause, then a free clause."""
    f = sent.folded
    cs, ce = clause
    means = _by_means(sent, a, clause, sells)
    if means is not None:
        return means
    nxt = ce
    for b in sent.amts:  # sorted by start: the first one after ``a`` is the nearest
        if b.start > a.start:
            nxt = min(nxt, b.start)
            break
    local = _type_in(sent, a.end, min(nxt, a.end + 10), sells)
    if local is not None and local[0] not in ("equity_investment",):
        if not _weak(f, local):
            return (*local, "phrase")
        found = _type_in(sent, cs, ce, sells)
        if found is None or found[0] not in _NAMED_KINDS:
            return (*local, "phrase")
        # "a $20 billion deal with Zentrix to license its chips": a bare "deal" yields to the clause's own cue
    found = _type_in(sent, cs, ce, sells)
    if found is not None and (_weak(f, found) or a.amount.unit == "shares"):
        # a bare "buy"/"contract" read through who sells what yields to a specific cue elsewhere in the
        # sentence (Zorg 向 Acme 發行認股權證..., Acme 能...購買最多1.6億股)
        for s, e in sent.clauses:
            strong = _type_in(sent, s, e, _NO_SELLS)
            if strong is not None and strong[0] in ("warrant", "custom_chip_partnership", "joint_venture",
                                                    "acquisition_stake"):
                return (*strong, "sentence")
        # then to an explicit chip or compute cue in a clause that lends it (no money figure of its own)
        for (s, e), owners in zip(sent.clauses, _owners(sent), strict=True):
            if (s, e) == clause or any(b.amount.currency is not None for b in owners):
                continue
            strong = _type_in(sent, s, e, _NO_SELLS)
            if strong is not None and not _weak(f, strong) and strong[0] in _PURCHASE:
                return (*strong, "sentence")
    if a.amount.unit == "shares" and found is not None and found[0] in _PURCHASE:
        return None
    if found is not None:
        return (*found, "clause")
    money = a.amount.currency is not None
    k = sent.clauses.index(clause) if clause in sent.clauses else -1
    if k > 0 and _PART_OF.match(f, cs):
        # "Vandelay raised $20 billion, including $2 billion from Initech": a part takes the whole's cue
        ps, pe = sent.clauses[k - 1]
        prev = _type_in(sent, ps, pe, sells)
        if prev is not None:
            return (*prev, "sentence")
    for (s, e), owners in zip(sent.clauses, _owners(sent), strict=True):
        # a clause whose figure is a count lends its cue to the money figure that prices it (訂購了約
        # 400,000顆...晶片,總價值約400億美元); otherwise a clause with a figure keeps its cue
        if (s, e) == clause or any(not money or (b.amount.currency is not None and not _tiny(b)) for b in owners):
            continue
        found = _type_in(sent, s, e, sells)
        if found is not None:
            return (*found, "sentence")
    return None


def _owners(sent: _Sentence) -> list[Sequence[AmountMention]]:
    """The figures starting in each clause of ``sent``, clause by clause (computed once per sentence)."""
    if sent._owners is None:
        starts = [b.start for b in sent.amts]
        sent._owners = [sent.amts[bisect_left(starts, s):bisect_left(starts, e)] for s, e in sent.clauses]
    return sent._owners


def _tiny(b: AmountMention) -> bool:
    """A price per share or per unit (below :data:`_TINY`), which lends its clause's cue to the total."""
    return b.amount.high is not None and b.amount.high < _TINY


_MKT_WORDS: Final = ["市值", "market cap", "market value"]
_MKT_RE: Final = _near(_pattern(_MKT_WORDS), _MKT_WORDS)


def _fact_cue(sent: _Sentence, lo: int, hi: int) -> tuple[int, int, str] | None:
    cues = _find_local(_FACT_RE, sent.folded, lo, hi, sent.start, sent.end)
    if not cues:
        return None
    return min(cues, key=lambda c: (_STRONG_FIRST.index(FACT_CUES[c[2]]), -c[0]))


#: What makes a figure no fact: a forecast or an effect right after it ("的市场预期", "impact"); a forecast's words
#: right before it ("分析師預期為"); a change in market value after it ("市值上漲"). Read for every figure:
#: module-level patterns, not :func:`_rx` look-ups.
_FORECAST_AFTER: Final = re.compile(
    r"\s*(?:的)?\s*(?:市场预测|市场预期|预期|共识|预估|consensus|estimates?\b|forecasts?\b)"
    r"|\s*(?:的)?\s*(?:正向|负面|负向|正面|positive|negative)?\s*(?:影响|impact|effect)")
_FORECAST_BEFORE: Final = re.compile(
    r"(?:市场|分析师|共识)(?:的)?(?:预期|预测|预估)\s*(?:为|是)?\s*$|consensus of\s*$|expected\s*$")
#: Their gates: every match holds one of these words.
_FORECAST_AFTER_WORDS: Final = ("预期", "预测", "共识", "预估", "consensus", "estimate", "forecast", "影响", "impact",
                                "effect")
_FORECAST_BEFORE_WORDS: Final = ("市场", "分析师", "共识", "consensus of", "expected")
_CAP_MOVE_AFTER: Final = re.compile(r"\s*(?:的)?\s*(?:市值)?\s*(?:上涨|涨幅|蒸发)")


def _fact_metric(sent: _Sentence, a: AmountMention, clause: tuple[int, int],
                 deal_cue_here: bool) -> tuple[str, int, int] | None:
    """The metric a figure states, from the cue nearest to it (just after it, in its clause, in its sentence)."""
    f = sent.folded
    unit = a.amount.unit
    cs, ce = clause
    before = f[cs:a.start]
    after = f[a.end:min(ce, a.end + 8)]
    tail = before[-12:]
    if _holds_any(after, _FORECAST_AFTER_WORDS) and _FORECAST_AFTER.match(after) or \
            _holds_any(tail, _FORECAST_BEFORE_WORDS) and _FORECAST_BEFORE.search(tail):
        return None
    if unit == "%":
        if _CHANGE_RE.search(before[-6:]) and not _MOVE_RE.search(before[-6:]):
            return None
        moves = _find_near(_MOVE_RE, f, max(cs, a.start - 12), a.start) + \
            _find_near(_MOVE_RE, f, a.end, min(ce, a.end + 4))
        if moves and not _rx(r"同比|环比|年增|增速|year over year|year-on-year").search(before[-12:]):
            mkt = _find_near(_MKT_RE, f, max(cs, a.start - 12), a.start)
            m = moves[-1]
            # A figure after a fall (跌幅 16.97%, fell 5%) is written without its sign: the metric carries it,
            # as the ledger does (share_price_decline), so a crash is never read as a rise.
            kind = "decline" if _FALL_RE.search(f[m[0]:m[1]]) else "change"
            return ("market_cap_" if mkt else "share_price_") + kind, m[0], m[1]
        verbs = _find_near(_STAKE_VERB_RE, f, cs, a.start)
        if verbs and (_rx(r"持股|持有|\bowns?\b|\bholds?\b").search(f[verbs[-1][0]:verbs[-1][1]])
                      or _rx(r"\s*(?:的)?\s*(?:股份|股权|stake|of the shares)").match(after)):
            return "stake", verbs[-1][0], verbs[-1][1]
        return None
    if unit == "x":
        return None
    per_share = f[a.end:a.end + 8]
    if _holds_any(per_share, _PER_SHARE_WORDS) and _PER_SHARE_AFTER.search(per_share) and _rx(
            r"收于|收报|股价|closed at|share price").search(f[max(cs, a.start - 10):a.start]):
        return "share_price", a.start, a.end
    if _CHANGE_RE.search(before[-6:]) and not _TO_LEVEL.search(before[-4:]):
        return None
    # "2,500 億美元市值上漲", "1,700 億美元的上漲": a change in market value
    rise = _CAP_MOVE_AFTER.match(after) if sent.wide_from < a.end + 8 else None  # each match holds a wide character
    if rise:
        return "market_cap_change", a.end, a.end + rise.end()
    follow = _find_local(_FACT_RE, f, a.end, min(ce, a.end + 32), sent.start, sent.end)
    word = None
    if follow and (f[a.end:follow[0][0]].strip() in ("", "的") or _rx(r"\s*的\w{0,2}$").match(f[a.end:follow[0][0]])
                   or _rx(r"\s*(?:on|in|of|for)\s+").fullmatch(f[a.end:follow[0][0]])):
        word = follow[0]
    if word is None:
        word = _fact_cue(sent, cs, a.start)
    if word is None and not deal_cue_here:
        # a clause with no cue of its own ("相較上一財年的250億美元") continues the sentence's metric
        word = _fact_cue(sent, sent.start, cs)
    if word is None:
        return None
    metric = FACT_CUES[word[2]]
    if metric == "valuation" and _rx(r"以\s*$").search(before[-3:]) and \
            _rx(r"收购|并购|买下|\bacquire").search(f, a.end, sent.end):
        return None  # "將以約40億美元的整體估值收購Acme": the price of the whole firm, the deal's value
    if metric == "revenue" and _rx(r"\s*value\b").match(f[word[1]:word[1] + 8]):
        return None  # "a potential sales value of $90 billion": the value of the deal, not revenue
    if metric == "valuation" and word[2] == "valued at" and _DEAL_NOUN_BEFORE.search(f, max(sent.start, word[0] - 90),
                                                                                             word[0]):
        return None  # "an agreement valued at $17.4 billion", "the deal, valued at...": a deal's value, not a firm's
    if metric == "valuation" and word[2] == "估值" and _DEAL_WORD_BEFORE_ZH.search(f, max(sent.start, word[0] - 3),
                                                                                     word[0]):
        return None  # "收購Y…，交易估值接近N": the deal valued, not a firm (guideline section 4: the deal's value)
    between = f[word[1]:a.start] if word[1] <= a.start else ""
    if _rx(r"价格|均价|\bprice\b").search(between) or _rx(r"^\s*价格").search(f[word[1]:word[1] + 3]):
        return None
    if metric in ("revenue", "capex", "eps") and _GUIDE_RE.search(f[min(word[0], a.start):a.start] + f[cs:a.start]) \
            and not _rx(r"较|相较|比|上一|去年|compared|from").search(f[cs:a.start]):
        metric = f"{metric}_guidance"
    if metric == "users" and unit is not None:
        return None
    if metric not in ("users", "pe_forward") and unit is None:
        return None
    return metric, word[0], word[1]


def _landlord(sells: frozenset[str]) -> bool:
    """Whether a firm that sells ``sells`` lets data-centre space and sells no compute of its own."""
    return "compute_contract" not in sells and bool(sells & {"lease", "data_hosting"})


def _seller_first(typ: str, x: EntityMention, y: EntityMention,
                  index: EntityIndex) -> tuple[EntityMention, EntityMention] | None:
    """``(payer, payee)`` when exactly one of ``x``, ``y`` usually sells deals of ``typ``."""
    sx, sy = index.sells.get(x.id, frozenset()), index.sells.get(y.id, frozenset())
    if typ in ("compute_contract", "lease", "data_hosting") and _landlord(sx) != _landlord(sy):
        # a cloud and a landlord of data centres that sells no compute: whatever the words, the cloud rents space
        return (x, y) if _landlord(sy) else (y, x)
    xs, ys = typ in sx, typ in sy
    if xs and ys and typ in ("lease", "data_hosting"):
        # a cloud and a landlord of data centres: the one that does not also sell compute lets the space
        xs = "compute_contract" not in index.sells.get(x.id, ())
        ys = "compute_contract" not in index.sells.get(y.id, ())
    if xs and not ys:
        return y, x
    if ys and not xs:
        return x, y
    if xs and ys:
        # two clouds: the one that also usually buys the kind (gazetteer ``buys``) rents the other's capacity
        xb, yb = typ in index.buys.get(x.id, ()), typ in index.buys.get(y.id, ())
        if xb != yb:
            return (x, y) if xb else (y, x)
    return None


#: A buyer's verb and the seller after "from", between the two parties: the direction is said, not inferred.
#: Verb forms only: "won a $3 billion order from Acme" (a noun after a receiving verb) makes Acme the buyer.
_BUY_FROM: Final = re.compile(
    r"\b(?:buys|bought|buying|purchased|purchasing|ordered|ordering|rented|renting|leased|"
    r"licensed|(?:to|will|would|plans to|agreed to) (?:buy|purchase|order|rent|lease|license))\b"
    r"(?:[^.;]|\.(?=\d)){0,60}\bfrom\s+(?:the\s+)?(?:[\w-]+\s+){0,3}$")


#: What a buyer acquires ("取得Acme的部分資產", "取得…股份"): after it, 取得/獲得 is buying, not receiving money.
_ACQUIRED_AFTER: Final = re.compile(r"[^，,。]{0,16}?(?:股|stake|shares|资产|业务|部门|技术|专利|知识产权|人才)")


#: A firm's own verb of paying or buying just after its name, through auxiliaries only ("Acme will spend", "with
#: Acme intending to spend", "Acme agreed to pay", "with Acme reserving the option to buy"): that firm pays. A
#: passive ("was paid") has "was" before the verb and does not match.
_PAYS_AFTER: Final = re.compile(
    r"(?:['’]s\s+)?\s*(?:(?:will|would|also|plans?|planned|planning|intends?|intending|"
    r"intended|agree[sd]?|expects?|expected|expecting|has|have|had|already|reportedly|must|"
    r"could|can|may|might|now|is set|are set|set|then|(?:reserv(?:es|ed|ing)|has|have|had|"
    r"holds?|holding|retains?|retaining|gets?|getting) (?:the|an) option)\s+)*(?:to\s+)?"
    r"(?:pay|pays|paid|paying|spend|spends|spent|spending|buy|buys|bought|buying|purchase[sd]?|"
    r"purchasing)\b")


def _said_payer(sent: _Sentence, left: EntityMention, right: EntityMention,
                upto: int) -> tuple[EntityMention, EntityMention] | None:
    """``(payer, payee)`` when a verb of paying follows a mention of exactly one of the two firms before ``upto``.

    "Borealis is Acme's second source, with Acme intending to spend up to $10 billion on compute": whoever
    usually sells what, the firm that spends pays.
    """
    f = sent.folded
    lo, hi = sent.start, min(sent.end, upto + 1)
    if f.find("spen", lo, hi) < 0 and f.find("pay", lo, hi) < 0 and f.find("paid", lo, hi) < 0 and \
            f.find("bu", lo, hi) < 0 and f.find("purchas", lo, hi) < 0:
        return None  # no verb of paying before the figure (a C scan: most sentences stop here)
    said = {e.id for e in sent.ents if e.id in (left.id, right.id) and e.end < hi
            and _PAYS_AFTER.match(f, e.end, hi) is not None}
    if len(said) != 1 or left.id == right.id:
        return None
    return (left, right) if left.id in said else (right, left)


#: What the agent marked by 由 does right after its name when it pays ("由Dynamo出資", "由Dynamo向其注資").
_BY_PAYS: Final = re.compile(r"(?:\s*[(（][^()（）]{0,30}[)）]|[)）])?\s*"
                             r"(?:向\S{0,8}?)?(?:出资|投资|注资|斥资|支付|投入|提供)")
#: 由 before the agent, a short description between ("由沙國的公共投資基金（PIF）出資", a gloss after the agent's
#: name too; not 由於, "because").
_BY_BEFORE: Final = re.compile(r"由(?!于)[^，,。；;：:由]{0,14}$")


def _orient(sent: _Sentence, left: EntityMention, right: EntityMention, typ: str, index: EntityIndex,
            upto: int) -> tuple[EntityMention, EntityMention]:
    """``(payer, payee)`` for a subject ``left`` and an object ``right`` of a deal of type ``typ``."""
    f = sent.folded
    if typ == "equity_investment" and left.start < right.start and \
            "由" in f[max(left.end, right.start - 16):right.start] and _BY_PAYS.match(f, right.end) and \
            _BY_BEFORE.search(f, max(left.end, right.start - 16), right.start):
        return right, left  # "Acme的基金由Dynamo出資N設立": 由 marks the agent, the one who pays
    if typ == "joint_venture":
        proj = [e for e in (left, right) if index.kinds.get(e.id) == "project"]
        if proj:
            other = right if proj[0] is left else left
            return other, proj[0]
    if typ in _PURCHASE:
        if left.start < right.start and f.find("from", max(left.end, sent.start), right.start) >= 0 and \
                _BUY_FROM.search(f, max(left.end, sent.start), right.start):
            return left, right  # "Acme to purchase $58 billion of equipment from Zentrix": said outright
        payer = _said_payer(sent, left, right, upto)
        if payer is not None:
            return payer  # "Borealis is Acme's second source, with Acme intending to spend up to $10 billion"
        if typ == "services":
            use = _gated_search(_PAY_TO_USE, _PAY_TO_USE_WORDS, f, max(sent.start, upto - 60), min(sent.end, upto + 80))
            if use is not None and use.start() < upto:
                # "Acme will spend $3 billion to deploy Zentrix solutions": the firm used is paid, said outright
                used = next((e.id for e in sent.ents if 0 <= e.start - use.end() <= 12), None)
                if used == right.id != left.id:
                    return left, right
                if used == left.id != right.id:
                    return right, left
        power = [e for e in (left, right) if sent.wide_from < e.start
                 and _POWER_FIRM.search(f, max(sent.start, e.start - 8), e.start)]
        if len(power) == 1:
            # "Acme與能源巨頭Borealis簽署價值100億美元的協議": the firm described as an energy or power company
            # sells its power, whoever sells compute
            return (right, left) if power[0] is left else (left, right)
        by_role = _seller_first(typ, left, right, index)
        if by_role is not None:
            return by_role
    if typ == "debt_financing":
        kl, kr = index.kinds.get(left.id), index.kinds.get(right.id)
        if (kl in _LENDERS) != (kr in _LENDERS) and not _BORROWED_FROM.search(f, sent.start, sent.end):
            # "Acme's $30 billion private credit deal with Dynamo Capital": the fund or bank lends
            return (left, right) if kl in _LENDERS else (right, left)
    lo, hi = (left.end, right.start) if left.start < right.start else (right.end, left.start)
    lo = max(lo, sent.start)  # a subject carried from an earlier sentence (the topic): only this sentence's words
    between = f[lo:hi]
    if typ in ("equity_investment", "debt_financing", "warrant") and left.start < right.start:
        if _INVESTOR_AFTER.match(f, right.end) and not _INVESTOR_AFTER.match(f, left.end):
            return right, left  # "Acme surges on Dynamo's $2 billion investment": Dynamo invests
        if _rx(r"向\s*$").search(f, max(left.end, right.start - 3), right.start) and \
                _rx(r"\s*(?:寻求|筹集|募集|募资|融资|借)").match(f, right.end):
            return right, left  # "Acme轉向Dynamo尋求資金": Dynamo is asked for the money
        if _rx(r"(?:与|和|跟|同)\s*$").search(f, max(left.end, right.start - 3), right.start) and \
                _rx(r"[^，,。;；]{0,4}(?:洽谈|商谈|谈判|磋商)[^。;；]{0,16}(?:融资|筹集|募资|(?<!投)资金)").match(
                    f, right.end):
            return right, left  # "Acme正與Dynamo洽談額外100億美元融資": the firm talked with would invest
    if typ == "equity_investment" and left.start < right.start and \
            _rx(r"在\s*$").search(f, max(left.end, right.start - 2), right.start) and \
            _AFTER_INVESTING.match(f, right.end):
        # "Acme才剛在Dynamo追加投資40億美元後，宣布…": 在X投資…後 is a time told by what X did; X invests
        return right, left
    if typ == "equity_investment" and left.start < right.start and \
            _gated_search(_WITH_FAR, _WITH_WORDS, f, max(left.end, right.start - 40), right.start) and \
            not _SAID_DIRECTION.search(between):
        # "Acme正與Dynamo就一項100億美元的投資協議進行談判": talks with no direction word; the firm that usually
        # raises money (gazetteer ``sells`` equity_investment: it sells its shares) is the investee
        by_role = _seller_first(typ, left, right, index)
        if by_role is not None:
            return by_role
    if typ in ("equity_investment", "acquisition_stake", "joint_venture", "debt_financing", "warrant"):
        # "Vandelay 獲得龍華...投資", "Acme 從天成獲得", "raised $2 billion of debt from Stonecrest"
        span = f[lo:max(hi, upto)] if left.start < right.start else between
        got = [m for m in _RECEIVE_RE.finditer(span)
               if not (typ == "acquisition_stake" and _ACQUIRED_AFTER.match(f[lo + m.end():lo + m.end() + 40]))]
        borrow = typ == "debt_financing" and _rx(r"借|borrow").search(f[right.end:max(upto, right.end) + 4])
        if borrow and left.start < right.start and _rx(r"(?:向|从|\bfrom)\s*$").search(between):
            return right, left  # "艾克米向迪納摩資本借款50億美元": the one lent to borrows
        if left.start < right.start and not borrow and (
                _OBJECT_FAR.search(f[max(lo, right.start - 40):right.start]) or (
                _rx(r"在[^，,；;。]{0,10}$").search(f[max(left.end, right.start - 12):right.start])
                and _ROUND_AFTER.match(f, right.end))):
            return left, right
        if got and not _rx(r"(?:向|对|给|\bin|\binto)\s*$").search(between):
            return (right, left) if left.start < right.start else (left, right)
        return left, right
    span_after = f[left.end:max(upto, left.end)]
    pm = _PROVIDE_RE.search(span_after)
    if pm is not None and left.start < right.start and right.end <= left.end + pm.start() and \
            _WITH_Y_TO.fullmatch(f, right.end, left.end + pm.start()):
        return left, right  # "Acme signed an agreement with Cobalt to provide capacity": Cobalt provides, Acme pays
    if pm is not None and not _rx(r"向.{0,12}(?:购|买|订)").search(span_after):
        return right, left
    if _RECEIVE_RE.search(between) and not _rx(r"向|从|\bfrom\b").search(between):
        return right, left
    return left, right


#: A firm described as an energy or power company ("能源巨頭", "電力公司"): in a purchase it is the seller.
_POWER_FIRM: Final = re.compile(r"(?:能源|电力|发电|核能|核电)(?:巨头|公司|企业|集团|商|业者|开发商|供应商)\s*$")
#: "(在X)追加投資40億美元後": what X did, told as the time of what follows.
_AFTER_INVESTING: Final = re.compile(r"\s*(?:追加|再次|再|又|宣布|完成|额外)?\s*(?:投资|注资|出资|入股)"
                                     r"[^，,。;；]{0,20}?(?:之后|以后|后)")
#: A word between two firms that says who pays ("向", "對", "從", "獲", "in", "from"): the direction is said.
_SAID_DIRECTION: Final = re.compile(r"向|对|给|从|获|得到|\b(?:in|into|from|to)\b")
#: Kinds of entity that lend when a loan or credit deal names one of them and a firm of another kind.
_LENDERS: Final = frozenset({"fund", "bank"})
#: ... unless the text says the lender borrowed ("the fund borrowed $2 billion from Acme").
_BORROWED_FROM: Final = re.compile(r"\bborrow(?:s|ed|ing)?\b")
#: "Dynamo's $2 billion investment", "Dynamo announced a $2 billion equity investment in the startup": the
#: firm before the figure is the investor (an investment noun, not a round or a raise, which are the investee's);
#: also with no object ("Acme said Dynamo will make a $1 billion equity investment and receive warrants").
_INVESTOR_AFTER: Final = re.compile(
    r"(?:'s|’s)\s+(?:[\w$.,-]+\s+){0,4}?(?:investment|contribution|commitment|pledge)\b|"
    r"\s+(?:announced|unveiled|made|will make|agreed to make)\s+(?:an?\s+)?"
    r"(?:[\w$.,-]+\s+){0,4}?"
    r"(?:investment|contribution|commitment)(?:\s+in\s+the\b|(?=\s*(?:and\b|[,.;]|$)))")
_WITH_Y_TO: Final = re.compile(r"\s*(?:group|inc\.?|corp\.?|ltd\.?|plc)?\s*(?:to|will|would|shall|将|会|来)\s*")
#: "完成了Acme的額外225億美元投資", "in Acme's latest funding": the firm before 的/'s is invested in.
_GENITIVE_INVEST: Final = re.compile(
    r"\s*(?:的|'s|’s)\s*[^，,。;；]{0,16}?(?:投资|注资|融资|\binvestment\b|\bfunding\b)")
#: Deal types in which firms named together ("A and B will invest") pay together.
_TOGETHER: Final = frozenset({"equity_investment", "joint_venture", "debt_financing"})
_STAKE_VERBS: Final = [
    "持股", "持有", "收购", "买入", "入股", "购入", "stake", "owns", "holds", "own", "hold", "acquire",
    "acquires", "acquired", "buy", "buys", "bought", "take", "takes"]
_STAKE_VERB_RE: Final = _near(_pattern(_STAKE_VERBS), _STAKE_VERBS)
_WITH_BEFORE: Final = re.compile(r"(?:与|和|跟|同|\bwith\b)\s*$")


#: "與澳洲基礎設施營運商Wonka簽署", "with AI infrastructure group Nimbus": the counterparty, described first.
_WITH_FAR: Final = re.compile(r"(?:与|跟|同)[^，,；;。:：!?与和及、]{0,14}$|\bwith\s+(?:the\s+)?(?:[\w-]+\s+){0,4}$")
_WITH_WORDS: Final = ("with", "与", "跟", "同")  # the gate of _WITH_FAR
_RELATIVE: Final = re.compile(r"\s*(?:which|who)\b")
_OBJECT_MARK: Final = re.compile(r"(?:向|对|给|与|和|从|跟|同|\bto|\bwith|\bfrom|\bin)\s*$")


def _is_object(f: str, lo: int, e: EntityMention) -> bool:
    """Whether ``e`` is marked as a deal's object.

    Right after 向/對/to..., with a short description between, or "在X的...募資" (the firm whose round it is).
    """
    far = f[max(lo, e.start - 40):e.start]
    if _OBJECT_MARK.search(f[max(lo, e.start - 4):e.start]) or _OBJECT_FAR.search(far) \
            or _holds_any(far, _WITH_WORDS) and _WITH_FAR.search(far):
        return True
    return bool(_rx(r"在[^，,；;。]{0,10}$").search(f[max(lo, e.start - 12):e.start]) and _ROUND_AFTER.match(f, e.end))


def _group(members: list[EntityMention]) -> EntityMention:
    """One payer standing for several firms that pay together (id ``a+b``, members sorted)."""
    ids = sorted({m.id for m in members})
    names = [next(m.name for m in members if m.id == i) for i in ids]
    return EntityMention(min(m.start for m in members), max(m.end for m in members), "+".join(ids),
                         " + ".join(names))


#: Between two members of a list: a formal suffix or a short parenthesis (a ticker: "(ACM.US)", "(XNAS: ACM)").
_COMMA_GAP: Final = re.compile(r"\s*(?:(?:corp(?:oration|\.)?|inc\.?|\([\w.: -]{1,20}\))\s*){0,2}\s*,\s*")


def _coordinated(sent: _Sentence, actors: list[EntityMention], upto: int) -> list[EntityMention]:
    """The first run of two or more firms joined by "and"/和/與/、 before ``upto`` (else ``[]``)."""
    f = sent.folded
    run: list[EntityMention] = []
    last_end = -1
    commas = 0  # members joined by a bare comma ("Acme, Borealis and Dynamo"), kept only if an "and" closes the run
    for e in actors:
        if e.start >= upto:
            break
        if run and e.id == run[-1].id and e.start - last_end <= 3:
            last_end = e.end  # "龍華（INITECH）": the same firm named twice
            continue
        gap = f[last_end:e.start]
        if run and e.id not in {x.id for x in run} and _holds_any(gap, _COORD_WORDS) and \
                _COORD.match(gap) is not None:
            run.append(e)
            last_end = e.end
            commas = 0
            continue
        if run and e.id not in {x.id for x in run} and "," in gap and _COMMA_GAP.fullmatch(f, last_end, e.start):
            run.append(e)
            last_end = e.end
            commas += 1
            continue
        if len(run) - commas >= 2:
            break
        run = [e]
        last_end = e.end
        commas = 0
    if commas:
        run = run[:len(run) - commas]  # "Acme, Borealis" with no "and" after: not a list of payers
    return run if len({e.id for e in run}) >= 2 else []


#: "its expanded $6.5 billion pact", "Acme's landmark $14 billion deal": whose deal the figure's noun phrase is.
#: "Flux's latest chips": a firm naming whose product something is (before a figure whose object follows it, not
#: the deal's subject).
_POSSESSIVE_AFTER: Final = re.compile(r"(?:'s|’s)\s+(?:[\w-]+\s+){0,3}?(?:chips?|gpus?|processors?|accelerators?|"
                                      r"products?|technology|models?|systems?|servers?|software|platform)\b")
_OWNER_BEFORE: Final = re.compile(r"(?:\bits|'s|’s)\s+(?:[\w-]+\s+){0,3}$")
_OWNER_WORDS: Final = ("its", "'s", "’s")  # the gate of _OWNER_BEFORE
#: From a figure to the firm it is paid to or with: "$N investment in", "$N licensing agreement with AI startup".
_FIGURE_OBJECT: Final = re.compile(
    r"\s*(?:[\w-]+\s+){0,4}?(?:investment|stake|deal|agreement|contract|pact|partnership|"
    r"alliance|"
    r"order|commitment|funding|acquisition|buyout|takeover|purchase)s?\s+"
    r"(?:in|into|with|of|for)\s+"
    r"(?:the\s+)?(?:[\w-]+\s+){0,4}?")


#: "$15 billion investment from", "a $15 billion infusion of capital from", "split evenly between": the firms
#: named next pay the figure together.
_FROM_AFTER: Final = re.compile(r"\s*(?:[\w-]+\s+){0,5}?(?:from|between)\s+(?:the\s+)?$")


def _from_group(sent: _Sentence, a: AmountMention, actors: list[EntityMention],
                topic: EntityMention | None) -> tuple[EntityMention, EntityMention] | None:
    """``(group, payee)`` when several firms joined by "and" follow the figure after "from"/"between".

    "Acme nets $15 billion of investment from Borealis and Dynamo": the group pays the clause's subject (the firm
    before the figure that is not an object), else the firm the sentence names after the group, else the topic.
    """
    f = sent.folded
    later = [e for e in actors if e.start >= a.end]
    if len(later) < 2 or later[0].start - a.end > 70 or not _FROM_AFTER.fullmatch(f, a.end, later[0].start):
        return None
    run = _coordinated(sent, later, sent.end)
    if not run or run[0] is not later[0]:
        return None
    ids = {e.id for e in run}
    payee = next((e for e in reversed(actors) if e.end <= a.start and e.id not in ids
                  and not _is_object(f, sent.start, e) and sent.kinds.get(e.id) != "person"), None)
    if payee is None:
        payee = next((e for e in later if e.start > run[-1].end and e.id not in ids
                      and sent.kinds.get(e.id) != "person"), None)
    if payee is None and topic is not None and topic.id not in ids:
        payee = topic
    return None if payee is None else (_group(run), payee)


#: A partner named by 與/和 and then "together" ("龍華與天成共同投資", "與天成聯合出資"): the two pay as one.
_PARTNER_TOGETHER: Final = re.compile(r"\s*(?:集团|公司|控股)?\s*(?:[(（][^()（）]{0,12}[)）])?\s*"
                                      r"(?:共同|联合|一起|携手|一同)")


def _with_partner(sent: _Sentence, a: AmountMention, actors: list[EntityMention],
                  index: EntityIndex) -> tuple[EntityMention, EntityMention] | None:
    """``(group, payee)`` for "S與X共同投資N到Y" / "S宣布與X聯合向Y投資N": S and X pay Y together.

    The partner X stands after 與/和/跟 and right before 共同/聯合; S is the first actor before it that is not an
    object; Y is the first other firm after the figure, or one marked as the object. ``None`` when any is missing.
    """
    f = sent.folded
    partner = next((e for e in actors if e.end <= a.start and _rx(r"(?:与|和|跟|同)\s*$").search(
        f, max(sent.start, e.start - 3), e.start) and _PARTNER_TOGETHER.match(f, e.end)), None)
    if partner is None:
        return None
    subj = next((e for e in actors if e.start < partner.start and e.id != partner.id
                 and not _is_object(f, sent.start, e) and sent.kinds.get(e.id) != "person"), None)
    if subj is None:
        return None
    ids = {subj.id, partner.id}
    target = next((e for e in actors if e.id not in ids and sent.kinds.get(e.id) != "person"
                   and index.kinds.get(e.id) != "person"
                   and (e.start >= a.end or _is_object(f, partner.end, e)) and e.start > partner.end), None)
    if target is None:
        return None
    return _group([subj, partner]), target


#: A firm reporting what another does: "Acme Corp. announced Friday that", "Acme said on Monday that".
_SAID_THAT: Final = re.compile(r"\s*(?:corp\.?|inc\.?|co\.?|ltd\.?)?\s*(?:(?:had|has|have)\s+)?(?:said|says|announced|"
                               r"announces|disclosed|confirmed|stated|revealed)\b(?:\s+[\w-]+){0,3}?\s+that\b")


#: "由A、B和C等聯合組建的投資財團X": the members named before a consortium they formed.
_FORMED: Final = re.compile(
    r"\s*(?:等)?\s*[^，,。;；]{0,4}?(?:联合|共同|一起)?\s*(?:组建|组成|成立|发起|牵头组建|牵头成立)的"
    r"[^，,。;；]{0,12}?(?:财团|联盟|基金|集团|合资公司|合资企业|买方|投资者|投资人)")
#: "X與A、B正合作洽談收購Y", "X聯手A收購Y": partners acting together on a deal.
_JOINED: Final = re.compile(r"\s*(?:[(（][^()（）]{0,12}[)）]\s*)*(?:等)?\s*(?:正|将|已|拟|计划)?\s*"
                            r"(?:合作|联手|携手|组团|共同|联合)")


def _consortium(sent: _Sentence, actors: list[EntityMention], a: AmountMention,
                topic: EntityMention | None) -> tuple[EntityMention, EntityMention] | None:
    """``(group, payee)`` for a consortium named by its members: they pay together.

    "由A、B和C等聯合組建的投資財團X，將以約N收購Y": A, B and C pay Y; "其與A、B正合作洽談收購Y，交易規模約N": the
    subject (after a pronoun, 其, the topic) and its partners pay Y. The payee is the
    first firm named after the members that is none of them.
    """
    f = sent.folded
    run = _coordinated(sent, actors, sent.end)
    if not run:
        return None
    members = list(run)
    if _rx(r"由\s*$").search(f, max(sent.start, run[0].start - 2), run[0].start) and _FORMED.match(f, run[-1].end):
        pass
    elif _rx(r"(?:与|和|跟|同)\s*$").search(f, max(sent.start, run[0].start - 2), run[0].start) and \
            _JOINED.match(f, run[-1].end):
        subj = next((e for e in reversed(actors) if e.end <= run[0].start and e.id not in {x.id for x in run}
                     and sent.kinds.get(e.id) != "person"), None)
        if subj is None and _rx(r"(?:其|该公司|该集团|他们|它)\s*(?:与|和|跟|同)\s*$").search(
                f, max(sent.start, run[0].start - 6), run[0].start):
            subj = topic if topic is not None and topic.id not in {x.id for x in run} else None
        if subj is None:
            return None
        members.append(subj)
    else:
        return None
    ids = {e.id for e in members}
    payee = next((e for e in actors if e.start > run[-1].end and e.id not in ids and sent.kinds.get(e.id) != "person"),
                 None)
    if payee is None or payee.start > a.start and a.start > run[-1].end and payee.start - a.end > 60:
        return None
    return _group(members), payee


def _nearest_run(sent: _Sentence, actors: list[EntityMention], run: list[EntityMention], a: AmountMention,
                 topic: EntityMention | None) -> tuple[EntityMention, EntityMention] | None:
    """``(group, payee)`` when a later run of firms than ``run`` is the subject of the figure's clause.

    "A和B領投，其他投資方還包括C…，D和E也參與其中，投入了N": the clause that holds the figure has no subject of its
    own; it is the nearest run before it (D and E), not the first of the sentence. The payee is a firm after the
    figure, else the firm the text is about (the topic). Only when the run is no object (向/與 D和E) and nothing
    but the run's own members stands between it and the figure.
    """
    last = run
    while True:
        nxt = _coordinated(sent, [e for e in actors if e.start >= last[-1].end and e.id not in {x.id for x in last}],
                           a.start)
        if not nxt:
            break
        last = nxt
    if last is run or _is_object(sent.folded, sent.start, last[0]):
        return None
    ids = {e.id for e in last}
    if any(e.id not in ids for e in actors if last[-1].end <= e.start < a.start):
        return None
    target = next((e for e in actors if e.start >= a.end and e.id not in ids and sent.kinds.get(e.id) != "person"),
                  None)
    if target is None and topic is not None and topic.id not in ids and sent.kinds.get(topic.id) != "person":
        target = topic
    return None if target is None else (_group(last), target)


def _parties(sent: _Sentence, a: AmountMention, clause: tuple[int, int], cue_clause: tuple[int, int],
             typ: str, index: EntityIndex, topic: EntityMention | None,
             cue: int | None = None) -> tuple[EntityMention, EntityMention] | None:
    """The two parties of the deal whose figure is ``a``, oriented payer first."""
    f = sent.folded
    cs, ce = clause
    actors = _actors(sent)
    if typ in _TOGETHER or typ == "acquisition_stake":
        consortium = _consortium(sent, actors, a, topic)
        if consortium is not None:
            return consortium
    if typ in _TOGETHER:
        run = _coordinated(sent, actors, a.start)
        nearest = _nearest_run(sent, actors, run, a, topic) if run else None
        if nearest is not None:
            return nearest
        together = _from_group(sent, a, actors, topic) or _with_partner(sent, a, actors, index)
        if together is not None:
            return together
        if run:
            ids = {e.id for e in run}
            target = next((e for e in actors if e.start > run[-1].end and e.id not in ids
                           and (e.start > a.start or _is_object(f, run[-1].end, e))), None)
            if target is not None:
                return _group(run), target
    if _RELATIVE.match(f, cs):
        # "..., Umbrella, which has poured over $13 billion into Acme": the firm before "which" is the subject
        subjs = [e for e in actors if e.end <= cs and cs - e.end <= 3]
        objs = [e for e in actors if cs <= e.start < ce and (not subjs or e.id != subjs[-1].id)]
        if subjs and objs:
            return _orient(sent, subjs[-1], objs[0], typ, index, a.start)
        if subjs and not objs and typ == "equity_investment" and topic is not None and topic.id != subjs[-1].id \
                and _starts_pronoun(sent) and all(e.id != topic.id for e in actors):
            # "It is backed by giants, including Acme, which has invested $8 billion, and Borealis, which
            # contributed $2 billion": each firm before "which" invests in the one the sentence points back to
            return subjs[-1], topic
    pronoun = _starts_pronoun(sent)
    starts_bare = not [e for e in actors if e.start < a.start]
    # "與X的N" / "with X": X is the counterparty, the subject is the sentence's
    near = [e for e in actors
            if e.end <= a.start and a.start - e.end <= 3 and f[e.end:a.start].strip() in ("", "的")]
    if near and _WITH_BEFORE.search(f[max(sent.start, near[-1].start - 4):near[-1].start]):
        other = near[-1]
        subj = next((e for e in actors if e.id != other.id and e.start < other.start), None)
        if subj is None or (pronoun and topic is not None and topic.id != other.id):
            subj = topic if topic is not None and topic.id != other.id else subj
        if subj is None:
            return None
        return _orient(sent, subj, other, typ, index, a.start)
    in_clause = [e for e in actors if cs <= e.start < ce]
    after_fig = next((e for e in in_clause if e.start > a.start), None)
    owner = _gated_search(_OWNER_BEFORE, _OWNER_WORDS, f, max(cs, a.start - 40), a.start)
    if after_fig is not None and after_fig.start - a.end < 90 and _FIGURE_OBJECT.fullmatch(f, a.end, after_fig.start) \
            and (owner is not None or all(_is_object(f, cs, e) or _POSSESSIVE_AFTER.match(f, e.end)
                                          for e in in_clause if e.start < a.start)):
        # "..., ranging from a $100 billion investment in Acme to a $5 billion stake in Borealis", "a $20 billion
        # deal with Zentrix": the firm after the figure is its object; the subject stands before the clause
        obj = after_fig
        subj = next((e for e in actors if e.start < cs and e.id != obj.id and sent.kinds.get(e.id) != "person"
                     and not _is_object(f, sent.start, e)), None)
        if owner is not None:
            # "Cobalt's $14.2 billion deal with Acme and its expanded $6.5 billion pact with Borealis": the owner
            # ("X's") or, for "its", the nearest firm before that is no object
            subj = next((e for e in reversed(actors) if e.end <= owner.start() + 1 and e.id != obj.id
                         and sent.kinds.get(e.id) != "person" and not _is_object(f, sent.start, e)), None)
        if (subj is None or pronoun) and topic is not None and topic.id != obj.id and (pronoun or starts_bare):
            subj = topic
        if subj is not None:
            return _orient(sent, subj, obj, typ, index, a.start)
    if cue_clause != clause:
        in_clause = [e for e in actors if cue_clause[0] <= e.start < cue_clause[1]] or in_clause
    distinct = list({e.id: e for e in in_clause}.values())
    if not distinct:
        # "The agreement, valued at $300 billion, commits Acme to purchase cloud services from Globex": neither
        # the figure's clause nor the cue's names anyone; the sentence names exactly two firms
        whole = list({e.id: e for e in actors}.values())
        if len(whole) == 2 and typ in _PURCHASE:
            by_role = _seller_first(typ, whole[0], whole[1], index)
            if by_role is not None:  # only where who sells what decides the direction
                return by_role
    if len(distinct) >= 2:
        before = [e for e in in_clause if e.start < a.start]
        after = [e for e in in_clause if e.start >= a.start]
        if len({e.id for e in before}) >= 2:
            firsts: list[EntityMention] = []
            for e in before:
                if e.id not in {x.id for x in firsts}:
                    firsts.append(e)
            left, right = firsts[0], firsts[1]
            if after and not _PREP_RE.search(f[left.end:right.start]):
                right = next((e for e in after if e.id != left.id), right)
            elif len(distinct) == 2 and _SAID_THAT.match(f, left.end, right.start):
                # "Acme announced Friday that Borealis has agreed to take a stake in the company": the speaker is
                # the other party; the one after "that" acts
                left, right = right, left
        elif before and after:
            left = before[-1]
            right_after = next((e for e in after if e.id != left.id), None)
            if right_after is None:
                return None
            right = right_after
        else:
            left, right = distinct[0], distinct[1]
        return _orient(sent, left, right, typ, index, a.start)
    # fewer than two named in the clause: the subject comes from the sentence, or the topic
    pool: list[EntityMention] = []
    if topic is not None and (pronoun or starts_bare):
        pool.append(topic)
    pool += [e for e in actors if e.start < cs or cs <= e.start < ce] + distinct
    first_of: dict[str, EntityMention] = {}
    for e in pool:
        first_of.setdefault(e.id, e)
    uniq = list(first_of.values())  # the first mention of each id, in pool order
    if len(uniq) == 1 and topic is not None and topic.id != uniq[0].id and sent.kinds.get(topic.id) != "person" \
            and (_is_object(f, sent.start, uniq[0]) or _WITH_BEFORE.search(f[max(sent.start, uniq[0].start - 4):
                                                                                 uniq[0].start])):
        # "源於與Acme簽署的那份價值3000億美元的合同" (the article is about Globex): the topic is the other party
        return _orient(sent, topic, uniq[0], typ, index, a.start)
    if len(uniq) == 1 and typ in _PURCHASE:
        # "Acme宣布了一項價值380億美元的交易,將從大河購買雲服務": the seller in the next clause
        k = sent.clauses.index(clause) if clause in sent.clauses else -1
        if 0 <= k < len(sent.clauses) - 1:
            ns, ne = sent.clauses[k + 1]
            if not [b for b in sent.amts if ns <= b.start < ne and b.amount.currency is not None]:
                seller = next((e for e in actors if ns <= e.start < ne and e.id != uniq[0].id and
                               (_rx(r"(?:从|向|与|跟|租用?|采购|购买|\bfrom|\bwith)\s*$").search(
                                   f[max(ns, e.start - 6):e.start])
                                or _rx(r"由\s*$").search(f[max(ns, e.start - 3):e.start]) is not None
                                and _PROVIDE_RE.search(f, e.end, _comma_after(f, e.end, sent.end)) is not None)),
                               None)
                if seller is not None:
                    return _orient(sent, uniq[0], seller, typ, index, a.start)
    if len(uniq) == 1 and typ in _PURCHASE:
        # "大河...簽下一份價值380億美元的合約，七年內將提供Acme...": the one provided for is the buyer
        k = sent.clauses.index(clause) if clause in sent.clauses else -1
        if 0 <= k < len(sent.clauses) - 1:
            ns, ne = sent.clauses[k + 1]
            pm = _PROVIDE_RE.search(f, ns, ne)
            if pm is not None and not [b for b in sent.amts if ns <= b.start < ne and b.amount.currency is not None]:
                buyer = next((e for e in actors if pm.end() <= e.start < ne and e.start - pm.end() <= 3
                              and e.id != uniq[0].id), None)
                if buyer is not None:
                    return buyer, uniq[0]
    if len(uniq) == 1 and typ == "equity_investment" and _is_object(f, cs, uniq[0]):
        # "對Acme的400億美元投資是今年2月敲定的,遠山以...": the investor opens the next clause
        k = sent.clauses.index(clause) if clause in sent.clauses else -1
        if 0 <= k < len(sent.clauses) - 1:
            ns, ne = sent.clauses[k + 1]
            first = next((e for e in actors if ns <= e.start < ne), None)
            if first is not None and first.id != uniq[0].id and first.start - ns <= 2:
                return first, uniq[0]
    if len(uniq) == 1 and typ in ("equity_investment", "acquisition_stake") and not _is_object(f, cs, uniq[0]):
        # "龍華計劃投資200億美元，這將是龍華對Acme最大的投資": the investee, marked, in a later clause with no figure
        later = _later_object(sent, clause, uniq[0])
        if later is not None:
            return uniq[0], later
    if len(uniq) == 1 and topic is not None and topic.id != uniq[0].id and sent.kinds.get(topic.id) != "person" \
            and _DESCRIBED_OBJECT.search(f, cs, ce):
        # "Acme是一家新創。龍華將向這家新創投資20億美元": the firm described is the one the text is about
        return uniq[0], topic
    described = _DESCRIBED_OBJECT.search(f, cs, ce) if distinct else None
    if described is not None:
        # "在天成與Acme達成協議後，龍華立即宣佈向該公司投資": the firm described is the nearest one named before the
        # clause, other than the one that acts
        subj = next((e for e in distinct if e.start < described.start()), None)
        named = None if subj is None else next(
            (e for e in reversed(actors) if e.end <= cs and e.id != subj.id and sent.kinds.get(e.id) != "person"), None)
        if subj is not None and named is not None:
            return subj, named
    if len(uniq) < 2:
        return None
    if distinct and _is_object(f, cs, distinct[0]):
        # "就在宣布Acme投資的一周前，龍華向天成承諾50億美元，此前還向迪納摩投資5億美元": the subject of an
        # earlier clause carries on; a firm merely mentioned inside a clause is not it
        heads = [e for e in actors if e.start < cs and e.id != distinct[0].id and _heads_clause(sent, e)
                 and not _is_object(f, sent.start, e) and sent.kinds.get(e.id) != "person" and not _speaker(sent, e)]
        if heads and uniq[0].id not in {h.id for h in heads}:
            return _orient(sent, heads[-1], distinct[0], typ, index, a.start)
    if distinct and cue is not None and distinct[0].start < cue and not _is_object(f, cs, distinct[0]) and \
            not (typ == "equity_investment" and _GENITIVE_INVEST.match(f, distinct[0].end)) and \
            not _VERB_BEFORE.search(f, max(cs, distinct[0].start - 4), distinct[0].start):
        # "其中龍華出資約20億美元": the clause's own actor, before its verb, is the subject
        second = next((e for e in uniq if e.id != distinct[0].id), None)
        if second is None:
            return None
        return _orient(sent, distinct[0], second, typ, index, a.start)
    if distinct and distinct[0].id != uniq[0].id:
        left, right = uniq[0], distinct[0]
    else:
        left, right = uniq[0], uniq[1]
    return _orient(sent, left, right, typ, index, a.start)


#: A firm named by a description as the object ("向這家新創", "入股該公司", "從這家公司購買"): the topic.
_DESCRIBED_OBJECT: Final = re.compile(r"(?:向|对|给|入股|投资|收购|从)(?:这家|该|此|这个|那家)[^，,。;；]{0,8}?"
                                      r"(?:公司|新创|初创|企业|厂商|集团|开发商|芯片商|制造商|供应商|业者)")
#: A transaction verb right before a firm makes it the verb's object ("購買Acme股票", "收購Acme"), not a subject.
_VERB_BEFORE: Final = re.compile(r"(?:购买|买入|买下|收购|并购|入股|投资|注资|认购|购入|增持)\s*$")
#: What may stand before a clause's subject: a conjunction or an adverb ("而龍華", "此前還", "龍華刚").
_CLAUSE_OPENING: Final = re.compile(
    r"\s*(?:而|但|并|且|同时|此外|另外|其中|随后|之后|然后|此前|之前|目前|如今|今年|去年|"
    r"刚|还|也|则|已|已经|更|又|再)*\s*")
#: An investee marked in a clause of its own: "對Acme…的投資", "向Acme注資".
_OBJECT_INVEST_AFTER: Final = re.compile(r"[^，,。;；]{0,16}?(?:投资|注资|入股|出资|收购)")


def _comma_after(f: str, pos: int, end: int) -> int:
    """The next comma after ``pos`` (a space between Chinese words does not end the phrase), else ``end``."""
    return min((x for x in (f.find(",", pos, end), f.find("，", pos, end)) if x >= 0), default=end)


def _heads_clause(sent: _Sentence, e: EntityMention) -> bool:
    """Whether ``e`` opens its clause (after at most a conjunction or an adverb): the clause's subject."""
    c0, _ = _clause_of(sent, e.start)
    return _CLAUSE_OPENING.fullmatch(sent.folded, c0, e.start) is not None


def _later_object(sent: _Sentence, clause: tuple[int, int], subj: EntityMention) -> EntityMention | None:
    """The investee of ``subj``'s investment marked (對/向 X…投資) in a later clause of the sentence with no figure."""
    f = sent.folded
    k = sent.clauses.index(clause) if clause in sent.clauses else -1
    if k < 0:
        return None
    for ns, ne in sent.clauses[k + 1:k + 3]:
        if [b for b in sent.amts if ns <= b.start < ne and b.amount.currency is not None]:
            # "提供100億美元資金，又再出資80億美元投資Y": a clause that goes on with the same subject (又, 再) names
            # the object both verbs share
            if not _GOES_ON.match(f, ns):
                return None
            for e in _actors(sent):
                if ns <= e.start < ne and e.id != subj.id and _VERB_BEFORE.search(f, max(ns, e.start - 4), e.start):
                    return e
            return None
        for e in _actors(sent):
            if ns <= e.start < ne and e.id != subj.id and _rx(r"(?:对|向|给)\s*$").search(f, max(ns, e.start - 3),
                                                                                         e.start) \
                    and _OBJECT_INVEST_AFTER.match(f, e.end):
                return e
    return None


#: A clause that goes on with the subject of the one before ("又再出資", "並投資", "還注資").
_GOES_ON: Final = re.compile(r"\s*(?:又|再|并|还|并且|同时|随后)+\s*(?:再|又)?\s*(?:出资|投资|注资|投入|入股)")


def _each_sentence(norm: NormText, ents: list[EntityMention], amts: list[AmountMention],
                   periods: list[PeriodMention]) -> Iterator[_Sentence]:
    """The sentences of ``norm`` with their mentions and clauses, one at a time.

    :func:`propose` keeps none but the one it reads: a text's sentences alive at once (a few objects each) would
    be traversed again and again by the cyclic garbage collector.
    """
    folded = norm.folded
    # the mentions of each sentence: those starting in it (at most 64 entities and amounts, 16 periods) that
    # end in it; one starting at or after its end cannot end in it, so the starts bound the slices
    e_starts = [x.start for x in ents]
    a_starts = [x.start for x in amts]
    p_starts = [x.start for x in periods]
    # the first wide character at or after the last sentence (see _Sentence.wide_from): searched again only once a
    # sentence starts past it, so the text is scanned once in all
    wide_at = len(folded) if folded.isascii() else -1
    ej = aj = pj = 0  # the sentences come in order: each bound looked for from the last one (_lower)
    for s, e in iter_sentences(norm.text):
        ei = _lower(e_starts, s, ej)
        ai = _lower(a_starts, s, aj)
        pi = _lower(p_starts, s, pj)
        ej = _lower(e_starts, e, ei)
        aj = _lower(a_starts, e, ai)
        pj = _lower(p_starts, e, pi)
        se = ([x for x in ents[ei:min(ei + 64, ej)] if x.end <= e] or _NONE) if ej > ei else _NONE
        sa = ([x for x in amts[ai:min(ai + 64, aj)] if x.end <= e] or _NONE) if aj > ai else _NONE
        sp = ([x for x in periods[pi:min(pi + 16, pj)] if x.end <= e] or _NONE) if pj > pi else _NONE
        if wide_at < s:
            wide = _WIDE_CHAR.search(folded, s)
            wide_at = len(folded) if wide is None else wide.start()
        yield _Sentence(s, e, folded, se, sa, sp, None, wide_from=wide_at)


def _inside_parens(f: str, opened: int, pos: int, end: int) -> bool:
    """Whether ``pos`` lies inside a parenthesis that opens at or after ``opened`` and closes before ``end``."""
    o = f.rfind("(", opened, pos)
    return o >= 0 and f.rfind(")", o, pos) < 0 and 0 <= f.find(")", pos, end)


def _near_period(sent: _Sentence, pos: int) -> PeriodMention | None:
    before = [p for p in sent.periods if p.start <= pos]
    if before:
        return before[-1]
    return sent.periods[0] if sent.periods else None


def propose(norm: NormText, ents: list[EntityMention], amts: list[AmountMention],
            periods: list[PeriodMention], index: EntityIndex,
            dates: list[DateMention] | None = None) -> list[Proposal]:
    """Deal and fact proposals for a normalised text, in text order.

    Args:
        norm: the normalised text.
        ents: its entity mentions, sorted by start.
        amts: its amount mentions, sorted by start.
        periods: its period mentions, sorted by start.
        index: the entity index (for who sells what, and entity kinds).
        dates: its date mentions (found here when ``None``).

    Returns:
        Proposals with spans into ``norm.text``; ``confidence`` in [0, 1] says how many rules agreed.
    """
    if dates is None:
        dates = find_dates(norm.text)
    di = 0
    out: list[Proposal] = []
    topic: EntityMention | None = None
    carried: EntityMention | None = None  # the firm a new paragraph's "The company..." points back to
    seen: dict[str, tuple[int, EntityMention]] = {}  # how often each firm was named so far, its last mention
    joke_until = -1
    empty_run = 0
    last_deal: Proposal | None = None
    venture: EntityMention | None = None  # the last project named (a joint venture, a campus): contributions go to it
    # before any is named, the one project the text names later ("...contributing $7 billion in cash to the venture.
    # ... The campus, named Hyperion, ..."): the venture in view is the text's only one
    projects = [e for e in ents if index.kinds.get(e.id) == "project"]
    ahead = projects[0] if projects and all(e.id == projects[0].id for e in projects) else None
    # a text about a joint venture (the words, or a venture named and "venture"): a deal "to build" a facility is the
    # venture's
    joint_text = "venture" in norm.folded and (ahead is not None or "joint venture" in norm.folded)
    recent: Sequence[EntityMention] = ()  # the entities of the last sentence that named any
    title: EntityMention | None = None
    raiser: EntityMention | None = None
    text = norm.text
    last_start = 0  # where the sentence before starts
    line_start = looked_from = 0  # where the current line starts; where the search for its start began
    for k, sent in enumerate(_each_sentence(norm, ents, amts, periods)):
        sent.kinds = index.kinds
        while di < len(dates) and dates[di].start < sent.start:
            di += 1
        sent.dates = [d for d in dates[di:di + 16] if d.end <= sent.end] or _NONE
        f = sent.folded
        nl = text.rfind("\n", looked_from, sent.start)  # the last line break before the sentence: looked for
        if nl >= 0:                                       # since the sentence before (on one long line, a search
            line_start = nl + 1                           # back to the text's start per sentence is quadratic)
        looked_from = sent.start
        if k == 0 or line_start > last_start:
            # a new line: a short one is a title (one article of a file that holds several starts here);
            # a long one is a paragraph whose topic starts from the title
            line_end = text.find("\n", sent.start)
            line_end = len(text) if line_end < 0 else line_end
            if seen:  # a paragraph opening "The company..." points back to the firm named most so far
                best = max(seen.values(), key=lambda x: x[0])
                carried = best[1]
            topic = None
            if line_end - line_start <= 120:
                ids = {e.id for e in sent.ents}
                title = sent.ents[0] if len(ids) == 1 else None
        jokes = _find(_JOKE_P, f, sent.start, sent.end)
        if jokes:
            jm_end = jokes[0][1]
            opening = min((i for i in (f.find("“", jm_end, sent.end), f.find('"', jm_end, sent.end)) if i >= 0),
                          default=-1)
            if opening >= 0:
                # "流傳著一個段子:“...”": everything inside the quotation is the joke
                close = max(f.find("”", opening + 1), f.find('"', opening + 1))
                joke_until = close if close > opening else sent.end
            else:
                # "腦筋急轉彎...", "以上只是段子": the cue looks back at the sentence before
                prev_start = last_start if k else sent.start
                for p in out:
                    if p.sentence[0] >= prev_start and p.kind == "deal":
                        p.flag = "joke"
                joke_until = sent.end
        raiser = _raiser(sent) or raiser
        if topic is None and carried is not None and _LATIN_START.match(text, sent.start) and (
                _starts_pronoun(sent) or _only_object_named(sent, carried)):
            topic = carried  # English only: 其 opens "其二" (secondly) as well as a pronoun
        if sent.amts:
            found = _read_sentence(sent, index, topic or title, joke=sent.start < joke_until, last_deal=last_deal,
                                   raiser=raiser, history=out, venture=venture or ahead, recent=recent,
                                   joint_text=joint_text)
            for p in found:
                _stated_usd(text, p)
            out.extend(found)
            last_deal = next((p for p in reversed(found) if p.kind == "deal"), None) or _still(last_deal, sent)
        else:
            last_deal = _pair_only(sent, index, topic or title) or _still(last_deal, sent)
        for e in sent.ents:
            if index.kinds.get(e.id) == "project":
                venture = e
        if sent.ents:
            recent = sent.ents
            for e in sent.ents:
                if index.kinds.get(e.id) != "person":
                    n = seen.get(e.id)
                    seen[e.id] = (n[0] + 1 if n else 1, e)
            empty_run = 0
            if topic is None or topic.id not in {e.id for e in sent.ents}:
                topic = sent.ents[0]
        elif not sent.amts:
            empty_run += 1
            if empty_run >= 2:
                topic = None
        last_start = sent.start
    _agree_with_cued(out, norm.folded)
    return out


#: Generic deal words (the "contract" cues and "partnership"): a deal told by one of them says neither its kind nor
#: its direction; the kind then comes from who usually sells what.
_GENERIC_DEAL: Final = frozenset(w for w in TYPE_CUES["contract"] if w.isascii()) | {"partnership", "partnerships",
                                                                                      "collaboration", "alliance"}


#: Kinds whose cue says who pays whatever the firms usually sell (an acquisition, an investment): a deal told by a
#: generic word takes its direction only from the pair's deals of these kinds.
_OWNERSHIP: Final = frozenset({"acquisition_stake", "equity_investment"})


def _agree_with_cued(out: list[Proposal], folded: str) -> None:
    """Turn a deal told by a generic word alone to the direction its pair's cued deals in the text give.

    "Acme's $5.5B Borealis Deal" (a headline: the kind and direction guessed from who usually sells what) then
    "Acme completed its $5.5 billion acquisition of Borealis": the article tells one deal between the two, and the
    cued sentence says who pays. A deal of the pair with the same amount decides first; else all the pair's cued
    deals must agree, and one of them must be an acquisition or an investment. A pair whose cued deals go both ways
    (each firm pays the other) is left alone.
    """
    cued: dict[frozenset[str], list[tuple[str, Proposal]]] = {}
    weak: list[tuple[str, str, Proposal]] = []
    for p in out:
        payer, payee = p.payer, p.payee
        if p.kind != "deal" or payer is None or payee is None or p.amount is None or "+" in payer.id \
                or "+" in payee.id or "type" not in p.spans:
            continue
        ts, te = p.spans["type"]
        if folded[ts:te] in _GENERIC_DEAL:
            weak.append((payer.id, payee.id, p))
        else:
            cued.setdefault(frozenset((payer.id, payee.id)), []).append((payer.id, p))
    for payer_id, payee_id, p in weak:
        pair = cued.get(frozenset((payer_id, payee_id)))
        if not pair:
            continue
        amt = p.amount
        same = [(i, c) for i, c in pair if c.amount is not None and amt is not None and c.amount.low == amt.low
                and c.amount.high == amt.high]
        told = same or pair
        payers = {i for i, _ in told}
        if len(payers) != 1 or payer_id in payers or not any(c.type in _OWNERSHIP for _, c in told):
            continue  # the pair's deals go both ways, or none of them says who pays whatever is sold
        p.payer, p.payee = p.payee, p.payer
        p.spans["from"], p.spans["to"] = p.spans["to"], p.spans["from"]
        p.type = told[0][1].type


#: A sentence opening on a noun phrase that names no one ("This expansion...", "The deal..."), not on a name.
_DETERMINER_START: Final = re.compile(r"\s*[\"“]?(?:the|this|that|these|those|an?|its|their|such)\b")


def _only_object_named(sent: _Sentence, carried: EntityMention) -> bool:
    """Whether ``sent`` names one firm only, marked as an object, after its first figure.

    The other side of the deal is then the firm the text is about ("This expansion stems from a $300 billion cloud
    partnership with Acme").
    """
    if not sent.amts or not sent.ents:
        return False
    first = sent.ents[0]
    return first.start > sent.amts[0].start and first.id != carried.id and all(e.id == first.id for e in sent.ents) \
        and _is_object(sent.folded, sent.start, first) and _DETERMINER_START.match(sent.folded, sent.start) is not None


#: A zero amount (frozen: one shared by every figureless sentence's stand-in figure).
_ZERO: Final = Amount(0.0, 0.0)


def _pair_only(sent: _Sentence, index: EntityIndex, topic: EntityMention | None) -> Proposal | None:
    """A deal told without a figure ("Acme signed a cloud contract with Cobalt.").

    Kept only so that the next sentence's "The deal is worth $40 billion" knows its parties; never proposed
    itself.
    """
    if len({e.id for e in sent.ents}) < 2 or not _find(_ALL_TYPE_RE, sent.folded, sent.start, sent.end):
        return None  # the actors are some of the entities: too few already, or no deal word
    actors = _actors(sent)
    if len({e.id for e in actors}) < 2:
        return None
    typ = _type_in(sent, sent.start, sent.end, _sells(sent, index, topic))
    if typ is None:
        return None
    run = _coordinated(sent, actors, sent.end)
    if typ[0] in _TOGETHER and run and len({e.id for e in actors}) == len({e.id for e in run}):
        return None  # "天成和龍華宣布了一項投資計畫": partners, not a payer and a payee
    end = AmountMention(sent.end, sent.end, _ZERO)
    pair = _parties(sent, end, (sent.start, sent.end), (sent.start, sent.end), typ[0], index, topic)
    if pair is None or pair[0].id == pair[1].id:
        return None
    p = Proposal("deal", (sent.start, sent.end), 0.5, payer=pair[0], payee=pair[1], type=typ[0])
    p.spans = {"from": (pair[0].start, pair[0].end), "to": (pair[1].start, pair[1].end), "type": (typ[1], typ[2])}
    return p


def _still(last: Proposal | None, sent: _Sentence) -> Proposal | None:
    """The last deal, still in view after ``sent``.

    It stays across a sentence that names no one else ("This is one of the largest contracts..."); a
    sentence about other firms ends it.
    """
    if last is None or last.payer is None or last.payee is None:
        return None
    parties = _payers(last) | {last.payer.id, last.payee.id}
    return last if all(e.id in parties for e in sent.ents) else None


#: A question that takes its content as given ("How did Acme secure a $10 billion deal with Borealis?", "Why does
#: this $5 billion deal matter?"): the deal is told, not asked about.
_PRESUPPOSED: Final = re.compile(r"\s*(?:how|why)\s+(?:did|does|do|has|have|had|is|are|was|were)\b")


def _is_question(sent: _Sentence) -> bool:
    tail = sent.folded[sent.start:sent.end].rstrip(" ”」\"'\n")
    return tail.endswith(("?", "？"))




_ROUND_OF: Final = re.compile(r"(?:'s|’s|的)\s*(?:next|latest|new|下一轮|新一轮|最新一轮|本轮)?\s*"
                              r"(?:funding round|round|融资|募资)")


def _raiser(sent: _Sentence) -> EntityMention | None:
    """The firm raising money in ``sent`` ("Vandelay宣布完成200億美元融資", "Acme正在籌備新一輪募資"), if one.

    The first actor before the raise word, unless it is marked as an object (向Vandelay融資 is someone else's).
    """
    hits = _find(_RAISE_P, sent.folded, sent.start, sent.end)
    if not hits:
        return None
    first = hits[0][0]
    if _rx(r"(?:在|参与|加入)\s*(?:这|此|本|该)\s*(?:一)?轮\s*$|\b(?:in|to|join(?:s|ed)?) (?:the|this) (?:funding )?$"
           ).search(sent.folded, max(sent.start, first - 8), first):
        return None  # "艾克米在這輪融資中投入了20億美元": a firm taking part in the round, not raising it
    for e in _actors(sent):
        if _ROUND_OF.match(sent.folded, e.end):
            return e  # "in Hooli's next funding round", "Acme的新一輪融資"
    before = [e for e in _actors(sent) if e.start < first and sent.kinds.get(e.id) != "person"]
    if len({e.id for e in before}) > 1:
        # several firms before: the one of the raise word's own clause, when it names one ("..., 顯示Acme正全力籌資")
        cs = _clause_of(sent, first)[0]
        before = [e for e in before if e.start >= cs]
    if len({e.id for e in before}) != 1 or _is_object(sent.folded, sent.start, before[0]):
        return None
    return before[0]


#: What a firm holds, manages or cashed in (Chinese): a figure after one of these, with no deal word between,
#: is the value of holdings, a cash pile or sale proceeds, not a payment between two firms (guideline §5).
_HELD_BEFORE: Final = re.compile(r"管理的|管理着|管理超过|管理逾|管理约|管理近|管理\s*$|"
                                 r"所持|持有的|持股|持仓|组合|套现|回笼资金|回笼|清仓|清空|现金储备|账上现金|帐上现金|"
                                 r"手握|坐拥|"
                                 r"账面现金|现金余额|身家|身价|薪酬|年薪|薪资|报酬")
#: A facility a figure measures ("一座110億美元晶片工廠"): its cost, unless a deal noun follows.
_FACILITY_AFTER: Final = re.compile(
    r"\s*的?\s*[^，,。;；0-9]{0,6}?(?:工厂|晶圆厂|厂房|数据中心|资料中心|园区|基地|设施|电厂)"
    r"(?!\s*(?:的)?\s*(?:协议|合同|合约|租约|交易|订单|租赁))")
_MEASURE_BEFORE: Final = re.compile(r"(?:一|这|该|那)?(?:座|处|个)\s*$")
#: A guarantee or backstop of someone else's payment (Chinese): no USD flow.
#: Every form opens on its own literal (``(?:租赁|付款|偿债|租金)义务`` written out), so the engine skips to their first
#: characters by a set test instead of trying the pattern at every character: the same matches.
_GUARANTEE_ZH: Final = re.compile(r"担保|背书|兜底|租赁义务|付款义务|偿债义务|租金义务")
#: The value of a warrant grant ("價值約50億美元的認股權證"): no USD flow is marked for the warrant itself.
_WARRANT_AFTER: Final = re.compile(r"\s*的?\s*(?:认股权证|认股权|期权)")


def _held_value(sent: _Sentence, a: AmountMention) -> bool:
    """Whether the figure ``a`` is a value held, managed, cashed in or paid as a wage, or a warrant's value."""
    if a.amount.currency is None:
        return False  # "多達1.6億股的認股權證": a count of shares, the warrant deal itself
    f = sent.folded
    # both patterns are Chinese (each match holds a wide character): not tried where none can be
    if sent.wide_from < len(f) and _WARRANT_AFTER.match(f, a.end):
        return True
    if sent.wide_from >= a.start:
        return False
    lo = max(sent.start, a.start - 40)
    hits = list(_HELD_BEFORE.finditer(f, lo, a.start))
    if not hits:
        return False
    cue_end = hits[-1].end()
    return _ALL_TYPE_RE.search(f, cue_end, a.start) is None


def _tranche_of(sent: _Sentence, a: AmountMention, clause: tuple[int, int],
                deals: list[Proposal]) -> Proposal | None:
    """A tranche ("支付最後一筆220億美元") of the investment or loan told earlier in the same sentence: its pair."""
    if not deals or a.amount.currency is None or not _TRANCHE.search(
            sent.folded, max(clause[0], a.start - 8), min(clause[1], a.end + 8)):
        return None
    prev = deals[-1]
    if prev.payer is None or prev.payee is None or prev.type not in ("equity_investment", "debt_financing",
                                                                      "services"):
        return None
    if any(e.id not in (prev.payer.id, prev.payee.id) for e in _actors(sent) if clause[0] <= e.start < clause[1]):
        return None  # another firm named in the tranche's clause: not the same deal
    p = Proposal("deal", (sent.start, sent.end), 0.5, payer=prev.payer, payee=prev.payee, type=prev.type,
                 amount=a.amount)
    p.spans = {"from": prev.spans["from"], "to": prev.spans["to"], "type": prev.spans.get("type", (a.start, a.end)),
               "amount": (a.start, a.end)}
    return p


def _stated_usd(text: str, d: Proposal) -> None:
    """A deal told in another currency with its US dollars stated ("5億英鎊（約6.677億美元）") takes the dollars.

    The guideline marks the US-dollar figure when the text gives one (§1); the figure and its span become the
    stated one's. A fact keeps the currency it was reported in.
    """
    a = d.amount
    if d.kind != "deal" or a is None or a.usd_source != "stated" or a.currency in (None, "USD") or \
            "amount" not in d.spans:
        return
    lo, hi = d.spans["amount"]
    cut = min((c for c in (text.find("(", lo, hi), text.find("（", lo, hi)) if c >= 0), default=-1)
    if cut < 0:
        return
    inner_end = hi - 1 if text[hi - 1] in ")）" else hi
    usd = [f for f in find_amounts(text[cut + 1:inner_end]) if f.amount.currency == "USD"]
    if len(usd) == 1:
        d.amount = usd[0].amount
        d.spans["amount"] = (cut + 1 + usd[0].start, cut + 1 + usd[0].end)


#: A relative clause after a figure, opening on its own subject word: a hedge in it ("... that could lift total
#: revenue to $8.7 billion") bears on what it says, not on the figure before it.
_RELATIVE_AFTER: Final = re.compile(r"\s*(?:\S+\s+){0,12}?(?:that|which)\s+(?:could|might|may)\b")


def _hedges(sent: _Sentence, a: AmountMention, clause: tuple[int, int]) -> bool:
    """Whether the clause's hedge ("could", "可能") bears on the figure ``a``.

    It does unless every hedge of the clause stands after the figure, inside a relative clause that follows it
    ("total $3.7 billion in contracted revenue and include options that could lift total revenue to $8.7 billion":
    the first figure is told, the second is hedged).
    """
    f = sent.folded
    if _has(_HEDGE_P, f, clause[0], a.start):
        return True
    return _RELATIVE_AFTER.match(f, a.end, clause[1]) is None


def _read_sentence(sent: _Sentence, index: EntityIndex, topic: EntityMention | None,
                   joke: bool, last_deal: Proposal | None = None,
                   raiser: EntityMention | None = None, history: list[Proposal] | None = None,
                   venture: EntityMention | None = None, recent: Sequence[EntityMention] = (),
                   joint_text: bool = False) -> list[Proposal]:
    f = sent.folded
    conds = [c for c in _find(_COND_P, f, sent.start, sent.end) if not _COUNTING.match(f, c[1])
             and not _ASIDE_IF.match(f, c[1]) and not _IF_EXERCISED.match(f, c[1])]
    # "Acme said the contract was worth $17.4bn, but that it could grow if Borealis asks": the figure before the
    # clause that opens the condition stands; a figure in or after it does not
    cond_from = _clause_of(sent, conds[0][0])[0] if conds else sent.end
    question = _is_question(sent) and not _PRESUPPOSED.match(f, sent.start)
    listing = _has(_LIST_P, f, sent.start, sent.end)
    denied = _has(_DENIAL_P, f, sent.start, sent.end) and any(
        not (h[2] == "否认" and _DENIED_TROUBLE.match(f, h[1], min(sent.end, h[1] + 40)))
        for h in _find(_DENIAL_P, f, sent.start, sent.end)) or any(
        "投资" in f[h[1]:h[1] + 10] for h in _find(_INVITE_P, f, sent.start, sent.end))
    deals: list[Proposal] = []
    facts: list[Proposal] = []
    gws: list[AmountMention] = []
    sells: frozenset[str] | None = None
    several: dict[int, list[Proposal]] | None = None
    # revenue a contract brings (see _contracted_revenue): its words looked for once per sentence, by C scans
    contracted = (f.find("revenue", sent.start, sent.end) >= 0 or f.find("generat", sent.start, sent.end) >= 0
                  or f.find("netting", sent.start, sent.end) >= 0) and \
        any(f.find(w, sent.start, sent.end) >= 0 for w in _CONTRACT_LITERALS)
    # a joint venture told in Chinese (see _venture_flow_zh): its words looked for once per sentence, by C scans
    joint = f.find("合资", sent.start, sent.end) >= 0 or f.find("合营", sent.start, sent.end) >= 0
    for a in sent.amts:
        if a.start >= cond_from:
            continue
        unit = a.amount.unit
        window = f[max(sent.start, a.start - 10):a.start]
        if _holds_any(window, _PER_SHARE_WORDS) and _PER_SHARE_BEFORE.search(window) and unit != "shares":
            if not _PER_SHARE_METRIC.search(window):
                continue
        if unit in ("GW", "MW"):
            gws.append(a)
            continue
        clause = _clause_of(sent, a.start)
        if _has(_HEDGE_P, f, clause[0], clause[1]) and _hedges(sent, a, clause) and \
                not _HEDGED_PAYMENT.search(f, clause[0], a.end):
            option = _option_of(sent, a, deals, last_deal)
            if option is not None:
                deals.append(option)  # "worth $17.4bn, but it could expand to $19.4bn": the same deal's ceiling
            continue
        if question and (_QUESTION_WORD.search(f, clause[0], clause[1]) or clause == sent.clauses[-1]
                         or clause[1] >= sent.end - 1):
            continue
        if sells is None:
            sells = _sells(sent, index, topic)  # the same for every figure of the sentence
        typ = _type_for(sent, a, clause, sells) if unit not in ("%", "x") else None
        if typ is None and unit not in ("%", "x") and f.find("支付", clause[0], a.start) >= 0:
            typ = _paid_to(sent, a, clause)  # "X將分三期向Y支付總計N": a payment said outright, whatever it buys
        metric = _fact_metric(sent, a, clause, deal_cue_here=typ is not None and typ[3] != "sentence")
        if contracted and not denied and (
                f.find("revenue", max(sent.start, a.start - 60), min(sent.end, a.end + 60)) >= 0
                or f.find("generat", max(sent.start, a.start - 40), a.start) >= 0
                or f.find("netting", max(sent.start, a.start - 40), a.start) >= 0):
            rate = _contracted_revenue(sent, a, topic, last_deal, recent, index)
            if rate is not None:
                deals.append(rate)  # "the agreements total $3.7 billion in contracted revenue"
                continue
        if metric is None and not denied and typ is None and _CAME_FROM.match(f, a.end) and \
                _BACKLOG_WORD.search(f, sent.start, sent.end):
            # "…合同…，其中3000億美元來自Acme…未履約收入": the customer's share; the seller, when the sentence names
            # none, is the firm the text is about, or, when there is none or it paid in the last deal, that deal's
            # payee
            seller = topic
            if last_deal is not None and last_deal.payer is not None and (
                    topic is None or last_deal.payer.id == topic.id):
                seller = last_deal.payee
            owed = _backlog_from(sent, a, seller)
            if owed is not None:
                deals.append(owed)
                continue
        if metric is not None and metric[0] == "rpo" and not denied:
            owed = _backlog_from(sent, a, topic)
            if owed is not None:
                deals.append(owed)
                continue
        if metric is not None and metric[0].startswith("revenue") and not denied:
            rate = _contract_revenue(sent, a, _sold_by_earner(sent, a, last_deal, history)) or \
                _deal_revenue(sent, a, clause, index, topic)
            if rate is not None:
                deals.append(rate)
                continue
        if metric is not None:
            fact = _fact_for(sent, a, metric, topic)
            if fact is not None:
                facts.append(fact)
            continue
        if a.amount.currency is not None and a.amount.high is not None and a.amount.high < _TINY:
            continue  # "$0.01 each", "每股價格為23.28美元", "a final tranche at $600": prices, not deals
        if denied:
            continue  # "It was never a commitment", "我們從來沒有說要投資1000億美元": a denial, not a deal
        if sent.wide_from < a.start and _MEASURE_BEFORE.search(f, max(sent.start, a.start - 4), a.start) and \
                _FACILITY_AFTER.match(f, a.end):
            continue  # "為愛爾蘭一座110億美元晶片工廠融資": what a plant costs, not a payment (guideline §5)
        if f.find("合作", sent.start, a.start) >= 0 and _BUILD_SPEND.search(f, max(clause[0], a.start - 6), a.start) \
                and _BUILD_AFTER.match(f, a.end) and _PARTNERS_BEFORE.search(f, sent.start, a.start):
            continue  # "A與B合作，斥資N建設資料中心項目": what the partners spend on a project, no payment between them
        if _own_spending(sent, a, clause):
            continue  # "科技公司競相斥資數十億美元", "每顆售價N": spending or a price, no payee
        if sent.wide_from < clause[1] and _GUARANTEE_ZH.search(f, clause[0], clause[1]):
            continue  # "為艾克米向鈷雲支付的20億美元租金提供擔保": a guarantee moves no money (guideline §2, §5)
        if _held_value(sent, a):
            continue  # "其管理的超千億美元資產", "持股增至約30億美元", "套現約58億美元": what a firm holds, not a deal
        lo = max(clause[0], a.start - 70)
        if (f.find("back", lo, a.start) >= 0 or f.find("guarantee", lo, a.start) >= 0) and _GUARANTEE.search(
                f, lo, a.start) or f[a.end:a.end + 1].isspace() and _GUARANTEE_AFTER.match(f, a.end):
            # "...of Acme's lease obligations", "a new $333 million guarantee", "Hooli's backstop has increased to
            # $3.2 billion": the figure measures a guarantee
            continue  # "Hooli will backstop $1.8 billion of Acme's lease obligations": a guarantee moves no money
        if f.find("commit", max(clause[0], a.start - 40), a.start) >= 0 or \
                f.find("pledg", max(clause[0], a.start - 40), a.start) >= 0:
            pledged = _pledged(sent, a, clause, index)
            if pledged is not None:
                pledged.flag = "joke" if joke else None
                deals.append(pledged)  # "Acme commits $500 million to Borealis": the verb says who pays whom
                continue
        total = _running_total(sent, a, deals, last_deal)
        if total is not None:
            deals.append(total)  # "..., bringing the total value of their pact to $22.4 billion": the same pair
            continue
        if venture is not None:
            flow = _venture_flow(sent, a, clause, venture, topic, index, recent)
            if flow is not None:
                deals.append(flow)
                continue
        if joint:
            flow = _venture_flow_zh(sent, a, clause, venture, index)
            if flow is not None:
                deals.append(flow)
                continue
        if several is None:
            several = _several(sent, index, topic, raiser, last_deal)
        if a.start in several:
            for d in several[a.start]:
                d.flag = "joke" if joke else None
            deals.extend(several[a.start])
            continue
        if typ is None:
            other = _own_capex(sent, a, clause, topic) or _deal_reference(sent, a, last_deal) or \
                _follow_on(sent, a, last_deal) or _part_of_last(sent, a, clause, last_deal)
            other = other or _tranche_of(sent, a, clause, deals) or _option_of(sent, a, deals, last_deal)
            if other is None and "额" in f[max(clause[0], a.start - 10):a.start]:
                other = _invested_size(sent, a, clause, deals, last_deal, raiser)  # "X…投資額可能高達N"
            if other is None and _TRANCHE.search(f, max(clause[0], a.start - 8), min(clause[1], a.end + 8)):
                # "随后,远山支付了首笔75亿美元": a tranche of the investment told just before
                other = _elided_payee(sent, a, clause, ("equity_investment", a.start, a.end, "clause"), None, deals,
                                      last_deal, topic, raiser)
            if other is not None:
                (facts if other.kind == "fact" else deals).append(other)
            continue
        if listing and _TOTAL.search(f[clause[0]:a.start]):
            continue  # "總額超過360億美元..., 其中包括...": a sum of the deals listed after it
        if typ[0] == "joint_venture" and (_JV_TOTAL.match(f, a.end) or _JV_SIZE.match(f, a.end)):
            continue  # "a joint venture ... for $27B Louisiana data center": the project's cost, not a payment
        if _any_in(f, _BOTH_WORDS, clause[0], a.start) and \
                _rx(r"双方|两家|二者|\bboth\b").search(f[clause[0]:a.start]) and \
                not [e for e in sent.ents if clause[0] <= e.start < clause[1]]:
            both = _both(sent, a, typ, index, last_deal)
            if both is not None:
                deals.append(both)
            continue  # "雙方...向該項目投入": the named firms pay together; the payee is not named
        if not [e for e in sent.ents if clause[0] <= e.start < a.start] and \
                _CAUSE_AFTER.search(f[a.end:clause[1]]):
            continue  # "1,000 億美元的投資帶來...": the figure is the subject, a deal told elsewhere
        if _any_in(f, _SELL_WORDS, clause[0], a.start) and _SELL.search(f, clause[0], a.start) and \
                _SHARES_WORD.search(f, clause[0], clause[1]) and \
                not _SOLD_TO.search(f, clause[0], clause[1]) and _LATIN_START.match(f, clause[0]):
            continue  # "Acme sold $5.8 billion worth of Borealis shares": the buyers are not named (guideline §2)
        if typ[0] == "acquisition_stake" and \
                _any_in(f, _SELL_WORDS, sent.start if typ[3] == "sentence" else clause[0], clause[1]) and \
                _SELL.search(f, sent.start if typ[3] == "sentence" else clause[0], clause[1]) and \
                not _SOLD_TO.search(f, sent.start if typ[3] == "sentence" else clause[0], clause[1]):
            continue  # "Soylent sold its stake in Initech for $5.8 billion": the buyer is not named
        if _gated_search(_BOTH, _BOTH_GATE, f, clause[0], a.start):
            both = _both(sent, a, typ, index, last_deal)
            if both is not None:
                deals.append(both)
                continue
        if deals and _TRANCHE.search(f, max(clause[0], a.start - 8), min(clause[1], a.end + 8)):
            part = _tranche_of(sent, a, clause, deals)
            if part is not None:
                deals.append(part)  # "…將向其投資最多N，其中首筆M已到位": the tranche keeps the deal's direction
                continue
        deal = _deal_for(sent, a, clause, typ, index, topic)
        if deal is not None and deal.payer is not None and deal.payee is not None and \
                (_jv_word(sent) or joint_text and _FOR_FACILITY.search(f, a.end, sent.end)) \
                and not _CONTRIBUTE.search(f, clause[0], clause[1]) and \
                "project" not in (index.kinds.get(deal.payer.id), index.kinds.get(deal.payee.id)):
            # "Meta與Blue Owl成立合資企業，計劃籌集約270億美元", and in a text about a venture "A announced a $27
            # billion financing deal with B to develop its data center": partners of a venture, not payer and payee
            continue
        if deal is not None and deal.payee is not None and joint and _TO_VENTURE.search(f, clause[0], clause[1]) and \
                index.kinds.get(deal.payee.id) != "project":
            continue  # "龍華向合資公司注資30億美元": the venture is paid and is named nowhere as a party
        if deal is not None or typ[0] == "equity_investment":
            deal = _elided_payee(sent, a, clause, typ, deal, deals, last_deal, topic, raiser)
        if deal is None:
            other = _own_capex(sent, a, clause, topic) or _deal_reference(sent, a, last_deal, typ) \
                or _party_reference(sent, a, clause, history or []) or _pair_reference(sent, a, history or [], typ) \
                or _seller_elsewhere(sent, a, clause, typ, index) \
                or _tranche_of(sent, a, clause, deals) \
                or _follow_on(sent, a, last_deal) or _part_of_last(sent, a, clause, last_deal)
            if other is not None:
                (facts if other.kind == "fact" else deals).append(other)
            continue
        same = next((d for d in deals if {d.payer.id, d.payee.id} == {deal.payer.id, deal.payee.id}), None)  # type: ignore[union-attr]
        if same is not None and same.amount is not None and deal.amount is not None and \
                (_clause_of(sent, same.spans["amount"][0]) != clause and not _in_parens(f, a.start)
                 or _gated_search(_OPTION_UP, _OPTION_UP_WORDS, f, max(sent.start, a.start - 70), a.start)
                 or _NOUN_AFTER.match(f, a.end) and _NOUN_AFTER.match(f, same.spans["amount"][1])
                 and _THE_BEFORE.search(f, max(sent.start, a.start - 16), a.start)):
            # another figure for the same pair in another clause ("追加投資225億美元,使其累計出資達到約
            # 300億美元"), or named as a deal of its own ("a new $4B deal with Acme, on top of the $11.9B deal
            # from March"): a claim of its own
            same = None
        if same is not None:
            if same.amount is None and deal.amount is not None:
                same.amount, same.spans["amount"] = deal.amount, deal.spans["amount"]
            elif same.quantity is None and deal.quantity is not None:
                same.quantity, same.spans["quantity"] = deal.quantity, deal.spans["quantity"]
            continue
        _reroute(sent, deal)
        if deal.type in _PURCHASE and deal.payer is not None and deal.payee is not None and \
                "+" not in deal.payer.id and f.find("宣布", sent.start, a.start) >= 0:
            _sellers_together(sent, a, deal)  # "A、B和C共同宣布達成協議…價值N": B and C sell to A together
        elif listing and deal.payer is not None and deal.payee is not None:
            _listed_together(sent, a, clause, deal)  # "X投資…，包括A、B以及C，總金額達N": one sum, no split
        elif deal.type == "equity_investment" and deal.payer is not None and "+" not in deal.payer.id:
            _payers_together(sent, a, deal)  # "X獲得A和B共計N的投資": A and B pay together
        deal.flag = "joke" if joke else None
        deals.append(deal)
    for g in gws:
        _place_capacity(sent, g, deals, facts, index, topic, joke)
    for d in deals:
        _deal_extras(sent, d)
    return deals + facts


#: A verb of committing money right before a figure ("commits up to $27 billion", "pledged $2 billion"), through the
#: words of a bound.
_PLEDGE_BEFORE: Final = re.compile(
    r"(?:commit(?:s|ted|ting)?|pledg(?:e|es|ed|ing))\s+(?:(?:up to|about|around|roughly|some|nearly|more than|over|"
    r"as much as|at least|an(?:other| additional)|a further|an?)\s+)*$")
#: ... and its recipient after it ("to Borealis", "to UK driving startup Quorra", "into the project"): at most four
#: words between the preposition and the firm's name.
_PLEDGE_TO: Final = re.compile(r"(?:\s+(?:in|of)\s+[\w-]+)?\s+(?:to|into|towards?)\s+(?:[\w'’.-]+\s+){0,4}?$")


def _pledged(sent: _Sentence, a: AmountMention, clause: tuple[int, int], index: EntityIndex) -> Proposal | None:
    """A firm's commitment or pledge of a figure to another firm: the one who commits pays the one it goes to.

    "Acme Commits $500 Million To UK Driving Startup Quorra", "as Acme commits $30B to Cobalt Cloud", "Acme pledged
    up to $2 billion to Borealis": the verb says the direction whatever the two usually sell. The payer is the firm
    just before the verb (through auxiliaries: "has committed", "will pledge"); the payee the firm named within four
    words after "to"/"into". The type is what the payee usually sells (compute, chips), else an investment. English.
    """
    f = sent.folded
    verb = _PLEDGE_BEFORE.search(f, max(clause[0], a.start - 40), a.start)
    if verb is None:
        return None
    actors = [e for e in sent.ents if sent.kinds.get(e.id) != "person"]
    payer = next((e for e in reversed(actors) if e.end <= verb.start() and verb.start() - e.end <= 30
                  and _AUX_ONLY.fullmatch(f, e.end, verb.start())), None)
    payee = next((e for e in actors if a.end < e.start <= a.end + 60
                  and _PLEDGE_TO.match(f, a.end, e.start)), None)
    if payer is None or payee is None or payer.id == payee.id:
        return None
    sells = index.sells.get(payee.id, frozenset())
    typ = "compute_contract" if "compute_contract" in sells else (
        "chip_purchase" if "chip_purchase" in sells else "equity_investment")
    p = Proposal("deal", (sent.start, sent.end), 0.5, payer=payer, payee=payee, type=typ, amount=a.amount)
    p.spans = {"from": (payer.start, payer.end), "to": (payee.start, payee.end), "type": (verb.start(), a.start),
               "amount": (a.start, a.end)}
    return p


#: Only auxiliaries between a firm's name and its verb ("Acme has", "Acme will also", "Acme, which").
_AUX_ONLY: Final = re.compile(r"(?:['’]s)?\s*(?:(?:will|would|also|has|have|had|is|are|now|reportedly|then|already|"
                              r"just|plans to|agreed to|is set to|to)\s+)*")


#: Money into a venture ("contributed about $7 billion in cash", "pumped in $7 billion") and out of it to a partner
#: ("receiving a one-time distribution of about $3 billion", "will receive an immediate $3 billion payout").
_INTO_VENTURE: Final = re.compile(
    r"\b(?:contribut(?:e|es|ed|ing)|pump(?:s|ed)? in|put(?:s|ting)? in|inject(?:s|ed)?)\s+"
    r"(?:[\w-]+\s+){0,2}?$")
_OUT_OF_VENTURE: Final = re.compile(r"\b(?:receiv(?:e|es|ed|ing)|gets?|getting|got)\s+(?:[\w-]+\s+){0,3}?"
                                    r"(?:distribution|payout)s?\s+of\s+$|"
                                    r"\b(?:receiv(?:e|es|ed|ing)|gets?|getting|got)\s+(?:an?\s+)?(?:[\w-]+\s+){0,2}?$")
_PAYOUT_AFTER: Final = re.compile(r"\s*(?:[\w-]+\s+){0,1}?(?:distribution|payout)s?\b")


def _venture_flow(sent: _Sentence, a: AmountMention, clause: tuple[int, int], venture: EntityMention,
                  topic: EntityMention | None, index: EntityIndex | None = None,
                  recent: Sequence[EntityMention] = ()) -> Proposal | None:
    """A partner's cash into the venture in view, or the venture's distribution to a partner (guideline section 2).

    "Dynamo contributed about $7 billion in cash to the partnership" -> Dynamo pays the venture; "Acme received a
    one-time distribution of about $3 billion" -> the venture pays Acme. The contributor or receiver is the firm
    just before the verb in the figure's clause (a description or pronoun: the topic). English only.
    """
    f = sent.folded
    cs = clause[0]
    into = _INTO_VENTURE.search(f, max(cs, a.start - 40), a.start)
    if into is not None:
        out = False
        verb = into.start()
    else:
        m = _OUT_OF_VENTURE.search(f, max(cs, a.start - 60), a.start)
        if m is None or ("distribution" not in m.group(0) and "payout" not in m.group(0)
                         and not _PAYOUT_AFTER.match(f, a.end)):
            return None
        out, verb = True, m.start()
    firm = next((e for e in reversed(_actors(sent)) if cs <= e.start and e.end <= verb and verb - e.end <= 24
                 and e.id != venture.id and sent.kinds.get(e.id) != "person"), None)
    if firm is None and topic is not None and topic.id != venture.id and _starts_pronoun(sent) and \
            not [e for e in _actors(sent) if e.start < verb]:
        # "The alternative asset manager is contributing roughly $7 billion in cash": the one firm of the sentence
        # before that is of the kind the description says (a fund), else the topic
        firm = (_described_firm(sent, [e for e in recent if e.id != venture.id], index)
                if index is not None else None) or topic
    if firm is None:
        return None
    payer, payee = (venture, firm) if out else (firm, venture)
    p = Proposal("deal", (sent.start, sent.end), 0.5, payer=payer, payee=payee, type="joint_venture",
                 amount=a.amount)
    p.spans = {"from": (payer.start, payer.end), "to": (payee.start, payee.end), "type": (verb, a.start),
               "amount": (a.start, a.end)}
    return p


#: Money a partner puts into a venture ("並注入約70億美元現金", "共同出資270億美元"), and money a venture pays a partner
#: ("並獲得了30億美元的一次性支付"), told in Chinese: the verb right before the figure.
_INTO_VENTURE_ZH: Final = re.compile(r"(?:注入|投入|出资|注资)了?\s*$")
_OUT_OF_VENTURE_ZH: Final = re.compile(r"(?:获得|收到|取得|获)了?\s*$")
_PAYOUT_AFTER_ZH: Final = re.compile(r"\s*的?\s*(?:一次性|特别|现金)?\s*(?:支付|付款|分配|派发|分红|款项|回报)")
_JOINTLY_ZH: Final = re.compile(r"(?:共同|联合|一起|携手)\s*$")
_MARKED_OBJECT_ZH: Final = re.compile(r"(?:向|对|给)\s*$")


#: A run of firms announcing a deal together ("A、B和C共同宣布達成", "A與B和C聯合宣布").
_ANNOUNCE_TOGETHER: Final = re.compile(r"\s*(?:今天|周[一二三四五六日]|日前|近日)?\s*(?:共同|联合|一起|携手)?\s*宣布")


def _sellers_together(sent: _Sentence, a: AmountMention, deal: Proposal) -> None:
    """The payee of a purchase three or more firms announce together: every firm of the run but the buyer.

    "A、B和C共同宣布達成五年期協議，…協議價值可達N": the buyer (read by who sells what) pays the others as one group
    (guideline section 7, an aggregate claim when the text gives no split). Changes ``deal`` in place.
    """
    run = _coordinated(sent, _actors(sent), a.start)
    ids = {e.id for e in run}
    if len(ids) < 3 or deal.payer is None or deal.payee is None or deal.payer.id not in ids or \
            deal.payee.id not in ids or not _ANNOUNCE_TOGETHER.match(sent.folded, run[-1].end):
        return
    others = [e for e in run if e.id != deal.payer.id]
    group = _group(others)
    deal.payee = group
    deal.spans["to"] = (group.start, group.end)


#: A figure introduced as the sum of what was listed before it ("，總金額達N", "合計約N").
_SUM_BEFORE: Final = re.compile(r"(?:总金额|总额|总计|合计|共计|累计)\s*(?:超过|约|达|达到|为|逾)?\s*$")
#: What opens a list of a deal's objects ("包括A、B和C", "including A and B").
_LIST_OPEN: Final = re.compile(r"(?:包括|包含|including)\s*[:：]?\s*$")


def _listed_together(sent: _Sentence, a: AmountMention, clause: tuple[int, int], deal: Proposal) -> None:
    """The payee of one figure that sums a list of the payer's counterparties: the list as one group.

    "X…投資科技巨頭與AI新創，包括A、B以及C，總金額達N": the figure is the sum over A, B and C and the text gives no
    split, so it is one aggregate claim whose payee is the group (guideline section 7). Changes ``deal`` in place.
    """
    f = sent.folded
    if not _SUM_BEFORE.search(f, max(clause[0], a.start - 10), a.start) or deal.payee is None or deal.payer is None:
        return
    run = _coordinated(sent, [e for e in _actors(sent) if e.id != deal.payer.id], a.start)
    ids = {e.id for e in run}
    if len(ids) < 2 or deal.payee.id not in ids or deal.payer.id in ids or \
            not _LIST_OPEN.search(f, max(sent.start, run[0].start - 8), run[0].start):
        return
    group = _group(run)
    deal.payee = group
    deal.spans["to"] = (group.start, group.end)


#: Between a run of firms and the figure they pay together: "A和B共計N", "A與B合計約N", "A和B的N".
_TOGETHER_GAP: Final = re.compile(r"\s*(?:共计|合计|总计|共同|一共|共)?\s*(?:的)?\s*")


def _payers_together(sent: _Sentence, a: AmountMention, deal: Proposal) -> None:
    """The payer of an investment two or more coordinated firms make with one figure: the run as a group.

    "X獲得A和B共計N的投資": the figure follows the run (only a word for "in all" between) and the text gives no split,
    so it is one aggregate claim whose payer is the group (guideline section 7). Changes ``deal`` in place.
    """
    if deal.payer is None or deal.payee is None:
        return
    run = _coordinated(sent, [e for e in _actors(sent) if e.id != deal.payee.id], a.start)
    ids = {e.id for e in run}
    if len(ids) < 2 or deal.payer.id not in ids or not _TOGETHER_GAP.fullmatch(sent.folded, run[-1].end, a.start):
        return
    group = _group(run)
    deal.payer = group
    deal.spans["from"] = (group.start, group.end)


def _venture_flow_zh(sent: _Sentence, a: AmountMention, clause: tuple[int, int], venture: EntityMention | None,
                     index: EntityIndex) -> Proposal | None:
    """A joint venture's money told in Chinese, in a sentence that names a venture (合資, 合營; guideline section 2).

    The venture is a project named in the sentence, else the one in view. "A與B成立合資企業，共同出資N" -> the
    group A+B pays the venture; "B將持有合資企業80%的股權，並注入約N現金" -> B pays it (the firm named last before
    the verb, whose clause the figure's continues); "而A則保留20%的股權，並獲得了N的一次性支付" -> the venture pays
    A. Not when the verb has another firm as its object ("向Y注資N", "注入Y"): that is a payment to Y.
    """
    f = sent.folded
    proj = next((e for e in sent.ents if index.kinds.get(e.id) == "project"), None) or venture
    if proj is None:
        return None
    lo = max(clause[0], a.start - 8)
    into = _INTO_VENTURE_ZH.search(f, lo, a.start)
    out = False
    if into is not None:
        verb = into.start()
    else:
        got = _OUT_OF_VENTURE_ZH.search(f, lo, a.start)
        if got is None or not _PAYOUT_AFTER_ZH.match(f, a.end):
            return None
        out, verb = True, got.start()
    actors = _actors(sent)
    if any(e.id != proj.id and (verb <= e.start < clause[1] or clause[0] <= e.start < verb
                                and _MARKED_OBJECT_ZH.search(f, max(clause[0], e.start - 2), e.start))
           for e in actors):
        return None  # "向Y注資N", "注入Y N": the firm named as the object is paid, not the venture
    before = [e for e in actors if e.end <= verb and e.id != proj.id and index.kinds.get(e.id) != "person"
              and not _MARKED_OBJECT_ZH.search(f, max(sent.start, e.start - 2), e.start)]
    if not before:
        return None
    if not out and _JOINTLY_ZH.search(f, max(clause[0], verb - 4), verb) and len({e.id for e in before}) >= 2:
        firm = _group(before)  # "A與B成立合資企業，共同出資N": the partners pay together
    else:
        firm = before[-1]
    payer, payee = (proj, firm) if out else (firm, proj)
    p = Proposal("deal", (sent.start, sent.end), 0.5, payer=payer, payee=payee, type="joint_venture",
                 amount=a.amount)
    p.spans = {"from": (payer.start, payer.end), "to": (payee.start, payee.end), "type": (verb, a.start),
               "amount": (a.start, a.end)}
    return p


#: What a venture's deal is for: building a facility ("to develop its largest data center", "To Build Louisiana Data
#: Centre", "to support construction of its data centre project").
_FOR_FACILITY: Final = re.compile(
    r"t(?<![a-z]t)o (?:build|develop|construct|fund|finance|support(?: the)? construction of)\b"
    r"(?:[^.;]|\.(?=\d)){0,60}?(?:data cent(?:er|re)|campus|facility|project)")


def _described_firm(sent: _Sentence, candidates: Sequence[EntityMention], index: EntityIndex) -> EntityMention | None:
    """The one firm of ``candidates`` of the kind the description opening ``sent`` names ("The asset manager": a fund).

    The kind words are the coreference step's (``data/names/descriptions.json``, :mod:`dealweb.extract.coref`).
    """
    m = _DESCRIPTION_START.match(sent.folded, sent.start)
    words = coref_words() if m is not None else None
    if m is None or words is None:
        return None
    said = m.group(0)
    want = [(how, value) for word, how, value in words.kinds if word in said]
    if not want:
        return None
    fit = {e.id: e for e in candidates if coref_fits(e, index, want)}
    return next(iter(fit.values())) if len(fit) == 1 else None


_JV_TOTAL: Final = re.compile(r"\s*(?:[\w-]+\s+){0,2}(?:data cent(?:er|re)|campus|project)|"
                              r"\s*的?\S{0,6}(?:数据中心|资料中心|项目|园区)")


#: These open every alternative on a literal (``\bboth`` as ``b(?<!\wb)oth``), so the engine skips to their first
#: characters by a set test: the same matches as ``合资|合营|\bjoint ventures?\b|\bjvs?\b``,
#: ``contribut|\bin cash\b|\bdistribution\b|\bpayout\b|出资|注资|投入|现金|分配`` and
#: ``两家公司|两家|双方|二者|\bboth\b|\bthe two (?:companies|firms)\b``.
#: "a $27 billion joint venture": the venture's size, not one partner's payment.
_JV_SIZE: Final = re.compile(r"\s*(?:[\w-]+\s+){0,2}?(?:joint venture|jv)\b")
_JV_WORD: Final = re.compile(r"合资|合营|j(?<!\wj)(?:oint ventures?\b|vs?\b)")


def _jv_word(sent: _Sentence) -> bool:
    """Whether :data:`_JV_WORD` lies in the sentence (searched at the first figure that asks, then kept)."""
    got = sent._jv
    if got is None:
        f = sent.folded
        # every match opens on 合 or j: looked for by C scans first, the pattern tried only where one lies
        got = sent._jv = (f.find("合", sent.start, sent.end) >= 0 or f.find("j", sent.start, sent.end) >= 0) and \
            _JV_WORD.search(f, sent.start, sent.end) is not None
    return got
#: The venture as the object of a payment ("向合資公司注資", "注入該合資企業"): the venture, not a partner, is paid.
_TO_VENTURE: Final = re.compile(r"(?:向|对|给|注入|投入)(?:该|这家|此|新)?(?:合资|合营)(?:公司|企业|实体)")
_CONTRIBUTE: Final = re.compile(r"contribut|i(?<!\wi)n cash\b|d(?<!\wd)istribution\b|p(?<!\wp)ayout\b|"
                                r"出资|注资|投入|现金|分配")
_BOTH: Final = re.compile(r"两家公司|两家|双方|二者|b(?<!\wb)oth\b|t(?<!\wt)he two (?:companies|firms)\b")
_BOTH_GATE: Final = ("两家", "双方", "二者", "both", "the two")  # every match of _BOTH holds one


_CONTRACT_SUBJ: Final = re.compile(
    r"(?:该|这份|这项|此|the|this)\s*(?:云服务)?"
    r"(?:协议|合约|合同|交易|agreement|contract|deal)|(?:云服务|服务|算力)(?:协议|合约|合同)")
_PER_YEAR: Final = re.compile(r"每年|年均|平均每年|一年|\ba year\b|\bper year\b|\bannually\b|财年|fiscal")


def _sold_by_earner(sent: _Sentence, a: AmountMention, last: Proposal | None,
                    history: list[Proposal] | None) -> Proposal | None:
    """The deal in view whose revenue the figure is: ``last``, unless the firm that earns it paid in ``last``.

    "X表示，這份合約預計每年帶來N的收入" after a sentence on X's own purchase from Y: the contract that brings X
    revenue is one X sells in, the latest purchase of the text in which X is the payee (else ``None``).
    """
    if last is None or last.payer is None or not history:
        return last
    earner = next((e for e in _actors(sent) if e.start < a.start), None)
    if earner is None or earner.id != last.payer.id:
        return last
    return next((p for p in reversed(history[-64:]) if p.kind == "deal" and p.payer is not None
                 and p.payee is not None and p.payee.id == earner.id and p.type in _PURCHASE), None)


def _contract_revenue(sent: _Sentence, a: AmountMention, last: Proposal | None) -> Proposal | None:
    """A contract's yearly revenue to its seller ("該協議將在2027財年創造超過300億美元的收入") as the deal's rate.

    Only when the figure's subject is the contract, its period is a year, no firm other than the last
    deal's parties is named in the sentence, and the last deal in view (with or without a figure) is a
    purchase: the buyer pays the seller that much a year (guideline §4, ``per_year``).
    """
    if last is None or last.payer is None or last.payee is None or last.type not in _PURCHASE:
        return None
    f = sent.folded
    if not _CONTRACT_SUBJ.search(f, sent.start, a.start) or not _PER_YEAR.search(f, sent.start, sent.end):
        return None
    if any(e.id not in (last.payer.id, last.payee.id) for e in _actors(sent)):
        return None
    return _same_pair_deal(sent, a, last)


#: Revenue a deal brings its seller ("預計每年將產生19.4億美元的收入", "預計帶來270億美元收入").
_BRINGS: Final = re.compile(r"(?:带来|产生|创造|贡献|带进|进账)[^，,。;；]{0,12}$|"
                            r"(?:合同|合约|协议)(?:总)?(?:收入|营收)(?:总额)?\s*(?:约|达|为|将达)?\s*$")
#: The counterparty of a deal named by 與 ("此次與X的交易", "與X之間的合約"): the buyer, when the other firm sells.
_DEAL_WITH: Final = re.compile(r"\s*(?:之间)?\s*的?\s*(?:[^，,。;；]{0,6}?|(?:签署|签订|达成|签下)[^，,。;；]{0,16}?)"
                               r"(?:交易|合约|合同|协议|订单|合作)")


def _deal_revenue(sent: _Sentence, a: AmountMention, clause: tuple[int, int], index: EntityIndex,
                  topic: EntityMention | None) -> Proposal | None:
    """The revenue a deal told in the same sentence brings its seller, as the buyer's payment.

    "天成預計與龍華的交易每年將產生19.4億美元的收入" (the firm after 與...的交易 is the buyer; the other one, or the
    topic, sells), "X與Y達成協議：未來三年提供算力，預計帶來270億美元收入" (who sells is who usually sells that
    deal's type). The revenue must be what the deal brings (帶來/產生/創造 before the figure), else it is the
    seller's own revenue, a fact.
    """
    f = sent.folded
    if not _BRINGS.search(f, clause[0], a.start):
        return None
    actors = [e for e in _actors(sent) if sent.kinds.get(e.id) != "person"]
    ids = list(dict.fromkeys(e.id for e in actors))
    buyer = next((e for e in actors if _gated_search(_WITH_FAR, _WITH_WORDS, f, max(sent.start, e.start - 16), e.start)
                  and _DEAL_WITH.match(f, e.end)), None)
    pair: tuple[EntityMention, EntityMention] | None = None
    if buyer is not None:
        others = [e for e in actors if e.id != buyer.id]
        seller = others[0] if len({e.id for e in others}) == 1 else (topic if not others else None)
        if seller is not None and seller.id != buyer.id:
            pair = (buyer, seller)
    found = _type_in(sent, sent.start, sent.end, _sells(sent, index, topic))
    if buyer is None and len(ids) == 2:
        typ = found
        x = next(e for e in actors if e.id == ids[0])
        y = next(e for e in actors if e.id == ids[1])
        if typ is not None and typ[0] in _PURCHASE:
            pair = _seller_first(typ[0], x, y, index)
    if pair is None:
        return None
    typ_name = "compute_contract"
    if found is not None and found[0] in _PURCHASE:
        typ_name = found[0]
    p = Proposal("deal", (sent.start, sent.end), 0.5, payer=pair[0], payee=pair[1], type=typ_name, amount=a.amount)
    p.spans = {"from": (pair[0].start, pair[0].end), "to": (pair[1].start, pair[1].end), "type": (a.start, a.end),
               "amount": (a.start, a.end)}
    return p


#: Revenue a contract brings its seller, told in English: "$3.7 billion in contracted revenue", "roughly $11 billion
#: in lease revenue", "contracted lease revenue to approximately $11B", "expects to generate over $1 billion per year
#: from the deal" (matched around the figure: before it, or after it).
_CONTRACTED_BEFORE: Final = re.compile(
    r"(?:contracted|lease|leasing|hosting|colocation)\s+(?:[\w-]+\s+){0,2}?revenues?"
    r"\s+(?:of|to|at|exceeding|totall?ing|worth|reaching)?\s*(?:[\w-]+\s+){0,2}?$|"
    r"\b(?:generate|generates|generating|net|nets|netting|secure|secures|securing|bring|"
    r"brings|bringing)\s+(?:[\w-]+\s+){0,3}?$")
_CONTRACTED_AFTER: Final = re.compile(r"\s*(?:[\w-]+\s+){0,3}?(?:in|of)\s+(?:[\w-]+\s+){0,3}?revenues?\b|"
                                      r"\s*(?:[\w-]+\s+){0,4}?from\s+the\s+(?:[\w-]+\s+){0,2}?(?:deal|lease|leases|"
                                      r"agreement|agreements|contract|contracts)\b")
#: A contract word in the sentence: the revenue is a deal's, not the firm's revenue for a period.
_CONTRACT_WORD: Final = re.compile(r"l(?<!\wl)eases?\b|a(?<!\wa)greements?\b|c(?<!\wc)ontracts?\b|c(?<!\wc)ontracted\b|"
                                   r"d(?<!\wd)eals?\b|c(?<!\wc)olocation\b|h(?<!\wh)osting\b")
#: An English sentence, maybe a list item ("- Acme signed...").
_BULLET_LATIN_START: Final = re.compile(r"[\s*•·–—-]*[\"“]?[A-Za-z]")
_CONTRACT_LITERALS: Final = ("lease", "agreement", "contract", "deal", "colocation", "hosting")
#: Where the revenue's payer stands: after "with", "from", "for", "grants" ("leases with Acme", "grants Acme").
_TENANT_BEFORE: Final = re.compile(r"(?:\bwith|\bfrom|\bfor|\bgrants?|\bgranting)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}$")


def _contracted_revenue(sent: _Sentence, a: AmountMention, topic: EntityMention | None, last: Proposal | None,
                        recent: Sequence[EntityMention], index: EntityIndex) -> Proposal | None:
    """Revenue a lease or contract brings its seller, told as such, as the customer's payment (English).

    "Borealis signed two colocation agreements with Acme. The agreements total $3.7 billion in contracted
    revenue": Acme pays Borealis that much. The seller is the sentence's firm that earns (its subject, or the
    topic); the customer is the firm after "with"/"from"/"for"/"grants" in the sentence, or else the other party of
    the deal in view, or else the one other firm the sentence before named; a firm that lets data-centre space is
    the seller whatever the order. A firm's revenue for a period, with no contract word in the sentence, stays a
    fact.
    """
    f = sent.folded
    if not _BULLET_LATIN_START.match(f, sent.start) or a.amount.currency is None:
        return None
    if not _CONTRACT_WORD.search(f, sent.start, sent.end):
        return None  # (the caller looked for these words as substrings: the pattern checks their edges)
    lo = max(sent.start, a.start - 60)
    revenue_after = f.find("revenue", a.end, min(sent.end, a.end + 60)) >= 0
    if not (revenue_after and _CONTRACTED_AFTER.match(f, a.end, min(sent.end, a.end + 60))
            or f.find("from the", a.end, min(sent.end, a.end + 60)) >= 0
            and _CONTRACTED_AFTER.match(f, a.end, min(sent.end, a.end + 60))
            or _CONTRACTED_BEFORE.search(f, lo, a.start)):
        return None
    actors = [e for e in _actors(sent) if sent.kinds.get(e.id) != "person"]
    tenants = []
    for e in actors:
        m = _TENANT_BEFORE.search(f, max(sent.start, e.start - 40), e.start)
        if m is not None and not any(m.start() <= o.start < e.start for o in actors):
            tenants.append(e)  # "with Acme", not "with Acme brings Borealis's": the firm right after the word
    earners = [e for e in actors if e.start < a.start and not any(t.id == e.id for t in tenants)]
    if len({e.id for e in tenants}) > 1 or len({e.id for e in earners}) > 1:
        return None
    buyer = tenants[0] if tenants else None
    seller = earners[0] if earners else topic
    if seller is None or buyer is not None and seller.id == buyer.id:
        return None
    if buyer is None and not [e for e in actors if e.id != seller.id]:
        if last is not None and last.payer is not None and last.payee is not None and \
                seller.id in (last.payer.id, last.payee.id):
            buyer = last.payee if last.payer.id == seller.id else last.payer
        else:
            others = {e.id: e for e in recent if e.id != seller.id and sent.kinds.get(e.id) != "person"}
            buyer = next(iter(others.values())) if len(others) == 1 else None
    if buyer is None or buyer.id == seller.id or "+" in buyer.id:
        return None
    by_role = _seller_first("lease", buyer, seller, index)
    if by_role is not None:
        buyer, seller = by_role  # the firm that lets data-centre space is paid, whichever the sentence put first
    p = Proposal("deal", (sent.start, sent.end), 0.5, payer=buyer, payee=seller, type="lease", amount=a.amount)
    p.spans = {"from": (buyer.start, buyer.end), "to": (seller.start, seller.end), "type": (a.start, a.end),
               "amount": (a.start, a.end)}
    return p


#: "N來自X": a share of a seller's contracts or backlog that a customer owes (see _backlog_from).
_CAME_FROM: Final = re.compile(r"\s*(?:来自|源自)")
_BACKLOG_WORD: Final = re.compile(r"(?:合同|合约|订单|履约|积压)(?:金额|总额|价值|收入|义务)|履约|r(?<![a-z])po\b|"
                                  r"b(?<!\wb)acklog")


def _backlog_from(sent: _Sentence, a: AmountMention, topic: EntityMention | None = None) -> Proposal | None:
    """A seller's backlog owed by a named customer, as the customer's commitment to pay.

    "Cobalt's backlog from Acme rose to $50 billion", "鈷雲來自艾克米的剩餘履約義務" (guideline §4,
    ``backlog``); a backlog with no customer named stays a fact of the seller.
    """
    f = sent.folded
    after = next((e for e in _actors(sent) if e.start >= a.end and _rx(r"\s*(?:来自|源自)\s*").fullmatch(
        f, a.end, e.start)), None)
    if after is not None:
        # "該公司4550億美元的RPO中，有3000億美元來自Acme": the customer after the figure, the seller before it or
        # the firm the text is about
        before = [e for e in _actors(sent) if e.start < a.start and e.id != after.id]
        seller = before[0] if before else topic
        if seller is None or seller.id == after.id:
            return None
        p = Proposal("deal", (sent.start, sent.end), 0.5, payer=after, payee=seller, type="services",
                     amount=a.amount)
        p.spans = {"from": (after.start, after.end), "to": (seller.start, seller.end), "amount": (a.start, a.end),
                   "type": (a.start, a.end)}
        return p
    actors = [e for e in _actors(sent) if e.start < a.start]
    if len({e.id for e in actors}) != 2:
        return None
    seller = actors[0]
    customer = next((e for e in actors if e.id != seller.id and _rx(r"(?:来自|\bfrom)\s*$").search(
        f[max(sent.start, e.start - 6):e.start])), None)
    if customer is None:
        return None
    p = Proposal("deal", (sent.start, sent.end), 0.5, payer=customer, payee=seller, type="services", amount=a.amount)
    p.spans = {"from": (customer.start, customer.end), "to": (seller.start, seller.end), "amount": (a.start, a.end),
               "type": (a.start, a.end)}
    return p


def _payers(p: Proposal) -> set[str]:
    """The ids that pay in ``p``: its payer, or each member of a group payer."""
    return set(p.payer.id.split("+")) if p.payer is not None else set()


def _elided_payee(sent: _Sentence, a: AmountMention, clause: tuple[int, int], typ: tuple[str, int, int, str],
                  deal: Proposal | None, deals: list[Proposal], last_deal: Proposal | None,
                  topic: EntityMention | None, raiser: EntityMention | None = None) -> Proposal | None:
    """The payee a clause leaves out ("龍華投資100億美元，而天成則注資50億美元"): the last investment's.

    When the clause names one investor and the other party was taken from outside the clause, and that
    party is itself an investor of the last investment (this sentence's or the one before), the payee is
    that investment's payee. With no deal at all, a lone investor before its verb invests in the last
    investment's payee.
    """
    f = sent.folded
    before = [p for p in deals if p.type == "equity_investment"]
    prev = before[-1] if before else (last_deal if last_deal is not None and last_deal.type == "equity_investment"
                                      else None)
    own = [e for e in _actors(sent) if clause[0] <= e.start < clause[1] and e.start < a.start]
    if not own and deal is None:
        # "远山支付了首笔75亿美元,并于10月决定完成剩余225亿美元的投资": the sentence's one actor
        earlier = [e for e in _actors(sent) if e.start < a.start]
        own = earlier if len({e.id for e in earlier}) == 1 else []
    # with no investment in view, only the firm raising a round can stand for a payee the text leaves out:
    # an article about a round, where a lone investor invests in the firm raising it
    topic = raiser
    if deal is not None:
        if deal.payee is None or deal.payer is None or clause[0] <= deal.payee.start < clause[1] or \
                deal.type != "equity_investment":
            return deal
        new = None
        if prev is not None and prev.payee is not None and deal.payee.id in _payers(prev) and \
                deal.payer.id != prev.payee.id:
            new = prev.payee
        elif prev is None and topic is not None and topic.id not in (deal.payer.id, deal.payee.id) and \
                (_parallel(sent, deal.payee) or _also_investor(sent, deal.payer, deal.payee, clause)):
            new = topic  # "大河洽談最高500億美元的投資，遠山則商議最高300億美元的注資" (about Acme)
        if new is not None:
            deal.payee = new
            deal.spans["to"] = (new.start, new.end)
        return deal
    if len({e.id for e in own}) != 1 or not _INVEST_VERB.search(f, own[0].end, clause[1]) or \
            _OWN_SPENDING.search(f, own[0].end, clause[1]):
        return None  # (not "龍華也宣布對德州的資料中心投資15億美元": spending on its own facility, no payee left out)
    payer = own[0]
    if prev is not None and prev.payee is not None and payer.id != prev.payee.id and (
            payer.id in _payers(prev) or _DESCRIBED.search(f, own[0].end, a.start)):
        # "龍華承諾投入最多100億美元" after "龍華與天成將向Hooli投資150億美元"; "INITECH也承諾將向這家
        # Hoolibot模型開發商注資50億美元" after "天成...向...Hooli投資"
        payee = prev.payee
    elif prev is None and last_deal is not None and last_deal.payer is not None and last_deal.payee is not None \
            and last_deal.payer.id == payer.id and _TRANCHE.search(f, clause[0], clause[1]):
        payee = last_deal.payee  # "随后,远山支付了首笔75亿美元" after "远山...向Acme投资"
    elif prev is None and topic is not None and topic.id != payer.id:
        payee = topic  # "龍華此次投資金額預計不超過20億美元" in an article about Vandelay's round
    else:
        return None
    p = Proposal("deal", (sent.start, sent.end), 0.5, payer=payer, payee=payee, type="equity_investment",
                 amount=a.amount)
    p.spans = {"from": (payer.start, payer.end), "to": (payee.start, payee.end),
               "type": (typ[1], typ[2]), "amount": (a.start, a.end)}
    return p


#: The size of one firm's investment said by a noun ("投資額", "出資金額"): the investor named, the investee left out.
_INVEST_SIZE: Final = re.compile(r"(?:投资|注资|出资|入股)(?:总)?金?额")


def _invested_size(sent: _Sentence, a: AmountMention, clause: tuple[int, int], deals: list[Proposal],
                   last_deal: Proposal | None, raiser: EntityMention | None) -> Proposal | None:
    """"龍華已進行洽談，投資額可能高達N", "天成雖然擬投資額不到N": one investor's share, its investee left out.

    The investor is the one firm named before the figure (in its clause, else in the sentence); the investee is the
    payee of the investment in view (this sentence's or the one before) when the investor is not that payee, else
    the firm raising the round the text is about. Spending on a firm's own account (每年, 於…項目) has no investee.
    """
    f = sent.folded
    size = _INVEST_SIZE.search(f, max(clause[0], a.start - 10), a.start)
    if size is None:
        return None
    own = [e for e in _actors(sent) if clause[0] <= e.start < a.start]
    if not own:
        own = [e for e in _actors(sent) if e.start < a.start]
    if len({e.id for e in own}) != 1 or any(e.start > a.start for e in _actors(sent) if e.id != own[0].id) or \
            _OWN_SPENDING.search(f, own[-1].end, clause[1]):
        return None
    payer = own[-1]
    before = [p for p in deals if p.type == "equity_investment"]
    prev = before[-1] if before else (last_deal if last_deal is not None and last_deal.type == "equity_investment"
                                      else None)
    if prev is not None and prev.payee is not None and prev.payee.id != payer.id:
        payee = prev.payee
    elif prev is None and raiser is not None and raiser.id != payer.id:
        payee = raiser
    else:
        return None
    p = Proposal("deal", (sent.start, sent.end), 0.5, payer=payer, payee=payee, type="equity_investment",
                 amount=a.amount)
    p.spans = {"from": (payer.start, payer.end), "to": (payee.start, payee.end), "type": (size.start(), size.end()),
               "amount": (a.start, a.end)}
    return p


#: Spending a firm does on its own account: by the year (年度, 每年), or on a field or facility (於AI相關項目,
#: 用於數據中心, 對德州的資料中心) rather than into a firm ("對數據中心公司" is a firm). Every form opens on a literal
#: (a set test).
_OWN_SPENDING_ON: Final = (r"[^，,。；;]{0,10}?(?:项目|领域|基础设施|数据中心|资料中心|研发|业务|工厂|园区)"
                           r"(?!公司|企业|运营商|商)")
_OWN_SPENDING: Final = re.compile("年度|每年|全年|"
                                  + "|".join(w + _OWN_SPENDING_ON for w in ("于", "用于", "投向", "对")))
#: ``...|\btranche\b|\binstal+ment\b|\bfirst payment\b`` with every form opening on a literal (``\bt`` as
#: ``t(?<!\wt)``): the same matches, found by a set test instead of a try at every character.
_TRANCHE: Final = re.compile(
    r"首笔|第一笔|第二笔|最后一笔|末笔|首期|剩余|余下|尾款|t(?<!\wt)ranche\b|i(?<!\wi)nstal+ment\b|"
    r"f(?<!\wf)irst payment\b")
#: "向Y支付", "給Y支付": a payment to a firm said outright.
_PAY_TO: Final = re.compile(r"(?:向|给)([^，,。；;]{1,24}?)(?:分\S{1,3})?支付")


def _paid_to(sent: _Sentence, a: AmountMention, clause: tuple[int, int]) -> tuple[str, int, int, str] | None:
    """The deal type of a payment said outright: ``services`` (what it buys is not said).

    "X將分三期向Y支付總計N": a firm after 向/給, then 支付, before the figure; the roles of the words decide who pays.
    """
    f = sent.folded
    m = _PAY_TO.search(f, clause[0], a.start)
    if m is None or not any(m.start(1) <= e.start < m.end(1) for e in _actors(sent)):
        return None
    return ("services", m.end() - 2, m.end(), "clause")
#: An investee named by a description rather than its name ("向這家Hoolibot模型開發商", "in the startup").
_DESCRIBED: Final = re.compile(
    r"(?:向|对|给)(?:这家|该|此|这个)|\b(?:in|into) the (?:startup|company|firm|developer)\b")


#: "也", "亦", "同樣": the clause's subject does what the one before did.
_ALSO: Final = re.compile(r"也|亦|同样")
#: A verb by which a firm invests in or buys into another (its object may be left out: "宣布入股約一成").
_STAKE_VERB: Final = re.compile(r"入股|投资|注资|出资|收购|持股")


def _also_investor(sent: _Sentence, payer: EntityMention, other: EntityMention, clause: tuple[int, int]) -> bool:
    """Whether ``other`` invested in an earlier clause that names no object, and ``payer`` "also" invests.

    "龍華早在8月便宣布入股約一成，迪納摩9月也投資20億美元": 龍華 is a fellow investor, not the payee.
    """
    f = sent.folded
    if not clause[0] <= payer.start < clause[1] or other.start >= clause[0] or \
            _ALSO.search(f, payer.end, min(clause[1], payer.end + 12)) is None:
        return False
    cs, ce = _clause_of(sent, other.start)
    return _STAKE_VERB.search(f, other.end, ce) is not None and not any(other.end < o.start < ce for o in sent.ents)


def _parallel(sent: _Sentence, e: EntityMention) -> bool:
    """Whether ``e`` is itself an investor with a figure of its own in another clause of the sentence."""
    cs, ce = _clause_of(sent, e.start)
    return any(cs <= b.start < ce for b in sent.amts) and bool(_INVEST_VERB.search(sent.folded, e.end, ce)
                                                             or _rx(r"注资|投资|invest").search(sent.folded[e.end:ce]))


def _both(sent: _Sentence, a: AmountMention, typ: tuple[str, int, int, str], index: EntityIndex,
          last_deal: Proposal | None) -> Proposal | None:
    """A deal of "雙方/兩家公司/both": a purchase between the sentence's two firms, or the last group's investment.

    ``兩家公司簽署一份...算力採購合約`` after "Globex...與Acme" is Acme buying from Globex; ``兩家公司將向
    Hooli投資`` after "龍華和天成宣佈" is the same group investing again.
    """
    actors = list({e.id: e for e in _actors(sent)}.values())
    if typ[0] in _PURCHASE and len(actors) == 2:
        pair = _seller_first(typ[0], actors[0], actors[1], index)
        if pair is None:
            return None
        payer, payee = pair
    elif typ[0] in _TOGETHER and last_deal is not None and last_deal.payer is not None and \
            "+" in last_deal.payer.id:
        later = [e for e in actors if e.start > a.start or _is_object(sent.folded, sent.start, e)]
        if len(later) != 1 or later[0].id in _payers(last_deal):
            return None
        payer, payee = last_deal.payer, later[0]
    else:
        return None
    p = Proposal("deal", (sent.start, sent.end), 0.55, payer=payer, payee=payee, type=typ[0], amount=a.amount)
    p.spans = {"from": (payer.start, payer.end), "to": (payee.start, payee.end), "type": (typ[1], typ[2]),
               "amount": (a.start, a.end)}
    return p


_CN_SMALL: Final = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_EN_SMALL: Final = {w: i + 1 for i, w in enumerate("one two three four five six seven eight nine ten eleven twelve "
                                                    "thirteen fourteen fifteen sixteen seventeen eighteen nineteen "
                                                    "twenty".split())}
_TERM: Final = re.compile(
    r"(?:为期|期限|长达|租期|合约期)?\s?(?<![\d.])(?P<n>\d{1,2}|[一二两三四五六七八九十]{1,3})\s?年(?:期)?"
    r"(?=[,，、的\s。.;；)）]|\d|$|合同|合约|协议|期|内)(?!\d{0,2}月)"
    r"|\b(?:over|for)\s+(?:the\s+next\s+|a\s+period\s+of\s+)?(?P<en>\d{1,2}|[a-z]+)\s+years?\b"
    r"|\b(?P<en2>\d{1,2}|[a-z]+)-year\b"
)
#: What every match of :data:`_TERM` holds: its number (one or two digits not after a digit or a point, or ending on a
#: Chinese numeral) then 年 (a space between or not), or "year" after a space or a hyphen.
_TERM_CORE: Final = re.compile(r"(?:(?<![\d.])\d{1,2}|[一二两三四五六七八九十])\s?年|[\s-]year")


def _term_from(f: str, lo: int, hi: int) -> int:
    """A place in ``[lo, hi]`` before which no match of :data:`_TERM` in ``f[lo:hi]`` starts.

    Scanning from there gives the same matches as from ``lo`` (its look-behinds see the text before either way),
    without trying the pattern at every character of the sentence before it. A match holds 年 at most 8
    characters after its start (a word of up to 3, a space, a numeral of up to 3, a space), or opens on "over" or
    "for", or on the run of letters or digits right before "-year".
    """
    q = hi
    nian = f.find("年", lo, hi)
    if nian >= 0:
        q = max(lo, nian - 8)
    # a word opening before ``q`` may end after it ("x-year" with 年 nine characters on): looked for up to there
    for word in ("over", "for"):
        at = f.find(word, lo, min(hi, q + len(word) - 1))
        if at >= 0:
            q = at
    dash = f.find("-year", lo, min(hi, q + 5))  # at q too: the letters before it open the match
    if dash >= 0:
        while dash > lo and (f[dash - 1].isdecimal() or "a" <= f[dash - 1] <= "z"):
            dash -= 1
        q = dash
    return q


def _maybe_term(f: str, lo: int, hi: int) -> bool:
    """Whether :data:`_TERM` can match in ``f[lo:hi]`` (``False``: it cannot; ``True``: it may).

    :data:`_TERM` tries its forms at every character, tens of microseconds a sentence, while most sentences with
    a 年 hold it only in a date (2025年9月) and most with "year" in a phrase that is no term ("last year"). Each 年
    and "year" is found by ``str.find`` and :data:`_TERM_CORE` is tried on the few characters before it, where
    the number of any match would have to stand (it starts at ``lo`` or later, as the match does).
    """
    for word, back in (("年", 4), ("year", 1)):
        p = f.find(word, lo, hi)
        while p >= 0:
            if _TERM_CORE.search(f, max(lo, p - back), p + len(word)):
                return True
            p = f.find(word, p + 1, hi)
    return False


#: Every alternative opens on a literal (``\bonce`` as ``o(?<!\wo)nce``), so the engine skips to its first characters
#: by a set test: the same matches as ``在满足|条件|...|\bsubject to\b|...|\bin tranches\b``.
_CONDITION: Final = re.compile(
    r"在满足|条件|前提是|取决于|视.{0,8}而定|分期|每部署|s(?<!\ws)ubject to\b|"
    r"p(?<!\wp)rovided that\b|c(?<!\wc)ontingent on\b|v(?<!\wv)ests?\b|c(?<!\wc)onditional on\b|"
    r"o(?<!\wo)nce\b|a(?<!\wa)s each\b|i(?<!\wi)n tranches\b")
#: The gate of :data:`_CONDITION` (tests/test_relations_speed.py): every match holds one of these words (its English
#: forms, and its Chinese ones, which hold wide characters).
_CONDITION_EN: Final = ("subject to", "provided that", "contingent on", "vest", "conditional on", "once", "as each",
                        "in tranches")
_CONDITION_ZH: Final = ("在满足", "条件", "前提是", "取决于", "而定", "分期", "每部署")


def _small_number(word: str) -> float | None:
    if word.isdigit():
        return float(word)
    if word in _EN_SMALL:
        return float(_EN_SMALL[word])
    if all(ch in _CN_SMALL for ch in word):
        if word == "十":
            return 10.0
        if word.startswith("十"):
            return 10.0 + _CN_SMALL[word[1]]
        if len(word) == 1:
            return float(_CN_SMALL[word])
        if len(word) >= 2 and word[1] == "十":
            return _CN_SMALL[word[0]] * 10.0 + (_CN_SMALL[word[2]] if len(word) == 3 else 0)
    return None


def _deal_extras(sent: _Sentence, d: Proposal) -> None:
    """The deal's date (a date in its sentence), term in years (為期五年, over five years) and conditions.

    Conditions are the clauses of the sentence that state one (在滿足解鎖條件的情況下, subject to approval,
    as each gigawatt is deployed), kept as spans for a reviewer to read, not interpreted.
    """
    if sent._extras is None:
        sent._extras = _sentence_extras(sent)
    day, term, conditions = sent._extras
    if day is not None:
        d.date = day.label
        d.spans["date"] = (day.start, day.end)
    if term is not None:
        d.term_years = term[0]
        d.spans["term"] = term[1]
    d.conditions.extend(conditions)


def _sentence_extras(sent: _Sentence) -> tuple[DateMention | None, tuple[float, tuple[int, int]] | None,
                                                list[tuple[int, int]]]:
    """What :func:`_deal_extras` gives every deal of ``sent``: its first date, its term, its conditions."""
    f = sent.folded
    day = sent.dates[0] if sent.dates else None
    term = None
    if _maybe_term(f, sent.start, sent.end):
        for m in _TERM.finditer(f, _term_from(f, sent.start, sent.end), sent.end):
            n = _small_number(m.group("n") or m.group("en") or m.group("en2") or "")
            if n is not None and 0 < n <= 50:
                term = (n, (m.start(), m.end()))
                break
    conditions: list[tuple[int, int]] = []
    # a condition in a clause is one in the sentence (a clause ends on a separator, never inside a word)
    if (_any_in(f, _CONDITION_EN, sent.start, sent.end) or sent.wide_from < sent.end
            and _any_in(f, _CONDITION_ZH, sent.start, sent.end)) and _CONDITION.search(f, sent.start, sent.end):
        for cs, ce in sent.clauses:
            if _CONDITION.search(f, cs, ce):
                lo, hi = cs, ce
                while lo < hi and (f[lo].isspace() or f[lo] in ",，:：;；"):
                    lo += 1
                while hi > lo and (f[hi - 1].isspace() or f[hi - 1] in ",，:：;；。."):
                    hi -= 1
                if hi > lo:
                    conditions.append((lo, hi))
    return day, term, conditions


_SELL: Final = re.compile(r"出售|卖出|减持|抛售|\bsold\b|\bsells?\b|\bdivest(?:s|ed)?\b|\boffload(?:s|ed)?\b")
#: A word every match of :data:`_SELL` holds (its gate: see :func:`_any_in`).
_SELL_WORDS: Final = ("出售", "卖出", "减持", "抛售", "sold", "sell", "divest", "offload")
#: A word every match of ``双方|两家|二者|\bboth\b`` holds (its gate: see :func:`_any_in`).
_BOTH_WORDS: Final = ("双方", "两家", "二者", "both")
_SHARES_WORD: Final = re.compile(r"\b(?:shares|stock|stake|holdings?)\b")
_SOLD_TO: Final = re.compile(r"(?:\bto\b|卖给|售予|出售给|转让给)\s*\S")
#: Every form opens on a literal (``\bfabs?\b`` as ``f(?<!\wf)abs?\b``): the engine skips to their first characters by a
#: set test instead of trying every form at every character of the sentence (tests/test_extract_speed.py).
_INFRA: Final = re.compile(
    r"基础设施|数据中心|资料中心|算力|云计算|晶圆厂|工厂|厂房|infrastructure|data cent(?:er|re)s?|"
    r"computing capacity|f(?<!\wf)abs?\b|p(?<!\wp)lants?\b|f(?<!\wf)actor(?:y|ies)\b")
#: These open every alternative on a literal (``\bwill`` as ``w(?<!\ww)ill``), so the engine skips to their first
#: characters by a set test (tests/test_extract_speed.py holds the plain forms they replace): the same matches.
_INVEST_VERB: Final = re.compile(
    r"投入|投资|斥资|砸下|注资|出资|支付|i(?<!\wi)nvest(?:s|ing)?\b|s(?<!\ws)pend(?:s|ing)?\b|"
    r"c(?<!\wc)ontribute[sd]?\b|p(?<!\wp)ledge[sd]?\b")
_FUTURE: Final = re.compile(r"将|计划|预计|未来|拟|w(?<!\ww)ill\b|p(?<!\wp)lans?\b|e(?<!\we)xpects?\b")
#: A deal named by a demonstrative, a classifier and a deal noun ("这笔交易", "此次合作", "该笔投资", "這份合約"); not a
#: party ("该投资者", "该投资方").
_DEAL_NOUN_ZH: Final = r"(?:合作|交易|协议|合约|合同|投资|订单|融资|收购|租约)(?![者人方机])"
_DEAL_REF: Final = re.compile(
    rf"这(?:笔|项|份|宗|次|轮){_DEAL_NOUN_ZH}|此(?:笔|项|份|宗|次|轮){_DEAL_NOUN_ZH}|"
    rf"该(?:笔|项|份|宗|次|轮)?{_DEAL_NOUN_ZH}|双方|两家公司|"
    r"t(?<!\wt)(?:he two (?:parties|companies)\b|(?:his|he) new (?:deal|agreement|contract)\b|"
    r"he contracts\b|he deal\b|his deal\b|he agreement\b|he partnership\b|he contract\b|"
    r"he transaction\b|his transaction\b|his agreement\b|his contract\b)")
#: "This six-year agreement is valued at up to...", "这份五年期合同价值...": a described deal, then its value.
_DEAL_REF_VALUE: Final = re.compile(
    r"(?:(?:\b(?:this|that|the)\s+|^\s*)(?:[\w-]+\s+){0,2}"
    r"(?:deal|agreement|contract|pact|arrangement|transaction)\b"
    r"(?:[^.;]|\.(?=\d)){0,16}?(?:valued at|worth|value of|totall?ing)|"
    r"(?:这份|这项|这笔|该|此)\S{0,6}(?:协议|合同|合约|交易|投资|融资|订单|收购)\S{0,4}"
    r"(?:价值|总额|金额|规模)\s*(?:可能|或将|或)?)"
    r"\s*(?:up to|about|around|roughly|more than|over|as much as|约|达到|达|高达|超过|逾)?\s*$")


def _own_capex(sent: _Sentence, a: AmountMention, clause: tuple[int, int],
               topic: EntityMention | None) -> Proposal | None:
    """A firm putting money into its own infrastructure, no counterparty named: capital expenditure.

    ``白鹭集团宣布未来三年将投入超过3800亿元用于云计算和AI基础设施建设`` -> egret capex_guidance.
    """
    f = sent.folded
    if a.amount.currency is None:
        return None
    infra = sent._infra
    if infra is None:
        infra = sent._infra = _INFRA.search(f, sent.start, sent.end) is not None  # the same for every figure
    if not infra:
        return None
    verb = _INVEST_VERB.search(f, clause[0], a.start) or _INVEST_VERB.search(f, clause[0], clause[1])
    if verb is None:
        return None
    ids = {e.id for e in _actors(sent)}
    if len(ids) > 1:
        return None
    ent = _actors(sent)[0] if ids else topic
    if ent is None:
        return None
    metric = "capex_guidance" if _FUTURE.search(f, sent.start, a.start) else "capex"
    p = Proposal("fact", (sent.start, sent.end), 0.5, entity=ent, metric=metric, value=a.amount)
    p.spans = {"entity": (ent.start, ent.end), "metric": (verb.start(), verb.end()), "value": (a.start, a.end)}
    return p


#: "The reported value is roughly $20 billion", "- Deal value: about $20 billion", "pegged the commitment at
#: $300 billion", "framed the transaction as a $20 billion acquisition": the value of the deal in view.
_VALUE_OF_REF: Final = re.compile(
    r"(?:(?:^\W*|\b(?:the|its|this) )(?:[\w-]+ ){0,2}?value\s*(?:is|was|would be|stands at|:)|"
    r"\b(?:pegged|put|valued|estimated|framed|described|priced) the (?:[\w-]+ ){0,2}?"
    r"(?:deal|agreement|contract|commitment|transaction|pact|partnership) (?:at|as)(?: an?)?)"
    r"\s*(?:up to|about|around|roughly|approximately|more than|over|as much as|nearly)?\s*$")
#: A guarantee of someone else's obligations (guideline section 5: no USD flow, a hard negative).
#: ``\bbackstop(?:s|ped|ping)?\b|\bguarantee(?:s|d)?\b|\bguaranteeing\b|\bback(?:ing)? up\b`` with every form opening on
#: a literal (``\bb`` as ``b(?<!\wb)``): the same matches, found by a set test instead of a try at every character.
_GUARANTEE: Final = re.compile(r"b(?<!\wb)ackstop(?:s|ped|ping)?\b|g(?<!\wg)uarantee(?:s|d)?\b|g(?<!\wg)uaranteeing\b|"
                               r"b(?<!\wb)ack(?:ing)? up\b")
_GUARANTEE_AFTER: Final = re.compile(r"\s+(?:[\w-]+\s+)?(?:backstop|guarantee|loan guarantee)s?\b")
#: "the", "this", "a previous", "an earlier": a deal already known, told by its figure and its noun.
_THE_BEFORE: Final = re.compile(
    r"(?:\bthe|\bthis|\ba previous|\ban earlier|\bthe earlier|\bthe previous|\bthe original|"
    r"(?:这笔|该|这项|此)(?:价值|总额|金额|规模)?\s*(?:约|达|高达|超过|逾)?)\s*$")
#: The gates of _DEAL_REF_VALUE, _VALUE_OF_REF and _THE_BEFORE: every match holds one of these words.
_DEAL_REF_VALUE_WORDS: Final = ("valued at", "worth", "value of", "total", "价值", "总额", "金额", "规模")
_VALUE_OF_REF_WORDS: Final = ("value", "pegged", "put", "estimated", "framed", "described", "priced")
_THE_WORDS: Final = ("the", "this", "a previous", "an earlier", "这笔", "该", "这项", "此")
_NOUN_AFTER: Final = re.compile(r"\s*的?\s*(?:[a-z-]+\s+){0,2}?(?:investment|deal|contract|agreement|order|loan|"
                                r"投资|交易|合同|合约|协议|订单|贷款)")


#: "根據協議", "按照該合同", "under the agreement", "as part of the deal": the sentence tells the terms of a deal in
#: view.
#: Every form opens on a literal (``\bunder`` as ``u(?<!\wu)nder``), so the engine skips to their first characters by a
#: set test.
_UNDER_DEAL: Final = re.compile("|".join(
    [w + r"(?:该|这项|这份|此|双方的?)?(?:协议|合同|合约|交易|条款)" for w in ("根据", "按照", "依据", "依照")]
    + [w + r" (?:the|this) (?:terms of the )?(?:deal|agreement|contract)\b"
       for w in (r"u(?<!\wu)nder", r"a(?<!\wa)s part of")]))


def _value_stated(head: str) -> re.Match[str] | None:
    """:data:`_DEAL_REF_VALUE` or :data:`_VALUE_OF_REF` at the end of ``head`` (the sentence up to a figure).

    Each is tried only where a word of its gate lies in ``head``.
    """
    return _gated_search(_DEAL_REF_VALUE, _DEAL_REF_VALUE_WORDS, head, 0, len(head)) or \
        _gated_search(_VALUE_OF_REF, _VALUE_OF_REF_WORDS, head, 0, len(head))


def _deal_reference(sent: _Sentence, a: AmountMention, last: Proposal | None,
                    typ: tuple[str, int, int, str] | None = None) -> Proposal | None:
    """A figure for "this deal" (這項合作價值超過3500億美元) in a sentence that names no one: the last deal's.

    A sentence that names only that deal's parties may refer to it too: by a reference before the figure ("The
    deal is valued at more than $10 billion and gives Acme the option..."), by telling the deal's terms ("根據協議，
    Acme將採購價值30億美元的晶片"), or by a cue ``typ`` of the same deal type as the last deal ("Acme與天成簽署協議。
    Acme將採購價值30億美元的晶片": the other party is the one the deal was signed with).
    """
    if last is None or a.amount.currency is None or last.payer is None or last.payee is None:
        return None
    actors = _actors(sent)
    if actors:
        parties = _payers(last) | {last.payer.id, last.payee.id}
        if any(e.id not in parties for e in actors):
            return None
        # only a statement of the deal's value: "the two companies", "the partnership" may stand for the
        # parties, not for the deal
        ref = _value_stated(sent.folded[sent.start:a.start])
        if ref is None and typ is not None and typ[0] == last.type and last.amount is None and \
                last.type != "joint_venture":
            ref = _UNDER_DEAL.search(sent.folded, sent.start, a.start)
        payer = next((e for e in reversed(actors) if e.end <= a.start), None)
        if ref is None and payer is not None and len({e.id for e in actors}) == 1 and last.amount is None and \
                _PAYS_NO_OBJECT.fullmatch(sent.folded, payer.end, a.start):
            # "雖然雙方未提及財務細節，不過…X將支付約N" after the pair's deal told without a figure: one party paying,
            # no payee named, pays the other
            ref = _PAYS_NO_OBJECT.fullmatch(sent.folded, payer.end, a.start)
            payee = last.payee if payer.id == last.payer.id else last.payer
            if ref is not None and payee.id != payer.id and payer.id in (last.payer.id, last.payee.id):
                p = Proposal("deal", (sent.start, sent.end), 0.5, payer=payer, payee=payee, type=last.type,
                             amount=a.amount)
                p.spans = {"from": (payer.start, payer.end), "to": (payee.start, payee.end),
                           "type": (ref.start(), ref.end()), "amount": (a.start, a.end)}
                return p
            return None
    else:
        ref = _DEAL_REF.search(sent.folded, sent.start, a.start) or \
            _DEAL_REF.search(sent.folded, sent.start, sent.end) or \
            _value_stated(sent.folded[sent.start:a.start])
    head = sent.folded[max(sent.start, a.start - 16):a.start]
    if ref is None and _gated_search(_THE_BEFORE, _THE_WORDS, head, 0, len(head)):
        ref = _NOUN_AFTER.match(sent.folded, a.end)  # "The $5 billion investment will be paid in two tranches"
    if ref is None:
        return None
    return _same_pair_deal(sent, a, last, (ref.start(), ref.end()))


#: A paying verb right before the figure, with nothing but auxiliaries and a hedge between ("將支付約", "須付出").
_PAYS_NO_OBJECT: Final = re.compile(r"\s*(?:将|会|须|需|需要|必须|已|已经|同意|承诺)?\s*(?:支付|付出|掏出|付)\s*")


_DEFINITE_DEAL: Final = re.compile(r"\b(?:the|this|that)\s+(?:[\w-]+\s+)?(?:deal|agreement|contract|pact|order)\b|"
                                   r"(?:该|这份|这项|这笔|此)\S{0,4}(?:协议|合同|合约|交易|订单)")


def _party_reference(sent: _Sentence, a: AmountMention, clause: tuple[int, int],
                     history: list[Proposal]) -> Proposal | None:
    """"Nimbus said the contract was worth $17.4bn": one party and "the contract", the party's last deal.

    Only when the clause before the figure names exactly one firm, refers to a deal with a definite article
    or demonstrative, and an earlier sentence of the text proposed a deal of that firm with a figure.
    """
    if a.amount.currency is None:
        return None
    f = sent.folded
    own = {e.id: e for e in _actors(sent) if clause[0] <= e.start < a.start}
    if len(own) != 1 or not _DEFINITE_DEAL.search(f, clause[0], a.start):
        return None
    (firm,) = own.values()
    last = next((p for p in reversed(history[-64:]) if p.kind == "deal" and p.payer is not None and p.payee is not None
                 and p.amount is not None and p.sentence[1] <= sent.start and firm.id in (p.payer.id, p.payee.id)
                 and "+" not in p.payer.id), None)
    if last is None or any(e.id not in (last.payer.id, last.payee.id) for e in _actors(sent)):  # type: ignore[union-attr]
        return None  # the sentence names someone outside that deal
    return _same_pair_deal(sent, a, last)


#: Partners spending on something they build ("A與B合作，斥資N建設…項目"; guideline section 5: a project's cost).
_BUILD_SPEND: Final = re.compile(r"(?:斥资|投入|出资|投资)\s*(?:约|超过|逾|高达)?\s*$")
_BUILD_AFTER: Final = re.compile(r"\s*(?:用于|用来|来|以)?\s*(?:建设|兴建|建造|打造|开发|建立)")
_PARTNERS_BEFORE: Final = re.compile(r"(?:与|和|同|携手)[^，,。；;]{1,30}?(?:合作|联手|共同)")


#: A buyer's verb right before the goods' figure ("將租用價值約N的", "採購N的").
_BUYS_BEFORE_ZH: Final = re.compile(r"(?:租用|租赁|承租|采购|购买|订购|买下)\s*(?:价值|总值)?\s*$")


def _seller_elsewhere(sent: _Sentence, a: AmountMention, clause: tuple[int, int],
                      typ: tuple[str, int, int, str] | None, index: EntityIndex) -> Proposal | None:
    """A purchase whose clause names only the buyer, the seller named in another clause of the sentence.

    "儘管X承諾未來將租用價值約N的伺服器資源，但…讓外界對Y能否如期收回…投資存在疑問": X buys (its own verb right
    before the figure); the seller is the one other firm of the sentence, and it usually sells that kind of deal
    (gazetteer ``sells``) while X does not.
    """
    if typ is None or typ[0] not in _PURCHASE:
        return None
    f = sent.folded
    if not _BUYS_BEFORE_ZH.search(f, max(clause[0], a.start - 8), a.start):
        return None
    actors = _actors(sent)
    own = {e.id for e in actors if clause[0] <= e.start < a.start}
    others = {e.id: e for e in actors if not clause[0] <= e.start < clause[1]}
    if len(own) != 1 or len(others) != 1:
        return None
    buyer = next(e for e in actors if e.id in own and e.start < a.start)
    (seller,) = others.values()
    if typ[0] not in index.sells.get(seller.id, frozenset()) or typ[0] in index.sells.get(buyer.id, frozenset()) \
            or seller.id == buyer.id:
        return None
    p = Proposal("deal", (sent.start, sent.end), 0.5, payer=buyer, payee=seller, type=typ[0], amount=a.amount)
    p.spans = {"from": (buyer.start, buyer.end), "to": (seller.start, seller.end), "type": (typ[1], typ[2]),
               "amount": (a.start, a.end)}
    return p


#: A demonstrative (and a classifier) right before a figure: "此次N投資", "這筆約N的交易".
_THIS_BEFORE: Final = re.compile(r"(?:这|此|该)(?:笔|项|次|宗|份|轮)?\s*(?:约|价值|总额)?\s*$")


def _same_pair_deal(sent: _Sentence, a: AmountMention, last: Proposal,
                    type_span: tuple[int, int] | None = None) -> Proposal:
    """A deal of ``last``'s payer, payee and type sized by the figure ``a`` of ``sent``: the deal in view, told again.

    Its payer and payee spans are ``last``'s; its type span ``type_span``, else ``last``'s, else the figure's.
    """
    p = Proposal("deal", (sent.start, sent.end), 0.5, payer=last.payer, payee=last.payee, type=last.type,
                 amount=a.amount)
    p.spans = {"from": last.spans["from"], "to": last.spans["to"],
               "type": type_span if type_span is not None else last.spans.get("type", (a.start, a.end)),
               "amount": (a.start, a.end)}
    return p


def _pair_reference(sent: _Sentence, a: AmountMention, history: list[Proposal],
                    typ: tuple[str, int, int, str] | None) -> Proposal | None:
    """An earlier deal of the two firms the sentence names, referred to by a demonstrative, its figure and noun.

    "若此次N投資最終落地，A在B的話語權將…": the deal in view is not the last one told but A and B's investment told
    before; the pair (and its direction) is that deal's. A condition on the deal landing is its status (proposed).
    """
    f = sent.folded
    if a.amount.currency is None or not _THIS_BEFORE.search(f, max(sent.start, a.start - 6), a.start) or \
            not _NOUN_AFTER.match(f, a.end):
        return None
    ids = {e.id for e in _actors(sent)}
    if len(ids) != 2:
        return None
    last = next((p for p in reversed(history[-64:]) if p.kind == "deal" and p.payer is not None
                 and p.payee is not None and {p.payer.id, p.payee.id} == ids
                 and (typ is None or p.type == typ[0])), None)
    if last is None or last.payer is None or last.payee is None:
        return None
    return _same_pair_deal(sent, a, last)


def _in_parens(f: str, pos: int) -> bool:
    """Whether ``pos`` is inside an open parenthesis (a stated conversion, an aside)."""
    lo = max(0, pos - 39)  # an opening farther back is too far; a closing before the opening does not count
    opened = max(f.rfind("(", lo, pos), f.rfind("（", lo, pos))
    closed = max(f.rfind(")", lo, pos), f.rfind("）", lo, pos))
    return opened > closed and pos - opened < 40


def _sells(sent: _Sentence, index: EntityIndex, topic: EntityMention | None) -> frozenset[str]:
    """Deal types sold by the entities in play: those named, and the topic a pronoun points to."""
    got = sent._sells_for  # the rules ask several times per sentence, with the same topic
    if got is not None and got[0] is topic and got[1] is index:
        return got[2]
    sells: set[str] = set()
    for e in sent.ents:
        got_e = index.sells.get(e.id)
        if got_e:
            sells.update(got_e)  # no set made per entity to be merged
    if topic is not None and _starts_pronoun(sent):
        got_t = index.sells.get(topic.id)
        if got_t:
            sells.update(got_t)
    sells.discard("equity_investment")  # goods and services sold; shares only orient talks (``_orient``)
    out = frozenset(sells) if sells else _NO_SELLS
    sent._sells_for = (topic, index, out)
    return out


def _place_capacity(sent: _Sentence, g: AmountMention, deals: list[Proposal], facts: list[Proposal],
                    index: EntityIndex, topic: EntityMention | None, joke: bool) -> None:
    """Attach a GW figure to the sentence's deal between the same parties, else make it a claim of its own."""
    f = sent.folded
    gw = g.amount.point if g.amount.unit == "GW" else g.amount.point / 1000
    clause = _clause_of(sent, g.start)
    named = {e.id for e in sent.ents if clause[0] <= e.start < clause[1]}
    hosts = [d for d in deals if d.capacity_gw is None and named <= {d.payer.id, d.payee.id}]  # type: ignore[union-attr]
    if hosts:
        host = min(hosts, key=lambda d: abs(d.spans.get("amount", d.spans["from"])[0] - g.start))
        host.capacity_gw = gw
        host.spans["capacity_gw"] = (g.start, g.end)
        return
    typ = _type_for(sent, g, clause, _sells(sent, index, topic))
    if typ is not None:
        deal = _deal_for(sent, g, clause, typ, index, topic)
        if deal is not None:
            deal.capacity_gw = gw
            deal.spans["capacity_gw"] = (g.start, g.end)
            deal.flag = "joke" if joke else None
            deals.append(deal)
            return
    subj = sent.ents[0] if sent.ents else topic
    if subj is not None and _rx(r"规划|建设|建造|计划|plans?\b|build").search(f[clause[0]:clause[1]]):
        facts.append(Proposal("fact", (sent.start, sent.end), 0.5, entity=subj, metric="capacity_gw",
                              value=g.amount, spans={"entity": (subj.start, subj.end), "value": (g.start, g.end)}))


def _deal_for(sent: _Sentence, a: AmountMention, clause: tuple[int, int], typ: tuple[str, int, int, str],
              index: EntityIndex, topic: EntityMention | None) -> Proposal | None:
    kind, cue_s, cue_e, where = typ
    cue_clause = _clause_of(sent, cue_s) if where == "sentence" else clause
    pair = _parties(sent, a, clause, cue_clause, kind, index, topic, cue=cue_s if cue_clause == clause else None)
    if pair is None:
        return None
    payer, payee = pair
    if payer.id == payee.id:
        return None
    f = sent.folded
    if kind in ("debt_financing", "equity_investment"):
        first, other = (payer, payee) if payer.start < payee.start else (payee, payer)
        if first.end <= a.start < other.start and _RAISE_VERB.search(f, first.end, a.start) and \
                not _SOURCE_BEFORE.search(f, max(a.end, other.start - 12), other.start):
            return None  # "Nimbus said it would raise $2 billion in debt ... to fund the Umbrella deal": no lender
    conf = {"phrase": 0.75, "clause": 0.7, "sentence": 0.55}[where]
    cs, ce = clause
    conf += 0.15 if {payer.id, payee.id} <= {e.id for e in sent.ents if cs <= e.start < ce} else 0.0
    p = Proposal("deal", (sent.start, sent.end), round(min(conf, 0.95), 2), payer=payer, payee=payee, type=kind,
                 amount=a.amount if a.amount.unit not in ("GW", "MW") else None)
    p.spans = {"from": (payer.start, payer.end), "to": (payee.start, payee.end), "type": (cue_s, cue_e)}
    if p.amount is not None:
        p.spans["amount"] = (a.start, a.end)
        if a.amount.unit in ("units",) and kind not in ("warrant", "acquisition_stake"):
            p.quantity, p.amount = a.amount, None
            p.spans["quantity"] = p.spans.pop("amount")
    return p


_RAISE_VERB: Final = re.compile(r"\b(?:raise[sd]?|raising|borrow(?:s|ed|ing)?)\b|募资|融资|筹集|筹资|借款|借入")
_SOURCE_BEFORE: Final = re.compile(r"(?:\bfrom|\bby|\bled by|\bwith|向|从|自|获)[\s*_\"“”'‘’(（]*(?:[\w-]+\s+){0,2}"
                                   r"[\s*_\"“”'‘’(（]*$")
_SPEECH_AFTER: Final = re.compile(r"^\s*(?:还|也|进一步|再次|曾)?\s*(?:表示|说|称|透露|指出|强调|直言|认为|写道|"
                                  r"said|says|told|noted|wrote)")
_ROLE_BEFORE: Final = re.compile(
    r"(?:ceo|cfo|cto|首席执行官|执行长|首席财务官|董事长|创始人|总裁|主席|联合创始人|founder|"
    r"chairman|chief executive|president)\s*$")
_FOUNDED_AFTER: Final = re.compile(
    r"\s*[(（][^)）]{0,30}[)）]\s*(?:等[^，,。]{0,10})?(?:创立|创办|共同创立|成立)|"
    r"\s*[)）]?\s*(?:等[^，,。]{0,10})?(?:创立|创办|共同创立)|\s*,?\s*(?:who\s+)?co-?founded\b")
_EXCEPT: Final = re.compile(
    r"\s*(?:除了|除|besides|apart from|in addition to|aside from)")  # matched at a clause's start


def _opens_except(f: str, cs: int, ce: int) -> bool:
    """Whether :data:`_EXCEPT` matches at ``cs`` (up to ``ce``).

    Tried only where the first character after the spaces is one its words open on.
    """
    p = cs
    while p < ce and f[p].isspace():
        p += 1
    return p < ce and f[p] in "除bai" and _EXCEPT.match(f, cs, ce) is not None


#: A product or brand named to describe its maker, which follows ("Gizmo parent Acme").
_NICKNAME_BEFORE: Final = re.compile(
    r"\b(?:known as|dubbed|nicknamed|hailed as)\s+(?:the\s+)?[“\"‘']\s*(?:[\w-]+\s+){0,2}$")
#: A word every match of :data:`_NICKNAME_BEFORE` holds (its gate: see :func:`_any_in`).
_NICKNAME_WORDS: Final = ("known as", "dubbed", "nicknamed", "hailed as")
_DESCRIBES_NEXT: Final = re.compile(r"\s+(?:parent|maker|owner|developer|creator)\s+")


def _aside(sent: _Sentence, pos: int) -> bool:
    """Whether ``pos`` lies in a parenthesis of remarks: one that opens on a lower-case word and holds no figure.

    "(not to be confused with Hooli's bot)" is an aside; "(ZTX)", "(Zentrix)", "（博瑞斯）" name the firm before it.
    """
    t = sent.folded
    opened = t.rfind("(", sent.start, pos)
    if opened < 0 or t.rfind(")", opened, pos) >= 0 or pos - opened > 80:
        return False
    m = _ASIDE_OPEN.match(t, opened + 1)
    if m is None:
        return False
    closed = t.find(")", pos, sent.end)
    return not any(opened < b.start < (closed if closed >= 0 else sent.end) for b in sent.amts)


_ASIDE_OPEN: Final = re.compile(r"(?:not|unlike|no relation|unrelated|separate from|as opposed to|distinct from|"
                                r"different from|which|who|whose|a rival|the rival|a competitor)\b")


#: A clause of time that tells an earlier event ("清倉X後，", "在X上市之後，"): it ends on 后 right before its break
#: (a clause holds its break as its last character).
_AFTER_EVENT: Final = "后"
_AFTER_EVENT_RX: Final = re.compile(r"(?:清仓|出售|卖出|抛售|减持|退出|上市|成立|完成)[^，,。；;]{0,12}(?:之|以)?后$")
_SUBSIDIARY_BEFORE: Final = re.compile(r"(?:通过|透过|经由|借由)(?:其|旗下)?(?:全资)?子公司\s*$")


#: "X旗下(的)…Y": X owns the firm named next, which is the one that acts.
_OWNER_OF_NEXT: Final = re.compile(r"\s*(?:旗下|所属|所屬)")


def _actors(sent: _Sentence) -> list[EntityMention]:
    """The sentence's entities that can be parties.

    Left out: a person quoted as a speaker or named by a role (金石首席執行官Pat Doe還透露...), and an
    entity inside "除了...外" (besides X).
    """
    if sent._actors is not None:
        return sent._actors
    f = sent.folded
    out = []
    # (the cheap tests first: a clause that does not open on "besides" leaves out none of its entities, another firm
    # must follow for a rival, 子公司 must stand before a subsidiary, a space after a firm before "parent")
    excepting: dict[tuple[int, int], bool] = {}
    n = len(f)
    nicknames = _any_in(f, _NICKNAME_WORDS, sent.start, sent.end)  # none in the sentence: none before any firm
    for e in sent.ents:
        cs, ce = _clause_of(sent, e.start)
        if (cs, ce) not in excepting:
            excepting[cs, ce] = _opens_except(f, cs, ce)  # none in the clause: none up to any firm in it
        if excepting[cs, ce] and _EXCEPT.match(f, cs, e.start):
            continue
        if any(o.start > e.end and o.start - e.end <= 14 for o in sent.ents) and _RIVAL_AFTER.match(f, e.end):
            continue  # "向Acme的競爭對手Hooli投資": Acme only names whose rival
        if f.find("子公司", max(sent.start, e.start - 10), e.start) >= 0 and \
                _SUBSIDIARY_BEFORE.search(f, max(sent.start, e.start - 10), e.start):
            continue  # "龍華通過子公司Zentrix完成收購": the parent acts through it
        if sent.wide_from < n and _OWNER_OF_NEXT.match(f, e.end) and \
                any(0 < o.start - e.end <= 16 and o.id != e.id for o in sent.ents):
            continue  # "天成旗下火箭公司Acme將向…投資": the owner only names whose firm acts
        person = sent.kinds.get(e.id) == "person"
        if person and _SPEECH_AFTER.search(f[e.end:e.end + 8]):
            continue
        if person and _ROLE_BEFORE.search(f[max(sent.start, e.start - 12):e.start]):
            continue
        if person and _FOUNDED_AFTER.match(f, e.end):
            continue  # "由羅簡等科技名人創立的小型AI研究組織", "founded by Jane Roe": who founded it, not a party
        m = _DESCRIBES_NEXT.match(f, e.end) if e.end < n and f[e.end].isspace() else None
        if m is not None and any(o.start == m.end() for o in sent.ents):
            continue  # "Gizmo parent Acme", "Widget developer Borealis": a product naming its maker
        if _aside(sent, e.start):
            continue  # "Zentrix (not to be confused with Hooli's bot)": a remark, not a party
        if nicknames and _any_in(f, _NICKNAME_WORDS, max(sent.start, e.start - 24), e.start) and \
                _NICKNAME_BEFORE.search(f, max(sent.start, e.start - 24), e.start):
            continue  # "Cobalt, known as “Hooli's favoured child”": a name given, not a party
        if ce < sent.end and f.startswith(_AFTER_EVENT, ce - 2) and _AFTER_EVENT_RX.search(f, cs, ce - 1) and \
                not any(cs <= b.start < ce for b in sent.amts) and any(o.start >= ce for o in sent.ents) and \
                not _PRONOUN.search(f, ce, sent.end):
            # "此次清倉天成後，龍華…向Acme注入": an earlier event's firm, not a party of the main clause (unless the
            # main clause points back to it: "Acme完成融資後，龍華向其投資")
            continue
        out.append(e)
    sent._actors = out
    return out


def _fact_entity(sent: _Sentence, a: AmountMention, metric: str, cue: tuple[int, int],
                 topic: EntityMention | None) -> EntityMention | None:
    f = sent.folded
    if metric == "stake":
        holder = [e for e in sent.ents if e.end <= cue[0] and cue[0] - e.end <= 12
                  and not _rx(r"[、,，]|的").search(f[e.end:cue[0]])]
        return holder[-1] if holder else None
    after = [e for e in sent.ents if e.start >= a.end and _rx(r"\s*的\s*$").match(f[a.end:e.start])]
    if after:
        return after[0]
    cs, _ = _clause_of(sent, a.start)
    ents = _actors(sent)
    before = [e for e in ents if e.end <= a.start]
    in_clause = [e for e in before if e.start >= cs]
    if in_clause:
        return in_clause[-1]
    if _PRONOUN.search(f, cs, a.start) and topic is not None:
        return topic
    if before:
        return before[0]
    return topic


def _fact_for(sent: _Sentence, a: AmountMention, metric: tuple[str, int, int],
              topic: EntityMention | None) -> Proposal | None:
    name, ms, me = metric
    ent = _fact_entity(sent, a, name, (ms, me), topic)
    if ent is None:
        return None
    in_sentence = sent.start <= ent.start < sent.end
    p = Proposal("fact", (sent.start, sent.end), 0.8 if in_sentence else 0.6, entity=ent, metric=name,
                 value=a.amount)
    p.spans = {"entity": (ent.start, ent.end), "metric": (ms, me), "value": (a.start, a.end)}
    if name in _DATED:
        # a price or a market value holds on a day, not over a fiscal period
        cs, ce = _clause_of(sent, a.start)
        day = [d for d in sent.dates if cs <= d.start < ce]
        if day:
            p.period = day[-1].label
            p.spans["period"] = (day[-1].start, day[-1].end)
        return p
    per = _near_period(sent, a.start)
    if per is not None:
        p.period = per.label
        p.spans["period"] = (per.start, per.end)
        cs, _ = _clause_of(sent, a.start)
        m = _rx(r"FY(\d{4})").fullmatch(per.label)
        if m and per.start < cs and _PREVIOUS_FY.search(sent.folded, cs, a.start):
            p.period = f"FY{int(m.group(1)) - 1}"  # "2026財年...,相較上一財年的250億美元"
            p.spans["period"] = p.spans["value"]
    return p


_DATED: Final = frozenset({"share_price", "share_price_change", "market_cap", "market_cap_change"})
_PREVIOUS_FY: Final = re.compile(r"上一财年|上财年|上一财政年度|上个财年|prior fiscal year|previous fiscal year|"
                                 r"last fiscal year")


# --- several parties in one sentence: lists, "respectively", "each", tranches (guideline §7) ----------------

#: "來自A的300億美元": the source right before the figure (Chinese), "$30 billion from A" right after (English).
_SOURCE_CN: Final = re.compile(r"(?:来自|源自)\s*$")
_SOURCE_AFTER: Final = re.compile(r"\s*(?:in [\w-]+ |(?:[\w-]+ )?(?:investment|commitment|funding|contribution)s? )?"
                                  r"(?:from|by)\s+(?:[\w.-]+\s+){0,3}?$")
#: Between a firm and its own figure: nothing, an opening parenthesis, a colon or a dash ("A (up to $10 billion)").
_OWN_FIGURE: Final = re.compile(r"\s*[(:—–-]?\s*")
#: ... or its own verb of giving, in a sentence where another firm's figure stands bare after it ("A pledged up to
#: $10 billion and B up to $5 billion", "A will invest $10 billion, while B aims to contribute $5 billion to Acme").
_OWN_VERB: Final = re.compile(
    r"\s+(?:[a-z]+\s+){0,2}?(?:invest(?:s|ed|ing)?|pledg(?:e|es|ed|ing)|commit(?:s|ted|ting)?|"
    r"contribut(?:e|es|ed|ing)|put(?:s|ting)?|pour(?:s|ed|ing)?|inject(?:s|ed|ing)?)"
    r"(?:\s+(?:in|into))?\s*")
_HAN: Final = re.compile(r"[\u4e00-\u9fff]")
_FROM_BY: Final = re.compile(r"\b(?:from|by)\s+(?:[\w-]+\s+){0,2}$")
_RESPECTIVELY: Final = re.compile(r"\brespectively\b|分别|各为")
_RESPECTIVELY_WORDS: Final = ("respectively", "分别", "各为")  # its gate
_LONE_INVESTS: Final = re.compile(r"[^，,。;；]{0,14}(?:投入|出资|注资|投资|承诺|invest(?:s|ed)?\b|commit(?:s|ted)?\b)")
_EACH_BEFORE: Final = re.compile(
    r"(?:各自|各|分别|e(?<!\we)ach\b)[^，,。;；]{0,12}$")  # \beach\b opening on its literal
_EACH_AFTER: Final = re.compile(r"\s*(?:each|apiece)\b|\s*的?(?:投资|资金)?\s*各")
_LIST_GAP: Final = re.compile(r"(?:\s|,|，|、|和|与|及|以及|\band\b|&)+")
#: An investment told by its parts: a first payment, then the rest ("will begin with $15 billion, followed by
#: another $35 billion", "將先承諾150億美元，隨後...再投入350億美元").
#: Every form opens on a literal (``\bfirst`` as ``f(?<!\wf)irst``...), so the engine skips to the first characters by a
#: set test instead of trying each form at every character: the same matches as
#: ``\b(?:first|initial(?:ly)?|begins? with|beginning with|starts? with|upfront)\b|先|首先|首期|首笔|第一笔``.
_TRANCHE_FIRST: Final = re.compile(r"f(?<!\wf)irst\b|i(?<!\wi)nitial(?:ly)?\b|b(?<!\wb)(?:egins? with|eginning with)\b|"
                                   r"s(?<!\ws)tarts? with\b|u(?<!\wu)pfront\b|先|首先|首期|首笔|第一笔")
_TRANCHE_THEN: Final = re.compile(r"\b(?:then|followed by|another|remaining|the rest|later)\b|"
                                  r"随后|然后|再|剩余|其余|余下|之后")
#: A gate (no word boundaries, so the engine scans for its first letters): an investment is in the sentence.
_INVEST_CONTEXT: Final = re.compile(r"投资|注资|出资|投入|注入|承诺|融资|invest|commit|contribut|funding|round")
#: Its English words: where no wide character lies, their C scans say what the pattern says.
_INVEST_CONTEXT_EN: Final = ("invest", "commit", "contribut", "funding", "round")


def _invest_context(sent: _Sentence, lo: int, hi: int) -> bool:
    """Whether :data:`_INVEST_CONTEXT` matches in ``sent.folded[lo:hi]`` (``lo`` in the sentence)."""
    if sent.wide_from < hi:
        return _INVEST_CONTEXT.search(sent.folded, lo, hi) is not None
    return _any_in(sent.folded, _INVEST_CONTEXT_EN, lo, hi)
_SAID_AFTER: Final = re.compile(r"\s*(?:还|也)?\s*(?:表示|说|称|公布|宣布|透露|指出|said|says|told|announced)")
_ACCORDING: Final = re.compile(r"(?:据|根据|according to)\s*$")
#: The payee named by a description ("向該公司", "in the company", "into the startup").
_DESCRIBED_PAYEE: Final = re.compile(r"该公司|这家公司|这家\w{0,6}公司|该\w{0,4}公司|\bthe (?:company|startup|firm)\b")


def _usd_figures(sent: _Sentence) -> list[AmountMention]:
    """The sentence's USD figures that can be deal values (not prices)."""
    return [b for b in sent.amts if b.amount.currency == "USD" and b.amount.unit not in ("%", "x", "GW", "MW")
            and not (b.amount.high is not None and b.amount.high < _TINY)]


def _speaker(sent: _Sentence, e: EntityMention) -> bool:
    """Whether ``e`` is only the source of the news ("艾克米表示，", "據艾克米公布", "the companies said")."""
    f = sent.folded
    before = f[max(sent.start, e.start - 12):e.start]
    return bool(_SAID_AFTER.match(f, e.end) or _holds_any(before, ("据", "according to")) and _ACCORDING.search(before))


def _investee(sent: _Sentence, payers: set[str], topic: EntityMention | None, raiser: EntityMention | None,
              last_deal: Proposal | None, before: int) -> EntityMention | None:
    """Who receives an investment whose investors are ``payers``.

    The firm named as its object in the sentence, else the firm whose round it is (``raiser``), else the
    last investment's payee, else the topic; ``None`` when another firm is named that the rules cannot place.
    """
    f = sent.folded
    others = [e for e in _actors(sent) if e.id not in payers and sent.kinds.get(e.id) != "person"]
    marked = [e for e in others if _is_object(f, sent.start, e) or _ROUND_OF.match(f, e.end)
              or _GENITIVE_INVEST.match(f, e.end) or _rx(r"(?:支持|资助|到)\s*$").search(f, max(sent.start,
                                                                                               e.start - 3), e.start)]
    if marked:
        return marked[0]
    unmarked = [e for e in others if not _speaker(sent, e)]
    if unmarked and not _DESCRIBED_PAYEE.search(f, sent.start, before):
        return None  # a firm the rules cannot place: leave the figure to the ordinary rules
    if not others and _OWN_SPENDING.search(f, sent.start, sent.end):
        return None  # "龍華年度AI投資上看650億美元": the firm's own spending, no investee left out
    for cand in (raiser, last_deal.payee if last_deal is not None and last_deal.type == "equity_investment" else None,
                 topic):
        if cand is not None and cand.id not in payers and sent.kinds.get(cand.id) != "person":
            return cand
    speakers = [e for e in others if _speaker(sent, e)]
    return speakers[0] if len({e.id for e in speakers}) == 1 else None


def _list_run(sent: _Sentence, listed: list[EntityMention]) -> list[EntityMention]:
    """The longest run of different firms joined by commas or "and" (the later of two as long), else ``[]``."""
    f = sent.folded
    best: list[EntityMention] = []
    run: list[EntityMention] = []
    for e in listed:
        if run and _LIST_GAP.fullmatch(f, run[-1].end, e.start) and e.id not in {x.id for x in run}:
            run.append(e)
        else:
            run = [e]
        if len(run) >= max(2, len(best)):
            best = list(run)
    return best


def _subject_of(sent: _Sentence, run: list[EntityMention], topic: EntityMention | None) -> EntityMention | None:
    """The one payer of a run of firms marked as the object ("龍華向A和B分別投資", "invest in A and B"), else None.

    The first actor before the run that is neither in it nor a speaker nor itself an object; the topic when the
    sentence names nobody else before the run. ``None`` when the run is not marked as an object.
    """
    f = sent.folded
    if not _is_object(f, sent.start, run[0]):
        return None
    ids = {e.id for e in run}
    before = [e for e in _actors(sent) if e.start < run[0].start and e.id not in ids]
    payer = next((e for e in before if not _speaker(sent, e) and not _is_object(f, sent.start, e)
                  and sent.kinds.get(e.id) != "person"), None)
    if payer is None and not before and topic is not None and topic.id not in ids:
        payer = topic
    return payer


def _claim(sent: _Sentence, payer: EntityMention, payee: EntityMention, b: AmountMention, typ: str,
           conf: float = 0.6) -> Proposal:
    p = Proposal("deal", (sent.start, sent.end), conf, payer=payer, payee=payee, type=typ, amount=b.amount)
    p.spans = {"from": (payer.start, payer.end), "to": (payee.start, payee.end), "type": (b.start, b.end),
               "amount": (b.start, b.end)}
    return p


def _may_read_one(sent: _Sentence, b: AmountMention) -> bool:
    """Whether :func:`_several` can read anything in a sentence whose only USD figure is ``b`` (a cheap rejection).

    With one figure, shapes 1, 2, 3b, 4 and 7 need two figures; "each" (3) needs its cue around ``b``; the lone
    investor (5) and the subordinate investor's clause (6) need an investment word (or "'s investment") right
    after a party, and every party is one of ``sent.ents``. When none holds, :func:`_several` returns ``{}``.
    """
    f = sent.folded
    if _EACH_BEFORE.search(f[max(sent.start, b.start - 16):b.start]) or _EACH_AFTER.match(f, b.end):
        return True
    return any(_LONE_INVESTS.match(f, e.end) or _INVESTOR_AFTER.match(f, e.end) for e in sent.ents)


def _several(sent: _Sentence, index: EntityIndex, topic: EntityMention | None, raiser: EntityMention | None,
             last_deal: Proposal | None) -> dict[int, list[Proposal]]:
    """Claims of a sentence that gives several investors' amounts at once, keyed by the figure's start.

    Four shapes a reader resolves without effort (guideline §7, one claim per party when the text gives each
    amount):

    * a list of figures each with its source: "includes $3 billion from A, $3 billion from B and $5 billion
      from C", "包括來自A的30億美元、來自B的30億美元和來自C的50億美元";
    * "respectively": "contributions from A, B and C, of $5 billion, $3 billion and $3 billion respectively"
      (分別), the n-th firm with the n-th figure;
    * "each": "A and B each invested $3 billion", "A及B各自投資了30億美元": every firm pays the figure;
    * an investment told in tranches: "A will first invest $1 billion, then $4 billion", "A將先承諾10億美元，
      隨後再投入40億美元": every figure is A's.

    The investee is the firm the sentence names as the object, else the firm whose round it is, else the last
    investment's payee, else the topic. Figures not resolved here are left to the ordinary rules.
    """
    f = sent.folded
    figs = _usd_figures(sent)
    if not figs or not _invest_context(sent, sent.start, sent.end):
        return {}
    if len(figs) == 1 and not _may_read_one(sent, figs[0]):
        return {}
    actors = [e for e in _actors(sent) if sent.kinds.get(e.id) != "person"]
    if not actors:
        return {}
    sells = _sells(sent, index, topic)
    if len(figs) >= 2:
        by_figure = _own_figures(sent, figs, actors, topic, raiser, last_deal)
        if by_figure:
            return by_figure
    typ = _type_in(sent, sent.start, _clause_of(sent, figs[-1].start)[1], sells)  # up to the last figure's clause
    kind = typ[0] if typ is not None and typ[0] in _TOGETHER else "equity_investment"
    if typ is not None and typ[0] in _PURCHASE:
        return {}
    out: dict[int, list[Proposal]] = {}
    # 1. each figure with its own source
    src: dict[int, EntityMention] = {}
    for b in figs:
        cn = [e for e in actors if e.end <= b.start and b.start - e.end <= 3 and f[e.end:b.start].strip() in ("", "的")
              and _SOURCE_CN.search(f[max(sent.start, e.start - 4):e.start])]
        en = [e for e in actors if e.start >= b.end and e.start - b.end <= 40
              and _SOURCE_AFTER.fullmatch(f, b.end, e.start)]
        if cn or en:
            src[b.start] = (cn or en)[0]
    if len(src) >= 2 and len({e.id for e in src.values()}) >= 2:
        payee = _investee(sent, {e.id for e in src.values()}, topic, raiser, last_deal, min(src))
        if payee is not None:
            for b in figs:
                if b.start in src and src[b.start].id != payee.id:
                    out[b.start] = [_claim(sent, src[b.start], payee, b, kind)]
            return out
    # 2. "respectively": the n-th firm of a list with the n-th figure; the list pays ("A和B分別向C投資") or, marked
    # as the object ("向A和B分別投資", "in A and B respectively"), is paid by the one subject
    resp = _gated_search(_RESPECTIVELY, _RESPECTIVELY_WORDS, f, sent.start, sent.end)
    if resp is not None and len(figs) >= 2:
        run = _list_run(sent, [e for e in actors if e.start < figs[0].start])
        english = resp.group(0) == "respectively"  # after the figures in English, before them in Chinese
        after = [b for b in figs if b.start > run[-1].end and (b.start < resp.start() if english
                                                               else b.start > resp.start())] if run else []
        if len(run) >= 2 and len(after) == len(run):
            payer = _subject_of(sent, run, topic)
            payee = None if payer is not None else _investee(sent, {e.id for e in run}, topic, raiser, last_deal,
                                                              after[0].start)
            if payer is not None or payee is not None:
                for e, b in zip(run, after, strict=True):
                    out[b.start] = [_claim(sent, payer, e, b, kind) if payer is not None
                                    else _claim(sent, e, payee, b, kind)]  # type: ignore[arg-type]
                return out
    # 3. "each": every firm of a coordinated run pays the figure ("A及B各自投資了30億美元"), or is paid it by the
    # one subject when the run is the object ("向A和B各注資30億美元")
    for b in figs:
        cs, _ = _clause_of(sent, b.start)
        if not (_EACH_BEFORE.search(f[max(sent.start, b.start - 16):b.start]) or _EACH_AFTER.match(f, b.end)):
            continue
        run = _coordinated(sent, [e for e in actors if e.start < b.start], b.start)
        if len(run) < 2:
            continue
        payer = _subject_of(sent, run, topic)
        if payer is not None:
            out[b.start] = [_claim(sent, payer, e, b, kind) for e in {x.id: x for x in run}.values()]
            continue
        payee = _investee(sent, {e.id for e in run}, topic, raiser, last_deal, b.start)
        if payee is not None:
            out[b.start] = [_claim(sent, e, payee, b, kind) for e in {x.id: x for x in run}.values()]
    if out:
        return out
    # 3b. one investor, a list of investees each with its figure ("X的投資包括：入股A 10億美元，投資B 50億美元",
    # "對A投資10億美元、B 50億美元，以及對C投資100億美元"): every figure is the one investor's
    targets = _targets(sent, figs, actors)
    if targets:
        items = {e.id for e in targets.values()}
        first_item = min(e.start for e in targets.values())
        payer = next((e for e in actors if e.start < first_item and e.id not in items and not _speaker(sent, e)
                      and not _is_object(f, sent.start, e)), None)
        if payer is None and not [e for e in actors if e.start < first_item and e.id not in items]:
            payer = topic
        if payer is not None and payer.id not in items:
            return {b.start: [_claim(sent, payer, targets[b.start], b, kind)] for b in figs if b.start in targets}
    # 4. parallel clauses, each with its own investor and figure, the investee left out ("A is in talks to
    # invest up to $3 billion, while B would put in $1 billion"; "A洽談最高50億美元的投資，B則商議30億美元的注資")
    own: dict[int, EntityMention] = {}
    for b in figs:
        cs, ce = _clause_of(sent, b.start)
        mine = [e for e in actors if cs <= e.start < b.start and not _speaker(sent, e)]
        if len({e.id for e in mine}) != 1 or _is_object(f, cs, mine[0]) or \
                not _invest_context(sent, cs, ce) or \
                any(cs <= e.start < ce for e in actors if e.start > b.start):
            break
        own[b.start] = mine[0]
    else:
        if len(own) >= 2 and len({e.id for e in own.values()}) == len(own):
            payee = _investee(sent, {e.id for e in own.values()}, topic, raiser, last_deal, figs[0].start)
            if payee is not None:
                return {b.start: [_claim(sent, own[b.start], payee, b, kind)] for b in figs}
    # 5. one investor and its figure, the investee left out, in an article about a round or an investment
    # ("Dynamo's $3 billion investment is part of...", "艾克米在這輪融資中投入了50億美元"): the raiser's, else the
    # last investment's payee
    lone = [e for e in actors if not _speaker(sent, e) and (raiser is None or e.id != raiser.id)]
    if len(figs) == 1 and len({e.id for e in lone}) == 1 and lone[0].start < figs[0].start and \
            not _is_object(f, sent.start, lone[0]) and (_INVESTOR_AFTER.match(f, lone[0].end) or
                                                        _LONE_INVESTS.match(f, lone[0].end)) and \
            not _OWN_SPENDING.search(f, lone[0].end, figs[0].end):  # "龍華年度AI投資上看N": its own spending
        prev = last_deal.payee if last_deal is not None and last_deal.type == "equity_investment" else None
        payee = next((c for c in (raiser, prev) if c is not None and c.id != lone[0].id), None)
        if payee is not None and not [e for e in actors if e.id not in (lone[0].id, payee.id)]:
            return {figs[0].start: [_claim(sent, lone[0], payee, figs[0], kind)]}
    # 6. "在X已經投資130億美元的情況下，Y仍…", "Although X has invested $13 billion, Y ...": the investor's clause,
    # subordinate or followed by "but", leaves the investee out, and the next clause opens on it
    out = {}
    for b in figs:
        cs, ce = _clause_of(sent, b.start)
        k = sent.clauses.index((cs, ce)) if (cs, ce) in sent.clauses else -1
        if k < 0 or k + 1 >= len(sent.clauses):
            continue
        mine = [e for e in actors if cs <= e.start < ce]
        if len({e.id for e in mine}) != 1 or mine[0].start > b.start or _is_object(f, cs, mine[0]) or \
                (invests := _LONE_INVESTS.match(f, mine[0].end)) is None or invests.end() > b.start:
            continue
        ns, ne = sent.clauses[k + 1]
        nxt = next((e for e in actors if ns <= e.start < ne), None)
        subordinate = _rx(r"\s*(?:在|尽管|虽然|虽|即使|although|though|even though|while|despite|even as)").match(f, cs)
        if nxt is not None and nxt.id != mine[0].id and _rx(r"\s*(?:但|而|不过|however,?|but|yet)?\s*$").fullmatch(
                f, ns, nxt.start) and (subordinate or _rx(r"\s*(?:但|而|不过|however|but|yet)").match(f, ns)):
            out[b.start] = [_claim(sent, mine[0], nxt, b, kind)]
    if out:
        return out
    # 7. tranches: one investor, a first payment and the rest
    first = _TRANCHE_FIRST.search(f, sent.start, sent.end)
    then = _TRANCHE_THEN.search(f, first.end(), sent.end) if first is not None else None
    if first is None or then is None or len(figs) < 2 or figs[-1].start < then.start():
        return {}
    payers = [e for e in actors if not _speaker(sent, e) and not _is_object(f, sent.start, e)
              and not _DESCRIBED_PAYEE.match(f, e.start)]
    if len({e.id for e in payers}) != 1 or payers[0].start > figs[0].start:
        return {}
    payer = payers[0]
    payee = _investee(sent, {payer.id}, topic, raiser, last_deal, figs[0].start)
    if payee is None:
        return {}
    return {b.start: [_claim(sent, payer, payee, b, kind)] for b in figs}


#: An investee marked before it in a list item: "入股A", "投資B", "對C投資", "向D注資", "invest in A".
_TARGET_BEFORE: Final = re.compile(
    r"(?:入股|投资|注资|增资|收购|对|向|给|\binvest(?:ed|s|ing)? in|\bstakes? in|\bin)\s*"
    r"(?:[^，,、；;。:：]{0,10}?(?:公司|新创|初创|巨头|企业|业者|商|\bstartup|\bfirm))?\s*$")
#: What may stand between an investee and its figure: a gloss in parentheses, an investment verb ("對A投資N").
_TARGET_GAP: Final = re.compile(r"\s*(?:[(（][^()（）]{0,16}[)）])?\s*(?:的)?\s*(?:投资了?|注资了?|入股|增资|投入)?\s*")
#: Between two items of the list: a separator, a conjunction, nothing more than a few words.
_ITEM_SEP: Final = re.compile(r"[，,、；;]|以及|和|及|与|\band\b")


def _own_figures(sent: _Sentence, figs: list[AmountMention], actors: list[EntityMention],
                 topic: EntityMention | None, raiser: EntityMention | None,
                 last_deal: Proposal | None) -> dict[int, list[Proposal]]:
    """Investors each right before their own figure (English; guideline §7, one claim each).

    "investments from A (up to $10 billion) and B (up to $5 billion)", "will invest in Acme, A up to $10 billion,
    B up to $5 billion".

    The deal word is the one between the figure before the list (or the sentence's start) and the list, so a
    purchase told earlier in the sentence does not make the list a purchase. The investee is the firm the sentence
    marks as the object, else the one other firm named before the list ("Acme's plan, backed by investments
    from..."), else as :func:`_investee` finds it.
    """
    f = sent.folded
    own: dict[int, EntityMention] = {}
    bare = 0
    for b in figs:
        e = next((e for e in reversed(actors) if e.end <= b.start), None)
        if e is None or b.start - e.end > 40:
            continue
        if b.start - e.end <= 3 and _OWN_FIGURE.fullmatch(f, e.end, b.start):
            own[b.start] = e
            bare += 1
        elif _OWN_VERB.fullmatch(f, e.end, b.start):
            own[b.start] = e
    if len(own) < 2 or len({e.id for e in own.values()}) < 2:
        return {}
    first = min(own)
    lo = max((b.end for b in figs if b.end <= first and b.start not in own), default=sent.start)
    if _HAN.search(f, sent.start, sent.end):
        return {}  # English only: Chinese names a firm right before its figure in many other shapes
    typ = _type_in(sent, lo, first, frozenset())
    if typ is None or typ[0] not in _TOGETHER:
        return {}
    payers = {e.id for e in own.values()}
    payee = _investee(sent, payers, topic, raiser, last_deal, first)
    if payee is None:
        others = [e for e in actors if e.id not in payers and sent.kinds.get(e.id) != "person" and e.start < first]
        lead = own[first]
        if others and not _is_object(f, sent.start, others[0]) and (
                len({e.id for e in others}) == 1 or _FROM_BY.search(f, max(sent.start, lead.start - 30), lead.start)):
            payee = others[0]  # "Acme's plan, backed by investments from A (...) and B (...)": the subject
    if payee is None:
        return {}
    if not bare and (payee.start < max(own) or any(first < e.start < max(own) and e.id not in payers
                                                   for e in actors)):
        return {}  # each with its own verb: one object, shared, after the last ("..., while B aims to contribute
        # $5 billion to Acme"); else each clause is read on its own
    return {b: [_claim(sent, e, payee, next(x for x in figs if x.start == b), typ[0])]
            for b, e in own.items() if e.id != payee.id}


def _targets(sent: _Sentence, figs: list[AmountMention], actors: list[EntityMention]) -> dict[int, EntityMention]:
    """The investee of each figure of a list that names one investee per figure, keyed by the figure's start.

    An item is a firm right before its figure (only a gloss or an investment verb between), marked as the
    object of an investment in that item ("入股A", "投資B", "對C投資") or, bare ("B 50億美元"), after such an
    item in the same list. At least two items, each a different firm; an item whose firm pays ("A投資…",
    with nothing marking A as the object and no marked item before it) ends the reading: ``{}``.
    """
    if len(figs) < 2:
        return {}
    f = sent.folded
    out: dict[int, EntityMention] = {}
    prev_end = sent.start
    marked_seen = False
    for b in figs:
        item = [e for e in actors if prev_end <= e.start and e.end <= b.start]
        prev_end = b.end
        if not item:
            continue
        e = item[-1]
        if len(item) >= 2 and item[-2].id == e.id and f[item[-2].end:e.start].strip() in ("(", "（"):
            e = item[-2]  # "Zentrix（贊特）50億美元": the name and its gloss are one item
        gap = _TARGET_GAP.fullmatch(f, e.end, b.start)
        if gap is None:
            continue
        lo = max(sent.start, e.start - 24)
        lead = [x for x in item if x.id != e.id and x.end > lo]
        lo = max([lo] + [x.end for x in lead])
        if _TARGET_BEFORE.search(f, lo, e.start):
            marked_seen = True
        elif not (marked_seen and out and _ITEM_SEP.search(f, max(lo, e.start - 6), e.start)):
            if out:
                break
            continue
        if e.id in {x.id for x in out.values()}:
            return {}
        out[b.start] = e
    return out if len(out) >= 2 else {}


#: "an order for Dynamo chips via Borealis", "透過博瑞斯採購": the firm the order goes through is paid.
_VIA: Final = re.compile(r"(?:\bvia|\bthrough|透过|通过|经由)\s*$")
#: "the $10 billion mystery customer was Acme", "神秘客户正是Acme": the customer named pays the seller.
_CUSTOMER_IS: Final = re.compile(r"(?:客户|\bcustomer)[」』\"”']?\s*(?:正|就|则)?\s*(?:是|为|\bwas\b|\bis\b)\s*"
                                 r"[^，,。;；]{0,12}$")
_CUSTOMER_WORDS: Final = ("客户", "customer")  # the gate of _CUSTOMER_IS


def _reroute(sent: _Sentence, deal: Proposal) -> None:
    """Who is paid in a purchase routed through another firm, or whose customer is named (guideline §2).

    The order placed via a firm pays that firm ("Acme places a $2 billion order for Dynamo chips via Borealis":
    Acme pays Borealis, whose chips they are does not matter); a seller that names its customer ("Borealis
    said the $2 billion customer is Acme") is paid by that customer.
    """
    if deal.type not in _PURCHASE or deal.payer is None or deal.payee is None:
        return
    f = sent.folded
    actors = _actors(sent)
    via = next((e for e in actors if e.id != deal.payer.id and _VIA.search(f, max(sent.start, e.start - 10),
                                                                            e.start)), None)
    if via is not None:
        deal.payee = via
        deal.spans["to"] = (via.start, via.end)
        return
    buyer = next((e for e in actors if _gated_search(_CUSTOMER_IS, _CUSTOMER_WORDS, f, max(sent.start, e.start - 30),
                                                     e.start)), None)
    if buyer is None:
        return
    seller = next((e for e in actors if e.start < buyer.start and e.id != buyer.id
                   and _rx(r"(?:客户|customer)").search(f, e.end, buyer.start)), None)
    if seller is not None:
        deal.payer, deal.payee = buyer, seller
        deal.spans["from"], deal.spans["to"] = (buyer.start, buyer.end), (seller.start, seller.end)


#: A deal's option or ceiling told after its value ("with an option to spend up to $19.4 billion", "it could
#: expand to $19.4bn", "options that could take the total to about $19.4 billion", "最高可擴大至").
#: What a deal's value could reach, said of the deal ("the total contract value to as much as", "the contract's value
#: to", "the total commitment could reach"): a value or commitment word before the figure.
_VALUE_TO: Final = re.compile(r"(?:value|commitment|contract|deal|agreement|it)\b[^.;]{0,40}?"
                              r"(?:\bto|\breach|\bexceed|\btop)\s+(?:[a-z]+\s+){0,3}$")
_OPTION_UP: Final = re.compile(
    r"(?:\boptions?\b|\bcould\b|\bmay\b|\bmight\b|可能|或将|有望|可(?=增|扩|提高)|最多可|按需)"
    r"[^.;，。]{0,40}?"
    r"(?:\bup to\b|\bexpand|\brise|\bincrease|\bgrow|\btake the total|\breach|\bspend|\blift|\bas much as\b|"
    r"扩大至|增至|增加至|提高至|达到)[^.;，。]{0,25}$")
_OPTION_UP_WORDS: Final = ("option", "could", "may", "might", "可", "或将", "有望", "按需")  # its gate


#: "bringing the total value of their collaboration to", "brings that total contract to": a running total.
_TOTAL_TO: Final = re.compile(
    r"\b(?:bring(?:s|ing)?|brought|tak(?:e|es|ing)|took|lift(?:s|ing|ed)?|push(?:es|ing|ed)?)\s+"
    r"(?:[\w'’-]+\s+){0,7}?(?:total|tally)\b[^,;.]{0,50}?\bto\s+(?:an?\s+)?(?:[\w-]+\s+)?$|"
    r"\b(?:that|which)\s+(?:now\s+)?totals\s+$")  # "a partnership that now totals $35 billion"
#: A word every match of :data:`_TOTAL_TO` holds (its gate: see :func:`_any_in`).
_TOTAL_TO_WORDS: Final = ("total", "tally")


def _running_total(sent: _Sentence, a: AmountMention, deals: list[Proposal],
                   last_deal: Proposal | None) -> Proposal | None:
    """The pair's running total after a deal just told: a claim of the same pair.

    "expanded its pact with Acme by $6.5 billion, bringing the total to $22.4 billion": the deal of this sentence,
    else the one in view when the sentence names only its parties.
    """
    lo = max(sent.start, a.start - 110)
    if a.amount.currency is None or not _any_in(sent.folded, _TOTAL_TO_WORDS, lo, a.start) or \
            not _TOTAL_TO.search(sent.folded, lo, a.start):
        return None
    last = next((d for d in reversed(deals) if d.amount is not None and d.spans.get("amount", (a.start,))[0] < a.start),
                None)
    if last is None and last_deal is not None and last_deal.payer is not None and last_deal.payee is not None and \
            all(e.id in (_payers(last_deal) | {last_deal.payer.id, last_deal.payee.id}) for e in _actors(sent)):
        last = last_deal
    if last is None or last.payer is None or last.payee is None:
        return None
    return _same_pair_deal(sent, a, last)


def _option_of(sent: _Sentence, a: AmountMention, deals: list[Proposal],
               before: Proposal | None = None) -> Proposal | None:
    """The same pair's claim for a figure that is the ceiling of a deal just told in the sentence.

    A hedged clause ("could", "may") is no claim of its own; but when it gives the option or ceiling of the
    deal whose value the sentence has just stated, a reader marks it as that deal's claim, hedge kept (guideline
    §6: hedges stay in the claim). With no deal in the sentence, the deal told just before (``before``) when the
    sentence names no firm but its two parties and says what its value could reach ("The total commitment could
    reach $27 billion", "options which Acme says could lift the total contract value to as much as $17.7 billion").
    """
    if a.amount.currency is None or not (deals or before) or \
            not _gated_search(_OPTION_UP, _OPTION_UP_WORDS, sent.folded, max(sent.start, a.start - 70), a.start):
        return None
    last = next((d for d in reversed(deals) if d.amount is not None and d.spans.get("amount", (a.start,))[0] < a.start),
                None)
    if last is None and before is not None and before.payer is not None and before.payee is not None and \
            before.amount is not None and a.amount.currency is not None and \
            all(e.id in (before.payer.id, before.payee.id) for e in sent.ents) and \
            _VALUE_TO.search(sent.folded, max(sent.start, a.start - 70), a.start):
        last = before
    if last is None or last.payer is None or last.payee is None:
        return None
    return _same_pair_deal(sent, a, last)


_MORE_ORDERS: Final = re.compile(r"追加|再下|又下|增购|加购|\badditional\b|\banother\b|\bmore\b")
#: The words that name a deal of each kind, for "another deal of the same kind".
_KIND_WORDS: Final = {typ: _pattern(TYPE_CUES[cat]) for typ, cat in (
    ("lease", "lease"), ("data_hosting", "hosting"), ("compute_contract", "compute_words"),
    ("chip_purchase", "chip_words"), ("debt_financing", "debt"), ("equity_investment", "equity"))}
_ANOTHER_DEAL: Final = re.compile(r"另外还|另外又|另外再|此外还|另一笔|又一笔")


#: A figure that opens its clause ("約80億美元為直接股權投資", "其中100億美元…"): what the clause says of it follows.
_FIGURE_OPENS: Final = re.compile(r"\s*(?:其中|另有|另外|剩余|余下|其余|首笔|第一笔|最后一笔|约|近|逾|超过)*\s*$")
#: The parts of an investment or loan ("投資分為三部分", "分三筆", "分期支付").
_IN_PARTS: Final = re.compile(r"分为[^，,。;；]{0,4}部分|分[两三四五]笔|分期|分批|部分")
#: Money words of an investment or a loan, which a part of one names.
_PART_WORDS: Final = re.compile(r"投资|注资|股权|贷款|出资|融资|资金|到账|付清|支付")


def _part_of_last(sent: _Sentence, a: AmountMention, clause: tuple[int, int],
                  last: Proposal | None) -> Proposal | None:
    """A part of the investment or loan told just before ("投資分為三部分：約100億美元…；約80億美元為直接股權投資").

    The figure opens its clause, the sentence names no firm outside the last deal's pair, speaks of money put in
    or lent, and either speaks of parts or follows a sentence that does. Same pair, same type (guideline §4: a
    tranche is a claim of the pair).
    """
    if last is None or last.payer is None or last.payee is None or a.amount.currency is None or \
            last.type not in ("equity_investment", "debt_financing"):
        return None
    f = sent.folded
    if not _FIGURE_OPENS.fullmatch(f, clause[0], a.start) or not _PART_WORDS.search(f, sent.start, sent.end):
        return None
    parties = _payers(last) | {last.payer.id, last.payee.id}
    if any(e.id not in parties for e in _actors(sent)):
        return None
    told = last.sentence[0]
    if not _IN_PARTS.search(f, told, sent.end) and not _TRANCHE.search(f, sent.start, sent.end):
        return None  # the parts are said in this sentence or since the deal's own
    return _same_pair_deal(sent, a, last)


def _follow_on(sent: _Sentence, a: AmountMention, last: Proposal | None) -> Proposal | None:
    """A buyer's further order told without its seller: the seller of its purchase told just before.

    "X在最新一季又追加了10億美元訂單，總金額高達30億美元", "X placed another $2 billion order": the only firm named
    is the last purchase's buyer, and the sentence speaks of more orders.
    """
    if last is None or last.payer is None or last.payee is None or last.type not in _PURCHASE or \
            a.amount.currency is None:
        return None
    f = sent.folded
    named = {e.id for e in _actors(sent) if sent.kinds.get(e.id) != "person"}
    if named == {last.payer.id} and _MORE_ORDERS.search(f, sent.start, sent.end) and \
            _rx(r"订单|订购|采购|\borders?\b").search(f, sent.start, sent.end):
        pass
    elif named <= {last.payer.id, last.payee.id} and _ANOTHER_DEAL.search(f, sent.start, a.start):
        kind = _KIND_WORDS.get(last.type or "")
        if kind is None or not kind.search(f, sent.start, sent.end):
            return None  # "另外還達成一筆…租賃交易，價值2億美元": another deal of the same kind, same pair
    else:
        return None
    return _same_pair_deal(sent, a, last)


# --- What the trained fallback (extract/fallback.py) reads of the rules' pass: a small public surface -----------------
#: Every deal-type cue word of :data:`TYPE_CUES` as one trie, scanned once per text (:func:`cues_in`).
TYPE_CUES_RE: Final = _ALL_TYPE_RE
#: The deal-type categories (keys of :data:`TYPE_CUES`) of each word :data:`TYPE_CUES_RE` matches.
CUE_CATEGORIES: Final = _CUE_CATS
#: The sentence cues the rules read, as tries scanned once per text (:func:`cue_in`): a condition ("if", 如果), a
#: denial or a deal called off ("denied", 否认), a hedge ("could", 可能), a list ("including", 其中) and a fund
#: raising ("raised", 融资).
CONDITION_RE: Final = _COND_P
DENIAL_RE: Final = _DENIAL_P
HEDGE_RE: Final = _HEDGE_P
LIST_RE: Final = _LIST_P
RAISE_RE: Final = _RAISE_P


def cue_in(regex: re.Pattern[str], f: str, lo: int, hi: int) -> bool:
    """Whether a word of ``regex`` (one of the tries above) lies in ``f[lo:hi]``.

    ``f`` is the folded text the rules read; it is scanned once per pattern, the matches kept for the next ranges.
    """
    return _has(regex, f, lo, hi)


def cues_in(regex: re.Pattern[str], f: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """The ``(start, end, word)`` of the matches of ``regex`` (one of the tries above) lying in ``f[lo:hi]``."""
    return _find(regex, f, lo, hi)
