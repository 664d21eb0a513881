"""Reconciliation against a small ledger built in the test: new, matches, adds_source, conflicts (why)."""

from __future__ import annotations

import pytest

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


def test_seed_file_against_the_bundled_ledger() -> None:
    """The seed file read against the bundled ledger: the meme loop is a joke, 18億/35億 are unit slips."""

    from dealweb.extract.ingest import ingest_file
    from dealweb.ledger import load_ledger
    from seed_articles import SEED_FILE, require_seeds

    seeds = require_seeds() / SEED_FILE
    from dealweb.data import bundled_ledgers

    led = load_ledger(bundled_ledgers()["ai-capex-2025"]).ledger  # the seeds' own ledger, named
    claims = ingest_file(seeds, ledger=led)
    text = seeds.read_text(encoding="utf-8")
    assert all(text[c["start"]:c["end"]] == c["quote"] for c in claims)
    assert all(c["document"] in led.documents for c in claims)  # the file's articles map to ledger documents
    jokes = [c for c in claims if c["kind"] == "deal" and c["reason"] == "joke"]
    # the loop is told twice (doc yc-ai-layer and doc techflow-ai-carousel), three links each
    assert len(jokes) == 6 and all(c["amount"]["high"] == 1e11 for c in jokes)
    slips = {c["value"]["text"]: c for c in claims if c["kind"] == "fact" and c["reason"] == "unit_slip"}
    assert {"18億美元", "35億美元"} <= set(slips)
    for stated, c in slips.items():
        recorded = led.facts[c["record"]].value.point
        # 18億 against 180億, 35億 against 350億: a factor of 10 by hand
        assert recorded == pytest.approx(10 * float(stated.removesuffix("億美元")) * 1e8)


def test_a_loan_beside_an_investment_is_another_deal() -> None:
    led = _ledger()
    v = reconcile_deal(led, "nvidia", "openai", "debt_financing", parse_amount("80億美元"), None, "d9", 0, 9)
    assert v.status == "new"
