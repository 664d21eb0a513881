"""The fast paths of news extraction give exactly what the plain ones give (issues 13 and 16).

* the amount scanner's candidate search (:func:`dealweb.money._matches`) against the plain scan it
  replaces (:func:`dealweb.money._matches_scan`), on generated figure-like text;
* each pattern that opens with a first-character lookahead against the same pattern without it;
* the whole rule pipeline on the project's own fixture articles against a stored output
  (``tests/extract_answer_key/expected_claims.json``), and on the seeds against a stored digest. Both
  were written by the extractor before the speed work and checked byte-identical after it, with the real
  news corpus (see BENCHMARKS.md, issue 13). A rule change that alters claims on purpose regenerates them:
  ``python tests/test_extract_speed.py --write``.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb import money
from dealweb.extract import mentions, normalise, relations
from dealweb.extract.gazetteer import GazEntry
from dealweb.extract.ingest import ingest_text
from dealweb.extract.mentions import EntityIndex

HERE = Path(__file__).resolve().parent
ARTICLES = HERE / "extract_answer_key" / "articles"
EXPECTED = HERE / "extract_answer_key" / "expected_claims.json"

#: Pieces of figures and their surroundings, in the three scripts, plus digits other than 0-9.
_PIECES = ["0", "1", "2", "5", "9", "10", "2025", "1,000", "3.5", ".", ",", " ", "  ", "\n", "約", "约", "大約",
           "十", "一", "二", "百", "千", "万", "萬", "億", "亿", "兆", "數", "几", "$", "US$", "NT$", "¥", "美元",
           "億美元", "billion", "Billion", " bn", "million", "about ", "About ", "up to ", "as much as ",
           "approximately ", "in excess of ", "more than ", "超過", "逾", "最高", "至", "到", "-", "~", "to", "(",
           ")", "（", "）", "several ", "a few ", "tens of ", "hundreds of ", "GW", "股", "%", "左右", "以上",
           "٣", "ſ", "K", "the ", "投資", "元", "and ", "or "]

_text = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)


def _spans(it) -> list[tuple[int, int, str]]:  # noqa: ANN001
    return [(m.start(), m.end(), m.group(0)) for m in it]


def _amounts(text: str, it) -> list[tuple[int, int, dict[str, str | None]]]:  # noqa: ANN001
    """Each amount match's span and groups, read in ``text`` as written."""
    return [(m.start(), m.end(), money._group_texts(m, text)) for m in it]


@settings(max_examples=600, deadline=None)
@given(_text)
def test_amount_candidates_are_the_scan(text: str) -> None:
    assert _amounts(text, money._matches(text)) == _amounts(text, money._matches_scan(text))


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PIECES + ["İ", "ı", "\u212a", "ABOUT ", "UP TO", "up\tto ", "\u3000", "\xa0",
                                           "usd", "Usd ", "rmb", "€", "~", "≈", "將近", "不超過", "UPWARDS of "]),
                max_size=12).map("".join))
def test_qualifier_look_back_is_the_pattern(text: str) -> None:
    """The starts read backwards from an anchor are those from which the look-back pattern matches."""
    full = re.compile(money._BEFORE_ANCHOR.pattern, money._BEFORE_ANCHOR.flags)
    at = len(text)
    run = at
    while run > 0 and text[run - 1] in money._NUMERALS:
        run -= 1
    for lo in range(max(0, run - money._BEFORE_MAX - 2), at + 1):
        if lo > run:
            break
        expected = [x for x in range(lo, at + 1) if full.fullmatch(text, x, at)]
        assert money._before_starts(text, lo, run, at) == expected, (text, lo)


def test_amount_candidates_on_fixture_articles() -> None:
    for p in sorted(ARTICLES.iterdir()):
        norm = money.normalise_width(p.read_text(encoding="utf-8"))
        assert _amounts(norm, money._matches(norm)) == _amounts(norm, money._matches_scan(norm)), p.name


