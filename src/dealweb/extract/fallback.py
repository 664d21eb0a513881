"""A trained fallback for the USD figures the rules leave unclaimed (issue 13; ``--scorer fallback``).

On text they were not written on, most of the hand rules' errors are misses: a dollar figure in a sentence
that names two firms, with no deal and no fact proposed for it. This module reads only those figures and
never touches what the rules proposed, so its cost is the cost of the figures left over:

1. **Unclaimed figures** (:func:`unclaimed`): the USD amount mentions that no rule proposal uses as a deal's
   amount or a fact's value.
2. **Candidates**: for each of them, the (payer, payee) readings of :func:`dealweb.extract.learned.candidates`
   (the firms of its sentence, nearest first, then of the two sentences before and of the title; two
   coordinated firms as one paying group), with the same generic features: the deal-kind and figure-kind cue
   classes near the figure, in its clause and sentence (both scripts, folded), each party's place, distance,
   rank and markers, which comes first and the cue classes between the two, what the gazetteer says a party
   sells. No feature names a firm, an article or a figure.
3. **Decision** (:func:`decide_fill`): a logistic model (L2-regularised logistic regression, Cox 1958; trained
   by ``tools/train_claims.py fallback-train`` on the development splits of the real-news corpus, weights in
   ``src/dealweb/data/models/fallback.json``) gives each candidate a probability
   ``p = 1 / (1 + exp(-(b + sum of the weights of its features)))``; the best candidate of a figure becomes a
   new deal claim when ``p`` reaches the model's threshold, else the figure stays unclaimed ("no deal"). A
   figure in a sentence that denies or supposes (a denial or condition cue) gets no claim.

The claims added carry the model's probability as ``confidence`` and a type read from the cue words of the
figure's clause (``services`` when none). With the fallback off (the default scorer ``rules``) nothing here
runs and the output is the rules' own, byte for byte.
"""

from __future__ import annotations

import functools
import json
import math
import re
from pathlib import Path
from typing import Any

from dealweb.errors import InputError
from dealweb.extract.learned import Candidate, ClaimModel, FigureCandidates, _type_for, candidates
from dealweb.extract.mentions import AmountMention, EntityIndex, EntityMention
from dealweb.extract.normalise import NormText
from dealweb.extract.relations import Proposal

__all__ = ["FALLBACK_FILE", "FORMAT", "KIND", "decide_fill", "fill", "load_fallback", "parse_model", "unclaimed"]

#: The shipped fallback model (plain JSON; written by ``tools/train_claims.py fallback-train``).
FALLBACK_FILE = Path(__file__).resolve().parents[1] / "data" / "models" / "fallback.json"
#: The file format this module reads.
FORMAT = 1
#: The ``kind`` a fallback model file declares (a rescorer file, ``claims.json``, is not one).
KIND = "fallback"
_HINT = "retrain it with: python tools/train_claims.py fallback-train (or restore the shipped file)"


def _bad(source: str, what: str) -> InputError:
    return InputError(f"{source}: not a usable fallback model: {what}", _HINT)


def parse_model(data: Any, source: str = "fallback model") -> ClaimModel:
    """A :class:`ClaimModel` from a fallback model file's parsed JSON, every field checked.

    Raises:
        InputError: naming ``source`` and the bad field (format, kind, bias, threshold, weights).
    """
    if not isinstance(data, dict):
        raise _bad(source, "the top level is not a JSON object")
    if data.get("format") != FORMAT:
        raise _bad(source, f"field 'format' is {data.get('format')!r}, expected {FORMAT}")
    if data.get("kind") != KIND:
        raise _bad(source, f"field 'kind' is {data.get('kind')!r}, expected {KIND!r}")
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
    return ClaimModel({str(k): float(v) for k, v in weights.items()}, float(data["bias"]),
                      float(data["threshold"]), dict(meta))


@functools.cache
def load_fallback(path: str | None = None) -> ClaimModel:
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


