"""Benchmark: dealweb's loops and trace against a plain NetworkX baseline, side by side, 10^3 .. 10^6 edges.

Each (size, task, implementation) runs in a fresh process (so its peak memory is its own), on the same
seeded synthetic web (``dealweb.graph.synthetic_web``):

* loops: the ``--top`` loops of at most ``--max-length`` hops with the largest bottlenecks.
  dealweb: ``loops(web, max_length=K, top=N)`` (strong components, bounded DFS, branch and bound).
  baseline: ``networkx.simple_cycles(G, length_bound=K)``, the bottleneck of every cycle, ``heapq.nlargest``.
* trace: the origins of the inflow of the entity with the largest inflow.
  dealweb: ``origin_system(web)`` and ``trace`` (one sparse solve), plus the class mix of every entity.
  baseline: path-by-path backward tracing on the NetworkX graph, each path's mass split in proportion
  at every entity, until less than ``--eps`` of the inflow is left on any path.

The baseline is stopped after ``--cap`` seconds ("did not finish"). Time is wall-clock of the task only
(the web is generated before the clock starts); memory is the peak resident set of the whole process
(``resource.getrusage``), interpreter and generated web included. "agree" compares the two results where
both finished: the same bottlenecks rank by rank and the same loops above the last rank's bottleneck (ties
there may be cut differently); every exact origin share at least the baseline's and above it by no more
than the inflow the baseline's truncated paths left unassigned.

    python benchmarks/bench_graph.py                      # 10^3 .. 10^6 edges, cap 60 s
    python benchmarks/bench_graph.py --sizes 1000 10000 --cap 10
"""

from __future__ import annotations

import argparse
import heapq
import multiprocessing as mp
import resource
import time
from typing import Any

SEED = 20251123


def _web(m: int):  # noqa: ANN202
    from dealweb.graph import synthetic_web

    return synthetic_web(m, seed=SEED)


def _target(web) -> int:  # noqa: ANN001
    import numpy as np

    return int(np.argmax(web.inflow))


def _nx_graph(web):  # noqa: ANN001, ANN202
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(range(web.n))
    coo = web.flows.tocoo()
    g.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True),
                              weight="amount")
    return g


def _canon(nodes: list[int]) -> tuple[int, ...]:
    k = nodes.index(min(nodes))
    return tuple(nodes[k:] + nodes[:k])


def dealweb_loops(web, k: int, top: int, eps: float) -> Any:  # noqa: ANN001
    from dealweb.graph import loops

    t = time.perf_counter()
    res = loops(web, max_length=k, top=top)
    dt = time.perf_counter() - t
    return dt, [(_canon(list(lp.nodes)), lp.bottleneck) for lp in res.loops]


def baseline_loops(web, k: int, top: int, eps: float) -> Any:  # noqa: ANN001
    import networkx as nx

    t = time.perf_counter()
    g = _nx_graph(web)
    best: list[tuple[float, tuple[int, ...]]] = []
    for cyc in nx.simple_cycles(g, length_bound=k):
        bn = min(g[cyc[i]][cyc[(i + 1) % len(cyc)]]["amount"] for i in range(len(cyc)))
        if len(best) < top:
            heapq.heappush(best, (bn, _canon(cyc)))
        elif bn > best[0][0]:
            heapq.heapreplace(best, (bn, _canon(cyc)))
    dt = time.perf_counter() - t
    return dt, [(c, bn) for bn, c in sorted(best, reverse=True)]


def dealweb_trace(web, k: int, top: int, eps: float) -> Any:  # noqa: ANN001
    from dealweb.graph import origin_classes, origin_system, trace

    i = _target(web)
    t = time.perf_counter()
    system = origin_system(web)
    tr = trace(system, i)
    origin_classes(system)  # every entity's class mix as well
    dt = time.perf_counter() - t
    return dt, {web.index[x]: s for x, s in tr.origins}


def baseline_trace(web, k: int, top: int, eps: float) -> Any:  # noqa: ANN001
    i = _target(web)
    t = time.perf_counter()
    g = _nx_graph(web)
    inflow = {v: sum(d["amount"] for _, _, d in g.in_edges(v, data=True)) for v in g}
    outflow = {v: sum(d["amount"] for _, _, d in g.out_edges(v, data=True)) for v in g}
    own = {v: max(0.0, outflow[v] - inflow[v]) for v in g}
    result: dict[int, float] = {}
    stack = [(u, d["amount"] / inflow[i]) for u, _, d in g.in_edges(i, data=True)]
    while stack:
        v, mass = stack.pop()
        through = inflow[v] + own[v]
        if own[v] > 0:
            result[v] = result.get(v, 0.0) + mass * own[v] / through
        for u, _, d in g.in_edges(v, data=True):
            m = mass * d["amount"] / through
            if m >= eps:
                stack.append((u, m))
    dt = time.perf_counter() - t
    result[-1] = 1.0 - sum(result.values())  # the mass the truncated paths carried, not assigned
    return dt, result


