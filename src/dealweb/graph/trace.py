"""Who really pays: every entity's inflows decomposed into their ultimate origins.

Semantics (the default the tests pin down). With flows ``F[j -> i]`` (USD), inflow ``I_i = sum_j F[j->i]``,
outflow ``O_i = sum_k F[i->k]``, an entity that pays out more than it takes in puts in its own money
``s_i = max(0, O_i - I_i)`` and is an *origin* of that amount. Money is mixed in proportion: what an entity
passes on is a mix of what came in and of its own money, so its *origin mix* ``c_i`` (a distribution over
origin entities) solves::

    c_i = (sum_j F[j->i] c_j + s_i e_i) / (I_i + s_i).

Writing ``T_i = I_i + s_i`` (throughflow) and ``C`` for the matrix whose row ``i`` is ``c_i``, this is the
sparse linear system ``(diag(T) - F^T) C = diag(s)``: a Leontief input-output inverse, or equivalently the
absorption probabilities of a Markov chain that walks upstream from an entity (to payer ``j`` with
probability ``F[j->i] / T_i``) and is absorbed at ``i`` as an origin with probability ``s_i / T_i``
(Kemeny & Snell 1960). The *inflow mix* of ``i`` is ``M_i = (sum_j F[j->i] c_j) / I_i = (T_i c_i - s_i
e_i) / I_i``: who, in the end, paid the money that came in to ``i``. The *circularity* of ``i`` is
``M_i[i]``: the share of ``i``'s inflow that is its own money coming back round.

Entities that no origin reaches (money going round a closed loop with no outside money) have no origin:
they are flagged, never divided by zero. No money crosses from such a closed part into the rest (if it
did, the closed part would pay out more than it takes in and have an origin), so the system is solved on
the part reachable from origins, where it is non-singular.

Origins are grouped into *classes* by the origin entity's kind and the kind of flow its own money goes
out as (both read from the ledger: entity ``kind``, deal ``type``; never from names): governments (entity
kind ``government``), end customers (kind ``market`` or flows of kind ``revenue``), lenders (``debt``),
equity investors (``investment``, ``warrant``; a joint venture's partners' contributions are investments).
An entity paying for services or hardware beyond what it takes in must find that money somewhere: it is
its *own funds* only up to the cash the ledger records for it (:func:`dealweb.flows.recorded_cash`: cash
on hand and operating cash flow facts, ``Web.cash``); the rest is *unfunded*: no source in the ledger,
still to be raised. Nothing is called a firm's own money without a recorded figure behind it.

Circularity (:data:`DEFINITION`) agrees with the loops: an entity on no loop has none; an entity on a loop
that puts in no money of its own (it takes in at least what it pays out) has none either, and
:attr:`Trace.note` says why.

References:
    W. Leontief (1936), "Quantitative input and output relations in the economic systems of the United
    States", Rev. Econ. Stat. 18(3):105-125, doi:10.2307/1927837.
    J. G. Kemeny, J. L. Snell (1960), *Finite Markov Chains*, Van Nostrand (absorbing chains, ch. III).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order
from scipy.sparse.linalg import splu

from dealweb.errors import InputError
from dealweb.graph.web import Web

__all__ = ["DEFINITION", "ORIGIN_CLASSES", "OriginSystem", "Trace", "origin_classes", "origin_matrix",
           "origin_system", "trace"]

#: Origin classes, in display order.
ORIGIN_CLASSES: tuple[str, ...] = ("equity_investors", "lenders", "end_customers", "governments", "own_funds",
                                   "unfunded")
_KIND_CLASS = {"investment": "equity_investors", "warrant": "equity_investors", "debt": "lenders",
               "revenue": "end_customers", "services": "own_funds", "hardware": "own_funds"}

#: The one sentence that defines circularity, the same in the CLI, the report and the JSON.
DEFINITION = ("Circularity is the share of a firm's inflow that, followed back through the web in proportion, "
              "started as money the firm itself paid out beyond what it took in, and came back to it round a loop "
              "of deals.")

#: Relative tolerance below which ``O_i - I_i`` counts as zero (float sums of equal flows).
RTOL = 1e-12


@dataclass(frozen=True, eq=False)
class OriginSystem:
    """The factorised origin system of a web, shared by every trace on it.

    Attributes:
        web: the web.
        inflow, outflow, own, throughflow: ``I``, ``O``, ``s``, ``T`` per entity, USD.
        reached: per entity, whether some origin's money reaches it (the system is solved there).
        class_split: ``n x len(ORIGIN_CLASSES)``: how each origin's own money splits into classes.
        on_loop: per entity, whether it lies on a loop of the web (a strongly connected group of 2 or more).
    """

    web: Web
    inflow: np.ndarray
    outflow: np.ndarray
    own: np.ndarray
    throughflow: np.ndarray
    reached: np.ndarray
    class_split: np.ndarray
    on_loop: np.ndarray
    _sub: np.ndarray = field(repr=False)
    _loc: np.ndarray = field(repr=False)
    _solver: _Solver | None = field(repr=False)

    def status(self, i: int) -> str:
        """``ok``, ``no_inflow`` (nothing comes in) or ``no_origin`` (a closed loop with no outside money)."""
        if self.inflow[i] <= 0:
            return "no_inflow"
        return "ok" if self.reached[i] else "no_origin"

    def origin_mix(self, i: int) -> np.ndarray:
        """``c_i``: dense length-``n`` distribution over origins of everything ``i`` passes on.

        Zeros when ``i`` is not reached by any origin.
        """
        out = np.zeros(self.web.n)
        if not self.reached[i]:
            return out
        b = np.zeros(self._sub.size)
        b[self._loc[i]] = 1.0
        x = self._solver.solve(b, trans=True)  # type: ignore[union-attr]
        out[self._sub] = x * self.own[self._sub]
        return out

    def inflow_mix(self, i: int) -> np.ndarray:
        """``M_i``: dense length-``n`` distribution over origins of ``i``'s inflow (zeros unless ``ok``)."""
        if self.status(i) != "ok":
            return np.zeros(self.web.n)
        m = self.origin_mix(i) * self.throughflow[i]
        m[i] -= self.own[i]
        m = np.clip(m, 0.0, None)
        m[m < 1e-13 * m.max()] = 0.0  # rounding left over from the solve, not money
        return m / m.sum()