def _claimed(proposals: list[Proposal]) -> set[tuple[int, int]]:
    """The figure spans the rules used: a deal's amount or a fact's value."""
    out: set[tuple[int, int]] = set()
    for p in proposals:
        sp = p.spans.get("amount") if p.kind == "deal" else p.spans.get("value")
        if sp is not None:
            out.add(sp)
    return out


def unclaimed(amts: list[AmountMention], proposals: list[Proposal]) -> set[tuple[int, int]]:
    """The ``(start, end)`` spans of the USD figures no rule proposal uses (as a deal's amount or a fact's value)."""
    used = _claimed(proposals)
    return {(a.start, a.end) for a in amts if a.amount.currency == "USD" and (a.start, a.end) not in used}


#: Cue words (folded) of figures that are not deals, beyond the classes of :mod:`dealweb.extract.learned`.
#: ``deny`` (a denied, unconfirmed, collapsed or non-binding deal: guideline section 5) gives no claim at all;
#: the others are figure-level features ``fb:<class>``.
_MORE_CUES = {
    "deny": r"not (?:officially |yet |publicly )?confirmed|declined to confirm|denied|denies|refuted|rejected|"
            r"non-binding|not binding|not a commitment|并不存在|不存在|并非|未证实|未经证实|否认|驳斥|破局|"
            r"不具约束力|非约束性|没有约束力",
    "rumour": r"speculation|rumou?rs?|传闻|传言",
    "fortune": r"fortune|billionaires?|richest|net worth|身家|财富|富豪|首富",
    "holdings": r"cash pile|cash on hand|in cash and|holds? \$|现金与|现金和|账上现金|帐上现金|持有",
}
_MORE_RE = {k: re.compile(v) for k, v in _MORE_CUES.items()}
#: A figure below this many US dollars is never a deal's value (a share or exercise price; guideline section 5).
MIN_USD = 1e3


def _ids(x: str) -> frozenset[str]:
    return frozenset(x.split("+"))


def augment(figs: list[FigureCandidates], proposals: list[Proposal], folded: str) -> list[FigureCandidates]:
    """The figures with the article-level features of each candidate added (``doc:...``, ``fb:...``).

    What the rules proposed for the *other* figures of the article says who pays whom there: a reading
    whose pair the rules gave elsewhere (``doc:same``; with an agreeing interval ``doc:same_amount``), whose
    reverse they gave (``doc:reverse``), whose payer they read as a payer (``doc:payer_pays``) or as a payee
    (``doc:payer_paid``), likewise the payee. The figure's own sentence adds the ``fb:`` cue classes of
    :data:`_MORE_CUES`. A restated deal ("the $300 billion contract", a headline) reads the same way as
    where the rules found it.
    """
    deals: list[tuple[tuple[int, int], str, str, float, float]] = []
    for p in proposals:
        if p.kind != "deal" or p.payer is None or p.payee is None:
            continue
        sp = p.spans.get("amount") or (-1, -1)
        lo = hi = -1.0
        if p.amount is not None and p.amount.usd_low is not None:
            lo = p.amount.usd_low
            hi = p.amount.usd_high if p.amount.usd_high is not None else math.inf
        deals.append((sp, p.payer.id, p.payee.id, lo, hi))
    spans = {d[0] for d in deals}
    every = _doc_sets(deals)
    out = []
    sent_cache: dict[tuple[int, int], list[str]] = {}
    for fc in figs:
        key = (fc.amount.start, fc.amount.end)
        amt = fc.amount.amount
        lo = amt.low
        hi = amt.high if amt.high is not None else math.inf
        # the rules' deals of the other figures (a figure the rules claimed is read only in training)
        pays, paid, pairs = _doc_sets([d for d in deals if d[0] != key]) if key in spans else every
        extra = sent_cache.get(fc.sentence)
        if extra is None:
            seg = folded[fc.sentence[0]:fc.sentence[1]]
            extra = sent_cache[fc.sentence] = [f"fb:{k}" for k, rx in _MORE_RE.items() if rx.search(seg)]
        fig = [*fc.cands[0].fig, *extra] if fc.cands and extra else (fc.cands[0].fig if fc.cands else [])
        cands: list[Candidate] = []
        for c in fc.cands:
            x, y = c.payer.id, c.payee.id
            add = []
            got = pairs.get((x, y))
            if got is not None:
                add.append("doc:same")
                if any(0 <= dl <= hi * 1.02 and lo <= dh * 1.02 for dl, dh in got):
                    add.append("doc:same_amount")
            if (y, x) in pairs:
                add.append("doc:reverse")
            xi, yi = _ids(x), _ids(y)
            if xi & pays:
                add.append("doc:payer_pays")
            if xi & paid:
                add.append("doc:payer_paid")
            if yi & paid:
                add.append("doc:payee_paid")
            if yi & pays:
                add.append("doc:payee_pays")
            cands.append(Candidate(c.payer, c.payee, fig, c.as_payer, c.as_payee, c.order, [*c.pair, *add]))
        out.append(FigureCandidates(fc.amount, fc.sentence, fc.rule, cands, fc.gated))
    return out


