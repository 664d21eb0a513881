"""The one formatter of figures for people: money, counts, shares, percentages, multiples, years, dates.

Every face (CLI tables, the HTML report, the web app, the SVG and PNG maps) prints figures through these
functions, so a figure reads the same everywhere:

* large numbers are scaled with K, M, B, T and keep at most two decimals: ``$1.5T``, ``$455B``,
  ``4.46T``, ``400K accelerators`` (two decimals, so ``4.46 兆`` prints as ``4.46T`` and reads back);
* **years and dates are never scaled**: ``1977``, ``2025-10-01``;
* the unit or currency is always shown: ``$40B``, ``¥10T``, ``1.2B KRW``, ``34 data centres``, ``6 GW``,
  ``0.5x``, ``25%``;
* an :class:`~dealweb.money.Amount` keeps the qualifier its text gives: ``about $40B``, ``up to $100B``,
  ``at least 2M units``, ``$320B–$480B``, ``only 0.5x`` (``僅``/``only`` in the text); a range whose
  ends are equal is one figure (``$100K``, not ``$100K–$100K``).

>>> money(3e11), money(-4.46e12), money(0.03), money(1e13, "JPY")
('$300B', '-$4.46T', '$0.03', '¥10T')
>>> count(34, "data_centres"), year(1977), share(0.253), multiple(0.5)
('34 data centres', '1977', '25.3%', '0.5x')
"""

from __future__ import annotations

import math
from datetime import date as _date
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dealweb.money import Amount

__all__ = ["SYMBOLS", "amount", "count", "date", "interval", "money", "multiple", "number", "percent",
           "share", "unit_words", "value", "year", "years"]

#: Currency symbols printed before the figure; other currencies print their ISO code after it.
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "TWD": "NT$", "HKD": "HK$"}
_CODES = {"USD", "EUR", "GBP", "JPY", "TWD", "HKD", "CNY", "KRW", "AED", "SAR"}
_SCALES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))
_YEAR_UNITS = {"year", "calendar_year"}
_ONLY = ("僅", "仅", "只有", "只是", "只", "only ", "just ", "merely ")
_NA = "n/a"


