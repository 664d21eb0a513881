"""Amounts as intervals with a qualifier and a unit, parsed from what was written.

A figure in the news is rarely a point: "up to $100B", "數百億美元" (several tens of billions of dollars),
"about $40B", "3200 億美元至 4800 億美元". dealweb keeps each as an :class:`Amount`: a closed interval
``[low, high]`` in units of its currency (or of a count: shares, GW, units), the qualifier that says how
the interval was obtained, and the text it came from.

Qualifier semantics (documented in ``docs/ledger-format.md``):

* ``exact``     "1000億美元"          -> [x, x]
* ``about``     "約400億美元"         -> [0.9 x, 1.1 x]  (nominal x)
* ``up_to``     "最高1000億"          -> [0, x]          (nominal x)
* ``at_least``  "超過200萬塊"         -> [x, None]       (no upper bound; nominal x)
* ``range``     "3200至4800億美元"    -> [a, b]          (nominal (a + b) / 2)
* ``vague``     "數百億美元"          -> [2, 9] x 1e10   (nominal geometric middle)

Conversions to USD happen only from a rate stated in the text ("10兆日元（約650億美元）") or from a dated
FX table that a ledger declares (:class:`FxTable`); never silently.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Final

__all__ = [
    "CURRENCIES",
    "COUNT_UNITS",
    "Amount",
    "AmountError",
    "FxRate",
    "FxTable",
    "Qualifier",
    "find_amounts",
    "normalise_width",
    "parse_amount",
]


class Qualifier(StrEnum):
    """How the interval of an :class:`Amount` relates to the figure that was written."""

    EXACT = "exact"
    ABOUT = "about"
    UP_TO = "up_to"
    AT_LEAST = "at_least"
    RANGE = "range"
    VAGUE = "vague"


#: ISO 4217 codes dealweb knows, with the words and symbols that name them.
CURRENCIES: Final[dict[str, tuple[str, ...]]] = {
    "USD": ("美元", "美金", "美分", "USD", "US$", "$", "dollars", "dollar", "cents"),
    "JPY": ("日元", "日圓", "日幣", "円", "JPY", "yen", "¥"),
    "CNY": ("人民幣", "人民币", "CNY", "RMB", "yuan"),
    "TWD": ("新台幣", "新臺幣", "台幣", "臺幣", "新台币", "台币", "TWD", "NT$"),
    "HKD": ("港元", "港幣", "港币", "HKD", "HK$"),
    "EUR": ("歐元", "欧元", "EUR", "euros", "euro", "€"),
    "GBP": ("英鎊", "英镑", "GBP", "pounds", "£"),
    "KRW": ("韓元", "韩元", "KRW", "won", "₩"),
    "AED": ("迪拉姆", "AED", "dirhams"),
    "SAR": ("里亞爾", "SAR", "riyals"),
    "SGD": ("SGD", "S$"),
    "AUD": ("AUD", "A$"),
    "CAD": ("CAD", "C$"),
}

#: Units of things that are counted rather than paid, with their words.
COUNT_UNITS: Final[dict[str, tuple[str, ...]]] = {
    "shares": ("股", "shares", "share"),
    "GW": ("吉瓦", "千兆瓦", "GW", "gigawatts", "gigawatt"),
    "MW": ("兆瓦", "MW", "megawatts", "megawatt"),
    "units": ("塊", "块", "顆", "颗", "枚", "片", "張", "张", "台", "GPUs", "GPU", "chips", "units"),
    "x": ("倍", "x", "×"),
    "%": ("%", "％", "percent", "個百分點"),
}

_CN_DIGITS: Final = {"零": 0, "〇": 0, "一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                     "八": 8, "九": 9}
_CN_SCALES: Final = {"十": 10.0, "百": 100.0, "千": 1e3, "萬": 1e4, "万": 1e4, "億": 1e8, "亿": 1e8, "兆": 1e12}
_EN_SCALES: Final = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9,
                     "b": 1e9, "trillion": 1e12, "tn": 1e12, "t": 1e12}

_FULL_WIDTH: Final = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
_WIDTH_TABLE: Final = str.maketrans(_FULL_WIDTH)


def normalise_width(text: str) -> str:
    """Map full-width ASCII forms (``１２３，４５６％``) to their plain forms, one character for one.

    The result has the same length as the input, so every offset into it is an offset into the original.
    """
    if text.isascii() or _WIDE.search(text) is None:
        return text  # nothing to map (most text): ASCII is told at once, else one scan for a set
    return text.translate(_WIDTH_TABLE)


_WIDE: Final = re.compile("[\uff01-\uff5e\u3000]")  # the keys of _FULL_WIDTH


class AmountError(ValueError):
    """An amount could not be read. ``hint`` says how to write it so that it can."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def _alternation(words: list[str]) -> str:
    """A regex matching any of ``words`` (case-insensitively), longest first, shaped as a trie.

    The same matches as the flat ``longest|...|shortest`` alternation under ``re.IGNORECASE`` (the only way
    these pieces are used), but the engine tests one character per position instead of every word.
    """
    trie: dict[str, dict] = {}
    for w in {w.lower() for w in words if w}:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            alts.append("")
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return build(trie)


