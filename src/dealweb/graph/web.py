"""The money web as arrays: a snapshot of a ledger (or an edge list) that every graph computation reads.

A :class:`Web` holds ``n`` entities indexed ``0 .. n-1`` and ``m`` directed edges, one per pairwise flow
(payer -> payee), with amounts in US dollars. ``Web.flows`` is the ``n x n`` sparse matrix of those edges
with parallel flows summed: ``flows[i, j]`` is the USD that ``ids[i]`` pays (or invests in, or lends to)
``ids[j]``. Computations work on ``flows`` (the aggregated simple graph); the per-edge arrays say which
deals make up each aggregated edge, so that a loop or an exposure can name its deals.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

import numpy as np
import scipy.sparse as sp

from dealweb.flows.table import Skipped
from dealweb.model import FLOW_KIND, Ledger

if TYPE_CHECKING:
    import networkx as nx

    from dealweb.flows import Flows

__all__ = ["AmountChoice", "FlowBasis", "NonCash", "Skipped", "Web", "snapshot"]

AmountChoice = Literal["low", "mid", "high"]
FlowBasis = Literal["committed", "annual"]

#: Flow kinds a web knows (the values of :data:`dealweb.model.FLOW_KIND`, minus ``none``).
KINDS: tuple[str, ...] = ("investment", "warrant", "debt", "services", "revenue", "hardware")


@dataclass(frozen=True, slots=True)
class NonCash:
    """Value that is not money: a flow whose value is in shares (a warrant; a deal paid in stock).

    The flows table marks it ``cash=False``; "who pays" (:mod:`dealweb.graph.trace`) traces money only and
    shows these apart, never as money paid.
    """

    deal: str
    payer: str
    payee: str
    amount: float
    kind: str
    status: str

    def as_dict(self) -> dict[str, object]:
        """Stable JSON keys: deal, from, to, amount (USD), kind, status."""
        return {"deal": self.deal, "from": self.payer, "to": self.payee, "amount": self.amount, "kind": self.kind,
                "status": self.status}


def _kind_of(type_or_kind: str) -> str:
    """Flow kind of a deal type (``chip_purchase`` -> ``hardware``) or of a kind given directly."""
    t = type_or_kind.strip().lower()
    if t in KINDS:
        return t
    return FLOW_KIND.get(t, "services")


@dataclass(frozen=True, eq=False)
class Web:
    """A directed, weighted money web with integer-indexed entities.

    Attributes:
        ids: entity ids, position = index.
        index: id -> index.
        src, dst: per-edge payer and payee indices (``int64``, length ``m``).
        amount: per-edge amount in USD (``float64``, all > 0).
        kind: per-edge flow kind (``investment``, ``debt``, ``services``, ``hardware``, ``revenue``,
            ``warrant``), as an array of strings.
        deals: per-edge deal id (ledger snapshots) or ``None`` (edge lists: edges are named by row).
        entity_kinds: per-entity kind (``company``, ``fund``, ``government``, ``market``...).
        names: per-entity display name.
        flows: ``n x n`` ``scipy.sparse.csr_array`` in USD, ``flows[i, j]`` = money from ``i`` to ``j``
            (parallel edges summed; no self-loops).
        skipped: flows left out, with reasons.
        at: the date of the snapshot (``None``: every live deal).
        amount_choice: ``low``, ``mid`` or ``high`` end of each amount's interval.
        basis: ``committed`` (whole contract) or ``annual`` (contract / term in years).
        notes: assumptions made while building the snapshot, one sentence each.
        rows: per-edge 1-based line numbers in the source file for edge lists (``None`` otherwise).
        status: per-edge ``firm`` or ``conditional`` (ledger snapshots; ``None`` for edge lists: all firm).
        cash: per-entity cash the ledger records (USD; 0 where none), the only money "who pays" counts as
            a firm's own funds (``None`` for edge lists: no entity has recorded cash).
        include: which money the web holds: ``("firm",)`` or ``("firm", "conditional")``.
        left_out: USD of the live money not in the web, by status (``{"conditional": ...}``).
        moves_cash: per-edge, whether money moves (False: value in shares, a warrant or a deal paid in stock,
            the flows table's ``cash`` column); ``None``: every edge is money (edge lists).
        non_cash: flows taken out by :meth:`cash_only` (value in shares), kept to be shown apart.
    """

    ids: tuple[str, ...]
    index: dict[str, int]
    src: np.ndarray
    dst: np.ndarray
    amount: np.ndarray
    kind: np.ndarray
    deals: tuple[str, ...] | None
    entity_kinds: tuple[str, ...]
    names: tuple[str, ...]
    flows: sp.csr_array
    skipped: tuple[Skipped, ...] = ()
    at: date | None = None
    amount_choice: str = "mid"
    basis: str = "committed"
    notes: tuple[str, ...] = ()
    rows: np.ndarray | None = None
    status: np.ndarray | None = None
    cash: np.ndarray | None = None
    include: tuple[str, ...] = ("firm", "conditional")
    left_out: dict[str, float] = field(default_factory=dict)
    moves_cash: np.ndarray | None = None
    non_cash: tuple[NonCash, ...] = ()
    _pair_edges: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    @property
    def n(self) -> int:
        """Number of entities."""
        return len(self.ids)

    @property
    def m(self) -> int:
        """Number of edges (flows, before parallel ones are summed)."""
        return int(self.src.shape[0])

    @property
    def total(self) -> float:
        """Total flow in USD."""
        return float(self.amount.sum())

    def edge_label(self, e: int) -> str:
        """The deal id of edge ``e``, or ``row N`` (its line in the edge file) for edge lists."""
        if self.deals is not None:
            return self.deals[e]
        if self.rows is not None:
            return f"row {int(self.rows[e])}"
        return f"edge {e}"

    def edges_between(self, i: int, j: int) -> list[int]:
        """Indices of the edges (flows) from entity ``i`` to entity ``j`` (a binary search, O(log m))."""
        cached = self._pair_edges
        if cached is None:
            keys = self.src * max(self.n, 1) + self.dst
            order = np.argsort(keys, kind="stable")
            cached = (keys[order], order)
            object.__setattr__(self, "_pair_edges", cached)
        keys, order = cached
        key = i * max(self.n, 1) + j
        lo, hi = np.searchsorted(keys, key, "left"), np.searchsorted(keys, key, "right")
        return order[lo:hi].tolist()

    def amount_between(self, i: int, j: int) -> float:
        """``flows[i, j]``: the USD from ``i`` to ``j``, parallel flows summed (a binary search in row ``i``)."""
        f = self.flows
        lo, hi = int(f.indptr[i]), int(f.indptr[i + 1])
        k = lo + int(np.searchsorted(f.indices[lo:hi], j))
        return float(f.data[k]) if k < hi and int(f.indices[k]) == j else 0.0

    @property
    def pair_amount(self) -> dict[tuple[int, int], float]:
        """``(i, j) -> flows[i, j]`` for every aggregated edge, as a dict (built once, for fast lookups)."""
        cached = self.__dict__.get("_pair_amount_cache")
        if cached is None:
            coo = self.flows.tocoo()
            cached = dict(zip(zip(coo.row.tolist(), coo.col.tolist(), strict=True), coo.data.tolist(), strict=True))
            object.__setattr__(self, "_pair_amount_cache", cached)
        return cached

    def cash_edge(self, e: int) -> bool:
        """Whether edge ``e`` is money (False: value in shares, not cash)."""
        return self.moves_cash is None or bool(self.moves_cash[e])

    def cash_only(self) -> Web:
        """The web of money alone: edges whose value is in shares leave it and are listed in ``non_cash``.

        The entities (and their indices) stay the same. ``self`` when every edge is money.
        """
        if self.moves_cash is None or bool(np.all(self.moves_cash)):
            return self
        keep = np.asarray(self.moves_cash, dtype=bool)
        gone = tuple(NonCash(self.edge_label(e), self.ids[int(self.src[e])], self.ids[int(self.dst[e])],
                             float(self.amount[e]), str(self.kind[e]),
                             "conditional" if self.conditional_edge(e) else "firm")
                     for e in np.flatnonzero(~keep).tolist())
        total = sum(x.amount for x in gone)
        note = (f"value in shares, not money: {len(gone)} flow(s), ${total / 1e9:,.2f}B (warrants, deals paid in "
                "stock) left out of the money and shown apart")
        return _assemble(self.ids, self.src[keep], self.dst[keep], self.amount[keep], self.kind[keep],
                         None if self.deals is None else tuple(d for d, k in zip(self.deals, keep.tolist(),
                                                                                 strict=True) if k),
                         self.entity_kinds, self.names, skipped=self.skipped, at=self.at,
                         amount_choice=self.amount_choice, basis=self.basis, notes=(*self.notes, note),
                         rows=None if self.rows is None else self.rows[keep],
                         status=None if self.status is None else self.status[keep], cash=self.cash,
                         include=self.include, left_out=dict(self.left_out), moves_cash=None,
                         non_cash=(*self.non_cash, *gone))

    def non_cash_total(self) -> float:
        """USD of value in shares in the web (edges not money, and flows :meth:`cash_only` took out)."""
        inside = 0.0 if self.moves_cash is None else float(self.amount[~np.asarray(self.moves_cash, bool)].sum())
        return inside + sum(x.amount for x in self.non_cash)

    def conditional_edge(self, e: int) -> bool:
        """Whether edge ``e`` is conditional money ("up to", letter of intent, tranche, rumour)."""
        return self.status is not None and str(self.status[e]) == "conditional"

    def deals_between(self, i: int, j: int) -> list[str]:
        """Labels (deal ids) of the flows from ``i`` to ``j``, largest amount first."""
        es = sorted(self.edges_between(i, j), key=lambda e: -float(self.amount[e]))
        return [self.edge_label(e) for e in es]

    @property
    def inflow(self) -> np.ndarray:
        """Per-entity total inflow in USD (column sums of ``flows``)."""
        return np.asarray(self.flows.sum(axis=0)).ravel()

    @property
    def outflow(self) -> np.ndarray:
        """Per-entity total outflow in USD (row sums of ``flows``)."""
        return np.asarray(self.flows.sum(axis=1)).ravel()

    def as_dict(self) -> dict[str, object]:
        """The web as JSON-ready data with stable keys.

        ``entities`` [{id, name, kind, inflow, outflow}], ``flows`` [{from, to, amount, kind, deal}] (one
        per flow, not summed), ``skipped`` [{deal, payer, payee, reason}], ``at``, ``amount``, ``basis``,
        ``notes``, ``currency`` ("USD").
        """
        inflow, outflow = self.inflow.tolist(), self.outflow.tolist()
        return {
            "entities": [{"id": x, "name": self.names[i], "kind": self.entity_kinds[i], "inflow": inflow[i],
                          "outflow": outflow[i]} for i, x in enumerate(self.ids)],
            "flows": [{"from": self.ids[a], "to": self.ids[b], "amount": v, "kind": str(k), "deal": self.edge_label(e),
                       "status": "conditional" if self.conditional_edge(e) else "firm", "cash": self.cash_edge(e)}
                      for e, (a, b, v, k) in enumerate(zip(self.src.tolist(), self.dst.tolist(), self.amount.tolist(),
                                                           self.kind.tolist(), strict=True))],
            "skipped": [s.as_dict() for s in self.skipped],
            "at": self.at.isoformat() if self.at else None,
            "amount": self.amount_choice,
            "basis": self.basis,
            "notes": list(self.notes),
            "currency": "USD",
            "include": list(self.include),
            "totals": self.totals(),
            "left_out": dict(self.left_out),
            "non_cash": {"amount": self.non_cash_total(),
                         "flows": [x.as_dict() for x in self.non_cash],
                         "meaning": "value in shares (warrants, deals paid in stock), not money"},
        }

    def totals(self) -> dict[str, float]:
        """USD in the web: money by status, value in shares apart, and all of it.

        ``firm`` and ``conditional`` (0 unless included) are money; ``non_cash`` is value in shares (warrants,
        deals paid in stock: not money); ``total`` is all of it.
        """
        cond = np.asarray([self.conditional_edge(e) for e in range(self.m)], dtype=bool) if self.status is not None \
            else np.zeros(self.m, dtype=bool)
        money = np.ones(self.m, dtype=bool) if self.moves_cash is None else np.asarray(self.moves_cash, dtype=bool)
        c = float(self.amount[cond & money].sum())
        shares = float(self.amount[~money].sum())
        return {"firm": self.total - c - shares, "conditional": c, "non_cash": shares, "total": self.total}

    def to_networkx(self) -> nx.DiGraph:
        """The aggregated web as a ``networkx.DiGraph``.

        Nodes are entity ids with attributes ``kind`` and ``name``; each edge has ``amount`` (USD, parallel
        flows summed), ``deals`` (labels of its flows) and ``kinds`` (their flow kinds).
        """
        import networkx as nx

        g = nx.DiGraph()
        for i, eid in enumerate(self.ids):
            g.add_node(eid, kind=self.entity_kinds[i], name=self.names[i])
        coo = self.flows.tocoo()
        for i, j, w in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True):
            es = self.edges_between(i, j)
            g.add_edge(self.ids[i], self.ids[j], amount=w, deals=[self.edge_label(e) for e in es],
                       kinds=sorted({str(self.kind[e]) for e in es}))
        return g

    def relabeled(self, perm: Sequence[int]) -> Web:
        """The same web with entity ``i`` moved to index ``perm[i]`` (for invariance checks)."""
        p = np.asarray(perm, dtype=np.int64)
        inv = np.empty_like(p)
        inv[p] = np.arange(p.size)
        ids = tuple(self.ids[k] for k in inv.tolist())
        return _assemble(ids, p[self.src], p[self.dst], self.amount, self.kind, self.deals,
                         tuple(self.entity_kinds[k] for k in inv.tolist()), tuple(self.names[k] for k in inv.tolist()),
                         skipped=self.skipped, at=self.at, amount_choice=self.amount_choice, basis=self.basis,
                         notes=self.notes, rows=self.rows, status=self.status,
                         cash=None if self.cash is None else self.cash[inv], include=self.include,
                         left_out=dict(self.left_out), moves_cash=self.moves_cash, non_cash=self.non_cash)

    @classmethod
    def from_edges(
        cls,
        src: Iterable[Hashable] | np.ndarray,
        dst: Iterable[Hashable] | np.ndarray,
        amount: Iterable[float] | np.ndarray,
        types: Iterable[str] | np.ndarray | None = None,
        entity_kinds: Mapping[str, str] | None = None,
        rows: np.ndarray | None = None,
        cash: Mapping[str, float] | None = None,
    ) -> Web:
        """A web from parallel arrays of payer labels, payee labels and USD amounts.

        Args:
            src: payer of each flow (any labels; they become ids via ``str``).
            dst: payee of each flow.
            amount: USD amount of each flow; must be finite and >= 0 (zero flows are dropped and counted
                in ``skipped``).
            types: optional deal type or flow kind of each flow (``equity_investment``, ``debt``...);
                ``services`` when absent.
            entity_kinds: optional id -> entity kind (``market``, ``government``, ``fund``...).
            rows: optional 1-based line numbers of the flows in their file, to name them in loops.
            cash: optional id -> cash the entity is known to hold (USD), the only money "who pays" counts
                as its own funds (:mod:`dealweb.graph.trace`).

        Raises:
            ValueError: arrays of different lengths, or a negative or non-finite amount.

        >>> w = Web.from_edges(["a", "b"], ["b", "a"], [3.0, 2.0])
        >>> float(w.flows[0, 1]), w.ids
        (3.0, ('a', 'b'))
        """
        s = np.asarray(list(src) if not isinstance(src, np.ndarray) else src)
        d = np.asarray(list(dst) if not isinstance(dst, np.ndarray) else dst)
        a = np.asarray(list(amount) if not isinstance(amount, np.ndarray) else amount, dtype=np.float64)
        if not (s.shape == d.shape == a.shape) or s.ndim != 1:
            raise ValueError(f"src, dst and amount must be 1-d of one length (got {s.shape}, {d.shape}, {a.shape})")
        bad = ~np.isfinite(a) | (a < 0)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise ValueError(f"flow {k} ({s[k]} -> {d[k]}) has amount {a[k]!r}: amounts must be finite and >= 0")
        if types is None:
            kinds = np.full(a.shape, "services", dtype=object)
        else:
            t = np.asarray(list(types) if not isinstance(types, np.ndarray) else types, dtype=object)
            uniq, inv = np.unique(t.astype(str), return_inverse=True)
            kinds = np.asarray([_kind_of(u) for u in uniq.tolist()], dtype=object)[inv]
        if s.size:
            labels, inv_all = np.unique(np.concatenate([s, d]).astype(str), return_inverse=True)
        else:
            labels, inv_all = np.array([], dtype=str), np.array([], dtype=np.int64)
        ids = tuple(labels.tolist())
        si, di = inv_all[: s.size].astype(np.int64), inv_all[s.size:].astype(np.int64)
        skipped: list[Skipped] = []
        keep = (a > 0) & (si != di)
        if not keep.all():
            for k in np.flatnonzero(~keep)[:1000].tolist():
                reason = "self-flow (payer is payee)" if si[k] == di[k] else "zero amount"
                label = f"row {int(rows[k])}" if rows is not None else f"edge {k}"
                skipped.append(Skipped(label, ids[si[k]], ids[di[k]], reason))
        ek = entity_kinds or {}
        held = None if cash is None else np.asarray([float(cash.get(x, 0.0)) for x in ids])
        shares = kinds[keep] == "warrant"  # a warrant's value is in shares, not money (as in the flows table)
        return _assemble(ids, si[keep], di[keep], a[keep], kinds[keep], None,
                         tuple(ek.get(x, "company") for x in ids), ids, skipped=tuple(skipped),
                         rows=None if rows is None else np.asarray(rows)[keep], cash=held,
                         moves_cash=~shares if shares.any() else None)


def _assemble(
    ids: tuple[str, ...],
    src: np.ndarray,
    dst: np.ndarray,
    amount: np.ndarray,
    kind: np.ndarray,
    deals: tuple[str, ...] | None,
    entity_kinds: tuple[str, ...],
    names: tuple[str, ...],
    **kw: object,
) -> Web:
    n = len(ids)
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    amount = np.asarray(amount, dtype=np.float64)
    flows = sp.csr_array((amount, (src, dst)), shape=(n, n))
    flows.sum_duplicates()
    flows.sort_indices()
    return Web(ids=ids, index={x: i for i, x in enumerate(ids)}, src=src, dst=dst, amount=amount,
               kind=np.asarray(kind, dtype=object), deals=deals, entity_kinds=entity_kinds, names=names,
               flows=flows, **kw)  # type: ignore[arg-type]


def snapshot(
    ledger: Ledger,
    at: date | None = None,
    amount: AmountChoice = "mid",
    flow: FlowBasis = "committed",
    include: str | Iterable[str] = ("firm",),
    flows: Flows | None = None,
) -> Web:
    """The money web of a ledger on a date, read from its flows table (:func:`dealweb.flows.build_flows`).

    Every live pairwise flow of the flows table becomes an edge payer -> payee of its value in US dollars
    under the valuation policy ``amount``; rows of one flow over several quarters are summed. Firm money
    (paid, firm) is always in; conditional money ("up to" ceilings, letters of intent, per-GW / milestone
    tranches, rumours) only when ``include`` names it, and every edge says which it is (``Web.status``).
    Cancelled deals and history (completed before the ledger's window) make no edge. With ``at``, only what
    was known on that date is read (no look-ahead); deals whose sources are undated are left out and named in
    ``notes``.

    Args:
        ledger: the ledger.
        at: read the ledger as known on this date; ``None`` takes everything it records.
        amount: the valuation policy: ``low``, ``mid`` (:attr:`dealweb.money.Amount.mid`) or ``high``
            (``up to $100B`` is [0, $100B]: its ``low`` is 0 and the flow is then skipped as a zero amount).
        flow: ``committed`` (the whole amount) or ``annual`` (divided by the deal's term in years when the
            ledger gives one; flows without a term count once, and ``notes`` says so).
        include: ``"firm"`` (the default) or ``("firm", "conditional")`` / ``"conditional"`` / ``"all"``.
        flows: a flows table already built for ``ledger`` (same ``at`` and policy), to reuse.

    Returns:
        The :class:`Web`; flows without a USD value are not in it, but in ``Web.skipped`` with the reason.
    """
    from dealweb.flows import build_flows, recorded_cash

    if amount not in ("low", "mid", "high"):
        raise ValueError(f"unknown amount choice {amount!r}: use low, mid or high")
    if flow not in ("committed", "annual"):
        raise ValueError(f"unknown flow basis {flow!r}: use committed or annual")
    inc = _include(include)
    fl = flows if flows is not None else build_flows(ledger, as_of=at, policy=amount)
    if fl.policy != amount:
        fl = fl.with_policy(amount)
    wanted = {"paid", "firm"} | ({"conditional", "rumoured"} if "conditional" in inc else set())
    g = fl.by_flow(fl.mask(wanted))
    value = g["value"].copy()
    no_term: list[str] = []
    if flow == "annual":
        years = g["term_years"]
        has = np.isfinite(years) & (years > 0)
        value[has] = value[has] / years[has]
        no_term = [fl.deals[d] for d in g["deal"][~has].tolist()]
    skipped: list[Skipped] = [Skipped(s.deal, s.payer, s.payee, s.reason) for s in fl.skipped]
    keep = np.isfinite(value) & (value > 0)
    for k in np.flatnonzero(~keep).tolist():
        skipped.append(Skipped(fl.deals[g["deal"][k]], fl.entities[g["payer"][k]], fl.entities[g["payee"][k]],
                               f"zero amount at '{amount}'"))
    # the aggregated web: one edge per (deal, payer, payee, kind, status)
    cond_codes = {fl.code("status", "conditional"), fl.code("status", "rumoured")}
    ents = ledger.entities
    ids: list[str] = list(ents)
    index = {x: i for i, x in enumerate(ids)}
    for x in fl.entities:
        if x not in index:
            index[x] = len(ids)
            ids.append(x)
    remap = np.asarray([index[x] for x in fl.entities], dtype=np.int64)
    src = remap[g["payer"][keep]] if keep.any() else np.zeros(0, dtype=np.int64)
    dst = remap[g["payee"][keep]] if keep.any() else np.zeros(0, dtype=np.int64)
    kinds = np.asarray(KINDS, dtype=object)[g["kind"][keep]] if keep.any() else np.zeros(0, dtype=object)
    status = np.asarray(["conditional" if int(c) in cond_codes else "firm" for c in g["status"][keep].tolist()],
                        dtype=object)
    deals = tuple(fl.deals[d] for d in g["deal"][keep].tolist())
    moves_cash = np.asarray(g["cash"][keep], dtype=bool)
    # money only: a conditional warrant (value in shares) is not conditional money (show counts it the same way)
    left = fl.totals(np.asarray(fl.cash, dtype=bool))
    left_out = {} if "conditional" in inc else {"conditional": left["conditional"]}
    notes = []
    if no_term:
        uniq = sorted(set(no_term))
        notes.append(f"annual flow: {len(uniq)} deal(s) without a term counted once in full: " + ", ".join(uniq[:10])
                     + (" ..." if len(uniq) > 10 else ""))
    if left_out.get("conditional"):
        n_cond = len({fl.deals[d] for d in fl.deal[fl.conditional].tolist()})
        notes.append(f"conditional money left out: {n_cond} deal(s), ${left_out['conditional'] / 1e9:,.1f}B at "
                     f"'{amount}' (up to / letters of intent / tranches / rumours; --include conditional adds them)")
    if at is not None and fl.unknown_date:
        notes.append(f"{len(fl.unknown_date)} deal(s) with only undated sources left out on {at.isoformat()} (known "
                     "date unknown): " + ", ".join(fl.unknown_date[:8]) + (" ..." if len(fl.unknown_date) > 8 else ""))
    versions = getattr(fl, "versions", {})
    if at is not None and versions:
        notes.append(f"as of {at.isoformat()}, {len(versions)} deal(s) carry the figures their sources had reported by "
                     "then, not the ledger's current ones: " + "; ".join(
                         f"{k}: {', '.join(v)}" for k, v in list(versions.items())[:8])
                     + (" ..." if len(versions) > 8 else ""))
    cash_rec = recorded_cash(ledger, at, amount)
    cash = np.zeros(len(ids))
    for e, rc in cash_rec.items():
        if e in index:
            cash[index[e]] = rc.usd
    return _assemble(
        tuple(ids), src, dst, value[keep], kinds, deals,
        tuple(str(ents[x].kind) if x in ents else "company" for x in ids),
        tuple(ents[x].name if x in ents else x for x in ids),
        skipped=tuple(skipped), at=at, amount_choice=amount, basis=flow, notes=tuple(notes), status=status,
        cash=cash, include=tuple(sorted(inc, key=("firm", "conditional").index)), left_out=left_out,
        moves_cash=None if bool(moves_cash.all()) else moves_cash,
    )


def _include(include: str | Iterable[str]) -> set[str]:
    """``firm`` plus what ``include`` names (``conditional`` or ``all``); ValueError for anything else."""
    items = {include} if isinstance(include, str) else set(include)
    if "all" in items:
        items = {"firm", "conditional"}
    bad = items - {"firm", "conditional"}
    if bad:
        raise ValueError(f"unknown money to include {sorted(bad)}: use firm or conditional")
    return items | {"firm"}
