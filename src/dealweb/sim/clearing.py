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
A step whose linear solution would make a defaulter pay less than nothing (possible only with senior
outside creditors) or whose system is singular (a closed cycle of defaulters) is replaced by an exact
solve of the defaulters' linear complementarity problem (Chandrasekaran 1970, at most ``|D|`` linear
solves; see :func:`_defaulters_exact`); only a singular system there (a closed cycle balancing to the cent)
takes one safe Picard step ``p ← Φ(p)``, which keeps the iteration above the greatest clearing vector.

References:
    Eisenberg, L. & Noe, T. H. (2001). Systemic Risk in Financial Systems. Management Science 47(2),
    236–249. doi:10.1287/mnsc.47.2.236.9835
    Rogers, L. C. G. & Veraart, L. A. M. (2013). Failure and Rescue in an Interbank Network. Management
    Science 59(4), 882–898. doi:10.1287/mnsc.1120.1569
    Chandrasekaran, R. (1970). A special case of the complementary pivot problem. Opsearch 7, 263–268.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal, NamedTuple

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.sparse.csgraph import connected_components

from dealweb.sim import _kernels

__all__ = [
    "ClearingResult",
    "LiabilityEdges",
    "SENIORITIES",
    "clear",
    "eisenberg_noe",
    "picard_clearing",
    "rogers_veraart",
]

Seniority = Literal["pari_passu", "senior"]
#: The accepted values of ``outside_seniority``; the first is the default.
SENIORITIES: tuple[str, ...] = ("pari_passu", "senior")
#: ``method="auto"`` clears webs of at most this many entities with numpy (no numba load; see :func:`clear`).
AUTO_NUMPY_UP_TO = 64
#: Clearing methods accepted by :func:`clear`.
METHODS: tuple[str, ...] = ("auto", "fictitious_default", "worklist")
#: Sweeps of x = b + M x tried before a block goes to the sparse direct solver.
_SWEEPS = 48
#: A run of the work-list kernel may make this many shortfall updates per entity and obligation (plus a
#: base) before it is handed to the fictitious default algorithm.
_UPDATES_PER_EDGE = 50
_UPDATES_BASE = 1000


@dataclass(frozen=True)
class ClearingResult:
    """A clearing vector with what produced it.

    Attributes:
        payments: total payments ``p`` (USD), shape of ``external_assets``.
        owed: ``p̄``, total owed by each entity (USD), shape ``(n,)``.
        outside_owed: what each owes outside the web (USD), shape ``(n,)``.
        stored_outside_paid: what each paid outside the web when outside creditors are senior (else None:
            see :attr:`outside_paid`).
        iterations: number of fictitious-default steps per run (shape ``(runs,)``).
        picard_steps: how many of those were safe Picard steps instead of exact linear steps.
        outside_seniority: ``"pari_passu"`` or ``"senior"``: how outside creditors ranked.
        alpha: fraction of outside assets realised on default (1 for Eisenberg–Noe).
        beta: fraction of receivables realised on default (1 for Eisenberg–Noe).
        model: ``"eisenberg_noe"`` or ``"rogers_veraart"``.
        method: ``"fictitious_default"`` or ``"worklist"`` (the compiled kernel; see ``clear``).
    """

    payments: np.ndarray
    owed: np.ndarray
    outside_owed: np.ndarray
    stored_outside_paid: np.ndarray | None
    iterations: np.ndarray
    picard_steps: np.ndarray
    outside_seniority: str
    alpha: float
    beta: float
    model: str
    method: str = "fictitious_default"

    @property
    def outside_paid(self) -> np.ndarray:
        """What each paid to creditors outside the web (USD), shape of ``payments``."""
        if self.stored_outside_paid is not None:
            return self.stored_outside_paid
        # pari passu: outside creditors get their share of whatever was paid
        share = np.divide(self.outside_owed, self.owed, out=np.zeros_like(self.owed), where=self.owed > 0)
        return self.payments * share

    @property
    def inside_payments(self) -> np.ndarray:
        """What each paid to creditors inside the web (USD), shape of ``payments``."""
        return self.payments - self.outside_paid

    @property
    def defaulted(self) -> np.ndarray:
        """Boolean mask: paid less than owed (beyond rounding), shape of ``payments``."""
        return self.payments < self.owed * (1 - 1e-12)

    @property
    def shortfall(self) -> np.ndarray:
        """``p̄ - p``: what each failed to pay (USD), shape of ``payments``."""
        return self.owed - self.payments


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


