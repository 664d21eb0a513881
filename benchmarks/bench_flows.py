"""Flows table speed and memory: ``build_flows`` on 10^6 synthetic deals, beside the snapshot.

Run:  python benchmarks/bench_flows.py                 (10^6 deals; about a minute on 2 cores)
      python benchmarks/bench_flows.py --deals 100000  (smaller, for a smoke check)

The synthetic ledger: ``--entities`` firms (default 10^5) and ``--deals`` deals between random distinct
pairs, of mixed types (compute contracts, chip purchases, equity, debt), statuses (signed 60 %, announced
20 %, completed 10 %, rumoured 5 %, cancelled 5 %) and amounts (exact 70 %, "about" 15 %, "up to" 10 %,
vague 5 %); 60 % have a term (start 2025-2028, 1-5 years; flat 70 %, ramp 20 %, upfront 10 %), the rest
none (one undated row). Each deal cites one of 1,000 documents, 5 % of them undated. ``--versioned``
(default 5 %) of the deals also cite an earlier document that gave another figure (80 % of today's, flagged
``superseded``): as of a date between the two documents they are read claim by claim (issue 10, part 3).
Seeded (``--seed``).

Rows compared:

* ``ledger build``: making the Deal objects (not part of any dealweb step; shown for scale);
* ``build_flows``: the whole dated flows table (statuses, known dates, schedules by shape on calendar
  quarters, policy), and with ``as_of`` (the no-look-ahead filter on top);
* ``snapshot (from flows)``: today's ``dealweb.graph.snapshot``, which aggregates the flows table to a web;
* ``edges from deals (before issue 10)``: the per-deal loop the snapshot used before the flows layer
  (pairwise flows -> USD at mid -> edge arrays; no schedule, no status, no known dates), kept here only as
  a baseline.

Memory: peak resident set size of the process (``ru_maxrss``) after each step, and the table's own bytes.
Time: wall clock and the process's CPU time (on a shared machine the wall clock grows with the load average,
printed first; the CPU time does not).
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import time
from datetime import date, timedelta

import numpy as np


def rss_gb() -> float:
    """Peak resident set size of this process so far, GB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def synthetic_ledger(n_deals: int, n_entities: int, seed: int,  # noqa: ANN201 - dealweb.model.Ledger
                     versioned: float = 0.05):
    """A seeded synthetic ledger (see the module docstring)."""
    from dealweb.model import Claim, Deal, Document, Entity, Ledger, Status
    from dealweb.money import Amount, Qualifier

    rng = np.random.default_rng(seed)
    ents = {f"e{i}": Entity(f"e{i}", {"en": f"e{i}"}) for i in range(n_entities)}
    docs = {}
    base = date(2024, 1, 1)
    for k in range(1000):
        dated = rng.random() >= 0.05
        docs[f"d{k}"] = Document(f"d{k}", f"doc {k}",
                                 date=base + timedelta(days=int(rng.integers(0, 900))) if dated else None)
    claims = [(Claim(f"d{k}", "q"),) for k in range(1000)]
    src = rng.integers(0, n_entities, n_deals)
    dst = (src + rng.integers(1, n_entities, n_deals)) % n_entities
    types = np.asarray(["compute_contract", "chip_purchase", "equity_investment", "debt_financing"])[
        rng.integers(0, 4, n_deals)]
    statuses = np.asarray([Status.SIGNED, Status.ANNOUNCED, Status.COMPLETED, Status.RUMOURED, Status.CANCELLED],
                          dtype=object)[rng.choice(5, n_deals, p=[0.6, 0.2, 0.1, 0.05, 0.05])]
    size = np.exp(rng.normal(20, 2, n_deals))
    qual = rng.choice(4, n_deals, p=[0.7, 0.15, 0.1, 0.05])
    has_term = rng.random(n_deals) < 0.6
    starts = rng.integers(0, 4 * 365, n_deals)
    years = rng.integers(1, 6, n_deals)
    shapes = np.asarray(["flat", "ramp", "upfront"])[rng.choice(3, n_deals, p=[0.7, 0.2, 0.1])]
    doc_of = rng.integers(0, 1000, n_deals)
    early_of = rng.integers(0, 1000, n_deals)
    is_versioned = rng.random(n_deals) < versioned
    t0 = date(2025, 1, 1)
    deals = {}
    for i in range(n_deals):
        x = float(size[i])
        q = int(qual[i])
        if q == 0:
            a = Amount(x, x, Qualifier.EXACT, "USD", nominal=x)
        elif q == 1:
            a = Amount(0.9 * x, 1.1 * x, Qualifier.ABOUT, "USD", nominal=x)
        elif q == 2:
            a = Amount(0.0, x, Qualifier.UP_TO, "USD", nominal=x)
        else:
            a = Amount(2 * x, 9 * x, Qualifier.VAGUE, "USD")
        did = f"x{i}"
        term = bool(has_term[i])
        cl = claims[doc_of[i]]
        if is_versioned[i]:
            k = int(early_of[i])
            cl = (Claim(f"d{k}", "q", stated="earlier figure", amount=a.scaled(0.8), flag="superseded"), *cl)
        deals[did] = Deal(did, str(types[i]), f"e{src[i]}", f"e{dst[i]}", amount=a,
                          term_start=t0 + timedelta(days=int(starts[i])) if term else None,
                          term_years=float(years[i]) if term else None, schedule=str(shapes[i]) if term else "flat",
                          status=statuses[i], claims=cl)
    return Ledger(name="synthetic", entities=ents, documents=docs, deals=deals)


