"""Scale benchmarks of issue 16: ledger loads, the circulating share, parallel ingest; baselines in the same run.

Run (each part alone; sizes as given):
    python benchmarks/bench_scale.py ledger 10000 100000
    python benchmarks/bench_scale.py ledger 200000 500000 --no-baseline   # memory and time without libyaml
    python benchmarks/bench_scale.py circulation 10000 100000 1000000 [--lp-up-to 100000]
    python benchmarks/bench_scale.py ingest 200

ledger: a synthetic ledger of N deals (200 entities, one document, three claims per deal with exact quotes
and spans; files of at most 10,000 deals; numpy seed 20251001). Baseline: ``yaml.load(text,
Loader=yaml.CSafeLoader)`` (PyYAML's libyaml binding) over the same files, in the same process. dealweb
cold: ``load_ledger`` with an empty on-disk cache (fast reader, validation, conflicts, USD conversion, and
writing the cache); warm: a second process loading the same unchanged folder from the cache. Every load
runs in a fresh process, timed from after its imports; wall and CPU seconds (the machine is shared: CPU
time is the steadier measure) and the process's peak resident memory (ru_maxrss).

circulation: ``circulation(web)`` (minimum-cost flow) against ``circulation(web, method="lp")`` (HiGHS)
on ``synthetic_web(m, seed=1)``, each in a fresh process; the LP only up to ``--lp-up-to`` edges.

ingest: the seed articles cut into paragraphs and written as N files; ``dealweb.extract.batch.ingest_files``
with one process, with every core (a process pool) and on a dask LocalCluster of every core; the claims
must be equal.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SEED = 20251001
PER_FILE = 10_000


def make_ledger(root: Path, n_deals: int, rng: np.random.Generator) -> None:
    """``n_deals`` deals in files of at most 10,000, with exact quotes and spans into one document."""
    root.mkdir(parents=True)
    parts, pos = [], 0
    amounts = rng.integers(1, 5000, size=n_deals)
    spans = []
    for i, a in enumerate(amounts):
        s = f"第{i}筆交易價值{a}億美元。"
        q = f"價值{a}億美元"
        start = pos + s.index(q)
        spans.append((q, start, start + len(q)))
        parts.append(s)
        pos += len(s)
    (root / "doc.txt").write_text("".join(parts), encoding="utf-8")
    ents = ["entities:"] + [f"  - {{id: e{i}, names: {{en: E{i}}}}}" for i in range(200)]
    head = ["ledger: {name: bench, documents_dirs: [.]}", *ents, "documents:",
            "  - {id: d, title: bench, date: 2025-10-01, file: doc.txt}"]
    (root / "head.yaml").write_text("\n".join(head) + "\n", encoding="utf-8")
    pairs = rng.integers(0, 200, size=(n_deals, 2))
    for f0 in range(0, n_deals, PER_FILE):
        lines = ["deals:"]
        for i in range(f0, min(n_deals, f0 + PER_FILE)):
            p, r = pairs[i]
            r = (p + 1 + r % 199) % 200
            q, s, e = spans[i]
            a = amounts[i]
            lines += [f"  - id: deal-{i}", "    type: compute_contract", f"    from: e{p}", f"    to: e{r}",
                      f"    amount: {a}億美元", "    announced: 2025-09-10", "    claims:"]
            lines += [f"      - {{document: d, stated: {a}億美元, quote: {q}, start: {s}, end: {e}}}"] * 3
        (root / f"deals-{f0 // PER_FILE:04d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _in_fresh_process(code: str, env: dict[str, str] | None = None) -> dict:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, **(env or {})})
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


_TIMED = """
import json, resource, sys, time
{setup}
t0, c0 = time.perf_counter(), time.process_time()
{body}
print(json.dumps({{"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **extra}}))
"""


def bench_ledger(sizes: list[int], baseline: bool = True) -> None:
    print(f"{'deals':>9} {'MB':>6} | {'libyaml CSafeLoader':>26} | {'dealweb cold (+cache write)':>30} | "
          f"{'dealweb warm (cache)':>26} | {'cold/libyaml':>12} {'warm/libyaml':>12}")
    print(f"{'':>9} {'':>6} | {'wall s  cpu s  peak MB':>26} | {'wall s  cpu s  peak MB':>30} | "
          f"{'wall s  cpu s  peak MB':>26} | {'(cpu)':>12} {'(cpu)':>12}")
    for n in sizes:
        tmp = Path(tempfile.mkdtemp(prefix=f"dealweb-bench-{n}-"))
        try:
            root = tmp / "ledger"
            make_ledger(root, n, np.random.default_rng(SEED))
            mb = sum(p.stat().st_size for p in root.glob("*.yaml")) / 2**20
            base = _in_fresh_process(_TIMED.format(setup="import yaml, pathlib", body=(
                f"files = sorted(pathlib.Path({str(root)!r}).glob('*.yaml'))\n"
                "for f in files:\n    yaml.load(f.read_text(encoding='utf-8'), Loader=yaml.CSafeLoader)\n"
                "extra = {}"))) if baseline else {"wall": math.nan, "cpu": math.nan, "rss_mb": math.nan}
            env = {"DEALWEB_CACHE_DIR": str(tmp / "cache")}
            load = (f"r = load_ledger({str(root)!r})\n"
                    "extra = {'deals': len(r.ledger.deals), 'errors': len(r.errors)}")
            setup = "from dealweb.ledger import load_ledger"
            cold = _in_fresh_process(_TIMED.format(setup=setup, body=load), env)
            warm = _in_fresh_process(_TIMED.format(setup=setup, body=load), env)
            assert cold["deals"] == warm["deals"] == n and cold["errors"] == warm["errors"] == 0
            print(f"{n:>9,} {mb:>6.1f} | {base['wall']:>6.1f} {base['cpu']:>6.1f} {base['rss_mb']:>8.0f} | "
                  f"{cold['wall']:>10.1f} {cold['cpu']:>6.1f} {cold['rss_mb']:>8.0f} | "
                  f"{warm['wall']:>6.1f} {warm['cpu']:>6.1f} {warm['rss_mb']:>8.0f} | "
                  f"{cold['cpu'] / base['cpu']:>12.2f} {warm['cpu'] / base['cpu']:>12.2f}", flush=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def bench_circulation(sizes: list[int], lp_up_to: int) -> None:
    print(f"{'edges':>10} | {'min-cost flow: wall s':>21} {'cpu s':>6} {'peak MB':>8} | "
          f"{'LP (HiGHS): wall s':>18} {'cpu s':>6} {'peak MB':>8} | {'share':>8} {'rel. diff':>9}")
    for m in sizes:
        def code(method: str, m: int = m) -> str:
            return ("import json, resource, time\n"
                    "from dealweb.graph import synthetic_web\nfrom dealweb.graph.loops import circulation\n"
                    f"w = synthetic_web({m}, seed=1)\n"
                    f"circulation(synthetic_web(200, seed=2), method={method!r})\n"  # compile / warm up
                    f"t, c0 = time.perf_counter(), time.process_time()\nc = circulation(w, method={method!r})\n"
                    "print(json.dumps({'s': time.perf_counter() - t, 'cpu': time.process_time() - c0, "
                    "'circ': c.circulating, 'share': c.share, "
                    "'mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))")

        net = _in_fresh_process(code("network"))
        if m <= lp_up_to:
            lp = _in_fresh_process(code("lp"))
            lp_txt = f"{lp['s']:>18.2f} {lp['cpu']:>6.2f} {lp['mb']:>8.0f}"
            diff = f"{abs(net['circ'] - lp['circ']) / lp['circ']:>9.1e}"
        else:
            lp_txt, diff = f"{'not run':>18} {'':>6} {'':>8}", f"{'-':>9}"
        print(f"{m:>10,} | {net['s']:>21.2f} {net['cpu']:>6.2f} {net['mb']:>8.0f} | {lp_txt} | {net['share']:>8.4f} "
              f"{diff}", flush=True)


def bench_ingest(n_files: int) -> None:
    from dealweb.data import bundled_ledgers
    from dealweb.distributed import cores
    from dealweb.extract.batch import article_files, ingest_files
    from dealweb.ledger import load_ledger

    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if not seeds.is_dir():
        seeds = Path("/work/shared/seeds")
    text = next(seeds.glob("*.txt")).read_text(encoding="utf-8")
    blocks = [b for b in text.split("\n\n") if b.strip()]
    ledger = load_ledger(bundled_ledgers()["ai-capex-2025"]).ledger
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(n_files):
            Path(tmp, f"a{k:05d}.txt").write_text(blocks[k % len(blocks)], encoding="utf-8")
        files = article_files([tmp])
        mb = sum(Path(f).stat().st_size for f in files) / 2**20
        rows = []
        load_before = os.getloadavg()
        t, c = time.perf_counter(), time.process_time()
        serial = ingest_files(files, ledger, jobs=1)
        rows.append(("one process", time.perf_counter() - t, True, time.process_time() - c))
        t, c = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        pool = ingest_files(files, ledger, jobs=cores())
        c2 = resource.getrusage(resource.RUSAGE_CHILDREN)
        rows.append((f"{cores()} processes", time.perf_counter() - t, pool == serial,
                     c2.ru_utime + c2.ru_stime - c.ru_utime - c.ru_stime))
        from distributed import LocalCluster

        with LocalCluster(n_workers=cores(), threads_per_worker=1, dashboard_address=None) as cl:
            t = time.perf_counter()
            on_dask = ingest_files(files, ledger, engine="dask", address=cl.scheduler_address)
            rows.append((f"dask LocalCluster ({cores()} workers)", time.perf_counter() - t, on_dask == serial,
                         float("nan")))
    load_after = os.getloadavg()
    print(f"{n_files} files, {mb:.2f} MB, {len(serial[0])} claims; load average (1, 5, 15 min) before "
          f"{load_before[0]:.1f} {load_before[1]:.1f} {load_before[2]:.1f}, after {load_after[0]:.1f} "
          f"{load_after[1]:.1f} {load_after[2]:.1f} on {os.cpu_count()} cores")
    print(f"{'engine':>32} {'wall s':>8} {'cpu s':>7} {'MB/s':>6} {'speed-up':>9} {'same claims':>12}")
    for name, s, same, cpu in rows:
        print(f"{name:>32} {s:>8.2f} {cpu:>7.2f} {mb / s:>6.2f} {rows[0][1] / s:>8.2f}x {str(same):>12}")
    print("cpu s: this process's for one process, the workers' for the pool (dask's workers not counted)")
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("part", choices=["ledger", "circulation", "ingest"])
    ap.add_argument("sizes", nargs="+", type=int)
    ap.add_argument("--lp-up-to", type=int, default=100_000)
    ap.add_argument("--no-baseline", action="store_true", help="ledger: skip the libyaml run (memory checks)")
    args = ap.parse_args()
    if args.part == "ledger":
        bench_ledger(args.sizes, baseline=not args.no_baseline)
    elif args.part == "circulation":
        bench_circulation(args.sizes, args.lp_up_to)
    else:
        bench_ingest(args.sizes[0])


if __name__ == "__main__":
    main()
