"""Multi-period rules on small webs worked by hand; conservation; reproducibility; order invariance."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.model import Deal, Entity, Ledger, Status
from dealweb.money import Amount, Qualifier
from dealweb.sim import build_model, parse_scenario, run_chunk, run_model, stress


@pytest.fixture(autouse=True, scope="module")
def _compiled_kernels_warm():
    """Compile the numba clearing kernel once before the timed (deadline) property tests."""
    from dealweb.sim import clear

    clear(np.array([[0.0, 2.0], [1.0, 0.0]]), np.array([0.5, 0.0]), method="worklist")


def usd(x: float, hi: float | None = None, q: Qualifier = Qualifier.EXACT) -> Amount:
    return Amount(x, x if hi is None else hi, q, "USD", f"${x}")


def ledger(*deals: Deal, names: tuple[str, ...] = ("a", "b", "c")) -> Ledger:
    return Ledger(name="t", entities={e: Entity(e, {"en": e.upper()}) for e in names},
                  deals={d.id: d for d in deals})


def contract(did: str, payer: str, payee: str, amount: Amount, years: float = 1.0, schedule: str = "flat",
             start: date = date(2026, 1, 1)) -> Deal:
    return Deal(did, "compute_contract", payer, payee, amount=amount, term_start=start, term_years=years,
                schedule=schedule, status=Status.SIGNED)


SC_CUT = """
scenario: {name: cut, start: 2026-01-01, quarters: 4, runs: 3, seed: 1}
contracts: {cut_after: 2}
entities:
  a: {cash: 150}
  b: {cash: 0}
others: cash_only
"""


def test_carry_forward_and_cut_by_hand():
    # a owes b $400 flat over 2026: $100 a quarter. a has $150 cash, nothing else.
    # Q1: pays 100 (cash 50).  Q2: owes 100, pays 50: default, arrears 50 (1st period in default).
    # Q3: owes 100 + 50 carried, has 0: pays 0, arrears 150; 2nd period in default -> contract cut:
    #     the 150 of arrears are written off (b's loss), Q4's 100 of schedule is dropped (backlog written down).
    # Q4: nothing due.   a's shortfall over the horizon: 150.
    sc = parse_scenario(SC_CUT)
    model = build_model(sc, ledger(contract("ab", "a", "b", usd(400.0))))
    res = run_chunk(model, 0, 3)
    ia = model.ids.index("a")
    np.testing.assert_array_equal(res.first_default[:, ia], [1, 1, 1])
    np.testing.assert_allclose(res.loss_by_line[:, 0], 150.0)
    np.testing.assert_allclose(res.backlog_lost[:, 0], 100.0)
    np.testing.assert_allclose(res.shortfall[:, ia], 150.0)
    np.testing.assert_array_equal(res.defaults[0], [0, 1, 1, 0])


SC_RAISE = """
scenario: {name: raise, start: 2026-01-01, quarters: 3, runs: 2, seed: 3}
capital: {appetite: 1.0, recovery: 0.0, sensitivity: 2.0, debt_share: 1.0, interest_rate: 0.04}
entities:
  a: {cash: 0, capacity: 400}
  b: {cash: 0}
others: cash_only
"""


def test_funding_gap_interest_and_appetite_feedback_by_hand():
    # a owes b $100 a quarter and can raise $400/yr = $100 a quarter at appetite 1, all of it debt at 4 %/yr.
    # Q1: gap 100, raises 100, pays in full; debt 100.
    # Q2: interest 0.01 * 100 = 1 is owed outside too; gap 101 but room 100: a has 100 for 101 owed and pays
    #     pari passu: b gets 100 * 100/101, the outside creditor 100/101; a is in default.
    #     missed share of the period = 1/101, so appetite = 1 - 2 * 1/101 (recovery 0).
    # Q3: room = 100 * (1 - 2/101).
    sc = parse_scenario(SC_RAISE)
    model = build_model(sc, ledger(contract("ab", "a", "b", usd(400.0))))
    res = run_chunk(model, 0, 2)
    ia = model.ids.index("a")
    np.testing.assert_allclose(res.raised[:, 0], 100.0)
    np.testing.assert_allclose(res.raised[:, 1], 100.0)
    np.testing.assert_allclose(res.appetite[:, 2], 1 - 2 / 101, rtol=1e-12)
    np.testing.assert_allclose(res.raised[:, 2], 100 * (1 - 2 / 101), rtol=1e-12)
    assert (res.first_default[:, ia] == 1).all()


def test_others_in_full_always_pay_and_schedules():
    # c is not in the scenario: with others: in_full it raises what it needs and pays b in full.
    sc = parse_scenario("""