def edges_before(ledger) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # noqa: ANN001
    """The pre-flows snapshot's loop: every live deal's pairwise flows as USD edges at the middle."""
    index = {e: i for i, e in enumerate(ledger.entities)}
    src, dst, amt = [], [], []
    for deal in ledger.deals_on(None):
        for f in deal.pairwise_flows():
            if f.amount is None:
                continue
            v = f.amount.usd("mid")
            if v is None or v <= 0:
                continue
            src.append(index[f.payer])
            dst.append(index[f.payee])
            amt.append(v)
    return np.asarray(src), np.asarray(dst), np.asarray(amt)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--deals", type=int, default=1_000_000)
    ap.add_argument("--entities", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--versioned", type=float, default=0.05,
                    help="share of deals with an earlier, superseded figure from another document")
    args = ap.parse_args()

    from dealweb.flows import build_flows
    from dealweb.graph import snapshot

    rows: list[tuple[str, float, float, float, str]] = []
    clock = {"cpu": time.process_time()}

    def cpu() -> float:
        now = time.process_time()
        used, clock["cpu"] = now - clock["cpu"], now
        return used

    t = time.perf_counter()
    gc.disable()  # building 10^6 frozen records: no cycles to collect
    ledger = synthetic_ledger(args.deals, args.entities, args.seed, args.versioned)
    gc.enable()
    rows.append(("ledger build (not a dealweb step)", time.perf_counter() - t, cpu(), rss_gb(),
                 f"{args.deals:,} deals"))
    cpu()
    t = time.perf_counter()
    fl = build_flows(ledger)
    dt = time.perf_counter() - t
    nbytes = sum(getattr(fl, c).nbytes for c in ("payer", "payee", "deal", "kind", "status", "basis", "shape",
                                                 "period_start", "period_end", "low", "mid", "high", "open_high",
                                                 "value", "term_years", "cash", "trigger", "source", "assumed",
                                                 "known_from"))
    tot = fl.totals()
    rows.append(("build_flows", dt, cpu(), rss_gb(), f"{len(fl):,} rows, table {nbytes / 1e9:.2f} GB; firm "
                 f"${tot['firm'] / 1e12:,.1f}T, conditional ${tot['conditional'] / 1e12:,.1f}T"))
    t = time.perf_counter()
    fl_at = build_flows(ledger, as_of=date(2025, 6, 30))
    rows.append(("build_flows(as_of=2025-06-30)", time.perf_counter() - t, cpu(), rss_gb(),
                 f"{len(fl_at):,} rows; {len(fl_at.unknown_date):,} unknown date, "
                 f"{len(fl_at.not_yet_known):,} not yet known; {len(fl_at.versions):,} deals read as of the date "
                 "(an earlier figure)"))
    del fl_at
    cpu()
    t = time.perf_counter()
    web = snapshot(ledger, flows=fl)
    rows.append(("snapshot (from flows, firm)", time.perf_counter() - t, cpu(), rss_gb(), f"{web.m:,} edges"))
    cpu()
    t = time.perf_counter()
    s, d, a = edges_before(ledger)
    rows.append(("edges from deals (before issue 10)", time.perf_counter() - t, cpu(), rss_gb(),
                 f"{a.size:,} edges (firm and conditional mixed)"))
    print(f"flows table, {args.deals:,} synthetic deals, {args.entities:,} entities, seed {args.seed}")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall time grows with it; CPU "
          "time is the process's own)")
    print(f"{'step':40s} {'wall s':>8s} {'CPU s':>8s} {'peak RSS GB':>12s}  result")
    for name, sec, c, gb, note in rows:
        print(f"{name:40s} {sec:8.2f} {c:8.2f} {gb:12.2f}  {note}")


if __name__ == "__main__":
    main()
