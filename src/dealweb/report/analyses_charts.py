"""Small SVG charts for the analyses: grouped bars, lines and a tornado.

Grouped bars show the waterfall's gap per year, lines the haircut's funding gap over k, and the tornado
what moves a firm's default probability most.

Drawn like :func:`dealweb.report.svg.fan_svg`: plain SVG, no script, the same font stack, every text
through :func:`~dealweb.report.svg.esc`; figures through :mod:`dealweb.fmt` in the page's language. The
colours are the Okabe-Ito palette (Okabe and Ito 2008, *Color Universal Design*), told apart by people with
any common colour-vision deficiency.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from dealweb import fmt
from dealweb.report.svg import FONT_STACK, esc

__all__ = ["PALETTE", "bars_svg", "lines_svg", "tornado_svg"]

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


def _head(width: int, height: int, title: str, cls: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" class="{cls}" role="img" aria-label="{esc(title)}" font-family="{esc(FONT_STACK)}" '
            f'font-size="11">', f'<text x="8" y="18" font-size="13" font-weight="700">{esc(title)}</text>']


def _legend(names: Sequence[str], x0: float, y: float, colours: Sequence[str] = PALETTE) -> list[str]:
    out, x = [], x0
    for i, n in enumerate(names):
        out.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{colours[i % len(colours)]}"/>'
                   f'<text x="{x + 14:.1f}" y="{y:.1f}">{esc(n)}</text>')
        x += 24 + 6.5 * len(n)
    return out


def _range(values: Sequence[float]) -> tuple[float, float]:
    vals = [v for v in values if v == v]
    lo, hi = (min(0.0, min(vals)), max(0.0, max(vals))) if vals else (0.0, 1.0)
    return (lo, hi) if hi > lo else (lo, lo + 1.0)


def bars_svg(categories: Sequence[str], series: dict[str, Sequence[float]], title: str, lang: str = "en",
             width: int = 640, height: int = 280) -> str:
    """Grouped bars: one group per category (a year), one bar per series (a firm); US dollars, zero line drawn.

    >>> "<rect" in bars_svg(["2026"], {"a": [1e9]}, "gap")
    True
    """
    names = list(series)
    lo, hi = _range([v for s in series.values() for v in s])
    ml, mr, mt, mb = 70.0, 12.0, 30.0, 46.0
    n, k = max(len(categories), 1), max(len(names), 1)
    gw = (width - ml - mr) / n
    bw = max(2.0, gw * 0.8 / k)

    def py(v: float) -> float:
        return mt + (height - mt - mb) * (1 - (v - lo) / (hi - lo))

    parts = _head(width, height, title, "dw-chart dw-bars")
    for v in (lo, 0.0, hi) if lo < 0 else (0.0, hi / 2, hi):
        parts.append(f'<line x1="{ml}" x2="{width - mr}" y1="{py(v):.1f}" y2="{py(v):.1f}" '
                     f'stroke="{"#888" if v == 0 else "#E3E3E3"}"/><text x="{ml - 6}" y="{py(v) + 4:.1f}" '
                     f'text-anchor="end" fill="#555">{esc(fmt.money(v, lang=lang))}</text>')
    for j, name in enumerate(names):
        for i, v in enumerate(series[name]):
            if v != v:
                continue
            x = ml + i * gw + gw * 0.1 + j * bw
            y0, y1 = sorted((py(0.0), py(v)))
            parts.append(f'<rect x="{x:.1f}" y="{y0:.1f}" width="{bw:.1f}" height="{max(y1 - y0, 0.5):.1f}" '
                         f'fill="{PALETTE[j % len(PALETTE)]}"><title>{esc(name)} {esc(categories[i])}: '
                         f'{esc(fmt.money(v, lang=lang))}</title></rect>')
    for i, c in enumerate(categories):
        parts.append(f'<text x="{ml + (i + 0.5) * gw:.1f}" y="{height - mb + 14}" text-anchor="middle" '
                     f'fill="#555">{esc(c)}</text>')
    parts += _legend(names, ml, height - 8)
    parts.append("</svg>")
    return "".join(parts)


def lines_svg(xs: Sequence[str], series: dict[str, Sequence[float]], title: str, lang: str = "en",
              width: int = 640, height: int = 280) -> str:
    """One line per series over the labels ``xs`` (e.g. the haircut's k); US dollars.

    >>> "<polyline" in lines_svg(["100%", "0%"], {"a": [0.0, 4e9]}, "gap")
    True
    """
    names = list(series)
    lo, hi = _range([v for s in series.values() for v in s])
    ml, mr, mt, mb = 70.0, 16.0, 30.0, 46.0
    n = len(xs)

    def px(i: int) -> float:
        return ml + (width - ml - mr) * (i / max(n - 1, 1))

    def py(v: float) -> float:
        return mt + (height - mt - mb) * (1 - (v - lo) / (hi - lo))

    parts = _head(width, height, title, "dw-chart dw-lines")
    for v in (lo, 0.0, hi) if lo < 0 else (0.0, hi / 2, hi):
        parts.append(f'<line x1="{ml}" x2="{width - mr}" y1="{py(v):.1f}" y2="{py(v):.1f}" stroke="#E3E3E3"/>'
                     f'<text x="{ml - 6}" y="{py(v) + 4:.1f}" text-anchor="end" fill="#555">'
                     f'{esc(fmt.money(v, lang=lang))}</text>')
    for j, name in enumerate(names):
        c = PALETTE[j % len(PALETTE)]
        pts = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(series[name]))
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{c}" stroke-width="2"><title>{esc(name)}'
                     f'</title></polyline>')
        for i, v in enumerate(series[name]):
            parts.append(f'<circle cx="{px(i):.1f}" cy="{py(v):.1f}" r="3" fill="{c}"><title>{esc(name)} '
                         f'{esc(xs[i])}: {esc(fmt.money(v, lang=lang))}</title></circle>')
    for i, x in enumerate(xs):
        parts.append(f'<text x="{px(i):.1f}" y="{height - mb + 14}" text-anchor="middle" fill="#555">{esc(x)}</text>')
    parts += _legend(names, ml, height - 8)
    parts.append("</svg>")
    return "".join(parts)


def tornado_svg(rows: Sequence[tuple[str, float, float]], title: str, width: int = 680, bar: int = 18,
                sides: tuple[str, str] = ("bumped down", "bumped up"), english: Collection[str] | None = None) -> str:
    """A tornado: per input, the change (percentage points) when bumped down and up, largest first.

    ``rows``: (input, change when bumped down, change when bumped up), already sorted; ``sides``: the
    legend's words for the two bumps. Long input names are cut to 40 characters (the full name in a tooltip).
    ``english``: names written in English on a page in another language (marked ``translate="no" lang="en"``);
    ``None``: every name (the caller could not say them in the page's language).

    >>> "<rect" in tornado_svg([("appetite", -2.0, 3.5)], "what moves it")
    True
    """
    ml, mr, mt = 270.0, 60.0, 34.0
    height = int(mt + bar * 1.4 * max(len(rows), 1) + 44)
    m = max([abs(v) for _, a, b in rows for v in (a, b)] + [1e-9])
    mid = ml + (width - ml - mr) / 2

    def px(v: float) -> float:
        return mid + (width - ml - mr) / 2 * v / m

    parts = _head(width, height, title, "dw-chart dw-tornado")
    parts.append(f'<line x1="{mid:.1f}" x2="{mid:.1f}" y1="{mt - 6}" y2="{height - 40}" stroke="#888"/>')
    for i, (name, down, up) in enumerate(rows):
        y = mt + i * bar * 1.4
        short = name if len(name) <= 40 else name[:39] + "…"
        # the simulation room's words for the assumption, said in the page's language; English it still writes
        # itself is marked as such
        mark = ' translate="no" lang="en"' if english is None or name in english else ""
        parts.append(f'<text x="{ml - 8}" y="{y + bar * 0.7:.1f}" text-anchor="end"{mark}>'
                     f'<title>{esc(name)}</title>'
                     f'{esc(short)}</text>')
        for v, c, side in ((down, PALETTE[0], "-"), (up, PALETTE[5], "+")):
            x0, x1 = sorted((mid, px(v)))
            parts.append(f'<rect x="{x0:.1f}" y="{y:.1f}" width="{max(x1 - x0, 0.5):.1f}" height="{bar}" '
                         f'fill="{c}" fill-opacity="0.85"><title>{esc(name)} {side}: {v:+.1f} pp</title></rect>')
        far = max(px(down), px(up)) if max(down, up) > 0 else min(px(down), px(up))
        anchor = "start" if far >= mid else "end"
        parts.append(f'<text x="{far + (4 if anchor == "start" else -4):.1f}" y="{y + bar * 0.7:.1f}" '
                     f'text-anchor="{anchor}" fill="#555">{max(abs(down), abs(up)):.1f} pp</text>')
    parts.append(f'<text x="{mid:.1f}" y="{height - 26}" text-anchor="middle" fill="#555">0 pp</text>')
    parts += _legend(sides, ml, height - 8, (PALETTE[0], PALETTE[5]))
    parts.append("</svg>")
    return "".join(parts)
