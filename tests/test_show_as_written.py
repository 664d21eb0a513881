"""`show` prints each amount as written in its source, also when the words are English.

The "amount (as written)" cell is ``label  [text]``; rich read ``[as much as $100 billion]`` as a markup tag
and dropped it, so English sources lost their own words ("as much as", "around ... annually") while Chinese
ones kept theirs. A deal with per-year rates and no total showed "—" though the flows table counts it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dealweb.cli import main

DOC = ("Title\nMeta signed a deal worth as much as $100 billion with AMD. "
       "SoftBank will pay around $3 billion annually.\n")
Q1 = "Meta signed a deal worth as much as $100 billion with AMD."
Q2 = "SoftBank will pay around $3 billion annually."
S1, S2 = DOC.index(Q1), DOC.index(Q2)

LEDGER = f"""\
ledger:
  name: as-written
  documents_dirs: [.]
entities:
  - {{id: meta, names: {{en: Meta}}}}
  - {{id: amd, names: {{en: AMD}}}}
  - {{id: softbank, names: {{en: SoftBank}}}}
  - {{id: openai, names: {{en: OpenAI}}}}
documents:
  - {{id: d1, title: T, outlet: O, date: 2026-02-24, file: doc.txt}}
deals:
  - id: meta-amd
    type: chip_purchase
    from: meta
    to: amd
    amount: as much as $100 billion
    announced: 2026-02-24
    claims:
      - {{document: d1, stated: as much as $100 billion, quote: "{Q1}", start: {S1}, end: {S1 + len(Q1)}}}
  - id: sb-oai
    type: services
    from: softbank
    to: openai
    announced: 2026-02-24
    per_year:
      - amount: around $3 billion
        start: 2026-02-24
        claims:
          - {{document: d1, stated: around $3 billion, quote: "{Q2}", start: {S2}, end: {S2 + len(Q2)}}}
    claims:
      - {{document: d1, field: parties, quote: "{Q2}", start: {S2}, end: {S2 + len(Q2)}}}
"""


@pytest.fixture()
def ledger_dir(tmp_path: Path) -> Path:
    root = tmp_path / "led"
    root.mkdir()
    (root / "doc.txt").write_text(DOC, encoding="utf-8")
    (root / "main.yaml").write_text(LEDGER, encoding="utf-8")
    return root


def _show(*args: str) -> str:
    r = CliRunner().invoke(main, ["show", *args], terminal_width=250)
    assert r.exit_code == 0, r.output
    return r.stdout


def test_english_words_as_written_are_shown(ledger_dir: Path) -> None:
    out = _show("--ledger", str(ledger_dir))
    assert "[as much as $100 billion]" in out
    assert "up to $100B" in out  # the reading beside the words


def test_per_year_rate_shown_where_there_is_no_total(ledger_dir: Path) -> None:
    out = _show("--ledger", str(ledger_dir), "openai")
    assert "about $3B  [around $3 billion] a year from 2026-02-24" in out
    assert "$2.7B–$3.3B a year" in out
    out = _show("--ledger", str(ledger_dir), "sb-oai")
    assert "amount: about $3B  [around $3 billion] a year" in out
