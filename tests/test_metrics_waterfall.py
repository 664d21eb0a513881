"""The obligations waterfall and the counterparty haircut, on the three-firm ledger, worked by hand."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.three_firms import ANALYSES, write_three_firms

from dealweb.cli import main
from dealweb.flows import build_flows
from dealweb.ledger import load_ledger
from dealweb.metrics.waterfall import haircut, parse_percentages, waterfall

runner = CliRunner()


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_three_firms(tmp_path_factory.mktemp("three"), ANALYSES)


def test_waterfall_by_hand(three: Path) -> None:
    ledger = load_ledger(three).ledger
    w = waterfall(build_flows(ledger), ledger)
    rows = {(y.firm, y.year): y for y in w.years}
    # beta pays alpha $10B flat over 2026-2029: $2.5B a year, firm; no revenue recorded for those years
    for year in ("2026", "2027", "2028", "2029"):
        b = rows[("beta", year)]
        assert (b.paid, b.firm_owed, b.conditional) == (0.0, pytest.approx(2.5e9), 0.0)
        assert b.income == 0.0 and b.gap == pytest.approx(2.5e9)
    # alpha pays gamma $4B flat over 2026-2027 ($2B a year) and is owed $2.5B a year by beta
    a26 = rows[("alpha", "2026")]
    assert a26.firm_owed == pytest.approx(2e9) and a26.income == pytest.approx(2.5e9)
    assert a26.income_basis == "owed by the web" and a26.gap == pytest.approx(-0.5e9)
    assert rows[("alpha", "2028")].gap == pytest.approx(-2.5e9)
    assert {r["counterparty"] for r in w.by_counterparty if r["firm"] == "beta"} == {"alpha"}
    # the yearly rows add up to the contracts
    assert sum(y.firm_owed for y in w.years if y.firm == "beta") == pytest.approx(10e9)


def _final(rows: list, firm: str) -> dict:
    """The last round's row of ``firm`` per k."""
    out = {}
    for r in rows:
        if r.firm == firm and r.round >= out.get(r.k, r).round:
            out[r.k] = r
    return out


def test_haircut_by_hand(three: Path) -> None:
    ledger = load_ledger(three).ledger
    rows = _final(haircut(build_flows(ledger), ledger, "beta", (1.0, 0.5, 0.0)), "alpha")
    # k = 100%: alpha's backlog $10B, income $2.5B a year covers its $2B a year to gamma: no gap
    assert rows[1.0].backlog == pytest.approx(10e9) and rows[1.0].funding_gap == 0.0 and not rows[1.0].fails
    # k = 50%: income $1.25B a year; gaps 2.0 - 1.25 = 0.75 in 2026 and 2027 -> $1.5B; no cash: fails in round 0
    assert rows[0.5].backlog == pytest.approx(5e9)
    assert rows[0.5].funding_gap == pytest.approx(1.5e9) and rows[0.5].fails and rows[0.5].failed_in == 0
    # it then pays gamma 1 - 1.5 / 4 = 62.5% of the $4B it owes
    assert rows[0.5].pays == pytest.approx(0.625)
    # k = 0: nothing comes in; alpha still owes gamma $4B
    assert rows[0.0].funding_gap == pytest.approx(4e9) and rows[0.0].income_by_year["2026"] == 0.0


#: Three firms in a ring: beta pays alpha $10B over 2026-2029, alpha pays gamma $4B over 2026-2027, gamma pays
#: beta $3B over 2026-2027 (the same ledger as three_firms, plus gamma's contract).
RING = """
  - id: gamma-beta-hosting
    type: compute_contract
    from: gamma
    to: beta
    amount: 30億美元
    announced: 2026-01-12
    term: {start: 2026-01-01, years: 2}
    schedule: flat
    status: signed
    claims:
      - {document: memo, field: amount, quote: "Board memo", start: 0, end: 10}
"""


