"""Stress tests simulate firm money by default; ``--include conditional`` adds conditional money on its triggers.

Hand-worked ledger (all figures USD, quarters from 2026-01-01, no revenue, no outside capital):

* ``a`` starts with 250 and owes ``b`` a firm 400 over 2026 (100 a quarter). ``n`` has signed only a letter
  of intent to put 200 into ``a`` in 2026-Q1 (conditional money).
  - firm money only: ``a`` pays 100 (150 left), 100 (50 left), then owes 100 with 50: default in 2026-Q3.
  - conditional counted: 250 + 200 = 450 pays the four quarters, 50 left: no default.
* ``p`` starts with 250 and has a letter of intent to pay ``b`` 300 in 2026-Q1 (conditional money).
  - firm money only: nothing is due; ``p`` keeps 250.
  - conditional counted: 300 due with 250 in hand: default in 2026-Q1, ``b`` receives 250 from it.
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.cli import main
from dealweb.errors import InputError
from dealweb.model import Deal, Entity, Ledger, Status
from dealweb.money import Amount, Qualifier
from dealweb.sim import build_model, parse_scenario, run_chunk, stress
from dealweb.sim.scenario import counted_statuses


def usd(x: float) -> Amount:
    return Amount(x, x, Qualifier.EXACT, "USD", f"${x:g}")


def deal(did: str, payer: str, payee: str, amount: float, years: float, status: Status,
         typ: str = "compute_contract") -> Deal:
    return Deal(did, typ, payer, payee, amount=usd(amount), term_start=date(2026, 1, 1), term_years=years,
                schedule="flat", status=status)


LEDGER = Ledger(
    name="t", entities={e: Entity(e, {"en": e.upper()}) for e in ("a", "b", "n", "p")},
    deals={d.id: d for d in (
        deal("ab", "a", "b", 400.0, 1.0, Status.SIGNED),
        deal("na", "n", "a", 200.0, 0.25, Status.LETTER_OF_INTENT, typ="equity_investment"),
        deal("pb", "p", "b", 300.0, 0.25, Status.LETTER_OF_INTENT),
    )},
)

SCENARIO = """
scenario: {name: f, start: 2026-01-01, quarters: 4, runs: 3, seed: 1}
capital: {interest_rate: 0.0}
entities:
  a: {cash: 250, capacity: 0, min_cash: 0}
  b: {cash: 0, capacity: 0, min_cash: 0}
  n: {cash: 1000, capacity: 0, min_cash: 0}
  p: {cash: 250, capacity: 0, min_cash: 0}
