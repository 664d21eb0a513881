"""Every word of the report and the web app in the chosen language (issue 15, part 2).

The report of both bundled ledgers (with its stress tables) and every page of the web app are rendered in
Traditional and Simplified Chinese; :func:`lang_check.untranslated` lists any visible text holding a Latin
word that is neither in that language's catalogue, nor a firm name or id, nor marked as written elsewhere
(quotes, titles, a room's own prose: ``translate="no"``). The checker itself is shown to fail on planted
English first.
"""

from __future__ import annotations

import pickle
import re

import pytest
from fastapi.testclient import TestClient

from dealweb.i18n import Join, Msg, Val, Verbatim, catalogue, name_of, say
from dealweb.ledger import load_ledger
from dealweb.model import Entity
from dealweb.report.analysis import analysis_of
from dealweb.report.html import render_report, say_html
from dealweb.sim import bundled_scenarios
from dealweb.web import create_app
from lang_check import untranslated, visible_texts

LEDGERS = ("ai-capex-2025", "ai-deals-2025-26")
ZH = ("zh-Hant", "zh-Hans")
#: the bundled scenarios' names are ids (file names), shown as they are
SCENARIO_WORDS = set(bundled_scenarios()) | {w for n in bundled_scenarios() for w in re.findall(r"[A-Za-z]+", n)}


@pytest.fixture(scope="module")
def ledgers():
    return {name: load_ledger(name).ledger for name in LEDGERS}


@pytest.fixture(scope="module")
def analyses(ledgers):
    # few runs: the words of the stress tables, not their figures, are under test
    return {name: analysis_of(lg, stress=True, draws=40) for name, lg in ledgers.items()}


def test_the_checker_finds_planted_english(ledgers):
    lg = ledgers["ai-capex-2025"]
    page = ('<html lang="zh-Hant"><body><h2>資金循環</h2><table><tr><th>Smallest link</th></tr></table>'
            '<p translate="no">A quote in English</p><blockquote>Another quote</blockquote>'
            '<a lang="en">English</a><svg><text>Who pays</text></svg>'
            '<p>甲骨文 · Oracle · 4,550億美元 · GW</p></body></html>')
    bad = untranslated(page, "zh-Hant", lg)
    assert len(bad) == 2 and "Smallest link" in bad[0] and "Who pays" in bad[1]
    # and the same words are fine on an English page, whose catalogue has them
    assert untranslated(page.replace("zh-Hant", "en"), "en", lg) == []


@pytest.mark.parametrize("name", LEDGERS)
@pytest.mark.parametrize("lang", ZH)
def test_report_has_no_untranslated_words(ledgers, analyses, name, lang):
    lg, an = ledgers[name], analyses[name]
    html = render_report(lg, analysis=an, lang=lang)
    assert untranslated(html, lang, lg, SCENARIO_WORDS) == []
    cat = catalogue(lang)
    # the tables built in the rooms are there, in this language
    for key in ("exposure.title", "exposure.col.receives", "metrics.col.result", "waterfall.col.firm_owed"):
        assert cat[key] in html, key
    if an.stress_tables:
        assert cat["stress.col.default_p"] in html and cat["stress.col.appetite_end"] in html
    # amounts in the myriads, never "$...B"
    texts = " ".join(t for _, t in visible_texts(html))
    assert ("億美元" if lang == "zh-Hant" else "亿美元") in texts
    assert not re.search(r"\$\d[\d.,]*[BMT]\b", texts)


def test_stress_not_assessed_note_is_translated():
    from report_fixtures import small_ledger

    lg = small_ledger()  # no bundled scenario was written for it
    an = analysis_of(lg, stress=True, draws=4)
    assert not an.fans and "stress" in an.notes
    html = render_report(lg, analysis=an, lang="zh-Hans")
    assert catalogue("zh-Hans")["stress.not_run"].split("{")[0] in html  # "未执行的情境：", then why
    assert untranslated(html, "zh-Hans", lg, SCENARIO_WORDS) == []


@pytest.fixture(scope="module", params=LEDGERS)
def app(request, ledgers):
    name = request.param
    return name, ledgers[name], TestClient(create_app(name, token="t" * 24, allowed_hosts=["testserver"]))


