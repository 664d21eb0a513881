"""The fast paths of :mod:`dealweb.extract.mentions` (issue 16, session 10) give exactly what the plain scans give.

Each fast path finds where a pattern can match by cheap string searches and tries the pattern there only; these
tests compare it with the pattern's own scan of the whole text, on generated text built of the pieces that matter.
"""

from __future__ import annotations

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
def test_chinese_firm_nouns_from_marks_are_the_scan(text: str) -> None:
    assert _spans(mentions._cn_firm_nouns(text, _marks(text))) == _spans(mentions._CN_FIRM_NOUN.finditer(text))


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(["%", "％", " ", "  ", "至", "到", "to", "t", "o", "5", "\n", "%至", "x"]),
                max_size=16).map("".join))
def test_percent_then_range_word_is_the_substitution(text: str) -> None:
    plain = mentions._PCT_THEN.sub(lambda m: m.group(1) + " " * len(m.group(2)), text)
    assert mentions._pct_then(text) == plain
