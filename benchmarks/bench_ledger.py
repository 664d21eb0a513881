"""Ledger loading: dealweb's validating load beside the bare YAML parse it is built on.

Baselines: ruamel.yaml round-trip parse of the same files (what any tool keeping line numbers and comments
pays), and ruamel.yaml's safe (pure) parse (no positions, no comments). dealweb adds the model records,
every validation, the conflicts and the USD conversion on top, then caches by content hash.

Synthetic ledgers: N deals between 200 entities, amounts drawn with an explicit numpy Generator (seed
recorded below), three claims per deal against one document text, spans exact.

Run: /work/venv/bin/python benchmarks/bench_ledger.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
from ruamel.yaml import YAML

from dealweb.ledger import ledger_to_dict, load_ledger

SEED = 20251001
SIZES = (100, 1000, 3000)


def make_ledger(root: Path, n_deals: int, rng: np.random.Generator) -> None:
    """Write a ledger of ``n_deals`` deals with exact quotes and spans into ``root``."""
    root.mkdir(parents=True)
    sentences, spans = [], []
    pos = 0
    amounts = rng.integers(1, 5000, size=n_deals)
    for i, a in enumerate(amounts):
        s = f"第{i}筆交易價值{a}億美元。"
        q = f"價值{a}億美元"
        start = pos + s.index(q)
        spans.append((q, start, start + len(q)))
        sentences.append(s)
        pos += len(s)
    (root / "doc.txt").write_text("".join(sentences), encoding="utf-8")
    ents = ["entities:"] + [f"  - {{id: e{i}, names: {{en: E{i}}}}}" for i in range(200)]
    head = ["ledger: {name: bench, documents_dirs: [.]}", *ents, "documents:",
            "  - {id: d, title: bench, date: 2025-10-01, file: doc.txt}"]
    (root / "head.yaml").write_text("\n".join(head) + "\n", encoding="utf-8")
    pairs = rng.integers(0, 200, size=(n_deals, 2))
    lines = ["deals:"]
    for i, (a, (p, r)) in enumerate(zip(amounts, pairs, strict=True)):
        r = (p + 1 + r % 199) % 200  # never the payer itself
        q, s, e = spans[i]
        lines += [f"  - id: deal-{i}", "    type: compute_contract", f"    from: e{p}", f"    to: e{r}",
                  f"    amount: {a}億美元", "    announced: 2025-09-10", "    claims:"]
        lines += [f"      - {{document: d, stated: {a}億美元, quote: {q}, start: {s}, end: {e}}}"] * 3
    (root / "deals.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def best_of(fn, repeat: int = 3) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(SEED)
    print(f"seed {SEED}; best of 3 runs; seconds unless marked")
    print(f"{'deals':>6} {'KiB':>6} | {'ruamel safe':>11} {'ruamel rt':>10} | {'dealweb load':>12} "
          f"{'x rt':>5} {'cached (ms)':>11} {'export (s)':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            root = Path(tmp) / f"l{n}"
            make_ledger(root, n, rng)
            files = sorted(root.glob("*.yaml"))
            size = sum(f.stat().st_size for f in files) / 1024
            texts = [f.read_text(encoding="utf-8") for f in files]
            safe, rt = YAML(typ="safe", pure=True), YAML(typ="rt")
            t_safe = best_of(lambda: [safe.load(t) for t in texts])  # noqa: B023
            t_rt = best_of(lambda: [rt.load(t) for t in texts])  # noqa: B023
            result = load_ledger(root, cache=False)
            assert result.errors == [], result.errors[:3]
            assert len(result.ledger.deals) == n
            t_dw = best_of(lambda: load_ledger(root, cache=False))  # noqa: B023
            load_ledger(root)
            t_cached = best_of(lambda: load_ledger(root))  # noqa: B023
            t_export = best_of(lambda: ledger_to_dict(result.ledger))  # noqa: B023
            print(f"{n:>6} {size:>6.0f} | {t_safe:>11.3f} {t_rt:>10.3f} | {t_dw:>12.3f} {t_dw / t_rt:>5.2f} "
                  f"{t_cached * 1000:>11.1f} {t_export:>10.3f}")


if __name__ == "__main__":
    main()
