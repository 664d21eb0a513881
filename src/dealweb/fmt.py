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

Chinese faces (``lang="zh-Hant"`` or ``"zh-Hans"``) scale by the Chinese myriads instead: 萬 (10^4), 億 (10^8)
and 兆 (10^12) in Traditional; 万, 亿 and 万亿 in Simplified (mainland usage: 兆 there often means 10^6), with
the currency as a word after the figure and the qualifier before it:

>>> money(4.55e11, lang="zh-Hant"), money(1.5e12, lang="zh-Hant"), money(1.5e12, lang="zh-Hans")
('4,550億美元', '1.5兆美元', '1.5万亿美元')
"""

from __future__ import annotations

import math
from datetime import date as _date
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dealweb.money import Amount

__all__ = ["LANGS", "SYMBOLS", "amount", "count", "date", "interval", "money", "multiple", "number", "percent",
           "share", "unit_words", "value", "word", "year", "years", "zh_number"]

#: Currency symbols printed before the figure; other currencies print their ISO code after it.
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "TWD": "NT$", "HKD": "HK$"}
_CODES = {"USD", "EUR", "GBP", "JPY", "TWD", "HKD", "CNY", "KRW", "AED", "SAR"}
_SCALES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))
_YEAR_UNITS = {"year", "calendar_year"}
_ONLY = ("僅", "仅", "只有", "只是", "只", "only ", "just ", "merely ")
_NA = "n/a"

#: The faces' languages: English, Traditional Chinese, Simplified Chinese.
LANGS = ("en", "zh-Hant", "zh-Hans")
#: Chinese scales, largest first: (factor, Traditional, Simplified).
_ZH_SCALES = ((1e12, "兆", "万亿"), (1e8, "億", "亿"), (1e4, "萬", "万"))
#: Currency words written after a Chinese figure: (Traditional, Simplified).
_ZH_CURRENCY = {"USD": ("美元", "美元"), "EUR": ("歐元", "欧元"), "GBP": ("英鎊", "英镑"), "JPY": ("日圓", "日元"),
                "TWD": ("新台幣", "新台币"), "HKD": ("港元", "港元"), "CNY": ("人民幣", "人民币"),
                "KRW": ("韓圓", "韩元"), "AED": ("迪拉姆", "迪拉姆"), "SAR": ("里亞爾", "里亚尔")}
#: Words of the faces by language: (en, zh-Hant, zh-Hans).
_WORDS = {
    "na": ("n/a", "不詳", "不详"),
    "about": ("about ", "約", "约"),
    "up to": ("up to ", "最多", "最多"),
    "at least": ("at least ", "至少", "至少"),
    "only": ("only ", "僅", "仅"),
    "vague": (" (vague)", "（概數）", "（概数）"),
    "rank": ("rank ", "第", "第"),
    "a year": ("a year", "每年", "每年"),
    "per GW": ("per GW", "每GW", "每GW"),
    "per accelerator": ("per accelerator", "每顆加速器", "每颗加速器"),
    "a share": ("a share", "每股", "每股"),
    "none": ("none", "無", "无"),
}
#: Counted things in Chinese, written straight after the figure: (Traditional, Simplified).
_ZH_UNITS = {"units": ("單位", "单位"), "unit": ("單位", "单位"), "shares": ("股", "股"), "share": ("股", "股"),
             "accelerators": ("顆加速器", "颗加速器"), "gpus": ("顆GPU", "颗GPU"), "chips": ("顆晶片", "颗芯片"),
             "data_centres": ("座資料中心", "座数据中心"), "data_centers": ("座資料中心", "座数据中心"),
             "employees": ("名員工", "名员工"), "users": ("名用戶", "名用户")}


def _lang(lang: str | None) -> int:
    """Index of ``lang`` in :data:`LANGS` (``zh`` alone reads as Traditional); ValueError names the choices."""
    if lang in (None, "", "en"):
        return 0
    if lang in ("zh-Hant", "zh", "zh-TW", "zh-HK"):
        return 1
    if lang in ("zh-Hans", "zh-CN", "zh-SG"):
        return 2
    raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")


def word(key: str, lang: str | None = "en") -> str:
    """One of the formatter's own words (qualifiers, ``n/a``) in ``lang``."""
    return _WORDS[key][_lang(lang)]


