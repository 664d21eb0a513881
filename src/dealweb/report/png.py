"""The map as a PNG for slides, drawn with matplotlib from the same geometry as the SVG.

Matplotlib runs headless (the ``Agg`` backend); Chinese names use a CJK font when one is installed
(Noto Sans CJK, Source Han Sans, WenQuanYi, PingFang, Microsoft JhengHei), and the call warns in its
return value when none is, since the Chinese labels would then be drawn as boxes.
"""

from __future__ import annotations

import math
from pathlib import Path

from dealweb.report.mapview import ENTITY_FILL, KIND_COLOURS, MapView, _label_width, name_lines
from dealweb.report.svg import legend_items

__all__ = ["cjk_font", "refresh_font_cache", "write_map_png"]

_CJK_FAMILIES = ("Noto Sans CJK TC", "Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans TC",
                 "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "PingFang TC",
                 "Microsoft JhengHei", "SimHei")


def _plain(text: str) -> str:
    """Text drawn as is: matplotlib would read ``$...$`` as mathematics ("$20B–$90B")."""
    return text.replace("$", r"\$")


_REFRESHED = False  # the font list is rescanned at most once per process


def refresh_font_cache() -> None:
    """Rescan the system's fonts and rewrite matplotlib's font cache (``fontlist-*.json``).

    Matplotlib reads its font list from that cache, written the first time it ran: fonts installed since
    (``apt-get install fonts-noto-cjk``) stay invisible to it until the cache is rebuilt. The shared
    ``fontManager`` is updated in place, so everything already holding it sees the new fonts.
    """
    from matplotlib import font_manager as fm

    global _REFRESHED
    _REFRESHED = True
    loader = getattr(fm, "_load_fontmanager", None)
    fresh = loader(try_read_cache=False) if loader is not None else fm.FontManager()
    if fresh is not fm.fontManager:
        fm.fontManager.__dict__.update(fresh.__dict__)
    for cached in (getattr(fm.FontManager, "_findfont_cached", None), getattr(fm, "_get_font", None)):
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()


def cjk_font(refresh: bool = True) -> str | None:
    """Name of an installed font family that has Chinese glyphs, or ``None``.

    When matplotlib's font list has none, the list is rebuilt once (``refresh``): a CJK font installed
    after matplotlib first ran is then found, rather than every Chinese name drawn as a box.
    """
    from matplotlib import font_manager

    def find() -> str | None:
        have = {f.name for f in font_manager.fontManager.ttflist}
        return next((f for f in _CJK_FAMILIES if f in have), None)

    found = find()
    if found is None and refresh and not _REFRESHED:
        refresh_font_cache()
        found = find()
    return found