_CUR_WORDS: Final = {w: code for code, ws in CURRENCIES.items() for w in ws}
_UNIT_WORDS: Final = {w: unit for unit, ws in COUNT_UNITS.items() for w in ws}
_PREFIX_CUR: Final = ["US$", "NT$", "HK$", "S$", "A$", "C$", "$", "¥", "€", "£", "₩", "USD", "JPY", "CNY", "EUR", "RMB"]
_QUAL_PREFIX: Final = {
    "約": Qualifier.ABOUT, "约": Qualifier.ABOUT, "大約": Qualifier.ABOUT, "大约": Qualifier.ABOUT,
    "近": Qualifier.ABOUT, "接近": Qualifier.ABOUT, "將近": Qualifier.ABOUT, "将近": Qualifier.ABOUT,
    "about": Qualifier.ABOUT, "around": Qualifier.ABOUT, "approximately": Qualifier.ABOUT,
    "roughly": Qualifier.ABOUT, "nearly": Qualifier.ABOUT, "almost": Qualifier.ABOUT, "some": Qualifier.ABOUT,
    "~": Qualifier.ABOUT, "≈": Qualifier.ABOUT,
    "最高": Qualifier.UP_TO, "最多": Qualifier.UP_TO, "高達": Qualifier.UP_TO, "高达": Qualifier.UP_TO,
    "上限": Qualifier.UP_TO, "up to": Qualifier.UP_TO, "as much as": Qualifier.UP_TO, "as much as a": Qualifier.UP_TO,
    "as many as": Qualifier.UP_TO,
    "超過": Qualifier.AT_LEAST, "超过": Qualifier.AT_LEAST, "逾": Qualifier.AT_LEAST, "至少": Qualifier.AT_LEAST,
    "超": Qualifier.AT_LEAST, "不少於": Qualifier.AT_LEAST, "不少于": Qualifier.AT_LEAST,
    "more than": Qualifier.AT_LEAST, "over": Qualifier.AT_LEAST, "at least": Qualifier.AT_LEAST,
    "in excess of": Qualifier.AT_LEAST, "突破": Qualifier.AT_LEAST,
    "不超過": Qualifier.UP_TO, "不超过": Qualifier.UP_TO, "多達": Qualifier.UP_TO, "多达": Qualifier.UP_TO,
    "no more than": Qualifier.UP_TO,
    "最高可達": Qualifier.UP_TO, "最高可达": Qualifier.UP_TO, "最多可達": Qualifier.UP_TO, "最多可达": Qualifier.UP_TO,
    "不到": Qualifier.UP_TO, "少於": Qualifier.UP_TO, "少于": Qualifier.UP_TO, "less than": Qualifier.UP_TO,
    "exceeding": Qualifier.AT_LEAST, "upwards of": Qualifier.AT_LEAST,
    "至多": Qualifier.UP_TO, "最多達": Qualifier.UP_TO, "最多达": Qualifier.UP_TO, "上看": Qualifier.UP_TO,
    "多於": Qualifier.AT_LEAST, "多于": Qualifier.AT_LEAST, "高於": Qualifier.AT_LEAST, "高于": Qualifier.AT_LEAST,
    # a ceiling or floor said with a modal or a comparison (guideline section 3): "協議價值可達62億美元"
    "可達": Qualifier.UP_TO, "可达": Qualifier.UP_TO, "最高達": Qualifier.UP_TO, "最高达": Qualifier.UP_TO,
    "不足": Qualifier.UP_TO, "低於": Qualifier.UP_TO, "低于": Qualifier.UP_TO, "超逾": Qualifier.AT_LEAST,
    "不低於": Qualifier.AT_LEAST, "不低于": Qualifier.AT_LEAST, "最少": Qualifier.AT_LEAST,
}
#: Currency words that name a fraction of the unit (1 美分 = 0.01 USD).
_SUBUNIT: Final = {"美分": 0.01, "cents": 0.01}
_QUAL_SUFFIX: Final = {"左右": Qualifier.ABOUT, "上下": Qualifier.ABOUT, "以上": Qualifier.AT_LEAST,
                       "多": Qualifier.AT_LEAST, "餘": Qualifier.AT_LEAST, "余": Qualifier.AT_LEAST,
                       "以下": Qualifier.UP_TO, "以內": Qualifier.UP_TO, "以内": Qualifier.UP_TO,
                       "or more": Qualifier.AT_LEAST, "plus": Qualifier.AT_LEAST}

_NUM: Final = r"\d+(?:,\d{3})*(?:\.\d+)?|\d*\.\d+|[零〇一二兩两三四五六七八九十百千]+(?=[萬万億亿兆])"
_CN_SCALE: Final = r"[十百千萬万億亿兆]{1,3}(?<!兆(?=瓦))"  # 兆瓦 is a megawatt, not 10^12 watts
_EN_SCALE: Final = r"(?:thousand|million|billion|trillion|mn|bn|tn|[kKmMbBtT])(?![A-Za-z])"
_CUR_PRE: Final = _alternation(_PREFIX_CUR)
_UNIT_SUF: Final = _alternation(list(_CUR_WORDS) + list(_UNIT_WORDS))
_Q_PRE: Final = _alternation(list(_QUAL_PREFIX))
_Q_SUF: Final = _alternation(list(_QUAL_SUFFIX))


def _opt(body: str) -> str:
    """``body`` or nothing, greedy: ``(?:body|)``, the same matches as ``(?:body)?``.

    The regex engine runs ``(?:...)?`` of a group through its general repeat (a counter and a frame per try) and an
    alternation with an empty branch as one branch point: the amount pattern, tried at a few places per figure,
    costs a fifth less so (tests/test_extract_speed.py holds the ``?`` form).
    """
    return f"(?:{body}|)"


def _single(tag: str) -> str:
    return (
        _opt(rf"(?P<cp{tag}>{_CUR_PRE})") + r"\s?"
        rf"(?P<num{tag}>{_NUM})\s?"
        + _opt(rf"(?P<sc{tag}>{_CN_SCALE}|\s?{_EN_SCALE})") + r"\s?"
        + _opt(rf"(?P<us{tag}>{_UNIT_SUF})")
    )


