"""A trained fallback for the USD figures the rules leave unclaimed (issue 13; on by default, ``--scorer fallback``).

On text they were not written on, most of the hand rules' errors are misses: a dollar figure in a sentence
that names two firms, with no deal and no fact proposed for it. This module reads only those figures and
never touches what the rules proposed:

1. **Unclaimed figures** (:func:`unclaimed`): the USD amount mentions (of at least :data:`MIN_USD`) that no
   rule proposal uses as a deal's amount or a fact's value, in a sentence with no condition, hedge, denial or
   question.
2. **Readings** (:func:`figures`): for each of them, the ordered (payer, payee) pairs among at most
   :data:`MAX_PARTIES` parties: the firms of its sentence (nearest first; two coordinated firms also as one
   paying group), then of the two sentences before, then of the title. Each reading is described by generic
   features, most of them read from what the rules' own pass already found for the text (its sentences, its
   mentions, its once-per-text scans of deal-type, hedge, condition, denial and joke words), so the fallback
   adds no scan of its own but a fact-cue look a few characters either side of the figure:

   * the figure: the deal-type categories of the rules' cue words near it, in its clause and in its sentence;
     fact cues (revenue, valuation...) near it; list, fund-raising, rumour, fortune and cash-holding words in
     its sentence; its qualifier, size, the number of USD figures in the sentence, the sentence's script, what
     the rules made of it (``rule:deal``/``rule:fact``/``rule:none``; only ``none`` is ever read at run time);
   * each party, as payer (``P:``) or payee (``Q:``): where it is (clause, sentence, an earlier sentence, the
     title), its rank by distance, side and distance bucket, the marker word right before and after it, its
     kind and what the gazetteer says it sells, whether it is the sentence's first firm, the article's most
     named one, in the title; each also crossed with the deal-type categories of the figure's clause, so
     "from X" can mean the seller after "buy" and the investor after "raise";
   * the pair: which comes first (crossed with the categories), the categories and markers between the two,
     and what the rules proposed for the article's *other* figures (the same pair, the reverse, who pays).

   No feature names a firm, an article or a figure.
3. **Decision** (:func:`decide`): an L2-regularised logistic regression (Cox 1958; trained by
   ``tools/train_fallback.py train`` on the development splits of the real-news corpus, weights in
   ``src/dealweb/data/models/fallback.json``) gives each reading the probability
   ``p = 1 / (1 + exp(-(b + sum of the weights of its features)))``; the best reading of a figure becomes a
   new deal claim when ``p`` reaches the model's threshold, else the figure stays unclaimed ("no deal").

A claim added says so: its proposal's ``by`` is ``fallback`` and its ``confidence`` is ``p`` (``ingest`` writes
them as ``proposed_by`` and ``model_score``); its type is read from the deal-type cues of the figure's clause
(``services`` when none); its quote is the figure's sentence. With ``--scorer rules`` nothing here runs and
the output is the rules' own.
"""

from __future__ import annotations

import functools
import json
import math
import re
from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import Any, Final

import dealweb
from dealweb.errors import InputError
from dealweb.extract.mentions import AmountMention, EntityIndex, EntityMention, sentence_spans, trie_pattern
from dealweb.extract.normalise import NormText, folding_table
from dealweb.extract.relations import (
    CONDITION_RE,
    CUE_CATEGORIES,
    DENIAL_RE,
    FACT_CUES,
    HEDGE_RE,
    LIST_RE,
    RAISE_RE,
    TYPE_CUES_RE,
    Proposal,
    cue_in,
    cues_in,
)
from dealweb.money import Qualifier

__all__ = ["FALLBACK_FILE", "FORMAT", "KIND", "MAX_PARTIES", "MIN_USD", "Figure", "FallbackModel", "Reading",
           "decide", "figures", "fill", "load_fallback", "parse_model", "unclaimed"]

#: The shipped fallback model (plain JSON; written by ``tools/train_fallback.py train``). Found from the package's
#: own folder: a module compiled by mypyc has no ``__file__`` of its source (docs/scale.md).
FALLBACK_FILE: Final = Path(dealweb.__file__).resolve().parent / "data" / "models" / "fallback.json"
#: The file format this module reads (2: the features of this module; 1 was session 6's, over another set).
FORMAT: Final = 2
#: The ``kind`` a fallback model file declares (a rescorer file, ``claims.json``, is not one).
KIND: Final = "fallback"
#: At most this many distinct parties are paired per figure (the nearest ones): at most 6 readings.
MAX_PARTIES: Final = 3
#: Parties of the figure's own sentence are looked for at most this many characters away from it.
REACH: Final = 600
#: Sentences before the figure's that are searched for parties.
WINDOW: Final = 2
#: Characters either side of a figure that are "near" it.
NEAR: Final = 30
#: A figure below this many US dollars is never a deal's value (a share or exercise price; guideline section 5).
MIN_USD: Final = 1e3
_HINT: Final = "retrain it with: python tools/train_fallback.py train (or restore the shipped file)"


class Reading:
    """One (payer, payee) reading of a figure: indexes of its two parties and the pair's own features.

    A plain class, not a dataclass: mypyc builds a frozen dataclass through ``object.__setattr__``, several
    times the cost of this one, and a figure has up to six readings.
    """

    def __init__(self, p: int, q: int, pair: list[str]) -> None:
        self.p = p
        self.q = q
        self.pair = pair

    def __repr__(self) -> str:
        return f"Reading({self.p}, {self.q}, {self.pair!r})"


class Figure:
    """An unclaimed USD figure: its mention, sentence, features, parties and readings.

    ``roles[i]`` are party ``i``'s raw features; as payer they are named ``P:x`` and ``P:x|k`` for each
    deal-type category ``k`` of ``kinds`` (every raw feature but its kind, distance and ``doc:`` ones is
    crossed), as payee ``Q:...`` likewise. ``rule`` is what the rules made of the figure: ``none``, or ``deal``
    or ``fact`` (read in training only).
    """

    def __init__(self, amount: AmountMention, sentence: tuple[int, int], fig: list[str], kinds: list[str],
                 parties: list[EntityMention], roles: list[list[str]], readings: list[Reading], rule: str) -> None:
        self.amount = amount
        self.sentence = sentence
        self.fig = fig
        self.kinds = kinds
        self.parties = parties
        self.roles = roles
        self.readings = readings
        self.rule = rule

    def names(self, r: Reading) -> list[str]:
        """Every feature name of reading ``r`` (what the model was trained on)."""
        return [*self.fig, *_role_names("P", self.roles[r.p], self.kinds),
                *_role_names("Q", self.roles[r.q], self.kinds), *r.pair]


