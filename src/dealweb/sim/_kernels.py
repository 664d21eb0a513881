"""Compiled clearing kernel (numba): monotone shortfall propagation with a work list, one run per task.

Used by :func:`dealweb.sim.clearing.clear` when numba is installed (``pip install 'dealweb[fast]'``).
The method: start from everybody paying in full (shortfall ``d = 0``); an entity whose outside assets do
not cover what it owes gets the shortfall ``Φ`` gives it; every increase of a shortfall is passed to the
entity's creditors (what they fail to receive), which are re-examined in turn. Shortfalls only grow and
never pass the least fixed point, so the work list empties at the greatest clearing vector: exactly
(finitely many updates) when the default cascade has no cycle, and when it has, at the floating-point
fixed point (a further pass would change nothing). A run exceeding ``max_updates`` in all, or
``max_per_entity`` updates of one entity (a slowly draining cycle), is flagged and recomputed by the
fictitious default algorithm. Runs are independent: the result of a run never depends
on the other runs of the batch. Both core of a 2-core machine are used (numba ``prange`` over runs).
"""

from __future__ import annotations

import numpy as np

try:
    import numba
except ImportError:  # pragma: no cover - exercised only without the optional dependency
    numba = None

__all__ = ["AVAILABLE", "worklist_clear"]

AVAILABLE = numba is not None


def _kernel(indptr, indices, data, inv_cap, cap, base_in, o_sen, threshold, e, alpha, beta, senior,
            max_updates, max_per_entity, q_out, outside_out, updates_out, ok_out):  # pragma: no cover - compiled
    runs, n = e.shape
    batched = data.shape[0] > 1
    nblocks = min(runs, 64)
    per = (runs + nblocks - 1) // nblocks
    for blk in numba.prange(nblocks):
        d = np.zeros(n)
        lost = np.zeros(n)
        inq = np.zeros(n, dtype=np.bool_)
        seen = np.zeros(n, dtype=np.bool_)
        count = np.zeros(n, dtype=np.int64)
        queue = np.empty(n, dtype=np.int64)
        touched = np.empty(n, dtype=np.int64)
        for r in range(blk * per, min(runs, (blk + 1) * per)):
            b = r if batched else 0
            nt = 0
            head = 0
            size = 0
            for i in range(n):
                if e[r, i] < threshold[b, i]:
                    queue[size] = i
                    size += 1
                    inq[i] = True
                    seen[i] = True
                    touched[nt] = i
                    nt += 1
            upd = 0
            good = True
            while size > 0:
                i = queue[head]
                head += 1
                if head == n:
                    head = 0
                size -= 1
                inq[i] = False
                if e[r, i] - threshold[b, i] - lost[i] >= 0.0:
                    continue
                qv = alpha * e[r, i] - o_sen[b, i] + beta * (base_in[b, i] - lost[i])
                if qv < 0.0:
                    qv = 0.0
                if qv > cap[b, i]:
                    qv = cap[b, i]
                delta = (cap[b, i] - qv) - d[i]
                if delta <= 0.0:
                    continue
                d[i] += delta
                upd += 1
                count[i] += 1
                if upd > max_updates or count[i] > max_per_entity:
                    good = False
                    break
                scale = inv_cap[b, i] * delta
                for k in range(indptr[i], indptr[i + 1]):
                    c = indices[k]
                    lost[c] += data[b, k] * scale
                    if not seen[c]:
                        seen[c] = True
                        touched[nt] = c
                        nt += 1
                    if not inq[c]:
                        tail = head + size
                        if tail >= n:
                            tail -= n
                        queue[tail] = c
                        size += 1
                        inq[c] = True
            for i in range(n):
                q_out[r, i] = cap[b, i]
                if senior:
                    outside_out[r, i] = o_sen[b, i]
            for t in range(nt):
                i = touched[t]
                q_out[r, i] = cap[b, i] - d[i]
                if senior and e[r, i] - threshold[b, i] - lost[i] < 0.0:
                    v = alpha * e[r, i] + beta * (base_in[b, i] - lost[i])
                    v = max(0.0, v)
                    outside_out[r, i] = min(o_sen[b, i], v)
                d[i] = 0.0
                lost[i] = 0.0
                count[i] = 0
                inq[i] = False
                seen[i] = False
            updates_out[r] = upd
            ok_out[r] = good


_compiled = numba.njit(parallel=True, cache=True, nogil=True)(_kernel) if AVAILABLE else None
# Small problems run serially: starting the thread team costs more than they do.
_serial = numba.njit(parallel=False, cache=True, nogil=True)(_kernel) if AVAILABLE else None
_PARALLEL_FROM = 200_000  # runs x entities


def worklist_clear(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, inv_cap: np.ndarray,
                   cap: np.ndarray, base_in: np.ndarray, o_sen: np.ndarray, threshold: np.ndarray,
                   e: np.ndarray, alpha: float, beta: float, senior: bool,
                   max_updates: int, max_per_entity: int = 200
                   ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray]:
    """Inside payments ``q`` (runs, n), outside payments when senior, updates per run, converged flags.

    ``indptr``/``indices`` are the CSR structure (row = payer); ``data`` (batch, nnz) the amounts owed;
    the other per-entity arrays have shape (batch, n) with batch 1 or runs. A run is flagged unsettled
    (``ok`` False, to be redone exactly) after ``max_updates`` updates in all or ``max_per_entity`` updates of
    one entity: a cycle of defaulters draining slowly (senior outside creditors, net outside assets just
    below zero) is handed over after a few hundred passes instead of creeping to its fixed point.
    """
    if _compiled is None:
        raise RuntimeError("numba is not installed")
    runs, n = e.shape
    q = np.empty((runs, n))
    outside = np.empty((runs, n)) if senior else np.empty((1, 1))
    updates = np.zeros(runs, dtype=np.int64)
    ok = np.zeros(runs, dtype=np.bool_)
    kernel = _compiled if runs * n >= _PARALLEL_FROM and runs > 1 else _serial
    kernel(indptr.astype(np.int64), indices.astype(np.int64), np.ascontiguousarray(data, dtype=float),
              np.ascontiguousarray(inv_cap), np.ascontiguousarray(cap), np.ascontiguousarray(base_in),
              np.ascontiguousarray(o_sen), np.ascontiguousarray(threshold), np.ascontiguousarray(e, dtype=float),
              float(alpha), float(beta), bool(senior), int(max_updates), int(max_per_entity), q, outside,
              updates, ok)
    return q, (outside if senior else None), updates, ok
