"""The map's geometry and SVG: sizes, labels, loops, determinism, escaping (small hand-made ledgers)."""

from __future__ import annotations

import math
import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.model import Deal, Entity, Ledger
from dealweb.money import parse_amount
from dealweb.report import map_svg, map_view
from dealweb.report.payload import chapters
from dealweb.report.svg import sankey_svg
from report_fixtures import small_ledger

LOOP = ["nvidia-openai-invest", "openai-oracle-cloud", "oracle-nvidia-chips"]


def test_every_flow_is_an_arrow_from_payer_to_payee():
    view = map_view(small_ledger())
    got = {(e.deal, e.payer, e.payee) for e in view.edges}
    assert got == {
        ("nvidia-openai-invest", "nvidia", "openai"),
        ("openai-oracle-cloud", "openai", "oracle"),
        ("oracle-nvidia-chips", "oracle", "nvidia"),
        ("amd-openai-warrant", "amd", "openai"),
        ("openai-coreweave", "openai", "coreweave"),
        ("softbank-openai", "softbank", "openai"),
    }


def test_circle_area_is_proportional_to_market_value():
    view = map_view(small_ledger(), size="market_cap")
    r = {n.id: n.r for n in view.nodes}
    # Radius above the 13 px floor grows with sqrt(value): Nvidia $4.5T vs Oracle $900B -> sqrt(5).
    assert math.isclose((r["nvidia"] - 13) / (r["oracle"] - 13), math.sqrt(4.5e12 / 9e11), rel_tol=0.02)
    assert math.isclose((r["oracle"] - 13) / (r["amd"] - 13), math.sqrt(9e11 / 2.7e11), rel_tol=0.02)
    nodes = {n.id: n for n in view.nodes}
    assert nodes["nvidia"].size_as_of == date(2025, 10, 1)
    assert nodes["openai"].size_basis == "none"  # no market value in the ledger: drawn dashed, smallest


def test_market_value_as_of_a_date_ignores_later_facts():
    view = map_view(small_ledger(), on=date(2025, 9, 30), size="market_cap")
    nodes = {n.id: n for n in view.nodes}
    assert nodes["nvidia"].size_basis == "none"  # its only market value is dated 2025-10-01
    assert nodes["oracle"].size_as_of == date(2025, 9, 11)


def test_labels_carry_amount_and_qualifier():
    labels = {e.deal: e.label for e in map_view(small_ledger()).edges}
    assert labels["nvidia-openai-invest"] == "up to $100B · 10 GW"
    assert labels["oracle-nvidia-chips"] == "about $40B"
    assert labels["amd-openai-warrant"] == "160M shares · 6 GW"
    assert labels["openai-coreweave"] == "$22.4B"


def test_loop_deals_are_highlighted():
    view = map_view(small_ledger(), loop_deals=LOOP)
    assert {e.deal for e in view.edges if e.in_loop} == set(LOOP)
    svg = map_svg(view)
    assert len(re.findall(r'class="dw-halo"', svg)) == 3


def test_nodes_do_not_overlap_and_stay_on_canvas():
    view = map_view(small_ledger())
    for a in view.nodes:
        assert a.r <= a.x <= view.width - a.r and a.r <= a.y <= view.height - a.r
        for b in view.nodes:
            if a.id < b.id:
                assert math.hypot(a.x - b.x, a.y - b.y) >= a.r + b.r


def test_the_map_is_reproducible_byte_for_byte():
    assert map_svg(map_view(small_ledger())) == map_svg(map_view(small_ledger()))


def test_english_and_chinese_labels_and_escaping():
    svg = map_svg(map_view(small_ledger(evil="<b>&")))
    assert ">Nvidia</text>" in svg and ">輝達</text>" in svg
    assert "OpenAI&lt;b&gt;&amp;" in svg and "<b>&" not in svg


def test_chapters_follow_announcements_and_events():
    ch = {c["date"]: c for c in chapters(small_ledger())}
    # By hand: by 2025-05-23 the CoreWeave (03-10), SoftBank (03-31) and Oracle-Nvidia (05-23) deals exist.
    assert set(ch["2025-05-23"]["live"]) == {"openai-coreweave", "softbank-openai", "oracle-nvidia-chips"}
    assert ch["2025-05-23"]["changed"] == ["oracle-nvidia-chips"]
    # CoreWeave's contract is cancelled on 2025-11-01 (its event), so it leaves the live set then.
    assert "openai-coreweave" not in ch["2025-11-01"]["live"]
    assert ch["2025-11-01"]["cancelled"] == ["openai-coreweave"]
    assert ch[None]["cancelled"] == ["openai-coreweave"]


