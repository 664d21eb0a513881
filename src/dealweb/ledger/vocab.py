"""The ledger format's vocabulary: sections, the keys each record may hold, and the allowed values.

This module is the single place the format's keys are listed; the loader, the JSON Schema
(``ledger.schema.json``) and ``docs/ledger-format.md`` follow it (a test checks the schema agrees).
"""

from __future__ import annotations

from dealweb.model import DEAL_TYPES, EntityKind, Status, Tier
from dealweb.money import CURRENCIES, Qualifier

__all__ = [
    "CLAIM_FIELDS_DEAL",
    "CLAIM_FIELDS_FACT",
    "CLAIM_KEYS",
    "CURRENCY_CODES",
    "DATE_BASES",
    "DEAL_KEYS",
    "DOCUMENT_KEYS",
    "ENTITY_KEYS",
    "EVENT_KEYS",
    "EVENT_DATE_BASES",
    "EVENT_KINDS",
    "EVENT_PRECISIONS",
    "FACT_KEYS",
    "FLAGS",
    "FLOW_KEYS",
    "FX_KEYS",
    "KINDS",
    "LEDGER_KEYS",
    "PARTY_KEYS",
    "QUALIFIERS",
    "RATE_KEYS",
    "SCHEDULES",
    "SECTIONS",
    "STATUSES",
    "TERM_KEYS",
    "TIERS",
    "TRANCHE_KEYS",
    "TRIGGERS",
    "TRIGGER_NEEDS",
    "SCHEDULE_NEEDS",
    "WINDOW_KEYS",
    "AMOUNT_KEYS",
]

SECTIONS: tuple[str, ...] = ("ledger", "fx", "entities", "documents", "deals", "facts", "analyses")

LEDGER_KEYS = {"name", "description", "documents_dirs", "window", "note"}
WINDOW_KEYS = {"start", "end", "note"}
FX_KEYS = {"currency", "rate", "date", "source", "note"}
ENTITY_KEYS = {"id", "kind", "names", "aliases", "ticker", "country", "fiscal_year_end", "note", "url"}
DOCUMENT_KEYS = {"id", "title", "outlet", "date", "date_basis", "not_before", "not_after", "language", "tier", "file",
                 "start", "end", "url", "note", "sha256", "origin", "syndicated_from"}
DEAL_KEYS = {"id", "title", "type", "from", "to", "parties", "flows", "amount", "currency", "capacity_gw",
             "quantity", "term", "schedule", "per_year", "strike", "tranches", "conditions", "status", "announced",
             "events", "claims", "note", "consideration"}
#: What a deal is paid in: cash, stock (shares: value, not money, like a warrant's), or mixed (split not stated).
CONSIDERATIONS: tuple[str, ...] = ("cash", "stock", "mixed")
FACT_KEYS = {"id", "entity", "metric", "value", "currency", "unit", "period", "as_of", "includes", "claims", "note"}
CLAIM_KEYS = {"document", "field", "stated", "quote", "start", "end", "flag", "note"}
EVENT_KEYS = {"date", "status", "kind", "note", "claims", "precision", "date_basis"}
# What happened on an event's date, finer than the status it leaves the deal in (optional; the status is what
# the flows read). cancelled / fizzled / dropped / rejected all leave a deal `cancelled`.
EVENT_KINDS: tuple[str, ...] = (
    "reported", "announced", "letter_of_intent", "definitive_agreement", "closing", "tranche", "expanded",
    "renegotiated", "paused", "cancelled", "fizzled", "dropped", "rejected",
)
#: How much of an event's ``date`` its text gives: the day (default), the month ("In September"), the quarter or
#: the year. The date is a day inside that span (written as the span's first day unless another day is known);
#: outputs show the span ("2025-09", "2025-Q3", "2025").
EVENT_PRECISIONS: tuple[str, ...] = ("day", "month", "quarter", "year")
#: How an event's date was found: stated by the text (default), implied by it ("last Tuesday" in a dated page),
#: or assumed (a day inferred from "just before Thanksgiving", "late September": shown "~2025-11-26 (assumed)").
EVENT_DATE_BASES: tuple[str, ...] = ("stated", "implied", "assumed")
PARTY_KEYS = {"entity", "role", "note"}
FLOW_KEYS = {"from", "to", "amount", "type", "note"}
TRANCHE_KEYS = {"trigger", "amount", "quantity", "threshold", "date", "gw", "count", "price", "strike", "milestone",
                "start", "claims", "note"}
RATE_KEYS = {"amount", "start", "end", "calendar", "claims", "note"}
TERM_KEYS = {"start", "end", "years"}
AMOUNT_KEYS = {"low", "high", "currency", "unit", "qualifier", "text", "nominal", "usd_low", "usd_high", "usd_rate"}

KINDS: tuple[str, ...] = tuple(k.value for k in EntityKind)
STATUSES: tuple[str, ...] = tuple(s.value for s in Status)
TIERS: tuple[str, ...] = tuple(t.value for t in Tier)
QUALIFIERS: tuple[str, ...] = tuple(q.value for q in Qualifier)
FLAGS: tuple[str, ...] = ("joke", "unit_slip", "disputed", "superseded")
SCHEDULES: tuple[str, ...] = ("flat", "ramp", "upfront", "on_delivery", "tranches")
#: What each schedule shape needs when a deal writes it (the loader checks; docs/ledger-format.md lists it).
SCHEDULE_NEEDS: dict[str, str] = {
    "flat": "nothing more (no term: the whole amount stays one undated row, and the reader says so)",
    "ramp": "a length (term.years or term.end, or a per_year end)",
    "upfront": "nothing more (the day is term.start, else announced, as an assumption the reader lists)",
    "on_delivery": "a length (term.years or term.end)",
    "tranches": "at least one tranche",
}
TRIGGERS: tuple[str, ...] = ("per_gw", "share_price", "milestone", "date")
#: The key each trigger needs. per_gw's ``gw`` (GW per step) defaults to 1; it also needs a size: its
#: ``amount`` per step, or the deal's ``amount`` and ``capacity_gw`` (pro rata).
TRIGGER_NEEDS: dict[str, str] = {"per_gw": "gw", "share_price": "price", "milestone": "milestone", "date": "date"}
DATE_BASES: tuple[str, ...] = ("stated", "implied", "assumed", "bounded", "unknown")
CURRENCY_CODES: tuple[str, ...] = tuple(CURRENCIES)
CLAIM_FIELDS_DEAL: tuple[str, ...] = (
    "amount", "parties", "from", "to", "capacity_gw", "quantity", "status", "term", "type", "date",
    "announced", "tranches", "conditions", "flows", "schedule", "title", "per_year", "strike", "consideration",
)
CLAIM_FIELDS_FACT: tuple[str, ...] = ("value", "period", "as_of", "entity", "metric", "includes")
DEAL_TYPE_LIST: tuple[str, ...] = DEAL_TYPES