_VAGUE: Final = (
    r"(?P<vcn>[數数幾几][十百千]?[萬万億亿兆]{1,2})\s?" + _opt(r"(?P<vus>" + _UNIT_SUF + r")") +
    r"|(?P<ven>(?:several|a few)\s+(?:hundred\s+|tens of\s+)?(?:thousand|million|billion|trillion)"
    r"|(?:tens|hundreds) of (?:thousands|millions|billions))" + _opt(r"\s+(?:of\s+)?(?P<vus2>" + _UNIT_SUF + r")")
)
_RANGE_SEP: Final = r"\s?(?:至|到|~|-|–|—|to|and)\s?"
#: An amount as written: qualifier, a vague quantity or a figure (currency sign, number, scale, unit) or a range of
#: two, qualifier after, a parenthesis (a stated conversion). Matched case-insensitively (:data:`_PATTERN`), or, in a
#: text in lower case that holds none of the characters case folding matches to an ASCII letter, as it stands
#: (:data:`_PATTERN_LOWER`: the same matches, the engine comparing characters without folding them).
_PATTERN_TEXT: Final = (
    _opt(rf"(?P<qp>{_Q_PRE})") + r"\s?"
    rf"(?:{_VAGUE}|{_single('1')}" + _opt(rf"{_RANGE_SEP}{_single('2')}") + ")"
    + _opt(rf"(?P<qs>{_Q_SUF})")
    + _opt(r"\s?[（(]\s?(?P<paren>[^（）()]{1,40})[)）]")
)
_PATTERN: Final = re.compile(_PATTERN_TEXT, re.IGNORECASE)
_PATTERN_LOWER: Final = re.compile(_PATTERN_TEXT)
#: The named groups of :data:`_PATTERN_LOWER` with their numbers (what ``m.regs`` holds their spans by).
_LOWER_GROUPS: Final = tuple(_PATTERN_LOWER.groupindex.items())
#: Every named group of :data:`_PATTERN_LOWER` unmatched, in its order (what ``groupdict`` gives for no group).
_NO_GROUPS: Final[dict[str, str | None]] = dict.fromkeys(_PATTERN_LOWER.groupindex)


def _cn_number(text: str) -> float:
    """Value of a Chinese numeral such as ``兩千`` or ``三百五十`` (no 萬/億: those are scales)."""
    total, digit = 0.0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SCALES:
            total += (digit if digit is not None else 1) * _CN_SCALES[ch]
            digit = None
        else:
            raise AmountError(f"cannot read {text!r} as a Chinese numeral")
    return total + (digit or 0)


def _number(text: str) -> float:
    if text[0].isdigit() or text[0] == ".":
        return float(text.replace(",", ""))
    return _cn_number(text)


def _scale(text: str | None) -> float:
    if not text:
        return 1.0
    text = text.strip()
    if text.lower() in _EN_SCALES:
        return _EN_SCALES[text.lower()]
    factor = 1.0
    for ch in text:
        factor *= _CN_SCALES[ch]
    return factor


def _unit(prefix: str | None, suffix: str | None) -> str | None:
    units: set[str] = set()
    for word in (prefix, suffix):
        if not word:
            continue
        key = word if word in _CUR_WORDS or word in _UNIT_WORDS else None
        if key is None:
            key = next((w for w in list(_CUR_WORDS) + list(_UNIT_WORDS) if w.lower() == word.lower()), word)
        unit = _CUR_WORDS.get(key) or _UNIT_WORDS.get(key)
        if unit is not None:
            units.add(unit)
    if len(units) > 1:
        raise AmountError(f"two different units in one amount: {sorted(units)}",
                          "write the currency once, e.g. '$40 billion' or '400億美元'")
    return units.pop() if units else None


