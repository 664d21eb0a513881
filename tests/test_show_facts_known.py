"""`show --at D` shows only the facts known on D (earliest dated source on or before D), like deals.

A fact about a past period (Oracle's FY2025 Q1, June-August 2024) reported in a document published on
2025-09-10 was not known on 2025-01-15; a fact whose sources are all undated is never shown as always
known. Found by reading the bundled ledger as an analyst (issue 10, part 3: time without look-ahead).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dealweb.cli import main

DOC = "標題\n甲骨文去年Q1營收增長8%;雲端營收約100億美元。\n"
Q1 = "甲骨文去年Q1營收增長8%"
Q2 = "雲端營收約100億美元"
S1, S2 = DOC.index(Q1), DOC.index(Q2)

LEDGER = f"""\
ledger:
  name: facts-at
  documents_dirs: [.]
entities:
  - {{id: oracle, names: {{en: Oracle}}, fiscal_year_end: 05-31}}
documents:
  - {{id: dated, title: 業績會, outlet: A, date: 2025-09-10, file: doc.txt}}
  - {{id: undated, title: 評論, outlet: B, file: doc.txt}}
facts:
  - id: past-period-late-report
    entity: oracle
    metric: revenue_growth_yoy
    value: 8%
    period: FY2025 Q1
    claims:
      - {{document: dated, quote: "{Q1}", start: {S1}, end: {S1 + len(Q1)}}}
  - id: undated-only
    entity: oracle
    metric: cloud_revenue
    value: 約100億美元
    claims:
      - {{document: undated, quote: "{Q2}", start: {S2}, end: {S2 + len(Q2)}}}
"""


@pytest.fixture()
def ledger_dir(tmp_path: Path) -> Path:
    root = tmp_path / "led"
    root.mkdir()
    (root / "doc.txt").write_text(DOC, encoding="utf-8")
    (root / "main.yaml").write_text(LEDGER, encoding="utf-8")
    return root


def _facts(ledger_dir: Path, *at: str) -> list[str]:
    r = CliRunner().invoke(main, ["show", "--ledger", str(ledger_dir), "oracle", "--json", *at])
    assert r.exit_code == 0, r.output
    return [f["id"] for f in json.loads(r.stdout)["facts"]]


def test_facts_known_on_d_only(ledger_dir: Path) -> None:
    # without --at: both facts
    assert _facts(ledger_dir) == ["past-period-late-report", "undated-only"]
    # the period (2024-06-01..2024-08-31) began before D, but the report came out on 2025-09-10
    assert _facts(ledger_dir, "--at", "2025-01-15") == []
    assert _facts(ledger_dir, "--at", "2025-09-09") == []
    # known from its publication day; the undated fact is never taken as always known
    assert _facts(ledger_dir, "--at", "2025-09-10") == ["past-period-late-report"]


def test_overview_counts_facts_known_on_d(ledger_dir: Path) -> None:
    r = CliRunner().invoke(main, ["show", "--ledger", str(ledger_dir), "--at", "2025-01-15"])
    assert r.exit_code == 0, r.output
    assert "0 facts known on 2025-01-15" in r.stdout
    r = CliRunner().invoke(main, ["show", "--ledger", str(ledger_dir), "--at", "2025-09-10"])
    assert "1 facts known on 2025-09-10" in r.stdout or "1 fact known on 2025-09-10" in r.stdout
    r = CliRunner().invoke(main, ["show", "--ledger", str(ledger_dir)])
    assert "2 facts," in r.stdout
