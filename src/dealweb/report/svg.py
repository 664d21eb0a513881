"""SVG drawings written directly by Python: the map, the who-pays Sankey and the stress fan chart.

Every piece of text that comes from a ledger or an article goes through :func:`esc` (XML escaping of
``& < > " '``), so an entity named ``<script>`` is drawn as those characters and never parsed as markup.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

from dealweb import fmt
from dealweb.i18n import messages
from dealweb.report.mapview import ENTITY_FILL, KIND_COLOURS, MapView, _label_width, name_lines

__all__ = ["FONT_STACK", "esc", "fan_svg", "map_svg", "sankey_svg", "usd_short"]

#: Fonts tried in order; the CJK ones cover the Chinese names (no web fonts: the file must open offline).
FONT_STACK = ("'Noto Sans', 'Helvetica Neue', Arial, 'Noto Sans CJK TC', 'Noto Sans CJK SC', "
              "'PingFang TC', 'Microsoft JhengHei', sans-serif")


def _text_width(text: str, px: float) -> float:
    """Rough rendered width of ``text`` at font size ``px`` (CJK glyphs are about square, others 0.6 em)."""
    return sum(px if ord(ch) > 0x2E80 else px * 0.6 for ch in text)


def _wrap(text: str, width: float, px: float) -> list[str]:
    """``text`` in lines no wider than ``width`` pixels at font size ``px``.

    Broken before an opening parenthesis when one fits, else at the last space, else where the width runs out.
    """
    lines = []
    while text and _text_width(text, px) > width:
        fit = 0
        while fit < len(text) and _text_width(text[:fit + 1], px) <= width:
            fit += 1
        head = text[:fit]
        paren = max(head.rfind("（"), head.rfind(" ("))
        cut = paren if paren > fit // 3 else head.rfind(" ")
        cut = cut if cut > fit // 3 else fit
        lines.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*lines, text] if text else lines or [""]


def esc(text: object) -> str:
    """XML-escape ``text`` for element content and attribute values."""
    return escape(str(text), quote=True)


def usd_short(x: float | None, lang: str = "en") -> str:
    """``$1.2T``, ``$40B``, ``$350M`` (``1.2兆美元`` in Chinese); ``n/a`` for ``None`` (:func:`dealweb.fmt.money`)."""
    return fmt.money(x, lang=lang)


def _markers(kinds: Sequence[str]) -> str:
    out = []
    for k in kinds:
        c = KIND_COLOURS[k]
        out.append(
            f'<marker id="arrow-{k}" viewBox="0 0 10 10" refX="3" refY="5" markerWidth="13" '
            f'markerHeight="13" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
            f'<path d="M0,0 L10,5 L0,10 z" fill="{c}"/></marker>'
        )
    return "".join(out)


def _layers(view: MapView, interactive: bool) -> list[tuple[str | None, Sequence, Sequence, Sequence]]:
    """What is drawn, as ``(state, cells, nodes, edges)``: the core (state ``None``) and each state of the groups.

    Interactive maps carry every state (``closed``: every group closed, then one per group, open), each
    shown only while it is the map's state; pictures carry the view as it is.
    """
    if not (interactive and view.states):
        return [(None, view.cells, view.nodes, view.edges)]
    core_nodes = [n for n in view.nodes if not n.group and n.kind != "group"]
    core_edges = [e for e in view.edges if not e.group and not e.agg]
    out: list[tuple[str | None, Sequence, Sequence, Sequence]] = [(None, (), core_nodes, core_edges)]
    out.append(("closed", view.cells, [n for n in view.nodes if n.group or n.kind == "group"],
                [e for e in view.edges if e.group or e.agg]))
    out += [(st.group, st.cells, st.nodes, st.edges) for st in view.states]
    return out


def _open_state(state: str | None) -> str:
    """The wrapper that shows a state's elements only while the map is in that state."""
    if state is None:
        return ""
    return f'<g data-state="{esc(state)}"' + ("" if state == "closed" else ' display="none"') + ">"