def _without_lookahead(rx: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern ``(?=[...])(?:BODY)`` as ``BODY`` alone, same flags."""
    m = re.match(r"\(\?=\[[^\]]*\]\)\(\?:", rx.pattern)
    assert m is not None and rx.pattern.endswith(")"), rx.pattern[:40]
    return re.compile(rx.pattern[m.end():-1], rx.flags)


_LOOKAHEAD = [mentions._DATE_RE, mentions._PERIOD_RE, mentions._NUMERIC, money._ANCHOR]
#: Patterns rewritten to open on one character set (so the engine skips to it), and the plain forms they replace.
_REWRITTEN = [
    (relations._CLAUSE_BREAK, re.compile(r"[，:：;；】]|,(?!\d{3})|(?<=[a-z])\s+(?:while|whereas|but)\s+|"
                                         r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")),
    (relations._CONDITION, re.compile(r"在满足|条件|前提是|取决于|视.{0,8}而定|分期|每部署|\bsubject to\b|"
                                      r"\bprovided that\b|\bcontingent on\b|\bvests?\b|\bconditional on\b|\bonce\b|"
                                      r"\bas each\b|\bin tranches\b")),
    (mentions._BOUNDARY, re.compile(r"[。！？!?；;]+[”」』\"']?|\n(?!(?<=[A-Za-z,]\n)(?:[a-z]+[\s,;:]|\$))|"
                                    r"\[\d{1,2}\](?:\s*\[\d{1,2}\])*\s+-\s+|"
                                    r"\[\d{1,2}\](?:\s*\[\d{1,2}\])*\s+(?=[\u4e00-\u9fff]|[A-Z][A-Za-z]+[\u4e00-\u9fff])|"
                                    r"\.(?=\s)(?<!\b[A-Z]\.)(?<!\bNo\.)(?<!\bMr\.)(?<!\bInc\.)"
                                    r"(?<!\bCorp\.)(?<!\bCo\.)(?<!\bLtd\.)(?<!\bMs\.)(?<!\bDr\.)")),
]
_WORDS = ["hundreds of", "HUNDREDS OF", "tenſ of", "a FEW",
          "2025年10月6日", "9月9日", "2025-09-09", "Sept 9, 2025", "March 3", "FY2026 Q1", "26財年Q1", "Q3 2025",
          "fiscal 2025", "second quarter of 2025", "2026年下半年", "數百億", "three billion", "several", "a few",
          "tens of", "one hundred", "，", ",", ", ", "1,000", " while ", " but ", "x", "ſ", "S", "K", "FY", "fy",
          " ", "\n", "a", "1", "0", "年", "月", "日", "第三季", ":", "；", "  whereas ", "\t", "once", "vest", "s", "_",
          "subject to", "as each", "in tranches", "conditional on", "contingent on", "provided that", "视", "而定",
          "条件", "分期", "é", "。", "！？", "”", "'", "[1]", " - ", "[12] [3]  -  ", ". ", "Inc. ", "Dr. ", "A. ",
          "No.", "Co.\n", "?!", "；", "e.g. ", "】", "【"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=20).map("".join))
def test_first_character_lookaheads_change_no_match(text: str) -> None:
    for rx in _LOOKAHEAD:
        plain = _without_lookahead(rx)
        assert [(m.span(), m.groupdict()) for m in rx.finditer(text)] == \
            [(m.span(), m.groupdict()) for m in plain.finditer(text)], rx.pattern[:30]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=20).map("".join), st.integers(0, 8))
def test_rewritten_patterns_change_no_match(text: str, pos: int) -> None:
    for rx, plain in _REWRITTEN:
        assert [(m.span(), m.groupdict()) for m in rx.finditer(text, pos)] == \
            [(m.span(), m.groupdict()) for m in plain.finditer(text, pos)], plain.pattern[:30]


#: Cue patterns rewritten to open every alternative on a literal, and the plain forms they replace.
_CUE_REWRITTEN = [
    (relations._PRONOUN, r"他们|它们|该公司|公司|其|\bthey\b|\bit\b|\bthe company\b|\bthe firm\b"),
    (relations._JV_WORD, r"合资|合营|\bjoint ventures?\b|\bjvs?\b"),
    (relations._CONTRIBUTE, r"contribut|\bin cash\b|\bdistribution\b|\bpayout\b|出资|注资|投入|现金|分配"),
    (relations._BOTH, r"两家公司|两家|双方|二者|\bboth\b|\bthe two (?:companies|firms)\b"),
    (relations._INVEST_VERB, r"投入|投资|斥资|砸下|注资|出资|支付|\binvest(?:s|ing)?\b|\bspend(?:s|ing)?\b|"
                             r"\bcontribute[sd]?\b|\bpledge[sd]?\b"),
    (relations._FUTURE, r"将|计划|预计|未来|拟|\bwill\b|\bplans?\b|\bexpects?\b"),
    (relations._DEAL_REF, r"(?:这|此)(?:笔|项|份|宗|次|轮)(?:合作|交易|协议|合约|合同|投资|订单|融资|收购|租约)"
                          r"(?![者人方机])|"
                          r"该(?:笔|项|份|宗|次|轮)?(?:合作|交易|协议|合约|合同|投资|订单|融资|收购|租约)(?![者人方机])|双方|两家公司|"
                          r"\bthe two (?:parties|companies)\b|\b(?:this|the) new (?:deal|agreement|contract)\b|"
                          r"\bthe contracts\b|\bthe deal\b|\bthis deal\b|\bthe agreement\b|\bthe partnership\b|"
                          r"\bthe contract\b"),
]
_CUE_PIECES = ["they", "it", "the company", "the firm", "他们", "公司", "其", "joint venture", "joint ventures", "jv",
               "jvs", "contribut", "in cash", "distribution", "payout", "出资", "投入", "both", "the two companies",
               "the two firms", "invest", "invests", "investing", "investment", "spend", "spending", "contribute",
               "contributed", "pledges", "will", "plans", "expect", "expects", "将", "the two parties",
               "this new deal", "the new contract", "the contracts", "the contract", "the deal", "this deal",
               "the agreement", "the partnership", "这项合作", "两家公司", "这笔", "该", "此次", "投资者",
               "交易", "两家", "commitment", "contribution",
               "funding", "round", "around", "融资", "投资", " ", "_", "x", "1", "é", "的", ",", "-", "besides",
               "除了", "apart from", "  "]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_CUE_PIECES), max_size=16).map("".join), st.integers(0, 12), st.integers(0, 12))
def test_rewritten_cue_patterns_change_no_match(text: str, pos: int, cut: int) -> None:
    end = max(pos, len(text) - cut)
    for rx, plain in _CUE_REWRITTEN:
        assert [(m.span(), m.group()) for m in rx.finditer(text, pos, end)] == \
            [(m.span(), m.group()) for m in re.compile(plain).finditer(text, pos, end)], plain[:30]
    plain_except = re.compile(r"^\s*(?:除了|除|besides|apart from|in addition to|aside from)")
    assert bool(relations._EXCEPT.match(text, pos, end)) == bool(plain_except.search(text[pos:end]))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_WORDS + ["SEPT 9", "ſept 9", "İ", "ı", "K", "Q4", "q2 ", "FIRST quarter of 2024",
                                          "Fiscal 2026", "\u0663", "3", " 10月", "的", "$", "약", "xjan 5", "ajan",
                                          "_sept 9", "éfy26", "1q3 2025", "fiscal", "12025年1月", "2026 財年",
                                          "26财年", "2025 年第三季", "12-", "0 月", "2025-1", "3月 "]),
                max_size=20).map("".join))
def test_leading_character_scans_change_no_match(text: str) -> None:
    for first, rx in ((mentions._DATE_FIRST, mentions._DATE_RE), (mentions._PERIOD_FIRST, mentions._PERIOD_RE)):
        assert [(m.span(), m.groupdict()) for m in mentions.finditer_from(first, rx, text)] == \
            [(m.span(), m.groupdict()) for m in rx.finditer(text)], rx.pattern[:30]
    for pos in range(len(text) + 1):
        a, b = money._ANCHOR.search(text, pos), money._ANCHOR_AT.search(text, pos)
        assert (a and a.start()) == (b and b.start())
        for end in range(pos, min(len(text), pos + 6) + 1):
            assert bool(money._ANCHOR.search(text, pos, end)) == bool(money._ANCHOR_AT.search(text, pos, end))


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_WORDS + ["SEPT 9", "ſept 9", "ſep 1", "İ", "ı", "K", "Q4", "q2 ", "MAR 3",
                                          "FIRST quarter of 2024", "Fiscal 2026", "fİscal 2026", "fıscal 2025",
                                          "FY26", "26財年", "2025-09-09", "9月9日", "market", "ma", "r 3", "-",
                                          "Aprİl 5", "aprıl 5", "MAY  3", "Sept. 9", "2025-1", "_mar 3", "Q3 FY26",
                                          "q3 2025", "third quarter of fiscal 2025", "fiscal year 2026", "FY '26",
                                          "2025年第三季", "2026年下半年", "26 財年", "9 月", "20", "year ", "of ",
                                          "quarter ", "第", "上半年", "AI-driven", "2025年"]),
                max_size=14).map("".join))
def test_quick_date_and_period_tests_miss_no_match(text: str) -> None:
    if not mentions._maybe_date(text):
        assert mentions._DATE_RE.search(text) is None
    if not mentions._maybe_period(text):
        assert mentions._PERIOD_RE.search(text) is None


_DATE_CORE_PLAIN = re.compile(r"\d\s?[年月]|\d-[01]|"
                              r"(?<![a-z])(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d")
_PERIOD_CORE_PLAIN = re.compile(r"\d\s?[財财]|fy\s?'?\d|q[1-4]\s?(?:fy|20)|fiscal\s+(?:year\s+)?20|\d\s?年\s?[第上下]|"
                                r"quarter\s+(?:of\s+)?(?:fiscal\s+(?:year\s+)?)?20")


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_WORDS + ["jan", "ajan", "Jun 3", "dec.", "deco 5", " 9", "9", "-0", "-", "年", "月",
                                          " 年", "財", "财", "fy", "fy'2", "q", "q3 ", "20", "fy", "fiscal ", "year ",
                                          "quarter of ", "第", "下", "x", "é", "1", "\u0663", "market", "may  1"]),
                max_size=14).map("".join))
def test_quick_date_and_period_tests_are_the_plain_core_patterns(text: str) -> None:
    """The quick tests, their cores split and opened on one class, say what the plain cores' search says."""
    low = text.lower()
    exotic = any(ch in text for ch in mentions._EXOTIC_FOLDS)
    assert mentions._maybe_date(text) == (exotic or _DATE_CORE_PLAIN.search(low) is not None)
    assert mentions._maybe_period(text) == (exotic or _PERIOD_CORE_PLAIN.search(low) is not None)

def test_quick_date_and_period_tests_pass_every_form() -> None:
    """Each form of a date and a period, alone, passes the quick tests (and is found)."""
    for text in ("2025年10月6日", "9月9日", "9 月 9 日", "2025-09-09", "Sept 9, 2025", "sept. 9", "MAY 3", "Aprİl 5",
                 "aprıl 5", "ſep 9"):
        assert mentions._maybe_date(text) and mentions._DATE_RE.search(text), text
    for text in ("26財年Q1", "2026 财年", "FY26", "fy '26", "FY2026 Q1", "Q3 FY26", "q3 2025", "fiscal 2026",
                 "fiscal year 2026", "2025年第三季", "2026年下半年", "third quarter of 2025",
                 "THIRD QUARTER OF FISCAL 2025", "first quarter fiscal year 2026", "fİscal 2026"):
        assert mentions._maybe_period(text) and mentions._PERIOD_RE.search(text), text


def test_first_sets_hold_every_character_the_case_folding_matches() -> None:
    every = "".join(map(chr, range(0x110000))).encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    for chars in ("0-9adfjmnos", r"\dfqst", "0-9.數sath", "k", "i"):
        folded = set(re.findall(f"[{chars}]", every, re.IGNORECASE))
        plain = set(re.findall(f"[{mentions.first_set(chars, re.IGNORECASE)}]", every))
        assert folded == plain, chars
    assert set(re.findall(f"[{money._ANCHOR_CLASS}]", every)) == \
        set(re.findall(r"[0-9.零〇一二兩两三四五六七八九十百千數数幾几sath]", every, re.IGNORECASE))


def test_split_scans_give_the_whole_scan() -> None:
    """Every split trie scan, on texts where the parts' words overlap (then the whole trie is scanned)."""
    texts = ["gpu集群和集群", "co-invest in", "a joint venture to co-invest", "gpu云 云服务 gpu clusters",
             "market value 市值", "如果if whenever 每当", "定制ai芯片 ai芯片", ""]
    index = EntityIndex()
    for split in relations._SPLIT.values():
        for text in texts:
            assert split.hits(text) == [(m.start(), m.end(), m.group(0)) for m in split.whole.finditer(text)]
    for text in texts + ["微软和微软公司 microsoft corp", "英伟达nvidia"]:
        assert index._scan.hits(text) == [(m.start(), m.end(), m.group(0)) for m in index._regex.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["gpu", "集群", "云", "服务", " ", "co-", "invest", "定制", "ai", "芯片", "微软",
                                 "英伟达", "nvidia", "openai", "a", "的", "market", "value", "市值", "if", "如果",
                                 "deal", "合同"]), max_size=25).map("".join))
