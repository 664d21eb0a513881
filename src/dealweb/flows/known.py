"""When a record became known: the publication date of its earliest source (no look-ahead).

A record is known from the date of the earliest *dated* document among its claims. A claim the ledger
flags as a ``joke`` does not make a record known (the joke is not a report of the deal). Documents without
a date make no record known: a record whose every source is undated has an *unknown* known date, and a
view "as of D" leaves it out and lists it apart (``Flows.unknown_date``), never treating it as always known.

A document's date is read from ``Document.date``; a ledger that records a separate publication or "known"
date for a document (an attribute ``known`` or ``published`` on the document, when the format has one)
takes that one first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from dealweb.model import Claim, Deal, Document, Fact, Ledger, Status
from dealweb.money import Amount, AmountError, parse_amount

__all__ = ["AsOfFigure", "DealAsOf", "deal_as_of", "document_date", "known_deals", "known_from", "ledger_as_of",
           "fact_as_of", "ledger_window", "resolver", "source_documents", "versions_on"]

_NOT_EVIDENCE = frozenset({"joke"})


def document_date(doc: Document | None) -> date | None:
    """The date a document was known (published); ``None`` when the ledger gives none."""
    if doc is None:
        return None
    for attr in ("known", "published", "date"):
        d = getattr(doc, attr, None)
        if isinstance(d, date):
            return d
    return None


def _claims(record: Deal | Fact) -> Iterable[Claim]:
    yield from record.claims
    for e in getattr(record, "events", ()):
        yield from e.claims


def source_documents(record: Deal | Fact, documents: Mapping[str, Document], as_of: date | None = None) -> list[str]:
    """Ids of the distinct documents cited by ``record`` (its claims, its events' and its tranches' claims).

    With ``as_of``, only the documents published on or before it (an undated document is not known to be
    published by then and is left out); without it, every cited document.

    >>> from dealweb.model import Claim, Deal, Document, Event, Status
    >>> docs = {"a": Document("a", "A", date=date(2025, 9, 10)), "b": Document("b", "B", date=date(2025, 12, 1))}
    >>> d = Deal("x", "lease", events=(Event(date(2025, 9, 10), Status.ANNOUNCED, claims=(Claim("a", "q"),)),),
    ...          claims=(Claim("b", "q"),))
    >>> source_documents(d, docs), source_documents(d, docs, date(2025, 9, 30))
    (['a', 'b'], ['a'])
    """
    ids: dict[str, None] = {}
    claims = list(_claims(record))
    for t in getattr(record, "tranches", None) or ():
        claims.extend(getattr(t, "claims", ()))
    for c in claims:
        if as_of is not None:
            d = document_date(documents.get(c.document))
            if d is None or d > as_of:
                continue
        ids.setdefault(c.document, None)
    return sorted(ids)


def known_from(record: Deal | Fact, documents: Mapping[str, Document],
               cache: dict[str, date | None] | None = None) -> date | None:
    """Publication date of the earliest dated source of ``record`` (``None``: no dated source).

    Args:
        record: a deal (its claims and its events' claims) or a fact.
        documents: the ledger's documents by id.
        cache: optional dict reused across calls (document id -> date), for speed on large ledgers.

    >>> from dealweb.model import Claim, Deal, Document
    >>> docs = {"a": Document("a", "A", date=date(2025, 9, 10)), "b": Document("b", "B")}
    >>> known_from(Deal("x", "lease", claims=(Claim("b", "q"), Claim("a", "q"))), docs)
    datetime.date(2025, 9, 10)
    """
    best: date | None = None
    for c in _claims(record):
        if c.flag in _NOT_EVIDENCE:
            continue
        if cache is not None:
            if c.document in cache:
                d = cache[c.document]
            else:
                d = cache[c.document] = document_date(documents.get(c.document))
        else:
            d = document_date(documents.get(c.document))
        if d is not None and (best is None or d < best):
            best = d
    return best


def ledger_window(ledger: Ledger) -> tuple[date | None, date | None] | None:
    """The ledger's window ``(start, end)``: deals completed before ``start`` are history, not live flows.

    Read from ``Ledger.window`` when the ledger format has it (a pair of dates, or an object with ``start``
    and ``end``); ``None`` when the ledger declares no window.
    """
    w = getattr(ledger, "window", None)
    if w is None:
        return None
    if isinstance(w, tuple | list) and len(w) == 2:
        return (w[0], w[1])
    start, end = getattr(w, "start", None), getattr(w, "end", None)
    if start is None and end is None:
        return None
    return (start, end)


def known_deals(ledger: Ledger, as_of: date | None) -> tuple[list, list[str], list[str]]:
    """Deals known on ``as_of`` by the rule of the flows table, and those left out.

    Returns:
        ``(known, unknown_date, not_yet_known)``: the deals a view "as of D" shows (earliest dated source on
        or before D and a status on D), each **as its sources had reported it by D** (:func:`deal_as_of`:
        figures, terms, status, parties), the ids of deals whose sources are all undated, and the ids of deals
        known only later. Without ``as_of`` every deal is known, as recorded.
    """
    if as_of is None:
        return list(ledger.deals.values()), [], []
    cache: dict[str, date | None] = {}
    published: dict[str, bool] = {}
    resolve = resolver(ledger)
    known, unknown, later = [], [], []
    for d in ledger.deals.values():
        k = known_from(d, ledger.documents, cache)
        if k is None:
            unknown.append(d.id)
            continue
        if k > as_of:
            later.append(d.id)
            continue
        v = deal_as_of(d, ledger.documents, as_of, resolve=resolve, cache=published)
        if v.status is None:
            later.append(d.id)
        else:
            known.append(v.deal)
    return known, unknown, later


# ------------------------------------------------------------------------------------------------------------
# Figure-level versions: a known deal as its sources had reported it by the as-of date
# ------------------------------------------------------------------------------------------------------------
#: Flags whose claims are not a version of the record: a joke, a misprint, a figure the ledger disputes.
#: ``superseded`` claims ARE versions: what an earlier source said before a later one corrected it.
_NOT_A_VERSION = frozenset({"joke", "unit_slip", "disputed"})
_REL_TOL = 1e-6


@dataclass(frozen=True, slots=True)
class AsOfFigure:
    """One figure a view "as of D" shows that differs from the ledger's current record, with its source.

    ``field`` names it (``amount``, ``quantity``, ``capacity_gw``, ``strike``, ``from``, ``to``,
    ``per_year``, ``tranches``); ``shown`` is the figure in words (``up to $50B``, ``amazon``);
    ``document``/``date``/``quote`` the claim it comes from (the latest source published by D that states it).
    """

    deal: str
    field: str
    shown: str
    document: str
    date: date | None
    quote: str

    def sentence(self) -> str:
        """``amount up to $50B, as reported by doc-id (2026-02-01)``."""
        when = f" ({self.date.isoformat()})" if self.date else ""
        return f"{self.field} {self.shown}, as reported by {self.document}{when}"


@dataclass(frozen=True, slots=True)
class DealAsOf:
    """A deal as known on a date: the record restricted to what its sources had published by then.

    ``deal`` is the versioned record (the ledger's own object when nothing differs); ``status`` its status on
    the date (``None``: not yet known); ``figures`` the figures that differ from the current record, each with
    the document it comes from; ``changed`` whether anything (a figure, a term, an event, a claim) was left out
    or replaced.
    """

    deal: Deal
    status: Status | None
    figures: tuple[AsOfFigure, ...] = ()
    changed: bool = False


class _Clock:
    """Whether each document was published by ``on`` (``Document.known_on`` is True), cached per document."""

    def __init__(self, documents: Mapping[str, Document], on: date,
                 cache: dict[str, bool] | None = None) -> None:
        self.documents, self.on = documents, on
        self.cache: dict[str, bool] = {} if cache is None else cache

    def __call__(self, c: Claim) -> bool:
        k = self.cache.get(c.document)
        if k is None:
            doc = self.documents.get(c.document)
            k = self.cache[c.document] = bool(doc is not None and doc.known_on(self.on) is True)
        return k

    def date(self, c: Claim) -> date | None:
        return document_date(self.documents.get(c.document))


def _evidence(claims: Iterable[Claim]) -> list[Claim]:
    return [c for c in claims if c.flag not in _NOT_A_VERSION]


def _claim_amount(c: Claim, default_unit: str | None) -> Amount | None:
    """The figure a claim states: parsed by the loader, else parsed here (``None`` when it states none)."""
    if c.amount is not None:
        return c.amount
    if not c.stated:
        return None
    try:
        return parse_amount(c.stated, default_unit)
    except (ValueError, AmountError):
        return None


def _same(a: Amount | float | None, b: Amount | float | None) -> bool:
    """Whether two figures are the same figure (same interval; in USD when both convert)."""
    if a is None or b is None:
        return a is b
    if isinstance(a, int | float) or isinstance(b, int | float):
        x = a.low if isinstance(a, Amount) and a.high == a.low else a
        y = b.low if isinstance(b, Amount) and b.high == b.low else b
        return isinstance(x, int | float) and isinstance(y, int | float) and math.isclose(x, y, rel_tol=_REL_TOL)
    if (a.high is None) != (b.high is None):
        return False
    if a.unit == b.unit:
        pa, pb = (a.low, a.high), (b.low, b.high)
    else:
        pa, pb = (a.usd_low, a.usd_high), (b.usd_low, b.usd_high)
        if pa[0] is None or pb[0] is None:
            return False
    return all((x is None and y is None) or (x is not None and y is not None and math.isclose(
        x, y, rel_tol=_REL_TOL, abs_tol=1e-9)) for x, y in zip(pa, pb, strict=True))


def _comparable(candidate: Amount, record: Amount | float | None) -> bool:
    """Whether a claim's figure can stand in for the record's (money for money, GW for GW, shares for shares)."""
    if isinstance(record, int | float):
        return candidate.unit == "GW"
    if record is None:
        return candidate.is_money
    if record.is_money:
        return candidate.is_money
    return candidate.unit == record.unit


def _as_of_value(record: Amount | float | None, claims: Iterable[Claim], clock: _Clock, default_unit: str | None
                 ) -> tuple[bool, Amount | float | None, Claim | None]:
    """The figure of one field as known on the clock's date: ``(known, value, claim)``.

    The rule (docs/ledger-format.md, "Figures as of a date"): claims flagged joke, unit_slip or disputed are
    not versions. The record's figure is known once a claim *supporting* it is published: an unflagged claim
    that states the same figure or none at all (when no unflagged claim states the record's figure, the
    record combines its sources and needs all of them). Before that, the figure shown is the one stated by the
    latest source published by then (a ``superseded`` claim included: the earlier reading a later source
    corrected); with none, the field is not yet known. A field no claim speaks to, or that the record leaves
    empty, is known with its deal.

    Returns ``(True, record, None)`` when the record's figure stands, ``(True, other, claim)`` when an earlier
    figure stands in, ``(False, None, None)`` when no source had stated it yet.
    """
    ev = _evidence(claims)
    if not ev or record is None:
        return True, record, None  # nothing speaks to it, or the record leaves the field empty: nothing to date
    current = [c for c in ev if c.flag != "superseded"]
    support = [c for c in current if not c.stated or _same(_claim_amount(c, default_unit), record)]
    if support:
        if any(clock(c) for c in support):
            return True, record, None
    elif current and all(clock(c) for c in current):
        return True, record, None
    elif not current and any(clock(c) for c in ev):
        return True, record, None  # only superseded readings: the record's figure is unsourced, known with them
    best: tuple[date, int, Claim, Amount] | None = None
    for i, c in enumerate(ev):
        if not clock(c):
            continue
        a = _claim_amount(c, default_unit)
        if a is None or not _comparable(a, record):
            continue
        key = (clock.date(c) or date.min, i)
        if best is None or key >= best[:2]:
            best = (key[0], key[1], c, a)
    if best is None:
        return False, None, None
    value: Amount | float = best[3]
    if isinstance(record, int | float):
        value = best[3].low if best[3].high == best[3].low else best[3].mid
    return True, value, best[2]


def _visible(own: Sequence[Claim], shared: Sequence[Claim], clock: _Clock) -> bool:
    """Whether a term (a tranche, a rate, the term, the conditions) had been reported by the clock's date.

    Its own claims decide; without them, the deal's claims of its field; without any, it is known with its
    deal (the record's other sources).
    """
    ev = _evidence(own) or _evidence(shared)
    return not ev or any(clock(c) for c in ev)


def _entity_of(stated: str | None, resolve: Callable[[str], str | None] | None) -> str | None:
    if not stated or resolve is None:
        return None
    return resolve(stated)


def _as_of_party(record: str | None, claims: Sequence[Claim], clock: _Clock,
                 resolve: Callable[[str], str | None] | None) -> tuple[str | None, Claim | None]:
    """The payer (or payee) as known on the clock's date, from claims of field ``from`` (``to``).

    A claim's ``stated`` names the entity the source gives (an id or name); a claim with no ``stated``
    supports the record. The record's party stands once a supporting claim is published; before that the
    latest published claim naming another entity stands in; with none, the record's party (the deal's other
    sources name it).
    """
    ev = _evidence(claims)
    if not ev:
        return record, None
    current = [c for c in ev if c.flag != "superseded"]
    if any(clock(c) for c in current if not c.stated or _entity_of(c.stated, resolve) == record):
        return record, None
    best: tuple[date, int, Claim, str] | None = None
    for i, c in enumerate(ev):
        who = _entity_of(c.stated, resolve)
        if who is None or not clock(c):
            continue
        key = (clock.date(c) or date.min, i)
        if best is None or key >= best[:2]:
            best = (key[0], key[1], c, who)
    if best is None or best[3] == record:
        return record, None
    return best[3], best[2]


def _label(x: Amount | float | None) -> str:
    if isinstance(x, Amount):
        return x.label()
    return "none" if x is None else f"{x:g} GW"


def deal_as_of(deal: Deal, documents: Mapping[str, Document], on: date, *,
               resolve: Callable[[str], str | None] | None = None,
               cache: dict[str, bool] | None = None) -> DealAsOf:
    """The deal as its sources had reported it by ``on``: figures, terms, status and parties (no look-ahead).

    Every part of the record is dated by the claims behind it, and a claim by its document's publication
    date (``Document.known_on``; an undated document is not known). On ``on``:

    * **events** reported by then (dated on or before ``on`` and cited by a published claim; an event with
      no claim by its date) make the **status** (the latest of them; none: ``announced`` once announced);
    * **amount**, **quantity**, **capacity_gw**, **strike**: the record's figure once a claim supporting it is
      published, else the figure of the latest published claim of the field (a ``superseded`` earlier
      reading included), else none (see :func:`_as_of_value`);
    * **tranches**, **per_year** rates, **term**, **schedule**, **conditions**, explicit **flows**: kept when
      reported (their own claims, else the deal's claims of their field; a term no claim speaks to is known
      with its deal); a tranche's or rate's own figure is versioned like the amount; a ``tranches`` schedule
      with no tranche reported yet is read as an unstated flat schedule;
    * **from** / **to**: as :func:`_as_of_party` (claims whose ``stated`` names an entity);
    * **claims**: only those published by then (so sources cite nothing later).

    When anything differs, the record's ``title`` and ``note`` (prose written about the record as it stands
    today) are cleared. Cost: one pass over the deal's claims; the deal object itself when nothing differs.

    Args:
        deal: the ledger's record.
        documents: the ledger's documents by id.
        on: the as-of date.
        resolve: name or id -> entity id (``None`` when unknown), for claims of field from/to.
        cache: document id -> published by ``on`` (reuse across the deals of one date).

    >>> from dealweb.model import Claim, Document, Event
    >>> from dealweb.money import parse_amount
    >>> docs = {"r": Document("r", "R", date=date(2026, 1, 5)), "s": Document("s", "S", date=date(2026, 2, 1))}
    >>> d = Deal("x", "equity_investment", "a", "b", amount=parse_amount("$15B"), status=Status.SIGNED,
    ...          events=(Event(date(2026, 1, 5), Status.RUMOURED, claims=(Claim("r", "q", field="status"),)),
    ...                  Event(date(2026, 2, 1), Status.SIGNED, claims=(Claim("s", "q", field="status"),))),
    ...          claims=(Claim("r", "q $10B", stated="$10B", amount=parse_amount("$10B"), flag="superseded"),
    ...                  Claim("s", "q $15B", stated="$15B", amount=parse_amount("$15B"))))
    >>> v = deal_as_of(d, docs, date(2026, 1, 20))
    >>> v.deal.amount.label(), str(v.status), v.figures[0].document
    ('$10B', 'rumoured', 'r')
    """
    clock = _Clock(documents, on, cache)
    all_claims = [*deal.claims, *(c for e in deal.events for c in e.claims)]
    if all(clock(c) for c in all_claims) and all(
            clock(c) for t in deal.tranches for c in t.claims) and all(
            clock(c) for r in deal.per_year for c in r.claims) and all(e.date <= on for e in deal.events):
        return DealAsOf(deal, deal.status_on(on))
    changes: dict[str, Any] = {}
    figures: list[AsOfFigure] = []

    def note(fld: str, shown: str, c: Claim) -> None:
        figures.append(AsOfFigure(deal.id, fld, shown, c.document, clock.date(c), c.quote))

    # events and status
    events = tuple(e for e in deal.events if e.date <= on and (
        not _evidence(e.claims) or any(clock(c) for c in _evidence(e.claims))))
    if len(events) != len(deal.events):
        changes["events"] = events
    if events:
        status: Status | None = max(events, key=lambda e: e.date).status
    elif deal.announced is not None and deal.announced <= on:
        status = Status.ANNOUNCED if deal.events else deal.status
    elif deal.announced is None and not deal.events:
        status = deal.status
    else:
        status = None
    if status is not None and status is not deal.status:
        changes["status"] = status
    by_field: dict[str, list[Claim]] = {}
    for c in all_claims:
        by_field.setdefault(c.field, []).append(c)
    unit = deal.amount.unit if deal.amount is not None and deal.amount.is_money else None
    # scalar figures
    for fld, record, default_unit in (("amount", deal.amount, unit), ("quantity", deal.quantity, None),
                                      ("capacity_gw", deal.capacity_gw, "GW"), ("strike", deal.strike, unit)):
        known, value, claim = _as_of_value(record, by_field.get(fld, ()), clock, default_unit)
        if not known:
            if record is not None:
                changes[fld] = None
        elif claim is not None:
            changes[fld] = value
            note(fld, _label(value), claim)
    # parties
    for fld, attr in (("from", "payer"), ("to", "payee")):
        who, claim = _as_of_party(getattr(deal, attr), by_field.get(fld, ()), clock, resolve)
        if claim is not None:
            changes[attr] = who
            note(fld, str(who), claim)
    # terms
    shared_tranches = [*by_field.get("tranches", ()), *by_field.get("conditions", ())]
    tranches = []
    for t in deal.tranches:
        if not _visible(t.claims, shared_tranches, clock):
            continue
        known_t, amt, claim = _as_of_value(t.amount, t.claims, clock, unit)
        if claim is not None and isinstance(amt, Amount):
            t = replace(t, amount=amt)
            note("tranches", f"{t.trigger} {amt.label()}", claim)
        tranches.append(replace(t, claims=tuple(c for c in t.claims if clock(c))))
    if tranches != list(deal.tranches):
        changes["tranches"] = tuple(tranches)
        if deal.schedule == "tranches" and not tranches:
            changes["schedule"], changes["schedule_stated"] = "flat", False
    rates = []
    for r in deal.per_year:
        if not _visible(r.claims, by_field.get("per_year", ()), clock):
            continue
        known_r, amt, claim = _as_of_value(r.amount, r.claims, clock, unit)
        if claim is not None and isinstance(amt, Amount):
            r = replace(r, amount=amt)
            note("per_year", f"{amt.label()} a year", claim)
        rates.append(replace(r, claims=tuple(c for c in r.claims if clock(c))))
    if rates != list(deal.per_year):
        changes["per_year"] = tuple(rates)
    if (deal.term_start or deal.term_years or deal.term_end) and not _visible((), by_field.get("term", ()), clock):
        changes.update(term_start=None, term_years=None, term_end=None, term_start_label="")
    if deal.schedule_stated and "schedule" not in changes and not _visible((), by_field.get("schedule", ()), clock):
        changes["schedule"], changes["schedule_stated"] = "flat", False
    if deal.conditions and not _visible((), by_field.get("conditions", ()), clock):
        changes["conditions"] = ()
    if deal.flows and not _visible((), by_field.get("flows", ()), clock):
        changes["flows"] = ()
    claims = tuple(c for c in deal.claims if clock(c))
    if len(claims) != len(deal.claims):
        # the claims behind the figures shown come first, so that sources cite them
        first = {id(f_claim) for f_claim in all_claims if any(
            f.document == f_claim.document and f.quote == f_claim.quote for f in figures)}
        changes["claims"] = tuple(sorted(claims, key=lambda c: id(c) not in first))
    if not changes:
        return DealAsOf(deal, status)
    if figures or any(k not in ("claims", "events") for k in changes):
        changes.update(title="", note="")
    return DealAsOf(replace(deal, **changes), status, tuple(figures), True)


def fact_as_of(fact: Fact, documents: Mapping[str, Document], on: date,
               cache: dict[str, bool] | None = None) -> tuple[Fact | None, AsOfFigure | None]:
    """A fact as its sources had reported it by ``on``: ``(fact, figure)``; ``(None, None)`` when not yet.

    The value follows the rule of the deals' figures (:func:`_as_of_value` over the claims of field ``value``):
    the record's value once a claim supporting it is published, else the latest published (``superseded``
    included) reading, else not yet known. ``figure`` names the earlier reading when one stands in.
    """
    clock = _Clock(documents, on, cache)
    if not any(clock(c) for c in fact.claims if c.flag != "joke"):
        return None, None
    if all(clock(c) for c in fact.claims):
        return fact, None
    unit = fact.value.unit if fact.value is not None else None
    known, value, claim = _as_of_value(fact.value, [c for c in fact.claims if c.field == "value"], clock, unit)
    if not known or not isinstance(value, Amount):
        return None, None
    claims = tuple(c for c in fact.claims if clock(c))
    if claim is None:
        return replace(fact, claims=claims), None
    fig = AsOfFigure(fact.id, "value", value.label(), claim.document, clock.date(claim), claim.quote)
    return replace(fact, value=value, claims=claims, note=""), fig


def ledger_as_of(ledger: Ledger, on: date | None) -> Ledger:
    """The ledger as known on ``on``: deals and facts as their sources had reported them then.

    Every deal (fact) known on ``on`` is replaced by :func:`deal_as_of`'s (:func:`fact_as_of`'s) version;
    those not yet known (or of unknown date) are left as they are (readers filter them with
    :func:`known_deals` and the facts' known dates); conflicts are kept only when all their claims were
    published by ``on``. ``None``: the ledger itself.
    """
    if on is None:
        return ledger
    known, _, _ = known_deals(ledger, on)
    cache: dict[str, bool] = {}
    deals = dict(ledger.deals)
    for d in known:
        deals[d.id] = d
    facts = dict(ledger.facts)
    for f in ledger.facts.values():
        v, _ = fact_as_of(f, ledger.documents, on, cache)
        if v is not None:
            facts[f.id] = v
    clock = _Clock(ledger.documents, on, cache)
    conflicts = tuple(c for c in ledger.conflicts if all(clock(x) for x in c.claims))
    return replace(ledger, deals=deals, facts=facts, conflicts=conflicts)


def resolver(ledger: Ledger) -> Callable[[str], str | None]:
    """Name, alias or id -> entity id in ``ledger`` (``None`` when it names none), cached."""
    memo: dict[str, str | None] = {}

    def resolve(key: str) -> str | None:
        if key not in memo:
            try:
                memo[key] = ledger.entity(key).id
            except KeyError:
                memo[key] = None
        return memo[key]

    return resolve


def versions_on(ledger: Ledger, on: date | None) -> dict[str, tuple[AsOfFigure, ...]]:
    """Deal id -> the figures a view as of ``on`` shows that differ from the current record, with their sources.

    Only deals known on ``on`` (:func:`known_deals`) and with at least one such figure; ``{}`` without a date.
    """
    if on is None:
        return {}
    cache: dict[str, date | None] = {}
    published: dict[str, bool] = {}
    resolve = resolver(ledger)
    out: dict[str, tuple[AsOfFigure, ...]] = {}
    for d in ledger.deals.values():
        k = known_from(d, ledger.documents, cache)
        if k is None or k > on:
            continue
        v = deal_as_of(d, ledger.documents, on, resolve=resolve, cache=published)
        if v.status is not None and v.figures:
            out[d.id] = v.figures
    return out