def zh_number(x: float | None, lang: str = "zh-Hant") -> str:
    """A figure scaled by the Chinese myriads: ``4,550億``, ``1.5兆`` (``1.5万亿`` in Simplified), ``3萬``.

    At most two decimals are kept; below 10,000 the figure is printed as it is (``328.33``).
    """
    k = _lang(lang)
    if not _finite(x):
        return _WORDS["na"][k]
    x = float(x)  # type: ignore[arg-type]
    sign, a = ("-" if x < 0 else ""), abs(x)
    scales = _ZH_SCALES if k else ()
    for scale, hant, hans in scales:
        if a >= scale * 0.99995:  # 99,999,999 prints as 1億, not 10,000萬
            v = round(a / scale, 2)
            if v >= 10000 and scale < 1e12:
                continue
            return sign + f"{v:,.2f}".rstrip("0").rstrip(".") + (hant if k == 1 else hans)
    return sign + _plain(a)


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


#: Money below half a cent (of any currency) is float noise from sums and solves, never a figure: shown as 0.
NOISE = 0.005


def _noise_to_zero(x: float) -> float:
    """``x`` rounded to 0 when it is below half a cent in size (``9.55e-07`` of a dollar is $0)."""
    return 0.0 if abs(x) < NOISE else x


def money(x: float | None, currency: str | None = "USD", per: str = "", *, lang: str | None = "en") -> str:
    """``$40B``, ``-$1.2T``, ``€3M``, ``¥10T``, ``1.2B KRW``; ``per`` is appended (``a year``, ``per GW``).

    In Chinese (``lang`` ``zh-Hant`` or ``zh-Hans``): ``4,550億美元``, ``1.5兆美元``, ``每年600億美元``.
    Less than half a cent is ``$0`` (float noise such as ``9.55e-07`` is not money).
    """
    if _finite(x) and abs(float(x)) < 0.005:  # type: ignore[arg-type]
        x = 0.0
    k = _lang(lang)
    if k:
        if not _finite(x):
            return _WORDS["na"][k]
        x = _noise_to_zero(float(x))  # type: ignore[arg-type]
        cur = currency or "USD"
        words = _ZH_CURRENCY.get(cur)
        text = zh_number(x, LANGS[k]) + (words[k - 1] if words else f" {cur}")
        if per:
            zh_per = _WORDS[per][k] if per in _WORDS else per
            return zh_per + text
        return text
    if not _finite(x):
        return _NA
    x = _noise_to_zero(float(x))  # type: ignore[arg-type]
    cur = currency or "USD"
    n = number(abs(float(x)))  # type: ignore[arg-type]
    sign = "-" if float(x) < 0 else ""  # type: ignore[arg-type]
    text = f"{sign}{SYMBOLS[cur]}{n}" if cur in SYMBOLS else f"{sign}{n} {cur}"
    return f"{text} {per}" if per else text


def unit_words(unit: str | None) -> str:
    """A unit as words: ``data_centres`` -> ``data centres``; ``None`` -> ``""``."""
    return (unit or "").replace("_", " ").strip()


def count(x: float | None, unit: str | None = None, *, lang: str | None = "en") -> str:
    """``34 data centres``, ``400K accelerators``, ``160M shares``, ``3``; in Chinese ``400萬 units``."""
    k = _lang(lang)
    if not _finite(x):
        return _WORDS["na"][k]
    if k:
        zh = _ZH_UNITS.get((unit or "").lower())
        return zh_number(x, LANGS[k]) + (zh[k - 1] if zh else (" " + unit_words(unit) if unit else ""))
    return f"{number(x)} {unit_words(unit)}".strip()


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


def _one(x: float, unit: str | None, lang: str | None = "en") -> str:
    """One end of an amount in its unit."""
    if unit in _CODES:
        return money(x, unit, lang=lang)
    if unit in _YEAR_UNITS:
        return year(x)
    if unit == "%":
        return percent(x)
    if unit == "x":
        return multiple(x)
    if unit == "rank":
        return f"{word('rank', lang)}{_plain(x)}" + ("" if _lang(lang) == 0 else "名")
    if unit in ("years", "yrs"):
        return years(x) if _lang(lang) == 0 else f"{_plain(x)}年"
    return count(x, unit, lang=lang)


