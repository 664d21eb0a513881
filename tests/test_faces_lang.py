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


def _scenario_ids() -> set[str]:
    """The bundled scenarios' ids: their file names and their capital groups' names (a scenario's own ids)."""
    from dealweb.sim import load_scenario

    ids = set()
    for ledger in (None, *LEDGERS):
        for name, path in bundled_scenarios(ledger).items():
            ids |= {name, *(g.name for g in load_scenario(path).groups)}
    return ids | {w for n in ids for w in re.findall(r"[A-Za-z]+", n)}


#: the bundled scenarios' names and capital groups are ids (file names, a scenario's keys), shown as they are
SCENARIO_WORDS = _scenario_ids()


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


# ---- the rooms' own explanations: structured (a key and its fields), said in each language ------------------

def _latin(text: str, lang: str, lg, extra=frozenset()) -> list[str]:
    from lang_check import allowed_words

    ok = allowed_words(lang, lg, SCENARIO_WORDS | set(extra))
    return [w for w in re.findall(r"[A-Za-z][A-Za-z'’\-]{2,}", text) if w not in ok and w.strip("-'’") not in ok]


def test_bubble_verdict_is_english_for_the_cli_and_chinese_on_the_page():
    """Worked by hand: P/E 26 against a reference of 50 is 0.52 of it, no PEG; free cash flow -$0.36B with
    capex $8.5B is a leverage sign. The English sentence is the CLI's, word for word; the Chinese one counts
    the same parts, names them in Chinese and writes the money in 億."""
    from dealweb.metrics.bubble import BubbleEntity, BubbleInputs, bubble

    r = bubble(BubbleInputs(entities=(BubbleEntity("x", forward_pe=26.0, capex=8.5e9, free_cash_flow=-0.36e9),),
                            reference_pe=50.0))
    v = r.verdict("x").verdict
    assert v == ("x: 1 of 2 assessed parts show a bubble sign (leverage: free cash flow -$0.36B with capex $8.50B: "
                 "capex exceeds operating cash flow and is paid with outside money)")
    assert isinstance(v, Msg) and {p.name: p.reason for p in r.verdict("x").parts}["overvaluation"] == (
        "forward P/E 26.0x is 0.52 of the reference 50.0x; PEG n/a")
    assert say(v, "zh-Hant") == ("x：已評估的 2 個面向中有 1 個顯示泡沫跡象（槓桿：自由現金流 -3.6億美元，"
                                 "資本支出 85億美元：資本支出超過營運現金流，以外部資金支付）")
    assert "-3.6亿美元" in say(v, "zh-Hans") and "杠杆" in say(v, "zh-Hans")
    ov = {p.name: p.reason for p in r.verdict("x").parts}["overvaluation"]
    assert say(ov, "zh-Hant") == "預期本益比 26.0x，為參考值 50.0x 的 0.52；PEG 不適用"
    assert pickle.loads(pickle.dumps(v)) == v and say(pickle.loads(pickle.dumps(v)), "zh-Hans") == say(v, "zh-Hans")


@pytest.mark.parametrize("lang", ZH)
def test_every_metric_assumption_is_said_in_chinese(ledgers, lang):
    """Every assumption and input note the metrics write themselves is a catalogue message: its English is the
    CLI's (``--json`` unchanged), and in Chinese it holds no English word."""
    from dealweb.metrics.presets import all_results

    lg = ledgers["ai-capex-2025"]
    seen = 0
    for name, result in all_results(lg).items():
        d = result.as_dict()
        # the room's assumptions, and the notes of inputs that are not a ledger figure (a ledger figure is shown
        # by its quote, cited by its record id)
        notes = [*(d.get("assumptions") or []),
                 *((v.get("source") or {}).get("note") for v in (d.get("inputs") or {}).values()
                   if isinstance(v, dict) and (v.get("source") or {}).get("kind") != "ledger")]
        for a in notes:
            if not a:
                continue
            seen += 1
            assert isinstance(a, Msg) or _is_ledger_text(lg, a), (name, a)
            if isinstance(a, Msg):
                assert str(a) == catalogue("en")[a.key].format(**{k: str(x) for k, x in a.args.items()})
                assert _latin(say(a, lang), lang, lg) == [], (name, a.key, say(a, lang))
    assert seen > 30


def _is_ledger_text(lg, text: str) -> bool:
    """Text written in the ledger itself (an analyses record's assumption, a fact's or deal's note): data."""
    if lg.analyses is None:
        return False
    written = {str(getattr(r, "assumption", "") or "") for recs in lg.analyses.tests.values() for r in recs}
    written |= {str(getattr(f, "note", "") or "") for recs in lg.analyses.tests.values() for r in recs
                for f in (getattr(r, "figures", {}) or {}).values()}
    return text in written or any(text.endswith(f"({w})") or w in text for w in written if w)


