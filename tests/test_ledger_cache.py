"""The on-disk ledger cache (issue 16): same answers as a fresh load, never trusted when it should not be."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dealweb.ledger.load as load_mod
from dealweb.data import bundled_ledgers
from dealweb.ledger import cache, load_ledger
from test_ledger_broken import CASES, HEAD, _deal, _write


@pytest.fixture()
def disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own; the in-process cache emptied so that loads reach the disk."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(folder))
    monkeypatch.setattr(load_mod, "_CACHE", type(load_mod._CACHE)())
    cache._warned.clear()
    return folder


def _fresh(root: Path):
    return load_ledger(root, cache=False)


def _second(root: Path):
    """A load as a second command would make it: nothing in this process's memory."""
    load_mod._CACHE.clear()
    return load_ledger(root)


def _rows(folder: Path, table: str = "results") -> int:
    con = sqlite3.connect(folder / "ledgers.sqlite3")
    try:
        return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def test_warm_load_equals_a_fresh_load_bundled(disk: Path) -> None:
    for path in bundled_ledgers().values():
        cold = load_ledger(path)
        assert _rows(disk) >= 1
        warm = _second(path)
        fresh = _fresh(path)
        assert warm.ledger == fresh.ledger == cold.ledger
        assert warm.problems == fresh.problems


@pytest.mark.parametrize("case,files", [(c[0], c[1]) for c in CASES], ids=[c[0] for c in CASES])
def test_warm_load_equals_a_fresh_load_broken(tmp_path: Path, disk: Path, case: str, files: dict) -> None:
    root = _write(tmp_path, {k: v for k, v in files.items() if case != "not-utf8"})
    if case == "not-utf8":
        (root / "a.yaml").write_bytes(b"deals: \xff\n")
    load_ledger(root)
    warm = _second(root)
    fresh = _fresh(root)
    assert warm.problems == fresh.problems and warm.ledger == fresh.ledger


def test_a_changed_file_is_read_again(tmp_path: Path, disk: Path) -> None:
    root = _write(tmp_path, {"a.yaml": HEAD, "b.yaml": _deal().replace(HEAD, "")})
    first = load_ledger(root)
    assert first.ledger.deals["oai-orcl"].amount.low == 1e11
    (root / "b.yaml").write_text(_deal(amount="2000億美元").replace(HEAD, ""), encoding="utf-8")
    second = _second(root)
    assert second.ledger.deals["oai-orcl"].amount.low == 2e11  # 2000 x 1e8, by hand
    assert second.problems == _fresh(root).problems


def test_a_changed_document_is_read_again(tmp_path: Path, disk: Path) -> None:
    root = _write(tmp_path, {"a.yaml": _deal()})
    assert load_ledger(root).problems == []
    (root / "texts" / "doc.txt").write_text("something else entirely\n", encoding="utf-8")
    warm = _second(root)
    assert any("quote not found" in p.message for p in warm.problems)
    assert warm.problems == _fresh(root).problems


def _one_warning(capsys: pytest.CaptureFixture[str], word: str) -> None:
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("warning: ") and word in lines[0], lines


def test_corrupt_file_is_ignored_and_rebuilt(tmp_path: Path, disk: Path, capsys) -> None:
    root = _write(tmp_path, {"a.yaml": _deal()})
    load_ledger(root)
    (disk / "ledgers.sqlite3").write_bytes(b"this is not a database" * 100)
    for name in ("ledgers.sqlite3-wal", "ledgers.sqlite3-shm"):
        (disk / name).unlink(missing_ok=True)
    warm = _second(root)
    assert warm.ledger == _fresh(root).ledger
    _one_warning(capsys, "corrupt")
    assert _rows(disk) == 1  # rebuilt


def test_tampered_payload_is_ignored(tmp_path: Path, disk: Path, capsys) -> None:
    root = _write(tmp_path, {"a.yaml": _deal()})
    load_ledger(root)
    con = sqlite3.connect(disk / "ledgers.sqlite3")
    # a payload naming a class outside the allowlist, with a matching checksum: never constructed
    evil = zlib.compress(json.dumps({"\0c": "os:system", "v": ["echo pwned"]}).encode())
    import hashlib

    con.execute("UPDATE results SET payload = ?, digest = ?", (evil, hashlib.sha256(evil).hexdigest()))
    con.commit()
    con.close()
    warm = _second(root)
    assert warm.ledger == _fresh(root).ledger
    _one_warning(capsys, "corrupt")