@dataclass(frozen=True, slots=True)
class Amount:
    """A figure as an interval ``[low, high]`` of ``unit`` (``high is None``: no upper bound).

    Money amounts are in units of their currency (``USD`` dollars, not billions). ``usd_rate`` (US dollars
    per unit) is set only by a conversion stated in the text (``usd_source == "stated"``) or by an
    :class:`FxTable` lookup (``usd_source`` names the rate used); ``usd_low``/``usd_high`` derive from it.

    >>> parse_amount("最高1000億美元").high
    100000000000.0
    """

    low: float
    high: float | None
    qualifier: Qualifier = Qualifier.EXACT
    unit: str | None = None
    text: str = ""
    nominal: float | None = None
    usd_rate: float | None = None
    usd_source: str | None = None

    def __init__(self, low: float, high: float | None, qualifier: Qualifier = Qualifier.EXACT, unit: str | None = None,
                 text: str = "", nominal: float | None = None, usd_rate: float | None = None,
                 usd_source: str | None = None) -> None:
        # Written out, not generated: compiled by mypyc, each ``object.__setattr__`` is one store, where the
        # constructor ``dataclass`` writes runs as interpreted Python (about 8x the instructions per amount).
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)
        object.__setattr__(self, "qualifier", qualifier)
        object.__setattr__(self, "unit", unit)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "nominal", nominal)
        object.__setattr__(self, "usd_rate", usd_rate)
        object.__setattr__(self, "usd_source", usd_source)

    def __reduce__(self) -> tuple[type[Amount], tuple[object, ...]]:
        """Pickled through the constructor (compiled by mypyc, a frozen instance takes no field by field)."""
        return Amount, (self.low, self.high, self.qualifier, self.unit, self.text, self.nominal, self.usd_rate,
                        self.usd_source)

    @property
    def usd_low(self) -> float | None:
        """Lower end in US dollars (``None`` when no conversion is known)."""
        if self.unit == "USD":
            return self.low
        return None if self.usd_rate is None else self.low * self.usd_rate

    @property
    def usd_high(self) -> float | None:
        """Upper end in US dollars (``None`` when unbounded or no conversion is known)."""
        if self.unit == "USD":
            return self.high
        if self.usd_rate is None or self.high is None:
            return None
        return self.high * self.usd_rate

    @property
    def currency(self) -> str | None:
        """The ISO code when this is money, else ``None``."""
        return self.unit if self.unit in CURRENCIES else None

    @property
    def is_money(self) -> bool:
        """Whether the unit is a currency."""
        return self.currency is not None

    @property
    def point(self) -> float:
        """The figure as written (the nominal value), for display and for 'mid' snapshots."""
        if self.nominal is not None:
            return self.nominal
        if self.high is None:
            return self.low
        return self.low / 2 + self.high / 2  # halves first: the sum overflows near the largest float

    @property
    def mid(self) -> float:
        """The middle of the interval: the one definition of "mid" every command uses (policy ``mid``).

        * ``vague`` ("數百億美元", "several billion"): the geometric middle ``sqrt(low * high)``. Such words
          name an order of magnitude (2..9 x 10^10), so their middle is taken on a log scale: 數百億 ->
          sqrt(2e10 * 9e10) = $42.4B (the arithmetic middle, $55B, would sit closer to the top word).
        * unbounded above (``at_least``): ``low``, the only figure the text gives.
        * every other interval (``exact``, ``about``, ``range``, ``up_to``): ``(low + high) / 2``; "up to
          $100B" is [0, $100B] and its middle $50B. Ceilings are conditional money in the flows layer
          (:mod:`dealweb.flows`), so that middle is never counted as firm.

        >>> round(parse_amount("數百億美元").mid / 1e9, 1)
        42.4
        >>> parse_amount("最高1000億美元").mid
        50000000000.0
        """
        if self.high is None:
            return self.low
        if self.qualifier is Qualifier.VAGUE and self.low > 0:
            return math.sqrt(self.low) * math.sqrt(self.high)  # roots first: the product overflows near max float
        return self.low / 2 + self.high / 2  # halves first: the sum overflows near the largest float

    def pick(self, which: str) -> float:
        """``low``, ``high`` (``low`` when unbounded above), ``mid`` (:attr:`mid`) or ``nominal``."""
        if which == "low":
            return self.low
        if which == "high":
            return self.high if self.high is not None else self.low
        if which == "mid":
            return self.mid
        if which == "nominal":
            return self.point
        raise ValueError(f"unknown amount choice {which!r}: use low, mid, high or nominal")

    def usd(self, which: str) -> float | None:
        """Like :meth:`pick`, in US dollars, or ``None`` when no conversion is known."""
        if self.unit == "USD":
            return self.pick(which)
        if self.usd_rate is None:
            return None
        return self.pick(which) * self.usd_rate

    def scaled(self, factor: float) -> Amount:
        """This amount times ``factor`` (a share of a flow), keeping the qualifier."""
        return replace(
            self,
            low=self.low * factor,
            high=None if self.high is None else self.high * factor,
            nominal=None if self.nominal is None else self.nominal * factor,
        )

    def with_unit(self, unit: str) -> Amount:
        """The same amount with a unit supplied by context (``最高1000億`` in a dollar sentence)."""
        # the constructor itself (compiled), not ``dataclasses.replace`` (interpreted, about 20,000 instructions)
        return Amount(self.low, self.high, self.qualifier, unit, self.text, self.nominal, self.usd_rate,
                      self.usd_source)

    def overlaps(self, other: Amount) -> bool:
        """Whether the two intervals share a point (same unit assumed)."""
        hi_a = math.inf if self.high is None else self.high
        hi_b = math.inf if other.high is None else other.high
        return self.low <= hi_b and other.low <= hi_a

    def label(self) -> str:
        """A short English rendering with its qualifier: ``up to $100B``, ``about 6 GW``."""
        return format_amount(self)

    def as_dict(self) -> dict[str, object]:
        """The export's stable keys: low, high, currency, qualifier, usd_low, usd_high (plus unit, text)."""
        return {
            "low": self.low,
            "high": self.high,
            "currency": self.currency,
            "unit": self.unit,
            "qualifier": str(self.qualifier),
            "nominal": self.point,
            "usd_low": self.usd_low,
            "usd_high": self.usd_high,
            "text": self.text,
        }


def format_amount(a: Amount) -> str:
    """Readable English label of an amount: ``up to $100B``, ``$320B–$480B``, ``at least 2M units``.

    The one formatter (:func:`dealweb.fmt.amount`): the qualifier the text gives, the unit always shown,
    years never scaled.
    """
    from dealweb.fmt import amount

    return amount(a)


def _group_texts(m: re.Match[str], src: str | None = None) -> dict[str, str | None]:
    """The named groups of an amount match, as written in ``src`` when ``m`` was found in a lower-case copy of it."""
    if src is not None and m.re is _PATTERN_LOWER:
        # found in a lower-case copy of ``src`` (of the same length): every group's span at once (a method call per
        # group and end costs more), into a copy of the dict of no group (inserting 15 keys one by one resizes it)
        out = _NO_GROUPS.copy()
        regs = m.regs
        for k, i in _LOWER_GROUPS:
            a, b = regs[i]
            if a >= 0:
                out[k] = src[a:b]
        return out
    if src is None or m.string is src:
        return m.groupdict()
    out = {}
    for k, v in m.groupdict().items():
        out[k] = None if v is None else src[m.start(k):m.end(k)]
    return out


