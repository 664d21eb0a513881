"""Clearing payment vectors: Eisenberg–Noe (2001) and Rogers–Veraart (2013), batched over runs.

Conventions (the same as the papers, so that results can be checked against them):

* ``liabilities[i, j]`` is what entity ``i`` owes entity ``j`` inside the web (USD, nonnegative, zero
  diagonal), a dense ``numpy`` array or any ``scipy.sparse`` matrix of shape ``(n, n)``;
* ``external_assets`` (``e``) has shape ``(n,)`` or ``(runs, n)``: what each entity holds outside the web;
* ``outside_liabilities`` (``o``, shape ``(n,)``, default zero) is what each owes creditors outside the web;
* the result ``p`` has the shape of ``external_assets``: what each entity pays in total (inside and
  outside creditors together), ``0 <= p <= p̄`` with ``p̄ = liabilities.sum(axis=1) + o``.

Seniority of outside creditors (published codes disagree, so it is a parameter and every result says which):

* ``"pari_passu"`` (the default, Eisenberg & Noe's own model with the outside world as one more creditor
  node): a defaulting entity pays every creditor, inside or outside, the same fraction of what it owes:
  ``Π_ij = L_ij / p̄_i`` and ``p = min(p̄, max(0, e + Πᵀ p))``;
* ``"senior"``: outside creditors are paid first from everything the entity realises, the web's creditors
  share what is left: with ``q`` the payments inside the web, ``Π_ij = L_ij / Σ_k L_ik`` and
  ``q = min(L̄, max(0, e - o + Πᵀ q))``, ``p = q + min(o, max(0, e + Πᵀ q))``.

Algorithm: the *fictitious default algorithm* of Eisenberg & Noe (2001, section 3), generalised by
Rogers & Veraart (2013, "Greatest Clearing Vector Algorithm") to default costs: start from everybody paying
in full, find who cannot, solve the linear system that says the defaulters pay what they receive, and
repeat with the larger default set until it stops growing. Each step is exact, so the result is exact up to
floating point after at most ``n`` steps (in practice the number of "waves" of default, a handful). The
computation is written in shortfalls ``d = p̄ - p``, which are nonzero only on the defaulters, so the cost of
a step grows with the number of defaulters, not with the size of the web; the linear systems of all runs are
solved at once as one block-diagonal sparse system, and runs whose default set is stable stop costing.
A step whose linear solution would leave the monotone path (possible only with senior outside creditors
and negative net outside assets, or a singular system) is replaced by one safe Picard step
``p ← Φ(p)``, which keeps the iteration above the greatest clearing vector.

References:
    Eisenberg, L. & Noe, T. H. (2001). Systemic Risk in Financial Systems. Management Science 47(2),
    236–249. doi:10.1287/mnsc.47.2.236.9835
    Rogers, L. C. G. & Veraart, L. A. M. (2013). Failure and Rescue in an Interbank Network. Management
    Science 59(4), 882–898. doi:10.1287/mnsc.1120.1569
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

__all__ = [
    "ClearingResult",
    "SENIORITIES",
    "clear",
    "eisenberg_noe",
    "picard_clearing",
    "rogers_veraart",
]

Seniority = Literal["pari_passu", "senior"]
#: The accepted values of ``outside_seniority``; the first is the default.
SENIORITIES: tuple[str, ...] = ("pari_passu", "senior")


@dataclass(frozen=True)
class ClearingResult:
    """A clearing vector with what produced it.

    Attributes:
        payments: total payments ``p`` (USD), shape of ``external_assets``.
        inside_payments: payments to creditors inside the web (``p`` minus what went outside), same shape.
        owed: ``p̄``, total owed by each entity (USD), shape ``(n,)``.
        defaulted: boolean mask ``p < p̄`` (same shape as ``payments``).
        iterations: number of fictitious-default steps per run (shape ``(runs,)``).
        picard_steps: how many of those were safe Picard steps instead of exact linear steps.
        outside_seniority: ``"pari_passu"`` or ``"senior"``: how outside creditors ranked.
        alpha: fraction of outside assets realised on default (1 for Eisenberg–Noe).
        beta: fraction of receivables realised on default (1 for Eisenberg–Noe).
        model: ``"eisenberg_noe"`` or ``"rogers_veraart"``.
    """

    payments: np.ndarray
    inside_payments: np.ndarray
    owed: np.ndarray
    defaulted: np.ndarray
    iterations: np.ndarray
    picard_steps: np.ndarray
    outside_seniority: str
    alpha: float
    beta: float
    model: str


def _as_csr(liabilities: object) -> sp.csr_matrix:
    if sp.issparse(liabilities):
        mat = sp.csr_matrix(liabilities, dtype=float)
    else:
        arr = np.asarray(liabilities, dtype=float)
        if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
            raise ValueError(f"liabilities must be a square (n, n) matrix, got shape {arr.shape}")
        mat = sp.csr_matrix(arr)
    if mat.shape[0] != mat.shape[1]:
        raise ValueError(f"liabilities must be a square (n, n) matrix, got shape {mat.shape}")
    mat.eliminate_zeros()
    mat.sum_duplicates()
    if mat.nnz and (not np.all(np.isfinite(mat.data)) or mat.data.min() < 0):
        raise ValueError("liabilities must be finite and nonnegative")
    if mat.diagonal().any():
        raise ValueError("liabilities[i, i] must be zero: an entity cannot owe itself")
    return mat


@dataclass(frozen=True)
class _Network:
    """The parts of a liabilities matrix the clearing steps need (built once, reused across runs)."""

    n: int
    pi: sp.csr_matrix  # pi[j, i] = share of j's capped obligations owed to i (row j = payer)
    pit: sp.csr_matrix  # pi transposed: row i lists i's payers j with pi[j, i]
    cap: np.ndarray  # the most each pays through the clearing system (n,)
    base_in: np.ndarray  # what each receives when everybody pays its cap: piᵀ cap (n,)
    outside: np.ndarray  # outside liabilities (n,)
    senior: bool


def _network(liabilities: object, outside_liabilities: np.ndarray | None, seniority: str) -> _Network:
    if seniority not in SENIORITIES:
        raise ValueError(f"outside_seniority must be one of {SENIORITIES}, got {seniority!r}")
    mat = _as_csr(liabilities)
    n = mat.shape[0]
    o = np.zeros(n) if outside_liabilities is None else np.asarray(outside_liabilities, dtype=float)
    if o.shape != (n,):
        raise ValueError(f"outside_liabilities must have shape ({n},), got {o.shape}")
    if not np.all(np.isfinite(o)) or (o < 0).any():
        raise ValueError("outside_liabilities must be finite and nonnegative")
    inside = np.asarray(mat.sum(axis=1)).ravel()
    senior = seniority == "senior"
    cap = inside.copy() if senior else inside + o
    scale = np.divide(1.0, cap, out=np.zeros(n), where=cap > 0)
    pi = sp.csr_matrix(sp.diags(scale) @ mat)
    pi.sort_indices()
    pit = sp.csr_matrix(pi.T)
    pit.sort_indices()
    base_in = np.asarray(mat.sum(axis=0)).ravel()  # piᵀ cap == column sums of L
    return _Network(n, pi, pit, cap, base_in, o, senior)


def _expand(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For CSR ``indptr`` and a list of row numbers: (which list entry, position in indices/data)."""
    starts = indptr[rows]
    counts = indptr[rows + 1] - starts
    total = int(counts.sum())
    owner = np.repeat(np.arange(rows.size), counts)
    if total == 0:
        return owner, np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(counts) - counts
    pos = np.arange(total) - np.repeat(offsets, counts) + np.repeat(starts, counts)
    return owner, pos


