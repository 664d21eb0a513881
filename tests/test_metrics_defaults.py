"""Default inputs from a ledger alone: its analyses section, facts and deals with quotes; missing inputs say so."""

from pathlib import Path

import pytest

from dealweb.errors import InputError
from dealweb.ledger import load_ledger
from dealweb.metrics.backlog import BacklogInputs, backlog
from dealweb.metrics.breakeven import BreakevenInputs, breakeven
from dealweb.metrics.defaults import METRICS, defaults_for, fact_value
from dealweb.metrics.funding_gap import FundingGapInputs, funding_gap

TINY = """
ledger:
  name: tiny
entities:
  - {id: openai, kind: company, names: {en: OpenAI}}
  - {id: oracle, kind: company, names: {en: Oracle}, fiscal_year_end: 05-31}
  - {id: nvidia, kind: company, names: {en: Nvidia}}
documents:
  - {id: n, title: Notes, language: en, tier: secondary}
deals:
  - id: openai-oracle-cloud-300b
    type: compute_contract
    from: openai
    to: oracle
    amount: 2000億美元
    term: {start: 2027-01-01, years: 4}
    status: signed
    claims:
      - {document: n, field: amount, stated: $200 billion, quote: "a $200 billion contract"}
      - {document: n, field: term, quote: "over four years"}
  - id: oracle-nvidia-gb200-40b
    type: chip_purchase
    from: oracle
    to: nvidia
    amount: 300億美元
    quantity: 500,000顆
    status: signed
    claims:
      - {document: n, field: amount, stated: $30 billion, quote: "chips worth $30 billion"}
      - {document: n, field: quantity, stated: "500,000", quote: "500,000 chips"}
analyses:
  capacity:
    price: [oracle-nvidia-gb200-40b]
  backlog:
    - {entity: oracle, customer: openai, path_metric: oci_revenue_guidance}
  funding_gap:
    - payer: openai
      revenue: {value: 100億美元, assumption: "a yearly revenue written for the test"}
    - {payer: oracle}
facts:
  - id: oracle-rpo-q1
    entity: oracle
    metric: rpo
    value: 5000億美元
    period: FY2026 Q1
    as_of: 2025-08-31
    claims:
      - {document: n, stated: $500 billion, quote: "RPO of $500 billion"}
  - id: oracle-rpo-old
    entity: oracle
    metric: rpo
    value: 1000億美元
    period: FY2025 Q4
    as_of: 2025-05-31
    claims:
      - {document: n, stated: $100 billion, quote: "RPO of $100 billion"}
  - id: oci-fy26
    entity: oracle
    metric: oci_revenue_guidance
    value: 100億美元
    period: FY2026
    claims:
      - {document: n, stated: $10 billion, quote: "OCI $10 billion in FY2026"}
  - id: oci-fy27
    entity: oracle
    metric: oci_revenue_guidance
    value: 300億美元
    period: FY2027
    claims:
      - {document: n, stated: $30 billion, quote: "OCI $30 billion in FY2027"}
"""


@pytest.fixture()
def tiny(tmp_path: Path):
    (tmp_path / "ledger.yaml").write_text(TINY, encoding="utf-8")
    result = load_ledger(tmp_path)
    assert not [p for p in result.problems if p.severity == "error"], [str(p) for p in result.problems]
    return result.ledger


def test_backlog_defaults_from_facts_and_deals(tiny) -> None:
    d = defaults_for("backlog", tiny)
    # the latest RPO (as_of 2025-08-31) wins over the older one
    assert d["rpo"].value == 500e9
    assert (d["rpo"].source.kind, d["rpo"].source.ref, d["rpo"].source.quote) == (
        "ledger", "oracle-rpo-q1", "RPO of $500 billion")
    assert d["schedule"].value == (("FY2026", 10e9), ("FY2027", 30e9))
    assert d["schedule"].source.ref == "oci-fy26, oci-fy27"
    assert d["customer_commitment"].value == 200e9
    assert d["customer_commitment"].source.quote == "a $200 billion contract"
    assert d["customer_years"].value == 4 and d["customer_years"].source.quote == "over four years"
    # no OpenAI revenue fact in the ledger: missing, saying how to add it (never another ledger's figure)
    assert d["customer_revenue_per_year"].value is None
    assert d["customer_revenue_per_year"].source.kind == "missing"
    assert d["customer_revenue_per_year"].source.note.startswith("not assessed: needs")
    assert "--customer-revenue" in d["customer_revenue_per_year"].source.note
    assert d["customer_revenue_growth"].source.kind == "assumption"
    r = backlog(BacklogInputs(rpo=d["rpo"].value, schedule=d["schedule"].value,
                              customer_commitment=d["customer_commitment"].value,
                              customer_years=d["customer_years"].value,
                              customer_revenue_per_year=10e9))
    assert r.rpo_beyond_path == pytest.approx(460e9)  # 500 - (10 + 30)


