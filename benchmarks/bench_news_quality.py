"""Quality of USD deal-claim extraction on real published news (issue 13), dev and test side by side.

The corpus is ``benchmarks/news_corpus/manifest.json``: addresses, hashes and hand annotations of real
articles in English, Traditional and Simplified Chinese (see ``docs/annotation-guideline.md``). The texts
themselves are not in the repository; rebuild them with ``tools/news_cache.py build --from FOLDER``. Where
the cache is absent (CI) this script says so and exits 0 without scoring anything.

What is measured, per split (dev, test) and per language:

* **precision / recall** of USD deal claims: a proposed claim counts when its payer, payee (hence
  direction) and amount interval all agree with a gold claim and its amount span overlaps that claim's
  span (one-to-one). Proposals whose amount span overlaps a figure the annotator marked ``ignore``
  (ambiguous: a restated figure with no parties, a round whose investors are not all named) are left out
  of precision. Intervals agree when each bound is within 2% (an open upper bound only with an open one).
* **grounding**: of the proposals whose parties and interval agree with a gold claim of the article, the
  share whose amount span lies on that claim's figure (a right number read off the wrong place is not
  grounded).
* **hard-negative false-positive rate**: the share of figures marked as hard negatives (market values, net
  worth, valuations, cost estimates, revenue, share prices, denied figures...) on which a deal claim was
  proposed.
* **errors by kind**: every unmatched proposal and gold claim, classified (hard_negative:<kind>,
  direction_reversed, wrong_party, amount_interval, no_gold_figure, missed).
* **throughput**: MB of UTF-8 text per CPU-second on one core (``time.process_time``, the process pinned to
  one core, so other processes' load on a shared machine does not count) for the whole rule pipeline
  (``ingest_text``) on the corpus texts concatenated and repeated to ``--mb`` megabytes (dense news: a USD
  figure every ~150 characters), and article by article; the wall-clock rate is printed beside it.

Run:
    python tools/news_cache.py build --from ~/news-texts          # once, where the texts are
    python benchmarks/bench_news_quality.py                       # dev and test, per language
    python benchmarks/bench_news_quality.py --split dev --errors  # while tuning: dev only, list the errors
    python benchmarks/bench_news_quality.py --json > news.json    # stable keys

The held-out split of the session (``HELD_OUT``: dev6 in session 5) is left out of the default ``both`` and is
scored only when ``--split`` names it; its errors (like dev5's) are listed only when it is named.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "benchmarks" / "news_corpus" / "manifest.json"
LANGS = ("en", "zh-Hant", "zh-Hans")
#: Splits held out for the current session: scored only when ``--split`` names them, errors never listed otherwise.
HELD_OUT = ("dev6",)


def default_cache() -> Path:
    """``$DEALWEB_NEWS_CACHE`` or ``~/.cache/dealweb/news`` (the same default as tools/news_cache.py)."""
    env = os.environ.get("DEALWEB_NEWS_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "dealweb" / "news"


def bounds_agree(a: float | None, b: float | None) -> bool:
    """Two interval bounds agree: both open, or within 2% (absolute 1e6 USD near zero)."""
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= max(0.02 * max(abs(a), abs(b)), 1e6)


def overlaps(a: list[int], b: list[int]) -> bool:
    """Half-open spans ``[s, e)`` share at least one character."""
    return a[0] < b[1] and b[0] < a[1]


def party_id(p: dict[str, Any] | None) -> str:
    """The comparable id of a claim side: the group id for several payers, else the entity id."""
    if not p:
        return ""
    members = p.get("members")
    if members:
        return "+".join(sorted(str(m) for m in members))
    return str(p.get("id", "")).lower()


def proposals(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The USD deal claims among ``ingest_text``'s output, reduced to what is scored."""
    out = []
    for c in claims:
        amt = c.get("amount")
        if c.get("kind") != "deal" or not amt or amt.get("currency") != "USD":
            continue
        span = c.get("spans", {}).get("amount")
        if not span:
            continue
        hi = amt.get("usd_high")
        out.append({"payer": party_id(c.get("from")), "payee": party_id(c.get("to")),
                    "low": amt.get("usd_low"), "high": None if hi is None or hi == float("inf") else hi,
                    "span": list(span), "text": amt.get("text", ""), "quote": c.get("quote", "")})
    return out


