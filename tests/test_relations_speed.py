"""The fast paths of :mod:`dealweb.extract.relations` give exactly what the plain forms give (issue 16, session 8).

Each shortcut is checked against the plain computation it replaces, on made-up text (hypothesis), and each test
holds a case that a stricter shortcut (one that skips more) gets wrong, so the check can fail.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.extract import relations


def _spans(it) -> list[tuple[int, int, str]]:  # noqa: ANN001
    return [(m.start(), m.end(), m.group(0)) for m in it]


#: The union of the registered cue tries (built once: compiling its two tries takes a while).
_UNION = relations._Union(relations._LISTS)


def _plain(text: str) -> list[list[tuple[int, int, str]]]:
    """Each registered cue trie's own whole-text scan, in the union's order."""
    return [_spans(rx.finditer(text)) for _, rx, _ in _UNION.lists]


def _words() -> list[str]:
    return sorted({w for _, ws in relations._LISTS.values() for w in ws})


#: Pieces of made-up text: every cue word of every list, their halves (a word cut inside another), separators.
_PIECES = sorted({p for w in _words() for p in (w, w[: len(w) // 2], w[len(w) // 2:])} |
                 {" ", "  ", "x", "a", "s", "ed", "-", "的", "，", ",", "1", "é", "\n"})


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=16).map("".join))
def test_union_scan_is_each_tries_own_scan(text: str) -> None:
    assert _UNION.scan(text) == _plain(text)


def _nested() -> str:
    """A text where a cue word of one list lies inside a longer cue word of another list, and is found there by its
    own list's scan (looked for among the registered words)."""
    owners = {w: {k for k, (_, ws) in relations._LISTS.items() if w in ws} for w in _words()}
    for w in _words():
        for v in _words():
            at = w.find(v, 1)
            if v == w or at < 0 or not owners[v] - owners[w]:
                continue
            text = f"x {w} y {w}"
            if any(h[0] == 2 + at and h[2] == v for hits in _plain(text) for h in hits):
                return text
    raise AssertionError("no cue word holds a word of another list")


def test_union_scan_finds_words_inside_other_lists_hits() -> None:
    """A word of one list inside a longer word of another: found by the union's places inside its hits.

    The union matches only the longer word there; replaying each list's scan on the hits' starts alone (a
    stricter shortcut) loses the inner word, which its own list's scan finds.
    """
    text = _nested()
    assert _UNION.scan(text) == _plain(text)
    assert _UNION.scan(text, inside=False) != _plain(text)


def test_find_reads_the_union_scan() -> None:
    """:func:`relations._find` of a registered trie: its own scan's hits inside the range."""
    text = "acme raised funds, including a joint venture; 如果龙华投资 the deal could be worth more, 否认"
    for key, (rx, _) in relations._LISTS.items():
        for lo, hi in ((0, len(text)), (5, 40), (30, 31), (50, len(text))):
            want = [h for h in _spans(rx.finditer(text)) if lo <= h[0] and h[1] <= hi]
            assert relations._find(rx, text, lo, hi) == want, (key, lo, hi)


def test_every_cue_trie_is_in_the_union() -> None:
    """The cue lists read through :func:`relations._find` are all registered (a trie left out would be scanned
    by its own ``finditer``, still right, but slower)."""
    for rx in (relations._JOKE_P, relations._COND_P, relations._HEDGE_P, relations._LIST_P, relations._DENIAL_P,
               relations._INVITE_P, relations._RAISE_P, relations._ALL_TYPE_RE, relations._FACT_RE,
               relations._MOVE_RE, relations._MKT_RE, relations._STAKE_VERB_RE):
        assert id(rx) in relations._LISTS
        assert isinstance(rx, re.Pattern)


