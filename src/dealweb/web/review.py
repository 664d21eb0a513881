"""Accepting a proposed claim in the web app: the same review as the CLI's, answers from the page's form.

A proposal (a claim dict as :func:`dealweb.extract.ingest.ingest_text` returns it, see
``docs/extraction.md``) is written by :func:`dealweb.extract.review.accept`, exactly as ``dealweb review``
writes it: one transaction per accept (the article's copy, its document, the firms the person agreed to
add, the record), validated before anything is replaced, never over a file changed since the app read
the ledger. New records go to :data:`REVIEW_FILE` in the ledger folder.

What the CLI asks at the prompt, the app asks with its form: an accept that needs an answer (a new
document's title, outlet or date; whether to add a firm the ledger does not know, with its names in each
script; what to do with a claim that conflicts with the ledger) answers HTTP 422 with ``needs`` saying
what, and the page posts the answers back with the accept (:class:`Answers`).

Errors: :class:`ReviewError` and :class:`~dealweb.extract.review.NeedsDecision` are HTTP 422;
:class:`~dealweb.ledger.write.StaleFileError` is HTTP 409.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dealweb.errors import DealwebError, InputError
from dealweb.web.state import AppState, Proposal

__all__ = ["REVIEW_FILE", "Answers", "ReviewError", "accept", "claim_record"]

#: The file (in the ledger directory) that new records accepted in the app are appended to.
REVIEW_FILE = "reviewed.yaml"
_FLAGS = ("joke", "unit_slip", "disputed", "superseded")


class ReviewError(DealwebError):
    """A proposal that cannot be written as it stands (missing keys, unknown document...): HTTP 422."""


@dataclass
class Answers:
    """The person's answers posted with an accept (see the module docstring)."""

    entities: dict[str, dict[str, str]] = field(default_factory=dict)
    on_conflict: str | None = None
    document: dict[str, str] = field(default_factory=dict)


def claim_record(claim: dict[str, Any]) -> dict[str, Any]:
    """The ledger claim (keys of ``claims:`` entries) for a proposal."""
    from dealweb.extract.review import _figure

    for key in ("document", "quote"):
        if not isinstance(claim.get(key), str) or not claim[key].strip():
            raise ReviewError(f"the proposal has no {key}", f"a claim needs a non-empty '{key}'")
    field_, stated = _figure(claim) if claim.get("kind") in ("deal", "fact") else ("parties", None)
    out: dict[str, Any] = {"document": claim["document"], "field": field_, "quote": claim["quote"]}
    for key in ("start", "end"):
        if isinstance(claim.get(key), int) and not isinstance(claim.get(key), bool):
            out[key] = claim[key]
    if stated:
        out["stated"] = stated
    if claim.get("flag") in _FLAGS:
        out["flag"] = claim["flag"]
    return out


def accept(state: AppState, proposal: Proposal, answers: Answers | None = None) -> tuple[str | None, str | None]:
    """Write an accepted proposal to the ledger; return ``(file written or None, record id)``.

    Raises:
        ReviewError: the proposal cannot be written as it stands (HTTP 422).
        NeedsDecision: the person must answer first (HTTP 422 with ``needs``); nothing written.
        StaleFileError: a file to write changed since the app read it (HTTP 409).
        LedgerWriteError: the writer refused the edit, the ledger is unchanged (HTTP 422).
    """
    from dealweb.extract.review import Decisions, DocumentMeta
    from dealweb.extract.review import accept as review_accept

    answers = answers or Answers()
    claim = dict(proposal.claim)
    claim.setdefault("status", "new")
    ledger, root = state.ledger, state.root
    assert root is not None
    if claim.get("status") == "matches":
        return None, claim.get("record")
    doc_id = claim.get("document")
    meta = dict(proposal.document or {})
    if isinstance(doc_id, str) and doc_id not in ledger.documents and meta.get("id") != doc_id:
        raise ReviewError(f"the ledger has no document {doc_id!r}",
                          "post the article with its document (id, title, outlet, date)")
    for k, v in answers.document.items():
        if v:
            meta[k] = v
    if not isinstance(claim.get("language"), str) and meta.get("language"):
        claim["language"] = meta["language"]
    decisions = Decisions(
        DocumentMeta(title=str(meta.get("title") or ""), outlet=str(meta.get("outlet") or ""),
                     date=str(meta.get("date") or ""), url=str(meta.get("url") or ""),
                     language=str(meta.get("language") or "")),
        article=proposal.article, entities=answers.entities, on_conflict=answers.on_conflict,
        target_file=None if root.is_file() else REVIEW_FILE)
    expected: dict[str, str | None] = dict(state.hashes)
    if not root.is_file():  # the review file must not appear behind the app's back either
        expected.setdefault(str((root / REVIEW_FILE).resolve()), None)
    try:
        out = review_accept(root, ledger, claim, expected, decisions)
    except InputError as exc:
        raise ReviewError(exc.message, exc.hint) from None
    return out.file or (out.files[0] if out.files else None), out.record
