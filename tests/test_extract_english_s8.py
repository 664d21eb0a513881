"""English by general mechanisms (issue 13, session 8): made-up sentences, what a reader finds, by hand.

Same conventions as tests/test_extract_english.py: made-up firms given as extra gazetteer entries (Acme, Borealis,
Cobalt Cloud that sells compute, Dynamo Capital a fund, Flux Semiconductor that sells chips, the Nimbus venture;
Quorra and Zentrix are in no list). A deal row is ``(payer, payee, low, high)`` in USD; a coreference row is the
list of ``(id, description)`` the coreference step resolves.
"""

from __future__ import annotations

import pytest

from dealweb.extract.coref import resolve_descriptions
from dealweb.extract.mentions import find_short_names
from dealweb.extract.normalise import normalise
from test_extract_english import INDEX, usd_deals

B = 1e9
M = 1e6


def described(text: str) -> list[tuple[str, str]]:
    """``(id, description)`` of every description the coreference step resolves in ``text``."""
    norm = normalise(text)
    return [(m.id, norm.text[m.start:m.end]) for m in resolve_descriptions(norm, INDEX.find(norm), INDEX)]


@pytest.mark.parametrize(("text", "expected"), [
    # a description mid-sentence stands for the one firm the sentence before names
    ("Borealis reported strong demand. Acme made a $200 million investment in the company.",
     [("borealis", "the company")]),
    # ... of its kind when a kind word narrows it (a chip word: a firm that sells chips)
    ("Flux Semiconductor and Acme met in May. Dynamo Capital put $2 billion into the chipmaker.",
     [("flux", "the chipmaker")]),
    # words between determiner and noun ("the ChatGPT maker", "the world's largest chipmaker")
    ("Flux Semiconductor won orders. Acme valued the world's largest chipmaker at $5 billion.",
     [("flux", "the world's largest chipmaker")]),
    # after a word that opens a clause of its own, it may stand for the firm named before it in its clause
    ("Borealis shares rose after the company signed a $3 billion contract.", [("borealis", "the company")]),
    # ... but an object never stands for its own clause's subject
    ("Acme signed a $3 billion contract with the company.", []),
    # left alone: another firm ("the other company"), a description that introduces a name, a sentence with no
    # dollar figure, a possessive of something else, too many firms before it to tell
    ("Borealis reported strong demand. Acme made a $200 million investment in the other company.", []),
    ("Borealis reported strong demand. Acme made a $200 million investment in the startup Quorra.", []),
    ("Borealis reported strong demand. Acme praised the company.", []),
    ("Borealis reported strong demand. Acme learned from the company's experience with a $5 billion deal.", []),
    ("Borealis and Flux Semiconductor reported demand. Acme made a $200 million investment in the company.", []),
])
def test_english_descriptions(text: str, expected: list[tuple[str, str]]) -> None:
    assert described(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a mid-sentence description is a party of the figure's deal
    ("Borealis reported strong demand. In addition, Acme made another $200 million investment in the company.",
     {("acme", "borealis", 200 * M, 200 * M)}),
    # a verb of committing or pledging says who pays whom, whatever the two usually sell, in a headline too
    ("Acme Commits Up to $27 Billion to Borealis for AI Infrastructure", {("acme", "borealis", 0.0, 27 * B)}),
    ("Acme has committed $2 billion to Borealis.", {("acme", "borealis", 2 * B, 2 * B)}),
    ("Borealis Deepens Race With Investment in Flux Semiconductor as Acme Commits $30B to Cobalt Cloud",
     {("acme", "cobalt", 30 * B, 30 * B)}),
    ("Cobalt Cloud pledged $3 billion to Acme.", {("cobalt", "acme", 3 * B, 3 * B)}),
    # ... not money committed to an activity (no firm after "to")
    ("Acme has committed $2 billion to building data centres.", set()),
    # a joint venture named only later in the text is the venture in view: cash in, payout out
    ("Acme and Dynamo Capital set up a campus together. Dynamo Capital has contributed around $7 billion in cash to "
     "the venture, and Acme will receive a one-time payout of approximately $3 billion. The campus is named Nimbus.",
     {("dynamo", "nimbus-jv", 6.3 * B, 7.7 * B), ("nimbus-jv", "acme", 2.7 * B, 3.3 * B)}),
    # a description opening the sentence is the firm before of the kind it says (an asset manager: a fund)
    ("Under the agreement, Acme will keep 20% of the campus, while funds managed by Dynamo Capital hold the rest. "
     "The alternative asset manager is contributing roughly $7 billion in cash. The campus is named Nimbus.",
     {("dynamo", "nimbus-jv", 6.3 * B, 7.7 * B)}),
    # in a text about a venture, a deal "to build" a facility is the venture's size, no partner's payment
    ("Acme has announced a $27 billion financing deal with Dynamo Capital to develop its largest data center. "
     "The venture's campus is named Nimbus.", set()),
    # ... a text that names a project but no venture keeps the deal
    ("Acme has announced a $27 billion financing deal with Dynamo Capital to develop its largest data center. "
     "The campus is named Nimbus.", {("dynamo", "acme", 27 * B, 27 * B)}),
    ("Acme has announced a $27 billion financing deal with Dynamo Capital to develop its largest data center.",
     {("dynamo", "acme", 27 * B, 27 * B)}),
    # several investors in one figure: one aggregate claim of the group (guideline §7), tickers and formal suffixes
    # between the members of the list
    ("Acme Corporation (ACM.US), Borealis (NASDAQ: BOR), and Flux Semiconductor (FLX.US) are in talks to invest up "
     "to $60 billion in Ember Labs.",
     {("acme+borealis+flux", "ember", 0.0, 60 * B)}),
    ("Acme, Borealis and Dynamo Capital together invested $6 billion in Ember Labs.",
     {("acme+borealis+dynamo", "ember", 6 * B, 6 * B)}),
    # ... not when the investors are not all named (guideline §7: no claim)
    ("Ember Labs secured $6 billion from investors including Acme and Borealis.", set()),
    # a hedged ceiling of the deal told just before ("could reach", "could lift the total contract value to as much
    # as"): the same pair's claim, hedge kept (guideline §6), when the sentence names no other firm
    ("Acme will buy $12 billion of compute from Cobalt Cloud over five years. The total commitment could reach $27 "
     "billion.",
     {("acme", "cobalt", 12 * B, 12 * B), ("acme", "cobalt", 27 * B, 27 * B)}),
    ("Acme will buy $12 billion of compute from Cobalt Cloud. Borealis said its own deal could reach $27 billion.",
     {("acme", "cobalt", 12 * B, 12 * B)}),
    # a firm's first word alone, after its full name, is that firm ("Flux" after "Flux Semiconductor")
    ("Flux Semiconductor signed a lease with Cobalt Cloud. Flux expects to pay $2 billion to Cobalt Cloud for it.",
     {("flux", "cobalt", 2 * B, 2 * B)}),
])
def test_english_structure_s8(text: str, expected: set[tuple[str, str, float, float | None]]) -> None:
    assert usd_deals(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Flux Semiconductor won orders. Flux expects more.", [(31, 35, "flux")]),
    # not before the full name, not when written in lower case elsewhere (a common word), not as the start of another
    # capitalised name, not a word shorter than four letters
    ("Flux expects more. Flux Semiconductor won orders.", []),
    ("Flux Semiconductor won orders. Flux expects more flux.", []),
    ("Flux Semiconductor won orders. Flux Helios expects more.", []),
    ("Cobalt Cloud won orders. Cobalt expects more.", [(25, 31, "cobalt")]),
])
def test_short_names(text: str, expected: list[tuple[int, int, str]]) -> None:
    norm = normalise(text)
    known = INDEX.find(norm)
    got = find_short_names(norm, known, INDEX)
    assert [(m.start, m.end, m.id) for m in got if m not in known] == expected
