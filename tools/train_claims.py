"""Train, cross-validate and validate the learned USD deal-claim scorer (issue 13; dealweb.extract.learned).

The data are the development splits of the real-news corpus (``benchmarks/news_corpus/manifest.json``, texts
in the local cache built by ``tools/news_cache.py``). The frozen ``test`` split is never read here: the tool
refuses it, and the session's held-out split (``HELD_OUT``: dev6) likewise. ``dev3`` is the validation split:
it is scored only by ``validate``, never trained or tuned on.

Subcommands:

* ``candidates``: the upper bound of the candidate generator: of the gold claims of each split, how many
  have their (payer, payee) among the candidates of their figure (and a figure found at all).
* ``cv``: grouped k-fold cross-validation by article over the training splits (default dev, dev2, dev4,
  dev7, dev8, dev9 and dev10 when present), end to end with the benchmark's scoring
  (``bench_news_quality.score_article``): the
  rules alone beside the model for each regularisation strength and threshold, per language.
* ``train``: fit on every training article with the strength and threshold chosen by ``cv`` (the best F1 in
  cross-validation), and write the model as JSON (default ``src/dealweb/data/models/claims.json``).
* ``validate``: score the validation split (dev3) with the rules and with the shipped model, per language.

The model is L2-regularised logistic regression over the candidates' feature names (fitted with L-BFGS on a
sparse design matrix); features seen in fewer than ``--min-articles`` training articles are dropped, so no
one article's wording becomes a feature of its own.

Examples:
    python tools/train_claims.py candidates
    python tools/train_claims.py cv --folds 10
    python tools/train_claims.py train --c 1.0 --threshold 0.5
    python tools/train_claims.py validate
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dealweb.extract.ingest import analyse, claims_from_proposals, language_of  # noqa: E402
from dealweb.extract.learned import MODEL_FILE, ClaimModel, candidates, decide  # noqa: E402
from dealweb.extract.mentions import EntityIndex  # noqa: E402

MANIFEST = ROOT / "benchmarks" / "news_corpus" / "manifest.json"
LANGS = ("en", "zh-Hant", "zh-Hans")
TRAIN = ("dev", "dev2", "dev4", "dev7", "dev8", "dev9", "dev10")
#: Held out this session (never trained, tuned or validated on here): refused like ``test``.
HELD_OUT = ("dev6",)
VALID = "dev3"


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_news_quality", ROOT / "benchmarks" / "bench_news_quality.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


BENCH = _bench()


def default_cache() -> Path:
    """``$DEALWEB_NEWS_CACHE`` or ``~/.cache/dealweb/news``."""
    env = os.environ.get("DEALWEB_NEWS_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "dealweb" / "news"


class Article:
    """One corpus article: its annotation, text, pipeline results and candidates (with labels)."""

    def __init__(self, ann: dict[str, Any], text: str, index: EntityIndex) -> None:
        self.ann = ann
        self.id = ann["id"]
        self.language = ann["language"]
        self.norm, ents, amts, self.proposals = analyse(text, index)
        self.figs = candidates(self.norm, ents, amts, self.proposals, index, language_of(text))
        self.labels: list[list[int]] = []
        self.index = index
        gold = ann.get("claims", [])
        self.covered: set[int] = set()
        self.figure_found: set[int] = set()
        for fc in self.figs:
            span = list(self.norm.to_original(fc.amount.start, fc.amount.end))
            at = [(gi, g) for gi, g in enumerate(gold) if BENCH.overlaps(span, g["span"])]
            for gi, _ in at:
                self.figure_found.add(gi)
            row = []
            for c in fc.cands:
                ok = 0
                for gi, g in at:
                    if c.payer.id.lower() == g["payer"] and c.payee.id.lower() == g["payee"]:
                        ok = 1
                        self.covered.add(gi)
                row.append(ok)
            self.labels.append(row)

    def claims(self, model: ClaimModel | None) -> list[dict[str, Any]]:
        """The article's claims, by the rules (``model`` None) or with the model deciding USD deals."""
        props = self.proposals if model is None else decide(self.figs, self.proposals, model)
        return claims_from_proposals(self.norm, props, "document", None, "", self.index)

    def score(self, model: ClaimModel | None) -> dict[str, Any]:
        """The benchmark's score of the article's claims."""
        return BENCH.score_article(self.ann, BENCH.proposals(self.claims(model)))


