"""Minimum-cost flow with unit arc costs, compiled with numba: the engine behind the circulating share.

Problem: given arcs ``u -> v`` with capacities ``cap >= 0`` (floats) and node supplies ``b`` (``sum b = 0``),
find ``0 <= x <= cap`` with ``outflow - inflow = b`` at every node minimising ``sum x`` (every arc costs 1).

Algorithm: the primal-dual method (successive shortest paths by phases; Ahuja, Magnanti & Orlin 1993,
*Network Flows*, Prentice Hall, sections 9.7-9.8). Node potentials ``pi`` keep every residual arc's
reduced cost ``c + pi[u] - pi[v]`` nonnegative; each phase computes shortest reduced-cost distances from a
super source (Dijkstra with a bucket queue, Dial 1969; costs are integers, so distances are exact), raises
the potentials, and sends a maximum flow (Dinic's blocking flows) through the admissible arcs (residual,
reduced cost 0). The cost of a shortest path grows by at least 1 per phase, so there are at most as many
phases as the longest shortest path has arcs; each phase keeps the flow optimal for what it has routed
(reduced-cost optimality), so the final flow is a minimum-cost flow. Capacities are real numbers: a
residual capacity at or below ``eps`` (relative to the largest capacity) counts as saturated.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["min_cost_flow_unit"]

_INF = np.iinfo(np.int64).max // 4


@numba.njit(cache=True, nogil=True)
def _dinic(nn, first, rev, head, tail, res, s, t, eps, level, it, queue, path):  # pragma: no cover - compiled
    """Maximum flow from ``s`` to ``t`` by Dinic's blocking flows, ``res`` in place: (value, rounds, paths)."""
    sent = 0.0
    rounds = 0
    augments = 0
    while True:
        for v in range(nn):
            level[v] = -1
        level[s] = 0
        qh = 0
        qt = 1
        queue[0] = s
        while qh < qt:
            u = queue[qh]
            qh += 1
            if level[t] >= 0 and level[u] >= level[t]:
                break  # nodes this deep cannot lie on a shortest path to t
            for a in range(first[u], first[u + 1]):
                v = head[a]
                if level[v] < 0 and res[a] > eps:
                    level[v] = level[u] + 1
                    queue[qt] = v
                    qt += 1
        if level[t] < 0:
            return sent, rounds, augments
        rounds += 1
        for v in range(nn):
            it[v] = first[v]
        depth = 0
        u = s
        while True:
            if u == t:
                f = np.inf
                for i in range(depth):
                    if res[path[i]] < f:
                        f = res[path[i]]
                back = depth
                for i in range(depth):
                    a = path[i]
                    res[a] -= f
                    res[rev[a]] += f
                    if res[a] <= eps and i < back:
                        back = i
                sent += f
                augments += 1
                depth = back
                u = s if back == 0 else head[path[back - 1]]
                continue
            advanced = False
            while it[u] < first[u + 1]:
                a = it[u]
                v = head[a]
                if res[a] > eps and level[v] == level[u] + 1:
                    path[depth] = a
                    depth += 1
                    u = v
                    advanced = True
                    break
                it[u] += 1
            if advanced:
                continue
            if u == s:
                break
            level[u] = -1  # dead end for this round
            depth -= 1
            u = tail[path[depth]]
            it[u] += 1


