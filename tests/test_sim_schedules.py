"""Schedules on a quarter grid, amount draws from intervals, scenario validation with positions."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from dealweb.model import Deal, Entity, Ledger, Status, Tranche
from dealweb.money import Amount, Qualifier
from dealweb.sim import ScenarioError, bundled_scenarios, load_scenario, parse_scenario, schedule_ledger
from dealweb.sim.schedules import Grid, draw_amounts


def usd(lo, hi=None, q=Qualifier.EXACT):
    return Amount(lo, lo if hi is None and q is Qualifier.EXACT else hi, q, "USD", "x")


def lg(*deals):
    return Ledger("t", entities={e: Entity(e, {"en": e}) for e in "abc"}, deals={d.id: d for d in deals})


GRID = Grid(date(2026, 1, 1), 8)


def test_grid_positions_and_labels():
    assert GRID.labels()[:3] == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert GRID.index(date(2026, 7, 1)) == 2
    assert GRID.position(date(2026, 2, 15)) == pytest.approx(45 / 90)  # 45 of Q1's 90 days


def test_flat_ramp_upfront_delivery_and_per_gw():
    deals = [
        Deal("flat", "compute_contract", "a", "b", amount=usd(800.0), term_start=date(2026, 7, 1), term_years=1),
        Deal("ramp", "compute_contract", "a", "b", amount=usd(400.0), term_start=date(2026, 1, 1), term_years=1,
             schedule="ramp"),
        Deal("up", "equity_investment", "c", "a", amount=usd(50.0), term_start=date(2026, 4, 1), schedule="upfront"),
        Deal("chips", "chip_purchase", "b", "c", amount=usd(100.0), term_start=date(2026, 1, 1), term_years=0.5,
             schedule="on_delivery"),
        Deal("gw", "equity_investment", "c", "b", amount=usd(0.0, 100.0, Qualifier.UP_TO), capacity_gw=10,
             term_start=date(2026, 1, 1), term_years=2, schedule="tranches", tranches=(Tranche("per_gw"),)),
        Deal("old", "compute_contract", "a", "b", amount=usd(5.0), status=Status.COMPLETED),
        Deal("gone", "compute_contract", "a", "b", amount=usd(5.0), status=Status.CANCELLED),
    ]
    lines, skipped = schedule_ledger(lg(*deals), GRID)
    by = {ln.deal: ln for ln in lines}
    np.testing.assert_allclose(by["flat"].profile, [0, 0, .25, .25, .25, .25, 0, 0])
    # ramp over 4 quarters: cumulative (t/4)^2 -> 1/16, 3/16, 5/16, 7/16
    np.testing.assert_allclose(by["ramp"].profile[:4], [1 / 16, 3 / 16, 5 / 16, 7 / 16])
    np.testing.assert_allclose(by["up"].profile, [0, 1, 0, 0, 0, 0, 0, 0])
    np.testing.assert_allclose(by["chips"].profile, [0, .5, .5, 0, 0, 0, 0, 0])  # one-quarter delivery lag
    # per GW at pace 1: linear over 8 quarters; at pace 2: over the first 4
    np.testing.assert_allclose(by["gw"].deployment_profile(np.array([1.0, 2.0]), 8),
                               [[1 / 8] * 8, [.25] * 4 + [0] * 4])
    assert {s.deal for s in skipped} == {"old", "gone"}


def test_amount_draws_follow_qualifiers():
    deals = [Deal(k, "compute_contract", "a", "b", amount=a, term_start=date(2026, 1, 1), term_years=1)
             for k, a in [("e", usd(10.0)), ("r", usd(10.0, 20.0, Qualifier.RANGE)),
                          ("u", usd(0.0, 100.0, Qualifier.UP_TO)),
                          ("l", Amount(50.0, None, Qualifier.AT_LEAST, "USD"))]]
    lines, _ = schedule_ledger(lg(*deals), GRID)
    u = np.array([[0.0] * 4, [0.5] * 4, [0.999] * 4])
    drawn = draw_amounts(lines, u, at_least_cap=2.0, up_to_floor=0.2)
    by = {ln.deal: drawn[:, k] for k, ln in enumerate(lines)}
    np.testing.assert_allclose(by["e"], 10.0)
    np.testing.assert_allclose(by["r"], [10.0, 15.0, 19.99])
    np.testing.assert_allclose(by["u"], [20.0, 60.0, 99.92])   # [0.2 * 100, 100]
    np.testing.assert_allclose(by["l"], [50.0, 75.0, 99.95])   # [50, 2 * 50]


def test_scenario_problems_name_line_and_field():
    text = """scenario:
  name: bad
  quarters: many
capital:
  appetite: {uniform: [0.9, 0.1]}
  sensitivty: 3
entities:
  openai: {cash: -5}
shocks:
  - {type: default, date: 2027-01-01}
"""
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, "bad.yaml")
    probs = {(p.line, p.field) for p in err.value.problems}
    assert (3, "scenario.quarters") in probs
    assert (5, "capital.appetite") in probs
    assert (6, "capital.sensitivty") in probs
    assert (8, "entities.openai.cash") in probs
    assert any(p.line == 10 and p.field == "shocks[0].entity" for p in err.value.problems)
    assert str(err.value).startswith("bad.yaml:3:")


def test_bad_yaml_is_one_positioned_problem():
    with pytest.raises(ScenarioError) as err:
        parse_scenario("scenario: {name: x\n", "x.yaml")
    assert err.value.problems[0].file == "x.yaml" and "YAML" in err.value.problems[0].message


def test_distributions_sample_by_inverse_cdf():
    sc = parse_scenario("""scenario: {name: d}
capital: {appetite: {triangular: [0.0, 0.5, 1.0]}, sensitivity: {normal: [2.0, 0.5]}}
""")
    p = dict(sc.params())
    np.testing.assert_allclose(p["capital.appetite"].sample(np.array([0.125, 0.5, 0.875])), [0.25, 0.5, 0.75])
    np.testing.assert_allclose(p["capital.sensitivity"].sample(np.array([0.5])), [2.0])


def test_bundled_scenarios_parse():
    names = bundled_scenarios()
    assert {"base", "slow-ai-revenue", "capital-drought", "openai-cannot-pay"} <= set(names)
    for path in names.values():
        sc = load_scenario(path)
        assert sc.quarters > 0 and sc.runs > 0
