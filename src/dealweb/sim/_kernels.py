"""Compiled clearing kernel (numba): monotone shortfall propagation with a work list, one run per task.

Used by :func:`dealweb.sim.clearing.clear` (numba is a default dependency of dealweb).
The method: start from everybody paying in full (shortfall ``d = 0``); an entity whose outside assets do
not cover what it owes gets the shortfall ``Φ`` gives it; every increase of a shortfall is passed to the
entity's creditors (what they fail to receive), which are re-examined in turn. Shortfalls only grow and
never pass the least fixed point, so the work list empties at the greatest clearing vector: exactly
(finitely many updates) when the default cascade has no cycle, and when it has, at the floating-point
fixed point (a further pass would change nothing). A run exceeding ``max_updates`` in all, or
``max_per_entity`` updates of one entity (a slowly draining cycle), is flagged and recomputed by the
fictitious default algorithm. Runs are independent: the result of a run never depends
on the other runs of the batch. Both core of a 2-core machine are used (numba ``prange`` over runs).

Start-up cost. numba is a default dependency and is imported lazily, on the first call that clears with
the kernel: importing it (about 0.17 s) and its first use in a process (loading its typing and lowering
registries, about 0.2 s, then the kernel's machine code from numba's on-disk cache, ``cache=True``) are
paid once per process; a first-ever call (empty cache) also compiles the kernel, which takes seconds.
Commands that import :mod:`dealweb.sim` without clearing pay nothing. (Loading numba in a background
thread was tried and dropped: the load holds the GIL, so it only moves the same cost elsewhere.) Batches
the serial kernel serves run, in a process that has not loaded numba, on the same kernel compiled ahead
of time (:mod:`dealweb.sim._aot`, built once in the background after the first numba load): no numba load
at all, the same results bit for bit.
"""

from __future__ import annotations

import importlib.util
import threading

import numpy as np

__all__ = ["AVAILABLE", "worklist_clear"]

#: True when numba can be imported (found without importing it: the import itself is deferred).
AVAILABLE = importlib.util.find_spec("numba") is not None
numba = None  # the module, once loaded


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


_compiled = None
# Small problems run serially: starting the thread team costs more than they do.
_serial = None
_PARALLEL_FROM = 200_000  # runs x entities
_lock = threading.Lock()
_load_error: BaseException | None = None


def _load() -> None:
    """Import numba and make both dispatchers; load the serial kernel's machine code (from numba's cache)."""
    global numba, _compiled, _serial, _load_error
    with _lock:
        if _serial is not None or _load_error is not None:
            return
        try:
            import numba as nb

            numba = nb  # the kernel's global, read when it is typed
            compiled = nb.njit(parallel=True, cache=True, nogil=True)(_kernel)
            serial = nb.njit(parallel=False, cache=True, nogil=True)(_kernel)
            _run(serial, *_tiny_problem())
        except BaseException as exc:  # noqa: BLE001 - kept and re-raised in the caller's thread
            _load_error = exc
            return
        _compiled, _serial = compiled, serial
        from dealweb.sim import _aot

        if _aot.load() is None:  # the next processes need not load numba for small batches
            _aot.start_build()


def _tiny_problem() -> tuple:
    """One run of one entity with the argument types of a real call (loads the same compiled signature)."""
    z = np.zeros((1, 1))
    return (np.zeros(2, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros((1, 0)), z, z, z, z, z, z,
            1.0, 1.0, False, 10, 10)


def _ready() -> None:
    """Load numba and the kernel if not yet done; raise what loading raised."""
    _load()
    if _load_error is not None:
        raise RuntimeError(f"the compiled clearing kernel could not be loaded: {_load_error}") from _load_error


def _run(kernel, indptr, indices, data, inv_cap, cap, base_in, o_sen, threshold, e, alpha, beta, senior,
         max_updates, max_per_entity):
    """Call ``kernel`` with arguments cast to the one signature it is compiled for; the outputs."""
    runs, n = e.shape
    q = np.empty((runs, n))
    outside = np.empty((runs, n)) if senior else np.empty((1, 1))
    updates = np.zeros(runs, dtype=np.int64)
    ok = np.zeros(runs, dtype=np.bool_)
    kernel(np.ascontiguousarray(indptr, dtype=np.int64), np.ascontiguousarray(indices, dtype=np.int64),
           np.ascontiguousarray(data, dtype=float), np.ascontiguousarray(inv_cap, dtype=float),
           np.ascontiguousarray(cap, dtype=float), np.ascontiguousarray(base_in, dtype=float),
           np.ascontiguousarray(o_sen, dtype=float), np.ascontiguousarray(threshold, dtype=float),
           np.ascontiguousarray(e, dtype=float), float(alpha), float(beta), bool(senior), int(max_updates),
           int(max_per_entity), q, outside, updates, ok)
    return q, outside, updates, ok


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
    runs, n = e.shape
    parallel = runs * n >= _PARALLEL_FROM and runs > 1
    if not parallel and _serial is None:
        # numba not loaded in this process: the same kernel compiled ahead of time, when built (same
        # results bit for bit; importing it takes under a millisecond instead of numba's 0.4 s)
        from dealweb.sim import _aot

        ahead = _aot.load()
        if ahead is not None:
            q, outside, updates, ok = _run(ahead, indptr, indices, data, inv_cap, cap, base_in, o_sen, threshold,
                                           e, alpha, beta, senior, max_updates, max_per_entity)
            return q, (outside if senior else None), updates, ok
    if not AVAILABLE:
        raise RuntimeError("numba is not installed")
    _ready()
    kernel = _compiled if parallel else _serial
    q, outside, updates, ok = _run(kernel, indptr, indices, data, inv_cap, cap, base_in, o_sen, threshold, e,
                                   alpha, beta, senior, max_updates, max_per_entity)
    return q, (outside if senior else None), updates, ok