def test_split_scans_on_generated_text(text: str) -> None:
    for split in relations._SPLIT.values():
        assert split.hits(text) == [(m.start(), m.end(), m.group(0)) for m in split.whole.finditer(text)]


_TRIE_WORDS = ["if", "in", "into", "including", "in jest", "inc", "raise", "raised", "raising", "never a commitment",
               "never agreed", "not a binding", "nothing like that", "of which", "may be", "might", "co-invest",
               "a", "ab", "abc", "如果", "如", "否认", "否决", "9x", "x9"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_TRIE_WORDS), min_size=1, max_size=8),
       st.lists(st.sampled_from(_TRIE_WORDS + [" ", "x", "é", "-", "_", "1", "的", "sinc", "ifs", "raisin"]),
                max_size=14).map("".join), st.integers(0, 6), st.integers(0, 6))
def test_cue_tries_are_the_flat_alternation(words: list[str], text: str, pos: int, cut: int) -> None:
    """:func:`relations._pattern` (a trie, each root's left edge checked after the words' common start) finds what
    the flat alternation of the bounded words, longest first, finds; scanned whole or in parts alike."""
    flat = re.compile("|".join(relations._bounded(w) for w in sorted(set(words), key=len, reverse=True)))
    end = max(pos, len(text) - cut)
    trie = relations._pattern(words)
    assert _spans(trie.finditer(text, pos, end)) == _spans(flat.finditer(text, pos, end))
    for by in ("branch", "script", "whole"):
        for edge in (False, True):
            split = mentions.split_scan(trie, words, relations._pattern, by=by, edge=edge)
            assert split.hits(text) == _spans(flat.finditer(text)), (by, edge)


#: Words and what can stand around them: every kind of character a word edge can follow (a space, a line break,
#: punctuation, a capital, an ideograph, a curly quote, an underscore, a letter or digit, the text's start).
_EDGE_PIECES = ["raise", "raised", "funding round", "in jest", "if", "into", "could", "may be", "9x", "x9", "募资",
                "如果", "如", " ", "  ", "\n", "(", "-", "_", "A", "é", "的", "’", "x", "1", ".", "\u3000", "ſ"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_EDGE_PIECES), max_size=16).map("".join))