#: Each gate of :func:`relations._any_in`: the pattern it guards, its words, and for each word a made-up text the
#: pattern matches that holds no other word of the gate (so a gate without that word would lose the match).
_GATES = [
    (relations._TOTAL_TO, relations._TOTAL_TO_WORDS,
     {"total": "the sale, bringing the total to ", "tally": "pushing its tally to about "}),
    (relations._NICKNAME_BEFORE, relations._NICKNAME_WORDS,
     {"known as": 'the lab, known as "the ', "dubbed": "a firm dubbed 'big ", "nicknamed": "nicknamed “red ",
      "hailed as": "hailed as the ‘next "}),
    (relations._SELL, relations._SELL_WORDS,
     {"出售": "龙华出售", "卖出": "卖出股票", "减持": "减持", "抛售": "抛售", "sold": "acme sold its",
      "sell": "will sell", "divest": "to divest", "offload": "offloads"}),
    (re.compile(r"双方|两家|二者|\bboth\b"), relations._BOTH_WORDS,
     {"双方": "双方共同", "两家": "两家公司", "二者": "二者", "both": "both firms"}),
    # session 9: the sentence's conditions, the per-share price before a figure, an English guarantee before it
    (relations._CONDITION, relations._CONDITION_EN + relations._CONDITION_ZH,
     {"subject to": "subject to approval", "provided that": "provided that", "contingent on": "contingent on it",
      "vest": "shares vest", "conditional on": "conditional on", "once": "once built", "as each": "as each gw",
      "in tranches": "paid in tranches", "在满足": "在满足", "条件": "条件", "前提是": "前提是", "取决于": "取决于",
      "而定": "视情况而定", "分期": "分期", "每部署": "每部署"}),
    (relations._PER_SHARE_BEFORE, ("股", "share"), {"股": "每股价格为", "share": "a share price of "}),
    (relations._GUARANTEE, ("back", "guarantee"), {"back": "will backstop", "guarantee": "guaranteed"}),
    # session 9: the opening of a sentence that points back to the topic
    (relations._DESCRIPTION_START, ("the ",), {"the ": "the chipmaker said"}),
    (relations._OPENING_PHRASE, (", ",), {", ": "days earlier, "}),
    # session 9: the words before a figure or a party
    (relations._OWNER_BEFORE, relations._OWNER_WORDS, {"its": "acme and its new ", "'s": "acme's new ",
                                                        "’s": "acme’s new "}),
    (relations._WITH_FAR, relations._WITH_WORDS, {"with": "a deal with the ", "与": "龙华与", "跟": "龙华跟",
                                                  "同": "龙华同"}),
    (relations._BUY_FROM, ("from",), {"from": "acme to buy chips from "}),
    (relations._DEAL_REF_VALUE, relations._DEAL_REF_VALUE_WORDS,
     {"valued at": "the deal, valued at ", "worth": "the deal worth ", "value of": "the deal has a value of ",
      "total": "the deal totaling ", "价值": "这笔交易价值", "总额": "这笔交易总额", "金额": "这笔交易金额",
      "规模": "这笔交易规模"}),
    (relations._VALUE_OF_REF, relations._VALUE_OF_REF_WORDS,
     {"value": "its value is ", "pegged": "analysts pegged the deal at ", "put": "analysts put the deal at ",
      "estimated": "they estimated the deal at ", "framed": "he framed the deal as ",
      "described": "she described the deal as an ", "priced": "they priced the deal at "}),
    (relations._THE_BEFORE, relations._THE_WORDS,
     {"the": "the ", "this": "this ", "a previous": "a previous ", "an earlier": "an earlier ", "这笔": "这笔",
      "该": "该", "这项": "这项", "此": "此"}),
    (relations._RESPECTIVELY, relations._RESPECTIVELY_WORDS,
     {"respectively": "respectively", "分别": "分别", "各为": "各为"}),
    (relations._FORECAST_AFTER, relations._FORECAST_AFTER_WORDS,
     {"预期": "的预期", "预测": "市场预测", "共识": "共识", "预估": "预估", "consensus": " consensus",
      "estimate": " estimates", "forecast": " forecast", "影响": "的影响", "impact": " impact", "effect": " effect"}),
    (relations._FORECAST_BEFORE, relations._FORECAST_BEFORE_WORDS,
     {"市场": "市场预期为", "分析师": "分析师预测", "共识": "共识预期", "consensus of": "a consensus of ",
      "expected": "expected "}),
    (relations._PER_SHARE_AFTER, relations._PER_SHARE_WORDS, {"股": "每股", "share": " per share"}),
    (relations._COORD, relations._COORD_WORDS,
     {"和": " 和 ", "与": "与", "及": "及", "、": "、", "&": " & ", "and": " and "}),
    (relations._COMMA_GAP, (",",), {",": " inc., "}),
    (relations._BOTH, relations._BOTH_GATE,
     {"两家": "两家", "双方": "双方", "二者": "二者", "both": "both", "the two": "the two firms"}),
    (relations._TO_VENTURE, ("合资", "合营"), {"合资": "向合资公司", "合营": "向合营企业"}),
    (relations._PAY_TO_USE, relations._PAY_TO_USE_WORDS,
     {"pay": "pay 3 to use it", "paid": "paid 3 to use it", "spen": "spend 3 to use it"}),
    (relations._OPTION_UP, relations._OPTION_UP_WORDS,
     {"option": "the option to expand to ", "could": "it could expand to ", "may": "it may expand to ",
      "might": "it might expand to ", "可": "最多可增至", "或将": "或将扩大至", "有望": "有望达到",
      "按需": "按需扩大至"}),
    (relations._CUSTOMER_IS, relations._CUSTOMER_WORDS, {"客户": "其客户是", "customer": "the customer is "}),
    (relations._ACCORDING, ("据", "according to"), {"据": "据", "according to": "according to "}),
]

