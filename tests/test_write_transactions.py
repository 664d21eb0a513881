"""Transactional writes (issue 17): all or nothing, validated before replace, hash checked inside the lock
just before the swap, a save made underneath never lost, line endings / byte-order marks / symlinks kept."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest

import dealweb.ledger.write as w
from dealweb.ledger import load_ledger
from dealweb.ledger.write import LedgerWriteError, StaleFileError, Transaction, add_claim, append_record

MAIN = """\
# the ledger (comment kept)
ledger:
  name: t
entities:
  - id: a
    names: {en: Alpha}
  - id: b
    names: {en: Beta}
documents:
  - id: d0
    title: Zero
deals:
  - id: ab
    type: services
    from: a
    to: b
    claims:
      - document: d0
        quote: Alpha pays Beta
"""
DOC = {"id": "d1", "title": "One", "outlet": "Wire", "date": "2025-10-01"}
DEAL = {"id": "ba", "type": "services", "from": "b", "to": "a", "claims": [{"document": "d1", "quote": "Beta pays"}]}


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    r = tmp_path / "led"
    r.mkdir()
    (r / "main.yaml").write_text(MAIN, encoding="utf-8")
    return r


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _visible(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


def test_a_document_and_its_deal_are_one_transaction(root: Path) -> None:
    with Transaction(root) as tx:
        tx.append_record("documents", DOC)
        tx.append_record("deals", DEAL)
    led = load_ledger(root).ledger
    assert "d1" in led.documents and led.deals["ba"].claims[0].document == "d1"
    assert "# the ledger (comment kept)" in (root / "main.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("bad", [
    {**DEAL, "type": "gift"},                       # unknown type
    {**DEAL, "term": {"years": -3}},               # negative term
    {**DEAL, "claims": [{"document": "d1", "quote": "Beta pays", "start": 5, "end": 2}]},  # bad span
], ids=["type", "term", "span"])
def test_a_refused_record_leaves_nothing_behind(root: Path, bad: dict) -> None:
    before = _visible(root)
    tx = Transaction(root)
    tx.append_record("documents", DOC)
    tx.append_record("deals", bad)
    with pytest.raises(LedgerWriteError, match="nothing was written"):
        tx.commit()
    assert _visible(root) == before  # not even the document (issue 17: it used to stay in documents.yaml)


def test_validation_runs_before_anything_is_replaced(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    placed: list[Path] = []
    real = w._place

    def spy(real_path: Path, data: bytes, old: bytes | None) -> w._Placed:
        placed.append(real_path)
        return real(real_path, data, old)

    monkeypatch.setattr(w, "_place", spy)
    with pytest.raises(LedgerWriteError):
        append_record(root, "deals", {**DEAL, "type": "gift"})
    assert placed == []  # refused on the new content: no file was ever swapped


def test_a_save_during_validation_is_refused_and_kept(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = root / "main.yaml"
    saved = MAIN + "# saved by an editor while the commit validated\n"
    real = Transaction._validate

    def slow(self: Transaction, new: dict) -> None:
        real(self, new)
        f.write_text(saved, encoding="utf-8")  # the editor saves between validation and replace

    monkeypatch.setattr(Transaction, "_validate", slow)
    with pytest.raises(StaleFileError, match="changed while this edit was prepared; nothing was written"):
        append_record(root, "documents", DOC)
    assert f.read_text(encoding="utf-8") == saved


def test_a_save_between_the_check_and_the_swap_is_put_back(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last window: a save lands after the hash check, just before the atomic exchange."""
    if w._renameat2 is None:
        pytest.skip("this system has no atomic exchange (renameat2)")
    f = root / "main.yaml"
    saved = MAIN + "# saved in the last instant\n"
    real = w._exchange

    def racing(a: Path, b: Path) -> bool:
        if b == f.resolve() and not racing.done:  # type: ignore[attr-defined]
            racing.done = True  # type: ignore[attr-defined]
            tmp = f.with_name(".editor.tmp")
            tmp.write_text(saved, encoding="utf-8")
            os.replace(tmp, f)
        return real(a, b)

    racing.done = False  # type: ignore[attr-defined]
    monkeypatch.setattr(w, "_exchange", racing)
    with pytest.raises(StaleFileError, match="changed while this edit was written"):
        append_record(root, "documents", DOC)
    assert f.read_text(encoding="utf-8") == saved  # the editor's save is the file, whole
    assert not [p for p in root.iterdir() if p.name.endswith(".tmp")]


