"""A learned scorer for USD deal claims: candidates for each dollar figure, scored by a logistic model.

The hand rules (:mod:`dealweb.extract.relations`) read the wordings of the articles they were written on;
on new text most of their errors are claims they miss. This module reads the same mentions differently:

1. **Candidates** (:func:`candidates`). For every USD amount mention, the ordered pairs (payer, payee)
   among the entities named in its sentence, in the two sentences before it and in the article's first
   line (its title), two firms joined by "and"/和/與 as one paying group, plus whatever pair the rules
   proposed for that figure. At most :data:`MAX_ENTITIES` distinct parties per figure (nearest first).
2. **Features** (:func:`pair_features`): what a reader looks at, as names of generic features: the cue
   words of the deal kind around the figure (invest, buy, order, contract, lease, loan, raise, 投資, 訂單,
   採購, 租用...), each party's place (same clause, before or after the figure, an earlier sentence, the
   title), the marker before and after each party (向, 從, with, from, in, 's...), whether the gazetteer
   says a party sells what is bought, the hedges, denials, conditions and amount kinds near the figure
   (valuation, market value, revenue, net worth, per share, a year), the language, and what the rules
   proposed for the figure. Role features are crossed with the deal-kind cue, so "from X" can mean the
   seller after "buy" and the investor after "raise". No feature names a firm, an article or a figure.
3. **Decision** (:func:`rescore`). A logistic model (weights in ``src/dealweb/data/models/claims.json``,
   trained by ``tools/train_claims.py`` on the development splits of the real-news corpus) gives each
   candidate a probability; per figure the best candidate is proposed when its probability reaches the
   model's threshold, else no deal is proposed for that figure.

The model is a plain L2-regularised logistic regression (Cox 1958; fitted by Newton's method in
``tools/train_claims.py``): ``p = 1 / (1 + exp(-(b + sum of the weights of the active features)))``.
Inference is pure Python (a dict look-up per active feature), so it costs little beside the rules.
"""

from __future__ import annotations

import functools
import json
import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dealweb.extract.mentions import AmountMention, EntityIndex, EntityMention, iter_sentences, trie_pattern
from dealweb.extract.normalise import NormText
from dealweb.extract.relations import Proposal

__all__ = ["MODEL_FILE", "Candidate", "ClaimModel", "FigureCandidates", "Role", "candidates", "decide", "load_model",
           "rescore"]

#: The shipped model (weights and threshold, plain JSON; see ``tools/train_claims.py``).
MODEL_FILE = Path(__file__).resolve().parents[1] / "data" / "models" / "claims.json"
#: At most this many distinct parties are paired per figure (the nearest ones).
MAX_ENTITIES = 6
#: Parties of the figure's own sentence are looked for at most this many characters away from it.
REACH = 600
#: Sentences before the figure's that are searched for parties.
WINDOW = 2

