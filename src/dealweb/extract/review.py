"""Turning accepted proposals into ledger records, written safely through :mod:`dealweb.ledger.write`.

Nothing reaches the ledger without a person's (or a script's explicit) accept: ``dealweb ingest`` only
proposes; ``dealweb review`` calls :func:`accept` for the proposals accepted. Each write is atomic, keeps
the files' comments and layout, refuses a file that changed since the review started
(:class:`dealweb.ledger.write.StaleFileError`), and is rolled back if the ledger would no longer validate.

What an accept writes, by status:

* ``new`` deal/fact -> a new record in ``deals``/``facts`` with this claim (and, when missing, the
  document and the gazetteer entities it names);
* ``adds_source`` -> the claim appended to the record's ``claims``;
* ``conflicts`` -> the claim appended too (the ledger keeps disagreeing claims and derives the
  conflict), flagged ``joke``/``unit_slip`` when that is the reason, ``disputed`` otherwise;
* ``matches`` -> nothing: the ledger already holds this claim.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dealweb.errors import InputError
from dealweb.extract.gazetteer import gazetteer_by_id
from dealweb.model import Ledger

__all__ = ["Outcome", "accept", "claim_id", "load_proposals"]

_REQUIRED = ("document", "kind", "quote", "start", "end", "status")


def claim_id(claim: dict[str, Any]) -> str:
    """A short stable id of a proposal (8 hex digits of the SHA-1 of document, kind, span and figure)."""
    fig = (claim.get("spans") or {}).get("amount") or (claim.get("spans") or {}).get("value") or \
        (claim.get("spans") or {}).get("capacity_gw") or []
    key = json.dumps([claim.get("document"), claim.get("kind"), claim.get("start"), claim.get("end"), fig,
                      claim.get("type") or claim.get("metric")], ensure_ascii=False)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def load_proposals(path: str | Path) -> list[dict[str, Any]]:
    """Proposals from an ``ingest --json`` file; :class:`InputError` naming the file and item on bad input."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror or exc})", "check the path") from None
    except UnicodeDecodeError:
        raise InputError(f"{p}: not UTF-8 text", "pass the file 'dealweb ingest --json' wrote") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{p}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg})",
                         "pass the file 'dealweb ingest --json' wrote") from None
    except RecursionError:
        raise InputError(f"{p}: JSON nested too deeply to be a proposals file",
                         "pass the file 'dealweb ingest --json' wrote") from None
    if not isinstance(data, list):
        raise InputError(f"{p}: expected a JSON list of proposals", "pass the output of 'dealweb ingest --json'")
    for i, c in enumerate(data):
        if not isinstance(c, dict):
            raise InputError(f"{p}: item {i} is not an object", "pass the output of 'dealweb ingest --json'")
        missing = [k for k in _REQUIRED if k not in c]
        if missing:
            raise InputError(f"{p}: item {i} lacks {', '.join(missing)}",
                             "pass the output of 'dealweb ingest --json'")
        c.setdefault("id", claim_id(c))
    return data


@dataclass
class Outcome:
    """What accepting one proposal did: ``written`` file, or ``skipped``/``error`` with a message."""

    id: str
    action: str
    file: str | None = None
    record: str | None = None
    message: str = ""
    extra: list[str] = field(default_factory=list)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "x"


def _figure(claim: dict[str, Any]) -> tuple[str, str | None]:
    """``(field, stated)`` of the claim's figure."""
    if claim["kind"] == "fact":
        return "value", (claim.get("value") or {}).get("text")
    if claim.get("amount"):
        return "amount", claim["amount"].get("text")
    if claim.get("quantity"):
        return "quantity", claim["quantity"].get("text")
    if claim.get("capacity_gw") is not None:
        sp = (claim.get("spans") or {}).get("capacity_gw")
        q = claim["quote"]
        stated = None
        if sp:
            stated = q[sp[0] - claim["start"]:sp[1] - claim["start"]] if claim["start"] <= sp[0] else None
        return "capacity_gw", stated
    return "parties", None


def _ledger_claim(claim: dict[str, Any], flag: str | None) -> dict[str, Any]:
    field_, stated = _figure(claim)
    out: dict[str, Any] = {"document": claim["document"], "field": field_, "quote": claim["quote"],
                           "start": claim["start"], "end": claim["end"]}
    if stated and stated in claim["quote"]:
        out["stated"] = stated
    if flag:
        out["flag"] = flag
    return out


def _unique(existing: set[str], base: str) -> str:
    rid, n = base, 2
    while rid in existing:
        rid, n = f"{base}-{n}", n + 1
    return rid


def _refresh(hashes: dict[str, str] | None, path: Path) -> None:
    """Our own write changed ``path``: its new hash is the one to expect from now on."""
    from dealweb.ledger.write import file_sha256

    if hashes is not None:
        hashes[str(Path(path).resolve())] = file_sha256(path)


def _ensure_entities(root: Path, ledger: Ledger, ids: list[str], out: Outcome, dirs: list[str],
                     hashes: dict[str, str] | None) -> None:
    from dealweb.ledger.write import append_record

    gaz = gazetteer_by_id()
    for eid in ids:
        if eid in ledger.entities or eid in out.extra:
            continue
        g = gaz.get(eid)
        if g is None:
            continue
        names = {k: v for k, v in (("en", g.en), ("zh-Hant", g.zh_hant), ("zh-Hans", g.zh_hans)) if v}
        rec: dict[str, Any] = {"id": g.id, "kind": g.kind, "names": names}
        if g.country:
            rec["country"] = g.country
        rec["note"] = "added by dealweb review from the built-in gazetteer"
        _refresh(hashes, append_record(root, "entities", rec, documents_dirs=dirs))
        out.extra.append(eid)


