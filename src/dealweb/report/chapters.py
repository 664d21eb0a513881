"""The web quarter by quarter: chapters for the report's and the web app's map.

Each chapter is a calendar quarter from the first dated source to the last dated event, read with no
look-ahead: which deals were known and live at the quarter's last day comes from the one money layer,
:func:`dealweb.flows.build_flows` with ``as_of`` = that day (deals that move no money, which the flows
table does not hold, are read by the same rule: earliest dated source on or before the day, status then
from their dated events). A chapter lists the quarter's events (deals first known in it, and dated
changes: signed, closed, cancelled...) each with its own quote and source, and its title says how many.
The last chapter is the ledger as it stands (every deal, dated or not).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dealweb import fmt
from dealweb.i18n import check_lang, entity_name, messages
from dealweb.model import Claim, Deal, Ledger, Status

__all__ = ["quarter_chapters", "quarter_end", "quarter_of"]

#: Most events a chapter lists (the largest by money first, then by date); the tables hold every deal.
MAX_EVENTS = 60


def quarter_of(d: date) -> str:
    """``2025-Q3`` for any day of July to September 2025.

    >>> quarter_of(date(2025, 9, 30))
    '2025-Q3'
    """
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def quarter_end(d: date) -> date:
    """The last day of ``d``'s calendar quarter.

    >>> quarter_end(date(2025, 11, 2))
    datetime.date(2025, 12, 31)
    """
    q = (d.month - 1) // 3
    first_next = date(d.year + (q == 3), (q + 1) % 4 * 3 + 1, 1)
    return first_next - timedelta(days=1)


def _first_claim(deal: Deal, ledger: Ledger, on: date | None) -> Claim | None:
    """The deal's claim whose document is dated ``on`` (its earliest source), else its first claim."""
    claims = [c for c in deal.claims if c.flag not in ("joke",)]
    for c in claims:
        doc = ledger.documents.get(c.document)
        if on is not None and doc is not None and doc.date == on:
            return c
    return claims[0] if claims else None


def _source(ledger: Ledger, c: Claim | None) -> dict[str, Any] | None:
    if c is None:
        return None
    doc = ledger.documents.get(c.document)
    return {"document": c.document, "quote": c.quote, "outlet": doc.outlet if doc else "",
            "date": doc.date.isoformat() if doc and doc.date else None, "tier": str(doc.tier) if doc else "",
            "url": doc.url if doc else "", "language": doc.language if doc else ""}