_NOT_CROSSED: Final = ("kind:", "dist:", "doc:")


def _role_names(side: str, raw: list[str], kinds: list[str]) -> list[str]:
    out = [f"{side}:{x}" for x in raw]
    for x in raw:
        if not x.startswith(_NOT_CROSSED):
            out += [f"{side}:{x}|{k}" for k in kinds]
    return out


class FallbackModel:
    """Weights of the logistic model (feature name -> weight), its bias, threshold and description.

    The role weights are also kept by side (``tables``: ``x -> w`` for ``side:x`` and ``x -> k -> w`` for
    ``side:x|k``), so a reading is scored without building its feature names; and, per side and per tuple of
    deal-type categories (a figure's ``kinds``), the total weight of each raw role feature as it is met
    (``x -> w(side:x) + sum of w(side:x|k)``): one look-up per raw feature of a party instead of one per name.
    """

    def __init__(self, weights: dict[str, float], bias: float, threshold: float, meta: dict[str, Any]) -> None:
        self.weights = weights
        self.bias = bias
        self.threshold = threshold
        self.meta = meta
        tables: dict[str, tuple[dict[str, float], dict[str, dict[str, float]]]] = {"P": ({}, {}), "Q": ({}, {})}
        for name, v in weights.items():
            side, sep, rest = name.partition(":")
            if side not in tables or not sep:
                continue
            base, crossed = tables[side]
            x, bar, k = rest.rpartition("|")
            if bar and not x.startswith(_NOT_CROSSED):
                crossed.setdefault(x, {})[k] = v
            else:
                base[rest] = v
        self.tables = tables
        #: ``"\x1f".join(kinds)`` -> raw role feature -> (its total as payer, as payee), filled as features are met
        self.totals: dict[str, dict[str, tuple[float, float]]] = {}
        self.ub: float | None = None  # :meth:`deferred`, once
        self.bounds: dict[str, float] = {}  # :meth:`pair_bound` by kinds

    def probability(self, names: list[str]) -> float:
        """``1 / (1 + exp(-(bias + sum of the weights of names)))``."""
        w = self.weights
        z = self.bias
        for n in names:
            z += w.get(n, 0.0)
        return _sigmoid(z)

    def role(self, side: str, raw: list[str], kinds: list[str]) -> float:
        """The sum of the weights of :func:`_role_names` of ``side``, ``raw``, ``kinds`` (no names built).

        A feature :func:`_role_names` never crosses has no crossed weight in the tables (the tables hold
        only the names of weights), so none is looked for twice.
        """
        base, crossed = self.tables[side]
        z = 0.0
        for x in raw:
            z += base.get(x, 0.0)
            per = crossed.get(x)
            if per is not None:
                for k in kinds:
                    z += per.get(k, 0.0)
        return z

    def _total(self, side: str, x: str, kinds: list[str]) -> float:
        """:meth:`role` of the one raw feature ``x``."""
        base, crossed = self.tables[side]
        z = base.get(x, 0.0)
        per = crossed.get(x)
        if per is not None:
            for k in kinds:
                z += per.get(k, 0.0)
        return z

    def best(self, fg: Figure) -> tuple[float, Reading | None]:
        """The best reading of ``fg`` and its probability (``(0.0, None)`` when it has none).

        The same sum as :meth:`probability` of :meth:`Figure.names` (up to the order of the additions).
        """
        z, best = self._best_z(fg.fig, fg.kinds, fg.roles, fg.readings)
        return (_sigmoid(z), best) if best is not None else (0.0, None)

    def may_reach(self, z: float) -> bool:
        """Whether a score ``z`` of a figure's features but its deferred ones may reach the threshold.

        The deferred features (:data:`_DEFERRED`) are the same for every reading: ``z`` plus the most they can add
        (:meth:`deferred`) is an upper bound of the score, so ``False`` means no claim comes of the figure; the
        margin (1e-6) covers the rounding of sums added in another order.
        """
        return _sigmoid(z + self.deferred() + 1e-6) >= self.threshold

    def deferred(self) -> float:
        """The most the deferred figure features can add to a score (computed once).

        The best script weight, and each positive weight of a sentence cue or a fact.
        """
        if self.ub is None:
            w = self.weights
            ub = max(w.get(n, 0.0) for n in _LANG_F.values())
            for n in _DEFERRED:
                if not n.startswith("lang:"):
                    ub += max(0.0, w.get(n, 0.0))
            self.ub = ub
        return self.ub

    def pair_bound(self, kinds: list[str]) -> float:
        """The most the pair features of any reading of a figure crossed with ``kinds`` can add (once per kinds).

        The best of: an order within the sentence (its name, crossed with ``kinds``, and every positive weight of
        what may lie between the two parties in that order), or the places of two parties not both in the
        sentence; plus each positive weight of what the rules read elsewhere in the article (``doc:``).
        """
        key = "\x1f".join(kinds)
        got = self.bounds.get(key)
        if got is None:
            w = self.weights
            best = -math.inf
            for name, crossed, between in _ORDER_F.values():
                v = w.get(name, 0.0)
                for k in kinds:
                    v += w.get(crossed + k, 0.0)
                for n, x in w.items():
                    if x > 0.0 and n.startswith(between):
                        v += x
                best = max(best, v)
            for a in range(len(_WHERE)):
                for b in range(len(_WHERE)):
                    if a > 1 or b > 1:
                        best = max(best, w.get(_ORDER_LOC_F[a][b], 0.0))
            for n in ("doc:same", "doc:same_amount", "doc:reverse"):
                best += max(0.0, w.get(n, 0.0))
            got = self.bounds[key] = best
        return got

    def role_sums(self, fig: list[str], kinds: list[str], roles: list[list[str]],
                  ) -> tuple[float, list[float], list[float]]:
        """The bias plus the weights of ``fig``, and each party's role weights as payer and as payee."""
        w = self.weights
        z0 = self.bias
        for n in fig:
            z0 += w.get(n, 0.0)
        key = "\x1f".join(kinds)
        totals = self.totals.get(key)
        if totals is None:
            totals = self.totals[key] = {}
        zp: list[float] = []
        zq: list[float] = []
        for raw in roles:
            sp = 0.0
            sq = 0.0
            for x in raw:
                t = totals.get(x)
                if t is None:
                    t = totals[x] = (self._total("P", x, kinds), self._total("Q", x, kinds))
                sp += t[0]
                sq += t[1]
            zp.append(sp)
            zq.append(sq)
        return z0, zp, zq

    def best_of(self, z0: float, zp: list[float], zq: list[float], readings: list[Reading],
                ) -> tuple[float, Reading | None]:
        """The best reading's score (``-inf`` and ``None`` when there is none) from :meth:`role_sums`."""
        w = self.weights
        best_z = -math.inf
        best: Reading | None = None
        for r in readings:
            z = z0 + zp[r.p] + zq[r.q]
            for n in r.pair:
                z += w.get(n, 0.0)
            if z > best_z:
                best_z, best = z, r
        return best_z, best

    def _best_z(self, fig: list[str], kinds: list[str], roles: list[list[str]], readings: list[Reading],
                ) -> tuple[float, Reading | None]:
        z0, zp, zq = self.role_sums(fig, kinds, roles)
        return self.best_of(z0, zp, zq, readings)