_GATE_PIECES = sorted({p for _, words, examples in _GATES for w in (*words, *examples.values())
                       for p in (w, w[:2], w[2:], w[:-1])} | {" ", "x", "the ", "to ", ",", "s", "'", "“", "视", "ing"})


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_GATE_PIECES), max_size=12).map("".join), st.integers(0, 30), st.integers(0, 30))
def test_gated_patterns_match_only_where_a_gate_word_lies(text: str, lo: int, cut: int) -> None:
    """Where no word of a gate lies in the range, its pattern finds nothing there: the gate drops no match."""
    hi = max(lo, len(text) - cut)
    for rx, words, _ in _GATES:
        if not relations._any_in(text, words, lo, hi):
            assert rx.search(text, lo, hi) is None, (rx.pattern, text, lo, hi)


def test_every_gate_word_is_needed() -> None:
    """A gate without any one of its words would skip a text its pattern matches."""
    for rx, words, examples in _GATES:
        assert set(examples) == set(words), rx.pattern
        for word, text in examples.items():
            assert rx.search(text) is not None, (rx.pattern, text)
            assert relations._any_in(text, words, 0, len(text))
            assert not relations._any_in(text, tuple(w for w in words if w != word), 0, len(text)), (word, text)


def test_pronoun_start_is_computed_once_and_kept() -> None:
    """:func:`relations._starts_pronoun` gives what it computes, and keeps it in the sentence's slot."""
    for text, want in (("It signed a deal.", True), ("The company said so.", True), ("Acme signed.", False),
                       ("Last week, the chipmaker sent $5.", True), ("其二,龙华投资", True)):
        sent = relations._Sentence(0, len(text), text.lower(), (), (), (), [(0, len(text))])
        assert relations._opens_on_pronoun(sent) is want, text
        assert relations._starts_pronoun(sent) is want and sent._pronoun is want, text


_TERM_PIECES = ["为期", "期限", "长达", "租期", "合约期", "五", "十二", "3", "12", "2025", "年", "年期", "月",
                " ", "的", "合同", ",", ".", "over", "for", "the next ", "a period of ", "five", "years", "year",
                "-year", "-", "x", "a", "9", "٣", "内"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_TERM_PIECES), max_size=14).map("".join), st.integers(0, 12), st.integers(0, 12))
