"""The JSON Schema (draft 2020-12) of one ledger file, built from the format's vocabulary.

``docs/ledger.schema.json`` and the packaged copy ``dealweb/ledger/ledger.schema.json`` are this function's
output (regenerate both with ``python -m dealweb.ledger.schema``; a test checks they are current). The
schema checks keys, types and vocabularies as an editor types; references between files, quotes and spans
are checked by ``dealweb check``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from dealweb.ledger import vocab

__all__ = ["build_schema", "schema_text"]

_DATE = {"type": "string", "pattern": r"^\d{4}-\d{1,2}-\d{1,2}$", "description": "YYYY-MM-DD"}
_ID = {"type": "string", "pattern": r"^[a-z0-9][a-z0-9_.-]*$"}
_TEXT = {"type": "string"}
_WHEN = {"type": ["string", "integer"], "description": "YYYY-MM-DD or a period label: FY2028, 2026-H2, 2027"}


def _obj(props: dict[str, Any], keys: set[str], required: tuple[str, ...] = ()) -> dict[str, Any]:
    assert set(props) == keys, sorted(set(props) ^ keys)
    out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = list(required)
    return out


def _figure_schema() -> dict[str, Any]:
    """One figure of the ``analyses`` section: a fact, a deal's field, or a labelled assumption."""
    from dealweb.ledger.analyses import DEAL_FIELDS

    return {"description": "{fact: ID}, {deal: ID, field: F} or {value: X, assumption: why}", "oneOf": [
        _obj({"fact": _ID, "note": _TEXT}, {"fact", "note"}, ("fact",)),
        _obj({"deal": _ID, "field": {"enum": list(DEAL_FIELDS)}, "note": _TEXT}, {"deal", "field", "note"},
             ("deal", "field")),
        _obj({"value": {"anyOf": [{"type": "string"}, {"type": "number", "minimum": 0}]}, "unit": _TEXT,
              "assumption": {"type": "string", "minLength": 1}}, {"value", "unit", "assumption"},
             ("value", "assumption")),
    ]}


def _analyses_schema() -> dict[str, Any]:
    """The ``analyses`` section: per test, one record or a list of them (``dealweb.ledger.analyses``)."""
    from dealweb.ledger.analyses import ANALYSIS_SPECS

    ids = {"anyOf": [_ID, {"type": "array", "items": _ID}]}
    figure = {"$ref": "#/$defs/figure"}
    tests: dict[str, Any] = {}
    for test, spec in ANALYSIS_SPECS.items():
        props: dict[str, Any] = {}
        props.update({k: _ID for k in spec["entities"]})
        props.update({k: ids for k in (*spec["entity_lists"], *spec["deals"])})
        props.update({k: figure for k in spec["figures"]})
        props.update({k: _TEXT for k in spec["texts"]})
        rec = _obj(props, set(props), tuple(spec["required"]))
        tests[test] = {"anyOf": [rec, {"type": "array", "items": {"$ref": f"#/$defs/analysis_{test}"}}]}
    return {"type": "object", "properties": tests, "additionalProperties": False}


