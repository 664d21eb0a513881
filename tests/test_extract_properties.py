"""Properties of extraction on arbitrary input: never a crash, every quote and span points into the text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dealweb.extract.ingest import ingest_text
from dealweb.extract.mentions import EntityIndex

_INDEX = EntityIndex()
_PIECES = st.sampled_from([
    "輝達", "OpenAI", "甲骨文", "Oracle", "軟銀", "英伟达", "微软", "AMD", "the company", "他們",
    "向", "與", "和", "投資", "購買", "訂購", "晶片", "雲端運算", "認股權證", "貸款", "租賃", "獲得", "invests",
    "buys", "from", "with", "1000億美元", "約400億美元", "最高1,000 億美元", "數百億美元", "1.6億股", "10吉瓦",
    "$40 billion", "up to $100 billion", "36%", "營收", "RPO", "市值", "股價暴漲", "2026財年Q1", "9月9日",
    "，", ",", "。", ";", ":", "?", "\n", " ", "“", "”", "段子", "如果", "<p>", "</p>", "&amp;", "**",
    "１２３", "億", "的", "了",
])


@given(st.lists(_PIECES, max_size=40), st.sampled_from(["plain", "html", "markdown"]))
@settings(max_examples=300, deadline=None)
def test_claims_always_point_into_the_text(pieces: list[str], fmt: str) -> None:
    text = "".join(pieces)
    claims = ingest_text(text, fmt=fmt, index=_INDEX)
    for c in claims:
        assert text[c["start"]:c["end"]] == c["quote"]
        assert c["kind"] in ("deal", "fact")
        assert 0.0 <= c["confidence"] <= 1.0
        for field, (s, e) in c["spans"].items():
            assert 0 <= s <= e <= len(text), field
            if field in ("amount", "value", "quantity", "capacity_gw", "type", "metric"):
                assert c["start"] <= s <= e <= c["end"], field  # the figure and its cue are in the quote
            # a party may be the topic named in an earlier sentence (or the title): its span is there
            assert text[s:e].strip(), field
        if c["kind"] == "deal":
            assert c["from"]["id"] != c["to"]["id"]
            assert c["amount"] is not None or c["capacity_gw"] is not None or c.get("quantity") is not None
            if c["amount"] is not None:
                s, e = c["spans"]["amount"]
                assert text[s:e] == c["amount"]["text"]


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_unicode_text_is_safe(text: str) -> None:
    for c in ingest_text(text, index=_INDEX):
        assert text[c["start"]:c["end"]] == c["quote"]
