"""Is a loop structure unusual? Loop statistics against degree-preserving rewirings of the money web.

The null model is the directed double-edge swap of Maslov & Sneppen (2002): pick two edges ``a -> b`` and
``c -> d`` of the aggregated web at random and replace them with ``a -> d`` and ``c -> b``, unless that would
make a self-flow or a parallel edge. Each edge keeps its amount and its payer, so a rewired web preserves
exactly: every entity's out-degree and in-degree, every entity's out-strength (total paid), the multiset of
edge amounts, and the absence of self-flows and parallel edges. In-strengths (total received) change:
the amounts travel with the payer. ``swaps_per_edge`` successful swaps per edge (default 10) randomise
the web (Milo et al. 2003 use a comparable number).

Each statistic ``t`` (loops of each length, all loops, circulating share of flow) is compared with its
values ``t_1 .. t_n`` on ``n`` rewired webs by the empirical p-value ``(r + 1) / (n + 1)`` where
``r = #{k : t_k >= t_observed}`` (Davison & Hinkley 1997; North, Curtis & Sham 2002): the probability,
under the null model, of a value at least as large as observed, never reported as 0.

References:
    S. Maslov, K. Sneppen (2002), "Specificity and stability in topology of protein networks", Science
    296(5569):910-913, doi:10.1126/science.1065103.
    R. Milo et al. (2003), "On the uniform generation of random graphs with prescribed degree sequences",
    arXiv:cond-mat/0312028.
    B. V. North, D. Curtis, P. C. Sham (2002), "A note on the calculation of empirical P values from Monte
    Carlo procedures", Am. J. Hum. Genet. 71(2):439-441, doi:10.1086/341527.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dealweb.graph.loops import circulation, loop_counts
from dealweb.graph.web import Web, _assemble

__all__ = ["NullComparison", "null_model", "p_value", "rewired", "short_cycle_counts"]


def p_value(observed: float, null_values: np.ndarray | list[float]) -> float:
    """Empirical one-sided p-value ``(r + 1) / (n + 1)``, ``r`` = null values at least ``observed``.

    >>> p_value(5, [1, 2, 5, 7])
    0.6
    """
    arr = np.asarray(null_values, dtype=np.float64)
    r = int(np.count_nonzero(arr >= observed))
    return (r + 1) / (arr.size + 1)


def rewired(web: Web, rng: np.random.Generator, swaps_per_edge: float = 10.0) -> tuple[Web, int]:
    """A degree-preserving rewiring of the aggregated web (directed double-edge swaps, in vectorised rounds).

    Each round draws a batch of candidate swaps (pairs of edges ``a -> b``, ``c -> d`` becoming ``a -> d``,
    ``c -> b``) and makes, all at once, those that are valid one by one *and* together: no self-flow, no new
    edge already in the web, and no conflict with another candidate of the round (a candidate whose new
    edge is also another candidate's new edge, or that shares an edge with another candidate, is dropped).
    The accepted swaps of a round therefore touch disjoint edges and commute, and their result is that of
    making them one after another. A round draws an eighth as many candidates as there are edges, so few
    are dropped for conflicts; a web of fewer than 16 edges gets one candidate per round, which is the
    classic one-swap-at-a-time chain.

    Args:
        web: the web (its aggregated edges ``web.flows`` are rewired).
        rng: the random generator (every draw goes through it; the same seed gives the same web).
        swaps_per_edge: successful swaps to make per edge.

    Returns:
        ``(rewired web, swaps made)``. Fewer swaps than asked are made only when no swap is possible
        (after ``100 x`` the asked number of attempted swaps).
    """
    coo = web.flows.tocoo()
    r = coo.row.astype(np.int64)
    c = coo.col.astype(np.int64).copy()
    w = coo.data.astype(np.float64)
    m = int(r.size)
    n = np.int64(web.n)
    target = int(round(swaps_per_edge * m))
    done = 0
    if m >= 2 and target > 0:
        batch = max(1, m // 8)
        attempts = 0
        max_attempts = 100 * target
        keys = np.sort(r * n + c)
        while done < target and attempts < max_attempts:
            size = min(batch, max_attempts - attempts)
            attempts += size
            pairs = rng.integers(0, m, size=(size, 2))
            e1, e2 = pairs[:, 0], pairs[:, 1]
            a, b, cc, d = r[e1], c[e1], r[e2], c[e2]
            ok = (e1 != e2) & (a != d) & (cc != b) & (b != d) & (a != cc)
            k1, k2 = a * n + d, cc * n + b
            # New edges must not be in the web yet, nor be another candidate's new edge. One sort of the
            # candidates' new edges answers both (and lets searchsorted walk memory in order).
            new = np.concatenate([k1, k2])
            order = np.argsort(new)
            ordered = new[order]
            bad = keys[np.minimum(np.searchsorted(keys, ordered), m - 1)] == ordered
            same = ordered[1:] == ordered[:-1]
            bad[1:] |= same
            bad[:-1] |= same
            flagged = np.empty(new.size, dtype=bool)
            flagged[order] = bad
            ok &= ~(flagged[:size] | flagged[size:])
            idx = np.flatnonzero(ok)
            # No edge in two swaps of the round.
            uses = np.bincount(np.concatenate([e1[idx], e2[idx]]), minlength=m)
            idx = idx[(uses[e1[idx]] == 1) & (uses[e2[idx]] == 1)][: target - done]
            if idx.size:
                s1, s2 = e1[idx], e2[idx]
                gone = np.sort(np.concatenate([a[idx] * n + b[idx], cc[idx] * n + d[idx]]))
                made = np.sort(np.concatenate([k1[idx], k2[idx]]))
                keys = np.delete(keys, np.searchsorted(keys, gone))  # keys stays sorted: O(m) a round
                keys = np.insert(keys, np.searchsorted(keys, made), made)
                c[s1], c[s2] = d[idx], b[idx]
                done += int(idx.size)
    out = _assemble(web.ids, r, c, w, np.full(m, "services", dtype=object), None, web.entity_kinds, web.names,
                    notes=("degree-preserving rewiring",))
    return out, done


@dataclass(frozen=True)
class NullComparison:
    """Observed loop statistics beside their distribution over rewired webs.

    Attributes:
        seed: the seed of the rewirings (rewiring ``k`` uses ``SeedSequence(seed, spawn_key=(k,))``).
        n: number of rewired webs.
        max_length: longest loop counted.
        swaps_per_edge: swaps per edge in each rewiring.
        stats: statistic names: ``loops_len_2`` .. ``loops_len_K``, ``loops_total``, ``circulating_share``.
        observed: statistic -> observed value.
        null: statistic -> array of ``n`` null values.
        p_values: statistic -> ``(r + 1) / (n + 1)``.
        complete: False when some count stopped at ``limit`` (the counts are then lower bounds).
    """

    seed: int
    n: int
    max_length: int
    swaps_per_edge: float
    stats: tuple[str, ...]
    observed: dict[str, float]
    null: dict[str, np.ndarray]
    p_values: dict[str, float]
    complete: bool

    def as_dict(self) -> dict[str, object]:
        """Stable JSON keys: seed, n, max_length, swaps_per_edge, complete, stats.

        ``stats`` is a list of {name, observed, null_mean, null_sd, p_value}.
        """
        return {
            "seed": self.seed, "n": self.n, "max_length": self.max_length, "swaps_per_edge": self.swaps_per_edge,
            "complete": self.complete,
            "stats": [{"name": s, "observed": self.observed[s], "null_mean": float(self.null[s].mean()),
                       "null_sd": float(self.null[s].std(ddof=1)) if self.n > 1 else 0.0,
                       "p_value": self.p_values[s]} for s in self.stats],
        }


def short_cycle_counts(web: Web, max_length: int) -> dict[int, int]:
    """Exact numbers of simple cycles of 2, 3 and 4 hops, from traces of powers of the adjacency matrix.

    With ``A`` the 0/1 adjacency of the web's aggregated flows (no self-flows), closed walks of ``k`` hops
    number ``tr(A^k)``. For ``k = 2`` and ``3`` every closed walk is a simple cycle counted once per
    starting entity: ``c2 = tr(A^2) / 2``, ``c3 = tr(A^3) / 3``. A closed 4-walk ``v0 v1 v2 v3 v0`` is not
    simple exactly when ``v0 = v2`` or ``v1 = v3``; with ``r_i`` the number of reciprocated partners of
    ``i``, each case numbers ``sum r_i^2`` and both together ``sum r_i``, so
    ``c4 = (tr(A^4) - 2 sum r_i^2 + sum r_i) / 4`` (inclusion-exclusion, as for undirected graphs in
    F. Harary, B. Manvel (1971), "On the number of cycles in a graph", Matematicky casopis 21(1):55-63,
    and N. Alon, R. Yuster, U. Zwick (1997), "Finding and counting given length cycles", Algorithmica
    17(3):209-223, doi:10.1007/BF02523189).

    Args:
        web: the web.
        max_length: 2, 3 or 4.

    Returns:
        ``{length: count}`` for lengths ``2 .. max_length``.
    """
    if not 2 <= max_length <= 4:
        raise ValueError("short_cycle_counts counts loops of 2 to 4 hops")
    a = web.flows.tocsr().astype(bool).astype(np.int64)
    a.setdiag(0)
    a.eliminate_zeros()
    at = a.T.tocsr()
    recip = a.multiply(at).tocsr()  # 0/1: i -> j and j -> i
    r = np.asarray(recip.sum(axis=1)).ravel()
    out = {2: int(r.sum()) // 2}
    if max_length >= 3:
        a2 = (a @ a).tocsr()
        out[3] = int(a2.multiply(at).sum()) // 3
        if max_length >= 4:
            tr4 = int(a2.multiply(a2.T).sum())
            out[4] = (tr4 - 2 * int((r * r).sum()) + int(r.sum())) // 4
    return out


def _stats(web: Web, max_length: int, limit: int | None, with_circulation: bool) -> tuple[dict[str, float], bool]:
    if max_length <= 4:
        counts, complete = short_cycle_counts(web, max_length), True
    else:
        counts, complete = loop_counts(web, max_length, limit)
    out = {f"loops_len_{k}": float(v) for k, v in counts.items()}
    out["loops_total"] = float(sum(counts.values()))
    if with_circulation:
        out["circulating_share"] = circulation(web).share
    return out, complete


_state: dict[str, object] = {}


def _setup(web: Web, params: tuple) -> None:
    """Once per worker process: the observed web and the null model's parameters."""
    _state.update(web=web, params=params, key=None)


def _one(k: int) -> tuple[dict[str, float], bool]:
    """Rewiring ``k``: its own generator, ``SeedSequence(seed, spawn_key=(k,))``, so any engine gives it."""
    web = _state["web"]
    seed, swaps_per_edge, max_length, limit, with_circulation = _state["params"]  # type: ignore[misc]
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(k,)))
    rw, _ = rewired(web, rng, swaps_per_edge)  # type: ignore[arg-type]
    return _stats(rw, max_length, limit, with_circulation)


