"""``consideration: cash | stock | mixed``: what a deal is paid in (analyst finding 2).

A deal paid in shares (an all-stock merger) is value, not money: the flows table marks its rows ``cash=False``
as it does a warrant's, and "who pays" does not trace it as money paid. Broken values get file, line, column,
field and a hint.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dealweb.flows import build_flows
from dealweb.graph import snapshot, trace
from dealweb.ledger import ledger_from_dict, ledger_to_dict, load_ledger

HEAD = """\
ledger:
  name: tiny
entities:
  - id: spaceco
    names: {en: SpaceCo}
  - id: aico
    names: {en: AICo}
  - id: fund
    names: {en: Fund}
    kind: fund
deals:
  - id: merger
    type: acquisition_stake
    from: spaceco
    to: aico
    amount: $250 billion
"""  # "deals:" is line 11, the merger's record line 12, its 'amount' line 16; the next line is 17

FUND = """\
  - id: round
    type: equity_investment
    from: fund
    to: aico
    amount: $20 billion
"""


def _load(tmp_path: Path, text: str):  # noqa: ANN202
    root = tmp_path / "led"
    root.mkdir()
    (root / "a.yaml").write_text(text, encoding="utf-8")
    return load_ledger(root, cache=False)


def test_head_lines() -> None:
    assert HEAD.splitlines()[15] == "    amount: $250 billion"


@pytest.mark.parametrize(("value", "fragment", "hint"), [
    ("shares", "unknown consideration 'shares'", "cash, stock, mixed"),
    ("Stock", "unknown consideration 'Stock'", "stock"),
])
def test_unknown_consideration_is_an_error_at_its_line(tmp_path: Path, value: str, fragment: str, hint: str) -> None:
    res = _load(tmp_path, HEAD + f"    consideration: {value}\n")
    hits = [p for p in res.errors if fragment in p.message]
    assert hits, [str(p) for p in res.problems]
    p = hits[0]
    assert (p.line, p.col) == (17, 20) and p.file.endswith("a.yaml") and p.field == "consideration"
    assert hint in p.hint


def test_consideration_on_a_warrant_is_an_error(tmp_path: Path) -> None:
    text = HEAD.replace("type: acquisition_stake", "type: warrant") + "    consideration: stock\n"
    res = _load(tmp_path, text)
    hits = [p for p in res.errors if "has a consideration" in p.message]
    assert hits and (hits[0].line, hits[0].col) == (17, 20) and "warrant" in hits[0].hint


def test_stock_consideration_is_not_money(tmp_path: Path) -> None:
    res = _load(tmp_path, HEAD + "    consideration: stock\n" + FUND)
    assert not res.errors, [str(p) for p in res.errors]
    led = res.ledger
    assert led.deals["merger"].consideration == "stock" and led.deals["round"].consideration == ""
    fl = build_flows(led)
    rec = {r["deal"]: r for r in fl.records()}
    assert rec["merger"]["cash"] is False and rec["round"]["cash"] is True
    assert "paid in shares" in rec["merger"]["assumed"]
    assert "paid in shares" in fl.assumptions["merger"][0]
    # who pays aico: $20B of money, all from the fund; the $250B in shares is apart, not traced
    t = trace(snapshot(led), "aico")
    assert t.inflow == pytest.approx(20e9)
    assert dict(t.origins) == pytest.approx({"fund": 1.0})
    assert t.non_cash == (("spaceco", "merger", 250e9, "firm"),)
    # the JSON round trip keeps it
    back = ledger_from_dict(ledger_to_dict(led))
    assert back.deals["merger"].consideration == "stock"


def test_mixed_consideration_counts_as_money_and_says_so(tmp_path: Path) -> None:
    res = _load(tmp_path, HEAD + "    consideration: mixed\n")
    assert not res.errors
    rec = next(build_flows(res.ledger).records())
    assert rec["cash"] is True and "split not stated" in rec["assumed"]
    assert trace(snapshot(res.ledger), "aico").inflow == pytest.approx(250e9)


def test_bundled_all_stock_merger_is_not_cash() -> None:
    """The current web's SpaceX-xAI merger is stock for stock: no $250B of cash reaches xAI."""
    from dealweb.data import bundled_ledgers

    led = load_ledger(bundled_ledgers()["ai-deals-2025-26"]).ledger
    deal = led.deals["spacex-xai-merger"]
    assert deal.consideration == "stock"
    assert any(c.field == "consideration" and "stock-for-stock merger" in c.quote for c in deal.claims)
    rows = [r for r in build_flows(led).records() if r["deal"] == "spacex-xai-merger"]
    assert rows and not any(r["cash"] for r in rows)
