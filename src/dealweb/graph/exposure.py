"""Exposure: what an entity is owed, has invested and owes, by counterparty; and who sits at the centre.

For one entity, flows are grouped by counterparty into categories:

* ``receivables``: every inflow (what others have committed to pay it), by payer;
* ``backlog``: inflows of kind ``services`` and ``hardware`` (contracted sales it is yet to deliver), by
  customer, e.g. how much of Oracle's backlog is OpenAI;
* ``funding``: inflows of kind ``investment``, ``warrant`` and ``debt`` (equity and loans it received);
* ``investments``: outflows of kind ``investment``, ``warrant`` and ``debt`` (stakes taken, loans made);
* ``payables``: every outflow, by payee.

Money only: value in shares (warrants, deals paid in stock; the flows table's ``cash`` False) is not money
owed or paid and is in no category; it is listed apart in ``Exposure.non_cash`` (:meth:`Web.cash_only`), as
"who pays" (:mod:`dealweb.graph.trace`) and ``dealweb show`` do.

Each category has its total, each counterparty's share of it, and the Herfindahl-Hirschman index
``HHI = sum share^2`` (1 = a single counterparty; ``1/k`` = ``k`` equal ones). When a ledger is given and
holds an ``rpo`` fact (remaining performance obligations) for the entity, backlog shares are also given
against that reported figure.

Weighted centrality: in-strength and out-strength (USD received and paid) and PageRank on the web
weighted by amount (Brin & Page 1998): the stationary distribution of a walk that follows money, from
payer to payee with probability proportional to the amount, and jumps to a uniformly random entity with
probability ``1 - damping`` (and always from an entity that pays nobody). A high PageRank marks "the point
all arrows converge on": an entity that receives much money from entities that themselves receive much.

References:
    S. Brin, L. Page (1998), "The anatomy of a large-scale hypertextual Web search engine", Computer
    Networks and ISDN Systems 30(1-7):107-117, doi:10.1016/S0169-7552(98)00110-X.
    S. A. Rhoades (1993), "The Herfindahl-Hirschman index", Federal Reserve Bulletin 79:188-189.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dealweb.errors import InputError
from dealweb.graph.web import NonCash, Web
from dealweb.model import Ledger

__all__ = ["Category", "Centrality", "Counterparty", "Exposure", "centrality", "exposure", "pagerank"]

_CATEGORIES: dict[str, tuple[str, frozenset[str]]] = {
    "receivables": ("in", frozenset({"investment", "warrant", "debt", "services", "revenue", "hardware"})),
    "backlog": ("in", frozenset({"services", "hardware"})),
    "funding": ("in", frozenset({"investment", "warrant", "debt"})),
    "investments": ("out", frozenset({"investment", "warrant", "debt"})),
    "payables": ("out", frozenset({"investment", "warrant", "debt", "services", "revenue", "hardware"})),
}


@dataclass(frozen=True, slots=True)
class Counterparty:
    """One counterparty's part of a category: ``amount`` USD, ``share`` of the category, the deals."""

    id: str
    amount: float
    share: float
    deals: tuple[str, ...]
    share_of_reported: float | None = None

    def as_dict(self) -> dict[str, object]:
        """Stable JSON keys: id, amount, share, deals, share_of_reported."""
        return {"id": self.id, "amount": self.amount, "share": self.share, "deals": list(self.deals),
                "share_of_reported": self.share_of_reported}


@dataclass(frozen=True, slots=True)
class Category:
    """A category of exposure: total USD, counterparties (largest first), HHI, reported figure if any."""

    name: str
    total: float
    counterparties: tuple[Counterparty, ...]
    hhi: float
    reported: float | None = None
    reported_source: str = ""

    def as_dict(self) -> dict[str, object]:
        """Stable JSON keys: name, total, hhi, counterparties, reported, reported_source, currency."""
        return {"name": self.name, "total": self.total, "hhi": self.hhi, "currency": "USD",
                "counterparties": [c.as_dict() for c in self.counterparties], "reported": self.reported,
                "reported_source": self.reported_source}


@dataclass(frozen=True)
class Centrality:
    """Weighted centrality of every entity (arrays indexed like ``web.ids``).

    Attributes:
        in_strength: USD received. out_strength: USD paid.
        pagerank: PageRank weighted by amount (sums to 1).
        damping: the damping factor used. iterations: power iterations made.
    """

    in_strength: np.ndarray
    out_strength: np.ndarray
    pagerank: np.ndarray
    damping: float
    iterations: int

    def rank(self, values: np.ndarray, i: int) -> int:
        """1-based rank of entity ``i`` by ``values`` (1 = largest; ties share the better rank)."""
        return int(np.count_nonzero(values > values[i])) + 1


@dataclass(frozen=True)
class Exposure:
    """One entity's exposure by category and its centrality."""

    entity: str
    categories: dict[str, Category]
    in_strength: float
    out_strength: float
    pagerank: float
    pagerank_rank: int
    in_strength_rank: int
    n_entities: int
    non_cash: tuple[NonCash, ...] = ()  # value in shares to or from the entity: not money, in no category

    def as_dict(self) -> dict[str, object]:
        """Stable JSON keys: entity, currency, categories, centrality, non_cash.

        ``categories`` maps a name to a category; ``centrality`` has in_strength, out_strength, pagerank,
        pagerank_rank, in_strength_rank and n_entities; ``non_cash`` is ``{amount, flows}``: value in shares
        to or from the entity (warrants, deals paid in stock; USD), not money and in no category.
        """
        return {
            "entity": self.entity,
            "currency": "USD",
            "categories": {k: v.as_dict() for k, v in self.categories.items()},
            "non_cash": {"amount": sum(x.amount for x in self.non_cash),
                         "flows": [x.as_dict() for x in self.non_cash]},
            "centrality": {"in_strength": self.in_strength, "out_strength": self.out_strength,
                           "pagerank": self.pagerank, "pagerank_rank": self.pagerank_rank,
                           "in_strength_rank": self.in_strength_rank, "n_entities": self.n_entities},
        }