class QuoteSet:
    """Labelled sentences from a bundled ledger's quotes: the deals' USD figures and the facts' figures.

    Each quote (one sentence) of a deal's ``amount`` claim whose figure is in US dollars is a positive
    example: its (payer, payee) at that figure. A figure that a fact of the ledger quotes (revenue, market
    value, capex...) is a negative figure: no pair. Other figures of a quote are left out (unknown).
    Documents that are articles of the news corpus (by address) or seed files are left out, so no corpus
    text is counted twice and no text the rules were written on is read as unseen.
    """

    def __init__(self, name: str, exclude_urls: set[str]) -> None:
        from dealweb.ledger.load import load_ledger

        ledger = load_ledger(name).ledger
        index = EntityIndex(ledger)
        keep = {d.id for d in ledger.documents.values()
                if not d.file and (d.url or "").rstrip("/").lower() not in exclude_urls}
        pos: dict[tuple[str, str], list[tuple[int, int, str, str]]] = defaultdict(list)
        neg: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        for d in ledger.deals.values():
            if not d.payer or not d.payee:
                continue
            for cl in d.claims:
                if cl.field != "amount" or cl.amount is None or cl.amount.unit != "USD" or cl.document not in keep:
                    continue
                at = cl.quote.find(cl.stated) if cl.stated else -1
                if at >= 0:
                    pos[(cl.document, cl.quote)].append((at, at + len(cl.stated), d.payer, d.payee))
        for fa in ledger.facts.values():
            for cl in fa.claims:
                at = cl.quote.find(cl.stated) if cl.stated else -1
                if cl.document in keep and at >= 0:
                    neg[(cl.document, cl.quote)].append((at, at + len(cl.stated)))
        self.units: list[Unit] = []
        for key in sorted(set(pos) | set(neg)):
            quote = key[1]
            norm, ents, amts, props = analyse(quote, index)
            figs = candidates(norm, ents, amts, props, index, language_of(quote))
            unit = Unit(key[0])
            for fc in figs:
                s, e = norm.to_original(fc.amount.start, fc.amount.end)
                gold = [(p, q) for a, b, p, q in pos.get(key, []) if a < e and s < b]
                if gold:
                    labels = [int((c.payer.id, c.payee.id) in gold) for c in fc.cands]
                    if not any(labels):
                        continue  # the pair is not in the sentence alone (a party named elsewhere): unknown
                    unit.labels.append(labels)
                elif any(a < e and s < b for a, b in neg.get(key, [])):
                    unit.labels.append([0] * len(fc.cands))
                else:
                    continue
                unit.figs.append(fc)
            if unit.figs:
                self.units.append(unit)
        self.positives = sum(any(x) for u in self.units for x in u.labels)
        self.figures = sum(len(u.figs) for u in self.units)


class Unit:
    """A training unit that is not a corpus article: one quote's figures and labels."""

    def __init__(self, id: str) -> None:
        self.id = id
        self.figs: list[Any] = []
        self.labels: list[list[int]] = []


def ledger_units(name: str) -> list[Unit]:
    """:class:`QuoteSet` units of bundled ledger ``name`` (``none``: no units)."""
    if name in ("", "none"):
        return []
    man = json.loads(MANIFEST.read_text(encoding="utf-8"))
    urls = {a["url"].rstrip("/").lower() for a in man["articles"]}
    return QuoteSet(name, urls).units


def load(splits: tuple[str, ...], cache: Path) -> list[Article]:
    """The cached articles of ``splits`` (never ``test``), with candidates built."""
    if "test" in splits:
        raise SystemExit("error: the test split is frozen; this tool never reads it")
    held = [s for s in splits if s in HELD_OUT]
    if held:
        raise SystemExit(f"error: {', '.join(held)} is held out this session (a fresh check of the extraction, "
                         "scored only by the benchmark); this tool never reads it")
    index = EntityIndex()
    return [Article(a, text, index) for a, text in cached_articles(splits, cache)]