def test_funding_gap_commitment_from_the_contract(tiny) -> None:
    d = defaults_for("funding-gap", tiny)
    # no annual-payment fact: the contract's amount over its years, 200 / 4 = 50 a year
    assert d["commitments_per_year"].value == pytest.approx(50e9)
    assert "a $200 billion contract" in d["commitments_per_year"].source.quote
    assert d["years"].value == 4


def test_capacity_price_from_the_chip_deal(tiny) -> None:
    d = defaults_for("capacity", tiny)
    # $30B / 500,000 = $60,000 an accelerator
    assert d["usd_per_accelerator_low"].value == pytest.approx(60_000)
    assert d["usd_per_accelerator_low"].source.ref == "oracle-nvidia-gb200-40b"
    # no per_gw deal named in this ledger: not assessed, never the articles' ratio
    assert d["accelerators_per_gw_low"].value is None and d["accelerators_per_gw_low"].source.kind == "missing"
    assert "analyses.capacity.per_gw" in d["accelerators_per_gw_low"].source.note


def test_no_ledger_gives_no_figure() -> None:
    from dealweb.metrics.common import NotAssessed

    for metric in METRICS:
        try:
            defaults = defaults_for(metric, None)
        except NotAssessed as exc:
            assert exc.needs and exc.how, metric
            continue
        for name, default in defaults.items():
            assert default.source.kind in ("missing", "assumption"), (metric, name)
            assert default.source.note, (metric, name)  # says why or what is needed
            if default.source.kind == "missing":
                assert default.value is None, (metric, name)


def test_up_to_means_its_upper_bound(tmp_path: Path) -> None:
    # "不超過20%" is 20%, not the middle of [0, 20]
    (tmp_path / "ledger.yaml").write_text("""
ledger: {name: t}
entities:
  - {id: bytedance, kind: company, names: {en: ByteDance}}
documents:
  - {id: n, title: Notes, language: zh-Hant, tier: secondary}
analyses:
  cap_table:
    - holder: bytedance
      from: {fact: bd-now}
      to: {fact: bd-planned}
facts:
  - id: bd-now
    entity: bytedance
    metric: stake_in_tiktok
    value: "100%"
    claims: [{document: n, stated: "100%", quote: "持有TikTok的100%的股份"}]
  - id: bd-planned
    entity: bytedance
    metric: stake_in_tiktok_us_planned
    value: {low: 0, high: 20, unit: "%", qualifier: up_to, text: "不超過20%"}
    claims: [{document: n, stated: "不超過20%", quote: "繼續持有TikTok不超過20%的股份"}]
""", encoding="utf-8")
    ledger = load_ledger(tmp_path).ledger
    d = defaults_for("cap-table", ledger)
    assert d["from_stake"].value == pytest.approx(1.0) and d["from_stake"].source.ref == "bd-now"
    assert d["to_stake"].value == pytest.approx(0.2) and d["to_stake"].source.ref == "bd-planned"
    assert "不超過20%" in d["to_stake"].source.note


def test_unknown_metric() -> None:
    with pytest.raises(InputError, match="unknown metric"):
        defaults_for("pe-ratio", None)


# ---- the bundled ledger: its own figures reproduced from its own inputs --------------------------------------
@pytest.fixture(scope="module")
def bundled():
    result = load_ledger("ai-capex-2025")
    assert not [p for p in result.problems if p.severity == "error"]
    return result.ledger


def test_bundled_defaults_all_have_sources(bundled) -> None:
    kinds = set()
    for metric in METRICS:
        for name, default in defaults_for(metric, bundled).items():
            if default.unit == "id":
                continue  # which firm the test looks at (the analyses record), not a figure
            kinds.add(default.source.kind)
            assert default.source.kind in ("ledger", "assumption"), (metric, name)
            if default.source.kind == "ledger":
                assert default.source.ref and default.source.quote, (metric, name)
    assert "ledger" in kinds


def test_bundled_breakeven_matches_the_reported_range(bundled) -> None:
    # the ledger holds the article's result "3200 億美元至 4800 億美元" as a fact; our formula with the ledger's
    # 3-5 year life and the documented assumptions ($400B, 25%) gives 320 at 5 years and 480 at 10/3 years
    reported = next(f for f in bundled.facts_for("ai-industry", "breakeven_revenue") if f.period == "2025")
    d = defaults_for("breakeven", bundled)
    lo = breakeven(BreakevenInputs(capex=d["capex"].value, life_years=5, margin=d["margin"].value))
    hi = breakeven(BreakevenInputs(capex=d["capex"].value, life_years=10 / 3, margin=d["margin"].value))
    assert lo.revenue_needed_per_year == pytest.approx(reported.value.low)
    assert hi.revenue_needed_per_year == pytest.approx(reported.value.high)
    # the default life is the middle of the ledger's "三到五年"
    assert d["life_years"].value == 4 and d["life_years"].source.kind == "ledger"
    # "10億美元左右" a month -> $12B a year
    assert d["revenue_per_year"].value == pytest.approx(12e9)