# --- cue words (folded: Simplified Chinese, lower case), by class -----------------------------------------
_CUES: dict[str, str] = {
    "invest": "投资|注资|入股|投入|出资|领投|参投|跟投|invest|invests|invested|investing|investment|investments|"
              "backing|backed|bet|stake in",
    "raise": "融资|募资|募得|筹资|筹集|一轮|轮融资|raise|raised|raises|raising|funding|round|fundraise|fundraising",
    "buy": "购买|采购|订购|买下|买入|购入|收购|买|buy|buys|bought|buying|purchase|purchases|purchased|purchasing|"
           "acquire|acquires|acquired|acquisition|order|orders|ordered",
    "sell": "出售|卖给|供应|供货|提供|交付|supply|supplies|supplying|provide|provides|providing|sell|sells|sold|"
            "deliver|delivers",
    "win": "获得|取得|拿下|赢得|斩获|签下|获|win|wins|won|secured|secures|landed|lands|awarded|received|receives",
    "contract": "合同|合约|协议|订单|大单|交易|合作|contract|contracts|deal|deals|agreement|agreements|pact|"
                "partnership|commitment|commitments|order|orders",
    "compute": "算力|云服务|云端|云计算|运算能力|计算能力|cloud|compute|computing|capacity|infrastructure|"
               "data center|data centers|data centre|data centres|数据中心|资料中心",
    "chips": "芯片|晶片|gpu|gpus|处理器|加速器|chip|chips|processors|accelerators|servers|服务器|伺服器",
    "lease": "租赁|租用|承租|出租|lease|leases|leased|leasing|rent|rental|rents",
    "loan": "贷款|借款|债务|债券|发债|信贷|融资额度|loan|loans|debt|bond|bonds|credit|lend|lent|lending|lender|"
            "financing|borrow|borrowed",
    "jv": "合资|共同投资|共同出资|joint venture|venture|jv",
    "warrant": "认股权证|认股权|warrant|warrants|options",
    "pay": "支付|付款|付给|花费|pay|pays|paid|paying|spend|spending|spent|worth|valued at|value of|价值|金额|总额",
    "from": "从|自|来自|由|from",
    "to": "向|对|给|为|to|into|for",
    "in": "in|into|投向",
    "with": "与|和|跟|同|with",
    "by": "by|led by|由",
    # kinds of figure that are not deals
    "valuation": "估值|valuation|valued at|valuing|post-money|pre-money",
    "market": "市值|market value|market cap|market capitalization|market capitalisation|shares|股价|股票|stock",
    "revenue": "营收|收入|营业额|销售额|营运收入|revenue|revenues|sales|earnings|profit|利润|净利|income",
    "networth": "身家|净资产|财富|net worth|fortune|richest|wealth",
    "capex": "资本支出|资本开支|capex|capital expenditure|capital expenditures|capital spending|budget|预算",
    "backlog": "剩余履约义务|未履约|backlog|rpo|remaining performance obligations",
    "per_share": "每股|per share|a share|exercise price|target price|目标价",
    "per_year": "每年|一年|年均|平均每年|per year|a year|annually|annual|each year|per annum",
    "cost": "成本|造价|cost|costs|per gigawatt|每吉瓦|每gw",
    "hedge": "可能|或许|也许|或将|might|could|may|would|potential|potentially|possible|considering|consider|"
             "weighing|explore|exploring|talks|discussions|洽谈|商谈|谈判|考虑",
    "report": "据报|据悉|知情人士|消息人士|reportedly|according to|people familiar|sources said|report|reported",
    "deny": "否认|从未|没有|并未|不是|never|not|denied|denies|no plans|rejected",
    "condition": "如果|假如|假设|倘若|若是|要是|每当|if|whenever|unless|provided that",
    "denial": "否认|从未|并未|从来没有|不是承诺|never|denied|denies|deny|no plans|not a commitment|rejected|"
              "would have|had invested",
    "future": "将|计划|拟|打算|预计|will|plans|plan|planned|expects|expected|intends|aims",
    "total": "总计|合计|共计|累计|总共|total|in total|combined|together|altogether|collectively|共同",
    "question": "?|？|吗|如何|为什么|how|why|whether",
}


def _cue_regex() -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
    """One trie-shaped regex over every cue word (longest first), and the classes of each word."""
    classes: dict[str, list[str]] = {}
    for cls, words in _CUES.items():
        for w in words.split("|"):
            classes.setdefault(w, []).append(cls)
    return re.compile(trie_pattern(sorted(classes, key=len, reverse=True))), {w: tuple(c) for w, c in classes.items()}


def _cue_hits(f: str, s: int, e: int) -> list[tuple[int, int, str]]:
    """Cue words in ``f[s:e]``: ``(start, end, word)``; an ASCII word only at word boundaries."""
    out = []
    for m in _CUE_RE.finditer(f, s, e):
        a, b = m.span()
        w = m.group(0)
        if w[0].isascii() and w[0].isalnum() and a > 0 and (f[a - 1].isalnum() and f[a - 1].isascii()):
            continue
        if w[-1].isascii() and w[-1].isalnum() and b < len(f) and (f[b].isalnum() and f[b].isascii()):
            continue
        out.append((a, b, w))
    return out


_CUE_RE, _CUE_CLASS = _cue_regex()
#: Deal-kind classes crossed with role features.
_KINDS = ("invest", "raise", "buy", "sell", "win", "contract", "compute", "chips", "lease", "loan", "jv", "warrant",
          "pay")