def _sigmoid(z: float) -> float:
    if z < -40.0:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


def _bad(source: str, what: str) -> InputError:
    return InputError(f"{source}: not a usable fallback model: {what}", _HINT)


def parse_model(data: Any, source: str = "fallback model") -> FallbackModel:
    """A :class:`FallbackModel` from a fallback model file's parsed JSON, every field checked.

    Raises:
        InputError: naming ``source`` and the bad field (format, kind, bias, threshold, weights).
    """
    if not isinstance(data, dict):
        raise _bad(source, "the top level is not a JSON object")
    if data.get("kind") != KIND:
        raise _bad(source, f"field 'kind' is {data.get('kind')!r}, expected {KIND!r}")
    if data.get("format") != FORMAT:
        raise _bad(source, f"field 'format' is {data.get('format')!r}, expected {FORMAT}")
    for key in ("bias", "threshold"):
        v = data.get(key)
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise _bad(source, f"field {key!r} is {v!r}, expected a finite number")
    if not 0.0 <= data["threshold"] <= 1.0:
        raise _bad(source, f"field 'threshold' is {data['threshold']!r}, expected a probability in [0, 1]")
    weights = data.get("weights")
    if not isinstance(weights, dict) or not weights:
        raise _bad(source, "field 'weights' is not a non-empty object of feature name -> weight")
    for name, v in weights.items():
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise _bad(source, f"field 'weights' has {name!r}: {v!r}, expected a finite number")
    meta = data.get("meta", {})
    if not isinstance(meta, dict):
        raise _bad(source, "field 'meta' is not an object")
    return FallbackModel({str(k): float(v) for k, v in weights.items()}, float(data["bias"]),
                         float(data["threshold"]), dict(meta))


@functools.cache
def load_fallback(path: str | None = None) -> FallbackModel:
    """The shipped fallback model (or the one at ``path``), read and checked once.

    Raises:
        InputError: the file is missing, not JSON, or a field is wrong (one line naming the file and field).
    """
    p = Path(path) if path else FALLBACK_FILE
    try:
        raw = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{p}: cannot read the fallback model ({exc.strerror or exc})", _HINT) from None
    except UnicodeDecodeError as exc:
        raise _bad(str(p), f"not UTF-8 text (byte at offset {exc.start})") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise _bad(f"{p}:{exc.lineno}", f"not JSON ({exc.msg}, column {exc.colno})") from None
    return parse_model(data, str(p))


def _claimed(proposals: list[Proposal]) -> dict[tuple[int, int], str]:
    """The figure spans the rules used, and how: ``deal`` (a deal's amount) or ``fact`` (a fact's value)."""
    out: dict[tuple[int, int], str] = {}
    for p in proposals:
        if p.kind == "deal":
            sp = p.spans.get("amount")
            if sp is not None:
                out[sp] = "deal"
        else:
            sp = p.spans.get("value")
            if sp is not None and sp not in out:
                out[sp] = "fact"
    return out


def unclaimed(amts: list[AmountMention], proposals: list[Proposal]) -> set[tuple[int, int]]:
    """The ``(start, end)`` spans of the USD figures no rule proposal uses (as a deal's amount or a fact's value)."""
    used = _claimed(proposals)
    return {(a.start, a.end) for a in amts if a.amount.unit == "USD" and (a.start, a.end) not in used}


# --- marker words right before and after a party ---------------------------------------------------------------
_PRE: Final = frozenset("向 对 给 与 和 跟 同 从 由 获 被 为 让 帮 替 在 的 及 将 以 to into in from with by for of "
                        "and partner rival customer client".split())
_POST: Final = frozenset("的 将 会 已 说 称 获 向 与 和 对 从 在 以 为 , ， 's will would has have had is was said "
                         "says announced agreed signed plans and to inc corp".split())
_POST2: Final = frozenset(["表示", "宣布", "获得", "指出", "透露"])
_ARTICLES: Final = frozenset(["the", "a", "an"])
_GEN: Final = frozenset(["'s", "’s", "的", "s'"])
_BTW: Final = ("向", "给", "从", "与", "和", " to ", " from ", " with ", " in ", " by ", " for ")
_BREAKS: Final = ",，;；:："
_AND: Final = frozenset(["and", "和", "与", "及", "以及", "、", "&", ",", "，"])

