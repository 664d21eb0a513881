#!/usr/bin/env python3
"""Fill or check the character spans (``start``/``end``) of every quote in a dealweb ledger.

A ledger maintainer writes each claim's ``quote`` (an exact substring of the source article) and lets this
tool find where it stands: it opens the document file the claim cites, looks for the quote **inside that
document's own range** (``documents[].start``/``end``; one file may hold several articles), and writes the
offsets back into the YAML (Python ``str`` offsets, so ``text[start:end] == quote``). Comments and layout
survive: the files are read and written with ``ruamel.yaml`` in round-trip mode, and written atomically
(temporary file, then rename), only when something changed.

A quote that is absent from its document, or that occurs more than once in it (ambiguous: lengthen it), is
an error; so is a claim whose ``stated`` figure is not inside its quote. A claim that already has a span
pointing at its quote is left alone even when the quote occurs more than once (the maintainer chose).

Usage::

    python tools/spans.py src/dealweb/data/ai-capex-2025            # fill missing / wrong spans
    python tools/spans.py src/dealweb/data/ai-capex-2025 --check    # report only; exit 1 if any is off
    python tools/spans.py LEDGER_DIR --documents ../shared/seeds     # extra folder(s) holding the texts

Documents are looked up in the ``documents_dirs`` of the ledger's ``ledger`` section (relative to the YAML
file that declares them) and in every ``--documents`` folder, in that order. Problems are printed as
``file:line:col: message (hint)``; the exit status is 1 when there is any error, 0 otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

__all__ = ["DocumentText", "SpanProblem", "claim_maps", "fill_spans", "main", "occurrences"]


@dataclass(frozen=True, slots=True)
class SpanProblem:
    """One problem with one claim's quote or span, at a YAML position (1-based line and column)."""

    file: str
    line: int
    col: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        tail = f" ({self.hint})" if self.hint else ""
        return f"{self.file}:{self.line}:{self.col}: {self.message}{tail}"


@dataclass(frozen=True, slots=True)
class DocumentText:
    """The text a document id stands for: the whole file and the document's range in it."""

    id: str
    path: Path
    text: str
    start: int
    end: int


def _yaml() -> YAML:
    """A round-trip YAML reader/writer that keeps comments, key order and long lines as they are."""
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


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


def _documents(files: list[tuple[Path, Any]], extra_dirs: list[Path],
               problems: list[SpanProblem]) -> dict[str, DocumentText]:
    """Open the text of every document the ledger declares, from its documents_dirs and ``extra_dirs``."""
    dirs: list[Path] = []
    for path, data in files:
        led = data.get("ledger") if isinstance(data, dict) else None
        if isinstance(led, dict):
            for d in led.get("documents_dirs") or []:
                dirs.append((path.parent / str(d)).resolve())
    dirs += [d.resolve() for d in extra_dirs]
    out: dict[str, DocumentText] = {}
    for path, data in files:
        docs = data.get("documents") if isinstance(data, dict) else None
        for doc in docs or []:
            if not isinstance(doc, CommentedMap):
                continue
            line, col = _pos(doc)
            did, fname = doc.get("id"), doc.get("file")
            if not did or not fname:
                problems.append(SpanProblem(str(path), line, col, f"document {did or '?'} names no file",
                                            "add file: <name> relative to a documents_dirs folder"))
                continue
            found = next((d / str(fname) for d in dirs if (d / str(fname)).is_file()), None)
            if found is None:
                problems.append(SpanProblem(str(path), line, col, f"file {fname!r} of document {did} not found",
                                            f"looked in: {', '.join(map(str, dirs)) or 'no folder'}; "
                                            "pass --documents DIR"))
                continue
            text = found.read_text(encoding="utf-8")
            start = int(doc.get("start") or 0)
            end = int(doc["end"]) if doc.get("end") is not None else len(text)
            if not 0 <= start <= end <= len(text):
                problems.append(SpanProblem(str(path), *_pos(doc, "start"),
                                            f"document {did} range {start}:{end} is outside its file "
                                            f"({len(text)} characters)", "fix start/end"))
                continue
            title = str(doc.get("title") or "")
            if title and text.find(title, start, end) == -1:
                problems.append(SpanProblem(str(path), *_pos(doc, "title"),
                                            f"title of document {did} is not inside its range {start}:{end}",
                                            "check the title line and the range"))
            out[str(did)] = DocumentText(str(did), found, text, start, end)
    return out