def quarter_chapters(ledger: Ledger, lang: str = "en") -> list[dict[str, Any]]:
    """The chapters of ``ledger``: one per calendar quarter with a dated source or event, then "as it stands".

    Each chapter (stable keys): ``quarter`` (``2025-Q3``; ``None`` for the last), ``date`` (the quarter's
    last day, ISO; ``None`` for the last), ``title``, ``live`` (deal ids known and not cancelled then),
    ``cancelled``, ``conditional`` (live deals all of whose money was conditional then), ``changed``
    (deal ids with an event in the quarter), ``events`` (``date``, ``deal``, ``what``: ``new`` or the event's
    kind or status, ``title``, ``parties``, ``figure``: the deal's money in the flows table as of the
    quarter's end, and ``source``: the quote with its outlet, date, tier and address), ``counts``.
    Quarters between the first and the last dated record are all present, even quiet ones.
    """
    from dealweb.flows import STATUSES, build_flows, known_from

    lang = check_lang(lang)
    t = messages(lang)
    cache: dict[str, date | None] = {}
    known = {d.id: known_from(d, ledger.documents, cache) for d in ledger.deals.values()}
    days = [k for k in known.values() if k is not None]
    days += [e.date for d in ledger.deals.values() for e in d.events if known[d.id] is not None]
    # (the chapters start at the first dated source: an event dated before any source is known later)
    chapters: list[dict[str, Any]] = []

    def name(eid: str | None) -> str:
        e = ledger.entities.get(eid) if eid else None
        return entity_name(e, lang) if e else (eid or "")

    def parties(d: Deal) -> str:
        if d.payer and d.payee:
            return f"{name(d.payer)} → {name(d.payee)}"
        return ", ".join(name(p.entity) for p in d.parties)

    if days:
        first = quarter_end(min(k for k in known.values() if k is not None))
        last = quarter_end(max(days))
        ends = []
        q = first
        while q <= last:
            ends.append(q)
            q = quarter_end(q + timedelta(days=1))
        cancelled_code = STATUSES.index("cancelled")
        cond_codes = {STATUSES.index("conditional"), STATUSES.index("rumoured")}
        for end in ends:
            start = date(end.year, end.month - 2, 1)
            fl = build_flows(ledger, as_of=end)
            in_table: dict[str, set[int]] = {}
            usd: dict[str, float] = {}
            for di, st, v in zip(fl.deal.tolist(), fl.status.tolist(), fl.value.tolist(), strict=True):
                did = fl.deals[di]
                in_table.setdefault(did, set()).add(int(st))
                if int(st) != cancelled_code and v == v:
                    usd[did] = usd.get(did, 0.0) + float(v)
            live, cancelled, conditional = [], [], []
            for d in sorted(ledger.deals.values(), key=lambda d: d.id):
                if d.id in in_table:
                    codes = in_table[d.id]
                    if codes == {cancelled_code}:
                        cancelled.append(d.id)
                        continue
                    live.append(d.id)
                    if codes - {cancelled_code} <= cond_codes:
                        conditional.append(d.id)
                    continue
                k = known[d.id]
                if k is None or k > end:
                    continue
                st = d.status_on(end)
                if st is None:
                    continue
                (cancelled if st is Status.CANCELLED else live).append(d.id)
            events = []
            for d in ledger.deals.values():
                k = known[d.id]
                if k is None or k > end:
                    continue
                fig = fmt.money(usd[d.id], lang=lang) if usd.get(d.id) else ""
                if start <= k <= end:
                    events.append({"date": k.isoformat(), "deal": d.id, "what": "new", "title": d.title or d.id,
                                   "parties": parties(d), "figure": fig, "usd": usd.get(d.id, 0.0),
                                   "source": _source(ledger, _first_claim(d, ledger, k))})
                for e in d.events:
                    # an event dated before the deal's first source is told by the "new" line
                    if start <= e.date <= end and e.date > k:
                        c = e.claims[0] if e.claims else None
                        events.append({"date": e.date.isoformat(), "deal": d.id,
                                       "what": e.kind or str(e.status), "status": str(e.status),
                                       "title": d.title or d.id, "parties": parties(d), "figure": fig,
                                       "usd": usd.get(d.id, 0.0), "source": _source(ledger, c)})
            events.sort(key=lambda ev: (ev["date"], -ev["usd"], ev["deal"]))
            n_new = sum(1 for ev in events if ev["what"] == "new")
            n_cancel = sum(1 for ev in events if ev.get("status") == "cancelled")
            n_closed = sum(1 for ev in events if ev.get("status") == "completed")
            lead = max((ev for ev in events if ev["what"] == "new"), key=lambda ev: (ev["usd"], ev["deal"]),
                       default=None)
            title = t("chapter.title", quarter=quarter_of(end), new=n_new, closed=n_closed, cancelled=n_cancel)
            if lead is not None:
                title += " " + t("chapter.lead", title=lead["parties"] or lead["title"],
                                 figure=lead["figure"] or t("js.undisclosed"))
            if len(events) > MAX_EVENTS:
                keep = sorted(events, key=lambda ev: (-ev["usd"], ev["date"], ev["deal"]))[:MAX_EVENTS]
                keep_ids = {id(ev) for ev in keep}
                events = [ev for ev in events if id(ev) in keep_ids]
            chapters.append({"quarter": quarter_of(end), "date": end.isoformat(), "title": title,
                             "live": live, "cancelled": cancelled, "conditional": conditional,
                             "changed": sorted({ev["deal"] for ev in events}), "events": events,
                             "counts": {"new": n_new, "closed": n_closed, "cancelled": n_cancel,
                                        "live": len(live), "undated": len(fl.unknown_date)}})
    every = ledger.deals_on(None, include_cancelled=True)
    live_now = sorted(d.id for d in ledger.deals_on(None))
    chapters.append({"quarter": None, "date": None, "title": t("chapter.as_stands", n=len(live_now)),
                     "live": live_now, "cancelled": sorted({d.id for d in every} - set(live_now)),
                     "conditional": None, "changed": [], "events": [],
                     "counts": {"live": len(live_now)}})
    return chapters
