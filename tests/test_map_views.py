"""The map's core view and groups, the layered layout, chapters by quarter, pictures in three languages and
the web app's searchable map of a 10^4-firm web (hand-made ledgers; values worked out by hand)."""

from __future__ import annotations

import time
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.model import Claim, Deal, Document, Entity, Event, Ledger, Status
from dealweb.money import parse_amount
from dealweb.report import map_svg, map_view
from dealweb.report.chapters import quarter_chapters, quarter_end, quarter_of
from dealweb.report.maplayout import GROUP_SHOW, core_of, firm_bands, groups_of


def _deal(i: str, typ: str, a: str, b: str, usd_b: float, **kw) -> Deal:
    return Deal(i, typ, a, b, amount=parse_amount(f"${usd_b}B"), **kw)


def _ledger(deals: list[Deal]) -> Ledger:
    ids = sorted({e for d in deals for e in (d.payer, d.payee)})
    return Ledger(entities={i: Entity(i, {"en": i.upper()}) for i in ids}, deals={d.id: d for d in deals})


def star_web(spokes: int = 40) -> Ledger:
    """A loop hub -> lab -> cloud -> hub ($300B, $100B, $40B) and ``spokes`` small investors in the lab."""
    deals = [_deal("lab-cloud", "compute_contract", "lab", "cloud", 300),
             _deal("cloud-chips", "chip_purchase", "cloud", "chips", 40),
             _deal("chips-lab", "equity_investment", "chips", "lab", 100)]
    deals += [_deal(f"inv{k:02d}", "equity_investment", f"fund{k:02d}", "lab", 1 + k / 10) for k in range(spokes)]
    return _ledger(deals)


def test_core_is_the_loop_and_the_firms_with_most_money_near_it():
    led = star_web(40)
    view = map_view(led, loop_deals={"lab-cloud", "cloud-chips", "chips-lab"}, core_max=10)
    core = {n.id for n in view.nodes if not n.group and n.kind != "group"}
    # By hand: the three loop firms, then the 7 investors with the most money in the lab (fund39 $4.9B,
    # fund38 $4.8B, ... fund33 $4.3B).
    assert core == {"lab", "cloud", "chips"} | {f"fund{k}" for k in range(33, 40)}
    # The other 33 investors: one group ("Investment with LAB"), 33 firms, $1.0B + ... + $4.2B = $85.8B.
    (cell,) = view.cells
    assert cell.n == 33 and cell.shown == GROUP_SHOW == 12
    assert cell.usd == pytest.approx(sum(1 + k / 10 for k in range(33)) * 1e9)
    assert cell.title.startswith("Investment with LAB")
    assert view.hidden == 33 - 12
    # closed: one summed arrow from the group to the lab carrying the group's money
    (agg,) = [e for e in view.edges if e.agg]
    assert (agg.payer, agg.payee, agg.usd_mid) == ("group:g1", "lab", pytest.approx(cell.usd))
    assert not [e for e in view.edges if e.group] and not [n for n in view.nodes if n.group]
    # open: an arrow per shown member (the 12 with most money: fund32 .. fund21), the group's own arrow gone
    opened = view.opened("g1")
    members = [e for e in opened.edges if e.group == "g1"]
    assert len(members) == 12 and all(e.payee == "lab" for e in members)
    assert {e.payer for e in members} == {f"fund{k}" for k in range(21, 33)}
    assert not [e for e in opened.edges if e.agg]
    assert {n.id for n in opened.nodes if n.group == "g1"} == {f"fund{k}" for k in range(21, 33)}
    with pytest.raises(KeyError):
        view.opened("g2")


