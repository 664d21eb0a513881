"""Limits on input (issue 17): special files refused by type, size/depth/record/text caps, files that parse
to nothing, numbers out of range, and the near-linear repeat check (checked against the pairwise oracle)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.ledger import load_ledger
from dealweb.ledger.load import _repeats
from dealweb.limits import LimitError, Limits, check_tree, read_regular
from dealweb.model import Deal, Pos, Status
from dealweb.money import Amount, Qualifier

HEAD = "entities:\n  - {id: a, names: {en: Alpha}}\n  - {id: b, names: {en: Beta}}\n"


def _problems(tmp_path: Path, text: str, name: str = "l.yaml") -> list[str]:
    d = tmp_path / "led"
    d.mkdir(exist_ok=True)
    (d / name).write_text(text, encoding="utf-8")
    return [f"{Path(p.file).name}:{p.line}: {p.message} ({p.hint})" for p in load_ledger(d).errors]


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/null", "fifo"])
def test_special_files_are_refused_by_type(tmp_path: Path, special: str) -> None:
    path = Path(special)
    if special == "fifo":
        path = tmp_path / "pipe"
        os.mkfifo(path)
    t = time.process_time()
    with pytest.raises(LimitError) as info:
        read_regular(path, "article")
    assert time.process_time() - t < 2  # never reads without end (an open that waited for a writer would hang)
    kind = {"fifo": "a FIFO (named pipe)"}.get(special, "a character device")
    assert info.value.message == f"{path}: is {kind}, not a regular file"


def test_a_fifo_in_the_ledger_folder_is_one_line(tmp_path: Path) -> None:
    d = tmp_path / "led"
    d.mkdir()
    (d / "a.yaml").write_text(HEAD, encoding="utf-8")
    os.mkfifo(d / "b.yaml")
    errors = load_ledger(d).errors
    assert [(Path(p.file).name, p.line, p.message) for p in errors] == [
        ("b.yaml", 1, "is a FIFO (named pipe), not a regular file")]


def test_document_named_in_dev_is_not_read(tmp_path: Path) -> None:
    text = ("ledger:\n  name: t\n  documents_dirs: [/dev]\n" + HEAD
            + "documents:\n  - {id: z, title: zero, file: zero}\n")
    d = tmp_path / "led"
    d.mkdir()
    (d / "l.yaml").write_text(text, encoding="utf-8")
    t = time.process_time()  # CPU time: reading /dev/zero would burn it; a loaded machine's wait does not
    res = load_ledger(d)
    assert time.process_time() - t < 10
    assert [(p.line, p.message) for p in res.errors] == [
        (8, "document file /dev/zero is a character device, not a regular file")]


@pytest.mark.parametrize(("text", "message"), [
    ("~\n", "the file parses to nothing (it holds only '~', 'null' or '---')"),
    ("---\n", "the file parses to nothing (it holds only '~', 'null' or '---')"),
    ("null\n", "the file parses to nothing (it holds only '~', 'null' or '---')"),
])
def test_a_file_that_parses_to_nothing_is_an_error(tmp_path: Path, text: str, message: str) -> None:
    d = tmp_path / "led"
    d.mkdir()
    (d / "a.yaml").write_text(HEAD, encoding="utf-8")
    (d / "b.yaml").write_text(text, encoding="utf-8")
    assert [(Path(p.file).name, p.line, p.message) for p in load_ledger(d).errors] == [("b.yaml", 1, message)]


def test_size_cap_is_configurable_and_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEALWEB_MAX_FILE_MB", "0.001")  # 1,048 bytes
    body = HEAD + "deals:\n" + "".join(f"  - {{id: d{i}, type: services, from: a, to: b}}\n" for i in range(40))
    msgs = _problems(tmp_path, body)
    assert len(msgs) == 1 and msgs[0].startswith(
        "l.yaml:1: 1,910 bytes is more than the 1,048 bytes (0.000999 MiB) a ledger file may hold")
    assert "DEALWEB_MAX_FILE_MB" in msgs[0]
    monkeypatch.setenv("DEALWEB_MAX_FILE_MB", "1")
    assert _problems(tmp_path, body) == []


def test_record_and_depth_caps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEALWEB_MAX_RECORDS", "10")
    body = HEAD + "deals:\n" + "".join(f"  - {{id: d{i}, type: services, from: a, to: b}}\n" for i in range(11))
    assert _problems(tmp_path, body) == [
        "l.yaml:5: a list or mapping of 11 items, more than the 10 allowed in one file (split the records over "
        "several files, or raise DEALWEB_MAX_RECORDS)"]
    monkeypatch.delenv("DEALWEB_MAX_RECORDS")
    monkeypatch.setenv("DEALWEB_MAX_DEPTH", "4")
    deep = HEAD + "deals:\n  - id: d1\n    type: services\n    from: a\n    to: b\n    note: {x: {y: [1]}}\n"
    msgs = _problems(tmp_path, deep)
    assert len(msgs) == 1 and msgs[0].startswith("l.yaml:9: nested 5 levels deep, deeper than the 4 allowed")


def test_a_131072_character_label_is_one_line(tmp_path: Path) -> None:
    body = "entities:\n  - id: a\n    names: {en: " + "A" * 131072 + "}\n"
    msgs = _problems(tmp_path, body)
    assert msgs == ["l.yaml:3: a text value of 131,072 characters is longer than the 20,000 allowed (shorten it "
                    "(a quote is one sentence, a title one line), or raise DEALWEB_MAX_TEXT)"]


def test_check_tree_counts_depth_from_one() -> None:
    assert check_tree({"a": [1]}, Limits(max_depth=2)) is None
    assert check_tree({"a": [[1]]}, Limits(max_depth=2)) is not None


@pytest.mark.parametrize(("line", "message"), [
    ("  - {currency: EUR, rate: 1e300, date: 2025-01-01}",
     "fx rate 1e+300 is out of range (1e-09 to 1000 USD per unit)"),
    ("  - {currency: EUR, rate: .nan, date: 2025-01-01}", "'rate' must be a positive number, found nan"),
    ("  - {currency: EUR, rate: 1.1, date: 0000-01-01}",
     "date 0000-01-01 is out of range: the year must be between 1900 and 2200"),
    ("  - {currency: EUR, rate: 1.1, date: 10000-01-01}", "'date' is not a date: '10000-01-01'"),
    ("  - {currency: EUR, rate: -1.1, date: 2025-01-01}", "'rate' must be a positive number, found -1.1"),
], ids=["1e300", "nan", "year0", "year10000", "negative"])
def test_fx_numbers_out_of_range(tmp_path: Path, line: str, message: str) -> None:
    msgs = _problems(tmp_path, HEAD + "fx:\n" + line + "\n")
    assert len(msgs) == 1 and msgs[0].startswith(f"l.yaml:5: {message} ("), msgs


# ------------------------------------------------------------------------------------ repeats, near-linear
def _deal(i: int, lo: float | None, width: float, unit: str = "USD") -> Deal:
    amount = None if lo is None else Amount(lo, lo + width, Qualifier.RANGE, unit, "", nominal=lo)
    return Deal(id=f"d{i}", type="services", payer="a", payee="b", amount=amount, status=Status("announced"),
                pos=Pos("l.yaml", i + 1, 1))


def _oracle(group: list[Deal]) -> set[str]:
    """The pairwise rule: b repeats an earlier a unless both have amounts in one unit that do not overlap."""
    out = set()
    for i, b in enumerate(group):
        for a in group[:i]:
            if a.amount is not None and b.amount is not None and a.amount.unit == b.amount.unit \
                    and not a.amount.overlaps(b.amount):
                continue
            out.add(b.id)
            break
    return out


@settings(max_examples=150)
@given(st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 30).map(float)), st.integers(0, 5).map(float),
                          st.sampled_from(["USD", "EUR"])), max_size=25))
def test_repeats_agree_with_the_pairwise_oracle(spec: list[tuple[float | None, float, str]]) -> None:
    group = [_deal(i, lo, w, u) for i, (lo, w, u) in enumerate(spec)]
    found = _repeats(group)
    assert {b.id for b, _ in found} == _oracle(group)
    for b, a in found:  # the earlier deal named really is one that b repeats
        assert int(a.id[1:]) < int(b.id[1:])
        assert not (a.amount and b.amount and a.amount.unit == b.amount.unit and not a.amount.overlaps(b.amount))


def test_repeats_of_16000_distinct_deals_are_near_linear() -> None:
    group = [_deal(i, 1e9 + i * 1e6, 1.0) for i in range(16000)]
    t = time.process_time()
    assert _repeats(group) == []
    assert time.process_time() - t < 2.0  # the pairwise check took 25 s here


def test_a_huge_one_line_list_is_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEALWEB_MAX_LINE", "1000")
    body = HEAD + "deals: [" + "x, " * 2000 + "]\n"
    t = time.process_time()
    msgs = _problems(tmp_path, body)
    assert time.process_time() - t < 5
    assert msgs == ["l.yaml:4: line 4 is 6,009 characters long, more than the 1,000 allowed (a ledger line holds one "
                    "key or item: write long lists one '- ' item per line, or raise DEALWEB_MAX_LINE)"]


def test_the_default_file_cap_refuses_48_mb_from_its_size(tmp_path: Path) -> None:
    d = tmp_path / "led"
    d.mkdir()
    with open(d / "l.yaml", "wb") as fh:  # sparse: 48 MB without writing them
        fh.truncate(48_000_000)
    t = time.process_time()
    errors = load_ledger(d).errors
    assert time.process_time() - t < 5
    assert [e.message for e in errors] == [
        "48,000,000 bytes is more than the 16,777,216 bytes (16 MiB) a ledger file may hold"]