class LiabilityEdges(NamedTuple):
    """Liabilities as a list of obligations: ``amounts[..., k]`` owed by ``payer[k]`` to ``payee[k]`` (USD).

    ``amounts`` has shape ``(m,)`` or ``(runs, m)``; repeated pairs add up.

    This is how a simulation passes liabilities that differ between runs without building ``(runs, n, n)``.
    """

    n: int
    payer: np.ndarray
    payee: np.ndarray
    amounts: np.ndarray


@dataclass(frozen=True)
class _Network:
    """The parts of a liabilities matrix the clearing steps need (built once, reused across runs).

    Per-run quantities have a leading axis of length ``batch`` (1 when the liabilities are shared by every
    run); ``pi``/``pit`` hold the sparsity structure only; the weight of structure entry ``k`` in run ``b`` is
    ``data[b, k] / cap[b, payer[k]]`` (computed only where needed, see :meth:`weight`).
    """

    n: int
    batch: int
    pi: sp.csr_matrix  # structure: row j = payer, columns = its creditors i
    pit: sp.csr_matrix  # structure transposed: row i lists i's payers j
    pit_perm: np.ndarray  # position in pi's data of each entry of pit
    data: np.ndarray  # (batch, nnz): amount owed, per structure entry
    inv_cap: np.ndarray  # (batch, n): 1 / cap (0 where cap is 0)
    payer_of: np.ndarray  # (nnz,): payer of each structure entry
    cap: np.ndarray  # (batch, n): the most each pays through the clearing system
    base_in: np.ndarray  # (batch, n): what each receives when everybody pays its cap
    outside: np.ndarray  # (batch, n): outside liabilities
    senior: bool

    def b(self, run: np.ndarray) -> np.ndarray | int:
        """Row of the per-run arrays for runs ``run``."""
        return run if self.batch > 1 else 0

    def weight(self, run: np.ndarray, pos: np.ndarray) -> np.ndarray:
        """``pi`` weights (share of the payer's capped obligations) of structure entries ``pos`` in runs ``run``."""
        b = self.b(run)
        return self.data[b, pos] * self.inv_cap[b, self.payer_of[pos]]


def _edges_of(liabilities: object) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """(n, payer, payee, amounts (batch, m)) from any accepted liabilities form."""
    if isinstance(liabilities, LiabilityEdges):
        n = int(liabilities.n)
        payer = np.asarray(liabilities.payer, dtype=np.int64)
        payee = np.asarray(liabilities.payee, dtype=np.int64)
        amounts = np.asarray(liabilities.amounts, dtype=float)
        amounts = amounts.reshape(1, -1) if amounts.ndim == 1 else amounts
        if amounts.ndim != 2 or amounts.shape[1] != payer.size or payee.size != payer.size:
            raise ValueError("LiabilityEdges: payer, payee and the last axis of amounts must have one length")
        if payer.size and (min(payer.min(), payee.min()) < 0 or max(payer.max(), payee.max()) >= n):
            raise ValueError(f"LiabilityEdges: entity numbers must lie in [0, {n})")
    elif sp.issparse(liabilities) or np.ndim(liabilities) == 2:
        mat = _as_csr(liabilities)
        coo = mat.tocoo()
        n, payer, payee, amounts = mat.shape[0], coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data[None]
    else:
        arr = np.asarray(liabilities, dtype=float)
        if arr.ndim != 3 or arr.shape[1] != arr.shape[2]:
            raise ValueError(f"liabilities must be (n, n), (runs, n, n) or LiabilityEdges, got shape {arr.shape}")
        n = arr.shape[1]
        payer, payee = np.nonzero(arr.any(axis=0))
        amounts = arr[:, payer, payee]
    if amounts.size and (not np.all(np.isfinite(amounts)) or amounts.min() < 0):
        raise ValueError("liabilities must be finite and nonnegative")
    if (payer == payee).any() and amounts[:, payer == payee].any():
        raise ValueError("liabilities[i, i] must be zero: an entity cannot owe itself")
    off = payer != payee
    if off.all():
        return n, payer, payee, amounts
    return n, payer[off], payee[off], amounts[:, off]