def interval(low: float | None, high: float | None, unit: str | None = "USD", *, unbounded: bool = False,
             lang: str | None = "en") -> str:
    """``$320B–$480B``; one figure when the ends are equal; ``at least $2B`` when unbounded above.

    In Chinese: ``3,200億美元–4,800億美元``, ``至少20億美元``.
    """
    na = word("na", lang)
    if not _finite(low):
        return na
    if high is None or unbounded:
        return word("at least", lang) + _one(float(low), unit, lang)  # type: ignore[arg-type]
    if not _finite(high):
        return na
    lo, hi = float(low), float(high)  # type: ignore[arg-type]
    a, b = _one(lo, unit, lang), _one(hi, unit, lang)
    if a == b:
        return a
    if _lang(lang):  # one unit word at the end: 3,200–4,800億美元, 4,000億–1.2兆美元
        tail_a, tail_b = _tail(a), _tail(b)
        unit_a, unit_b = _unscaled(tail_a), _unscaled(tail_b)
        common = len(tail_a) if tail_a == tail_b else len(unit_a) if unit_a == unit_b else 0
        if common and not a.startswith("-"):
            a = a[:len(a) - common]
    return f"{a}–{b}"


def _tail(text: str) -> str:
    """What follows the last digit of ``text`` (its scale and unit words)."""
    k = max((i for i, ch in enumerate(text) if ch.isdigit()), default=-1)
    return text[k + 1:]


def _unscaled(tail: str) -> str:
    """A Chinese tail without its leading scale word: ``億美元`` -> ``美元``, ``万亿美元`` -> ``美元``."""
    for scale in ("万亿", "兆", "億", "亿", "萬", "万"):
        if tail.startswith(scale):
            return tail[len(scale):]
    return tail


def amount(a: Amount, *, lang: str | None = "en") -> str:
    """An amount with the qualifier its text gives.

    ``about $40B``, ``up to $100B``, ``at least 2M units``, ``$320B–$480B``, ``only 0.5x`` (the text
    begins with 僅/only), ``1977`` (a year), ``$100K`` (a range of equal ends). In Chinese: ``約400億美元``,
    ``最多1,000億美元``, ``至少200萬 units``.
    """
    from dealweb.money import Qualifier

    q, unit = a.qualifier, a.unit
    if q is Qualifier.EXACT:
        only = a.text.strip().lower().startswith(_ONLY) if a.text else False
        return (word("only", lang) if only else "") + _one(a.low, unit, lang)
    if q is Qualifier.ABOUT:
        return word("about", lang) + _one(a.point, unit, lang)
    if q is Qualifier.UP_TO:
        return word("up to", lang) + _one(a.point, unit, lang)
    if q is Qualifier.AT_LEAST or a.high is None:
        return word("at least", lang) + _one(a.low, unit, lang)
    shown = interval(a.low, a.high, unit, lang=lang)
    return shown + (word("vague", lang) if q is Qualifier.VAGUE else "")


#: metric unit names (as the metrics' JSON gives them) -> how to print them
_PER = {"usd_per_year": "a year", "usd_per_gw": "per GW", "usd_per_accelerator": "per accelerator",
        "usd_per_share": "a share"}


def value(x: Any, unit: str | None, *, lang: str | None = "en") -> str:
    """A metric's value in its unit, as the metrics' JSON names units.

    ``usd`` (and ``usd_per_year``, ``usd_per_gw``, ``usd_per_accelerator``, ``usd_per_share``), a currency
    code, ``fraction`` (and ``fraction_per_year``), ``%``, ``x``, ``gw``, ``years``, ``year``, ``date``, or a
    counted thing (``accelerators``, ``shares``, ``accelerators_per_gw``...). Lists and mappings are
    printed item by item; a missing value is ``n/a``. ``lang``: ``en``, ``zh-Hant`` or ``zh-Hans`` (億/兆 in Chinese).
    """
    if x is None:
        return word("na", lang)
    if isinstance(x, list | tuple):
        return ", ".join(value(v, unit, lang=lang) for v in x) if x else word("none", lang)
    if isinstance(x, dict):
        return ", ".join(f"{k} {value(v, unit, lang=lang)}" for k, v in x.items()) if x else word("none", lang)
    if isinstance(x, _date | datetime):
        return date(x)
    if isinstance(x, bool) or not isinstance(x, int | float):
        return str(x)
    u = (unit or "").strip()
    low = u.lower()
    if low == "usd":
        return money(x, lang=lang)
    if low in _PER:
        return money(x, per=_PER[low], lang=lang)
    if u in _CODES:
        return money(x, u, lang=lang)
    if low == "fraction":
        return share(x)
    if low == "fraction_per_year":
        return share(x) + (" a year" if not _lang(lang) else "／年")
    if low == "gw":
        return f"{number(x)} GW" if not _lang(lang) else f"{zh_number(x, LANGS[_lang(lang)])} GW"
    if low == "date":
        return str(x)
    if low == "accelerators_per_gw":
        return count(x, "accelerators", lang=lang) + (" per GW" if not _lang(lang) else "／GW")
    return _one(float(x), u or None, lang)