# --- feature names, built once (a name met again is the same string, its hash kept) -----------------------------
#: Where a party is: its clause or sentence (codes 0, 1), an earlier sentence (2 .. WINDOW + 1), the title.
_WHERE: Final = ("clause", "sent", *(f"prev{b}" for b in range(1, WINDOW + 1)), "title")
_TITLE: Final = WINDOW + 2
_LOC_F: Final = tuple(f"loc:{w}" for w in _WHERE)
_ORDER_LOC_F: Final = tuple(tuple(f"order:{a}-{b}" for b in _WHERE) for a in _WHERE)
_RANK_F: Final = tuple(f"rank:{i}" for i in range(MAX_PARTIES))
_DIST_B: Final = tuple(f"dist:b{i}" for i in range(5))
_DIST_A: Final = tuple(f"dist:a{i}" for i in range(5))
_PRE_F: Final = {w: f"pre:{w}" for w in _PRE}
_POST_F: Final = {w: f"post:{w}" for w in _POST | _POST2}
_QUAL_F: Final = {q: f"qual:{q.value}" for q in Qualifier}
_SIZE_F: Final = ("size:small", "size:mid", "size:big")
_NFIG_F: Final = ("nfig:1", "nfig:2", "nfig:3")
_RULE_F: Final = {r: f"rule:{r}" for r in ("none", "deal", "fact")}
_ORDER_F: Final = {o: (f"order:{o}", f"order:{o}|", f"btw:{o}:") for o in ("pq", "qp")}
_BTW_CAT: Final = ("btw:pq:", "btw:qp:")
_BTW_MARK: Final = tuple(tuple(f"btw:{o}:{m.strip()}" for m in _BTW) for o in ("pq", "qp"))
#: Built as met: ``prefix -> x -> prefix + x`` (deal-type categories, entity kinds, what a party sells...).
_NAMED: Final[dict[str, dict[str, str]]] = {}
#: What a party sells (a gazetteer set) -> its ``sells:`` features, sorted.
_SELLS_F: Final[dict[frozenset[str], list[str]]] = {}


def _named(prefix: str, x: str) -> str:
    """``prefix + x``, built once per process: feature values come from small fixed vocabularies."""
    d = _NAMED.get(prefix)
    if d is None:
        d = _NAMED[prefix] = {}
    got = d.get(x)
    if got is None:
        got = d[x] = prefix + x
    return got


def _sells_names(sells: frozenset[str]) -> list[str]:
    got = _SELLS_F.get(sells)
    if got is None:
        got = _SELLS_F[sells] = [f"sells:{typ}" for typ in sorted(sells)]
    return got


def _word_before(f: str, lo: int, at: int) -> str:
    """The word (ASCII) or character (other scripts) right before ``at`` (not before ``lo``), an article skipped."""
    start = max(lo, at - 16)  # (negative near the text's start: then, as trained, a slice from the end)
    if 0 <= start < at:
        c = f[at - 1]
        if not c.isascii() and not c.isspace():
            return c  # what the general case gives, read from one character
    w = f[start:at].rstrip()
    if not w:
        return ""
    last = w[-1]
    if not last.isascii():
        return last
    if not last.isalpha():
        return last if last in ",，" else ""
    words = w.split()
    tok = words[-1]
    if tok in _ARTICLES and len(words) > 1:
        tok = words[-2]
    return tok.lstrip("\"'“(")


def _word_after(f: str, at: int, hi: int) -> str:
    """The word (ASCII), possessive or character (other scripts) right after ``at`` (not from ``hi`` on)."""
    if at < hi:
        c = f[at]
        if not c.isascii() and not c.isspace() and c != "’":
            two = f[at:min(hi, at + 2)]
            return two if two in _POST2 else c  # what the general case gives, read from two characters
    w = f[at:min(hi, at + 16)].lstrip()
    if not w:
        return ""
    if w.startswith(("'s", "’s")):
        return "'s"
    first = w[0]
    if not first.isascii():
        return w[:2] if w[:2] in _POST2 else first
    if not first.isalpha():
        return first if first in ",，" else ""
    return w.split(None, 1)[0].rstrip(".,;:")


def _thousands(f: str, i: int) -> bool:
    """Whether the comma at ``f[i]`` separates thousands (1,000)."""
    return 0 < i < len(f) - 1 and f[i] in ",，" and f[i - 1].isdigit() and f[i + 1].isdigit()


def _clause(f: str, s: int, e: int, a: int, b: int) -> tuple[int, int]:
    """The clause of the sentence ``[s, e)`` around the figure ``[a, b)``: between the punctuation breaks around it.

    A break is a character of :data:`_BREAKS` that does not separate thousands: the clause opens after the last one
    before the figure and closes at the first one after it (``str.find`` per break character: cheaper here than
    one class scan, which makes a match object per break).
    """
    lo, hi = s, e
    for c in _BREAKS:
        i = f.rfind(c, s, a)
        while i >= 0 and _thousands(f, i):
            i = f.rfind(c, s, i)
        if i + 1 > lo:
            lo = i + 1
        j = f.find(c, b, e)
        while j >= 0 and _thousands(f, j):
            j = f.find(c, j + 1, e)
        if 0 <= j < hi:
            hi = j
    return lo, hi


def _bucket(d: int) -> int:
    return 0 if d <= 3 else 1 if d <= 12 else 2 if d <= 40 else 3 if d <= 100 else 4


def _ids(x: str) -> frozenset[str]:
    return frozenset(x.split("+"))


def _group(x: EntityMention, y: EntityMention) -> EntityMention:
    a, b = (x, y) if x.id < y.id else (y, x)
    return EntityMention(x.start, y.end, f"{a.id}+{b.id}", f"{a.name} + {b.name}")


class _Doc:
    """What the rules proposed for an article's deals: who pays, who is paid, each pair's USD intervals."""

    def __init__(self, proposals: list[Proposal]) -> None:
        self.deals: list[tuple[tuple[int, int], str, str, float, float]] = []
        for p in proposals:
            if p.kind != "deal" or p.payer is None or p.payee is None:
                continue
            sp = p.spans.get("amount") or (-1, -1)
            lo = hi = -1.0
            if p.amount is not None:
                ul = p.amount.usd_low
                if ul is not None:
                    lo = ul
                    uh = p.amount.usd_high
                    hi = uh if uh is not None else math.inf
            self.deals.append((sp, p.payer.id, p.payee.id, lo, hi))
        self.spans = {d[0] for d in self.deals}
        self.every = self.sets(self.deals)

    @staticmethod
    def sets(deals: list[tuple[tuple[int, int], str, str, float, float]],
             ) -> tuple[set[str], set[str], dict[tuple[str, str], list[tuple[float, float]]]]:
        pays: set[str] = set()
        paid: set[str] = set()
        pairs: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for d in deals:
            a, b = d[1], d[2]
            if "+" in a:
                pays.update(a.split("+"))
            else:
                pays.add(a)
            if "+" in b:
                paid.update(b.split("+"))
            else:
                paid.add(b)
            key = (a, b)
            got = pairs.get(key)
            if got is None:
                pairs[key] = [(d[3], d[4])]
            else:
                got.append((d[3], d[4]))
        return pays, paid, pairs

    def of_others(self, key: tuple[int, int],
                  ) -> tuple[set[str], set[str], dict[tuple[str, str], list[tuple[float, float]]]]:
        """:meth:`sets` of the deals of the figures other than ``key`` (a claimed figure is read in training only)."""
        if key not in self.spans:
            return self.every
        return self.sets([d for d in self.deals if d[0] != key])


