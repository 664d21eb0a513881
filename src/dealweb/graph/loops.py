"""Money loops: simple cycles of the web, their bottlenecks, and the share of flow that circulates.

A *loop* is a simple directed cycle ``v0 -> v1 -> ... -> v(k-1) -> v0`` of the aggregated web (no entity
twice; a figure-eight walk is two loops, not one). Its *bottleneck* is the smallest aggregated flow on its
hops: the most money that could go round it. Loops are found by a length-bounded depth-first search in the
spirit of Johnson (1975): every cycle is reported once, from its smallest-index node ``s``, by searching
only nodes with index above ``s``; the search stays inside strongly connected components (an edge between
two components lies on no cycle) and is pruned by breadth-first distances back to ``s``, so a path is
extended only when it can still close within ``max_length`` hops. When only the ``top`` loops by
bottleneck are wanted, the search is a branch and bound: a path whose running bottleneck falls below the
current ``top``-th best cannot lead to a better loop and is cut, and the search first runs on the
subgraph of the largest flows, widening it only until ``top`` loops are found there.

References:
    D. B. Johnson (1975), "Finding all the elementary circuits of a directed graph", SIAM J. Comput.
    4(1):77-84, doi:10.1137/0204007.
    R. K. Ahuja, T. L. Magnanti, J. B. Orlin (1993), *Network Flows: Theory, Algorithms, and
    Applications*, Prentice Hall (circulations and flow decomposition).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from dealweb.graph.web import NonCash, Web

if TYPE_CHECKING:
    from dealweb.model import Ledger

__all__ = ["CIRCULATION_METHODS", "Circulation", "Loop", "LoopResult", "circulation", "loop_counts", "loop_sources",
           "loops"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Loop:
    """One simple cycle of the web.

    Attributes:
        nodes: entity indices in flow order (``nodes[k]`` pays ``nodes[k+1]``; the last pays the first),
            rotated to start at the payer of the loop's largest hop (on a tie, the smallest id): OpenAI
            -> Oracle -> Nvidia -> OpenAI starts at OpenAI, whose $300B is the loop's largest flow.
        entities: the ids of ``nodes``.
        amounts: aggregated USD flow of each hop ``nodes[k] -> nodes[k+1]``.
        deals: for each hop, the labels (deal ids) of the flows on it, largest first.
        bottleneck: ``min(amounts)`` in USD.
        conditional_deals: the deals on the loop that are conditional money ("up to", letters of intent,
            tranches, rumours); empty when the loop runs through firm money only.
    """

    nodes: tuple[int, ...]
    entities: tuple[str, ...]
    amounts: tuple[float, ...]
    deals: tuple[tuple[str, ...], ...]
    bottleneck: float
    conditional_deals: tuple[str, ...] = ()

    @property
    def conditional(self) -> bool:
        """Whether the loop runs through a conditional flow."""
        return bool(self.conditional_deals)

    @property
    def length(self) -> int:
        """Number of hops (= number of entities)."""
        return len(self.nodes)

    def as_dict(self) -> dict[str, object]:
        """Stable JSON keys: entities, deals, bottleneck, length, currency, hops, conditional(_deals).

        ``entities`` in flow order; ``deals`` every deal on the loop, hop by hop; ``bottleneck`` in USD;
        ``hops`` a list of {from, to, amount, deals, conditional}; ``conditional`` whether the loop runs
        through conditional money, ``conditional_deals`` which deals make it so.
        """
        k = len(self.entities)
        cond = set(self.conditional_deals)
        return {
            "entities": list(self.entities),
            "deals": list(dict.fromkeys(d for hop in self.deals for d in hop)),
            "bottleneck": self.bottleneck,
            "length": k,
            "currency": "USD",
            "hops": [{"from": self.entities[i], "to": self.entities[(i + 1) % k], "amount": self.amounts[i],
                      "deals": list(self.deals[i]), "conditional": any(d in cond for d in self.deals[i])}
                     for i in range(k)],
            "conditional": self.conditional,
            "conditional_deals": list(self.conditional_deals),
        }


def loop_sources(loop: Loop, ledger: Ledger) -> list[dict[str, object]]:
    """The sources of every deal on a loop: each claim's quote with its document's outlet, title and date.

    Args:
        loop: a loop found on a web built from ``ledger`` (its hop labels are the ledger's deal ids).
        ledger: the ledger the web was read from.

    Returns:
        One dict per claim, hop by hop in flow order, with stable keys ``deal``, ``document``, ``outlet``,
        ``title``, ``date`` (ISO or None), ``quote``, ``field`` and ``flag`` (``joke``, ``unit_slip``...,
        or None). A deal with no claim gives one row with ``document`` None, so an unsourced hop shows.
        Labels that are not deal ids of ``ledger`` (an edge-list web) give no rows.
    """
    rows: list[dict[str, object]] = []
    for deal_id in dict.fromkeys(d for hop in loop.deals for d in hop):
        deal = ledger.deals.get(deal_id)
        if deal is None:
            continue
        if not deal.claims:
            rows.append({"deal": deal_id, "document": None, "outlet": None, "title": None, "date": None,
                         "quote": None, "field": None, "flag": None})
        for cl in deal.claims:
            doc = ledger.documents.get(cl.document)
            rows.append({
                "deal": deal_id, "document": cl.document,
                "outlet": doc.outlet if doc else None, "title": doc.title if doc else None,
                "date": doc.date.isoformat() if doc and doc.date else None,
                "quote": cl.quote, "field": cl.field, "flag": cl.flag,
            })
    return rows


@dataclass(frozen=True, slots=True)
class LoopResult:
    """The loops found, best (largest bottleneck) first, and how complete the search was.

    Attributes:
        loops: the loops kept, ranked by bottleneck (descending), then length, then entity ids (read from
            the smallest id).
        max_length: the length bound used (``None``: unbounded).
        top: how many loops were asked for (``None``: all).
        complete: whether every loop within ``max_length`` was enumerated (then ``count`` and
            ``count_by_length`` are exact). A top-``N`` search prunes and does not count.
        count: number of loops within ``max_length`` (``None`` unless ``complete``).
        count_by_length: loops per length (``None`` unless ``complete``).
        truncated: the enumeration stopped at ``limit`` loops; the loops kept are the best among those seen.
        non_cash: flows whose value is in shares (warrants, deals paid in stock), left out of the search:
            value in shares is not money going round (:meth:`Web.cash_only`).
    """

    loops: tuple[Loop, ...]
    max_length: int | None
    top: int | None
    complete: bool
    count: int | None
    count_by_length: dict[int, int] | None
    truncated: bool
    non_cash: tuple[NonCash, ...] = ()


class _Stop(Exception):
    pass


def _canonical(web: Web, cyc: list[int]) -> tuple[int, ...]:
    k = min(range(len(cyc)), key=lambda t: web.ids[cyc[t]])
    return tuple(cyc[k:] + cyc[:k])


def _rank_key(lp: Loop) -> tuple[float, int, tuple[str, ...]]:
    """Ranking: larger bottleneck first, then shorter, then the ids read from the smallest one."""
    e = list(lp.entities)
    k = min(range(len(e)), key=lambda t: e[t])
    return (-lp.bottleneck, lp.length, tuple(e[k:] + e[:k]))


def _make_loop(web: Web, nodes: tuple[int, ...]) -> Loop:
    k = len(nodes)
    amounts = [web.amount_between(nodes[i], nodes[(i + 1) % k]) for i in range(k)]
    # start at the payer of the largest hop (ties: the smallest id), so the loop reads from its biggest payer
    t = min(range(k), key=lambda x: (-amounts[x], web.ids[nodes[x]]))
    nodes = nodes[t:] + nodes[:t]
    amounts = amounts[t:] + amounts[:t]
    deals = tuple(tuple(web.deals_between(nodes[i], nodes[(i + 1) % k])) for i in range(k))
    cond: tuple[str, ...] = ()
    if web.status is not None:
        cond = tuple(dict.fromkeys(web.edge_label(e) for i in range(k)
                                   for e in web.edges_between(nodes[i], nodes[(i + 1) % k]) if web.conditional_edge(e)))
    return Loop(nodes, tuple(web.ids[x] for x in nodes), tuple(amounts), deals, min(amounts), cond)


def _cycle_graph(flows: sp.csr_array, min_amount: float | None = None) -> tuple[
        np.ndarray, list[list[int]], list[list[float]], list[list[int]], list[int]]:
    """Restrict to edges inside nontrivial strong components; local adjacency sorted by amount, descending.

    Returns (global index of each local node, out-adjacency, out-amounts, in-adjacency, component size).
    """
    coo = flows.tocoo()
    r, c, d = coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data.astype(np.float64)
    if min_amount is not None:
        keep = d >= min_amount
        r, c, d = r[keep], c[keep], d[keep]
    n = flows.shape[0]
    if r.size == 0:
        return np.zeros(0, dtype=np.int64), [], [], [], []
    g = sp.csr_array((np.ones(r.size), (r, c)), shape=(n, n))
    ncomp, labels = connected_components(g, directed=True, connection="strong")
    sizes = np.bincount(labels, minlength=ncomp)
    inside = (labels[r] == labels[c]) & (sizes[labels[r]] > 1)
    r, c, d = r[inside], c[inside], d[inside]
    nodes = np.unique(np.concatenate([r, c]))
    loc = np.full(n, -1, dtype=np.int64)
    loc[nodes] = np.arange(nodes.size)
    lr, lc = loc[r], loc[c]
    order = np.lexsort((-d, lr))
    lr, lc, d = lr[order], lc[order], d[order]
    bounds = np.searchsorted(lr, np.arange(nodes.size + 1))
    lc_l, d_l = lc.tolist(), d.tolist()
    b = bounds.tolist()
    adj = [lc_l[b[i]:b[i + 1]] for i in range(nodes.size)]
    adjw = [d_l[b[i]:b[i + 1]] for i in range(nodes.size)]
    radj: list[list[int]] = [[] for _ in range(nodes.size)]
    for u, v in zip(lr.tolist(), lc_l, strict=True):
        radj[v].append(u)
    comp_size = sizes[labels[nodes]].tolist()
    return nodes, adj, adjw, radj, comp_size


def _search(
    adj: list[list[int]],
    adjw: list[list[float]],
    radj: list[list[int]],
    comp_size: list[int],
    max_length: int | None,
    on_cycle: Callable[[list[int], float], None],
    threshold: Callable[[], float],
    progress: Progress | None = None,
) -> None:
    """Every simple cycle (local indices, smallest first) within ``max_length`` hops, by bounded DFS.

    ``threshold()`` returns the running bottleneck below which a path is cut (``-inf``: never).
    """
    nloc = len(adj)
    inf = nloc + 1
    dist = [inf] * nloc
    onpath = [False] * nloc
    for s in range(nloc):
        if progress is not None and (s & 255) == 0:
            progress(s, nloc)
        kmax = comp_size[s] if max_length is None else min(max_length, comp_size[s])
        # distances back to s through nodes above s, up to kmax - 1 hops (reverse BFS)
        touched = [s]
        dist[s] = 0
        frontier = [s]
        depth = 0
        while frontier and depth < kmax - 1:
            depth += 1
            nxt = []
            for v in frontier:
                for u in radj[v]:
                    if u > s and dist[u] == inf:
                        dist[u] = depth
                        nxt.append(u)
                        touched.append(u)
            frontier = nxt
        if len(touched) > 1:
            path = [s]
            bns = [math.inf]
            ptr = [0]
            onpath[s] = True
            thr = threshold()
            while ptr:
                v = path[-1]
                k = ptr[-1]
                nb = adj[v]
                if k >= len(nb) or bns[-1] < thr:
                    ptr.pop()
                    onpath[path.pop()] = False
                    bns.pop()
                    continue
                ptr[-1] = k + 1
                a = adjw[v][k]
                if a < thr:
                    ptr[-1] = len(nb)  # amounts are sorted descending: the rest are smaller still
                    continue
                w = nb[k]
                if w == s:
                    on_cycle(path, min(bns[-1], a))
                    thr = threshold()
                elif w > s and not onpath[w] and len(path) + dist[w] <= kmax:
                    path.append(w)
                    bns.append(min(bns[-1], a))
                    ptr.append(0)
                    onpath[w] = True
        for u in touched:
            dist[u] = inf
    if progress is not None:
        progress(nloc, nloc)


def loops(
    web: Web,
    max_length: int | None = None,
    top: int | None = None,
    limit: int | None = 1_000_000,
    progress: Progress | None = None,
) -> LoopResult:
    """The simple cycles of the web, ranked by bottleneck.

    Args:
        web: the money web.
        max_length: longest loop to look for, in hops (``None``: unbounded; use a bound on large webs).
        top: keep only the ``top`` loops with the largest bottlenecks (branch and bound: much faster, but
            the loops are then not counted).
        limit: stop after this many loops when enumerating all of them (``None``: no limit); the result
            says ``truncated``. Ignored when ``top`` is given.
        progress: optional ``callback(done, total)`` over start nodes, for progress bars.

    Returns:
        A :class:`LoopResult`. Complexity: each start node costs a breadth-first search of its
        ``max_length`` neighbourhood plus a depth-first search whose size is bounded by the number of
        simple paths of at most ``max_length`` hops through nodes above it (exponential in the worst case,
        as the number of cycles itself may be).

    >>> w = Web.from_edges(["openai", "oracle", "nvidia"], ["oracle", "nvidia", "openai"], [300e9, 40e9, 100e9])
    >>> [(lp.entities, lp.bottleneck) for lp in loops(w).loops]
    [(('openai', 'oracle', 'nvidia'), 40000000000.0)]
    """
    if max_length is not None and max_length < 2:
        raise ValueError("max_length must be at least 2 (a loop needs two entities)")
    if top is not None and top < 1:
        raise ValueError("top must be at least 1")
    money = web.cash_only()  # value in shares is not money going round: left out, listed in non_cash
    res = _all_loops(money, max_length, limit, progress) if top is None else _top_loops(money, max_length, top,
                                                                                          progress)
    return res if not money.non_cash else replace(res, non_cash=money.non_cash)


def _all_loops(web: Web, max_length: int | None, limit: int | None, progress: Progress | None) -> LoopResult:
    nodes, adj, adjw, radj, comp_size = _cycle_graph(web.flows)
    g = nodes.tolist()
    found: list[tuple[int, ...]] = []
    by_len: dict[int, int] = {}

    def on_cycle(path: list[int], bn: float) -> None:
        if limit is not None and len(found) >= limit:
            raise _Stop
        by_len[len(path)] = by_len.get(len(path), 0) + 1
        found.append(tuple(g[x] for x in path))

    truncated = False
    try:
        _search(adj, adjw, radj, comp_size, max_length, on_cycle, lambda: -math.inf, progress)
    except _Stop:
        truncated = True
    result = [_make_loop(web, _canonical(web, list(c))) for c in found]
    result.sort(key=_rank_key)
    return LoopResult(tuple(result), max_length, None, not truncated, None if truncated else len(found),
                      None if truncated else dict(sorted(by_len.items())), truncated)


def _top_loops(web: Web, max_length: int | None, top: int, progress: Progress | None) -> LoopResult:
    amounts = np.sort(web.flows.data)[::-1] if web.flows.nnz else np.zeros(0)
    rank = {x: r for r, x in enumerate(sorted(range(web.n), key=lambda i: web.ids[i]))}
    q = max(64, 8 * top)
    while True:
        cut = None if q >= amounts.size else float(amounts[q - 1])
        nodes, adj, adjw, radj, comp_size = _cycle_graph(web.flows, cut)
        g = nodes.tolist()
        heap: list[tuple[float, int, tuple[int, ...], tuple[int, ...]]] = []

        def on_cycle(path: list[int], bn: float, heap: list = heap, g: list[int] = g) -> None:
            cyc = _canonical(web, [g[x] for x in path])
            key = (bn, -len(cyc), tuple(-rank[x] for x in cyc), cyc)
            if len(heap) < top:
                heapq.heappush(heap, key)
            elif key > heap[0]:
                heapq.heapreplace(heap, key)

        def threshold(heap: list = heap) -> float:
            return heap[0][0] if len(heap) >= top else -math.inf

        _search(adj, adjw, radj, comp_size, max_length, on_cycle, threshold, progress)
        if cut is None or len(heap) >= top:
            break
        q *= 8
    result = [_make_loop(web, key[3]) for key in heap]
    result.sort(key=_rank_key)
    return LoopResult(tuple(result), max_length, top, False, None, None, False)


def loop_counts(web: Web, max_length: int, limit: int | None = None) -> tuple[dict[int, int], bool]:
    """Number of simple cycles of each length up to ``max_length``, without building them.

    Returns:
        ``({length: count}, complete)``; ``complete`` is False when ``limit`` cycles were reached first.
    """
    nodes, adj, adjw, radj, comp_size = _cycle_graph(web.flows)
    by_len: dict[int, int] = {k: 0 for k in range(2, max_length + 1)}
    seen = [0]

    def on_cycle(path: list[int], bn: float) -> None:
        if limit is not None and seen[0] >= limit:
            raise _Stop
        seen[0] += 1
        by_len[len(path)] += 1

    try:
        _search(adj, adjw, radj, comp_size, max_length, on_cycle, lambda: -math.inf)
    except _Stop:
        return by_len, False
    return by_len, True


@dataclass(frozen=True, slots=True)
class Circulation:
    """The largest circulation that fits under the web's flows, and the share of flow it is.

    Attributes:
        circulating: ``sum_e g_e`` in USD for a maximum circulation ``g`` (``0 <= g_e <= F_e``, inflow =
            outflow at every entity): the gross flow that goes round in loops.
        total: ``sum_e F_e`` in USD, every aggregated edge.
        share: ``circulating / total`` (0 for an empty web).
        in_components: flow on edges inside nontrivial strongly connected components, in USD (an upper
            bound of ``circulating``: every such edge lies on some loop, but not all its money can go round).
        edge_circulation: per aggregated edge (COO order of ``web.flows``), the circulating USD.
    """

    circulating: float
    total: float
    share: float
    in_components: float
    edge_circulation: np.ndarray

    def as_dict(self) -> dict[str, object]:
        """Stable JSON keys: circulating, total, share, in_components, currency."""
        return {"circulating": self.circulating, "total": self.total, "share": self.share,
                "in_components": self.in_components, "currency": "USD"}


#: Methods of :func:`circulation`.
CIRCULATION_METHODS: tuple[str, ...] = ("network", "lp")


def circulation(web: Web, method: str = "network") -> Circulation:
    """The share of the web's flow that lies on loops, weighted by amount.

    Defined as the value of a maximum circulation: ``max sum_e g_e`` subject to ``0 <= g_e <= F_e`` on every
    aggregated edge and flow conservation at every entity. Every circulation decomposes into simple cycles
    (flow decomposition theorem, Ahuja, Magnanti & Orlin 1993, ch. 3), so ``g`` is money that can go round
    in loops, and what is left, ``F - g``, is acyclic. Among all ways of writing the flows as loops plus an
    acyclic rest, it takes the most loop money; unlike a count of cycles it weighs each loop by how much
    can go round it, and unlike "flow inside strongly connected components" it does not count a $1 edge
    closing a loop under a $100 flow as $100 of circularity. Only edges inside nontrivial strong components
    can carry it.

    Methods (same optimum; checked against each other on random webs):

    * ``"network"`` (default): the rest ``r = F - g`` is a flow with the same net outflow as ``F`` at every
      entity, and ``sum g`` is largest where ``sum r`` is smallest, so ``r`` is a minimum-cost flow with
      every edge costing 1, capacities ``F`` and supplies ``outflow - inflow``. Solved by the primal-dual
      method (shortest paths by phases, Dinic's blocking flows; compiled with numba; see
      :mod:`dealweb.graph._mincostflow`): seconds at 10^6 edges.
    * ``"lp"``: the maximum-circulation linear program with HiGHS (``scipy.optimize.linprog``): minutes
      at 10^6 edges; kept as an independent check.

    >>> w = Web.from_edges(list("abcd"), list("bcaa"), [10.0, 5.0, 8.0, 4.0])
    >>> c = circulation(w)
    >>> (c.circulating, c.total)
    (15.0, 27.0)
    """
    if method not in CIRCULATION_METHODS:
        raise ValueError(f"method must be one of {CIRCULATION_METHODS}, got {method!r}")
    web = web.cash_only()  # money only: value in shares (warrants, deals paid in stock) does not circulate
    coo = web.flows.tocoo()
    r, c, d = coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data.astype(np.float64)
    total = float(d.sum())
    g = np.zeros(d.size)
    if d.size == 0:
        return Circulation(0.0, 0.0, 0.0, 0.0, g)
    n = web.n
    ncomp, labels = connected_components(
        sp.csr_array((np.ones(r.size), (r, c)), shape=(n, n)), directed=True, connection="strong")
    sizes = np.bincount(labels, minlength=ncomp)
    inside = np.flatnonzero((labels[r] == labels[c]) & (sizes[labels[r]] > 1))
    in_comp = float(d[inside].sum())
    if inside.size:
        rr, cc, dd = r[inside], c[inside], d[inside]
        nodes = np.unique(np.concatenate([rr, cc]))
        loc = np.full(n, -1, dtype=np.int64)
        loc[nodes] = np.arange(nodes.size)
        scale = float(dd.max())
        solve = _circulation_network if method == "network" else _circulation_lp
        g[inside] = np.clip(solve(nodes.size, loc[rr], loc[cc], dd / scale) * scale, 0.0, dd)
    circ = float(g.sum())
    return Circulation(circ, total, circ / total if total > 0 else 0.0, in_comp, g)


def _circulation_network(n: int, src: np.ndarray, dst: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Maximum circulation under ``cap`` as ``cap`` minus a unit-cost minimum-cost flow of the same supplies."""
    from dealweb.graph._mincostflow import min_cost_flow_unit

    supply = np.bincount(src, weights=cap, minlength=n) - np.bincount(dst, weights=cap, minlength=n)
    rest, _ = min_cost_flow_unit(n, src, dst, cap, supply)
    return cap - rest


def _circulation_lp(n: int, src: np.ndarray, dst: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Maximum circulation under ``cap`` as a linear program (HiGHS)."""
    from scipy.optimize import linprog

    e = np.arange(src.size)
    a_eq = sp.csr_array((np.concatenate([np.ones(e.size), -np.ones(e.size)]),
                         (np.concatenate([src, dst]), np.concatenate([e, e]))), shape=(n, e.size))
    res = linprog(-np.ones(e.size), A_eq=a_eq, b_eq=np.zeros(n),
                  bounds=np.column_stack([np.zeros(e.size), cap]), method="highs")
    if res.status != 0:  # pragma: no cover - the LP is always feasible (g = 0) and bounded
        raise RuntimeError(f"maximum circulation LP failed: {res.message}")
    return res.x