def score_article(art: dict[str, Any], props: list[dict[str, Any]]) -> dict[str, Any]:
    """Match one article's proposals with its gold claims; counts and classified errors."""
    gold = art.get("claims", [])
    used: set[int] = set()
    matched_prop: set[int] = set()
    for gi, g in enumerate(gold):
        for pi, p in enumerate(props):
            if pi in matched_prop:
                continue
            if (p["payer"] == g["payer"] and p["payee"] == g["payee"]
                    and bounds_agree(p["low"], g["amount"]["low"]) and bounds_agree(p["high"], g["amount"]["high"])
                    and overlaps(p["span"], g["span"])):
                used.add(gi)
                matched_prop.add(pi)
                break
    ignore = [i["span"] for i in art.get("ignore", [])]
    negs = art.get("negatives", [])
    errors: list[dict[str, Any]] = []
    counted = 0
    grounded = ungrounded = 0
    for pi, p in enumerate(props):
        same = [g for g in gold if p["payer"] == g["payer"] and p["payee"] == g["payee"]
                and bounds_agree(p["low"], g["amount"]["low"]) and bounds_agree(p["high"], g["amount"]["high"])]
        if same:
            if any(overlaps(p["span"], g["span"]) for g in same):
                grounded += 1
            else:
                ungrounded += 1
        if pi in matched_prop:
            counted += 1
            continue
        if any(overlaps(p["span"], s) for s in ignore):
            continue
        counted += 1
        neg = next((n for n in negs if overlaps(p["span"], n["span"])), None)
        at = [g for g in gold if overlaps(p["span"], g["span"])]
        if neg is not None:
            kind = f"hard_negative:{neg['kind']}"
        elif at:
            if any(p["payer"] == g["payee"] and p["payee"] == g["payer"] for g in at):
                kind = "direction_reversed"
            elif any(p["payer"] == g["payer"] and p["payee"] == g["payee"] for g in at):
                kind = "amount_interval"
            else:
                kind = "wrong_party"
        else:
            kind = "no_gold_figure"
        errors.append({"article": art["id"], "kind": kind, "proposed": f"{p['payer']} -> {p['payee']}",
                       "interval": [p["low"], p["high"]], "figure": p["text"], "quote": p["quote"][:160]})
    for gi, g in enumerate(gold):
        if gi not in used:
            errors.append({"article": art["id"], "kind": "missed", "gold": g["direction"],
                           "interval": [g["amount"]["low"], g["amount"]["high"]], "figure": g["amount"]["text"],
                           "quote": g["quote"][:160]})
    neg_hit = sum(1 for n in negs if any(overlaps(p["span"], n["span"]) for p in props))
    return {"gold": len(gold), "proposed": counted, "matched": len(used), "grounded": grounded,
            "ungrounded": ungrounded, "negatives": len(negs), "negatives_hit": neg_hit, "errors": errors}


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Precision, recall, F1, grounding and hard-negative FP rate over article results."""
    t = Counter()
    for r in rows:
        for k in ("gold", "proposed", "matched", "grounded", "ungrounded", "negatives", "negatives_hit"):
            t[k] += r[k]
    p = t["matched"] / t["proposed"] if t["proposed"] else 1.0
    r = t["matched"] / t["gold"] if t["gold"] else 1.0
    g = t["grounded"] / (t["grounded"] + t["ungrounded"]) if t["grounded"] + t["ungrounded"] else 1.0
    fp = t["negatives_hit"] / t["negatives"] if t["negatives"] else 0.0
    errs = Counter(e["kind"] for row in rows for e in row["errors"])
    return {"articles": len(rows), "gold": t["gold"], "proposed": t["proposed"], "matched": t["matched"],
            "precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "grounding": round(g, 3), "hard_negatives": t["negatives"],
            "hard_negative_fp_rate": round(fp, 3), "errors": dict(sorted(errs.items()))}


def throughput(texts: list[str], mb: float, scorer: str | None = None) -> dict[str, float]:
    """MB/s on one core for ``ingest_text`` over the corpus repeated to about ``mb`` megabytes.

    ``scorer``: ``None`` runs the extractor's default (``rules`` before session 7, ``fallback`` since).
    """
    from dealweb.extract.ingest import ingest_text
    from dealweb.extract.mentions import EntityIndex

    how: dict[str, str] = {} if scorer is None else {"scorer": scorer}

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    joined = "\n\n".join(texts)
    reps = max(1, int(mb * 1e6 / len(joined.encode())))
    corpus = "\n\n".join([joined] * reps)
    size = len(corpus.encode()) / 1e6
    index = EntityIndex()
    ingest_text(joined, index=index, **how)  # warm caches (regex compilation, gazetteer, model)
    t0, c0 = time.perf_counter(), time.process_time()
    n = len(ingest_text(corpus, index=index, **how))
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    c0 = time.process_time()
    for _ in range(reps):
        for tx in texts:
            ingest_text(tx, index=index, **how)
    dc_art = time.process_time() - c0
    return {"mb": round(size, 2), "mb_per_cpu_s": round(size / dc, 3), "mb_per_s_wall": round(size / dt, 3),
            "mb_per_cpu_s_per_article": round(size / dc_art, 3), "claims": n}


def main(argv: list[str] | None = None) -> int:
    """Score the cached corpus; exit 0 (with a note) when there is no cache."""
    ap = argparse.ArgumentParser(description="USD deal-claim quality on real news, dev and test side by side.",
                                 epilog="example: python benchmarks/bench_news_quality.py --split dev --errors")
    ap.add_argument("--cache", type=Path, default=None, help="folder of <id>.txt (default $DEALWEB_NEWS_CACHE "
                                                             "or ~/.cache/dealweb/news)")
    ap.add_argument("--manifest", type=Path, default=MANIFEST)
    ap.add_argument("--split", default="both",
                    help="dev, dev2, dev3, dev4, dev5, dev6, dev7, dev8, dev9, dev10, test, a comma list (dev,dev2), "
                         "or both (every split but the held-out dev6, which is scored only when named; default)")
    ap.add_argument("--errors", action="store_true",
                    help="list every error of the scored splits; held-out splits (dev5, dev6) only when named")
    ap.add_argument("--mb", type=float, default=1.0, help="size of the throughput corpus in MB (0: skip)")
    ap.add_argument("--scorer", choices=["rules", "learned", "fallback"], default=None,
                    help="who decides the USD deal claims: the hand rules, the learned model (extract/learned.py) or "
                         "the rules plus the fallback for figures they leave unclaimed (extract/fallback.py); "
                         "default: the extractor's own default (fallback since session 7; rules before)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    from dealweb.extract.ingest import ingest_text
    from dealweb.extract.mentions import EntityIndex

    man = json.loads(args.manifest.read_text(encoding="utf-8"))
    cache = args.cache or default_cache()
    known = ("dev", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7", "dev8", "dev9", "dev10", "test")
    named = () if args.split == "both" else tuple(x.strip() for x in args.split.split(","))
    # dev6 is held out (session 5): scored only when named, never as part of "both"
    splits = tuple(x for x in known if x not in HELD_OUT) if args.split == "both" else named
    if any(x not in known for x in splits):
        ap.error(f"--split: {args.split!r}; use dev, dev2, dev3, dev4, dev5, dev6, dev7, dev8, dev9, dev10, test, "
                 "a comma list of them, or both")
    splits = tuple(x for x in known if x in splits and any(a["split"] == x for a in man["articles"]))
    texts: dict[str, str] = {}
    bad = []
    for a in man["articles"]:
        p = cache / f"{a['id']}.txt"
        if p.is_file():
            data = p.read_bytes()
            if hashlib.sha256(data).hexdigest() == a["sha256"]:
                texts[a["id"]] = data.decode("utf-8")
            else:
                bad.append(a["id"])
    if not texts:
        print(f"no news cache at {cache}: nothing scored (build it with tools/news_cache.py build --from FOLDER)")
        return 0
    index = EntityIndex()
    # an older extractor (before the learned scorer) has no ``scorer`` argument: it is the rules
    how: dict[str, str] = {} if args.scorer is None else {"scorer": args.scorer}
    try:
        params = set(inspect.signature(ingest_text).parameters)
    except ValueError:  # compiled by mypyc (no signature): only extractors with the scorer are compiled
        params = {"scorer"}
    if "scorer" not in params:
        if args.scorer not in (None, "rules"):
            ap.error("--scorer learned: this dealweb's ingest_text has only the rules")
        how = {}
    results: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for a in man["articles"]:
        if a["split"] not in splits or a["id"] not in texts:
            continue
        row = score_article(a, proposals(ingest_text(texts[a["id"]], index=index, **how)))
        results[a["split"]][a["language"]].append(row)
        results[a["split"]]["all"].append(row)
    report: dict[str, Any] = {"cache": str(cache), "missing_or_altered": sorted(bad) + sorted(
        a["id"] for a in man["articles"] if a["id"] not in texts and a["id"] not in bad), "splits": {}}
    for sp in splits:
        report["splits"][sp] = {lang: summarise(results[sp][lang]) for lang in (*LANGS, "all")}
    if args.mb > 0:
        report["throughput"] = throughput(list(texts.values()), args.mb, args.scorer)
    if args.errors:
        quiet = tuple(x for x in ("dev5", *HELD_OUT) if x not in named)  # held-out errors: listed only when named
        report["error_list"] = [e for sp in splits if sp not in quiet for row in results[sp]["all"]
                                for e in row["errors"]]
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True))
        return 0
    print(f"{'split':5} {'language':8} {'arts':>4} {'gold':>4} {'prop':>4} {'P':>6} {'R':>6} {'F1':>6} "
          f"{'ground':>6} {'negFP':>6}  errors")
    for sp in splits:
        for lang in (*LANGS, "all"):
            s = report["splits"][sp][lang]
            errs = ", ".join(f"{k} {v}" for k, v in s["errors"].items())
            print(f"{sp:5} {lang:8} {s['articles']:4} {s['gold']:4} {s['proposed']:4} {s['precision']:6.3f} "
                  f"{s['recall']:6.3f} {s['f1']:6.3f} {s['grounding']:6.3f} {s['hard_negative_fp_rate']:6.3f}  {errs}")
    if "throughput" in report:
        t = report["throughput"]
        print(f"throughput: {t['mb_per_cpu_s']} MB per CPU-second on one core ({t['mb']} MB of the corpus as one "
              f"text; {t['mb_per_s_wall']} MB/s wall clock), {t['mb_per_cpu_s_per_article']} MB per CPU-second "
              f"article by article")
    if report["missing_or_altered"]:
        print(f"not scored (missing or altered in the cache): {' '.join(report['missing_or_altered'])}",
              file=sys.stderr)
    for e in report.get("error_list", []):
        what = e.get("proposed") or e.get("gold")
        print(f"  {e['article']:5} {e['kind']:26} {what:32} {e['figure']!s:24} | {e['quote'][:90]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