@pytest.mark.parametrize("lang", ZH)
def test_sensitivity_rows_and_left_out_money_are_said_in_chinese(ledgers, analyses, lang):
    """The stress sensitivity table (assumption, base, source, bump), the "moved most by" column, the tornado
    and the money left out: the simulation room's words, said in Chinese, none marked as English any more."""
    from dealweb.report.html import say_html

    for name, an in analyses.items():
        lg = ledgers[name]
        moves = [t for t in an.stress_tables if t.title.key == "stress.title.moves"]
        assert moves, name
        for table in moves:
            for row in table.rows:
                for col, cell in row.items():
                    html = str(say_html(cell, lang))
                    assert 'lang="en"' not in html, (name, say(col, "en"), html)
                    assert _latin(re.sub(r"<[^>]+>.*?</span>", "", html), lang, lg) == [], (say(col, "en"), html)
        for s in an.stress_summaries.values():
            for r in s["sensitivity"]["rows"]:
                assert isinstance(r["assumption"], Msg) and isinstance(r["source"], Msg), r["key"]
        for table in an.stress_tables:
            if table.title.key.startswith(("stress.title.left_out", "stress.title.who_fails", "stress.title.capex",
                                           "stress.title.contracts")):
                for row in table.rows:
                    for cell in row.values():
                        assert 'lang="en"' not in str(say_html(cell, lang)), (table.title, cell)
                if table.title.key.startswith("stress.title.left_out"):
                    assert 'lang="en"' not in str(say_html(table.note, lang))
    # the tornado's labels, on the page
    html = render_report(ledgers["ai-capex-2025"], analysis=analyses["ai-capex-2025"], lang=lang)
    tornado = re.search(r'<svg[^>]*dw-tornado.*?</svg>', html, re.S).group(0)
    assert 'lang="en"' not in tornado and ("市場胃納" if lang == "zh-Hant" else "市场胃纳") in tornado


def test_metric_tables_in_chinese_mark_only_ledger_text_as_english(ledgers, analyses):
    """The metrics dashboard: verdict rows and assumption notes are said in Chinese; what stays marked as
    English is text written in the ledger (an analyses record's own note), never the room's words."""
    from dealweb.report.html import say_html

    lg, an = ledgers["ai-capex-2025"], analyses["ai-capex-2025"]
    verdicts = 0
    for table in an.metrics:
        html = " ".join(str(say_html(c, "zh-Hant")) for row in table.rows for c in row.values())
        html += str(say_html(table.note, "zh-Hant"))
        for m in re.finditer(r'lang="en">([^<]*)<', html):
            import html as h

            assert _is_ledger_text(lg, h.unescape(m.group(1))), (say(table.title, "en"), m.group(1))
        verdicts += html.count("泡沫跡象")
    assert verdicts >= 2


def test_conflict_messages_survive_the_ledger_cache(tmp_path, monkeypatch):
    """A warm ledger cache gives back the loader's conflict messages as messages (said in Chinese on a page),
    not as their English text: the cache stores the key and the fields."""
    from dealweb.ledger.cache import dumps, loads

    monkeypatch.setenv("DEALWEB_CACHE_DIR", str(tmp_path))
    cold = load_ledger("ai-capex-2025").ledger
    warm = load_ledger("ai-capex-2025").ledger
    for lg in (warm, loads(dumps(list(cold.conflicts)))):
        conflicts = lg.conflicts if hasattr(lg, "conflicts") else lg
        assert [c.message for c in conflicts] == [c.message for c in cold.conflicts]
        assert all(isinstance(c.message, Msg) for c in conflicts)
        assert [say(c.message, "zh-Hant") for c in conflicts] == [say(c.message, "zh-Hant") for c in cold.conflicts]
    assert "標記為" in say(cold.conflicts[0].message, "zh-Hant") or "但" in say(cold.conflicts[0].message, "zh-Hant")


@pytest.mark.parametrize("lang", ZH)
def test_not_assessed_lines_are_said_in_chinese(lang):
    """A ledger without an analyses section: every test's "not assessed: needs X / how to add X" line, in the
    report's metrics room and the app's analyses page, is in Chinese (keys, ids and flags marked as written)."""
    from dealweb.metrics.presets import all_results
    from dealweb.report.analyses_view import analyses_view, render_analyses
    from report_fixtures import small_ledger

    lg = small_ledger()
    results = {n: r.as_dict() for n, r in all_results(lg).items()}
    assert sum(d.get("assessed") is False for d in results.values()) >= 5
    # the English (CLI, --json) is the catalogue's English, byte for byte
    assert results["capacity"]["how"].startswith(
        "needs analyses.capacity.gw (a capacity to convert: a figure, or a deal with capacity_gw named in "
        "analyses.capacity.per_gw, or pass --gw)")
    cat = catalogue(lang)
    report = render_report(lg, analysis=analysis_of(lg, stress=False), lang=lang)
    page = str(render_analyses(analyses_view(lg), lang, {}, face="web"))
    for html in (report, page):
        assert untranslated(html, lang, lg, SCENARIO_WORDS) == []
        assert cat["metrics.na.what.capex"] in html and cat["metrics.na.what.margin"] in html
        assert "add it to the ledger" not in html and "name the firm" not in html
    assert page.count('class="dw-not-assessed"') >= 5
