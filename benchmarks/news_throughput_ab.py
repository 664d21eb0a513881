"""Reading speed of two builds side by side: alternating runs of the news throughput, medians per build.

One machine's CPU-seconds move with its load and from minute to minute; alternating the two builds (A B, B A, ...)
puts both under the same conditions. Each run is ``bench_news_quality.py --split dev3 --mb MB --scorer rules
--json`` in a fresh process with ``PYTHONPATH`` set to the build (a folder made by ``pip install --no-deps
--target BUILD .``), and reads its ``throughput`` (MB of UTF-8 text per CPU-second on one core, as one text and
article by article):

    python benchmarks/news_throughput_ab.py /tmp/start-build /tmp/end-build --cache ~/.cache/dealweb/news --reps 7

Prints one line per run, then a table: median (range) per build and mode. ``--json`` prints the runs and medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one_run(build: Path, cache: Path, mb: float, manifest: Path | None = None) -> dict[str, float]:
    """One throughput run of ``build`` in a fresh process: its ``throughput`` dict."""
    env = dict(os.environ, PYTHONPATH=str(build))
    extra = ["--manifest", str(manifest)] if manifest is not None else []
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_news_quality.py"), "--cache", str(cache),
                          "--split", "dev3", "--mb", str(mb), "--scorer", "rules", "--json", *extra],
                         env=env, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"{build}: the benchmark failed (exit {out.returncode}): {out.stderr.strip()[-300:]}")
    return json.loads(out.stdout)["throughput"]


def main(argv: list[str] | None = None) -> int:
    """Alternate the two builds ``--reps`` times each; print the runs and the medians."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 epilog="example: python benchmarks/news_throughput_ab.py /tmp/a /tmp/b --reps 7",
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("a", type=Path, help="the baseline build (a folder to put on PYTHONPATH)")
    ap.add_argument("b", type=Path, help="the build to compare")
    ap.add_argument("--cache", type=Path, required=True, help="folder of the cached news texts")
    ap.add_argument("--reps", type=int, default=7, help="runs per build (default 7)")
    ap.add_argument("--mb", type=float, default=3.0, help="size of the throughput corpus in MB (default 3)")
    ap.add_argument("--manifest", type=Path, default=None, help="the corpus manifest (default: the repository's)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    for p in (args.a, args.b, args.cache):
        if not p.is_dir():
            ap.error(f"{p}: not a folder")
    runs: dict[str, list[dict[str, float]]] = {"a": [], "b": []}
    for r in range(args.reps):
        for key in ("a", "b") if r % 2 == 0 else ("b", "a"):
            t = one_run(getattr(args, key), args.cache, args.mb, args.manifest)
            runs[key].append(t)
            if not args.json:
                print(f"{time.strftime('%H:%M:%S')} {key} {t['mb_per_cpu_s']:.3f} {t['mb_per_cpu_s_per_article']:.3f} "
                      f"MB/CPU-s ({t['mb']} MB, load {os.getloadavg()[0]:.2f})", flush=True)
    medians = {k: {m: statistics.median(x[m] for x in v) for m in ("mb_per_cpu_s", "mb_per_cpu_s_per_article")}
               for k, v in runs.items()}
    if args.json:
        print(json.dumps({"runs": runs, "medians": medians}, indent=1, sort_keys=True))
        return 0
    print(f"\n{'build':40} {'one text: median (range)':>28} {'by article: median (range)':>28}")
    for key in ("a", "b"):
        one = [x["mb_per_cpu_s"] for x in runs[key]]
        art = [x["mb_per_cpu_s_per_article"] for x in runs[key]]
        name = str(getattr(args, key))[-40:]
        print(f"{name:40} {medians[key]['mb_per_cpu_s']:>10.3f} ({min(one):.3f}-{max(one):.3f})"
              f"      {medians[key]['mb_per_cpu_s_per_article']:>10.3f} ({min(art):.3f}-{max(art):.3f})  MB/CPU-s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