def write_map_png(view: MapView, path: str | Path, title: str | None = None, dpi: int = 144,
                  note: str | None = None) -> list[str]:
    """Draw ``view`` to a PNG file at ``path``.

    Args:
        view: geometry from :func:`dealweb.report.mapview.map_view` (canvas pixels).
        path: where to write the PNG.
        title: a heading at the top left.
        note: a line under the heading (when the map was read, how many firms and deals, the units).
        dpi: resolution; the image is ``view.width x view.height`` pixels at 100 dpi, scaled by ``dpi/100``.

    Returns:
        Warnings (e.g. no CJK font installed), empty when none.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle, PathPatch, Polygon
    from matplotlib.path import Path as MPath

    warnings: list[str] = []
    cjk = cjk_font()
    families = ["DejaVu Sans"] + ([cjk] if cjk else [])
    if cjk is None and any(n.zh for n in view.nodes):
        warnings.append("no CJK font found (install fonts-noto-cjk): Chinese names are drawn as boxes")
    w, h = view.width, view.height
    fig = plt.figure(figsize=(w / 100, h / 100), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, w)
    ax.set_ylim(h, 0)
    ax.axis("off")
    fig.patch.set_facecolor("white")
    with matplotlib.rc_context({"font.family": families, "svg.fonttype": "none"}):
        if title:
            ax.text(24, 30 if note else 40, _plain(title), fontsize=17.5 if note else 19, fontweight="bold",
                    color="#1A1A1A", family=families)
        if note:
            ax.text(24, 50 if title else 30, _plain(note), fontsize=9.4, color="#555555", family=families)
        px = 72 / 100  # canvas pixels -> points at 100 px per inch
        from matplotlib.patches import FancyBboxPatch, Rectangle

        for k, (_band, label, y0, y1) in enumerate(view.bands):
            ax.add_patch(Rectangle((0, y0), w, y1 - y0, facecolor="#F7F5EF" if k % 2 == 0 else "#FFFFFF",
                                   edgecolor="none"))
            ax.text(12, y0 + 12, _plain(label.upper()), fontsize=9, fontweight="bold", color="#8A8373",
                    va="center", family=families)
        for c in view.cells:  # each group's box and header (closed: its node; open, view.opened(id): members)
            ax.add_patch(FancyBboxPatch((c.x0, c.y0), c.x1 - c.x0, c.y1 - c.y0,
                                        boxstyle="round,pad=0,rounding_size=8",
                                        facecolor="#FFFFFF" if c.open else "#FAF9F5",
                                        edgecolor="#B9B2A2" if c.open else "#D9D4C7", linestyle=(0, (4, 3))))
            ax.text(c.x0 + 10, c.y0 + 17, _plain(c.title), fontsize=9.4, fontweight="bold", color="#3A3A3A",
                    va="center", family=families)
        for e in view.edges:
            if not e.points:
                continue
            (sx, sy), (cx, cy), (ex, ey) = e.points
            verts = [(sx, sy), (cx, cy), (ex, ey)]
            mp = MPath(verts, [MPath.MOVETO, MPath.CURVE3, MPath.CURVE3])
            if e.in_loop:
                ax.add_patch(PathPatch(mp, fill=False, edgecolor="#FFC533", alpha=0.55,
                                       linewidth=(e.width + 9) * px, capstyle="round"))
            ax.add_patch(PathPatch(mp, fill=False, edgecolor=e.colour, alpha=0.9, linewidth=e.width * px,
                                   linestyle=(0, (8, 5)) if e.conditional else (0, (2, 4)) if e.dashed
                                   else "solid"))
            if e.kind != "none":
                dx, dy = ex - cx, ey - cy
                d = math.hypot(dx, dy) or 1.0
                ux, uy = dx / d, dy / d
                size = 12.0
                tip = (ex + ux * size * 0.9, ey + uy * size * 0.9)
                base = (ex - ux * size * 0.1, ey - uy * size * 0.1)
                left = (base[0] - uy * size * 0.5, base[1] + ux * size * 0.5)
                right = (base[0] + uy * size * 0.5, base[1] - ux * size * 0.5)
                ax.add_patch(Polygon([tip, left, right], closed=True, color=e.colour))
        import matplotlib.patheffects as pe

        halo = [pe.withStroke(linewidth=3, foreground="white")]
        for e in view.edges:
            if e.label and e.leader:
                ax.plot([e.lx, e.ax], [e.ly, e.ay], color=e.colour, linewidth=0.7, alpha=0.8)
            if e.label:
                text = _plain(e.label)
                if e.conflict:  # the red mark of disagreeing sources, right of the label
                    ax.text(e.lx + _label_width(e.label, 11.5) / 2 + 7, e.ly, "●", fontsize=7, color="#B3261E",
                            ha="center", va="center")
                ax.text(e.lx, e.ly, text, fontsize=8.3, color=e.colour, ha="center", va="center",
                        fontweight="bold", path_effects=halo, family=families)
        for n in view.nodes:
            ax.add_patch(Circle((n.x, n.y), n.r, facecolor=ENTITY_FILL.get(n.kind, "#EEEEEE"),
                                edgecolor="#2B2B2B", linewidth=1.0,
                                linestyle=(0, (6, 3)) if n.kind == "group" else
                                (0, (3, 3)) if n.size_basis == "none" else "solid"))
            ty = n.y + n.r + 12
            for line in name_lines(n.name):
                ax.text(n.x, ty, _plain(line), fontsize=9.7, fontweight="bold", ha="center", va="center",
                        color="#1A1A1A", path_effects=halo, family=families)
                ty += 15
            for line in name_lines(n.zh) if n.zh else []:
                ax.text(n.x, ty, _plain(line), fontsize=8.6, ha="center", va="center", color="#444444",
                        path_effects=halo, family=families)
                ty += 15
            if n.size_short and n.r >= 26 and _label_width(n.size_short, 11.5) <= 2 * n.r - 8:
                ax.text(n.x, n.y, _plain(n.size_short), fontsize=8.3, ha="center",
                        va="center", color="#555555", family=families)
        kinds = [k for k in KIND_COLOURS if any(e.kind == k for e in view.edges)]
        x, y = 20.0, h - 60.0
        ax.plot([16, w - 16], [y - 14, y - 14], color="#E2E2E2", linewidth=0.8)
        for style, colour, text in legend_items(view, kinds, still=True):
            wd = 50 + _label_width(text, 12.5) + 18
            if x + wd > w - 16:
                x, y = 20.0, y + 24
            if style == "circle":
                ax.add_patch(Circle((x + 17, y - 4), 7, facecolor=colour, edgecolor="#2B2B2B", linewidth=0.8))
            elif style == "dot":
                ax.add_patch(Circle((x + 17, y - 4), 4, facecolor=colour, edgecolor="none"))
            elif style == "group":
                ax.add_patch(Circle((x + 17, y - 4), 8, facecolor=colour, edgecolor="#2B2B2B", linewidth=0.8,
                                    linestyle=(0, (3, 2))))
            elif style == "halo":
                ax.plot([x, x + 34], [y - 4, y - 4], color=colour, alpha=0.7, linewidth=6.5,
                        solid_capstyle="round")
            elif style == "dotted":
                ax.plot([x, x + 34], [y - 4, y - 4], color=colour, linewidth=2.2, linestyle=":")
            else:
                ax.plot([x, x + 34], [y - 4, y - 4], color=colour, linewidth=2.2,
                        linestyle="--" if style == "dash" else "-")
            ax.text(x + 42, y - 4, _plain(text), fontsize=9, va="center", color="#222222", family=families)
            x += wd
    fig.savefig(str(path), dpi=dpi, facecolor="white")
    plt.close(fig)
    return warnings
