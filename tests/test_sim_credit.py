"""Stress tests a credit analyst could defend: hand-worked multi-period cases.

Recorded debt is serviced; default is told apart from "cannot raise"; each capital group has its own
appetite; capex is one figure with the web's purchases carved out; the sensitivity table ranks the driver
known by construction first; money is conserved every quarter with all of it switched on.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.model import Deal, Entity, Ledger, Status
from dealweb.money import Amount, Qualifier
from dealweb.sim import ScenarioError, build_model, parse_scenario, run_chunk
from dealweb.sim.debt import service_profile
from dealweb.sim.montecarlo import DEFAULT_CAUSES, run_uniforms
from dealweb.sim.sensitivity import sensitivity_table


def usd(x: float, hi: float | None = None) -> Amount:
    return Amount(x, x if hi is None else hi, Qualifier.EXACT if hi is None else Qualifier.RANGE, "USD", f"${x}")


def ledger(*deals: Deal, names: tuple[str, ...]) -> Ledger:
    return Ledger(name="t", entities={e: Entity(e, {"en": e.upper()}) for e in names},
                  deals={d.id: d for d in deals})


def contract(did: str, payer: str, payee: str, amount: Amount, years: float = 1.0, schedule: str = "flat",
             start: date = date(2026, 1, 1), typ: str = "compute_contract") -> Deal:
    return Deal(did, typ, payer, payee, amount=amount, term_start=start, term_years=years, schedule=schedule,
                status=Status.SIGNED)


# ---- debt service ---------------------------------------------------------------------------------------

LOAN = Deal("loan", "debt_financing", "bank", "a", amount=usd(400.0), term_start=date(2025, 10, 1), term_years=1.0,
            status=Status.COMPLETED)


def _debt_scenario(quarters: int) -> str:
    return f"""
scenario: {{name: d, start: 2026-01-01, quarters: {quarters}, runs: 2, seed: 1}}
capital: {{interest_rate: 0.08}}
entities:
  a: {{cash: 1000}}
others: cash_only
"""


def test_recorded_debt_is_serviced_each_quarter_by_hand():
    # $400 drawn 2025-10-01 (the quarter before the start), one year: repaid in 4 equal parts of $100 in
    # 2026-Q1..Q4 (maturity 2026-10-01 falls in Q4), interest 8 %/4 = 2 % a quarter on what is outstanding
    # at the quarter's start: 400, 300, 200, 100 -> 8, 6, 4, 2. Service: 108, 106, 104, 102, then nothing.
    # a starts with $1,000 and has nothing else: its cash at the end of each quarter is
    # 892, 786, 682, 580, 580.
    expected = [892.0, 786.0, 682.0, 580.0, 580.0]
    for q, cash in enumerate(expected, start=1):
        model = build_model(parse_scenario(_debt_scenario(q)), ledger(LOAN, names=("a", "bank")))
        line = next(k for k, ln in enumerate(model.lines) if ln.kind == "debt_service")
        assert model.lines[line].payer == "a" and model.lines[line].payee == "bank"
        res = run_chunk(model, 0, 2)
        np.testing.assert_allclose(res.cash_end[:, model.ids.index("a")], cash, rtol=1e-12)
        assert (res.first_default == -1).all()
    terms = {t: (v, src) for t, v, src in model.lines[line].terms}
    assert terms["interest_rate"][1].startswith("assumed") and terms["maturity"][0] == "2026-10-01"


def test_service_profile_of_a_loan_drawn_during_the_horizon():
    # 1.0 drawn in period 1, maturity in period 3 (position 3.5): repaid 0.5 in periods 2 and 3;
    # interest 4 %/4 = 1 % on 1.0 (period 2) and 0.5 (period 3).
    got = service_profile(np.array([0.0, 1.0, 0.0, 0.0, 0.0]), 0.04, 3.5, 5)
    np.testing.assert_allclose(got, [0.0, 0.0, 0.51, 0.505, 0.0])


def test_matured_debt_is_not_serviced():
    old = Deal("old", "debt_financing", "bank", "a", amount=usd(400.0), term_start=date(2020, 1, 1), term_years=2.0,
               status=Status.COMPLETED)
    model = build_model(parse_scenario(_debt_scenario(4)), ledger(old, names=("a", "bank")))
    assert not model.lines
    assert any(s.deal == "old" and "repaid before the simulation" in s.reason for s in model.skipped)


# ---- default vs cannot raise ----------------------------------------------------------------------------

SC_OUTCOMES = """
scenario: {name: o, start: 2026-01-01, quarters: 4, runs: 2, seed: 1}
entities:
  a: {cash: 300, min_cash: 100, capacity: 0}
  c: {cash: 0, capacity: 400}
  d: {cash: 0, capacity: 0}
