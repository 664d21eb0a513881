"""The libyaml reader and the ruamel reader give identical loads (issue 16).

Every broken-ledger fixture of test_ledger_broken.py, the bundled ledgers and random YAML (hypothesis) are
loaded through both readers (``DEALWEB_YAML_READER=ruamel`` and the default fast reader): the problems
(message, file, line, column, hint, severity) and the ledgers must be equal.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from dealweb.data import bundled_ledgers
from dealweb.ledger import fastyaml, load_ledger
from dealweb.ledger.yamlio import READER_ENV, _reader
from test_ledger_broken import _FILE, CASES, HEAD, _deal, _write


def _both(monkeypatch: pytest.MonkeyPatch, root: Path):
    monkeypatch.setenv(READER_ENV, "ruamel")
    slow = load_ledger(root, cache=False)
    monkeypatch.setenv(READER_ENV, "fast")
    fast = load_ledger(root, cache=False)
    return slow, fast


@pytest.mark.parametrize("case,files", [(c[0], c[1]) for c in CASES], ids=[c[0] for c in CASES])
def test_broken_fixtures_same_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str,
                                       files: dict[str, str]) -> None:
    root = _write(tmp_path, {k: v for k, v in files.items() if case != "not-utf8"})
    if case == "not-utf8":
        (root / "a.yaml").write_bytes(b"deals: \xff\n")
    slow, fast = _both(monkeypatch, root)
    assert slow.problems, case
    assert fast.problems == slow.problems
    assert fast.ledger == slow.ledger


def test_bundled_ledgers_same(monkeypatch: pytest.MonkeyPatch) -> None:
    for path in bundled_ledgers().values():
        slow, fast = _both(monkeypatch, path)
        assert fast.problems == slow.problems
        assert fast.ledger == slow.ledger


def test_positions_by_hand() -> None:
    ok, data, _ = fastyaml.parse("deals:\n  - id: x\n    amount: {low: 1.0e9, currency: USD}\n    n: 3\n")
    assert ok
    seq = data["deals"]
    assert (data.lc.line, data.lc.col) == (0, 0)
    assert (seq.lc.line, seq.lc.col) == (1, 2) and seq.lc.item(0) == (1, 4)
    rec = seq[0]
    assert rec.lc.key("amount") == (2, 4) and rec.lc.value("amount") == (2, 12)
    assert rec["amount"].lc.value("low") == (2, 18)
    assert rec["amount"]["low"] == 1e9 and rec["n"] == 3 and isinstance(rec["n"], int)


@pytest.mark.parametrize("text,value", [
    ("v: yes", "yes"), ("v: on", "on"), ("v: 1e9", 1e9), ("v: 2025-01-02", "2025-01-02"), ("v: ~", None),
    ("v: True", True), ("v: 'true'", "true"), ("v: 12", 12), ("v: -0.5", -0.5),
])
def test_yaml_1_2_scalars_as_ruamel(text: str, value: object) -> None:
    ok, data, clean = fastyaml.parse(text + "\n")
    assert ok and clean and data["v"] == value and type(data["v"]) is type(value)


@pytest.mark.parametrize("text", ["v: 0x1f", "v: 1_000", "v: .inf", "v: !!str 5", "a: &x 1\nb: *x",
                                  "%YAML 1.1\n---\nv: 1", "a: 1\na: 2", "? [a]\n: 1", "v: 017",
                                  "<<: {a: 1}", "a: [1, 2\n", "v:", "v: |#x\n  a",
                                  "a: 1\r\u2028b: 2", "just text"])
def test_handed_back_to_ruamel(text: str) -> None:
    assert fastyaml.parse(text + "\n") == (False, None, False)


_TEXT_VALUES = st.one_of(st.text(max_size=10), st.sampled_from(
    ["yes", "No", "on", "1e9", "0x1f", "1_0", "017", ".inf", "-.5", "+3", "2025-13-01", "null", "~", "TRUE",
     "a: b", "- x", "#c", "'q'", '"d"', "&a", "*b", "!t", "%p", "{x}", "[y]", "é 價值", "\t"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(_FILE, st.dictionaries(st.sampled_from(["deals", "facts", "entities"]),
                                        st.lists(st.dictionaries(st.sampled_from(["id", "amount", "start",
                                                                                  "note", "type"]),
                                                                 _TEXT_VALUES, max_size=4), max_size=3))))
def test_random_ledgers_same(tmp_path: Path, data: dict) -> None:
    root = _write(Path(tempfile.mkdtemp(dir=tmp_path)), {"a.yaml": HEAD})
    yaml = YAML(typ="safe", pure=True)
    with (root / "b.yaml").open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    mp = pytest.MonkeyPatch()
    try:
        slow, fast = _both(mp, root)
    finally:
        mp.undo()
    assert fast.problems == slow.problems
    assert fast.ledger == slow.ledger


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}'\"#&*!?| >\n\t\r,0123.e价😀\u2028\ufeff")), max_size=40))
def test_random_text_same_data(text: str) -> None:
    ok, data, _ = fastyaml.parse(text)
    try:
        expected = _reader().load(text)
    except Exception:  # noqa: BLE001 - ruamel refuses: the fast reader must hand the file back
        assert not ok
        return
    if ok:
        assert data == expected
        _same_positions(data, expected)


def _same_positions(a, b) -> None:
    if isinstance(b, dict):
        assert (a.lc.line, a.lc.col) == (b.lc.line, b.lc.col)
        for k in b:
            assert a.lc.key(k) == tuple(b.lc.key(k)) and a.lc.value(k) == tuple(b.lc.value(k))
            _same_positions(a[k], b[k])
    elif isinstance(b, list):
        assert (a.lc.line, a.lc.col) == (b.lc.line, b.lc.col)
        for i in range(len(b)):
            assert a.lc.item(i) == tuple(b.lc.item(i))
            _same_positions(a[i], b[i])


def test_valid_base_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slow, fast = _both(monkeypatch, _write(tmp_path, {"a.yaml": _deal()}))
    assert fast.problems == slow.problems == []
    assert fast.ledger == slow.ledger
    assert fast.ledger.deals["oai-orcl"].pos.line == 15


def test_same_bad_characters_as_the_reader() -> None:
    from dealweb.ledger import yamlio

    assert fastyaml._BAD_CHAR.pattern == yamlio._BAD_CHAR.pattern


@pytest.mark.parametrize("env,value,text", [
    ("DEALWEB_MAX_TEXT", "5", "deals:\n  - {id: abcdefgh}\n"),
    ("DEALWEB_MAX_TEXT", "5", "deals:\n  - {id: x, abcdefgh: 1}\n"),
    ("DEALWEB_MAX_DEPTH", "3", "deals:\n  - {id: x, amount: {low: [1]}}\n"),
    ("DEALWEB_MAX_RECORDS", "2", "deals:\n  - {id: x}\n  - {id: y}\n  - {id: z}\n"),
    (None, None, 'deals:\n  - {id: "a\\x07b"}\n'),
    (None, None, 'deals:\n  - {id: ok, note: "\\ud800"}\n'),
])
def test_limits_and_bad_text_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env, value, text) -> None:
    if env:
        monkeypatch.setenv(env, value)
    root = _write(tmp_path, {"a.yaml": HEAD, "b.yaml": text})
    ok, _, clean = fastyaml.parse(text)
    assert not clean  # read and flagged for the checks, or handed back to ruamel (libyaml refuses "\ud800")
    slow, fast = _both(monkeypatch, root)
    assert any(p.file.endswith("b.yaml") for p in slow.problems)
    assert fast.problems == slow.problems