others: cash_only
"""


def _run(include: tuple[str, ...]):
    from dataclasses import replace

    model = build_model(replace(parse_scenario(SCENARIO), include=include), LEDGER)
    return model, run_chunk(model, 0, 3)


def test_firm_money_only_by_default_by_hand():
    model, res = _run(())
    i = {e: model.ids.index(e) for e in "abnp"}
    assert [ln.deal for ln in model.lines] == ["ab"]
    assert sorted(ln.deal for ln in model.left_out) == ["na", "pb"]
    assert (res.first_default[:, i["a"]] == 2).all()  # 2026-Q3
    assert (res.first_default[:, i["p"]] == -1).all()
    np.testing.assert_allclose(res.cash_end[:, i["p"]], 250.0)
    np.testing.assert_allclose(res.cash_end[:, i["n"]], 1000.0)


def test_conditional_counted_by_hand():
    model, res = _run(("conditional",))
    i = {e: model.ids.index(e) for e in "abnp"}
    assert sorted(ln.deal for ln in model.lines) == ["ab", "na", "pb"] and not model.left_out
    assert (res.first_default[:, i["a"]] == -1).all()
    np.testing.assert_allclose(res.cash_end[:, i["a"]], 50.0)  # 250 + 200 - 4 x 100
    assert (res.first_default[:, i["p"]] == 0).all()  # 2026-Q1
    np.testing.assert_allclose(res.cash_end[:, i["n"]], 800.0)
    np.testing.assert_allclose(res.cash_end[:, i["b"]], 400.0 + 250.0)  # a in full, p what it had


def test_entities_and_draws_do_not_move_with_the_choice():
    firm, _ = _run(())
    cond, _ = _run(("conditional",))
    assert firm.ids == cond.ids and firm.draws == cond.draws
    # each line keeps its own uniform column, whichever lines are counted
    col = {ln.deal: int(c) for ln, c in zip(cond.lines, cond.columns, strict=True)}
    assert {ln.deal: int(c) for ln, c in zip(firm.lines, firm.columns, strict=True)}["ab"] == col["ab"]


def test_summary_shows_the_choice_and_what_was_left_out():
    sc = parse_scenario(SCENARIO)
    s = stress(sc, LEDGER, runs=3).summary()
    assert s["money"]["include"] == [] and s["money"]["counted"] == ["firm"]
    assert s["money_label"].startswith("firm money only")
    assert s["money"]["left_out_usd"] == pytest.approx(500.0)
    by = s["money"]["left_out_by_firm"]
    assert by["a"]["owed_to_it_usd"] == pytest.approx(200.0) and by["a"]["owed_by_it_usd"] == 0.0
    assert by["n"]["owed_by_it_usd"] == pytest.approx(200.0)
    assert by["p"]["owed_by_it_in_horizon_usd"] == pytest.approx(300.0)
    assert by["b"]["owed_to_it_usd"] == pytest.approx(300.0) and by["b"]["deals"] == ["pb"]
    ent = {e["id"]: e for e in s["entities"]}
    assert ent["a"]["default_probability"] == 1.0 and ent["p"]["default_probability"] == 0.0
    assert ent["a"]["conditional_left_out"]["owed_to_it_usd"] == pytest.approx(200.0)

    s2 = stress(sc, LEDGER, runs=3, include=["conditional"]).summary()
    assert s2["money"]["include"] == ["conditional"] and s2["money"]["left_out"] == []
    assert s2["money"]["counted"] == ["firm", "conditional", "rumoured"]
    assert s2["money_label"].startswith("firm + conditional money")
    ent2 = {e["id"]: e for e in s2["entities"]}
    assert ent2["a"]["default_probability"] == 0.0 and ent2["p"]["default_probability"] == 1.0


def test_the_choice_is_in_the_sensitivity_table():
    sc = parse_scenario(SCENARIO)
    s = stress(sc, LEDGER, runs=3, sensitivity=True).summary()
    row = next(r for r in s["sensitivity"]["rows"] if r["key"] == "include.conditional")
    assert row["down"] is None
    assert row["up"]["delta_pp"]["a"] == pytest.approx(-100.0)
    assert row["up"]["delta_pp"]["p"] == pytest.approx(100.0)


def test_rumoured_alone_and_bad_choices():
    assert counted_statuses(()) == ("firm",)
    assert counted_statuses(("rumoured",)) == ("firm", "rumoured")
    assert counted_statuses(("rumoured", "conditional")) == ("firm", "conditional", "rumoured")
    with pytest.raises(ValueError):
        counted_statuses(("maybe",))
    with pytest.raises(InputError):
        stress(parse_scenario(SCENARIO), LEDGER, runs=3, include=["maybe"])
    # the ledger has no rumour: --include rumoured adds nothing
    model, res = _run(("rumoured",))
    assert [ln.deal for ln in model.lines] == ["ab"]


def test_cli_include_and_json_keys(tmp_path, monkeypatch):
    sc = tmp_path / "f.yaml"
    sc.write_text(SCENARIO, encoding="utf-8")
    monkeypatch.setattr("dealweb.cli.sim_cmds.load_or_exit", lambda _path: LEDGER, raising=False)
    runner = CliRunner()
    out = runner.invoke(main, ["stress", str(sc), "--runs", "3", "--no-sensitivity", "--json"])
    assert out.exit_code == 0, out.output
    d = json.loads(out.output)
    assert d["money"]["include"] == [] and d["money"]["left_out_by_firm"]["a"]["owed_to_it_usd"] == 200.0
    out = runner.invoke(main, ["stress", str(sc), "--runs", "3", "--no-sensitivity", "--json",
                               "--include", "conditional"])
    d = json.loads(out.output)
    assert d["money"]["include"] == ["conditional"]
    assert {e["id"]: e["default_probability"] for e in d["entities"]}["p"] == 1.0
    text = runner.invoke(main, ["stress", str(sc), "--runs", "3", "--no-sensitivity"]).output
    assert "firm money only" in text and "Conditional money left out" in text
    text = runner.invoke(main, ["stress", str(sc), "--runs", "3", "--no-sensitivity",
                                "--include", "conditional"]).output
    assert "firm + conditional money" in text
    bad = runner.invoke(main, ["stress", str(sc), "--include", "maybe"])
    assert bad.exit_code == 2 and "maybe" in bad.output


def test_report_and_metrics_scenarios_print_the_choice(tmp_path, monkeypatch):
    from dealweb.report import analysis_of, render_report

    sc = tmp_path / "f.yaml"
    sc.write_text(SCENARIO, encoding="utf-8")
    monkeypatch.setattr("dealweb.sim.bundled_scenarios", lambda *a, **k: {"f": sc})
    an = analysis_of(LEDGER, draws=3, seed=1)
    assert an.money == ()
    titles = [t.title for t in an.stress_tables]
    assert titles[0] == "f: who fails (3 runs, seed 1; firm money only)"
    left = next(t for t in an.stress_tables if "conditional money left out" in t.title)
    by = {r["Entity"]: r for r in left.rows}
    assert by["A"]["Owed to it"] == "$200" and by["P"]["Owed by it"] == "$300"
    assert "Firm money only" in render_report(LEDGER, analysis=an)
    an = analysis_of(LEDGER, draws=3, seed=1, include=("conditional",))
    assert an.money == ("conditional",)
    assert an.stress_tables[0].title == "f: who fails (3 runs, seed 1; firm + conditional money)"
    assert not any("conditional money left out" in t.title for t in an.stress_tables)
    assert "Firm and conditional money" in render_report(LEDGER, analysis=an, lang="en")
    assert "確定資金加有條件資金" in render_report(LEDGER, analysis=an, lang="zh-Hant")

    monkeypatch.setattr("dealweb.cli.metrics_cmds.load_or_exit", lambda *a, **k: LEDGER)
    runner = CliRunner()
    out = runner.invoke(main, ["metrics", "scenarios", str(sc), str(sc), "--runs", "3", "--json"])
    assert out.exit_code == 0, out.output
    d = json.loads(out.output)
    assert d["money"]["include"] == [] and d["money"]["left_out_usd"] == pytest.approx(500.0)
    firm = {r["firm"]: r for r in d["firms"]}
    assert firm["a"][f"{sc}_default_probability"] == 1.0 and firm["a"]["money_counted"] == "firm"
    out = runner.invoke(main, ["metrics", "scenarios", str(sc), str(sc), "--runs", "3", "--json",
                               "--include", "conditional"])
    d = json.loads(out.output)
    firm = {r["firm"]: r for r in d["firms"]}
    assert firm["a"][f"{sc}_default_probability"] == 0.0 and firm["p"][f"{sc}_default_probability"] == 1.0
    assert d["money"]["include"] == ["conditional"]


def test_scenarios_side_by_side_say_the_money_each_counted():
    from dealweb.sim.sidebyside import side_by_side

    sc = parse_scenario(SCENARIO)
    firm = stress(sc, LEDGER, runs=3).summary()
    cond = stress(sc, LEDGER, runs=3, include=["conditional"]).summary()
    side = side_by_side({"firm-only": firm, "with-conditional": cond})
    assert side["money"] == {"firm-only": "firm", "with-conditional": "conditional"}
    row = next(r for r in side["firms"] if r["firm"] == "a")
    assert (row["firm-only_default_probability"], row["with-conditional_default_probability"]) == (1.0, 0.0)


def _random_ledger(spec: list[tuple[int, int, float, bool]]) -> Ledger:
    deals = []
    for k, (i, j, amount, conditional) in enumerate(spec):
        if i == j:
            continue
        deals.append(deal(f"d{k}", f"f{i}", f"f{j}", amount, 1.0,
                          Status.LETTER_OF_INTENT if conditional else Status.SIGNED))
    return Ledger(name="r", entities={f"f{i}": Entity(f"f{i}", {"en": f"F{i}"}) for i in range(4)},
                  deals={d.id: d for d in deals})


RANDOM_SC = """
scenario: {name: r, start: 2026-01-01, quarters: 4, runs: 4, seed: 3}
capital: {interest_rate: 0.0}
entities:
  f0: {cash: {uniform: [0, 300]}, capacity: 0, min_cash: 0}
  f1: {cash: {uniform: [0, 300]}, capacity: 0, min_cash: 0}
