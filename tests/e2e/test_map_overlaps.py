"""The map measured in real Chromium: no label over another label or over another firm's circle, and every
amount label near its own arrow, in the default view of both bundled ledgers and of synthetic webs, with
every group closed and every group open, in the layered layout and in a chapter, in three languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from dealweb.graph.synthetic import synthetic_ledger
from dealweb.ledger.load import load_ledger
from dealweb.report import map_svg, map_view
from dealweb.report.mapview import LABEL_REACH

#: What the page measures: every text's box, every circle, and each label's distance to its own arrow.
MEASURE = r"""() => {
  const svg = document.querySelector('svg.dw-map');
  const box = (el) => { const b = el.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; };
  const shown = (el) => {  // drawn: no parent is display:none (a closed group's member, a deal off)
    for (let n = el; n && n !== svg; n = n.parentElement) { if (getComputedStyle(n).display === 'none') return false; }
    return true;
  };
  const circles = [...svg.querySelectorAll('g.dw-node')].filter(shown).map(g => {
    const c = g.querySelector('circle');
    return {id: g.dataset.entity, x: +c.getAttribute('cx'), y: +c.getAttribute('cy'), r: +c.getAttribute('r')};
  });
  const names = [...svg.querySelectorAll('g.dw-node text')].filter(shown).filter(
    t => t.getAttribute('fill') !== '#555555').map(t => ({id: t.closest('g').dataset.entity, box: box(t)}));
  const heads = [...svg.querySelectorAll('text.dw-ghead')].filter(shown).map(
    t => ({id: 'head ' + t.closest('.dw-cell').dataset.cell, box: box(t)}));
  const labels = [...svg.querySelectorAll('text.dw-elabel')].filter(shown).map(t => {
    const path = svg.querySelector('path.dw-edge[data-edge="' + t.dataset.edge + '"]');
    const b = box(t); const cx = (b[0] + b[2]) / 2, cy = (b[1] + b[3]) / 2;
    // the arrow's points: a quadratic Bezier evaluated from its path data (getPointAtLength, slow, otherwise)
    const q = /^M([-\d.]+),([-\d.]+) Q([-\d.]+),([-\d.]+) ([-\d.]+),([-\d.]+)$/.exec(path.getAttribute('d'));
    const len = q ? 0 : path.getTotalLength(), qv = q ? q.slice(1).map(Number) : null;
    let best = 1e9;
    for (let i = 0; i <= 400; i++) {
      let p;
      if (q) {
        const s = i / 400, u = 1 - s, v = qv;
        p = {x: u * u * v[0] + 2 * u * s * v[2] + s * s * v[4], y: u * u * v[1] + 2 * u * s * v[3] + s * s * v[5]};
      } else { p = path.getPointAtLength(len * i / 400); }
      const dx = Math.max(b[0] - p.x, 0, p.x - b[2]), dy = Math.max(b[1] - p.y, 0, p.y - b[3]);
      best = Math.min(best, Math.hypot(dx, dy));
    }
    return {edge: t.dataset.edge, from: path.dataset.from, to: path.dataset.to, box: b, dist: best,
            text: t.textContent, cx: cx, cy: cy};
  });
  const vb = svg.viewBox.baseVal;
  const legend = svg.querySelector('g.dw-legend');
  return {circles, names: names.concat(heads), labels, width: vb.width, height: vb.height,
          legend: legend ? legend.getBBox().y + (legend.transform.baseVal.consolidate()?.matrix.f || 0) : null};
}"""


def _overlap(a, b, tol=0.5) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > tol and min(a[3], b[3]) - max(a[1], b[1]) > tol


def _box_hits_circle(b, c, tol=0.5) -> bool:
    dx = max(b[0] - c["x"], 0, c["x"] - b[2])
    dy = max(b[1] - c["y"], 0, c["y"] - b[3])
    return dx * dx + dy * dy < (c["r"] - tol) ** 2


#: Puts the map in one state (``closed``, or a group's id: that group open) as the report's script does: that
#: state's elements shown, the others' hidden, the canvas as tall as the state's height, the legend moved.
SHOW_STATE = """(key) => {
  const svg = document.querySelector('svg.dw-map');
  svg.querySelectorAll('[data-state]').forEach(n => {
    if (n.getAttribute('data-state') === key) n.removeAttribute('display'); else n.setAttribute('display', 'none');
  });
  const hs = {};
  svg.getAttribute('data-heights').split(' ').forEach(kv => {
    const i = kv.lastIndexOf(':'); hs[kv.slice(0, i)] = +kv.slice(i + 1);
  });
  svg.setAttribute('viewBox', '0 0 ' + svg.viewBox.baseVal.width + ' ' + hs[key]);
  svg.setAttribute('height', String(hs[key]));
  const legend = svg.querySelector('g.dw-legend[data-base]');
  if (legend) legend.setAttribute('transform', 'translate(0,' + (hs[key] - +legend.dataset.base) + ')');
}"""


def measure(page, svg: str, tmp_path: Path, shot: str | None = None, script: str | None = None) -> dict:
    """Open ``svg`` in the page and return what :data:`MEASURE` finds (and a screenshot when asked)."""
    html = tmp_path / "map.html"
    html.write_text(f'<!DOCTYPE html><meta charset="utf-8"><body style="margin:0">{svg}</body>', encoding="utf-8")
    page.goto(html.as_uri())
    page.wait_for_selector("svg.dw-map")
    if script:
        page.evaluate(script)
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
            if na.startswith("name of head ") and na == nb:
                continue  # the parts of one group header
            if _overlap(ba, bb):
                out.append(f"{na} over {nb}")
    for na, ba, own in labels:
        for c in m["circles"]:
            if c["id"] not in own and _box_hits_circle(ba, c):
                out.append(f"{na} over the circle of {c['id']}")
    for x in m["labels"]:
        if x["dist"] > LABEL_REACH:
            out.append(f"edge {x['edge']} {x['text']} is {x['dist']:.0f} px from its arrow")
    # everything on the canvas, and above the legend
    floor = m["legend"] if m.get("legend") is not None else m["height"]
    for na, ba, _own in labels:
        if ba[0] < -0.5 or ba[2] > m["width"] + 0.5 or ba[1] < -0.5 or ba[3] > floor + 0.5:
            out.append(f"{na} off the canvas or over the legend")
    for c in m["circles"]:
        if c["y"] + c["r"] > floor + 0.5 or c["x"] + c["r"] > m["width"] + 0.5:
            out.append(f"the circle of {c['id']} off the canvas or over the legend")
    return out


def measure_states(page, view, tmp_path: Path) -> dict[str, dict]:
    """The interactive map measured in each of its states (``closed`` and each group open), in one page."""
    measure(page, map_svg(view), tmp_path)
    out = {}
    for key in ["closed", *(st.group for st in view.states)]:
        page.evaluate(SHOW_STATE, key)
        out[key] = page.evaluate(MEASURE)
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


def _loops(ledger) -> set[str]:  # noqa: ANN001
    from dealweb.report.analysis import analysis_of

    return {d for r in analysis_of(ledger, stress=False).loops for d in r.deals}


@pytest.mark.parametrize("lang", ["en", "zh-Hant", "zh-Hans"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_no_label_over_a_label_or_another_firms_circle(page, tmp_path, case, lang):
    ledger = CASES[case]()
    view = map_view(ledger, lang=lang, loop_deals=_loops(ledger))
    if not view.cells:
        m = measure(page, map_svg(view), tmp_path)
        assert len(m["labels"]) == sum(1 for e in view.edges if e.label) > 0
        assert problems(m) == []
        return
    # every group closed, then each group open alone (the boxes after it moved down, the canvas taller)
    for key, m in measure_states(page, view, tmp_path).items():
        drawn = view if key == "closed" else view.opened(key)
        assert m["height"] == drawn.height
        assert len(m["labels"]) == sum(1 for e in drawn.edges if e.label) > 0, key
        assert problems(m) == [], key


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
@pytest.mark.parametrize("case", ["ai-capex-2025", "ai-deals-2025-26", "synthetic-150"])
def test_layered_layout_has_no_overlaps_either(page, tmp_path, case, lang):
    ledger = CASES[case]()
    view = map_view(ledger, lang=lang, loop_deals=_loops(ledger), layout="layered")
    assert len(view.bands) >= 2
    if not view.cells:
        assert problems(measure(page, map_svg(view), tmp_path)) == []
        return
    for key, m in measure_states(page, view, tmp_path).items():
        assert problems(m) == [], key


def test_a_chapter_of_the_report_has_no_overlaps(page, tmp_path):
    """The report opened on a quarter (2025-Q4 of the current web) with a group open, measured in the page."""
    from dealweb.report import render_report
    from dealweb.report.analysis import Analysis

    ledger = _bundled("ai-deals-2025-26")
    html = tmp_path / "report.html"
    html.write_text(render_report(ledger, analysis=Analysis(), lang="zh-Hant"), encoding="utf-8")
    page.goto(html.as_uri())
    quarters = page.evaluate("JSON.parse(document.getElementById('dw-data').textContent).chapters.map(c => c.quarter)")
    page.locator("#dw-slider").fill(str(quarters.index("2025-Q4")))
    assert page.locator("#dw-date").inner_text() == "2025-Q4"
    closed_h = page.evaluate("document.querySelector('svg.dw-map').viewBox.baseVal.height")
    page.locator("svg.dw-map g.dw-group").first.click()
    m = page.evaluate(MEASURE)
    assert m["labels"] and problems(m) == []
    assert m["height"] > closed_h  # the open group's box made the canvas taller
    page.locator("svg.dw-map g[data-state]:not([display]) g.dw-cell.dw-open text.dw-ghead[data-group]").click()
    assert page.evaluate(MEASURE)["height"] == closed_h  # its header closed it again


def test_the_check_sees_a_clash(page, tmp_path):
    """The measurement can fail: two labels drawn on the same spot are caught."""
    from dataclasses import replace

    from report_fixtures import small_ledger

    view = map_view(small_ledger())
    a, b = view.edges[0], view.edges[1]
    moved = replace(view, edges=(a, replace(b, lx=a.lx, ly=a.ly), *view.edges[2:]))
    found = problems(measure(page, map_svg(moved), tmp_path))
    assert any(" over edge " in p or " over the circle" in p for p in found), found
