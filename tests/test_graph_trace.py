"""Who pays: hand-computed origin mixes, a path-by-path second method, Monte Carlo, properties."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.errors import InputError
from dealweb.graph import (
    DEFINITION,
    ORIGIN_CLASSES,
    Web,
    origin_classes,
    origin_matrix,
    origin_system,
    synthetic_web,
    trace,
)

trace_mod = importlib.import_module("dealweb.graph.trace")


def loop_web() -> Web:
    return Web.from_edges(["openai", "oracle", "nvidia"], ["oracle", "nvidia", "openai"], [300.0, 40.0, 100.0],
                          ["compute_contract", "chip_purchase", "equity_investment"])


def test_the_three_firm_loop_by_hand():
    # I: openai 100, oracle 300, nvidia 40; O: openai 300, oracle 40, nvidia 100
    # own money s = max(0, O - I): openai 200, oracle 0, nvidia 60; T = I + s: 300, 300, 100
    # c_oracle = c_openai;  c_nvidia = (40 c_oracle + 60 e_nv) / 100;  c_openai = (100 c_nvidia + 200 e_oa) / 300
    # => 300 c_oa = 40 c_oa + 60 e_nv + 200 e_oa  =>  c_oa = 10/13 e_oa + 3/13 e_nv
    # OpenAI's inflow comes from Nvidia: mix c_nvidia = 0.4 c_oa + 0.6 e_nv = 4/13 e_oa + 9/13 e_nv
    w = loop_web()
    t = trace(w, "openai")
    assert t.status == "ok" and t.inflow == 100.0 and t.own == 200.0
    assert dict(t.origins) == pytest.approx({"openai": 4 / 13, "nvidia": 9 / 13})
    assert t.circularity == pytest.approx(4 / 13)
    # Oracle is paid by OpenAI, whose mix is c_oa; Oracle puts in no money of its own: circularity 0
    t = trace(w, "oracle")
    assert dict(t.origins) == pytest.approx({"openai": 10 / 13, "nvidia": 3 / 13}) and t.circularity == 0.0
    # Nvidia is paid by Oracle (mix c_oa): 3/13 of it is Nvidia's own money coming back
    assert trace(w, "nvidia").circularity == pytest.approx(3 / 13)
    # the whole matrix at once: rows are inflow mixes, the diagonal the circularities 4/13, 0, 3/13
    m, ok = origin_matrix(origin_system(w))
    i = w.index
    assert ok.all()
    assert m[i["openai"], i["nvidia"]] == pytest.approx(9 / 13)
    assert [m[i[x], i[x]] for x in ("openai", "oracle", "nvidia")] == pytest.approx([4 / 13, 0.0, 3 / 13])
    d = trace(w, "openai").as_dict()
    assert set(d) >= {"entity", "inflow", "origins", "circularity", "classes", "currency"}
    first = d["origins"][0]
    assert (first["id"], first["share"], first["amount"]) == ("nvidia", pytest.approx(9 / 13), pytest.approx(900 / 13))
    # issue 10: the one-sentence definition travels with the JSON; Oracle is on the loop at 0% and says why
    assert d["definition"] == DEFINITION and d["on_loop"] is True
    orcl = trace(w, "oracle")
    assert orcl.on_loop and orcl.circularity == 0.0 and "puts in no money of its own" in orcl.note


def test_classes_by_hand():
    # A (fund) invests 10 in B; B buys 6 of services from C; end customers (M, market) pay C 4 of revenue.
    # s_A = 10, s_M = 4.  C's inflow 10 = 6 from B (all A's money) + 4 from M: A 0.6, M 0.4
    # classes: A's money goes out as investment -> equity investors 0.6; M is a market -> end customers 0.4
    w = Web.from_edges(["A", "B", "M"], ["B", "C", "C"], [10.0, 6.0, 4.0],
                       ["equity_investment", "services", "revenue"], entity_kinds={"A": "fund", "M": "market"})
    t = trace(w, "C")
    assert dict(t.origins) == pytest.approx({"A": 0.6, "M": 0.4})
    assert t.classes["equity_investors"] == pytest.approx(0.6) and t.classes["end_customers"] == pytest.approx(0.4)
    mix, ok = origin_classes(origin_system(w))
    k = {c: i for i, c in enumerate(ORIGIN_CLASSES)}
    assert ok.tolist() == [False, True, True, False]  # A and M receive nothing
    assert mix[w.index["C"], k["equity_investors"]] == pytest.approx(0.6)
    assert mix[w.index["B"], k["equity_investors"]] == pytest.approx(1.0)


def test_lenders_governments_own_funds_and_unfunded():
    # G (government) grants 5 to P; L lends 15 to P (debt); P pays 30 to S for hardware, 10 beyond its inflow.
    # S's inflow 30: G 5/30, L 15/30, P 10/30 -> governments 1/6, lenders 1/2, and P's 10:
    # issue 10: P's 10 is "own funds" only up to the cash the ledger records for P; without any, unfunded.
    args = (["G", "L", "P"], ["P", "P", "S"], [5.0, 15.0, 30.0],
            ["equity_investment", "debt_financing", "chip_purchase"])
    w = Web.from_edges(*args, entity_kinds={"G": "government"})
    t = trace(w, "S")
    assert t.classes == pytest.approx({"equity_investors": 0.0, "lenders": 0.5, "end_customers": 0.0,
                                       "governments": 1 / 6, "own_funds": 0.0, "unfunded": 1 / 3})
    assert "own_funds" not in t.as_dict()["classes"] and t.as_dict()["unfunded"]["amount"] == pytest.approx(10.0)
    # P records 4 of cash: 4 of its 10 are own funds (4/30 of S's inflow), 6 stay unfunded (6/30)
    wc = Web.from_edges(*args, entity_kinds={"G": "government"}, cash={"P": 4.0})
    tc = trace(wc, "S")
    assert tc.classes["own_funds"] == pytest.approx(4 / 30) and tc.classes["unfunded"] == pytest.approx(6 / 30)
    assert tc.as_dict()["classes"]["own_funds"] == pytest.approx(4 / 30)
    tp = trace(wc, "P")
    assert (tp.own, tp.own_backed, tp.cash) == (10.0, pytest.approx(4.0), 4.0)


def test_closed_loop_without_outside_money_has_no_origin():
    # X -> Y 5, Y -> X 5: nobody pays out more than they take in; the money has no origin.
    # A separate chain A -> B 3 is unaffected.
    w = Web.from_edges(["X", "Y", "A"], ["Y", "X", "B"], [5.0, 5.0, 3.0])
    t = trace(w, "X")
    assert t.status == "no_origin" and t.circularity is None and t.origins == () and "no origin" in t.message
    assert trace(w, "B").origins == (("A", 1.0),)
    assert trace(w, "A").status == "no_inflow"
    with pytest.raises(InputError, match="unknown entity"):
        trace(w, "Z")


def test_rounding_does_not_invent_an_origin():
    # A pays B 0.1 and 0.2 (summed: 0.30000000000000004 in floating point), B pays A 0.3 back.
    # A's O - I is 5.6e-17: rounding, not money; the loop is closed and has no origin.
    w = Web.from_edges(["A", "A", "B"], ["B", "B", "A"], [0.1, 0.2, 0.3])
    assert w.outflow[w.index["A"]] - w.inflow[w.index["A"]] > 0
    assert trace(w, "A").status == "no_origin" and trace(w, "B").status == "no_origin"


def path_sum_origins(edges: list[tuple[str, str, float]], target: str, depth: int = 400) -> dict[str, float]:
    """Second method: trace the inflow of `target` backwards, path by path, as a geometric series.

    A dollar arriving at j came from payer k with probability F[k->j]/T_j and is j's own money with
    probability s_j/T_j. Summing over all backward walks of length <= depth gives the inflow mix; the mass
    still travelling after `depth` steps (or once below 1e-15) is the truncation error.
    """
    nodes = sorted({x for e in edges for x in e[:2]})
    inflow = dict.fromkeys(nodes, 0.0)
    outflow = dict.fromkeys(nodes, 0.0)
    into: dict[str, dict[str, float]] = {x: {} for x in nodes}
    for a, b, w in edges:
        outflow[a] += w
        inflow[b] += w
        into[b][a] = into[b].get(a, 0.0) + w
    own = {x: max(0.0, outflow[x] - inflow[x]) for x in nodes}
    own = {x: v if v > 1e-12 * max(outflow[x], inflow[x]) else 0.0 for x, v in own.items()}
    through = {x: inflow[x] + own[x] for x in nodes}
    mass = {a: f / inflow[target] for a, f in into[target].items()}
    result = dict.fromkeys(nodes, 0.0)
    for _ in range(depth):
        nxt: dict[str, float] = {}
        for j, p in mass.items():
            if own[j]:
                result[j] += p * own[j] / through[j]
            for k, f in into[j].items():
                nxt[k] = nxt.get(k, 0.0) + p * f / through[j]
        mass = nxt
        if sum(mass.values()) < 1e-15:
            break
    return result


def test_against_path_by_path_series_on_the_loop():
    edges = [("openai", "oracle", 300.0), ("oracle", "nvidia", 40.0), ("nvidia", "openai", 100.0)]
    ref = path_sum_origins(edges, "openai")
    assert ref["openai"] == pytest.approx(4 / 13, abs=1e-9)
    assert dict(trace(loop_web(), "openai").origins) == pytest.approx({k: v for k, v in ref.items() if v}, abs=1e-9)


def monte_carlo_origins(w: Web, target: int, rng: np.random.Generator, walks: int) -> np.ndarray:
    """Third method: random walks upstream from a dollar of the target's inflow until absorbed at an origin."""
    f = w.flows.toarray()
    inflow, outflow = f.sum(axis=0), f.sum(axis=1)
    own = np.maximum(0.0, outflow - inflow)
    through = inflow + own
    counts = np.zeros(w.n)
    for _ in range(walks):
        j = rng.choice(w.n, p=f[:, target] / inflow[target])
        while True:
            if rng.random() < own[j] / through[j]:
                counts[j] += 1
                break
            j = rng.choice(w.n, p=f[:, j] / inflow[j])
    return counts / walks


