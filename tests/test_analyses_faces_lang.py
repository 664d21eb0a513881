"""The analyses in Chinese: the web app's /analyses page and the report's #analyses section hold no English a
reader would meet (checked by ``tests/lang_check.py``, as every other page); the rooms' own English (a loan's
assumed terms, a test's needs) is marked ``translate="no"``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dealweb.ledger import load_ledger
from dealweb.web import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lang_check import untranslated  # noqa: E402
from test_faces_lang import SCENARIO_WORDS  # noqa: E402 - scenario names and their capital groups' ids


@pytest.mark.parametrize("name", ["ai-capex-2025", "ai-deals-2025-26"])
def test_analyses_page_in_chinese(name: str) -> None:
    lg = load_ledger(name).ledger
    client = TestClient(create_app(name, token="t" * 24, allowed_hosts=["testserver"]))
    for lang in ("zh-Hant", "zh-Hans"):
        for query in ("", "&scenarios=true&runs=5"):
            r = client.get(f"/analyses?lang={lang}{query}")
            assert r.status_code == 200 and f'<html lang="{lang}">' in r.text
            assert untranslated(r.text, lang, lg, SCENARIO_WORDS) == [], (lang, query)
            assert "dw-verbatim" in r.text  # the loans' assumed terms, marked as the rooms' English
