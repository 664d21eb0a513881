"""Chinese deal sentences read by structure (issue 13, session 5): lists, 分別/各, glued names, bounds.

Table-driven: every sentence was written for these tests with made-up firms (Longhua 龍華/龙华, Tiancheng 天成,
Acme, Quix, Zentrix 贊特/赞特, Dynamo 迪納摩/迪纳摩), in both scripts, given to the extractor as extra gazetteer
entries (Quix is in no list: it is found by where it stands). Each row states by hand the USD deal claims a reader
finds: (payer, payee, low, high) in USD.
"""

from __future__ import annotations

import pytest

from dealweb.extract.gazetteer import GazEntry
from dealweb.extract.ingest import ingest_text
from dealweb.extract.mentions import EntityIndex

FIRMS = (
    GazEntry("longhua", "company", "Longhua", "龍華", "龙华"),
    GazEntry("tiancheng", "company", "Tiancheng", "天成", "天成"),
    GazEntry("acme", "company", "Acme"),
    GazEntry("zentrix", "company", "Zentrix", "贊特", "赞特"),
    GazEntry("dynamo", "company", "Dynamo", "迪納摩", "迪纳摩"),
)
INDEX = EntityIndex(extra=FIRMS)
B = 1e9


def usd_deals(text: str) -> set[tuple[str, str, float, float | None]]:
    """(payer, payee, usd_low, usd_high) of every USD deal claim proposed for ``text``."""
    out = set()
    for c in ingest_text(text, index=INDEX):
        if c["kind"] == "deal" and c["amount"] and c["amount"]["currency"] == "USD":
            hi = c["amount"]["usd_high"]
            out.add((c["from"]["id"], c["to"]["id"], c["amount"]["usd_low"], None if hi == float("inf") else hi))
    return out


CASES = [
    # one investor, a list of investees each with its figure: every figure is the investor's
    ("龍華今年的投資還包括：入股Acme10億美元，投資天成50億美元，投資迪納摩 100億美元。",
     {("longhua", "acme", 1 * B, 1 * B), ("longhua", "tiancheng", 5 * B, 5 * B),
      ("longhua", "dynamo", 10 * B, 10 * B)}),
    ("龙华今年的投资还包括:入股Acme10亿美元,投资天成50亿美元,投资迪纳摩 100亿美元。",
     {("longhua", "acme", 1 * B, 1 * B), ("longhua", "tiancheng", 5 * B, 5 * B),
      ("longhua", "dynamo", 10 * B, 10 * B)}),
    # the investor named in the sentence before; a bare item ("Zentrix（贊特）50億美元") follows a marked one
    ("龍華宣布了新的投資計畫。此外，還包括對 Acme 投資 10 億美元、Zentrix（贊特）50 億美元，"
     "以及對新創公司迪納摩投資 20 億美元。",
     {("longhua", "acme", 1 * B, 1 * B), ("longhua", "zentrix", 5 * B, 5 * B), ("longhua", "dynamo", 2 * B, 2 * B)}),
    ("龙华宣布了新的投资计划。此外,还包括对 Acme 投资 10 亿美元、Zentrix(赞特)50 亿美元。",
     {("longhua", "acme", 1 * B, 1 * B), ("longhua", "zentrix", 5 * B, 5 * B)}),
    # a firm in no list, glued to its figure, is still a firm and the figure still a figure
    ("龍華今年的投資包括：入股Quix10億美元，投資天成50億美元。",
     {("longhua", "quix", 1 * B, 1 * B), ("longhua", "tiancheng", 5 * B, 5 * B)}),
    # 分別 with the object run: one payer, the n-th investee with the n-th figure
    ("龍華今年向Acme和天成分別投資10億美元和20億美元。",
     {("longhua", "acme", 1 * B, 1 * B), ("longhua", "tiancheng", 2 * B, 2 * B)}),
    ("龙华今年向Acme和天成分别投资10亿美元和20亿美元。",
     {("longhua", "acme", 1 * B, 1 * B), ("longhua", "tiancheng", 2 * B, 2 * B)}),
    # 分別 with the payer run: the n-th investor with the n-th figure
    ("龍華和天成分別向Acme投資10億美元和20億美元。",
     {("longhua", "acme", 1 * B, 1 * B), ("tiancheng", "acme", 2 * B, 2 * B)}),
    ("龙华和天成分别向Acme投资10亿美元和20亿美元。",
     {("longhua", "acme", 1 * B, 1 * B), ("tiancheng", "acme", 2 * B, 2 * B)}),
    # 各 with the object run: the one payer pays each investee the figure
    ("龍華向Acme和天成各注資30億美元。", {("longhua", "acme", 3 * B, 3 * B), ("longhua", "tiancheng", 3 * B, 3 * B)}),
    ("龙华向Acme和天成各注资30亿美元。", {("longhua", "acme", 3 * B, 3 * B), ("longhua", "tiancheng", 3 * B, 3 * B)}),
    # 各 with the payer run: every investor pays the figure
    ("龍華與天成各投資Acme 30億美元。", {("longhua", "acme", 3 * B, 3 * B), ("tiancheng", "acme", 3 * B, 3 * B)}),
    # 至多, 上看: upper bounds
    ("龍華將在新系統落地過程中向Acme投資至多1000億美元。", {("longhua", "acme", 0.0, 100 * B)}),
    ("龙华将向Acme投资上看500亿美元。", {("longhua", "acme", 0.0, 50 * B)}),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_chinese_deal_structures(text: str, expected: set[tuple[str, str, float, float | None]]) -> None:
    assert usd_deals(text) == expected