def test_a_closed_group_takes_only_its_closed_size():
    """The canvas with every group closed is as tall as the closed boxes need; opening one makes room below.

    By hand, from mapview's rules: a closed box is 46 px of header, a band of 22 px per row of labels
    of the arrows that leave it (+10), 12 px, the group node's box (its circle and two lines of text) and 26 px;
    the canvas ends 100 px below the last row of boxes.
    """
    from dealweb.report.mapview import _node_box

    view = map_view(star_web(40), loop_deals={"lab-cloud"}, core_max=10)
    (cell,) = view.cells
    node = next(n for n in view.nodes if n.kind == "group")
    _half, up, down = _node_box(node.name, node.zh, node.r)
    assert cell.y1 - cell.y0 == pytest.approx(46 + 22 * 1 + 10 + 12 + up + down + 26, abs=0.2)
    assert view.height == pytest.approx(cell.y1 + 100, abs=1)
    (state,) = view.states
    (open_cell,) = state.cells
    assert open_cell.open and (open_cell.x0, open_cell.y0) == (cell.x0, cell.y0)
    # twelve members on a grid of 3 or more rows: the open box and the canvas are taller than closed
    assert open_cell.y1 - open_cell.y0 > 3 * (cell.y1 - cell.y0) / 2
    assert state.height == pytest.approx(open_cell.y1 + 100, abs=1) and state.height > view.height


def _apart(a, b) -> bool:  # noqa: ANN001
    return min(a.x1, b.x1) <= max(a.x0, b.x0) or min(a.y1, b.y1) <= max(a.y0, b.y0)


def test_opening_a_group_moves_the_other_boxes_only_down():
    """Three groups, one per core firm: each box under its firm; opening one moves the others only down."""
    deals = [_deal("l-c", "compute_contract", "lab", "cloud", 300), _deal("c-h", "chip_purchase", "cloud", "chips", 40),
             _deal("h-l", "equity_investment", "chips", "lab", 100)]
    for hub, typ in (("lab", "equity_investment"), ("cloud", "loan"), ("chips", "chip_purchase")):
        deals += [_deal(f"{hub}{k}", typ, f"{hub}-x{k}", hub, 1 + k / 10) for k in range(10)]
    view = map_view(_ledger(deals), loop_deals={"l-c", "c-h", "h-l"}, core_max=3, width=1400)
    closed = {c.id: c for c in view.cells}
    assert len(closed) == 3 and all(_apart(a, b) for a in closed.values() for b in closed.values() if a is not b)
    # each group's node right under the core firm it deals with (the boxes are narrow enough here): two
    # boxes in the first row, the third (under the middle firm, where the first two leave no room) below
    anchor = {n.id: n.x for n in view.nodes if n.kind != "group"}
    for c in closed.values():
        node = next(n for n in view.nodes if n.id == "group:" + c.id)
        firm = next(e.payee for e in view.edges if e.agg == c.id)
        assert node.x == pytest.approx(anchor[firm], abs=0.1)
    assert len({c.y0 for c in closed.values()}) == 2
    for state in view.states:
        cells = {c.id: c for c in state.cells}
        assert all(_apart(a, b) for a in cells.values() for b in cells.values() if a is not b), state.group
        for gid, c in cells.items():
            if gid != state.group:  # the others keep their x and only move down
                assert c.x0 == closed[gid].x0 and c.y0 >= closed[gid].y0 and not c.open
        assert cells[state.group].open and state.height >= view.height


def test_groups_open_and_close_in_the_markup():
    view = map_view(star_web(40), loop_deals={"lab-cloud"}, core_max=10)
    svg = map_svg(view)
    assert f'data-heights="closed:{view.height} g1:{view.states[0].height}"' in svg
    assert svg.count('<g data-state="closed">') == 4  # its box, arrows, labels and nodes, shown
    assert svg.count('<g data-state="g1" display="none">') >= 4  # the same with the group open, hidden
    assert 'class="dw-node dw-group" data-entity="group:g1" data-group="g1"' in svg
    assert svg.count('data-entity="fund25"') == 1  # a member: only in the open state
    still = map_svg(view, interactive=False)
    assert "data-state" not in still and "fund00" not in still  # pictures show the groups closed
    opened = map_svg(view.opened("g1"), interactive=False)
    assert "FUND25" in opened and "data-state" not in opened  # or one group open


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(1, 500)), min_size=1, max_size=80),
       st.integers(3, 12))