_SELLS_FEATS = frozenset(f"sells:{t}" for t in ("chip_purchase", "compute_contract", "lease", "data_hosting"))
_CLAUSE_END = re.compile(r"[，,:：;；]|\b(?:while|whereas|but|which|who)\b")
_COORD = re.compile(r"\s*(?:[(（][^()（）]{0,24}[)）])?\s*(?:,|，)?\s*(?:和|与|及|以及|、|&|and)\s*$")
_BEFORE_MARK = re.compile(
    r"(向|对|给|与|和|跟|同|从|由|获|被|为|让|帮|替|在|的|"
    r"\bto|\binto|\bin|\bfrom|\bwith|\bby|\bfor|\bof|\band|\bled by|\bbacked by|\bpartner|\brival|\bcustomer|"
    r"\bclient)\s*(?:the\s+|a\s+)?(?:[\w.-]+\s+){0,2}$")
_AFTER_MARK = re.compile(
    r"^\s*(?:[(（][^()（）]{0,24}[)）])?\s*(的|'s|’s|将|会|已|表示|宣布|说|称|获得|获|向|与|和|对|从|在|以|"
    r"will|would|has|have|had|is|was|said|says|announced|agreed|signed|plans|and|,|，|said on|to|inc|corp)")
_GEN_BEFORE = re.compile(r"\s*(?:[(（][^()（）]{0,24}[)）])?\s*(?:'s|’s|的)\s*(?:\w+\s+){0,1}\W{0,2}$|\s*(?:的)?\s*$")
_ADJ_AFTER = re.compile(r"[^，,;；。]{0,12}?\b(from|in|into|to|for|with|by)\s+(?:the\s+|a\s+)?(?:[\w-]+\s+){0,3}$|"
                        r"[^，,;；。]{0,12}?(从|向|给|于|在|对)[^，,;；。]{0,8}$")
@dataclass(frozen=True, slots=True)
class Role:
    """A party's features as payer (``side`` ``P``) or payee (``Q``) of a figure, before crossing.

    Its feature names (:meth:`names`) are ``side:x`` for each raw feature ``x``, ``side:x|k`` for each
    deal-kind cue ``k`` of the figure and each raw feature but its kind and distance, and ``side:sells|k``
    when the party sells what is bought. A model sums their weights without building the names
    (:meth:`ClaimModel.role_weight`).
    """

    side: str
    raw: tuple[str, ...]
    kinds: tuple[str, ...]
    sells: bool

    def names(self) -> list[str]:
        """Every feature name of the role."""
        side = self.side
        out = [f"{side}:{x}" for x in self.raw]
        crossed = [x for x in self.raw if not x.startswith(_NOT_CROSSED)]
        for kd in self.kinds:
            out += [f"{side}:{x}|{kd}" for x in crossed]
            if self.sells:
                out.append(f"{side}:sells|{kd}")
        return out


_NOT_CROSSED = ("kind:", "dist:")
_NO_FEATURES: list[str] = []


@dataclass(frozen=True, slots=True)
class Candidate:
    """One (payer, payee) reading of a figure: the figure's features, the two roles, the pair's features.

    The figure's feature list, the roles and the order features (which party comes first, crossed with the
    deal-kind cues) are shared by the candidates of one figure, so a model sums each once
    (:meth:`ClaimModel.score`); ``pair`` holds the rest (cues between the two, the rules' pair).
    """

    payer: EntityMention
    payee: EntityMention
    fig: list[str]
    as_payer: Role
    as_payee: Role
    order: list[str]
    pair: list[str]

    @property
    def features(self) -> tuple[str, ...]:
        """Every feature name of the candidate (what the model was trained on)."""
        return (*self.fig, *self.as_payer.names(), *self.as_payee.names(), *self.order, *self.pair)


@dataclass
class FigureCandidates:
    """The candidates of one USD figure: the mention, its sentence span, and the rules' proposal if any."""

    amount: AmountMention
    sentence: tuple[int, int]
    rule: Proposal | None
    cands: list[Candidate] = field(default_factory=list)
    gated: bool = False  # the sentence denies or supposes (a condition or denial cue): no new claim


