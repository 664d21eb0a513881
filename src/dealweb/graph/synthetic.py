"""Synthetic deal networks with the shape of real ones, for tests at scale and benchmarks.

The generator is a directed Chung-Lu model (Chung & Lu 2002): each entity gets an expected out-degree
and in-degree proportional to a heavy-tailed "size" (Pareto, tail index ``tail``) times a lognormal
factor, and ``n_edges`` payer/payee pairs are drawn with probabilities proportional to those weights, so
that degrees are heavy-tailed and large payers also tend to be large payees. Then a share
``reciprocity`` of edges get a reverse edge (two firms that buy from each other), and a share
``triangles`` of edges ``a -> b`` are closed into a three-loop ``a -> b -> c -> a`` through a random
payee ``c`` of ``b`` (the "circular deal" motif). Amounts are lognormal (``sigma``), scaled by
``(size_payer * size_payee) ** 0.25``, so they are heavy-tailed too. Entities get kinds (a few end-customer
markets, governments and funds, companies otherwise) and flows get deal types by payer kind (markets pay
revenue, funds invest or lend, companies buy services and chips). Self-flows and duplicate pairs are
removed; the result has exactly ``n_edges`` edges when possible.

Reference:
    F. Chung, L. Lu (2002), "Connected components in random graphs with given expected degree sequences",
    Annals of Combinatorics 6:125-145, doi:10.1007/PL00012580.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dealweb.graph.web import Web, _assemble

__all__ = ["synthetic_web"]


def _dedupe(src: np.ndarray, dst: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    keep = src != dst
    key = np.unique(src[keep] * n + dst[keep])
    return key // n, key % n


def synthetic_web(
    n_edges: int,
    seed: int = 0,
    n_nodes: int | None = None,
    tail: float = 1.5,
    reciprocity: float = 0.05,
    triangles: float = 0.05,
    sigma: float = 1.5,
    median_amount: float = 5e7,
) -> Web:
    """A seeded synthetic deal web with heavy-tailed degrees and amounts, some reciprocity and 3-loops.

    Args:
        n_edges: number of (aggregated) edges wanted.
        seed: seed of the ``numpy.random.Generator``; the same seed gives the same web.
        n_nodes: number of entities (default ``max(10, n_edges // 8)``).
        tail: Pareto tail index of entity sizes (smaller: heavier tail).
        reciprocity: share of edges that get a reverse edge.
        triangles: share of edges closed into three-loops.
        sigma: lognormal sigma of amounts.
        median_amount: median amount before size scaling, USD.

    Returns:
        The :class:`Web`; ``notes`` records the parameters and the seed.
    """
    if n_edges < 1:
        raise ValueError("n_edges must be at least 1")
    n = int(n_nodes or max(10, n_edges // 8))
    rng = np.random.default_rng(seed)
    size = rng.pareto(tail, n) + 1.0
    w_out = size * rng.lognormal(0.0, 0.5, n)
    w_in = size * rng.lognormal(0.0, 0.5, n)
    p_out = np.cumsum(w_out / w_out.sum())
    p_in = np.cumsum(w_in / w_in.sum())
    src = np.zeros(0, dtype=np.int64)
    dst = np.zeros(0, dtype=np.int64)
    target = n_edges
    for _ in range(20):
        need = int((target - src.size) * 1.3) + 16
        s = np.minimum(np.searchsorted(p_out, rng.random(need)), n - 1)
        d = np.minimum(np.searchsorted(p_in, rng.random(need)), n - 1)
        src, dst = _dedupe(np.concatenate([src, s]), np.concatenate([dst, d]), n)
        if src.size >= target * (1 - reciprocity - triangles):
            break
    base = int(target * (1 - reciprocity - triangles))
    if src.size > base:
        pick = rng.choice(src.size, base, replace=False)
        src, dst = src[pick], dst[pick]
    # reciprocity: reverse a share of edges
    k = int(round(reciprocity * target))
    if k and src.size:
        e = rng.integers(0, src.size, k)
        src, dst = np.concatenate([src, dst[e]]), np.concatenate([dst, src[e]])
    # triangles: a -> b, b -> c  =>  add c -> a
    k = int(round(triangles * target))
    if k and src.size:
        order = np.argsort(src, kind="stable")
        ss, dd = src[order], dst[order]
        start = np.searchsorted(ss, np.arange(n))
        count = np.searchsorted(ss, np.arange(n), side="right") - start
        e = rng.integers(0, src.size, k)
        a, b = src[e], dst[e]
        has = count[b] > 0
        a, b = a[has], b[has]
        c = dd[start[b] + (rng.random(b.size) * count[b]).astype(np.int64)]
        src, dst = np.concatenate([src, c]), np.concatenate([dst, a])
    src, dst = _dedupe(src, dst, n)
    for _ in range(20):  # top up what duplicates removed
        if src.size >= target:
            break
        need = int((target - src.size) * 1.3) + 16
        s = np.minimum(np.searchsorted(p_out, rng.random(need)), n - 1)
        d = np.minimum(np.searchsorted(p_in, rng.random(need)), n - 1)
        extra_s, extra_d = _dedupe(s, d, n)
        old = np.unique(src * n + dst)
        new = extra_s * n + extra_d
        new = new[~np.isin(new, old)]
        if new.size > target - src.size:
            new = rng.choice(new, target - src.size, replace=False)
        src, dst = np.concatenate([src, new // n]), np.concatenate([dst, new % n])
    if src.size > target:
        pick = np.sort(rng.choice(src.size, target, replace=False))
        src, dst = src[pick], dst[pick]
    m = src.size
    amount = rng.lognormal(np.log(median_amount), sigma, m) * (size[src] * size[dst]) ** 0.25
    # entity kinds: 3% markets, 1% governments, 8% funds, companies otherwise (at least one market)
    u = rng.random(n)
    kinds = np.where(u < 0.03, "market", np.where(u < 0.04, "government", np.where(u < 0.12, "fund", "company")))
    kinds[0] = "market"
    types = np.empty(m, dtype=object)
    sk = kinds[src]
    v = rng.random(m)
    types[:] = np.where(v < 0.6, "compute_contract", "chip_purchase")
    company = sk == "company"
    types[company & (v >= 0.85)] = "equity_investment"
    types[company & (v >= 0.95)] = "debt_financing"
    types[sk == "fund"] = np.where(v[sk == "fund"] < 0.7, "equity_investment", "debt_financing")
    types[sk == "government"] = "equity_investment"
    types[sk == "market"] = "revenue"
    from dealweb.graph.web import _kind_of

    kind = np.asarray([_kind_of(t) for t in types.tolist()], dtype=object)
    width = len(str(n - 1))
    ids = tuple(f"e{i:0{width}d}" for i in range(n))
    note = (f"synthetic_web(n_edges={n_edges}, seed={seed}, n_nodes={n}, tail={tail}, reciprocity={reciprocity}, "
            f"triangles={triangles}, sigma={sigma}, median_amount={median_amount})")
    return _assemble(ids, src, dst, amount, kind, None, tuple(kinds.tolist()), ids, notes=(note,))


def synthetic_ledger(n_firms: int, seed: int = 0, edges_per_firm: float = 2.0, conditional: float = 0.2) -> Any:
    """A :class:`~dealweb.model.Ledger` of ``n_firms`` firms drawn from :func:`synthetic_web` (for the faces).

    Each synthetic edge becomes one deal with a USD amount (``conditional`` of them a letter of intent, the
    rest signed) dated in 2025 by quarter, so the map, the report and their tests can be run at any size.
    The same ``seed`` gives the same ledger.
    """
    from datetime import date

    from dealweb.model import Deal, Entity, EntityKind, Ledger, Status
    from dealweb.money import parse_amount

    web = synthetic_web(max(1, int(round(n_firms * edges_per_firm))), seed=seed, n_nodes=n_firms)
    rng = np.random.default_rng(seed + 1)
    kinds = {k.value for k in EntityKind}
    ents = {i: Entity(i, {"en": f"Firm {i[1:]}"},
                      kind=EntityKind(str(k)) if str(k) in kinds else EntityKind.COMPANY)
            for i, k in zip(web.ids, web.entity_kinds, strict=True)}
    deals = {}
    types = web.types if hasattr(web, "types") else None
    for k in range(web.src.size):
        a, b = web.ids[int(web.src[k])], web.ids[int(web.dst[k])]
        typ = {"investment": "equity_investment", "debt": "debt_financing", "services": "compute_contract",
               "hardware": "chip_purchase", "revenue": "revenue", "warrant": "warrant"}[str(web.kind[k])]
        if types is not None:
            typ = str(types[k])
        usd = float(web.amount[k])
        cond = rng.random() < conditional
        did = f"d{k:05d}"
        deals[did] = Deal(did, typ, a, b, amount=parse_amount(f"${usd / 1e6:.1f} million"),
                          status=Status.LETTER_OF_INTENT if cond else Status.SIGNED,
                          announced=date(2025, 1 + 3 * int(rng.integers(0, 4)), 15), title=f"{a} to {b}")
    return Ledger(name=f"synthetic-{n_firms}", entities=ents, deals=deals)
