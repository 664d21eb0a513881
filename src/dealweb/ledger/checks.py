"""Checks that read claims against their documents, and the conflicts derived between claims.

* A claim's ``quote`` must stand at ``text[start:end]`` of its document's file (Python string offsets into
  the file decoded as UTF-8, no newline translation); when it stands elsewhere the check says where.
* A claim's ``stated`` figure must appear inside its own quote: digits are compared after mapping
  full-width forms to ASCII and dropping thousands separators (``１,０００億`` reads as ``1000億``).
* Claims about one field of one record that disagree are all kept and marked as conflicts:
  ``value_mismatch`` (the intervals do not overlap), ``unit_slip`` (they differ by a factor of about 10,
  100, 1000 or 10000: ``18億`` against ``180億``) and ``flagged`` (the ledger marks a claim ``joke``,
  ``unit_slip`` or ``disputed``).
"""

from __future__ import annotations

import itertools
import re

from dealweb.i18n import Msg, Verbatim
from dealweb.model import Claim, Conflict, Document, Ledger
from dealweb.money import Amount, normalise_width

__all__ = ["check_claim_against_text", "derive_conflicts", "normalise_digits", "stated_in_quote"]

_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SLIP_FACTORS = (10.0, 100.0, 1000.0, 10000.0)
_FLAGGED = ("joke", "unit_slip", "disputed")


def normalise_digits(text: str) -> str:
    """Full-width forms to ASCII, thousands separators and spaces dropped: ``１,０００ 億`` -> ``1000億``."""
    t = normalise_width(text)
    t = _THOUSANDS.sub("", t)
    return re.sub(r"\s+", "", t)


def stated_in_quote(stated: str, quote: str) -> bool:
    """Whether the figure ``stated`` appears inside ``quote`` (see module docstring for the comparison).

    >>> stated_in_quote("1000億美元", "OpenAI宣佈投資1,000 億美元購買")
    True
    >>> stated_in_quote("18億美元", "投資180億美元")
    False
    """
    s, q = normalise_digits(stated), normalise_digits(quote)
    if s and s in q:
        return True
    numbers = _NUMBER.findall(s)
    if not numbers:
        return False
    in_quote = {float(x) for x in _NUMBER.findall(q)}
    return all(float(x) in in_quote for x in numbers)


def _longest_prefix(text: str, quote: str) -> tuple[int, int]:
    """Length ``k`` of the longest prefix of ``quote`` found in ``text``, and where (binary search)."""
    lo, hi, where = 0, len(quote), -1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        idx = text.find(quote[:mid])
        if idx >= 0:
            lo, where = mid, idx
        else:
            hi = mid - 1
    return lo, where


def check_claim_against_text(claim: Claim, doc: Document, text: str, shown: str) -> list[tuple[str, str, str, str]]:
    """Problems of a claim read against its document's text: ``(message, hint, key, severity)`` tuples."""
    out: list[tuple[str, str, str, str]] = []
    quote, start, end = claim.quote, claim.start, claim.end
    lo = doc.start or 0
    hi = doc.end if doc.end is not None else len(text)
    if start is not None and end is not None and 0 <= start <= end <= len(text) and text[start:end] == quote:
        if start < lo or end > hi:
            out.append((f"quote at {start}..{end} lies outside document {doc.id!r} (characters {lo}..{hi} of "
                        f"{shown})", "cite the document whose range holds the quote", "start", "error"))
        return out
    idx = text.find(quote, lo, hi)
    if idx < 0:
        idx = text.find(quote)
    if idx >= 0:
        if start is None:
            out.append((f"claim has no span; its quote stands at {idx}..{idx + len(quote)} of {shown}",
                        f"add start: {idx}, end: {idx + len(quote)}", "quote", "warning"))
        else:
            out.append((f"quote is not at its span {start}..{end} of {shown}; it stands at "
                        f"{idx}..{idx + len(quote)}", f"set start: {idx}, end: {idx + len(quote)}", "start", "error"))
        if not lo <= idx <= idx + len(quote) <= hi:
            out.append((f"quote lies outside document {doc.id!r} (characters {lo}..{hi} of {shown})",
                        "cite the document whose range holds the quote", "document", "error"))
        return out
    norm_idx = normalise_width(text).find(normalise_width(quote))
    if norm_idx >= 0:
        out.append((f"quote differs from document {doc.id!r} in full-width/half-width forms "
                    f"(it stands at {norm_idx}..{norm_idx + len(quote)} of {shown})",
                    f"copy it exactly: {text[norm_idx:norm_idx + len(quote)]!r}", "quote", "error"))
        return out
    k, where = _longest_prefix(text, quote)
    hint = "copy the sentence exactly from the document"
    if k >= 2 and where >= 0:
        hint = (f"the first {k} characters match at {where}; there the document continues "
                f"{text[where + k:where + k + 12]!r} where the quote has {quote[k:k + 12]!r}")
    out.append((f"quote not found in document {doc.id!r} ({shown})", hint, "quote", "error"))
    return out


