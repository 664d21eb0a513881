"""The map of the web as geometry: node positions, sizes, curved arrows and their labels.

Everything here is presentation: it places what the ledger (and, when given, the graph room's loops) says
on a canvas. Positions come from a seeded force-directed layout (Fruchterman & Reingold 1991, "Graph
drawing by force-directed placement", Software: Practice and Experience 21(11), doi:10.1002/spe.4380211102,
as implemented by ``networkx.spring_layout``) followed by a deterministic pass that pushes overlapping
discs apart, so the same ledger always gives the same picture, byte for byte.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import networkx as nx

from dealweb import fmt
from dealweb.i18n import check_lang, entity_name, messages
from dealweb.model import FLOW_KIND, Deal, Entity, Fact, Ledger
from dealweb.money import Amount

__all__ = [
    "ENTITY_FILL",
    "KIND_COLOURS",
    "KIND_LABELS",
    "LAYOUT_SEED",
    "MapEdge",
    "MapNode",
    "MapView",
    "chinese_name",
    "latest_market_cap",
    "map_view",
]

#: Seed of the force-directed layout: fixed, so a ledger always draws the same map.
LAYOUT_SEED = 20251001

#: Colour of each flow kind (Okabe & Ito 2008 colour-blind-safe palette).
KIND_COLOURS: dict[str, str] = {
    "investment": "#0072B2",
    "hardware": "#D55E00",
    "services": "#009E73",
    "debt": "#CC79A7",
    "warrant": "#E69F00",
    "revenue": "#56B4E9",
    "none": "#8C8C8C",
}
KIND_LABELS: dict[str, str] = {
    "investment": "Investment / equity",
    "hardware": "Hardware (chips, systems)",
    "services": "Services (cloud, hosting, leases)",
    "debt": "Debt",
    "warrant": "Warrants (issuer → holder)",
    "revenue": "Revenue from end customers",
    "none": "Partnership (no money moves)",
}
#: Fill of a node by entity kind.
ENTITY_FILL: dict[str, str] = {
    "company": "#F3EFE6",
    "fund": "#E1ECF7",
    "government": "#F7E3DE",
    "project": "#E3F1E6",
    "person": "#EFE6F5",
    "market": "#EDEDED",
}


@dataclass(frozen=True, slots=True)
class MapNode:
    """One entity on the canvas: centre ``(x, y)`` and radius ``r`` in canvas pixels.

    ``size_basis`` says what the radius shows: ``market_cap`` (``size_label`` and ``size_as_of`` give the
    figure and its date), ``flow`` (total USD flowing in and out, mid of each interval) or ``none``.
    """

    id: str
    name: str
    zh: str
    kind: str
    x: float
    y: float
    r: float
    size_basis: str
    size_label: str = ""
    size_as_of: date | None = None
    size_fact: str | None = None
    size_short: str = ""


@dataclass(frozen=True, slots=True)
class MapEdge:
    """One pairwise flow drawn as a quadratic Bézier from payer to payee.

    ``path`` is the SVG path data; ``(lx, ly)`` where its label goes; ``width`` the stroke width in pixels.
    ``usd_mid`` is the midpoint of the flow's USD interval (``None`` when it has no USD value).
    """

    deal: str
    payer: str
    payee: str
    kind: str
    colour: str
    label: str
    path: str
    lx: float
    ly: float
    width: float
    usd_mid: float | None
    in_loop: bool = False
    dashed: bool = False
    points: tuple[tuple[float, float], ...] = ()
    conflict: bool = False


@dataclass(frozen=True)
class MapView:
    """The whole map: canvas size, nodes, edges and which deal ids lie on a loop."""

    width: int
    height: int
    nodes: tuple[MapNode, ...]
    edges: tuple[MapEdge, ...]
    loop_deals: frozenset[str] = frozenset()
    size_basis: str = "market_cap"
    title: str = ""
    kinds: tuple[str, ...] = field(default_factory=tuple)
    hidden: int = 0
    lang: str = "en"


def chinese_name(entity: Entity) -> str:
    """The entity's Chinese name (Traditional first, then Simplified), or ``""``."""
    zh = entity.names.get("zh-Hant") or entity.names.get("zh-Hans") or entity.names.get("zh") or ""
    return "" if zh == entity.name else zh


