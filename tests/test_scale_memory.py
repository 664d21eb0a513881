"""Memory at scale (issue 16): files of deals read one at a time, compact records, the cache in chunks.

A load parses the files holding only ``deals``/``facts`` when their records are built, one after another,
and drops each file's data once its records are made; the answer must be exactly that of reading every
file first (the loader's ``defer=False``), whatever the files hold. The on-disk cache stores a result in
chunks, each checked on its own.
"""

from __future__ import annotations

import gc
import sqlite3
import tempfile
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dealweb.ledger.load as load_mod
from dealweb.ledger import cache, load_ledger
from dealweb.ledger.fastyaml import PosList
from dealweb.ledger.load import _deferrable, _Loader

ENTITIES = 12


def _doc_and_head(root: Path, n: int) -> list[tuple[str, int, int, int]]:
    """The document and the head file of a synthetic ledger; ``(quote, start, end, amount)`` per deal."""
    root.mkdir(parents=True, exist_ok=True)
    parts, spans, pos = [], [], 0
    for i in range(n):
        a = 1 + (i * 7919) % 4999
        s, q = f"第{i}筆交易價值{a}億美元。", f"價值{a}億美元"
        start = pos + s.index(q)
        spans.append((q, start, start + len(q), a))
        parts.append(s)
        pos += len(s)
    (root / "doc.txt").write_text("".join(parts), encoding="utf-8")
    ents = "\n".join(f"  - {{id: e{i}, names: {{en: E{i}}}}}" for i in range(ENTITIES))
    (root / "0-head.yaml").write_text(
        f"ledger: {{name: t, documents_dirs: [.]}}\nentities:\n{ents}\ndocuments:\n"
        "  - {id: d, title: t, date: 2025-10-01, file: doc.txt}\n", encoding="utf-8")
    return spans


def _deals(spans: list[tuple[str, int, int, int]], lo: int, hi: int, claims: int = 3) -> str:
    lines = ["deals:"]
    for i in range(lo, hi):
        q, s, e, a = spans[i]
        p, r = i % ENTITIES, (i * 5 + 1) % ENTITIES
        r = r if r != p else (p + 1) % ENTITIES
        lines += [f"  - id: deal-{i}", "    type: compute_contract", f"    from: e{p}", f"    to: e{r}",
                  f"    amount: {a}億美元", f"    announced: 2025-09-{1 + i % 28:02d}", "    claims:"]
        lines += [f"      - {{document: d, stated: {a}億美元, quote: {q}, start: {s}, end: {e}}}"] * claims
    return "\n".join(lines) + "\n"


def _facts(ids: range) -> str:
    return "facts:\n" + "".join(f"  - {{id: f{i}, entity: e{i % ENTITIES}, metric: rpo, value: {i + 1}億美元, "
                                f"as_of: 2025-06-30}}\n" for i in ids)


def _both(root: Path):
    """(deferred, eager) loads of ``root``: ledgers and problems in the order a load reports them."""
    out = []
    for defer in (True, False):
        loader = _Loader(root, [], defer=defer)
        ledger = loader.run()
        out.append((ledger, sorted(loader.problems, key=lambda p: (p.file, p.line, p.col))))
    return out


@pytest.mark.parametrize("text,found", [
    ("deals:\n  - id: a\n", ("deals",)),
    ("# a comment\ndeals: # the deals\n  - id: a\n", ("deals",)),
    ("\ufeffdeals:\n  - id: a\n", ("deals",)),
    ("facts:\n  - id: a\ndeals:\n  - id: b\n", ("facts", "deals")),
    ("deals:\r\n  - id: a\r\n", ("deals",)),
    ("deals: []\n", ()),  # flow style: read with the others
    ("entities:\n  - id: a\ndeals:\n  - id: b\n", ()),
    ("---\ndeals:\n  - id: a\n", ()),
    ('"deals":\n  - id: a\n', ()),
    ("deals:\n  - id: a\ndeals:\n  - id: b\n", ()),  # the duplicate key is reported by the eager read
    ("- deals\n", ()),
    ("# only a comment\n", ()),
])
def test_which_files_wait(tmp_path: Path, text: str, found: tuple[str, ...]) -> None:
    p = tmp_path / "a.yaml"
    p.write_bytes(text.encode("utf-8"))
    assert _deferrable(p) == found


