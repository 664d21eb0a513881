"""What the report's and the web app's pages show about each record, as plain JSON-ready dicts.

Sources travel with every figure: a deal's or fact's payload carries each claim's quote, the outlet,
the document title and date, its evidence tier and flag, and the conflicts the loader derived. Nothing
is computed here beyond formatting: the figures are the ledger's own.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from dealweb import fmt
from dealweb.i18n import entity_name, segments
from dealweb.model import Claim, Deal, Entity, Fact, Ledger
from dealweb.money import Amount
from dealweb.report.mapview import chinese_name

__all__ = ["chapters", "claim_payload", "deal_payload", "entity_payload", "fact_payload", "ledger_payload",
           "script_json"]


def script_json(data: Any) -> str:
    """``data`` as JSON safe to place inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e``, ``\\u0026`` (so ``</script>`` in a quote cannot
    close the element) and U+2028/U+2029 are escaped (they end a line in older JavaScript parsers).
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=_default, allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _default(o: Any) -> Any:
    if isinstance(o, date):
        return o.isoformat()
    if hasattr(o, "as_dict"):
        return o.as_dict()
    raise TypeError(f"cannot encode {type(o).__name__} as JSON")


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _amount(a: Amount | None, lang: str = "en") -> dict[str, Any] | None:
    if a is None:
        return None
    return {"label": fmt.amount(a, lang=lang), "text": a.text, "qualifier": str(a.qualifier), "unit": a.unit,
            "low": a.low, "high": a.high, "usd_low": a.usd_low, "usd_high": a.usd_high}


def ledger_pos(ledger: Ledger, pos: Any) -> str | None:
    """A record's position as ``file:line:col`` with the file relative to the ledger's folder.

    Never a path of the machine that made the page (``/home/.../deals/cloud.yaml``) nor one relative to the
    folder the command ran in (``src/dealweb/data/<ledger>/deals/cloud.yaml``): ``deals/cloud.yaml:3:5``, the
    path a reader finds in the ledger. A file outside the ledger's folder keeps its name only.
    """
    if not pos:
        return None
    file = Path(str(pos.file))
    rel = None
    if ledger.root:
        root = Path(ledger.root)
        for f, r in ((file, root), (file.resolve(), root.resolve())):
            try:
                rel = f.relative_to(r).as_posix()
                break
            except ValueError:
                continue
        if rel is None and root.name in file.parts[:-1]:  # read from another checkout or working folder
            parts = file.parts
            k = len(parts) - 1 - parts[::-1].index(root.name)
            rel = Path(*parts[k + 1:]).as_posix()
    return f"{rel or file.name}:{pos.line}:{pos.col}"


def claim_payload(ledger: Ledger, claim: Claim) -> dict[str, Any]:
    """One claim with its source: quote, stated figure, flag, document title, outlet, date, tier, url."""
    doc = ledger.documents.get(claim.document)
    return {
        "document": claim.document,
        "quote": claim.quote,
        "field": claim.field,
        "stated": claim.stated,
        "flag": claim.flag,
        "note": claim.note,
        "start": claim.start,
        "end": claim.end,
        "title": doc.title if doc else "",
        "outlet": doc.outlet if doc else "",
        "date": _iso(doc.date) if doc else None,
        "tier": str(doc.tier) if doc else "",
        "origin": ledger.origin_of(claim.document),
        "language": doc.language if doc else "",
        "url": doc.url if doc else "",
        "pos": ledger_pos(ledger, claim.pos),
    }


def _conflicts(ledger: Ledger, record: str, lang: str = "en") -> list[dict[str, Any]]:
    """The record's conflicts: ``message`` in English (the CLI's words), ``said`` in ``lang``.

    ``said`` holds the parts a page's script writes (:func:`dealweb.i18n.segments`: quotes and ledger notes
    marked as written).
    """
    return [{"field": c.field, "kind": c.kind, "message": c.message, "said": segments(c.message, lang),
             "claims": [claim_payload(ledger, x) for x in c.claims]}
            for c in ledger.conflicts if c.record == record]


def _name(ledger: Ledger, eid: str | None, lang: str = "en") -> str:
    if eid is None:
        return ""
    e = ledger.entities.get(eid)
    return entity_name(e, lang) if e else eid


def deal_payload(ledger: Ledger, deal: Deal, lang: str = "en") -> dict[str, Any]:
    """A deal as the pages show it: parties, amount label, status, dates, claims and conflicts.

    ``lang`` (``en``, ``zh-Hant``, ``zh-Hans``) sets the script of names and the language of amount labels.
    """
    claims = list(deal.claims) + [c for e in deal.events for c in e.claims]
    return {
        "id": deal.id,
        "title": deal.title,
        "type": deal.type,
        "kind": deal.kind,
        "from": deal.payer,
        "to": deal.payee,
        "from_name": _name(ledger, deal.payer, lang),
        "to_name": _name(ledger, deal.payee, lang),
        "parties": [{"entity": p.entity, "name": _name(ledger, p.entity, lang), "role": p.role}
                    for p in deal.parties],
        "flows": [{"from": f.payer, "to": f.payee, "from_name": _name(ledger, f.payer, lang),
                   "to_name": _name(ledger, f.payee, lang), "amount": _amount(f.amount, lang), "note": f.note}
                  for f in deal.flows],
        "amount": _amount(deal.amount, lang),
        "quantity": _amount(deal.quantity, lang),
        "capacity_gw": deal.capacity_gw,
        "status": str(deal.status),
        "announced": _iso(deal.announced),
        "events": [{"date": _iso(e.date), "date_shown": e.shown_date(), "status": str(e.status), "note": e.note}
                   for e in deal.events],
        "conditions": list(deal.conditions),
        "note": deal.note,
        "claims": [claim_payload(ledger, c) for c in claims],
        "origins": ledger.origins(deal.id),
        "conflicts": _conflicts(ledger, deal.id, lang),
        "pos": ledger_pos(ledger, deal.pos),
    }


