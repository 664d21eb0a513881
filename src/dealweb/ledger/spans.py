"""Fill and correct the character spans (``start``/``end``) of a ledger's quotes from its documents.

A maintainer writes each claim's ``quote`` (an exact substring of the source article) and lets
``dealweb check --fix-spans`` find where it stands: the quote is looked for **inside its document's own
range** (``documents[].start``/``end``; one file may hold several articles), and its Python ``str`` offsets
are written back (``text[start:end] == quote``). A claim with no span gets one (*filled*); a claim whose
span no longer points at its quote gets the right one (*corrected*, e.g. after the article's text moved).
A claim whose span already points at its quote is left alone, even when the quote occurs more than once
(the maintainer chose the occurrence).

Documents are found exactly as the loader finds them (the ledger's ``documents_dirs``, ``--documents``,
``DEALWEB_DOCUMENTS``, the ledger folder, or by ``sha256``). A quote absent from its document or occurring
several times in it (lengthen it), and a ``stated`` figure not inside its quote, are problems and are left
for a person. Writes go through :class:`dealweb.ledger.write.Transaction`: all files or none, comments and
layout kept, each file replaced atomically, refused when a file changed since it was read or when the
result would add an error.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from dealweb.errors import InputError, Problem

__all__ = ["SpanResult", "claim_maps", "fill_spans", "occurrences"]


@dataclass
class SpanResult:
    """What :func:`fill_spans` found and did.

    Attributes:
        problems: quotes that could not be placed (absent, ambiguous, document not found, ``stated`` not in
            the quote); with ``check``, also every span that would be filled or corrected.
        changed: ledger files written (with ``check``: the files that would change).
        seen: claims looked at.
        filled: spans added where a claim had none.
        corrected: spans replaced because they no longer pointed at their quote.
    """

    problems: list[Problem] = field(default_factory=list)
    changed: list[Path] = field(default_factory=list)
    seen: int = 0
    filled: int = 0
    corrected: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Stable JSON keys: seen, filled, corrected, changed, problems."""
        return {"seen": self.seen, "filled": self.filled, "corrected": self.corrected,
                "changed": [str(p) for p in self.changed], "problems": [p.as_dict() for p in self.problems]}


@dataclass(frozen=True, slots=True)
class _Doc:
    text: str
    start: int
    end: int


def occurrences(text: str, quote: str, start: int = 0, end: int | None = None) -> list[int]:
    """Every offset where ``quote`` begins in ``text[start:end]`` (offsets into ``text``; overlaps counted)."""
    end = len(text) if end is None else end
    out: list[int] = []
    i = text.find(quote, start, end)
    while i != -1:
        out.append(i)
        i = text.find(quote, i + 1, end)
    return out


def _pos(node: Any, key: str | None = None) -> tuple[int, int]:
    """1-based (line, column) of a mapping, or of one of its keys when it has that key."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return 1, 1
    if key is not None and isinstance(node, CommentedMap) and key in node:
        try:
            line, col = lc.key(key)
            return line + 1, col + 1
        except (KeyError, TypeError):
            pass
    return (lc.line or 0) + 1, (lc.col or 0) + 1


def claim_maps(data: Any) -> Iterator[tuple[str, CommentedMap]]:
    """Every claim mapping in one parsed ledger file, with the id of the record it supports.

    Claims live in ``deals[].claims``, ``deals[].events[].claims``, ``deals[].flows[].claims``,
    ``deals[].tranches[].claims``, ``deals[].per_year[].claims`` and ``facts[].claims``.
    """
    if not isinstance(data, dict):
        return
    for section in ("deals", "facts"):
        records = data.get(section) or []
        if not isinstance(records, list):
            continue
        for rec in records:
            if not isinstance(rec, dict):
                continue
            rid = str(rec.get("id", "?"))
            for c in rec.get("claims") or []:
                if isinstance(c, CommentedMap):
                    yield rid, c
            for sub in ("events", "flows", "tranches", "per_year"):
                for item in rec.get(sub) or []:
                    if isinstance(item, dict):
                        for c in item.get("claims") or []:
                            if isinstance(c, CommentedMap):
                                yield rid, c


def _documents(root: Path, documents_dirs: Sequence[str | Path],
               problems: list[Problem]) -> dict[str, _Doc]:
    """The text and range of every document, found the loader's way; a problem for each one not found."""
    from dealweb.ledger.load import _Loader

    loader = _Loader(root, documents_dirs)
    ledger = loader.run()
    out: dict[str, _Doc] = {}
    for doc in ledger.documents.values():
        text, _ = loader.document_text(doc)
        pos = doc.pos
        where = (pos.file, pos.line, pos.col) if pos is not None else (str(root), 1, 1)
        if text is None:
            if doc.file or getattr(doc, "sha256", None):
                dirs = ", ".join(ledger.documents_dirs) or "no folder"
                problems.append(Problem(*where, f"the text of document {doc.id!r} was not found; its quotes "
                                        "are left as they are", f"looked in: {dirs}; pass --documents DIR or "
                                        "set DEALWEB_DOCUMENTS", "warning", "file"))
            continue
        start = doc.start or 0
        end = doc.end if doc.end is not None and doc.end <= len(text) else len(text)
        out[doc.id] = _Doc(text, start, end)
    return out


