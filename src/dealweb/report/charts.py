"""The analyses as charts for pages and slides: who pays, exposure, money loops, stress fan charts.

Each chart is built once from an :class:`~dealweb.report.analysis.Analysis` (the faces compute nothing: the
figures are the rooms' own) and drawn in any language, as SVG written here (for the pages and the SVG
download) or as PNG drawn by matplotlib from the same numbers (for slides). Words come from the message
catalogues, firm names in the chosen script, amounts in 億/兆 in Chinese (:mod:`dealweb.fmt`).

>>> from dealweb.report.charts import BarChart, chart_svg
>>> c = BarChart("demo", "who.chart_title", ["Alpha"], [("who.chart_axis", [2e9], "solid")])
>>> "<svg" in chart_svg(c, "zh-Hant")
True
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dealweb import fmt
from dealweb.i18n import Join, check_lang, messages, say
from dealweb.report.analysis import Analysis, FanChart
from dealweb.report.mapview import _label_width
from dealweb.report.svg import FONT_STACK, _wrap, esc, fan_svg

__all__ = ["BarChart", "Chart", "chart_png", "chart_svg", "charts_of", "render_chart"]

#: Colours of the series, colour-blind safe (Okabe & Ito 2008).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C6D31", "#7F7F7F", "#F0E442",
           "#000000")


@dataclass
class BarChart:
    """Horizontal bars, one row per category; series side by side or stacked.

    ``title``, category and series labels are texts said in the chart's language (:func:`dealweb.i18n.say`;
    a plain key of the catalogue is looked up). ``series`` is ``[(label, values per category, style)]`` with
    style ``solid`` or ``hatched`` (conditional money); ``styles`` may set a style per category instead.
    """

    name: str
    title: Any
    categories: list[Any]
    series: list[tuple[Any, list[float], str]]
    stacked: bool = False
    unit: str = "USD"
    note: Any = ""
    styles: list[str] = field(default_factory=list)


Chart = BarChart | FanChart


def _t(text: Any, lang: str) -> str:
    """A chart's text in ``lang``: a catalogue key (``who.chart_title``) or a text object."""
    if isinstance(text, str) and not hasattr(text, "say") and re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", text):
        cat = messages(lang).texts
        if text in cat:
            return cat[text]
    return say(text, lang)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


def charts_of(an: Analysis, names: Mapping[str, Any] | None = None, firms: int = 10) -> list[tuple[str, Chart]]:
    """Every chart the analysis gives, as ``(name, chart)``: who pays, exposure, loops, waterfall, stress fans.

    ``names`` maps entity ids to their names (:func:`dealweb.i18n.name_of`, said in each language). The name
    is the chart's file-name stem (``who-pays``, ``exposure``, ``loops``, ``waterfall``, ``stress-base-capital``);
    the waterfall shows what the four firms owing most owe per calendar year (the analyses room's rows); charts
    whose section is empty are left out.
    """
    from dealweb.report.rooms import origin_label

    names = names or {}
    out: list[tuple[str, Chart]] = []
    if an.who_pays:
        firms_order = sorted(an.who_pays, key=lambda f: (-sum(an.who_pays[f].values()), f))[:firms]
        origins: dict[str, float] = {}
        for f in firms_order:
            for o, v in an.who_pays[f].items():
                origins[o] = origins.get(o, 0.0) + max(v, 0.0)
        order = sorted(origins, key=lambda o: (-origins[o], o))
        series = [(origin_label(o, dict(names)), [max(an.who_pays[f].get(o, 0.0), 0.0) for f in firms_order],
                   "hatched" if o.startswith("unfunded: ") else "solid") for o in order]
        out.append(("who-pays", BarChart("who-pays", "who.chart_title", [names.get(f, f) for f in firms_order],
                                         series, stacked=True, note="who.chart_note")))
    if an.exposure:
        tab = an.exposure[0]
        cols = list(tab.columns)
        rec = next((c for c in cols if getattr(c, "key", "") == "exposure.col.receives"), None)
        pay = next((c for c in cols if getattr(c, "key", "") == "exposure.col.pays"), None)
        if rec is not None and pay is not None:
            rows = [r for r in tab.rows if hasattr(r.get(rec), "value") and hasattr(r.get(pay), "value")]
            out.append(("exposure", BarChart(
                "exposure", "exposure.chart_title", [r[cols[0]] for r in rows],
                [("exposure.chart_receives", [float(r[rec].value or 0) for r in rows], "solid"),
                 ("exposure.chart_pays", [float(r[pay].value or 0) for r in rows], "solid")],
                note="exposure.chart_note")))
    loops = [lp for lp in an.loops if lp.usd][:12]
    if loops:
        out.append(("loops", BarChart(
            "loops", "loops.chart_title", [Join([names.get(e, e) for e in lp.entities], " → ") for lp in loops],
            [("loops.col.smallest", [float(lp.usd or 0) for lp in loops], "solid")],
            styles=["hatched" if lp.conditional else "solid" for lp in loops], note="loops.chart_note")))
    rows = [r for r in (an.analyses.get("waterfall") or {}).get("rows") or []
            if str(r.get("year")) != "undated" and (r.get("firm_owed") or 0) + (r.get("conditional") or 0) > 0]
    if rows:
        owed: dict[str, float] = {}
        for r in rows:
            owed[r["firm"]] = owed.get(r["firm"], 0.0) + float(r["firm_owed"] or 0) + float(r["conditional"] or 0)
        keep = sorted(owed, key=lambda f: (-owed[f], f))[:4]
        rows = sorted((r for r in rows if r["firm"] in keep), key=lambda r: (keep.index(r["firm"]), str(r["year"])))
        out.append(("waterfall", BarChart(
            "waterfall", "waterfall.chart_title", [Join([names.get(r["firm"], r["firm"]), str(r["year"])], " ")
                                                   for r in rows],
            [("waterfall.col.firm_owed", [float(r["firm_owed"] or 0) for r in rows], "solid"),
             ("waterfall.col.conditional", [float(r["conditional"] or 0) for r in rows], "hatched")],
            stacked=True, note="waterfall.chart_note")))
    for k, f in enumerate(an.fans):
        key = getattr(f.title, "key", "")
        scen = getattr(f.title, "args", {}).get("scenario", str(k))
        what = "capital" if key.endswith("capital_needed") else "gap" if key.endswith("unmet_gap") else str(k)
        out.append((f"stress-{_slug(str(scen))}-{what}", f))
    return out