others: cash_only
"""


def test_default_and_cannot_raise_are_told_apart_by_hand():
    # a owes b $100 a quarter; it keeps a minimum cash of $100 and its market gives it nothing.
    #   Q1: seeks max(0, 100 + 100 - 300) = 0, pays from cash (200 left). Q2: seeks 0 (100 left).
    #   Q3: seeks 100, gets 0: cannot raise; still pays 100 from cash: no default. Q4: has 0: default (market).
    # c owes e $100 in Q1 and is owed $100 by d in Q1, so it seeks nothing; d has nothing and cannot raise,
    #   pays c nothing, so c defaults in Q1 without ever failing to raise (cause: counterparty).
    lg = ledger(contract("ab", "a", "b", usd(400.0)),
                contract("ce", "c", "e", usd(100.0), years=0.25), contract("dc", "d", "c", usd(100.0), years=0.25),
                names=("a", "b", "c", "d", "e"))
    model = build_model(parse_scenario(SC_OUTCOMES), lg)
    res = run_chunk(model, 0, 2)
    i = {e: model.ids.index(e) for e in "acd"}
    causes = {name: k for k, name in enumerate(DEFAULT_CAUSES)}
    assert (res.first_cannot_raise[:, i["a"]] == 2).all() and (res.first_default[:, i["a"]] == 3).all()
    assert (res.default_cause[:, i["a"]] == causes["market"]).all()
    assert (res.first_default[:, i["c"]] == 0).all() and (res.first_cannot_raise[:, i["c"]] == -1).all()
    assert (res.default_cause[:, i["c"]] == causes["counterparty"]).all()
    assert (res.first_default[:, i["d"]] == 0).all() and (res.first_cannot_raise[:, i["d"]] == 0).all()
    assert (res.default_cause[:, i["d"]] == causes["market"]).all()


# ---- capital groups -------------------------------------------------------------------------------------

def _groups_scenario(groups: str) -> str:
    return f"""
scenario: {{name: g, start: 2026-01-01, quarters: 3, runs: 2, seed: 1}}
capital:
  appetite: 1.0
  recovery: 0.0
  sensitivity: 2.0
  interest_rate: 0.0
  groups:
{groups}
entities:
  p: {{cash: 0, capacity: 0}}
  q: {{cash: 0}}
  x: {{cash: 0, capacity: 400}}
