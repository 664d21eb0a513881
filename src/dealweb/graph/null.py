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

__all__ = ["NullComparison", "null_model", "p_value", "rewired"]


def p_value(observed: float, null_values: np.ndarray | list[float]) -> float:
    """Empirical one-sided p-value ``(r + 1) / (n + 1)``, ``r`` = null values at least ``observed``.

    >>> p_value(5, [1, 2, 5, 7])
    0.6
    """
    arr = np.asarray(null_values, dtype=np.float64)
    r = int(np.count_nonzero(arr >= observed))
    return (r + 1) / (arr.size + 1)


def rewired(web: Web, rng: np.random.Generator, swaps_per_edge: float = 10.0) -> tuple[Web, int]:
    """A degree-preserving rewiring of the aggregated web (directed double-edge swaps).

    Args:
        web: the web (its aggregated edges ``web.flows`` are rewired).
        rng: the random generator (every draw goes through it).
        swaps_per_edge: successful swaps to make per edge.

    Returns:
        ``(rewired web, swaps made)``. Fewer swaps than asked are made only when no swap is possible
        (after ``100 x`` the asked number of attempts).
    """
    coo = web.flows.tocoo()
    r = coo.row.astype(np.int64).tolist()
    c = coo.col.astype(np.int64).tolist()
    w = coo.data.astype(np.float64)
    m = len(r)
    n = web.n
    target = int(round(swaps_per_edge * m))
    done = 0
    if m >= 2 and target > 0:
        present = {a * n + b for a, b in zip(r, c, strict=True)}
        attempts = 0
        max_attempts = 100 * target
        while done < target and attempts < max_attempts:
            batch = rng.integers(0, m, size=(min(max(1024, target - done), 1 << 16), 2)).tolist()
            for e1, e2 in batch:
                attempts += 1
                if e1 == e2:
                    continue
                a, b, cc, d = r[e1], c[e1], r[e2], c[e2]
                if a == d or cc == b or b == d or a == cc:
                    continue
                k1, k2 = a * n + d, cc * n + b
                if k1 in present or k2 in present:
                    continue
                present.discard(a * n + b)
                present.discard(cc * n + d)
                present.add(k1)
                present.add(k2)
                c[e1], c[e2] = d, b
                done += 1
                if done >= target:
                    break
    out = _assemble(web.ids, np.asarray(r, dtype=np.int64), np.asarray(c, dtype=np.int64), w,
                    np.full(m, "services", dtype=object), None, web.entity_kinds, web.names,
                    notes=("degree-preserving rewiring",))
    return out, done


@dataclass(frozen=True)
class NullComparison:
    """Observed loop statistics beside their distribution over rewired webs.

    Attributes:
        seed: the seed of the ``numpy.random.Generator`` used.
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


def _stats(web: Web, max_length: int, limit: int | None, with_circulation: bool) -> tuple[dict[str, float], bool]:
    counts, complete = loop_counts(web, max_length, limit)
    out = {f"loops_len_{k}": float(v) for k, v in counts.items()}
    out["loops_total"] = float(sum(counts.values()))
    if with_circulation:
        out["circulating_share"] = circulation(web).share
    return out, complete


def null_model(
    web: Web,
    n: int = 100,
    seed: int = 0,
    max_length: int = 4,
    swaps_per_edge: float = 10.0,
    limit: int | None = 10_000_000,
    with_circulation: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> NullComparison:
    """Compare the web's loops with those of ``n`` degree-preserving rewirings.

    Args:
        web: the observed web.
        n: number of rewired webs (>= 1).
        seed: seed of the ``numpy.random.Generator`` (recorded in the result).
        max_length: count loops of 2 .. ``max_length`` hops.
        swaps_per_edge: swaps per edge for each rewiring.
        limit: stop counting loops of one web after this many (``complete`` then says so).
        with_circulation: also compare the circulating share of flow (one linear program per web).
        progress: optional ``callback(done, total)`` over rewired webs.

    Returns:
        The :class:`NullComparison`.
    """
    if n < 1:
        raise ValueError("the null model needs at least one rewired web (n >= 1)")
    if max_length < 2:
        raise ValueError("max_length must be at least 2")
    rng = np.random.default_rng(seed)
    observed, complete = _stats(web, max_length, limit, with_circulation)
    names = tuple(observed)
    null = {s: np.zeros(n) for s in names}
    for k in range(n):
        rw, _ = rewired(web, rng, swaps_per_edge)
        vals, ok = _stats(rw, max_length, limit, with_circulation)
        complete = complete and ok
        for s in names:
            null[s][k] = vals[s]
        if progress is not None:
            progress(k + 1, n)
    pv = {s: p_value(observed[s], null[s]) for s in names}
    return NullComparison(seed, n, max_length, swaps_per_edge, names, observed, null, pv, complete)