def map_svg(view: MapView, interactive: bool = True, legend: bool = True, title: str | None = None,
            note: str | None = None) -> str:
    """The map as one ``<svg>`` element.

    Args:
        view: geometry from :func:`dealweb.report.mapview.map_view`.
        interactive: add ``data-*`` attributes and ``<title>`` tooltips the report's script uses.
        legend: draw the legend (kinds of flow, node size, loops) in the bottom-left corner.
        title: a heading drawn at the top (for the slide export).
        note: a line under the heading (when the map was read, how many firms and deals, the units).

    With groups and ``interactive``, the map carries one state with every group closed (shown) and one per
    group with that group open (hidden, ``data-state`` on a wrapper ``<g>``); the page's script shows one
    at a time and sets the canvas height from ``data-heights``. The core is drawn once, the same in every
    state. Without ``interactive`` (pictures) the view is drawn as it is: ``view.opened(id)`` draws a group
    open.

    Returns:
        SVG markup (UTF-8 text), standalone-ready (it declares its namespace).
    """
    w, h = view.width, view.height
    t = messages(view.lang)
    layers = _layers(view, interactive)
    every_edge = [e for _s, _c, _n, es in layers for e in es]
    kinds = sorted({e.kind for e in every_edge})
    heights = ""
    if len(layers) > 1:
        every = [f"closed:{h}"] + [f"{st.group}:{st.height}" for st in view.states]
        heights = f' data-heights="{" ".join(every)}"'
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        f'class="dw-map" role="img" aria-label="{esc(t("map.aria"))}" lang="{view.lang}"{heights} '
        f'font-family="{esc(FONT_STACK)}">',
        f"<defs>{_markers(kinds)}</defs>",
        f'<rect x="0" y="0" width="{w}" height="100%" fill="#FFFFFF"/>',
    ]
    if title:
        parts.append(f'<text x="24" y="{30 if note else 40}" font-size="{24 if note else 26}" font-weight="700" '
                     f'fill="#1A1A1A">{esc(title)}</text>')
    if note:
        parts.append(f'<text x="24" y="{50 if title else 30}" font-size="13" fill="#555555">{esc(note)}</text>')
    parts.append(_bands(view))
    parts.append('<g class="dw-cells">')
    for state, cells, _n, _e in layers:
        if cells:
            parts.append(_open_state(state) + _cells(cells, view.lang, interactive) + ("</g>" if state else ""))
    parts.append("</g>")
    numbered = []  # (state, [(number, edge)]): every arrow numbered once across the states
    k = 0
    for state, _c, _n, es in layers:
        numbered.append((state, list(enumerate(es, start=k))))
        k += len(es)

    def wrap(state: str | None, body: list[str]) -> None:
        if body:
            parts.append(_open_state(state) + "".join(body) + ("</g>" if state else ""))

    # Loop halos under everything else.
    parts.append('<g class="dw-loops">')
    for state, es in numbered:
        body = []
        for _k, e in es:
            if e.in_loop:
                ref = f'data-deal="{esc(e.deal)}"' if e.deal else f'data-deals="{esc(" ".join(e.deals))}"'
                body.append(f'<path class="dw-halo" {ref} d="{e.path}" fill="none" stroke="#FFC533" '
                            f'stroke-opacity="0.55" stroke-width="{e.width + 9:.1f}" stroke-linecap="round"/>')
        wrap(state, body)
    parts.append("</g>")
    parts.append('<g class="dw-edges">')
    for state, es in numbered:
        body = []
        for k, e in es:
            dash = (' stroke-dasharray="8 5"' if e.conditional else ' stroke-dasharray="2 4"' if e.dashed else "")
            marker = "" if e.kind == "none" else f' marker-end="url(#arrow-{e.kind})"'
            cond = ' data-conditional="1"' if e.conditional else ""
            agg = f' data-agg="{esc(e.agg)}"' if e.agg else ""
            ref = f'data-deal="{esc(e.deal)}"' if e.deal else f'data-deals="{esc(" ".join(e.deals))}"'
            attrs = (f' {ref} data-kind="{e.kind}" data-from="{esc(e.payer)}" '
                     f'data-to="{esc(e.payee)}" data-edge="{k}"{cond}{agg} tabindex="0"' if interactive else "")
            what = esc(e.deal) if e.deal else esc(t("group.deals", n=len(e.deals)))
            tip = f"<title>{what}: {esc(e.label)}</title>" if interactive else ""
            body.append(
                f'<path class="dw-edge{" dw-inloop" if e.in_loop else ""}"{attrs} d="{e.path}" fill="none" '
                f'stroke="{e.colour}" stroke-width="{e.width:.2f}" stroke-opacity="0.85"{dash}{marker}>{tip}</path>')
        wrap(state, body)
    parts.append("</g>")
    parts.append('<g class="dw-edge-labels" font-size="11.5" text-anchor="middle">')
    for state, es in numbered:
        body = []
        for k, e in es:
            if not e.label:
                continue
            ref = f'data-deal="{esc(e.deal)}"' if e.deal else f'data-deals="{esc(" ".join(e.deals))}"'
            attrs = f' {ref} data-edge="{k}"' if interactive else ""
            if e.leader:  # a thin line from the label's box back to its own arrow
                hw, hh = _label_width(e.label, 11.5) / 2 + 2, 7.0
                dx, dy = e.ax - e.lx, e.ay - e.ly
                f = min(hw / abs(dx) if dx else math.inf, hh / abs(dy) if dy else math.inf, 1.0)
                body.append(f'<line class="dw-leader" x1="{e.lx + dx * f:.1f}" y1="{e.ly + dy * f:.1f}" '
                            f'x2="{e.ax:.1f}" y2="{e.ay:.1f}" stroke="{e.colour}" stroke-width="1" '
                            f'stroke-opacity="0.8"/>')
            body.append(
                f'<text class="dw-elabel"{attrs} x="{e.lx:.1f}" y="{e.ly + 4:.1f}" fill="{e.colour}" '
                f'stroke="#FFFFFF" stroke-width="3.5" paint-order="stroke" stroke-linejoin="round" '
                f'font-weight="600">{esc(e.label)}'
                + ('<tspan class="dw-cflag" fill="#B3261E" dx="3">●</tspan>' if e.conflict else "")
                + "</text>")
        wrap(state, body)
    parts.append("</g>")
    group_deals: dict[str, set[str]] = {}  # every deal of each group, open or closed (the chapters dim by it)
    for e in every_edge:
        if e.group or e.agg:
            group_deals.setdefault(e.group or e.agg, set()).update([e.deal] if e.deal else e.deals)
    parts.append('<g class="dw-nodes">')
    for state, _c, nodes, _e in layers:
        wrap(state, [_node(n, t, interactive, group_deals) for n in nodes])
    parts.append("</g>")
    if legend:
        parts.append(_legend(view, kinds, every_edge, interactive and len(layers) > 1, still=not interactive))
    parts.append("</svg>")
    return "".join(parts)