others: cash_only
"""


GROUP_LEDGER = ledger(contract("pq", "p", "q", usd(400.0)), contract("xy", "x", "y", usd(400.0)),
                      names=("p", "q", "x", "y"))


def test_one_shared_market_closes_for_an_unexposed_firm_by_hand():
    # p owes q $100 a quarter and has nothing: it misses $100 in Q1. x owes y $100 a quarter and raises it
    # (capacity $400 a year at appetite 1; no interest). One group {p, q, x}: $200 due by or to members, $100 missed ->
    # appetite 1 - 2 x 0.5 = 0 from Q2, so x cannot raise and defaults in Q2 though it has no exposure to p.
    sc = parse_scenario(_groups_scenario("    all: {members: [p, q, x]}"))
    model = build_model(sc, GROUP_LEDGER)
    res = run_chunk(model, 0, 2)
    ix = model.ids.index("x")
    np.testing.assert_allclose(res.appetite_group[:, 0, 1], 0.0)
    assert (res.first_default[:, ix] == 1).all()


def test_per_group_appetite_keeps_an_unexposed_firm_solvent_by_hand():
    # Same web, groups {p, q} and {x}: {p, q} misses $100 of $100 due (p -> q counted once) -> appetite
    # 1 - 2 x 1 = 0; {x} misses nothing -> stays 1: x raises $100 every quarter and never defaults.
    sc = parse_scenario(_groups_scenario("    pq: {members: [p, q]}\n    xs: {members: [x], appetite: 1.0}"))
    model = build_model(sc, GROUP_LEDGER)
    res = run_chunk(model, 0, 2)
    ix, ip = model.ids.index("x"), model.ids.index("p")
    names = [g.name for g in model.groups]
    np.testing.assert_allclose(res.appetite_group[:, names.index("pq"), 1], 0.0)
    np.testing.assert_allclose(res.appetite_group[:, names.index("xs"), :], 1.0)
    assert (res.first_default[:, ix] == -1).all() and (res.first_default[:, ip] == 0).all()
    np.testing.assert_allclose(res.raised_by_entity[:, ix], 300.0)


def test_group_errors_name_file_line_and_field():
    text = """scenario: {name: g, start: 2026-01-01}
capital:
  groups:
    one: {members: [a, b]}
    two: {members: [b], speed: 3}
    three: {members: a}
"""
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, "g.yaml")
    got = {(p.line, p.field) for p in err.value.problems}
    assert (5, "capital.groups.two.members[0]") in got  # b already in group one
    assert (5, "capital.groups.two.speed") in got
    assert (6, "capital.groups.three.members") in got
    assert all(p.hint for p in err.value.problems)


def test_group_member_not_in_the_ledger_is_a_positioned_error():
    sc = parse_scenario("scenario: {name: g, start: 2026-01-01}\ncapital:\n  groups:\n    g1: {members: [zz]}\n",
                        "g.yaml")
    with pytest.raises(ScenarioError) as err:
        build_model(sc, GROUP_LEDGER)
    p = err.value.problems[0]
    assert p.file == "g.yaml" and p.line == 4 and "zz" in p.message


# ---- capex carve-out ------------------------------------------------------------------------------------

def _capex_scenario(quarters: int) -> str:
    return f"""
scenario: {{name: c, start: 2026-01-01, quarters: {quarters}, runs: 2, seed: 1}}
entities:
  o: {{cash: 1000, capex: 100}}
