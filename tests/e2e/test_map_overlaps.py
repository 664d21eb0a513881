"""The map measured in real Chromium: no label over another label or over another firm's circle, and every
amount label near its own arrow, in the default view of both bundled ledgers and of synthetic webs."""

from __future__ import annotations

from pathlib import Path

import pytest

from dealweb.graph.synthetic import synthetic_ledger
from dealweb.ledger.load import load_ledger
from dealweb.report import map_svg, map_view
from dealweb.report.mapview import LABEL_REACH

#: What the page measures: every text's box, every circle, and each label's distance to its own arrow.
MEASURE = """() => {
  const svg = document.querySelector('svg.dw-map');
  const box = (el) => { const b = el.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; };
  const circles = [...svg.querySelectorAll('g.dw-node')].map(g => {
    const c = g.querySelector('circle');
    return {id: g.dataset.entity, x: +c.getAttribute('cx'), y: +c.getAttribute('cy'), r: +c.getAttribute('r')};
  });
  const names = [...svg.querySelectorAll('g.dw-node text')].map(t => ({id: t.closest('g').dataset.entity,
    box: box(t), inside: t.getAttribute('fill') === '#555555'}));
  const labels = [...svg.querySelectorAll('text.dw-elabel')].map(t => {
    const path = svg.querySelector('path.dw-edge[data-edge="' + t.dataset.edge + '"]');
    const b = box(t); const cx = (b[0] + b[2]) / 2, cy = (b[1] + b[3]) / 2;
    const len = path.getTotalLength(); let best = 1e9;
    for (let i = 0; i <= 200; i++) {
      const p = path.getPointAtLength(len * i / 200);
      const dx = Math.max(b[0] - p.x, 0, p.x - b[2]), dy = Math.max(b[1] - p.y, 0, p.y - b[3]);
      best = Math.min(best, Math.hypot(dx, dy));
    }
    return {edge: t.dataset.edge, from: path.dataset.from, to: path.dataset.to, box: b, dist: best,
            text: t.textContent, cx: cx, cy: cy};
  });
  return {circles, names, labels};
}"""


def _overlap(a, b, tol=0.5) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > tol and min(a[3], b[3]) - max(a[1], b[1]) > tol


def _box_hits_circle(b, c, tol=0.5) -> bool:
    dx = max(b[0] - c["x"], 0, c["x"] - b[2])
    dy = max(b[1] - c["y"], 0, c["y"] - b[3])
    return dx * dx + dy * dy < (c["r"] - tol) ** 2


def measure(page, svg: str, tmp_path: Path, shot: str | None = None) -> dict:
    """Open ``svg`` in the page and return what :data:`MEASURE` finds (and a screenshot when asked)."""
    html = tmp_path / "map.html"
    html.write_text(f'<!DOCTYPE html><meta charset="utf-8"><body style="margin:0">{svg}</body>', encoding="utf-8")
    page.goto(html.as_uri())
    page.wait_for_selector("svg.dw-map")
    if shot:
        page.locator("svg.dw-map").screenshot(path=shot)
    return page.evaluate(MEASURE)


def problems(m: dict) -> list[str]:
    """Every clash in a measurement, in words."""
    out = []
    labels = [("edge " + x["edge"] + " " + x["text"], x["box"], {x["from"], x["to"]}) for x in m["labels"]]
    labels += [("name of " + x["id"], x["box"], {x["id"]}) for x in m["names"]]
    for i, (na, ba, _) in enumerate(labels):
        for nb, bb, _ in labels[i + 1:]:
            if na.startswith("name of ") and na == nb:
                continue  # the lines of one firm's name are one label
            if _overlap(ba, bb):
                out.append(f"{na} over {nb}")
    for na, ba, own in labels:
        for c in m["circles"]:
            if c["id"] not in own and _box_hits_circle(ba, c):
                out.append(f"{na} over the circle of {c['id']}")
    for x in m["labels"]:
        if x["dist"] > LABEL_REACH:
            out.append(f"edge {x['edge']} {x['text']} is {x['dist']:.0f} px from its arrow")
    return out


def _bundled(name: str):
    return load_ledger(name).ledger


CASES = {
    "ai-capex-2025": lambda: _bundled("ai-capex-2025"),
    "ai-deals-2025-26": lambda: _bundled("ai-deals-2025-26"),
    "synthetic-30": lambda: synthetic_ledger(30, seed=1),
    "synthetic-80": lambda: synthetic_ledger(80, seed=1),
    "synthetic-150": lambda: synthetic_ledger(150, seed=1),
}


@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_no_label_over_a_label_or_another_firms_circle(page, tmp_path, case, lang):
    view = map_view(CASES[case](), lang=lang)
    m = measure(page, map_svg(view), tmp_path)
    assert len(m["labels"]) == sum(1 for e in view.edges if e.label) > 0
    assert problems(m) == []


def test_the_check_sees_a_clash(page, tmp_path):
    """The measurement can fail: two labels drawn on the same spot are caught."""
    from dataclasses import replace

    from report_fixtures import small_ledger

    view = map_view(small_ledger())
    a, b = view.edges[0], view.edges[1]
    moved = replace(view, edges=(a, replace(b, lx=a.lx, ly=a.ly), *view.edges[2:]))
    found = problems(measure(page, map_svg(moved), tmp_path))
    assert any(" over edge " in p or " over the circle" in p for p in found), found