def _one_shared(k: int, shared: tuple) -> tuple[dict[str, float], bool]:
    """Rewiring ``k`` on a cluster worker (the web is sent once per worker)."""
    if _state.get("key") is not id(shared):
        _setup(*shared)
        _state["key"] = id(shared)
    return _one(k)


def null_model(
    web: Web,
    n: int = 100,
    seed: int = 0,
    max_length: int = 4,
    swaps_per_edge: float = 10.0,
    limit: int | None = 10_000_000,
    with_circulation: bool = True,
    progress: Callable[[int, int], None] | None = None,
    *,
    engine: str = "local",
    jobs: int = 1,
    address: str | None = None,
) -> NullComparison:
    """Compare the web's loops with those of ``n`` degree-preserving rewirings.

    Rewiring ``k`` draws from its own generator, ``numpy.random.default_rng(SeedSequence(seed,
    spawn_key=(k,)))``, so the rewirings are independent tasks and the result is the same on every engine
    and number of workers (tested against a dask cluster).

    Args:
        web: the observed web.
        n: number of rewired webs (>= 1).
        seed: seed of the rewirings' generators (recorded in the result).
        max_length: count loops of 2 .. ``max_length`` hops.
        swaps_per_edge: swaps per edge for each rewiring.
        limit: stop counting loops of one web after this many (``complete`` then says so).
        with_circulation: also compare the circulating share of flow (one minimum-cost flow per web).
        progress: optional ``callback(done, total)`` over rewired webs.
        engine: ``local``, ``dask`` or ``ray`` (see :mod:`dealweb.distributed`).
        jobs: worker processes for ``local`` (1: this process).
        address: scheduler address for ``dask``/``ray`` (``None``: a local cluster).

    Returns:
        The :class:`NullComparison`.
    """
    from dealweb.distributed import map_tasks

    if n < 1:
        raise ValueError("the null model needs at least one rewired web (n >= 1)")
    if max_length < 2:
        raise ValueError("max_length must be at least 2")
    web = web.cash_only()  # money only: value in shares (warrants, deals paid in stock) is not rewired or counted
    observed, complete = _stats(web, max_length, limit, with_circulation)
    names = tuple(observed)
    params = (seed, swaps_per_edge, max_length, limit, with_circulation)
    done = [0]

    def tick(k: int) -> None:
        done[0] += k
        if progress is not None:
            progress(done[0], n)

    if engine == "local":
        results = map_tasks(_one, list(range(n)), engine="local", jobs=jobs, progress=tick, initializer=_setup,
                            initargs=(web, params))
    else:
        results = map_tasks(_one_shared, list(range(n)), engine=engine, address=address, progress=tick,
                            shared=(web, params))
    null = {s: np.zeros(n) for s in names}
    for k, (vals, ok) in enumerate(results):
        complete = complete and ok
        for s in names:
            null[s][k] = vals[s]
    pv = {s: p_value(observed[s], null[s]) for s in names}
    return NullComparison(seed, n, max_length, swaps_per_edge, names, observed, null, pv, complete)
