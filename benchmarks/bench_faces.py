"""Map layout: dealweb's report map against a plain seeded spring layout, side by side.

For seeded random deal webs of 20, 40 and 80 entities (two deals per entity, heavy-tailed amounts), both
place the same circles (area by flow) and labels on a 1400 x 920 canvas; we count what a reader suffers:
circle/name boxes that overlap, arrow labels that overlap each other, and the layout time.

Baseline: ``networkx.spring_layout(seed=...)`` scaled to the canvas, names under circles, each arrow's
label at its midpoint (what a quick script would do).

Run: python benchmarks/bench_faces.py
"""

from __future__ import annotations

import math
import time

import networkx as nx
import numpy as np

from dealweb.model import Deal, Entity, Ledger
from dealweb.money import Amount
from dealweb.report.mapview import _label_width, map_view

TYPES = ("equity_investment", "chip_purchase", "compute_contract", "debt_financing")


def random_ledger(n: int, seed: int) -> Ledger:
    rng = np.random.default_rng(seed)
    ents = {f"e{i:03d}": Entity(f"e{i:03d}", {"en": f"Company {i}", "zh-Hant": f"公司{i}"}) for i in range(n)}
    deals = {}
    for k in range(2 * n):
        a, b = rng.choice(n, 2, replace=False)
        usd = float(np.exp(rng.normal(23, 1.5)))
        deals[f"d{k}"] = Deal(f"d{k}", TYPES[k % 4], f"e{a:03d}", f"e{b:03d}", amount=Amount(usd, usd, unit="USD"))
    return Ledger(entities=ents, deals=deals)


def overlaps(boxes: list[tuple[float, float, float, float]]) -> int:
    """Pairs of (cx, cy, half-width, half-height) boxes that overlap."""
    c = 0
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            a, b = boxes[i], boxes[j]
            if abs(a[0] - b[0]) < a[2] + b[2] and abs(a[1] - b[1]) < a[3] + b[3]:
                c += 1
    return c


def node_boxes(nodes) -> list[tuple[float, float, float, float]]:  # noqa: ANN001
    out = []
    for n in nodes:
        hw = max(n.r, _label_width(n.name, 13.5) / 2, _label_width(n.zh, 12) / 2)
        top, bottom = n.y - n.r, n.y + n.r + 34
        out.append((n.x, (top + bottom) / 2, hw, (bottom - top) / 2))
    return out


def label_boxes(edges) -> list[tuple[float, float, float, float]]:  # noqa: ANN001
    return [(e.lx, e.ly, _label_width(e.label, 11.5) / 2, 7.0) for e in edges if e.label]


def baseline(ledger: Ledger, view) -> tuple[list, list, float]:  # noqa: ANN001
    t = time.perf_counter()
    g = nx.Graph()
    g.add_nodes_from(n.id for n in view.nodes)
    g.add_edges_from((e.payer, e.payee) for e in view.edges)
    pos = nx.spring_layout(g, seed=1)
    xs = np.array([p[0] for p in pos.values()])
    ys = np.array([p[1] for p in pos.values()])
    sx = (view.width - 160) / (xs.max() - xs.min())
    sy = (view.height - 200) / (ys.max() - ys.min())
    place = {k: (80 + (p[0] - xs.min()) * sx, 80 + (p[1] - ys.min()) * sy) for k, p in pos.items()}
    dt = time.perf_counter() - t
    nodes = []
    for n in view.nodes:
        x, y = place[n.id]
        nodes.append(type(n)(**{**{f: getattr(n, f) for f in n.__slots__}, "x": x, "y": y}))
    labels = [((place[e.payer][0] + place[e.payee][0]) / 2, (place[e.payer][1] + place[e.payee][1]) / 2,
               _label_width(e.label, 11.5) / 2, 7.0) for e in view.edges if e.label]
    return node_boxes(nodes), labels, dt


def main() -> None:
    print(f"{'entities':>8} {'deals':>6} | {'dealweb s':>9} {'node ovl':>8} {'label ovl':>9} | "
          f"{'spring s':>8} {'node ovl':>8} {'label ovl':>9}")
    for n in (20, 40, 80):
        ledger = random_ledger(n, seed=n)
        t = time.perf_counter()
        view = map_view(ledger, size="flow")
        dt = time.perf_counter() - t
        nb, lb, bdt = baseline(ledger, view)
        print(f"{len(view.nodes):>8} {len(view.edges):>6} | {dt:>9.2f} {overlaps(node_boxes(view.nodes)):>8} "
              f"{overlaps(label_boxes(view.edges)):>9} | {bdt:>8.2f} {overlaps(nb):>8} {overlaps(lb):>9}")
    assert math.isfinite(dt)


if __name__ == "__main__":
    main()
