"""Pieces every metric shares: where an input came from, quantities with units, input checks.

Every metric in :mod:`dealweb.metrics` is a pure function ``f(inputs) -> result``. Inputs are frozen
dataclasses whose ``sources`` map names each input to a :class:`Source`: a ledger fact (its id and the
quote it stands on), a command-line flag, a value a caller passed, or an assumption labelled as such.
Results are frozen dataclasses with ``as_dict()`` giving stable JSON keys::

    {"metric": "...", "inputs": {name: {"value", "unit", "source"}}, "assumptions": [...],
     "results": {name: {"value", "unit"} or {"value", "low", "high", "unit"}}, ...metric tables...}

Units are plain strings: ``usd``, ``usd_per_year``, ``gw``, ``accelerators``, ``accelerators_per_gw``,
``usd_per_accelerator``, ``x`` (a multiple), ``fraction`` (0..1), ``years``, ``shares``, ``usd_per_share``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dealweb.errors import InputError

__all__ = [
    "ASSUMPTION",
    "CALLER",
    "FLAG",
    "LEDGER",
    "MAX_YEARS",
    "NotAssessed",
    "Source",
    "compound",
    "effective_sources",
    "input_entry",
    "quantity",
    "require_finite",
    "require_fraction",
    "require_nonnegative",
    "require_positive",
    "require_years",
    "source_of",
]

#: Kinds of source an input can have.
LEDGER = "ledger"
FLAG = "flag"
CALLER = "caller"
ASSUMPTION = "assumption"


@dataclass(frozen=True, slots=True)
class Source:
    """Where one input value came from.

    ``kind`` is ``ledger`` (``ref`` is the fact id, ``quote`` the sentence it stands on, ``document`` the
    document id), ``flag`` (``ref`` is the option, e.g. ``--capex``), ``caller`` (passed in by code) or
    ``assumption`` (``note`` says why this value, ``quote`` the article sentence it is derived from).
    """

    kind: str = CALLER
    ref: str = ""
    quote: str = ""
    document: str = ""
    note: str = ""

    def as_dict(self) -> dict[str, str]:
        """Stable keys: kind, ref, document, quote, note."""
        return {"kind": self.kind, "ref": self.ref, "document": self.document, "quote": self.quote,
                "note": self.note}

    def label(self) -> str:
        """One short human line: ``ledger oracle-rpo: "…"``, ``flag --capex``, ``assumption: …``."""
        if self.kind == LEDGER:
            q = f' "{self.quote}"' if self.quote else ""
            return f"ledger {self.ref}{q}"
        if self.kind == FLAG:
            return f"flag {self.ref}"
        if self.kind == ASSUMPTION:
            return "assumption: " + (self.note or self.ref)
        return "given" + (f" ({self.note})" if self.note else "")


def source_of(sources: Mapping[str, Source], name: str) -> Source:
    """The source recorded for input ``name`` (``caller`` when none was recorded)."""
    return sources.get(name, Source())


def effective_sources(inputs: Any, defaults: Mapping[str, Source]) -> dict[str, Source]:
    """The sources to report for ``inputs``: recorded ones, else the documented source of a default.

    An input recorded in ``inputs.sources`` keeps that source; an input left at its dataclass default gets
    the default's documented source from ``defaults``. An input the caller changed without recording a
    source gets none here, and is reported as ``caller`` ("given"), never under the default's source.
    """
    out: dict[str, Source] = {}
    recorded = getattr(inputs, "sources", {}) or {}
    for f in dataclasses.fields(inputs):
        if f.name == "sources":
            continue
        if f.name in recorded:
            out[f.name] = recorded[f.name]
            continue
        default = f.default if f.default is not dataclasses.MISSING else (
            f.default_factory() if f.default_factory is not dataclasses.MISSING else dataclasses.MISSING)
        if f.name in defaults and default is not dataclasses.MISSING and getattr(inputs, f.name) == default:
            out[f.name] = defaults[f.name]
    for k, v in recorded.items():
        out.setdefault(k, v)
    return out


def input_entry(value: object, unit: str, source: Source) -> dict[str, object]:
    """One entry of a result's ``inputs``: value, unit, source."""
    return {"value": value, "unit": unit, "source": source.as_dict()}