def test_text_marks_are_the_word_starts_not_after_a_space(text: str) -> None:
    """:func:`mentions.text_marks`: the starts of ``[a-z0-9]`` runs not after a space, and whether a character at or
    above U+2E80 is in the text, against a plain reading of every character."""
    _, starts, wide = mentions.text_marks(text)
    alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
    assert starts == [p for p in range(len(text))
                      if text[p] in alnum and (p == 0 or text[p - 1] not in alnum + " ")]
    assert wide == any(ord(c) >= 0x2E80 for c in text)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_TRIE_WORDS), min_size=1, max_size=8),
       st.lists(st.sampled_from(_EDGE_PIECES), max_size=16).map("".join))
def test_edge_parts_find_what_the_whole_trie_finds(words: list[str], text: str) -> None:
    """An edge part (:data:`mentions.EDGE`: read after a space, and by ``match`` at the other word starts) and a wide
    part (skipped where no wide character is) find what ``finditer`` of the whole trie finds, on text where words
    follow every kind of character; the cue tries of the pipeline too."""
    trie = relations._pattern(words)
    for by in ("script", "whole"):
        split = mentions.split_scan(trie, words, relations._pattern, by=by, edge=True)
        assert split.hits(text) == _spans(trie.finditer(text)), by
    for split in relations._SPLIT.values():
        assert split.hits(text) == _spans(split.whole.finditer(text))


def test_edge_parts_are_read_from_every_word_start() -> None:
    """Each way a word can start (after a space, a line break, a parenthesis, an ideograph, a capital, an underscore, at
    the text's start) is read: a scan from the spaces alone would miss all but the first."""
    words = ["raise", "if", "募资"]
    trie = relations._pattern(words)
    split = mentions.split_scan(trie, words, relations._pattern, by="whole", edge=True)
    assert mentions.EDGE in split.kinds and mentions.WIDE in split.kinds
    text = "raise if\nraise(if募资raiseAif_raise-if’raise xraise raisex"
    got = split.hits(text)
    assert got == _spans(trie.finditer(text))
    assert [s for s, _, _ in got] == [0, 6, 9, 15, 17, 19, 25, 28, 34, 37]


def test_cue_trie_roots_open_on_their_common_start() -> None:
    """A root's words share their first characters: the pattern opens on all of them (a literal search)."""
    assert relations._pattern(["never agreed", "never a commitment"]).pattern.startswith(
        r"never\ a(?<![a-z0-9]never\ a)(?:")
    assert relations._pattern(["never agreed", "nothing"]).pattern.startswith("n(?<![a-z0-9]n)(?:")
    one = relations._pattern(["raise", "raised", "raising"])
    assert one.pattern.startswith("rais(?<![a-z0-9]rais)")
    assert [m.group() for m in one.finditer("raise upraised raising raisin")] == ["raise", "raising"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["market cap", "market value", "市值", "stake", "own", "owns", "holds", "takes",
                                 "rose", "fell", "surged", "涨", "跌", "大涨", "持股", "收购", " ", "a", "x", "2",
                                 "%", "的", "-", "market", "cap"]), max_size=25).map("".join),
       st.integers(0, 60), st.integers(0, 20))
def test_scans_near_a_figure_are_the_whole_scan(text: str, lo: int, width: int) -> None:
    lo = min(lo, len(text))
    hi = min(len(text), lo + width)
    for rx in (relations._MOVE_RE, relations._MKT_RE, relations._STAKE_VERB_RE):
        assert relations._find_near(rx, text, lo, hi) == relations._find(rx, text, lo, hi)
    long = "e" * 70 + text  # no place to start within 64 characters: the whole-text scan
    for rx in (relations._MOVE_RE, relations._STAKE_VERB_RE):
        assert relations._find_near(rx, long, 70 + lo, 70 + hi) == relations._find(rx, long, 70 + lo, 70 + hi)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["a", "A", "輝", "達", "Ａ", "　", "É", "\ud800", "\U0001f600", "ß", "İ", "x" * 50]),
                min_size=1, max_size=40).map("".join))
def test_fold_by_array_is_fold_by_table(piece: str) -> None:
    text = piece * (normalise.FOLD_ARRAY_MIN // len(piece) + 1)
    assert normalise.fold(text) == text.translate(normalise.folding_table())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["a", "，", "（", "：", "　", "Ａ", "～", "\uff5f", "\uff00", "輝", "\ud800",
                                 "\U0001f600", "x" * 50]), min_size=1, max_size=40).map("".join))
def test_narrow_by_array_is_narrow_by_table(piece: str) -> None:
    text = piece * (normalise.FOLD_ARRAY_MIN // len(piece) + 1)
    assert normalise._narrow(text) == text.translate(normalise._FULL_WIDTH)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 8)), max_size=12),
       st.lists(st.tuples(st.integers(0, 3), st.integers(1, 12)), max_size=6))
def test_merging_new_names_is_the_plain_merge(known_spans: list, gaps: list) -> None:
    from dealweb.extract.mentions import EntityMention, merge_names

    known = sorted((EntityMention(s, s + n, f"k{s}", "K") for s, n in known_spans), key=lambda x: x.start)
    new, pos = [], 0
    for gap, n in gaps:  # in text order, not overlapping
        new.append(EntityMention(pos + gap, pos + gap + n, f"n{pos}", "N"))
        pos += gap + n
    plain = sorted([x for x in known if not any(m.start <= x.start and x.end <= m.end for m in new)] + new,
                   key=lambda x: x.start)
    assert merge_names(known, new) == (plain if new else known)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 5), st.text(alphabet="ab c", min_size=0, max_size=12),
       st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14)), max_size=6))
def test_spans_of_one_segment_are_the_plain_map(skip: int, body: str, spans: list) -> None:
    """A text of one segment (plain, or HTML whose kept text starts ``skip`` characters in) maps by one shift."""
    from dealweb.extract.ingest import _span, _spans_of
    from dealweb.extract.normalise import NormText

    norm = NormText("<" * skip + body, body, body, "html", [0], [skip])
    given_spans = {f"f{i}": (a, b) for i, (a, b) in enumerate(spans)}
    assert _spans_of(norm, given_spans) == {k: _span(norm, v) for k, v in given_spans.items()}




@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(["龙", "华", "A", "Zentrix", " ", "\u3000", "  ", "a", "的", "é", "Ａ", "1", "\n"]),
                max_size=20).map("".join))