def _finite(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _plain(x: float) -> str:
    """Below a thousand: whole numbers as they are, others with up to two decimals (three digits if tiny)."""
    if x == int(x):
        return f"{x:,.0f}"
    if abs(x) < 0.01:
        return f"{x:.3g}"
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def number(x: float | None, *, scaled: bool = True) -> str:
    """``1.5T``, ``455B``, ``4.46T``, ``400K``, ``328.33``, ``0.03``; ``n/a`` for a missing value."""
    if not _finite(x):
        return _NA
    x = float(x)  # type: ignore[arg-type]
    sign, a = ("-" if x < 0 else ""), abs(x)
    if scaled:
        for scale, suffix in _SCALES:
            if a >= scale * 0.9995:  # 999,999 prints as 1M, not 1,000K
                v = round(a / scale, 2)
                if v >= 1000 and suffix != "T":
                    continue
                return sign + f"{v:,.2f}".rstrip("0").rstrip(".") + suffix
    return sign + _plain(a)


def money(x: float | None, currency: str | None = "USD", per: str = "") -> str:
    """``$40B``, ``-$1.2T``, ``€3M``, ``¥10T``, ``1.2B KRW``; ``per`` is appended (``a year``, ``per GW``)."""
    if not _finite(x):
        return _NA
    cur = currency or "USD"
    n = number(abs(float(x)))  # type: ignore[arg-type]
    sign = "-" if float(x) < 0 else ""  # type: ignore[arg-type]
    text = f"{sign}{SYMBOLS[cur]}{n}" if cur in SYMBOLS else f"{sign}{n} {cur}"
    return f"{text} {per}" if per else text


def unit_words(unit: str | None) -> str:
    """A unit as words: ``data_centres`` -> ``data centres``; ``None`` -> ``""``."""
    return (unit or "").replace("_", " ").strip()


def count(x: float | None, unit: str | None = None) -> str:
    """``34 data centres``, ``400K accelerators``, ``160M shares``, ``3``."""
    if not _finite(x):
        return _NA
    words = unit_words(unit)
    return f"{number(x)} {words}".strip()


def year(x: float | None) -> str:
    """A calendar year, never scaled: ``1977``."""
    return f"{int(round(float(x)))}" if _finite(x) else _NA  # type: ignore[arg-type]


def years(x: float | None) -> str:
    """A duration: ``5 years``, ``2.5 years``, ``1 year``."""
    if not _finite(x):
        return _NA
    return f"{_plain(float(x))} year" + ("" if float(x) == 1 else "s")  # type: ignore[arg-type]


def percent(x: float | None) -> str:
    """A figure already in percent: ``25%``, ``25.3%``, ``0.05%``."""
    if not _finite(x):
        return _NA
    v = float(x)  # type: ignore[arg-type]
    text = f"{v:.2g}" if 0 < abs(v) < 0.1 else f"{v:,.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def share(x: float | None) -> str:
    """A fraction as a percentage: ``0.253`` -> ``25.3%``."""
    return percent(100 * float(x)) if _finite(x) else _NA  # type: ignore[arg-type]


def multiple(x: float | None) -> str:
    """A ratio: ``0.5x``, ``27x``, ``1.83x``."""
    if not _finite(x):
        return _NA
    return f"{float(x):,.2f}".rstrip("0").rstrip(".") + "x"  # type: ignore[arg-type]


def date(d: _date | datetime | str | None) -> str:
    """``2025-10-01``: ISO, never scaled; ``n/a`` for ``None``."""
    if d is None:
        return _NA
    if isinstance(d, datetime):
        return d.date().isoformat()
    if isinstance(d, _date):
        return d.isoformat()
    return str(d)


def _one(x: float, unit: str | None) -> str:
    """One end of an amount in its unit."""
    if unit in _CODES:
        return money(x, unit)
    if unit in _YEAR_UNITS:
        return year(x)
    if unit == "%":
        return percent(x)
    if unit == "x":
        return multiple(x)
    if unit == "rank":
        return f"rank {_plain(x)}"
    if unit in ("years", "yrs"):
        return years(x)
    return count(x, unit)


def interval(low: float | None, high: float | None, unit: str | None = "USD", *, unbounded: bool = False) -> str:
    """``$320B–$480B``; one figure when the ends are equal; ``at least $2B`` when unbounded above."""
    if not _finite(low):
        return _NA
    if high is None or unbounded:
        return "at least " + _one(float(low), unit)  # type: ignore[arg-type]
    if not _finite(high):
        return _NA
    lo, hi = float(low), float(high)  # type: ignore[arg-type]
    if _one(lo, unit) == _one(hi, unit):
        return _one(lo, unit)
    return f"{_one(lo, unit)}–{_one(hi, unit)}"


def amount(a: Amount) -> str:
    """An amount with the qualifier its text gives.

    ``about $40B``, ``up to $100B``, ``at least 2M units``, ``$320B–$480B``, ``only 0.5x`` (the text
    begins with 僅/only), ``1977`` (a year), ``$100K`` (a range of equal ends).
    """
    from dealweb.money import Qualifier

    q, unit = a.qualifier, a.unit
    if q is Qualifier.EXACT:
        only = a.text.strip().lower().startswith(_ONLY) if a.text else False
        return ("only " if only else "") + _one(a.low, unit)
    if q is Qualifier.ABOUT:
        return "about " + _one(a.point, unit)
    if q is Qualifier.UP_TO:
        return "up to " + _one(a.point, unit)
    if q is Qualifier.AT_LEAST or a.high is None:
        return "at least " + _one(a.low, unit)
    shown = interval(a.low, a.high, unit)
    return shown + (" (vague)" if q is Qualifier.VAGUE else "")


#: metric unit names (as the metrics' JSON gives them) -> how to print them
_PER = {"usd_per_year": "a year", "usd_per_gw": "per GW", "usd_per_accelerator": "per accelerator",
        "usd_per_share": "a share"}


def value(x: Any, unit: str | None) -> str:
    """A metric's value in its unit, as the metrics' JSON names units.

    ``usd`` (and ``usd_per_year``, ``usd_per_gw``, ``usd_per_accelerator``, ``usd_per_share``), a currency
    code, ``fraction`` (and ``fraction_per_year``), ``%``, ``x``, ``gw``, ``years``, ``year``, ``date``, or a
    counted thing (``accelerators``, ``shares``, ``accelerators_per_gw``...). Lists and mappings are
    printed item by item; a missing value is ``n/a``.
    """
    if x is None:
        return _NA
    if isinstance(x, list | tuple):
        return ", ".join(value(v, unit) for v in x) if x else "none"
    if isinstance(x, dict):
        return ", ".join(f"{k} {value(v, unit)}" for k, v in x.items()) if x else "none"
    if isinstance(x, _date | datetime):
        return date(x)
    if isinstance(x, bool) or not isinstance(x, int | float):
        return str(x)
    u = (unit or "").strip()
    low = u.lower()
    if low == "usd":
        return money(x)
    if low in _PER:
        return money(x, per=_PER[low])
    if u in _CODES:
        return money(x, u)
    if low == "fraction":
        return share(x)
    if low == "fraction_per_year":
        return share(x) + " a year"
    if low == "gw":
        return f"{number(x)} GW"
    if low == "date":
        return str(x)
    if low == "accelerators_per_gw":
        return f"{number(x)} accelerators per GW"
    return _one(float(x), u or None)
