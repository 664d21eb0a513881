"""Clearing speed: dealweb's batched fictitious-default engine against one-run-at-a-time sparse Picard.

Run:  python benchmarks/bench_clearing.py            (full: 10^4 runs at 10^2, 10^3, 10^4 entities)
      python benchmarks/bench_clearing.py --quick    (smaller, for a smoke check)
      python benchmarks/bench_clearing.py --no-multi --up-to 1000   (the 10^2 and 10^3 rows only)

Networks: n entities, m = 5 n obligations between random distinct pairs (mean out-degree 5), amounts
exponential(1); every entity also owes an outside creditor exponential(1). External assets give each
entity a 5 % cushion over what it owes net of what it is owed; each run then hits a random 5 % of the
entities with a uniform(0, 1) haircut on their external assets.

Baseline: Picard iteration p <- min(p̄, max(0, e + Πᵀ p)) with a scipy.sparse CSR matrix, one run at a
time, from p = p̄ until no payment changes by more than 1e-12 (relative to the largest p̄). It is timed on a
subset of runs and its per-run time extrapolated to all runs (said so in the table).

NEVA (the reference code of Barucca et al.) is not on PyPI and cannot be installed here; not measured.

Times are the best of 3 repetitions at 10^2 and 10^3 entities (baseline and engines alike), of 1 at 10^4.

Engines: ``method="fictitious_default"`` (numpy, exact linear steps, one process) and
``method="worklist"`` (numba, both cores); "diff" is the largest difference from the baseline over the
timed runs, relative to the largest p̄. Memory is the peak traced by tracemalloc during the engine's run.

"Fraction of one SpMM": the time of one sparse product (runs x n dense) @ (n x n sparse Π) — the work of a
single Picard sweep over all runs — divided by the batched engine's time for the whole clearing; i.e. the
batched engine's multiply-add rate measured in "Picard-sweep equivalents", as a fraction of what one such
product reaches on this machine.

The multi-period row runs 40 quarters of clearing with unpaid amounts carried into the next quarter's
liabilities (per-run liabilities), 10^4 runs x 10^3 entities, in chunks of runs.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

import numpy as np
import scipy.sparse as sp

from dealweb.sim.clearing import LiabilityEdges, clear


def network(n: int, seed: int = 0) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """(liabilities, outside liabilities, base external assets) for a random sparse web."""
    rng = np.random.default_rng(seed)
    m = 5 * n
    src = rng.integers(0, n, m)
    dst = rng.integers(0, n, m)
    keep = src != dst
    L = sp.csr_matrix((rng.exponential(1.0, keep.sum()), (src[keep], dst[keep])), shape=(n, n))
    o = rng.exponential(1.0, n)
    owed = np.asarray(L.sum(1)).ravel() + o
    inflow = np.asarray(L.sum(0)).ravel()
    e = np.maximum(0.0, owed - inflow) + 0.05 * owed
    return L, o, e


def shocked(e: np.ndarray, runs: int, seed: int) -> np.ndarray:
    """External assets per run: a random 5 % of entities lose a uniform(0, 1) share."""
    rng = np.random.default_rng(seed)
    out = np.tile(e, (runs, 1))
    hit = rng.random(out.shape) < 0.05
    out[hit] *= rng.random(int(hit.sum()))
    return out


def picard_one(pit: sp.csr_matrix, owed: np.ndarray, e: np.ndarray, tol: float) -> tuple[np.ndarray, int]:
    """The baseline: p <- min(p̄, max(0, e + Πᵀ p)) from p̄ until changes are below tol."""
    p = owed.copy()
    for it in range(1, 100_000):
        new = np.minimum(owed, np.maximum(0.0, e + pit @ p))
        if np.max(np.abs(new - p)) <= tol:
            return new, it
        p = new
    return p, it


def _engine(L: sp.csr_matrix, o: np.ndarray, E: np.ndarray, chunk: int, method: str,
            keep: int, repeats: int) -> tuple[float, float, np.ndarray, int]:
    """(best seconds of ``repeats``, peak MB, payments of the first ``keep`` runs, largest step count)."""
    clear(L, E[:2], outside_liabilities=o, method=method)  # compile / warm up outside the timing
    best = float("inf")
    for rep in range(repeats):
        if rep == 0:
            tracemalloc.start()
        t0 = time.perf_counter()
        first = None
        steps = 0
        for a in range(0, E.shape[0], chunk):
            res = clear(L, E[a:a + chunk], outside_liabilities=o, method=method)
            steps = max(steps, int(res.iterations.max()))
            if first is None:
                first = res.payments[:keep].copy()
        best = min(best, time.perf_counter() - t0)
        if rep == 0:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    return best, peak / 2**20, first, steps


def bench_size(n: int, runs: int, base_runs: int, chunk: int) -> dict[str, float]:
    L, o, e = network(n, seed=n)
    E = shocked(e, runs, seed=n + 1)
    owed = np.asarray(L.sum(1)).ravel() + o
    pit = sp.csr_matrix((sp.diags(1.0 / owed) @ L).T)
    tol = 1e-12 * owed.max()
    # baseline, one run at a time, on a subset; best of `repeats` like the engines
    repeats = 3 if n <= 1_000 else 1
    t_base = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        base = []
        iters = []
        for r in range(base_runs):
            p, it = picard_one(pit, owed, E[r], tol)
            base.append(p)
            iters.append(it)
        t_base = min(t_base, (time.perf_counter() - t0) / base_runs)
    base_arr = np.array(base)
    t_fd, mb_fd, p_fd, steps_fd = _engine(L, o, E, chunk, "fictitious_default", base_runs, repeats)
    t_wl, mb_wl, p_wl, _ = _engine(L, o, E, chunk, "worklist", base_runs, repeats)
    defaults = float((clear(L, E[:base_runs], outside_liabilities=o).defaulted).sum()) / base_runs
    # one sparse product of the same shape (a single Picard sweep over a chunk), scaled to all runs
    pi = sp.csr_matrix(sp.diags(1.0 / owed) @ L)
    block = E[:chunk]
    t0 = time.perf_counter()
    reps = 3
    for _ in range(reps):
        block @ pi
    t_spmm = (time.perf_counter() - t0) / reps * (runs / chunk)
    return {
        "n": n, "runs": runs, "nnz": L.nnz, "baseline_ms_per_run": 1e3 * t_base,
        "baseline_runs_timed": base_runs, "baseline_iters_mean": float(np.mean(iters)),
        "baseline_total_s_extrapolated": t_base * runs,
        "fd_s": t_fd, "fd_speedup": t_base * runs / t_fd, "fd_mb": mb_fd, "fd_steps": steps_fd,
        "fd_diff": float(np.max(np.abs(p_fd - base_arr)) / owed.max()),
        "wl_s": t_wl, "wl_speedup": t_base * runs / t_wl, "wl_mb": mb_wl,
        "wl_diff": float(np.max(np.abs(p_wl - base_arr)) / owed.max()),
        "defaults_per_run": defaults, "spmm_s": t_spmm,
        "fd_fraction": t_spmm / t_fd, "wl_fraction": t_spmm / t_wl,
    }


def multi_period(n: int, runs: int, quarters: int, chunk: int) -> dict[str, float]:
    """40 quarters: each quarter's obligations plus last quarter's unpaid amounts, cleared per run."""
    L, o, e = network(n, seed=7)
    coo = L.tocoo()
    payer, payee, amount = coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data
    by_payer = sp.csc_matrix((np.ones(amount.size), (np.arange(amount.size), payer)), shape=(amount.size, n))
    t0 = time.perf_counter()
    total_defaults = 0.0
    tracemalloc.start()
    for a in range(0, runs, chunk):
        b = min(runs, a + chunk)
        arrears = np.zeros((b - a, amount.size))
        out_arrears = np.zeros((b - a, n))
        for q in range(quarters):
            due = amount[None, :] + arrears
            E = shocked(e, b - a, seed=1000 * q + a)
            res = clear(LiabilityEdges(n, payer, payee, due), E, outside_liabilities=o + out_arrears)
            inside_owed = np.asarray(due @ by_payer)
            frac = np.divide(res.inside_payments, inside_owed, out=np.ones_like(inside_owed),
                             where=inside_owed > 0)
            arrears = np.maximum(0.0, due * (1.0 - np.clip(frac, 0, 1)[:, payer]))
            out_arrears = np.maximum(0.0, (o + out_arrears) - res.outside_paid)
            total_defaults += float(res.defaulted.sum())
    t = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"n": n, "runs": runs, "quarters": quarters, "seconds": t, "peak_mb": peak / 2**20,
            "defaults_per_run_quarter": total_defaults / runs / quarters}


def full_simulation(n: int, runs: int, quarters: int, chunk: int) -> dict[str, float]:
    """The whole Monte Carlo (schedules, funding, clearing, cuts, feedback) on a synthetic ledger."""
    from datetime import date

    from dealweb.model import Deal, Entity, Ledger, Status
    from dealweb.money import Amount, Qualifier
    from dealweb.sim import build_model, parse_scenario, run_model

    rng = np.random.default_rng(11)
    ids = [f"e{i:05d}" for i in range(n)]
    deals = {}
    for k in range(5 * n):
        i, j = rng.choice(n, 2, replace=False)
        lo = float(rng.exponential(4e9))
        deals[f"d{k:06d}"] = Deal(f"d{k:06d}", "compute_contract", ids[i], ids[j],
                                  amount=Amount(lo, 1.5 * lo, Qualifier.RANGE, "USD"),
                                  term_start=date(2026 + int(rng.integers(0, 2)), 1 + 3 * int(rng.integers(0, 4)), 1),
                                  term_years=float(rng.integers(1, 6)), status=Status.SIGNED)
    ledger = Ledger("synthetic", entities={e: Entity(e, {"en": e}) for e in ids}, deals=deals)
    ents = "\n".join(f"  {e}: {{cash: {{uniform: [1.0e9, 5.0e9]}}, revenue: {{uniform: [5.0e9, 2.0e10]}}, "
                     f"growth: {{uniform: [0.0, 0.3]}}, opex_ratio: 0.6, capacity: {{uniform: [0, 1.0e10]}}}}"
                     for e in ids)
    text = (f"scenario: {{name: synthetic, start: 2026-01-01, quarters: {quarters}, runs: {runs}, seed: 1}}\n"
            f"entities:\n{ents}\n")
    model = build_model(parse_scenario(text), ledger)
    t0 = time.perf_counter()
    res = run_model(model, runs, chunk_size=chunk)
    t = time.perf_counter() - t0
    return {"n": n, "runs": runs, "quarters": quarters, "seconds": t, "lines": len(model.lines),
            "default_share": float((res.first_default >= 0).mean())}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sim-runs", type=int, default=0, help="also time the full Monte Carlo with this many runs")
    ap.add_argument("--no-multi", action="store_true", help="skip the multi-period row (minutes on a loaded machine)")
    ap.add_argument("--up-to", type=int, default=10_000, help="largest web (entities) of the table")
    args = ap.parse_args()
    sizes = [(100, 10_000, 2_000, 10_000), (1_000, 10_000, 300, 2_500), (10_000, 10_000, 30, 500)]
    if args.quick:
        sizes = [(100, 2_000, 200, 2_000), (1_000, 1_000, 50, 1_000)]
    rows = [bench_size(*s) for s in sizes if s[0] <= args.up_to]
    print("| entities | runs | baseline: sparse Picard, one run at a time | fictitious default (numpy, batched) | "
          "work list (numba, batched, 2 threads) | defaults/run | one SpMM | fraction of one SpMM (FD / WL) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['n']:,} | {r['runs']:,} | {r['baseline_ms_per_run']:.3f} ms/run x {r['runs']:,} = "
              f"{r['baseline_total_s_extrapolated']:.1f} s (timed on {r['baseline_runs_timed']} runs, "
              f"{r['baseline_iters_mean']:.1f} sweeps) | {r['fd_s']:.2f} s, **{r['fd_speedup']:.1f}x**, "
              f"{r['fd_steps']} steps, {r['fd_mb']:.0f} MB, diff {r['fd_diff']:.0e} | "
              f"{r['wl_s']:.2f} s, **{r['wl_speedup']:.1f}x**, {r['wl_mb']:.0f} MB, diff {r['wl_diff']:.0e} | "
              f"{r['defaults_per_run']:.1f} | {r['spmm_s']:.2f} s | {r['fd_fraction']:.2f} / {r['wl_fraction']:.2f} |")
    if args.no_multi:
        mp = None
    elif not args.quick:
        mp = multi_period(1_000, 10_000, 40, 1_000)
    else:
        mp = multi_period(1_000, 500, 8, 500)
    print()
    if mp is not None:
        print(f"multi-period: {mp['runs']:,} runs x {mp['n']:,} entities x {mp['quarters']} quarters: "
              f"{mp['seconds']:.1f} s, peak traced memory {mp['peak_mb']:.0f} MB, "
              f"{mp['defaults_per_run_quarter']:.1f} defaults per run-quarter")
    if args.sim_runs:
        fs = full_simulation(1_000, args.sim_runs, 40, 100)
        print(f"full Monte Carlo (synthetic ledger, {fs['lines']:,} contract lines): {fs['runs']:,} runs x "
              f"{fs['n']:,} entities x {fs['quarters']} quarters: {fs['seconds']:.1f} s "
              f"({fs['default_share']:.2f} of entity-runs default)")
    print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