def test_capitals_after_ideographs_are_the_scan(text: str) -> None:
    """The capitals found from themselves are those that end the plain pattern's matches."""
    assert [m.start() for m in mentions._CAPITAL_AFTER_CJK.finditer(text)] == \
        [m.end() - 1 for m in re.finditer(r"[\u4e00-\u9fff][ \u3000]?[A-Z]", text)]

@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(("龙|华|科技|中文名字很长很长的|十二个字的一个长长名字|(|( |)| )|(acme)|"
                                 "( zentrix corp )|(a)|(b2 x&y)|acme|a| |,|，|.|é|1|的|(龍華)|((|()").split("|")),
                max_size=24).map("".join))
def test_cjk_glosses_are_the_scan(text: str) -> None:
    """The Chinese names read once before each parenthesis are the pattern's scan of the whole text."""
    assert [(m.span(), m.groups()) for m in mentions._cjk_glosses(text)] == \
        [(m.span(), m.groups()) for m in mentions._CJK_GLOSSED.finditer(text)]
    long = "名" * 15 + "(acme)" + "名字(x)" + "名" * 12 + "(acme)"
    assert [m.group(1) for m in mentions._cjk_glosses(long)] == ["名" * 12, "名" * 12]

@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(("zentrix|acme corp|a|b2|x&y|o'neil|co.|semi-conductor| |  |\n|\t|(|)|（|）|甲乙丙|"
                                 "龙华|中文名字很长很长的|中|,|，|-|.|_|é|1|(龍華)|( 龙华 )|9(中国)").split("|")),
                max_size=24).map("".join))
def test_latin_glosses_are_the_scan(text: str) -> None:
    """The glosses read before each parenthesis are the pattern's scan of the whole text."""
    assert [(m.span(), m.groups()) for m in mentions._latin_glosses(text)] == \
        [(m.span(), m.groups()) for m in mentions._LATIN_GLOSSED.finditer(text)]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(("除了|除|besides|apart from|in addition to|aside from| |  |\n|子公司|通过|透过其|旗下|"
                                 "全资|经由|x|的|parent|maker| parent |developer|,|，|acme").split("|")),
                max_size=12).map("".join), st.integers(0, 30), st.integers(0, 30))
def test_firm_filters_gates_miss_nothing(text: str, lo: int, hi: int) -> None:
    """The cheap tests _actors runs first are implied by the patterns they stand before."""
    lo, hi = min(lo, len(text)), min(max(lo, hi), len(text))
    if relations._EXCEPT.match(text, lo, hi) is None:  # none up to the clause's end: none up to any point in it
        assert all(relations._EXCEPT.match(text, lo, x) is None for x in range(lo, hi + 1))
    if text.find("子公司", lo, hi) < 0:
        assert relations._SUBSIDIARY_BEFORE.search(text, lo, hi) is None
    if not (lo < len(text) and text[lo].isspace()):
        assert relations._DESCRIBES_NEXT.match(text, lo) is None


#: Session 5: sentence-range patterns rewritten to open every form on a literal, and the plain forms they replace.
_LITERAL_FIRST = [
    (relations._TRANCHE_FIRST, r"\b(?:first|initial(?:ly)?|begins? with|beginning with|starts? with|upfront)\b|"
                               r"先|首先|首期|首笔|第一笔"),
    (relations._EACH_BEFORE, r"(?:各自|各|分别|\beach\b)[^，,。;；]{0,12}$"),
    (relations._OBJECT_FAR, r"(?:向|对|给)[^，,；;。:：!?从]{0,14}$|\b(?:in|into|to)\s+(?:[\w-]+\s+){0,4}$"),
    # session 6: the guarantee cues read at every figure
    (relations._GUARANTEE_ZH, r"担保|背书|兜底|(?:租赁|付款|偿债|租金)义务"),
    (relations._GUARANTEE, r"\bbackstop(?:s|ped|ping)?\b|\bguarantee(?:s|d)?\b|\bguaranteeing\b|\bback(?:ing)? up\b"),
    # session 9: the tranche cue read at figures
    (relations._TRANCHE, r"首笔|第一笔|第二笔|最后一笔|末笔|首期|剩余|余下|尾款|\btranche\b|\binstal+ment\b|"
                         r"\bfirst payment\b"),
    # session 10: the infrastructure cue of capital expenditure, read once per sentence with a figure
    (relations._INFRA, r"基础设施|数据中心|资料中心|算力|云计算|晶圆厂|工厂|厂房|infrastructure|data cent(?:er|re)s?|"
                       r"computing capacity|\bfabs?\b|\bplants?\b|\bfactor(?:y|ies)\b"),
]
_LITERAL_PIECES = ("first|firstly|initial|initially|begin with|begins with|beginning with|start with|starts with|"
                   "upfront|先|首先|首期|首笔|第一笔|each|各自|各|分别|in|into|to|向|对|给|从| |  |\n|,|，|。|"
                   "x|_|1|é|-|the firm|ab|teach|tin|w|担保|背书|兜底|租赁|付款|偿债|租金|义务|backstop|backstops|"
                   "backstopped|backstopping|guarantee|guarantees|guaranteed|guaranteeing|back up|backing up|"
                   "back|backing|up|s|d|ing|a|tranche|tranches|installment|instalment|first payment|payment|"
                   "剩余|尾款|fab|fabs|plant|plants|factory|factories|factor|工厂|data center").split("|")


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_LITERAL_PIECES), max_size=16).map("".join), st.integers(0, 12), st.integers(0, 12))
def test_literal_first_patterns_change_no_match(text: str, pos: int, cut: int) -> None:
    end = max(pos, len(text) - cut)
    for rx, plain in _LITERAL_FIRST:
        assert [(m.span(), m.group()) for m in rx.finditer(text, pos, end)] == \
            [(m.span(), m.group()) for m in re.compile(plain).finditer(text, pos, end)], plain[:30]
        assert [(m.span(), m.group()) for m in rx.finditer(text[pos:end])] == \
            [(m.span(), m.group()) for m in re.compile(plain).finditer(text[pos:end])], plain[:30]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(["年", "年期", "为期", "5", "12", "123", "2025", ".", "五", "十二", "一百", " ", "year",
                                 "years", "-year", "over", "for", "the next", "a period of", "five", "x", "a", "月",
                                 "9月", "合同", "内", ",", "\n", "1"]), max_size=14).map("".join),
       st.integers(0, 6), st.integers(0, 6))
