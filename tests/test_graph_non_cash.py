"""Value in shares is not money: "who pays" traces money only and shows warrants apart (analyst finding 4).

The web, by hand::

    inv --$40 investment--> a --$100 services--> b --$60 chips--> c
                                                  ^                |
                                                  +--- warrant $50 (value in AMD-like shares, not cash)

Money only: ``b`` takes in $100, all from ``a``. ``a`` takes in $40 and pays out $100, so it puts in $60 of
its own (no recorded cash: unfunded); its origin mix is inv 40/100, a 60/100. So ``b``'s inflow is 40% equity
from inv and 60% unfunded money of a. Were the warrant traced as money, b would take in $150 and lie on a loop
b -> c -> b: a different (wrong) answer.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from dealweb.cli.ledger_cmds import _entity_totals, _money_totals
from dealweb.flows import build_flows
from dealweb.graph import Web, snapshot, trace
from dealweb.model import Deal, Entity, EntityKind, Ledger, Status
from dealweb.money import Amount, Qualifier


def _usd(x: float) -> Amount:
    return Amount(x, x, Qualifier.EXACT, "USD", f"${x}")


def _ledger() -> Ledger:
    deals = [
        Deal("inv-a", "equity_investment", "inv", "a", amount=_usd(40.0), status=Status.SIGNED,
             announced=date(2025, 1, 1)),
        Deal("a-b", "compute_contract", "a", "b", amount=_usd(100.0), status=Status.SIGNED, announced=date(2025, 1, 1)),
        Deal("b-c", "chip_purchase", "b", "c", amount=_usd(60.0), status=Status.SIGNED, announced=date(2025, 1, 1)),
        Deal("c-b-warrant", "warrant", "c", "b", amount=_usd(50.0), status=Status.SIGNED, announced=date(2025, 1, 1)),
    ]
    ents = {"inv": Entity("inv", {"en": "Investor"}, EntityKind.FUND)}
    ents.update({e: Entity(e, {"en": e.upper()}) for e in ("a", "b", "c")})
    return Ledger(name="t", entities=ents, deals={d.id: d for d in deals})


def test_warrant_is_shown_apart_and_not_traced_as_money():
    web = snapshot(_ledger())
    assert web.total == pytest.approx(250.0)  # the web still holds the warrant's value, marked
    assert web.non_cash_total() == pytest.approx(50.0)
    assert web.totals() == pytest.approx({"firm": 200.0, "conditional": 0.0, "non_cash": 50.0, "total": 250.0})
    t = trace(web, "b")
    assert t.inflow == pytest.approx(100.0)
    assert dict(t.origins) == pytest.approx({"inv": 0.4, "a": 0.6})
    assert t.classes["equity_investors"] == pytest.approx(0.4)
    assert t.classes["unfunded"] == pytest.approx(0.6)
    assert t.non_cash == (("c", "c-b-warrant", 50.0, "firm"),)
    d = t.as_dict()
    assert d["non_cash"]["amount"] == 50.0 and d["non_cash"]["flows"][0]["from"] == "c"
    assert not t.on_loop  # the warrant closes no loop of money
    # c receives $60 of money and pays none: its inflow is b's money, itself from a and inv
    tc = trace(web, "c")
    assert tc.inflow == pytest.approx(60.0) and tc.non_cash == ()
    assert dict(tc.origins) == pytest.approx({"inv": 0.4, "a": 0.6})


def test_edge_lists_treat_a_warrant_type_as_shares():
    web = Web.from_edges(["inv", "a", "b", "c"], ["a", "b", "c", "b"], [40.0, 100.0, 60.0, 50.0],
                         types=["equity_investment", "compute_contract", "chip_purchase", "warrant"])
    t = trace(web, "b")
    assert t.inflow == pytest.approx(100.0)
    assert [x[2] for x in t.non_cash] == [50.0]


def test_show_totals_keep_shares_apart_from_money():
    led = _ledger()
    fl = build_flows(led)
    tt = _money_totals(fl)
    assert tt == pytest.approx({"firm": 200.0, "conditional": 0.0, "total": 200.0, "non_cash": 50.0})
    tot = _entity_totals(led, None, fl)
    assert tot["b"]["firm_in"] == pytest.approx(100.0) and tot["b"]["shares_in"] == pytest.approx(50.0)
    assert tot["c"]["firm_out"] == 0.0 and tot["c"]["shares_out"] == pytest.approx(50.0)


# ---- loops, circulation and exposure count money only, as trace and show do ------------------------------

def _with_stock_deal() -> Ledger:
    """The web above plus an all-stock purchase of $30 from a to c (value in shares, not money)."""
    led = _ledger()
    stock = Deal("a-c-stock", "acquisition_stake", "a", "c", amount=_usd(30.0), status=Status.SIGNED,
                 announced=date(2025, 1, 1), consideration="stock")
    return Ledger(name="t", entities=led.entities, deals={**led.deals, stock.id: stock})


def test_loops_and_circulation_leave_value_in_shares_out():
    from dealweb.graph import circulation, loops

    web = snapshot(_with_stock_deal())
    # by hand: money is inv->a 40, a->b 100, b->c 60: no cycle. Counted as money, the warrant c->b $50 would
    # close b->c->b (bottleneck $50) and the stock deal a->c $30 would add nothing round (a is not reached).
    res = loops(web, max_length=6)
    assert res.loops == () and res.count == 0
    assert sorted((x.deal, x.amount) for x in res.non_cash) == [("a-c-stock", 30.0), ("c-b-warrant", 50.0)]
    assert loops(web, max_length=6, top=5).loops == ()
    circ = circulation(web)
    assert circ.circulating == pytest.approx(0.0) and circ.total == pytest.approx(200.0)
    # the same web with the warrant as money (an edge list typed as a contract) has the $50 loop
    money = Web.from_edges(["inv", "a", "b", "c"], ["a", "b", "c", "b"], [40.0, 100.0, 60.0, 50.0])
    assert [lp.bottleneck for lp in loops(money).loops] == [50.0]
    assert circulation(money).circulating == pytest.approx(100.0)  # 50 each way round b <-> c


def test_exposure_counts_money_and_lists_shares_apart():
    from dealweb.graph import exposure

    web = snapshot(_with_stock_deal())
    b = exposure(web, "b")
    assert b.categories["receivables"].total == pytest.approx(100.0)  # a's $100, not the $50 warrant
    assert b.categories["funding"].total == 0.0
    assert [(x.deal, x.amount) for x in b.non_cash] == [("c-b-warrant", 50.0)]
    assert b.in_strength == pytest.approx(100.0)
    c = exposure(web, "c")
    assert c.categories["receivables"].total == pytest.approx(60.0)  # b's chips; not a's $30 in shares
    assert c.categories["payables"].total == 0.0 and c.out_strength == 0.0
    assert sorted(x.deal for x in c.non_cash) == ["a-c-stock", "c-b-warrant"]
    d = c.as_dict()
    assert d["non_cash"]["amount"] == pytest.approx(80.0) and len(d["non_cash"]["flows"]) == 2


STOCK_LEDGER = """\
ledger:
  name: tiny
