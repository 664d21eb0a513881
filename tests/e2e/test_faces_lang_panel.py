"""The report's source panel (written by its script) in both Chinese scripts: part of the language check.

``tests/test_faces_lang.py`` reads the HTML the server writes; the panel beside the map is written in the
browser by ``report.js`` when a reader clicks a firm, a deal or a fact. Here every record of a bundled
ledger is opened in headless Chromium and the panel is held to the same rule
(:func:`lang_check.untranslated`): no English word that is not a firm name, an id or text marked as written
elsewhere (a quote, an outlet, a ledger's note).
"""

from __future__ import annotations

from functools import cache

import pytest

from dealweb.ledger import load_ledger
from dealweb.report.analysis import analysis_of
from dealweb.report.html import render_report
from lang_check import untranslated
from test_faces_lang import SCENARIO_WORDS

#: Opens every record in turn (the page's own click handler, as a reader's click) and keeps the panel's HTML.
OPEN_EVERY_RECORD = """() => {
  const data = JSON.parse(document.getElementById("dw-data").textContent);
  const a = document.createElement("a"); document.body.appendChild(a);
  const out = [];
  for (const [kind, coll] of [["deal", data.deals], ["fact", data.facts], ["entity", data.entities]]) {
    for (const id of Object.keys(coll)) {
      a.setAttribute("data-ref", kind + ":" + id); a.click();
      out.push([kind + ":" + id, document.getElementById("dw-panel").outerHTML]);
    }
  }
  return out;
}"""


@cache
def _ledger(name: str):  # noqa: ANN202
    lg = load_ledger(name).ledger
    return lg, analysis_of(lg, stress=False)


@pytest.mark.parametrize(("name", "lang"), [("ai-capex-2025", "zh-Hant"), ("ai-capex-2025", "zh-Hans"),
                                            ("ai-deals-2025-26", "zh-Hant")])
def test_source_panel_of_every_record_speaks_chinese(page, tmp_path, name, lang):
    lg, an = _ledger(name)
    out = tmp_path / "report.html"
    out.write_text(render_report(lg, analysis=an, lang=lang), encoding="utf-8")
    page.goto(out.as_uri())
    page.wait_for_selector("#dw-panel")
    panels = page.evaluate(OPEN_EVERY_RECORD)
    assert len(panels) == len(lg.deals) + len(lg.facts) + len(lg.entities)
    bad = [f"{ref}: {b}" for ref, html in panels
           for b in untranslated(f'<html lang="{lang}"><body>{html}</body></html>', lang, lg, SCENARIO_WORDS)]
    assert bad == [], "\n".join(bad[:20])
    # the conflicts are said in Chinese around the sources' own words (which are marked, not translated)
    conflicted = [html for ref, html in panels if "dw-conflict" in html]
    assert conflicted
    flagged = "標記為" if lang == "zh-Hant" else "标记为"
    assert any(flagged in html for html in conflicted)
    assert all('class="dw-verbatim"' in html for html in conflicted)


def test_panel_check_sees_english_the_script_writes(page, tmp_path):
    """The check can fail: a panel whose script wrote an English word the catalogue lacks is reported."""
    lg, an = _ledger("ai-capex-2025")
    out = tmp_path / "report.html"
    out.write_text(render_report(lg, analysis=an, lang="zh-Hant"), encoding="utf-8")
    page.goto(out.as_uri())
    page.wait_for_selector("#dw-panel")
    page.evaluate("() => { const p = document.getElementById('dw-panel'); "
                  "const e = document.createElement('p'); e.textContent = 'Source unknown'; p.appendChild(e); }")
    html = page.evaluate("() => document.getElementById('dw-panel').outerHTML")
    assert untranslated(f'<html lang="zh-Hant"><body>{html}</body></html>', "zh-Hant", lg, SCENARIO_WORDS)