def _tick(v: float, unit: str, lang: str) -> str:
    return fmt.money(v, unit, lang=lang) if unit in fmt.SYMBOLS else fmt.count(v, unit or None, lang=lang)


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    import math

    e = 10 ** math.floor(math.log10(v))
    for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if v <= m * e:
            return m * e
    return 10 * e


def _layout(chart: BarChart, lang: str) -> dict[str, Any]:
    """Text and geometry shared by the SVG and the PNG (pixels at 100 dpi)."""
    title = _t(chart.title, lang)
    cats = [_t(c, lang) for c in chart.categories]
    series = [(_t(lab, lang), vals, style) for lab, vals, style in chart.series]
    if chart.stacked:
        tot = [sum(max(s[1][i], 0.0) for s in series) for i in range(len(cats))]
    else:
        tot = [max((s[1][i] for s in series), default=0.0) for i in range(len(cats))]
    vmax = _nice_max(max(tot, default=0.0))
    label_w = min(420.0, max((_label_width(c, 12) for c in cats), default=40.0) + 16)
    legend_lines, line, x = [], [], 0.0
    width = 960.0
    for k, (lab, _, style) in enumerate(series):
        w = 26 + _label_width(lab, 12) + 18
        if line and x + w > width - 40:
            legend_lines.append(line)
            line, x = [], 0.0
        line.append((k, lab, style, x))
        x += w
    if line:
        legend_lines.append(line)
    if len(series) == 1 and chart.styles:
        legend_lines = []  # one series: the note says what the styles mean
    per = len(series) if not chart.stacked else 1
    bar_h = 18.0 if per == 1 else 12.0
    row_h = bar_h * per + 12
    top = 44 + 22 * len(legend_lines) + 10
    height = top + row_h * len(cats) + 46 + (20 if chart.note else 0)
    return {"title": title, "cats": cats, "series": series, "vmax": vmax, "label_w": label_w, "width": width,
            "height": height, "top": top, "row_h": row_h, "bar_h": bar_h, "per": per, "legend": legend_lines,
            "note": _t(chart.note, lang) if chart.note else ""}


