"""The ledger as plain data with stable keys (JSON), and back; CSV rows of flows; a networkx graph.

The keys are documented in ``docs/export-json.md``; they are a public interface: add keys, never rename.
``ledger_from_dict(ledger_to_dict(ledger))`` gives back the same ledger except for file positions.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import networkx as nx

from dealweb.model import (
    FLOW_KIND,
    Claim,
    Conflict,
    Deal,
    Document,
    Entity,
    EntityKind,
    Event,
    Fact,
    Flow,
    Ledger,
    Party,
    Rate,
    Status,
    Tier,
    Tranche,
    Window,
)
from dealweb.money import Amount, FxRate, FxTable, Qualifier
from dealweb.periods import PeriodError, fiscal_period

__all__ = ["EXPORT_VERSION", "amount_to_dict", "flow_rows", "ledger_from_dict", "ledger_to_dict", "ledger_to_graph"]

#: Version of the export's layout; bumped only when a key changes meaning.
EXPORT_VERSION = 1


def amount_to_dict(a: Amount | None) -> dict[str, Any] | None:
    """Keys ``low``, ``high``, ``currency``, ``qualifier``, ``usd_low``, ``usd_high`` and more.

    Also ``unit``, ``nominal``, ``text``, ``usd_rate`` (USD per unit) and ``usd_source``.
    """
    if a is None:
        return None
    d = a.as_dict()
    d["usd_rate"] = 1.0 if a.unit == "USD" else a.usd_rate
    d["usd_source"] = "native" if a.unit == "USD" else a.usd_source
    return d


def _amount(d: dict[str, Any] | None) -> Amount | None:
    if d is None:
        return None
    usd = d.get("unit") == "USD"
    return Amount(
        low=float(d["low"]), high=None if d.get("high") is None else float(d["high"]),
        qualifier=Qualifier(d.get("qualifier", "exact")), unit=d.get("unit"), text=d.get("text", ""),
        nominal=d.get("nominal"),
        usd_rate=None if usd else d.get("usd_rate"),
        usd_source=None if usd else d.get("usd_source"),
    )


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _date(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def _claim(c: Claim) -> dict[str, Any]:
    return {"document": c.document, "quote": c.quote, "start": c.start, "end": c.end, "field": c.field,
            "stated": c.stated, "amount": amount_to_dict(c.amount), "flag": c.flag, "note": c.note}


def _claim_from(d: dict[str, Any]) -> Claim:
    return Claim(document=d["document"], quote=d["quote"], start=d.get("start"), end=d.get("end"),
                 field=d.get("field", "amount"), stated=d.get("stated"), amount=_amount(d.get("amount")),
                 flag=d.get("flag"), note=d.get("note", ""))


def _flow(f: Flow) -> dict[str, Any]:
    return {"from": f.payer, "to": f.payee, "amount": amount_to_dict(f.amount), "deal": f.deal, "kind": f.kind,
            "note": f.note}


def _rate(r: Rate) -> dict[str, Any]:
    return {"amount": amount_to_dict(r.amount), "start": _iso(r.start), "end": _iso(r.end),
            "start_label": r.start_label, "end_label": r.end_label, "calendar": r.calendar, "note": r.note,
            "sources": [_claim(c) for c in r.claims]}


def _rate_from(d: dict[str, Any]) -> Rate:
    amount = _amount(d["amount"])
    assert amount is not None
    return Rate(amount, _date(d.get("start")), _date(d.get("end")), d.get("start_label") or "",
                d.get("end_label") or "", d.get("calendar"), d.get("note", ""),
                tuple(_claim_from(c) for c in d.get("sources", [])))


def _tranche(t: Tranche) -> dict[str, Any]:
    return {"trigger": t.trigger, "amount": amount_to_dict(t.amount), "quantity": amount_to_dict(t.quantity),
            "threshold": t.threshold, "date": _iso(t.date), "note": t.note, "gw": t.gw, "count": t.count,
            "price": amount_to_dict(t.price), "strike": amount_to_dict(t.strike), "milestone": t.milestone,
            "start": _iso(t.start), "start_label": t.start_label, "pro_rata": t.pro_rata,
            "sources": [_claim(c) for c in t.claims]}


def _tranche_from(t: dict[str, Any]) -> Tranche:
    return Tranche(t["trigger"], _amount(t.get("amount")), _amount(t.get("quantity")), t.get("threshold"),
                   _date(t.get("date")), t.get("note", ""), gw=t.get("gw"), count=t.get("count"),
                   price=_amount(t.get("price")), strike=_amount(t.get("strike")), milestone=t.get("milestone") or "",
                   start=_date(t.get("start")), start_label=t.get("start_label") or "",
                   pro_rata=bool(t.get("pro_rata", False)),
                   claims=tuple(_claim_from(c) for c in t.get("sources", [])))


def _deal(d: Deal) -> dict[str, Any]:
    return {
        "id": d.id, "type": d.type, "kind": d.kind, "title": d.title, "from": d.payer, "to": d.payee,
        "parties": [{"entity": p.entity, "role": p.role} for p in d.parties],
        "flows": [_flow(f) for f in d.flows],
        "amount": amount_to_dict(d.amount), "quantity": amount_to_dict(d.quantity), "capacity_gw": d.capacity_gw,
        "term": {"start": _iso(d.term_start), "years": d.term_years, "end": _iso(d.term_end),
                 "start_label": d.term_start_label},
        "schedule": d.schedule, "schedule_stated": d.schedule_stated,
        "per_year": [_rate(r) for r in d.per_year], "strike": amount_to_dict(d.strike),
        "consideration": d.consideration or None,
        "tranches": [_tranche(t) for t in d.tranches],
        "conditions": list(d.conditions), "status": str(d.status), "announced": _iso(d.announced),
        "events": [{"date": _iso(e.date), "status": str(e.status), "kind": e.kind or None, "note": e.note,
                    "precision": e.precision or "day", "date_basis": e.date_basis or "stated",
                    "date_shown": e.shown_date(),
                    "sources": [_claim(c) for c in e.claims]} for e in d.events],
        "sources": [_claim(c) for c in d.claims], "note": d.note,
    }


def _deal_from(d: dict[str, Any]) -> Deal:
    term = d.get("term") or {}
    return Deal(
        id=d["id"], type=d["type"], payer=d.get("from"), payee=d.get("to"),
        parties=tuple(Party(p["entity"], p.get("role", "")) for p in d.get("parties", [])),
        flows=tuple(Flow(f["from"], f["to"], _amount(f.get("amount")), f.get("deal", d["id"]),
                         f.get("kind", FLOW_KIND.get(d["type"], "none")), f.get("note", ""))
                    for f in d.get("flows", [])),
        amount=_amount(d.get("amount")), quantity=_amount(d.get("quantity")), capacity_gw=d.get("capacity_gw"),
        term_start=_date(term.get("start")), term_years=term.get("years"), schedule=d.get("schedule", "flat"),
        tranches=tuple(_tranche_from(t) for t in d.get("tranches", [])),
        term_end=_date(term.get("end")), term_start_label=term.get("start_label") or "",
        schedule_stated=bool(d.get("schedule_stated", False)),
        per_year=tuple(_rate_from(r) for r in d.get("per_year", [])), strike=_amount(d.get("strike")),
        consideration=d.get("consideration") or "",
        conditions=tuple(d.get("conditions", [])), status=Status(d.get("status", "announced")),
        announced=_date(d.get("announced")),
        events=tuple(Event(_date(e["date"]) or date.min, Status(e["status"]), e.get("note", ""),
                           tuple(_claim_from(c) for c in e.get("sources", [])), kind=e.get("kind") or "",
                           precision="" if e.get("precision") in (None, "day") else e["precision"],
                           date_basis="" if e.get("date_basis") in (None, "stated") else e["date_basis"])
                      for e in d.get("events", [])),
        claims=tuple(_claim_from(c) for c in d.get("sources", [])), title=d.get("title", ""),
        note=d.get("note", ""),
    )


def _entity(e: Entity) -> dict[str, Any]:
    return {"id": e.id, "name": e.name, "kind": str(e.kind), "names": dict(e.names), "aliases": list(e.aliases),
            "ticker": e.ticker, "country": e.country,
            "fiscal_year_end": f"{e.fiscal_year_end[0]:02d}-{e.fiscal_year_end[1]:02d}", "note": e.note}


def _entity_from(d: dict[str, Any]) -> Entity:
    mo, day = (int(x) for x in d.get("fiscal_year_end", "12-31").split("-"))
    return Entity(id=d["id"], names=dict(d.get("names") or {"en": d["id"]}), kind=EntityKind(d.get("kind", "company")),
                  aliases=tuple(d.get("aliases", [])), ticker=d.get("ticker"), country=d.get("country"),
                  fiscal_year_end=(mo, day), note=d.get("note", ""))


def _fact(f: Fact, ledger: Ledger) -> dict[str, Any]:
    start = end = None
    if f.period:
        ent = ledger.entities.get(f.entity)
        try:
            start, end = fiscal_period(f.period, ent.fiscal_year_end if ent else (12, 31))
        except PeriodError:
            start = end = None
    return {"id": f.id, "entity": f.entity, "metric": f.metric, "value": amount_to_dict(f.value),
            "period": f.period, "period_start": _iso(start), "period_end": _iso(end), "as_of": _iso(f.as_of),
            "includes": list(f.includes), "sources": [_claim(c) for c in f.claims], "note": f.note}


def _fact_from(d: dict[str, Any]) -> Fact:
    value = _amount(d["value"])
    assert value is not None
    return Fact(id=d["id"], entity=d["entity"], metric=d["metric"], value=value, period=d.get("period"),
                as_of=_date(d.get("as_of")), claims=tuple(_claim_from(c) for c in d.get("sources", [])),
                note=d.get("note", ""), includes=tuple(d.get("includes", [])))


def _document(doc: Document) -> dict[str, Any]:
    return {"id": doc.id, "title": doc.title, "outlet": doc.outlet, "date": _iso(doc.date),
            "language": doc.language, "tier": str(doc.tier), "url": doc.url, "file": doc.file,
            "start": doc.start, "end": doc.end, "note": doc.note, "date_basis": doc.date_basis,
            "not_before": _iso(doc.not_before), "not_after": _iso(doc.not_after), "sha256": doc.sha256 or None,
            "origin": doc.origin or None, "syndicated_from": doc.syndicated_from or None}


def _document_from(d: dict[str, Any]) -> Document:
    return Document(id=d["id"], title=d["title"], outlet=d.get("outlet", ""), date=_date(d.get("date")),
                    language=d.get("language", "en"), tier=Tier(d.get("tier", "secondary")), url=d.get("url", ""),
                    file=d.get("file"), start=d.get("start"), end=d.get("end"), note=d.get("note", ""),
                    date_basis=d.get("date_basis") or "", not_before=_date(d.get("not_before")),
                    not_after=_date(d.get("not_after")), sha256=d.get("sha256") or "", origin=d.get("origin") or "",
                    syndicated_from=d.get("syndicated_from") or "")


def _conflict(c: Conflict) -> dict[str, Any]:
    return {"record": c.record, "field": c.field, "kind": c.kind, "message": c.message,
            "sources": [_claim(x) for x in c.claims]}


def _origins(ledger: Ledger, record: str) -> dict[str, Any]:
    """``origins``: the independent reports behind a record (syndicated copies count once), and their count."""
    o = ledger.origins(record)
    return {"origins": o, "origin_count": len(o)}


def ledger_to_dict(ledger: Ledger) -> dict[str, Any]:
    """The whole ledger as JSON-ready data with the stable keys of ``docs/export-json.md``.

    Top-level keys: ``version``, ``name``, ``description``, ``window``, ``entities``, ``documents``,
    ``deals``, ``facts``, ``conflicts``, ``fx``. Amounts are in units of their currency (dollars, not billions).
    """
    w = ledger.window
    return {
        "version": EXPORT_VERSION,
        "name": ledger.name,
        "description": ledger.description,
        "window": None if w is None else {"start": _iso(w.start), "end": _iso(w.end), "note": w.note},
        "entities": [_entity(e) for e in ledger.entities.values()],
        "documents": [_document(d) for d in ledger.documents.values()],
        "deals": [{**_deal(d), **_origins(ledger, d.id)} for d in ledger.deals.values()],
        "facts": [{**_fact(f, ledger), **_origins(ledger, f.id)} for f in ledger.facts.values()],
        "conflicts": [_conflict(c) for c in ledger.conflicts],
        "fx": [{"currency": r.currency, "rate": r.rate, "date": _iso(r.date), "source": r.source}
               for r in ledger.fx.rates],
    }


def ledger_from_dict(d: dict[str, Any]) -> Ledger:
    """Rebuild a :class:`Ledger` from :func:`ledger_to_dict`'s output (file positions are not kept).

    Raises:
        KeyError, ValueError: the data is not an export of this layout.
    """
    return Ledger(
        name=d.get("name", "ledger"), description=d.get("description", ""),
        window=None if not d.get("window") else Window(date.fromisoformat(d["window"]["start"]),
                                                       _date(d["window"].get("end")), d["window"].get("note", "")),
        entities={e["id"]: _entity_from(e) for e in d.get("entities", [])},
        documents={x["id"]: _document_from(x) for x in d.get("documents", [])},
        deals={x["id"]: _deal_from(x) for x in d.get("deals", [])},
        facts={x["id"]: _fact_from(x) for x in d.get("facts", [])},
        fx=FxTable(tuple(FxRate(r["currency"], float(r["rate"]), date.fromisoformat(r["date"]), r.get("source", ""))
                         for r in d.get("fx", []))),
        conflicts=tuple(Conflict(c["record"], c["field"], c["kind"], c["message"],
                                 tuple(_claim_from(x) for x in c.get("sources", [])))
                        for c in d.get("conflicts", [])),
    )


def _best_claim(deal: Deal, fields: tuple[str, ...] = ("amount",)) -> Claim | None:
    cands = [c for c in deal.claims if c.field in fields and c.flag is None] or \
        [c for c in deal.claims if c.flag is None] or list(deal.claims)
    return cands[0] if cands else None


CSV_COLUMNS: tuple[str, ...] = (
    "deal", "type", "kind", "from", "to", "low", "high", "currency", "unit", "qualifier", "usd_low", "usd_high",
    "status", "announced", "capacity_gw", "document", "document_title", "quote", "start", "end",
)


def flow_rows(ledger: Ledger, on: date | None = None) -> list[dict[str, Any]]:
    """One row per pairwise flow (columns :data:`CSV_COLUMNS`), with the quote that best sources it."""
    rows = []
    for deal in ledger.deals.values():
        st = deal.status_on(on)
        if on is not None and st is None:
            continue
        claim = _best_claim(deal)
        doc = ledger.documents.get(claim.document) if claim else None
        for f in deal.pairwise_flows():
            a = amount_to_dict(f.amount) or {}
            rows.append({
                "deal": deal.id, "type": deal.type, "kind": f.kind, "from": f.payer, "to": f.payee,
                "low": a.get("low"), "high": a.get("high"), "currency": a.get("currency"), "unit": a.get("unit"),
                "qualifier": a.get("qualifier"), "usd_low": a.get("usd_low"), "usd_high": a.get("usd_high"),
                "status": str(st or deal.status), "announced": _iso(deal.announced), "capacity_gw": deal.capacity_gw,
                "document": claim.document if claim else None, "document_title": doc.title if doc else None,
                "quote": claim.quote if claim else None, "start": claim.start if claim else None,
                "end": claim.end if claim else None,
            })
    return rows


def ledger_to_graph(ledger: Ledger, on: date | None = None) -> nx.MultiDiGraph:
    """A directed multigraph: one node per entity, one edge per pairwise flow (payer -> payee).

    Attributes with no value are left out (GraphML has no null). Amounts are in units of their currency.
    """
    g = nx.MultiDiGraph(name=ledger.name)
    for e in ledger.entities.values():
        attrs = {"name": e.name, "kind": str(e.kind), "ticker": e.ticker, "country": e.country,
                 "name_zh_hant": e.names.get("zh-Hant"), "name_zh_hans": e.names.get("zh-Hans")}
        g.add_node(e.id, **{k: v for k, v in attrs.items() if v is not None})
    for row in flow_rows(ledger, on):
        attrs = {k: v for k, v in row.items() if k not in ("from", "to") and v is not None}
        g.add_edge(row["from"], row["to"], key=row["deal"], **attrs)
    return g