#: The ideographs the Traditional-to-Simplified fold changes, as one character class (built at the first use).
_TRADITIONAL: Final[list[re.Pattern[str]]] = []


def _traditional_re() -> re.Pattern[str]:
    """The ideographs the Traditional-to-Simplified fold changes as one character class (built once).

    A sentence holding one is Traditional: one scan in C, not a set look-up per character.
    """
    if not _TRADITIONAL:
        chars = sorted(chr(k) for k in folding_table() if 0x4E00 <= k < 0xA000)
        _TRADITIONAL.append(re.compile("[" + "".join(chars) + "]"))
    return _TRADITIONAL[0]


def _script(text: str, f: str, s: int, e: int) -> str:
    """The script of the sentence ``[s, e)``: ``en`` (no ideograph), ``zh-Hant`` (one the fold changes), ``zh-Hans``."""
    if f.isascii() or _IDEOGRAPH.search(f, s, e) is None:  # isascii: O(1), a flag of the string
        return "en"
    return "zh-Hant" if _traditional_re().search(text, s, e) is not None else "zh-Hans"


_LANG_F: Final = {x: f"lang:{x}" for x in ("en", "zh-Hant", "zh-Hans")}

#: The rules' fact cue words of the metrics that are hard negatives of deals, and their metric (``fact:<metric>``).
_FACT_OF: Final = {w: m for w, m in FACT_CUES.items()
                   if m in ("rpo", "revenue", "capex", "market_cap", "valuation", "net_income", "aum")}
_FACT_WORDS_RE: Final = re.compile(trie_pattern(sorted(_FACT_OF, key=len, reverse=True)))
_FACT_F: Final = {m: f"fact:{m}" for m in _FACT_OF.values()}
#: Words (folded) of a denied, unconfirmed, collapsed or non-binding deal beyond the rules' own denial cues
#: (guideline section 5): no claim comes of their sentence.
_DENY: Final = ("not confirmed", "not officially confirmed", "not yet confirmed", "not publicly confirmed",
                "declined to confirm", "refuted", "rejected", "non-binding", "not binding", "并不存在", "并非",
                "未证实", "未经证实", "驳斥", "破局", "不具约束力", "非约束性", "没有约束力")
_DENY_RE: Final = re.compile(trie_pattern(sorted(_DENY, key=len, reverse=True)))
#: Every word of :data:`_DENY` holds one of these (tested): a sentence holding none is not searched (``str.find`` is
#: a fast C scan; the trie opens on common letters, a try of the engine at each).
_DENY_GATES: Final = ("confirm", "refuted", "rejected", "binding", "并", "未", "驳斥", "破局", "约束")
#: A question asks, it does not tell (guideline: questions are no claims; the rules read a told deal in one).
_QUESTION_RE: Final = re.compile("[?？吗]")
_QUESTION_MARKS: Final = ("?", "？", "吗")
#: Sentence cue classes of figures that are not deals (features ``s:<class>``).
_SENT_CUE_OF: Final = {
    **dict.fromkeys(("speculation", "rumor", "rumour", "传闻", "传言"), "s:rumour"),
    **dict.fromkeys(("fortune", "billionaire", "richest", "net worth", "身家", "财富", "富豪", "首富"), "s:fortune"),
    **dict.fromkeys(("cash pile", "cash on hand", "in cash and", "现金与", "现金和", "账上现金", "帐上现金", "持有"),
                    "s:holdings"),
}
_SENT_CUES_RE: Final = re.compile(trie_pattern(sorted(_SENT_CUE_OF, key=len, reverse=True)))
#: Every word of :data:`_SENT_CUE_OF` holds one of these (tested), as :data:`_DENY_GATES`.
_SENT_CUE_GATES: Final = ("specul", "rumo", "fortun", "naire", "richest", "net worth", "cash", "传", "身家", "富",
                          "现金", "持有")
_IDEOGRAPH: Final = re.compile("[\u4e00-\u9fff]")


def _holds(f: str, s: int, e: int, gates: tuple[str, ...]) -> bool:
    """Whether ``f[s:e]`` holds one of ``gates``."""
    for g in gates:
        if f.find(g, s, e) >= 0:
            return True
    return False


def _tells(f: str, s: int, e: int) -> bool:
    """Whether the sentence ``[s, e)`` may tell a deal: no condition, denial, hedge or question cue in it."""
    if cue_in(CONDITION_RE, f, s, e) or cue_in(DENIAL_RE, f, s, e) or cue_in(HEDGE_RE, f, s, e):
        return False
    if _holds(f, s, e, _QUESTION_MARKS):
        return False
    return not (_holds(f, s, e, _DENY_GATES) and _DENY_RE.search(f, s, e) is not None)


#: The figure features read only for a figure that may be claimed (:meth:`FallbackModel.may_claim`): the script, the
#: sentence cues and the fact words near the figure; each is the same for every reading of the figure.
_DEFERRED: Final = (*_LANG_F.values(), "s:raise", "s:list", *sorted(set(_SENT_CUE_OF.values())),
                    *sorted(set(_FACT_F.values())))


class _Sent:
    """What the fallback reads of a sentence once, for all its figures.

    Its deal-type cue hits and its firms (two coordinated firms also as one paying group), and, read when a figure
    needs them: whether it may tell a deal (``told``: -1 not read yet, 0 no, 1 yes) and its features (``flags``).
    """

    def __init__(self, hits: list[tuple[int, int, str]], ents: list[EntityMention]) -> None:
        self.hits = hits
        self.h_starts = [h[0] for h in hits]
        self.ents = ents
        self.told = -1
        self.flags: list[str] | None = None


def _sentence(f: str, s: int, e: int, ents: list[EntityMention], e_starts: list[int]) -> _Sent:
    """:class:`_Sent` of the sentence ``[s, e)`` of a text whose entity mentions are ``ents`` (starts ``e_starts``)."""
    hits = cues_in(TYPE_CUES_RE, f, s, e)
    lo_e = bisect_left(e_starts, s)
    hi_e = bisect_left(e_starts, e, lo_e)
    grouped = [x for x in ents[lo_e:hi_e] if x.end <= e]
    n = len(grouped)
    for i in range(n - 1):
        x, y = grouped[i], grouped[i + 1]
        if x.id != y.id and y.start - x.end <= 8 and f[x.end:y.start].strip() in _AND:
            grouped.append(_group(x, y))
    return _Sent(hits, grouped)


