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
from dataclasses import dataclass, field
from datetime import date

import networkx as nx

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


def _flow_label(deal: Deal, amount: Amount | None) -> str:
    parts = []
    if amount is not None:
        parts.append(amount.label())
    if deal.quantity is not None and (amount is None or not amount.is_money):
        parts.append(deal.quantity.label())
    if deal.capacity_gw and not (amount is not None and amount.unit == "GW"):
        parts.append(f"{deal.capacity_gw:g} GW")
    return " · ".join(parts)


def _positions(ids: Sequence[str], pairs: Iterable[tuple[str, str]], radii: dict[str, float],
               width: int, height: int, margin: float) -> dict[str, tuple[float, float]]:
    g = nx.Graph()
    g.add_nodes_from(ids)
    for a, b in pairs:
        if a != b:
            g.add_edge(a, b)
    n = max(len(ids), 1)
    if n == 1:
        return {ids[0]: (width / 2, height / 2)}
    pos = nx.spring_layout(g, seed=LAYOUT_SEED, k=2.2 / math.sqrt(n), iterations=300)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    sx = (width - 2 * margin) / ((x1 - x0) or 1.0)
    sy = (height - 2 * margin) / ((y1 - y0) or 1.0)
    out = {i: [margin + (pos[i][0] - x0) * sx, margin + (pos[i][1] - y0) * sy] for i in ids}
    # Push apart discs (with room for a two-line label below each) that overlap; fixed order, fixed steps.
    order = sorted(ids)
    for _ in range(120):
        moved = False
        for ai, a in enumerate(order):
            for b in order[ai + 1:]:
                pa, pb = out[a], out[b]
                dx, dy = pb[0] - pa[0], pb[1] - pa[1]
                d = math.hypot(dx, dy)
                need = radii[a] + radii[b] + 46.0
                if d >= need:
                    continue
                if d < 1e-6:
                    dx, dy, d = 1.0, 0.0, 1.0
                push = (need - d) / 2
                ux, uy = dx / d, dy / d
                pa[0] -= ux * push
                pa[1] -= uy * push
                pb[0] += ux * push
                pb[1] += uy * push
                moved = True
        for i in order:
            r = radii[i]
            out[i][0] = min(max(out[i][0], margin / 2 + r), width - margin / 2 - r)
            out[i][1] = min(max(out[i][1], margin / 2 + r), height - margin / 2 - r - 24)
        if not moved:
            break
    return {i: (round(p[0], 1), round(p[1], 1)) for i, p in out.items()}


def map_view(ledger: Ledger, on: date | None = None, loop_deals: Iterable[str] = (),
             size: str = "auto", width: int = 1280, height: int = 860) -> MapView:
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

    Returns:
        The :class:`MapView` (pure data, no drawing).
    """
    loop_set = frozenset(loop_deals)
    deals = sorted(ledger.deals.values(), key=lambda d: d.id)
    ids = sorted({e for d in deals for e in d.entities() if e in ledger.entities})
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
    if size == "auto":
        size = "market_cap" if any(caps.values()) else ("flow" if flow_total else "none")
    if size not in ("market_cap", "flow", "none"):
        raise ValueError(f"unknown map size basis {size!r}: use auto, market_cap, flow or none")

    r_min, r_max = 14.0, 58.0
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
    pos = _positions(ids, pairs, radii, width, height, margin=90.0)

    nodes = []
    for i in ids:
        e = ledger.entities[i]
        fact = caps[i] if size == "market_cap" else None
        label = ""
        if size == "market_cap" and fact is not None:
            label = f"market value {fact.value.label()}"
        elif size == "flow" and values[i]:
            label = f"flows in and out ${values[i] / 1e9:,.0f}B (mid)"
        nodes.append(MapNode(
            id=i, name=e.name, zh=chinese_name(e), kind=str(e.kind), x=pos[i][0], y=pos[i][1], r=round(radii[i], 1),
            size_basis=size if values[i] else "none", size_label=label,
            size_as_of=fact.as_of if fact else None, size_fact=fact.id if fact else None,
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
            edges.append(_edge(d, payer, payee, amount, kind, usd, w, pos, radii, a, k, n, d.id in loop_set))
    return MapView(width=width, height=height, nodes=tuple(nodes), edges=tuple(edges), loop_deals=loop_set,
                   size_basis=size, title=ledger.name,
                   kinds=tuple(k for k in KIND_COLOURS if any(e.kind == k for e in edges)))


def _edge(d: Deal, payer: str, payee: str, amount: Amount | None, kind: str, usd: float | None, w: float,
          pos: dict[str, tuple[float, float]], radii: dict[str, float], first: str, k: int, n: int,
          in_loop: bool) -> MapEdge:
    (x0, y0), (x1, y1) = pos[payer], pos[payee]
    if payer == payee:  # a self-flow (rare): a small loop above the node
        r = radii[payer]
        path = (f"M{x0 - r * 0.5:.1f},{y0 - r * 0.85:.1f} C{x0 - r * 1.6:.1f},{y0 - r * 2.6:.1f} "
                f"{x0 + r * 1.6:.1f},{y0 - r * 2.6:.1f} {x0 + r * 0.5:.1f},{y0 - r * 0.85:.1f}")
        return MapEdge(d.id, payer, payee, kind, KIND_COLOURS[kind], _flow_label(d, amount), path,
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
    return MapEdge(d.id, payer, payee, kind, KIND_COLOURS[kind], _flow_label(d, amount), path,
                   round(lx, 1), round(ly, 1), round(w, 2), usd, in_loop,
                   dashed=kind == "none" or usd is None,
                   points=((round(sx, 1), round(sy, 1)), (round(cx, 1), round(cy, 1)), (round(ex, 1), round(ey, 1))))