def test_groups_hold_whole_clusters_and_every_firm_once(rows, core_max):
    links = [("investment", f"f{a}", f"f{b}", float(v)) for a, b, v in rows if a != b]
    ids = sorted({x for _, a, b, _ in links for x in (a, b)})
    total: dict[str, float] = {}
    for _, a, b, v in links:
        total[a] = total.get(a, 0.0) + v
        total[b] = total.get(b, 0.0) + v
    core = core_of(ids, links, (), total, core_max)
    groups = groups_of(ids, core, links, total, max_groups=4)
    assert len(core) == min(len(ids), core_max) or len(core) < core_max
    assert len(groups) <= 4
    where = {m: g.id for g in groups for m in g.members}
    assert sorted(list(core) + list(where)) == ids  # every firm exactly once
    for _, a, b, _ in links:  # no link between two groups: a group is a union of whole periphery clusters
        if a in where and b in where:
            assert where[a] == where[b]


def test_bands_come_from_kinds_and_directions():
    links = [("services", "lab", "cloud", 300.0), ("hardware", "cloud", "chips", 40.0),
             ("investment", "fund", "lab", 10.0), ("debt", "bank", "cloud", 5.0),
             ("revenue", "market", "lab", 2.0)]
    bands = firm_bands(["lab", "cloud", "chips", "fund", "bank", "market", "alone"], links)
    # cloud: services in 300 + hardware out 40 * 0.5 = 320 -> cloud; lab: services out 300 + revenue in 2
    # + investment in 10/3 -> labs; bank pays debt -> investors; alone has no money -> labs.
    assert bands == {"lab": "labs", "cloud": "cloud", "chips": "chips", "fund": "investors", "bank": "investors",
                     "market": "investors", "alone": "labs"}


def test_layered_layout_puts_the_bands_top_to_bottom():
    led = _ledger([_deal("a", "compute_contract", "lab", "cloud", 300),
                   _deal("b", "chip_purchase", "cloud", "chips", 40),
                   _deal("c", "equity_investment", "fund", "lab", 10)])
    view = map_view(led, layout="layered")
    y = {n.id: n.y for n in view.nodes}
    assert y["fund"] < y["lab"] < y["cloud"] < y["chips"]
    assert [b[0] for b in view.bands] == ["investors", "labs", "cloud", "chips"]
    for band, _label, y0, y1 in view.bands:
        inside = [n for n in view.nodes if y0 <= n.y <= y1]
        assert inside, band
    with pytest.raises(ValueError, match="layout"):
        map_view(led, layout="circle")


def _dated_ledger() -> Ledger:
    docs = {"d1": Document("d1", "A", date=date(2025, 2, 10)), "d2": Document("d2", "B", date=date(2025, 8, 1)),
            "d3": Document("d3", "C", date=date(2025, 11, 20)), "d4": Document("d4", "D", date=date(2026, 1, 5))}
    deals = {
        "x": Deal("x", "compute_contract", "a", "b", amount=parse_amount("$10B"), claims=(Claim("d1", "x is $10B"),),
                  status=Status.CANCELLED, announced=date(2025, 2, 10),
                  events=(Event(date(2025, 11, 20), Status.CANCELLED, claims=(Claim("d3", "x was dropped"),)),)),
        "y": Deal("y", "equity_investment", "c", "a", amount=parse_amount("up to $5B"),
                  claims=(Claim("d2", "up to $5B"),)),
        "z": Deal("z", "chip_purchase", "b", "c", amount=parse_amount("$2B"), claims=(Claim("d4", "z $2B"),)),
    }
    ents = {i: Entity(i, {"en": i.upper()}) for i in "abc"}
    return Ledger(entities=ents, deals=deals, documents=docs)