def cached_articles(splits: tuple[str, ...], cache: Path) -> list[tuple[dict[str, Any], str]]:
    """(manifest entry, text) of every cached article of ``splits`` whose sha256 matches the manifest.

    An altered text is skipped with one warning line; no article at all is one error line with the hint.
    """
    man = json.loads(MANIFEST.read_text(encoding="utf-8"))
    out = []
    for a in man["articles"]:
        if a["split"] not in splits:
            continue
        p = cache / f"{a['id']}.txt"
        if not p.is_file():
            continue
        data = p.read_bytes()
        if hashlib.sha256(data).hexdigest() != a["sha256"]:
            print(f"warning: {p}: altered (sha256 differs from the manifest); skipped", file=sys.stderr)
            continue
        out.append((a, data.decode("utf-8")))
    if not out:
        raise SystemExit(f"error: no cached article of {', '.join(splits)} in {cache}; "
                         "build the cache with tools/news_cache.py build --from FOLDER")
    return out


#: Feature prefixes left out of the model (``--without rule``: a model that does not see the rules).
WITHOUT: tuple[str, ...] = ()
#: Splits the rules were tuned on (``--rules-tuned-on dev,dev2``): their examples are fitted without the rules'
#: features, so the weight of "the rules proposed it" is learned only from text the rules were not written on.
TUNED: tuple[str, ...] = ()
#: ``replace``: the model decides every USD figure; ``fill``: only those the rules proposed no deal for.
MODE = "replace"


def design(arts: list[Any], vocab: dict[str, int] | None = None, min_articles: int = 2,
           ) -> tuple[Any, np.ndarray, dict[str, int]]:
    """The sparse design matrix, labels and vocabulary (features in >= ``min_articles`` articles)."""
    import scipy.sparse as sp

    if vocab is None:
        seen: Counter[str] = Counter()
        for art in arts:
            feats: set[str] = set()
            for fc in art.figs:
                for c in fc.cands:
                    feats.update(c.features)
            seen.update(feats)
        vocab = {f: i for i, f in enumerate(sorted(f for f, n in seen.items()
                                                   if n >= min_articles and not (WITHOUT and f.startswith(WITHOUT))))}
    rows, cols, y = [], [], []
    r = 0
    for art in arts:
        blind = bool(TUNED) and getattr(art, "ann", {}).get("split") in TUNED
        for fc, labels in zip(art.figs, art.labels, strict=True):
            for c, lab in zip(fc.cands, labels, strict=True):
                for f in c.features:  # a repeated name counts twice, as in ClaimModel.score
                    if blind and f.startswith("rule"):
                        continue
                    j = vocab.get(f)
                    if j is not None:
                        rows.append(r)
                        cols.append(j)
                y.append(lab)
                r += 1
    x = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(r, len(vocab)))
    return x, np.asarray(y, dtype=float), vocab


