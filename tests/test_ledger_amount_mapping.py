"""Amounts written as mappings keep the meaning of their qualifier (the figure written is the bound)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dealweb.ledger import load_ledger

LEDGER = """\
entities:
  - {id: a, names: {en: A}}
  - {id: b, names: {en: B}}
facts:
  - id: f
    entity: a
    metric: stake
    value: {low: 0, high: 20, unit: "%", qualifier: {q}}
"""


@pytest.mark.parametrize(
    ("qualifier", "high", "nominal", "label"),
    [
        # "不超過20%": at most 20 %, the figure written is 20, not the middle 10
        ("up_to", "high: 20", 20.0, "up to 20%"),
        ("range", "high: 20", 10.0, "0%–20%"),
    ],
)
def test_mapping_nominal_follows_qualifier(tmp_path: Path, qualifier: str, high: str, nominal: float,
                                            label: str) -> None:
    (tmp_path / "l.yaml").write_text(LEDGER.replace("{q}", qualifier), encoding="utf-8")
    result = load_ledger(tmp_path, cache=False)
    assert [p for p in result.problems if p.severity == "error"] == []
    amount = result.ledger.facts["f"].value
    assert amount is not None
    assert amount.point == nominal
    assert amount.label() == label


def test_mapping_at_least_nominal_is_the_lower_bound(tmp_path: Path) -> None:
    text = LEDGER.replace("{low: 0, high: 20, unit: \"%\", qualifier: {q}}",
                          "{low: 2000000, unit: units, qualifier: at_least}")
    (tmp_path / "l.yaml").write_text(text, encoding="utf-8")
    amount = load_ledger(tmp_path, cache=False).ledger.facts["f"].value
    assert amount is not None and amount.high is None
    assert amount.point == 2_000_000