def test_term_gate_misses_no_term(text: str, lo: int, cut: int) -> None:
    """Where :func:`relations._maybe_term` says no, :data:`relations._TERM` finds nothing."""
    hi = max(lo, len(text) - cut)
    if not relations._maybe_term(text, lo, hi):
        assert relations._TERM.search(text, lo, hi) is None, (text, lo, hi)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(("數|数|幾|上|逾|近|十|百|千|萬|万|億|亿|兆|一|两|兩|九|several|SEVERAL|ſeveral|a few|"
                                  "A FEW|tens of|TENS OF|tenſ of|hundreds of|HUNDREDS OF|one hundred|ONE THOUSAND|"
                                  "two million|nine|billion|bİllion|onehundred|x| |Kx|的|a|ten  trillion").split("|")),
                max_size=10).map("".join), st.integers(0, 6), st.integers(0, 6))
def test_numeral_test_is_the_pattern(text: str, lo: int, cut: int) -> None:
    hi = max(lo, len(text) - cut)
    assert mentions._numeral_in(text, lo, hi) == (mentions._NUMERIC.search(text, lo, hi) is not None), (text, lo, hi)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "Z", "Hello ", "1", "~", "\x7f", "\n", "輝", "Ａ", "É", "İ", "K"]),
                max_size=30).map("".join))
def test_fold_of_any_length_is_fold_by_table(text: str) -> None:
    """Short texts, ASCII texts (``str.lower``) and long ones fold as the table does."""
    assert normalise.fold(text) == text.translate(normalise.folding_table())


_BREAK_PIECES = [*relations._BREAK_MARKS, *relations._BREAK_WORDS, ",", ", ", "1,000", "3", " ", "  ", "\t", "\xa0",
                 "\n", "a", "x", "Z", "輝", "達", "é", "’", " while ", " but ", "\twhereas\t", "butter", "龍 華",
                 "a 龍", "龍 a", "."]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_BREAK_PIECES), max_size=24).map("".join), st.integers(0, 30), st.integers(0, 30))
def test_mark_breaks_are_the_clause_breaks_where_no_space_break_can_be(text: str, s: int, width: int) -> None:
    """Where :func:`_space_break_in` says no, the marks alone give :data:`_CLAUSE_BREAK`'s breaks (spans included)."""
    e = min(len(text), s + width)
    plain = [m.span() for m in relations._CLAUSE_BREAK.finditer(text, s, e)]
    if not relations._space_break_in(text, s, e):
        assert [m.span() for m in relations._MARK_BREAK.finditer(text, s, e)] == plain


def test_clause_breaks_of_the_fixture_sentences_are_the_whole_pattern() -> None:
    """Every sentence of the fixture articles splits into the same clauses by either path."""
    from dealweb.extract.mentions import iter_sentences
    from dealweb.extract.normalise import normalise

    checked = 0
    for p in sorted(ARTICLES.iterdir()):
        norm = normalise(p.read_text(encoding="utf-8"), name=p.name)
        f = norm.folded
        for s, e in iter_sentences(norm.text):
            fast = relations._CLAUSE_BREAK if relations._space_break_in(f, s, e) else relations._MARK_BREAK
            assert [m.span() for m in fast.finditer(f, s, e)] == \
                [m.span() for m in relations._CLAUSE_BREAK.finditer(f, s, e)], f[s:e]
            checked += fast is relations._MARK_BREAK
    assert checked > 20  # the marks-only path is taken, not skipped


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "Z", "Hello ", "1", "，", "（", "　", "Ａ", "ｚ", "～", "\uff5f", "輝", "達", "É",
                                 "İ", "\ud800", "\U0001f600", "x" * 50, "國" * 90]), max_size=40).map("".join))
def test_narrow_and_fold_in_one_read_are_the_two_maps(text: str) -> None:
    """``_narrow_fold`` (one read by two lookup arrays) gives the width map then the fold, by their tables."""
    narrowed = text.translate(normalise._FULL_WIDTH)
    got = normalise._narrow_fold(text)
    assert got == (narrowed, narrowed.translate(normalise.folding_table()))
    if narrowed == text:
        assert got[0] is text  # nothing to map: the text itself, not a copy


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["# ", "## Title", "#", "\n", "](", "](url)", "[a](b)", "**", "**x", "*", "]", "(",
                                 " ", "text", "<p>", "<div>", "a<b", "輝"]), max_size=20).map("".join))
def test_markdown_sniff_gate_misses_no_markdown(text: str) -> None:
    """The sniff tries the Markdown pattern only where "#", "](" or "**" stands: the same format as always trying it."""
    head = text[:65536]
    if normalise._HTML_SNIFF.search(head) and head.count("<") >= 2:
        plain = "html"
    elif normalise._MD_SNIFF.search(head):
        plain = "markdown"
    else:
        plain = "plain"
    assert normalise.sniff_format(text) == plain


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES + ["，", "Ａ", "１"]), max_size=30).map("".join))
def test_ascii_figures_skip_scans_that_find_nothing(text: str) -> None:
    """ASCII text holds no full-width form and no digit other than 0-9: the scans it skips would find none."""
    assert money.normalise_width(text) == text.translate(money._WIDTH_TABLE)
    if text.isascii():
        assert money._WIDE.search(text) is None and money._OTHER_DIGIT.search(text) is None
    assert _amounts(text, money._matches(text)) == _amounts(text, money._matches_scan(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "Z", "é", "ſ", "K", " ", "龍", "龙", "華", "华", "宣佈", "宣布", "投資", "一",
                                 "9", "Ａ", "\u9fff", "\u4e00", "\u3400", "abc def "]), max_size=60).map("".join))
def test_language_by_set_scans_is_the_loop(text: str) -> None:
    from dealweb.extract.ingest import language_of
    from dealweb.extract.normalise import fold

    sample = text[:20000]
    cjk = [ch for ch in sample if "\u4e00" <= ch <= "\u9fff"]
    latin = sum(ch.isascii() and ch.isalpha() for ch in sample)
    if not cjk or latin > 2 * len(cjk):
        expected = "en"
    else:
        joined = "".join(cjk)
        changed = sum(a != b for a, b in zip(joined, fold(joined), strict=True))
        expected = "zh-Hant" if changed > 0.03 * len(cjk) else "zh-Hans"
    assert language_of(text) == expected


_SCALAR = st.one_of(st.text(), st.none(), st.integers(), st.booleans(), st.floats(allow_nan=False))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_SCALAR, st.lists(st.integers(), max_size=3), st.lists(_SCALAR, max_size=2)), max_size=7))
def test_claim_id_key_is_the_json_text(items: list) -> None:
    from dealweb.extract.review import _plain_json

    key = _plain_json(items)
    assert key is None or key == json.dumps(items, ensure_ascii=False, default=str)