@numba.njit(cache=True, nogil=True)
def _solve(nn, first, rev, head, tail, cost, res, s, t, need, eps):  # pragma: no cover - compiled
    """Primal-dual min-cost flow from ``s`` to ``t`` of value ``need``; ``res`` (residual capacities) in place.

    Arcs are stored by tail: ``first[u]:first[u + 1]`` are the arcs leaving ``u``; ``rev[a]`` is the arc
    paired with ``a`` (its reverse). Returns (value sent, phases, blocking-flow rounds, augmentations).
    """
    na = head.shape[0]
    pi = np.zeros(nn, dtype=np.int64)
    dist = np.empty(nn, dtype=np.int64)
    done = np.zeros(nn, dtype=np.bool_)
    ent_node = np.empty(na + nn + 1, dtype=np.int64)
    ent_next = np.empty(na + nn + 1, dtype=np.int64)
    bhead = np.empty(nn + 1, dtype=np.int64)
    level = np.empty(nn, dtype=np.int64)
    it = np.empty(nn, dtype=np.int64)
    queue = np.empty(nn, dtype=np.int64)
    path = np.empty(nn, dtype=np.int64)
    local = np.empty(na, dtype=np.int64)
    sent = 0.0
    phases = 0
    rounds = 0
    augments = 0
    while sent < need - eps:
        # shortest reduced-cost distances from s: Dijkstra with a bucket queue (Dial), since reduced costs are
        # integers and a reachable node's distance is at most nn (a simple path's cost, pi[s] = 0 <= pi[v])
        for v in range(nn):
            dist[v] = _INF
            done[v] = False
        for d in range(nn + 1):
            bhead[d] = -1
        dist[s] = 0
        ent_node[0] = s
        ent_next[0] = -1
        bhead[0] = 0
        used = 1
        pending = 1
        d = 0
        while pending > 0 and d <= nn:
            e_ = bhead[d]
            if e_ < 0:
                d += 1
                continue
            bhead[d] = ent_next[e_]
            pending -= 1
            u = ent_node[e_]
            if done[u] or dist[u] != d:
                continue
            done[u] = True
            if u == t:  # every node not yet done is at least this far: stop here
                break
            for a in range(first[u], first[u + 1]):
                if res[a] <= eps:
                    continue
                v = head[a]
                nd = d + cost[a] + pi[u] - pi[v]
                if nd < dist[v] and nd < dist[t] and nd <= nn:
                    dist[v] = nd  # each node scans its arcs once: at most na + 1 entries in all
                    ent_node[used] = v
                    ent_next[used] = bhead[nd]
                    bhead[nd] = used
                    used += 1
                    pending += 1
        if dist[t] >= _INF:
            break
        dt = dist[t]
        for v in range(nn):
            pi[v] += dist[v] if done[v] and dist[v] < dt else dt
        phases += 1
        # maximum flow on the admissible arcs (reduced cost 0; with an arc its reverse): Dinic on a copy of
        # just those arcs, which are a small part of the residual network
        na_c = 0
        for a in range(na):
            local[a] = -1
            if cost[a] + pi[tail[a]] - pi[head[a]] == 0:
                local[a] = na_c
                na_c += 1
        first_c = np.zeros(nn + 1, dtype=np.int64)
        head_c = np.empty(na_c, dtype=np.int64)
        tail_c = np.empty(na_c, dtype=np.int64)
        rev_c = np.empty(na_c, dtype=np.int64)
        res_c = np.empty(na_c)
        glob = np.empty(na_c, dtype=np.int64)
        for a in range(na):
            k = local[a]
            if k >= 0:
                first_c[tail[a] + 1] += 1
                head_c[k] = head[a]
                tail_c[k] = tail[a]
                rev_c[k] = local[rev[a]]
                res_c[k] = res[a]
                glob[k] = a
        for v in range(nn):
            first_c[v + 1] += first_c[v]
        f, r, g = _dinic(nn, first_c, rev_c, head_c, tail_c, res_c, s, t, eps, level, it, queue, path)
        for k in range(na_c):
            res[glob[k]] = res_c[k]
        sent += f
        rounds += r
        augments += g
    return sent, phases, rounds, augments


def min_cost_flow_unit(n: int, src: np.ndarray, dst: np.ndarray, cap: np.ndarray, supply: np.ndarray,
                       eps: float = 1e-12) -> tuple[np.ndarray, dict[str, int]]:
    """A minimum-cost flow with every arc costing 1: ``(x, stats)``.

    Args:
        n: number of nodes.
        src: arc tails (``int``, length m).
        dst: arc heads (``int``, length m).
        cap: arc capacities (length m, ``>= 0``); best scaled so that the largest is 1.
        supply: ``outflow - inflow`` wanted at each node (length n, sums to 0).
        eps: residual capacities at or below this count as saturated, and supplies within it as met.

    Returns:
        ``x`` (length m) and counts of the work done (phases, blocking-flow rounds, augmentations).

    Raises:
        ValueError: the supplies cannot be met within the capacities.
    """
    m = src.size
    s, t = n, n + 1
    nn = n + 2
    pos = np.flatnonzero(supply > eps)
    neg = np.flatnonzero(supply < -eps)
    k = m + pos.size + neg.size
    fwd_tail = np.concatenate([src, np.full(pos.size, s), neg]).astype(np.int64)
    fwd_head = np.concatenate([dst, pos, np.full(neg.size, t)]).astype(np.int64)
    fwd_cap = np.concatenate([cap, supply[pos], -supply[neg]]).astype(np.float64)
    fwd_cost = np.concatenate([np.ones(m, dtype=np.int64), np.zeros(pos.size + neg.size, dtype=np.int64)])
    tails = np.concatenate([fwd_tail, fwd_head])
    order = np.argsort(tails, kind="stable")
    where = np.empty(2 * k, dtype=np.int64)
    where[order] = np.arange(2 * k)
    pair = np.concatenate([np.arange(k, 2 * k), np.arange(k)])
    tail = tails[order]
    head = np.concatenate([fwd_head, fwd_tail])[order]
    cost = np.concatenate([fwd_cost, -fwd_cost])[order]
    res = np.concatenate([fwd_cap, np.zeros(k)])[order]
    rev = where[pair[order]]
    first = np.zeros(nn + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=nn), out=first[1:])
    need = float(supply[pos].sum())
    sent, phases, rounds, augments = _solve(nn, first, rev, head, tail, cost, res, s, t, need, eps)
    if sent < need - max(eps, 1e-9 * need):
        raise ValueError(f"supplies cannot be met: {need - sent:.3g} left over")
    x = fwd_cap[:m] - res[where[:m]]
    return np.clip(x, 0.0, cap), {"phases": int(phases), "rounds": int(rounds), "augmentations": int(augments)}