def test_sankey_band_heights_are_proportional_to_dollars():
    svg = sankey_svg({"oracle": {"end": 30e9, "equity": 10e9}, "nvidia": {"end": 20e9}},
                     {"oracle": "Oracle", "nvidia": "Nvidia", "end": "End customers", "equity": "Investors"})
    heights = {}
    for m in re.finditer(r'd="M[\d.]+,([\d.]+) C[^"]* L[\d.]+,[\d.]+ C[^"]*" [^>]*data-origin="(\w+)" '
                         r'data-firm="(\w+)"', svg):
        heights[(m.group(2), m.group(3))] = m.group(1)
    assert set(heights) == {("end", "oracle"), ("equity", "oracle"), ("end", "nvidia")}
    bars = [float(h) for h in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="14.0" height="([\d.]+)"', svg)]
    # Left bars: end customers $50B, investors $10B -> 5:1; right bars: Oracle $40B, Nvidia $20B -> 2:1.
    assert math.isclose(bars[0] / bars[1], 5.0, rel_tol=0.01)
    assert math.isclose(bars[2] / bars[3], 2.0, rel_tol=0.01)
    assert "End customers · $50B" in svg


_ids = st.sampled_from(["a", "b", "c", "d", "e", "f", "g"])


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(_ids, _ids, st.integers(1, 900), st.sampled_from(
    ["equity_investment", "chip_purchase", "compute_contract", "debt_financing", "partnership"])
    ).filter(lambda r: r[0] != r[1]), min_size=1, max_size=12))
def test_any_small_web_is_drawn_whole_and_inside_the_canvas(rows):
    ents = {i: Entity(i, {"en": i.upper()}) for r in rows for i in r[:2]}
    deals = {f"d{k}": Deal(f"d{k}", t, a, b, amount=parse_amount(f"{v}億美元"))
             for k, (a, b, v, t) in enumerate(rows)}
    view = map_view(Ledger(entities=ents, deals=deals))
    assert {e.deal for e in view.edges} == set(deals)
    for n in view.nodes:
        assert 0 <= n.x - n.r and n.x + n.r <= view.width and 0 <= n.y - n.r and n.y + n.r <= view.height
    for e in view.edges:
        assert all(0 <= float(x) <= 2 * view.width for x in re.findall(r"-?[\d.]+", e.path))


def test_big_webs_keep_the_entities_with_the_largest_flows():
    n = 30
    ents = {f"e{i:03d}": Entity(f"e{i:03d}", {"en": f"E{i}"}) for i in range(n)}
    # A chain e000 -> e001 -> ... where hop k moves (k + 1) billion dollars.
    deals = {f"d{k}": Deal(f"d{k}", "chip_purchase", f"e{k:03d}", f"e{k + 1:03d}",
                           amount=parse_amount(f"{(k + 1) * 10}億美元")) for k in range(n - 1)}
    view = map_view(Ledger(entities=ents, deals=deals), max_nodes=20, view="all")
    # By hand: entity i receives i billion (from hop i-1) and pays i+1 billion (hop i).
    total = {f"e{i:03d}": (i if i > 0 else 0) + (i + 1 if i < n - 1 else 0) for i in range(n)}
    expected = sorted(total, key=lambda i: (-total[i], i))[:20]
    assert {nd.id for nd in view.nodes} == set(expected)
    assert view.hidden == 10
    assert all(e.payer in expected and e.payee in expected for e in view.edges)
    assert "10 smaller entities not drawn" in map_svg(view)


def test_deals_whose_sources_disagree_are_marked_on_the_map():
    view = map_view(small_ledger())
    # Only the Oracle cloud deal carries a flagged claim (unit_slip) in the fixture.
    assert {e.deal for e in view.edges if e.conflict} == {"openai-oracle-cloud"}
    svg = map_svg(view)
    assert svg.count('class="dw-cflag"') == 1 and "Sources disagree" in svg


def test_market_value_without_a_date_says_so_in_its_tooltip():
    import dataclasses

    led = small_ledger()
    facts = dict(led.facts)
    facts["amd-mcap"] = dataclasses.replace(facts["amd-mcap"], as_of=None)  # "$270B", no date
    led = dataclasses.replace(led, facts=facts)
    svg = map_svg(map_view(led, size="market_cap"), interactive=True, title="t")
    tips = {t.split(" · ")[0]: t for t in re.findall(r"<title>([^<]*)</title>", svg)}
    assert "(as of 2025-10-01)" in tips["Nvidia"]
    assert tips["AMD"].endswith("(no as-of date in the ledger)")


def test_a_label_crowded_all_along_its_curve_goes_beside_it():
    from dealweb.report.mapview import MapEdge, MapNode, _label_width, _place_labels

    # A straight flow from (0, 0) to (200, 0). A node at (100, -16), radius 5, has its long name centred at
    # y = -16 + 5 + 11 = 0 (mapview's rule for a name with no Chinese line), 9 px half-height, over x in
    # [-60, 260]: every spot on the curve hits it, so the label must sit beside the curve, clear of it.
    name = "A very long entity name indeed, wider than the flow"
    node = MapNode("n", name, "", "company", 100.0, -16.0, 5.0, "none")
    half_name = _label_width(name, 13.5) / 2 + 2
    assert half_name > 160
    edge = MapEdge("d", "a", "b", "services", "#000", "$1B", "", 0.0, 0.0, 2.0, 1e9,
                   points=((0.0, 0.0), (100.0, 0.0), (200.0, 0.0)))
    (placed,) = _place_labels([edge], [node])
    hw, hh = _label_width("$1B", 11.5) / 2 + 3, 8.0
    overlap_y = hh + 9 - abs(placed.ly - 0.0)
    overlap_x = hw + half_name - abs(placed.lx - 100.0)
    assert not (overlap_x > 0 and overlap_y > 0), (placed.lx, placed.ly)
    assert abs(placed.ly) <= 24 and 0 < placed.lx < 200  # still next to its own arrow