def _build(m: re.Match[str], default_unit: str | None, shown: str | None = None,
           groups: dict[str, str | None] | None = None) -> Amount:
    """The amount match ``m`` reads; its ``text`` is ``shown`` when given (else the match).

    ``groups``: the match's groups as written (:func:`_group_texts`), when ``m`` was found in a lower-case copy.
    """
    g = groups if groups is not None else m.groupdict()
    text = m.group(0) if shown is None else shown
    qual = Qualifier.EXACT
    qp = g["qp"]
    if qp:
        qual = _QUAL_PREFIX.get(qp, None) or _QUAL_PREFIX[qp.lower()]
    vcn, ven = g["vcn"], g["ven"]
    if vcn or ven:
        if vcn:
            word = vcn[1:]
            scale = _scale(word)
            unit = _unit(None, g["vus"])
        else:
            assert ven is not None
            words = ven.lower().split()
            scale = _EN_SCALES[words[-1].rstrip("s")]
            if "hundred" in words or "hundreds" in words:
                scale *= 100
            elif "tens" in words:
                scale *= 10
            unit = _unit(None, g["vus2"])
        unit = unit or default_unit
        low, high = 2 * scale, 9 * scale
        if qual is Qualifier.UP_TO:
            # "高達數十億美元", "up to several billion dollars": a ceiling on a vague figure (guideline section 3)
            return Amount(0.0, high, qual, unit, text, nominal=math.sqrt(low * high))
        if qual is Qualifier.AT_LEAST:
            return Amount(low, None, qual, unit, text, nominal=math.sqrt(low * high))  # "逾數十億美元"
        return Amount(low, high, Qualifier.VAGUE, unit, text, nominal=math.sqrt(low * high))
    num1 = g["num1"]
    assert num1 is not None
    sc1, us1 = g["sc1"], g["us1"]
    v1 = _number(num1) * _scale(sc1) * _SUBUNIT.get(us1 or "", 1.0)
    unit1 = _unit(g["cp1"], us1)
    num2 = g["num2"]
    if num2:
        sc2s, us2 = g["sc2"], g["us2"]
        sc2 = _scale(sc2s)
        v2 = _number(num2) * sc2 * _SUBUNIT.get(us2 or "", 1.0)
        unit2 = _unit(g["cp2"], us2)
        if not sc1 and sc2s:
            v1 *= sc2  # "320–480億美元": the scale written once applies to both ends
        unit = unit1 or unit2 or default_unit
        if unit1 and unit2 and unit1 != unit2:
            raise AmountError(f"the two ends of {text!r} are in different units ({unit1}, {unit2})")
        if v2 < v1:
            raise AmountError(f"inverted range {text!r}: {v1:g} > {v2:g}", "write the smaller figure first")
        amount = Amount(v1, v2, Qualifier.RANGE, unit, text, nominal=v1 / 2 + v2 / 2)
    else:
        unit = unit1 or default_unit
        qs = g["qs"]
        if qs:
            suffix_q = _QUAL_SUFFIX.get(qs) or _QUAL_SUFFIX[qs.lower()]
            qual = suffix_q if qual is Qualifier.EXACT else qual
        amount = _interval(v1, qual, unit, text)
    if not (math.isfinite(amount.low) and (amount.high is None or math.isfinite(amount.high))
            and (amount.nominal is None or math.isfinite(amount.nominal))):
        raise AmountError(f"amount {text.strip()[:40]!r} is too large to be a number",
                          "check the digits and the scale word (萬, 億, 兆, billion, trillion)")
    paren = g["paren"]
    if paren:
        stated = _stated(paren)
        if stated is not None and stated.unit == "USD" and amount.unit not in (None, "USD") and amount.point:
            amount = replace(amount, usd_rate=stated.point / amount.point, usd_source="stated")
    return amount


def _interval(v: float, qual: Qualifier, unit: str | None, text: str) -> Amount:
    if qual is Qualifier.ABOUT:
        return Amount(0.9 * v, 1.1 * v, qual, unit, text, nominal=v)
    if qual is Qualifier.UP_TO:
        return Amount(0.0, v, qual, unit, text, nominal=v)
    if qual is Qualifier.AT_LEAST:
        return Amount(v, None, qual, unit, text, nominal=v)
    return Amount(v, v, qual, unit, text, nominal=v)


def _stated(paren: str) -> Amount | None:
    m = _PATTERN.search(normalise_width(paren))
    if not m or not m.group(0).strip():
        return None
    try:
        return _build(m, None)
    except AmountError:
        return None