def test_chapters_are_quarters_read_with_no_look_ahead():
    ch = quarter_chapters(_dated_ledger())
    # By hand: sources dated 2025-02-10 (x), 2025-08-01 (y), 2025-11-20 (x dropped), 2026-01-05 (z):
    # quarters 2025-Q1 .. 2026-Q1, five of them (Q2 is quiet), then the ledger as it stands.
    assert [c["quarter"] for c in ch] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", None]
    by = {c["quarter"]: c for c in ch}
    assert by["2025-Q1"]["live"] == ["x"] and by["2025-Q1"]["date"] == "2025-03-31"
    assert by["2025-Q2"]["live"] == ["x"] and by["2025-Q2"]["events"] == []
    assert by["2025-Q3"]["live"] == ["x", "y"] and by["2025-Q3"]["conditional"] == ["y"]  # "up to": conditional
    assert by["2025-Q4"]["live"] == ["y"] and by["2025-Q4"]["cancelled"] == ["x"]
    assert by["2026-Q1"]["live"] == ["y", "z"]
    (drop,) = by["2025-Q4"]["events"]
    assert (drop["what"], drop["date"], drop["source"]["quote"]) == ("cancelled", "2025-11-20", "x was dropped")
    assert by["2025-Q4"]["title"].startswith("2025-Q4: 0 deals made known, 0 closed, 1 cancelled.")
    (new,) = by["2025-Q1"]["events"]
    assert (new["what"], new["figure"], new["source"]["quote"]) == ("new", "$10B", "x is $10B")
    assert quarter_of(date(2026, 1, 1)) == "2026-Q1" and quarter_end(date(2025, 2, 28)) == date(2025, 3, 31)


def test_chapters_in_chinese_have_chinese_titles():
    ch = quarter_chapters(_dated_ledger(), lang="zh-Hans")
    assert ch[0]["title"].startswith("2025-Q1：新披露 1 笔交易") and "100亿美元" in ch[0]["title"]


@pytest.mark.parametrize("lang", ["en", "zh-Hant", "zh-Hans"])
def test_map_pictures_in_each_language(tmp_path, lang):
    from click.testing import CliRunner

    from dealweb.cli import main

    png, svg = tmp_path / f"map.{lang}.png", tmp_path / f"map.{lang}.svg"
    res = CliRunner().invoke(main, ["report", "--ledger", "ai-capex-2025", "--no-stress", "--lang", lang,
                                    "-o", str(tmp_path / "r.html"), "--map-png", str(png), "--map-svg", str(svg),
                                    "--layout", "layered", "--json"])
    assert res.exit_code == 0, res.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 50_000
    text = svg.read_text(encoding="utf-8")
    assert text.startswith("<svg") and f'lang="{lang}"' in text and 'class="dw-band"' in text
    want = {"en": "CHIPS AND HARDWARE", "zh-Hant": "晶片與硬體", "zh-Hans": "芯片与硬件"}[lang]
    assert want in text
    assert "甲骨文" in text  # Oracle's Chinese name: under the English one, or the name itself in Chinese
    # under the title: the date of the latest source (ai-capex-2025's: 2025-10-08), the firms, the deals
    from dealweb.ledger.load import load_ledger

    led = load_ledger("ai-capex-2025").ledger
    latest = max(d.date for d in led.documents.values() if d.date).isoformat()
    note = {"en": f"as the sources reported it by {latest} · ", "zh-Hant": f"依據截至 {latest} 的報導 · ",
            "zh-Hans": f"依据截至 {latest} 的报道 · "}[lang]
    assert note in text and f"{len(led.deals)} " in text.split(note)[1][:40]
    # a picture cannot be clicked: its legend says where to look instead
    assert "click" not in text and "點擊" not in text and "点击" not in text


def test_web_app_opens_a_web_of_ten_thousand_firms_on_a_searchable_neighbourhood():
    from fastapi.testclient import TestClient

    from dealweb.graph.synthetic import synthetic_ledger
    from dealweb.web.app import create_app

    big = synthetic_ledger(10_000, seed=1)
    app = create_app(token="t" * 24, allowed_hosts=["testserver"])
    app.state.dealweb.ledger = big
    c = TestClient(app)
    t0 = time.process_time()  # CPU time of this process (the app runs in its threads): load does not stretch it
    r = c.get("/map")
    first = time.process_time() - t0
    assert r.status_code == 200 and "Neighbourhood of " in r.text and 'id="dw-q"' in r.text
    assert r.text.count('class="dw-node"') <= 80
    name = big.entities[sorted(big.entities)[42]].name
    t0 = time.process_time()
    r = c.get("/map", params={"q": name, "layout": "layered"})
    second = time.process_time() - t0
    assert r.status_code == 200 and f"Neighbourhood of {name}" in r.text and 'class="dw-band"' in r.text
    assert first < 60 and second < 30, (first, second)
    r = c.get("/map", params={"q": "no such firm at all"})
    assert r.status_code == 200 and "No firm matches" in r.text