def _canonical(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=1)


def _digest(claims: list[dict]) -> str:
    return f"{len(claims)} claims, sha256 {hashlib.sha256(_canonical(claims).encode()).hexdigest()}"


def _fixture_claims() -> tuple[dict[str, list[dict]], dict[str, str]]:
    """Claims of each fixture article in full; of each as one line and of all in one text, as digests."""
    index = EntityIndex()
    full, digests = {}, {}
    texts = []
    for p in sorted(ARTICLES.iterdir()):
        text = p.read_text(encoding="utf-8")
        texts.append(text)
        full[p.name] = ingest_text(text, document=p.stem, name=p.name, index=index)
        digests[p.name + " (one line)"] = _digest(ingest_text(text.replace("\n", "。"), document=p.stem,
                                                             index=index))
    digests["all fixtures in one text"] = _digest(ingest_text("\n\n".join(texts), index=index))
    return full, digests


def test_fixture_articles_give_the_stored_claims() -> None:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    full, digests = _fixture_claims()
    full = json.loads(_canonical(full))  # through JSON, as the file was written
    assert sorted(full) == sorted(expected["fixtures"])
    for name in expected["fixtures"]:
        assert full[name] == expected["fixtures"][name], name
    assert digests == expected["variants"]


def _readings(got: dict) -> dict:  # noqa: ANN001
    return {k: [(d.payer.id, d.payee.id, d.type, d.amount, d.spans) for d in v] for k, v in got.items()}


@pytest.mark.python_source  # replaces _several and _may_read_one inside relations
def test_one_figure_gate_drops_no_reading_of_several(monkeypatch: pytest.MonkeyPatch) -> None:
    # every call of _several on the fixture articles (as given and as one line) is run again without the cheap
    # rejection of one-figure sentences: the same readings; the rejection is met, and so are one-figure readings
    several, gate = relations._several, relations._may_read_one
    rejected: list[int] = []
    read_one: list[int] = []

    def both(sent, index, topic, raiser, last_deal):  # noqa: ANN001, ANN202
        got = several(sent, index, topic, raiser, last_deal)
        figs = relations._usd_figures(sent)
        if len(figs) == 1 and not gate(sent, figs[0]):
            rejected.append(sent.start)
        monkeypatch.setattr(relations, "_may_read_one", lambda s, b: True)
        try:
            plain = several(sent, index, topic, raiser, last_deal)
        finally:
            monkeypatch.setattr(relations, "_may_read_one", gate)
        assert _readings(got) == _readings(plain)
        if len(figs) == 1 and plain:
            read_one.append(sent.start)  # a one-figure reading the rejection must let through
        return got

    monkeypatch.setattr(relations, "_several", both)
    index = EntityIndex()
    for p in sorted(ARTICLES.glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        ingest_text(text, document=p.stem, index=index)
        ingest_text(text.replace("\n", "。"), document=p.stem, index=index)
    # and the made-up sentences of the several-investor tests, which read one figure by shapes 3, 5 and 6
    import test_extract_several as several_tests

    for fn in vars(several_tests).values():
        for mark in getattr(fn, "pytestmark", []):
            for case in mark.args[1] if mark.name == "parametrize" else ():
                text = case[0] if isinstance(case, tuple) else case
                if isinstance(text, str):
                    ingest_text(text, index=several_tests.INDEX)
    assert rejected and read_one


def _seed_digest(seeds: Path) -> dict[str, str]:
    index = EntityIndex()
    out = {}
    for p in sorted(seeds.glob("*.txt")):
        claims = ingest_text(p.read_text(encoding="utf-8"), document=p.stem, name=p.name, index=index)
        out[p.name] = _digest(claims)
    return out


def test_seeds_give_the_stored_claims() -> None:
    from seed_articles import require_seeds

    seeds = require_seeds()
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))["seeds"]
    got = _seed_digest(seeds)
    for name, digest in expected.items():
        if name in got:
            assert got[name] == digest, name
    if not set(expected) & set(got):
        pytest.skip(f"none of the seeds the digest names is in {seeds}")


if __name__ == "__main__" and "--write" in sys.argv:
    sys.path.insert(0, str(HERE))
    from seed_articles import SEEDS_DIR

    full, digests = _fixture_claims()
    EXPECTED.write_text(_canonical({"fixtures": full, "variants": digests, "seeds": _seed_digest(SEEDS_DIR)})
                        + "\n", encoding="utf-8")
    print(f"wrote {EXPECTED}")


def test_weak_words_are_the_generic_verbs_cues() -> None:
    """The set :func:`relations._weak` looks a word up in holds the cue words of buy and contract, no other."""
    cues = relations.TYPE_CUES
    for words in cues.values():
        for w in words:
            assert relations._weak("x " + w + " y", ("t", 2, 2 + len(w))) == \
                (w in cues["buy"] or w in cues["contract"]), w


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PIECES + ["SEVERAL ", "Several", "A FEW ", "a Few", "TENS OF ", "Hundreds Of ",
                                           "ſeveral", "ſEVERAL ", "sever", "al ", "a fe", "w ", "tens", " of"]),
                max_size=16).map("".join))
def test_amounts_without_vague_words_are_the_scan(text: str) -> None:
    """The numeral-only anchor, taken where no vague word can be, finds what the plain scan finds."""
    assert _amounts(text, money._matches(text)) == _amounts(text, money._matches_scan(text))
    if money._anchor_for(text) is money._ANCHOR_NUM:
        for pos in range(len(text) + 1):
            a, b = money._ANCHOR.search(text, pos), money._ANCHOR_NUM.search(text, pos)
            assert (a and a.start()) == (b and b.start())


def test_only_the_long_s_folds_to_a_vague_word_letter() -> None:
    every = "".join(map(chr, range(0x110000))).encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    for letter in set("".join(money._VAGUE_WORDS)) - {" "}:
        folded = set(re.findall(f"(?i){letter}", every)) - {letter, letter.upper()}
        assert folded == ({"\u017f"} if letter == "s" else set()), letter


def _find_by_whole_scan(index: EntityIndex, norm: normalise.NormText) -> list[tuple[int, int, str]]:
    """:meth:`EntityIndex.find` as it was: the whole trie scanned, then the matches inside a word dropped."""
    folded, n, word = norm.folded, len(norm.folded), mentions._WORD_CHARS
    out = []
    for m in index._regex.finditer(folded):
        s, e, name = m.start(), m.end(), m.group(0)
        if s > 0 and name[0] in word and (folded[s - 1] in word or (
                folded[s - 1] == "-" and s > 1 and folded[s - 2] in word and norm.text[s].islower())):
            continue
        if e < n and name[-1] in word and folded[e] in word and not (
                name[-1].isalpha() and mentions._FIGURE_AFTER.match(folded, e)):
            continue
        out.append((s, e, index.names[name][0]))
    return out