def _node(n, t, interactive: bool, group_deals: Mapping[str, set[str]] | None = None) -> str:  # noqa: ANN001
    """One firm (or a closed group): its circle, its name (and Chinese name) under it, its figure inside.

    A group's node lists its deals (``group_deals``) in ``data-group-deals``: the chapters dim it only when
    none of them is known yet.
    """
    parts = []
    fill = ENTITY_FILL.get(n.kind, "#EEEEEE")
    dash = ' stroke-dasharray="3 3"' if n.size_basis == "none" else ""
    if n.kind == "group":
        gid = n.id.split(":", 1)[1]
        deals = " ".join(sorted((group_deals or {}).get(gid, ())))
        attrs = (f' data-entity="{esc(n.id)}" data-group="{esc(gid)}" data-agg="{esc(gid)}" '
                 f'data-group-deals="{esc(deals)}" tabindex="0"' if interactive else "")
        cls = "dw-node dw-group"
        dash = ' stroke-dasharray="6 3"'
    else:
        attrs = f' data-entity="{esc(n.id)}" tabindex="0"' if interactive else ""
        cls = "dw-node"
    tip_lines = [n.name] + ([n.zh] if n.zh else [])
    if n.size_label:
        when = (f" ({t('js.as_of', date=n.size_as_of.isoformat())})" if n.size_as_of
                else t("node.no_as_of") if n.size_basis == "market_cap" else "")
        tip_lines.append(n.size_label + when)
    tip = f"<title>{esc(' · '.join(tip_lines))}</title>" if interactive else ""
    parts.append(f'<g class="{cls}"{attrs}>{tip}'
                 f'<circle cx="{n.x:.1f}" cy="{n.y:.1f}" r="{n.r:.1f}" fill="{fill}" stroke="#2B2B2B" '
                 f'stroke-width="1.4"{dash}/>')
    if n.kind == "group":
        parts.append(f'<circle cx="{n.x:.1f}" cy="{n.y:.1f}" r="{max(n.r - 5, 4):.1f}" fill="none" '
                     f'stroke="#2B2B2B" stroke-width="0.8" stroke-opacity="0.6"/>')
    ty = n.y + n.r + 15
    for line in name_lines(n.name):
        parts.append(f'<text x="{n.x:.1f}" y="{ty:.1f}" text-anchor="middle" font-size="13.5" '
                     f'font-weight="700" fill="#1A1A1A" stroke="#FFFFFF" stroke-width="4" '
                     f'paint-order="stroke" stroke-linejoin="round">{esc(line)}</text>')
        ty += 15
    for line in name_lines(n.zh) if n.zh else []:
        parts.append(f'<text x="{n.x:.1f}" y="{ty:.1f}" text-anchor="middle" font-size="12" '
                     f'fill="#444444" stroke="#FFFFFF" stroke-width="4" paint-order="stroke" '
                     f'stroke-linejoin="round">{esc(line)}</text>')
        ty += 15
    if n.kind == "group":
        parts.append(f'<text x="{n.x:.1f}" y="{n.y + 6:.1f}" text-anchor="middle" font-size="17" '
                     f'font-weight="700" fill="#555555">+</text>')
    elif n.size_short and n.r >= 26 and _label_width(n.size_short, 11.5) <= 2 * n.r - 8:  # inside, if it fits
        parts.append(f'<text x="{n.x:.1f}" y="{n.y + 4:.1f}" text-anchor="middle" font-size="11.5" '
                     f'fill="#555555">{esc(n.size_short)}</text>')
    parts.append("</g>")
    return "".join(parts)