_FILE_KINDS = st.sampled_from(["deals", "facts", "deals+facts", "facts+deals", "broken", "unknown-entity",
                               "mixed"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_FILE_KINDS, min_size=1, max_size=5))
def test_reading_files_one_at_a_time_changes_nothing(tmp_path: Path, kinds: list[str]) -> None:
    root = Path(tempfile.mkdtemp(dir=tmp_path)) / "ledger"
    spans = _doc_and_head(root, 10 * len(kinds))
    for k, kind in enumerate(kinds):
        deals, facts = _deals(spans, 10 * k, 10 * k + 10, claims=1), _facts(range(3 * k, 3 * k + 3))
        text = {"deals": deals, "facts": facts, "deals+facts": deals + facts, "facts+deals": facts + deals,
                "broken": deals + "  - id: [unclosed\n",
                "unknown-entity": deals.replace("from: e", "from: x", 1),
                "mixed": f"documents:\n  - {{id: d{k}, title: t}}\n" + deals}[kind]
        (root / f"{k}.yaml").write_text(text, encoding="utf-8")
    (deferred, eager) = _both(root)
    assert deferred[0] == eager[0]
    assert deferred[1] == eager[1]


def test_a_file_that_is_not_what_it_looked_like_restarts_the_load(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "ledger"
    spans = _doc_and_head(root, 4)
    head = (root / "0-head.yaml").read_text(encoding="utf-8")
    (root / "0-head.yaml").unlink()
    (root / "all.yaml").write_text(head + _deals(spans, 0, 4), encoding="utf-8")
    eager = _both(root)[1]
    # the look said "only deals" (as if an editor saved entities into it just after): read everything again
    monkeypatch.setattr(load_mod, "_deferrable", lambda p: ("deals",))
    loader = _Loader(root, [])
    ledger = loader.run()
    assert not loader.defer  # the restarted load reads every file first
    assert ledger == eager[0] and len(ledger.deals) == 4
    assert sorted(loader.problems, key=lambda p: (p.file, p.line, p.col)) == eager[1]


def test_a_file_saved_while_the_load_reads_the_others(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "ledger"
    spans = _doc_and_head(root, 6)
    for k in range(2):
        (root / f"deals-{k}.yaml").write_text(_deals(spans, 3 * k, 3 * k + 3), encoding="utf-8")
    real = _Loader.open_deferred
    saved = []

    def editing(self, path, section):
        if path.name == "deals-1.yaml" and not saved:  # an editor saves it just before the load gets to it
            path.write_text(_deals(spans, 3, 6).replace("compute_contract", "equity_investment"), encoding="utf-8")
            saved.append(1)
        return real(self, path, section)

    monkeypatch.setattr(_Loader, "open_deferred", editing)
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(tmp_path / "cache"))
    got = load_ledger(root)
    monkeypatch.setattr(_Loader, "open_deferred", real)
    fresh = load_ledger(root, cache=False)
    assert saved and got.ledger == fresh.ledger and got.problems == fresh.problems
    deals = got.ledger.deals
    assert deals["deal-4"].type == "equity_investment" and deals["deal-1"].type == "compute_contract"


def test_a_load_holds_one_file_at_a_time(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "ledger"
    files, per_file = 5, 40
    spans = _doc_and_head(root, files * per_file)
    for k in range(files):
        (root / f"deals-{k}.yaml").write_text(_deals(spans, per_file * k, per_file * (k + 1)), encoding="utf-8")
    alive = []
    real = _Loader.open_deferred

    def counting(self, path, section):
        # the parsed lists alive as the next file is read: each deal of a file has its list of claims
        alive.append(sum(type(o) is PosList for o in gc.get_objects()))
        return real(self, path, section)

    monkeypatch.setattr(_Loader, "open_deferred", counting)
    ledger = load_ledger(root, cache=False).ledger
    assert len(ledger.deals) == files * per_file and len(alive) == files
    assert max(alive) < per_file, alive  # never one whole file's data, let alone several


def test_what_a_deal_keeps(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    n = 300
    spans = _doc_and_head(root, n)
    (root / "deals.yaml").write_text(_deals(spans, 0, n), encoding="utf-8")
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        ledger = load_ledger(root, cache=False).ledger
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(ledger.deals) == n
    # a deal of three claims with its positions, amounts and texts (and this small ledger's share of fixed
    # costs): 10^6 of them must fit well under 2 GB
    assert kept / n < 1800, kept / n


def test_records_share_what_repeats(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    spans = _doc_and_head(root, 3)
    (root / "deals.yaml").write_text(_deals(spans, 0, 3), encoding="utf-8")
    ledger = load_ledger(root, cache=False).ledger
    a, b = ledger.deals["deal-0"], ledger.deals["deal-1"]
    assert a.type is b.type and a.claims[0].document is b.claims[0].document is ledger.documents["d"].id
    assert a.payer is ledger.entities[a.payer].id and b.payee is ledger.entities[b.payee].id
    assert a.claims[0].amount is a.claims[1].amount is a.claims[2].amount
    assert a.claims[0].quote is a.claims[2].quote and a.claims[0].stated is a.claims[1].stated
    assert a.claims[0].amount == a.amount


@pytest.fixture()
def disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(folder))
    monkeypatch.setattr(load_mod, "_CACHE", type(load_mod._CACHE)())
    monkeypatch.setattr(cache, "CHUNK", 7)  # many chunks from a small ledger
    cache._warned.clear()
    return folder


def _chunked(tmp_path: Path) -> Path:
    root = tmp_path / "ledger"
    spans = _doc_and_head(root, 40)
    (root / "deals.yaml").write_text(_deals(spans, 0, 40) + _facts(range(9)), encoding="utf-8")
    return root


def _second(root: Path):
    load_mod._CACHE.clear()
    return load_ledger(root)


def test_a_result_in_chunks_comes_back_whole(tmp_path: Path, disk: Path) -> None:
    root = _chunked(tmp_path)
    cold = load_ledger(root)
    con = sqlite3.connect(disk / "ledgers.sqlite3")
    parts = dict(con.execute("SELECT part, COUNT(*) FROM chunks GROUP BY part").fetchall())
    con.close()
    # 12 entities, 40 deals and 9 facts in chunks of 7: 2, 6 and 2 chunks; one document: 1
    n_problems = len(cold.problems)
    assert n_problems > 7  # deals between the same firms: warnings, in more than one chunk
    assert parts == {"entities": 2, "documents": 1, "deals": 6, "facts": 2, "problems": -(-n_problems // 7)}
    warm = _second(root)
    fresh = load_ledger(root, cache=False)
    assert warm.ledger == fresh.ledger == cold.ledger and warm.problems == fresh.problems
    assert list(warm.ledger.deals) == list(fresh.ledger.deals)  # order kept
    d = warm.ledger.deals["deal-3"]
    assert d.claims[0].amount is d.claims[1].amount  # decoded once


@pytest.mark.parametrize("damage,word", [
    ("UPDATE chunks SET payload = zeroblob(40) WHERE seq = 3", "checksum"),
    ("DELETE FROM chunks WHERE seq = 4", "corrupt"),
    ("UPDATE chunks SET part = 'bogus' WHERE seq = 2", "corrupt"),
])
def test_a_damaged_chunk_is_ignored_and_rebuilt(tmp_path: Path, disk: Path, capsys, damage: str,
                                                word: str) -> None:
    root = _chunked(tmp_path)
    load_ledger(root)
    con = sqlite3.connect(disk / "ledgers.sqlite3")
    con.execute(damage)
    con.commit()
    con.close()
    capsys.readouterr()
    assert _second(root).ledger == load_ledger(root, cache=False).ledger
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("warning: ") and word in lines[0], lines
    assert _second(root).ledger == load_ledger(root, cache=False).ledger  # rebuilt: no second warning
    assert capsys.readouterr().err == ""


def test_the_cache_keeps_to_its_size(tmp_path: Path, disk: Path, monkeypatch) -> None:
    monkeypatch.setattr(cache, "_MAX_BYTES", 1)  # every result is over: only the newest is kept
    roots = []
    for k in range(3):
        root = tmp_path / f"l{k}"
        spans = _doc_and_head(root, 5 + k)
        (root / "deals.yaml").write_text(_deals(spans, 0, 5 + k), encoding="utf-8")
        load_ledger(root)
        roots.append(root)
    con = sqlite3.connect(disk / "ledgers.sqlite3")
    n_results = con.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    orphans = con.execute("SELECT COUNT(*) FROM chunks WHERE key NOT IN (SELECT key FROM results)").fetchone()[0]
    con.close()
    assert (n_results, orphans) == (1, 0)