scenario: {name: o, start: 2026-01-01, quarters: 8, runs: 2, seed: 3}
others: in_full
entities: {b: {cash: 0}}
""")
    model = build_model(sc, ledger(contract("cb", "c", "b", usd(800.0), years=2.0, schedule="ramp")))
    res = run_chunk(model, 0, 2)
    assert (res.first_default == -1).all()
    # ramp over 8 quarters: weights (k^2 - (k-1)^2)/64 = (2k - 1)/64 -> c raises 800 * (2k-1)/64 in quarter k
    np.testing.assert_allclose(res.raised[0], [800 * (2 * k - 1) / 64 for k in range(1, 9)], rtol=1e-12)


def test_default_shock_and_rv_default_costs_conserve_money():
    sc = parse_scenario("""
scenario: {name: s, start: 2026-01-01, quarters: 6, runs: 20, seed: 9}
clearing: {model: rogers_veraart, alpha: 0.5, beta: 0.8}
entities:
  a: {cash: {uniform: [0, 300]}, revenue: 200, growth: {normal: [0.1, 0.3]}, opex_ratio: 0.5, capacity: 100}
  b: {cash: 50, revenue: 100, opex_ratio: 0.9}
  c: {cash: 10, capacity: 50}
shocks:
  - {type: default, entity: b, date: 2026-07-01}
  - {type: revenue_miss, entity: a, date: 2026-04-01, fraction: {uniform: [0.2, 0.9]}, quarters: 2}
""")
    lg = ledger(contract("ab", "a", "b", usd(300.0, 500.0, Qualifier.RANGE)),
                contract("bc", "b", "c", usd(400.0)), contract("ca", "c", "a", usd(200.0), years=1.5))
    res = run_chunk(build_model(sc, lg), 0, 20)
    ib = build_model(sc, lg).ids.index("b")
    # b pays only from what a pays it from Q3 on: it defaults in some runs, never before the shock bites
    # (its own cash covers Q1-Q2 only when a pays), and default costs are lost only when someone defaults.
    assert (res.first_default[:, ib] >= 0).any()
    assert ((res.default_costs > 0) <= (res.first_default >= 0).any(axis=1)).all()
    assert res.default_costs.max() > 0
    assert res.conservation_error.max() < 1e-9


def test_unknown_entity_in_scenario_is_a_positioned_error():
    from dealweb.sim import ScenarioError

    sc = parse_scenario("scenario: {name: x}\nentities:\n  zz: {cash: 1}\n", "x.yaml")
    with pytest.raises(ScenarioError) as err:
        build_model(sc, ledger(contract("ab", "a", "b", usd(1.0))))
    assert err.value.problems[0].line == 3 and "zz" in err.value.problems[0].message


def test_same_results_whatever_the_chunking():
    sc = parse_scenario("""
scenario: {name: c, start: 2026-01-01, quarters: 6, runs: 37, seed: 11}
entities:
  a: {cash: {uniform: [0, 200]}, capacity: {uniform: [0, 300]}}
  b: {cash: 0}
""")
    lg = ledger(contract("ab", "a", "b", usd(300.0, 600.0, Qualifier.RANGE)), contract("bc", "b", "c", usd(100.0)))
    model = build_model(sc, lg)
    one = run_model(model, 37, chunk_size=37)
    many = run_model(model, 37, chunk_size=5)
    for f in ("first_default", "shortfall", "raised", "loss_by_line", "appetite"):
        np.testing.assert_array_equal(getattr(one, f), getattr(many, f))
    # per-entity sums by chunk add up to the same totals whatever the chunking
    np.testing.assert_allclose(many.raised_sum.sum(0), one.raised_sum.sum(0), rtol=1e-12)
    np.testing.assert_allclose(one.raised_sum.sum((0, 1)), one.raised.sum(0), rtol=1e-12)
    again = stress(sc, lg, runs=37, seed=11)
    np.testing.assert_array_equal(again.runs.shortfall, one.shortfall)
    other = stress(sc, lg, runs=37, seed=12)
    assert not np.array_equal(other.runs.shortfall, one.shortfall)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31 - 1), st.sampled_from(["pari_passu", "senior"]))
def test_conservation_and_relabeling(seed, seniority):
    rng = np.random.default_rng(seed)
    names = ("a", "b", "c", "d")
    deals = []
    for k in range(6):
        i, j = rng.choice(4, 2, replace=False)
        lo = float(rng.integers(10, 500))
        deals.append(contract(f"d{k}", names[i], names[j], usd(lo, lo * 1.5, Qualifier.RANGE),
                              years=float(rng.integers(1, 3)), schedule=str(rng.choice(["flat", "ramp", "upfront"]))))
    ents = "\n".join(f"  {e}: {{cash: {int(rng.integers(0, 300))}, revenue: {int(rng.integers(0, 400))}, "
                     f"opex_ratio: 0.5, capacity: {{uniform: [0, 300]}}}}" for e in names[:3])
    text = f"""
