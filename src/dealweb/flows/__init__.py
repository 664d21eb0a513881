"""The flows room: one dated cash-flow table between the ledger and every number dealweb computes.

Data flow: :class:`~dealweb.model.Ledger` -> :func:`build_flows` (as_of, policy, scenario, grid) ->
:class:`Flows` (one columnar table) -> graph (snapshot, loops, trace, exposure), sim (schedules), metrics,
report, CLI. Nothing downstream reads deals for money on its own.

Stable API (``docs/flows.md`` defines every column and rule):

``build_flows(ledger, *, as_of=None, policy="mid", scenario=None, period_months=3) -> Flows``
    Rows: payer, payee, deal, kind, status (paid, firm, conditional, rumoured, cancelled, history), basis
    (contract, per_year, tranche), shape, period_start/period_end (calendar quarters; NaT = undated),
    low/mid/high/value (USD), open_high, term_years, cash, trigger, source, assumed, known_from.
    ``Flows.firm`` / ``.conditional`` / ``.live`` are row masks; ``Flows.totals()`` gives firm,
    conditional and total (= firm + conditional); ``Flows.by_flow()`` sums rows per pairwise flow and
    status; ``Flows.records()``, ``to_csv_bytes()``, ``to_parquet_bytes()``, ``to_pandas()`` export it.
``check_schedules(ledger) -> list[Problem]``
    Schedules that cannot be built (file:line errors with a hint).
``known_from(record, documents)``
    When a deal or fact became known (its earliest dated source).
``deal_as_of(deal, documents, on)``, ``ledger_as_of(ledger, on)``, ``versions_on(ledger, on)``
    A deal (the ledger) as its sources had reported it by a date: figures, terms, status and parties dated
    claim by claim (no look-ahead); ``build_flows(as_of=...)`` and ``known_deals`` read deals through it.
``recorded_cash(ledger, as_of=None, policy="mid") -> {entity: RecordedCash}``
    Cash the ledger records per entity (cash on hand + one operating cash flow figure): the only money
    "who pays" calls a firm's own funds.
``expand_schedules(mode, start, years, months=3)``
    The vectorised schedule kernel (flat, ramp, point, undated) on a calendar grid.
"""

from dealweb.flows.build import build_flows, expand_schedules
from dealweb.flows.cash import RecordedCash, recorded_cash
from dealweb.flows.known import (
    AsOfFigure,
    DealAsOf,
    deal_as_of,
    document_date,
    fact_as_of,
    known_deals,
    known_from,
    ledger_as_of,
    ledger_window,
    versions_on,
)
from dealweb.flows.table import (
    BASES,
    COLUMNS,
    CONDITIONAL,
    CURRENCY,
    FIRM,
    KINDS,
    LIVE,
    POLICIES,
    SHAPES,
    STATUSES,
    Flows,
    Policy,
    Skipped,
)
from dealweb.ledger.schedules import check_schedules

__all__ = [
    "AsOfFigure",
    "BASES",
    "COLUMNS",
    "CONDITIONAL",
    "CURRENCY",
    "DealAsOf",
    "FIRM",
    "KINDS",
    "LIVE",
    "POLICIES",
    "SHAPES",
    "STATUSES",
    "Flows",
    "Policy",
    "RecordedCash",
    "Skipped",
    "build_flows",
    "check_schedules",
    "deal_as_of",
    "document_date",
    "expand_schedules",
    "fact_as_of",
    "known_deals",
    "known_from",
    "ledger_as_of",
    "ledger_window",
    "recorded_cash",
    "versions_on",
]
