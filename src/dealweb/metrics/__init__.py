"""The analysts' own tests, as pure functions with typed inputs, units and sources.

One module per metric: :mod:`~dealweb.metrics.bubble`, :mod:`~dealweb.metrics.breakeven`,
:mod:`~dealweb.metrics.capacity`, :mod:`~dealweb.metrics.backlog`, :mod:`~dealweb.metrics.funding_gap`,
:mod:`~dealweb.metrics.amplification`, :mod:`~dealweb.metrics.cap_table`; default inputs from a ledger's
facts in :mod:`~dealweb.metrics.defaults`. See ``docs/metrics.md``.
"""

from dealweb.metrics.amplification import AmplificationInputs, AmplificationResult, amplification
from dealweb.metrics.backlog import BacklogInputs, BacklogResult, backlog
from dealweb.metrics.breakeven import BreakevenInputs, BreakevenResult, breakeven
from dealweb.metrics.bubble import BubbleEntity, BubbleInputs, BubbleResult, bubble
from dealweb.metrics.cap_table import CapTableInputs, CapTableResult, cap_table
from dealweb.metrics.capacity import CapacityInputs, CapacityResult, capacity
from dealweb.metrics.common import Source
from dealweb.metrics.funding_gap import FundingGapInputs, FundingGapResult, funding_gap

__all__ = [
    "AmplificationInputs",
    "AmplificationResult",
    "BacklogInputs",
    "BacklogResult",
    "BreakevenInputs",
    "BreakevenResult",
    "BubbleEntity",
    "BubbleInputs",
    "BubbleResult",
    "CapTableInputs",
    "CapTableResult",
    "CapacityInputs",
    "CapacityResult",
    "FundingGapInputs",
    "FundingGapResult",
    "Source",
    "amplification",
    "backlog",
    "breakeven",
    "bubble",
    "cap_table",
    "capacity",
    "funding_gap",
]