def parse_amount(text: str, default_unit: str | None = None) -> Amount:
    """Read one amount from ``text`` such as ``1,000 億美元``, ``最高1000億``, ``$40 billion``.

    Args:
        text: the figure as written, in Chinese (Traditional or Simplified) or English.
        default_unit: currency or unit to assume when the text names none (e.g. ``"USD"``).

    Returns:
        The :class:`Amount`, with ``text`` set to the input.

    Raises:
        AmountError: the text is not one amount; the message says why and the hint how to write it.

    >>> a = parse_amount("10兆日元（約650億美元）")
    >>> (a.low, a.unit, a.usd_low)
    (10000000000000.0, 'JPY', 65000000000.0)
    >>> parse_amount("數百億美元").qualifier
    <Qualifier.VAGUE: 'vague'>
    """
    if not isinstance(text, str):
        text = str(text)
    raw = text
    norm = normalise_width(text).strip()
    if not norm:
        raise AmountError("empty amount", "write a figure such as '400億美元' or '$40 billion'")
    m = _PATTERN.fullmatch(norm)
    if m is None or not (m.group("num1") or m.group("vcn") or m.group("ven")):
        if norm.startswith("-") or norm.startswith("−"):
            raise AmountError(f"negative amount {raw!r}",
                              "amounts are sizes; put the direction in 'from'/'to' instead of a sign")
        raise AmountError(
            f"cannot read {raw!r} as an amount",
            "write a figure with its unit, e.g. '1000億美元', '最高1000億美元', '$40 billion', '6 GW'",
        )
    a = _build(m, default_unit)
    return Amount(a.low, a.high, a.qualifier, a.unit, raw, a.nominal, a.usd_rate, a.usd_source)  # as written


@dataclass(frozen=True, slots=True)
class FoundAmount:
    """An amount found in running text, with its span ``text[start:end]``."""

    start: int
    end: int
    amount: Amount

    def __init__(self, start: int, end: int, amount: Amount) -> None:
        # written out: compiled, a store per field (see :class:`Amount`)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "amount", amount)

    def __reduce__(self) -> tuple[type[FoundAmount], tuple[object, ...]]:
        """Pickled through the constructor (compiled by mypyc, a frozen instance takes no field by field)."""
        return FoundAmount, (self.start, self.end, self.amount)


#: Where a figure can be: a digit, a Chinese numeral before a scale, or a vague quantity word. Every match
#: of :data:`_PATTERN` holds one, at most :data:`_LOOKBACK` characters after the match's start.
_ANCHOR: Final = re.compile(
    r"(?=[0-9.零〇一二兩两三四五六七八九十百千數数幾几sath])(?:"  # first characters: one set test
    r"[0-9.]|[零〇一二兩两三四五六七八九十百千數数幾几][十百千萬万億亿兆]|several|a few|tens of|"
    r"hundreds of)", re.IGNORECASE)
#: Where :data:`_ANCHOR` matches, as one character: it opens on a plain character class (the first characters
#: with their other case and the long s, no case folding per character), so the engine skips to the next one
#: with a set test, then checks :data:`_ANCHOR` there by looking back over that character. Only the start of an
#: anchor, and whether one lies in a range, are ever used: both are the same as :data:`_ANCHOR`'s.
_ANCHOR_CLASS: Final = "0-9.零〇一二兩两三四五六七八九十百千數数幾几sathSATH\u017f"
#: At each candidate, which anchor it can be is told by the character itself (a few one-character look-backs) and
#: only that form is checked, instead of trying :data:`_ANCHOR` (case-folding every form) at every s, a, t and h.
_ANCHOR_AT: Final = re.compile(f"[{_ANCHOR_CLASS}]"
                               "(?:(?<=[0-9.])"
                               "|(?<=[零〇一二兩两三四五六七八九十百千數数幾几])(?=[十百千萬万億亿兆])"
                               "|(?<=[sS\u017f])(?=(?i:everal))"
                               "|(?<=[aA])(?=(?i: few))"
                               "|(?<=[tT])(?=(?i:ens of))"
                               "|(?<=[hH])(?=(?i:undreds of)))")
#: :data:`_ANCHOR_AT` without its vague words: the same anchors in a text that holds none of them (:func:`_anchor_for`),
#: found without a try at every s, a, t and h of English prose.
_ANCHOR_NUM: Final = re.compile("[0-9.零〇一二兩两三四五六七八九十百千數数幾几]"
                                "(?:(?<=[0-9.])|(?<=[零〇一二兩两三四五六七八九十百千數数幾几])(?=[十百千萬万億亿兆]))")
#: The vague words :data:`_ANCHOR` reads, in lower case; the long s is the only other character case folding matches
#: to one of their letters (tests/test_extract_speed.py checks every code point).
_VAGUE_WORDS: Final = ("several", "a few", "tens of", "hundreds of")
_LOOKBACK: Final = 32


def _anchor_for(norm: str) -> re.Pattern[str]:
    """:data:`_ANCHOR_AT`, or :data:`_ANCHOR_NUM` where ``norm`` holds no vague word (most texts): the same anchors."""
    if "\u017f" in norm:
        return _ANCHOR_AT
    low = norm.lower()
    return _ANCHOR_AT if any(w in low for w in _VAGUE_WORDS) else _ANCHOR_NUM


#: What a match can hold before its first anchor: a qualifier, a space, a currency sign, a space, and the
#: leading numerals of a Chinese number whose anchor comes later (十一億: the anchor is 一億).
_BEFORE_ANCHOR: Final = re.compile(
    rf"(?:{_Q_PRE})?\s?(?:{_CUR_PRE})?\s?[零〇一二兩两三四五六七八九十百千]*\Z", re.IGNORECASE)
#: A decimal digit other than 0-9 (Arabic-Indic, Devanagari...): ``\d`` reads it, :data:`_ANCHOR` does not.
_OTHER_DIGIT: Final = re.compile(r"[^\D0-9]")  # one set: a scan, not a lookahead per character
_NUMERALS: Final = frozenset("零〇一二兩两三四五六七八九十百千")
#: The longest text :data:`_BEFORE_ANCHOR` accepts without numerals (a qualifier, a space, a currency sign, a space).
_BEFORE_MAX: Final = max(map(len, _QUAL_PREFIX)) + 1 + max(map(len, _PREFIX_CUR)) + 1


