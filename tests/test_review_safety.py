"""Review that loses nothing and surprises no one (issue 13, part 4), through the CLI and the web app alike.

A tiny ledger and a fictional article written here; every expectation is typed by hand.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from dealweb.cli import main
from dealweb.ledger import load_ledger

LEDGER = """\
# my ledger (this comment must survive)
ledger:
  name: mine
entities:
  - id: openai
    names: {en: OpenAI}
  - id: oracle
    names: {en: Oracle, zh-Hant: 甲骨文}
documents:
  - id: old
    title: Old news
    outlet: Old Wire
    date: 2025-09-10
deals:
  - id: openai-oracle-cloud
    type: compute_contract
    from: openai
    to: oracle
    amount: 3000億美元
    claims:
      - document: old
        field: amount
        stated: 3000億美元
        quote: OpenAI與甲骨文簽署3000億美元合約
"""

# Acme is fictional and in no list the program ships: it is unknown to the ledger.
ARTICLE = "測試用虛構文章\nAcme will buy $3 billion of cloud services from Oracle.\n"


def _tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _proposal(doc: str = "acme-news", file: str | None = None, **over: object) -> dict[str, object]:
    quote = "Acme will buy $3 billion of cloud services from Oracle."
    start = ARTICLE.index(quote)
    c: dict[str, object] = {
        "id": "p1", "document": doc, "kind": "deal", "quote": quote, "start": start, "end": start + len(quote),
        "from": {"id": "acme", "name": "Acme"}, "to": {"id": "oracle", "name": "Oracle"},
        "type": "compute_contract", "amount": {"text": "$3 billion", "currency": "USD"}, "status": "new",
        "confidence": 0.9, "language": "en"}
    if file:
        c["file"] = file
    c.update(over)
    return c


@pytest.fixture()
def led(tmp_path: Path) -> Path:
    d = tmp_path / "mine"
    d.mkdir()
    (d / "ledger.yaml").write_text(LEDGER, encoding="utf-8")
    return d


@pytest.fixture()
def article(tmp_path: Path) -> Path:
    p = tmp_path / "news" / "acme-news.txt"
    p.parent.mkdir()
    p.write_text(ARTICLE, encoding="utf-8")
    return p


def _props(tmp_path: Path, *claims: dict[str, object]) -> Path:
    p = tmp_path / "p.json"
    p.write_text(json.dumps(list(claims), ensure_ascii=False), encoding="utf-8")
    return p


def _review(*args: object) -> tuple[int, str]:
    r = CliRunner().invoke(main, ["review", *[str(a) for a in args]], prog_name="dealweb")
    assert "Traceback" not in r.output, r.output
    return r.exit_code, r.output


# ---------------------------------------------------------------------------------- where review writes
def test_no_ledger_is_a_clear_error_saying_how_to_make_one(tmp_path: Path) -> None:
    code, out = _review(_props(tmp_path, _proposal()), "--accept", "p1")
    assert code == 2
    assert out.strip() == ("error: review writes into a ledger of your own, and none was given (hint: make one "
                           "with 'dealweb init DIR', then pass --ledger DIR)")


def _package_data() -> Path:
    import dealweb

    return Path(dealweb.__file__).resolve().parent / "data"


def test_review_never_touches_the_installed_package(tmp_path: Path, article: Path) -> None:
    data = _package_data()
    before = _tree(data)
    props = _props(tmp_path, _proposal(file=str(article)))
    bundled = sorted(p for p in data.iterdir() if p.is_dir() and any(p.glob("*.yaml")))
    assert bundled, "no bundled ledger found"
    for target in [*bundled, *(p.name for p in bundled)]:  # by path, and by bundled name from elsewhere
        code, out = _review(props, "--ledger", target, "--accept", "p1", "--article", article, "--outlet", "W",
                            "--date", "2025-10-01", "--add-entities")
        assert code == 2, out
        assert "bundled with dealweb" in out or "no such ledger" in out, out
    # the writer itself refuses, whoever calls it
    from dealweb.ledger.write import LedgerWriteError, append_record

    with pytest.raises(LedgerWriteError, match="bundled with dealweb"):
        append_record(bundled[0], "entities", {"id": "zzz", "names": {"en": "Z"}})
    assert _tree(data) == before


# ------------------------------------------------------------------------------------------- the article
def test_a_local_file_outside_the_ledger_is_never_read(tmp_path: Path, led: Path) -> None:
    before = _tree(led)
    code, out = _review(_props(tmp_path, _proposal(file="/etc/passwd")), "--ledger", led, "--accept", "p1",
                        "--outlet", "W", "--date", "2025-10-01", "--add-entities", "--json")
    assert code == 1
    res = json.loads(out)["results"][0]
    assert res["action"] == "error" and res["message"].startswith(
        "the proposal names the file /etc/passwd, which is outside the ledger's document folders")
    assert _tree(led) == before and "root:" not in (led / "ledger.yaml").read_text(encoding="utf-8")


def test_a_device_named_on_the_command_line_is_refused_by_type(tmp_path: Path, led: Path) -> None:
    code, out = _review(_props(tmp_path, _proposal(file="/dev/zero")), "--ledger", led, "--accept", "p1",
                        "--article", "/dev/zero", "--outlet", "W", "--date", "2025-10-01", "--add-entities", "--json")
    assert code == 1 and "/dev/zero: is a character device, not a regular file" in out


def test_accept_keeps_the_article_and_asks_for_what_ingest_could_not_find(tmp_path: Path, led: Path,
                                                                          article: Path) -> None:
    props = _props(tmp_path, _proposal(file=str(article)))
    before = _tree(led)
    code, out = _review(props, "--ledger", led, "--accept", "p1", "--article", article, "--add-entities", "--json")
    res = json.loads(out)["results"][0]
    assert code == 1 and res["message"].startswith("the new document 'acme-news' needs its outlet, date")
    assert _tree(led) == before
    code, out = _review(props, "--ledger", led, "--accept", "p1", "--article", article, "--add-entities",
                        "--outlet", "Test Wire", "--date", "2025-10-02", "--json")
    assert code == 0, out
    assert (led / "documents" / "acme-news.txt").read_text(encoding="utf-8") == ARTICLE
    article.unlink()  # the quote stays checkable from the ledger alone
    res = load_ledger(led)
    assert res.errors == []
    doc = res.ledger.documents["acme-news"]
    assert (doc.title, doc.outlet, str(doc.date), doc.file) == ("測試用虛構文章", "Test Wire", "2025-10-02",
                                                                 "documents/acme-news.txt")
    deal = next(d for d in res.ledger.deals.values() if d.payer == "acme")
    assert (deal.payee, deal.amount.high, str(deal.announced)) == ("oracle", 3e9, "2025-10-02")
    assert "# my ledger (this comment must survive)" in (led / "ledger.yaml").read_text(encoding="utf-8")


def test_link_only_reference_keeps_address_outlet_and_date(tmp_path: Path, led: Path) -> None:
    code, out = _review(_props(tmp_path, _proposal()), "--ledger", led, "--accept", "p1", "--add-entities",
                        "--title", "Acme buys cloud", "--outlet", "Wire", "--date", "2025-10-02",
                        "--url", "https://example.com/acme")
    assert code == 0, out
    doc = load_ledger(led).ledger.documents["acme-news"]
    assert (doc.url, doc.outlet, str(doc.date), doc.file) == ("https://example.com/acme", "Wire", "2025-10-02", None)


# ------------------------------------------------------------------------------------------ unknown firms
def test_unknown_firm_is_added_only_when_asked_with_its_names(tmp_path: Path, led: Path) -> None:
    props = _props(tmp_path, _proposal())
    base = ["--ledger", led, "--accept", "p1", "--title", "T", "--outlet", "W", "--date", "2025-10-02",
            "--url", "https://example.com/a", "--json"]
    before = _tree(led)
    code, out = _review(props, *base)
    res = json.loads(out)["results"][0]
    assert code == 1 and res["message"].startswith("the ledger does not know acme (Acme)")
    assert _tree(led) == before  # nothing: not even the document
    code, out = _review(props, *base, "--add-entities", "--name", "acme:zh-Hant=愛克米",
                        "--name", "acme:zh-Hans=爱克米")
    assert code == 0, out
    acme = load_ledger(led).ledger.entities["acme"]
    assert acme.names == {"en": "Acme", "zh-Hant": "愛克米", "zh-Hans": "爱克米"}


def test_interactive_review_offers_to_add_the_firm_and_asks_the_document(tmp_path: Path, led: Path,
                                                                         article: Path) -> None:
    props = _props(tmp_path, _proposal(file=str(article)))
    # accept; title (keep the first line); outlet; date; add acme?; names en / zh-Hant / zh-Hans
    answers = "a\n\nTest Wire\n2025-10-03\ny\n\n愛克米\n\n"
    r = CliRunner().invoke(main, ["review", str(props), "--ledger", str(led), "--article", str(article), "--ask"],
                           input=answers)
    assert r.exit_code == 0, r.output
    assert "the ledger does not know 'acme' (Acme); add it?" in r.output
    led_ = load_ledger(led).ledger
    assert led_.entities["acme"].names == {"en": "Acme", "zh-Hant": "愛克米"}
    assert led_.documents["acme-news"].outlet == "Test Wire"


# ------------------------------------------------------------------------------------------- conflicts
def _conflict() -> dict[str, object]:
    quote = "OpenAI與甲骨文簽署30億美元合約"
    return {"id": "c1", "document": "old", "kind": "deal", "quote": quote, "start": 0, "end": len(quote),
            "from": {"id": "openai", "name": "OpenAI"}, "to": {"id": "oracle", "name": "甲骨文"},
            "type": "compute_contract", "amount": {"text": "30億美元", "currency": "USD"}, "status": "conflicts",
            "record": "openai-oracle-cloud", "reason": "unit_slip", "confidence": 0.8}


def test_a_conflict_is_shown_and_the_person_decides(tmp_path: Path, led: Path) -> None:
    props = _props(tmp_path, _conflict())
    before = _tree(led)
    code, out = _review(props, "--ledger", led, "--accept", "c1", "--json")
    res = json.loads(out)["results"][0]
    assert code == 1 and res["message"].startswith(
        "proposal c1 conflicts with openai-oracle-cloud (unit_slip: the ledger has $300B, the article says 30億美元)")
    assert _tree(led) == before
    r = CliRunner().invoke(main, ["review", str(props), "--ledger", str(led), "--ask"], input="a\nr\n")
    assert "CONFLICT with openai-oracle-cloud" in r.output and _tree(led) == before
    code, out = _review(props, "--ledger", led, "--accept", "c1", "--on-conflict", "disputed")
    assert code == 0, out
    claims = load_ledger(led).ledger.deals["openai-oracle-cloud"].claims
    assert [(c.stated, c.flag) for c in claims] == [("3000億美元", None), ("30億美元", "unit_slip")]


@pytest.mark.parametrize(("over", "message"), [
    ({"status": "weird"}, "item 0: unknown status 'weird' (expected one of: new, matches, adds_source, conflicts)"),
    ({"type": "gift"}, "item 0: unknown deal type 'gift'"),
    ({"start": -4}, "item 0: 'start' must be a character offset (a whole number >= 0), found -4"),
    ({"end": 1}, "item 0: inverted span: end 1 < start 8"),
], ids=["status", "type", "negative", "inverted"])
def test_malformed_proposals_are_refused_before_anything(tmp_path: Path, led: Path, over: dict[str, object],
                                                         message: str) -> None:
    p = _props(tmp_path, _proposal(**over))
    code, out = _review(p, "--ledger", led, "--accept", "p1")
    assert code == 2 and f"error: {p}: {message}" in out


def test_article_named_with_capitals_yields_a_valid_document_id(tmp_path: Path) -> None:
    from dealweb.extract.ingest import ingest_file

    p = tmp_path / "newsA.txt"
    p.write_text("輝達宣佈向OpenAI投資1000億美元。", encoding="utf-8")
    claims = ingest_file(p)
    assert claims and {c["document"] for c in claims} == {"newsa"}


# ----------------------------------------------------------------------------------------- the web app
TOKEN = "t" * 24
HDR = {"X-Dealweb-Token": TOKEN}


def test_web_review_asks_alike_and_keeps_the_pasted_article(led: Path) -> None:
    from dealweb.web import create_app

    c = TestClient(create_app(led, token=TOKEN, allowed_hosts=["testserver"]))
    text = "測試用虛構文章\n輝達宣佈向OpenAI投資1000億美元。\n"  # Nvidia is not in this ledger
    doc = {"id": "zh-news", "title": "測試", "language": "zh-Hant"}
    got = c.post("/api/articles", json={"text": text, "document": doc}, headers=HDR)
    assert got.status_code == 200, got.text
    new = [p for p in got.json() if p["claim"]["kind"] == "deal" and p["claim"]["from"]["id"] == "nvidia"]
    assert new, got.json()
    pid = new[0]["id"]
    before = _tree(led)
    r = c.post(f"/api/proposals/{pid}/accept", headers=HDR)
    assert r.status_code == 422 and r.json()["needs"]["document"] == ["outlet", "date"]
    r = c.post(f"/api/proposals/{pid}/accept", json={"document": {"outlet": "Wire", "date": "2025-10-04"}},
               headers=HDR)
    # the same question as the CLI's, with the name as the article writes it and the one the extractor knows
    assert r.status_code == 422
    assert r.json()["needs"]["entities"] == [{"id": "nvidia", "names": {"zh-Hant": "輝達", "en": "Nvidia"}}]
    assert _tree(led) == before
    r = c.post(f"/api/proposals/{pid}/accept", headers=HDR, json={
        "document": {"outlet": "Wire", "date": "2025-10-04"},
        "entities": {"nvidia": {"en": "Nvidia", "zh-Hant": "輝達", "zh-Hans": "英伟达"}}})
    assert r.status_code == 200, r.text
    res = load_ledger(led)
    assert res.errors == []
    assert res.ledger.entities["nvidia"].names == {"en": "Nvidia", "zh-Hant": "輝達", "zh-Hans": "英伟达"}
    assert (led / "documents" / "zh-news.txt").read_text(encoding="utf-8") == text
    assert res.ledger.documents["zh-news"].outlet == "Wire"
    assert res.ledger.documents["zh-news"].file == "documents/zh-news.txt"


def test_web_accept_refuses_a_weird_status_and_an_outside_file(led: Path) -> None:
    from dealweb.web import create_app

    c = TestClient(create_app(led, token=TOKEN, allowed_hosts=["testserver"]))
    doc = {"id": "acme-news", "title": "T", "outlet": "W", "date": "2025-10-04", "url": "https://example.com/x"}
    for over, phrase in (({"status": "weird"}, "unknown status 'weird'"),
                         ({"file": "/etc/passwd"}, "the proposal names the file /etc/passwd")):
        body = {"proposals": [_proposal(**over)], "document": doc}
        pid = c.post("/api/proposals", json=body, headers=HDR).json()[0]["id"]
        r = c.post(f"/api/proposals/{pid}/accept", headers=HDR, json={"entities": {"acme": {"en": "Acme"}}})
        assert r.status_code == 422 and phrase in r.json()["detail"], r.text
    assert "root:" not in (led / "ledger.yaml").read_text(encoding="utf-8")
    assert not (led / "reviewed.yaml").exists()


# --------------------------------------------------------------------------- interrupted half-way (kill -9)
_KILLED = """
import sys, time
from pathlib import Path
import dealweb.ledger.write as w
from dealweb.extract.review import Decisions, DocumentMeta, accept
from dealweb.ledger import load_ledger
root, article, where, delay = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], float(sys.argv[4])
real = getattr(w, where)
def slow(*a, **k):
    print("inside", flush=True)
    time.sleep(delay)
    return real(*a, **k)
