"""A conditional tranche with no date is never silently dropped from a stress test.

Hand-worked ledger: ``n`` invests in ``a`` $15 firm on 2026-01-15 and $35 more on a milestone ("an IPO"),
conditional, with no date (fresh-eyes check, session 3: such a tranche was neither paid with
``--include conditional`` nor listed in the money left out). The run pays the $15 in 2026-Q1 and lists the
$35 with its amount and "no date: not scheduled", with or without ``--include conditional``; no payment
date is invented for it, and the firm line keeps its random column.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from dealweb.model import Deal, Entity, Ledger, Status, Tranche
from dealweb.money import Amount, Qualifier
from dealweb.sim import build_model, parse_scenario, run_chunk, stress
from dealweb.sim.schedules import NOT_SCHEDULED, Grid, schedule_ledger


def usd(x: float) -> Amount:
    return Amount(x, x, Qualifier.EXACT, "USD", f"${x:g}")


LEDGER = Ledger(
    name="t", entities={e: Entity(e, {"en": e.upper()}) for e in ("a", "n")},
    deals={"na": Deal("na", "equity_investment", "n", "a", amount=usd(50.0), schedule="tranches",
                      tranches=(Tranche("date", amount=usd(15.0), date=date(2026, 1, 15)),
                                Tranche("milestone", amount=usd(35.0), milestone="an IPO")),
                      status=Status.SIGNED, announced=date(2025, 11, 3))},
)

SCENARIO = """
scenario: {name: u, start: 2026-01-01, quarters: 4, runs: 3, seed: 1}
capital: {interest_rate: 0.0}
entities:
  a: {cash: 0, capacity: 0, min_cash: 0}
  n: {cash: 1000, capacity: 0, min_cash: 0}
others: cash_only
"""


def test_schedule_keeps_the_undated_tranche_as_an_unscheduled_line():
    lines, skipped = schedule_ledger(LEDGER, Grid(date(2026, 1, 1), 4))
    by = {ln.money: ln for ln in lines}
    assert set(by) == {"firm", "conditional"}
    firm, cond = by["firm"], by["conditional"]
    assert firm.scheduled and firm.usd_low == pytest.approx(15.0) and firm.profile[0] == pytest.approx(1.0)
    assert not cond.scheduled and cond.usd_low == pytest.approx(35.0) and cond.usd_high == pytest.approx(35.0)
    assert cond.profile.sum() == 0.0  # no date invented
    assert any(a.startswith(NOT_SCHEDULED) for a in cond.assumptions)
    assert not [s for s in skipped if s.deal == "na"]


@pytest.mark.parametrize("include", [(), ("conditional",)])
def test_undated_conditional_money_is_listed_left_out_either_way(include):
    sc = parse_scenario(SCENARIO)
    model = build_model(replace(sc, include=include), LEDGER)
    assert [(ln.deal, ln.money) for ln in model.lines] == [("na", "firm")]
    assert [(ln.deal, ln.money, ln.usd_low) for ln in model.left_out] == [("na", "conditional", 35.0)]
    assert model.line_columns == 1  # the unscheduled line takes no random column
    res = run_chunk(model, 0, 3)
    i = {e: model.ids.index(e) for e in "an"}
    np.testing.assert_allclose(res.cash_end[:, i["a"]], 15.0)  # the firm $15 only
    np.testing.assert_allclose(res.cash_end[:, i["n"]], 985.0)
    money = stress(sc, LEDGER, runs=3, include=list(include)).summary()["money"]
    assert money["left_out_usd"] == pytest.approx(35.0)
    (d,) = money["left_out"]
    assert d["deal"] == "na" and d["amount"] == "$35" and d["scheduled"] is False
    assert d["not_scheduled"].startswith("no date: not scheduled")
    assert money["left_out_by_firm"]["a"]["owed_to_it_usd"] == pytest.approx(35.0)
    assert money["left_out_by_firm"]["a"]["owed_to_it_in_horizon_usd"] == 0.0