def _bands(view: MapView) -> str:
    """The layered layout's bands: a faint rule above each and its name at the left edge."""
    if not view.bands:
        return ""
    out = ['<g class="dw-bands">']
    for k, (band, label, y0, y1) in enumerate(view.bands):
        fill = "#F7F5EF" if k % 2 == 0 else "#FFFFFF"
        out.append(f'<rect class="dw-band" data-band="{esc(band)}" x="0" y="{y0:.1f}" width="{view.width}" '
                   f'height="{y1 - y0:.1f}" fill="{fill}"/>'
                   f'<text class="dw-band-label" x="12" y="{y0 + 16:.1f}" font-size="12.5" font-weight="700" '
                   f'fill="#8A8373" letter-spacing="0.04em">{esc(label.upper())}</text>')
    out.append("</g>")
    return "".join(out)


def _cells(cells: Sequence, lang: str, interactive: bool) -> str:
    """Each group's box: a light frame and its header (what the group is, how many firms, how much money).

    A closed group's box is short (its header and its node), an open one's holds its members. Clicking the
    header (or a closed group's node) opens the group, or closes it when it is open.
    """
    t = messages(lang)
    out = []
    for c in cells:
        toggles = interactive and c.n > 1  # a group of one firm is drawn open, with nothing to toggle
        attrs = f' data-group="{esc(c.id)}" tabindex="0"' if toggles else ""
        more = (" · " + t("group.more", n=c.n - c.shown)) if c.n > c.shown else ""
        hint = (f'<tspan class="dw-gmark" fill="#0B4F8A" font-weight="400" dx="6">'
                f'{esc(t("group.close" if c.open else "group.open"))}</tspan>' if toggles else "")
        fill, stroke = ("#FFFFFF", "#B9B2A2") if c.open else ("#FAF9F5", "#D9D4C7")
        out.append(f'<g class="dw-cell{" dw-open" if c.open else ""}" data-cell="{esc(c.id)}">'
                   f'<rect x="{c.x0:.1f}" y="{c.y0:.1f}" width="{c.x1 - c.x0:.1f}" height="{c.y1 - c.y0:.1f}" '
                   f'rx="8" fill="{fill}" stroke="{stroke}" stroke-dasharray="4 3"/>'
                   f'<text class="dw-ghead"{attrs} x="{c.x0 + 10:.1f}" y="{c.y0 + 21:.1f}" font-size="13" '
                   f'font-weight="700" fill="#3A3A3A">{esc(c.title)}'
                   f'<tspan font-weight="400" fill="#6B6B6B">{esc(more)}</tspan>{hint}</text></g>')
    return "".join(out)


