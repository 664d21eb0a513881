"""Train and evaluate the fallback for USD figures the rules leave unclaimed (issue 13; extract/fallback.py).

The data are the development splits of the real-news corpus (``benchmarks/news_corpus/manifest.json``, texts in
the local cache built by ``tools/news_cache.py``): dev, dev2, dev4, dev5, dev7, dev8, dev9 (and dev10 as its
batches land). ``dev3`` is the validation split: only scored, by a model trained on every development split, never
used to choose anything. The frozen ``test`` split and the held-out ``dev6`` are refused (:func:`refuse`: one line,
before any text is read).

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
* ``check``: refit the shipped model with its own setting on its own splits and say whether the weights are the
  same: ``CURRENT`` (exit 0), or ``STALE`` (exit 1) with what differs: how many weights and the largest changes,
  the claims each model adds on those splits, the extractor files changed since the commit the weights were
  trained at (``meta.rules_at``). The rules changed what is left or what the features read: retrain.

Training rows: ``--rows all`` (default) the readings of every USD figure (:func:`dealweb.extract.fallback.figures`
with ``every=True``); ``--rows left`` only those of the figures the rules left unclaimed (the rules' pair is not a
feature either way: it does not exist for the figures the fallback reads; what the rules made of the figure, a
deal, a fact or nothing, stays a feature).

Examples:
    python tools/train_fallback.py --cache /work/cache/news/texts loso
    python tools/train_fallback.py --cache /work/cache/news/texts loso --rows all --c 0.1,0.3,1
    python tools/train_fallback.py --cache /work/cache/news/texts train
    python tools/train_fallback.py --cache /work/cache/news/texts check
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

from dealweb.extract.fallback import FALLBACK_FILE, FORMAT, KIND, FallbackModel, decide, figures  # noqa: E402
from dealweb.extract.ingest import analyse, claims_from_proposals, language_of  # noqa: E402
from dealweb.extract.mentions import EntityIndex  # noqa: E402

#: Development splits (those the manifest has and the cache holds join); dev3 validates; REFUSED are never read.
DEV = ("dev", "dev2", "dev4", "dev5", "dev7", "dev8", "dev9", "dev10")
VALID = "dev3"
#: The frozen test split and the split held out this session: this tool never reads them, not even to score.
REFUSED = ("test", "dev6")


def refuse(splits: tuple[str, ...]) -> None:
    """Exit with one clear line when ``splits`` names a split this tool never reads."""
    bad = [s for s in splits if s in REFUSED]
    if bad:
        raise SystemExit(f"error: {', '.join(bad)}: the test split is frozen and dev6 is held out; this tool never "
                         "reads them (train and choose on the development splits, validate on dev3)")


class Art:
    """One corpus article: the rules' proposals and score, the fallback's figures (every USD figure) and labels."""

    def __init__(self, ann: dict[str, Any], text: str, index: EntityIndex) -> None:
        self.ann = ann
        self.index = index
        self.norm, ents, amts, self.proposals = analyse(text, index)
        self.figs = figures(self.norm, ents, amts, self.proposals, index, language_of(text), every=True)
        gold = ann.get("claims", [])
        self.labels: list[list[int]] = []
        for fg in self.figs:
            span = list(self.norm.to_original(fg.amount.start, fg.amount.end))
            at = [g for g in gold if TC.BENCH.overlaps(span, g["span"])]
            self.labels.append([int(any(fg.parties[r.p].id.lower() == g["payer"]
                                        and fg.parties[r.q].id.lower() == g["payee"] for g in at))
                                for r in fg.readings])
        self.rules = self.score(self.proposals)

    def score(self, props: list[Any]) -> dict[str, Any]:
        """The benchmark's score of ``props`` (the same claims ``ingest`` gives for them)."""
        claims = claims_from_proposals(self.norm, props, "document", None, "", self.index)
        return TC.BENCH.score_article(self.ann, TC.BENCH.proposals(claims))

    def with_model(self, model: FallbackModel) -> dict[str, Any]:
        """The score of the rules' claims plus the fallback's."""
        props = decide(self.figs, self.proposals, model)
        return self.rules if props is self.proposals else self.score(props)

    def rows(self, which: str) -> list[tuple[Any, list[int]]]:
        """The training figures: every one (``all``) or those the rules left unclaimed (``left``)."""
        return [(fg, lab) for fg, lab in zip(self.figs, self.labels, strict=True)
                if fg.readings and (which == "all" or fg.rule == "none")]


