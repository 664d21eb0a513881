"""The analyses (waterfall, bridge, haircut cascade, scenarios side by side, not assessed) in headless Chromium.

The web app's /analyses page and the report's #analyses section, on both bundled ledgers and a small
ledger of one's own; the page fixture fails a test on any console error.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect


def test_default_ledger_page_shows_the_analyses_and_says_not_assessed(page, live_current_app, tmp_path):
    page.goto(f"{live_current_app}/")
    page.locator("nav a[href='/analyses']").click()
    page.wait_for_url("**/analyses")
    page.wait_for_load_state("load")
    expect(page.locator("h2")).to_have_text("Analyses")
    # the waterfall and the haircut are charts and tables; the bridge lists each loan's terms and sources
    assert page.locator("#analyses figure svg.dw-bars").count() >= 1
    assert page.locator("#analyses svg.dw-lines").count() == 1
    assert page.locator("table.dw-waterfall tbody tr").count() > 5
    assert page.locator("table.dw-haircut tbody tr").count() >= 5
    loans = page.locator("ul.dw-loans li")
    api = page.request.get(f"{live_current_app}/api/analyses").json()["bridge"]["loans"]
    assert loans.count() == len(api) >= 1, [x["deal"] for x in api]
    assert any("assumed:" in x for x in loans.all_inner_texts())
    # the scenarios written for this ledger run on demand (the button): until then the page says so
    expect(page.locator("#analyses-scenarios + p.dw-not-assessed")).to_contain_text("not run yet")
    page.screenshot(path=str(tmp_path / "analyses-default.png"), full_page=True)


def test_seed_ledger_runs_scenarios_side_by_side_with_a_tornado(page, live_bundled_app):
    page.goto(f"{live_bundled_app}/analyses")
    expect(page.locator("#analyses-scenarios + p")).to_contain_text("not run yet")
    page.locator("#dw-analyses-run input[name=runs]").fill("20")
    page.locator("#dw-analyses-run button").click()
    table = page.locator("table.dw-scenarios")
    expect(table).to_be_visible()
    head = table.locator("thead").inner_text()
    for name in ("base", "capital-drought", "openai-cannot-pay", "slow-ai-revenue"):
        assert f"{name}: default probability".lower() in head.lower()
    # runs and seed beside the results
    expect(page.locator("#analyses-scenarios + p")).to_contain_text("base: 20 runs, seed 20251015")
    assert page.locator("svg.dw-tornado rect").count() >= 4
    # the same view as JSON, with stable keys
    data = page.request.get(f"{live_bundled_app}/api/analyses?scenarios=true&runs=20").json()
    assert data["scenarios"]["runs"]["base"] == 20 and data["scenarios"]["tornado"]["rows"]
    assert {r["round"] for r in data["haircut"]["rounds"]} >= {0}


def test_chinese_page_and_own_ledger_say_not_assessed(page, live_app):
    base, _ = live_app
    page.goto(f"{base}/analyses?lang=zh-Hant")
    expect(page.locator("h2")).to_have_text("分析")
    items = page.locator("ul.dw-statuses li.dw-not-assessed")
    assert items.count() >= 3  # a small ledger without an analyses section: the tests are not assessed
    assert "未評估：需要" in items.first.inner_text() and "補上方法" in items.first.inner_text()
    assert "analyses" in items.first.inner_text()  # how to add it names the ledger section
    # no scenario was written for this ledger: not assessed, with how to write one, even after the button
    page.locator("#dw-analyses-run button").click()
    page.wait_for_load_state("load")
    note = page.locator("#analyses-scenarios + p.dw-not-assessed")
    expect(note).to_contain_text("未評估：需要 兩個以上為此帳本公司撰寫的壓力情境")
    expect(note).to_contain_text("scenario: ledger:")


def test_report_draws_the_analyses_section(page, tmp_path: Path):
    from dealweb.ledger import load_ledger
    from dealweb.report import render_report
    from dealweb.report.analysis import analysis_of

    ledger = load_ledger("ai-capex-2025").ledger
    html = render_report(ledger, analysis=analysis_of(ledger, draws=20))
    out = tmp_path / "report.html"
    out.write_text(html, encoding="utf-8")
    page.goto(out.as_uri())
    sec = page.locator("section#analyses")
    expect(sec.locator("h2")).to_have_text("Analyses")
    assert sec.locator("table.dw-haircut tbody tr").count() >= 5
    assert sec.locator("table.dw-scenarios tbody tr").count() >= 3
    expect(sec).to_contain_text("base: 20 runs, seed 20251015")  # the report's own stress runs, reused
    assert sec.locator("svg.dw-tornado").count() == 1 and sec.locator("svg.dw-bars").count() >= 1
    assert page.locator("nav a[href='#analyses']").count() == 1