def _network(liabilities: object, outside_liabilities: object | None, seniority: str) -> _Network:
    if seniority not in SENIORITIES:
        raise ValueError(f"outside_seniority must be one of {SENIORITIES}, got {seniority!r}")
    n, payer, payee, amounts = _edges_of(liabilities)
    o = np.zeros((1, n)) if outside_liabilities is None else np.asarray(outside_liabilities, dtype=float)
    o = o.reshape(1, -1) if o.ndim == 1 else o
    if o.ndim != 2 or o.shape[1] != n:
        raise ValueError(f"outside_liabilities must have shape ({n},) or (runs, {n}), got {o.shape}")
    if not np.all(np.isfinite(o)) or (o < 0).any():
        raise ValueError("outside_liabilities must be finite and nonnegative")
    # one structure, with repeated pairs summed: data[:, s] adds every amount of pair s
    pair = payer * n + payee
    uniq, which = np.unique(pair, return_inverse=True)
    nnz = uniq.size
    batch = max(amounts.shape[0], o.shape[0])
    rows, cols = np.divmod(uniq, n)
    structure = sp.csr_matrix((np.arange(1, nnz + 1, dtype=float), (rows, cols)), shape=(n, n))
    structure.sort_indices()
    order = structure.data.astype(np.int64) - 1  # csr position -> unique pair number
    if which.size == nnz:
        # no repeated pairs: one gather puts every amount at its structure position
        column = np.empty(nnz, dtype=np.int64)
        column[which] = np.arange(nnz)
        data = amounts[:, column[order]]
    else:
        position = np.empty(nnz, dtype=np.int64)
        position[order] = np.arange(nnz)
        summing = sp.csr_matrix((np.ones(which.size), (np.arange(which.size), position[which])),
                                shape=(which.size, nnz))
        data = np.asarray(amounts @ summing)
    rows_sorted = np.repeat(np.arange(n), np.diff(structure.indptr))
    ones = np.ones(nnz)
    by_payer = sp.csc_matrix((ones, (np.arange(nnz), rows_sorted)), shape=(nnz, n))
    by_payee = sp.csc_matrix((ones, (np.arange(nnz), structure.indices)), shape=(nnz, n))
    inside = np.asarray(data @ by_payer)  # what each owes inside the web, per run
    base_in = np.asarray(data @ by_payee)  # what each is owed inside the web, per run
    senior = seniority == "senior"
    cap = np.broadcast_to(inside if senior else inside + o, (batch, n)).copy()
    base_in = np.broadcast_to(base_in, (batch, n)).copy()
    scale = np.divide(1.0, cap, out=np.zeros_like(cap), where=cap > 0)
    pi = sp.csr_matrix((np.arange(nnz, dtype=float), structure.indices, structure.indptr), shape=(n, n))
    pit = sp.csr_matrix(pi.T)
    pit.sort_indices()
    pit_perm = pit.data.astype(np.int64)
    data = data if data.shape[0] == batch else np.broadcast_to(data, (batch, nnz))
    return _Network(n, batch, pi, pit, pit_perm, data, scale, rows_sorted, cap, base_in,
                    np.broadcast_to(o, (batch, n)).copy(),
                    senior)


