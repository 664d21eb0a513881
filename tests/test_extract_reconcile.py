"""Reconciliation against a small ledger built in the test: new, matches, adds_source, conflicts (why)."""

from __future__ import annotations

from dealweb.extract.ingest import ingest_text
from dealweb.extract.reconcile import metric_related, reconcile_deal, reconcile_fact, slip_factor
from dealweb.model import Claim, Deal, Document, Entity, Fact, Ledger
from dealweb.money import parse_amount


def _ledger() -> Ledger:
    ents = {i: Entity(i, {"en": n}) for i, n in [("oracle", "Oracle"), ("openai", "OpenAI"), ("nvidia", "Nvidia")]}
    deals = {
        "openai-oracle-cloud": Deal("openai-oracle-cloud", "compute_contract", "openai", "oracle",
                                    amount=parse_amount("3000億美元"), capacity_gw=4.5,
                                    claims=(Claim("d1", "OpenAI與甲骨文簽署3000億美元合約", 10, 29, "amount",
                                                  amount=parse_amount("3000億美元")),
                                            Claim("d2", "OpenAI投資Oracle 1000億美元", 0, 22, "amount",
                                                  amount=parse_amount("1000億美元"), flag="joke"))),
        "nvidia-openai": Deal("nvidia-openai", "equity_investment", "nvidia", "openai",
                              amount=parse_amount("最高1000億美元")),
    }
    facts = {
        "oracle-oci-revenue-guidance-fy26": Fact("oracle-oci-revenue-guidance-fy26", "oracle",
                                                 "oci_revenue_guidance", parse_amount("180億美元"), "FY2026"),
        "oracle-oci-revenue-fy26q1": Fact("oracle-oci-revenue-fy26q1", "oracle", "oci_revenue",
                                          parse_amount("33億美元"), "FY2026 Q1"),
        "oracle-revenue-growth": Fact("oracle-revenue-growth", "oracle", "revenue_growth_yoy", parse_amount("11%"),
                                      "FY2026 Q1"),
    }
    return Ledger(entities=ents, deals=deals, facts=facts, documents={"d1": Document("d1", "t")})


def test_slip_factor_by_hand() -> None:
    assert slip_factor(parse_amount("18億美元"), parse_amount("180億美元")) == 10
    assert slip_factor(parse_amount("35億美元"), parse_amount("3500億美元")) == 100
    assert slip_factor(parse_amount("30億美元"), parse_amount("180億美元")) is None


def test_metric_related() -> None:
    assert metric_related("revenue", "oci_revenue_guidance")
    assert metric_related("revenue_guidance", "oci_revenue_guidance")
    assert not metric_related("revenue", "revenue_growth_yoy")
    assert not metric_related("capex", "revenue")


def test_deal_verdicts() -> None:
    led = _ledger()
    a = parse_amount
    assert reconcile_deal(led, "openai", "oracle", "compute_contract", a("3000億美元"), None, "d1", 5, 40).status \
        == "matches"  # the ledger holds this claim (same document, overlapping span)
    v = reconcile_deal(led, "openai", "oracle", "compute_contract", a("約3000億美元"), None, "d9", 0, 10)
    assert (v.status, v.record) == ("adds_source", "openai-oracle-cloud")
    v = reconcile_deal(led, "openai", "oracle", "compute_contract", a("300億美元"), None, "d9", 0, 10)
    assert (v.status, v.reason) == ("conflicts", "unit_slip")
    v = reconcile_deal(led, "openai", "oracle", "compute_contract", a("2000億美元"), None, "d9", 0, 10)
    assert (v.status, v.reason) == ("conflicts", "value_mismatch")
    # the only claim of 1000億 on this deal is flagged as a joke by the ledger
    v = reconcile_deal(led, "openai", "oracle", "compute_contract", a("1000億美元"), None, "d9", 0, 10)
    assert (v.status, v.reason) == ("conflicts", "joke")
    v = reconcile_deal(led, "openai", "nvidia", "equity_investment", a("1000億美元"), None, "d9", 0, 10)
    assert (v.status, v.reason) == ("conflicts", "direction")
    assert reconcile_deal(led, "oracle", "nvidia", "chip_purchase", a("400億美元"), None, "d9", 0, 9).status == "new"


def test_fact_verdicts() -> None:
    led = _ledger()
    a = parse_amount
    v = reconcile_fact(led, "oracle", "revenue_guidance", a("18億美元"), "FY2026", "d9", 0, 9)
    assert (v.status, v.reason, v.record) == ("conflicts", "unit_slip", "oracle-oci-revenue-guidance-fy26")
    v = reconcile_fact(led, "oracle", "revenue", a("33億美元"), "FY2026 Q2", "d9", 0, 9)
    assert (v.status, v.reason, v.record) == ("conflicts", "period", "oracle-oci-revenue-fy26q1")
    v = reconcile_fact(led, "oracle", "revenue", a("33億美元"), "FY2026 Q1", "d9", 0, 9)
    assert (v.status, v.record) == ("adds_source", "oracle-oci-revenue-fy26q1")
    assert reconcile_fact(led, "oracle", "capex", a("350億美元"), "FY2026", "d9", 0, 9).status == "new"


def test_end_to_end_statuses_and_joke() -> None:
    text = ("測試\n最近流傳著一個段子:“OpenAI 投資 Oracle 1,000 億美金買雲端運算服務。”"
            "另據報導,Oracle 2026財年雲基礎設施收入預計為18億美元。")
    claims = ingest_text(text, document="d9", ledger=_ledger())
    deal = next(c for c in claims if c["kind"] == "deal")
    assert deal["flag"] == "joke" and (deal["status"], deal["reason"]) == ("conflicts", "joke")
    fact = next(c for c in claims if c["kind"] == "fact")
    assert (fact["status"], fact["reason"]) == ("conflicts", "unit_slip")
    for c in claims:
        assert text[c["start"]:c["end"]] == c["quote"]
        for s, e in c["spans"].values():
            assert c["start"] <= s < e <= c["end"]
