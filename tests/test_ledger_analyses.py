"""The ledger's ``analyses`` section: read into ``Ledger.analyses``, bad input is a file:line error with a hint."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.three_firms import ANALYSES, write_three_firms

from dealweb.ledger import load_ledger


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEALWEB_NO_CACHE", "1")


def _errors(root: Path) -> list[str]:
    r = load_ledger(root)
    return [f"{os.path.basename(p.file)}:{p.line}: {p.message} (hint: {p.hint})" for p in r.problems
            if p.severity == "error"]


def test_three_firm_section_is_read(tmp_path: Path) -> None:
    r = load_ledger(write_three_firms(tmp_path, ANALYSES))
    assert not [p for p in r.problems if p.severity == "error"]
    a = r.ledger.analyses
    assert a is not None
    assert a.records("capacity")[0].deals == {"per_gw": ("alpha-gamma-chips",), "price": ("alpha-gamma-chips",)}
    (bl,) = a.records("backlog")
    assert bl.entities == {"entity": "alpha", "customer": "beta"}
    assert bl.figures["rpo"].kind == "fact" and bl.figures["rpo"].ref == "alpha-rpo"
    (bb,) = a.records("bubble")
    assert bb.entity_lists == {"firms": ("alpha",)}
    ref = bb.figures["reference_pe"]
    assert ref.kind == "assumption" and ref.value is not None and ref.value.point == 30.0
    assert ref.note == "a reference written for the test"
    assert a.records("cap_table") == ()


def test_no_section_is_none(tmp_path: Path) -> None:
    assert load_ledger(write_three_firms(tmp_path)).ledger.analyses is None


@pytest.mark.parametrize(("text", "line", "words", "hint"), [
    # a figure without a claim or an assumption label
    ("analyses:\n  breakeven:\n    margin: 0.25\n", 3, "without a claim or an 'assumption:' label", "assumption"),
    ("analyses:\n  breakeven:\n    margin: {value: 0.25}\n", 3, "without a claim or an 'assumption:' label",
     "assumption"),
    # wrong types
    ("analyses:\n  bubble:\n    firms: [alpha, 5]\n", 3, "must name entity ids, found a number", "entity id"),
    ("analyses:\n  breakeven:\n    capex: [1, 2]\n", 3, "must be a figure (a mapping), found a list", "fact"),
    ("analyses: [capacity]\n", 1, "must be a mapping of tests", "capacity"),
    # unknown entity, fact, deal, test, key
    ("analyses:\n  backlog:\n    - {entity: alpah}\n", 3, "unknown entity 'alpah'", "alpha"),
    ("analyses:\n  backlog:\n    - {entity: alpha, rpo: {fact: alpha-rp}}\n", 3, "unknown fact 'alpha-rp'",
     "alpha-rpo"),
    ("analyses:\n  capacity:\n    per_gw: [nope]\n", 3, "unknown deal 'nope'", "deals"),
    ("analyses:\n  bubbles:\n    firms: [alpha]\n", 2, "unknown test 'bubbles'", "bubble"),
    ("analyses:\n  bubble:\n    firms: [alpha]\n    refrence_pe: {value: 3, assumption: x}\n", 4,
     "unknown key 'refrence_pe'", "reference_pe"),
    ("analyses:\n  funding_gap:\n    - {revenue: {fact: beta-revenue-2025}}\n", 3, "has no 'payer'", "payer"),
    ("analyses:\n  funding_gap:\n    - {payer: beta, years: {deal: beta-alpha-cloud, field: price}}\n", 3,
     "not a deal field", "term_years"),
])
def test_bad_section_is_a_file_line_error(tmp_path: Path, text: str, line: int, words: str, hint: str) -> None:
    errs = _errors(write_three_firms(tmp_path, text))
    assert len(errs) == 1, errs
    assert errs[0].startswith(f"analyses.yaml:{line}: "), errs
    assert words in errs[0] and hint in errs[0].split("(hint:")[1], errs


def test_bundled_ledgers_name_their_tests() -> None:
    for name in ("ai-capex-2025", "ai-deals-2025-26"):
        r = load_ledger(name)
        assert not [p for p in r.problems if p.severity == "error"]
        a = r.ledger.analyses
        assert a is not None
        assert set(a.tests) == {"capacity", "breakeven", "backlog", "funding_gap", "amplification", "cap_table",
                                "bubble"}
        # the bubble reference is a labelled assumption from outside the sentence under test
        ref = a.records("bubble")[0].figures["reference_pe"]
        assert ref.kind == "assumption" and "outside the" in ref.note