def test_against_monte_carlo_on_a_web_with_cycles():
    # a small web with two loops and two outside sources
    edges = [("s1", "a", 10.0), ("a", "b", 8.0), ("b", "a", 3.0), ("b", "c", 6.0), ("c", "a", 2.0),
             ("s2", "c", 4.0), ("c", "d", 7.0)]
    s, d, a = zip(*edges, strict=True)
    w = Web.from_edges(list(s), list(d), list(a))
    rng = np.random.default_rng(20251123)
    for target in ("a", "c", "d"):
        mc = monte_carlo_origins(w, w.index[target], rng, 4000)
        got = dict(trace(w, target).origins)
        for k, x in enumerate(w.ids):
            assert got.get(x, 0.0) == pytest.approx(mc[k], abs=0.03)
        ref = path_sum_origins(edges, target)
        assert got == pytest.approx({k: v for k, v in ref.items() if v > 0}, abs=1e-9)


edges_strategy = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(1, 30)), min_size=1, max_size=20)


def web_of(edges: list[tuple[int, int, int]]) -> Web:
    s, d, a = zip(*edges, strict=True)
    return Web.from_edges([f"n{x}" for x in s], [f"n{x}" for x in d], [float(x) for x in a])


@settings(max_examples=80, deadline=None)
@given(edges_strategy)
def test_origin_shares_sum_to_one_and_match_the_series(edges):
    w = web_of(edges)
    system = origin_system(w)
    mix, ok = origin_classes(system)
    full, _ = origin_matrix(system)
    for i, x in enumerate(w.ids):
        t = trace(system, x)
        if t.status != "ok":
            assert t.origins == () and t.circularity is None
            continue
        assert sum(s for _, s in t.origins) == pytest.approx(1.0)
        assert all(s > 0 for _, s in t.origins)
        assert sum(t.classes.values()) == pytest.approx(1.0)
        assert mix[i].sum() == pytest.approx(1.0)
        assert full[i] == pytest.approx(np.asarray([dict(t.origins).get(k, 0.0) for k in w.ids]), abs=1e-12)
        assert 0.0 <= t.circularity <= 1.0 + 1e-12
    # the series method on one reachable target
    agg = [(w.ids[a], w.ids[b], float(v)) for a, b, v in zip(*w.flows.nonzero(), w.flows.data, strict=True)]
    for x in w.ids:
        t = trace(system, x)
        if t.status == "ok":
            ref = path_sum_origins(agg, x, depth=3000)
            got = dict(t.origins)
            for k in w.ids:
                assert got.get(k, 0.0) == pytest.approx(ref.get(k, 0.0), abs=1e-6)
            break