def _fix_claim(shown: str, rid: str, claim: CommentedMap, docs: dict[str, _Doc],
               problems: list[Problem]) -> str:
    """Check one claim's span and set it when missing or wrong: ``""``, ``"filled"`` or ``"corrected"``."""
    did, quote = claim.get("document"), claim.get("quote")
    if not did or quote is None or not str(quote):
        return ""  # the loader reports a claim without document or quote
    quote = str(quote)
    stated = claim.get("stated")
    if stated is not None and str(stated) not in quote:
        problems.append(Problem(shown, *_pos(claim, "stated"),
                                f"stated {str(stated)!r} is not inside the quote of a claim on {rid}",
                                "stated must be written exactly as in the quote", "error", "stated"))
    doc = docs.get(str(did))
    if doc is None:
        return ""
    start, end = claim.get("start"), claim.get("end")
    has_span = isinstance(start, int) and isinstance(end, int)
    if has_span and doc.text[start:end] == quote and doc.start <= start and end <= doc.end:
        return ""
    hits = occurrences(doc.text, quote, doc.start, doc.end)
    if not hits:
        where = occurrences(doc.text, quote)
        hint = (f"it occurs at {where[:3]} in the file, outside document {did}'s range {doc.start}:{doc.end}"
                if where else "copy the words exactly as the article writes them (punctuation included)")
        problems.append(Problem(shown, *_pos(claim, "quote"), f"quote of a claim on {rid} is not in document "
                                f"{did}", hint, "error", "quote"))
        return ""
    if len(hits) > 1:
        problems.append(Problem(shown, *_pos(claim, "quote"), f"quote of a claim on {rid} occurs {len(hits)} "
                                f"times in document {did} (at {hits[:5]})",
                                "lengthen the quote so it occurs once, or set start/end", "error", "quote"))
        return ""
    s = hits[0]
    _set_after(claim, "start", s, "quote")
    _set_after(claim, "end", s + len(quote), "start")
    return "corrected" if has_span or start is not None or end is not None else "filled"


def _set_after(m: CommentedMap, key: str, value: int, after: str) -> None:
    """Set ``m[key] = value``; a new key goes right after ``after`` so files stay in a readable order."""
    if key in m:
        m[key] = value
        return
    keys = list(m.keys())
    idx = keys.index(after) + 1 if after in keys else len(keys)
    m.insert(idx, key, value)


def fill_spans(ledger: str | Path, documents_dirs: Sequence[str | Path] = (), *, check: bool = False,
               allow_package: bool = False) -> SpanResult:
    """Fill missing and correct moved quote spans of the ledger at ``ledger``, writing atomically.

    Args:
        ledger: the ledger folder (every ``*.yaml`` below it) or one YAML file.
        documents_dirs: extra folders holding the documents' texts (as ``--documents``).
        check: write nothing; each span that would be filled or corrected is reported as a problem.
        allow_package: write a ledger bundled inside the installed package (its maintainers' tool only;
            ``dealweb`` itself never writes there).

    Returns:
        A :class:`SpanResult`.

    Raises:
        InputError: no such ledger.
        dealweb.ledger.write.LedgerWriteError / StaleFileError: the write was refused (nothing written).
    """
    from dealweb.ledger.load import ledger_files
    from dealweb.ledger.write import Transaction, _rt, file_sha256

    root = Path(ledger)
    if not root.exists():
        raise InputError(f"no such ledger: {root}", "give a ledger folder or .yaml file")
    result = SpanResult()
    docs = _documents(root, documents_dirs, result.problems)
    plan: list[Path] = []
    for path in ledger_files(root):
        try:
            _, data = _rt(path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n"))
        except Exception:  # noqa: BLE001 - unreadable files are the loader's to report ('dealweb check')
            continue
        dirty = False
        for rid, claim in claim_maps(data):
            result.seen += 1
            before = (claim.get("start"), claim.get("end"))
            kind = _fix_claim(str(path), rid, claim, docs, result.problems)
            if not kind:
                continue
            dirty = True
            result.filled += kind == "filled"
            result.corrected += kind == "corrected"
            if check:
                result.problems.append(Problem(
                    str(path), *_pos(claim, "quote"),
                    f"span of a claim on {rid} is {before[0]}:{before[1]}, the quote stands at "
                    f"{claim['start']}:{claim['end']}", "run 'dealweb check --fix-spans' to fix it",
                    "error", "start"))
        if dirty:
            plan.append(path)
    result.changed = plan
    if check or not plan:
        return result
    expected = {str(p.resolve()): file_sha256(p) for p in plan}
    tx = Transaction(root, expected=expected, documents_dirs=documents_dirs, allow_package=allow_package)
    for path in plan:
        def change(data: Any, shown: str = str(path)) -> bool:
            return any([bool(_fix_claim(shown, rid, c, docs, [])) for rid, c in claim_maps(data)])

        tx.edit(path.relative_to(root) if root.is_dir() else path, change)
    result.changed = tx.commit()
    return result
