"""A cash fact that includes a deal paying the entity is not own cash (dealweb.flows.recorded_cash)."""

from dealweb.flows import recorded_cash
from dealweb.model import Deal, Fact, Ledger
from dealweb.money import parse_amount


def _ledger(includes: tuple[str, ...]) -> Ledger:
    deals = {
        "round": Deal("round", "equity_investment", payer="vc", payee="acme", amount=parse_amount("$10B")),
        "buy": Deal("buy", "compute_contract", payer="acme", payee="cloud", amount=parse_amount("$4B")),
    }
    facts = {
        "c": Fact("c", "acme", "cash_on_hand", parse_amount("$7B"), includes=includes),
        "o": Fact("o", "acme", "operating_cash_flow_ttm", parse_amount("$2B")),
    }
    return Ledger(deals=deals, facts=facts)


def test_cash_fact_holding_an_inflow_deal_is_left_out():
    rc = recorded_cash(_ledger(("round",)))["acme"]
    assert rc.usd == 2e9 and rc.facts == ("o",)


def test_cash_fact_including_only_an_outflow_deal_still_counts():
    rc = recorded_cash(_ledger(("buy",)))["acme"]
    assert rc.usd == 9e9 and set(rc.facts) == {"c", "o"}


def test_cash_fact_with_no_includes_counts():
    assert recorded_cash(_ledger(()))["acme"].usd == 9e9