def origin_system(web: Web) -> OriginSystem:
    """Set up the origin system of a web, ready to solve (see :class:`_Solver` for how it is solved).

    Money only: edges whose value is in shares (warrants, deals paid in stock: the flows table's ``cash``
    False) are not money paid and are not traced; ``OriginSystem.web`` is :meth:`Web.cash_only`, which lists
    them in ``non_cash``.
    """
    web = web.cash_only()
    n = web.n
    f = web.flows
    inflow = np.asarray(f.sum(axis=0)).ravel()
    outflow = np.asarray(f.sum(axis=1)).ravel()
    gap = outflow - inflow
    own = np.where(gap > RTOL * np.maximum(outflow, inflow), gap, 0.0)
    through = inflow + own
    sources = np.flatnonzero(own > 0)
    reached = np.zeros(n, dtype=bool)
    if sources.size:
        # one search from a virtual node n that points at every origin
        coo = f.tocoo()
        rows = np.concatenate([coo.row, np.full(sources.size, n)])
        cols = np.concatenate([coo.col, sources])
        g = sp.csr_array((np.ones(rows.size), (rows, cols)), shape=(n + 1, n + 1))
        order = breadth_first_order(g, n, directed=True, return_predecessors=False)
        reached[order[order < n]] = True
    sub = np.flatnonzero(reached)
    loc = np.full(n, -1, dtype=np.int64)
    loc[sub] = np.arange(sub.size)
    solver = None
    if sub.size:
        fs = f[sub][:, sub]
        a = sp.diags_array(through[sub]) - fs.T
        solver = _Solver(sp.csr_matrix(a), through[sub])
    split = _class_split(web, outflow, own)
    on_loop = np.zeros(n, dtype=bool)
    if web.m:
        from scipy.sparse.csgraph import connected_components

        ncomp, labels = connected_components(f, directed=True, connection="strong")
        on_loop = np.bincount(labels, minlength=ncomp)[labels] > 1
    return OriginSystem(web, inflow, outflow, own, through, reached, split, on_loop, sub, loc, solver)


