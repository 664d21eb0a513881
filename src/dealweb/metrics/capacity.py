"""Capacity conversions: gigawatts <-> accelerators <-> US dollars, as intervals.

A deal stated in GW ("10 GW of AI data centres") can be sized in chips and priced; a chip order can be
sized in GW. Two ratios do the work, both read from the seed articles:

* accelerators per GW: Jensen Huang's "10 吉瓦的資料中心容量相當於 400 萬到 500 萬塊 GPU" gives
  400,000-500,000 accelerators per GW (深潮 TechFlow);
* US dollars per accelerator: Oracle's order "約400,000顆GB200 AI晶片,總價值約400億美元" gives about
  $40B / 400,000 = $100,000 per accelerator (晶片行業, after the Financial Times).

Every result is an interval ``[low, high]``. Going from GW to accelerators multiplies by the ratio's
interval; going back divides, so the low end uses the high ratio:
``gw = [A / ratio_high, A / ratio_low]``. Converting there and back therefore widens the interval but
always contains the starting point.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dealweb.errors import InputError
from dealweb.fmt import interval
from dealweb.i18n import Fig, Msg
from dealweb.metrics.common import (
    Source,
    effective_sources,
    input_entry,
    quantity,
    require_nonnegative,
    require_positive,
    source_of,
)

__all__ = ["DEFAULT_CAPACITY_SOURCES", "CapacityInputs", "CapacityResult", "capacity"]

#: Sources of inputs left at their defaults (none: the ratios come from the ledger or the caller).
DEFAULT_CAPACITY_SOURCES: dict[str, Source] = {}


@dataclass(frozen=True)
class CapacityInputs:
    """What to convert (exactly one of ``gw``, ``accelerators``, ``usd``) and the two ratios.

    Attributes:
        gw: power capacity in gigawatts.
        accelerators: number of accelerators (GPUs or equivalent chips).
        usd: US dollars spent on accelerators.
        accelerators_per_gw_low: accelerators per GW, low end (a ledger's ``analyses.capacity.per_gw`` deals).
        accelerators_per_gw_high: accelerators per GW, high end.
        usd_per_accelerator_low: US dollars per accelerator, low end (``analyses.capacity.price`` deals).
        usd_per_accelerator_high: US dollars per accelerator, high end.
        sources: where each input came from, by field name.
    """

    accelerators_per_gw_low: float
    accelerators_per_gw_high: float
    usd_per_accelerator_low: float
    usd_per_accelerator_high: float
    gw: float | None = None
    accelerators: float | None = None
    usd: float | None = None
    sources: dict[str, Source] = field(default_factory=dict)


@dataclass(frozen=True)
class CapacityResult:
    """Capacity in all three units, each ``(low, high)``.

    Attributes:
        given: which input was converted (``gw``, ``accelerators`` or ``usd``).
        gw: (low, high) gigawatts.
        accelerators: (low, high) accelerators.
        usd: (low, high) US dollars of accelerators.
        usd_per_gw: (low, high) US dollars of accelerators per GW implied by the two ratios.
        inputs: the inputs used.
        assumptions: sentences stating how the conversion reads its ratios.
    """

    given: str
    gw: tuple[float, float]
    accelerators: tuple[float, float]
    usd: tuple[float, float]
    usd_per_gw: tuple[float, float]
    inputs: CapacityInputs
    assumptions: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        """Stable keys: metric, given, inputs, assumptions, results (gw, accelerators, usd, usd_per_gw)."""
        i = self.inputs
        src = effective_sources(i, DEFAULT_CAPACITY_SOURCES)
        inputs: dict[str, object] = {}
        if i.gw is not None:
            inputs["gw"] = input_entry(i.gw, "gw", source_of(src, "gw"))
        if i.accelerators is not None:
            inputs["accelerators"] = input_entry(i.accelerators, "accelerators", source_of(src, "accelerators"))
        if i.usd is not None:
            inputs["usd"] = input_entry(i.usd, "usd", source_of(src, "usd"))
        for name, unit in (("accelerators_per_gw_low", "accelerators_per_gw"),
                           ("accelerators_per_gw_high", "accelerators_per_gw"),
                           ("usd_per_accelerator_low", "usd_per_accelerator"),
                           ("usd_per_accelerator_high", "usd_per_accelerator")):
            inputs[name] = input_entry(getattr(i, name), unit, source_of(src, name))

        def q(pair: tuple[float, float], unit: str) -> dict[str, object]:
            return quantity((pair[0] + pair[1]) / 2, unit, pair[0], pair[1])

        return {
            "metric": "capacity",
            "given": self.given,
            "inputs": inputs,
            "assumptions": list(self.assumptions),
            "results": {
                "gw": q(self.gw, "gw"),
                "accelerators": q(self.accelerators, "accelerators"),
                "usd": q(self.usd, "usd"),
                "usd_per_gw": q(self.usd_per_gw, "usd_per_gw"),
            },
        }


def _check(i: CapacityInputs) -> str:
    given = [n for n in ("gw", "accelerators", "usd") if getattr(i, n) is not None]
    if len(given) != 1:
        raise InputError(f"give exactly one of gw, accelerators, usd (got {', '.join(given) or 'none'})",
                         "e.g. --gw 10, or --accelerators 400000, or --usd 40e9")
    require_nonnegative(given[0], getattr(i, given[0]))
    for lo, hi in (("accelerators_per_gw_low", "accelerators_per_gw_high"),
                   ("usd_per_accelerator_low", "usd_per_accelerator_high")):
        require_positive(lo, getattr(i, lo))
        require_positive(hi, getattr(i, hi))
        if getattr(i, lo) > getattr(i, hi):
            raise InputError(f"{lo} ({getattr(i, lo):g}) is above {hi} ({getattr(i, hi):g})",
                             "write the smaller ratio as the low end")
    return given[0]


def capacity(inputs: CapacityInputs) -> CapacityResult:
    """Convert a capacity given in GW, accelerators or US dollars into the other two, as intervals.

    Formulas (``r`` = accelerators per GW, ``p`` = US dollars per accelerator, both intervals):

    * from GW ``G``: accelerators ``[G r_lo, G r_hi]``; dollars ``[G r_lo p_lo, G r_hi p_hi]``;
    * from accelerators ``A``: GW ``[A / r_hi, A / r_lo]``; dollars ``[A p_lo, A p_hi]``;
    * from dollars ``U``: accelerators ``[U / p_hi, U / p_lo]``; GW ``[U / (p_hi r_hi), U / (p_lo r_lo)]``.

    Args:
        inputs: exactly one quantity to convert, and the two ratios.

    Returns:
        A :class:`CapacityResult` with all three quantities as (low, high) pairs.

    Raises:
        InputError: none or several quantities given, a negative quantity, a non-positive ratio, or a ratio
            whose low end is above its high end.

    >>> r = capacity(CapacityInputs(gw=10))
    >>> r.accelerators, r.usd
    ((4000000.0, 5000000.0), (400000000000.0, 500000000000.0))
    """
    given = _check(inputs)
    r_lo, r_hi = inputs.accelerators_per_gw_low, inputs.accelerators_per_gw_high
    p_lo, p_hi = inputs.usd_per_accelerator_low, inputs.usd_per_accelerator_high
    if given == "gw":
        g = float(inputs.gw)  # type: ignore[arg-type]
        gw = (g, g)
        acc = (g * r_lo, g * r_hi)
        usd = (acc[0] * p_lo, acc[1] * p_hi)
    elif given == "accelerators":
        a = float(inputs.accelerators)  # type: ignore[arg-type]
        acc = (a, a)
        gw = (a / r_hi, a / r_lo)
        usd = (a * p_lo, a * p_hi)
    else:
        u = float(inputs.usd)  # type: ignore[arg-type]
        usd = (u, u)
        acc = (u / p_hi, u / p_lo)
        gw = (acc[0] / r_hi, acc[1] / r_lo)
    assumptions = (
        Msg("assume.capacity.per_gw", ratio=Fig(interval(r_lo, r_hi, "accelerators"), "interval", r_lo, r_hi,
                                                 "accelerators")),
        Msg("assume.capacity.per_accelerator", price=Fig(interval(p_lo, p_hi, "USD"), "interval", p_lo, p_hi, "USD")),
        Msg("assume.capacity.widen"),
    )
    return CapacityResult(given=given, gw=gw, accelerators=acc, usd=usd,
                          usd_per_gw=(r_lo * p_lo, r_hi * p_hi), inputs=inputs, assumptions=assumptions)