@dataclass(frozen=True)
class ClaimModel:
    """Weights of the logistic model (feature name -> weight), its bias and decision thresholds.

    ``threshold`` decides a figure the rules proposed a deal for; ``meta["threshold_new"]`` (when given) a
    figure they proposed none for.
    """

    weights: dict[str, float]
    bias: float
    threshold: float
    meta: dict[str, Any]
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def threshold_new(self) -> float:
        """The threshold for a figure the rules proposed no deal for (``meta["threshold_new"]``, else the threshold)."""
        return float(self.meta.get("threshold_new", self.threshold))

    def probability(self, features: tuple[str, ...] | list[str]) -> float:
        """``1 / (1 + exp(-(bias + sum of the weights of features)))``."""
        w = self.weights
        return _sigmoid(self.bias + sum(w.get(f, 0.0) for f in features))

    def score(self, cand: Candidate, memo: dict[int, float]) -> float:
        """:meth:`probability` of ``cand.features``, each shared part summed once (``memo`` by part id)."""
        w = self.weights
        z = self.bias + sum(w.get(f, 0.0) for f in cand.pair)
        for part in (cand.fig, cand.as_payer, cand.as_payee, cand.order):
            key = id(part)
            got = memo.get(key)
            if got is None:
                got = memo[key] = (sum(w.get(f, 0.0) for f in part) if isinstance(part, list)
                                   else self.role_weight(part))
            z += got
        return _sigmoid(z)

    def role_weight(self, role: Role) -> float:
        """The sum of the weights of ``role.names()``, from tables keyed by raw feature (no names built)."""
        base, crossed = self._tables()[role.side]
        z = 0.0
        kinds = role.kinds
        for x in role.raw:
            z += base.get(x, 0.0)
            per = crossed.get(x)
            if per is not None and not x.startswith(_NOT_CROSSED):
                for kd in kinds:
                    z += per.get(kd, 0.0)
        if role.sells:
            per = crossed.get("sells")
            if per is not None:
                for kd in kinds:
                    z += per.get(kd, 0.0)
        return z

    def _tables(self) -> dict[str, tuple[dict[str, float], dict[str, dict[str, float]]]]:
        """Role weights by side: ``x -> w`` for ``side:x`` and ``x -> k -> w`` for ``side:x|k`` (built once)."""
        got = self._cache.get("tables")
        if got is None:
            got = {"P": ({}, {}), "Q": ({}, {})}
            for name, v in self.weights.items():
                side, sep, rest = name.partition(":")
                if side not in got or not sep:
                    continue
                base, crossed = got[side]
                x, bar, kd = rest.rpartition("|")
                if bar and ":" not in kd:  # a kind has no colon ("rank:0|nfig:1" is one raw feature)
                    crossed.setdefault(x, {})[kd] = v
                else:
                    base[rest] = v
            self._cache["tables"] = got
        return got

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClaimModel:
        """A model from the JSON written by ``tools/train_claims.py``."""
        return cls({str(k): float(v) for k, v in data["weights"].items()}, float(data["bias"]),
                   float(data["threshold"]), dict(data.get("meta", {})))


def _sigmoid(z: float) -> float:
    if z < -40:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


@functools.cache
def load_model(path: str | None = None) -> ClaimModel:
    """The shipped model (or the one at ``path``), read once."""
    p = Path(path) if path else MODEL_FILE
    return ClaimModel.from_json(json.loads(p.read_text(encoding="utf-8")))


def _cues_in(hits: list[tuple[int, int, str]], starts: list[int], lo: int, hi: int) -> set[str]:
    """The cue classes of the hits lying in ``[lo, hi)``."""
    out: set[str] = set()
    for k in range(bisect_left(starts, lo), bisect_left(starts, hi)):
        if hits[k][1] <= hi:
            out.update(_CUE_CLASS.get(hits[k][2], ()))
    return out


def _bucket(d: int) -> str:
    return "0" if d <= 3 else "1" if d <= 12 else "2" if d <= 40 else "3" if d <= 100 else "4"


def _thousands(f: str, i: int) -> bool:
    """Whether the comma at ``f[i]`` separates thousands (1,000)."""
    return f[i] in ",，" and 0 < i < len(f) - 1 and f[i - 1].isdigit() and f[i + 1].isdigit()


