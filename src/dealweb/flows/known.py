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

from collections.abc import Iterable, Mapping
from datetime import date

from dealweb.model import Claim, Deal, Document, Fact, Ledger

__all__ = ["document_date", "known_deals", "known_from", "ledger_window"]

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
        or before D and a status on D), the ids of deals whose sources are all undated, and the ids of deals
        known only later. Without ``as_of`` every deal is known.
    """
    if as_of is None:
        return list(ledger.deals.values()), [], []
    cache: dict[str, date | None] = {}
    known, unknown, later = [], [], []
    for d in ledger.deals.values():
        k = known_from(d, ledger.documents, cache)
        if k is None:
            unknown.append(d.id)
        elif k > as_of or d.status_on(as_of) is None:
            later.append(d.id)
        else:
            known.append(d)
    return known, unknown, later
