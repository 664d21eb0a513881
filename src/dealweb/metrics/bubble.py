"""Bubble check: Goldman Sachs' three-part test, entity by entity, with the numbers behind each verdict.

The argument (Goldman Sachs, "Why we are not in a bubble...yet", 2025-10-08, as reported by 遠川投資評論
"AI行情到了第幾層?"): a bubble has three parts, "資產價格的迅速上漲、估值過高以及槓桿增加驅動的系統性風險顯著上升"
(a rapid rise in asset prices, overvaluation, and systemic risk driven by rising leverage). Goldman finds
none at bubble level today: tech prices have followed earnings; the Magnificent 7's median 24-month
forward P/E is 27x (26x without Tesla), "僅是1990年代末最大7家公司等效估值的一半", with PEG ratios far
below the late 1990s; and capex/sales has risen fast while capex/free cash flow stayed stable.

The three parts, as computed here for each entity:

1. **Rapid price rise, and what drove it.** The price return ``r`` over a period splits exactly into
   earnings growth ``g_E`` and valuation (P/E) change ``g_PE``, with dividends on top:

       1 + r = (1 + g_E)(1 + g_PE)                 (price = EPS x P/E, trailing P/E)
       total return = r + d                         (d = dividends over the period / start price)

   The price return is shared out in proportion to the logs, which add up exactly:
   ``earnings_contribution = r ln(1 + g_E) / ln(1 + r)`` and ``valuation_contribution = r ln(1 + g_PE) /
   ln(1 + r)``. A sign of a bubble: a rise of at least ``rapid_rise_threshold`` of which more than
   ``valuation_share_threshold`` came from the P/E.
2. **Overvaluation.** Forward P/E against the reference (late-1990s top 7: twice today's 26x, i.e. 52x,
   since the article says 26x is half of it), and PEG = forward P/E / (expected yearly EPS growth in %)
   (Lynch, *One Up on Wall Street*, 1989) against a reference PEG when one is given. A sign: forward P/E
   at or above the reference, or PEG at or above the reference PEG.
3. **Leverage-driven systemic risk.** Capex/sales against capex/free cash flow, start and end of the
   period. A sign: capex/FCF rising by more than ``capex_fcf_rise_threshold`` (relative), or free cash flow
   at or below zero (capex larger than the cash the business makes: it is paid for with outside money).

Each part is ``sign``, ``no_sign`` or ``not_assessed`` (inputs missing); each carries the numbers and a
sentence. The entity verdict counts the signs among the parts assessed; there is never a bare label.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

from dealweb.errors import InputError
from dealweb.i18n import Fig, Join, Msg
from dealweb.metrics.common import (
    ASSUMPTION,
    Source,
    effective_sources,
    input_entry,
    quantity,
    require_finite,
    require_fraction,
    require_nonnegative,
    require_positive,
    source_of,
)

__all__ = [
    "DEFAULT_BUBBLE_SOURCES",
    "BubbleEntity",
    "BubbleInputs",
    "BubbleResult",
    "Decomposition",
    "EntityVerdict",
    "Part",
    "bubble",
    "decompose_return",
    "peg_ratio",
]

SIGN = "sign"
NO_SIGN = "no_sign"
NOT_ASSESSED = "not_assessed"

DEFAULT_BUBBLE_SOURCES: dict[str, Source] = {
    "reference_pe": Source(kind="missing", ref="reference_pe",
                           note=Msg("assume.note.reference_pe_missing")),
    "reference_peg": Source(kind=ASSUMPTION, ref="no reference PEG",
                            note=Msg("assume.note.peg_only_given")),
    "rapid_rise_threshold": Source(kind=ASSUMPTION, ref="threshold", note=Msg("assume.note.rapid_rise")),
    "valuation_share_threshold": Source(kind=ASSUMPTION, ref="threshold",
                                        note=Msg("assume.note.valuation_share")),
    "capex_fcf_rise_threshold": Source(kind=ASSUMPTION, ref="threshold",
                                       note=Msg("assume.note.capex_fcf_rise")),
}


@dataclass(frozen=True)
class BubbleEntity:
    """One entity's figures for the three-part test (any may be missing; that part is then not assessed).

    Attributes:
        entity: id or name, e.g. ``nvidia`` or ``mag7``.
        price_return: share-price change over the period, fraction (0.5 for +50%).
        eps_growth: EPS change over the same period, fraction (> -1).
        dividend_yield: dividends paid over the period / price at the start, fraction.
        forward_pe: forward price/earnings, x.
        expected_eps_growth: expected yearly EPS growth for PEG, fraction (0.2 for 20% a year).
        capex_to_sales: (start, end) capex / sales, fractions.
        capex_to_fcf: (start, end) capex / free cash flow, x.
        capex: latest period's capex, US dollars.
        revenue: latest period's revenue, US dollars.
        free_cash_flow: latest period's free cash flow (operating cash flow - capex), US dollars.
        sources: where each figure came from, by field name.
    """

    entity: str
    price_return: float | None = None
    eps_growth: float | None = None
    dividend_yield: float = 0.0
    forward_pe: float | None = None
    expected_eps_growth: float | None = None
    capex_to_sales: tuple[float, float] | None = None
    capex_to_fcf: tuple[float, float] | None = None
    capex: float | None = None
    revenue: float | None = None
    free_cash_flow: float | None = None
    sources: dict[str, Source] = field(default_factory=dict)


@dataclass(frozen=True)
class BubbleInputs:
    """The entities and the references and thresholds of the test.

    Attributes:
        entities: the entities to judge.
        reference_pe: forward P/E of the reference period, x (``None``: overvaluation not assessed).
        reference_peg: PEG of the reference period (``None``: PEG shown, not judged).
        rapid_rise_threshold: price return at or above which a rise is rapid, fraction.
        valuation_share_threshold: share of a rapid rise from the P/E above which it is a sign, fraction.
        capex_fcf_rise_threshold: relative rise of capex/FCF above which it is a sign, fraction.
        sources: where each reference and threshold came from.
    """

    entities: tuple[BubbleEntity, ...] = ()
    reference_pe: float | None = None
    reference_peg: float | None = None
    rapid_rise_threshold: float = 0.25
    valuation_share_threshold: float = 0.5
    capex_fcf_rise_threshold: float = 0.25
    sources: dict[str, Source] = field(default_factory=dict)


@dataclass(frozen=True)
class Decomposition:
    """A price return split into earnings growth, valuation change and dividends (fractions)."""

    price_return: float
    eps_growth: float
    pe_change: float
    dividend_yield: float
    total_return: float
    earnings_contribution: float
    valuation_contribution: float
    valuation_share: float | None

    def as_dict(self) -> dict[str, object]:
        """Stable keys: each field as {value, unit: fraction}."""
        return {k: quantity(getattr(self, k), "fraction") for k in (
            "price_return", "eps_growth", "pe_change", "dividend_yield", "total_return",
            "earnings_contribution", "valuation_contribution", "valuation_share")}


@dataclass(frozen=True)
class Part:
    """One part of the three-part test for one entity: status, the numbers, a sentence."""

    name: str
    status: str
    numbers: dict[str, dict[str, object]]
    reason: str

    def as_dict(self) -> dict[str, object]:
        """Stable keys: name, status, numbers, reason."""
        return {"name": self.name, "status": self.status, "numbers": self.numbers, "reason": self.reason}


@dataclass(frozen=True)
class EntityVerdict:
    """The three parts for one entity and a verdict sentence counting the signs."""

    entity: str
    parts: tuple[Part, ...]
    signs: int
    assessed: int
    verdict: str
    decomposition: Decomposition | None

    def as_dict(self) -> dict[str, object]:
        """Stable keys: entity, signs, assessed, verdict, parts, decomposition."""
        return {"entity": self.entity, "signs": self.signs, "assessed": self.assessed, "verdict": self.verdict,
                "parts": [p.as_dict() for p in self.parts],
                "decomposition": None if self.decomposition is None else self.decomposition.as_dict()}


@dataclass(frozen=True)
class BubbleResult:
    """Verdicts per entity, and the median forward P/E of the entities (from three with a P/E) against the reference."""

    verdicts: tuple[EntityVerdict, ...]
    median_forward_pe: float | None
    median_pe_to_reference: float | None
    inputs: BubbleInputs
    assumptions: tuple[str, ...]

    def verdict(self, entity: str) -> EntityVerdict:
        """The verdict of one entity (``KeyError`` if absent)."""
        for v in self.verdicts:
            if v.entity == entity:
                return v
        raise KeyError(entity)

    def as_dict(self) -> dict[str, object]:
        """Stable keys: metric, inputs, assumptions, results, entities."""
        i = self.inputs
        s = effective_sources(i, DEFAULT_BUBBLE_SOURCES)
        inputs: dict[str, object] = {
            "reference_pe": input_entry(i.reference_pe, "x", source_of(s, "reference_pe")),
            "reference_peg": input_entry(i.reference_peg, "x", source_of(s, "reference_peg")),
            "rapid_rise_threshold": input_entry(i.rapid_rise_threshold, "fraction",
                                                source_of(s, "rapid_rise_threshold")),
            "valuation_share_threshold": input_entry(i.valuation_share_threshold, "fraction",
                                                     source_of(s, "valuation_share_threshold")),
            "capex_fcf_rise_threshold": input_entry(i.capex_fcf_rise_threshold, "fraction",
                                                    source_of(s, "capex_fcf_rise_threshold")),
            "entities": {e.entity: _entity_inputs(e) for e in i.entities},
        }
        return {
            "metric": "bubble",
            "inputs": inputs,
            "assumptions": list(self.assumptions),
            "results": {
                "median_forward_pe": quantity(self.median_forward_pe, "x"),
                "median_pe_to_reference": quantity(self.median_pe_to_reference, "x"),
            },
            "entities": [v.as_dict() for v in self.verdicts],
        }


_ENTITY_UNITS = {
    "price_return": "fraction", "eps_growth": "fraction", "dividend_yield": "fraction", "forward_pe": "x",
    "expected_eps_growth": "fraction_per_year", "capex_to_sales": "fraction", "capex_to_fcf": "x",
    "capex": "usd", "revenue": "usd", "free_cash_flow": "usd",
}


def _entity_inputs(e: BubbleEntity) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, unit in _ENTITY_UNITS.items():
        v = getattr(e, name)
        if v is None:
            continue
        src = source_of(e.sources, name)
        if name == "dividend_yield" and name not in e.sources and v == 0.0:
            src = Source(kind=ASSUMPTION, ref="no dividends", note=Msg("assume.note.no_dividends"))
        out[name] = input_entry(list(v) if isinstance(v, tuple) else v, unit, src)
    return out


def decompose_return(price_return: float, eps_growth: float, dividend_yield: float = 0.0) -> Decomposition:
    """Split a price return into earnings growth and P/E change (exactly, in logs), plus dividends.

    ``1 + r = (1 + g_E)(1 + g_PE)``; contributions ``r ln(1 + g_E) / ln(1 + r)`` and
    ``r ln(1 + g_PE) / ln(1 + r)`` add up to ``r``; ``total_return = r + dividend_yield``.

    >>> d = decompose_return(0.5, 0.2)
    >>> round(d.pe_change, 4), round(d.earnings_contribution, 4), round(d.valuation_contribution, 4)
    (0.25, 0.2248, 0.2752)
    """
    if price_return <= -1 or eps_growth <= -1:
        raise InputError("price return and EPS growth must be above -1 (-100%)",
                         "write changes as fractions: 0.5 for +50%")
    pe_change = (1.0 + price_return) / (1.0 + eps_growth) - 1.0
    log_total = math.log1p(price_return)
    log_e, log_pe = math.log1p(eps_growth), math.log1p(pe_change)
    if log_total == 0:
        earn = val = 0.0
        share = None
    else:
        earn = price_return * log_e / log_total
        val = price_return * log_pe / log_total
        share = log_pe / log_total
    return Decomposition(price_return, eps_growth, pe_change, dividend_yield, price_return + dividend_yield,
                         earn, val, share)


def peg_ratio(forward_pe: float, expected_eps_growth: float) -> float | None:
    """PEG = forward P/E / (expected yearly EPS growth in percent); ``None`` when growth <= 0.

    >>> peg_ratio(30.0, 0.20)
    1.5
    """
    if expected_eps_growth <= 0:
        return None
    return forward_pe / (expected_eps_growth * 100.0)


def _pct(x: float | None) -> str:
    return Msg("bubble.na") if x is None else f"{x * 100:+.1f}%"


def _part_price(e: BubbleEntity, i: BubbleInputs) -> tuple[Part, Decomposition | None]:
    if e.price_return is None or e.eps_growth is None:
        return Part("price_rise", NOT_ASSESSED, {}, Msg("bubble.why.price_not_given")), None
    d = decompose_return(e.price_return, e.eps_growth, e.dividend_yield)
    numbers = {k: v for k, v in d.as_dict().items()}  # type: ignore[misc]
    rapid = d.price_return >= i.rapid_rise_threshold
    share = d.valuation_share
    if not rapid:
        status = NO_SIGN
        why = Msg("bubble.why.price_slow", price=_pct(d.price_return), line=_pct(i.rapid_rise_threshold),
                  eps=_pct(d.eps_growth), pe=_pct(d.pe_change))
    elif share is not None and share > i.valuation_share_threshold:
        status = SIGN
        why = Msg("bubble.why.price_pe", price=_pct(d.price_return), from_pe=_pct(d.valuation_contribution),
                  share=f"{share:.0%}", from_eps=_pct(d.earnings_contribution))
    else:
        status = NO_SIGN
        why = Msg("bubble.why.price_earnings", price=_pct(d.price_return), from_eps=_pct(d.earnings_contribution),
                  from_pe=_pct(d.valuation_contribution))
    return Part("price_rise", status, numbers, why), d


def _part_valuation(e: BubbleEntity, i: BubbleInputs) -> Part:
    if e.forward_pe is None:
        return Part("overvaluation", NOT_ASSESSED, {}, Msg("bubble.why.pe_not_given"))
    if i.reference_pe is None:
        return Part("overvaluation", NOT_ASSESSED, {"forward_pe": quantity(e.forward_pe, "x")},
                    Msg("bubble.why.no_reference_pe"))
    ratio = e.forward_pe / i.reference_pe
    peg = peg_ratio(e.forward_pe, e.expected_eps_growth) if e.expected_eps_growth is not None else None
    numbers: dict[str, dict[str, object]] = {
        "forward_pe": quantity(e.forward_pe, "x"),
        "reference_pe": quantity(i.reference_pe, "x"),
        "pe_to_reference": quantity(ratio, "x"),
        "peg": quantity(peg, "x"),
        "reference_peg": quantity(i.reference_peg, "x"),
    }
    pe_sign = ratio >= 1.0
    peg_sign = peg is not None and i.reference_peg is not None and peg >= i.reference_peg
    if peg is None:
        peg_text = Msg("bubble.why.peg_na")
    elif i.reference_peg is not None:
        peg_text = Msg("bubble.why.peg_reference", peg=f"{peg:.2f}", reference=f"{i.reference_peg:.2f}")
    else:
        peg_text = Msg("bubble.why.peg_no_reference", peg=f"{peg:.2f}")
    why = Msg("bubble.why.valuation", pe=f"{e.forward_pe:.1f}", ratio=f"{ratio:.2f}", reference=f"{i.reference_pe:.1f}",
              peg=peg_text)
    return Part("overvaluation", SIGN if (pe_sign or peg_sign) else NO_SIGN, numbers, why)


def _part_leverage(e: BubbleEntity, i: BubbleInputs) -> Part:
    numbers: dict[str, dict[str, object]] = {}
    reasons: list[Msg] = []
    sign = False
    assessed = False
    if e.capex_to_sales is not None:
        a, b = e.capex_to_sales
        numbers["capex_to_sales_start"] = quantity(a, "fraction")
        numbers["capex_to_sales_end"] = quantity(b, "fraction")
        reasons.append(Msg("bubble.why.capex_sales_change", start=f"{a:.1%}", end=f"{b:.1%}"))
    if e.capex_to_fcf is not None:
        a, b = e.capex_to_fcf
        assessed = True
        change = (b / a - 1.0) if a > 0 else None
        numbers["capex_to_fcf_start"] = quantity(a, "x")
        numbers["capex_to_fcf_end"] = quantity(b, "x")
        numbers["capex_to_fcf_change"] = quantity(change, "fraction")
        if b <= 0 or a <= 0:
            sign = True
            reasons.append(Msg("bubble.why.capex_fcf_not_positive", start=f"{a:.2f}", end=f"{b:.2f}"))
        else:
            if change is not None and change > i.capex_fcf_rise_threshold:
                sign = True
            reasons.append(Msg("bubble.why.capex_fcf_change", start=f"{a:.2f}", end=f"{b:.2f}", change=_pct(change)))
    if e.capex is not None and e.free_cash_flow is not None:
        assessed = True
        ocf = e.free_cash_flow + e.capex
        numbers["capex"] = quantity(e.capex, "usd")
        numbers["free_cash_flow"] = quantity(e.free_cash_flow, "usd")
        numbers["operating_cash_flow"] = quantity(ocf, "usd")
        numbers["capex_to_operating_cash_flow"] = quantity(e.capex / ocf if ocf > 0 else None, "x")
        if e.revenue:
            numbers["capex_to_sales"] = quantity(e.capex / e.revenue, "fraction")
            reasons.append(Msg("bubble.why.capex_sales", share=f"{e.capex / e.revenue:.1%}"))
        if e.free_cash_flow <= 0:
            sign = True
            reasons.append(Msg("bubble.why.fcf_not_positive",
                               fcf=Fig(f"-${abs(e.free_cash_flow) / 1e9:,.2f}B", "money", e.free_cash_flow),
                               capex=Fig(f"${e.capex / 1e9:,.2f}B", "money", e.capex)))
        else:
            reasons.append(Msg("bubble.why.capex_covered", capex=Fig(f"${e.capex / 1e9:,.2f}B", "money", e.capex),
                               ocf=Fig(f"${ocf / 1e9:,.2f}B", "money", ocf)))
    if not assessed:
        why = Join([*reasons, Msg("bubble.why.capex_fcf_not_given")], "; ")
        return Part("leverage", NOT_ASSESSED, numbers, why)
    return Part("leverage", SIGN if sign else NO_SIGN, numbers, Join(reasons, "; "))


def _check(i: BubbleInputs) -> None:
    if i.reference_pe is not None:
        require_positive("reference_pe", i.reference_pe, "the reference forward P/E, e.g. --reference-pe 50")
    if i.reference_peg is not None:
        require_positive("reference_peg", i.reference_peg, "the reference PEG, e.g. --reference-peg 2")
    require_nonnegative("rapid_rise_threshold", i.rapid_rise_threshold)
    require_fraction("valuation_share_threshold", i.valuation_share_threshold)
    require_nonnegative("capex_fcf_rise_threshold", i.capex_fcf_rise_threshold)
    if not i.entities:
        raise InputError("no entity to judge", "pass at least one --entity with its figures")
    seen: set[str] = set()
    for e in i.entities:
        if e.entity in seen:
            raise InputError(f"entity {e.entity!r} given twice", "give each entity once")
        seen.add(e.entity)
        for name in ("price_return", "eps_growth", "dividend_yield", "expected_eps_growth",
                     "capex", "revenue", "free_cash_flow"):
            v = getattr(e, name)
            if v is not None:
                require_finite(f"{e.entity}.{name}", v)
        if e.forward_pe is not None:
            require_positive(f"{e.entity}.forward_pe", e.forward_pe, "a forward P/E such as 27")
        if e.capex is not None:
            require_nonnegative(f"{e.entity}.capex", e.capex)
        if e.revenue is not None:
            require_nonnegative(f"{e.entity}.revenue", e.revenue)
        require_nonnegative(f"{e.entity}.dividend_yield", e.dividend_yield)
        for name in ("capex_to_sales", "capex_to_fcf"):
            pair = getattr(e, name)
            if pair is not None:
                if len(pair) != 2:
                    raise InputError(f"{e.entity}.{name} needs two values (start, end)", "e.g. 0.10,0.18")
                for v in pair:
                    require_finite(f"{e.entity}.{name}", v)


def bubble(inputs: BubbleInputs) -> BubbleResult:
    """Goldman Sachs' three-part bubble test for each entity, with the numbers behind every verdict.

    Args:
        inputs: the entities' figures, the reference P/E (and PEG) and the thresholds.

    Returns:
        A :class:`BubbleResult`: one :class:`EntityVerdict` per entity, and the median forward P/E of the
        entities that have one, against the reference.

    Raises:
        InputError: no entity, a duplicate entity, a non-positive P/E or reference, a change <= -100%.

    >>> r = bubble(BubbleInputs(entities=(BubbleEntity("mag7-ex-tesla", forward_pe=26.0),)))
    >>> r.verdict("mag7-ex-tesla").parts[1].numbers["pe_to_reference"]["value"]
    0.5
    """
    _check(inputs)
    verdicts = []
    for e in inputs.entities:
        p1, dec = _part_price(e, inputs)
        parts = (p1, _part_valuation(e, inputs), _part_leverage(e, inputs))
        assessed = [p for p in parts if p.status != NOT_ASSESSED]
        signs = [p for p in assessed if p.status == SIGN]
        if not assessed:
            verdict = Msg("bubble.verdict_not_assessed", entity=e.entity)
        else:
            named = Join([Msg("bubble.part_reason", part=Msg(f"bubble.part.{p.name}"), reason=p.reason)
                          for p in (signs or assessed)], "; ")
            verdict = Msg("bubble.verdict", entity=e.entity, signs=len(signs), assessed=len(assessed), named=named)
        verdicts.append(EntityVerdict(e.entity, parts, len(signs), len(assessed), verdict, dec))
    pes = [e.forward_pe for e in inputs.entities if e.forward_pe is not None]
    # a median of one or two figures says nothing about a group: reported from three entities with a P/E
    median = statistics.median(pes) if len(pes) >= 3 else None
    assumptions = (
        Msg("assume.bubble.decompose"),
        Msg("assume.bubble.total_return"),
        Msg("assume.bubble.peg"),
        (Msg("assume.bubble.reference_pe", pe=f"{inputs.reference_pe:g}")
         if inputs.reference_pe is not None else Msg("assume.bubble.no_reference_pe")),
        Msg("assume.bubble.fcf"),
    )
    return BubbleResult(
        verdicts=tuple(verdicts),
        median_forward_pe=median,
        median_pe_to_reference=None if median is None or inputs.reference_pe is None else median / inputs.reference_pe,
        inputs=inputs,
        assumptions=assumptions,
    )
