"""The circulating share as a minimum-cost flow, against the maximum-circulation LP (issue 16)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.graph import Web
from dealweb.graph._mincostflow import min_cost_flow_unit
from dealweb.graph.loops import circulation


def test_hand_case_two_loops_sharing_an_edge():
    # a->b 10, b->c 6, c->a 7, b->a 3, d->a 4.  Loops: a->b->a (bottleneck 3, 2 hops) and a->b->c->a
    # (bottleneck min(10, 6, 7) = 6, 3 hops). Both fit under a->b (3 + 6 = 9 <= 10): 3*2 + 6*3 = 24 circulate.
    w = Web.from_edges(list("abcbd"), list("bcaaa"), [10.0, 6.0, 7.0, 3.0, 4.0])
    for method in ("network", "lp"):
        c = circulation(w, method=method)
        assert abs(c.circulating - 24.0) < 1e-9
        assert abs(c.total - 30.0) < 1e-12


def test_hand_case_the_longer_loop_wins():
    # a->b 5 is shared by a->b->a (b->a 5) and a->b->c->d->a (5 each). Sending 5 round the 4-hop loop
    # circulates 20; round the 2-hop loop only 10; the optimum takes the long loop: 20 (+0).
    w = Web.from_edges(list("abbcd"), list("bacda"), [5.0, 5.0, 5.0, 5.0, 5.0])
    c = circulation(w)
    assert abs(c.circulating - 20.0) < 1e-9


def test_min_cost_flow_on_a_hand_network():
    # supplies: node 0 gives 3, node 3 takes 3. Paths 0->3 direct (cap 1, cost 1) and 0->1->2->3 (cap 5,
    # cost 3): the cheapest way sends 1 direct and 2 the long way: cost 1 + 6 = 7.
    src, dst = np.array([0, 0, 1, 2]), np.array([3, 1, 2, 3])
    x, _ = min_cost_flow_unit(4, src, dst, np.array([1.0, 5.0, 5.0, 5.0]), np.array([3.0, 0.0, 0.0, -3.0]))
    np.testing.assert_allclose(x, [1.0, 2.0, 2.0, 2.0])


def _web(n, edges):
    src = [f"e{a}" for a, b, _ in edges]
    dst = [f"e{b}" for a, b, _ in edges]
    return Web.from_edges(src, dst, [w for _, _, w in edges])


edge = st.tuples(st.integers(0, 11), st.integers(0, 11), st.floats(0.01, 1e3))


@settings(max_examples=60)
@given(st.lists(edge, min_size=1, max_size=60), st.floats(1e-3, 1e9))
def test_network_method_equals_the_lp(edges, unit):
    edges = [(a, b, w * unit) for a, b, w in edges if a != b]
    if not edges:
        return
    w = _web(12, edges)
    a = circulation(w, method="network")
    b = circulation(w, method="lp")
    assert abs(a.circulating - b.circulating) <= 1e-7 * a.total
    g = a.edge_circulation
    coo = w.flows.tocoo()
    assert (g >= 0).all() and (g <= coo.data * (1 + 1e-12)).all()
    net = np.bincount(coo.row, g, w.n) - np.bincount(coo.col, g, w.n)
    assert np.abs(net).max() <= 1e-9 * a.total
    assert a.circulating <= a.in_components * (1 + 1e-12)