def latest_market_cap(ledger: Ledger, entity: str, on: date | None = None) -> Fact | None:
    """The ``market_cap`` fact about ``entity`` with the latest ``as_of`` on or before ``on``.

    Facts with no ``as_of`` date count as the oldest; facts whose value has no USD figure are skipped.
    """
    best: Fact | None = None
    for f in ledger.facts_for(entity, "market_cap"):
        if f.value.usd("mid") is None:
            continue
        if on is not None and f.as_of is not None and f.as_of > on:
            continue
        if best is None or (f.as_of or date.min) >= (best.as_of or date.min):
            best = f
    return best


def _usd_mid(deal: Deal, amount: Amount | None) -> float | None:
    if amount is None:
        return None
    return amount.usd("mid")


def _flow_label(deal: Deal, amount: Amount | None, lang: str = "en") -> str:
    parts = []
    if amount is not None:
        parts.append(fmt.amount(amount, lang=lang))
    if deal.quantity is not None and (amount is None or not amount.is_money):
        parts.append(fmt.amount(deal.quantity, lang=lang))
    if deal.capacity_gw and not (amount is not None and amount.unit == "GW"):
        parts.append(f"{deal.capacity_gw:g} GW")
    return " · ".join(parts)


def _label_width(text: str, px: float) -> float:
    """Rough rendered width of ``text`` at font size ``px`` (CJK glyphs are about square)."""
    return sum(px if ord(ch) > 0x2E80 else px * 0.6 for ch in text)


def _region_layout(g: nx.Graph, x0: float, y0: float, x1: float, y1: float,
                   radii: dict[str, float]) -> dict[str, list[float]]:
    nodes = sorted(g.nodes)
    if len(nodes) == 1:
        return {nodes[0]: [(x0 + x1) / 2, (y0 + y1) / 2]}
    # Kamada & Kawai (1989, doi:10.1016/0020-0190(89)90102-6), started from a circle in sorted order (no
    # randomness), with wanted distances along shortest paths whose hops are as long as the two discs
    # need: big firms get room for their arrows and labels.
    h = nx.Graph()
    h.add_nodes_from(nodes)
    for a, b in g.edges:
        h.add_edge(a, b, w=radii[a] + radii[b] + 140.0)
    dist = dict(nx.shortest_path_length(h, weight="w"))
    pos = nx.kamada_kawai_layout(h, dist=dist, pos=nx.circular_layout(nodes))
    xs = [pos[n][0] for n in nodes]
    ys = [pos[n][1] for n in nodes]
    ax, bx, ay, by = min(xs), max(xs), min(ys), max(ys)
    sx = (x1 - x0) / ((bx - ax) or 1.0)
    sy = (y1 - y0) / ((by - ay) or 1.0)
    return {n: [x0 + (pos[n][0] - ax) * sx, y0 + (pos[n][1] - ay) * sy] for n in nodes}


