"""`show`: a warrant valued at a trigger price says so ("up to $X in shares, if ... reaches $P").

A warrant whose tranche vests when the issuer's share price reaches $600 was listed as "$96B shares in":
that value holds only if the price is reached (fresh-eyes check, session 3). The label is built from the
ledger's structured tranche fields (``trigger: share_price``, ``price``, ``strike``).
"""

from __future__ import annotations

from datetime import date

import pytest

from dealweb.cli.ledger_cmds import _entity_totals, _shares_cell
from dealweb.flows import build_flows
from dealweb.model import Deal, Entity, Ledger, Status, Tranche
from dealweb.money import Amount, Qualifier


def _usd(x: float) -> Amount:
    return Amount(x, x, Qualifier.EXACT, "USD", f"${x}")


def _ledger() -> Ledger:
    tr = Tranche("share_price", amount=_usd(96e9), quantity=Amount(160e6, 160e6, Qualifier.EXACT, "shares", "160M"),
                 price=_usd(600.0))
    deals = [
        Deal("w", "warrant", "chipco", "lab", strike=_usd(0.01), schedule="tranches", tranches=(tr,),
             status=Status.SIGNED, announced=date(2025, 10, 6)),
        Deal("plain", "warrant", "lab", "cloud", amount=_usd(350e6), status=Status.SIGNED,
             announced=date(2025, 10, 6)),
    ]
    ents = {e: Entity(e, {"en": n}) for e, n in (("chipco", "ChipCo"), ("lab", "Lab"), ("cloud", "Cloud"))}
    return Ledger(name="t", entities=ents, deals={d.id: d for d in deals})


def test_conditional_warrant_value_is_labelled_with_its_trigger_price():
    led = _ledger()
    tot = _entity_totals(led, None, build_flows(led))
    assert tot["lab"]["shares_in"] == pytest.approx(96e9)
    cond = "if ChipCo's share price reaches $600 (exercise price $0.01 a share)"
    assert tot["lab"]["shares_in_if"] == pytest.approx({cond: 96e9})
    assert _shares_cell(tot["lab"]["shares_in"], tot["lab"]["shares_in_if"]) == f"up to $96B in shares, {cond}"
    assert _shares_cell(tot["chipco"]["shares_out"], tot["chipco"]["shares_out_if"]) == f"up to $96B in shares, {cond}"
    # a firm value in shares keeps its plain figure
    assert tot["lab"]["shares_out_if"] == {}
    assert _shares_cell(tot["lab"]["shares_out"], tot["lab"]["shares_out_if"]) == "$350M"
    assert _shares_cell(0.0, {}) == "—"


def test_mixed_plain_and_conditional_shares():
    assert _shares_cell(146.0, {"if X's share price reaches $10": 96.0}) == (
        "$50; up to $96 in shares, if X's share price reaches $10")