def _interval(a: Amount, usd: bool) -> tuple[float, float, float] | None:
    """``(low, high, point)`` of an amount in its own unit, or in USD (``None``: no conversion)."""
    if not usd:
        hi = float("inf") if a.high is None else a.high
        return a.low, hi, a.point
    lo, point = a.usd("low"), a.usd("nominal")
    if lo is None or point is None:
        return None
    raw_hi = a.high if a.unit == "USD" else a.usd_high
    return lo, float("inf") if raw_hi is None else raw_hi, point


def _label(c: Claim) -> Msg:
    """``doc says '1000億美元'``: a claim as a conflict message names it (the figure as its source wrote it)."""
    return Msg("conflict.says", document=c.document, stated=Verbatim(repr(c.stated or c.quote[:30])))


def _pair_conflict(record: str, fld: str, a: Claim, b: Claim) -> Conflict | None:
    if a.amount is None or b.amount is None:
        return None
    same_unit = a.amount.unit == b.amount.unit and a.amount.unit is not None
    ia, ib = _interval(a.amount, not same_unit), _interval(b.amount, not same_unit)
    if ia is None or ib is None:
        return None
    (alo, ahi, pa), (blo, bhi, pb) = ia, ib
    tol = 1e-9 * max(abs(alo), abs(blo), 1.0)
    if alo <= bhi + tol and blo <= ahi + tol:
        return None
    big, small = max(pa, pb), min(pa, pb)
    if small > 0:
        ratio = big / small
        for factor in _SLIP_FACTORS:
            if abs(ratio / factor - 1.0) < 0.05:
                return Conflict(record, fld, "unit_slip",
                                Msg("conflict.msg.unit_slip", a=_label(a), b=_label(b), factor=f"{factor:g}"),
                                (a, b), b.pos)
    return Conflict(record, fld, "value_mismatch", Msg("conflict.msg.mismatch", a=_label(a), b=_label(b)), (a, b),
                    b.pos)


def derive_conflicts(ledger: Ledger) -> list[Conflict]:
    """Every conflict between the claims of each record, in ledger order (see module docstring)."""
    out: list[Conflict] = []
    records: list[tuple[str, tuple[Claim, ...]]] = [(d.id, d.claims) for d in ledger.deals.values()]
    records += [(f.id, f.claims) for f in ledger.facts.values()]
    for rid, claims in records:
        for c in claims:
            if c.flag in _FLAGGED:
                out.append(Conflict(rid, c.field, "flagged",
                                    Msg("conflict.msg.flagged_note" if c.note else "conflict.msg.flagged",
                                        said=_label(c), flag=Msg(f"conflict.flag.{c.flag}"),
                                        note=Verbatim(c.note or "")),
                                    (c,), c.pos))
        by_field: dict[str, list[Claim]] = {}
        for c in claims:
            if c.flag is None and c.amount is not None:
                by_field.setdefault(c.field, []).append(c)
        for fld, group in by_field.items():
            for a, b in itertools.combinations(group, 2):
                conflict = _pair_conflict(rid, fld, a, b)
                if conflict is not None:
                    out.append(conflict)
    return out