def _doc_sets(deals: list[tuple[tuple[int, int], str, str, float, float]],
              ) -> tuple[set[str], set[str], dict[tuple[str, str], list[tuple[float, float]]]]:
    """Who pays, who is paid, and each (payer, payee) pair's USD intervals, among the rules' ``deals``."""
    pays = {i for d in deals for i in _ids(d[1])}
    paid = {i for d in deals for i in _ids(d[2])}
    pairs: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for d in deals:
        pairs.setdefault((d[1], d[2]), []).append((d[3], d[4]))
    return pays, paid, pairs


def decide_fill(figs: list[FigureCandidates], proposals: list[Proposal], model: ClaimModel, folded: str,
                ) -> list[Proposal]:
    """The rules' proposals, untouched and in their order, with the model's claims for unclaimed figures added.

    Figures of ``figs`` that a rule proposal uses are skipped (so candidates built for every figure give the
    same result as candidates built for the unclaimed ones only). Each new claim is placed before the first
    rule proposal of a later sentence (after those of its own sentence).
    """
    used = _claimed(proposals)
    keep = [fc for fc in figs if (fc.amount.start, fc.amount.end) not in used and not fc.gated and fc.cands
            and (fc.amount.amount.high if fc.amount.amount.high is not None else math.inf) >= MIN_USD]
    new: list[Proposal] = []
    for fc in augment(keep, proposals, folded):
        key = (fc.amount.start, fc.amount.end)
        best = None
        memo: dict[int, float] = {}
        for c in fc.cands:
            p = model.score(c, memo)
            if best is None or p > best[0]:
                best = (p, c)
        if best is None or best[0] < model.threshold or "fb:deny" in fc.cands[0].fig:
            continue
        prob, c = best
        got = Proposal("deal", fc.sentence, round(prob, 3), payer=c.payer, payee=c.payee, type=_type_for(c.features),
                       amount=fc.amount.amount)
        got.spans = {"from": (c.payer.start, c.payer.end), "to": (c.payee.start, c.payee.end), "amount": key}
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
         index: EntityIndex, language: str | None = None, model: ClaimModel | None = None) -> list[Proposal]:
    """The rules' proposals plus the fallback's deal claims for the USD figures they left unclaimed.

    Args:
        norm: the normalised text.
        ents: its entity mentions (sorted by start).
        amts: its amount mentions (sorted by start).
        proposals: the rules' proposals (kept as they are).
        index: the entity index (entity kinds, who sells what).
        language: ``en``, ``zh-Hant`` or ``zh-Hans`` (a feature; ``None``: read from the text when needed).
        model: the model (default: the shipped one, :func:`load_fallback`).
    """
    left = unclaimed(amts, proposals)
    if not left or len(ents) < 2:  # a reading needs two parties
        return proposals
    model = model or load_fallback()
    if language is None:
        from dealweb.extract.ingest import language_of

        language = language_of(norm.original)
    return decide_fill(candidates(norm, ents, amts, proposals, index, language, only=left), proposals, model,
                       norm.folded)