def test_flipped_bytes_fail_the_checksum(tmp_path: Path, disk: Path, capsys) -> None:
    root = _write(tmp_path, {"a.yaml": _deal()})
    load_ledger(root)
    con = sqlite3.connect(disk / "ledgers.sqlite3")
    blob = bytearray(con.execute("SELECT payload FROM results").fetchone()[0])
    blob[20:23] = b"\x00\xff\x00"
    con.execute("UPDATE results SET payload = ?", (bytes(blob),))
    con.commit()
    con.close()
    assert _second(root).ledger == _fresh(root).ledger
    _one_warning(capsys, "checksum")


def test_other_version_is_ignored_and_rebuilt(tmp_path: Path, disk: Path, capsys) -> None:
    root = _write(tmp_path, {"a.yaml": _deal()})
    load_ledger(root)
    con = sqlite3.connect(disk / "ledgers.sqlite3")
    con.execute("UPDATE meta SET v = '0.0.1' WHERE k = 'version'")
    con.commit()
    con.close()
    assert _second(root).ledger == _fresh(root).ledger
    _one_warning(capsys, "another dealweb version")
    assert _rows(disk) == 1


def test_cache_written_by_other_code_is_ignored_and_rebuilt(tmp_path: Path, disk: Path, capsys) -> None:
    """Same version, changed loader or checks: the cached problems may be stale, so the cache is rebuilt."""
    root = _write(tmp_path, {"a.yaml": _deal()})
    load_ledger(root)
    con = sqlite3.connect(disk / "ledgers.sqlite3")
    assert con.execute("SELECT v FROM meta WHERE k = 'code'").fetchone() is not None
    con.execute("UPDATE meta SET v = 'feedfacefeedface' WHERE k = 'code'")
    con.commit()
    con.close()
    assert _second(root).ledger == _fresh(root).ledger
    _one_warning(capsys, "code feedfacefeedface")
    assert _rows(disk) == 1


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to give a file away")
def test_file_of_another_user_is_ignored(tmp_path: Path, disk: Path, capsys) -> None:
    root = _write(tmp_path, {"a.yaml": _deal()})
    load_ledger(root)
    os.chown(disk / "ledgers.sqlite3", 4242, 4242)
    assert _second(root).ledger == _fresh(root).ledger
    _one_warning(capsys, "another user")
    assert (disk / "ledgers.sqlite3").stat().st_uid == os.getuid()


def test_a_file_edited_while_read_gives_a_fresh_answer(tmp_path: Path, disk: Path, monkeypatch) -> None:
    root = _write(tmp_path, {"a.yaml": _deal()})
    real = load_mod._load_once
    calls = []

    def editing(*args, **kwargs):
        out = real(*args, **kwargs)
        if not calls:  # the first read finishes just as an editor saves a new amount
            (root / "a.yaml").write_text(_deal(amount="3000億美元"), encoding="utf-8")
        calls.append(1)
        return out

    monkeypatch.setattr(load_mod, "_load_once", editing)
    got = load_ledger(root)
    assert len(calls) == 2
    assert got.ledger.deals["oai-orcl"].amount.low == 3e11
    assert got.ledger == _fresh(root).ledger
    assert _second(root).ledger == got.ledger  # and the cache holds the new content's answer


def test_a_file_saved_after_every_parse_still_loads(tmp_path: Path, disk: Path, monkeypatch) -> None:
    """An editor saving more often than a parse takes (the CI failure of stop 24): the second read is a
    snapshot, parsed from memory, so the load finishes with the content the snapshot held."""
    root = _write(tmp_path, {"a.yaml": _deal()})
    real = load_mod._load_once
    n = [0]

    def editing(*args, **kwargs):
        out = real(*args, **kwargs)
        n[0] += 1
        (root / "a.yaml").write_text(_deal(amount="3000億美元") + f"# edit {n[0]}\n", encoding="utf-8")
        return out

    monkeypatch.setattr(load_mod, "_load_once", editing)
    got = load_ledger(root)
    assert n[0] == 2 and not got.errors
    assert got.ledger.deals["oai-orcl"].amount.low == 3e11  # the content saved after the first parse
    monkeypatch.setattr(load_mod, "_load_once", real)
    (root / "a.yaml").write_text(_deal(amount="3000億美元") + "# edit 1\n", encoding="utf-8")
    assert _second(root).ledger == got.ledger  # cached under the snapshot's content


