"""Accepting a proposed claim: turn it into ledger records and write them through the ledger's writer.

A proposal (a claim dict as :func:`dealweb.extract.ingest.ingest_text` returns it, see
``docs/extraction.md``) becomes:

* ``matches`` — nothing to write: the ledger already holds this very claim;
* ``adds_source`` / ``conflicts`` — one more claim on the ``record`` it names
  (:func:`dealweb.ledger.write.add_claim`; disagreeing sources are all kept, and the loader marks the
  conflict);
* ``new`` — a new deal or fact carrying the claim, appended to ``reviewed.yaml`` in the ledger
  (:func:`dealweb.ledger.write.append_record`), after its source document when the ledger lacks it.

Every write passes the SHA-256 the app took when it read the file; a file changed since raises
:class:`~dealweb.ledger.write.StaleFileError` (HTTP 409).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from dealweb.errors import DealwebError
from dealweb.model import DEAL_TYPES, Ledger
from dealweb.web.state import AppState, Proposal

__all__ = ["REVIEW_FILE", "ReviewError", "accept", "claim_record"]

#: The file (in the ledger directory) that new records accepted in the app are appended to.
REVIEW_FILE = "reviewed.yaml"
_FLAGS = ("joke", "unit_slip", "disputed", "superseded")


class ReviewError(DealwebError):
    """A proposal that cannot be written as it stands (missing keys, unknown document...): HTTP 422."""


def _text(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ReviewError(f"the proposal has no {key}", f"a claim needs a non-empty '{key}'")
    return value


def _figure(claim: dict[str, Any]) -> tuple[str, str | None]:
    """``(field, stated)`` the claim supports: its amount, quantity, capacity or value, as written."""
    if claim.get("kind") == "fact":
        v = claim.get("value") or {}
        return "value", (v.get("text") or None) if isinstance(v, dict) else None
    for key in ("amount", "quantity"):
        v = claim.get(key)
        if isinstance(v, dict) and v.get("text"):
            return key, v["text"]
    if claim.get("capacity_gw") is not None:
        return "capacity_gw", None
    return "parties", None


def claim_record(claim: dict[str, Any]) -> dict[str, Any]:
    """The ledger claim (keys of ``claims:`` entries) for a proposal."""
    field, stated = _figure(claim)
    out: dict[str, Any] = {"document": _text(claim.get("document"), "document"),
                           "field": field, "quote": _text(claim.get("quote"), "quote")}
    for key in ("start", "end"):
        if isinstance(claim.get(key), int) and not isinstance(claim.get(key), bool):
            out[key] = claim[key]
    if stated:
        out["stated"] = stated
    if claim.get("flag") in _FLAGS:
        out["flag"] = claim["flag"]
    return out


def _slug(*parts: str) -> str:
    s = "-".join(p for p in parts if p)
    return re.sub(r"[^a-z0-9_-]+", "-", s.lower()).strip("-")[:80] or "record"


def _unique(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    k = 2
    while f"{base}-{k}" in taken:
        k += 1
    return f"{base}-{k}"


def _ref(obj: Any, key: str) -> str:
    if isinstance(obj, dict):
        obj = obj.get("id")
    return _text(obj, key)


def _new_record(ledger: Ledger, claim: dict[str, Any], doc_date: str | None) -> tuple[str, dict[str, Any]]:
    taken = set(ledger.deals) | set(ledger.facts)
    rec_claim = claim_record(claim)
    if claim.get("kind") == "fact":
        entity = _ref(claim.get("entity"), "entity")
        if entity not in ledger.entities:
            raise ReviewError(f"unknown entity {entity!r}", "add the entity to the ledger first")
        metric = _text(claim.get("metric"), "metric")
        value = (claim.get("value") or {}).get("text") if isinstance(claim.get("value"), dict) else None
        rid = _unique(_slug(entity, metric, str(claim.get("period") or "")), taken)
        rec: dict[str, Any] = {"id": rid, "entity": entity, "metric": metric, "value": _text(value, "value")}
        if claim.get("period"):
            rec["period"] = str(claim["period"])
        rec["claims"] = [rec_claim]
        return "facts", rec
    payer, payee = _ref(claim.get("from"), "from"), _ref(claim.get("to"), "to")
    for e in (payer, payee):
        if e not in ledger.entities:
            raise ReviewError(f"unknown entity {e!r}", "add the entity to the ledger first")
    dtype = _text(claim.get("type"), "type")
    if dtype not in DEAL_TYPES:
        raise ReviewError(f"unknown deal type {dtype!r}", "one of: " + ", ".join(DEAL_TYPES))
    rid = _unique(_slug(payer, payee, dtype.replace("_", "-")), taken)
    names = {e.id: e.name for e in ledger.entities.values()}
    rec = {"id": rid, "title": f"{names[payer]} → {names[payee]}: {dtype.replace('_', ' ')} (from review)",
           "type": dtype, "from": payer, "to": payee}
    for key in ("amount", "quantity"):
        v = claim.get(key)
        if isinstance(v, dict) and v.get("text"):
            rec[key] = v["text"]
    if isinstance(claim.get("capacity_gw"), int | float) and not isinstance(claim.get("capacity_gw"), bool):
        rec["capacity_gw"] = claim["capacity_gw"]
    rec["status"] = "announced"
    if doc_date:
        rec["announced"] = doc_date
    rec["claims"] = [rec_claim]
    return "deals", rec


def _record_file(ledger: Ledger, record: str) -> Path:
    rec = ledger.deals.get(record) or ledger.facts.get(record)
    if rec is None:
        raise ReviewError(f"the ledger has no deal or fact {record!r}", "reload the ledger, then review again")
    if rec.pos is None:
        raise ReviewError(f"the ledger does not say which file holds {record!r}", "reload the ledger")
    return Path(rec.pos.file).resolve()


def accept(state: AppState, proposal: Proposal) -> tuple[str | None, str | None]:
    """Write an accepted proposal to the ledger; return ``(file written or None, record id)``.

    The claim's document is appended first (to :data:`REVIEW_FILE`) when the ledger lacks it; if the
    record's write then fails, that file is put back as it was, so nothing is left half-written.

    Raises:
        ReviewError: the proposal cannot be written as it stands (HTTP 422).
        StaleFileError: a file to write changed since the app read it (HTTP 409).
        LedgerWriteError: the writer refused the edit, the ledger is unchanged (HTTP 422).
    """
    from dealweb.ledger.write import StaleFileError, add_claim, append_record

    claim = proposal.claim
    status = claim.get("status", "new")
    ledger = state.ledger
    root = state.root
    assert root is not None
    if status == "matches":
        return None, claim.get("record")
    if status not in ("new", "adds_source", "conflicts"):
        raise ReviewError(f"unknown proposal status {status!r}", "one of: new, matches, adds_source, conflicts")
    doc_id = _text(claim.get("document"), "document")
    target = root if root.is_file() else root / REVIEW_FILE
    file_arg = None if root.is_file() else REVIEW_FILE
    expected = state.hash_of(target)
    if expected is None and target.exists():
        raise StaleFileError(f"{target} appeared after the ledger was read", "reload the ledger and review again")
    before = target.read_bytes() if target.exists() else None
    doc_date = None
    wrote_doc = False
    if doc_id in ledger.documents:
        d = ledger.documents[doc_id].date
        doc_date = d.isoformat() if d else None
    else:
        meta = proposal.document or {}
        if meta.get("id") != doc_id:
            raise ReviewError(f"the ledger has no document {doc_id!r}",
                              "post the article with its document (id, title, outlet, date)")
        doc = {k: v for k, v in meta.items() if v not in (None, "") and k in
               ("id", "title", "outlet", "date", "language", "url")}
        doc.setdefault("tier", "secondary")
        doc_date = doc.get("date")
        append_record(root, "documents", doc, file=file_arg, expected_sha256=expected,
                      documents_dirs=state.documents_dirs)
        wrote_doc = True
    try:
        if status == "new":
            section, rec = _new_record(ledger, claim, doc_date)
            written = append_record(root, section, rec, file=file_arg,
                                    expected_sha256=_sha(target) if wrote_doc else expected,
                                    documents_dirs=state.documents_dirs)
            return str(written), rec["id"]
        record = _text(claim.get("record"), "record")
        path = _record_file(ledger, record)
        now = _sha(path) if (wrote_doc and path == target.resolve()) else state.hash_of(path) or ""
        written = add_claim(root, record, claim_record(claim), expected_sha256=now,
                            documents_dirs=state.documents_dirs)
        return str(written), record
    except Exception:
        if wrote_doc:  # put the review file back as it was
            if before is None:
                target.unlink(missing_ok=True)
            else:
                target.write_bytes(before)
        raise


def _sha(path: Path) -> str:
    from dealweb.ledger.write import file_sha256

    return file_sha256(path)
