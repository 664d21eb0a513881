"""The review page asks what the CLI asks (issue 13): a new document's outlet and date, then whether to add a
firm the ledger does not know, with its names; the accept then lands whole, with the article kept."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dealweb.ledger import load_ledger


@pytest.mark.console_errors("status of 422")  # the accept that asks for answers first (by design)
def test_review_page_asks_for_the_document_and_the_unknown_firm(page, live_app, token):
    base, led = live_app
    page.goto(f"{base}/review#token={token}")
    form = page.locator("#dw-article")
    form.locator("input[name=id]").fill("amd-news")
    form.locator("input[name=title]").fill("AMD invests")
    form.locator("textarea[name=text]").fill("AMD will invest $5 billion in OpenAI.")
    form.locator("button").click()
    page.wait_for_selector(".dw-proposal")
    page.locator(".dw-accept").first.click()
    ask = page.locator(".dw-ask")
    expect(ask.locator("input[name=outlet]")).to_be_visible()
    assert not (led / "reviewed.yaml").exists()  # asked first, nothing written
    ask.locator("input[name=outlet]").fill("Example Wire")
    ask.locator("input[name=date]").fill("2025-10-07")
    ask.locator("button").click()
    names = page.locator(".dw-ask input[name='name:amd:zh-Hant']")
    expect(names).to_be_visible()
    assert page.locator(".dw-ask input[name='name:amd:en']").input_value() == "AMD"
    names.fill("超微")
    page.locator(".dw-ask button").click()
    expect(page.locator("#dw-status")).to_contain_text("written to")
    res = load_ledger(led)
    assert res.errors == []
    assert res.ledger.entities["amd"].names == {"en": "AMD", "zh-Hant": "超微"}
    doc = res.ledger.documents["amd-news"]
    assert (doc.outlet, str(doc.date), doc.file) == ("Example Wire", "2025-10-07", "documents/amd-news.txt")
    assert (led / "documents" / "amd-news.txt").read_text(encoding="utf-8") == "AMD will invest $5 billion in OpenAI."