def fact_payload(ledger: Ledger, fact: Fact, lang: str = "en") -> dict[str, Any]:
    """A fact as the pages show it: entity, metric, value label, period, as-of date, claims, conflicts."""
    return {
        "id": fact.id,
        "entity": fact.entity,
        "entity_name": _name(ledger, fact.entity, lang),
        "metric": fact.metric,
        "value": _amount(fact.value, lang),
        "period": fact.period,
        "as_of": _iso(fact.as_of),
        "note": fact.note,
        "claims": [claim_payload(ledger, c) for c in fact.claims],
        "origins": ledger.origins(fact.id),
        "conflicts": _conflicts(ledger, fact.id, lang),
        "pos": ledger_pos(ledger, fact.pos),
    }


def entity_payload(ledger: Ledger, entity: Entity, lang: str = "en",
                   deals_of: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """An entity with its names, kind, ticker, country and the ids of its deals and facts.

    ``name`` is in ``lang``'s script (:func:`dealweb.i18n.entity_name`); ``names`` as the ledger records them.
    ``deals_of``: entity id -> its deal ids, when the caller has it (one pass over the deals for a whole
    ledger instead of one per entity).
    """
    return {
        "id": entity.id,
        "name": entity_name(entity, lang),
        "zh": chinese_name(entity),
        "names": dict(entity.names),
        "aliases": list(entity.aliases),
        "kind": str(entity.kind),
        "ticker": entity.ticker,
        "country": entity.country,
        "note": entity.note,
        "deals": sorted(deals_of.get(entity.id, ()) if deals_of is not None
                        else (d.id for d in ledger.deals.values() if entity.id in d.entities())),
        "facts": sorted(f.id for f in ledger.facts.values() if f.entity == entity.id),
    }


def chapters(ledger: Ledger) -> list[dict[str, Any]]:
    """The web date by date: for every date a deal was announced or changed, which deals were live then.

    Each chapter lists ``live`` deal ids (known and not cancelled on that date, per
    :meth:`dealweb.model.Ledger.deals_on`) and ``cancelled`` ones, plus the deals that ``changed`` on it, and
    ``as_of_figures``: deal id -> the figures its sources had reported by then where they differ from the
    current record (field, shown, document, date; :func:`dealweb.flows.versions_on`).
    The last chapter (``date`` ``None``) is the ledger as it stands.
    """
    dates: dict[date, set[str]] = {}
    for d in ledger.deals.values():
        if d.announced:
            dates.setdefault(d.announced, set()).add(d.id)
        for e in d.events:
            dates.setdefault(e.date, set()).add(d.id)
    from dealweb.flows import versions_on

    out = []
    for on in sorted(dates):
        every = ledger.deals_on(on, include_cancelled=True)
        live = sorted(d.id for d in ledger.deals_on(on))
        # figures a view as of this date shows as their sources had reported them (not the current record)
        as_of = {k: [{"field": f.field, "shown": f.shown, "document": f.document,
                      "date": f.date.isoformat() if f.date else None} for f in v]
                 for k, v in sorted(versions_on(ledger, on).items())}
        out.append({"date": on.isoformat(), "live": live,
                    "cancelled": sorted({d.id for d in every} - set(live)),
                    "changed": sorted(dates[on]), "as_of_figures": as_of})
    every = ledger.deals_on(None, include_cancelled=True)
    live = sorted(d.id for d in ledger.deals_on(None))
    out.append({"date": None, "live": live, "cancelled": sorted({d.id for d in every} - set(live)),
                "changed": [], "as_of_figures": {}})
    return out


def ledger_payload(ledger: Ledger, lang: str = "en") -> dict[str, Any]:
    """Everything the report's script needs: deals, facts, entities, documents, chapters (stable keys).

    ``lang`` (``en``, ``zh-Hant``, ``zh-Hans``): names in that script, amount labels in that language.
    ``chapters`` are the quarters of :func:`dealweb.report.chapters.quarter_chapters`.
    """
    from dealweb.report.chapters import quarter_chapters

    deals_of: dict[str, list[str]] = {}
    for d in ledger.deals.values():
        for e in d.entities():
            deals_of.setdefault(e, []).append(d.id)
    return {
        "name": ledger.name,
        "lang": lang,
        "deals": {d.id: deal_payload(ledger, d, lang) for d in sorted(ledger.deals.values(), key=lambda d: d.id)},
        "facts": {f.id: fact_payload(ledger, f, lang) for f in sorted(ledger.facts.values(), key=lambda f: f.id)},
        "entities": {e.id: entity_payload(ledger, e, lang, deals_of)
                     for e in sorted(ledger.entities.values(), key=lambda e: e.id)},
        "documents": {d.id: {"id": d.id, "title": d.title, "outlet": d.outlet, "date": _iso(d.date),
                             "language": d.language, "tier": str(d.tier), "url": d.url}
                      for d in sorted(ledger.documents.values(), key=lambda d: d.id)},
        "chapters": quarter_chapters(ledger, lang),
    }