def _expand(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For CSR ``indptr`` and a list of row numbers: (which list entry, position in indices/data)."""
    starts = indptr[rows]
    counts = indptr[rows + 1] - starts
    total = int(counts.sum())
    owner = np.repeat(np.arange(rows.size), counts)
    if total == 0:
        return owner, np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(counts) - counts
    pos = np.arange(total) + np.repeat(starts - offsets, counts)
    return owner, pos


def _spread(net: _Network, d: np.ndarray) -> np.ndarray:
    """``(piᵀ d)`` for every run: what each entity fails to receive from shortfalls ``d`` (runs, n)."""
    runs, n = d.shape
    src = np.flatnonzero(d)
    out = np.zeros(runs * n)
    if src.size:
        flat, weights = _scatter(net, src, d.ravel()[src], n)
        np.add.at(out, flat, weights)
    return out.reshape(runs, n)


def _scatter(net: _Network, src: np.ndarray, values: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Spread amounts at flat entries ``src`` (run * n + payer) to their creditors: (flat entries, amounts)."""
    run, payer = np.divmod(src, n)
    owner, pos = _expand(net.pi.indptr, payer)
    flat = run[owner] * n + net.pi.indices[pos]
    return flat, net.weight(run[owner], pos) * values[owner]


def _solve_blocks(
    net: _Network, run: np.ndarray, node: np.ndarray, index: np.ndarray, rhs: np.ndarray, beta: float
) -> np.ndarray | None:
    """Solve ``(I - beta piᵀ_DD) x = rhs`` over the set ``D`` of entries ``(run, node)`` of all runs at once.

    ``index(run * n + entity)`` gives an entry's position in ``D`` (-1 outside). The systems of the runs are
    independent, so together they form one block-diagonal sparse system (elimination never fills in across
    blocks, whatever their order); entries with no payer inside ``D`` are read off directly and the coupled
    rest goes to SuperLU. Returns ``x`` or ``None`` when the system is singular.
    """
    m = run.size
    if m == 0:
        return np.zeros(0)
    owner, pos = _expand(net.pit.indptr, node)
    cols = index(run[owner] * net.n + net.pit.indices[pos])
    keep = cols >= 0
    if not keep.any():
        return rhs.copy()
    rows, cols = owner[keep], cols[keep]
    vals = net.weight(run[rows], net.pit_perm[pos[keep]]) * beta
    coupled = np.zeros(m, dtype=bool)
    coupled[rows] = True
    coupled[cols] = True
    idx = np.flatnonzero(coupled)
    local = np.full(m, -1, dtype=np.int64)
    local[idx] = np.arange(idx.size)
    k = idx.size
    coupling = sp.csr_matrix((vals, (local[rows], local[cols])), shape=(k, k))
    b = rhs[idx]
    # Most default cascades are acyclic: then the coupling is nilpotent and x = b + M x reaches the exact
    # solution after as many sweeps as the cascade is deep. Rows still moving after SWEEPS sweeps sit in
    # (or downstream of) a cycle: their whole connected blocks go to SuperLU. Either way each block is
    # solved on its own, so a run's result does not depend on the other runs in the batch.
    sol = b.copy()
    moving = np.ones(k, dtype=bool)
    for _ in range(_SWEEPS):
        nxt = b + coupling @ sol
        moving = nxt != sol
        sol = nxt
        if not moving.any():
            break
    if moving.any():
        _, label = connected_components(coupling, directed=True, connection="weak")
        hard = np.isin(label, np.unique(label[moving]))
        sub = np.flatnonzero(hard)
        block = coupling[sub][:, sub]
        system = sp.csc_matrix(sp.identity(sub.size, format="csc") - block)
        with warnings.catch_warnings():
            warnings.simplefilter("error", spla.MatrixRankWarning)
            try:
                exact = np.atleast_1d(spla.spsolve(system, b[sub], permc_spec="NATURAL"))
            except (RuntimeError, spla.MatrixRankWarning):
                return None
        if not np.all(np.isfinite(exact)):
            return None
        sol[sub] = exact
    x = rhs.copy()
    x[idx] = sol
    return x


def _prepare_assets(external_assets: object, n: int) -> tuple[np.ndarray, bool]:
    e = np.asarray(external_assets, dtype=float)
    single = e.ndim == 1
    e2 = e.reshape(1, -1) if single else e
    if e2.ndim != 2 or e2.shape[1] != n:
        raise ValueError(f"external_assets must have shape ({n},) or (runs, {n}), got {e.shape}")
    if not np.all(np.isfinite(e2)):
        raise ValueError("external_assets must be finite")
    return e2, single


def _defaulters_exact(
    net: _Network,
    spread: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
    where: np.ndarray,
    run: np.ndarray,
    node: np.ndarray,
    dmask: np.ndarray,
    cap_t: np.ndarray,
    e_t: np.ndarray,
    o_t: np.ndarray,
    in_t: np.ndarray,
    alpha: float,
    beta: float,
    runs: int,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Exact inside payments of the defaulters ``D`` (entries ``dmask`` of T) with everybody else paying in full.

    With the solvent entities fixed at their cap, the defaulters' inside payments are the fixed point of
    ``q = max(0, c + N q)`` on ``D`` with ``N = beta piᵀ_DD`` and ``c = alpha e - o + beta (what they
    receive from outside D)``; ``c`` can be negative only when outside creditors are senior. That is the
    linear complementarity problem ``w = (I - N) q - c >= 0``, ``q >= 0``, ``q ⊥ w`` with a Z-matrix,
    solved exactly by Chandrasekaran's algorithm (1970, "A special case of the complementary pivot
    problem", Opsearch 7:263–268): start with nobody paying, let every defaulter whose ``c + N q`` is
    positive pay, solve the linear system on that paying set ``J``, and repeat; ``J`` only grows, so there
    are at most ``|D|`` solves, and every system is nonsingular unless a closed cycle of defaulters balances
    to the cent. The result is the least solution; it is the only one (so the greatest, hence above the
    greatest clearing vector) unless such an exact balance occurs (``max(0, ·)`` is 1-Lipschitz and two
    fixed points differ by a nonnegative eigenvector of ``N`` for eigenvalue 1 on which nothing is clamped).

    Returns:
        (per-run success flags (runs,), payments at every entry of T, meaningful on ``dmask``), or None
        when a system was singular (the caller then takes a safe Picard step).
    """
    size = run.size
    didx = np.flatnonzero(dmask)

    def received(src: np.ndarray, values: np.ndarray) -> np.ndarray:
        out = np.zeros(size)
        if src.size:
            flat, amounts = spread(src, values)
            hit = where[flat]
            ok = hit >= 0
            np.add.at(out, hit[ok], amounts[ok])
        return out

    # c: what each defaulter has when the other defaulters pay nothing inside the web
    c = alpha * e_t - o_t + beta * (in_t - received(didx, cap_t[didx]))
    q = np.zeros(size)
    paying = np.zeros(size, dtype=bool)
    for _ in range(didx.size + 1):
        pidx = np.flatnonzero(paying)
        pressure = c + beta * received(pidx, q[pidx])
        join = dmask & ~paying & (pressure > 0)
        if not join.any():
            return np.ones(runs, dtype=bool), q
        paying |= join
        pidx = np.flatnonzero(paying)
        in_j = np.full(size, -1, dtype=np.int64)
        in_j[pidx] = np.arange(pidx.size)

        def index(flat: np.ndarray, in_j: np.ndarray = in_j) -> np.ndarray:
            w = where[flat]
            return np.where(w >= 0, in_j[np.maximum(w, 0)], -1)

        x = _solve_blocks(net, run[pidx], node[pidx], index, c[pidx], beta)
        if x is None:
            return None
        q[pidx] = np.maximum(x, 0.0)
    return None


def _clear_runs(
    net: _Network, e: np.ndarray, alpha: float, beta: float, max_steps: int, max_picard: int = 1_000_000
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray]:
    """Greatest clearing vector for each row of ``e``: (q, outside payments if senior, steps, picard steps).

    Works on shortfalls ``d = cap - q``, kept in compact arrays for the entries ``(run, entity)`` that a
    shortfall has reached (the touched set ``T``); everybody else is solvent and paid in full. Partition of
    ``T`` per step: solvent, defaulting and paying a positive amount (partial), defaulting and paying nothing
    into the web (zero). A run leaves ``T`` once an exact step leaves its partition unchanged (it is then at
    its fixed point), so finished runs stop costing.
    """
    runs, n = e.shape
    size = runs * n
    o_sen = net.outside if net.senior else np.zeros_like(net.outside)
    ef = e.ravel()
    threshold = net.cap + o_sen - net.base_in  # an entity defaults when e falls below this
    where = np.full(size, -1, dtype=np.int64)  # flat entry -> position in T
    q_out = np.broadcast_to(net.cap, (runs, n)).copy().ravel()  # inside payments; full unless touched
    steps = np.zeros(runs, dtype=np.int64)
    picard = np.zeros(runs, dtype=np.int64)
    prev_linear = np.zeros(runs, dtype=bool)
    big = max(1.0, float(net.cap.max(initial=0.0)))
    tol = 1e-12 * np.maximum(net.cap, 1.0)

    t_set = np.flatnonzero(e < threshold)
    where[t_set] = np.arange(t_set.size)
    run, node = np.divmod(t_set, n)
    d = np.zeros(t_set.size)
    lost = np.zeros(t_set.size)  # piᵀ d at each entry
    delta = np.zeros(t_set.size)  # changes of d not yet spread into ``lost``
    code = np.zeros(t_set.size, dtype=np.int8)  # 0 solvent, 1 partial, 2 zero: partition of the last step

    def spread(src: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Creditor flat entries and amounts for shortfalls ``values`` at positions ``src`` of T."""
        owner, pos = _expand(net.pi.indptr, node[src])
        rs = run[src][owner]
        return rs * n + net.pi.indices[pos], net.weight(rs, pos) * values[owner]

    while t_set.size:
        # Spread the changes of d since the last step; creditors reached for the first time join T.
        src = np.flatnonzero(delta)
        if src.size:
            flat, amounts = spread(src, delta[src])
            delta[src] = 0.0
            cand = flat[where[flat] < 0]
            if cand.size:
                # deduplicate in O(m): the last write of each entry's marker wins exactly once
                marker = -2 - np.arange(cand.size)
                where[cand] = marker
                fresh = cand[where[cand] == marker]
                where[fresh] = t_set.size + np.arange(fresh.size)
                t_set = np.concatenate([t_set, fresh])
                fr, fn = np.divmod(fresh, n)
                run, node = np.concatenate([run, fr]), np.concatenate([node, fn])
                grow = np.zeros(fresh.size)
                d, lost, delta = np.r_[d, grow], np.r_[lost, grow], np.r_[delta, grow]
                code = np.r_[code, np.zeros(fresh.size, dtype=np.int8)]
            np.add.at(lost, where[flat], amounts)
        bb = net.b(run)
        cap_t = net.cap[bb, node]
        e_t = ef[t_set]
        o_t = o_sen[bb, node]
        in_t = net.base_in[bb, node]
        tol_t = tol[bb, node]
        solvent = e_t - threshold[bb, node] - lost >= 0
        def_value = alpha * e_t - o_t + beta * (in_t - lost)
        zero = ~solvent & (def_value <= 0)
        partial = ~solvent & ~zero
        new_code = np.where(partial, 1, np.where(zero, 2, 0)).astype(np.int8)
        changed = np.bincount(run, weights=new_code != code, minlength=runs) > 0
        # Runs whose partition did not change after an exact step are at their fixed point: they leave T.
        done_run = prev_linear & ~changed
        if done_run.any():
            out = done_run[run]
            q_out[t_set[out]] = cap_t[out] - d[out]
            keep = ~out
            t_set, run, node, d, lost, delta = (a[keep] for a in (t_set, run, node, d, lost, delta))
            cap_t, e_t, solvent, zero, partial, def_value, new_code, o_t, in_t, tol_t = (
                a[keep] for a in (cap_t, e_t, solvent, zero, partial, def_value, new_code, o_t, in_t, tol_t)
            )
            bb = net.b(run)
            where[t_set] = np.arange(t_set.size)
            prev_linear[done_run] = False
        if t_set.size == 0:
            break
        code = new_code
        present = np.flatnonzero(np.bincount(run, minlength=runs))
        steps[present] += 1
        if (steps[present] - picard[present] > max_steps).any() or (picard[present] > max_picard).any():
            raise RuntimeError(
                f"clearing did not converge in {max_steps} exact and {max_picard} Picard steps; "
                "the liabilities may be degenerate"
            )
        # Exact step, in shortfalls: partial defaulters pay alpha e - o + beta * (what they receive), zero
        # ones pay nothing, so on the partial set D:  (I - beta piᵀ_DD) d_D = cap - alpha e + o
        # - beta (base_in - piᵀ_DZ cap_Z).  Only the (rare) zero payers need a scatter here.
        lost_zero = np.zeros(t_set.size)
        zsrc = np.flatnonzero(zero)
        if zsrc.size:
            flat, amounts = spread(zsrc, cap_t[zsrc])
            hit = where[flat]
            ok_hit = hit >= 0
            np.add.at(lost_zero, hit[ok_hit], amounts[ok_hit])
        rhs = cap_t - alpha * e_t + o_t - beta * (in_t - lost_zero)
        pidx = np.flatnonzero(partial)
        in_d = np.full(t_set.size, -1, dtype=np.int64)
        in_d[pidx] = np.arange(pidx.size)

        def index(flat: np.ndarray, in_d: np.ndarray = in_d) -> np.ndarray:
            w = where[flat]
            return np.where(w >= 0, in_d[np.maximum(w, 0)], -1)

        x = _solve_blocks(net, run[pidx], node[pidx], index, rhs[pidx], beta)
        bad_run = np.zeros(runs, dtype=bool)
        short = d.copy()
        if x is None:
            bad_run[run[pidx]] = True
        else:
            short[pidx] = x
            # Accept the exact step only where it stays on the monotone path: d_old <= d <= cap.
            off = (x < d[pidx] - tol_t[pidx]) | (x > cap_t[pidx] + tol_t[pidx])
            bad_run[run[pidx[off]]] = True
        new_d = np.where(solvent, 0.0, np.where(zero, cap_t, np.clip(short, d, cap_t)))
        if bad_run.any():
            # The linear step would make some defaulter pay less than nothing (senior outside claims exceed
            # what it has) or its system is singular (a closed cycle of defaulters): solve the defaulters'
            # complementarity problem exactly instead (see _defaulters_exact).
            lcp = _defaulters_exact(net, spread, where, run, node, ~solvent & bad_run[run], cap_t, e_t, o_t,
                                    in_t, alpha, beta, runs)
            if lcp is not None:
                ok_lcp, q_d = lcp
                fixed = ok_lcp[run] & bad_run[run] & ~solvent
                new_d[fixed] = np.clip(cap_t[fixed] - q_d[fixed], d[fixed], cap_t[fixed])
                bad_run &= ~ok_lcp
        bad = bad_run[run]
        if bad.any():
            # Safe Picard step q <- Φ(q) for those runs: it never goes below the greatest clearing vector.
            phi = np.where(solvent, cap_t, np.clip(def_value, 0.0, cap_t))
            new_d[bad] = np.maximum(cap_t[bad] - phi[bad], d[bad])
            picard[np.flatnonzero(np.bincount(run[bad], minlength=runs))] += 1
        prev_linear[present] = ~bad_run[present]
        moved = new_d - d
        delta += moved
        d = new_d
        if bad.any():
            # A Picard step that moves nothing (beyond rounding) has reached the fixed point.
            move = np.zeros(runs)
            np.maximum.at(move, run[bad], np.abs(moved[bad]))
            done = bad_run & (move <= 1e-15 * big)
            if done.any():
                out = done[run]
                q_out[t_set[out]] = cap_t[out] - d[out]
                keep = ~out
                t_set, run, node, d, lost, delta, code = (
                    a[keep] for a in (t_set, run, node, d, lost, delta, code)
                )
                where[t_set] = np.arange(t_set.size)
    q = q_out.reshape(runs, n)
    outside_paid = None
    if net.senior:
        # Outside the touched entries everybody is solvent and pays its outside creditors in full.
        outside_paid = np.broadcast_to(net.outside, (runs, n)).copy()
        received = net.base_in - _spread(net, net.cap - q)
        solvent_all = e - o_sen + received >= net.cap
        realised = np.where(solvent_all, e + received, alpha * e + beta * received)
        outside_paid = np.minimum(net.outside, np.maximum(0.0, realised))
    return q, outside_paid, steps, picard


def _subset(net: _Network, rows: np.ndarray) -> _Network:
    """The network restricted to runs ``rows`` (unchanged when the liabilities are shared by all runs)."""
    if net.batch == 1:
        return net
    return replace(net, batch=rows.size, data=net.data[rows], inv_cap=net.inv_cap[rows], cap=net.cap[rows],
                   base_in=net.base_in[rows], outside=net.outside[rows])


def _clear_compiled(
    net: _Network, e: np.ndarray, alpha: float, beta: float, max_steps: int | None
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray, str]:
    """The numba work-list kernel; runs it flags as unsettled are redone by the fictitious default algorithm."""
    o_sen = net.outside if net.senior else np.zeros_like(net.outside)
    threshold = net.cap + o_sen - net.base_in
    limit = _UPDATES_PER_EDGE * (net.n + net.pi.nnz) + _UPDATES_BASE
    q, outside_paid, steps, ok = _kernels.worklist_clear(
        net.pi.indptr, net.pi.indices, net.data, net.inv_cap, net.cap, net.base_in, o_sen, threshold, e,
        alpha, beta, net.senior, limit)
    picard = np.zeros_like(steps)
    if not ok.all():
        bad = np.flatnonzero(~ok)
        q2, out2, steps2, picard2 = _clear_runs(_subset(net, bad), e[bad], alpha, beta,
                                                max_steps or 4 * net.n + 100)
        q[bad] = q2
        if outside_paid is not None and out2 is not None:
            outside_paid[bad] = out2
        steps[bad], picard[bad] = steps2, picard2
    return q, outside_paid, steps, picard, "worklist"


def clear(
    liabilities: object,
    external_assets: object,
    *,
    alpha: float = 1.0,
    beta: float = 1.0,
    outside_liabilities: object | None = None,
    outside_seniority: Seniority = "pari_passu",
    max_steps: int | None = None,
    method: str = "auto",
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
        method: ``"fictitious_default"`` (numpy, exact linear steps), ``"worklist"`` (compiled with numba:
            monotone shortfall propagation, exact for acyclic cascades and at the floating-point fixed point
            otherwise; runs that do not settle fall back to the fictitious default algorithm) or ``"auto"``
            (the worklist for more than ``AUTO_NUMPY_UP_TO`` = 64 entities, else the fictitious default
            algorithm: on small webs numpy clears 10^4 runs in ~50 ms, less than loading numba costs a
            fresh process, ~0.35 s; the choice depends on the web's size only, never on the number of runs,
            so a result does not change with the chunking). All give the same clearing vector to rounding
            (tested).

    Returns:
        A :class:`ClearingResult`; ``payments`` has the shape of ``external_assets``.
    """
    if not (0.0 <= alpha <= 1.0 and 0.0 <= beta <= 1.0):
        raise ValueError(f"alpha and beta must lie in [0, 1], got alpha={alpha}, beta={beta}")
    net = _network(liabilities, None if outside_liabilities is None else np.asarray(outside_liabilities),
                   outside_seniority)
    e, single = _prepare_assets(external_assets, net.n)
    if net.batch > 1:
        if e.shape[0] not in (1, net.batch):
            raise ValueError(f"external_assets has {e.shape[0]} runs but the liabilities have {net.batch}")
        e = np.broadcast_to(e, (net.batch, net.n))
        single = False
    if not net.senior and (e < 0).any():
        raise ValueError("external_assets must be nonnegative with pari_passu seniority "
                         "(net negative positions belong in outside_liabilities)")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if method == "worklist" and not _kernels.AVAILABLE:
        raise ValueError("method='worklist' needs numba (a default dependency: pip install dealweb)")
    use_kernel = method == "worklist" or (method == "auto" and _kernels.AVAILABLE and net.n > AUTO_NUMPY_UP_TO)
    if use_kernel:
        q, outside_paid, steps, picard, used = _clear_compiled(net, e, alpha, beta, max_steps)
    else:
        q, outside_paid, steps, picard = _clear_runs(net, e, alpha, beta, max_steps or 4 * net.n + 100)
        used = "fictitious_default"
    owed = net.cap + net.outside if net.senior else net.cap
    total = q if outside_paid is None else np.minimum(q + outside_paid, owed)
    outside_owed = net.outside
    if net.batch == 1:
        owed, outside_owed = owed[0], outside_owed[0]
    if single:
        total = total[0]
        outside_paid = None if outside_paid is None else outside_paid[0]
    model = "eisenberg_noe" if alpha == beta == 1 else "rogers_veraart"
    return ClearingResult(total, owed, outside_owed, outside_paid, steps, picard, outside_seniority,
                          float(alpha), float(beta), model, used)


def eisenberg_noe(
    liabilities: object,
    external_assets: object,
    *,
    outside_liabilities: object | None = None,
    outside_seniority: Seniority = "pari_passu",
    method: str = "auto",
) -> np.ndarray:
    """Eisenberg–Noe greatest clearing payment vector ``p`` (total paid by each entity, USD).

    Solves ``p = min(p̄, max(0, e + Πᵀ p))`` exactly by the fictitious default algorithm (Eisenberg & Noe
    2001, Management Science 47(2):236–249, doi:10.1287/mnsc.47.2.236.9835), batched over runs.

    Args:
        liabilities: ``(n, n)``, ``liabilities[i, j]`` = what i owes j (USD), dense or scipy.sparse.
        external_assets: ``(n,)`` or ``(runs, n)`` outside assets (USD).
        outside_liabilities: ``(n,)`` owed to creditors outside the web (USD); default none.
        outside_seniority: ``"pari_passu"`` (default) or ``"senior"``.
        method: ``"auto"``, ``"fictitious_default"`` or ``"worklist"`` (see :func:`clear`).

    Returns:
        ``p`` with the shape of ``external_assets``.

    >>> import numpy as np
    >>> L = np.array([[0.0, 10.0], [0.0, 0.0]])
    >>> eisenberg_noe(L, np.array([4.0, 0.0])).tolist()
    [4.0, 0.0]
    """
    return clear(liabilities, external_assets, outside_liabilities=outside_liabilities,
                 outside_seniority=outside_seniority, method=method).payments


def rogers_veraart(
    liabilities: object,
    external_assets: object,
    alpha: float,
    beta: float,
    *,
    outside_liabilities: object | None = None,
    outside_seniority: Seniority = "pari_passu",
    method: str = "auto",
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
        method: ``"auto"``, ``"fictitious_default"`` or ``"worklist"`` (see :func:`clear`).

    Returns:
        ``p`` with the shape of ``external_assets``.
    """
    return clear(liabilities, external_assets, alpha=alpha, beta=beta, outside_liabilities=outside_liabilities,
                 outside_seniority=outside_seniority, method=method).payments


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