def _breaks(f: str, s: int, e: int) -> tuple[list[int], list[int]]:
    """Starts and ends of the clause breaks of the sentence ``[s, e)`` (a thousands comma is none)."""
    got = [(m.start(), m.end()) for m in _CLAUSE_END.finditer(f, s, e) if not _thousands(f, m.start())]
    return [a for a, _ in got], [b for _, b in got]


def _clause(breaks: tuple[list[int], list[int]], s: int, e: int, pos: int) -> tuple[int, int]:
    """The clause of the sentence ``[s, e)`` around ``pos``: after the last break before it, to the next."""
    starts, ends = breaks
    k = bisect_right(ends, pos)
    lo = ends[k - 1] if k else s
    j = bisect_left(starts, pos)
    return lo, (starts[j] if j < len(starts) else e)


def _placed(f: str, e: EntityMention, a: AmountMention, where: str, clause: tuple[int, int]) -> list[str]:
    """Features of entity mention ``e`` that depend on where figure ``a`` stands (place, distance, adjacency)."""
    out = [f"loc:{where}"]
    if where in ("clause", "sent"):
        side = "b" if e.end <= a.start else "a"
        d = a.start - e.end if side == "b" else e.start - a.end
        out.append(f"dist:{side}{_bucket(d)}")
        if clause[0] <= e.start < clause[1]:
            out.append(f"inclause:{side}")
        if side == "b" and d <= 16 and _GEN_BEFORE.match(f, e.end, a.start):
            out.append("adj:gen")  # "Acme's $5 billion", "艾克米的50億美元"
        elif side == "a" and d <= 40:
            m = _ADJ_AFTER.match(f, a.end, e.start)
            if m:
                out.append(f"adj:{m.group(1) or m.group(2)}")  # "$5 billion from Acme", "$5 billion in Acme"
    return out


def _own(f: str, e: EntityMention, lo: int, sells: frozenset[str], kind: str, first: bool) -> list[str]:
    """Features of entity mention ``e`` of its own: kind, first actor, the markers around it, what it sells."""
    out = [f"kind:{kind}"]
    if first:
        out.append("first")
    m = _BEFORE_MARK.search(f, max(lo, e.start - 24), e.start)
    if m:
        out.append(f"pre:{m.group(1).strip()}")
    m = _AFTER_MARK.match(f, e.end, min(len(f), e.end + 30))
    if m:
        out.append(f"post:{m.group(1).strip()}")
    for typ in sorted(sells):
        out.append(f"sells:{typ}")
    return out


def _group(members: list[EntityMention]) -> EntityMention:
    ids = sorted({m.id for m in members})
    return EntityMention(members[0].start, members[-1].end, "+".join(ids),
                         " + ".join(next(m.name for m in members if m.id == i) for i in ids))


