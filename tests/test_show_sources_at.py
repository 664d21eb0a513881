"""`show --at D`: the deals table's sources column counts the deal's documents published by D.

A deal sourced only by an event's quote (no deal-level claim) showed 0 sources, though that document was
published before D (fresh-eyes check, session 3). The count is of distinct documents among the deal's claims
and its events' claims, each published on or before D.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from click.testing import CliRunner

from dealweb.cli import main
from dealweb.flows.known import source_documents
from dealweb.model import Claim, Deal, Document, Event, Status

DOC = "Planned: a 600 MW lease near the site. Later: the lease was dropped.\n"
Q1 = "Planned: a 600 MW lease near the site."
Q2 = "Later: the lease was dropped."
S1, S2 = DOC.index(Q1), DOC.index(Q2)

LEDGER = f"""\
ledger:
  name: sources-at
  documents_dirs: [.]
entities:
  - {{id: lessee, names: {{en: Lessee Co}}}}
  - {{id: builder, names: {{en: Builder Co}}}}
documents:
  - {{id: early, title: Plan, outlet: A, date: 2025-09-23, file: doc.txt}}
  - {{id: late, title: Drop, outlet: B, date: 2026-03-06, file: doc.txt}}
  - {{id: late2, title: Drop again, outlet: C, date: 2026-03-07, file: doc.txt}}
deals:
  - id: event-only-lease
    title: a lease sourced by its events only
    type: lease
    from: lessee
    to: builder
    capacity_gw: 0.6
    announced: 2025-09-23
    events:
      - date: 2025-09-23
        status: announced
        claims:
          - {{document: early, quote: "{Q1}", start: {S1}, end: {S1 + len(Q1)}}}
      - date: 2026-03-06
        status: cancelled
        claims:
          - {{document: late, quote: "{Q2}", start: {S2}, end: {S2 + len(Q2)}}}
          - {{document: late2, quote: "{Q2}", start: {S2}, end: {S2 + len(Q2)}}}
          - {{document: late, quote: "{Q2}", start: {S2}, end: {S2 + len(Q2)}}}
"""


def _sources_cell(out: str, deal: str) -> str:
    row = next(line for line in out.splitlines() if line.startswith("│ " + deal[:20]))
    return row.rstrip("│ ").split("│")[-1].strip()


def test_show_at_counts_event_documents_published_by_d(tmp_path: Path) -> None:
    (tmp_path / "doc.txt").write_text(DOC, encoding="utf-8")
    (tmp_path / "main.yaml").write_text(LEDGER, encoding="utf-8")
    run = CliRunner().invoke
    r = run(main, ["show", "--ledger", str(tmp_path), "--at", "2025-09-30"], terminal_width=400)
    assert r.exit_code == 0, r.output
    assert _sources_cell(r.stdout, "event-only-lease") == "1"  # the plan's document, published 2025-09-23
    r = run(main, ["show", "--ledger", str(tmp_path)], terminal_width=400)
    assert r.exit_code == 0, r.output
    assert _sources_cell(r.stdout, "event-only-lease") == "3"  # distinct documents: early, late, late2


def test_source_documents_by_publication_date() -> None:
    docs = {"a": Document("a", "A", date=date(2025, 9, 10)), "b": Document("b", "B", date=date(2025, 12, 1)),
            "u": Document("u", "U")}
    d = Deal("x", "lease", claims=(Claim("b", "q"), Claim("u", "q")),
             events=(Event(date(2025, 9, 10), Status.ANNOUNCED, claims=(Claim("a", "q"), Claim("a", "r"))),))
    assert source_documents(d, docs) == ["a", "b", "u"]
    assert source_documents(d, docs, date(2025, 9, 9)) == []
    assert source_documents(d, docs, date(2025, 9, 10)) == ["a"]  # undated "u" is not known published by D
    assert source_documents(d, docs, date(2025, 12, 1)) == ["a", "b"]