def legend_items(view: MapView, kinds: Sequence[str], edges: Sequence | None = None,
                 still: bool = False) -> list[tuple[str, str, str]]:
    """Legend entries as ``(style, colour, text)``; style is ``line``, ``dash``, ``halo`` or ``circle``.

    ``edges``: the arrows the legend explains (default: the view's own, as drawn in a picture); ``still``:
    for a picture, where nothing can be clicked (the entries say where to look instead).
    """
    t = messages(view.lang)
    edges = view.edges if edges is None else edges
    items = [("dash" if k == "none" else "line", KIND_COLOURS[k], t("kind." + k)) for k in kinds]
    items.append(("halo", "#FFC533", t("legend.loop")))
    items.append(("circle", "#F3EFE6", t("legend.size_" + view.size_basis)))
    if any(e.conditional for e in edges):
        items.append(("dash", "#555555", t("legend.conditional")))
    if any(e.dashed and not e.conditional for e in edges):
        items.append(("dotted", "#555555", t("legend.dash")))
    if any(e.conflict for e in edges):
        items.append(("dot", "#B3261E", t("legend.conflict_still" if still else "legend.conflict")))
    if view.cells:
        items.append(("group", "#FAF9F5", t("legend.group_still" if still else "legend.group")))
    if view.hidden:
        items.append(("circle", "#FFFFFF", t("legend.hidden", n=view.hidden)))
    return items


def _legend(view: MapView, kinds: Sequence[str], edges: Sequence | None = None, movable: bool = False,
            still: bool = False) -> str:
    """The legend at the bottom of the map.

    ``movable``: the page's script moves it down when an open group adds height; ``still``: a picture's
    (:func:`legend_items`).
    """
    items = legend_items(view, kinds, edges, still)
    y0 = view.height - 56
    base = f' data-base="{view.height}"' if movable else ""
    out = [f'<g class="dw-legend"{base} font-size="12.5" fill="#222222">'
           f'<line x1="16" x2="{view.width - 16}" y1="{y0 - 14}" y2="{y0 - 14}" stroke="#E2E2E2"/>']
    x, y = 20.0, float(y0)
    for style, colour, text in items:
        w = 50 + _label_width(text, 12.5) + 18
        if x + w > view.width - 16:
            x, y = 20.0, y + 24
        if style == "circle":
            out.append(f'<circle cx="{x + 17}" cy="{y - 4}" r="7" fill="{colour}" stroke="#2B2B2B"/>')
        elif style == "group":
            out.append(f'<circle cx="{x + 17}" cy="{y - 4}" r="8" fill="{colour}" stroke="#2B2B2B" '
                       f'stroke-dasharray="3 2"/>')
        elif style == "dot":
            out.append(f'<circle cx="{x + 17}" cy="{y - 4}" r="4" fill="{colour}"/>')
        elif style == "dotted":
            out.append(f'<line x1="{x}" y1="{y - 4}" x2="{x + 34}" y2="{y - 4}" stroke="{colour}" '
                       f'stroke-width="3" stroke-dasharray="2 4"/>')
        elif style == "halo":
            out.append(f'<line x1="{x}" y1="{y - 4}" x2="{x + 34}" y2="{y - 4}" stroke="{colour}" '
                       f'stroke-opacity="0.7" stroke-width="9" stroke-linecap="round"/>')
        else:
            dash = ' stroke-dasharray="8 5"' if style == "dash" else ""
            out.append(f'<line x1="{x}" y1="{y - 4}" x2="{x + 34}" y2="{y - 4}" stroke="{colour}" '
                       f'stroke-width="3"{dash}/>')
        out.append(f'<text x="{x + 42}" y="{y}">{esc(text)}</text>')
        x += w
    out.append("</g>")
    return "".join(out)


