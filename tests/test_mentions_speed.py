"""The fast paths of :mod:`dealweb.extract.mentions` (issue 16, session 10) give exactly what the plain scans give.

Each fast path finds where a pattern can match by cheap string searches and tries the pattern there only; these
tests compare it with the pattern's own scan of the whole text, on generated text built of the pieces that matter.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.extract import mentions


def _spans(ms) -> list[tuple[tuple[int, int], dict[str, str | None]]]:  # noqa: ANN001
    return [(m.span(), m.groupdict()) for m in ms]


_SLOT_PIECES = ["into ", "into", "acquire ", "acquires ", "acquired ", "acquiring ", "acquisition of ", "acqui",
                "buy ", "buys ", "buying ", "bought ", "buy", "invest ", "invests ", "invested ", "investing ",
                "investment in ", "invest", "in ", "US$5 billion ", "$3.5bn ", "$2 ", "more ", "stake in ", "startup ",
                "start-up ", "start", "chipmaker ", "chip designer ", "chip", "company ", "firm ", "Acme",
                "Zentrix Labs", "Big", " ", "x", "-", "reinvest in ", "Acme-company ", "the ", "A", "a", ".", "'s ",
                "\n"]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(_SLOT_PIECES), max_size=16).map("".join))
def test_english_slots_are_the_scan(text: str) -> None:
    assert _spans(mentions._en_slots(text)) == _spans(mentions._EN_SLOT.finditer(text))


def _marks(text: str) -> bytes:
    return b"" if text.isascii() else mentions._latin_marks(text)


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(["龙", "华", "A", "Zentrix", " ", "\u3000", "  ", "a", "的", "é", "Ａ", "1", "\n", "?",
                                 "、", "Z", "𠀀", "\ud800"]), max_size=20).map("".join))
def test_capitals_after_ideographs_from_marks_are_the_scan(text: str) -> None:
    assert mentions._capitals_after_cjk(text, _marks(text)) == \
        [m.start() for m in mentions._CAPITAL_AFTER_CJK.finditer(text)]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(["公司", "集团", "集團", "科技", "资本", "資本", "基金", "半导体", "實驗室", "实验室",
                                 "公", "半", "Acme", "acme", "A", "1", " ", "  ", "的", "?", "é", "_", "\u3000", "𠀀"]),
                max_size=16).map("".join))
def test_chinese_firm_nouns_are_the_scan(text: str) -> None:
    assert _spans(mentions._cn_firm_nouns(text)) == _spans(mentions._CN_FIRM_NOUN.finditer(text))


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(["%", "％", " ", "  ", "至", "到", "to", "t", "o", "5", "\n", "%至", "x"]),
                max_size=16).map("".join))
def test_percent_then_range_word_is_the_substitution(text: str) -> None:
    plain = mentions._PCT_THEN.sub(lambda m: m.group(1) + " " * len(m.group(2)), text)
    assert mentions._pct_then(text) == plain


def _maybe_date_plain(text: str) -> bool:
    """:func:`mentions._maybe_date` as session 9 wrote it (the two core patterns searched in the lower case)."""
    if any(ch in text for ch in mentions._EXOTIC_FOLDS):
        return True
    low = text.lower()
    digits = "年" in text or "月" in text or "-" in text
    months = any(m in low for m in mentions._MONTH_HEADS)
    return digits and mentions._DATE_DIGITS.search(low) is not None or \
        months and mentions._DATE_MONTH.search(low) is not None


def _maybe_period_plain(text: str) -> bool:
    """:func:`mentions._maybe_period` as session 9 wrote it."""
    if any(ch in text for ch in mentions._EXOTIC_FOLDS):
        return True
    return mentions._PERIOD_CORE.search(text.lower()) is not None


_DATE_PIECES = ["2025", "9", "\u0663", " ", "  ", "\u3000", "\xa0", "\t", "年", "月", "-", "-0", "-1", "0", "1", "財",
                "财", "第", "上", "下", "jan", "Jan", "sept", "SEP.", "mar", "x", "market", "May", "q", "Q", "q3",
                "Q4 ", "quarter ", "of ", "fiscal ", "FY", "fy", "'", "year ", "20", "\u017f", "\u0130", "a", "é", "日"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_DATE_PIECES), max_size=14).map("".join))
def test_quick_date_and_period_tests_are_the_core_searches(text: str) -> None:
    assert mentions._maybe_date(text) == _maybe_date_plain(text), text
    assert mentions._maybe_period(text) == _maybe_period_plain(text), text
    low = text.lower()  # the kept lower case is the text's, not the last one's
    assert mentions._lower(text) == low and mentions._lower(text + "X") == low + "x"


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(("數|数|幾|上|逾|近|十|百|千|萬|万|億|亿|兆|一|两|兩|九|several|SEVERAL|a few|tens of|"
                                  "hundreds of|one hundred|ONE THOUSAND|two million|zillion|billion|x| |Kx|的|a|İ|"
                                  "ı|ſ").split("|")), max_size=10).map("".join), st.integers(0, 4), st.integers(0, 4))
def test_numeral_test_is_the_pattern_in_any_window(text: str, lo: int, cut: int) -> None:
    hi = max(lo, len(text) - cut)
    assert mentions._numeral_in(text, lo, hi) == (mentions._NUMERIC.search(text, lo, hi) is not None), (text, lo, hi)
    assert mentions._cn_numeral_in(text[lo:hi]) == (mentions._CN_NUMERAL.search(text, lo, hi) is not None)


_SENTENCE_PIECES = ["。", "！", "？", "!", "?", "；", ";", "\n", "[", "]", "[1]", "[12] - ", " - ", ".", ". ", "U.S. ",
                    "No. ", "Inc. ", "A. ", "Acme", "acme", "abc,", "$", "x", " ", "  ", "」", "'", "\"", "龙", "1",
                    "3.5", "Mr.", "\t", "abc\nabc ", "A\n$", ",\n", "\nfoo;", "\nfoo", "x\n", "』", "”", "é", "\u3000",
                    "\n\n", "!!", "。」", "Corp. ", "Co. ", "Ltd. ", "Ms. ", "Dr. ", "xNo. ", "_A. ", "é. ", "1. ",
                    "Acme Inc.\n", "Z.", "mr. ", "Dr.\t", "NoCo. ", "(Co. "]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_SENTENCE_PIECES), max_size=20).map("".join))
def test_sentence_boundaries_are_the_scan(text: str) -> None:
    assert mentions._boundary_ends(text) == [m.end() for m in mentions._BOUNDARY.finditer(text)]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(["1", "0", "9", "１", "９", "a", " ", "。", "龙", "\u0663", "é", "?", ".", "\n"]),
                max_size=20).map("".join))
def test_digit_marks_find_the_digits(text: str) -> None:
    marks = mentions._digit_marks(text)
    if marks is None:
        assert re.search("[０-９]", text)
        return
    for s in range(len(text) + 1):
        m = mentions._DIGIT.search(text, s)
        assert marks.find(b"0", s) == (m.start() if m is not None else -1)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(("收购|收購|投资|入股|注資|併購|买下|公司|集團|商|旗下|向|"
                                 "對|业者|廠|企|企業|新创|初創| |\u3000|的|A|x|下|者").split("|")),
                max_size=8).map("".join), st.integers(0, 12))
def test_chinese_slot_test_is_the_search(text: str, cut: int) -> None:
    at = max(0, len(text) - cut)
    assert mentions._cn_slot_before(text, at) == \
        (mentions._CN_SLOT_BEFORE.search(text, max(0, at - 4), at) is not None), (text, at)


_SPELLED_PIECES = ["three", "Three", "hundred", "twenty", "-", "five", "and", " ", "  ", "billion", "Million",
                   "thousand",
                   "us", "U.S.", "dollars", "dollar", "x", "_", "a", "1", "ſix", "sixty", "nineteen", "é", "\n", "one",
                   "three billion dollars", "twenty-five million US dollars"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_SPELLED_PIECES), max_size=14).map("".join), st.integers(0, 6), st.integers(0, 4))
def test_last_spelled_figure_is_the_scan(text: str, lo: int, cut: int) -> None:
    end = max(lo, len(text) - cut)
    got = mentions._last_spelled(text, lo, end)
    want = next(reversed(list(mentions._SPELLED.finditer(text, lo, end))), None)
    assert (got and (got.span(), got.groupdict())) == (want and (want.span(), want.groupdict())), (text, lo, end)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_DATE_PIECES + ["2025年10月6日", "9月9日", "9 月 9 日", "2025-09-09", "Sept 9, 2025",
                                                "sept. 9", "MAY 3", "1", "12", "19", "号", "Oct 31st", "x2025-01-01"]),
                max_size=12).map("".join))
def test_date_matches_are_the_scan(text: str) -> None:
    assert _spans(mentions._date_matches(text)) == _spans(mentions._DATE_RE.finditer(text)), text


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(["dollar", "Dollars", "DOLLAR", "dollarſ", "dollarx", "x", " ", "s", "dOllAr", "İ",
                                 "dollars_", "美元", "1"]), max_size=12).map("".join))
def test_dollar_matches_are_the_scan(text: str) -> None:
    assert _spans(mentions._dollar_matches(text)) == _spans(mentions._DOLLARS.finditer(text))


def _mention(start: int, end: int, tag: str) -> mentions.EntityMention:
    return mentions.EntityMention(start, end, tag, tag)


@settings(max_examples=800, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 6)), max_size=10),
       st.lists(st.tuples(st.integers(0, 30), st.integers(1, 6)), max_size=10), st.booleans())
def test_merged_mentions_are_the_sort(a: list[tuple[int, int]], b: list[tuple[int, int]], order: bool) -> None:
    if order:
        a, b = sorted(a), sorted(b)
    ma = [_mention(s, s + n, f"a{k}") for k, (s, n) in enumerate(a)]
    mb = [_mention(s, s + n, f"b{k}") for k, (s, n) in enumerate(b)]
    assert mentions._merged_by_start(ma, mb) == sorted(ma + mb, key=lambda x: x.start)