def _reversed_trie(words: Iterable[str]) -> dict[str, dict]:
    """The words, lower case, as a trie read from their last character back ("" marks a word's start)."""
    root: dict[str, dict] = {}
    for w in {w.lower() for w in words if w}:
        node = root
        for ch in reversed(w):
            node = node.setdefault(ch, {})
        node[""] = {}
    return root


_QUAL_REV: Final = _reversed_trie(_QUAL_PREFIX)
_CUR_REV: Final = _reversed_trie(_PREFIX_CUR)
#: What a character of the text is under ``re.IGNORECASE`` for these words: an ASCII capital is its small letter,
#: and the dotted and dotless i, the long s and the Kelvin sign are i, i, s and k (Python's case folding; every
#: other character matches only itself, the words being ASCII, CJK and signs).
_FOLD_ONE: Final = {**{chr(c): chr(c + 32) for c in range(65, 91)}, "\u0130": "i", "\u0131": "i", "\u017f": "s",
                    "\u212a": "k"}
#: The characters outside ASCII that case folding matches to an ASCII letter (:data:`_FOLD_ONE`).
_FOLDS_OUTSIDE_ASCII: Final = "\u0130\u0131\u017f\u212a"
#: The characters a qualifier or currency sign can end with (no word ends with a numeral or a space: asserted).
_WORD_LAST: Final = frozenset(k for t in (_QUAL_REV, _CUR_REV) for k in t)
assert not _WORD_LAST & _NUMERALS and not any(ch.isspace() for ch in _WORD_LAST)


def _word_starts(trie: dict[str, dict], norm: str, end: int, lo: int, out: list[int]) -> None:
    """Append to ``out`` the start (``>= lo``) of every word of ``trie`` (reversed) that ends at ``end``."""
    node = trie
    i = end
    while i > lo:
        ch = norm[i - 1]
        nxt = node.get(_FOLD_ONE.get(ch, ch))
        if nxt is None:
            return
        node = nxt
        i -= 1
        if "" in node:
            out.append(i)


def _before_starts(norm: str, lo: int, run: int, at: int) -> list[int]:
    """Every ``x`` in ``[lo, at]`` from which :data:`_BEFORE_ANCHOR` matches ``norm[x:at]``, ascending.

    ``norm[run:at]`` is the run of numerals just before the anchor at ``at``. Read backwards from ``run``: an
    optional space, currency sign, space and qualifier (the pattern's parts, each optional), so each start is
    found by a few dictionary steps instead of trying the pattern at every place before the anchor.
    """
    if run == at:
        if at <= lo:
            return [at]
        ch = norm[at - 1]
        if not ch.isspace() and _FOLD_ONE.get(ch, ch) not in _WORD_LAST:
            return [at]  # nothing can end just before the anchor
    starts = [run]
    if run > lo and norm[run - 1].isspace():
        starts.append(run - 1)
    for q in starts[:]:
        _word_starts(_CUR_REV, norm, q, lo, starts)
    for q in starts[:]:
        if q > lo and norm[q - 1].isspace():
            starts.append(q - 1)
    for q in starts[:]:
        _word_starts(_QUAL_REV, norm, q, lo, starts)
    if len(starts) == 1 and run == at:
        return starts  # only the anchor itself
    return sorted(set(starts).union(range(run + 1, at + 1)))


def _matches_scan(norm: str) -> Iterator[re.Match[str]]:
    """:func:`_matches` by searching from a little before each anchor (any text; slower)."""
    pos = 0
    n = len(norm)
    while pos < n:
        a = _ANCHOR_AT.search(norm, pos)
        if a is None:
            return
        m = _PATTERN.search(norm, max(pos, a.start() - _LOOKBACK))
        if m is None:
            return
        if m.end() <= a.start() and not _ANCHOR_AT.search(norm, m.start(), m.end()):
            pos = a.start()  # a figure in digits other than 0-9 holds no anchor: skipped
            continue
        yield m
        pos = m.end() if m.end() > m.start() else m.end() + 1


def _first_match(norm: str, starts: list[int], rx: re.Pattern[str] = _PATTERN) -> re.Match[str] | None:
    """The first match of ``rx`` (:data:`_PATTERN`) in ``norm`` at one of ``starts`` (in their order), else ``None``."""
    for p in starts:
        m = rx.match(norm, p)
        if m is not None:
            return m
    return None


def _lower_for_match(norm: str) -> str | None:
    """``norm`` in lower case, where :data:`_PATTERN_LOWER` finds what :data:`_PATTERN` finds in ``norm``; or ``None``.

    Case folding matches an ASCII letter of the pattern to its capital and to four characters outside ASCII (the
    dotted and dotless i, the long s, the Kelvin sign): with none of those in the text, a character matches a letter
    of the pattern folded exactly when it matches it in lower case, and ``str.lower`` keeps every other character's
    length (only the dotted capital I lowers to two).
    """
    if not norm.isascii() and any(c in norm for c in _FOLDS_OUTSIDE_ASCII):
        return None
    return norm.lower()


