"""Turning accepted proposals into ledger records: one transaction per accept, nothing decided for the person.

Nothing reaches the ledger without a person's (or a script's explicit) accept: ``dealweb ingest`` only
proposes; ``dealweb review`` and the web app's review page call :func:`accept` for the proposals accepted.
Each accept is one :class:`dealweb.ledger.write.Transaction`: the article's copy, its document record, any
firm the person agreed to add, and the deal, fact or claim are written together or not at all, after the
whole ledger has been validated with them, and never over a file changed since the review began.

What an accept writes, by status:

* ``new`` deal/fact -> a new record in ``deals``/``facts`` with this claim;
* ``adds_source`` -> the claim appended to the record's ``claims``;
* ``conflicts`` -> only when the person decided (``on_conflict``): ``disputed`` appends the claim flagged
  (``joke``/``unit_slip`` when that is the reason), ``plain`` appends it unflagged (the ledger keeps both
  and reports the conflict); without a decision the accept stops with :class:`NeedsDecision`;
* ``matches`` -> nothing: the ledger already holds this claim.

Decisions the program never takes alone (each raises :class:`NeedsDecision`, whose ``needs`` says what to
ask; the CLI prompts or names the flag, the web app returns it with HTTP 422 for its form):

* ``document``: a new document needs its title, outlet and date, and either its article (copied into the
  ledger's ``documents/`` folder, so every quote stays checkable) or its address (a link-only reference);
* ``entities``: a firm the ledger does not know is added only when the person agrees, with the names the
  person gives (defaults: the name as the article writes it, under its script); no built-in list is used;
* ``conflict``: a claim disagreeing with the ledger is shown beside the ledger's figure.

Files are read only from the ledger's folders, its document folders, or paths the person named
(``allowed``): a proposal naming ``/etc/passwd`` is refused, and devices or FIFOs are refused by type.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dealweb.errors import DealwebError, InputError
from dealweb.model import DEAL_TYPES, Ledger

__all__ = ["STATUSES", "Decisions", "DocumentMeta", "NeedsDecision", "Outcome", "accept", "claim_id",
           "entity_names", "load_proposals", "unknown_entities"]

_REQUIRED = ("document", "kind", "quote", "start", "end", "status")
#: The statuses a proposal may carry (``dealweb ingest`` writes them).
STATUSES = ("new", "matches", "adds_source", "conflicts")
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SCRIPTS = ("en", "zh-Hant", "zh-Hans")


class NeedsDecision(DealwebError):
    """The accept needs the person's answer first; ``needs`` says what (nothing was written).

    ``needs`` has one of the keys ``document`` (list of missing fields: title, outlet, date, source),
    ``entities`` (list of ``{"id", "names"}`` of unknown firms, names as the article writes them) or
    ``conflict`` (``{"record", "reason", "ledger", "claim"}``: the ledger's figure and the article's).
    """

    def __init__(self, message: str, hint: str, needs: dict[str, Any]) -> None:
        super().__init__(message, hint)
        self.needs = needs


@dataclass
class DocumentMeta:
    """What a person says about a new document: title, outlet, date (YYYY-MM-DD), address, language."""

    title: str = ""
    outlet: str = ""
    date: str = ""
    url: str = ""
    language: str = ""


@dataclass
class Decisions:
    """The person's answers for one accept (see the module docstring).

    Attributes:
        document: the new document's title, outlet, date and address.
        article: the article's text when the caller holds it (the web app's pasted text); copied as is.
        allowed: files and folders the person named (``--article``): a proposal's ``file`` is read only
            when it lies in one of them or in the ledger's own folders.
        entities: names (by script) of the unknown firms the person agreed to add, by entity id.
        on_conflict: ``disputed`` or ``plain`` for a conflicting claim (``None``: not decided).
        target_file: the file new records go to (the web app's ``reviewed.yaml``); default: the last file
            holding the section.
    """

    document: DocumentMeta = field(default_factory=DocumentMeta)
    article: str | None = None
    allowed: tuple[Path, ...] = ()
    entities: dict[str, dict[str, str]] = field(default_factory=dict)
    on_conflict: str | None = None
    target_file: str | None = None  # where new records go (relative to the ledger); default: by section


def claim_id(claim: dict[str, Any]) -> str:
    """A short stable id of a proposal (8 hex digits of the SHA-1 of document, kind, span and figure)."""
    spans = claim.get("spans") if isinstance(claim.get("spans"), dict) else {}
    fig = spans.get("amount") or spans.get("value") or spans.get("capacity_gw") or []
    items = [claim.get("document"), claim.get("kind"), claim.get("start"), claim.get("end"), fig,
             claim.get("type") or claim.get("metric")]
    key = _plain_json(items)
    if key is None:
        key = json.dumps(items, ensure_ascii=False, default=str)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


_encode_str = json.encoder.encode_basestring  # what json.dumps(..., ensure_ascii=False) writes for a str


def _plain_json(items: list[Any]) -> str | None:
    """``json.dumps(items, ensure_ascii=False)`` for a list of strings, ``None``, ints and lists of ints, else ``None``.

    The same text, written without the encoder's machinery (a claim id is computed for every proposal).
    """
    out = []
    for x in items:
        t = type(x)
        if t is str:
            out.append(_encode_str(x))
        elif x is None:
            out.append("null")
        elif t is int:
            out.append(int.__repr__(x))
        elif t is list and all(type(v) is int for v in x):
            out.append("[" + ", ".join(map(int.__repr__, x)) + "]")
        else:
            return None
    return "[" + ", ".join(out) + "]"


def _check_proposal(c: dict[str, Any]) -> str | None:
    """What is wrong with one proposal's shape, or ``None``."""
    if c["status"] not in STATUSES:
        return f"unknown status {c['status']!r} (expected one of: {', '.join(STATUSES)})"
    if c["kind"] not in ("deal", "fact"):
        return f"unknown kind {c['kind']!r} (expected deal or fact)"
    for k in ("start", "end"):
        if isinstance(c[k], bool) or not isinstance(c[k], int) or c[k] < 0:
            return f"{k!r} must be a character offset (a whole number >= 0), found {c[k]!r}"
    if c["end"] < c["start"]:
        return f"inverted span: end {c['end']} < start {c['start']}"
    if not isinstance(c["quote"], str) or not c["quote"].strip():
        return "'quote' must be the sentence's text"
    if not isinstance(c["document"], str):
        return "'document' must be a document id"
    if c.get("file") is not None and not isinstance(c["file"], str):
        return "'file' must be a path"
    if c["kind"] == "deal":
        for k in ("from", "to"):
            v = c.get(k)
            if not (isinstance(v, dict) and isinstance(v.get("id"), str) and v["id"]):
                return f"{k!r} must be {{id, name}} of a firm"
        if c.get("type") not in DEAL_TYPES:
            return f"unknown deal type {c.get('type')!r}"
    elif not (isinstance(c.get("entity"), dict) and isinstance(c["entity"].get("id"), str)):
        return "'entity' must be {id, name} of a firm"
    return None


def load_proposals(path: str | Path) -> list[dict[str, Any]]:
    """Proposals from an ``ingest --json`` file; :class:`InputError` naming the file and item on bad input."""
    from dealweb.limits import read_regular

    p = Path(path)
    try:
        data = json.loads(read_regular(p, "proposals file").decode("utf-8"))
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
        wrong = _check_proposal(c)
        if wrong:
            raise InputError(f"{p}: item {i}: {wrong}", "pass the output of 'dealweb ingest --json', unedited")
        c.setdefault("id", claim_id(c))
    return data


@dataclass
class Outcome:
    """What accepting one proposal did: ``written`` files, or ``skipped`` with a message."""

    id: str
    action: str
    file: str | None = None
    record: str | None = None
    message: str = ""
    extra: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "x"


def _figure(claim: dict[str, Any]) -> tuple[str, str | None]:
    """``(field, stated)`` of the claim's figure."""
    if claim["kind"] == "fact":
        v = claim.get("value")
        return "value", v.get("text") if isinstance(v, dict) else None
    for key in ("amount", "quantity"):
        v = claim.get(key)
        if isinstance(v, dict) and v.get("text"):
            return key, v["text"]
    if claim.get("capacity_gw") is not None:
        sp = (claim.get("spans") or {}).get("capacity_gw")
        q = claim["quote"]
        stated = None
        if sp and claim["start"] <= sp[0]:
            stated = q[sp[0] - claim["start"]:sp[1] - claim["start"]]
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


def _script_of(name: str, language: str) -> str:
    """The names key a firm's name is written under: ``en`` for Latin letters, else the article's script."""
    if any("\u3400" <= ch <= "\u9fff" for ch in name):
        return language if language in ("zh-Hant", "zh-Hans") else "zh-Hant"
    return "en"


def entity_names(claim: dict[str, Any], eid: str) -> dict[str, str]:
    """The names of firm ``eid`` as the proposal writes them, keyed by script (en, zh-Hant, zh-Hans)."""
    lang = str(claim.get("language") or "")
    out: dict[str, str] = {}
    spans = claim.get("spans") if isinstance(claim.get("spans"), dict) else {}
    quote, start = claim.get("quote") or "", claim.get("start") if isinstance(claim.get("start"), int) else 0
    for key in ("from", "to", "entity"):
        v = claim.get(key)
        if not (isinstance(v, dict) and v.get("id") == eid):
            continue
        sp = spans.get(key)
        if isinstance(sp, list) and len(sp) == 2 and all(isinstance(x, int) for x in sp):
            written = quote[sp[0] - start:sp[1] - start].strip() if start <= sp[0] <= sp[1] else ""
            if written:  # the name as the article writes it, under its script
                out.setdefault(_script_of(written, lang), written[:200])
        if isinstance(v.get("name"), str) and v["name"].strip():
            out.setdefault(_script_of(v["name"], lang), v["name"].strip()[:200])
    return out or {"en": eid}


def unknown_entities(ledger: Ledger, claim: dict[str, Any]) -> list[dict[str, Any]]:
    """``[{id, names}]`` of the firms a proposal names that the ledger does not hold."""
    ids = [claim["from"]["id"], claim["to"]["id"]] if claim["kind"] == "deal" else [claim["entity"]["id"]]
    out = []
    for eid in dict.fromkeys(ids):
        if eid not in ledger.entities:
            out.append({"id": eid, "names": entity_names(claim, eid)})
    return out


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path == folder or path.is_relative_to(folder)
    except ValueError:
        return False


def _document_source(root: Path, ledger: Ledger, claim: dict[str, Any], decisions: Decisions,
                     doc: str) -> tuple[str | None, bytes | None, str]:
    """``(file as the ledger records it, bytes to copy or None, first line)`` of the claim's article.

    The article is the text the caller holds, or the proposal's ``file`` when it lies in the ledger's
    folders or in a path the person named; anything else is refused.
    """
    from dealweb.extract.ingest import MAX_BYTES
    from dealweb.limits import read_regular

    if decisions.article is not None:
        text = decisions.article
        return f"documents/{doc}.txt", text.encode("utf-8"), text.strip().split("\n", 1)[0]
    src = claim.get("file")
    if not src:
        return None, None, ""
    real = Path(src).expanduser().resolve()
    base = root.resolve() if root.is_dir() else root.resolve().parent
    homes = [base, *(Path(d).resolve() for d in ledger.documents_dirs)]
    allowed = [Path(a).expanduser().resolve() for a in decisions.allowed]
    if not any(_inside(real, h) for h in [*homes, *allowed]):
        raise InputError(f"the proposal names the file {src}, which is outside the ledger's document folders "
                         "and was not named on the command line",
                         f"to copy it into the ledger, pass --article {src}; otherwise give the article's address "
                         "with --url (a link-only reference)")
    raw = read_regular(real, "article", max_bytes=MAX_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{src}: the article is not UTF-8 text, so its copy could not be checked",
                         "convert it to UTF-8 (iconv), ingest it again, and review that") from None
    first = re.sub(r"<[^>]+>|^#+\s*", "", text.strip().split("\n", 1)[0]).strip()
    for h in [*homes[1:], base]:  # in the ledger's folders already: refer to it where the loader finds it
        if _inside(real, h):
            return str(real.relative_to(h)), None, first
    suffix = real.suffix.lower() if real.suffix.lower() in (".txt", ".md", ".html", ".htm") else ".txt"
    return f"documents/{doc}{suffix}", text.encode("utf-8"), first


def _document_record(root: Path, ledger: Ledger, claim: dict[str, Any], decisions: Decisions
                     ) -> tuple[dict[str, Any], tuple[str, bytes] | None]:
    """The new document's record, and the copy to write (relative path, bytes), or :class:`NeedsDecision`."""
    doc = claim["document"]
    if not _ID.match(doc):
        raise InputError(f"document id {doc!r} is not a plain id",
                         "ids use lowercase letters, digits, '-', '_' and '.'; run 'dealweb ingest' again")
    meta = decisions.document
    file, data, first = _document_source(root, ledger, claim, decisions, doc)
    title = (meta.title or first or "").strip()[:500]
    missing = [k for k, v in (("title", title), ("outlet", meta.outlet.strip()), ("date", meta.date.strip()))
               if not v]
    if file is None and not meta.url.strip():
        missing.append("source")
    if missing:
        raise NeedsDecision(
            f"the new document {doc!r} needs its " + ", ".join(missing),
            "give " + ", ".join({"title": "its title (--title)", "outlet": "its outlet (--outlet)",
                                 "date": "the date it was published (--date YYYY-MM-DD)",
                                 "source": "the article (--article FILE: a copy is kept) or its address "
                                           "(--url: a link-only reference)"}[m] for m in missing)
            + "; in the web app, the form's fields",
            {"document": missing, "id": doc, "title": title})
    if not _DATE.match(meta.date.strip()):
        raise InputError(f"document date {meta.date!r} is not a date", "write YYYY-MM-DD, e.g. 2025-10-01")
    rec: dict[str, Any] = {"id": doc, "title": title, "outlet": meta.outlet.strip(), "date": meta.date.strip(),
                           "language": meta.language or claim.get("language") or "en", "tier": "secondary"}
    if meta.url.strip():
        rec["url"] = meta.url.strip()
    if file is not None:
        rec["file"] = file
    rec["note"] = "added by dealweb review" + ("" if file else " (link only: the article is not kept)")
    return rec, ((file, data) if (file is not None and data is not None) else None)


def _conflict_needs(ledger: Ledger, claim: dict[str, Any]) -> dict[str, Any]:
    rec = claim.get("record")
    ours = ledger.deals.get(rec) or ledger.facts.get(rec) if rec else None
    figure = None
    if ours is not None:
        a = getattr(ours, "amount", None) or getattr(ours, "value", None)
        figure = a.label() if a is not None else None
    return {"record": rec, "reason": claim.get("reason") or "", "ledger": figure, "claim": _figure(claim)[1]}


def accept(ledger_root: str | Path, ledger: Ledger, claim: dict[str, Any],
           hashes: dict[str, str | None] | None = None, decisions: Decisions | None = None) -> Outcome:
    """Write one accepted proposal into the ledger at ``ledger_root``, as one transaction.

    Args:
        ledger_root: the ledger directory (never the installed package: refused by the writer).
        ledger: the ledger as loaded when the review began (ids, records' files).
        claim: the proposal, as ``dealweb ingest --json`` wrote it.
        hashes: ``file_sha256`` of the ledger's files when the review began (``None`` for a file that did
            not exist); a write to a file changed since is refused (:class:`StaleFileError`).
        decisions: the person's answers (document, firms to add, what to do with a conflict).

    Returns:
        The :class:`Outcome` (``added_record``, ``added_claim`` or ``skipped``).

    Raises:
        NeedsDecision: something only the person can decide (nothing was written).
        InputError: a malformed proposal, or a file outside the allowed folders (nothing was written).
        LedgerWriteError, StaleFileError: the writer refused (nothing was written).
    """
    from dealweb.ledger.write import Transaction

    decisions = decisions or Decisions()
    wrong = _check_proposal(claim) if all(k in claim for k in _REQUIRED) else "it lacks " + ", ".join(
        k for k in _REQUIRED if k not in claim)
    if wrong:
        raise InputError(f"proposal {claim.get('id', '?')}: {wrong}", "pass the output of 'dealweb ingest --json'")
    root = Path(ledger_root)
    cid = claim.get("id") or claim_id(claim)
    out = Outcome(cid, "skipped")
    status = claim["status"]
    if status == "matches":
        out.message = f"already in the ledger ({claim.get('record')})"
        return out
    flag = "joke" if claim.get("flag") == "joke" else None
    if status == "conflicts":
        if decisions.on_conflict not in ("disputed", "plain"):
            needs = _conflict_needs(ledger, claim)
            raise NeedsDecision(
                f"proposal {cid} conflicts with {needs['record']} ({needs['reason'] or 'a different figure'}: "
                f"the ledger has {needs['ledger'] or '?'}, the article says {needs['claim'] or '?'})",
                "decide: keep it flagged 'disputed', or 'plain' (both kept, the conflict reported); CLI: "
                "--on-conflict disputed|plain",
                {"conflict": needs})
        if decisions.on_conflict == "disputed":
            reason = claim.get("reason") or ""
            flag = flag or (reason if reason in ("joke", "unit_slip") else "disputed")
    tx = Transaction(root, expected=hashes, documents_dirs=[str(d) for d in decisions.allowed if Path(d).is_dir()])
    if claim["document"] not in ledger.documents:
        rec, copy = _document_record(root, ledger, claim, decisions)
        if copy is not None:
            tx.add_file(copy[0], copy[1])
            out.extra.append(copy[0])
        tx.append_record("documents", rec, decisions.target_file)
        out.extra.append(claim["document"])
    if status in ("adds_source", "conflicts") and claim.get("record"):
        rec_id = claim["record"]
        if rec_id not in ledger.deals and rec_id not in ledger.facts:
            raise InputError(f"proposal {cid} names {rec_id!r}, which the ledger does not hold",
                             "run 'dealweb ingest' again against this ledger")
        tx.add_claim(rec_id, _ledger_claim(claim, flag))
        written = tx.commit()
        out.action, out.record = "added_claim", rec_id
        out.files = [str(p) for p in written]
        out.file = next((f for f in out.files if f.endswith((".yaml", ".yml"))), None)
        return out
    missing = [e for e in unknown_entities(ledger, claim) if e["id"] not in decisions.entities]
    if missing:
        raise NeedsDecision("the ledger does not know " + ", ".join(
            f"{e['id']} ({' / '.join(e['names'].values())})" for e in missing),
            "agree to add them, with their names in each script (CLI: --add-entities, --name ID:SCRIPT=NAME; "
            "web: the form)",
            {"entities": missing})
    for e in unknown_entities(ledger, claim):
        names = {k: v.strip() for k, v in decisions.entities[e["id"]].items() if k in _SCRIPTS and v and v.strip()}
        tx.append_record("entities", {"id": e["id"], "kind": "company", "names": names or e["names"],
                                      "note": "added by dealweb review"}, decisions.target_file)
        out.extra.append(e["id"])
    existing = set(ledger.deals) | set(ledger.facts)
    if claim["kind"] == "deal":
        payer, payee = claim["from"]["id"], claim["to"]["id"]
        rid = _unique(existing, f"{payer}-{payee}-{_slug(claim['type'])}")
        record: dict[str, Any] = {"id": rid, "title": f"{claim['from'].get('name') or payer} -> "
                                  f"{claim['to'].get('name') or payee}: {claim['type'].replace('_', ' ')}",
                                  "type": claim["type"], "from": payer, "to": payee}
        amount = claim.get("amount")
        if isinstance(amount, dict) and isinstance(amount.get("text"), str) and amount["text"] \
                and amount["text"] in claim["quote"]:
            record["amount"] = amount["text"]
        quantity = claim.get("quantity")
        if isinstance(quantity, dict) and isinstance(quantity.get("text"), str) and quantity["text"] \
                and quantity["text"] in claim["quote"]:
            record["quantity"] = quantity["text"]
        if isinstance(claim.get("capacity_gw"), int | float) and not isinstance(claim.get("capacity_gw"), bool):
            record["capacity_gw"] = claim["capacity_gw"]
        if claim.get("term_years"):
            record["term"] = {"years": claim["term_years"]}
        if claim.get("conditions"):
            record["conditions"] = [c["text"] for c in claim["conditions"] if isinstance(c, dict) and c.get("text")]
        record["status"] = "announced"
        doc = ledger.documents.get(claim["document"])
        doc_date = doc.date.isoformat() if doc is not None and doc.date else decisions.document.date.strip()
        if claim.get("date") and _DATE.fullmatch(str(claim["date"])):
            record["announced"] = claim["date"]
        elif _DATE.fullmatch(doc_date):  # known from its source's date (no look-ahead)
            record["announced"] = doc_date
        record["claims"] = [_ledger_claim(claim, flag)]
        tx.append_record("deals", record, decisions.target_file)
    else:
        ent = claim["entity"]["id"]
        metric = _slug(str(claim.get("metric") or "value")).replace("-", "_")
        rid = _unique(existing, f"{ent}-{_slug(metric)}" + (f"-{_slug(claim['period'])}"
                                                            if claim.get("period") else ""))
        value = claim.get("value") if isinstance(claim.get("value"), dict) else {}
        record = {"id": rid, "entity": ent, "metric": metric, "value": value.get("text")}
        if claim.get("period") and not str(claim["period"]).startswith("--"):
            record["period"] = claim["period"]
        record["claims"] = [_ledger_claim(claim, flag)]
        tx.append_record("facts", record, decisions.target_file)
    written = tx.commit()
    out.action, out.record = "added_record", rid
    out.files = [str(p) for p in written]
    out.file = next((f for f in reversed(out.files) if f.endswith((".yaml", ".yml"))), None)
    return out
