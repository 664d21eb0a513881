"""What the report shows from the analytical rooms, gathered through their public functions.

The faces compute nothing of their own: loops and who-pays come from :mod:`dealweb.graph`, the
dashboard from :mod:`dealweb.metrics`, the fan charts from :mod:`dealweb.sim`. This module calls them
and turns their results into rows and series the templates draw. When a room is missing from an
install (an optional extra), or the ledger lacks what it needs (a :class:`~dealweb.errors.DealwebError`:
:class:`~dealweb.errors.NotAssessed`, a scenario naming deals this ledger does not have...), the section
says so (``notes``) rather than showing made-up figures. Anything else is a bug: it propagates, and the
command fails loudly with one line (``DEALWEB_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dealweb.errors import DealwebError
from dealweb.i18n import Msg, Verbatim
from dealweb.model import Ledger

__all__ = ["Analysis", "FanChart", "LoopRow", "Table", "analysis_of"]


@dataclass(frozen=True, slots=True)
class LoopRow:
    """One money loop: the entities in order (first repeated at the end), the deals, and its size."""

    entities: tuple[str, ...]
    deals: tuple[str, ...]
    usd: float | None
    label: str = ""
    conditional: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Table:
    """A titled table of rows (each a dict of column -> cell text) with optional record refs per row."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, str], ...]
    refs: tuple[str | None, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class FanChart:
    """A simulated series: period labels and quantile bands (``p05``..``p95``) of one quantity."""

    title: str
    times: tuple[str, ...]
    bands: dict[str, tuple[float, ...]]
    unit: str = "USD"


@dataclass
class Analysis:
    """The analytical sections of the report; ``notes`` says why any section is empty.

    ``texts`` holds sentences a filled section shows (the circularity definition, what was left out).
    """

    loops: list[LoopRow] = field(default_factory=list)
    who_pays: dict[str, dict[str, float]] = field(default_factory=dict)
    exposure: list[Table] = field(default_factory=list)
    metrics: list[Table] = field(default_factory=list)
    fans: list[FanChart] = field(default_factory=list)
    stress_tables: list[Table] = field(default_factory=list)
    seed: int | None = None
    money: tuple[str, ...] | None = None  # money the stress tests count besides firm money (None: not run)
    notes: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    #: scenario name -> stress summary of the runs behind the fan charts (reused for the side by side).
    stress_summaries: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: the waterfall, bridge, haircut and scenarios (:func:`dealweb.report.analyses_view.analyses_view`).
    analyses: dict[str, Any] = field(default_factory=dict)


def _guard(an: Analysis, section: str, fn: Callable[[], None]) -> None:
    """Fill one section; an expected gap becomes its note, anything else propagates (a bug is loud)."""
    try:
        fn()
    except ImportError as exc:
        if (exc.name or "").split(".")[0] in ("", "dealweb"):
            raise  # dealweb's own modules are always installed: a broken import is a bug
        an.notes[section] = Msg("notes.not_available", name=str(exc.name))
    except DealwebError as exc:
        an.notes[section] = Msg("notes.not_assessed", why=Verbatim(exc.message, "en"))


def analysis_of(ledger: Ledger, on: date | None = None, stress: bool = True, seed: int | None = None,
                draws: int | None = None, include: tuple[str, ...] = ()) -> Analysis:
    """Gather the report's analytical sections for ``ledger`` as of ``on`` (``None``: as it stands).

    Args:
        ledger: the ledger.
        on: the date to read the web on.
        stress: run the stress-test scenarios for the fan charts (when :mod:`dealweb.sim` offers them).
        seed: seed of the simulation's random generator (recorded in the report); ``None``: the
            scenario's, dealweb's one default for the CLI, the report and the web app.
        draws: Monte Carlo runs per scenario (``None``: the scenario's, the same one default).
        include: money the stress tests simulate besides firm money (``("conditional",)``; default none).

    Returns:
        An :class:`Analysis`; sections that could not be filled carry a note saying why.
    """
    from dealweb.report import rooms

    an = Analysis()
    _guard(an, "loops", lambda: rooms.fill_loops(an, ledger, on))
    _guard(an, "who_pays", lambda: rooms.fill_who_pays(an, ledger, on))
    _guard(an, "exposure", lambda: rooms.fill_exposure(an, ledger, on))
    _guard(an, "metrics", lambda: rooms.fill_metrics(an, ledger, on))
    if stress:
        _guard(an, "stress", lambda: rooms.fill_stress(an, ledger, on, seed, draws, include))
    else:
        an.notes["stress"] = Msg("stress.not_run_here")
    _guard(an, "analyses", lambda: rooms_analyses(an, ledger, on, stress))
    return an


def rooms_analyses(an: Analysis, ledger: Ledger, on: date | None, stress: bool) -> None:
    """The analyses section, reusing the stress runs already made for the fan charts (none run twice)."""
    from dealweb.report.analyses_view import analyses_view

    note = "" if stress else "not_run_here"
    an.analyses = analyses_view(ledger, on, an.stress_summaries, note)


def as_dict(an: Analysis) -> dict[str, Any]:
    """The analysis with stable keys, for the web app's JSON and for tests."""
    return {
        "loops": [{"entities": list(r.entities), "deals": list(r.deals), "usd": r.usd, "label": r.label}
                  for r in an.loops],
        "who_pays": an.who_pays,
        "exposure": [{"title": t.title, "columns": list(t.columns), "rows": list(t.rows)} for t in an.exposure],
        "metrics": [{"title": t.title, "columns": list(t.columns), "rows": list(t.rows)} for t in an.metrics],
        "stress_tables": [{"title": t.title, "columns": list(t.columns), "rows": list(t.rows)}
                          for t in an.stress_tables],
        "fans": [{"title": f.title, "times": list(f.times), "bands": {k: list(v) for k, v in f.bands.items()},
                  "unit": f.unit} for f in an.fans],
        "seed": an.seed,
        "analyses": an.analyses,
        "money": None if an.money is None else {"include": list(an.money)},
        "notes": an.notes,
        "texts": an.texts,
    }