#: Systems with at most this many reached entities are solved by sparse LU; larger ones iteratively.
DIRECT_MAX = 3000


class _Solver:
    """Solves ``A x = b`` or ``A^T x = b`` for ``A = diag(T) - F^T`` restricted to the reached entities.

    Up to :data:`DIRECT_MAX` unknowns: sparse LU (``scipy.sparse.linalg.splu``), exact. Above, iteratively:
    ``A = D - N`` with ``D = diag(T)`` and ``N >= 0`` is a non-singular M-matrix whose Jacobi iteration
    ``x <- D^-1 (b + N x)`` converges (its iteration matrix is the substochastic upstream walk), for all
    right-hand sides at once; columns whose relative residual is not below 1e-11 after 2,000 sweeps are
    solved by BiCGSTAB, then GMRES (Jacobi-preconditioned), then LU. Heavy-tailed webs make LU fill in
    badly (minutes and gigabytes at 10^5 entities) while the iteration takes about a second at 10^6 flows.
    """

    def __init__(self, a: sp.csr_matrix, diag: np.ndarray) -> None:
        self.a = a
        self.at = a.T.tocsr()
        self.diag = diag
        self.lu = splu(a.tocsc()) if a.shape[0] <= DIRECT_MAX else None
        self._n = None
        self._nt = None

    def _lu(self) -> object:
        if self.lu is None:
            self.lu = splu(self.a.tocsc(), permc_spec="MMD_AT_PLUS_A")
        return self.lu

    def _off(self, trans: bool) -> sp.csr_matrix:
        if self._n is None:
            self._n = (sp.diags(self.diag, format="csr") - self.a).tocsr()
            self._nt = self._n.T.tocsr()
        return self._nt if trans else self._n  # type: ignore[return-value]

    def _ok(self, mat: sp.csr_matrix, x: np.ndarray, b: np.ndarray) -> np.ndarray:
        r = np.abs(mat @ x - b).sum(axis=0)
        return r <= 1e-11 * np.maximum(np.abs(b).sum(axis=0), 1e-300)

    def solve(self, b: np.ndarray, trans: bool = False) -> np.ndarray:
        if self.lu is not None:
            return self.lu.solve(b, trans="T" if trans else "N")  # type: ignore[attr-defined]
        from scipy.sparse.linalg import LinearOperator, bicgstab, gmres

        mat = self.at if trans else self.a
        off = self._off(trans)
        d = self.diag if b.ndim == 1 else self.diag[:, None]
        x = b / d
        for sweep in range(2000):
            x = (b + off @ x) / d
            if sweep % 25 == 24 and np.all(self._ok(mat, x, b)):
                return x
        ok = np.atleast_1d(self._ok(mat, x, b))
        cols = [x] if b.ndim == 1 else [x[:, k] for k in range(b.shape[1])]
        rhs = [b] if b.ndim == 1 else [b[:, k] for k in range(b.shape[1])]
        pre = LinearOperator(mat.shape, matvec=lambda v: v / self.diag)
        for k in np.flatnonzero(~ok).tolist():
            for method in (bicgstab, gmres):
                y, info = method(mat, rhs[k], x0=cols[k], M=pre, rtol=1e-12, atol=0.0, maxiter=20_000)
                if info == 0 and self._ok(mat, y, rhs[k]):
                    cols[k] = y
                    break
            else:
                cols[k] = self._lu().solve(rhs[k], trans="T" if trans else "N")  # type: ignore[attr-defined]
        return cols[0] if b.ndim == 1 else np.column_stack(cols)