others: cash_only
"""


def test_capex_is_one_figure_with_in_web_purchases_carved_out_by_hand():
    # o's capex is $100 a year; in 2026 it buys $60 of chips from n inside the web ($15 a quarter).
    # Outside capex: 100 - 60 = 40 in 2026 (10 a quarter), 100 in 2027. Spent in 2026: 60 + 40 = 100,
    # not 160 (the double count). Cash: 1000 - 100 = 900 after one year, 800 after two.
    chips = contract("on", "o", "n", usd(60.0), typ="chip_purchase")
    for quarters, outside, cash in ((4, 40.0, 900.0), (8, 140.0, 800.0)):
        model = build_model(parse_scenario(_capex_scenario(quarters)), ledger(chips, names=("o", "n")))
        res = run_chunk(model, 0, 2)
        io = model.ids.index("o")
        np.testing.assert_allclose(res.capex_outside[:, io], outside, rtol=1e-12)
        np.testing.assert_allclose(res.capex_carved[:, io], 60.0, rtol=1e-12)
        np.testing.assert_allclose(res.cash_end[:, io], cash, rtol=1e-12)


def test_capex_carve_out_of_an_upfront_order_by_hand():
    # $40 of chips paid in Q1; capex $25 a quarter. Outside: Q1 max(0, 25 - 40) = 0; Q2 max(0, 50 - 40 - 0)
    # = 10; Q3 75 - 40 - 10 = 25; Q4 100 - 40 - 35 = 25: 60 in all = 100 - 40.
    chips = contract("on", "o", "n", usd(40.0), schedule="upfront", typ="chip_purchase")
    model = build_model(parse_scenario(_capex_scenario(4)), ledger(chips, names=("o", "n")))
    res = run_chunk(model, 0, 2)
    np.testing.assert_allclose(res.capex_outside[:, model.ids.index("o")], 60.0, rtol=1e-12)


def test_capex_from_a_ledger_fact_when_the_scenario_gives_none():
    from dealweb.model import Claim, Fact

    fact = Fact("o-capex", "o", "capex_guidance", usd(100.0), period="FY2026",
                claims=(Claim("doc", "capex of $100"),))
    quarter = Fact("o-capex-q", "o", "capex", usd(7.0), period="FY2026 Q1")
    lg = ledger(contract("on", "o", "n", usd(60.0), typ="chip_purchase"), names=("o", "n"))
    lg.facts.update({fact.id: fact, quarter.id: quarter})
    sc = parse_scenario("scenario: {name: c, start: 2026-01-01, quarters: 4, runs: 2, seed: 1}\n"
                        "entities: {o: {cash: 1000}}\nothers: cash_only\n")
    model = build_model(sc, lg)
    assert model.inputs["o"]["capex"].source == "ledger: fact o-capex (doc: capex of $100)"
    res = run_chunk(model, 0, 2)
    np.testing.assert_allclose(res.capex_outside[:, model.ids.index("o")], 40.0, rtol=1e-12)


# ---- sensitivity ----------------------------------------------------------------------------------------

SC_SENS = """
scenario: {name: s, start: 2026-01-01, quarters: 1, runs: 300, seed: 11}
entities:
  a: {cash: 10, revenue: {uniform: [300, 500]}, capacity: 0}
  b: {cash: 50}
others: cash_only
bumps: {relative: 0.2, top: 5, delay_quarters: 0}
"""


def test_sensitivity_ranks_the_driver_known_by_construction_first():
    # One quarter: a owes b $100 and has $10 cash plus R/4, its revenue R ~ U[300, 500] a year drawn from
    # the run's uniform u, and no market: a defaults iff 10 + R/4 < 100, i.e. u < 0.3.
    #   revenue x0.8 (U[240, 400]): u < 0.75 (+45 pp); x1.2 (U[360, 600]): never (-30 pp)
    #   contract amount x0.8 (owes 80): never (-30 pp); x1.2 (owes 120): u < 0.7 (+40 pp)
    #   a's cash x0.8 (8): u < 0.34 (+4 pp); b's cash: nothing.
    # With common random numbers every change is a function of the same uniforms: revenue moves a's default
    # probability most whatever the sample (u in [0.3, 0.75) contains u in [0.3, 0.7)). Computed here.
    lg = ledger(contract("ab", "a", "b", usd(100.0), years=0.25), names=("a", "b"))
    model = build_model(parse_scenario(SC_SENS), lg)
    runs = 300
    u = run_uniforms(11, 0, runs, model.draws)[:, model.line_columns + [n for n, _ in model.params].index(
        "entities.a.revenue")]

    def p(lo: float, hi: float, cash: float = 10.0, owed: float = 100.0) -> float:
        return float(((cash + (lo + (hi - lo) * u) / 4) < owed * (1 - 1e-12) - 1e-6).mean())

    table = sensitivity_table(model, lg, runs, screen_runs=runs)
    rows = {r["key"]: r for r in table["rows"]}
    base = p(300, 500)
    assert table["base"]["a"] == pytest.approx(base)
    assert table["rows"][0]["key"] == "entities.a.revenue"
    rev, amount, cash = rows["entities.a.revenue"], rows["contracts.ab.amount"], rows["entities.a.cash"]
    assert rev["down"]["delta_pp"]["a"] == pytest.approx(100 * (p(240, 400) - base))
    assert rev["up"]["delta_pp"]["a"] == pytest.approx(100 * (p(360, 600) - base))
    assert amount["down"]["delta_pp"]["a"] == pytest.approx(100 * (p(300, 500, owed=80) - base))
    assert amount["up"]["delta_pp"]["a"] == pytest.approx(100 * (p(300, 500, owed=120) - base))
    assert cash["down"]["delta_pp"]["a"] == pytest.approx(100 * (p(300, 500, cash=8) - base))
    assert [r["key"] for r in table["rows"]][:3] == ["entities.a.revenue", "contracts.ab.amount",
                                                     "entities.a.cash"]
    assert "entities.b.cash" not in rows  # moves nothing: not reported
    assert table["runs"] == runs and table["seed"] == 11
    assert table["by_firm"]["a"]["key"] == "entities.a.revenue"


# ---- conservation with everything on --------------------------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), cash=st.floats(0, 500, allow_subnormal=False),
       capex=st.floats(0, 400, allow_subnormal=False), min_cash=st.floats(0, 200, allow_subnormal=False),
       shared=st.booleans())
def test_money_conserved_every_quarter_with_debt_groups_and_carve_out(seed, cash, capex, min_cash, shared):
    groups = "    all: {members: [a, b, c]}" if shared else "    ab: {members: [a, b]}\n    cs: {members: [c]}"
    sc = parse_scenario(f"""
