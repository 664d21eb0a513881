"""English deal sentences read by structure (issue 13, session 7): made-up sentences, claims found by hand.

Same conventions as tests/test_extract_english.py (made-up firms given as extra gazetteer entries; each row is
``(payer, payee, low, high)`` in USD, one row per claim a reader finds).
"""

from __future__ import annotations

import pytest

from dealweb.extract.gazetteer import GazEntry
from dealweb.extract.ingest import ingest_text
from dealweb.extract.mentions import EntityIndex
from test_extract_english import B, usd_deals


@pytest.mark.parametrize(("text", "expected"), [
    # a verb of paying after one firm's name says who pays, whoever usually sells what
    ("Flux Semiconductor is Acme's second source, with Acme intending to spend up to $10 billion on compute "
     "capacity.",
     {("acme", "flux", 0.0, 10 * B)}),
    ("Cobalt Cloud said Acme will pay $3 billion for its compute over five years.",
     {("acme", "cobalt", 3 * B, 3 * B)}),
    # a known firm under a longer formal name ("... Electronics", "... Semiconductor") is the same firm
    ("Acme announced a $16.5 billion chip supply agreement with Borealis Electronics.",
     {("acme", "borealis", 16.5 * B, 16.5 * B)}),
    # a figure's decimal point does not end the sentence between a verb and its object
    ("Acme will put $22.5 billion into Borealis.", {("acme", "borealis", 22.5 * B, 22.5 * B)}),
    ("Cobalt Cloud will purchase $5.8 billion worth of equipment from Acme.", {("cobalt", "acme", 5.8 * B, 5.8 * B)}),
    # ... or of buying, through an option
    ("Borealis said the contract runs five years, with Acme reserving the option to buy $2 billion of extra "
     "computing capacity.",
     {("acme", "borealis", 2 * B, 2 * B)}),
    # a place's possessive before a new firm's name only describes it
    ("Acme signed a $9.7 billion contract with Australia’s Quorra to secure data centre capacity.",
     {("acme", "quorra", 9.7 * B, 9.7 * B)}),
    ("Acme signed a $9.7 billion contract with Australia's Quorra to secure data centre capacity.",
     {("acme", "quorra", 9.7 * B, 9.7 * B)}),
    # a new firm's "AI" is part of its name (the id is the name as written); after a known firm it is that firm
    ("Acme has completed its $3.25 billion acquisition of Quorra AI, a startup developing optical interconnects.",
     {("acme", "quorra-ai", 3.25 * B, 3.25 * B)}),
    ("Acme will invest $2 billion in Borealis AI.", {("acme", "borealis", 2 * B, 2 * B)}),
    # a new firm after "invest <figure> in" is found by where it stands, as after "invest in"
    ("Acme will invest up to $5 billion in Quorra Energy's fuel cells.", {("acme", "quorra-energy", 0.0, 5 * B)}),
    # an option ceiling "if exercised" is a figure of the deal, not a hypothetical
    ("Acme agreed to rent data centre space from Borealis, in a deal valued at $7 billion, with the potential to "
     "rise to $17.7 billion if all options are exercised.",
     {("acme", "borealis", 7 * B, 7 * B), ("acme", "borealis", 17.7 * B, 17.7 * B)}),
    ("Acme would pay Cobalt Cloud $3 billion if the project is approved.", set()),
    # a deal told by a generic word alone takes the direction the text's acquisition or investment of the pair gives
    ("Flux Semiconductor's $5.5B Quorra AI Deal Transforms Interconnects\n\nFlux Semiconductor announced its "
     "$5.5 billion acquisition of Quorra AI, a startup.",
     {("flux", "quorra-ai", 5.5 * B, 5.5 * B), ("flux", "quorra-ai", 5.5 * B, 5.5 * B)}),
    # ... not when the pair's deals go both ways: each firm pays the other
    ("Acme signed a $5 billion deal with Flux Semiconductor. Flux Semiconductor will invest $1 billion in Acme, "
     "and Acme will buy $4 billion of chips from Flux Semiconductor.",
     {("acme", "flux", 5 * B, 5 * B), ("flux", "acme", 1 * B, 1 * B), ("acme", "flux", 4 * B, 4 * B)}),
    # revenue a lease or contract brings its seller is the customer's payment: the customer after "with"/"grants",
    # or the other party of the deal told just before
    ("Borealis signed two ten-year colocation agreements with Acme. The agreements total about $3.7 billion in "
     "contracted revenue.",
     {("acme", "borealis", 3_330_000_000, 4_070_000_000)}),
    ("- Borealis signed a ten-year agreement that grants Acme full use of its campus and secures $830 million in "
     "revenue.",
     {("acme", "borealis", 0.83 * B, 0.83 * B)}),
    ("Acme agreed to lease 150MW of data centre capacity from Borealis. This builds on a previous leasing agreement, "
     "netting Borealis around $7 billion over the 15-year contract term.",
     {("acme", "borealis", 6_300_000_000, 7_700_000_000)}),
    # a hedge in a relative clause after the figure bears on what that clause says, not on the figure before it; the
    # options' ceiling is the same pair's claim, hedge kept (guideline §6, "a deal's option"; session 8)
    ("Borealis signed two colocation agreements with Acme. The agreements total $3.7 billion in contracted revenue "
     "and include two extension options that could lift total revenue to $8.7 billion.",
     {("acme", "borealis", 3.7 * B, 3.7 * B), ("acme", "borealis", 8.7 * B, 8.7 * B)}),
    # a firm's own revenue for a period, no contract told: a fact, no claim
    ("Borealis reported $3.7 billion in revenue for the quarter, after Acme became a customer.", set()),
])
def test_english_structure_s7(text: str, expected: set[tuple[str, str, float, float | None]]) -> None:
    assert usd_deals(text) == expected


