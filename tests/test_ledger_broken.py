"""A corpus of broken ledgers: each case is the YAML, the message fragment and the exact line:col expected.

Positions are 1-based and counted by hand from the YAML text of each case (the first line after the
opening quotes is line 1).
"""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from dealweb.errors import InputError
from dealweb.ledger import load_ledger, vocab

DOC = "#Header\nTitle line\n上個月,OpenAI宣佈投資1,000億美元購買Oracle的雲端運算服務。軟銀投資180億美元。\n"
# offsets into DOC (checked in test_doc_offsets): the OpenAI sentence and the SoftBank figure
Q1 = "OpenAI宣佈投資1,000億美元購買Oracle的雲端運算服務"
Q1_START = 23  # len("#Header\n") + len("Title line\n") + len("上個月,") = 8 + 11 + 4
Q2 = "軟銀投資180億美元"
Q2_START = Q1_START + len(Q1) + 1  # after the full-width stop "。"

HEAD = """\
ledger:
  name: tiny
  documents_dirs: [texts]
entities:
  - id: openai
    names: {en: OpenAI}
  - id: oracle
    names: {en: Oracle, zh-Hant: 甲骨文}
    aliases: [ORCL]
documents:
  - id: d1
    title: Title line
    file: doc.txt
"""
# HEAD is 13 lines; case bodies start on line 14.


def _deal(extra: str = "", amount: str = "1000億美元", claim: str | None = None) -> str:
    claim = claim if claim is not None else (
        f"      - {{document: d1, stated: 1000億美元, quote: \"{Q1}\", start: {Q1_START}, "
        f"end: {Q1_START + len(Q1)}}}\n")
    return HEAD + textwrap.dedent("""\
    deals:
      - id: oai-orcl
        type: compute_contract
        from: openai
        to: oracle
        amount: {amount}
    {extra}    claims:
    """).format(amount=amount, extra=extra) + claim


def test_doc_offsets() -> None:
    assert DOC[Q1_START:Q1_START + len(Q1)] == Q1
    assert DOC[Q2_START:Q2_START + len(Q2)] == Q2