scenario: {{name: h, start: 2026-01-01, quarters: 8, runs: 20, seed: {seed}}}
capital:
  sensitivity: {{uniform: [0.5, 3.0]}}
  groups:
{groups}
entities:
  a: {{cash: {cash}, capex: {capex}, min_cash: {min_cash}, capacity: {{uniform: [0, 800]}}, debt: 100}}
  b: {{cash: {{uniform: [0, 300]}}, revenue: 100, capex: {capex}}}
  c: {{cash: 50, capacity: 200}}
others: cash_only
""")
    lg = ledger(contract("ab", "a", "b", usd(600.0, 900.0), years=2.0, typ="chip_purchase"),
                contract("bc", "b", "c", usd(300.0), years=1.5, schedule="ramp"),
                contract("ca", "c", "a", usd(200.0), years=1.0),
                Deal("loan", "debt_financing", "bank", "b", amount=usd(250.0), term_start=date(2026, 4, 1),
                     term_years=1.0, status=Status.SIGNED),
                LOAN, names=("a", "b", "c", "bank"))
    model = build_model(sc, lg)
    res = run_chunk(model, 0, 20)  # raises ConservationError if any quarter creates or loses money
    assert (res.conservation_error <= 1e-9 * 1e4).all()
    assert (res.capex_outside >= -1e-12).all()


def test_capex_fact_includes_says_which_deals_are_carved_out():
    # The fact's figure ($100 a year) includes deal "on" ($60 of chips in 2026) but not "om" ($20 of chips):
    # outside capex = 100 - 60 = 40; "om" is spent on top (it is not part of the figure).
    from dealweb.model import Claim, Fact

    fact = Fact("o-capex", "o", "capex", usd(100.0), period="FY2026", claims=(Claim("doc", "capex $100"),),
                includes=("on",))
    lg = ledger(contract("on", "o", "n", usd(60.0), typ="chip_purchase"),
                contract("om", "o", "m", usd(20.0), typ="chip_purchase"), names=("o", "n", "m"))
    lg.facts[fact.id] = fact
    sc = parse_scenario("scenario: {name: c, start: 2026-01-01, quarters: 4, runs: 2, seed: 1}\n"
                        "entities: {o: {cash: 1000}}\nothers: cash_only\n")
    model = build_model(sc, lg)
    res = run_chunk(model, 0, 2)
    io = model.ids.index("o")
    np.testing.assert_allclose(res.capex_outside[:, io], 40.0, rtol=1e-12)
    np.testing.assert_allclose(res.cash_end[:, io], 1000 - 60 - 40 - 20, rtol=1e-12)


def test_bumps_batched_together_give_what_each_gives_alone():
    # The sensitivity table runs parameter bumps as variants of one batch: each block of runs must be
    # exactly the run of that bumped model alone (same uniforms, same results).
    from dataclasses import replace

    from dealweb.sim.sensitivity import _with_input

    lg = ledger(contract("ab", "a", "b", usd(400.0, 800.0), years=2.0), contract("ba", "b", "a", usd(100.0)),
                names=("a", "b"))
    sc = parse_scenario("""