def candidates(norm: NormText, ents: list[EntityMention], amts: list[AmountMention], proposals: list[Proposal],
               index: EntityIndex, language: str = "", only: set[tuple[int, int]] | None = None,
               ) -> list[FigureCandidates]:
    """The candidate readings of every USD figure of a text (see the module docstring).

    Args:
        norm: the normalised text.
        ents: its entity mentions (sorted by start).
        amts: its amount mentions (sorted by start).
        proposals: the rules' proposals for the text (their deal for a figure is one more candidate).
        index: the entity index (who sells what, entity kinds).
        language: ``en``, ``zh-Hant`` or ``zh-Hans`` (a feature).
        only: when given, the ``(start, end)`` spans of the USD figures to read; the others are skipped (their
            features would be the same either way: every USD figure still counts in ``nfig``).

    Returns:
        One :class:`FigureCandidates` per USD money mention (of ``only``, when given), in text order.
    """
    usd = [a for a in amts if a.amount.currency == "USD"]
    if not usd:
        return []
    f = norm.folded
    u_starts = [b.start for b in usd]
    sents = list(iter_sentences(norm.text))
    s_starts = [s for s, _ in sents]
    e_starts = [e.start for e in ents]
    rules: dict[tuple[int, int], Proposal] = {}
    facts: dict[tuple[int, int], str] = {}
    for p in proposals:
        sp = p.spans.get("amount") if p.kind == "deal" else p.spans.get("value")
        if sp is None:
            continue
        if p.kind == "deal":
            rules.setdefault(sp, p)
        else:
            facts[sp] = p.metric or "fact"
    # the title: the entities of the first line when it is short
    first_nl = norm.text.find("\n")
    first_nl = len(norm.text) if first_nl < 0 else first_nl
    title = [e for e in ents if e.end <= first_nl] if first_nl <= 160 else []
    title_ids = {e.id for e in title}
    counts: dict[str, int] = {}
    for x in ents:
        counts[x.id] = counts.get(x.id, 0) + 1
    most = max(counts.values(), default=0)
    top = {i for i, n in counts.items() if n == most and n >= 2}
    out: list[FigureCandidates] = []
    hit_cache: dict[int, tuple[list[tuple[int, int, str]], list[int]]] = {}
    own_cache: dict[tuple[int, int, str, int, bool], list[str]] = {}
    sent_cache: dict[int, tuple[list[EntityMention], list[int], str | None]] = {}
    break_cache: dict[int, tuple[list[int], list[int]]] = {}
    order_cache: dict[tuple[str, ...], dict[str, list[str]]] = {}
    for a in usd:
        if only is not None and (a.start, a.end) not in only:
            continue
        k = bisect_right(s_starts, a.start) - 1
        if k < 0:
            continue
        s, e = sents[k]
        if k not in hit_cache:
            hits = _cue_hits(f, s, e)
            hit_cache[k] = (hits, [h[0] for h in hits])
        hits, hstarts = hit_cache[k]
        if k not in break_cache:
            break_cache[k] = _breaks(f, s, e)
        clause = _clause(break_cache[k], s, e, a.start)
        rule = rules.get((a.start, a.end))
        fc = FigureCandidates(a, (s, e), rule)
        out.append(fc)
        # figure-level features
        near = _cues_in(hits, hstarts, max(s, a.start - 30), min(e, a.end + 30))
        in_clause = _cues_in(hits, hstarts, *clause)
        in_sent = _cues_in(hits, hstarts, s, e)
        fc.gated = "condition" in in_sent or "denial" in in_sent
        kinds = sorted(c for c in in_clause if c in _KINDS) or sorted(f"s_{c}" for c in in_sent if c in _KINDS) \
            or ["none"]
        fig = [f"lang:{language}", *(f"near:{c}" for c in sorted(near)), *(f"clause:{c}" for c in sorted(in_clause)),
               *(f"sent:{c}" for c in sorted(in_sent) if c not in in_clause)]
        amt = a.amount
        fig.append(f"qual:{amt.qualifier.value if hasattr(amt.qualifier, 'value') else amt.qualifier}")
        size = amt.high if amt.high is not None else amt.low
        fig.append("size:tiny" if size < 1e3 else "size:small" if size < 1e8 else "size:mid" if size < 1e10
                   else "size:big")
        nearby_fact = facts.get((a.start, a.end))
        if nearby_fact:
            fig.append(f"rulefact:{nearby_fact}")
        fig.append("rule:deal" if rule is not None else "rule:none")
        if rule is not None and rule.type:
            fig.append(f"ruletype:{rule.type}")
        # parties: the sentence's entities (nearest first), the window's, the title's, the rule's
        got = sent_cache.get(k)
        if got is None:
            lo_e = bisect_left(e_starts, s)
            hi_e = bisect_left(e_starts, e)
            in_s = [x for x in ents[lo_e:hi_e] if x.end <= e]
            # coordinated mentions ("A and B", "A和B") are also a group of payers
            every = list(in_s)
            for i in range(len(in_s) - 1):
                x, y = in_s[i], in_s[i + 1]
                if x.id != y.id and y.start - x.end <= 30 and _COORD.match(f, x.end, y.start):
                    every.append(_group([x, y]))
            every.sort(key=lambda x: x.start)
            got = sent_cache[k] = (every, [x.start for x in every], in_s[0].id if in_s else None)
        every, every_starts, first_id = got
        # the nearest parties first (only those within REACH characters: a sentence cut into 2,000-character
        # windows from a line with no full stop stays linear)
        near_s = every[bisect_left(every_starts, a.start - REACH):bisect_left(every_starts, a.end + REACH)]
        pool: list[tuple[EntityMention, str]] = []
        seen: dict[str, int] = {}
        by_dist = sorted(near_s, key=lambda x: min(abs(x.start - a.end), abs(a.start - x.end)))
        for x in by_dist:
            if x.id in seen:
                continue
            where = "clause" if clause[0] <= x.start < clause[1] else "sent"
            seen[x.id] = len(pool)
            pool.append((x, where))
        for back in range(1, WINDOW + 1):
            if k - back < 0:
                break
            ps, pe = sents[k - back]
            lo2, hi2 = bisect_left(e_starts, ps), bisect_left(e_starts, pe)
            for x in reversed(ents[lo2:hi2]):
                if x.id not in seen:
                    seen[x.id] = len(pool)
                    pool.append((x, f"prev{back}"))
        for x in title:
            if x.id not in seen:
                seen[x.id] = len(pool)
                pool.append((x, "title"))
        pool = pool[:MAX_ENTITIES]
        if rule is not None and rule.payer is not None and rule.payee is not None:
            for x in (rule.payer, rule.payee):
                if x.id not in {p.id for p, _ in pool}:
                    pool.append((x, "rule"))
        if len(pool) < 2:
            continue
        kind_of = index.kinds
        roles: list[list[str]] = []
        nfig = bisect_left(u_starts, e) - bisect_left(u_starts, s)
        nf = "1" if nfig == 1 else "2" if nfig == 2 else "3"
        fig.append(f"nfig:{nf}")
        for rank, (x, where) in enumerate(pool):
            lo = s if where in ("clause", "sent") else x.start - 30
            key = (x.start, x.end, x.id, lo, x.id == first_id)
            own = own_cache.get(key)
            if own is None:
                group = "+" in x.id
                sells = frozenset() if group else index.sells.get(x.id, frozenset())
                own = _own(f, x, lo, sells, "group" if group else kind_of.get(x.id, "unknown"), x.id == first_id)
                if x.id in top:
                    own.append("top")
                if x.id in title_ids:
                    own.append("intitle")
                own_cache[key] = own
            rk = "3" if rank > 3 else str(rank)
            roles.append([*own, *_placed(f, x, a, where, clause), f"rank:{rk}", f"rank:{rk}|nfig:{nf}"])
        rp = rule.payer.id if rule is not None and rule.payer is not None else None
        rq = rule.payee.id if rule is not None and rule.payee is not None else None
        kt = tuple(kinds)
        as_p = [Role("P", tuple(r), kt, not _SELLS_FEATS.isdisjoint(r)) for r in roles]
        as_q = [Role("Q", r_.raw, kt, r_.sells) for r_ in as_p]
        grouped = any("+" in x.id for x, _ in pool)
        members = [set(x.id.split("+")) for x, _ in pool] if grouped else []
        in_sentence = [w in ("clause", "sent") for _, w in pool]
        ordered = order_cache.get(kt)
        if ordered is None:
            ordered = order_cache[kt] = {o: [f"order:{o}", *(f"order:{o}|{kd}" for kd in kinds)] for o in ("pq", "qp")}
        btw: dict[tuple[int, int], list[str]] = {}
        for i, (x, wx) in enumerate(pool):
            for j, (y, wy) in enumerate(pool):
                if i == j or (grouped and members[i] & members[j]):
                    continue
                if in_sentence[i] and in_sentence[j]:
                    order = "pq" if x.start < y.start else "qp"
                    span = (min(x.end, y.end), max(x.start, y.start))
                    got = btw.get(span)
                    if got is None:
                        got = btw[span] = sorted(_cues_in(hits, hstarts, *span))
                    shared = ordered[order]
                    pair = [f"btw:{order}:{c}" for c in got]
                else:
                    shared = _NO_FEATURES
                    pair = [f"order:{wx}-{wy}"]
                if rp is not None:
                    if x.id == rp and y.id == rq:
                        pair.append("rule:same")
                    elif x.id == rq and y.id == rp:
                        pair.append("rule:reverse")
                    else:
                        if x.id == rp:
                            pair.append("rule:payer")
                        if y.id == rq:
                            pair.append("rule:payee")
                fc.cands.append(Candidate(x, y, fig, as_p[i], as_q[j], shared, pair))
    return out


