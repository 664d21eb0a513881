"""The web app through FastAPI's TestClient: browsing, filters, review writes, safety guards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dealweb.web import create_app
from dealweb.web.jobs import JobBoard
from report_fixtures import LEDGER_YAML
from waiting import WAIT_S, wait_until

TOKEN = "test-token-0123456789"
HDR = {"X-Dealweb-Token": TOKEN}


@pytest.fixture
def ledger_dir(tmp_path: Path) -> Path:
    d = tmp_path / "tiny"
    d.mkdir()
    (d / "ledger.yaml").write_text(LEDGER_YAML, encoding="utf-8")
    return d


def client(path: Path | None, **kw) -> TestClient:
    app = create_app(path, token=TOKEN, allowed_hosts=["testserver"], **kw)
    return TestClient(app)


def ids(resp) -> list[str]:
    assert resp.status_code == 200, resp.text
    return sorted(d["id"] for d in resp.json())


def test_browse_and_filter(ledger_dir):
    c = client(ledger_dir)
    info = c.get("/api/ledger").json()
    assert info["counts"] == {"entities": 3, "deals": 3, "facts": 1, "documents": 1, "conflicts": 0}
    assert ids(c.get("/api/deals")) == ["nv-oa", "oa-or", "or-nv"]
    assert ids(c.get("/api/deals", params={"kind": "investment"})) == ["nv-oa"]
    assert ids(c.get("/api/deals", params={"type": "chip_purchase"})) == ["or-nv"]
    # Only the Oracle order (announced 2025-05-23) was known on 2025-06-01.
    assert ids(c.get("/api/deals", params={"on": "2025-06-01"})) == ["or-nv"]
    # Interval overlap, by hand: up to $100B = [0, 100B] meets [50B, 60B]; about $40B = [36B, 44B] does not;
    # $300B does not.
    assert ids(c.get("/api/deals", params={"min_usd": 5e10, "max_usd": 6e10})) == ["nv-oa"]
    assert ids(c.get("/api/deals", params={"min_usd": 2e11})) == ["oa-or"]
    assert ids(c.get("/api/deals", params={"entity": "oracle"})) == ["oa-or", "or-nv"]
    assert c.get("/api/deals", params={"kind": "nonsense"}).status_code == 422
    deal = c.get("/api/deals/nv-oa").json()
    assert deal["claims"][0]["quote"] == "Nvidia will invest up to $100 billion"
    assert deal["claims"][0]["outlet"] == "Example Daily"
    assert c.get("/api/deals/nope").status_code == 404
    assert c.get("/api/entities/輝達").json()["id"] == "nvidia"
    assert [f["id"] for f in c.get("/api/facts", params={"entity": "nvidia"}).json()] == ["nv-mcap"]
    html = c.get("/deals", params={"min_b": "50", "max_b": "60"}).text
    assert 'data-deal-row="nv-oa"' in html and 'data-deal-row="oa-or"' not in html
    assert c.get("/api/map.svg").headers["content-type"].startswith("image/svg+xml")
    for page in ("/", "/deals", "/deals/nv-oa", "/entities/nvidia", "/facts", "/sources", "/review", "/stress"):
        r = c.get(page)
        assert r.status_code == 200, page
        assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "Nvidia will invest up to $100 billion" in c.get("/deals/nv-oa").text


def test_openapi_describes_the_json_api(ledger_dir):
    spec = client(ledger_dir).get("/openapi.json").json()
    for path in ("/api/deals", "/api/proposals", "/api/proposals/{pid}/accept", "/api/stress/{job_id}"):
        assert path in spec["paths"]
    params = {p["name"] for p in spec["paths"]["/api/deals"]["get"]["parameters"]}
    assert {"on", "type", "kind", "min_usd", "max_usd", "entity"} <= params


def _adds_source() -> dict:
    quote = "Nvidia said it would put as much as $100 billion into OpenAI"
    return {"kind": "deal", "document": "d1", "quote": quote, "start": 0, "end": len(quote),
            "from": {"id": "nvidia", "name": "Nvidia"}, "to": {"id": "openai", "name": "OpenAI"},
            "type": "equity_investment", "amount": {"text": "as much as $100 billion"},
            "status": "adds_source", "record": "nv-oa"}


def test_writes_need_the_token(ledger_dir):
    c = client(ledger_dir)
    assert c.post("/api/proposals", json={"proposals": [_adds_source()]}).status_code == 401
    bad = c.post("/api/proposals", json={"proposals": [_adds_source()]}, headers={"X-Dealweb-Token": "nope"})
    assert bad.status_code == 401
    ok = c.post("/api/proposals", json={"proposals": [_adds_source()]}, headers=HDR)
    assert ok.status_code == 200 and ok.json()[0]["state"] == "pending"


def test_read_only_and_bundled_ledger_refuse_writes(ledger_dir):
    ro = client(ledger_dir, read_only=True)
    assert ro.post("/api/proposals", json={"proposals": []}, headers=HDR).status_code == 403
    bundled = client(None)
    pid = bundled.post("/api/proposals", json={"proposals": [_adds_source()]}, headers=HDR).json()[0]["id"]
    r = bundled.post(f"/api/proposals/{pid}/accept", headers=HDR)
    assert r.status_code == 403 and "bundled" in r.json()["detail"]


def test_accept_adds_the_claim_to_the_ledger_file(ledger_dir):
    c = client(ledger_dir)
    pid = c.post("/api/proposals", json={"proposals": [_adds_source()]}, headers=HDR).json()[0]["id"]
    r = c.post(f"/api/proposals/{pid}/accept", headers=HDR)
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "accepted"
    text = (ledger_dir / "ledger.yaml").read_text(encoding="utf-8")
    assert "Nvidia said it would put as much as $100 billion into OpenAI" in text
    assert len(c.get("/api/deals/nv-oa").json()["claims"]) == 2  # the app re-read the ledger
    assert c.post(f"/api/proposals/{pid}/accept", headers=HDR).status_code == 409  # not twice


def test_accept_refuses_to_overwrite_a_file_changed_underneath(ledger_dir):
    c = client(ledger_dir)
    pid = c.post("/api/proposals", json={"proposals": [_adds_source()]}, headers=HDR).json()[0]["id"]
    f = ledger_dir / "ledger.yaml"
    edited = f.read_text(encoding="utf-8") + "# edited by hand meanwhile\n"
    f.write_text(edited, encoding="utf-8")
    r = c.post(f"/api/proposals/{pid}/accept", headers=HDR)
    assert r.status_code == 409, r.text
    assert f.read_text(encoding="utf-8") == edited  # untouched
    assert [p["state"] for p in c.get("/api/proposals").json()] == ["pending"]


def test_accept_new_deal_with_its_document(ledger_dir):
    c = client(ledger_dir)
    quote = "OpenAI agreed to buy $10 billion of Nvidia systems"
    claim = {"kind": "deal", "document": "wire-1", "quote": quote, "start": 0, "end": len(quote),
             "from": {"id": "openai"}, "to": {"id": "nvidia"}, "type": "chip_purchase",
             "amount": {"text": "$10 billion"}, "status": "new"}
    doc = {"id": "wire-1", "title": "OpenAI buys systems", "outlet": "Wire", "date": "2025-10-20", "language": "en",
           "url": "https://example.com/wire-1"}
    pid = c.post("/api/proposals", json={"proposals": [claim], "document": doc}, headers=HDR).json()[0]["id"]
    r = c.post(f"/api/proposals/{pid}/accept", headers=HDR)
    assert r.status_code == 200, r.text
    rid = r.json()["record"]
    assert (ledger_dir / "reviewed.yaml").exists()
    deal = c.get(f"/api/deals/{rid}").json()
    assert (deal["from"], deal["to"], deal["amount"]["high"]) == ("openai", "nvidia", 1e10)
    assert deal["claims"][0]["outlet"] == "Wire" and deal["announced"] == "2025-10-20"


def test_accept_of_an_unwritable_proposal_leaves_no_trace(ledger_dir):
    c = client(ledger_dir)
    claim = {"kind": "deal", "document": "wire-2", "quote": "x pays y", "start": 0, "end": 8, "from": {"id": "openai"},
             "to": {"id": "ghost"}, "type": "chip_purchase", "status": "new"}
    doc = {"id": "wire-2", "title": "T", "outlet": "W", "date": "2025-01-02", "url": "https://example.com/w"}
    pid = c.post("/api/proposals", json={"proposals": [claim], "document": doc}, headers=HDR).json()[0]["id"]
    r = c.post(f"/api/proposals/{pid}/accept", headers=HDR)
    assert r.status_code == 422 and "ghost" in r.json()["detail"]
    assert not (ledger_dir / "reviewed.yaml").exists()


def test_article_text_becomes_proposals(ledger_dir):
    c = client(ledger_dir)
    doc = {"id": "zh-1", "title": "測試", "language": "zh-Hant"}
    r = c.post("/api/articles", json={"text": "輝達宣佈向OpenAI投資1000億美元。", "document": doc}, headers=HDR)
    assert r.status_code == 200, r.text
    from dealweb.extract.ingest import ingest_text
    from dealweb.ledger import load_ledger

    # The app queues exactly what the extraction room proposes for this text against this ledger.
    expected = ingest_text("輝達宣佈向OpenAI投資1000億美元。", document="zh-1", ledger=load_ledger(ledger_dir).ledger)
    assert [p["claim"] for p in r.json()] == expected
    assert all(p["state"] == "pending" and p["document"]["title"] == "測試" for p in r.json())


def test_request_bodies_are_bounded(ledger_dir):
    c = client(ledger_dir, max_body=1000)
    big = {"text": "x" * 5000, "document": {"id": "a", "title": "t"}}
    assert c.post("/api/articles", json=big, headers=HDR).status_code == 413
    # A body that lies about its length is cut off while it streams.
    def chunks():
        yield b'{"text": "' + b"x" * 3000 + b'", "document": {"id": "a", "title": "t"}}'
    r = c.post("/api/articles", content=chunks(), headers=HDR | {"content-type": "application/json"})
    assert r.status_code == 413


def test_foreign_host_header_is_refused(ledger_dir):
    c = client(ledger_dir)
    assert c.get("/api/ledger", headers={"host": "evil.example"}).status_code == 400


def test_text_is_escaped_in_pages(ledger_dir):
    f = ledger_dir / "ledger.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace(
        "Nvidia will invest up to $100 billion", "Nvidia will invest up to $100 billion <script>alert(1)</script>"),
        encoding="utf-8")
    c = client(ledger_dir)
    html = c.get("/deals/nv-oa").text
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert json.loads(c.get("/api/deals/nv-oa").text)["claims"][0]["quote"].endswith("<script>alert(1)</script>")


def test_stress_job_runs_in_the_background_with_progress():

    from dealweb.data import bundled_ledgers
    from dealweb.sim import bundled_scenarios

    c = client(bundled_ledgers()["ai-capex-2025"])  # the bundled scenarios were written for the seeds' ledger
    names = [s["name"] for s in c.get("/api/stress/scenarios").json()]
    assert names == sorted(bundled_scenarios())
    r = c.post("/api/stress", json={"scenario": "no-such-scenario", "draws": 10}, headers=HDR)
    assert r.status_code == 422 and "unknown scenario" in r.json()["detail"]
    assert c.post("/api/stress", json={"scenario": names[0], "draws": 10}).status_code == 401
    job = c.post("/api/stress", json={"scenario": names[0], "draws": 40, "seed": 7}, headers=HDR)
    assert job.status_code == 202
    jid = job.json()["id"]
    got: dict = {}

    def finished() -> bool:  # seconds alone, far longer on a loaded CI machine
        got.update(c.get(f"/api/stress/{jid}").json())
        return got["state"] in ("done", "failed")

    wait_until(finished, every=0.05)
    assert got["state"] == "done", got["error"]
    assert got["done"] == got["total"] >= 40 and got["progress"] == 1.0  # the runs, then the bumps
    res = got["result"]
    assert res["seed"] == 7 and res["runs"] == 40 and res["runs_label"] == "40 runs, seed 7"
    titles = [t["title"] for t in res["tables"]]  # the report's tables: who fails, what moves it, ...
    assert titles[0] == f"{names[0]}: who fails (40 runs, seed 7; firm money only)"
    assert any("what moves the default probabilities most (40 runs, seed 7; firm money only)" in t for t in titles)
    # firm money by default; the conditional money left out is shown per firm (Nvidia's "up to" tranches)
    assert res["include"] == [] and res["money_label"].startswith("firm money only")
    assert any("conditional money left out" in t for t in titles)
    assert res["summary"]["money"]["left_out_by_firm"]["openai"]["owed_to_it_usd"] > 0
    bad = c.post("/api/stress", json={"scenario": names[0], "draws": 10, "include": ["maybe"]}, headers=HDR)
    assert bad.status_code == 422
    assert any("contracts as simulated" in t for t in titles) and any("capital groups" in t for t in titles)
    bands = res["fans"]["unmet_gap_usd"]
    assert len(bands["p50"]) == len(res["periods"])
    assert all(a <= b <= c for a, b, c in zip(bands["p05"], bands["p50"], bands["p95"], strict=True))
    assert c.get("/api/stress/deadbeef").status_code == 404


def test_job_board_reports_progress_and_result():
    import threading

    gate = threading.Event()
    board = JobBoard()

    def run(progress):
        progress(3, 4)
        gate.wait(WAIT_S)  # until the test opens the gate
        progress(4, 4)
        return {"answer": 42}

    job = board.start("t", {}, run)
    wait_until(lambda: job.done == 3)
    assert job.as_dict()["progress"] == 0.75 and job.state == "running"
    gate.set()
    wait_until(lambda: job.state == "done")
    assert job.as_dict()["result"] == {"answer": 42} and job.as_dict()["progress"] == 1.0
    bad = board.start("t", {}, lambda progress: 1 / 0)
    wait_until(lambda: bad.state == "failed")
    assert bad.state == "failed" and "ZeroDivisionError" in bad.error


def test_article_review_round_trip_on_a_copy_of_the_bundled_ledger(tmp_path):
    """Post an article, accept what it proposes, and find it in the ledger files and the app."""
    import shutil

    from dealweb.data import bundled_ledgers
    from dealweb.ledger import load_ledger

    copy = tmp_path / "ai"
    shutil.copytree(bundled_ledgers()["ai-capex-2025"], copy)  # the seeds' ledger: it has no Oracle-Meta deal yet
    c = client(copy)
    before = c.get("/api/ledger").json()["counts"]
    claims_before = len(c.get("/api/deals/nvidia-openai-investment-100b").json()["claims"])
    text = "輝達宣佈向OpenAI投資1000億美元。甲骨文與Meta簽署200億美元的雲端合約。"
    doc = {"id": "zh-web-1", "title": "測試文章", "outlet": "測試社", "date": "2025-11-01", "language": "zh-Hant"}
    got = c.post("/api/articles", json={"text": text, "document": doc}, headers=HDR).json()
    by_status = {p["status"]: p for p in got}
    assert set(by_status) == {"adds_source", "new"}, [p["status"] for p in got]
    for p in got:
        r = c.post(f"/api/proposals/{p['id']}/accept", headers=HDR)
        assert r.status_code == 200, r.text
    after = c.get("/api/ledger").json()["counts"]
    assert after["deals"] == before["deals"] + 1 and after["documents"] == before["documents"] + 1
    deal = c.get("/api/deals/nvidia-openai-investment-100b").json()
    assert len(deal["claims"]) == claims_before + 1
    assert deal["claims"][-1]["quote"] == "輝達宣佈向OpenAI投資1000億美元。"
    assert deal["claims"][-1]["outlet"] == "測試社"
    assert not [p for p in load_ledger(copy).problems if p.severity == "error"]


def test_no_page_loads_anything_from_elsewhere(ledger_dir):
    import re

    c = client(ledger_dir)
    assert c.get("/docs").status_code == 404 and c.get("/redoc").status_code == 404  # they use a CDN
    for page in ("/", "/deals", "/review", "/stress", "/map"):
        html = c.get(page).text
        assert not re.search(r"""(?:src|href)\\s*=\\s*["']?(?:https?:)?//""", html), page