def _spread(net: _Network, d: np.ndarray) -> np.ndarray:
    """``(piᵀ d)`` for every run: what each entity fails to receive from shortfalls ``d`` (runs, n).

    Only the nonzero shortfalls are visited, so the cost grows with the number of defaulters.
    """
    runs, n = d.shape
    rr, jj = np.nonzero(d)
    if rr.size == 0:
        return np.zeros_like(d)
    owner, pos = _expand(net.pi.indptr, jj)
    creditors = net.pi.indices[pos]
    weights = net.pi.data[pos] * d[rr[owner], jj[owner]]
    flat = rr[owner] * n + creditors
    return np.bincount(flat, weights=weights, minlength=runs * n).reshape(runs, n)


def _solve_blocks(net: _Network, mask: np.ndarray, rhs: np.ndarray, beta: float) -> np.ndarray | None:
    """Solve ``(I - beta piᵀ_DD) x = rhs_D`` for the set ``D = mask`` of every run at once.

    The systems of the runs are independent, so they form one block-diagonal sparse system. Returns the
    solution as a (runs, n) array (zero off the mask), or ``None`` when the system is singular.
    """
    runs, n = mask.shape
    rr, ii = np.nonzero(mask)
    m = rr.size
    out = np.zeros((runs, n))
    if m == 0:
        return out
    b = rhs[rr, ii]
    owner, pos = _expand(net.pit.indptr, ii)
    payers = net.pit.indices[pos]
    key = np.full((runs, n), -1, dtype=np.int64)
    key[rr, ii] = np.arange(m)
    cols = key[rr[owner], payers]
    keep = cols >= 0
    if not keep.any():
        out[rr, ii] = b
        return out
    coupling = sp.csr_matrix((net.pit.data[pos][keep] * beta, (owner[keep], cols[keep])), shape=(m, m))
    system = sp.csc_matrix(sp.identity(m, format="csr") - coupling)
    with warnings.catch_warnings():
        warnings.simplefilter("error", spla.MatrixRankWarning)
        try:
            x = spla.spsolve(system, b)
        except (RuntimeError, spla.MatrixRankWarning):
            return None
    x = np.atleast_1d(x)
    if not np.all(np.isfinite(x)):
        return None
    out[rr, ii] = x
    return out