_TYPE_OF = (("warrant", "warrant"), ("jv", "joint_venture"), ("lease", "lease"), ("loan", "debt_financing"),
            ("chips", "chip_purchase"), ("compute", "compute_contract"), ("invest", "equity_investment"),
            ("raise", "equity_investment"), ("buy", "acquisition_stake"))


#: The type of a deal whose sentence names no kind of deal: a payment for goods or services (a ledger type).
_FALLBACK_TYPE = "services"


def _type_for(feats: tuple[str, ...]) -> str:
    """A ledger deal type from the cue classes of the figure's clause and sentence when the rules gave none."""
    got = {x.split(":", 1)[1] for x in feats if x.startswith(("clause:", "sent:"))}
    for cls, typ in _TYPE_OF:
        if cls in got:
            return typ
    return _FALLBACK_TYPE


def decide(figs: list[FigureCandidates], proposals: list[Proposal], model: ClaimModel) -> list[Proposal]:
    """The proposals with every USD figure's deal decided by ``model`` over the figures' candidates."""
    decided: dict[tuple[int, int], Proposal | None] = {}
    fill = model.meta.get("mode") == "fill"
    for fc in figs:
        if fill and fc.rule is not None:
            continue  # the rules' deal stands; the model only reads figures the rules left
        best: tuple[float, Candidate] | None = None
        memo: dict[int, float] = {}
        for c in fc.cands:
            p = model.score(c, memo)
            if best is None or p > best[0]:
                best = (p, c)
        key = (fc.amount.start, fc.amount.end)
        if best is None or best[0] < (model.threshold if fc.rule is not None else model.threshold_new):
            decided[key] = None
            continue
        if fc.rule is None and fc.gated:
            # the guideline's hard negatives: a denied or hypothetical figure is never a deal; the model adds
            # no claim in such a sentence (it may still keep or drop the rules' own)
            decided[key] = None
            continue
        prob, c = best
        r = fc.rule
        if r is not None and r.payer is not None and r.payee is not None and (r.payer.id, r.payee.id) == (
                c.payer.id, c.payee.id):
            decided[key] = replace(r, confidence=round(prob, 3))
            continue
        typ = r.type if r is not None and r.type else _type_for(c.features)
        new = Proposal("deal", fc.sentence, round(prob, 3), payer=c.payer, payee=c.payee, type=typ,
                       amount=fc.amount.amount, by="learned")
        new.spans = {"from": (c.payer.start, c.payer.end), "to": (c.payee.start, c.payee.end),
                     "amount": (fc.amount.start, fc.amount.end)}
        decided[key] = new
    out: list[Proposal] = []
    placed: set[tuple[int, int]] = set()
    for p in proposals:
        sp = p.spans.get("amount") if p.kind == "deal" else None
        if sp is not None and sp in decided:
            if sp not in placed:
                placed.add(sp)
                got = decided[sp]
                if got is not None:
                    out.append(got)
            continue
        out.append(p)
    for sp, got in decided.items():
        if sp not in placed and got is not None:
            out.append(got)
    out.sort(key=lambda p: (p.sentence[0], (p.spans.get("amount") or p.spans.get("value") or (0, 0))[0]))
    return out


def rescore(norm: NormText, ents: list[EntityMention], amts: list[AmountMention], proposals: list[Proposal],
            index: EntityIndex, language: str = "", model: ClaimModel | None = None) -> list[Proposal]:
    """The rules' proposals with every USD deal decided by the model instead.

    Facts, and deals whose figure is not in US dollars (or that have no figure), are kept as the rules gave
    them. For each USD figure the best-scoring candidate is proposed when its probability reaches the
    model's threshold; a rule's deal for that figure is kept (its type, date, conditions) when the model
    picks the same pair, else replaced by the model's (type from the cue words).
    """
    model = model or load_model()
    return decide(candidates(norm, ents, amts, proposals, index, language), proposals, model)