def sankey_svg(origins: Mapping[str, Mapping[str, float]], names: Mapping[str, str],
               width: int = 900, row: float = 26.0, lang: str = "en") -> str:
    """A two-column Sankey: ultimate origins of money (left) to the firms they end up funding (right).

    Args:
        origins: ``{firm: {origin: usd}}``, as the graph room's trace reports it (who pays for each firm).
        names: display name of every id.
        width: canvas width in pixels.
        row: minimum height of a node's bar in pixels.
        lang: language of the amounts (``en``, ``zh-Hant``, ``zh-Hans``); ``names`` are already in it.

    Returns:
        SVG markup; band heights are proportional to USD.
    """
    left_tot: dict[str, float] = {}
    right_tot: dict[str, float] = {}
    for firm, by_origin in origins.items():
        for o, v in by_origin.items():
            if v > 0:
                left_tot[o] = left_tot.get(o, 0.0) + v
                right_tot[firm] = right_tot.get(firm, 0.0) + v
    total = sum(left_tot.values())
    if total <= 0:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" class="dw-sankey"></svg>'
    gap = 10.0
    lo = sorted(left_tot, key=lambda k: (-left_tot[k], k))
    ro = sorted(right_tot, key=lambda k: (-right_tot[k], k))
    n = max(len(lo), len(ro))
    height = max(360.0, n * (row + gap) + 40)
    scale = (height - 40 - gap * (n - 1)) / total
    x_l, x_r, bar = 280.0, width - 230.0, 14.0

    def stack(order: list[str], tot: dict[str, float]) -> dict[str, float]:
        y, out = 20.0, {}
        for k in order:
            out[k] = y
            y += max(tot[k] * scale, 2.0) + gap
        return out

    yl, yr = stack(lo, left_tot), stack(ro, right_tot)
    cur_l, cur_r = dict(yl), dict(yr)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" width="{width}" '
             f'height="{height:.0f}" class="dw-sankey" font-family="{esc(FONT_STACK)}" font-size="12">']
    palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C6D31", "#7F7F7F"]
    colour = {o: palette[i % len(palette)] for i, o in enumerate(lo)}
    for o in lo:
        for firm in ro:
            v = origins.get(firm, {}).get(o, 0.0)
            if v <= 0:
                continue
            hgt = max(v * scale, 1.0)
            y0, y1 = cur_l[o], cur_r[firm]
            cur_l[o] += hgt
            cur_r[firm] += hgt
            xm = (x_l + bar + x_r) / 2
            d = (f"M{x_l + bar:.1f},{y0:.1f} C{xm:.1f},{y0:.1f} {xm:.1f},{y1:.1f} {x_r:.1f},{y1:.1f} "
                 f"L{x_r:.1f},{y1 + hgt:.1f} C{xm:.1f},{y1 + hgt:.1f} {xm:.1f},{y0 + hgt:.1f} "
                 f"{x_l + bar:.1f},{y0 + hgt:.1f} Z")
            parts.append(f'<path d="{d}" fill="{colour[o]}" fill-opacity="0.35" class="dw-band" '
                         f'data-origin="{esc(o)}" data-firm="{esc(firm)}"><title>{esc(names.get(o, o))} → '
                         f'{esc(names.get(firm, firm))}: {usd_short(v, lang)}</title></path>')
    for o in lo:
        hgt = max(left_tot[o] * scale, 2.0)
        parts.append(f'<rect x="{x_l}" y="{yl[o]:.1f}" width="{bar}" height="{hgt:.1f}" fill="{colour[o]}"/>'
                     f'<text x="{x_l - 8}" y="{yl[o] + hgt / 2 + 4:.1f}" text-anchor="end">'
                     f'{esc(names.get(o, o))} · {usd_short(left_tot[o], lang)}</text>')
    for f in ro:
        hgt = max(right_tot[f] * scale, 2.0)
        parts.append(f'<rect x="{x_r}" y="{yr[f]:.1f}" width="{bar}" height="{hgt:.1f}" fill="#444444"/>'
                     f'<text x="{x_r + bar + 8}" y="{yr[f] + hgt / 2 + 4:.1f}">'
                     f'{esc(names.get(f, f))} · {usd_short(right_tot[f], lang)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def fan_svg(times: Sequence[str], bands: Mapping[str, Sequence[float]], title: str = "",
            unit: str = "USD", width: int = 560, height: int = 260, lang: str = "en") -> str:
    """A fan chart of simulated paths: shaded quantile bands around the median.

    Args:
        times: x-axis labels (periods), one per point.
        bands: quantile name (``"p05"``, ``"p25"``, ``"p50"``, ``"p75"``, ``"p95"``) -> values per time.
        title: the chart's heading.
        unit: ``USD`` (values in dollars, drawn as $B) or another unit drawn as is.
        width: canvas width in pixels.
        height: canvas height in pixels.
        lang: language of the tick labels (``en``, ``zh-Hant``, ``zh-Hans``: 億 and 兆).

    Returns:
        SVG markup.
    """
    n = len(times)
    vals = [v for seq in bands.values() for v in seq if v == v]
    lo_v, hi_v = (min(0.0, min(vals)), max(vals)) if vals else (0.0, 1.0)
    if hi_v == lo_v:
        hi_v = lo_v + 1.0
    def tick(v: float) -> str:
        return fmt.money(v, unit, lang=lang) if unit in fmt.SYMBOLS else fmt.count(v, unit, lang=lang)

    # the left margin fits the longest tick label (Chinese amounts are wider: 4,550億美元)
    widest = max(_text_width(tick(lo_v + f * (hi_v - lo_v)), 11) for f in (0.0, 0.5, 1.0))
    ml, mr, mb = max(64.0, widest + 14), 16.0, 34.0
    # a title wider than the chart is wrapped (before its parenthesis when it has one: the runs and seed)
    lines = _wrap(title, width - 16.0, 13)
    mt = 30.0 + 16 * (len(lines) - 1)

    def px(i: int) -> float:
        return ml + (width - ml - mr) * (i / max(n - 1, 1))

    def py(v: float) -> float:
        return mt + (height - mt - mb) * (1 - (v - lo_v) / (hi_v - lo_v))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" class="dw-fan" font-family="{esc(FONT_STACK)}" font-size="11">',
             *(f'<text x="8" y="{18 + 16 * k}" font-size="13" font-weight="700">{esc(line)}</text>'
               for k, line in enumerate(lines))]
    for frac in (0.0, 0.5, 1.0):
        v = lo_v + frac * (hi_v - lo_v)
        parts.append(f'<line x1="{ml}" x2="{width - mr}" y1="{py(v):.1f}" y2="{py(v):.1f}" stroke="#E3E3E3"/>'
                     f'<text x="{ml - 6}" y="{py(v) + 4:.1f}" text-anchor="end" fill="#555">{esc(tick(v))}</text>')
    for outer, inner, op in (("p05", "p95", 0.18), ("p25", "p75", 0.32)):
        if outer in bands and inner in bands:
            a, b = bands[outer], bands[inner]
            pts = [f"{px(i):.1f},{py(a[i]):.1f}" for i in range(n)] + [
                f"{px(i):.1f},{py(b[i]):.1f}" for i in reversed(range(n))]
            parts.append(f'<polygon points="{" ".join(pts)}" fill="#0072B2" fill-opacity="{op}"/>')
    if "p50" in bands:
        pts = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(bands["p50"]))
        parts.append(f'<polyline points="{pts}" fill="none" stroke="#0072B2" stroke-width="2"/>')
    # as many period labels as fit side by side (a wide left margin leaves less room)
    label_w = max((_text_width(str(x), 11) for x in times), default=40.0) + 10
    fit = max(1, int((width - ml - mr) // label_w))
    step = max(1, n // 8, -(-n // fit))
    for i in range(0, n, step):
        parts.append(f'<text x="{px(i):.1f}" y="{height - 12}" text-anchor="middle" fill="#555">'
                     f'{esc(times[i])}</text>')
    parts.append("</svg>")
    return "".join(parts)