def test_second_file_stale_rolls_the_first_back_inside_the_lock(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (root / "deals.yaml").write_text("deals: []\n", encoding="utf-8")
    before = _visible(root)
    real = w._place
    calls: list[Path] = []

    def second_fails(real_path: Path, data: bytes, old: bytes | None) -> w._Placed:
        calls.append(real_path)
        if len(calls) == 2:
            raise w._stale(real_path, "changed while this edit was prepared")
        return real(real_path, data, old)

    monkeypatch.setattr(w, "_place", second_fails)
    tx = Transaction(root)
    tx.append_record("documents", DOC, "main.yaml")
    tx.append_record("deals", DEAL, "deals.yaml")
    with pytest.raises(StaleFileError):
        tx.commit()
    assert len(calls) == 2 and _visible(root) == before


def test_expected_hashes_are_checked_for_every_file_including_new_ones(root: Path) -> None:
    f = root / "main.yaml"
    tx = Transaction(root, expected={str(f): "0" * 64})
    tx.append_record("documents", DOC)
    with pytest.raises(StaleFileError, match="changed since the ledger was read"):
        tx.commit()
    # a file the caller saw absent, created meanwhile by someone else: refused, theirs kept
    new = root / "reviewed.yaml"
    tx = Transaction(root, expected={str(f): _sha(f), str(new): None})
    tx.append_record("documents", DOC, "reviewed.yaml")
    new.write_text("documents: []\n", encoding="utf-8")
    with pytest.raises(StaleFileError, match="was created after the ledger was read"):
        tx.commit()
    assert new.read_text(encoding="utf-8") == "documents: []\n"


def test_a_file_created_meanwhile_is_never_overwritten(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = root / "documents.yaml"
    real = Transaction._validate

    def creates(self: Transaction, new: dict) -> None:
        real(self, new)
        target.write_text("documents: []  # made by someone else\n", encoding="utf-8")

    monkeypatch.setattr(Transaction, "_validate", creates)
    with pytest.raises(StaleFileError, match="was created by someone else"):
        append_record(root, "documents", DOC, "documents.yaml")
    assert target.read_text(encoding="utf-8") == "documents: []  # made by someone else\n"


def test_line_endings_and_byte_order_mark_are_kept(root: Path) -> None:
    f = root / "main.yaml"
    f.write_bytes(b"\xef\xbb\xbf" + MAIN.replace("\n", "\r\n").encode("utf-8"))
    add_claim(root, "ab", {"document": "d0", "quote": "Alpha pays"})
    raw = f.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    body = raw[3:]
    assert body.count(b"\r\n") == body.count(b"\n")  # every line still CRLF
    old_lines = MAIN.replace("\n", "\r\n").encode("utf-8").split(b"\r\n")
    assert all(line in body.split(b"\r\n") for line in old_lines)  # only lines added
    assert [c.quote for c in load_ledger(root).ledger.deals["ab"].claims] == ["Alpha pays Beta", "Alpha pays"]


def test_a_symlinked_file_stays_a_symlink(tmp_path: Path, root: Path) -> None:
    elsewhere = tmp_path / "kept-elsewhere.yaml"
    (root / "main.yaml").rename(elsewhere)
    os.symlink(elsewhere, root / "main.yaml")
    append_record(root, "documents", DOC)
    assert (root / "main.yaml").is_symlink() and os.readlink(root / "main.yaml") == str(elsewhere)
    assert "id: d1" in elsewhere.read_text(encoding="utf-8")


def test_concurrent_transactions_in_threads_lose_nothing(root: Path) -> None:
    def add(i: int) -> None:
        with Transaction(root) as tx:
            tx.append_record("documents", {"id": f"t{i}", "title": f"T{i}"})
            tx.add_claim("ab", {"document": f"t{i}", "quote": f"Alpha pays {i}"})

    threads = [threading.Thread(target=add, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    led = load_ledger(root).ledger
    assert {f"t{i}" for i in range(6)} <= set(led.documents)
    assert sorted(c.quote for c in led.deals["ab"].claims) == sorted(
        ["Alpha pays Beta", *(f"Alpha pays {i}" for i in range(6))])


def test_a_document_copy_must_stay_inside_the_ledger(root: Path) -> None:
    tx = Transaction(root)
    for bad in ("/etc/passwd", "../outside.txt", ""):
        with pytest.raises(LedgerWriteError, match="not a path inside the ledger"):
            tx.add_file(bad, b"x")
    path = tx.add_file("documents/d1.txt", b"Beta pays Alpha.")
    tx.append_record("documents", {**DOC, "file": "documents/d1.txt"})
    tx.commit()
    assert path.read_text(encoding="utf-8") == "Beta pays Alpha." and load_ledger(root).errors == []