@settings(max_examples=60, deadline=None)
@given(edges_strategy, st.randoms(use_true_random=False))
def test_trace_is_invariant_to_relabeling(edges, rnd):
    w = web_of(edges)
    perm = list(range(w.n))
    rnd.shuffle(perm)
    w2 = w.relabeled(perm)
    for x in w.ids:
        a, b = trace(w, x), trace(w2, x)
        assert a.status == b.status
        da, db = dict(a.origins), dict(b.origins)
        for k in set(da) | set(db):
            assert da.get(k, 0.0) == pytest.approx(db.get(k, 0.0), abs=1e-12)
        assert a.classes == pytest.approx(b.classes)


def test_iterative_solver_agrees_with_lu(monkeypatch: pytest.MonkeyPatch):
    w: Web = synthetic_web(4000, seed=9)
    exact = origin_system(w)
    mix_exact, _ = origin_classes(exact)
    monkeypatch.setattr(trace_mod, "DIRECT_MAX", 10)  # force BiCGSTAB
    it = origin_system(w)
    assert it._solver.lu is None
    mix_it, _ = origin_classes(it)
    assert np.abs(mix_exact - mix_it).max() < 1e-8
    i = int(np.argmax(w.inflow))
    a, b = dict(trace(exact, i).origins), dict(trace(it, i).origins)
    assert max(abs(a.get(k, 0) - b.get(k, 0)) for k in set(a) | set(b)) < 1e-8


