"""Fiscal calendars: turn a period label such as ``FY2026 Q1`` into the dates it covers, per entity.

A company's fiscal year is named after the calendar year in which it **ends** (the usual convention of
US filers): Oracle's fiscal year ends on 31 May, so its ``FY2026`` runs 2025-06-01 – 2026-05-31 and its
``FY2026 Q1`` is 2025-06-01 – 2025-08-31 (Oracle, Form 10-Q for the quarter ended 31 August 2025). A
calendar-year company's ``FY2026 Q1`` is 2026-01-01 – 2026-03-31.

Labels understood (case-insensitive, full-width digits allowed):

* fiscal: ``FY2026``, ``FY26``, ``FY2026 Q1``, ``FY2026-Q1``, ``Q1 FY2026``, ``FY2026 H2``,
  ``26財年Q1``, ``2026財年第一季``, ``2026财年Q3``, ``FY2026 第1季度``;
* calendar (whatever the fiscal year end): ``2025``, ``2025-Q3``, ``2025 Q3``, ``Q3 2025``, ``2025-H1``,
  ``2025-08``, ``2025年``, ``2025年第三季``, ``2025年Q3``, ``2025年8月``.

Fiscal years ending on a weekday rule (Nvidia: the last Sunday of January) are approximated by the month
end the ledger declares; the quarter boundaries are then exact to within a few days.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

__all__ = ["PeriodError", "add_months", "day_or_period", "fiscal_period", "fiscal_year_bounds", "quarter_grid"]


class PeriodError(ValueError):
    """A period label or fiscal year end that cannot be read; ``hint`` says what is accepted."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


_HINT = ("write FY2026, FY2026 Q1, FY2026 H2, 26財年Q1, or a calendar period: 2025, 2025-Q3, 2025-H1, "
         "2025-08")
_CN_ORDINAL = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_FULL_WIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " "}