def _write(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "ledger"
    root.mkdir(parents=True)
    (root / "texts").mkdir()
    (root / "texts" / "doc.txt").write_text(DOC, encoding="utf-8")
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_valid_base_ledger_is_clean(tmp_path: Path) -> None:
    result = load_ledger(_write(tmp_path, {"a.yaml": _deal()}))
    assert [str(p) for p in result.problems] == []
    deal = result.ledger.deals["oai-orcl"]
    assert deal.amount is not None and deal.amount.low == 1e11  # 1000 x 1e8
    assert deal.claims[0].start == Q1_START
    assert deal.pos is not None and deal.pos.line == 15  # "- id: oai-orcl" on line 15, "id" at col 5
    assert deal.pos.col == 5


# (case, files, fragment, line, col) -- line/col counted by hand (the column of the offending value, or of
# the key for unknown keys; for the long flow-style lines, by str.index on the line: see the comments).
CASES = [
    ("malformed-yaml", {"a.yaml": "deals:\n  - id: x\n    type: [a, b\n"},
     "malformed YAML", 4, 1),
    ("unknown-section", {"a.yaml": HEAD + "dealz:\n  - id: x\n"}, "unknown section 'dealz'", 14, 1),
    ("unknown-key", {"a.yaml": _deal(extra="    ammount: 5\n")}, "unknown key 'ammount' in deal", 20, 5),
    ("missing-type", {"a.yaml": HEAD + "deals:\n  - id: x\n    from: openai\n    to: oracle\n"},
     "deal has no 'type'", 15, 5),
    ("wrong-type-start", {"a.yaml": _deal(claim="      - {document: d1, quote: x, start: abc, end: 5}\n")},
     "'start' must be a whole number", 21, 41),
    ("unknown-entity", {"a.yaml": _deal().replace("to: oracle", "to: oracel")},
     "unknown entity 'oracel' in 'to'", 18, 9),
    ("entity-by-name", {"a.yaml": _deal().replace("to: oracle", "to: ORCL")},
     "'to' 'ORCL' is a name, not an entity id", 18, 9),
    ("duplicate-id", {"a.yaml": HEAD.replace("  - id: oracle", "  - id: openai")},
     "duplicate entity id 'openai'", 7, 9),
    ("negative-amount", {"a.yaml": _deal(amount="-5")}, "negative amount", 19, 13),
    ("inverted-amount", {"a.yaml": _deal(amount="{low: 5.0e10, high: 4.0e10, currency: USD}")},
     "inverted amount", 19, 33),
    ("unknown-currency-map", {"a.yaml": _deal(amount="{low: 5.0e10, currency: XYZ}")},
     "unknown currency 'XYZ'", 19, 37),
    ("unknown-currency-text", {"a.yaml": _deal(amount="100億泰銖")},
     "unknown currency or unit '泰銖'", 19, 13),
    ("impossible-date", {"a.yaml": _deal(extra="    announced: 2025-02-30\n")},
     "impossible date 2025-02-30: February 2025 has 28 days", 20, 16),
    ("unknown-deal-type", {"a.yaml": _deal().replace("type: compute_contract", "type: compute")},
     "unknown deal type 'compute'", 16, 11),
    ("unknown-status", {"a.yaml": _deal(extra="    status: singed\n")}, "unknown deal status 'singed'", 20, 13),
    ("unknown-tier", {"a.yaml": HEAD + "    tier: blog\n"}, "unknown evidence tier 'blog'", 14, 11),
    ("unknown-kind", {"a.yaml": HEAD.replace("  - id: oracle\n", "  - id: oracle\n    kind: firm\n")},
     "unknown entity kind 'firm'", 8, 11),
    ("quote-elsewhere", {"a.yaml": _deal(claim=f"      - {{document: d1, quote: \"{Q2}\", start: 3, end: 13}}\n")},
     f"it stands at {Q2_START}..{Q2_START + len(Q2)}", 21, 52),
    ("quote-missing", {"a.yaml": _deal(claim="      - {document: d1, quote: 軟銀投資99億美元}\n")},
     "quote not found in document 'd1'", 21, 31),
    ("stated-not-in-quote", {"a.yaml": _deal(claim=f"      - {{document: d1, stated: 18億美元, quote: \"{Q2}\", "
                                                   f"start: {Q2_START}, end: {Q2_START + len(Q2)}}}\n")},
     "stated figure '18億美元' does not appear in its quote", 21, 32),
    ("unknown-document", {"a.yaml": _deal(claim="      - {document: d2, quote: x}\n")},
     "claim cites unknown document 'd2'", 21, 20),
    ("empty-file", {"a.yaml": _deal(), "b.yaml": "# nothing here\n"}, "empty file", 1, 1),
    ("not-a-mapping", {"a.yaml": "- just\n- a list\n"}, "must be a mapping of sections", 1, 1),
    ("section-not-list", {"a.yaml": "deals: hello\n"}, "section 'deals' must be a list", 1, 1),
    ("bad-period", {"a.yaml": HEAD + "facts:\n  - {id: f, entity: oracle, metric: rpo, value: 4550億美元, "
                                     "period: FY26 Q5}\n"}, "cannot read period 'FY26 Q5'", 15, 66),
    ("bad-fiscal-year-end", {"a.yaml": HEAD.replace("    aliases: [ORCL]\n", "    fiscal_year_end: 02-30\n")},
     "fiscal_year_end '02-30' is not a day of the year", 9, 22),
    ("deal-amount-not-money", {"a.yaml": _deal(amount="1.6億股")}, "'amount' must be money", 19, 13),
    ("amount-no-currency", {"a.yaml": _deal(amount="5000")}, "has no currency", 19, 13),
    ("span-length", {"a.yaml": _deal(claim=f"      - {{document: d1, quote: \"{Q1}\", start: {Q1_START}, "
                                           f"end: {Q1_START + 5}}}\n")},
     "is 5 characters but the quote is 33", 21, 84),  # the value of 'end', col 84 by str.index
    ("duplicate-key", {"a.yaml": "deals:\n  - id: x\n    id: y\n"}, "duplicate key", 3, 5),
    ("tab-indent", {"a.yaml": "entities:\n\t- {id: x}\n"}, "found character '\\t'", 2, 1),
    ("two-documents", {"a.yaml": "entities: []\n---\ndeals: []\n"}, "expected a single document", 2, 1),
    ("document-range-past-end", {"a.yaml": HEAD + "    start: 0\n    end: 500\n"},
     "document range end 500 is past the end", 15, 10),
    ("not-utf8", {"a.yaml": "deals: \xff\n"}, "", 1, 8),
]


@pytest.mark.parametrize("case,files,fragment,line,col", CASES, ids=[c[0] for c in CASES])
def test_broken_ledger(tmp_path: Path, case: str, files: dict[str, str], fragment: str, line: int,
                       col: int) -> None:
    root = _write(tmp_path, {k: v for k, v in files.items() if case != "not-utf8"})
    if case == "not-utf8":
        (root / "a.yaml").write_bytes(b"deals: \xff\n")
        fragment = "not UTF-8"
    result = load_ledger(root)
    errors = [p for p in result.problems if p.severity == "error"]
    hits = [p for p in errors if fragment in p.message]
    assert hits, f"{case}: no error containing {fragment!r}; got {[str(p) for p in result.problems]}"
    assert (hits[0].line, hits[0].col) == (line, col), str(hits[0])
    assert hits[0].hint, f"{case}: the problem has no hint"


def test_suggestions(tmp_path: Path) -> None:
    result = load_ledger(_write(tmp_path, {"a.yaml": _deal(extra="    ammount: 5\n").replace("to: oracle",
                                                                                             "to: oracel")}))
    hints = {p.message.split(" in ")[0]: p.hint for p in result.errors}
    assert "'amount'" in hints["unknown key 'ammount'"]
    assert "'oracle'" in hints["unknown entity 'oracel'"]
    result = load_ledger(_write(tmp_path / "b", {"a.yaml": _deal().replace("compute_contract", "compute")}))
    hint = result.errors[0].hint
    for word in ("compute_contract", "equity_investment", "warrant", "data_hosting"):
        assert word in hint  # the vocabulary is listed


def test_duplicate_names_first_place(tmp_path: Path) -> None:
    result = load_ledger(_write(tmp_path, {"a.yaml": HEAD, "b.yaml": "entities:\n  - {id: oracle, names: {en: O}}\n"}))
    (p,) = result.errors
    assert p.file.endswith("b.yaml") and (p.line, p.col) == (2, 10)
    assert "a.yaml:7:5" in p.hint  # the first definition: "- id: oracle" on line 7 of a.yaml


def test_no_ledger_paths(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (p,) = load_ledger(empty).problems
    assert "no ledger here" in p.message
    with pytest.raises(InputError):
        load_ledger(tmp_path / "missing")
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.yaml").write_text("foo: 1\n", encoding="utf-8")
    msgs = [p.message for p in load_ledger(other).problems]
    assert any("unknown section 'foo'" in m for m in msgs)


def test_missing_document_file_warns(tmp_path: Path) -> None:
    result = load_ledger(_write(tmp_path, {"a.yaml": _deal().replace("file: doc.txt", "file: doc2.txt")}))
    assert result.ok
    (w,) = result.warnings
    assert "document file 'doc2.txt' is not in" in w.message and (w.line, w.col) == (13, 11)


def test_warnings_do_not_count_as_errors(tmp_path: Path) -> None:
    text = _deal(claim="") .replace("    claims:\n", "") + "fx: []\n"
    text = text.replace("amount: 1000億美元", "amount: 10兆日元")
    result = load_ledger(_write(tmp_path, {"a.yaml": text}))
    assert result.ok
    msgs = sorted(p.message for p in result.warnings)
    assert any("has no USD conversion" in m for m in msgs)
    assert any("has no claim" in m for m in msgs)


# --- structured garbage: right section and key names, wrong shapes and values ---------------------------
_KEYS = sorted(vocab.DEAL_KEYS | vocab.FACT_KEYS | vocab.CLAIM_KEYS | vocab.ENTITY_KEYS | vocab.DOCUMENT_KEYS
               | vocab.AMOUNT_KEYS | vocab.FLOW_KEYS | vocab.EVENT_KEYS | {"bogus"})
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["openai", "oracle", "d1", "2025-02-30", "2025-09-10", "1000億美元", "最高1000億", "-5",
                     "數百億美元", "FY2026 Q1", "signed", "compute_contract", "10兆日元（約650億美元）", "05-31",
                     "1.6億股", "joke", "", "x" * 3]),
    st.text(max_size=12),
)
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(_KEYS), inner, max_size=5)), max_leaves=20)
_RECORD = st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=8)
_FILE = st.dictionaries(st.sampled_from([*vocab.SECTIONS, "bogus"]),
                        st.one_of(st.lists(_RECORD, max_size=3), _VALUES), max_size=4)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_FILE)
def test_structured_garbage_never_crashes(tmp_path: Path, data: dict) -> None:
    root = _write(Path(tempfile.mkdtemp(dir=tmp_path)), {"a.yaml": HEAD})
    yaml = YAML(typ="safe", pure=True)
    with (root / "b.yaml").open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    result = load_ledger(root)
    internal = [str(p) for p in result.problems if "internal error" in p.message]
    assert internal == []
    assert all(p.line >= 1 and p.col >= 1 and p.message for p in result.problems)