def _fix_claim(path: Path, rid: str, claim: CommentedMap, docs: dict[str, DocumentText],
               problems: list[SpanProblem]) -> bool:
    """Check one claim's span and set it when it is missing or wrong; True when the mapping changed."""
    line, col = _pos(claim)
    did = claim.get("document")
    quote = claim.get("quote")
    if not did or quote is None:
        problems.append(SpanProblem(str(path), line, col, f"claim on {rid} lacks document or quote",
                                    "every claim needs document: and quote:"))
        return False
    quote = str(quote)
    if not quote:
        problems.append(SpanProblem(str(path), *_pos(claim, "quote"), f"claim on {rid} has an empty quote",
                                    "quote the clause the figure comes from"))
        return False
    stated = claim.get("stated")
    if stated is not None and str(stated) not in quote:
        problems.append(SpanProblem(str(path), *_pos(claim, "stated"),
                                    f"stated {str(stated)!r} is not inside the quote of a claim on {rid}",
                                    "stated must be written exactly as in the quote"))
    doc = docs.get(str(did))
    if doc is None:
        return False  # the unknown or unreadable document was reported once already, or is unknown
    start, end = claim.get("start"), claim.get("end")
    if isinstance(start, int) and isinstance(end, int) and doc.text[start:end] == quote \
            and doc.start <= start and end <= doc.end:
        return False
    hits = occurrences(doc.text, quote, doc.start, doc.end)
    if not hits:
        where = occurrences(doc.text, quote)
        hint = (f"it occurs at {where[:3]} in the file, outside document {did}'s range {doc.start}:{doc.end}"
                if where else "copy the words exactly as the article writes them (punctuation included)")
        problems.append(SpanProblem(str(path), *_pos(claim, "quote"),
                                    f"quote of a claim on {rid} is not in document {did}", hint))
        return False
    if len(hits) > 1:
        problems.append(SpanProblem(str(path), *_pos(claim, "quote"),
                                    f"quote of a claim on {rid} occurs {len(hits)} times in document {did} "
                                    f"(at {hits[:5]})", "lengthen the quote so it occurs once, or set start/end"))
        return False
    s = hits[0]
    _set_after(claim, "start", s, "quote")
    _set_after(claim, "end", s + len(quote), "start")
    return True


def _set_after(m: CommentedMap, key: str, value: int, after: str) -> None:
    """Set ``m[key] = value``; a new key goes right after ``after`` so files stay in a readable order."""
    if key in m:
        m[key] = value
        return
    keys = list(m.keys())
    idx = keys.index(after) + 1 if after in keys else len(keys)
    m.insert(idx, key, value)


def _write_atomic(path: Path, data: Any, y: YAML) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename over it."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            y.dump(data, fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fill_spans(ledger_dir: Path, documents: list[Path] | None = None,
               check: bool = False) -> tuple[list[SpanProblem], list[Path], int]:
    """Fill (or, with ``check``, only verify) every claim span of the ledger at ``ledger_dir``.

    Args:
        ledger_dir: the ledger folder (every ``*.yaml`` below it is read) or one YAML file.
        documents: extra folders holding the documents' files.
        check: when True nothing is written; a missing or wrong span is reported as a problem.

    Returns:
        ``(problems, changed_files, claims_seen)``. With ``check``, ``changed_files`` lists the files that
        *would* change.
    """
    y = _yaml()
    paths = [ledger_dir] if ledger_dir.is_file() else sorted(ledger_dir.rglob("*.yaml"))
    problems: list[SpanProblem] = []
    files: list[tuple[Path, Any]] = []
    for p in paths:
        try:
            files.append((p, y.load(p.read_text(encoding="utf-8"))))
        except Exception as exc:  # noqa: BLE001 - any parse error becomes a reported problem
            mark = getattr(exc, "problem_mark", None)
            line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
            problems.append(SpanProblem(str(p), line, col, f"cannot read YAML: {str(exc).splitlines()[0]}",
                                        "fix the YAML syntax first"))
    if not paths:
        problems.append(SpanProblem(str(ledger_dir), 1, 1, "no YAML file here", "point at a ledger folder"))
    docs = _documents(files, documents or [], problems)
    changed: list[Path] = []
    seen = 0
    for path, data in files:
        dirty = False
        for rid, claim in claim_maps(data):
            seen += 1
            before = (claim.get("start"), claim.get("end"))
            if _fix_claim(path, rid, claim, docs, problems):
                dirty = True
                if check:
                    line, col = _pos(claim, "quote")
                    problems.append(SpanProblem(str(path), line, col,
                                                f"span of a claim on {rid} is {before[0]}:{before[1]}, "
                                                f"the quote stands at {claim['start']}:{claim['end']}",
                                                "run tools/spans.py without --check to fix it"))
        if dirty:
            changed.append(path)
            if not check:
                _write_atomic(path, data, y)
    return problems, changed, seen


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: fill or check spans, print problems, return the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="example: python tools/spans.py src/dealweb/data/ai-capex-2025 --check")
    ap.add_argument("ledger", type=Path, help="ledger folder (or one YAML file)")
    ap.add_argument("--documents", type=Path, action="append", default=[], metavar="DIR",
                    help="extra folder holding the documents' files (repeatable)")
    ap.add_argument("--check", action="store_true", help="report only; exit 1 if any span is missing or wrong")
    args = ap.parse_args(argv)
    if not args.ledger.exists():
        print(f"{args.ledger}: no such file or folder (give the ledger folder)", file=sys.stderr)
        return 1
    problems, changed, seen = fill_spans(args.ledger, args.documents, args.check)
    for p in problems:
        print(p, file=sys.stderr)
    verb = "would change" if args.check else "changed"
    print(f"{seen} claims, {len(problems)} problems, {verb} {len(changed)} file(s)"
          + (": " + ", ".join(str(c) for c in changed) if changed else ""))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
