"""The stress output prints the inputs the run uses, in units, through the one formatter (analyst findings 6, 9).

A firm whose debt the scenario and the ledger's facts leave out, but which borrows through a loan the ledger
records as a deal, must not read "debt $0" beside a run that services that loan; float noise is not money.
"""

from __future__ import annotations

from datetime import date

from dealweb import fmt
from dealweb.cli.sim_cmds import _debt_cell
from dealweb.model import Deal, Entity, Ledger, Status
from dealweb.money import Amount, Qualifier
from dealweb.sim import parse_scenario
from dealweb.sim.scenario import Param
from dealweb.sim.stress import stress


def _usd(x: float) -> Amount:
    return Amount(x, x, Qualifier.EXACT, "USD", f"${x}")


SCENARIO = """
scenario: {name: d, start: 2026-01-01, quarters: 4, runs: 2, seed: 1}
capital: {interest_rate: 0.08}
entities:
  a: {cash: 1000, capacity: {uniform: [6.0e10, 1.2e11]}}
others: cash_only
"""


def _ledger() -> Ledger:
    loan = Deal("loan-a", "debt_financing", "bank", "a", amount=_usd(400.0), term_start=date(2025, 10, 1),
                term_years=1.0, status=Status.COMPLETED)
    return Ledger(name="t", entities={e: Entity(e, {"en": e.upper()}) for e in ("a", "bank")},
                  deals={loan.id: loan})


def test_debt_input_names_the_ledger_loan_the_run_services():
    summary = stress(parse_scenario(SCENARIO), _ledger()).summary()
    a = next(e for e in summary["entities"] if e["id"] == "a")
    # the run services the $400 loan (see test_sim_credit: 108, 106, 104, 102 a quarter)
    assert a["loans_in_web"] == [{"deal": "loan-a", "lender": "bank", "principal_usd": 400.0}]
    debt = a["inputs"]["debt"]
    assert debt["mean"] == 0.0
    assert debt["source"].startswith("assumed: $0 outside the web at the start")
    assert "loan-a ($400)" in debt["source"]
    cell = _debt_cell(a)
    assert cell.startswith("$0 outside the web (assumed)") and "+ $400 of loans in the ledger" in cell
    assert "loan-a" in cell


def test_firm_without_loans_keeps_its_plain_debt_source():
    led = Ledger(name="t", entities={e: Entity(e, {"en": e}) for e in ("a", "bank")}, deals={})
    a = next(e for e in stress(parse_scenario(SCENARIO), led).summary()["entities"] if e["id"] == "a")
    assert a["loans_in_web"] == []
    assert a["inputs"]["debt"]["source"] == "assumed: $0 outside the web at the start (not in the scenario or " \
                                           "the ledger's facts)"
    assert _debt_cell(a) == "$0 outside the web (assumed)"


def test_money_inputs_are_labelled_with_their_unit():
    a = next(e for e in stress(parse_scenario(SCENARIO), _ledger()).summary()["entities"] if e["id"] == "a")
    assert a["inputs"]["capacity"]["value"] == "uniform[$60B, $120B]"
    assert a["inputs"]["cash"]["value"] == "$1K"
    assert Param("uniform", (0.2, 0.6)).label() == "uniform[0.2, 0.6]"  # rates stay pure numbers
    assert Param("lognormal", (1e9, 0.5)).label("USD") == "lognormal[$1B, 0.5]"  # sigma is not money


def test_float_noise_is_not_printed_as_money():
    for noise in (9.55e-07, 1.88e-07, -1.25e-06, 0.0049):
        assert fmt.money(noise) == "$0"
        assert fmt.money(noise, lang="zh-Hant") == fmt.money(0.0, lang="zh-Hant")
    assert fmt.money(0.01) == "$0.01"
    assert fmt.money(-0.02) == "-$0.02"
    assert fmt.money(12.5e9) == "$12.5B"


# ---- which ledger a scenario's inputs were written for (analyst finding 7) --------------------------------

def test_ledger_warning_when_a_scenario_runs_on_another_ledger():
    from dealweb.sim.stress import ledger_warning

    assert ledger_warning("s", None, "t") is None  # names no ledger: nothing to compare
    assert ledger_warning("s", "t", "t") is None
    assert ledger_warning("s", "../ledgers/t/", "t") is None  # a path: its last part is the name
    w = ledger_warning("base", "ai-capex-2025", "ai-deals-2025-26")
    assert w is not None and "'ai-capex-2025'" in w and "'ai-deals-2025-26'" in w and "--ledger ai-capex-2025" in w
    text = SCENARIO.replace("scenario: {name: d,", "scenario: {name: d, ledger: other,")
    s = stress(parse_scenario(text), _ledger()).summary()
    assert s["ledger"] == "t" and s["scenario_ledger"] == "other" and "runs on 't'" in s["ledger_warning"]
    assert stress(parse_scenario(SCENARIO), _ledger()).summary()["ledger_warning"] is None


def test_bundled_scenarios_name_the_ledger_their_inputs_were_written_for():
    import json

    from click.testing import CliRunner

    from dealweb.cli import main
    from dealweb.sim.scenario import bundled_scenarios, load_scenario

    for path in bundled_scenarios().values():  # the first set (files directly in scenarios/)
        assert load_scenario(path).ledger == "ai-capex-2025"
    for path in bundled_scenarios("ai-deals-2025-26").values():  # the current web's own (scenarios/<ledger>/)
        assert load_scenario(path).ledger == "ai-deals-2025-26"
    for args, ledger in ((["stress", "base"], "ai-deals-2025-26"),  # no --ledger: the default ledger's own base
                         (["stress", "base", "--ledger", "ai-capex-2025"], "ai-capex-2025")):
        out = CliRunner().invoke(main, [*args, "--runs", "20", "--no-sensitivity", "--json"])
        assert out.exit_code == 0, out.output
        s = json.loads(out.stdout)
        assert s["ledger"] == ledger and s["scenario_ledger"] == ledger and s["ledger_warning"] is None


def test_inputs_table_prints_opex_ratio_and_capex_growth_beside_the_result():
    """Both rates move the default probabilities, so the CLI prints them (they were only in --json)."""
    import io

    from rich.console import Console

    from dealweb.cli import sim_cmds

    sc = SCENARIO.replace("a: {cash: 1000,", "a: {cash: 1000, opex_ratio: 0.55, capex: 80, capex_growth: 0.1,")
    summary = stress(parse_scenario(sc), _ledger()).summary()
    a = next(e for e in summary["entities"] if e["id"] == "a")
    assert a["inputs"]["opex_ratio"]["value"] == "0.55" and a["inputs"]["capex_growth"]["value"] == "0.1"
    buf = io.StringIO()
    con = Console(file=buf, width=300)
    orig = sim_cmds._console
    sim_cmds._console = lambda *a, **k: con  # type: ignore[assignment]
    try:
        sim_cmds._inputs_table(summary, 10)
    finally:
        sim_cmds._console = orig  # type: ignore[assignment]
    out = buf.getvalue()
    assert "opex / revenue" in out and "capex growth" in out
    row = next(ln for ln in out.splitlines() if ln.startswith("│ a "))
    cells = [c.strip() for c in row.strip("│").split("│")]
    assert cells[4] == "0.55" and cells[6] == "0.1"