#: Made-up firms whose names reach across a word's edge ("Zen Ora", "Qu-Ix", "Ab有限公司") and names that can start
#: inside them, so that a match in the middle of a word would hide one the index keeps.
_MADE_UP = [GazEntry("zen-ora", "company", "Zen Ora", aliases=("Zen Ora Labs",)),
            GazEntry("ora", "company", "Ora"), GazEntry("labs", "company", "Labs Co"),
            GazEntry("qu-ix", "company", "Qu-Ix"), GazEntry("ix", "company", "Ix Systems"),
            GazEntry("ab", "company", "Ab有限公司", "有限公司甲"), GazEntry("x9", "company", "X9", "甲乙")]
_NAME_PIECES = ["zen", "zen ora", "xzen ora", " ora", "ora", "labs", " labs co", "qu-ix", "xqu-ix systems", "ix",
                " ix systems", "ab有限公司", "xab有限公司甲", "有限公司甲", "甲乙", "x9", "_ora", "x", " ", "-", "(",
                "\n", "10億美元", "的", "Zen Ora", "Large-ora"]


_MADE_UP_INDEX: list[EntityIndex] = []


def _made_up_index() -> EntityIndex:
    if not _MADE_UP_INDEX:
        _MADE_UP_INDEX.append(EntityIndex(extra=_MADE_UP))
    return _MADE_UP_INDEX[0]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_NAME_PIECES), max_size=12).map("".join))
def test_entity_names_from_word_starts_are_the_whole_scan(text: str) -> None:
    """:meth:`EntityIndex.find` (names opening on a letter or digit matched only at word starts, the whole trie
    scanned where a match inside a word could reach across a word's edge) gives what the whole scan gives."""
    index = _made_up_index()
    assert mentions.EDGE in index._scan.kinds
    norm = normalise.normalise(text, fmt="plain")
    assert [(x.start, x.end, x.id) for x in index.find(norm)] == _find_by_whole_scan(index, norm)


def test_a_name_inside_a_word_that_reaches_across_its_edge_hides_what_it_covers() -> None:
    """"xzen ora": the whole scan takes "zen ora" inside "xzen" (then dropped) and so never sees "ora": the word-start
    scan alone would find "ora"; the names reaching across an edge send such a text to the whole scan."""
    index = _made_up_index()
    norm = normalise.normalise("xzen ora and ora", fmt="plain")
    assert [x.id for x in index.find(norm)] == ["ora"] == [i for _, _, i in _find_by_whole_scan(index, norm)]
    assert [x.start for x in index.find(norm)] == [13]


def _plain_amount_pattern() -> re.Pattern[str]:
    """The amount pattern as first written: each optional part as ``(...)?`` (:func:`money._opt`: ``(?:...|)``)."""
    def single(tag: str) -> str:
        return (rf"(?P<cp{tag}>{money._CUR_PRE})?\s?(?P<num{tag}>{money._NUM})\s?"
                rf"(?P<sc{tag}>{money._CN_SCALE}|\s?{money._EN_SCALE})?\s?(?P<us{tag}>{money._UNIT_SUF})?")
    vague = (r"(?P<vcn>[數数幾几][十百千]?[萬万億亿兆]{1,2})\s?(?P<vus>" + money._UNIT_SUF + r")?"
             r"|(?P<ven>(?:several|a few)\s+(?:hundred\s+|tens of\s+)?(?:thousand|million|billion|trillion)"
             r"|(?:tens|hundreds) of (?:thousands|millions|billions))(?:\s+(?:of\s+)?(?P<vus2>"
             + money._UNIT_SUF + r"))?")
    return re.compile(rf"(?P<qp>{money._Q_PRE})?\s?(?:{vague}|{single('1')}(?:{money._RANGE_SEP}{single('2')})?)"
                      rf"(?P<qs>{money._Q_SUF})?(?:\s?[（(]\s?(?P<paren>[^（）()]{{1,40}})[)）])?", re.IGNORECASE)


_PLAIN_AMOUNT: list[re.Pattern[str]] = []


def _groups_at(rx: re.Pattern[str], text: str, p: int) -> tuple[int, int, dict[str, tuple[int, int]]] | None:
    m = rx.match(text, p)
    return None if m is None else (m.start(), m.end(), {k: m.span(k) for k in rx.groupindex})


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PIECES + ["ABOUT ", "Billion", "USD ", "Cents", "ſ", "İ", "ı", "\u212a", "US$",
                                           "Several ", "TENS OF ", "HK$"]), max_size=14).map("".join))
def test_amount_pattern_is_the_plain_one_in_either_case(text: str) -> None:
    """:data:`money._PATTERN` (optional parts as empty alternatives) matches what the pattern as first written matches,
    at every place, with every group; :data:`money._PATTERN_LOWER` in the lower-case copy too, wherever
    :func:`money._lower_for_match` gives one (not where a character folds to an ASCII letter)."""
    if not _PLAIN_AMOUNT:
        _PLAIN_AMOUNT.append(_plain_amount_pattern())
    plain = _PLAIN_AMOUNT[0]
    low = money._lower_for_match(text)
    assert (low is None) == any(c in text for c in "\u0130\u0131\u017f\u212a")
    for p in range(len(text) + 1):
        want = _groups_at(plain, text, p)
        assert _groups_at(money._PATTERN, text, p) == want
        if low is not None:
            assert len(low) == len(text)
            assert _groups_at(money._PATTERN_LOWER, low, p) == want


def test_lower_case_matching_is_refused_where_a_letter_folds_to_ascii() -> None:
    """The long s matches "s" only case-folded: in lower case the pattern would miss "ſeveral billion", so such a text
    is matched case-folded, and its figures are read as written ("Cents" stays as written)."""
    assert money._PATTERN_LOWER.match("ſeveral billion dollars") is None
    assert money._PATTERN.match("ſeveral billion dollars") is not None
    assert money._lower_for_match("ſeveral billion dollars") is None
    assert [f.amount.low for f in money.find_amounts("ſeveral billion dollars")] == [2e9]
    assert [(f.amount.low, f.amount.text) for f in money.find_amounts("about 2 Cents, 3 cents")] == \
        [(1.8, "about 2 Cents"), (0.03, "3 cents")]