@pytest.mark.parametrize(("text", "typ"), [
    # "Shares of X soared" is a price, not a stake bought: the deal is the agreement told after it
    ("shares of borealis soared after the company signed an agreement with acme worth $1 billion.", "contract"),
    ("shares in borealis fell 5% after it signed a deal with acme.", "contract"),
    # shares bought are a stake
    ("acme bought shares of borealis worth $1 billion.", "acquisition_stake"),
])
def test_shares_that_move_are_no_stake(text: str, typ: str) -> None:
    from dealweb.extract.relations import _deal_type
    got = _deal_type(text, 0, len(text), frozenset())
    assert (got[0] if got else "contract") == typ


#: Two clouds: Hyperion also usually buys compute (a big cloud renting a smaller one's capacity), Nimbus only sells.
CLOUDS = EntityIndex(extra=(
    GazEntry("hyperion", "company", "Hyperion Cloud", sells=frozenset({"compute_contract"}),
             buys=frozenset({"compute_contract"})),
    GazEntry("nimbus", "company", "Nimbus Compute", sells=frozenset({"compute_contract"})),
))


@pytest.mark.parametrize(("text", "payer", "payee"), [
    # both sell compute: the one that also usually buys it rents the other's capacity, whichever is named first
    ("Nimbus Compute signed a $9.7 billion cloud computing contract with Hyperion Cloud.", "hyperion", "nimbus"),
    ("Hyperion Cloud signed a $9.7 billion cloud computing contract with Nimbus Compute.", "hyperion", "nimbus"),
    # a direction said outright still wins
    ("Nimbus Compute will buy $9.7 billion of cloud computing capacity from Hyperion Cloud.", "nimbus", "hyperion"),
])
def test_a_cloud_that_buys_rents_the_other(text: str, payer: str, payee: str) -> None:
    got = {(c["from"]["id"], c["to"]["id"]) for c in ingest_text(text, index=CLOUDS) if c["kind"] == "deal"}
    assert got == {(payer, payee)}