def test_haircut_cascade_second_round_by_hand(tmp_path: Path) -> None:
    """Beta pays half: alpha fails (round 0), pays gamma less, and gamma fails in round 1."""
    import tests.three_firms as tf

    root = tf.write_three_firms(tmp_path / "ring")
    text = (root / "ledger.yaml").read_text().replace("facts:\n", RING.lstrip("\n") + "facts:\n", 1)
    (root / "ledger.yaml").write_text(text)
    ledger = load_ledger(root).ledger
    rows = haircut(build_flows(ledger), ledger, "beta", (1.0, 0.5))
    # k = 100%: alpha gets $2.5B a year for $2B owed; gamma $2B a year for $1.5B owed: nobody fails, one round
    assert {(r.round, r.firm, r.fails) for r in rows if r.k == 1.0} == {(0, "alpha", False)}
    half = {(r.round, r.firm): r for r in rows if r.k == 0.5}
    # round 0: beta pays alpha $1.25B a year: alpha short 2.0 - 1.25 = $0.75B in 2026 and 2027 -> $1.5B, fails
    a0 = half[(0, "alpha")]
    assert a0.funding_gap == pytest.approx(1.5e9) and a0.failed_in == 0 and a0.pays == 1.0
    # round 1: alpha pays 1 - 1.5 / 4 = 62.5% of its $4B: gamma gets $1.25B a year for $1.5B owed ->
    # short $0.25B in 2026 and 2027 -> $0.5B, no cash: gamma fails in the second round
    a1, g1 = half[(1, "alpha")], half[(1, "gamma")]
    assert a1.pays == pytest.approx(0.625)
    assert g1.income_by_year == {"2026": pytest.approx(1.25e9), "2027": pytest.approx(1.25e9)}
    assert g1.funding_gap == pytest.approx(0.5e9) and g1.fails and g1.failed_in == 1
    assert g1.backlog == pytest.approx(2.5e9)  # its backlog: 62.5% of the $4B alpha owes it
    # round 2: gamma pays 1 - 0.5 / 3 of the $3B it owes beta (the payer, not judged); no new failure: the end
    g2 = half[(2, "gamma")]
    assert g2.pays == pytest.approx(1 - 0.5 / 3) and max(r.round for r in rows if r.k == 0.5) == 2
    from dealweb.metrics.waterfall import cascade_summary

    summary = {s["k"]: s for s in cascade_summary(rows)}
    assert summary[0.5]["failed_by_round"] == [["alpha"], ["gamma"], []]
    assert summary[1.0]["failed"] == []