def test_computed_totals_on_the_map_are_rounded_and_stated_figures_are_not():
    """A group's total ($12.34B + $12.33B = $24.67B) reads $24.7B; each member's own arrow keeps its figure."""
    from dealweb.report.mapview import sig3

    assert (sig3(869.93e9), sig3(24.67e9), sig3(1.005e6), sig3(-3.456e9), sig3(0.0)) == (
        870e9, 24.7e9, 1.0e6, -3.46e9, 0.0)
    deals = [_deal("l-c", "compute_contract", "lab", "cloud", 300), _deal("c-h", "chip_purchase", "cloud", "chips", 40),
             _deal("h-l", "equity_investment", "chips", "lab", 100),
             _deal("s1", "equity_investment", "s1", "lab", 12.34), _deal("s2", "equity_investment", "s2", "lab", 12.33)]
    view = map_view(_ledger(deals), loop_deals={"l-c", "c-h", "h-l"}, core_max=3)
    (cell,) = view.cells
    assert cell.title.endswith("2 firms · $24.7B")
    (agg,) = [e for e in view.edges if e.agg]
    assert agg.label == "$24.7B" and agg.usd_mid == pytest.approx(24.67e9)
    assert sorted(e.label for e in view.opened("g1").edges if e.group) == ["$12.33B", "$12.34B"]
    lab = next(n for n in view.nodes if n.id == "lab")  # 300 + 100 + 24.67 = $424.67B through the lab
    assert lab.size_short == "$425B"


def test_the_readme_pictures_come_with_the_commands_that_draw_them():
    """Each picture the README shows is in docs/img and the README gives the command that redraws it."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"\((docs/img/[\w.-]+\.png)\)", readme))
    assert {"docs/img/map.png", "docs/img/map.zh-Hant.png"} <= shown
    for pic in shown:
        assert (root / pic).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", pic
        assert re.search(rf"^    dealweb report .*--map-png {re.escape(pic)}$", readme, re.M), pic


def test_a_group_of_one_firm_is_that_firm_in_its_box():
    """Nothing to open: the firm itself is drawn in its group's box in every state, with its own arrow."""
    deals = [_deal("l-c", "compute_contract", "lab", "cloud", 300), _deal("c-h", "chip_purchase", "cloud", "chips", 40),
             _deal("h-l", "equity_investment", "chips", "lab", 100),
             _deal("solo", "debt_financing", "bank", "cloud", 7)]
    deals += [_deal(f"f{k}", "equity_investment", f"fund{k}", "lab", 1 + k) for k in range(3)]
    view = map_view(_ledger(deals), loop_deals={"l-c", "c-h", "h-l"}, core_max=3)
    cells = {c.n: c for c in view.cells}
    assert sorted(cells) == [1, 3]
    solo = cells[1]
    assert solo.open and solo.title.startswith("Debt with CLOUD · 1 firm")
    (bank,) = [n for n in view.nodes if n.id == "bank"]
    assert bank.group == solo.id and solo.x0 < bank.x < solo.x1 and solo.y0 < bank.y < solo.y1
    assert not [n for n in view.nodes if n.id == "group:" + solo.id]
    (arrow,) = [e for e in view.edges if e.deal == "solo"]
    assert (arrow.payer, arrow.payee, arrow.label) == ("bank", "cloud", "$7B")
    assert [st.group for st in view.states] == [cells[3].id]  # only the group of three opens
    assert "bank" in {n.id for n in view.opened(cells[3].id).nodes}
    svg = map_svg(view)
    assert f'data-group="{solo.id}"' not in svg  # its header is not a switch