def _prepare_assets(external_assets: object, n: int) -> tuple[np.ndarray, bool]:
    e = np.asarray(external_assets, dtype=float)
    single = e.ndim == 1
    e2 = e.reshape(1, -1) if single else e
    if e2.ndim != 2 or e2.shape[1] != n:
        raise ValueError(f"external_assets must have shape ({n},) or (runs, {n}), got {e.shape}")
    if not np.all(np.isfinite(e2)):
        raise ValueError("external_assets must be finite")
    return e2, single


def _clear_runs(
    net: _Network, e: np.ndarray, alpha: float, beta: float, max_steps: int, max_picard: int = 1_000_000
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Greatest clearing vector for each row of ``e``: (inside payments q, realised, steps, picard steps).

    Works on shortfalls ``d = cap - q``. State per run: solvent S, defaulting and paying a positive amount D,
    defaulting and paying nothing to the web Z.
    """
    runs, n = e.shape
    o_sen = net.outside if net.senior else np.zeros(n)
    d = np.zeros((runs, n))
    steps = np.zeros(runs, dtype=np.int64)
    picard = np.zeros(runs, dtype=np.int64)
    prev_d_mask = np.zeros((runs, n), dtype=bool)
    prev_z_mask = np.zeros((runs, n), dtype=bool)
    prev_linear = np.zeros(runs, dtype=bool)
    active = np.arange(runs)
    tol = 1e-12 * np.maximum(net.cap, 1.0)
    while active.size:
        da = d[active]
        ea = e[active]
        received = net.base_in - _spread(net, da)
        solv_value = ea - o_sen + received
        solvent = solv_value >= net.cap
        def_value = alpha * ea - o_sen + beta * received
        zero = ~solvent & (def_value <= 0)
        partial = ~solvent & ~zero
        same = (
            prev_linear[active]
            & (partial == prev_d_mask[active]).all(axis=1)
            & (zero == prev_z_mask[active]).all(axis=1)
        )
        if same.all() and active.size:
            break
        # Runs whose partition did not change after an exact step are at their fixed point: drop them.
        keep = ~same
        active = active[keep]
        da, ea, solvent, zero, partial = da[keep], ea[keep], solvent[keep], zero[keep], partial[keep]
        received, def_value = received[keep], def_value[keep]
        prev_d_mask[active] = partial
        prev_z_mask[active] = zero
        steps[active] += 1
        if (steps[active] - picard[active] > max_steps).any() or (picard[active] > max_picard).any():
            raise RuntimeError(
                f"clearing did not converge in {max_steps} exact and {max_picard} Picard steps; "
                "the liabilities may be degenerate"
            )
        # Linear step: defaulters in `partial` pay alpha e - o + beta * (what they receive).
        fixed = np.where(partial | zero, net.cap, 0.0)
        rhs = alpha * ea - o_sen + beta * (net.base_in - _spread(net, fixed))
        q_old = net.cap - da
        x = _solve_blocks(net, partial, rhs, beta)
        if x is None:
            ok = np.zeros(active.size, dtype=bool)
        else:
            inside = np.where(partial, x, 0.0)
            # Accept the exact step only where it stays on the monotone path: 0 <= x <= q_old.
            ok = ~((partial & ((inside < -tol) | (inside > q_old + tol))).any(axis=1))
        new_q = np.empty_like(q_old)
        if ok.any():
            lin = np.where(solvent, net.cap, np.where(zero, 0.0, np.clip(inside, 0.0, q_old)))
            new_q[ok] = lin[ok]
        if (~ok).any():
            # Safe Picard step: q <- Φ(q), which never goes below the greatest clearing vector.
            phi = np.where(solvent, net.cap, np.clip(def_value, 0.0, net.cap))
            new_q[~ok] = np.minimum(phi[~ok], q_old[~ok])
            picard[active[~ok]] += 1
            # A Picard step that moves nothing (beyond rounding) has reached the fixed point.
            still = np.abs(new_q - q_old).max(axis=1, initial=0.0) <= 1e-15 * max(1.0, float(net.cap.max()))
            done_picard = ~ok & still
        else:
            done_picard = np.zeros(active.size, dtype=bool)
        prev_linear[active] = ok
        d[active] = net.cap - new_q
        active = active[~done_picard]
    q = net.cap - d
    received = net.base_in - _spread(net, d)
    solvent = e - o_sen + received >= net.cap
    realised = np.where(solvent, e + received, alpha * e + beta * received)
    return q, realised, steps, picard


def clear(
    liabilities: object,
    external_assets: object,
    *,
    alpha: float = 1.0,
    beta: float = 1.0,
    outside_liabilities: object | None = None,
    outside_seniority: Seniority = "pari_passu",
    max_steps: int | None = None,
) -> ClearingResult:
    """Greatest clearing vector with default costs, with everything that describes it.

    ``alpha = beta = 1`` is Eisenberg & Noe (2001); otherwise Rogers & Veraart (2013): a defaulting entity
    realises only ``alpha`` of its outside assets and ``beta`` of what it receives.

    Args:
        liabilities: ``(n, n)``, ``liabilities[i, j]`` = what i owes j (USD), dense or scipy.sparse.
        external_assets: ``(n,)`` or ``(runs, n)`` outside assets (USD).
        alpha: fraction of outside assets realised on default, in ``[0, 1]``.
        beta: fraction of receivables realised on default, in ``[0, 1]``.
        outside_liabilities: ``(n,)`` owed to creditors outside the web (USD); default none.
        outside_seniority: ``"pari_passu"`` (default) or ``"senior"``; see the module docstring.
        max_steps: bound on fictitious-default steps per run (default ``4 n + 100``).

    Returns:
        A :class:`ClearingResult`; ``payments`` has the shape of ``external_assets``.
    """
    if not (0.0 <= alpha <= 1.0 and 0.0 <= beta <= 1.0):
        raise ValueError(f"alpha and beta must lie in [0, 1], got alpha={alpha}, beta={beta}")
    net = _network(liabilities, None if outside_liabilities is None else np.asarray(outside_liabilities),
                   outside_seniority)
    e, single = _prepare_assets(external_assets, net.n)
    if not net.senior and (e < 0).any():
        raise ValueError("external_assets must be nonnegative with pari_passu seniority "
                         "(net negative positions belong in outside_liabilities)")
    q, realised, steps, picard = _clear_runs(net, e, alpha, beta, max_steps or 4 * net.n + 100)
    if net.senior:
        total = q + np.minimum(net.outside, np.maximum(0.0, realised))
        owed = net.cap + net.outside
    else:
        total = q
        owed = net.cap
    total = np.minimum(total, owed)
    inside = q if net.senior else q * np.divide(owed - net.outside, owed, out=np.zeros(net.n), where=owed > 0)
    defaulted = total < owed * (1 - 1e-12)
    if single:
        total, inside, defaulted = total[0], inside[0], defaulted[0]
    return ClearingResult(total, inside, owed, defaulted, steps, picard, outside_seniority,
                          float(alpha), float(beta), "eisenberg_noe" if alpha == beta == 1 else "rogers_veraart")


def eisenberg_noe(
    liabilities: object,
    external_assets: object,
    *,
    outside_liabilities: object | None = None,
    outside_seniority: Seniority = "pari_passu",
) -> np.ndarray:
    """Eisenberg–Noe greatest clearing payment vector ``p`` (total paid by each entity, USD).

    Solves ``p = min(p̄, max(0, e + Πᵀ p))`` exactly by the fictitious default algorithm (Eisenberg & Noe
    2001, Management Science 47(2):236–249, doi:10.1287/mnsc.47.2.236.9835), batched over runs.

    Args:
        liabilities: ``(n, n)``, ``liabilities[i, j]`` = what i owes j (USD), dense or scipy.sparse.
        external_assets: ``(n,)`` or ``(runs, n)`` outside assets (USD).
        outside_liabilities: ``(n,)`` owed to creditors outside the web (USD); default none.
        outside_seniority: ``"pari_passu"`` (default) or ``"senior"``.

    Returns:
        ``p`` with the shape of ``external_assets``.

    >>> import numpy as np
    >>> L = np.array([[0.0, 10.0], [0.0, 0.0]])
    >>> eisenberg_noe(L, np.array([4.0, 0.0])).tolist()
    [4.0, 0.0]
    """
    return clear(liabilities, external_assets, outside_liabilities=outside_liabilities,
                 outside_seniority=outside_seniority).payments


def rogers_veraart(
    liabilities: object,
    external_assets: object,
    alpha: float,
    beta: float,
    *,
    outside_liabilities: object | None = None,
    outside_seniority: Seniority = "pari_passu",
) -> np.ndarray:
    """Rogers–Veraart greatest clearing vector with default costs (USD paid by each entity).

    A solvent entity pays ``p̄``; a defaulting one pays ``alpha e + beta Πᵀ p`` (what it realises from a
    fire sale of outside assets and from its receivables). Computed by Rogers & Veraart's Greatest Clearing
    Vector Algorithm (2013, Management Science 59(4):882–898, doi:10.1287/mnsc.1120.1569), batched over
    runs. With ``alpha = beta = 1`` it equals :func:`eisenberg_noe`.

    Args:
        liabilities: ``(n, n)``, ``liabilities[i, j]`` = what i owes j (USD).
        external_assets: ``(n,)`` or ``(runs, n)`` outside assets (USD).
        alpha: fraction of outside assets realised on default, in ``[0, 1]``.
        beta: fraction of receivables realised on default, in ``[0, 1]``.
        outside_liabilities: ``(n,)`` owed to creditors outside the web (USD).
        outside_seniority: ``"pari_passu"`` (default) or ``"senior"``.

    Returns:
        ``p`` with the shape of ``external_assets``.
    """
    return clear(liabilities, external_assets, alpha=alpha, beta=beta,
                 outside_liabilities=outside_liabilities, outside_seniority=outside_seniority).payments


def picard_clearing(
    liabilities: object,
    external_assets: np.ndarray,
    *,
    alpha: float = 1.0,
    beta: float = 1.0,
    outside_liabilities: np.ndarray | None = None,
    tol: float = 0.0,
    max_iter: int = 1_000_000,
) -> np.ndarray:
    """One-run reference: Picard iteration ``p ← Φ(p)`` from ``p̄`` with scipy.sparse (pari passu).

    The straightforward method (a baseline for benchmarks and an independent oracle for tests): the
    sequence decreases monotonically to the greatest clearing vector (Eisenberg & Noe 2001, Lemma 4;
    Rogers & Veraart 2013, Theorem 3.7). Stops when an iteration changes nothing by more than ``tol``.

    Args:
        liabilities: ``(n, n)`` what i owes j.
        external_assets: ``(n,)``.
        alpha: fraction of outside assets realised on default.
        beta: fraction of receivables realised on default.
        outside_liabilities: ``(n,)``.
        tol: absolute stopping tolerance (USD).
        max_iter: iteration bound.

    Returns:
        ``p`` of shape ``(n,)``.
    """
    mat = _as_csr(liabilities)
    n = mat.shape[0]
    o = np.zeros(n) if outside_liabilities is None else np.asarray(outside_liabilities, dtype=float)
    owed = np.asarray(mat.sum(axis=1)).ravel() + o
    scale = np.divide(1.0, owed, out=np.zeros(n), where=owed > 0)
    pit = sp.csr_matrix((sp.diags(scale) @ mat).T)
    e = np.asarray(external_assets, dtype=float)
    p = owed.copy()
    for _ in range(max_iter):
        received = pit @ p
        solvent = e + received >= owed
        new = np.where(solvent, owed, np.minimum(owed, np.maximum(0.0, alpha * e + beta * received)))
        if np.max(np.abs(new - p), initial=0.0) <= tol:
            return new
        p = new
    return p