def _pages(lg) -> list[str]:
    ent = next(iter(sorted(lg.entities)))
    deal = next(iter(sorted(lg.deals)))
    return ["/", "/?q=%E8%BC%9D", "/deals", "/facts", "/sources", "/review", "/stress", "/money", "/map",
            f"/deals/{deal}", f"/entities/{ent}"] + [f"/entities/{e}" for e in sorted(lg.entities)[:40]]


@pytest.mark.parametrize("lang", ZH)
def test_every_web_page_in_chinese(app, lang):
    name, lg, client = app
    for path in _pages(lg):
        r = client.get(path + ("&" if "?" in path else "?") + f"lang={lang}")
        assert r.status_code == 200, path
        assert f'<html lang="{lang}">' in r.text, path
        assert untranslated(r.text, lang, lg, SCENARIO_WORDS) == [], path


def test_english_pages_keep_their_words(app):
    _, lg, client = app
    money = client.get("/money?lang=en").text
    assert "Who pays" in money and "Money loops" in money and "Receives (USD)" in money


# ---- the text objects the tables are made of -----------------------------------------------------------

def test_texts_are_english_strings_said_again_in_chinese():
    e = Entity("nv", {"en": "Nvidia", "zh-Hant": "輝達"})
    name = name_of(e)
    cell = Msg("exposure.largest", name=name, share="80%")
    assert cell == "Nvidia (80%)" and {cell: 1}["Nvidia (80%)"] == 1  # a str: JSON, CSV and lookups unchanged
    assert say(cell, "zh-Hant") == "輝達（80%）"
    assert say(cell, "zh-Hans") == "辉达（80%）"  # folded by OpenCC from the Traditional name
    assert say(Val(4.55e11), "zh-Hant") == "4,550億美元" and say(Val(4.55e11), "zh-Hans") == "4,550亿美元"
    assert say(Val(1.5e12), "zh-Hans") == "1.5万亿美元" and Val(1.5e12) == "$1.5T"
    assert say(Join([name, "x"]), "zh-Hant") == "輝達、x" and Join([name, "x"]) == "Nvidia, x"
    for text in (cell, name, Val(3e9, "usd_per_year"), Join([name, Verbatim("q", "en")], " · ")):
        back = pickle.loads(pickle.dumps(text))
        assert back == text and say(back, "zh-Hant") == say(text, "zh-Hant")


def test_verbatim_text_is_marked_and_escaped():
    html = str(say_html(Msg("notes.not_assessed", why=Verbatim("needs <revenue>", "en")), "zh-Hant"))
    assert html == '未評估：<span class="dw-verbatim" translate="no" lang="en">needs &lt;revenue&gt;</span>'


def test_left_out_table_says_what_was_actually_left_out(ledgers):
    """Firm money only: all conditional money is left out. With --include conditional, only the conditional
    flows with no date (no quarter to pay them in) are: the title and the note say so, in each language."""
    from dealweb.report.rooms import stress_tables
    from dealweb.sim import bundled_scenarios, load_scenario, stress

    lg = ledgers["ai-deals-2025-26"]
    sc = load_scenario(bundled_scenarios(lg.name)["base"])
    titles = {}
    for include in ((), ("conditional",)):
        summary = stress(sc, lg, runs=20, seed=1, sensitivity=False, include=include).summary(top=5)
        left = summary["money"]["left_out"]
        table = next(t for t in stress_tables(summary) if t.title.key.startswith("stress.title.left_out"))
        assert len(table.rows) == len(summary["money"]["left_out_by_firm"])
        titles[include] = table
        if include:
            assert left and not any(x["scheduled"] for x in left)  # only the undated ones stay out
    firm, cond = titles[()], titles[("conditional",)]
    assert firm.title == "base: conditional money left out of the runs (20 runs, seed 1)"
    assert cond.title == "base: conditional money with no date, left out of the runs (20 runs, seed 1)"
    assert "only with --include conditional" in firm.note and "These runs count conditional money" in cond.note
    assert say(cond.title, "zh-Hant").startswith("base：沒有日期")
    assert say(cond.title, "zh-Hans").startswith("base：没有日期")