def test_term_scan_from_its_first_possible_start_is_the_whole_scan(text: str, lo: int, cut: int) -> None:
    """:data:`relations._TERM` scanned from :func:`relations._term_from` finds what the whole range's scan finds."""
    hi = max(lo, len(text) - cut)
    q = relations._term_from(text, lo, hi)
    assert lo <= q <= hi
    assert _spans(relations._TERM.finditer(text, q, hi)) == _spans(relations._TERM.finditer(text, lo, hi))


def test_term_scan_start_is_not_later_than_a_match() -> None:
    """The start is at or before the first match; for the English forms exactly at it (one later would lose it)."""
    for text, tight in (("acme signed 为期五年的合同", False), ("合约期 12 年内", True),
                        ("a deal for five years", True), ("over the next 3 years", True),
                        ("a twelve-year lease", True), ("2025年 a 10-year deal", False)):
        q = relations._term_from(text, 0, len(text))
        first = next(relations._TERM.finditer(text))
        assert q <= first.start(), text
        assert q == first.start() or not tight, text
        assert _spans(relations._TERM.finditer(text, q)) == _spans(relations._TERM.finditer(text))


# Session 9 (issue 16): the gates of the rules read at every figure.

def _needs_wide(parsed) -> bool:  # noqa: ANN001
    """Whether every match of the parsed pattern holds a character at or above U+2E80 (a wide character).

    Read from the pattern's parse tree: a literal or a class of only wide characters, a group or a repeat (at least
    once) of such, a branch every arm of which has one. Anything else (a look-around, an optional part) holds none.
    """
    import re._constants as C

    def item(op, av) -> bool:  # noqa: ANN001
        if op is C.LITERAL:
            return av >= 0x2E80
        if op is C.IN:
            return all(o is C.LITERAL and v >= 0x2E80 or o is C.RANGE and v[0] >= 0x2E80 for o, v in av)
        if op is C.BRANCH:
            return all(_needs_wide(b) for b in av[1])
        if op is C.SUBPATTERN:
            return _needs_wide(av[-1])
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            return av[0] >= 1 and _needs_wide(av[2])
        if op is C.ATOMIC_GROUP:
            return _needs_wide(av)
        return False

    return any(item(op, av) for op, av in parsed)


def _wide_only(rx: re.Pattern[str]) -> bool:
    import re._parser as P
    return _needs_wide(P.parse(rx.pattern, rx.flags))


#: The patterns tried only where a wide character can lie (``_Sentence.wide_from``).
_WIDE_GATED = [
    relations._POWER_FIRM,
    relations._OWNER_OF_NEXT,
    relations._CAP_MOVE_AFTER,
    relations._MEASURE_BEFORE,
    relations._FACILITY_AFTER,
    relations._GUARANTEE_ZH,
    relations._UNIT_PRICE,
    relations._GENERIC_SPENDERS,
    relations._COSTS,
    relations._ESTIMATE,
    relations._EACH_OWN,
    relations._WARRANT_AFTER,
    relations._HELD_BEFORE,
    relations._MEANS_BEFORE,
]


def test_wide_gated_patterns_match_only_text_holding_a_wide_character() -> None:
    for rx in _WIDE_GATED:
        assert _wide_only(rx), rx.pattern
    # the check can fail: a pattern with an English form, or whose wide part is optional, is not wide-only
    for rx in (relations._CONDITION, relations._PER_SHARE_BEFORE, relations._FORECAST_AFTER,
               re.compile(r"(?:的)?\s*x"), re.compile(r"[^，]{0,4}a"), re.compile(r"(?=合资)a")):
        assert not _wide_only(rx), rx.pattern
    assert _wide_only(re.compile(r"\s*(?:甲|乙)+")) and not _wide_only(re.compile(r"\s*(?:甲|乙)*"))