def _matches(norm: str) -> Iterator[re.Match[str]]:
    """The matches of :data:`_PATTERN` in ``norm``, left to right, as :func:`_matches_scan` gives them.

    The pattern opens with an optional qualifier, so a plain scan tries it at every position. Every match
    holds an anchor (a digit, a numeral, a vague word), and the text before its first anchor is only a
    qualifier, a currency sign, spaces and leading numerals (:data:`_BEFORE_ANCHOR`). So the pattern is
    tried only where such text ends at the next anchor: the leftmost match at or after each search start,
    exactly as a scan finds it, for a few tries per figure instead of one per character. A text with
    digits other than 0-9 (which :data:`_ANCHOR` does not see) takes the scan.
    """
    if not norm.isascii() and _OTHER_DIGIT.search(norm):  # ASCII holds no other digit (told at once)
        yield from _matches_scan(norm)
        return
    anchor = _anchor_for(norm)
    low = _lower_for_match(norm)
    target, rx = (norm, _PATTERN) if low is None else (low, _PATTERN_LOWER)
    pos = 0
    n = len(norm)
    while pos < n:
        a = anchor.search(norm, pos)
        if a is None:
            return
        lo = max(pos, a.start() - _LOOKBACK)  # where the scan would start
        m: re.Match[str] | None = None
        while m is None:
            at = a.start()
            run = at
            while run > lo and norm[run - 1] in _NUMERALS:
                run -= 1
            m = _first_match(target, _before_starts(norm, max(lo, run - _BEFORE_MAX), run, at), rx)
            if m is None:
                # no match holds this anchor: the scan goes on to the next one
                lo = at + 1
                a = anchor.search(norm, lo)
                if a is None:
                    return
        yield m
        pos = m.end() if m.end() > m.start() else m.end() + 1


#: A range joined by "and" ("between $3 billion and $5 billion"); without "between" the two are a list.
_AND_SEP: Final = re.compile(r"\s?and\s?", re.IGNORECASE)
_BETWEEN: Final = re.compile(r"\bbetween\s*(?:about\s*|around\s*)?\S?\s*$", re.IGNORECASE)


def find_amounts(text: str, default_unit: str | None = None) -> Iterator[FoundAmount]:
    """Every amount in ``text``, left to right, with Python string offsets into ``text`` itself.

    Bare numbers with neither scale, unit nor qualifier (years, days, ordinals) are skipped.

    >>> [f.amount.point for f in find_amounts("OpenAI承諾部署6 吉瓦的GPU,最多1.6億股")]
    [6.0, 160000000.0]
    """
    norm = normalise_width(text)
    for m in _matches(norm):
        g = _group_texts(m, norm)  # as written (the match may be in a lower-case copy)
        num1, vcn, ven, sc1, cp1, us1 = g["num1"], g["vcn"], g["ven"], g["sc1"], g["cp1"], g["us1"]
        num2, sc2, us2, cp2 = g["num2"], g["sc2"], g["us2"], g["cp2"]
        if not (num1 or vcn or ven):
            continue
        if num1 and not (sc1 or cp1 or us1 or num2 and (sc2 or us2 or cp2)):
            continue
        if num1 and us1 and not (sc1 or cp1):
            # a bare year or count followed by a word-unit like 台/張 is too ambiguous unless numeric
            if us1 in ("台",) and float(num1.replace(",", "") or 0) > 1900:
                continue
        start, end = m.start(), m.end()
        while start < end and norm[start].isspace():
            start += 1
        while end > start and norm[end - 1].isspace():
            end -= 1
        if num2 is not None and sc1 and sc2:
            end1 = max(m.end(k) for k in ("num1", "sc1", "cp1", "us1") if g[k] is not None)
            sep = _AND_SEP.match(norm, end1, end)
            if sep is not None and not _BETWEEN.search(norm, max(0, start - 12), start):
                # "$5 billion and $4 billion": two figures (a list); "and" joins a range only after "between"
                for lo, hi in ((start, end1), (sep.end(), end)):
                    for fa in find_amounts(text[lo:hi], default_unit):
                        yield FoundAmount(fa.start + lo, fa.end + lo, fa.amount)
                continue
        try:
            amount = _build(m, default_unit, text[start:end], g)  # the figure as written, spaces trimmed
        except AmountError:
            continue
        yield FoundAmount(start, end, amount)


@dataclass(frozen=True, slots=True)
class FxRate:
    """``1 unit of currency = rate USD`` on ``date``, with the source of the rate."""

    currency: str
    rate: float
    date: date
    source: str = ""

    def __reduce__(self) -> tuple[type[FxRate], tuple[object, ...]]:
        """Pickled through the constructor (compiled by mypyc, a frozen instance takes no field by field)."""
        return FxRate, (self.currency, self.rate, self.date, self.source)


@dataclass(frozen=True)
class FxTable:
    """A dated FX table a ledger declares; conversion uses the latest rate on or before the date."""

    rates: tuple[FxRate, ...] = field(default_factory=tuple)

    def __reduce__(self) -> tuple[type[FxTable], tuple[object, ...]]:
        """Pickled through the constructor (compiled by mypyc, a frozen instance takes no field by field)."""
        return FxTable, (self.rates,)

    def rate(self, currency: str, on: date | None = None) -> FxRate | None:
        """The rate in force for ``currency`` on ``on`` (the earliest one if ``on`` precedes them all)."""
        cands = sorted((r for r in self.rates if r.currency == currency), key=lambda r: r.date)
        if not cands:
            return None
        if on is None:
            return cands[-1]
        before = [r for r in cands if r.date <= on]
        return before[-1] if before else cands[0]

    def to_usd(self, amount: Amount, on: date | None = None) -> Amount:
        """``amount`` with ``usd_low``/``usd_high`` set from the table, unless already stated or USD."""
        if amount.unit == "USD" or amount.usd_source == "stated" or amount.currency is None:
            return amount
        r = self.rate(amount.currency, on)
        if r is None:
            return amount
        return replace(amount, usd_rate=r.rate, usd_source=f"fx:{r.currency}@{r.date.isoformat()}")