def _positions(ids: Sequence[str], pairs: Iterable[tuple[str, str]], radii: dict[str, float],
               labels: dict[str, tuple[str, str]], width: int, height: int,
               margin: float) -> dict[str, tuple[float, float]]:
    g = nx.Graph()
    g.add_nodes_from(ids)
    for a, b in pairs:
        if a != b:
            g.add_edge(a, b)
    if not ids:
        return {}
    comps = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: (-len(c), c[0]))
    top, bottom = margin, height - margin - 30
    big = [c for c in comps if len(c) > 1]
    alone = [c[0] for c in comps if len(c) == 1]
    out: dict[str, list[float]] = {}
    # The largest component fills the left three quarters; smaller ones stack in the right column, and
    # entities with no flow at all line up below them.
    split = width * (0.74 if len(big) > 1 or alone else 1.0)
    if big:
        out.update(_region_layout(g.subgraph(big[0]), margin, top, split - margin, bottom, radii))
    rest = big[1:]
    col_x0, col_x1 = split + 10, width - margin * 0.7
    weights = [len(c) for c in rest] + ([max(1, math.ceil(len(alone) / 2))] if alone else [])
    total = sum(weights) or 1
    y = top
    for c in rest:
        h = (bottom - top) * len(c) / total
        out.update(_region_layout(g.subgraph(c), col_x0, y + 20, col_x1, y + h - 40, radii))
        y += h
    if alone:
        cols = 2 if col_x1 - col_x0 > 200 else 1
        rows = math.ceil(len(alone) / cols)
        step = (bottom - y) / max(rows, 1)
        for k, n in enumerate(alone):
            cx = col_x0 + (col_x1 - col_x0) * ((k % cols) + 0.5) / cols
            out[n] = [cx, y + step * (k // cols + 0.5)]
    # Remove overlaps between nodes with their two-line labels (boxes), in a fixed order and step count.
    def box(i: str) -> tuple[float, float, float]:
        en, zh = labels[i]
        half = max(radii[i], _label_width(en, 13.5) / 2, _label_width(zh, 12) / 2) + 6
        return half + 14, radii[i] + 16, radii[i] + (46 if zh else 32)

    order = sorted(ids)
    boxes = {i: box(i) for i in order}
    for _ in range(200):
        moved = False
        for ai, a in enumerate(order):
            for b in order[ai + 1:]:
                pa, pb = out[a], out[b]
                ha, ua, da = boxes[a]
                hb, ub, db = boxes[b]
                ox = (ha + hb) - abs(pa[0] - pb[0])
                # vertical extents: [y - up, y + down]
                top_a, bot_a = pa[1] - ua, pa[1] + da
                top_b, bot_b = pb[1] - ub, pb[1] + db
                oy = min(bot_a, bot_b) - max(top_a, top_b)
                if ox <= 0 or oy <= 0:
                    continue
                moved = True
                if ox < oy:
                    s = 1.0 if pa[0] <= pb[0] else -1.0
                    pa[0] -= s * ox / 2 + 0.5 * s
                    pb[0] += s * ox / 2 + 0.5 * s
                else:
                    s = 1.0 if pa[1] <= pb[1] else -1.0
                    pa[1] -= s * oy / 2 + 0.5 * s
                    pb[1] += s * oy / 2 + 0.5 * s
        for i in order:
            half, up, down = boxes[i]
            out[i][0] = min(max(out[i][0], 8 + half), width - 8 - half)
            out[i][1] = min(max(out[i][1], 56 + up), height - 70 - down)
        if not moved:
            break
    return {i: (round(p[0], 1), round(p[1], 1)) for i, p in out.items()}


def map_view(ledger: Ledger, on: date | None = None, loop_deals: Iterable[str] = (),
             size: str = "auto", width: int = 1400, height: int = 920, max_nodes: int = 80,
             lang: str = "en") -> MapView:
    """Geometry of the map of ``ledger``'s web.

    Every entity that takes part in a deal (at any date, so that positions stay put as the time slider
    moves) is placed; every pairwise flow of every deal is an arrow, including cancelled ones (the page
    fades those). Node area is proportional to market value (``size="market_cap"``: the latest
    ``market_cap`` fact on or before ``on``), to total USD flow in and out (``size="flow"``), or chosen
    by ``"auto"``: market value when at least one entity has one.

    Args:
        ledger: the ledger to draw.
        on: the date whose market values size the nodes (``None``: the latest known).
        loop_deals: ids of deals that lie on a money loop (from ``dealweb.graph.loops``): highlighted.
        size: ``auto``, ``market_cap``, ``flow`` or ``none``.
        width: canvas width in pixels.
        height: canvas height in pixels.
        max_nodes: most circles drawn; above it the entities with the largest flows are kept and
            ``MapView.hidden`` counts the others.
        lang: ``en`` (English names with the Chinese name below), ``zh-Hant`` or ``zh-Hans`` (names in that
            script, from the ledger's ``names`` or folded by OpenCC); amounts in that language.

    Returns:
        The :class:`MapView` (pure data, no drawing).
    """
    lang = check_lang(lang)
    t = messages(lang)
    loop_set = frozenset(loop_deals)
    deals = sorted(ledger.deals.values(), key=lambda d: d.id)
    # Entities drawn: those on a flow or a partnership link (parties to a deal that states no flow between
    # them are listed in the tables, not drawn as lone dots).
    ids = sorted({e for d in deals for f in d.pairwise_flows() for e in (f.payer, f.payee)
                  if e in ledger.entities}
                 | {e for d in deals if d.kind == "none" for e in (d.payer, d.payee) if e in ledger.entities})
    flows = [(d, f) for d in deals for f in d.pairwise_flows() if f.payer in ledger.entities
             and f.payee in ledger.entities]
    # Partnerships move no money but are still shown, as undirected dashed links.
    partner_links = [(d, d.payer, d.payee) for d in deals if d.kind == "none" and d.payer and d.payee
                     and d.payer in ledger.entities and d.payee in ledger.entities]

    caps = {i: latest_market_cap(ledger, i, on) for i in ids}
    flow_total: dict[str, float] = defaultdict(float)
    for d, f in flows:
        v = _usd_mid(d, f.amount)
        if v:
            flow_total[f.payer] += v
            flow_total[f.payee] += v
    hidden = 0
    if len(ids) > max_nodes:
        # A readable map has a bounded number of circles: keep those with the largest flows (then the
        # largest market values); the tables still list every entity and deal.
        def rank(i: str) -> tuple[float, float, str]:
            cap = caps[i].value.usd("mid") if caps[i] else 0.0
            return (-flow_total.get(i, 0.0), -(cap or 0.0), i)

        keep = set(sorted(ids, key=rank)[:max_nodes])
        hidden = len(ids) - len(keep)
        ids = sorted(keep)
        caps = {i: caps[i] for i in ids}
        flows = [(d, f) for d, f in flows if f.payer in keep and f.payee in keep]
        partner_links = [(d, a, b) for d, a, b in partner_links if a in keep and b in keep]
    if size == "auto":
        size = "market_cap" if any(caps.values()) else ("flow" if flow_total else "none")
    if size not in ("market_cap", "flow", "none"):
        raise ValueError(f"unknown map size basis {size!r}: use auto, market_cap, flow or none")

    r_min, r_max = 13.0, 60.0
    values: dict[str, float | None] = {}
    for i in ids:
        if size == "market_cap":
            f = caps[i]
            values[i] = f.value.usd("mid") if f else None
        elif size == "flow":
            values[i] = flow_total.get(i) or None
        else:
            values[i] = None
    vmax = max((v for v in values.values() if v), default=0.0)
    radii = {i: (r_min + (r_max - r_min) * math.sqrt(values[i] / vmax)) if values[i] and vmax else r_min
             for i in ids}

    pairs = [(f.payer, f.payee) for _, f in flows] + [(a, b) for _, a, b in partner_links]
    def two_names(e: Entity) -> tuple[str, str]:
        if lang == "en":
            return e.name, chinese_name(e)
        return entity_name(e, lang), ""

    labels = {i: two_names(ledger.entities[i]) for i in ids}
    pos = _positions(ids, pairs, radii, labels, width, height, margin=80.0)

    nodes = []
    for i in ids:
        e = ledger.entities[i]
        fact = caps[i] if size == "market_cap" else None
        label = short = ""
        if size == "market_cap" and fact is not None:
            short = fmt.amount(fact.value, lang=lang)
            label = t("node.market_value", value=short)
        elif size == "flow" and values[i]:
            short = fmt.money(values[i], lang=lang)
            label = t("node.flow", value=short)
        nodes.append(MapNode(
            id=i, name=labels[i][0], zh=labels[i][1], kind=str(e.kind), x=pos[i][0], y=pos[i][1], r=round(radii[i], 1),
            size_basis=size if values[i] else "none", size_label=label,
            size_as_of=fact.as_of if fact else None, size_fact=fact.id if fact else None, size_short=short,
        ))

    usd_values = [_usd_mid(d, f.amount) for d, f in flows]
    umax = max((v for v in usd_values if v), default=0.0)
    by_pair: dict[tuple[str, str], list[tuple[Deal, str, str, Amount | None]]] = defaultdict(list)
    for d, f in flows:
        by_pair[tuple(sorted((f.payer, f.payee)))].append((d, f.payer, f.payee, f.amount))
    for d, a, b in partner_links:
        by_pair[tuple(sorted((a, b)))].append((d, a, b, d.amount))

    edges = []
    for (a, _b), items in sorted(by_pair.items()):
        items.sort(key=lambda t: (t[0].id, t[1], t[2]))
        n = len(items)
        for k, (d, payer, payee, amount) in enumerate(items):
            kind = FLOW_KIND.get(d.type, "none")
            usd = _usd_mid(d, amount) if kind != "none" else None
            w = 1.4 + 6.0 * math.sqrt(usd / umax) if usd and umax else 1.4
            edges.append(_edge(d, payer, payee, amount, kind, usd, w, pos, radii, a, k, n, d.id in loop_set, lang))
    # Deals whose sources disagree (conflicts the loader derived, or a claim flagged joke/slip/disputed).
    disputed = {c.record for c in ledger.conflicts} | {
        rid for rid, c in ledger.claims() if c.flag in ("joke", "unit_slip", "disputed")}
    edges = [replace(e, conflict=True) if e.deal in disputed else e for e in edges]
    edges = _place_labels(edges, nodes)
    return MapView(width=width, height=height, nodes=tuple(nodes), edges=tuple(edges), loop_deals=loop_set,
                   size_basis=size, title=ledger.name, hidden=hidden, lang=lang,
                   kinds=tuple(k for k in KIND_COLOURS if any(e.kind == k for e in edges)))


def _bezier(points: tuple[tuple[float, float], ...], t: float) -> tuple[float, float]:
    (x0, y0), (cx, cy), (x1, y1) = points
    u = 1 - t
    return u * u * x0 + 2 * u * t * cx + t * t * x1, u * u * y0 + 2 * u * t * cy + t * t * y1


#: Candidate label spots ``(t along the curve, offset in pixels along its normal)``, tried in this order: on
#: the curve first, then just beside it on either side when every spot on it is crowded.
_LABEL_SPOTS: tuple[tuple[float, float], ...] = (
    *((t, 0.0) for t in (0.5, 0.42, 0.58, 0.34, 0.66, 0.27, 0.73)),
    *((t, off) for off in (13.0, -13.0, 24.0, -24.0) for t in (0.5, 0.4, 0.6)),
)


def _place_labels(edges: list[MapEdge], nodes: list[MapNode]) -> list[MapEdge]:
    """Each edge's label moved along its curve, or just beside it, to the least crowded spot (largest first).

    A spot's crowding is its overlap with labels placed before it and with node discs; the order and the
    candidate spots are fixed, so the result is deterministic.
    """
    placed: list[tuple[float, float, float, float]] = []
    discs = [(n.x, n.y, n.r + 3) for n in nodes]
    for n in nodes:  # the names under each disc are obstacles too
        hw = max(_label_width(n.name, 13.5), _label_width(n.zh, 12)) / 2 + 2
        placed.append((n.x, n.y + n.r + (19 if n.zh else 11), hw, 17 if n.zh else 9))
    out: dict[int, MapEdge] = {}
    order = sorted(range(len(edges)), key=lambda k: (-(edges[k].usd_mid or 0.0), edges[k].deal, k))

    def clash(x: float, y: float, hw: float, hh: float) -> float:
        bad = 0.0
        for (px, py, pw, ph) in placed:
            ox = hw + pw - abs(x - px)
            oy = hh + ph - abs(y - py)
            if ox > 0 and oy > 0:
                bad += ox * oy
        for (cx, cy, r) in discs:
            dx = max(abs(x - cx) - hw, 0.0)
            dy = max(abs(y - cy) - hh, 0.0)
            if dx * dx + dy * dy < r * r:
                bad += (r * r - dx * dx - dy * dy) * 0.5
        return bad

    for k in order:
        e = edges[k]
        if not e.label or not e.points:
            out[k] = e
            continue
        hw, hh = _label_width(e.label, 11.5) / 2 + 3, 8.0
        best = None
        for t, off in _LABEL_SPOTS:
            x, y = _bezier(e.points, t)
            if off:  # beside the curve, along its normal: still next to its own arrow
                (ax, ay), (bx, by) = _bezier(e.points, t - 0.02), _bezier(e.points, t + 0.02)
                norm = math.hypot(bx - ax, by - ay) or 1.0
                x, y = x - off * (by - ay) / norm, y + off * (bx - ax) / norm
            score = clash(x, y, hw, hh)
            if best is None or score < best[0]:
                best = (score, x, y)
            if score == 0:
                break
        assert best is not None
        _, x, y = best
        placed.append((x, y, hw, hh))
        out[k] = replace(e, lx=round(x, 1), ly=round(y, 1))
    return [out[k] for k in range(len(edges))]


def _edge(d: Deal, payer: str, payee: str, amount: Amount | None, kind: str, usd: float | None, w: float,
          pos: dict[str, tuple[float, float]], radii: dict[str, float], first: str, k: int, n: int,
          in_loop: bool, lang: str = "en") -> MapEdge:
    (x0, y0), (x1, y1) = pos[payer], pos[payee]
    if payer == payee:  # a self-flow (rare): a small loop above the node
        r = radii[payer]
        path = (f"M{x0 - r * 0.5:.1f},{y0 - r * 0.85:.1f} C{x0 - r * 1.6:.1f},{y0 - r * 2.6:.1f} "
                f"{x0 + r * 1.6:.1f},{y0 - r * 2.6:.1f} {x0 + r * 0.5:.1f},{y0 - r * 0.85:.1f}")
        return MapEdge(d.id, payer, payee, kind, KIND_COLOURS[kind], _flow_label(d, amount, lang), path,
                       round(x0, 1), round(y0 - r * 2.2, 1), round(w, 2), usd, in_loop, kind == "none")
    # Normal of the canonical pair direction, so that A->B and B->A bend to different sides.
    ax, ay = pos[first]
    bx, by = (x1, y1) if first == payer else (x0, y0)
    length = math.hypot(bx - ax, by - ay) or 1.0
    nx_, ny_ = -(by - ay) / length, (bx - ax) / length
    offset = (k - (n - 1) / 2) * 34.0 + (0.0 if n > 1 else 16.0)
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    cx, cy = mx + nx_ * offset * 2, my + ny_ * offset * 2
    # Trim both ends at the node circles, along the tangent towards the control point.
    def trim(px: float, py: float, r: float) -> tuple[float, float]:
        dx, dy = cx - px, cy - py
        dd = math.hypot(dx, dy) or 1.0
        return px + dx / dd * r, py + dy / dd * r

    sx, sy = trim(x0, y0, radii[payer] + 2)
    ex, ey = trim(x1, y1, radii[payee] + (2 if kind == "none" else 11))
    lx = 0.25 * sx + 0.5 * cx + 0.25 * ex
    ly = 0.25 * sy + 0.5 * cy + 0.25 * ey
    path = f"M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}"
    return MapEdge(d.id, payer, payee, kind, KIND_COLOURS[kind], _flow_label(d, amount, lang), path,
                   round(lx, 1), round(ly, 1), round(w, 2), usd, in_loop,
                   dashed=kind == "none" or usd is None,
                   points=((round(sx, 1), round(sy, 1)), (round(cx, 1), round(cy, 1)), (round(ex, 1), round(ey, 1))))