def build_schema() -> dict[str, Any]:
    """The schema as a dict (stable key order, so the generated file diffs cleanly)."""
    amount_map = _obj({
        "low": {"type": "number", "minimum": 0}, "high": {"type": ["number", "null"], "minimum": 0},
        "currency": {"enum": list(vocab.CURRENCY_CODES)}, "unit": _TEXT,
        "qualifier": {"enum": list(vocab.QUALIFIERS)}, "text": _TEXT, "nominal": {"type": "number"},
        "usd_low": {"type": "number", "minimum": 0}, "usd_high": {"type": "number", "minimum": 0},
        "usd_rate": {"type": "number", "exclusiveMinimum": 0},
    }, vocab.AMOUNT_KEYS, ("low",))
    amount = {"description": "as written (1000億美元, 最高1000億美元, $40 billion) or a mapping",
              "anyOf": [{"type": "string"}, {"type": "number", "minimum": 0}, {"$ref": "#/$defs/amount_map"},
                        {"type": "null"}]}

    def claim(fields: tuple[str, ...]) -> dict[str, Any]:
        return _obj({
            "document": _ID, "field": {"enum": list(fields)}, "stated": {"type": ["string", "number"]},
            "quote": _TEXT, "start": {"type": "integer", "minimum": 0}, "end": {"type": "integer", "minimum": 0},
            "flag": {"enum": list(vocab.FLAGS)}, "note": _TEXT,
        }, vocab.CLAIM_KEYS, ("document", "quote"))

    deal_claims = {"type": "array", "items": {"$ref": "#/$defs/deal_claim"}}
    defs = {
        "amount_map": amount_map,
        "amount": amount,
        "deal_claim": claim(vocab.CLAIM_FIELDS_DEAL),
        "fact_claim": claim(vocab.CLAIM_FIELDS_FACT),
        "fx": _obj({"currency": {"enum": list(vocab.CURRENCY_CODES)}, "rate": {"type": "number", "exclusiveMinimum": 0},
                    "date": _DATE, "source": _TEXT, "note": _TEXT}, vocab.FX_KEYS, ("currency", "rate", "date")),
        "entity": _obj({
            "id": _ID, "kind": {"enum": list(vocab.KINDS)},
            "names": {"type": "object", "additionalProperties": {"type": "string"}},
            "aliases": {"type": "array", "items": {"type": "string"}}, "ticker": _TEXT, "country": _TEXT,
            "fiscal_year_end": {"type": "string", "pattern": r"^\d{1,2}-\d{1,2}$"}, "note": _TEXT, "url": _TEXT,
        }, vocab.ENTITY_KEYS, ("id", "names")),
        "document": _obj({
            "id": _ID, "title": _TEXT, "outlet": _TEXT, "date": {"anyOf": [_DATE, {"type": "null"}]},
            "date_basis": {"enum": list(vocab.DATE_BASES)}, "not_before": _DATE, "not_after": _DATE,
            "language": _TEXT, "tier": {"enum": list(vocab.TIERS)}, "file": _TEXT,
            "start": {"type": "integer", "minimum": 0}, "end": {"type": "integer", "minimum": 0}, "url": _TEXT,
            "note": _TEXT, "sha256": {"type": "string", "pattern": r"^[0-9a-fA-F]{64}$"}, "origin": _TEXT,
            "syndicated_from": _ID,
        }, vocab.DOCUMENT_KEYS, ("id", "title")),
        "deal": _obj({
            "id": _ID, "title": _TEXT, "type": {"enum": list(vocab.DEAL_TYPE_LIST)}, "from": _ID, "to": _ID,
            "parties": {"type": "array", "items": {"anyOf": [_ID, _obj(
                {"entity": _ID, "role": _TEXT, "note": _TEXT}, vocab.PARTY_KEYS, ("entity",))]}},
            "flows": {"type": "array", "items": _obj(
                {"from": _ID, "to": _ID, "amount": {"$ref": "#/$defs/amount"},
                 "type": {"enum": list(vocab.DEAL_TYPE_LIST)}, "note": _TEXT}, vocab.FLOW_KEYS, ("from", "to"))},
            "amount": {"$ref": "#/$defs/amount"}, "currency": {"enum": list(vocab.CURRENCY_CODES)},
            "capacity_gw": {"type": ["number", "string", "null"]}, "quantity": {"$ref": "#/$defs/amount"},
            "term": _obj({"start": _WHEN, "end": _WHEN, "years": {"type": "number", "exclusiveMinimum": 0}},
                         vocab.TERM_KEYS),
            "schedule": {"enum": list(vocab.SCHEDULES)},
            "per_year": {"type": "array", "items": _obj(
                {"amount": {"$ref": "#/$defs/amount"}, "start": _WHEN, "end": _WHEN, "calendar": _ID,
                 "claims": deal_claims, "note": _TEXT}, vocab.RATE_KEYS, ("amount", "start"))},
            "strike": {"$ref": "#/$defs/amount"},
            "consideration": {"enum": list(vocab.CONSIDERATIONS)},
            "tranches": {"type": "array", "items": _obj(
                {"trigger": {"enum": list(vocab.TRIGGERS)}, "amount": {"$ref": "#/$defs/amount"},
                 "quantity": {"$ref": "#/$defs/amount"}, "threshold": {"type": "number"}, "date": _DATE,
                 "gw": {"type": "number", "exclusiveMinimum": 0}, "count": {"type": "integer", "minimum": 1},
                 "price": {"$ref": "#/$defs/amount"}, "strike": {"$ref": "#/$defs/amount"}, "milestone": _TEXT,
                 "start": _WHEN, "claims": deal_claims, "note": _TEXT}, vocab.TRANCHE_KEYS, ("trigger",))},
            "conditions": {"type": "array", "items": {"type": "string"}},
            "status": {"enum": list(vocab.STATUSES)}, "announced": _DATE,
            "events": {"type": "array", "items": _obj(
                {"date": _DATE, "status": {"enum": list(vocab.STATUSES)}, "kind": {"enum": list(vocab.EVENT_KINDS)},
                 "precision": {"enum": list(vocab.EVENT_PRECISIONS)},
                 "date_basis": {"enum": list(vocab.EVENT_DATE_BASES)},
                 "note": _TEXT, "claims": deal_claims},
                vocab.EVENT_KEYS, ("date", "status"))},
            "claims": deal_claims, "note": _TEXT,
        }, vocab.DEAL_KEYS, ("id", "type")),
        "fact": _obj({
            "id": _ID, "entity": _ID, "metric": {"type": "string", "pattern": "^[a-z0-9_]+$"},
            "value": {"$ref": "#/$defs/amount"}, "currency": {"enum": list(vocab.CURRENCY_CODES)}, "unit": _TEXT,
            "period": _TEXT, "as_of": _DATE, "includes": {"anyOf": [_ID, {"type": "array", "items": _ID}]},
            "claims": {"type": "array", "items": {"$ref": "#/$defs/fact_claim"}},
            "note": _TEXT,
        }, vocab.FACT_KEYS, ("id", "entity", "metric", "value")),
    }
    sections = {
        "ledger": _obj({"name": _TEXT, "description": _TEXT, "documents_dirs": {"type": "array", "items": _TEXT},
                        "window": _obj({"start": _DATE, "end": _DATE, "note": _TEXT}, vocab.WINDOW_KEYS, ("start",)),
                        "note": _TEXT}, vocab.LEDGER_KEYS),
        "fx": {"type": "array", "items": {"$ref": "#/$defs/fx"}},
        "entities": {"type": "array", "items": {"$ref": "#/$defs/entity"}},
        "documents": {"type": "array", "items": {"$ref": "#/$defs/document"}},
        "deals": {"type": "array", "items": {"$ref": "#/$defs/deal"}},
        "facts": {"type": "array", "items": {"$ref": "#/$defs/fact"}},
        "analyses": _analyses_schema(),
    }
    defs["figure"] = _figure_schema()
    for test, body in sections["analyses"]["properties"].items():
        defs[f"analysis_{test}"] = body["anyOf"][0]
        body["anyOf"][0] = {"$ref": f"#/$defs/analysis_{test}"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/dealweb/dealweb/docs/ledger.schema.json",
        "title": "dealweb ledger file",
        "description": "One YAML file of a dealweb ledger (docs/ledger-format.md). Generated by "
                       "dealweb.ledger.schema; do not edit by hand.",
        "type": "object",
        "properties": sections,
        "additionalProperties": False,
        "$defs": defs,
    }


def schema_text() -> str:
    """The schema as the exact text of the shipped files."""
    return json.dumps(build_schema(), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the schema to the given paths (default: the docs copy and the packaged copy)."""
    args = sys.argv[1:] if argv is None else argv
    here = Path(__file__).resolve().parent
    paths = [Path(a) for a in args] or [here / "ledger.schema.json", here.parents[2] / "docs" / "ledger.schema.json"]
    for p in paths:
        p.write_text(schema_text(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
