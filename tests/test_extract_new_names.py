"""Firms that neither the ledger nor the gazetteer knows, found by where their Latin names stand.

Made-up names only (Zentrix, Quorra Labs, Halvard Systems...), none of them in the gazetteer; the known
firm Acme is given as an extra gazetteer entry. Each row says by hand which claim a reader finds.
"""

from __future__ import annotations

import pytest

from dealweb.extract.gazetteer import GazEntry
from dealweb.extract.ingest import ingest_text
from dealweb.extract.mentions import EntityIndex, find_new_names, firm_id
from dealweb.extract.normalise import normalise

INDEX = EntityIndex(extra=(GazEntry("acme", "company", "Acme", "艾克米", "艾克米"),
                           GazEntry("borealis", "company", "Borealis", "博瑞斯", "博瑞斯")))
B = 1e9


def usd_deals(text: str) -> set[tuple[str, str, float, float | None]]:
    out = set()
    for c in ingest_text(text, index=INDEX):
        if c["kind"] == "deal" and c["amount"] and c["amount"]["currency"] == "USD":
            hi = c["amount"]["usd_high"]
            out.add((c["from"]["id"], c["to"]["id"], c["amount"]["usd_low"], None if hi == float("inf") else hi))
    return out


@pytest.mark.parametrize(("name", "expected"), [
    ("Zentrix", "zentrix"), ("Quorra Labs", "quorra-labs"), ("SB Acme Japan", "sb-acme-japan"),
    ("A&B Works", "a-b-works"),
])
def test_firm_id_is_the_review_slug(name: str, expected: str) -> None:
    assert firm_id(name) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("艾克米拟以 20 亿美元收购 AI 芯片初创公司 Zentrix。", {("acme", "zentrix", 2 * B, 2 * B)}),
    ("艾克米同意以20億美元現金收購晶片設計商Zentrix。", {("acme", "zentrix", 2 * B, 2 * B)}),
    ("艾克米计划以5亿美元收购网络公司Halvard的业务。", {("acme", "halvard", 0.5 * B, 0.5 * B)}),
    ("艾克米將以5億美元收購設計業者Halvard運算公司。", {("acme", "halvard", 0.5 * B, 0.5 * B)}),
    ("Acme agreed to acquire Zentrix for $2 billion in cash.", {("acme", "zentrix", 2 * B, 2 * B)}),
    ("Acme will invest $3 billion into Quorra Labs.", {("acme", "quorra-labs", 3 * B, 3 * B)}),
    # a known name inside a longer capitalised name is a firm of its own (a venture named after its parent)
    ("Borealis will invest $3 billion a year into SB Acme Japan.", {("borealis", "sb-acme-japan", 3 * B, 3 * B)}),
])
def test_unknown_firm_is_a_party(text: str, expected: set[tuple[str, str, float, float | None]]) -> None:
    assert usd_deals(text) == expected


@pytest.mark.parametrize("text", [
    "Acme said on Monday that Jane Roe will lead the unit.",  # a person, not in a firm's slot
    "艾克米執行長Jane Roe表示，公司將在Taipei設立辦公室。",  # a person after a role word, a city
    "The AI startup GPU market grew.",  # acronyms and common words are not names
    "Acme bought the company.",  # lower case
])
def test_no_name_outside_a_firm_slot(text: str) -> None:
    norm = normalise(text)
    assert find_new_names(norm, INDEX.find(norm)) == []


def test_every_mention_of_a_found_name_is_the_firm() -> None:
    text = "艾克米收購Zentrix。Zentrix的創辦人表示歡迎。"
    norm = normalise(text)
    got = find_new_names(norm, INDEX.find(norm))
    assert [(text[m.start:m.end], m.id) for m in got] == [("Zentrix", "zentrix"), ("Zentrix", "zentrix")]