def quantity(value: float | None, unit: str, low: float | None = None,
             high: float | None = None) -> dict[str, object]:
    """One entry of a result's ``results``: value and unit, plus low/high for an interval."""
    out: dict[str, object] = {"value": _clean(value), "unit": unit}
    if low is not None or high is not None:
        out["low"] = _clean(low)
        out["high"] = _clean(high)
    return out


def _clean(x: float | None) -> float | None:
    """JSON has no NaN or infinity: those become ``None``."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def require_finite(name: str, value: float, hint: str = "") -> None:
    """Raise :class:`InputError` unless ``value`` is a finite number."""
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"{name} must be a finite number, got {value!r}", hint or f"pass a number for {name}")


def require_positive(name: str, value: float, hint: str = "") -> None:
    """Raise :class:`InputError` unless ``value`` is finite and > 0."""
    require_finite(name, value, hint)
    if value <= 0:
        raise InputError(f"{name} must be greater than 0, got {value:g}", hint or f"pass a positive {name}")


def require_nonnegative(name: str, value: float, hint: str = "") -> None:
    """Raise :class:`InputError` unless ``value`` is finite and >= 0."""
    require_finite(name, value, hint)
    if value < 0:
        raise InputError(f"{name} must not be negative, got {value:g}", hint or f"pass {name} >= 0")


MAX_YEARS = 100
"""The longest term, in years, a metric computes year by year (the articles' contracts run 4-20 years)."""


def require_years(name: str, value: float, hint: str = "") -> None:
    """Raise :class:`InputError` unless ``0 < value <= MAX_YEARS`` (a term computed year by year)."""
    require_positive(name, value, hint)
    if value > MAX_YEARS:
        raise InputError(f"{name} must be at most {MAX_YEARS} years, got {value:g}",
                         hint or f"pass a term of {MAX_YEARS} years or less")


def compound(growth: float, years: float) -> float:
    """``(1 + growth) ** years``; :class:`InputError` when it is too large for a float (not a traceback)."""
    try:
        return (1.0 + growth) ** years
    except OverflowError:
        raise InputError(f"a growth of {growth:g} a year compounds past any number over {years:g} years",
                         "pass a smaller growth (a yearly fraction, 0.5 = +50%) or a shorter term") from None


def require_fraction(name: str, value: float, hint: str = "", allow_zero: bool = True) -> None:
    """Raise :class:`InputError` unless ``0 <= value <= 1`` (``0 < value`` when ``allow_zero`` is false)."""
    require_finite(name, value, hint)
    if value > 1 or value < 0 or (value == 0 and not allow_zero):
        lo = "0" if allow_zero else "above 0"
        raise InputError(f"{name} must be a fraction between {lo} and 1, got {value:g}",
                         hint or f"write {name} as a fraction, e.g. 0.25 for 25%")


class NotAssessed(InputError):
    """A test the ledger does not give the inputs for: "not assessed: needs X", with how to add X.

    Never filled from another ledger or from built-in figures: the answer is that the test is not assessed.
    """

    def __init__(self, metric: str, needs: tuple[str, ...], how: str) -> None:
        super().__init__(f"{metric}: not assessed: needs {', '.join(needs)}", how)
        self.metric = metric
        self.needs = needs
        self.how = how

    def as_dict(self) -> dict[str, object]:
        """Stable keys: metric, assessed (false), needs (list of text), how (text)."""
        return {"metric": self.metric.replace("-", "_"), "assessed": False, "needs": list(self.needs),
                "how": self.how}