scenario: {{name: p, start: 2026-01-01, quarters: 8, runs: 6, seed: {seed}}}
clearing: {{outside_seniority: {seniority}}}
capital: {{interest_rate: 0.05}}
entities:
{ents}
"""
    res = stress(parse_scenario(text), ledger(*deals, names=names))
    assert res.runs.conservation_error.max() < 1e-9
    # relabel: the same web with entities renamed (so their order changes) gives the same numbers
    ren = {"a": "z", "b": "y", "c": "x", "d": "w"}
    deals2 = [contract(d.id, ren[d.payer], ren[d.payee], d.amount, d.term_years, d.schedule) for d in deals]
    text2 = text
    for old, new in ren.items():
        text2 = text2.replace(f"  {old}: {{cash", f"  {new}: {{cash")
    res2 = stress(parse_scenario(text2), ledger(*deals2, names=tuple(ren.values())))
    assert sorted(ren[x] for x in res.model.ids) == sorted(res2.model.ids)
    for old, new in ren.items():
        if old not in res.model.ids:  # in no deal and not in the scenario
            continue
        i, j = res.model.ids.index(old), res2.model.ids.index(new)
        np.testing.assert_allclose(res2.runs.shortfall[:, j], res.runs.shortfall[:, i], rtol=1e-9, atol=1e-6)
        np.testing.assert_array_equal(res2.runs.first_default[:, j], res.runs.first_default[:, i])


def test_equity_losses_through_stakes_by_hand():
    # a invests $100 in b up front (2026-Q1) and has $200 of equity; b owes c $400 over the year and has only
    # the $100 a pays it, so b defaults (h_b = 1). DebtRank: h_a = min(1, 100 / 200) * 1 = 0.5.
    # R weighs entities by their share of the scenario's equity: v = (200, 50, 0) / 250 = (0.8, 0.2, 0), so
    # R = h(T).v - h(1).v = (0.5 * 0.8 + 1 * 0.2) - 1 * 0.2 = 0.4 (b's own loss is the initial shock).
    inv = Deal("ab-equity", "equity_investment", "a", "b", amount=usd(100.0), term_start=date(2026, 1, 1),
               schedule="upfront", status=Status.SIGNED)
    sc = parse_scenario("""
scenario: {name: eq, start: 2026-01-01, quarters: 4, runs: 2, seed: 1}
entities:
  a: {cash: 100, equity: 200}
  b: {cash: 0, equity: 50}
others: in_full
""")
    res = run_chunk(build_model(sc, ledger(inv, contract("bc", "b", "c", usd(400.0)))), 0, 2)
    model = build_model(sc, ledger(inv, contract("bc", "b", "c", usd(400.0))))
    ia, ib = model.ids.index("a"), model.ids.index("b")
    assert (res.first_default[:, ib] >= 0).all() and (res.first_default[:, ia] < 0).all()
    np.testing.assert_allclose(res.equity_distress[:, ia], 0.5)
    np.testing.assert_allclose(res.equity_distress[:, ib], 1.0)
    np.testing.assert_allclose(res.debtrank, 0.4, rtol=1e-14)


def test_run_seeds_are_the_spawned_children():
    # run r draws from SeedSequence(seed, spawn_key=(r,)), i.e. SeedSequence(seed).spawn(...)[r]
    from dealweb.sim.montecarlo import run_uniforms

    kids = np.random.SeedSequence(123).spawn(5)
    expected = np.array([np.random.Generator(np.random.PCG64(k)).random(3) for k in kids])
    np.testing.assert_array_equal(run_uniforms(123, 0, 5, 3), expected)
    np.testing.assert_array_equal(run_uniforms(123, 2, 5, 3), expected[2:])
