"""The web app in headless Chromium: the review queue writes to the ledger, payloads never run."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

PAYLOAD = "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">"


def _claim(quote: str) -> dict:
    return {"kind": "deal", "document": "d1", "quote": quote, "start": 0, "end": len(quote),
            "from": {"id": "nvidia", "name": "Nvidia"}, "to": {"id": "openai", "name": "OpenAI"},
            "type": "equity_investment", "amount": {"text": "up to $100 billion"},
            "status": "adds_source", "record": "nv-oa"}


def test_review_accept_lands_in_the_ledger_file_and_payloads_stay_text(page, live_app, token):
    base, led = live_app
    page.goto(f"{base}/review#token={token}")
    assert "#token" not in page.url  # the token is taken out of the address bar
    evil = "Nvidia will put up to $100 billion into OpenAI " + PAYLOAD
    page.locator("summary").click()
    page.locator("#dw-proposals-json textarea").fill(json.dumps([_claim(evil)]))
    page.locator("#dw-proposals-json button").click()
    page.wait_for_selector(".dw-proposal")
    assert PAYLOAD in page.locator(".dw-pquote").inner_text()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator(".dw-proposal script, .dw-proposal img").count() == 0
    page.locator(".dw-accept").click()
    expect(page.locator("#dw-status")).to_contain_text("written to")
    text = (led / "ledger.yaml").read_text(encoding="utf-8")
    assert "Nvidia will put up to $100 billion into OpenAI <script>" in text
    # The deal's page now lists the new source, escaped.
    page.goto(f"{base}/deals/nv-oa")
    assert PAYLOAD in page.locator("body").inner_text()
    assert page.evaluate("typeof window.__pwned") == "undefined"


@pytest.mark.console_errors("status of 401")  # the refused write itself
def test_accept_without_token_is_refused_in_the_page(page, live_app):
    base, led = live_app
    before = (led / "ledger.yaml").read_text(encoding="utf-8")
    page.goto(f"{base}/review")
    page.evaluate("sessionStorage.clear()")
    page.locator("summary").click()
    page.locator("#dw-proposals-json textarea").fill(json.dumps([_claim("Nvidia: up to $100 billion")]))
    page.locator("#dw-proposals-json button").click()
    expect(page.locator("#dw-status")).to_contain_text("401")
    assert (led / "ledger.yaml").read_text(encoding="utf-8") == before


def test_app_map_page_draws_the_web(page, live_app, tmp_path):
    base, _ = live_app
    page.goto(f"{base}/map")
    page.wait_for_selector("svg.dw-map .dw-edge")
    assert page.locator("svg.dw-map path.dw-edge").count() == 3
    shot = tmp_path / "app-map.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 30_000
    page.locator('.dw-elabel[data-deal="nv-oa"]').click()
    assert "Nvidia will invest up to $100 billion" in page.locator("#dw-panel").inner_text()


def test_stress_page_runs_a_scenario_and_shows_progress(page, live_bundled_app, tmp_path, token):
    page.goto(f"{live_bundled_app}/stress#token={token}")
    expect(page.locator("#dw-scenarios option")).not_to_have_count(0)
    page.locator("#dw-scenarios").select_option("base")
    page.locator("input[name=draws]").fill("60")
    page.locator("#dw-stress button").click()
    # base with its sensitivity table takes 25-30 s on a loaded 2-core machine: wait up to 120 s
    expect(page.locator("#dw-stress-state")).to_contain_text("done · 100 %", timeout=120000)
    # tables and fan charts as the report draws them; no raw JSON on the page (it is one link away)
    assert page.locator("#dw-stress-tables table").count() >= 4  # who fails, what moves it, groups, capex...
    assert page.locator("#dw-stress-fans svg.dw-fan").count() >= 2
    assert page.locator("pre").count() == 0 and '"scenario"' not in page.locator("body").inner_text()
    link = page.locator("#dw-stress-json-link").get_attribute("href")
    result = page.request.get(f"{live_bundled_app}{link}").json()["result"]
    from dealweb.sim.scenario import DEFAULT_SEED

    assert result["scenario"] == "base" and result["runs"] == 60 and result["seed"] == DEFAULT_SEED
    assert page.locator("#dw-progress").evaluate("e => e.value") == 1
    page.screenshot(path=str(tmp_path / "stress.png"))


def test_article_with_a_script_payload_is_read_as_text(page, live_app, token):
    base, _ = live_app
    page.goto(f"{base}/review#token={token}")
    page.fill("input[name=id]", "evil-1")
    page.fill("input[name=title]", "<img src=x onerror=\"window.__pwned=3\">")
    page.fill("textarea[name=text]", "輝達宣佈向OpenAI投資1000億美元。" + PAYLOAD + " Nvidia <b>invests</b>.")
    page.click("#dw-article button")
    expect(page.locator("#dw-status")).to_contain_text("claim(s) proposed")
    expect(page.locator(".dw-proposal")).not_to_have_count(0)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator(".dw-proposal script, .dw-proposal img, .dw-proposal b").count() == 0
