"""Map layout (issue 15): dealweb's map against a plain seeded spring layout, at 30, 80 and 150 firms.

Session 4: each web in the default core view with the ``spring`` and ``layered`` layouts, loops from the
graph room as the core's seeds (as the report draws it). A closed group takes only its closed size; the
map carries one state per group with that group open (the boxes after it moved down), so the canvas is
given with every group closed and in the tallest open state.

For synthetic deal webs (``dealweb.graph.synthetic.synthetic_ledger``, two deals per firm, seed 1) and the
two bundled ledgers, both layouts draw the same circles, names and amount labels. Counted (from the label
boxes the layout assumes; the Chromium test tests/e2e/test_map_overlaps.py measures the drawn page):
amount labels over other labels or names, labels over another firm's circle, summed over the states (every
group closed, then each group open alone), and layout time (wall seconds of ``map_view``, every state,
best of 3). Baseline: ``networkx.spring_layout(seed=1)`` of every circle that any state draws (core and
every group's shown members) scaled to the canvas, each label at its arrow's midpoint (what a quick
script would do).

Run: python benchmarks/bench_map_layout.py
"""

from __future__ import annotations

import time

import networkx as nx
import numpy as np

from dealweb.graph.synthetic import synthetic_ledger
from dealweb.report.mapview import _label_width, map_view, name_lines


def _state(view, state):  # noqa: ANN001, ANN202
    """Nodes and edges drawn with every group ``closed``, with group ``state`` open, or ``all`` (every circle
    and arrow of any state with no group node: what the baseline lays out)."""
    if state == "closed":
        return list(view.nodes), list(view.edges)
    if state == "all":
        nodes = [n for n in view.nodes if n.kind != "group"]
        edges = [e for e in view.edges if not e.agg]
        for st in view.states:
            nodes += [n for n in st.nodes if n.kind != "group"]
            edges += [e for e in st.edges if not e.agg]
        # a group of one firm is drawn in every state: count each circle and arrow once
        nodes = list({n.id: n for n in nodes}.values())
        edges = list({(e.deal, e.payer, e.payee, e.label): e for e in edges}.values())
        return nodes, edges
    opened = view.opened(state)
    return list(opened.nodes), list(opened.edges)


def _boxes(view, place=None, at_mid=False, state="closed"):  # noqa: ANN001, ANN202
    nodes, edges = _state(view, state)
    place = place or {n.id: (n.x, n.y) for n in nodes}
    discs = [(place[n.id][0], place[n.id][1], n.r, n.id) for n in nodes]
    labels = []
    for n in nodes:
        lines = name_lines(n.name) + (name_lines(n.zh) if n.zh else [])
        hw = max(_label_width(t, 13.5) for t in lines) / 2
        x, y = place[n.id]
        labels.append((x, y + n.r + 3 + 7.5 * len(lines), hw, 7.5 * len(lines), {n.id}))
    for e in edges:
        if not e.label:
            continue
        if at_mid:
            (ax, ay), (bx, by) = place[e.payer], place[e.payee]
            x, y = (ax + bx) / 2, (ay + by) / 2
        else:
            x, y = e.lx, e.ly
        labels.append((x, y, _label_width(e.label, 11.5) / 2, 7.0, {e.payer, e.payee}))
    return labels, discs


def clashes(labels, discs) -> tuple[int, int]:  # noqa: ANN001
    """(label over label pairs, label over another firm's circle pairs)."""
    ll = lc = 0
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            if abs(a[0] - b[0]) < a[2] + b[2] - 0.5 and abs(a[1] - b[1]) < a[3] + b[3] - 0.5:
                ll += 1
        for x, y, r, nid in discs:
            if nid in a[4]:
                continue
            dx = max(abs(a[0] - x) - a[2], 0.0)
            dy = max(abs(a[1] - y) - a[3], 0.0)
            if dx * dx + dy * dy < (r - 0.5) ** 2:
                lc += 1
    return ll, lc


def spring(view, height: int):  # noqa: ANN001, ANN202
    """The baseline on a ``view.width`` x ``height`` canvas (the tallest of dealweb's states)."""
    t = time.perf_counter()
    g = nx.Graph()
    nodes, edges = _state(view, "all")
    g.add_nodes_from(n.id for n in nodes)
    g.add_edges_from((e.payer, e.payee) for e in edges)
    pos = nx.spring_layout(g, seed=1)
    xs = np.array([p[0] for p in pos.values()])
    ys = np.array([p[1] for p in pos.values()])
    sx = (view.width - 160) / ((xs.max() - xs.min()) or 1)
    sy = (height - 200) / ((ys.max() - ys.min()) or 1)
    place = {k: (80 + (p[0] - xs.min()) * sx, 80 + (p[1] - ys.min()) * sy) for k, p in pos.items()}
    return place, time.perf_counter() - t


def main() -> None:
    from dealweb.ledger.load import load_ledger

    cases = [(f"synthetic {n}", lambda n=n: synthetic_ledger(n, seed=1)) for n in (30, 80, 150)]
    cases += [(name, lambda name=name: load_ledger(name).ledger) for name in ("ai-capex-2025", "ai-deals-2025-26")]
    from dealweb.report.analysis import analysis_of

    print(f"{'web':<18} {'layout':<8} {'firms':>5} {'drawn':>5} {'groups':>6} {'closed':>10} {'tallest':>8} | "
          f"{'dealweb s':>9} {'closed l/l':>10} {'l/circ':>6} {'open l/l':>8} {'l/circ':>6} | {'spring s':>8} "
          f"{'lab/lab':>7} {'lab/circ':>8}")
    for name, make in cases:
        ledger = make()
        loops = {d for r in analysis_of(ledger, stress=False).loops for d in r.deals}
        for layout in ("spring", "layered"):
            best = float("inf")
            for _ in range(3):
                t = time.perf_counter()
                view = map_view(ledger, loop_deals=loops, layout=layout)
                best = min(best, time.perf_counter() - t)
            closed = clashes(*_boxes(view, state="closed"))
            opened = [clashes(*_boxes(view, state=st.group)) for st in view.states]
            opened_ll, opened_lc = sum(o[0] for o in opened), sum(o[1] for o in opened)
            if layout == "spring":
                place, dt = spring(view, max([view.height] + [st.height for st in view.states]))
                theirs = clashes(*_boxes(view, place, at_mid=True, state="all"))
                base = f"{dt:>8.2f} {theirs[0]:>7} {theirs[1]:>8}"
            else:
                base = f"{'':>8} {'':>7} {'':>8}"
            drawn = len(_state(view, "all")[0])
            tallest = max([view.height] + [st.height for st in view.states])
            print(f"{name:<18} {layout:<8} {len(ledger.entities):>5} {drawn:>5} {len(view.cells):>6} "
                  f"{view.width:>5}x{view.height:<4} {tallest:>8} | {best:>9.2f} {closed[0]:>10} {closed[1]:>6} "
                  f"{opened_ll:>8} {opened_lc:>6} | {base}")


if __name__ == "__main__":
    main()
