"""A small three-firm ledger written here, for the analyses tests (no bundled figure in it)."""

from __future__ import annotations

from pathlib import Path

LEDGER = """\
ledger:
  name: three-firms
  window: {start: 2026-01-01}
entities:
  - {id: alpha, kind: company, names: {en: Alpha Cloud}}
  - {id: beta, kind: company, names: {en: Beta Labs}}
  - {id: gamma, kind: company, names: {en: Gamma Chips}}
documents:
  - {id: memo, title: "Board memo", date: 2026-01-15, file: memo.txt}
deals:
  - id: beta-alpha-cloud
    type: compute_contract
    from: beta
    to: alpha
    amount: 100億美元
    announced: 2026-01-10
    term: {start: 2026-01-01, years: 4}
    schedule: flat
    status: signed
    claims:
      - {document: memo, field: amount, quote: "Beta will pay Alpha $10 billion over four years", start: 12, end: 59}
  - id: alpha-gamma-chips
    type: chip_purchase
    from: alpha
    to: gamma
    amount: 40億美元
    quantity: 4萬顆
    capacity_gw: 0.2
    announced: 2026-01-12
    term: {start: 2026-01-01, years: 2}
    schedule: flat
    status: signed
    claims:
      - {document: memo, field: amount, quote: "Alpha buys 40,000 chips from Gamma for $4 billion", start: 61, end: 110}
facts:
  - id: beta-revenue-2025
    entity: beta
    metric: revenue_annual
    value: 20億美元
    period: "2025"
    claims:
      - {document: memo, quote: "Beta's revenue was $2 billion in 2025", start: 112, end: 149}
  - id: alpha-rpo
    entity: alpha
    metric: rpo
    value: 120億美元
    as_of: 2026-01-15
    claims:
      - {document: memo, quote: "Alpha's backlog stands at $12 billion", start: 151, end: 188}
"""

MEMO = (
    'Board memo. '
    'Beta will pay Alpha $10 billion over four years. '
    'Alpha buys 40,000 chips from Gamma for $4 billion. '
    "Beta's revenue was $2 billion in 2025. "
    "Alpha's backlog stands at $12 billion.\n"
)

#: Alpha (cloud) sells Beta (lab) $10B over 4 years; Alpha buys 40,000 chips (0.2 GW) from Gamma for $4B;
#: Beta's 2025 revenue $2B; Alpha's backlog $12B.
ANALYSES = """
analyses:
  capacity:
    per_gw: [alpha-gamma-chips]
    price: [alpha-gamma-chips]
  backlog:
    - {entity: alpha, customer: beta, rpo: {fact: alpha-rpo}}
  funding_gap:
    - payer: beta
      revenue: {fact: beta-revenue-2025}
  bubble:
    firms: [alpha]
    reference_pe: {value: 30, unit: x, assumption: "a reference written for the test"}
"""


def write_three_firms(root: Path, analyses: str | None = None) -> Path:
    """The three-firm ledger in ``root`` (``analyses``: the text of an ``analyses.yaml``, none when None)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "ledger.yaml").write_text(LEDGER, encoding="utf-8")
    (root / "memo.txt").write_text(MEMO, encoding="utf-8")
    if analyses is not None:
        (root / "analyses.yaml").write_text(analyses, encoding="utf-8")
    return root