_WIDE_PIECES = ["Acme paid $5 billion. ", "龙华出资50亿美元。", "x", " ", "\n", "é", "’", "—", "【", "。", "a.", "1"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WIDE_PIECES), max_size=14).map("".join))
def test_sentence_wide_from_is_the_first_wide_character_after_its_start(text: str) -> None:
    """Each sentence knows where the first wide character at or after its start lies (or the text's length): what a
    plain search from its start gives."""
    from dealweb.extract.mentions import find_amount_mentions
    from dealweb.extract.normalise import normalise

    norm = normalise(text, "plain")
    amts = find_amount_mentions(norm)
    for sent in relations._each_sentence(norm, [], amts, []):
        want = next((i for i in range(sent.start, len(norm.folded)) if norm.folded[i] >= "\u2e80"), len(norm.folded))
        assert sent.wide_from == want, (text, sent.start)


def test_clauses_are_split_at_first_use_and_kept() -> None:
    """A sentence's clauses, split when first read: at the marks (not a comma in a figure, nor one inside a
    parenthesis), and at a space before "but" in English; then kept."""
    for text, want in (("acme (a, b and c) signed, then paid 1,000; done", ["acme (a, b and c) signed,",
                                                                         " then paid 1,000;", " done"]),
                       ("acme paid but borealis did not", ["acme paid but ", "borealis did not"]),
                       ("龙华出资，天成收购：完成", ["龙华出资，", "天成收购：", "完成"]),
                       ("no break here", ["no break here"])):
        sent = relations._Sentence(0, len(text), text, (), (), (), None)
        got = sent.clauses
        assert [text[s:e] for s, e in got] == want, text
        assert sent.clauses is got


_INVEST_PIECES = ["invest", "inv", "commit", "contribut", "funding", "round", "ground", "投资", "注资", "融资", "承诺",
                  "投", " ", "x", "a", ",", "é", "’", "。"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_INVEST_PIECES), max_size=12).map("".join), st.integers(0, 20), st.integers(0, 20))
def test_invest_context_is_the_pattern(text: str, lo: int, cut: int) -> None:
    """:func:`relations._invest_context` says what :data:`relations._INVEST_CONTEXT` finds in the range (by C scans of
    its English words where no wide character lies)."""
    hi = max(lo, len(text) - cut)
    wide = next((i for i, ch in enumerate(text) if ch >= "\u2e80"), len(text))
    sent = relations._Sentence(0, len(text), text, (), (), (), None, wide_from=wide)
    assert relations._invest_context(sent, lo, hi) is (relations._INVEST_CONTEXT.search(text, lo, hi) is not None)
    # the English words alone would miss the Chinese ones: the wide test is needed
    assert not relations._any_in("龙华投资", relations._INVEST_CONTEXT_EN, 0, 4)


def test_proposal_init_is_the_dataclass_fields_in_order() -> None:
    """:class:`relations.Proposal`'s written-out ``__init__`` takes the dataclass's fields in their order, with
    their defaults (a new container for each default factory)."""
    import dataclasses

    fields = dataclasses.fields(relations.Proposal)
    bare = relations.Proposal("deal", (0, 1), 0.5)
    for f in fields[3:]:
        want = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
        assert getattr(bare, f.name) == want, f.name
    assert bare.spans is not relations.Proposal("deal", (0, 1), 0.5).spans
    from dealweb.extract.mentions import EntityMention
    from dealweb.money import Amount

    # a distinct value of each field's type, in field order (the compiled build checks the types)
    values = ["deal", (3, 4), 0.25, EntityMention(0, 1, "a", "A"), EntityMention(2, 3, "b", "B"), "lease",
              Amount(5.0, 5.0), 1.5, Amount(7.0, 7.0), EntityMention(4, 5, "c", "C"), "capex", Amount(9.0, 9.0),
              "FY2025", "joke", "2025-01-02", 5.0, [(1, 2)], {"amount": (3, 4)}, "fallback"]
    assert len(values) == len(fields)
    p = relations.Proposal(*values)
    assert [getattr(p, f.name) for f in fields] == values
    assert p == relations.Proposal(**{f.name: v for f, v in zip(fields, values, strict=True)})


