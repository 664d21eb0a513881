"""Train and evaluate the fallback for USD figures the rules leave unclaimed (issue 13; extract/fallback.py).

The data are the development splits of the real-news corpus (``benchmarks/news_corpus/manifest.json``, texts in
the local cache built by ``tools/news_cache.py``): dev, dev2, dev4, dev5, dev7, dev8 (and dev9, dev10 when present).
``dev3`` is the validation split: only scored, by a model trained on every development split, never used to
choose anything. The frozen ``test`` split and the held-out ``dev6`` are refused (``tools/train_claims.py``'s
loader, which this tool shares).

Subcommands:

* ``loso``: leave-one-split-out. For each development split: the regularisation strength and threshold are
  chosen by an inner leave-one-split-out over the *other* splits (best F1 of rules + fallback), a model is
  fitted on the other splits with them and the held-out split is scored, with and without the fallback. Then
  dev3, with a model fitted on every development split (setting chosen by leave-one-split-out over them).
  Prints P / R per split, the average over the held-out splits, and the claims the fallback added (right,
  wrong). ``--json`` gives the same with stable keys.
* ``train``: choose the setting by leave-one-split-out over every development split, fit on all of them and
  write the model JSON atomically (default ``src/dealweb/data/models/fallback.json``). There is no randomness:
  the fit (L-BFGS from zero weights on rows in a fixed order) gives the same weights, and the same file, twice.

Training rows: ``--rows all`` (default) the candidates of every USD figure; ``--rows left`` only those of the
figures the rules left unclaimed (the rules' pair is not a feature either way: it does not exist for the
figures the fallback reads; what the rules made of the figure, a deal or nothing, stays a feature).

Examples:
    python tools/train_fallback.py --cache /work/cache/news/texts loso
    python tools/train_fallback.py --cache /work/cache/news/texts loso --rows all --c 0.1,0.3,1
    python tools/train_fallback.py --cache /work/cache/news/texts train
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _tool(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


TC = _tool("train_claims")

from dealweb.extract.fallback import FALLBACK_FILE, FORMAT, KIND, MIN_USD, _claimed, augment, decide_fill  # noqa: E402
from dealweb.extract.ingest import claims_from_proposals  # noqa: E402
from dealweb.extract.learned import ClaimModel  # noqa: E402

#: Development splits (dev9 and later join when the manifest has them); dev3 validates, dev6 and test are refused.
DEV = ("dev", "dev2", "dev4", "dev5", "dev7", "dev8", "dev9", "dev10")
VALID = "dev3"
#: Pair features that only exist when the rules proposed a deal for the figure: never seen by the fallback.
DROP = ("rule:same", "rule:reverse", "rule:payer", "rule:payee", "ruletype:")


class View:
    """The training rows of one article: the figures kept (``rows``) with their labels."""

    def __init__(self, art: Any, rows: str) -> None:
        self.ann = art.ann
        used = _claimed(art.proposals)
        figs: list[Any] = []
        self.labels: list[list[int]] = []
        for fc, lab in zip(art.figs, art.labels, strict=True):
            high = fc.amount.amount.high
            if fc.gated or not fc.cands or (high is not None and high < MIN_USD):
                continue
            if rows == "left" and (fc.amount.start, fc.amount.end) in used:
                continue
            figs.append(fc)
            self.labels.append(lab)
        self.figs = augment(figs, art.proposals, art.norm.folded)


def fit_model(arts: list[Any], rows: str, c: float, threshold: float, min_articles: int,
              meta: dict[str, Any] | None = None) -> ClaimModel:
    """L2 logistic regression over the training rows of ``arts`` (``tools/train_claims.py``'s ``fit``)."""
    TC.WITHOUT = DROP
    x, y, vocab = TC.design([View(a, rows) for a in arts], min_articles=min_articles)
    w, b = TC.fit(x, y, c)
    return TC.model_of(w, b, vocab, threshold, meta or {})


class Scored:
    """An article with its rules' claims scored once, to score the fallback's additions fast."""

    def __init__(self, art: Any) -> None:
        self.art = art
        self.rule_props = TC.BENCH.proposals(art.claims(None))
        self.rules = TC.BENCH.score_article(art.ann, self.rule_props)

    def with_model(self, model: ClaimModel) -> dict[str, Any]:
        """The benchmark's score of the rules' claims plus the fallback's (the same claims ``ingest`` gives)."""
        props = decide_fill(self.art.figs, self.art.proposals, model, self.art.norm.folded)
        if props is self.art.proposals:
            return self.rules
        claims = claims_from_proposals(self.art.norm, props, "document", None, "", self.art.index)
        return TC.BENCH.score_article(self.art.ann, TC.BENCH.proposals(claims))


def pooled(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Precision, recall and F1 of pooled article scores."""
    g = sum(r["gold"] for r in rows)
    p = sum(r["proposed"] for r in rows)
    m = sum(r["matched"] for r in rows)
    return {"gold": g, "proposed": p, "matched": m, "precision": m / p if p else 0.0,
            "recall": m / g if g else 0.0, "f1": 2 * m / (g + p) if g + p else 0.0}


def choose(by_split: dict[str, list[Scored]], rows: str, cs: list[float], ts: list[float], min_articles: int,
           ) -> tuple[float, float, dict[str, float]]:
    """The (c, threshold) with the best pooled F1 of rules + fallback over a leave-one-split-out of ``by_split``."""
    got: dict[tuple[float, float], list[dict[str, Any]]] = defaultdict(list)
    for held in by_split:
        train = [s.art for sp, arts in by_split.items() if sp != held for s in arts]
        for c in cs:
            m = fit_model(train, rows, c, 0.5, min_articles)
            for t in ts:
                mt = ClaimModel(m.weights, m.bias, t, m.meta)
                got[(c, t)] += [s.with_model(mt) for s in by_split[held]]
    scores = {k: pooled(v)["f1"] for k, v in got.items()}
    best = max(sorted(scores), key=lambda k: scores[k])  # ties: the smallest c, then the smallest threshold
    return best[0], best[1], {f"c={c} t={t}": round(f, 4) for (c, t), f in sorted(scores.items())}


def load_scored(splits: tuple[str, ...], cache: Path) -> dict[str, list[Scored]]:
    """The cached articles of ``splits`` by split (a split absent from the manifest or cache is left out)."""
    have = {a["split"] for a in json.loads(TC.MANIFEST.read_text(encoding="utf-8"))["articles"]}
    arts = TC.load(tuple(s for s in splits if s in have), cache)
    out: dict[str, list[Scored]] = defaultdict(list)
    for a in arts:
        out[a.ann["split"]].append(Scored(a))
    return dict(sorted(out.items(), key=lambda kv: DEV.index(kv[0]) if kv[0] in DEV else 99))


def _row(name: str, rules: dict[str, float], fb: dict[str, float]) -> dict[str, Any]:
    return {"split": name, "gold": rules["gold"],
            "rules": {"precision": round(rules["precision"], 3), "recall": round(rules["recall"], 3)},
            "fallback": {"precision": round(fb["precision"], 3), "recall": round(fb["recall"], 3)},
            "added": fb["proposed"] - rules["proposed"], "added_right": fb["matched"] - rules["matched"]}


def cmd_loso(args: argparse.Namespace) -> int:
    """Leave-one-split-out over the development splits (nested choice of the setting), then dev3."""
    t0 = time.time()
    cs = [float(v) for v in args.c.split(",")]
    ts = [float(v) for v in args.thresholds.split(",")]
    by_split = load_scored(DEV, args.cache)
    table = []
    rules_rows: list[dict[str, Any]] = []
    model_rows: list[dict[str, Any]] = []
    for held, scored in by_split.items():
        inner = {sp: v for sp, v in by_split.items() if sp != held}
        c, t, _ = choose(inner, args.rows, cs, ts, args.min_articles)
        m = fit_model([s.art for v in inner.values() for s in v], args.rows, c, t, args.min_articles)
        got = [s.with_model(m) for s in scored]
        row = _row(held, pooled([s.rules for s in scored]), pooled(got))
        row["setting"] = {"c": c, "threshold": t}
        table.append(row)
        rules_rows += [s.rules for s in scored]
        model_rows += got
    avg = {k: {m: round(sum(r[k][m] for r in table) / len(table), 3) for m in ("precision", "recall")}
           for k in ("rules", "fallback")}
    both = {"rules": pooled(rules_rows), "fallback": pooled(model_rows)}
    avg["pooled"] = {k: {m: round(v[m], 3) for m in ("precision", "recall", "f1")} for k, v in both.items()}
    avg["f1_gain_ci95"] = TC._bootstrap_gain(rules_rows, model_rows)
    c, t, grid = choose(by_split, args.rows, cs, ts, args.min_articles)
    out: dict[str, Any] = {"rows": args.rows, "splits": table, "average": avg, "chosen": {"c": c, "threshold": t},
                           "grid_f1": grid}
    if not args.no_valid:
        val = load_scored((VALID,), args.cache).get(VALID, [])
        m = fit_model([s.art for v in by_split.values() for s in v], args.rows, c, t, args.min_articles)
        out["validation"] = _row(VALID, pooled([s.rules for s in val]), pooled([s.with_model(m) for s in val]))
        out["validation"]["setting"] = {"c": c, "threshold": t}
    if args.json:
        print(json.dumps(out, indent=1, sort_keys=True))
        return 0
    print(f"leave-one-split-out, rows={args.rows}, c in {cs}, thresholds {ts} ({time.time() - t0:.0f} s)")
    print(f"{'split':6} {'gold':>4}  {'rules P/R':>13}  {'+fallback P/R':>13}  {'added (right)':>13}  setting")
    for r in [*table, *([out["validation"]] if "validation" in out else [])]:
        print(f"{r['split']:6} {r['gold']:4}  {r['rules']['precision']:.3f} / {r['rules']['recall']:.3f}  "
              f"{r['fallback']['precision']:.3f} / {r['fallback']['recall']:.3f}  "
              f"{r['added']:6} ({r['added_right']:3})  c={r['setting']['c']} t={r['setting']['threshold']}")
    print(f"average over the held-out development splits: rules {avg['rules']['precision']:.3f} / "
          f"{avg['rules']['recall']:.3f}, with the fallback {avg['fallback']['precision']:.3f} / "
          f"{avg['fallback']['recall']:.3f}")
    pr = avg["pooled"]
    print(f"pooled over their {len(rules_rows)} articles: rules {pr['rules']['precision']:.3f} / "
          f"{pr['rules']['recall']:.3f} (F1 {pr['rules']['f1']:.3f}), with the fallback "
          f"{pr['fallback']['precision']:.3f} / {pr['fallback']['recall']:.3f} (F1 {pr['fallback']['f1']:.3f}); "
          f"F1 gain 95% [{avg['f1_gain_ci95'][0]:+.3f}, {avg['f1_gain_ci95'][1]:+.3f}] (paired bootstrap by article)")
    print(f"setting chosen over every development split: c={c} threshold={t}")
    return 0


def model_json(m: ClaimModel) -> str:
    """The model file's text (stable: keys in a fixed order, weights sorted by name, rounded)."""
    data = {"format": FORMAT, "kind": KIND, "bias": m.bias, "threshold": m.threshold, "meta": m.meta,
            "weights": dict(sorted(m.weights.items()))}
    return json.dumps(data, ensure_ascii=False, indent=0) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder (never half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _commit() -> str:
    """The checked-out commit of the repository (the rules the training rows were read with), or ``unknown``."""
    import subprocess

    try:
        run = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=30, check=False)
    except OSError:
        return "unknown"
    return run.stdout.strip() or "unknown"


def cmd_train(args: argparse.Namespace) -> int:
    """Choose the setting by leave-one-split-out, fit on every development split, write the model."""
    by_split = load_scored(DEV, args.cache)
    cs = [float(v) for v in args.c.split(",")]
    ts = [float(v) for v in args.thresholds.split(",")]
    c, t, grid = choose(by_split, args.rows, cs, ts, args.min_articles)
    arts = [s.art for v in by_split.values() for s in v]
    meta = {"model": "L2 logistic regression (Cox 1958) over (payer, payee) readings of a USD figure; used on the "
                     "figures the rules leave unclaimed, the best reading is a claim when its probability reaches "
                     "the threshold",
            "rules_at": _commit(),
            "tool": "tools/train_fallback.py train", "trained_on": sorted(by_split), "articles": len(arts),
            "rows": args.rows, "c": c, "min_articles": args.min_articles,
            "setting_from": f"leave-one-split-out F1 over c in {cs}, thresholds {ts}"}
    m = fit_model(arts, args.rows, c, t, args.min_articles, meta)
    if not all(math.isfinite(v) for v in m.weights.values()):
        raise SystemExit("error: the fit gave a weight that is not finite; nothing written")
    out = Path(args.out)
    write_atomic(out, model_json(m))
    print(f"wrote {out}: {len(m.weights)} weights from {len(arts)} articles of {', '.join(sorted(by_split))}, "
          f"c={c}, threshold {t}")
    for f, v in sorted(m.weights.items(), key=lambda kv: -abs(kv[1]))[:args.show]:
        print(f"  {v:+8.3f}  {f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="examples:\n  python tools/train_fallback.py loso\n"
                                        "  python tools/train_fallback.py loso --rows all --json\n"
                                        "  python tools/train_fallback.py train --out /tmp/fallback.json")
    ap.add_argument("--cache", type=Path, default=None, help="folder of <id>.txt (default $DEALWEB_NEWS_CACHE "
                                                             "or ~/.cache/dealweb/news)")
    ap.add_argument("--rows", choices=["left", "all"], default="all",
                    help="train on the figures the rules left unclaimed (left) or on every USD figure (all)")
    ap.add_argument("--c", default="0.03,0.1,0.3", help="regularisation strengths to choose from (comma list)")
    ap.add_argument("--thresholds", default="0.4,0.5,0.6", help="thresholds to choose from (comma list)")
    ap.add_argument("--min-articles", type=int, default=2, help="keep features seen in at least this many articles")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("loso", help="leave-one-split-out over the development splits, then dev3")
    p.add_argument("--no-valid", action="store_true", help="do not score dev3")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("train", help="fit on every development split and write the model JSON")
    p.add_argument("--out", default=str(FALLBACK_FILE))
    p.add_argument("--show", type=int, default=20, help="print the largest weights")
    args = ap.parse_args(argv)
    args.cache = args.cache or TC.default_cache()
    return {"loso": cmd_loso, "train": cmd_train}[args.cmd](args)


if __name__ == "__main__":
    raise SystemExit(main())
