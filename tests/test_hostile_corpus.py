"""The hostile pass of issue 17 as a corpus: each bad input with the one line it must get.

Categories: ledgers (``dealweb check``), proposals (``dealweb review``), scenarios (``dealweb stress``),
edge lists (``dealweb loops --edges``) and web requests. Every case must end with a non-zero exit (or a 4xx
answer), no traceback, and a line naming the file (and line, where there is one) with the expected words
and a hint in parentheses. ``CASES`` is also what the closing note's table counts.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from dealweb.cli import main
from waiting import WAIT_S, wait_until

_HINTED = re.compile(r"\(.{4,}\)\s*$")

HEAD = "entities:\n  - {id: a, names: {en: Alpha}}\n  - {id: b, names: {en: Beta}}\n"  # lines 1-3
DEAL = "deals:\n  - id: d1\n    type: services\n    from: a\n    to: b\n"  # lines 4-8


def _deal(extra: str) -> str:
    return HEAD + DEAL + extra


# (id, file content or special, line expected or None, words expected)
LEDGERS = [
    ("fx-1e300", HEAD + "fx:\n  - {currency: EUR, rate: 1e300, date: 2025-01-01}\n", 5,
     "fx rate 1e+300 is out of range"),
    ("fx-nan", HEAD + "fx:\n  - {currency: EUR, rate: .nan, date: 2025-01-01}\n", 5, "must be a positive number"),
    ("fx-zero", HEAD + "fx:\n  - {currency: EUR, rate: 0, date: 2025-01-01}\n", 5, "must be a positive number"),
    ("year-0", _deal("    announced: 0000-01-01\n"), 9, "the year must be between 1900 and 2200"),
    ("year-10000", _deal("    announced: 10000-01-01\n"), 9, "is not a date"),
    ("feb-30", _deal("    announced: 2025-02-30\n"), 9, "impossible date"),
    ("amount-1e300", _deal("    amount: 1e300\n"), 9, "larger than any real figure"),
    ("amount-nan", _deal("    amount: .nan\n"), 9, "is not a finite number"),
    ("amount-negative", _deal("    amount: -5\n"), 9, "negative amount"),
    ("capacity-inf", _deal("    capacity_gw: .inf\n"), 9, "must be a non-negative number"),
    ("term-negative", _deal("    term: {years: -3}\n"), 9, "must be a positive number"),
    ("term-1e15", _deal("    term: {years: 1e15}\n"), 9, "'years' is 1e+15, more than any real one"),
    ("capacity-1e300", _deal("    capacity_gw: 1e300\n"), 9, "'capacity_gw' is 1e+300, more than any real one"),
    ("status-weird", _deal("    status: weird\n"), 9, "unknown deal status 'weird'"),
    ("tilde", "~\n", 1, "the file parses to nothing"),
    ("dashes", "---\n", 1, "the file parses to nothing"),
    ("null", "null\n", 1, "the file parses to nothing"),
    ("label-131072", "entities:\n  - id: a\n    names: {en: " + "A" * 131072 + "}\n", 3,
     "a text value of 131,072 characters"),
    ("deep", "deals:\n  - id: d1\n    note: " + "[" * 40 + "]" * 40 + "\n", 3, "nested"),
    ("fifo", "FIFO", 1, "is a FIFO (named pipe), not a regular file"),
    ("dev-document", "ledger:\n  name: t\n  documents_dirs: [/dev]\n" + HEAD
     + "documents:\n  - {id: z, title: zero, file: zero}\n", 8, "is a character device, not a regular file"),
    ("control-char", 'entities:\n  - id: a\n    names: {en: "A\\x1b[31m"}\n', 3, "U+001B"),
    ("unknown-section", "dealz: []\n", 1, "unknown section 'dealz'"),
]


@pytest.mark.parametrize(("content", "line", "words"), [c[1:] for c in LEDGERS], ids=[c[0] for c in LEDGERS])
def test_hostile_ledgers(tmp_path: Path, content: str, line: int, words: str) -> None:
    d = tmp_path / "led"
    d.mkdir()
    f = d / "l.yaml"
    if content == "FIFO":
        (d / "a.yaml").write_text(HEAD, encoding="utf-8")
        os.mkfifo(f)
    else:
        (d / "a.yaml").write_text(HEAD, encoding="utf-8") if not content.startswith(HEAD) else None
        f.write_text(content, encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(d)])
    assert r.exit_code == 1 and "Traceback" not in r.output, r.output
    hits = [ln for ln in r.output.splitlines() if ln.startswith(f"{f}:{line}:") and words in ln]
    assert hits and _HINTED.search(hits[0]), r.output


# ------------------------------------------------------------------------------------------- proposals
def _proposal(**over: object) -> dict[str, object]:
    q = "Alpha will pay Beta."
    c: dict[str, object] = {"id": "p1", "document": "n1", "kind": "deal", "quote": q, "start": 0, "end": len(q),
                            "from": {"id": "a", "name": "Alpha"}, "to": {"id": "b", "name": "Beta"},
                            "type": "services", "status": "new", "confidence": 0.5}
    c.update(over)
    return c


PROPOSALS = [
    ("status-weird", [_proposal(status="weird")], 2, "unknown status 'weird'"),
    ("type-unknown", [_proposal(type="gift")], 2, "unknown deal type 'gift'"),
    ("start-negative", [_proposal(start=-1)], 2, "must be a character offset"),
    ("span-inverted", [_proposal(start=9, end=2)], 2, "inverted span"),
    ("start-text", [_proposal(start="0")], 2, "must be a character offset"),
    ("from-missing", [_proposal(**{"from": None})], 2, "'from' must be {id, name} of a firm"),
    ("not-a-list", {"a": 1}, 2, "expected a JSON list"),
    ("lacks-keys", [{"id": 5}], 2, "item 0 lacks"),
    ("etc-passwd", [_proposal(file="/etc/passwd")], 1, "which is outside the ledger's document folders"),
    ("dev-zero-named", [_proposal(file="/dev/zero")], 1, "is a character device, not a regular file"),
    ("document-id-capitals", [_proposal(document="NewsA")], 1, "document id 'NewsA' is not a plain id"),
]


@pytest.mark.parametrize(("content", "code", "words"), [c[1:] for c in PROPOSALS], ids=[c[0] for c in PROPOSALS])
def test_hostile_proposals(tmp_path: Path, content: object, code: int, words: str) -> None:
    d = tmp_path / "led"
    d.mkdir()
    (d / "a.yaml").write_text(HEAD, encoding="utf-8")
    before = (d / "a.yaml").read_bytes()
    p = tmp_path / "p.json"
    p.write_text(json.dumps(content), encoding="utf-8")
    extra = ["--article", "/dev/zero"] if "/dev/zero" in str(content) else []
    r = CliRunner().invoke(main, ["review", str(p), "--ledger", str(d), "--accept-all-new", "--outlet", "W",
                                  "--date", "2025-10-01", "--url", "https://example.com/n1", "--add-entities", *extra,
                                  "--json"])
    assert r.exit_code == code and "Traceback" not in r.output, r.output
    if code == 1:  # refused per proposal: the JSON result carries the one line
        msgs = [x["message"] for x in json.loads(r.stdout)["results"] if x["action"] == "error"]
        assert len(msgs) == 1 and words in msgs[0] and _HINTED.search(msgs[0]), msgs
    else:
        assert words in r.output and _HINTED.search(next(ln for ln in r.output.splitlines() if words in ln))
    assert (d / "a.yaml").read_bytes() == before and sorted(x.name for x in d.iterdir()) == ["a.yaml"]


# ------------------------------------------------------------------------------------------- scenarios
_SCENARIO = """\
scenario:
  name: t
  start: 2026-01-01
  quarters: 4