def test_cli_json_csv_and_excel(three: Path, tmp_path: Path) -> None:
    out = runner.invoke(main, ["metrics", "waterfall", "--ledger", str(three), "--firm", "beta", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["analysis"] == "waterfall" and data["unit"] == "usd"
    assert [y["year"] for y in data["years"]] == ["2026", "2027", "2028", "2029"]
    csv_out = runner.invoke(main, ["metrics", "haircut", "--ledger", str(three), "--payer", "beta", "--k", "50",
                                   "--csv", "-"])
    assert csv_out.exit_code == 0, csv_out.output
    got = list(csv.DictReader(io.StringIO(csv_out.output)))
    assert [(r["round"], r["firm"]) for r in got] == [("0", "alpha"), ("1", "alpha"), ("1", "gamma")]
    assert float(got[0]["funding_gap"]) == pytest.approx(1.5e9) and got[0]["failed_in"] == "0"
    assert float(got[1]["pays"]) == pytest.approx(0.625)
    xlsx = tmp_path / "w.xlsx"
    res = runner.invoke(main, ["metrics", "waterfall", "--ledger", str(three), "--xlsx", str(xlsx)])
    assert res.exit_code == 0, res.output
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["waterfall", "by_counterparty"]
    header = [c.value for c in wb["waterfall"][1]]
    assert header[:3] == ["firm", "year", "paid"] and wb["waterfall"].max_row == 9  # header + 8 firm-years


@pytest.mark.parametrize("args, words", [
    (["haircut", "--payer", "beta", "--k", "120"], "--k 120% is outside 0-100%"),
    (["haircut", "--payer", "beta", "--k", "-5"], "outside 0-100%"),
    (["haircut", "--payer", "beta", "--k", "50,x"], "'x' is not a number"),
    (["haircut", "--payer", "omega"], "--payer 'omega' is not an entity"),
    (["haircut", "--payer", "gamma"], "'gamma' pays nothing"),
    (["waterfall", "--firm", "omega"], "--firm 'omega' is not an entity"),
    (["bridge", "--interest-rate", "120"], "--interest-rate 120% is outside 0-100%"),
    (["bridge", "--interest-rate", "5,6"], "--interest-rate '5,6' is one figure"),
])
def test_bad_options_are_one_line(three: Path, args: list[str], words: str) -> None:
    res = runner.invoke(main, ["metrics", *args, "--ledger", str(three)])
    assert res.exit_code == 2, res.output
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and words in lines[0] and "hint" in lines[0], res.output


def test_parse_percentages() -> None:
    assert parse_percentages("100, 50%,0") == (1.0, 0.5, 0.0)


def test_funding_bridge_by_hand(three: Path) -> None:
    from dataclasses import replace

    from dealweb.metrics.waterfall import funding_bridge
    from dealweb.model import Fact
    from dealweb.money import parse_amount

    base = load_ledger(three).ledger
    ocf = Fact("alpha-ocf", "alpha", "operating_cash_flow_ttm", parse_amount("$1 billion"))
    capex = Fact("alpha-capex", "alpha", "capex", parse_amount("$3 billion"), period="2026")
    ledger = replace(base, facts={**base.facts, ocf.id: ocf, capex.id: capex})
    rows = {(r.firm, r.year): r for r in funding_bridge(build_flows(ledger), ledger, ("alpha", "beta"))}
    # alpha buys $2B of chips from gamma in 2026 and in 2027: need = 3 + 2 - 1 = $4B; leverage 4 / 1 = 4x
    a = rows[("alpha", "2026")]
    assert (a.operating_cash_flow, a.capex, a.in_web_purchases) == (1e9, 3e9, pytest.approx(2e9))
    assert a.need == pytest.approx(4e9) and a.leverage_after == pytest.approx(4.0)
    assert a.sources == {"operating_cash_flow": "alpha-ocf", "capex": "alpha-capex"}
    # beta has no cash-flow facts: its need is not assessed, its purchases ($2.5B a year) still shown
    b = rows[("beta", "2026")]
    assert b.need is None and b.in_web_purchases == pytest.approx(2.5e9)
    # a capex figure that includes the chip deal: the purchases are not counted twice -> need 3 - 1 = $2B
    inside = replace(capex, includes=("alpha-gamma-chips",))
    ledger2 = replace(base, facts={**base.facts, ocf.id: ocf, capex.id: inside})
    (only,) = funding_bridge(build_flows(ledger2), ledger2, ("alpha",))
    assert only.in_web_purchases == 0.0 and only.need == pytest.approx(2e9)
    res = runner.invoke(main, ["metrics", "bridge", "--ledger", str(three), "--json"])
    assert res.exit_code == 0 and json.loads(res.output)["analysis"] == "bridge"


def test_scenarios_side_by_side_and_tornado(tmp_path: Path) -> None:
    res = runner.invoke(main, ["metrics", "scenarios", "base", "capital-drought", "--runs", "20", "--seed", "3",
                               "--ledger", "ai-capex-2025", "--tornado", "openai", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["scenarios"] == ["base", "capital-drought"]
    row = next(r for r in data["firms"] if r["firm"] == "openai")
    for name in ("base", "capital-drought"):
        assert 0.0 <= row[f"{name}_default_probability"] <= 1.0
    # a drought of capital never makes a default less likely than the base case for the same runs and seed
    assert row["capital-drought_default_probability"] >= row["base_default_probability"]
    rows = data["tornado"]["rows"]
    assert rows and [abs(r["delta_pp"]) for r in rows] == sorted((abs(r["delta_pp"]) for r in rows), reverse=True)
    xlsx = tmp_path / "s.xlsx"
    out = runner.invoke(main, ["metrics", "scenarios", "base", "slow-ai-revenue", "--runs", "10", "--ledger",
                               "ai-capex-2025", "--xlsx", str(xlsx)])
    assert out.exit_code == 0, out.output
    from openpyxl import load_workbook

    assert load_workbook(xlsx).sheetnames == ["scenarios"]


@pytest.mark.parametrize("args, words", [
    (["scenarios", "base", "nope"], "SCENARIO 'nope' is neither a file nor a bundled scenario"),
    (["scenarios", "base"], "two or more scenarios"),
])
def test_scenario_names_are_checked(args: list[str], words: str) -> None:
    res = runner.invoke(main, ["metrics", *args, "--ledger", "ai-capex-2025"])
    assert res.exit_code == 2, res.output
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and words in lines[0] and "bundled: base" in lines[0], res.output


LOAN = """
  - id: gamma-alpha-loan
    type: debt_financing
    from: gamma
    to: alpha
    amount: 10億美元
    announced: 2026-01-05
    term: {start: 2026-01-01, years: 2}
    status: signed
    claims:
      - {document: memo, field: amount, quote: "Board memo", start: 0, end: 10}
"""


def test_bridge_debt_service_by_hand(tmp_path: Path) -> None:
    """A $1B loan over two years (its own term), 6% a year assumed: serviced as the simulation services it."""
    from dataclasses import replace

    import tests.three_firms as tf

    from dealweb.metrics.waterfall import funding_bridge
    from dealweb.model import Fact
    from dealweb.money import parse_amount

    root = tf.write_three_firms(tmp_path / "loan")
    text = (root / "ledger.yaml").read_text().replace("facts:\n", LOAN.lstrip("\n") + "facts:\n", 1)
    (root / "ledger.yaml").write_text(text)
    base = load_ledger(root).ledger
    ocf = Fact("alpha-ocf", "alpha", "operating_cash_flow_ttm", parse_amount("$1 billion"))
    capex = Fact("alpha-capex", "alpha", "capex", parse_amount("$3 billion"), period="2026")
    ledger = replace(base, facts={**base.facts, ocf.id: ocf, capex.id: capex})
    rows = {r.year: r for r in funding_bridge(build_flows(ledger), ledger, ("alpha",))}
    # drawn 2026-Q1, repaid in 8 equal parts of $0.125B in 2026-Q2 .. 2028-Q1 (the quarter of maturity,
    # 2028-01-01); interest 6% / 4 = 1.5% a quarter on what is outstanding at the quarter's start:
    # 2026: principal 3 x 0.125 = 0.375, interest 1.5% x (1 + 0.875 + 0.75) = 0.039375
    # 2027: principal 0.5, interest 1.5% x (0.625 + 0.5 + 0.375 + 0.25) = 0.02625
    # 2028: principal 0.125, interest 1.5% x 0.125 = 0.001875
    assert rows["2026"].debt_service == pytest.approx(0.414375e9)
    assert rows["2027"].debt_service == pytest.approx(0.52625e9)
    assert rows["2028"].debt_service == pytest.approx(0.126875e9)
    # need = capex 3 + chips 2 + debt service 0.414375 - operating cash flow 1; leverage (1 + need) / 1
    assert rows["2026"].need == pytest.approx(4.414375e9)
    assert rows["2026"].leverage_after == pytest.approx(5.414375)
    (term,) = rows["2026"].debt_terms
    assert term["deal"] == "gamma-alpha-loan" and term["maturity"] == "2028-01-01"
    assert str(term["rate_source"]).startswith("assumed") and not str(term["maturity_source"]).startswith("assumed")
    # another assumed rate through the CLI: 8% -> 2026 interest 2% x 2.625 = 0.0525 + principal 0.375
    res = runner.invoke(main, ["metrics", "bridge", "--ledger", str(root), "--firm", "alpha", "--interest-rate", "8",
                               "--json"])
    assert res.exit_code == 0, res.output
    got = {y["year"]: y for y in json.loads(res.output)["years"]}
    assert got["2026"]["debt_service"] == pytest.approx(0.4275e9)
    assert "8%" in got["2026"]["debt_terms"][0]["rate_source"]
