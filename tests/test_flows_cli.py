"""The flows table from the command line: export (CSV, Parquet, atomic), --at without look-ahead, trace JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dealweb.cli import main

LEDGER = """\
entities:
  - {id: a, names: {en: Alpha}}
  - {id: b, names: {en: Beta}}
  - {id: inv, names: {en: Investor}, kind: fund}
documents:
  - {id: early, title: Early, date: 2025-03-01}
  - {id: late, title: Late, date: 2025-09-01}
  - {id: nodate, title: No date}
deals:
  - id: cloud
    type: compute_contract
    from: a
    to: b
    amount: $800M
    term: {start: 2026-01-01, years: 2}
    schedule: flat
    status: signed
    claims:
      - {document: early, quote: a $800 million cloud deal}
  - id: round
    type: equity_investment
    from: inv
    to: a
    amount: up to $300M
    status: signed
    claims:
      - {document: late, quote: up to $300 million}
  - id: mystery
    type: services
    from: b
    to: a
    amount: $5M
    status: signed
    claims:
      - {document: nodate, quote: five million}
"""


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args), env={"COLUMNS": "200"})
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture()
def ledger(tmp_path: Path) -> Path:
    p = tmp_path / "ledger.yaml"
    p.write_text(LEDGER, encoding="utf-8")
    return p


def test_export_flows_csv_by_hand(ledger: Path, tmp_path: Path):
    out = tmp_path / "flows.csv"
    code, _, err = run("export", str(ledger), "--format", "flows", "-o", str(out))
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    cloud = [r for r in rows if r["deal"] == "cloud"]
    # $800M over 8 quarters = $100M each, from 2026-Q1 to 2027-Q4
    assert [float(r["value"]) for r in cloud] == [100e6] * 8
    assert cloud[0]["period_start"] == "2026-01-01" and cloud[-1]["period_end"] == "2027-12-31"
    assert {r["status"] for r in cloud} == {"firm"} and cloud[0]["known_from"] == "2025-03-01"
    (rnd,) = [r for r in rows if r["deal"] == "round"]
    assert (rnd["status"], float(rnd["value"]), float(rnd["high"])) == ("conditional", 150e6, 300e6)
    assert "up to $300M" in rnd["trigger"] and rnd["period_start"] == ""
    assert rows[0].keys() >= {"low", "mid", "high", "policy", "source", "assumed", "basis", "shape"}
    # the currency is said in its own column, the last one (columns are only ever appended)
    assert list(rows[0].keys())[-1] == "currency" and {r["currency"] for r in rows} == {"USD"}
    from dealweb.flows import COLUMNS

    assert list(rows[0].keys()) == list(COLUMNS) and COLUMNS[:21] == (
        "deal", "payer", "payee", "kind", "status", "basis", "shape", "period_start", "period_end", "low", "mid",
        "high", "open_high", "value", "policy", "term_years", "cash", "trigger", "source", "assumed", "known_from")


def test_export_flows_parquet_and_at(ledger: Path, tmp_path: Path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "flows.parquet"
    code, _, err = run("export", str(ledger), "--format", "flows", "--at", "2025-06-01", "-o", str(out))
    assert code == 0, err
    t = pq.read_table(out)
    # on 2025-06-01 only 'cloud' was known ('round' appears in September; 'mystery' has no dated source)
    assert set(t.column("deal").to_pylist()) == {"cloud"} and t.num_rows == 8
    assert set(t.column("currency").to_pylist()) == {"USD"} and t.schema.metadata[b"currency"] == b"USD"
    assert t.column_names[-1] == "currency"
    assert not list(tmp_path.glob(".flows.parquet.*"))  # written through a temporary file, none left over


def test_show_at_leaves_out_later_and_undated(ledger: Path):
    code, out, _ = run("show", "--ledger", str(ledger), "--at", "2025-06-01", "--json")
    assert code == 0
    d = json.loads(out)
    assert [x["id"] for x in d["deals"]] == ["cloud"]
    assert d["unknown_date"] == ["mystery"] and d["not_yet_known"] == ["round"]
    assert d["totals"]["firm"] == pytest.approx(800e6) and d["totals"]["conditional"] == 0


def test_trace_json_unfunded_and_definition(ledger: Path):
    code, out, _ = run("trace", "b", "--ledger", str(ledger), "--json")
    assert code == 0
    d = json.loads(out)
    # firm money: a pays b $800M and takes in only b's $5M, so a puts in $795M beyond its inflow, with no cash
    # recorded for it: unfunded. b takes in more than it pays out (no money of its own), so a's mix is all
    # a's own money (c_a = (5 c_b + 795 e_a) / 800 with c_b = c_a), and so is b's whole inflow: $800M unfunded.
    assert d["unfunded"]["amount"] == pytest.approx(800e6)
    assert "own_funds" not in d["classes"] and d["classes"]["unfunded"] == pytest.approx(1.0)
    assert d["definition"].startswith("Circularity is") and d["circularity"] == 0.0
    assert d["on_loop"] is True and "no money of its own" in d["note"]
    code, out, _ = run("trace", "a", "--ledger", str(ledger), "--json", "--include", "conditional")
    d = json.loads(out)
    assert d["include"] == ["firm", "conditional"] and d["inflow"] == pytest.approx(155e6)


def test_exposure_json_tells_firm_and_conditional(ledger: Path):
    code, out, _ = run("exposure", "a", "--ledger", str(ledger), "--json", "--include", "conditional")
    assert code == 0
    d = json.loads(out)
    assert d["conditional_deals"] == ["round"] and d["totals"]["conditional"] == pytest.approx(150e6)
    code, out, _ = run("exposure", "a", "--ledger", str(ledger), "--json")
    d = json.loads(out)
    assert d["conditional_deals"] == [] and d["left_out"]["conditional"] == pytest.approx(150e6)