entities:
  - id: spaceco
    names: {en: SpaceCo}
  - id: aico
    names: {en: AICo}
deals:
  - id: merger
    type: acquisition_stake
    from: spaceco
    to: aico
    amount: $250 billion
    consideration: stock
  - id: cloud
    type: compute_contract
    from: aico
    to: spaceco
    amount: $10 billion
"""


def test_cli_loops_and_exposure_on_an_all_stock_deal(tmp_path):
    import json

    from click.testing import CliRunner

    from dealweb.cli import main

    root = tmp_path / "led"
    root.mkdir()
    (root / "a.yaml").write_text(STOCK_LEDGER, encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(main, ["loops", str(root), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output) == []  # the $10B cloud contract comes back only as shares: no money loop
    text = runner.invoke(main, ["loops", str(root)]).output
    assert "No loops" in text and "left out of the loops" in text and "merger" in text
    out = runner.invoke(main, ["exposure", "aico", "--ledger", str(root), "--json"])
    d = json.loads(out.output)
    assert d["categories"]["funding"]["total"] == 0.0
    assert d["non_cash"]["amount"] == pytest.approx(250e9)
    assert d["totals"]["non_cash"] == pytest.approx(250e9)
    text = runner.invoke(main, ["exposure", "aico", "--ledger", str(root)]).output
    assert "Not money, in no category" in text and "merger" in text


def test_firm_only_web_leaves_out_conditional_money_not_conditional_shares():
    """A rumoured warrant ($50 of shares) is not conditional money: firm-only leaves out the $30 rumour only.

    By hand: firm money 200 (inv-a 40, a-b 100, b-c 60); conditional money 30 (rumoured c -> a); the rumoured
    warrant's 50 is value in shares, in neither (show says the same: conditional $30, shares $50).
    """
    led = _ledger()
    w = led.deals["c-b-warrant"]
    led.deals["c-b-warrant"] = dataclasses.replace(w, status=Status.RUMOURED)
    led.deals["c-a-rumour"] = Deal("c-a-rumour", "services", "c", "a", amount=_usd(30.0), status=Status.RUMOURED,
                                   announced=date(2025, 1, 1))
    tt = _money_totals(build_flows(led))
    assert tt["conditional"] == pytest.approx(30.0) and tt["non_cash"] == pytest.approx(50.0)
    web = snapshot(led)
    assert web.left_out == pytest.approx({"conditional": 30.0})
    assert web.totals()["firm"] == pytest.approx(200.0)