def fit(x: Any, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression (bias not penalised): weights and bias, by L-BFGS.

    Minimises ``sum_i log(1 + exp(-s_i z_i)) + ||w||^2 / (2 c)`` with ``s_i = 2 y_i - 1``.
    """
    from scipy.optimize import minimize

    n, d = x.shape
    s = 2 * y - 1

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:d], theta[d]
        z = x @ w + b
        m = -s * z
        lv = np.logaddexp(0, m)
        g = -s * (1 / (1 + np.exp(-m)))
        grad = np.empty(d + 1)
        grad[:d] = x.T @ g + w / c
        grad[d] = g.sum()
        return float(lv.sum() + w @ w / (2 * c)), grad

    res = minimize(loss, np.zeros(d + 1), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return res.x[:d], float(res.x[d])


def model_of(w: np.ndarray, b: float, vocab: dict[str, int], threshold: float,
             meta: dict[str, Any] | None = None) -> ClaimModel:
    """A :class:`ClaimModel` from fitted weights (zero weights dropped)."""
    weights = {f: round(float(w[j]), 5) for f, j in vocab.items() if abs(w[j]) >= 1e-5}
    return ClaimModel(weights, round(b, 5), threshold, meta or {})


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The benchmark's summary (precision, recall, F1...) of article scores."""
    return BENCH.summarise(rows)


def folds_of(arts: list[Article], k: int) -> list[int]:
    """Fold of each article: round robin over articles sorted by id within each language (stratified)."""
    out = [0] * len(arts)
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i, a in enumerate(arts):
        by_lang[a.language].append(i)
    n = 0
    for lang in sorted(by_lang):
        for i in sorted(by_lang[lang], key=lambda i: arts[i].id):
            out[i] = n % k
            n += 1
    return out


def cmd_candidates(args: argparse.Namespace) -> int:
    """Print the candidates' upper-bound recall per split and language."""
    splits = tuple(s for s in args.splits.split(","))
    arts = load(splits, args.cache)
    tab: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for a in arts:
        for key in ((a.ann["split"], a.language), (a.ann["split"], "all")):
            t = tab[key]
            t["gold"] += len(a.ann.get("claims", []))
            t["figure"] += len(a.figure_found)
            t["covered"] += len(a.covered)
            t["figures"] += len(a.figs)
            t["cands"] += sum(len(fc.cands) for fc in a.figs)
    print(f"{'split':5} {'language':8} {'gold':>5} {'figure found':>12} {'pair among candidates':>22} "
          f"{'USD figures':>11} {'cands/figure':>12}")
    for (sp, lang), t in sorted(tab.items()):
        share = t["covered"] / max(1, t["gold"])
        print(f"{sp:5} {lang:8} {t['gold']:5} {t['figure']:12} {t['covered']:12} ({share:.3f})"
              f"      {t['figures']:11} {t['cands'] / max(1, t['figures']):12.1f}")
    if args.missing:
        for a in arts:
            for gi, g in enumerate(a.ann.get("claims", [])):
                if gi not in a.covered:
                    why = "pair" if gi in a.figure_found else "figure"
                    print(f"  {a.id:6} no {why:6} {g['direction']:30} {g['amount']['text']}")
    return 0


def cross_validate(arts: list[Article], k: int, cs: list[float], thresholds: list[float],
                   min_articles: int, extra: list[Unit] | None = None,
                   new_thresholds: list[float] | None = None) -> dict[str, Any]:
    """Out-of-fold scores of the rules and of the model for each (c, threshold), per language."""
    fold = folds_of(arts, k)
    oof: dict[tuple[float, float, float], list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for f in range(k):
        train = [a for a, g in zip(arts, fold, strict=True) if g != f]
        test = [a for a, g in zip(arts, fold, strict=True) if g == f]
        x, y, vocab = design([*train, *(extra or [])], min_articles=min_articles)
        for c in cs:
            w, b = fit(x, y, c)
            for t in thresholds:
                for t2 in (new_thresholds or [t]):
                    m = model_of(w, b, vocab, t, {"mode": MODE, "threshold_new": t2})
                    for a in test:
                        oof[(c, t, t2)].append((a.language, a.ann["split"], a.score(m)))
    rules = [(a.language, a.ann["split"], a.score(None)) for a in arts]
    out: dict[str, Any] = {"folds": k, "articles": len(arts), "rules": _by_lang(rules), "model": {},
                           "f1_gain_ci95": {}}
    by_id = {a.id: i for i, a in enumerate(arts)}
    order = [by_id[a.id] for f in range(k) for a, g in zip(arts, fold, strict=True) if g == f]
    for (c, t, t2), rows in sorted(oof.items()):
        name = f"c={c} t={t} t2={t2}"
        out["model"][name] = _by_lang(rows)
        model_rows = [None] * len(arts)
        for i, row in zip(order, rows, strict=True):
            model_rows[i] = row[2]
        out["f1_gain_ci95"][name] = _bootstrap_gain([r[2] for r in rules], model_rows)
        for sp in sorted({a.ann["split"] for a in arts}):
            keep = [i for i, a in enumerate(arts) if a.ann["split"] == sp]
            out["f1_gain_ci95"][f"{name} split:{sp}"] = _bootstrap_gain([rules[i][2] for i in keep],
                                                                        [model_rows[i] for i in keep])
    return out


def _f1(rows: list[dict[str, Any]]) -> float:
    g = sum(r["gold"] for r in rows)
    p = sum(r["proposed"] for r in rows)
    m = sum(r["matched"] for r in rows)
    return 2 * m / (g + p) if g + p else 0.0


def _bootstrap_gain(rules: list[dict[str, Any]], model: list[Any], n: int = 2000, seed: int = 20251015,
                    ) -> list[float]:
    """95% interval of F1(model) - F1(rules) over articles resampled with replacement (paired bootstrap)."""
    rng = np.random.default_rng(seed)
    k = len(rules)
    gains = []
    for _ in range(n):
        idx = rng.integers(0, k, k)
        gains.append(_f1([model[i] for i in idx]) - _f1([rules[i] for i in idx]))
    lo, hi = np.percentile(gains, [2.5, 97.5])
    return [round(float(lo), 3), round(float(hi), 3)]


def _by_lang(rows: list[tuple[str, str, dict[str, Any]]]) -> dict[str, Any]:
    res = {lang: summary([r for la, _, r in rows if la == lang]) for lang in LANGS}
    res["all"] = summary([r for _, _, r in rows])
    for sp in sorted({s for _, s, _ in rows}):
        res[f"split:{sp}"] = summary([r for _, s, r in rows if s == sp])
    return res


def _line(name: str, s: dict[str, Any]) -> str:
    parts = [f"{lang} {s[lang]['precision']:.3f}/{s[lang]['recall']:.3f}" for lang in LANGS]
    parts += [f"{k[6:]} {v['precision']:.3f}/{v['recall']:.3f}" for k, v in s.items() if k.startswith("split:")]
    a = s["all"]
    return (f"{name:18} all P {a['precision']:.3f} R {a['recall']:.3f} F1 {a['f1']:.3f} "
            f"negFP {a['hard_negative_fp_rate']:.3f} | " + "  ".join(parts))


def cmd_cv(args: argparse.Namespace) -> int:
    """Print (or --json) the cross-validated scores of the rules and of each setting of the model."""
    arts = load(tuple(args.splits.split(",")), args.cache)
    cs = [float(v) for v in args.c.split(",")]
    ts = [float(v) for v in args.thresholds.split(",")]
    t0 = time.time()
    extra = ledger_units(args.ledger_quotes)
    t2s = [float(v) for v in args.new_thresholds.split(",")] if args.new_thresholds else None
    res = cross_validate(arts, args.folds, cs, ts, args.min_articles, extra, t2s)
    if args.json:
        print(json.dumps(res, indent=1, sort_keys=True))
        return 0
    print(f"{res['articles']} articles of {args.splits}, {res['folds']}-fold grouped by article "
          f"({time.time() - t0:.0f} s)")
    print(_line("rules", res["rules"]))
    best = max(res["model"].items(), key=lambda kv: kv[1]["all"]["f1"])
    for name, s in res["model"].items():
        lo, hi = res["f1_gain_ci95"][name]
        print(_line(name, s) + f"  F1 gain 95% [{lo:+.3f}, {hi:+.3f}]" + ("   <- best F1" if name == best[0] else ""))
    if args.gain_by_split:
        for name, (lo, hi) in res["f1_gain_ci95"].items():
            if " split:" in name:
                print(f"  F1 gain of {name}: 95% [{lo:+.3f}, {hi:+.3f}]")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    """Fit on every training article and write the model JSON atomically."""
    splits = tuple(args.splits.split(","))
    arts = load(splits, args.cache)
    extra = ledger_units(args.ledger_quotes)
    x, y, vocab = design([*arts, *extra], min_articles=args.min_articles)
    w, b = fit(x, y, args.c)
    meta = {"trained_on": sorted({a.ann["split"] for a in arts}), "articles": len(arts),
            "ledger_quotes": args.ledger_quotes, "quotes": len(extra),
            "candidates": int(x.shape[0]), "positives": int(y.sum()), "features": len(vocab), "c": args.c,
            "min_articles": args.min_articles, "threshold_from": args.threshold_from,
            "model": "L2 logistic regression (Cox 1958) over candidate (payer, payee) readings of a USD figure",
            "tool": "tools/train_claims.py"}
    if args.threshold_new is not None:
        meta["threshold_new"] = args.threshold_new
    m = model_of(w, b, vocab, args.threshold, meta)
    data = {"format": 1, "bias": m.bias, "threshold": m.threshold, "meta": meta,
            "weights": dict(sorted(m.weights.items()))}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=False) + "\n", encoding="utf-8")
    tmp.replace(out)
    print(f"wrote {out}: {len(m.weights)} weights from {len(arts)} articles ({int(y.sum())} positive of "
          f"{x.shape[0]} candidates), c={args.c}, threshold {args.threshold}")
    top = sorted(m.weights.items(), key=lambda kv: -abs(kv[1]))[:args.show]
    for f, v in top:
        print(f"  {v:+8.3f}  {f}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Score the validation split with the rules and with the model."""
    arts = load((VALID,), args.cache)
    from dealweb.extract.learned import load_model

    m = load_model(str(args.model) if args.model else None)
    rules = _by_lang([(a.language, VALID, a.score(None)) for a in arts])
    model = _by_lang([(a.language, VALID, a.score(m)) for a in arts])
    if args.json:
        print(json.dumps({"rules": rules, "model": model}, indent=1, sort_keys=True))
        return 0
    print(f"{len(arts)} articles of {VALID} (validation: never trained or tuned on)")
    print(_line("rules", rules))
    print(_line("model", model))
    for name, s in (("rules", rules), ("model", model)):
        print(f"  {name} errors: {s['all']['errors']}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="examples:\n  python tools/train_claims.py candidates\n"
                                        "  python tools/train_claims.py cv --folds 10\n"
                                        "  python tools/train_claims.py train --c 1 --threshold 0.5\n"
                                        "  python tools/train_claims.py validate")
    ap.add_argument("--cache", type=Path, default=None, help="folder of <id>.txt (default $DEALWEB_NEWS_CACHE "
                                                             "or ~/.cache/dealweb/news)")
    ap.add_argument("--ledger-quotes", default="ai-deals-2025-26", metavar="NAME",
                    help="also train on the USD deal quotes of this bundled ledger (none: do not)")
    ap.add_argument("--mode", choices=["replace", "fill"], default="replace",
                    help="replace: the model decides every USD figure; fill: only figures the rules left")
    ap.add_argument("--rules-tuned-on", default="", metavar="SPLITS",
                    help="splits the rules were tuned on: fitted without the rules' features (e.g. dev,dev2)")
    ap.add_argument("--without", default="", metavar="PREFIXES",
                    help="leave out features starting with these (comma list), e.g. rule (the rules' proposals)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    present = _present_training_splits()
    p = sub.add_parser("candidates", help="upper-bound recall of the candidates")
    p.add_argument("--splits", default=",".join(present))
    p.add_argument("--missing", action="store_true", help="list the gold claims no candidate covers")
    p = sub.add_parser("cv", help="grouped k-fold cross-validation, end to end")
    p.add_argument("--splits", default=",".join(present))
    p.add_argument("--folds", type=int, default=10)
    p.add_argument("--c", default="0.3,1,3", help="regularisation strengths (comma list)")
    p.add_argument("--thresholds", default="0.3,0.4,0.5,0.6,0.7")
    p.add_argument("--new-thresholds", default="", help="thresholds for figures the rules proposed no deal for "
                                                         "(comma list; default: the same as --thresholds)")
    p.add_argument("--min-articles", type=int, default=2)
    p.add_argument("--gain-by-split", action="store_true",
                   help="also print the bootstrap interval of the F1 gain within each split (dev4: text the rules "
                        "were not written on)")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("train", help="fit on every training article and write the model JSON")
    p.add_argument("--splits", default=",".join(present))
    p.add_argument("--c", type=float, default=1.0)
    p.add_argument("--threshold", type=float, default=0.5)
    p.add_argument("--threshold-new", type=float, default=None,
                   help="threshold for figures the rules proposed no deal for (default: --threshold)")
    p.add_argument("--threshold-from", default="cv", help="a note kept in the model's meta")
    p.add_argument("--min-articles", type=int, default=2)
    p.add_argument("--out", default=str(MODEL_FILE))
    p.add_argument("--show", type=int, default=25, help="print the largest weights")
    p = sub.add_parser("validate", help="score dev3 (validation) with the rules and the model")
    p.add_argument("--model", type=Path, default=None)
    p.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    global WITHOUT, MODE, TUNED
    MODE = args.mode
    TUNED = tuple(x for x in args.rules_tuned_on.split(",") if x)
    WITHOUT = tuple(args.without.split(",")) if args.without else ()
    args.cache = args.cache or default_cache()
    if getattr(args, "splits", None) and "test" in args.splits.split(","):
        ap.error("--splits: the test split is frozen; this tool never reads it")
    return {"candidates": cmd_candidates, "cv": cmd_cv, "train": cmd_train, "validate": cmd_validate}[args.cmd](args)


def _present_training_splits() -> tuple[str, ...]:
    man = json.loads(MANIFEST.read_text(encoding="utf-8"))
    have = {a["split"] for a in man["articles"]}
    return tuple(s for s in TRAIN if s in have)


if __name__ == "__main__":
    raise SystemExit(main())