def test_a_file_that_never_holds_still_is_a_clear_error(tmp_path: Path, disk: Path, monkeypatch) -> None:
    root = _write(tmp_path, {"a.yaml": _deal()})
    real = load_mod.read_regular
    n = [0]

    def saving(path, *args, **kwargs):  # every read is followed by a save: no two reads agree
        out = real(path, *args, **kwargs)
        n[0] += 1
        Path(path).write_text(_deal() + f"# edit {n[0]}\n", encoding="utf-8")
        return out

    monkeypatch.setattr(load_mod, "read_regular", saving)
    monkeypatch.setattr(load_mod, "_SNAPSHOT_TRIES", 4)
    got = load_ledger(root)
    assert any("kept changing while they were being read" in p.message and "4 tries" in p.message and p.hint
               for p in got.errors)
    assert _rows(disk) == 0


def test_no_cache_env_turns_it_off(tmp_path: Path, disk: Path, monkeypatch) -> None:
    monkeypatch.setenv(cache.NO_CACHE_ENV, "1")
    load_ledger(_write(tmp_path, {"a.yaml": _deal()}))
    assert not (disk / "ledgers.sqlite3").exists()


def test_a_second_process_loads_from_the_cache(tmp_path: Path, disk: Path) -> None:
    root = _write(tmp_path, {"a.yaml": _deal()})
    load_ledger(root)
    code = ("import sys, dealweb.ledger.cache as c, dealweb.ledger.load as L\n"
            "calls = []\nreal = L._load_once\nL._load_once = lambda *a, **k: calls.append(1) or real(*a, **k)\n"
            f"r = L.load_ledger({str(root)!r})\nprint(len(calls), len(r.ledger.deals))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=os.getcwd(),
                         env={**os.environ, cache.CACHE_DIR_ENV: str(disk)})
    assert out.stdout.split() == ["0", "1"]


@settings(max_examples=40)
@given(st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5)),
                    lambda inner: st.one_of(st.lists(inner, max_size=3), st.tuples(inner, inner),
                                            st.dictionaries(st.one_of(st.text(max_size=3), st.integers()), inner,
                                                            max_size=3)), max_leaves=12))
def test_codec_round_trip(value) -> None:
    if isinstance(value, dict) and any(isinstance(k, str) and k.startswith("\0") for k in value):
        return
    back = cache.loads(cache.dumps(value))
    assert repr(back) == repr(value)  # repr: nan != nan, but prints the same


@pytest.fixture()
def short_busy_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache's wait for another process's lock cut from 10 s to 0.05 s, so a held lock is met at once."""
    real = sqlite3.connect
    monkeypatch.setattr(cache.sqlite3, "connect", lambda *a, **k: real(*a, **{**k, "timeout": 0.05}))


@pytest.mark.parametrize("mode", ["IMMEDIATE", "EXCLUSIVE"])
def test_a_cache_another_process_is_writing_is_waited_out_not_deleted(
        tmp_path: Path, disk: Path, short_busy_wait: None, capsys, mode: str) -> None:
    """Another dealweb process writing a big result holds the cache's write lock for longer than the wait: a
    load then answers from the files (or from the cache where it can read it), says nothing, and leaves the
    cache file alone. Before, "database is locked" was taken for corruption: a warning that the cache was
    corrupt, and the other process's cache file deleted under it."""
    root = _write(tmp_path, {"a.yaml": _deal()})
    want = _fresh(root)
    load_ledger(root)
    assert _rows(disk) == 1
    inode = (disk / "ledgers.sqlite3").stat().st_ino
    other = sqlite3.connect(disk / "ledgers.sqlite3", isolation_level=None)
    try:
        other.execute(f"BEGIN {mode}")  # the other process, mid-write
        got = _second(root)
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert (got.ledger, got.errors) == (want.ledger, want.errors)
    assert "warning" not in capsys.readouterr().err
    assert (disk / "ledgers.sqlite3").stat().st_ino == inode and _rows(disk) == 1