def design(arts: list[Art], which: str, min_articles: int) -> tuple[Any, Any, dict[str, int]]:
    """The sparse design matrix (one row per reading), labels and vocabulary (features in >= ``min_articles``)."""
    import numpy as np
    import scipy.sparse as sp

    seen: dict[str, int] = defaultdict(int)
    named = []
    for art in arts:
        feats: set[str] = set()
        rows = []
        for fg, lab in art.rows(which):
            for r, y in zip(fg.readings, lab, strict=True):
                names = fg.names(r)
                feats.update(names)
                rows.append((names, y))
        for f in feats:
            seen[f] += 1
        named.append(rows)
    vocab = {f: i for i, f in enumerate(sorted(f for f, n in seen.items() if n >= min_articles))}
    ri, ci, y = [], [], []
    r = 0
    for rows in named:
        for names, lab in rows:
            for f in names:  # a repeated name counts twice, as in FallbackModel.best
                j = vocab.get(f)
                if j is not None:
                    ri.append(r)
                    ci.append(j)
            y.append(lab)
            r += 1
    x = sp.csr_matrix((np.ones(len(ri)), (ri, ci)), shape=(r, len(vocab)))
    return x, np.asarray(y, dtype=float), vocab


def fit_model(arts: list[Art], rows: str, c: float, threshold: float, min_articles: int,
              meta: dict[str, Any] | None = None) -> FallbackModel:
    """L2 logistic regression over the readings of ``arts`` (``tools/train_claims.py``'s L-BFGS ``fit``)."""
    x, y, vocab = design(arts, rows, min_articles)
    w, b = TC.fit(x, y, c)
    weights = {f: round(float(w[j]), 5) for f, j in vocab.items() if abs(w[j]) >= 1e-5}
    return FallbackModel(weights, round(b, 5), threshold, meta or {})