def _ensure_document(root: Path, ledger: Ledger, claim: dict[str, Any], out: Outcome, dirs: list[str],
                     hashes: dict[str, str] | None) -> None:
    from dealweb.ledger.write import append_record

    doc = claim["document"]
    if doc in ledger.documents or doc in out.extra:
        return
    src = claim.get("file")
    title = doc
    if src and Path(src).is_file():
        first = Path(src).read_text(encoding="utf-8", errors="replace").strip().split("\n", 1)[0]
        title = re.sub(r"<[^>]+>|^#+\s*", "", first).strip()[:200] or doc
    rec = {"id": doc, "title": title, "language": claim.get("language") or "zh-Hant", "tier": "secondary",
           "file": Path(src).name if src else None, "note": "added by dealweb review"}
    _refresh(hashes, append_record(root, "documents", {k: v for k, v in rec.items() if v is not None},
                                   documents_dirs=dirs))
    out.extra.append(doc)


def accept(ledger_root: str | Path, ledger: Ledger, claim: dict[str, Any],
           hashes: dict[str, str] | None = None) -> Outcome:
    """Write one accepted proposal into the ledger at ``ledger_root`` (see the module docstring).

    Args:
        ledger_root: the ledger directory.
        ledger: the ledger as loaded when the review began (ids, records' files).
        claim: the proposal, as ``dealweb ingest --json`` wrote it.
        hashes: ``file_sha256`` of the ledger's files when the review began; a write to a file that has
            changed since is refused (:class:`dealweb.ledger.write.StaleFileError`).

    Returns:
        The :class:`Outcome`; a failed write raises (``LedgerWriteError``, ``StaleFileError``).
    """
    from dealweb.ledger.write import StaleFileError, add_claim, append_record, file_sha256

    root = Path(ledger_root)
    for path, digest in (hashes or {}).items():
        if Path(path).exists() and file_sha256(path) != digest:
            raise StaleFileError(f"{path} changed since the review began",
                                 "run 'dealweb ingest' and 'dealweb review' again on the current ledger")
    cid = claim.get("id") or claim_id(claim)
    out = Outcome(cid, "skipped")
    status = claim["status"]
    dirs = [str(Path(claim["file"]).resolve().parent)] if claim.get("file") else []
    if status == "matches":
        out.message = f"already in the ledger ({claim.get('record')})"
        return out
    _ensure_document(root, ledger, claim, out, dirs, hashes)
    if status in ("adds_source", "conflicts") and claim.get("record"):
        reason = claim.get("reason") or ""
        flag = reason if reason in ("joke", "unit_slip") else ("disputed" if status == "conflicts" else None)
        if claim.get("flag") == "joke":
            flag = "joke"
        rec = claim["record"]
        pos = None
        if rec in ledger.deals:
            pos = ledger.deals[rec].pos
        elif rec in ledger.facts:
            pos = ledger.facts[rec].pos
        expected = hashes.get(str(Path(pos.file).resolve())) if (hashes and pos is not None) else None
        written = add_claim(root, rec, _ledger_claim(claim, flag), expected_sha256=expected, documents_dirs=dirs)
        out.action, out.file, out.record = "added_claim", str(written), rec
        return out
    flag = "joke" if claim.get("flag") == "joke" else None
    existing = set(ledger.deals) | set(ledger.facts)
    if claim["kind"] == "deal":
        payer, payee = claim["from"]["id"], claim["to"]["id"]
        _ensure_entities(root, ledger, [payer, payee], out, dirs, hashes)
        rid = _unique(existing, f"{payer}-{payee}-{_slug(claim['type'])}")
        record: dict[str, Any] = {"id": rid, "title": f"{claim['from']['name']} -> {claim['to']['name']}: "
                                  f"{claim['type'].replace('_', ' ')}", "type": claim["type"], "from": payer,
                                  "to": payee}
        amount = claim.get("amount")
        if amount and amount.get("currency") and amount.get("text") in claim["quote"]:
            record["amount"] = amount["text"]
        if claim.get("capacity_gw") is not None:
            record["capacity_gw"] = claim["capacity_gw"]
        if claim.get("term_years"):
            record["term"] = {"years": claim["term_years"]}
        if claim.get("conditions"):
            record["conditions"] = [c["text"] for c in claim["conditions"]]
        record["status"] = "announced"
        if claim.get("date") and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(claim["date"])):
            record["announced"] = claim["date"]
        record["claims"] = [_ledger_claim(claim, flag)]
        written = append_record(root, "deals", record, documents_dirs=dirs)
    else:
        ent = claim["entity"]["id"]
        _ensure_entities(root, ledger, [ent], out, dirs, hashes)
        rid = _unique(existing, f"{ent}-{_slug(claim['metric'])}" + (f"-{_slug(claim['period'])}"
                                                                      if claim.get("period") else ""))
        value = claim["value"]
        record = {"id": rid, "entity": ent, "metric": claim["metric"], "value": value.get("text")}
        if claim.get("period") and not str(claim["period"]).startswith("--"):
            record["period"] = claim["period"]
        record["claims"] = [_ledger_claim(claim, flag)]
        written = append_record(root, "facts", record, documents_dirs=dirs)
    out.action, out.file, out.record = "added_record", str(written), rid
    return out