def _class_split(web: Web, outflow: np.ndarray, own: np.ndarray) -> np.ndarray:
    k = {c: t for t, c in enumerate(ORIGIN_CLASSES)}
    split = np.zeros((web.n, len(ORIGIN_CLASSES)))
    cls = np.asarray([k[_KIND_CLASS.get(str(x), "own_funds")] for x in web.kind], dtype=np.int64) \
        if web.m else np.zeros(0, dtype=np.int64)
    np.add.at(split, (web.src, cls), web.amount)
    with np.errstate(invalid="ignore", divide="ignore"):
        split = np.where(outflow[:, None] > 0, split / np.maximum(outflow, 1e-300)[:, None], 0.0)
    # own money spent on services and hardware is own funds only up to the cash the ledger records
    cash = np.zeros(web.n) if web.cash is None else np.asarray(web.cash, dtype=np.float64)
    spend = own * split[:, k["own_funds"]]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        backed = np.where(spend > 0, np.minimum(1.0, cash / np.maximum(spend, 1e-300)), 0.0)
    svc = split[:, k["own_funds"]].copy()
    split[:, k["own_funds"]] = svc * backed
    split[:, k["unfunded"]] = svc * (1.0 - backed)
    for i, kind in enumerate(web.entity_kinds):
        if kind == "government":
            split[i] = 0.0
            split[i, k["governments"]] = 1.0
        elif kind == "market":
            split[i] = 0.0
            split[i, k["end_customers"]] = 1.0
    return split


def origin_classes(system: OriginSystem) -> tuple[np.ndarray, np.ndarray]:
    """Class mix of every entity's inflow at once: ``len(ORIGIN_CLASSES)`` sparse solves, not ``n``.

    Returns:
        ``(mix, ok)``: ``mix`` is ``n x len(ORIGIN_CLASSES)``, row ``i`` the shares of ``i``'s inflow by
        origin class (a row of zeros where ``ok[i]`` is False: no inflow, or no origin).
    """
    n = system.web.n
    sub = system._sub
    mix = np.zeros((n, len(ORIGIN_CLASSES)))
    ok = np.asarray([system.status(i) == "ok" for i in range(n)], dtype=bool)
    if sub.size == 0:
        return mix, ok
    rhs = system.own[sub][:, None] * system.class_split[sub]
    y = system._solver.solve(np.asfortranarray(rhs))  # type: ignore[union-attr]
    flowin = system.throughflow[sub][:, None] * y - rhs
    flowin = np.clip(flowin, 0.0, None)
    tot = flowin.sum(axis=1)
    good = tot > 0
    rows = sub[good]
    mix[rows] = flowin[good] / tot[good][:, None]
    mix[~ok] = 0.0
    return mix, ok


#: Largest web for which :func:`origin_matrix` builds the dense ``n x n`` matrix.
DENSE_MAX = 5000


def origin_matrix(system: OriginSystem) -> tuple[np.ndarray, np.ndarray]:
    """Every entity's inflow mix at once, as a dense matrix (webs of up to :data:`DENSE_MAX` entities).

    Returns:
        ``(M, ok)``: ``M[i, k]`` is the share of entity ``i``'s inflow whose ultimate origin is entity
        ``k`` (row ``i`` sums to 1 where ``ok[i]``, and is zero elsewhere: no inflow, or no origin); the
        diagonal ``M[i, i]`` is every entity's circularity. Computed from ``C = (diag(T) - F^T)^-1
        diag(s)`` as ``M_i = (T_i C_i - s_i e_i) / I_i``.

    Raises:
        ValueError: the web has more than :data:`DENSE_MAX` entities (use :func:`trace` per entity, or
            :func:`origin_classes` for every entity's class mix).
    """
    n = system.web.n
    if n > DENSE_MAX:
        raise ValueError(f"origin_matrix is dense: {n} entities is above {DENSE_MAX}; trace entities one by one")
    sub = system._sub
    m = np.zeros((n, n))
    ok = np.asarray([system.status(i) == "ok" for i in range(n)], dtype=bool)
    if sub.size:
        c = system._solver.solve(np.asfortranarray(np.diag(system.own[sub])))  # type: ignore[union-attr]
        flowin = system.throughflow[sub][:, None] * c - np.diag(system.own[sub])
        flowin = np.clip(flowin, 0.0, None)
        m[np.ix_(sub, sub)] = flowin
    m[~ok] = 0.0
    tot = m.sum(axis=1)
    m[ok] /= tot[ok][:, None]
    return m, ok


