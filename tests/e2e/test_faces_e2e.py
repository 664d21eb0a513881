"""The web app's new pages in headless Chromium, in each language (issue 15, parts 2-4).

Each test fails on any console error (see conftest). Screenshots go to $DEALWEB_SHOTS when set, so a person
can look at them after the run.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from dealweb.i18n import LANGS, catalogue

SANS_ENGLISH = re.compile(r"\b(Who pays|Money loops|Receives|Download|Scenario|Proposals)\b")


@pytest.mark.parametrize("lang", LANGS)
def test_money_page_draws_the_charts_in_each_language(page, live_bundled_app, shots, lang):
    cat = catalogue(lang)
    page.goto(f"{live_bundled_app}/money?lang={lang}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    figs = page.locator("figure.dw-chart-fig")
    assert figs.count() == 3  # who pays, exposure, loops
    assert page.locator("figure.dw-chart-fig svg.dw-chart").count() == 3
    body = page.locator("main").text_content()
    assert cat["who.heading"] in body and cat["loops.heading"] in body and cat["exposure.col.receives"] in body
    if lang != "en":
        assert not SANS_ENGLISH.search(body)
        assert ("億美元" if lang == "zh-Hant" else "亿美元") in body
    # a conditional loop is marked apart from a firm one, in the table and the chart
    assert page.locator("#dw-loops tr.dw-loop-conditional").count() >= 1
    assert page.locator('figure[data-chart="loops"] rect[fill="url(#dw-hatch)"]').count() >= 1
    # the charts sit inside the page width (no label cut off on the left)
    for k in range(3):
        box = figs.nth(k).locator("svg").bounding_box()
        assert box and box["x"] >= 0 and box["width"] > 300
    # download links give files
    for ext, kind in (("png", "image/png"), ("svg", "image/svg+xml")):
        href = figs.first.locator(f"figcaption a[href$='.{ext}']").get_attribute("href")
        r = page.request.get(f"{live_bundled_app}{href}")
        assert r.status == 200 and r.headers["content-type"].startswith(kind)
    page.screenshot(path=str(shots / f"money.{lang}.png"), full_page=True)


@pytest.mark.parametrize("app,lang", [("live_bundled_app", "zh-Hant"), ("live_current_app", "zh-Hans")])
def test_stress_page_runs_in_chinese_with_chart_downloads(page, request, shots, token, app, lang):
    # both bundled ledgers: the seeds' web and the current web, each with the scenarios written for it
    live_bundled_app = request.getfixturevalue(app)
    cat = catalogue(lang)
    page.goto(f"{live_bundled_app}/stress?lang={lang}#token={token}")
    page.locator("#dw-scenarios").select_option("base")
    page.locator("input[name=draws]").fill("40")
    page.locator("#dw-stress button").click()
    expect(page.locator("#dw-stress-state")).to_contain_text(cat["web.js.job_done"])
    expect(page.locator("#dw-stress-fans svg.dw-fan")).to_have_count(2)
    heads = page.locator("#dw-stress-tables th").all_text_contents()
    assert cat["stress.col.entity"] in heads and cat["stress.col.default_p"] in heads
    assert not SANS_ENGLISH.search(page.locator("#dw-stress-tables h3").first.inner_text())
    links = page.locator("#dw-stress-fans figcaption a")
    assert links.count() == 4
    r = page.request.get(live_bundled_app + links.nth(1).get_attribute("href"))
    assert r.status == 200 and r.body()[:8] == b"\x89PNG\r\n\x1a\n"
    page.screenshot(path=str(shots / f"stress.{app}.{lang}.png"), full_page=True)


def test_stress_page_says_not_assessed_when_no_scenario_fits(page, live_app, shots):
    base, _ = live_app  # a small ledger no bundled scenario was written for
    page.goto(f"{base}/stress?lang=zh-Hant")
    box = page.locator("#dw-stress-not-assessed")
    expect(box).to_be_visible()
    assert catalogue("zh-Hant")["web.stress.not_assessed"] in box.inner_text()
    assert "docs/simulation.md" in box.inner_text()
    assert page.locator("#dw-stress").count() == 0
    page.screenshot(path=str(shots / "stress-not-assessed.zh-Hant.png"), full_page=True)


@pytest.mark.parametrize("lang,query,want", [("zh-Hans", "辉达", "nvidia"), ("zh-Hant", "英偉達", "nvidia"),
                                             ("en", "ＯＰＥＮＡＩ", "openai")])
def test_entity_search_as_a_reader_types(page, live_current_app, shots, lang, query, want):
    page.goto(f"{live_current_app}/?lang={lang}")
    page.locator("input[name=q]").fill(query)
    page.locator("form[role=search] button").click()
    rows = page.locator("#dw-entities tbody tr")
    expect(rows.first).to_be_visible()
    first = rows.first.locator("a").first.get_attribute("href")
    assert first == f"/entities/{want}"
    page.screenshot(path=str(shots / f"search.{lang}.png"))


@pytest.mark.parametrize("lang", LANGS)
def test_review_shows_the_article_with_the_span_highlighted(page, live_app, shots, token, lang):
    base, _ = live_app
    page.goto(f"{base}/review?lang={lang}#token={token}")
    page.fill("input[name=id]", "story-1")
    page.fill("input[name=title]", "A story")
    text = ("Background first, a long paragraph about the market. "
            "Nvidia will invest up to $100 billion in OpenAI, the companies said on Monday. "
            "Oracle signed a $300 billion cloud contract with OpenAI. The end.")
    page.fill("textarea[name=text]", text)
    page.click("#dw-article button")
    expect(page.locator(".dw-proposal")).not_to_have_count(0)
    mark = page.locator("#dw-article-text mark.dw-span")
    expect(mark.first).to_be_visible()
    quote = page.locator(".dw-proposal.dw-current .dw-pquote").inner_text()
    assert "".join(mark.all_inner_texts()) == quote
    assert page.locator("#dw-article-text").inner_text().replace("\n", " ").strip() == text
    # another proposal's sentence is highlighted when chosen
    if page.locator(".dw-proposal").count() > 1:
        page.locator(".dw-proposal").nth(1).locator(".dw-show").click()
        q2 = page.locator(".dw-proposal").nth(1).locator(".dw-pquote").inner_text()
        expect(page.locator(".dw-proposal").nth(1)).to_have_class(re.compile("dw-current"))
        page.wait_for_function("q => Array.from(document.querySelectorAll('#dw-article-text mark.dw-span'))"
                               ".map(m => m.textContent).join('') === q", arg=q2)
        assert page.locator("#dw-article-text mark.dw-field").count() >= 1  # its figures and names underlined
    page.screenshot(path=str(shots / f"review.{lang}.png"), full_page=True)


@pytest.mark.console_errors("status of 4")  # the refused requests themselves
def test_hostile_requests_get_a_clean_4xx(page, live_current_app, token):
    base = live_current_app
    cases = [("GET", "/charts/..%2F..%2Fetc%2Fpasswd", None), ("GET", "/charts/who-pays.xx.svg", None),
             ("GET", "/charts/" + "x" * 300 + ".en.png", None), ("GET", "/api/proposals/%00/article", None),
             ("GET", "/api/stress/nojob/charts/gap.en.png", None), ("GET", "/entities/%3Cscript%3E", None),
             ("POST", "/api/stress", {"scenario": "<script>", "draws": -1}),
             ("POST", "/api/articles", {"text": 5})]
    for method, path, body in cases:
        r = (page.request.get(base + path) if method == "GET" else
             page.request.post(base + path, data=json.dumps(body),
                               headers={"Content-Type": "application/json", "X-Dealweb-Token": token}))
        assert 400 <= r.status < 500, (path, r.status)
        text = r.text()
        assert "Traceback" not in text and "<script>" not in text.replace("\\u003c", "<").split('"detail"')[0]
    # an unknown language is English, not an error
    page.goto(f"{base}/money?lang=%3Cscript%3E")
    expect(page.locator("html")).to_have_attribute("lang", "en")
