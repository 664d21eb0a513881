"""Pictures for slides: every chart as SVG and PNG in each language (issue 15, part 4).

Files are checked as files: the PNG signature and its IHDR width and height, the SVG parsed as XML with
its title in the chosen language, bar lengths proportional to hand-typed figures, and matplotlib's own
"glyph missing" warning absent when Chinese is drawn (the CJK font is found and used).
"""

from __future__ import annotations

import struct
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from dealweb.cli import main
from dealweb.i18n import LANGS, Msg, catalogue, say
from dealweb.report.analysis import Analysis, FanChart, LoopRow
from dealweb.report.charts import BarChart, chart_svg, charts_of, render_chart
from dealweb.web import create_app
from report_fixtures import LEDGER_YAML

SVG = "{http://www.w3.org/2000/svg}"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (PNG spec, section 11.2.2)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def _analysis() -> Analysis:
    return Analysis(
        loops=[LoopRow(("a", "b", "a"), ("d1", "d2"), 3e9, "firm"),
               LoopRow(("a", "c", "a"), ("d3", "d4"), 1e9, "c", conditional=("d4",))],
        who_pays={"b": {"a": 3e9, "unfunded: c": 1e9}, "c": {"a": 2e9}},
        analyses={"waterfall": {"rows": [
            {"firm": "a", "year": "2026", "firm_owed": 4e9, "conditional": 2e9},
            {"firm": "a", "year": "2027", "firm_owed": 1e9, "conditional": 0.0},
            {"firm": "a", "year": "2028", "firm_owed": 0.0, "conditional": 0.0},
            {"firm": "a", "year": "undated", "firm_owed": 9e9, "conditional": 0.0}]}},
        fans=[FanChart(Msg("stress.fan.unmet_gap", scenario="base", runs="40"), ("2026-Q1", "2026-Q2"),
                       {"p05": (0.0, 1e9), "p25": (0.0, 2e9), "p50": (1e9, 3e9), "p75": (2e9, 4e9),
                        "p95": (3e9, 5e9)})])


def test_charts_of_an_analysis_are_named_for_their_files():
    names = [n for n, _ in charts_of(_analysis())]
    assert names == ["who-pays", "loops", "waterfall", "stress-base-gap"]


def test_waterfall_chart_stacks_firm_and_conditional_per_year():
    chart = dict(charts_of(_analysis()))["waterfall"]
    assert [str(c) for c in chart.categories] == ["a 2026", "a 2027"]  # undated and empty years left out
    root = ET.fromstring(chart_svg(chart, "en"))
    bars = {r.find(f"{SVG}title").text: float(r.get("width")) for r in root.iter(f"{SVG}rect")
            if r.find(f"{SVG}title") is not None}
    firm26 = bars["a 2026 · Firm owed: $4B"]
    cond26 = bars["a 2026 · Conditional: $2B"]
    assert firm26 / cond26 == pytest.approx(2, rel=0.02)
    assert bars["a 2027 · Firm owed: $1B"] / firm26 == pytest.approx(0.25, rel=0.02)


def test_stacked_bars_are_proportional_to_the_figures():
    chart = dict(charts_of(_analysis()))["who-pays"]
    root = ET.fromstring(chart_svg(chart, "en"))
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    widths = {r.find(f"{SVG}title").text: float(r.get("width")) for r in bars}
    # b receives 3B from a and 1B unfunded; c receives 2B from a (typed above)
    wa_b = next(w for k, w in widths.items() if k.startswith("b · a:"))
    wu_b = next(w for k, w in widths.items() if k.startswith("b · unfunded: c"))
    wa_c = next(w for k, w in widths.items() if k.startswith("c · a:"))
    assert wa_b / wu_b == pytest.approx(3, rel=0.02) and wa_b / wa_c == pytest.approx(1.5, rel=0.02)
    # the unfunded part is hatched: drawn with the pattern, not a colour
    unfunded = next(r for r in bars if r.find(f"{SVG}title").text.startswith("b · unfunded"))
    assert unfunded.get("fill") == "url(#dw-hatch)"


def test_loops_chart_marks_conditional_loops():
    chart = dict(charts_of(_analysis()))["loops"]
    root = ET.fromstring(chart_svg(chart, "zh-Hant"))
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert fills[0] != "url(#dw-hatch)" and fills[1] == "url(#dw-hatch)"  # firm solid, conditional hatched
    texts = "".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert catalogue("zh-Hant")["loops.chart_title"] in texts and catalogue("zh-Hant")["loops.chart_note"] in texts
    assert "30億美元" in texts  # 3e9 in the myriads


