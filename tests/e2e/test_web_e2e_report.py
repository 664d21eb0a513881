"""The offline report in headless Chromium: the map draws, a click shows the quote, payloads stay text."""

from __future__ import annotations

from pathlib import Path

from dealweb.report import Analysis, LoopRow, render_report
from report_fixtures import QUOTE_NVDA, small_ledger

PAYLOAD = "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">"


def _open(page, tmp_path: Path, **kw) -> Path:
    an = Analysis(loops=[LoopRow(("nvidia", "openai", "oracle", "nvidia"),
                                 ("nvidia-openai-invest", "openai-oracle-cloud", "oracle-nvidia-chips"), 4e10)])
    out = tmp_path / "report.html"
    out.write_text(render_report(small_ledger(**kw), analysis=an), encoding="utf-8")
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(out.as_uri())
    page.wait_for_selector("svg.dw-map .dw-edge")
    return out, requests


def test_map_renders_and_a_click_shows_the_quote(page, tmp_path):
    out, requests = _open(page, tmp_path)
    assert page.locator("svg.dw-map path.dw-edge").count() == 6
    assert page.locator("svg.dw-map g.dw-node").count() == 6
    assert page.locator("svg.dw-map path.dw-halo").count() == 3
    box = page.locator("svg.dw-map").bounding_box()
    assert box["width"] > 600 and box["height"] > 350
    node = page.locator('g.dw-node[data-entity="nvidia"] circle').bounding_box()
    assert node["width"] > 20  # the largest market value draws the largest circle
    shot = tmp_path / "map.png"
    page.locator(".dw-map-box").screenshot(path=str(shot))
    assert shot.stat().st_size > 30_000  # a blank box compresses to a few kilobytes
    page.locator('.dw-elabel[data-deal="nvidia-openai-invest"]').click()
    panel = page.locator("#dw-panel")
    assert QUOTE_NVDA in panel.inner_text()
    assert "遠川研究所" in panel.inner_text() and "2025-10-14" in panel.inner_text()
    # A figure in the deals table opens the same sources, including a flagged (conflicting) claim.
    page.locator('a.dw-fig[data-ref="deal:openai-oracle-cloud"]').click()
    assert "unit slip" in panel.inner_text()
    assert all(u.startswith("file://") or u.startswith("data:") for u in requests)  # nothing fetched


def test_time_slider_hides_deals_not_yet_announced(page, tmp_path):
    _open(page, tmp_path)
    # Chapter 0 is 2025-Q3: only the Oracle contract has a source dated by 2025-09-30 (2025-09-24).
    page.locator("#dw-slider").fill("0")
    visible = page.locator("svg.dw-map path.dw-edge:not(.dw-off)")
    assert visible.count() == 1
    assert visible.first.get_attribute("data-deal") == "openai-oracle-cloud"
    assert page.locator("#dw-date").inner_text() == "2025-Q3"
    assert page.locator("#dw-changed").inner_text().startswith("2025-Q3: 1 deals made known")
    assert "2025-09-24" in page.locator("#dw-events").text_content()  # inside the closed <details>
    # 2025-Q4: the Nvidia letter "up to $100B" is known, and drawn dashed (conditional then).
    page.locator("#dw-next").click()
    assert page.locator("#dw-date").inner_text() == "2025-Q4"
    assert page.locator('path.dw-edge[data-deal="nvidia-openai-invest"]').get_attribute("stroke-dasharray") == "8 5"
    assert page.locator("svg.dw-map path.dw-edge:not(.dw-off)").count() == 3


def test_script_payload_in_the_ledger_is_shown_as_text(page, tmp_path):
    _open(page, tmp_path, evil=PAYLOAD)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    page.locator('.dw-elabel[data-deal="nvidia-openai-invest"]').click()
    assert PAYLOAD in page.locator("#dw-panel").inner_text()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#dw-panel script, #dw-panel img").count() == 0