TASKS = {("loops", "dealweb"): dealweb_loops, ("loops", "networkx"): baseline_loops,
         ("trace", "dealweb"): dealweb_trace, ("trace", "networkx"): baseline_trace}


def _child(q: mp.Queue, task: str, impl: str, m: int, k: int, top: int, eps: float) -> None:
    TASKS[(task, impl)](_web(200), k, top, 1e-4)  # warm up: imports and first-call costs off the clock
    web = _web(m)
    dt, out = TASKS[(task, impl)](web, k, top, eps)
    q.put((dt, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, out))


def run(task: str, impl: str, m: int, k: int, top: int, eps: float, cap: float) -> tuple[Any, ...] | None:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(q, task, impl, m, k, top, eps))
    p.start()
    # generating the web is outside the cap: allow it a generous head start
    deadline = time.monotonic() + cap + 30 + m / 50_000
    while time.monotonic() < deadline:
        try:
            res = q.get(timeout=0.5)
            p.join()
            return res
        except Exception:  # noqa: BLE001 - queue.Empty: keep waiting
            if not p.is_alive() and q.empty():
                return None
    p.terminate()
    p.join()
    return None


def _agree(task: str, a: Any, b: Any, eps: float) -> str:
    if task == "loops":
        # ties in bottleneck are common (loops sharing their smallest edge): compare the bottlenecks in
        # rank order, and the loops strictly above the last rank's bottleneck
        ba, bb = [x for _, x in a], [x for _, x in b]
        if len(ba) != len(bb) or any(abs(x - y) > 1e-9 * max(1.0, x) for x, y in zip(ba, bb, strict=True)):
            return "NO"
        cut = ba[-1] if ba else 0.0
        same = {c for c, x in a if x > cut} == {c for c, x in b if x > cut}
        return "yes" if same else "NO"
    # the baseline's truncated paths carried b[-1] of the inflow: each of its shares may fall short of the
    # exact one by at most that, and never exceed it
    lost = b.pop(-1)
    keys = set(a) | set(b)
    gaps = [a.get(x, 0.0) - b.get(x, 0.0) for x in keys]
    ok = all(-1e-9 <= g <= lost + 1e-9 for g in gaps)
    return "yes" if ok else f"NO ({max(map(abs, gaps)):.1e})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000, 1_000_000])
    ap.add_argument("--max-length", type=int, default=4)
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--eps", type=float, default=1e-7, help="baseline trace: drop paths below this share")
    ap.add_argument("--cap", type=float, default=60.0, help="seconds before the baseline is stopped")
    args = ap.parse_args()
    print(f"synthetic_web(seed={SEED}); loops: top {args.top}, at most {args.max_length} hops; "
          f"trace: entity with the largest inflow; baseline cap {args.cap:.0f} s")
    head = (f"{'edges':>9} {'task':<6} {'dealweb s':>10} {'dealweb MB':>11} {'networkx s':>24} "
            f"{'networkx MB':>12} {'speed-up':>9} {'agree':>6}")
    print(head)
    print("-" * len(head))
    for m in args.sizes:
        for task in ("loops", "trace"):
            ours = run(task, "dealweb", m, args.max_length, args.top, args.eps, cap=3600)
            base = run(task, "networkx", m, args.max_length, args.top, args.eps, cap=args.cap)
            o_t = f"{ours[0]:.3f}" if ours else "failed"
            o_m = f"{ours[1]:.0f}" if ours else "-"
            if base is None or base[0] > args.cap:
                b_t, b_m, sp, ag = f"did not finish in {args.cap:.0f} s", "-", "-", "-"
                if ours:
                    sp = f">{args.cap / max(ours[0], 1e-6):.0f}x"
            else:
                b_t, b_m = f"{base[0]:.3f}", f"{base[1]:.0f}"
                sp = f"{base[0] / max(ours[0], 1e-6):.0f}x" if ours else "-"
                ag = _agree(task, ours[2], base[2], args.eps) if ours else "-"
            print(f"{m:>9,} {task:<6} {o_t:>10} {o_m:>11} {b_t:>24} {b_m:>12} {sp:>9} {ag:>6}", flush=True)


if __name__ == "__main__":
    main()
