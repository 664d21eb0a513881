"""Exposure by counterparty (shares, HHI), PageRank against NetworkX, the null model and p-values."""

from __future__ import annotations

from datetime import date

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.graph import Web, centrality, exposure, null_model, p_value, rewired, snapshot, synthetic_web
from dealweb.model import Deal, Entity, Fact, Ledger
from dealweb.money import Amount

B = 1e9


def usd(x: float) -> Amount:
    return Amount(x, x, unit="USD")


def oracle_ledger() -> Ledger:
    ents = {e: Entity(e, {"en": e}) for e in ("openai", "meta", "xai", "oracle", "nvidia", "amd")}
    deals = [
        Deal("oa", "compute_contract", "openai", "oracle", amount=usd(300 * B)),
        Deal("meta", "compute_contract", "meta", "oracle", amount=usd(20 * B)),
        Deal("xai", "compute_contract", "xai", "oracle", amount=usd(30 * B)),
        Deal("xai2", "data_hosting", "xai", "oracle", amount=usd(10 * B)),
        Deal("nv", "chip_purchase", "oracle", "nvidia", amount=usd(40 * B)),
        Deal("amd", "chip_purchase", "oracle", "amd", amount=usd(10 * B)),
        Deal("inv", "equity_investment", "oracle", "xai", amount=usd(5 * B)),
    ]
    facts = {"rpo": Fact("rpo", "oracle", "rpo", usd(455 * B), period="FY2026 Q1", as_of=date(2025, 8, 31))}
    return Ledger(entities=ents, deals={d.id: d for d in deals}, facts=facts)


def test_exposure_shares_and_hhi_by_hand():
    led = oracle_ledger()
    web = snapshot(led)
    ex = exposure(web, "oracle", led)
    bl = ex.categories["backlog"]
    # backlog 300 + 20 + 30 + 10 = 360; OpenAI 300/360 = 5/6, xAI 40/360 = 1/9, Meta 20/360 = 1/18
    assert bl.total == pytest.approx(360 * B)
    assert [(c.id, c.share) for c in bl.counterparties] == [("openai", pytest.approx(5 / 6)),
                                                            ("xai", pytest.approx(1 / 9)),
                                                            ("meta", pytest.approx(1 / 18))]
    assert bl.counterparties[1].deals == ("xai", "xai2")
    # HHI = (5/6)^2 + (1/9)^2 + (1/18)^2 = 225/324 + 4/324 + 1/324 = 230/324
    assert bl.hhi == pytest.approx(230 / 324)
    # OpenAI's $300B is 300/455 of the reported RPO
    assert bl.reported == pytest.approx(455 * B) and bl.counterparties[0].share_of_reported == pytest.approx(300 / 455)
    inv = ex.categories["investments"]
    assert [(c.id, c.amount) for c in inv.counterparties] == [("xai", 5 * B)] and inv.hhi == 1.0
    pay = ex.categories["payables"]
    assert pay.total == pytest.approx(55 * B)  # 40 + 10 + 5
    assert ex.categories["funding"].total == 0.0 and ex.categories["funding"].hhi == 0.0
    assert ex.in_strength == pytest.approx(360 * B) and ex.in_strength_rank == 1
    # the other argument order gives the same answer
    assert exposure(web, led, "oracle").as_dict() == ex.as_dict()
    d = ex.as_dict()
    assert d["currency"] == "USD" and d["categories"]["backlog"]["counterparties"][0]["id"] == "openai"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.integers(1, 50)), min_size=1, max_size=30))
def test_pagerank_matches_networkx(edges):
    s, d, a = zip(*edges, strict=True)
    w = Web.from_edges([f"n{x}" for x in s], [f"n{x}" for x in d], [float(x) for x in a])
    g = w.to_networkx()
    ref = nx.pagerank(g, alpha=0.85, weight="amount", tol=1e-13, max_iter=10000)
    pr = centrality(w).pagerank
    assert pr.sum() == pytest.approx(1.0)
    for i, x in enumerate(w.ids):
        assert pr[i] == pytest.approx(ref[x], abs=1e-8)


def test_p_value_formula():
    # r = number of null values >= observed; p = (r + 1) / (n + 1)
    assert p_value(5, [1, 2, 5, 7]) == pytest.approx(3 / 5)  # r = 2 (5 and 7)
    assert p_value(10, [1, 2, 3]) == pytest.approx(1 / 4)  # never 0
    assert p_value(0, [0, 0, 0]) == 1.0


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_rewiring_preserves_degrees_and_out_strength_exactly(seed):
    w = synthetic_web(400, seed=5)
    rw, made = rewired(w, np.random.default_rng(seed), swaps_per_edge=2)
    assert made == 2 * w.flows.nnz
    a, b = w.flows.tocoo(), rw.flows.tocoo()
    assert rw.flows.nnz == w.flows.nnz  # no parallel edges were created
    assert (b.row != b.col).all()
    for x, y in ((a.row, b.row), (a.col, b.col)):
        assert np.array_equal(np.bincount(x, minlength=w.n), np.bincount(y, minlength=w.n))
    assert np.allclose(w.outflow, rw.outflow)
    assert np.array_equal(np.sort(a.data), np.sort(b.data))
    # and it actually moved edges
    assert set(zip(a.row.tolist(), a.col.tolist(), strict=True)) != set(zip(b.row.tolist(), b.col.tolist(),
                                                                            strict=True))


def test_null_model_is_seeded_and_counts_match():
    w = synthetic_web(300, seed=2)
    a = null_model(w, n=5, seed=42, max_length=3)
    b = null_model(w, n=5, seed=42, max_length=3)
    c = null_model(w, n=5, seed=43, max_length=3)
    assert a.seed == 42 and a.as_dict() == b.as_dict()
    assert not np.array_equal(a.null["loops_total"], c.null["loops_total"])
    for s in a.stats:
        r = int((a.null[s] >= a.observed[s]).sum())
        assert a.p_values[s] == pytest.approx((r + 1) / 6)
    # 2-loops + 3-loops add up
    assert a.observed["loops_total"] == a.observed["loops_len_2"] + a.observed["loops_len_3"]


def test_planted_loops_are_significant():
    # a ring of reciprocal pairs: every edge is in a 2-loop; rewiring destroys most of them
    n = 30
    src = [i for i in range(n)] + [(i + 1) % n for i in range(n)] + [i for i in range(n)]
    dst = [(i + 1) % n for i in range(n)] + [i for i in range(n)] + [(i + 7) % n for i in range(n)]
    w = Web.from_edges(src, dst, [1.0] * len(src))
    res = null_model(w, n=19, seed=1, max_length=2, with_circulation=False)
    assert res.observed["loops_len_2"] == n
    assert res.p_values["loops_len_2"] == pytest.approx(1 / 20)