def test_iterative_solver_on_a_nearly_closed_loop(monkeypatch: pytest.MonkeyPatch):
    # S puts 1e-6 into a loop A <-> B that turns over 1 each way: Jacobi sweeps shrink the error by only
    # (1 - 1e-6) per sweep, so the Krylov fallback must take over. All of B's inflow still originates at S:
    # A and B put in nothing of their own (A: in 1 + 1e-6 > out 1; B: in 1 = out 1).
    monkeypatch.setattr(trace_mod, "DIRECT_MAX", 1)
    w = Web.from_edges(["S", "A", "B", "C"], ["A", "B", "A", "D"], [1e-6, 1.0, 1.0, 2.0])
    system = origin_system(w)
    t = trace(system, "B")
    assert dict(t.origins) == pytest.approx({"S": 1.0}, abs=1e-8) and t.circularity == pytest.approx(0.0, abs=1e-8)
    mix, ok = origin_classes(system)
    assert mix[w.index["A"]].sum() == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(1, 30)), min_size=1, max_size=18))
def test_against_networkx_paths_on_dags(edges):
    """On a DAG (edges only from lower to higher numbers) the series is finite: sum over the simple paths
    networkx lists from each origin k to the target of  s_k/T_k * prod_(u->v inside) F_uv/T_v * F_last/I."""
    import networkx as nx

    dag = [(a, b, w) for a, b, w in edges if a < b]
    if not dag:
        return
    w = web_of(dag)
    g = w.to_networkx()
    inflow, outflow = w.inflow, w.outflow
    own = np.maximum(0.0, outflow - inflow)
    through = inflow + own
    for t in w.ids:
        ti = w.index[t]
        if inflow[ti] <= 0:
            continue
        ref: dict[str, float] = {}
        for k in w.ids:
            ki = w.index[k]
            if own[ki] <= 0 or k == t:
                continue
            for path in nx.all_simple_paths(g, k, t):
                p = own[ki] / through[ki]
                for u, v in zip(path[:-2], path[1:-1], strict=True):
                    p *= g[u][v]["amount"] / through[w.index[v]]
                p *= g[path[-2]][t]["amount"] / inflow[ti]
                ref[k] = ref.get(k, 0.0) + p
        got = dict(trace(w, t).origins)
        for k in set(got) | set(ref):
            assert got.get(k, 0.0) == pytest.approx(ref.get(k, 0.0), abs=1e-12)