@dataclass(frozen=True, slots=True)
class Trace:
    """Where one entity's inflow comes from in the end.

    Attributes:
        entity: the entity id.
        inflow: its total inflow, USD.
        own: what it pays out beyond what it takes in, ``max(0, O - I)``, USD (backed by its recorded cash
            up to ``own_backed``; the rest is unfunded).
        status: ``ok``, ``no_inflow`` or ``no_origin``.
        message: one sentence for ``no_inflow`` / ``no_origin``; empty when ``ok``.
        origins: ``(origin id, share of inflow)``, largest first; shares sum to 1 when ``ok``.
        classes: share of inflow per origin class (keys :data:`ORIGIN_CLASSES`).
        circularity: share of the inflow that is the entity's own money coming back (``None`` unless ``ok``).
        own_backed: the part of ``own`` the ledger's recorded cash covers (USD).
        cash: the cash the ledger records for the entity (USD; 0 when none).
        on_loop: whether the entity lies on a loop of the web.
        note: why the circularity is what it is when that is not obvious (on a loop but 0%), else "".
        origin_classes: per origin, its share of the inflow by class: ``((id, class, share), ...)``.
        include: which money the web holds (``firm``; ``conditional`` when included).
        non_cash: value in shares reaching the entity (warrants, deals paid in stock), not money and not
            traced: ``((payer, deal, USD, status), ...)``.
    """

    entity: str
    inflow: float
    own: float
    status: str
    message: str
    origins: tuple[tuple[str, float], ...]
    classes: dict[str, float]
    circularity: float | None
    own_backed: float = 0.0
    cash: float = 0.0
    on_loop: bool = False
    note: str = ""
    origin_classes: tuple[tuple[str, str, float], ...] = ()
    include: tuple[str, ...] = ("firm", "conditional")
    non_cash: tuple[tuple[str, str, float, str], ...] = ()

    @property
    def unfunded(self) -> float:
        """USD of the inflow whose origin is money nobody in the ledger provides (still to be raised)."""
        return self.classes.get("unfunded", 0.0) * self.inflow

    def as_dict(self) -> dict[str, object]:
        """Stable JSON keys.

        entity, inflow, origins [{id, share, amount, classes}], circularity, classes, currency, status,
        message, own, own_backed, cash, unfunded {share, amount}, definition, on_loop, note, include.
        ``classes`` maps every origin class to its share, except ``own_funds``, present only when some of
        the inflow is backed by cash the ledger records (no firm's own money without a figure behind it).
        """
        per: dict[str, dict[str, float]] = {}
        for oid, cls, share in self.origin_classes:
            per.setdefault(oid, {})[cls] = share
        classes = {c: v for c, v in self.classes.items() if c != "own_funds" or v > 0}
        return {
            "entity": self.entity,
            "inflow": self.inflow,
            "origins": [{"id": k, "share": s, "amount": s * self.inflow, "classes": per.get(k, {})}
                        for k, s in self.origins],
            "circularity": self.circularity,
            "classes": classes,
            "currency": "USD",
            "status": self.status,
            "message": self.message,
            "own": self.own,
            "own_backed": self.own_backed,
            "cash": self.cash,
            "unfunded": {"share": self.classes.get("unfunded", 0.0), "amount": self.unfunded},
            "definition": DEFINITION,
            "on_loop": self.on_loop,
            "note": self.note,
            "include": list(self.include),
            "non_cash": {"amount": sum(x[2] for x in self.non_cash),
                         "flows": [{"from": p, "deal": d, "amount": a, "status": st} for p, d, a, st in self.non_cash],
                         "meaning": "value in shares (warrants, deals paid in stock): not money, not traced"},
        }


