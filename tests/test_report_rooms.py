"""The report's sections filled from the analytical rooms, checked against figures worked out by hand."""

from __future__ import annotations

import math

from dealweb.report import analysis_of
from dealweb.report.rooms import _fmt
from report_fixtures import small_ledger


def test_loops_come_from_the_graph_room():
    an = analysis_of(small_ledger(), stress=False)
    assert not {"loops", "who_pays", "exposure"} & set(an.notes), an.notes
    # One loop: Nvidia -> OpenAI (up to $100B, mid $50B) -> Oracle ($300B) -> Nvidia (about $40B, mid $40B).
    assert len(an.loops) == 1
    row = an.loops[0]
    assert set(row.deals) == {"nvidia-openai-invest", "openai-oracle-cloud", "oracle-nvidia-chips"}
    assert row.entities[0] == row.entities[-1] and set(row.entities) == {"nvidia", "openai", "oracle"}
    assert math.isclose(row.usd, 40e9)
    # issue 10: the loop runs through conditional money (a letter of intent for "up to $100B") and says so
    assert row.label == "conditional: runs through nvidia-openai-invest"


def test_who_pays_splits_each_firms_inflow():
    an = analysis_of(small_ledger(), stress=False)
    # Inflows by hand (firm money at the mid of each interval; the CoreWeave contract is cancelled, and
    # Nvidia's "up to $100B" letter of intent is conditional, so not in who pays; issue 10):
    # Oracle $300B (OpenAI); OpenAI $30B (SoftBank); Nvidia $40B (Oracle).
    inflow = {"oracle": 300e9, "openai": 30e9, "nvidia": 40e9}
    for firm, total in inflow.items():
        assert math.isclose(sum(an.who_pays[firm].values()), total, rel_tol=1e-9), firm
    # SoftBank is the only money from outside the loop: it is an origin of every firm's money.
    assert all(an.who_pays[f].get("softbank", 0) > 0 for f in inflow)


def test_metrics_dashboard_lists_results_and_sourced_inputs():
    from dealweb.ledger import load_ledger

    an = analysis_of(load_ledger("ai-capex-2025").ledger, stress=False)
    assert "metrics" not in an.notes, an.notes
    titles = [t.title for t in an.metrics]
    assert "Capacity: results" in titles and "Capacity: inputs and their sources" in titles
    inputs = next(t for t in an.metrics if t.title == "Capacity: inputs and their sources")
    # the kind of source in its own column (said in each language), the quote or note as written
    assert all(r["From"] in ("ledger", "assumption", "option") for r in inputs.rows)
    assert all(r["Source"] for r in inputs.rows if r["From"] == "ledger")


def test_metrics_dashboard_says_not_assessed_without_the_ledgers_inputs():
    # the small ledger names no analyses: every test says what it needs, and no figure is borrowed
    an = analysis_of(small_ledger(), stress=False)
    titles = [t.title for t in an.metrics]
    assert "Capacity: not assessed" in titles and "Capacity: results" not in titles
    table = next(t for t in an.metrics if t.title == "Capacity: not assessed")
    assert table.rows[0]["Value"].startswith("needs analyses.capacity.")
    assert "4M" not in str(an.metrics) and "455" not in str(an.metrics)


def test_figures_keep_their_units():
    assert _fmt(4.5e6, "accelerators") == "4.5M accelerators"
    assert _fmt(6e10, "usd_per_year") == "$60B a year"
    assert _fmt(0.25, "fraction") == "25%"
    assert _fmt(1977, "year") == "1977"  # never scaled
    assert _fmt(None, "usd") == "n/a"


def test_who_pays_names_unfunded_money_and_the_definition():
    from dealweb.graph import DEFINITION
    from dealweb.report import render_report

    ledger = small_ledger()
    an = analysis_of(ledger, stress=False)
    # Firm flows (USD B): SoftBank->OpenAI 30, OpenAI->Oracle 300, Oracle->Nvidia 40 (no loop in firm money).
    # OpenAI pays out 300 - 30 = 270 beyond its inflow and the ledger records no cash for it: unfunded.
    # Oracle's 300 = SoftBank 30 + unfunded (OpenAI) 270; Nvidia's 40 from Oracle keeps that mix: 4 + 36.
    assert math.isclose(an.who_pays["oracle"]["unfunded: openai"], 270e9, rel_tol=1e-9)
    assert math.isclose(an.who_pays["oracle"]["softbank"], 30e9, rel_tol=1e-9)
    assert math.isclose(an.who_pays["nvidia"]["unfunded: openai"], 36e9, rel_tol=1e-9)
    assert "openai" not in an.who_pays["openai"]  # no loop of firm money: none of its own money comes back
    html = render_report(ledger, analysis=an)
    section = html[html.index('id="who-pays"'):html.index('id="exposure"')]
    assert "taken out" not in section
    assert "own money comes back" in section and "unfunded" in section
    assert DEFINITION in section.replace("&#39;", "'") and "conditional money" in section