others: cash_only
"""


@settings(max_examples=12, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.floats(10.0, 500.0), st.booleans()),
                min_size=1, max_size=6))
def test_the_choice_splits_live_lines_and_changes_nothing_else(spec):
    from dataclasses import replace

    lg = _random_ledger(spec)
    sc = parse_scenario(RANDOM_SC)
    firm = build_model(sc, lg)
    both = build_model(replace(sc, include=("conditional",)), lg)
    # every live line is simulated or left out, never both; the firm run keeps exactly the firm ones
    assert sorted(ln.deal for ln in (*firm.lines, *firm.left_out)) == sorted(ln.deal for ln in both.lines)
    assert all(ln.money == "firm" for ln in firm.lines) and all(ln.money != "firm" for ln in firm.left_out)
    assert firm.ids == both.ids and firm.draws == both.draws
    res_f, res_b = run_chunk(firm, 0, 4), run_chunk(both, 0, 4)  # money conserved in both (else it raises)
    assert res_f.conservation_error.max(initial=0.0) < 1e-6 and res_b.conservation_error.max(initial=0.0) < 1e-6
    if not firm.left_out:  # nothing conditional: the same runs, to the cent
        np.testing.assert_array_equal(res_f.first_default, res_b.first_default)
        np.testing.assert_allclose(res_f.cash_end, res_b.cash_end)


def test_a_deal_with_a_firm_part_and_an_up_to_part_leaves_the_up_to_part_out(tmp_path):
    """$12 firm plus an option for up to $15 more (like Meta-Nebius): firm-only pays 12, not 12..27.

    By hand: a 2026 contract of 4 quarters; the firm flow pays 3 a quarter (12 in all). The 'up to 15' flow
    is conditional money: left out of a firm-only run (its whole 15 is listed as left out), in a run that
    includes conditional money. Before: one simulated line for the deal, status of its first row, $12-$27.
    """
    from dealweb.ledger.load import load_ledger

    (tmp_path / "ledger.yaml").write_text("""\
