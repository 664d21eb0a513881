"""The web app's language switch: ?lang= chooses, a cookie remembers; words, names and amounts follow."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dealweb.i18n import catalogue
from dealweb.web import create_app
from report_fixtures import LEDGER_YAML


@pytest.fixture
def app_client(tmp_path: Path) -> TestClient:
    d = tmp_path / "tiny"
    d.mkdir()
    (d / "ledger.yaml").write_text(LEDGER_YAML, encoding="utf-8")
    return TestClient(create_app(d, token="t" * 24, allowed_hosts=["testserver"]))


def test_english_by_default_with_a_switch_to_both_scripts(app_client):
    html = app_client.get("/deals").text
    assert '<html lang="en">' in html and "<th>Payer → payee</th>" in html
    assert 'href="?lang=zh-Hant"' in html and 'href="?lang=zh-Hans"' in html
    assert "$300B" in html


def test_traditional_chosen_then_remembered(app_client):
    r = app_client.get("/deals?lang=zh-Hant")
    assert r.status_code == 200 and "dealweb_lang=zh-Hant" in r.headers["set-cookie"]
    hant = catalogue("zh-Hant")
    for html in (r.text, app_client.get("/deals").text):  # the cookie keeps the choice
        assert '<html lang="zh-Hant">' in html
        assert hant["deals.col.parties"] in html and hant["web.nav.entities"] in html
        assert "3,000億美元" in html and "最多1,000億美元" in html and "約400億美元" in html
        assert "輝達 → OpenAI" in html
        assert "Payer → payee" not in html


def test_simplified_folds_names_recorded_only_in_traditional(app_client):
    html = app_client.get("/deals?lang=zh-Hans").text
    assert '<html lang="zh-Hans">' in html
    assert "辉达 → OpenAI" in html and "3,000亿美元" in html  # 輝達 folded by OpenCC
    ent = app_client.get("/entities/nvidia").text
    assert "辉达" in ent and "4.5万亿美元" in ent
    svg = app_client.get("/api/map.svg?lang=zh-Hans").text
    assert "辉达" in svg and catalogue("zh-Hans")["legend.loop"] in svg


def test_an_unknown_language_is_english_and_not_remembered(app_client):
    r = app_client.get("/deals?lang=fr")
    assert r.status_code == 200 and '<html lang="en">' in r.text
    assert "dealweb_lang" not in r.headers.get("set-cookie", "")


def test_report_page_in_the_chosen_language(app_client):
    html = app_client.get("/map?lang=zh-Hant").text
    assert catalogue("zh-Hant")["map.heading"] in html and "The map" not in html