def _told(sent: _Sent, f: str, s: int, e: int) -> bool:
    """:func:`_tells` of the sentence, read once."""
    if sent.told < 0:
        sent.told = 1 if _tells(f, s, e) else 0
    return sent.told == 1


def _flags(sent: _Sent, norm: NormText, s: int, e: int) -> list[str]:
    """The sentence's features (script, fund raising, list, sentence cues), read once."""
    flags = sent.flags
    if flags is None:
        f = norm.folded
        flags = [_LANG_F[_script(norm.text, f, s, e)]]
        if cue_in(RAISE_RE, f, s, e):
            flags.append("s:raise")
        if cue_in(LIST_RE, f, s, e):
            flags.append("s:list")
        if _holds(f, s, e, _SENT_CUE_GATES):
            cues = {_SENT_CUE_OF[m.group(0)] for m in _SENT_CUES_RE.finditer(f, s, e)}
            flags += sorted(cues)
        sent.flags = flags
    return flags


def _best_two(zp: list[float], zq: list[float]) -> float:
    """The best ``zp[i] + zq[j]`` of two different parties ``i``, ``j`` (``-inf`` for fewer than two)."""
    best = -math.inf
    n = len(zp)
    for i in range(n):
        for j in range(n):
            if i != j and zp[i] + zq[j] > best:
                best = zp[i] + zq[j]
    return best


def _by_distance(near_s: list[EntityMention], a: AmountMention) -> list[EntityMention]:
    """``near_s`` sorted by distance to the figure ``a`` (a stable sort: ties keep their order)."""
    keyed = [(min(abs(x.start - a.end), abs(a.start - x.end)), i) for i, x in enumerate(near_s)]
    keyed.sort()
    return [near_s[i] for _, i in keyed]


def figures(norm: NormText, ents: list[EntityMention], amts: list[AmountMention], proposals: list[Proposal],
            index: EntityIndex, language: str = "", every: bool = False,
            used: dict[tuple[int, int], str] | None = None, model: FallbackModel | None = None) -> list[Figure]:
    """The figures the fallback reads, with their readings (see the module docstring), in text order.

    Args:
        norm: the normalised text (as the rules read it, right before: their scans of it are reused).
        ents: its entity mentions (sorted by start).
        amts: its amount mentions (sorted by start).
        proposals: the rules' proposals for the text.
        index: the entity index (entity kinds, who sells what).
        language: unused (kept for callers of the session-6 signature: the script is read per sentence).
        every: also the figures a rule claimed (training reads them, with ``rule:deal``/``rule:fact``).
        used: :func:`_claimed` of ``proposals`` when the caller has it (else computed).
        model: when given, the figures of which no claim of this model can come are left out, their last features
            unread (:meth:`FallbackModel.may_claim`): :func:`decide` gives the same claims, for less work.

    A figure with fewer than two parties, below :data:`MIN_USD`, or in a sentence with a condition, hedge, denial or
    question cue is left out (no claim can come of it).
    """
    if used is None:
        used = _claimed(proposals)
    usd = [a for a in amts if a.amount.unit == "USD"]
    todo = [a for a in usd if (every or (a.start, a.end) not in used)
            and (a.amount.high if a.amount.high is not None else math.inf) >= MIN_USD]
    if not todo or len(ents) < 2:
        return []
    f = norm.folded
    text = norm.text
    sents = sentence_spans(text)
    s_starts = [x[0] for x in sents]
    e_starts = [x.start for x in ents]
    u_starts = [b.start for b in usd]
    first_nl = text.find("\n")
    first_nl = len(text) if first_nl < 0 else first_nl
    title = [e for e in ents[:bisect_left(e_starts, first_nl)] if e.end <= first_nl] if first_nl <= 160 else []
    title_ids = {e.id for e in title}
    top: set[str] | None = None  # the firms named most (read once a figure has two parties)
    doc: _Doc | None = None
    out: list[Figure] = []
    per_sent: dict[int, _Sent] = {}
    for a in todo:
        k = bisect_right(s_starts, a.start) - 1
        if k < 0:
            continue
        s, e = sents[k]
        got = per_sent.get(k)
        if got is None:
            got = per_sent[k] = _sentence(f, s, e, ents, e_starts)
        if model is None and not _told(got, f, s, e):
            continue  # a condition or a denial: no claim comes of this sentence
        if got.told == 0:
            continue
        cl = _clause(f, s, e, a.start, a.end)
        pool, where = _pool(a, got.ents, cl, k, sents, ents, e_starts, title)
        if len(pool) < 2:
            continue
        if doc is None or top is None:
            doc = _Doc(proposals)
            counts: dict[str, int] = {}
            for x in ents:
                xid = x.id
                counts[xid] = counts.get(xid, 0) + 1
            most = max(counts.values())
            top = {i for i, n in counts.items() if n == most and n >= 2}
        cats, kinds = _categories(a, s, e, cl, got)
        amt = a.amount
        key = (a.start, a.end)
        qual = _QUAL_F.get(amt.qualifier)
        size = amt.high if amt.high is not None else amt.low
        nfig = bisect_left(u_starts, e) - bisect_left(u_starts, s)
        rest = [qual if qual is not None else f"qual:{getattr(amt.qualifier, 'value', amt.qualifier)}",
                _SIZE_F[0 if size < 1e8 else 1 if size < 1e10 else 2],
                _NFIG_F[0] if nfig == 1 else _NFIG_F[1] if nfig == 2 else _NFIG_F[2],
                _RULE_F[used.get(key, "none")]]
        pays, paid, pairs = doc.of_others(key)
        first_id = got.ents[0].id if got.ents else ""
        roles, members = _roles(f, a, s, pool, where, index, first_id, top, title_ids, pays, paid)
        if model is None:
            readings = _readings(f, a, pool, where, members, kinds, got, pairs)
        else:
            # no claim can come of a figure whose best score cannot reach the threshold: its last features
            # (and, before, its readings when its two best parties with the best pair cannot) are not read
            z0, zp, zq = model.role_sums([*cats, *rest], kinds, roles)
            if not model.may_reach(z0 + _best_two(zp, zq) + model.pair_bound(kinds)):
                continue
            readings = _readings(f, a, pool, where, members, kinds, got, pairs)
            z, r = model.best_of(z0, zp, zq, readings)
            if r is None or not model.may_reach(z) or not _told(got, f, s, e):
                continue
        fig = [*_flags(got, norm, s, e), *cats]
        near_lo, near_hi = max(s, a.start - NEAR), min(e, a.end + NEAR)
        facts = {_FACT_OF[m.group(0)] for m in _FACT_WORDS_RE.finditer(f, near_lo, near_hi)}
        if facts:
            for metric in sorted(facts):
                fig.append(_FACT_F[metric])
        fig += rest
        out.append(Figure(a, (s, e), fig, kinds, pool, roles, readings, used.get(key, "none")))
    return out