@pytest.mark.parametrize("lang", LANGS)
def test_svg_and_png_of_every_chart_in_each_language(lang):
    for name, chart in charts_of(_analysis()):
        svg, _ = render_chart(chart, lang, "svg")
        root = ET.fromstring(svg)  # parses
        assert root.get("lang") == lang
        texts = "".join(t.text or "" for t in root.iter(f"{SVG}text"))
        title = say(chart.title, lang) if isinstance(chart, FanChart) else catalogue(lang)[chart.title]
        assert title in texts, name
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            png, warn = render_chart(chart, lang, "png")
        assert warn == []
        missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
        assert missing == [], missing  # every Chinese glyph was found in a font
        w, h = png_size(png)
        if isinstance(chart, BarChart):
            assert w == 960 * 144 // 100  # 9.6 in at 144 dpi
        else:
            assert (w, h) == (7.2 * 144, 3.4 * 144) or (w, h) == (1036, 489)
        assert h > 100


def test_chinese_png_differs_from_english():
    chart = dict(charts_of(_analysis()))["who-pays"]
    assert render_chart(chart, "zh-Hant", "png")[0] != render_chart(chart, "en", "png")[0]
    assert render_chart(chart, "zh-Hant", "png")[0] != render_chart(chart, "zh-Hans", "png")[0]


def test_report_charts_option_writes_every_chart_in_every_language(tmp_path):
    led = tmp_path / "ledger.yaml"
    led.write_text(LEDGER_YAML, encoding="utf-8")
    out = tmp_path / "slides"
    res = CliRunner().invoke(main, ["report", str(led), "-o", str(tmp_path / "r.html"), "--no-stress",
                                    "--charts", str(out), "--json"])
    assert res.exit_code == 0, res.output
    files = sorted(p.name for p in out.iterdir())
    want = {f"chart-{n}.{lang}.{ext}" for n in ("who-pays", "exposure", "loops") for lang in LANGS
            for ext in ("svg", "png")}
    assert want <= set(files), sorted(want - set(files))
    assert not [f for f in files if f.startswith(".")]  # no temporary file left behind
    for f in files:
        data = (out / f).read_bytes()
        if f.endswith(".png"):
            assert png_size(data)[0] > 0
        else:
            ET.fromstring(data)
    assert "甲骨文" in (out / "chart-exposure.zh-Hant.svg").read_text(encoding="utf-8")


def test_report_charts_refuses_a_file_as_folder(tmp_path):
    led = tmp_path / "ledger.yaml"
    led.write_text(LEDGER_YAML, encoding="utf-8")
    (tmp_path / "afile").write_text("x")
    res = CliRunner().invoke(main, ["report", str(led), "-o", str(tmp_path / "r.html"), "--no-stress",
                                    "--charts", str(tmp_path / "afile")])
    assert res.exit_code != 0 and "is a file" in res.output and "Traceback" not in res.output


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    d = tmp_path / "tiny"
    d.mkdir()
    (d / "ledger.yaml").write_text(LEDGER_YAML, encoding="utf-8")
    return TestClient(create_app(d, token="t" * 24, allowed_hosts=["testserver"]))


def test_web_chart_downloads(client):
    r = client.get("/charts/who-pays.zh-Hans.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png" and png_size(r.content)[0] > 0
    assert 'filename="chart-who-pays.zh-Hans.png"' in r.headers["content-disposition"]
    r = client.get("/charts/loops.zh-Hant.svg")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert catalogue("zh-Hant")["loops.chart_title"] in r.text
    money = client.get("/money?lang=zh-Hant").text
    assert 'href="/charts/who-pays.zh-Hant.png"' in money and 'href="/charts/exposure.zh-Hans.svg"' in money


@pytest.mark.parametrize("path,code", [("/charts/nope.en.svg", 404), ("/charts/who-pays.fr.svg", 422),
                                        ("/charts/who-pays.en.gif", 422), ("/charts/..%2F..%2Fetc%2Fpasswd", 404),
                                        ("/charts/" + "a" * 200 + ".en.svg", 422),
                                        ("/api/stress/nojob/charts/gap.en.svg", 404)])
def test_hostile_chart_requests_get_a_clean_4xx(client, path, code):
    r = client.get(path)
    assert r.status_code == code and "Traceback" not in r.text