setattr(w, where, slow)
claim = {"id": "p1", "document": "acme-news", "kind": "deal", "quote": sys.argv[5], "start": int(sys.argv[6]),
         "end": int(sys.argv[6]) + len(sys.argv[5]), "from": {"id": "acme", "name": "Acme"},
         "to": {"id": "oracle", "name": "Oracle"}, "type": "compute_contract",
         "amount": {"text": "$3 billion", "currency": "USD"}, "status": "new", "language": "en", "file": str(article)}
accept(root, load_ledger(root).ledger, claim, None, Decisions(DocumentMeta(outlet="W", date="2025-10-02"),
       allowed=(article,), entities={"acme": {"en": "Acme"}}))
print("done", flush=True)
"""


@pytest.mark.parametrize("where", ["_exchange", "_write_tmp", "_place"])
def test_review_killed_half_way_leaves_the_ledger_valid_and_whole(tmp_path: Path, led: Path, article: Path,
                                                                   where: str) -> None:
    """kill -9 a review process inside the commit (between files, before a swap, mid-write): the ledger is
    either exactly as before or has the whole accept (document, copy, firm, deal), and always validates."""
    before = _tree(led)
    quote = "Acme will buy $3 billion of cloud services from Oracle."
    for delay_kill in (0.0, 0.05):
        proc = subprocess.Popen([sys.executable, "-c", _KILLED, str(led), str(article), where, "5", quote,
                                 str(ARTICLE.index(quote))], stdout=subprocess.PIPE, text=True,
                                env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == "inside", line
        time.sleep(delay_kill)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        res = load_ledger(led, cache=False)
        assert res.errors == [], [str(p) for p in res.errors]
        visible = {k: v for k, v in _tree(led).items() if not Path(k).name.startswith(".")}
        whole = "acme" in res.ledger.entities and "acme-news" in res.ledger.documents and any(
            d.payer == "acme" for d in res.ledger.deals.values())
        partial = "acme" in res.ledger.entities or "acme-news" in res.ledger.documents
        # a copy of the article may be in place before the ledger's file is swapped: harmless (nothing refers
        # to it, and a second accept reuses it), and never a record without its document or firm
        visible.pop("documents/acme-news.txt", None)
        assert whole or (not partial and visible == before), visible
    # the next commit clears the temporary files the killed ones left beside the ledger's files
    from dealweb.ledger.write import append_record

    append_record(led, "entities", {"id": "zz", "names": {"en": "Z"}})
    assert not [p.name for p in led.rglob(".*.tmp") if p.name.startswith(".ledger.yaml.")]
