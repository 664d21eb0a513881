"""The graph room: the money web of a ledger (or of any edge list), its loops, who really pays, exposure.

Stable Python API (used by the CLI, the report and the web app; keep these signatures):

``snapshot(ledger, at=None, amount="mid", flow="committed") -> Web``
    The web of a :class:`~dealweb.model.Ledger` on a date: ``Web.ids`` (entity ids, position = index),
    ``Web.index`` (id -> index), ``Web.flows`` (``scipy.sparse.csr_array``, ``n x n``, USD,
    ``flows[i, j]`` = money from ``ids[i]`` to ``ids[j]``, parallel flows summed), per-edge arrays
    ``src``, ``dst``, ``amount`` (USD), ``kind``, ``deals``; ``Web.skipped`` lists flows left out
    (no amount, no USD value...) with reasons. ``Web.from_edges(src, dst, amount, types=None)`` and
    ``read_edges(path)`` (CSV/Parquet ``source,target,amount[,type]``) build webs that do not come from a
    ledger; ``Web.to_networkx()`` exports one, ``Web.as_dict()`` gives it as JSON-ready data.

``loops(web, max_length=None, top=None, limit=1_000_000) -> LoopResult``
    Simple cycles ranked by bottleneck (``LoopResult.loops``: :class:`Loop` with ``entities`` in flow
    order starting at the payer of its largest hop, ``deals`` per hop, ``amounts`` per hop, ``bottleneck``
    in USD; ``Loop.as_dict()`` gives the JSON keys ``entities``, ``deals``, ``bottleneck``).
    ``loop_sources(loop, ledger)`` lists the quotes, outlets and dates behind a loop's deals.
    ``circulation(web)`` gives the share of flow that lies on loops (a maximum circulation).

``null_model(web, n=..., seed=..., max_length=...) -> NullComparison``
    Loop statistics against degree-preserving rewirings, with empirical p-values ``(r + 1) / (n + 1)``.
    ``short_cycle_counts(web, k)`` counts loops of 2..4 hops exactly from matrix traces (``k <= 4``).

``trace(web_or_system, entity) -> Trace``
    Origins of an entity's inflow (``Trace.origins`` [(id, share)], ``Trace.classes`` by origin class,
    ``Trace.circularity``, ``Trace.status`` ok / no_inflow / no_origin); ``Trace.as_dict()`` gives the JSON
    keys ``entity``, ``inflow``, ``origins`` [{``id``, ``share``}], ``circularity``. Build
    ``origin_system(web)`` once to trace many entities; ``origin_classes(system)`` gives every entity's
    class mix at once; ``origin_matrix(system)`` the dense ``n x n`` inflow-mix matrix ``M`` (row ``i``:
    shares of ``i``'s inflow by origin entity; diagonal: circularities) for webs of up to 5,000 entities.

``exposure(web, entity, ledger=None) -> Exposure``
    Receivables, backlog, funding, investments and payables by counterparty with shares and HHI, and the
    entity's weighted centrality (``centrality(web)``: in/out strength, PageRank weighted by amount).

All amounts are US dollars. See ``docs/graph.md`` for definitions, algorithms and references.
"""

from dealweb.graph.edges import read_edges
from dealweb.graph.exposure import Centrality, Exposure, centrality, exposure
from dealweb.graph.loops import Circulation, Loop, LoopResult, circulation, loop_counts, loop_sources, loops
from dealweb.graph.null import NullComparison, null_model, p_value, rewired, short_cycle_counts
from dealweb.graph.synthetic import synthetic_web
from dealweb.graph.trace import (
    DEFINITION,
    ORIGIN_CLASSES,
    OriginSystem,
    Trace,
    origin_classes,
    origin_matrix,
    origin_system,
    trace,
)
from dealweb.graph.web import Skipped, Web, snapshot

__all__ = [
    "DEFINITION",
    "ORIGIN_CLASSES",
    "Centrality",
    "Circulation",
    "Exposure",
    "Loop",
    "LoopResult",
    "NullComparison",
    "OriginSystem",
    "Skipped",
    "Trace",
    "Web",
    "centrality",
    "circulation",
    "exposure",
    "loop_counts",
    "loop_sources",
    "loops",
    "null_model",
    "origin_classes",
    "origin_matrix",
    "origin_system",
    "p_value",
    "read_edges",
    "rewired",
    "short_cycle_counts",
    "snapshot",
    "synthetic_web",
    "trace",
]