def test_bundled_funding_gap_is_six_times(bundled) -> None:
    d = defaults_for("funding-gap", bundled)
    r = funding_gap(FundingGapInputs(payer=d["payer"].value, commitments_per_year=d["commitments_per_year"].value,
                                     revenue_per_year=d["revenue_per_year"].value, years=int(d["years"].value),
                                     cash_available=d["cash_available"].value))
    ratio = fact_value(bundled, "openai", "oracle_payment_to_revenue_ratio", "x")
    assert ratio is not None
    assert r.commitment_multiple == pytest.approx(ratio[0])  # "相當於該公司目前年營收的 6 倍"


def test_bundled_backlog_is_eight_times(bundled) -> None:
    d = defaults_for("backlog", bundled)
    r = backlog(BacklogInputs(rpo=d["rpo"].value, schedule=d["schedule"].value, customer=None))
    reported = fact_value(bundled, d["entity"].value, "oci_revenue_growth_multiple", "x")
    assert reported is not None
    assert r.growth_multiple == pytest.approx(reported[0])  # "未來4年營收將增長8倍"
    assert r.path_total == pytest.approx(381e9)


def test_bundled_amplification_checks_itself(bundled) -> None:
    from dealweb.metrics.amplification import AmplificationInputs, amplification

    for entity, expected in (("oracle", 250 / 300), ("nvidia", 1.7)):
        d = defaults_for("amplification", bundled, entity=entity)
        r = amplification(AmplificationInputs(
            entity=entity, deal_size=d["deal_size"].value, market_cap_change=d["market_cap_change"].value,
            market_cap_after=d["market_cap_after"].value, price_change=d["price_change"].value,
            deal_years=d["deal_years"].value))
        assert r.amplification == pytest.approx(expected)
        # the same day's market value and move give the stated change to within 2%
        # (Oracle: 933 x 0.3595 / 1.3595 = 246.7 against "超過 2,500 億"; Nvidia: 4460 x 0.04 / 1.04 = 171.5)
        assert r.change_derived == pytest.approx(r.market_cap_change, rel=0.02)


def test_payer_commitments_lists_what_cannot_be_annualised(tiny) -> None:
    from dealweb.metrics.defaults import payer_commitments

    (c,) = payer_commitments(tiny, "openai")
    # $200B over 4 years = $50B a year
    assert (c.deal, c.payee, c.amount, c.years, c.per_year, c.included) == (
        "openai-oracle-cloud-300b", "oracle", 200e9, 4, 50e9, True)
    assert c.source.quote == "a $200 billion contract"
    (g,) = payer_commitments(tiny, "oracle")
    assert g.deal == "oracle-nvidia-gb200-40b" and not g.included and "no term" in g.reason
    assert payer_commitments(tiny, "nvidia") == ()


def test_all_commitments_flag(tiny, tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from dealweb.cli import main

    (tmp_path / "ledger.yaml").write_text(TINY, encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(main, ["metrics", "funding-gap", "--ledger", str(tmp_path), "--all-commitments", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["inputs"]["commitments_per_year"]["value"] == pytest.approx(50e9)
    assert data["inputs"]["commitments_per_year"]["source"]["ref"] == "openai-oracle-cloud-300b"
    assert [c["deal"] for c in data["commitments"]] == ["openai-oracle-cloud-300b"]
    bad = runner.invoke(main, ["metrics", "funding-gap", "--no-ledger", "--all-commitments"])
    assert bad.exit_code == 2 and "needs a ledger" in bad.output


def test_other_entities_get_no_article_figures(tiny) -> None:
    # Oracle as a payer has no services contract here: nothing is filled in from anywhere else
    d = defaults_for("funding-gap", tiny, payer="oracle")
    assert d["commitments_per_year"].value is None
    assert "--commitments" in d["commitments_per_year"].source.note
    assert d["cash_available"].value == 0.0 and d["cash_available"].source.kind == "assumption"
    b = defaults_for("backlog", tiny, entity="nvidia", customer="oracle")
    assert b["rpo"].value is None and b["schedule"].value is None
    assert b["rpo"].source.kind == "missing" and "--rpo" in b["rpo"].source.note