def chart_svg(chart: Chart, lang: str = "en") -> str:
    """``chart`` as a standalone SVG document in ``lang`` (text as text: searchable, CJK glyphs from the font)."""
    lang = check_lang(lang)
    if isinstance(chart, FanChart):
        svg = fan_svg(chart.times, chart.bands, say(chart.title, lang), chart.unit, width=720, height=320, lang=lang)
        return svg.replace("<svg ", f'<svg lang="{lang}" ', 1)
    g = _layout(chart, lang)
    w, h, x0 = g["width"], g["height"], g["label_w"] + 10
    plot_w = w - x0 - 90

    def px(v: float) -> float:
        return x0 + plot_w * v / g["vmax"]

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" lang="{lang}" viewBox="0 0 {w:.0f} {h:.0f}" '
             f'width="{w:.0f}" height="{h:.0f}" class="dw-chart" font-family="{esc(FONT_STACK)}" font-size="12">',
             '<defs><pattern id="dw-hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
             'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
             '<line x1="0" y1="0" x2="0" y2="6" stroke="#777" stroke-width="3"/></pattern></defs>',
             f'<rect width="{w:.0f}" height="{h:.0f}" fill="#fff"/>',
             f'<text x="16" y="28" font-size="17" font-weight="700" fill="#1A1A1A">{esc(g["title"])}</text>']
    for j, line in enumerate(g["legend"]):
        y = 52 + 22 * j
        for k, lab, style, lx in line:
            colour = PALETTE[k % len(PALETTE)]
            fill = "url(#dw-hatch)" if style == "hatched" else colour
            parts.append(f'<rect x="{16 + lx:.1f}" y="{y - 11}" width="18" height="12" fill="{fill}" '
                         f'stroke="{colour}"/><text x="{16 + lx + 24:.1f}" y="{y}" fill="#333">{esc(lab)}</text>')
    top, row_h, bar_h = g["top"], g["row_h"], g["bar_h"]
    for frac in (0, 0.25, 0.5, 0.75, 1.0):
        x = px(frac * g["vmax"])
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{top + row_h * len(g["cats"])}" '
                     f'stroke="#E3E3E3"/><text x="{x:.1f}" y="{top + row_h * len(g["cats"]) + 16}" '
                     f'text-anchor="middle" fill="#555" font-size="11">{esc(_tick(frac * g["vmax"], chart.unit, lang))}'
                     '</text>')
    for i, cat in enumerate(g["cats"]):
        y = top + i * row_h
        parts.append(f'<text x="{x0 - 8:.1f}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end" fill="#1A1A1A">'
                     f'{esc(cat)}</text>')
        acc = 0.0
        for k, (lab, vals, style) in enumerate(g["series"]):
            v = max(float(vals[i]), 0.0)
            colour = PALETTE[k % len(PALETTE)]
            st = chart.styles[i] if chart.styles and len(g["series"]) == 1 else style
            fill = "url(#dw-hatch)" if st == "hatched" else colour
            by = y + 6 + (0 if chart.stacked else k * bar_h)
            x_a = px(acc) if chart.stacked else px(0)
            bw = max(px(acc + v) - x_a if chart.stacked else px(v) - px(0), 0.0)
            if v > 0:
                parts.append(f'<rect x="{x_a:.1f}" y="{by:.1f}" width="{bw:.1f}" height="{bar_h - 2:.1f}" '
                             f'fill="{fill}" stroke="{colour}" stroke-width="1"><title>{esc(cat)} · {esc(lab)}: '
                             f'{esc(_tick(v, chart.unit, lang))}</title></rect>')
            if not chart.stacked and v > 0:
                parts.append(f'<text x="{px(v) + 5:.1f}" y="{by + bar_h - 5:.1f}" fill="#444" font-size="11">'
                             f'{esc(_tick(v, chart.unit, lang))}</text>')
            acc += v
        if chart.stacked:
            parts.append(f'<text x="{px(acc) + 5:.1f}" y="{y + 6 + bar_h - 5:.1f}" fill="#444" font-size="11">'
                         f'{esc(_tick(acc, chart.unit, lang))}</text>')
    if g["note"]:
        parts.append(f'<text x="16" y="{h - 12:.0f}" fill="#555" font-size="11">{esc(g["note"])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def chart_png(chart: Chart, path: str | Path | io.BytesIO, lang: str = "en", dpi: int = 144) -> list[str]:
    """Draw ``chart`` in ``lang`` to a PNG at ``path`` with matplotlib; returns warnings (no CJK font...)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from dealweb.report.png import _plain, cjk_font

    lang = check_lang(lang)
    warnings: list[str] = []
    cjk = cjk_font()
    if cjk is None and lang != "en":
        warnings.append("no CJK font found (install fonts-noto-cjk): Chinese words are drawn as boxes")
    families = ["DejaVu Sans"] + ([cjk] if cjk else [])
    top = 1.0
    with matplotlib.rc_context({"font.family": families, "hatch.color": "#777777"}):
        if isinstance(chart, FanChart):
            fig, ax = plt.subplots(figsize=(7.2, 3.4))
            n = len(chart.times)
            xs = list(range(n))
            b = chart.bands
            if "p05" in b and "p95" in b:
                ax.fill_between(xs, b["p05"], b["p95"], color="#0072B2", alpha=0.18, linewidth=0)
            if "p25" in b and "p75" in b:
                ax.fill_between(xs, b["p25"], b["p75"], color="#0072B2", alpha=0.32, linewidth=0)
            if "p50" in b:
                ax.plot(xs, b["p50"], color="#0072B2", linewidth=2, label=messages(lang)("fan.median"))
            step = max(1, n // 8)
            ax.set_xticks(xs[::step], [chart.times[i] for i in range(0, n, step)], fontsize=8)
            ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
                lambda v, _: _plain(_tick(v, chart.unit, lang))))
            # the title over the whole width, wrapped (11 pt is about 15 px at the 100 px-per-inch layout)
            lines = _wrap(say(chart.title, lang), 690, 15.5)
            fig.suptitle(_plain("\n".join(lines)), x=0.01, y=0.99, ha="left", va="top", fontsize=11,
                         fontweight="bold")
            top = 1 - 0.075 * len(lines)
            ax.legend(loc="upper left", fontsize=8, frameon=False)
        else:
            g = _layout(chart, lang)
            fig, ax = plt.subplots(figsize=(g["width"] / 100, max(g["height"], 200) / 100))
            n = len(g["cats"])
            ys = list(range(n))
            left = [0.0] * n
            per = g["per"]
            hgt = 0.8 / per
            for k, (lab, vals, style) in enumerate(g["series"]):
                colour = PALETTE[k % len(PALETTE)]
                vals = [max(float(v), 0.0) for v in vals]
                hatched = [(chart.styles[i] if chart.styles and len(g["series"]) == 1 else style) == "hatched"
                           for i in range(n)]
                pos = ys if chart.stacked else [y - 0.4 + hgt * (k + 0.5) for y in ys]
                bars = ax.barh(pos, vals, height=0.7 if chart.stacked else hgt * 0.95, left=left if chart.stacked
                               else None, color=[("white" if h else colour) for h in hatched],
                               edgecolor=[colour if v > 0 else "none" for v in vals],
                               label=_plain(lab))
                for bar, h in zip(bars, hatched, strict=True):
                    if h:
                        bar.set_hatch("///")
                if chart.stacked:
                    left = [a + v for a, v in zip(left, vals, strict=True)]
                else:
                    for p, v in zip(pos, vals, strict=True):
                        if v <= 0:
                            continue
                        ax.text(v, p, " " + _plain(_tick(v, chart.unit, lang)), va="center", fontsize=7.5,
                                color="#444444")
            if chart.stacked:
                for y, v in zip(ys, left, strict=True):
                    ax.text(v, y, " " + _plain(_tick(v, chart.unit, lang)), va="center", fontsize=7.5,
                            color="#444444")
            ax.set_yticks(ys, [_plain(c) for c in g["cats"]], fontsize=9)
            ax.invert_yaxis()
            ax.set_xlim(0, g["vmax"] * 1.12)
            ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
                lambda v, _: _plain(_tick(v, chart.unit, lang))))
            ax.set_title(_plain(g["title"]), loc="left", fontsize=12, fontweight="bold")
            if g["legend"]:
                ax.legend(loc="lower right", fontsize=8, frameon=False)
            if g["note"]:
                fig.text(0.01, 0.01, _plain(g["note"]), fontsize=8, color="#555555")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.tight_layout(rect=(0, 0.03, 1, top))
        fig.savefig(path if isinstance(path, io.BytesIO) else str(path), dpi=dpi, facecolor="white", format="png")
        plt.close(fig)
    return warnings


def render_chart(chart: Chart, lang: str = "en", format: str = "svg") -> tuple[bytes, list[str]]:
    """``chart`` in ``lang`` as file bytes (``svg`` or ``png``) and the drawing's warnings."""
    if format == "svg":
        return chart_svg(chart, lang).encode("utf-8"), []
    if format != "png":
        raise ValueError(f"unknown chart format {format!r}: svg or png")
    buf = io.BytesIO()
    warnings = chart_png(chart, buf, lang)
    return buf.getvalue(), warnings
