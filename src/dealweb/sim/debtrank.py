"""DebtRank: losses in equity value spreading through investment stakes (Battiston et al. 2012).

Convention: ``exposures[i, j]`` is what entity ``i`` has at stake in entity ``j`` (USD: an equity stake,
a loan, a prepayment, a receivable). If ``j`` loses a fraction ``h_j`` of its equity, ``i`` loses
``h_j`` times its impact weight ``W[i, j] = min(1, exposures[i, j] / equity[i])`` of its own equity
(the impact of ``j`` on ``i``; an entity with no equity left is fully hit by any exposure).

The dynamics are those of the original paper, where every entity propagates distress **once**:

* states: undistressed (U, ``h = 0``), distressed (D), inactive (I);
* ``h(1) = initial_distress``; entities with ``h(1) > 0`` start in D, the others in U;
* for ``t >= 2``: ``h_i(t) = min(1, h_i(t-1) + Σ_{j: s_j(t-1) = D} W[i, j] h_j(t-1))``;
  ``s_i(t) = I`` if ``s_i(t-1) = D``; else ``D`` if ``h_i(t) > 0`` and ``s_i(t-1) = U``; else unchanged;
* it stops when no entity is in D (after at most ``n + 1`` steps);
* ``R = Σ_i h_i(T) v_i - Σ_i h_i(1) v_i``: the distress caused beyond the initial shock, weighted by the
  relative economic value ``v`` (default: ``v_i`` is the share of all exposures that are exposures *to*
  ``i``, so an entity matters in proportion to what others have at stake in it; pass ``value`` to choose).

Reference:
    Battiston, S., Puliga, M., Kaushik, R., Tasca, P. & Caldarelli, G. (2012). DebtRank: Too Central to
    Fail? Financial Networks, the FED and Systemic Risk. Scientific Reports 2, 541. doi:10.1038/srep00541
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

__all__ = ["DebtRankResult", "ExposureEdges", "debtrank", "debtrank_result"]


class ExposureEdges(NamedTuple):
    """Exposures as a list: ``amounts[..., k]`` that ``holder[k]`` has at stake in ``issuer[k]`` (USD).

    ``amounts`` has shape ``(m,)`` or ``(runs, m)`` (exposures that differ between runs); pairs may repeat.
    """

    n: int
    holder: np.ndarray
    issuer: np.ndarray
    amounts: np.ndarray


@dataclass(frozen=True)
class DebtRankResult:
    """Final distress ``h`` (shape of ``initial_distress``), DebtRank ``R`` (per run), steps, value weights."""

    distress: np.ndarray
    rank: np.ndarray | float
    steps: np.ndarray
    value: np.ndarray


def _edges(exposures: object) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    if isinstance(exposures, ExposureEdges):
        amounts = np.asarray(exposures.amounts, dtype=float)
        holder = np.asarray(exposures.holder, dtype=np.int64)
        issuer = np.asarray(exposures.issuer, dtype=np.int64)
        if amounts.shape[-1] != holder.size or issuer.size != holder.size or amounts.ndim > 2:
            raise ValueError("ExposureEdges: holder, issuer and the last axis of amounts must have one length")
        if amounts.size and (not np.all(np.isfinite(amounts)) or amounts.min() < 0):
            raise ValueError("exposures must be finite and nonnegative")
        keep = holder != issuer
        return int(exposures.n), holder[keep], issuer[keep], amounts[..., keep]
    mat = sp.coo_matrix(exposures, dtype=float) if sp.issparse(exposures) else None
    if mat is None:
        arr = np.asarray(exposures, dtype=float)
        if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
            raise ValueError(f"exposures must be a square (n, n) matrix, got shape {arr.shape}")
        mat = sp.coo_matrix(arr)
    mat.sum_duplicates()
    mat.eliminate_zeros()
    if mat.nnz and (not np.all(np.isfinite(mat.data)) or mat.data.min() < 0):
        raise ValueError("exposures must be finite and nonnegative")
    return mat.shape[0], mat.row.astype(np.int64), mat.col.astype(np.int64), mat.data


def debtrank_result(
    exposures: object,
    equity: object,
    initial_distress: object,
    value: object | None = None,
) -> DebtRankResult:
    """DebtRank with its details; see :func:`debtrank`."""
    n, holder, issuer, amount = _edges(exposures)
    h0 = np.asarray(initial_distress, dtype=float)
    single = h0.ndim == 1
    h = (h0.reshape(1, -1) if single else h0).copy()
    if h.ndim != 2 or h.shape[1] != n:
        raise ValueError(f"initial_distress must have shape ({n},) or (runs, {n}), got {h0.shape}")
    if (h < 0).any() or (h > 1).any() or not np.all(np.isfinite(h)):
        raise ValueError("initial_distress must lie in [0, 1]")
    runs = h.shape[0]
    eq = np.asarray(equity, dtype=float)
    if eq.shape not in ((n,), (runs, n)):
        raise ValueError(f"equity must have shape ({n},) or ({runs}, {n}), got {eq.shape}")
    eq2 = np.broadcast_to(eq, (runs, n))
    # Impact of issuer j on holder i: W[i, j] = min(1, exposures[i, j] / equity[i]); full when equity <= 0.
    if amount.ndim == 2 and amount.shape[0] != runs:
        raise ValueError(f"exposures have {amount.shape[0]} runs but initial_distress has {runs}")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (amount if amount.ndim == 2 else amount[None, :]) / eq2[:, holder]
    stake = amount if amount.ndim == 2 else amount[None, :]
    weight = np.where(stake > 0, np.where(eq2[:, holder] > 0, np.minimum(1.0, ratio), 1.0), 0.0)
    if value is None:
        inbound = np.bincount(issuer, weights=amount if amount.ndim == 1 else amount.mean(0), minlength=n)
        total = inbound.sum()
        v = inbound / total if total > 0 else np.full(n, 1.0 / max(n, 1))
    else:
        v = np.asarray(value, dtype=float)
        if v.shape != (n,):
            raise ValueError(f"value must have shape ({n},), got {v.shape}")
    # 0 = undistressed, 1 = distressed, 2 = inactive
    state = np.where(h > 0, 1, 0).astype(np.int8)
    steps = np.ones(runs, dtype=np.int64)
    flat_holder = holder[None, :] + (np.arange(runs) * n)[:, None]
    while (state == 1).any():
        live = (state == 1).any(axis=1)
        steps[live] += 1
        spreading = np.where(state == 1, h, 0.0)
        push = weight * spreading[:, issuer]
        gain = np.bincount(flat_holder.ravel(), weights=push.ravel(), minlength=runs * n).reshape(runs, n)
        h_new = np.minimum(1.0, h + gain)
        new_state = state.copy()
        new_state[state == 1] = 2
        new_state[(state == 0) & (h_new > 0)] = 1
        h, state = h_new, new_state
    h0_2 = h0.reshape(1, -1) if single else h0
    rank = h @ v - h0_2 @ v
    if single:
        return DebtRankResult(h[0], float(rank[0]), steps, v)
    return DebtRankResult(h, rank, steps, v)


def debtrank(
    exposures: object,
    equity: object,
    initial_distress: object,
    value: object | None = None,
) -> tuple[np.ndarray, np.ndarray | float]:
    """Final distress ``h`` per entity (in [0, 1]) and the DebtRank ``R`` of Battiston et al. (2012).

    Args:
        exposures: ``(n, n)``, ``exposures[i, j]`` = what i has at stake in j (USD), dense or sparse.
        equity: ``(n,)`` or ``(runs, n)`` equity (USD) that absorbs losses.
        initial_distress: ``(n,)`` or ``(runs, n)`` initial relative equity loss ``h(1)`` in [0, 1].
        value: ``(n,)`` relative economic value weights for ``R`` (default: share of exposures to each).

    Returns:
        ``(h, R)``: ``h`` with the shape of ``initial_distress``; ``R`` a float for one run or ``(runs,)``.
        ``R`` excludes the initial distress (Battiston et al. 2012, Scientific Reports 2:541,
        doi:10.1038/srep00541).

    >>> import numpy as np
    >>> h, R = debtrank(np.array([[0.0, 5.0], [0.0, 0.0]]), np.array([10.0, 10.0]), np.array([0.0, 1.0]))
    >>> h.tolist()
    [0.5, 1.0]
    """
    res = debtrank_result(exposures, equity, initial_distress, value)
    return res.distress, res.rank