def _pool(a: AmountMention, in_sent: list[EntityMention], cl: tuple[int, int], k: int, sents: list[tuple[int, int]],
          ents: list[EntityMention], e_starts: list[int], title: list[EntityMention],
          ) -> tuple[list[EntityMention], list[int]]:
    """The parties of figure ``a`` of sentence ``k`` (at most :data:`MAX_PARTIES`), and where each is.

    The sentence's (nearest first, within :data:`REACH`), the window's, the title's; where: a code of :data:`_WHERE`.
    """
    pool: list[EntityMention] = []
    where: list[int] = []
    seen: set[str] = set()
    near_s = [x for x in in_sent if a.start - REACH <= x.start < a.end + REACH]
    if len(near_s) > 1:
        near_s = _by_distance(near_s, a)
    for x in near_s:
        if x.id not in seen:
            seen.add(x.id)
            pool.append(x)
            where.append(0 if cl[0] <= x.start < cl[1] else 1)
    for back in range(1, WINDOW + 1):
        if k - back < 0 or len(pool) >= MAX_PARTIES:
            break
        ps, pe = sents[k - back]
        lo2 = bisect_left(e_starts, ps)
        hi2 = bisect_left(e_starts, pe, lo2)
        for i in range(hi2 - 1, lo2 - 1, -1):
            x = ents[i]
            if x.id not in seen:
                seen.add(x.id)
                pool.append(x)
                where.append(back + 1)
    if len(pool) < MAX_PARTIES:
        for x in title:
            if x.id not in seen:
                seen.add(x.id)
                pool.append(x)
                where.append(_TITLE)
    if len(pool) > MAX_PARTIES:
        del pool[MAX_PARTIES:]
        del where[MAX_PARTIES:]
    return pool, where


def _categories(a: AmountMention, s: int, e: int, cl: tuple[int, int], sent: _Sent) -> tuple[list[str], list[str]]:
    """The deal-type categories of the cue words near the figure, in its clause and in its sentence (features).

    And those its role features are crossed with (``kinds``: the clause's, else the sentence's, else ``none``).
    """
    near_lo, near_hi = max(s, a.start - NEAR), min(e, a.end + NEAR)
    near: set[str] = set()
    in_clause: set[str] = set()
    in_s_cats: set[str] = set()
    for (hs, he, w) in sent.hits:
        cats = CUE_CATEGORIES.get(w)
        if cats is None:
            continue
        in_s_cats.update(cats)
        if cl[0] <= hs and he <= cl[1]:
            in_clause.update(cats)
            if near_lo <= hs and he <= near_hi:
                near.update(cats)
    fig: list[str] = []
    if in_clause:
        kinds = sorted(in_clause)
        if near:
            for c in sorted(near):
                fig.append(_named("near:", c))
        for c in kinds:
            fig.append(_named("clause:", c))
        if len(in_s_cats) > len(in_clause):
            for c in sorted(in_s_cats - in_clause):
                fig.append(_named("sent:", c))
    elif in_s_cats:
        cs = sorted(in_s_cats)
        kinds = [_named("s_", c) for c in cs]
        for c in cs:
            fig.append(_named("sent:", c))
    else:
        kinds = ["none"]
    return fig, kinds


def _roles(f: str, a: AmountMention, s: int, pool: list[EntityMention], where: list[int], index: EntityIndex,
           first_id: str, top: set[str], title_ids: set[str], pays: set[str], paid: set[str],
           ) -> tuple[list[list[str]], list[frozenset[str] | None]]:
    """Each party's raw role features, and its members when it is a paying group (``None`` for one firm)."""
    kinds_of = index.kinds
    sells_of = index.sells
    roles: list[list[str]] = []
    members: list[frozenset[str] | None] = []
    for rank in range(len(pool)):
        x = pool[rank]
        wh = where[rank]
        xid = x.id
        gid = "+" in xid
        xi = _ids(xid) if gid else None
        members.append(xi)
        raw = [_named("kind:", "group" if gid else kinds_of.get(xid, "unknown")), _LOC_F[wh], _RANK_F[rank]]
        if xid == first_id:
            raw.append("first")
        if xid in top:
            raw.append("top")
        if xid in title_ids:
            raw.append("intitle")
        in_sent = wh <= 1
        pre = _PRE_F.get(_word_before(f, s if in_sent else x.start - 30, x.start))
        if pre is not None:
            raw.append(pre)
        post = _POST_F.get(_word_after(f, x.end, len(f)))
        if post is not None:
            raw.append(post)
        if in_sent:
            if x.end <= a.start:
                d = a.start - x.end
                raw.append(_DIST_B[_bucket(d)])
                if wh == 0:
                    raw.append("inclause:b")
                if d <= 16 and f[x.end:a.start].strip() in _GEN:
                    raw.append("adj:gen")  # "Acme's $5 billion", "艾克米的50億美元"
            else:
                raw.append(_DIST_A[_bucket(x.start - a.end)])
                if wh == 0:
                    raw.append("inclause:a")
        if not gid:
            sl = sells_of.get(xid)
            if sl:
                raw += _sells_names(sl)
        if (xid in pays) if xi is None else not xi.isdisjoint(pays):
            raw.append("doc:pays")  # the rules read it as a payer of another figure
        if (xid in paid) if xi is None else not xi.isdisjoint(paid):
            raw.append("doc:paid")
        roles.append(raw)
    return roles, members