def add_months(d: date, months: int) -> date:
    """``d`` moved by whole months, the day clamped to the target month's length (31 Jan + 1 = 28/29 Feb)."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    day = min(d.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _check_fye(fiscal_year_end: tuple[int, int]) -> tuple[int, int]:
    try:
        month, day = int(fiscal_year_end[0]), int(fiscal_year_end[1])
    except (TypeError, ValueError, IndexError) as exc:
        raise PeriodError(f"fiscal year end {fiscal_year_end!r} is not (month, day)", "e.g. (5, 31)") from exc
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2024, month)[1]:
        raise PeriodError(f"fiscal year end {month:02d}-{day:02d} is not a day of the year", "e.g. (5, 31)")
    return month, day


def _fye_date(year: int, fiscal_year_end: tuple[int, int]) -> date:
    month, day = fiscal_year_end
    last = calendar.monthrange(year, month)[1]
    # A year that ends on the last day of February ends on the 29th in leap years.
    if month == 2 and day >= 28:
        day = last
    return date(year, month, min(day, last))


def fiscal_year_bounds(fy: int, fiscal_year_end: tuple[int, int] = (12, 31)) -> tuple[date, date]:
    """First and last day of fiscal year ``fy`` (named after the calendar year it ends in).

    >>> fiscal_year_bounds(2026, (5, 31))
    (datetime.date(2025, 6, 1), datetime.date(2026, 5, 31))
    """
    fye = _check_fye(fiscal_year_end)
    end = _fye_date(fy, fye)
    start = _fye_date(fy - 1, fye) + timedelta(days=1)
    return start, end


def _fiscal_slice(fy: int, fye: tuple[int, int], first_month: int, months: int) -> tuple[date, date]:
    """Months ``first_month .. first_month + months - 1`` (0-based) of fiscal year ``fy``."""
    fy_start, fy_end = fiscal_year_bounds(fy, fye)
    start = add_months(fy_start, first_month)
    if first_month + months >= 12:
        return start, fy_end
    return start, add_months(fy_start, first_month + months) - timedelta(days=1)


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:
        y += 2000
    if not 1900 <= y <= 2200:
        raise PeriodError(f"year {text} is out of range", _HINT)
    return y


_FISCAL = [
    # FY2026 Q1, FY26-Q1, FY2026Q1, FY2026 H2, FY2026, Q1 FY2026, FY2026 第1季度
    re.compile(r"^FY\s?'?(?P<y>\d{4}|\d{2})(?:\s*[-/ ]?\s*(?:(?P<q>Q[1-4])|(?P<h>H[12])"
               r"|第(?P<cq>[一二三四1-4])季度?))?$", re.I),
    re.compile(r"^(?P<q>Q[1-4])\s*[-/ ]?\s*FY\s?'?(?P<y>\d{4}|\d{2})$", re.I),
    re.compile(r"^(?P<h>H[12])\s*[-/ ]?\s*FY\s?'?(?P<y>\d{4}|\d{2})$", re.I),
    # 26財年Q1, 2026財年第一季, 2026财年, 2026財年上半年
    re.compile(r"^(?P<y>\d{4}|\d{2})\s*[財财]年度?\s*(?:(?P<q>Q[1-4])|第(?P<cq>[一二三四1-4])季"
               r"(?:度)?|(?P<ch>[上下])半年)?$", re.I),
]
_CAL_YEAR = re.compile(r"^(?P<y>\d{4})(?:年(?:度)?)?$")
_CAL_Q = [
    re.compile(r"^(?P<y>\d{4})\s*[-/ ]?\s*(?P<q>Q[1-4])$", re.I),
    re.compile(r"^(?P<q>Q[1-4])\s*[-/ ]?\s*(?P<y>\d{4})$", re.I),
    re.compile(r"^(?P<y>\d{4})年\s*(?:(?P<q>Q[1-4])|第(?P<cq>[一二三四1-4])季度?)$", re.I),
]
_CAL_H = [
    re.compile(r"^(?P<y>\d{4})\s*[-/ ]?\s*(?P<h>H[12])$", re.I),
    re.compile(r"^(?P<h>H[12])\s*[-/ ]?\s*(?P<y>\d{4})$", re.I),
    re.compile(r"^(?P<y>\d{4})年(?P<ch>[上下])半年$"),
]
_CAL_M = [re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})$"), re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月$")]


def _quarter(m: re.Match[str]) -> int | None:
    gd = m.groupdict()
    if gd.get("q"):
        return int(gd["q"][1])
    if gd.get("cq"):
        return _CN_ORDINAL[gd["cq"]]
    return None


def _half(m: re.Match[str]) -> int | None:
    gd = m.groupdict()
    if gd.get("h"):
        return int(gd["h"][1])
    if gd.get("ch"):
        return 1 if gd["ch"] == "上" else 2
    return None


def fiscal_period(label: str, fiscal_year_end: tuple[int, int] = (12, 31)) -> tuple[date, date]:
    """First and last day (both inclusive) of the period a label names, for a given fiscal year end.

    Args:
        label: ``FY2026 Q1``, ``FY2026``, ``26財年Q1``, or a calendar label ``2025``, ``2025-Q3``,
            ``2025-H1``, ``2025-08`` (calendar labels ignore ``fiscal_year_end``).
        fiscal_year_end: ``(month, day)`` of the last day of the entity's fiscal year (Oracle: ``(5, 31)``).

    Returns:
        ``(start, end)``, inclusive.

    Raises:
        PeriodError: the label is not a period; the hint lists the accepted forms.

    >>> fiscal_period("FY2026 Q1", fiscal_year_end=(5, 31))
    (datetime.date(2025, 6, 1), datetime.date(2025, 8, 31))
    >>> fiscal_period("2025-Q3")
    (datetime.date(2025, 7, 1), datetime.date(2025, 9, 30))
    """
    if not isinstance(label, str):
        label = str(label)
    text = label.translate(str.maketrans(_FULL_WIDTH)).strip()
    fye = _check_fye(fiscal_year_end)
    for pat in _FISCAL:
        m = pat.match(text)
        if m:
            fy = _year(m.group("y"))
            q, h = _quarter(m), _half(m)
            if q is not None:
                return _fiscal_slice(fy, fye, 3 * (q - 1), 3)
            if h is not None:
                return _fiscal_slice(fy, fye, 6 * (h - 1), 6)
            return fiscal_year_bounds(fy, fye)
    m = _CAL_YEAR.match(text)
    if m:
        y = _year(m.group("y"))
        return date(y, 1, 1), date(y, 12, 31)
    for pat in _CAL_Q:
        m = pat.match(text)
        if m:
            y, q = _year(m.group("y")), _quarter(m)
            assert q is not None
            return date(y, 3 * q - 2, 1), _month_end(y, 3 * q)
    for pat in _CAL_H:
        m = pat.match(text)
        if m:
            y, h = _year(m.group("y")), _half(m)
            assert h is not None
            return date(y, 6 * h - 5, 1), _month_end(y, 6 * h)
    for pat in _CAL_M:
        m = pat.match(text)
        if m:
            y, month = _year(m.group("y")), int(m.group("m"))
            if not 1 <= month <= 12:
                raise PeriodError(f"month {month} in period {label!r} does not exist", _HINT)
            return date(y, month, 1), _month_end(y, month)
    raise PeriodError(f"cannot read period {label!r}", _HINT)


_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def day_or_period(text: str | date, fiscal_year_end: tuple[int, int] = (12, 31), edge: str = "start") -> date:
    """A day written as ``YYYY-MM-DD``, or the first (``edge="start"``) or last (``"end"``) day of a period label.

    Fiscal labels resolve with ``fiscal_year_end`` (see :func:`fiscal_period`), so Oracle's ``FY2028``
    (year ending 31 May) starts on 2027-06-01.

    Raises:
        PeriodError: neither a valid day nor a period label; the hint lists the accepted forms.

    >>> day_or_period("FY2028", (5, 31))
    datetime.date(2027, 6, 1)
    >>> day_or_period("2026-H2", edge="end")
    datetime.date(2026, 12, 31)
    >>> day_or_period("2027-01-15")
    datetime.date(2027, 1, 15)
    """
    if isinstance(text, date):
        return text
    s = str(text).translate(str.maketrans(_FULL_WIDTH)).strip()
    m = _ISO_DAY.match(s)
    if m:
        y, mo, d = (int(x) for x in m.groups())
        try:
            return date(y, mo, d)
        except ValueError as exc:
            raise PeriodError(f"impossible date {s}: {exc}", "write dates as YYYY-MM-DD") from exc
    try:
        first, last = fiscal_period(s, fiscal_year_end)
    except PeriodError as exc:
        raise PeriodError(f"cannot read {s!r} as a date or a period",
                          "write a date YYYY-MM-DD or a period: " + _HINT.removeprefix("write ")) from exc
    return first if edge == "start" else last


def quarter_grid(start: date, end: date, fiscal_year_end: tuple[int, int] = (12, 31)) -> list[tuple[date, date]]:
    """The quarters (inclusive ``(first, last)`` days) that cover ``start .. end``, in order.

    Quarters are calendar quarters by default, or the fiscal quarters of a year ending on
    ``fiscal_year_end``. The first quarter contains ``start`` and the last contains ``end``.

    >>> quarter_grid(date(2025, 8, 15), date(2025, 10, 1))
    [(datetime.date(2025, 7, 1), datetime.date(2025, 9, 30)), (datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))]
    """
    if end < start:
        raise PeriodError(f"grid end {end} is before its start {start}", "swap the two dates")
    fye = _check_fye(fiscal_year_end)
    # The fiscal year containing ``start`` is named after the year in which it ends.
    fy = start.year if start <= _fye_date(start.year, fye) else start.year + 1
    out: list[tuple[date, date]] = []
    while True:
        for q in range(4):
            qs, qe = _fiscal_slice(fy, fye, 3 * q, 3)
            if qe < start:
                continue
            if qs > end:
                return out
            out.append((qs, qe))
        fy += 1