entities:
  - {id: m, names: {en: M}}
  - {id: q, names: {en: Q}}
documents:
  - {id: d, title: D, date: 2025-11-01}
deals:
  - id: mq
    type: compute_contract
    from: m
    to: q
    amount: $27
    term: {start: 2026-01-01, years: 1}
    schedule: flat
    status: signed
    flows:
      - {from: m, to: q, amount: $12}
      - {from: m, to: q, amount: up to $15}
    claims:
      - {document: d, quote: $12 guaranteed and an option for up to $15 more}
""", encoding="utf-8")
    led = load_ledger(tmp_path / "ledger.yaml").ledger
    sc = parse_scenario("""
scenario: {name: g, start: 2026-01-01, quarters: 4, runs: 2, seed: 1}
capital: {interest_rate: 0.0}
entities:
  m: {cash: 100, capacity: 0, min_cash: 0}
  q: {cash: 0, capacity: 0, min_cash: 0}
others: cash_only
""")
    model = build_model(sc, led)
    firm = [ln for ln in model.lines if ln.deal == "mq"]
    assert [(ln.money, ln.usd_low, ln.usd_high) for ln in firm] == [("firm", 12.0, 12.0)]
    assert [(ln.money, ln.usd_low, ln.usd_high) for ln in model.left_out if ln.deal == "mq"] == [
        ("conditional", 0.0, 15.0)]