def _readings(f: str, a: AmountMention, pool: list[EntityMention], where: list[int],
              members: list[frozenset[str] | None], kinds: list[str], sent: _Sent,
              pairs: dict[tuple[str, str], list[tuple[float, float]]]) -> list[Reading]:
    """The ordered (payer, payee) readings of a figure's parties, each with the pair's features.

    Two parties share no firm (the pool's ids are distinct, so two single firms never do; a paying group shares one
    with each of its members): only such pairs are read.
    """
    amt = a.amount
    lo_amt = amt.low
    hi_amt = amt.high if amt.high is not None else math.inf
    ordered: list[list[str]] = []  # "pq", "qp": the order's name, and crossed with the figure's kinds
    hits = sent.hits
    h_starts = sent.h_starts
    # what lies between two parties of the sentence (the same both ways): deal-type categories, marker words
    between: dict[int, tuple[list[str], list[int]]] = {}
    readings: list[Reading] = []
    n = len(pool)
    for i in range(n):
        x = pool[i]
        wx = where[i]
        mi = members[i]
        for j in range(n):
            if i == j:
                continue
            y = pool[j]
            mj = members[j]
            if mi is not None:
                if (y.id in mi) if mj is None else not mi.isdisjoint(mj):
                    continue
            elif mj is not None and x.id in mj:
                continue
            wy = where[j]
            if wx <= 1 and wy <= 1:
                if not ordered:
                    for name, crossed, _ in _ORDER_F.values():
                        ordered.append([name, *[_named(crossed, c) for c in kinds]])
                o = 0 if x.start < y.start else 1
                pair = list(ordered[o])
                key = min(i, j) * MAX_PARTIES + max(i, j)
                btw = between.get(key)
                if btw is None:
                    b0, b1 = min(x.end, y.end), max(x.start, y.start)
                    cats: set[str] = set()
                    for t in range(bisect_left(h_starts, b0), bisect_left(h_starts, b1)):
                        if hits[t][1] <= b1:
                            got_cats = CUE_CATEGORIES.get(hits[t][2])
                            if got_cats is not None:
                                cats.update(got_cats)
                    marks: list[int] = []
                    if b1 - b0 <= 200:
                        for k in range(len(_BTW)):
                            if f.find(_BTW[k], b0, b1) >= 0:
                                marks.append(k)
                    btw = between[key] = (sorted(cats) if cats else [], marks)
                if btw[0]:
                    prefix = _BTW_CAT[o]
                    for c in btw[0]:
                        pair.append(_named(prefix, c))
                if btw[1]:
                    names = _BTW_MARK[o]
                    for k in btw[1]:
                        pair.append(names[k])
            else:
                pair = [_ORDER_LOC_F[wx][wy]]
            if pairs:
                same = pairs.get((x.id, y.id))
                if same is not None:
                    pair.append("doc:same")
                    for dl, dh in same:
                        if 0 <= dl <= hi_amt * 1.02 and lo_amt <= dh * 1.02:
                            pair.append("doc:same_amount")
                            break
                if (y.id, x.id) in pairs:
                    pair.append("doc:reverse")
            readings.append(Reading(i, j, pair))
    return readings


#: The ledger deal type of a claim whose clause has these deal-type categories (first match), else ``services``.
_TYPE_OF: Final = (("warrant", "warrant"), ("joint_venture", "joint_venture"), ("lease", "lease"),
            ("debt", "debt_financing"), ("custom_chip_partnership", "custom_chip_partnership"),
            ("chip_words", "chip_purchase"), ("compute_words", "compute_contract"), ("hosting", "data_hosting"),
            ("datacentre", "compute_contract"), ("licence", "licence"), ("stake", "acquisition_stake"),
            ("equity", "equity_investment"))
_FALLBACK_TYPE: Final = "services"


def _type_for(kinds: list[str]) -> str:
    """A ledger deal type from the deal-type categories of the figure's clause (else its sentence)."""
    got = {k[2:] if k.startswith("s_") else k for k in kinds}
    for cat, typ in _TYPE_OF:
        if cat in got:
            return typ
    return _FALLBACK_TYPE


def decide(figs: list[Figure], proposals: list[Proposal], model: FallbackModel) -> list[Proposal]:
    """The rules' proposals, untouched and in their order, with the model's claims for unclaimed figures added.

    Figures a rule claimed (``rule`` other than ``none``: read in training only) are skipped. Each new claim
    is placed before the first rule proposal of a later sentence (after those of its own sentence).
    """
    new: list[Proposal] = []
    for fg in figs:
        if fg.rule != "none":
            continue
        prob, r = model.best(fg)
        if r is None or prob < model.threshold:
            continue
        payer, payee = fg.parties[r.p], fg.parties[r.q]
        got = Proposal("deal", fg.sentence, round(prob, 3), payer=payer, payee=payee, type=_type_for(fg.kinds),
                       amount=fg.amount.amount, by=KIND)
        got.spans = {"from": (payer.start, payer.end), "to": (payee.start, payee.end),
                     "amount": (fg.amount.start, fg.amount.end)}
        new.append(got)
    if not new:
        return proposals
    out: list[Proposal] = []
    k = 0
    for q in proposals:  # a merge: each new claim goes before the first rule proposal of a later sentence
        while k < len(new) and new[k].sentence[0] < q.sentence[0]:
            out.append(new[k])
            k += 1
        out.append(q)
    out += new[k:]
    return out


def fill(norm: NormText, ents: list[EntityMention], amts: list[AmountMention], proposals: list[Proposal],
         index: EntityIndex, language: str | None = None, model: FallbackModel | None = None) -> list[Proposal]:
    """The rules' proposals plus the fallback's deal claims for the USD figures they left unclaimed.

    Args:
        norm: the normalised text (right after the rules read it).
        ents: its entity mentions (sorted by start).
        amts: its amount mentions (sorted by start).
        proposals: the rules' proposals (kept as they are).
        index: the entity index (entity kinds, who sells what).
        language: unused (the script is read per sentence; kept for callers of the session-6 signature).
        model: the model (default: the shipped one, :func:`load_fallback`).
    """
    if len(ents) < 2 or not amts:
        return proposals
    used = _claimed(proposals)
    for a in amts:  # a cheap test first: is there a USD figure the rules left?
        if a.amount.unit == "USD" and (a.start, a.end) not in used:
            break
    else:
        return proposals
    m = model or load_fallback()
    return decide(figures(norm, ents, amts, proposals, index, used=used, model=m), proposals, m)
