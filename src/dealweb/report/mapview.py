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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import networkx as nx
import numpy as np

from dealweb import fmt
from dealweb.i18n import check_lang, entity_name, messages
from dealweb.model import FLOW_KIND, Deal, Entity, Fact, Ledger
from dealweb.money import Amount

__all__ = [
    "ENTITY_FILL",
    "KIND_COLOURS",
    "KIND_LABELS",
    "LAYOUT_SEED",
    "MapCell",
    "MapEdge",
    "MapNode",
    "MapState",
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
    group: str = ""
    members: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MapEdge:
    """One pairwise flow drawn as a quadratic Bézier from payer to payee.

    ``path`` is the SVG path data; ``(lx, ly)`` where its label goes; ``width`` the stroke width in pixels.
    ``usd_mid`` is the midpoint of the flow's USD interval (``None`` when it has no USD value).
    ``conditional``: the money is conditional (letter of intent, an "up to" ceiling, milestones), drawn
    dashed. ``(ax, ay)`` is the point of the arrow the label belongs to; ``leader`` says a line joins them.
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
    conditional: bool = False
    ax: float = 0.0
    ay: float = 0.0
    leader: bool = False
    group: str = ""
    agg: str = ""
    deals: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MapCell:
    """The box where a group of periphery firms is drawn: its node when closed, its members when open.

    ``(x0, y0, x1, y1)`` in canvas pixels; ``title`` the header drawn at its top left; ``shown`` members
    drawn when open (the largest by money), ``n`` members in all.
    """

    id: str
    x0: float
    y0: float
    x1: float
    y1: float
    title: str
    n: int
    shown: int
    usd: float
    closed_y1: float = 0.0
    open: bool = False


@dataclass(frozen=True)
class MapState:
    """The map with one group open (the others closed): what differs from the map with every group closed.

    ``nodes`` and ``edges`` are the group area's only (every closed group's node and summed arrows, the open
    group's members and their arrows); ``cells`` every group's box in this state; ``height`` the canvas height.
    The core (its firms, arrows and labels) is the same in every state.
    """

    group: str
    height: int
    cells: tuple[MapCell, ...]
    nodes: tuple[MapNode, ...]
    edges: tuple[MapEdge, ...]


@dataclass(frozen=True)
class MapView:
    """The whole map: canvas size, nodes, edges and which deal ids lie on a loop.

    With groups, ``nodes``, ``edges``, ``cells`` and ``height`` are the map with every group closed, and
    ``states`` holds, for each group, the map with that group open (:meth:`opened` gives it as a whole view).
    """

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
    cells: tuple[MapCell, ...] = ()
    bands: tuple[tuple[str, str, float, float], ...] = ()
    layout: str = "spring"
    view: str = "core"
    states: tuple[MapState, ...] = ()

    def opened(self, group: str) -> MapView:
        """The whole map with ``group`` open and every other group closed (a :class:`MapView` with no states).

        Raises:
            KeyError: no group of that id.
        """
        for st in self.states:
            if st.group == group:
                core_nodes = tuple(n for n in self.nodes if not n.group and n.kind != "group")
                core_edges = tuple(e for e in self.edges if not e.group and not e.agg)
                return replace(self, height=st.height, cells=st.cells, nodes=core_nodes + st.nodes,
                               edges=core_edges + st.edges, states=())
        raise KeyError(f"no group {group!r} on this map")


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


def sig3(x: float) -> float:
    """A computed total (a sum of interval midpoints, USD) rounded to three significant figures for the map.

    Such sums carry no more precision than that: ``869.93e9 -> 870e9`` ($870B, 8,700億美元). Figures the
    sources state (each arrow's own amount) are never rounded; the tables keep the exact sums.

    >>> sig3(869.93e9), sig3(24.67e9), sig3(0.0)
    (870000000000.0, 24700000000.0, 0.0)
    """
    if not x or not math.isfinite(x):
        return x
    return float(round(x, 2 - math.floor(math.log10(abs(x)))))


def _flow_label(deal: Deal, amount: Amount | None, lang: str = "en") -> str:
    parts = []
    if amount is not None:
        parts.append(fmt.amount(amount, lang=lang))
    if deal.quantity is not None and (amount is None or not amount.is_money):
        parts.append(fmt.amount(deal.quantity, lang=lang))
    if deal.capacity_gw and not (amount is not None and amount.unit == "GW"):
        parts.append(f"{deal.capacity_gw:g} GW")
    return " · ".join(parts)


#: Longest line of a firm's name on the map, in characters (CJK count double); longer names wrap once
#: and then end in "…" (the tooltip and the tables keep the whole name).
NAME_LINE = 26


def name_lines(name: str, limit: int = NAME_LINE) -> list[str]:
    """A firm's name as at most two lines of about ``limit`` characters, broken at spaces."""
    def size(t: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in t)

    if size(name) <= limit:
        return [name]
    lines: list[str] = []
    cur = ""
    for word in name.split(" ") if " " in name else list(name):
        sep = " " if cur and " " in name else ""
        if cur and size(cur + sep + word) > limit:
            lines.append(cur)
            cur = word
            if len(lines) == 2:
                break
        else:
            cur = cur + sep + word
    else:
        lines.append(cur)
    if len(lines) > 2 or (len(lines) == 2 and size(" ".join(lines)) < size(name) - 1):
        lines = lines[:2]
        while size(lines[1]) > limit - 1:
            lines[1] = lines[1][:-1]
        lines[1] = lines[1].rstrip() + "…"
    return lines


def _label_width(text: str, px: float) -> float:
    """Rough rendered width of ``text`` at font size ``px`` (CJK glyphs are about square)."""
    return sum(px if ord(ch) > 0x2E80 else px * 0.6 for ch in text)


def _name_width(text: str) -> float:
    """Rough rendered width of a firm's name (13.5 px, bold: Latin letters run wider than 0.6 em)."""
    return sum(13.5 if ord(ch) > 0x2E80 else 13.5 * 0.66 for ch in text)


def _component_layout(g: nx.Graph, radii: dict[str, float]) -> dict[str, np.ndarray]:
    """Unit-box positions of one connected component: force-directed, seeded, so always the same.

    Fruchterman & Reingold (1991) as ``networkx.spring_layout`` (numpy, O(n^2) per iteration), started
    from a circle in sorted order; edges weighted so that the firms with the most money between them sit
    closest. Small components (up to three firms) are placed on a line.
    """
    nodes = sorted(g.nodes)
    if len(nodes) == 1:
        return {nodes[0]: np.array([0.5, 0.5])}
    if len(nodes) <= 3:
        return {n: np.array([(k + 0.5) / len(nodes), 0.5 + 0.1 * (k % 2)]) for k, n in enumerate(nodes)}
    start = nx.circular_layout(nodes)
    pos = nx.spring_layout(g, pos=start, seed=LAYOUT_SEED, iterations=120, k=1.6 / math.sqrt(len(nodes)))
    xs = np.array([pos[n][0] for n in nodes])
    ys = np.array([pos[n][1] for n in nodes])
    xs = (xs - xs.min()) / ((xs.max() - xs.min()) or 1.0)
    ys = (ys - ys.min()) / ((ys.max() - ys.min()) or 1.0)
    # Force layouts crowd the hubs in the middle and leave the rim empty: blend each coordinate with its
    # rank (a monotone map, so the picture keeps its shape) to spread the crowd over the box.
    rx = np.argsort(np.argsort(xs, kind="stable"), kind="stable") / max(len(nodes) - 1, 1)
    ry = np.argsort(np.argsort(ys, kind="stable"), kind="stable") / max(len(nodes) - 1, 1)
    xs, ys = 0.45 * xs + 0.55 * rx, 0.45 * ys + 0.55 * ry
    return {n: np.array([xs[k], ys[k]]) for k, n in enumerate(nodes)}


def _separate(p: np.ndarray, half: np.ndarray, up: np.ndarray, down: np.ndarray, width: float, height: float,
              top: float, bottom: float, steps: int = 400) -> np.ndarray:
    """Push apart boxes (a disc with its name under it) until none overlaps: vectorised, fixed step count.

    Box ``i`` spans ``[x - half, x + half] x [y - up, y + down]``; each overlapping pair moves apart along the
    axis of its smaller overlap, half each; positions stay inside ``[half, width - half] x [top + up,
    bottom - down]``.
    """
    p = p.copy()
    n = len(p)
    if n < 2:
        return p
    iu = np.triu_indices(n, 1)
    p[:, 0] = np.clip(p[:, 0], 8 + half, width - 8 - half)  # inside the canvas even when nothing overlaps
    p[:, 1] = np.clip(p[:, 1], top + up, bottom - down)
    for _ in range(steps):
        dx = p[iu[0], 0] - p[iu[1], 0]
        ox = half[iu[0]] + half[iu[1]] - np.abs(dx)
        oy = (np.minimum(p[iu[0], 1] + down[iu[0]], p[iu[1], 1] + down[iu[1]])
              - np.maximum(p[iu[0], 1] - up[iu[0]], p[iu[1], 1] - up[iu[1]]))
        hit = (ox > 0) & (oy > 0)
        if not hit.any():
            break
        a, b = iu[0][hit], iu[1][hit]
        ox, oy, dx = ox[hit], oy[hit], dx[hit]
        dy = p[a, 1] - p[b, 1]
        horiz = ox < oy
        move = np.zeros((a.size, 2))
        sx = np.where(dx > 0, 1.0, np.where(dx < 0, -1.0, np.where(a % 2 == 0, 1.0, -1.0)))
        sy = np.where(dy > 0, 1.0, np.where(dy < 0, -1.0, np.where(a % 2 == 0, 1.0, -1.0)))
        move[horiz, 0] = sx[horiz] * (ox[horiz] / 2 + 0.5)
        move[~horiz, 1] = sy[~horiz] * (oy[~horiz] / 2 + 0.5)
        delta = np.zeros_like(p)
        np.add.at(delta, a, move)
        np.add.at(delta, b, -move)
        p += delta * 0.9
        p[:, 0] = np.clip(p[:, 0], 8 + half, width - 8 - half)
        p[:, 1] = np.clip(p[:, 1], top + up, bottom - down)
    return p


def _node_box(name: str, zh: str, r: float) -> tuple[float, float, float]:
    """Half width, extent above and below the centre of a disc with its name (and Chinese name) under it."""
    lines = name_lines(name)
    zh_lines = name_lines(zh) if zh else []
    half = max([r] + [_name_width(t) / 2 for t in lines] + [_label_width(t, 12) / 2 for t in zh_lines]) + 6
    return half + 10, r + 12, r + 18 + 15 * (len(lines) + len(zh_lines))


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
    top, bottom = margin * 0.7, height - margin - 30
    # Components are packed on the canvas in rows, each given area in proportion to its size: the largest
    # first (top left), so the story's centre gets the room and no side of the canvas stays empty.
    total = sum(len(c) for c in comps)
    out: dict[str, np.ndarray] = {}
    x0, y0, row_h = margin * 0.5, top, 0.0
    usable_w, usable_h = width - margin, bottom - top
    for k, c in enumerate(comps):
        area = usable_w * usable_h * len(c) / total
        if k == 0:  # the largest component (the story's centre) spans the whole width
            w = usable_w
        else:
            w = min(usable_w, max(math.sqrt(area * 1.6), 170.0 * min(len(c), 3)))
        h = min(usable_h, max(area / w, 120.0))
        if x0 + w > width - margin * 0.5 + 1:
            x0, y0, row_h = margin * 0.5, y0 + row_h, 0.0
        unit = _component_layout(g.subgraph(c), radii)
        for n, q in unit.items():
            out[n] = np.array([x0 + 40 + q[0] * max(w - 80, 1.0), y0 + 30 + q[1] * max(h - 60, 1.0)])
        x0 += w
        row_h = max(row_h, h)
    order = sorted(ids)
    boxes = np.array([_node_box(labels[i][0], labels[i][1], radii[i]) for i in order])
    p = np.array([out[i] for i in order])
    # components that ran past the bottom are squeezed back into the canvas before separating
    if p[:, 1].max() > bottom:
        p[:, 1] = top + (p[:, 1] - top) * (bottom - top) / (p[:, 1].max() - top + 40)
    p = _separate(p, boxes[:, 0], boxes[:, 1], boxes[:, 2], width, height, 56, height - 70)
    return {i: (round(float(p[k, 0]), 1), round(float(p[k, 1]), 1)) for k, i in enumerate(order)}


def map_view(ledger: Ledger, on: date | None = None, loop_deals: Iterable[str] = (),
             size: str = "auto", width: int = 1400, height: int = 920, max_nodes: int = 80,
             lang: str = "en", focus: str | None = None, hops: int = 2, layout: str = "spring",
             view: str = "core", core_max: int = 30) -> MapView:
    """Geometry of the map of ``ledger``'s web.

    Every entity that takes part in a deal (at any date, so that positions stay put as the chapters
    move) is placed; every pairwise flow of every deal is an arrow, including cancelled ones (the page
    fades those). Node area is proportional to the money through each firm (``size="flow"``: USD in and
    out, mid of each interval), to market value (``size="market_cap"``: the latest ``market_cap`` fact on
    or before ``on``), or chosen by ``"auto"``: money through the firm when any flow has a USD figure, else
    market value. Conditional money (as the flows table classes it: letters of intent, "up to" ceilings,
    milestones; :mod:`dealweb.flows`) is drawn dashed. The canvas grows with the number of arrows so that
    every label finds a clear spot.

    The core view (``view="core"``, the default) draws at most ``core_max`` firms in full: those on the
    money loops and, by money, those within two deals of them (:func:`dealweb.report.maplayout.core_of`);
    the rest are gathered into labelled groups (:func:`dealweb.report.maplayout.groups_of`), each drawn as
    one node in its own box below the core, with one arrow per core firm and direction carrying the
    group's money; a group opens in place (its members and their arrows in the same box) and closes again.
    Labels are placed so that no state (any group open or closed) has a label over another label or over
    another firm's circle: each group's labels stay inside its box, and the core's labels outside every box.

    Args:
        ledger: the ledger to draw.
        on: the date whose market values size the nodes (``None``: the latest known).
        loop_deals: ids of deals that lie on a money loop (from ``dealweb.graph.loops``): highlighted, and
            the seeds of the core view.
        size: ``auto``, ``market_cap``, ``flow`` or ``none``.
        width: canvas width in pixels.
        height: canvas height in pixels.
        max_nodes: with ``view="all"`` or ``focus``, most circles drawn; above it the entities with the
            largest flows are kept (or, with ``focus``, the neighbourhood of that firm) and
            ``MapView.hidden`` counts the others.
        focus: an entity id: draw only the firms within ``hops`` deals of it (nearest and largest first,
            at most ``max_nodes``): the searchable neighbourhood view of a big web.
        hops: how far the neighbourhood of ``focus`` reaches.
        lang: ``en`` (English names with the Chinese name below), ``zh-Hant`` or ``zh-Hans`` (names in that
            script, from the ledger's ``names`` or folded by OpenCC); amounts in that language.
        layout: ``spring`` (force-directed) or ``layered`` (bands by role in the money:
            :func:`dealweb.report.maplayout.layered_positions`).
        view: ``core`` (core firms plus groups) or ``all`` (every firm, up to ``max_nodes``).
        core_max: most firms in the core view's core.

    Returns:
        The :class:`MapView` (pure data, no drawing).
    """
    lang = check_lang(lang)
    if layout not in ("spring", "layered"):
        raise ValueError(f"unknown map layout {layout!r}: use spring or layered")
    if view not in ("core", "all"):
        raise ValueError(f"unknown map view {view!r}: use core or all")
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

    caps = {i: latest_market_cap(ledger, i, on) for i in ids} if size in ("auto", "market_cap") else {}
    flow_total: dict[str, float] = defaultdict(float)
    for d, f in flows:
        v = _usd_mid(d, f.amount)
        if v:
            flow_total[f.payer] += v
            flow_total[f.payee] += v
    hidden = 0
    all_flows, all_partners = flows, partner_links
    if focus is not None:
        if focus not in ledger.entities:
            raise KeyError(f"no entity {focus!r} in this ledger")
        adj: dict[str, set[str]] = defaultdict(set)
        for a, b in [(f.payer, f.payee) for _, f in flows] + [(a, b) for _, a, b in partner_links]:
            adj[a].add(b)
            adj[b].add(a)
        dist = {focus: 0}
        frontier = [focus]
        for h in range(1, hops + 1):
            nxt = sorted({m for n in frontier for m in adj[n] if m not in dist})
            for m in nxt:
                dist[m] = h
            frontier = nxt
        near = sorted(dist, key=lambda i: (dist[i], -flow_total.get(i, 0.0), i))[:max_nodes]
        keep = set(near)
        hidden = len(ids) - len(keep)
        ids = sorted(keep)
        flows = [(d, f) for d, f in flows if f.payer in keep and f.payee in keep]
        partner_links = [(d, a, b) for d, a, b in partner_links if a in keep and b in keep]
    elif view == "all" and len(ids) > max_nodes:
        # A readable map has a bounded number of circles: keep those with the largest flows (then the
        # largest market values); the tables still list every entity and deal.
        def rank(i: str) -> tuple[float, float, str]:
            cap = caps[i].value.usd("mid") if caps.get(i) else 0.0
            return (-flow_total.get(i, 0.0), -(cap or 0.0), i)

        keep = set(sorted(ids, key=rank)[:max_nodes])
        hidden = len(ids) - len(keep)
        ids = sorted(keep)
        flows = [(d, f) for d, f in flows if f.payer in keep and f.payee in keep]
        partner_links = [(d, a, b) for d, a, b in partner_links if a in keep and b in keep]
    caps = {i: caps.get(i) or (latest_market_cap(ledger, i, on) if size in ("auto", "market_cap") else None)
            for i in ids}

    links = ([(FLOW_KIND.get(d.type, "none"), f.payer, f.payee, _usd_mid(d, f.amount) or 0.0) for d, f in flows]
             + [("none", a, b, 0.0) for _, a, b in partner_links])
    groups: list = []
    member_of: dict[str, str] = {}
    if view == "core" and focus is None:
        from dealweb.report.maplayout import GROUP_SHOW, core_of, groups_of

        loop_ents = {e for d, f in flows if d.id in loop_set for e in (f.payer, f.payee)}
        core = core_of(ids, links, loop_ents, flow_total, core_max)
        groups = groups_of(ids, core, links, flow_total)
        for g in groups:
            for m in g.members:
                member_of[m] = g.id
        shown = {m for g in groups for m in g.members[:GROUP_SHOW]}
        drop = set(member_of) - shown
        hidden += len(drop)
    else:
        core = set(ids)
        drop = set()
    drawn = [i for i in ids if i not in drop]
    draw_flows = [(d, f) for d, f in flows if f.payer not in drop and f.payee not in drop]
    draw_partners = [(d, a, b) for d, a, b in partner_links if a not in drop and b not in drop]

    if size == "auto":
        size = "flow" if any(flow_total.get(i) for i in ids) else ("market_cap" if any(caps.values()) else "none")
    if size not in ("market_cap", "flow", "none"):
        raise ValueError(f"unknown map size basis {size!r}: use auto, market_cap, flow or none")

    r_min, r_max = 13.0, 60.0
    values: dict[str, float | None] = {}
    for i in drawn:
        if size == "market_cap":
            f = caps[i]
            values[i] = f.value.usd("mid") if f else None
        elif size == "flow":
            values[i] = flow_total.get(i) or None
        else:
            values[i] = None
    vmax = max((v for v in values.values() if v), default=0.0)
    radii = {i: (r_min + (r_max - r_min) * math.sqrt(values[i] / vmax)) if values[i] and vmax else r_min
             for i in drawn}

    def two_names(e: Entity) -> tuple[str, str]:
        if lang == "en":
            return e.name, chinese_name(e)
        return entity_name(e, lang), ""

    labels = {i: two_names(ledger.entities[i]) for i in drawn}
    gmoney = {g.id: g.usd for g in groups}
    gvmax = max([vmax, *gmoney.values()]) if groups else vmax
    for g in groups:
        gid = "group:" + g.id
        radii[gid] = max(24.0, (r_min + (r_max - r_min) * math.sqrt(g.usd / gvmax)) if g.usd and gvmax else 24.0)
        labels[gid] = (_group_title(g, ledger, lang), _group_count(g, lang))
    core_ids = sorted(core)
    pairs = [(f.payer, f.payee) for _, f in draw_flows] + [(a, b) for _, a, b in draw_partners]
    core_pairs = [(a, b) for a, b in pairs if a in core and b in core]
    core_flows = [(d, f) for d, f in draw_flows if f.payer in core and f.payee in core]
    # Room for every label: three times the area of the amount labels plus twice that of the firms with
    # their names (factors found by measuring the drawn maps in Chromium; see tests/e2e/test_map_overlaps).
    label_area = sum((_label_width(_flow_label(d, f.amount, lang), 11.5) + 10) * 18 for d, f in core_flows)
    node_area = 0.0
    for i in core_ids:
        half, up, down = _node_box(*labels[i], radii[i])
        node_area += 2 * half * (up + down)
    need = 3.2 * label_area + 2.0 * node_area
    if need > width * (height - 130) * 0.45:  # grow wider first (up to 2,200 px), then taller
        grow = math.sqrt(need / (width * (height - 130) * 0.45))
        width = int(min(2200, math.ceil(width * grow)))
        height = int(math.ceil(max(height, need / (width * 0.45) + 130)))
    bands: list[tuple[str, str, float, float]] = []
    if layout == "layered":
        from dealweb.report.maplayout import firm_bands, layered_positions

        band = firm_bands(core_ids, [lk for lk in links if lk[1] in core and lk[2] in core])
        boxes = {i: _node_box(*labels[i], radii[i]) for i in core_ids}
        lay, extents = layered_positions(core_ids, band, core_pairs, boxes, width, 56.0, height - 70.0)
        if extents and extents[-1][2] > height - 70:
            height = int(math.ceil(extents[-1][2] + 70))
        order = sorted(core_ids)
        if order:
            p = np.array([lay[i] for i in order])
            bx = np.array([boxes[i] for i in order])
            p = _separate(p, bx[:, 0], bx[:, 1], bx[:, 2], width, height, 56, height - 70)
            pos = {i: (round(float(p[k, 0]), 1), round(float(p[k, 1]), 1)) for k, i in enumerate(order)}
        else:
            pos = {}
        bands = [(b, t("band." + b), round(y0, 1), round(y1, 1)) for b, y0, y1 in extents]
    else:
        pos = _positions(core_ids, core_pairs, radii, labels, width, height, margin=80.0)

    # a group of one firm is that firm, drawn in its box in every state (nothing to open)
    always = {g.id for g in groups if len(g.members) == 1}
    group_pos: dict[str, dict[str, tuple[float, float]]] = {}
    group_cells: dict[str, list[MapCell]] = {}
    group_height: dict[str, int] = {}
    if groups:
        # arrows leaving each group's box for the core, labelled: each shown member's while open, one per
        # core firm and direction (the group's summed arrows) while closed
        out_edges: dict[str, int] = defaultdict(int)
        summed: dict[str, dict[tuple[str, str], float]] = defaultdict(lambda: defaultdict(float))
        for (_k, a, b, v) in links:
            ga, gb = member_of.get(a), member_of.get(b)
            if (ga or gb) and ga != gb:
                summed[ga or gb][(a if not ga else "", b if not gb else "")] += v  # labelled when it has USD
                if a not in drop and b not in drop:
                    out_edges[ga or gb] += 1
        # One layout of the group area per state: every group closed (""), then each group open alone. A
        # closed group takes only its closed size; the boxes after an open one move down to make room.
        at_x = _group_places(groups, member_of, links, pos)
        for state in ["", *(g.id for g in groups if g.id not in always)]:
            group_pos[state], group_cells[state], group_height[state] = _place_groups(
                groups, drawn, labels, radii, pos, width, height - 40, lang, out_edges, open_id=state or None,
                closed_out={g: sum(1 for u in v.values() if u > 0) for g, v in summed.items()}, at_x=at_x,
                always=always)

    def node_of(i: str, at: tuple[float, float]) -> MapNode:
        e = ledger.entities[i]
        fact = caps[i] if size == "market_cap" else None
        label = short = ""
        if size == "market_cap" and fact is not None:
            short = fmt.amount(fact.value, lang=lang)
            label = t("node.market_value", value=short)
        elif size == "flow" and values[i]:
            short = fmt.money(sig3(values[i]), lang=lang)
            label = t("node.flow", value=short)
        return MapNode(
            id=i, name=labels[i][0], zh=labels[i][1], kind=str(e.kind), x=at[0], y=at[1], r=round(radii[i], 1),
            size_basis=size if values[i] else "none", size_label=label,
            size_as_of=fact.as_of if fact else None, size_fact=fact.id if fact else None, size_short=short,
            group=member_of.get(i, ""),
        )

    def group_node(g, at: tuple[float, float]) -> MapNode:  # noqa: ANN001
        gid = "group:" + g.id
        return MapNode(id=gid, name=labels[gid][0], zh=labels[gid][1], kind="group", x=at[0], y=at[1],
                       r=round(radii[gid], 1), size_basis="flow" if g.usd else "none",
                       size_label=t("node.flow", value=fmt.money(sig3(g.usd), lang=lang)) if g.usd else "",
                       members=g.members)

    core_nodes = [node_of(i, pos[i]) for i in drawn if i not in member_of]
    state_nodes: dict[str, list[MapNode]] = {}
    for state, gp in group_pos.items():
        state_nodes[state] = [group_node(g, gp["group:" + g.id]) for g in groups
                              if g.id != state and g.id not in always]
        state_nodes[state] += [node_of(i, gp[i]) for i in drawn
                               if i in member_of and (member_of[i] == state or member_of[i] in always)]

    usd_values = [_usd_mid(d, f.amount) for d, f in all_flows]
    umax = max((v for v in usd_values if v), default=0.0)
    by_pair: dict[tuple[str, str], list[tuple[Deal, str, str, Amount | None]]] = defaultdict(list)
    for d, f in draw_flows:
        by_pair[tuple(sorted((f.payer, f.payee)))].append((d, f.payer, f.payee, f.amount))
    for d, a, b in draw_partners:
        by_pair[tuple(sorted((a, b)))].append((d, a, b, d.amount))

    # Deals whose sources disagree (conflicts the loader derived, or a claim flagged joke/slip/disputed).
    disputed = {c.record for c in ledger.conflicts} | {
        rid for rid, c in ledger.claims() if c.flag in ("joke", "unit_slip", "disputed")}
    cond = _conditional_flows(ledger)

    def finish(es: list[MapEdge]) -> list[MapEdge]:
        es = [replace(e, conflict=True) if e.deal in disputed else e for e in es]
        return [replace(e, conditional=True, dashed=True) if cond.get((e.deal, e.payer, e.payee)) else e
                for e in es]

    def arrows(gid: str, at: Mapping[str, tuple[float, float]]) -> list[MapEdge]:
        """Every arrow of the core (``gid`` ``""``) or of one group's members, drawn at positions ``at``."""
        out = []
        for (a, b), items in sorted(by_pair.items()):
            if (member_of.get(a) or member_of.get(b) or "") != gid:
                continue
            items.sort(key=lambda t: (t[0].id, t[1], t[2]))
            n = len(items)
            for k, (d, payer, payee, amount) in enumerate(items):
                kind = FLOW_KIND.get(d.type, "none")
                usd = _usd_mid(d, amount) if kind != "none" else None
                w = 1.4 + 6.0 * math.sqrt(usd / umax) if usd and umax else 1.4
                e = _edge(d, payer, payee, amount, kind, usd, w, at, radii, a, k, n, d.id in loop_set, lang)
                out.append(replace(e, group=gid) if gid else e)
        return out

    core_edges = finish(arrows("", pos))
    # The core's labels stay clear of every group's box in every state, so they never move.
    every_cell = [c for cs in group_cells.values() for c in cs]
    # ... and clear of the layered layout's band names (drawn at the left edge, 12.5 px bold capitals)
    band_names = [(12 + w / 2, y0 + 12, w / 2 + 4, 10.0) for w, y0 in
                  ((_label_width(label.upper(), 12.5) * 1.15, y0) for _b, label, y0, _y1 in bands)]
    core_edges = _place_labels(core_edges, core_nodes, extra=[_cell_box(c) for c in every_cell] + band_names)
    core_labels = [_label_box(e) for e in core_edges if e.label]
    state_edges: dict[str, list[MapEdge]] = {}
    placed_boxes: dict = {}
    for state, gp in group_pos.items():
        es = finish([e for gid in [state, *sorted(always)] if gid for e in arrows(gid, gp)])
        es += [e for e in _group_edges(groups, member_of, all_flows, all_partners, gp, radii, umax, cond,
                                       loop_set, lang) if e.agg != state and e.agg not in always]
        state_edges[state] = _place_group_labels(es, core_nodes, state_nodes[state], group_cells[state],
                                                 core_labels, lang, placed_boxes)

    edges = core_edges + state_edges.get("", [])
    nodes = core_nodes + state_nodes.get("", [])
    states = tuple(MapState(g.id, group_height[g.id], tuple(group_cells[g.id]), tuple(state_nodes[g.id]),
                            tuple(state_edges[g.id])) for g in groups if g.id not in always)
    if groups:
        height = group_height[""]
    every_edge = edges + [e for st in states for e in st.edges]
    return MapView(width=width, height=height, nodes=tuple(nodes), edges=tuple(edges), loop_deals=loop_set,
                   size_basis=size, title=ledger.name, hidden=hidden, lang=lang,
                   kinds=tuple(k for k in KIND_COLOURS if any(e.kind == k for e in every_edge)),
                   cells=tuple(group_cells.get("", ())), bands=tuple(bands), layout=layout, view=view,
                   states=states)


def _group_title(g, ledger: Ledger, lang: str) -> str:  # noqa: ANN001
    """The heading of a group: its kind of money and the core firm it deals with, in ``lang``."""
    t = messages(lang)
    how, anchor, kind = g.key
    name = entity_name(ledger.entities[anchor], lang) if anchor in ledger.entities else anchor
    if how == "anchor-kind":
        return t("group.kind_with", kind=t("group.kind." + kind), name=name)
    if how == "anchor":
        return t("group.with", name=name)
    if how == "apart":
        return t("group.kind_apart", kind=t("group.kind." + kind))
    if how == "kind":
        return t("group.kind_only", kind=t("group.kind." + kind))
    return t("group.other")


def _group_count(g, lang: str) -> str:  # noqa: ANN001
    t = messages(lang)
    n = t("group.count_one") if len(g.members) == 1 else t("group.count", n=len(g.members))
    return n + (" · " + fmt.money(sig3(g.usd), lang=lang) if g.usd else "")


def _group_spec(g, drawn_set: set[str], labels, radii, width: float, lang: str, n_out: int,  # noqa: ANN001
                is_open: bool) -> tuple:
    """The size of a group's box, closed or open: ``(shown, boxes, slot_w, cols, w, h, band, gbox, head)``.

    A closed box holds its header and its node; an open one its members on a grid. Above the node (or the
    members) a band is kept for the labels of the ``n_out`` arrows that leave the box for the core, one row
    of labels per box width's worth.
    """
    from dealweb.report.maplayout import GROUP_SHOW

    t = messages(lang)
    gid = "group:" + g.id
    gbox = _node_box(*labels[gid], radii[gid])
    head = t("group.head", title=labels[gid][0], count=labels[gid][1])
    head_w = _label_width(head, 13) * 1.05 + 150
    if not is_open:
        # its node with the labels of its arrows around and above it
        w = max(2 * gbox[0] + 60, head_w, 260.0, min(105.0 * n_out / 2 + 60, 2 * gbox[0] + 250))
        band = 22.0 * math.ceil(n_out / max(2, int((w - 40) // 105))) + 10.0
        return [], [], 0.0, 1, w, 46 + band + 12 + gbox[1] + gbox[2] + 26, band, gbox, head
    shown = [m for m in g.members[:GROUP_SHOW] if m in drawn_set]
    boxes = [_node_box(*labels[m], radii[m]) for m in shown]
    slot_w = max([2 * b[0] for b in boxes] + [0.0]) + 70
    slot_h = max([b[1] + b[2] for b in boxes] + [0.0]) + 56
    m = len(shown)
    cols = max(1, min(m, round(math.sqrt(1.8 * m * slot_h / max(slot_w, 1.0))) or 1,
                      int((width - 60) // max(slot_w, 1))))
    rows = math.ceil(m / cols) if m else 0
    w = max(cols * slot_w + 30, 2 * gbox[0] + 60, head_w, 260.0)
    # labels of the arrows leaving the box: about two a row, more when the members spread them out
    band = 22.0 * math.ceil(n_out / max(2, int(min(w - 40, 240 + 60 * cols) // 105))) + 10.0
    h = max(46 + band + rows * slot_h + 10, 46 + band + gbox[1] + gbox[2] + 40)
    return shown, boxes, slot_w, cols, w, h, band, gbox, head


def _free_x(row: list[tuple[float, float]], want: float, w: float, width: float) -> float | None:
    """The left edge nearest ``want`` where a box ``w`` wide fits in a row (``(x0, x1)`` taken), or None."""
    lo, hi = 20.0, width - 20.0 - w
    if hi < lo:
        return lo if not row else None
    gaps, left = [], lo
    for x0, x1 in sorted(row):
        gaps.append((left, x0 - 16 - w))
        left = max(left, x1 + 16)
    gaps.append((left, hi))
    best = None
    for a, b in gaps:
        b = min(b, hi)
        if b >= a:
            x = min(max(want, a), b)
            if best is None or abs(x - want) < abs(best - want):
                best = x
    return best


def _place_groups(groups, drawn, labels, radii, pos, width, top, lang, out_edges=None,  # noqa: ANN001, ANN202
                  open_id: str | None = None, closed_out: Mapping[str, int] | None = None,
                  at_x: Mapping[str, float] | None = None, always: set[str] | frozenset[str] = frozenset()):
    """Boxes for the groups in rows below the core from ``top``, with ``open_id`` open (or none).

    Every group closed: the boxes go, largest money first, into the first row with room as near below
    their place as it allows (``at_x``: where on the width each group's money meets the core,
    :func:`_group_places`; groups with none as far left as they fit), so arrows stay short. With a group
    open, every other box keeps its place, the rows below only moving down: the open box (its size from
    :func:`_group_spec`, with ``out_edges`` arrows leaving it, ``closed_out`` for a closed box) takes the
    closed one's place when its row has the width, else a row of its own just below.

    Groups in ``always`` (of one firm) are drawn open in every state.

    Returns the positions (``pos``, then the group nodes and the open groups' members), the cells, and the
    canvas height.
    """
    from dealweb.report.maplayout import GROUP_SHOW

    pos = dict(pos)
    drawn_set = set(drawn)
    at_x = at_x or {}
    closed = {g.id: _group_spec(g, drawn_set, labels, radii, width, lang, (out_edges or {}).get(g.id, 0), True)
              if g.id in always else
              _group_spec(g, drawn_set, labels, radii, width, lang,
                          (closed_out or {}).get(g.id, (out_edges or {}).get(g.id, 0)), False) for g in groups}
    rows: list[list[tuple[float, float]]] = []
    row_h: list[float] = []
    place: dict[str, tuple[int, float]] = {}  # group -> (row, x)
    for g in groups:
        w, h = closed[g.id][4], closed[g.id][5]
        want = at_x.get(g.id, 20.0 + w / 2) - w / 2
        r, x = len(rows), None
        for k, row in enumerate(rows):
            x = _free_x(row, want, w, width)
            if x is not None:
                r = k
                break
        if x is None:
            rows.append([])
            row_h.append(0.0)
            x = _free_x([], want, w, width) or 20.0
        rows[r].append((x, x + w))
        row_h[r] = max(row_h[r], h)
        place[g.id] = (r, x)
    spec = dict(closed)
    heights = list(row_h)
    extra_row: tuple[int, float] | None = None  # (after row, height) of a row holding the open box alone
    if open_id is not None and open_id in place and open_id not in always:
        g = next(g for g in groups if g.id == open_id)
        spec[open_id] = _group_spec(g, drawn_set, labels, radii, width, lang, (out_edges or {}).get(open_id, 0), True)
        r, x = place[open_id]
        w, h = spec[open_id][4], spec[open_id][5]
        others = [iv for iv in rows[r] if iv[0] != x]
        left = max([x1 + 16 for x0, x1 in others if x1 <= x] + [20.0])
        right = min([x0 - 16 for x0, x1 in others if x0 >= x] + [width - 20.0])
        if right - left >= w:  # in place, the row as tall as it needs
            place[open_id] = (r, min(max(x, left), right - w))
            heights[r] = max(heights[r], h)
        else:  # a row of its own just below
            want = at_x.get(open_id, x + closed[open_id][4] / 2) - w / 2
            place[open_id] = (r + 1, min(max(want, 20.0), max(20.0, width - 20.0 - w)))
            extra_row = (r, h)
    row_y, y = [], float(top)
    for r, h in enumerate(heights):
        row_y.append(y)
        y += h + 16
        if extra_row is not None and extra_row[0] == r:
            open_y = y
            y += extra_row[1] + 16
    cells = []
    for g in groups:
        shown, boxes, slot_w, cols, w, h, band, gbox, head = spec[g.id]
        r, x = place[g.id]
        gy = open_y if g.id == open_id and extra_row is not None else row_y[r]
        is_open = g.id == open_id or g.id in always
        x0 = x + (w - (cols * slot_w + 30)) / 2  # members centred in a box wider than their grid
        if boxes:
            slot_h = max(bb[1] + bb[2] for bb in boxes) + 56
        for k, (m, b) in enumerate(zip(shown, boxes, strict=True)):
            c, rr = k % cols, k // cols
            pos[m] = (round(x0 + 15 + (c + 0.5) * slot_w, 1), round(gy + 46 + band + rr * slot_h + 20 + b[1], 1))
        # the group's node below the band kept for the labels of arrows leaving the box
        pos["group:" + g.id] = (round(x + w / 2, 1), round(gy + 46 + band + 12 + gbox[1], 1))
        cells.append(MapCell(g.id, round(x, 1), round(gy, 1), round(x + w, 1), round(gy + h, 1),
                             head, len(g.members), len(shown) if is_open else
                             min(len(g.members), GROUP_SHOW), g.usd, closed_y1=0.0 if is_open else round(gy + h, 1),
                             open=is_open))
    return pos, cells, int(math.ceil(y - 16 + 100))


def _group_places(groups, member_of: Mapping[str, str], links: Sequence[tuple[str, str, str, float]],  # noqa: ANN001
                  pos: Mapping[str, tuple[float, float]]) -> dict[str, float]:
    """Where on the width each group's money meets the core: ``{group id: x}`` (groups with no link: none).

    A group's place is the mean x of the core firms its members deal with, weighted by the money (USD mid;
    a deal with no USD figure counts as a tiny amount). Boxes packed under their places keep arrows short.
    """
    acc: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for _k, a, b, usd in links:
        ga, gb = member_of.get(a), member_of.get(b)
        if bool(ga) == bool(gb):
            continue
        core, gid = (b, ga) if ga else (a, gb)
        if core in pos:
            w = usd or 1e-6
            acc[gid][0] += w * pos[core][0]
            acc[gid][1] += w
    return {gid: s / w for gid, (s, w) in acc.items() if w}


def _group_edges(groups, member_of, flows, partners, pos, radii, umax, cond, loop_set, lang):  # noqa: ANN001, ANN202
    """One arrow per group, core firm and direction, carrying the sum of the group's money with that firm."""
    acc: dict[tuple[str, str, str], dict] = {}
    for d, f in flows:
        ga, gb = member_of.get(f.payer), member_of.get(f.payee)
        if bool(ga) == bool(gb):
            continue  # core-core, or inside one group (drawn only when it is open)
        a = "group:" + ga if ga else f.payer
        b = "group:" + gb if gb else f.payee
        key = (ga or gb, a, b)
        slot = acc.setdefault(key, {"usd": 0.0, "deals": set(), "kinds": defaultdict(float), "cond": True,
                                    "loop": False})
        v = _usd_mid(d, f.amount) or 0.0
        kind = FLOW_KIND.get(d.type, "none")
        slot["usd"] += v
        slot["deals"].add(d.id)
        slot["kinds"][kind] += v or 1e-9
        slot["cond"] &= bool(cond.get((d.id, f.payer, f.payee)))
        slot["loop"] |= d.id in loop_set
    for d, a0, b0 in partners:
        ga, gb = member_of.get(a0), member_of.get(b0)
        if bool(ga) == bool(gb):
            continue
        a = "group:" + ga if ga else a0
        b = "group:" + gb if gb else b0
        slot = acc.setdefault((ga or gb, a, b), {"usd": 0.0, "deals": set(), "kinds": defaultdict(float),
                                                 "cond": False, "loop": False})
        slot["deals"].add(d.id)
        slot["kinds"]["none"] += 1e-12
    by_pair: dict[tuple[str, str], list] = defaultdict(list)
    for (gid, a, b), slot in sorted(acc.items()):
        by_pair[tuple(sorted((a, b)))].append((gid, a, b, slot))
    out = []
    for (first, _b), items in sorted(by_pair.items()):
        n = len(items)
        for k, (gid, a, b, slot) in enumerate(items):
            kind = min(slot["kinds"], key=lambda x: (-slot["kinds"][x], x))
            usd = slot["usd"] or None
            w = 1.4 + 6.0 * math.sqrt(min(usd / umax, 1.0)) if usd and umax else 1.4
            path, pts, lx, ly = _curve(pos, radii, a, b, first, k, n, kind)
            label = fmt.money(sig3(usd), lang=lang) if usd else ""
            deals = tuple(sorted(slot["deals"]))
            out.append(MapEdge("", a, b, kind, KIND_COLOURS[kind], label, path, lx, ly, round(w, 2), usd,
                               in_loop=slot["loop"], dashed=kind == "none" or usd is None or slot["cond"],
                               points=pts, conditional=bool(slot["cond"] and usd), agg=gid, deals=deals))
    return out


def _label_half(e: MapEdge) -> tuple[float, float]:
    """Half width and half height of an amount label's box (CJK glyphs stand taller than Latin ones)."""
    cjk = any(ord(ch) > 0x2E80 for ch in e.label)
    return _label_width(e.label, 11.5) / 2 * 1.04 + 3 + (5 if e.conflict else 0), 9.0 if cjk else 8.0


def _label_box(e: MapEdge) -> tuple[float, float, float, float]:
    return (e.lx, e.ly, *_label_half(e))


def _cell_head(c: MapCell, lang: str) -> tuple[float, float, float, float]:
    """The box of a group's header as drawn by :func:`dealweb.report.svg.map_svg` (title, count, hint)."""
    t = messages(lang)
    more = (" · " + t("group.more", n=c.n - c.shown)) if c.n > c.shown else ""
    hint = max(_label_width(t("group.open"), 13), _label_width(t("group.close"), 13)) + 6
    w = _label_width(c.title + more, 13) * 1.05 + hint
    return (c.x0 + 10 + w / 2, c.y0 + 17, w / 2 + 4, 10.0)


def _near(x: float, y: float, reach: float, c: MapCell) -> bool:
    """Whether a point is within ``reach`` pixels (box distance) of cell ``c``."""
    return c.x0 - reach <= x <= c.x1 + reach and c.y0 - reach <= y <= c.y1 + reach


def _cell_box(c: MapCell) -> tuple[float, float, float, float]:
    """A group's box as an obstacle ``(x, y, half width, half height)``, with a 2 px margin."""
    return ((c.x0 + c.x1) / 2, (c.y0 + c.y1) / 2, (c.x1 - c.x0) / 2 + 2, (c.y1 - c.y0) / 2 + 2)


def _place_group_labels(edges: list[MapEdge], core_nodes: list[MapNode], nodes: list[MapNode],
                        cells: Sequence[MapCell], core_labels: Sequence[tuple[float, float, float, float]],
                        lang: str = "en", cache: dict | None = None) -> list[MapEdge]:
    """Labels of the group area in one state, each held inside its own group's box.

    ``edges``: a closed group's summed arrows or the open group's members' arrows; ``nodes``: the group
    nodes and members of this state; ``core_labels``: the core's labels, already placed. A box's labels
    depend only on the box and the core, so ``cache`` (shared by the states) keeps those of a box that
    stays where it was in another state.
    """
    out = {id(e): e for e in edges}
    for c in cells:
        key = (c.id, c.x0, c.y0, c.x1, c.y1, c.open)
        mine = [e for e in edges if (e.group if c.open else e.agg) == c.id]
        if cache is not None and key in cache and [e.path for e in cache[key]] == [e.path for e in mine]:
            for old, new in zip(mine, cache[key], strict=True):
                out[id(old)] = new
            continue
        head = _cell_head(c, lang)
        bounds = (c.x0 + 2, c.y0 + 28, c.x1 - 2, c.y1 - 2)
        if c.open:
            es = [e for e in edges if e.group == c.id]
            ns = core_nodes + [n for n in nodes if n.group == c.id]
        else:
            es = [e for e in edges if e.agg == c.id]
            ns = core_nodes + [n for n in nodes if n.id == "group:" + c.id]
        # only what reaches into the box can crowd a label held inside it
        ns = [n for n in ns if n.group == c.id or n.id == "group:" + c.id or _near(n.x, n.y, n.r + 200, c)]
        near = [b for b in core_labels if _near(b[0], b[1], b[2] + b[3] + 10, c)]
        placed = _place_labels(es, ns, extra=[*near, head], bounds=bounds)
        for old, new in zip(es, placed, strict=True):
            out[id(old)] = new
        if cache is not None:
            cache[key] = placed
    return [out[id(e)] for e in edges]


def _conditional_flows(ledger: Ledger) -> dict[tuple[str, str, str], bool]:
    """``(deal, payer, payee) -> True`` when all of that flow's live money is conditional in the flows table.

    The one money layer (:func:`dealweb.flows.build_flows`) decides what is firm (paid, firm) and what is
    conditional (letters of intent, rumours, "up to" ceilings, per-GW, milestone and share-price tranches).
    """
    from dealweb.flows import STATUSES, build_flows

    try:
        fl = build_flows(ledger)
    except Exception:  # noqa: BLE001 - a ledger the flows table cannot read still draws, all solid
        return {}
    if not len(fl.payer):
        return {}
    firm_codes = {STATUSES.index("paid"), STATUSES.index("firm")}
    cond_codes = {STATUSES.index("conditional"), STATUSES.index("rumoured")}
    seen: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for d, a, b, st in zip(fl.deal.tolist(), fl.payer.tolist(), fl.payee.tolist(), fl.status.tolist(), strict=True):
        seen[(fl.deals[d], fl.entities[a], fl.entities[b])].add(int(st))
    return {k: bool(v & cond_codes) and not (v & firm_codes) for k, v in seen.items()}


def _bezier(points: tuple[tuple[float, float], ...], t: float) -> tuple[float, float]:
    (x0, y0), (cx, cy), (x1, y1) = points
    u = 1 - t
    return u * u * x0 + 2 * u * t * cx + t * t * x1, u * u * y0 + 2 * u * t * cy + t * t * y1


#: Candidate label spots ``(t along the curve, offset in pixels along its normal)``, tried in this order: on
#: the curve first, then beside it on either side, further and further out (a leader line is drawn from a
#: label more than :data:`LEADER_AT` pixels off its arrow back to the arrow).
_TS = (0.5, 0.42, 0.58, 0.34, 0.66, 0.27, 0.73, 0.2, 0.8)
_LABEL_SPOTS: tuple[tuple[float, float], ...] = (
    *((t, 0.0) for t in _TS),
    *((t, off) for off in (13.0, -13.0, 24.0, -24.0) for t in _TS),
    *((t, off) for off in (36.0, -36.0, 50.0, -50.0, 66.0, -66.0, 84.0, -84.0) for t in _TS[:5]),
)
#: Spots near an arrow's ends, tried after :data:`_LABEL_SPOTS` for labels held inside a group's box.
_END_TS = (0.14, 0.86, 0.11, 0.89, 0.08, 0.92, 0.05, 0.95, 0.03, 0.97, 0.2, 0.8)
_END_SPOTS: tuple[tuple[float, float], ...] = tuple(
    (t, off) for off in (0.0, 13.0, -13.0, 24.0, -24.0, 36.0, -36.0) for t in _END_TS)
#: Farthest a label may sit from its own arrow, in pixels (the Chromium tests hold every label to it).
LABEL_REACH = 96.0
#: Labels further than this from their arrow get a leader line, in pixels.
LEADER_AT = 26.0


def _crowding(x: np.ndarray, y: np.ndarray, hw: float, hh: float, placed: np.ndarray,
              disc: np.ndarray) -> np.ndarray:
    """Overlap (px²) of a label box centred at each ``(x, y)`` with the boxes and discs already there.

    ``hw``, ``hh``: the label's half sizes; ``placed`` rows are (x, y, half width, half height); ``disc``
    rows are (x, y, r).
    """
    ox = hw + placed[None, :, 2] - np.abs(x[:, None] - placed[None, :, 0])
    oy = hh + placed[None, :, 3] - np.abs(y[:, None] - placed[None, :, 1])
    score = (np.clip(ox, 0, None) * np.clip(oy, 0, None)).sum(axis=1)
    if disc.size:
        ddx = np.clip(np.abs(x[:, None] - disc[None, :, 0]) - hw, 0, None)
        ddy = np.clip(np.abs(y[:, None] - disc[None, :, 1]) - hh, 0, None)
        score += np.clip(disc[None, :, 2] ** 2 - ddx * ddx - ddy * ddy, 0, None).sum(axis=1)
    return score


def _place_labels(edges: list[MapEdge], nodes: list[MapNode],
                  extra: Sequence[tuple[float, float, float, float]] = (),
                  bounds: tuple[float, float, float, float] | None = None) -> list[MapEdge]:
    """Each edge's label moved along its curve, or beside it, to the first spot clear of every obstacle.

    Obstacles: labels placed before it (largest flows first), every firm's disc and every firm's name.
    Candidate spots (:data:`_LABEL_SPOTS`) are scored all at once with numpy: the score of a spot is its
    overlap area with the obstacles; the first spot of score zero wins, else the least crowded. A label
    more than :data:`LEADER_AT` pixels off its arrow records its anchor on the arrow (``ax``, ``ay``) and
    ``leader=True``; the drawing joins them with a thin line. Deterministic: fixed order and spots.
    ``extra``: more obstacles as ``(x, y, half width, half height)``; ``bounds``: ``(x0, y0, x1, y1)``, a box
    every label must stay inside (a group's box), with spots near the arrow's ends tried too.
    """
    boxes: list[tuple[float, float, float, float]] = []
    for n in nodes:  # the names under each disc are obstacles too
        lines, zh_lines = name_lines(n.name), (name_lines(n.zh) if n.zh else [])
        hw = max([_name_width(t) for t in lines] + [_label_width(t, 12) for t in zh_lines]) / 2 + 2
        k = len(lines) + len(zh_lines)
        boxes.append((n.x, n.y + n.r + 3 + 7.5 * k, hw, 7.5 * k + 2))
    boxes += list(extra)
    disc = np.array([(n.x, n.y, n.r + 3) for n in nodes]).reshape(-1, 3)
    placed = np.array(boxes).reshape(-1, 4)
    out: dict[int, MapEdge] = {}
    order = sorted(range(len(edges)), key=lambda k: (-(edges[k].usd_mid or 0.0), edges[k].deal, k))
    spots = _LABEL_SPOTS if bounds is None else _LABEL_SPOTS + _END_SPOTS
    ts = np.array([t for t, _ in spots])
    spot_offs = np.array([o for _, o in spots])

    def outside(x: np.ndarray, y: np.ndarray, hw: float, hh: float) -> np.ndarray:
        if bounds is None:
            return np.zeros(x.shape)
        x0, y0, x1, y1 = bounds
        bad = (x - hw < x0) | (x + hw > x1) | (y - hh < y0) | (y + hh > y1)
        return np.where(bad, 1e12, 0.0)

    for k in order:
        e = edges[k]
        if not e.label or not e.points:
            out[k] = e
            continue
        hw, hh = _label_half(e)
        (x0, y0), (cx, cy), (x1, y1) = e.points
        offs = spot_offs
        u = 1 - ts
        bx = u * u * x0 + 2 * u * ts * cx + ts * ts * x1
        by = u * u * y0 + 2 * u * ts * cy + ts * ts * y1
        tx = 2 * u * (cx - x0) + 2 * ts * (x1 - cx)
        ty = 2 * u * (cy - y0) + 2 * ts * (y1 - cy)
        norm = np.hypot(tx, ty)
        norm[norm == 0] = 1.0
        x = bx - offs * ty / norm
        y = by + offs * tx / norm

        score = _crowding(x, y, hw, hh, placed, disc) + outside(x, y, hw, hh)
        free = np.flatnonzero(score <= 0)
        if not free.size:  # every spot beside the arrow is taken: search rings around it, nearest first
            ang = np.linspace(0, 2 * np.pi, 36, endpoint=False)
            rad = np.array([30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 88.0] if bounds is None else
                           [20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 88.0])
            ring_ts = list(range(len(_TS))) + ([] if bounds is None else
                                              list(range(len(_LABEL_SPOTS), len(_LABEL_SPOTS) + len(_END_TS))))
            aa, rr, kk = np.meshgrid(ang, rad, np.array(ring_ts), indexing="ij")
            aa, rr, kk = aa.ravel(), rr.ravel(), kk.ravel()
            order_r = np.argsort(rr, kind="stable")
            aa, rr, kk = aa[order_r], rr[order_r], kk[order_r]
            # the ring is around the label box's nearest edge, so keep the box within reach
            x2 = bx[kk] + np.cos(aa) * (rr + hw * np.abs(np.cos(aa)) * 0.8)
            y2 = by[kk] + np.sin(aa) * (rr * 0.6 + hh)
            s2 = _crowding(x2, y2, hw, hh, placed, disc) + outside(x2, y2, hw, hh)
            x, y = np.concatenate([x, x2]), np.concatenate([y, y2])
            bx, by = np.concatenate([bx, bx[kk]]), np.concatenate([by, by[kk]])
            offs = np.concatenate([offs, rr])
            score = np.concatenate([score, s2])
            free = np.flatnonzero(score <= 0)
        pick = int(free[0]) if free.size else int(np.argmin(score + np.abs(offs) * 1e-3))
        lx, ly = float(x[pick]), float(y[pick])
        placed = np.vstack([placed, (lx, ly, hw, hh)])
        far = abs(offs[pick]) > LEADER_AT or math.hypot(lx - bx[pick], ly - by[pick]) > LEADER_AT
        out[k] = replace(e, lx=round(lx, 1), ly=round(ly, 1), ax=round(float(bx[pick]), 1),
                         ay=round(float(by[pick]), 1), leader=bool(far))
    return [out[k] for k in range(len(edges))]


def _edge(d: Deal, payer: str, payee: str, amount: Amount | None, kind: str, usd: float | None, w: float,
          pos: dict[str, tuple[float, float]], radii: dict[str, float], first: str, k: int, n: int,
          in_loop: bool, lang: str = "en") -> MapEdge:
    x0, y0 = pos[payer]
    if payer == payee:  # a self-flow (rare): a small loop above the node
        r = radii[payer]
        path = (f"M{x0 - r * 0.5:.1f},{y0 - r * 0.85:.1f} C{x0 - r * 1.6:.1f},{y0 - r * 2.6:.1f} "
                f"{x0 + r * 1.6:.1f},{y0 - r * 2.6:.1f} {x0 + r * 0.5:.1f},{y0 - r * 0.85:.1f}")
        return MapEdge(d.id, payer, payee, kind, KIND_COLOURS[kind], _flow_label(d, amount, lang), path,
                       round(x0, 1), round(y0 - r * 2.2, 1), round(w, 2), usd, in_loop, kind == "none")
    path, pts, lx, ly = _curve(pos, radii, payer, payee, first, k, n, kind)
    return MapEdge(d.id, payer, payee, kind, KIND_COLOURS[kind], _flow_label(d, amount, lang), path,
                   lx, ly, round(w, 2), usd, in_loop, dashed=kind == "none" or usd is None, points=pts)


def _curve(pos: Mapping[str, tuple[float, float]], radii: Mapping[str, float], payer: str, payee: str,
           first: str, k: int, n: int, kind: str
           ) -> tuple[str, tuple[tuple[float, float], ...], float, float]:
    """A quadratic Bézier from payer to payee, the ``k``-th of ``n`` between the pair.

    Trimmed at both circles (room for the arrow head at the payee). Returns the path data, its three points
    and its middle point.
    """
    (x0, y0), (x1, y1) = pos[payer], pos[payee]
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
    pts = ((round(sx, 1), round(sy, 1)), (round(cx, 1), round(cy, 1)), (round(ex, 1), round(ey, 1)))
    return path, pts, round(lx, 1), round(ly, 1)
