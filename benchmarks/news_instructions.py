"""Instructions (callgrind) of one pass of the rule extractor over the cached news: a load-independent speed figure.

CPU seconds move with the machine's load; instruction counts do not. Run under callgrind with collection off at the
start; the script warms up (imports, pattern compilation, the entity index), then switches collection on for one
pass of ``ingest_text`` over the corpus (as one text, or one article at a time) and off again:

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/dev/null \\
        python benchmarks/news_instructions.py --cache /work/cache/news/texts one     # or: art
    # "Collected : N" on valgrind's last lines is the pass's instruction count

The corpus is every cached text of the named splits, in the manifest's order, each checked against its sha256
(default: the six splits of session 4, 224 texts, 0.21 MB; BENCHMARKS.md, Session 5, "News throughput").
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    """Warm up, then one measured pass between ``callgrind_control -i on`` and ``-i off``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 epilog="example: valgrind --tool=callgrind --instr-atstart=no python "
                                        "benchmarks/news_instructions.py --cache ~/.cache/dealweb/news one")
    ap.add_argument("mode", choices=("one", "art"), help="the corpus as one text, or one article at a time")
    ap.add_argument("--cache", type=Path, required=True, help="folder of the cached texts (tools/news_cache.py)")
    ap.add_argument("--splits", default="dev,dev2,dev3,dev4,dev5,test", help="comma list of manifest splits")
    ap.add_argument("--scorer", default=None,
                    help="ingest_text's scorer: rules, learned or fallback (default: the extractor's default, "
                         "fallback since session 7)")
    args = ap.parse_args()
    from dealweb.extract.ingest import ingest_text
    from dealweb.extract.mentions import EntityIndex

    man = json.loads((ROOT / "benchmarks" / "news_corpus" / "manifest.json").read_text(encoding="utf-8"))
    splits = set(args.splits.split(","))
    texts = []
    for a in man["articles"]:
        p = args.cache / f"{a['id']}.txt"
        if a["split"] in splits and p.is_file() and hashlib.sha256(p.read_bytes()).hexdigest() == a["sha256"]:
            texts.append(p.read_text(encoding="utf-8"))
    if not texts:
        print(f"no cached texts of {args.splits} in {args.cache}: nothing measured")
        return 0
    joined = "\n\n".join(texts)
    index = EntityIndex()
    how = {"scorer": args.scorer} if args.scorer is not None else {}
    ingest_text(joined, index=index, **how)
    for t in texts:
        ingest_text(t, index=index, **how)
    print(f"{len(texts)} texts, {len(joined.encode()) / 1e6:.2f} MB, mode {args.mode}", flush=True)
    subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], capture_output=True, check=False)
    if args.mode == "one":
        ingest_text(joined, index=index, **how)
    else:
        for t in texts:
            ingest_text(t, index=index, **how)
    subprocess.run(["callgrind_control", "-i", "off", str(os.getpid())], capture_output=True, check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
