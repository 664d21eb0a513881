"""A dated tranche with its own exact amount is firm even when the deal's total is "up to".

Amazon -> Anthropic (April 2026): "investing an additional $5 billion in Anthropic immediately", "The
remaining $20 billion is conditional": up to $25B in all. The flows table counted the $5B as conditional
("a ceiling: up to $25B, how much is paid is not stated"). By hand: firm $5B; conditional mid $10B (the
milestone tranche up to $20B, [0, 20]); total $15B.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from dealweb.flows import build_flows
from dealweb.model import Deal, Entity, Ledger, Status, Tranche
from dealweb.money import parse_amount

B = 1e9


def _ledger() -> Ledger:
    ents = {"amz": Entity("amz", {"en": "Amazon"}), "ant": Entity("ant", {"en": "Anthropic"})}
    deal = Deal("amz-ant", "equity_investment", "amz", "ant", amount=parse_amount("up to $25 billion"),
                schedule="tranches", status=Status.SIGNED, announced=date(2026, 4, 20),
                tranches=(Tranche("date", amount=parse_amount("$5 billion"), date=date(2026, 4, 20)),
                          Tranche("milestone", amount=parse_amount("up to $20 billion"),
                                  milestone="commercial milestones")))
    return Ledger(entities=ents, deals={deal.id: deal})


def test_dated_exact_tranche_of_an_up_to_deal_is_firm() -> None:
    fl = build_flows(_ledger())
    rows = sorted(fl.records(), key=lambda r: r["shape"])
    assert [(r["shape"], r["status"]) for r in rows] == [("date", "firm"), ("milestone", "conditional")]
    assert rows[0]["value"] == pytest.approx(5 * B) and rows[0]["trigger"] == ""
    assert (rows[1]["low"], rows[1]["high"]) == (0.0, pytest.approx(20 * B))
    tot = fl.totals()
    assert tot["firm"] == pytest.approx(5 * B)
    assert tot["conditional"] == pytest.approx(10 * B)
    assert tot["total"] == pytest.approx(tot["firm"] + tot["conditional"]) == pytest.approx(15 * B)


def test_dated_up_to_tranche_stays_conditional() -> None:
    led = _ledger()
    d = led.deals["amz-ant"]
    t0 = Tranche("date", amount=parse_amount("up to $5 billion"), date=date(2026, 4, 20))
    led = Ledger(entities=led.entities, deals={d.id: replace(d, tranches=(t0, d.tranches[1]))})
    assert {r["status"] for r in build_flows(led).records()} == {"conditional"}