def pagerank(web: Web, damping: float = 0.85, tol: float = 1e-12, max_iter: int = 1000) -> tuple[np.ndarray, int]:
    """PageRank weighted by amount, by power iteration on the sparse flow matrix.

    ``x <- damping * (P^T x + (sum of x over entities that pay nobody) / n) + (1 - damping) / n`` with
    ``P[i, j] = flows[i, j] / outflow_i``, until the L1 change is below ``n * tol``.

    Returns:
        ``(pagerank, iterations)``.
    """
    n = web.n
    if n == 0:
        return np.zeros(0), 0
    f = web.flows
    out = np.asarray(f.sum(axis=1)).ravel()
    dangling = out <= 0
    inv = np.where(dangling, 0.0, 1.0 / np.where(dangling, 1.0, out))
    pt = (f.T.tocsr()) @ _diag(inv)  # (P^T)[j, i] = F[i, j] / out_i
    x = np.full(n, 1.0 / n)
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 - the count is returned
        nxt = damping * (pt @ x + x[dangling].sum() / n) + (1.0 - damping) / n
        nxt /= nxt.sum()
        err = float(np.abs(nxt - x).sum())
        x = nxt
        if err < n * tol:
            break
    return x, it


def _diag(v: np.ndarray):  # noqa: ANN202 - a scipy sparse array
    import scipy.sparse as sp

    return sp.diags_array(v).tocsr()


def centrality(web: Web, damping: float = 0.85) -> Centrality:
    """In/out strength and amount-weighted PageRank of every entity."""
    pr, it = pagerank(web, damping)
    return Centrality(web.inflow, web.outflow, pr, damping, it)


def _reported_rpo(ledger: Ledger, entity: str, web: Web) -> tuple[float | None, str]:
    facts = [f for f in ledger.facts_for(entity, "rpo") if f.value.usd("mid") is not None]
    if web.at is not None:
        facts = [f for f in facts if f.as_of is None or f.as_of <= web.at]
    if not facts:
        return None, ""
    f = max(facts, key=lambda x: (x.as_of.isoformat() if x.as_of else "", x.id))
    return f.value.usd("mid"), f.id


def exposure(web: Web, entity: str | int | Ledger, ledger: Ledger | str | int | None = None,
             damping: float = 0.85) -> Exposure:
    """One entity's exposure by counterparty (see the module docstring for the categories) and centrality.

    Args:
        web: the web.
        entity: entity id or index.
        ledger: the ledger the web came from, for reported backlog (``rpo`` facts); optional. The order
            ``exposure(web, ledger, entity)`` is accepted too.
        damping: PageRank damping factor.

    Raises:
        InputError: unknown entity.
    """
    if isinstance(entity, Ledger):
        entity, ledger = ledger, entity  # type: ignore[assignment]
    if entity is None or isinstance(entity, Ledger) or (ledger is not None and not isinstance(ledger, Ledger)):
        raise TypeError("call exposure(web, entity, ledger=None)")
    web = web.cash_only()  # money only: value in shares is listed apart (same entities, same indices)
    if isinstance(entity, str):
        if entity not in web.index:
            raise InputError(f"unknown entity {entity!r}", "see the entity ids with 'dealweb show'")
        i = web.index[entity]
    else:
        i = int(entity)
    cats: dict[str, Category] = {}
    is_in = web.dst == i
    is_out = web.src == i
    for name, (side, kinds) in _CATEGORIES.items():
        mask = (is_in if side == "in" else is_out) & np.isin(web.kind, list(kinds))
        es = np.flatnonzero(mask)
        other = web.src[es] if side == "in" else web.dst[es]
        by: dict[int, float] = {}
        deals: dict[int, list[tuple[float, str]]] = {}
        for e, o in zip(es.tolist(), other.tolist(), strict=True):
            by[o] = by.get(o, 0.0) + float(web.amount[e])
            deals.setdefault(o, []).append((float(web.amount[e]), web.edge_label(e)))
        total = float(sum(by.values()))
        reported, rsrc = (None, "")
        if name == "backlog" and ledger is not None:
            reported, rsrc = _reported_rpo(ledger, web.ids[i], web)
        rows = []
        for o in sorted(by, key=lambda k: (-by[k], web.ids[k])):
            share = by[o] / total if total > 0 else 0.0
            labels = tuple(lbl for _, lbl in sorted(deals[o], key=lambda t: (-t[0], t[1])))
            rows.append(Counterparty(web.ids[o], by[o], share, labels,
                                     by[o] / reported if reported else None))
        hhi = float(sum(c.share ** 2 for c in rows))
        cats[name] = Category(name, total, tuple(rows), hhi, reported, rsrc)
    cen = centrality(web, damping)
    shares = tuple(x for x in web.non_cash if web.ids[i] in (x.payer, x.payee))
    return Exposure(web.ids[i], cats, float(cen.in_strength[i]), float(cen.out_strength[i]),
                    float(cen.pagerank[i]), cen.rank(cen.pagerank, i), cen.rank(cen.in_strength, i), web.n,
                    shares)
