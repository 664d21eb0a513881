"""First clearing call in a fresh process: import time, first call, second call (issue 16).

Run:  python benchmarks/bench_first_call.py [--repeats 5]

Each measurement is a fresh interpreter (``python -c``): ``import dealweb.sim.clearing``, then ``clear``
twice on a random web of n entities (5 n obligations, outside assets a 5 % cushion, 5 % of entities
halved) and 100 runs. Kernels: "compiled ahead": the module of :mod:`dealweb.sim._aot`, built first into a
temporary folder (``DEALWEB_KERNEL_DIR``); "numba, its cache warm": ``DEALWEB_AOT=0``, numba's on-disk
cache already holds the kernel's machine code; "first ever": numba's cache folder is a new empty one
(``NUMBA_CACHE_DIR``), so the first call compiles. n = 30 is cleared by numpy (``method="auto"`` uses the
kernel above 64 entities), n = 1,000 by the kernel. Median of the repeats.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

CODE = r"""
import json, sys, time
t0 = time.perf_counter()
import numpy as np, scipy.sparse as sp
t1 = time.perf_counter()
from dealweb.sim.clearing import clear
t2 = time.perf_counter()
n = int(sys.argv[1]); rng = np.random.default_rng(0)
src, dst = rng.integers(0, n, 5 * n), rng.integers(0, n, 5 * n); k = src != dst
L = sp.csr_matrix((rng.exponential(1.0, k.sum()), (src[k], dst[k])), shape=(n, n))
owed = np.asarray(L.sum(1)).ravel(); inflow = np.asarray(L.sum(0)).ravel()
e = np.tile(np.maximum(0, owed - inflow) + 0.05 * owed, (100, 1))
e[:, : n // 20] *= 0.5
t3 = time.perf_counter(); r = clear(L, e); t4 = time.perf_counter(); clear(L, e); t5 = time.perf_counter()
print(json.dumps({"import": t2 - t1, "first": t4 - t3, "second": t5 - t4, "method": r.method,
                  "numba_loaded": "numba" in sys.modules}))
"""


def once(n: int, env: dict[str, str]) -> dict:
    out = subprocess.run([sys.executable, "-c", CODE, str(n)], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"{'entities':>8} {'kernel':>34} {'method':>18} {'import s':>9} {'first s':>8} {'second s':>9} "
          "numba loaded")
    with tempfile.TemporaryDirectory() as kernels:
        aot = {**os.environ, "DEALWEB_KERNEL_DIR": kernels}
        subprocess.run([sys.executable, "-m", "dealweb.sim._aot"], env=aot, check=True, capture_output=True)
        numba_only = {**os.environ, "DEALWEB_AOT": "0"}
        for n in (30, 1_000):
            cases = [("compiled ahead (dealweb.sim._aot)", aot, args.repeats),
                     ("numba, its cache warm", numba_only, args.repeats)]
            if n > 64:
                cases.append(("numba, first ever (empty cache)", None, max(1, args.repeats // 2)))
            once(n, numba_only)  # make sure numba's own cache is warm
            for label, env, repeats in cases:
                rows = []
                for _ in range(repeats):
                    if env is None:
                        with tempfile.TemporaryDirectory() as tmp:
                            rows.append(once(n, {**numba_only, "NUMBA_CACHE_DIR": tmp}))
                    else:
                        rows.append(once(n, env))
                med = {k: statistics.median(r[k] for r in rows) for k in ("import", "first", "second")}
                print(f"{n:>8,} {label:>34} {rows[0]['method']:>18} {med['import']:>9.3f} {med['first']:>8.3f} "
                      f"{med['second']:>9.4f} {rows[0]['numba_loaded']}", flush=True)
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