def test_jv_word_is_the_pattern_kept_per_sentence() -> None:
    for text, want in (("acme and hooli form a joint venture", True), ("龙华合资", True), ("a jv of two", True),
                       ("the jvc brand", False), ("no venture here", False)):
        sent = relations._Sentence(0, len(text), text, (), (), (), None)
        assert relations._jv_word(sent) is want is (relations._JV_WORD.search(text) is not None), text
        assert sent._jv is want


_MARK_PIECES = [",", "，", ":", "：", ";", "；", "】", "1", "12", "123", "1,000", "٣", "a", " ", "龙", "x,y", "\n"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_MARK_PIECES), max_size=16).map("".join), st.integers(0, 12), st.integers(0, 12))
def test_mark_breaks_by_scans_are_the_pattern(text: str, s: int, cut: int) -> None:
    """:func:`relations._mark_breaks` finds where :data:`relations._MARK_BREAK` matches (a comma before three digits
    up to the range's end is none); with ``wide=False`` wherever no wide character lies in the range."""
    e = max(s, len(text) - cut)
    want = [m.start() for m in relations._MARK_BREAK.finditer(text, s, e)]
    assert relations._mark_breaks(text, s, e, True) == want
    if all(ch < "\u2e80" for ch in text[s:e]):
        assert relations._mark_breaks(text, s, e, False) == want
    # the ASCII marks alone miss a wide one: the wide test is needed
    assert relations._mark_breaks("a，b", 0, 3, False) == [] and relations._mark_breaks("a，b", 0, 3, True) == [1]


_OPENING_PIECES = ["除了", "除", "besides", "apart from", "in addition to", "aside from", " ", "\u3000", "\n", "b", "a",
                   "i", "x", "额", "者", "人", "机构", "银行", " bank", " banks", "firm", " firms", "f", "，", "1"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_OPENING_PIECES), max_size=8).map("".join), st.integers(0, 6), st.integers(0, 6))
def test_first_character_tests_are_the_patterns(text: str, lo: int, cut: int) -> None:
    """:func:`relations._opens_except` and :func:`relations._invest_noun` say what their patterns' ``match`` says."""
    hi = max(lo, len(text) - cut)
    assert relations._opens_except(text, lo, hi) is (relations._EXCEPT.match(text, lo, hi) is not None)
    assert relations._invest_noun(text, lo) is (relations._INVEST_NOUN.match(text, lo, lo + 6) is not None)


def test_first_character_sets_hold_every_opening() -> None:
    """Each form of the patterns opens on a character the tests let through (one left out would lose a match)."""
    for text in ("除了", "除", "  besides", "apart from", "in addition to", "aside from"):
        assert relations._opens_except(text, 0, len(text)), text
    for text in ("额", "者", "人", "机构", "银行", " banks", "firms", " firm"):
        assert relations._invest_noun(text, 0), text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 40), max_size=24).map(sorted), st.integers(-2, 42), st.integers(0, 30),
       st.integers(-1, 30))
def test_written_out_bisects_are_the_librarys(a: list[int], x: int, lo: int, hi: int) -> None:
    """:func:`coref.bisect_left` and ``bisect_right`` (compiled, no boxing) give what :mod:`bisect` gives."""
    import bisect

    from dealweb.extract import coref

    top = len(a) if hi < 0 else min(hi, len(a))
    lo = min(lo, top)
    assert coref.bisect_left(a, x) == bisect.bisect_left(a, x)
    assert coref.bisect_right(a, x) == bisect.bisect_right(a, x)
    assert coref.bisect_left(a, x, lo, top) == bisect.bisect_left(a, x, lo, top)
    assert coref.bisect_right(a, x, lo, top) == bisect.bisect_right(a, x, lo, top)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 60), max_size=40).map(sorted), st.integers(-2, 62), st.integers(0, 45))
def test_lower_from_a_cursor_is_bisect_left(a: list[int], x: int, near: int) -> None:
    """:func:`relations._lower` (from a cursor, a few steps then bisection) gives :func:`bisect.bisect_left`."""
    import bisect

    assert relations._lower(a, x, near) == bisect.bisect_left(a, x)