def pooled(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Precision, recall and F1 of pooled article scores."""
    g = sum(r["gold"] for r in rows)
    p = sum(r["proposed"] for r in rows)
    m = sum(r["matched"] for r in rows)
    return {"gold": g, "proposed": p, "matched": m, "precision": m / p if p else 0.0,
            "recall": m / g if g else 0.0, "f1": 2 * m / (g + p) if g + p else 0.0}


def choose(by_split: dict[str, list[Art]], rows: str, cs: list[float], ts: list[float], min_articles: int,
           ) -> tuple[float, float, dict[str, float]]:
    """The (c, threshold) with the best pooled F1 of rules + fallback over a leave-one-split-out of ``by_split``."""
    got: dict[tuple[float, float], list[dict[str, Any]]] = defaultdict(list)
    for held in by_split:
        train = [a for sp, arts in by_split.items() if sp != held for a in arts]
        for c in cs:
            m = fit_model(train, rows, c, 0.5, min_articles)
            for t in ts:
                mt = FallbackModel(m.weights, m.bias, t, m.meta)
                got[(c, t)] += [s.with_model(mt) for s in by_split[held]]
    scores = {k: pooled(v)["f1"] for k, v in got.items()}
    best = max(sorted(scores), key=lambda k: scores[k])  # ties: the smallest c, then the smallest threshold
    return best[0], best[1], {f"c={c} t={t}": round(f, 4) for (c, t), f in sorted(scores.items())}


def load_scored(splits: tuple[str, ...], cache: Path) -> dict[str, list[Art]]:
    """The cached articles of ``splits`` by split (a split absent from the manifest or cache is left out)."""
    refuse(splits)
    index = EntityIndex()
    out: dict[str, list[Art]] = defaultdict(list)
    for a, text in TC.cached_articles(splits, cache):
        out[a["split"]].append(Art(a, text, index))
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
        m = fit_model([s for v in inner.values() for s in v], args.rows, c, t, args.min_articles)
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
        m = fit_model([s for v in by_split.values() for s in v], args.rows, c, t, args.min_articles)
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


def model_json(m: FallbackModel) -> str:
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
    arts = [s for v in by_split.values() for s in v]
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


def _rules_changed_since(commit: str) -> list[str]:
    """The extractor's files (and the names data) changed between ``commit`` and the working tree.

    As git lists them: empty when none changed, or when git or the commit is not available.
    """
    import subprocess

    if not commit or commit == "unknown":
        return []
    try:
        run = subprocess.run(["git", "-C", str(ROOT), "diff", "--name-only", commit, "--", "src/dealweb/extract",
                              "src/dealweb/money.py", "src/dealweb/data/names"],
                             capture_output=True, text=True, timeout=60, check=False)
    except OSError:
        return []
    return run.stdout.split() if run.returncode == 0 else []


def check_report(shipped: FallbackModel, refit: FallbackModel, arts: list[Art]) -> dict[str, Any]:
    """How the shipped model differs from a refit with its own setting: weights, bias, and the claims on ``arts``.

    Keys: ``current`` (the same weights and bias), ``weights_differ``, ``new_features`` (weights the refit has and
    the shipped model lacks), ``gone_features``, ``largest`` (the five largest weight changes, name -> [shipped,
    refit]), ``bias`` ([shipped, refit]), ``articles_claims_differ`` (articles whose claims with the fallback
    differ between the two models) and ``claims`` ({"shipped": {"added", "right"}, "refit": ...}: what each adds
    on ``arts``).
    """
    names = set(shipped.weights) | set(refit.weights)
    delta = {n: (shipped.weights.get(n, 0.0), refit.weights.get(n, 0.0)) for n in names}
    differ = sorted(n for n, (a, b) in delta.items() if a != b)
    largest = sorted(differ, key=lambda n: -abs(delta[n][0] - delta[n][1]))[:5]
    changed = 0
    claims: dict[str, dict[str, int]] = {"shipped": {"added": 0, "right": 0}, "refit": {"added": 0, "right": 0}}
    for art in arts:
        got = {}
        for name, m in (("shipped", shipped), ("refit", refit)):
            sc = art.with_model(m)
            got[name] = sc
            claims[name]["added"] += sc["proposed"] - art.rules["proposed"]
            claims[name]["right"] += sc["matched"] - art.rules["matched"]
        if got["shipped"] != got["refit"]:
            changed += 1
    return {"current": not differ and shipped.bias == refit.bias, "weights_differ": len(differ),
            "new_features": len(set(refit.weights) - set(shipped.weights)),
            "gone_features": len(set(shipped.weights) - set(refit.weights)),
            "largest": {n: list(delta[n]) for n in largest}, "bias": [shipped.bias, refit.bias],
            "articles_claims_differ": changed, "claims": claims}


def cmd_check(args: argparse.Namespace) -> int:
    """Refit the shipped model with its own setting on its own splits; exit 1 when the weights differ.

    The rules decide which figures are left and what the features read, so a rule change can make the shipped
    weights stale: this says whether ``train`` would write the same weights, bias and threshold today (one
    fit, not the setting's choice: a fraction of ``train``'s time), and, when not, what differs: how many
    weights, the largest changes, whether the claims the fallback adds on the development splits change, and
    which files of the extractor changed since the commit the weights were trained at.
    """
    from dealweb.extract.fallback import load_fallback

    shipped = load_fallback(str(args.model))
    splits = tuple(shipped.meta.get("trained_on", ()))
    refuse(splits)
    at = str(shipped.meta.get("rules_at", "unknown"))
    moved = _rules_changed_since(at)
    by_split = load_scored(splits, args.cache)
    if sorted(by_split) != sorted(splits):
        print(f"STALE: {args.model} was trained on {', '.join(sorted(splits))}; the cache holds "
              f"{', '.join(sorted(by_split)) or 'none of them'} (rebuild it: python tools/news_cache.py)")
        return 1
    arts = [s for v in by_split.values() for s in v]
    m = fit_model(arts, str(shipped.meta.get("rows", "all")), float(shipped.meta["c"]), shipped.threshold,
                  int(shipped.meta.get("min_articles", 2)))
    rep = check_report(shipped, m, arts)
    rep.update({"model": str(args.model), "trained_on": list(splits), "rules_at": at, "rules_now": _commit(),
                "files_changed_since": moved})
    if args.json:
        print(json.dumps(rep, indent=1, sort_keys=True, ensure_ascii=False))
        return 0 if rep["current"] else 1
    if rep["current"]:
        print(f"CURRENT: {args.model} is what a refit on {', '.join(splits)} with c={shipped.meta['c']} gives "
              f"({len(m.weights)} weights; trained at {at}, the rules now at {rep['rules_now']})")
        return 0
    cl = rep["claims"]
    print(f"STALE: {args.model} is not what a refit on {', '.join(splits)} with its setting (c={shipped.meta['c']}, "
          f"threshold {shipped.threshold}) gives today: the rules changed what the fallback reads.")
    print(f"  weights: {rep['weights_differ']} of {len(set(shipped.weights) | set(m.weights))} differ "
          f"({rep['new_features']} new, {rep['gone_features']} gone); bias {shipped.bias} -> {m.bias}")
    for n, (a, b) in rep["largest"].items():
        print(f"    {n}: {a:+.5f} -> {b:+.5f}")
    print(f"  claims on the {len(arts)} articles trained on: the shipped weights add {cl['shipped']['added']} "
          f"({cl['shipped']['right']} right), a refit {cl['refit']['added']} ({cl['refit']['right']} right); "
          f"{rep['articles_claims_differ']} articles differ")
    if moved:
        print(f"  trained at {at}; since then {len(moved)} file(s) of the extractor changed, e.g. "
              f"{', '.join(moved[:4])}")
    print("  retrain: python tools/train_fallback.py train   (then: python tools/train_fallback.py loso)")
    return 1


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="examples:\n  python tools/train_fallback.py loso\n"
                                        "  python tools/train_fallback.py loso --rows all --json\n"
                                        "  python tools/train_fallback.py train --out /tmp/fallback.json\n"
                                        "  python tools/train_fallback.py check     # is the shipped model current?")
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
    p = sub.add_parser("check", help="whether the shipped model is what a refit with its setting gives today "
                                     "(exit 1 and what differs when not)")
    p.add_argument("--model", type=Path, default=FALLBACK_FILE)
    p.add_argument("--json", action="store_true", help="the comparison as JSON (stable keys)")
    args = ap.parse_args(argv)
    args.cache = args.cache or TC.default_cache()
    return {"loso": cmd_loso, "train": cmd_train, "check": cmd_check}[args.cmd](args)


if __name__ == "__main__":
    raise SystemExit(main())
