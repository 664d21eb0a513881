"""The web app as a working tool (issue 15, part 3): search, stress page, money charts, review beside the text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dealweb.i18n import catalogue
from dealweb.model import Entity, Ledger
from dealweb.web import create_app
from dealweb.web.search import fold, search_entities
from report_fixtures import LEDGER_YAML
from waiting import wait_until

TOKEN = "t" * 24


def _ledger() -> Ledger:
    ents = {
        "nvidia": Entity("nvidia", {"en": "Nvidia", "zh-Hant": "輝達"}),  # Traditional only: 辉达 must find it
        "coreweave": Entity("coreweave", {"en": "CoreWeave"}),
        "cw-investors": Entity("cw-investors", {"en": "CoreWeave's investors"}),
        "softbank": Entity("softbank", {"en": "SoftBank", "zh-Hans": "软银"}, aliases=("SBG",)),
    }
    return Ledger(name="s", entities=ents)


@pytest.mark.parametrize("query,first", [
    ("辉达", "nvidia"),        # Simplified query, Traditional name recorded
    ("輝達", "nvidia"),
    ("軟銀", "softbank"),      # Traditional query, Simplified name recorded
    ("ＳｏｆｔＢａｎｋ", "softbank"),  # full-width letters
    ("core weave", "coreweave"),  # a space the name does not have
    ("Core-Weave", "coreweave"),
    ("sbg", "softbank"),       # alias, any case
    ("coreweave", "coreweave"),  # the exact name before the longer one that contains it
])
def test_search_finds_what_a_reader_types(query, first):
    found = [e.id for e in search_entities(_ledger(), query)]
    assert found and found[0] == first, found


def test_search_ranks_exact_before_prefix_and_keeps_kind():
    assert [e.id for e in search_entities(_ledger(), "coreweave")] == ["coreweave", "cw-investors"]
    assert search_entities(_ledger(), "nothing like it") == []
    assert len(search_entities(_ledger(), "")) == 4
    assert fold(" Core-Weave ") == "coreweave"


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    d = tmp_path / "tiny"
    d.mkdir()
    (d / "ledger.yaml").write_text(LEDGER_YAML, encoding="utf-8")
    return TestClient(create_app(d, token=TOKEN, allowed_hosts=["testserver"]))


def test_home_and_api_search_in_both_scripts(client):
    assert "/entities/nvidia" in client.get("/?q=辉达").text  # the ledger records 輝達 only
    assert [e["id"] for e in client.get("/api/entities", params={"q": "輝達"}).json()] == ["nvidia"]
    page = client.get("/?q=zzzz&lang=zh-Hant").text
    assert catalogue("zh-Hant")["web.home.none"].split("「")[0] in page


def test_review_shows_the_article_with_the_proposals_span(client):
    text = "Background first. Nvidia will invest up to $100 billion in OpenAI, the companies said. More."
    doc = {"id": "news-1", "title": "A story", "outlet": "Daily", "date": "2025-09-22", "language": "en"}
    r = client.post("/api/articles", json={"text": text, "document": doc}, headers={"X-Dealweb-Token": TOKEN})
    assert r.status_code == 200, r.text
    props = r.json()
    assert props
    for p in props:
        a = client.get(f"/api/proposals/{p['id']}/article").json()
        assert a["text"] == text and a["document"] == "news-1"
        assert a["text"][a["start"]:a["end"]] == p["claim"]["quote"]
        for lo, hi in a["spans"].values():
            assert a["start"] <= lo <= hi <= a["end"] or 0 <= lo <= hi <= len(text)
    # proposals posted as JSON come without their article: the page says so, nothing is made up
    j = client.post("/api/proposals", json={"proposals": [dict(props[0]["claim"])]},
                    headers={"X-Dealweb-Token": TOKEN}).json()
    assert client.get(f"/api/proposals/{j[0]['id']}/article").json()["text"] is None
    assert client.get("/api/proposals/nope/article").status_code == 404
    page = client.get("/review?lang=zh-Hans").text
    assert 'id="dw-article-text"' in page and catalogue("zh-Hans")["web.review.article"] in page


def test_stress_page_on_the_ledger_its_scenarios_were_written_for():
    client = TestClient(create_app("ai-capex-2025", token=TOKEN, allowed_hosts=["testserver"]))
    page = client.get("/stress?lang=zh-Hant").text
    assert 'id="dw-stress"' in page and 'id="dw-stress-not-assessed"' not in page
    assert 'value="base"' in page
    job = client.post("/api/stress?lang=zh-Hant", json={"scenario": "base", "draws": 30, "seed": 7},
                      headers={"X-Dealweb-Token": TOKEN}).json()
    state: dict = {}

    def finished() -> bool:  # ~15 s on a loaded machine; far longer beside CI's other jobs
        state.update(client.get(f"/api/stress/{job['id']}").json())
        return state["state"] in ("done", "failed")

    wait_until(finished, every=0.3)
    assert state["state"] == "done", state.get("error")
    res = state["result"]
    cat = catalogue("zh-Hant")
    assert res["lang"] == "zh-Hant" and res["seed"] == 7
    assert res["tables"][0]["columns"][0] == cat["stress.col.entity"]
    assert [f["file"] for f in res["fan_charts"]] == ["capital", "gap"]
    assert "每季未能填補的資金缺口" in res["fan_charts"][1]["title"]
    png = client.get(f"/api/stress/{job['id']}/charts/gap.zh-Hant.png")
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    svg = client.get(f"/api/stress/{job['id']}/charts/capital.en.svg")
    assert svg.status_code == 200
    title = " ".join(re.findall(r'font-weight="700">([^<]*)<', svg.text))  # a long title is wrapped in lines
    assert "outside capital needed per quarter (30 runs, seed 7" in title
    assert "(30 runs, seed 7; firm money only)" in title  # the money counted, once
    assert client.get(f"/api/stress/{job['id']}/charts/nope.en.svg").status_code == 404


def test_stress_page_on_the_current_web_offers_its_own_scenarios():
    client = TestClient(create_app("ai-deals-2025-26", token=TOKEN, allowed_hosts=["testserver"]))
    page = client.get("/stress").text
    assert 'id="dw-stress"' in page and 'id="dw-stress-not-assessed"' not in page and 'value="base"' in page


def test_stress_page_says_not_assessed_and_how_when_no_scenario_fits(client):
    page = client.get("/stress?lang=zh-Hant").text  # the tiny ledger: no bundled scenario was written for it
    cat = catalogue("zh-Hant")
    assert 'id="dw-stress-not-assessed"' in page and cat["web.stress.not_assessed"] in page
    assert "docs/simulation.md" in page and "scenario.ledger" in page and 'id="dw-stress"' not in page
