"""The front function: read an article, propose claims, reconcile them against a ledger.

:func:`ingest_text` works on a string; :func:`read_article` reads a file safely (empty, binary, badly
encoded and huge inputs give a clear :class:`dealweb.errors.InputError` or an empty result, never a
crash); :func:`ingest_file` does both. Nothing here writes to a ledger: claims become ledger records only
through ``dealweb review``.

Every claim is a plain dict with stable keys (see ``docs/extraction.md``); ``start``/``end`` and every
``spans`` entry are Python ``str`` offsets into the text exactly as given (the file decoded as UTF-8), so
``text[start:end] == quote``.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Final

from dealweb.errors import InputError
from dealweb.extract.coref import resolve_descriptions
from dealweb.extract.mentions import (
    AmountMention,
    DateMention,
    EntityIndex,
    EntityMention,
    PeriodMention,
    find_amount_mentions,
    find_dates,
    find_glossed_names,
    find_new_names,
    find_periods,
    find_short_names,
    merge_names,
    numeric_spans,
)
from dealweb.extract.normalise import NormText, normalise
from dealweb.extract.reconcile import reconcile_deal, reconcile_fact
from dealweb.extract.relations import Proposal, propose
from dealweb.model import Ledger

__all__ = ["DEFAULT_SCORER", "MAX_BYTES", "SCORERS", "analyse", "claims_from_proposals", "ingest_file", "ingest_text",
           "language_of", "read_article"]

#: Who decides the USD deal claims by default: ``fallback`` (the hand rules, plus the trained model of
#: :mod:`dealweb.extract.fallback` for the USD figures they leave unclaimed; its claims say ``proposed_by``
#: ``fallback``), ``rules`` (the hand rules alone) or ``learned`` (the model of :mod:`dealweb.extract.learned`).
#: A model is the default only when, on text it was not trained on, it raises recall without costing more than
#: 0.01 of precision, for at most 5% more instructions (docs/extraction.md, "The fallback").
DEFAULT_SCORER: Final = "rules"
#: The scorers :func:`ingest_text` knows.
SCORERS: Final = ("rules", "learned", "fallback")

#: Files larger than this are refused (a news article is kilobytes; 64 MB is a mistake, not an article).
MAX_BYTES: Final = 64 * 1024 * 1024


def read_article(path: str | Path, encoding: str = "utf-8") -> str:
    """The text of an article file, decoded; raises :class:`InputError` naming the file on bad input.

    Args:
        path: the file.
        encoding: ``utf-8`` (default; a UTF-8 byte-order mark is kept as the first character so offsets
            stay those of the decoded file) or any codec Python knows (``big5``, ``gb18030``), for
            articles saved in a legacy encoding. There is no silent fallback: offsets are only meaningful
            against one decoding, so a file that is not valid in the chosen encoding is an error.

    Raises:
        InputError: missing, unreadable, too large, binary, or not valid in ``encoding``.
    """
    from dealweb.limits import read_regular

    p = Path(path)
    if p.is_dir():
        raise InputError(f"{p}: is a directory, not an article file", "pass article files, e.g. news/*.txt")
    data = read_regular(p, "article", max_bytes=MAX_BYTES)  # devices and FIFOs refused by type, size capped
    if b"\x00" in data[:65536] and encoding.replace("-", "").lower() not in ("utf16", "utf32"):
        raise InputError(f"{p}: looks like a binary file (NUL bytes), not text",
                         "pass a plain-text, Markdown or HTML article")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(
            f"{p}:{line}: not valid {encoding} (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            "convert it first (iconv -f BIG5 -t UTF-8, or -f GB18030) or pass --encoding big5/gb18030",
        ) from None
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}", "use utf-8, big5, gb18030, shift_jis...") from None
    control = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    if text and control > 0.05 * min(len(text), 65536):
        raise InputError(f"{p}: looks like a binary file ({control} control characters)",
                         "pass a plain-text, Markdown or HTML article")
    return text


def _doc_id(name: str, start: int, ledger: Ledger | None, docs: list[Any] | None = None) -> str:
    """The ledger's id of the document at offset ``start`` of file ``name``, else the file's stem.

    ``docs``: the ledger's documents of file ``name`` (:func:`_docs_of`), found once for all the claims of a text.
    """
    if ledger is not None:
        for d in _docs_of(name, ledger) if docs is None else docs:
            if d.start is None or (d.start <= start < (d.end if d.end is not None else 1 << 62)):
                return d.id
    return document_id(name)


def _docs_of(name: str, ledger: Ledger) -> list[Any]:
    """The ledger's documents whose file has the same name as ``name``, in the ledger's order."""
    base = Path(name).name
    return [d for d in ledger.documents.values() if d.file and Path(d.file).name == base]


def document_id(name: str) -> str:
    """A valid ledger document id from a file name: its stem in lowercase, other characters as '-'.

    >>> document_id("news/NewsA 2025.txt")
    'newsa-2025'
    """
    stem = re.sub(r"[^a-z0-9_.-]+", "-", Path(name).stem.lower()).strip("-._")[:80]
    return stem or "document"


def _span(norm: NormText, span: tuple[int, int]) -> list[int]:
    s, e = norm.to_original(*span)
    return [s, e]


def _spans_of(norm: NormText, spans: dict[str, tuple[int, int]]) -> dict[str, list[int]]:
    """``{k: _span(norm, v)}``: for one segment (plain text) by one shift, as :meth:`NormText.to_original` maps it."""
    if len(norm.seg_norm) != 1:
        return {k: _span(norm, v) for k, v in spans.items()}
    shift = norm.seg_orig[0] - norm.seg_norm[0]
    n_text, n_orig = len(norm.text), len(norm.original)
    return {k: [a + shift, b + shift] if b > a else [a + shift, a + shift] if a < n_text else [n_orig, n_orig]
            for k, (a, b) in spans.items()}


def claims_from_proposals(norm: NormText, proposals: list[Proposal], document: str,
                          ledger: Ledger | None = None, name: str = "",
                          index: EntityIndex | None = None) -> list[dict[str, Any]]:
    """Turn proposals into the claim dicts of ``ingest --json`` (offsets into the original text)."""
    out: list[dict[str, Any]] = []
    docs = _docs_of(name, ledger) if name and ledger is not None and proposals else None
    for p in proposals:
        s, e = p.sentence
        while s < e and norm.text[s].isspace():
            s += 1
        while e > s and norm.text[e - 1].isspace():
            e -= 1
        quote, qs, qe = norm.quote(s, e)
        doc = _doc_id(name, qs, ledger, docs) if name else document
        claim: dict[str, Any] = {
            "document": doc,
            "kind": p.kind,
            "quote": quote,
            "start": qs,
            "end": qe,
            "confidence": p.confidence,
            # who proposed it: ``rules``, or a trained model (``fallback``, ``learned``) with its probability
            "proposed_by": p.by,
            "model_score": None if p.by == "rules" else p.confidence,
        }
        spans = _spans_of(norm, p.spans)
        if p.kind == "deal":
            assert p.payer is not None and p.payee is not None
            # set one key after another (in this order), not ``claim.update({...})``: no dict built to be copied
            payer: dict[str, Any] = {"id": p.payer.id, "name": p.payer.name}
            if "+" in p.payer.id:
                payer["members"] = p.payer.id.split("+")
            claim["from"] = payer
            claim["to"] = {"id": p.payee.id, "name": p.payee.name}
            claim["type"] = p.type
            claim["amount"] = p.amount.as_dict() if p.amount is not None else None
            claim["capacity_gw"] = p.capacity_gw
            claim["quantity"] = p.quantity.as_dict() if p.quantity is not None else None
            claim["date"] = p.date
            claim["term_years"] = p.term_years
            claim["conditions"] = [{"text": q, "start": s, "end": e}
                                   for q, s, e in (norm.quote(a, b) for a, b in p.conditions)]
            if p.amount is not None:
                claim["amount"]["text"] = norm.original[spans["amount"][0]:spans["amount"][1]]
            verdict = None
            if ledger is not None:
                verdict = reconcile_deal(ledger, p.payer.id, p.payee.id, p.type, p.amount or p.quantity,
                                         p.capacity_gw, doc, qs, qe, joke=p.flag == "joke")
        else:
            assert p.entity is not None and p.value is not None
            vs = spans["value"]
            value = p.value.as_dict()
            value["text"] = norm.original[vs[0]:vs[1]]
            claim["entity"] = {"id": p.entity.id, "name": p.entity.name}
            claim["metric"] = p.metric
            claim["value"] = value
            claim["unit"] = p.value.unit
            claim["period"] = p.period
            verdict = None
            if ledger is not None:
                verdict = reconcile_fact(ledger, p.entity.id, p.metric or "", p.value, p.period, doc, qs, qe)
        claim["status"] = verdict.status if verdict else "new"
        claim["record"] = verdict.record if verdict else None
        claim["reason"] = verdict.reason if verdict else ""
        claim["in_ledger"] = verdict.in_ledger if verdict else False
        claim["flag"] = p.flag
        claim["spans"] = spans
        fig = spans.get("amount") or spans.get("value") or spans.get("capacity_gw") or []
        what = (p.type or None) if p.kind == "deal" else p.metric  # claim.get("type") or claim.get("metric")
        claim["id"] = _claim_id(doc, p.kind, qs, qe, fig, what)
        out.append(claim)
    return out


#: What ``json.dumps(..., ensure_ascii=False)`` writes for a str (bound once: see :func:`_claim_id`).
_encode_str: Final = json.encoder.encode_basestring
sha1: Final = hashlib.sha1


def _claim_id(document: str, kind: str, start: int, end: int, fig: list[int], what: str | None) -> str:
    """:func:`dealweb.extract.review.claim_id` of the claim these values come from: the same text, hashed.

    The key is ``json.dumps([document, kind, start, end, fig, what], ensure_ascii=False)`` (review's
    ``_plain_json``), written here in compiled code: review's module is plain Python, and a claim id is
    computed for every claim. ``fig``: the figure's span in the original text (``[]`` for none); ``what``: the
    deal type or the fact's metric.
    """
    key = (f"[{_encode_str(document)}, {_encode_str(kind)}, {start}, {end}, "
           f"[{', '.join([str(v) for v in fig])}], {'null' if what is None else _encode_str(what)}]")
    return sha1(key.encode("utf-8")).hexdigest()[:8]


#: A four-digit year of the 20th or 21st century (a date that writes its year sets the year of later dates).
_YEAR: Final = re.compile(r"(?:19|20)\d\d")
_NOT_CJK: Final = re.compile("[^\u4e00-\u9fff]+")
#: The ASCII characters that are not letters (``bytes.translate`` deletes them: what is left are the letters
#: ``ch.isascii() and ch.isalpha()`` accepts).
_ASCII_NOT_LETTERS: Final = bytes(c for c in range(128) if not chr(c).isalpha())
#: The last text :func:`language_of` read and its answer (ingest, the fallback and ``ingest_file`` ask for the same
#: text's language in turn; the text object itself is the key, so a new text is always read).
_LAST_LANGUAGE: Final[list[tuple[str, str]]] = []


def language_of(text: str) -> str:
    """``en``, ``zh-Hant`` or ``zh-Hans``: the script most of the text's letters are in.

    Traditional is told from Simplified by how many characters the Traditional-to-Simplified fold changes.
    Counted by set scans in C (the ideographs by deleting every run of other characters, the ASCII letters by
    deleting the other bytes of the text's ASCII part), not by a match per character; the answer for the last
    text asked is kept.
    """
    last = _LAST_LANGUAGE
    if last and last[0][0] is text:
        return last[0][1]
    from dealweb.extract.normalise import fold

    sample = text[:20000]
    joined = _NOT_CJK.sub("", sample)  # the ideographs, in order
    latin = len(sample.encode("ascii", "ignore").translate(None, _ASCII_NOT_LETTERS))
    if not joined or latin > 2 * len(joined):
        lang = "en"
    else:
        changed = sum(map(str.__ne__, joined, fold(joined)))
        lang = "zh-Hant" if changed > 0.03 * len(joined) else "zh-Hans"
    last[:] = [(text, lang)]
    return lang


def ingest_text(text: str, document: str = "document", ledger: Ledger | None = None, fmt: str = "auto",
                name: str = "", index: EntityIndex | None = None, scorer: str = DEFAULT_SCORER) -> list[dict[str, Any]]:
    """Claims proposed from one article's text by the rule backend.

    Args:
        text: the article as given (offsets in the result point into it).
        document: the document id to report (a ledger document covering ``name`` wins when ``name`` set).
        ledger: the ledger to reconcile against and whose entity names to use (``None``: status ``new``).
        fmt: ``auto``, ``plain``, ``markdown`` or ``html``.
        name: the file name (to sniff the format and match ledger documents).
        index: a prebuilt :class:`EntityIndex` (built from ``ledger`` when ``None``).
        scorer: ``fallback`` (the default: the rules' claims untouched, plus those of
            :mod:`dealweb.extract.fallback` for the USD figures the rules left unclaimed), ``rules`` (the hand
            rules decide every claim) or ``learned`` (the model of :mod:`dealweb.extract.learned` decides the USD
            deal claims; facts stay the rules').

    Returns:
        Claim dicts (see the module docstring), in text order.

    >>> from dealweb.extract.gazetteer import GazEntry
    >>> made_up = [GazEntry("longhua", "company", "Longhua", "龍華"), GazEntry("acme", "company", "Acme")]
    >>> cs = ingest_text("龍華宣佈向Acme投資1000億美元。", index=EntityIndex(extra=made_up))
    >>> (cs[0]["from"]["id"], cs[0]["to"]["id"], cs[0]["type"], cs[0]["amount"]["high"])
    ('longhua', 'acme', 'equity_investment', 100000000000.0)
    """
    if not text.strip():
        return []
    index = index or EntityIndex(ledger)
    norm, ents, amts, proposals = analyse(text, index, fmt=fmt, name=name)
    if scorer == "learned":
        from dealweb.extract.learned import rescore

        proposals = rescore(norm, ents, amts, proposals, index, language_of(text))
    elif scorer == "fallback":
        from dealweb.extract.fallback import fill

        proposals = fill(norm, ents, amts, proposals, index)
    elif scorer != "rules":
        raise InputError(f"unknown scorer {scorer!r}", "use rules, learned or fallback")
    return claims_from_proposals(norm, proposals, document, ledger, name, index)


def analyse(text: str, index: EntityIndex, fmt: str = "auto", name: str = "",
            ) -> tuple[NormText, list[EntityMention], list[AmountMention], list[Proposal]]:
    """The rule pipeline's intermediate results for ``text``: normalised text, mentions, proposals.

    Offsets are into ``norm.text``; :func:`claims_from_proposals` maps them to the original.
    """
    norm = normalise(text, fmt=fmt, name=name)
    ents = index.find(norm)
    ents = merge_names(ents, index.short_forms(find_new_names(norm, ents)))
    ents = merge_names(ents, find_glossed_names(norm, ents))
    ents = find_short_names(norm, ents, index)
    ents = merge_names(ents, resolve_descriptions(norm, ents, index))
    amts = find_amount_mentions(norm)
    periods: list[PeriodMention] = []
    dates: list[DateMention] = []
    year: int | None = None
    for lo, hi in numeric_spans(norm.text):
        chunk = norm.text[lo:hi]
        periods += [PeriodMention(p.start + lo, p.end + lo, p.label) for p in find_periods(chunk)]
        for d in find_dates(chunk, default_year=year):
            dates.append(DateMention(d.start + lo, d.end + lo, d.date, d.label))
            if d.date is not None and _YEAR.search(chunk, d.start, d.end):
                year = d.date.year
    proposals = propose(norm, ents, amts, periods, index, dates)
    return norm, ents, amts, proposals


def ingest_file(path: str | Path, ledger: Ledger | None = None, backend: str = "rules",
                model_url: str | None = None, model: str = "default", encoding: str = "utf-8",
                index: EntityIndex | None = None, timeout: float = 60.0,
                scorer: str = DEFAULT_SCORER) -> list[dict[str, Any]]:
    """Claims from one article file (see :func:`read_article` for what is refused and why).

    ``backend="llm"`` asks an OpenAI-compatible server at ``model_url`` (see :mod:`dealweb.extract.llm`);
    its answers are kept only where their quotes stand in the text. ``scorer`` (``rules``, ``learned`` or ``fallback``)
    is passed to :func:`ingest_text` for the rules backend.
    """
    text = read_article(path, encoding=encoding)
    name = str(path)
    if not text.strip():
        return []
    if backend == "rules":
        claims = ingest_text(text, document=document_id(name), ledger=ledger, name=name, index=index,
                             scorer=scorer)
    elif backend == "llm":
        from dealweb.extract.llm import llm_claims

        if not model_url:
            raise InputError("the llm backend needs --model-url", "e.g. --model-url http://127.0.0.1:8000/v1")
        claims = llm_claims(text, model_url, document=document_id(name), ledger=ledger, name=name, model=model,
                            index=index, timeout=timeout)
    else:
        raise InputError(f"unknown backend {backend!r}", "use rules or llm")
    lang = language_of(text)
    for c in claims:
        c["file"] = name
        c["language"] = lang
    return claims
