"""A small hand-built ledger shared by the faces' tests (report and web app).

The figures imitate the 2025 AI build-out but are typed here by hand; tests compare what the faces show
against these literals, never against the faces' own output.
"""

from __future__ import annotations

from datetime import date

from dealweb.model import Claim, Deal, Document, Entity, EntityKind, Event, Fact, Ledger, Status
from dealweb.money import parse_amount

QUOTE_NVDA = "輝達將向OpenAI投資最高1000億美元"
QUOTE_ORCL = "OpenAI與甲骨文簽署價值3000億美元的算力合約"
QUOTE_AMD = "AMD向OpenAI發行最多1.6億股認股權證"


def small_ledger(evil: str = "") -> Ledger:
    """Six firms, five deals forming the OpenAI -> Oracle -> Nvidia -> OpenAI loop and more.

    ``evil`` is appended to one entity name and one quote, to test escaping.
    """
    ents = {
        "openai": Entity("openai", {"en": "OpenAI" + evil, "zh-Hant": "OpenAI"}),
        "oracle": Entity("oracle", {"en": "Oracle", "zh-Hant": "甲骨文"}),
        "nvidia": Entity("nvidia", {"en": "Nvidia", "zh-Hant": "輝達", "zh-Hans": "英伟达"}),
        "amd": Entity("amd", {"en": "AMD", "zh-Hant": "超微"}),
        "coreweave": Entity("coreweave", {"en": "CoreWeave"}),
        "softbank": Entity("softbank", {"en": "SoftBank", "zh-Hant": "軟銀"}, kind=EntityKind.FUND),
    }
    docs = {
        "doc-a": Document("doc-a", "AI行情到了第幾層?", outlet="遠川研究所", date=date(2025, 10, 14),
                          language="zh-Hant"),
        "doc-b": Document("doc-b", "The loop", outlet="Example Daily", date=date(2025, 9, 24)),
    }
    deals = {
        "nvidia-openai-invest": Deal(
            "nvidia-openai-invest", "equity_investment", "nvidia", "openai",
            amount=parse_amount("最高1000億美元"), capacity_gw=10, announced=date(2025, 9, 22),
            status=Status.LETTER_OF_INTENT, title="Nvidia to invest up to $100B in OpenAI",
            claims=(Claim("doc-a", QUOTE_NVDA + evil, 10, 25, stated="最高1000億美元",
                          amount=parse_amount("最高1000億美元")),)),
        "openai-oracle-cloud": Deal(
            "openai-oracle-cloud", "compute_contract", "openai", "oracle",
            amount=parse_amount("3000億美元"), announced=date(2025, 9, 10), status=Status.SIGNED,
            title="OpenAI buys $300B of Oracle cloud",
            claims=(Claim("doc-a", QUOTE_ORCL, 40, 62, stated="3000億美元", amount=parse_amount("3000億美元")),
                    Claim("doc-b", "a $30 billion cloud deal", 5, 29, stated="$30 billion",
                          amount=parse_amount("$30 billion"), flag="unit_slip"))),
        "oracle-nvidia-chips": Deal(
            "oracle-nvidia-chips", "chip_purchase", "oracle", "nvidia", amount=parse_amount("約400億美元"),
            announced=date(2025, 5, 23), status=Status.ANNOUNCED, title="Oracle orders Nvidia GB200s"),
        "amd-openai-warrant": Deal(
            "amd-openai-warrant", "warrant", "amd", "openai", quantity=parse_amount("1.6億股"),
            capacity_gw=6, announced=date(2025, 10, 6), status=Status.SIGNED, title="AMD warrants to OpenAI",
            claims=(Claim("doc-a", QUOTE_AMD, 70, 90, field="quantity", stated="1.6億股"),)),
        "openai-coreweave": Deal(
            "openai-coreweave", "compute_contract", "openai", "coreweave", amount=parse_amount("224億美元"),
            announced=date(2025, 3, 10), status=Status.CANCELLED, title="OpenAI compute from CoreWeave",
            events=(Event(date(2025, 3, 10), Status.SIGNED), Event(date(2025, 11, 1), Status.CANCELLED))),
        "softbank-openai": Deal(
            "softbank-openai", "equity_investment", "softbank", "openai", amount=parse_amount("300億美元"),
            announced=date(2025, 3, 31), status=Status.SIGNED, title="SoftBank invests in OpenAI"),
    }
    facts = {
        "nvidia-mcap": Fact("nvidia-mcap", "nvidia", "market_cap", parse_amount("4.5兆美元"),
                            as_of=date(2025, 10, 1),
                            claims=(Claim("doc-a", "輝達市值4.5兆美元", 100, 110, field="value"),)),
        "oracle-mcap": Fact("oracle-mcap", "oracle", "market_cap", parse_amount("9000億美元"),
                            as_of=date(2025, 9, 11)),
        "amd-mcap": Fact("amd-mcap", "amd", "market_cap", parse_amount("2700億美元"), as_of=date(2025, 10, 6)),
        "oracle-rpo": Fact("oracle-rpo", "oracle", "rpo", parse_amount("4550億美元"), period="FY2026 Q1",
                           as_of=date(2025, 8, 31)),
    }
    return Ledger(name="small-test", entities=ents, documents=docs, deals=deals, facts=facts)


#: A three-firm ledger in the YAML format (docs/ledger-format.md), for tests that go through the loader.
LEDGER_YAML = """\
ledger:
  name: tiny
entities:
  - {id: nvidia, kind: company, names: {en: Nvidia, zh-Hant: 輝達}}
  - {id: openai, kind: company, names: {en: OpenAI}}
  - {id: oracle, kind: company, names: {en: Oracle, zh-Hant: 甲骨文}}
documents:
  - {id: d1, title: The loop, outlet: Example Daily, date: 2025-10-01, language: en, tier: major_press}
deals:
  - id: nv-oa
    type: equity_investment
    from: nvidia
    to: openai
    amount: up to $100 billion
    announced: 2025-09-22
    status: letter_of_intent
    claims:
      - {document: d1, field: amount, stated: up to $100 billion, quote: "Nvidia will invest up to $100 billion"}
  - {id: oa-or, type: compute_contract, from: openai, to: oracle, amount: $300 billion, announced: 2025-09-10,
     status: signed}
  - {id: or-nv, type: chip_purchase, from: oracle, to: nvidia, amount: about $40 billion, announced: 2025-05-23,
     status: announced}
facts:
  - {id: nv-mcap, entity: nvidia, metric: market_cap, value: $4.5 trillion, as_of: 2025-10-01}
"""
