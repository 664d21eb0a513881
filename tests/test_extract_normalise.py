"""Normalisation keeps a way back to the original text; folding keeps lengths; mentions are found."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.extract.mentions import EntityIndex, find_dates, find_periods, iter_sentences
from dealweb.extract.normalise import fold, normalise
from dealweb.model import Entity, Ledger
from dealweb.money import normalise_width

_PIECES = st.sampled_from(["輝達", "OpenAI", "投資", "１０００億美元", "<p>", "</p>", "<b>", "&amp;", "&lt;",
                           "<script>var a='甲骨文';</script>", "<!-- 微軟 -->", "**", "[", "](http://x)",
                           "# ", "\n", " ", "，", "。", "abc"])


@given(st.lists(_PIECES, max_size=30), st.sampled_from(["html", "markdown", "plain"]))
@settings(max_examples=200, deadline=None)
def test_every_kept_character_maps_back_to_itself(pieces: list[str], fmt: str) -> None:
    original = "".join(pieces)
    n = normalise(original, fmt=fmt)
    assert len(n.folded) == len(n.text)
    for i, ch in enumerate(n.text):
        o = n.pos(i)
        assert 0 <= o < len(original)
        src = original[o]
        # a kept character is the original one (width-normalised); a replacement stands at a '<' or '&'
        assert normalise_width(src) == ch or src in "<&", (original, i, ch, src)
    # positions never go backwards
    assert all(n.pos(i) < n.pos(i + 1) for i in range(len(n.text) - 1))


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_fold_keeps_length(text: str) -> None:
    assert len(fold(text)) == len(text)


def test_html_script_and_entities_are_dropped_and_quotes_point_into_the_original() -> None:
    original = "<html><body><script>var s='甲骨文 投資';</script><p>輝達&amp;OpenAI 簽約</p></body></html>"
    n = normalise(original)
    assert n.fmt == "html"
    assert "甲骨文" not in n.text and "var" not in n.text
    i = n.text.index("OpenAI")
    quote, s, e = n.quote(i, i + len("OpenAI 簽約"))
    assert quote == "OpenAI 簽約" and original[s:e] == quote
    assert original.index("OpenAI") == s


def test_markdown_markup_is_removed() -> None:
    original = "# 標題\n**輝達**向[OpenAI](https://example.com/a)投資"
    n = normalise(original, name="a.md")
    assert n.text == "標題\n輝達向OpenAI投資"
    i = n.text.index("輝達向")
    quote, s, e = n.quote(i, len(n.text))
    # the span runs across removed markup: the quote is the original slice, markup included
    assert quote == "輝達**向[OpenAI](https://example.com/a)投資"


def test_full_width_digits_are_plain_in_text_and_offsets_unchanged() -> None:
    n = normalise("投資１０００億美元，")
    assert n.text == "投資1000億美元,"
    assert n.to_original(2, 6) == (2, 6)


def test_fold_traditional_simplified_and_case() -> None:
    assert fold("輝達軟銀星際之門 NVIDIA") == "辉达软银星际之门 nvidia"


def test_entities_in_three_scripts_and_boundaries() -> None:
    idx = EntityIndex()
    text = "輝達、英偉達、英伟达、NVIDIA、軟銀、软银、SoftBank、Metaverse、美超微、超微、星際之門、星际之门"
    ids = [m.id for m in idx.find(normalise(text))]
    assert ids == ["nvidia"] * 4 + ["softbank"] * 3 + ["supermicro", "amd", "stargate", "stargate"]


def test_ledger_ids_win_over_gazetteer_ids() -> None:
    led = Ledger(entities={"nv": Entity("nv", {"en": "NVIDIA Corporation"}, aliases=("Nvidia",)),
                           "acme": Entity("acme", {"en": "Acme Compute", "zh-Hant": "愛克算力"})})
    idx = EntityIndex(led)
    found = [(m.id, m.name) for m in idx.find(normalise("英偉達 與 愛克算力 及 ACME COMPUTE"))]
    assert found == [("nv", "NVIDIA Corporation"), ("acme", "Acme Compute"), ("acme", "Acme Compute")]


def test_periods_and_dates() -> None:
    labels = [p.label for p in find_periods("Oracle 26財年Q1業績會,2026財年第二季,Q3 2025,FY26 Q1,2026財年,"
                                           "2026年下半年,2025年第三季")]
    assert labels == ["FY2026 Q1", "FY2026 Q2", "2025-Q3", "FY2026 Q1", "FY2026", "2026-H2", "2025-Q3"]
    dates = find_dates("2025年10月6日,10月13日;on September 9, 2025 and Sept. 10; 2024-06-01")
    assert [d.label for d in dates] == ["2025-10-06", "2025-10-13", "2025-09-09", "2025-09-10", "2024-06-01"]
    assert find_dates("9月9日")[0].date is None


def test_sentences_of_a_huge_line_are_windows() -> None:
    text = "甲" * 10_000 + "。" + ("ab, " * 3000)
    spans = list(iter_sentences(text, max_len=2000))
    assert all(e - s <= 2000 for s, e in spans)
    assert "".join(text[s:e] for s, e in spans) == text
