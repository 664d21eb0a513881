"""DebtRank (Battiston et al. 2012): hand-worked cascades, propagate-once rule, batching, properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.sim.debtrank import debtrank, debtrank_result


def test_chain_by_hand():
    # exposures[i, j]: a has 5 at stake in b (equity 10: W[a, b] = 0.5); b has 20 in c (equity 10: W = 1).
    # c fails (h = 1).  t=2: h_b = min(1, 0 + 1 * 1) = 1;  t=3: h_a = 0 + 0.5 * 1 = 0.5;  then nobody is D.
    # v (share of exposures *to* each): to a 0, to b 5/25, to c 20/25.  R = 0.2*1 + 0.8*1 - 0.8*1 = 0.2.
    x = np.zeros((3, 3))
    x[0, 1] = 5.0
    x[1, 2] = 20.0
    h, R = debtrank(x, np.array([10.0, 10.0, 10.0]), np.array([0.0, 0.0, 1.0]))
    np.testing.assert_allclose(h, [0.5, 1.0, 1.0])
    assert R == pytest.approx(0.2, abs=1e-15)


def test_each_entity_propagates_once():
    # a and b each hold 5 of the other with equity 10: W = 0.5 both ways. Initial h_a = 0.4.
    # t=2: h_b = 0.5*0.4 = 0.2 (a: D -> I, b: U -> D).  t=3: h_a = 0.4 + 0.5*0.2 = 0.5 (a inactive, keeps
    # absorbing; b: D -> I). Stop.  Reverberation without the once-rule would push both higher.
    # v = (0.5, 0.5): R = 0.5*(0.5 + 0.2) - 0.5*0.4 = 0.15.
    x = np.array([[0.0, 5.0], [5.0, 0.0]])
    res = debtrank_result(x, np.array([10.0, 10.0]), np.array([0.4, 0.0]))
    np.testing.assert_allclose(res.distress, [0.5, 0.2])
    assert res.rank == pytest.approx(0.15, abs=1e-15)
    assert int(res.steps[0]) == 3


def test_batched_runs_and_equity_per_run():
    x = np.array([[0.0, 5.0], [5.0, 0.0]])
    h0 = np.array([[0.4, 0.0], [0.0, 1.0]])
    eq = np.array([[10.0, 10.0], [2.0, 10.0]])
    h, R = debtrank(x, eq, h0)
    assert h.shape == (2, 2) and R.shape == (2,)
    np.testing.assert_allclose(h[0], [0.5, 0.2])
    # run 2: b fails; a holds 5 of b with equity 2: W = min(1, 2.5) = 1 -> h_a = 1; b inactive then gets
    # 0.5 * 1 from a, stays at min(1, 1.5) = 1.
    np.testing.assert_allclose(h[1], [1.0, 1.0])
    np.testing.assert_allclose(R, [0.15, 0.5])


def test_bad_input():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        debtrank(np.zeros((2, 2)), np.ones(2), np.array([2.0, 0.0]))
    with pytest.raises(ValueError, match="shape"):
        debtrank(np.zeros((2, 2)), np.ones(3), np.zeros(2))


def _reference(x, eq, h0):
    """Straight loop over entities, written from the paper's update rules."""
    n = len(h0)
    h = h0.astype(float).copy()
    s = ["D" if v > 0 else "U" for v in h]
    while "D" in s:
        new = h.copy()
        for i in range(n):
            add = sum((min(1.0, x[i, j] / eq[i]) if eq[i] > 0 else (1.0 if x[i, j] > 0 else 0.0)) * h[j]
                      for j in range(n) if s[j] == "D")
            new[i] = min(1.0, h[i] + add)
        s = ["I" if s[i] == "D" else ("D" if s[i] == "U" and new[i] > 0 else s[i]) for i in range(n)]
        h = new
    return h


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 7), st.integers(0, 2**32 - 1), st.integers(1, 3))
def test_properties(n, seed, runs):
    rng = np.random.default_rng(seed)
    x = rng.exponential(5.0, (n, n)) * (rng.random((n, n)) < 0.5)
    np.fill_diagonal(x, 0.0)
    eq = rng.exponential(10.0, n)
    h0 = rng.random((runs, n)) * (rng.random((runs, n)) < 0.3)
    h, R = debtrank(x, eq, h0)
    assert ((h >= h0) & (h <= 1)).all()
    assert (R >= -1e-15).all()
    for r in range(runs):
        np.testing.assert_allclose(h[r], _reference(x, eq, h0[r]), rtol=1e-13, atol=1e-15)
    perm = rng.permutation(n)
    hp, Rp = debtrank(x[np.ix_(perm, perm)], eq[perm], h0[:, perm])
    np.testing.assert_allclose(hp, h[:, perm], rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(Rp, R, rtol=1e-12, atol=1e-15)
