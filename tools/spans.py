#!/usr/bin/env python3
"""Fill or check the character spans of every quote in a ledger: a maintainer's wrapper.

The work is done by :func:`dealweb.ledger.spans.fill_spans`, the same code as ``dealweb check
--fix-spans``. This wrapper exists for the maintainers of the ledgers bundled inside the package (which
dealweb's own commands never write): it passes ``allow_package=True``.

Usage::

    python tools/spans.py src/dealweb/data/ai-capex-2025 --documents ../shared/seeds          # fill / correct
    python tools/spans.py src/dealweb/data/ai-capex-2025 --documents ../shared/seeds --check  # report only

For a ledger of your own, use ``dealweb check --fix-spans [LEDGER] [--documents DIR]``.
Exit status 1 when any problem remains, 0 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dealweb.errors import DealwebError, Problem
from dealweb.ledger.spans import claim_maps, occurrences
from dealweb.ledger.spans import fill_spans as _fill

__all__ = ["claim_maps", "fill_spans", "main", "occurrences"]


def fill_spans(ledger_dir: Path, documents: list[Path] | None = None,
               check: bool = False) -> tuple[list[Problem], list[Path], int]:
    """``(problems, changed_files, claims_seen)``: see :func:`dealweb.ledger.spans.fill_spans`."""
    r = _fill(ledger_dir, documents or [], check=check, allow_package=True)
    return [p for p in r.problems if p.severity == "error"], r.changed, r.seen


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: fill or check spans, print problems, return the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ledger", type=Path, help="ledger folder (or one YAML file)")
    ap.add_argument("--documents", type=Path, action="append", default=[], metavar="DIR",
                    help="extra folder holding the documents' files (repeatable)")
    ap.add_argument("--check", action="store_true", help="report only; exit 1 if any span is missing or wrong")
    args = ap.parse_args(argv)
    try:
        problems, changed, seen = fill_spans(args.ledger, args.documents, args.check)
    except DealwebError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for p in problems:
        print(p, file=sys.stderr)
    verb = "would change" if args.check else "changed"
    print(f"{seen} claims, {len(problems)} problems, {verb} {len(changed)} file(s)"
          + (": " + ", ".join(str(c) for c in changed) if changed else ""))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
