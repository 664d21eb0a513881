"""Relations on single sentences whose answers are known by reading them (zh-Hant, zh-Hans, en)."""

from __future__ import annotations

import pytest

from dealweb.extract.ingest import ingest_text


def _deals(text: str) -> list[tuple[str, str, str]]:
    return [(c["from"]["id"], c["to"]["id"], c["type"]) for c in ingest_text(text) if c["kind"] == "deal"]


@pytest.mark.parametrize(("text", "expected"), [
    # the chain in one sentence: three deals, each from its own clause
    ("OpenAI宣佈投資1000億美元購買Oracle的雲端運算服務,轉頭Oracle就宣佈投資1000億美元買輝達的顯示卡,"
     "然後輝達就宣佈向OpenAI投資1000億美元建設10吉瓦的AI資料中心。",
     [("openai", "oracle", "compute_contract"), ("oracle", "nvidia", "chip_purchase"),
      ("nvidia", "openai", "equity_investment")]),
    # passive: the subject receives
    ("xAI獲得輝達20億美元投資。", [("nvidia", "xai", "equity_investment")]),
    ("OpenAI从微软获得了130亿美元的投资。", [("microsoft", "openai", "equity_investment")]),
    ("CoreWeave raised $2 billion of debt from Blackstone.", [("blackstone", "coreweave", "debt_financing")]),
    # the seller named first: who sells what orients it
    ("Oracle signed a $30 billion cloud contract with OpenAI.", [("openai", "oracle", "compute_contract")]),
    ("微軟與博通簽署定製晶片合作協議,總額最高達50億美元。", [("microsoft", "broadcom", "custom_chip_partnership")]),
    # a warrant: issuer -> holder
    ("AMD granted OpenAI warrants for up to 160 million shares.", [("amd", "openai", "warrant")]),
    # a loan: lender -> borrower
    ("軟銀已向OpenAI貸款80億美元。", [("softbank", "openai", "debt_financing")]),
    # guards: a condition, a question, a hedge, a stake sold to no one named
    ("如果AMD股價達到600美元,OpenAI持有的股份價值960億美元。", []),
    ("輝達會向OpenAI投資1000億美元嗎?", []),
    ("輝達可能向OpenAI投資1000億美元。", []),
    ("SoftBank sold its entire stake in Nvidia for $5.8 billion.", []),
])
def test_deals_read_by_hand(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert _deals(text) == expected


def test_date_term_and_conditions() -> None:
    text = "OpenAI與甲骨文於2025年9月10日簽署為期五年、總價值3000億美元的算力採購協議,在滿足交付條件的情況下分期付款。"
    (c,) = ingest_text(text)
    assert (c["date"], c["term_years"]) == ("2025-09-10", 5.0)
    assert [x["text"] for x in c["conditions"]] == ["在滿足交付條件的情況下分期付款"]
    for x in c["conditions"]:
        assert text[x["start"]:x["end"]] == x["text"]
    en = ("On September 22, 2025, Nvidia agreed to invest up to $100 billion in OpenAI over ten years, "
          "subject to approval.")
    (c,) = ingest_text(en)
    assert (c["date"], c["term_years"], c["conditions"][0]["text"]) == ("2025-09-22", 10.0, "subject to approval")


def test_capacity_joins_its_deal_and_units_become_quantity() -> None:
    (c,) = ingest_text("輝達宣佈向OpenAI投資1000億美元,建設10吉瓦的AI資料中心。")
    assert c["capacity_gw"] == 10.0 and c["amount"]["high"] == 1e11
    (c,) = ingest_text("甲骨文已向輝達訂購了約400,000顆GB200晶片,總價值約400億美元。")
    # about 400,000 chips: [360,000, 440,000]; about 400億美元: [3.6e10, 4.4e10]
    assert c["quantity"]["low"] == pytest.approx(360_000) and c["amount"]["low"] == pytest.approx(3.6e10)


def test_facts_with_periods() -> None:
    text = ("Oracle 26財年Q1業績:季度總收入為149億美元,剩餘履約義務(RPO)達4550億美元。"
            "甲骨文2026財年資本支出預計為350億美元,相較上一財年的250億美元大幅增加。")
    got = [(c["entity"]["id"], c["metric"], c["value"]["text"], c["period"]) for c in ingest_text(text)]
    assert got == [("oracle", "revenue", "149億美元", "FY2026 Q1"), ("oracle", "rpo", "4550億美元", "FY2026 Q1"),
                   ("oracle", "capex_guidance", "350億美元", "FY2026"), ("oracle", "capex", "250億美元", "FY2025")]


@pytest.mark.parametrize(("text", "metric", "value"), [
    # a fall is written without its sign; the metric must carry it (read by hand)
    ("輝達在2025年1月27當晚跌幅達到了16.97%。", "share_price_decline", "16.97%"),
    ("Oracle shares fell 4% on Tuesday.", "share_price_decline", "4%"),
    ("特斯拉股價下跌4.5%。", "share_price_decline", "4.5%"),
    # a rise stays a change
    ("甲骨文股價暴漲36%。", "share_price_change", "36%"),
    ("Nvidia shares rose 2.1%.", "share_price_change", "2.1%"),
])
def test_share_price_falls_are_declines_not_rises(text: str, metric: str, value: str) -> None:
    got = [(c["metric"], c["value"]["text"]) for c in ingest_text(text) if c["kind"] == "fact"]
    assert got == [(metric, value)]


def test_seed_crash_matches_the_ledgers_decline() -> None:
    from dealweb.ledger import load_ledger

    ledger = load_ledger().ledger
    text = "而這種擔憂的持續發酵也讓輝達在2025年1月27當晚跌幅達到了16.97%。"
    (claim,) = [c for c in ingest_text(text, ledger=ledger) if c["kind"] == "fact"]
    # the bundled ledger records this fall as nvidia-share-drop-2025-01-27, metric share_price_decline
    assert claim["metric"] == "share_price_decline" and claim["record"] == "nvidia-share-drop-2025-01-27"
    assert claim["status"] in {"matches", "adds_source"}