def trace(web: Web | OriginSystem, entity: str | int) -> Trace:
    """Decompose one entity's inflow into its ultimate origins (one sparse solve on a factorised system).

    Args:
        web: the web, or its :func:`origin_system` (reuse it to trace many entities).
        entity: an entity id, or its index.

    Returns:
        The :class:`Trace`.

    Raises:
        InputError: unknown entity.

    >>> w = Web.from_edges(["openai", "oracle", "nvidia"], ["oracle", "nvidia", "openai"], [300.0, 40.0, 100.0])
    >>> round(trace(w, "openai").circularity, 4)   # 4/13, see docs/graph.md
    0.3077
    """
    system = web if isinstance(web, OriginSystem) else origin_system(web)
    w = system.web
    if isinstance(entity, str):
        if entity not in w.index:
            raise InputError(f"unknown entity {entity!r}", "see the entity ids with 'dealweb show'")
        i = w.index[entity]
    else:
        i = int(entity)
    st = system.status(i)
    inflow = float(system.inflow[i])
    own = float(system.own[i])
    cash = 0.0 if w.cash is None else float(w.cash[i])
    own_backed = own * float(system.class_split[i, ORIGIN_CLASSES.index("own_funds")])
    on_loop = bool(system.on_loop[i])
    classes = {c: 0.0 for c in ORIGIN_CLASSES}
    shares = tuple((x.payer, x.deal, x.amount, x.status) for x in w.non_cash if x.payee == w.ids[i])
    extra = {"own_backed": own_backed, "cash": cash, "on_loop": on_loop, "include": w.include, "non_cash": shares}
    if st == "no_inflow":
        return Trace(w.ids[i], inflow, own, st, f"{w.ids[i]} receives no money in this web", (), classes, None,
                     **extra)  # type: ignore[arg-type]
    if st == "no_origin":
        return Trace(w.ids[i], inflow, own, st,
                     f"the money reaching {w.ids[i]} goes round a closed loop with no outside money: it has no origin",
                     (), classes, None, **extra)  # type: ignore[arg-type]
    mix = system.inflow_mix(i)
    nz = np.flatnonzero(mix > 0)
    order = nz[np.lexsort((np.asarray([w.ids[k] for k in nz.tolist()], dtype=object).astype(str), -mix[nz]))]
    origins = tuple((w.ids[k], float(mix[k])) for k in order.tolist())
    by_class = []
    for k in order.tolist():
        for t, c in enumerate(ORIGIN_CLASSES):
            share = float(mix[k] * system.class_split[k, t])
            if share > 0:
                by_class.append((w.ids[k], c, share))
    cls = mix @ system.class_split
    for t, c in enumerate(ORIGIN_CLASSES):
        classes[c] = float(cls[t])
    circ = float(mix[i])
    note = ""
    if on_loop and circ <= 0:
        note = (f"{w.ids[i]} is on a loop but puts in no money of its own (it takes in at least what it pays out), "
                "so none of its inflow is its own money coming back")
    elif not on_loop:
        note = f"{w.ids[i]} is on no loop of this web" + ("" if "conditional" in w.include else
                                                          " (firm money only; --include conditional adds the rest)")
    return Trace(w.ids[i], inflow, own, st, "", origins, classes, circ, own_backed, cash, on_loop, note,
                 tuple(by_class), w.include, shares)
