"""Writing back: comments kept, atomic replacement, stale-file refusal, rollback of invalid edits."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from dealweb.ledger import load_ledger
from dealweb.ledger.write import LedgerWriteError, StaleFileError, add_claim, append_record, file_sha256

DOC = "前言。OpenAI宣佈投資1,000億美元購買Oracle的雲端運算服務。\n"
Q = "OpenAI宣佈投資1,000億美元"
S = DOC.index(Q)

MAIN = """\
# The tiny ledger. This comment must survive every edit.
ledger:
  name: tiny
  documents_dirs: [.]
entities:
  - id: openai   # the model maker
    names: {en: OpenAI}
  - id: oracle
    names: {en: Oracle, zh-Hant: 甲骨文}
documents:
  - id: d1
    title: "AI行情: 第幾層?"   # quoted because of ': '
    file: doc.txt
"""
DEALS = """\
deals:
  # the loop's first edge
  - id: oai-orcl
    type: compute_contract
    from: openai
    to: oracle
    amount: 1000億美元
    claims: []
"""


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    r = tmp_path / "led"
    r.mkdir()
    (r / "doc.txt").write_text(DOC, encoding="utf-8")
    (r / "main.yaml").write_text(MAIN, encoding="utf-8")
    (r / "deals.yaml").write_text(DEALS, encoding="utf-8")
    return r


CLAIM = {"document": "d1", "field": "amount", "stated": "1000億美元", "quote": Q, "start": S, "end": S + len(Q)}


def _only_insertions(old: str, new: str) -> list[str]:
    ops = difflib.SequenceMatcher(a=old.splitlines(), b=new.splitlines(), autojunk=False).get_opcodes()
    assert all(tag in ("equal", "insert") for tag, *_ in ops), ops
    return [line for tag, _, _, j1, j2 in ops if tag == "insert" for line in new.splitlines()[j1:j2]]


def test_add_claim_keeps_comments_and_validates(root: Path) -> None:
    before = (root / "deals.yaml").read_text(encoding="utf-8")
    path = add_claim(root, "oai-orcl", CLAIM, expected_sha256=file_sha256(root / "deals.yaml"))
    assert path == root / "deals.yaml"
    after = path.read_text(encoding="utf-8")
    assert "# the loop's first edge" in after
    result = load_ledger(root)
    assert result.errors == []
    (claim,) = result.ledger.deals["oai-orcl"].claims
    assert (claim.document, claim.quote, claim.start, claim.end, claim.stated) == ("d1", Q, S, S + len(Q),
                                                                                   "1000億美元")
    assert (root / "main.yaml").read_text(encoding="utf-8") == MAIN  # other files untouched
    assert before != after


def test_add_claim_to_block_list_inserts_lines_only(root: Path) -> None:
    add_claim(root, "oai-orcl", CLAIM)
    old = (root / "deals.yaml").read_text(encoding="utf-8")
    second = dict(CLAIM, field="parties", stated=None)
    del second["stated"]
    add_claim(root, "oai-orcl", second)
    new = (root / "deals.yaml").read_text(encoding="utf-8")
    inserted = _only_insertions(old, new)
    assert inserted[0].strip() == "- document: d1" and any("field: parties" in x for x in inserted)
    assert len(load_ledger(root).ledger.deals["oai-orcl"].claims) == 2


def test_stale_file_is_refused(root: Path) -> None:
    digest = file_sha256(root / "deals.yaml")
    with (root / "deals.yaml").open("a", encoding="utf-8") as fh:
        fh.write("# someone else edited this file\n")
    changed = (root / "deals.yaml").read_bytes()
    with pytest.raises(StaleFileError):
        add_claim(root, "oai-orcl", CLAIM, expected_sha256=digest)
    assert (root / "deals.yaml").read_bytes() == changed


def test_invalid_edit_is_rolled_back(root: Path) -> None:
    before = (root / "deals.yaml").read_bytes()
    bad = dict(CLAIM, start=S + 1, end=S + 1 + len(Q))  # quote not at its span
    with pytest.raises(LedgerWriteError) as exc:
        add_claim(root, "oai-orcl", bad)
    assert f"it stands at {S}..{S + len(Q)}" in str(exc.value)
    assert (root / "deals.yaml").read_bytes() == before
    with pytest.raises(LedgerWriteError):
        add_claim(root, "oai-orcl", dict(CLAIM, document="nope"))
    assert (root / "deals.yaml").read_bytes() == before
    assert sorted(p.name for p in root.iterdir()) == ["deals.yaml", "doc.txt", "main.yaml"]  # no temp files


def test_add_claim_refusals(root: Path) -> None:
    with pytest.raises(LedgerWriteError, match="no deal or fact 'nope'"):
        add_claim(root, "nope", CLAIM)
    with pytest.raises(LedgerWriteError, match="unknown claim key"):
        add_claim(root, "oai-orcl", dict(CLAIM, qoute="x"))


def test_append_record_to_existing_section_and_new_file(root: Path) -> None:
    old = (root / "main.yaml").read_text(encoding="utf-8")
    path = append_record(root, "entities", {"id": "nvidia", "names": {"en": "Nvidia", "zh-Hant": "輝達"}})
    assert path == root / "main.yaml"
    new = path.read_text(encoding="utf-8")
    inserted = _only_insertions(old, new)
    assert inserted[0] == "  - id: nvidia"  # the file's own indentation
    assert "# the model maker" in new and 'title: "AI行情: 第幾層?"' in new
    deal = {"id": "orcl-nv", "type": "chip_purchase", "from": "oracle", "to": "nvidia", "amount": "約400億美元",
            "claims": [dict(CLAIM, stated=None)]}
    del deal["claims"][0]["stated"]
    path = append_record(root, "deals", deal, file="more/deals2.yaml")
    assert path == root / "more" / "deals2.yaml"
    led = load_ledger(root).ledger
    assert "orcl-nv" in led.deals and led.deals["orcl-nv"].amount is not None
    assert led.deals["orcl-nv"].amount.low == 3.6e10  # about 400億: 0.9 x 4e10


def test_append_record_rollback_and_refusals(root: Path) -> None:
    before = (root / "main.yaml").read_bytes()
    with pytest.raises(LedgerWriteError):
        append_record(root, "entities", {"id": "openai", "names": {"en": "dup"}})  # duplicate id
    assert (root / "main.yaml").read_bytes() == before
    with pytest.raises(LedgerWriteError):
        append_record(root, "deals", {"id": "x", "type": "services", "from": "a", "to": "b"}, file="new.yaml")
    assert not (root / "new.yaml").exists()  # a new file is removed again
    with pytest.raises(LedgerWriteError, match="cannot append to section"):
        append_record(root, "ledger", {"name": "x"})
    with pytest.raises(StaleFileError):
        append_record(root, "entities", {"id": "amd", "names": {"en": "AMD"}}, expected_sha256="0" * 64)


def test_failed_replace_leaves_the_old_file(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = (root / "deals.yaml").read_bytes()

    def broken(*args: object) -> None:
        raise OSError(28, "No space left on device")

    import dealweb.ledger.write as w

    monkeypatch.setattr(os, "replace", broken)
    monkeypatch.setattr(w, "_exchange", broken)
    with pytest.raises(OSError):
        add_claim(root, "oai-orcl", CLAIM)
    assert (root / "deals.yaml").read_bytes() == before
    assert sorted(p.name for p in root.iterdir()) == ["deals.yaml", "doc.txt", "main.yaml"]


def test_existing_errors_below_the_edit_do_not_block_it(root: Path) -> None:
    # a pre-existing error further down the same file: the insertion moves its line, it is not a new error
    (root / "deals.yaml").write_text(DEALS + "  - id: other\n    type: services\n    from: openai\n    to: nobody\n",
                                     encoding="utf-8")
    assert [p.line for p in load_ledger(root).errors] == [12]  # "    to: nobody"
    add_claim(root, "oai-orcl", CLAIM)
    errors = load_ledger(root).errors
    assert [p.message for p in errors] == ["unknown entity 'nobody' in 'to'"] and errors[0].line > 12


def test_concurrent_writers_do_not_lose_edits(root: Path) -> None:
    import threading

    claims = [dict(CLAIM, note=f"writer {i}") for i in range(6)]
    threads = [threading.Thread(target=add_claim, args=(root, "oai-orcl", c)) for c in claims]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    notes = sorted(c.note for c in load_ledger(root).ledger.deals["oai-orcl"].claims)
    assert notes == [f"writer {i}" for i in range(6)]  # every edit kept, none overwritten
