"""The HTML report: self-contained, escaped, sourced; and the ``dealweb report`` command."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from dealweb.report import Analysis, LoopRow, render_report, script_json
from report_fixtures import LEDGER_YAML, QUOTE_NVDA, small_ledger

EVIL = "</script><script>window.__pwned=1</script>\u2028"



def test_script_json_cannot_close_the_script_element():
    data = {"q": EVIL, "amp": "a&b>c"}
    text = script_json(data)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == data


def test_report_is_self_contained():
    html = render_report(small_ledger(), analysis=Analysis())
    assert not re.search(r"<link\b|@import|url\(\s*['\"]?https?:", html)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "<style>" in html and "<script>" in html
    assert "default-src 'none'" in html  # the page may not fetch anything even if someone adds a link


def test_ledger_text_is_escaped_everywhere():
    html = render_report(small_ledger(evil=EVIL), analysis=Analysis())
    assert "<script>window.__pwned" not in html
    assert "&lt;script&gt;window.__pwned=1" in html  # drawn as text in the map and tables
    # Exactly our two script elements (the data island and our code).
    assert len(re.findall(r"<script\b", html)) == 2


def test_quotes_outlet_title_and_date_travel_with_each_deal():
    html = render_report(small_ledger(), analysis=Analysis())
    island = re.search(r'<script type="application/json" id="dw-data">(.*?)</script>', html, re.S).group(1)
    data = json.loads(island)
    claim = data["deals"]["nvidia-openai-invest"]["claims"][0]
    assert claim["quote"] == QUOTE_NVDA
    assert (claim["outlet"], claim["title"], claim["date"]) == ("遠川研究所", "AI行情到了第幾層?", "2025-10-14")
    assert data["deals"]["openai-oracle-cloud"]["claims"][1]["flag"] == "unit_slip"
    # The flagged deal is marked as a conflict in the deals table.
    row = re.search(r'<tr data-deal-row="openai-oracle-cloud">.*?</tr>', html, re.S).group(0)
    assert 'class="dw-conflict"' in row


def test_loops_table_and_definition():
    an = Analysis(loops=[LoopRow(("nvidia", "openai", "oracle", "nvidia"),
                                 ("nvidia-openai-invest", "openai-oracle-cloud", "oracle-nvidia-chips"), 4e10)])
    html = render_report(small_ledger(), analysis=an)
    assert "Nvidia → OpenAI → Oracle → Nvidia" in html
    assert "$40B" in html
    assert "round-tripping" in html
    assert html.count('class="dw-halo"') == 3


def test_report_is_deterministic():
    assert render_report(small_ledger(), analysis=Analysis()) == render_report(small_ledger(), analysis=Analysis())


def test_report_command_writes_html_svg_and_png(tmp_path):
    from dealweb.cli import main

    led = tmp_path / "tiny"
    led.mkdir()
    (led / "ledger.yaml").write_text(LEDGER_YAML, encoding="utf-8")
    out, svg, png = tmp_path / "r.html", tmp_path / "m.svg", tmp_path / "m.png"
    res = CliRunner().invoke(main, ["report", str(led), "-o", str(out), "--svg", str(svg), "--png", str(png),
                                    "--no-stress", "--json"])
    assert res.exit_code == 0, res.output
    info = json.loads(res.output)
    assert info["written"]["report"] == str(out) and info["deals"] == 3
    html = out.read_text(encoding="utf-8")
    assert "Nvidia will invest up to $100 billion" in html
    text = svg.read_text(encoding="utf-8")
    assert text.startswith("<svg") and "up to $100B" in text and "輝達" in text
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000


def test_report_command_fails_in_one_line_on_a_bad_date(tmp_path):
    from dealweb.cli import main

    res = CliRunner().invoke(main, ["report", str(tmp_path), "--on", "yesterday"])
    assert res.exit_code == 2
    assert "error: --on 'yesterday' is not a date" in res.output
    assert "Traceback" not in res.output


def test_report_of_the_default_ledger_runs_its_own_scenarios(tmp_path, monkeypatch):
    """The README's main job: ``dealweb report -o report.html`` on the default ledger (the current web).

    The current web has scenarios written for its own firms (``scenarios/ai-deals-2025-26/``); the seeds'
    scenarios are never borrowed. Every section is filled, the stress section with fan charts run quickly
    (the scenarios' ``report_runs``), which the report says.

    The analysis the command gathered is kept (a spy: the real function runs, its result is looked at) and
    held to what ``tests/test_stress_current.py`` asked of ``analysis_of`` on the current web: every scenario
    run at the CLI's 2,000 runs, base with its sensitivity table, the others without, and the report says so.
    One run of the default stress (about a minute of one core) serves both checks.
    """
    import dealweb.report
    from dealweb.cli import main

    real, seen = dealweb.report.analysis_of, []

    def spy(ledger, *args, **kwargs):  # noqa: ANN001, ANN202
        an = real(ledger, *args, **kwargs)
        seen.append((ledger.name, args, kwargs, an))
        return an

    monkeypatch.setattr(dealweb.report, "analysis_of", spy)
    out = tmp_path / "report.html"
    res = CliRunner().invoke(main, ["report", "-o", str(out), "--json"])
    assert res.exit_code == 0, res.output
    # the command's own analysis: the default ledger, the CLI's defaults (none of seed, runs, date, money given)
    [(name, args, kwargs, an)] = seen
    assert name == "ai-deals-2025-26" and not args
    assert kwargs == {"on": None, "stress": True, "seed": None, "draws": None, "include": ()}
    names = ("base", "capital-drought", "openai-cannot-pay", "slow-ai-revenue")
    titles = [str(f.title) for f in an.fans]
    assert len(titles) == 2 * len(names), titles
    assert "stress" not in an.notes and "stress_quick" in an.texts
    quick = str(an.texts["stress_quick"])
    # base runs in full (with its sensitivity table); the other three without it, at the same 2,000 runs
    listed = quick.split("): ", 1)[1].split(". ", 1)[0].split(", ")
    assert listed == [n for n in names if n != "base"], quick
    assert "2,000" in quick
    assert all("2,000 runs" in t for t in titles), titles  # one default for runs in CLI and report
    info = json.loads(res.output)
    missing = {k for k in info["sections_missing"] if k not in {"who_pays_skipped"}}
    assert not missing, info["sections_missing"]
    assert info["loops"] >= 1
    html = out.read_text(encoding="utf-8")
    assert 'class="dw-fan"' in html and "report_runs" in html
    assert "written for another ledger" not in html
    assert html.count('class="dw-halo"') >= 3  # a loop drawn on the map
    assert 'class="dw-sankey"' in html


def test_report_of_the_seeds_ledger_with_stress_tests(tmp_path):
    """On the ledger the bundled scenarios were written for, every section is filled, fan charts included."""
    from dealweb.cli import main

    out = tmp_path / "report.html"
    # --runs is passed on (and said); few runs keep it quick (the figures are not under test here)
    res = CliRunner().invoke(main, ["report", "--ledger", "ai-capex-2025", "--runs", "37", "-o", str(out), "--json"])
    assert res.exit_code == 0, res.output
    info = json.loads(res.output)
    missing = {k for k in info["sections_missing"] if k != "who_pays_skipped"}
    assert not missing, info["sections_missing"]
    html = out.read_text(encoding="utf-8")
    assert html.count('class="dw-fan"') >= 2  # fan charts of the bundled stress scenarios
    assert "37 runs" in html and "2,000 runs" not in html


def test_report_read_as_of_a_date_opens_the_slider_there():
    from datetime import date

    # Chapters by hand: quarters from the earliest dated source (2025-09-24, the Oracle contract's) to the
    # last dated event (2025-11-01): 2025-Q3, 2025-Q4, then "as it stands". No look-ahead: the slider
    # opens on the last quarter ended on or before the date (the first when none has).
    html = render_report(small_ledger(), analysis=Analysis(), on=date(2026, 1, 5))
    assert 'id="dw-slider" min="0" max="2" value="1"' in html
    html = render_report(small_ledger(), analysis=Analysis(), on=date(2025, 12, 30))
    assert 'id="dw-slider" min="0" max="2" value="0"' in html