scenario: {name: v, start: 2026-01-01, quarters: 8, runs: 30, seed: 5}
capital: {appetite: {uniform: [0.3, 1.0]}}
entities:
  a: {cash: {uniform: [0, 200]}, revenue: 300, capacity: {uniform: [0, 400]}}
  b: {cash: 10, capacity: 100}
others: cash_only
""")
    model = build_model(sc, lg)
    variants = (model, _with_input(model, "a", "revenue", lambda p: p.scaled(0.5)),
                replace(model, groups=tuple(replace(g, appetite=g.appetite.shifted(-0.2)) for g in model.groups)))
    together = run_chunk(model, 0, 30, variants=variants)
    for b, v in enumerate(variants):
        alone = run_chunk(v, 0, 30)
        np.testing.assert_array_equal(together.first_default[30 * b:30 * (b + 1)], alone.first_default)
        np.testing.assert_allclose(together.cash_end[30 * b:30 * (b + 1)], alone.cash_end, rtol=1e-12)
    assert not np.array_equal(together.first_default[:30], together.first_default[30:60]) or \
        not np.allclose(together.cash_end[:30], together.cash_end[30:60])


def test_report_and_web_tables_name_runs_seed_and_assumptions():
    # The report's and web app's stress tables: every title with the runs and seed; each contract's terms
    # marked assumed where no source states them; the firm's largest mover beside its default probability.
    from dealweb.report.rooms import stress_tables
    from dealweb.sim import stress

    lg = ledger(contract("ab", "a", "b", usd(400.0)), names=("a", "b"))
    sc = parse_scenario(SC_SENS.replace("quarters: 1", "quarters: 4"))
    summary = stress(sc, lg, runs=50, seed=3, sensitivity=True).summary()
    tables = stress_tables(summary)
    assert tables[0].title == "s: who fails (50 runs, seed 3; firm money only)"
    assert any(t.title == "s: what moves the default probabilities most (50 runs, seed 3; firm money only)"
               for t in tables)
    who = tables[0].rows[0]
    mover = summary["sensitivity"]["by_firm"]["a"]
    assert who["Entity"] == "a"
    assert who["Moved most by"] == f"{mover['assumption']} (±{mover['max_abs_delta_pp']:.1f} pp)"
    contracts = next(t for t in tables if "contracts as simulated" in t.title)
    row = contracts.rows[0]
    assert row["Shape"] == "flat (assumed)" and row["Start"] == "2026-01-01" and "(assumed)" not in row["Years"]
    assert summary["definitions"]["default"].startswith("a quarter in which a firm pays less than it owes")


# ---- schedules from the flows table ---------------------------------------------------------------------

def _rated_deal() -> Deal:
    # $400 over 2026-2029 (4 years), and a source's yearly figure: $50 a year from 2027 (adds up to $150
    # over the term, not $400: the flows table schedules the contract's total and says so).
    from dealweb.model import Rate

    return Deal("ab", "compute_contract", "a", "b", amount=usd(400.0), term_start=date(2026, 1, 1), term_years=4.0,
                status=Status.SIGNED, per_year=(Rate(usd(50.0), start=date(2027, 1, 1)),))


def test_a_scenario_picks_the_yearly_reading_of_a_contract_by_hand():
    base = "scenario: {name: r, start: 2026-01-01, quarters: 16, runs: 2, seed: 1}\nothers: cash_only\n"
    lg = ledger(_rated_deal(), names=("a", "b"))
    whole = build_model(parse_scenario(base), lg).lines[0]
    np.testing.assert_allclose(whole.profile * 400.0, 25.0)  # $400 over 16 quarters
    assert any("contract's total is scheduled" in a for a in whole.assumptions)
    picked = build_model(parse_scenario(base + "contracts:\n  schedules:\n    ab: {per_year: 0}\n"), lg).lines[0]
    # $50 a year from 2027-Q1 to the term's end (2029-Q4): 12.5 a quarter, nothing in 2026; $150 in all.
    amounts = picked.profile * picked.usd_high
    np.testing.assert_allclose(amounts[:4], 0.0, atol=1e-9)
    np.testing.assert_allclose(amounts[4:], 12.5)
    assert picked.usd_high == pytest.approx(150.0)


def test_schedule_choices_are_checked_with_positions():
    lg = ledger(_rated_deal(), names=("a", "b"))
    head = "scenario: {name: r, start: 2026-01-01, quarters: 4}\ncontracts:\n  schedules:\n"
    with pytest.raises(ScenarioError) as err:
        parse_scenario(head + "    ab: {per_year: 0, speed: 2, schedule: zigzag}\n", "s.yaml")
    assert {p.field for p in err.value.problems} == {"contracts.schedules.ab.speed", "contracts.schedules.ab.schedule"}
    with pytest.raises(ScenarioError) as err:
        build_model(parse_scenario(head + "    zz: {per_year: 0}\n", "s.yaml"), lg)
    assert err.value.problems[0].line == 4 and "zz" in err.value.problems[0].message
    with pytest.raises(ScenarioError) as err:
        build_model(parse_scenario(head + "    ab: {per_year: 3}\n", "s.yaml"), lg)
    assert err.value.problems[0].file == "s.yaml" and err.value.problems[0].line == 4


def test_bundled_openai_cannot_pay_leaves_an_unexposed_firm_as_it_was():
    # On the bundled ledger xAI has no contract with OpenAI or its creditors: with per-group markets, OpenAI
    # being unable to pay must not change xAI's default at all (same runs, same seed: run by run).
    from dealweb.data import bundled_ledgers
    from dealweb.ledger import load_ledger
    from dealweb.sim import bundled_scenarios, load_scenario, run_model

    lg = load_ledger(bundled_ledgers()["ai-capex-2025"]).ledger  # the seeds' ledger, named
    got = {}
    for name in ("base", "openai-cannot-pay"):
        model = build_model(load_scenario(bundled_scenarios()[name]), lg)
        got[name] = (run_model(model, 150).first_default[:, model.ids.index("xai")], model)
    np.testing.assert_array_equal(got["base"][0], got["openai-cannot-pay"][0])
    model = got["openai-cannot-pay"][1]
    exposed = {ln.payer for ln in model.lines if ln.payee == "openai"} | {ln.payee for ln in model.lines
                                                                          if ln.payer == "openai"}
    assert "xai" not in exposed


def test_a_scenarios_years_for_a_loan_are_its_service_too_by_hand():
    # contracts.schedules {loan: {years: 2}}: the $400 drawn 2025-10-01 is repaid over 2 years to 2027-10-01,
    # 8 level parts of $50 (2026-Q1..2027-Q4), interest 2 % a quarter on 400, 350, 300, 250: service 58, 57,
    # 56, 55 in 2026; a's cash from $1,000: 942, 885, 829, 774. The maturity's source is the scenario.
    text = _debt_scenario(4) + "contracts:\n  schedules:\n    loan: {years: 2}\n"
    model = build_model(parse_scenario(text, "s.yaml"), ledger(LOAN, names=("a", "bank")))
    line = next(ln for ln in model.lines if ln.kind == "debt_service")
    np.testing.assert_allclose(line.profile * 400.0, [58.0, 57.0, 56.0, 55.0])
    terms = {t: (v, src) for t, v, src in line.terms}
    assert terms["maturity"][0] == "2027-10-01" and terms["maturity"][1].startswith("scenario: contracts.schedules")
    assert any("the scenario's choice" in a for a in line.assumptions)
    res = run_chunk(model, 0, 2)
    np.testing.assert_allclose(res.cash_end[:, model.ids.index("a")], 774.0, rtol=1e-12)
