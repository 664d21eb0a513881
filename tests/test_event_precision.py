"""Event dates with their precision: "In September" is a month, "just before Thanksgiving" an assumed day.

A ledger event may say how much of its ``date`` the text gives (``precision: day|month|quarter|year``) and how
the date was found (``date_basis: stated|implied|assumed``); ``show`` and the export print the date as the
source gives it ("2025-09", "~2025-11-26 (assumed)") while ``date`` keeps ordering the lifecycle.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from dealweb.cli import main
from dealweb.ledger import load_ledger
from dealweb.model import Event, Status

DOC = "Title\nIn September, A ordered from B. The term sheet was signed just before Thanksgiving 2025.\n"
Q1 = "In September, A ordered from B."
Q2 = "The term sheet was signed just before Thanksgiving 2025."
S1, S2 = DOC.index(Q1), DOC.index(Q2)


def ledger_text(precision: str = "month", basis: str = "assumed") -> str:
    return f"""\
ledger:
  name: precision
  documents_dirs: [.]
entities:
  - {{id: a, names: {{en: A}}}}
  - {{id: b, names: {{en: B}}}}
documents:
  - {{id: d1, title: T, outlet: O, date: 2025-12-01, file: doc.txt}}
deals:
  - id: a-b
    type: chip_purchase
    from: a
    to: b
    events:
      - date: 2025-09-01
        status: signed
        precision: {precision}
        claims:
          - {{document: d1, quote: "{Q1}", start: {S1}, end: {S1 + len(Q1)}}}
      - date: 2025-11-26
        status: completed
        date_basis: {basis}
        claims:
          - {{document: d1, quote: "{Q2}", start: {S2}, end: {S2 + len(Q2)}}}
"""


def write(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "led"
    root.mkdir()
    (root / "ledger.yaml").write_text(text, encoding="utf-8")
    (root / "doc.txt").write_text(DOC, encoding="utf-8")
    return root


def test_show_and_export_print_the_date_as_the_source_gives_it(tmp_path):
    root = write(tmp_path, ledger_text())
    res = load_ledger(root)
    assert res.errors == []
    ev = res.ledger.deals["a-b"].events
    assert [e.shown_date() for e in ev] == ["2025-09", "~2025-11-26 (assumed)"]
    r = CliRunner().invoke(main, ["show", "a-b", "--ledger", str(root)])
    assert r.exit_code == 0, r.output
    assert "2025-09 " in r.stdout and "~2025-11-26 (assumed)" in r.stdout
    assert "2025-09-01" not in r.stdout  # the stand-in day is not shown as if the text gave it
    r = CliRunner().invoke(main, ["export", "--ledger", str(root)])
    deal = next(d for d in json.loads(r.stdout)["deals"] if d["id"] == "a-b")
    assert [(e["date"], e["precision"], e["date_basis"], e["date_shown"]) for e in deal["events"]] == [
        ("2025-09-01", "month", "stated", "2025-09"), ("2025-11-26", "day", "assumed", "~2025-11-26 (assumed)")]


@pytest.mark.parametrize(("key", "bad"), [("precision", "week"), ("date_basis", "guessed")])
def test_an_unknown_precision_or_basis_is_one_line_with_file_line_and_hint(tmp_path, key, bad):
    text = ledger_text("month", "assumed")
    text = text.replace("precision: month", f"precision: {bad}") if key == "precision" \
        else text.replace("date_basis: assumed", f"date_basis: {bad}")
    root = write(tmp_path, text)
    r = CliRunner().invoke(main, ["check", str(root)])
    assert r.exit_code == 1
    line = next(ln for ln in r.output.splitlines() if bad in ln)
    assert "ledger.yaml:" in line and "expected one of" in line and "Traceback" not in r.output


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
       st.sampled_from(["", "month", "quarter", "year"]), st.sampled_from(["", "implied", "assumed"]))
def test_shown_date_names_the_span_that_holds_the_date(d, precision, basis):
    shown = Event(d, Status.SIGNED, precision=precision, date_basis=basis).shown_date()
    core = shown.removeprefix("~").split(" ")[0]
    expected = {"": d.isoformat(), "month": d.isoformat()[:7], "year": str(d.year),
                "quarter": f"{d.year}-Q{(d.month + 2) // 3}"}[precision]
    assert core == expected
    assert shown.startswith("~") == (basis == "assumed" and precision == "")
    assert shown.endswith("(assumed)") == (basis == "assumed")


def test_the_current_web_marks_its_approximate_dates():
    res = load_ledger(None)
    deals = res.ledger.deals
    shown = {d: [e.shown_date() for e in deals[d].events] for d in (
        "nvidia-coreweave-capacity-backstop-6p3b", "openai-cerebras-10b", "oracle-bonds-18b-2025-09",
        "openai-oracle-cloud-300b")}
    assert shown["nvidia-coreweave-capacity-backstop-6p3b"] == ["2025-09"]          # "In September"
    assert shown["openai-cerebras-10b"][0] == "~2025-11-26 (assumed)"              # "just before Thanksgiving"
    assert shown["oracle-bonds-18b-2025-09"] == ["~2025-09-24 (assumed)"]          # "late September"
    assert shown["openai-oracle-cloud-300b"][0] == "2025-07"                       # 今年7月
