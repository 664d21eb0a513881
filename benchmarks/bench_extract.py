"""Throughput of extraction (MB of UTF-8 text per second, one core), dealweb beside naive baselines.

Corpora: the eight seed articles (shared/seeds) repeated to about --mb megabytes; the same text as one line;
--mb megabytes of filler characters on one line followed by the eight articles. Rows:

* entity mentions: dealweb's trie-shaped regex over the folded text, against a naive scan that calls
  ``str.find`` once per alias over the whole text (the same names, the same folded text);
* amounts: dealweb's scan of the sentences that hold a digit, against ``money.find_amounts`` over the
  whole text (the same parser: the gain is on text with few figures, such as a junk-filled line);
* the whole rule pipeline (normalise, mentions, relations, claims), which has no baseline of its own.

Run: python benchmarks/bench_extract.py [--mb 5]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from dealweb.extract.ingest import ingest_text
from dealweb.extract.mentions import EntityIndex, find_amount_mentions
from dealweb.extract.normalise import normalise
from dealweb.money import find_amounts

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_b5ebf8e3e65fdf02.txt"


def naive_entities(folded: str, names: list[str]) -> int:
    """Count name occurrences with one ``str.find`` loop per name (no longest-match resolution)."""
    n = 0
    for name in names:
        i = folded.find(name)
        while i >= 0:
            n += 1
            i = folded.find(name, i + len(name))
    return n


def timed(fn, *args) -> tuple[float, object]:  # noqa: ANN001
    t0 = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t0, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=5.0)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    seed = SEEDS.read_text(encoding="utf-8")
    reps = max(1, int(args.mb * 1e6 / len(seed.encode())))
    filler = "甲乙丙丁的了是在" * int(args.mb * 1e6 / 24)
    corpora = {"articles (lines)": seed * reps, "one line": seed.replace("\n", "。") * reps,
               "filler + 8 articles": filler + seed.replace("\n", "。")}
    index = EntityIndex()
    names = sorted(index.names, key=len, reverse=True)
    print(f"{'corpus':18} {'task':22} {'MB':>6} {'dealweb MB/s':>13} {'baseline MB/s':>14} {'speed-up':>9}  note")
    for cname, text in corpora.items():
        mb = len(text.encode()) / 1e6
        norm = normalise(text)
        t_ours, ours = timed(index.find, norm)
        t_base, base = timed(naive_entities, norm.folded, names)
        print(f"{cname:18} {'entity mentions':22} {mb:6.1f} {mb / t_ours:13.2f} {mb / t_base:14.2f} "
              f"{t_base / t_ours:8.1f}x  {len(ours)} found vs {base} raw hits ({len(names)} names)")
        t_ours, ours = timed(find_amount_mentions, norm)
        t_base, base = timed(lambda t: list(find_amounts(t)), norm.text)
        print(f"{cname:18} {'amounts':22} {mb:6.1f} {mb / t_ours:13.2f} {mb / t_base:14.2f} "
              f"{t_base / t_ours:8.1f}x  {len(ours)} vs {len(base)} amounts")
        t_ours, claims = timed(lambda t: ingest_text(t, index=index), text)
        print(f"{cname:18} {'whole rule pipeline':22} {mb:6.1f} {mb / t_ours:13.2f} {'-':>14} {'-':>9}  "
              f"{len(claims)} claims")


if __name__ == "__main__":
    main()