capital:
  appetite: 1.0
  recovery: 0.25
entities:
  a:
    cash: 1.0e9
    revenue: 1.0e9
    growth: 0.1
"""
SCENARIOS = [
    ("recovery-nan", ("recovery: 0.25", "recovery: .nan"), 7, "capital.recovery = nan is not a finite number"),
    ("runs-nan", ("quarters: 4", "quarters: 4\n  runs: .nan"), 5, "scenario.runs = nan is not a finite number"),
    ("growth-1e300", ("growth: 0.1", "growth: 1e300"), 12, "entities.a.growth = 1e+300 is not a finite number"),
    ("growth-50", ("growth: 0.1", "growth: 50"), 12, "entities.a.growth = 50 is above 10"),
    ("appetite-inf", ("appetite: 1.0", "appetite: .inf"), 6, "capital.appetite = inf is not a finite number"),
    ("normal-negative-sd", ("growth: 0.1", "growth: {normal: [0.1, -0.5]}"), 12, "is not a valid distribution"),
    ("uniform-nan", ("growth: 0.1", "growth: {uniform: [.nan, 1]}"), 12, "holds a number that is not finite"),
    ("cash-huge", ("cash: 1.0e9", "cash: -1e400"), 10, "entities.a.cash = -inf"),
    ("year-0", ("start: 2026-01-01", "start: 0000-01-01"), 3, "is not a date"),
    ("year-10000", ("start: 2026-01-01", "start: 10000-01-01"), 3, "is not a date"),
]


@pytest.mark.parametrize(("edit", "line", "words"), [c[1:] for c in SCENARIOS], ids=[c[0] for c in SCENARIOS])
def test_hostile_scenarios(tmp_path: Path, edit: tuple[str, str], line: int, words: str) -> None:
    from dealweb.sim import load_scenario

    p = tmp_path / "s.yaml"
    p.write_text(_SCENARIO.replace(*edit), encoding="utf-8")
    with pytest.raises(Exception) as info:
        load_scenario(p)
    lines = [str(x) for x in getattr(info.value, "problems", [])] or str(info.value).splitlines()
    hits = [ln for ln in lines if ln.startswith(f"{p}:{line}:") and words in ln]
    assert hits and _HINTED.search(hits[0]), lines


def test_stress_on_a_device_is_one_line() -> None:
    r = CliRunner().invoke(main, ["stress", "/dev/zero"])
    assert r.exit_code != 0 and "Traceback" not in r.output
    assert "/dev/zero:1:1: is a character device, not a regular file" in r.output


# ------------------------------------------------------------------------------------------- edge lists
EDGES = [
    ("overflow", "source,target,amount\na,b,1e308\nb,a,1e308\n", ":2:", "larger than any real flow"),
    ("underflow", "source,target,amount\na,b,4e-324\nb,a,1\n", ":2:", "below a millionth of a dollar"),
    ("label-131072", "source,target,amount\n" + "x" * 131072 + ",b,5\n", ":2:", "a label of 131,072 characters"),
    ("nan", "source,target,amount\na,b,nan\n", ":2:", "not a finite number"),
    ("negative", "source,target,amount\na,b,-1\n", ":2:", "negative amount"),
    ("fifo", "FIFO", "", "is a FIFO (named pipe), not a regular file"),
]


@pytest.mark.parametrize(("content", "where", "words"), [c[1:] for c in EDGES], ids=[c[0] for c in EDGES])
def test_hostile_edges(tmp_path: Path, content: str, where: str, words: str) -> None:
    p = tmp_path / "e.csv"
    if content == "FIFO":
        os.mkfifo(p)
    else:
        p.write_text(content, encoding="utf-8")
    for cmd in (["loops"], ["trace", "a"], ["exposure", "a"]):
        r = CliRunner().invoke(main, [*cmd, "--edges", str(p), "--json"])
        assert r.exit_code == 2 and "Traceback" not in r.output, r.output
        assert f"{p}{where}" in r.output and words in r.output and _HINTED.search(r.output.strip()), r.output


# ------------------------------------------------------------------------------------------------- web
TOKEN = "corpus-token-0123456789"
HDR = {"X-Dealweb-Token": TOKEN}


@pytest.fixture()
def web(tmp_path: Path) -> tuple[TestClient, Path]:
    from dealweb.web import create_app

    d = tmp_path / "led"
    d.mkdir()
    (d / "a.yaml").write_text(HEAD + "documents: []\n", encoding="utf-8")
    return TestClient(create_app(d, token=TOKEN, allowed_hosts=["testserver"])), d


WEB = [
    ("status-weird", {"status": "weird"}, 422, "unknown status 'weird'"),
    ("etc-passwd", {"file": "/etc/passwd"}, 422, "the proposal names the file /etc/passwd"),
    ("span-negative", {"start": -3}, 422, "must be a character offset"),
    ("type-unknown", {"type": "gift"}, 422, "unknown deal type 'gift'"),
]


@pytest.mark.parametrize(("over", "code", "words"), [c[1:] for c in WEB], ids=[c[0] for c in WEB])
def test_hostile_web_accepts(web: tuple[TestClient, Path], over: dict, code: int, words: str) -> None:
    c, d = web
    before = {p.name: p.read_bytes() for p in d.iterdir()}
    doc = {"id": "n1", "title": "T", "outlet": "W", "date": "2025-10-01", "url": "https://example.com/n1"}
    body = {"proposals": [_proposal(**over)], "document": doc}
    pid = c.post("/api/proposals", json=body, headers=HDR).json()[0]["id"]
    r = c.post(f"/api/proposals/{pid}/accept", headers=HDR)
    assert r.status_code == code and words in r.json()["detail"] and r.json()["hint"], r.text
    assert {p.name: p.read_bytes() for p in d.iterdir()} == before


@pytest.mark.parametrize(("body", "code"), [
    ({"entities": {"Bad Id": {"en": "x"}}}, 422),
    ({"entities": {"acme": {"fr": "x"}}}, 422),
    ({"on_conflict": "maybe"}, 422),
    ({"entities": {"acme": {"en": "x" * 201}}}, 422),
], ids=["entity-id", "script", "conflict", "long-name"])
def test_hostile_web_answers_are_refused_by_shape(web: tuple[TestClient, Path], body: dict, code: int) -> None:
    c, _ = web
    doc = {"id": "n1", "title": "T", "outlet": "W", "date": "2025-10-01", "url": "https://example.com/n1"}
    pid = c.post("/api/proposals", json={"proposals": [_proposal()], "document": doc}, headers=HDR).json()[0]["id"]
    assert c.post(f"/api/proposals/{pid}/accept", json=body, headers=HDR).status_code == code


def test_stress_jobs_wait_in_a_bounded_queue_with_its_length_shown() -> None:
    import threading

    from dealweb.web.jobs import JobBoard, QueueFull

    gate = threading.Event()
    board = JobBoard(workers=1, max_queued=2)
    first = board.start("t", {}, lambda progress: gate.wait(WAIT_S))  # runs until the test opens the gate
    wait_until(lambda: first.state == "running")
    second = board.start("t", {}, lambda progress: 2)
    third = board.start("t", {}, lambda progress: 3)
    assert (second.as_dict()["queue_position"], third.as_dict()["queue_position"]) == (0, 1)
    assert third.as_dict()["queue_length"] == 2 and board.stats() == {"queued": 2, "running": 1, "max_queued": 2,
                                                                      "workers": 1}
    with pytest.raises(QueueFull, match="the job queue is full: 2 waiting, 1 running"):
        board.start("t", {}, lambda progress: 4)
    gate.set()
    wait_until(lambda: third.state == "done")
    assert (first.state, second.result, third.result) == ("done", 2, 3)


def test_the_web_app_answers_429_when_the_stress_queue_is_full(web: tuple[TestClient, Path]) -> None:
    import threading

    c, _ = web
    jobs = c.app.state.jobs  # type: ignore[attr-defined]
    jobs.max_queued = 0
    gate = threading.Event()
    names = [s["name"] for s in c.get("/api/stress/scenarios").json()]
    assert names
    r = c.post("/api/stress", json={"scenario": names[0], "draws": 2, "seed": 1}, headers=HDR)
    assert r.status_code == 429 and "the job queue is full" in r.json()["detail"]
    assert c.get("/api/stress/queue").json() == {"queued": 0, "running": 0, "max_queued": 0, "workers": 1}
    gate.set()


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_ingest_refuses_special_files_by_type(tmp_path: Path, special: str) -> None:
    path = special
    if special == "fifo":
        path = str(tmp_path / "article.txt")
        os.mkfifo(path)
    r = CliRunner().invoke(main, ["ingest", path, "--no-ledger"])
    assert r.exit_code == 1 and "Traceback" not in r.output
    kind = "a character device" if special == "/dev/zero" else "a FIFO (named pipe)"
    assert f"error: {path}: is {kind}, not a regular file (hint: give the article as a regular file" in r.output
