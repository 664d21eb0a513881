"""The flows table: one columnar table of dated money flows, the only bridge from a ledger to a number.

Each row is money (or value, for warrants) that a payer owes, pays or may pay a payee under one deal in one
calendar period. Columns are numpy arrays of one length; text columns are integer codes into a vocabulary
(``STATUSES``, ``SHAPES``...) or into a per-table list of strings (entity ids, deal ids, sources), so that a
table of 10^7 rows stays a few hundred megabytes. ``Flows.column(name)`` decodes any column, and
``Flows.records()`` / ``to_csv_bytes()`` / ``to_parquet_bytes()`` give it as rows.

Columns (``docs/flows.md`` defines each one):

=============== ============== ========================================================================
column          dtype          meaning
=============== ============== ========================================================================
payer, payee    int32          index into ``Flows.entities``
deal            int32          index into ``Flows.deals``
kind            int8           index into :data:`KINDS` (investment, warrant, debt, services, ...)
status          int8           index into :data:`STATUSES` (paid, firm, conditional, rumoured,
                               cancelled, history)
basis           int8           index into :data:`BASES` (contract, per_year, tranche): what the
                               source figure is
shape           int8           index into :data:`SHAPES` (flat, ramp, upfront, on_delivery, per_gw,
                               milestone, share_price, date)
period_start    datetime64[D]  first day of the period; NaT when undated
period_end      datetime64[D]  last day of the period (inclusive); NaT when open or undated
low, mid, high  float64        USD of the row at each end of the interval and its middle
                               (:attr:`dealweb.money.Amount.mid`); ``high`` = ``low`` when unbounded
open_high       bool           the amount has no upper bound ("at least")
value           float64        USD by the table's valuation policy (``low``, ``mid`` or ``high``)
term_years      float64        the term of the deal in years (NaN when unknown)
cash            bool           money moves (False: a warrant's value, shares not cash)
trigger         int32          index into ``Flows.texts``: what makes conditional money firm ("" if firm)
source          int32          index into ``Flows.texts``: claims behind the figure, ``doc: «quote»``
assumed         int32          index into ``Flows.texts``: what was assumed, in words ("" if nothing)
known_from      datetime64[D]  publication date of the deal's earliest dated source; NaT = unknown
currency        (export only)  the currency of ``low``, ``mid``, ``high`` and ``value``: ``USD`` in every
                               row (every figure is converted to US dollars when the ledger is read)
=============== ============== ========================================================================
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

import numpy as np

from dealweb.errors import Problem

__all__ = [
    "BASES",
    "COLUMNS",
    "CURRENCY",
    "CONDITIONAL",
    "FIRM",
    "KINDS",
    "LIVE",
    "POLICIES",
    "SHAPES",
    "STATUSES",
    "Flows",
    "Policy",
    "Skipped",
]

Policy = Literal["low", "mid", "high"]
#: The valuation policies: which point of every amount's interval a figure is read at.
POLICIES: tuple[str, ...] = ("low", "mid", "high")

#: Flow kinds (the values of :data:`dealweb.model.FLOW_KIND`, minus ``none``).
KINDS: tuple[str, ...] = ("investment", "warrant", "debt", "services", "revenue", "hardware")
#: Row statuses. ``paid``: a completed deal inside the ledger's window; ``firm``: committed money;
#: ``conditional``: ceilings ("up to"), letters of intent, per-GW / milestone / share-price tranches;
#: ``rumoured``: a rumour; ``cancelled``; ``history``: completed before the ledger's window.
STATUSES: tuple[str, ...] = ("paid", "firm", "conditional", "rumoured", "cancelled", "history")
#: Statuses counted as firm money, as conditional money, and as live (firm + conditional).
FIRM: frozenset[str] = frozenset({"paid", "firm"})
CONDITIONAL: frozenset[str] = frozenset({"conditional", "rumoured"})
LIVE: frozenset[str] = FIRM | CONDITIONAL
#: What the source figure of a row is: the whole contract, a yearly amount, or one tranche.
BASES: tuple[str, ...] = ("contract", "per_year", "tranche")
#: Schedule shapes.
SHAPES: tuple[str, ...] = ("flat", "ramp", "upfront", "on_delivery", "per_gw", "milestone", "share_price", "date")

#: The currency of every figure in the table (amounts are converted to US dollars when the ledger is read).
CURRENCY = "USD"

#: Column names in export order. Stable: new columns are only ever appended (docs/flows.md).
COLUMNS: tuple[str, ...] = (
    "deal", "payer", "payee", "kind", "status", "basis", "shape", "period_start", "period_end", "low", "mid",
    "high", "open_high", "value", "policy", "term_years", "cash", "trigger", "source", "assumed", "known_from",
    "currency",
)

_CODED = {"kind": KINDS, "status": STATUSES, "basis": BASES, "shape": SHAPES}
_ARRAYS = ("payer", "payee", "deal", "kind", "status", "basis", "shape", "period_start", "period_end", "low",
           "mid", "high", "open_high", "value", "term_years", "cash", "trigger", "source", "assumed", "known_from")


@dataclass(frozen=True, slots=True)
class Skipped:
    """A pairwise flow that makes no row, and why (``no amount``, ``no USD value``, ``not known on D``...)."""

    deal: str
    payer: str
    payee: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        """Stable JSON keys: deal, payer, payee, reason."""
        return {"deal": self.deal, "payer": self.payer, "payee": self.payee, "reason": self.reason}


def _codes(names: Sequence[str], vocab: Sequence[str]) -> np.ndarray:
    allowed = set(vocab)
    bad = [x for x in names if x not in allowed]
    if bad:
        raise ValueError(f"unknown value {bad[0]!r}: use one of {', '.join(vocab)}")
    return np.asarray([vocab.index(x) for x in names], dtype=np.int8)


@dataclass(frozen=True, eq=False)
class Flows:
    """The dated flows table (see the module docstring for the columns) and what was made to build it.

    Attributes:
        entities, deals, texts: the string tables the integer columns index.
        policy: the valuation policy of ``value`` (``low``, ``mid``, ``high``).
        as_of: the date the table is read on (``None``: everything the ledger knows).
        window: the ledger's window ``(start, end)`` (``None``: no window; nothing is history).
        period_months: the grid's period length (3: quarters).
        assumptions: deal id -> what was assumed to build its rows, one sentence each.
        unknown_date: deals whose sources are all undated; with ``as_of`` they are left out of the table
            and listed here, never taken as always known.
        not_yet_known: deals known only after ``as_of`` (left out).
        skipped: flows that make no row, with the reason.
        problems: schedules that cannot be built (errors with file, line and hint); their deals make no row.
        notes: sentences about the whole table (the policy's meaning, the window...).
        versions: with ``as_of``, deal id -> the figures shown as its sources had reported them by then
            (not the ledger's current ones), each with the document it comes from
            (:func:`dealweb.flows.known.deal_as_of`); those deals' ``source`` cells start ``as of D: ...``.
    """

    entities: tuple[str, ...]
    deals: tuple[str, ...]
    texts: tuple[str, ...]
    payer: np.ndarray
    payee: np.ndarray
    deal: np.ndarray
    kind: np.ndarray
    status: np.ndarray
    basis: np.ndarray
    shape: np.ndarray
    period_start: np.ndarray
    period_end: np.ndarray
    low: np.ndarray
    mid: np.ndarray
    high: np.ndarray
    open_high: np.ndarray
    value: np.ndarray
    term_years: np.ndarray
    cash: np.ndarray
    trigger: np.ndarray
    source: np.ndarray
    assumed: np.ndarray
    known_from: np.ndarray
    policy: str = "mid"
    as_of: date | None = None
    window: tuple[date | None, date | None] | None = None
    period_months: int = 3
    assumptions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    unknown_date: tuple[str, ...] = ()
    not_yet_known: tuple[str, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    versions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    # ---------------------------------------------------------------------------------------------- basics
    def __len__(self) -> int:
        return int(self.payer.shape[0])

    @property
    def n(self) -> int:
        """Number of rows."""
        return len(self)

    def column(self, name: str) -> np.ndarray:
        """Column ``name`` decoded: strings for coded columns (object array), the raw array otherwise."""
        if name in _CODED:
            return np.asarray(_CODED[name], dtype=object)[getattr(self, name)]
        if name in ("payer", "payee"):
            return np.asarray(self.entities, dtype=object)[getattr(self, name)]
        if name == "deal":
            return np.asarray(self.deals, dtype=object)[self.deal]
        if name in ("trigger", "source", "assumed"):
            return np.asarray(self.texts, dtype=object)[getattr(self, name)]
        if name == "policy":
            return np.full(len(self), self.policy, dtype=object)
        if name == "currency":
            return np.full(len(self), CURRENCY, dtype=object)
        return getattr(self, name)

    def code(self, column: str, value: str) -> int:
        """Integer code of ``value`` in a coded column (``status``, ``kind``, ``basis``, ``shape``)."""
        return _CODED[column].index(value)

    def mask(self, statuses: Sequence[str] | frozenset[str]) -> np.ndarray:
        """Rows whose status is one of ``statuses`` (names from :data:`STATUSES`)."""
        codes = _codes(sorted(statuses), STATUSES)
        return np.isin(self.status, codes)

    @property
    def firm(self) -> np.ndarray:
        """Rows of firm money (``paid`` or ``firm``)."""
        return self.mask(FIRM)

    @property
    def conditional(self) -> np.ndarray:
        """Rows of conditional money (``conditional`` or ``rumoured``)."""
        return self.mask(CONDITIONAL)

    @property
    def live(self) -> np.ndarray:
        """Rows of live money: firm or conditional (not cancelled, not history)."""
        return self.mask(LIVE)

    @property
    def dated(self) -> np.ndarray:
        """Rows with a period (the others are undated whole-contract rows)."""
        return ~np.isnat(self.period_start) & ~np.isnat(self.period_end)

    def select(self, rows: np.ndarray) -> Flows:
        """The table restricted to ``rows`` (a boolean mask or integer indices); string tables are kept."""
        return replace(self, **{k: getattr(self, k)[rows] for k in _ARRAYS})

    def with_policy(self, policy: str) -> Flows:
        """The same table valued at another policy (``low``, ``mid``, ``high``)."""
        if policy not in POLICIES:
            raise ValueError(f"unknown policy {policy!r}: use low, mid or high")
        return replace(self, value=getattr(self, policy).copy(), policy=policy)

    def totals(self, rows: np.ndarray | None = None) -> dict[str, float]:
        """USD by policy of the live rows (or of ``rows`` among them): ``firm``, ``conditional``, ``total``.

        ``total == firm + conditional`` (cancelled and history rows are in none of them).
        """
        sel = np.ones(len(self), dtype=bool) if rows is None else np.asarray(rows)
        if sel.dtype != bool:
            m = np.zeros(len(self), dtype=bool)
            m[sel] = True
            sel = m
        firm = float(self.value[sel & self.firm].sum())
        cond = float(self.value[sel & self.conditional].sum())
        return {"firm": firm, "conditional": cond, "total": firm + cond}

    def entity_index(self, entity: str) -> int:
        """Index of ``entity`` in ``entities`` (``KeyError`` when it has no row)."""
        try:
            return self.entities.index(entity)
        except ValueError:
            raise KeyError(entity) from None

    # ------------------------------------------------------------------------------------------ aggregation
    def by_flow(self, rows: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Rows summed per (deal, payer, payee, kind, status): one line per pairwise flow and status.

        Returns:
            Arrays ``deal``, ``payer``, ``payee``, ``kind``, ``status`` (codes), ``value``, ``low``, ``mid``,
            ``high`` (USD sums), ``term_years``, ``cash`` and ``first`` (index of the group's first row).
        """
        idx = np.arange(len(self)) if rows is None else np.flatnonzero(rows) if np.asarray(rows).dtype == bool \
            else np.asarray(rows)
        if idx.size == 0:
            empty_i = np.zeros(0, dtype=np.int64)
            empty_f = np.zeros(0)
            return {"deal": empty_i, "payer": empty_i, "payee": empty_i, "kind": empty_i, "status": empty_i,
                    "value": empty_f, "low": empty_f, "mid": empty_f, "high": empty_f, "term_years": empty_f,
                    "cash": np.zeros(0, dtype=bool), "first": empty_i}
        keys = np.stack([self.deal[idx].astype(np.int64), self.payer[idx].astype(np.int64),
                         self.payee[idx].astype(np.int64), self.kind[idx].astype(np.int64),
                         self.status[idx].astype(np.int64)], axis=1)
        order = np.lexsort(keys.T[::-1])
        k = keys[order]
        brk = np.ones(k.shape[0], dtype=bool)
        brk[1:] = np.any(k[1:] != k[:-1], axis=1)
        starts = np.flatnonzero(brk)
        rows_sorted = idx[order]
        out: dict[str, np.ndarray] = {
            "deal": k[starts, 0], "payer": k[starts, 1], "payee": k[starts, 2], "kind": k[starts, 3],
            "status": k[starts, 4], "first": rows_sorted[starts],
        }
        for col in ("value", "low", "mid", "high"):
            out[col] = np.add.reduceat(getattr(self, col)[rows_sorted], starts)
        out["term_years"] = self.term_years[rows_sorted[starts]]
        out["cash"] = self.cash[rows_sorted[starts]]
        return out

    def per_period(self, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """USD by policy per period start over the dated rows: ``(period_starts, values)``, sorted by date."""
        sel = self.dated if rows is None else (np.asarray(rows) & self.dated)
        starts = self.period_start[sel]
        if starts.size == 0:
            return np.zeros(0, dtype="datetime64[D]"), np.zeros(0)
        uniq, inv = np.unique(starts, return_inverse=True)
        return uniq, np.bincount(inv, weights=self.value[sel], minlength=uniq.size)

    # -------------------------------------------------------------------------------------------- export
    def records(self, rows: np.ndarray | None = None) -> Iterator[dict[str, Any]]:
        """Rows as dicts with the keys of :data:`COLUMNS` (dates as ISO strings or None)."""
        idx = range(len(self)) if rows is None else np.flatnonzero(rows).tolist()
        cols = {c: self.column(c) for c in COLUMNS if c not in ("policy", "currency")}

        def iso(x: np.datetime64) -> str | None:
            return None if np.isnat(x) else str(x)

        for i in idx:
            yield {
                "deal": cols["deal"][i], "payer": cols["payer"][i], "payee": cols["payee"][i],
                "kind": cols["kind"][i], "status": cols["status"][i], "basis": cols["basis"][i],
                "shape": cols["shape"][i], "period_start": iso(cols["period_start"][i]),
                "period_end": iso(cols["period_end"][i]), "low": float(cols["low"][i]),
                "mid": float(cols["mid"][i]), "high": float(cols["high"][i]),
                "open_high": bool(cols["open_high"][i]), "value": float(cols["value"][i]), "policy": self.policy,
                "term_years": None if np.isnan(cols["term_years"][i]) else float(cols["term_years"][i]),
                "cash": bool(cols["cash"][i]), "trigger": cols["trigger"][i], "source": cols["source"][i],
                "assumed": cols["assumed"][i], "known_from": iso(cols["known_from"][i]), "currency": CURRENCY,
            }

    def summary(self) -> dict[str, Any]:
        """JSON-ready header: policy, as_of, window, totals (firm, conditional, total), counts, lists."""
        return {
            "policy": self.policy,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "window": None if self.window is None else [d.isoformat() if d else None for d in self.window],
            "currency": CURRENCY,
            "rows": len(self),
            "totals": self.totals(),
            "unknown_date": list(self.unknown_date),
            "not_yet_known": list(self.not_yet_known),
            "assumptions": {k: list(v) for k, v in sorted(self.assumptions.items())},
            "skipped": [s.as_dict() for s in self.skipped],
            "notes": list(self.notes),
        }

    def to_csv_bytes(self) -> bytes:
        """The table as UTF-8 CSV with the header :data:`COLUMNS` (empty cells for None)."""
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n")
        w.writeheader()
        for r in self.records():
            w.writerow({k: "" if v is None else v for k, v in r.items()})
        return buf.getvalue().encode("utf-8")

    def to_arrow(self):  # noqa: ANN201 - pyarrow is optional
        """The table as a ``pyarrow.Table`` (coded columns as dictionary arrays); needs pyarrow."""
        import pyarrow as pa

        def dictionary(codes: np.ndarray, vocab: Sequence[str]) -> Any:
            return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), pa.array(list(vocab)))

        def nat_to_null(a: np.ndarray) -> Any:
            return pa.array(a.astype("datetime64[D]"), mask=np.isnat(a), type=pa.date32())

        cols = {
            "deal": dictionary(self.deal, self.deals), "payer": dictionary(self.payer, self.entities),
            "payee": dictionary(self.payee, self.entities), "kind": dictionary(self.kind, KINDS),
            "status": dictionary(self.status, STATUSES), "basis": dictionary(self.basis, BASES),
            "shape": dictionary(self.shape, SHAPES), "period_start": nat_to_null(self.period_start),
            "period_end": nat_to_null(self.period_end), "low": pa.array(self.low), "mid": pa.array(self.mid),
            "high": pa.array(self.high), "open_high": pa.array(self.open_high), "value": pa.array(self.value),
            "policy": pa.array([self.policy] * len(self)),
            "term_years": pa.array(self.term_years, mask=np.isnan(self.term_years)),
            "cash": pa.array(self.cash), "trigger": dictionary(self.trigger, self.texts),
            "source": dictionary(self.source, self.texts), "assumed": dictionary(self.assumed, self.texts),
            "known_from": nat_to_null(self.known_from),
            "currency": pa.DictionaryArray.from_arrays(pa.array(np.zeros(len(self), dtype=np.int32)),
                                                       pa.array([CURRENCY])),
        }
        meta = {"policy": self.policy, "as_of": self.as_of.isoformat() if self.as_of else "", "currency": CURRENCY}
        return pa.table(cols, metadata=meta)

    def to_parquet_bytes(self) -> bytes:
        """The table as Parquet (needs pyarrow: ``pip install 'dealweb[parquet]'``)."""
        import pyarrow.parquet as pq

        buf = io.BytesIO()
        pq.write_table(self.to_arrow(), buf)
        return buf.getvalue()

    def to_pandas(self):  # noqa: ANN201 - pandas is optional
        """The table as a ``pandas.DataFrame`` with decoded columns (needs pandas)."""
        import pandas as pd

        return pd.DataFrame({c: self.column(c) for c in COLUMNS})
